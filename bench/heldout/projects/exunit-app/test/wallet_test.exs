defmodule Shop.WalletTest do
  use ExUnit.Case

  alias Shop.Wallet

  test "deposit adds to the balance" do
    assert Wallet.deposit(Wallet.new(10), 5).balance == 15
  end

  test "deposit records history" do
    wallet = Wallet.new(10) |> Wallet.deposit(5)
    assert wallet.history == [{:deposit, 5}]
  end

  test "withdraw within the balance" do
    wallet = Wallet.new(10) |> Wallet.withdraw(15)
    assert wallet.balance == -5
  end
end
