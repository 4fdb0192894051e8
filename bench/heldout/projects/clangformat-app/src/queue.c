#include <stdlib.h>

#include "queue.h"

struct queue *queue_new(size_t capacity)
{
    struct queue *q = malloc(sizeof *q);
    if (!q) return NULL;
    q->items = calloc(capacity, sizeof *q->items);
    q->head = q->len = 0;
    q->capacity = capacity;
    return q;
}

int queue_push(struct queue *q,int value) {
    if (q->len == q->capacity)
        return -1;
    q->items[(q->head + q->len) % q->capacity] = value;
    q->len++;
    return 0;
}
