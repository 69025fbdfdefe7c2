//! Ids that cannot collide (issue 13): finding ids, export node ids and page anchors are
//! injective, and ids without the separator characters read as they always have, so existing
//! baselines and waivers stay valid.

use proptest::prelude::*;
use std::collections::BTreeMap;
use tierscope::analysis::ProductSummary;
use tierscope::analysis::findings::{Finding, Kind, ProductRef, composite_subject};
use tierscope::analysis::groups::Level;

/// Ids from a small alphabet heavy in separators, so that collisions of the unescaped forms
/// are common.
fn id() -> impl Strategy<Value = String> {
    "[ab:/%2-]{0,4}"
}

fn finding_key() -> impl Strategy<Value = (Kind, Option<Level>, String, Option<(String, String)>)> {
    (
        prop::sample::select(Kind::ALL.to_vec()),
        prop::option::of(prop::sample::select(Level::ALL.to_vec())),
        id(),
        prop::option::of((id(), id())),
    )
}

fn product(p: &Option<(String, String)>) -> Option<ProductRef> {
    p.as_ref().map(|(e, i)| ProductRef {
        entity: e.as_str().into(),
        item: i.as_str().into(),
    })
}

fn summary(entity: &str, item: &str) -> ProductSummary {
    ProductSummary {
        entity: entity.into(),
        item: item.into(),
        entity_name: String::new(),
        item_name: String::new(),
        country: String::new(),
        annual_revenue: None,
        inventory_days: None,
        coverage: 1.0,
        untrusted_exposure: 0.0,
        spof: BTreeMap::new(),
        upstream_nodes: 1,
        estimated_shares: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Distinct (kind, level, subject, product) give distinct finding ids.
    #[test]
    fn distinct_findings_have_distinct_ids(a in finding_key(), b in finding_key()) {
        let ida = Finding::make_id(a.0, a.1, &a.2, product(&a.3).as_ref());
        let idb = Finding::make_id(b.0, b.1, &b.2, product(&b.3).as_ref());
        prop_assert_eq!(a == b, ida == idb, "{:?} and {:?} give {} and {}", a, b, ida, idb);
    }

    /// Subjects made of two ids (a concentration's buyer and input, an asymmetry's countries)
    /// are injective too, and so are the ids made from them.
    #[test]
    fn distinct_composite_subjects_are_distinct(a in (id(), id()), b in (id(), id())) {
        let sa = composite_subject(&[&a.0, &a.1]);
        let sb = composite_subject(&[&b.0, &b.1]);
        prop_assert_eq!(a == b, sa == sb);
        let ia = Finding::make_composite_id(Kind::Concentration, None, &sa, None);
        let ib = Finding::make_composite_id(Kind::Concentration, None, &sb, None);
        prop_assert_eq!(a == b, ia == ib);
    }

    /// Distinct production nodes give distinct export ids.
    #[test]
    fn distinct_nodes_have_distinct_export_ids(a in (id(), id()), b in (id(), id())) {
        let na = tierscope::export::node_id(&a.0, &a.1);
        let nb = tierscope::export::node_id(&b.0, &b.1);
        prop_assert_eq!(a == b, na == nb, "{:?} and {:?} give {}", a, b, na);
    }

    /// Every product of a page has an anchor of its own.
    #[test]
    fn products_have_distinct_anchors(pairs in prop::collection::btree_set((id(), id()), 0..30)) {
        let products: Vec<ProductSummary> = pairs.iter().map(|(e, i)| summary(e, i)).collect();
        let anchors = tierscope::report::html::product_anchors(&products);
        let distinct: std::collections::BTreeSet<&String> = anchors.iter().collect();
        prop_assert_eq!(distinct.len(), products.len(), "{:?}", anchors);
    }

    /// Ids without `%` and the separator read as they did before ids were escaped.
    #[test]
    fn plain_ids_keep_their_form(
        kind in prop::sample::select(Kind::ALL.to_vec()),
        subject in "[a-zA-Z0-9 ._-]{1,12}",
        e in "[a-zA-Z0-9 ._-]{1,12}",
        i in "[a-zA-Z0-9 ._-]{1,12}",
    ) {
        let p = ProductRef { entity: e.as_str().into(), item: i.as_str().into() };
        prop_assert_eq!(
            Finding::make_id(kind, Some(Level::Entity), &subject, Some(&p)),
            format!("{}:entity:{subject}:{e}:{i}", kind.as_str())
        );
        prop_assert_eq!(tierscope::export::node_id(&e, &i), format!("{e}/{i}"));
        prop_assert_eq!(
            &tierscope::report::html::product_anchors(&[summary(&e, &i)])[0],
            &format!("p-{e}-{i}")
        );
    }
}

/// The collisions, by name.
#[test]
fn the_reported_collisions_are_gone() {
    let p = |e: &str, i: &str| ProductRef {
        entity: e.into(),
        item: i.into(),
    };
    let spof = |q: &ProductRef| Finding::make_id(Kind::Spof, Some(Level::Country), "CN", Some(q));
    assert_eq!(spof(&p("a", "b:c")), "spof:country:CN:a:b%3Ac");
    assert_eq!(spof(&p("a:b", "c")), "spof:country:CN:a%3Ab:c");
    assert_eq!(tierscope::export::node_id("a", "b/c"), "a/b%2Fc");
    assert_eq!(tierscope::export::node_id("a/b", "c"), "a%2Fb/c");
    assert_eq!(
        tierscope::report::html::product_anchors(&[summary("a", "b-c"), summary("a-b", "c")]),
        ["p-a-b-c", "p-a-b-c~2"]
    );
    // An id that holds the escape itself stays apart from the one it would decode to.
    assert_ne!(spof(&p("a%3Ab", "c")), spof(&p("a:b", "c")));
}
