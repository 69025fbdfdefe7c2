//! Renderers for a [`ScreenReport`]: pure functions from the report to bytes.
//!
//! - [`text`]: for a procurement lead. The verdict of each candidate first (BLOCKED, REVIEW,
//!   CLEAR, most severe first), why, the matches with their scores and reasons, the
//!   ownership chain, what each proposed supply would change, then "qualify these first".
//! - [`json`](fn@json): the [`ScreenReport`] as pretty JSON.
//! - [`csv`](fn@csv): one row per candidate × match (name matches and restricted owners), and one
//!   row for a candidate with neither.

use super::impact::{Impact, ShareChange, SpofRef};
use super::lists::ListFormat;
use super::{CandidateResult, MatchResult, OwnerLink, OwnershipResult, ScreenReport};
use crate::analysis::groups::Level;
use crate::guard::{CsvGuard, text as t};
use std::fmt::Write as _;

/// The report as pretty JSON and a newline.
pub fn json(report: &ScreenReport) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("screen report serializes");
    bytes.push(b'\n');
    bytes
}

use crate::numbers::pct;

/// The report for people.
pub fn text(r: &ScreenReport) -> String {
    let mut s = String::new();
    header_text(&mut s, r);
    let mut order: Vec<usize> = (0..r.candidates.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(r.candidates[i].verdict));
    for i in order {
        candidate_text(&mut s, &r.candidates[i]);
    }
    alternates_text(&mut s, r);
    errors_text(&mut s, r);
    s
}

/// The verdict counts, what was screened when, and every list read.
fn header_text(s: &mut String, r: &ScreenReport) {
    let _ = writeln!(
        s,
        "Screening {} candidate{} for {}: {} BLOCKED, {} REVIEW, {} CLEAR",
        r.summary.candidates,
        if r.summary.candidates == 1 { "" } else { "s" },
        t(&r.dataset),
        r.summary.blocked,
        r.summary.review,
        r.summary.clear
    );
    if r.summary.not_screened > 0 {
        let _ = writeln!(
            s,
            "NOT SCREENED: {} row{} or candidate{} of {} left out for an error (listed below)",
            r.summary.not_screened,
            if r.summary.not_screened == 1 { "" } else { "s" },
            if r.summary.not_screened == 1 { "" } else { "s" },
            t(&r.candidates_file.path)
        );
    }
    let _ = writeln!(
        s,
        "Screened at {} by {}; candidates {} (sha256 {}, {} bytes, {} rows)",
        r.screened_at,
        t(&r.tool),
        t(&r.candidates_file.path),
        r.candidates_file.sha256,
        r.candidates_file.bytes,
        r.candidates_file.rows
    );
    let _ = writeln!(
        s,
        "Lists (name matches from {:.2}; {:.2} and above blocks):",
        r.settings.threshold, r.settings.block_threshold
    );
    for l in &r.lists {
        let mut others = Vec::new();
        for (n, one, many) in [
            (l.individuals, "individual", "individuals"),
            (l.vessels, "vessel", "vessels"),
            (l.aircraft, "aircraft", "aircraft"),
        ] {
            if n > 0 {
                others.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        let _ = writeln!(
            s,
            "  {}: read as {}; {} rows, {} organisations screened{}",
            t(&l.path),
            t(&l.format_name),
            l.rows,
            l.organizations,
            if others.is_empty() {
                String::new()
            } else {
                format!(" ({} not screened as vendors)", others.join(", "))
            }
        );
        if let Some(sha) = &l.sha256 {
            let _ = writeln!(
                s,
                "      sha256 {sha}, {} bytes, published {}",
                l.bytes.unwrap_or(0),
                t(l.published
                    .as_deref()
                    .unwrap_or("not stated (give --list-date)"))
            );
        }
    }
}

/// One candidate: its verdict, reasons, matches, owners and proposals.
fn candidate_text(s: &mut String, c: &CandidateResult) {
    let _ = writeln!(
        s,
        "\n{:<8} {} ({}) — {}, {}",
        c.verdict.as_str(),
        t(&c.name),
        t(&c.id),
        t(&c.country),
        c.country_trust.as_str()
    );
    if let Some(note) = &c.country_note {
        let _ = writeln!(s, "  country {}: {}", t(&c.country), t(note));
    }
    for reason in &c.reasons {
        let _ = writeln!(s, "  - {}", t(reason));
    }
    for m in &c.matches {
        match_text(s, m);
    }
    if let Some(o) = &c.ownership {
        ownership_text(s, o);
    }
    for p in &c.proposals {
        let _ = writeln!(
            s,
            "  proposed: {} ({}) to {} ({}); {}",
            t(&p.item_name),
            t(&p.item),
            t(&p.buyer_name),
            t(&p.buyer),
            shares_text(&p.shares)
        );
        impact_text(s, &p.impact, "      ");
        if !p.impact.products.is_empty() {
            let _ = writeln!(
                s,
                "      (the vendor's own inputs are not in the dataset and count as available: an upper bound)"
            );
        }
    }
}

/// One name match: score, entry, list and why.
fn match_text(s: &mut String, m: &MatchResult) {
    let _ = writeln!(
        s,
        "  match {:.2} ({}): \"{}\" on {}{}{}{} — {}:{}",
        m.score,
        match m.strength {
            super::Strength::Strong => "strong",
            super::Strength::Possible => "possible",
        },
        t(&m.entry_name),
        t(&m.source),
        if m.format == ListFormat::RestrictedCsv {
            String::new()
        } else {
            format!(", entry {}", t(&m.entry_id))
        },
        if m.programs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", t(&m.programs.join(", ")))
        },
        m.entity
            .as_ref()
            .map_or(String::new(), |e| format!(", dataset entity {}", t(e))),
        t(&m.list),
        m.line
    );
    if let Some(kind) = &m.alias {
        let _ = writeln!(s, "      matched {} \"{}\"", t(kind), t(&m.matched_name));
    }
    let _ = writeln!(s, "      why: {}", t(&m.why.join("; ")));
}

/// The candidate's owner and its chain of restricted or possibly restricted owners.
fn ownership_text(s: &mut String, o: &OwnershipResult) {
    let _ = writeln!(
        s,
        "  owner: {} ({}) holds {}; restricted owners hold {}",
        t(&o.owner_name),
        t(&o.owner),
        pct(o.owner_share),
        pct(o.restricted_share)
    );
    for l in &o.chain {
        let _ = writeln!(
            s,
            "      {} {} ({}) holds {} of {}: {}",
            if l.status == "restricted" {
                "restricted"
            } else {
                "possibly restricted"
            },
            t(&l.owner_name),
            t(&l.owner),
            pct(l.share),
            t(&l.owned),
            t(&l.why)
        );
    }
}

/// The unqualified alternates, ranked.
fn alternates_text(s: &mut String, r: &ScreenReport) {
    let _ = writeln!(
        s,
        "\nQualify these first: unqualified alternates in supply.csv, ranked by the risk qualifying each removes"
    );
    let useful: Vec<_> = r
        .alternates
        .iter()
        .filter(|a| !a.impact.products.is_empty())
        .collect();
    if useful.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            if r.alternates.is_empty() {
                "the dataset has no unqualified alternates"
            } else {
                "qualifying any one of them changes no end product's findings"
            }
        );
    }
    for a in &useful {
        let d = &a.impact.delta;
        let _ = writeln!(
            s,
            "  {}. {} ({}) -> {} ({}): {} (supply.csv line {}): {} SPOF{} removed, {} added; revenue-weighted SPOF score {:.2}, exposure score {:.2}",
            a.rank,
            t(&a.supplier_name),
            t(&a.supplier),
            t(&a.buyer_name),
            t(&a.buyer),
            t(&a.item),
            a.line,
            d.spofs_removed,
            if d.spofs_removed == 1 { "" } else { "s" },
            d.spofs_added,
            d.spof_score,
            d.exposure_score
        );
        impact_text(s, &a.impact, "      ");
    }
    let idle = r.alternates.len() - useful.len();
    if idle > 0 && !useful.is_empty() {
        let _ = writeln!(
            s,
            "  ({idle} other alternate{} change nothing)",
            if idle == 1 { "" } else { "s" }
        );
    }
    if r.alternates_ranked > r.alternates.len() {
        let _ = writeln!(
            s,
            "  (the best {} of {} ranked alternates; --alternates sets how many)",
            r.alternates.len(),
            r.alternates_ranked
        );
    }
}

/// The rows left out for errors, and the warnings.
fn errors_text(s: &mut String, r: &ScreenReport) {
    if !r.errors.is_empty() {
        let _ = writeln!(s, "\nNot screened (errors in the candidates file):");
        for e in &r.errors {
            let _ = writeln!(s, "  {}", t(&e.to_string()));
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "\nWarnings:");
        for w in &r.warnings {
            let _ = writeln!(s, "  {}", t(&w.to_string()));
        }
    }
}

fn shares_text(sh: &ShareChange) -> String {
    let mut out = format!("share {}", t(&sh.note));
    if sh.existing_scaled_by < 1.0 && sh.replaced.is_empty() {
        let _ = write!(
            out,
            "; existing suppliers' shares scaled by {:.2}",
            sh.existing_scaled_by
        );
    }
    if !sh.replaced.is_empty() {
        let _ = write!(out, "; replaces {}", t(&sh.replaced.join(", ")));
    }
    out
}

/// A failure group in words: `entity fab-tw`, `country CN`, `all untrusted suppliers`.
fn group_label(level: Level, subject: &str) -> String {
    match level {
        Level::Untrusted => "all untrusted suppliers".into(),
        _ => format!("{} {}", level.as_str(), t(subject)),
    }
}

fn spof_label(x: &SpofRef) -> String {
    match &x.doubtful {
        Some(why) => format!(
            "{} (doubtful: {})",
            group_label(x.level, &x.subject),
            t(why)
        ),
        None => group_label(x.level, &x.subject),
    }
}

fn impact_text(s: &mut String, impact: &Impact, indent: &str) {
    if impact.products.is_empty() {
        let _ = writeln!(s, "{indent}changes no end product's findings");
        return;
    }
    for p in &impact.products {
        let mut parts = Vec::new();
        if !p.spofs_removed.is_empty() {
            parts.push(format!(
                "removes SPOF {}",
                p.spofs_removed
                    .iter()
                    .map(spof_label)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !p.spofs_added.is_empty() {
            parts.push(format!(
                "ADDS SPOF {}",
                p.spofs_added
                    .iter()
                    .map(spof_label)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if (p.exposure_before - p.exposure_after).abs() > crate::analysis::EPS {
            parts.push(format!(
                "untrusted exposure {} -> {}",
                pct(p.exposure_before),
                pct(p.exposure_after)
            ));
        }
        let gone = p
            .capacity_at_risk
            .iter()
            .filter(|c| c.after.is_none())
            .count();
        let new: Vec<String> = p
            .capacity_at_risk
            .iter()
            .filter(|c| c.before.is_none())
            .map(|c| {
                format!(
                    "{} leaves {}",
                    group_label(c.level, &c.subject),
                    c.after.map_or(String::new(), pct)
                )
            })
            .collect();
        let moved = p.capacity_at_risk.len() - gone - new.len();
        if !p.capacity_at_risk.is_empty() {
            let mut bits = Vec::new();
            if gone > 0 {
                bits.push(format!("{gone} gone"));
            }
            if !new.is_empty() {
                bits.push(format!("{} new ({})", new.len(), new.join(", ")));
            }
            if moved > 0 {
                bits.push(format!("{moved} changed"));
            }
            parts.push(format!("capacity-at-risk findings: {}", bits.join(", ")));
        }
        let _ = writeln!(
            s,
            "{indent}{} of {} ({}:{}): {}",
            t(&p.item_name),
            t(&p.entity_name),
            t(&p.entity),
            t(&p.item),
            parts.join("; ")
        );
    }
}

/// The columns of the CSV output.
pub const CSV_COLUMNS: [&str; 20] = [
    "candidate_id",
    "candidate_name",
    "country",
    "verdict",
    "basis",
    "score",
    "strength",
    "list",
    "list_format",
    "source",
    "entry_id",
    "entry_name",
    "matched_name",
    "alias",
    "entry_type",
    "programs",
    "share",
    "why",
    "list_sha256",
    "country_note",
];

/// One row per candidate × match: `basis` is `name` for a name match, `ownership` for a
/// restricted (or possibly restricted) owner on the candidate's chain; a candidate with
/// neither has one row with `basis` empty. Every cell goes through `guard`, so that a cell a
/// spreadsheet would evaluate as a formula is written as text ([`crate::guard::CsvGuard`]).
pub fn csv(r: &ScreenReport, guard: CsvGuard) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(CSV_COLUMNS);
    for c in &r.candidates {
        let note = c.country_note.clone().unwrap_or_default();
        let head = [
            c.id.as_str(),
            c.name.as_str(),
            c.country.as_str(),
            c.verdict.as_str(),
        ];
        let mut rows: Vec<Cells> = c.matches.iter().map(|m| match_cells(r, m, &note)).collect();
        if let Some(o) = &c.ownership {
            rows.extend(o.chain.iter().map(|l| chain_cells(l, &note)));
        }
        if rows.is_empty() {
            let mut row = Cells::default();
            row[13] = c.reasons.join("; ");
            row[15] = note;
            rows.push(row);
        }
        for row in &rows {
            let cells = head
                .iter()
                .copied()
                .chain(row.iter().map(String::as_str))
                .map(|c| guard.cell(c));
            let _ = w.write_record(cells.map(|c| c.into_owned().into_bytes()));
        }
    }
    w.into_inner().unwrap_or_default()
}

/// The cells of a row after the candidate's four.
type Cells = [String; 16];

/// The row of a name match.
fn match_cells(r: &ScreenReport, m: &MatchResult, note: &str) -> Cells {
    let digest = r
        .lists
        .iter()
        .find(|l| l.path == m.list)
        .and_then(|l| l.sha256.clone())
        .unwrap_or_default();
    let strength = match m.strength {
        super::Strength::Strong => "strong",
        super::Strength::Possible => "possible",
    };
    [
        "name".into(),
        format!("{:.3}", m.score),
        strength.into(),
        m.list.clone(),
        m.format.as_str().into(),
        m.source.clone(),
        m.entry_id.clone(),
        m.entry_name.clone(),
        m.matched_name.clone(),
        m.alias.clone().unwrap_or_default(),
        m.party_type.as_str().into(),
        m.programs.join("; "),
        String::new(),
        m.why.join("; "),
        digest,
        note.into(),
    ]
}

/// The row of one link of an ownership chain.
fn chain_cells(l: &OwnerLink, note: &str) -> Cells {
    [
        "ownership".into(),
        String::new(),
        l.status.clone(),
        String::new(),
        String::new(),
        String::new(),
        l.owner.clone(),
        l.owner_name.clone(),
        String::new(),
        String::new(),
        l.owner_kind.clone(),
        String::new(),
        format!("{}", l.share),
        format!(
            "{} holds {} of {}: {}",
            l.owner,
            pct(l.share),
            l.owned,
            l.why
        ),
        String::new(),
        note.into(),
    ]
}
