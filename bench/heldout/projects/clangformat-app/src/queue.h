#ifndef QUEUE_H
#define QUEUE_H

#include <stddef.h>

struct queue {
    int *items;
    size_t head, len, capacity;
};

struct queue *queue_new(size_t capacity);
int queue_push(struct queue *q, int value);

#endif
