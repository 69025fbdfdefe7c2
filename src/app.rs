//! Runs a parsed command: loads, analyses, and writes to the given output.

use crate::analysis::groups::Level;
use crate::analysis::{self, Settings};
use crate::baseline;
use crate::cli::{
    AnalysisArgs, ChartFormat, Cli, Command, ExportFormat, GateArgs, ReportFormat, ScreenFormat,
    TextOrJson, TrustArgs,
};
use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::error::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Error, Result};
use crate::export;
use crate::gate::Reviewed;
use crate::graph::ProductionGraph;
use crate::ingest;
use crate::model::{Dataset, Trust};
use crate::report;
use crate::screen;
use crate::summary::Summary;
use crate::waiver::{self, Date, Waiver};
use crate::whatif;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs `cli`, writing its main output to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    match &cli.command {
        Command::Validate { dir, format } => validate(dir, *format, out),
        Command::Summary { dir, format } => {
            let loaded = ingest::load(dir)?;
            let graph = ProductionGraph::build(&loaded.dataset);
            let summary = Summary::new(&loaded.dataset, &graph);
            match format {
                TextOrJson::Text => emit(out, summary.to_text().as_bytes())?,
                TextOrJson::Json => emit_json(out, &summary)?,
            }
            Ok(EXIT_OK)
        }
        Command::Analyze {
            dir,
            format,
            analysis: args,
            gate,
        } => {
            let config = Config::load(cli.config.as_deref())?;
            let plan = Plan::new(dir.as_deref(), args, gate, &config)?;
            let progress = Progress::new(cli.quiet);
            let (_, _, report) = plan.run(&progress, cli.quiet, ingest::limits::ANALYZE)?;
            progress.done();
            match format {
                TextOrJson::Text => emit(out, report::text::render(&report).as_bytes())?,
                TextOrJson::Json => emit_with(out, |w| report::json::write(&report, w))?,
            }
            let code = plan.exit_code(&report);
            // The process ends here: the system takes its memory back at once, where
            // freeing the findings one by one took a second at 1M supply rows.
            std::mem::forget(report);
            Ok(code)
        }
        Command::Report {
            dir,
            out: out_dir,
            format,
            charts,
            analysis: args,
            gate,
        } => {
            let config = Config::load(cli.config.as_deref())?;
            let plan = Plan::new(dir.as_deref(), args, gate, &config)?;
            let progress = Progress::new(cli.quiet);
            let (ds, graph, report) = plan.run(&progress, cli.quiet, ingest::limits::REPORT)?;
            let target = out_dir
                .clone()
                .or_else(|| config.out.clone())
                .unwrap_or_else(|| Path::new("reports").join(&ds.name));
            let formats = pick(format, config.formats.as_deref(), &ReportFormat::ALL);
            let charts = pick(charts, config.charts.as_deref(), &ChartFormat::BOTH);
            progress.phase("rendering reports");
            // Each file is written to a temporary name as soon as it is rendered, and all
            // are renamed into place once every one is written.
            let staging = report::write::Staging::new(&target);
            let paths = report::render_to(&staging, &report, &ds, &graph, &formats, &charts)?;
            progress.phase("writing");
            staging.commit()?;
            progress.done();
            let mut listing = String::new();
            for path in &paths {
                listing.push_str(&format!("wrote {}\n", target.join(path).display()));
            }
            emit(out, listing.as_bytes())?;
            Ok(plan.exit_code(&report))
        }
        Command::Export {
            dir,
            format,
            out: out_file,
            trust,
        } => {
            let (ds, graph) = load_graph(dir, trust)?;
            let settings = Settings {
                untrust: trust.untrust.clone(),
                trust: trust.trust.clone(),
                ..Settings::default()
            };
            let report = analysis::analyze(&ds, &graph, &settings)?;
            let (nodes, edges) = export::attributes(&ds, &graph, &report);
            let bytes = match format {
                ExportFormat::Dot => export::dot(&nodes, &edges, &ds.name),
                ExportFormat::Graphml => export::graphml(&nodes, &edges, &ds.name),
                ExportFormat::Json => export::node_link_json(&nodes, &edges, &ds.name),
            };
            match out_file {
                None => emit(out, &bytes)?,
                Some(path) => {
                    let name = path.file_name().ok_or_else(|| {
                        Error::Usage(format!("--out {} is not a file name", path.display()))
                    })?;
                    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                    report::write::write_all(
                        parent.unwrap_or(Path::new(".")),
                        &[report::write::OutFile {
                            path: name.into(),
                            bytes,
                        }],
                    )?;
                }
            }
            Ok(EXIT_OK)
        }
        Command::Diff {
            old,
            new,
            tolerance,
            format,
            fail_on,
        } => {
            if !tolerance.is_finite() || *tolerance < 0.0 {
                return Err(Error::Usage(format!(
                    "--tolerance is {tolerance} (expected a number >= 0)"
                )));
            }
            let (a, b) = (baseline::read(old)?, baseline::read(new)?);
            let changes = baseline::compare(&a, &b, *tolerance);
            match format {
                TextOrJson::Text => emit(
                    out,
                    changes
                        .to_text(&old.display().to_string(), &new.display().to_string())
                        .as_bytes(),
                )?,
                TextOrJson::Json => emit_json(out, &changes)?,
            }
            let worse = changes
                .added
                .iter()
                .map(|f| f.severity)
                .chain(
                    changes
                        .severity_changed
                        .iter()
                        .filter(|m| m.new_severity < m.old_severity)
                        .map(|m| m.new_severity),
                )
                .any(|sev| fail_on.is_some_and(|level| sev <= level));
            Ok(if worse { EXIT_FINDINGS } else { EXIT_OK })
        }
        Command::Whatif {
            dir,
            fail,
            format,
            trust,
        } => {
            let (ds, graph) = load_graph(dir, trust)?;
            let result = whatif::run(&ds, &graph, fail)?;
            match format {
                TextOrJson::Text => emit(out, result.to_text().as_bytes())?,
                TextOrJson::Json => emit_json(out, &result)?,
            }
            Ok(EXIT_OK)
        }
        Command::Screen {
            dir,
            vendors,
            lists,
            threshold,
            block_threshold,
            format,
            trust,
        } => {
            let settings = screen_settings(*threshold, *block_threshold, trust)?;
            let (ds, _) = load_graph(dir, trust)?;
            // List files from the flags, else from tierscope.toml's `lists`.
            let config = Config::load(cli.config.as_deref())?;
            let lists = pick(lists, config.lists.as_deref(), &[]);
            let report = screen::run(dir, &ds, vendors, &lists, &settings)?;
            let bytes = match format {
                ScreenFormat::Text => screen::render::text(&report).into_bytes(),
                ScreenFormat::Json => screen::render::json(&report),
                ScreenFormat::Csv => screen::render::csv(&report),
            };
            emit(out, &bytes)?;
            Ok(EXIT_OK)
        }
        Command::Generate {
            out: dir,
            supply_rows,
            seed,
            countries,
            depth,
            single_input,
            substitutes,
            distributors,
        } => {
            let opts = crate::generate::Options {
                supply_rows: *supply_rows,
                seed: *seed,
                countries: *countries,
                depth: *depth,
                single_input: *single_input,
                substitutes: *substitutes,
                distributors: *distributors,
            };
            crate::generate::check(&opts).map_err(Error::Usage)?;
            let w = crate::generate::generate(dir, &opts).map_err(|source| Error::Write {
                path: dir.clone(),
                source,
            })?;
            let mut text = format!(
                "wrote {}: {} supply rows, {} entities, {} items, {} BOM rows, {} end products, {} ownership rows, {} restricted parties",
                dir.display(),
                w.supply_rows,
                w.entities,
                w.items,
                w.bom_rows,
                w.products,
                w.ownership_rows,
                w.restricted_rows
            );
            if opts.substitutes > 0.0 || opts.distributors > 0.0 {
                text.push_str(&format!(
                    "; {} BOM rows in groups of substitutes, {} distributors",
                    w.grouped_bom_rows, w.distributors
                ));
            }
            text.push('\n');
            emit(out, text.as_bytes())?;
            Ok(EXIT_OK)
        }
    }
}

/// The flag's values if given, else the config's, else the defaults.
fn pick<T: Clone>(flag: &[T], config: Option<&[T]>, default: &[T]) -> Vec<T> {
    if !flag.is_empty() {
        flag.to_vec()
    } else {
        config.unwrap_or(default).to_vec()
    }
}

/// Validates the screening thresholds.
fn screen_settings(
    threshold: f64,
    block_threshold: f64,
    trust: &TrustArgs,
) -> Result<screen::ScreenSettings> {
    for (name, v) in [
        ("--threshold", threshold),
        ("--block-threshold", block_threshold),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::Usage(format!(
                "{name} is {v} (expected a score from 0 to 1)"
            )));
        }
    }
    if block_threshold < threshold {
        return Err(Error::Usage(format!(
            "--block-threshold {block_threshold} is below --threshold {threshold} (expected it at or above)"
        )));
    }
    Ok(screen::ScreenSettings {
        threshold,
        block_threshold,
        analysis: Settings {
            untrust: trust.untrust.clone(),
            trust: trust.trust.clone(),
            ..Settings::default()
        },
    })
}

/// Everything an analysis run needs, from flags over the config file over defaults.
pub struct Plan {
    pub dir: PathBuf,
    pub settings: Settings,
    pub trust: TrustArgs,
    pub fail_on: Option<analysis::findings::Severity>,
    pub fail_on_new: bool,
    pub baseline: Option<PathBuf>,
    pub waivers: Vec<Waiver>,
}

impl Plan {
    pub fn new(
        dir: Option<&Path>,
        args: &AnalysisArgs,
        gate: &GateArgs,
        config: &Config,
    ) -> Result<Plan> {
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| config.dataset.clone())
            .ok_or_else(|| {
                Error::Usage(
                    "no dataset folder (expected DIR, or `dataset = \"...\"` in tierscope.toml)"
                        .into(),
                )
            })?;
        let defaults = Settings::default();
        let t = &config.thresholds;
        let capacity = args.capacity_threshold.or(t.capacity);
        let hhi = args.hhi_threshold.or(t.hhi);
        let amin = args.asymmetry_min.or(t.asymmetry_min);
        let agap = args.asymmetry_gap.or(t.asymmetry_gap);
        for (name, v) in [
            ("capacity threshold", capacity),
            ("HHI threshold", hhi),
            ("asymmetry minimum", amin),
            ("asymmetry gap", agap),
        ] {
            if let Some(v) = v
                && !(0.0..=1.0).contains(&v)
            {
                return Err(Error::Usage(format!(
                    "the {name} is {v} (expected a number from 0 to 1)"
                )));
            }
        }
        let mut levels = pick(&args.level, config.levels.as_deref(), &Level::ALL);
        levels.sort();
        levels.dedup();
        let trust = TrustArgs {
            untrust: pick(&args.trust.untrust, config.untrust.as_deref(), &[]),
            trust: pick(&args.trust.trust, config.trust.as_deref(), &[]),
        };
        let mut waivers = config.waiver.clone();
        for file in gate.waivers.iter().chain(config.waivers.iter()) {
            waivers.extend(waiver::load(file)?);
        }
        Ok(Plan {
            dir,
            settings: Settings {
                capacity_threshold: capacity.unwrap_or(defaults.capacity_threshold),
                hhi_threshold: hhi.unwrap_or(defaults.hhi_threshold),
                asymmetry_min: amin.unwrap_or(defaults.asymmetry_min),
                asymmetry_gap: agap.unwrap_or(defaults.asymmetry_gap),
                levels,
                product: args.product.clone(),
                untrust: trust.untrust.clone(),
                trust: trust.trust.clone(),
                ..defaults
            },
            trust,
            fail_on: gate.fail_on.or(config.fail_on),
            fail_on_new: gate.fail_on_new || config.fail_on_new.unwrap_or(false),
            baseline: gate.baseline.clone().or_else(|| config.baseline.clone()),
            waivers,
        })
    }

    /// Loads, analyses, and marks the report against the baseline and the waivers.
    pub fn run(
        &self,
        progress: &Progress,
        quiet: bool,
        work: ingest::limits::Work,
    ) -> Result<(Dataset, ProductionGraph, Reviewed)> {
        // Read the baseline first: a missing one is an error before any work.
        let baseline = match &self.baseline {
            Some(p) => Some((baseline::read(p)?, p)),
            None => None,
        };
        ingest::limits::check_fits(&self.dir, work)?;
        progress.phase("loading dataset");
        let mut ds = ingest::load(&self.dir)?.dataset;
        apply_trust(&mut ds, &self.trust)?;
        progress.phase("building graph");
        let graph = ProductionGraph::build(&ds);
        progress.phase("analysing");
        let report = analysis::analyze(&ds, &graph, &self.settings)?;
        let report = Reviewed::new(
            report,
            baseline.as_ref().map(|(old, path)| (old, path.as_path())),
            &self.waivers,
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

/// Loads a dataset, applies the trust policy, and builds its graph.
pub fn load_graph(dir: &Path, trust: &TrustArgs) -> Result<(Dataset, ProductionGraph)> {
    let mut ds = ingest::load(dir)?.dataset;
    apply_trust(&mut ds, trust)?;
    let graph = ProductionGraph::build(&ds);
    Ok((ds, graph))
}

/// Applies `--untrust` and `--trust`; a code that is not in countries.csv is a usage error.
pub fn apply_trust(ds: &mut Dataset, trust: &TrustArgs) -> Result<()> {
    if let Some(code) = trust.untrust.iter().find(|c| trust.trust.contains(c)) {
        return Err(Error::Usage(format!(
            "country {code} is in both --untrust and --trust (expected it in one)"
        )));
    }
    let overrides = trust
        .untrust
        .iter()
        .map(|c| (c.as_str(), Trust::Untrusted))
        .chain(trust.trust.iter().map(|c| (c.as_str(), Trust::Trusted)));
    let unknown = ds.override_trust(overrides);
    if !unknown.is_empty() {
        return Err(Error::Usage(format!(
            "unknown country code(s) {} in --untrust/--trust (expected codes from countries.csv: {})",
            unknown.join(", "),
            ds.countries
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

#[derive(Serialize)]
struct ValidateReport<'a> {
    dataset: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    diagnostics: &'a [Diagnostic],
}

fn validate(dir: &Path, format: TextOrJson, out: &mut dyn Write) -> Result<i32> {
    let (diagnostics, code) = match ingest::load(dir) {
        Ok(loaded) => (loaded.diagnostics, EXIT_OK),
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => (diagnostics, EXIT_ERROR),
        Err(e) => return Err(e.into()),
    };
    let count = |s| ingest::count(&diagnostics, s);
    let report = ValidateReport {
        dataset: ingest::dataset_name(dir),
        valid: code == EXIT_OK,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        diagnostics: &diagnostics,
    };
    match format {
        TextOrJson::Json => emit_json(out, &report)?,
        TextOrJson::Text => {
            let mut text = String::new();
            for d in &diagnostics {
                text.push_str(&d.to_string());
                text.push('\n');
            }
            text.push_str(&format!(
                "{}: {} ({} error(s), {} warning(s), {} note(s))\n",
                dir.display(),
                if report.valid { "valid" } else { "invalid" },
                report.errors,
                report.warnings,
                report.notes
            ));
            emit(out, text.as_bytes())?;
        }
    }
    Ok(code)
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

/// Prints an error for a person: the diagnostics first, then a summary line.
pub fn print_error(e: &Error, err: &mut dyn Write) {
    if let Error::InvalidDataset { diagnostics, .. } = e {
        for d in diagnostics {
            let _ = writeln!(err, "{d}");
        }
    }
    let _ = writeln!(err, "error: {e}");
}
