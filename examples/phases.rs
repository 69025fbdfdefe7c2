//! Times each phase of `analyze` on one dataset folder, for profiling:
//! `cargo run --release --example phases -- DIR`.

use std::time::Instant;
use tierscope::analysis::{self, Ctx, Settings};
use tierscope::graph::ProductionGraph;

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The allocator the `tierscope` binary uses, so the phases cost here what they cost there,
/// counting the bytes held so each phase can say what it keeps and what it peaked at (the
/// peak restarts at each phase, so a phase's transient buffers are not hidden by an earlier
/// phase's).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Relaxed) + new_size;
        PEAK.fetch_max(live, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

/// User plus system CPU time of this process so far, from `/proc/self/stat` (Linux; 0
/// elsewhere), so a phase that keeps one core of two busy shows as 50 %.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: phases DIR");
    let dir = std::path::Path::new(&dir);
    let t = Instant::now();
    let ds = tierscope::ingest::load(dir)
        .expect("a valid dataset")
        .dataset;
    let mut cpu = 0.0;
    let mut lap = |what: &str, t: &mut Instant| {
        let wall = t.elapsed().as_secs_f64();
        let now = cpu_seconds();
        eprintln!(
            "{what:<28} {wall:>8.3} s  cpu {:>6.2} s ({:>3.0} % of 2 cores)   heap held {:>7.1} MiB, peak in phase {:>7.1} MiB",
            now - cpu,
            (now - cpu) / wall / 2.0 * 100.0,
            LIVE.load(Relaxed) as f64 / MIB,
            PEAK.load(Relaxed) as f64 / MIB,
        );
        cpu = now;
        PEAK.store(LIVE.load(Relaxed), Relaxed);
        *t = Instant::now();
    };
    let mut t = t;
    lap("load + validate", &mut t);
    let g = ProductionGraph::build(&ds);
    lap("graph build", &mut t);
    let settings = Settings::default();
    let ctx = Ctx::new(&ds, &g, &settings, g.products.clone());
    let mut findings = Vec::new();
    let levels = analysis::spof::run(&ctx, &mut findings);
    lap("spof + capacity at risk", &mut t);
    analysis::exposure::untrusted(&ctx, &mut findings);
    lap("untrusted exposure", &mut t);
    analysis::exposure::restricted(&ctx, &levels.entity_caps, &mut findings);
    lap("restricted parties", &mut t);
    analysis::asymmetry::run(&ctx, &levels.country_dependency, &mut findings);
    lap("asymmetry", &mut t);
    analysis::visibility::run(&ctx, &mut findings);
    lap("visibility", &mut t);
    analysis::concentration::run(&ctx, &mut findings);
    lap("concentration", &mut t);
    drop((findings, levels));
    lap("(dropped those findings)", &mut t);
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
    let report = tierscope::gate::Reviewed::plain(report);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).expect("a temp file"));
    tierscope::report::json::write(&report, &mut out).expect("writes");
    drop(out);
    let _ = std::fs::remove_file(&file);
    lap("json, parallel (to a file)", &mut t);
    tierscope::report::json::write(&report, &mut std::io::sink()).expect("writes");
    lap("json, parallel (to a sink)", &mut t);
    breakdown(&report.findings);
    eprintln!("{} findings", report.findings.len());
    let mut report = report.report;
    let freed = |what: &str, drop_it: &mut dyn FnMut()| {
        let before = LIVE.load(Relaxed);
        drop_it();
        eprintln!(
            "  freed by dropping {what:<22} {:>7.1} MiB",
            (before - LIVE.load(Relaxed)) as f64 / MIB
        );
    };
    // What the report holds, part by part (a part shared with one dropped before is counted
    // with the earlier one).
    freed("the concentration rows", &mut || {
        drop(std::mem::take(&mut report.concentration))
    });
    freed("root causes", &mut || {
        drop(std::mem::take(&mut report.root_causes))
    });
    freed("product summaries", &mut || {
        drop(std::mem::take(&mut report.products))
    });
    freed("country dependency", &mut || {
        report.country_dependency.values = Vec::new();
        report.country_dependency.products = Vec::new();
    });
    freed("findings' evidence", &mut || {
        for f in report.findings.iter_mut() {
            f.evidence = Box::default();
        }
    });
    freed("findings' details", &mut || {
        for f in report.findings.iter_mut() {
            f.details = Default::default();
        }
    });
    freed("findings' messages", &mut || {
        for f in report.findings.iter_mut() {
            f.message = tierscope::analysis::message::Message::from(String::new());
        }
    });
    freed("findings' ids", &mut || {
        for f in report.findings.iter_mut() {
            f.id = Default::default();
        }
    });
    freed("the findings", &mut || {
        drop(std::mem::take(&mut report.findings))
    });
    let mut g = Some(g);
    freed("the graph", &mut || drop(g.take()));
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

/// Where the findings' memory goes: the boxed structs and the heap each field holds.
fn breakdown(findings: &[Box<tierscope::analysis::findings::Finding>]) {
    let (mut id, mut subj, mut name, mut msg, mut ev, mut paths, mut nodes) = (0, 0, 0, 0, 0, 0, 0);
    for f in findings {
        id += f.id.len();
        subj += f.subject.len();
        name += f.subject_name.len();
        msg += f.message.heap_bytes();
        ev += f.evidence.len() * 24;
        paths += f.evidence.len();
        for p in &f.evidence {
            ev += p.capacity() * std::mem::size_of::<tierscope::analysis::findings::NodeRef>();
            nodes += p.len();
        }
    }
    eprintln!(
        "struct {} B x {}; id {:.1} MiB, subject {:.1}, subject_name {:.1}, message {:.1}, evidence {:.1} MiB ({paths} paths, {nodes} nodes)",
        std::mem::size_of::<tierscope::analysis::findings::Finding>(),
        findings.len(),
        id as f64 / MIB,
        subj as f64 / MIB,
        name as f64 / MIB,
        msg as f64 / MIB,
        ev as f64 / MIB
    );
}
