//! The shape of the house: the core crate is a library other programs can embed, with no
//! command line, config format, progress bar or charts in its dependency tree; and every
//! source file stays short enough to read (issue #14: "files under about 600 lines").

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn the_core_crate_depends_on_no_cli_config_progress_or_chart_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            "tierscope-core",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && tree.starts_with("tierscope-core "),
        "{tree}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for banned in [
        "clap",
        "toml",
        "indicatif",
        "plotters",
        "serde_json",
        "tierscope",
    ] {
        assert!(
            !crates.contains(&banned),
            "tierscope-core depends on {banned}:\n{tree}"
        );
    }
}

/// "About 600": a file may pass 600 by a little; past this it is split into a module folder.
const MAX_FILE_LINES: usize = 650;

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_stays_under_about_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "crates/core/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    // The walk itself is checked, so that an empty list cannot pass.
    for known in ["src/main.rs", "crates/core/src/lib.rs"] {
        assert!(files.contains(&root.join(known)), "{known} not found");
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).expect("a readable source file");
            let lines = text.lines().count();
            let name = f.strip_prefix(root).unwrap_or(f).display();
            (lines > MAX_FILE_LINES).then(|| format!("{name}: {lines} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines (split them into a module folder):\n{}",
        long.join("\n")
    );
}
