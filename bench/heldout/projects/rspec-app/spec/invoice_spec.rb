require_relative "../lib/invoice"

RSpec.describe Invoice do
  let(:invoice) { Invoice.new([{ price: 10, qty: 2 }, { price: 5, qty: 1 }]) }

  it "computes the subtotal" do
    expect(invoice.subtotal).to eq(25)
  end

  it "adds tax to the total" do
    expect(invoice.total(0.2)).to eq(31.0)
  end

  it "averages prices over an empty invoice" do
    expect(Invoice.new([]).average_price).to eq(0)
  end

  it "applies a known discount code" do
    expect(invoice.discount_for("TEN")).to eq(2.5)
  end

  it "applies an unknown discount code as zero" do
    expect(invoice.discount_for("SUMMER")).to eq(0)
  end
end
