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
];

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
    let ascii = deunicode::deunicode_with_tofu(name, " ");
    let mut folded = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        match c {
            '\'' | '`' | '\u{2019}' => {} // inside a word: McDonald's -> mcdonalds
            '&' => folded.push_str(" and "),
            c if c.is_ascii_alphanumeric() => folded.push(c.to_ascii_lowercase()),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_string).collect()
}

/// The words of a name and the legal forms dropped from its ends.
pub fn split(name: &str) -> Split {
    let words = words(name);
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
        return Split {
            words,
            dropped: Vec::new(),
        };
    }
    back.reverse();
    front.extend(back);
    Split {
        words: words[start..end].to_vec(),
        dropped: front,
    }
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
    fn split_reports_the_forms_it_dropped() {
        let s = split("OOO Gazprom Vniigaz Co., Ltd.");
        assert_eq!(s.words, ["gazprom", "vniigaz"]);
        assert_eq!(s.dropped, ["ooo", "co ltd"]);
        assert!(split("AS").dropped.is_empty());
    }
}
