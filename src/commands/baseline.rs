//! `tierscope baseline accept`: makes a report the accepted baseline, by hand.

use super::emit;
use crate::analysis::findings::Severity;
use crate::baseline::{self, OtherDataset};
use crate::error::{EXIT_OK, Error, Result};
use crate::report::write::{Sink, Staging};
use std::io::Write;
use std::path::Path;

/// Checks that `report` is a report.json, then copies it to `baseline`, all at once (a
/// temporary file in the baseline's folder, renamed into place).
pub fn accept(report: &Path, baseline: &Path, quiet: bool, out: &mut dyn Write) -> Result<i32> {
    let accepted = baseline::read(report)?;
    // A baseline of another dataset would make every later run's findings new.
    if let Ok(Some(old)) = baseline::read_optional(baseline)
        && let Some(other) = OtherDataset::of(&old, &accepted.dataset, accepted.input.as_ref())
    {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: the baseline {} was of dataset {}, the report accepted is of {}",
            baseline.display(),
            other.old,
            other.new
        );
    }
    let (dir, name) = super::analyze::split(baseline)?;
    let staging = Staging::new(dir);
    staging.file(Path::new(name), &mut |w| {
        let mut file = std::fs::File::open(report)?;
        std::io::copy(&mut file, w).map(|_| ())
    })?;
    staging.commit()?;
    if !quiet {
        let count = |s: Severity| accepted.findings.iter().filter(|f| f.severity == s).count();
        let by: Vec<String> = Severity::ALL
            .iter()
            .map(|s| format!("{} {}", count(*s), s.as_str()))
            .collect();
        emit(
            out,
            format!(
                "accepted {} as the baseline {}: {} finding(s) ({})\n",
                report.display(),
                baseline.display(),
                accepted.findings.len(),
                by.join(", ")
            )
            .as_bytes(),
        )?;
    }
    Ok(EXIT_OK)
}

/// The baseline path of `baseline accept`: the flag, else the config's `baseline`.
pub fn path(flag: Option<&Path>, config: &crate::config::Config) -> Result<std::path::PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(|| config.baseline.clone())
        .ok_or_else(|| {
            Error::Usage(
                "no baseline path (expected --baseline PATH, or `baseline = \"...\"` in tierscope.toml)"
                    .into(),
            )
        })
}
