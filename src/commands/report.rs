//! `tierscope report`: every report format and chart, written all or nothing.

use super::{Progress, analyze::analysed, emit};
use crate::error::Result;
use crate::ingest::limits;
use crate::report;
use crate::settings::Settings;
use std::io::Write;
use std::path::Path;

pub fn run(settings: &Settings, quiet: bool, out: &mut dyn Write) -> Result<i32> {
    let progress = Progress::new(quiet);
    let (ds, graph, report) = analysed(settings, &progress, quiet, limits::REPORT)?;
    let target = settings
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(&ds.name));
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
    let mut listing = String::new();
    for path in &paths {
        listing.push_str(&format!("wrote {}\n", target.join(path).display()));
    }
    emit(out, listing.as_bytes())?;
    Ok(settings.gate.exit_code(&report))
}
