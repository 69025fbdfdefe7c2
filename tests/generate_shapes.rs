//! `tierscope generate --shape wide|hub`: the stress shapes of issue #18 are what the help
//! says, valid, and refused with other shape options.

use std::process::Command;
use tierscope::generate::{Options, Shape, generate};
use tierscope::graph::ProductionGraph;

fn load(shape: Shape, rows: u64) -> (tempfile::TempDir, tierscope::model::Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        supply_rows: rows,
        shape,
        ..Options::default()
    };
    let w = generate(dir.path(), &opts).unwrap();
    assert_eq!(w.supply_rows, rows);
    let loaded = tierscope::ingest::load(dir.path()).unwrap();
    assert_eq!(loaded.dataset.supply.len() as u64, rows);
    (dir, loaded.dataset)
}

#[test]
fn wide_is_one_item_with_n_single_sourced_inputs() {
    let (_dir, ds) = load(Shape::Wide, 300);
    let g = ProductionGraph::build(&ds);
    assert_eq!(g.products.len(), 1);
    let (_, product) = g.products[0];
    let inputs = &g.inputs[product.ix()];
    assert_eq!(inputs.len(), 300);
    let mut suppliers: Vec<_> = inputs
        .iter()
        .map(|slot| {
            assert_eq!(g.suppliers(slot).len(), 1);
            g.node(g.suppliers(slot).nodes[0]).entity
        })
        .collect();
    suppliers.sort();
    suppliers.dedup();
    assert_eq!(suppliers.len(), 300, "each input from its own supplier");
}

#[test]
fn hub_is_a_distributor_with_many_makers_and_a_maker_with_many_buyers() {
    let (_dir, ds) = load(Shape::Hub, 201);
    let g = ProductionGraph::build(&ds);
    let widest_slot = (0..g.node_count() as u32)
        .flat_map(|n| g.inputs[n as usize].iter().map(|s| g.suppliers(s).len()))
        .max()
        .unwrap();
    assert_eq!(widest_slot, 100, "the distributor buys from 201 / 2 makers");
    let most_buyers = (0..g.node_count() as u32)
        .map(|n| g.csr.buyers(tierscope::graph::NodeIx(n)).len())
        .max()
        .unwrap();
    assert_eq!(
        most_buyers, 100,
        "the core maker sells to the other 100 buyers"
    );
    assert_eq!(g.products.len(), 101);
}

#[test]
fn a_shape_goes_with_no_other_shape_option() {
    let dir = tempfile::tempdir().unwrap();
    for extra in [
        &["--single-input"][..],
        &["--substitutes", "0.2"],
        &["--distributors", "0.1"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .args(["generate", "--supply-rows", "10", "--shape", "wide"])
            .args(extra)
            .arg("--out")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("expected the shape alone"));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(["generate", "--supply-rows", "2", "--shape", "hub", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected at least 3"));
}
