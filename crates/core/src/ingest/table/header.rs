//! A file's header row: found (the first record that is not blank), then matched against
//! the columns a file may have (trimmed, case-insensitive, any order; unknown columns a
//! note, a duplicate or missing required column an error). Split from the record reading of
//! `table/mod.rs`: this runs once per file, the rest once per record.

use super::*;

/// The header: the first record that is not a blank line (a line of spaces is blank), as
/// UTF-8, with its line. `None` when it is reported (empty file, unclosed quote, bad bytes).
pub(super) fn read_header<R: Read>(
    reader: &mut csv::Reader<Scanner<R>>,
    raw: &mut csv::ByteRecord,
    display: &str,
    columns: &[Column],
    diags: &mut Diagnostics,
) -> Option<(csv::StringRecord, u64)> {
    let mut first = next_record(reader, raw);
    while matches!(first, Ok(Some(_))) && raw.len() == 1 && raw[0].trim_ascii().is_empty() {
        first = next_record(reader, raw);
    }
    match first {
        Ok(Some((line, inside))) => {
            if let Some((qline, qcol)) = unclosed_quote_in(reader, line, inside) {
                report_unclosed_quote(diags, display, qline, qcol);
                return None;
            }
            match csv::StringRecord::from_byte_record(raw.clone()) {
                Ok(header) => Some((header, line)),
                Err(e) => {
                    diags.error(
                        "encoding",
                        At::cell(display, line, e.utf8_error().field() + 1),
                        "column name is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")",
                    );
                    None
                }
            }
        }
        Ok(None) => {
            diags.error(
                "empty-file",
                At::file(display),
                format!(
                    "file is empty (expected a header row with {})",
                    required_names(columns)
                ),
            );
            None
        }
        Err(e) => {
            report_csv_error(&e, reader.get_ref().too_long, display, diags);
            None
        }
    }
}

/// The required columns' names, comma-separated, for messages.
pub(crate) fn required_names(columns: &[Column]) -> String {
    columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",")
}

/// For each of `columns`, its field in the header (names matched ignoring case, spaces and a
/// byte-order mark). Duplicate and unknown columns are reported; `None` when a required
/// column is missing.
pub(super) fn column_positions(
    header: &csv::StringRecord,
    header_line: u64,
    display: &str,
    columns: &[Column],
    diags: &mut Diagnostics,
) -> Option<Vec<Option<usize>>> {
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
                At::cell(display, header_line, field + 1),
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
                At::cell(display, header_line, field + 1),
                "column without a name is ignored",
            ),
            None => diags.note(
                "unknown-column",
                At::cell(display, header_line, field + 1),
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
    if missing.is_empty() {
        return Some(positions);
    }
    diags.error(
        "missing-column",
        At::line(display, header_line),
        format!(
            "missing required column{} {} (expected a header row with {})",
            if missing.len() > 1 { "s" } else { "" },
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            required_names(columns)
        ),
    );
    None
}
