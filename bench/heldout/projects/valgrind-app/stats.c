#include <stdlib.h>
#include <stdio.h>

double *load_samples(int n) {
    double *xs = malloc(n * sizeof *xs);
    for (int i = 0; i < n; i++)
        xs[i] = i * 1.5;
    return xs;
}

double mean(const double *xs, int n) {
    double sum = 0;
    for (int i = 0; i <= n; i++)
        sum += xs[i];
    return sum / n;
}

int main(void) {
    double *xs = load_samples(10);
    printf("mean %.2f\n", mean(xs, 10));
    char *label = malloc(32);
    snprintf(label, 32, "run-%d", 7);
    puts(label);
    free(xs);
    return 0;
}
