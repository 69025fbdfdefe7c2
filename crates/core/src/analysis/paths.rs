//! Evidence: the paths of production nodes that carry a failure to a product.

use super::crit::CritSet;
use crate::graph::ProductionGraph;

/// Up to `k` paths (supplier first, ending at `product`) along which the loss under a failure
/// reaches `product`. `cap` is the capacity under the failure and `failed(n)` says whether
/// node n's entity failed. Each path starts with a different first step into the product,
/// ranked by the capacity that step takes away (share × (1 − cap)), and then follows, at each
/// node, the input that binds (lowest supplied capacity) and its supplier that loses most.
/// O(k · depth · degree).
pub fn loss_paths(
    g: &ProductionGraph,
    product: u32,
    cap: &[f64],
    failed: impl Fn(u32) -> bool,
    k: usize,
) -> Vec<Vec<u32>> {
    if failed(product) {
        return vec![vec![product]];
    }
    if cap[product as usize] >= 1.0 - 1e-12 {
        return Vec::new();
    }
    // First steps: every supplier with a loss, in any input of the product.
    let mut firsts: Vec<(f64, u32)> = g.inputs[product as usize]
        .iter()
        .flat_map(|slot| slot.suppliers.iter())
        .filter(|(s, _)| cap[*s as usize] < 1.0 - 1e-12)
        .map(|&(s, share)| (share * (1.0 - cap[s as usize]), s))
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
fn worst_supplier(g: &ProductionGraph, n: u32, cap: &[f64]) -> Option<u32> {
    let mut best: Option<(f64, u32)> = None;
    let mut binding = f64::INFINITY;
    for slot in &g.inputs[n as usize] {
        if slot.suppliers.is_empty() {
            continue;
        }
        let sum: f64 = slot
            .suppliers
            .iter()
            .map(|&(s, w)| w * cap[s as usize])
            .sum();
        if sum < binding - 1e-12 {
            binding = sum;
            best = slot
                .suppliers
                .iter()
                .filter(|(s, _)| cap[*s as usize] < 1.0 - 1e-12)
                .map(|&(s, w)| (w * (1.0 - cap[s as usize]), s))
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
    product: u32,
    grp: u32,
    in_group: impl Fn(u32) -> bool,
) -> Vec<u32> {
    let mut path = vec![product];
    let mut cur = product;
    while !in_group(cur) {
        let next = g.inputs[cur as usize].iter().find_map(|slot| {
            let all = !slot.suppliers.is_empty()
                && slot
                    .suppliers
                    .iter()
                    .all(|(s, _)| crit[*s as usize].binary_search(&grp).is_ok());
            all.then(|| {
                slot.suppliers
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(s, _)| *s)
            })
            .flatten()
        });
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

/// Every node upstream of `product` (itself included), with a parent pointer towards the
/// product, by breadth-first search over qualified supply edges. Returns the nodes in BFS
/// order and writes parents into `parent` (indexed by node; `u32::MAX` = not reached).
///
/// O(N) to reset `parent`: to search from many products, use [`Upstream`], which costs only
/// the upstream part each time.
pub fn upstream(g: &ProductionGraph, product: u32, parent: &mut Vec<u32>) -> Vec<u32> {
    parent.clear();
    parent.resize(g.node_count(), u32::MAX);
    let mut search = Upstream::new(g);
    search.run(g, product);
    for &n in &search.order {
        parent[n as usize] = search.parent[n as usize];
    }
    search.order
}

/// Reusable upstream search: the same answer as [`upstream`], in O(upstream nodes + their
/// edges) per product, with a visited stamp instead of clearing an array of every node.
pub struct Upstream {
    /// The nodes found by the last [`Upstream::run`], in BFS order.
    pub order: Vec<u32>,
    /// Parent towards the product; valid for the nodes in `order` only.
    pub parent: Vec<u32>,
    stamp: Vec<u32>,
    current: u32,
}

impl Upstream {
    pub fn new(g: &ProductionGraph) -> Upstream {
        Upstream {
            order: Vec::new(),
            parent: vec![u32::MAX; g.node_count()],
            stamp: vec![0; g.node_count()],
            current: 0,
        }
    }

    /// Searches upstream of `product`; the result is in `order` and `parent`.
    pub fn run(&mut self, g: &ProductionGraph, product: u32) {
        if self.current == u32::MAX {
            self.stamp.fill(0);
            self.current = 0;
        }
        self.current += 1;
        let now = self.current;
        let csr = &g.csr;
        self.order.clear();
        self.order.push(product);
        self.stamp[product as usize] = now;
        self.parent[product as usize] = product;
        let mut k = 0;
        while k < self.order.len() {
            let n = self.order[k];
            k += 1;
            for i in csr.slots(n) {
                for j in csr.suppliers(i) {
                    let s = csr.sup_node[j];
                    if self.stamp[s as usize] != now {
                        self.stamp[s as usize] = now;
                        self.parent[s as usize] = n;
                        self.order.push(s);
                    }
                }
            }
        }
    }
}

/// The path from `node` to the product along the parent pointers of [`upstream`].
pub fn path_down(parent: &[u32], node: u32) -> Vec<u32> {
    let mut path = vec![node];
    let mut cur = node;
    while parent[cur as usize] != cur {
        cur = parent[cur as usize];
        path.push(cur);
    }
    path
}
