// main.vala: print a shopping list summary

int count_items (string[] items) {
    int total = 0;
    foreach (var item in items) {
        total += 1;
    }
    return totl;
}

void main () {
    string[] items = { "milk", "bread", "eggs" };
    int n = count_items (items);
    string label = n;
    stdout.printf ("%s items\n", label);
}
