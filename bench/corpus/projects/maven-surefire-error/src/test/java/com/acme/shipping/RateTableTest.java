package com.acme.shipping;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import org.junit.Test;

public class RateTableTest {
    private final RateTable rates = new RateTable();

    @Test
    public void domesticParcel() {
        assertEquals(650, rates.cost(new Parcel(Map.of("country", "de"), 1.5)));
    }

    @Test
    public void parcelWithoutCountryUsesTheInternationalRate() {
        Parcel parcel = new Parcel(Map.of("city", "Lyon"), 0.4);
        assertEquals(1300, rates.cost(parcel));
    }
}
