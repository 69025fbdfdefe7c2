//! `tierscope whatif`: fail entities, owners, countries or the untrusted group by hand.

use super::{emit_json, emit_text};
use crate::cli::TextOrJson;
use crate::error::{EXIT_OK, Result};
use crate::ingest::limits;
use crate::settings::Settings;
use crate::whatif;
use std::io::Write;

pub fn run(
    settings: &Settings,
    fail: &[String],
    format: TextOrJson,
    out: &mut dyn Write,
) -> Result<i32> {
    let (ds, graph) = settings.load(limits::LOAD)?;
    let result = whatif::run(&ds, &graph, fail)?;
    match format {
        TextOrJson::Text => emit_text(out, &result.to_text())?,
        TextOrJson::Json => emit_json(out, &result)?,
    }
    Ok(EXIT_OK)
}
