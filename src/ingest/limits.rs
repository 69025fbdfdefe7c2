//! Whether a dataset fits in memory, checked before reading it.
//!
//! Loading keeps every valid row; the graph, and above all the analyses' findings and the
//! rendered reports, take memory in proportion to the data. Measured on generated datasets
//! (see the README's "Limits"), loading and validating (with the graph, for `summary`) peaked
//! at about 4 to 6 bytes of memory per byte of CSV, and a full `analyze` or `report` at about
//! 45 where nearly every input is concentrated (the report itself was 13 times the CSV). A
//! dataset whose files add up to more than the memory available divided by the factor of the
//! command ([`LOAD_FACTOR`], [`ANALYSIS_FACTOR`], with a margin) is refused with a clear error
//! before anything is read, instead of the run being killed by the system half-way.

use crate::error::{Error, Result};
use std::path::Path;

/// Memory needed per byte of CSV to load and validate a dataset and build its graph.
pub const LOAD_FACTOR: u64 = 8;

/// Memory needed per byte of CSV to analyse a dataset and render its reports.
pub const ANALYSIS_FACTOR: u64 = 64;

/// Test and operations knob: with `TIERSCOPE_MEMORY_AVAILABLE=BYTES` set, that many bytes
/// count as the memory available, instead of what the system says.
pub const MEMORY_ENV: &str = "TIERSCOPE_MEMORY_AVAILABLE";

/// The total size of the dataset's CSV files in `dir`.
pub fn dataset_size(dir: &Path) -> u64 {
    super::FILES
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Refuses a dataset in `dir` that would not fit in the memory available, needing `factor`
/// bytes per byte of CSV to be `doing` (e.g. "loading", "analysing").
pub fn check_fits(dir: &Path, factor: u64, doing: &str) -> Result<()> {
    let size = dataset_size(dir);
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let needed = size.saturating_mul(factor);
    if needed <= available {
        return Ok(());
    }
    Err(Error::Input {
        path: dir.to_path_buf(),
        what: format!(
            "the dataset is too large for this machine: its CSV files hold {}, and {doing} it needs about {factor} times that ({}), but only {} of memory is available (expected at most {} of CSV here; split the dataset or use a machine with more memory)",
            human(size),
            human(needed),
            human(available),
            human(available / factor)
        ),
    })
}

/// The memory this process may still use, in bytes: the smallest of the system's available
/// memory and the room left under a cgroup limit; `None` when it cannot be told.
pub fn available_memory() -> Option<u64> {
    if let Ok(v) = std::env::var(MEMORY_ENV) {
        return v.trim().parse().ok();
    }
    let mut best: Option<u64> = None;
    let mut consider = |v: Option<u64>| {
        if let Some(v) = v {
            best = Some(best.map_or(v, |b| b.min(v)));
        }
    };
    consider(meminfo_available());
    // cgroup v2, then v1: the limit less what the group already uses.
    for (limit, usage) in [
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ] {
        let read =
            |p: &str| -> Option<u64> { std::fs::read_to_string(p).ok()?.trim().parse().ok() };
        if let Some(l) = read(limit) {
            consider(Some(l.saturating_sub(read(usage).unwrap_or(0))));
        }
    }
    best
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn meminfo_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// A size for people: `512 B`, `3.2 MiB`, `1.5 GiB`.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}
