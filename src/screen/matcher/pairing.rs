//! Pairing the words of two names, and the reasons a score gives.

use super::words::{has_digit, is_noise, word_similarity};
use super::{ABBREVIATION, Containment, Prepared, QUALIFIER_WEIGHT, TRANSLITERATION};
use crate::names;

/// The reason when `a` and `b` are the same words (as written, abbreviations read in full,
/// or in another order): a score of 1.
pub(super) fn same_words(a: &Prepared, b: &Prepared) -> Option<String> {
    if a.written == b.written {
        return Some(exact_reason(&a.dropped, &b.dropped));
    }
    if a.words == b.words {
        return Some(format!(
            "same words, abbreviations read in full ({})",
            abbreviated(a, b)
        ));
    }
    let mut sa = a.words.clone();
    let mut sb = b.words.clone();
    sa.sort();
    sb.sort();
    (sa == sb).then(|| "all words match, different order".into())
}

/// The words of two names paired greedily, most similar (then heaviest) first.
pub(super) struct Pairing {
    /// (similarity, word of a, word of b).
    pub(super) chosen: Vec<(f64, usize, usize)>,
    pub(super) used_a: Vec<bool>,
    pub(super) used_b: Vec<bool>,
    /// Σ similarity × (weight in a + weight in b) over the pairs.
    pub(super) matched: f64,
}

impl Pairing {
    pub(super) fn new(a: &Prepared, b: &Prepared, wa: &[f64], wb: &[f64]) -> Pairing {
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, x) in a.words.iter().enumerate() {
            for (j, y) in b.words.iter().enumerate() {
                let s = if a.skeleton[i] == b.skeleton[j] && x != y && !has_digit(x) {
                    TRANSLITERATION
                } else {
                    word_similarity(x, y)
                };
                if s > 0.0 {
                    pairs.push((s, i, j));
                }
            }
        }
        pairs.sort_by(|p, q| {
            q.0.total_cmp(&p.0)
                .then_with(|| (wa[q.1] + wb[q.2]).total_cmp(&(wa[p.1] + wb[p.2])))
                .then_with(|| (p.1, p.2).cmp(&(q.1, q.2)))
        });
        let mut used_a = vec![false; a.words.len()];
        let mut used_b = vec![false; b.words.len()];
        let mut matched = 0.0;
        let mut chosen = Vec::new();
        for (s, i, j) in pairs {
            if used_a[i] || used_b[j] {
                continue;
            }
            used_a[i] = true;
            used_b[j] = true;
            matched += s * (wa[i] + wb[j]);
            chosen.push((s, i, j));
        }
        Pairing {
            chosen,
            used_a,
            used_b,
            matched,
        }
    }
}

/// The total weight of a name's words, an unpaired qualifier weighing little.
pub(super) fn unpaired_weight(w: &[f64], used: &[bool], qualifier: &[bool]) -> f64 {
    (0..w.len())
        .map(|i| {
            if !used[i] && qualifier[i] {
                w[i].min(QUALIFIER_WEIGHT)
            } else {
                w[i]
            }
        })
        .sum()
}

/// The reasons of a score: the containment rule, each pair of words, each unpaired word.
pub(super) fn reasons(
    a: &Prepared,
    b: &Prepared,
    pairing: Pairing,
    containment: Option<Containment>,
) -> Vec<String> {
    let Pairing {
        mut chosen,
        used_a,
        used_b,
        ..
    } = pairing;
    let mut why = Vec::new();
    if let Some(c) = containment {
        why.push(c.reason().to_string());
    }
    let all_paired = used_a.iter().all(|u| *u) && used_b.iter().all(|u| *u);
    if all_paired {
        why.push("all words match, some spelt differently".to_string());
    }
    chosen.sort_by_key(|&(_, i, _)| i);
    for (s, i, j) in chosen {
        why.push(pair_reason(
            s,
            (&a.words[i], &a.written[i]),
            (&b.words[j], &b.written[j]),
        ));
    }
    let note = |w: &str, q: bool| {
        if is_noise(w) {
            " (weighs little)"
        } else if q {
            " (a branch or place: weighs little)"
        } else {
            ""
        }
    };
    for (i, w) in a.written.iter().enumerate() {
        if !used_a[i] {
            why.push(format!(
                "word `{w}` is not in the listed name{}",
                note(&a.words[i], a.qualifier[i])
            ));
        }
    }
    for (j, w) in b.written.iter().enumerate() {
        if !used_b[j] {
            why.push(format!(
                "listed word `{w}` is missing{}",
                note(&b.words[j], b.qualifier[j])
            ));
        }
    }
    why
}

/// Why word `x` (written `xw`) pairs with `y` (written `yw`) at similarity `s`.
fn pair_reason(s: f64, (x, xw): (&str, &str), (y, yw): (&str, &str)) -> String {
    if x == y && xw == yw {
        format!("word `{x}` matches")
    } else if x == y {
        format!("word `{xw}` = `{yw}` (abbreviation)")
    } else if s == TRANSLITERATION {
        format!("word `{xw}` ~ `{yw}` (transliteration) {s:.2}")
    } else if s == ABBREVIATION && (y.starts_with(x) || x.starts_with(y)) {
        format!("word `{xw}` ~ `{yw}` (abbreviation) {s:.2}")
    } else {
        format!("word `{xw}` ~ `{yw}` {s:.2}")
    }
}

/// The abbreviations two names with the same words differ by: `` `intl` = `international` ``.
fn abbreviated(a: &Prepared, b: &Prepared) -> String {
    let mut out: Vec<String> = a
        .written
        .iter()
        .chain(&b.written)
        .filter(|w| names::canonical(w) != w.as_str())
        .map(|w| format!("`{w}` = `{}`", names::canonical(w)))
        .collect();
    out.sort();
    out.dedup();
    out.join(", ")
}

/// Why two names with the same words are the same.
pub(super) fn exact_reason(a: &[String], b: &[String]) -> String {
    let mut forms: Vec<&String> = a.iter().chain(b).collect();
    forms.sort();
    forms.dedup();
    if a == b || forms.is_empty() {
        "exact after normalisation".into()
    } else {
        format!(
            "exact after normalisation (legal form{} {} ignored)",
            if forms.len() == 1 { "" } else { "s" },
            forms
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
