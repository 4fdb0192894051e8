module Main (main) where

import Inventory

stock :: [Item]
stock =
  [ Item "bolt" 120 0.05
  , Item "nut" 3 0.02
  ]

report :: [Item] -> String
report items = "value: " ++ totalValue items

main :: IO ()
main = do
  putStrLn (report stock)
  mapM_ putStrLn (lowStock "10" stock)
