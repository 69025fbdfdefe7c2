//! What the federated-profile tests (tests/profile*.rs) share: running the binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs tierscope in `cwd` with `args`.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The exit code.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit code")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Stdout of a run that must exit 0 (else stderr in the panic).
pub fn ok(o: &Output) -> String {
    assert_eq!(code(o), 0, "{}", stderr(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}
