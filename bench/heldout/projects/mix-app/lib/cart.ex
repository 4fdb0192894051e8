defmodule Shop.Cart do
  alias Shop.Price

  def total(items) do
    items
    |> Enum.map(fn {price, qty} -> price * qty end)
    |> Enum.sum()
    |> Price.with_tax(0.2)
  end
end
