//! Where a what-if through a profile is a bound, not exact.
//!
//! A profile gives a supplier's capacity under each single country's failure and under the
//! untrusted bloc's (for its own trust policy). A what-if that fails several listed countries
//! at once (or the untrusted bloc under another policy, or the bloc with trusted countries
//! besides) gets the least of the failed countries' capacities at the profiled node: an upper
//! bound on the true joint failure's, as failing more never raises a capacity. Every product
//! downstream of such a node is marked approximate, with the reason.

use super::compose::ProfileUse;
use crate::analysis::paths::Upstream;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, EntityIx};

/// For a failure set (`failed[e]`; `untrusted`: the untrusted bloc was asked for), the
/// reason each profile's number is a bound, and the nodes of the products it reaches.
pub fn whatif(
    ds: &Dataset,
    g: &ProductionGraph,
    failed: &[bool],
    untrusted: bool,
) -> Vec<(String, Vec<NodeIx>)> {
    let mut out = Vec::new();
    let mut search = Upstream::new(g);
    for u in &g.stand_ins {
        let Some(n) = u.node else { continue };
        let Some(reason) = reason(ds, g, u, n, failed, untrusted) else {
            continue;
        };
        let reached = g
            .products
            .iter()
            .filter(|&&(_, node)| {
                search.run(g, node);
                search.order.contains(&n)
            })
            .map(|&(_, node)| node)
            .collect();
        out.push((reason, reached));
    }
    out
}

/// Why the failure set's capacity at the profiled node `n` of `u` is a bound, if it is.
fn reason(
    ds: &Dataset,
    g: &ProductionGraph,
    u: &ProfileUse,
    n: NodeIx,
    failed: &[bool],
    untrusted: bool,
) -> Option<String> {
    let s = ds.entity_ix.get(u.entity.as_str())?;
    if failed[s.ix()] {
        // The supplier itself fails: 0, exact.
        return None;
    }
    let hit: Vec<EntityIx> = g.inputs[n.ix()]
        .iter()
        .flat_map(|slot| g.suppliers(slot).nodes.iter().map(|&m| g.node(m).entity))
        .filter(|&e| failed[e.ix()] && ds.entity(e).is_stand_in())
        .collect();
    let is_bloc = |e: &EntityIx| ds.entity(*e).id.ends_with("@profile:untrusted");
    let bloc = hit.iter().any(is_bloc);
    let by_country: Vec<EntityIx> = hit.iter().copied().filter(|e| !is_bloc(e)).collect();
    let mut countries: Vec<&str> = by_country
        .iter()
        .map(|&e| ds.entity_country(e).code.as_str())
        .collect();
    let at = format!("through {}'s profile ({})", u.entity, u.file);
    if untrusted && !u.policy_matches {
        return Some(format!(
            "approximate: {at}, computed under another trust policy, the untrusted bloc is a bound (capacity at most the least over the listed untrusted countries)"
        ));
    }
    let joint = if bloc {
        // The bloc's own number is exact, and so with untrusted countries failed besides it
        // (its number is already at most theirs); not with a trusted country besides.
        by_country.iter().any(|e| !g.parties.untrusted[e.ix()])
    } else {
        by_country.len() >= 2
    };
    if bloc {
        countries.insert(0, "the untrusted bloc");
    }
    joint.then(|| {
        format!(
            "approximate: {at}, failing {} at once is a bound: capacity at most the least of their single-country capacities, not the joint failure's (the profile has no joint numbers)",
            countries.join(", ")
        )
    })
}
