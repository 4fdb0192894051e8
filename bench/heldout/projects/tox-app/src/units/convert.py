FACTORS = {"km": 1000.0, "m": 1.0, "cm": 0.01}


def to_metres(value, unit):
    return value * FACTORS[unit]


def between(value, source, target):
    return to_metres(value, source) * FACTORS[target]
