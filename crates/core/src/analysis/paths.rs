//! Evidence: the paths of production nodes that carry a failure to a product.

use super::crit::CritSet;
use crate::graph::{InputSlot, NodeIx, ProductionGraph, Suppliers};

/// Up to `k` paths (supplier first, ending at `product`) along which the loss under a failure
/// reaches `product`. `cap` is the capacity under the failure and `failed(n)` says whether
/// node n's entity failed. Each path starts with a different first step into the product,
/// ranked by the capacity that step takes away (share × (1 − cap)), and then follows, at each
/// node, the input that binds (lowest supplied capacity) and its supplier that loses most.
/// O(k · depth · degree).
pub fn loss_paths(
    g: &ProductionGraph,
    product: NodeIx,
    cap: &[f64],
    failed: impl Fn(NodeIx) -> bool,
    k: usize,
) -> Vec<Vec<NodeIx>> {
    if failed(product) {
        return vec![vec![product]];
    }
    if cap[product.ix()] >= 1.0 - super::HAIR {
        return Vec::new();
    }
    // First steps: every supplier with a loss, in any input of the product.
    let mut firsts: Vec<(f64, NodeIx)> = g.inputs[product.ix()]
        .iter()
        .flat_map(|slot| g.suppliers(slot).iter())
        .filter(|(s, _)| cap[s.ix()] < 1.0 - super::HAIR)
        .map(|(s, share)| (share * (1.0 - cap[s.ix()]), s))
        .collect();
    firsts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    firsts.dedup_by_key(|f| f.1);
    let mut paths = Vec::new();
    for &(_, first) in firsts.iter().take(k) {
        let mut path = vec![product, first];
        let mut cur = first;
        while !failed(cur) {
            let Some(next) = worst_supplier(g, cur, cap) else {
                break;
            };
            path.push(next);
            cur = next;
        }
        path.reverse();
        paths.push(path);
    }
    paths
}

/// The supplier of the binding input of `n` that loses most capacity.
fn worst_supplier(g: &ProductionGraph, n: NodeIx, cap: &[f64]) -> Option<NodeIx> {
    let mut best: Option<(f64, NodeIx)> = None;
    let mut binding = f64::INFINITY;
    for slot in &g.inputs[n.ix()] {
        let sups = g.suppliers(slot);
        if sups.is_empty() {
            continue;
        }
        let sum: f64 = sups.iter().map(|(s, w)| w * cap[s.ix()]).sum();
        if sum < binding - super::HAIR {
            binding = sum;
            best = sups
                .iter()
                .filter(|(s, _)| cap[s.ix()] < 1.0 - super::HAIR)
                .map(|(s, w)| (w * (1.0 - cap[s.ix()]), s))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        }
    }
    best.map(|(_, s)| s)
}

/// A path (supplier first) from a node of group `grp` to `product`, following crit sets: at
/// each node, the first input all of whose suppliers have `grp` in their crit set, and its
/// supplier with the largest share. O(depth · degree · log |crit|).
pub fn crit_path(
    g: &ProductionGraph,
    crit: &[CritSet],
    product: NodeIx,
    grp: u32,
    in_group: impl Fn(NodeIx) -> bool,
) -> Vec<NodeIx> {
    CritPaths::new(g, crit).path(product, grp, in_group)
}

/// [`crit_path`] for many (product, group) pairs over one grouping's crit sets, the same paths.
/// At a node with many inputs, the first input each group stops is looked up in an index
/// built the first time the node is walked through (O(Σ over its inputs' suppliers of
/// |crit|)), instead of scanning the inputs for each group: a product with k single-sourced
/// inputs has k single points of failure, and scanning would cost O(k²) in all.
pub struct CritPaths<'a> {
    g: &'a ProductionGraph,
    crit: &'a [CritSet],
    /// For nodes with more than [`CritPaths::INDEXED`] inputs: group → first input it stops.
    first_stopped: std::collections::HashMap<NodeIx, std::collections::HashMap<u32, usize>>,
}

impl<'a> CritPaths<'a> {
    /// Nodes with more inputs than this get an index.
    const INDEXED: usize = 16;

    pub fn new(g: &'a ProductionGraph, crit: &'a [CritSet]) -> Self {
        CritPaths {
            g,
            crit,
            first_stopped: Default::default(),
        }
    }

    /// What [`crit_path`] gives for (`product`, `grp`).
    pub fn path(
        &mut self,
        product: NodeIx,
        grp: u32,
        in_group: impl Fn(NodeIx) -> bool,
    ) -> Vec<NodeIx> {
        let (g, crit) = (self.g, self.crit);
        let mut path = vec![product];
        let mut cur = product;
        while !in_group(cur) {
            let inputs = &g.inputs[cur.ix()];
            let slot = if inputs.len() > Self::INDEXED {
                let index = self
                    .first_stopped
                    .entry(cur)
                    .or_insert_with(|| first_stopped(g, crit, inputs));
                index.get(&grp).copied()
            } else {
                inputs
                    .iter()
                    .position(|slot| stops(crit, g.suppliers(slot), grp))
            };
            let next = slot.and_then(|i| largest_supplier(g.suppliers(&inputs[i])));
            match next {
                Some(s) => {
                    path.push(s);
                    cur = s;
                }
                None => break,
            }
        }
        path.reverse();
        path
    }
}

/// Whether failing group `grp` stops every supplier of a mapped input.
fn stops(crit: &[CritSet], sups: Suppliers<'_>, grp: u32) -> bool {
    !sups.is_empty()
        && sups
            .nodes
            .iter()
            .all(|s| crit[s.ix()].binary_search(&grp).is_ok())
}

/// The supplier of an input with the largest share (the lowest node on a tie).
fn largest_supplier(sups: Suppliers<'_>) -> Option<NodeIx> {
    sups.iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(s, _)| s)
}

/// For each group that stops some input of a node, the first such input.
fn first_stopped(
    g: &ProductionGraph,
    crit: &[CritSet],
    inputs: &[InputSlot],
) -> std::collections::HashMap<u32, usize> {
    let mut index = std::collections::HashMap::new();
    for (i, slot) in inputs.iter().enumerate() {
        let Some(((first, _), rest)) = g.suppliers(slot).split_first() else {
            continue;
        };
        for &grp in crit[first.ix()].iter() {
            if rest
                .nodes
                .iter()
                .all(|s| crit[s.ix()].binary_search(&grp).is_ok())
            {
                index.entry(grp).or_insert(i);
            }
        }
    }
    index
}

/// Every node upstream of `product` (itself included), with a parent pointer towards the
/// product, by breadth-first search over qualified supply edges. Returns the nodes in BFS
/// order and writes parents into `parent` (indexed by node; `None` = not reached; the
/// product is its own parent).
///
/// O(N) to reset `parent`: to search from many products, use [`Upstream`], which costs only
/// the upstream part each time.
pub fn upstream(
    g: &ProductionGraph,
    product: NodeIx,
    parent: &mut Vec<Option<NodeIx>>,
) -> Vec<NodeIx> {
    parent.clear();
    parent.resize(g.node_count(), None);
    let mut search = Upstream::new(g);
    search.run(g, product);
    for &n in &search.order {
        parent[n.ix()] = Some(search.parent[n.ix()]);
    }
    search.order
}

/// Reusable upstream search: the same answer as [`upstream`], in O(upstream nodes + their
/// edges) per product, with a visited stamp instead of clearing an array of every node.
pub struct Upstream {
    /// The nodes found by the last [`Upstream::run`], in BFS order.
    pub order: Vec<NodeIx>,
    /// Parent towards the product (the product is its own parent); valid for the nodes in
    /// `order` only, so it needs no "not reached" value: the stamp says which are valid.
    pub parent: Vec<NodeIx>,
    stamp: Vec<u32>,
    current: u32,
}

impl Upstream {
    pub fn new(g: &ProductionGraph) -> Upstream {
        Upstream {
            order: Vec::new(),
            parent: vec![NodeIx(0); g.node_count()],
            stamp: vec![0; g.node_count()],
            current: 0,
        }
    }

    /// Searches upstream of `product`; the result is in `order` and `parent`.
    pub fn run(&mut self, g: &ProductionGraph, product: NodeIx) {
        if self.current == u32::MAX {
            self.stamp.fill(0);
            self.current = 0;
        }
        self.current += 1;
        let now = self.current;
        let csr = &g.csr;
        self.order.clear();
        self.order.push(product);
        self.stamp[product.ix()] = now;
        self.parent[product.ix()] = product;
        let mut k = 0;
        while k < self.order.len() {
            let n = self.order[k];
            k += 1;
            for i in csr.slots(n) {
                for j in csr.suppliers(i) {
                    let s = csr.sup_node[j];
                    if self.stamp[s.ix()] != now {
                        self.stamp[s.ix()] = now;
                        self.parent[s.ix()] = n;
                        self.order.push(s);
                    }
                }
            }
        }
    }
}

/// The path from `node` to the product along the parent pointers of [`Upstream`] (valid for
/// the nodes of its last search).
pub fn path_down(parent: &[NodeIx], node: NodeIx) -> Vec<NodeIx> {
    let mut path = vec![node];
    let mut cur = node;
    while parent[cur.ix()] != cur {
        cur = parent[cur.ix()];
        path.push(cur);
    }
    path
}
