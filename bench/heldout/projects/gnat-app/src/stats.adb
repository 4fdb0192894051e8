package body Stats is

   function Mean (Samples : Sample_Array) return Float is
      Total : Float := 0.0;
   begin
      for S of Samples loop
         Total := Total + S;
      end loop;
      return Total / Samples'Length;
   end Mean;

   function Count_Above (Samples : Sample_Array; Limit : Float) return Natural is
      Count : Natural := 0;
   begin
      for S of Samples loop
         if S > Limit then
            Count := Count + 1.0;
         end if;
      end loop;
      return Count;
   end Count_Above;

end Stats;
