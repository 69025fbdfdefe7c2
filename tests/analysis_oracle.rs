//! The one-pass analyses against brute force on random datasets.
//!
//! - Crit sets (single points of failure) at every level equal "fail each group, rerun the
//!   engine over the whole graph, see which nodes reach 0".
//! - The cone engine equals the full engine for every group.
//! - Where every BOM has one input and every entity makes one item, entity-level crit sets are
//!   the dominators of the production DAG from a virtual root over the sources (petgraph).
//! - Monotonicity: more failures never raise a capacity; a new qualified supplier never adds a
//!   single point of failure and never turns an available node unavailable.

mod common;

use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;
use std::collections::BTreeSet;
use tierscope::analysis::crit::crit_sets;
use tierscope::analysis::engine::Engine;
use tierscope::analysis::groups::{Groups, Level};
use tierscope::graph::{NodeIx, ProductionGraph};
use tierscope::model::{Dataset, EntityIx, SupplyRow};

/// The oracle: for every group, fail it, run the full engine, and collect the nodes at 0.
fn brute_force_crit(ds: &Dataset, g: &ProductionGraph, groups: &Groups) -> Vec<BTreeSet<u32>> {
    let engine = Engine::new(g, ds.entities.len());
    let mut crit = vec![BTreeSet::new(); g.node_count()];
    for grp in 0..groups.len() as u32 {
        let cap = engine.full(|e| groups.of(e) == Some(grp));
        for (n, c) in cap.iter().enumerate() {
            if *c == 0.0 {
                crit[n].insert(grp);
            }
        }
    }
    crit
}

fn check_dataset(ds: &Dataset) {
    let g = ProductionGraph::build(ds);
    let mut engine = Engine::new(&g, ds.entities.len());
    for level in Level::ALL {
        let groups = Groups::new(level, ds, &g);
        let fast = crit_sets(&g, &groups);
        let slow = brute_force_crit(ds, &g, &groups);
        for n in 0..g.node_count() {
            let fast_set: BTreeSet<u32> = fast[n].iter().copied().collect();
            assert_eq!(
                fast_set,
                slow[n],
                "level {level:?}, node {:?}",
                g.node(NodeIx(n as u32))
            );
        }
        // The cone engine agrees with the full engine, to the bit.
        for grp in 0..groups.len() as u32 {
            let members = groups.members[grp as usize].clone();
            let full = engine.full(|e| groups.of(e) == Some(grp));
            let cone = engine.cone(&members).to_vec();
            assert_eq!(full, cone, "level {level:?}, group {grp}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn crit_sets_equal_brute_force(seed in any::<u64>(), size in 0usize..10) {
        let ds = common::load(&common::random_dataset(seed, common::Shape::small(size)));
        check_dataset(&ds);
    }

    #[test]
    fn more_failures_never_raise_capacity(seed in any::<u64>(), size in 0usize..10, pick in any::<u64>()) {
        let ds = common::load(&common::random_dataset(seed, common::Shape::small(size)));
        let g = ProductionGraph::build(&ds);
        let engine = Engine::new(&g, ds.entities.len());
        let n = ds.entities.len() as u64;
        let small = |e: EntityIx| (pick >> (e.0 as u64 % 64)) & 1 == 1 && (e.0 as u64) < n;
        let big = |e: EntityIx| small(e) || (pick.rotate_left(17) >> (e.0 as u64 % 64)) & 1 == 1;
        let a = engine.full(small);
        let b = engine.full(big);
        for (x, y) in a.iter().zip(&b) {
            prop_assert!(y <= &(x + 1e-12), "capacity rose from {x} to {y}");
        }
    }

    #[test]
    fn new_supplier_never_adds_a_spof(seed in any::<u64>(), size in 0usize..10, pick in any::<u64>()) {
        let ds = common::load(&common::random_dataset(seed, common::Shape::small(size)));
        let g = ProductionGraph::build(&ds);
        // Pick a mapped (buyer, input) and a new supplier for it.
        let mapped: Vec<usize> = (0..ds.supply.len()).filter(|&i| ds.supply[i].qualified).collect();
        prop_assume!(!mapped.is_empty());
        let row = ds.supply[mapped[(pick % mapped.len() as u64) as usize]].clone();
        let new_supplier = EntityIx(((pick >> 20) % ds.entities.len() as u64) as u32);
        prop_assume!(!ds.supply.iter().any(|r| r.qualified && r.buyer == row.buyer && r.item == row.item && r.supplier == new_supplier));
        let mut after = ds.clone();
        // Crit sets depend only on who supplies whom, not on the shares: blank the group's
        // shares so the added row keeps the dataset valid.
        after.supply.retain(|r| !(r.buyer == row.buyer && r.item == row.item && r.supplier == new_supplier));
        for r in after.supply.iter_mut().filter(|r| r.buyer == row.buyer && r.item == row.item) {
            r.share = None;
        }
        after.supply.push(SupplyRow { supplier: new_supplier, share: None, qualified: true, line: 0, ..row });
        let g2 = ProductionGraph::build(&after);
        let engine = Engine::new(&g, ds.entities.len());
        let engine2 = Engine::new(&g2, ds.entities.len());
        for level in Level::ALL {
            let groups = Groups::new(level, &ds, &g);
            let groups2 = Groups::new(level, &after, &g2);
            let before = crit_sets(&g, &groups);
            let now = crit_sets(&g2, &groups2);
            for n in (0..g.node_count() as u32).map(NodeIx) {
                let node = g.node(n);
                let m = g2.node_of[&(node.entity, node.item)];
                for grp in now[m.ix()].iter() {
                    prop_assert!(before[n.ix()].contains(grp), "level {level:?}: new spof {grp} at {node:?}");
                }
            }
        }
        // Never turns an available node unavailable, under any failure set.
        let failed = |e: EntityIx| (pick.rotate_left(7) >> (e.0 % 64)) & 1 == 1;
        let a = engine.full(failed);
        let b = engine2.full(failed);
        for n in (0..g.node_count() as u32).map(NodeIx) {
            let node = g.node(n);
            let m = g2.node_of[&(node.entity, node.item)];
            if a[n.ix()] > 0.0 {
                prop_assert!(b[m.ix()] > 0.0, "{node:?} became unavailable");
            }
        }
    }

    #[test]
    fn entity_spofs_are_dominators_on_single_input_chains(seed in any::<u64>(), size in 0usize..12) {
        let shape = common::Shape { single_input_single_item: true, ..common::Shape::small(size) };
        let ds = common::load(&common::random_dataset(seed, shape));
        let g = ProductionGraph::build(&ds);
        let groups = Groups::new(Level::Entity, &ds, &g);
        let crit = crit_sets(&g, &groups);
        for (&(_, p), doms) in g.products.iter().zip(dominators(&g, &ds)) {
            let from_crit: BTreeSet<EntityIx> = crit[p.ix()].iter().map(|&e| EntityIx(e)).collect();
            prop_assert_eq!(from_crit, doms);
        }
    }
}

/// The entities of each product's dominators, from a virtual root over every node without a
/// supplier, by petgraph's `simple_fast` (Cooper, Harvey and Kennedy).
fn dominators(g: &ProductionGraph, _ds: &Dataset) -> Vec<BTreeSet<EntityIx>> {
    let mut h: DiGraph<(), ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..g.node_count()).map(|_| h.add_node(())).collect();
    let root = h.add_node(());
    for e in g.graph.edge_indices() {
        let (a, b) = g.graph.edge_endpoints(e).unwrap();
        h.add_edge(nodes[a.index()], nodes[b.index()], ());
    }
    for (n, slots) in g.inputs.iter().enumerate() {
        if slots.iter().all(|s| s.suppliers.is_empty()) {
            h.add_edge(root, nodes[n], ());
        }
    }
    let doms = petgraph::algo::dominators::simple_fast(&h, root);
    g.products
        .iter()
        .map(|&(_, p)| {
            doms.dominators(nodes[p.ix()])
                .expect("every product is reachable from the root")
                .filter(|&d| d != root)
                .map(|d| g.node(NodeIx::of(d)).entity)
                .collect()
        })
        .collect()
}

/// Where an entity makes several items, its failure removes several nodes at once, which
/// dominators alone do not see. Every BOM here has one input (final <- mid <- raw <- ore),
/// but F makes two items: raw for A, and ore for C, who makes raw for B. P buys mid half from
/// A and half from B. Neither of F's nodes lies on every path to P, so the only dominator is P
/// itself; yet failing F stops both branches: cap(P | F) = 0.5 * 0 + 0.5 * 0 = 0.
#[test]
fn entity_making_two_items_is_a_spof_that_dominators_miss() {
    let files = common::Files::from([
        ("countries.csv", "code,trust\nUS,trusted\n".to_string()),
        (
            "entities.csv",
            "id,name,country\nP,Maker,US\nA,A,US\nB,B,US\nC,C,US\nF,F,US\n".to_string(),
        ),
        (
            "items.csv",
            "id,name\nfinal,Final\nmid,Mid\nraw,Raw\nore,Ore\n".to_string(),
        ),
        ("bom.csv", "item,input\nfinal,mid\nmid,raw\nraw,ore\n".to_string()),
        (
            "supply.csv",
            "supplier,buyer,item,share\nA,P,mid,0.5\nB,P,mid,0.5\nF,A,raw,1\nC,B,raw,1\nF,C,ore,1\n"
                .to_string(),
        ),
        ("products.csv", "entity,item\nP,final\n".to_string()),
    ]);
    let ds = common::load(&files);
    let g = ProductionGraph::build(&ds);
    let crit = crit_sets(&g, &Groups::new(Level::Entity, &ds, &g));
    let p = g.products[0].1;
    let ids = |set: BTreeSet<EntityIx>| -> Vec<String> {
        let mut ids: Vec<String> = set.iter().map(|e| ds.entity(*e).id.clone()).collect();
        ids.sort();
        ids
    };
    let from_crit: BTreeSet<EntityIx> = crit[p.ix()].iter().map(|&e| EntityIx(e)).collect();
    assert_eq!(ids(from_crit), ["F", "P"]);
    assert_eq!(ids(dominators(&g, &ds).remove(0)), ["P"]);
    // And the engine agrees with the crit set.
    let f = ds.entity_ix["F"];
    let cap = Engine::new(&g, ds.entities.len()).full(|e| e == f);
    assert_eq!(cap[p.ix()], 0.0);
}
