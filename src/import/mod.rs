//! `tierscope import FILE --out DIR`: one flat sourcing table (CSV, or a sheet of an `.xlsx`,
//! `.xls` or `.ods` workbook) in, a dataset folder that `validate` accepts out, with
//! `import-report.md` saying every decision made on the way.
//!
//! 1. [`table`] reads the file: the CSV delimiter is told from the lines, a workbook's sheet
//!    is read through `calamine`.
//! 2. [`columns`] tells each column's field from its header (synonyms, `--map`).
//! 3. [`read`] takes every row into compact records, each text interned once.
//! 4. [`build`] makes the tables: countries to ISO codes ([`country`]), ids from names
//!    ([`names`]), numbers as written ([`number`]), shares from amounts, the BOM from the
//!    used-for cells, end products; [`extras`] adds countries, ownership and restricted
//!    parties kept beside the table.
//! 5. The tables are checked by the dataset loader itself, then written all at once.
//!
//! Every problem is collected with its cell ([`problem`]); nothing is written when there is
//! an error. [`flat_export`] writes a dataset back in this layout.

pub mod build;
pub mod columns;
pub mod country;
pub mod extras;
mod files;
pub mod flat_export;
pub mod names;
pub mod number;
pub mod problem;
pub mod read;
pub mod report;
pub mod table;

use crate::error::{Error, Result};
use crate::ingest;
use build::{Out, Settings};
use columns::Field;
pub use files::render;
use problem::Problems;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `tierscope import` was asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub file: PathBuf,
    pub out: PathBuf,
    pub sheet: Option<String>,
    /// `--map FIELD=HEADER`, as written.
    pub maps: Vec<String>,
    pub placeholders: Vec<String>,
    pub force: bool,
    pub quiet: bool,
    pub settings: Settings,
}

/// The file the report is written to, in the output folder.
pub const REPORT_FILE: &str = "import-report.md";

/// The dataset's files, as bytes, by name.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What an import made, before it is written.
pub struct Imported {
    pub files: Files,
    pub out: Out,
    pub problems: Problems,
}

/// Parses `--map FIELD=HEADER` pairs.
pub fn parse_maps(maps: &[String]) -> Result<Vec<(Field, String)>> {
    maps.iter()
        .map(|m| {
            let (field, header) = m.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "--map {m} is not FIELD=HEADER (expected e.g. --map supplier=\"Vendor Name\")"
                ))
            })?;
            let f = Field::by_name(field).ok_or_else(|| {
                Error::Usage(format!(
                    "--map {m}: unknown field `{field}` (expected one of: {})",
                    columns::FIELDS
                        .iter()
                        .map(|i| i.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            Ok((f, header.trim().to_string()))
        })
        .collect()
}

/// Reads and converts the table; `Err` only for usage errors. Problems in the table are in
/// [`Imported::problems`], and when any is an error, `files` is empty.
pub fn import(opts: &Options) -> Result<Imported> {
    convert(table::open(&opts.file, opts.sheet.as_deref()), opts, true)
}

/// [`import`] of a table held in memory (`name` names it in problems), without the extra
/// tables beside it. The fuzz target's entry.
pub fn import_bytes(name: &str, bytes: Vec<u8>, opts: &Options) -> Result<Imported> {
    let opened = match table::kind_of(&bytes) {
        table::Kind::Csv => table::open_csv(name.to_string(), bytes, Box::new(std::io::empty())),
        kind => table::open_workbook(name.to_string(), kind, bytes, opts.sheet.as_deref()),
    };
    convert(opened, opts, false)
}

fn convert(
    opened: std::result::Result<table::Table, table::OpenError>,
    opts: &Options,
    with_extras: bool,
) -> Result<Imported> {
    let maps = parse_maps(&opts.maps)?;
    let mut diags = Problems::default();
    let mut notes = report::Notes::default();
    let fail = |diags: Problems| Imported {
        files: Files::new(),
        out: Out::default(),
        problems: diags,
    };
    let mut table = match opened {
        Ok(t) => t,
        Err(e) => {
            diags.opening(e);
            return Ok(fail(diags));
        }
    };
    notes.source.push(format!(
        "{} (header on row {})",
        table.origin.file(),
        table.header_row
    ));
    notes.source.extend(table.notes.iter().cloned());
    let Some(layout) = layout(&table, &maps, &mut diags) else {
        return Ok(fail(diags));
    };
    let placeholders = names::Placeholders::new(&opts.placeholders);
    let raw = read::read(&mut table, &layout, &placeholders, &mut diags);
    notes.rows = raw.rows.len() as u64;
    if raw.rows.is_empty() && !diags.has_errors() {
        diags.error(
            "empty-table",
            table.origin.file(),
            "the table has a header but no rows (expected a row per supplier, buyer and item)",
        );
    }
    note_placeholders(&mut notes, &raw, &table);
    let extras = if with_extras {
        extras_beside(&table, opts, &mut diags)
    } else {
        extras::Extras::default()
    };
    let out = {
        let mut cx = build::Ctx {
            origin: &table.origin,
            first_column: table.first_column,
            header: &table.header,
            layout: &layout,
            settings: &opts.settings,
            diags: &mut diags,
            notes: &mut notes,
        };
        build::build(&mut cx, &raw, &extras)
    };
    notes.unknown_country_entities = out
        .entities
        .iter()
        .filter(|e| e.country == country::UNKNOWN)
        .count();
    if diags.has_errors() {
        return Ok(fail(diags));
    }
    let mut files = render(&out);
    // The loader itself checks the result: what it refuses is not written.
    let name = opts.out.clone();
    let source = ingest::table::InMemory(std::mem::take(&mut files));
    let loaded = ingest::load_from(&name, &source);
    files = source.0;
    if !check_result(loaded, &mut notes, &mut diags)? {
        return Ok(fail(diags));
    }
    note_written(&mut notes, &files);
    let products = product_names(&out);
    files.insert(
        REPORT_FILE.to_string(),
        report::render(&notes, &table.header, &layout, &products).into_bytes(),
    );
    Ok(Imported {
        files,
        out,
        problems: diags,
    })
}

/// The table's layout; a missing or unreadable column is an error at its header cell.
fn layout(
    table: &table::Table,
    maps: &[(Field, String)],
    diags: &mut Problems,
) -> Option<columns::Layout> {
    match columns::layout(&table.header, maps) {
        Ok(l) => Some(l),
        Err(problems) => {
            for (col, message) in problems {
                let place = match col {
                    Some(c) => table.cell(table.header_row, c),
                    None => table.origin.row(table.header_row),
                };
                diags.error("missing-column", place, message);
            }
            None
        }
    }
}

/// Notes the placeholders met, with their first cell.
fn note_placeholders(notes: &mut report::Notes, raw: &read::Read, table: &table::Table) {
    for ((field, text), u) in &raw.placeholders {
        notes.placeholders.push((
            *field,
            text.clone(),
            u.rows,
            table.cell(u.first.row, u.first.col).to_string(),
        ));
    }
    notes.country_placeholders = raw
        .country_placeholders
        .iter()
        .map(|(t, n)| (t.clone(), *n))
        .collect();
}

/// The extra tables beside the table (files beside a CSV, sheets of a workbook).
fn extras_beside(table: &table::Table, opts: &Options, diags: &mut Problems) -> extras::Extras {
    let kind = match &table.origin {
        problem::Origin::Csv { .. } => table::Kind::Csv,
        problem::Origin::Sheet { .. } => {
            let mut head = [0u8; 8];
            let _ = std::fs::File::open(&opts.file).and_then(|mut f| {
                use std::io::Read;
                f.read(&mut head)
            });
            table::kind_of(&head)
        }
    };
    let sheet = match &table.origin {
        problem::Origin::Sheet { sheet, .. } => Some(sheet.clone()),
        problem::Origin::Csv { .. } => None,
    };
    extras::load(&opts.file, kind, sheet.as_deref(), diags)
}

/// Notes what the loader says of the result; `false` when it refuses it (its errors added).
fn check_result(
    loaded: std::result::Result<ingest::Loaded, tierscope_core::Error>,
    notes: &mut report::Notes,
    diags: &mut Problems,
) -> Result<bool> {
    match loaded {
        Ok(loaded) => {
            let mut counts: BTreeMap<(String, &str), usize> = BTreeMap::new();
            for d in &loaded.diagnostics {
                *counts.entry((d.severity.to_string(), d.code)).or_insert(0) += 1;
            }
            notes.validation = if counts.is_empty() {
                vec!["valid, with no warning".into()]
            } else {
                std::iter::once("valid".to_string())
                    .chain(counts.iter().map(|((sev, code), n)| {
                        let sev = sev.to_string();
                        format!(
                            "{} `{code}`",
                            tierscope_core::numbers::plural(*n, &sev, &format!("{sev}s"))
                        )
                    }))
                    .collect()
            };
        }
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => {
            for d in diagnostics
                .iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
            {
                diags.error(
                    "invalid-result",
                    problem::Place::new(d.file.clone()),
                    format!(
                        "the dataset made from the table is not valid: {}[{}]: {}",
                        d.severity, d.code, d.message
                    ),
                );
            }
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(true)
}

/// Notes each file written with its number of rows.
fn note_written(notes: &mut report::Notes, files: &Files) {
    for (file, bytes) in files {
        let rows = bytes
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1);
        notes.written.push((file.clone(), rows));
    }
}

/// The end products by (entity name, item name), for the report.
fn product_names(out: &Out) -> Vec<(String, String)> {
    out.products
        .iter()
        .map(|p| {
            (
                out.entities[p.entity].name.clone(),
                out.items[p.item].name.clone(),
            )
        })
        .collect()
}

/// Runs `tierscope import`: writes the dataset and its report, or lists every problem on
/// `err` and writes nothing.
pub fn run(opts: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32> {
    check_out(&opts.out, opts.force)?;
    let imported = import(opts)?;
    let errors = imported.problems.errors();
    let warnings =
        imported.problems.as_slice().len() - errors.min(imported.problems.as_slice().len());
    if errors > 0 || !opts.quiet {
        for line in imported.problems.into_lines() {
            let _ = writeln!(err, "{line}");
        }
    }
    if errors > 0 {
        return Err(Error::Input {
            path: opts.file.clone(),
            what: format!(
                "{}; nothing was written",
                tierscope_core::numbers::plural(errors, "error", "errors")
            ),
        });
    }
    write(&opts.out, &imported.files, opts.force)?;
    let o = &imported.out;
    let text = format!(
        "wrote {}: {} countries, {} entities, {} items, {} BOM rows, {} supply rows, {} end products{}; see {}\n",
        opts.out.display(),
        o.countries.len(),
        o.entities.len(),
        o.items.len(),
        o.bom.len(),
        o.supply.len(),
        o.products.len(),
        if warnings > 0 {
            format!(
                " ({} above)",
                tierscope_core::numbers::plural(warnings, "warning", "warnings")
            )
        } else {
            String::new()
        },
        opts.out.join(REPORT_FILE).display()
    );
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })?;
    Ok(crate::error::EXIT_OK)
}

/// Refuses to overwrite a dataset in `dir` without `--force`.
fn check_out(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--out {} is a file (expected a folder for the dataset)",
            dir.display()
        )));
    }
    let existing: Vec<&str> = ingest::FILES
        .iter()
        .copied()
        .filter(|f| dir.join(f).exists())
        .collect();
    if !existing.is_empty() && !force {
        return Err(Error::Usage(format!(
            "{} already holds a dataset ({}); nothing was written (expected a new folder, or --force to replace it)",
            dir.display(),
            existing.join(", ")
        )));
    }
    Ok(())
}

/// Writes every file all at once; with `force`, dataset files of an earlier dataset that
/// this one does not have are removed after.
fn write(dir: &Path, files: &Files, force: bool) -> Result<()> {
    let staging = crate::report::write::Staging::new(dir);
    for (name, bytes) in files {
        crate::report::write::Sink::file(&staging, Path::new(name), &mut |w| w.write_all(bytes))?;
    }
    staging.commit()?;
    if force {
        for f in ingest::FILES {
            if !files.contains_key(f) {
                let path = dir.join(f);
                if path.exists() {
                    std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
                }
            }
        }
    }
    Ok(())
}

/// Runs `tierscope import` from the command line: the flags, over the settings file's
/// `untrust` and `trust` (the trust policy).
pub fn run_command(cli: &crate::cli::Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32> {
    let crate::cli::Command::Import {
        file,
        out: dir,
        sheet,
        maps,
        decimal,
        placeholders,
        merge_similar,
        products,
        force,
        trust,
    } = &cli.command
    else {
        return Err(Error::Usage("not an import command".into()));
    };
    let config = crate::config::Config::load(cli.config.as_deref())?;
    let opts = Options {
        file: file.clone(),
        out: dir.clone(),
        sheet: sheet.clone(),
        maps: maps.clone(),
        placeholders: placeholders.clone(),
        force: *force,
        quiet: cli.quiet,
        settings: Settings {
            decimal: *decimal,
            untrust: trust.untrust.clone(),
            trust: trust.trust.clone(),
            policy_untrust: config.untrust.clone().unwrap_or_default(),
            policy_trust: config.trust.clone().unwrap_or_default(),
            merge_similar: *merge_similar,
            products: products.clone(),
        },
    };
    run(&opts, out, err)
}
