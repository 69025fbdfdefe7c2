use super::*;

#[test]
fn money_moves_by_a_relative_tolerance_and_fractions_by_an_absolute_one() {
    let t = Tolerance::default();
    // 7.8% less: moved; 4% less: not.
    assert!(t.moved("revenue_at_risk", 2_086_027.4, 1_923_287.7));
    assert!(!t.moved("revenue_at_risk", 2_000_000.0, 1_920_000.0));
    // A dollar on a small amount is not a fraction's 0.01.
    assert!(!t.moved("revenue_at_risk", 100.0, 101.0));
    assert!(t.moved("revenue_at_risk", 0.0, 1.0));
    assert!(t.moved("capacity", 0.5, 0.52));
    assert!(!t.moved("capacity", 0.5, 0.505));
}

#[test]
fn the_counterpart_of_a_finding_is_the_other_kind_for_the_same_risk() {
    assert_eq!(
        counterpart("capacity_at_risk:country:CN:oem-us:chip"),
        Some(("spof:country:CN:oem-us:chip".into(), Change::DeEscalated))
    );
    assert_eq!(
        counterpart("spof:entity:a:b:c"),
        Some(("capacity_at_risk:entity:a:b:c".into(), Change::Escalated))
    );
    assert_eq!(
        counterpart("untrusted_exposure:untrusted:untrusted:a:b"),
        None
    );
    assert_eq!(counterpart("spofx:entity:a:b:c"), None);
}

fn finding(id: &str, severity: Severity, value: f64) -> OldFinding {
    OldFinding {
        id: id.into(),
        kind: id.split(':').next().unwrap().into(),
        severity,
        subject: String::new(),
        product: None,
        metric: OldMetric {
            name: if id.starts_with("time_exposure") {
                "revenue_at_risk".into()
            } else {
                "capacity".into()
            },
            value,
        },
        message: String::new(),
        waived: false,
    }
}

fn run(dataset: &str, findings: Vec<OldFinding>) -> RunFindings {
    RunFindings {
        schema_version: 1,
        rules_version: 2,
        tool: "t".into(),
        dataset: dataset.into(),
        input: None,
        settings: serde_json::Value::Null,
        findings,
    }
}

#[test]
fn a_kind_change_is_escalated_or_de_escalated_not_added_and_resolved() {
    let old = run(
        "d",
        vec![
            finding("capacity_at_risk:country:CN:p:x", Severity::High, 0.2),
            finding("spof:entity:s:p:x", Severity::High, 0.0),
            finding("spof:entity:gone:p:x", Severity::High, 0.0),
            finding("time_exposure:entity:s:p:x", Severity::Medium, 2_086_027.4),
        ],
    );
    let new = run(
        "d",
        vec![
            finding("spof:country:CN:p:x", Severity::Critical, 0.0),
            finding("capacity_at_risk:entity:s:p:x", Severity::Medium, 0.4),
            finding("capacity_at_risk:entity:t:p:x", Severity::Medium, 0.4),
            finding("time_exposure:entity:s:p:x", Severity::Medium, 1_923_287.7),
        ],
    );
    let c = compare(&old, &new, Tolerance::default());
    let ids = |l: &[OldFinding]| l.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&c.added), ["capacity_at_risk:entity:t:p:x"]);
    assert_eq!(ids(&c.resolved), ["spof:entity:gone:p:x"]);
    assert_eq!(c.escalated.len(), 1);
    assert_eq!(c.escalated[0].old.id, "capacity_at_risk:country:CN:p:x");
    assert_eq!(c.escalated[0].new.id, "spof:country:CN:p:x");
    assert_eq!(c.de_escalated.len(), 1);
    assert_eq!(c.de_escalated[0].old.id, "spof:entity:s:p:x");
    assert_eq!(c.standing, 1);
    assert_eq!(c.metric_moved.len(), 1);
    // The escalation counts as worse, the de-escalation does not.
    let worse: Vec<Severity> = c.worse().collect();
    assert_eq!(worse, [Severity::Medium, Severity::Critical]);
    let text = c.to_text("a.json", "b.json");
    assert!(
        text.contains("1 added, 1 resolved, 1 escalated, 1 de-escalated"),
        "{text}"
    );
    assert!(
        text.contains("high -> critical  capacity_at_risk -> spof  spof:country:CN:p:x"),
        "{text}"
    );
    assert!(
        text.contains("time_exposure:entity:s:p:x  revenue_at_risk $2.09M -> $1.92M"),
        "{text}"
    );
    assert!(!text.contains("WARNING"), "{text}");
}

#[test]
fn another_dataset_is_said_first() {
    let c = compare(&run("a", vec![]), &run("b", vec![]), Tolerance::default());
    assert_eq!(
        c.other_dataset,
        Some(OtherDataset {
            old: "a".into(),
            new: "b".into()
        })
    );
    let text = c.to_text("x.json", "y.json");
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("WARNING: x.json is of dataset a, y.json is of dataset b"),
        "{text}"
    );
    // The same files under another folder name are the same dataset.
    let ident = InputIdentity::of(Vec::new());
    let mut a = run("a", vec![]);
    a.input = Some(ident.clone());
    assert_eq!(OtherDataset::of(&a, "b", Some(&ident)), None);
    // A report that does not name its dataset is not taken for another.
    assert_eq!(OtherDataset::of(&run("", vec![]), "b", None), None);
}

#[test]
fn a_waiver_in_a_baseline_is_read_as_waived() {
    let f: OldFinding = serde_json::from_str(
            r#"{"id": "x", "kind": "spof", "severity": "high", "metric": {"name": "capacity", "value": 0},
                "waiver": {"id": "x", "reason": "r", "expires": "2027-01-01"}}"#,
        )
        .unwrap();
    assert!(f.waived);
    let f: OldFinding = serde_json::from_str(
            r#"{"id": "x", "kind": "spof", "severity": "high", "metric": {"name": "capacity", "value": 0}}"#,
        )
        .unwrap();
    assert!(!f.waived);
}
