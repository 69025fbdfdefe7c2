//! The shape of the house: the core crate is a library other programs can embed, with no
//! command line, config format, progress bar or charts in its dependency tree.

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
