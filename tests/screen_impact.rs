//! What a proposed vendor changes, checked against brute force and worked by hand.
//!
//! - On random datasets, a new vendor is added for a random mapped (buyer, item); the single
//!   points of failure the impact reports as removed and added, per product and level, must
//!   be exactly those of the oracle: fail each group, rerun the engine over the whole graph,
//!   before vs after. Untrusted exposure must equal the engine's with the untrusted group
//!   failed.
//! - The share rules of `add_supply`, on the `mini` fixture.

mod common;

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tierscope::analysis::Settings;
use tierscope::analysis::engine::Engine;
use tierscope::analysis::groups::{Groups, Level};
use tierscope::graph::ProductionGraph;
use tierscope::graph::shares::{SUM_TOLERANCE, qualified_groups};
use tierscope::model::{CountryIx, Dataset, EntityIx};
use tierscope::screen::impact::{self, NewVendor, Snapshot};

fn load_files(files: &common::Files) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    common::write(files, dir.path());
    load(dir.path())
}

fn load(dir: &Path) -> Dataset {
    match tierscope::ingest::load(dir) {
        Ok(l) => l.dataset,
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => {
            panic!("invalid dataset: {diagnostics:?}")
        }
        Err(e) => panic!("{e}"),
    }
}

type Product = (String, String);
/// Per product: its single points of failure (level, subject).
type SpofSets = BTreeMap<Product, BTreeSet<(Level, String)>>;

/// The oracle: for every level and group, fail the group, run the full engine, and note
/// the products it stops. A product's own group is left out (DATA-MODEL.md), and so is an
/// owner group of one entity (the entity level already says it).
fn brute_force(ds: &Dataset) -> (SpofSets, BTreeMap<Product, f64>) {
    let g = ProductionGraph::build(ds);
    let engine = Engine::new(&g, ds.entities.len());
    let key = |p: usize| {
        let prod = &ds.products[p];
        (
            ds.entity(prod.entity).id.clone(),
            ds.item(prod.item).id.clone(),
        )
    };
    let mut spofs = SpofSets::new();
    for &(p, _) in &g.products {
        spofs.entry(key(p)).or_default();
    }
    for level in Level::ALL {
        let groups = Groups::new(level, ds, &g);
        for grp in 0..groups.len() as u32 {
            if level == Level::Owner && groups.members[grp as usize].len() == 1 {
                continue;
            }
            let cap = engine.full(|e| groups.of(e) == Some(grp));
            for &(p, node) in &g.products {
                if groups.of(ds.products[p].entity) == Some(grp) {
                    continue;
                }
                if cap[node.ix()] == 0.0 {
                    spofs
                        .get_mut(&key(p))
                        .unwrap()
                        .insert((level, groups.subject[grp as usize].to_string()));
                }
            }
        }
    }
    let untrusted = &g.parties.untrusted;
    let mut exposure = BTreeMap::new();
    for &(p, node) in &g.products {
        let own = ds.products[p].entity;
        let cap = engine.full(|e| untrusted[e.ix()] && e != own);
        exposure.insert(key(p), 1.0 - cap[node.ix()]);
    }
    (spofs, exposure)
}

/// Every (buyer, item)'s qualified shares still sum to at most 1.
fn shares_valid(ds: &Dataset) -> bool {
    qualified_groups(ds).iter().all(|(_, rows)| {
        let given: f64 = rows
            .iter()
            .filter_map(|&i| ds.supply[i as usize].share.get())
            .sum();
        given <= 1.0 + SUM_TOLERANCE
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn proposed_vendor_removes_exactly_the_spofs_brute_force_finds(
        seed in any::<u64>(),
        size in 0usize..10,
        pick in any::<u64>(),
    ) {
        let ds = load_files(&common::random_dataset(seed, common::Shape::small(size)));
        let mapped: Vec<usize> = (0..ds.supply.len()).filter(|&i| ds.supply[i].qualified).collect();
        prop_assume!(!mapped.is_empty());
        let row = ds.supply[mapped[(pick % mapped.len() as u64) as usize]].clone();
        // A new vendor in a random country, sometimes restricted, sometimes owned by an
        // entity of the dataset (a majority stake puts it in that owner's group).
        let mut after = ds.clone();
        let vendor = NewVendor {
            id: "candidate-vendor".into(),
            name: "Candidate Vendor".into(),
            country: CountryIx(((pick >> 8) % ds.countries.len() as u64) as u32),
            restricted: (pick >> 16) % 5 == 0,
        };
        let v = impact::add_entity(&mut after, &vendor);
        if (pick >> 20) % 3 == 0 {
            let owner = EntityIx(((pick >> 24) % ds.entities.len() as u64) as u32);
            let share = [0.3, 0.6, 1.0][((pick >> 32) % 3) as usize];
            impact::add_owner(&mut after, owner, v, share);
        }
        let share = match (pick >> 40) % 4 {
            0 => None,
            1 => Some(0.3),
            2 => Some(0.75),
            _ => Some(1.0),
        };
        let change = impact::add_supply(&mut after, v, row.buyer, row.item, share);
        prop_assert!(shares_valid(&after), "shares above 1 after adding {change:?}");

        let settings = Settings::default();
        let reported = impact::compare(
            &Snapshot::of(&ds, &settings).unwrap(),
            &Snapshot::of(&after, &settings).unwrap(),
        );
        let (spofs_before, _) = brute_force(&ds);
        let (spofs_after, exposure_after) = brute_force(&after);
        for (product, before) in &spofs_before {
            let now = &spofs_after[product];
            let removed: BTreeSet<_> = before.difference(now).cloned().collect();
            let added: BTreeSet<_> = now.difference(before).cloned().collect();
            let found = reported
                .products
                .iter()
                .find(|p| (&p.entity, &p.item) == (&product.0, &product.1));
            let (r, a) = match found {
                Some(p) => (
                    p.spofs_removed.iter().map(|s| (s.level, s.subject.clone())).collect(),
                    p.spofs_added.iter().map(|s| (s.level, s.subject.clone())).collect(),
                ),
                None => (BTreeSet::new(), BTreeSet::new()),
            };
            prop_assert_eq!(&r, &removed, "removed, product {:?}", product);
            prop_assert_eq!(&a, &added, "added, product {:?}", product);
            if let Some(p) = found {
                prop_assert!(
                    (p.exposure_after - exposure_after[product]).abs() < 1e-6,
                    "exposure of {:?}: reported {} vs engine {}",
                    product, p.exposure_after, exposure_after[product]
                );
            }
        }
        let total_removed: usize = reported.products.iter().map(|p| p.spofs_removed.len()).sum();
        prop_assert_eq!(reported.delta.spofs_removed, total_removed);
    }
}

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

/// The qualified shares of one (buyer, item), by supplier id.
fn shares(ds: &Dataset, buyer: &str, item: &str) -> BTreeMap<String, Option<f64>> {
    let (b, x) = (ds.entity_ix[buyer], ds.item_ix[item]);
    ds.supply
        .iter()
        .filter(|r| r.qualified && r.buyer == b && r.item == x)
        .map(|r| (ds.entity(r.supplier).id.clone(), r.share.get()))
        .collect()
}

fn with_vendor(ds: &Dataset) -> (Dataset, EntityIx) {
    let mut after = ds.clone();
    let v = impact::add_entity(
        &mut after,
        &NewVendor {
            id: "new".into(),
            name: "New Vendor".into(),
            country: ds.country_ix["DE"],
            restricted: false,
        },
    );
    (after, v)
}

fn close(got: &BTreeMap<String, Option<f64>>, want: &[(&str, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (id, share) in want {
        let g = got[*id].unwrap_or(f64::NAN);
        assert!(
            (g - share).abs() < 1e-9,
            "{id}: {g} (expected {share}); {got:?}"
        );
    }
}

#[test]
fn a_given_share_scales_a_fully_mapped_input() {
    let ds = load(Path::new(MINI));
    let (mut after, v) = with_vendor(&ds);
    let b = ds.entity_ix["oem-us"];
    let change = impact::add_supply(&mut after, v, b, ds.item_ix["die"], Some(0.3));
    close(
        &shares(&after, "oem-us", "die"),
        &[("fab-tw", 0.42), ("fab-cn", 0.28), ("new", 0.3)],
    );
    assert_eq!(change.existing_scaled_by, 0.7);
    assert!(change.replaced.is_empty());
}

#[test]
fn no_share_takes_an_equal_part_blank_shares_included() {
    // fab-tw's wafer: wafer-jp 0.5 and wafer-de blank (so 0.5).
    let ds = load(Path::new(MINI));
    let (mut after, v) = with_vendor(&ds);
    let change = impact::add_supply(
        &mut after,
        v,
        ds.entity_ix["fab-tw"],
        ds.item_ix["wafer"],
        None,
    );
    let third = 1.0 / 3.0;
    close(
        &shares(&after, "fab-tw", "wafer"),
        &[("wafer-jp", third), ("wafer-de", third), ("new", third)],
    );
    assert!(change.note.contains("equal part"), "{}", change.note);
}

#[test]
fn no_share_fills_the_unmapped_rest_and_a_large_share_scales_the_rest() {
    // wafer-de's gallium: ga-cn 0.5, the rest unmapped.
    let ds = load(Path::new(MINI));
    let (mut after, v) = with_vendor(&ds);
    let (b, x) = (ds.entity_ix["wafer-de"], ds.item_ix["gallium"]);
    let change = impact::add_supply(&mut after, v, b, x, None);
    close(
        &shares(&after, "wafer-de", "gallium"),
        &[("ga-cn", 0.5), ("new", 0.5)],
    );
    assert_eq!((change.share, change.existing_scaled_by), (0.5, 1.0));
    let (mut after, v) = with_vendor(&ds);
    let change = impact::add_supply(&mut after, v, b, x, Some(0.8));
    close(
        &shares(&after, "wafer-de", "gallium"),
        &[("ga-cn", 0.2), ("new", 0.8)],
    );
    assert!((change.existing_scaled_by - 0.4).abs() < 1e-9);
}

#[test]
fn an_unmapped_input_gets_a_sole_supplier_and_a_full_share_replaces() {
    let ds = load(Path::new(MINI));
    // fab-cn's resist: nobody maps it.
    let (mut after, v) = with_vendor(&ds);
    let change = impact::add_supply(
        &mut after,
        v,
        ds.entity_ix["fab-cn"],
        ds.item_ix["resist"],
        None,
    );
    close(&shares(&after, "fab-cn", "resist"), &[("new", 1.0)]);
    assert!(change.note.contains("nobody supplied"), "{}", change.note);
    // A share of 1 replaces today's suppliers.
    let (mut after, v) = with_vendor(&ds);
    let change = impact::add_supply(
        &mut after,
        v,
        ds.entity_ix["oem-us"],
        ds.item_ix["die"],
        Some(1.0),
    );
    close(&shares(&after, "oem-us", "die"), &[("new", 1.0)]);
    assert_eq!(change.replaced, ["fab-cn", "fab-tw"]);
}

/// Worked by hand on `mini`: oem-us's chip stops when ga-cn fails (both wafer makers need its
/// gallium), when parent-jp's group fails (wafer-jp and resist-jp), and so when CN, JP or the
/// untrusted group fail. A new die supplier in DE, with its own inputs unknown, keeps 30% of
/// the chip in every one of those failures: all five single points of failure go, and
/// untrusted exposure falls from 100% to 70%.
#[test]
fn a_second_die_supplier_removes_the_chips_single_points_of_failure() {
    let ds = load(Path::new(MINI));
    let (mut after, v) = with_vendor(&ds);
    impact::add_supply(
        &mut after,
        v,
        ds.entity_ix["oem-us"],
        ds.item_ix["die"],
        Some(0.3),
    );
    let settings = Settings::default();
    let imp = impact::compare(
        &Snapshot::of(&ds, &settings).unwrap(),
        &Snapshot::of(&after, &settings).unwrap(),
    );
    let chip = imp
        .products
        .iter()
        .find(|p| p.entity == "oem-us" && p.item == "chip")
        .expect("the chip changes");
    let removed: Vec<(Level, &str)> = chip
        .spofs_removed
        .iter()
        .map(|s| (s.level, s.subject.as_str()))
        .collect();
    assert_eq!(
        removed,
        [
            (Level::Entity, "ga-cn"),
            (Level::Owner, "parent-jp"),
            (Level::Country, "CN"),
            (Level::Country, "JP"),
            (Level::Untrusted, "untrusted"),
        ]
    );
    assert!(chip.spofs_added.is_empty());
    assert_eq!((chip.exposure_before, chip.exposure_after), (1.0, 0.7));
    // fab-cn's die does not use the chip's die supply: unchanged.
    assert!(
        !imp.products
            .iter()
            .any(|p| p.entity == "fab-cn" && p.item == "die")
    );
}
