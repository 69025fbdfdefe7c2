//! `tierscope generate`: valid datasets, byte-identical for the same seed, and the
//! single-input shape where single points of failure are dominators.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use tierscope::generate::{Options, generate};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        out.insert(
            entry.file_name().to_string_lossy().into_owned(),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    out
}

fn validate(dir: &Path) -> serde_json::Value {
    let out = bin()
        .args(["validate", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn generated_datasets_validate_with_no_error() {
    for (rows, seed, depth, single) in [
        (1, 1, 6, false),
        (500, 2, 4, false),
        (5_000, 3, 6, false),
        (12_000, 4, 8, false),
        (3_000, 5, 6, true),
        (700, 6, 2, false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["generate", "--out"])
            .arg(dir.path())
            .args([
                "--supply-rows",
                &rows.to_string(),
                "--seed",
                &seed.to_string(),
                "--depth",
                &depth.to_string(),
            ])
            .args(single.then_some("--single-input"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let report = validate(dir.path());
        assert_eq!(report["errors"], 0, "rows {rows} seed {seed}: {report}");
        let supply = std::fs::read_to_string(dir.path().join("supply.csv")).unwrap();
        assert_eq!(supply.lines().count() as u64, rows + 1, "exactly N rows");
        // The analysis runs on it.
        let out = bin()
            .args(["analyze", "--format", "json"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_does_not() {
    let opts = Options {
        supply_rows: 25_000,
        seed: 42,
        ..Options::default()
    };
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generate(a.path(), &opts).unwrap();
    generate(b.path(), &opts).unwrap();
    generate(
        c.path(),
        &Options {
            seed: 43,
            ..opts.clone()
        },
    )
    .unwrap();
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(fa.len(), 8);
    assert_eq!(fa, fb);
    assert_ne!(fa["supply.csv"], fc["supply.csv"]);
}

#[test]
fn a_sector_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        supply_rows: 30_000,
        seed: 9,
        ..Options::default()
    };
    generate(dir.path(), &opts).unwrap();
    let ds = tierscope::ingest::load(dir.path()).unwrap().dataset;
    let g = tierscope::graph::ProductionGraph::build(&ds);
    // BOM levels 0..depth.
    assert_eq!(g.item_level.iter().max(), Some(&(opts.depth as u32 - 1)));
    // Multi-sourcing: most inputs 1-3 suppliers, and a tail with more.
    let mut per_input: BTreeMap<usize, usize> = BTreeMap::new();
    for slots in &g.inputs {
        for s in slots.iter().filter(|s| s.is_mapped()) {
            *per_input.entry(g.suppliers(s).len()).or_default() += 1;
        }
    }
    let total: usize = per_input.values().sum();
    let few: usize = per_input.range(1..=3).map(|(_, n)| n).sum();
    assert!(few * 10 >= total * 7, "{per_input:?}");
    assert!(per_input.range(8..).count() > 0, "{per_input:?}");
    // Every kind of party is there.
    let trusts: BTreeSet<_> = ds.countries.iter().map(|c| c.trust).collect();
    assert_eq!(trusts.len(), 3);
    assert!(!ds.ownership.is_empty() && !ds.restricted.is_empty());
    assert!(g.parties.restricted.iter().any(Option::is_some));
    assert!(ds.products.iter().all(|p| p.annual_revenue.is_some()));
    assert!(g.inputs.iter().flatten().any(|s| !s.is_mapped()));
    assert!(ds.supply.iter().any(|r| !r.qualified));
}

#[test]
fn single_input_means_one_input_per_item_and_one_item_per_entity() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        supply_rows: 8_000,
        seed: 3,
        single_input: true,
        ..Options::default()
    };
    generate(dir.path(), &opts).unwrap();
    let ds = tierscope::ingest::load(dir.path()).unwrap().dataset;
    for inputs in ds.bom_inputs() {
        assert!(inputs.len() <= 1);
    }
    let g = tierscope::graph::ProductionGraph::build(&ds);
    let mut items_of: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for node in g.graph.node_weights() {
        items_of
            .entry(node.entity.0)
            .or_default()
            .insert(node.item.0);
    }
    assert!(items_of.values().all(|items| items.len() == 1));
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--supply-rows", "0"],
        vec!["--supply-rows", "10", "--depth", "1"],
        vec!["--supply-rows", "10", "--countries", "1"],
    ] {
        let out = bin()
            .args(["generate", "--out"])
            .arg(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// `--substitutes` and `--distributors`: a valid dataset whose groups and distributors are
/// what the analysis reads (requirements of two items, pass-through nodes with suppliers), the
/// same files for the same options, and, at 0, the files of a run without them.
#[test]
fn substitutes_and_distributors_are_generated_as_asked() {
    let base = Options {
        supply_rows: 20_000,
        seed: 5,
        ..Options::default()
    };
    let with = Options {
        substitutes: 0.3,
        distributors: 0.25,
        ..base.clone()
    };
    let (a, b, c, d) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let w = generate(a.path(), &with).unwrap();
    generate(b.path(), &with).unwrap();
    assert_eq!(files(a.path()), files(b.path()));
    assert_eq!(w.supply_rows, 20_000);
    assert!(w.distributors > 0 && w.grouped_bom_rows > 0, "{w:?}");
    generate(c.path(), &base).unwrap();
    generate(
        d.path(),
        &Options {
            substitutes: 0.0,
            distributors: 0.0,
            ..base.clone()
        },
    )
    .unwrap();
    assert_eq!(files(c.path()), files(d.path()));
    assert_ne!(files(a.path())["supply.csv"], files(c.path())["supply.csv"]);

    assert_eq!(validate(a.path())["errors"], 0);
    let ds = tierscope::ingest::load(a.path()).unwrap().dataset;
    let g = tierscope::graph::ProductionGraph::build(&ds);
    let distributors = ds.entities.iter().filter(|e| e.is_distributor()).count();
    assert_eq!(distributors as u64, w.distributors);
    let mut groups_met_by_two = 0;
    let mut pass_throughs = 0;
    for n in (0..g.node_count() as u32).map(tierscope::graph::NodeIx) {
        for slot in &g.inputs[n.ix()] {
            let items: BTreeSet<_> = g
                .suppliers(slot)
                .iter()
                .map(|(s, _)| g.node(s).item)
                .collect();
            groups_met_by_two += usize::from(items.len() > 1);
            pass_throughs += usize::from(g.is_pass_through(n) && slot.is_mapped());
        }
    }
    assert!(groups_met_by_two > 100, "{groups_met_by_two}");
    assert!(pass_throughs > 20, "{pass_throughs}");
    // Out-of-range fractions and --single-input with them are refused with a message.
    for (flag, value) in [("--substitutes", "1.5"), ("--distributors", "2")] {
        let out = bin()
            .args(["generate", "--supply-rows", "10", flag, value, "--out"])
            .arg(a.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("expected a fraction from 0 to 1"));
    }
    let out = bin()
        .args([
            "generate",
            "--supply-rows",
            "10",
            "--single-input",
            "--substitutes",
            "0.2",
            "--out",
        ])
        .arg(a.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
