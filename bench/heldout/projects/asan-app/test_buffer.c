#include <stdio.h>
#include "buffer.h"

static void test_append(void) {
    struct buffer *b = buffer_new(8);
    buffer_append(b, "hello");
    buffer_append(b, ", world");
    printf("%s\n", b->data);
    buffer_free(b);
}

int main(void) {
    test_append();
    return 0;
}
