//! `tierscope summary`: what a dataset holds.

use super::{emit_json, emit_text};
use crate::cli::TextOrJson;
use crate::error::{EXIT_OK, Result};
use crate::ingest::limits;
use crate::settings::Settings;
use crate::summary::Summary;
use std::io::Write;

pub fn run(settings: &Settings, format: TextOrJson, out: &mut dyn Write) -> Result<i32> {
    let (ds, graph) = settings.load(limits::LOAD)?;
    let summary = Summary::new(&ds, &graph);
    match format {
        TextOrJson::Text => emit_text(out, &summary.to_text())?,
        TextOrJson::Json => emit_json(out, &summary)?,
    }
    Ok(EXIT_OK)
}
