//! `tierscope.toml`: the settings of a scheduled run, so that cron and CI need one short
//! command. Found in the working folder, or given with `--config`. Every setting but the
//! `[severity]` table also has a flag, and flags win.
//!
//! ```toml
//! dataset = "datasets/legacy-semiconductors"
//! out = "reports/nightly"
//! formats = ["html", "json"]
//! charts = ["svg"]
//! fail_on = "critical"
//! fail_on_new = true
//! baseline = "baseline/report.json"
//! update_baseline = true
//! history = "history"
//! untrust = ["CN", "RU"]
//! trust = []
//! levels = ["entity", "owner", "country", "untrusted"]
//! title = "Semiconductor supply: risk review"
//! organisation = "Example Ministry"
//! currency = "USD"
//!
//! [thresholds]
//! capacity = 0.5
//! hhi = 0.4
//! asymmetry_min = 0.5
//! asymmetry_gap = 0.25
//!
//! [severity]
//! revenue_medium = 1e8
//! revenue_high = 1e9
//! revenue_critical = 1e10
//! exposure_critical = 0.9
//! exposure_high = 0.5
//! exposure_medium = 0.2
//! critical_item = 1
//!
//! [[waiver]]
//! id = "spof:country:TW:*"
//! reason = "Second source in Japan qualifies in Q1"
//! expires = 2027-03-31
//! ```
//!
//! Relative paths in the file are relative to the file's folder. An error points to
//! `file:line:column`.

use crate::analysis::findings::Severity;
use crate::analysis::groups::Level;
use crate::cli::{ChartFormat, ReportFormat};
use crate::error::{Error, Result};
use crate::waiver::Waiver;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The config file looked for in the working folder.
pub const DEFAULT_NAME: &str = "tierscope.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub dataset: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub formats: Option<Vec<ReportFormat>>,
    pub charts: Option<Vec<ChartFormat>>,
    pub fail_on: Option<Severity>,
    pub fail_on_new: Option<bool>,
    /// The accepted state runs are compared with (kept apart from `out`).
    pub baseline: Option<PathBuf>,
    /// Write each passing run's report.json to `baseline`.
    pub update_baseline: Option<bool>,
    /// A folder keeping every run's report.json, named by date.
    pub history: Option<PathBuf>,
    /// The date runs count as (`YYYY-MM-DD`); see [`crate::settings::AsOf`].
    pub as_of: Option<crate::waiver::Date>,
    pub untrust: Option<Vec<String>>,
    pub trust: Option<Vec<String>>,
    /// The report's title, organisation and currency (`--title`, `--organisation`,
    /// `--currency`).
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub currency: Option<String>,
    pub levels: Option<Vec<Level>>,
    /// Restricted-party list files for `screen`.
    pub lists: Option<Vec<PathBuf>>,
    /// A separate waivers file, in addition to the `[[waiver]]` tables here.
    pub waivers: Option<PathBuf>,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default, rename = "waiver")]
    pub waiver: Vec<Waiver>,
    /// The severity table's thresholds (`[severity]`); absent keys keep their defaults.
    /// Checked by [`crate::settings::severity_rules`].
    #[serde(default)]
    pub severity: Option<crate::analysis::severity::SeverityRules>,
    /// Where the config was read from (not a key of the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub capacity: Option<f64>,
    pub hhi: Option<f64>,
    pub asymmetry_min: Option<f64>,
    pub asymmetry_gap: Option<f64>,
}

/// Turns a byte offset into a 1-based line and column (in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses TOML text into `T`, with errors as `file:line:column: message`.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| line_col(text, s.start));
        let message = e.message().trim().to_string();
        Error::Input {
            path: match at {
                Some((line, col)) => PathBuf::from(format!("{}:{line}:{col}", path.display())),
                None => path.to_path_buf(),
            },
            what: message,
        }
    })
}

impl Config {
    /// Reads `path`, or `./tierscope.toml` when no path is given and one exists.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(DEFAULT_NAME);
                if !p.is_file() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text = crate::inputs::read_to_string(&path, "a tierscope.toml settings file")?;
        let mut config: Config = parse_toml(&text, &path)?;
        config.resolve_paths(path.parent().unwrap_or(Path::new("")));
        config.path = Some(path);
        Ok(config)
    }

    /// Makes the file's relative paths relative to the file's folder.
    fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() && !base.as_os_str().is_empty() {
                *p = base.join(&*p);
            }
        };
        for p in [
            &mut self.dataset,
            &mut self.out,
            &mut self.baseline,
            &mut self.history,
            &mut self.waivers,
        ]
        .into_iter()
        .flatten()
        {
            fix(p);
        }
        for p in self.lists.iter_mut().flatten() {
            fix(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_an_offset() {
        let text = "a = 1\nbb = x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 11), (2, 6));
    }

    #[test]
    fn unknown_key_points_to_its_line_and_column() {
        let text = "dataset = \"d\"\n\n  fail_onn = \"high\"\n";
        let err = parse_toml::<Config>(text, Path::new("t.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.toml:3:3: "), "{msg}");
        assert!(msg.contains("fail_onn"), "{msg}");
    }

    #[test]
    fn bad_value_points_to_the_value() {
        let text = "fail_on = \"urgent\"\n";
        let err = parse_toml::<Config>(text, Path::new("t.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.toml:1:11: "), "{msg}");
        assert!(msg.contains("urgent"), "{msg}");
    }

    #[test]
    fn a_full_config_parses() {
        let text = r#"
dataset = "d"
formats = ["html", "json"]
charts = ["svg"]
fail_on = "critical"
fail_on_new = true
update_baseline = true
history = "h"
as_of = 2026-12-07
untrust = ["CN"]
levels = ["entity", "country"]
[thresholds]
capacity = 0.3
[[waiver]]
id = "spof:country:TW:*"
reason = "second source qualifies in Q1"
expires = 2027-03-31
"#;
        let c: Config = parse_toml(text, Path::new("t.toml")).unwrap();
        assert_eq!(c.fail_on, Some(Severity::Critical));
        assert_eq!(c.thresholds.capacity, Some(0.3));
        assert_eq!(c.waiver.len(), 1);
        assert_eq!(c.waiver[0].expires.to_string(), "2027-03-31");
        assert_eq!(c.update_baseline, Some(true));
        assert_eq!(
            c.as_of.map(|d| d.to_string()).as_deref(),
            Some("2026-12-07")
        );
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let mut c: Config = parse_toml(
            "baseline = \"b.json\"\nhistory = \"h\"\nwaivers = \"/abs/w.toml\"\n",
            Path::new("t.toml"),
        )
        .unwrap();
        c.resolve_paths(Path::new("ci"));
        assert_eq!(c.baseline, Some(PathBuf::from("ci/b.json")));
        assert_eq!(c.history, Some(PathBuf::from("ci/h")));
        assert_eq!(c.waivers, Some(PathBuf::from("/abs/w.toml")));
    }
}
