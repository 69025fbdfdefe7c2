//! One settings step for every command: a command's flags over `tierscope.toml` over the
//! defaults, validated before any work is done (cargo-deny's unvalidated -> validated config).
//!
//! Every command that reads a dataset goes through [`Settings::resolve`] and loads through
//! [`Settings::load`], so a key of the config file means the same to all of them: the trust
//! policy of `untrust = ["CN"]` reaches `analyze`, `report`, `export`, `whatif`, `summary` and
//! `screen` alike, and an unknown code in it stops each of them the same way.

use crate::analysis;
use crate::analysis::findings::Severity;
use crate::analysis::groups::Level;
use crate::cli::{AnalysisArgs, ChartFormat, GateArgs, ReportFormat, TrustArgs};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::graph::ProductionGraph;
use crate::identity::InputIdentity;
use crate::ingest::{self, limits::Work};
use crate::model::Dataset;
use crate::waiver::{self, Date, Waiver};
use std::path::{Path, PathBuf};

/// What a command's own flags say. A command without some flag leaves it at its default
/// (empty, `None`), and the config file decides.
#[derive(Default)]
pub struct Flags<'a> {
    /// The dataset folder given on the command line.
    pub dir: Option<&'a Path>,
    pub trust: Option<&'a TrustArgs>,
    pub analysis: Option<&'a AnalysisArgs>,
    pub gate: Option<&'a GateArgs>,
    /// `report`'s output folder, formats and charts.
    pub out: Option<&'a Path>,
    pub formats: &'a [ReportFormat],
    pub charts: &'a [ChartFormat],
    /// `screen`'s list files.
    pub lists: &'a [PathBuf],
}

impl Flags<'_> {
    /// The run's date given on the command line (`--as-of`).
    fn as_of(&self) -> Option<Date> {
        self.gate.and_then(|g| g.as_of)
    }
}

/// The validated settings of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The dataset folder.
    pub dir: PathBuf,
    /// Thresholds, levels, the product in scope and the trust policy.
    pub analysis: analysis::Settings,
    pub gate: Gate,
    /// Where and what `report` writes; `None`: `reports/<dataset-name>/`.
    pub out: Option<PathBuf>,
    pub formats: Vec<ReportFormat>,
    pub charts: Vec<ChartFormat>,
    /// Restricted-party lists for `screen`.
    pub lists: Vec<PathBuf>,
    /// The date of the run: waivers expire by it, history files are named by it.
    pub as_of: AsOf,
    /// Profile or data, where both describe a node (`--prefer`).
    pub prefer: Option<crate::cli::Prefer>,
    /// The report's title and organisation (`--title`, `--organisation`, or the config).
    pub title: Option<String>,
    pub organisation: Option<String>,
    /// Where `analysis.untrust` and `analysis.trust` came from: the flag or the config file.
    pub untrust_from: PolicySource,
    pub trust_from: PolicySource,
}

/// Where a list of the trust policy was given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PolicySource {
    /// Not given (the list is empty).
    #[default]
    None,
    /// `--untrust` / `--trust`.
    Flag,
    /// The config file at this path.
    Config(PathBuf),
}

impl PolicySource {
    /// Where a list was picked from by [`pick`]: the flag's values if any, else the config's.
    fn of<T>(flag: &[T], config: Option<&[T]>, path: Option<&Path>) -> PolicySource {
        if !flag.is_empty() {
            PolicySource::Flag
        } else if config.is_some_and(|c| !c.is_empty()) {
            PolicySource::Config(
                path.map_or_else(|| crate::config::DEFAULT_NAME.into(), Path::to_path_buf),
            )
        } else {
            PolicySource::None
        }
    }
}

/// What makes a run fail, what it is compared with, and what it keeps.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    pub fail_on: Option<Severity>,
    pub fail_on_new: bool,
    /// The accepted state the run is compared with; a path that does not exist yet is no
    /// baseline (every finding is new), not an error.
    pub baseline: Option<PathBuf>,
    /// Write this run's report.json to `baseline` when the gate passes.
    pub update_baseline: bool,
    /// Compare with, and gate on, a baseline of another dataset.
    pub allow_other_dataset: bool,
    /// A folder keeping every run's report.json as `YYYY-MM-DD[-N].json`.
    pub history: Option<PathBuf>,
    pub waivers: Vec<Waiver>,
    /// What resolving the gate has to say (a waivers file named by the config that does
    /// not exist): printed as notes, unless `--quiet`.
    pub notes: Vec<String>,
}

/// The date a run counts as: `--as-of`, else `as_of` in the config file, else the date of
/// `SOURCE_DATE_EPOCH` (the reproducible-builds convention: seconds since 1970 UTC), else
/// today in UTC. One rule for every date a run uses (waiver expiry, history file names, the
/// date a report shows), so that rerunning an old night gives the old night's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub date: Date,
    pub source: AsOfSource,
}

/// Where the date of a run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOfSource {
    Flag,
    Config,
    SourceDateEpoch,
    /// The system clock (or `TIERSCOPE_TODAY`, which tests use to fix "today").
    Today,
}

/// The environment variable of reproducible builds: a time as seconds since 1970 UTC.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

impl AsOf {
    /// The date of a run from its flag and its config key, then the environment.
    ///
    /// A `SOURCE_DATE_EPOCH` that is not a whole number of seconds is a usage error (the
    /// convention asks tools to refuse a malformed value rather than fall back silently).
    pub fn resolve(flag: Option<Date>, config: Option<Date>) -> Result<AsOf> {
        if let Some(date) = flag {
            return Ok(AsOf {
                date,
                source: AsOfSource::Flag,
            });
        }
        if let Some(date) = config {
            return Ok(AsOf {
                date,
                source: AsOfSource::Config,
            });
        }
        if let Ok(text) = std::env::var(SOURCE_DATE_EPOCH) {
            let secs: i64 = text.trim().parse().map_err(|_| {
                Error::Usage(format!(
                    "{SOURCE_DATE_EPOCH} is `{text}` (expected a whole number of seconds since 1970-01-01 UTC)"
                ))
            })?;
            return Ok(AsOf {
                date: Date::from_unix_days(secs.div_euclid(86_400)),
                source: AsOfSource::SourceDateEpoch,
            });
        }
        Ok(AsOf {
            date: Date::today(),
            source: AsOfSource::Today,
        })
    }
}

impl Default for AsOf {
    /// Today, for settings made by hand (tests, library callers).
    fn default() -> AsOf {
        AsOf {
            date: Date::today(),
            source: AsOfSource::Today,
        }
    }
}

impl Settings {
    /// Flags over the config over the defaults; every value checked.
    pub fn resolve(flags: &Flags<'_>, config: &Config) -> Result<Settings> {
        let dir = flags
            .dir
            .map(Path::to_path_buf)
            .or_else(|| config.dataset.clone())
            .ok_or_else(|| {
                Error::Usage(
                    "no dataset folder (expected DIR, or `dataset = \"...\"` in tierscope.toml)"
                        .into(),
                )
            })?;
        let none = AnalysisArgs::default();
        let args = flags.analysis.unwrap_or(&none);
        let trust = flags.trust.unwrap_or(&args.trust);
        let analysis = analysis_settings(args, trust, config)?;
        let path = config.path.as_deref();
        Ok(Settings {
            dir,
            analysis,
            gate: match flags.gate {
                Some(gate) => Gate::resolve(gate, config)?,
                None => Gate::default(),
            },
            out: flags
                .out
                .map(Path::to_path_buf)
                .or_else(|| config.out.clone()),
            formats: pick(flags.formats, config.formats.as_deref(), &ReportFormat::ALL),
            charts: pick(flags.charts, config.charts.as_deref(), &ChartFormat::BOTH),
            lists: pick(flags.lists, config.lists.as_deref(), &[]),
            as_of: AsOf::resolve(flags.as_of(), config.as_of)?,
            prefer: trust.prefer,
            title: args.present.title.clone().or_else(|| config.title.clone()),
            organisation: args
                .present
                .organisation
                .clone()
                .or_else(|| config.organisation.clone()),
            untrust_from: PolicySource::of(&trust.untrust, config.untrust.as_deref(), path),
            trust_from: PolicySource::of(&trust.trust, config.trust.as_deref(), path),
        })
    }

    /// Loads the dataset (refusing one too large for `work`), applies the trust policy, and
    /// builds the production graph.
    pub fn load(&self, work: Work) -> Result<(Dataset, ProductionGraph)> {
        self.load_identified(work).map(|(ds, graph, _)| (ds, graph))
    }

    /// [`Settings::load`], with the identity of the files read (their SHA-256 digests).
    /// Loads the dataset as its files say, without the trust policy: for `screen`, which
    /// applies the policy itself because a candidate's country need not be in the dataset.
    pub fn load_dataset(&self, work: Work) -> Result<Dataset> {
        ingest::limits::check_fits(&self.dir, work)?;
        Ok(ingest::load(&self.dir)?.dataset)
    }

    pub fn load_identified(&self, work: Work) -> Result<(Dataset, ProductionGraph, InputIdentity)> {
        ingest::limits::check_fits(&self.dir, work)?;
        let (loaded, identity) = crate::identity::load(&self.dir)?;
        let mut ds = loaded.dataset;
        self.analysis.apply_trust(&mut ds)?;
        // Supplier profiles (profiles.csv) stand in for sub-tiers.
        let composition = crate::profile::prepare(&self.dir, &mut ds, self.prefer)?;
        let mut graph = ProductionGraph::build(&ds);
        if let Some(c) = composition {
            tierscope_core::profile::compose::finish(c, &mut ds, &mut graph);
        }
        Ok((ds, graph, identity))
    }
}

impl Gate {
    /// The gate of a command that has one (`analyze`, `report`); the others ignore the
    /// config's gate keys.
    ///
    /// A waivers file named on the command line must exist; one named by the config file
    /// that does not exist yet is a note (a team starts with no waivers). Either, when it
    /// exists, must be valid.
    fn resolve(flags: &GateArgs, config: &Config) -> Result<Gate> {
        let mut waivers = config.waiver.clone();
        let mut notes = Vec::new();
        if let Some(file) = &flags.waivers {
            waivers.extend(waiver::load(file)?);
        }
        if let Some(file) = &config.waivers {
            if file.exists() {
                waivers.extend(waiver::load(file)?);
            } else {
                notes.push(format!(
                    "no waivers file at {} yet (named in {}): no finding is waived by it",
                    file.display(),
                    config
                        .path
                        .as_deref()
                        .map_or("the config file".into(), |p| p.display().to_string())
                ));
            }
        }
        let (baseline, update_baseline) = if flags.no_baseline {
            (None, false)
        } else {
            (
                flags.baseline.clone().or_else(|| config.baseline.clone()),
                flags.update_baseline || config.update_baseline.unwrap_or(false),
            )
        };
        if update_baseline && baseline.is_none() {
            return Err(Error::Usage(
                "--update-baseline needs a baseline path (expected --baseline PATH, or `baseline = \"...\"` in tierscope.toml)".into(),
            ));
        }
        Ok(Gate {
            fail_on: flags.fail_on.or(config.fail_on),
            fail_on_new: flags.fail_on_new || config.fail_on_new.unwrap_or(false),
            baseline,
            update_baseline,
            allow_other_dataset: flags.allow_other_dataset,
            history: flags.history.clone().or_else(|| config.history.clone()),
            waivers,
            notes,
        })
    }
}

/// The analysis settings: `args` over the config over the defaults, each checked.
fn analysis_settings(
    args: &AnalysisArgs,
    trust: &TrustArgs,
    config: &Config,
) -> Result<analysis::Settings> {
    let defaults = analysis::Settings::default();
    let t = &config.thresholds;
    let threshold = |flag: Option<f64>, key: Option<f64>, name: &str, default: f64| {
        let v = flag.or(key).unwrap_or(default);
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(Error::Usage(format!(
                "the {name} is {v} (expected a number from 0 to 1)"
            )))
        }
    };
    let mut levels = pick(&args.level, config.levels.as_deref(), &Level::ALL);
    levels.sort();
    levels.dedup();
    Ok(analysis::Settings {
        capacity_threshold: threshold(
            args.capacity_threshold,
            t.capacity,
            "capacity threshold",
            defaults.capacity_threshold,
        )?,
        hhi_threshold: threshold(
            args.hhi_threshold,
            t.hhi,
            "HHI threshold",
            defaults.hhi_threshold,
        )?,
        asymmetry_min: threshold(
            args.asymmetry_min,
            t.asymmetry_min,
            "asymmetry minimum",
            defaults.asymmetry_min,
        )?,
        asymmetry_gap: threshold(
            args.asymmetry_gap,
            t.asymmetry_gap,
            "asymmetry gap",
            defaults.asymmetry_gap,
        )?,
        levels,
        product: args.product.clone(),
        untrust: pick(&trust.untrust, config.untrust.as_deref(), &[]),
        trust: pick(&trust.trust, config.trust.as_deref(), &[]),
        currency: args
            .present
            .currency
            .clone()
            .or_else(|| config.currency.clone())
            .map_or(Ok(defaults.currency.clone()), |c| currency(&c))?,
        severity: severity_rules(config)?,
        ..defaults
    })
}

/// A currency code as ISO 4217 writes it: three letters, upper case (`eur` is taken as EUR).
fn currency(text: &str) -> Result<String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(Error::Usage(format!(
            "the currency is `{text}` (expected an ISO 4217 code of three letters, e.g. USD, EUR)"
        )))
    }
}

/// The flag's values if given, else the config's, else the defaults.
pub fn pick<T: Clone>(flag: &[T], config: Option<&[T]>, default: &[T]) -> Vec<T> {
    if !flag.is_empty() {
        flag.to_vec()
    } else {
        config.unwrap_or(default).to_vec()
    }
}

/// The severity table's thresholds: `[severity]` of the config over the defaults, every
/// problem named at once (`[severity] exposure_high is 1.5 (expected ...)`).
pub fn severity_rules(config: &Config) -> Result<analysis::severity::SeverityRules> {
    let rules = config.severity.clone().unwrap_or_default();
    let problems = rules.problems();
    if problems.is_empty() {
        return Ok(rules);
    }
    let file = config
        .path
        .as_deref()
        .map_or("tierscope.toml".into(), |p| p.display().to_string());
    Err(Error::Usage(format!(
        "{file}: {}",
        problems
            .iter()
            .map(|p| format!("[severity] {p}"))
            .collect::<Vec<_>>()
            .join("; ")
    )))
}
