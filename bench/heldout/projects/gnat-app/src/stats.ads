package Stats is
   type Sample_Array is array (Positive range <>) of Float;
   function Mean (Samples : Sample_Array) return Float;
   function Count_Above (Samples : Sample_Array; Limit : Float) return Natural;
end Stats;
