//! The bundled datasets give the headline findings their READMEs promise, and every finding
//! kind the data supports. (Values are from each README's "Expected findings" section; a
//! change of data or method that moves them must update the README too.)

use std::path::Path;
use tierscope::analysis::findings::{Details, Finding, Kind, Severity};
use tierscope::analysis::{Report, Settings, analyze};
use tierscope::graph::ProductionGraph;

fn report(name: &str) -> Report {
    let ds = tierscope::ingest::load(&Path::new("datasets").join(name))
        .unwrap()
        .dataset;
    let g = ProductionGraph::build(&ds);
    analyze(&ds, &g, &Settings::default()).unwrap()
}

fn find<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("{}: no finding {id}", r.dataset))
}

fn has(r: &Report, id: &str) -> bool {
    r.findings.iter().any(|f| f.id == id)
}

fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn exposure(r: &Report, entity: &str, item: &str) -> f64 {
    r.products
        .iter()
        .find(|p| p.entity == entity && p.item == item)
        .unwrap()
        .untrusted_exposure
}

#[test]
fn every_finding_kind_appears_in_both_datasets() {
    for name in ["legacy-semiconductors", "biologic-ingredients"] {
        let r = report(name);
        // A common cause needs supplier profiles (examples/federated).
        for kind in Kind::ALL.into_iter().filter(|&k| k != Kind::CommonCause) {
            assert!(
                r.findings.iter().any(|f| f.kind == kind),
                "{name}: no {kind:?}"
            );
        }
    }
}

#[test]
fn legacy_semiconductors_headlines() {
    let r = report("legacy-semiconductors");
    // Gallium: China stops every GaN-based product, as a country and as the untrusted group.
    for p in [
        "borgwarner-kokomo:ev-onboard-charger",
        "gm-factory-zero:electric-pickup",
        "mahindra-chakan:electric-suv",
    ] {
        let f = find(&r, &format!("spof:country:CN:{p}"));
        assert_eq!(f.severity, Severity::Critical);
        assert!(has(&r, &format!("spof:untrusted:untrusted:{p}")));
        let (e, x) = p.split_once(':').unwrap();
        assert_eq!(exposure(&r, e, x), 1.0);
    }
    // The gallium feed: primary or recycled scrap, one requirement (the scrap rows are
    // unqualified alternates), and every buyer's is 100% Chinese.
    let ga: Vec<_> = r
        .concentration
        .iter()
        .filter(|c| &*c.item == "gallium-primary|gallium-scrap")
        .collect();
    assert_eq!(ga.len(), 3);
    assert!(ga.iter().all(|c| c.substitutes.as_slice().len() == 2));
    assert!(
        ga.iter()
            .all(|c| &*c.top_country == "CN" && c.country_hhi == 1.0 && c.untrusted_share == 1.0)
    );
    // Sole sources and the owner-level SPOF that no single site is.
    assert!(has(
        &r,
        "spof:entity:aptiv-juarez:ford-kentucky-truck:pickup-truck"
    ));
    assert!(has(
        &r,
        "spof:entity:borgwarner-kokomo:gm-factory-zero:electric-pickup"
    ));
    assert!(has(
        &r,
        "spof:owner:infineon:borgwarner-kokomo:ev-onboard-charger"
    ));
    assert!(!has(
        &r,
        "spof:entity:infineon-melaka:borgwarner-kokomo:ev-onboard-charger"
    ));
    // Capacity at risk: Infineon Villach leaves the charger 24%; Wingtech leaves Ford half.
    assert!(near(
        find(
            &r,
            "capacity_at_risk:entity:infineon-villach:borgwarner-kokomo:ev-onboard-charger"
        )
        .metric
        .value,
        0.24,
        0.005
    ));
    assert!(near(
        find(
            &r,
            "capacity_at_risk:owner:wingtech:ford-kentucky-truck:pickup-truck"
        )
        .metric
        .value,
        0.5,
        1e-9
    ));
    // Nexperia's sites are restricted only by the 50 percent rule, upstream of Ford.
    let f = find(
        &r,
        "restricted_party:entity:nexperia-dongguan:ford-kentucky-truck:pickup-truck",
    );
    assert!(matches!(&f.details, Details::Restricted { why } if why.contains("50 percent rule")));
    assert!(has(
        &r,
        "restricted_party:entity:smic-beijing:mahindra-chakan:electric-suv"
    ));
    // Asymmetry: India on China (0.99), the US on China (0.82 vs 0.28).
    assert!(near(
        find(&r, "asymmetric_dependency:country:IN:CN").metric.value,
        0.99,
        0.01
    ));
    let us = find(&r, "asymmetric_dependency:country:US:CN");
    assert!(near(us.metric.value, 0.82, 0.01));
    let Details::Asymmetry(ref a) = us.details else {
        panic!(
            "an asymmetry names its reverse dependency: {:?}",
            us.details
        );
    };
    assert!(near(a.reverse_dependency, 0.28, 0.01));
    assert!(near(
        exposure(&r, "ford-kentucky-truck", "pickup-truck"),
        0.77,
        0.01
    ));
    // The gallium SPOF's evidence says the Chinese primary gallium meets "primary or scrap".
    let f = find(&r, "spof:country:CN:borgwarner-kokomo:ev-onboard-charger");
    let first = &f.evidence[0][0];
    assert_eq!(&*first.item, "gallium-primary");
    assert_eq!(first.substitutes().len(), 2);
    // Distributors: WPG carries half of Dixon's PMICs; Arrow brings in a US dependency.
    let f = find(&r, "capacity_at_risk:entity:wpg:dixon-noida:led-television");
    assert!(near(f.metric.value, 0.375, 1e-9));
    assert!(f.evidence[0][0].is_distributor());
    assert!(near(
        find(&r, "capacity_at_risk:country:US:dixon-noida:led-television")
            .metric
            .value,
        0.485,
        1e-9
    ));
    // Nothing new stops a product: no distributor is a single point of failure.
    for d in ["arrow", "avnet", "wt-micro", "future-electronics", "wpg"] {
        assert!(
            !r.findings
                .iter()
                .any(|f| f.kind == Kind::Spof && f.subject == d),
            "{d}"
        );
    }
}

#[test]
fn biologic_ingredients_headlines() {
    let r = report("biologic-ingredients");
    // Heparin: all of Gland's heparin API is Chinese.
    for p in [
        "gland-pharma:heparin-injection",
        "gland-pharma:enoxaparin-injection",
    ] {
        assert!(has(&r, &format!("spof:country:CN:{p}")));
        let (e, x) = p.split_once(':').unwrap();
        assert_eq!(exposure(&r, e, x), 1.0);
    }
    // Hospira: owner Hepalink is a SPOF though no single site is; CN leaves 0.176.
    assert!(has(&r, "spof:owner:hepalink:hospira:heparin-injection"));
    assert!(near(
        find(&r, "capacity_at_risk:country:CN:hospira:heparin-injection")
            .metric
            .value,
        0.176,
        0.001
    ));
    assert!(near(
        exposure(&r, "hospira", "heparin-injection"),
        0.824,
        0.001
    ));
    // Sole sources.
    assert!(has(&r, "spof:entity:trilink:pfizer:mrna-vaccine-vial"));
    assert!(has(
        &r,
        "spof:entity:novo-bloomington:regeneron:aflibercept-hd-vial"
    ));
    assert!(has(
        &r,
        "spof:entity:aldevron-fargo:moderna:mrna-vaccine-vial"
    ));
    // Capacity at risk with hand-checked values from the README.
    assert!(near(
        find(
            &r,
            "capacity_at_risk:entity:cytiva-uppsala:regeneron:aflibercept-hd-vial"
        )
        .metric
        .value,
        0.187,
        0.001
    ));
    assert!(near(
        find(
            &r,
            "capacity_at_risk:owner:novo-nordisk:moderna:mrna-vaccine-vial"
        )
        .metric
        .value,
        1.0 / 3.0,
        0.001
    ));
    // Asymmetry: India on China flagged; the US, honestly, not.
    assert!(near(
        find(&r, "asymmetric_dependency:country:IN:CN").metric.value,
        0.611,
        0.001
    ));
    assert!(!has(&r, "asymmetric_dependency:country:US:CN"));
    // BGI Americas is restricted only through the 50 percent rule, upstream of Gennova.
    let f = find(
        &r,
        "restricted_party:entity:bgi-americas:gennova:mrna-vaccine-vial",
    );
    assert!(matches!(&f.details, Details::Restricted { why } if why.contains("50 percent rule")));
    assert!(near(f.metric.value, 0.625, 0.001));
    // Insulin makers with no untrusted supplier.
    for (e, x) in [
        ("eli-lilly", "insulin-pen"),
        ("novo-nordisk", "insulin-pen"),
        ("sanofi", "insulin-pen"),
    ] {
        assert_eq!(exposure(&r, e, x), 0.0);
    }
    // The lowest coverage is CSPC's vaccine, about half mapped.
    let lowest = r
        .products
        .iter()
        .min_by(|a, b| a.coverage.total_cmp(&b.coverage))
        .unwrap();
    assert_eq!(
        (lowest.entity.as_str(), lowest.item.as_str()),
        ("cspc", "mrna-vaccine-vial")
    );
    assert!(near(lowest.coverage, 0.51, 0.01));
    // The wholesalers receive US heparin 85% dependent on untrusted hands; China leaves 0.147.
    for w in ["mckesson", "cencora", "cardinal-health"] {
        assert!(near(exposure(&r, w, "heparin-injection"), 0.853, 0.001));
        assert_eq!(exposure(&r, w, "insulin-pen"), 0.0);
        let f = find(
            &r,
            &format!("capacity_at_risk:country:CN:{w}:heparin-injection"),
        );
        assert!(near(f.metric.value, 0.147, 0.001));
        assert!(f.evidence[0].last().unwrap().is_distributor());
    }
    // Vials are one requirement of two glasses; bovine heparin is an unqualified alternate,
    // so Gland's heparin API stays all Chinese.
    let vials = r
        .concentration
        .iter()
        .find(|c| &*c.buyer == "pfizer" && &*c.item == "glass-vial|valor-glass-vial")
        .unwrap();
    assert_eq!(vials.suppliers, 2);
    let api = r
        .concentration
        .iter()
        .find(|c| {
            &*c.buyer == "gland-pharma"
                && &*c.item == "heparin-sodium-api|heparin-sodium-api-bovine"
        })
        .unwrap();
    assert_eq!((api.country_hhi, api.untrusted_share), (1.0, 1.0));
}
