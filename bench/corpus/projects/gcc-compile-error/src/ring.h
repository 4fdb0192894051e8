#ifndef RING_H
#define RING_H

#include <stddef.h>

struct ring {
    int *data;
    size_t cap;
    size_t head;
    size_t len;
};

int ring_init(struct ring *r, size_t cap);
int ring_push(struct ring *r, int value);
int ring_pop(struct ring *r, int *out);
void ring_free(struct ring *r);

#endif
