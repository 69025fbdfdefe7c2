//! Federated risk profiles (issue #19), buyer side: a supplier's profile standing in for its
//! sub-tier gives the buyer the whole dataset's country- and untrusted-level answers.

mod common;

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tierscope::analysis::{self, Report, Settings, findings::Kind, groups::Level};
use tierscope::graph::ProductionGraph;
use tierscope::model::{Dataset, EntityIx, Trust};
use tierscope_core::profile::{
    self,
    compose::{self, Prefer, Request},
};

fn digest(bytes: &[u8]) -> String {
    tierscope::profile::sha256_hex(bytes)
}

/// The findings a profile must reproduce: country and untrusted level, and untrusted
/// exposure, by id with their metric.
fn country_and_untrusted(report: &Report) -> BTreeMap<String, (f64, String)> {
    report
        .findings
        .iter()
        .filter(|f| {
            matches!(f.level, Some(Level::Country | Level::Untrusted))
                || f.kind == Kind::UntrustedExposure
        })
        .map(|f| {
            (
                f.id.to_string(),
                (f.metric.value, f.severity.as_str().to_string()),
            )
        })
        .collect()
}

/// `ds` with every node of `s` taken from `s`'s profile (computed on `whole`), the rows into
/// `s` kept but ignored (`--prefer profile`).
fn composed(
    files: &common::Files,
    whole: &Dataset,
    g: &ProductionGraph,
    s: EntityIx,
    flip: Option<&str>,
) -> (Dataset, ProductionGraph) {
    composed_disclosing(files, whole, g, s, flip, None)
}

/// [`composed`], the profile disclosing its critical entities when `disclose` says.
fn composed_disclosing(
    files: &common::Files,
    whole: &Dataset,
    g: &ProductionGraph,
    s: EntityIx,
    flip: Option<&str>,
    disclose: Option<profile::Disclose>,
) -> (Dataset, ProductionGraph) {
    let p = profile::build(whole, g, s, None, "2026-12-07", &digest, disclose).unwrap();
    let mut ds = common::load(files);
    if let Some(code) = flip {
        flip_trust(&mut ds, code);
    }
    let requests = p
        .items
        .iter()
        .enumerate()
        .map(|(k, ip)| Request {
            entity: s,
            item: ds.item_ix[&ip.item],
            profile: p.clone(),
            file: "p.json".into(),
            line: k as u64 + 2,
            signed_by: None,
        })
        .collect();
    let comp = compose::prepare(
        &mut ds,
        requests,
        Some(Prefer::Profile),
        Path::new("profiles.csv"),
        &digest,
    )
    .unwrap();
    let mut g2 = ProductionGraph::build(&ds);
    compose::finish(comp, &mut ds, &mut g2);
    (ds, g2)
}

fn flip_trust(ds: &mut Dataset, code: &str) {
    let c = ds.country_ix[code];
    let t = &mut ds.countries[c.ix()].trust;
    *t = if *t == Trust::Untrusted {
        Trust::Trusted
    } else {
        Trust::Untrusted
    };
}

/// Whether a product's own entity is in `s`'s sub-tier (it trades with `s` both ways). Then the
/// profile's numbers fail the buyer's own sites, which a product's own findings never blame:
/// the documented limit of exactness.
fn buyer_in_sub_tier(ds: &Dataset, g: &ProductionGraph, s: EntityIx) -> bool {
    let mut search = tierscope::analysis::paths::Upstream::new(g);
    let owners: BTreeSet<EntityIx> = ds.products.iter().map(|p| p.entity).collect();
    g.node_of
        .iter()
        .filter(|((e, _), _)| *e == s)
        .any(|(_, &n)| {
            search.run(g, n);
            search
                .order
                .iter()
                .any(|&m| g.node(m).entity != s && owners.contains(&g.node(m).entity))
        })
}

fn settings() -> Settings {
    Settings {
        levels: vec![Level::Country, Level::Untrusted],
        ..Settings::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Cut out a supplier's sub-tier, put its profile in its place: the buyer's country- and
    /// untrusted-level findings, country dependency and untrusted exposure are exactly the
    /// whole dataset's.
    #[test]
    fn a_profile_in_place_of_the_sub_tier_gives_the_same_country_and_untrusted_answers(
        seed in any::<u64>(), size in 0usize..10, requirements in any::<bool>()
    ) {
        let files = common::random_dataset(seed, common::Shape::small_or_requirements(size, requirements));
        let whole = common::load(&files);
        let g = ProductionGraph::build(&whole);
        let want = analysis::analyze(&whole, &g, &settings()).unwrap();
        let makers: BTreeSet<EntityIx> = g.node_of.keys().map(|&(e, _)| e).collect();
        for s in makers.into_iter().filter(|&s| !buyer_in_sub_tier(&whole, &g, s)) {
            let (ds, g2) = composed(&files, &whole, &g, s, None);
            // The profiled nodes really lost their supply rows' edges.
            for (&(e, _), &n) in &g.node_of {
                if e == s {
                    let n2 = g2.node_of[&(e, g.node(n).item)];
                    prop_assert!(g2.inputs[n2.ix()].iter().all(|slot| g2.suppliers(slot).nodes.iter().all(|&m| ds.entity(g2.node(m).entity).is_stand_in() || g2.node(m).entity == s)));
                }
            }
            let got = analysis::analyze(&ds, &g2, &settings()).unwrap();
            prop_assert_eq!(country_and_untrusted(&got), country_and_untrusted(&want), "supplier {}", whole.entity(s).id);
            prop_assert_eq!(&got.country_dependency, &want.country_dependency);
            let exposure = |r: &Report| r.products.iter().map(|p| p.untrusted_exposure).collect::<Vec<_>>();
            prop_assert_eq!(exposure(&got), exposure(&want));
            prop_assert!(got.profiles.iter().all(|u| u.policy_matches && u.approximate.is_empty()));
        }
    }

    /// Under another trust policy than the profile's, the untrusted bloc through it is a
    /// bound (capacity at most the least over the listed untrusted countries, so exposure at
    /// most the true one) and every untrusted-level finding resting on it is marked.
    #[test]
    fn under_another_policy_untrusted_numbers_are_bounded_and_marked(
        seed in any::<u64>(), size in 0usize..10
    ) {
        let files = common::random_dataset(seed, common::Shape::small(size));
        let whole = common::load(&files);
        let g = ProductionGraph::build(&whole);
        let code = whole.countries[0].code.clone();
        let mut flipped = common::load(&files);
        flip_trust(&mut flipped, &code);
        let gf = ProductionGraph::build(&flipped);
        let want = analysis::analyze(&flipped, &gf, &settings()).unwrap();
        let makers: BTreeSet<EntityIx> = g.node_of.keys().map(|&(e, _)| e).collect();
        for s in makers.into_iter().filter(|&s| !buyer_in_sub_tier(&whole, &g, s)) {
            let (ds, g2) = composed(&files, &whole, &g, s, Some(&code));
            let got = analysis::analyze(&ds, &g2, &settings()).unwrap();
            for (a, b) in got.products.iter().zip(&want.products) {
                prop_assert!(a.untrusted_exposure <= b.untrusted_exposure + 1e-9);
            }
            prop_assert!(got.profiles.iter().all(|u| !u.policy_matches));
            // Country level stays exact whatever the policy.
            let country = |r: &Report| r.findings.iter().filter(|f| f.level == Some(Level::Country)).map(|f| (f.id.clone(), f.metric.value)).collect::<BTreeMap<_, _>>();
            prop_assert_eq!(country(&got), country(&want));
            let marked: BTreeSet<&String> = got.profiles.iter().flat_map(|u| &u.approximate).collect();
            for f in got.findings.iter().filter(|f| f.level == Some(Level::Untrusted) || f.kind == Kind::UntrustedExposure) {
                let product = f.product.as_ref().unwrap();
                let p = got.products.iter().position(|q| q.entity == product.entity.as_str() && q.item == product.item.as_str()).unwrap();
                let node = g2.products[p].1;
                let mut search = tierscope::analysis::paths::Upstream::new(&g2);
                search.run(&g2, node);
                let through = search.order.iter().any(|&m| g2.node(m).entity == s && g2.stand_ins.iter().any(|u| u.node == Some(m)));
                prop_assert_eq!(marked.contains(&f.id.to_string()), through, "{}", f.id);
                prop_assert_eq!(f.message.contains("approximate"), through);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// With `--disclose entities`, a disclosed entity the buyer's data also holds (here: all
    /// of them, by name) fails exactly at the entity level: every entity-level finding about
    /// it equals the whole dataset's, and the country and untrusted levels stay exact. The
    /// threshold is 1, so every sub-tier entity is disclosed for every item (below it, an
    /// entity disclosed for one item of S is out of sight through S's other items).
    #[test]
    fn disclosed_entities_the_buyer_knows_are_exact_at_the_entity_level(
        seed in any::<u64>(), size in 0usize..10, requirements in any::<bool>()
    ) {
        let files = common::random_dataset(seed, common::Shape::small_or_requirements(size, requirements));
        let whole = common::load(&files);
        let g = ProductionGraph::build(&whole);
        let all = Settings::default();
        let want = analysis::analyze(&whole, &g, &all).unwrap();
        let disclose = Some(profile::Disclose { at_most: 1.0 });
        let makers: BTreeSet<EntityIx> = g.node_of.keys().map(|&(e, _)| e).collect();
        for s in makers.into_iter().filter(|&s| !buyer_in_sub_tier(&whole, &g, s)) {
            let p = profile::build(&whole, &g, s, None, "2026-12-07", &digest, disclose).unwrap();
            let names: BTreeSet<String> = p.items.iter().flat_map(|i| i.critical_entities.iter().map(|d| d.id.clone())).collect();
            let subjects: BTreeSet<String> = whole.entities.iter().filter(|e| names.contains(&e.name)).map(|e| e.id.clone()).collect();
            let (ds, g2) = composed_disclosing(&files, &whole, &g, s, None, disclose);
            let got = analysis::analyze(&ds, &g2, &all).unwrap();
            let entity = |r: &Report| -> BTreeMap<String, (f64, String)> {
                r.findings.iter()
                    .filter(|f| f.level == Some(Level::Entity) && subjects.contains(f.subject.as_str()) && f.kind != Kind::CommonCause)
                    .map(|f| (f.id.to_string(), (f.metric.value, f.severity.as_str().to_string())))
                    .collect()
            };
            prop_assert_eq!(entity(&got), entity(&want), "supplier {}", whole.entity(s).id);
            prop_assert_eq!(country_and_untrusted(&got), country_and_untrusted(&want));
        }
    }
}

#[test]
fn rows_into_a_profiled_node_are_an_error_naming_both_unless_prefer_says() {
    let files = common::random_dataset(7, common::Shape::small(6));
    let whole = common::load(&files);
    let g = ProductionGraph::build(&whole);
    // A supplier with rows into one of its nodes.
    let (s, x) = whole
        .supply
        .iter()
        .find_map(|r| {
            let b = r.buyer;
            g.node_of
                .keys()
                .find(|&&(e, y)| {
                    e == b
                        && whole
                            .bom
                            .iter()
                            .any(|row| row.item == y && row.input == r.item)
                })
                .copied()
        })
        .expect("a node with supply rows");
    let p = profile::build(&whole, &g, s, Some(x), "2026-12-07", &digest, None).unwrap();
    let request = || Request {
        entity: s,
        item: x,
        profile: p.clone(),
        file: "p.json".into(),
        line: 2,
        signed_by: None,
    };
    let mut ds = common::load(&files);
    let err = compose::prepare(
        &mut ds,
        vec![request()],
        None,
        Path::new("profiles.csv"),
        &digest,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("supply.csv line")
            && err.contains("profiles.csv line 2")
            && err.contains("--prefer"),
        "{err}"
    );
    // --prefer data: the profile is not used.
    let mut ds = common::load(&files);
    let comp = compose::prepare(
        &mut ds,
        vec![request()],
        Some(Prefer::Data),
        Path::new("profiles.csv"),
        &digest,
    )
    .unwrap();
    let mut g2 = ProductionGraph::build(&ds);
    compose::finish(comp, &mut ds, &mut g2);
    assert!(g2.stand_ins.is_empty());
    assert_eq!(ds.supply.len(), whole.supply.len());
    // Another entity's profile, or an item it lacks, is refused.
    let mut other = p.clone();
    other.entity.id = "someone-else".into();
    let mut ds = common::load(&files);
    let bad = Request {
        profile: other,
        ..request()
    };
    let err = compose::prepare(
        &mut ds,
        vec![bad],
        Some(Prefer::Profile),
        Path::new("profiles.csv"),
        &digest,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("is the profile of `someone-else`"), "{err}");
}
