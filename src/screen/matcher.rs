//! Fuzzy name matching against restricted-party lists, with a score and a reason.
//!
//! **Normalisation.** Both names go through [`crate::names::split`]: transliterated to
//! ASCII (accents, other scripts), lower-cased, punctuation folded, legal forms at the ends
//! dropped (`Co., Ltd.`, `LLC`, `GmbH`, `JSC`, `OOO`, ...).
//!
//! **Score.** A soft, weighted Dice coefficient over the two word sets, so word order does
//! not matter:
//!
//! ```text
//! score(A, B) = Σ over paired words (a, b) of sim(a, b) · (w(a) + w(b))
//!               ─────────────────────────────────────────────────────
//!                          Σ over A of w(a) + Σ over B of w(b)
//! ```
//!
//! - `sim(a, b)` ([`word_similarity`]) is 1 for equal words. Words of four letters or more,
//!   without digits and beginning with the same two letters, score the mean of their
//!   Jaro-Winkler similarity (which rewards a shared beginning) and their normalised
//!   Levenshtein similarity (which counts edits), when that is at least [`WORD_SIMILARITY`];
//!   a word of five letters or more that begins the other scores at least
//!   [`ABBREVIATION`] (`pharma` / `pharmaceutical`). Any other pair scores 0: short words
//!   and words with digits (`7th`, `2000`) must be equal. Jaro-Winkler alone would pair unrelated words
//!   that begin alike (`entegris` / `energies` 0.90); the mean does not (0.70).
//! - Words are paired one to one, most similar first (greedy).
//! - `w(t) = ln(1 + N / (1 + df(t)))` is the word's rarity (inverse document frequency) over
//!   the N names indexed: a shared rare word (`krasnoznamensk`) says more than a shared common
//!   one (`trading`, `international`), and an unshared common word costs less. Legal-form
//!   words left inside a name or misspelt (`co`, `limited`, `coporation`, `liabiliy`), single
//!   letters and a few stop words (`and`, `of`, `de`, ...) weigh [`NOISE_WEIGHT`]: they say
//!   almost nothing about who a party is.
//! - Names whose words differ but whose letters are the same without spaces (`Tai Chung` /
//!   `Taichung`) score [`SPACING_SCORE`].
//!
//! Equal names score 1, names with no word in common 0. Every hit says why it matched:
//! `exact after normalisation`, `all words match, different order`, or the word pairs
//! (`word `semiconductors` ~ `semiconductor` 0.99`) and the words left over.
//!
//! **Index.** Every organisation's primary name and aliases are indexed word → names
//! (an inverted index), plus a bucket of the vocabulary by the first two letters. A candidate
//! is scored only against names that share a word with it, or a similar word from the same
//! bucket, or all its letters: screening one name against the 15,000-row SDN list scores a
//! few dozen names, not all of them. A misspelling in the first two letters of every word of
//! a name is therefore not found.

use super::lists::{PartyList, PartyType};
use crate::names::{self, Split};
use std::collections::{HashMap, HashSet};

/// The least similarity for two different words to count as similar.
pub const WORD_SIMILARITY: f64 = 0.8;
/// The similarity of a word and a longer word it begins (an abbreviation).
pub const ABBREVIATION: f64 = 0.9;
/// The weight of a legal-form word, a single letter or a stop word.
pub const NOISE_WEIGHT: f64 = 0.2;

/// Words that say what kind of company a party is, not which: the words of legal forms.
const LEGAL_WORDS: &[&str] = &[
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "ltda",
    "llc",
    "llp",
    "lp",
    "plc",
    "pllc",
    "gmbh",
    "mbh",
    "kg",
    "ag",
    "sa",
    "sas",
    "sal",
    "sarl",
    "nv",
    "bv",
    "kk",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "ooo",
    "zao",
    "oao",
    "pao",
    "ao",
    "eood",
    "ood",
    "pte",
    "pvt",
    "srl",
    "spa",
    "sro",
    "doo",
    "kft",
    "fze",
    "fzco",
    "fzc",
    "bhd",
    "sdn",
    "tbk",
    "sirketi",
    "sti",
    "anonim",
    "liability",
    "joint",
    "stock",
    "obshchestvo",
    "obschestvo",
    "aktsionernoe",
    "ogranichennoi",
    "ogranichennoy",
    "otvetstvennostyu",
    "otkrytoe",
    "zakrytoe",
    "publichnoe",
    "sociedad",
    "anonima",
];

/// Words too common in names of every language to tell parties apart.
const STOP_WORDS: &[&str] = &[
    "and", "of", "the", "for", "de", "del", "la", "el", "los", "las", "y", "e", "et", "und", "da",
    "do", "dos", "das", "di",
];
/// The score of names that differ only in where the spaces are.
pub const SPACING_SCORE: f64 = 0.98;

/// One indexed name: a listed party's primary name or one of its aliases.
#[derive(Debug, Clone)]
struct Indexed {
    list: u32,
    entry: u32,
    /// The alias's index in the entry, `None` for the primary name.
    alias: Option<u32>,
    split: Split,
    joined: String,
}

/// A list entry that matched, with the score and the reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the list in the matcher's lists.
    pub list: usize,
    /// Index of the entry in its list.
    pub entry: usize,
    /// The alias that matched best, `None` for the primary name.
    pub alias: Option<usize>,
    pub score: f64,
    pub why: Vec<String>,
}

/// An index over the organisations of some lists.
pub struct Matcher {
    names: Vec<Indexed>,
    postings: HashMap<String, Vec<u32>>,
    /// The vocabulary by its first two letters, for similar-word lookups.
    buckets: HashMap<String, Vec<String>>,
    joined: HashMap<String, Vec<u32>>,
    /// The weight of every indexed word, computed once.
    weights: HashMap<String, f64>,
    /// Names indexed, for the word weights.
    n: usize,
}

impl Matcher {
    /// Indexes the organisations of `lists` (individuals, vessels and aircraft are left out:
    /// candidates are firms). O(total words).
    pub fn new(lists: &[PartyList]) -> Matcher {
        let mut names = Vec::new();
        for (l, list) in lists.iter().enumerate() {
            for (e, entry) in list.entries.iter().enumerate() {
                if entry.party_type != PartyType::Organization {
                    continue;
                }
                let all = std::iter::once((None, entry.name.as_str())).chain(
                    entry
                        .aliases
                        .iter()
                        .enumerate()
                        .map(|(a, alias)| (Some(a as u32), alias.name.as_str())),
                );
                for (alias, name) in all {
                    let split = names::split(name);
                    if split.words.is_empty() {
                        continue;
                    }
                    let joined = split.words.concat();
                    names.push(Indexed {
                        list: l as u32,
                        entry: e as u32,
                        alias,
                        split,
                        joined,
                    });
                }
            }
        }
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut joined: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            let unique: HashSet<&String> = n.split.words.iter().collect();
            for w in unique {
                postings.entry(w.clone()).or_default().push(i as u32);
            }
            joined.entry(n.joined.clone()).or_default().push(i as u32);
        }
        let mut buckets: HashMap<String, Vec<String>> = HashMap::new();
        for w in postings.keys() {
            if w.len() > 3 {
                buckets
                    .entry(w[..2].to_string())
                    .or_default()
                    .push(w.clone());
            }
        }
        for b in buckets.values_mut() {
            b.sort();
        }
        let n = names.len();
        let weights = postings
            .iter()
            .map(|(w, p)| (w.clone(), word_weight(w, p.len(), n)))
            .collect();
        Matcher {
            n,
            names,
            postings,
            buckets,
            joined,
            weights,
        }
    }

    /// How many names (primary names and aliases) are indexed.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The weight of a word: its rarity among the indexed names, or [`NOISE_WEIGHT`] for a
    /// legal-form word (spelt right or nearly), a single letter or a stop word.
    pub fn weight(&self, word: &str) -> f64 {
        match self.weights.get(word) {
            Some(&w) => w,
            None => word_weight(word, 0, self.n),
        }
    }

    /// Every listed organisation whose name or alias scores at least `threshold` against
    /// `name`: the best-scoring name per entry, best entries first.
    pub fn screen(&self, name: &str, threshold: f64) -> Vec<Hit> {
        let query = names::split(name);
        if query.words.is_empty() {
            return Vec::new();
        }
        let mut candidates: HashSet<u32> = HashSet::new();
        for w in &query.words {
            // A shared legal-form or stop word alone cannot make a match.
            if is_noise(w) {
                continue;
            }
            if let Some(p) = self.postings.get(w) {
                candidates.extend(p);
            }
            if w.len() > 3 {
                for v in self.buckets.get(&w[..2]).map(Vec::as_slice).unwrap_or(&[]) {
                    if v != w && word_similarity(w, v) > 0.0 {
                        candidates.extend(&self.postings[v]);
                    }
                }
            }
        }
        if let Some(p) = self.joined.get(&query.words.concat()) {
            candidates.extend(p);
        }
        let mut best: HashMap<(u32, u32), Hit> = HashMap::new();
        let mut order: Vec<u32> = candidates.into_iter().collect();
        order.sort_unstable();
        for i in order {
            let n = &self.names[i as usize];
            let (score, why) = self.score(&query, &n.split);
            if score + 1e-12 < threshold {
                continue;
            }
            let hit = Hit {
                list: n.list as usize,
                entry: n.entry as usize,
                alias: n.alias.map(|a| a as usize),
                score,
                why,
            };
            match best.get(&(n.list, n.entry)) {
                Some(old) if old.score >= score => {}
                _ => {
                    best.insert((n.list, n.entry), hit);
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| (a.list, a.entry).cmp(&(b.list, b.entry)))
        });
        hits
    }

    /// The score of two normalised names and the reasons, as described in the module docs.
    pub fn score(&self, a: &Split, b: &Split) -> (f64, Vec<String>) {
        if a.words == b.words {
            return (1.0, vec![exact_reason(a, b)]);
        }
        let mut sa = a.words.clone();
        let mut sb = b.words.clone();
        sa.sort();
        sb.sort();
        if sa == sb {
            return (1.0, vec!["all words match, different order".into()]);
        }
        let wa: Vec<f64> = a.words.iter().map(|w| self.weight(w)).collect();
        let wb: Vec<f64> = b.words.iter().map(|w| self.weight(w)).collect();
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, x) in a.words.iter().enumerate() {
            for (j, y) in b.words.iter().enumerate() {
                let s = word_similarity(x, y);
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
        let total: f64 = wa.iter().sum::<f64>() + wb.iter().sum::<f64>();
        let mut score = if total > 0.0 { matched / total } else { 0.0 };
        let same_letters = a.words.concat() == b.words.concat();
        if same_letters && score < SPACING_SCORE {
            score = SPACING_SCORE;
            return (
                score,
                vec![format!(
                    "same letters, different spacing (`{}` / `{}`)",
                    a.words.join(" "),
                    b.words.join(" ")
                )],
            );
        }
        let mut why = Vec::new();
        let all_paired = used_a.iter().all(|u| *u) && used_b.iter().all(|u| *u);
        if all_paired {
            why.push("all words match, some spelt differently".to_string());
        }
        chosen.sort_by_key(|&(_, i, _)| i);
        for (s, i, j) in chosen {
            let (x, y) = (&a.words[i], &b.words[j]);
            if x == y {
                why.push(format!("word `{x}` matches"));
            } else if s == ABBREVIATION && (y.starts_with(x.as_str()) || x.starts_with(y.as_str()))
            {
                why.push(format!("word `{x}` ~ `{y}` (abbreviation) {s:.2}"));
            } else {
                why.push(format!("word `{x}` ~ `{y}` {s:.2}"));
            }
        }
        let noise = |w: &str| {
            if is_noise(w) { " (weighs little)" } else { "" }
        };
        for (i, w) in a.words.iter().enumerate() {
            if !used_a[i] {
                why.push(format!("word `{w}` is not in the listed name{}", noise(w)));
            }
        }
        for (j, w) in b.words.iter().enumerate() {
            if !used_b[j] {
                why.push(format!("listed word `{w}` is missing{}", noise(w)));
            }
        }
        (score, why)
    }
}

/// Why two names with the same words are the same.
fn exact_reason(a: &Split, b: &Split) -> String {
    let mut forms: Vec<&String> = a.dropped.iter().chain(&b.dropped).collect();
    forms.sort();
    forms.dedup();
    if a.dropped == b.dropped || forms.is_empty() {
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

/// How similar two words are (see the module docs): 1 when equal; for words of four
/// letters or more without digits that begin with the same two letters, the mean of
/// Jaro-Winkler and normalised Levenshtein (at least [`ABBREVIATION`] when one word of five
/// letters or more begins the other) when at least [`WORD_SIMILARITY`]; else 0.
pub fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let short = |w: &str| w.len() <= 3 || w.bytes().any(|c| c.is_ascii_digit());
    if short(a) || short(b) || a.as_bytes()[..2] != b.as_bytes()[..2] {
        return 0.0;
    }
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // The mean cannot reach the bar when the lengths differ by more than this.
    let max_gap = (1.0 - (2.0 * WORD_SIMILARITY - 1.0)) * l.len() as f64;
    let edits = if (l.len() - s.len()) as f64 > max_gap + 1e-9 {
        0.0
    } else {
        (strsim::jaro_winkler(a, b) + strsim::normalized_levenshtein(a, b)) / 2.0
    };
    let v = if s.len() >= 5 && l.starts_with(s) {
        edits.max(ABBREVIATION)
    } else {
        edits
    };
    if v >= WORD_SIMILARITY { v } else { 0.0 }
}

/// The weight of a word found in `df` of `n` names.
fn word_weight(word: &str, df: usize, n: usize) -> f64 {
    if is_noise(word) {
        NOISE_WEIGHT
    } else {
        (1.0 + n as f64 / (1.0 + df as f64)).ln()
    }
}

/// A legal-form word (or one misspelt by a letter or two), a single letter, or a stop word.
pub fn is_noise(word: &str) -> bool {
    if word.len() == 1 || LEGAL_WORDS.contains(&word) || STOP_WORDS.contains(&word) {
        return true;
    }
    word.len() >= 6
        && LEGAL_WORDS
            .iter()
            .any(|l| l.len() >= 6 && word_similarity(word, l) >= 0.9)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::lists::{Entry, ListFormat, PartyList};

    fn list(names: &[&str]) -> Vec<PartyList> {
        vec![PartyList {
            path: "test".into(),
            format: ListFormat::RestrictedCsv,
            rows: names.len() as u64,
            entries: names
                .iter()
                .enumerate()
                .map(|(i, n)| Entry {
                    uid: i.to_string(),
                    name: n.to_string(),
                    aliases: Vec::new(),
                    party_type: PartyType::Organization,
                    programs: Vec::new(),
                    source: "test".into(),
                    country: None,
                    line: i as u64 + 2,
                    entity: None,
                })
                .collect(),
        }]
    }

    fn best(m: &Matcher, name: &str) -> Option<(usize, f64, Vec<String>)> {
        m.screen(name, 0.0)
            .into_iter()
            .next()
            .map(|h| (h.entry, h.score, h.why))
    }

    #[test]
    fn word_similarity_rules() {
        assert_eq!(word_similarity("bank", "bank"), 1.0);
        assert!(word_similarity("semiconductors", "semiconductor") > 0.95);
        // Short words and words with digits must be equal.
        assert_eq!(word_similarity("abc", "abd"), 0.0);
        assert_eq!(word_similarity("7th", "9th"), 0.0);
        assert_eq!(word_similarity("plant2", "plant3"), 0.0);
        // Unrelated words score nothing.
        assert_eq!(word_similarity("arsenal", "factory"), 0.0);
    }

    #[test]
    fn exact_reorder_accent_and_suffix_all_score_one() {
        let m = Matcher::new(&list(&[
            "KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL",
            "BANCO NACIONAL DE CUBA",
        ]));
        let (e, s, why) = best(&m, "Krasnoznamensk Semiconductors Factory Arsenal JSC").unwrap();
        assert_eq!((e, s), (0, 1.0));
        assert!(why[0].starts_with("exact after normalisation"), "{why:?}");
        let (_, s, why) = best(&m, "Arsenal Factory Krasnoznamensk Semiconductors").unwrap();
        assert_eq!(s, 1.0);
        assert_eq!(why, ["all words match, different order"]);
        let (e, s, _) = best(&m, "Banco Nacional de Cúba S.A.").unwrap();
        assert_eq!((e, s), (1, 1.0));
    }

    #[test]
    fn spelling_variants_score_high_and_say_which_words() {
        let m = Matcher::new(&list(&["KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL"]));
        let (_, s, why) = best(&m, "Krasnoznamensk Semiconductor Factory Arsenal").unwrap();
        assert!(s > 0.95 && s < 1.0, "{s}");
        assert!(
            why.iter()
                .any(|w| w.starts_with("word `semiconductor` ~ `semiconductors` 0.9")),
            "{why:?}"
        );
    }

    #[test]
    fn partial_overlap_scores_low_and_lists_what_is_missing() {
        let m = Matcher::new(&list(&[
            "KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL",
            "GLOBAL TRADING GROUP",
        ]));
        let (_, s, why) = best(&m, "Arsenal Semiconductors").unwrap();
        assert!(s < 0.8, "{s}");
        assert!(why.contains(&"listed word `krasnoznamensk` is missing".to_string()));
        assert!(m.screen("Acme Widgets", 0.5).is_empty());
        assert!(m.screen("Ltd.", 0.0).is_empty() || m.screen("Ltd.", 0.9).is_empty());
    }

    #[test]
    fn spacing_differences_are_found() {
        let m = Matcher::new(&list(&["TAICHUNG PRECISION"]));
        let (_, s, why) = best(&m, "Tai Chung Precision").unwrap();
        assert_eq!(s, SPACING_SCORE);
        assert!(why[0].starts_with("same letters, different spacing"));
    }

    #[test]
    fn rare_shared_words_weigh_more_than_common_ones() {
        let m = Matcher::new(&list(&[
            "ALPHA TRADING",
            "BETA TRADING",
            "GAMMA TRADING",
            "DELTA TRADING",
            "ZETONIX TRADING",
        ]));
        // Sharing the rare word scores higher than sharing the common one.
        let rare = m.score(
            &names::split("Zetonix Logistics"),
            &names::split("ZETONIX TRADING"),
        );
        let common = m.score(
            &names::split("Omega Trading"),
            &names::split("ALPHA TRADING"),
        );
        assert!(rare.0 > common.0, "{} vs {}", rare.0, common.0);
    }
}
