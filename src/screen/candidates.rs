//! The candidates file: vendors to screen, and the supply each is proposed for.
//!
//! A CSV under the dataset's policy ([`crate::ingest::table`]), one row per candidate and
//! proposed supply:
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `name` | yes | the vendor's name, as the vendor writes it |
//! | `country` | yes | a `countries.csv` code, or any ISO 3166-1 alpha-2 code (see [`super::countries`]) |
//! | `id` | no | an id for the vendor (default `candidate-LINE`); rows with the same id are one vendor with several proposed supplies |
//! | `owner` | no | the vendor's owner: a dataset entity id or another candidate's id |
//! | `owner_share` | no | the fraction of the vendor the owner holds, in (0, 1] (default 1) |
//! | `item`, `buyer` | no, together | the proposed supply: the vendor would supply `item` (an `items.csv` id) to `buyer` (an `entities.csv` id) |
//! | `share` | no | the part of the buyer's need the vendor would supply, in (0, 1] |
//! | `input_countries` | no | where the vendor's own inputs come from: country codes separated by `;` |
//!
//! Every problem is reported at once as `file:line:column`, like a dataset's. A bad row never
//! stops the others: it is left out and reported ([`CandidatesFile::errors`]), and so is a
//! candidate whose owner could not be read (an unknown id, a cycle, an owner left out).

use super::countries;
use crate::diag::{At, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::ingest::table::{self, Column, Outcome, opt, req};
use crate::model::{CountryIx, Dataset, EntityIx, ItemIx, Trust};
use std::collections::HashMap;
use std::path::Path;

mod owners;

/// Who owns a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerRef {
    /// An entity of the dataset.
    Entity(EntityIx),
    /// Another candidate, by index in the candidates list.
    Candidate(usize),
}

/// A supply a candidate is proposed for.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub buyer: EntityIx,
    pub item: ItemIx,
    /// The share as written; `None` for the default (see [`super::impact::add_supply`]).
    pub share: Option<f64>,
    pub line: u64,
}

/// A candidate vendor.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub country: CountryIx,
    pub owner: Option<OwnerRef>,
    /// The fraction the owner holds (1 when not given).
    pub owner_share: f64,
    pub proposals: Vec<Proposal>,
    /// The first line the candidate appears on.
    pub line: u64,
    /// Where the vendor says its own inputs come from (`input_countries`), as written; empty
    /// when not given.
    pub input_countries: Vec<String>,
}

/// A candidates file, read: the candidates that can be screened and what was left out.
#[derive(Debug, Clone, Default)]
pub struct CandidatesFile {
    pub candidates: Vec<Candidate>,
    /// Rows read below the header.
    pub rows: u64,
    pub warnings: Vec<Diagnostic>,
    /// Rows and candidates left out, each with its position and why.
    pub errors: Vec<Diagnostic>,
    /// Countries the file named that `countries.csv` lacks, added for the screening.
    pub added_countries: Vec<CountryIx>,
}

const COLUMNS: &[Column] = &[
    req("name"),
    req("country"),
    opt("id"),
    opt("owner"),
    opt("owner_share"),
    opt("item"),
    opt("buyer"),
    opt("share"),
    opt("input_countries"),
];

/// An owner reference waiting for every candidate id to be known.
struct PendingOwner {
    candidate: usize,
    owner: String,
    line: u64,
    column: Option<usize>,
}

/// Reads a candidates file against a dataset. A country the file names that `countries.csv`
/// lacks but ISO 3166-1 knows is added to `ds` as `neutral` (unless the trust flags added it
/// already). Bad rows are left out and reported; only a file that cannot be read at all is an
/// error.
pub fn read(path: &Path, ds: &mut Dataset) -> Result<CandidatesFile> {
    let display = path.display().to_string();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut diags = Diagnostics::new();
    let mut st = Reading::default();
    let outcome = table::read(&dir, &file, COLUMNS, &mut diags, |row, diags| {
        st.row(row, ds, diags)
    })?;
    let rows = match outcome {
        Outcome::Missing => {
            return Err(Error::Input {
                path: path.to_path_buf(),
                what: "no such file (expected a candidates CSV with columns name,country)".into(),
            });
        }
        Outcome::Read { rows: 0 } => {
            diags.warning(
                "no-candidates",
                At::file(&display),
                "the file holds no candidates",
            );
            0
        }
        Outcome::Read { rows } => rows,
        Outcome::Unusable => 0,
    };
    let added = std::mem::take(&mut st.added);
    let candidates = st.resolve_owners(ds, &display, &mut diags);
    // A proposal that changes nothing is worth a warning.
    let needs = buyers_needs(ds);
    for c in &candidates {
        for p in &c.proposals {
            if !needs.contains(&(p.buyer, p.item)) {
                diags.warning(
                    "no-effect",
                    At::line(&display, p.line),
                    format!(
                        "`{}` makes nothing that needs `{}` (the proposed supply changes no product)",
                        ds.entity(p.buyer).id,
                        ds.item(p.item).id
                    ),
                );
            }
        }
    }
    let (errors, warnings) = diags
        .into_vec()
        .into_iter()
        .filter(|d| d.severity != crate::diag::Severity::Note)
        .partition(|d| d.severity == crate::diag::Severity::Error);
    Ok(CandidatesFile {
        candidates,
        rows,
        warnings,
        errors,
        added_countries: added,
    })
}

/// The state of reading a candidates file, row by row.
#[derive(Default)]
struct Reading {
    candidates: Vec<Candidate>,
    by_id: HashMap<String, usize>,
    owners: Vec<PendingOwner>,
    seen_proposals: HashMap<(usize, EntityIx, ItemIx), u64>,
    /// Countries added for the screening, in the order first named.
    added: Vec<CountryIx>,
}

impl Reading {
    /// Reads one row; a row with an error is reported and left out.
    fn row(&mut self, row: &table::Row<'_>, ds: &mut Dataset, diags: &mut Diagnostics) {
        let name = row.required(0, diags);
        let country = row
            .required(1, diags)
            .and_then(|code| self.country(row, code, ds, diags));
        let owner_share = row.parse(4, diags, table::share);
        let item = row.get(5).and_then(|id| {
            let found = ds.item_ix.get(id).copied();
            if found.is_none() {
                unknown(row, 5, "item", id, ds.item_ix.keys(), "items.csv", diags);
            }
            found
        });
        let buyer = row.get(6).and_then(|id| {
            let found = ds.entity_ix.get(id).copied();
            if found.is_none() {
                unknown(
                    row,
                    6,
                    "entity",
                    id,
                    ds.entity_ix.keys(),
                    "entities.csv",
                    diags,
                );
            }
            found
        });
        let share = row.parse(7, diags, table::share);
        let inputs = input_countries(row, ds, diags);
        let ok = complete(row, diags);
        let id = row
            .get(2)
            .map(str::to_string)
            .unwrap_or_else(|| format!("candidate-{}", row.line));
        let fresh = if ds.entity_ix.contains_key(&id) {
            diags.error(
                "duplicate-id",
                row.at(2),
                format!(
                    "candidate id `{id}` is already an entity in entities.csv (expected a new id for a vendor that is not in the dataset)"
                ),
            );
            false
        } else {
            true
        };
        let (Some(name), Some(country), Ok(owner_share), Ok(share), Some(inputs), true, true) =
            (name, country, owner_share, share, inputs, ok, fresh)
        else {
            return;
        };
        if row.get(5).is_some() && item.is_none() || row.get(6).is_some() && buyer.is_none() {
            return;
        }
        let Some(k) = self.candidate(row, &id, name, country, inputs, ds, diags) else {
            return;
        };
        if let Some(owner) = row.get(3) {
            self.owner(row, k, &id, owner, owner_share, diags);
        }
        if let (Some(item), Some(buyer)) = (item, buyer) {
            if let Some(first) = self.seen_proposals.insert((k, buyer, item), row.line) {
                diags.error(
                    "duplicate-row",
                    row.at(5),
                    format!(
                        "candidate `{id}` is proposed for `{}` to `{}` already on line {first} (expected each proposed supply once)",
                        ds.item(item).id,
                        ds.entity(buyer).id
                    ),
                );
                return;
            }
            self.candidates[k].proposals.push(Proposal {
                buyer,
                item,
                share,
                line: row.line,
            });
        }
    }

    /// The country of a row: a `countries.csv` code, or an ISO 3166-1 code added for the
    /// screening (with a warning, once per code).
    fn country(
        &mut self,
        row: &table::Row<'_>,
        code: &str,
        ds: &mut Dataset,
        diags: &mut Diagnostics,
    ) -> Option<CountryIx> {
        if let Some(&c) = ds.country_ix.get(code) {
            return Some(c);
        }
        let Some(name) = countries::iso_name(code) else {
            let hint = match crate::ingest::suggest(code, ds.country_ix.keys()) {
                Some(s) => crate::ingest::hint(code, Some(s)),
                None if countries::iso_name(&code.to_ascii_uppercase()).is_some() => {
                    crate::ingest::hint(code, Some(&code.to_ascii_uppercase()))
                }
                None => String::new(),
            };
            diags.error(
                "unknown-country",
                row.at(1),
                format!(
                    "`country` is `{code}`, neither in countries.csv nor an ISO 3166-1 alpha-2 code (expected e.g. HK{hint})"
                ),
            );
            return None;
        };
        let c = countries::add(ds, code, Trust::Neutral);
        self.added.push(c);
        diags.warning(
            "country-not-in-dataset",
            row.at(1),
            format!(
                "country `{code}` ({name}) is not in countries.csv: added for the screening as neutral (set its trust with --untrust {code} or --trust {code})"
            ),
        );
        Some(c)
    }

    /// The candidate of a row: a new one, or the one with the same id (which must have the
    /// same name and country).
    #[allow(clippy::too_many_arguments)]
    fn candidate(
        &mut self,
        row: &table::Row<'_>,
        id: &str,
        name: &str,
        country: CountryIx,
        inputs: Vec<String>,
        ds: &Dataset,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        let Some(&k) = self.by_id.get(id) else {
            self.by_id.insert(id.to_string(), self.candidates.len());
            self.candidates.push(Candidate {
                id: id.to_string(),
                name: name.to_string(),
                country,
                owner: None,
                owner_share: 1.0,
                proposals: Vec::new(),
                line: row.line,
                input_countries: inputs,
            });
            return Some(self.candidates.len() - 1);
        };
        let first = &self.candidates[k];
        let (col, what, was) = if first.name != name {
            (0, "named", first.name.clone())
        } else if first.country != country {
            (1, "in", ds.country(first.country).code.clone())
        } else if !inputs.is_empty()
            && !first.input_countries.is_empty()
            && first.input_countries != inputs
        {
            (8, "sourcing from", first.input_countries.join(";"))
        } else {
            if first.input_countries.is_empty() {
                self.candidates[k].input_countries = inputs;
            }
            return Some(k);
        };
        diags.error(
            "inconsistent-candidate",
            row.at(col),
            format!(
                "candidate `{id}` is {what} `{was}` on line {} (expected the same on every row of one candidate)",
                first.line
            ),
        );
        None
    }

    fn owner(
        &mut self,
        row: &table::Row<'_>,
        k: usize,
        id: &str,
        owner: &str,
        share: Option<f64>,
        diags: &mut Diagnostics,
    ) {
        if let Some(prev) = self.owners.iter().find(|o| o.candidate == k) {
            if prev.owner != owner {
                diags.error(
                    "inconsistent-candidate",
                    row.at(3),
                    format!(
                        "candidate `{id}` has owner `{}` on line {} (expected one owner per candidate)",
                        prev.owner, prev.line
                    ),
                );
            }
            return;
        }
        self.owners.push(PendingOwner {
            candidate: k,
            owner: owner.to_string(),
            line: row.line,
            column: row.at(3).column,
        });
        self.candidates[k].owner_share = share.unwrap_or(1.0);
    }
}

/// Checks that `item`, `buyer` and `share` come together and `owner_share` with `owner`.
fn complete(row: &table::Row<'_>, diags: &mut Diagnostics) -> bool {
    let problem = match (row.get(5), row.get(6)) {
        (Some(_), None) => Some((
            5,
            "`item` is given without `buyer` (expected both, or neither for a vendor screened without a proposed supply)",
        )),
        (None, Some(_)) => Some((
            6,
            "`buyer` is given without `item` (expected both, or neither for a vendor screened without a proposed supply)",
        )),
        (None, None) if row.get(7).is_some() => Some((
            7,
            "`share` is given without `item` and `buyer` (expected the proposed supply it is a share of)",
        )),
        _ => None,
    };
    let mut ok = true;
    if let Some((col, what)) = problem {
        diags.error("incomplete-proposal", row.at(col), what);
        ok = false;
    }
    if row.get(3).is_none() && row.get(4).is_some() {
        diags.error(
            "incomplete-owner",
            row.at(4),
            "`owner_share` is given without `owner` (expected the owner it is the share of)",
        );
        ok = false;
    }
    ok
}

/// The `input_countries` cell: codes separated by `;`, each in countries.csv or ISO 3166-1.
/// `None` (reported) when one is neither.
fn input_countries(
    row: &table::Row<'_>,
    ds: &Dataset,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let Some(text) = row.get(8) else {
        return Some(Vec::new());
    };
    let codes: Vec<String> = text
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let bad: Vec<&String> = codes
        .iter()
        .filter(|c| !ds.country_ix.contains_key(*c) && countries::iso_name(c).is_none())
        .collect();
    if bad.is_empty() {
        return Some(codes);
    }
    diags.error(
        "unknown-country",
        row.at(8),
        format!(
            "`input_countries` names {} (expected codes from countries.csv or ISO 3166-1 alpha-2 codes, separated by `;`)",
            bad.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    None
}

/// (buyer, input) pairs where the buyer makes an item whose BOM needs the input.
fn buyers_needs(ds: &Dataset) -> std::collections::HashSet<(EntityIx, ItemIx)> {
    let bom = ds.bom_inputs();
    let made = ds
        .supply
        .iter()
        .map(|r| (r.supplier, r.item))
        .chain(ds.products.iter().map(|p| (p.entity, p.item)));
    let mut needs = std::collections::HashSet::new();
    for (e, x) in made {
        for &y in &bom[x.ix()] {
            needs.insert((e, y));
        }
    }
    needs
}

/// Reports an unknown id with "did you mean".
#[allow(clippy::too_many_arguments)]
fn unknown<'a>(
    row: &table::Row<'_>,
    col: usize,
    what: &str,
    id: &str,
    known: impl Iterator<Item = &'a String>,
    defined_in: &str,
    diags: &mut Diagnostics,
) {
    let hint = crate::ingest::did_you_mean(id, known);
    diags.error(
        "unknown-reference",
        row.at(col),
        format!(
            "`{}` names unknown {what} `{id}` (expected an id defined in {defined_in}{hint})",
            row.name(col)
        ),
    );
}
