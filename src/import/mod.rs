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
    let layout = match columns::layout(&table.header, &maps) {
        Ok(l) => l,
        Err(problems) => {
            for (col, message) in problems {
                let place = match col {
                    Some(c) => table.cell(table.header_row, c),
                    None => table.origin.row(table.header_row),
                };
                diags.error("missing-column", place, message);
            }
            return Ok(fail(diags));
        }
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
    let extras = if with_extras {
        extras::load(&opts.file, kind, sheet.as_deref(), &mut diags)
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
                    .chain(
                        counts
                            .iter()
                            .map(|((sev, code), n)| format!("{n} {sev}(s) `{code}`")),
                    )
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
            return Ok(fail(diags));
        }
        Err(e) => return Err(e.into()),
    }
    for (file, bytes) in &files {
        let rows = bytes
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1);
        notes.written.push((file.clone(), rows));
    }
    let products: Vec<(String, String)> = out
        .products
        .iter()
        .map(|p| {
            (
                out.entities[p.entity].name.clone(),
                out.items[p.item].name.clone(),
            )
        })
        .collect();
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
            what: format!("{errors} error(s); nothing was written"),
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
            format!(" ({warnings} warning(s) above)")
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

/// A number as the dataset files write it.
fn num(v: f64) -> String {
    format!("{v}")
}

fn opt_num(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn opt_bool(v: Option<bool>) -> String {
    v.map(|b| b.to_string()).unwrap_or_default()
}

/// The dataset's CSV files.
pub fn render(o: &Out) -> Files {
    let mut files = Files::new();
    let mut csv_file = |name: &str, header: &[&str], rows: Vec<Vec<String>>| {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(header);
        for r in rows {
            let _ = w.write_record(&r);
        }
        files.insert(name.to_string(), w.into_inner().unwrap_or_default());
    };
    let mut countries: Vec<&build::OutCountry> = o.countries.iter().collect();
    countries.sort_by(|a, b| a.code.cmp(&b.code));
    let any_governance = countries.iter().any(|c| c.governance.is_some());
    csv_file(
        "countries.csv",
        if any_governance {
            &["code", "trust", "name", "governance"]
        } else {
            &["code", "trust", "name"]
        },
        countries
            .iter()
            .map(|c| {
                let mut r = vec![c.code.clone(), c.trust.as_str().to_string(), c.name.clone()];
                if any_governance {
                    r.push(c.governance.clone().unwrap_or_default());
                }
                r
            })
            .collect(),
    );
    let mut ents: Vec<usize> = (0..o.entities.len()).collect();
    ents.sort_by(|&a, &b| o.entities[a].id.cmp(&o.entities[b].id));
    csv_file(
        "entities.csv",
        &[
            "id",
            "name",
            "country",
            "kind",
            "restricted",
            "recovery_days",
        ],
        ents.iter()
            .map(|&i| {
                let e = &o.entities[i];
                vec![
                    e.id.clone(),
                    e.name.clone(),
                    e.country.clone(),
                    e.kind.clone().unwrap_or_default(),
                    opt_bool(e.restricted),
                    opt_num(e.recovery_days),
                ]
            })
            .collect(),
    );
    let mut items: Vec<usize> = (0..o.items.len()).collect();
    items.sort_by(|&a, &b| o.items[a].id.cmp(&o.items[b].id));
    csv_file(
        "items.csv",
        &["id", "name", "sector", "critical"],
        items
            .iter()
            .map(|&i| {
                let x = &o.items[i];
                vec![
                    x.id.clone(),
                    x.name.clone(),
                    x.sector.clone().unwrap_or_default(),
                    opt_bool(x.critical),
                ]
            })
            .collect(),
    );
    let eid = |i: usize| o.entities[i].id.clone();
    let iid = |i: usize| o.items[i].id.clone();
    // The `group` column only when some input has one: data without substitutes keeps the
    // columns it always had.
    let grouped = o.bom.iter().any(|b| b.3.is_some());
    let mut bom: Vec<Vec<String>> = o
        .bom
        .iter()
        .map(|(y, x, q, grp)| {
            let mut row = vec![iid(*y), iid(*x), opt_num(*q)];
            if grouped {
                row.push(grp.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    bom.sort();
    let header: &[&str] = if grouped {
        &["item", "input", "quantity", "group"]
    } else {
        &["item", "input", "quantity"]
    };
    csv_file("bom.csv", header, bom);
    // The largest table: sorted by ids without copying them, written without a string per cell.
    let mut order: Vec<&build::OutSupply> = o.supply.iter().collect();
    order.sort_unstable_by(|a, b| {
        let key = |s: &build::OutSupply| {
            (
                o.entities[s.supplier].id.as_str(),
                o.entities[s.buyer].id.as_str(),
                o.items[s.item].id.as_str(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut w = csv::Writer::from_writer(Vec::with_capacity(o.supply.len() * 48));
    let _ = w.write_record([
        "supplier",
        "buyer",
        "item",
        "share",
        "qualified",
        "lead_time_days",
    ]);
    let (mut share, mut lead) = (String::new(), String::new());
    for s in order {
        share.clear();
        lead.clear();
        if let Some(v) = s.share {
            let _ = std::fmt::Write::write_fmt(&mut share, format_args!("{v}"));
        }
        if let Some(v) = s.lead_time_days {
            let _ = std::fmt::Write::write_fmt(&mut lead, format_args!("{v}"));
        }
        let _ = w.write_record([
            o.entities[s.supplier].id.as_str(),
            o.entities[s.buyer].id.as_str(),
            o.items[s.item].id.as_str(),
            &share,
            if s.qualified { "true" } else { "false" },
            &lead,
        ]);
    }
    let supply_bytes = w.into_inner().unwrap_or_default();
    let mut products: Vec<Vec<String>> = o
        .products
        .iter()
        .map(|p| {
            vec![
                eid(p.entity),
                iid(p.item),
                opt_num(p.annual_revenue),
                opt_num(p.inventory_days),
            ]
        })
        .collect();
    products.sort();
    csv_file(
        "products.csv",
        &["entity", "item", "annual_revenue", "inventory_days"],
        products,
    );
    if !o.ownership.is_empty() {
        let mut rows: Vec<Vec<String>> = o
            .ownership
            .iter()
            .map(|(a, b, s)| vec![eid(*a), eid(*b), num(*s)])
            .collect();
        rows.sort();
        csv_file("ownership.csv", &["owner", "entity", "share"], rows);
    }
    if !o.restricted.is_empty() {
        let rows: Vec<Vec<String>> = o
            .restricted
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.entity.map(eid).unwrap_or_default(),
                    r.list.clone().unwrap_or_default(),
                    r.program.clone().unwrap_or_default(),
                    r.country.clone().unwrap_or_default(),
                ]
            })
            .collect();
        csv_file(
            "restricted.csv",
            &["name", "entity", "list", "program", "country"],
            rows,
        );
    }
    files.insert("supply.csv".to_string(), supply_bytes);
    files
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
