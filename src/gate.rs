//! The gate of a scheduled run: how the core's report compares with a baseline, which of its
//! findings are waived, and whether the run passes.
//!
//! The marks are kept beside the report ([`Reviewed`]), never inside it: the core's
//! [`Report`] is what the analysis concludes about the supply chain, the same whoever runs it;
//! whether a finding is new to this team or accepted by it is this run's business. The
//! renderers show both, and `report.json` carries the marks where the findings stand, as
//! `status`, `change`, `previous` and `waiver` on each finding and `input`, `baseline`,
//! `resolved` and `waivers` at the top.
//!
//! **What the baseline accepts.** A finding of the baseline is accepted: it is `standing`
//! and does not count for `--fail-on-new`. A finding the baseline held only under a waiver
//! is accepted only while a waiver still covers it: once the waiver expires it counts again,
//! so that writing a passing run to the baseline (`--update-baseline`) never turns a waiver
//! into a permanent acceptance. A finding whose kind changed for the same subject and product
//! is *escalated* (capacity at risk became a single point of failure: new, it counts) or
//! *de-escalated* (the reverse: standing, it does not).

use crate::analysis::Report;
use crate::analysis::findings::{Finding, Kind, Severity};
use crate::baseline::{self, BaselineInfo, Change, OldFinding, OtherDataset, RunFindings, Status};
use crate::error::{EXIT_FINDINGS, EXIT_OK};
use crate::identity::InputIdentity;
use crate::settings::Gate;
use crate::waiver::{Date, Waiver, WaiverReport};
use foldhash::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// A report with the marks of the gate beside it. Reads as the report it holds.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub report: Report,
    pub marks: Marks,
    /// The identity of the files analysed (absent for a report made in memory).
    pub input: Option<InputIdentity>,
    /// What the report states first: title, date, dataset sources and caveats, trust policy,
    /// assumptions (set by the command line; absent for a report made in memory).
    pub context: Option<crate::report::context::Context>,
}

impl std::ops::Deref for Reviewed {
    type Target = Report;

    fn deref(&self) -> &Report {
        &self.report
    }
}

/// What a run is compared with.
#[derive(Debug, Clone, Copy)]
pub enum Against<'a> {
    /// No baseline asked for.
    Nothing,
    /// A baseline path with no file yet: every finding is new.
    NotYet(&'a Path),
    /// The baseline read from the path.
    Baseline(&'a RunFindings, &'a Path),
}

impl Reviewed {
    /// A report with no baseline and no waivers.
    pub fn plain(report: Report) -> Reviewed {
        Reviewed {
            report,
            marks: Marks::default(),
            input: None,
            context: None,
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
        let against = baseline.map_or(Against::Nothing, |(old, path)| Against::Baseline(old, path));
        Reviewed::review(report, None, against, waivers, today)
    }

    /// Marks `report`, read from the files of `input`, against `against` and the waivers
    /// valid on `today`.
    pub fn review(
        report: Report,
        input: Option<InputIdentity>,
        against: Against<'_>,
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
            notes: Vec::new(),
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
        match against {
            Against::Nothing => {}
            Against::NotYet(path) => marks.notes.push(format!(
                "No baseline at {} yet: every finding counts as new.",
                path.display()
            )),
            Against::Baseline(old, path) => {
                let b = BaselineMarks::new(&report, input.as_ref(), old, path);
                if let Some(o) = &b.other_dataset {
                    marks.notes.push(format!(
                        "Warning: the baseline is of dataset {}, this run is of {}: its findings are of another supply chain.",
                        o.old, o.new
                    ));
                }
                let mut kinds = Vec::new();
                if b.info.escalated > 0 {
                    kinds.push(format!(
                        "{} escalated (capacity at risk became a single point of failure)",
                        tierscope_core::numbers::plural(b.info.escalated, "risk", "risks")
                    ));
                }
                if b.info.de_escalated > 0 {
                    kinds.push(format!(
                        "{} de-escalated (a single point of failure became capacity at risk)",
                        b.info.de_escalated
                    ));
                }
                if !kinds.is_empty() {
                    marks
                        .notes
                        .push(format!("Since the baseline, {}.", kinds.join("; ")));
                }
                marks.baseline = Some(b);
            }
        }
        Reviewed {
            report,
            marks,
            input,
            context: None,
        }
    }

    /// A finding's message with its baseline status and waiver, for tables.
    pub fn annotated(&self, f: &Finding) -> String {
        self.annotated_with(f, |s| std::borrow::Cow::Borrowed(s))
    }

    /// [`Reviewed::annotated`] with the data in it (the message, the waiver's reason) passed
    /// through a format's guard, and the marks around it as they are.
    pub fn annotated_with<'a>(
        &'a self,
        f: &'a Finding,
        guard: impl Fn(&str) -> std::borrow::Cow<'_, str>,
    ) -> String {
        let mut text = String::new();
        match self.marks.change(f) {
            Some((Change::Escalated, _)) => {
                let _ = write!(
                    text,
                    "[ESCALATED from {}] ",
                    Kind::CapacityAtRisk.title().to_lowercase()
                );
            }
            Some((Change::DeEscalated, _)) => {
                let _ = write!(
                    text,
                    "[DE-ESCALATED from {}] ",
                    Kind::Spof.title().to_lowercase()
                );
            }
            None if self.marks.status(f) == Some(Status::New) => text.push_str("[NEW] "),
            None => {
                if let Some(old) = self.marks.rose_from(f) {
                    let _ = write!(text, "[ROSE from {}] ", old.as_str());
                }
            }
        }
        text.push_str(&guard(&f.message.text()));
        if let Some(w) = self.marks.waiver(f) {
            let _ = write!(text, " [waived until {}: {}]", w.expires, guard(&w.reason));
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
    /// Sentences for the report's summary: no baseline yet, a baseline of another dataset,
    /// escalations.
    notes: Vec<String>,
}

#[derive(Debug, Clone)]
struct BaselineMarks {
    info: BaselineInfo,
    /// The baseline's findings by id.
    old: HashMap<String, OldMark>,
    /// Findings whose kind changed: this run's id -> how, and the baseline's finding.
    changed: HashMap<String, (Change, OldFinding)>,
    /// The baseline's findings that are gone.
    resolved: Vec<OldFinding>,
    other_dataset: Option<OtherDataset>,
}

impl BaselineMarks {
    fn new(
        report: &Report,
        input: Option<&InputIdentity>,
        old: &RunFindings,
        path: &Path,
    ) -> BaselineMarks {
        let now: HashSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
        let ids: HashMap<String, OldMark> = old
            .findings
            .iter()
            .map(|f| {
                let mark = OldMark {
                    severity: f.severity,
                    value: f.metric.value,
                    waived: f.waived,
                };
                (f.id.clone(), mark)
            })
            .collect();
        // By id, as `diff` lists them (the last of a repeated id in a hand-edited baseline).
        let before: std::collections::BTreeMap<&str, &OldFinding> =
            old.findings.iter().map(|f| (f.id.as_str(), f)).collect();
        let mut changed: HashMap<String, (Change, OldFinding)> = HashMap::default();
        let mut standing = 0;
        for f in &report.findings {
            if ids.contains_key(f.id.as_str()) {
                standing += 1;
            } else if let Some((other, change)) = baseline::counterpart(&f.id)
                && !now.contains(other.as_str())
                && let Some(o) = before.get(other.as_str())
            {
                changed.insert(f.id.to_string(), (change, (*o).clone()));
            }
        }
        let taken: HashSet<&str> = changed.values().map(|(_, o)| o.id.as_str()).collect();
        let resolved: Vec<OldFinding> = before
            .iter()
            .filter(|(id, _)| !now.contains(*id) && !taken.contains(*id))
            .map(|(_, f)| (*f).clone())
            .collect();
        let count = |c: Change| changed.values().filter(|(x, _)| *x == c).count();
        let (escalated, de_escalated) = (count(Change::Escalated), count(Change::DeEscalated));
        let other_dataset = OtherDataset::of(old, &report.dataset, input);
        BaselineMarks {
            info: BaselineInfo {
                path: path.display().to_string(),
                dataset: old.dataset.clone(),
                tool: old.tool.clone(),
                new: report.findings.len() - standing - de_escalated,
                standing: standing + de_escalated,
                resolved: resolved.len(),
                escalated,
                de_escalated,
                method_changes: baseline::method_changes(old, &baseline::method_of(report)),
                warnings: other_dataset
                    .iter()
                    .map(|o| format!("baseline is of dataset {}, this run is of {}", o.old, o.new))
                    .collect(),
            },
            old: ids,
            changed,
            resolved,
            other_dataset,
        }
    }
}

impl Marks {
    /// True when there is nothing to mark: no baseline and no valid waiver.
    pub fn is_empty(&self) -> bool {
        self.baseline.is_none() && self.active.is_empty()
    }

    /// With a baseline: whether `f` is new or standing (a de-escalated finding is standing,
    /// an escalated one new).
    pub fn status(&self, f: &Finding) -> Option<Status> {
        self.baseline.as_ref().map(|b| {
            let de_escalated = || {
                b.changed
                    .get(f.id.as_str())
                    .is_some_and(|(c, _)| *c == Change::DeEscalated)
            };
            if b.old.contains_key(f.id.as_str()) || de_escalated() {
                Status::Standing
            } else {
                Status::New
            }
        })
    }

    /// With a baseline: whether `f`'s kind changed since, and the baseline's finding.
    pub fn change(&self, f: &Finding) -> Option<(Change, &OldFinding)> {
        let b = self.baseline.as_ref()?;
        b.changed.get(f.id.as_str()).map(|(c, o)| (*c, o))
    }

    /// With a baseline: `new`, `standing`, `escalated` or `de-escalated`, for tables.
    pub fn status_label(&self, f: &Finding) -> Option<&'static str> {
        match self.change(f) {
            Some((c, _)) => Some(c.as_str()),
            None => self.status(f).map(Status::as_str),
        }
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

    /// With a baseline of another dataset: which datasets.
    pub fn other_dataset(&self) -> Option<&OtherDataset> {
        self.baseline.as_ref()?.other_dataset.as_ref()
    }

    /// Sentences about the comparison for the report's summary (empty when there is
    /// nothing to say).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Whether the baseline accepted `f` only under a waiver (it held `f`, or the finding
    /// `f` de-escalated from, with a waiver).
    pub fn accepted_under_waiver(&self, f: &Finding) -> bool {
        let Some(b) = &self.baseline else {
            return false;
        };
        match b.old.get(f.id.as_str()) {
            Some(old) => old.waived,
            None => b
                .changed
                .get(f.id.as_str())
                .is_some_and(|(c, o)| *c == Change::DeEscalated && o.waived),
        }
    }

    /// With a baseline: its finding that `f` was, when `f` changed kind or severity since.
    pub fn previous<'a>(&'a self, f: &'a Finding) -> Option<Previous<'a>> {
        let b = self.baseline.as_ref()?;
        if let Some(old) = b.old.get(f.id.as_str()) {
            return (old.severity != f.severity).then(|| Previous {
                id: &f.id,
                kind: f.kind.as_str(),
                severity: old.severity,
                metric: &f.metric.name,
                value: old.value,
            });
        }
        b.changed.get(f.id.as_str()).map(|(_, o)| Previous {
            id: &o.id,
            kind: &o.kind,
            severity: o.severity,
            metric: &o.metric.name,
            value: o.metric.value,
        })
    }

    /// With a baseline: the severity `f` had there, when `f` is more severe now.
    pub fn rose_from(&self, f: &Finding) -> Option<Severity> {
        self.previous(f)
            .map(|p| p.severity)
            .filter(|old| f.severity < *old)
    }

    /// Whether `f` counts for `--fail-on`: not waived, and — when only new ones count —
    /// new (escalated ones included), more severe than in the baseline, or accepted by the
    /// baseline only under a waiver that no longer covers it (without a baseline every
    /// finding is new). The baseline accepted a risk at its severity, not a worse one.
    pub fn counts(&self, f: &Finding, only_new: bool) -> bool {
        self.waiver(f).is_none()
            && (!only_new
                || self.status(f) != Some(Status::Standing)
                || self.rose_from(f).is_some()
                || self.accepted_under_waiver(f))
    }
}

/// What the baseline knew of one of its findings.
#[derive(Debug, Clone, Copy)]
struct OldMark {
    severity: Severity,
    value: f64,
    /// Whether the baseline held it only under a waiver.
    waived: bool,
}

/// A baseline's finding that a finding of this run was, of another kind or severity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Previous<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub severity: Severity,
    pub metric: &'a str,
    pub value: f64,
}

/// The most findings a failing gate names on stderr; the rest are counted.
pub const NAMED: usize = 20;

impl Gate {
    /// The findings that fail the run, in the report's order (most severe first): at or
    /// above `--fail-on`, and counting (see [`Marks::counts`]). Empty without `--fail-on`.
    pub fn tripped<'a>(&self, report: &'a Reviewed) -> Vec<&'a Finding> {
        let Some(level) = self.fail_on else {
            return Vec::new();
        };
        report
            .findings
            .iter()
            .filter(|f| f.severity <= level && report.marks.counts(f, self.fail_on_new))
            .map(|f| &**f)
            .collect()
    }

    /// 1 when a finding that counts is at or above `--fail-on`: not waived, and new when
    /// `--fail-on-new` is set (without a baseline every finding is new).
    pub fn exit_code(&self, report: &Reviewed) -> i32 {
        if self.tripped(report).is_empty() {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        }
    }

    /// What a failing run says on stderr, whatever `--quiet` says: the findings that tripped
    /// the gate (at most [`NAMED`], then a count), where the report is, what became of the
    /// baseline, and how to accept the findings. `main` is the report file to open, `json`
    /// the report.json written, when they were written.
    pub fn failure(
        &self,
        report: &Reviewed,
        tripped: &[&Finding],
        main: Option<&Path>,
        json: Option<&Path>,
    ) -> String {
        use crate::guard::text as t;
        let shown = |p: &Path| t(&p.display().to_string()).into_owned();
        let mut s = String::new();
        let level = self.fail_on.map_or("", Severity::as_str);
        let which = match (self.fail_on_new, report.marks.baseline().is_some()) {
            (true, true) => ", new or worse since the baseline and not waived",
            (true, false) => ", not waived (with no baseline, every finding is new)",
            (false, _) => ", not waived",
        };
        let _ = writeln!(
            s,
            "FAILED: {} finding{} at or above {level}{which}:",
            tripped.len(),
            if tripped.len() == 1 { "" } else { "s" },
        );
        for f in tripped.iter().take(NAMED) {
            let _ = write!(
                s,
                "  {:<8} {}  {}",
                f.severity.as_str(),
                t(&f.id),
                report.annotated_with(f, t)
            );
            if self.fail_on_new && report.marks.accepted_under_waiver(f) {
                s.push_str(
                    " (the baseline accepted it only under a waiver, which no longer applies)",
                );
            }
            s.push('\n');
        }
        if tripped.len() > NAMED {
            let _ = writeln!(s, "  ... and {} more", tripped.len() - NAMED);
        }
        if let Some(path) = main {
            let _ = writeln!(s, "report: {}", shown(path));
        }
        if let Some(path) = &self.baseline {
            if self.update_baseline {
                let _ = if path.exists() {
                    writeln!(
                        s,
                        "baseline kept as it was: {} (a failing run never updates it)",
                        shown(path)
                    )
                } else {
                    writeln!(
                        s,
                        "no baseline written to {} (a failing run never writes it)",
                        shown(path)
                    )
                };
            }
            if let Some(json) = json {
                let _ = writeln!(
                    s,
                    "to accept these findings as they are: tierscope baseline accept {} --baseline {}",
                    shown(json),
                    shown(path)
                );
            }
        }
        s
    }
}
