*** Settings ***
Library    ../lib/Inventory.py

*** Test Cases ***
Bolts Are In Stock
    ${count}=    Stock Of    bolt
    Should Be Equal As Integers    ${count}    40

Nuts Are Reordered
    ${qty}=    Reorder Quantity    nut    25
    Should Be Equal As Integers    ${qty}    20

Shipping More Than The Stock
    Ship    bolt    50
    ${count}=    Stock Of    bolt
    Should Be Equal As Integers    ${count}    0
