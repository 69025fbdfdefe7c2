//! The error type of the core: what can stop loading or analysing a dataset.

use crate::diag::{Diagnostic, Severity};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The dataset has errors; every diagnostic (errors, warnings and notes) is kept.
    #[error("{} has {}", dir.display(), crate::numbers::plural(count_errors(diagnostics), "error", "errors"))]
    InvalidDataset {
        dir: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    /// A path that is not what was expected (a file for a folder, too large a dataset, ...).
    #[error("{}: {what}", path.display())]
    Input { path: PathBuf, what: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A reference the caller gave (an end product, a failure, an entity, a country) that the
    /// dataset does not resolve; the message says what was expected.
    #[error("{0}")]
    Reference(String),
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
