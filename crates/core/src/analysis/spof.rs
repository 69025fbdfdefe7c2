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
//! 2014. An entity without `recovery_days` whose supply rows give a `lead_time_days` is
//! given its longest lead time as the time to recover: a weaker estimate (refilling the
//! pipeline is the least a recovery takes), marked `lead_time_estimate` in the finding's
//! details and said in its message, and reported only where the failure leaves the product
//! at or below 1 − the capacity threshold (a heavy loss, as capacity at risk counts it): on a
//! generated sector with lead times on half the rows, every loss gave 47 times the time
//! exposures and twice the memory of the whole analysis.
//!
//! Severities (before the raises of [`super::severity`]): a spof is `critical` when its group is untrusted (an untrusted or restricted
//! entity, an owner group holding one, an untrusted country, the untrusted group) and the
//! product's own maker is not, `high` otherwise. Capacity at risk is `high` at or below 0.25
//! left, `medium` otherwise. Time exposure is `high` when the failure takes half the capacity or more, `medium` from a fifth,
//! `low` below.
//!
//! **Complexity.** Crit sets: see [`super::crit`]. Capacity at risk: one cone per group, so
//! O(Σ over groups of cone size) — linear in the graph for the country and untrusted levels,
//! and for the entity level bounded by N × the mean downstream cone.

use super::crit::crit_sets;
use super::engine::Engine;
use super::estimated::{ConeMarks, Estimates, Taint};
use super::findings::{Details, Finding, Findings, Kind, Metric, Severity, TimeDetails};
use super::groups::{Groups, Level};
use super::message::{self, Message, Shared};
use super::paths;
use super::{CountryDependency, Ctx, EPS, round};
use crate::graph::NodeIx;
use crate::model::{EntityIx, Trust};
use foldhash::HashSet;
use rayon::prelude::*;

/// What later analyses reuse.
pub struct LevelResults {
    /// For each product in scope: (entity, cap(P | entity)) for every entity with cap < 1
    /// that has a time to recover or is restricted (what later analyses read), the product's
    /// own entity left out; sorted by entity.
    pub entity_caps: Vec<Vec<(EntityIx, f64)>>,
    pub country_dependency: CountryDependency,
    /// What the cones marked as resting on an estimated share (`None`: no share is).
    pub estimated: Option<ConeMarks>,
}

pub fn run(ctx: &Ctx<'_>, out: &mut Findings) -> LevelResults {
    let engine = Engine::new(ctx.g, ctx.ds.entities.len());
    let mut entity_caps = vec![Vec::new(); ctx.products.len()];
    let n_countries = ctx.ds.countries.len();
    let mut dependency = vec![vec![Some(0.0); n_countries]; ctx.products.len()];
    // For each node, the product in scope it is (its position in `ctx.products`), and
    // whether a product in scope is downstream of it: a cone that reaches none is skipped.
    let mut product_at: Vec<Option<u32>> = vec![None; ctx.g.node_count()];
    for (k, &(_, node)) in ctx.products.iter().enumerate() {
        product_at[node.ix()] = Some(k as u32);
    }
    let reaches = reaches_product(ctx, &product_at);
    let ttr = times_to_recover(ctx.ds);
    let keep_cap = keep_caps(ctx, &ttr);
    let estimates = Estimates::new(ctx);
    let mut estimated_pairs = HashSet::default();
    for level in Level::ALL {
        let wanted = ctx.wants(level);
        if !wanted && !matches!(level, Level::Entity | Level::Country) {
            continue;
        }
        let groups = Groups::new(level, ctx.ds, ctx.g);
        // The single points of failure (one pass in topological order) beside the cones, so
        // that no core waits for that pass.
        let reads = Reads {
            product_at: &product_at,
            reaches: &reaches,
            keep_cap: &keep_cap,
            estimates: estimates.as_ref(),
        };
        let (stops, results) = rayon::join(
            || {
                if wanted {
                    spofs(ctx, &groups)
                } else {
                    Vec::new()
                }
            },
            || cones(ctx, &groups, wanted, &engine, &reads),
        );
        out.extend(stops);
        for r in results.into_iter().flatten() {
            for (k, d) in r.dependency {
                dependency[k as usize][r.grp as usize] = d;
            }
            for (k, e, c) in r.caps {
                entity_caps[k as usize].push((e, c));
            }
            estimated_pairs.extend(r.estimated);
            out.extend(r.findings);
        }
    }
    time_exposure(ctx, &ttr, &entity_caps, out);
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
        estimated: estimates.map(|estimates| ConeMarks {
            estimates,
            entity_cones: ctx.wants(Level::Entity),
            entity: estimated_pairs,
        }),
    }
}

/// The groups whose cone is run: only those that can say something, a finding at a wanted
/// level (an owner group of one entity leaves its findings to the entity level) or the
/// country dependency, which is always reported (entity capacities are only read by
/// entity-level analyses); and whose cone reaches a product in scope.
fn live_groups(groups: &Groups, wanted: bool, engine: &Engine<'_>, reaches: &[bool]) -> Vec<u32> {
    (0..groups.len() as u32)
        .filter(|&grp| {
            ((wanted && !redundant(groups, grp)) || groups.level == Level::Country)
                && groups.members[grp as usize]
                    .iter()
                    .any(|e| engine.nodes_of(*e).iter().any(|&n| reaches[n.ix()]))
        })
        .collect()
}

/// What the cones of a level read besides the graph.
struct Reads<'a> {
    /// For each node, the product in scope it is (its position in `ctx.products`).
    product_at: &'a [Option<u32>],
    /// For each node, whether a product in scope is downstream of it.
    reaches: &'a [bool],
    /// For each entity, the largest of its capacities kept ([`keep_caps`]).
    keep_cap: &'a [f64],
    estimates: Option<&'a Estimates>,
}

/// One cone per live group of a level, in parallel; each worker has its own engine scratch
/// space. Results come back in group order, so the output does not depend on scheduling.
fn cones(
    ctx: &Ctx<'_>,
    groups: &Groups,
    wanted: bool,
    engine: &Engine<'_>,
    reads: &Reads<'_>,
) -> Vec<Vec<GroupResult>> {
    let live = live_groups(groups, wanted, engine, reads.reaches);
    let chunk = live
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .clamp(1, 512);
    live.par_chunks(chunk)
        .map_init(
            || (engine.clone(), Taint::new(reads.estimates)),
            |(eng, taint), grps| {
                let mut cone = Cone {
                    engine: eng,
                    taint,
                    estimates: reads.estimates,
                };
                grps.iter()
                    .map(|&grp| one_group(ctx, groups, grp, wanted, &mut cone, reads))
                    .collect()
            },
        )
        .collect()
}

/// Entity capacities are kept only where a later analysis reads them: entities with a time to
/// recover (time exposure) and restricted entities (restricted parties), every capacity below
/// 1; entities whose time to recover is only the lead-time estimate, the heavy losses that
/// time exposure reports for them. The largest capacity kept, by entity.
fn keep_caps(ctx: &Ctx<'_>, ttr: &[Option<(f64, bool)>]) -> Vec<f64> {
    let heavy = 1.0 - ctx.settings.capacity_threshold + EPS;
    (0..ctx.ds.entities.len())
        .map(|e| match ttr[e] {
            _ if ctx.g.parties.restricted[e].is_some() => 1.0,
            Some((_, false)) => 1.0,
            Some((_, true)) => heavy,
            None => f64::NEG_INFINITY,
        })
        .collect()
}

/// A worker's engine, with its marks of what rests on an estimated share.
struct Cone<'a, 'g> {
    engine: &'a mut Engine<'g>,
    taint: &'a mut Taint,
    estimates: Option<&'a Estimates>,
}

/// What one group's cone says about the products in it.
struct GroupResult {
    grp: u32,
    /// Country level: (product, 1 − cap) for the products in the cone (`None`: its own).
    dependency: Vec<(u32, Option<f64>)>,
    /// Entity level: (product, entity, cap) with cap < 1, for the entities kept.
    caps: Vec<(u32, EntityIx, f64)>,
    /// Entity level: the (product, entity) of `caps` that rest on an estimated share.
    estimated: Vec<(u32, EntityIx)>,
    findings: Findings,
}

/// Runs the engine over one group's cone and reads off every product in it. Products outside
/// the cone keep capacity 1.
fn one_group(
    ctx: &Ctx<'_>,
    groups: &Groups,
    grp: u32,
    wanted: bool,
    cone: &mut Cone<'_, '_>,
    reads: &Reads<'_>,
) -> GroupResult {
    let (product_at, keep_cap) = (reads.product_at, reads.keep_cap);
    let level = groups.level;
    let members = &groups.members[grp as usize];
    let wanted = wanted && !redundant(groups, grp);
    let mut r = GroupResult {
        grp,
        dependency: Vec::new(),
        caps: Vec::new(),
        estimated: Vec::new(),
        findings: Vec::new(),
    };
    cone.taint.reset(cone.engine);
    cone.engine.cone(members);
    let engine = &*cone.engine;
    let (cap, touched) = (engine.caps(), engine.touched());
    let failed = |e: EntityIx| groups.of(e) == Some(grp);
    // The group's label and name, made for its first finding and shared by the others.
    let mut names = None;
    let mut rests_on = |node: NodeIx| {
        cone.estimates
            .is_some_and(|est| cone.taint.rests_on(ctx, est, engine, failed, node))
    };
    for &node in touched {
        let Some(k) = product_at[node.ix()] else {
            continue;
        };
        let p = ctx.products[k as usize].0;
        let own = groups.of(ctx.product_entity(p)) == Some(grp);
        let c = cap[node.ix()];
        if level == Level::Country {
            r.dependency
                .push((k, if own { None } else { Some(round(1.0 - c)) }));
        }
        if own || c >= 1.0 - EPS {
            continue;
        }
        if level == Level::Entity && c <= keep_cap[members[0].ix()] {
            r.caps.push((k, members[0], c));
            if rests_on(node) {
                r.estimated.push((k, members[0]));
            }
        }
        if wanted && c > EPS && c <= 1.0 - ctx.settings.capacity_threshold + EPS {
            let in_group = |n: NodeIx| groups.of(ctx.g.node(n).entity) == Some(grp);
            let evidence = paths::loss_paths(ctx.g, node, cap, in_group, ctx.settings.max_paths);
            let names = names.get_or_insert_with(|| group_names(ctx, groups, grp));
            let mut f = capacity_at_risk(ctx, groups, grp, (p, c), names.clone(), evidence);
            f.estimated_shares = rests_on(node);
            r.findings.push(Box::new(f));
        }
    }
    r
}

/// For each node, whether it is a product in scope or has one downstream. O(N + E).
fn reaches_product(ctx: &Ctx<'_>, product_at: &[Option<u32>]) -> Vec<bool> {
    let csr = &ctx.g.csr;
    let mut reaches: Vec<bool> = product_at.iter().map(Option::is_some).collect();
    for &n in ctx.g.topo.iter().rev() {
        if !reaches[n.ix()] && csr.buyers(n).iter().any(|&b| reaches[b.ix()]) {
            reaches[n.ix()] = true;
        }
    }
    reaches
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

/// A group's label for messages and its name ([`Groups::name`]), shared by its findings.
fn group_names(ctx: &Ctx<'_>, groups: &Groups, grp: u32) -> (Shared, Shared) {
    (
        group_label(ctx, groups, grp),
        groups.name(ctx.ds, grp).into(),
    )
}

/// A group's name for messages.
fn group_label(ctx: &Ctx<'_>, groups: &Groups, grp: u32) -> Shared {
    let subject = &groups.subject[grp as usize];
    match groups.level {
        Level::Entity => {
            let e = groups.members[grp as usize][0];
            format!("{} ({subject})", ctx.ds.entity(e).name).into()
        }
        Level::Owner => {
            let top = ctx.ds.entity_ix[subject.as_str()];
            format!(
                "{} and what it controls ({} entities)",
                ctx.ds.entity(top).name,
                groups.members[grp as usize].len()
            )
            .into()
        }
        Level::Country => {
            let c = &ctx.ds.countries[grp as usize];
            format!("{} ({})", c.name.as_deref().unwrap_or(&c.code), c.code).into()
        }
        Level::Untrusted => arcstr::literal!("all untrusted suppliers together"),
    }
}

fn spofs(ctx: &Ctx<'_>, groups: &Groups) -> Findings {
    let mut out = Findings::new();
    let crit = crit_sets(ctx.g, groups);
    let mut crit_paths = paths::CritPaths::new(ctx.g, &crit);
    // A group stops many products: its label and name are made once, shared by its findings.
    let mut names: Vec<Option<(Shared, Shared)>> = vec![None; groups.len()];
    for &(p, node) in &ctx.products {
        let own = groups.of(ctx.product_entity(p));
        for &grp in crit[node.ix()].iter() {
            if Some(grp) == own || redundant(groups, grp) {
                continue;
            }
            let in_group = |n: NodeIx| groups.of(ctx.g.node(n).entity) == Some(grp);
            let path = crit_paths.path(node, grp, in_group);
            let product = ctx.product(p);
            let subject = groups.subject[grp as usize].clone();
            // Untrusted hands are news for a product made in trusted hands; for a product
            // whose own maker is untrusted they are the expected state.
            let own_untrusted = ctx.g.parties.untrusted[ctx.product_entity(p).ix()];
            // The maker's own plants: a supplier (or owner group) that has the product
            // maker's ultimate owner. A country or the untrusted bloc is never in-house,
            // even when the maker's plant is all of it in the data.
            let owner = &ctx.g.parties.ultimate_owner;
            let maker = owner[ctx.product_entity(p).ix()];
            let in_house = matches!(groups.level, Level::Entity | Level::Owner)
                && groups.members[grp as usize]
                    .iter()
                    .all(|e| owner[e.ix()] == maker);
            let severity = if group_untrusted(ctx, groups, grp) && !own_untrusted {
                Severity::Critical
            } else {
                Severity::High
            };
            let (label, name) = names[grp as usize]
                .get_or_insert_with(|| group_names(ctx, groups, grp))
                .clone();
            out.push(Box::new(Finding {
                id: Finding::make_id(Kind::Spof, Some(groups.level), &subject, Some(&*product)),
                kind: Kind::Spof,
                severity,
                level: Some(groups.level),
                message: Message::spof(label, ctx.product_label(p)),
                subject,
                subject_name: name,
                product: Some(product),
                metric: Metric {
                    name: arcstr::literal!("capacity"),
                    value: 0.0,
                },
                evidence: Box::new([ctx.path(&path)]),
                details: Default::default(),
                estimated_shares: false,
                in_house,
                root_cause: None,
                revenue_at_risk: None,
            }));
        }
    }
    out
}

fn capacity_at_risk(
    ctx: &Ctx<'_>,
    groups: &Groups,
    grp: u32,
    (p, cap): (usize, f64),
    names: (Shared, Shared),
    evidence: Vec<Vec<NodeIx>>,
) -> Finding {
    let product = ctx.product(p);
    let subject = groups.subject[grp as usize].clone();
    Finding {
        id: Finding::make_id(
            Kind::CapacityAtRisk,
            Some(groups.level),
            &subject,
            Some(&*product),
        ),
        kind: Kind::CapacityAtRisk,
        severity: if cap <= 0.25 + EPS {
            Severity::High
        } else {
            Severity::Medium
        },
        level: Some(groups.level),
        message: Message::capacity(names.0, ctx.product_label(p), cap),
        subject,
        subject_name: names.1,
        product: Some(product),
        metric: Metric {
            name: arcstr::literal!("capacity"),
            value: round(cap),
        },
        evidence: evidence.iter().map(|path| ctx.path(path)).collect(),
        details: Default::default(),
        estimated_shares: false,
        in_house: false,
        root_cause: None,
        revenue_at_risk: None,
    }
}

/// Each entity's time to recover, in days, and whether it is the weaker estimate: its
/// `recovery_days`, else the longest `lead_time_days` of its qualified supply rows (how long
/// refilling the pipeline it feeds takes, a lower bound on recovering from its loss).
pub fn times_to_recover(ds: &crate::model::Dataset) -> Vec<Option<(f64, bool)>> {
    let mut lead: Vec<Option<f64>> = vec![None; ds.entities.len()];
    for row in ds.supply.iter().filter(|r| r.qualified) {
        if let Some(days) = row.lead_time_days.get() {
            let at = &mut lead[row.supplier.ix()];
            *at = Some(at.map_or(days, |d: f64| d.max(days)));
        }
    }
    ds.entities
        .iter()
        .zip(lead)
        .map(|(ent, lead)| match ent.recovery_days {
            Some(days) => Some((days, false)),
            None => lead.map(|days| (days, true)),
        })
        .collect()
}

fn time_exposure(
    ctx: &Ctx<'_>,
    ttr: &[Option<(f64, bool)>],
    entity_caps: &[Vec<(EntityIx, f64)>],
    out: &mut Findings,
) {
    if !ctx.wants(Level::Entity) {
        return;
    }
    // Made on every core (a million at 10M supply rows), added in product order.
    let made: Vec<Box<Finding>> = ctx
        .products
        .par_iter()
        .zip(entity_caps)
        .flat_map_iter(|(&(p, _), caps)| {
            let tts = ctx.ds.products[p].inventory_days;
            caps.iter().filter_map(move |&(e, cap)| {
                let (tts, (days, estimate)) = (tts?, ttr[e.ix()]?);
                // The weaker estimate is reported only where the loss is heavy (at least
                // the capacity-at-risk threshold): on data with lead times on every row, it
                // would otherwise flag nearly every supplier of every product.
                let light = estimate && cap > 1.0 - ctx.settings.capacity_threshold + EPS;
                (days > tts && !light)
                    .then(|| Box::new(time_finding(ctx, p, e, cap, (days, estimate), tts)))
            })
        })
        .collect();
    out.extend(made);
}

/// The time exposure of product `p` to the failure of `e`, which leaves it `cap`: `e` needs
/// `ttr` days to recover (and whether that is the lead-time estimate), `p` has stock for
/// `tts`.
fn time_finding(
    ctx: &Ctx<'_>,
    p: usize,
    e: EntityIx,
    cap: f64,
    (ttr, lead_time_estimate): (f64, bool),
    tts: f64,
) -> Finding {
    let prod = &ctx.ds.products[p];
    let loss = 1.0 - cap;
    let uncovered = ttr - tts;
    let revenue_at_risk = prod
        .annual_revenue
        .map(|rev| rev / 365.0 * uncovered * loss);
    let product = ctx.product(p);
    let subject = ctx.entity_id(e);
    let (name, value) = match revenue_at_risk {
        Some(r) => (arcstr::literal!("revenue_at_risk"), r),
        None => (arcstr::literal!("days_uncovered"), uncovered),
    };
    Finding {
        id: Finding::make_id(
            Kind::TimeExposure,
            Some(Level::Entity),
            &subject,
            Some(&*product),
        ),
        kind: Kind::TimeExposure,
        severity: if loss >= 0.5 - EPS {
            Severity::High
        } else if loss >= 0.2 - EPS {
            Severity::Medium
        } else {
            Severity::Low
        },
        level: Some(Level::Entity),
        message: Message::time(message::Time {
            entity: ctx.entity_name(e),
            product: ctx.product_label(p),
            time_to_recover: ttr,
            lead_time_estimate,
            time_to_survive: tts,
            uncovered,
            cap,
            revenue: revenue_at_risk.map(|r| (r, ctx.currency())),
        }),
        subject,
        subject_name: ctx.entity_name(e),
        product: Some(product),
        metric: Metric {
            name,
            value: round(value),
        },
        evidence: Box::default(),
        details: Details::Time(Box::new(TimeDetails {
            capacity: round(cap),
            lead_time_estimate,
            time_to_recover_days: ttr,
            time_to_survive_days: tts,
        })),
        estimated_shares: false,
        in_house: false,
        root_cause: None,
        revenue_at_risk: None,
    }
}
