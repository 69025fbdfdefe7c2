//! The analyses of DATA-MODEL.md: the capacity [`engine`], single points of failure in one
//! pass ([`crit`]), and one module per finding kind. [`analyze`] runs them all and returns a
//! [`Report`]. Analyses never print: they return values the renderers turn into bytes.

pub mod asymmetry;
pub mod concentration;
pub mod crit;
mod ctx;
pub mod engine;
pub mod estimated;
pub mod exposure;
pub mod findings;
pub mod groups;
mod lookup;
pub mod message;
pub mod paths;
pub mod rootcause;
pub mod severity;
pub mod spof;
pub mod visibility;

use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, EntityIx};
pub use ctx::Ctx;
use findings::{ConcentrationDetails, Findings, Id, Kind, ProductRef, Severity, Substitutes};
use foldhash::HashMap;
use groups::Level;
pub use lookup::{find_entity, find_product};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the report JSON. Adding fields keeps it; renaming or removing one bumps it.
pub const SCHEMA_VERSION: u32 = 1;
/// The version of the analysis rules (thresholds' meaning, severities, what a dependency is).
/// A change here is a change of method, not of the world.
///
/// 3: requirements (DATA-MODEL.md, rules 3): substitute groups in `bom.csv` and distributors
/// in `entities.csv`; shares, coverage and concentration per (buyer, requirement). On data
/// without either, every number is what rules 2 gave.
///
/// 4: severity follows consequences ([`severity`]): revenue at risk raises it, untrusted
/// exposure in bands (90 % and more is `critical`, not only 100 %), critical items raise it;
/// `lead_time_days` stands in for a missing `recovery_days` in time exposure; concentration
/// carries HHI_WGI where countries have a governance score. Ids are unchanged: a baseline of
/// rules 3 compares finding by finding, and a finding whose severity rose under the new table
/// counts as worse (the gate names the change of rules).
pub const RULES_VERSION: u32 = 4;

/// Thresholds and choices of one run. Every field has a flag, except the severity table
/// (`[severity]` in tierscope.toml: eight thresholds read as a table, not typed per run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Capacity at risk: a failure leaving 0 < cap <= 1 - threshold.
    pub capacity_threshold: f64,
    /// Concentration: flagged above this HHI (CEPII / EU: 0.4).
    pub hhi_threshold: f64,
    /// Asymmetric dependency: D(A, B) at least this ...
    pub asymmetry_min: f64,
    /// ... and D(A, B) - D(B, A) at least this.
    pub asymmetry_gap: f64,
    /// Levels whose findings are reported.
    pub levels: Vec<Level>,
    /// Only this product (`entity:item`), if set.
    pub product: Option<String>,
    /// Country codes made untrusted on top of `countries.csv`.
    pub untrust: Vec<String>,
    /// Country codes made trusted on top of `countries.csv`.
    pub trust: Vec<String>,
    /// Evidence paths kept per finding.
    pub max_paths: usize,
    /// The ISO 4217 code revenues are in, for messages ([`crate::numbers::money`]); written
    /// to the report only when it is not the default, USD.
    #[serde(default = "usd", skip_serializing_if = "is_usd")]
    pub currency: String,
    /// The severity table's thresholds ([`severity`]); written to the report only when they
    /// are not the defaults (`rules_version` names those).
    #[serde(default, skip_serializing_if = "severity::SeverityRules::is_default")]
    pub severity: severity::SeverityRules,
}

fn usd() -> String {
    "USD".into()
}

fn is_usd(c: &String) -> bool {
    c == "USD"
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            capacity_threshold: 0.5,
            hhi_threshold: 0.4,
            asymmetry_min: 0.5,
            asymmetry_gap: 0.25,
            levels: Level::ALL.to_vec(),
            product: None,
            untrust: Vec::new(),
            trust: Vec::new(),
            max_paths: 3,
            currency: usd(),
            severity: severity::SeverityRules::default(),
        }
    }
}

impl Settings {
    /// Applies the trust policy of these settings (`untrust`, `trust`) to `ds`, on top of its
    /// `countries.csv`. The one way a policy reaches the analysis: the settings record it in
    /// the report, and the dataset carries it into the graph's untrusted group.
    ///
    /// A code in both lists, or not in `countries.csv`, is an error naming it.
    ///
    /// ```
    /// use tierscope_core::{analysis::Settings, ingest, model::Trust};
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    /// let mut ds = ingest::load(&dir)?.dataset;
    /// let settings = Settings { untrust: vec!["JP".into()], ..Settings::default() };
    /// settings.apply_trust(&mut ds)?;
    /// assert_eq!(ds.country(ds.country_ix["JP"]).trust, Trust::Untrusted);
    /// let unknown = Settings { trust: vec!["ZZ".into()], ..Settings::default() };
    /// assert!(unknown.apply_trust(&mut ds).is_err());
    /// # Ok::<(), tierscope_core::Error>(())
    /// ```
    pub fn apply_trust(&self, ds: &mut Dataset) -> Result<(), crate::Error> {
        use crate::model::Trust;
        if let Some(code) = self.untrust.iter().find(|c| self.trust.contains(c)) {
            return Err(crate::Error::Reference(format!(
                "country {code} is in both --untrust and --trust (expected it in one)"
            )));
        }
        let overrides = self
            .untrust
            .iter()
            .map(|c| (c.as_str(), Trust::Untrusted))
            .chain(self.trust.iter().map(|c| (c.as_str(), Trust::Trusted)));
        let unknown = ds.override_trust(overrides);
        if !unknown.is_empty() {
            return Err(crate::Error::Reference(format!(
                "unknown country {} {} in --untrust/--trust (expected codes from countries.csv: {})",
                if unknown.len() == 1 { "code" } else { "codes" },
                unknown.join(", "),
                ds.countries
                    .iter()
                    .map(|c| c.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(())
    }
}

/// Comparisons against thresholds use this margin, so values that are equal on paper but
/// differ in the last bits (0.1 + 0.2 + 0.2) land on the documented side.
pub const EPS: f64 = 1e-9;

/// A hair: the margin where a value is compared with itself computed another way (a sum of
/// rescaled shares, a capacity of 1 less the last bits of rounding), not with a user's
/// threshold. Smaller than [`EPS`].
pub const HAIR: f64 = 1e-12;

/// One end product's headline numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub entity: String,
    pub item: String,
    pub entity_name: String,
    pub item_name: String,
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annual_revenue: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory_days: Option<f64>,
    /// Mean mapped fraction of the inputs upstream of the product.
    pub coverage: f64,
    /// 1 - cap(P | untrusted group less the product's own entity).
    pub untrusted_exposure: f64,
    /// Single points of failure by level (subjects).
    pub spof: BTreeMap<Level, Vec<String>>,
    /// Nodes upstream of the product (itself included).
    pub upstream_nodes: usize,
    /// A share upstream of the product was filled by the equal-split rule: its numbers rest
    /// in part on an estimate. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated_shares: bool,
}

/// 1 - cap(P | country) for every product and country (`None`: the product's own country).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryDependency {
    pub countries: Vec<String>,
    pub products: Vec<ProductRef>,
    pub values: Vec<Vec<Option<f64>>>,
}

/// D(A, B) for countries with end products (rows) and every country (columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asymmetry {
    pub countries: Vec<String>,
    /// `d[a][b]` = D(A, B); `None` on the diagonal.
    pub d: Vec<Vec<Option<f64>>>,
}

/// Concentration of one (buyer, requirement): an input, or a group of substitutes. Its
/// numbers but the country HHI are in [`ConcentrationDetails`] (read through `Deref`:
/// `row.buyer`, `row.supplier_hhi`), shared with the row's finding when it has one.
///
/// In JSON, one object of the fields in this order: `buyer`, `item`, `substitutes` (only
/// for a requirement of substitutes), `suppliers`, `supplier_hhi`, `country_hhi`, `hhi_wgi`
/// (only where every country has a governance score), `untrusted_share`, `top_country`,
/// `top_country_share`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcentrationRow {
    pub spread: std::sync::Arc<ConcentrationDetails>,
    pub country_hhi: f64,
}

impl std::ops::Deref for ConcentrationRow {
    type Target = ConcentrationDetails;

    fn deref(&self) -> &ConcentrationDetails {
        &self.spread
    }
}

/// A [`ConcentrationRow`] as it reads and writes in the report JSON.
#[derive(Serialize, Deserialize)]
#[serde(bound(
    serialize = "S: Serialize + std::borrow::Borrow<Substitutes>, I: Serialize",
    deserialize = "S: Deserialize<'de> + Default, I: Deserialize<'de>"
))]
struct ConcentrationJson<S, I> {
    buyer: I,
    /// The input's id; for a requirement of substitutes, their ids joined by `|`.
    item: I,
    #[serde(default, skip_serializing_if = "no_substitutes")]
    substitutes: S,
    suppliers: usize,
    supplier_hhi: f64,
    country_hhi: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hhi_wgi: Option<f64>,
    untrusted_share: f64,
    top_country: I,
    top_country_share: f64,
}

fn no_substitutes<S: std::borrow::Borrow<Substitutes>>(s: &S) -> bool {
    s.borrow().is_empty()
}

impl Serialize for ConcentrationRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = &*self.spread;
        ConcentrationJson {
            buyer: &d.buyer,
            item: &d.item,
            substitutes: &d.substitutes,
            suppliers: d.suppliers,
            supplier_hhi: d.supplier_hhi,
            country_hhi: self.country_hhi,
            hhi_wgi: d.hhi_wgi,
            untrusted_share: d.untrusted_share,
            top_country: &d.top_country,
            top_country_share: d.top_country_share,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ConcentrationRow {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = ConcentrationJson::<Substitutes, Id>::deserialize(d)?;
        Ok(ConcentrationRow {
            spread: std::sync::Arc::new(ConcentrationDetails {
                buyer: j.buyer,
                hhi_wgi: j.hhi_wgi,
                item: j.item,
                substitutes: j.substitutes,
                supplier_hhi: j.supplier_hhi,
                suppliers: j.suppliers,
                top_country: j.top_country,
                top_country_share: j.top_country_share,
                untrusted_share: j.untrusted_share,
            }),
            country_hhi: j.country_hhi,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub products: usize,
    pub findings: usize,
    pub by_kind: BTreeMap<Kind, usize>,
    pub by_severity: BTreeMap<Severity, usize>,
    /// Mean of the products' coverage.
    pub coverage: f64,
    /// Single points of failure inside the product maker's own owner group (its own
    /// plants), counted apart from supplier risk; absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub in_house_spof: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Everything one run concludes: the report JSON of DATA-MODEL.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub rules_version: u32,
    pub tool: String,
    pub dataset: String,
    pub settings: Settings,
    pub summary: ReportSummary,
    pub products: Vec<ProductSummary>,
    pub country_dependency: CountryDependency,
    pub asymmetry: Asymmetry,
    pub concentration: Vec<ConcentrationRow>,
    /// Findings that share a cause, grouped ([`rootcause`]); absent when none do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub root_causes: Vec<rootcause::RootCause>,
    pub findings: Findings,
    /// Supplier profiles that stood in for sub-tiers (`profiles.csv`); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<crate::profile::compose::ProfileUse>,
}

/// Runs every analysis and returns the report: findings most severe first, each product's
/// headline numbers, the country dependency matrix, asymmetry and concentration.
///
/// The trust policy of `settings` must already be applied to `ds`
/// ([`Settings::apply_trust`]). An unknown `settings.product` is an [`Error::Reference`].
///
/// O(N + E) per failure group for N nodes and E edges, over the cones of the groups that
/// reach a product (see [`engine`], [`crit`] and [`spof`]).
///
/// ```
/// use tierscope_core::analysis::{self, findings::Kind, groups::Level};
/// use tierscope_core::{graph::ProductionGraph, ingest};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
/// let ds = ingest::load(&dir)?.dataset;
/// let g = ProductionGraph::build(&ds);
/// let report = analysis::analyze(&ds, &g, &analysis::Settings::default())?;
/// // The gallium refinery alone can stop the US chip.
/// let spof = report
///     .findings
///     .iter()
///     .find(|f| f.kind == Kind::Spof && f.level == Some(Level::Entity) && f.subject == "ga-cn")
///     .expect("a single point of failure");
/// assert_eq!(spof.metric.value, 0.0);
/// # Ok::<(), tierscope_core::Error>(())
/// ```
///
/// [`Error::Reference`]: crate::Error::Reference
pub fn analyze(
    ds: &Dataset,
    g: &ProductionGraph,
    settings: &Settings,
) -> Result<Report, crate::Error> {
    let products: Vec<(usize, NodeIx)> = match &settings.product {
        Some(spec) => {
            let p = find_product(ds, spec)?;
            g.products
                .iter()
                .copied()
                .filter(|(i, _)| *i == p)
                .collect()
        }
        None => g.products.clone(),
    };
    let ctx = Ctx::new(ds, g, settings, products);
    let mut findings = Vec::new();
    let mut levels = spof::run(&ctx, &mut findings);
    // Untrusted exposure is one pass on one core: beside restricted parties, which run on
    // every core.
    let mut restricted = Findings::new();
    let (exposure, ()) = rayon::join(
        || exposure::untrusted(&ctx, &mut findings),
        || exposure::restricted(&ctx, &levels.entity_caps, &mut restricted),
    );
    findings.append(&mut restricted);
    // Read by no later pass: 10 MiB at 1M rows, not held to the end.
    drop(std::mem::take(&mut levels.entity_caps));
    let concentration = concentration::run(&ctx, &mut findings);
    let asymmetry = asymmetry::run(&ctx, &levels.country_dependency, &mut findings);
    let coverage = visibility::run(&ctx, &mut findings);
    // Profiles first: their common causes go through the severity table like the rest.
    let profiles = crate::profile::compose::mark(&ctx, &mut findings);
    severity::apply(&ctx, &mut findings);

    // The key ends in the id, and no two findings share an id (each analysis makes at most
    // one finding per kind, level, subject and product; debug builds check), so the order is
    // total and an unstable sort gives the one order. Unstable, it sorts in place: a stable
    // sort's buffer was the size of the findings, over 100 MB at 1M supply rows.
    findings.par_sort_unstable_by(|a, b| {
        (a.severity, a.kind, &a.product, a.level, &a.subject, &a.id)
            .cmp(&(b.severity, b.kind, &b.product, b.level, &b.subject, &b.id))
    });
    debug_assert!(
        {
            let mut ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
            ids.sort_unstable();
            ids.windows(2).all(|w| w[0] != w[1])
        },
        "two findings share an id"
    );
    // Both the product summaries and root causes read the single points of failure.
    let spofs = findings::positions(&findings, |f| f.kind == Kind::Spof);
    let mut product_summaries = product_summaries(
        &ctx,
        &findings,
        &spofs,
        &levels.country_dependency,
        &coverage,
        &exposure,
    );
    estimated::mark(
        &ctx,
        levels.estimated.as_ref(),
        &mut product_summaries,
        &mut findings,
    );
    let root_causes = rootcause::run(ds, g, settings, &product_summaries, &spofs, &mut findings);
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        rules_version: RULES_VERSION,
        tool: format!("tierscope {}", env!("CARGO_PKG_VERSION")),
        dataset: ds.name.clone(),
        settings: settings.clone(),
        summary: report_summary(&findings, &product_summaries),
        products: product_summaries,
        country_dependency: levels.country_dependency,
        asymmetry,
        concentration,
        root_causes,
        findings,
        profiles,
    })
}

/// Each product in scope's headline numbers: its single points of failure (`spofs`, their
/// positions in `findings`), `coverage` (coverage, upstream nodes) and untrusted `exposure`, in scope
/// order.
fn product_summaries(
    ctx: &Ctx<'_>,
    findings: &Findings,
    spofs: &[usize],
    dependency: &CountryDependency,
    coverage: &[(f64, usize)],
    exposure: &[f64],
) -> Vec<ProductSummary> {
    let ds = ctx.ds;
    let position: HashMap<&ProductRef, usize> = dependency
        .products
        .iter()
        .enumerate()
        .map(|(k, r)| (r, k))
        .collect();
    let mut spofs_of: Vec<BTreeMap<Level, Vec<String>>> = vec![BTreeMap::new(); ctx.products.len()];
    for &k in spofs {
        let f = &findings[k];
        if let (Some(level), Some(k)) =
            (f.level, f.product.as_deref().and_then(|p| position.get(p)))
        {
            spofs_of[*k]
                .entry(level)
                .or_default()
                .push(f.subject.to_string());
        }
    }
    ctx.products
        .iter()
        .zip(spofs_of)
        .enumerate()
        .map(|(k, (&(p, _), mut spofs))| {
            let prod = &ds.products[p];
            let pref = ctx.product_ref(p);
            for v in spofs.values_mut() {
                v.sort();
            }
            ProductSummary {
                entity: pref.entity.to_string(),
                item: pref.item.to_string(),
                entity_name: ds.entity(prod.entity).name.clone(),
                item_name: ds.item(prod.item).name.clone(),
                country: ds.entity_country(prod.entity).code.clone(),
                annual_revenue: prod.annual_revenue,
                inventory_days: prod.inventory_days,
                coverage: coverage[k].0,
                untrusted_exposure: exposure[k],
                spof: spofs,
                upstream_nodes: coverage[k].1,
                estimated_shares: false,
            }
        })
        .collect()
}

/// Counts by kind and severity, in-house single points of failure apart, mean coverage.
fn report_summary(findings: &Findings, products: &[ProductSummary]) -> ReportSummary {
    // On every core: one box read per finding, millions of them at scale.
    type Counts = (BTreeMap<Kind, usize>, BTreeMap<Severity, usize>, usize);
    let (by_kind, by_severity, in_house_spof) = findings
        .par_iter()
        .fold(
            Counts::default,
            |(mut kinds, mut severities, in_house), f| {
                *kinds.entry(f.kind).or_insert(0) += 1;
                *severities.entry(f.severity).or_insert(0) += 1;
                (
                    kinds,
                    severities,
                    in_house + usize::from(f.kind == Kind::Spof && f.in_house),
                )
            },
        )
        .reduce(
            Counts::default,
            |(mut kinds, mut severities, a), (k, s, b)| {
                for (kind, n) in k {
                    *kinds.entry(kind).or_insert(0) += n;
                }
                for (severity, n) in s {
                    *severities.entry(severity).or_insert(0) += n;
                }
                (kinds, severities, a + b)
            },
        );
    let mean_coverage = if products.is_empty() {
        1.0
    } else {
        products.iter().map(|p| p.coverage).sum::<f64>() / products.len() as f64
    };
    ReportSummary {
        products: products.len(),
        findings: findings.len(),
        by_kind,
        by_severity,
        coverage: mean_coverage,
        in_house_spof,
    }
}

/// The value of `all` whose name is `text` (any case), or an error listing the names.
fn parse_name<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    text: &str,
    what: &str,
) -> Result<T, crate::Error> {
    all.iter()
        .copied()
        .find(|&v| name(v).eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|&v| name(v)).collect();
            crate::Error::Reference(format!(
                "`{text}` is not a {what} (expected one of: {})",
                names.join(", ")
            ))
        })
}

/// Rounds a metric for output, so that reports do not carry float noise (0.30000000000000004).
pub fn round(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}
