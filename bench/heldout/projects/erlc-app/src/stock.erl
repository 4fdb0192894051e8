-module(stock).
-export([level/2]).

level(Item, Stock) ->
    case maps:find(Item, Stock) of
        {ok, N} -> N;
        error -> Missing
    end.
