//! The cone engine, which evaluates only the requirements that have a supplier inside the
//! failure's cone, against the full engine pass, bit for bit.
//!
//! Random datasets with and without substitute groups and distributors, including wide ones
//! (many entities over few items, so that a node has many inputs and an input many suppliers)
//! and hub-shaped ones (requirements of up to 70 suppliers, past the engine's threshold of 32
//! where a cone sums only the suppliers inside it);
//! random failure sets of several entities; many calls on one engine, so that what one call
//! leaves behind is checked by the next.

mod common;

use proptest::prelude::*;
use tierscope::analysis::engine::Engine;
use tierscope::model::EntityIx;

fn check(seed: u64, shape: common::Shape, picks: &[u64]) {
    let ds = common::load(&common::random_dataset(seed, shape));
    let g = tierscope::graph::ProductionGraph::build(&ds);
    let entities = ds.entities.len();
    if entities == 0 {
        return;
    }
    let mut engine = Engine::new(&g, entities);
    let mut calls = 0;
    for &pick in picks {
        // A failure set from the pick's bits: one entity, or a few.
        let k = 1 + (pick % 3) as usize;
        let failed: Vec<EntityIx> = (0..k)
            .map(|i| EntityIx(((pick >> (8 * i + 2)) % entities as u64) as u32))
            .collect();
        let full = engine.full(|e| failed.contains(&e));
        let cone = engine.cone(&failed);
        let bits = |v: &[f64]| v.iter().map(|c| c.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&full), bits(cone), "failed {failed:?}");
        calls += 1;
    }
    // And every single entity in turn, on the same engine.
    for e in 0..entities {
        let e = EntityIx(e as u32);
        let full = engine.full(|x| x == e);
        assert_eq!(
            full.iter().map(|c| c.to_bits()).collect::<Vec<_>>(),
            engine
                .cone(&[e])
                .iter()
                .map(|c| c.to_bits())
                .collect::<Vec<_>>(),
            "entity {e:?} after {calls} calls"
        );
    }
}

/// Many entities over few items: wide inputs, inputs with many suppliers.
fn wide(size: usize, requirements: bool) -> common::Shape {
    common::Shape {
        entities: 12 + 3 * size,
        items: 3 + size / 3,
        ..common::Shape::small_or_requirements(size, requirements)
    }
}

/// Hubs: requirements of many suppliers, so that the cone's sum over the suppliers inside it
/// is taken (more than 32) as well as the whole one.
fn hub(size: usize, requirements: bool) -> common::Shape {
    common::Shape {
        entities: 40 + 8 * size,
        items: 3 + size / 4,
        max_suppliers: 70,
        ..common::Shape::small_or_requirements(size, requirements)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn cone_equals_full_bit_for_bit(
        seed in any::<u64>(),
        size in 0usize..10,
        requirements in any::<bool>(),
        picks in proptest::collection::vec(any::<u64>(), 1..8),
    ) {
        check(seed, common::Shape::small_or_requirements(size, requirements), &picks);
    }

    #[test]
    fn cone_equals_full_bit_for_bit_on_wide_data(
        seed in any::<u64>(),
        size in 0usize..10,
        requirements in any::<bool>(),
        picks in proptest::collection::vec(any::<u64>(), 1..8),
    ) {
        check(seed, wide(size, requirements), &picks);
    }

    #[test]
    fn cone_equals_full_bit_for_bit_on_hubs(
        seed in any::<u64>(),
        size in 0usize..10,
        requirements in any::<bool>(),
        picks in proptest::collection::vec(any::<u64>(), 1..8),
    ) {
        check(seed, hub(size, requirements), &picks);
    }
}

/// The hub datasets do reach the cone's path for requirements of many suppliers: most of them
/// have a requirement of more than 32 suppliers.
#[test]
fn hub_datasets_have_requirements_of_many_suppliers() {
    let mut with_many = 0;
    for seed in 0..20 {
        let ds = common::load(&common::random_dataset(
            seed,
            hub(seed as usize % 10, seed % 2 == 0),
        ));
        let g = tierscope::graph::ProductionGraph::build(&ds);
        let slots = g.csr.sup_start.len() - 1;
        if (0..slots).any(|i| g.csr.suppliers(i).len() > 32) {
            with_many += 1;
        }
    }
    assert!(
        with_many >= 10,
        "{with_many} of 20 hub datasets have a requirement of > 32 suppliers"
    );
}
