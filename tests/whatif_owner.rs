//! `whatif --fail owner:ID`: the entity and everything it controls through majority chains.
//!
//! - Against a reference that walks up every entity's majority chain (what `failure_set` did
//!   before it was made linear), on random ownership forests loaded from CSV, and on random
//!   majority maps with cycles (which validation rejects, but the walk must still end).
//! - On a majority chain 100,000 deep, where walking up from every entity takes about 5e9
//!   steps: the run must simply finish.

mod common;

use proptest::prelude::*;
use std::fmt::Write as _;
use tierscope::graph::ProductionGraph;
use tierscope::model::{Dataset, EntityIx};
use tierscope::whatif::failure_set;

/// A dataset of `n` entities `E0..E(n-1)` with the given ownership rows (`owner,entity,share`
/// lines) and one product, so that only ownership varies.
fn owned(n: usize, ownership_rows: &str) -> common::Files {
    let mut entities = String::from("id,name,country\n");
    for e in 0..n {
        writeln!(entities, "E{e},Firm {e},AA").unwrap();
    }
    common::Files::from([
        ("countries.csv", "code,trust\nAA,trusted\n".to_string()),
        ("entities.csv", entities),
        ("items.csv", "id,name\nI,Item\n".to_string()),
        ("bom.csv", "item,input\n".to_string()),
        ("supply.csv", "supplier,buyer,item\n".to_string()),
        ("products.csv", "entity,item\nE0,I\n".to_string()),
        (
            "ownership.csv",
            format!("owner,entity,share\n{ownership_rows}"),
        ),
    ])
}

/// The reference: from every entity, walk up the majority owners; it fails when the walk
/// meets `top`. A walk longer than the number of entities is on a cycle without `top`.
fn reference(majority: &[Option<EntityIx>], tops: &[EntityIx]) -> Vec<EntityIx> {
    let n = majority.len();
    (0..n as u32)
        .map(EntityIx)
        .filter(|&e| {
            tops.iter().any(|&top| {
                let mut cur = Some(e);
                let mut steps = 0;
                while let Some(c) = cur {
                    if c == top {
                        return true;
                    }
                    steps += 1;
                    if steps > n {
                        return false;
                    }
                    cur = majority[c.ix()];
                }
                false
            })
        })
        .collect()
}

/// `failure_set` for `owner:` specs of `tops` equals the reference, one owner at a time and
/// all at once (several specs are a union).
fn check(ds: &Dataset, g: &ProductionGraph, tops: &[EntityIx]) -> Result<(), TestCaseError> {
    let spec = |e: EntityIx| format!("owner:{}", ds.entity(e).id);
    for &top in tops {
        let fast = failure_set(ds, g, &[spec(top)]).unwrap();
        prop_assert_eq!(
            fast,
            reference(&g.parties.majority_owner, &[top]),
            "{}",
            spec(top)
        );
    }
    let specs: Vec<String> = tops.iter().map(|&t| spec(t)).collect();
    let fast = failure_set(ds, g, &specs).unwrap();
    prop_assert_eq!(
        fast,
        reference(&g.parties.majority_owner, tops),
        "{:?}",
        specs
    );
    Ok(())
}

/// Random ownership forests as `ownership.csv` rows: each entity may have a majority owner
/// among the entities before it in a random order (so chains run across the ids in any
/// order), often the one just before it (so chains get deep), and minority stakes, which
/// control nothing.
fn forest(seed: u64, n: usize) -> String {
    let mut rng = common::Rng::new(seed);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut rows = String::new();
    for k in 1..n {
        let e = order[k];
        let mut left = 1.0f64;
        let mut major = None;
        if rng.chance(0.7) {
            let o = if rng.chance(0.5) {
                order[k - 1]
            } else {
                order[rng.below(k)]
            };
            let s = [0.51, 0.75, 1.0][rng.below(3)];
            writeln!(rows, "E{o},E{e},{s}").unwrap();
            major = Some(o);
            left -= s;
        }
        if rng.chance(0.3) && left >= 0.2 {
            let o = order[rng.below(n)];
            if o != e && major != Some(o) {
                writeln!(rows, "E{o},E{e},0.2").unwrap();
            }
        }
    }
    rows
}

proptest! {
    #[test]
    fn owner_failure_set_equals_reference_on_random_forests(
        seed in any::<u64>(),
        n in 1usize..40,
        picks in prop::collection::vec(any::<u32>(), 1..4),
    ) {
        let ds = common::load(&owned(n, &forest(seed, n)));
        let g = ProductionGraph::build(&ds);
        let tops: Vec<EntityIx> = picks.iter().map(|p| EntityIx(p % n as u32)).collect();
        // Every entity as the owner, then a few together.
        let all: Vec<EntityIx> = (0..n as u32).map(EntityIx).collect();
        for top in &all {
            check(&ds, &g, std::slice::from_ref(top))?;
        }
        check(&ds, &g, &tops)?;
    }

    /// Majority cycles are a validation error, so they never reach `whatif` from the CLI;
    /// the library function still must end and agree with the reference on them.
    #[test]
    fn owner_failure_set_equals_reference_with_majority_cycles(
        n in 1usize..30,
        links in prop::collection::vec(prop::option::weighted(0.8, any::<u32>()), 30),
        picks in prop::collection::vec(any::<u32>(), 1..4),
    ) {
        let ds = common::load(&owned(n, ""));
        let mut g = ProductionGraph::build(&ds);
        g.parties.majority_owner = (0..n)
            .map(|e| links[e].map(|o| EntityIx(o % n as u32)).filter(|o| o.ix() != e))
            .collect();
        let tops: Vec<EntityIx> = picks.iter().map(|p| EntityIx(p % n as u32)).collect();
        for e in 0..n as u32 {
            check(&ds, &g, &[EntityIx(e)])?;
        }
        check(&ds, &g, &tops)?;
    }
}

/// Regression: `owner:ID` walked up the majority chain from every entity, which on a chain
/// `DEPTH` deep is about DEPTH²/2 steps per spec (5e9 here: over a minute per spec
/// unoptimised, three minutes for the three below); marking each entity once takes milliseconds, and
/// loading the chain is most of this test's time. No timing assert: a quadratic walk makes
/// this test hang instead.
#[test]
fn owner_of_a_100_000_deep_majority_chain() {
    const DEPTH: usize = 100_000;
    let mut rows = String::new();
    for e in 0..DEPTH - 1 {
        writeln!(rows, "E{e},E{},1", e + 1).unwrap();
    }
    let ds = common::load(&owned(DEPTH, &rows));
    let g = ProductionGraph::build(&ds);
    // E(k) controls E(k) and everything below it: the last one, half the chain, all but E0.
    for top in [DEPTH - 1, DEPTH / 2, 1] {
        let failed = failure_set(&ds, &g, &[format!("owner:E{top}")]).unwrap();
        let mut ids: Vec<usize> = failed
            .iter()
            .map(|&e| ds.entity(e).id[1..].parse().unwrap())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, (top..DEPTH).collect::<Vec<_>>(), "owner:E{top}");
    }
}
