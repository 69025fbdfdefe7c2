//! Diagnostics: every problem found in a dataset, with where it is and how bad it is.
//!
//! Loading never stops at the first problem: each check pushes a [`Diagnostic`] into a
//! [`Diagnostics`] sink and goes on, so a user sees every mistake in a file at once.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Only errors make a dataset invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// One problem: `file:line:column: severity[code]: message`.
///
/// `line` counts from 1 (the header is line 1); `column` is the CSV field number counted from
/// 1, the way a spreadsheet numbers its columns. Either may be absent when the problem is not
/// about one place (a missing file, a cycle spread over several rows).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case code, e.g. `unknown-reference`.
    pub code: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub file: &'a str,
    pub line: Option<u64>,
    pub column: Option<usize>,
}

impl<'a> At<'a> {
    pub fn file(file: &'a str) -> Self {
        At {
            file,
            line: None,
            column: None,
        }
    }
    pub fn line(file: &'a str, line: u64) -> Self {
        At {
            file,
            line: Some(line),
            column: None,
        }
    }
    pub fn cell(file: &'a str, line: u64, column: usize) -> Self {
        At {
            file,
            line: Some(line),
            column: Some(column),
        }
    }
}

/// The most diagnostics of one code kept for one file; the rest are counted.
pub const MAX_PER_FILE_AND_CODE: usize = 1000;

/// A sink that collects diagnostics in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// (file, code) -> how many were seen, to cap floods of one mistake.
    seen: std::collections::HashMap<(String, &'static str), usize>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, severity: Severity, code: &'static str, at: At<'_>, message: String) {
        let count = self.seen.entry((at.file.to_string(), code)).or_insert(0);
        *count += 1;
        if *count > MAX_PER_FILE_AND_CODE {
            return;
        }
        self.items.push(Diagnostic {
            severity,
            code,
            file: at.file.to_string(),
            line: at.line,
            column: at.column,
            message,
        });
    }

    pub fn error(&mut self, code: &'static str, at: At<'_>, message: impl Into<String>) {
        self.push(Severity::Error, code, at, message.into());
    }

    pub fn warning(&mut self, code: &'static str, at: At<'_>, message: impl Into<String>) {
        self.push(Severity::Warning, code, at, message.into());
    }

    pub fn note(&mut self, code: &'static str, at: At<'_>, message: impl Into<String>) {
        self.push(Severity::Note, code, at, message.into());
    }

    /// Takes `other`'s diagnostics as if they had been pushed here after this one's: the
    /// cap per (file, code) counts both, so the kept diagnostics and the closing notes are
    /// those of one sequential run. Lets independent checks run in parallel.
    pub fn append(&mut self, other: Diagnostics) {
        let mut taken: std::collections::HashMap<(String, &'static str), usize> =
            std::collections::HashMap::new();
        for d in other.items {
            let key = (d.file.clone(), d.code);
            let before = self.seen.get(&key).copied().unwrap_or(0);
            let k = taken.entry(key).or_insert(0);
            *k += 1;
            if before + *k <= MAX_PER_FILE_AND_CODE {
                self.items.push(d);
            }
        }
        for (key, n) in other.seen {
            *self.seen.entry(key).or_insert(0) += n;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// The diagnostics, with a closing note per (file, code) whose flood was cut.
    pub fn into_vec(mut self) -> Vec<Diagnostic> {
        let mut cut: Vec<_> = self
            .seen
            .iter()
            .filter(|(_, n)| **n > MAX_PER_FILE_AND_CODE)
            .map(|((file, code), n)| (file.clone(), *code, *n))
            .collect();
        cut.sort();
        for (file, code, n) in cut {
            let severity = self
                .items
                .iter()
                .find(|d| d.code == code && d.file == file)
                .map_or(Severity::Note, |d| d.severity);
            self.items.push(Diagnostic {
                severity,
                code,
                file,
                line: None,
                column: None,
                message: format!(
                    "{} more of these were not listed (showing the first {MAX_PER_FILE_AND_CODE} of {n})",
                    n - MAX_PER_FILE_AND_CODE
                ),
            });
        }
        self.items
    }

    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn push(diags: &mut Diagnostics, (file, code, line): (usize, usize, u64)) {
        let files = ["a.csv", "b.csv"];
        let codes = ["share-sum", "duplicate"];
        diags.push(
            Severity::Error,
            codes[code],
            At::line(files[file], line),
            format!("row {line}"),
        );
    }

    proptest! {
        /// Pushing in two parts and appending the second gives what one sequence of pushes
        /// gives: the same diagnostics kept under the cap, and the same closing notes.
        #[test]
        fn append_is_one_sequential_run(
            before in 0usize..1_200,
            pushes in prop::collection::vec((0usize..2, 0usize..2, 0u64..50), 0..2_500),
            split in 0usize..2_500,
        ) {
            let split = split.min(pushes.len());
            let mut one = Diagnostics::new();
            let mut first = Diagnostics::new();
            for line in 0..before as u64 {
                push(&mut one, (0, 0, line));
                push(&mut first, (0, 0, line));
            }
            for &p in &pushes {
                push(&mut one, p);
            }
            let mut second = Diagnostics::new();
            for &p in &pushes[..split] {
                push(&mut first, p);
            }
            for &p in &pushes[split..] {
                push(&mut second, p);
            }
            first.append(second);
            prop_assert_eq!(first.into_vec(), one.into_vec());
        }
    }
}
