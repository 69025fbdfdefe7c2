//! The one place that writes report files: every file goes to a temporary name in its
//! folder first, and only when all of them are written are they renamed into place. A run
//! that fails part-way leaves the previous report as it was, and no temporary file behind.
//! Files are streamed to their temporary names as they are rendered ([`Sink`]), so a run
//! never holds every format in memory at once.
//!
//! A report folder holds one run's files, or the previous run's, never a mix:
//!
//! - **Lock.** The folder is locked for the run ([`lock_folder`]: an advisory lock on the
//!   folder itself, released when the process ends, however it ends); a second run exits 2,
//!   or waits with `--wait`.
//! - **Manifest.** `.tierscope-manifest` lists the files of the report set the last run wrote.
//!   Files it lists that this run does not write (a chart the data no longer supports, a
//!   format not asked for) are removed in the commit; nothing it does not list is touched.
//! - **Journal.** Before the renames, `.tierscope-commit` lists them and the removals; it is
//!   removed after them. A run killed during the renames (SIGKILL, power loss) leaves it, and
//!   the next run finishes the commit from it before anything else.
//! - **Temporary files** (`.tierscope-*.tmp`) are removed on SIGINT and SIGTERM
//!   ([`super::cleanup`]) and on running out of memory; those of a killed run are removed by
//!   the next run on the folder, which holds the lock, so no live run's file is touched.

use super::cleanup;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::NamedTempFile;

/// The manifest of a report folder: the files of the report set the last run wrote there.
pub const MANIFEST: &str = ".tierscope-manifest";

/// The journal of a commit under way.
pub const JOURNAL: &str = ".tierscope-commit";

/// Temporary files are `.tierscope-<random>.tmp`.
const TMP_PREFIX: &str = ".tierscope-";
const TMP_SUFFIX: &str = ".tmp";

/// A file to write: a path relative to the output folder, and its bytes.
pub struct OutFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Test-only fault switch: with `TIERSCOPE_FAIL_AFTER_FILES=N` set, writing fails after N
/// temporary files, as a full disk would. Used by the output-safety tests.
const FAULT_ENV: &str = "TIERSCOPE_FAIL_AFTER_FILES";

/// Test-only fault switch: with `TIERSCOPE_FAIL_AFTER_BYTES=N` set, the disk is full after N
/// bytes of report (counted over all files): the file being written is cut there, in the
/// middle, and writing fails with "no space left on device".
const FAULT_BYTES_ENV: &str = "TIERSCOPE_FAIL_AFTER_BYTES";

/// Test-only switch: with `TIERSCOPE_PAUSE_AFTER_FILES=N` set, the run stops for a minute
/// once N files are written to their temporary names, as a slow disk would hold it there.
/// Used by the tests that stop a run part-way (SIGTERM, a second run on the folder).
const PAUSE_ENV: &str = "TIERSCOPE_PAUSE_AFTER_FILES";

/// Writes every file under `dir` all-or-nothing (up to the renames themselves, which do not
/// fail on a healthy file system once the temporary files exist).
pub fn write_all(dir: &Path, files: &[OutFile]) -> Result<()> {
    let staging = Staging::new(dir);
    for file in files {
        staging.file(&file.path, &mut |w| w.write_all(&file.bytes))?;
    }
    staging.commit()
}

/// Where rendered files go: [`Staging`] writes them to a folder all-or-nothing, [`Memory`]
/// keeps them. Files may be written from several threads at once.
pub trait Sink: Sync {
    /// Writes the file at `path` (relative to the output) with `write`, which streams its
    /// bytes, so a renderer that can write as it goes never holds the whole file.
    fn file(
        &self,
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()>;
}

/// Files written to temporary names in their folders, renamed into place by
/// [`Staging::commit`]. Dropped without a commit (an error part-way), every temporary file is
/// removed and the folder is as it was.
pub struct Staging {
    dir: PathBuf,
    fail_after: Option<usize>,
    /// Bytes the fault switch still lets through, over all files.
    room: Mutex<Option<usize>>,
    started: AtomicUsize,
    staged: Mutex<Vec<Staged>>,
    /// For a report folder: its lock and the files the previous run wrote.
    set: Option<ReportSet>,
}

/// A file written to its temporary name, waiting for the commit.
struct Staged {
    tmp: NamedTempFile,
    target: PathBuf,
    /// Forgets the temporary file when it is renamed or removed (dropped after `tmp`).
    _registered: Registered,
}

struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        cleanup::unregister(&self.0);
    }
}

struct ReportSet {
    _lock: FolderLock,
    previous: Vec<PathBuf>,
}

impl Staging {
    /// Files written under `dir`, all-or-nothing (one file: `export --out`).
    pub fn new(dir: &Path) -> Staging {
        Staging {
            dir: dir.to_path_buf(),
            fail_after: std::env::var(FAULT_ENV).ok().and_then(|v| v.parse().ok()),
            room: Mutex::new(
                std::env::var(FAULT_BYTES_ENV)
                    .ok()
                    .and_then(|v| v.parse().ok()),
            ),
            started: AtomicUsize::new(0),
            staged: Mutex::new(Vec::new()),
            set: None,
        }
    }

    /// A report set written to the folder `dir`, which `lock` holds: a commit a killed run
    /// left half-done is finished first, temporary files killed runs left are removed, and the
    /// manifest of the previous run is read, so that [`Staging::commit`] removes the files of
    /// the set this run does not write.
    pub fn report_set(dir: &Path, lock: FolderLock) -> Result<Staging> {
        let write_error = |path: PathBuf| move |source| Error::Write { path, source };
        finish_journal(dir).map_err(write_error(dir.join(JOURNAL)))?;
        for folder in [dir.to_path_buf(), dir.join("charts")] {
            remove_stale_temporaries(&folder).map_err(write_error(folder.clone()))?;
        }
        let previous = read_manifest(dir);
        let mut staging = Staging::new(dir);
        staging.set = Some(ReportSet {
            _lock: lock,
            previous,
        });
        Ok(staging)
    }

    /// Renames every staged file into place; for a report set, also writes the manifest and
    /// removes the previous run's files this run did not write, all under a journal.
    pub fn commit(self) -> Result<()> {
        let _commit = cleanup::COMMIT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = &self.set {
            let mut written: Vec<PathBuf> = self
                .staged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .filter_map(|s| s.target.strip_prefix(&self.dir).ok().map(Path::to_path_buf))
                .collect();
            written.sort();
            let mut text = String::from(
                "# tierscope: the files of the report set the last run wrote here. The next run\n\
                 # removes those of them it does not write; no other file is touched.\n",
            );
            for p in &written {
                text.push_str(&manifest_line(p));
                text.push('\n');
            }
            self.file(Path::new(MANIFEST), &mut |w| w.write_all(text.as_bytes()))?;
            let removals: Vec<PathBuf> = set
                .previous
                .iter()
                .filter(|p| !written.contains(p))
                .cloned()
                .collect();
            let staged =
                std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
            let journal = self.dir.join(JOURNAL);
            write_journal(&self.dir, &staged, &removals).map_err(|source| Error::Write {
                path: journal.clone(),
                source,
            })?;
            persist_all(staged)?;
            for p in &removals {
                remove_listed(&self.dir.join(p)).map_err(|source| Error::Write {
                    path: self.dir.join(p),
                    source,
                })?;
            }
            // A charts folder the removals emptied goes too (one holding anything else stays).
            if removals.iter().any(|p| p.starts_with("charts")) {
                let _ = std::fs::remove_dir(self.dir.join("charts"));
            }
            sync_folder(&self.dir);
            std::fs::remove_file(&journal).map_err(|source| Error::Write {
                path: journal,
                source,
            })?;
            return Ok(());
        }
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        persist_all(staged)
    }
}

fn persist_all(staged: Vec<Staged>) -> Result<()> {
    for Staged {
        tmp,
        target,
        _registered,
    } in staged
    {
        tmp.persist(&target).map_err(|e| Error::Write {
            path: target,
            source: e.error,
        })?;
    }
    Ok(())
}

/// A path of the report set as the manifest and the journal write it: `/`-separated.
fn manifest_line(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `line` names a file of the report set: one of the formats' files, or a chart. A
/// manifest or journal that says anything else (edited, or from elsewhere) names no file.
fn report_set_path(line: &str) -> Option<PathBuf> {
    let is_set = crate::cli::ReportFormat::ALL
        .iter()
        .chain(&[crate::cli::ReportFormat::Pdf])
        .any(|f| f.file_name() == line)
        || line.strip_prefix("charts/").is_some_and(|name| {
            let stem = name
                .strip_suffix(".svg")
                .or_else(|| name.strip_suffix(".png"));
            stem.is_some_and(|s| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
        });
    is_set.then(|| PathBuf::from(line))
}

/// The report-set files the manifest in `dir` lists (none when there is no manifest).
fn read_manifest(dir: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(report_set_path)
        .collect()
}

/// Removes a file the previous run wrote (a link in its place is removed, not followed); one
/// that is gone already is fine.
fn remove_listed(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_dir() => std::fs::remove_file(path),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes the journal: `rename TMP TARGET` and `remove PATH` lines (paths relative to the
/// folder, tab-separated), then `end`, flushed to disk before the first rename.
fn write_journal(dir: &Path, staged: &[Staged], removals: &[PathBuf]) -> std::io::Result<()> {
    let mut text = String::new();
    for s in staged {
        let (Ok(tmp), Ok(target)) = (s.tmp.path().strip_prefix(dir), s.target.strip_prefix(dir))
        else {
            continue;
        };
        text.push_str(&format!(
            "rename\t{}\t{}\n",
            manifest_line(tmp),
            manifest_line(target)
        ));
    }
    for p in removals {
        text.push_str(&format!("remove\t{}\n", manifest_line(p)));
    }
    text.push_str("end\n");
    let mut f = File::create(dir.join(JOURNAL))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Whether `name` is one of the tool's temporary files.
fn is_temporary_name(name: &str) -> bool {
    name.len() > TMP_PREFIX.len() + TMP_SUFFIX.len()
        && name.starts_with(TMP_PREFIX)
        && name.ends_with(TMP_SUFFIX)
        && !name.contains('/')
}

/// Finishes the commit a killed run left in `dir`: a complete journal is replayed (the
/// renames whose temporary file is still there, the removals), an incomplete one (the run
/// was killed while writing it, before any rename) is dropped.
fn finish_journal(dir: &Path) -> std::io::Result<()> {
    let path = dir.join(JOURNAL);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if text.ends_with("end\n") {
        for line in text.lines() {
            let mut parts = line.split('\t');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("rename"), Some(tmp), Some(target)) => {
                    let tmp_ok = Path::new(tmp)
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(is_temporary_name)
                        && relative_inside(tmp);
                    if let (true, Some(target)) = (
                        tmp_ok,
                        report_set_path(target)
                            .or_else(|| (target == MANIFEST).then(|| PathBuf::from(MANIFEST))),
                    ) {
                        let from = dir.join(tmp);
                        if from.is_file() {
                            std::fs::rename(&from, dir.join(target))?;
                        }
                    }
                }
                (Some("remove"), Some(p), None) => {
                    if let Some(p) = report_set_path(p) {
                        remove_listed(&dir.join(p))?;
                    }
                }
                _ => {}
            }
        }
        sync_folder(dir);
    }
    std::fs::remove_file(&path)
}

/// Whether `path` is relative and stays inside the folder.
fn relative_inside(path: &str) -> bool {
    Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

/// Removes the tool's temporary files (`.tierscope-*.tmp`, regular files only) from `folder`.
fn remove_stale_temporaries(folder: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_str().is_some_and(is_temporary_name) && entry.file_type()?.is_file() {
            match std::fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Flushes the folder's entries (the renames) to disk where the system allows it.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The lock on a report folder, held until it is dropped (or the process ends).
pub struct FolderLock {
    _file: File,
}

/// Locks the report folder `dir` (which must exist) for this run. When another run holds it,
/// exits 2 with a clear message, or, with `wait`, calls `waiting` and blocks until the other
/// run is done. On Unix the lock is on the folder itself (no lock file); elsewhere on a
/// `.tierscope.lock` file in it.
pub fn lock_folder(dir: &Path, wait: bool, waiting: impl FnOnce()) -> Result<FolderLock> {
    let opened = if cfg!(unix) {
        File::open(dir)
    } else {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(".tierscope.lock"))
    };
    let file = opened.map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) if wait => {
            waiting();
            file.lock().map_err(|source| Error::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Error::Input {
                path: dir.to_path_buf(),
                what: "another tierscope run is writing a report to this folder (expected the folder free: wait for that run to finish, or pass --wait to wait for it)".into(),
            });
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(Error::Write {
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    Ok(FolderLock { _file: file })
}

impl Sink for Staging {
    fn file(
        &self,
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let target = self.dir.join(path);
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;
        let tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .suffix(TMP_SUFFIX)
            .make_in(&parent, |path| {
                cleanup::create_registered(path, |path| {
                    std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(path)
                })
            })
            .map_err(|source| Error::Write {
                path: parent.clone(),
                source,
            })?;
        let registered = Registered(tmp.path().to_path_buf());
        if self
            .fail_after
            .is_some_and(|n| self.started.fetch_add(1, Ordering::Relaxed) >= n)
        {
            return Err(Error::Write {
                path: target,
                source: std::io::Error::other(format!("fault injected by {FAULT_ENV}")),
            });
        }
        let written = {
            let mut out = Limited {
                inner: std::io::BufWriter::with_capacity(1 << 20, tmp.as_file()),
                room: &self.room,
            };
            write(&mut out).and_then(|_| out.inner.flush())
        };
        written
            .and_then(|_| readable_by_all(tmp.as_file()))
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Staged {
                tmp,
                target,
                _registered: registered,
            });
        let written = self.staged.lock().unwrap_or_else(|e| e.into_inner()).len();
        if std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse().ok()) == Some(written) {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        Ok(())
    }
}

/// A writer that lets through only the bytes the fault switch [`FAULT_BYTES_ENV`] leaves,
/// then fails as a full disk does, with the file cut where the room ran out.
struct Limited<'a, W: Write> {
    inner: W,
    room: &'a Mutex<Option<usize>>,
}

impl<W: Write> Write for Limited<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut room = self.room.lock().unwrap_or_else(|e| e.into_inner());
        match *room {
            None => self.inner.write(buf),
            Some(0) if !buf.is_empty() => Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                format!("no space left on device (fault injected by {FAULT_BYTES_ENV})"),
            )),
            Some(left) => {
                let n = self.inner.write(&buf[..left.min(buf.len())])?;
                *room = Some(left - n);
                Ok(n)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Files kept in memory, for tests and for checks that look at every byte.
#[derive(Default)]
pub struct Memory(Mutex<Vec<OutFile>>);

impl Memory {
    /// The files, in the order of `paths` (files written in parallel arrive in any order).
    pub fn into_files(self, paths: &[PathBuf]) -> Vec<OutFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by_key(|f| paths.iter().position(|p| *p == f.path));
        files
    }
}

impl Sink for Memory {
    fn file(
        &self,
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(OutFile {
                path: path.to_path_buf(),
                bytes,
            });
        Ok(())
    }
}

/// Temporary files are created private (0600); a report is a normal file (0644).
fn readable_by_all(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests;
