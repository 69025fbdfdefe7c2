//! `tierscope report`: every report format and chart, written all or nothing.

use super::{Progress, analyze, emit};
use crate::cli::{ChartFormat, ReportFormat};
use crate::error::{Error, Result};
use crate::guard::{CsvGuard, text as t};
use crate::ingest::{self, limits};
use crate::report;
use crate::settings::Settings;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `report`'s own flags.
pub struct Options {
    /// `--max-output`: refuse a report estimated larger than this.
    pub max_output: Option<u64>,
    /// `--wait`: wait for another run writing to the folder instead of exiting 2.
    pub wait: bool,
    pub csv_guard: CsvGuard,
}

pub fn run(
    settings: &Settings,
    options: &Options,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let target = settings
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(ingest::dataset_name(&settings.dir)));
    let waiting = || {
        if !quiet {
            let _ = writeln!(
                std::io::stderr(),
                "waiting for another tierscope run writing to {}",
                t(&target.display().to_string())
            );
        }
    };
    // One run writes to a folder at a time. Taken before the analysis when the folder
    // exists, so that a second run stops at once rather than after its work.
    let early = if target.is_dir() {
        Some(report::write::lock_folder(&target, options.wait, waiting)?)
    } else {
        None
    };
    let (formats, browser) = pdf_browser(&settings.formats)?;
    let progress = Progress::new(quiet);
    let (ds, graph, report) = analyze::analysed(settings, &progress, quiet, limits::REPORT)?;
    let charts = settings.charts.iter().any(|c| *c != ChartFormat::None);
    let estimate = report::size::report_files(&report, &formats, charts);
    super::check_size(settings, &estimate, options.max_output, "the report")?;
    let lock = match early {
        Some(lock) => lock,
        None => {
            std::fs::create_dir_all(&target).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
            report::write::lock_folder(&target, options.wait, waiting)?
        }
    };
    warn_if_baseline_is_output(settings, &target);
    progress.phase("rendering reports");
    // Each file is written to a temporary name as soon as it is rendered, and all are
    // renamed into place once every one is written.
    let staging = report::write::Staging::report_set(&target, lock)?;
    let paths = report::render_to_with(
        &staging,
        &report,
        &ds,
        &graph,
        &formats,
        &settings.charts,
        &report::Options {
            csv_guard: options.csv_guard,
            browser,
        },
    )?;
    progress.phase("writing");
    staging.commit()?;
    progress.done();
    finish(settings, &report, &target, &paths, quiet, out)
}

/// The formats to write and the browser that prints report.pdf. Without a browser,
/// report.pdf is left out with a warning on stderr (even under `--quiet`), or, when it is the
/// only format asked for, the run stops with exit code 2 before any work.
fn pdf_browser(formats: &[ReportFormat]) -> Result<(Vec<ReportFormat>, Option<PathBuf>)> {
    if !formats.contains(&ReportFormat::Pdf) {
        return Ok((formats.to_vec(), None));
    }
    if let Some(browser) = report::pdf::find_browser() {
        return Ok((formats.to_vec(), Some(browser)));
    }
    let what = format!(
        "report.pdf needs a Chromium-family browser and none was found (looked for {})",
        report::pdf::looked_for()
    );
    let rest: Vec<ReportFormat> = formats
        .iter()
        .copied()
        .filter(|f| *f != ReportFormat::Pdf)
        .collect();
    if rest.is_empty() {
        return Err(Error::Usage(format!(
            "{what}: install chromium, or set {} to the browser's path",
            report::pdf::BROWSER_ENV
        )));
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "warning: {what}: writing the other formats without report.pdf"
    );
    Ok((rest, None))
}

/// Lists the files written, then gates the run as `analyze` does.
fn finish(
    settings: &Settings,
    report: &crate::gate::Reviewed,
    target: &Path,
    paths: &[PathBuf],
    quiet: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    if !quiet {
        let mut listing = String::new();
        for path in paths {
            let path = target.join(path).display().to_string();
            listing.push_str(&format!("wrote {}\n", t(&path)));
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
        report,
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
            t(&baseline.display().to_string())
        );
    }
}
