//! Visibility gaps: where the map is blind.
//!
//! An input of a production node with no supply row is *unmapped*; one whose shares sum to
//! less than 1 is *partly mapped*. The engine counts the unmapped part as available (it cannot
//! know better), so these gaps are reported, never shown as safe. A product's *coverage* is
//! the mean mapped fraction over the inputs of every node upstream of it (1 when nothing
//! upstream has inputs). One finding per product with any gap: `medium` when an input is
//! wholly unmapped, `low` when inputs are only partly mapped.
//!
//! O(upstream nodes + their inputs) per product; products run in parallel.

use super::findings::{Details, Finding, Findings, Gap, Kind, Metric, Severity, VisibilityDetails};
use super::{Ctx, paths, round};
use crate::graph::NodeIx;
use rayon::prelude::*;

/// Emits the findings; returns (coverage, upstream node count) per product in scope.
pub fn run(ctx: &Ctx<'_>, out: &mut Findings) -> Vec<(f64, usize)> {
    // Products are independent: searched in parallel, each worker with its own scratch space,
    // and collected in product order.
    let per_product: Vec<((f64, usize), Option<Finding>)> = ctx
        .products
        .par_iter()
        .map_init(
            || paths::Upstream::new(ctx.g),
            |search, &(p, node)| one_product(ctx, search, p, node),
        )
        .collect();
    let mut result = Vec::with_capacity(per_product.len());
    for (r, finding) in per_product {
        result.push(r);
        out.extend(finding.map(Box::new));
    }
    result
}

/// One product's coverage, upstream node count, and visibility finding if it has a gap.
fn one_product(
    ctx: &Ctx<'_>,
    search: &mut paths::Upstream,
    p: usize,
    node: NodeIx,
) -> ((f64, usize), Option<Finding>) {
    search.run(ctx.g, node);
    let order = &search.order;
    let mut slots = 0usize;
    let mut sum = 0.0;
    let mut gaps: Vec<(NodeIx, usize, f64)> = Vec::new();
    for &n in order {
        for (i, slot) in ctx.g.inputs[n.ix()].iter().enumerate() {
            slots += 1;
            sum += slot.coverage;
            if slot.coverage < 1.0 - super::EPS {
                gaps.push((n, i, slot.coverage));
            }
        }
    }
    let coverage = if slots == 0 {
        1.0
    } else {
        round(sum / slots as f64)
    };
    let counts = (coverage, order.len());
    if gaps.is_empty() {
        return (counts, None);
    }
    gaps.sort_by_key(|&(n, i, _)| (n, i));
    (
        counts,
        Some(finding(ctx, &search.parent, p, coverage, &gaps)),
    )
}

/// The visibility finding of product `p`, whose upstream has these `gaps` (node, input
/// slot, coverage), sorted; `parent` leads from a node down to the product.
fn finding(
    ctx: &Ctx<'_>,
    parent: &[NodeIx],
    p: usize,
    coverage: f64,
    gaps: &[(NodeIx, usize, f64)],
) -> Finding {
    let unmapped = gaps.iter().filter(|g| g.2 <= 0.0).count();
    let product = ctx.product(p);
    let listed: Vec<Gap> = gaps
        .iter()
        .map(|&(n, i, c)| {
            let node = ctx.g.node(n);
            let req = ctx.g.inputs[n.ix()][i].req;
            Gap {
                coverage: round(c),
                entity: ctx.entity_id(node.entity),
                input: ctx.req_id(req),
                item: ctx.item_id(node.item),
                substitutes: ctx.substitutes(req).into(),
            }
        })
        .collect();
    let details = Details::Visibility(Box::new(VisibilityDetails {
        gaps: listed,
        partly_mapped_inputs: gaps.len() - unmapped,
        unmapped_inputs: unmapped,
    }));
    let mut evidence_nodes: Vec<NodeIx> = gaps.iter().map(|g| g.0).collect();
    evidence_nodes.dedup();
    Finding {
        id: Finding::make_id(Kind::VisibilityGap, None, &product.entity, Some(&*product)),
        kind: Kind::VisibilityGap,
        severity: if unmapped > 0 {
            Severity::Medium
        } else {
            Severity::Low
        },
        level: None,
        subject: product.entity.clone(),
        subject_name: ctx.entity_name(ctx.product_entity(p)),
        message: format!(
            "{}: {} unmapped and {} partly mapped {} upstream; coverage {}",
            ctx.product_label(p),
            unmapped,
            gaps.len() - unmapped,
            if gaps.len() == 1 { "input" } else { "inputs" },
            crate::numbers::pct(coverage)
        )
        .into(),
        product: Some(product),
        metric: Metric {
            name: arcstr::literal!("coverage"),
            value: coverage,
        },
        evidence: evidence_nodes
            .iter()
            .take(ctx.settings.max_paths)
            .map(|&n| ctx.path(&paths::path_down(parent, n)))
            .collect(),
        details,
        estimated_shares: false,
        in_house: false,
        root_cause: None,
        revenue_at_risk: None,
    }
}
