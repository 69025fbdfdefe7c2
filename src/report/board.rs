//! What the executive summary of the pages for people (HTML, Markdown) leads with: the root
//! causes, and the single points of failure that are in-house (the maker's own plants),
//! shown apart from supplier risk.

use crate::analysis::Report;
use crate::analysis::findings::{Kind, NodeRef, Severity};

/// How many root causes the executive summary lists; every one is in `report.json`.
pub const ROOT_CAUSES: usize = 6;

/// One root cause as the summary shows it.
pub struct CauseLine {
    pub severity: Severity,
    pub in_house: bool,
    pub text: String,
    /// One evidence path, supplier first, as `entity/item → ...`.
    pub evidence: String,
    /// The findings it stands for.
    pub findings: usize,
}

/// The supplier root causes first (most severe, most products, most revenue), then in-house
/// ones; at most `max`.
pub fn cause_lines(report: &Report, max: usize) -> Vec<CauseLine> {
    let mut causes: Vec<_> = report.root_causes.iter().collect();
    causes.sort_by_key(|c| c.in_house);
    causes
        .into_iter()
        .take(max)
        .map(|c| CauseLine {
            severity: c.severity,
            in_house: c.in_house,
            text: c.message.clone(),
            evidence: path_text(&c.evidence),
            findings: c.findings.len(),
        })
        .collect()
}

/// The headlines ([`super::headlines`]) that the root causes the summary lists do not
/// already say: each fact is said once, by its root cause, and what no root cause covers
/// follows. At most `max`.
pub fn other_headlines(report: &Report, max: usize) -> Vec<super::Headline> {
    let mut causes: Vec<_> = report.root_causes.iter().collect();
    causes.sort_by_key(|c| c.in_house);
    let covered: std::collections::HashSet<&str> = causes
        .into_iter()
        .take(ROOT_CAUSES)
        .flat_map(|c| c.findings.iter().map(|id| id.as_str()))
        .collect();
    super::headlines(report, usize::MAX)
        .into_iter()
        .filter(|h| !h.ids.iter().all(|id| covered.contains(id.as_str())))
        .take(max)
        .collect()
}

fn path_text(path: &[NodeRef]) -> String {
    path.iter()
        .map(|n| format!("{}/{}", n.entity, n.item))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Products with a single point of failure in suppliers' hands, and products whose only
/// single points of failure are in-house.
pub fn stoppable(report: &Report) -> (usize, usize) {
    use std::collections::BTreeSet;
    let mut supplier = BTreeSet::new();
    let mut in_house = BTreeSet::new();
    for f in report.findings.iter().filter(|f| f.kind == Kind::Spof) {
        if let Some(p) = &f.product {
            if f.in_house {
                in_house.insert(p);
            } else {
                supplier.insert(p);
            }
        }
    }
    let only_in_house = in_house.difference(&supplier).count();
    (supplier.len(), only_in_house)
}

/// How many in-house single points of failure the summary names; the rest are counted.
pub const IN_HOUSE_LINES: usize = 3;

/// The in-house single points of failure, as `plant can stop product` lines: at most
/// [`IN_HOUSE_LINES`], then a line counting the rest.
pub fn in_house_lines(report: &Report) -> Vec<String> {
    let all: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Spof && f.in_house)
        .map(|f| f.message.text())
        .collect();
    let mut lines: Vec<String> = all
        .iter()
        .take(IN_HOUSE_LINES)
        .map(|m| m.to_string())
        .collect();
    if all.len() > IN_HOUSE_LINES {
        lines.push(format!(
            "… and {} more: every one is in report.json and findings.csv (in_house).",
            all.len() - IN_HOUSE_LINES
        ));
    }
    lines
}
