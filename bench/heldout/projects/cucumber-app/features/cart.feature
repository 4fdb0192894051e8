Feature: Shopping cart
  A shopper adds and removes items and sees the total.

  Scenario: Adding items sums their prices
    Given an empty cart
    When I add 2 "apple" at 0.50 each
    And I add 1 "bread" at 2.25 each
    Then the total is 3.25

  Scenario: Removing an item that is not in the cart
    Given an empty cart
    When I add 1 "milk" at 1.10 each
    And I remove "cheese"
    Then the cart holds 1 item

  Scenario: Adding a single item
    Given an empty cart
    When I add 1 "tea" at 3.00 each
    Then the total is 3.00
