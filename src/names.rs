//! Normalising party names so that spelling variants of one name compare equal.

/// Legal-form words dropped from names before they are compared.
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

/// Lower-cases, folds punctuation to spaces, and drops legal-form words:
/// `"Semiconductor Manufacturing International Corp."` and
/// `"SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION"` both become
/// `"semiconductor manufacturing international"`.
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
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !LEGAL_SUFFIXES.contains(&w.as_str()))
        .cloned()
        .collect();
    // A name made only of legal words ("AS") keeps them.
    if kept.is_empty() { words } else { kept }
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
    fn name_of_only_legal_words_is_kept() {
        assert_eq!(normalize("A.S."), "a s");
        assert_eq!(normalize("AS"), "as");
    }
}
