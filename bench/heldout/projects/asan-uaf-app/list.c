#include <stdlib.h>

struct node { int value; struct node *next; };

struct node *push(struct node *head, int value) {
    struct node *n = malloc(sizeof *n);
    n->value = value;
    n->next = head;
    return n;
}

void free_list(struct node *head) {
    while (head) {
        free(head);
        head = head->next;
    }
}
