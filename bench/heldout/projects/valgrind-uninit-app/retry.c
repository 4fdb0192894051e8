#include <stdio.h>
#include <stdlib.h>

struct policy { int attempts; int delay_ms; int jitter; };

static struct policy *policy_new(int attempts) {
    struct policy *p = malloc(sizeof *p);
    p->attempts = attempts;
    p->delay_ms = 100;
    return p;
}

static int next_delay(const struct policy *p, int attempt) {
    if (p->jitter)
        return p->delay_ms * attempt + 7;
    return p->delay_ms * attempt;
}

int main(void) {
    struct policy *p = policy_new(3);
    for (int i = 1; i <= p->attempts; i++)
        printf("attempt %d after %d ms\n", i, next_delay(p, i));
    free(p);
    return 0;
}
