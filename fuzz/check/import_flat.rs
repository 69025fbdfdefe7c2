//! The `import_flat` target: `tierscope import`'s flat-table reader and converter on arbitrary
//! bytes, read as CSV or, when they start like one, as a workbook.
//!
//! Checks: no panic, no hang; every problem names the table (or a flag); an import without
//! errors has every required dataset file, and the dataset loader accepts them.

use tierscope::import::{self, Options};

pub fn check(data: &[u8]) {
    let opts = Options {
        file: "flat.csv".into(),
        out: "out".into(),
        ..Options::default()
    };
    let imported = match import::import_bytes("flat.csv", data.to_vec(), &opts) {
        Ok(i) => i,
        Err(e) => panic!("usage error on data: {e}"),
    };
    for p in imported.problems.as_slice() {
        let place = p.place.as_str();
        assert!(
            place.starts_with("flat.csv") || place.starts_with("--") || place.starts_with("out/"),
            "problem at an unknown place: {p}"
        );
    }
    if imported.problems.has_errors() {
        assert!(imported.files.is_empty(), "files made despite errors");
        return;
    }
    for name in &tierscope::ingest::FILES[..6] {
        assert!(imported.files.contains_key(*name), "{name} missing");
    }
    let mut source = tierscope::ingest::table::InMemory::default();
    for (name, bytes) in imported.files {
        if name.ends_with(".csv") {
            source.0.insert(name, bytes);
        }
    }
    if let Err(e) = tierscope::ingest::load_from(std::path::Path::new("out"), &source) {
        panic!("an import without errors made a dataset the loader refuses: {e}");
    }
}
