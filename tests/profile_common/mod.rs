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

/// Where `profile` breaks schema/profile.schema.json (empty: valid).
pub fn schema_errors(profile: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/profile.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(profile)
        .map(|e| e.to_string())
        .collect()
}
