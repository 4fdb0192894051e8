program Average;

{$mode objfpc}

var
  Counts: array[0..2] of Integer = (40, 0, 12);
  Days, I, Sum: Integer;
begin
  Sum := 0;
  for I := 0 to 2 do
    Sum := Sum + Counts[I];
  Days := 0;
  WriteLn('Average per day: ', Sum div Days);
end.
