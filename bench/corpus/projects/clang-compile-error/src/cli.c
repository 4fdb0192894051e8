#include <stdio.h>
#include <string.h>

#include "hash.h"

static void print_hash(const char *word)
{
    uint32_t h = fnv1a(word);
    printf("%08x  %s\n", h, word);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        print_hash(argv[i]);
    printf("%d words hashed\n", count);
    return 0;
}
