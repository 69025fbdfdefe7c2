//! Normalising party names so that spelling variants of one name compare equal.

/// Legal-form words dropped from the end of names before they are compared.
pub const LEGAL_SUFFIXES: &[&str] = &[
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "nv",
    "bv",
    "kk",
    "jsc",
    "pjsc",
    "ojsc",
    "ooo",
    "zao",
    "oao",
    "pte",
    "pvt",
    "srl",
    "spa",
    "ab",
    "as",
    "oy",
    "se",
];

/// Legal-form words that are also written before the name (`"OOO Romashka"`, `"PJSC X"`).
pub const LEGAL_PREFIXES: &[&str] = &["jsc", "pjsc", "ojsc", "ooo", "zao", "oao"];

/// Lower-cases, folds punctuation to spaces, and drops legal-form words at the end (and the
/// few written first, [`LEGAL_PREFIXES`], at the start):
/// `"Semiconductor Manufacturing International Corp."` and
/// `"SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION"` both become
/// `"semiconductor manufacturing international"`. A legal word inside a name is part of it:
/// `"SE Asia Components"` is not `"Asia Components Ltd"`.
pub fn normalize(name: &str) -> String {
    tokens(name).join(" ")
}

/// The normalised words of a name, in order.
pub fn tokens(name: &str) -> Vec<String> {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<String> = folded.split_whitespace().map(str::to_string).collect();
    let start = words
        .iter()
        .take_while(|w| LEGAL_PREFIXES.contains(&w.as_str()))
        .count();
    let end = words.len()
        - words[start..]
            .iter()
            .rev()
            .take_while(|w| LEGAL_SUFFIXES.contains(&w.as_str()))
            .count();
    // A name made only of legal words ("AS") keeps them.
    if start >= end {
        words
    } else {
        words[start..end].to_vec()
    }
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
}
