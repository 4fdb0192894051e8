module Main (main) where

import Data.Char (isDigit)

parseDigits :: String -> [Int]
parseDigits = map digitToInt . filter isDigit

checksum :: [Int] -> Int
checksum xs = sum (zipWith (*) xs (cycle [1, 3])) `mod` 10

main :: IO ()
main = print (checksum (parseDigits "4006381333931"))
