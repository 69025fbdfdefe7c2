//! `tierscope report`: every report format and chart, written all or nothing.

use super::{Progress, analyze, emit};
use crate::cli::ReportFormat;
use crate::error::Result;
use crate::ingest::limits;
use crate::report;
use crate::settings::Settings;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(settings: &Settings, quiet: bool, out: &mut dyn Write) -> Result<i32> {
    let progress = Progress::new(quiet);
    let (ds, graph, report) = analyze::analysed(settings, &progress, quiet, limits::REPORT)?;
    let target = settings
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(&ds.name));
    warn_if_baseline_is_output(settings, &target);
    progress.phase("rendering reports");
    // Each file is written to a temporary name as soon as it is rendered, and all are
    // renamed into place once every one is written.
    let staging = report::write::Staging::new(&target);
    let paths = report::render_to(
        &staging,
        &report,
        &ds,
        &graph,
        &settings.formats,
        &settings.charts,
    )?;
    progress.phase("writing");
    staging.commit()?;
    progress.done();
    if !quiet {
        let mut listing = String::new();
        for path in &paths {
            listing.push_str(&format!("wrote {}\n", target.join(path).display()));
        }
        emit(out, listing.as_bytes())?;
    }
    // The file to open first: the page, else the first format written.
    let main: Option<PathBuf> = [
        ReportFormat::Html,
        ReportFormat::Md,
        ReportFormat::Json,
        ReportFormat::Csv,
    ]
    .into_iter()
    .find(|f| settings.formats.contains(f))
    .map(|f| target.join(f.file_name()));
    let json = settings
        .formats
        .contains(&ReportFormat::Json)
        .then(|| target.join(ReportFormat::Json.file_name()));
    analyze::finish(
        settings,
        &report,
        main.as_deref(),
        json.as_deref(),
        quiet,
        out,
    )
}

/// A baseline that is the report.json this run writes is overwritten by every run, so a
/// retry of a failed run would compare the new risk with itself and pass: said on stderr
/// (even under `--quiet`), since it defeats the gate.
fn warn_if_baseline_is_output(settings: &Settings, target: &Path) {
    let Some(baseline) = &settings.gate.baseline else {
        return;
    };
    if !settings.formats.contains(&ReportFormat::Json) {
        return;
    }
    let written = target.join(ReportFormat::Json.file_name());
    let same = match (baseline.canonicalize(), written.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => *baseline == written,
    };
    if same {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: the baseline {} is the report.json this run writes: every run replaces it, so a retry of a failing run compares the new risk with itself and passes (keep the baseline outside the output folder and update it with --update-baseline)",
            baseline.display()
        );
    }
}
