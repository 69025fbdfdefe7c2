//! What a new supplier would change: rerun the analysis with it, compare per product.
//!
//! **Method.** The dataset is copied, the supplier is added (a new entity in its country, a
//! qualified supply row, see [`add_supply`] for the shares), the production graph is rebuilt
//! and [`crate::analysis::analyze`] runs again. Per end product, the two runs are compared:
//! the single points of failure (every level) that disappear and appear, the untrusted
//! exposure before and after, and the capacity-at-risk findings that disappear, appear or
//! change. Since it is the same analysis as `tierscope analyze`, what it reports is what the
//! next report will say.
//!
//! **Shares** ([`add_supply`]). The existing qualified suppliers of the (buyer, item) are
//! first written as their effective shares (what the graph uses: blank shares split what the
//! given ones leave; the total is the input's coverage `c`). The new supplier takes `share`
//! `s` of the buyer's need. When `c + s` would exceed 1, the existing shares are scaled by
//! `(1 − s) / c`: they keep their relative sizes and sum to `1 − s`. With `s = 1` the
//! existing suppliers are replaced. Without a `share`, the new supplier takes the unmapped
//! rest `1 − c` of a partly mapped input, an equal part `1 / (k + 1)` of an input fully
//! mapped to k suppliers, and all of an input nobody mapped (which makes it a known single
//! source: the analysis counts unmapped inputs as available, so this can *add* a single
//! point of failure).
//!
//! **A new vendor's own inputs are unknown**: nothing supplies it in the dataset, so its
//! inputs are unmapped and count as available. The SPOFs it removes are therefore an upper
//! bound, and the report says so.
//!
//! **Score** ([`RiskDelta`]), used to rank "qualify these first": products are weighted by
//! revenue, `w(P) = annual_revenue(P) / mean annual_revenue` (1 for a product without one,
//! or when no product has one), so an average product counts 1.
//! - `spof_score = Σ w(P) · (SPOFs removed − SPOFs added)` over every level;
//! - `exposure_score = Σ w(P) · (exposure before − exposure after)`;
//! - `capacity_at_risk_removed` = capacity-at-risk findings that disappear minus those that
//!   appear.
//!
//! Ranked by `spof_score`, then `exposure_score`, then `capacity_at_risk_removed`, then the
//! number of products whose findings change at all (all descending), then the supply row's
//! line.
//!
//! **Complexity.** One full analysis per scenario: O(scenarios × analysis).

use crate::analysis::findings::{Id, Kind, ProductRef};
use crate::analysis::groups::Level;
use crate::analysis::{self, EPS, HAIR, Settings, round};
use crate::graph::ProductionGraph;
use crate::graph::requirements::{BuyerRequirements, ReqIx, Requirements};
use crate::graph::shares::{SUM_TOLERANCE, allocate};
use crate::model::{CountryIx, Dataset, Entity, EntityIx, ItemIx, Number, Ownership, SupplyRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// One run's per-product facts that a supplier can change.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub products: BTreeMap<ProductRef, ProductState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProductState {
    pub entity_name: String,
    pub item_name: String,
    pub revenue: Option<f64>,
    /// (level, subject) -> subject name.
    pub spofs: BTreeMap<(Level, Id), String>,
    pub exposure: f64,
    /// (level, subject) -> (capacity left, subject name).
    pub capacity_at_risk: BTreeMap<(Level, Id), (f64, String)>,
}

impl Snapshot {
    /// Analyses `ds` and keeps what [`compare`] needs.
    pub fn of(ds: &Dataset, settings: &Settings) -> Result<Snapshot, String> {
        Snapshot::of_graph(ds, &ProductionGraph::build(ds), settings)
    }

    /// [`Snapshot::of`] with the dataset's graph already built.
    pub fn of_graph(
        ds: &Dataset,
        g: &ProductionGraph,
        settings: &Settings,
    ) -> Result<Snapshot, String> {
        let report = analysis::analyze(ds, g, settings).map_err(|e| e.to_string())?;
        let mut products = BTreeMap::new();
        for p in &report.products {
            products.insert(
                ProductRef {
                    entity: p.entity.as_str().into(),
                    item: p.item.as_str().into(),
                },
                ProductState {
                    entity_name: p.entity_name.clone(),
                    item_name: p.item_name.clone(),
                    revenue: p.annual_revenue,
                    spofs: BTreeMap::new(),
                    exposure: p.untrusted_exposure,
                    capacity_at_risk: BTreeMap::new(),
                },
            );
        }
        for f in &report.findings {
            let (Some(product), Some(level)) = (&f.product, f.level) else {
                continue;
            };
            let Some(state) = products.get_mut(product) else {
                continue;
            };
            let key = (level, f.subject.clone());
            match f.kind {
                Kind::Spof => {
                    state.spofs.insert(key, f.subject_name.to_string());
                }
                Kind::CapacityAtRisk => {
                    state
                        .capacity_at_risk
                        .insert(key, (f.metric.value, f.subject_name.to_string()));
                }
                _ => {}
            }
        }
        Ok(Snapshot { products })
    }
}

/// A single point of failure, by level and subject.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SpofRef {
    pub level: Level,
    pub subject: String,
    pub subject_name: String,
    /// For a removal by a new vendor: why it may not hold (an input of the vendor's item
    /// whose every known source is in the failing group). Not counted in the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doubtful: Option<String>,
}

/// A capacity-at-risk finding that appeared, disappeared or moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityChange {
    pub level: Level,
    pub subject: String,
    pub subject_name: String,
    /// Capacity left under this failure before (`None`: no finding before).
    pub before: Option<f64>,
    /// ... and after (`None`: no finding after).
    pub after: Option<f64>,
}

/// What changes for one end product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductImpact {
    pub entity: String,
    pub item: String,
    pub entity_name: String,
    pub item_name: String,
    pub spofs_removed: Vec<SpofRef>,
    pub spofs_added: Vec<SpofRef>,
    pub exposure_before: f64,
    pub exposure_after: f64,
    pub capacity_at_risk: Vec<CapacityChange>,
    /// w(P), the product's revenue weight in the scores.
    pub weight: f64,
}

/// The weighted totals of an impact (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct RiskDelta {
    pub spofs_removed: usize,
    /// Removals marked doubtful (counted in `spofs_removed`, not in `spof_score`).
    #[serde(skip_serializing_if = "is_zero")]
    pub spofs_removed_doubtful: usize,
    pub spofs_added: usize,
    pub spof_score: f64,
    pub exposure_score: f64,
    pub capacity_at_risk_removed: i64,
    /// End products whose findings change at all.
    pub products_affected: usize,
}

/// Everything a scenario changes: the affected products only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    pub products: Vec<ProductImpact>,
    pub delta: RiskDelta,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The mean annual revenue of a run's products, for the weights w(P) (`None`: no product has
/// one, or it is 0).
pub fn mean_revenue(before: &Snapshot) -> Option<f64> {
    let revenues: Vec<f64> = before.products.values().filter_map(|p| p.revenue).collect();
    if revenues.is_empty() {
        None
    } else {
        Some(revenues.iter().sum::<f64>() / revenues.len() as f64).filter(|m| *m > 0.0)
    }
}

/// Compares two runs of the same products.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Impact {
    let pairs = before
        .products
        .iter()
        .filter_map(|(pref, b)| after.products.get(pref).map(|a| (pref, b, a)));
    compare_products(pairs, mean_revenue(before))
}

/// Compares the products given as (product, before, after), in that order, with the run's
/// mean revenue for the weights.
pub fn compare_products<'a>(
    pairs: impl Iterator<Item = (&'a ProductRef, &'a ProductState, &'a ProductState)>,
    mean: Option<f64>,
) -> Impact {
    let weight = |p: &ProductState| match (p.revenue, mean) {
        (Some(r), Some(m)) => r / m,
        _ => 1.0,
    };
    let mut products = Vec::new();
    let mut delta = RiskDelta::default();
    for (pref, b, a) in pairs {
        let spof_refs = |from: &ProductState, not_in: &ProductState| -> Vec<SpofRef> {
            from.spofs
                .iter()
                .filter(|(k, _)| !not_in.spofs.contains_key(*k))
                .map(|((level, subject), name)| SpofRef {
                    level: *level,
                    subject: subject.to_string(),
                    subject_name: name.clone(),
                    doubtful: None,
                })
                .collect()
        };
        let removed = spof_refs(b, a);
        let added = spof_refs(a, b);
        let mut changes = Vec::new();
        let keys: std::collections::BTreeSet<&(Level, Id)> = b
            .capacity_at_risk
            .keys()
            .chain(a.capacity_at_risk.keys())
            .collect();
        for key in keys {
            let old = b.capacity_at_risk.get(key);
            let new = a.capacity_at_risk.get(key);
            let moved = match (old, new) {
                (Some(x), Some(y)) => (x.0 - y.0).abs() > EPS,
                _ => true,
            };
            if moved {
                let name = old.or(new).map(|x| x.1.clone()).unwrap_or_default();
                changes.push(CapacityChange {
                    level: key.0,
                    subject: key.1.to_string(),
                    subject_name: name,
                    before: old.map(|x| x.0),
                    after: new.map(|x| x.0),
                });
                match (old, new) {
                    (Some(_), None) => delta.capacity_at_risk_removed += 1,
                    (None, Some(_)) => delta.capacity_at_risk_removed -= 1,
                    _ => {}
                }
            }
        }
        let exposure_moved = (b.exposure - a.exposure).abs() > EPS;
        if removed.is_empty() && added.is_empty() && changes.is_empty() && !exposure_moved {
            continue;
        }
        let w = weight(b);
        delta.products_affected += 1;
        delta.spofs_removed += removed.len();
        delta.spofs_added += added.len();
        delta.spof_score += w * (removed.len() as f64 - added.len() as f64);
        delta.exposure_score += w * (b.exposure - a.exposure);
        products.push(ProductImpact {
            entity: pref.entity.to_string(),
            item: pref.item.to_string(),
            entity_name: b.entity_name.clone(),
            item_name: b.item_name.clone(),
            spofs_removed: removed,
            spofs_added: added,
            exposure_before: b.exposure,
            exposure_after: a.exposure,
            capacity_at_risk: changes,
            weight: w,
        });
    }
    delta.spof_score = round(delta.spof_score);
    delta.exposure_score = round(delta.exposure_score);
    Impact { products, delta }
}

/// Marks removed SPOFs doubtful where `why` gives a reason, and takes them out of the SPOF
/// score.
pub fn mark_doubtful(
    impact: &mut Impact,
    mut why: impl FnMut(&ProductImpact, &SpofRef) -> Option<String>,
) {
    let mut score = 0.0;
    let mut doubtful = 0;
    for k in 0..impact.products.len() {
        let reasons: Vec<Option<String>> = {
            let p = &impact.products[k];
            p.spofs_removed.iter().map(|x| why(p, x)).collect()
        };
        let p = &mut impact.products[k];
        for (x, r) in p.spofs_removed.iter_mut().zip(reasons) {
            x.doubtful = r;
        }
        let sure = p
            .spofs_removed
            .iter()
            .filter(|x| x.doubtful.is_none())
            .count();
        doubtful += p.spofs_removed.len() - sure;
        score += p.weight * (sure as f64 - p.spofs_added.len() as f64);
    }
    impact.delta.spofs_removed_doubtful = doubtful;
    impact.delta.spof_score = round(score);
}

/// A vendor that is not in the dataset yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVendor {
    pub id: String,
    pub name: String,
    pub country: CountryIx,
    /// Treated as restricted (and so untrusted) by the analysis.
    pub restricted: bool,
}

/// Adds a vendor as an entity; returns its index.
pub fn add_entity(ds: &mut Dataset, v: &NewVendor) -> EntityIx {
    let e = EntityIx(ds.entities.len() as u32);
    ds.entities.push(Entity {
        id: v.id.clone(),
        name: v.name.clone(),
        country: v.country,
        kind: Some("candidate".into()),
        restricted: v.restricted,
        recovery_days: None,
        lei: None,
        line: 0,
    });
    ds.entity_ix.insert(v.id.clone(), e);
    e
}

/// Adds an ownership row.
pub fn add_owner(ds: &mut Dataset, owner: EntityIx, entity: EntityIx, share: f64) {
    ds.ownership.push(Ownership {
        owner,
        entity,
        share,
        line: 0,
    });
}

/// How the shares of one (buyer, item) were set when a supplier was added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareChange {
    /// The new supplier's share.
    pub share: f64,
    /// The mapped part of the input before (the effective shares' sum).
    pub coverage_before: f64,
    /// The factor the existing suppliers' shares were multiplied by (1: unchanged).
    pub existing_scaled_by: f64,
    /// Existing suppliers whose share fell to 0 and who were dropped (a replacement).
    pub replaced: Vec<String>,
    /// How the share was chosen, for people.
    pub note: String,
}

/// How the shares of one (buyer, item) change when a supplier is added: for each existing
/// qualified row (in row order), its new share or `None` when it is dropped (a replacement);
/// the new supplier's share; and the change in words.
#[derive(Debug, Clone, PartialEq)]
pub struct SharePlan {
    pub existing: Vec<Option<f64>>,
    pub share: f64,
    pub change: ShareChange,
}

/// Plans the shares as the module docs say, from the existing qualified rows' shares as given
/// (`None` for a blank) and their suppliers' ids, and the proposed share.
pub fn plan_shares(given: &[Option<f64>], suppliers: &[&str], share: Option<f64>) -> SharePlan {
    let (coverage, effective) = match allocate(given) {
        Ok(a) if !given.is_empty() => (
            a.coverage,
            a.weights.iter().map(|w| w * a.coverage).collect::<Vec<_>>(),
        ),
        _ => (0.0, vec![0.0; given.len()]),
    };
    let k = given.len();
    let (s, note) = match share {
        Some(s) => (s, format!("{} as proposed", crate::numbers::pct(s))),
        None if k == 0 => (
            1.0,
            "all of it: nobody supplied this input in the dataset".to_string(),
        ),
        None if coverage < 1.0 - SUM_TOLERANCE => (
            1.0 - coverage,
            format!(
                "the unmapped rest, {} (no share proposed)",
                crate::numbers::pct(1.0 - coverage)
            ),
        ),
        None => (
            1.0 / (k as f64 + 1.0),
            format!(
                "an equal part with the {k} existing supplier{}, {:.0}% (no share proposed)",
                if k == 1 { "" } else { "s" },
                100.0 / (k as f64 + 1.0)
            ),
        ),
    };
    let factor = if coverage + s > 1.0 + SUM_TOLERANCE && coverage > 0.0 {
        ((1.0 - s) / coverage).max(0.0)
    } else {
        1.0
    };
    let mut replaced = Vec::new();
    let existing = effective
        .iter()
        .zip(suppliers)
        .map(|(e, id)| {
            let new = e * factor;
            if new <= HAIR {
                replaced.push(id.to_string());
                None
            } else {
                Some(new.min(1.0))
            }
        })
        .collect();
    SharePlan {
        existing,
        share: s,
        change: ShareChange {
            share: round(s),
            coverage_before: round(coverage),
            existing_scaled_by: round(factor),
            replaced,
            note,
        },
    }
}

/// Adds `supplier` as a qualified supplier of `item` to `buyer`, setting shares as the
/// module docs say ([`plan_shares`]). Any qualified or unqualified row of the same supplier
/// for the same (buyer, item) is replaced.
/// Which requirement each of `buyer`'s items counts toward in `ds`.
fn requirement_of(ds: &Dataset, buyer: EntityIx) -> impl Fn(ItemIx) -> ReqIx + use<> {
    let reqs = Requirements::new(ds);
    let nodes: Vec<(EntityIx, ItemIx)> = if reqs.has_groups() {
        ds.supply
            .iter()
            .filter(|r| r.supplier == buyer)
            .map(|r| (r.supplier, r.item))
            .chain(
                ds.products
                    .iter()
                    .filter(|p| p.entity == buyer)
                    .map(|p| (p.entity, p.item)),
            )
            .collect()
    } else {
        Vec::new()
    };
    let (by_buyer, _) = BuyerRequirements::new(ds, &reqs, nodes);
    move |item| by_buyer.of(buyer, item)
}

pub fn add_supply(
    ds: &mut Dataset,
    supplier: EntityIx,
    buyer: EntityIx,
    item: ItemIx,
    share: Option<f64>,
) -> ShareChange {
    ds.supply
        .retain(|r| !(r.supplier == supplier && r.buyer == buyer && r.item == item));
    // The new row shares its requirement with the buyer's rows of every substitute of the
    // item (DATA-MODEL.md, rules 3): those are the shares it takes from.
    let req_of = requirement_of(ds, buyer);
    let req = req_of(item);
    let rows: Vec<usize> = (0..ds.supply.len())
        .filter(|&i| {
            let r = &ds.supply[i];
            r.qualified && r.buyer == buyer && req_of(r.item) == req
        })
        .collect();
    let given: Vec<Option<f64>> = rows.iter().map(|&i| ds.supply[i].share.get()).collect();
    let ids: Vec<&str> = rows
        .iter()
        .map(|&i| ds.entity(ds.supply[i].supplier).id.as_str())
        .collect();
    let plan = plan_shares(&given, &ids, share);
    let mut drop = Vec::new();
    for (&i, new) in rows.iter().zip(&plan.existing) {
        match new {
            Some(v) => ds.supply[i].share = (*v).into(),
            None => drop.push(i),
        }
    }
    for &i in drop.iter().rev() {
        ds.supply.remove(i);
    }
    ds.supply.push(SupplyRow {
        supplier,
        buyer,
        item,
        share: plan.share.into(),
        qualified: true,
        lead_time_days: Number::BLANK,
        line: 0,
    });
    plan.change
}
