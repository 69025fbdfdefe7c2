//! Rows of the network's nodes within their columns.

use super::{NetEdge, NetNode};
use std::collections::BTreeMap;

/// Sets every node's row by barycentre sweeps (Sugiyama et al. 1981): right to left from the
/// product placing each node at the mean position of its buyers, then a sweep left to right
/// and one more right to left on all neighbours. Ties by item then entity, so alternative
/// suppliers of one input sit together.
pub fn order(nodes: &mut [NetNode], edges: &[NetEdge], ncols: usize) {
    let mut pos = vec![0.5f64; nodes.len()];
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut buyers: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for e in edges {
        neighbours[e.from].push(e.to);
        neighbours[e.to].push(e.from);
        buyers[e.from].push(e.to);
    }
    let sweeps: Vec<(Vec<usize>, &[Vec<usize>])> = vec![
        ((0..ncols).rev().collect(), &buyers),
        ((0..ncols).collect(), &neighbours),
        ((0..ncols).rev().collect(), &neighbours),
    ];
    for (order, ns) in sweeps {
        for col in order {
            sweep_column(nodes, &mut pos, ns, col);
        }
    }
}

/// Sorts column `col` by the mean position of each node's neighbours `ns` (its own position
/// when it has none) and stores the new rows and positions.
fn sweep_column(nodes: &mut [NetNode], pos: &mut [f64], ns: &[Vec<usize>], col: usize) {
    let mut members: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].col == col).collect();
    let keys: BTreeMap<usize, f64> = members
        .iter()
        .map(|&i| {
            let key = if ns[i].is_empty() {
                pos[i]
            } else {
                ns[i].iter().map(|&j| pos[j]).sum::<f64>() / ns[i].len() as f64
            };
            (i, key)
        })
        .collect();
    members.sort_by(|&a, &b| {
        keys[&a]
            .total_cmp(&keys[&b])
            .then(nodes[a].item.cmp(&nodes[b].item))
            .then(nodes[a].entity.cmp(&nodes[b].entity))
    });
    let k = members.len() as f64;
    for (r, &i) in members.iter().enumerate() {
        nodes[i].row = r;
        pos[i] = (r as f64 + 0.5) / k;
    }
}
