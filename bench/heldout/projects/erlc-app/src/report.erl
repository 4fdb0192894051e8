-module(report).
-export([line/2]).

line(Item, Count) ->
    io_lib:format("~s: ~b~n", [Item, Count].
