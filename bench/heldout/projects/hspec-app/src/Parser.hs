module Parser (parseDuration, splitFields) where

import Data.Char (isDigit)

-- | "1h30m" -> seconds
parseDuration :: String -> Int
parseDuration s = go s 0
  where
    go [] acc = acc
    go str acc =
      let (digits, rest) = span isDigit str
          n = read digits
       in case rest of
            ('h' : more) -> go more (acc + n * 3600)
            ('m' : more) -> go more (acc + n * 6)
            ('s' : more) -> go more (acc + n)
            _ -> error ("parseDuration: bad unit in " ++ show str)

splitFields :: Char -> String -> [String]
splitFields sep = foldr step [[]]
  where
    step c acc@(cur : rest)
      | c == sep = [] : acc
      | otherwise = (c : cur) : rest
    step _ [] = [[]]
