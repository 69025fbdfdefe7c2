//! The incremental ranking of additions agrees exactly with a full rerun of the analysis.
//!
//! On random datasets (ownership chains, restricted parties, untrusted countries, partial
//! and blank shares, unmapped inputs, and half the time substitute groups and distributors),
//! every unqualified alternate and a new vendor with a
//! random owner are added one at a time; what `Ranker::assess` says they change (the shares,
//! and per product the SPOFs removed and added at every level, the untrusted exposure before
//! and after, the capacity-at-risk findings that go, appear or move, and the scores) must
//! equal `impact::compare` of two full analyses, before and after, field for field.

mod common;

use proptest::prelude::*;
use std::path::Path;
use tierscope::analysis::Settings;
use tierscope::analysis::groups::Level;
use tierscope::graph::ProductionGraph;
use tierscope::model::{CountryIx, Dataset, EntityIx};
use tierscope::screen::impact::{self, NewVendor, Snapshot};
use tierscope::screen::rank::{Addition, Outcome, Ranker, Supplier};

fn load(dir: &Path) -> Dataset {
    match tierscope::ingest::load(dir) {
        Ok(l) => l.dataset,
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => {
            panic!("invalid dataset: {diagnostics:?}")
        }
        Err(e) => panic!("{e}"),
    }
}

fn load_files(files: &common::Files) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    common::write(files, dir.path());
    load(dir.path())
}

/// The full rerun: add the supply to a copy and analyse both.
fn full(ds: &Dataset, add: &Addition, settings: &Settings) -> Outcome {
    let before = Snapshot::of(ds, settings).unwrap();
    let mut after = ds.clone();
    let shares = impact::add_supply(
        &mut after,
        add.supplier.entity(),
        add.buyer,
        add.item,
        add.share,
    );
    let after = Snapshot::of(&after, settings).unwrap();
    Outcome {
        shares,
        impact: impact::compare(&before, &after),
    }
}

fn settings(pick: u64) -> Settings {
    let mut s = Settings {
        capacity_threshold: [0.5, 0.3, 0.8, 0.05][(pick % 4) as usize],
        ..Settings::default()
    };
    if (pick >> 2).is_multiple_of(3) {
        s.levels = vec![Level::Entity, Level::Country];
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_alternate_ranks_as_the_full_rerun_says(
        seed in any::<u64>(),
        size in 0usize..12,
        pick in any::<u64>(),
        requirements in any::<bool>(),
    ) {
        let ds = load_files(&common::random_dataset(seed, common::Shape::small_or_requirements(size, requirements)));
        let settings = settings(pick);
        let g = ProductionGraph::build(&ds);
        let ranker = Ranker::new(&ds, &g, &settings).unwrap();
        let mut scratch = ranker.scratch();
        for row in ds.supply.iter().filter(|r| !r.qualified) {
            let add = Addition {
                supplier: Supplier::Node(row.supplier, g.node_of[&(row.supplier, row.item)]),
                buyer: row.buyer,
                item: row.item,
                share: row.share.get(),
            };
            let fast = ranker.assess(&add, &mut scratch);
            prop_assert_eq!(fast, full(&ds, &add, &settings), "alternate on line {}", row.line);
        }
    }

    #[test]
    fn a_new_vendor_ranks_as_the_full_rerun_says(
        seed in any::<u64>(),
        size in 0usize..12,
        pick in any::<u64>(),
        requirements in any::<bool>(),
    ) {
        let mut ds = load_files(&common::random_dataset(seed, common::Shape::small_or_requirements(size, requirements)));
        let settings = settings(pick >> 40);
        // A vendor in a random country, sometimes restricted, sometimes owned (a majority
        // stake puts it in the owner's group).
        let vendor = NewVendor {
            id: "candidate-vendor".into(),
            name: "Candidate Vendor".into(),
            country: CountryIx(((pick >> 8) % ds.countries.len() as u64) as u32),
            restricted: (pick >> 16) % 5 == 0,
        };
        let v = impact::add_entity(&mut ds, &vendor);
        if (pick >> 20) % 2 == 0 {
            let owner = EntityIx(((pick >> 24) % (ds.entities.len() as u64 - 1)) as u32);
            let share = [0.3, 0.6, 1.0][((pick >> 28) % 3) as usize];
            impact::add_owner(&mut ds, owner, v, share);
        }
        let g = ProductionGraph::build(&ds);
        let ranker = Ranker::new(&ds, &g, &settings).unwrap();
        let mut scratch = ranker.scratch();
        // Every (buyer, input) a node needs, with a share or without.
        let bom = ds.bom_inputs();
        let mut needs: Vec<(EntityIx, tierscope::model::ItemIx)> = (0..g.node_count() as u32)
            .flat_map(|n| {
                let node = g.node(tierscope::graph::NodeIx(n));
                bom[node.item.ix()].iter().map(move |&y| (node.entity, y))
            })
            .collect();
        needs.sort();
        needs.dedup();
        for (k, &(buyer, item)) in needs.iter().enumerate().take(12) {
            let share = [None, Some(0.25), Some(1.0), Some(0.6)][(k + pick as usize) % 4];
            let add = Addition { supplier: Supplier::New(v), buyer, item, share };
            let fast = ranker.assess(&add, &mut scratch);
            prop_assert_eq!(fast, full(&ds, &add, &settings), "{:?}", add);
        }
    }
}
