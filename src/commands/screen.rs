//! `tierscope screen`: candidate vendors against restricted-party lists and the dataset.

use super::emit;
use crate::cli::ScreenFormat;
use crate::error::{EXIT_OK, Error, Result};
use crate::ingest::limits;
use crate::screen;
use crate::settings::Settings;
use std::io::Write;
use std::path::Path;

/// The two name-match thresholds of `screen`.
pub struct Thresholds {
    /// `--threshold`: a match at or above it is reported (REVIEW).
    pub name: f64,
    /// `--block-threshold`: a match at or above it blocks.
    pub block: f64,
}

pub fn run(
    settings: &Settings,
    vendors: &Path,
    thresholds: Thresholds,
    format: ScreenFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    let screen_settings = checked(&thresholds, settings)?;
    let (ds, _) = settings.load(limits::LOAD)?;
    let report = screen::run(
        &settings.dir,
        &ds,
        vendors,
        &settings.lists,
        &screen_settings,
    )?;
    let bytes = match format {
        ScreenFormat::Text => screen::render::text(&report).into_bytes(),
        ScreenFormat::Json => screen::render::json(&report),
        ScreenFormat::Csv => screen::render::csv(&report),
    };
    emit(out, &bytes)?;
    Ok(EXIT_OK)
}

/// Validates the screening thresholds.
fn checked(t: &Thresholds, settings: &Settings) -> Result<screen::ScreenSettings> {
    for (name, v) in [("--threshold", t.name), ("--block-threshold", t.block)] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::Usage(format!(
                "{name} is {v} (expected a score from 0 to 1)"
            )));
        }
    }
    if t.block < t.name {
        return Err(Error::Usage(format!(
            "--block-threshold {} is below --threshold {} (expected it at or above)",
            t.block, t.name
        )));
    }
    Ok(screen::ScreenSettings {
        threshold: t.name,
        block_threshold: t.block,
        analysis: settings.analysis.clone(),
    })
}
