//! The capacity engine: surviving capacity of every production node under a failure set.
//!
//! For a set F of failed entities, in topological order (DATA-MODEL.md):
//!
//! ```text
//! cap(e, x | F) = 0                                  if e in F
//!               = 1                                  if BOM(x) is empty or no input is mapped
//!               = min over mapped y in BOM(x) of
//!                   sum over suppliers s of y to e of share(s, e, y) * cap(s, y | F)
//! ```
//!
//! with the rescaled shares of [`crate::graph::shares`]. With F empty every capacity is 1,
//! since rescaled shares sum to 1.
//!
//! **Complexity.** [`Engine::full`] is O(N + E) for N nodes and E edges. [`Engine::cone`]
//! recomputes only the nodes downstream of the failed ones (every other node keeps
//! capacity 1), and of each such node only the requirements that have a supplier inside the
//! cone: a requirement whose suppliers are all outside has loss 0 and supplies exactly 1,
//! which cannot lower the minimum, so leaving it out gives the same value to the bit. A
//! requirement of more than [`MANY_SUPPLIERS`] suppliers is added up as its shares' total less
//! its loss ([`slot_supply`]), so a supplier at capacity 1 adds exactly 0 to it: of such a
//! requirement only the suppliers inside the cone are summed, in slot order. That is
//! O(C log C + E_C log E_C) for a cone of C nodes and E_C edges out of them: an item with
//! 100,000 inputs costs per failure what its failed input costs, not 100,000 (the wide-BOM
//! case of issue #18), and so does a distributor buying from 50,000 makers (the hub). It
//! needs O(N + R) scratch space for R requirements, and O(E) more for E edges when some
//! requirement has many suppliers, allocated once per engine and reset after each call.
//!
//! **Example.** Chip needs a die; the die comes 0.6 from fab A and 0.4 from fab B; fab A's
//! die needs a wafer from W. Failing W gives cap(A, die) = 0 and cap(chip) = 0.4·1 = 0.4.

pub use crate::graph::MANY_SUPPLIERS;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::EntityIx;

/// Evaluates one node from its suppliers' capacities.
#[inline]
pub fn eval_node(g: &ProductionGraph, n: NodeIx, failed: bool, cap: &[f64]) -> f64 {
    if failed {
        return 0.0;
    }
    let csr = &g.csr;
    node_capacity(csr.slots(n).filter_map(|i| {
        let sups = csr.suppliers(i);
        // An unmapped input is counted as available.
        (!sups.is_empty())
            .then(|| slot_supply(sups.map(|j| (csr.sup_share[j], cap[csr.sup_node[j].ix()]))))
    }))
}

/// The capacity of a node that has not failed, from what each of its mapped inputs supplies:
/// the least of them, 1 without any. (The one formula, shared with what-if evaluations that
/// change a node's suppliers.)
#[inline]
pub fn node_capacity(supplied: impl Iterator<Item = f64>) -> f64 {
    let mut best = 1.0f64;
    for s in supplied {
        best = best.min(s);
    }
    // Guard against a sum that rounds a hair above 1.
    best.min(1.0)
}

/// What one mapped input supplies from its suppliers' (rescaled share, capacity) pairs, in
/// slot order: Σ share·cap, and exactly 1 when nothing is lost (rescaled shares may sum to a
/// hair off 1, 1/3 · 3, so "nothing lost" is tested on the loss Σ share·(1 − cap)).
///
/// A requirement of more than [`MANY_SUPPLIERS`] suppliers is added up as its shares' total
/// less its loss, Σ share − Σ share·(1 − cap): the same number on paper, and a supplier that
/// lost nothing adds exactly 0, so [`Engine::cone`] sums only its suppliers inside the cone,
/// the same to the bit (a distributor buying from 50,000 makers). Smaller ones keep the
/// plain sum, whose last bits every earlier report has.
#[inline]
pub fn slot_supply(suppliers: impl ExactSizeIterator<Item = (f64, f64)>) -> f64 {
    let many = suppliers.len() > MANY_SUPPLIERS;
    let (mut sum, mut loss) = (0.0, 0.0);
    for (share, c) in suppliers {
        // The sum of a requirement of many suppliers is its shares' total.
        sum += if many { share } else { share * c };
        loss += share * (1.0 - c);
    }
    match (loss == 0.0, many) {
        (true, _) => 1.0,
        (false, false) => sum,
        (false, true) => total_less_loss(sum, loss),
    }
}

/// What a requirement of many suppliers supplies from its shares' total and its (non-zero)
/// loss. Never negative: each loss term is at most its share and rounding is monotone, so the
/// loss never passes the total.
#[inline]
fn total_less_loss(total: f64, loss: f64) -> f64 {
    total - loss
}

/// A capacity engine over one graph, with reusable scratch space.
///
/// An engine is cheap to clone for another thread: the per-entity node lists are shared.
#[derive(Clone)]
pub struct Engine<'g> {
    g: &'g ProductionGraph,
    /// Capacity of every node; 1 outside the last cone.
    cap: Vec<f64>,
    /// Nodes of the last cone, to reset, in topological order after [`Engine::cone`].
    touched: Vec<NodeIx>,
    mark: Vec<bool>,
    /// Entities failed in the current cone call.
    failed: Vec<bool>,
    /// For each entity, its production nodes.
    nodes_of: std::sync::Arc<Vec<Vec<NodeIx>>>,
    /// During [`Engine::cone`]: for each node, the first of its requirements fed from inside
    /// the cone ([`NO_SLOT`]: none), the rest chained through `next_slot`.
    first_slot: Vec<u32>,
    next_slot: Vec<u32>,
    /// Whether a requirement is in its node's chain.
    slot_queued: Vec<bool>,
    /// During [`Engine::cone`], for each requirement of more than [`MANY_SUPPLIERS`]: the
    /// first of its supplier entries inside the cone ([`NO_SLOT`]: none), the rest chained
    /// through `next_in`. Empty when the graph has no such requirement.
    first_in: Vec<u32>,
    next_in: Vec<u32>,
    /// Scratch for one requirement's supplier entries inside the cone.
    inside: Vec<u32>,
    /// What the last [`Engine::cone`] read, for [`Engine::fed`]: the requirements of the
    /// k-th node of `touched` fed from inside the cone are `feeds[fed_end[k]..fed_end[k +
    /// 1]]`, each with the end of its supplier entries inside the cone in `fed_inside` (those
    /// of a requirement of more than [`MANY_SUPPLIERS`] suppliers; none for the others).
    fed_end: Vec<u32>,
    feeds: Vec<(u32, u32)>,
    fed_inside: Vec<u32>,
}

/// The end of a chain of requirements.
const NO_SLOT: u32 = u32::MAX;

impl<'g> Engine<'g> {
    /// An engine for a graph of a dataset with `entities` entities.
    pub fn new(g: &'g ProductionGraph, entities: usize) -> Self {
        let n = g.node_count();
        let slots = g.csr.sup_start.len().saturating_sub(1);
        let many = g.csr.has_many_suppliers();
        Engine {
            g,
            cap: vec![1.0; n],
            touched: Vec::new(),
            mark: vec![false; n],
            failed: vec![false; entities],
            nodes_of: std::sync::Arc::new(nodes_of_entities(g, entities)),
            first_slot: vec![NO_SLOT; n],
            next_slot: vec![NO_SLOT; slots],
            slot_queued: vec![false; slots],
            first_in: if many {
                vec![NO_SLOT; slots]
            } else {
                Vec::new()
            },
            next_in: if many {
                vec![NO_SLOT; g.csr.sup_node.len()]
            } else {
                Vec::new()
            },
            inside: Vec::new(),
            fed_end: Vec::new(),
            feeds: Vec::new(),
            fed_inside: Vec::new(),
        }
    }

    /// The production nodes of entity `e`.
    pub fn nodes_of(&self, e: EntityIx) -> &[NodeIx] {
        &self.nodes_of[e.ix()]
    }

    pub fn graph(&self) -> &'g ProductionGraph {
        self.g
    }

    /// Capacity of every node with the entities for which `failed` is true failed.
    /// O(N + E).
    ///
    /// ```
    /// use tierscope_core::{analysis::engine::Engine, graph::ProductionGraph, ingest};
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    /// let ds = ingest::load(&dir)?.dataset;
    /// let g = ProductionGraph::build(&ds);
    /// let fab_cn = ds.entity_ix["fab-cn"];
    /// let cap = Engine::new(&g, ds.entities.len()).full(|e| e == fab_cn);
    /// // The chip's die came 0.6 from Taiwan and 0.4 from the failed Chinese fab.
    /// let chip = g.node_of[&(ds.entity_ix["oem-us"], ds.item_ix["chip"])];
    /// assert!((cap[chip.ix()] - 0.6).abs() < 1e-12);
    /// # Ok::<(), tierscope_core::Error>(())
    /// ```
    pub fn full(&self, failed: impl Fn(EntityIx) -> bool) -> Vec<f64> {
        let mut cap = vec![1.0; self.g.node_count()];
        let entity = &self.g.csr.entity;
        for &n in &self.g.topo {
            cap[n.ix()] = eval_node(self.g, n, failed(entity[n.ix()]), &cap);
        }
        cap
    }

    /// Capacity with the entities in `failed` failed, computed over the downstream cone of
    /// their nodes only. The returned slice is valid until the next call; nodes outside the
    /// cone read 1.
    ///
    /// ```
    /// use tierscope_core::{analysis::engine::Engine, graph::ProductionGraph, ingest};
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    /// let ds = ingest::load(&dir)?.dataset;
    /// let g = ProductionGraph::build(&ds);
    /// let mut engine = Engine::new(&g, ds.entities.len());
    /// let fab_cn = ds.entity_ix["fab-cn"];
    /// let full = engine.full(|e| e == fab_cn);
    /// assert_eq!(engine.cone(&[fab_cn]), full.as_slice());
    /// # Ok::<(), tierscope_core::Error>(())
    /// ```
    pub fn cone(&mut self, failed: &[EntityIx]) -> &[f64] {
        self.collect_cone(failed);
        let entity = &self.g.csr.entity;
        for e in failed {
            self.failed[e.ix()] = true;
        }
        self.fed_end.clear();
        self.fed_end.push(0);
        self.feeds.clear();
        self.fed_inside.clear();
        for i in 0..self.touched.len() {
            let n = self.touched[i];
            let c = self.eval_in_cone(n, self.failed[entity[n.ix()].ix()]);
            self.cap[n.ix()] = c;
            self.fed_end.push(self.feeds.len() as u32);
            self.queue_buyers(n);
        }
        for e in failed {
            self.failed[e.ix()] = false;
        }
        &self.cap
    }

    /// The capacity of cone node `n` from its requirements fed from inside the cone, queued
    /// by its suppliers (which come before n in the cone); every other requirement supplies
    /// exactly 1. Empties n's queue into the record that [`Engine::fed`] reads.
    fn eval_in_cone(&mut self, n: NodeIx, failed: bool) -> f64 {
        let csr = &self.g.csr;
        let mut best = 1.0f64;
        let mut slot = std::mem::replace(&mut self.first_slot[n.ix()], NO_SLOT);
        while slot != NO_SLOT {
            let i = slot as usize;
            slot = self.next_slot[i];
            self.slot_queued[i] = false;
            let sups = csr.suppliers(i);
            // Recorded for `fed`, failed or not.
            if sups.len() > MANY_SUPPLIERS {
                // The entries inside the cone, in slot order: the others add exactly 0 to
                // the loss.
                self.inside.clear();
                let mut j = std::mem::replace(&mut self.first_in[i], NO_SLOT);
                while j != NO_SLOT {
                    self.inside.push(j);
                    j = self.next_in[j as usize];
                }
                self.inside.sort_unstable();
                self.fed_inside.extend_from_slice(&self.inside);
            }
            self.feeds.push((i as u32, self.fed_inside.len() as u32));
            if failed {
                // Nothing to add up.
                continue;
            }
            let supply = if sups.len() <= MANY_SUPPLIERS {
                slot_supply(sups.map(|j| (csr.sup_share[j], self.cap[csr.sup_node[j].ix()])))
            } else {
                let mut loss = 0.0;
                for &j in &self.inside {
                    let j = j as usize;
                    loss += csr.sup_share[j] * (1.0 - self.cap[csr.sup_node[j].ix()]);
                }
                if loss == 0.0 {
                    1.0
                } else {
                    total_less_loss(csr.slot_total[i], loss)
                }
            };
            best = best.min(supply);
        }
        if failed { 0.0 } else { best.min(1.0) }
    }

    /// What the `k`-th node of the last [`Engine::cone`] (in [`Engine::touched`]) read: each
    /// of its requirements fed from inside the cone, as its slot, with its supplier entries
    /// inside the cone when it has more than [`MANY_SUPPLIERS`] suppliers (in slot order;
    /// empty for the others, whose entries are all read). Every other requirement of the node
    /// has all its suppliers at capacity 1. In no particular order. Panics if the last call
    /// was not [`Engine::cone`].
    pub fn fed(&self, k: usize) -> impl Iterator<Item = (usize, &[u32])> + '_ {
        let (from, to) = (self.fed_end[k] as usize, self.fed_end[k + 1] as usize);
        (from..to).map(move |f| {
            let (slot, end) = self.feeds[f];
            let start = if f == 0 { 0 } else { self.feeds[f - 1].1 };
            (
                slot as usize,
                &self.fed_inside[start as usize..end as usize],
            )
        })
    }

    /// Queues, at each buyer of cone node `n`, the requirement that n feeds (and, for a
    /// requirement of many suppliers, n's entry in it).
    fn queue_buyers(&mut self, n: NodeIx) {
        let csr = &self.g.csr;
        for k in csr.out_start[n.ix()] as usize..csr.out_start[n.ix() + 1] as usize {
            let (b, slot) = (csr.buyers[k].ix(), csr.out_slot[k] as usize);
            if !self.slot_queued[slot] {
                self.slot_queued[slot] = true;
                self.next_slot[slot] = self.first_slot[b];
                self.first_slot[b] = slot as u32;
            }
            // (Without any requirement of many suppliers, no need to look.)
            if !self.next_in.is_empty() && csr.suppliers(slot).len() > MANY_SUPPLIERS {
                let j = csr.out_sup[k];
                self.next_in[j as usize] = self.first_in[slot];
                self.first_in[slot] = j;
            }
        }
    }

    /// Capacity under `failed`, where `base` holds the capacities under a failure set that
    /// differs from `failed` only on the entities in `changed`. The nodes downstream of the
    /// changed entities' nodes are recomputed into `work`, which must equal `base` outside the
    /// last recomputed cone (start with a copy of `base`); the previous cone is first put back
    /// from `base`. Bit for bit what [`Engine::full`] gives: every other node has the same
    /// inputs in both, and the cone is evaluated in topological order by the same formula.
    /// O(C log C + E_C) for a cone of C nodes and E_C edges.
    pub fn recompute(
        &mut self,
        base: &[f64],
        work: &mut [f64],
        changed: &[EntityIx],
        failed: impl Fn(EntityIx) -> bool,
    ) {
        for &n in &self.touched {
            work[n.ix()] = base[n.ix()];
        }
        // `fed` answers for a `cone` only: a read after this call fails instead of answering
        // for the previous cone.
        self.fed_end.clear();
        self.collect_cone(changed);
        let entity = &self.g.csr.entity;
        for &n in &self.touched {
            work[n.ix()] = eval_node(self.g, n, failed(entity[n.ix()]), work);
        }
    }

    /// The capacities of the last cone (1 outside it).
    pub fn caps(&self) -> &[f64] {
        &self.cap
    }

    /// The nodes of the last cone, in topological order.
    pub fn touched(&self) -> &[NodeIx] {
        &self.touched
    }

    /// Resets the last cone and collects the nodes downstream of the failed entities' nodes
    /// (theirs included) into `touched`, sorted (node indices are a topological order).
    fn collect_cone(&mut self, failed: &[EntityIx]) {
        for &n in &self.touched {
            self.cap[n.ix()] = 1.0;
            self.mark[n.ix()] = false;
        }
        self.touched.clear();
        for e in failed {
            for &n in &self.nodes_of[e.ix()] {
                if !self.mark[n.ix()] {
                    self.mark[n.ix()] = true;
                    self.touched.push(n);
                }
            }
        }
        let csr = &self.g.csr;
        let mut k = 0;
        while k < self.touched.len() {
            let n = self.touched[k];
            k += 1;
            for &m in csr.buyers(n) {
                if !self.mark[m.ix()] {
                    self.mark[m.ix()] = true;
                    self.touched.push(m);
                }
            }
        }
        // Into topological order (node order). A cone that covers a good part of its span of
        // node indices is read off the marks in one sequential pass instead of sorted.
        let (Some(&lo), Some(&hi)) = (self.touched.iter().min(), self.touched.iter().max()) else {
            return;
        };
        if (hi.0 - lo.0) as usize <= 8 * self.touched.len() {
            self.touched.clear();
            self.touched
                .extend((lo.0..=hi.0).map(NodeIx).filter(|&n| self.mark[n.ix()]));
        } else {
            self.touched.sort_unstable();
        }
    }
}

/// For each entity, its production nodes.
pub fn nodes_of_entities(g: &ProductionGraph, entities: usize) -> Vec<Vec<NodeIx>> {
    let mut nodes = vec![Vec::new(); entities];
    for (n, &e) in g.csr.entity.iter().enumerate() {
        nodes[e.ix()].push(NodeIx(n as u32));
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{graph::ProductionGraph, ingest};

    fn bundled(name: &str) -> crate::model::Dataset {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
        ingest::load(&root.join(name)).unwrap().dataset
    }

    /// For every entity's cone, `fed` lists of each cone node exactly the requirements with a
    /// supplier inside the cone (worked out from the CSR), each once.
    #[test]
    fn fed_lists_the_requirements_fed_from_inside_the_cone() {
        for name in ["legacy-semiconductors", "biologic-ingredients"] {
            let ds = bundled(name);
            let g = ProductionGraph::build(&ds);
            let csr = &g.csr;
            let mut engine = Engine::new(&g, ds.entities.len());
            let mut checked = 0;
            for e in (0..ds.entities.len() as u32).map(EntityIx) {
                engine.cone(&[e]);
                let touched = engine.touched().to_vec();
                for (k, &v) in touched.iter().enumerate() {
                    let mut got: Vec<usize> = engine.fed(k).map(|(i, _)| i).collect();
                    got.sort_unstable();
                    let expected: Vec<usize> = csr
                        .slots(v)
                        .filter(|&i| {
                            csr.suppliers(i)
                                .any(|j| touched.binary_search(&csr.sup_node[j]).is_ok())
                        })
                        .collect();
                    assert_eq!(got, expected, "{name}: entity {e:?}, node {v:?}");
                    checked += expected.len();
                }
            }
            assert!(checked > 100, "{name}: only {checked} fed requirements");
        }
    }

    /// After `recompute`, `fed` does not answer for the earlier cone.
    #[test]
    #[should_panic]
    fn fed_after_recompute_panics() {
        let ds = bundled("legacy-semiconductors");
        let g = ProductionGraph::build(&ds);
        let mut engine = Engine::new(&g, ds.entities.len());
        let e = EntityIx(0);
        engine.cone(&[e]);
        let base = engine.full(|_| false);
        let mut work = base.clone();
        engine.recompute(&base, &mut work, &[e], |x| x == e);
        let _ = engine.fed(0).count();
    }
}
