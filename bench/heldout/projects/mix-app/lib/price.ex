defmodule Shop.Price do
  def with_tax(amount, rate) do
    amount * (1 + rate)
  end

  def format(amount) do
    :erlang.float_to_binary(with_tax(amount, rate), decimals: 2)
  end
end
