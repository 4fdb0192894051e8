package com.acme.pricing;

public final class Discount {
    private Discount() {
    }

    /** Price after a percentage discount, in cents, rounded half up. */
    public static long apply(long cents, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent out of range: " + percent);
        }
        return cents * (100 - percent) / 100;
    }

    /** Volume discount: 5% from 10 units, 10% from 50 units. */
    public static int volumePercent(int units) {
        if (units > 50) {
            return 10;
        }
        if (units >= 10) {
            return 5;
        }
        return 0;
    }
}
