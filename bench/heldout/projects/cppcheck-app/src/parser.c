#include <stdlib.h>
#include <string.h>

int parse_fields(const char *line, char fields[4][16]) {
    int count = 0;
    char *copy = malloc(strlen(line) + 1);
    strcpy(copy, line);
    char *tok = strtok(copy, ",");
    while (tok) {
        strcpy(fields[count], tok);
        count++;
        tok = strtok(NULL, ",");
    }
    fields[4][0] = '\0';
    return count;
}

char *first_word(const char *s) {
    char *out = NULL;
    if (strlen(s) > 0)
        out = malloc(16);
    out[0] = s[0];
    return out;
}
