#include <ctype.h>
#include <stdlib.h>

#include "calc.h"

int tokenize(const char *text, struct token *out, int max)
{
    int n = 0;
    while (*text && n < max) {
        if (isspace((unsigned char)*text)) {
            text++;
        } else if (isdigit((unsigned char)*text)) {
            char *end;
            out[n].kind = NUM;
            out[n++].value = strtod(text, &end);
            text = end;
        } else {
            out[n].kind = OP;
            out[n++].op = *text++;
        }
    }
    return n;
}
