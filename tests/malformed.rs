//! Malformed input, end to end: the real binary on what ERP exports and spreadsheets really
//! produce. Each case corrupts a copy of `tests/fixtures/mini/` (as `data/` in a temporary
//! folder), runs `tierscope report data --out out`, and checks:
//!
//! - the exit code (2 for every invalid input);
//! - the exact error lines on stderr (`file:line:column: error[code]: message`), all of them,
//!   so that a mistake that also causes cascading errors fails the case;
//! - that nothing was written: `out/` does not exist or is empty.
//!
//! The few inputs that are valid (trimmed ids, quoted line breaks, an entity supplying
//! itself, ids that differ only in case) are checked to load and report normally.
//! `tests/validate_rules.rs` checks each validation rule through the library; this suite
//! checks what a user sees from the binary, on broken files.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use tierscope::diag::{Diagnostic, Severity};
use tierscope::ingest::table::{InMemory, Opened, Source};
use tierscope_core::Error;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

/// A temporary folder with a copy of the mini fixture as `data/`.
struct Case {
    ws: TempDir,
}

impl Case {
    fn new() -> Case {
        let ws = tempfile::tempdir().unwrap();
        let data = ws.path().join("data");
        std::fs::create_dir(&data).unwrap();
        for entry in std::fs::read_dir(MINI).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), data.join(entry.file_name())).unwrap();
        }
        Case { ws }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.ws.path().join("data").join(file)
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap()
    }

    fn put(&self, file: &str, bytes: impl AsRef<[u8]>) -> &Case {
        std::fs::write(self.path(file), bytes).unwrap();
        self
    }

    /// Replaces line `line` (1-based; the header is 1) of `file`.
    fn line(&self, file: &str, line: usize, text: &str) -> &Case {
        let old = self.read(file);
        let mut lines: Vec<&str> = old.lines().collect();
        lines[line - 1] = text;
        self.put(file, lines.join("\n") + "\n")
    }

    /// Appends rows to `file`.
    fn append(&self, file: &str, rows: &str) -> &Case {
        let text = self.read(file) + rows;
        self.put(file, text)
    }

    /// Runs the binary; a run that hangs (more than a minute) fails the test.
    fn run(&self, args: &[&str]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .current_dir(self.ws.path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let drain = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                r.read_to_end(&mut buf).unwrap();
                buf
            })
        };
        let out = drain(Box::new(child.stdout.take().unwrap()));
        let err = drain(Box::new(child.stderr.take().unwrap()));
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                child.kill().unwrap();
                panic!("tierscope {args:?} hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        }
    }

    fn report(&self) -> Output {
        self.run(&["report", "data", "--out", "out"])
    }

    /// What `out/` holds.
    fn written(&self) -> Vec<String> {
        match std::fs::read_dir(self.ws.path().join("out")) {
            Err(_) => Vec::new(),
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
        }
    }

    /// `report` must exit with 2, print exactly `errors` as its error lines and the summary
    /// line, and write nothing.
    fn rejects(&self, errors: &[&str]) {
        let o = self.report();
        let err = String::from_utf8_lossy(&o.stderr);
        let got: Vec<&str> = err.lines().filter(|l| l.contains(": error[")).collect();
        assert_eq!(got, errors, "error lines differ; the whole stderr:\n{err}");
        let last = err.lines().last().unwrap_or_default();
        assert_eq!(
            last,
            format!(
                "error: data has {} {}",
                errors.len(),
                if errors.len() == 1 { "error" } else { "errors" }
            ),
            "{err}"
        );
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert_eq!(self.written(), Vec::<String>::new(), "files were written");
    }

    /// `report` must exit with 2 on an input error that is not about the data's content
    /// (a missing folder, ...): exactly `message` on stderr, nothing written.
    fn fails(&self, args: &[&str], message: &str) {
        let o = self.run(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err, format!("{message}\n"));
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(self.written(), Vec::<String>::new(), "files were written");
    }

    /// `report` must succeed and write the report; returns what `validate` lists (the
    /// warnings and notes, if any).
    fn accepts(&self) -> String {
        let o = self.report();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(self.written().contains(&"report.json".to_string()));
        let v = self.run(&["validate", "data"]);
        assert_eq!(v.status.code(), Some(0));
        String::from_utf8_lossy(&v.stdout).into_owned()
    }

    /// The report, without the input's identity (the SHA-256 of the files, which differs
    /// whenever a byte of them does: these cases compare what was understood of the bytes).
    fn report_json(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.ws.path().join("out/report.json")).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json.as_object_mut().unwrap().remove("input");
        json
    }
}

/// The mini fixture's report.json, with the dataset's name as in a [`Case`].
fn mini_report_json() -> serde_json::Value {
    let case = Case::new();
    case.accepts();
    case.report_json()
}

// ---------------------------------------------------------------------------------------------
// Empty and short files

#[test]
fn empty_file() {
    Case::new().put("supply.csv", "").rejects(&[
        "data/supply.csv: error[empty-file]: file is empty (expected a header row with supplier,buyer,item)",
    ]);
}

#[test]
fn file_of_blank_lines_is_empty() {
    Case::new().put("bom.csv", "\n\r\n  \n").rejects(&[
        "data/bom.csv: error[empty-file]: file is empty (expected a header row with item,input)",
    ]);
}

#[test]
fn header_only_countries_leaves_every_country_unknown() {
    // No countries: each entity's country is an unknown reference (no suggestion: nothing
    // is close). The entities are then unusable, so nothing cascades further.
    let case = Case::new();
    case.put("countries.csv", "code,name,trust\n");
    let want: Vec<String> = [
        (2, "US"),
        (3, "TW"),
        (4, "CN"),
        (5, "JP"),
        (6, "DE"),
        (7, "JP"),
        (8, "CN"),
        (9, "JP"),
        (10, "CN"),
    ]
    .iter()
    .map(|(line, code)| {
        format!(
            "data/entities.csv:{line}:3: error[unknown-reference]: `country` names unknown country code `{code}` (expected an id defined in countries.csv)"
        )
    })
    .collect();
    case.rejects(&want.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn header_only_products_is_valid_but_says_there_is_nothing_to_analyse() {
    let case = Case::new();
    case.put(
        "products.csv",
        "entity,item,annual_revenue,inventory_days\n",
    );
    let err = case.accepts();
    assert!(
        err.contains("data/products.csv: warning[no-products]: no end products"),
        "{err}"
    );
    assert_eq!(case.report_json()["summary"]["products"], 0);
}

// ---------------------------------------------------------------------------------------------
// Headers

#[test]
fn missing_required_columns() {
    Case::new()
        .put("supply.csv", "supplier,item,share\nfab-tw,die,0.6\n")
        .rejects(&["data/supply.csv:1: error[missing-column]: missing required column `buyer` (expected a header row with supplier,buyer,item)"]);
}

#[test]
fn duplicate_headers() {
    Case::new()
        .line("items.csv", 1, "id,name,sector,ID")
        .rejects(&["data/items.csv:1:4: error[duplicate-column]: column `id` appears twice (first at column 1; expected each column once)"]);
}

// ---------------------------------------------------------------------------------------------
// Encodings

#[test]
fn non_utf8_bytes() {
    // Latin-1 "Zoë" in a name: line 3, column 2.
    let case = Case::new();
    let text = case
        .read("entities.csv")
        .replace("Taiwan Fab Ltd", "Zo\u{1} Fab");
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| if b == 1 { 0xEB } else { b })
        .collect();
    case.put("entities.csv", bytes).rejects(&[
        "data/entities.csv:3:2: error[encoding]: cell is not valid UTF-8 (expected UTF-8 text: in Excel, save as \"CSV UTF-8\")",
    ]);
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

#[test]
fn utf16_file_with_byte_order_mark() {
    let case = Case::new();
    let text = case.read("products.csv");
    case.put("products.csv", utf16le(&text, true)).rejects(&[
        "data/products.csv:1: error[encoding]: file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
    ]);
}

#[test]
fn utf16_file_without_byte_order_mark() {
    let case = Case::new();
    let text = case.read("products.csv");
    case.put("products.csv", utf16le(&text, false)).rejects(&[
        "data/products.csv:1: error[encoding]: file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
    ]);
    // Big-endian too.
    let mut be = Vec::new();
    for unit in text.encode_utf16() {
        be.extend_from_slice(&unit.to_be_bytes());
    }
    case.put("products.csv", be).rejects(&[
        "data/products.csv:1: error[encoding]: file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
    ]);
}

#[test]
fn byte_order_mark_in_the_middle_of_a_file() {
    // Two exports joined with `cat`: the second one's byte-order mark lands at the start of
    // line 7, in the middle of the file. Its header row is then a data row, which is where
    // the mark is; the rows after it repeat the first file's ids.
    let case = Case::new();
    let first = case.read("countries.csv");
    let joined = format!("{first}\u{feff}code,name,trust\nFR,France,trusted\n");
    case.put("countries.csv", joined).rejects(&[
        "data/countries.csv:7:1: error[encoding]: cell contains a byte-order mark (U+FEFF), which belongs only at the start of a file (expected plain text: were two files joined into one?)",
    ]);
}

#[test]
fn byte_order_mark_at_the_start_is_fine() {
    let case = Case::new();
    let text = case.read("countries.csv");
    case.put("countries.csv", format!("\u{feff}{text}"));
    case.accepts();
    assert_eq!(case.report_json(), mini_report_json());
}

// ---------------------------------------------------------------------------------------------
// Quotes

#[test]
fn quoted_line_breaks_are_part_of_the_cell_and_lines_stay_right() {
    // A quoted name spanning two lines (3 and 4) of the file: the next row is on line 5,
    // and its bad boolean is reported there.
    let case = Case::new();
    case.line(
        "entities.csv",
        3,
        "fab-tw,\"Taiwan Fab Ltd\nHsinchu Science Park\",TW,site,,120",
    )
    .line("entities.csv", 5, "fab-cn,Mainland Fab Co.,CN,site,maybe,90")
    .rejects(&[
        "data/entities.csv:5:5: error[bad-value]: `restricted` is `maybe`, not a boolean (expected true/false, yes/no or 1/0)",
    ]);
}

#[test]
fn quoted_line_break_in_a_valid_file() {
    let case = Case::new();
    case.line(
        "entities.csv",
        3,
        "fab-tw,\"Taiwan Fab Ltd\r\nHsinchu\",TW,site,,120",
    );
    case.accepts();
    let json = case.report_json();
    let text = json.to_string();
    assert!(text.contains("Taiwan Fab Ltd\\nHsinchu"), "{text}");
}

#[test]
fn unterminated_quote_is_an_error_where_it_opened() {
    // The quote opened in column 2 of line 3 never closes: the csv reader would read the
    // rest of the file as one cell. The file is unusable, so references into it are not
    // checked (no cascade of unknown entities).
    Case::new()
        .line("entities.csv", 3, "fab-tw,\"Taiwan Fab Ltd,TW,site,,120")
        .rejects(&[
            "data/entities.csv:3:2: error[unclosed-quote]: quote opened here is never closed (expected a closing `\"`; the rest of the file was read as this one cell, and skipped)",
        ]);
}

#[test]
fn unterminated_quote_on_the_last_line_without_a_line_end() {
    let case = Case::new();
    let text = case.read("bom.csv");
    case.put("bom.csv", format!("{text}wafer,\"gallium"))
        .rejects(&[
            "data/bom.csv:6:2: error[unclosed-quote]: quote opened here is never closed (expected a closing `\"`; the rest of the file was read as this one cell, and skipped)",
        ]);
}

#[test]
fn unterminated_quote_in_the_header() {
    Case::new().line("bom.csv", 1, "item,\"input,quantity").rejects(&[
        "data/bom.csv:1:2: error[unclosed-quote]: quote opened here is never closed (expected a closing `\"`; the rest of the file was read as this one cell, and skipped)",
    ]);
}

#[test]
fn quotes_inside_cells_are_not_openings() {
    // A quote in the middle of an unquoted cell is a character; `""` inside quotes is a
    // quote. Neither opens anything.
    let case = Case::new();
    case.line("entities.csv", 3, "fab-tw,Taiwan 12\" Fab,TW,site,,120")
        .line(
            "entities.csv",
            4,
            "fab-cn,\"Mainland \"\"Fab\"\" Co.\",CN,site,,90",
        );
    case.accepts();
    let text = case.report_json().to_string();
    assert!(text.contains(r#"Mainland \"Fab\" Co."#), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Sizes and shapes of rows

#[test]
fn a_one_megabyte_field() {
    let case = Case::new();
    let name = "x".repeat(1_000_000);
    case.line("items.csv", 4, &format!("wafer,{name},materials,"))
        .rejects(&[
            "data/items.csv:4:2: error[cell-too-long]: cell is 1000000 bytes long (expected at most 65536 bytes)",
        ]);
}

#[test]
fn rows_with_too_many_and_too_few_fields() {
    Case::new()
        .line("supply.csv", 3, "fab-cn,oem-us,die,0.4,,,extra")
        .line("supply.csv", 6, "wafer-jp,fab-cn")
        .rejects(&[
            "data/supply.csv:3: error[field-count]: row has 7 fields but the header has 6 (expected one cell per column; a comma inside a value needs quotes)",
            "data/supply.csv:6: error[field-count]: row has 2 fields but the header has 6 (expected one cell per column; a comma inside a value needs quotes)",
        ]);
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// Puts `value` in the share cell of supply.csv line 2 (column 4).
fn bad_share(value: &str, message: &str) {
    Case::new()
        .line("supply.csv", 2, &format!("fab-tw,oem-us,die,{value},,"))
        .rejects(&[&format!(
            "data/supply.csv:2:4: error[bad-value]: `share` is {message}"
        )]);
}

/// Puts `value` in annual_revenue of products.csv line 2 (column 3).
fn bad_revenue(value: &str, message: &str) {
    Case::new()
        .line("products.csv", 2, &format!("oem-us,chip,{value},45"))
        .rejects(&[&format!(
            "data/products.csv:2:3: error[bad-value]: `annual_revenue` is {message}"
        )]);
}

#[test]
fn decimal_comma_quoted() {
    bad_share(
        "\"0,6\"",
        "`0,6`, which has a comma (expected a plain number with a dot as decimal separator and no thousands separator)",
    );
}

#[test]
fn decimal_comma_unquoted_splits_the_cell() {
    Case::new()
        .line("supply.csv", 2, "fab-tw,oem-us,die,0,6,,")
        .rejects(&["data/supply.csv:2: error[field-count]: row has 7 fields but the header has 6 (expected one cell per column; a comma inside a value needs quotes)"]);
}

#[test]
fn thousands_separator() {
    bad_revenue(
        "\"1,000,000\"",
        "`1,000,000`, which has a comma (expected a plain number with a dot as decimal separator and no thousands separator)",
    );
}

#[test]
fn percentage() {
    bad_share(
        "50%",
        "`50%`, a percentage (expected a plain number: write 50% as 0.5)",
    );
}

#[test]
fn nan_and_infinity() {
    bad_share("NaN", "`NaN`, not a finite number (expected a number)");
    bad_revenue("inf", "`inf`, not a finite number (expected a number)");
    bad_revenue(
        "-infinity",
        "`-infinity`, not a finite number (expected a number)",
    );
}

#[test]
fn negative_values() {
    bad_share(
        "-0.6",
        "-0.6, outside (0, 1] (expected a fraction above 0 and at most 1, e.g. 0.25)",
    );
    bad_revenue("-5", "-5, negative (expected a number >= 0)");
}

#[test]
fn huge_values() {
    bad_revenue(
        "1e308",
        "`1e308`, too large (expected a number of at most 1e15 in size)",
    );
    // Past the largest double: parsed as infinity.
    bad_revenue("1e400", "`1e400`, not a finite number (expected a number)");
    Case::new()
        .line("entities.csv", 2, "oem-us,OEM Corp,US,firm,,1e16")
        .rejects(&["data/entities.csv:2:6: error[bad-value]: `recovery_days` is `1e16`, too large (expected a number of at most 1e15 in size)"]);
}

#[test]
fn largest_accepted_values_keep_every_number_finite() {
    // Revenue and days at the limit: revenue at risk = 1e15 / 365 * (1e15 - 0) * loss is
    // still a finite number, so report.json has no null where a number belongs.
    let case = Case::new();
    case.line("products.csv", 2, "oem-us,chip,1e15,0").line(
        "entities.csv",
        3,
        "fab-tw,Taiwan Fab Ltd,TW,site,,1e15",
    );
    case.accepts();
    let json = case.report_json();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "time_exposure:entity:fab-tw:oem-us:chip")
        .expect("a time exposure finding");
    assert!(finding["metric"]["value"].as_f64().unwrap() > 1e20);
}

#[test]
fn negative_zero_is_zero() {
    let case = Case::new();
    case.line("products.csv", 2, "oem-us,chip,1000000,-0");
    case.accepts();
    let json = case.report_json();
    let p = json["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["entity"] == "oem-us")
        .unwrap()
        .clone();
    assert_eq!(p["inventory_days"].to_string(), "0.0");
}

// ---------------------------------------------------------------------------------------------
// Ids

#[test]
fn ids_with_trailing_spaces_are_trimmed() {
    let case = Case::new();
    case.line("entities.csv", 3, "fab-tw  ,Taiwan Fab Ltd ,TW\t,site,,120")
        .line("supply.csv", 2, " fab-tw , oem-us ,die ,0.6,,");
    case.accepts();
    assert_eq!(case.report_json(), mini_report_json());
}

#[test]
fn a_reference_that_differs_only_in_case() {
    Case::new()
        .line("supply.csv", 2, "FAB-TW,oem-us,die,0.6,,")
        .rejects(&["data/supply.csv:2:1: error[unknown-reference]: `supplier` names unknown entity `FAB-TW` (expected an id defined in entities.csv; did you mean `fab-tw`? ids are case-sensitive)"]);
}

#[test]
fn two_ids_that_differ_only_in_case_are_two_entities_with_a_warning() {
    let case = Case::new();
    case.append("entities.csv", "FAB-TW,Other Fab,TW,site,,\n");
    let err = case.accepts();
    assert!(
        err.contains("data/entities.csv:11:1: warning[case-only-difference]: id `FAB-TW` differs from `fab-tw` (line 3) only in case: ids are case-sensitive, so these are two different entity records (expected one spelling if they are the same)"),
        "{err}"
    );
}

#[test]
fn duplicate_id_after_trimming() {
    Case::new()
        .append("items.csv", " chip ,Another chip,,\n")
        .rejects(&["data/items.csv:7:1: error[duplicate-id]: duplicate id `chip` (first defined at line 2; expected each id once)"]);
}

// ---------------------------------------------------------------------------------------------
// Self-references and cycles

#[test]
fn item_that_needs_itself() {
    Case::new().append("bom.csv", "resist,resist,\n").rejects(&[
        "data/bom.csv:6: error[bom-cycle]: BOM cycle resist -> resist (lines 6; expected no item to need itself, directly or through its inputs)",
    ]);
}

#[test]
fn entity_that_owns_itself() {
    Case::new().append("ownership.csv", "fab-tw,fab-tw,0.2\n").rejects(&[
        "data/ownership.csv:5: error[self-ownership]: `fab-tw` owns itself (expected an owner different from the entity)",
    ]);
}

#[test]
fn entity_supplying_itself_is_vertical_integration() {
    // fab-tw makes part of its own wafers: a node (fab-tw, wafer) that supplies
    // (fab-tw, die). Valid; the graph stays acyclic because edges follow the BOM.
    let case = Case::new();
    case.line("supply.csv", 5, "fab-tw,fab-tw,wafer,,,");
    let err = case.accepts();
    assert!(
        err.contains("`fab-tw` makes `wafer`, which needs `gallium`"),
        "{err}"
    );
}

#[test]
fn bom_cycle() {
    Case::new().append("bom.csv", "gallium,chip,\n").rejects(&[
        "data/bom.csv:2: error[bom-cycle]: BOM cycle chip -> die -> wafer -> gallium -> chip (lines 2, 3, 5, 6; expected no item to need itself, directly or through its inputs)",
    ]);
}

#[test]
fn ownership_cycle() {
    Case::new()
        .append("ownership.csv", "wafer-jp,parent-jp,0.6\n")
        .rejects(&[
            "data/ownership.csv: error[ownership-cycle]: majority-ownership cycle wafer-jp -> parent-jp -> wafer-jp (each holds more than half of the next; expected a chain with a top owner)",
        ]);
}

// ---------------------------------------------------------------------------------------------
// Folders and files

#[test]
fn missing_folder() {
    let case = Case::new();
    case.fails(
        &["report", "nowhere", "--out", "out"],
        "error: nowhere: no such folder (expected a dataset folder of CSV files)",
    );
}

#[test]
fn a_file_where_a_folder_is_expected() {
    let case = Case::new();
    case.fails(
        &["report", "data/supply.csv", "--out", "out"],
        "error: data/supply.csv: is a file (expected a dataset folder of CSV files)",
    );
}

#[test]
fn a_folder_where_a_file_is_expected() {
    let case = Case::new();
    std::fs::remove_file(case.path("bom.csv")).unwrap();
    std::fs::create_dir(case.path("bom.csv")).unwrap();
    case.rejects(&["data/bom.csv: error[not-a-file]: is a folder (expected a CSV file)"]);
}

/// Regression: opening a named pipe blocks until something writes to it, so a FIFO in place
/// of a CSV file hung the run; a device such as /dev/urandom never ends. Neither is opened.
#[cfg(unix)]
#[test]
fn a_pipe_or_a_device_where_a_file_is_expected() {
    let case = Case::new();
    std::fs::remove_file(case.path("bom.csv")).unwrap();
    let made = Command::new("mkfifo").arg(case.path("bom.csv")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    std::fs::remove_file(case.path("restricted.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", case.path("restricted.csv")).unwrap();
    case.rejects(&[
        "data/bom.csv: error[not-a-file]: is not a regular file but a pipe, socket or device (expected a CSV file)",
        "data/restricted.csv: error[not-a-file]: is not a regular file but a pipe, socket or device (expected a CSV file)",
    ]);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let case = Case::new();
    let path = case.path("items.csv");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&path).is_ok() {
        // Running as root, which reads any file: the error cannot happen here. The code
        // path is checked by `unreadable_file_in_any_source` below.
        eprintln!("skipped: permissions do not apply to this user (root)");
        return;
    }
    // items.csv is unusable: references to items are not checked.
    case.rejects(&["data/items.csv: error[read-failed]: cannot be read: Permission denied (os error 13) (expected a readable file)"]);
}

/// A source that serves the mini fixture, except that `fail` cannot be opened or breaks
/// part-way: what an unreadable file, a network share gone away or a bad disk look like.
struct Failing {
    files: InMemory,
    fail: &'static str,
    after: Option<usize>,
}

struct BreaksAfter<'a> {
    inner: &'a [u8],
    left: usize,
}

impl Read for BreaksAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("Input/output error"));
        }
        let n = buf.len().min(self.left).min(self.inner.len());
        buf[..n].copy_from_slice(&self.inner[..n]);
        self.inner = &self.inner[n..];
        self.left -= n;
        Ok(n)
    }
}

impl Source for Failing {
    fn open(&self, name: &str) -> std::io::Result<Opened<'_>> {
        if name != self.fail {
            return self.files.open(name);
        }
        match self.after {
            None => Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
            Some(n) => Ok(Opened::File(Box::new(BreaksAfter {
                inner: &self.files.0[name],
                left: n,
            }))),
        }
    }
}

fn mini_in_memory() -> InMemory {
    InMemory(
        std::fs::read_dir(MINI)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect(),
    )
}

fn errors_of(source: &dyn Source) -> Vec<Diagnostic> {
    match tierscope::ingest::load_from(Path::new("data"), source) {
        Err(Error::InvalidDataset { diagnostics, .. }) => diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
        Err(e) => panic!("expected diagnostics, got {e}"),
        Ok(_) => panic!("expected an invalid dataset"),
    }
}

#[test]
fn unreadable_file_in_any_source() {
    let errors = errors_of(&Failing {
        files: mini_in_memory(),
        fail: "items.csv",
        after: None,
    });
    let text: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        text,
        [
            "data/items.csv: error[read-failed]: cannot be read: permission denied (expected a readable file)"
        ]
    );
}

#[test]
fn a_file_that_breaks_part_way() {
    // supply.csv fails after 100 bytes (inside line 4): the rows before are read, the error
    // is reported, and the file counts as unusable.
    let errors = errors_of(&Failing {
        files: mini_in_memory(),
        fail: "supply.csv",
        after: Some(100),
    });
    let text: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        text,
        ["data/supply.csv: error[read-failed]: reading stopped: Input/output error"]
    );
}

#[test]
fn every_problem_of_every_file_at_once() {
    // Several broken files in one run: each problem is listed, in file order.
    Case::new()
        .put("countries.csv", utf16le("code,trust\nUS,trusted\n", true))
        .line("items.csv", 3, "die,\"Processed die,semiconductors,")
        .line("supply.csv", 2, "fab-tw,oem-us,die,60%,,")
        .rejects(&[
            "data/countries.csv:1: error[encoding]: file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")",
            "data/items.csv:3:2: error[unclosed-quote]: quote opened here is never closed (expected a closing `\"`; the rest of the file was read as this one cell, and skipped)",
            "data/supply.csv:2:4: error[bad-value]: `share` is `60%`, a percentage (expected a plain number: write 50% as 0.5)",
        ]);
}
