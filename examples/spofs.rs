//! The core crate as a library: load a dataset and print each end product's single points
//! of failure at every level. `cargo run --example spofs -- datasets/legacy-semiconductors`
use tierscope_core::analysis::{Settings, analyze};
use tierscope_core::{graph::ProductionGraph, ingest};

fn main() -> Result<(), tierscope_core::Error> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or("tests/fixtures/mini".into());
    let ds = ingest::load(dir.as_ref())?.dataset;
    let report = analyze(&ds, &ProductionGraph::build(&ds), &Settings::default())?;
    for p in &report.products {
        println!("{} of {}:", p.item_name, p.entity_name);
        for (level, subjects) in &p.spof {
            println!("  {:<9} {}", level.as_str(), subjects.join(", "));
        }
    }
    Ok(())
}
