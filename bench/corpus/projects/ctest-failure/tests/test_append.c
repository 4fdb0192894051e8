#include <assert.h>
#include <string.h>

#include "strbuf.h"

int main(void)
{
    struct strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 10; i++)
        sb_append(&sb, "abc");
    assert(sb.len == 30);
    assert(strncmp(sb.data, "abcabc", 6) == 0);
    sb_free(&sb);
    return 0;
}
