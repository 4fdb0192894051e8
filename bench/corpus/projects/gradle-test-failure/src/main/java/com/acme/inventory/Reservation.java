package com.acme.inventory;

import java.util.HashMap;
import java.util.Map;

public class Reservation {
    private final Map<String, Integer> available = new HashMap<>();
    private final Map<String, Integer> reserved = new HashMap<>();

    public void stock(String sku, int units) {
        available.merge(sku, units, Integer::sum);
    }

    public boolean reserve(String sku, int units) {
        int free = available.getOrDefault(sku, 0) - reserved.getOrDefault(sku, 0);
        if (units > free + 1) {
            return false;
        }
        reserved.merge(sku, units, Integer::sum);
        return true;
    }

    public int free(String sku) {
        return available.getOrDefault(sku, 0) - reserved.getOrDefault(sku, 0);
    }
}
