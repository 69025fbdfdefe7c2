//! Fuzzy name matching against restricted-party lists, with a score and a reason.
//!
//! **Normalisation.** Both names go through [`crate::names::split_marked`]: transliterated
//! to ASCII (accents, other scripts), lower-cased, punctuation folded, legal forms at the
//! ends dropped (`Co., Ltd.`, `LLC`, `GmbH`, `JSC`, `OOO`, ...), and each word is read as the
//! word it abbreviates ([`crate::names::canonical`]: `Intl`, `Int'l` -> `international`,
//! `Mfg`, `Tech`, `Corp`, `Grp`, `Hldg`, `Inst`, `Co`, `Engg`, ...).
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
//! - `sim(a, b)` ([`word_similarity`]) is 1 for equal words. Words spelt alike once common
//!   transliteration variants are folded (`kh`/`h`, `ph`/`f`, `w`/`v`, `y`/`i`, `ou`/`u`,
//!   double letters, ...: `Kharg`/`Harg`, `Rim`/`Reem`) score [`TRANSLITERATION`]. Other words
//!   of four letters or more, without digits, score the mean of their Jaro-Winkler
//!   similarity (which rewards a shared beginning) and their normalised Levenshtein
//!   similarity (which counts edits), when that is at least [`WORD_SIMILARITY`]; a word of
//!   five letters or more that begins the other scores at least [`ABBREVIATION`]. Any other
//!   pair scores 0: words with digits (`7th`, `2000`) must be equal. Jaro-Winkler alone would
//!   pair unrelated words that begin alike (`entegris` / `energies` 0.90); the mean does not
//!   (0.76).
//! - Words are paired one to one, most similar first (greedy).
//! - `w(t) = ln(1 + N / (1 + df(t)))` is the word's rarity (inverse document frequency) over
//!   the N names indexed: a shared rare word (`krasnoznamensk`) says more than a shared common
//!   one (`trading`, `international`), and an unshared common word costs less. Legal-form
//!   words left inside a name or misspelt (`co`, `limited`, `coporation`, `liabiliy`), single
//!   letters and a few stop words (`and`, `of`, `de`, ...) weigh [`NOISE_WEIGHT`]: they say
//!   almost nothing about who a party is. A word that only places or qualifies the party
//!   ([`crate::names::is_qualifier`]: branch, division, office, a city or country, or any
//!   word in brackets) weighs at most [`QUALIFIER_WEIGHT`] when the other name lacks it:
//!   `Target Electronics St. Petersburg Branch` is still `TARGET ELECTRONICS`.
//! - Names whose words differ but whose letters are the same without spaces (`Tai Chung` /
//!   `Taichung`) score [`SPACING_SCORE`].
//!
//! **Containment.** A vendor that writes a listed name shorter or longer is the costly miss.
//! When every distinctive word (not legal, stop or qualifier) of the candidate is paired with
//! a word of the listed name and the paired words carry at least [`CONTAINMENT_SHARE`] of the
//! listed name's weight, the match is reported whatever its score, with the reason `all words
//! of the candidate are in the listed name` (so `Rzhanov Institute of Semiconductor Physics`
//! meets `RZHANOV INSTITUTE OF SEMICONDUCTOR PHYSICS SIBERIAN BRANCH OF RUSSIAN ACADEMY OF
//! SCIENCES`); the same the other way round (`all words of the listed name are in the
//! candidate's name`: `SJ Semiconductor (Jiangyin) Corp.` meets `SJ SEMICONDUCTOR`). A word
//! is *in* the other name when it is there as written, abbreviated, transliterated, or nearly
//! (similarity at least [`PRESENT`]: `semiconductors`), not when it only looks alike
//! (`Zenith`/`Zenit`, `Horizon`/`Horizont`); single letters count (`C&I`); and the shared words must include a rare
//! one ([`Matcher::is_rare`]): names that share only common words (`Advanced Technologies`)
//! are left to the score. A containment match is at least REVIEW; it blocks only when its
//! score reaches the block threshold.
//!
//! Equal names score 1, names with no word in common 0. Every hit says why it matched:
//! `exact after normalisation`, `all words match, different order`, the containment rule, or
//! the word pairs (`word `semiconductors` ~ `semiconductor` 0.99`) and the words left over.
//!
//! **Index.** Every organisation's primary name and aliases are indexed word -> names (an
//! inverted index), and the vocabulary by its transliteration skeletons with one letter
//! deleted (so a word within about two edits of a listed word is found whatever letters it
//! begins with). A candidate accumulates, per listed name, an upper bound of its matched
//! weight from the postings of its words and their similar words; only names whose bound can
//! reach the threshold are scored, or [`SCORE_FLOOR`] for names that share a rare word with
//! it (only those can match by containment, and no containment match scores below it). A
//! name of common words reads long postings lists but scores few names: 1,000 such
//! candidates against a 1M-name list take well under a minute (`benches/README.md`).

mod pairing;
mod words;

pub use words::{is_noise, skeleton, word_similarity};

use super::lists::{PartyList, PartyType};
use crate::names::{self, Split};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use pairing::{Pairing, reasons, same_words, unpaired_weight};
use words::{deletions, has_digit, word_weight};

/// The least similarity for two different words to count as similar.
pub const WORD_SIMILARITY: f64 = 0.8;
/// The similarity of a word and a longer word it begins (an abbreviation).
pub const ABBREVIATION: f64 = 0.9;
/// The similarity of two words spelt alike but for transliteration (`kharg` / `harg`).
pub const TRANSLITERATION: f64 = 0.92;
/// The least similarity for a word to count as *in* the other name for containment (besides
/// equal words, abbreviations and transliterations): a plural or a one-letter slip in a long
/// word (`semiconductors`), not a different word that looks alike (`horizont`, 0.93).
pub const PRESENT: f64 = 0.95;
/// The weight of a legal-form word, a single letter or a stop word.
pub const NOISE_WEIGHT: f64 = 0.2;
/// The most an unpaired qualifier word (branch, city, a bracketed word) weighs.
pub const QUALIFIER_WEIGHT: f64 = 1.0;
/// The share of the other name's weight the paired words must carry for a containment match.
pub const CONTAINMENT_SHARE: f64 = 0.5;
/// The score of names that differ only in where the spaces are.
pub const SPACING_SCORE: f64 = 0.98;
/// No match scores below this (a containment match carries at least half the weight of one
/// name, which keeps its score above it); names that cannot reach it are not scored.
pub const SCORE_FLOOR: f64 = 0.3;

/// A name ready to compare: its words as compared (abbreviations expanded), as written
/// (normalised), which qualify it, and their transliteration skeletons.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub words: Vec<String>,
    pub written: Vec<String>,
    pub qualifier: Vec<bool>,
    skeleton: Vec<String>,
    dropped: Vec<String>,
    joined: String,
}

impl Prepared {
    pub fn new(name: &str) -> Prepared {
        let (split, marks) = names::split_marked(name);
        let words: Vec<String> = split
            .words
            .iter()
            .map(|w| names::canonical(w).to_string())
            .collect();
        let qualifier = words
            .iter()
            .zip(&marks)
            .map(|(w, &m)| (m || names::is_qualifier(w)) && !is_noise(w))
            .collect();
        Prepared {
            skeleton: words.iter().map(|w| skeleton(w)).collect(),
            joined: split.words.concat(),
            qualifier,
            written: split.words,
            dropped: split.dropped,
            words,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// One indexed name: a listed party's primary name or one of its aliases.
#[derive(Debug, Clone)]
struct Indexed {
    list: u32,
    entry: u32,
    /// The alias's index in the entry, `None` for the primary name.
    alias: Option<u32>,
    p: Prepared,
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
    /// Set when the containment rule made the match (see the module docs).
    pub containment: Option<Containment>,
    pub why: Vec<String>,
}

/// Which name holds the other's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Containment {
    /// All words of the candidate are in the listed name.
    CandidateInListed,
    /// All words of the listed name are in the candidate's.
    ListedInCandidate,
}

impl Containment {
    pub fn reason(self) -> &'static str {
        match self {
            Containment::CandidateInListed => "all words of the candidate are in the listed name",
            Containment::ListedInCandidate => {
                "all words of the listed name are in the candidate's name"
            }
        }
    }
}

/// Per listed name, an upper bound of its matched weight and whether a shared word is rare
/// (only then can the containment rule make a match below the threshold); one per thread,
/// reset after each query by the names it touched.
#[derive(Default)]
struct Accumulator {
    bound: Vec<f64>,
    rare: Vec<bool>,
    touched: Vec<u32>,
}

impl Accumulator {
    fn reset(&mut self, n: usize) {
        for &i in &self.touched {
            self.bound[i as usize] = 0.0;
            self.rare[i as usize] = false;
        }
        self.touched.clear();
        if self.bound.len() < n {
            self.bound.resize(n, 0.0);
            self.rare.resize(n, false);
        }
    }

    fn add(&mut self, names: &[u32], add: f64, rare: bool) {
        for &i in names {
            let b = &mut self.bound[i as usize];
            if *b == 0.0 {
                self.touched.push(i);
            }
            *b += add;
            self.rare[i as usize] |= rare;
        }
    }
}

thread_local! {
    static ACCUMULATOR: std::cell::RefCell<Accumulator> = std::cell::RefCell::new(Accumulator::default());
}

/// An index over the organisations of some lists.
pub struct Matcher {
    names: Vec<Indexed>,
    /// Word -> its id.
    vocab: HashMap<String, u32>,
    words: Vec<String>,
    /// Word id -> the names holding it.
    postings: Vec<Vec<u32>>,
    /// Word id -> its weight.
    weights: Vec<f64>,
    /// Skeleton and its one-letter deletions -> word ids (words of four letters or more).
    similar: HashMap<String, Vec<u32>>,
    joined: HashMap<String, Vec<u32>>,
    /// Per name, the least its words can weigh (unpaired qualifiers at their least): read
    /// for every name a query touches, so kept apart from the names for the cache.
    least: Vec<f64>,
    /// Names indexed, for the word weights.
    n: usize,
    rare_weight: f64,
}

impl Matcher {
    /// Indexes the organisations of `lists` (individuals, vessels and aircraft are left out:
    /// candidates are firms). O(total words × word length).
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
                    let p = Prepared::new(name);
                    if p.is_empty() {
                        continue;
                    }
                    names.push(Indexed {
                        list: l as u32,
                        entry: e as u32,
                        alias,
                        p,
                    });
                }
            }
        }
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut joined: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, x) in names.iter().enumerate() {
            let mut seen: HashSet<&str> = HashSet::new();
            for w in &x.p.words {
                if !seen.insert(w.as_str()) {
                    continue;
                }
                let id = *vocab.entry(w.clone()).or_insert_with(|| {
                    words.push(w.clone());
                    postings.push(Vec::new());
                    (words.len() - 1) as u32
                });
                postings[id as usize].push(i as u32);
            }
            joined.entry(x.p.joined.clone()).or_default().push(i as u32);
        }
        let n = names.len();
        let weights: Vec<f64> = words
            .iter()
            .zip(&postings)
            .map(|(w, p)| word_weight(w, p.len(), n))
            .collect();
        let mut similar: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, w) in words.iter().enumerate() {
            if w.len() < 4 || has_digit(w) {
                continue;
            }
            for key in deletions(&skeleton(w)) {
                similar.entry(key).or_default().push(id as u32);
            }
        }
        let rare_df = (n / 500).max(5);
        let mut m = Matcher {
            names,
            vocab,
            words,
            postings,
            weights,
            similar,
            joined,
            least: Vec::new(),
            n,
            rare_weight: (1.0 + n as f64 / (1.0 + rare_df as f64)).ln(),
        };
        m.least = m
            .names
            .iter()
            .map(|x| (0..x.p.words.len()).map(|k| m.least_weight(&x.p, k)).sum())
            .collect();
        m
    }

    /// How many names (primary names and aliases) are indexed.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The weight of a word (as compared, abbreviations expanded): its rarity among the
    /// indexed names, or [`NOISE_WEIGHT`] for a legal-form word (spelt right or nearly), a
    /// single letter or a stop word.
    pub fn weight(&self, word: &str) -> f64 {
        match self.vocab.get(word) {
            Some(&id) => self.weights[id as usize],
            None => word_weight(word, 0, self.n),
        }
    }

    /// A rare word: found in at most max(5, N / 500) of the N names indexed.
    pub fn is_rare(&self, word: &str) -> bool {
        !is_noise(word) && self.weight(word) >= self.rare_weight - crate::analysis::HAIR
    }

    /// The least word `k` of `p` weighs: a qualifier may weigh [`QUALIFIER_WEIGHT`] unpaired.
    fn least_weight(&self, p: &Prepared, k: usize) -> f64 {
        let w = self.weight(&p.words[k]);
        if p.qualifier[k] {
            w.min(QUALIFIER_WEIGHT)
        } else {
            w
        }
    }

    /// Every listed organisation whose name or alias scores at least `threshold` against
    /// `name`, or holds it or is held by it (containment): the best-scoring name per entry,
    /// best entries first.
    pub fn screen(&self, name: &str, threshold: f64) -> Vec<Hit> {
        let query = Prepared::new(name);
        if query.is_empty() {
            return Vec::new();
        }
        let mut order = self.candidates(&query, threshold);
        if let Some(p) = self.joined.get(&query.joined) {
            order.extend(p);
        }
        order.sort_unstable();
        order.dedup();
        self.best_hits(&query, order, threshold)
    }

    /// The listed names that may score at least `threshold` against `query` (or match it by
    /// containment), by an upper bound of their matched weight.
    fn candidates(&self, query: &Prepared, threshold: f64) -> Vec<u32> {
        let qw: Vec<f64> = query.words.iter().map(|w| self.weight(w)).collect();
        let q_least: f64 = (0..query.words.len())
            .map(|k| self.least_weight(query, k))
            .sum();
        // An upper bound of the matched weight of each name sharing a word, or a similar one.
        // Per name: the bound, and whether a shared word is rare (only then can the
        // containment rule make a match below the threshold).
        ACCUMULATOR.with(|acc| {
            let mut acc = acc.borrow_mut();
            acc.reset(self.names.len());
            let slack = self.accumulate(&mut acc, query, &qw);
            acc.touched
                .iter()
                .copied()
                .filter(|&i| {
                    let (b, rare) = (acc.bound[i as usize], acc.rare[i as usize]);
                    let least = q_least + self.least[i as usize];
                    let floor = if rare {
                        SCORE_FLOOR.min(threshold)
                    } else {
                        threshold
                    };
                    least > 0.0 && (b + slack) / least >= floor - crate::analysis::HAIR
                })
                .collect()
        })
    }

    /// Adds to `acc` the weight each listed name could match of `query`'s words (`qw`: their
    /// weights), the same word or a similar one; returns what paired noise words may add.
    fn accumulate(&self, acc: &mut Accumulator, query: &Prepared, qw: &[f64]) -> f64 {
        let mut slack = 0.0;
        for (k, w) in query.words.iter().enumerate() {
            if is_noise(w) {
                // Paired noise words add at most this to any name.
                slack += 2.0 * NOISE_WEIGHT;
                continue;
            }
            if let Some(&id) = self.vocab.get(w) {
                let add = qw[k] + self.weights[id as usize];
                acc.add(&self.postings[id as usize], add, self.is_rare(w));
            }
            if w.len() < 4 || has_digit(w) {
                continue;
            }
            let mut near: HashSet<u32> = HashSet::new();
            for key in deletions(&query.skeleton[k]) {
                if let Some(ids) = self.similar.get(&key) {
                    near.extend(ids.iter().copied());
                }
            }
            for id in near {
                let v = &self.words[id as usize];
                if v == w {
                    continue;
                }
                let s = word_similarity(w, v);
                if s > 0.0 {
                    let add = s * (qw[k] + self.weights[id as usize]);
                    let rare = self.is_rare(w)
                        && (s >= PRESENT - crate::analysis::EPS
                            || query.skeleton[k] == skeleton(v));
                    acc.add(&self.postings[id as usize], add, rare);
                }
            }
        }
        slack
    }

    /// Scores the candidate names; keeps the best-scoring name per entry, best entries first.
    fn best_hits(&self, query: &Prepared, order: Vec<u32>, threshold: f64) -> Vec<Hit> {
        let mut best: HashMap<(u32, u32), Hit> = HashMap::new();
        for i in order {
            let x = &self.names[i as usize];
            let (score, mut containment, mut why) = self.compare(query, &x.p);
            if score + crate::analysis::HAIR >= threshold {
                if containment.take().is_some() {
                    // The score alone makes the match: the rule is not its reason.
                    why.remove(0);
                }
            } else if containment.is_none() {
                continue;
            }
            let hit = Hit {
                list: x.list as usize,
                entry: x.entry as usize,
                alias: x.alias.map(|a| a as usize),
                score,
                containment,
                why,
            };
            match best.get(&(x.list, x.entry)) {
                Some(old)
                    if (old.score, old.containment.is_some()) >= (score, containment.is_some()) => {
                }
                _ => {
                    best.insert((x.list, x.entry), hit);
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

    /// The score of two names and the reasons, as described in the module docs.
    pub fn score(&self, a: &Split, b: &Split) -> (f64, Vec<String>) {
        let pa = Prepared::new(&a.words.join(" "));
        let pb = Prepared::new(&b.words.join(" "));
        let (score, _, why) = self.compare(&pa, &pb);
        (score, why)
    }

    /// Score, containment and reasons of candidate `a` against listed name `b`.
    pub fn compare(&self, a: &Prepared, b: &Prepared) -> (f64, Option<Containment>, Vec<String>) {
        if let Some(same) = same_words(a, b) {
            return (1.0, None, vec![same]);
        }
        let wa: Vec<f64> = a.words.iter().map(|w| self.weight(w)).collect();
        let wb: Vec<f64> = b.words.iter().map(|w| self.weight(w)).collect();
        let pairing = Pairing::new(a, b, &wa, &wb);
        // Unpaired qualifiers weigh little.
        let total_a = unpaired_weight(&wa, &pairing.used_a, &a.qualifier);
        let total_b = unpaired_weight(&wb, &pairing.used_b, &b.qualifier);
        let total = total_a + total_b;
        let score = if total > 0.0 {
            pairing.matched / total
        } else {
            0.0
        };
        if a.joined == b.joined && score < SPACING_SCORE {
            return (
                SPACING_SCORE,
                None,
                vec![format!(
                    "same letters, different spacing (`{}` / `{}`)",
                    a.written.join(" "),
                    b.written.join(" ")
                )],
            );
        }
        // Containment asks that words be there, not only look alike: the same word, an
        // abbreviation, a transliteration or a plural.
        let mut here_a = vec![false; a.words.len()];
        let mut here_b = vec![false; b.words.len()];
        for &(s, i, j) in &pairing.chosen {
            if s >= PRESENT - crate::analysis::EPS || a.skeleton[i] == b.skeleton[j] {
                here_a[i] = true;
                here_b[j] = true;
            }
        }
        let containment = self.containment(a, b, &here_a, &here_b, &wa, &wb, (total_a, total_b));
        let why = reasons(a, b, pairing, containment);
        (score, containment, why)
    }

    /// The containment rule of the module docs.
    #[allow(clippy::too_many_arguments)]
    fn containment(
        &self,
        a: &Prepared,
        b: &Prepared,
        used_a: &[bool],
        used_b: &[bool],
        wa: &[f64],
        wb: &[f64],
        (total_a, total_b): (f64, f64),
    ) -> Option<Containment> {
        // A single letter is part of what a name is (`C&I Semiconductors`); legal forms, stop
        // words and qualifiers are not.
        let distinctive = |p: &Prepared, k: usize| {
            let w = &p.words[k];
            (w.len() == 1 || !is_noise(w)) && !p.qualifier[k]
        };
        // The words both names hold must include a rare one: names that share only common
        // words (`Advanced Technologies`) are left to the score.
        let rare = (0..a.words.len()).any(|i| used_a[i] && self.is_rare(&a.words[i]));
        if !rare {
            return None;
        }
        let all =
            |p: &Prepared, used: &[bool]| (0..p.words.len()).all(|k| used[k] || !distinctive(p, k));
        let share = |used: &[bool], w: &[f64], total: f64| {
            let s: f64 = (0..w.len()).filter(|&k| used[k]).map(|k| w[k]).sum();
            total > 0.0 && s / total >= CONTAINMENT_SHARE - crate::analysis::HAIR
        };
        let a_in_b = all(a, used_a) && share(used_b, wb, total_b);
        let b_in_a = all(b, used_b) && share(used_a, wa, total_a);
        // When both hold, the name with words left over holds the other.
        let a_has_more = used_a.iter().any(|u| !u);
        match (a_in_b, b_in_a) {
            (true, true) if a_has_more => Some(Containment::ListedInCandidate),
            (true, _) => Some(Containment::CandidateInListed),
            (false, true) => Some(Containment::ListedInCandidate),
            (false, false) => None,
        }
    }
}

#[cfg(test)]
mod tests;
