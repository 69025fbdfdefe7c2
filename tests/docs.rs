//! The documentation keeps up with the code: every diagnostic code the source can emit is in
//! a table of codes, and every code in those tables is still emitted.
//!
//! - Codes of the dataset loader and validator (`src/ingest/`) are documented in
//!   `datasets/README.md` ("Diagnostic codes"), with the severity they are emitted at.
//! - Codes emitted anywhere else (`screen`'s candidates file and lists) are documented there
//!   too when they mean the same thing, or in the `screen` section of `README.md`.
//!
//! The codes are found by reading the source: every `diags.error("code", ..)`,
//! `diags.warning(..)` and `diags.note(..)` call. A call whose code is not a string literal
//! fails the test, since this scan could not see its code.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Where a code is emitted: file and line, and at which severity.
#[derive(Debug, Clone)]
struct Site {
    file: String,
    line: usize,
    severity: &'static str,
}

/// Every `.rs` file under `dir`, recursively, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    common::files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect()
}

/// The codes emitted by the source files under `<crate>/src/<under>` of the binary crate and
/// the core crate, by code.
fn emitted(under: &str) -> BTreeMap<String, Vec<Site>> {
    let mut codes: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    let paths = ["src", "crates/core/src"]
        .into_iter()
        .map(|src| Path::new(ROOT).join(src).join(under))
        .filter(|dir| dir.is_dir())
        .flat_map(|dir| rust_files(&dir));
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path
            .strip_prefix(ROOT)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if file != "crates/core/src/diag.rs" {
            // Pushing a diagnostic by hand would bypass the calls scanned below.
            assert!(
                !text.contains("push(Severity::"),
                "{file} pushes a diagnostic directly: emit it with diags.error/warning/note(\"code\", ..) so that this test sees its code"
            );
        }
        for severity in ["error", "warning", "note"] {
            let call = format!("diags.{severity}(");
            for (at, _) in text.match_indices(&call) {
                let line = text[..at].matches('\n').count() + 1;
                let rest = text[at + call.len()..].trim_start();
                let code = rest
                    .strip_prefix('"')
                    .and_then(|r| r.split_once('"'))
                    .map(|(code, _)| code)
                    .filter(|c| {
                        !c.is_empty()
                            && c.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    });
                let Some(code) = code else {
                    panic!(
                        "{file}:{line}: the code of this diagnostic is not a kebab-case string literal, so this test cannot check that it is documented"
                    );
                };
                codes.entry(code.to_string()).or_default().push(Site {
                    file: file.clone(),
                    line,
                    severity,
                });
            }
        }
    }
    codes
}

/// The codes in the tables headed `| code |` in `doc`, between the heading `from` and the next
/// heading of the same or a higher level: code (in backticks in the first cell) -> the second
/// cell.
fn documented(doc: &str, from: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(doc)).unwrap();
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{doc} has no heading `{from}`"));
    let level = from.bytes().take_while(|&b| b == b'#').count();
    let mut codes = BTreeMap::new();
    let mut in_table = false;
    for line in text[start + from.len()..].lines() {
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            break;
        }
        if line.starts_with("| code |") {
            in_table = true;
            continue;
        }
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        if let (true, Some(row)) = (in_table, line.strip_prefix("| `")) {
            let (code, rest) = row.split_once('`').unwrap();
            let second = rest.split('|').nth(1).unwrap_or("").trim();
            codes.insert(code.to_string(), second.to_string());
        }
    }
    codes
}

const DATASET_DOC: &str = "datasets/README.md";
const DATASET_SECTION: &str = "### Diagnostic codes";
const SCREEN_DOC: &str = "README.md";
const SCREEN_SECTION: &str = "### `screen";
const IMPORT_SECTION: &str = "### `import";

fn where_(sites: &[Site]) -> String {
    sites
        .iter()
        .map(|s| format!("{}:{} ({})", s.file, s.line, s.severity))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn every_dataset_diagnostic_code_is_documented_with_its_severity() {
    let codes = emitted("ingest");
    // The scan works: it sees the codes of each kind of problem, old and new.
    for known in [
        "missing-file",
        "unclosed-quote",
        "not-a-file",
        "case-only-difference",
        "unknown-column",
    ] {
        assert!(codes.contains_key(known), "the scan missed `{known}`");
    }
    let docs = documented(DATASET_DOC, DATASET_SECTION);
    let mut missing = Vec::new();
    for (code, sites) in &codes {
        match docs.get(code) {
            None => missing.push(format!("`{code}`, emitted at {}", where_(sites))),
            Some(severity) => {
                let emitted_at: BTreeSet<&str> = sites.iter().map(|s| s.severity).collect();
                assert_eq!(
                    emitted_at,
                    BTreeSet::from([severity.as_str()]),
                    "`{code}` is documented in {DATASET_DOC} as {severity} but emitted at {}",
                    where_(sites)
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented diagnostic codes: add each to the table under \"{DATASET_SECTION}\" in {DATASET_DOC}, with what it means and an example message:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_other_diagnostic_code_is_documented() {
    let dataset = documented(DATASET_DOC, DATASET_SECTION);
    let screen = documented(SCREEN_DOC, SCREEN_SECTION);
    let import = documented(SCREEN_DOC, IMPORT_SECTION);
    let ingest = emitted("ingest");
    let mut missing = Vec::new();
    for (code, sites) in emitted("") {
        if ingest.contains_key(&code)
            || dataset.contains_key(&code)
            || screen.contains_key(&code)
            || import.contains_key(&code)
        {
            continue;
        }
        missing.push(format!("`{code}`, emitted at {}", where_(&sites)));
    }
    assert!(
        missing.is_empty(),
        "undocumented diagnostic codes: add each to the table of codes in the `screen` section of {SCREEN_DOC} (or, if a dataset file can get it too, to {DATASET_DOC}):\n{}",
        missing.join("\n")
    );
}

/// A code that is no longer emitted should leave the tables, so that they stay the list of
/// what a user can meet.
#[test]
fn every_documented_code_is_emitted() {
    let all = emitted("");
    let ingest = emitted("ingest");
    for code in documented(DATASET_DOC, DATASET_SECTION).keys() {
        assert!(
            ingest.contains_key(code),
            "`{code}` is in {DATASET_DOC} but the loader never emits it"
        );
    }
    let screen = documented(SCREEN_DOC, SCREEN_SECTION);
    assert!(!screen.is_empty(), "{SCREEN_DOC} lists no screen codes");
    for code in screen.keys() {
        assert!(
            all.contains_key(code) && !ingest.contains_key(code),
            "`{code}` is in the `screen` section of {SCREEN_DOC} but is not a code only screen emits"
        );
    }
}

/// The import's codes: every code `src/import/` emits (by `diags.error("..")`, or as the
/// `code` of a table that cannot be opened) is in the README's `import` section (a row may
/// name several codes), and every code there is emitted.
#[test]
fn import_codes_are_documented_both_ways() {
    let text = std::fs::read_to_string(Path::new(ROOT).join(SCREEN_DOC)).unwrap();
    let start = text
        .find(IMPORT_SECTION)
        .expect("README has an import section");
    let end = text[start + 4..]
        .find("\n### ")
        .map_or(text.len(), |e| start + 4 + e);
    let mut documented = BTreeSet::new();
    for line in text[start..end].lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for code in first.split('`').skip(1).step_by(2) {
            if code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                documented.insert(code.to_string());
            }
        }
    }
    let mut used: BTreeSet<String> = emitted("import").into_keys().collect();
    for path in rust_files(&Path::new(ROOT).join("src/import")) {
        let src = std::fs::read_to_string(&path).unwrap();
        for part in src
            .split("code: \"")
            .skip(1)
            .chain(src.split("fail(\n").skip(1))
        {
            let code: String = part
                .trim_start()
                .trim_start_matches('"')
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect();
            if code.len() > 3 {
                used.insert(code);
            }
        }
    }
    for code in &used {
        assert!(
            documented.contains(code),
            "`{code}` is emitted by src/import but not in the README's import section"
        );
    }
    for code in &documented {
        if code.contains('-') {
            assert!(
                used.contains(code),
                "`{code}` is in the README's import section but src/import never emits it"
            );
        }
    }
}
