//! Replays the fuzz targets' checks on stable, in every `cargo test`:
//!
//! - every input the `load_file` fuzz target found worth keeping (crashes and hangs, once
//!   fixed, and a few inputs that reach rare paths) from `fuzz/regressions/load_file/`;
//! - the seed inputs (each file of the fixtures and bundled datasets, in place of the mini
//!   fixture's file of that name), so the check itself is exercised even with no regression;
//! - the `pipeline` target's product-scope check on every end product of the fixtures.
//!
//! The checks live in `fuzz/check/`, shared with the fuzz targets (see `fuzz/README.md`).

#[path = "../fuzz/check/mod.rs"]
mod check;

use std::path::Path;

#[test]
fn load_file_regressions() {
    let dir = Path::new("fuzz/regressions/load_file");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let result = std::panic::catch_unwind(|| check::load_file::check(&data));
        assert!(result.is_ok(), "{name} fails the load_file check");
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}

#[test]
fn load_file_seeds() {
    for dir in [
        "tests/fixtures/mini",
        "datasets/legacy-semiconductors",
        "datasets/biologic-ingredients",
    ] {
        for (i, name) in tierscope::ingest::FILES.iter().enumerate() {
            let Ok(bytes) = std::fs::read(Path::new(dir).join(name)) else {
                continue;
            };
            let mut data = vec![i as u8];
            data.extend(bytes);
            check::load_file::check(&data);
            // And the file removed.
            check::load_file::check(&[i as u8 | 0x80]);
        }
    }
}

/// The pipeline target's product-scope check, on every end product of the fixture and of the
/// bundled datasets: a product analysed alone has the findings about it that it has among
/// all products.
#[test]
fn product_scope_on_the_fixtures() {
    for dir in [
        "tests/fixtures/mini",
        "datasets/legacy-semiconductors",
        "datasets/biologic-ingredients",
    ] {
        let ds = tierscope::ingest::load(Path::new(dir)).unwrap().dataset;
        let settings = tierscope::analysis::Settings::default();
        let compared: usize = (0..ds.products.len())
            .map(|k| check::support::check_product_scope(&ds, &settings, k))
            .sum();
        assert!(compared > 10, "{dir}: only {compared} findings compared");
    }
    // A dataset without end products: an unknown product is an error.
    let mut ds = tierscope::ingest::load(Path::new("tests/fixtures/mini"))
        .unwrap()
        .dataset;
    ds.products.clear();
    let settings = tierscope::analysis::Settings::default();
    assert_eq!(check::support::check_product_scope(&ds, &settings, 0), 0);
}

/// The `import_flat` target's check on every input kept for it, and on the import fixtures'
/// tables.
#[test]
fn import_flat_regressions_and_seeds() {
    let dir = Path::new("fuzz/regressions/import_flat");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let result = std::panic::catch_unwind(|| check::import_flat::check(&data));
        assert!(result.is_ok(), "{name} fails the import_flat check");
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
    for file in ["supply.csv", "entities.csv"] {
        let bytes = std::fs::read(Path::new("tests/fixtures/import/hand-made").join(file)).unwrap();
        check::import_flat::check(&bytes);
    }
}

/// The fuzz targets' output checks (no control character in the text, no formula cell in
/// findings.csv, no markup or link in report.md, distinct finding ids, GraphML that parses
/// with distinct node ids) hold on the hostile fixture dataset.
#[test]
fn output_guards_on_the_hostile_fixture() {
    let loaded = tierscope::ingest::load(Path::new("tests/fixtures/hostile")).unwrap();
    let files =
        check::support::analyse_with(&loaded.dataset, &tierscope::analysis::Settings::default())
            .expect("the hostile fixture analyses");
    assert!(files.iter().any(|(name, _)| name == "findings.csv"));
}
