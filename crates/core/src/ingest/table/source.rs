//! Where a dataset's files come from: a [`Source`] hands out readers by file name (a
//! folder, memory, or anything a fuzz target or test builds). Split from the CSV reading of
//! `table/mod.rs`, which only ever sees what [`Opened`] says.

use super::*;

/// What [`Source::open`] found.
pub enum Opened<'a> {
    /// No such file.
    Missing,
    /// A folder where a file was expected.
    Folder,
    /// Not a regular file: a named pipe, a socket or a device, which could block or never
    /// end (`/dev/zero`, `/dev/urandom`).
    Special,
    /// The file's bytes, to be streamed (on a thread of their own).
    File(Box<dyn Read + Send + 'a>),
}

/// Where the files of a dataset come from: a folder ([`Folder`]), memory ([`InMemory`]), or
/// anything else that can hand out readers by file name (the fuzz targets and tests use this).
pub trait Source {
    /// Opens the file `name` of the dataset (e.g. `supply.csv`).
    fn open(&self, name: &str) -> std::io::Result<Opened<'_>>;
}

/// The files of a dataset folder.
pub struct Folder<'a>(pub &'a Path);

impl Source for Folder<'_> {
    fn open(&self, name: &str) -> std::io::Result<Opened<'_>> {
        let path = self.0.join(name);
        // Look before opening: opening a named pipe blocks until someone writes to it.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => return Ok(Opened::Folder),
            Ok(m) if !m.is_file() => return Ok(Opened::Special),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Opened::Missing),
            Err(e) => return Err(e),
        }
        Ok(Opened::File(Box::new(File::open(&path)?)))
    }
}

/// A dataset held in memory: file name -> bytes. A file that is not in the map is missing.
#[derive(Debug, Clone, Default)]
pub struct InMemory(pub std::collections::BTreeMap<String, Vec<u8>>);

impl Source for InMemory {
    fn open(&self, name: &str) -> std::io::Result<Opened<'_>> {
        Ok(match self.0.get(name) {
            Some(bytes) => Opened::File(Box::new(bytes.as_slice())),
            None => Opened::Missing,
        })
    }
}
