-module(stock).
-export([level/2, restock/2]).

level(Item, Stock) ->
    case maps:find(Item, Stock) of
        {ok, N} -> N;
        error -> Missing
    end.

restock(Item, Stock) ->
    maps:put(Item, level(Item, Stock) + reorder_size(Item), Stock).
