//! The "did you mean" suggestions for unknown ids, with their budget, and counting
//! diagnostics. Split from `ingest/mod.rs`: other commands (import, screen) use these too,
//! without loading a dataset.

use super::*;

/// How many id comparisons the "did you mean" searches of one load may make in all.
pub const SUGGESTION_BUDGET: usize = 500_000;

/// Ids longer than this (in bytes) are neither given nor used as suggestions: the similarity
/// takes time quadratic in the length, and a typo is found in short ids.
pub const MAX_SUGGESTED_ID: usize = 100;

/// The known id closest to `text`, if one is close enough to be a likely typo.
/// The "did you mean" hint of an error about the unknown `text`, from the closest of `known`
/// ([`suggest`]); empty when none is close. The one wording for every unknown reference.
pub fn did_you_mean<'a>(text: &str, known: impl Iterator<Item = &'a String>) -> String {
    hint(text, suggest(text, known))
}

/// The "did you mean" hint for a suggestion already found, noting when only the case differs.
pub fn hint(text: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) if s.eq_ignore_ascii_case(text) => {
            format!("; did you mean `{s}`? ids are case-sensitive")
        }
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

pub fn suggest<'a>(text: &str, known: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    if text.len() > MAX_SUGGESTED_ID {
        return None;
    }
    let lower = text.to_lowercase();
    known
        .filter(|k| k.len() <= MAX_SUGGESTED_ID)
        .map(|k| (strsim::jaro_winkler(&lower, &k.to_lowercase()), k))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k.as_str())
}

/// Counts diagnostics of one severity.
pub fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}
