"""Shipping rates by weight and zone."""

ZONES = {"domestic": 1.0, "eu": 1.8, "world": 2.6}


def rate(weight_kg, zone):
    base = 4.5 + 1.25 * max(0, weight_kg - 1)
    return round(base * ZONES[zone], 2)


def parcels(weight_kg, max_per_parcel=20):
    count = weight_kg // max_per_parcel
    return int(count)
