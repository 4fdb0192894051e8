#include "calc.h"

/* Left to right, no precedence: 1 + 2 * 3 is 9. */
double eval(const struct token *tokens, int n)
{
    double acc = tokens[0].value;
    for (int i = 1; i + 1 < n; i += 2) {
        double rhs = tokens[i + 1].value;
        switch (tokens[i].op) {
        case '+': acc += rhs; break;
        case '-': acc -= rhs; break;
        case '*': acc *= rhs; break;
        case '/': acc /= rhs; break;
        }
    }
    return acc
}
