//! The history of scheduled runs: each run's `report.json` kept as `DIR/YYYY-MM-DD.json`
//! (`--history DIR`), a second run of the same day as `YYYY-MM-DD-2.json` and so on, and the
//! trend read back from them (`tierscope trend DIR`).
//!
//! A kept file is never replaced: it is written to a temporary file in the folder and given
//! the first free name, so two runs of one day, even at the same time, keep both reports.

use crate::analysis::findings::Severity;
use crate::error::{Error, Result};
use crate::gate::Reviewed;
use crate::waiver::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The most runs of one day a history folder takes (`YYYY-MM-DD-9999.json`).
const MAX_PER_DAY: u32 = 9999;

/// The name of the `n`th run (from 1) of `date`.
pub fn file_name(date: Date, n: u32) -> String {
    if n <= 1 {
        format!("{date}.json")
    } else {
        format!("{date}-{n}.json")
    }
}

/// The date and run number of a kept file's name, if it is one.
pub fn parse_name(name: &str) -> Option<(Date, u32)> {
    let stem = name.strip_suffix(".json").filter(|s| s.is_ascii())?;
    let (date, n) = match stem.get(10..) {
        Some("") => (stem, 1),
        Some(rest) => {
            let n: u32 = rest
                .strip_prefix('-')
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?
                .parse()
                .ok()?;
            // The second run of a day is the first with a number.
            (&stem[..10], Some(n).filter(|n| *n >= 2)?)
        }
        None => return None,
    };
    // Strictly YYYY-MM-DD: Date::parse alone would take a longer day field.
    let digits = |r: std::ops::Range<usize>| date[r].bytes().all(|b| b.is_ascii_digit());
    if !(digits(0..4) && &date[4..5] == "-" && digits(5..7) && &date[7..8] == "-" && digits(8..10))
    {
        return None;
    }
    Some((Date::parse(date)?, n))
}

/// Keeps `report`'s report.json in `dir` under the first free name of `date`; returns its
/// path.
pub fn keep(dir: &Path, date: Date, report: &Reviewed) -> Result<PathBuf> {
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(failed(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tierscope-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(failed(dir))?;
    let first = dir.join(file_name(date, 1));
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        crate::report::json::write(report, &mut out)
            .and_then(|_| out.flush())
            .map_err(failed(&first))?;
    }
    #[cfg(unix)]
    {
        // Temporary files are created private; a kept report is a normal file.
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(failed(&first))?;
    }
    tmp.as_file().sync_all().map_err(failed(&first))?;
    for n in 1..=MAX_PER_DAY {
        let path = dir.join(file_name(date, n));
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(failed(&path)(e.error)),
        }
    }
    Err(Error::Write {
        path: dir.join(file_name(date, MAX_PER_DAY)),
        source: std::io::Error::other(format!("{MAX_PER_DAY} runs on {date} already kept")),
    })
}

/// The kept reports in `dir`, oldest first: (date, run of the day, path). Other files are
/// left alone.
pub fn list(dir: &Path) -> Result<Vec<(Date, u32, PathBuf)>> {
    let entries = std::fs::read_dir(dir).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::Input {
            path: dir.to_path_buf(),
            what: "no such folder (expected the folder given to --history)".into(),
        },
        _ => Error::Read {
            path: dir.to_path_buf(),
            source,
        },
    })?;
    let mut kept = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name();
        if let Some((date, n)) = name.to_str().and_then(parse_name) {
            kept.push((date, n, entry.path()));
        }
    }
    kept.sort();
    Ok(kept)
}

/// What the trend needs of a kept report (the rest of the file is skipped).
#[derive(Deserialize)]
struct Kept {
    #[serde(default)]
    dataset: String,
    summary: KeptSummary,
    #[serde(default)]
    products: Vec<KeptProduct>,
}

#[derive(Deserialize)]
struct KeptSummary {
    findings: usize,
    by_severity: BTreeMap<Severity, usize>,
}

#[derive(Deserialize)]
struct KeptProduct {
    entity: String,
    item: String,
    #[serde(default)]
    entity_name: String,
    #[serde(default)]
    item_name: String,
    untrusted_exposure: f64,
}

/// Findings by severity over time, and the products whose exposure moved most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// One per day with a kept report: the day's last run.
    pub runs: Vec<Run>,
    /// The datasets of the runs, when there are several (a warning: the line then mixes
    /// supply chains).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    /// Products of the last run whose untrusted exposure moved, most first.
    pub movers: Vec<Mover>,
}

/// One day's run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub date: Date,
    pub file: String,
    pub dataset: String,
    pub findings: usize,
    /// Findings of each severity, most severe first (every severity listed).
    pub by_severity: BTreeMap<Severity, usize>,
}

/// A product whose untrusted exposure moved between its first day and the last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub entity: String,
    pub item: String,
    /// `item name (entity name)`.
    pub name: String,
    /// The first day the product was in the history.
    pub since: Date,
    pub first: f64,
    pub last: f64,
}

impl Mover {
    pub fn change(&self) -> f64 {
        self.last - self.first
    }
}

/// One kept report, read.
fn read_kept(path: &Path) -> Result<Kept> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        what: format!(
            "line {} column {}: {e} (expected a report.json written by tierscope)",
            e.line(),
            e.column()
        ),
    })
}

/// Per product (entity, item): its name, first day, first exposure and last exposure.
type History = BTreeMap<(String, String), (String, Date, f64, f64)>;

/// The `top` products of the last run whose untrusted exposure moved most.
fn movers(products: &History, last_products: &[(String, String)], top: usize) -> Vec<Mover> {
    let mut movers: Vec<Mover> = last_products
        .iter()
        .filter_map(|key| {
            let (name, since, first, last) = products.get(key)?;
            Some(Mover {
                entity: key.0.clone(),
                item: key.1.clone(),
                name: name.clone(),
                since: *since,
                first: *first,
                last: *last,
            })
        })
        .filter(|m| m.change().abs() > crate::analysis::EPS)
        .collect();
    movers.sort_by(|a, b| {
        b.change()
            .abs()
            .total_cmp(&a.change().abs())
            .then_with(|| (&a.entity, &a.item).cmp(&(&b.entity, &b.item)))
    });
    movers.truncate(top);
    movers
}

impl Trend {
    /// Reads the history in `dir`: the last run of each day, and the `top` products whose
    /// untrusted exposure moved most from their first day to the last run.
    pub fn read(dir: &Path, top: usize) -> Result<Trend> {
        let kept = list(dir)?;
        if kept.is_empty() {
            return Err(Error::Input {
                path: dir.to_path_buf(),
                what: "holds no kept report (expected YYYY-MM-DD.json files, written by --history DIR)".into(),
            });
        }
        // The last run of each day.
        let mut days: BTreeMap<Date, PathBuf> = BTreeMap::new();
        for (date, _, path) in kept {
            days.insert(date, path);
        }
        let mut runs = Vec::new();
        // Per product: (name, first day, first exposure, last exposure, in the last run).
        let mut products: History = BTreeMap::new();
        let mut last_products = Vec::new();
        for (date, path) in &days {
            let kept = read_kept(path)?;
            last_products.clear();
            for p in kept.products {
                let key = (p.entity, p.item);
                last_products.push(key.clone());
                products
                    .entry(key)
                    .and_modify(|e| e.3 = p.untrusted_exposure)
                    .or_insert((
                        format!("{} ({})", p.item_name, p.entity_name),
                        *date,
                        p.untrusted_exposure,
                        p.untrusted_exposure,
                    ));
            }
            let mut by_severity = kept.summary.by_severity;
            for s in Severity::ALL {
                by_severity.entry(s).or_insert(0);
            }
            runs.push(Run {
                date: *date,
                file: path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
                dataset: kept.dataset,
                findings: kept.summary.findings,
                by_severity,
            });
        }
        let movers = movers(&products, &last_products, top);
        let mut datasets: Vec<String> = runs.iter().map(|r| r.dataset.clone()).collect();
        datasets.sort();
        datasets.dedup();
        if datasets.len() < 2 {
            datasets.clear();
        }
        Ok(Trend {
            runs,
            datasets,
            movers,
        })
    }

    /// The trend for a person: a table of findings by severity per day, then the movers.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let (first, last) = (&self.runs[0], &self.runs[self.runs.len() - 1]);
        let _ = writeln!(
            s,
            "{}: {} of kept reports, {} to {} (each day's last run)",
            last.dataset,
            tierscope_core::numbers::plural(self.runs.len(), "day", "days"),
            first.date,
            last.date
        );
        if !self.datasets.is_empty() {
            let _ = writeln!(
                s,
                "WARNING: the history holds reports of several datasets ({}): the counts mix supply chains",
                self.datasets.join(", ")
            );
        }
        let _ = writeln!(
            s,
            "\n{:<10}  {:>8}  {:>6}  {:>6}  {:>6}  {:>6}",
            "date", "critical", "high", "medium", "low", "total"
        );
        let row = |s: &mut String, label: &str, counts: [i64; 5], signed: bool| {
            let cell = |v: i64| {
                if signed {
                    format!("{v:+}")
                } else {
                    v.to_string()
                }
            };
            let _ = writeln!(
                s,
                "{label:<10}  {:>8}  {:>6}  {:>6}  {:>6}  {:>6}",
                cell(counts[0]),
                cell(counts[1]),
                cell(counts[2]),
                cell(counts[3]),
                cell(counts[4])
            );
        };
        let counts = |r: &Run| {
            let c = |sev| r.by_severity.get(&sev).copied().unwrap_or(0) as i64;
            [
                c(Severity::Critical),
                c(Severity::High),
                c(Severity::Medium),
                c(Severity::Low),
                r.findings as i64,
            ]
        };
        for r in &self.runs {
            row(&mut s, &r.date.to_string(), counts(r), false);
        }
        if self.runs.len() > 1 {
            let (a, b) = (counts(first), counts(last));
            row(&mut s, "change", std::array::from_fn(|i| b[i] - a[i]), true);
        }
        if self.movers.is_empty() {
            let _ = writeln!(s, "\nno product's untrusted exposure moved");
        } else {
            let _ = writeln!(s, "\nproducts whose untrusted exposure moved most:");
            for m in &self.movers {
                let _ = writeln!(
                    s,
                    "  {:>+4.0} points  {:>4.0}% -> {:>3.0}%  {}:{}  {} (since {})",
                    m.change() * 100.0,
                    m.first * 100.0,
                    m.last * 100.0,
                    m.entity,
                    m.item,
                    m.name,
                    m.since
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_kept_files() {
        let d = Date::parse("2026-12-07").unwrap();
        assert_eq!(file_name(d, 1), "2026-12-07.json");
        assert_eq!(file_name(d, 2), "2026-12-07-2.json");
        assert_eq!(parse_name("2026-12-07.json"), Some((d, 1)));
        assert_eq!(parse_name("2026-12-07-12.json"), Some((d, 12)));
        for other in [
            "2026-12-07.json.tmp",
            "2026-12-7.json",
            "2026-12-07-.json",
            "2026-12-07-x.json",
            "2026-13-07.json",
            "trend.svg",
            "notes.json",
            "2026-12-077.json",
            "2026-12-07-1.json",
            "2026-12-07-+3.json",
            "2026-12-07-é.json",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
    }
}
