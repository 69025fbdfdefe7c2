//! The report command and its renderers: snapshots, the JSON schema, the HTML's sections,
//! determinism, all-or-nothing writes, and the committed sample reports.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tierscope::analysis::{Settings, analyze};
use tierscope::gate::Reviewed;
use tierscope::graph::ProductionGraph;

const MINI: &str = "tests/fixtures/mini";
const DATASETS: [&str; 2] = ["legacy-semiconductors", "biologic-ingredients"];

fn mini_report() -> Reviewed {
    let ds = tierscope::ingest::load(Path::new(MINI)).unwrap().dataset;
    let g = ProductionGraph::build(&ds);
    Reviewed::plain(analyze(&ds, &g, &Settings::default()).unwrap())
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The tool's version is the one volatile field: mask it so snapshots survive a release.
fn masked(text: &str) -> String {
    text.replace(
        &format!("tierscope {}", env!("CARGO_PKG_VERSION")),
        "tierscope [version]",
    )
}

#[test]
fn markdown_snapshot() {
    let md = String::from_utf8(tierscope::report::markdown::render(&mini_report())).unwrap();
    insta::assert_snapshot!("mini_report_md", masked(&md));
}

/// Markdown tables are cut like the HTML ones: the first rows of each kind, most severe first,
/// then how many were left out.
#[test]
fn markdown_cuts_long_tables_and_counts_the_rest() {
    use tierscope::analysis::findings::Kind;
    let report = mini_report();
    let md = String::from_utf8(tierscope::report::markdown::render_limited(&report, 1)).unwrap();
    for kind in Kind::ALL {
        let of_kind: Vec<_> = report.findings.iter().filter(|f| f.kind == kind).collect();
        let n = of_kind.len();
        if n == 0 {
            continue;
        }
        let section = md
            .split(&format!("\n## {} ({n})\n", kind.title()))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {kind:?}"));
        let section = section.split("\n## ").next().unwrap();
        // Header, separator and one row.
        assert_eq!(section.matches("\n| ").count(), 2, "{kind:?}: {section}");
        assert!(section.contains(&*of_kind[0].subject), "{kind:?}");
        assert_eq!(
            section.contains(&format!("… and {} more, less severe", n - 1)),
            n > 1,
            "{kind:?}: {section}"
        );
    }
    let full = String::from_utf8(tierscope::report::markdown::render(&report)).unwrap();
    assert!(!full.contains(" more, less severe"), "the mini report fits");
}

#[test]
fn csv_snapshot() {
    let csv = String::from_utf8(tierscope::report::csv::render(&mini_report())).unwrap();
    insta::assert_snapshot!("mini_findings_csv", csv);
}

#[test]
fn json_snapshot() {
    let json = String::from_utf8(tierscope::report::json::to_vec(&mini_report())).unwrap();
    insta::assert_snapshot!("mini_report_json", masked(&json));
}

#[test]
fn csv_has_one_row_per_finding_and_round_trips() {
    let report = mini_report();
    let bytes = tierscope::report::csv::render(&report);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        tierscope::report::csv::COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), report.findings.len());
    for (row, f) in rows.iter().zip(&report.findings) {
        assert_eq!(&row[0], f.id);
        assert_eq!(&row[2], f.severity.as_str());
        let value: f64 = row[8].parse().unwrap();
        assert!((value - f.metric.value).abs() < 1e-6);
    }
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string("schema/report.schema.json").unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn assert_valid(validator: &jsonschema::Validator, json: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema: {errors:#?}"
    );
}

#[test]
fn every_report_validates_against_the_schema() {
    let validator = schema();
    let mini = serde_json::to_value(mini_report()).unwrap();
    assert_valid(&validator, &mini, "mini");
    for name in DATASETS {
        let o = run(&["analyze", &format!("datasets/{name}"), "--format", "json"]);
        assert_eq!(o.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_valid(&validator, &v, name);
    }
}

#[test]
fn the_schema_rejects_what_it_should() {
    let validator = schema();
    let mut v = serde_json::to_value(mini_report()).unwrap();
    v["findings"][0]["severity"] = "urgent".into();
    assert!(!validator.is_valid(&v));
    let mut v = serde_json::to_value(mini_report()).unwrap();
    v.as_object_mut().unwrap().remove("findings");
    assert!(!validator.is_valid(&v));
    let mut v = serde_json::to_value(mini_report()).unwrap();
    let spof = v["findings"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["kind"] == "spof")
        .unwrap();
    spof["metric"]["value"] = 0.5.into();
    assert!(!validator.is_valid(&v));
}

#[test]
fn html_has_every_section_and_parses() {
    let bytes = tierscope::report::html::render(&mini_report(), &[]);
    let html = String::from_utf8(bytes).unwrap();
    let dom = tl::parse(&html, tl::ParserOptions::default()).expect("HTML parses");
    let parser = dom.parser();
    for id in [
        "summary",
        "products",
        "countries",
        "concentration",
        "restricted",
        "time",
        "visibility",
        "findings",
        "methodology",
    ] {
        assert!(
            dom.get_element_by_id(id).is_some(),
            "no section #{id} in the HTML"
        );
    }
    // One row per finding in the full table, one product block per product.
    let table = dom.get_element_by_id("all-findings").unwrap();
    let table = table.get(parser).unwrap().inner_html(parser);
    assert_eq!(
        table.matches("<tr>").count(),
        1 + mini_report().findings.len()
    );
    assert!(html.contains("id=\"p-oem-us-chip\"") && html.contains("id=\"p-fab-cn-die\""));
    // Self-contained: nothing is fetched.
    for needle in ["http://", "https://", "<link", "src=\""] {
        assert!(!html.contains(needle), "the HTML references {needle}");
    }
    // Escaping: names are text, not markup.
    assert!(!html.contains("<script>alert"));
}

/// A page with more findings than a table shows: each table keeps its first, most severe,
/// rows and counts the rest; only the products with the most critical, then high findings
/// get a section, and only those are linked from the table of end products.
#[test]
fn html_cuts_long_tables_and_says_what_it_left_out() {
    use tierscope::analysis::findings::Severity;
    use tierscope::report::html::{Limits, render, render_limited};
    let report = mini_report();
    let n = report.findings.len();
    assert!(n > 3 && report.products.len() == 2);
    let full = String::from_utf8(render(&report, &[])).unwrap();
    assert!(!full.contains(" more, less severe"), "the mini report fits");

    let html = String::from_utf8(render_limited(
        &report,
        &[],
        Limits {
            rows: 1,
            products: 1,
        },
    ))
    .unwrap();
    let dom = tl::parse(&html, tl::ParserOptions::default()).expect("HTML parses");
    let parser = dom.parser();
    let table = dom.get_element_by_id("all-findings").unwrap();
    let table = table.get(parser).unwrap().inner_html(parser);
    // Header, the most severe finding, and the count of the rest.
    assert_eq!(table.matches("<tr>").count(), 3, "{table}");
    assert!(table.contains(report.findings[0].id.as_str()));
    assert!(!table.contains(report.findings[1].id.as_str()));
    assert!(table.contains(&format!("… and {} more, less severe", n - 1)));
    // The product with the most critical, then high findings keeps its section.
    let rank = |e: &str, i: &str| {
        let of = |sev| {
            report
                .findings
                .iter()
                .filter(|f| {
                    f.severity == sev
                        && f.product
                            .as_ref()
                            .is_some_and(|p| &*p.entity == e && &*p.item == i)
                })
                .count()
        };
        let exposure = report
            .products
            .iter()
            .find(|p| p.entity == e && p.item == i)
            .unwrap()
            .untrusted_exposure;
        (of(Severity::Critical), of(Severity::High), exposure)
    };
    // On a tie the product listed first (oem-us) is kept.
    let (kept, cut) = if rank("oem-us", "chip") >= rank("fab-cn", "die") {
        ("oem-us-chip", "fab-cn-die")
    } else {
        ("fab-cn-die", "oem-us-chip")
    };
    assert_eq!(html.matches("class=\"product\"").count(), 1);
    assert!(html.contains(&format!("id=\"p-{kept}\"")));
    assert!(html.contains(&format!("href=\"#p-{kept}\"")));
    assert!(!html.contains(&format!("id=\"p-{cut}\"")));
    assert!(
        !html.contains(&format!("href=\"#p-{cut}\"")),
        "a link to no section"
    );
    assert!(html.contains("Sections below for 1 of the 2 end products"));
    // The concentration table is cut the same way.
    assert!(
        report.concentration.len() < 2
            || html.contains(&format!(
                "… and {} more, less concentrated",
                report.concentration.len() - 1
            ))
    );
}

/// A headline names at most `HEADLINE_PRODUCTS` products and counts the rest; its ids still
/// cover every finding behind it.
#[test]
fn a_headline_names_the_first_products_and_counts_the_rest() {
    use tierscope::analysis::findings::{Kind, ProductRef};
    use tierscope::report::{HEADLINE_PRODUCTS, headlines};
    let mut report = mini_report().report;
    let spof = report
        .findings
        .iter()
        .find(|f| f.kind == Kind::Spof)
        .expect("the fixture has a single point of failure")
        .clone();
    let same = |f: &tierscope::analysis::findings::Finding| {
        f.kind == Kind::Spof && f.level == spof.level && f.subject == spof.subject
    };
    let before = report.findings.iter().filter(|f| same(f)).count();
    let extra = HEADLINE_PRODUCTS + 2;
    for k in 0..extra {
        let mut f = spof.clone();
        f.id = format!("{}-copy-{k}", spof.id).into();
        f.product = Some(std::sync::Arc::new(ProductRef {
            entity: format!("maker-{k}").into(),
            item: "part".into(),
        }));
        report.findings.push(f);
    }
    let total = before + extra;
    let line = headlines(&report, 100)
        .into_iter()
        .find(|h| h.ids.contains(&spof.id.to_string()))
        .expect("a headline for the single point of failure");
    assert_eq!(line.ids.len(), total);
    assert!(
        line.text
            .contains(&format!("can stop {total} end products alone: ")),
        "{}",
        line.text
    );
    assert!(
        line.text
            .ends_with(&format!(" and {} more", total - HEADLINE_PRODUCTS)),
        "{}",
        line.text
    );
    let names = line.text.split(" alone: ").nth(1).unwrap();
    let listed = names.split(" and ").next().unwrap().split(", ").count();
    assert_eq!(listed, HEADLINE_PRODUCTS, "{}", line.text);
}

#[test]
fn html_places_every_chart_inline() {
    let ds = tierscope::ingest::load(Path::new(MINI)).unwrap().dataset;
    let g = ProductionGraph::build(&ds);
    let report = Reviewed::plain(analyze(&ds, &g, &Settings::default()).unwrap());
    let charts = tierscope::chart::try_render_all(&report, &ds, &g).unwrap();
    assert!(
        charts.len() >= 6,
        "the mini fixture supports at least six charts"
    );
    let files = tierscope::report::render_files(
        &report,
        &ds,
        &g,
        &tierscope::cli::ReportFormat::ALL,
        &tierscope::cli::ChartFormat::BOTH,
    )
    .unwrap();
    let html = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert_eq!(files[0].path, Path::new("report.html"));
    assert_eq!(
        html.matches("<figure class=\"chart\"").count(),
        charts.len()
    );
    for c in &charts {
        assert!(
            html.contains(&format!("data-chart=\"{}\"", c.name)),
            "{} missing",
            c.name
        );
        let svg_file = PathBuf::from(format!("charts/{}.svg", c.name));
        let png_file = PathBuf::from(format!("charts/{}.png", c.name));
        assert!(
            files
                .iter()
                .any(|f| f.path == svg_file && f.bytes == c.svg.as_bytes())
        );
        assert!(files.iter().any(|f| f.path == png_file && f.bytes == c.png));
    }
    // Without HTML and chart files, no chart is drawn at all.
    let files = tierscope::report::render_files(
        &report,
        &ds,
        &g,
        &[tierscope::cli::ReportFormat::Json],
        &[tierscope::cli::ChartFormat::None],
    )
    .unwrap();
    assert_eq!(files.len(), 1);
}

#[test]
fn html_escapes_names() {
    assert_eq!(
        tierscope::report::html::esc("<b>A & B's \"x\"</b>"),
        "&lt;b&gt;A &amp; B&#39;s &quot;x&quot;&lt;/b&gt;"
    );
}

fn list(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    common::files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

#[test]
fn report_command_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [&a, &b] {
        let o = run(&["report", MINI, "--out", dir.path().to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let (la, lb) = (list(a.path()), list(b.path()));
    assert!(la.iter().any(|(p, _)| p == Path::new("report.html")));
    assert!(la.iter().any(|(p, _)| p == Path::new("report.json")));
    assert_eq!(la, lb);
}

#[test]
fn report_formats_flag_limits_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "report",
        MINI,
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "json,csv",
        "--charts",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let names: Vec<PathBuf> = list(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        names,
        [
            PathBuf::from(".tierscope-manifest"),
            PathBuf::from("findings.csv"),
            PathBuf::from("report.json")
        ]
    );
}

#[test]
fn a_failed_write_leaves_the_previous_report_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    assert_eq!(run(&["report", MINI, "--out", out]).status.code(), Some(0));
    let before = list(dir.path());
    // Change the run's output (a lower threshold gives more findings), then fail after two
    // files, as a full disk would.
    let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(["report", MINI, "--out", out, "--capacity-threshold", "0.1"])
        .env("TIERSCOPE_FAIL_AFTER_FILES", "2")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write"));
    assert_eq!(
        list(dir.path()),
        before,
        "old files changed or temporary files remain"
    );
}

#[cfg(unix)]
#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions: then the check cannot be made here.
    if std::fs::write(locked.join("probe"), b"x").is_ok() {
        return;
    }
    let o = run(&["report", MINI, "--out", locked.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot write") && err.contains("locked"),
        "{err}"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let o = run(&["report", MINI, "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write"));
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

/// The date of the committed sample reports, as `SOURCE_DATE_EPOCH` (2025-12-06).
const SAMPLE_EPOCH: &str = "1765000000";

/// The committed sample reports in `reports/` are what the current code writes.
#[test]
fn committed_sample_reports_are_fresh() {
    for name in DATASETS {
        let committed = Path::new("reports").join(name);
        let fresh = tempfile::tempdir().unwrap();
        // The samples are dated 2025-12-06 (the date a report states is part of its bytes).
        let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .args([
                "report",
                &format!("datasets/{name}"),
                "--out",
                fresh.path().to_str().unwrap(),
            ])
            .env("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
            .output()
            .expect("the binary runs");
        assert_eq!(o.status.code(), Some(0));
        let (a, b) = (list(&committed), list(fresh.path()));
        let names = |l: &[(PathBuf, Vec<u8>)]| l.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&a),
            names(&b),
            "reports/{name} is stale: run `SOURCE_DATE_EPOCH={SAMPLE_EPOCH} cargo run --release -- report datasets/{name}`"
        );
        for ((p, x), (_, y)) in a.iter().zip(&b) {
            assert!(
                x == y,
                "reports/{name}/{} is stale: run `SOURCE_DATE_EPOCH={SAMPLE_EPOCH} cargo run --release -- report datasets/{name}`",
                p.display()
            );
        }
    }
}

/// Every point a write can fail at, by file and in the middle of a file (a disk that fills
/// up): the previous report stays byte for byte, and no temporary file remains.
#[test]
fn a_write_failing_at_any_point_leaves_the_previous_report_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    // Charts are left out: they do not all depend on the threshold changed below, and
    // drawing them in a debug build would make this many runs slow.
    let fast = ["--format", "md,json,csv", "--charts", "none"];
    let first: Vec<&str> = ["report", MINI, "--out", out]
        .iter()
        .chain(&fast)
        .copied()
        .collect();
    assert_eq!(run(&first).status.code(), Some(0));
    let before = list(dir.path());
    let sizes: Vec<usize> = before.iter().map(|(_, b)| b.len()).collect();
    let total: usize = sizes.iter().sum();
    let mut faults: Vec<(&str, String)> = (0..before.len())
        .map(|n| ("TIERSCOPE_FAIL_AFTER_FILES", n.to_string()))
        .collect();
    for bytes in [
        0,
        1,
        sizes[0] / 2,
        sizes[0],
        sizes[0] + 7,
        total / 2,
        total - 1,
    ] {
        faults.push(("TIERSCOPE_FAIL_AFTER_BYTES", bytes.to_string()));
    }
    for (switch, value) in &faults {
        // A lower threshold changes every file, so a partial write would show.
        let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .args(["report", MINI, "--out", out, "--capacity-threshold", "0.1"])
            .args(fast)
            .env(switch, value)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{switch}={value}: {err}");
        assert!(err.contains("cannot write"), "{switch}={value}: {err}");
        assert!(
            list(dir.path()) == before,
            "{switch}={value}: old files changed or temporary files remain"
        );
    }
    // Without a fault the new report replaces the old one whole.
    let again: Vec<&str> = ["report", MINI, "--out", out, "--capacity-threshold", "0.1"]
        .iter()
        .chain(&fast)
        .copied()
        .collect();
    let o = run(&again);
    assert_eq!(o.status.code(), Some(0));
    let after = list(dir.path());
    assert_eq!(after.len(), before.len());
    // Every file changed but the manifest, which lists the same files.
    assert!(
        after
            .iter()
            .zip(&before)
            .all(|(a, b)| a.0 == b.0 && (a.1 != b.1 || a.0.ends_with(".tierscope-manifest")))
    );
}

/// A first run into a new folder that fails leaves no file behind.
#[test]
fn a_failed_first_write_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new");
    let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(["report", MINI, "--out", out.to_str().unwrap()])
        .env("TIERSCOPE_FAIL_AFTER_BYTES", "5000")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(list(&out), Vec::new());
}

/// `report.json` is written with its long arrays formatted in parallel; it must be byte for
/// byte what serde_json writes for the whole report, with every optional part present
/// (baseline, resolved findings, waivers on findings, expired and unused waivers), and for a
/// generated dataset with arrays longer than the writer's batches.
#[test]
fn parallel_json_is_byte_identical_to_serde_json() {
    use tierscope::baseline::{OldFinding, OldMetric, RunFindings};
    use tierscope::waiver::{Date, Waiver};
    let reference = |r: &Reviewed| {
        let mut bytes = serde_json::to_vec_pretty(r).unwrap();
        bytes.push(b'\n');
        bytes
    };
    let mini = mini_report().report;
    let waiver = |id: &str, expires: &str| Waiver {
        id: id.into(),
        reason: "accepted until the second source qualifies".into(),
        expires: Date::parse(expires).unwrap(),
    };
    // A baseline that has the first finding, and one finding that is gone.
    let old = |f: &tierscope::analysis::findings::Finding| OldFinding {
        id: f.id.to_string(),
        kind: f.kind.as_str().into(),
        severity: f.severity,
        subject: f.subject.to_string(),
        product: f.product.as_deref().cloned(),
        metric: OldMetric {
            name: f.metric.name.to_string(),
            value: f.metric.value,
        },
        message: f.message.to_string(),
        waived: false,
    };
    let mut gone = old(&mini.findings[1]);
    gone.id = "spof:entity:gone:oem-us:chip".into();
    let baseline = RunFindings {
        schema_version: mini.schema_version,
        rules_version: mini.rules_version - 1,
        tool: "tierscope 0.0.9".into(),
        dataset: "mini".into(),
        input: None,
        settings: serde_json::to_value(&mini.settings).unwrap(),
        findings: vec![old(&mini.findings[0]), gone],
    };
    let waivers = [
        waiver(&mini.findings[0].id, "2027-03-31"),
        waiver("spof:*", "2020-01-01"),
        waiver("concentration:-:nobody:*", "2027-03-31"),
    ];
    let full = Reviewed::new(
        mini,
        Some((&baseline, Path::new("last-night/report.json"))),
        &waivers,
        Date::parse("2026-12-06").unwrap(),
    );
    // Every optional part is there: a status and a waiver on findings, the baseline, the
    // resolved finding, an expired and an unused waiver.
    let json: serde_json::Value = serde_json::to_value(&full).unwrap();
    assert_eq!(json["findings"][0]["status"], "standing");
    assert_eq!(json["findings"][0]["waiver"]["expires"], "2027-03-31");
    assert_eq!(json["findings"][1]["status"], "new");
    assert_eq!(json["baseline"]["standing"], 1);
    assert_eq!(json["resolved"][0]["id"], "spof:entity:gone:oem-us:chip");
    assert_eq!(json["waivers"]["expired"][0]["id"], "spof:*");
    assert_eq!(
        json["waivers"]["unused"][0]["id"],
        "concentration:-:nobody:*"
    );
    let dir = tempfile::tempdir().unwrap();
    let opts = tierscope::generate::Options {
        supply_rows: 20_000,
        seed: 3,
        ..Default::default()
    };
    tierscope::generate::generate(dir.path(), &opts).unwrap();
    let ds = tierscope::ingest::load(dir.path()).unwrap().dataset;
    let big = analyze(&ds, &ProductionGraph::build(&ds), &Settings::default()).unwrap();
    // Several of the writer's batches (2,048 findings per core).
    assert!(big.findings.len() > 8_192, "{}", big.findings.len());
    for r in [mini_report(), full, Reviewed::plain(big)] {
        assert!(!r.findings.is_empty() && !r.concentration.is_empty());
        let ours = tierscope::report::json::to_vec(&r);
        assert!(
            ours == reference(&r),
            "report.json differs from serde_json's"
        );
    }
}

/// A revenue at risk in a report's tables is money in the report's currency, not a raw
/// number of ten digits that runs into the next column in print; findings.csv keeps the
/// plain number for spreadsheets.
#[test]
fn revenue_at_risk_reads_as_money_in_tables_and_as_a_number_in_csv() {
    let report = mini_report();
    let f = report
        .findings
        .iter()
        .find(|f| f.metric.name == "revenue_at_risk")
        .expect("the mini fixture has a time exposure with a revenue");
    let money = tierscope::numbers::money(f.metric.value, &report.settings.currency);
    assert!(money.starts_with('$'), "{money}");
    assert_eq!(tierscope::report::metric_text(&report, f), money);
    let plain = tierscope::report::csv::format_value(f.metric.value);
    let html = String::from_utf8(tierscope::report::html::render(&report, &[])).unwrap();
    assert!(html.contains(&format!("<td class=\"num\">{money}</td>")));
    assert!(!html.contains(&format!(">{plain}<")));
    let md = String::from_utf8(tierscope::report::markdown::render(&report)).unwrap();
    assert!(md.contains(&format!("| {money} |")));
    assert!(!md.contains(&format!("| {plain} |")));
    let csv = String::from_utf8(tierscope::report::csv::render(&report)).unwrap();
    assert!(
        csv.contains(&format!(",{plain},")),
        "findings.csv keeps the plain number"
    );
    // Any other metric reads as the number it is.
    let capacity = report
        .findings
        .iter()
        .find(|f| f.metric.name == "capacity")
        .unwrap();
    assert_eq!(
        tierscope::report::metric_text(&report, capacity),
        tierscope::report::csv::format_value(capacity.metric.value)
    );
}
