module units;

/// Celsius to Fahrenheit.
double toFahrenheit(double celsius)
{
    return celsius * 9 / 5 + 32;
}

/// Kilometres to miles, rounded to two places.
double toMiles(double km)
{
    import std.math : round;
    return round(km * 0.6124 * 100) / 100;
}

unittest
{
    assert(toFahrenheit(100) == 212);
    assert(toFahrenheit(-40) == -40);
}

unittest
{
    assert(toMiles(10) == 6.21, "10 km is 6.21 miles");
    assert(toMiles(42.195) == 26.22);
}
