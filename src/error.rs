//! The one error type of tierscope, and the exit codes it maps to.

use crate::diag::{Diagnostic, Severity};
use std::path::PathBuf;

/// Exit code: the run finished and found nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: the run finished and found something at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: a usage, input or output error; nothing was analysed or written.
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The dataset has errors; every diagnostic (errors, warnings and notes) is kept.
    #[error("{} has {}", dir.display(), tierscope_core::numbers::plural(count_errors(diagnostics), "error", "errors"))]
    InvalidDataset {
        dir: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("{}: {what}", path.display())]
    Input { path: PathBuf, what: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot draw the charts: {0}")]
    Render(String),
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// Errors of the core keep their meaning; a reference the core could not resolve (an
/// unknown product, entity or country in a flag) is a usage error.
impl From<tierscope_core::Error> for Error {
    fn from(e: tierscope_core::Error) -> Error {
        use tierscope_core::Error as Core;
        match e {
            Core::InvalidDataset { dir, diagnostics } => Error::InvalidDataset { dir, diagnostics },
            Core::Input { path, what } => Error::Input { path, what },
            Core::Read { path, source } => Error::Read { path, source },
            Core::Reference(what) => Error::Usage(what),
        }
    }
}

impl Error {
    /// Every error is a usage, input or output error: exit code 2.
    pub fn exit_code(&self) -> i32 {
        EXIT_ERROR
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
