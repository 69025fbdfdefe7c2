//! `tierscope analyze`: the findings, as text or report JSON; and the analysis both it and
//! `report` run: load, analyse, mark against the baseline and the waivers; and what both do
//! after: keep the run in the history, update the baseline, say why a failing gate failed.

use super::{Progress, emit, emit_with};
use crate::analysis;
use crate::baseline;
use crate::cli::TextOrJson;
use crate::error::{EXIT_OK, Error, Result};
use crate::gate::{Against, Reviewed};
use crate::graph::ProductionGraph;
use crate::guard::text as t;
use crate::ingest::limits::{self, Work};
use crate::model::Dataset;
use crate::report;
use crate::settings::Settings;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(
    settings: &Settings,
    format: TextOrJson,
    max_output: Option<u64>,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let progress = Progress::new(quiet);
    let (_, _, report) = analysed(settings, &progress, quiet, limits::ANALYZE)?;
    progress.done();
    let estimate = report::size::analyze_output(&report, format == TextOrJson::Json);
    super::check_size(settings, &estimate, max_output, "the output")?;
    match format {
        TextOrJson::Text => emit(out, report::text::render(&report).as_bytes())?,
        TextOrJson::Json => emit_with(out, |w| report::json::write(&report, w))?,
    }
    // Standard output holds the report: the files kept are listed on stderr.
    let code = finish(
        settings,
        &report,
        None,
        None,
        quiet,
        &mut std::io::stderr().lock(),
    )?;
    // The process ends here: the system takes its memory back at once, where freeing the
    // findings one by one takes a noticeable part of the run on a large map.
    std::mem::forget(report);
    Ok(code)
}

/// Loads, analyses, and marks the report against the baseline and the waivers; notes about
/// the waivers and the baseline go to stderr unless `quiet`.
///
/// A baseline path with no file yet is no baseline (a note says so); a baseline of another
/// dataset is a warning, and an error with `--fail-on-new` unless `--allow-other-dataset`,
/// since the gate would then compare two different supply chains.
pub fn analysed(
    settings: &Settings,
    progress: &Progress,
    quiet: bool,
    work: Work,
) -> Result<(Dataset, ProductionGraph, Reviewed)> {
    let gate = &settings.gate;
    // Read the baseline first: an unreadable or invalid one is an error before any work.
    let baseline = match &gate.baseline {
        Some(p) => Some((baseline::read_optional(p)?, p)),
        None => None,
    };
    let against = match &baseline {
        None => Against::Nothing,
        Some((None, path)) => Against::NotYet(path),
        Some((Some(old), path)) => Against::Baseline(old, path),
    };
    progress.phase("loading dataset");
    let (ds, graph, input) = settings.load_identified(work)?;
    // Read before the analysis: a bad dataset.toml stops the run before its work.
    let info = crate::report::context::read_dataset_info(&settings.dir)?;
    if let Against::Baseline(old, path) = against
        && let Some(other) = baseline::OtherDataset::of(old, &ds.name, Some(&input))
    {
        let what = format!(
            "baseline {} is of dataset {}, this run is of {}",
            t(&path.display().to_string()),
            t(&other.old),
            t(&other.new)
        );
        if gate.fail_on_new && !gate.allow_other_dataset {
            return Err(Error::Usage(format!(
                "{what}: --fail-on-new would count every finding of another supply chain as new (expected a baseline of {}; --allow-other-dataset to compare anyway)",
                other.new
            )));
        }
        // Said even under --quiet: a comparison with another dataset is rarely meant.
        let _ = writeln!(std::io::stderr().lock(), "warning: {what}");
    }
    progress.phase("analysing");
    let report = analysis::analyze(&ds, &graph, &settings.analysis)?;
    let mut report = Reviewed::review(
        report,
        Some(input),
        against,
        &gate.waivers,
        settings.as_of.date,
    );
    report.context = Some(crate::report::context::Context::of(
        settings, &ds, info, &report,
    ));
    if !quiet {
        say_notes(gate, against, &report);
    }
    Ok((ds, graph, report))
}

/// After the report is out: keeps it in the history, updates the baseline when the gate
/// passes, and when it fails says why on stderr (even under `--quiet`). `main` is the report
/// file a person should open and `json` the report.json, when they were written; the files
/// this writes are listed on `listing` unless `quiet`. Returns the exit code.
pub fn finish(
    settings: &Settings,
    report: &Reviewed,
    main: Option<&Path>,
    json: Option<&Path>,
    quiet: bool,
    listing: &mut dyn Write,
) -> Result<i32> {
    let gate = &settings.gate;
    let mut wrote: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &gate.history {
        wrote.push(crate::history::keep(dir, settings.as_of.date, report)?);
    }
    let tripped = gate.tripped(report);
    if tripped.is_empty()
        && gate.update_baseline
        && let Some(path) = &gate.baseline
    {
        write_report_json(path, report)?;
        wrote.push(path.clone());
    }
    if !quiet && !wrote.is_empty() {
        let lines: String = wrote
            .iter()
            .map(|p| format!("wrote {}\n", t(&p.display().to_string())))
            .collect();
        emit(listing, lines.as_bytes())?;
    }
    if tripped.is_empty() {
        return Ok(EXIT_OK);
    }
    let _ = std::io::stderr()
        .lock()
        .write_all(gate.failure(report, &tripped, main, json).as_bytes());
    Ok(gate.exit_code(report))
}

/// Writes `report`'s report.json to `path`, all or nothing: a temporary file in its folder,
/// renamed into place.
pub fn write_report_json(path: &Path, report: &Reviewed) -> Result<()> {
    let (dir, name) = split(path)?;
    let staging = report::write::Staging::new(dir);
    report::write::Sink::file(&staging, Path::new(name), &mut |w| {
        report::json::write(report, w)
    })?;
    staging.commit()
}

/// A file path as its folder and its name.
pub fn split(path: &Path) -> Result<(&Path, &std::ffi::OsStr)> {
    let name = path.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "{} is not a file path (expected a path ending in a file name)",
            path.display()
        ))
    })?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    Ok((dir.unwrap_or(Path::new(".")), name))
}

/// What the gate has to say on stderr: its notes, a baseline not there yet, waivers that
/// expired or match nothing, a method changed since the baseline.
fn say_notes(gate: &crate::settings::Gate, against: Against<'_>, report: &Reviewed) {
    let mut err = std::io::stderr().lock();
    for note in &gate.notes {
        let _ = writeln!(err, "note: {}", t(note));
    }
    if let Against::NotYet(path) = against {
        let _ = writeln!(
            err,
            "note: no baseline at {} yet: every finding counts as new",
            t(&path.display().to_string())
        );
    }
    for w in &report.marks.waivers.expired {
        let _ = writeln!(
            err,
            "warning: waiver `{}` expired on {} and no longer applies ({})",
            t(&w.id),
            w.expires,
            t(&w.reason)
        );
    }
    for w in &report.marks.waivers.unused {
        let _ = writeln!(err, "note: waiver `{}` matches no finding", t(&w.id));
    }
    if let Some(b) = report.marks.baseline()
        && !b.method_changes.is_empty()
    {
        let _ = writeln!(
            err,
            "note: the method changed since the baseline ({}); new and resolved findings may come from that",
            t(&b.method_changes.join("; "))
        );
    }
}
