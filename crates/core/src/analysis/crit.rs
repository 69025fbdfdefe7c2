//! Single points of failure in one pass: the crit sets.
//!
//! For a grouping of the entities, crit(n) is the set of groups whose failure alone stops
//! node n (capacity 0). Since every rescaled share is above 0, cap(n | g) = 0 exactly when g
//! holds n's entity, or some mapped input has every supplier stopped by g:
//!
//! ```text
//! crit(e, x) = {group(e)}  ∪  ⋃ over mapped inputs y of  ⋂ over suppliers s of y to e of crit(s, y)
//! ```
//!
//! computed in topological order. This gives, for every node at once, what failing each group
//! one by one and rerunning the engine would give (the tests check exactly that).
//!
//! **Representation.** Each set is a sorted `Arc<[u32]>`; a node whose set equals one of its
//! inputs' shares that allocation, so long single-sourced chains cost one set, not one each.
//!
//! **Complexity.** O(Σ over edges of |crit(supplier)| + Σ over nodes of c log c) time, for the
//! c group ids a node's inputs contribute: each intersection is a merge of sorted lists, and a
//! node's contributions are sorted once. Crit sets are bounded by the depth of the graph along single-sourced paths
//! (a set only grows by one group per node), so on realistic data they are short; the worst
//! case, a chain of N single-sourced nodes of distinct groups, holds O(N²) group ids in all
//! unless shared, and is O(N) with the sharing above when the chain's sets nest.
//!
//! **Reference.** In a graph where every BOM has one input and every entity makes one item, the
//! entity-level crit set of a product is its set of dominators from a virtual root over the
//! primary sources (Lengauer and Tarjan, 1979; Cooper, Harvey and Kennedy, 2001); the tests
//! check it against petgraph's `dominators::simple_fast`.

use super::groups::Groups;
use crate::graph::ProductionGraph;
use std::sync::Arc;

pub type CritSet = Arc<[u32]>;

/// The crit set of every node for one grouping.
pub fn crit_sets(g: &ProductionGraph, groups: &Groups) -> Vec<CritSet> {
    let empty: CritSet = Arc::from(Vec::new());
    let mut crit: Vec<CritSet> = vec![empty.clone(); g.node_count()];
    let mut acc: Vec<u32> = Vec::new();
    let mut inter: Vec<u32> = Vec::new();
    let mut scratch: Vec<u32> = Vec::new();
    for &n in &g.topo {
        let node = g.node(n);
        acc.clear();
        if let Some(grp) = groups.of(node.entity) {
            acc.push(grp);
        }
        let mut single_source: Option<&CritSet> = None;
        let mut contributions = 0;
        for slot in &g.inputs[n.ix()] {
            let Some(((first, _), rest)) = g.suppliers(slot).split_first() else {
                continue;
            };
            inter.clear();
            inter.extend_from_slice(&crit[first.ix()]);
            for &s in rest.nodes {
                if inter.is_empty() {
                    break;
                }
                intersect_into(&inter, &crit[s.ix()], &mut scratch);
                std::mem::swap(&mut inter, &mut scratch);
            }
            if !inter.is_empty() {
                contributions += 1;
                if rest.is_empty() {
                    single_source = Some(&crit[first.ix()]);
                }
                acc.extend_from_slice(&inter);
            }
        }
        // One sort for all the inputs' contributions: merging them one by one would cost
        // O(k²) for an item with k single-sourced inputs (a wide BOM).
        if contributions > 0 {
            acc.sort_unstable();
            acc.dedup();
        }
        // Share the supplier's set when this node adds nothing to it.
        crit[n.ix()] = match single_source {
            Some(set) if contributions == 1 && set.len() == acc.len() => set.clone(),
            _ if acc.is_empty() => empty.clone(),
            _ => Arc::from(acc.as_slice()),
        };
    }
    crit
}

/// `out = a ∩ b` for sorted lists.
fn intersect_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
}
