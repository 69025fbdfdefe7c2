//! Resource limits: deep data does not overflow the stack, big files are streamed, runaway
//! records are cut, and a dataset too large for the machine is refused with a clear message.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};
use tierscope::analysis::{Settings, analyze};
use tierscope::cli::ReportFormat;
use tierscope::graph::ProductionGraph;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

fn copy_mini(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(MINI).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("the binary runs")
}

// ---------------------------------------------------------------------------------------------
// Deep data: no recursion over the data anywhere

/// A BOM chain `levels` deep: item I0 is raw, I(k) needs I(k-1). Seven entities in three
/// countries take turns: E(k mod 7) makes I(k) from I(k-1) bought from E((k-1) mod 7). On
/// top, a majority-ownership chain as deep: H(j) owns all of H(j+1), the last one owns 60%
/// of E0, and H0 is restricted, so the 50 percent rule runs down the whole chain.
fn deep_dataset(levels: usize) -> common::Files {
    let countries = String::from("code,trust\nAA,trusted\nBB,neutral\nCC,untrusted\n");
    let mut entities = String::from("id,name,country,restricted,recovery_days\n");
    for e in 0..7 {
        let c = ["AA", "BB", "CC"][e % 3];
        writeln!(entities, "E{e},Firm {e},{c},,{}", 10 + e).unwrap();
    }
    for h in 0..levels {
        let restricted = if h == 0 { "true" } else { "" };
        writeln!(entities, "H{h},Holding {h},AA,{restricted},").unwrap();
    }
    let mut items = String::from("id,name\n");
    let mut bom = String::from("item,input\n");
    let mut supply = String::from("supplier,buyer,item,share\n");
    // Top-down, as a product's BOM is usually written: a depth-first search started at the
    // first item then goes 10,000 levels down.
    for k in (0..levels).rev() {
        writeln!(items, "I{k},Item {k}").unwrap();
        if k > 0 {
            writeln!(bom, "I{k},I{}", k - 1).unwrap();
            writeln!(supply, "E{},E{},I{},1", (k - 1) % 7, k % 7, k - 1).unwrap();
        }
    }
    let top = levels - 1;
    let products = format!(
        "entity,item,annual_revenue,inventory_days\nE{},I{top},1000000,5\n",
        top % 7
    );
    let mut ownership = String::from("owner,entity,share\n");
    for h in 0..levels - 1 {
        writeln!(ownership, "H{h},H{},1", h + 1).unwrap();
    }
    writeln!(ownership, "H{top},E0,0.6").unwrap();
    common::Files::from([
        ("countries.csv", countries),
        ("entities.csv", entities),
        ("items.csv", items),
        ("bom.csv", bom),
        ("supply.csv", supply),
        ("products.csv", products),
        ("ownership.csv", ownership),
    ])
}

/// Validate, analyze and report (every format, in memory, plus the text outputs) on a BOM
/// and an ownership chain 10,000 levels deep, on a thread with a 256 KiB stack: any
/// recursion over the data (one frame per level) would overflow it.
#[test]
fn ten_thousand_levels_on_a_small_stack() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("deep");
    common::write(&deep_dataset(10_000), &data);
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let loaded = tierscope::ingest::load(&data).expect("the deep dataset is valid");
            let ds = loaded.dataset;
            let g = ProductionGraph::build(&ds);
            assert_eq!(g.node_count(), 10_000);
            assert_eq!(*g.item_level.iter().max().unwrap(), 9_999);
            let report =
                tierscope::gate::Reviewed::plain(analyze(&ds, &g, &Settings::default()).unwrap());
            // Every format but the charts (see the next test for those).
            let formats = [ReportFormat::Md, ReportFormat::Json, ReportFormat::Csv];
            let files = tierscope::report::render_files(&report, &ds, &g, &formats, &[]).unwrap();
            assert_eq!(files.len(), 3);
            let _ = tierscope::report::html::render(&report, &[]);
            let _ = tierscope::report::text::render(&report);
            let _ = tierscope::summary::Summary::new(&ds, &g).to_text();
            let fail = vec!["entity:E3".to_string(), "owner:H0".to_string()];
            let whatif = tierscope::whatif::run(&ds, &g, &fail).unwrap();
            (report, whatif.to_text(), g.parties.clone())
        })
        .unwrap();
    let (report, whatif, parties) = worker.join().expect("no stack overflow, no panic");
    // Every other firm of the chain can stop the product alone.
    let spofs: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.kind.as_str() == "spof" && f.level.map(|l| l.as_str()) == Some("entity"))
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(spofs.len(), 6, "{spofs:?}");
    // The 50 percent rule reached E0 through 10,000 holdings; H0 owns it all.
    assert!(parties.restricted.iter().filter(|r| r.is_some()).count() > 10_000);
    assert!(whatif.contains("0%"), "{whatif}");
}

/// Regression: the BOM cycle check used petgraph's recursive `tarjan_scc`, one stack frame
/// per BOM level, and overflowed the stack on a deep BOM listed top-down.
#[test]
fn bom_cycle_check_does_not_recurse_over_a_deep_bom() {
    let levels = 50_000;
    let mut items = String::from("id,name\n");
    let mut bom = String::from("item,input\n");
    for k in (0..levels).rev() {
        writeln!(items, "I{k},Item {k}").unwrap();
        if k > 0 {
            writeln!(bom, "I{k},I{}", k - 1).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_mini(&data);
    std::fs::write(data.join("items.csv"), items).unwrap();
    std::fs::write(data.join("bom.csv"), bom).unwrap();
    std::fs::write(data.join("supply.csv"), "supplier,buyer,item\n").unwrap();
    std::fs::write(data.join("products.csv"), "entity,item\n").unwrap();
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || tierscope::ingest::load(&data).map(|l| l.dataset.bom.len()))
        .unwrap();
    let loaded = worker.join().expect("no stack overflow");
    assert_eq!(loaded.unwrap(), levels - 1);
}

/// The same through the binary: `report` on the deep dataset writes its files.
#[test]
fn deep_dataset_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    common::write(&deep_dataset(10_000), &dir.path().join("deep"));
    let o = run_in(dir.path(), &["report", "deep", "--out", "out"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(dir.path().join("out/report.json").exists());
}

// ---------------------------------------------------------------------------------------------
// Big files are streamed

/// Writes a supply.csv of about `bytes` bytes into a copy of mini in `dir`: the header with an
/// extra `note` column, then the same row over and over, each with a 4 KB note and a share
/// written as a percentage. Every row is an error, so no row is kept, and the errors are
/// capped at 1000: what remains in memory does not grow with the file. Returns the number of
/// rows.
fn big_supply(dir: &Path, bytes: u64) -> u64 {
    copy_mini(dir);
    let note = "n".repeat(4096);
    let row = format!("fab-tw,oem-us,die,50%,,,{note}\n");
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("supply.csv")).unwrap());
    f.write_all(b"supplier,buyer,item,share,qualified,lead_time_days,note\n")
        .unwrap();
    let rows = bytes / row.len() as u64;
    for _ in 0..rows {
        f.write_all(row.as_bytes()).unwrap();
    }
    f.flush().unwrap();
    rows
}

/// Runs `validate DIR` and returns its exit code, its standard output and its peak resident
/// memory in KiB, as the kernel counted it for that one child (`wait4`'s `ru_maxrss`). An
/// address-space limit (`ulimit -v`) cannot be used: the binary's allocator, mimalloc,
/// reserves address space in large segments that it only partly uses.
#[cfg(unix)]
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which std's wait would repeat
fn validate_peak(dir: &Path) -> (Option<i32>, String, u64) {
    let out = tempfile::NamedTempFile::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .arg("validate")
        .arg(dir)
        .stdout(out.reopen().unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("tierscope starts");
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; the pid is our own child, reaped
    // here once (std's `Child` is never waited on after this).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 reaps the child");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let stdout = std::fs::read_to_string(out.path()).unwrap();
    (code, stdout, usage.ru_maxrss as u64)
}

#[cfg(unix)]
fn assert_streamed(bytes: u64, limit_kib: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("big");
    let rows = big_supply(&dir, bytes);
    let size = std::fs::metadata(dir.join("supply.csv")).unwrap().len();
    assert!(
        size > limit_kib * 1024,
        "the file must be larger than the limit"
    );
    let (code, out, peak_kib) = validate_peak(&dir);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        peak_kib < limit_kib,
        "validating a {size}-byte file peaked at {peak_kib} KiB (expected under {limit_kib} KiB)"
    );
    // Every row was read: the last one's error is counted in the closing note.
    assert!(
        out.contains(&format!(
            "error[bad-value]: {} more of these were not listed (showing the first 1000 of {rows})",
            rows - 1000
        )),
        "{}",
        out.lines().rev().take(5).collect::<Vec<_>>().join("\n")
    );
}

/// A 64 MB file read within 32 MiB of memory (the binary itself, a debug build, needs about
/// 22 MiB, whatever the size of the file: measured with 5, 40 and 160 MB files).
#[cfg(unix)]
#[test]
fn a_file_larger_than_the_memory_limit_is_streamed() {
    assert_streamed(64 << 20, 32 << 10);
}

/// The case: a 1 GB file, read within 64 MiB. Slow in a debug build; run with
/// `cargo test --release --test limits -- --ignored`.
#[cfg(unix)]
#[test]
#[ignore]
fn a_one_gigabyte_file_is_streamed() {
    assert_streamed(1 << 30, 64 << 10);
}

// ---------------------------------------------------------------------------------------------
// Runaway records

#[test]
fn a_quote_never_closed_in_a_big_file_stops_at_sixteen_mebibytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    copy_mini(&dir);
    // Line 3 opens a quote in column 2 that never closes, and 20 MiB of rows follow.
    let mut text =
        String::from("id,name,sector,critical\nchip,Microcontroller,,\ndie,\"Processed die,,\n");
    let row = "wafer,Silicon wafer,materials,\n";
    while text.len() < 20 << 20 {
        text.push_str(row);
    }
    std::fs::write(dir.join("items.csv"), text).unwrap();
    let o = run_in(tmp.path(), &["validate", "data"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2));
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(
        errors,
        [
            "data/items.csv:3:2: error[row-too-long]: quote opened here is not closed within 16 MiB (expected a closing `\"`); reading of this file stopped"
        ]
    );
}

#[test]
fn a_file_without_line_ends_stops_at_sixteen_mebibytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    copy_mini(&dir);
    let mut bytes = b"item,input,quantity\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 17 << 20));
    std::fs::write(dir.join("bom.csv"), bytes).unwrap();
    let o = run_in(tmp.path(), &["validate", "data"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(
        errors,
        [
            "data/bom.csv:2: error[row-too-long]: row is longer than 16 MiB (expected rows of at most 16 MiB: is this a CSV file?); reading of this file stopped"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// A dataset too large for the machine

#[test]
fn a_dataset_too_large_for_the_memory_available_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    copy_mini(&tmp.path().join("data"));
    let size: u64 = std::fs::read_dir(tmp.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let human = tierscope::ingest::limits::human;
    for (cmd, factor, doing) in [
        ("validate", 10, "loading"),
        ("summary", 10, "loading"),
        ("analyze", 22, "analysing"),
        ("report", 40, "analysing and reporting on"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .current_dir(tmp.path())
            .args([cmd, "data"])
            .env("TIERSCOPE_MEMORY_AVAILABLE", "4096")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!(
                "error: data: the dataset is too large for this machine: its CSV files hold {}, and {doing} it needs about {factor} times that ({}), but only 4.0 KiB of memory is available (expected at most {} of CSV here; split the dataset or use a machine with more memory)\n",
                human(size),
                human(size * factor),
                human(4096 / factor),
            )
        );
        assert!(!tmp.path().join("reports").exists());
    }
    // With enough memory it runs.
    let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(tmp.path())
        .args(["report", "data"])
        .env("TIERSCOPE_MEMORY_AVAILABLE", (size * 64).to_string())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn the_memory_available_is_known_on_this_system() {
    // Linux tells it (/proc/meminfo, cgroups); elsewhere the check is skipped.
    if cfg!(target_os = "linux") {
        let m = tierscope::ingest::limits::available_memory().expect("MemAvailable");
        assert!(m > 16 << 20, "{m}");
    }
}

// ---------------------------------------------------------------------------------------------
// No hangs

/// Runs `f` on a thread and fails if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(secs))
        .expect("finished in time")
}

/// Regression: the "did you mean" search compared every unknown id with every known id by
/// Jaro-Winkler, which is quadratic in their length: 30 unknown references to 20,000-byte ids
/// among 30 such ids took many minutes. Long ids now get no suggestion, and the search has a
/// budget of comparisons in all.
#[test]
fn long_unknown_ids_do_not_hang_the_did_you_mean_search() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    copy_mini(&dir);
    let long = |i: usize, c: char| format!("{}{i}{c}", "e".repeat(20_000));
    let mut entities = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    let mut supply = String::from("supplier,buyer,item\n");
    for i in 0..30 {
        writeln!(entities, "{},Long {i},US", long(i, 'a')).unwrap();
        writeln!(supply, "{},oem-us,die", long(i, 'b')).unwrap();
    }
    std::fs::write(
        dir.join("entities.csv"),
        entities
            .replace(",kind,restricted,recovery_days", "")
            .lines()
            .map(|l| l.split(',').take(3).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n",
    )
    .unwrap();
    std::fs::write(dir.join("supply.csv"), supply).unwrap();
    let errors = within(60, move || match tierscope::ingest::load(&dir) {
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => diagnostics
            .iter()
            .filter(|d| d.code == "unknown-reference")
            .count(),
        _ => panic!("expected unknown references"),
    });
    assert_eq!(errors, 30);
}

/// Regression: each of the first 200 unknown references searched every id for a suggestion:
/// 1000 unknown references among 50,000 ids took minutes. The searches now share a budget
/// of comparisons.
#[test]
fn many_unknown_references_among_many_ids_finish_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    copy_mini(&dir);
    let mut entities = String::from("id,name,country\noem-us,OEM,US\n");
    for i in 0..50_000 {
        writeln!(entities, "entity-{i:06},Entity {i},US").unwrap();
    }
    let mut supply = String::from("supplier,buyer,item\n");
    for i in 0..1000 {
        writeln!(supply, "entity-x{i:05},oem-us,die").unwrap();
    }
    std::fs::write(dir.join("entities.csv"), entities).unwrap();
    std::fs::write(dir.join("supply.csv"), supply).unwrap();
    let errors = within(120, move || match tierscope::ingest::load(&dir) {
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => diagnostics
            .iter()
            .filter(|d| d.code == "unknown-reference")
            .count(),
        _ => panic!("expected unknown references"),
    });
    // supply.csv's 1000 are all listed (the cap per file and code); mini's other files name
    // entities this entities.csv does not define.
    assert!(errors >= 1000, "{errors}");
}

/// Charts draw with plotters, whose frames are large in a debug build: they need a fixed
/// stack (under 1 MiB here) that does not grow with the depth of the data. The same 1 MiB
/// serves a 10-level and a 10,000-level chain.
#[test]
fn charts_of_ten_thousand_levels_need_no_more_stack_than_ten() {
    for levels in [10usize, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("deep");
        common::write(&deep_dataset(levels), &data);
        let charts = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || {
                let ds = tierscope::ingest::load(&data).unwrap().dataset;
                let g = ProductionGraph::build(&ds);
                let report = analyze(&ds, &g, &Settings::default()).unwrap();
                tierscope::chart::try_render_all(&report, &ds, &g)
                    .unwrap()
                    .len()
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(charts >= 3, "{levels} levels: {charts} charts");
    }
}
