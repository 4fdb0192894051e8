%{
int yylex(void);
void yyerror(const char *msg);
%}

%token ITEM COMMA

%%

list
  : %empty
  | items
  ;

items
  : ITEM
  | items COMMA ITEM
  | items items
  ;

%%
