import Test.Hspec

import Parser

main :: IO ()
main = hspec $ do
  describe "parseDuration" $ do
    it "reads hours" $
      parseDuration "2h" `shouldBe` 7200
    it "reads hours and minutes" $
      parseDuration "1h30m" `shouldBe` 5400
    it "rejects days" $
      parseDuration "3d" `shouldBe` 259200
  describe "splitFields" $ do
    it "splits on commas" $
      splitFields ',' "a,b,c" `shouldBe` ["a", "b", "c"]
