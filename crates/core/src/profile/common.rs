//! Hidden common causes: the `common_cause` finding.
//!
//! A buyer that sources one input from two suppliers believes it is dual-sourced. When both
//! suppliers' profiles disclose the same critical sub-tier entity (`profile --disclose
//! entities`, by LEI or name), the two sources share one point of failure a tier down: its
//! failure takes both out at once. For each identifier two or more suppliers of one
//! requirement disclose, this fails every profiled node that discloses it together (each at
//! the capacity its profile gives under that failure: exact, as a profile's numbers are) and
//! reports each product downstream of such a requirement that loses capacity.
//!
//! Severity is the one a single point of failure of the product would have: `high` when the
//! product stops (`critical` when the identifier is an untrusted entity of the buyer's data
//! and the product's maker is not); else as capacity at risk: `high` at 25 % left or less,
//! `medium` at most 1 - the capacity threshold, `low` above.

use super::compose::{ProfileUse, via_text};
use crate::analysis::engine::eval_node;
use crate::analysis::findings::{Finding, Findings, Kind, Metric, Severity};
use crate::analysis::groups::Level;
use crate::analysis::paths::Upstream;
use crate::analysis::{Ctx, EPS, round};
use crate::graph::NodeIx;
use std::collections::{BTreeMap, BTreeSet};

/// One identifier disclosed by several suppliers of one requirement.
struct Shared {
    /// The buyer nodes whose requirement two or more of the disclosing suppliers meet.
    buyers: BTreeSet<NodeIx>,
    /// Every use (index) that discloses it, with the capacity it leaves.
    uses: BTreeMap<usize, f64>,
}

/// Adds the `common_cause` findings of the profiles `uses` in `ctx`'s graph (entity level).
pub fn run(ctx: &Ctx<'_>, uses: &[ProfileUse], findings: &mut Findings) {
    if !ctx.settings.levels.contains(&Level::Entity) || uses.iter().all(|u| u.disclosed.is_empty())
    {
        return;
    }
    let mut search = Upstream::new(ctx.g);
    for (label, shared) in shared(ctx, uses) {
        let cap = caps_with(ctx, uses, &shared);
        for &(p, node) in &ctx.products {
            let c = cap[node.ix()];
            if c >= 1.0 - EPS {
                continue;
            }
            search.run(ctx.g, node);
            let Some(&buyer) = shared.buyers.iter().find(|b| search.order.contains(b)) else {
                continue;
            };
            let f = finding(ctx, uses, &label, &shared, p, c, buyer, &search);
            findings.push(Box::new(f));
        }
    }
}

/// The identifiers that two or more suppliers (distinct entities) of one requirement
/// disclose, by label (`lei:CODE`, `name:NAME`).
fn shared(ctx: &Ctx<'_>, uses: &[ProfileUse]) -> BTreeMap<String, Shared> {
    let by_node: BTreeMap<NodeIx, usize> = uses
        .iter()
        .enumerate()
        .filter_map(|(k, u)| u.node.map(|n| (n, k)))
        .collect();
    let mut out: BTreeMap<String, Shared> = BTreeMap::new();
    for b in ctx.g.topo.iter().copied() {
        for slot in &ctx.g.inputs[b.ix()] {
            // label -> the entities disclosing it among this requirement's suppliers.
            let mut seen: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
            for &m in ctx.g.suppliers(slot).nodes {
                if let Some(&k) = by_node.get(&m) {
                    for d in &uses[k].disclosed {
                        seen.entry(d.label()).or_default().insert(&uses[k].entity);
                    }
                }
            }
            for (label, entities) in seen {
                if entities.len() >= 2 {
                    let s = out.entry(label).or_insert_with(|| Shared {
                        buyers: BTreeSet::new(),
                        uses: BTreeMap::new(),
                    });
                    s.buyers.insert(b);
                }
            }
        }
    }
    for (label, s) in &mut out {
        for (k, u) in uses.iter().enumerate() {
            if let Some(d) = u.disclosed.iter().find(|d| d.label() == *label) {
                s.uses.insert(k, d.capacity);
            }
        }
    }
    out
}

/// Every node's capacity with the identifier failed: each disclosing profiled node at the
/// capacity its profile gives, the rest evaluated by the engine's formula. O(N + E).
fn caps_with(ctx: &Ctx<'_>, uses: &[ProfileUse], shared: &Shared) -> Vec<f64> {
    let g = ctx.g;
    let fixed: BTreeMap<NodeIx, f64> = shared
        .uses
        .iter()
        .filter_map(|(&k, &c)| uses[k].node.map(|n| (n, c)))
        .collect();
    let mut cap = vec![1.0; g.inputs.len()];
    for &n in &g.topo {
        cap[n.ix()] = match fixed.get(&n) {
            Some(&c) => c,
            None => eval_node(g, n, false, &cap),
        };
    }
    cap
}

#[allow(clippy::too_many_arguments)]
fn finding(
    ctx: &Ctx<'_>,
    uses: &[ProfileUse],
    label: &str,
    shared: &Shared,
    p: usize,
    cap: f64,
    buyer: NodeIx,
    search: &Upstream,
) -> Finding {
    let product = ctx.product(p);
    let (scheme, id) = label.split_once(':').unwrap_or(("name", label));
    // The identifier may name an entity of the buyer's own data.
    let known = ctx.ds.entities.iter().position(|e| match scheme {
        "lei" => e.lei.as_deref() == Some(id),
        _ => e.name == id,
    });
    let untrusted = known.is_some_and(|e| ctx.g.parties.untrusted[e])
        && !ctx.g.parties.untrusted[ctx.product_entity(p).ix()];
    let severity = severity(cap, untrusted, ctx.settings.capacity_threshold);
    let feeding: Vec<usize> = shared
        .uses
        .keys()
        .copied()
        .filter(|&k| {
            uses[k].node.is_some_and(|n| {
                ctx.g.inputs[buyer.ix()]
                    .iter()
                    .any(|s| ctx.g.suppliers(s).nodes.contains(&n))
            })
        })
        .collect();
    let evidence = evidence(ctx, uses, &feeding, buyer, search);
    let names: Vec<String> = feeding
        .iter()
        .map(|&k| format!("`{}`", uses[k].entity))
        .collect();
    let vias: Vec<String> = feeding.iter().map(|&k| via_text(&uses[k])).collect();
    let b = ctx.g.node(buyer);
    Finding {
        id: Finding::make_id(
            Kind::CommonCause,
            Some(Level::Entity),
            label,
            Some(&*product),
        ),
        kind: Kind::CommonCause,
        severity,
        level: Some(Level::Entity),
        subject: label.into(),
        subject_name: known
            .map_or_else(|| id.to_string(), |e| ctx.ds.entities[e].name.clone())
            .into(),
        message: format!(
            "{} disclose the same critical sub-tier entity, {} `{id}`: the sourcing of {} by {} from them is a single point of failure one tier down; with it failed, {} keeps {} of its capacity ({})",
            names.join(" and "),
            if scheme == "lei" { "LEI" } else { "named" },
            ctx.ds.item(b.item).name,
            ctx.ds.entity(b.entity).name,
            ctx.product_label(p),
            crate::numbers::pct(cap),
            vias.join("; ")
        ).into(),
        product: Some(product),
        metric: Metric {
            name: arcstr::literal!("capacity"),
            value: round(cap),
        },
        evidence: evidence.into(),
        details: Default::default(),
        estimated_shares: false,
        in_house: false,
        root_cause: None,
        revenue_at_risk: None,
    }
}

/// A single point of failure's severity when the product stops (`critical` for an untrusted
/// cause of a product in trusted hands), else capacity at risk's, `low` above its threshold.
fn severity(cap: f64, untrusted: bool, threshold: f64) -> Severity {
    if cap <= EPS {
        if untrusted {
            Severity::Critical
        } else {
            Severity::High
        }
    } else if cap <= 0.25 + EPS {
        Severity::High
    } else if cap <= 1.0 - threshold + EPS {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// A path per disclosing supplier `feeding` the buyer node: the supplier's profiled node, the
/// buyer node, and on to the product `search` ran from.
fn evidence(
    ctx: &Ctx<'_>,
    uses: &[ProfileUse],
    feeding: &[usize],
    buyer: NodeIx,
    search: &Upstream,
) -> Vec<Vec<crate::analysis::findings::NodeRef>> {
    let mut tail = vec![buyer];
    while let Some(&last) = tail.last() {
        let next = search.parent[last.ix()];
        if next == last {
            break;
        }
        tail.push(next);
    }
    feeding
        .iter()
        .filter_map(|&k| uses[k].node)
        .map(|n| {
            let mut path = vec![n];
            path.extend(&tail);
            ctx.path(&path)
        })
        .collect()
}
