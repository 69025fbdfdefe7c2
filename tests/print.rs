//! The report a board can hold (issue #17, points 3 and 7): what it states first (dataset,
//! sources, caveats, date, trust policy, assumptions), its print stylesheet, report.pdf, and
//! an executive summary that says each fact once.

use std::path::Path;
use std::process::{Command, Output};

const SEMI: &str = "datasets/legacy-semiconductors";
const BIO: &str = "datasets/biologic-ingredients";

fn tierscope(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tierscope"));
    c.args(args).env_remove("SOURCE_DATE_EPOCH");
    c.env_remove("TIERSCOPE_CHROMIUM");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the binary runs")
}

fn text(o: &[u8]) -> String {
    String::from_utf8(o.to_vec()).expect("UTF-8")
}

/// Writes the report of `dir` into a fresh folder, with a fixed date.
fn report(dir: &str, extra: &[&str]) -> (tempfile::TempDir, Output) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "report",
        dir,
        "--out",
        out.path().to_str().unwrap(),
        "--charts",
        "none",
    ];
    args.extend_from_slice(extra);
    let o = tierscope(&args, &[("SOURCE_DATE_EPOCH", "1765000000")]);
    (out, o)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// Every untrusted country (countries.csv's and the flag's) is named in every format, with
/// where it came from; the restricted lists, the caveats, the sources and the assumptions too.
#[test]
fn the_report_states_the_policy_the_date_and_the_assumptions() {
    let (out, o) = report(SEMI, &["--untrust", "MY", "--format", "html,md,json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "report.json")).unwrap();
    let c = &json["context"];
    assert_eq!(c["as_of"], "2025-12-06");
    assert_eq!(c["as_of_source"], "SOURCE_DATE_EPOCH");
    assert_eq!(c["currency"], "USD");
    let untrusted: Vec<(String, String)> = c["trust_policy"]["untrusted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_string(),
                u["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Every country countries.csv marks untrusted, read from the file itself.
    let csv = std::fs::read_to_string(format!("{SEMI}/countries.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let trust = header.iter().position(|h| h == "trust").unwrap();
    let code = header.iter().position(|h| h == "code").unwrap();
    let from_file: Vec<String> = rows
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[trust] == "untrusted")
        .map(|r| r[code].to_string())
        .collect();
    assert!(!from_file.is_empty());
    for code in &from_file {
        assert!(
            untrusted.contains(&(code.clone(), "countries.csv".into())),
            "{code}: {untrusted:?}"
        );
    }
    assert!(
        untrusted.contains(&("MY".into(), "--untrust".into())),
        "{untrusted:?}"
    );
    assert_eq!(untrusted.len(), from_file.len() + 1);
    let lists = c["trust_policy"]["restricted_lists"].as_array().unwrap();
    assert!(
        lists.iter().any(|l| l["name"] == "US Entity List"
            && l["sha256"].as_str().is_some_and(|d| d.len() == 64))
    );
    let caveats = c["dataset"]["caveats"].as_array().unwrap();
    assert!(caveats.iter().any(|v| {
        v.as_str()
            .unwrap()
            .contains("Who supplies whom is mostly invented")
    }));
    assert!(c["dataset"]["sources"].as_array().unwrap().len() > 10);
    let html = read(out.path(), "report.html");
    let md = read(out.path(), "report.md");
    for page in [&html, &md] {
        for code in from_file.iter().chain([&"MY".to_string()]) {
            assert!(
                page.contains(&format!("{code} ")) || page.contains(&format!("<b>{code}</b>")),
                "{code}"
            );
        }
        assert!(page.contains("Who supplies whom is mostly invented"));
        assert!(page.contains("No re-sourcing"));
        assert!(page.contains("Unmapped inputs are counted as available"));
        assert!(page.contains("As of 2025-12-06"));
        assert!(page.contains("US Entity List"));
    }
    // The context comes before the executive summary.
    assert!(html.find("id=\"context\"").unwrap() < html.find("id=\"summary\"").unwrap());
    assert!(md.find("## About this report").unwrap() < md.find("## Root causes").unwrap());
}

/// The same input and date give the same bytes; another date changes the date shown.
#[test]
fn same_input_and_date_give_the_same_bytes() {
    let formats = ["--format", "html,md,json,csv"];
    let (a, oa) = report(BIO, &formats);
    let (b, ob) = report(BIO, &formats);
    assert_eq!(oa.status.code(), Some(0));
    assert_eq!(ob.status.code(), Some(0));
    for f in ["report.html", "report.md", "report.json", "findings.csv"] {
        assert_eq!(read(a.path(), f), read(b.path(), f), "{f}");
    }
    let (c, oc) = report(BIO, &["--format", "md", "--as-of", "2026-03-31"]);
    assert_eq!(oc.status.code(), Some(0));
    let md = read(c.path(), "report.md");
    assert!(md.contains("As of 2026-03-31"), "{}", &md[..400]);
    assert!(!md.contains("As of 2025-12-06"));
}

/// `--title`, `--organisation` and `--currency` are shown, and the currency is in the money.
#[test]
fn title_organisation_and_currency_are_shown() {
    let (out, o) = report(
        BIO,
        &[
            "--format",
            "html,md,json",
            "--title",
            "Biologics: risk review",
            "--organisation",
            "Example Ministry <Health>",
            "--currency",
            "eur",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let html = read(out.path(), "report.html");
    assert!(html.contains("<h1>Biologics: risk review</h1>"));
    assert!(html.contains("Example Ministry &lt;Health&gt;"));
    assert!(html.contains("€"), "money in euros");
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "report.json")).unwrap();
    assert_eq!(json["context"]["currency"], "EUR");
    assert_eq!(json["context"]["organisation"], "Example Ministry <Health>");
    let o = tierscope(&["analyze", BIO, "--currency", "EURO"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("ISO 4217"), "{}", text(&o.stderr));
}

/// The config file sets the title, organisation and currency, and its untrusted countries are
/// said to come from it.
/// A title from the command line is not checked like the dataset is: its control characters
/// reach every page visible (`\x1b`), never raw, and its markup stays text.
#[test]
fn a_hostile_title_is_shown_as_text() {
    let title = "\u{1b}[31m<script>x</script> =1+1";
    let (out, o) = report(BIO, &["--format", "html,md", "--title", title]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for name in ["report.html", "report.md"] {
        let page = read(out.path(), name);
        assert!(!page.contains('\u{1b}'), "{name}: a raw escape");
        assert!(page.contains("\\x1b"), "{name}: the escape made visible");
        assert!(!page.contains("<script>x"), "{name}: markup");
    }
}

#[test]
fn the_config_file_sets_the_presentation_and_is_named_as_the_policy_source() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::fs::canonicalize(SEMI).unwrap();
    let config = dir.path().join("tierscope.toml");
    std::fs::write(
        &config,
        format!(
            "dataset = \"{}\"\ntitle = \"Chips review\"\norganisation = \"Example Agency\"\ncurrency = \"GBP\"\nuntrust = [\"MX\"]\nas_of = 2026-02-01\n",
            data.display()
        ),
    )
    .unwrap();
    let o = tierscope(
        &[
            "--config",
            config.to_str().unwrap(),
            "analyze",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &json["context"];
    assert_eq!(c["title"], "Chips review");
    assert_eq!(c["organisation"], "Example Agency");
    assert_eq!(c["currency"], "GBP");
    assert_eq!(c["as_of"], "2026-02-01");
    assert_eq!(c["as_of_source"], "config");
    let mx = c["trust_policy"]["untrusted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "MX")
        .expect("MX untrusted");
    assert!(
        mx["source"].as_str().unwrap().ends_with("tierscope.toml"),
        "{mx}"
    );
}

/// A dataset.toml that is not valid stops the run with its file, line and column; a folder
/// without one says that sources and caveats are not stated.
#[test]
fn dataset_toml_errors_point_to_the_line_and_its_absence_is_said() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(BIO).unwrap() {
        let f = f.unwrap();
        if f.file_name().to_string_lossy().ends_with(".csv") {
            std::fs::copy(f.path(), dir.path().join(f.file_name())).unwrap();
        }
    }
    let d = dir.path().to_str().unwrap();
    let o = tierscope(&["analyze", d], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("no dataset.toml: sources and caveats not stated"));
    std::fs::write(
        dir.path().join("dataset.toml"),
        "title = \"x\"\nsources = [\"a\"]\ncaveat = [\"b\"]\n",
    )
    .unwrap();
    let o = tierscope(&["analyze", d], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("dataset.toml:3:1"), "{err}");
    assert!(err.contains("caveat"), "{err}");
    std::fs::write(
        dir.path().join("dataset.toml"),
        "sources = [{ name = \"USGS\", url = \"https://usgs.gov\" }, \"a book\"]\ncaveats = [\"shares invented\"]\n",
    )
    .unwrap();
    let o = tierscope(&["analyze", d, "--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ds = &json["context"]["dataset"];
    assert_eq!(ds["sources"][0]["url"], "https://usgs.gov");
    assert_eq!(ds["sources"][1]["name"], "a book");
    assert_eq!(ds["caveats"][0], "shares invented");
}

/// The page's print stylesheet: tables unboxed, page breaks before sections, charts at the
/// page's width, the navigation and filter box left out, closed details opened.
#[test]
fn the_page_has_a_print_stylesheet() {
    let (out, o) = report(BIO, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(0));
    let html = read(out.path(), "report.html");
    let print = &html[html.find("@media print{").expect("a print stylesheet")..];
    for rule in [
        ".scroll{max-height:none;overflow:visible",
        "section{margin-top:0;break-before:page}",
        "nav,input#filter",
        ".chart svg{width:100%",
        "overflow-wrap:anywhere",
        "thead{display:table-header-group}",
        "details::details-content{content-visibility:visible",
    ] {
        assert!(print.contains(rule), "missing {rule}");
    }
    assert!(html.contains("addEventListener('beforeprint'"));
}

/// No "(s)" plural is left in the pages and the text summary.
#[test]
fn plurals_are_words() {
    let (out, o) = report(BIO, &["--format", "html,md"]);
    assert_eq!(o.status.code(), Some(0));
    let t = tierscope(&["analyze", BIO], &[]);
    for page in [
        read(out.path(), "report.html"),
        read(out.path(), "report.md"),
        text(&t.stdout),
    ] {
        // Any "noun(s)": the report and the analyses' messages say singular or plural.
        assert!(!page.contains("(s)"), "a (s) plural is left");
    }
}

/// With a browser, `--format pdf` writes a PDF; the test is skipped with a note without one.
#[test]
fn report_pdf_is_printed_when_a_browser_is_found() {
    let Some(browser) = tierscope::report::pdf::find_browser() else {
        eprintln!("note: no Chromium-family browser found: the PDF test is skipped");
        return;
    };
    let (out, o) = report(BIO, &["--format", "pdf", "--charts", "none"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{} ({})",
        text(&o.stderr),
        browser.display()
    );
    let pdf = std::fs::read(out.path().join("report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.len() > 10_000);
    assert!(
        !out.path().join("report.html").exists(),
        "only the PDF was asked for"
    );
    assert!(text(&o.stdout).contains("report.pdf"));
}

/// Without a browser: report.pdf alone is an error (exit 2, nothing written); with other
/// formats it is left out with a warning and the others are written.
#[test]
fn a_missing_browser_is_said_and_only_a_pdf_alone_fails() {
    let missing = [("TIERSCOPE_CHROMIUM", "/nonexistent/chromium")];
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("r");
    let t = target.to_str().unwrap();
    let o = tierscope(&["report", BIO, "--out", t, "--format", "pdf"], &missing);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("TIERSCOPE_CHROMIUM"), "{err}");
    assert!(!target.join("report.pdf").exists());
    let o = tierscope(
        &[
            "report", BIO, "--out", t, "--format", "html,pdf", "--charts", "none",
        ],
        &missing,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("warning: report.pdf needs a Chromium-family browser"));
    assert!(target.join("report.html").exists());
    assert!(!target.join("report.pdf").exists());
}

/// Each fact once: no headline of the other risks stands only for findings that a root cause
/// the summary lists already covers, and on the semiconductor data the China and untrusted
/// bloc lines (the gallium root cause) are not repeated.
#[test]
fn the_other_risks_do_not_repeat_the_root_causes() {
    let ds = tierscope::ingest::load(Path::new(SEMI)).unwrap().dataset;
    let g = tierscope::graph::ProductionGraph::build(&ds);
    let r = tierscope::analysis::analyze(&ds, &g, &Default::default()).unwrap();
    let shown = tierscope::report::board::cause_lines(&r, tierscope::report::board::ROOT_CAUSES);
    assert!(!shown.is_empty());
    let mut causes: Vec<_> = r.root_causes.iter().collect();
    causes.sort_by_key(|c| c.in_house);
    let covered: Vec<&str> = causes
        .iter()
        .take(tierscope::report::board::ROOT_CAUSES)
        .flat_map(|c| c.findings.iter().map(|id| id.as_str()))
        .collect();
    let all = tierscope::report::headlines(&r, usize::MAX);
    let others = tierscope::report::board::other_headlines(&r, usize::MAX);
    assert!(others.len() < all.len(), "some headlines are root causes");
    for h in &others {
        assert!(
            h.ids.iter().any(|id| !covered.contains(&id.as_str())),
            "{}",
            h.text
        );
    }
    for h in &all {
        if h.ids.iter().all(|id| covered.contains(&id.as_str())) {
            assert!(!others.contains(h), "{}", h.text);
        }
    }
    assert!(
        !others
            .iter()
            .any(|h| h.text.starts_with("Country China (CN) can stop"))
    );
}

/// `scripts/screenshot.sh` captures the whole page: the picture is as tall as the page (the
/// old script stopped at 4,000 px of a 19,000 px page).
#[test]
fn the_screenshot_script_captures_the_whole_page() {
    if tierscope::report::pdf::find_browser().is_none() {
        eprintln!("note: no Chromium-family browser found: the screenshot test is skipped");
        return;
    }
    let (out, o) = report(BIO, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(0));
    let png = out.path().join("page.png");
    let o = Command::new("bash")
        .arg("scripts/screenshot.sh")
        .arg(out.path().join("report.html"))
        .arg(&png)
        .arg("1200")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1200);
    assert!(height > 10_000, "only {height} px captured");
    let said = text(&o.stdout);
    assert!(said.contains(&format!("1200 x {height} px")), "{said}");
}
