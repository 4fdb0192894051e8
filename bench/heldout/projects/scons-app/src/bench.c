#include <stdio.h>

#include "checksum.h"

double elapsed_ms(void (*fn)(void));

static unsigned char buffer[1 << 20];

static void run(void) { crc32(buffer, sizeof buffer); }

int main(void)
{
    printf("crc32 over 1 MiB: %.2f ms\n", elapsed_ms(run));
    return 0;
}
