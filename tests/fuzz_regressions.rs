//! Replays the fuzz targets' checks on stable, in every `cargo test`:
//!
//! - every input the `load_file` fuzz target found worth keeping (crashes and hangs, once
//!   fixed, and a few inputs that reach rare paths) from `fuzz/regressions/load_file/`;
//! - the seed inputs (each file of the fixtures and bundled datasets, in place of the mini
//!   fixture's file of that name), so the check itself is exercised even with no regression.
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
