#include "strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *sb)
{
    sb->cap = 16;
    sb->len = 0;
    sb->data = calloc(sb->cap, 1);
}

void sb_append(struct strbuf *sb, const char *text)
{
    size_t n = strlen(text);
    while (sb->len + n + 1 > sb->cap) {
        sb->cap *= 2;
        sb->data = realloc(sb->data, sb->cap);
    }
    memcpy(sb->data + sb->len, text, n + 1);
    sb->len += n;
}

void sb_trim(struct strbuf *sb)
{
    size_t start = 0;
    while (start < sb->len && isspace((unsigned char)sb->data[start]))
        start++;
    size_t end = sb->len;
    while (end > start && isspace((unsigned char)sb->data[end]))
        end--;
    memmove(sb->data, sb->data + start, end - start);
    sb->len = end - start;
    sb->data[sb->len] = '\0';
}

void sb_free(struct strbuf *sb)
{
    free(sb->data);
}
