package com.acme.catalog;

import java.util.Objects;

public class Product {
    private final String sku;
    private final String name;
    private final long priceCents;

    public Product(String sku, String name, long priceCents) {
        this.sku = Objects.requireNonNull(sku);
        this.name = name;
        this.priceCents = priceCents;
    }

    public String sku() {
        return sku;
    }

    public String name() {
        return name;
    }

    public long priceCents() {
        return priceCents;
    }
}
