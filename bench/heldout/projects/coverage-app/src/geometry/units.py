def to_cm(value, unit):
    if unit == "mm":
        return value / 10
    if unit == "m":
        return value * 100
    return value
