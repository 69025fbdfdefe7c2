//! Words: their transliteration skeletons, similarity, weight, and which say little.

use super::{ABBREVIATION, NOISE_WEIGHT, TRANSLITERATION, WORD_SIMILARITY};
use crate::names;

/// Words too common in names of every language to tell parties apart.
const STOP_WORDS: &[&str] = &[
    "and", "of", "the", "for", "de", "del", "la", "el", "los", "las", "y", "e", "et", "und", "da",
    "do", "dos", "das", "di", "al",
];

pub(super) fn has_digit(w: &str) -> bool {
    w.bytes().any(|c| c.is_ascii_digit())
}

/// A word's transliteration skeleton: the spelling variants of names written from other
/// scripts folded together (`kh` -> `h`, `ph` -> `f`, `zh`/`dj`/`dzh` -> `j`, `w` -> `v`,
/// `q`/`ck`/`c` -> `k`, `y` -> `i`, `ou`/`oo` -> `u`, `ee`/`ie`/`ii` -> `i`, double letters
/// single).
pub fn skeleton(word: &str) -> String {
    let mut s = word.to_string();
    for (from, to) in [
        ("dzh", "j"),
        ("kh", "h"),
        ("ph", "f"),
        ("zh", "j"),
        ("dj", "j"),
        ("tch", "ch"),
        ("sch", "sh"),
        ("ck", "k"),
        ("ks", "x"),
        ("ou", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("ie", "i"),
        ("iy", "i"),
        ("yi", "i"),
        ("ts", "c"),
        ("tz", "c"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut last = '\0';
    for c in s.chars() {
        let c = match c {
            'q' => 'k',
            'w' => 'v',
            'y' => 'i',
            'c' => 'k',
            c => c,
        };
        if c != last {
            out.push(c);
        }
        last = c;
    }
    out
}

/// A skeleton and its one-letter deletions: two words within about two edits share a key.
pub(super) fn deletions(sk: &str) -> Vec<String> {
    let chars: Vec<char> = sk.chars().collect();
    let mut out = vec![sk.to_string()];
    if chars.len() >= 4 {
        for k in 0..chars.len() {
            let mut d = String::with_capacity(sk.len());
            d.extend(chars[..k].iter());
            d.extend(chars[k + 1..].iter());
            out.push(d);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// How similar two words are (see the module docs): 1 when equal; [`TRANSLITERATION`] when
/// their skeletons are equal; for words of four letters or more without digits, the mean of
/// Jaro-Winkler and normalised Levenshtein of the words or of their skeletons (at least
/// [`ABBREVIATION`] when one word of five letters or more begins the other) when at least
/// [`WORD_SIMILARITY`]; else 0.
pub fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if has_digit(a) || has_digit(b) {
        return 0.0;
    }
    let (ka, kb) = (skeleton(a), skeleton(b));
    if ka == kb && ka.len() >= 2 {
        return TRANSLITERATION;
    }
    if a.len() <= 3 || b.len() <= 3 {
        return 0.0;
    }
    let mean = |x: &str, y: &str| {
        let (s, l) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        // The mean cannot reach the bar when the lengths differ by more than this.
        let max_gap = (1.0 - (2.0 * WORD_SIMILARITY - 1.0)) * l.len() as f64;
        if (l.len() - s.len()) as f64 > max_gap + crate::analysis::EPS {
            0.0
        } else {
            (strsim::jaro_winkler(x, y) + strsim::normalized_levenshtein(x, y)) / 2.0
        }
    };
    let edits = mean(a, b).max(mean(&ka, &kb) - 0.02);
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let v = if s.len() >= 5 && l.starts_with(s) {
        edits.max(ABBREVIATION)
    } else {
        edits
    };
    if v >= WORD_SIMILARITY { v } else { 0.0 }
}

/// The weight of a word found in `df` of `n` names.
pub(super) fn word_weight(word: &str, df: usize, n: usize) -> f64 {
    if is_noise(word) {
        NOISE_WEIGHT
    } else {
        (1.0 + n as f64 / (1.0 + df as f64)).ln()
    }
}

/// A legal-form word (or one misspelt by a letter or two), a single letter, or a stop word.
pub fn is_noise(word: &str) -> bool {
    if word.len() == 1 || names::is_legal_word(word) || STOP_WORDS.contains(&word) {
        return true;
    }
    word.len() >= 6 && {
        static LONG: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
            names::LEGAL_SUFFIXES
                .iter()
                .chain(names::LEGAL_PREFIXES)
                .flat_map(|f| f.split(' '))
                .filter(|w| w.len() >= 6 && names::is_legal_word(w))
                .collect()
        });
        LONG.iter().any(|l| {
            (strsim::jaro_winkler(word, l) + strsim::normalized_levenshtein(word, l)) / 2.0 >= 0.9
        })
    }
}
