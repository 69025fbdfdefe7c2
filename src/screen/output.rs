//! What `tierscope screen` reports: the types [`run`](super::run) returns and
//! [`render`](super::render) writes.

use super::ScreenSettings;
use super::impact::{Impact, ShareChange};
use super::lists::{ListFormat, PartyType};
use crate::diag::Diagnostic;
use crate::model::Trust;
use serde::Serialize;

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
