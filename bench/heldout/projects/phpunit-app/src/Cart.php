<?php
declare(strict_types=1);

namespace App;

final class Cart
{
    /** @var array<string, array{price: int, qty: int}> */
    private array $items = [];

    public function add(string $sku, int $price, int $qty = 1): void
    {
        $this->items[$sku] = ['price' => $price, 'qty' => $qty];
    }

    public function total(): int
    {
        $sum = 0;
        foreach ($this->items as $item) {
            $sum += $item['price'] * $item['qty'];
        }
        return $sum;
    }

    public function remove(string $sku): void
    {
        if (!isset($this->items[$sku])) {
            throw new \InvalidArgumentException("unknown item: $sku");
        }
        unset($this->items[$sku]);
    }

    public function averagePrice(): int
    {
        return intdiv($this->total(), count($this->items));
    }
}
