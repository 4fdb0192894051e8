with Ada.Text_IO; use Ada.Text_IO;
with Stats;       use Stats;

procedure Main is
   Data : constant Sample_Array := (3.0, 5.5, 7.25, 1.0);
begin
   Put_Line ("mean:" & Float'Image (Mean (Data)));
   Put_Line ("above 4:" & Natural'Image (Count_Above (Data, 4.0)));
end Main;
