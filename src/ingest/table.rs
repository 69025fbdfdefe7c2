//! One CSV policy for every file of a dataset.
//!
//! - A header row is required; columns may come in any order; names are matched trimmed and
//!   case-insensitively; unknown columns are a note; a duplicate column is an error.
//! - UTF-8 with or without a byte-order mark; CRLF or LF; quoted fields. A UTF-16 file is
//!   recognised and refused with a clear message.
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
    ) -> std::result::Result<Option<T>, ()> {
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
                    Err(())
                }
            },
        }
    }
}

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
    mut each: impl FnMut(&Row<'_>, &mut Diagnostics),
) -> Result<Outcome> {
    let path = dir.join(name);
    let display = path.display().to_string();
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Outcome::Missing),
        Err(e) => return Err(Error::Read { path, source: e }),
    };
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        diags.error(
            "not-a-file",
            At::file(&display),
            "is a folder (expected a CSV file)",
        );
        return Ok(Outcome::Unusable);
    }
    let mut input = BufReader::with_capacity(1 << 16, file);
    let expected = columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",");

    // Look at the first bytes: refuse UTF-16, skip a UTF-8 byte-order mark.
    let mut head = [0u8; 3];
    let got = read_up_to(&mut input, &mut head).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    if got >= 2 && (head[..2] == [0xFF, 0xFE] || head[..2] == [0xFE, 0xFF]) {
        diags.error(
            "encoding",
            At::line(&display, 1),
            "file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
        );
        return Ok(Outcome::Unusable);
    }
    let skip = if got == 3 && head == [0xEF, 0xBB, 0xBF] {
        3
    } else {
        0
    };
    let prefix = head[skip..got].to_vec();
    let stream = std::io::Cursor::new(prefix).chain(input);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(stream);

    let mut record = csv::StringRecord::new();
    // The header.
    let header = match reader.read_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            diags.error(
                "empty-file",
                At::file(&display),
                format!("file is empty (expected a header row with {expected})"),
            );
            return Ok(Outcome::Unusable);
        }
        Err(e) => {
            report_csv_error(&e, &display, &[], diags);
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
                At::cell(&display, 1, field + 1),
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
                At::cell(&display, 1, field + 1),
                "column without a name is ignored",
            ),
            None => diags.note(
                "unknown-column",
                At::cell(&display, 1, field + 1),
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
            At::line(&display, 1),
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
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue; // a blank line
                }
                if record.len() == 1 && &record[0] == "\u{1a}" {
                    continue; // a DOS end-of-file byte
                }
                if record.len() != width {
                    diags.error(
                        "field-count",
                        At::line(&display, line),
                        format!(
                            "row has {} fields but the header has {width} (expected one cell per column; a comma inside a value needs quotes)",
                            record.len()
                        ),
                    );
                    continue;
                }
                rows += 1;
                let row = Row {
                    file: &display,
                    line,
                    record: &record,
                    positions: &positions,
                    columns,
                };
                each(&row, diags);
            }
            Err(e) => {
                if report_csv_error(&e, &display, &positions, diags) {
                    break;
                }
            }
        }
    }
    Ok(Outcome::Read { rows })
}

/// Reports a csv error; returns true when reading cannot go on.
fn report_csv_error(
    e: &csv::Error,
    display: &str,
    _positions: &[Option<usize>],
    diags: &mut Diagnostics,
) -> bool {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, err } => {
            let line = pos.as_ref().map_or(0, |p| p.line());
            diags.error(
                "encoding",
                At::cell(display, line, err.field() + 1),
                "cell is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")",
            );
            false
        }
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
