//! Which column is which field: `--map` first, then the best synonym.

use super::fold::{Folded, fold};
use super::synonyms::{AMOUNT_WORDS, synonyms};
use super::{FIELDS, Field};
use std::collections::BTreeMap;

/// How a column came to be a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// `--map FIELD=HEADER`.
    Mapped,
    /// Its header is this synonym.
    Synonym(String),
    /// Its header ends in this amount word.
    EndsWith(String),
}

/// Which column holds each field, and what was left.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Field -> (column, how it was found).
    pub columns: BTreeMap<Field, (usize, How)>,
    /// Columns that could have been a field but another column won: (field, column).
    pub passed_over: Vec<(Field, usize)>,
    /// Columns matched to no field.
    pub unrecognised: Vec<usize>,
    /// The share column is a percent column by its header.
    pub share_percent_header: bool,
}

impl Layout {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).map(|(c, _)| *c)
    }
}

/// A problem with the header row: (column or `None` for the row, message).
pub type HeaderProblem = (Option<usize>, String);

/// Tells each column's field from the header and the `--map` pairs.
pub fn layout(header: &[String], maps: &[(Field, String)]) -> Result<Layout, Vec<HeaderProblem>> {
    let folded: Vec<Folded> = header.iter().map(|h| fold(h)).collect();
    let mut claims = Claims {
        header,
        out: Layout::default(),
        taken: vec![false; header.len()],
        problems: Vec::new(),
    };
    for (field, wanted) in maps {
        claims.map(&folded, *field, wanted);
    }
    let mut candidates = claims.candidates(&folded);
    // Exact matches of a field's own name first, then by field order: a column goes to the
    // first field it fits best.
    candidates.sort_by_key(|(field, rank, c, _)| (*rank, *field, *c));
    claims.assign(&candidates);
    let Claims {
        mut out,
        mut problems,
        ..
    } = claims;
    for (field, _, c, _) in &candidates {
        if out.get(*field) != Some(*c) && !out.columns.values().any(|(x, _)| x == c) {
            out.passed_over.push((*field, *c));
        }
    }
    out.passed_over.sort();
    out.passed_over.dedup();
    out.unrecognised = (0..header.len())
        .filter(|c| !out.columns.values().any(|(x, _)| x == c))
        .collect();
    out.share_percent_header = out.get(Field::Share).is_some_and(|c| folded[c].percent);
    for field in Field::REQUIRED {
        if !out.columns.contains_key(&field) {
            problems.push((
                None,
                format!(
                    "no column names the {}: expected a header such as {} (or name one with --map {}=HEADER)",
                    field.name(),
                    synonyms(field)
                        .iter()
                        .skip(2)
                        .take(6)
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    field.name()
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A column that could be a field: (field, rank, column, how); rank orders exact synonyms
/// by their place in the list, then amount headers that end in an amount word.
type Candidate = (Field, usize, usize, How);

/// The columns claimed so far, and the problems met.
struct Claims<'a> {
    header: &'a [String],
    out: Layout,
    /// Columns already a field (or refused).
    taken: Vec<bool>,
    problems: Vec<HeaderProblem>,
}

impl Claims<'_> {
    /// `--map FIELD=HEADER`: the one column with that header.
    fn map(&mut self, folded: &[Folded], field: Field, wanted: &str) {
        let header = self.header;
        let key = fold(wanted);
        let hits: Vec<usize> = (0..header.len())
            .filter(|&c| header[c].trim() == wanted.trim() || folded[c] == key)
            .collect();
        match hits.as_slice() {
            [c] => {
                if let Some((other, _)) = self.out.columns.get(&field) {
                    self.problems.push((
                        Some(*c),
                        format!(
                            "--map names two columns for `{}`: `{}` and `{}` (expected one)",
                            field.name(),
                            header[*other],
                            header[*c]
                        ),
                    ));
                } else {
                    // A column may serve two fields when named so (a shipment table's
                    // destination country is the buyer and the buyer's country).
                    self.out.columns.insert(field, (*c, How::Mapped));
                    self.taken[*c] = true;
                }
            }
            [] => self.problems.push((
                None,
                format!(
                    "--map {}={wanted}: no column is headed `{wanted}` (the headers are: {})",
                    field.name(),
                    header
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            many => self.problems.push((
                Some(many[1]),
                format!(
                    "--map {}={wanted}: {} columns are headed that way (expected one; rename one of them)",
                    field.name(),
                    many.len()
                ),
            )),
        }
    }

    /// Every (field not mapped, column not taken) pair whose header fits.
    fn candidates(&self, folded: &[Folded]) -> Vec<Candidate> {
        let mut candidates: Vec<Candidate> = Vec::new();
        for info in FIELDS {
            if self.out.columns.contains_key(&info.field) {
                continue;
            }
            let syns = synonyms(info.field);
            for (c, f) in folded.iter().enumerate() {
                if self.taken[c] {
                    continue;
                }
                let share_by_percent =
                    info.field == Field::Share && f.percent && f.words.is_empty();
                if let Some(rank) = syns.iter().position(|s| *s == f.words) {
                    candidates.push((info.field, rank, c, How::Synonym(syns[rank].clone())));
                } else if share_by_percent {
                    candidates.push((info.field, syns.len(), c, How::Synonym("%".into())));
                } else if info.field == Field::Amount
                    && let Some(rank) = AMOUNT_WORDS
                        .iter()
                        .position(|w| f.words.ends_with(&format!(" {w}")))
                {
                    candidates.push((
                        info.field,
                        1000 + rank,
                        c,
                        How::EndsWith(AMOUNT_WORDS[rank].to_string()),
                    ));
                }
            }
        }
        candidates
    }

    /// Gives each field its best candidate, in order; two of the same rank are an error.
    fn assign(&mut self, candidates: &[Candidate]) {
        let header = self.header;
        for (field, rank, c, how) in candidates {
            if self.out.columns.contains_key(field) || self.taken[*c] {
                continue;
            }
            // Two columns of the same rank for one field cannot be told apart.
            if let Some((_, _, c2, _)) = candidates
                .iter()
                .find(|(f2, r2, c2, _)| f2 == field && r2 == rank && c2 != c && !self.taken[*c2])
            {
                self.problems.push((
                    Some(*c2),
                    format!(
                        "two columns could be the `{}`: `{}` (column {}) and `{}` (column {}) (expected one; name it with --map {}=HEADER)",
                        field.name(),
                        header[*c],
                        c + 1,
                        header[*c2],
                        c2 + 1,
                        field.name()
                    ),
                ));
                self.taken[*c] = true;
                self.taken[*c2] = true;
                continue;
            }
            self.out.columns.insert(*field, (*c, how.clone()));
            self.taken[*c] = true;
        }
    }
}
