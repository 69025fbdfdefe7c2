//! Names in a flat table: which are placeholders, which ids they get, and which look like
//! two spellings of one name.

use std::collections::{BTreeMap, HashMap};

/// Cell texts that stand for "we do not know": never an entity or an item. Compared
/// case-insensitively with punctuation ignored; a text that starts with `various` or
/// `unknown` (`Various companies`, `Unknown supplier`) is one too. `--placeholder` adds more.
pub const PLACEHOLDERS: &[&str] = &[
    "unknown",
    "various",
    "n a",
    "na",
    "not applicable",
    "not available",
    "tbd",
    "tba",
    "to be determined",
    "none",
    "null",
    "nil",
    "other",
    "others",
    "multiple",
    "not known",
    "unspecified",
    "not specified",
];

/// Placeholder texts: the built-in list and the user's.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    extra: Vec<String>,
}

impl Placeholders {
    pub fn new(extra: &[String]) -> Placeholders {
        Placeholders {
            extra: extra.iter().map(|e| fold_words(e)).collect(),
        }
    }

    /// Whether `text` (non-empty) is a placeholder.
    pub fn is(&self, text: &str) -> bool {
        // Most cells are names and ids: told apart by their first letter without folding.
        if self.extra.is_empty()
            && let Some(c) = text.chars().find(|c| c.is_alphanumeric())
            && c.is_ascii()
            && !matches!(c.to_ascii_lowercase(), 'u' | 'v' | 'n' | 't' | 'o' | 'm')
        {
            return false;
        }
        let f = fold_words(text);
        if f.is_empty() {
            // Only punctuation: `-`, `?`, `--`, `*`.
            return true;
        }
        PLACEHOLDERS.contains(&f.as_str())
            || self.extra.contains(&f)
            || f.starts_with("various ")
            || f.starts_with("unknown ")
    }
}

/// Lower-case words of ASCII letters and digits, one space apart: `N/A` -> `n a`.
fn fold_words(text: &str) -> String {
    deunicode::deunicode(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The longest slug made, in bytes: ids stay readable.
pub const MAX_SLUG: usize = 64;

/// A readable id from a name: transliterated to ASCII, lower case, runs of anything but
/// letters and digits turned into one `-` (`Orasure Technologies, Inc.` ->
/// `orasure-technologies-inc`, `Société Générale` -> `societe-generale`).
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in deunicode::deunicode(name).chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
        if out.len() >= MAX_SLUG {
            break;
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Gives each name a slug, unique among `taken` and each other: the second name with the
/// same slug gets `-2`, the third `-3`, in the order given.
pub fn unique_slugs<'a, S: std::hash::BuildHasher>(
    names: impl Iterator<Item = &'a str>,
    taken: &mut std::collections::HashSet<String, S>,
) -> Vec<String> {
    let mut out = Vec::new();
    for name in names {
        let base = slug(name);
        let mut id = base.clone();
        let mut k = 2;
        while taken.contains(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        taken.insert(id.clone());
        out.push(id);
    }
    out
}

/// Similarity from which two names count as a close spelling (Jaro-Winkler on the
/// normalised names).
pub const CLOSE: f64 = 0.93;

/// Why two names were put together.
#[derive(Debug, Clone, PartialEq)]
pub enum Likeness {
    /// The screening normaliser makes them equal (legal forms, case, punctuation, accents).
    SameNormalised,
    /// Their normalised forms are spelt alike (the score).
    Close(f64),
}

/// The key two spellings of one name share: the screening normaliser's words
/// ([`crate::names::tokens`]: legal forms, case, punctuation, accents), after dropping a
/// country written at the end (`Orasure Technologies Inc USA`, `Cipla Ltd, India`) and the
/// legal forms that it hid.
fn key(name: &str) -> Vec<String> {
    let mut words = crate::names::words(name);
    // A trailing country: an alpha-3 code or a name of one or two words (not a two-letter
    // code, which is too often a word or a legal form).
    for n in [2usize, 1] {
        if words.len() > n {
            let tail = words[words.len() - n..].join(" ");
            let is_country = (tail.len() == 3 || tail.len() > 3)
                && matches!(super::country::resolve(&tail), super::country::Resolved::Iso(c)
                    if tail.len() > 3 || c.alpha3.eq_ignore_ascii_case(&tail));
            if is_country {
                words.truncate(words.len() - n);
                break;
            }
        }
    }
    crate::names::tokens(&words.join(" "))
}

/// Groups of names that look like one name written differently: the same `key` (legal
/// forms, case, punctuation, accents and a trailing country aside), or a very close spelling:
/// as many words, each equal or spelt alike (Jaro-Winkler at least [`CLOSE`]), with the same
/// digits (`Unit 3` and `Unit 4` are two plants; `Lamivudine/Zidovudine` and
/// `Lamivudine/Stavudine` two medicines). Each group lists indices into `names`, in order,
/// with why each joined the first. Names are compared within blocks that share their first
/// three letters, so a table of 100,000 names stays fast.
pub fn near_duplicates(names: &[&str]) -> Vec<Vec<(usize, Likeness)>> {
    let keys: Vec<Vec<String>> = names.iter().map(|n| key(n)).collect();
    let normalised: Vec<String> = keys.iter().map(|k| k.join(" ")).collect();
    let mut joins = Joins {
        parent: (0..names.len()).collect(),
        why: HashMap::new(),
    };
    let mut by_norm: HashMap<&str, usize> = HashMap::new();
    for (i, n) in normalised.iter().enumerate() {
        if n.is_empty() {
            continue;
        }
        match by_norm.get(n.as_str()) {
            Some(&first) => joins.join(first, i, Likeness::SameNormalised),
            None => {
                by_norm.insert(n, i);
            }
        }
    }
    join_close_spellings(&mut joins, &by_norm, &keys, &normalised);
    joins.groups(&normalised)
}

/// Names joined so far (a union-find forest), with why each joined.
struct Joins {
    parent: Vec<usize>,
    /// Why a name joined a smaller one, at its first join.
    why: HashMap<usize, Likeness>,
}

impl Joins {
    fn root(&mut self, mut i: usize) -> usize {
        let parent = &mut self.parent;
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize, w: Likeness) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
            self.why.entry(a.max(b)).or_insert(w);
        }
    }

    /// The groups of more than one name, each in order with why each joined the first.
    fn groups(mut self, normalised: &[String]) -> Vec<Vec<(usize, Likeness)>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..self.parent.len() {
            let r = self.root(i);
            groups.entry(r).or_default().push(i);
        }
        groups
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|g| {
                g.iter()
                    .map(|&i| {
                        let w = if i == g[0] || normalised[i] == normalised[g[0]] {
                            Likeness::SameNormalised
                        } else {
                            self.why.get(&i).cloned().unwrap_or(Likeness::Close(
                                strsim::jaro_winkler(&normalised[g[0]], &normalised[i]),
                            ))
                        };
                        (i, w)
                    })
                    .collect()
            })
            .collect()
    }
}

/// Joins the distinct normalised names (`by_norm`) spelt alike, within blocks that share
/// their first three letters.
fn join_close_spellings(
    joins: &mut Joins,
    by_norm: &HashMap<&str, usize>,
    keys: &[Vec<String>],
    normalised: &[String],
) {
    let mut blocks: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (n, &i) in by_norm {
        blocks
            .entry(n.chars().take(3).collect())
            .or_default()
            .push(i);
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    for members in blocks.values_mut() {
        members.sort_unstable();
        let window = if members.len() > 400 {
            8
        } else {
            members.len()
        };
        for a in 0..members.len() {
            for b in a + 1..members.len().min(a + 1 + window) {
                let (i, j) = (members[a], members[b]);
                let (x, y) = (&keys[i], &keys[j]);
                if x.len() != y.len() || digits(&normalised[i]) != digits(&normalised[j]) {
                    continue;
                }
                let alike = x
                    .iter()
                    .zip(y)
                    .all(|(p, q)| p == q || (p.len() >= 4 && strsim::jaro_winkler(p, q) >= CLOSE));
                if alike && x != y {
                    let score = strsim::jaro_winkler(&normalised[i], &normalised[j]);
                    joins.join(i, j, Likeness::Close(score));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_their_usual_spellings() {
        let p = Placeholders::new(&["Sin datos".to_string()]);
        for t in [
            "Unknown",
            "N/A",
            "n.a.",
            "Not Applicable",
            "TBD",
            "Various",
            "Various companies",
            "unknown supplier",
            "-",
            "?",
            "sin datos",
        ] {
            assert!(p.is(t), "{t}");
        }
        for t in ["Acme", "Nana Foods", "Otherworld Ltd", "Variously Ltd"] {
            assert!(!p.is(t), "{t}");
        }
    }

    #[test]
    fn slugs_are_readable_and_unique() {
        assert_eq!(
            slug("Orasure Technologies, Inc."),
            "orasure-technologies-inc"
        );
        assert_eq!(slug("Société Générale"), "societe-generale");
        assert_eq!(slug("  !!  "), "x");
        let mut taken = std::collections::HashSet::new();
        let ids = unique_slugs(
            ["Acme Inc.", "Acme, Inc", "ACME INC"].into_iter(),
            &mut taken,
        );
        assert_eq!(ids, ["acme-inc", "acme-inc-2", "acme-inc-3"]);
    }

    #[test]
    fn the_issue_s_vendor_spellings_are_one_group() {
        let names = [
            "Orasure Technologies, Inc",
            "Orasure Technologies Inc USA",
            "Aurobindo Unit III, India",
            "Aurobindo Unit VII, India",
            "Plant 3",
            "Plant 4",
            "Cipla Ltd.",
            "CIPLA LIMITED",
            "Lamivudine/Zidovudine",
            "Lamivudine/Stavudine",
            "Didanosine",
            "Didanosine EC",
            "Semiconducter Manufacturing International",
            "Semiconductor Manufacturing International Corp.",
        ];
        let groups = near_duplicates(&names);
        let as_sets: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| g.iter().map(|(i, _)| *i).collect())
            .collect();
        assert!(as_sets.contains(&vec![0, 1]), "{groups:?}");
        assert!(as_sets.contains(&vec![6, 7]), "{groups:?}");
        // A typo in one word is a close spelling.
        assert!(as_sets.contains(&vec![12, 13]), "{groups:?}");
        // Different digits are different plants; other words, other products.
        for i in [2, 3, 4, 5, 8, 9, 10, 11] {
            assert!(!as_sets.iter().any(|g| g.contains(&i)), "{i}: {groups:?}");
        }
        assert!(
            groups
                .iter()
                .any(|g| g.iter().any(|(_, w)| *w == Likeness::SameNormalised))
        );
    }
}
