//! Reading one flat table: a CSV file (delimiter `,`, `;`, tab or `|`, told from the file;
//! UTF-8 with or without Excel's byte-order mark; CRLF or LF) or a sheet of a workbook
//! (`.xlsx`, `.xlsm`, `.xls`, `.ods`, through the `calamine` crate).
//!
//! The kind of file is told from its first bytes, not its name: a zip archive is a workbook
//! (`.xlsx`, `.ods`), an OLE compound file an Excel 97-2003 workbook (`.xls`) or an encrypted
//! (password-protected) `.xlsx`, anything else CSV. CSV rows are streamed; a sheet is read
//! whole, as `calamine` reads it.
//!
//! Every cell reaches the caller as text, positioned as its format names it. A cell that
//! cannot be text (bytes that are not UTF-8, an Excel error value such as `#REF!`, a cell
//! longer than 64 KiB) reaches it as [`Cell::Unreadable`], so that it is an error only where
//! its column is used.

use super::problem::{Origin, Place};
use std::io::{Cursor, Read};
use std::path::Path;

/// One cell's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Its text, untrimmed (empty for an empty cell).
    Text(&'a str),
    /// It cannot be read as text: why.
    Unreadable(&'a str),
}

impl<'a> Cell<'a> {
    /// The trimmed text, `None` when empty.
    /// A spreadsheet's error value written out as text (a formula's cached result, or a CSV
    /// saved from a sheet with errors) is unreadable too.
    pub fn text(self) -> Result<Option<&'a str>, &'a str> {
        match self {
            Cell::Text(t) => {
                let t = t.trim();
                if SPREADSHEET_ERRORS.contains(&t) {
                    return Err(
                        "holds a spreadsheet error value (expected a value: fix the formula, or paste values)",
                    );
                }
                Ok((!t.is_empty()).then_some(t))
            }
            Cell::Unreadable(why) => Err(why),
        }
    }
}

/// The error values a spreadsheet shows in a cell whose formula failed.
pub const SPREADSHEET_ERRORS: [&str; 8] = [
    "#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
];

/// The longest cell read, as in the dataset files.
pub const MAX_CELL_BYTES: usize = crate::ingest::table::MAX_CELL_BYTES;

/// The delimiters a CSV file may use, in the order they win a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// What kind of file it is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    /// A zip archive: `.xlsx`, `.xlsm` or `.ods`.
    Zip,
    /// An OLE compound file: `.xls`, or an encrypted `.xlsx`.
    Ole,
}

pub fn kind_of(first: &[u8]) -> Kind {
    if first.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if first.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else {
        Kind::Csv
    }
}

/// A table whose header has been read.
pub struct Table {
    pub origin: Origin,
    /// The header's cells, trimmed.
    pub header: Vec<String>,
    /// The row (line) of the header.
    pub header_row: u64,
    /// The absolute column of the first cell (a sheet's used range may start past A).
    pub first_column: usize,
    /// How the file was read, for the import report.
    pub notes: Vec<String>,
    /// Other sheets of the workbook, by name (for the extra tables).
    pub sheets: Vec<String>,
    body: Body,
}

enum Body {
    Csv(csv::Reader<Box<dyn Read>>),
    /// Rows after the header: (row number, cells).
    Sheet(Vec<(u64, Vec<SheetCell>)>),
}

#[derive(Debug, Clone)]
enum SheetCell {
    Text(String),
    Unreadable(String),
}

/// Why a table could not be opened: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenError {
    pub code: &'static str,
    pub place: Place,
    pub message: String,
}

impl Table {
    /// The place of a cell in column `col` (of the header) on `row`.
    pub fn cell(&self, row: u64, col: usize) -> Place {
        self.origin.cell(row, self.first_column + col)
    }

    /// Calls `each(row, cells)` for every row after the header; blank rows are skipped.
    /// Rows may have fewer cells than the header (trailing empty cells left out), or more.
    pub fn for_each_row(
        &mut self,
        mut each: impl FnMut(u64, &[Cell<'_>]),
    ) -> Result<(), OpenError> {
        match &mut self.body {
            Body::Sheet(rows) => {
                let mut cells: Vec<Cell<'_>> = Vec::new();
                for (row, raw) in rows.iter() {
                    cells.clear();
                    cells.extend(raw.iter().map(|c| match c {
                        SheetCell::Text(t) => Cell::Text(t),
                        SheetCell::Unreadable(w) => Cell::Unreadable(w),
                    }));
                    if cells
                        .iter()
                        .all(|c| matches!(c, Cell::Text(t) if t.trim().is_empty()))
                    {
                        continue;
                    }
                    each(*row, &cells);
                }
                Ok(())
            }
            Body::Csv(reader) => {
                let mut record = csv::ByteRecord::new();
                // Where each cell's text ends in `text`, or why it cannot be read.
                let mut spans: Vec<Result<(usize, usize), &'static str>> = Vec::new();
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(false) => return Ok(()),
                        Ok(true) => {}
                        Err(e) => {
                            return Err(OpenError {
                                code: "unreadable-file",
                                place: self.origin.file(),
                                message: format!("reading stopped: {e}"),
                            });
                        }
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    spans.clear();
                    let mut blank = true;
                    for k in 0..record.len() {
                        let r = record.range(k).unwrap_or(0..0);
                        let (start, end) = (r.start, r.end);
                        let b = &record.as_slice()[start..end];
                        spans.push(if b.len() > MAX_CELL_BYTES {
                            Err("longer than 64 KiB (expected a shorter cell: is a quote not closed?)")
                        } else if std::str::from_utf8(b).is_err() {
                            Err("not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")")
                        } else {
                            blank &= b.trim_ascii().is_empty();
                            Ok((start, end))
                        });
                    }
                    if blank && spans.iter().all(Result::is_ok) {
                        continue;
                    }
                    let bytes = record.as_slice();
                    let cells: Vec<Cell<'_>> = spans
                        .iter()
                        .map(|s| match s {
                            // Checked above: valid UTF-8.
                            Ok((a, b)) => {
                                Cell::Text(std::str::from_utf8(&bytes[*a..*b]).unwrap_or(""))
                            }
                            Err(w) => Cell::Unreadable(w),
                        })
                        .collect();
                    each(line, &cells);
                }
            }
        }
    }
}

/// Opens `path` and reads its header: a CSV file, or the sheet `sheet` (default: the first)
/// of a workbook.
pub fn open(path: &Path, sheet: Option<&str>) -> Result<Table, OpenError> {
    let file_name = path.display().to_string();
    let whole = Place::new(file_name.clone());
    let fail = |code: &'static str, message: String| OpenError {
        code,
        place: whole.clone(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        fail(
            "unreadable-file",
            format!("cannot read the file: {e} (expected a CSV file or a workbook)"),
        )
    })?;
    if !meta.is_file() {
        return Err(fail(
            "unreadable-file",
            "is not a file (expected a CSV file or a workbook: .csv, .xlsx, .xls, .ods)".into(),
        ));
    }
    let mut file = std::fs::File::open(path)
        .map_err(|e| fail("unreadable-file", format!("cannot read the file: {e}")))?;
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut file)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| fail("unreadable-file", format!("cannot read the file: {e}")))?;
    match kind_of(&head) {
        Kind::Csv => {
            if sheet.is_some() {
                return Err(fail(
                    "no-such-sheet",
                    "--sheet was given, but this is a CSV file, which has no sheets".into(),
                ));
            }
            open_csv(file_name, head, Box::new(file))
        }
        kind => {
            let mut bytes = head;
            file.read_to_end(&mut bytes)
                .map_err(|e| fail("unreadable-file", format!("cannot read the file: {e}")))?;
            open_workbook(file_name, kind, bytes, sheet)
        }
    }
}

/// Reads a CSV table whose first bytes are `head`, the rest coming from `rest`.
pub fn open_csv(file: String, head: Vec<u8>, rest: Box<dyn Read>) -> Result<Table, OpenError> {
    let origin = Origin::Csv { file };
    let fail = |message: String| OpenError {
        code: "unreadable-file",
        place: origin.file(),
        message,
    };
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(fail(
            "is UTF-16 text (expected UTF-8: in Excel, save as \"CSV UTF-8\")".into(),
        ));
    }
    let mut notes = Vec::new();
    let skip = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        notes.push(
            "the file starts with a UTF-8 byte-order mark (Excel's \"CSV UTF-8\"): skipped".into(),
        );
        3
    } else {
        0
    };
    let body = &head[skip..];
    let (delimiter, why) = detect_delimiter(body);
    notes.push(why);
    let reader: Box<dyn Read> = Box::new(Cursor::new(body.to_vec()).chain(rest));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => {
                return Err(fail(
                    "the file is empty (expected a header row naming at least the supplier, buyer and item columns)".into(),
                ));
            }
            Ok(true) => {}
            Err(e) => return Err(fail(format!("reading stopped: {e}"))),
        }
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        break;
    }
    let header_row = record.position().map_or(1, |p| p.line());
    let mut header = Vec::with_capacity(record.len());
    for (col, raw) in record.iter().enumerate() {
        match std::str::from_utf8(raw) {
            Ok(t) => header.push(t.trim().to_string()),
            Err(_) => {
                return Err(OpenError {
                    code: "unreadable-cell",
                    place: origin.cell(header_row, col),
                    message: "column name is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")".into(),
                });
            }
        }
    }
    Ok(Table {
        origin,
        header,
        header_row,
        first_column: 0,
        notes,
        sheets: Vec::new(),
        body: Body::Csv(reader),
    })
}

/// The delimiter of a CSV file, from its first lines: the one of `,;\t|` that splits the
/// header and most of the lines after it into the same number of cells, and why.
pub fn detect_delimiter(head: &[u8]) -> (u8, String) {
    // Count each candidate per line, outside quoted cells, over the first 50 lines.
    let mut counts: Vec<[usize; 4]> = vec![[0; 4]];
    let mut quoted = false;
    for &b in head {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && b == b'\n' {
            if counts.len() == 50 {
                break;
            }
            counts.push([0; 4]);
        } else if !quoted
            && let Some(k) = DELIMITERS.iter().position(|&d| d == b)
            && let Some(last) = counts.last_mut()
        {
            last[k] += 1;
        }
    }
    // Drop a last line that was cut, and blank lines.
    if counts.len() > 1 && !head.ends_with(b"\n") {
        counts.pop();
    }
    counts.retain(|c| c.iter().any(|&n| n > 0));
    let name = |d: u8| match d {
        b'\t' => "tab".to_string(),
        d => format!("`{}`", d as char),
    };
    let Some(first) = counts.first().copied() else {
        return (
            b',',
            "no delimiter found in the first line (a table of one column); read with `,`".into(),
        );
    };
    let mut best: Option<(usize, usize, usize)> = None; // (agreeing lines, cells, k)
    for k in 0..DELIMITERS.len() {
        if first[k] == 0 {
            continue;
        }
        let agree = counts.iter().filter(|c| c[k] == first[k]).count();
        let better = match best {
            None => true,
            Some((a, n, _)) => (agree, first[k]) > (a, n),
        };
        if better {
            best = Some((agree, first[k], k));
        }
    }
    match best {
        Some((agree, n, k)) => (
            DELIMITERS[k],
            format!(
                "delimiter {} (it splits the header into {} columns, and {agree} of the first {} non-blank lines alike)",
                name(DELIMITERS[k]),
                n + 1,
                counts.len()
            ),
        ),
        None => (b',', "read with `,`".into()),
    }
}

/// Opens a workbook held in `bytes` and reads the header of `sheet` (default: the first).
pub fn open_workbook(
    file: String,
    kind: Kind,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<Table, OpenError> {
    use calamine::Reader;
    let whole = Place::new(file.clone());
    let fail = |code: &'static str, message: String| OpenError {
        code,
        place: whole.clone(),
        message,
    };
    if kind == Kind::Ole && is_encrypted(&bytes) {
        return Err(fail(
            "unreadable-file",
            "is a password-protected (encrypted) workbook, which cannot be read (expected a workbook saved without a password: in Excel, File > Info > Protect Workbook > Encrypt with Password, clear it, and save)".into(),
        ));
    }
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        fail(
            "unreadable-file",
            format!(
                "is not a workbook that can be read ({e}) (expected .xlsx, .xlsm, .xls or .ods; is the file damaged, or cut short?)"
            ),
        )
    })?;
    let names = wb.sheet_names();
    let name = choose_sheet(&names, sheet).map_err(|(code, message)| fail(code, message))?;
    let origin = Origin::Sheet {
        file: file.clone(),
        sheet: name.clone(),
    };
    let (mut rows, left) = sheet_rows(&mut wb, &name, &origin)?;
    let (at, header_row, header) = header_of(&rows, &origin, left)?;
    let body: Vec<(u64, Vec<SheetCell>)> = rows.split_off(at + 1);
    Ok(Table {
        origin,
        header,
        header_row,
        first_column: left as usize,
        notes: vec![format!(
            "sheet `{name}` of {} ({}: {})",
            file,
            tierscope_core::numbers::plural(names.len(), "sheet", "sheets"),
            names.join(", ")
        )],
        sheets: names,
        body: Body::Sheet(body),
    })
}

/// The sheet `wanted` (exact name first, then any case), or the first: (code, message) when
/// there is none.
fn choose_sheet(names: &[String], wanted: Option<&str>) -> Result<String, (&'static str, String)> {
    match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| {
                (
                    "no-such-sheet",
                    format!(
                        "has no sheet named `{wanted}` (its sheets are: {})",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            }),
        None => names.first().cloned().ok_or_else(|| {
            (
                "empty-table",
                "has no sheet (expected a sheet with a header row)".into(),
            )
        }),
    }
}

/// A row of a sheet: its row number and its cells.
type SheetRow = (u64, Vec<SheetCell>);

/// Every row of the sheet `name`, by its row number, and the sheet's first column.
fn sheet_rows<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<RS>,
    name: &str,
    origin: &Origin,
) -> Result<(Vec<SheetRow>, u32), OpenError> {
    use calamine::Reader;
    let range = wb.worksheet_range(name).map_err(|e| OpenError {
        code: "unreadable-file",
        place: origin.file(),
        message: format!("this sheet cannot be read ({e})"),
    })?;
    let styles = wb.worksheet_style(name).ok();
    let is_percent = |row: u32, col: u32| -> bool {
        styles
            .as_ref()
            .and_then(|s| s.get((row, col)))
            .and_then(|st| st.number_format.as_ref())
            .is_some_and(|f| f.format_code.contains('%'))
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<SheetRow> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = top + i as u32;
        let cells = row
            .iter()
            .enumerate()
            .map(|(j, d)| sheet_cell(d, is_percent(r, left + j as u32)))
            .collect();
        rows.push((u64::from(r) + 1, cells));
    }
    Ok((rows, left))
}

/// The header: the first row that is not blank, as (its index, its row number, its texts).
fn header_of(
    rows: &[SheetRow],
    origin: &Origin,
    left: u32,
) -> Result<(usize, u64, Vec<String>), OpenError> {
    let blank = |cells: &[SheetCell]| {
        cells
            .iter()
            .all(|c| matches!(c, SheetCell::Text(t) if t.trim().is_empty()))
    };
    let Some(at) = rows.iter().position(|(_, c)| !blank(c)) else {
        return Err(OpenError {
            code: "empty-table",
            place: origin.file(),
            message: "the sheet is empty (expected a header row naming at least the supplier, buyer and item columns)".into(),
        });
    };
    let (header_row, header_cells) = &rows[at];
    let mut header = Vec::with_capacity(header_cells.len());
    for (j, c) in header_cells.iter().enumerate() {
        match c {
            SheetCell::Text(t) => header.push(t.trim().to_string()),
            SheetCell::Unreadable(why) => {
                return Err(OpenError {
                    code: "unreadable-cell",
                    place: origin.cell(*header_row, left as usize + j),
                    message: format!("column name {why}"),
                });
            }
        }
    }
    Ok((at, *header_row, header))
}

/// An encrypted Office file is an OLE compound file with an `EncryptionInfo` stream (its
/// name is stored in UTF-16).
fn is_encrypted(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

fn sheet_cell(d: &calamine::Data, percent: bool) -> SheetCell {
    use calamine::Data;
    SheetCell::Text(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if percent => format!("{}%", plain_number(f * 100.0)),
        Data::Float(f) => plain_number(*f),
        Data::Int(i) if percent => format!("{}%", i * 100),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => {
            return SheetCell::Unreadable(format!(
                "holds the spreadsheet error `{e}` (expected a value: fix the formula, or paste values)"
            ));
        }
    })
}

/// A number as text, without float noise from a spreadsheet's binary value (`60.00000000000001`
/// -> `60`): at most 10 decimals.
pub fn plain_number(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let shortest = format!("{f}");
    let fixed = format!("{f:.10}");
    let fixed = fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string();
    // Only noise is dropped: the rounded text must be the same number to 12 digits.
    let noise = fixed
        .parse::<f64>()
        .is_ok_and(|r| (r - f).abs() <= crate::analysis::HAIR * f.abs().max(1.0));
    if noise && fixed.len() < shortest.len() {
        fixed
    } else {
        shortest
    }
}

/// A row of an extra table: its number, and each cell's text or why it cannot be read.
pub type TextRow = (u64, Vec<Result<String, String>>);

/// Reads a whole extra table (countries, ownership, restricted) of a CSV file: its header and
/// rows as trimmed text. Unreadable cells are reported as problems by the caller.
pub fn read_all(table: &mut Table) -> Result<Vec<TextRow>, OpenError> {
    let mut rows = Vec::new();
    table.for_each_row(|row, cells| {
        rows.push((
            row,
            cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => Ok(t.trim().to_string()),
                    Cell::Unreadable(w) => Err(w.to_string()),
                })
                .collect(),
        ));
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests;
