//! `tierscope analyze`: the findings, as text or report JSON; and the analysis both it and
//! `report` run: load, analyse, mark against the baseline and the waivers.

use super::{Progress, emit, emit_with};
use crate::analysis;
use crate::baseline;
use crate::cli::TextOrJson;
use crate::error::{EXIT_FINDINGS, EXIT_OK, Result};
use crate::gate::Reviewed;
use crate::graph::ProductionGraph;
use crate::ingest::limits::{self, Work};
use crate::model::Dataset;
use crate::report;
use crate::settings::{Gate, Settings};
use crate::waiver::Date;
use std::io::Write;

pub fn run(
    settings: &Settings,
    format: TextOrJson,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let progress = Progress::new(quiet);
    let (_, _, report) = analysed(settings, &progress, quiet, limits::ANALYZE)?;
    progress.done();
    match format {
        TextOrJson::Text => emit(out, report::text::render(&report).as_bytes())?,
        TextOrJson::Json => emit_with(out, |w| report::json::write(&report, w))?,
    }
    let code = settings.gate.exit_code(&report);
    // The process ends here: the system takes its memory back at once, where freeing the
    // findings one by one takes a noticeable part of the run on a large map.
    std::mem::forget(report);
    Ok(code)
}

/// Loads, analyses, and marks the report against the baseline and the waivers; notes about
/// the waivers and the baseline's method go to stderr unless `quiet`.
pub fn analysed(
    settings: &Settings,
    progress: &Progress,
    quiet: bool,
    work: Work,
) -> Result<(Dataset, ProductionGraph, Reviewed)> {
    // Read the baseline first: a missing one is an error before any work.
    let baseline = match &settings.gate.baseline {
        Some(p) => Some((baseline::read(p)?, p)),
        None => None,
    };
    progress.phase("loading dataset");
    let (ds, graph) = settings.load(work)?;
    progress.phase("analysing");
    let report = analysis::analyze(&ds, &graph, &settings.analysis)?;
    let report = Reviewed::new(
        report,
        baseline.as_ref().map(|(old, path)| (old, path.as_path())),
        &settings.gate.waivers,
        Date::today(),
    );
    if !quiet {
        let mut err = std::io::stderr().lock();
        for w in &report.marks.waivers.expired {
            let _ = writeln!(
                err,
                "warning: waiver `{}` expired on {} and no longer applies ({})",
                w.id, w.expires, w.reason
            );
        }
        for w in &report.marks.waivers.unused {
            let _ = writeln!(err, "note: waiver `{}` matches no finding", w.id);
        }
        if let Some(b) = report.marks.baseline()
            && !b.method_changes.is_empty()
        {
            let _ = writeln!(
                err,
                "note: the method changed since the baseline ({}); new and resolved findings may come from that",
                b.method_changes.join("; ")
            );
        }
    }
    Ok((ds, graph, report))
}

impl Gate {
    /// 1 when a finding that counts is at or above `--fail-on`: not waived, and new when
    /// `--fail-on-new` is set (without a baseline every finding is new).
    pub fn exit_code(&self, report: &Reviewed) -> i32 {
        let Some(level) = self.fail_on else {
            return EXIT_OK;
        };
        let failing = report
            .findings
            .iter()
            .any(|f| f.severity <= level && report.marks.counts(f, self.fail_on_new));
        if failing { EXIT_FINDINGS } else { EXIT_OK }
    }
}
