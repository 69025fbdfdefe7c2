//! The check of the `load_file` fuzz target, shared with `tests/fuzz_regressions.rs`, which
//! replays the inputs the fuzzer found on every `cargo test`.
//!
//! One file of the mini fixture is replaced by the input (its first byte picks which; with
//! the high bit set, the file is removed instead), and the dataset is loaded from memory.
//! Checks: nothing panics; an invalid dataset has at least one error; every diagnostic names
//! a file of the dataset and a line that exists in it; a valid dataset goes through graph,
//! analysis and every renderer.

use std::collections::BTreeMap;
use std::path::Path;
use tierscope::ingest::{self, FILES, table::InMemory};
use tierscope_core::Error;

pub const MINI: [(&str, &[u8]); 8] = [
    (
        "countries.csv",
        include_bytes!("../../tests/fixtures/mini/countries.csv"),
    ),
    (
        "entities.csv",
        include_bytes!("../../tests/fixtures/mini/entities.csv"),
    ),
    (
        "items.csv",
        include_bytes!("../../tests/fixtures/mini/items.csv"),
    ),
    (
        "bom.csv",
        include_bytes!("../../tests/fixtures/mini/bom.csv"),
    ),
    (
        "supply.csv",
        include_bytes!("../../tests/fixtures/mini/supply.csv"),
    ),
    (
        "products.csv",
        include_bytes!("../../tests/fixtures/mini/products.csv"),
    ),
    (
        "ownership.csv",
        include_bytes!("../../tests/fixtures/mini/ownership.csv"),
    ),
    (
        "restricted.csv",
        include_bytes!("../../tests/fixtures/mini/restricted.csv"),
    ),
];

/// Lines of a file as the loader counts them: `\r\n`, `\r` and `\n` each end one.
pub fn lines(bytes: &[u8]) -> u64 {
    let mut n = 1;
    let mut after_cr = false;
    for &b in bytes {
        if b == b'\n' && after_cr {
            after_cr = false;
            continue;
        }
        after_cr = b == b'\r';
        if b == b'\n' || b == b'\r' {
            n += 1;
        }
    }
    n
}

/// Runs one input.
pub fn check(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let target = FILES[(pick % 8) as usize];
    let mut files: BTreeMap<String, Vec<u8>> = MINI
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    if pick & 0x80 != 0 {
        files.remove(target);
    } else {
        files.insert(target.to_string(), bytes.to_vec());
    }
    let dir = Path::new("fuzz");
    let diagnostics = match ingest::load_from(dir, &InMemory(files.clone())) {
        Ok(loaded) => {
            super::support::analyse_and_render(&loaded.dataset);
            loaded.diagnostics
        }
        Err(Error::InvalidDataset { diagnostics, .. }) => {
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.severity == tierscope::diag::Severity::Error),
                "an invalid dataset without an error"
            );
            diagnostics
        }
        Err(e) => panic!("loading from memory failed outside the diagnostics: {e}"),
    };
    for d in &diagnostics {
        let name = Path::new(&d.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert!(
            FILES.contains(&name),
            "diagnostic names no dataset file: {d}"
        );
        if let (Some(line), Some(bytes)) = (d.line, files.get(name)) {
            assert!(line >= 1, "line 0: {d}");
            assert!(line <= lines(bytes), "line past the end of the file: {d}");
        }
        if let Some(column) = d.column {
            assert!(column >= 1, "column 0: {d}");
        }
    }
}
