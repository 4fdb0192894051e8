#include <math.h>
#include <stdio.h>

#include "duration.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DURATION\n", argv[0]);
        return 2;
    }
    long seconds = parse_duration(argv[1]);
    if (seconds < 0) {
        fprintf(stderr, "bad duration: %s\n", argv[1]);
        return 2;
    }
    char buf[64];
    format_duration(seconds, buf, sizeof buf);
    printf("%s (%.1f minutes)\n", buf, round(seconds / 6.0) / 10.0);
    return 0;
}
