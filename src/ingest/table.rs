//! One CSV policy for every file of a dataset.
//!
//! - A header row is required; columns may come in any order; names are matched trimmed and
//!   case-insensitively; unknown columns are a note; a duplicate column is an error.
//! - UTF-8 with or without a byte-order mark; CRLF, LF or CR line ends (read as LF, also
//!   inside quoted cells); quoted fields. A UTF-16 file is recognised and refused with a clear
//!   message.
//! - Line numbers are those of the file as an editor shows them: the line a record starts on.
//! - Cells are trimmed; an empty cell means "absent".
//! - Records are streamed one at a time: a file's text is never held whole.
//! - Every bad record is reported with `file:line:column` and reading goes on.

use crate::diag::{At, Diagnostics};
use crate::error::{Error, Result};
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
    /// The header could not be used (empty file, UTF-16, missing required column, ...).
    Unusable,
    /// The file was read; `rows` records were handed to the callback.
    Read { rows: u64 },
}

/// Reads `dir/name` against `columns`, calling `each` for every well-formed record.
///
/// Problems with the header or a record are pushed to `diags`; only an I/O error that makes
/// the file unreadable is returned as `Err`.
pub fn read(
    dir: &Path,
    name: &str,
    columns: &[Column],
    diags: &mut Diagnostics,
    each: impl FnMut(&Row<'_>, &mut Diagnostics),
) -> Result<Outcome> {
    read_rows(dir, name, columns, diags, each, |_| {})
}

/// [`read`], also calling `skipped` for every record that was reported and skipped (wrong
/// number of fields, invalid UTF-8, shown lossily), so that the caller can tell that an id on
/// it was meant to be defined.
pub fn read_rows(
    dir: &Path,
    name: &str,
    columns: &[Column],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row<'_>, &mut Diagnostics),
    mut skipped: impl FnMut(&Row<'_>),
) -> Result<Outcome> {
    let path = dir.join(name);
    let display = path.display().to_string();
    let expected = columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",");
    let mut reader = match open(&path, &display, diags)? {
        Ok(reader) => reader,
        Err(outcome) => return Ok(outcome),
    };

    let mut raw = csv::ByteRecord::new();
    // The header.
    let (header, header_line) = match next_record(&mut reader, &mut raw) {
        Ok(Some(line)) => match csv::StringRecord::from_byte_record(raw.clone()) {
            Ok(header) => (header, line),
            Err(e) => {
                diags.error(
                    "encoding",
                    At::cell(&display, line, e.utf8_error().field() + 1),
                    "column name is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")",
                );
                return Ok(Outcome::Unusable);
            }
        },
        Ok(None) => {
            diags.error(
                "empty-file",
                At::file(&display),
                format!("file is empty (expected a header row with {expected})"),
            );
            return Ok(Outcome::Unusable);
        }
        Err(e) => {
            report_csv_error(&e, &display, diags);
            return Ok(Outcome::Unusable);
        }
    };
    let mut positions = vec![None; columns.len()];
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (field, raw) in header.iter().enumerate() {
        let key = raw
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            diags.error(
                "duplicate-column",
                At::cell(&display, header_line, field + 1),
                format!(
                    "column `{key}` appears twice (first at column {}; expected each column once)",
                    first + 1
                ),
            );
            continue;
        }
        seen.push((key.clone(), field));
        match columns.iter().position(|c| c.name == key) {
            Some(col) => positions[col] = Some(field),
            None if key.is_empty() => diags.note(
                "unknown-column",
                At::cell(&display, header_line, field + 1),
                "column without a name is ignored",
            ),
            None => diags.note(
                "unknown-column",
                At::cell(&display, header_line, field + 1),
                format!(
                    "column `{key}` is not one tierscope reads; it is ignored (known columns: {})",
                    columns
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .zip(&positions)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| c.name)
        .collect();
    if !missing.is_empty() {
        diags.error(
            "missing-column",
            At::line(&display, header_line),
            format!(
                "missing required column{} {} (expected a header row with {expected})",
                if missing.len() > 1 { "s" } else { "" },
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return Ok(Outcome::Unusable);
    }

    let width = header.len();
    let mut rows = 0;
    loop {
        let line = match next_record(&mut reader, &mut raw) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                if report_csv_error(&e, &display, diags) {
                    break;
                }
                continue;
            }
        };
        let record = match csv::StringRecord::from_byte_record(std::mem::take(&mut raw)) {
            Ok(record) => record,
            Err(e) => {
                diags.error(
                    "encoding",
                    At::cell(&display, line, e.utf8_error().field() + 1),
                    "cell is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")",
                );
                let lossy = csv::StringRecord::from_byte_record_lossy(e.into_byte_record());
                skipped(&Row {
                    file: &display,
                    line,
                    record: &lossy,
                    positions: &positions,
                    columns,
                });
                raw = lossy.into_byte_record();
                continue;
            }
        };
        let row = Row {
            file: &display,
            line,
            record: &record,
            positions: &positions,
            columns,
        };
        if record.len() == 1 && record[0].trim().is_empty() {
            // a blank line
        } else if record.len() == 1 && &record[0] == "\u{1a}" {
            // a DOS end-of-file byte
        } else if record.len() != width {
            diags.error(
                "field-count",
                At::line(&display, line),
                format!(
                    "row has {} fields but the header has {width} (expected one cell per column; a comma inside a value needs quotes)",
                    record.len()
                ),
            );
            skipped(&row);
        } else {
            rows += 1;
            each(&row, diags);
        }
        raw = record.into_byte_record();
    }
    Ok(Outcome::Read { rows })
}

/// The byte stream a CSV reader reads: a file with its byte-order mark skipped and every
/// line end turned into `\n`.
type Stream = Newlines<std::io::Chain<std::io::Cursor<Vec<u8>>, BufReader<File>>>;

/// Opens `path` under the policy: a missing file is [`Outcome::Missing`]; a folder or a
/// UTF-16 file is reported and [`Outcome::Unusable`]; a UTF-8 byte-order mark is skipped.
fn open(
    path: &Path,
    display: &str,
    diags: &mut Diagnostics,
) -> Result<std::result::Result<csv::Reader<Stream>, Outcome>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Err(Outcome::Missing)),
        Err(e) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        diags.error(
            "not-a-file",
            At::file(display),
            "is a folder (expected a CSV file)",
        );
        return Ok(Err(Outcome::Unusable));
    }
    let mut input = BufReader::with_capacity(1 << 16, file);
    // Look at the first bytes: refuse UTF-16, skip a UTF-8 byte-order mark.
    let mut head = [0u8; 3];
    let got = read_up_to(&mut input, &mut head).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if got >= 2 && (head[..2] == [0xFF, 0xFE] || head[..2] == [0xFE, 0xFF]) {
        diags.error(
            "encoding",
            At::line(display, 1),
            "file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
        );
        return Ok(Err(Outcome::Unusable));
    }
    let skip = if got == 3 && head == [0xEF, 0xBB, 0xBF] {
        3
    } else {
        0
    };
    let prefix = head[skip..got].to_vec();
    let stream = Newlines::new(std::io::Cursor::new(prefix).chain(input));
    Ok(Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(stream)))
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
    let mut reader = match open(path, &display, diags)? {
        Ok(reader) => reader,
        Err(outcome) => return Ok(outcome),
    };
    let mut raw = csv::ByteRecord::new();
    let mut rows = 0;
    loop {
        let line = match next_record(&mut reader, &mut raw) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                if report_csv_error(&e, &display, diags) {
                    break;
                }
                continue;
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

/// Reads the next record into `raw`; returns the line it starts on, or `None` at the end.
///
/// The csv crate's record position is where reading began: before the blank lines skipped
/// ahead of the record, and, with CRLF, before the `\n` of the previous line. So the line is
/// counted back from the end instead: thanks to [`Newlines`], every record ends with a `\n`
/// the reader has consumed, and the only other `\n` in it are inside quoted cells.
fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    raw: &mut csv::ByteRecord,
) -> csv::Result<Option<u64>> {
    if !reader.read_byte_record(raw)? {
        return Ok(None);
    }
    let inside = raw.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    Ok(Some(
        reader.position().line().saturating_sub(1 + inside).max(1),
    ))
}

/// Reports a csv error; returns true when reading cannot go on.
fn report_csv_error(e: &csv::Error, display: &str, diags: &mut Diagnostics) -> bool {
    match e.kind() {
        csv::ErrorKind::Io(io) => {
            diags.error(
                "read-failed",
                At::file(display),
                format!("reading stopped: {io}"),
            );
            true
        }
        _ => {
            diags.error("csv", At::file(display), e.to_string());
            true
        }
    }
}

/// Turns every line end (`\r\n`, `\r` or `\n`) into `\n`, and ends the text with one, so
/// that the csv reader counts lines the same way for every file.
struct Newlines<R> {
    inner: R,
    /// The last byte read was a `\r`: a `\n` right after it is dropped.
    after_cr: bool,
    /// The last byte handed out, to add a final `\n` where it is missing.
    last: Option<u8>,
    finished: bool,
}

impl<R: Read> Newlines<R> {
    fn new(inner: R) -> Self {
        Newlines {
            inner,
            after_cr: false,
            last: None,
            finished: false,
        }
    }
}

impl<R: Read> Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() || self.finished {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                self.finished = true;
                if self.last.is_some_and(|b| b != b'\n') {
                    buf[0] = b'\n';
                    return Ok(1);
                }
                return Ok(0);
            }
            let mut kept = 0;
            for i in 0..n {
                let b = buf[i];
                if self.after_cr && b == b'\n' {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                buf[kept] = if b == b'\r' { b'\n' } else { b };
                kept += 1;
            }
            if kept > 0 {
                self.last = Some(buf[kept - 1]);
                return Ok(kept);
            }
        }
    }
}

fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Parses a number as an analyst would write it, refusing what would be misread.
pub fn number(text: &str) -> Result<f64, String> {
    if text.ends_with('%') {
        return Err(format!(
            "`{text}`, a percentage (expected a plain number: write 50% as 0.5)"
        ));
    }
    if text.contains(',') {
        return Err(format!(
            "`{text}`, which has a comma (expected a plain number with a dot as decimal separator and no thousands separator)"
        ));
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("`{text}`, not a finite number (expected a number)")),
        Err(_) => Err(format!("`{text}`, not a number (expected a number)")),
    }
}

/// A share: a number in (0, 1].
pub fn share(text: &str) -> Result<f64, String> {
    let v = number(text)?;
    if v <= 0.0 || v > 1.0 {
        return Err(format!(
            "{text}, outside (0, 1] (expected a fraction above 0 and at most 1, e.g. 0.25)"
        ));
    }
    Ok(v)
}

/// A number that is zero or more (days, money).
pub fn non_negative(text: &str) -> Result<f64, String> {
    let v = number(text)?;
    if v < 0.0 {
        return Err(format!("{text}, negative (expected a number >= 0)"));
    }
    Ok(v)
}

/// A number above zero (a BOM quantity).
pub fn positive(text: &str) -> Result<f64, String> {
    let v = number(text)?;
    if v <= 0.0 {
        return Err(format!("{text}, not above zero (expected a number > 0)"));
    }
    Ok(v)
}

/// A boolean: true/false, yes/no, 1/0, in any case.
pub fn boolean(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!(
            "`{text}`, not a boolean (expected true/false, yes/no or 1/0)"
        )),
    }
}
