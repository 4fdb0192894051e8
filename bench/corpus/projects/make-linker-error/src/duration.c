#include <stdio.h>

#include "duration.h"

void format_duration(long seconds, char *out, unsigned long size)
{
    snprintf(out, size, "%ldh%ldm%lds", seconds / 3600, (seconds % 3600) / 60, seconds % 60);
}
