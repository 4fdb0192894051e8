//! Temperature conversions.

pub fn celsius_to_fahrenheit(c: f64) -> f64 {
    c * 9.0 / 5.0 + 32.0
}

pub fn fahrenheit_to_celsius(f: f64) -> f64 {
    (f - 32.0) * 5.0 / 9.0
}

pub fn describe(c: i32) -> &'static str {
    match c {
        i32::MIN..=0 => "freezing",
        1..=15 => "cold",
        16..=25 => "mild",
        _ => "hot",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boiling_point() {
        assert_eq!(celsius_to_fahrenheit(100.0), 212.0);
    }

    #[test]
    fn round_trip() {
        assert_eq!(fahrenheit_to_celsius(celsius_to_fahrenheit(37.0)), 37.0);
    }

    #[test]
    fn describes_a_warm_day() {
        assert_eq!(describe(26), "mild", "26 degrees should still be mild");
    }
}
