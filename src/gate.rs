//! The gate of a scheduled run: how the core's report compares with a baseline, and which of
//! its findings are waived.
//!
//! The marks are kept beside the report ([`Reviewed`]), never inside it: the core's
//! [`Report`] is what the analysis concludes about the supply chain, the same whoever runs it;
//! whether a finding is new to this team or accepted by it is this run's business. The
//! renderers show both, and `report.json` carries the marks where the findings stand, as
//! `status` and `waiver` on each finding and `baseline`, `resolved` and `waivers` at the top.

use crate::analysis::Report;
use crate::analysis::findings::Finding;
use crate::baseline::{self, BaselineInfo, OldFinding, RunFindings, Status};
use crate::waiver::{Date, Waiver, WaiverReport};
use foldhash::HashSet;
use std::path::Path;

/// A report with the marks of the gate beside it. Reads as the report it holds.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub report: Report,
    pub marks: Marks,
}

impl std::ops::Deref for Reviewed {
    type Target = Report;

    fn deref(&self) -> &Report {
        &self.report
    }
}

impl Reviewed {
    /// A report with no baseline and no waivers.
    pub fn plain(report: Report) -> Reviewed {
        Reviewed {
            report,
            marks: Marks::default(),
        }
    }

    /// Marks `report` against the baseline read from `path` (if any) and the waivers valid on
    /// `today` (the first valid waiver that matches a finding waives it).
    pub fn new(
        report: Report,
        baseline: Option<(&RunFindings, &Path)>,
        waivers: &[Waiver],
        today: Date,
    ) -> Reviewed {
        let (active, expired): (Vec<&Waiver>, Vec<&Waiver>) =
            waivers.iter().partition(|w| !w.is_expired(today));
        let mut marks = Marks {
            baseline: None,
            active: active.into_iter().cloned().collect(),
            waivers: WaiverReport {
                expired: expired.into_iter().cloned().collect(),
                unused: Vec::new(),
            },
        };
        let mut used = vec![false; marks.active.len()];
        for f in &report.findings {
            if let Some(i) = marks.active.iter().position(|w| w.matches(&f.id)) {
                used[i] = true;
            }
        }
        marks.waivers.unused = marks
            .active
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(w, _)| w.clone())
            .collect();
        if let Some((old, path)) = baseline {
            marks.baseline = Some(BaselineMarks::new(&report, old, path));
        }
        Reviewed { report, marks }
    }

    /// A finding's message with its baseline status and waiver, for tables.
    pub fn annotated(&self, f: &Finding) -> String {
        let mut text = String::new();
        if self.marks.status(f) == Some(Status::New) {
            text.push_str("[NEW] ");
        }
        text.push_str(&f.message);
        if let Some(w) = self.marks.waiver(f) {
            text.push_str(&format!(" [waived until {}: {}]", w.expires, w.reason));
        }
        text
    }
}

/// What the gate says of a report's findings: new or standing against the baseline, waived
/// or not. Computed on demand from the finding's id, so a report of half a million findings
/// carries no per-finding copy.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    baseline: Option<BaselineMarks>,
    /// Waivers not expired, in file order.
    active: Vec<Waiver>,
    /// Expired and unused waivers.
    pub waivers: WaiverReport,
}

#[derive(Debug, Clone)]
struct BaselineMarks {
    info: BaselineInfo,
    /// The ids of the baseline's findings.
    old: HashSet<String>,
    /// The baseline's findings that are gone.
    resolved: Vec<OldFinding>,
}

impl BaselineMarks {
    fn new(report: &Report, old: &RunFindings, path: &Path) -> BaselineMarks {
        let now: HashSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
        let ids: HashSet<String> = old.findings.iter().map(|f| f.id.clone()).collect();
        let standing = report
            .findings
            .iter()
            .filter(|f| ids.contains(f.id.as_str()))
            .count();
        // By id, as `diff` lists them (the last of a repeated id in a hand-edited baseline).
        let before: std::collections::BTreeMap<&str, &OldFinding> =
            old.findings.iter().map(|f| (f.id.as_str(), f)).collect();
        let resolved: Vec<OldFinding> = before
            .into_iter()
            .filter(|(id, _)| !now.contains(id))
            .map(|(_, f)| f.clone())
            .collect();
        BaselineMarks {
            info: BaselineInfo {
                path: path.display().to_string(),
                dataset: old.dataset.clone(),
                tool: old.tool.clone(),
                new: report.findings.len() - standing,
                standing,
                resolved: resolved.len(),
                method_changes: baseline::method_changes(old, &baseline::method_of(report)),
            },
            old: ids,
            resolved,
        }
    }
}

impl Marks {
    /// True when there is nothing to mark: no baseline and no valid waiver.
    pub fn is_empty(&self) -> bool {
        self.baseline.is_none() && self.active.is_empty()
    }

    /// With a baseline: whether `f` is new or standing.
    pub fn status(&self, f: &Finding) -> Option<Status> {
        self.baseline.as_ref().map(|b| {
            if b.old.contains(f.id.as_str()) {
                Status::Standing
            } else {
                Status::New
            }
        })
    }

    /// The waiver that accepts `f`, if any: it is shown but does not fail a run.
    pub fn waiver(&self, f: &Finding) -> Option<&Waiver> {
        self.active.iter().find(|w| w.matches(&f.id))
    }

    /// With a baseline: what it was and how the run compares.
    pub fn baseline(&self) -> Option<&BaselineInfo> {
        self.baseline.as_ref().map(|b| &b.info)
    }

    /// With a baseline: its findings that are gone.
    pub fn resolved(&self) -> &[OldFinding] {
        self.baseline.as_ref().map_or(&[], |b| &b.resolved)
    }

    /// Whether `f` counts for `--fail-on`: not waived, and new when only new ones count
    /// (without a baseline every finding is new).
    pub fn counts(&self, f: &Finding, only_new: bool) -> bool {
        self.waiver(f).is_none() && (!only_new || self.status(f) != Some(Status::Standing))
    }
}
