//! Whether a dataset fits in memory, checked before reading it.
//!
//! Loading keeps every valid row; the graph, and above all the analyses' findings, take
//! memory in proportion to the data. Measured peaks (resident size) per byte of CSV on
//! generated datasets where nearly every input is concentrated (1M supply rows, 44 MiB of
//! CSV, 455,718 findings, and 10M rows, 469 MiB; see `benches/README.md`): `validate` 6 and
//! `summary` (with the graph) 7; `analyze` 16 at 1M rows (685-740 MiB) and 13 at 10M
//! (6.1 GiB), the findings being most of it; `report` 26 to 29 at 1M rows (1.10-1.23 GiB):
//! the analysis plus the formats being rendered at the same time, each streamed to its
//! temporary file as it is made (0.9 GB in all: the JSON alone is 13 times the CSV). A dataset
//! whose files add up to more than the memory available divided by the factor of the
//! command ([`LOAD`], [`ANALYZE`], [`REPORT`], each with a margin over the measured peak) is
//! refused with a clear error before anything is read, instead of the run being killed by the
//! system half-way.

use crate::error::{Error, Result};
use std::path::Path;

/// A kind of work and the memory it needs per byte of CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// What is being done, for the message: "loading", "analysing", ...
    pub doing: &'static str,
    /// Bytes of memory per byte of CSV.
    pub factor: u64,
}

/// Loading and validating a dataset and building its graph (`validate`, `summary`, `whatif`).
pub const LOAD: Work = Work {
    doing: "loading",
    factor: 10,
};

/// Analysing a dataset and writing the report JSON or text (`analyze`).
pub const ANALYZE: Work = Work {
    doing: "analysing",
    factor: 22,
};

/// Analysing a dataset and rendering every report format in memory (`report`).
pub const REPORT: Work = Work {
    doing: "analysing and reporting on",
    factor: 40,
};

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

/// Refuses a dataset in `dir` that would not fit in the memory available for `work`.
pub fn check_fits(dir: &Path, work: Work) -> Result<()> {
    let Work { doing, factor } = work;
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
