Feature: Shopping cart

  Scenario: An empty cart costs nothing
    Given an empty cart
    Then the total is 0

  Scenario: Quantities count in the total
    Given an empty cart
    When I add 3 "apple"
    Then the total is 360

  Scenario: Looking up a price the shop does not sell
    Given an empty cart
    When I look up the price of "Plum"
    Then the price is 0
