//! Headers folded for comparison: see the module documentation of [`columns`](super).

/// A header, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub words: String,
    /// A `%` or the word percent/percentage/pct was in it.
    pub percent: bool,
}

/// Units and currencies dropped from the end of a header (`Spend USD`, `Volume kg`).
const UNIT_WORDS: &[&str] = &[
    "usd",
    "eur",
    "gbp",
    "jpy",
    "cny",
    "rmb",
    "chf",
    "inr",
    "krw",
    "twd",
    "cad",
    "aud",
    "k",
    "m",
    "mn",
    "bn",
    "000",
    "000s",
    "thousands",
    "millions",
    "kg",
    "t",
    "tonnes",
    "tons",
    "lbs",
    "pcs",
    "ea",
    "days",
    "d",
];

/// Folds a header: see the module's documentation.
pub fn fold(header: &str) -> Folded {
    let mut percent = header.contains('%');
    // Drop bracketed parts: units and notes.
    let mut plain = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let ascii = deunicode::deunicode(plain.trim_start_matches('\u{feff}'));
    let mut words: Vec<String> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.retain(|w| {
        let p = matches!(w.as_str(), "percent" | "percentage" | "pct");
        percent |= p;
        !p
    });
    // Units at the end, as long as a word is left (`Days` alone stays).
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| UNIT_WORDS.contains(&w.as_str()))
    {
        // `Lead Time Days`, `Recovery Days`: `days` is part of these names.
        let before = words[words.len() - 2].as_str();
        if words.last().is_some_and(|w| w == "days")
            && matches!(before, "time" | "recovery" | "inventory" | "lead" | "stock")
        {
            break;
        }
        words.pop();
    }
    Folded {
        words: words.join(" "),
        percent,
    }
}
