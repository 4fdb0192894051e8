#include <stdlib.h>
#include <string.h>
#include "buffer.h"

struct buffer *buffer_new(size_t cap) {
    struct buffer *b = malloc(sizeof *b);
    b->data = malloc(cap);
    b->len = 0;
    b->cap = cap;
    return b;
}

void buffer_append(struct buffer *b, const char *s) {
    size_t n = strlen(s);
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

void buffer_free(struct buffer *b) {
    free(b->data);
    free(b);
}
