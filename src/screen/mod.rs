//! `tierscope screen`: screen candidate vendors before signing.
//!
//! For each candidate in a candidates file ([`candidates`]):
//!
//! 1. **Name matching** ([`matcher`]) against the dataset's own restricted parties and every
//!    `--list` file ([`lists`]: OFAC SDN CSV, Consolidated Screening List CSV, restricted.csv).
//! 2. **Ownership**: the OFAC 50 percent rule through `ownership.csv` and the candidate's
//!    `owner` (a dataset entity or another candidate). Restricted owners are the dataset's
//!    restricted entities, candidates and owners whose names match a list strongly, and,
//!    in turn, anything they hold at least half of.
//! 3. **Verdict**: `BLOCKED` when the name matches a list entry with a score at or above the
//!    block threshold (default 0.97), or restricted owners together hold at least 50%;
//!    `REVIEW` when the best name match scores between the threshold (default 0.88) and the
//!    block threshold, when owners that may be restricted (by such a match) hold at least
//!    50%, or when restricted owners hold a minority stake; `CLEAR` otherwise.
//! 4. **What the vendor would change** ([`impact`]), for each proposed supply, and a ranking
//!    of the dataset's unqualified alternates: "qualify these first".
//!
//! Screening never prints: [`run`] returns a [`ScreenReport`] that [`render`] turns into
//! text, JSON or CSV.

pub mod audit;
pub mod candidates;
pub mod countries;
pub mod doubt;
pub mod impact;
pub mod lists;
pub mod matcher;
pub mod rank;
pub mod render;

mod output;
mod owners;

pub use output::{
    Alternate, CandidateResult, CandidatesFileSummary, ListSummary, MatchResult, OwnerLink,
    OwnershipResult, ProposalResult, ScreenReport, Strength, Verdict, VerdictCounts,
};
use owners::{OwnerStatus, verdict};

use crate::analysis::{HAIR, Settings};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::graph::ProductionGraph;
use crate::graph::parties::Parties;
use crate::model::{Dataset, EntityIx};
use candidates::{Candidate, OwnerRef};
use impact::NewVendor;
use lists::{ListFormat, PartyList, PartyType};
use matcher::{Hit, Matcher};
use rank::{Addition, Ranker, Supplier};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The version of the screening JSON. Adding fields keeps it; renaming or removing one
/// bumps it.
pub const SCHEMA_VERSION: u32 = 1;

/// Default least score for a name match to be reported (and make a candidate `REVIEW`).
pub const DEFAULT_THRESHOLD: f64 = 0.88;
/// Default least score for a name match to block a candidate.
pub const DEFAULT_BLOCK_THRESHOLD: f64 = 0.97;

/// The settings of one screening run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenSettings {
    /// Least score for a name match to be reported.
    pub threshold: f64,
    /// Least score for a name match to block the candidate.
    pub block_threshold: f64,
    /// How many of the ranked alternates to report (`None`: all).
    pub alternates: Option<usize>,
    /// Publication dates stated with `--list-date`: (list file, or `None` for every list,
    /// date `YYYY-MM-DD`).
    pub list_dates: Vec<(Option<String>, String)>,
    /// The analysis settings used for the impact of proposed supplies and alternates
    /// (`untrust` and `trust` are the trust flags).
    pub analysis: Settings,
}

impl Default for ScreenSettings {
    fn default() -> Self {
        ScreenSettings {
            threshold: DEFAULT_THRESHOLD,
            block_threshold: DEFAULT_BLOCK_THRESHOLD,
            alternates: None,
            list_dates: Vec::new(),
            analysis: Settings::default(),
        }
    }
}

impl ScreenSettings {
    /// The publication date stated for a list file, if any: by the path as given, by its file
    /// name, or for every list.
    pub fn list_date(&self, path: &str) -> Option<&str> {
        let name = Path::new(path).file_name().map(|n| n.to_string_lossy());
        let named = self.list_dates.iter().find(|(file, _)| {
            file.as_deref()
                .is_some_and(|f| f == path || Some(f) == name.as_deref())
        });
        named
            .or_else(|| self.list_dates.iter().find(|(file, _)| file.is_none()))
            .map(|(_, date)| date.as_str())
    }
}

/// How far a long step has got, for a progress bar: (step, done, total).
pub type ProgressFn<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// Screens the candidates in `vendors` against the dataset `ds` (folder `dir`; the trust
/// flags in `settings.analysis` are applied here, see [`countries::apply_trust`]) and the
/// lists in `list_paths`. Fails when a list cannot be read, or when the candidates file has
/// errors and no candidate could be screened; otherwise bad rows are reported in
/// [`ScreenReport::errors`] and the rest are screened.
pub fn run(
    dir: &Path,
    mut ds: Dataset,
    vendors: &Path,
    list_paths: &[PathBuf],
    settings: &ScreenSettings,
    progress: ProgressFn<'_>,
) -> Result<ScreenReport> {
    let screened_at = audit::rfc3339(audit::now()?);
    let in_file = ds.countries.len();
    countries::apply_trust(
        &mut ds,
        &settings.analysis.untrust,
        &settings.analysis.trust,
    )?;
    let file = candidates::read(vendors, &mut ds)?;
    let mut warnings = file.warnings.clone();
    let parties = Parties::compute(&ds);
    let lists = read_lists(dir, &ds, &parties, list_paths, &mut warnings)?;
    if file.candidates.is_empty() && !file.errors.is_empty() {
        return Err(Error::InvalidDataset {
            dir: vendors.to_path_buf(),
            diagnostics: file.errors,
        });
    }
    let candidates = &file.candidates;
    let matcher = Matcher::new(&lists);
    let hits: Vec<Vec<Hit>> = candidates
        .par_iter()
        .map(|c| matcher.screen(&c.name, settings.threshold))
        .collect();
    let owners = OwnerStatus::compute(&ds, &parties, candidates, &hits, &matcher, &lists, settings);
    let verdicts: Vec<(Verdict, Vec<String>)> = candidates
        .iter()
        .enumerate()
        .map(|(k, c)| verdict(k, c, &hits[k], &owners, &lists, settings))
        .collect();
    // Every candidate becomes an entity (restricted when blocked), with its ownership; the
    // proposals and alternates are measured against that dataset.
    let base = with_candidates(&ds, candidates, &verdicts);
    let first = ds.entities.len();
    let graph = ProductionGraph::build(&base);
    let ranker = Ranker::new(&base, &graph, &settings.analysis).map_err(Error::Usage)?;
    let doubt = doubt::Doubt::new(&base, &graph, &settings.analysis);
    let screened = Screened {
        ds: &ds,
        in_file,
        candidates,
        hits: &hits,
        owners: &owners,
        lists: &lists,
        settings,
    };
    let mut out = Vec::new();
    for ((k, c), (verdict, reasons)) in candidates.iter().enumerate().zip(verdicts) {
        let me = EntityIx((first + k) as u32);
        let mut scratch = ranker.scratch();
        let proposals = c
            .proposals
            .iter()
            .map(|p| proposal_result(&ds, &ranker, &doubt, &mut scratch, me, c, p))
            .collect();
        out.push(screened.result(k, verdict, reasons, proposals));
    }
    let (alternates, alternates_ranked) = alternates(&base, &graph, &ranker, settings, progress);
    let summary = VerdictCounts::of(&out, file.errors.len());
    let list_summaries = lists
        .iter()
        .map(|l| list_summary(l, settings))
        .collect::<Result<Vec<_>>>()?;
    Ok(ScreenReport {
        schema_version: SCHEMA_VERSION,
        tool: format!("tierscope {}", env!("CARGO_PKG_VERSION")),
        screened_at,
        dataset: ds.name.clone(),
        settings: settings.clone(),
        candidates_file: candidates_file_summary(vendors, file.rows)?,
        lists: list_summaries,
        summary,
        candidates: out,
        alternates,
        alternates_ranked,
        errors: file.errors,
        warnings,
    })
}

/// The candidates file as the report records it: its path, digest and rows.
fn candidates_file_summary(vendors: &Path, rows: u64) -> Result<CandidatesFileSummary> {
    let digest = audit::digest(vendors)?;
    Ok(CandidatesFileSummary {
        path: vendors.display().to_string(),
        sha256: digest.sha256,
        bytes: digest.bytes,
        rows,
    })
}

/// What every candidate's result is made from.
struct Screened<'a> {
    ds: &'a Dataset,
    /// The countries in `countries.csv` (those after were added for the screening).
    in_file: usize,
    candidates: &'a [Candidate],
    hits: &'a [Vec<Hit>],
    owners: &'a OwnerStatus,
    lists: &'a [PartyList],
    settings: &'a ScreenSettings,
}

impl Screened<'_> {
    /// The result of candidate `k`.
    fn result(
        &self,
        k: usize,
        verdict: Verdict,
        reasons: Vec<String>,
        proposals: Vec<ProposalResult>,
    ) -> CandidateResult {
        let c = &self.candidates[k];
        let country = self.ds.country(c.country);
        let country_note = (c.country.ix() >= self.in_file).then(|| {
            format!(
                "not in countries.csv ({}): added for the screening as {}",
                country.name.as_deref().unwrap_or("ISO 3166-1"),
                country.trust.as_str()
            )
        });
        CandidateResult {
            id: c.id.clone(),
            name: c.name.clone(),
            country: country.code.clone(),
            country_trust: country.trust,
            country_note,
            input_countries: c.input_countries.clone(),
            line: c.line,
            verdict,
            reasons,
            matches: self.hits[k]
                .iter()
                .map(|h| match_result(h, self.lists, self.settings))
                .collect(),
            ownership: self.owners.result(k, c, self.ds, self.candidates),
            proposals,
        }
    }
}

/// The dataset's own list and every list in `list_paths`; warnings go to `warnings`, and any
/// error in a list fails the run (a list that cannot be read must never clear anyone).
fn read_lists(
    dir: &Path,
    ds: &Dataset,
    parties: &Parties,
    list_paths: &[PathBuf],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<PartyList>> {
    let mut lists = vec![lists::dataset_list(dir, ds, parties)];
    let mut diags = Diagnostics::new();
    for path in list_paths {
        if let Some(list) = lists::read(path, ds, &mut diags)? {
            lists.push(list);
        }
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    for d in diags.into_vec() {
        match d.severity {
            Severity::Error => errors.push(d),
            Severity::Warning => warnings.push(d),
            Severity::Note => {}
        }
    }
    if !errors.is_empty() {
        let mut files: Vec<&str> = errors.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        let dir = if files.len() == 1 {
            PathBuf::from(files[0])
        } else {
            PathBuf::from("the list files")
        };
        return Err(Error::InvalidDataset {
            dir,
            diagnostics: errors,
        });
    }
    Ok(lists)
}

/// What a proposal of candidate `c` (entity `me`) changes.
fn proposal_result(
    ds: &Dataset,
    ranker: &Ranker<'_>,
    doubt: &doubt::Doubt<'_>,
    scratch: &mut rank::Scratch,
    me: EntityIx,
    c: &Candidate,
    p: &candidates::Proposal,
) -> ProposalResult {
    let add = Addition {
        supplier: Supplier::New(me),
        buyer: p.buyer,
        item: p.item,
        share: p.share,
    };
    let mut o = ranker.assess(&add, scratch);
    doubt.mark(&mut o.impact, p.item, &c.input_countries);
    ProposalResult {
        buyer: ds.entity(p.buyer).id.clone(),
        buyer_name: ds.entity(p.buyer).name.clone(),
        item: ds.item(p.item).id.clone(),
        item_name: ds.item(p.item).name.clone(),
        line: p.line,
        shares: o.shares,
        impact: o.impact,
    }
}

/// What the report says of a list: its file's digest, date, format and counts.
fn list_summary(l: &PartyList, settings: &ScreenSettings) -> Result<ListSummary> {
    let digest = if Path::new(&l.path).is_file() {
        Some(audit::digest(Path::new(&l.path))?)
    } else {
        None
    };
    Ok(ListSummary {
        path: l.path.clone(),
        sha256: digest.as_ref().map(|d| d.sha256.clone()),
        bytes: digest.as_ref().map(|d| d.bytes),
        published: settings.list_date(&l.path).map(str::to_string),
        format: l.format,
        format_name: l.format.describe().to_string(),
        rows: l.rows,
        entries: l.entries.len(),
        organizations: l.count(PartyType::Organization),
        individuals: l.count(PartyType::Individual),
        vessels: l.count(PartyType::Vessel),
        aircraft: l.count(PartyType::Aircraft),
    })
}

impl VerdictCounts {
    /// The counts of the verdicts in `out`, with `not_screened` rows left out for errors.
    fn of(out: &[CandidateResult], not_screened: usize) -> VerdictCounts {
        let mut summary = VerdictCounts {
            candidates: out.len(),
            not_screened,
            ..VerdictCounts::default()
        };
        for c in out {
            match c.verdict {
                Verdict::Blocked => summary.blocked += 1,
                Verdict::Review => summary.review += 1,
                Verdict::Clear => summary.clear += 1,
            }
        }
        summary
    }
}

/// The dataset with every candidate added as an entity (restricted when blocked) and its
/// ownership, without any supply.
pub fn with_candidates(
    ds: &Dataset,
    candidates: &[Candidate],
    verdicts: &[(Verdict, Vec<String>)],
) -> Dataset {
    let mut base = ds.clone();
    let first = base.entities.len();
    for (k, c) in candidates.iter().enumerate() {
        impact::add_entity(
            &mut base,
            &NewVendor {
                id: c.id.clone(),
                name: c.name.clone(),
                country: c.country,
                restricted: verdicts[k].0 == Verdict::Blocked,
            },
        );
    }
    for (k, c) in candidates.iter().enumerate() {
        let owner = match c.owner {
            Some(OwnerRef::Entity(e)) => e,
            Some(OwnerRef::Candidate(j)) => EntityIx((first + j) as u32),
            None => continue,
        };
        impact::add_owner(
            &mut base,
            owner,
            EntityIx((first + k) as u32),
            c.owner_share,
        );
    }
    base
}

fn match_result(h: &Hit, lists: &[PartyList], settings: &ScreenSettings) -> MatchResult {
    let list = &lists[h.list];
    let entry = &list.entries[h.entry];
    let alias = h.alias.map(|a| &entry.aliases[a]);
    MatchResult {
        list: list.path.clone(),
        format: list.format,
        source: entry.source.clone(),
        entry_id: entry.uid.clone(),
        entry_name: entry.name.clone(),
        party_type: entry.party_type,
        programs: entry.programs.clone(),
        line: entry.line,
        entity: entry.entity.clone(),
        matched_name: alias.map_or_else(|| entry.name.clone(), |a| a.name.clone()),
        alias: alias.map(|a| a.kind.clone()),
        score: round3(h.score),
        strength: if h.score + HAIR >= settings.block_threshold {
            Strength::Strong
        } else {
            Strength::Possible
        },
        why: h.why.clone(),
    }
}

/// Scores are shown to three decimals.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A list entry, in words: `"NAME" on SDN (sdn.csv:308, entry 46627) via a.k.a. "X"`.
fn entry_label(lists: &[PartyList], h: &Hit) -> String {
    let list = &lists[h.list];
    let entry = &list.entries[h.entry];
    let file = Path::new(&list.path)
        .file_name()
        .map_or_else(|| list.path.clone(), |f| f.to_string_lossy().into_owned());
    let id = match list.format {
        ListFormat::RestrictedCsv => String::new(),
        _ => format!(", entry {}", entry.uid),
    };
    let via = h
        .alias
        .map(|a| {
            let alias = &entry.aliases[a];
            format!(" via {} \"{}\"", alias.kind, alias.name)
        })
        .unwrap_or_default();
    format!(
        "\"{}\" on {} ({file}:{}{id}){via}, score {:.2}",
        entry.name, entry.source, entry.line, h.score
    )
}

/// Every unqualified alternate of the dataset, ranked by what qualifying it removes; the best
/// `settings.alternates` of them, and how many were ranked.
fn alternates(
    ds: &Dataset,
    g: &ProductionGraph,
    ranker: &Ranker<'_>,
    settings: &ScreenSettings,
    progress: ProgressFn<'_>,
) -> (Vec<Alternate>, usize) {
    let qualified: std::collections::HashSet<(EntityIx, EntityIx, crate::model::ItemIx)> = ds
        .supply
        .iter()
        .filter(|r| r.qualified)
        .map(|r| (r.supplier, r.buyer, r.item))
        .collect();
    let rows: Vec<&crate::model::SupplyRow> = ds
        .supply
        .iter()
        .filter(|r| !r.qualified && !qualified.contains(&(r.supplier, r.buyer, r.item)))
        .collect();
    let total = rows.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    progress("ranking alternates", 0, total);
    let mut out: Vec<Alternate> = rows
        .par_iter()
        .map_init(
            || ranker.scratch(),
            |scratch, row| {
                let add = Addition {
                    supplier: Supplier::Node(row.supplier, g.node_of[&(row.supplier, row.item)]),
                    buyer: row.buyer,
                    item: row.item,
                    share: row.share.get(),
                };
                let o = ranker.assess(&add, scratch);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(64) || n == total {
                    progress("ranking alternates", n, total);
                }
                Alternate {
                    rank: 0,
                    supplier: ds.entity(row.supplier).id.clone(),
                    supplier_name: ds.entity(row.supplier).name.clone(),
                    buyer: ds.entity(row.buyer).id.clone(),
                    buyer_name: ds.entity(row.buyer).name.clone(),
                    item: ds.item(row.item).id.clone(),
                    item_name: ds.item(row.item).name.clone(),
                    line: row.line,
                    shares: o.shares,
                    impact: o.impact,
                }
            },
        )
        .collect();
    out.sort_by(|a, b| {
        let (x, y) = (&a.impact.delta, &b.impact.delta);
        y.spof_score
            .total_cmp(&x.spof_score)
            .then_with(|| y.exposure_score.total_cmp(&x.exposure_score))
            .then_with(|| y.capacity_at_risk_removed.cmp(&x.capacity_at_risk_removed))
            .then_with(|| y.products_affected.cmp(&x.products_affected))
            .then_with(|| a.line.cmp(&b.line))
    });
    for (i, a) in out.iter_mut().enumerate() {
        a.rank = i + 1;
    }
    let ranked = out.len();
    if let Some(n) = settings.alternates {
        out.truncate(n);
    }
    (out, ranked)
}

/// Parses `--list-date` values: `YYYY-MM-DD` for every list, or `FILE=YYYY-MM-DD` for the
/// list given as FILE (its path as given, or its file name).
pub fn parse_list_dates(
    values: &[String],
    lists: &[PathBuf],
) -> std::result::Result<Vec<(Option<String>, String)>, String> {
    let mut out = Vec::new();
    for v in values {
        let (file, date) = match v.rsplit_once('=') {
            Some((f, d)) => (Some(f.to_string()), d.to_string()),
            None => (None, v.clone()),
        };
        if !audit::valid_date(&date) {
            return Err(format!(
                "--list-date `{v}` has the date `{date}` (expected YYYY-MM-DD, a calendar day)"
            ));
        }
        if let Some(f) = &file {
            let known = lists.iter().any(|l| {
                l.to_string_lossy() == f.as_str()
                    || l.file_name()
                        .is_some_and(|n| n.to_string_lossy() == f.as_str())
            });
            if !known {
                return Err(format!(
                    "--list-date `{v}` names `{f}`, which is not a --list file (expected one of: {})",
                    lists
                        .iter()
                        .map(|l| l.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        out.push((file, date));
    }
    Ok(out)
}
