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
//! capacity 1): O(C log C + E_C) for a cone of C nodes and E_C edges. It needs O(N) scratch
//! space, allocated once per engine and reset after each call.
//!
//! **Example.** Chip needs a die; the die comes 0.6 from fab A and 0.4 from fab B; fab A's
//! die needs a wafer from W. Failing W gives cap(A, die) = 0 and cap(chip) = 0.4·1 = 0.4.

use crate::graph::ProductionGraph;
use crate::model::EntityIx;
use petgraph::Direction;
use petgraph::graph::NodeIndex;

/// Evaluates one node from its suppliers' capacities.
#[inline]
pub fn eval_node(g: &ProductionGraph, n: u32, failed: bool, cap: &[f64]) -> f64 {
    if failed {
        return 0.0;
    }
    let mut best = 1.0f64;
    for slot in &g.inputs[n as usize] {
        if slot.suppliers.is_empty() {
            continue; // unmapped: counted as available
        }
        // The supplied capacity Σ share·cap, exact at both ends: rescaled shares may sum to
        // a hair off 1 (1/3 · 3), so "nothing lost" is tested on the loss Σ share·(1 − cap).
        let mut sum = 0.0;
        let mut loss = 0.0;
        for &(s, share) in &slot.suppliers {
            let c = cap[s as usize];
            sum += share * c;
            loss += share * (1.0 - c);
        }
        let supplied = if loss == 0.0 { 1.0 } else { sum };
        best = best.min(supplied);
    }
    // Guard against a sum that rounds a hair above 1.
    best.min(1.0)
}

/// A capacity engine over one graph, with reusable scratch space.
pub struct Engine<'g> {
    g: &'g ProductionGraph,
    /// Capacity of every node; 1 outside the last cone.
    cap: Vec<f64>,
    /// Nodes of the last cone, to reset.
    touched: Vec<u32>,
    mark: Vec<bool>,
    /// Entities failed in the current cone call.
    failed: Vec<bool>,
    /// For each entity, its production nodes.
    nodes_of: Vec<Vec<u32>>,
}

impl<'g> Engine<'g> {
    /// An engine for a graph of a dataset with `entities` entities.
    pub fn new(g: &'g ProductionGraph, entities: usize) -> Self {
        let n = g.node_count();
        Engine {
            g,
            cap: vec![1.0; n],
            touched: Vec::new(),
            mark: vec![false; n],
            failed: vec![false; entities],
            nodes_of: nodes_of_entities(g, entities),
        }
    }

    /// The production nodes of entity `e`.
    pub fn nodes_of(&self, e: EntityIx) -> &[u32] {
        &self.nodes_of[e.ix()]
    }

    pub fn graph(&self) -> &'g ProductionGraph {
        self.g
    }

    /// Capacity of every node with the entities for which `failed` is true failed.
    /// O(N + E).
    pub fn full(&self, failed: impl Fn(EntityIx) -> bool) -> Vec<f64> {
        let mut cap = vec![1.0; self.g.node_count()];
        for &n in &self.g.topo {
            let node = self.g.node(n);
            cap[n as usize] = eval_node(self.g, n, failed(node.entity), &cap);
        }
        cap
    }

    /// Capacity with the entities in `failed` failed, computed over the downstream cone of
    /// their nodes only. The returned slice is valid until the next call; nodes outside the
    /// cone read 1.
    pub fn cone(&mut self, failed: &[EntityIx]) -> &[f64] {
        for &n in &self.touched {
            self.cap[n as usize] = 1.0;
            self.mark[n as usize] = false;
        }
        self.touched.clear();
        // Collect the cone: every node reachable from a failed entity's nodes.
        let mut stack: Vec<u32> = Vec::new();
        for e in failed {
            self.failed[e.ix()] = true;
            for &n in &self.nodes_of[e.ix()] {
                if !self.mark[n as usize] {
                    self.mark[n as usize] = true;
                    stack.push(n);
                }
            }
        }
        let mut k = 0;
        self.touched.extend_from_slice(&stack);
        while k < self.touched.len() {
            let n = self.touched[k];
            k += 1;
            for m in self
                .g
                .graph
                .neighbors_directed(NodeIndex::new(n as usize), Direction::Outgoing)
            {
                let m = m.index();
                if !self.mark[m] {
                    self.mark[m] = true;
                    self.touched.push(m as u32);
                }
            }
        }
        // Node indices are a topological order.
        self.touched.sort_unstable();
        for i in 0..self.touched.len() {
            let n = self.touched[i];
            let node = self.g.node(n);
            let c = eval_node(self.g, n, self.failed[node.entity.ix()], &self.cap);
            self.cap[n as usize] = c;
        }
        for e in failed {
            self.failed[e.ix()] = false;
        }
        &self.cap
    }
}

/// For each entity, its production nodes.
pub fn nodes_of_entities(g: &ProductionGraph, entities: usize) -> Vec<Vec<u32>> {
    let mut nodes = vec![Vec::new(); entities];
    for n in 0..g.node_count() as u32 {
        nodes[g.node(n).entity.ix()].push(n);
    }
    nodes
}
