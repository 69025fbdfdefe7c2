//! Severity that follows consequences (issue #17): revenue at risk, exposure bands, critical
//! items, and the documented columns that feed the analysis (`governance`, `lead_time_days`;
//! `quantity` is informational). Each dataset here is written by hand, in a temp folder.
//!
//! The chain: a maker in the US (`oem`) builds `car` from `part`; `part` comes from a trusted
//! Japanese supplier and an untrusted Chinese one (shares set per test); the Japanese supplier
//! needs `metal` from a German smelter.

use std::path::Path;
use tierscope::analysis::findings::{Details, Finding, Kind, Severity, TimeDetails};
use tierscope::analysis::groups::Level;
use tierscope::analysis::severity::SeverityRules;
use tierscope::analysis::{Report, Settings, analyze};
use tierscope::graph::ProductionGraph;

/// What varies between the datasets of these tests.
#[derive(Clone)]
struct Data {
    /// Shares of `part` from Japan and from China.
    jp: f64,
    cn: f64,
    revenue: &'static str,
    /// `items.critical` of `car`, and of `metal`.
    critical: bool,
    critical_metal: bool,
    /// `countries.governance` of JP and CN.
    governance: (&'static str, &'static str),
    /// `supply.lead_time_days` of the Japanese supplier's row.
    lead_time: &'static str,
    /// `bom.quantity` of car <- part.
    quantity: &'static str,
}

impl Default for Data {
    fn default() -> Data {
        Data {
            jp: 0.5,
            cn: 0.5,
            revenue: "1000000",
            critical: false,
            critical_metal: false,
            governance: ("", ""),
            lead_time: "",
            quantity: "",
        }
    }
}

fn row(supplier: &str, share: f64, lead_time: &str) -> String {
    if share > 0.0 {
        format!("{supplier},oem,part,{share},{lead_time}\n")
    } else {
        String::new()
    }
}

fn write(dir: &Path, d: &Data) {
    let files = [
        (
            "countries.csv",
            format!(
                "code,trust,name,governance\nUS,trusted,United States,\nJP,trusted,Japan,{}\nCN,untrusted,China,{}\nDE,trusted,Germany,\n",
                d.governance.0, d.governance.1
            ),
        ),
        (
            "entities.csv",
            // The Japanese supplier has no recovery_days: only its lead time can stand in.
            "id,name,country,recovery_days\noem,OEM Inc,US,\npart-jp,Parts KK,JP,\npart-cn,Parts Co,CN,200\nsmelter-de,Smelter GmbH,DE,\n"
                .into(),
        ),
        (
            "items.csv",
            format!(
                "id,name,critical\ncar,Car,{}\npart,Part,false\nmetal,Metal,{}\n",
                d.critical, d.critical_metal
            ),
        ),
        (
            "bom.csv",
            format!("item,input,quantity\ncar,part,{}\npart,metal,\n", d.quantity),
        ),
        (
            "supply.csv",
            // A share of 0 is no row (shares are in (0, 1]).
            format!(
                "supplier,buyer,item,share,lead_time_days\n{}{}smelter-de,part-jp,metal,1,\n",
                row("part-jp", d.jp, d.lead_time),
                row("part-cn", d.cn, "")
            ),
        ),
        (
            "products.csv",
            format!(
                "entity,item,annual_revenue,inventory_days\noem,car,{},30\n",
                d.revenue
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn run(d: &Data, settings: &Settings) -> Report {
    // The same folder name every time: the report names its dataset by it.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, d);
    let ds = tierscope::ingest::load(&dir).unwrap().dataset;
    let g = ProductionGraph::build(&ds);
    analyze(&ds, &g, settings).unwrap()
}

fn report(d: &Data) -> Report {
    run(d, &Settings::default())
}

fn find<'a>(r: &'a Report, kind: Kind, level: Option<Level>, subject: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.kind == kind && f.level == level && f.subject == subject)
        .unwrap_or_else(|| {
            let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
            panic!("no {kind:?} {level:?} {subject} among {ids:?}")
        })
}

fn json(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

/// Half of the car's part comes from China: China's failure leaves half the capacity, which
/// is `medium` capacity at risk on a small revenue, and rises with the revenue at risk,
/// revenue x (1 - capacity kept).
#[test]
fn a_large_revenue_at_risk_raises_severity() {
    let cases = [
        ("1000000", 5e5, Severity::Medium),
        ("3000000000", 1.5e9, Severity::High),
        ("30000000000", 1.5e10, Severity::Critical),
    ];
    for (revenue, at_risk, severity) in cases {
        let r = report(&Data {
            revenue,
            ..Data::default()
        });
        let f = find(&r, Kind::CapacityAtRisk, Some(Level::Country), "CN");
        assert_eq!(f.metric.value, 0.5);
        assert_eq!(f.revenue_at_risk, Some(at_risk), "{revenue}");
        assert_eq!(f.severity, severity, "{revenue}");
    }
    // Without a revenue there is no revenue at risk, and the kind's rule alone decides.
    let r = report(&Data {
        revenue: "",
        ..Data::default()
    });
    let f = find(&r, Kind::CapacityAtRisk, Some(Level::Country), "CN");
    assert_eq!((f.revenue_at_risk, f.severity), (None, Severity::Medium));
    assert!(!json(&r).contains("revenue_at_risk\": "), "{}", json(&r));
}

/// The revenue at risk of each kind: all of it for a single point of failure, the exposed
/// part for untrusted exposure, the uncovered days for time exposure.
#[test]
fn revenue_at_risk_follows_the_capacity_each_finding_removes() {
    let r = report(&Data {
        jp: 1.0,
        cn: 0.0,
        revenue: "3650000",
        ..Data::default()
    });
    // Japan alone supplies the part: a single point of failure takes all the revenue.
    let spof = find(&r, Kind::Spof, Some(Level::Entity), "part-jp");
    assert_eq!(spof.revenue_at_risk, Some(3_650_000.0));
    let r = report(&Data {
        jp: 0.25,
        cn: 0.75,
        revenue: "3650000",
        ..Data::default()
    });
    let exposure = find(
        &r,
        Kind::UntrustedExposure,
        Some(Level::Untrusted),
        "untrusted",
    );
    assert_eq!(exposure.metric.value, 0.75);
    assert_eq!(exposure.revenue_at_risk, Some(3_650_000.0 * 0.75));
    // The Chinese supplier needs 200 days, the stock lasts 30: 170 days at 25 % capacity.
    let time = find(&r, Kind::TimeExposure, Some(Level::Entity), "part-cn");
    let expected = 3_650_000.0 / 365.0 * 170.0 * 0.75;
    assert!((time.revenue_at_risk.unwrap() - expected).abs() < 1e-6);
    assert_eq!(time.revenue_at_risk, Some(time.metric.value));
}

/// 97 % and 100 % untrusted exposure both leave the product unable to meet its demand: the
/// same band (`critical`), not `high` against `critical`. The bands are configurable.
#[test]
fn exposure_bands_put_97_and_100_percent_together() {
    let exposure = |cn: f64, settings: &Settings| {
        let r = run(
            &Data {
                jp: 1.0 - cn,
                cn,
                ..Data::default()
            },
            settings,
        );
        let f = find(
            &r,
            Kind::UntrustedExposure,
            Some(Level::Untrusted),
            "untrusted",
        );
        assert!((f.metric.value - cn).abs() < 1e-9);
        f.severity
    };
    let defaults = Settings::default();
    assert_eq!(exposure(0.97, &defaults), Severity::Critical);
    assert_eq!(exposure(1.0, &defaults), Severity::Critical);
    assert_eq!(exposure(0.6, &defaults), Severity::High);
    assert_eq!(exposure(0.3, &defaults), Severity::Medium);
    assert_eq!(exposure(0.1, &defaults), Severity::Low);
    // A table with the old cliff puts them apart again.
    let cliff = Settings {
        severity: SeverityRules {
            exposure_critical: 1.0,
            ..SeverityRules::default()
        },
        ..Settings::default()
    };
    assert_eq!(exposure(0.97, &cliff), Severity::High);
    assert_eq!(exposure(1.0, &cliff), Severity::Critical);
}

/// The revenue thresholds are the settings' own: lowered, the same finding is critical.
#[test]
fn settings_override_the_revenue_thresholds() {
    let low = Settings {
        severity: SeverityRules {
            revenue_medium: 1000.0,
            revenue_high: 2000.0,
            revenue_critical: 400_000.0,
            ..SeverityRules::default()
        },
        ..Settings::default()
    };
    let r = run(&Data::default(), &low);
    let f = find(&r, Kind::CapacityAtRisk, Some(Level::Country), "CN");
    assert_eq!(f.severity, Severity::Critical);
    // The report says which table it used when it is not the default.
    let text = json(&r);
    assert!(text.contains("\"revenue_critical\": 400000.0"), "{text}");
    assert!(!json(&report(&Data::default())).contains("revenue_critical"));
}

/// `items.critical` on the product raises its findings by one level, up to `medium` by
/// default; flipping it changes the output.
#[test]
fn a_critical_item_raises_its_findings() {
    let data = Data {
        jp: 0.9,
        cn: 0.1,
        ..Data::default()
    };
    let plain = report(&data);
    let critical = report(&Data {
        critical: true,
        ..data.clone()
    });
    let low = find(
        &plain,
        Kind::UntrustedExposure,
        Some(Level::Untrusted),
        "untrusted",
    );
    assert_eq!(low.severity, Severity::Low);
    let raised = find(
        &critical,
        Kind::UntrustedExposure,
        Some(Level::Untrusted),
        "untrusted",
    );
    assert_eq!(raised.severity, Severity::Medium);
    assert!(json(&plain) != json(&critical));
    // The ceiling is a setting: up to critical, a `medium` becomes `high`.
    let strong = Settings {
        severity: SeverityRules {
            critical_item_max: Severity::Critical,
            ..SeverityRules::default()
        },
        ..Settings::default()
    };
    let r = run(
        &Data {
            critical: true,
            ..Data::default()
        },
        &strong,
    );
    let f = find(&r, Kind::CapacityAtRisk, Some(Level::Country), "CN");
    assert_eq!(f.severity, Severity::High);
}

/// A concentration whose input is a critical item is raised too: the German smelter, sole
/// source of the metal, is a `low` concentration (no untrusted supplier), `medium` when the
/// metal is critical.
#[test]
fn a_critical_input_raises_its_concentration() {
    let severity = |critical_metal: bool| {
        let r = report(&Data {
            critical_metal,
            ..Data::default()
        });
        find(&r, Kind::Concentration, None, "part-jp:metal").severity
    };
    assert_eq!(severity(false), Severity::Low);
    assert_eq!(severity(true), Severity::Medium);
}

/// `countries.governance` gives the EU HHI_WGI beside the plain HHI: Σ s² × (100 − g) / 10.
#[test]
fn governance_gives_hhi_wgi_beside_the_hhi() {
    let data = Data {
        jp: 0.25,
        cn: 0.75,
        ..Data::default()
    };
    let plain = report(&data);
    let scored = report(&Data {
        governance: ("90", "30"),
        ..data.clone()
    });
    let subject = "oem:part";
    let f = find(&scored, Kind::Concentration, None, subject);
    let Details::Concentration(d) = &f.details else {
        panic!("{:?}", f.details)
    };
    let expected = 0.25f64.powi(2) * 1.0 + 0.75f64.powi(2) * 7.0;
    assert!(
        (d.hhi_wgi.unwrap() - expected).abs() < 1e-9,
        "{:?}",
        d.hhi_wgi
    );
    assert!(f.message.contains("HHI-WGI 4.00"), "{}", f.message);
    let row = scored
        .concentration
        .iter()
        .find(|r| &*r.buyer == "oem")
        .unwrap();
    assert_eq!(row.hhi_wgi, d.hhi_wgi);
    // Without scores, none; with one country unscored, none either (it would read low).
    let f = find(&plain, Kind::Concentration, None, subject);
    assert!(!f.message.contains("HHI-WGI"));
    let half = report(&Data {
        governance: ("90", ""),
        ..data.clone()
    });
    let row = half
        .concentration
        .iter()
        .find(|r| &*r.buyer == "oem")
        .unwrap();
    assert_eq!(row.hhi_wgi, None);
    assert!(json(&plain) != json(&scored));
    // A governance cell that is not a score 0..100 is text for people.
    let text = report(&Data {
        governance: ("high", "130"),
        ..data
    });
    assert!(
        json(&text) == json(&plain),
        "a text governance changed the report"
    );
}

/// `supply.lead_time_days` stands in for a supplier's missing `recovery_days`, marked as the
/// weaker estimate; without it the supplier has no time exposure.
#[test]
fn lead_time_feeds_time_exposure_as_the_weaker_estimate() {
    let data = Data {
        jp: 0.5,
        cn: 0.5,
        ..Data::default()
    };
    let plain = report(&data);
    assert!(
        !plain
            .findings
            .iter()
            .any(|f| f.kind == Kind::TimeExposure && f.subject == "part-jp")
    );
    let with = report(&Data {
        lead_time: "90",
        ..data
    });
    let f = find(&with, Kind::TimeExposure, Some(Level::Entity), "part-jp");
    let Details::Time(t) = &f.details else {
        panic!("{:?}", f.details)
    };
    let TimeDetails {
        lead_time_estimate,
        time_to_recover_days,
        ..
    } = **t;
    assert!(lead_time_estimate);
    assert_eq!(time_to_recover_days, 90.0);
    assert!(f.message.contains("weaker estimate"), "{}", f.message);
    // A supplier with a recovery time keeps it, unmarked.
    let cn = find(&with, Kind::TimeExposure, Some(Level::Entity), "part-cn");
    assert!(matches!(
        &cn.details,
        Details::Time(t) if !t.lead_time_estimate && t.time_to_recover_days == 200.0
    ));
    assert!(json(&with).contains("\"lead_time_estimate\": true"));
    assert!(!json(&plain).contains("lead_time_estimate"));
    // The weaker estimate counts only for a heavy loss: losing the Japanese 30 % leaves 70 %.
    let light = report(&Data {
        jp: 0.3,
        cn: 0.7,
        lead_time: "90",
        ..Data::default()
    });
    assert!(
        !light
            .findings
            .iter()
            .any(|f| f.kind == Kind::TimeExposure && f.subject == "part-jp")
    );
}

/// `bom.quantity` is informational (documented so): the analysis is about which inputs are
/// needed, not how many, and the report is the same whatever the quantity.
#[test]
fn bom_quantity_is_informational() {
    let one = report(&Data {
        quantity: "1",
        ..Data::default()
    });
    let many = report(&Data {
        quantity: "250",
        ..Data::default()
    });
    assert!(json(&one) == json(&many), "the quantity changed the report");
}

/// A baseline made under rules 3 still compares finding by finding (ids did not change): the
/// gate names the change of rules, and a finding whose severity rose under the new table
/// counts as worse with `--fail-on-new`.
#[test]
fn a_baseline_of_the_old_rules_names_the_change_and_counts_rises_as_worse() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    write(
        &dir,
        &Data {
            revenue: "30000000000",
            ..Data::default()
        },
    );
    let tierscope = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .args(args)
            .output()
            .unwrap()
    };
    let data = dir.to_str().unwrap();
    let now = tierscope(&["analyze", data, "--format", "json"]);
    let mut old: serde_json::Value = serde_json::from_slice(&now.stdout).unwrap();
    // As rules 3 saw it: China's failure, with half the car left, was `medium`.
    let id = "capacity_at_risk:country:CN:oem:car";
    old["rules_version"] = 3.into();
    let finding = old["findings"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["id"] == id)
        .unwrap();
    assert_eq!(finding["severity"], "critical", "$15B at risk");
    finding["severity"] = "medium".into();
    let baseline = tmp.path().join("baseline.json");
    std::fs::write(&baseline, serde_json::to_vec(&old).unwrap()).unwrap();
    let o = tierscope(&[
        "analyze",
        data,
        "--baseline",
        baseline.to_str().unwrap(),
        "--fail-on",
        "critical",
        "--fail-on-new",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("analysis rules 3 -> 4"), "{err}");
    assert!(
        err.contains(&format!("critical {id}  [ROSE from medium]")),
        "{err}"
    );
}
