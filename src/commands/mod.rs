//! One module per subcommand, each a short `run` over the validated [`Settings`]; what they
//! share (writing to standard output, the progress spinner) lives here.

mod analyze;
mod baseline;
mod diff;
mod export;
mod generate;
mod profile;
mod report;
mod screen;
mod summary;
mod trend;
mod validate;
mod whatif;

use crate::cli::{BaselineAction, Cli, Command};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::settings::{Flags, Settings};
use serde::Serialize;
use std::io::Write;

/// Runs `cli`, writing its main output to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    match &cli.command {
        Command::Validate { dir, format } => {
            validate::run(&settings(cli, flags(dir))?, *format, out)
        }
        Command::Summary { dir, format, trust } => {
            let flags = Flags {
                trust: Some(trust),
                ..flags(dir)
            };
            summary::run(&settings(cli, flags)?, *format, out)
        }
        Command::Analyze {
            dir,
            format,
            analysis,
            gate,
            max_output,
        } => {
            let flags = Flags {
                analysis: Some(analysis),
                gate: Some(gate),
                ..flags(dir)
            };
            analyze::run(&settings(cli, flags)?, *format, *max_output, cli.quiet, out)
        }
        Command::Report { .. } => run_report(cli, out),
        Command::Import { .. } => crate::import::run_command(cli, out, &mut std::io::stderr()),
        Command::Export {
            dir,
            format,
            out: file,
            trust,
        } => {
            let flags = Flags {
                trust: Some(trust),
                ..flags(dir)
            };
            export::run(&settings(cli, flags)?, *format, file.as_deref(), out)
        }
        Command::Diff { .. } => run_diff(cli, out),
        Command::Baseline {
            action: BaselineAction::Accept { report, baseline },
        } => {
            let config = Config::load(cli.config.as_deref())?;
            let path = baseline::path(baseline.as_deref(), &config)?;
            baseline::accept(report, &path, cli.quiet, out)
        }
        Command::Trend { .. } => run_trend(cli, out),
        Command::Whatif {
            dir,
            fail,
            format,
            trust,
        } => {
            let flags = Flags {
                trust: Some(trust),
                ..flags(dir)
            };
            whatif::run(&settings(cli, flags)?, fail, *format, out)
        }
        Command::Profile { .. } => run_profile(cli, out),
        Command::Keygen { out: file } => profile::keygen(file, out),
        Command::Screen { .. } => run_screen(cli, out),
        Command::Generate { .. } => run_generate(cli, out),
    }
}

/// `tierscope report`.
fn run_report(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    let Command::Report {
        dir,
        out: out_dir,
        format,
        charts,
        analysis,
        gate,
        max_output,
        wait,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Report")
    };
    let flags = Flags {
        analysis: Some(analysis),
        gate: Some(gate),
        out: out_dir.as_deref(),
        formats: format,
        charts,
        ..flags(dir)
    };
    let options = report::Options {
        max_output: *max_output,
        wait: *wait,
        csv_guard: csv_guard(cli),
    };
    report::run(&settings(cli, flags)?, &options, cli.quiet, out)
}

/// `tierscope diff`.
fn run_diff(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    let Command::Diff {
        old,
        new,
        tolerance,
        money_tolerance,
        format,
        fail_on,
        allow_other_dataset,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Diff")
    };
    let opts = diff::Options {
        old,
        new,
        tolerance: crate::baseline::Tolerance {
            fraction: *tolerance,
            money: *money_tolerance,
        },
        format: *format,
        fail_on: *fail_on,
        allow_other_dataset: *allow_other_dataset,
    };
    diff::run(&opts, out)
}

/// `tierscope trend`.
fn run_trend(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    let Command::Trend {
        dir,
        out: charts_dir,
        charts,
        top,
        format,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Trend")
    };
    let config = Config::load(cli.config.as_deref())?;
    let dir = dir.clone().or(config.history).ok_or_else(|| {
        Error::Usage(
            "no history folder (expected DIR, or `history = \"...\"` in tierscope.toml)".into(),
        )
    })?;
    let opts = trend::Options {
        dir: &dir,
        out: charts_dir.as_deref(),
        charts,
        top: *top,
        format: *format,
    };
    trend::run(&opts, cli.quiet, out)
}

/// `tierscope profile`.
fn run_profile(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    let Command::Profile {
        dir,
        entity,
        item,
        out: file,
        sign,
        as_of,
        disclose,
        capacity_threshold,
        trust,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Profile")
    };
    let flags = Flags {
        trust: Some(trust),
        ..flags(dir)
    };
    let opts = profile::Options {
        entity,
        item: item.as_deref(),
        out: file,
        sign: sign.as_deref(),
        as_of: as_of.as_deref(),
        disclose: disclose.is_some(),
        capacity_threshold: *capacity_threshold,
    };
    profile::run(&settings(cli, flags)?, &opts, out)
}

/// `tierscope screen`.
fn run_screen(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    let Command::Screen {
        dir,
        vendors,
        lists,
        threshold,
        block_threshold,
        alternates,
        list_dates,
        format,
        trust,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Screen")
    };
    let flags = Flags {
        trust: Some(trust),
        lists,
        ..flags(dir)
    };
    let options = screen::Options {
        threshold: *threshold,
        block_threshold: *block_threshold,
        alternates: *alternates,
        list_dates,
        csv_guard: csv_guard(cli),
    };
    screen::run(
        &settings(cli, flags)?,
        vendors,
        &options,
        *format,
        cli.quiet,
        out,
    )
}

/// `tierscope generate`.
fn run_generate(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    let Command::Generate {
        out: dir,
        supply_rows,
        seed,
        countries,
        depth,
        single_input,
        substitutes,
        distributors,
        shape,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Generate")
    };
    let opts = crate::generate::Options {
        supply_rows: *supply_rows,
        seed: *seed,
        countries: *countries,
        depth: *depth,
        single_input: *single_input,
        substitutes: *substitutes,
        distributors: *distributors,
        shape: *shape,
    };
    generate::run(dir, &opts, out)
}

/// The flags of a command that names only its dataset folder.
fn flags(dir: &Option<std::path::PathBuf>) -> Flags<'_> {
    Flags {
        dir: dir.as_deref(),
        ..Flags::default()
    }
}

/// `findings.csv` and `screen --format csv` guard formula cells unless `--no-csv-guard`.
fn csv_guard(cli: &Cli) -> crate::guard::CsvGuard {
    if cli.no_csv_guard {
        crate::guard::CsvGuard::Off
    } else {
        crate::guard::CsvGuard::On
    }
}

/// Refuses an output `estimate` says would pass `--max-output` (default
/// [`report::size::default_limit`] of the dataset's CSV) or the memory available.
fn check_size(
    settings: &Settings,
    estimate: &crate::report::size::Estimate,
    max_output: Option<u64>,
    what: &str,
) -> Result<()> {
    use crate::ingest::limits;
    let limit = max_output
        .unwrap_or_else(|| crate::report::size::default_limit(limits::dataset_size(&settings.dir)));
    crate::report::size::check(
        estimate,
        limit,
        max_output.is_some(),
        limits::available_memory(),
        what,
    )
    .map_err(Error::Usage)
}

/// The one settings step: the command's flags over the config file over the defaults.
fn settings(cli: &Cli, flags: Flags<'_>) -> Result<Settings> {
    Settings::resolve(&flags, &Config::load(cli.config.as_deref())?)
}

/// A spinner on stderr naming the phase of a long run; hidden under `--quiet` or when stderr
/// is not a terminal (cron, CI, pipes).
pub struct Progress(indicatif::ProgressBar);

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(bar)
    }

    pub fn phase(&self, what: &'static str) {
        self.0.set_message(what);
    }

    pub fn done(&self) {
        self.0.finish_and_clear();
    }
}

/// Writes a text document to the command's output, every control character but its line
/// feeds as a visible escape ([`crate::guard::text_lines`]).
fn emit_text(out: &mut dyn Write, text: &str) -> Result<()> {
    emit(out, crate::guard::text_lines(text).as_bytes())
}

/// Writes bytes to the command's output.
fn emit(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

/// Writes a value as pretty JSON and a newline, streamed: a report of millions of findings
/// is never held as one buffer.
fn emit_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    emit_with(out, |w| {
        serde_json::to_writer_pretty(&mut *w, value)?;
        w.write_all(b"\n")
    })
}

/// Writes to stdout through a buffer with `write`, and says where a failure happened.
fn emit_with(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    let written = write(&mut buffered).and_then(|_| buffered.flush());
    drop(buffered);
    written
        .and_then(|_| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

/// A closed stdout (`tierscope ... | head`) is a normal end, not an error.
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Prints an error for a person: the diagnostics first, then a summary line, each one line
/// whatever the input it quotes holds ([`crate::guard::text`]).
pub fn print_error(e: &Error, err: &mut dyn Write) {
    if let Error::InvalidDataset { diagnostics, .. } = e {
        for d in diagnostics {
            let _ = writeln!(err, "{}", crate::guard::text(&d.to_string()));
        }
    }
    let _ = writeln!(err, "error: {}", crate::guard::text(&e.to_string()));
}
