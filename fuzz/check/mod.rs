//! What the fuzz targets check, in modules that `tests/fuzz_regressions.rs` also compiles
//! (with `#[path]`), so that the checks build on stable in CI and every input the fuzzer found
//! is replayed by `cargo test`.

#![allow(dead_code)]

pub mod import_flat;
pub mod load_file;
pub mod support;
