package com.acme.pricing;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class DiscountTest {
    @Test
    public void appliesTenPercent() {
        assertEquals(900, Discount.apply(1000, 10));
    }

    @Test
    public void fiftyUnitsGetTenPercent() {
        assertEquals(10, Discount.volumePercent(50));
    }

    @Test(expected = IllegalArgumentException.class)
    public void rejectsNegativePercent() {
        Discount.apply(1000, -5);
    }
}
