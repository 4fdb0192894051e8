#ifndef CALC_H
#define CALC_H

enum kind { NUM, OP };

struct token {
    enum kind kind;
    double value;
    char op;
};

int tokenize(const char *text, struct token *out, int max);
double eval(const struct token *tokens, int n);

#endif
