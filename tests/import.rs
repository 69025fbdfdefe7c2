//! `tierscope import`: messy sourcing sheets (CSV, a European export, an `.xlsx` workbook
//! written here with rust_xlsxwriter) give the findings of the hand-made dataset they came
//! from; bad inputs are errors with their cell and exit code 2, and nothing is written.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HAND_MADE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/import/hand-made"
);

fn tierscope(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(cwd)
        .args(args)
        .env("TIERSCOPE_MEMORY_AVAILABLE", "100000000000")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `analyze --format json` of a dataset folder.
fn analyze(dir: &Path) -> Value {
    let o = tierscope(
        dir.parent().unwrap(),
        &["analyze", dir.to_str().unwrap(), "--format", "json"],
    );
    assert!(
        o.status.success(),
        "analyze {}: {}",
        dir.display(),
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// What must agree between two datasets' analyses: findings and products.
fn conclusions(report: &Value) -> (Value, Value, Value) {
    (
        report["findings"].clone(),
        report["products"].clone(),
        report["summary"].clone(),
    )
}

/// The comma-delimited sheet of the hand-made dataset, as an analyst keeps it.
const SHEET_CSV: &str = "\
Vendor,Vendor Country,Customer,Destination,Part,Used In,Spend (USD),Share %,Approved
\"Cytiva Whatman\",GBR,\"Orasure Technologies, Inc\",United States,Membrane,Test strip,,100%,yes
\"Orasure Technologies, Inc\",USA,Acme Assembly,Germany,Test strip,Test kit,\"$1,200,000.00\",,yes
Orasure Technologies Inc,US,Acme Assembly,DEU,Test strip,Test kit,\"$600,000.00\",,yes
Various,,Acme Assembly,DE,Test strip,Test kit,\"$200,000.00\",,yes
Nippon Reagents,Japan,Acme Assembly,DE,Reagent,Test kit,,70,yes
Unknown,N/A,Acme Assembly,DE,Reagent,Test kit,,30,yes
Kanto Reagents,JPN,Acme Assembly,DE,Reagent,Test kit,,,no
Shenzhen Plastics,CN,Acme Assembly,DE,Housing,Test kit,,,yes
Dongguan Molding,China,Acme Assembly,Germany,Housing,Test kit,,,yes
";

/// The same sheet as a European spreadsheet exports it: `;`, decimal commas, euros, Excel's
/// byte-order mark and CRLF line ends.
fn sheet_european() -> Vec<u8> {
    let text = SHEET_CSV
        .replace(',', ";")
        .replace("\"$1;200;000.00\"", "1.200.000,00 €")
        .replace("\"$600;000.00\"", "600.000,00 €")
        .replace("\"$200;000.00\"", "€ 200.000,00")
        .replace(";70;", ";70,0;")
        .replace("Spend (USD)", "Spend (EUR)")
        .replace(
            "\"Orasure Technologies; Inc\"",
            "\"Orasure Technologies, Inc\"",
        )
        .replace('\n', "\r\n");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(text.as_bytes());
    bytes
}

/// The same sheet as an `.xlsx` workbook: numbers as numbers (spend with a currency format,
/// shares with a percent format), a first sheet of notes, the data on `Sourcing`.
fn sheet_xlsx(path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("Read me").unwrap();
    notes.write_string(0, 0, "Supplier list, Q3").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Sourcing").unwrap();
    let money = Format::new().set_num_format("\"$\"#,##0.00");
    let percent = Format::new().set_num_format("0%");
    let header = [
        "Vendor",
        "Vendor Country",
        "Customer",
        "Destination",
        "Part",
        "Used In",
        "Spend (USD)",
        "Share",
        "Approved",
    ];
    // The table starts at B3, as sheets often do.
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, 1 + c as u16, *h).unwrap();
    }
    // Vendor, its country, customer, destination, part, spend, share, approved.
    type SheetRow<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Option<f64>,
        Option<f64>,
        &'a str,
    );
    let rows: Vec<SheetRow> = vec![
        (
            "Cytiva Whatman",
            "GB",
            "Orasure Technologies, Inc",
            "US",
            "Membrane",
            None,
            Some(1.0),
            "yes",
        ),
        (
            "Orasure Technologies, Inc",
            "USA",
            "Acme Assembly",
            "DE",
            "Test strip",
            Some(1_200_000.0),
            None,
            "yes",
        ),
        (
            "Orasure Technologies Inc",
            "US",
            "Acme Assembly",
            "DE",
            "Test strip",
            Some(600_000.0),
            None,
            "yes",
        ),
        (
            "Various",
            "",
            "Acme Assembly",
            "DE",
            "Test strip",
            Some(200_000.0),
            None,
            "yes",
        ),
        (
            "Nippon Reagents",
            "JP",
            "Acme Assembly",
            "DE",
            "Reagent",
            None,
            Some(0.7),
            "yes",
        ),
        (
            "Unknown",
            "",
            "Acme Assembly",
            "DE",
            "Reagent",
            None,
            Some(0.3),
            "yes",
        ),
        (
            "Kanto Reagents",
            "JP",
            "Acme Assembly",
            "DE",
            "Reagent",
            None,
            None,
            "no",
        ),
        (
            "Shenzhen Plastics",
            "CN",
            "Acme Assembly",
            "DE",
            "Housing",
            None,
            None,
            "yes",
        ),
        (
            "Dongguan Molding",
            "CN",
            "Acme Assembly",
            "DE",
            "Housing",
            None,
            None,
            "yes",
        ),
    ];
    for (r, (v, vc, c, d, part, spend, share, ok)) in rows.into_iter().enumerate() {
        let r = 3 + r as u32;
        for (col, text) in [
            (1u16, v),
            (2, vc),
            (3, c),
            (4, d),
            (5, part),
            (6, "Test kit"),
            (9, ok),
        ] {
            if col == 6 && part == "Membrane" {
                ws.write_string(r, col, "Test strip").unwrap();
            } else if !text.is_empty() {
                ws.write_string(r, col, text).unwrap();
            }
        }
        if let Some(s) = spend {
            ws.write_number_with_format(r, 7, s, &money).unwrap();
        }
        if let Some(s) = share {
            ws.write_number_with_format(r, 8, s, &percent).unwrap();
        }
    }
    wb.save(path).unwrap();
}

fn import(cwd: &Path, file: &str, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["import", file, "--out", out];
    args.extend_from_slice(extra);
    tierscope(cwd, &args)
}

#[test]
fn a_messy_sheet_gives_the_findings_of_the_hand_made_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let want = conclusions(&analyze(Path::new(HAND_MADE)));
    assert!(
        want.0.as_array().unwrap().len() > 3,
        "the fixture should have findings to compare"
    );
    std::fs::write(tmp.path().join("sourcing.csv"), SHEET_CSV).unwrap();
    std::fs::write(tmp.path().join("european.csv"), sheet_european()).unwrap();
    sheet_xlsx(&tmp.path().join("sourcing.xlsx"));
    for (file, extra) in [
        ("sourcing.csv", vec![]),
        ("european.csv", vec![]),
        ("sourcing.xlsx", vec!["--sheet", "Sourcing"]),
    ] {
        let out = format!("out-{file}");
        let mut args = vec!["--merge-similar", "--untrust", "China"];
        args.extend(extra);
        let o = import(tmp.path(), file, &out, &args);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert!(stdout(&o).contains("wrote"), "{}", stdout(&o));
        let got = conclusions(&analyze(&tmp.path().join(&out)));
        assert_eq!(got.0, want.0, "{file}: findings differ");
        assert_eq!(got.1, want.1, "{file}: products differ");
        assert_eq!(got.2, want.2, "{file}: summary differs");
        let report =
            std::fs::read_to_string(tmp.path().join(&out).join("import-report.md")).unwrap();
        assert!(report.contains("Orasure Technologies Inc"), "{report}");
        assert!(
            report.contains("merged into `Orasure Technologies, Inc`"),
            "{report}"
        );
        assert!(report.contains("| `supplier` | Various |"), "{report}");
        let v = tierscope(tmp.path(), &["validate", &out]);
        assert!(v.status.success(), "{}", stdout(&v));
    }
    let report =
        std::fs::read_to_string(tmp.path().join("out-european.csv/import-report.md")).unwrap();
    assert!(report.contains("delimiter `;`"), "{report}");
    assert!(report.contains("decimal separator `,`"), "{report}");
    assert!(report.contains("byte-order mark"), "{report}");
}

#[test]
fn without_merge_similar_the_spellings_stay_two_vendors_and_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.csv"), SHEET_CSV).unwrap();
    let o = import(tmp.path(), "s.csv", "out", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let entities = std::fs::read_to_string(tmp.path().join("out/entities.csv")).unwrap();
    assert!(entities.contains("orasure-technologies-inc,\"Orasure Technologies, Inc\",US"));
    assert!(entities.contains("orasure-technologies-inc-2,Orasure Technologies Inc,US"));
    let supply = std::fs::read_to_string(tmp.path().join("out/supply.csv")).unwrap();
    // 1.2M and 0.6M of 2.0M.
    assert!(
        supply.contains("orasure-technologies-inc,acme-assembly,test-strip,0.6,"),
        "{supply}"
    );
    assert!(
        supply.contains("orasure-technologies-inc-2,acme-assembly,test-strip,0.3,"),
        "{supply}"
    );
    // The equal split stays empty, the placeholders are no entities.
    assert!(
        supply.contains("shenzhen-plastics,acme-assembly,housing,,true"),
        "{supply}"
    );
    assert!(!entities.to_lowercase().contains("various") && !entities.contains("Unknown"));
    let report = std::fs::read_to_string(tmp.path().join("out/import-report.md")).unwrap();
    assert!(
        report.contains("not merged (merge with --merge-similar"),
        "{report}"
    );
    assert!(
        report.contains("`Orasure Technologies Inc` (same after normalising; 1 rows: 4)"),
        "{report}"
    );
    // Without --untrust, every country is neutral, and says so.
    let countries = std::fs::read_to_string(tmp.path().join("out/countries.csv")).unwrap();
    assert!(countries.contains("CN,neutral,China"), "{countries}");
}

#[test]
fn estimated_shares_are_marked_in_json_and_text() {
    let json = analyze(Path::new(HAND_MADE));
    let findings = json["findings"].as_array().unwrap();
    let marked: Vec<&str> = findings
        .iter()
        .filter(|f| f["estimated_shares"] == Value::Bool(true))
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    // Failing one housing supplier leaves half the housings: that half rests on the split.
    assert!(
        marked
            .iter()
            .any(|id| id.starts_with("capacity_at_risk:entity:shenzhen-plastics")),
        "{marked:?}"
    );
    // Losing both (the untrusted group, or China) stops the kit whatever the split.
    assert!(
        !marked.iter().any(|id| id.starts_with("spof:")),
        "{marked:?}"
    );
    // The test strips' share is measured: failing Orasure is not marked.
    for f in findings {
        let id = f["id"].as_str().unwrap();
        if id.contains(":orasure-technologies-inc:")
            || id.starts_with("concentration:") && id.contains("test-strip")
        {
            assert!(f.get("estimated_shares").is_none(), "{id} is marked");
        }
    }
    assert_eq!(json["products"][0]["estimated_shares"], Value::Bool(true));
    let text = tierscope(Path::new(HAND_MADE), &["analyze", "."]);
    let text = stdout(&text);
    assert!(text.contains("rests in part on estimated shares"), "{text}");
    assert!(
        text.contains("(estimated shares: an equal split, not measured)"),
        "{text}"
    );
}

/// Writes `text` as `name` in a new temp folder; returns the folder.
fn with_file(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), bytes).unwrap();
    tmp
}

/// Imports and expects exit 2, nothing written, and each of `wanted` in stderr.
fn refused(tmp: &Path, file: &str, extra: &[&str], wanted: &[&str]) {
    let o = import(tmp, file, "out", extra);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{file}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for w in wanted {
        assert!(err.contains(w), "{file}: wanted {w:?} in:\n{err}");
    }
    assert!(
        !tmp.join("out").join("supply.csv").exists(),
        "{file}: something was written"
    );
}

#[test]
fn an_unknown_country_is_an_error_at_its_cell_with_a_did_you_mean() {
    let sheet =
        "Supplier,Supplier Country,Buyer,Buyer Country,Item\nA,Germnay,B,US,x\nC,Atlantis,B,US,y\n";
    let tmp = with_file("s.csv", sheet.as_bytes());
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &[
            "s.csv:2:2: error[unknown-country]: unknown country `Germnay`",
            "did you mean Germany (DE)?",
            "s.csv:3:2: error[unknown-country]: unknown country `Atlantis`",
        ],
    );
    // In a workbook the cell is named as the sheet names it.
    let tmp = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    for (r, row) in [
        ["Supplier", "Supplier Country", "Buyer", "Item"],
        ["A", "Korea", "B", "x"],
    ]
    .iter()
    .enumerate()
    {
        for (c, t) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *t).unwrap();
        }
    }
    wb.save(tmp.path().join("sourcing.xlsx")).unwrap();
    refused(
        tmp.path(),
        "sourcing.xlsx",
        &[],
        &["sourcing.xlsx:Sheet1!B2: error[unknown-country]: country `Korea` could be"],
    );
}

#[test]
fn unreadable_cells_bad_numbers_and_missing_columns_are_errors_with_places() {
    let mut bytes = b"Supplier,Buyer,Item,Spend\nA,B,x,10\nA,B,".to_vec();
    bytes.extend([0xFF, 0xFE, b'y']);
    bytes.extend(b",5\nC,B,x,1,234\n");
    let tmp = with_file("s.csv", &bytes);
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &["s.csv:3:3: error[unreadable-cell]: cell not valid UTF-8"],
    );
    let tmp = with_file(
        "s.csv",
        b"Supplier,Buyer,Item,Spend\nA,B,x,\"1,234\"\nC,B,x,5\n",
    );
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &[
            "s.csv:2:4: error[ambiguous-number]: cannot tell whether `1,234`",
            "--decimal",
        ],
    );
    // --decimal settles it.
    let o = import(tmp.path(), "s.csv", "ok", &["--decimal", ","]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tmp = with_file("s.csv", b"Vendor,Part,Spend\nA,x,10\n");
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &[
            "s.csv:1: error[missing-column]: no column names the buyer",
            "--map buyer=HEADER",
        ],
    );
    let tmp = with_file(
        "s.csv",
        b"Supplier,Buyer,Item,Share\nA,B,x,0.7\nC,B,x,0.6\n",
    );
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &["error[share-sum]: the shares of x at B sum to 1.3"],
    );
    let tmp = with_file(
        "s.csv",
        b"Supplier,Buyer,Item,Spend\nA,B,x,$5\nC,B,x,5 EUR\n",
    );
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &["s.csv:3:4: error[mixed-currencies]"],
    );
    let tmp = with_file("s.csv", b"");
    refused(
        tmp.path(),
        "s.csv",
        &[],
        &["s.csv: error[unreadable-file]: the file is empty"],
    );
}

#[test]
fn broken_workbooks_are_errors_not_panics() {
    // An empty sheet, and a sheet that does not exist.
    let tmp = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("Empty").unwrap();
    wb.save(tmp.path().join("empty.xlsx")).unwrap();
    refused(
        tmp.path(),
        "empty.xlsx",
        &[],
        &["empty.xlsx:Empty: error[empty-table]: the sheet is empty"],
    );
    refused(
        tmp.path(),
        "empty.xlsx",
        &["--sheet", "Data"],
        &["error[no-such-sheet]: has no sheet named `Data` (its sheets are: `Empty`)"],
    );
    // A workbook cut short, as a failed download leaves it.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Supplier").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    std::fs::write(tmp.path().join("cut.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    refused(
        tmp.path(),
        "cut.xlsx",
        &[],
        &[
            "cut.xlsx: error[unreadable-file]",
            "is not a workbook that can be read",
        ],
    );
    // A password-protected workbook: an OLE compound file holding an EncryptionInfo stream.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0u8; 504]);
    ole.extend(
        "EncryptionInfo"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    ole.extend(vec![0u8; 512]);
    std::fs::write(tmp.path().join("locked.xlsx"), ole).unwrap();
    refused(
        tmp.path(),
        "locked.xlsx",
        &[],
        &["locked.xlsx: error[unreadable-file]", "password-protected"],
    );
    // A spreadsheet error in a cell that is read.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("S").unwrap();
    for (c, t) in ["Supplier", "Buyer", "Item"].iter().enumerate() {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    ws.write_string(1, 0, "A").unwrap();
    ws.write_formula(
        1,
        1,
        rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!"),
    )
    .unwrap();
    ws.write_string(1, 2, "x").unwrap();
    wb.save(tmp.path().join("err.xlsx")).unwrap();
    refused(
        tmp.path(),
        "err.xlsx",
        &[],
        &["err.xlsx:S!B2: error[unreadable-cell]: cell holds the spreadsheet error `#DIV/0!`"],
    );
}

#[test]
fn an_existing_dataset_is_not_overwritten_without_force() {
    let tmp = with_file("s.csv", SHEET_CSV.as_bytes());
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    std::fs::write(tmp.path().join("out/supply.csv"), "keep me").unwrap();
    let o = import(tmp.path(), "s.csv", "out", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already holds a dataset"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("out/supply.csv")).unwrap(),
        "keep me"
    );
    let o = import(tmp.path(), "s.csv", "out", &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(
        std::fs::read_to_string(tmp.path().join("out/supply.csv")).unwrap(),
        "keep me"
    );
}

#[test]
fn map_names_columns_and_products_picks_end_products() {
    // A shipment table: the destination country is the buyer.
    let sheet = "Ship From,Origin,Country,Molecule/Test Type,Line Item Quantity,Line Item Value\n\
Aurobindo,India,Vietnam,Nevirapine,10,\"1,000.00\"\n\
Cipla,IND,Vietnam,Nevirapine,30,\"3,000.00\"\n\
Cipla,IN,Zambia,Lamivudine,5,500.50\n";
    let tmp = with_file("scms.csv", sheet.as_bytes());
    let o = import(
        tmp.path(),
        "scms.csv",
        "out",
        &[
            "--map",
            "supplier=Ship From",
            "--map",
            "buyer=Country",
            "--map",
            "buyer_country=Country",
            "--map",
            "item=Molecule/Test Type",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let supply = std::fs::read_to_string(tmp.path().join("out/supply.csv")).unwrap();
    assert!(
        supply.contains("aurobindo,vietnam,nevirapine,0.25,"),
        "{supply}"
    );
    assert!(
        supply.contains("cipla,vietnam,nevirapine,0.75,"),
        "{supply}"
    );
    // No used-for column: each buyer's purchases go into an output of its own.
    let products = std::fs::read_to_string(tmp.path().join("out/products.csv")).unwrap();
    assert!(products.contains("vietnam,vietnam-output"), "{products}");
    let report = std::fs::read_to_string(tmp.path().join("out/import-report.md")).unwrap();
    assert!(report.contains("header ends in `value`"), "{report}");
    assert!(
        report.contains("`Line Item Quantity` could be `amount`"),
        "{report}"
    );
    assert!(
        report.contains("the table has no used-for column"),
        "{report}"
    );
    // --products names one end product by names.
    let o = import(
        tmp.path(),
        "scms.csv",
        "two",
        &[
            "--map",
            "supplier=Ship From",
            "--map",
            "buyer=Country",
            "--map",
            "item=Molecule/Test Type",
            "--products",
            "Zambia:Output of Zambia",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let products = std::fs::read_to_string(tmp.path().join("two/products.csv")).unwrap();
    assert_eq!(products.lines().count(), 2, "{products}");
    assert!(products.contains("zambia,zambia-output"), "{products}");
    let o = import(
        tmp.path(),
        "scms.csv",
        "three",
        &["--map", "vendor=Ship From"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown field `vendor`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_analyze_and_report_point_a_flat_table_to_import() {
    let tmp = with_file("sourcing.csv", SHEET_CSV.as_bytes());
    for cmd in ["validate", "analyze", "report"] {
        let o = tierscope(tmp.path(), &[cmd, "sourcing.csv"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains(
                "this looks like a flat sourcing table: run tierscope import sourcing.csv --out DIR"
            ),
            "{cmd}: {}",
            stderr(&o)
        );
    }
    std::fs::create_dir(tmp.path().join("folder")).unwrap();
    std::fs::write(tmp.path().join("folder/suppliers.xlsx"), b"x").unwrap();
    let o = tierscope(tmp.path(), &["validate", "folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("run tierscope import folder/suppliers.xlsx --out DIR"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fail_and_product_accept_names_and_country_names() {
    let dir = Path::new(HAND_MADE);
    let by_id = tierscope(
        dir,
        &[
            "whatif",
            ".",
            "--fail",
            "entity:shenzhen-plastics",
            "--format",
            "json",
        ],
    );
    let by_name = tierscope(
        dir,
        &[
            "whatif",
            ".",
            "--fail",
            "entity:Shenzhen Plastics",
            "--format",
            "json",
        ],
    );
    assert!(
        by_id.status.success() && by_name.status.success(),
        "{}",
        stderr(&by_name)
    );
    assert_eq!(by_id.stdout, by_name.stdout);
    let code = tierscope(
        dir,
        &["whatif", ".", "--fail", "country:CN", "--format", "json"],
    );
    for alias in ["country:CHN", "country:China", "country:cn"] {
        let o = tierscope(dir, &["whatif", ".", "--fail", alias, "--format", "json"]);
        assert!(o.status.success(), "{alias}: {}", stderr(&o));
        assert_eq!(o.stdout, code.stdout, "{alias}");
    }
    let o = tierscope(
        dir,
        &[
            "analyze",
            ".",
            "--product",
            "Acme Assembly:Test kit",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["products"][0]["entity"], "acme-assembly");
    let o = tierscope(dir, &["whatif", ".", "--fail", "entity:Nowhere Inc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown entity `Nowhere Inc`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ambiguous_names_list_the_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    copy_dir(Path::new(HAND_MADE), &dir);
    let entities = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    std::fs::write(
        dir.join("entities.csv"),
        entities.replace("Dongguan Molding", "Shenzhen Plastics"),
    )
    .unwrap();
    let o = tierscope(
        tmp.path(),
        &["whatif", "d", "--fail", "entity:shenzhen plastics"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("names 2 entities"), "{err}");
    assert!(
        err.contains("`dongguan-molding`") && err.contains("`shenzhen-plastics`"),
        "{err}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p: PathBuf = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// A real chain (Willems 2008, chain 1) as a flat table: every stage upstream of a retail
/// stage is a single point of failure of it, since each arc is a required input from a sole
/// source. The oracle is plain reachability over the arcs.
#[test]
fn a_real_multi_echelon_chain_imports_with_its_single_points_of_failure() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/willems-01.csv"
    );
    let text = std::fs::read_to_string(fixture).unwrap();
    let arcs: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].to_lowercase().replace('_', "-"),
                c[1].to_lowercase().replace('_', "-"),
            )
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(fixture, tmp.path().join("w.csv")).unwrap();
    let o = import(tmp.path(), "w.csv", "out", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = analyze(&tmp.path().join("out"));
    let products = report["products"].as_array().unwrap();
    assert_eq!(products.len(), 3, "the three retail stages");
    for p in products {
        let retail = p["entity"].as_str().unwrap().to_string();
        // Ancestors of the retail stage, by reachability over the arcs.
        let mut up: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut stack = vec![retail.clone()];
        while let Some(s) = stack.pop() {
            for (a, b) in &arcs {
                if *b == s && up.insert(a.clone()) {
                    stack.push(a.clone());
                }
            }
        }
        let spofs: std::collections::BTreeSet<String> = p["spof"]["entity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(spofs, up, "{retail}");
    }
}

/// A "Substitute Group" column makes substitutes: the analysis sees either input as enough,
/// so neither mine's country alone stops the widget (the shares of one group are shares of
/// the one requirement, and sum to at most 1). Two
/// groups for one (item made, input) are an error at the second cell.
#[test]
fn a_substitute_group_column_makes_substitutes_and_a_conflict_is_an_error() {
    let sheet = "\
Supplier,Supplier Country,Buyer,Buyer Country,Item,Used For,Substitute Group,Share,End Product
Mine A,CN,Refiner,DE,ore-a,metal,feed,0.5,
Mine B,CL,Refiner,DE,ore-b,metal,feed,0.5,
Refiner,DE,Maker,US,metal,widget,,1,yes
";
    let tmp = with_file("s.csv", sheet.as_bytes());
    let o = import(tmp.path(), "s.csv", "out", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bom = std::fs::read_to_string(tmp.path().join("out/bom.csv")).unwrap();
    assert!(bom.starts_with("item,input,quantity,group\n"), "{bom}");
    assert!(bom.contains("metal,ore-a,,feed\n"), "{bom}");
    assert!(bom.contains("metal,ore-b,,feed\n"), "{bom}");
    // With ore-a and ore-b substitutes, neither mine nor country alone stops the widget.
    let report = analyze(&tmp.path().join("out"));
    let stoppers: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "spof")
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert!(!stoppers.contains(&"CN"), "{stoppers:?}");
    assert!(!stoppers.contains(&"CL"), "{stoppers:?}");
    assert!(stoppers.contains(&"DE"), "{stoppers:?}");

    let conflict = sheet.replace("ore-b,metal,feed", "ore-a,metal,other");
    let tmp = with_file("c.csv", conflict.as_bytes());
    refused(
        tmp.path(),
        "c.csv",
        &[],
        &["c.csv:3:7: error[conflicting-values]: BOM group is `other` here but `feed` on row 2"],
    );
}

/// Amounts of substitutes are parts of one supply: each share is taken over the whole group,
/// so a group given by spend imports (shares 1/4 and 3/4, not 1 and 1) and keeps its meaning.
#[test]
fn amounts_of_substitutes_are_shares_of_their_group() {
    let sheet = "\
Supplier,Supplier Country,Buyer,Buyer Country,Item,Used For,Substitute Group,Spend,End Product
Mine A,CN,Refiner,DE,ore-a,metal,feed,100,
Mine B,CL,Refiner,DE,ore-b,metal,feed,300,
Refiner,DE,Maker,US,metal,widget,,50,yes
";
    let tmp = with_file("s.csv", sheet.as_bytes());
    let o = import(tmp.path(), "s.csv", "out", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let supply = std::fs::read_to_string(tmp.path().join("out/supply.csv")).unwrap();
    let share_of = |supplier: &str| -> f64 {
        let line = supply
            .lines()
            .find(|l| l.starts_with(&format!("{supplier},")))
            .unwrap_or_else(|| panic!("{supplier} in {supply}"));
        line.split(',').nth(3).unwrap().parse().unwrap()
    };
    assert_eq!(share_of("mine-a"), 0.25, "{supply}");
    assert_eq!(share_of("mine-b"), 0.75, "{supply}");
    // A plain input keeps its share over its own item.
    assert_eq!(share_of("refiner"), 1.0, "{supply}");
}
