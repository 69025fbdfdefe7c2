//! The reports say what rules 3 add: a group of substitutes as "A or B" in evidence, in the
//! concentration table and on the network chart, and distributors marked as pass-throughs, on
//! `tests/fixtures/kits` (a Kenyan testing programme that needs gloves and either of two HIV
//! test kits: 60 % the Japanese kit through a regional distribution centre, 40 % the Chinese
//! kit direct).

use std::path::Path;
use std::process::Command;

const KITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kits");

fn report() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(["report", "-q", KITS, "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    out
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn evidence_tables_and_charts_say_substitutes_and_distributors() {
    let out = report();
    let dir = out.path();
    // Evidence: the Chinese kit meets "kit-cn or kit-jp"; the distribution centre passes the
    // Japanese kit on.
    let md = read(dir, "report.md");
    assert!(
        md.contains("kits-cn/kit-cn (kit-cn or kit-jp) > lab-ke/testing"),
        "{md}"
    );
    assert!(
        md.contains(
            "kits-jp/kit-jp > rdc-ke/kit-jp (distributor; kit-cn or kit-jp) > lab-ke/testing"
        ),
        "{md}"
    );
    let csv = read(dir, "findings.csv");
    assert!(csv.contains("rdc-ke/kit-jp (distributor; kit-cn or kit-jp) > lab-ke/testing"));
    // The concentration table: one row for the group, written "A or B".
    let html = read(dir, "report.html");
    assert!(
        html.contains("<td>lab-ke</td><td>kit-cn or kit-jp</td>"),
        "{html}"
    );
    assert!(html.contains("Substitutes and distributors"));
    // The network: the distributor in a column of its own, hatched, and the kits labelled
    // by name with their substitute (the box cuts the rest).
    let svg = read(dir, "charts/network.svg");
    for text in [
        "Level 0: distributors",
        "Distributor: passes goods on",
        "HIV rapid test kit (made in China) (or HIV ra",
        "HIV rapid test kit (made in Japan) (or HIV ra",
    ] {
        assert!(svg.contains(text), "network.svg lacks `{text}`");
    }
    // The JSON: the group's concentration row names its items.
    let json: serde_json::Value = serde_json::from_str(&read(dir, "report.json")).unwrap();
    let row = json["concentration"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["buyer"] == "lab-ke" && r["item"] == "kit-cn|kit-jp")
        .unwrap();
    assert_eq!(row["substitutes"], serde_json::json!(["kit-cn", "kit-jp"]));
}

/// Without distributors the network chart has no distributor legend or column, so charts of
/// data without them are as before.
#[test]
fn a_network_without_distributors_has_no_distributor_legend() {
    let out = tempfile::tempdir().unwrap();
    let mini = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
    let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args([
            "report", "-q", mini, "--format", "md", "--charts", "svg", "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let svg = read(out.path(), "charts/network.svg");
    assert!(!svg.contains("Distributor") && !svg.contains("distributors"));
}
