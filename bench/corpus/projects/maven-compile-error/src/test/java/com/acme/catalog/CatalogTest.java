package com.acme.catalog;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class CatalogTest {
    @Test
    public void findsAddedProducts() {
        Catalog catalog = new Catalog();
        catalog.add(new Product("P-1", "Pen", 150));
        assertEquals(150, catalog.priceOf("P-1"));
    }
}
