//! What adding one supplier changes, computed over the part of the graph it can change.
//!
//! Qualifying an alternate (or adding a new vendor's supply) changes one input of one buyer:
//! the suppliers and shares of the buyer's (item) input, in every production node of the
//! buyer that needs the item (the nodes *B*). Nothing upstream of B changes, and nothing
//! that is not downstream of B: only the cone *C* of B, and the end products in it (*P*),
//! can have other findings. For each product in P the [`Ranker`] recomputes exactly what
//! [`super::impact::Snapshot`] keeps from a full analysis, and nothing else:
//!
//! - **Untrusted exposure**: the capacities with every untrusted entity failed are kept from
//!   one full pass over the unchanged graph; only C is evaluated again (with the new
//!   suppliers at B). A product whose own entity is untrusted is left out of its own failure
//!   set, as the analysis does: the cone of that entity is evaluated too.
//! - **Single points of failure and capacity at risk**, at every level: a group's failure
//!   reaches P through B only if it lowers the capacity of one of B's suppliers for the input
//!   (old or new), that is, if it holds an entity upstream of them (or the new vendor). Only
//!   those *relevant* groups are evaluated; every other group leaves every capacity of C as
//!   it was, so its findings stand. For a level of few groups (country, untrusted) the
//!   capacities under each group are kept from one full pass per group and only C is
//!   evaluated; for the others (entity, owner) the group's cone is evaluated, cut to the nodes
//!   upstream of P. A group is a single point of failure of a product when the product's
//!   capacity under it is 0, which is what the one-pass crit sets compute.
//!
//! Every capacity is computed by the engine's own formula ([`node_capacity`],
//! [`slot_supply`]) from the same inputs in topological order, so it is bit for bit the value
//! a full analysis of the changed dataset gives; the property test
//! `tests/screen_rank.rs` checks the whole impact against that full rerun on random datasets.
//!
//! **Complexity.** Per addition: O(|C| + |anc(P)|) to find C and the nodes upstream of P,
//! plus O(|C|) per relevant group of a dense level and O(|cone(g) ∩ anc(P)|) per relevant
//! group of the others. The setup is one analysis, one engine pass and one pass per group of
//! the dense levels. Additions are independent and run in parallel.
//!
//! This file holds the setup and the walk of one addition (its cone, the nodes upstream of
//! P, the changed input); `rank/evaluate.rs` holds the capacities and findings after it.

use super::impact::{self, Impact, ProductState, ShareChange, Snapshot};
use crate::analysis::engine::{Engine, node_capacity, slot_supply};
use crate::analysis::findings::ProductRef;
use crate::analysis::groups::{Groups, Level};
use crate::analysis::{EPS, Settings, round};
use crate::graph::shares::allocate;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, EntityIx, ItemIx};

mod evaluate;

/// Levels with at most this many groups keep every group's capacities (one f64 per node and
/// group): the country level has tens of groups and cones that span much of the graph, so
/// evaluating only the changed cone against kept capacities is what makes it cheap.
const DENSE_MAX_GROUPS: usize = 64;

/// The supplier being added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supplier {
    /// An entity that already has a production node of the item (an unqualified
    /// alternate): the node.
    Node(EntityIx, NodeIx),
    /// An entity with no production node of the item (a new vendor): its inputs are unknown,
    /// so its capacity is 0 when a failure holds it and 1 otherwise.
    New(EntityIx),
}

impl Supplier {
    pub fn entity(self) -> EntityIx {
        match self {
            Supplier::Node(e, _) | Supplier::New(e) => e,
        }
    }
}

/// A supply to add: `supplier` delivers `item` to `buyer`, taking `share` of it (see
/// [`impact::plan_shares`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Addition {
    pub supplier: Supplier,
    pub buyer: EntityIx,
    pub item: ItemIx,
    pub share: Option<f64>,
}

/// What an addition changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub shares: ShareChange,
    pub impact: Impact,
}

struct LevelBase {
    level: Level,
    groups: Groups,
    /// For a level of few groups: the capacity of every node under each group.
    dense: Option<Vec<Vec<f64>>>,
}

/// The unchanged dataset's facts that additions are measured against.
pub struct Ranker<'a> {
    ds: &'a Dataset,
    g: &'a ProductionGraph,
    settings: &'a Settings,
    /// Per end product (index of `g.products`): its reference and its state before.
    products: Vec<(ProductRef, ProductState)>,
    mean_revenue: Option<f64>,
    /// Node -> index in `g.products`, `u32::MAX` for none.
    product_at: Vec<u32>,
    levels: Vec<LevelBase>,
    /// Capacities with every untrusted entity failed.
    untrusted: Vec<f64>,
    nodes_of: Vec<Vec<NodeIx>>,
}

/// Per-thread working space: marks by stamp, so that nothing is cleared between additions.
pub struct Scratch {
    stamp: u32,
    cone: Vec<u32>,
    anc: Vec<u32>,
    up: Vec<u32>,
    region: Vec<u32>,
    entity_seen: Vec<u32>,
    group_seen: Vec<u32>,
    value: Vec<f64>,
    queue: Vec<NodeIx>,
}

impl Scratch {
    fn next(&mut self) -> u32 {
        self.stamp += 1;
        self.stamp
    }
}

/// The changed input of an addition: the nodes B with the slot that changes, and the slot's
/// new suppliers (`None`: the new vendor, which has no node) with their rescaled shares.
struct Change {
    b: Vec<(NodeIx, usize)>,
    suppliers: Vec<(Option<NodeIx>, f64)>,
    new_entity: Option<EntityIx>,
}

impl Change {
    fn slot_at(&self, n: NodeIx) -> Option<usize> {
        self.b.iter().find(|(m, _)| *m == n).map(|&(_, i)| i)
    }
}

impl<'a> Ranker<'a> {
    /// Analyses `ds` once (its trust policy applied) and keeps what additions are measured
    /// against.
    pub fn new(
        ds: &'a Dataset,
        g: &'a ProductionGraph,
        settings: &'a Settings,
    ) -> Result<Ranker<'a>, String> {
        let before = Snapshot::of_graph(ds, g, settings)?;
        let mean_revenue = impact::mean_revenue(&before);
        let mut by_ref = before.products;
        let products: Vec<(ProductRef, ProductState)> = g
            .products
            .iter()
            .map(|&(p, _)| {
                let prod = &ds.products[p];
                let r = ProductRef {
                    entity: ds.entity(prod.entity).id.as_str().into(),
                    item: ds.item(prod.item).id.as_str().into(),
                };
                let state = by_ref
                    .remove(&r)
                    .expect("every end product is in the analysis");
                (r, state)
            })
            .collect();
        let mut product_at = vec![u32::MAX; g.node_count()];
        for (k, &(_, node)) in g.products.iter().enumerate() {
            product_at[node.ix()] = k as u32;
        }
        let engine = Engine::new(g, ds.entities.len());
        let untrusted = engine.full(|e| g.parties.untrusted[e.ix()]);
        let levels = Level::ALL
            .iter()
            .filter(|l| settings.levels.contains(l))
            .map(|&level| {
                let groups = Groups::new(level, ds, g);
                let dense = (groups.len() <= DENSE_MAX_GROUPS).then(|| {
                    (0..groups.len() as u32)
                        .map(|grp| engine.full(|e| groups.of(e) == Some(grp)))
                        .collect()
                });
                LevelBase {
                    level,
                    groups,
                    dense,
                }
            })
            .collect();
        Ok(Ranker {
            ds,
            g,
            settings,
            products,
            mean_revenue,
            product_at,
            levels,
            untrusted,
            nodes_of: crate::analysis::engine::nodes_of_entities(g, ds.entities.len()),
        })
    }

    /// Working space for one thread.
    pub fn scratch(&self) -> Scratch {
        let n = self.g.node_count();
        Scratch {
            stamp: 0,
            cone: vec![0; n],
            anc: vec![0; n],
            up: vec![0; n],
            region: vec![0; n],
            entity_seen: vec![0; self.ds.entities.len()],
            group_seen: vec![
                0;
                self.levels
                    .iter()
                    .map(|l| l.groups.len())
                    .max()
                    .unwrap_or(0)
            ],
            value: vec![1.0; n],
            queue: Vec::new(),
        }
    }

    /// What `add` changes, exactly as a full analysis of the changed dataset would say.
    pub fn assess(&self, add: &Addition, sc: &mut Scratch) -> Outcome {
        let (change, shares) = self.change(add);
        let empty = Outcome {
            shares: shares.clone(),
            impact: Impact {
                products: Vec::new(),
                delta: Default::default(),
            },
        };
        if change.b.is_empty() {
            return empty;
        }
        // The cone is evaluated in the kept topological order (node index order). A maker's
        // node always comes before its buyers' (lower BOM level), but distributors of one item
        // are ordered by depth, and a new row from a deeper distributor to a shallower one
        // would be read before it is computed: such an addition is measured by a full rerun.
        let misordered = change
            .suppliers
            .iter()
            .any(|&(m, _)| m.is_some_and(|m| change.b.iter().any(|&(n, _)| m >= n)));
        if misordered {
            return self.rerun(add).unwrap_or(empty);
        }
        // The cone C of B, in topological order, and its end products P.
        let (cone, cone_stamp) = self.cone(&change, sc);
        let prods: Vec<u32> = cone
            .iter()
            .map(|&n| self.product_at[n.ix()])
            .filter(|&p| p != u32::MAX)
            .collect();
        if prods.is_empty() {
            sc.queue = cone;
            return empty;
        }
        let anc_stamp = self.mark_ancestors(&prods, &change, sc);
        let upstream_entities = self.upstream_entities(&change, sc);
        let mut after: Vec<ProductState> = prods
            .iter()
            .map(|&p| self.products[p as usize].1.clone())
            .collect();
        self.exposure(
            &change, &cone, &prods, &mut after, sc, cone_stamp, anc_stamp,
        );
        for lb in &self.levels {
            self.level(
                lb,
                add,
                &change,
                &cone,
                &prods,
                &upstream_entities,
                &mut after,
                sc,
                (cone_stamp, anc_stamp),
            );
        }
        sc.queue = cone;
        let mut order: Vec<usize> = (0..prods.len()).collect();
        order.sort_by(|&x, &y| {
            self.products[prods[x] as usize]
                .0
                .cmp(&self.products[prods[y] as usize].0)
        });
        let pairs = order.iter().map(|&x| {
            let (r, before) = &self.products[prods[x] as usize];
            (r, before, &after[x])
        });
        Outcome {
            shares,
            impact: impact::compare_products(pairs, self.mean_revenue),
        }
    }

    /// The cone of the changed inputs' nodes, in topological order, marked in `sc.cone`
    /// with the stamp returned.
    fn cone(&self, change: &Change, sc: &mut Scratch) -> (Vec<NodeIx>, u32) {
        let csr = &self.g.csr;
        let cone_stamp = sc.next();
        sc.queue.clear();
        for &(n, _) in &change.b {
            if sc.cone[n.ix()] != cone_stamp {
                sc.cone[n.ix()] = cone_stamp;
                sc.queue.push(n);
            }
        }
        let mut k = 0;
        while k < sc.queue.len() {
            let n = sc.queue[k];
            k += 1;
            for &m in csr.buyers(n) {
                if sc.cone[m.ix()] != cone_stamp {
                    sc.cone[m.ix()] = cone_stamp;
                    sc.queue.push(m);
                }
            }
        }
        let mut cone = std::mem::take(&mut sc.queue);
        cone.sort_unstable();
        (cone, cone_stamp)
    }

    /// Marks everything upstream of the products `prods` in the changed graph (the new
    /// supplier feeds B) in `sc.anc`; returns the stamp.
    fn mark_ancestors(&self, prods: &[u32], change: &Change, sc: &mut Scratch) -> u32 {
        let anc_stamp = sc.next();
        let mut stack: Vec<NodeIx> = prods
            .iter()
            .map(|&p| self.g.products[p as usize].1)
            .collect();
        for &n in &stack {
            sc.anc[n.ix()] = anc_stamp;
        }
        while let Some(n) = stack.pop() {
            let feeds = self.feeders(n, change);
            for m in feeds {
                if sc.anc[m.ix()] != anc_stamp {
                    sc.anc[m.ix()] = anc_stamp;
                    stack.push(m);
                }
            }
        }
        anc_stamp
    }

    /// The entities upstream of the input's suppliers, old and new.
    fn upstream_entities(&self, change: &Change, sc: &mut Scratch) -> Vec<EntityIx> {
        let csr = &self.g.csr;
        let up_stamp = sc.next();
        let mut stack: Vec<NodeIx> = Vec::new();
        let (_, i0) = change.b[0];
        for j in csr.suppliers(i0) {
            stack.push(csr.sup_node[j]);
        }
        stack.extend(change.suppliers.iter().filter_map(|&(m, _)| m));
        for &n in &stack {
            sc.up[n.ix()] = up_stamp;
        }
        let mut upstream_entities: Vec<EntityIx> = change.new_entity.into_iter().collect();
        let ent_stamp = sc.next();
        while let Some(n) = stack.pop() {
            let e = csr.entity[n.ix()];
            if sc.entity_seen[e.ix()] != ent_stamp {
                sc.entity_seen[e.ix()] = ent_stamp;
                upstream_entities.push(e);
            }
            for i in csr.slots(n) {
                for j in csr.suppliers(i) {
                    let m = csr.sup_node[j];
                    if sc.up[m.ix()] != up_stamp {
                        sc.up[m.ix()] = up_stamp;
                        stack.push(m);
                    }
                }
            }
        }
        upstream_entities
    }

    /// What `add` changes, by a full analysis of the dataset with the row added, against the
    /// states kept in [`Ranker::new`]. `None` only if the analysis fails, which the same
    /// settings did not there.
    fn rerun(&self, add: &Addition) -> Option<Outcome> {
        let mut ds = self.ds.clone();
        let shares = impact::add_supply(
            &mut ds,
            add.supplier.entity(),
            add.buyer,
            add.item,
            add.share,
        );
        let after = Snapshot::of(&ds, self.settings).ok()?;
        // In product order, as `impact::compare` gives them.
        let mut pairs: Vec<_> = self
            .products
            .iter()
            .filter_map(|(r, before)| after.products.get(r).map(|a| (r, before, a)))
            .collect();
        pairs.sort_by(|x, y| x.0.cmp(y.0));
        Some(Outcome {
            shares,
            impact: impact::compare_products(pairs.into_iter(), self.mean_revenue),
        })
    }

    /// The suppliers' nodes of `n` in the changed graph.
    fn feeders(&self, n: NodeIx, change: &Change) -> Vec<NodeIx> {
        let csr = &self.g.csr;
        let over = change.slot_at(n);
        let mut out = Vec::new();
        for i in csr.slots(n) {
            if Some(i) == over {
                out.extend(change.suppliers.iter().filter_map(|&(m, _)| m));
            } else {
                out.extend(csr.suppliers(i).map(|j| csr.sup_node[j]));
            }
        }
        out
    }

    /// The new shares and the changed input.
    fn change(&self, add: &Addition) -> (Change, ShareChange) {
        let (ds, g, csr) = (self.ds, self.g, &self.g.csr);
        let s = add.supplier.entity();
        // The new row joins the requirement of the item at the buyer: with substitutes, the
        // shares are planned among the rows of every item of it.
        let req = g.buyer_reqs.of(add.buyer, add.item);
        // The requirement's qualified rows, in row order.
        let rows: Vec<usize> = g
            .supply_groups
            .rows_of((add.buyer, req))
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| (ds.supply[i].supplier, ds.supply[i].item) != (s, add.item))
            .collect();
        let given: Vec<Option<f64>> = rows.iter().map(|&i| ds.supply[i].share.get()).collect();
        let ids: Vec<&str> = rows
            .iter()
            .map(|&i| ds.entity(ds.supply[i].supplier).id.as_str())
            .collect();
        let plan = impact::plan_shares(&given, &ids, add.share);
        let mut nodes: Vec<Option<NodeIx>> = Vec::new();
        let mut after: Vec<Option<f64>> = Vec::new();
        for (&i, new) in rows.iter().zip(&plan.existing) {
            if let Some(v) = new {
                let r = &ds.supply[i];
                nodes.push(Some(g.node_of[&(r.supplier, r.item)]));
                after.push(Some(*v));
            }
        }
        nodes.push(match add.supplier {
            Supplier::Node(_, n) => Some(n),
            Supplier::New(_) => None,
        });
        after.push(Some(plan.share));
        let weights = allocate(&after)
            .map(|a| a.weights)
            .unwrap_or_else(|_| vec![0.0; after.len()]);
        let b = self.nodes_of[add.buyer.ix()]
            .iter()
            .filter_map(|&n| {
                g.inputs[n.ix()]
                    .iter()
                    .position(|slot| slot.req == req)
                    .map(|k| (n, csr.slot_start[n.ix()] as usize + k))
            })
            .collect();
        let change = Change {
            b,
            suppliers: nodes.into_iter().zip(weights).collect(),
            new_entity: match add.supplier {
                Supplier::New(e) => Some(e),
                Supplier::Node(..) => None,
            },
        };
        (change, plan.change)
    }
}
