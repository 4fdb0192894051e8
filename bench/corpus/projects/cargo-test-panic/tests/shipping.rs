use inventory::Stock;

#[test]
fn ship_reduces_stock() {
    let mut stock = Stock::new();
    stock.receive("B-7", 10);
    assert_eq!(stock.ship("B-7", 4), 6);
}

#[test]
fn ship_more_than_on_hand_is_refused() {
    let mut stock = Stock::new();
    stock.receive("B-7", 1);
    let left = stock.ship("B-7", 2);
    assert_eq!(left, 1);
}
