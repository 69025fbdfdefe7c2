//! Times each phase of `analyze` on one dataset folder, for profiling:
//! `cargo run --release --example phases -- DIR`.

use std::time::Instant;
use tierscope::analysis::{self, Ctx, Settings};
use tierscope::graph::ProductionGraph;

/// The allocator the `tierscope` binary uses, so the phases cost here what they cost there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: phases DIR");
    let dir = std::path::Path::new(&dir);
    let t = Instant::now();
    let ds = tierscope::ingest::load(dir)
        .expect("a valid dataset")
        .dataset;
    let lap = |what: &str, t: &mut Instant| {
        eprintln!("{what:<28} {:>8.3} s", t.elapsed().as_secs_f64());
        *t = Instant::now();
    };
    let mut t = t;
    lap("load + validate", &mut t);
    let g = ProductionGraph::build(&ds);
    lap("graph build", &mut t);
    let settings = Settings::default();
    let ctx = Ctx {
        ds: &ds,
        g: &g,
        settings: &settings,
        products: g.products.clone(),
    };
    let mut findings = Vec::new();
    let levels = analysis::spof::run(&ctx, &mut findings);
    lap("spof + capacity at risk", &mut t);
    analysis::exposure::untrusted(&ctx, &mut findings);
    lap("untrusted exposure", &mut t);
    analysis::exposure::restricted(&ctx, &levels.entity_caps, &mut findings);
    lap("restricted parties", &mut t);
    analysis::concentration::run(&ctx, &mut findings);
    lap("concentration", &mut t);
    analysis::asymmetry::run(&ctx, &levels.country_dependency, &mut findings);
    lap("asymmetry", &mut t);
    analysis::visibility::run(&ctx, &mut findings);
    lap("visibility", &mut t);
    let report = analysis::analyze(&ds, &g, &settings).expect("analysis runs");
    lap("whole analyze again", &mut t);
    let mut out = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(&mut out, &report).expect("serializes");
    lap("json (to a sink)", &mut t);
    let file = std::env::temp_dir().join(format!("phases-{}.json", std::process::id()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).expect("a temp file"));
    serde_json::to_writer_pretty(&mut out, &report).expect("serializes");
    drop(out);
    let _ = std::fs::remove_file(&file);
    lap("json (to a file)", &mut t);
    eprintln!("{} findings", report.findings.len());
    let mut by_kind = std::collections::BTreeMap::new();
    for f in &report.findings {
        *by_kind
            .entry((f.kind.as_str(), f.severity.as_str()))
            .or_insert(0usize) += 1;
    }
    for ((kind, severity), n) in by_kind {
        eprintln!("  {kind:<24} {severity:<9} {n:>9}");
    }
}
