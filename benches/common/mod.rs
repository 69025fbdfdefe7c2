//! What several benches time the same way: the whole `analyze` with its JSON written to a
//! sink, and `report`'s rendering of every format and chart in memory.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId};
use std::hint::black_box;
use tierscope::analysis::{self, Settings};
use tierscope::cli::{ChartFormat, ReportFormat};
use tierscope::graph::ProductionGraph;
use tierscope::model::Dataset;

/// Adds `analyze_json` and `report_render` at `rows` to `group`.
pub fn analyze_and_report(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rows: u64,
    ds: &Dataset,
    g: &ProductionGraph,
) {
    let settings = Settings::default();
    group.bench_function(BenchmarkId::new("analyze_json", rows), |b| {
        b.iter(|| {
            let report = analysis::analyze(ds, g, &settings).expect("runs");
            let mut out = std::io::BufWriter::new(std::io::sink());
            serde_json::to_writer_pretty(&mut out, &report).expect("serializes");
            report.findings.len()
        })
    });
    let report =
        tierscope::gate::Reviewed::plain(analysis::analyze(ds, g, &settings).expect("runs"));
    group.bench_function(BenchmarkId::new("report_render", rows), |b| {
        b.iter(|| {
            tierscope::report::render_files(
                black_box(&report),
                ds,
                g,
                &ReportFormat::ALL,
                &[ChartFormat::Svg, ChartFormat::Png],
            )
            .expect("renders")
            .len()
        })
    });
}
