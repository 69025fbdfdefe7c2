//! The one place that writes report files: every file goes to a temporary name in its
//! folder first, and only when all of them are written are they renamed into place. A run
//! that fails part-way leaves the previous report as it was, and no temporary file behind.
//! Files are streamed to their temporary names as they are rendered ([`Sink`]), so a run
//! never holds every format in memory at once.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::NamedTempFile;

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
    staged: Mutex<Vec<(NamedTempFile, PathBuf)>>,
}

impl Staging {
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
        }
    }

    /// Renames every staged file into place.
    pub fn commit(self) -> Result<()> {
        let staged = self.staged.into_inner().unwrap_or_else(|e| e.into_inner());
        for (tmp, target) in staged {
            tmp.persist(&target).map_err(|e| Error::Write {
                path: target,
                source: e.error,
            })?;
        }
        Ok(())
    }
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
            .prefix(".tierscope-")
            .suffix(".tmp")
            .tempfile_in(&parent)
            .map_err(|source| Error::Write {
                path: parent.clone(),
                source,
            })?;
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
            .push((tmp, target));
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
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A staged file is a temporary file until the commit; staging dropped without a commit
    /// removes its temporary files and leaves the earlier file as it was.
    #[test]
    fn staged_files_replace_the_old_ones_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("charts");
        let staging = Staging::new(dir.path());
        staging
            .file(Path::new("charts/a.svg"), &mut |w| w.write_all(b"one"))
            .unwrap();
        let before = names(&sub);
        assert_eq!(before.len(), 1);
        assert!(before[0].starts_with(".tierscope-"), "{before:?}");
        staging.commit().unwrap();
        assert_eq!(names(&sub), ["a.svg"]);

        let staging = Staging::new(dir.path());
        staging
            .file(Path::new("charts/a.svg"), &mut |w| w.write_all(b"two"))
            .unwrap();
        let failed = staging.file(Path::new("charts/b.svg"), &mut |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("the renderer failed"))
        });
        assert!(matches!(failed, Err(Error::Write { .. })));
        drop(staging);
        assert_eq!(names(&sub), ["a.svg"]);
        assert_eq!(std::fs::read(sub.join("a.svg")).unwrap(), b"one");
    }

    /// The memory sink gives the files back in the order asked for, whatever order they
    /// were written in.
    #[test]
    fn memory_files_come_back_in_the_order_given() {
        let memory = Memory::default();
        for name in ["b", "c", "a"] {
            memory
                .file(Path::new(name), &mut |w| w.write_all(name.as_bytes()))
                .unwrap();
        }
        let order: Vec<PathBuf> = ["a", "b", "c"].iter().map(PathBuf::from).collect();
        let files = memory.into_files(&order);
        let got: Vec<(&Path, &[u8])> = files
            .iter()
            .map(|f| (f.path.as_path(), f.bytes.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                (Path::new("a"), &b"a"[..]),
                (Path::new("b"), &b"b"[..]),
                (Path::new("c"), &b"c"[..])
            ]
        );
    }
}
