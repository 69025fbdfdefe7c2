//! Numbers as people write them in spreadsheets: `$1,234,567.00`, `1.234.567,00 €`,
//! `1 234,5`, `60%`, `12,5 %`.
//!
//! The rule, documented in the README (`import`, "Numbers"):
//!
//! 1. Spaces (also no-break and thin spaces) and apostrophes between digits group thousands;
//!    a currency symbol or ISO code before or after the number (`$`, `€`, `£`, `¥`, `₹`, `₩`,
//!    `USD`, `EUR`, `US$`, ...) is noted and dropped; a `%` at the end makes it a percentage.
//! 2. When a number has both `.` and `,`, the last one is the decimal separator and the other
//!    groups thousands.
//! 3. When it has one of them several times (`1,234,567`, `1.234.567`), that one groups
//!    thousands.
//! 4. When it has one of them once, followed by other than three digits (`12,5`, `0.25`,
//!    `1234.5678`), that one is the decimal separator.
//! 5. Once followed by exactly three digits (`1,234`, `1.234`), it could be either: the
//!    column decides, from its other cells that show their decimal separator by rules 2 to 4;
//!    `--decimal` decides for every column. When neither can tell, it is an error naming the
//!    cell.
//! 6. Thousands groups must have three digits (`1,23,456` is refused).
//!
//! Negative numbers, and more than one currency in a column, are refused by the callers.

/// Which character separates the decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decimal {
    Dot,
    Comma,
}

impl Decimal {
    pub fn char(self) -> char {
        match self {
            Decimal::Dot => '.',
            Decimal::Comma => ',',
        }
    }

    pub fn parse(text: &str) -> Option<Decimal> {
        match text.trim() {
            "." | "dot" | "point" => Some(Decimal::Dot),
            "," | "comma" => Some(Decimal::Comma),
            _ => None,
        }
    }
}

/// A number read from a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// The value with the decimal separator the cell shows, or, for a cell that could be read
    /// both ways (rule 5), with `.` as the decimal separator.
    pub value: f64,
    /// Rule 5: the value were `,` the decimal separator (`1,234` -> 1.234), when the cell
    /// could be read both ways; `None` when it can be read one way only.
    pub comma_value: Option<f64>,
    /// The decimal separator the cell shows, if it shows one (rules 2 to 4).
    pub shows: Option<Decimal>,
    /// The cell ends in `%`.
    pub percent: bool,
    /// The currency written with it, as an ISO code where the symbol says which.
    pub currency: Option<&'static str>,
    /// The cell is negative (`-5`, `(5)`).
    pub negative: bool,
}

impl Reading {
    /// The value under the column's decimal separator.
    pub fn value_with(&self, decimal: Option<Decimal>) -> Option<f64> {
        match (self.comma_value, decimal) {
            (None, _) => Some(self.value),
            (Some(_), Some(Decimal::Dot)) => Some(self.value),
            (Some(c), Some(Decimal::Comma)) => Some(c),
            (Some(_), None) => None,
        }
    }

    pub fn is_ambiguous(&self) -> bool {
        self.comma_value.is_some()
    }
}

/// Currency symbols and codes accepted around a number, with the code each stands for.
/// `$` is taken as USD and `¥` as JPY only to tell a column with two currencies; the value
/// is not converted.
const CURRENCIES: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("USD", "USD"),
    ("$", "USD"),
    ("EUR", "EUR"),
    ("€", "EUR"),
    ("GBP", "GBP"),
    ("£", "GBP"),
    ("JPY", "JPY"),
    ("¥", "JPY"),
    ("CNY", "CNY"),
    ("RMB", "CNY"),
    ("CHF", "CHF"),
    ("INR", "INR"),
    ("₹", "INR"),
    ("KRW", "KRW"),
    ("₩", "KRW"),
    ("TWD", "TWD"),
    ("NT$", "TWD"),
    ("CAD", "CAD"),
    ("C$", "CAD"),
    ("AUD", "AUD"),
    ("A$", "AUD"),
    ("SEK", "SEK"),
    ("DKK", "DKK"),
    ("NOK", "NOK"),
    ("PLN", "PLN"),
    ("BRL", "BRL"),
    ("R$", "BRL"),
    ("MXN", "MXN"),
    ("ZAR", "ZAR"),
    ("SGD", "SGD"),
    ("HKD", "HKD"),
];

/// The largest number accepted, as in the dataset files.
pub const MAX_NUMBER: f64 = crate::ingest::table::MAX_NUMBER;

/// Reads a number by the rule of this module. `decimal` is `--decimal` when given: it then
/// decides every cell, and a cell that contradicts it is an error.
pub fn read(text: &str, decimal: Option<Decimal>) -> Result<Reading, String> {
    if let Some(r) = plain(text, decimal) {
        return Ok(r);
    }
    let (s, marks) = strip_marks(text)?;
    let Marks {
        negative,
        percent,
        currency,
    } = marks;
    // Plain scientific notation (1e6, 2.5E-3) as a spreadsheet may write it.
    if s.contains(['e', 'E']) && !s.contains(',') {
        return match s.parse::<f64>() {
            Ok(v) => finish(text, v, None, None, percent, currency, negative),
            Err(_) => Err(format!("`{text}` is not a number")),
        };
    }
    let joined = digits(text, s)?;
    let (value, comma_value, shows) = separators(text, &joined, decimal)?;
    let mut r = finish(text, value, comma_value, shows, percent, currency, negative)?;
    if let Some(c) = r.comma_value {
        r.comma_value = Some(if negative { -c } else { c });
        if c.abs() > MAX_NUMBER {
            return Err(too_large(text));
        }
    }
    Ok(r)
}

/// What surrounds the digits of a number.
struct Marks {
    /// In brackets, or with a minus sign.
    negative: bool,
    percent: bool,
    currency: Option<&'static str>,
}

/// The number without its brackets, `%`, currency and signs.
fn strip_marks(text: &str) -> Result<(&str, Marks), String> {
    let mut s = text.trim();
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    let mut percent = false;
    if let Some(rest) = s.strip_suffix('%') {
        percent = true;
        s = rest.trim_end();
    }
    let mut currency = None;
    for _ in 0..2 {
        if let Some((rest, code)) = strip_currency(s) {
            if currency.is_some_and(|c| c != code) {
                return Err(format!("`{text}` names two currencies"));
            }
            currency = Some(code);
            s = rest;
        }
        for sign in ['-', '\u{2212}'] {
            if let Some(rest) = s.strip_prefix(sign) {
                negative = true;
                s = rest.trim_start();
            }
        }
        if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim_start();
        }
    }
    if s.is_empty() {
        return Err(format!("`{text}` is not a number"));
    }
    let marks = Marks {
        negative,
        percent,
        currency,
    };
    Ok((s, marks))
}

/// The digits and separators of `s`, thousands spaces removed.
fn digits(text: &str, s: &str) -> Result<String, String> {
    // Spaces and apostrophes group thousands: they must sit between groups of three.
    let spaced: Vec<&str> = s
        .split([' ', '\u{a0}', '\u{202f}', '\u{2009}', '\'', '\u{2019}'])
        .filter(|p| !p.is_empty())
        .collect();
    if spaced.len() > 1 {
        check_groups(text, &spaced, true)?;
    }
    let joined: String = spaced.concat();
    if !joined
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        || !joined.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(format!(
            "`{text}` is not a number (expected digits, with `.` or `,` as separators)"
        ));
    }
    Ok(joined)
}

/// The value of `joined` (digits, `.` and `,`), the value with `,` as the decimal separator
/// when it could be read either way, and the separator the cell shows.
type Separated = (f64, Option<f64>, Option<Decimal>);

/// Reads the separators of `joined` by the rule of this module.
fn separators(text: &str, joined: &str, decimal: Option<Decimal>) -> Result<Separated, String> {
    let dots = joined.matches('.').count();
    let commas = joined.matches(',').count();
    match (dots, commas) {
        (0, 0) => Ok((parse_plain(text, joined)?, None, None)),
        (d, c) if d > 0 && c > 0 => {
            let last = if joined.rfind('.') > joined.rfind(',') {
                Decimal::Dot
            } else {
                Decimal::Comma
            };
            let v = with_decimal(text, joined, last)?;
            if decimal.is_some_and(|given| given != last) {
                return Err(format!(
                    "`{text}` has `{}` as its decimal separator, but --decimal says `{}`",
                    last.char(),
                    other(last).char()
                ));
            }
            Ok((v, None, Some(last)))
        }
        (d, c) => {
            let (sep, n) = if d > 0 {
                (Decimal::Dot, d)
            } else {
                (Decimal::Comma, c)
            };
            if n > 1 {
                // Several: they group thousands, so the decimal separator is the other one.
                let v = with_decimal(text, joined, other(sep))?;
                if decimal == Some(sep) {
                    return Err(format!(
                        "`{text}` has `{}` more than once, so it cannot be the decimal separator --decimal says it is",
                        sep.char()
                    ));
                }
                Ok((v, None, Some(other(sep))))
            } else {
                one_separator(text, joined, sep, decimal)
            }
        }
    }
}

/// One `.` or one `,`: three digits after it and one to three before could be thousands.
fn one_separator(
    text: &str,
    joined: &str,
    sep: Decimal,
    decimal: Option<Decimal>,
) -> Result<Separated, String> {
    let after = joined.len() - joined.find(sep.char()).unwrap_or(0) - 1;
    let before = joined.find(sep.char()).unwrap_or(0);
    let could_group = after == 3 && (1..=3).contains(&before) && !joined.starts_with('0');
    Ok(match decimal {
        Some(d) => (with_decimal(text, joined, d)?, None, None),
        None if could_group => {
            // `value` reads `.` as the decimal separator, `comma_value` `,`.
            let as_dot = with_decimal(text, joined, Decimal::Dot)?;
            let as_comma = with_decimal(text, joined, Decimal::Comma)?;
            (as_dot, Some(as_comma), None)
        }
        None => (with_decimal(text, joined, sep)?, None, Some(sep)),
    })
}

/// The common case without allocating: digits with at most one `.` that the rule reads one
/// way only (`0.837`, `12`, `1234.5`).
fn plain(text: &str, decimal: Option<Decimal>) -> Option<Reading> {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 24 || !b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        return None;
    }
    let shows = match text.find('.') {
        None => None,
        Some(at) => {
            let after = b.len() - at - 1;
            let could_group = after == 3 && (1..=3).contains(&at) && b[0] != b'0';
            if could_group || decimal == Some(Decimal::Comma) || text[at + 1..].contains('.') {
                return None;
            }
            Some(Decimal::Dot)
        }
    };
    let value: f64 = text.parse().ok()?;
    (value <= MAX_NUMBER).then_some(Reading {
        value,
        comma_value: None,
        shows,
        percent: false,
        currency: None,
        negative: false,
    })
}

fn finish(
    text: &str,
    value: f64,
    comma_value: Option<f64>,
    shows: Option<Decimal>,
    percent: bool,
    currency: Option<&'static str>,
    negative: bool,
) -> Result<Reading, String> {
    if !value.is_finite() {
        return Err(format!("`{text}` is not a finite number"));
    }
    if value.abs() > MAX_NUMBER {
        return Err(too_large(text));
    }
    Ok(Reading {
        value: if negative { -value } else { value } + 0.0,
        comma_value,
        shows,
        percent,
        currency,
        negative,
    })
}

fn too_large(text: &str) -> String {
    format!("`{text}` is too large (expected a number of at most 1e15 in size)")
}

fn other(d: Decimal) -> Decimal {
    match d {
        Decimal::Dot => Decimal::Comma,
        Decimal::Comma => Decimal::Dot,
    }
}

/// Strips a currency symbol or code from either end.
fn strip_currency(s: &str) -> Option<(&str, &'static str)> {
    for (sym, code) in CURRENCIES {
        let n = sym.len();
        if s.len() >= n && s.is_char_boundary(n) && s[..n].eq_ignore_ascii_case(sym) {
            let rest = &s[n..];
            // A code must not run into letters (`USDA` is not a currency).
            if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return Some((rest.trim_start(), code));
            }
        }
        if s.len() >= n
            && s.is_char_boundary(s.len() - n)
            && s[s.len() - n..].eq_ignore_ascii_case(sym)
        {
            let rest = &s[..s.len() - n];
            if !rest.ends_with(|c: char| c.is_ascii_alphabetic()) {
                return Some((rest.trim_end(), code));
            }
        }
    }
    None
}

/// Digits only.
fn parse_plain(text: &str, digits: &str) -> Result<f64, String> {
    digits
        .parse::<f64>()
        .map_err(|_| format!("`{text}` is not a number"))
}

/// Reads `s` with `decimal` as the decimal separator and the other character as thousands
/// groups, which must have three digits.
fn with_decimal(text: &str, s: &str, decimal: Decimal) -> Result<f64, String> {
    let (int, frac) = match s.rfind(decimal.char()) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    if int.contains(decimal.char()) {
        return Err(format!(
            "`{text}` has more than one decimal separator `{}`",
            decimal.char()
        ));
    }
    let group = other(decimal).char();
    if let Some(f) = frac
        && f.contains(group)
    {
        return Err(format!(
            "`{text}` has a thousands separator `{group}` after its decimal separator"
        ));
    }
    let groups: Vec<&str> = int.split(group).collect();
    if groups.len() > 1 {
        check_groups(text, &groups, false)?;
    }
    let mut plain: String = groups.concat();
    if plain.is_empty() {
        plain.push('0');
    }
    if let Some(f) = frac {
        if f.is_empty() && int.is_empty() {
            return Err(format!("`{text}` is not a number"));
        }
        plain.push('.');
        plain.push_str(if f.is_empty() { "0" } else { f });
    }
    parse_plain(text, &plain)
}

/// Groups after the first have three digits, the first one to three. With `last_free` the
/// last part may carry decimals (`1 234,5`: the spaces came before the separators were read).
fn check_groups(text: &str, groups: &[&str], last_free: bool) -> Result<(), String> {
    let n = groups.len();
    for (i, g) in groups.iter().enumerate() {
        let digits = if last_free && i == n - 1 {
            g.split(['.', ',']).next().unwrap_or("")
        } else {
            g
        };
        let ok = if i == 0 {
            (1..=3).contains(&digits.len())
        } else {
            digits.len() == 3
        };
        if !ok || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "`{text}` has thousands groups that are not of three digits (expected e.g. 1,234,567 or 1.234.567)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> f64 {
        read(text, None).unwrap().value
    }

    #[test]
    fn money_in_both_conventions() {
        assert_eq!(v("$1,234,567.00"), 1_234_567.0);
        assert_eq!(v("1.234.567,00 €"), 1_234_567.0);
        assert_eq!(v("1 234 567,5"), 1_234_567.5);
        assert_eq!(v("1'234'567.25"), 1_234_567.25);
        assert_eq!(v("USD 12.5"), 12.5);
        assert_eq!(v("12,5"), 12.5);
        assert_eq!(v("0.25"), 0.25);
        assert_eq!(v("1234"), 1234.0);
        assert_eq!(v("1e6"), 1e6);
        let r = read("€ 1.234.567,00", None).unwrap();
        assert_eq!(r.currency, Some("EUR"));
        assert_eq!(r.shows, Some(Decimal::Comma));
    }

    #[test]
    fn one_separator_before_three_digits_is_ambiguous() {
        let r = read("1,234", None).unwrap();
        assert!(r.is_ambiguous());
        assert_eq!(r.value_with(Some(Decimal::Dot)), Some(1234.0));
        assert_eq!(r.value_with(Some(Decimal::Comma)), Some(1.234));
        assert_eq!(r.value_with(None), None);
        let r = read("1.234", None).unwrap();
        assert_eq!(r.value_with(Some(Decimal::Dot)), Some(1.234));
        assert_eq!(r.value_with(Some(Decimal::Comma)), Some(1234.0));
        // A leading zero cannot be a thousands group.
        assert!(!read("0,125", None).unwrap().is_ambiguous());
        assert_eq!(read("1,234", Some(Decimal::Comma)).unwrap().value, 1.234);
        assert_eq!(read("1,234", Some(Decimal::Dot)).unwrap().value, 1234.0);
    }

    #[test]
    fn percentages_and_signs() {
        let r = read("60%", None).unwrap();
        assert!(r.percent);
        assert_eq!(r.value, 60.0);
        let r = read("12,5 %", None).unwrap();
        assert!(r.percent && r.value == 12.5);
        assert!(read("-5", None).unwrap().negative);
        assert!(read("(1,234.00)", None).unwrap().negative);
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "abc",
            "1,23,456",
            "12 34",
            "1.2.3,4,5",
            "$",
            "1,234.5,6",
            "1e999",
            "1e16",
            "USD 5 EUR",
        ] {
            assert!(read(bad, None).is_err(), "{bad:?} was accepted");
        }
        assert!(read("1,234.50", Some(Decimal::Comma)).is_err());
        assert!(read("1,234,567", Some(Decimal::Comma)).is_err());
    }
}
