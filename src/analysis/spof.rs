//! Single points of failure, capacity at risk and time exposure, at every level.
//!
//! **Single point of failure** (`spof`): a group g, other than the product's own, with
//! cap(P | g) = 0, from the one-pass crit sets of [`super::crit`].
//!
//! **Capacity at risk** (`capacity_at_risk`): a group g with 0 < cap(P | g) <= 1 − threshold
//! (default 0.5), from the engine run over the downstream cone of g ([`super::engine`]).
//!
//! **Time exposure** (`time_exposure`): at the entity level, where the failed entity's time to
//! recover (`recovery_days`, TTR) exceeds the product's time to survive (`inventory_days`,
//! TTS): revenue at risk = annual_revenue / 365 × (TTR − TTS) × (1 − cap(P | e)). After
//! Simchi-Levi, Schmidt and Wei, "From superstorms to factory fires", Harvard Business Review,
//! 2014.
//!
//! Severities: a spof is `critical` when its group is untrusted (an untrusted or restricted
//! entity, an owner group holding one, an untrusted country, the untrusted group), `high`
//! otherwise. Capacity at risk is `high` at or below 0.25 left, `medium` otherwise. Time
//! exposure is `high` when the failure takes half the capacity or more, `medium` from a fifth,
//! `low` below.
//!
//! **Complexity.** Crit sets: see [`super::crit`]. Capacity at risk: one cone per group, so
//! O(Σ over groups of cone size) — linear in the graph for the country and untrusted levels,
//! and for the entity level bounded by N × the mean downstream cone.

use super::crit::crit_sets;
use super::engine::Engine;
use super::findings::{Finding, Kind, Metric, Severity};
use super::groups::{Groups, Level};
use super::paths;
use super::{CountryDependency, Ctx, EPS, round};
use crate::model::{EntityIx, Trust};
use serde_json::json;

/// What later analyses reuse.
pub struct LevelResults {
    /// For each product in scope: (entity, cap(P | entity)) for every entity with cap < 1,
    /// the product's own entity left out.
    pub entity_caps: Vec<Vec<(EntityIx, f64)>>,
    pub country_dependency: CountryDependency,
}

pub fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> LevelResults {
    let mut engine = Engine::new(ctx.g, ctx.ds.entities.len());
    let mut entity_caps = vec![Vec::new(); ctx.products.len()];
    let n_countries = ctx.ds.countries.len();
    let mut dependency = vec![vec![Some(0.0); n_countries]; ctx.products.len()];
    for level in Level::ALL {
        let wanted = ctx.wants(level);
        if !wanted && !matches!(level, Level::Entity | Level::Country) {
            continue;
        }
        let groups = Groups::new(level, ctx.ds, ctx.g);
        if wanted {
            spofs(ctx, &groups, out);
        }
        for grp in 0..groups.len() as u32 {
            let members = &groups.members[grp as usize];
            if members.iter().all(|e| engine.nodes_of(*e).is_empty()) {
                continue;
            }
            let wanted = wanted && !redundant(&groups, grp);
            let cap = engine.cone(members);
            for (k, &(p, node)) in ctx.products.iter().enumerate() {
                let own = groups.of(ctx.product_entity(p)) == Some(grp);
                let c = cap[node as usize];
                if level == Level::Country {
                    dependency[k][grp as usize] = if own { None } else { Some(round(1.0 - c)) };
                }
                if own || c >= 1.0 - EPS {
                    continue;
                }
                if level == Level::Entity {
                    entity_caps[k].push((members[0], c));
                }
                if wanted && c > EPS && c <= 1.0 - ctx.settings.capacity_threshold + EPS {
                    let in_group = |n: u32| groups.of(ctx.g.node(n).entity) == Some(grp);
                    let evidence =
                        paths::loss_paths(ctx.g, node, cap, in_group, ctx.settings.max_paths);
                    out.push(capacity_at_risk(ctx, &groups, grp, p, c, evidence));
                }
            }
        }
    }
    time_exposure(ctx, &entity_caps, out);
    for caps in &mut entity_caps {
        caps.sort_by_key(|(e, _)| *e);
    }
    LevelResults {
        entity_caps,
        country_dependency: CountryDependency {
            countries: ctx.ds.countries.iter().map(|c| c.code.clone()).collect(),
            products: ctx
                .products
                .iter()
                .map(|&(p, _)| ctx.product_ref(p))
                .collect(),
            values: dependency,
        },
    }
}

/// An owner group of one entity says nothing the entity level does not: its findings are
/// left to the entity level.
fn redundant(groups: &Groups, grp: u32) -> bool {
    groups.level == Level::Owner && groups.members[grp as usize].len() == 1
}

/// Whether a group counts as untrusted, for severities.
fn group_untrusted(ctx: &Ctx<'_>, groups: &Groups, grp: u32) -> bool {
    match groups.level {
        Level::Country => ctx.ds.countries[grp as usize].trust == Trust::Untrusted,
        Level::Untrusted => true,
        Level::Entity | Level::Owner => groups.members[grp as usize]
            .iter()
            .any(|e| ctx.g.parties.untrusted[e.ix()]),
    }
}

/// A group's name: the entity's or ultimate owner's name, the country's name.
fn group_name(ctx: &Ctx<'_>, groups: &Groups, grp: u32) -> String {
    let subject = &groups.subject[grp as usize];
    match groups.level {
        Level::Entity | Level::Owner => ctx.ds.entity(ctx.ds.entity_ix[subject]).name.clone(),
        Level::Country => {
            let c = &ctx.ds.countries[grp as usize];
            c.name.clone().unwrap_or_else(|| c.code.clone())
        }
        Level::Untrusted => "all untrusted suppliers".into(),
    }
}

/// A group's name for messages.
fn group_label(ctx: &Ctx<'_>, groups: &Groups, grp: u32) -> String {
    let subject = &groups.subject[grp as usize];
    match groups.level {
        Level::Entity => {
            let e = groups.members[grp as usize][0];
            format!("{} ({subject})", ctx.ds.entity(e).name)
        }
        Level::Owner => {
            let top = ctx.ds.entity_ix[subject];
            format!(
                "{} and what it controls ({} entities)",
                ctx.ds.entity(top).name,
                groups.members[grp as usize].len()
            )
        }
        Level::Country => {
            let c = &ctx.ds.countries[grp as usize];
            format!("{} ({})", c.name.as_deref().unwrap_or(&c.code), c.code)
        }
        Level::Untrusted => "all untrusted suppliers together".into(),
    }
}

fn spofs(ctx: &Ctx<'_>, groups: &Groups, out: &mut Vec<Finding>) {
    let crit = crit_sets(ctx.g, groups);
    for &(p, node) in &ctx.products {
        let own = groups.of(ctx.product_entity(p));
        for &grp in crit[node as usize].iter() {
            if Some(grp) == own || redundant(groups, grp) {
                continue;
            }
            let in_group = |n: u32| groups.of(ctx.g.node(n).entity) == Some(grp);
            let path = paths::crit_path(ctx.g, &crit, node, grp, in_group);
            let product = ctx.product_ref(p);
            let subject = groups.subject[grp as usize].clone();
            let severity = if group_untrusted(ctx, groups, grp) {
                Severity::Critical
            } else {
                Severity::High
            };
            out.push(Finding {
                id: Finding::make_id(Kind::Spof, Some(groups.level), &subject, Some(&product)),
                kind: Kind::Spof,
                severity,
                level: Some(groups.level),
                message: format!(
                    "{} alone can stop {}: with it failed, no capacity is left",
                    group_label(ctx, groups, grp),
                    ctx.product_label(p)
                ),
                subject,
                subject_name: group_name(ctx, groups, grp),
                product: Some(product),
                metric: Metric {
                    name: "capacity".into(),
                    value: 0.0,
                },
                evidence: vec![ctx.path(&path)],
                details: Default::default(),
                status: None,
                waiver: None,
            });
        }
    }
}

fn capacity_at_risk(
    ctx: &Ctx<'_>,
    groups: &Groups,
    grp: u32,
    p: usize,
    cap: f64,
    evidence: Vec<Vec<u32>>,
) -> Finding {
    let product = ctx.product_ref(p);
    let subject = groups.subject[grp as usize].clone();
    Finding {
        id: Finding::make_id(
            Kind::CapacityAtRisk,
            Some(groups.level),
            &subject,
            Some(&product),
        ),
        kind: Kind::CapacityAtRisk,
        severity: if cap <= 0.25 + EPS {
            Severity::High
        } else {
            Severity::Medium
        },
        level: Some(groups.level),
        message: format!(
            "with {} failed, {} keeps {:.0}% of its capacity",
            group_label(ctx, groups, grp),
            ctx.product_label(p),
            cap * 100.0
        ),
        subject,
        subject_name: group_name(ctx, groups, grp),
        product: Some(product),
        metric: Metric {
            name: "capacity".into(),
            value: round(cap),
        },
        evidence: evidence.iter().map(|path| ctx.path(path)).collect(),
        details: Default::default(),
        status: None,
        waiver: None,
    }
}

fn time_exposure(ctx: &Ctx<'_>, entity_caps: &[Vec<(EntityIx, f64)>], out: &mut Vec<Finding>) {
    if !ctx.wants(Level::Entity) {
        return;
    }
    for (k, &(p, _)) in ctx.products.iter().enumerate() {
        let prod = &ctx.ds.products[p];
        let Some(tts) = prod.inventory_days else {
            continue;
        };
        for &(e, cap) in &entity_caps[k] {
            let Some(ttr) = ctx.ds.entity(e).recovery_days else {
                continue;
            };
            if ttr <= tts {
                continue;
            }
            let loss = 1.0 - cap;
            let uncovered = ttr - tts;
            let revenue_at_risk = prod
                .annual_revenue
                .map(|rev| rev / 365.0 * uncovered * loss);
            let product = ctx.product_ref(p);
            let subject = ctx.ds.entity(e).id.clone();
            let (name, value) = match revenue_at_risk {
                Some(r) => ("revenue_at_risk", r),
                None => ("days_uncovered", uncovered),
            };
            let mut details = serde_json::Map::new();
            details.insert("time_to_recover_days".into(), json!(ttr));
            details.insert("time_to_survive_days".into(), json!(tts));
            details.insert("capacity".into(), json!(round(cap)));
            out.push(Finding {
                id: Finding::make_id(Kind::TimeExposure, Some(Level::Entity), &subject, Some(&product)),
                kind: Kind::TimeExposure,
                severity: if loss >= 0.5 - EPS {
                    Severity::High
                } else if loss >= 0.2 - EPS {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                level: Some(Level::Entity),
                message: format!(
                    "{} needs {ttr:.0} days to recover but {} has stock for {tts:.0} days: {uncovered:.0} days at {:.0}% capacity{}",
                    ctx.ds.entity(e).name,
                    ctx.product_label(p),
                    cap * 100.0,
                    revenue_at_risk.map_or(String::new(), |r| format!(", revenue at risk {r:.0}"))
                ),
                subject,
                subject_name: ctx.ds.entity(e).name.clone(),
                product: Some(product),
                metric: Metric {
                    name: name.into(),
                    value: round(value),
                },
                evidence: Vec::new(),
                details,
                status: None,
                waiver: None,
            });
        }
    }
}
