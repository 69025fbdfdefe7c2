//! The one place that writes report files: every file goes to a temporary name in its
//! folder first, and only when all of them are written are they renamed into place. A run
//! that fails part-way leaves the previous report as it was, and no temporary file behind.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    let fail_after: Option<usize> = std::env::var(FAULT_ENV).ok().and_then(|v| v.parse().ok());
    let mut room: Option<usize> = std::env::var(FAULT_BYTES_ENV)
        .ok()
        .and_then(|v| v.parse().ok());
    let mut staged = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        let target = dir.join(&file.path);
        let parent = target.parent().unwrap_or(dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".tierscope-")
            .suffix(".tmp")
            .tempfile_in(&parent)
            .map_err(|source| Error::Write {
                path: parent.clone(),
                source,
            })?;
        if fail_after.is_some_and(|n| i >= n) {
            return Err(Error::Write {
                path: target,
                source: std::io::Error::other(format!("fault injected by {FAULT_ENV}")),
            });
        }
        let bytes = match room {
            Some(left) if left < file.bytes.len() => {
                room = Some(0);
                &file.bytes[..left]
            }
            Some(left) => {
                room = Some(left - file.bytes.len());
                &file.bytes[..]
            }
            None => &file.bytes[..],
        };
        tmp.write_all(bytes)
            .and_then(|_| {
                if bytes.len() < file.bytes.len() {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        format!("no space left on device (fault injected by {FAULT_BYTES_ENV})"),
                    ))
                } else {
                    Ok(())
                }
            })
            .and_then(|_| readable_by_all(tmp.as_file()))
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
        staged.push((tmp, target));
    }
    for (tmp, target) in staged {
        tmp.persist(&target).map_err(|e| Error::Write {
            path: target,
            source: e.error,
        })?;
    }
    Ok(())
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
