//! Criterion benchmarks of every phase at 10k, 100k and 1M supply rows of a generated sector.
//!
//!     cargo bench --bench scale
//!     TIERSCOPE_BENCH_SIZES=10000 cargo bench --bench scale -- --test   # CI smoke run
//!
//! `TIERSCOPE_BENCH_SIZES` (comma-separated supply rows) picks the sizes; the data is
//! generated once per size into a temporary folder. Phases: load + validate, graph build, the
//! capacity engine (one full pass with every untrusted entity failed), entity-level crit
//! sets, per-country dependency (one cone per country, with country SPOFs), and the whole
//! `analyze` with its JSON written to a sink, and `report`'s rendering of every format and
//! chart in memory (the HTML page's per-product sections were once quadratic).

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use tierscope::analysis::crit::crit_sets;
use tierscope::analysis::engine::Engine;
use tierscope::analysis::groups::{Groups, Level};
use tierscope::analysis::{self, Ctx, Settings};
use tierscope::generate::{Options, generate};
use tierscope::graph::ProductionGraph;

fn sizes() -> Vec<u64> {
    std::env::var("TIERSCOPE_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    for rows in sizes() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let opts = Options {
            supply_rows: rows,
            seed: 1,
            ..Options::default()
        };
        generate(dir.path(), &opts).expect("the generator writes");
        let ds = tierscope::ingest::load(dir.path())
            .expect("a valid dataset")
            .dataset;
        let g = ProductionGraph::build(&ds);

        let mut group = c.benchmark_group("scale");
        group.sample_size(10);
        if rows >= 1_000_000 {
            group.measurement_time(Duration::from_secs(60));
        }
        group.bench_function(BenchmarkId::new("load_validate", rows), |b| {
            b.iter(|| tierscope::ingest::load(black_box(dir.path())).expect("valid"))
        });
        group.bench_function(BenchmarkId::new("graph_build", rows), |b| {
            b.iter(|| ProductionGraph::build(black_box(&ds)))
        });
        let engine = Engine::new(&g, ds.entities.len());
        let untrusted = &g.parties.untrusted;
        group.bench_function(BenchmarkId::new("engine_full", rows), |b| {
            b.iter(|| engine.full(|e| untrusted[e.ix()]))
        });
        let groups = Groups::new(Level::Entity, &ds, &g);
        group.bench_function(BenchmarkId::new("crit_sets_entity", rows), |b| {
            b.iter(|| crit_sets(black_box(&g), &groups))
        });
        let country_only = Settings {
            levels: vec![Level::Country],
            ..Settings::default()
        };
        group.bench_function(BenchmarkId::new("country_dependency", rows), |b| {
            b.iter(|| {
                let ctx = Ctx::new(&ds, &g, &country_only, g.products.clone());
                let mut findings = Vec::new();
                analysis::spof::run(&ctx, &mut findings).country_dependency
            })
        });
        common::analyze_and_report(&mut group, rows, &ds, &g);
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
