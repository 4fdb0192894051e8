package com.acme.orders;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

public class Order {
    private final String id;
    private final List<LineItem> items = new ArrayList<>();

    public Order(String id) {
        this.id = id;
    }

    public String getId() {
        return id;
    }

    public void add(LineItem item) {
        items.add(item);
    }

    public BigDecimal total() {
        BigDecimal sum = BigDecimal.ZERO;
        for (LineItem item : items) {
            sum = sum.add(item.price().multiply(item.quantity()));
        }
        return sum;
    }
}
