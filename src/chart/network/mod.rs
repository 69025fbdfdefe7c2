//! A tiered diagram of one product's upstream production network: the product with the
//! largest *actionable* untrusted exposure (its maker neither in an untrusted country nor
//! restricted: for an untrusted maker, dependence on its own bloc is the expected state), with
//! entity and item names, and always the headline path (the evidence path of the product's
//! worst finding), however many upstream nodes are cut.

mod draw;
mod rows;

pub use draw::draw_network;

use super::style::product_label;
use crate::analysis::findings::Finding;
use crate::analysis::groups::Level;
use crate::analysis::{ProductSummary, Report};
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, Trust};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

/// Nodes drawn at most (the product included); the rest are counted as "+N more".
pub const MAX_NODES: usize = 80;

/// How far a node's entity is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeTrust {
    Trusted,
    Neutral,
    /// In an untrusted country, or restricted.
    Untrusted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetNode {
    /// Production-graph node.
    pub node: NodeIx,
    pub entity: String,
    pub item: String,
    /// The names drawn in the box.
    pub entity_name: String,
    pub item_name: String,
    /// On the headline path.
    pub on_path: bool,
    /// BOM level of the node's item.
    pub level: u32,
    pub trust: NodeTrust,
    /// A single point of failure of the product at the entity level.
    pub spof: bool,
    pub is_product: bool,
    /// A distributor's node: it passes its item on (drawn hatched, in a column of its own
    /// after its item's makers).
    pub distributor: bool,
    /// The names of the other items of the group of substitutes this node's item meets at its
    /// buyer in the diagram (labelled "item (or other)"); empty for a plain input.
    pub substitutes: Vec<String>,
    /// Share of the product's supply that flows through this node (summed over paths and
    /// inputs, so it may exceed 1).
    pub weight: f64,
    /// Column (index into [`Network::levels`]) and place in it, 0 at the top.
    pub col: usize,
    pub row: usize,
}

/// Supply from `nodes[from]` to `nodes[to]`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetEdge {
    pub from: usize,
    pub to: usize,
    pub share: f64,
}

/// The upstream network of the product with the largest actionable untrusted exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub dataset: String,
    /// `entity:item` of the product drawn.
    pub product: String,
    pub product_label: String,
    pub exposure: f64,
    /// Its maker is neither in an untrusted country nor restricted (false only when no
    /// product's maker is).
    pub actionable: bool,
    /// The headline path, supplier first, as indices into `nodes` (empty when the product
    /// has no finding with evidence).
    pub path: Vec<usize>,
    /// The finding the path is the evidence of.
    pub path_finding: Option<String>,
    /// BOM levels shown as columns, left to right.
    pub levels: Vec<u32>,
    /// For each column, 0 for makers, or how many distributors deep its nodes pass their
    /// items on (a level's distributors have a column after its makers).
    pub through: Vec<u32>,
    /// Item names per column.
    pub column_items: Vec<Vec<String>>,
    pub nodes: Vec<NetNode>,
    pub edges: Vec<NetEdge>,
    /// Upstream nodes left out (lowest weight first) to keep the diagram readable.
    pub hidden: usize,
}

/// Whether `p`'s maker is in an untrusted country or a restricted party.
fn maker_untrusted(ds: &Dataset, g: &ProductionGraph, p: &ProductSummary) -> bool {
    ds.entity_ix.get(p.entity.as_str()).is_some_and(|&e| {
        g.parties.untrusted[e.ix()] || ds.entity_country(e).trust == Trust::Untrusted
    })
}

/// The product to draw: the largest untrusted exposure among the products whose maker is not
/// untrusted (among equals, the largest revenue, then the first), or among all products when
/// every maker is untrusted; and whether it is actionable.
pub fn choose<'a>(
    report: &'a Report,
    ds: &Dataset,
    g: &ProductionGraph,
) -> Option<(&'a ProductSummary, bool)> {
    let best = |actionable_only: bool| {
        let key = |p: &ProductSummary| (p.untrusted_exposure, p.annual_revenue.unwrap_or(0.0));
        let mut best: Option<&ProductSummary> = None;
        for p in &report.products {
            if actionable_only && maker_untrusted(ds, g, p) {
                continue;
            }
            if best.is_none_or(|b| {
                let (a, b) = (key(p), key(b));
                a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
            }) {
                best = Some(p);
            }
        }
        best
    };
    match best(true) {
        Some(p) => Some((p, true)),
        None => best(false).map(|p| (p, false)),
    }
}

/// The headline finding of `p`: its most severe finding with evidence, the one whose root
/// cause ranks first among equals, then the first in report order.
pub fn headline_finding<'a>(report: &'a Report, p: &ProductSummary) -> Option<&'a Finding> {
    // Rank of each root cause by its first position (a map: the wide shape has as many
    // root causes as the product has findings).
    let mut rank: HashMap<&str, usize> = HashMap::with_capacity(report.root_causes.len());
    for (k, c) in report.root_causes.iter().enumerate() {
        rank.entry(&*c.id).or_insert(k);
    }
    let cause_rank = |f: &Finding| {
        f.root_cause
            .as_ref()
            .and_then(|id| rank.get(&**id).copied())
            .unwrap_or(usize::MAX)
    };
    report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.product
                .as_ref()
                .is_some_and(|x| *x.entity == *p.entity && *x.item == *p.item)
                && f.evidence.first().is_some_and(|e| !e.is_empty())
        })
        .min_by_key(|&(k, f)| (f.severity, cause_rank(f), k))
        .map(|(_, f)| &**f)
}

/// The graph nodes of `f`'s first evidence path that are upstream of the product, in order.
fn path_nodes(ds: &Dataset, g: &ProductionGraph, f: &Finding) -> Vec<NodeIx> {
    f.evidence[0]
        .iter()
        .filter_map(|n| {
            let e = *ds.entity_ix.get(&*n.entity)?;
            let i = *ds.item_ix.get(&*n.item)?;
            g.node_of.get(&(e, i)).copied()
        })
        .collect()
}

/// The share of the product's supply through every node upstream of `root`. Node indices are
/// a topological order (suppliers first), so popping the highest index visits every buyer
/// before its suppliers.
fn weights(g: &ProductionGraph, root: NodeIx) -> BTreeMap<NodeIx, f64> {
    let mut weight: BTreeMap<NodeIx, f64> = BTreeMap::new();
    weight.insert(root, 1.0);
    let mut todo: BTreeSet<NodeIx> = BTreeSet::from([root]);
    while let Some(n) = todo.pop_last() {
        let wn = weight[&n];
        for slot in &g.inputs[n.ix()] {
            for (s, share) in g.suppliers(slot) {
                *weight.entry(s).or_insert(0.0) += wn * share;
                todo.insert(s);
            }
        }
    }
    weight
}

/// The nodes drawn: `must` (the headline path, connected to the product), then the heaviest
/// nodes, growing from what is kept so that the kept part stays connected, up to
/// [`MAX_NODES`] (or the path's length, when longer).
fn keep(
    g: &ProductionGraph,
    root: NodeIx,
    weight: &BTreeMap<NodeIx, f64>,
    must: &[NodeIx],
) -> BTreeSet<NodeIx> {
    let mut kept: BTreeSet<NodeIx> = BTreeSet::new();
    // The frontier, heaviest first (ties: lowest node), in a heap: a wide BOM's product has a
    // frontier of 100,000 inputs. A node can be pushed twice; it is skipped once kept.
    let mut frontier: BinaryHeap<(Heaviest, Reverse<NodeIx>)> = BinaryHeap::new();
    let grow = |n: NodeIx, kept: &mut BTreeSet<NodeIx>, frontier: &mut BinaryHeap<_>| {
        kept.insert(n);
        for slot in &g.inputs[n.ix()] {
            for &s in g.suppliers(slot).nodes {
                if !kept.contains(&s) {
                    frontier.push((Heaviest(weight[&s]), Reverse(s)));
                }
            }
        }
    };
    for &n in std::iter::once(&root).chain(must) {
        if weight.contains_key(&n) {
            grow(n, &mut kept, &mut frontier);
        }
    }
    while kept.len() < MAX_NODES {
        let Some((_, Reverse(n))) = frontier.pop() else {
            break;
        };
        if !kept.contains(&n) {
            grow(n, &mut kept, &mut frontier);
        }
    }
    kept
}

/// A weight ordered by `total_cmp`, for the frontier's heap.
#[derive(Clone, Copy, PartialEq)]
struct Heaviest(f64);

impl Eq for Heaviest {}

impl PartialOrd for Heaviest {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Heaviest {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Each kept node's column key: its item's BOM level, and after a level's makers its
/// distributors (in node order, which is topological, a distributor's suppliers come first).
fn column_keys(g: &ProductionGraph, kept: &BTreeSet<NodeIx>) -> BTreeMap<NodeIx, (u32, u32)> {
    let mut through: BTreeMap<NodeIx, u32> = BTreeMap::new();
    for &n in kept {
        let depth = if g.is_pass_through(n) {
            let sups = g.inputs[n.ix()].iter().flat_map(|s| g.suppliers(s).nodes);
            1 + sups
                .filter_map(|s| through.get(s))
                .max()
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        through.insert(n, depth);
    }
    kept.iter()
        .map(|&n| (n, (g.item_level[g.node(n).item.ix()], through[&n])))
        .collect()
}

/// An item's name, or its id when it has none.
fn item_name(ds: &Dataset, id: &str) -> String {
    ds.item_ix
        .get(id)
        .map_or_else(|| id.to_string(), |&ix| ds.item(ix).name.clone())
}

/// Substitutes: the other items' names of the group a kept node's item meets at a kept buyer.
fn substitutes(
    ds: &Dataset,
    g: &ProductionGraph,
    kept: &BTreeSet<NodeIx>,
) -> BTreeMap<NodeIx, Vec<String>> {
    let mut out: BTreeMap<NodeIx, Vec<String>> = BTreeMap::new();
    for &n in kept {
        for slot in &g.inputs[n.ix()] {
            let items = g.req_items(slot.req);
            if items.len() < 2 {
                continue;
            }
            for &s in g.suppliers(slot).nodes {
                let own = g.node(s).item;
                let others = items.iter().filter(|&&y| y != own);
                out.entry(s)
                    .or_insert_with(|| others.map(|&y| ds.item(y).name.clone()).collect());
            }
        }
    }
    out
}

fn trust_of(ds: &Dataset, g: &ProductionGraph, e: crate::model::EntityIx) -> NodeTrust {
    if g.parties.untrusted[e.ix()] {
        return NodeTrust::Untrusted;
    }
    match ds.entity_country(e).trust {
        Trust::Untrusted => NodeTrust::Untrusted,
        Trust::Neutral => NodeTrust::Neutral,
        Trust::Trusted => NodeTrust::Trusted,
    }
}

/// What [`Network::new`] decided before laying the nodes out.
struct Selection<'a> {
    p: &'a ProductSummary,
    root: NodeIx,
    weight: BTreeMap<NodeIx, f64>,
    kept: BTreeSet<NodeIx>,
    path: Vec<NodeIx>,
    cols: Vec<(u32, u32)>,
    col_key: BTreeMap<NodeIx, (u32, u32)>,
}

impl Selection<'_> {
    fn nodes(&self, ds: &Dataset, g: &ProductionGraph) -> Vec<NetNode> {
        let spofs: BTreeSet<&str> = self
            .p
            .spof
            .get(&Level::Entity)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let mut subs = substitutes(ds, g, &self.kept);
        self.kept
            .iter()
            .map(|&n| {
                let pn = g.node(n);
                let e = ds.entity(pn.entity);
                let item = ds.item(pn.item);
                NetNode {
                    node: n,
                    entity: e.id.clone(),
                    item: item.id.clone(),
                    entity_name: e.name.clone(),
                    item_name: item.name.clone(),
                    on_path: self.path.contains(&n),
                    level: g.item_level[pn.item.ix()],
                    trust: trust_of(ds, g, pn.entity),
                    spof: spofs.contains(e.id.as_str()),
                    is_product: n == self.root,
                    distributor: g.is_pass_through(n),
                    substitutes: subs.remove(&n).unwrap_or_default(),
                    weight: self.weight[&n],
                    col: self.cols.binary_search(&self.col_key[&n]).unwrap_or(0),
                    row: 0,
                }
            })
            .collect()
    }
}

/// Supply between the drawn nodes.
fn edges(g: &ProductionGraph, nodes: &[NetNode]) -> Vec<NetEdge> {
    let index: BTreeMap<NodeIx, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, nd)| (nd.node, i))
        .collect();
    let mut edges = Vec::new();
    for (to, nd) in nodes.iter().enumerate() {
        for slot in &g.inputs[nd.node.ix()] {
            for (s, share) in g.suppliers(slot) {
                if let Some(&from) = index.get(&s) {
                    edges.push(NetEdge { from, to, share });
                }
            }
        }
    }
    edges
}

impl Network {
    pub fn new(report: &Report, ds: &Dataset, g: &ProductionGraph) -> Option<Network> {
        let (p, actionable) = choose(report, ds, g)?;
        let root = g.products.iter().find_map(|&(i, n)| {
            let prod = &ds.products[i];
            (ds.entity(prod.entity).id == p.entity && ds.item(prod.item).id == p.item).then_some(n)
        })?;
        let finding = headline_finding(report, p);
        let weight = weights(g, root);
        let path: Vec<NodeIx> = finding
            .map(|f| path_nodes(ds, g, f))
            .unwrap_or_default()
            .into_iter()
            .filter(|n| weight.contains_key(n))
            .collect();
        let kept = keep(g, root, &weight, &path);
        let col_key = column_keys(g, &kept);
        let cols: Vec<(u32, u32)> = col_key
            .values()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let sel = Selection {
            p,
            root,
            weight,
            kept,
            path,
            cols,
            col_key,
        };
        let mut nodes = sel.nodes(ds, g);
        let edges = edges(g, &nodes);
        rows::order(&mut nodes, &edges, sel.cols.len());
        let index: BTreeMap<NodeIx, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| (nd.node, i))
            .collect();
        let column_items = (0..sel.cols.len())
            .map(|c| {
                let items: BTreeSet<&str> = nodes
                    .iter()
                    .filter(|nd| nd.col == c)
                    .map(|nd| nd.item.as_str())
                    .collect();
                items.into_iter().map(|x| item_name(ds, x)).collect()
            })
            .collect();
        Some(Network {
            dataset: report.dataset.clone(),
            product: format!("{}:{}", p.entity, p.item),
            product_label: product_label(p),
            exposure: p.untrusted_exposure,
            actionable,
            path: sel
                .path
                .iter()
                .filter_map(|n| index.get(n).copied())
                .collect(),
            path_finding: finding.map(|f| f.id.to_string()),
            levels: sel.cols.iter().map(|c| c.0).collect(),
            through: sel.cols.iter().map(|c| c.1).collect(),
            column_items,
            hidden: sel.weight.len() - nodes.len(),
            nodes,
            edges,
        })
    }
}

figure!(
    Network,
    "network",
    |net| format!("Supply network of {}", net.product_label),
    (1600, net.height()),
    draw_network
);

impl Network {
    /// As tall as the fullest column needs at the largest spacing (90 pixels a node, under
    /// about 210 pixels of header and column titles), between 400 and 1000 pixels: a small
    /// network centred in the full height left a third of the chart blank below it.
    fn height(&self) -> u32 {
        let mut per_col = vec![0u32; self.levels.len()];
        for nd in &self.nodes {
            if let Some(n) = per_col.get_mut(nd.col) {
                *n += 1;
            }
        }
        let fullest = per_col.into_iter().max().unwrap_or(0);
        (250 + fullest.saturating_mul(90)).clamp(400, 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `keep` as it was before the heap: the heaviest frontier node found by a scan.
    fn keep_by_scan(
        g: &ProductionGraph,
        root: NodeIx,
        weight: &BTreeMap<NodeIx, f64>,
        must: &[NodeIx],
    ) -> BTreeSet<NodeIx> {
        let mut kept = BTreeSet::new();
        let mut frontier = BTreeSet::from([root]);
        let grow = |n: NodeIx, kept: &mut BTreeSet<NodeIx>, frontier: &mut BTreeSet<NodeIx>| {
            frontier.remove(&n);
            kept.insert(n);
            for slot in &g.inputs[n.ix()] {
                for &s in g.suppliers(slot).nodes {
                    if !kept.contains(&s) {
                        frontier.insert(s);
                    }
                }
            }
        };
        for &n in std::iter::once(&root).chain(must) {
            if weight.contains_key(&n) {
                grow(n, &mut kept, &mut frontier);
            }
        }
        while kept.len() < MAX_NODES && !frontier.is_empty() {
            let &n = frontier
                .iter()
                .max_by(|a, b| weight[a].total_cmp(&weight[b]).then(b.cmp(a)))
                .unwrap();
            grow(n, &mut kept, &mut frontier);
        }
        kept
    }

    /// The heap keeps the same nodes as the scan, for every product of both bundled datasets,
    /// with and without nodes that must be drawn; and some of them are truncated.
    #[test]
    fn keep_matches_a_scan_of_the_frontier() {
        let mut truncated = 0;
        for name in ["legacy-semiconductors", "biologic-ingredients"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("datasets")
                .join(name);
            let ds = crate::ingest::load(&dir).unwrap().dataset;
            let g = ProductionGraph::build(&ds);
            for &(_, root) in &g.products {
                let weight = weights(&g, root);
                let upstream: Vec<NodeIx> = weight.keys().copied().collect();
                let must: Vec<NodeIx> = upstream.iter().copied().step_by(7).collect();
                for must in [&[][..], &must[..]] {
                    let heap = keep(&g, root, &weight, must);
                    assert_eq!(
                        heap,
                        keep_by_scan(&g, root, &weight, must),
                        "{name} {root:?}"
                    );
                    truncated += usize::from(heap.len() < upstream.len());
                }
            }
        }
        assert!(
            truncated > 0,
            "no product had more upstream nodes than are drawn"
        );
    }
}
