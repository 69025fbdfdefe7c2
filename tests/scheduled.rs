//! The scheduled-run flow with the real binary: a first night, a changed dataset, a run against
//! the baseline, the diff, waivers (valid and expired), the config file, and every exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MINI: &str = "tests/fixtures/mini";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
}

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = bin();
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A work folder with a copy of the mini dataset in `data/`.
fn workdir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(MINI).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
    }
    let root = tmp.path().to_path_buf();
    (tmp, root)
}

/// Qualifies the known alternate wafer-de as a die supplier of oem-us, and moves fab-tw's
/// share from 0.6 to 0.4: the chip's single points of failure go away (the alternate's die
/// has no mapped inputs, so it counts as available), and new capacity-at-risk findings appear.
fn change_dataset(root: &Path) {
    let p = root.join("data/supply.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let changed = text
        .replace("wafer-de,oem-us,die,,false,", "wafer-de,oem-us,die,,true,")
        .replace("fab-tw,oem-us,die,0.6,,", "fab-tw,oem-us,die,0.4,,");
    assert_ne!(text, changed);
    std::fs::write(p, changed).unwrap();
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn finding<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id}"))
}

#[test]
fn baseline_marks_new_standing_and_resolved_in_every_format() {
    let (_tmp, root) = workdir();
    let o = run_in(
        &root,
        &["report", "data", "--out", "night1", "--charts", "none"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    change_dataset(&root);
    let o = run_in(
        &root,
        &[
            "report",
            "data",
            "--out",
            "night2",
            "--charts",
            "none",
            "--baseline",
            "night1/report.json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json(&root.join("night2/report.json"));
    // The CN spof of the chip is gone: resolved. Taiwan's 40% capacity at risk is gone too.
    let resolved: Vec<&str> = r["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(
        resolved.contains(&"spof:country:CN:oem-us:chip"),
        "{resolved:?}"
    );
    assert!(resolved.contains(&"capacity_at_risk:entity:fab-tw:oem-us:chip"));
    // CN failing now leaves 0.2 (wafer-de's 0.2 share; fab-tw 0.4 and fab-cn 0.4 stop): new.
    let f = finding(&r, "capacity_at_risk:country:CN:oem-us:chip");
    assert_eq!(f["status"], "new");
    assert_eq!(f["metric"]["value"], 0.2);
    // ga-cn is still upstream of the CN die: standing.
    assert_eq!(
        finding(&r, "spof:entity:ga-cn:fab-cn:die")["status"],
        "standing"
    );
    assert_eq!(r["baseline"]["resolved"], resolved.len());
    assert!(
        r["baseline"]["method_changes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Every format shows it.
    let md = std::fs::read_to_string(root.join("night2/report.md")).unwrap();
    assert!(md.contains("Resolved since the baseline"));
    assert!(md.contains("[NEW] with China (CN) failed"));
    let html = std::fs::read_to_string(root.join("night2/report.html")).unwrap();
    assert!(html.contains("id=\"resolved\"") && html.contains("[NEW]"));
    let csv = std::fs::read_to_string(root.join("night2/findings.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains(",status,"));
    assert!(
        csv.lines().any(
            |l| l.starts_with("capacity_at_risk:country:CN:oem-us:chip,") && l.contains(",new,")
        )
    );
}

#[test]
fn fail_on_new_counts_only_new_findings() {
    let (_tmp, root) = workdir();
    run_in(
        &root,
        &["report", "data", "--out", "n1", "--charts", "none"],
        &[],
    );
    // Nothing changed: every finding is standing, so --fail-on-new passes...
    let o = run_in(
        &root,
        &[
            "report",
            "data",
            "--out",
            "n2",
            "--charts",
            "none",
            "--baseline",
            "n1/report.json",
            "--fail-on",
            "critical",
            "--fail-on-new",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // ...while --fail-on alone fails on the standing criticals.
    let o = run_in(
        &root,
        &[
            "report",
            "data",
            "--out",
            "n2",
            "--charts",
            "none",
            "--baseline",
            "n1/report.json",
            "--fail-on",
            "critical",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    // After the change, the new capacity-at-risk findings are high: fail at high, not critical.
    change_dataset(&root);
    let args = |level: &'static str| -> Vec<&'static str> {
        vec![
            "analyze",
            "data",
            "--baseline",
            "n1/report.json",
            "--fail-on",
            level,
            "--fail-on-new",
            "--format",
            "json",
        ]
    };
    assert_eq!(run_in(&root, &args("high"), &[]).status.code(), Some(1));
    assert_eq!(run_in(&root, &args("critical"), &[]).status.code(), Some(0));
}

#[test]
fn diff_reports_changes_and_method_changes() {
    let (_tmp, root) = workdir();
    run_in(
        &root,
        &[
            "report", "data", "--out", "a", "--format", "json", "--charts", "none",
        ],
        &[],
    );
    change_dataset(&root);
    run_in(
        &root,
        &[
            "report", "data", "--out", "b", "--format", "json", "--charts", "none",
        ],
        &[],
    );
    let o = run_in(
        &root,
        &["diff", "a/report.json", "b/report.json", "--format", "json"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(ids("added").contains(&"capacity_at_risk:country:CN:oem-us:chip".to_string()));
    assert!(ids("resolved").contains(&"spof:country:CN:oem-us:chip".to_string()));
    // Untrusted exposure 1 -> 0.8: critical -> high, listed as a severity change.
    let sev = &d["severity_changed"];
    assert!(sev.as_array().unwrap().iter().any(|m| m["id"]
        == "untrusted_exposure:untrusted:untrusted:oem-us:chip"
        && m["old_severity"] == "critical"
        && m["new_severity"] == "high"));
    assert!(d["method_changes"].as_array().unwrap().is_empty());
    // Added findings at high: --fail-on high fails, --fail-on critical does not.
    let o = run_in(
        &root,
        &[
            "diff",
            "a/report.json",
            "b/report.json",
            "--fail-on",
            "high",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = run_in(
        &root,
        &[
            "diff",
            "a/report.json",
            "b/report.json",
            "--fail-on",
            "critical",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    // The same run with another threshold: a change of method, said first.
    run_in(
        &root,
        &[
            "report",
            "data",
            "--out",
            "c",
            "--format",
            "json",
            "--charts",
            "none",
            "--capacity-threshold",
            "0.2",
        ],
        &[],
    );
    let o = run_in(&root, &["diff", "b/report.json", "c/report.json"], &[]);
    let text = stdout(&o);
    assert!(text.contains("METHOD CHANGED"), "{text}");
    assert!(
        text.contains("setting capacity_threshold: 0.5 -> 0.2"),
        "{text}"
    );
    // A file that is not a report: exit 2 with the place.
    std::fs::write(
        root.join("bad.json"),
        "{\"schema_version\": 1,\n  \"findings\": [oops]}",
    )
    .unwrap();
    let o = run_in(&root, &["diff", "a/report.json", "bad.json"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.json: line 2 column"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn waivers_valid_and_expired() {
    let (_tmp, root) = workdir();
    std::fs::write(
        root.join("waivers.toml"),
        r#"
[[waiver]]
id = "*:oem-us:chip"
reason = "Second source being qualified, ticket SC-7"
expires = 2030-01-01

[[waiver]]
id = "*:fab-cn:die"
reason = "Accepted in 2024 review"
expires = "2025-06-30"

[[waiver]]
id = "spof:country:XX:*"
reason = "stale"
expires = 2030-01-01

[[waiver]]
id = "asymmetric_dependency:country:US:CN"
reason = "Known; reshoring programme"
expires = 2030-01-01
"#,
    )
    .unwrap();
    let today = [("TIERSCOPE_TODAY", "2026-11-22")];
    let args = [
        "analyze",
        "data",
        "--waivers",
        "waivers.toml",
        "--fail-on",
        "critical",
        "--format",
        "json",
    ];
    let o = run_in(&root, &args, &today);
    // The chip's criticals are waived, but the fab-cn waiver expired: its criticals fail the run.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = finding(&r, "spof:country:CN:oem-us:chip");
    assert_eq!(
        f["waiver"]["reason"],
        "Second source being qualified, ticket SC-7"
    );
    assert!(
        finding(&r, "spof:entity:ga-cn:fab-cn:die")
            .get("waiver")
            .is_none()
    );
    assert_eq!(r["waivers"]["expired"][0]["id"], "*:fab-cn:die");
    assert_eq!(r["waivers"]["unused"][0]["id"], "spof:country:XX:*");
    let err = stderr(&o);
    assert!(
        err.contains("waiver `*:fab-cn:die` expired on 2025-06-30"),
        "{err}"
    );
    assert!(
        err.contains("waiver `spof:country:XX:*` matches no finding"),
        "{err}"
    );
    // Before it expired, the fab-cn waiver worked too: nothing critical counts.
    let o = run_in(&root, &args, &[("TIERSCOPE_TODAY", "2025-01-01")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // --quiet silences the notes, not the result.
    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let o = run_in(&root, &quiet, &today);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "");
    // A waivers file with a bad date points to its line and column.
    std::fs::write(
        root.join("bad.toml"),
        "[[waiver]]\nid = \"x\"\nreason = \"r\"\nexpires = \"31/01/2027\"\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "data", "--waivers", "bad.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:4:11"), "{}", stderr(&o));
    assert!(stderr(&o).contains("expected YYYY-MM-DD"), "{}", stderr(&o));
}

#[test]
fn config_file_supplies_settings_and_flags_win() {
    let (_tmp, root) = workdir();
    std::fs::write(
        root.join("tierscope.toml"),
        "dataset = \"data\"\nout = \"nightly\"\nformats = [\"json\", \"csv\"]\ncharts = []\nfail_on = \"critical\"\n\n[thresholds]\ncapacity = 0.2\n",
    )
    .unwrap();
    // No DIR: the config's dataset; its output folder, formats, threshold and fail-on.
    let o = run_in(&root, &["report"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(root.join("nightly"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        names,
        [".tierscope-manifest", "findings.csv", "report.json"]
    );
    let r = json(&root.join("nightly/report.json"));
    assert_eq!(r["settings"]["capacity_threshold"], 0.2);
    // Flags win: a threshold and a fail-on level from the command line.
    let o = run_in(
        &root,
        &[
            "analyze",
            "--capacity-threshold",
            "0.5",
            "--fail-on",
            "low",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["settings"]["capacity_threshold"], 0.5);
    // --config names another file; an error in it points to file:line:column.
    std::fs::write(
        root.join("other.toml"),
        "dataset = \"data\"\n[thresholds]\ncapacity = \"half\"\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "--config", "other.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("other.toml:3:12"), "{}", stderr(&o));
    std::fs::write(
        root.join("typo.toml"),
        "dataset = \"data\"\nfail_onn = \"high\"\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "--config", "typo.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("typo.toml:2:1"), "{}", stderr(&o));
    assert!(stderr(&o).contains("fail_onn"), "{}", stderr(&o));
    // A threshold out of range in the config is a usage error.
    std::fs::write(
        root.join("range.toml"),
        "dataset = \"data\"\n[thresholds]\nhhi = 4\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "--config", "range.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("HHI threshold is 4"), "{}", stderr(&o));
}

#[test]
fn missing_dataset_and_baseline_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(tmp.path(), &["analyze"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no dataset folder"), "{}", stderr(&o));
    let mini = std::fs::canonicalize(MINI).unwrap();
    let o = run_in(
        tmp.path(),
        &["analyze", mini.to_str().unwrap(), "--baseline", "nope.json"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.json"), "{}", stderr(&o));
}
