#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>

struct strbuf {
    char *data;
    size_t len;
    size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_append(struct strbuf *sb, const char *text);
void sb_trim(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
