//! Baselines and diffs: what changed between two runs.
//!
//! A finding is *new* when the baseline has no finding with its id, *standing* when it has,
//! and a baseline finding that is gone is *resolved*. Beyond that, a standing finding may have
//! changed severity, or its metric may have moved by more than a tolerance.
//!
//! A change of method — another report schema, other analysis rules, other thresholds or
//! trust policy — is reported as such: findings that appear or vanish then may be the
//! method's doing, not the world's.
//!
//! Old reports are read loosely (only the fields this module needs), so a baseline written by
//! another version of tierscope still compares.

use crate::analysis::Report;
use crate::analysis::findings::{ProductRef, Severity};
use crate::error::{Error, Result};
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OldMetric {
    pub name: String,
    pub value: f64,
}

/// Whether a finding is new since the baseline.
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

/// What a report says about the baseline it was compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    pub path: String,
    pub dataset: String,
    pub tool: String,
    pub new: usize,
    pub standing: usize,
    pub resolved: usize,
    /// How the method differs (empty when it does not).
    pub method_changes: Vec<String>,
}

/// Reads a report JSON as a run to compare.
pub fn read(path: &Path) -> Result<RunFindings> {
    let bytes = crate::inputs::read(path, "a report.json written by tierscope")?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        what: format!(
            "line {} column {}: {e} (expected a report.json written by tierscope)",
            e.line(),
            e.column()
        ),
    })
}

/// The run of a report just computed, as it would read back from its JSON.
pub fn of_report(report: &Report) -> RunFindings {
    let value = serde_json::to_value(report).expect("reports serialize");
    serde_json::from_value(value).expect("a report reads back as a run")
}

/// The differences between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub method_changes: Vec<String>,
    pub added: Vec<OldFinding>,
    pub resolved: Vec<OldFinding>,
    pub severity_changed: Vec<Moved>,
    pub metric_moved: Vec<Moved>,
    pub standing: usize,
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

/// Compares two runs. `tolerance` is the smallest metric move reported (absolute).
pub fn compare(old: &RunFindings, new: &RunFindings, tolerance: f64) -> Changes {
    let before: BTreeMap<&str, &OldFinding> =
        old.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let after: BTreeMap<&str, &OldFinding> =
        new.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut changes = Changes {
        method_changes: method_changes(old, new),
        added: Vec::new(),
        resolved: Vec::new(),
        severity_changed: Vec::new(),
        metric_moved: Vec::new(),
        standing: 0,
    };
    for (id, f) in &after {
        match before.get(id) {
            None => changes.added.push((*f).clone()),
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
                } else if (o.metric.value - f.metric.value).abs() > tolerance
                    && o.metric.name == f.metric.name
                {
                    changes.metric_moved.push(moved);
                }
            }
        }
    }
    for (id, f) in &before {
        if !after.contains_key(id) {
            changes.resolved.push((*f).clone());
        }
    }
    changes
}

/// Marks the report's findings new or standing against `baseline`, and lists the resolved.
pub fn mark(report: &mut Report, baseline: &RunFindings, path: &Path) {
    let now = of_report(report);
    let changes = compare(baseline, &now, 0.0);
    let old: std::collections::BTreeSet<&str> =
        baseline.findings.iter().map(|f| f.id.as_str()).collect();
    for f in &mut report.findings {
        f.status = Some(if old.contains(f.id.as_str()) {
            Status::Standing
        } else {
            Status::New
        });
    }
    report.baseline = Some(BaselineInfo {
        path: path.display().to_string(),
        dataset: baseline.dataset.clone(),
        tool: baseline.tool.clone(),
        new: changes.added.len(),
        standing: changes.standing,
        resolved: changes.resolved.len(),
        method_changes: changes.method_changes,
    });
    report.resolved = changes.resolved;
}

impl Changes {
    /// A person's summary of the changes.
    pub fn to_text(&self, old: &str, new: &str) -> String {
        use crate::guard::text as t;
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "comparing {} -> {}", t(old), t(new));
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
        let _ = writeln!(
            s,
            "{} added, {} resolved, {} changed severity, {} metric moved, {} standing",
            self.added.len(),
            self.resolved.len(),
            self.severity_changed.len(),
            self.metric_moved.len(),
            self.standing
        );
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
                    m.old_value,
                    m.new_value
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
                    m.old_value,
                    m.new_value
                );
            }
        }
        s
    }
}
