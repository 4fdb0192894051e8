module Inventory (Item (..), totalValue, restock, lowStock) where

data Item = Item
  { itemName :: String
  , itemQty :: Int
  , itemPrice :: Double
  }
  deriving (Show, Eq)

totalValue :: [Item] -> Double
totalValue items = sum [fromIntegral (itemQty i) * itemPrice i | i <- items]

restock :: Int -> Item -> Item
restock n item = item {itemQty = itemQty item + n}

lowStock :: Int -> [Item] -> [String]
lowStock limit items = [itemName i | i <- items, itemQty i < limit]
