//! Hand-worked examples for every finding kind, on `tests/fixtures/mini`.
//!
//! The fixture, by hand:
//!
//! ```text
//! oem-us (US) makes chip <- die:    fab-tw (TW) 0.6, fab-cn (CN) 0.4   [wafer-de: unqualified]
//! fab-tw makes die <- wafer:        wafer-jp 0.5, wafer-de (blank -> 0.5)
//!                  <- resist:       resist-jp 1
//! fab-cn makes die <- wafer:        wafer-jp 1;   resist: UNMAPPED
//! wafer-jp makes wafer <- gallium:  ga-cn 1
//! wafer-de makes wafer <- gallium:  ga-cn 0.5 (coverage 0.5, rescaled to 1)
//! parent-jp owns wafer-jp 1 and resist-jp 0.8; parent-cn owns 0.3 of fab-cn.
//! ga-cn is listed by id; parent-cn is listed by name ("Mainland Holdings Co. Ltd").
//! End products: oem-us chip (revenue 1,000,000, 45 days), fab-cn die (500,000, 20 days).
//! ```

use std::path::Path;
use tierscope::analysis::findings::{Details, Finding, Kind, Severity, VisibilityDetails};
use tierscope::analysis::groups::Level;
use tierscope::analysis::{Report, Settings, analyze};
use tierscope::graph::ProductionGraph;

fn report(settings: &Settings) -> Report {
    let ds = tierscope::ingest::load(Path::new("tests/fixtures/mini"))
        .unwrap()
        .dataset;
    let g = ProductionGraph::build(&ds);
    analyze(&ds, &g, settings).unwrap()
}

fn find<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no finding {id}; have {:#?}", ids(r)))
}

fn ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn spof_at_every_level() {
    let r = report(&Settings::default());
    // ga-cn feeds every wafer (wafer-jp 1; wafer-de's only mapped gallium): both fabs stop.
    let f = find(&r, "spof:entity:ga-cn:oem-us:chip");
    assert_eq!(f.severity, Severity::Critical); // ga-cn is in an untrusted country
    assert_eq!(f.metric.value, 0.0);
    let path: Vec<&str> = f.evidence[0].iter().map(|n| &*n.entity).collect();
    assert_eq!(path.first(), Some(&"ga-cn"));
    assert_eq!(path.last(), Some(&"oem-us"));
    // parent-jp's group {parent-jp, wafer-jp, resist-jp}: fab-tw loses resist (0), fab-cn
    // loses its only wafer (0): chip 0.
    assert_eq!(
        find(&r, "spof:owner:parent-jp:oem-us:chip").severity,
        Severity::High
    );
    // Countries: CN (gallium) and JP (resist for fab-tw, wafer for fab-cn).
    find(&r, "spof:country:CN:oem-us:chip");
    find(&r, "spof:country:JP:oem-us:chip");
    find(&r, "spof:untrusted:untrusted:oem-us:chip");
    // fab-tw alone is not a spof (fab-cn keeps 0.4), nor is TW.
    assert!(!ids(&r).contains(&"spof:entity:fab-tw:oem-us:chip"));
    assert!(!ids(&r).contains(&"spof:country:TW:oem-us:chip"));
    // A product never blames its own group: fab-cn's die has no CN or untrusted spof.
    assert!(!ids(&r).contains(&"spof:country:CN:fab-cn:die"));
    assert!(!ids(&r).contains(&"spof:untrusted:untrusted:fab-cn:die"));
    // Owner groups of one entity are left to the entity level.
    assert!(!ids(&r).contains(&"spof:owner:ga-cn:oem-us:chip"));
}

#[test]
fn capacity_at_risk_with_hand_numbers() {
    let r = report(&Settings::default());
    // wafer-jp fails: fab-tw = 0.5*0 + 0.5*1 = 0.5; fab-cn = 0; chip = 0.6*0.5 + 0.4*0 = 0.3.
    let f = find(&r, "capacity_at_risk:entity:wafer-jp:oem-us:chip");
    assert!(close(f.metric.value, 0.3));
    assert_eq!(f.severity, Severity::Medium); // 0.3 > 0.25
    // fab-tw fails: chip = 0.4 (fab-cn's share).
    assert!(close(
        find(&r, "capacity_at_risk:entity:fab-tw:oem-us:chip")
            .metric
            .value,
        0.4
    ));
    // wafer-de fails: fab-tw = 0.5; chip = 0.6*0.5 + 0.4 = 0.7 > 0.5: not at risk.
    assert!(!ids(&r).contains(&"capacity_at_risk:entity:wafer-de:oem-us:chip"));
    // With a threshold of 0.2 (report losses of 20% or more), wafer-de's 30% loss appears.
    let r2 = report(&Settings {
        capacity_threshold: 0.2,
        ..Settings::default()
    });
    assert!(close(
        find(&r2, "capacity_at_risk:entity:wafer-de:oem-us:chip")
            .metric
            .value,
        0.7
    ));
}

#[test]
fn untrusted_exposure_and_paths() {
    let r = report(&Settings::default());
    // Untrusted: ga-cn, fab-cn, parent-cn (CN). All gallium is untrusted: chip 0.
    let f = find(&r, "untrusted_exposure:untrusted:untrusted:oem-us:chip");
    assert!(close(f.metric.value, 1.0));
    assert_eq!(f.severity, Severity::Critical);
    assert!(
        f.evidence
            .iter()
            .all(|p| &*p[0].entity == "ga-cn" || &*p[0].entity == "fab-cn")
    );
    // With CN trusted, nothing is untrusted except listed ga-cn and parent-cn: still 1.
    // Trusting JP changes nothing; the per-product exposure is in the product summary too.
    let p = r.products.iter().find(|p| p.entity == "oem-us").unwrap();
    assert!(close(p.untrusted_exposure, 1.0));
}

#[test]
fn restricted_party_upstream() {
    let r = report(&Settings::default());
    let f = find(&r, "restricted_party:entity:ga-cn:oem-us:chip");
    assert_eq!(f.severity, Severity::Critical); // ga-cn alone stops the chip
    assert!(matches!(&f.details, Details::Restricted { why } if why.contains("Entity List")));
    // parent-cn is restricted (by name) but makes nothing upstream.
    assert!(
        !ids(&r)
            .iter()
            .any(|id| id.starts_with("restricted_party:entity:parent-cn"))
    );
}

#[test]
fn concentration_hhi() {
    let r = report(&Settings::default());
    // oem-us die: TW 0.6, CN 0.4 -> HHI 0.36 + 0.16 = 0.52 > 0.4; untrusted share 0.4.
    let row = r
        .concentration
        .iter()
        .find(|c| &*c.buyer == "oem-us" && &*c.item == "die")
        .unwrap();
    assert!(close(row.country_hhi, 0.52));
    assert!(close(row.supplier_hhi, 0.52));
    assert!(close(row.untrusted_share, 0.4));
    assert_eq!(
        find(&r, "concentration:-:oem-us:die").severity,
        Severity::Medium
    );
    // fab-tw wafer: JP 0.5, DE 0.5 -> 0.5, concentrated, no untrusted share: low.
    assert_eq!(
        find(&r, "concentration:-:fab-tw:wafer").severity,
        Severity::Low
    );
    // With the threshold at 0.55, the 0.52 and 0.5 inputs are no longer flagged.
    let r2 = report(&Settings {
        hhi_threshold: 0.55,
        ..Settings::default()
    });
    assert!(!ids(&r2).contains(&"concentration:-:oem-us:die"));
    assert!(!ids(&r2).contains(&"concentration:-:fab-tw:wafer"));
}

#[test]
fn asymmetric_dependency() {
    let r = report(&Settings::default());
    // D(US, CN) = 1 - cap(chip | CN) = 1; D(CN, US) = 1 - cap(fab-cn die | US) = 0.
    let f = find(&r, "asymmetric_dependency:country:US:CN");
    assert!(close(f.metric.value, 1.0));
    assert_eq!(f.severity, Severity::Critical);
    let c = &r.asymmetry.countries;
    let (us, cn) = (
        c.iter().position(|x| x == "US").unwrap(),
        c.iter().position(|x| x == "CN").unwrap(),
    );
    assert_eq!(r.asymmetry.d[us][cn], Some(1.0));
    assert_eq!(r.asymmetry.d[cn][us], Some(0.0));
    // D(CN, JP) = 1 (wafer-jp is fab-cn's only wafer) but JP is trusted: not flagged.
    let jp = c.iter().position(|x| x == "JP").unwrap();
    assert_eq!(r.asymmetry.d[cn][jp], Some(1.0));
    assert!(!ids(&r).contains(&"asymmetric_dependency:country:CN:JP"));
}

#[test]
fn visibility_gap_and_coverage() {
    let r = report(&Settings::default());
    // fab-cn die upstream: fab-cn (wafer 1, resist 0), wafer-jp (gallium 1) -> (1+0+1)/3.
    let f = find(&r, "visibility_gap:-:fab-cn:fab-cn:die");
    assert!(close(f.metric.value, 2.0 / 3.0));
    assert_eq!(f.severity, Severity::Medium);
    // oem-us chip upstream: oem-us (die 1), fab-tw (wafer 1, resist 1), fab-cn (wafer 1,
    // resist 0), wafer-jp (gallium 1), wafer-de (gallium 0.5): 5.5 / 7.
    let p = r.products.iter().find(|p| p.entity == "oem-us").unwrap();
    assert!(close(p.coverage, 5.5 / 7.0));
    let Details::Visibility(v) = &f.details else {
        panic!("a visibility gap lists its gaps: {:?}", f.details);
    };
    let VisibilityDetails {
        gaps,
        unmapped_inputs,
        partly_mapped_inputs,
    } = &**v;
    assert_eq!((*unmapped_inputs, *partly_mapped_inputs), (1, 0));
    assert_eq!(
        gaps.iter()
            .map(|g| (&*g.entity, &*g.item, &*g.input, g.coverage))
            .collect::<Vec<_>>(),
        [("fab-cn", "die", "resist", 0.0)]
    );
}

#[test]
fn time_exposure_revenue_at_risk() {
    let r = report(&Settings::default());
    // wafer-jp: TTR 200 > TTS 45; cap(chip | wafer-jp) = 0.3.
    // revenue at risk = 1,000,000 / 365 * (200 - 45) * (1 - 0.3) = 297,260.27...
    let f = find(&r, "time_exposure:entity:wafer-jp:oem-us:chip");
    assert!(close(f.metric.value, 1_000_000.0 / 365.0 * 155.0 * 0.7));
    assert_eq!(f.severity, Severity::High); // loses 70%
    // resist-jp: TTR 60 > 45, cap 0.4: 1e6/365*15*0.6.
    assert!(close(
        find(&r, "time_exposure:entity:resist-jp:oem-us:chip")
            .metric
            .value,
        1_000_000.0 / 365.0 * 15.0 * 0.6
    ));
    // oem-us's own TTR is never counted against its own product.
    assert!(!ids(&r).contains(&"time_exposure:entity:oem-us:oem-us:chip"));
}

#[test]
fn levels_and_product_filters() {
    let r = report(&Settings {
        levels: vec![Level::Country],
        ..Settings::default()
    });
    assert!(
        r.findings
            .iter()
            .all(|f| f.level.is_none() || f.level == Some(Level::Country))
    );
    assert!(r.findings.iter().any(|f| f.kind == Kind::Spof));
    let r = report(&Settings {
        product: Some("fab-cn:die".into()),
        ..Settings::default()
    });
    assert!(
        r.findings
            .iter()
            .all(|f| f.product.as_ref().is_none_or(|p| &*p.entity == "fab-cn"))
    );
    assert_eq!(r.products.len(), 1);
}

#[test]
fn every_finding_kind_appears_and_ids_are_unique() {
    let r = report(&Settings::default());
    // A common cause needs supplier profiles (tests/profile_disclose.rs).
    for kind in Kind::ALL.into_iter().filter(|&k| k != Kind::CommonCause) {
        assert!(r.findings.iter().any(|f| f.kind == kind), "no {kind:?}");
    }
    let mut all = ids(&r);
    all.sort();
    let n = all.len();
    all.dedup();
    assert_eq!(all.len(), n, "finding ids are not unique");
    // The same input gives the same report.
    assert_eq!(r, report(&Settings::default()));
}

/// A metric's name is one of a handful the analyses use, made without an allocation of its
/// own: half a million findings of a national-scale report would otherwise each allocate one
/// (13 MiB at 1M supply rows, `benches/README.md`).
#[test]
fn metric_names_are_static_not_allocated_per_finding() {
    let mut names = std::collections::BTreeSet::new();
    // The mini fixture once more without revenues: its time exposures then count days.
    for (dir, revenue) in [
        ("tests/fixtures/mini", true),
        ("tests/fixtures/mini", false),
        ("datasets/legacy-semiconductors", true),
        ("datasets/biologic-ingredients", true),
    ] {
        let mut ds = tierscope::ingest::load(Path::new(dir)).unwrap().dataset;
        if !revenue {
            for p in &mut ds.products {
                p.annual_revenue = None;
            }
        }
        let g = ProductionGraph::build(&ds);
        let r = analyze(&ds, &g, &Settings::default()).unwrap();
        for f in &r.findings {
            assert!(
                tierscope::analysis::findings::Id::is_static(&f.metric.name),
                "{dir}: {} has an allocated metric name {}",
                f.id,
                f.metric.name
            );
            names.insert(f.metric.name.to_string());
        }
    }
    // Every kind's metric is among them, both of a time exposure's included.
    for name in [
        "capacity",
        "exposure",
        "coverage",
        "dependency",
        "country_hhi",
        "revenue_at_risk",
        "days_uncovered",
    ] {
        assert!(
            names.contains(name),
            "no finding with metric {name}: {names:?}"
        );
    }
}

/// A concentration finding's details are its row's numbers, held once: the finding and the
/// report's row share them. The row reads and writes in the report JSON as one object of its
/// documented fields, in their order, and reads back as itself.
#[test]
fn concentration_rows_share_their_numbers_with_their_findings_and_round_trip() {
    let r = report(&Settings::default());
    let mut shared = 0;
    for f in r.findings.iter().filter(|f| f.kind == Kind::Concentration) {
        let Details::Concentration(d) = &f.details else {
            panic!("a concentration finding without its details: {}", f.id);
        };
        let row = r
            .concentration
            .iter()
            .find(|row| row.buyer == d.buyer && row.item == d.item)
            .expect("the finding's row");
        assert!(std::sync::Arc::ptr_eq(&row.spread, d), "{}", f.id);
        assert_eq!(f.metric.value, row.country_hhi);
        shared += 1;
    }
    assert!(shared > 0, "the mini fixture has concentration findings");
    for row in &r.concentration {
        let json = serde_json::to_value(row).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = vec!["buyer", "item"];
        if !row.substitutes.is_empty() {
            want.push("substitutes");
        }
        want.extend(["suppliers", "supplier_hhi", "country_hhi"]);
        if row.hhi_wgi.is_some() {
            want.push("hhi_wgi");
        }
        want.extend(["untrusted_share", "top_country", "top_country_share"]);
        // serde_json's map keeps the order only with preserve_order; compare as sets, and the
        // order on the text.
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        let mut sorted_want = want.clone();
        sorted_want.sort_unstable();
        assert_eq!(sorted_keys, sorted_want);
        let text = serde_json::to_string(row).unwrap();
        let at: Vec<usize> = want
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        let back: tierscope::analysis::ConcentrationRow = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, row);
    }
}
