//! `tierscope validate`: every problem of a dataset, as `file:line:column`.

use super::{emit, emit_json};
use crate::cli::TextOrJson;
use crate::diag::{Diagnostic, Severity};
use crate::error::{EXIT_ERROR, EXIT_OK, Result};
use crate::ingest;
use crate::settings::Settings;
use serde::Serialize;
use std::io::Write;
use tierscope_core::numbers::plural;

#[derive(Serialize)]
struct ValidateReport<'a> {
    dataset: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn run(settings: &Settings, format: TextOrJson, out: &mut dyn Write) -> Result<i32> {
    let dir = &settings.dir;
    let (diagnostics, code) = match ingest::load(dir) {
        Ok(loaded) => {
            // The trust policy of the flags and the config must name the dataset's countries.
            let mut ds = loaded.dataset;
            settings.analysis.apply_trust(&mut ds)?;
            (loaded.diagnostics, EXIT_OK)
        }
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => (diagnostics, EXIT_ERROR),
        Err(e) => return Err(e.into()),
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
            // One line per diagnostic, whatever the data it quotes holds.
            for d in &diagnostics {
                text.push_str(&crate::guard::text(&d.to_string()));
                text.push('\n');
            }
            text.push_str(&format!(
                "{}: {} ({}, {}, {})\n",
                crate::guard::text(&dir.display().to_string()),
                if report.valid { "valid" } else { "invalid" },
                plural(report.errors, "error", "errors"),
                plural(report.warnings, "warning", "warnings"),
                plural(report.notes, "note", "notes")
            ));
            emit(out, text.as_bytes())?;
        }
    }
    Ok(code)
}
