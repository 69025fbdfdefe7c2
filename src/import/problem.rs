//! Problems met while importing a flat table, each with the cell it is about.
//!
//! A CSV cell is named the way the dataset loader names one (`sourcing.csv:14:3`, line and
//! column from 1); a spreadsheet cell the way a spreadsheet names it
//! (`sourcing.xlsx:Sheet1!C14`). Every problem is collected: a user with a 10,000-row sheet
//! sees all of its mistakes at once.

use crate::diag::Severity;
use std::fmt;

/// Where a problem is: a file, a row, or one cell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place(String);

impl Place {
    pub fn new(text: impl Into<String>) -> Place {
        Place(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The file (and sheet) a table comes from, to name its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A CSV file, named as given on the command line.
    Csv { file: String },
    /// A sheet of a workbook.
    Sheet { file: String, sheet: String },
}

impl Origin {
    /// The whole file (or sheet).
    pub fn file(&self) -> Place {
        match self {
            Origin::Csv { file } => Place::new(file.clone()),
            Origin::Sheet { file, sheet } => Place::new(format!("{file}:{}", sheet_ref(sheet))),
        }
    }

    /// A row: its line in a CSV file, its row number in a sheet.
    pub fn row(&self, row: u64) -> Place {
        match self {
            Origin::Csv { file } => Place::new(format!("{file}:{row}")),
            Origin::Sheet { file, sheet } => {
                Place::new(format!("{file}:{}!{row}:{row}", sheet_ref(sheet)))
            }
        }
    }

    /// One cell: `col` counts from 0.
    pub fn cell(&self, row: u64, col: usize) -> Place {
        match self {
            Origin::Csv { file } => Place::new(format!("{file}:{row}:{}", col + 1)),
            Origin::Sheet { file, sheet } => Place::new(format!(
                "{file}:{}!{}{row}",
                sheet_ref(sheet),
                column_letters(col)
            )),
        }
    }

    /// The file name as given.
    pub fn file_name(&self) -> &str {
        match self {
            Origin::Csv { file } | Origin::Sheet { file, .. } => file,
        }
    }
}

/// A sheet name as a formula writes it: quoted when it holds anything but letters, digits and
/// underscores (`'Q1 2024'!B3`).
fn sheet_ref(sheet: &str) -> String {
    if !sheet.is_empty() && sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

/// A column's letters as a spreadsheet shows them: 0 -> A, 25 -> Z, 26 -> AA.
pub fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// One problem: `place: severity[code]: message`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// A stable kebab-case code, listed in the README's `import` section.
    pub code: &'static str,
    pub place: Place,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.place, self.severity, self.code, self.message
        )
    }
}

/// The most problems of one code kept; the rest are counted.
pub const MAX_PER_CODE: usize = 1000;

/// Collects problems in the order they were found.
#[derive(Debug, Default)]
pub struct Problems {
    items: Vec<Problem>,
    cut: std::collections::BTreeMap<&'static str, usize>,
}

impl Problems {
    fn add(&mut self, severity: Severity, code: &'static str, place: Place, message: String) {
        let kept = self.items.iter().filter(|p| p.code == code).count();
        if kept >= MAX_PER_CODE {
            *self.cut.entry(code).or_insert(0) += 1;
            return;
        }
        self.items.push(Problem {
            severity,
            code,
            place,
            message,
        });
    }

    pub fn error(&mut self, code: &'static str, place: Place, message: impl Into<String>) {
        self.add(Severity::Error, code, place, message.into());
    }

    pub fn warning(&mut self, code: &'static str, place: Place, message: impl Into<String>) {
        self.add(Severity::Warning, code, place, message.into());
    }

    /// A table that could not be opened (its code is one of [`super::table`]'s).
    pub fn opening(&mut self, e: super::table::OpenError) {
        self.add(Severity::Error, e.code, e.place, e.message);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
            + self.cut.values().sum::<usize>()
    }

    /// The problems, errors first (stable otherwise), with a closing line per code whose
    /// flood was cut.
    pub fn into_lines(self) -> Vec<String> {
        let mut items = self.items;
        items.sort_by_key(|p| p.severity);
        let mut lines: Vec<String> = items.iter().map(ToString::to_string).collect();
        for (code, n) in self.cut {
            lines.push(format!(
                "{n} more [{code}] problems were not listed (showing the first {MAX_PER_CODE})"
            ));
        }
        lines
    }

    pub fn as_slice(&self) -> &[Problem] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn cells_are_named_as_their_format_names_them() {
        let csv = Origin::Csv {
            file: "sourcing.csv".into(),
        };
        assert_eq!(csv.cell(14, 2).as_str(), "sourcing.csv:14:3");
        let sheet = Origin::Sheet {
            file: "sourcing.xlsx".into(),
            sheet: "Sheet1".into(),
        };
        assert_eq!(sheet.cell(14, 2).as_str(), "sourcing.xlsx:Sheet1!C14");
        let spaced = Origin::Sheet {
            file: "s.xlsx".into(),
            sheet: "Q1 '24".into(),
        };
        assert_eq!(spaced.cell(2, 0).as_str(), "s.xlsx:'Q1 ''24'!A2");
    }
}
