//! Numbers and dates as people write them and as the answer index stores
//! them: decimals with at most three places, as whole thousandths, and
//! `YYYY-MM-DD` calendar dates. Integer arithmetic only, so the widget's wasm
//! carries no float parsing or printing tables.

/// Number answers and settings keep at most this many decimals: the answer
/// index stores numbers as whole thousandths, exactly.
pub const NUMBER_DECIMALS: u32 = 3;
/// The largest number a number question accepts, either sign.
pub const MAX_NUMBER: f64 = 1e12;

/// Whether `x` has at most [`NUMBER_DECIMALS`] decimals and is within [`MAX_NUMBER`].
pub fn is_exact_number(x: f64) -> bool {
    let scaled = x * 1_000.0;
    x.is_finite() && x.abs() <= MAX_NUMBER && (scaled - scaled.round()).abs() < 1e-6
}

/// A number as the answer index stores it: whole thousandths.
pub fn thousandths(x: f64) -> i64 {
    (x * 1_000.0).round() as i64
}

/// A decimal with at most three decimals (`-12.5`, `3`, `0.125`) as whole
/// thousandths. Integer arithmetic only: float parsing and printing would add
/// tens of kilobytes of tables to the widget's wasm.
pub fn parse_thousandths(text: &str) -> Option<i64> {
    let (negative, digits) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 13 || fraction.len() > 3 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut value: i64 = whole.parse().ok()?;
    for i in 0..3 {
        value = value * 10 + fraction.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
    }
    Some(if negative { -value } else { value })
}

/// Whole thousandths written as a decimal, without trailing zeros (`12500` → `12.5`).
pub fn format_thousandths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let (whole, fraction) = (value.unsigned_abs() / 1_000, value.unsigned_abs() % 1_000);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let mut fraction = format!("{fraction:03}");
    while fraction.ends_with('0') {
        fraction.pop();
    }
    format!("{sign}{whole}.{fraction}")
}

/// A number setting or answer as people write it (at most three decimals).
pub fn format_number(x: f64) -> String {
    format_thousandths(thousandths(x))
}

/// Whether `text` is a real calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        text.get(range).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else { return false };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        for ok in ["2024-02-29", "2026-12-31", "0001-01-01"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "",
            "2026-01-+1",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn decimals_are_read_and_written_without_floats() {
        for (text, value) in [("12.5", 12_500), ("-0.125", -125), ("3", 3_000), (" 7.05 ", 7_050), ("0.001", 1)] {
            assert_eq!(parse_thousandths(text), Some(value), "{text}");
        }
        for bad in ["", "1.2345", "abc", "1e3", "--1", "+1", ".5"] {
            assert_eq!(parse_thousandths(bad), None, "{bad}");
        }
        assert_eq!(format_thousandths(12_500), "12.5");
        assert_eq!(format_thousandths(-125), "-0.125");
        assert_eq!(format_thousandths(40_000), "40");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
    }

    #[test]
    fn numbers_keep_three_decimals_exactly() {
        assert!(is_exact_number(4.125) && is_exact_number(-0.001) && is_exact_number(1e12));
        assert!(!is_exact_number(0.0001) && !is_exact_number(f64::NAN) && !is_exact_number(2e12));
        assert_eq!(thousandths(4.125), 4125);
        assert_eq!(thousandths(0.1 + 0.2), 300);
    }
}
