//! Whether a dataset fits in memory, checked before reading it.
//!
//! Loading keeps every valid row, and the graph and the analyses take memory in proportion
//! to them: measured on generated datasets, a run needs at most about [`BYTES_PER_CSV_BYTE`]
//! bytes of memory per byte of CSV (see the README's "Limits"). A dataset whose files add up
//! to more than the memory available divided by that factor is refused with a clear error
//! before anything is read, instead of the run being killed by the system half-way.

use crate::error::{Error, Result};
use std::path::Path;

/// Memory needed per byte of CSV, with a margin over what was measured.
pub const BYTES_PER_CSV_BYTE: u64 = 12;

/// Test and operations knob: with `TIERSCOPE_MEMORY_AVAILABLE=BYTES` set, that many bytes
/// count as the memory available, instead of what the system says.
pub const MEMORY_ENV: &str = "TIERSCOPE_MEMORY_AVAILABLE";

/// Refuses a dataset in `dir` that would not fit in the memory available.
pub fn check_fits(dir: &Path) -> Result<()> {
    let size: u64 = super::FILES
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let needed = size.saturating_mul(BYTES_PER_CSV_BYTE);
    if needed <= available {
        return Ok(());
    }
    Err(Error::Input {
        path: dir.to_path_buf(),
        what: format!(
            "the dataset is too large for this machine: its CSV files hold {}, and a run needs about {BYTES_PER_CSV_BYTE} times that ({}), but only {} of memory is available (expected at most {} of CSV here; split the dataset or use a machine with more memory)",
            human(size),
            human(needed),
            human(available),
            human(available / BYTES_PER_CSV_BYTE)
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
