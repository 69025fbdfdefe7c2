//! Reading a dataset folder into a validated [`Dataset`].
//!
//! [`load`] reads every file, collects every problem (see [`crate::diag`]), runs the
//! cross-file checks of [`validate`], and returns the dataset only when there is no error,
//! in the [`canonical`] order that makes every output independent of the order of the rows.

pub mod canonical;
pub mod id_chars;
mod ids;
pub mod lei;
pub mod limits;
mod suggestions;
pub mod table;
pub mod validate;

use crate::diag::{At, Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::model::*;
use foldhash::{HashMap, HashSet, HashSetExt};
use ids::{Ids, Refs};
use std::cell::{Cell, RefCell};
use std::path::Path;
pub use suggestions::{MAX_SUGGESTED_ID, SUGGESTION_BUDGET, count, did_you_mean, hint, suggest};
use table::{Outcome, Row, opt, req};

/// A dataset that loaded without errors, with its warnings and notes.
#[derive(Debug)]
pub struct Loaded {
    pub dataset: Dataset,
    pub diagnostics: Vec<Diagnostic>,
}

/// The files of a dataset, in the order they are read.
pub const FILES: [&str; 8] = [
    "countries.csv",
    "entities.csv",
    "items.csv",
    "bom.csv",
    "supply.csv",
    "products.csv",
    "ownership.csv",
    "restricted.csv",
];

/// Loads and validates the dataset in `dir`.
///
/// Returns [`Error::InvalidDataset`] with every diagnostic when any error was found (an
/// unreadable file included), and an input error when the folder is missing, is a file, or
/// holds more data than the memory available can take (see [`limits`]).
///
/// O(R log R) for R rows in all (the canonical order sorts every table).
///
/// ```
/// use tierscope_core::{Error, ingest};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
/// let loaded = ingest::load(&dir)?;
/// assert_eq!(loaded.dataset.name, "mini");
/// assert!(loaded.dataset.entity_ix.contains_key("fab-tw"));
/// // Warnings (here: inputs nobody mapped) come with the dataset; errors stop it.
/// assert!(!loaded.diagnostics.is_empty());
/// match ingest::load(&dir.join("no-such-folder")) {
///     Err(Error::Input { what, .. }) => assert!(what.contains("no such folder")),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Error>(())
/// ```
pub fn load(dir: &Path) -> Result<Loaded> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::Input {
                path: dir.to_path_buf(),
                what: format!(
                    "is a file (expected a dataset folder of CSV files){}",
                    flat_table_hint(dir)
                ),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Input {
                path: dir.to_path_buf(),
                what: "no such folder (expected a dataset folder of CSV files)".into(),
            });
        }
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    // A folder with no dataset file but one table in it holds a flat sourcing table.
    if !FILES.iter().any(|f| dir.join(f).exists()) {
        let tables: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && !flat_table_hint(p).is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let [table] = tables.as_slice() {
            return Err(Error::Input {
                path: dir.to_path_buf(),
                what: format!(
                    "has none of the dataset files ({}), but one table{}",
                    FILES[..6].join(", "),
                    flat_table_hint(table)
                ),
            });
        }
    }
    limits::check_fits(dir, limits::LOAD)?;
    load_from(dir, &table::Folder(dir))
}

/// For a file that looks like a table (by its extension), the hint to import it.
fn flat_table_hint(file: &Path) -> String {
    let table = file.extension().is_some_and(|e| {
        ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"]
            .iter()
            .any(|t| e.eq_ignore_ascii_case(t))
    });
    // A file of a dataset (`supply.csv`) is not a flat table: the folder was meant.
    let dataset_file = file
        .file_name()
        .is_some_and(|n| FILES.iter().any(|f| n.eq_ignore_ascii_case(f)));
    if !table || dataset_file {
        return String::new();
    }
    format!(
        ": this looks like a flat sourcing table: run tierscope import {} --out DIR",
        file.display()
    )
}

/// Loads and validates a dataset whose files come from `source` (a folder, memory, ...).
/// `dir` names the files in diagnostics and gives the dataset its name; it is not read.
pub fn load_from(dir: &Path, source: &dyn table::Source) -> Result<Loaded> {
    let mut diags = Diagnostics::new();
    let mut loader = Loader {
        dir,
        source,
        ds: Dataset {
            name: dataset_name(dir),
            ..Dataset::default()
        },
        diags: &mut diags,
        missing: HashSet::new(),
        suggestions_left: Cell::new(SUGGESTION_BUDGET),
        tainted: RefCell::new(HashSet::new()),
    };
    loader.countries()?;
    loader.entities()?;
    loader.items()?;
    loader.bom()?;
    loader.supply()?;
    loader.products()?;
    loader.ownership()?;
    loader.restricted()?;
    let dataset = loader.ds;
    validate::check(dir, &dataset, &mut diags);
    if diags.has_errors() {
        return Err(Error::InvalidDataset {
            dir: dir.to_path_buf(),
            diagnostics: sorted(diags.into_vec()),
        });
    }
    Ok(Loaded {
        dataset: canonical::canonical(dataset),
        diagnostics: sorted(diags.into_vec()),
    })
}

/// Errors first, then by file order, line and column; stable otherwise.
fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let order = |file: &str| {
        FILES
            .iter()
            .position(|f| file.ends_with(f))
            .unwrap_or(FILES.len())
    };
    diagnostics.sort_by(|a, b| {
        (a.severity, order(&a.file), &a.file, a.line, a.column).cmp(&(
            b.severity,
            order(&b.file),
            &b.file,
            b.line,
            b.column,
        ))
    });
    diagnostics
}

/// The dataset's name: its folder's last component.
pub fn dataset_name(dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dataset".into())
}

struct Loader<'a> {
    dir: &'a Path,
    source: &'a dyn table::Source,
    ds: Dataset,
    diags: &'a mut Diagnostics,
    /// Files that were missing or unusable: references into them are not checked.
    missing: HashSet<&'static str>,
    /// How many id comparisons the "did you mean" searches may still make.
    suggestions_left: Cell<usize>,
    /// (file, id) of rows that defined an id but had other errors: references to them are
    /// not reported again.
    tainted: RefCell<HashSet<(&'static str, String)>>,
}

impl Loader<'_> {
    fn read(
        &mut self,
        name: &'static str,
        required: bool,
        columns: &[table::Column],
        mut each: impl FnMut(&mut Dataset, &Row<'_>, &mut Diagnostics, &Refs<'_>),
    ) -> Result<()> {
        let refs = Refs {
            missing: &self.missing,
            suggestions_left: &self.suggestions_left,
            tainted: &self.tainted,
        };
        let ds = &mut self.ds;
        // A row that defines an id but could not be read at all still says the id was meant
        // to exist: references to it are not reported again.
        let defines_ids = ["countries.csv", "entities.csv", "items.csv"].contains(&name);
        let outcome = table::read_rows(
            self.source,
            self.dir,
            name,
            columns,
            self.diags,
            |row, diags| each(ds, row, diags, &refs),
            |row| {
                if let (true, Some(id)) = (defines_ids, row.get(0)) {
                    refs.taint(name, id);
                }
            },
        );
        match outcome? {
            Outcome::Missing => {
                if required {
                    let path = self.dir.join(name).display().to_string();
                    self.diags.error(
                        "missing-file",
                        At::file(&path),
                        format!(
                            "required file is missing (expected {name} with columns {})",
                            table::required_names(columns)
                        ),
                    );
                    self.missing.insert(name);
                }
            }
            Outcome::Unusable => {
                self.missing.insert(name);
            }
            Outcome::Read { .. } => {}
        }
        Ok(())
    }

    fn countries(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[req("code"), req("trust"), opt("name"), opt("governance")];
        let mut first = Ids::default();
        self.read("countries.csv", true, COLS, |ds, row, diags, refs| {
            let (Some(code), trust) = (row.required(0, diags), row.required(1, diags)) else {
                return;
            };
            let trust = match trust.map(|t| (t, Trust::parse(t))) {
                Some((_, Some(t))) => t,
                Some((text, None)) => {
                    diags.error(
                        "bad-value",
                        row.at(1),
                        format!("`trust` is `{text}` (expected trusted, neutral or untrusted)"),
                    );
                    refs.taint("countries.csv", code);
                    return;
                }
                None => {
                    refs.taint("countries.csv", code);
                    return;
                }
            };
            if first.duplicate(code, row, 0, "country code", diags) {
                return;
            }
            ds.country_ix
                .insert(code.to_string(), CountryIx(ds.countries.len() as u32));
            ds.countries.push(Country {
                code: code.to_string(),
                name: row.get(2).map(str::to_string),
                trust,
                governance: row.get(3).map(str::to_string),
            });
        })
    }

    fn entities(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[
            req("id"),
            req("name"),
            req("country"),
            opt("kind"),
            opt("restricted"),
            opt("recovery_days"),
            opt("lei"),
        ];
        let mut first = Ids::default();
        self.read("entities.csv", true, COLS, |ds, row, diags, refs| {
            let id = row.required(0, diags);
            let name = row.required(1, diags);
            let country = row.required(2, diags).and_then(|c| {
                refs.resolve(
                    &ds.country_ix,
                    "countries.csv",
                    "country code",
                    c,
                    row,
                    2,
                    diags,
                )
            });
            let restricted = row.parse(4, diags, table::boolean);
            let recovery = row.parse(5, diags, table::non_negative);
            let lei = row.parse(6, diags, lei::parse);
            let (Some(id), Some(name), Some(country), Ok(restricted), Ok(recovery_days), Ok(lei)) =
                (id, name, country, restricted, recovery, lei)
            else {
                if let Some(id) = id {
                    refs.taint("entities.csv", id);
                }
                return;
            };
            if first.duplicate(id, row, 0, "entity", diags) {
                return;
            }
            if let Some(kind) = row.get(3) {
                kind_note(kind, row, diags);
            }
            ds.entity_ix
                .insert(id.to_string(), EntityIx(ds.entities.len() as u32));
            ds.entities.push(Entity {
                id: id.to_string(),
                name: name.to_string(),
                country,
                kind: row.get(3).map(str::to_string),
                restricted: restricted.unwrap_or(false),
                recovery_days,
                lei,
                line: row.line,
            });
        })
    }

    fn items(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[req("id"), req("name"), opt("sector"), opt("critical")];
        let mut first = Ids::default();
        self.read("items.csv", true, COLS, |ds, row, diags, refs| {
            let id = row.required(0, diags);
            let name = row.required(1, diags);
            let critical = row.parse(3, diags, table::boolean);
            let (Some(id), Some(name), Ok(critical)) = (id, name, critical) else {
                if let Some(id) = id {
                    refs.taint("items.csv", id);
                }
                return;
            };
            if first.duplicate(id, row, 0, "item", diags) {
                return;
            }
            ds.item_ix
                .insert(id.to_string(), ItemIx(ds.items.len() as u32));
            ds.items.push(Item {
                id: id.to_string(),
                name: name.to_string(),
                sector: row.get(2).map(str::to_string),
                critical: critical.unwrap_or(false),
                line: row.line,
            });
        })
    }

    fn bom(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[req("item"), req("input"), opt("quantity"), opt("group")];
        self.read("bom.csv", true, COLS, |ds, row, diags, refs| {
            let item = refs.item(ds, row, 0, diags);
            let input = refs.item(ds, row, 1, diags);
            let quantity = row.parse(2, diags, table::positive);
            if let (Some(item), Some(input), Ok(quantity)) = (item, input, quantity) {
                ds.bom.push(BomRow {
                    item,
                    input,
                    quantity,
                    group: row.get(3).map(str::to_string),
                    line: row.line,
                });
            }
        })
    }

    fn supply(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[
            req("supplier"),
            req("buyer"),
            req("item"),
            opt("share"),
            opt("qualified"),
            opt("lead_time_days"),
        ];
        self.read("supply.csv", true, COLS, |ds, row, diags, refs| {
            let supplier = refs.entity(ds, row, 0, diags);
            let buyer = refs.entity(ds, row, 1, diags);
            let item = refs.item(ds, row, 2, diags);
            let share = row.parse(3, diags, table::share);
            let qualified = row.parse(4, diags, table::boolean);
            let lead = row.parse(5, diags, table::non_negative);
            if let (Some(supplier), Some(buyer), Some(item), Ok(share), Ok(q), Ok(lead)) =
                (supplier, buyer, item, share, qualified, lead)
            {
                ds.supply.push(SupplyRow {
                    supplier,
                    buyer,
                    item,
                    share: share.into(),
                    qualified: q.unwrap_or(true),
                    lead_time_days: lead.into(),
                    line: row.line,
                });
            }
        })
    }

    fn products(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[
            req("entity"),
            req("item"),
            opt("annual_revenue"),
            opt("inventory_days"),
        ];
        self.read("products.csv", true, COLS, |ds, row, diags, refs| {
            let entity = refs.entity(ds, row, 0, diags);
            let item = refs.item(ds, row, 1, diags);
            let revenue = row.parse(2, diags, table::non_negative);
            let inventory = row.parse(3, diags, table::non_negative);
            if let (Some(entity), Some(item), Ok(annual_revenue), Ok(inventory_days)) =
                (entity, item, revenue, inventory)
            {
                ds.products.push(Product {
                    entity,
                    item,
                    annual_revenue,
                    inventory_days,
                    line: row.line,
                });
            }
        })
    }

    fn ownership(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[req("owner"), req("entity"), req("share")];
        self.read("ownership.csv", false, COLS, |ds, row, diags, refs| {
            let owner = refs.entity(ds, row, 0, diags);
            let entity = refs.entity(ds, row, 1, diags);
            let share = row.required(2, diags).map(table::share);
            let share = match share {
                Some(Ok(s)) => Some(s),
                Some(Err(why)) => {
                    diags.error("bad-value", row.at(2), format!("`share` is {why}"));
                    None
                }
                None => None,
            };
            if let (Some(owner), Some(entity), Some(share)) = (owner, entity, share) {
                ds.ownership.push(Ownership {
                    owner,
                    entity,
                    share,
                    line: row.line,
                });
            }
        })
    }

    fn restricted(&mut self) -> Result<()> {
        const COLS: &[table::Column] = &[
            req("name"),
            opt("entity"),
            opt("list"),
            opt("program"),
            opt("country"),
        ];
        self.read("restricted.csv", false, COLS, |ds, row, diags, refs| {
            let name = row.required(0, diags);
            let entity = match row.get(1) {
                None => Some(None),
                Some(_) => refs.entity(ds, row, 1, diags).map(Some),
            };
            if let (Some(name), Some(entity)) = (name, entity) {
                ds.restricted.push(RestrictedParty {
                    name: name.to_string(),
                    entity,
                    list: row.get(2).map(str::to_string),
                    program: row.get(3).map(str::to_string),
                    country: row.get(4).map(str::to_string),
                    line: row.line,
                });
            }
        })
    }
}

/// Kinds other than `distributor` are information only. One that reads like a distributor
/// (a wholesaler, a misspelling) gets a note: it does not make the entity a pass-through.
fn kind_note(kind: &str, row: &Row<'_>, diags: &mut Diagnostics) {
    let lower = kind.to_lowercase();
    if lower == DISTRIBUTOR {
        return;
    }
    // Jaro-Winkler above 0.9 needs lengths within 3 of each other, so the common short kinds
    // (`site`, `firm`) of a million-row dataset are not compared at all.
    let close_length = lower.chars().count().abs_diff(DISTRIBUTOR.len()) <= 3;
    let like = ["distribut", "wholesal"].iter().any(|w| lower.contains(w))
        || (close_length && strsim::jaro_winkler(&lower, DISTRIBUTOR) > 0.9);
    if like {
        diags.note(
            "kind-not-distributor",
            row.at(3),
            format!(
                "`kind` is `{kind}`, which is not `{DISTRIBUTOR}`: this entity is modelled as making what it supplies from the item's BOM inputs (expected `{DISTRIBUTOR}` for a firm that passes goods on without making them; other kinds are information only)"
            ),
        );
    }
}
