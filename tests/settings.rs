//! One settings step for every command: each key of `tierscope.toml` means the same to every
//! subcommand that reads a dataset, and a bad value stops each of them the same way.
//!
//! Each test runs the real binary in its own folder holding a copy of the mini fixture and a
//! `tierscope.toml`, without a DIR argument, so the config's `dataset` key is in play too.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every subcommand that reads a dataset, with the arguments it needs besides DIR.
const DATASET_COMMANDS: [(&str, &[&str]); 7] = [
    ("validate", &[]),
    ("summary", &[]),
    ("analyze", &[]),
    ("report", &["--out", "out"]),
    ("export", &["--format", "json"]),
    ("whatif", &["--fail", "untrusted"]),
    ("screen", &["--vendors", "vendors.csv"]),
];

/// A folder with the mini dataset in `data/`, a candidates file, and `tierscope.toml`
/// holding `dataset = "data"` and `extra`.
fn workdir(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let data = root.join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir("tests/fixtures/mini").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        root.join("vendors.csv"),
        "id,name,country\nnew-jp,Nippon Wafer Newco,JP\n",
    )
    .unwrap();
    std::fs::write(
        root.join("tierscope.toml"),
        format!("dataset = \"data\"\n{extra}\n"),
    )
    .unwrap();
    (tmp, root)
}

fn run_in(root: &Path, command: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(root)
        .arg(command)
        .args(args)
        .env("TIERSCOPE_TODAY", "2026-12-06")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

#[test]
fn every_dataset_command_takes_its_dataset_from_the_config() {
    let (_tmp, root) = workdir("");
    for (command, args) in DATASET_COMMANDS {
        let o = run_in(&root, command, args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{command}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
    }
}

#[test]
fn an_unknown_country_in_the_config_trust_policy_stops_every_command() {
    for key in ["untrust = [\"ZZ\"]", "trust = [\"ZZ\"]"] {
        let (_tmp, root) = workdir(key);
        for (command, args) in DATASET_COMMANDS {
            let o = run_in(&root, command, args);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{key} {command}: {err}");
            assert!(
                err.contains("unknown country code ZZ"),
                "{key} {command}: {err}"
            );
        }
    }
}

#[test]
fn a_country_in_both_lists_stops_every_command() {
    let (_tmp, root) = workdir("untrust = [\"JP\"]\ntrust = [\"JP\"]");
    for (command, args) in DATASET_COMMANDS {
        let o = run_in(&root, command, args);
        assert_eq!(o.status.code(), Some(2), "{command}");
        assert!(
            text(&o.stderr).contains("JP is in both"),
            "{command}: {}",
            text(&o.stderr)
        );
    }
}

#[test]
fn a_threshold_out_of_range_in_the_config_stops_every_command() {
    for key in ["capacity", "hhi", "asymmetry_min", "asymmetry_gap"] {
        let (_tmp, root) = workdir(&format!("[thresholds]\n{key} = 1.5"));
        for (command, args) in DATASET_COMMANDS {
            let o = run_in(&root, command, args);
            assert_eq!(o.status.code(), Some(2), "{key} {command}");
            assert!(
                text(&o.stderr).contains("is 1.5 (expected a number from 0 to 1)"),
                "{key} {command}: {}",
                text(&o.stderr)
            );
        }
    }
}

/// `untrust = ["JP"]` makes the Japanese wafer maker untrusted for every command that shows
/// trust: summary's counts, the report's settings and findings, export's node attributes,
/// what-if's untrusted failure set, and screening's candidate in Japan.
#[test]
fn the_config_trust_policy_reaches_every_command() {
    let plain = workdir("");
    let jp = workdir("untrust = [\"JP\"]");
    let both = |command: &str, args: &[&str]| {
        let mut with = args.to_vec();
        with.extend(["--format", "json"]);
        (
            json(&run_in(&plain.1, command, &with)),
            json(&run_in(&jp.1, command, &with)),
        )
    };

    let (a, b) = both("summary", &[]);
    let untrusted = |v: &serde_json::Value| v["untrusted_entities"].as_u64();
    assert!(
        untrusted(&b) > untrusted(&a),
        "summary: {:?} -> {:?}",
        untrusted(&a),
        untrusted(&b)
    );

    let (a, b) = both("analyze", &[]);
    assert_eq!(b["settings"]["untrust"], serde_json::json!(["JP"]));
    assert_ne!(a["findings"], b["findings"]);

    let (a, b) = both("whatif", &["--fail", "untrusted"]);
    let failed = |v: &serde_json::Value| v["failed"].as_array().unwrap().len();
    assert!(failed(&b) > failed(&a));
    assert!(
        b["failed"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("wafer-jp"))
    );

    let node = |v: &serde_json::Value| {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["entity"] == "wafer-jp")
            .cloned()
            .unwrap()
    };
    let export = |root: &Path| json(&run_in(root, "export", &["--format", "json"]));
    assert_eq!(node(&export(&plain.1))["untrusted"], false);
    assert_eq!(node(&export(&jp.1))["untrusted"], true);

    let (a, b) = both("screen", &["--vendors", "vendors.csv"]);
    let trust = |v: &serde_json::Value| v["candidates"][0]["country_trust"].clone();
    assert_eq!(trust(&a), "trusted");
    assert_eq!(trust(&b), "untrusted");
}

/// The analysis keys (levels, thresholds) and the report's keys (out, formats, charts) and
/// the gate's keys (fail_on, waivers) are applied by the commands they concern.
#[test]
fn analysis_report_and_gate_keys_are_applied() {
    let (_tmp, root) = workdir(
        "levels = [\"country\"]\n\
         out = \"reports/nightly\"\n\
         formats = [\"json\", \"csv\"]\n\
         charts = []\n\
         fail_on = \"critical\"\n\
         [thresholds]\n\
         capacity = 0.3\n",
    );
    let o = run_in(&root, "analyze", &["--format", "json"]);
    let v = json(&o);
    assert_eq!(v["settings"]["levels"], serde_json::json!(["country"]));
    assert_eq!(v["settings"]["capacity_threshold"], 0.3);
    let critical = v["summary"]["by_severity"]["critical"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(o.status.code(), Some(if critical > 0 { 1 } else { 0 }));

    let o = run_in(&root, "report", &[]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        text(&o.stderr)
    );
    let mut written: Vec<String> = std::fs::read_dir(root.join("reports/nightly"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [".tierscope-manifest", "findings.csv", "report.json"]
    );

    // Flags win over the config.
    let o = run_in(
        &root,
        "analyze",
        &["--format", "json", "--level", "entity", "--fail-on", "low"],
    );
    assert_eq!(
        json(&o)["settings"]["levels"],
        serde_json::json!(["entity"])
    );
    assert_eq!(o.status.code(), Some(1));
}

/// `lists` in the config is the list files of `screen`.
#[test]
fn the_config_lists_reach_screen() {
    let (_tmp, root) = workdir("lists = [\"watch.csv\"]");
    std::fs::write(
        root.join("watch.csv"),
        "name,list\nNippon Wafer Newco,Internal watch list\n",
    )
    .unwrap();
    let v = json(&run_in(
        &root,
        "screen",
        &["--vendors", "vendors.csv", "--format", "json"],
    ));
    // The dataset's own restricted.csv first, then the config's list.
    assert_eq!(v["lists"][1]["path"], "watch.csv");
    assert_eq!(v["candidates"][0]["verdict"], "BLOCKED");
}

/// `[severity]` is the severity table's thresholds: valid keys reach every command (which
/// all run), and a bad value stops every one of them the same way, naming the key.
#[test]
fn a_bad_severity_table_in_the_config_stops_every_command() {
    let (_tmp, root) = workdir(
        "[severity]\nrevenue_high = 5e8\nexposure_critical = 0.95\ncritical_item_max = \"high\"",
    );
    for (command, args) in DATASET_COMMANDS {
        let o = run_in(&root, command, args);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{command}: {}",
            text(&o.stderr)
        );
    }
    let bad = [
        (
            "exposure_high = 1.5",
            "[severity] exposure_high is 1.5 (expected a fraction above 0 and at most 1)",
        ),
        (
            "revenue_high = -1.0",
            "[severity] revenue_high is -1 (expected an amount of money, 0 or more)",
        ),
        (
            "exposure_medium = 0.8",
            "[severity] exposure_medium (0.8) is above exposure_high (0.5) (expected medium <= high <= critical)",
        ),
        (
            "critical_item = 4",
            "[severity] critical_item is 4 (expected 0 to 3 levels)",
        ),
    ];
    for (key, message) in bad {
        let (_tmp, root) = workdir(&format!("[severity]\n{key}"));
        for (command, args) in DATASET_COMMANDS {
            let o = run_in(&root, command, args);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{key} {command}: {err}");
            assert!(err.contains(message), "{key} {command}: {err}");
        }
    }
    // An unknown key or a bad type points to its line and column.
    for (key, at) in [
        ("revenue_huge = 1", "tierscope.toml:3:1"),
        ("critical_item_max = \"urgent\"", "tierscope.toml:3:21"),
    ] {
        let (_tmp, root) = workdir(&format!("[severity]\n{key}"));
        let o = run_in(&root, "analyze", &[]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{key}: {err}");
        assert!(err.contains(at), "{key}: {err}");
    }
}

/// The config's severity table changes severities, and the report records the table it used.
#[test]
fn the_config_severity_table_changes_severities() {
    let severities = |extra: &str| {
        let (_tmp, root) = workdir(extra);
        let v = json(&run_in(&root, "analyze", &["--format", "json"]));
        let by_id: std::collections::BTreeMap<String, (String, Option<f64>)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    (
                        f["severity"].as_str().unwrap().to_string(),
                        f["revenue_at_risk"].as_f64(),
                    ),
                )
            })
            .collect();
        (by_id, v["settings"]["severity"].clone())
    };
    let (plain, table) = severities("");
    assert!(table.is_null(), "the default table is not written: {table}");
    // The mini products earn a million: with every revenue threshold at 1,000, each finding
    // with a revenue at risk of 1,000 or more is critical.
    let (low, table) = severities(
        "[severity]\nrevenue_medium = 1000.0\nrevenue_high = 1000.0\nrevenue_critical = 1000.0",
    );
    assert_eq!(table["revenue_critical"], 1000.0);
    let mut raised = 0;
    for (id, (severity, revenue)) in &low {
        if id == "untrusted_exposure:untrusted:untrusted:fab-cn:die" {
            // The Chinese fab's own exposure to untrusted hands stays at most medium.
            assert_eq!(severity, "medium");
        } else if revenue.is_some_and(|r| r >= 1000.0) {
            assert_eq!(severity, "critical", "{id}");
            raised += usize::from(plain[id].0 != "critical");
        } else {
            assert_eq!(severity, &plain[id].0, "{id}");
        }
    }
    assert!(raised > 0, "no finding was raised: {low:?}");
}
