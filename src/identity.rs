//! The identity of a run's input: which dataset it read, and a SHA-256 of its CSV files, so
//! that two reports can be told to be of the same data, of changed data, or of another
//! dataset altogether.
//!
//! The digests are taken of the bytes the loader reads, as it reads them (a [`Source`](tierscope_core::ingest::table::Source) that
//! hashes what passes through), not by reading the files a second time: the digest is of
//! exactly the input that was analysed, and costs no extra pass over a large dataset.
//!
//! The dataset's digest is the SHA-256 of the lines `sha256sum` prints for its files, in the
//! order the loader reads them (the order of the data model: countries, entities, items, bom,
//! supply, products, ownership, restricted; files that are absent are left out), so anyone
//! can check it:
//!
//! ```text
//! cd datasets/legacy-semiconductors
//! sha256sum countries.csv entities.csv items.csv bom.csv supply.csv products.csv \
//!     ownership.csv restricted.csv | sha256sum
//! ```

use crate::error::Result;
use crate::ingest::{self, Loaded, table};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// What a report records of its input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputIdentity {
    /// SHA-256 (hex) of the `sha256sum` lines of the files, in the loader's order.
    pub sha256: String,
    /// Each file read, in that order.
    pub files: Vec<FileDigest>,
}

/// One CSV file of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl InputIdentity {
    /// The identity of these files (in this order).
    pub fn of(files: Vec<FileDigest>) -> InputIdentity {
        let mut manifest = Sha256::new();
        for f in &files {
            manifest.update(format!("{}  {}\n", f.sha256, f.name).as_bytes());
        }
        InputIdentity {
            sha256: format!("{:x}", manifest.finalize()),
            files,
        }
    }

    /// The files whose content differs between `self` and `other`, by name (added and
    /// removed files included), in the loader's order.
    pub fn changed_files(&self, other: &InputIdentity) -> Vec<String> {
        let find = |list: &[FileDigest], name: &str| {
            list.iter()
                .find(|f| f.name == name)
                .map(|f| f.sha256.clone())
        };
        let mut names: Vec<&str> = ingest::FILES.to_vec();
        for f in self.files.iter().chain(&other.files) {
            if !names.contains(&f.name.as_str()) {
                names.push(&f.name);
            }
        }
        names
            .into_iter()
            .filter(|n| find(&self.files, n) != find(&other.files, n))
            .map(str::to_string)
            .collect()
    }
}

/// Loads and validates the dataset in `dir` as [`ingest::load`] does, and returns the
/// identity of the files it read.
pub fn load(dir: &Path) -> Result<(Loaded, InputIdentity)> {
    if !dir.is_dir() {
        // Not a folder (or gone): the core says what is wrong with it.
        let loaded = ingest::load(dir)?;
        return Ok((loaded, InputIdentity::of(Vec::new())));
    }
    ingest::limits::check_fits(dir, ingest::limits::LOAD)?;
    let source = Hashing {
        folder: table::Folder(dir),
        read: Mutex::new(Vec::new()),
    };
    let loaded = ingest::load_from(dir, &source)?;
    let read = source
        .read
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut files = Vec::new();
    for name in ingest::FILES {
        let Some(pass) = read.iter().rev().find(|p| p.name == name) else {
            continue;
        };
        files.push(if pass.to_the_end {
            pass.digest.clone()
        } else {
            // The loader stopped before the end of a file it accepted: take the digest of
            // the whole file, so that the identity never depends on how far it read.
            hash_file(dir, name)?
        });
    }
    Ok((loaded, InputIdentity::of(files)))
}

/// The digest of one file, read from the start.
fn hash_file(dir: &Path, name: &str) -> Result<FileDigest> {
    let path = dir.join(name);
    let file = std::fs::File::open(&path).map_err(|source| crate::error::Error::Read {
        path: path.clone(),
        source,
    })?;
    let mut reader = HashingReader::new(file);
    std::io::copy(&mut reader, &mut std::io::sink())
        .map_err(|source| crate::error::Error::Read { path, source })?;
    Ok(reader.digest(name))
}

/// A dataset folder whose files are hashed as the loader reads them.
struct Hashing<'a> {
    folder: table::Folder<'a>,
    /// Every file read, in the order they were opened.
    read: Mutex<Vec<Pass>>,
}

/// One file as it was read.
struct Pass {
    name: String,
    digest: FileDigest,
    /// Whether the reader reached the end of the file.
    to_the_end: bool,
}

impl table::Source for Hashing<'_> {
    fn open(&self, name: &str) -> std::io::Result<table::Opened<'_>> {
        Ok(match self.folder.open(name)? {
            table::Opened::File(file) => table::Opened::File(Box::new(Recorded {
                reader: HashingReader::new(file),
                name: name.to_string(),
                into: &self.read,
            })),
            other => other,
        })
    }
}

/// A reader that hashes and counts the bytes that pass through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    at_end: bool,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            at_end: false,
        }
    }

    fn digest(self, name: &str) -> FileDigest {
        FileDigest {
            name: name.to_string(),
            bytes: self.bytes,
            sha256: format!("{:x}", self.hasher.finalize()),
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.at_end = true;
        }
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A hashing reader that records its file's digest when the loader drops it.
struct Recorded<'a, R: Read> {
    reader: HashingReader<R>,
    name: String,
    into: &'a Mutex<Vec<Pass>>,
}

impl<R: Read> Read for Recorded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reader.read(buf)
    }
}

impl<R: Read> Drop for Recorded<'_, R> {
    fn drop(&mut self) {
        let hasher = std::mem::take(&mut self.reader.hasher);
        let digest = FileDigest {
            name: std::mem::take(&mut self.name),
            bytes: self.reader.bytes,
            sha256: format!("{:x}", hasher.finalize()),
        };
        // (A reader is dropped on the thread that read it; a poisoned list is still a list.)
        let mut read = self
            .into
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read.push(Pass {
            name: digest.name.clone(),
            digest,
            to_the_end: self.reader.at_end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digest is the one `sha256sum FILES | sha256sum` gives.
    #[test]
    fn digest_of_the_manifest() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let one = InputIdentity::of(vec![FileDigest {
            name: "countries.csv".into(),
            bytes: 0,
            sha256: empty.into(),
        }]);
        // printf 'e3b0...b855  countries.csv\n' | sha256sum
        let line = format!("{empty}  countries.csv\n");
        assert_eq!(one.sha256, format!("{:x}", Sha256::digest(line.as_bytes())));
        assert_eq!(
            InputIdentity::of(Vec::new()).sha256,
            empty,
            "no file: the digest of nothing"
        );
    }

    #[test]
    fn changed_files_by_name() {
        let f = |name: &str, sha: &str| FileDigest {
            name: name.into(),
            bytes: 1,
            sha256: sha.into(),
        };
        let a = InputIdentity::of(vec![f("countries.csv", "1"), f("supply.csv", "2")]);
        let b = InputIdentity::of(vec![
            f("countries.csv", "1"),
            f("supply.csv", "3"),
            f("ownership.csv", "4"),
        ]);
        assert_eq!(a.changed_files(&b), ["supply.csv", "ownership.csv"]);
        assert!(a.changed_files(&a).is_empty());
    }
}
