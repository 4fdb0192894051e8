#include <stdio.h>

int main(void) {
    puts("tally");
    return 0;
}
