//! The faster paths of the scale work against the straightforward ones, on random datasets:
//!
//! - recomputing only a changed entity's downstream cone over a shared engine pass gives
//!   exactly (bit for bit) what a full pass gives;
//! - the stamped upstream search gives the same nodes, order and parents as the plain one;
//! - each product's summary lists exactly the single points of failure among the findings;
//! - the graph's CSR arrays hold exactly the edges of the petgraph model.

mod common;

use petgraph::visit::EdgeRef;
use proptest::prelude::*;
use tierscope::analysis::engine::Engine;
use tierscope::analysis::findings::Kind;
use tierscope::analysis::paths::{Upstream, upstream};
use tierscope::analysis::{Settings, analyze};
use tierscope::graph::{NodeIx, ProductionGraph};
use tierscope::model::{Dataset, EntityIx};

fn check(ds: &Dataset) {
    let g = ProductionGraph::build(ds);
    let untrusted = &g.parties.untrusted;

    // Cone recomputation over a shared pass = a full pass.
    let mut engine = Engine::new(&g, ds.entities.len());
    let base = engine.full(|e| untrusted[e.ix()]);
    let mut work = base.clone();
    for e in 0..ds.entities.len() as u32 {
        let own = EntityIx(e);
        engine.recompute(&base, &mut work, &[own], |x| untrusted[x.ix()] && x != own);
        let full = engine.full(|x| untrusted[x.ix()] && x != own);
        let same = work
            .iter()
            .zip(&full)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "entity {e}: {work:?} != {full:?}");
    }

    // Stamped upstream search = plain search.
    let mut search = Upstream::new(&g);
    let mut parent = Vec::new();
    for n in (0..g.node_count() as u32).map(NodeIx) {
        let order = upstream(&g, n, &mut parent);
        search.run(&g, n);
        assert_eq!(order, search.order);
        for &m in &order {
            assert_eq!(parent[m.ix()], Some(search.parent[m.ix()]));
        }
        let reached = parent.iter().filter(|p| p.is_some()).count();
        assert_eq!(reached, order.len());
    }

    // CSR = petgraph, edge for edge (as multisets of (supplier, buyer, share)).
    let mut from_petgraph: Vec<(NodeIx, NodeIx, u64)> = g
        .graph
        .edge_references()
        .map(|e| {
            (
                NodeIx::of(e.source()),
                NodeIx::of(e.target()),
                e.weight().share.to_bits(),
            )
        })
        .collect();
    let mut from_csr = Vec::new();
    for b in (0..g.node_count() as u32).map(NodeIx) {
        for i in g.csr.slots(b) {
            for j in g.csr.suppliers(i) {
                from_csr.push((g.csr.sup_node[j], b, g.csr.sup_share[j].to_bits()));
            }
        }
        for &m in g.csr.buyers(b) {
            assert!(
                g.csr
                    .slots(m)
                    .any(|i| g.csr.suppliers(i).any(|j| g.csr.sup_node[j] == b))
            );
        }
    }
    from_petgraph.sort_unstable();
    from_csr.sort_unstable();
    assert_eq!(from_petgraph, from_csr);

    // Product summaries list the spof findings of their product, by level.
    let report = analyze(ds, &g, &Settings::default()).unwrap();
    for p in &report.products {
        for (level, subjects) in &p.spof {
            let mut expected: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| {
                    f.kind == Kind::Spof
                        && f.level == Some(*level)
                        && f.product
                            .as_ref()
                            .is_some_and(|r| *r.entity == *p.entity && *r.item == *p.item)
                })
                .map(|f| f.subject.as_str())
                .collect();
            expected.sort();
            let got: Vec<&str> = subjects.iter().map(String::as_str).collect();
            assert_eq!(got, expected);
        }
        let count = report
            .findings
            .iter()
            .filter(|f| {
                f.kind == Kind::Spof
                    && f.product
                        .as_ref()
                        .is_some_and(|r| *r.entity == *p.entity && *r.item == *p.item)
            })
            .count();
        assert_eq!(count, p.spof.values().map(Vec::len).sum::<usize>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fast_paths_equal_plain_ones(seed in any::<u64>(), size in 0usize..12) {
        check(&common::load(&common::random_dataset(seed, common::Shape::small(size))));
    }

    #[test]
    fn fast_paths_equal_plain_ones_with_substitutes_and_distributors(
        seed in any::<u64>(),
        size in 0usize..12,
    ) {
        check(&common::load(&common::random_dataset(seed, common::Shape::requirements(size))));
    }
}

#[test]
fn fast_paths_equal_plain_ones_on_a_generated_sector() {
    let dir = tempfile::tempdir().unwrap();
    let opts = tierscope::generate::Options {
        supply_rows: 3_000,
        seed: 11,
        ..Default::default()
    };
    tierscope::generate::generate(dir.path(), &opts).unwrap();
    check(&tierscope::ingest::load(dir.path()).unwrap().dataset);
    // With substitutes and distributors.
    let opts = tierscope::generate::Options {
        substitutes: 0.3,
        distributors: 0.3,
        ..opts
    };
    tierscope::generate::generate(dir.path(), &opts).unwrap();
    check(&tierscope::ingest::load(dir.path()).unwrap().dataset);
}
