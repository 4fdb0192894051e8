use std::collections::HashMap;

#[derive(Default)]
pub struct Stock {
    items: HashMap<String, u32>,
}

impl Stock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn receive(&mut self, sku: &str, quantity: u32) {
        *self.items.entry(sku.to_string()).or_insert(0) += quantity;
    }

    pub fn ship(&mut self, sku: &str, quantity: u32) -> u32 {
        let on_hand = self.items.get_mut(sku).expect("unknown SKU");
        *on_hand -= quantity;
        *on_hand
    }

    pub fn on_hand(&self, sku: &str) -> u32 {
        self.items.get(sku).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receive_adds_up() {
        let mut s = Stock::new();
        s.receive("A-1", 3);
        s.receive("A-1", 2);
        assert_eq!(s.on_hand("A-1"), 5);
    }
}
