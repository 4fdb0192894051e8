package com.acme.inventory;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class ReservationTest {
    @Test
    public void reservesWhatIsFree() {
        Reservation r = new Reservation();
        r.stock("K-9", 5);
        assertTrue(r.reserve("K-9", 3));
        assertEquals(2, r.free("K-9"));
    }

    @Test
    public void refusesMoreThanIsFree() {
        Reservation r = new Reservation();
        r.stock("K-9", 2);
        assertFalse("3 units of 2 must be refused", r.reserve("K-9", 3));
    }
}
