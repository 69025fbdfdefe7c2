//! Baselines and diffs: what changed between two runs.
//!
//! A finding is *new* when the baseline has no finding with its id, *standing* when it has,
//! and a baseline finding that is gone is *resolved*. A finding whose kind changed for the
//! same subject and product — capacity at risk became a single point of failure, or the
//! reverse — is the same risk grown or shrunk: *escalated* or *de-escalated*, never one
//! finding resolved and another added. Beyond that, a standing finding may have changed
//! severity, or its metric may have moved by more than a tolerance: absolute for fractions,
//! relative for money.
//!
//! A change of method — another report schema, other analysis rules, other thresholds or
//! trust policy — is reported as such: findings that appear or vanish then may be the
//! method's doing, not the world's. So is a comparison of two different datasets.
//!
//! Old reports are read loosely (only the fields this module needs), so a baseline written by
//! another version of tierscope still compares.

use crate::analysis::Report;
use crate::analysis::findings::{Kind, ProductRef, Severity};
use crate::error::{Error, Result};
use crate::identity::InputIdentity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The parts of a report that runs are compared on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunFindings {
    pub schema_version: u32,
    #[serde(default)]
    pub rules_version: u32,
    #[serde(default)]
    pub tool: String,
    #[serde(default)]
    pub dataset: String,
    /// The input's identity (absent from reports written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<InputIdentity>,
    #[serde(default)]
    pub settings: serde_json::Value,
    pub findings: Vec<OldFinding>,
}

/// A finding as read from a report JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OldFinding {
    pub id: String,
    pub kind: String,
    pub severity: Severity,
    #[serde(default)]
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<ProductRef>,
    pub metric: OldMetric,
    #[serde(default)]
    pub message: String,
    /// Whether a waiver accepted the finding in that report: a baseline accepts such a
    /// finding only for as long as a waiver does.
    #[serde(
        default,
        rename = "waiver",
        deserialize_with = "present",
        skip_serializing
    )]
    pub waived: bool,
}

/// Whether an optional field is there (and not `null`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<serde::de::IgnoredAny>::deserialize(d)?.is_some())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OldMetric {
    pub name: String,
    pub value: f64,
}

/// Whether a finding is new since the baseline. An escalated finding is new (it counts for
/// `--fail-on-new`); a de-escalated one is standing (the baseline had the same risk, worse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Standing,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Standing => "standing",
        }
    }
}

/// How a finding's kind changed for the same subject and product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Capacity at risk became a single point of failure.
    Escalated,
    /// A single point of failure became capacity at risk.
    DeEscalated,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Escalated => "escalated",
            Change::DeEscalated => "de-escalated",
        }
    }
}

/// The id the finding `id` had if its risk was of the other kind, and what going from that
/// kind to this one is: `capacity_at_risk:L:S:E:I` <-> `spof:L:S:E:I` (same level, subject
/// and product).
pub fn counterpart(id: &str) -> Option<(String, Change)> {
    let (spof, at_risk) = (Kind::Spof.as_str(), Kind::CapacityAtRisk.as_str());
    let swap = |rest: &str, to: &str| format!("{to}:{rest}");
    if let Some(rest) = id.strip_prefix(spof).and_then(|r| r.strip_prefix(':')) {
        Some((swap(rest, at_risk), Change::Escalated))
    } else {
        id.strip_prefix(at_risk)
            .and_then(|r| r.strip_prefix(':'))
            .map(|rest| (swap(rest, spof), Change::DeEscalated))
    }
}

/// The metrics that are amounts of money; every other metric is a fraction from 0 to 1.
pub const MONEY_METRICS: [&str; 1] = ["revenue_at_risk"];

pub fn is_money(metric: &str) -> bool {
    MONEY_METRICS.contains(&metric)
}

/// How far a metric must move to be reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Fractions: the smallest absolute change.
    pub fraction: f64,
    /// Money: the smallest change relative to the old amount (0.05 = 5%).
    pub money: f64,
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance {
            fraction: 0.01,
            money: 0.05,
        }
    }
}

impl Tolerance {
    /// Whether `metric` moved from `old` to `new` by more than the tolerance.
    pub fn moved(&self, metric: &str, old: f64, new: f64) -> bool {
        let by = (new - old).abs();
        if is_money(metric) {
            by > self.money * old.abs()
        } else {
            by > self.fraction
        }
    }
}

/// A metric's value for a person: money rounded, fractions as they are.
pub fn show_value(metric: &str, v: f64) -> String {
    if is_money(metric) {
        crate::numbers::money(v, "USD")
    } else {
        v.to_string()
    }
}

/// Two reports of different datasets. Reports of folders with different names but the same
/// files (a copy) are of the same dataset; a report that does not say its dataset is taken
/// to be of the same one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherDataset {
    pub old: String,
    pub new: String,
}

impl OtherDataset {
    pub fn of(
        old: &RunFindings,
        new_dataset: &str,
        new_input: Option<&InputIdentity>,
    ) -> Option<Self> {
        let same_files = match (&old.input, new_input) {
            (Some(a), Some(b)) => a.sha256 == b.sha256,
            _ => false,
        };
        (!old.dataset.is_empty() && old.dataset != new_dataset && !same_files).then(|| {
            OtherDataset {
                old: old.dataset.clone(),
                new: new_dataset.to_string(),
            }
        })
    }
}

/// What a report says about the baseline it was compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    pub path: String,
    pub dataset: String,
    pub tool: String,
    /// Findings whose status is `new` (the escalated ones among them).
    pub new: usize,
    /// Findings whose status is `standing` (the de-escalated ones among them).
    pub standing: usize,
    pub resolved: usize,
    /// New findings that are a risk of the baseline grown into another kind.
    #[serde(default)]
    pub escalated: usize,
    /// Standing findings that are a risk of the baseline shrunk into another kind.
    #[serde(default)]
    pub de_escalated: usize,
    /// How the method differs (empty when it does not).
    pub method_changes: Vec<String>,
    /// What makes the comparison doubtful: a baseline of another dataset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What a baseline or a report to compare must be, for messages.
const WHAT: &str = "a report.json written by tierscope";

/// Reads a report JSON as a run to compare.
pub fn read(path: &Path) -> Result<RunFindings> {
    parse(crate::inputs::open(path, WHAT)?, path)
}

/// Reads a report JSON as a run to compare; `None` when there is no file at `path` (no
/// baseline yet). A file that cannot be read or is not a report is an error with its place.
pub fn read_optional(path: &Path) -> Result<Option<RunFindings>> {
    crate::inputs::check(path, WHAT)?;
    match std::fs::File::open(path) {
        Ok(file) => parse(file, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Parses the report JSON as it is read: the whole file is never held (a report of 10M
/// supply rows is 7.5 GB, its findings as read a fifth of that), only what a comparison
/// reads of each finding.
fn parse(file: std::fs::File, path: &Path) -> Result<RunFindings> {
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    serde_json::from_reader(reader).map_err(|e| match e.io_error_kind() {
        Some(_) => Error::Read {
            path: path.to_path_buf(),
            source: e.into(),
        },
        None => Error::Input {
            path: path.to_path_buf(),
            what: format!(
                "line {} column {}: {e} (expected a report.json written by tierscope)",
                e.line(),
                e.column()
            ),
        },
    })
}

/// The method of a report just computed (its versions and settings), as a run without
/// findings: what [`method_changes`] compares.
pub fn method_of(report: &Report) -> RunFindings {
    RunFindings {
        schema_version: report.schema_version,
        rules_version: report.rules_version,
        tool: report.tool.clone(),
        dataset: report.dataset.clone(),
        input: None,
        settings: serde_json::to_value(&report.settings).expect("settings serialize"),
        findings: Vec::new(),
    }
}

/// The differences between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub method_changes: Vec<String>,
    /// Set when the reports are of two different datasets: their findings then differ
    /// because the supply chains do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_dataset: Option<OtherDataset>,
    /// How the input files differ, when both reports record them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<InputChange>,
    pub added: Vec<OldFinding>,
    pub resolved: Vec<OldFinding>,
    /// Capacity at risk that became a single point of failure (same subject and product).
    pub escalated: Vec<KindChange>,
    /// A single point of failure that became capacity at risk.
    pub de_escalated: Vec<KindChange>,
    pub severity_changed: Vec<Moved>,
    pub metric_moved: Vec<Moved>,
    pub standing: usize,
}

/// How the input files of two runs differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputChange {
    pub old_sha256: String,
    pub new_sha256: String,
    /// The files whose content differs (added and removed ones included).
    pub changed_files: Vec<String>,
}

/// One risk whose finding changed kind: the old run's finding and the new run's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindChange {
    pub old: OldFinding,
    pub new: OldFinding,
}

/// A standing finding whose severity or metric changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moved {
    pub id: String,
    pub old_severity: Severity,
    pub new_severity: Severity,
    pub metric: String,
    pub old_value: f64,
    pub new_value: f64,
}

/// How the method of two runs differs: schema, rules, thresholds, trust policy, levels.
pub fn method_changes(old: &RunFindings, new: &RunFindings) -> Vec<String> {
    let mut changes = Vec::new();
    if old.schema_version != new.schema_version {
        changes.push(format!(
            "report schema {} -> {}",
            old.schema_version, new.schema_version
        ));
    }
    if old.rules_version != new.rules_version {
        changes.push(format!(
            "analysis rules {} -> {}",
            old.rules_version, new.rules_version
        ));
    }
    if let (Some(a), Some(b)) = (old.settings.as_object(), new.settings.as_object()) {
        let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys {
            let (x, y) = (a.get(k), b.get(k));
            if x != y {
                let show =
                    |v: Option<&serde_json::Value>| v.map_or("absent".into(), |v| v.to_string());
                changes.push(format!("setting {k}: {} -> {}", show(x), show(y)));
            }
        }
    }
    changes
}

/// Compares two runs, by finding id; a finding whose kind changed for the same subject and
/// product is escalated or de-escalated, not added and resolved.
pub fn compare(old: &RunFindings, new: &RunFindings, tolerance: Tolerance) -> Changes {
    let before: BTreeMap<&str, &OldFinding> =
        old.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let after: BTreeMap<&str, &OldFinding> =
        new.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut changes = Changes {
        method_changes: method_changes(old, new),
        other_dataset: OtherDataset::of(old, &new.dataset, new.input.as_ref()),
        input: match (&old.input, &new.input) {
            (Some(a), Some(b)) => Some(InputChange {
                old_sha256: a.sha256.clone(),
                new_sha256: b.sha256.clone(),
                changed_files: a.changed_files(b),
            }),
            _ => None,
        },
        added: Vec::new(),
        resolved: Vec::new(),
        escalated: Vec::new(),
        de_escalated: Vec::new(),
        severity_changed: Vec::new(),
        metric_moved: Vec::new(),
        standing: 0,
    };
    // Old findings taken by a kind change: not resolved.
    let mut changed_kind = std::collections::BTreeSet::new();
    for (id, f) in &after {
        match before.get(id) {
            None => {
                let was = counterpart(id).and_then(|(other, change)| {
                    let o = before.get(other.as_str())?;
                    (!after.contains_key(other.as_str())).then_some((*o, change))
                });
                match was {
                    Some((o, change)) => {
                        changed_kind.insert(o.id.as_str());
                        let pair = KindChange {
                            old: o.clone(),
                            new: (*f).clone(),
                        };
                        match change {
                            Change::Escalated => changes.escalated.push(pair),
                            Change::DeEscalated => changes.de_escalated.push(pair),
                        }
                    }
                    None => changes.added.push((*f).clone()),
                }
            }
            Some(o) => {
                changes.standing += 1;
                let moved = Moved {
                    id: id.to_string(),
                    old_severity: o.severity,
                    new_severity: f.severity,
                    metric: f.metric.name.clone(),
                    old_value: o.metric.value,
                    new_value: f.metric.value,
                };
                if o.severity != f.severity {
                    changes.severity_changed.push(moved);
                } else if o.metric.name == f.metric.name
                    && tolerance.moved(&f.metric.name, o.metric.value, f.metric.value)
                {
                    changes.metric_moved.push(moved);
                }
            }
        }
    }
    for (id, f) in &before {
        if !after.contains_key(id) && !changed_kind.contains(id) {
            changes.resolved.push((*f).clone());
        }
    }
    changes
}

impl Changes {
    /// The severities that make the new run worse: added and escalated findings, and
    /// standing ones whose severity rose.
    pub fn worse(&self) -> impl Iterator<Item = Severity> + '_ {
        self.added
            .iter()
            .map(|f| f.severity)
            .chain(self.escalated.iter().map(|c| c.new.severity))
            .chain(
                self.severity_changed
                    .iter()
                    .filter(|m| m.new_severity < m.old_severity)
                    .map(|m| m.new_severity),
            )
    }

    /// A person's summary of the changes.
    pub fn to_text(&self, old: &str, new: &str) -> String {
        use crate::guard::text as t;
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "comparing {} -> {}", t(old), t(new));
        if let Some(o) = &self.other_dataset {
            let _ = writeln!(
                s,
                "WARNING: {} is of dataset {}, {} is of dataset {}: findings differ because the supply chains do",
                t(old),
                t(&o.old),
                t(new),
                t(&o.new)
            );
        }
        if self.method_changes.is_empty() {
            let _ = writeln!(s, "method: unchanged");
        } else {
            let _ = writeln!(
                s,
                "METHOD CHANGED (differences below may come from the method, not from the supply chain):"
            );
            for m in &self.method_changes {
                let _ = writeln!(s, "  {}", t(m));
            }
        }
        if let Some(input) = &self.input {
            if input.changed_files.is_empty() {
                let _ = writeln!(s, "input: unchanged (sha256 {})", short(&input.new_sha256));
            } else {
                let _ = writeln!(
                    s,
                    "input: changed ({}; sha256 {} -> {})",
                    t(&input.changed_files.join(", ")),
                    short(&input.old_sha256),
                    short(&input.new_sha256)
                );
            }
        }
        let _ = writeln!(
            s,
            "{} added, {} resolved, {} escalated, {} de-escalated, {} changed severity, {} metric moved, {} standing",
            self.added.len(),
            self.resolved.len(),
            self.escalated.len(),
            self.de_escalated.len(),
            self.severity_changed.len(),
            self.metric_moved.len(),
            self.standing
        );
        self.lists_text(&mut s);
        s
    }

    /// The lists of findings added, resolved, escalated, re-rated and moved.
    fn lists_text(&self, s: &mut String) {
        use crate::guard::text as t;
        use std::fmt::Write as _;
        for (title, list) in [("added", &self.added), ("resolved", &self.resolved)] {
            if !list.is_empty() {
                let _ = writeln!(s, "\n{title}:");
                for f in list {
                    let _ = writeln!(
                        s,
                        "  {:<8} {}  {}",
                        f.severity.as_str(),
                        t(&f.id),
                        t(&f.message)
                    );
                }
            }
        }
        for (title, list) in [
            ("escalated", &self.escalated),
            ("de-escalated", &self.de_escalated),
        ] {
            if !list.is_empty() {
                let _ = writeln!(s, "\n{title}:");
                for c in list {
                    let _ = writeln!(
                        s,
                        "  {} -> {}  {} -> {}  {}  {}",
                        c.old.severity.as_str(),
                        c.new.severity.as_str(),
                        t(&c.old.kind),
                        t(&c.new.kind),
                        t(&c.new.id),
                        t(&c.new.message)
                    );
                }
            }
        }
        if !self.severity_changed.is_empty() {
            let _ = writeln!(s, "\nseverity changed:");
            for m in &self.severity_changed {
                let _ = writeln!(
                    s,
                    "  {} -> {}  {}  ({} {} -> {})",
                    m.old_severity.as_str(),
                    m.new_severity.as_str(),
                    t(&m.id),
                    t(&m.metric),
                    show_value(&m.metric, m.old_value),
                    show_value(&m.metric, m.new_value)
                );
            }
        }
        if !self.metric_moved.is_empty() {
            let _ = writeln!(s, "\nmetric moved:");
            for m in &self.metric_moved {
                let _ = writeln!(
                    s,
                    "  {}  {} {} -> {}",
                    t(&m.id),
                    t(&m.metric),
                    show_value(&m.metric, m.old_value),
                    show_value(&m.metric, m.new_value)
                );
            }
        }
    }
}

/// The first 12 hex digits of a digest, enough to tell two inputs apart by eye.
fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

#[cfg(test)]
mod tests;
