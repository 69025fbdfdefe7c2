//! The tables a sourcing sheet has no room for — countries with their trust, ownership,
//! restricted parties — read beside it when present: in a workbook, the sheets named
//! `Countries`, `Ownership` and `Restricted`; beside a CSV file `STEM.csv`, the files
//! `STEM.countries.csv`, `STEM.ownership.csv` and `STEM.restricted.csv`. Their columns are
//! those of the dataset files of the same names; entities are named by id or by name.
//! `tierscope export --format flat` writes them.

use super::build::{Out, OutCountry};
use super::columns::fold;
use super::problem::{Place, Problems};
use super::report::Notes;
use super::table::{self, Kind, Table};
use crate::model::Trust;
use foldhash::HashMap;
use std::path::Path;

/// The extra tables' names, as sheets and as the middle part of sibling file names.
pub const NAMES: [&str; 3] = ["countries", "ownership", "restricted"];

/// A restricted party of the extra table, with its entity resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RestrictedRow {
    pub name: String,
    pub entity: Option<usize>,
    pub list: Option<String>,
    pub program: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone)]
struct Ref {
    text: String,
    place: Place,
}

#[derive(Debug, Default)]
pub struct Extras {
    pub countries: Vec<OutCountry>,
    ownership: Vec<(Ref, Ref, f64)>,
    restricted: Vec<(String, Option<Ref>, [Option<String>; 3])>,
    /// Where each table was read from, and how many rows.
    pub sources: Vec<String>,
}

/// The extra tables beside `path` (a CSV file) or in its workbook (`kind` is not CSV).
/// `table_sheet` is the sheet the flat table came from, never read as an extra.
pub fn load(path: &Path, kind: Kind, table_sheet: Option<&str>, diags: &mut Problems) -> Extras {
    let mut extras = Extras::default();
    for name in NAMES {
        let opened = match kind {
            Kind::Csv => {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let Some(stem) = stem else { continue };
                let sibling = path.with_file_name(format!("{stem}.{name}.csv"));
                if !sibling.is_file() {
                    continue;
                }
                table::open(&sibling, None)
            }
            _ => {
                let Ok(bytes) = std::fs::read(path) else {
                    continue;
                };
                let file = path.display().to_string();
                // Find the sheet by name without reading the others.
                let probe = table::open_workbook(file.clone(), kind, bytes.clone(), None);
                let Ok(probe) = probe else { continue };
                let Some(sheet) = probe
                    .sheets
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(name) && Some(s.as_str()) != table_sheet)
                    .cloned()
                else {
                    continue;
                };
                table::open_workbook(file, kind, bytes, Some(&sheet))
            }
        };
        let mut t = match opened {
            Ok(t) => t,
            Err(e) => {
                if e.code != "empty-table" {
                    diags.opening(e);
                }
                continue;
            }
        };
        let rows = match table::read_all(&mut t) {
            Ok(rows) => rows,
            Err(e) => {
                diags.opening(e);
                continue;
            }
        };
        extras.sources.push(format!(
            "{} from {} ({} rows)",
            name,
            t.origin.file(),
            rows.len()
        ));
        match name {
            "countries" => countries(&t, &rows, diags, &mut extras),
            "ownership" => ownership(&t, &rows, diags, &mut extras),
            _ => restricted(&t, &rows, diags, &mut extras),
        }
    }
    extras
}

type Rows = [table::TextRow];

/// The column of each wanted name; a missing required one is an error on the header.
fn columns(t: &Table, wanted: &[(&str, bool)], diags: &mut Problems) -> Option<Vec<Option<usize>>> {
    let folded: Vec<String> = t.header.iter().map(|h| fold(h).words).collect();
    let cols: Vec<Option<usize>> = wanted
        .iter()
        .map(|(w, _)| folded.iter().position(|f| f == w))
        .collect();
    let missing: Vec<&str> = wanted
        .iter()
        .zip(&cols)
        .filter(|((_, req), c)| *req && c.is_none())
        .map(|((w, _), _)| *w)
        .collect();
    if !missing.is_empty() {
        diags.error(
            "missing-column",
            t.origin.row(t.header_row),
            format!(
                "missing {} {} (expected a header with {})",
                if missing.len() == 1 {
                    "column"
                } else {
                    "columns"
                },
                missing.join(", "),
                wanted
                    .iter()
                    .filter(|(_, r)| *r)
                    .map(|(w, _)| *w)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return None;
    }
    Some(cols)
}

/// A cell's text, `None` when empty; an unreadable cell is reported.
fn cell(
    t: &Table,
    row: u64,
    cells: &[Result<String, String>],
    col: Option<usize>,
    diags: &mut Problems,
) -> Option<String> {
    let c = col?;
    match cells.get(c) {
        Some(Ok(s)) if !s.is_empty() => Some(s.clone()),
        Some(Err(why)) => {
            diags.error("unreadable-cell", t.cell(row, c), format!("cell {why}"));
            None
        }
        _ => None,
    }
}

fn countries(t: &Table, rows: &Rows, diags: &mut Problems, extras: &mut Extras) {
    let Some(cols) = columns(
        t,
        &[
            ("code", true),
            ("trust", false),
            ("name", false),
            ("governance", false),
        ],
        diags,
    ) else {
        return;
    };
    for (row, cells) in rows {
        let Some(code) = cell(t, *row, cells, cols[0], diags) else {
            continue;
        };
        let trust = match cell(t, *row, cells, cols[1], diags) {
            None => Trust::Neutral,
            Some(text) => match Trust::parse(&text) {
                Some(tr) => tr,
                None => {
                    diags.error(
                        "bad-value",
                        t.cell(*row, cols[1].unwrap_or(0)),
                        format!("trust `{text}` (expected trusted, neutral or untrusted)"),
                    );
                    continue;
                }
            },
        };
        let name = cell(t, *row, cells, cols[2], diags).unwrap_or_else(|| {
            super::country::by_alpha2(&code).map_or_else(|| code.clone(), |c| c.name)
        });
        extras.countries.push(OutCountry {
            code,
            trust,
            name,
            governance: cell(t, *row, cells, cols[3], diags),
        });
    }
}

fn ownership(t: &Table, rows: &Rows, diags: &mut Problems, extras: &mut Extras) {
    let Some(cols) = columns(
        t,
        &[("owner", true), ("entity", true), ("share", true)],
        diags,
    ) else {
        return;
    };
    for (row, cells) in rows {
        let owner = cell(t, *row, cells, cols[0], diags);
        let entity = cell(t, *row, cells, cols[1], diags);
        let share = cell(t, *row, cells, cols[2], diags);
        let (Some(owner), Some(entity), Some(share)) = (owner, entity, share) else {
            diags.error(
                "empty-required-cell",
                t.origin.row(*row),
                "an ownership row needs an owner, an entity and a share",
            );
            continue;
        };
        let at = t.cell(*row, cols[2].unwrap_or(0));
        let v = match super::number::read(&share, None) {
            Ok(r) if !r.negative && !r.is_ambiguous() => {
                if r.percent {
                    r.value / 100.0
                } else {
                    r.value
                }
            }
            _ => {
                diags.error(
                    "bad-value",
                    at,
                    format!("share `{share}` (expected a fraction above 0 and at most 1, or a percentage)"),
                );
                continue;
            }
        };
        if !(v > 0.0 && v <= 1.0) {
            diags.error(
                "bad-value",
                at,
                format!("share `{share}` (expected a fraction above 0 and at most 1)"),
            );
            continue;
        }
        extras.ownership.push((
            Ref {
                text: owner,
                place: t.cell(*row, cols[0].unwrap_or(0)),
            },
            Ref {
                text: entity,
                place: t.cell(*row, cols[1].unwrap_or(0)),
            },
            v,
        ));
    }
}

fn restricted(t: &Table, rows: &Rows, diags: &mut Problems, extras: &mut Extras) {
    let Some(cols) = columns(
        t,
        &[
            ("name", true),
            ("entity", false),
            ("list", false),
            ("program", false),
            ("country", false),
        ],
        diags,
    ) else {
        return;
    };
    for (row, cells) in rows {
        let Some(name) = cell(t, *row, cells, cols[0], diags) else {
            diags.error(
                "empty-required-cell",
                t.cell(*row, cols[0].unwrap_or(0)),
                "a restricted party needs a name",
            );
            continue;
        };
        let entity = cell(t, *row, cells, cols[1], diags).map(|text| Ref {
            text,
            place: t.cell(*row, cols[1].unwrap_or(0)),
        });
        let rest = [
            cell(t, *row, cells, cols[2], diags),
            cell(t, *row, cells, cols[3], diags),
            cell(t, *row, cells, cols[4], diags),
        ];
        extras.restricted.push((name, entity, rest));
    }
}

/// The entities by id and by name, to resolve the extra tables' references.
struct Index<'a> {
    by_id: HashMap<&'a str, usize>,
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(out: &'a Out) -> Index<'a> {
        let mut by_id = HashMap::default();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, e) in out.entities.iter().enumerate() {
            by_id.insert(e.id.as_str(), i);
            by_name.entry(e.name.as_str()).or_default().push(i);
        }
        Index { by_id, by_name }
    }

    /// The entity an extra table names, by id, else by name.
    fn entity(&self, r: &Ref, diags: &mut Problems) -> Option<usize> {
        if let Some(&i) = self.by_id.get(r.text.as_str()) {
            return Some(i);
        }
        match self.by_name.get(r.text.as_str()).map(Vec::as_slice) {
            Some([i]) => Some(*i),
            None | Some([]) => {
                diags.error(
                    "unknown-reference",
                    r.place.clone(),
                    format!(
                        "`{}` is no entity of the table (expected the id or name of a supplier or buyer; an owner that neither supplies nor buys needs a row of its own, with only the supplier and its country)",
                        r.text
                    ),
                );
                None
            }
            Some(many) => {
                diags.error(
                    "unknown-reference",
                    r.place.clone(),
                    format!(
                        "`{}` names {} entities (expected an id)",
                        r.text,
                        many.len()
                    ),
                );
                None
            }
        }
    }
}

/// Adds the ownership and restricted tables to the dataset, their entities resolved.
pub fn attach(diags: &mut Problems, notes: &mut Notes, extras: &Extras, out: &mut Out) {
    notes.extras = extras.sources.clone();
    let mut ownership = Vec::new();
    let mut restricted = Vec::new();
    {
        let index = Index::new(out);
        for (owner, ent, share) in &extras.ownership {
            if let (Some(o), Some(e)) = (index.entity(owner, diags), index.entity(ent, diags)) {
                ownership.push((o, e, *share));
            }
        }
        for (name, ent, [list, program, country]) in &extras.restricted {
            let entity = match ent {
                Some(r) => match index.entity(r, diags) {
                    Some(e) => Some(e),
                    None => continue,
                },
                None => None,
            };
            restricted.push(RestrictedRow {
                name: name.clone(),
                entity,
                list: list.clone(),
                program: program.clone(),
                country: country.clone(),
            });
        }
    }
    out.ownership = ownership;
    out.restricted = restricted;
}

/// The file beside a CSV table `STEM.csv` that holds the extra table `name`.
pub fn sibling(path: &Path, name: &str) -> Option<std::path::PathBuf> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    Some(path.with_file_name(format!("{stem}.{name}.csv")))
}
