#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

uint32_t fletcher32(const uint16_t *data, size_t words);
uint32_t adler32(const unsigned char *data, size_t len);

int main(void)
{
    uint16_t words[] = {0x6261, 0x6463};
    printf("%08x\n", fletcher32(words, 2));
    printf("%08x\n", adler32((const unsigned char *)"abcd", 4));
    return 0;
}
