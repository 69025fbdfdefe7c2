//! The real binary: `analyze` and `whatif` on the mini fixture.

use std::process::{Command, Output};
use tierscope::analysis::Report;
use tierscope::analysis::findings::Kind;

const MINI: &str = "tests/fixtures/mini";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn analyze_json_decodes_into_the_report_type() {
    let o = run(&["analyze", MINI, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Report = serde_json::from_slice(&o.stdout).expect("report JSON");
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.dataset, "mini");
    assert_eq!(report.products.len(), 2);
    assert_eq!(report.summary.findings, report.findings.len());
    let counted: usize = report.summary.by_kind.values().sum();
    assert_eq!(counted, report.findings.len());
    assert!(report.findings.iter().any(|f| f.kind == Kind::Spof));
    // Field names of DATA-MODEL.md.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["findings"][0];
    for key in ["id", "kind", "severity", "subject", "metric", "evidence"] {
        assert!(f.get(key).is_some(), "finding has no {key}: {f}");
    }
    assert!(f["metric"]["name"].is_string() && f["metric"]["value"].is_number());
}

#[test]
fn analyze_text_ranks_critical_first() {
    let o = run(&["analyze", MINI]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let first = text
        .lines()
        .find(|l| l.trim_start().starts_with("critical") || l.trim_start().starts_with("high"))
        .unwrap();
    assert!(first.trim_start().starts_with("critical"), "{first}");
    assert!(text.contains("spof:country:CN:oem-us:chip"));
}

#[test]
fn fail_on_sets_exit_code_1() {
    assert_eq!(
        run(&["analyze", MINI, "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
    // `--level owner` keeps owner-level findings and those without a level (concentration,
    // visibility gaps): parent-jp's spof is high (trusted), the all-CN gallium concentration
    // is high, nothing is critical.
    let o = run(&["analyze", MINI, "--level", "owner", "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["analyze", MINI, "--level", "owner", "--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn trust_overrides_change_the_answer() {
    // CN trusted: fab-cn and parent-cn are no longer untrusted, but ga-cn is still listed.
    let o = run(&["analyze", MINI, "--trust", "CN", "--format", "json"]);
    let r: Report = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !r.findings
            .iter()
            .any(|f| f.id == "asymmetric_dependency:country:US:CN")
    );
    // JP untrusted: the CN product now depends on an untrusted JP.
    let o = run(&["analyze", MINI, "--untrust", "JP", "--format", "json"]);
    let r: Report = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        r.findings
            .iter()
            .any(|f| f.id == "untrusted_exposure:untrusted:untrusted:fab-cn:die")
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["analyze", MINI, "--untrust", "XX"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown country code XX"),
        "{}",
        stderr(&o)
    );
    let o = run(&["analyze", MINI, "--product", "oem-us:nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected one of: fab-cn:die, oem-us:chip"),
        "{}",
        stderr(&o)
    );
    let o = run(&["analyze", MINI, "--capacity-threshold", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["whatif", MINI, "--fail", "planet:earth"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected entity:ID"), "{}", stderr(&o));
    let o = run(&["whatif", MINI, "--fail", "entity:fab-tx"]);
    assert!(
        stderr(&o).contains("did you mean `fab-tw`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn whatif_json_applies_the_failure_as_given() {
    // Failing Japan: parent-jp, wafer-jp, resist-jp. fab-tw: wafer 0.5*0 + 0.5*1 = 0.5 but
    // resist 0 -> 0; fab-cn: wafer 0 -> 0; chip 0. The CN die also stops.
    let o = run(&["whatif", MINI, "--fail", "country:JP", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["failed"],
        serde_json::json!(["parent-jp", "resist-jp", "wafer-jp"])
    );
    assert_eq!(v["products"][0]["entity"], "fab-cn");
    assert_eq!(v["products"][0]["capacity"], 0.0);
    assert_eq!(v["products"][1]["capacity"], 0.0);
    // The product's own entity counts here: failing fab-cn stops its own die; the chip keeps
    // fab-tw's 0.6.
    let o = run(&[
        "whatif",
        MINI,
        "--fail",
        "entity:fab-cn",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["products"][0]["capacity"], 0.0);
    assert_eq!(v["products"][1]["capacity"], 0.6);
    // owner:parent-jp is parent-jp with wafer-jp and resist-jp (0.8 > 0.5).
    let o = run(&[
        "whatif",
        MINI,
        "--fail",
        "owner:parent-jp",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["failed"],
        serde_json::json!(["parent-jp", "resist-jp", "wafer-jp"])
    );
    // untrusted: ga-cn (listed, CN), fab-cn and parent-cn (CN).
    let o = run(&["whatif", MINI, "--fail", "untrusted", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["failed"],
        serde_json::json!(["fab-cn", "ga-cn", "parent-cn"])
    );
}
