//! The production graph of DATA-MODEL.md.
//!
//! - A *production node* is a pair (entity e, item x) that e produces: e supplies x in
//!   `supply.csv` (qualified or not) or lists x in `products.csv`.
//! - Each node has a list of *requirements* ([`requirements`]): one per BOM input of x, except
//!   that substitutes (BOM rows of x with one `group`) are one requirement together, and a
//!   distributor's node (D, x) has the one requirement {x}. For each requirement R of (e, x),
//!   every qualified row (s, e, y) with y in R gives an edge (s, y) -> (e, x), weighted by the
//!   share rescaled over the requirement (see [`shares`]).
//! - Every edge goes from an item to an item it is made into, or into a distributor's node of
//!   the same item; the BOM is acyclic and validation refuses cycles of distributors, so the
//!   graph is a DAG. Nodes are ordered by the BOM level of their item, then by how many
//!   distributors the item has passed through, which is a topological order.
//!
//! The petgraph [`DiGraph`] is the model (and what tests check against petgraph's algorithms);
//! the analyses read the same edges from flat arrays ([`ProductionGraph::inputs`]), which are
//! faster to scan.

mod csr;
pub mod parties;
pub mod requirements;
pub mod shares;

pub use csr::Csr;

use crate::model::{Dataset, Entity, EntityIx, ItemIx};
use foldhash::{HashMap, HashMapExt, HashSet};
use parties::Parties;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use requirements::{BuyerRequirements, ReqIx, Requirements};

/// Index of a production node: node `n` of the petgraph model, and entry `n` of every
/// per-node vector (capacities, crit sets, [`ProductionGraph::inputs`], the [`Csr`] arrays).
///
/// Node indices are a topological order (suppliers before buyers), so sorting nodes by index
/// sorts them topologically. `repr(transparent)`: the CSR arrays of `NodeIx` have the layout
/// of arrays of `u32`, so the hot loops that scan them are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct NodeIx(pub u32);

impl NodeIx {
    /// The index as a `usize`, to index per-node vectors.
    #[inline]
    pub fn ix(self) -> usize {
        self.0 as usize
    }

    /// The node of petgraph's index `n` (below `u32::MAX`: the graph is `DiGraph<_, _, u32>`).
    #[inline]
    pub fn of(n: NodeIndex<u32>) -> NodeIx {
        NodeIx(n.index() as u32)
    }

    /// This node's petgraph index.
    #[inline]
    pub fn index(self) -> NodeIndex<u32> {
        NodeIndex::new(self.ix())
    }
}

/// A production node: `entity` makes `item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProdNode {
    pub entity: EntityIx,
    pub item: ItemIx,
}

/// An edge of the production graph: the rescaled share and the supply row it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupplyEdge {
    pub share: f64,
    pub row: u32,
}

/// One requirement of a production node: a BOM input, a group of substitutes, or what a
/// distributor passes on.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSlot {
    /// The requirement; its items are [`ProductionGraph::req_items`].
    pub req: ReqIx,
    /// Some share of this input was empty and filled by the equal-split rule: an estimate,
    /// not a measurement.
    pub estimated: bool,
    /// The mapped fraction of this requirement: 0 when unmapped, below 1 when partial.
    pub coverage: f64,
    /// Its suppliers' entries in [`Csr`] (`sup_node` and `sup_share`), read with
    /// [`ProductionGraph::suppliers`]: the graph holds each list once, not also in a vector
    /// of its own per slot (21 MiB and 300,000 allocations at 1M supply rows).
    entries: [u32; 2],
}

impl InputSlot {
    /// A requirement whose suppliers [`Csr::build`] fills in.
    pub(crate) fn new(req: ReqIx, coverage: f64, estimated: bool) -> InputSlot {
        InputSlot {
            req,
            estimated,
            coverage,
            entries: [0, 0],
        }
    }

    /// Whether any supply row feeds this requirement.
    pub fn is_mapped(&self) -> bool {
        self.entries[0] < self.entries[1]
    }

    /// Its suppliers' entries in [`Csr`]'s `sup_node` and `sup_share`.
    pub fn entries(&self) -> std::ops::Range<usize> {
        self.entries[0] as usize..self.entries[1] as usize
    }
}

/// The suppliers of one requirement: their nodes with their rescaled shares, every qualified
/// row of an item of the requirement, in row order (empty when unmapped).
#[derive(Debug, Clone, Copy)]
pub struct Suppliers<'a> {
    pub nodes: &'a [NodeIx],
    pub shares: &'a [f64],
}

impl<'a> Suppliers<'a> {
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The first supplier (node, share) and the rest; `None` when unmapped.
    pub fn split_first(self) -> Option<((NodeIx, f64), Suppliers<'a>)> {
        let (&n, nodes) = self.nodes.split_first()?;
        let (&w, shares) = self.shares.split_first()?;
        Some(((n, w), Suppliers { nodes, shares }))
    }

    /// Each supplier's node with its share.
    pub fn iter(self) -> <Self as IntoIterator>::IntoIter {
        self.into_iter()
    }
}

impl<'a> IntoIterator for Suppliers<'a> {
    type Item = (NodeIx, f64);
    type IntoIter = std::iter::Zip<
        std::iter::Copied<std::slice::Iter<'a, NodeIx>>,
        std::iter::Copied<std::slice::Iter<'a, f64>>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.nodes.iter().copied().zip(self.shares.iter().copied())
    }
}

#[derive(Debug, Clone)]
pub struct ProductionGraph {
    /// The petgraph model; node `i` here is node `i` everywhere else.
    pub graph: DiGraph<ProdNode, SupplyEdge, u32>,
    pub node_of: HashMap<(EntityIx, ItemIx), NodeIx>,
    /// Node indices in topological order (suppliers before buyers).
    pub topo: Vec<NodeIx>,
    /// For each node, its requirements in the order of `ds.bom` (by input id once loaded; a
    /// group of substitutes at its first input).
    pub inputs: Vec<Vec<InputSlot>>,
    /// The BOM level of each item: 0 for raw materials, 1 + the deepest input otherwise.
    pub item_level: Vec<u32>,
    /// End products: indices into `ds.products`, with their node.
    pub products: Vec<(usize, NodeIx)>,
    pub parties: Parties,
    /// The same edges as flat arrays, for the hot loops (see [`Csr`]).
    pub csr: Csr,
    /// The requirements of every item.
    pub reqs: Requirements,
    /// Which requirement each buyer's rows of an item count toward.
    pub buyer_reqs: BuyerRequirements,
    /// The qualified supply rows grouped by (buyer, requirement)
    /// ([`shares::requirement_groups`]): the graph's weights come from them, and the
    /// concentration analysis reads them again.
    pub supply_groups: shares::Grouped<(EntityIx, ReqIx)>,
    /// For each entity, whether it is a distributor (its nodes pass items on).
    pub distributor: Vec<bool>,
    /// Whether any node is a distributor's.
    pub has_pass_throughs: bool,
    /// Supplier profiles standing in for sub-tiers ([`crate::profile::compose`]).
    pub stand_ins: Vec<crate::profile::compose::ProfileUse>,
}

/// Requirements (slots) with more suppliers than this are added up by the capacity engine as
/// their shares' total less their loss ([`crate::analysis::engine::slot_supply`]).
pub const MANY_SUPPLIERS: usize = 32;

impl ProductionGraph {
    /// Builds the graph from a validated dataset.
    ///
    /// O(S log S + B log B + N) for S supply rows, B BOM rows and N nodes.
    ///
    /// ```
    /// use tierscope_core::{graph::ProductionGraph, ingest};
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    /// let ds = ingest::load(&dir)?.dataset;
    /// let g = ProductionGraph::build(&ds);
    /// // (Taiwan fab, die) is a production node, fed by its wafer and resist suppliers.
    /// let fab = g.node_of[&(ds.entity_ix["fab-tw"], ds.item_ix["die"])];
    /// assert_eq!(g.graph.neighbors_directed(fab.index(), petgraph::Incoming).count(), 3);
    /// # Ok::<(), tierscope_core::Error>(())
    /// ```
    pub fn build(ds: &Dataset) -> ProductionGraph {
        // Who owns and who is restricted depends on the dataset alone (normalising every
        // entity's name, 0.15 s at 1M supply rows): worked out beside the graph, which is
        // built on one core.
        let (parties, graph) = rayon::join(|| Parties::compute(ds), || Self::build_graph(ds));
        ProductionGraph { parties, ..graph }
    }

    /// Everything of [`ProductionGraph::build`] but the parties (left empty).
    fn build_graph(ds: &Dataset) -> ProductionGraph {
        let item_level = item_levels(ds);
        let distributor: Vec<bool> = ds.entities.iter().map(Entity::is_distributor).collect();
        let pairs = node_pairs(ds, &item_level, &distributor);
        // Edges are reserved once their number is known (a buyer's rows feed each of its
        // nodes that needs the item, so there can be more edges than rows).
        let mut graph = DiGraph::with_capacity(pairs.len(), 0);
        let mut node_of = HashMap::with_capacity_and_hasher(pairs.len(), Default::default());
        for &(e, x) in &pairs {
            let n = graph.add_node(ProdNode { entity: e, item: x });
            node_of.insert((e, x), NodeIx::of(n));
        }
        let topo: Vec<NodeIx> = (0..pairs.len() as u32).map(NodeIx).collect();

        let reqs = Requirements::new(ds);
        let (buyer_reqs, _) = BuyerRequirements::new(ds, &reqs, pairs.iter().copied());
        let supply_groups = shares::requirement_groups(ds, &buyer_reqs);
        let alloc = allocations(ds, &supply_groups, &node_of);
        let has_pass_throughs = pairs.iter().any(|(e, _)| distributor[e.ix()]);
        // The slots on every core; the edges into them added in node order.
        let mut inputs: Vec<Vec<InputSlot>> = pairs
            .par_iter()
            .map(|&(e, x)| {
                let pass_on = [ReqIx::single(x)];
                input_slots(e, needs(&reqs, &distributor, e, x, &pass_on), &alloc)
            })
            .collect();
        // The flat arrays and the petgraph model's edges (one at a time, each a write at two
        // random nodes: seconds at 10M supply rows) are built at the same time.
        let (csr, ()) = rayon::join(
            || {
                Csr::arrays(&pairs, &inputs, |n, _, r| {
                    let sups = alloc.get(&(pairs[n].0, r));
                    sups.into_iter()
                        .flat_map(|a| a.1.iter().map(|&(s, w, _)| (s, w)))
                })
            },
            || {
                let alloc = &alloc;
                let edges: usize = (pairs.iter().zip(&inputs))
                    .flat_map(|(&(e, _), slots)| {
                        slots.iter().filter_map(move |s| alloc.get(&(e, s.req)))
                    })
                    .map(|a| a.1.len())
                    .sum();
                graph.reserve_exact_edges(edges);
                for (n, (&(e, _), slots)) in pairs.iter().zip(&inputs).enumerate() {
                    add_supply_edges(&mut graph, n, e, slots, alloc);
                }
            },
        );
        csr.set_entries(&mut inputs);
        let products = ds
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (i, node_of[&(p.entity, p.item)]))
            .collect();
        ProductionGraph {
            graph,
            node_of,
            topo,
            inputs,
            item_level,
            products,
            parties: Parties::default(),
            csr,
            reqs,
            buyer_reqs,
            supply_groups,
            distributor,
            has_pass_throughs,
            stand_ins: Vec::new(),
        }
    }

    /// The items of a requirement: one for a plain input, several for substitutes.
    pub fn req_items(&self, r: ReqIx) -> &[ItemIx] {
        self.reqs.items(r)
    }

    /// The suppliers of one of the graph's requirements (a slot of [`Self::inputs`]).
    #[inline]
    pub fn suppliers(&self, slot: &InputSlot) -> Suppliers<'_> {
        let at = slot.entries();
        Suppliers {
            nodes: &self.csr.sup_node[at.clone()],
            shares: &self.csr.sup_share[at],
        }
    }

    /// Whether node `n` is a distributor's (a pass-through).
    pub fn is_pass_through(&self, n: NodeIx) -> bool {
        self.has_pass_throughs && self.distributor[self.csr.entity[n.ix()].ix()]
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn node(&self, n: NodeIx) -> ProdNode {
        self.graph[n.index()]
    }
}

/// The production nodes (entity, item), in topological order: by item level, then entity,
/// then item; a distributor's node after its suppliers' nodes of the same item.
fn node_pairs(ds: &Dataset, item_level: &[u32], distributor: &[bool]) -> Vec<(EntityIx, ItemIx)> {
    let mut pairs: Vec<(EntityIx, ItemIx)> = ds
        .supply
        .iter()
        .map(|r| (r.supplier, r.item))
        .chain(ds.products.iter().map(|p| (p.entity, p.item)))
        .collect();
    let stand_in = crate::profile::compose::stand_in_item(ds); // Profiles' stand-ins first.
    // Equal keys are equal pairs, so an unstable sort gives the one order.
    pairs.par_sort_unstable_by_key(|&(e, x)| (item_level[x.ix()], Some(x) != stand_in, e, x));
    pairs.dedup();
    if distributor.iter().any(|&d| d) {
        // A distributor's node comes after its suppliers' nodes of the same item.
        let depth = pass_through_depths(ds, &pairs, distributor);
        pairs.par_sort_unstable_by_key(|&(e, x)| {
            let d = depth.get(&(e, x)).copied().unwrap_or(0);
            (item_level[x.ix()], d, Some(x) != stand_in, e, x)
        });
    }
    pairs
}

/// Allocations per (buyer, requirement): coverage, (supplier node, weight, row), estimated.
fn allocations(
    ds: &Dataset,
    groups: &shares::Grouped<(EntityIx, ReqIx)>,
    node_of: &HashMap<(EntityIx, ItemIx), NodeIx>,
) -> HashMap<(EntityIx, ReqIx), Allocated> {
    // The groups are independent: allocated on every core, gathered in group order.
    let allocated: Vec<((EntityIx, ReqIx), Allocated)> = (0..groups.len())
        .into_par_iter()
        .filter_map(|k| {
            let ((buyer, req), rows) = groups.get(k);
            let given = shares::given(ds, rows);
            // An error is a validation error; the dataset would not have loaded.
            let a = shares::allocate(&given).ok()?;
            let suppliers = rows
                .iter()
                .zip(&a.weights)
                .map(|(&i, &w)| {
                    let r = &ds.supply[i as usize];
                    (node_of[&(r.supplier, r.item)], w, i)
                })
                .collect();
            let estimated = given.iter().any(Option::is_none);
            Some(((buyer, req), (a.coverage, suppliers, estimated)))
        })
        .collect();
    allocated.into_iter().collect()
}

/// The requirements of entity `e`'s node of item `x`: its item's, or for a distributor's
/// node only `pass_on`, the item itself (it passes it on).
fn needs<'a>(
    reqs: &'a Requirements,
    distributor: &[bool],
    e: EntityIx,
    x: ItemIx,
    pass_on: &'a [ReqIx; 1],
) -> &'a [ReqIx] {
    if distributor[e.ix()] {
        pass_on
    } else {
        reqs.of_item(x)
    }
}

/// The input slots of a node of entity `e`, one per requirement it `needs`.
fn input_slots(
    e: EntityIx,
    needs: &[ReqIx],
    alloc: &HashMap<(EntityIx, ReqIx), Allocated>,
) -> Vec<InputSlot> {
    needs
        .iter()
        .map(|&r| match alloc.get(&(e, r)) {
            Some(&(coverage, _, estimated)) => InputSlot::new(r, coverage, estimated),
            None => InputSlot::new(r, 0.0, false),
        })
        .collect()
}

/// Adds to `graph` the supply edges into node `n` (of entity `e`), slot by slot, each
/// requirement's suppliers in row order.
fn add_supply_edges(
    graph: &mut DiGraph<ProdNode, SupplyEdge>,
    n: usize,
    e: EntityIx,
    slots: &[InputSlot],
    alloc: &HashMap<(EntityIx, ReqIx), Allocated>,
) {
    // A slot is mapped when its list of suppliers is not empty: the others add nothing.
    for sups in slots
        .iter()
        .filter_map(|s| alloc.get(&(e, s.req)))
        .map(|a| &a.1)
    {
        for &(s, share, row) in sups {
            graph.add_edge(s.index(), NodeIndex::new(n), SupplyEdge { share, row });
        }
    }
}

/// The coverage of one (buyer, requirement), its suppliers (node, rescaled share, supply row),
/// and whether a share was filled by the equal-split rule.
type Allocated = (f64, Vec<(NodeIx, f64, u32)>, bool);

/// For each distributor's node, how many distributors deep it is: 1 when it buys from makers
/// only, else 1 + the deepest of its distributor suppliers' nodes of the same item, by Kahn's
/// algorithm over the distributors' nodes and the qualified rows between them. Other nodes are
/// at depth 0: they need items of lower BOM levels only. Nodes on a cycle (a validation error)
/// stay at depth 1.
fn pass_through_depths(
    ds: &Dataset,
    pairs: &[(EntityIx, ItemIx)],
    distributor: &[bool],
) -> HashMap<(EntityIx, ItemIx), u32> {
    let nodes: HashSet<(EntityIx, ItemIx)> = pairs
        .iter()
        .copied()
        .filter(|(e, _)| distributor[e.ix()])
        .collect();
    // Edges (supplier's node -> buyer's node) between distributors' nodes of one item.
    let mut buyers: HashMap<(EntityIx, ItemIx), Vec<(EntityIx, ItemIx)>> = HashMap::new();
    let mut pending: HashMap<(EntityIx, ItemIx), u32> = HashMap::new();
    for r in ds.supply.iter().filter(|r| r.qualified) {
        let (from, to) = ((r.supplier, r.item), (r.buyer, r.item));
        if nodes.contains(&from) && nodes.contains(&to) {
            buyers.entry(from).or_default().push(to);
            *pending.entry(to).or_default() += 1;
        }
    }
    let mut depth: HashMap<(EntityIx, ItemIx), u32> = nodes.iter().map(|&n| (n, 1)).collect();
    let mut ready: Vec<(EntityIx, ItemIx)> = nodes
        .iter()
        .copied()
        .filter(|n| !pending.contains_key(n))
        .collect();
    while let Some(n) = ready.pop() {
        let d = depth[&n];
        for &m in buyers.get(&n).map_or(&[][..], Vec::as_slice) {
            let dm = depth
                .get_mut(&m)
                .expect("every distributor node has a depth");
            *dm = (*dm).max(d + 1);
            let p = pending
                .get_mut(&m)
                .expect("a buyer node has pending suppliers");
            *p -= 1;
            if *p == 0 {
                ready.push(m);
            }
        }
    }
    depth
}

/// The BOM level of every item, by Kahn's algorithm (no recursion): raw materials are 0.
/// Items on a cycle (a validation error) keep level 0.
pub fn item_levels(ds: &Dataset) -> Vec<u32> {
    let n = ds.items.len();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pending = vec![0u32; n];
    for row in &ds.bom {
        users[row.input.ix()].push(row.item.ix());
        pending[row.item.ix()] += 1;
    }
    let mut level = vec![0u32; n];
    let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    while let Some(i) = ready.pop() {
        for &u in &users[i] {
            level[u] = level[u].max(level[i] + 1);
            pending[u] -= 1;
            if pending[u] == 0 {
                ready.push(u);
            }
        }
    }
    level
}
