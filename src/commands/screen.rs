//! `tierscope screen`: candidate vendors against restricted-party lists and the dataset.

use super::emit;
use crate::cli::ScreenFormat;
use crate::error::{EXIT_OK, Error, Result};
use crate::ingest::limits;
use crate::screen;
use crate::settings::Settings;
use std::io::Write;
use std::path::Path;

/// `screen`'s own flags.
pub struct Options<'a> {
    /// `--threshold`: a match at or above it is reported (REVIEW).
    pub threshold: f64,
    /// `--block-threshold`: a match at or above it blocks.
    pub block_threshold: f64,
    /// `--alternates N`: report only the best N ranked alternates.
    pub alternates: Option<usize>,
    /// `--list-date [FILE=]DATE`.
    pub list_dates: &'a [String],
    /// Formula cells in `--format csv` written as text, unless `--no-csv-guard`.
    pub csv_guard: crate::guard::CsvGuard,
}

pub fn run(
    settings: &Settings,
    vendors: &Path,
    options: &Options<'_>,
    format: ScreenFormat,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let screen_settings = checked(options, settings)?;
    // Before any is opened: a named pipe as a list would block the run forever.
    crate::inputs::check_screen_inputs(vendors, &settings.lists)?;
    // The screening applies the trust policy itself: a candidate's country need not be in
    // countries.csv.
    let ds = settings.load_dataset(limits::LOAD)?;
    let bar = Bar::new(quiet);
    let report = screen::run(
        &settings.dir,
        ds,
        vendors,
        &settings.lists,
        &screen_settings,
        &|step: &str, done: u64, total: u64| bar.set(step, done, total),
    )?;
    bar.done();
    let bytes = match format {
        ScreenFormat::Text => screen::render::text(&report).into_bytes(),
        ScreenFormat::Json => screen::render::json(&report),
        ScreenFormat::Csv => screen::render::csv(&report, options.csv_guard),
    };
    emit(out, &bytes)?;
    Ok(EXIT_OK)
}

/// Validates the screening flags.
fn checked(o: &Options<'_>, settings: &Settings) -> Result<screen::ScreenSettings> {
    for (name, v) in [
        ("--threshold", o.threshold),
        ("--block-threshold", o.block_threshold),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::Usage(format!(
                "{name} is {v} (expected a score from 0 to 1)"
            )));
        }
    }
    if o.block_threshold < o.threshold {
        return Err(Error::Usage(format!(
            "--block-threshold {} is below --threshold {} (expected it at or above)",
            o.block_threshold, o.threshold
        )));
    }
    Ok(screen::ScreenSettings {
        threshold: o.threshold,
        block_threshold: o.block_threshold,
        alternates: o.alternates,
        list_dates: screen::parse_list_dates(o.list_dates, &settings.lists)
            .map_err(Error::Usage)?,
        analysis: settings.analysis.clone(),
    })
}

/// A progress bar on stderr for screening's long steps; hidden under `--quiet` or when stderr
/// is not a terminal.
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(quiet: bool) -> Bar {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} left)")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar(bar)
    }

    fn set(&self, step: &str, done: u64, total: u64) {
        self.0.set_message(step.to_string());
        self.0.set_length(total);
        self.0.set_position(done);
    }

    fn done(&self) {
        self.0.finish_and_clear();
    }
}
