# Invoice totals with tax and discounts.
class Invoice
  attr_reader :lines

  def initialize(lines)
    @lines = lines
  end

  def subtotal
    lines.sum { |l| l[:price] * l[:qty] }
  end

  def total(tax_rate)
    (subtotal * (1 + tax_rate)).round(2)
  end

  def average_price
    subtotal / lines.map { |l| l[:qty] }.sum
  end

  def discount_for(code)
    rules = { "TEN" => 0.10, "HALF" => 0.5 }
    rules.fetch(code) * subtotal
  end
end
