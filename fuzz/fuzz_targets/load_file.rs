//! The dataset loader on arbitrary bytes: see `check/load_file.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check/mod.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::load_file::check(data));
