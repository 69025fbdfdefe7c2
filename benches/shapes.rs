//! Criterion benchmarks of the stress shapes of `tierscope generate --shape` (issue #18): a
//! wide BOM (one item with N inputs, each from its own supplier) and hubs (a distributor with
//! N/2 suppliers, a maker with N/2 buyers), where a per-failure cost that grows with a node's
//! inputs or buyers turns quadratic.
//!
//!     cargo bench --bench shapes
//!     TIERSCOPE_BENCH_SHAPE_SIZES=2000 cargo bench --bench shapes -- --test   # CI smoke run
//!
//! `TIERSCOPE_BENCH_SHAPE_SIZES` (comma-separated supply rows, default 12500,25000,50000,100000)
//! picks the sizes; the data is generated once per shape and size into a temporary folder.
//! Per shape and size: the entity level alone (one cone per entity), the whole `analyze` with
//! its JSON written to a sink, and `report`'s rendering of every format and chart in memory.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use tierscope::analysis::groups::Level;
use tierscope::analysis::{self, Ctx, Settings};
use tierscope::generate::{Options, Shape, generate};
use tierscope::graph::ProductionGraph;

fn sizes() -> Vec<u64> {
    std::env::var("TIERSCOPE_BENCH_SHAPE_SIZES")
        .unwrap_or_else(|_| "12500,25000,50000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    for (shape, name) in [(Shape::Wide, "wide"), (Shape::Hub, "hub")] {
        for rows in sizes() {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let opts = Options {
                supply_rows: rows,
                shape,
                ..Options::default()
            };
            generate(dir.path(), &opts).expect("the generator writes");
            let ds = tierscope::ingest::load(dir.path())
                .expect("a valid dataset")
                .dataset;
            let g = ProductionGraph::build(&ds);

            let mut group = c.benchmark_group(name);
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(if rows >= 50_000 { 30 } else { 10 }));
            let entity_only = Settings {
                levels: vec![Level::Entity],
                ..Settings::default()
            };
            group.bench_function(BenchmarkId::new("entity_level", rows), |b| {
                b.iter(|| {
                    let ctx = Ctx::new(&ds, &g, &entity_only, g.products.clone());
                    let mut findings = Vec::new();
                    analysis::spof::run(&ctx, &mut findings);
                    findings.len()
                })
            });
            common::analyze_and_report(&mut group, rows, &ds, &g);
            group.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
