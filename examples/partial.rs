//! The partial work of `benches/compare/pywork.py` done with tierscope's library, for an
//! apples-to-apples row in the comparison: load (with full validation), build the production
//! graph, entity-level crit sets (the dominators' generalisation: exactly the dominators on
//! single-input data), articulation points of the undirected graph, per-product upstream
//! reachability with the count of distinct untrusted upstream entities, and HHI by supplier
//! and by supplier country per (buyer, input).
//!
//!     cargo run --release --example partial -- DIR

use std::collections::BTreeMap;
use tierscope::analysis::crit::crit_sets;
use tierscope::analysis::groups::{Groups, Level};
use tierscope::analysis::paths::Upstream;
use tierscope::graph::{NodeIx, ProductionGraph, shares};

/// The allocator the `tierscope` binary uses, so the phases cost here what they cost there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: partial DIR")?;
    let ds = tierscope::ingest::load(std::path::Path::new(&dir))?.dataset;
    let g = ProductionGraph::build(&ds);

    let groups = Groups::new(Level::Entity, &ds, &g);
    let crit = crit_sets(&g, &groups);
    let spofs: usize = g
        .products
        .iter()
        .map(|&(p, n)| {
            let own = groups.of(ds.products[p].entity);
            crit[n.ix()].iter().filter(|&&c| Some(c) != own).count()
        })
        .sum();

    let arts = articulation_points(&g);

    let untrusted = &g.parties.untrusted;
    let mut search = Upstream::new(&g);
    let mut seen = vec![u32::MAX; ds.entities.len()];
    let (mut reach, mut untrusted_upstream) = (0usize, 0usize);
    for (k, &(_, n)) in g.products.iter().enumerate() {
        search.run(&g, n);
        reach += search.order.len() - 1;
        for &m in &search.order[1..] {
            let e = g.csr.entity[m.ix()].ix();
            if untrusted[e] && seen[e] != k as u32 {
                seen[e] = k as u32;
                untrusted_upstream += 1;
            }
        }
    }

    let mut hhi_sum = 0.0;
    let groups = shares::qualified_groups(&ds);
    for (_, members) in groups.iter() {
        let given = shares::given(&ds, members);
        let Ok(a) = shares::allocate(&given) else {
            continue;
        };
        let mut by_country: BTreeMap<u32, f64> = BTreeMap::new();
        for (&i, &w) in members.iter().zip(&a.weights) {
            hhi_sum += w * w;
            *by_country
                .entry(ds.entity(ds.supply[i as usize].supplier).country.0)
                .or_insert(0.0) += w;
        }
        hhi_sum += by_country.values().map(|w| w * w).sum::<f64>();
    }
    println!(
        "tierscope partial: {} nodes, {} edges, {spofs} entity SPOFs of products, {arts} \
         articulation points, {reach} upstream visits, {untrusted_upstream} untrusted upstream \
         entities, {} HHI rows (checksum {hhi_sum:.3})",
        g.node_count(),
        g.edge_count(),
        groups.len()
    );
    Ok(())
}

/// Articulation points of the undirected production graph: iterative Hopcroft-Tarjan over
/// the CSR arrays (supplier and buyer lists), O(N + E). The search keeps its own flat `u32`
/// arrays with a `NONE` value, as in the textbook algorithm.
fn articulation_points(g: &ProductionGraph) -> usize {
    let n = g.node_count();
    let csr = &g.csr;
    let neighbours = |v: u32| {
        let ins = csr
            .slots(NodeIx(v))
            .flat_map(move |i| csr.suppliers(i))
            .map(move |j| csr.sup_node[j].0);
        ins.chain(csr.buyers(NodeIx(v)).iter().map(|b| b.0))
    };
    // Flatten the undirected adjacency once, so the DFS can resume at an index.
    let mut start = Vec::with_capacity(n + 1);
    let mut adj: Vec<u32> = Vec::with_capacity(2 * g.edge_count());
    start.push(0u32);
    for v in 0..n as u32 {
        adj.extend(neighbours(v));
        start.push(adj.len() as u32);
    }
    const NONE: u32 = u32::MAX;
    let mut disc = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut parent = vec![NONE; n];
    let mut next = vec![0u32; n];
    let mut is_art = vec![false; n];
    let mut time = 0u32;
    let mut stack: Vec<u32> = Vec::new();
    for root in 0..n as u32 {
        if disc[root as usize] != NONE {
            continue;
        }
        let mut root_children = 0;
        disc[root as usize] = time;
        low[root as usize] = time;
        time += 1;
        next[root as usize] = start[root as usize];
        stack.push(root);
        while let Some(&v) = stack.last() {
            let vi = v as usize;
            if next[vi] < start[vi + 1] {
                let w = adj[next[vi] as usize];
                next[vi] += 1;
                let wi = w as usize;
                if disc[wi] == NONE {
                    parent[wi] = v;
                    disc[wi] = time;
                    low[wi] = time;
                    time += 1;
                    next[wi] = start[wi];
                    stack.push(w);
                    if v == root {
                        root_children += 1;
                    }
                } else if w != parent[vi] {
                    low[vi] = low[vi].min(disc[wi]);
                }
            } else {
                stack.pop();
                let p = parent[vi];
                if p != NONE {
                    let pi = p as usize;
                    low[pi] = low[pi].min(low[vi]);
                    if p != root && low[vi] >= disc[pi] {
                        is_art[pi] = true;
                    }
                }
            }
        }
        if root_children > 1 {
            is_art[root as usize] = true;
        }
    }
    is_art.iter().filter(|&&a| a).count()
}
