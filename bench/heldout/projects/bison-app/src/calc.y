%{
#include <stdio.h>
int yylex(void);
void yyerror(const char *msg) { fprintf(stderr, "%s\n", msg); }
%}

%token NUMBER PLUS MINUS TIMES LPAREN RPAREN
%left PLUS MINUS
%left TIMES

%%

input
  : %empty
  | input line
  ;

line
  : expr '\n'       { printf("%d\n", $1); }
  ;

expr
  : NUMBR
  | expr PLUS expr  { $$ = $1 + $3; }
  | expr MINUS expr { $$ = $1 - $3; }
  | expr TIMES expr { $$ = $1 * $3; }
  | LPAREN expr RPAREN { $$ = $2; }
  | MINUS expr      { $$ = -$4; }
  ;

%%
