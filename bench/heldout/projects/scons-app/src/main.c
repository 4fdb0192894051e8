#include <stdio.h>
#include <string.h>

#include "checksum.h"

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "hello";
    size_t len = strlen(text);
    printf("crc32   %08x\n", crc32((const unsigned char *)text, len));
    printf("adler32 %08x\n", adler32((const unsigned char *)text, len));
    return 0;
}
