<?php
declare(strict_types=1);

use App\Cart;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../src/Cart.php';

final class CartTest extends TestCase
{
    public function testTotal(): void
    {
        $cart = new Cart();
        $cart->add('A1', 250, 2);
        $cart->add('B2', 100);
        $this->assertSame(650, $cart->total());
    }

    public function testRemoveTwice(): void
    {
        $cart = new Cart();
        $cart->add('A1', 250);
        $cart->remove('A1');
        $cart->remove('A1');
        $this->assertSame(0, $cart->total());
    }

    public function testAverageOfEmptyCart(): void
    {
        $cart = new Cart();
        $this->assertSame(0, $cart->averagePrice());
    }

    public function testEmptyTotal(): void
    {
        $this->assertSame(0, (new Cart())->total());
    }
}
