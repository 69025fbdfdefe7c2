//! `tierscope diff`: what changed between two runs' report.json.

use super::{emit, emit_json};
use crate::analysis::findings::Severity;
use crate::baseline::{self, Tolerance};
use crate::cli::TextOrJson;
use crate::error::{EXIT_FINDINGS, EXIT_OK, Error, Result};
use std::io::Write;
use std::path::Path;

/// What `diff` is asked for.
pub struct Options<'a> {
    pub old: &'a Path,
    pub new: &'a Path,
    pub tolerance: Tolerance,
    pub format: TextOrJson,
    pub fail_on: Option<Severity>,
    pub allow_other_dataset: bool,
}

pub fn run(opts: &Options<'_>, out: &mut dyn Write) -> Result<i32> {
    for (flag, v) in [
        ("--tolerance", opts.tolerance.fraction),
        ("--money-tolerance", opts.tolerance.money),
    ] {
        if !v.is_finite() || v < 0.0 {
            return Err(Error::Usage(format!(
                "{flag} is {v} (expected a number >= 0)"
            )));
        }
    }
    let (old, new) = (opts.old, opts.new);
    let (a, b) = (baseline::read(old)?, baseline::read(new)?);
    let changes = baseline::compare(&a, &b, opts.tolerance);
    if let Some(other) = &changes.other_dataset {
        let what = format!(
            "{} is of dataset {}, {} is of dataset {}",
            old.display(),
            other.old,
            new.display(),
            other.new
        );
        if opts.fail_on.is_some() && !opts.allow_other_dataset {
            return Err(Error::Usage(format!(
                "{what}: --fail-on would count every finding of another supply chain as added (--allow-other-dataset to compare anyway)"
            )));
        }
        // Said on stderr too, whatever the format: the output may go to a file or a pipe.
        let _ = writeln!(std::io::stderr().lock(), "warning: {what}");
    }
    match opts.format {
        TextOrJson::Text => emit(
            out,
            changes
                .to_text(&old.display().to_string(), &new.display().to_string())
                .as_bytes(),
        )?,
        TextOrJson::Json => emit_json(out, &changes)?,
    }
    // Added and escalated findings, and standing ones whose severity rose, count for
    // --fail-on.
    let worse = changes
        .worse()
        .any(|sev| opts.fail_on.is_some_and(|level| sev <= level));
    Ok(if worse { EXIT_FINDINGS } else { EXIT_OK })
}
