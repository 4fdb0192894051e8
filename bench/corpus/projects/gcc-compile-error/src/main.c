#include <stdio.h>

#include "ring.h"

int main(void)
{
    struct ring r;
    if (ring_init(&r, 4) != 0)
        return 1;
    for (int i = 0; i < 6; i++)
        ring_push(&r, i);
    int v;
    while (ring_pop(&r, &v) == 0)
        printf("%d\n", v);
    ring_free(&r);
    return 0;
}
