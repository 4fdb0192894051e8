defmodule Shop.Wallet do
  def new(balance), do: %{balance: balance, history: []}

  def withdraw(wallet, amount) do
    if amount > wallet.balance do
      raise ArgumentError, "insufficient funds: #{wallet.balance} < #{amount}"
    end

    %{wallet | balance: wallet.balance - amount, history: [{:withdraw, amount} | wallet.history]}
  end

  def deposit(wallet, amount) do
    %{wallet | balance: wallet.balance + amount}
  end
end
