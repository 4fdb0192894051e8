#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

int main(void)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_append(&sb, "  padded  ");
    sb_trim(&sb);
    printf("trimmed: [%s]\n", sb.data);
    assert(strcmp(sb.data, "padded") == 0);
    sb_free(&sb);
    return 0;
}
