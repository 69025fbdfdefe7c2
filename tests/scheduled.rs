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

/// The run ended with `code` and its stderr says `what`.
fn assert_fails(o: &Output, code: i32, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(err.contains(what), "expected `{what}` in: {err}");
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
/// Puts back the mini dataset's supply.csv.
fn restore_dataset(root: &Path) {
    restore_dataset_in(&root.join("data"));
}

fn restore_dataset_in(data: &Path) {
    std::fs::copy(Path::new(MINI).join("supply.csv"), data.join("supply.csv")).unwrap();
}

fn change_dataset(root: &Path) {
    change_dataset_in(&root.join("data"));
}

fn change_dataset_in(data: &Path) {
    let p = data.join("supply.csv");
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
    // Taiwan's 40% capacity at risk is gone: resolved.
    let resolved: Vec<&str> = r["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(resolved.contains(&"capacity_at_risk:entity:fab-tw:oem-us:chip"));
    // CN failing now leaves 0.2 (wafer-de's 0.2 share; fab-tw 0.4 and fab-cn 0.4 stop): the
    // CN single point of failure shrank into capacity at risk, the same risk, de-escalated:
    // not resolved, and standing (it does not count as new).
    assert!(
        !resolved.contains(&"spof:country:CN:oem-us:chip"),
        "{resolved:?}"
    );
    let f = finding(&r, "capacity_at_risk:country:CN:oem-us:chip");
    assert_eq!(f["status"], "standing");
    assert_eq!(f["change"], "de-escalated");
    assert_eq!(f["previous"]["id"], "spof:country:CN:oem-us:chip");
    assert_eq!(f["previous"]["severity"], "critical");
    assert_eq!(f["previous"]["metric"]["value"], 0.0);
    assert_eq!(f["metric"]["value"], 0.2);
    assert_eq!(r["baseline"]["de_escalated"], 5);
    assert_eq!(r["baseline"]["escalated"], 0);
    // A finding that is new by id: the wafer-de time exposure, now that it is qualified.
    assert_eq!(
        finding(&r, "time_exposure:entity:wafer-de:oem-us:chip")["status"],
        "standing"
    );
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
    assert!(md.contains("[DE-ESCALATED from single point of failure] with China (CN) failed"));
    assert!(md.contains("Since the baseline, 5 de-escalated (a single point of failure became capacity at risk)."), "{md}");
    let html = std::fs::read_to_string(root.join("night2/report.html")).unwrap();
    assert!(html.contains("id=\"resolved\"") && html.contains("[DE-ESCALATED from"));
    let csv = std::fs::read_to_string(root.join("night2/findings.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains(",status,"));
    assert!(csv.lines().any(|l| {
        l.starts_with("capacity_at_risk:country:CN:oem-us:chip,") && l.contains(",de-escalated,")
    }));

    // The other way round, the same risks grew: escalated, new, and they count for
    // --fail-on-new; the metric they had is the baseline's.
    restore_dataset(&root);
    let o = run_in(
        &root,
        &[
            "analyze",
            "data",
            "--baseline",
            "night2/report.json",
            "--fail-on",
            "critical",
            "--fail-on-new",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = finding(&r, "spof:country:CN:oem-us:chip");
    assert_eq!(f["status"], "new");
    assert_eq!(f["change"], "escalated");
    assert_eq!(
        f["previous"]["id"],
        "capacity_at_risk:country:CN:oem-us:chip"
    );
    assert_eq!(f["previous"]["severity"], "high");
    assert_eq!(r["baseline"]["escalated"], 5);
    let err = stderr(&o);
    assert!(
        err.contains("critical spof:country:CN:oem-us:chip  [ESCALATED from capacity at risk]"),
        "{err}"
    );
    // A standing finding whose severity rose counts too: the baseline accepted it as high.
    assert_eq!(
        finding(&r, "untrusted_exposure:untrusted:untrusted:oem-us:chip")["previous"]["severity"],
        "high"
    );
    assert!(
        err.contains("untrusted_exposure:untrusted:untrusted:oem-us:chip  [ROSE from high]"),
        "{err}"
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
    // After the change, nothing is new or worse (the chip's single points of failure
    // shrank into capacity at risk): neither high nor low fails.
    change_dataset(&root);
    let args = |baseline: &'static str, level: &'static str| -> Vec<&'static str> {
        vec![
            "analyze",
            "data",
            "--baseline",
            baseline,
            "--fail-on",
            level,
            "--fail-on-new",
            "--format",
            "json",
        ]
    };
    let o = run_in(&root, &args("n1/report.json", "low"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Against a baseline of the changed dataset, the original escalates back: the new
    // single points of failure are critical (and high for the JP ones).
    run_in(
        &root,
        &[
            "report", "data", "--out", "n3", "--format", "json", "--charts", "none",
        ],
        &[],
    );
    restore_dataset(&root);
    assert_eq!(
        run_in(&root, &args("n3/report.json", "critical"), &[])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run_in(&root, &args("n1/report.json", "low"), &[])
            .status
            .code(),
        Some(0)
    );
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
    // The chip's CN single point of failure became capacity at risk: de-escalated, neither
    // resolved nor added.
    assert!(!ids("added").contains(&"capacity_at_risk:country:CN:oem-us:chip".to_string()));
    assert!(!ids("resolved").contains(&"spof:country:CN:oem-us:chip".to_string()));
    assert!(
        d["de_escalated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["old"]["id"] == "spof:country:CN:oem-us:chip"
                && c["new"]["id"] == "capacity_at_risk:country:CN:oem-us:chip"
                && c["old"]["severity"] == "critical"
                && c["new"]["severity"] == "high")
    );
    assert!(d["escalated"].as_array().unwrap().is_empty());
    // Only supply.csv changed.
    assert_eq!(
        d["input"]["changed_files"],
        serde_json::json!(["supply.csv"])
    );
    // Untrusted exposure 1 -> 0.8: critical -> high, listed as a severity change.
    let sev = &d["severity_changed"];
    assert!(sev.as_array().unwrap().iter().any(|m| m["id"]
        == "untrusted_exposure:untrusted:untrusted:oem-us:chip"
        && m["old_severity"] == "critical"
        && m["new_severity"] == "high"));
    assert!(d["method_changes"].as_array().unwrap().is_empty());
    // Nothing got worse from a to b: even --fail-on low passes. From b to a, the chip's
    // single points of failure are back, escalated, at critical: --fail-on critical fails.
    let diff = |from: &str, to: &str, level: &str| {
        run_in(&root, &["diff", from, to, "--fail-on", level], &[])
            .status
            .code()
    };
    assert_eq!(diff("a/report.json", "b/report.json", "low"), Some(0));
    assert_eq!(diff("b/report.json", "a/report.json", "critical"), Some(1));
    let o = run_in(&root, &["diff", "b/report.json", "a/report.json"], &[]);
    let text = stdout(&o);
    assert!(
        text.contains("input: changed (supply.csv; sha256 "),
        "{text}"
    );
    assert!(
        text.contains(
            "\nescalated:\n  high -> critical  capacity_at_risk -> spof  spof:country:CN:oem-us:chip  "
        ),
        "{text}"
    );
    // Money moves by a relative tolerance and prints rounded: wafer-jp's revenue at risk
    // went from $255K to $297K (+16%), wafer-de's from $115K to $86.3K (-25%).
    assert!(
        text.contains("time_exposure:entity:wafer-jp:oem-us:chip  revenue_at_risk $255K -> $297K"),
        "{text}"
    );
    let o = run_in(
        &root,
        &[
            "diff",
            "b/report.json",
            "a/report.json",
            "--money-tolerance",
            "0.2",
        ],
        &[],
    );
    let text = stdout(&o);
    assert!(
        !text.contains("wafer-jp:oem-us:chip  revenue_at_risk"),
        "{text}"
    );
    assert!(
        text.contains("time_exposure:entity:wafer-de:oem-us:chip  revenue_at_risk $115K -> $86.3K"),
        "{text}"
    );
    let o = run_in(
        &root,
        &[
            "diff",
            "a/report.json",
            "b/report.json",
            "--money-tolerance=-1",
        ],
        &[],
    );
    assert_fails(&o, 2, "--money-tolerance is -1");
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
    assert_fails(&o, 2, "bad.json: line 2 column");
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
    // --quiet silences the notes, not the result, nor why the run failed: the findings that
    // failed it, and nothing else.
    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let o = run_in(&root, &quiet, &today);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("FAILED: 1 finding at or above critical, not waived:\n"),
        "{err}"
    );
    assert!(
        err.contains(
            "\n  critical restricted_party:entity:ga-cn:fab-cn:die  Gallium Refinery (listed on Entity List"
        ),
        "{err}"
    );
    assert!(!err.contains("waiver `"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    // A waivers file with a bad date points to its line and column.
    std::fs::write(
        root.join("bad.toml"),
        "[[waiver]]\nid = \"x\"\nreason = \"r\"\nexpires = \"31/01/2027\"\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "data", "--waivers", "bad.toml"], &[]);
    assert_fails(&o, 2, "bad.toml:4:11");
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
    assert_fails(&o, 2, "other.toml:3:12");
    std::fs::write(
        root.join("typo.toml"),
        "dataset = \"data\"\nfail_onn = \"high\"\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "--config", "typo.toml"], &[]);
    assert_fails(&o, 2, "typo.toml:2:1");
    assert!(stderr(&o).contains("fail_onn"), "{}", stderr(&o));
    // A threshold out of range in the config is a usage error.
    std::fs::write(
        root.join("range.toml"),
        "dataset = \"data\"\n[thresholds]\nhhi = 4\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze", "--config", "range.toml"], &[]);
    assert_fails(&o, 2, "HHI threshold is 4");
}

#[test]
fn a_missing_dataset_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(tmp.path(), &["analyze"], &[]);
    assert_fails(&o, 2, "no dataset folder");
}

/// Every nightly job starts without a baseline: a path with no file yet is a note and the
/// run goes on, every finding new. A baseline that is there but broken stays an error.
#[test]
fn no_baseline_yet_is_a_note_and_a_broken_one_an_error() {
    let (_tmp, root) = workdir();
    let o = run_in(
        &root,
        &[
            "analyze",
            "data",
            "--baseline",
            "nope.json",
            "--fail-on",
            "critical",
            "--fail-on-new",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("note: no baseline at nope.json yet: every finding counts as new\n"),
        "{err}"
    );
    assert!(
        err.contains("FAILED: 7 findings at or above critical, not waived (with no baseline, every finding is new):"),
        "{err}"
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r.get("baseline").is_none());
    // The report says so too.
    let o = run_in(&root, &["analyze", "data", "--baseline", "nope.json"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("No baseline at nope.json yet: every finding counts as new."),
        "{}",
        stdout(&o)
    );
    // Under --quiet the note goes.
    let o = run_in(
        &root,
        &["analyze", "data", "--baseline", "nope.json", "--quiet"],
        &[],
    );
    assert_eq!(stderr(&o), "");
    // A file that is not a report: exit 2, with its line and column.
    std::fs::write(
        root.join("broken.json"),
        "{\"schema_version\": 1,\n \"findings\": 3}",
    )
    .unwrap();
    let o = run_in(
        &root,
        &["analyze", "data", "--baseline", "broken.json"],
        &[],
    );
    assert_fails(&o, 2, "broken.json: line 2 column");
    // A folder where the file should be: exit 2.
    std::fs::create_dir(root.join("dir.json")).unwrap();
    let o = run_in(&root, &["analyze", "data", "--baseline", "dir.json"], &[]);
    assert_fails(&o, 2, "dir.json: is a folder");
}

/// A waivers file named by the config that does not exist yet is a note; named on the
/// command line, an error.
#[test]
fn a_missing_waivers_file_is_a_note_from_the_config_and_an_error_from_the_flag() {
    let (_tmp, root) = workdir();
    std::fs::write(
        root.join("tierscope.toml"),
        "dataset = \"data\"\nwaivers = \"waivers.toml\"\n",
    )
    .unwrap();
    let o = run_in(&root, &["analyze"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "note: no waivers file at waivers.toml yet (named in tierscope.toml): no finding is waived by it"
        ),
        "{}",
        stderr(&o)
    );
    let o = run_in(&root, &["analyze", "--quiet"], &[]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let o = run_in(&root, &["analyze", "--waivers", "other.toml"], &[]);
    assert_fails(&o, 2, "cannot read other.toml");
    // Once it exists, the config's file is read, and an error in it is an error.
    std::fs::write(root.join("waivers.toml"), "[[waiver]]\nid = 3\n").unwrap();
    let o = run_in(&root, &["analyze"], &[]);
    assert_fails(&o, 2, "waivers.toml:2:6");
}

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap_or_default();
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// --update-baseline writes the baseline only when the gate passes, all at once; a failing
/// run leaves it byte for byte, with no temporary file beside it.
#[test]
fn update_baseline_writes_only_when_the_gate_passes() {
    let (_tmp, root) = workdir();
    std::fs::create_dir(root.join("accepted")).unwrap();
    let args = |level: &'static str| -> Vec<&'static str> {
        vec![
            "report",
            "data",
            "--out",
            "out",
            "--format",
            "json,md",
            "--charts",
            "none",
            "--baseline",
            "accepted/report.json",
            "--update-baseline",
            "--fail-on",
            level,
            "--fail-on-new",
        ]
    };
    // Night one is of the changed dataset. No baseline yet, and criticals: the gate fails
    // and no baseline is written.
    change_dataset(&root);
    let o = run_in(&root, &args("critical"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(listing(&root.join("accepted")).is_empty());
    let err = stderr(&o);
    assert!(err.contains("report: out/report.md\n"), "{err}");
    assert!(
        err.contains("no baseline written to accepted/report.json (a failing run never writes it)"),
        "{err}"
    );
    assert!(
        err.contains("to accept these findings as they are: tierscope baseline accept out/report.json --baseline accepted/report.json"),
        "{err}"
    );
    // Without --fail-on the gate passes: the baseline is written, the same bytes as the
    // report.json of the run.
    let o = run_in(&root, &args("critical")[..11], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrote accepted/report.json\n"),
        "{}",
        stdout(&o)
    );
    let accepted = std::fs::read(root.join("accepted/report.json")).unwrap();
    assert_eq!(
        accepted,
        std::fs::read(root.join("out/report.json")).unwrap()
    );
    // Back to the original: the chip's single points of failure escalate, critical; the
    // gate fails and the baseline stays byte for byte.
    restore_dataset(&root);
    let before = listing(&root.join("accepted"));
    let o = run_in(&root, &args("critical"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("baseline kept as it was: accepted/report.json"),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(&root.join("accepted")), before);
    // The retry fails the same way.
    assert_eq!(run_in(&root, &args("critical"), &[]).status.code(), Some(1));
    assert_eq!(listing(&root.join("accepted")), before);
    // Accepted by hand: the next run passes and updates it.
    let o = run_in(
        &root,
        &[
            "baseline",
            "accept",
            "out/report.json",
            "--baseline",
            "accepted/report.json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("accepted out/report.json as the baseline accepted/report.json: "),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read(root.join("accepted/report.json")).unwrap(),
        std::fs::read(root.join("out/report.json")).unwrap()
    );
    let o = run_in(&root, &args("critical"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names: Vec<String> = listing(&root.join("accepted"))
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(names, ["report.json"]);
    // Without a baseline path, --update-baseline is a usage error.
    let o = run_in(&root, &["analyze", "data", "--update-baseline"], &[]);
    assert_fails(&o, 2, "--update-baseline needs a baseline path");
    // Accepting a file that is not a report is an error with its place, and changes nothing.
    std::fs::write(root.join("notes.json"), "[1, 2]").unwrap();
    let o = run_in(
        &root,
        &[
            "baseline",
            "accept",
            "notes.json",
            "--baseline",
            "accepted/report.json",
        ],
        &[],
    );
    assert_fails(&o, 2, "notes.json: line 1 column");
    assert_eq!(names, ["report.json"]);
}

/// --quiet: a passing report prints nothing at all; the files are still written.
#[test]
fn quiet_silences_the_wrote_lines() {
    let (_tmp, root) = workdir();
    let o = run_in(
        &root,
        &[
            "report",
            "data",
            "--out",
            "out",
            "--charts",
            "none",
            "--history",
            "h",
            "--quiet",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!((stdout(&o).as_str(), stderr(&o).as_str()), ("", ""));
    assert!(root.join("out/report.html").is_file());
    assert_eq!(listing(&root.join("h")).len(), 1);
}

/// Each run's report.json is kept in the history, named by the run's date: --as-of, else
/// the config's as_of, else SOURCE_DATE_EPOCH, else today; a second run of a day gets -2.
#[test]
fn history_files_are_named_by_the_date_of_the_run() {
    let (_tmp, root) = workdir();
    let epoch = [("SOURCE_DATE_EPOCH", "1796083200")]; // 2026-12-01 00:00 UTC
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["analyze", "data", "--history", "h", "--format", "json"];
        args.extend_from_slice(extra);
        let o = run_in(&root, &args, env);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // Standard output is the report alone: the file kept is listed on stderr.
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["dataset"], "data");
        stderr(&o)
    };
    assert!(run(&[], &epoch).contains("wrote h/2026-12-01.json"));
    assert!(run(&[], &epoch).contains("wrote h/2026-12-01-2.json"));
    assert!(run(&["--as-of", "2026-11-30"], &epoch).contains("wrote h/2026-11-30.json"));
    std::fs::write(root.join("tierscope.toml"), "as_of = 2026-10-01\n").unwrap();
    assert!(run(&[], &epoch).contains("wrote h/2026-10-01.json"));
    assert!(run(&["--as-of", "2026-11-30"], &epoch).contains("wrote h/2026-11-30-2.json"));
    std::fs::remove_file(root.join("tierscope.toml")).unwrap();
    // Today in UTC (fixed here by TIERSCOPE_TODAY, which stands in for the clock).
    assert!(run(&[], &[("TIERSCOPE_TODAY", "2027-01-02")]).contains("wrote h/2027-01-02.json"));
    let kept: Vec<String> = listing(&root.join("h")).into_iter().map(|f| f.0).collect();
    assert_eq!(
        kept,
        [
            "2026-10-01.json",
            "2026-11-30-2.json",
            "2026-11-30.json",
            "2026-12-01-2.json",
            "2026-12-01.json",
            "2027-01-02.json"
        ]
    );
    // Each is the run's report.json, whole.
    let r = json(&root.join("h/2026-12-01.json"));
    assert_eq!(r["schema_version"], 1);
    // A SOURCE_DATE_EPOCH that is not a number of seconds is refused.
    let o = run_in(
        &root,
        &["analyze", "data", "--history", "h"],
        &[("SOURCE_DATE_EPOCH", "yesterday")],
    );
    assert_fails(&o, 2, "SOURCE_DATE_EPOCH is `yesterday`");
    // The run's date also decides which waivers have expired.
    std::fs::write(
        root.join("w.toml"),
        "[[waiver]]\nid = \"*\"\nreason = \"r\"\nexpires = 2026-12-01\n",
    )
    .unwrap();
    let gate = [
        "analyze",
        "data",
        "--waivers",
        "w.toml",
        "--fail-on",
        "critical",
        "-q",
    ];
    let with = |date: &str| {
        let mut args = gate.to_vec();
        args.extend(["--as-of", date]);
        run_in(&root, &args, &[]).status.code()
    };
    assert_eq!(with("2026-11-30"), Some(0));
    assert_eq!(with("2026-12-01"), Some(1));
}

/// A baseline of another dataset: a loud warning (stderr, even under --quiet, and the
/// report), and with --fail-on-new a refusal unless --allow-other-dataset. The same for diff.
#[test]
fn another_dataset_is_warned_about_and_refused_as_a_gate() {
    let (_tmp, root) = workdir();
    run_in(
        &root,
        &[
            "report", "data", "--out", "a", "--format", "json", "--charts", "none",
        ],
        &[],
    );
    // The same files under another folder name are the same dataset: no warning.
    std::fs::rename(root.join("data"), root.join("copy")).unwrap();
    let o = run_in(
        &root,
        &["analyze", "copy", "--baseline", "a/report.json"],
        &[],
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    // Another dataset: changed files under another name.
    change_dataset_in(&root.join("copy"));
    let o = run_in(
        &root,
        &[
            "report",
            "copy",
            "--out",
            "b",
            "--charts",
            "none",
            "--baseline",
            "a/report.json",
            "-q",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "warning: baseline a/report.json is of dataset data, this run is of copy\n"
    );
    let r = json(&root.join("b/report.json"));
    assert_eq!(
        r["baseline"]["warnings"],
        serde_json::json!(["baseline is of dataset data, this run is of copy"])
    );
    let md = std::fs::read_to_string(root.join("b/report.md")).unwrap();
    assert!(
        md.contains("Warning: the baseline is of dataset data, this run is of copy"),
        "{md}"
    );
    // As a gate: refused, before anything is written.
    let gate = [
        "report",
        "copy",
        "--out",
        "c",
        "--charts",
        "none",
        "--baseline",
        "a/report.json",
        "--fail-on",
        "critical",
        "--fail-on-new",
    ];
    let o = run_in(&root, &gate, &[]);
    assert_fails(
        &o,
        2,
        "baseline a/report.json is of dataset data, this run is of copy: --fail-on-new would count",
    );
    assert!(!root.join("c").exists());
    let mut allowed = gate.to_vec();
    allowed.push("--allow-other-dataset");
    let o = run_in(&root, &allowed, &[]);
    // Nothing of the changed dataset is new or worse: it passes, with the warning.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("warning: baseline a/report.json is of dataset data"));
    // diff: a warning first in its output and on stderr; with --fail-on, a refusal.
    let o = run_in(&root, &["diff", "a/report.json", "b/report.json"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).lines().nth(1),
        Some(
            "WARNING: a/report.json is of dataset data, b/report.json is of dataset copy: findings differ because the supply chains do"
        )
    );
    assert_eq!(
        stderr(&o),
        "warning: a/report.json is of dataset data, b/report.json is of dataset copy\n"
    );
    let o = run_in(
        &root,
        &["diff", "a/report.json", "b/report.json", "--format", "json"],
        &[],
    );
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        d["other_dataset"],
        serde_json::json!({"old": "data", "new": "copy"})
    );
    let o = run_in(
        &root,
        &["diff", "a/report.json", "b/report.json", "--fail-on", "low"],
        &[],
    );
    assert_fails(&o, 2, "--fail-on would count every finding");
    let o = run_in(
        &root,
        &[
            "diff",
            "b/report.json",
            "a/report.json",
            "--fail-on",
            "critical",
            "--allow-other-dataset",
        ],
        &[],
    );
    // Allowed: from b to a the chip's single points of failure escalate back to critical.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// The report's `input`: the SHA-256 of each file as read, and of their `sha256sum`
/// manifest in the loader's order, which anyone can check with coreutils.
#[test]
fn the_input_digest_is_that_of_the_sha256sum_manifest() {
    use sha2::{Digest, Sha256};
    let (_tmp, root) = workdir();
    let o = run_in(&root, &["analyze", "data", "--format", "json"], &[]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let order = [
        "countries.csv",
        "entities.csv",
        "items.csv",
        "bom.csv",
        "supply.csv",
        "products.csv",
        "ownership.csv",
        "restricted.csv",
    ];
    let mut manifest = String::new();
    let files = r["input"]["files"].as_array().unwrap();
    assert_eq!(files.len(), order.len());
    for (name, f) in order.iter().zip(files) {
        let bytes = std::fs::read(root.join("data").join(name)).unwrap();
        let sha = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(f["name"], *name);
        assert_eq!(f["sha256"], sha.as_str());
        assert_eq!(f["bytes"], bytes.len());
        manifest.push_str(&format!("{sha}  {name}\n"));
    }
    let expected = format!("{:x}", Sha256::digest(manifest.as_bytes()));
    assert_eq!(r["input"]["sha256"], expected.as_str());
    // An optional file that is not there is left out.
    std::fs::remove_file(root.join("data/restricted.csv")).unwrap();
    let o = run_in(&root, &["analyze", "data", "--format", "json"], &[]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = r["input"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, order[..7]);
}

/// Reports with every mark of the gate — input, escalated and de-escalated findings with
/// their previous state, a baseline of another dataset — match the published schema, and
/// the schema refuses a mark it does not know.
#[test]
fn marked_reports_match_the_schema() {
    let text = std::fs::read_to_string("schema/report.schema.json").unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (_tmp, root) = workdir();
    let report = |dir: &str, out: &str, baseline: Option<&str>| {
        let mut args = vec![
            "report", dir, "--out", out, "--format", "json", "--charts", "none", "-q",
        ];
        if let Some(b) = baseline {
            args.extend(["--baseline", b]);
        }
        assert_eq!(run_in(&root, &args, &[]).status.code(), Some(0));
        json(&root.join(out).join("report.json"))
    };
    let a = report("data", "a", None);
    change_dataset(&root);
    std::fs::rename(root.join("data"), root.join("other")).unwrap();
    let b = report("other", "b", Some("a/report.json"));
    restore_dataset_in(&root.join("other"));
    let c = report("other", "c", Some("b/report.json"));
    assert_eq!(b["baseline"]["de_escalated"], 5);
    assert_eq!(b["baseline"]["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(c["baseline"]["escalated"], 5);
    for (name, r) in [("a", &a), ("b", &b), ("c", &c)] {
        let errors: Vec<String> = validator
            .iter_errors(r)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let mut bad = c.clone();
    let f = bad["findings"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f.get("change").is_some())
        .unwrap();
    f["change"] = "worse".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = c;
    bad["input"]["sha256"] = "not hex".into();
    assert!(!validator.is_valid(&bad));
}

/// A baseline that is the report.json the run writes is replaced by every run, so a retry
/// would pass: warned about. --no-baseline sets aside the config's baseline.
#[test]
fn a_baseline_inside_the_output_is_warned_about_and_no_baseline_sets_it_aside() {
    let (_tmp, root) = workdir();
    std::fs::write(
        root.join("tierscope.toml"),
        "dataset = \"data\"\nout = \"out\"\nformats = [\"json\"]\ncharts = []\nbaseline = \"out/report.json\"\n",
    )
    .unwrap();
    let warning = "warning: the baseline out/report.json is the report.json this run writes";
    let o = run_in(&root, &["report", "-q"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).starts_with(warning), "{}", stderr(&o));
    // The second run compares with the first, then replaces it.
    let o = run_in(&root, &["report"], &[]);
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    assert!(json(&root.join("out/report.json"))["baseline"].is_object());
    // --no-baseline: no comparison, no warning.
    let o = run_in(&root, &["report", "--no-baseline"], &[]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    assert!(
        json(&root.join("out/report.json"))
            .get("baseline")
            .is_none()
    );
    let o = run_in(
        &root,
        &["report", "--no-baseline", "--update-baseline"],
        &[],
    );
    assert_fails(&o, 2, "cannot be used with");
}

/// `trend` needs kept reports, and says which file is not one.
#[test]
fn trend_refuses_an_empty_history_and_names_a_broken_file() {
    let (_tmp, root) = workdir();
    let o = run_in(&root, &["trend", "nowhere"], &[]);
    assert_fails(&o, 2, "nowhere: no such folder");
    std::fs::create_dir(root.join("h")).unwrap();
    std::fs::write(root.join("h/notes.json"), "{}").unwrap();
    let o = run_in(&root, &["trend", "h"], &[]);
    assert_fails(&o, 2, "h: holds no kept report");
    for date in ["2026-12-01", "2026-12-02"] {
        let o = run_in(
            &root,
            &["analyze", "data", "--history", "h", "--as-of", date, "-q"],
            &[],
        );
        assert_eq!(o.status.code(), Some(0));
    }
    let o = run_in(
        &root,
        &["trend", "h", "--format", "json", "--charts", "none"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(t["runs"].as_array().unwrap().len(), 2);
    assert_eq!(t["runs"][1]["file"], "2026-12-02.json");
    assert_eq!(t["runs"][1]["by_severity"]["critical"], 7);
    assert_eq!(t["movers"], serde_json::json!([]));
    assert_eq!(t["charts"], serde_json::json!([]));
    assert!(!root.join("h/trend.svg").exists());
    std::fs::write(root.join("h/2026-12-03.json"), "{\"summary\": 1}").unwrap();
    let o = run_in(&root, &["trend", "h"], &[]);
    assert_fails(&o, 2, "2026-12-03.json: line 1 column");
}
