//! One CSV policy for every file of a dataset.
//!
//! - A header row is required; columns may come in any order; names are matched trimmed and
//!   case-insensitively; unknown columns are a note; a duplicate column is an error.
//! - UTF-8 with or without a byte-order mark; CRLF, LF or CR line ends (read as LF, also
//!   inside quoted cells); quoted fields. A UTF-16 file (with or without its byte-order mark)
//!   is recognised and refused with a clear message; a byte-order mark inside a cell (two
//!   files joined) is an error.
//! - A quote never closed is an error where it opened (the csv crate alone would read the
//!   rest of the file as one cell), and the file counts as unusable.
//! - Line numbers are those of the file as an editor shows them: the line a record starts on.
//! - Cells are trimmed; an empty cell means "absent"; a cell is at most [`MAX_CELL_BYTES`].
//! - Records are streamed one at a time: a file's text is never held whole, and a record past
//!   [`MAX_RECORD_BYTES`] stops the file.
//! - Every bad record is reported with `file:line:column` and reading goes on; so is a file
//!   that cannot be read, is a folder, a pipe or a device, or fails part-way.

mod cells;
mod header;
mod pipe;
mod scanner;
mod source;

pub use cells::{MAX_NUMBER, boolean, non_negative, number, positive, share};
pub(crate) use header::required_names;
use header::{column_positions, read_header};
use pipe::Event;
use scanner::{Scanner, TooLong, read_up_to};
pub use source::{Folder, InMemory, Opened, Source};

use crate::diag::{At, Diagnostics};
use crate::error::Result;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// A column a file may have.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

pub const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

pub const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// One record of a file, with the positions of the spec's columns.
pub struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    record: &'a csv::StringRecord,
    /// For each spec column, the record field it is in (if the header has it).
    positions: &'a [Option<usize>],
    columns: &'a [Column],
}

impl<'a> Row<'a> {
    /// The trimmed cell of spec column `col`, or `None` when it is absent or empty.
    pub fn get(&self, col: usize) -> Option<&'a str> {
        let field = self.positions[col]?;
        let text = self.record.get(field)?.trim();
        (!text.is_empty()).then_some(text)
    }

    /// Where spec column `col` is, for a diagnostic.
    pub fn at(&self, col: usize) -> At<'a> {
        match self.positions[col] {
            Some(field) => At::cell(self.file, self.line, field + 1),
            None => At::line(self.file, self.line),
        }
    }

    pub fn name(&self, col: usize) -> &'static str {
        self.columns[col].name
    }

    /// A required cell: reports an empty one and returns `None`.
    pub fn required(&self, col: usize, diags: &mut Diagnostics) -> Option<&'a str> {
        let value = self.get(col);
        if value.is_none() {
            diags.error(
                "empty-required-cell",
                self.at(col),
                format!(
                    "required cell `{}` is empty (expected a value)",
                    self.name(col)
                ),
            );
        }
        value
    }

    /// An optional cell parsed with `parse`; a parse failure is reported as an error.
    pub fn parse<T>(
        &self,
        col: usize,
        diags: &mut Diagnostics,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> std::result::Result<Option<T>, Reported> {
        match self.get(col) {
            None => Ok(None),
            Some(text) => match parse(text) {
                Ok(value) => Ok(Some(value)),
                Err(why) => {
                    diags.error(
                        "bad-value",
                        self.at(col),
                        format!("`{}` is {why}", self.name(col)),
                    );
                    Err(Reported)
                }
            },
        }
    }
}

/// A cell could not be used; the problem was pushed to the diagnostics already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported;

/// What a file looked like after reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The file does not exist.
    Missing,
    /// The file could not be used (unreadable, a folder, empty, UTF-16, missing required
    /// column, ...); the problem was reported.
    Unusable,
    /// The file was read; `rows` records were handed to the callback.
    Read { rows: u64 },
}

/// The longest cell accepted, in bytes. A longer one is an error on its row: no identifier,
/// name or number is that long, and it usually means a quote went missing.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

/// The longest record read, in bytes. Past it, reading the file stops with an error, so that
/// a file that is not CSV, or a quote that is never closed, cannot make one record as big as
/// the file.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Reads `dir/name` against `columns`, calling `each` for every well-formed record.
///
/// Every problem, an unreadable file included, is pushed to `diags`.
pub fn read(
    dir: &Path,
    name: &str,
    columns: &[Column],
    diags: &mut Diagnostics,
    each: impl FnMut(&Row<'_>, &mut Diagnostics),
) -> Result<Outcome> {
    read_rows(&Folder(dir), dir, name, columns, diags, each, |_| {})
}

/// [`read`] from any [`Source`] (`dir` only names the files in diagnostics), also calling
/// `skipped` for every record that was reported and skipped (wrong number of fields, invalid
/// UTF-8 shown lossily, a cell too long, an unclosed quote), so that the caller can tell that
/// an id on it was meant to be defined.
pub fn read_rows(
    source: &dyn Source,
    dir: &Path,
    name: &str,
    columns: &[Column],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row<'_>, &mut Diagnostics),
    mut skipped: impl FnMut(&Row<'_>),
) -> Result<Outcome> {
    let display = dir.join(name).display().to_string();
    let mut reader = match open(source, name, &display, diags) {
        Ok(reader) => reader,
        Err(outcome) => return Ok(outcome),
    };
    let mut raw = csv::ByteRecord::new();
    let Some((header, header_line)) = read_header(&mut reader, &mut raw, &display, columns, diags)
    else {
        return Ok(Outcome::Unusable);
    };
    let Some(positions) = column_positions(&header, header_line, &display, columns, diags) else {
        return Ok(Outcome::Unusable);
    };
    let width = header.len();
    let mut rows = 0;
    // Reading stopped before the end of the file: the ids on the rows not read are unknown,
    // so references to them are not checked (the file counts as unusable).
    let mut stopped = false;
    pipe::records(reader, |event| {
        let (line, unclosed, record) = match event {
            Event::Record {
                line,
                unclosed,
                record,
            } => (line, unclosed, record),
            Event::Stopped { error, too_long } => {
                report_csv_error(&error, too_long, &display, diags);
                stopped = true;
                return None;
            }
        };
        stopped |= unclosed.is_some();
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                match unclosed {
                    Some((qline, qcol)) => report_unclosed_quote(diags, &display, qline, qcol),
                    None => diags.error(
                        "encoding",
                        At::cell(&display, line, e.utf8_error().field() + 1),
                        "cell is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")",
                    ),
                }
                let lossy = csv::StringRecord::from_byte_record_lossy(e.into_byte_record());
                skipped(&Row {
                    file: &display,
                    line,
                    record: &lossy,
                    positions: &positions,
                    columns,
                });
                return Some(lossy.into_byte_record());
            }
        };
        let row = Row {
            file: &display,
            line,
            record: &record,
            positions: &positions,
            columns,
        };
        if let Some((qline, qcol)) = unclosed {
            report_unclosed_quote(diags, &display, qline, qcol);
            skipped(&row);
        } else {
            match check_record(&record, width, &display, line, diags) {
                Check::Row => {
                    rows += 1;
                    each(&row, diags);
                }
                Check::Skipped => skipped(&row),
                Check::Blank => {}
            }
        }
        Some(record.into_byte_record())
    });
    Ok(if stopped {
        Outcome::Unusable
    } else {
        Outcome::Read { rows }
    })
}

/// What to do with a well-formed UTF-8 record.
enum Check {
    /// A row to read.
    Row,
    /// Reported: the caller is told it was skipped.
    Skipped,
    /// A blank line or a DOS end-of-file byte: nothing to read or report.
    Blank,
}

/// Checks a record's shape: blank, field count, cell length, a stray byte-order mark.
fn check_record(
    record: &csv::StringRecord,
    width: usize,
    display: &str,
    line: u64,
    diags: &mut Diagnostics,
) -> Check {
    if record.len() == 1 && (record[0].trim().is_empty() || &record[0] == "\u{1a}") {
        return Check::Blank;
    }
    if record.len() != width {
        diags.error(
            "field-count",
            At::line(display, line),
            format!(
                "row has {} fields but the header has {width} (expected one cell per column; a comma inside a value needs quotes)",
                record.len()
            ),
        );
    } else if let Some((field, len)) = long_cell(record) {
        diags.error(
            "cell-too-long",
            At::cell(display, line, field + 1),
            format!("cell is {len} bytes long (expected at most {MAX_CELL_BYTES} bytes)"),
        );
    } else if let Some(field) = bom_cell(record) {
        diags.error(
            "encoding",
            At::cell(display, line, field + 1),
            "cell contains a byte-order mark (U+FEFF), which belongs only at the start of a file (expected plain text: were two files joined into one?)",
        );
    } else {
        return Check::Row;
    }
    Check::Skipped
}

/// Opens file `name` of `source` under the policy: a missing file is [`Outcome::Missing`]; a
/// folder, an unreadable file or a UTF-16 file (with or without its byte-order mark) is
/// reported and [`Outcome::Unusable`]; a UTF-8 byte-order mark is skipped.
fn open<'s>(
    source: &'s dyn Source,
    name: &str,
    display: &str,
    diags: &mut Diagnostics,
) -> std::result::Result<csv::Reader<Scanner<impl Read + 's>>, Outcome> {
    let unreadable = |e: std::io::Error, diags: &mut Diagnostics| {
        diags.error(
            "read-failed",
            At::file(display),
            format!("cannot be read: {e} (expected a readable file)"),
        );
        Outcome::Unusable
    };
    let file = match source.open(name) {
        Ok(Opened::File(f)) => f,
        Ok(Opened::Missing) => return Err(Outcome::Missing),
        Ok(Opened::Folder) => {
            diags.error(
                "not-a-file",
                At::file(display),
                "is a folder (expected a CSV file)",
            );
            return Err(Outcome::Unusable);
        }
        Ok(Opened::Special) => {
            diags.error(
                "not-a-file",
                At::file(display),
                "is not a regular file but a pipe, socket or device (expected a CSV file)",
            );
            return Err(Outcome::Unusable);
        }
        Err(e) => return Err(unreadable(e, diags)),
    };
    let mut input = BufReader::with_capacity(1 << 16, file);
    let mut head = [0u8; 4];
    let got = match read_up_to(&mut input, &mut head) {
        Ok(got) => got,
        Err(e) => return Err(unreadable(e, diags)),
    };
    if is_utf16(&head[..got]) {
        diags.error(
            "encoding",
            At::line(display, 1),
            "file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
        );
        return Err(Outcome::Unusable);
    }
    let skip = if head[..got].starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let prefix = head[skip..got].to_vec();
    let stream = Scanner::new(std::io::Cursor::new(prefix).chain(input));
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(stream))
}

/// Reads a CSV file that has no header row (OFAC's SDN file), calling `each` with the line
/// a record starts on and the record, under the same policy as [`read`]: UTF-16 refused,
/// byte-order mark skipped, any line end, blank lines and a DOS end-of-file byte (0x1A)
/// skipped, a record that is not UTF-8 reported and skipped. Cells are given as written
/// (not trimmed); how many fields a record must have is the caller's to check.
pub fn read_headerless(
    path: &Path,
    diags: &mut Diagnostics,
    mut each: impl FnMut(u64, &csv::StringRecord, &mut Diagnostics),
) -> Result<Outcome> {
    let display = path.display().to_string();
    let dir = path.parent().unwrap_or(Path::new(""));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = Folder(dir);
    let mut reader = match open(&folder, &name, &display, diags) {
        Ok(reader) => reader,
        Err(outcome) => return Ok(outcome),
    };
    let mut raw = csv::ByteRecord::new();
    let mut rows = 0;
    loop {
        let line = match next_record(&mut reader, &mut raw) {
            Ok(Some((line, _))) => line,
            Ok(None) => break,
            Err(e) => {
                report_csv_error(&e, reader.get_ref().too_long, &display, diags);
                break;
            }
        };
        let record = match csv::StringRecord::from_byte_record(std::mem::take(&mut raw)) {
            Ok(record) => record,
            Err(e) => {
                diags.error(
                    "encoding",
                    At::cell(&display, line, e.utf8_error().field() + 1),
                    "cell is not valid UTF-8 (expected UTF-8 text)",
                );
                raw = e.into_byte_record();
                continue;
            }
        };
        let blank = record.len() == 1 && record[0].trim().is_empty();
        let eof = record.len() == 1 && &record[0] == "\u{1a}";
        if !blank && !eof {
            rows += 1;
            each(line, &record, diags);
        }
        raw = record.into_byte_record();
    }
    Ok(Outcome::Read { rows })
}

/// Whether the first bytes of a file are UTF-16: a UTF-16 byte-order mark, or ASCII text
/// with a zero byte after (or before) every character.
fn is_utf16(head: &[u8]) -> bool {
    match head {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => true,
        [a, 0, b, 0, ..] | [0, a, 0, b, ..] => a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0,
        _ => false,
    }
}

/// The first cell longer than [`MAX_CELL_BYTES`], as (field, length). Most records are
/// shorter than one cell may be, which settles it without looking at the cells.
fn long_cell(record: &csv::StringRecord) -> Option<(usize, usize)> {
    if record.as_byte_record().as_slice().len() <= MAX_CELL_BYTES {
        return None;
    }
    record
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.len()))
        .find(|&(_, len)| len > MAX_CELL_BYTES)
}

/// The first cell with a byte-order mark in it. A search of the record's bytes for the
/// mark's first byte (0xEF, which few characters start with) settles the usual case.
fn bom_cell(record: &csv::StringRecord) -> Option<usize> {
    memchr::memchr(0xEF, record.as_byte_record().as_slice())?;
    record.iter().position(|c| c.contains('\u{feff}'))
}

/// Reads the next record into `raw`; returns the line it starts on and the number of line
/// breaks inside it (in quoted cells), or `None` at the end.
///
/// The csv crate's record position is where reading began: before the blank lines skipped
/// ahead of the record, and, with CRLF, before the `\n` of the previous line. So the line is
/// counted back from the end instead: thanks to [`Scanner`], every record ends with a `\n`
/// the reader has consumed, and the only other `\n` in it are inside quoted cells.
fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    raw: &mut csv::ByteRecord,
) -> csv::Result<Option<(u64, u64)>> {
    if !reader.read_byte_record(raw)? {
        return Ok(None);
    }
    let inside = memchr::memchr_iter(b'\n', raw.as_slice()).count() as u64;
    Ok(Some((
        reader.position().line().saturating_sub(1 + inside).max(1),
        inside,
    )))
}

/// The quote opened in the record that spans lines `line ..= line + inside` and never
/// closed, as (line, column) of the quote. Such a record runs to the end of the file, so the
/// scanner has seen all of it when the csv reader hands it out.
fn unclosed_quote_in<R: Read>(
    reader: &csv::Reader<Scanner<R>>,
    line: u64,
    inside: u64,
) -> Option<(u64, usize)> {
    reader
        .get_ref()
        .unclosed
        .filter(|&(qline, _)| line <= qline && qline <= line + inside)
}

fn report_unclosed_quote(diags: &mut Diagnostics, display: &str, line: u64, column: usize) {
    diags.error(
        "unclosed-quote",
        At::cell(display, line, column),
        "quote opened here is never closed (expected a closing `\"`; the rest of the file was read as this one cell, and skipped)",
    );
}

/// Reports a csv error (only I/O errors can happen: records are read as bytes, flexibly).
fn report_csv_error(
    e: &csv::Error,
    too_long: Option<TooLong>,
    display: &str,
    diags: &mut Diagnostics,
) {
    if let Some(long) = too_long {
        let message = match long.quote {
            Some(_) => format!(
                "quote opened here is not closed within {} MiB (expected a closing `\"`); reading of this file stopped",
                MAX_RECORD_BYTES >> 20
            ),
            None => format!(
                "row is longer than {} MiB (expected rows of at most {} MiB: is this a CSV file?); reading of this file stopped",
                MAX_RECORD_BYTES >> 20,
                MAX_RECORD_BYTES >> 20
            ),
        };
        let (line, column) = long.quote.unwrap_or((long.line, 0));
        let at = if column == 0 {
            At::line(display, line)
        } else {
            At::cell(display, line, column)
        };
        diags.error("row-too-long", at, message);
        return;
    }
    match e.kind() {
        csv::ErrorKind::Io(io) => diags.error(
            "read-failed",
            At::file(display),
            format!("reading stopped: {io}"),
        ),
        _ => diags.error("csv", At::file(display), e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The scanner's job done one byte at a time, without the fast path for ordinary runs.
    fn one_byte_at_a_time(input: &[u8]) -> (Vec<u8>, u64, Option<(u64, usize)>, u64) {
        let mut s = Scanner::new(std::io::empty());
        let mut out = Vec::new();
        for &b in input {
            if s.after_cr && b == b'\n' {
                s.after_cr = false;
                continue;
            }
            s.after_cr = b == b'\r';
            let b = if b == b'\r' { b'\n' } else { b };
            out.push(b);
            s.track(b);
        }
        if out.last().is_some_and(|&b| b != b'\n') {
            out.push(b'\n');
            s.track(b'\n');
        }
        if !s.quote_pending {
            s.unclosed = s.quote;
        }
        (out, s.line, s.unclosed, s.record_line)
    }

    /// Reads all of `input` through a scanner, `chunk` bytes at most per read.
    fn scanned(input: &[u8], chunk: usize) -> (Vec<u8>, u64, Option<(u64, usize)>, u64) {
        let mut s = Scanner::new(input);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = s.read(&mut buf).expect("short inputs read");
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        (out, s.line, s.unclosed, s.record_line)
    }

    proptest! {
        /// Skipping runs of ordinary bytes changes nothing: the same text comes out and the
        /// scanner ends with the same lines, quote and record, whatever the read sizes.
        #[test]
        fn fast_path_matches_byte_by_byte(
            input in proptest::collection::vec(
                proptest::sample::select(b"ab ,\"\n\r".to_vec()), 0..300),
            chunk in 1usize..64,
        ) {
            prop_assert_eq!(scanned(&input, chunk), one_byte_at_a_time(&input));
        }
    }
}
