from units.convert import between, to_metres


def test_km_to_metres():
    assert to_metres(2, "km") == 2000.0


def test_metres_to_km():
    assert between(1500, "m", "km") == 1.5


def test_inches_are_known():
    assert to_metres(10, "in") == 0.254
