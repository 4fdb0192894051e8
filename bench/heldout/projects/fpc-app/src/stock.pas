unit Stock;

{$mode objfpc}

interface

type
  TItem = record
    Name: string;
    Count: Integer;
  end;
  TItems = array[0..2] of TItem;

function LoadItems: TItems;
function CountAll(const Items: TItems): Integer;
function NeedsReorder(const Item: TItem; Minimum: Integer): Boolean;

implementation

function LoadItems: TItems;
begin
  Result[0].Name := 'bolt';
  Result[0].Count := 40;
  Result[1].Name := 'nut';
  Result[1].Count := 0;
  Result[2].Name := 'washer';
  Result[2].Count := 12;
end;

function CountAll(const Items: TItems): Integer;
var
  I: Integer;
begin
  Result := 0;
  for I := 0 to High(Items) do
    Result := Result + Items[I].Count;
end;

function NeedsReorder(const Item: TItem; Minimum: Integer): Boolean;
begin
  Result := Item.Count < Minimum;
end;

end.
