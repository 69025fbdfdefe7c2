//! Numbers for people: the one place that turns a fraction into a percentage and an amount
//! of money into text. The analyses' messages, the HTML, Markdown and text reports and the
//! charts all go through it, so that one rule holds everywhere:
//!
//! - a percentage is never shown as `0%` or `100%` unless the value is exactly 0 or 1: a
//!   product that keeps 0.25% of its capacity is not stopped, and one that loses 99.75% is
//!   not lost (`0.3%`, `99.8%`, and `<0.1%` / `>99.9%` beyond one decimal);
//! - money carries its currency and a scale (`$16.3B`, `€950`, `12.3K CHF`).

/// A count with its noun, singular or plural: `1 supplier`, `2 suppliers`.
///
/// ```
/// use tierscope_core::numbers::plural;
/// assert_eq!(plural(1, "supplier", "suppliers"), "1 supplier");
/// assert_eq!(plural(0, "supplier", "suppliers"), "0 suppliers");
/// ```
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A fraction as a percentage: whole percent where that is honest, one decimal where whole
/// percent would read as 0% or 100% for a value that is neither, and `<0.1%` / `>99.9%`
/// where even one decimal would.
///
/// ```
/// use tierscope_core::numbers::pct;
/// assert_eq!(pct(0.772), "77%");
/// assert_eq!(pct(0.0025), "0.3%");
/// assert_eq!(pct(0.9975), "99.8%");
/// assert_eq!(pct(0.00001), "<0.1%");
/// assert_eq!(pct(0.0), "0%");
/// assert_eq!(pct(1.0), "100%");
/// ```
pub fn pct(v: f64) -> String {
    Pct(v).to_string()
}

/// [`pct`] as a value to write into a formatter, without a string of its own (the messages
/// of hundreds of thousands of findings are written this way).
#[derive(Debug, Clone, Copy)]
pub struct Pct(pub f64);

impl std::fmt::Display for Pct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if !v.is_finite() {
            return f.write_str("n/a");
        }
        if v == 0.0 || v == 1.0 {
            return write!(f, "{}%", Whole(v * 100.0));
        }
        let p = v * 100.0;
        let whole = p.round();
        // Whole percent is honest unless it turns a non-zero into 0 or a non-one into 100.
        if (whole != 0.0 || p < 0.0) && (whole != 100.0 || p > 100.0) {
            return write!(f, "{}%", Whole(whole));
        }
        let tenth = (p * 10.0).round() / 10.0;
        if tenth == 0.0 && p > 0.0 {
            f.write_str("<0.1%")
        } else if tenth == 100.0 && p < 100.0 {
            f.write_str(">99.9%")
        } else {
            write!(f, "{tenth:.1}%")
        }
    }
}

/// A number written as `{:.0}` writes it, rounded to a whole number; a whole number below
/// 2^53 is written as an integer, without the exact decimal expansion that `{:.0}` works out
/// (the messages of hundreds of thousands of findings hold percentages and days).
#[derive(Debug, Clone, Copy)]
pub struct Whole(pub f64);

impl std::fmt::Display for Whole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if x.fract() != 0.0 || x.abs() >= 9_007_199_254_740_992.0 || f.precision().is_some() {
            return write!(f, "{x:.0}");
        }
        if x.is_sign_negative() {
            // -0.0 is written "-0", as `{:.0}` writes it.
            f.write_str("-")?;
        }
        write!(f, "{}", x.abs() as u64)
    }
}

/// The symbol written before an amount in `currency` (an ISO 4217 code), if it has a common
/// one; other codes are written after the amount.
fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        _ => return None,
    })
}

/// An amount scaled to three significant digits with a suffix: `2.09M`, `950`, `16.3B`,
/// `-12.3K`; thousands of billions keep their separators (`1,250T` does not occur: `T` is the
/// last scale and the digits before it are grouped).
pub fn amount(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let mut x = v.abs();
    let mut unit = 0;
    const UNITS: [&str; 5] = ["", "K", "M", "B", "T"];
    while x >= 999.5 && unit < UNITS.len() - 1 {
        x /= 1000.0;
        unit += 1;
    }
    let text = if unit == 0 || x >= 99.95 {
        grouped(x.round())
    } else if x >= 9.995 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    format!("{sign}{text}{}", UNITS[unit])
}

/// A whole number with thousands separators: 1234567 -> "1,234,567".
pub fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// An amount of money in `currency`, scaled: `$16.3B`, `-$12.3K`, `€950`, `12.3K CHF`.
///
/// ```
/// use tierscope_core::numbers::money;
/// assert_eq!(money(16_300_000_000.0, "USD"), "$16.3B");
/// assert_eq!(money(244_000_000.0, "EUR"), "€244M");
/// assert_eq!(money(12_345.0, "CHF"), "12.3K CHF");
/// ```
pub fn money(v: f64, currency: &str) -> String {
    let text = amount(v);
    match (symbol(currency), text.strip_prefix('-')) {
        (Some(s), Some(rest)) => format!("-{s}{rest}"),
        (Some(s), None) => format!("{s}{text}"),
        (None, _) => format!("{text} {currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Whole` writes what `{:.0}` writes, whole or not, at the edges of its fast path.
    #[test]
    fn whole_writes_what_fixed_zero_writes() {
        let edge = 9_007_199_254_740_992.0f64;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1.5,
            2.5,
            -0.4,
            99.5,
            100.0,
            12345.0,
            edge - 1.0,
            edge,
            -edge,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut x = 0.001f64;
        while x < 1e18 {
            values.extend([x, x.round(), -x, -x.round()]);
            x *= 1.37;
        }
        for v in values {
            assert_eq!(Whole(v).to_string(), format!("{v:.0}"), "{v:e}");
        }
    }

    #[test]
    fn a_value_that_is_not_zero_or_one_never_prints_as_0_or_100_percent() {
        for v in [
            0.0025,
            0.004_999,
            0.000_01,
            1e-12,
            0.9975,
            0.995,
            0.999_99,
            1.0 - 1e-12,
        ] {
            let s = pct(v);
            assert_ne!(s, "0%", "{v}");
            assert_ne!(s, "100%", "{v}");
            assert_ne!(s, "0.0%", "{v}");
            assert_ne!(s, "100.0%", "{v}");
        }
        assert_eq!(pct(0.0025), "0.3%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(0.5), "50%");
        assert_eq!(pct(0.995), "99.5%");
        assert_eq!(pct(0.999_99), ">99.9%");
        assert_eq!(pct(1e-12), "<0.1%");
        assert_eq!(pct(0.97), "97%");
    }

    #[test]
    fn every_value_in_a_fine_sweep_keeps_its_zero_and_one_apart() {
        for i in 1..100_000 {
            let v = f64::from(i) / 100_000.0;
            let s = pct(v);
            assert!(s != "0%" && s != "100%", "{v} -> {s}");
        }
    }

    #[test]
    fn money_is_scaled_with_its_currency() {
        assert_eq!(money(2_086_027.397_260_27, "USD"), "$2.09M");
        assert_eq!(money(950.0, "USD"), "$950");
        assert_eq!(money(12_345.0, "USD"), "$12.3K");
        assert_eq!(money(123_456.0, "USD"), "$123K");
        assert_eq!(money(999_600.0, "USD"), "$1.00M");
        assert_eq!(money(-4_500_000_000.0, "USD"), "-$4.50B");
        assert_eq!(money(16_300_000_000.0, "USD"), "$16.3B");
        assert_eq!(money(0.0, "USD"), "$0");
        assert_eq!(money(3.2e15, "USD"), "$3,200T");
        assert_eq!(money(1_000.0, "CHF"), "1.00K CHF");
        assert_eq!(money(-5.0, "GBP"), "-£5");
        assert_eq!(grouped(1_234_567.0), "1,234,567");
    }
}
