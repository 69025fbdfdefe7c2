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

use crate::analysis::{EPS, HAIR, Settings, round};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::graph::ProductionGraph;
use crate::graph::parties::{FIFTY_PERCENT, Parties, RestrictedWhy, fifty_percent_rule, holdings};
use crate::model::{Dataset, EntityIx, Trust};
use candidates::{Candidate, OwnerRef};
use impact::{Impact, NewVendor, ShareChange};
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

/// A candidate's verdict, most severe last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Clear,
    Review,
    Blocked,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clear => "CLEAR",
            Verdict::Review => "REVIEW",
            Verdict::Blocked => "BLOCKED",
        }
    }
}

/// How strong a name match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// At or above the block threshold.
    Strong,
    /// At or above the threshold, below the block threshold.
    Possible,
}

/// The screening result JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenReport {
    pub schema_version: u32,
    pub tool: String,
    /// When the screening ran (RFC 3339, UTC; from `SOURCE_DATE_EPOCH` when set).
    pub screened_at: String,
    pub dataset: String,
    pub settings: ScreenSettings,
    /// The candidates file as read.
    pub candidates_file: CandidatesFileSummary,
    pub lists: Vec<ListSummary>,
    pub summary: VerdictCounts,
    pub candidates: Vec<CandidateResult>,
    /// The dataset's unqualified alternates, ranked: qualify these first (the best
    /// `--alternates N` of them when given).
    pub alternates: Vec<Alternate>,
    /// How many unqualified alternates were ranked in all.
    pub alternates_ranked: usize,
    /// Rows and candidates of the candidates file left out, each with where and why.
    pub errors: Vec<Diagnostic>,
    /// Warnings about the candidates and list files.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct VerdictCounts {
    pub candidates: usize,
    pub blocked: usize,
    pub review: usize,
    pub clear: usize,
    /// Rows or candidates left out for an error (see `errors`): not screened.
    pub not_screened: usize,
}

/// The candidates file, for the audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct CandidatesFileSummary {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows: u64,
}

/// One list as read.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    pub path: String,
    /// SHA-256 of the file (absent for a dataset without restricted.csv).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// The publication date: none of the CSV formats carries one, so it is the one stated
    /// with `--list-date`, else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    pub format: ListFormat,
    /// The format in words, e.g. "OFAC SDN CSV (no header, 12 fields)".
    pub format_name: String,
    pub rows: u64,
    pub entries: usize,
    /// Entries matched against candidates: organisations.
    pub organizations: usize,
    /// Entries not matched against vendors, by type.
    pub individuals: usize,
    pub vessels: usize,
    pub aircraft: usize,
}

/// One list entry a candidate's name matched.
#[derive(Debug, Clone, Serialize)]
pub struct MatchResult {
    /// The list file.
    pub list: String,
    pub format: ListFormat,
    /// The published list: `SDN`, a CSL source, restricted.csv's `list`.
    pub source: String,
    /// The list's id of the entry (OFAC ent_num, CSL `_id`, `line N`).
    pub entry_id: String,
    pub entry_name: String,
    #[serde(rename = "entry_type")]
    pub party_type: PartyType,
    pub programs: Vec<String>,
    /// The line of the list file the entry is on.
    pub line: u64,
    /// The dataset entity the entry is, for the dataset's own list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The name that matched: the entry's name or one of its aliases.
    pub matched_name: String,
    /// The kind of alias that matched (`a.k.a.`, `alt_names`, ...); absent for the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    pub score: f64,
    pub strength: Strength,
    pub why: Vec<String>,
}

/// A link of an ownership chain: `owner` holds `share` of `owned`.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerLink {
    pub owner: String,
    pub owner_name: String,
    /// `entity` (in the dataset) or `candidate`.
    pub owner_kind: String,
    pub owned: String,
    pub share: f64,
    /// `restricted` or `possibly_restricted`.
    pub status: String,
    pub why: String,
}

/// A candidate's ownership, as far as restricted parties go.
#[derive(Debug, Clone, Serialize)]
pub struct OwnershipResult {
    pub owner: String,
    pub owner_name: String,
    pub owner_share: f64,
    /// What restricted owners hold of the candidate, directly.
    pub restricted_share: f64,
    /// What restricted owners and owners that may be restricted hold, directly.
    pub possibly_restricted_share: f64,
    /// Restricted and possibly restricted owners, from the candidate up.
    pub chain: Vec<OwnerLink>,
}

/// A proposed supply and what it would change.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalResult {
    pub buyer: String,
    pub buyer_name: String,
    pub item: String,
    pub item_name: String,
    /// The candidates file line.
    pub line: u64,
    pub shares: ShareChange,
    pub impact: Impact,
}

/// One screened candidate.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateResult {
    pub id: String,
    pub name: String,
    pub country: String,
    pub country_trust: Trust,
    /// Set when the country is not in countries.csv and was added for the screening.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_note: Option<String>,
    /// Where the vendor's own inputs come from, as declared (`input_countries`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_countries: Vec<String>,
    pub line: u64,
    pub verdict: Verdict,
    /// Why the verdict, one sentence each, most severe first.
    pub reasons: Vec<String>,
    pub matches: Vec<MatchResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<OwnershipResult>,
    pub proposals: Vec<ProposalResult>,
}

/// An unqualified alternate and what qualifying it would change.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub rank: usize,
    pub supplier: String,
    pub supplier_name: String,
    pub buyer: String,
    pub buyer_name: String,
    pub item: String,
    pub item_name: String,
    /// The `supply.csv` line of the unqualified row.
    pub line: u64,
    pub shares: ShareChange,
    pub impact: Impact,
}

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

/// Restricted status of the parties on candidates' ownership chains.
struct OwnerStatus {
    /// Dataset entities, then candidates.
    n: usize,
    names: Vec<(String, String, bool)>,
    /// For each party, its owners and their shares.
    owners: Vec<Vec<(usize, f64)>>,
    /// Restricted, with why.
    definite: Vec<Option<String>>,
    /// Possibly restricted (a name match below the block threshold, or such owners holding
    /// at least half), with why.
    possible: Vec<Option<String>>,
    /// Restricted by the 50 percent rule here (their owners explain them).
    derived: Vec<bool>,
}

impl OwnerStatus {
    fn compute(
        ds: &Dataset,
        parties: &Parties,
        candidates: &[Candidate],
        hits: &[Vec<Hit>],
        matcher: &Matcher,
        lists: &[PartyList],
        settings: &ScreenSettings,
    ) -> OwnerStatus {
        let n = ds.entities.len();
        let total = n + candidates.len();
        let mut names: Vec<(String, String, bool)> = ds
            .entities
            .iter()
            .map(|e| (e.id.clone(), e.name.clone(), false))
            .collect();
        names.extend(
            candidates
                .iter()
                .map(|c| (c.id.clone(), c.name.clone(), true)),
        );
        let mut status = OwnerStatus {
            n,
            names,
            owners: owners_of(ds, candidates),
            definite: vec![None; total],
            possible: vec![None; total],
            derived: vec![false; total],
        };
        for (e, why) in parties.restricted.iter().enumerate() {
            if let Some(why) = why {
                status.definite[e] = Some(describe(ds, why));
                status.derived[e] = matches!(why, RestrictedWhy::FiftyPercentRule { .. });
            }
        }
        // Dataset entities up the candidates' chains are screened by name too.
        let seen = status.up_the_chains();
        for (x, _) in seen.iter().enumerate().filter(|(x, s)| **s && *x < n) {
            let h = matcher.screen(&ds.entities[x].name, settings.threshold);
            status.seed(x, &h, lists, settings);
        }
        for (k, h) in hits.iter().enumerate() {
            status.seed(n + k, h, lists, settings);
        }
        status.fifty_percent_rule();
        status
    }

    /// The parties up the owner chains of the candidates.
    fn up_the_chains(&self) -> Vec<bool> {
        let total = self.owners.len();
        let mut up: Vec<usize> = (self.n..total).collect();
        let mut seen = vec![false; total];
        while let Some(x) = up.pop() {
            for &(o, _) in &self.owners[x] {
                if !seen[o] {
                    seen[o] = true;
                    up.push(o);
                }
            }
        }
        seen
    }

    /// Party `x`'s best name match not already its own entry: restricted at or above the
    /// block threshold, possibly restricted below it.
    fn seed(&mut self, x: usize, hits: &[Hit], lists: &[PartyList], settings: &ScreenSettings) {
        let id = &self.names[x].0;
        let best = hits.iter().find(|h| {
            x >= self.n || lists[h.list].entries[h.entry].entity.as_deref() != Some(id.as_str())
        });
        if let Some(h) = best {
            let what = format!("name matches {}", entry_label(lists, h));
            if h.score + HAIR >= settings.block_threshold {
                self.definite[x].get_or_insert(what);
            } else if self.definite[x].is_none() {
                self.possible[x].get_or_insert(what);
            }
        }
    }

    /// The 50 percent rule (the analysis's own), twice: over the restricted, then over the
    /// restricted and the possibly restricted.
    fn fifty_percent_rule(&mut self) {
        let total = self.owners.len();
        let owners = &self.owners;
        let owned = holdings(
            total,
            owners
                .iter()
                .enumerate()
                .flat_map(|(x, os)| os.iter().map(move |&(o, share)| (o, x, share))),
        );
        let held_by = |x: usize, set: &[bool]| -> f64 {
            owners[x]
                .iter()
                .filter(|(o, _)| set[*o])
                .map(|(_, s)| s)
                .sum()
        };
        let mut sure: Vec<bool> = self.definite.iter().map(Option::is_some).collect();
        for x in fifty_percent_rule(&owned, &mut sure) {
            self.definite[x] = Some(format!(
                "restricted owners hold {} (50 percent rule)",
                crate::numbers::pct(held_by(x, &sure))
            ));
            self.derived[x] = true;
        }
        let mut maybe: Vec<bool> = (0..total)
            .map(|x| self.definite[x].is_some() || self.possible[x].is_some())
            .collect();
        for x in fifty_percent_rule(&owned, &mut maybe) {
            self.possible[x] = Some(format!(
                "owners that are or may be restricted hold {}",
                crate::numbers::pct(held_by(x, &maybe))
            ));
            self.derived[x] = true;
        }
    }

    /// (restricted share, restricted-or-possibly share) held directly in party `x`.
    fn held(&self, x: usize) -> (f64, f64) {
        let mut sure = 0.0;
        let mut maybe = 0.0;
        for &(o, s) in &self.owners[x] {
            if self.definite[o].is_some() {
                sure += s;
                maybe += s;
            } else if self.possible[o].is_some() {
                maybe += s;
            }
        }
        (sure, maybe)
    }

    fn result(
        &self,
        k: usize,
        c: &Candidate,
        ds: &Dataset,
        candidates: &[Candidate],
    ) -> Option<OwnershipResult> {
        let owner = c.owner?;
        let (owner_id, owner_name) = match owner {
            OwnerRef::Entity(e) => (ds.entity(e).id.clone(), ds.entity(e).name.clone()),
            OwnerRef::Candidate(j) => (candidates[j].id.clone(), candidates[j].name.clone()),
        };
        let x = self.n + k;
        let (sure, maybe) = self.held(x);
        // The chain: restricted and possibly restricted owners, breadth first.
        let mut chain = Vec::new();
        let mut queue = std::collections::VecDeque::from([x]);
        let mut seen = vec![false; self.names.len()];
        seen[x] = true;
        while let Some(y) = queue.pop_front() {
            for &(o, share) in &self.owners[y] {
                let (status, why) = match (&self.definite[o], &self.possible[o]) {
                    (Some(w), _) => ("restricted", w),
                    (None, Some(w)) => ("possibly_restricted", w),
                    _ => continue,
                };
                chain.push(OwnerLink {
                    owner: self.names[o].0.clone(),
                    owner_name: self.names[o].1.clone(),
                    owner_kind: if self.names[o].2 {
                        "candidate"
                    } else {
                        "entity"
                    }
                    .into(),
                    owned: self.names[y].0.clone(),
                    share: round(share),
                    status: status.into(),
                    why: why.clone(),
                });
                if self.derived[o] && !seen[o] {
                    seen[o] = true;
                    queue.push_back(o);
                }
            }
        }
        Some(OwnershipResult {
            owner: owner_id,
            owner_name,
            owner_share: round(c.owner_share),
            restricted_share: round(sure),
            possibly_restricted_share: round(maybe),
            chain,
        })
    }
}

/// Why a dataset entity is restricted, in words.
fn describe(ds: &Dataset, why: &RestrictedWhy) -> String {
    match why {
        RestrictedWhy::Flag => "flagged restricted in entities.csv".into(),
        RestrictedWhy::ListedById { line, list } => format!(
            "listed in restricted.csv line {line}{}",
            list.as_ref().map_or(String::new(), |l| format!(" ({l})"))
        ),
        RestrictedWhy::ListedByName {
            line,
            listed_name,
            list,
        } => format!(
            "named in restricted.csv line {line} as \"{listed_name}\"{}",
            list.as_ref().map_or(String::new(), |l| format!(" ({l})"))
        ),
        RestrictedWhy::FiftyPercentRule { owners, total } => format!(
            "restricted owners hold {} (50 percent rule): {}",
            crate::numbers::pct(*total),
            owners
                .iter()
                .map(|(o, s)| format!("{} {}", ds.entity(*o).id, crate::numbers::pct(*s)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
/// Each party's owners and their shares: the dataset's entities, then the candidates.
fn owners_of(ds: &Dataset, candidates: &[Candidate]) -> Vec<Vec<(usize, f64)>> {
    let n = ds.entities.len();
    let mut owners: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n + candidates.len()];
    for row in &ds.ownership {
        if row.owner != row.entity {
            owners[row.entity.ix()].push((row.owner.ix(), row.share));
        }
    }
    for (k, c) in candidates.iter().enumerate() {
        match c.owner {
            Some(OwnerRef::Entity(e)) => owners[n + k].push((e.ix(), c.owner_share)),
            Some(OwnerRef::Candidate(j)) => owners[n + k].push((n + j, c.owner_share)),
            None => {}
        }
    }
    owners
}

/// A candidate's verdict and the reasons for it.
fn verdict(
    k: usize,
    c: &Candidate,
    hits: &[Hit],
    owners: &OwnerStatus,
    lists: &[PartyList],
    settings: &ScreenSettings,
) -> (Verdict, Vec<String>) {
    let mut blocked = Vec::new();
    let mut review = Vec::new();
    for h in hits {
        if h.score + HAIR >= settings.block_threshold {
            blocked.push(format!("name matches {}", entry_label(lists, h)));
        } else if let Some(rule) = h.containment {
            review.push(format!(
                "name may match {}: {}",
                entry_label(lists, h),
                rule.reason()
            ));
        } else {
            review.push(format!("name may match {}", entry_label(lists, h)));
        }
    }
    let x = owners.n + k;
    let (sure, maybe) = owners.held(x);
    if c.owner.is_some() {
        if sure >= FIFTY_PERCENT - EPS {
            blocked.push(format!(
                "restricted owners hold {} of it: blocked by the 50 percent rule",
                crate::numbers::pct(sure)
            ));
        } else if maybe >= FIFTY_PERCENT - EPS {
            review.push(format!(
                "owners that are or may be restricted hold {} of it",
                crate::numbers::pct(maybe)
            ));
        } else if sure > 0.0 {
            review.push(format!(
                "restricted owners hold {} of it: below 50%, not blocked by the rule, but a restricted party has a stake",
                crate::numbers::pct(sure)
            ));
        }
    }
    if !blocked.is_empty() {
        blocked.extend(review);
        (Verdict::Blocked, blocked)
    } else if !review.is_empty() {
        (Verdict::Review, review)
    } else {
        (
            Verdict::Clear,
            vec![format!(
                "no list entry scores {:.2} or more, or holds the name or is held by it{}",
                settings.threshold,
                if c.owner.is_some() {
                    "; no restricted owner"
                } else {
                    ""
                }
            )],
        )
    }
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
                    share: row.share,
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
