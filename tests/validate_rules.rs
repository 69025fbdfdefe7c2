//! One failing case per validation rule of DATA-MODEL.md.
//!
//! Every case starts from a copy of `tests/fixtures/mini/`, corrupts one file, loads it with
//! `tierscope::ingest::load`, and checks the exact error list: file, line, column, code, and
//! the key part of the message. Because the whole error list is compared, a case also fails
//! when a mistake produces extra (cascading) errors.
//!
//! Line numbers of the fixture (the header is line 1):
//! - countries.csv: 2 US, 3 TW, 4 JP, 5 CN, 6 DE
//! - entities.csv: 2 oem-us, 3 fab-tw, 4 fab-cn, 5 wafer-jp, 6 wafer-de, 7 resist-jp,
//!   8 ga-cn, 9 parent-jp, 10 parent-cn
//! - items.csv: 2 chip, 3 die, 4 wafer, 5 resist, 6 gallium
//! - bom.csv: 2 chip<-die, 3 die<-wafer, 4 die<-resist, 5 wafer<-gallium
//! - supply.csv: 2 fab-tw>oem-us die 0.6, 3 fab-cn>oem-us die 0.4, 4 wafer-jp>fab-tw wafer 0.5,
//!   5 wafer-de>fab-tw wafer (blank), 6 wafer-jp>fab-cn wafer 1, 7 resist-jp>fab-tw resist 1,
//!   8 ga-cn>wafer-jp gallium 1, 9 ga-cn>wafer-de gallium 0.5,
//!   10 wafer-de>oem-us die (unqualified)
//! - ownership.csv: 2 parent-jp owns wafer-jp 1, 3 parent-jp owns resist-jp 0.8,
//!   4 parent-cn owns fab-cn 0.3
//! - products.csv: 2 oem-us chip, 3 fab-cn die

use std::path::Path;
use tempfile::TempDir;
use tierscope::diag::{Diagnostic, Severity};
use tierscope::ingest::{self, Loaded};
use tierscope_core::Error;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

// ---------------------------------------------------------------------------------------------
// Helpers

/// A fresh copy of the mini fixture in a temporary folder.
fn mini() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(MINI).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn read(dir: &TempDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join(file)).unwrap()
}

fn put(dir: &TempDir, file: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.path().join(file), bytes).unwrap();
}

fn remove(dir: &TempDir, file: &str) {
    std::fs::remove_file(dir.path().join(file)).unwrap();
}

/// Replaces line `line` (1-based, the header is 1) of `file`.
fn set_line(dir: &TempDir, file: &str, line: usize, text: &str) {
    let old = read(dir, file);
    let mut lines: Vec<&str> = old.lines().collect();
    assert!(
        line >= 1 && line <= lines.len(),
        "{file} has no line {line}"
    );
    lines[line - 1] = text;
    put(dir, file, lines.join("\n") + "\n");
}

/// Appends rows to `file`; returns the line number of the first one.
fn append(dir: &TempDir, file: &str, rows: &[&str]) -> u64 {
    let mut text = read(dir, file);
    assert!(text.ends_with('\n'));
    let first = text.lines().count() as u64 + 1;
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    put(dir, file, text);
    first
}

/// A copy of mini with one line of one file replaced.
fn mini_with_line(file: &str, line: usize, text: &str) -> TempDir {
    let dir = mini();
    set_line(&dir, file, line, text);
    dir
}

/// Loads a dataset that must be invalid; returns all its diagnostics.
fn invalid(dir: &Path) -> Vec<Diagnostic> {
    match ingest::load(dir) {
        Err(Error::InvalidDataset { diagnostics, .. }) => diagnostics,
        Err(e) => panic!("expected an invalid dataset, got another error: {e}"),
        Ok(loaded) => panic!(
            "expected an invalid dataset, but it loaded:\n{}",
            listing(&loaded.diagnostics)
        ),
    }
}

/// Loads a dataset that must be valid.
fn valid(dir: &Path) -> Loaded {
    match ingest::load(dir) {
        Ok(loaded) => loaded,
        Err(Error::InvalidDataset { diagnostics, .. }) => {
            panic!("expected a valid dataset, got:\n{}", listing(&diagnostics))
        }
        Err(e) => panic!("expected a valid dataset, got: {e}"),
    }
}

fn listing(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("  {d}\n")).collect()
}

/// One expected error: file name, line, column, code, and a fragment of the message.
type Want<'a> = (&'a str, Option<u64>, Option<usize>, &'a str, &'a str);

/// Asserts that the errors among `diags` are exactly `want`, in order.
fn assert_errors(diags: &[Diagnostic], want: &[Want<'_>]) {
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let ok = errors.len() == want.len()
        && errors.iter().zip(want).all(|(d, w)| {
            let (file, line, column, code, fragment) = *w;
            Path::new(&d.file).file_name().and_then(|f| f.to_str()) == Some(file)
                && d.line == line
                && d.column == column
                && d.code == code
                && d.message.contains(fragment)
        });
    assert!(
        ok,
        "expected errors:\n{}got:\n{}",
        want.iter()
            .map(|(f, l, c, code, m)| format!("  {f}:{l:?}:{c:?}: error[{code}]: ...{m}...\n"))
            .collect::<String>(),
        listing(diags)
    );
}

/// The one diagnostic with `code` (of any severity), checked to be unique.
fn only<'a>(diags: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{code}`, got:\n{}",
        listing(diags)
    );
    found[0]
}

fn file_name(d: &Diagnostic) -> &str {
    Path::new(&d.file).file_name().unwrap().to_str().unwrap()
}

fn error_count(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

// ---------------------------------------------------------------------------------------------
// The fixture itself

#[test]
fn mini_fixture_is_valid_with_exactly_its_three_unmapped_inputs() {
    let loaded = valid(Path::new(MINI));
    // fab-cn makes die (a product) but gets no resist; wafer-de makes die (an unqualified
    // alternate) and gets neither wafer nor resist.
    let warnings: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Warning, "{d}");
            assert_eq!(d.code, "unmapped-input", "{d}");
            d.message.as_str()
        })
        .collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings.iter().any(|m| m.starts_with(
        "`fab-cn` makes `die`, which needs `resist`, but no supply row delivers `resist` to `fab-cn`"
    )));
    assert!(warnings.iter().any(|m| m.starts_with(
        "`wafer-de` makes `die`, which needs `wafer`, but no supply row delivers `wafer` to `wafer-de`"
    )));
    assert!(warnings.iter().any(|m| m.starts_with(
        "`wafer-de` makes `die`, which needs `resist`, but no supply row delivers `resist` to `wafer-de`"
    )));
}

// ---------------------------------------------------------------------------------------------
// Files and headers

#[test]
fn missing_required_file() {
    let dir = mini();
    remove(&dir, "supply.csv");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            None,
            None,
            "missing-file",
            "required file is missing (expected supply.csv with columns supplier,buyer,item)",
        )],
    );
}

#[test]
fn missing_products_file_is_an_error_too() {
    let dir = mini();
    remove(&dir, "products.csv");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "products.csv",
            None,
            None,
            "missing-file",
            "expected products.csv with columns entity,item",
        )],
    );
}

#[test]
fn missing_countries_file_does_not_cascade_into_entities() {
    // Every entity names a country; none of those references may be reported again.
    let dir = mini();
    remove(&dir, "countries.csv");
    assert_errors(
        &invalid(dir.path()),
        &[("countries.csv", None, None, "missing-file", "code,trust")],
    );
}

#[test]
fn optional_files_may_be_missing() {
    let dir = mini();
    remove(&dir, "ownership.csv");
    remove(&dir, "restricted.csv");
    let loaded = valid(dir.path());
    assert!(loaded.dataset.ownership.is_empty());
    assert!(loaded.dataset.restricted.is_empty());
    // parent-jp and parent-cn now appear in no supply, product or ownership row.
    let unused: Vec<u64> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "entity-unused")
        .map(|d| d.line.unwrap())
        .collect();
    assert_eq!(unused, vec![9, 10]);
}

#[test]
fn missing_required_column() {
    let dir = mini();
    let text =
        read(&dir, "supply.csv").replacen("supplier,buyer,item,", "supplier,purchaser,item,", 1);
    put(&dir, "supply.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(1),
            None,
            "missing-column",
            "missing required column `buyer` (expected a header row with supplier,buyer,item)",
        )],
    );
}

#[test]
fn two_missing_required_columns_are_named_in_one_error() {
    let dir = mini_with_line(
        "entities.csv",
        1,
        "id,label,nation,kind,restricted,recovery_days",
    );
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(1),
            None,
            "missing-column",
            "missing required columns `name`, `country`",
        )],
    );
}

#[test]
fn duplicate_column() {
    let dir = mini();
    // A fourth column `Name` (any case) repeats `name`.
    let text = read(&dir, "items.csv")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let head = l.rsplit_once(',').unwrap().0; // drop `critical`
            if i == 0 {
                format!("{head},Name\n")
            } else {
                format!("{head},again\n")
            }
        })
        .collect::<String>();
    put(&dir, "items.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "items.csv",
            Some(1),
            Some(4),
            "duplicate-column",
            "column `name` appears twice (first at column 2",
        )],
    );
}

#[test]
fn empty_file() {
    let dir = mini();
    put(&dir, "bom.csv", "");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "bom.csv",
            None,
            None,
            "empty-file",
            "file is empty (expected a header row with item,input)",
        )],
    );
}

#[test]
fn file_with_only_a_byte_order_mark_is_empty() {
    let dir = mini();
    put(&dir, "bom.csv", b"\xEF\xBB\xBF");
    assert_errors(
        &invalid(dir.path()),
        &[("bom.csv", None, None, "empty-file", "file is empty")],
    );
}

#[test]
fn header_only_optional_files_are_valid() {
    let dir = mini();
    put(&dir, "ownership.csv", "owner,entity,share\n");
    put(&dir, "restricted.csv", "name,entity,list\n");
    let loaded = valid(dir.path());
    assert!(loaded.dataset.ownership.is_empty());
    assert!(loaded.dataset.restricted.is_empty());
}

#[test]
fn header_only_products_is_valid_with_a_no_products_warning() {
    let dir = mini();
    put(&dir, "products.csv", "entity,item\n");
    let loaded = valid(dir.path());
    let d = only(&loaded.diagnostics, "no-products");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(file_name(d), "products.csv");
    assert_eq!((d.line, d.column), (None, None));
    assert!(d.message.starts_with("no end products"), "{d}");
}

// ---------------------------------------------------------------------------------------------
// Cells and ids

#[test]
fn empty_required_cell() {
    let dir = mini_with_line("entities.csv", 4, "fab-cn,  ,CN,site,,90");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(4),
            Some(2),
            "empty-required-cell",
            "required cell `name` is empty",
        )],
    );
}

#[test]
fn id_defined_on_a_bad_row_does_not_cascade_into_unknown_references() {
    // fab-cn's row has an error; fab-cn is referenced in supply.csv (lines 3, 6), products.csv
    // (line 3) and ownership.csv (line 4): none of those may become unknown-reference errors.
    let dir = mini_with_line(
        "entities.csv",
        4,
        "fab-cn,Mainland Fab Co.,CN,site,perhaps,90",
    );
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(4),
            Some(5),
            "bad-value",
            "`restricted` is `perhaps`, not a boolean",
        )],
    );
}

#[test]
fn country_with_bad_trust_does_not_cascade_through_its_entity() {
    // DE is dropped, so wafer-de (country DE) is dropped, so the supply rows of wafer-de are
    // not checkable: one error in all.
    let dir = mini_with_line("countries.csv", 6, "DE,Germany,netural");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "countries.csv",
            Some(6),
            Some(3),
            "bad-value",
            "`trust` is `netural` (expected trusted, neutral or untrusted)",
        )],
    );
}

#[test]
fn duplicate_id() {
    let dir = mini();
    let line = append(&dir, "items.csv", &["die,Another die,semiconductors,"]);
    assert_eq!(line, 7);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "items.csv",
            Some(7),
            Some(1),
            "duplicate-id",
            "duplicate id `die` (first defined at line 3",
        )],
    );
}

/// Ids that differ only in case are two ids (a warning against the first spelling); the same
/// spelling again is a duplicate of that spelling's row, whichever spelling came first.
#[test]
fn a_second_spelling_is_a_warning_and_its_repeat_a_duplicate_of_it() {
    let dir = mini();
    let first = append(&dir, "items.csv", &["Die2,Die two,semiconductors,"]);
    append(
        &dir,
        "items.csv",
        &[
            "die2,Die two again,semiconductors,",
            "DIE2,Die two shouting,semiconductors,",
            "die2,Die two repeated,semiconductors,",
            "Die2,Die two repeated,semiconductors,",
        ],
    );
    let diags = invalid(dir.path());
    assert_errors(
        &diags,
        &[
            (
                "items.csv",
                Some(first + 3),
                Some(1),
                "duplicate-id",
                &format!("duplicate id `die2` (first defined at line {}", first + 1),
            ),
            (
                "items.csv",
                Some(first + 4),
                Some(1),
                "duplicate-id",
                &format!("duplicate id `Die2` (first defined at line {first}"),
            ),
        ],
    );
    let warnings: Vec<(Option<u64>, &str)> = diags
        .iter()
        .filter(|d| d.code == "case-only-difference")
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", listing(&diags));
    for (k, (line, message)) in warnings.into_iter().enumerate() {
        assert_eq!(line, Some(first + 1 + k as u64));
        assert!(
            message.contains(&format!("differs from `Die2` (line {first}) only in case")),
            "{message}"
        );
    }
}

#[test]
fn unknown_reference_suggests_the_likely_typo() {
    let dir = mini_with_line("supply.csv", 7, "resist-jp,fab-tw,resits,1,,");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(7),
            Some(3),
            "unknown-reference",
            "`item` names unknown item `resits` (expected an id defined in items.csv; did you mean `resist`?)",
        )],
    );
}

#[test]
fn unknown_reference_that_differs_only_in_case_says_ids_are_case_sensitive() {
    let dir = mini_with_line("supply.csv", 2, "FAB-TW,oem-us,die,0.6,,");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(2),
            Some(1),
            "unknown-reference",
            "`supplier` names unknown entity `FAB-TW` (expected an id defined in entities.csv; did you mean `fab-tw`? ids are case-sensitive)",
        )],
    );
}

#[test]
fn unknown_reference_with_nothing_close_has_no_suggestion() {
    let dir = mini_with_line("entities.csv", 2, "oem-us,OEM Corp,ZZ,firm,,30");
    let diags = invalid(dir.path());
    assert_errors(
        &diags,
        &[(
            "entities.csv",
            Some(2),
            Some(3),
            "unknown-reference",
            "`country` names unknown country code `ZZ` (expected an id defined in countries.csv)",
        )],
    );
    assert!(!diags[0].message.contains("did you mean"), "{}", diags[0]);
}

#[test]
fn ids_are_trimmed() {
    let dir = mini_with_line("supply.csv", 2, "  fab-tw ,\toem-us,die , 0.6 ,,");
    let loaded = valid(dir.path());
    let ds = &loaded.dataset;
    let r = ds.supply.iter().find(|r| r.line == 2).unwrap();
    assert_eq!(ds.entity(r.supplier).id, "fab-tw");
    assert_eq!(ds.entity(r.buyer).id, "oem-us");
    assert_eq!(ds.item(r.item).id, "die");
    assert_eq!(r.share.get(), Some(0.6));
}

// ---------------------------------------------------------------------------------------------
// Numbers and booleans

/// Writes `share` into the share cell (column 4) of supply.csv line 2 and checks the error.
fn bad_share(share: &str, fragment: &str) {
    let dir = mini_with_line("supply.csv", 2, &format!("fab-tw,oem-us,die,{share},,"));
    assert_errors(
        &invalid(dir.path()),
        &[("supply.csv", Some(2), Some(4), "bad-value", fragment)],
    );
}

#[test]
fn negative_share() {
    bad_share("-0.5", "`share` is -0.5, outside (0, 1]");
}

#[test]
fn zero_share() {
    bad_share("0", "`share` is 0, outside (0, 1]");
}

#[test]
fn share_above_one() {
    bad_share("1.5", "`share` is 1.5, outside (0, 1]");
}

#[test]
fn nan_share() {
    bad_share("NaN", "`share` is `NaN`, not a finite number");
}

#[test]
fn infinite_share() {
    bad_share("inf", "`share` is `inf`, not a finite number");
}

#[test]
fn share_with_a_decimal_comma() {
    bad_share("\"0,6\"", "`share` is `0,6`, which has a comma");
}

#[test]
fn share_as_a_percentage() {
    bad_share(
        "50%",
        "`share` is `50%`, a percentage (expected a plain number: write 50% as 0.5)",
    );
}

#[test]
fn share_that_is_not_a_number() {
    bad_share("half", "`share` is `half`, not a number");
}

#[test]
fn negative_days() {
    let dir = mini_with_line("entities.csv", 3, "fab-tw,Taiwan Fab Ltd,TW,site,,-120");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(3),
            Some(6),
            "bad-value",
            "`recovery_days` is -120, negative (expected a number >= 0)",
        )],
    );
}

#[test]
fn zero_bom_quantity() {
    let dir = mini_with_line("bom.csv", 2, "chip,die,0");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "bom.csv",
            Some(2),
            Some(3),
            "bad-value",
            "`quantity` is 0, not above zero",
        )],
    );
}

#[test]
fn ownership_share_is_required_and_checked() {
    let dir = mini();
    set_line(&dir, "ownership.csv", 3, "parent-jp,resist-jp,");
    set_line(&dir, "ownership.csv", 4, "parent-cn,fab-cn,30%");
    assert_errors(
        &invalid(dir.path()),
        &[
            (
                "ownership.csv",
                Some(3),
                Some(3),
                "empty-required-cell",
                "required cell `share` is empty",
            ),
            (
                "ownership.csv",
                Some(4),
                Some(3),
                "bad-value",
                "`share` is `30%`, a percentage",
            ),
        ],
    );
}

#[test]
fn bad_boolean() {
    let dir = mini_with_line("supply.csv", 10, "wafer-de,oem-us,die,,nope,");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(10),
            Some(5),
            "bad-value",
            "`qualified` is `nope`, not a boolean (expected true/false, yes/no or 1/0)",
        )],
    );
}

#[test]
fn booleans_accept_true_false_yes_no_one_zero_in_any_case() {
    let dir = mini();
    // Lines 2..=9 of supply.csv are qualified, line 10 is not.
    let text = read(&dir, "supply.csv");
    let spellings = ["TRUE", "Yes", "1", "true", "YES", "yes", "True", "1"];
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (i, s) in spellings.iter().enumerate() {
        let mut cells: Vec<&str> = lines[i + 1].split(',').collect();
        assert_eq!(cells.len(), 6);
        cells[4] = s;
        lines[i + 1] = cells.join(",");
    }
    lines[9] = "wafer-de,oem-us,die,,No,".into();
    put(&dir, "supply.csv", lines.join("\n") + "\n");
    set_line(
        &dir,
        "items.csv",
        2,
        "chip,Microcontroller,semiconductors,0",
    );
    set_line(&dir, "items.csv", 6, "gallium,Gallium,minerals,FALSE");
    set_line(&dir, "items.csv", 3, "die,Processed die,semiconductors,yEs");
    let loaded = valid(dir.path());
    let ds = &loaded.dataset;
    // The loaded dataset is in canonical order (by ids): read it back in file order.
    let mut supply: Vec<_> = ds.supply.iter().collect();
    supply.sort_by_key(|r| r.line);
    let qualified: Vec<bool> = supply.iter().map(|r| r.qualified).collect();
    assert_eq!(
        qualified,
        vec![true, true, true, true, true, true, true, true, false]
    );
    let mut items: Vec<_> = ds.items.iter().collect();
    items.sort_by_key(|i| i.line);
    let critical: Vec<bool> = items.iter().map(|i| i.critical).collect();
    assert_eq!(critical, vec![false, true, false, false, false]);
}

// ---------------------------------------------------------------------------------------------
// Shares of one (buyer, item)

#[test]
fn share_sum_above_one() {
    // 0.6 + 0.5 = 1.1 for `die` of `oem-us`; the unqualified line 10 takes no part.
    let dir = mini_with_line("supply.csv", 3, "fab-cn,oem-us,die,0.5,,");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(3),
            None,
            "share-sum",
            "qualified shares of `die` of `oem-us` (lines 2, 3) sum to 1.100000 (expected at most 1)",
        )],
    );
}

#[test]
fn unqualified_rows_do_not_count_in_the_share_sum() {
    // Line 10 (unqualified) gets share 1: 0.6 + 0.4 + 1 would be 2, but only 1 counts.
    let dir = mini_with_line("supply.csv", 10, "wafer-de,oem-us,die,1,false,");
    valid(dir.path());
}

#[test]
fn shares_summing_to_one_up_to_rounding_are_accepted() {
    // 0.1 + 0.2 + 0.7 is 1.0000000000000002 in floating point.
    let dir = mini();
    set_line(&dir, "supply.csv", 2, "fab-tw,oem-us,die,0.1,,");
    set_line(&dir, "supply.csv", 3, "fab-cn,oem-us,die,0.2,,");
    set_line(&dir, "supply.csv", 10, "wafer-de,oem-us,die,0.7,,");
    let loaded = valid(dir.path());
    assert!(loaded.dataset.supply.iter().all(|r| r.qualified));
}

#[test]
fn blank_share_rows_when_given_shares_already_sum_to_one() {
    // wafer of fab-tw: line 4 now gives 1, line 5 has no share and nothing left to split.
    let dir = mini_with_line("supply.csv", 4, "wafer-jp,fab-tw,wafer,1,,");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(5),
            None,
            "share-sum",
            "rows without a share of `wafer` of `fab-tw` (lines 4, 5) have nothing left to split: the given shares already sum to 1.000000",
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// Enumerations

#[test]
fn unknown_trust_value() {
    let dir = mini_with_line("countries.csv", 2, "US,United States,friendly");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "countries.csv",
            Some(2),
            Some(3),
            "bad-value",
            "`trust` is `friendly` (expected trusted, neutral or untrusted)",
        )],
    );
}

#[test]
fn trust_is_case_insensitive() {
    let dir = mini();
    set_line(&dir, "countries.csv", 2, "US,United States,Trusted");
    set_line(&dir, "countries.csv", 5, "CN,China,UNTRUSTED");
    let loaded = valid(dir.path());
    use tierscope::model::Trust;
    // In file order: US, TW, JP, CN, DE.
    let trust: Vec<Trust> = ["US", "TW", "JP", "CN", "DE"]
        .iter()
        .map(|c| loaded.dataset.country(loaded.dataset.country_ix[*c]).trust)
        .collect();
    assert_eq!(
        trust,
        vec![
            Trust::Trusted,
            Trust::Trusted,
            Trust::Trusted,
            Trust::Untrusted,
            Trust::Neutral
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// BOM

#[test]
fn bom_cycle_is_printed_as_a_path_back_to_its_start() {
    // die needs wafer (line 3), wafer needs gallium (line 5), gallium needs die (line 6).
    let dir = mini();
    append(&dir, "bom.csv", &["gallium,die,1"]);
    let diags = invalid(dir.path());
    assert_errors(
        &diags,
        &[("bom.csv", Some(3), None, "bom-cycle", "BOM cycle ")],
    );
    let message = &only(&diags, "bom-cycle").message;
    assert!(
        message.starts_with("BOM cycle die -> wafer -> gallium -> die (lines 3, 5, 6;"),
        "{message}"
    );
}

#[test]
fn bom_self_reference() {
    let dir = mini();
    append(&dir, "bom.csv", &["resist,resist,"]);
    let diags = invalid(dir.path());
    assert_errors(
        &diags,
        &[(
            "bom.csv",
            Some(6),
            None,
            "bom-cycle",
            "BOM cycle resist -> resist (",
        )],
    );
}

#[test]
fn two_separate_bom_cycles_are_two_errors() {
    let dir = mini();
    append(&dir, "bom.csv", &["resist,resist,", "wafer,die,"]);
    let diags = invalid(dir.path());
    // die <-> wafer: its rows are lines 3 and 7; resist's self-loop is line 6.
    assert_errors(
        &diags,
        &[
            (
                "bom.csv",
                Some(3),
                None,
                "bom-cycle",
                "BOM cycle die -> wafer -> die (lines 3, 7;",
            ),
            (
                "bom.csv",
                Some(6),
                None,
                "bom-cycle",
                "BOM cycle resist -> resist (",
            ),
        ],
    );
}

#[test]
fn duplicate_bom_row() {
    let dir = mini();
    append(&dir, "bom.csv", &["die,resist,2"]);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "bom.csv",
            Some(6),
            None,
            "duplicate-row",
            "duplicate BOM row: `die` needs `resist` (first at line 4",
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// Ownership

#[test]
fn ownership_above_one_hundred_percent() {
    let dir = mini();
    append(&dir, "ownership.csv", &["parent-cn,wafer-jp,0.5"]);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "ownership.csv",
            Some(5),
            None,
            "ownership-sum",
            "owners of `wafer-jp` hold 150.00% in all (expected at most 100%)",
        )],
    );
}

#[test]
fn self_ownership() {
    let dir = mini();
    append(&dir, "ownership.csv", &["parent-jp,parent-jp,0.1"]);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "ownership.csv",
            Some(5),
            None,
            "self-ownership",
            "`parent-jp` owns itself",
        )],
    );
}

#[test]
fn majority_ownership_cycle_reads_in_the_direction_of_holding() {
    // fab-tw holds 60% of wafer-jp, wafer-jp holds 70% of resist-jp, resist-jp holds 80% of
    // fab-tw. The message says "each holds more than half of the next", so starting at the
    // first of them in entities.csv (fab-tw) the cycle must read
    // fab-tw -> wafer-jp -> resist-jp -> fab-tw.
    let dir = mini();
    put(
        &dir,
        "ownership.csv",
        "owner,entity,share\nfab-tw,wafer-jp,0.6\nwafer-jp,resist-jp,0.7\nresist-jp,fab-tw,0.8\n",
    );
    let diags = invalid(dir.path());
    assert_errors(
        &diags,
        &[(
            "ownership.csv",
            None,
            None,
            "ownership-cycle",
            "majority-ownership cycle fab-tw -> wafer-jp -> resist-jp -> fab-tw (each holds more than half of the next",
        )],
    );
}

#[test]
fn minority_cross_holdings_are_not_a_cycle() {
    let dir = mini();
    append(
        &dir,
        "ownership.csv",
        &["wafer-jp,parent-jp,0.5", "fab-cn,parent-cn,0.4"],
    );
    valid(dir.path());
}

#[test]
fn duplicate_ownership_row() {
    let dir = mini();
    append(&dir, "ownership.csv", &["parent-cn,fab-cn,0.3"]);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "ownership.csv",
            Some(5),
            None,
            "duplicate-row",
            "duplicate ownership of `fab-cn` by `parent-cn` (first at line 4",
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// Rows

#[test]
fn duplicate_supply_row() {
    // A repeat of line 5 (no share, so the share sums stay valid).
    let dir = mini();
    let line = append(&dir, "supply.csv", &["wafer-de,fab-tw,wafer,,,"]);
    assert_eq!(line, 11);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(11),
            None,
            "duplicate-row",
            "duplicate supply of `wafer` from `wafer-de` to `fab-tw` (first at line 5",
        )],
    );
}

#[test]
fn duplicate_product_row() {
    let dir = mini();
    append(&dir, "products.csv", &["oem-us,chip,,"]);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "products.csv",
            Some(4),
            None,
            "duplicate-row",
            "duplicate end product `chip` of `oem-us` (first at line 2",
        )],
    );
}

#[test]
fn row_with_too_many_fields() {
    // An unquoted decimal comma splits a cell in two.
    let dir = mini_with_line("supply.csv", 3, "fab-cn,oem-us,die,0,4,,");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(3),
            None,
            "field-count",
            "row has 7 fields but the header has 6",
        )],
    );
}

#[test]
fn row_with_too_few_fields() {
    let dir = mini_with_line("supply.csv", 3, "fab-cn,oem-us,die");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(3),
            None,
            "field-count",
            "row has 3 fields but the header has 6",
        )],
    );
}

#[test]
fn id_on_a_row_with_the_wrong_field_count_does_not_cascade() {
    // fab-tw's row is unreadable; fab-tw is referenced on supply.csv lines 2, 4, 5, 7.
    let dir = mini_with_line("entities.csv", 3, "fab-tw,Taiwan Fab, Ltd,TW,site,,120");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(3),
            None,
            "field-count",
            "row has 7 fields but the header has 6",
        )],
    );
}

#[test]
fn blank_lines_are_skipped_and_do_not_shift_line_numbers() {
    let dir = mini();
    let text = read(&dir, "supply.csv").replacen("\nfab-cn,", "\n\n   \nfab-cn,", 1);
    put(&dir, "supply.csv", text);
    let loaded = valid(dir.path());
    let mut lines: Vec<u64> = loaded.dataset.supply.iter().map(|r| r.line).collect();
    lines.sort();
    assert_eq!(lines, vec![2, 5, 6, 7, 8, 9, 10, 11, 12]);
}

#[test]
fn quoted_cells_with_commas_and_newlines_are_one_cell() {
    let dir = mini();
    set_line(
        &dir,
        "entities.csv",
        3,
        "fab-tw,\"Taiwan Fab, Ltd\nHsinchu\",TW,site,,120",
    );
    // The quoted newline makes line 4 of the file part of record 3: fab-cn is on line 5 now.
    let loaded = valid(dir.path());
    let ds = &loaded.dataset;
    let entity = |id: &str| ds.entity(ds.entity_ix[id]);
    assert_eq!(entity("fab-tw").name, "Taiwan Fab, Ltd\nHsinchu");
    assert_eq!(entity("fab-tw").line, 3);
    assert_eq!(entity("fab-cn").line, 5);
}

// ---------------------------------------------------------------------------------------------
// Encodings and layout

#[test]
fn utf16_file_is_refused() {
    let dir = mini();
    let text = read(&dir, "countries.csv");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    put(&dir, "countries.csv", bytes);
    // countries.csv is unusable, so the country references of entities.csv are not checked.
    assert_errors(
        &invalid(dir.path()),
        &[(
            "countries.csv",
            Some(1),
            None,
            "encoding",
            "file is UTF-16 encoded (expected UTF-8",
        )],
    );
}

#[test]
fn non_utf8_byte_in_a_cell() {
    // Latin-1 "é" (0xE9) in the name of resist-jp, line 7, column 2.
    let dir = mini();
    let text = read(&dir, "entities.csv");
    let bytes = text
        .replacen("Resist Chemical", "Resist Chimie \u{1}", 1)
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect::<Vec<u8>>();
    put(&dir, "entities.csv", bytes);
    // resist-jp is referenced on supply.csv line 7 and ownership.csv line 3: no cascade.
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(7),
            Some(2),
            "encoding",
            "cell is not valid UTF-8",
        )],
    );
}

#[test]
fn every_bad_utf8_row_is_reported() {
    let dir = mini();
    let mut text = read(&dir, "items.csv").into_bytes();
    // "Silicon wafer" (line 4, column 2) and "minerals" (line 6, column 3).
    for word in [&b"Silicon"[..], &b"minerals"[..]] {
        let at = text.windows(word.len()).position(|w| w == word).unwrap();
        text[at] = 0xFF;
    }
    put(&dir, "items.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[
            ("items.csv", Some(4), Some(2), "encoding", "not valid UTF-8"),
            ("items.csv", Some(6), Some(3), "encoding", "not valid UTF-8"),
        ],
    );
}

#[test]
fn non_utf8_byte_in_a_header() {
    let dir = mini();
    let mut bytes = read(&dir, "products.csv").into_bytes();
    bytes[7] = 0xFF; // "entity,item,..." -> the `i` of `item`, column 2
    put(&dir, "products.csv", bytes);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "products.csv",
            Some(1),
            Some(2),
            "encoding",
            "column name is not valid UTF-8",
        )],
    );
}

#[test]
fn header_after_empty_lines_is_found_and_numbered() {
    let dir = mini();
    let text = format!("\n\n{}", read(&dir, "items.csv")).replacen("critical", "Name", 1);
    put(&dir, "items.csv", text);
    // The header is line 3.
    assert_errors(
        &invalid(dir.path()),
        &[(
            "items.csv",
            Some(3),
            Some(4),
            "duplicate-column",
            "column `name` appears twice",
        )],
    );
}

#[test]
fn utf8_byte_order_mark_is_accepted() {
    let dir = mini();
    for file in ["countries.csv", "supply.csv"] {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend(read(&dir, file).into_bytes());
        put(&dir, file, bytes);
    }
    let loaded = valid(dir.path());
    assert!(loaded.dataset.country_ix.contains_key("US"));
    assert_eq!(loaded.dataset.supply.len(), 9);
    assert_eq!(
        loaded.diagnostics,
        valid(Path::new(MINI)).diagnostics_renamed(dir.path())
    );
}

#[test]
fn crlf_line_ends_are_accepted_and_line_numbers_stay_right() {
    let dir = mini();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace('\n', "\r\n")).unwrap();
    }
    let loaded = valid(dir.path());
    assert_eq!(loaded.dataset.supply.len(), 9);
    let ds = &loaded.dataset;
    assert_eq!(ds.entity(ds.entity_ix["oem-us"]).recovery_days, Some(30.0));
    assert_eq!(
        loaded.diagnostics,
        valid(Path::new(MINI)).diagnostics_renamed(dir.path())
    );
    // An error in a CRLF file still points at the right line and column.
    let text = read(&dir, "supply.csv").replacen("fab-cn,oem-us,die,0.4", "fab-cn,oem-us,die,2", 1);
    put(&dir, "supply.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(3),
            Some(4),
            "bad-value",
            "`share` is 2, outside (0, 1]",
        )],
    );
}

/// Regression: the csv crate reports where reading of a record began, which is before the
/// empty lines skipped ahead of it; errors pointed one line too early.
#[test]
fn line_numbers_count_empty_lines_before_a_row() {
    let dir = mini();
    let text = read(&dir, "supply.csv").replacen(
        "\nfab-cn,oem-us,die,0.4,",
        "\n\n\nfab-cn,oem-us,die,7,",
        1,
    );
    put(&dir, "supply.csv", text);
    // Lines 3 and 4 are empty: fab-cn's row is line 5.
    assert_errors(
        &invalid(dir.path()),
        &[("supply.csv", Some(5), Some(4), "bad-value", "`share` is 7")],
    );
}

/// Regression: with CRLF, the csv crate reports a record's line before the `\n` of the line
/// above is read: every error of a Windows file pointed one line too early.
#[test]
fn crlf_rows_are_reported_on_their_own_line() {
    let dir = mini();
    let text = read(&dir, "entities.csv")
        .replace('\n', "\r\n")
        .replacen(",,365", ",,-365", 1);
    put(&dir, "entities.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(8),
            Some(6),
            "bad-value",
            "`recovery_days` is -365",
        )],
    );
}

#[test]
fn cr_only_line_ends_are_accepted_with_right_line_numbers() {
    let dir = mini();
    let text = read(&dir, "supply.csv").replace('\n', "\r").replacen(
        "ga-cn,wafer-de,gallium,0.5",
        "ga-cn,wafer-de,gallium,5",
        1,
    );
    put(&dir, "supply.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[("supply.csv", Some(9), Some(4), "bad-value", "`share` is 5")],
    );
}

#[test]
fn line_break_inside_a_quoted_cell_of_a_crlf_file_is_one_line() {
    let dir = mini();
    set_line(
        &dir,
        "entities.csv",
        3,
        "fab-tw,\"Taiwan Fab\r\nHsinchu\",TW,site,,120",
    );
    let text = read(&dir, "entities.csv")
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .replacen(",,90", ",,ninety", 1);
    put(&dir, "entities.csv", text);
    // fab-tw's record spans lines 3 and 4: fab-cn is on line 5.
    assert_errors(
        &invalid(dir.path()),
        &[(
            "entities.csv",
            Some(5),
            Some(6),
            "bad-value",
            "`recovery_days` is `ninety`, not a number",
        )],
    );
}

#[test]
fn last_row_without_a_line_end_is_read() {
    let dir = mini();
    let text = read(&dir, "supply.csv").trim_end().replacen(
        "wafer-de,oem-us,die,,false,",
        "wafer-de,oem-us,die,,falsch,",
        1,
    );
    assert!(!text.ends_with('\n'));
    put(&dir, "supply.csv", text);
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(10),
            Some(5),
            "bad-value",
            "`qualified` is `falsch`",
        )],
    );
}

#[test]
fn columns_in_another_order_are_accepted() {
    let dir = mini();
    // supply.csv with its columns reversed.
    let text = read(&dir, "supply.csv")
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.reverse();
            cells.join(",") + "\n"
        })
        .collect::<String>();
    assert!(text.starts_with("lead_time_days,qualified,share,item,buyer,supplier\n"));
    put(&dir, "supply.csv", text);
    let reordered = valid(dir.path());
    let original = valid(Path::new(MINI));
    assert_eq!(reordered.dataset.supply, original.dataset.supply);
    // Errors point at the cell where it is in this file: share is column 3 now.
    set_line(&dir, "supply.csv", 2, ",,60%,die,oem-us,fab-tw");
    assert_errors(
        &invalid(dir.path()),
        &[(
            "supply.csv",
            Some(2),
            Some(3),
            "bad-value",
            "`share` is `60%`",
        )],
    );
}

#[test]
fn header_names_are_matched_trimmed_and_in_any_case() {
    let dir = mini_with_line("countries.csv", 1, " Code , NAME,Trust ");
    let loaded = valid(dir.path());
    assert_eq!(loaded.dataset.countries.len(), 5);
    let ds = &loaded.dataset;
    assert_eq!(
        ds.country(ds.country_ix["US"]).name.as_deref(),
        Some("United States")
    );
}

#[test]
fn unknown_column_is_a_note() {
    let dir = mini();
    let text = read(&dir, "products.csv")
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { "colour" } else { "blue" }))
        .collect::<String>();
    put(&dir, "products.csv", text);
    let loaded = valid(dir.path());
    let d = only(&loaded.diagnostics, "unknown-column");
    assert_eq!(d.severity, Severity::Note);
    assert_eq!(file_name(d), "products.csv");
    assert_eq!((d.line, d.column), (Some(1), Some(5)));
    assert!(
        d.message
            .starts_with("column `colour` is not one tierscope reads; it is ignored"),
        "{d}"
    );
}

// ---------------------------------------------------------------------------------------------
// Collecting every error

#[test]
fn all_errors_of_a_file_are_collected() {
    let dir = mini();
    set_line(&dir, "supply.csv", 2, "fab-tw,oem-us,die,60%,,");
    set_line(&dir, "supply.csv", 6, "wafer-jp,fab-cn,wafr,1,,");
    set_line(&dir, "supply.csv", 9, "ga-cn,wafer-de,gallium,0.5,maybe,");
    assert_errors(
        &invalid(dir.path()),
        &[
            (
                "supply.csv",
                Some(2),
                Some(4),
                "bad-value",
                "`share` is `60%`",
            ),
            (
                "supply.csv",
                Some(6),
                Some(3),
                "unknown-reference",
                "unknown item `wafr`",
            ),
            (
                "supply.csv",
                Some(9),
                Some(5),
                "bad-value",
                "`qualified` is `maybe`",
            ),
        ],
    );
}

#[test]
fn errors_of_several_files_are_collected_in_file_order() {
    let dir = mini();
    set_line(&dir, "products.csv", 2, "oem-us,chips,,");
    set_line(&dir, "countries.csv", 3, "TW,Taiwan,");
    set_line(&dir, "bom.csv", 4, "die,resist,-1");
    let diags = invalid(dir.path());
    assert_errors(
        &diags,
        &[
            (
                "countries.csv",
                Some(3),
                Some(3),
                "empty-required-cell",
                "`trust`",
            ),
            ("bom.csv", Some(4), Some(3), "bad-value", "`quantity` is -1"),
            (
                "products.csv",
                Some(2),
                Some(2),
                "unknown-reference",
                "did you mean `chip`?",
            ),
        ],
    );
    assert_eq!(error_count(&diags), 3);
}

#[test]
fn one_row_with_several_bad_cells_reports_each_cell() {
    let dir = mini_with_line("supply.csv", 2, "fab-tw,oem-uss,die,7,sometimes,-1");
    assert_errors(
        &invalid(dir.path()),
        &[
            (
                "supply.csv",
                Some(2),
                Some(2),
                "unknown-reference",
                "did you mean `oem-us`?",
            ),
            ("supply.csv", Some(2), Some(4), "bad-value", "`share` is 7"),
            ("supply.csv", Some(2), Some(5), "bad-value", "`qualified`"),
            (
                "supply.csv",
                Some(2),
                Some(6),
                "bad-value",
                "`lead_time_days` is -1, negative",
            ),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Warnings

fn warnings<'a>(loaded: &'a Loaded, code: &str) -> Vec<&'a Diagnostic> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .inspect(|d| assert_eq!(d.severity, Severity::Warning, "{d}"))
        .collect()
}

#[test]
fn unmapped_input_warning() {
    // Without line 7, nothing delivers resist to fab-tw, which makes die (a BOM of wafer and
    // resist): one more unmapped input than the fixture's three.
    let dir = mini();
    let text: String = read(&dir, "supply.csv")
        .lines()
        .filter(|l| !l.starts_with("resist-jp,"))
        .map(|l| format!("{l}\n"))
        .collect();
    put(&dir, "supply.csv", text);
    let loaded = valid(dir.path());
    let unmapped = warnings(&loaded, "unmapped-input");
    assert_eq!(unmapped.len(), 4);
    let d = unmapped
        .iter()
        .find(|d| d.message.starts_with("`fab-tw` makes `die`"))
        .expect("fab-tw's resist is unmapped");
    assert_eq!(file_name(d), "supply.csv");
    assert_eq!(
        d.message,
        "`fab-tw` makes `die`, which needs `resist`, but no supply row delivers `resist` to `fab-tw` (counted as available, reported as a visibility gap)"
    );
    // resist-jp now appears in an ownership row only: still used.
    assert!(warnings(&loaded, "entity-unused").is_empty());
}

#[test]
fn entity_never_used_warning() {
    let dir = mini();
    let line = append(&dir, "entities.csv", &["idle-us,Idle Inc,US,firm,,"]);
    let loaded = valid(dir.path());
    let d = only(&loaded.diagnostics, "entity-unused");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(file_name(d), "entities.csv");
    assert_eq!(d.line, Some(line));
    assert!(
        d.message
            .contains("entity `idle-us` appears in no supply, product or ownership row")
    );
}

#[test]
fn item_nobody_makes_warning() {
    let dir = mini();
    let line = append(&dir, "items.csv", &["tin,Tin,minerals,"]);
    let loaded = valid(dir.path());
    let d = only(&loaded.diagnostics, "item-unmade");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(file_name(d), "items.csv");
    assert_eq!(d.line, Some(line));
    assert!(d.message.contains("nobody makes item `tin`"));
}

#[test]
fn supply_row_no_product_uses_warning() {
    // resist-jp makes resist, which needs nothing: gallium delivered to it goes nowhere.
    let dir = mini();
    let line = append(&dir, "supply.csv", &["ga-cn,resist-jp,gallium,1,,"]);
    let loaded = valid(dir.path());
    let d = only(&loaded.diagnostics, "supply-unused");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(file_name(d), "supply.csv");
    assert_eq!(d.line, Some(line));
    assert!(d.message.starts_with(
        "`resist-jp` buys `gallium`, but nothing `resist-jp` makes has it as a BOM input"
    ));
}

/// The diagnostics of the fixture, as they would read for a copy of it in another folder.
trait Renamed {
    fn diagnostics_renamed(self, to: &Path) -> Vec<Diagnostic>;
}

impl Renamed for Loaded {
    fn diagnostics_renamed(self, to: &Path) -> Vec<Diagnostic> {
        self.diagnostics
            .into_iter()
            .map(|mut d| {
                let name = Path::new(&d.file).file_name().unwrap().to_owned();
                d.file = to.join(name).display().to_string();
                d
            })
            .collect()
    }
}
