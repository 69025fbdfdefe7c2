//! Round trip: `export --format flat`, then `import`, gives the same analysis — on both bundled
//! datasets through the binary (CSV and `.xlsx`), and on random datasets through the library.

mod common;

use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tierscope::analysis::{Settings, analyze};
use tierscope::graph::ProductionGraph;
use tierscope::import::{self, flat_export};

fn tierscope(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(cwd)
        .args(args)
        .env("TIERSCOPE_MEMORY_AVAILABLE", "100000000000")
        .output()
        .unwrap()
}

fn analyze_json(cwd: &Path, dir: &str) -> Value {
    let o = tierscope(cwd, &["analyze", dir, "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn bundled_datasets_survive_export_flat_and_import() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["legacy-semiconductors", "biologic-ingredients"] {
        let dataset = root.join("datasets").join(name);
        let want = analyze_json(root, dataset.to_str().unwrap());
        for ext in ["csv", "xlsx"] {
            let tmp = tempfile::tempdir().unwrap();
            let flat = format!("{name}.{ext}");
            let o = tierscope(
                tmp.path(),
                &[
                    "export",
                    dataset.to_str().unwrap(),
                    "--format",
                    "flat",
                    "--out",
                    &flat,
                ],
            );
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let o = tierscope(tmp.path(), &["import", &flat, "--out", "back"]);
            assert!(
                o.status.success(),
                "{name}.{ext}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let got = analyze_json(tmp.path(), "back");
            for key in [
                "findings",
                "products",
                "summary",
                "concentration",
                "asymmetry",
                "country_dependency",
            ] {
                assert_eq!(got[key], want[key], "{name}.{ext}: `{key}` differs");
            }
        }
    }
}

#[test]
fn flat_csv_to_stdout_has_the_import_layout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = tierscope(
        root,
        &[
            "export",
            "datasets/legacy-semiconductors",
            "--format",
            "flat",
        ],
    );
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let header = text.lines().next().unwrap();
    for h in [
        "Supplier ID",
        "Supplier",
        "Supplier Country",
        "Buyer",
        "Item",
        "Used For",
        "Share",
        "End Product",
    ] {
        assert!(header.split(',').any(|c| c == h), "{h} not in {header}");
    }
    // The tables that do not fit a sheet are said to be left out.
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("not in standard output"), "{err}");
}

/// Exports `files` flat to `ext`, imports the result, and returns both datasets' reports.
fn round_trip(
    files: &common::Files,
    ext: &str,
) -> (tierscope::analysis::Report, tierscope::analysis::Report) {
    let tmp = tempfile::tempdir().unwrap();
    let ds = common::load(files);
    let flat = tmp.path().join(format!("flat.{ext}"));
    let (out, _) = flat_export::files(&ds, Some(&flat)).unwrap();
    for (name, bytes) in out {
        std::fs::write(tmp.path().join(name), bytes).unwrap();
    }
    let opts = import::Options {
        file: flat,
        out: tmp.path().join("back"),
        ..Default::default()
    };
    let imported = import::import(&opts).unwrap();
    assert!(
        !imported.problems.has_errors(),
        "{:?}",
        imported.problems.as_slice()
    );
    let mut source = tierscope::ingest::table::InMemory::default();
    for (name, bytes) in imported.files {
        if name.ends_with(".csv") {
            source.0.insert(name, bytes);
        }
    }
    let back = tierscope::ingest::load_from(&tmp.path().join("back"), &source)
        .unwrap()
        .dataset;
    let settings = Settings::default();
    let a = analyze(&ds, &ProductionGraph::build(&ds), &settings).unwrap();
    let b = analyze(&back, &ProductionGraph::build(&back), &settings).unwrap();
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random datasets — partial and empty shares, unqualified alternates, unmapped inputs,
    /// ownership chains, restricted parties, entities making several items — give the same
    /// findings and products after export flat and import.
    #[test]
    fn random_datasets_survive_the_round_trip(seed in 0u64..10_000, size in 0usize..8) {
        let files = common::random_dataset(seed, common::Shape::small(size));
        let (a, b) = round_trip(&files, "csv");
        prop_assert_eq!(&a.findings, &b.findings);
        prop_assert_eq!(&a.products, &b.products);
        prop_assert_eq!(&a.concentration, &b.concentration);
    }
}

#[test]
fn a_random_dataset_survives_the_round_trip_through_xlsx() {
    for seed in [3, 17] {
        let files = common::random_dataset(seed, common::Shape::small(6));
        let (a, b) = round_trip(&files, "xlsx");
        assert_eq!(a.findings, b.findings);
        assert_eq!(a.products, b.products);
    }
}
