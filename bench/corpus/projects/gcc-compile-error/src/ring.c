#include <stdlib.h>

#include "ring.h"

int ring_init(struct ring *r, size_t cap)
{
    r->data = malloc(cap * sizeof *r->data);
    r->cap = cap;
    r->head = 0;
    r->len = 0;
    return r->data ? 0 : -1;
}

int ring_push(struct ring *r, int value)
{
    if (r->len == r->cap)
        return -1;
    r->data[(r->head + r->len) % r->cap] = value;
    r->len++;
    return 0;
}

int ring_pop(struct ring *r, int *out)
{
    if (r->len == 0)
        return -1;
    *out = r->data[r->head];
    r->head = (r->head + 1) % r->capacity;
    r->len--
    return 0;
}

void ring_free(struct ring *r)
{
    free(r->data);
}
