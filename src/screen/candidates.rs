//! The candidates file: vendors to screen, and the supply each is proposed for.
//!
//! A CSV under the dataset's policy ([`crate::ingest::table`]), one row per candidate and
//! proposed supply:
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `name` | yes | the vendor's name, as the vendor writes it |
//! | `country` | yes | a `countries.csv` code |
//! | `id` | no | an id for the vendor (default `candidate-LINE`); rows with the same id are one vendor with several proposed supplies |
//! | `owner` | no | the vendor's owner: a dataset entity id or another candidate's id |
//! | `owner_share` | no | the fraction of the vendor the owner holds, in (0, 1] (default 1) |
//! | `item`, `buyer` | no, together | the proposed supply: the vendor would supply `item` (an `items.csv` id) to `buyer` (an `entities.csv` id) |
//! | `share` | no | the part of the buyer's need the vendor would supply, in (0, 1] |
//!
//! Every problem is reported at once as `file:line:column`, like a dataset's.

use crate::diag::{At, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::ingest::table::{self, Column, Outcome, opt, req};
use crate::model::{CountryIx, Dataset, EntityIx, ItemIx};
use std::collections::HashMap;
use std::path::Path;

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
];

/// An owner reference waiting for every candidate id to be known.
struct PendingOwner {
    candidate: usize,
    owner: String,
    line: u64,
    column: Option<usize>,
}

/// Reads a candidates file against a dataset. Returns the candidates and the warnings, or
/// [`Error::InvalidDataset`] (named after the file) with every diagnostic when there are
/// errors.
pub fn read(path: &Path, ds: &Dataset) -> Result<(Vec<Candidate>, Vec<Diagnostic>)> {
    let display = path.display().to_string();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut diags = Diagnostics::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut owners: Vec<PendingOwner> = Vec::new();
    let mut seen_proposals: HashMap<(usize, EntityIx, ItemIx), u64> = HashMap::new();
    let outcome = table::read(&dir, &file, COLUMNS, &mut diags, |row, diags| {
        let name = row.required(0, diags);
        let country = row.required(1, diags).and_then(|code| {
            let found = ds.country_ix.get(code).copied();
            if found.is_none() {
                unknown(
                    row,
                    1,
                    "country code",
                    code,
                    ds.country_ix.keys(),
                    "countries.csv",
                    diags,
                );
            }
            found
        });
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
        let mut ok = true;
        match (row.get(5), row.get(6)) {
            (Some(_), None) => {
                diags.error(
                    "incomplete-proposal",
                    row.at(5),
                    "`item` is given without `buyer` (expected both, or neither for a vendor screened without a proposed supply)",
                );
                ok = false;
            }
            (None, Some(_)) => {
                diags.error(
                    "incomplete-proposal",
                    row.at(6),
                    "`buyer` is given without `item` (expected both, or neither for a vendor screened without a proposed supply)",
                );
                ok = false;
            }
            (None, None) if row.get(7).is_some() => {
                diags.error(
                    "incomplete-proposal",
                    row.at(7),
                    "`share` is given without `item` and `buyer` (expected the proposed supply it is a share of)",
                );
                ok = false;
            }
            _ => {}
        }
        if row.get(3).is_none() && row.get(4).is_some() {
            diags.error(
                "incomplete-owner",
                row.at(4),
                "`owner_share` is given without `owner` (expected the owner it is the share of)",
            );
            ok = false;
        }
        let id = row
            .get(2)
            .map(str::to_string)
            .unwrap_or_else(|| format!("candidate-{}", row.line));
        if ds.entity_ix.contains_key(&id) {
            diags.error(
                "duplicate-id",
                row.at(2),
                format!(
                    "candidate id `{id}` is already an entity in entities.csv (expected a new id for a vendor that is not in the dataset)"
                ),
            );
            ok = false;
        }
        let (Some(name), Some(country), Ok(owner_share), Ok(share), true) =
            (name, country, owner_share, share, ok)
        else {
            return;
        };
        if row.get(5).is_some() && item.is_none() || row.get(6).is_some() && buyer.is_none() {
            return;
        }
        let k = match by_id.get(&id) {
            Some(&k) => {
                let first = &candidates[k];
                if first.name != name {
                    diags.error(
                        "inconsistent-candidate",
                        row.at(0),
                        format!(
                            "candidate `{id}` is named `{}` on line {} (expected the same name on every row of one candidate)",
                            first.name, first.line
                        ),
                    );
                    return;
                }
                if first.country != country {
                    diags.error(
                        "inconsistent-candidate",
                        row.at(1),
                        format!(
                            "candidate `{id}` is in `{}` on line {} (expected the same country on every row of one candidate)",
                            ds.country(first.country).code,
                            first.line
                        ),
                    );
                    return;
                }
                k
            }
            None => {
                by_id.insert(id.clone(), candidates.len());
                candidates.push(Candidate {
                    id: id.clone(),
                    name: name.to_string(),
                    country,
                    owner: None,
                    owner_share: 1.0,
                    proposals: Vec::new(),
                    line: row.line,
                });
                candidates.len() - 1
            }
        };
        if let Some(owner) = row.get(3) {
            if let Some(prev) = owners.iter().find(|o| o.candidate == k) {
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
            } else {
                let at = row.at(3);
                owners.push(PendingOwner {
                    candidate: k,
                    owner: owner.to_string(),
                    line: row.line,
                    column: at.column,
                });
                candidates[k].owner_share = owner_share.unwrap_or(1.0);
            }
        }
        if let (Some(item), Some(buyer)) = (item, buyer) {
            if let Some(first) = seen_proposals.insert((k, buyer, item), row.line) {
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
            candidates[k].proposals.push(Proposal {
                buyer,
                item,
                share,
                line: row.line,
            });
        }
    })?;
    match outcome {
        Outcome::Missing => {
            return Err(Error::Input {
                path: path.to_path_buf(),
                what: "no such file (expected a candidates CSV with columns name,country)".into(),
            });
        }
        Outcome::Read { rows: 0 } => diags.warning(
            "no-candidates",
            At::file(&display),
            "the file holds no candidates",
        ),
        _ => {}
    }
    // Owners: a dataset entity or a candidate.
    for o in &owners {
        let at = At {
            file: &display,
            line: Some(o.line),
            column: o.column,
        };
        let resolved = if let Some(&e) = ds.entity_ix.get(&o.owner) {
            Some(OwnerRef::Entity(e))
        } else if let Some(&c) = by_id.get(&o.owner) {
            if c == o.candidate {
                diags.error(
                    "self-ownership",
                    at,
                    format!("candidate `{}` is named as its own owner", o.owner),
                );
                None
            } else {
                Some(OwnerRef::Candidate(c))
            }
        } else {
            let known = ds.entity_ix.keys().chain(by_id.keys());
            let hint = crate::ingest::suggest(&o.owner, known)
                .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
            diags.error(
                "unknown-reference",
                at,
                format!(
                    "`owner` names unknown entity `{}` (expected an id defined in entities.csv or a candidate's id{hint})",
                    o.owner
                ),
            );
            None
        };
        candidates[o.candidate].owner = resolved;
    }
    // Candidate owner chains must end.
    for start in 0..candidates.len() {
        let mut cur = start;
        let mut steps = 0;
        while let Some(OwnerRef::Candidate(next)) = candidates[cur].owner {
            steps += 1;
            if next == start || steps > candidates.len() {
                let c = &candidates[start];
                diags.error(
                    "ownership-cycle",
                    At::line(&display, c.line),
                    format!(
                        "candidate `{}` owns itself through other candidates (expected owners to form a chain that ends)",
                        c.id
                    ),
                );
                break;
            }
            cur = next;
        }
    }
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
    if diags.has_errors() {
        return Err(Error::InvalidDataset {
            dir: path.to_path_buf(),
            diagnostics: diags.into_vec(),
        });
    }
    Ok((candidates, diags.into_vec()))
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
    let hint = match crate::ingest::suggest(id, known) {
        Some(s) if s.eq_ignore_ascii_case(id) => {
            format!("; did you mean `{s}`? ids are case-sensitive")
        }
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    };
    diags.error(
        "unknown-reference",
        row.at(col),
        format!(
            "`{}` names unknown {what} `{id}` (expected an id defined in {defined_in}{hint})",
            row.name(col)
        ),
    );
}
