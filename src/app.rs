//! Runs a parsed command: loads, analyses, and writes to the given output.

use crate::cli::{Cli, Command, TextOrJson};
use crate::diag::{Diagnostic, Severity};
use crate::error::{EXIT_ERROR, EXIT_OK, Error, Result};
use crate::graph::ProductionGraph;
use crate::ingest;
use crate::summary::Summary;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Runs `cli`, writing its main output to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    match &cli.command {
        Command::Validate { dir, format } => validate(dir, *format, out),
        Command::Summary { dir, format } => {
            let loaded = ingest::load(dir)?;
            let graph = ProductionGraph::build(&loaded.dataset);
            let summary = Summary::new(&loaded.dataset, &graph);
            match format {
                TextOrJson::Text => emit(out, summary.to_text().as_bytes())?,
                TextOrJson::Json => emit_json(out, &summary)?,
            }
            Ok(EXIT_OK)
        }
    }
}

#[derive(Serialize)]
struct ValidateReport<'a> {
    dataset: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    diagnostics: &'a [Diagnostic],
}

fn validate(dir: &Path, format: TextOrJson, out: &mut dyn Write) -> Result<i32> {
    let (diagnostics, code) = match ingest::load(dir) {
        Ok(loaded) => (loaded.diagnostics, EXIT_OK),
        Err(Error::InvalidDataset { diagnostics, .. }) => (diagnostics, EXIT_ERROR),
        Err(e) => return Err(e),
    };
    let count = |s| ingest::count(&diagnostics, s);
    let report = ValidateReport {
        dataset: ingest::dataset_name(dir),
        valid: code == EXIT_OK,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        diagnostics: &diagnostics,
    };
    match format {
        TextOrJson::Json => emit_json(out, &report)?,
        TextOrJson::Text => {
            let mut text = String::new();
            for d in &diagnostics {
                text.push_str(&d.to_string());
                text.push('\n');
            }
            text.push_str(&format!(
                "{}: {} ({} error(s), {} warning(s), {} note(s))\n",
                dir.display(),
                if report.valid { "valid" } else { "invalid" },
                report.errors,
                report.warnings,
                report.notes
            ));
            emit(out, text.as_bytes())?;
        }
    }
    Ok(code)
}

/// Writes bytes to the command's output.
fn emit(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

/// Writes a value as pretty JSON and a newline.
fn emit_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("report types serialize");
    bytes.push(b'\n');
    emit(out, &bytes)
}

/// A closed stdout (`tierscope ... | head`) is a normal end, not an error.
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Prints an error for a person: the diagnostics first, then a summary line.
pub fn print_error(e: &Error, err: &mut dyn Write) {
    if let Error::InvalidDataset { diagnostics, .. } = e {
        for d in diagnostics {
            let _ = writeln!(err, "{d}");
        }
    }
    let _ = writeln!(err, "error: {e}");
}
