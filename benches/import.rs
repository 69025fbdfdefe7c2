//! Criterion benchmark of `tierscope import` on a flat sourcing table, beside `validate` of the
//! dataset it produces (the bar: import within 2x of that validate).
//!
//!     cargo bench --bench import
//!     TIERSCOPE_BENCH_SIZES=10000 cargo bench --bench import -- --test   # CI smoke run
//!
//! The table is a generated sector (`tierscope generate --seed 1`, the supply rows of
//! `TIERSCOPE_BENCH_SIZES`, default 100k and 1M) written by `export --format flat` as CSV, with
//! its countries, ownership and restricted tables beside it. `import_flat` is the whole
//! command: read, convert, check with the loader, and write the folder and its report.
//! `validate_result` loads and validates that folder.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use tierscope::generate::{Options, generate};
use tierscope::import::{self, flat_export};

fn sizes() -> Vec<u64> {
    std::env::var("TIERSCOPE_BENCH_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    for rows in sizes() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let data = tmp.path().join("data");
        let opts = Options {
            supply_rows: rows,
            seed: 1,
            ..Options::default()
        };
        generate(&data, &opts).expect("the generator writes");
        let ds = tierscope::ingest::load(&data)
            .expect("a valid dataset")
            .dataset;
        let flat = tmp.path().join("flat.csv");
        let (files, _) = flat_export::files(&ds, Some(&flat)).expect("exports");
        for (name, bytes) in files {
            std::fs::write(tmp.path().join(name), bytes).expect("writes");
        }
        drop(ds);
        let out = tmp.path().join("imported");
        let import_opts = import::Options {
            file: flat.clone(),
            out: out.clone(),
            force: true,
            quiet: true,
            ..import::Options::default()
        };

        let mut group = c.benchmark_group("import");
        group.sample_size(10);
        if rows >= 1_000_000 {
            group.measurement_time(Duration::from_secs(120));
        }
        group.bench_function(BenchmarkId::new("import_flat", rows), |b| {
            b.iter(|| {
                import::run(&import_opts, &mut std::io::sink(), &mut std::io::sink())
                    .expect("imports")
            })
        });
        group.bench_function(BenchmarkId::new("validate_result", rows), |b| {
            b.iter(|| tierscope::ingest::load(&out).expect("valid"))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
