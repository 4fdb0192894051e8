#include <stdio.h>

struct node;
struct node *push(struct node *head, int value);
void free_list(struct node *head);

int main(void) {
    struct node *list = NULL;
    for (int i = 0; i < 3; i++)
        list = push(list, i);
    free_list(list);
    puts("ok");
    return 0;
}
