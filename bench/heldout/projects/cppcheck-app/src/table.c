#include <stdio.h>

void print_table(int rows) {
    int widths[8];
    for (int i = 0; i < rows; i++)
        printf("%d\n", widths[i]);
    FILE *f = fopen("table.txt", "w");
    fprintf(f, "%d rows\n", rows);
}
