#ifndef BUFFER_H
#define BUFFER_H
#include <stddef.h>
struct buffer { char *data; size_t len; size_t cap; };
struct buffer *buffer_new(size_t cap);
void buffer_append(struct buffer *b, const char *s);
void buffer_free(struct buffer *b);
#endif
