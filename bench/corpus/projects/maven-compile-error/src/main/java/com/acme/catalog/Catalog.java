package com.acme.catalog;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

public class Catalog {
    private final Map<String, Product> bySku = new HashMap<>();

    public void add(Product product) {
        bySku.put(product.sku(), product);
    }

    public Optional<Product> find(String sku) {
        return Optional.ofNullable(bySku.get(sku));
    }

    public long priceOf(String sku) {
        Product product = find(sku);
        return product.priceCents();
    }

    public int size() {
        return bySku.size();
    }

    public List<Product> all() {
        return new ArrayList<>(bySku.values());
    }
}
