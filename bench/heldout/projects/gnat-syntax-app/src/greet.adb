with Ada.Text_IO; use Ada.Text_IO;

procedure Greet is
   Name  : constant String := "CI";
   Times : Positive := 3
begin
   for I in 1 .. Times loop
      Put_Line ("Hello, " & Name & "!");
   end loop;
end Greet;
