//! `tierscope import` on arbitrary bytes: see `check/import_flat.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check/mod.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::import_flat::check(data));
