program Inventory;

{$mode objfpc}

uses Stock;

var
  Items: TItems;
  Total: Integer;
begin
  Items := LoadItems;
  Total := CountAll(Items);
  WriteLn('Items in stock: ', Totl);
  WriteLn('Reorder: ', NeedsReorder(Items[0], '5'));
end.
