//! Waivers: accepted findings that stay visible but do not fail a run, until they expire.
//!
//! A waiver names finding ids, or patterns where `*` stands for any run of characters
//! (`spof:country:TW:*`), with a reason and an expiry date. A waived finding is still in every
//! report, marked with its waiver; it does not count for `--fail-on`. From its expiry date on a
//! waiver stops working and is reported as expired. Waivers come from `[[waiver]]` tables in
//! `tierscope.toml` or in a file given with `--waivers`:
//!
//! ```toml
//! [[waiver]]
//! id = "concentration:-:fab-tw:resist"
//! reason = "Resist dual-sourcing project, ticket SC-142"
//! expires = 2027-01-31
//! ```

use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.get(..2)?.parse().ok()?;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The date of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_unix_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The count of days since 1970-01-01 (Howard Hinnant's `days_from_civil`), the inverse
    /// of [`Date::from_unix_days`].
    pub fn to_unix_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Today in UTC, or `TIERSCOPE_TODAY` (YYYY-MM-DD) when set, so tests and reruns of an
    /// old night can fix the date.
    pub fn today() -> Date {
        if let Some(d) = std::env::var("TIERSCOPE_TODAY")
            .ok()
            .and_then(|t| Date::parse(&t))
        {
            return d;
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Date::from_unix_days(secs.div_euclid(86_400))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A TOML date literal (2027-01-31) or a string ("2027-01-31").
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Input {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let text = match Input::deserialize(d)? {
            Input::Toml(dt) => dt.to_string(),
            Input::Text(t) => t,
        };
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a date (expected YYYY-MM-DD, e.g. 2027-01-31)"
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// A finding id, or a pattern where `*` matches any run of characters.
    pub id: String,
    pub reason: String,
    /// The first day the waiver no longer applies.
    pub expires: Date,
}

impl Waiver {
    pub fn matches(&self, id: &str) -> bool {
        glob_match(&self.id, id)
    }

    pub fn is_expired(&self, today: Date) -> bool {
        today >= self.expires
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waiver: Vec<Waiver>,
}

/// Reads a waivers file (`[[waiver]]` tables).
pub fn load(path: &Path) -> Result<Vec<Waiver>> {
    let text = crate::inputs::read_to_string(path, "a waivers file")?;
    Ok(crate::config::parse_toml::<WaiverFile>(&text, path)?.waiver)
}

/// What applying the waivers found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WaiverReport {
    /// Waivers past their expiry date: they waive nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<Waiver>,
    /// Valid waivers that matched no finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused: Vec<Waiver>,
}

impl WaiverReport {
    pub fn is_empty(&self) -> bool {
        self.expired.is_empty() && self.unused.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        assert!(glob_match(
            "spof:country:TW:*",
            "spof:country:TW:ford:truck"
        ));
        assert!(!glob_match(
            "spof:country:TW:*",
            "spof:country:TWN:ford:truck"
        ));
        assert!(glob_match("*:CN:*", "spof:country:CN:a:b"));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXcYb"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exactly"));
        assert!(!glob_match("ab*ba", "aba"));
    }

    #[test]
    fn dates_parse_and_order() {
        assert_eq!(Date::parse("2027-02-29"), None);
        assert_eq!(
            Date::parse("2028-02-29"),
            Some(Date {
                year: 2028,
                month: 2,
                day: 29
            })
        );
        assert!(Date::parse("2027-01-31").unwrap() < Date::parse("2027-02-01").unwrap());
        assert_eq!(Date::parse("31/01/2027"), None);
    }

    #[test]
    fn unix_days_to_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(19_723).to_string(), "2024-01-01");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_unix_days(-1).to_string(), "1969-12-31");
        for days in [-800_000, -1, 0, 59, 11_016, 19_723, 20_794, 2_932_896] {
            assert_eq!(Date::from_unix_days(days).to_unix_days(), days);
        }
    }

    #[test]
    fn expiry_is_the_first_day_it_no_longer_applies() {
        let w = Waiver {
            id: "x".into(),
            reason: "r".into(),
            expires: Date::parse("2027-01-31").unwrap(),
        };
        assert!(!w.is_expired(Date::parse("2027-01-30").unwrap()));
        assert!(w.is_expired(Date::parse("2027-01-31").unwrap()));
    }
}
