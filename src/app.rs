//! Runs a parsed command: loads, analyses, and writes to the given output.

use crate::analysis::{self, Settings};
use crate::cli::{AnalysisArgs, Cli, Command, TextOrJson, TrustArgs};
use crate::diag::{Diagnostic, Severity};
use crate::error::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Error, Result};
use crate::graph::ProductionGraph;
use crate::ingest;
use crate::model::{Dataset, Trust};
use crate::report;
use crate::summary::Summary;
use crate::whatif;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

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
            fail_on,
        } => {
            let settings = settings_from(args)?;
            let (ds, graph) = load_graph(dir, &args.trust)?;
            let report = analysis::analyze(&ds, &graph, &settings).map_err(Error::Usage)?;
            match format {
                TextOrJson::Text => emit(out, report::text::render(&report).as_bytes())?,
                TextOrJson::Json => emit_json(out, &report)?,
            }
            let failing =
                fail_on.is_some_and(|level| report.findings.iter().any(|f| f.severity <= level));
            Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
        }
        Command::Report {
            dir,
            out: out_dir,
            format,
            charts,
            analysis: args,
            fail_on,
        } => {
            let settings = settings_from(args)?;
            let (ds, graph) = load_graph(dir, &args.trust)?;
            let report = analysis::analyze(&ds, &graph, &settings).map_err(Error::Usage)?;
            let target = out_dir
                .clone()
                .unwrap_or_else(|| Path::new("reports").join(&ds.name));
            let files = report::render_files(&report, &ds, &graph, format, charts);
            report::write::write_all(&target, &files)?;
            let mut listing = String::new();
            for f in &files {
                listing.push_str(&format!("wrote {}\n", target.join(&f.path).display()));
            }
            emit(out, listing.as_bytes())?;
            Ok(exit_for(&report, *fail_on))
        }
        Command::Whatif {
            dir,
            fail,
            format,
            trust,
        } => {
            let (ds, graph) = load_graph(dir, trust)?;
            let result = whatif::run(&ds, &graph, fail).map_err(Error::Usage)?;
            match format {
                TextOrJson::Text => emit(out, result.to_text().as_bytes())?,
                TextOrJson::Json => emit_json(out, &result)?,
            }
            Ok(EXIT_OK)
        }
        Command::Generate {
            out: dir,
            supply_rows,
            seed,
            countries,
            depth,
            single_input,
        } => {
            let opts = crate::generate::Options {
                supply_rows: *supply_rows,
                seed: *seed,
                countries: *countries,
                depth: *depth,
                single_input: *single_input,
            };
            crate::generate::check(&opts).map_err(Error::Usage)?;
            let w = crate::generate::generate(dir, &opts).map_err(|source| Error::Write {
                path: dir.clone(),
                source,
            })?;
            let text = format!(
                "wrote {}: {} supply rows, {} entities, {} items, {} BOM rows, {} end products, {} ownership rows, {} restricted parties\n",
                dir.display(),
                w.supply_rows,
                w.entities,
                w.items,
                w.bom_rows,
                w.products,
                w.ownership_rows,
                w.restricted_rows
            );
            emit(out, text.as_bytes())?;
            Ok(EXIT_OK)
        }
    }
}

/// Exit code 1 when a finding is at or above `fail_on`.
fn exit_for(report: &analysis::Report, fail_on: Option<analysis::findings::Severity>) -> i32 {
    let failing = fail_on.is_some_and(|level| report.findings.iter().any(|f| f.severity <= level));
    if failing { EXIT_FINDINGS } else { EXIT_OK }
}

/// Turns the analysis flags into validated settings.
pub fn settings_from(args: &AnalysisArgs) -> Result<Settings> {
    for (name, v) in [
        ("--capacity-threshold", args.capacity_threshold),
        ("--hhi-threshold", args.hhi_threshold),
        ("--asymmetry-min", args.asymmetry_min),
        ("--asymmetry-gap", args.asymmetry_gap),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::Usage(format!(
                "{name} is {v} (expected a number from 0 to 1)"
            )));
        }
    }
    let mut levels = args.level.clone();
    levels.sort();
    levels.dedup();
    Ok(Settings {
        capacity_threshold: args.capacity_threshold,
        hhi_threshold: args.hhi_threshold,
        asymmetry_min: args.asymmetry_min,
        asymmetry_gap: args.asymmetry_gap,
        levels,
        product: args.product.clone(),
        untrust: args.trust.untrust.clone(),
        trust: args.trust.trust.clone(),
        ..Settings::default()
    })
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
        Err(Error::InvalidDataset { diagnostics, .. }) => (diagnostics, EXIT_ERROR),
        Err(e) => return Err(e),
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
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    let written = serde_json::to_writer_pretty(&mut buffered, value)
        .map_err(std::io::Error::from)
        .and_then(|_| buffered.write_all(b"\n"))
        .and_then(|_| buffered.flush());
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
