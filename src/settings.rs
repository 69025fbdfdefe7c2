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
use crate::ingest::{self, limits::Work};
use crate::model::Dataset;
use crate::waiver::{self, Waiver};
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
}

/// What makes a run fail, and what it is compared with.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    pub fail_on: Option<Severity>,
    pub fail_on_new: bool,
    pub baseline: Option<PathBuf>,
    pub waivers: Vec<Waiver>,
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
        let trust = flags.trust.unwrap_or(&args.trust);
        let analysis = analysis::Settings {
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
            ..defaults
        };
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
        })
    }

    /// Loads the dataset (refusing one too large for `work`), applies the trust policy, and
    /// builds the production graph.
    pub fn load(&self, work: Work) -> Result<(Dataset, ProductionGraph)> {
        ingest::limits::check_fits(&self.dir, work)?;
        let mut ds = ingest::load(&self.dir)?.dataset;
        self.analysis.apply_trust(&mut ds)?;
        let graph = ProductionGraph::build(&ds);
        Ok((ds, graph))
    }
}

impl Gate {
    /// The gate of a command that has one (`analyze`, `report`); the others ignore the
    /// config's gate keys.
    fn resolve(flags: &GateArgs, config: &Config) -> Result<Gate> {
        let mut waivers = config.waiver.clone();
        for file in flags.waivers.iter().chain(config.waivers.iter()) {
            waivers.extend(waiver::load(file)?);
        }
        Ok(Gate {
            fail_on: flags.fail_on.or(config.fail_on),
            fail_on_new: flags.fail_on_new || config.fail_on_new.unwrap_or(false),
            baseline: flags.baseline.clone().or_else(|| config.baseline.clone()),
            waivers,
        })
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
