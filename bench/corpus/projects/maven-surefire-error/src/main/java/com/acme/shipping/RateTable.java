package com.acme.shipping;

public class RateTable {
    /** Shipping cost in cents: a base price per country zone and a price per started kilogram. */
    public long cost(Parcel parcel) {
        long base = parcel.country().equals("DE") ? 450 : 1200;
        long kilos = (long) Math.ceil(parcel.weightKg());
        return base + kilos * 100;
    }
}
