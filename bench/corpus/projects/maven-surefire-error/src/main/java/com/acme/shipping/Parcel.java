package com.acme.shipping;

import java.util.Map;

public class Parcel {
    private final Map<String, String> address;
    private final double weightKg;

    public Parcel(Map<String, String> address, double weightKg) {
        this.address = address;
        this.weightKg = weightKg;
    }

    public String country() {
        return address.get("country").toUpperCase();
    }

    public double weightKg() {
        return weightKg;
    }
}
