#include <stdio.h>

#include "calc.h"

int main(int argc, char **argv)
{
    struct token tokens[64];
    int n = tokenize(argc > 1 ? argv[1] : "1 + 2", tokens, 64);
    printf("%g\n", eval(tokens, n));
    return 0;
}
