//! Untrusted exposure and restricted parties upstream.
//!
//! **Untrusted exposure** (`untrusted_exposure`): 1 − cap(P | F) where F is every untrusted
//! entity (untrusted country, or restricted) except the product's own entity, with the top
//! paths that carry the loss. Severity: by the bands of [`super::severity`] (`critical` from
//! 0.9, where the product can no longer meet its demand, `high` from 0.5, `medium` from 0.2,
//! `low` above 0, by default); at most `medium` for a product whose own maker is untrusted.
//! One engine pass serves every product whose
//! entity is trusted; for each product of an untrusted entity, only the downstream cone of
//! that entity is recomputed over the shared pass: O(N + E + Σ cone sizes).
//!
//! **Restricted party** (`restricted_party`): a restricted entity (flagged, listed, or by the
//! OFAC 50 percent rule) with a node upstream of the product. Severity: `critical` when it
//! alone stops the product, `high` otherwise. O(upstream nodes) per product.

use super::engine::Engine;
use super::findings::{Details, Finding, Findings, Kind, Metric, Severity};
use super::groups::Level;
use super::message::Shared;
use super::paths;
use super::{Ctx, EPS, round};
use crate::graph::NodeIx;
use crate::graph::parties::RestrictedWhy;
use crate::model::EntityIx;
use foldhash::HashMap;
use rayon::prelude::*;

/// Emits untrusted-exposure findings; returns each product's exposure (in scope order).
pub fn untrusted(ctx: &Ctx<'_>, out: &mut Findings) -> Vec<f64> {
    let mut engine = Engine::new(ctx.g, ctx.ds.entities.len());
    let untrusted = &ctx.g.parties.untrusted;
    let shared = engine.full(|e| untrusted[e.ix()]);
    // For a product of an untrusted entity, only the nodes downstream of that entity differ
    // from the shared pass: they are recomputed in a working copy, then put back.
    let mut work = shared.clone();
    let mut exposures = Vec::with_capacity(ctx.products.len());
    for &(p, node) in &ctx.products {
        let own = ctx.product_entity(p);
        let cap: &[f64] = if untrusted[own.ix()] {
            engine.recompute(&shared, &mut work, &[own], |e| {
                untrusted[e.ix()] && e != own
            });
            &work
        } else {
            &shared
        };
        let exposure = round(1.0 - cap[node.ix()]);
        exposures.push(exposure);
        if exposure <= EPS || !ctx.wants(Level::Untrusted) {
            continue;
        }
        let failed = |n: NodeIx| {
            let e = ctx.g.node(n).entity;
            untrusted[e.ix()] && e != own
        };
        let evidence = paths::loss_paths(ctx.g, node, cap, failed, ctx.settings.max_paths);
        let severity = ctx.settings.severity.exposure(exposure);
        // A product whose own maker is untrusted depends on untrusted hands by definition:
        // reported, but at most medium.
        let severity = if untrusted[own.ix()] {
            severity.max(Severity::Medium)
        } else {
            severity
        };
        let product = ctx.product(p);
        out.push(Box::new(Finding {
            id: Finding::make_id(
                Kind::UntrustedExposure,
                Some(Level::Untrusted),
                "untrusted",
                Some(&*product),
            ),
            kind: Kind::UntrustedExposure,
            severity,
            level: Some(Level::Untrusted),
            subject: "untrusted".into(),
            subject_name: arcstr::literal!("all untrusted suppliers"),
            message: format!(
                "{}: {} of its capacity depends on untrusted suppliers",
                ctx.product_label(p),
                crate::numbers::pct(exposure)
            )
            .into(),
            product: Some(product),
            metric: Metric {
                name: arcstr::literal!("exposure"),
                value: exposure,
            },
            evidence: evidence.iter().map(|path| ctx.path(path)).collect(),
            details: Default::default(),
            estimated_shares: false,
            in_house: false,
            root_cause: None,
            revenue_at_risk: None,
        }));
    }
    exposures
}

/// Emits a finding for every restricted entity upstream of each product.
pub fn restricted(ctx: &Ctx<'_>, entity_caps: &[Vec<(EntityIx, f64)>], out: &mut Findings) {
    if !ctx.wants(Level::Entity) {
        return;
    }
    // Products are independent: searched in parallel, each worker with its own scratch
    // space, and gathered in product order.
    let whys = why_texts(ctx);
    let per_product: Vec<Findings> = ctx
        .products
        .par_iter()
        .enumerate()
        .map_init(
            || paths::Upstream::new(ctx.g),
            |search, (k, &(p, node))| {
                restricted_upstream(ctx, &whys, &entity_caps[k], search, p, node)
            },
        )
        .collect();
    out.extend(per_product.into_iter().flatten());
}

/// One product's restricted-party findings.
fn restricted_upstream(
    ctx: &Ctx<'_>,
    whys: &[Option<Shared>],
    entity_caps: &[(EntityIx, f64)],
    search: &mut paths::Upstream,
    p: usize,
    node: NodeIx,
) -> Findings {
    let parties = &ctx.g.parties;
    let mut out = Vec::new();
    let own = ctx.product_entity(p);
    search.run(ctx.g, node);
    let (order, parent) = (&search.order, &search.parent);
    // The first (closest) node of each restricted entity.
    let mut seen: Vec<EntityIx> = Vec::new();
    let mut first_nodes: Vec<(EntityIx, NodeIx)> = Vec::new();
    for &n in order {
        let e = ctx.g.node(n).entity;
        if e != own && parties.is_restricted(e) && !seen.contains(&e) {
            seen.push(e);
            first_nodes.push((e, n));
        }
    }
    first_nodes.sort_by_key(|(e, _)| *e);
    for (e, n) in first_nodes {
        let cap = entity_caps
            .binary_search_by_key(&e, |(x, _)| *x)
            .map_or(1.0, |i| entity_caps[i].1);
        let why = whys[e.ix()]
            .clone()
            .expect("restricted entities have a reason");
        let product = ctx.product(p);
        let subject = ctx.entity_id(e);
        let details = Details::Restricted { why: why.clone() };
        out.push(Box::new(Finding {
            id: Finding::make_id(
                Kind::RestrictedParty,
                Some(Level::Entity),
                &subject,
                Some(&*product),
            ),
            kind: Kind::RestrictedParty,
            severity: if cap <= EPS {
                Severity::Critical
            } else {
                Severity::High
            },
            level: Some(Level::Entity),
            message: format!(
                "{} ({}) is upstream of {}; its loss leaves {} capacity",
                ctx.ds.entity(e).name,
                why,
                ctx.product_label(p),
                crate::numbers::pct(cap)
            )
            .into(),
            subject_name: ctx.entity_name(e),
            subject,
            product: Some(product),
            metric: Metric {
                name: arcstr::literal!("capacity"),
                value: round(cap),
            },
            evidence: Box::new([ctx.path(&paths::path_down(parent, n))]),
            details,
            estimated_shares: false,
            in_house: false,
            root_cause: None,
            revenue_at_risk: None,
        }));
    }
    out
}

/// Why each restricted entity is restricted, in words (`None` for the others): worked out
/// once per entity, not once per product it is upstream of, and shared by its findings.
fn why_texts(ctx: &Ctx<'_>) -> Vec<Option<Shared>> {
    // The first row on a line, as a search from the top would find it.
    let mut listed: HashMap<u64, &str> = HashMap::default();
    for r in &ctx.ds.restricted {
        listed.entry(r.line).or_insert(r.name.as_str());
    }
    ctx.g
        .parties
        .restricted
        .par_iter()
        .map(|why| Some(why_text(ctx, &listed, why.as_ref()?).into()))
        .collect()
}

/// Why an entity is restricted, in words; `listed` names the row of restricted.csv on each
/// line.
fn why_text(ctx: &Ctx<'_>, listed: &HashMap<u64, &str>, why: &RestrictedWhy) -> String {
    match why {
        RestrictedWhy::Flag => "flagged restricted in entities.csv".into(),
        // The listing is named by its content, not its line, so that the text does not
        // depend on the order of the rows of restricted.csv.
        RestrictedWhy::ListedById { line, list } => format!(
            "listed{}{}",
            list.as_ref().map_or(String::new(), |l| format!(" on {l}")),
            listed
                .get(line)
                .map_or(String::new(), |name| format!(" as \"{name}\""))
        ),
        RestrictedWhy::ListedByName {
            listed_name, list, ..
        } => format!(
            "name matches listed party \"{listed_name}\"{}",
            list.as_ref().map_or(String::new(), |l| format!(" on {l}"))
        ),
        RestrictedWhy::FiftyPercentRule { owners, total } => format!(
            "50 percent rule: restricted owners hold {} ({})",
            crate::numbers::pct(*total),
            owners
                .iter()
                .map(|(o, s)| format!("{} {}", ctx.ds.entity(*o).id, crate::numbers::pct(*s)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
