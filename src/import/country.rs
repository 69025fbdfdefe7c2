//! Country text as spreadsheets hold it — `DE`, `DEU`, `Germany`, `Viet Nam`, `Korea,
//! Republic of`, `Congo (the Democratic Republic of the)`, `U.S.A.` — to ISO 3166-1 alpha-2.
//!
//! The table is the `celes` crate's ISO 3166-1 list (alpha-2, alpha-3, the long name and
//! common English aliases of each of the 250 countries), with the forms ISO itself writes
//! that it lacks ([`EXTRA_NAMES`]). Text is compared with case, accents, punctuation and
//! spaces ignored; a name written with its qualifier after a comma or in brackets (`Korea,
//! Republic of`, `Iran (Islamic Republic of)`) is also tried turned around and without the
//! qualifier. `XX` is the one code outside ISO: the country of an entity the table gives none
//! for.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The code given to entities whose country the table does not say (ISO 3166 leaves `XX`
/// to users; it is commonly used for "unknown").
pub const UNKNOWN: &str = "XX";
pub const UNKNOWN_NAME: &str = "Unknown country (not in the table)";

/// Names ISO 3166 or common usage writes that the `celes` table lacks, as (text, alpha-2).
pub const EXTRA_NAMES: &[(&str, &str)] = &[
    ("Taiwan, Province of China", "TW"),
    ("Chinese Taipei", "TW"),
    ("Korea, Republic of", "KR"),
    ("Republic of Korea", "KR"),
    ("South Korea", "KR"),
    ("Korea (the Republic of)", "KR"),
    ("Korea, Democratic People's Republic of", "KP"),
    ("North Korea", "KP"),
    ("Congo, DRC", "CD"),
    ("DRC", "CD"),
    ("DR Congo", "CD"),
    ("Congo-Kinshasa", "CD"),
    ("Congo-Brazzaville", "CG"),
    ("Republic of the Congo", "CG"),
    ("Viet Nam", "VN"),
    ("Lao PDR", "LA"),
    ("Laos", "LA"),
    ("Russia", "RU"),
    ("Iran", "IR"),
    ("Syria", "SY"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("Czech Republic", "CZ"),
    ("Swaziland", "SZ"),
    ("Ivory Coast", "CI"),
    ("Cape Verde", "CV"),
    ("East Timor", "TL"),
    ("Burma", "MM"),
    ("Macedonia", "MK"),
    ("Holland", "NL"),
    ("The Netherlands", "NL"),
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("Great Britain", "GB"),
    ("United Kingdom", "GB"),
    ("Britain", "GB"),
    ("United States", "US"),
    ("U.S.", "US"),
    ("U.S.A.", "US"),
    ("Hong Kong SAR", "HK"),
    ("Hong Kong, China", "HK"),
    ("Macau", "MO"),
    ("Macao SAR", "MO"),
    ("Vatican", "VA"),
    ("Moldova", "MD"),
    ("Tanzania", "TZ"),
    ("Bolivia", "BO"),
    ("Venezuela", "VE"),
    ("Micronesia", "FM"),
    ("Palestine", "PS"),
    ("Brunei", "BN"),
    ("Kyrgyzstan", "KG"),
    ("Slovakia", "SK"),
    ("UAE", "AE"),
];

/// A short English name for a code, for `countries.csv`: the long names of the table are
/// official forms (`The United States Of America`, `Taiwan, Republic Of China`).
const SHORT_NAMES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("KR", "South Korea"),
    ("KP", "North Korea"),
    ("TW", "Taiwan"),
    ("RU", "Russia"),
    ("CD", "Democratic Republic of the Congo"),
    ("CG", "Republic of the Congo"),
    ("IR", "Iran"),
    ("SY", "Syria"),
    ("LA", "Laos"),
    ("VN", "Vietnam"),
    ("BO", "Bolivia"),
    ("VE", "Venezuela"),
    ("TZ", "Tanzania"),
    ("MD", "Moldova"),
    ("FM", "Micronesia"),
    ("PS", "Palestine"),
    ("NL", "Netherlands"),
    ("CZ", "Czechia"),
    ("MK", "North Macedonia"),
    ("CN", "China"),
    ("HK", "Hong Kong"),
    ("MO", "Macao"),
    ("AE", "United Arab Emirates"),
    ("PH", "Philippines"),
    ("DO", "Dominican Republic"),
    ("CF", "Central African Republic"),
    ("GM", "Gambia"),
    ("BS", "Bahamas"),
    ("KM", "Comoros"),
    ("NE", "Niger"),
    ("SD", "Sudan"),
];

/// One country of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iso {
    pub alpha2: &'static str,
    pub alpha3: &'static str,
    pub name: String,
}

struct Table {
    countries: Vec<Iso>,
    /// Folded text -> index into `countries`; `None` for a text that names two.
    by_key: HashMap<String, Option<usize>>,
}

static TABLE: LazyLock<Table> = LazyLock::new(build);

fn build() -> Table {
    let mut countries = Vec::new();
    let mut by_key: HashMap<String, Option<usize>> = HashMap::new();
    let add = |key: String, i: usize, by_key: &mut HashMap<String, Option<usize>>| {
        if key.is_empty() {
            return;
        }
        match by_key.get(&key) {
            Some(Some(j)) if *j != i => {
                by_key.insert(key, None);
            }
            Some(_) => {}
            None => {
                by_key.insert(key, Some(i));
            }
        }
    };
    for c in celes::Country::get_countries() {
        let i = countries.len();
        let name = SHORT_NAMES
            .iter()
            .find(|(code, _)| *code == c.alpha2)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| readable(c.long_name));
        for text in [c.alpha2, c.alpha3, c.long_name] {
            add(fold(text), i, &mut by_key);
            add(fold(&drop_the(text)), i, &mut by_key);
        }
        for alias in celes::LookupTable::iter(&c.aliases) {
            add(fold(alias), i, &mut by_key);
        }
        add(fold(&name), i, &mut by_key);
        countries.push(Iso {
            alpha2: c.alpha2,
            alpha3: c.alpha3,
            name,
        });
    }
    for (text, code) in EXTRA_NAMES {
        if let Some(i) = countries.iter().position(|c| c.alpha2 == *code) {
            // The table's own entries win: an extra name never overrides one.
            by_key.entry(fold(text)).or_insert(Some(i));
        }
    }
    Table { countries, by_key }
}

/// `The United States Of America` -> `United States of America`.
fn readable(long: &str) -> String {
    let words: Vec<&str> = drop_the_str(long).split(' ').collect();
    words
        .iter()
        .enumerate()
        .map(|(k, w)| {
            if k > 0 && ["Of", "And", "The", "Da", "De"].contains(w) {
                w.to_lowercase()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn drop_the_str(s: &str) -> &str {
    s.strip_prefix("The ").unwrap_or(s)
}

fn drop_the(s: &str) -> String {
    drop_the_str(s).to_string()
}

/// Lower-case ASCII letters and digits only: `Côte d'Ivoire` -> `cotedivoire`.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What a country text resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Iso(Iso),
    /// The text names more than one country (`Korea`).
    Ambiguous(Vec<Iso>),
    /// No country by that text; the closest, if any is close.
    Unknown(Option<Iso>),
}

/// Resolves country text to a country of the table.
pub fn resolve(text: &str) -> Resolved {
    let t = &*TABLE;
    let trimmed = text.trim();
    let mut tries = vec![trimmed.to_string()];
    // `Korea, Republic of` -> `Republic of Korea`, and `Korea`.
    if let Some((head, tail)) = trimmed.split_once(',') {
        tries.push(format!("{} {}", tail.trim(), head.trim()));
        tries.push(head.trim().to_string());
    }
    // `Iran (Islamic Republic of)` -> `Islamic Republic of Iran`, and `Iran`.
    if let (Some(open), true) = (trimmed.find('('), trimmed.ends_with(')')) {
        let head = trimmed[..open].trim();
        let inner = trimmed[open + 1..trimmed.len() - 1].trim();
        tries.push(format!("{inner} {head}"));
        tries.push(head.to_string());
    }
    for attempt in &tries {
        match t.by_key.get(&fold(attempt)) {
            Some(Some(i)) => return Resolved::Iso(t.countries[*i].clone()),
            Some(None) => {
                let key = fold(attempt);
                let mut all: Vec<Iso> = t
                    .countries
                    .iter()
                    .filter(|c| {
                        fold(c.alpha2) == key
                            || fold(&c.name).contains(&key)
                            || fold(c.alpha3) == key
                    })
                    .cloned()
                    .collect();
                all.dedup();
                return Resolved::Ambiguous(all);
            }
            None => {}
        }
    }
    // `Korea` alone names two countries.
    let key = fold(trimmed);
    if key.len() >= 4 {
        let named: Vec<Iso> = t
            .countries
            .iter()
            .filter(|c| {
                let n = fold(&c.name);
                n.starts_with(&key) || n.ends_with(&key)
            })
            .cloned()
            .collect();
        if named.len() > 1 && named.iter().all(|c| fold(&c.name).contains("korea")) {
            return Resolved::Ambiguous(named);
        }
    }
    Resolved::Unknown(closest(trimmed))
}

/// The country whose name is closest to `text`, if close enough to be a likely typo.
fn closest(text: &str) -> Option<Iso> {
    let key = fold(text);
    if key.len() < 3 || key.len() > 60 {
        return None;
    }
    TABLE
        .by_key
        .iter()
        .filter(|(k, v)| v.is_some() && k.len() > 3)
        .map(|(k, v)| (strsim::jaro_winkler(&key, k), k, v.unwrap_or(0)))
        .filter(|(s, _, _)| *s >= 0.88)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, _, i)| TABLE.countries[i].clone())
}

/// The ISO country with this alpha-2 code.
pub fn by_alpha2(code: &str) -> Option<Iso> {
    TABLE
        .countries
        .iter()
        .find(|c| c.alpha2.eq_ignore_ascii_case(code))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        match resolve(text) {
            Resolved::Iso(c) => c.alpha2,
            other => panic!("{text:?} -> {other:?}"),
        }
    }

    #[test]
    fn codes_and_names_in_every_form() {
        for (text, want) in [
            ("DE", "DE"),
            ("de", "DE"),
            ("DEU", "DE"),
            ("Germany", "DE"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("United States of America", "US"),
            ("Viet Nam", "VN"),
            ("Vietnam", "VN"),
            ("Côte d'Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Korea, Republic of", "KR"),
            ("Korea (the Republic of)", "KR"),
            ("Iran (Islamic Republic of)", "IR"),
            ("Congo (the Democratic Republic of the)", "CD"),
            ("Congo, DRC", "CD"),
            ("Congo", "CG"),
            ("Taiwan, Province of China", "TW"),
            ("Taiwan", "TW"),
            ("TWN", "TW"),
            ("Tanzania, United Republic of", "TZ"),
            ("Bolivia (Plurinational State of)", "BO"),
            ("Türkiye", "TR"),
            ("Swaziland", "SZ"),
            ("Netherlands", "NL"),
            ("United Kingdom", "GB"),
            ("South Africa", "ZA"),
            ("South Sudan", "SS"),
            ("Dominican Republic", "DO"),
            ("China", "CN"),
            ("Japan", "JP"),
            ("Lao People's Democratic Republic", "LA"),
        ] {
            assert_eq!(code(text), want, "{text}");
        }
    }

    #[test]
    fn korea_alone_is_ambiguous_and_typos_get_a_suggestion() {
        assert!(matches!(resolve("Korea"), Resolved::Ambiguous(v) if v.len() == 2));
        match resolve("Germnay") {
            Resolved::Unknown(Some(c)) => assert_eq!(c.alpha2, "DE"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(resolve("Atlantis"), Resolved::Unknown(None)));
    }

    #[test]
    fn names_for_countries_csv_are_short() {
        assert_eq!(by_alpha2("US").unwrap().name, "United States");
        assert_eq!(by_alpha2("DE").unwrap().name, "Germany");
        assert_eq!(by_alpha2("TW").unwrap().name, "Taiwan");
    }
}
