//! The one-pass analyses against brute force on random datasets.
//!
//! - Crit sets (single points of failure) at every level equal "fail each group, rerun the
//!   engine over the whole graph, see which nodes reach 0".
//! - The cone engine equals the full engine for every group.
//! - Where every BOM has one input and every entity makes one item, entity-level crit sets are
//!   the dominators of the production DAG from a virtual root over the sources (petgraph).
//! - Monotonicity: more failures never raise a capacity; a new qualified supplier never adds a
//!   single point of failure and never turns an available node unavailable.
//! - With substitute groups and distributors (rules 3): the engine over the production graph
//!   equals an oracle that applies DATA-MODEL.md's rules to the dataset's rows directly
//!   (`common::oracle`, no graph); the one-pass crit sets equal the oracle's zeros; and every
//!   finding of `analyze` that depends on one failure (spof, capacity at risk, untrusted
//!   exposure, restricted parties, time exposure, country dependency), and the concentration
//!   rows and coverage, equal what the oracle gives when each group is failed in turn.

mod common;

use common::oracle::{self, Node, Oracle};
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use tierscope::analysis::crit::crit_sets;
use tierscope::analysis::engine::Engine;
use tierscope::analysis::findings::{Details, Finding, Kind, ProductRef};
use tierscope::analysis::groups::{Groups, Level};
use tierscope::analysis::{EPS, Settings, analyze, round};
use tierscope::graph::{NodeIx, ProductionGraph};
use tierscope::model::{Dataset, EntityIx, ItemIx, Number, SupplyRow};

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
    fn crit_sets_equal_brute_force_with_substitutes_and_distributors(
        seed in any::<u64>(),
        size in 0usize..10,
    ) {
        let ds = common::load(&common::random_dataset(seed, common::Shape::requirements(size)));
        check_dataset(&ds);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn engine_equals_the_dataset_oracle(
        seed in any::<u64>(),
        size in 0usize..10,
        requirements in any::<bool>(),
        pick in any::<u64>(),
    ) {
        let shape = common::Shape::small_or_requirements(size, requirements);
        let ds = common::load(&common::random_dataset(seed, shape));
        check_against_oracle(&ds, pick);
    }

    #[test]
    fn findings_equal_the_dataset_oracle(
        seed in any::<u64>(),
        size in 0usize..10,
        requirements in any::<bool>(),
    ) {
        let shape = common::Shape::small_or_requirements(size, requirements);
        let ds = common::load(&common::random_dataset(seed, shape));
        check_findings(&ds);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

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
            r.share = Number::BLANK;
        }
        after.supply.push(SupplyRow { supplier: new_supplier, share: Number::BLANK, qualified: true, line: 0, ..row });
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
        if slots.iter().all(|s| g.suppliers(s).is_empty()) {
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

/// The node of `n` in the oracle's terms.
fn pair(g: &ProductionGraph, n: NodeIx) -> Node {
    let p = g.node(n);
    (p.entity, p.item)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Engine capacities equal the oracle's, node for node: within 1e-9, and exactly 0 where the
/// oracle is 0 (a stopped node is stopped, not nearly).
fn assert_caps(g: &ProductionGraph, got: &[f64], want: &BTreeMap<Node, f64>, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: node count");
    for n in (0..g.node_count() as u32).map(NodeIx) {
        let (c, w) = (got[n.ix()], want[&pair(g, n)]);
        assert!(
            close(c, w) && (c == 0.0) == (w == 0.0),
            "{what}: node {:?}: engine {c}, oracle {w}",
            g.node(n)
        );
    }
}

/// The graph's engine, cones and crit sets against the oracle that reads the rows directly.
fn check_against_oracle(ds: &Dataset, pick: u64) {
    let g = ProductionGraph::build(ds);
    let oracle = Oracle::new(ds);
    let nodes: BTreeSet<Node> = (0..g.node_count() as u32)
        .map(|n| pair(&g, NodeIx(n)))
        .collect();
    assert_eq!(nodes, oracle.needs.keys().copied().collect::<BTreeSet<_>>());
    // Every node's requirements: the same item sets, coverage and rows, in the same order.
    for n in (0..g.node_count() as u32).map(NodeIx) {
        let needs = &oracle.needs[&pair(&g, n)];
        let slots = &g.inputs[n.ix()];
        assert_eq!(slots.len(), needs.len(), "{:?}", g.node(n));
        for (slot, need) in slots.iter().zip(needs) {
            assert_eq!(g.req_items(slot.req), need.items.as_slice());
            assert!(close(slot.coverage, need.coverage));
            let mut got: Vec<(Node, u64)> = g
                .suppliers(slot)
                .iter()
                .map(|(s, w)| (pair(&g, s), (w * 1e9).round() as u64))
                .collect();
            let mut want: Vec<(Node, u64)> = need
                .rows
                .iter()
                .map(|&(s, w)| (s, (w * 1e9).round() as u64))
                .collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{:?}", g.node(n));
        }
    }
    let mut engine = Engine::new(&g, ds.entities.len());
    assert_caps(
        &g,
        &engine.full(|_| false),
        &oracle.caps(&|_| false),
        "nothing failed",
    );
    for level in Level::ALL {
        let groups = Groups::new(level, ds, &g);
        let crit = crit_sets(&g, &groups);
        for grp in 0..groups.len() as u32 {
            let failed = |e: EntityIx| groups.of(e) == Some(grp);
            let want = oracle.caps(&failed);
            let full = engine.full(failed);
            assert_caps(&g, &full, &want, &format!("{level:?} group {grp}"));
            let cone = engine.cone(&groups.members[grp as usize]).to_vec();
            assert_eq!(full, cone, "{level:?} group {grp}: cone");
            for n in (0..g.node_count() as u32).map(NodeIx) {
                assert_eq!(
                    crit[n.ix()].contains(&grp),
                    want[&pair(&g, n)] == 0.0,
                    "{level:?} group {grp}, node {:?}: crit set {:?}",
                    g.node(n),
                    crit[n.ix()]
                );
            }
        }
    }
    let failed = |e: EntityIx| (pick >> (e.0 % 64)) & 1 == 1;
    assert_caps(
        &g,
        &engine.full(failed),
        &oracle.caps(&failed),
        "random failures",
    );
}

/// Every finding that one failure decides, against the oracle with that failure.
fn check_findings(ds: &Dataset) {
    let g = ProductionGraph::build(ds);
    let oracle = Oracle::new(ds);
    let settings = Settings::default();
    let report = analyze(ds, &g, &settings).unwrap();
    let by_id: BTreeMap<&str, &Finding> = report
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.as_ref()))
        .collect();
    let untrusted = &g.parties.untrusted;
    for (k, p) in ds.products.iter().enumerate() {
        let node = (p.entity, p.item);
        let product = ProductRef {
            entity: ds.entity(p.entity).id.as_str().into(),
            item: ds.item(p.item).id.as_str().into(),
        };
        let summary = &report.products[k];
        assert_eq!(
            (&*summary.entity, &*summary.item),
            (&*product.entity, &*product.item)
        );
        for level in Level::ALL {
            let groups = Groups::new(level, ds, &g);
            let own = groups.of(p.entity);
            for grp in 0..groups.len() as u32 {
                let members = &groups.members[grp as usize];
                let redundant = level == Level::Owner && members.len() == 1;
                let cap = oracle.caps(&|e| groups.of(e) == Some(grp))[&node];
                if level == Level::Country {
                    let dep = report.country_dependency.values[k][grp as usize];
                    let want = (Some(grp) != own).then(|| round(1.0 - cap));
                    assert!(
                        dep.zip(want).map_or(dep == want, |(a, b)| close(a, b)),
                        "dependency of {product:?} on {}: {dep:?} vs {want:?}",
                        groups.subject[grp as usize]
                    );
                }
                if Some(grp) == own || redundant {
                    continue;
                }
                let subject = &groups.subject[grp as usize];
                let spof = Finding::make_id(Kind::Spof, Some(level), subject, Some(&product));
                assert_eq!(
                    by_id.contains_key(spof.as_str()),
                    cap == 0.0,
                    "{spof}: oracle capacity {cap}"
                );
                let at_risk =
                    Finding::make_id(Kind::CapacityAtRisk, Some(level), subject, Some(&product));
                let want = cap > EPS && cap <= 1.0 - settings.capacity_threshold + EPS;
                match by_id.get(at_risk.as_str()) {
                    Some(f) => assert!(
                        want && close(f.metric.value, round(cap)),
                        "{at_risk}: {} vs {cap}",
                        f.metric.value
                    ),
                    None => assert!(!want, "{at_risk} missing: oracle capacity {cap}"),
                }
            }
        }
        // Untrusted exposure: the untrusted group less the product's own entity.
        let own = p.entity;
        let cap = oracle.caps(&|e| untrusted[e.ix()] && e != own)[&node];
        assert!(
            close(summary.untrusted_exposure, round(1.0 - cap)),
            "{product:?} exposure"
        );
        // Restricted parties upstream, each with the capacity its loss leaves.
        let upstream = oracle.upstream(node);
        let upstream_entities: BTreeSet<EntityIx> = upstream.iter().map(|n| n.0).collect();
        for e in (0..ds.entities.len() as u32).map(EntityIx) {
            let id = Finding::make_id(
                Kind::RestrictedParty,
                Some(Level::Entity),
                &ds.entity(e).id,
                Some(&product),
            );
            let want = e != own && g.parties.is_restricted(e) && upstream_entities.contains(&e);
            match by_id.get(id.as_str()) {
                Some(f) => {
                    let cap = oracle.caps(&|x| x == e)[&node];
                    assert!(want && close(f.metric.value, round(cap)), "{id}");
                }
                None => assert!(!want, "{id} missing"),
            }
            // Time exposure: a supplier slower to recover than the product's stock lasts.
            let id = Finding::make_id(
                Kind::TimeExposure,
                Some(Level::Entity),
                &ds.entity(e).id,
                Some(&product),
            );
            let cap = oracle.caps(&|x| x == e)[&node];
            let slow = matches!(
                (ds.entity(e).recovery_days, p.inventory_days),
                (Some(ttr), Some(tts)) if ttr > tts
            );
            let want = e != own && slow && cap < 1.0 - EPS;
            match by_id.get(id.as_str()).map(|f| &f.details) {
                Some(Details::Time(t)) => {
                    assert!(want && close(t.capacity, round(cap)), "{id}")
                }
                Some(other) => panic!("{id}: {other:?}"),
                None => assert!(!want, "{id} missing: capacity {cap}"),
            }
        }
        // Coverage: the mean coverage of the requirements of every node upstream.
        let needs: Vec<&oracle::Need> = upstream.iter().flat_map(|n| &oracle.needs[n]).collect();
        let coverage = if needs.is_empty() {
            1.0
        } else {
            needs.iter().map(|n| n.coverage).sum::<f64>() / needs.len() as f64
        };
        assert!(
            close(summary.coverage, round(coverage)),
            "{product:?} coverage"
        );
        assert_eq!(summary.upstream_nodes, upstream.len());
    }
    check_concentration(ds, &g, &report.concentration);
}

/// Concentration per (buyer, requirement), a supplier's rows of substitutes summed before
/// squaring, from the rows directly.
fn check_concentration(
    ds: &Dataset,
    g: &ProductionGraph,
    rows: &[tierscope::analysis::ConcentrationRow],
) {
    // Which requirement each buyer's rows of an item meet: the group that holds the item in
    // the requirements of what the buyer makes (not as a distributor), or the item alone.
    let reqs = oracle::item_requirements(ds);
    let oracle = Oracle::new(ds);
    let mut req_of: BTreeMap<(EntityIx, ItemIx), Vec<ItemIx>> = BTreeMap::new();
    for &(e, x) in oracle.needs.keys() {
        let distributor = ds
            .entity(e)
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("distributor"));
        if distributor {
            continue;
        }
        for set in reqs.get(&x).into_iter().flatten() {
            for &y in set {
                let prev = req_of.insert((e, y), set.clone());
                assert!(
                    prev.is_none_or(|p| &p == set),
                    "ambiguous requirement in valid data"
                );
            }
        }
    }
    let mut groups: BTreeMap<(EntityIx, Vec<ItemIx>), Vec<&SupplyRow>> = BTreeMap::new();
    for r in ds.supply.iter().filter(|r| r.qualified) {
        let set = req_of
            .get(&(r.buyer, r.item))
            .cloned()
            .unwrap_or_else(|| vec![r.item]);
        groups.entry((r.buyer, set)).or_default().push(r);
    }
    assert_eq!(rows.len(), groups.len());
    let got: BTreeMap<(String, String), &tierscope::analysis::ConcentrationRow> = rows
        .iter()
        .map(|r| ((r.buyer.to_string(), r.item.to_string()), r))
        .collect();
    for ((buyer, set), members) in &groups {
        let label: Vec<&str> = set.iter().map(|&y| ds.item(y).id.as_str()).collect();
        let row = got[&(ds.entity(*buyer).id.clone(), label.join("|"))];
        let (w, _) = oracle::weights(&members.iter().map(|r| r.share.get()).collect::<Vec<_>>());
        let mut by_supplier: BTreeMap<EntityIx, f64> = BTreeMap::new();
        let mut by_country: BTreeMap<String, f64> = BTreeMap::new();
        let mut untrusted = 0.0;
        for (r, w) in members.iter().zip(&w) {
            *by_supplier.entry(r.supplier).or_default() += w;
            *by_country
                .entry(ds.entity_country(r.supplier).code.clone())
                .or_default() += w;
            if g.parties.untrusted[r.supplier.ix()] {
                untrusted += w;
            }
        }
        let hhi = |m: Vec<f64>| m.iter().map(|w| w * w).sum::<f64>();
        assert_eq!(row.suppliers, by_supplier.len());
        assert!(close(
            row.supplier_hhi,
            round(hhi(by_supplier.into_values().collect()))
        ));
        assert!(close(
            row.country_hhi,
            round(hhi(by_country.into_values().collect()))
        ));
        assert!(close(row.untrusted_share, round(untrusted)));
        let subs: Vec<&str> = row.substitutes.as_slice().iter().map(|s| &**s).collect();
        assert_eq!(
            subs,
            if set.len() > 1 {
                label.clone()
            } else {
                Vec::new()
            }
        );
    }
}

/// The random datasets of `Shape::requirements` have what the properties above must survive:
/// nodes with a requirement of substitutes met by rows of two items, distributors' nodes,
/// distributors buying from distributors, and findings through them.
#[test]
fn random_requirement_datasets_have_substitutes_and_distributor_chains() {
    let (mut mixed_groups, mut pass_throughs, mut chains, mut spofs) = (0, 0, 0, 0);
    for seed in 0..200 {
        let ds = common::load(&common::random_dataset(
            seed,
            common::Shape::requirements(seed as usize % 10),
        ));
        let g = ProductionGraph::build(&ds);
        for n in (0..g.node_count() as u32).map(NodeIx) {
            for slot in &g.inputs[n.ix()] {
                let items: BTreeSet<ItemIx> = g
                    .suppliers(slot)
                    .iter()
                    .map(|(s, _)| g.node(s).item)
                    .collect();
                mixed_groups += usize::from(items.len() > 1);
                if g.is_pass_through(n) {
                    pass_throughs += usize::from(slot.is_mapped());
                    chains += usize::from(
                        g.suppliers(slot)
                            .nodes
                            .iter()
                            .any(|&s| g.is_pass_through(s)),
                    );
                }
            }
        }
        let report = analyze(&ds, &g, &Settings::default()).unwrap();
        spofs += report
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Spof)
            .filter(|f| {
                f.evidence
                    .iter()
                    .flatten()
                    .any(|n| n.is_distributor() || !n.substitutes().is_empty())
            })
            .count();
    }
    assert!(
        mixed_groups >= 80,
        "{mixed_groups} requirements met by two items"
    );
    assert!(
        pass_throughs >= 300,
        "{pass_throughs} distributor nodes with suppliers"
    );
    assert!(
        chains >= 50,
        "{chains} distributors buying from distributors"
    );
    assert!(
        spofs >= 200,
        "{spofs} single points of failure through them"
    );
}
