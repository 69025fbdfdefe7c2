//! Criterion benchmarks of screening at scale.
//!
//!     cargo bench --bench screen
//!     TIERSCOPE_BENCH_SIZES=10000 TIERSCOPE_BENCH_LIST=20000 cargo bench --bench screen -- --test
//!
//! - `rank_alternates/N`: ranking every unqualified alternate of a generated sector of N
//!   supply rows with the incremental ranker (setup included: one analysis, one engine pass
//!   per country), beside `analyze/N`, one whole analysis of the same data: the target is
//!   that ranking costs at most 10 analyses.
//! - `match_common_words/L`: 1,000 candidates whose names are only common words, screened
//!   against a synthetic list of L organisation names (`TIERSCOPE_BENCH_LIST`, default
//!   1,000,000), built once.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use tierscope::analysis::{self, Settings};
use tierscope::generate::{Options, generate};
use tierscope::graph::ProductionGraph;
use tierscope::screen::lists::{Entry, ListFormat, PartyList, PartyType};
use tierscope::screen::matcher::Matcher;
use tierscope::screen::rank::{Addition, Ranker, Supplier};

fn env_sizes(var: &str, default: &str) -> Vec<u64> {
    std::env::var(var)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn rank_all(ds: &tierscope::model::Dataset, g: &ProductionGraph, settings: &Settings) -> usize {
    use rayon::prelude::*;
    let ranker = Ranker::new(ds, g, settings).expect("the analysis runs");
    let rows: Vec<_> = ds.supply.iter().filter(|r| !r.qualified).collect();
    rows.par_iter()
        .map_init(
            || ranker.scratch(),
            |scratch, r| {
                let add = Addition {
                    supplier: Supplier::Node(r.supplier, g.node_of[&(r.supplier, r.item)]),
                    buyer: r.buyer,
                    item: r.item,
                    share: r.share.get(),
                };
                ranker.assess(&add, scratch).impact.products.len()
            },
        )
        .sum()
}

fn ranking(c: &mut Criterion) {
    for rows in env_sizes("TIERSCOPE_BENCH_SIZES", "100000,1000000") {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let opts = Options {
            supply_rows: rows,
            seed: 1,
            ..Options::default()
        };
        generate(dir.path(), &opts).expect("the generator writes");
        let ds = tierscope::ingest::load(dir.path()).expect("valid").dataset;
        let g = ProductionGraph::build(&ds);
        let settings = Settings::default();
        let mut group = c.benchmark_group("screen");
        group.sample_size(10);
        if rows >= 1_000_000 {
            group.measurement_time(Duration::from_secs(120));
        }
        group.bench_function(BenchmarkId::new("analyze", rows), |b| {
            b.iter(|| analysis::analyze(black_box(&ds), &g, &settings).expect("runs"))
        });
        group.bench_function(BenchmarkId::new("rank_alternates", rows), |b| {
            b.iter(|| rank_all(black_box(&ds), &g, &settings))
        });
        group.finish();
    }
}

/// A deterministic list of `n` organisation names: a rare made-up word or two among common
/// company-name words, the way sanctions lists look.
fn synthetic_list(n: u64) -> Vec<PartyList> {
    const COMMON: &[&str] = &[
        "international",
        "trading",
        "group",
        "holding",
        "company",
        "industrial",
        "technology",
        "general",
        "import",
        "export",
        "global",
        "investment",
        "services",
        "engineering",
        "development",
        "commercial",
        "construction",
        "shipping",
        "electronics",
        "energy",
    ];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let syllables = [
        "ka", "ro", "mi", "tan", "vel", "zor", "qui", "lem", "dar", "shi", "nov", "bek",
    ];
    let entries = (0..n)
        .map(|i| {
            let mut words = Vec::new();
            for _ in 0..1 + next() % 2 {
                let len = 2 + next() % 3;
                words.push(
                    (0..len)
                        .map(|_| syllables[(next() % 12) as usize])
                        .collect::<String>(),
                );
            }
            for _ in 0..1 + next() % 3 {
                words.push(COMMON[(next() % COMMON.len() as u64) as usize].to_string());
            }
            Entry {
                uid: i.to_string(),
                name: words.join(" ").to_uppercase(),
                aliases: Vec::new(),
                party_type: PartyType::Organization,
                programs: Vec::new(),
                source: "synthetic".into(),
                country: None,
                line: i + 1,
                entity: None,
            }
        })
        .collect();
    vec![PartyList {
        path: "synthetic".into(),
        format: ListFormat::RestrictedCsv,
        rows: n,
        entries,
    }]
}

fn matching(c: &mut Criterion) {
    for n in env_sizes("TIERSCOPE_BENCH_LIST", "1000000") {
        let lists = synthetic_list(n);
        let matcher = Matcher::new(&lists);
        let candidates: Vec<String> = (0..1000)
            .map(|i| {
                let w = [
                    "International",
                    "Trading",
                    "Group",
                    "Global",
                    "Industrial",
                    "Technology",
                ];
                format!("{} {} {} Ltd", w[i % 6], w[(i / 6) % 6], w[(i / 36) % 6])
            })
            .collect();
        let mut group = c.benchmark_group("screen");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(60));
        group.bench_function(BenchmarkId::new("match_common_words", n), |b| {
            b.iter(|| {
                candidates
                    .iter()
                    .map(|name| matcher.screen(black_box(name), 0.88).len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, ranking, matching);
criterion_main!(benches);
