//! The real `tierscope` binary, run in temporary folders.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets");

/// Runs the binary in `cwd` with `args`.
fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("the binary exits with a code")
}

/// A temporary folder holding a copy of the mini fixture as `mini/`.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mini = dir.path().join("mini");
    std::fs::create_dir(&mini).unwrap();
    for entry in std::fs::read_dir(MINI).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), mini.join(entry.file_name())).unwrap();
    }
    dir
}

/// A workspace whose `mini/supply.csv` has three bad rows:
/// line 2 share `60%` (column 4), line 6 unknown item `wafr` (column 3), line 9 qualified
/// `maybe` (column 5).
fn bad_workspace() -> TempDir {
    let ws = workspace();
    let path = ws.path().join("mini/supply.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "fab-tw,oem-us,die,60%,,";
    lines[5] = "wafer-jp,fab-cn,wafr,1,,";
    lines[8] = "ga-cn,wafer-de,gallium,0.5,maybe,";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    ws
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

// ---------------------------------------------------------------------------------------------
// validate

#[test]
fn validate_valid_folder_exits_0_and_says_valid() {
    let ws = workspace();
    let o = run(ws.path(), &["validate", "mini"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // The fixture's three unmapped inputs, then the verdict.
    assert_eq!(lines.len(), 4, "{out}");
    for l in &lines[..3] {
        assert!(
            l.starts_with("mini/supply.csv: warning[unmapped-input]: "),
            "{l}"
        );
    }
    assert_eq!(lines[3], "mini: valid (0 errors, 3 warnings, 0 notes)");
}

#[test]
fn validate_invalid_folder_exits_2_and_prints_every_error_on_stdout() {
    let ws = bad_workspace();
    let o = run(ws.path(), &["validate", "mini"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(errors.len(), 3, "{out}");
    assert!(
        errors[0].starts_with("mini/supply.csv:2:4: error[bad-value]: `share` is `60%`"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with(
            "mini/supply.csv:6:3: error[unknown-reference]: `item` names unknown item `wafr`"
        ),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].starts_with("mini/supply.csv:9:5: error[bad-value]: `qualified` is `maybe`"),
        "{}",
        errors[2]
    );
    // Errors come first, and the last line is the verdict.
    assert!(out.lines().take(3).all(|l| l.contains(": error[")), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("mini: invalid (3 errors, "), "{last}");
}

#[test]
fn validate_every_diagnostic_line_has_the_file_line_column_shape() {
    let ws = bad_workspace();
    let o = run(ws.path(), &["validate", "mini"]);
    let out = stdout(&o);
    let mut n = 0;
    for l in out.lines().filter(|l| l.contains("error[")) {
        // file:line:col: error[code]: message
        let (place, rest) = l.split_once(": ").unwrap();
        let parts: Vec<&str> = place.split(':').collect();
        assert_eq!(parts.len(), 3, "{l}");
        assert!(parts[0].ends_with(".csv"), "{l}");
        assert!(parts[1].parse::<u64>().unwrap() >= 1, "{l}");
        assert!(parts[2].parse::<usize>().unwrap() >= 1, "{l}");
        let code = rest
            .strip_prefix("error[")
            .and_then(|r| r.split_once("]: "))
            .map(|(c, _)| c)
            .unwrap_or_else(|| panic!("{l}"));
        assert!(
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{l}"
        );
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn validate_json_on_an_invalid_folder() {
    let ws = bad_workspace();
    let o = run(ws.path(), &["validate", "mini", "--format", "json"]);
    assert_eq!(code(&o), 2);
    let v = json(&o);
    assert_eq!(v["valid"], Value::Bool(false));
    assert_eq!(v["errors"], 3);
    assert_eq!(v["dataset"], "mini");
    let diags = v["diagnostics"].as_array().unwrap();
    let errors: Vec<(u64, u64, &str)> = diags
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            assert!(d["file"].as_str().unwrap().ends_with("supply.csv"), "{d}");
            assert!(d["message"].is_string(), "{d}");
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (2, 4, "bad-value"),
            (6, 3, "unknown-reference"),
            (9, 5, "bad-value")
        ]
    );
    assert_eq!(
        v["warnings"].as_u64().unwrap() as usize,
        diags.iter().filter(|d| d["severity"] == "warning").count()
    );
}

#[test]
fn validate_json_on_a_valid_folder() {
    let ws = workspace();
    let o = run(ws.path(), &["validate", "mini", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    assert_eq!(v["valid"], Value::Bool(true));
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 3);
    assert_eq!(v["notes"], 0);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 3);
    for d in diags {
        assert_eq!(d["code"], "unmapped-input");
        // Not about one row: no line, no column.
        assert!(d.get("line").is_none() && d.get("column").is_none(), "{d}");
    }
}

#[test]
fn validate_missing_folder_exits_2_with_a_message_on_stderr() {
    let ws = workspace();
    let o = run(ws.path(), &["validate", "no-such-data"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("no-such-data") && err.contains("no such folder"),
        "{err}"
    );
}

#[test]
fn validate_file_instead_of_folder_exits_2_with_a_message_on_stderr() {
    let ws = workspace();
    let o = run(ws.path(), &["validate", "mini/supply.csv"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("mini/supply.csv") && err.contains("is a file"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// summary

/// The numbers of the mini fixture, worked out by hand:
/// - 9 supply rows, 1 unqualified (wafer-de -> oem-us die);
/// - production nodes: fab-tw/die, fab-cn/die, wafer-jp/wafer, wafer-de/wafer,
///   resist-jp/resist, ga-cn/gallium, wafer-de/die, oem-us/chip = 8;
/// - edges: die of oem-us (2), wafer of fab-tw (2), resist of fab-tw (1), wafer of fab-cn (1),
///   gallium of wafer-jp (1), gallium of wafer-de (1) = 8;
/// - BOM levels: gallium/resist, wafer, die, chip = 4;
/// - inputs: oem-us/chip 1, fab-tw/die 2, fab-cn/die 2, wafer-de/die 2, wafer-jp/wafer 1,
///   wafer-de/wafer 1 = 9; fully mapped 5, partly 1 (gallium of wafer-de, 0.5), unmapped 3
///   (resist of fab-cn, wafer and resist of wafer-de); mean (5 + 0.5) / 9 = 61.1%;
/// - restricted: ga-cn (by id), parent-cn (by name) = 2; untrusted: the 3 CN entities.
const MINI_COUNTS: [(&str, u64); 14] = [
    ("countries", 5),
    ("entities", 9),
    ("items", 5),
    ("bom_rows", 4),
    ("supply_rows", 9),
    ("unqualified_supply_rows", 1),
    ("end_products", 2),
    ("ownership_rows", 3),
    ("restricted_rows", 2),
    ("production_nodes", 8),
    ("edges", 8),
    ("bom_levels", 4),
    ("restricted_entities", 2),
    ("untrusted_entities", 3),
];

#[test]
fn summary_text_on_the_mini_fixture() {
    let ws = workspace();
    let o = run(ws.path(), &["summary", "mini"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let value = |label: &str| -> u64 {
        let line = out
            .lines()
            .find(|l| {
                l.trim_start().starts_with(label)
                    && l.trim_start()[label.len()..].trim().parse::<u64>().is_ok()
            })
            .unwrap_or_else(|| panic!("no `{label}` line in:\n{out}"));
        line.trim_start()[label.len()..].trim().parse().unwrap()
    };
    let labels = [
        ("countries", "countries"),
        ("entities", "entities"),
        ("items", "items"),
        ("bom_rows", "BOM rows"),
        ("supply_rows", "supply rows"),
        ("unqualified_supply_rows", "of which unqualified"),
        ("end_products", "end products"),
        ("ownership_rows", "ownership rows"),
        ("restricted_rows", "restricted-list rows"),
        ("production_nodes", "production nodes"),
        ("edges", "edges"),
        ("bom_levels", "BOM levels"),
        ("restricted_entities", "restricted entities"),
        ("untrusted_entities", "untrusted entities"),
    ];
    for ((key, want), (key2, label)) in MINI_COUNTS.iter().zip(labels) {
        assert_eq!(*key, key2);
        assert_eq!(value(label), *want, "{label}");
    }
    assert!(
        out.contains(
            "coverage of inputs: 61.1% mean; 9 inputs: 5 fully mapped, 1 partly, 3 unmapped"
        ),
        "{out}"
    );
    assert!(out.starts_with("dataset mini\n"), "{out}");
}

#[test]
fn summary_json_on_the_mini_fixture() {
    let ws = workspace();
    let o = run(ws.path(), &["summary", "mini", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["dataset"], "mini");
    for (key, want) in MINI_COUNTS {
        assert_eq!(v[key].as_u64(), Some(want), "{key}");
    }
    let c = &v["coverage"];
    assert_eq!(c["inputs"], 9);
    assert_eq!(c["fully_mapped"], 5);
    assert_eq!(c["partly_mapped"], 1);
    assert_eq!(c["unmapped"], 3);
    assert!((c["mean"].as_f64().unwrap() - 5.5 / 9.0).abs() < 1e-12);
    // By country: CN 3 entities (fab-cn, ga-cn, parent-cn) and 2 nodes (fab-cn/die,
    // ga-cn/gallium); DE 1 entity (wafer-de) and 2 nodes (wafer-de/wafer, wafer-de/die).
    let by_country = v["by_country"].as_array().unwrap();
    let find = |code: &str| {
        by_country
            .iter()
            .find(|c| c["code"] == code)
            .unwrap_or_else(|| panic!("no {code}"))
    };
    assert_eq!(find("CN")["entities"], 3);
    assert_eq!(find("CN")["production_nodes"], 2);
    assert_eq!(find("CN")["trust"], "untrusted");
    assert_eq!(find("DE")["entities"], 1);
    assert_eq!(find("DE")["production_nodes"], 2);
    let nodes: u64 = by_country
        .iter()
        .map(|c| c["production_nodes"].as_u64().unwrap())
        .sum();
    assert_eq!(nodes, 8);
}

#[test]
fn summary_of_an_invalid_folder_exits_2_with_the_errors_on_stderr() {
    let ws = bad_workspace();
    let o = run(ws.path(), &["summary", "mini"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("mini/supply.csv:2:4: error[bad-value]"),
        "{err}"
    );
    assert!(
        err.contains("mini/supply.csv:6:3: error[unknown-reference]"),
        "{err}"
    );
    assert!(
        err.contains("mini/supply.csv:9:5: error[bad-value]"),
        "{err}"
    );
    assert!(err.contains("3 errors"), "{err}");
}

#[test]
fn summary_missing_folder_and_file_instead_of_folder_exit_2() {
    let ws = workspace();
    for (arg, what) in [("nowhere", "no such folder"), ("mini/bom.csv", "is a file")] {
        for format in ["text", "json"] {
            let o = run(ws.path(), &["summary", arg, "--format", format]);
            assert_eq!(code(&o), 2, "{arg}");
            assert_eq!(stdout(&o), "", "{arg}");
            let err = stderr(&o);
            assert!(err.contains(arg) && err.contains(what), "{err}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// help

/// The subcommands listed by `tierscope --help`.
fn subcommands() -> Vec<String> {
    let o = run(Path::new("."), &["--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let list: Vec<String> = out
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    assert!(list.iter().any(|c| c == "validate"), "{out}");
    assert!(list.iter().any(|c| c == "summary"), "{out}");
    list
}

#[test]
fn help_of_every_subcommand_shows_an_example() {
    for sub in subcommands() {
        let o = run(Path::new("."), &[&sub, "--help"]);
        assert_eq!(code(&o), 0, "{sub}");
        let out = stdout(&o);
        assert!(out.contains("Examples:"), "`{sub} --help`:\n{out}");
        assert!(
            out.contains(&format!("  tierscope {sub} ")),
            "`{sub} --help` has no example of itself:\n{out}"
        );
    }
}

#[test]
fn top_level_help_shows_examples_and_exit_codes() {
    let o = run(Path::new("."), &["--help"]);
    let out = stdout(&o);
    assert!(out.contains("Examples:\n  tierscope "), "{out}");
    assert!(out.contains("Exit codes:"), "{out}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let o = run(Path::new("."), &["frobnicate"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("frobnicate"));
}

// ---------------------------------------------------------------------------------------------
// bundled datasets

fn bundled_dataset_is_valid(name: &str) {
    let o = run(Path::new(DATASETS), &["validate", name, "--format", "json"]);
    let v = json(&o);
    let errors: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d.to_string())
        .collect();
    assert_eq!(v["errors"], 0, "{name}: {errors:#?}");
    assert_eq!(v["valid"], Value::Bool(true));
    assert_eq!(code(&o), 0);
}

#[test]
fn bundled_legacy_semiconductors_is_valid() {
    bundled_dataset_is_valid("legacy-semiconductors");
}

#[test]
fn bundled_biologic_ingredients_is_valid() {
    bundled_dataset_is_valid("biologic-ingredients");
}
