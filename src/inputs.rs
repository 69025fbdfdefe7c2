//! The one check every file the tool is given goes through before it is opened: the
//! settings file (`--config`), waivers (`--waivers`), a baseline or the reports `diff`
//! compares, candidate vendors (`--vendors`) and restricted-party lists (`--list`). (A
//! dataset's own CSV files have the same check in [`crate::ingest::table`].)
//!
//! Opening a named pipe blocks until something writes to it, and a device (`/dev/zero`,
//! `/dev/urandom`) never ends: the tool would hang. So a path that is not a regular file is
//! refused by its metadata, before it is opened. A list that is binary (a NUL byte, or bytes
//! that are not UTF-8) is refused as "not a CSV list" with where.

use crate::diag::{At, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What is wrong with `path` as an input file, or `None` when it is a regular file. `what`
/// says what was expected ("a waivers file"). A missing or unreadable path is left to the
/// opening, which says so with the system's words.
pub fn not_a_file(path: &Path, what: &str) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Some(format!("is a folder (expected {what})")),
        Ok(m) if !m.is_file() => Some(format!(
            "is not a regular file but a pipe, socket or device (expected {what})"
        )),
        _ => None,
    }
}

/// Refuses `path` unless it is a regular file ([`not_a_file`]).
pub fn check(path: &Path, what: &str) -> Result<()> {
    match not_a_file(path, what) {
        Some(why) => Err(Error::Input {
            path: path.to_path_buf(),
            what: why,
        }),
        None => Ok(()),
    }
}

/// Opens the regular file `path`, to be read as a stream.
pub fn open(path: &Path, what: &str) -> Result<std::fs::File> {
    check(path, what)?;
    std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the regular file `path` whole, as UTF-8 text.
pub fn read_to_string(path: &Path, what: &str) -> Result<String> {
    check(path, what)?;
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Why the first bytes of a file show it is not text: a NUL byte, or bytes that are not
/// UTF-8 (a UTF-16 file, which starts with its byte-order mark, is left to the format
/// check, which names it).
pub fn binary_reason(head: &[u8]) -> Option<String> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return None;
    }
    if let Some(at) = memchr::memchr(0, head) {
        return Some(format!(
            "it holds a NUL byte at byte {}: a binary file",
            at + 1
        ));
    }
    match std::str::from_utf8(head) {
        // A character cut at the end of the head is fine.
        Err(e) if e.error_len().is_some() => Some(format!(
            "it is not UTF-8 text (byte {} is not valid UTF-8): a binary file, or another encoding",
            e.valid_up_to() + 1
        )),
        _ => None,
    }
}

/// Checks the restricted-party list files and the candidates file of `screen` before any is
/// opened: each must be a regular file, and each list must be text. Every problem is
/// returned at once, as diagnostics naming the file.
pub fn check_screen_inputs(vendors: &Path, lists: &[PathBuf]) -> Result<()> {
    let mut diags = Diagnostics::new();
    let at = |path: &Path| path.display().to_string();
    if let Some(why) = not_a_file(vendors, "a candidates CSV file") {
        diags.error("not-a-file", At::file(&at(vendors)), why);
    }
    for path in lists {
        if let Some(why) = not_a_file(path, "a restricted-party list file") {
            diags.error("not-a-file", At::file(&at(path)), why);
            continue;
        }
        let mut head = Vec::new();
        let read = std::fs::File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut head));
        if read.is_ok()
            && let Some(why) = binary_reason(&head)
        {
            diags.error(
                "list-format",
                At::file(&at(path)),
                format!(
                    "not a CSV list: {why} (expected OFAC's SDN CSV, a Consolidated Screening List CSV or a restricted.csv)"
                ),
            );
        }
    }
    let diagnostics: Vec<Diagnostic> = diags.into_vec();
    if diagnostics.is_empty() {
        return Ok(());
    }
    let mut files: Vec<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    files.dedup();
    let dir = if files.len() == 1 {
        PathBuf::from(files[0])
    } else {
        PathBuf::from("the candidates and list files")
    };
    Err(Error::InvalidDataset { dir, diagnostics })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_heads_are_named_text_is_not() {
        assert_eq!(
            binary_reason(b"name\nACME\0"),
            Some("it holds a NUL byte at byte 10: a binary file".into())
        );
        assert!(
            binary_reason(b"name\n\xC3\x28x")
                .unwrap()
                .contains("byte 6 is not valid")
        );
        assert_eq!(binary_reason("name\nSociété".as_bytes()), None);
        // A character cut at the end of the head, and UTF-16 (named by the format check).
        assert_eq!(binary_reason(&"é".as_bytes()[..1]), None);
        assert_eq!(binary_reason(b"\xFF\xFEn\0a\0"), None);
    }

    #[cfg(unix)]
    #[test]
    fn pipes_devices_and_folders_are_refused_before_opening() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("list.csv");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: creates a named pipe at a valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let why = not_a_file(&fifo, "a list").unwrap();
        assert!(why.contains("pipe, socket or device"), "{why}");
        // Opening it would block forever; refused by its metadata, it returns at once.
        assert!(open(&fifo, "a list").is_err());
        assert!(not_a_file(Path::new("/dev/zero"), "a list").is_some());
        assert!(not_a_file(dir.path(), "a list").unwrap().contains("folder"));
        let file = dir.path().join("ok.toml");
        std::fs::write(&file, "x = 1").unwrap();
        assert_eq!(not_a_file(&file, "a list"), None);
        assert_eq!(read_to_string(&file, "a list").unwrap(), "x = 1");
    }
}
