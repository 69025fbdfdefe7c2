//! Hostile data in, safe files out (issue 13): every output of every subcommand run on the
//! hostile fixture dataset (`tests/fixtures/hostile/`, written by `common::hostile`), read
//! back the way its reader reads it.

mod common;

use common::hostile;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixture() -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/hostile")
}

/// The committed fixture is what the helper writes (`TIERSCOPE_BLESS=1` rewrites it).
#[test]
fn the_committed_fixture_is_what_the_helper_writes() {
    let files = hostile::files();
    if std::env::var_os("TIERSCOPE_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(fixture());
        common::write(&files, &fixture());
    }
    for (name, text) in &files {
        let committed = std::fs::read_to_string(fixture().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e} (run with TIERSCOPE_BLESS=1 to write it)"));
        assert_eq!(
            &committed, text,
            "{name} differs from common::hostile (TIERSCOPE_BLESS=1 rewrites it)"
        );
    }
}

fn tierscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(args)
        .env("TIERSCOPE_TODAY", "2026-12-01")
        .output()
        .unwrap()
}

/// Runs tierscope and returns (exit code, stdout, stderr), failing on a crash.
fn run(args: &[&str]) -> (i32, String, String) {
    let o = tierscope(args);
    let code = o
        .status
        .code()
        .unwrap_or_else(|| panic!("tierscope {args:?} died: {:?}", o.status));
    (
        code,
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// A character a terminal would act on, other than the line feed.
fn acting(c: char) -> bool {
    c != '\n' && tierscope::guard::is_control(c)
}

/// Asserts that `text` (the output of `what`) holds no character a terminal would act on.
fn assert_terminal_safe(what: &str, text: &str) {
    if let Some((at, c)) = text.char_indices().find(|(_, c)| acting(*c)) {
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        panic!(
            "{what}: raw {c:?} at byte {at}, after {:?}",
            &text[from..at]
        );
    }
}

/// A copy of the hostile dataset in a folder whose name is itself a payload, so that the
/// dataset name carries it into titles.
fn hostile_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp
        .path()
        .join("=1+1 [x](javascript:alert(1)) <b onmouseover=alert(1)>bold \u{1b}[31mred");
    common::write(&hostile::files(), &dir);
    (tmp, dir)
}

/// A report of the hostile dataset in `out` (every format, SVG charts).
fn hostile_report(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = hostile_copy();
    let out = tmp.path().join("out");
    let mut args = vec![
        "report",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "svg",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_terminal_safe("report's listing", &stdout);
    (tmp, out)
}

#[test]
fn every_text_output_shows_control_characters_as_visible_escapes() {
    let (_tmp, dir) = hostile_copy();
    let d = dir.to_str().unwrap();
    let mut seen_escape = false;
    for args in [
        vec!["validate", d],
        vec!["summary", d],
        vec!["analyze", d],
        vec!["whatif", d, "--fail", "country:=CC"],
        vec!["whatif", d, "--fail", "untrusted"],
        // Errors that quote the input.
        vec!["analyze", d, "--product", "a\u{1b}[8m:none"],
        vec!["whatif", d, "--fail", "entity:\u{1b}]0;x\u{7}"],
    ] {
        let (_, stdout, stderr) = run(&args);
        assert_terminal_safe(&format!("{args:?} stdout"), &stdout);
        assert_terminal_safe(&format!("{args:?} stderr"), &stderr);
        seen_escape |= stdout.contains("\\x1b[8m") || stderr.contains("\\x1b[8m");
    }
    assert!(seen_escape, "the ESC of the names is shown as \\x1b");
    // The analysis text names the payloads, escaped, each on its own line.
    let (_, text, _) = run(&["analyze", d]);
    assert!(
        text.contains("-2+3+cmd|' /C calc'!A0\\x1b[8m (=2*3) alone can stop"),
        "{text}"
    );
    assert!(text.contains("Maker A\\x0a# ALL CLEAR"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("# ALL CLEAR")));
}

#[test]
fn diff_text_escapes_what_the_reports_quote() {
    let (tmp, dir) = hostile_copy();
    let (_, json, _) = run(&["analyze", dir.to_str().unwrap(), "--format", "json"]);
    let new = tmp.path().join("new.json");
    std::fs::write(&new, &json).unwrap();
    // The baseline: two findings gone, one severity lowered, one that is now resolved.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = old["findings"].as_array_mut().unwrap();
    findings.drain(..2);
    findings[0]["severity"] = "low".into();
    let mut gone = findings[1].clone();
    gone["id"] = format!("spof:entity:{TITLE}gone", TITLE = hostile::TITLE).into();
    gone["message"] = format!("{}{}", hostile::HIDE, hostile::ALL_CLEAR).into();
    findings.push(gone);
    let old_path = tmp.path().join("old \u{1b}[8m.json");
    std::fs::write(&old_path, serde_json::to_string(&old).unwrap()).unwrap();
    let (code, text, err) = run(&["diff", old_path.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_terminal_safe("diff", &text);
    assert!(
        text.contains("2 added, 1 resolved, 0 escalated, 0 de-escalated, 1 changed severity"),
        "{text}"
    );
    assert!(
        text.contains("spof:entity:\\x1b]0;pwned\\x07gone"),
        "{text}"
    );
    assert!(text.contains("old \\x1b[8m.json"), "{text}");
}

#[test]
fn validate_refuses_control_characters_in_ids_with_where_and_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    common::write(&hostile::invalid_ids(), tmp.path());
    let (code, text, err) = run(&["validate", tmp.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{text}{err}");
    assert_terminal_safe("validate", &text);
    assert_terminal_safe("validate stderr", &err);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error[control-character]"))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines.iter().any(|l| l.ends_with(
        "entities.csv:6:1: error[control-character]: entity `a\\x1b[8m-b` holds the control character U+001B at character 2 (expected printable characters only: terminals, spreadsheets and report readers act on control characters; use e.g. `a[8m-b`)"
    )), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("countries.csv:4:1:") && l.contains("U+007F at character 3")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("items.csv:5:1:")
            && l.contains("U+202E at character 2")
            && l.contains("use e.g. `b-c`")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("items.csv:2:1:") && l.contains("U+001B at character 1")),
        "{text}"
    );
    // The JSON form has the same diagnostics, with the characters JSON-escaped.
    let (_, json, _) = run(&["validate", tmp.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "control-character")
        .count();
    assert_eq!(codes, 4);
    // Loading for an analysis fails the same way, with the same lines on stderr.
    let (code, _, err) = run(&["analyze", tmp.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_terminal_safe("analyze stderr", &err);
    assert!(err.contains("error[control-character]"), "{err}");
}

/// Every cell of `findings.csv` as a spreadsheet reads it.
fn csv_cells(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn findings_csv_has_no_formula_cell_unless_the_guard_is_turned_off() {
    let (_tmp, out) = hostile_report(&[]);
    let cells = csv_cells(&out.join("findings.csv"));
    assert!(cells.len() > 60);
    for (r, row) in cells.iter().enumerate() {
        for cell in row {
            assert!(
                !tierscope::guard::is_formula_like(cell),
                "row {r}: a spreadsheet would evaluate {cell:?}"
            );
        }
    }
    let all: Vec<&String> = cells.iter().flatten().collect();
    // The payloads are there, as text.
    assert!(
        all.iter()
            .any(|c| c.starts_with(&format!("'{}", hostile::HYPERLINK)))
    );
    assert!(all.iter().any(|c| c.starts_with("'-2+3+cmd")));
    assert!(all.iter().any(|c| c.as_str() == "'=2*3"));
    assert!(all.iter().any(|c| c.as_str() == "'@SUM(A1)"));
    // For programs: --no-csv-guard writes the cells as they are.
    let (_tmp, raw) = hostile_report(&["--no-csv-guard"]);
    let cells = csv_cells(&raw.join("findings.csv"));
    assert!(
        cells
            .iter()
            .flatten()
            .any(|c| c.starts_with(hostile::HYPERLINK))
    );
    assert!(cells.iter().flatten().any(|c| c.as_str() == "=2*3"));
    assert!(
        cells.iter().flatten().any(|c| c.chars().any(acting)),
        "the fixture puts no control character in findings.csv, so the next check is empty"
    );
    // Only the guard differs: the same rows, each cell the same once the quote is dropped
    // and its control characters written as escapes.
    let guarded = csv_cells(&out.join("findings.csv"));
    assert_eq!(guarded.len(), cells.len());
    for (g, c) in guarded.iter().flatten().zip(cells.iter().flatten()) {
        let shown = tierscope::guard::text(c);
        assert!(*g == shown || *g == format!("'{shown}"), "{g:?} vs {c:?}");
    }
}

/// `cat findings.csv` or `less -R` in a terminal, which is where an analyst looks first:
/// the guarded file holds no character a terminal acts on, and each row is one line.
#[test]
fn findings_csv_is_safe_to_show_in_a_terminal() {
    let (_tmp, out) = hostile_report(&[]);
    let text = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert_terminal_safe("findings.csv", &text);
    assert_eq!(
        text.lines().count(),
        csv_cells(&out.join("findings.csv")).len()
    );
    assert!(text.contains("\\x1b"), "the escapes are written, visibly");
}

/// report.md rendered the way GitHub renders it (CommonMark with tables), as HTML.
fn markdown_html(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    out
}

#[test]
fn report_md_renders_no_markup_link_or_line_of_the_data() {
    let (_tmp, out) = hostile_report(&[]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_terminal_safe("report.md", &md);
    let html = markdown_html(&md);
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let parser = dom.parser();
    for tag in ["script", "img", "svg", "iframe", "b", "style"] {
        assert!(
            dom.query_selector(tag).unwrap().next().is_none(),
            "report.md renders a <{tag}> element"
        );
    }
    let links = dom.query_selector("a").unwrap().count();
    assert_eq!(links, 0, "report.md renders a link");
    // Every row of every table has the cells of its header.
    for table in dom.query_selector("table").unwrap() {
        let table = table.get(parser).unwrap().as_tag().unwrap();
        let header = table.query_selector(parser, "th").unwrap().count();
        for row in table.query_selector(parser, "tbody tr").unwrap() {
            let row = row.get(parser).unwrap().as_tag().unwrap();
            let cells = row.query_selector(parser, "td").unwrap().count();
            assert_eq!(
                cells,
                header,
                "a row of {cells} cells under {header} headers: {}",
                row.inner_text(parser)
            );
        }
    }
    // One heading of level 1, the title, with the folder's name as text.
    let h1: Vec<String> = dom
        .query_selector("h1")
        .unwrap()
        .map(|h| h.get(parser).unwrap().inner_text(parser).into_owned())
        .collect();
    assert_eq!(h1.len(), 1, "{h1:?}");
    assert!(
        h1[0].ends_with(
            ": =1+1 [x](javascript:alert(1)) &lt;b onmouseover=alert(1)&gt;bold \\x1b[31mred"
        ),
        "{h1:?}"
    );
    assert!(!html.contains("ALL CLEAR</h"), "a payload became a heading");
    // The payloads are shown as text.
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn report_json_keeps_the_data_as_it_is() {
    let (_tmp, out) = hostile_report(&[]);
    let json = std::fs::read_to_string(out.join("report.json")).unwrap();
    let r: tierscope::analysis::Report = serde_json::from_str(&json).unwrap();
    let a = r
        .products
        .iter()
        .find(|p| p.entity == "a" && p.item == "b:c")
        .unwrap();
    assert_eq!(a.entity_name, format!("Maker A{}", hostile::ALL_CLEAR));
    assert!(r.findings.iter().any(|f| f.message.contains(hostile::HIDE)));
    // Every finding id once; the products (a, b:c) and (a:b, c) have their own findings.
    let mut ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "finding ids collide");
    for (e, i, id) in [
        ("a", "b:c", "spof:entity:=2*3:a:b%3Ac"),
        ("a:b", "c", "spof:entity:=2*3:a%3Ab:c"),
    ] {
        let f = r.findings.iter().find(|f| f.id == id).unwrap();
        let p = f.product.as_ref().unwrap();
        assert_eq!((&*p.entity, &*p.item), (e, i));
    }
}

#[test]
fn graphml_and_svg_are_well_formed_xml_with_distinct_node_ids() {
    let (tmp, dir) = hostile_copy();
    let d = dir.to_str().unwrap();
    let (code, graphml, err) = run(&["export", d, "--format", "graphml"]);
    assert_eq!(code, 0, "{err}");
    let doc = roxmltree::Document::parse(&graphml).expect("GraphML parses");
    let nodes: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .map(|n| n.attribute("id").unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<&str> = nodes.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        nodes.len(),
        "GraphML node ids collide: {nodes:?}"
    );
    assert!(
        distinct.contains("a/b%2Fc") && distinct.contains("a%2Fb/c"),
        "{nodes:?}"
    );
    for e in doc.descendants().filter(|n| n.has_tag_name("edge")) {
        for end in ["source", "target"] {
            assert!(distinct.contains(e.attribute(end).unwrap()));
        }
    }
    // The names read back as they were, but for what XML cannot hold.
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("key") == Some("entity_name"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        names.contains(&"<svg onload=alert(1)> \\x0bvt\\x0cff"),
        "{names:?}"
    );
    // ESC is not an XML 1.0 character: it is written as the visible \x1b.
    assert!(names.iter().any(|n| n.contains("\\x1b[8m")), "{names:?}");
    assert!(!graphml.contains('\u{1b}'));
    // node-link JSON: the same distinct ids.
    let (_, json, _) = run(&["export", d, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ids: std::collections::BTreeSet<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, distinct);
    // Every chart parses.
    let out = tmp.path().join("out");
    let (code, _, err) = run(&[
        "report",
        d,
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "svg",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut charts = 0;
    for entry in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        let svg = std::fs::read_to_string(&path).unwrap();
        roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
        charts += 1;
    }
    assert!(charts >= 5, "{charts} charts");
}

#[test]
fn page_anchors_are_distinct_and_every_link_has_its_target() {
    let (_tmp, out) = hostile_report(&[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let parser = dom.parser();
    let mut ids = std::collections::BTreeSet::new();
    for node in dom.nodes() {
        if let Some(tag) = node.as_tag()
            && let Some(Some(id)) = tag.attributes().get("id")
        {
            let id = id.as_utf8_str().into_owned();
            assert!(ids.insert(id.clone()), "two elements with id {id:?}");
        }
    }
    // (a, b-c) and (a-b, c) would both be p-a-b-c: the second gets its own.
    assert!(
        ids.contains("p-a-b-c") && ids.contains("p-a-b-c~2"),
        "{ids:?}"
    );
    let mut links = 0;
    for a in dom.query_selector("a[href]").unwrap() {
        let tag = a.get(parser).unwrap().as_tag().unwrap();
        let href = tag
            .attributes()
            .get("href")
            .flatten()
            .unwrap()
            .as_utf8_str();
        let target = href.strip_prefix('#').expect("only links within the page");
        // The attribute holds the id HTML-escaped, as the id attribute does.
        assert!(
            ids.contains(target),
            "a link to {target:?}, which is no element's id"
        );
        links += 1;
    }
    assert!(links >= 7, "{links} links");
    for tag in ["img", "iframe"] {
        assert!(
            dom.query_selector(tag).unwrap().next().is_none(),
            "<{tag}> in the page"
        );
    }
    assert_eq!(
        dom.query_selector("script").unwrap().count(),
        1,
        "only the page's own script"
    );
}

/// The program of `names` that is installed, if any.
fn program(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        Command::new("sh")
            .args(["-c", &format!("command -v {n}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    })
}

/// The DOM Chromium builds from `page` after loading it (scripts run).
fn chromium_dom(chromium: &str, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Elements of `dom` with an event-handler attribute (`onerror`, `onload`, ...), and links to
/// `javascript:`.
fn live_markup(dom: &str) -> Vec<String> {
    let doc = tl::parse(dom, tl::ParserOptions::default()).unwrap();
    let mut found = Vec::new();
    for node in doc.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        for (name, value) in tag.attributes().iter() {
            let value = value.unwrap_or_default();
            if name.to_ascii_lowercase().starts_with("on")
                || value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:")
            {
                found.push(format!("<{} {name}={value:?}>", tag.name().as_utf8_str()));
            }
        }
    }
    found
}

/// report.html, and report.md as GitHub would show it, loaded in Chromium: no element of the
/// data carries an event handler or a javascript: link, and no script but the page's own.
/// Skipped, with a note, where Chromium is not installed.
#[test]
fn chromium_loads_the_pages_with_nothing_of_the_data_live() {
    let Some(chromium) = program(&["chromium", "chromium-browser", "google-chrome"]) else {
        eprintln!("note: chromium is not installed; skipping the browser check of the pages");
        return;
    };
    let (tmp, out) = hostile_report(&[]);
    let dom = chromium_dom(&chromium, &out.join("report.html"));
    assert!(
        dom.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the payloads are text"
    );
    assert_eq!(live_markup(&dom), Vec::<String>::new());
    let doc = tl::parse(&dom, tl::ParserOptions::default()).unwrap();
    assert_eq!(doc.query_selector("script").unwrap().count(), 1);
    assert!(doc.query_selector("img").unwrap().next().is_none());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let page = tmp.path().join("md.html");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{}</body></html>",
            markdown_html(&md)
        ),
    )
    .unwrap();
    let dom = chromium_dom(&chromium, &page);
    assert_eq!(live_markup(&dom), Vec::<String>::new());
    let doc = tl::parse(&dom, tl::ParserOptions::default()).unwrap();
    for tag in ["script", "img", "svg", "a", "iframe"] {
        assert!(
            doc.query_selector(tag).unwrap().next().is_none(),
            "<{tag}> in report.md"
        );
    }
}

/// findings.csv opened in LibreOffice Calc (converted headless to a flat OpenDocument
/// spreadsheet): no formula cell, where the unguarded file has dozens. Skipped, with a note,
/// where LibreOffice is not installed.
#[test]
fn libreoffice_finds_no_formula_in_findings_csv() {
    let Some(soffice) = program(&["soffice", "libreoffice", "localc"]) else {
        eprintln!(
            "note: LibreOffice is not installed; skipping the spreadsheet check of findings.csv"
        );
        return;
    };
    let formulas = |extra: &[&str]| -> usize {
        let (tmp, out) = hostile_report(extra);
        let profile = tmp.path().join("lo-profile");
        let o = Command::new(&soffice)
            .args([
                &format!("-env:UserInstallation=file://{}", profile.display()),
                "--headless",
                "--norestore",
                "--convert-to",
                "fods",
                "--outdir",
                tmp.path().to_str().unwrap(),
                out.join("findings.csv").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let sheet = std::fs::read_to_string(tmp.path().join("findings.fods")).unwrap_or_else(|e| {
            panic!(
                "no spreadsheet ({e}): {}",
                String::from_utf8_lossy(&o.stderr)
            )
        });
        assert!(sheet.contains("HYPERLINK"), "the payloads are in the sheet");
        sheet.matches("table:formula=").count()
    };
    assert_eq!(
        formulas(&[]),
        0,
        "a formula cell in the guarded findings.csv"
    );
    // The check can fail: without the guard the same file has live formulas.
    assert!(formulas(&["--no-csv-guard"]) > 10);
}
