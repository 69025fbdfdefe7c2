//! Normalising party names so that spelling variants of one name compare equal.
//!
//! A name becomes a list of words in four steps:
//!
//! 1. **Transliteration** to ASCII with the `deunicode` crate: accents go (`Société` →
//!    `Societe`), ligatures and special letters are spelt out (`ß` → `ss`, `Ø` → `O`), and
//!    other scripts are romanised (`ООО Ромашка` → `OOO Romashka`), so that a name typed
//!    with accents or in Cyrillic meets its ASCII listing.
//! 2. **Case and punctuation**: lower case; apostrophes are dropped inside words
//!    (`McDonald's` → `mcdonalds`); `&` reads as `and`; every other character that is not a
//!    letter or digit separates words (`S.A.` → `s a`, `ALMAZ-ANTEY` → `almaz antey`).
//! 3. **Legal forms** at the ends of the name are dropped: [`LEGAL_SUFFIXES`] at the end
//!    (`Co., Ltd.`, `LLC`, `GmbH`, `S. de R.L. de C.V.`, `Limited Sirketi`, ...) and the few
//!    forms that are written first, [`LEGAL_PREFIXES`], at the start (`OOO`, `JSC`,
//!    `Limited Liability Company`, `Aktsionernoe Obshchestvo`, `The`, ...). Forms made of
//!    several words are matched as a whole and the longest form wins; stripping repeats, so
//!    `Trading Co. L.L.C.` loses both. A legal word inside a name is part of it.
//! 4. A name made only of legal words (`AS`) keeps them all.
//!
//! This module holds the one list of legal forms, which both the restricted-party match of the
//! analysis ([`normalize`]) and the screening matcher use: [`is_legal_word`] is derived from
//! it. For matching, it also knows the common abbreviations of company-name words
//! ([`canonical`]: `intl` and `int'l` are `international`) and the words that qualify a name
//! without naming a different party ([`is_qualifier`]: branch, division, office, and places).

use std::collections::HashSet;
use std::sync::LazyLock;

/// Legal forms dropped from the end of a name, as normalised words. Multi-word forms are
/// matched as a sequence.
pub const LEGAL_SUFFIXES: &[&str] = &[
    "co",
    "company",
    "co ltd",
    "co limited",
    "company limited",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "ltda",
    "llc",
    "l l c",
    "llp",
    "l l p",
    "lp",
    "plc",
    "pllc",
    "gmbh",
    "mbh",
    "kg",
    "gmbh co kg",
    "ag",
    "sa",
    "s a",
    "sas",
    "s a s",
    "sal",
    "s a l",
    "sarl",
    "s a r l",
    "sa de cv",
    "s a de c v",
    "s de rl",
    "s de r l",
    "s de rl de cv",
    "s de r l de c v",
    "sociedad anonima",
    "nv",
    "n v",
    "bv",
    "b v",
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
    "pte ltd",
    "pvt",
    "pvt ltd",
    "private limited",
    "srl",
    "s r l",
    "spa",
    "s p a",
    "sro",
    "s r o",
    "sp z o o",
    "doo",
    "d o o",
    "kft",
    "ab",
    "as",
    "a s",
    "oy",
    "se",
    "fze",
    "fzco",
    "fz llc",
    "fzc",
    "sdn bhd",
    "bhd",
    "tbk",
    "limited sirketi",
    "anonim sirketi",
    "ltd sti",
    "joint stock company",
    "open joint stock company",
    "closed joint stock company",
    "public joint stock company",
    "limited liability company",
    "obshchestvo s ogranichennoi otvetstvennostyu",
    "obshchestvo s ogranichennoy otvetstvennostyu",
    "aktsionernoe obshchestvo",
    "otkrytoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo",
    "publichnoe aktsionernoe obshchestvo",
    "obschestvo s ogranichennoy otvetstvennostyu",
];

/// Legal forms that are also written before the name (`OOO Romashka`, `Joint Stock Company
/// X`, `The Y`), dropped from the start.
pub const LEGAL_PREFIXES: &[&str] = &[
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "ooo",
    "zao",
    "oao",
    "pao",
    "ao",
    "tov",
    "llc",
    "pt",
    "the",
    "joint stock company",
    "open joint stock company",
    "closed joint stock company",
    "public joint stock company",
    "limited liability company",
    "obshchestvo s ogranichennoi otvetstvennostyu",
    "obshchestvo s ogranichennoy otvetstvennostyu",
    "aktsionernoe obshchestvo",
    "otkrytoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo",
    "publichnoe aktsionernoe obshchestvo",
    "federal state unitary enterprise",
    "obschestvo s ogranichennoy otvetstvennostyu",
];

/// Words of the legal forms above that are ordinary words too (`Open Systems`, `Public
/// Bank`, `State Grid`): they are not legal words when met inside a name.
const ORDINARY_WORDS: &[&str] = &[
    "open",
    "closed",
    "public",
    "private",
    "federal",
    "state",
    "unitary",
    "enterprise",
    "the",
    "de",
    "of",
    "and",
];

/// Every word of a legal form (above), but the ordinary words and single letters: `ltd`,
/// `llc`, `gmbh`, `joint`, `stock`, `liability`, `obshchestvo`, `sirketi`, ... A legal word
/// inside a name says what kind of company a party is, not which one.
pub fn is_legal_word(word: &str) -> bool {
    static WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        LEGAL_SUFFIXES
            .iter()
            .chain(LEGAL_PREFIXES)
            .flat_map(|form| form.split(' '))
            .filter(|w| w.len() > 1 && !ORDINARY_WORDS.contains(w))
            .collect()
    });
    WORDS.contains(word)
}

/// Abbreviations of company-name words and the word each stands for, as normalised words
/// (`Int'l` normalises to `intl`).
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("mfg", "manufacturing"),
    ("mfrs", "manufacturers"),
    ("mfr", "manufacturer"),
    ("tech", "technology"),
    ("techs", "technologies"),
    ("technol", "technology"),
    ("grp", "group"),
    ("hldg", "holding"),
    ("hldgs", "holdings"),
    ("inst", "institute"),
    ("engg", "engineering"),
    ("eng", "engineering"),
    ("engr", "engineering"),
    ("inds", "industries"),
    ("ind", "industries"),
    ("indl", "industrial"),
    ("indus", "industries"),
    ("elec", "electronics"),
    ("electr", "electronics"),
    ("trdg", "trading"),
    ("dev", "development"),
    ("devt", "development"),
    ("sci", "scientific"),
    ("res", "research"),
    ("pharm", "pharmaceutical"),
    ("pharma", "pharmaceutical"),
    ("pharmaceuticals", "pharmaceutical"),
    ("chem", "chemical"),
    ("natl", "national"),
    ("assn", "association"),
    ("assoc", "association"),
    ("mgmt", "management"),
    ("svc", "services"),
    ("svcs", "services"),
    ("co", "company"),
    ("corp", "corporation"),
    ("ltd", "limited"),
    ("bros", "brothers"),
    ("univ", "university"),
    ("dept", "department"),
];

/// The word an abbreviation stands for, or the word itself: `intl` -> `international`.
pub fn canonical(word: &str) -> &str {
    static MAP: LazyLock<std::collections::HashMap<&'static str, &'static str>> =
        LazyLock::new(|| ABBREVIATIONS.iter().copied().collect());
    MAP.get(word).copied().unwrap_or(word)
}

/// Words that place or qualify a party without naming another one: a branch, division or
/// office, or a country or city (`Siberian Branch`, `St. Petersburg Branch`, `(Jiangyin)`,
/// `Hong Kong`). A name with such a word added or dropped is the same party's name, or its
/// branch's.
const QUALIFIER_WORDS: &[&str] = &[
    "branch",
    "branches",
    "division",
    "office",
    "representative",
    "filial",
    "affiliate",
    "subsidiary",
    "siberian",
    "russian",
    "chinese",
    "iranian",
    "korean",
    "syrian",
    "st",
    "saint",
    "petersburg",
    "moscow",
    "novosibirsk",
    "beijing",
    "shanghai",
    "shenzhen",
    "guangzhou",
    "tianjin",
    "wuhan",
    "chengdu",
    "jiangyin",
    "suzhou",
    "hangzhou",
    "xiamen",
    "dongguan",
    "ningbo",
    "qingdao",
    "hong",
    "kong",
    "hk",
    "macau",
    "taipei",
    "dubai",
    "sharjah",
    "tehran",
    "damascus",
    "beirut",
    "istanbul",
    "minsk",
    "singapore",
    "kuala",
    "lumpur",
    "mumbai",
    "delhi",
    "london",
    "caracas",
    "pyongyang",
    "china",
    "russia",
    "iran",
    "korea",
    "syria",
    "turkey",
    "india",
    "uae",
    "emirates",
    "armenia",
    "belarus",
    "kazakhstan",
    "uzbekistan",
    "kyrgyzstan",
    "cyprus",
    "malaysia",
    "thailand",
    "vietnam",
    "venezuela",
    "cuba",
    "lebanon",
    "iraq",
    "germany",
    "italy",
    "france",
    "japan",
    "taiwan",
];

/// Whether `word` (normalised) places or qualifies a party without naming another one: a
/// branch, division or office, or a country or city (`branch`, `hong`, `japan`). A name with
/// such a word added or dropped is the same party's name, or its branch's.
pub fn is_qualifier(word: &str) -> bool {
    QUALIFIER_WORDS.contains(&word)
}

/// A name split into the words compared and the legal forms dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// The normalised words, legal forms dropped, in order.
    pub words: Vec<String>,
    /// The legal forms dropped, each as normalised words (`"co ltd"`), start first.
    pub dropped: Vec<String>,
}

/// Lower-cases, transliterates, folds punctuation to spaces, and drops legal forms at the
/// ends: `"Semiconductor Manufacturing International Corp."` and
/// `"SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION"` both become
/// `"semiconductor manufacturing international"`. A legal word inside a name is part of it:
/// `"SE Asia Components"` is not `"Asia Components Ltd"`.
pub fn normalize(name: &str) -> String {
    tokens(name).join(" ")
}

/// The normalised words of a name, in order, legal forms dropped.
pub fn tokens(name: &str) -> Vec<String> {
    split(name).words
}

/// The normalised words of a name before legal forms are dropped.
pub fn words(name: &str) -> Vec<String> {
    marked_words(name).into_iter().map(|(w, _)| w).collect()
}

/// The normalised words of a name, each with whether it stood in brackets (`(Jiangyin)`,
/// `[HK]`): a bracketed word qualifies the name.
pub fn marked_words(name: &str) -> Vec<(String, bool)> {
    let ascii = deunicode::deunicode_with_tofu(name, " ");
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut word = String::new();
    let mut depth = 0usize;
    let flush = |word: &mut String, depth: usize, out: &mut Vec<(String, bool)>| {
        if !word.is_empty() {
            out.push((std::mem::take(word), depth > 0));
        }
    };
    for c in ascii.chars() {
        match c {
            '\'' | '`' | '\u{2019}' => {} // inside a word: McDonald's -> mcdonalds
            '&' => {
                flush(&mut word, depth, &mut out);
                out.push(("and".to_string(), depth > 0));
            }
            '(' | '[' => {
                flush(&mut word, depth, &mut out);
                depth += 1;
            }
            ')' | ']' => {
                flush(&mut word, depth, &mut out);
                depth = depth.saturating_sub(1);
            }
            c if c.is_ascii_alphanumeric() => word.push(c.to_ascii_lowercase()),
            _ => flush(&mut word, depth, &mut out),
        }
    }
    flush(&mut word, depth, &mut out);
    out
}

/// The words of a name and the legal forms dropped from its ends.
pub fn split(name: &str) -> Split {
    split_marked(name).0
}

/// [`split`], with whether each kept word stood in brackets.
pub fn split_marked(name: &str) -> (Split, Vec<bool>) {
    let marked = marked_words(name);
    let words: Vec<String> = marked.iter().map(|(w, _)| w.clone()).collect();
    let mut start = 0;
    let mut end = words.len();
    let mut front = Vec::new();
    let mut back = Vec::new();
    while let Some(n) = longest_form(&PREFIX_FORMS, &words[start..end], true) {
        front.push(words[start..start + n].join(" "));
        start += n;
    }
    while let Some(n) = longest_form(&SUFFIX_FORMS, &words[start..end], false) {
        back.push(words[end - n..end].join(" "));
        end -= n;
    }
    // A name made only of legal words ("AS") keeps them.
    if start >= end {
        let marks = marked.iter().map(|(_, m)| *m).collect();
        return (
            Split {
                words,
                dropped: Vec::new(),
            },
            marks,
        );
    }
    back.reverse();
    front.extend(back);
    let marks = marked[start..end].iter().map(|(_, m)| *m).collect();
    (
        Split {
            words: words[start..end].to_vec(),
            dropped: front,
        },
        marks,
    )
}

/// The legal forms split into words once, not once per name.
static PREFIX_FORMS: LazyLock<Vec<Vec<&'static str>>> =
    LazyLock::new(|| split_forms(LEGAL_PREFIXES));
static SUFFIX_FORMS: LazyLock<Vec<Vec<&'static str>>> =
    LazyLock::new(|| split_forms(LEGAL_SUFFIXES));

fn split_forms(forms: &[&'static str]) -> Vec<Vec<&'static str>> {
    forms.iter().map(|form| form.split(' ').collect()).collect()
}

/// The length in words of the longest form of `forms` at the start (or end) of `words`.
fn longest_form(forms: &[Vec<&str>], words: &[String], at_start: bool) -> Option<usize> {
    forms
        .iter()
        .filter(|form| {
            let n = form.len();
            n <= words.len() && {
                let part = if at_start {
                    &words[..n]
                } else {
                    &words[words.len() - n..]
                };
                part.iter().zip(form.iter()).all(|(w, f)| w == f)
            }
        })
        .map(Vec::len)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_suffixes_case_and_punctuation_do_not_matter() {
        assert_eq!(
            normalize("Semiconductor Manufacturing International Corp."),
            normalize("SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION")
        );
        assert_eq!(normalize("Acme, Ltd"), "acme");
        assert_ne!(normalize("Acme Chips"), normalize("Acme"));
    }

    #[test]
    fn legal_words_inside_a_name_are_kept() {
        assert_eq!(normalize("SE Asia Components"), "se asia components");
        assert_ne!(
            normalize("SE Asia Components"),
            normalize("Asia Components Ltd")
        );
        assert_eq!(normalize("Acme Co Holdings Co., Ltd."), "acme co holdings");
        assert_eq!(normalize("OOO Romashka"), normalize("Romashka LLC"));
        assert_eq!(normalize("PJSC Rostelecom"), "rostelecom");
    }

    #[test]
    fn name_of_only_legal_words_is_kept() {
        assert_eq!(normalize("A.S."), "a s");
        assert_eq!(normalize("AS"), "as");
    }

    #[test]
    fn accents_and_other_scripts_are_transliterated() {
        assert_eq!(normalize("Société Générale S.A."), "societe generale");
        assert_eq!(normalize("Müller-Lüdenscheid GmbH"), "muller ludenscheid");
        assert_eq!(normalize("Straße AG"), "strasse");
        assert_eq!(normalize("ООО Ромашка"), normalize("Romashka LLC"));
        assert_eq!(normalize("ČEZ, a. s."), "cez");
    }

    #[test]
    fn punctuation_apostrophes_and_ampersands() {
        assert_eq!(normalize("McDonald's Corp."), "mcdonalds");
        assert_eq!(normalize("H & H METALFORM GMBH"), "h and h metalform");
        assert_eq!(normalize("H and H Metalform"), "h and h metalform");
        assert_eq!(
            normalize("JSC \"Concern Almaz-Antey\""),
            "concern almaz antey"
        );
        assert_eq!(normalize("  Acme\tChips , Inc. "), "acme chips");
    }

    #[test]
    fn multi_word_legal_forms_at_either_end() {
        assert_eq!(
            normalize("ILC EXPORTACIONES, S. DE R.L. DE C.V."),
            "ilc exportaciones"
        );
        assert_eq!(
            normalize("JOINT STOCK COMPANY KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL"),
            "krasnoznamensk semiconductors factory arsenal"
        );
        assert_eq!(
            normalize("THE LIMITED LIABILITY COMPANY INVESTMENT COMPANY ABROS"),
            "investment company abros"
        );
        assert_eq!(normalize("MABROOKA TRADING CO L.L.C."), "mabrooka trading");
        assert_eq!(
            normalize("SMART ITHALAT IHRACAT DIS TICARET LIMITED SIRKETI"),
            "smart ithalat ihracat dis ticaret"
        );
        assert_eq!(
            normalize("AKTSIONERNOE OBSHCHESTVO SG-DEVELOPMENT"),
            "sg development"
        );
    }

    #[test]
    fn one_legal_word_list_abbreviations_and_qualifiers() {
        for w in [
            "ltd",
            "llc",
            "gmbh",
            "joint",
            "stock",
            "liability",
            "obshchestvo",
            "sirketi",
        ] {
            assert!(is_legal_word(w), "{w}");
        }
        for w in [
            "open",
            "public",
            "state",
            "enterprise",
            "semiconductor",
            "s",
        ] {
            assert!(!is_legal_word(w), "{w}");
        }
        assert_eq!(canonical("intl"), "international");
        assert_eq!(canonical(&words("Int'l")[0]), "international");
        assert_eq!(canonical("mfg"), "manufacturing");
        assert_eq!(canonical("semiconductor"), "semiconductor");
        assert!(is_qualifier("branch") && is_qualifier("jiangyin") && !is_qualifier("rzhanov"));
        let (s, marks) = split_marked("SJ Semiconductor (Jiangyin) Corp.");
        assert_eq!(s.words, ["sj", "semiconductor", "jiangyin"]);
        assert_eq!(marks, [false, false, true]);
    }

    #[test]
    fn split_reports_the_forms_it_dropped() {
        let s = split("OOO Gazprom Vniigaz Co., Ltd.");
        assert_eq!(s.words, ["gazprom", "vniigaz"]);
        assert_eq!(s.dropped, ["ooo", "co ltd"]);
        assert!(split("AS").dropped.is_empty());
    }
}
