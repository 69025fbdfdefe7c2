//! `tierscope diff`: what changed between two runs' report.json.

use super::{emit, emit_json};
use crate::analysis::findings::Severity;
use crate::baseline;
use crate::cli::TextOrJson;
use crate::error::{EXIT_FINDINGS, EXIT_OK, Error, Result};
use std::io::Write;
use std::path::Path;

pub fn run(
    old: &Path,
    new: &Path,
    tolerance: f64,
    format: TextOrJson,
    fail_on: Option<Severity>,
    out: &mut dyn Write,
) -> Result<i32> {
    if !tolerance.is_finite() || tolerance < 0.0 {
        return Err(Error::Usage(format!(
            "--tolerance is {tolerance} (expected a number >= 0)"
        )));
    }
    let (a, b) = (baseline::read(old)?, baseline::read(new)?);
    let changes = baseline::compare(&a, &b, tolerance);
    match format {
        TextOrJson::Text => emit(
            out,
            changes
                .to_text(&old.display().to_string(), &new.display().to_string())
                .as_bytes(),
        )?,
        TextOrJson::Json => emit_json(out, &changes)?,
    }
    // Added findings, and standing ones whose severity rose, count for --fail-on.
    let worse = changes
        .added
        .iter()
        .map(|f| f.severity)
        .chain(
            changes
                .severity_changed
                .iter()
                .filter(|m| m.new_severity < m.old_severity)
                .map(|m| m.new_severity),
        )
        .any(|sev| fail_on.is_some_and(|level| sev <= level));
    Ok(if worse { EXIT_FINDINGS } else { EXIT_OK })
}
