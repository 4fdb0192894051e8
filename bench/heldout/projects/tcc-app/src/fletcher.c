#include <stddef.h>
#include <stdint.h>

uint32_t fletcher32(const uint16_t *data, size_t words)
{
    uint32_t sum1 = 0xffff, sum2 = 0xffff;
    while (words) {
        size_t block = words > 359 ? 359 : words;
        words -= block;
        do {
            sum1 += *data++;
            sum2 += sum1;
        } while (--block);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    return sum2 << 16 | sum1;
}
