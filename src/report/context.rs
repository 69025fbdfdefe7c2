//! What a report states before any finding: its title and organisation, the date it counts
//! as, the currency, the dataset with its stated sources and caveats (`dataset.toml`), the
//! trust policy (every untrusted country and where that came from, the restricted lists) and
//! the assumptions of the model in plain words. Written to `report.json` as `context`, and
//! at the top of the page, the Markdown and the text summary.

use crate::error::Result;
use crate::identity::InputIdentity;
use crate::model::{Dataset, Trust};
use crate::settings::{AsOfSource, PolicySource, Settings};
use crate::waiver::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file in a dataset folder that states the dataset's title, sources and caveats.
pub const DATASET_TOML: &str = "dataset.toml";

/// What the report opens with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The date the report counts as, `YYYY-MM-DD`.
    pub as_of: Date,
    /// Where the date came from: `--as-of`, `config`, `SOURCE_DATE_EPOCH` or `today`.
    pub as_of_source: &'static str,
    /// The ISO 4217 code of the money in the report.
    pub currency: String,
    pub dataset: DatasetInfo,
    pub trust_policy: TrustPolicy,
    /// The model's assumptions, in plain words.
    pub assumptions: Vec<String>,
}

/// The dataset as its `dataset.toml` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct DatasetInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub sources: Vec<SourceRef>,
    pub caveats: Vec<String>,
    /// Said when there is no `dataset.toml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One source: a name (a citation), with its address when given apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRef {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The trust policy the analysis ran with.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TrustPolicy {
    /// Every untrusted country, by code.
    pub untrusted: Vec<PolicyCountry>,
    /// Countries made trusted by `--trust` or the config, over countries.csv.
    pub trusted_overrides: Vec<PolicyCountry>,
    /// The restricted-party lists named in restricted.csv, and entities flagged restricted.
    pub restricted_lists: Vec<RestrictedList>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyCountry {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `countries.csv`, `--untrust`, `--trust`, or the config file's path.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestrictedList {
    /// The list as restricted.csv names it (`list` column), or what flagged the entities.
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// Rows (or entities) it contributes.
    pub entries: usize,
    /// SHA-256 of the file, where the run read its identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// `dataset.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetToml {
    title: Option<String>,
    #[serde(default)]
    sources: Vec<SourceEntry>,
    #[serde(default)]
    caveats: Vec<String>,
}

/// A source is a string, or a table with `name` and an optional `url`.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a string, or a table with `name` and `url`")]
enum SourceEntry {
    Text(String),
    Table { name: String, url: Option<String> },
}

/// Reads `DIR/dataset.toml`; without one, a note that sources and caveats are not stated.
/// A file that is not valid is an error pointing to its line and column.
pub fn read_dataset_info(dir: &Path) -> Result<DatasetInfo> {
    let path = dir.join(DATASET_TOML);
    if !path.exists() {
        return Ok(DatasetInfo {
            note: Some("no dataset.toml: sources and caveats not stated".into()),
            ..DatasetInfo::default()
        });
    }
    let text = crate::inputs::read_to_string(&path, "a dataset.toml description")?;
    let parsed: DatasetToml = crate::config::parse_toml(&text, &path)?;
    Ok(DatasetInfo {
        title: parsed.title,
        sources: parsed
            .sources
            .into_iter()
            .map(|s| match s {
                SourceEntry::Text(name) => SourceRef { name, url: None },
                SourceEntry::Table { name, url } => SourceRef { name, url },
            })
            .collect(),
        caveats: parsed.caveats,
        note: None,
    })
}

impl Context {
    /// [`Context::build`] for a reviewed report (its input identity and visibility gaps).
    pub fn of(
        settings: &Settings,
        ds: &Dataset,
        dataset: DatasetInfo,
        report: &crate::gate::Reviewed,
    ) -> Context {
        let gaps = report
            .findings
            .iter()
            .filter(|f| f.kind == crate::analysis::findings::Kind::VisibilityGap)
            .count();
        Context::build(settings, ds, dataset, report.input.as_ref(), gaps)
    }

    /// The context of a run of `settings` on `ds` (loaded, with the trust policy applied).
    /// `gaps` is the number of visibility findings, which the assumptions point to.
    /// `dataset` is what [`read_dataset_info`] read (before the analysis, so that a bad file
    /// stops the run early).
    pub fn build(
        settings: &Settings,
        ds: &Dataset,
        dataset: DatasetInfo,
        input: Option<&InputIdentity>,
        gaps: usize,
    ) -> Context {
        let title = settings
            .title
            .clone()
            .unwrap_or_else(|| format!("Supply-chain risk report: {}", ds.name));
        Context {
            title,
            organisation: settings.organisation.clone(),
            as_of: settings.as_of.date,
            as_of_source: match settings.as_of.source {
                AsOfSource::Flag => "--as-of",
                AsOfSource::Config => "config",
                AsOfSource::SourceDateEpoch => "SOURCE_DATE_EPOCH",
                AsOfSource::Today => "today",
            },
            currency: settings.analysis.currency.clone(),
            dataset,
            trust_policy: trust_policy(settings, ds, input),
            assumptions: assumptions(gaps),
        }
    }
}

fn source_text(source: &PolicySource, flag: &str) -> String {
    match source {
        PolicySource::Config(path) => path.display().to_string(),
        PolicySource::Flag | PolicySource::None => flag.to_string(),
    }
}

fn trust_policy(settings: &Settings, ds: &Dataset, input: Option<&InputIdentity>) -> TrustPolicy {
    let a = &settings.analysis;
    let untrust_from = source_text(&settings.untrust_from, "--untrust");
    let trust_from = source_text(&settings.trust_from, "--trust");
    let mut untrusted: Vec<PolicyCountry> = ds
        .countries
        .iter()
        .filter(|c| c.trust == Trust::Untrusted)
        .map(|c| PolicyCountry {
            code: c.code.clone(),
            name: c.name.clone(),
            source: if a.untrust.contains(&c.code) {
                untrust_from.clone()
            } else {
                "countries.csv".into()
            },
        })
        .collect();
    untrusted.sort_by(|x, y| x.code.cmp(&y.code));
    let name_of = |code: &str| {
        ds.countries
            .iter()
            .find(|c| c.code == code)
            .and_then(|c| c.name.clone())
    };
    let trusted_overrides = a
        .trust
        .iter()
        .map(|code| PolicyCountry {
            code: code.clone(),
            name: name_of(code),
            source: trust_from.clone(),
        })
        .collect();
    TrustPolicy {
        untrusted,
        trusted_overrides,
        restricted_lists: restricted_lists(ds, input),
    }
}

fn restricted_lists(ds: &Dataset, input: Option<&InputIdentity>) -> Vec<RestrictedList> {
    let digest = |file: &str| {
        input.and_then(|i| {
            i.files
                .iter()
                .find(|f| f.name == file)
                .map(|f| f.sha256.clone())
        })
    };
    let mut lists: BTreeMap<String, usize> = BTreeMap::new();
    for r in &ds.restricted {
        let name = r
            .list
            .clone()
            .unwrap_or_else(|| "(no list named)".to_string());
        *lists.entry(name).or_default() += 1;
    }
    let mut out: Vec<RestrictedList> = lists
        .into_iter()
        .map(|(name, entries)| RestrictedList {
            name,
            file: "restricted.csv".into(),
            entries,
            sha256: digest("restricted.csv"),
        })
        .collect();
    let flagged = ds.entities.iter().filter(|e| e.restricted).count();
    if flagged > 0 {
        out.push(RestrictedList {
            name: "entities flagged restricted".into(),
            file: "entities.csv".into(),
            entries: flagged,
            sha256: digest("entities.csv"),
        });
    }
    out
}

/// The assumptions of the model, in plain words; `gaps` visibility findings list the inputs
/// counted as available.
pub fn assumptions(gaps: usize) -> Vec<String> {
    vec![
        "No re-sourcing: when a supplier, owner group, country or bloc fails, its share of supply is lost. No other supplier is assumed to step in or to raise its output.".into(),
        "No substitution beyond what the data models: an input can be replaced only by the substitutes its bill of materials lists (bom.csv `group`), and only by suppliers already in supply.csv.".into(),
        format!(
            "Unmapped inputs are counted as available: where nobody mapped who supplies an input, the model assumes it is there, so results can look better than they are. The {} point to them.",
            super::plural(gaps, "visibility finding", "visibility findings")
        ),
        "Shares as given: each supplier's share of a buyer's input is taken from supply.csv (rescaled to add up to 1; an equal split where none is given, marked as estimated).".into(),
        "Capacity is a share, not a forecast: \"keeps 47%\" means 47% of today's supply of a product survives the failure at once, before stock, re-routing or recovery. Time exposure covers the stock.".into(),
    ]
}
