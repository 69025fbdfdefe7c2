//! The validation rules of requirements (DATA-MODEL.md, rules 3), one case each, with the
//! exact position and the key words of the message: substitute groups in `bom.csv`,
//! distributors in `entities.csv`.

mod common;

use tierscope::diag::{Diagnostic, Severity};
use tierscope_core::Error;

/// Loads the dataset and returns every diagnostic, with whether it loaded.
fn diagnostics(files: &common::Files) -> (bool, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    common::write(files, dir.path());
    match tierscope::ingest::load(dir.path()) {
        Ok(l) => (true, l.diagnostics),
        Err(Error::InvalidDataset { diagnostics, .. }) => (false, diagnostics),
        Err(e) => panic!("{e}"),
    }
}

/// The diagnostics of one code, as (file name, line, column, severity).
fn of_code(
    diags: &[Diagnostic],
    code: &str,
) -> Vec<(String, Option<u64>, Option<usize>, Severity)> {
    diags
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let file = std::path::Path::new(&d.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, d.line, d.column, d.severity)
        })
        .collect()
}

fn message<'a>(diags: &'a [Diagnostic], code: &str) -> &'a str {
    &diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
        .message
}

/// A small valid dataset: `lab` makes `testing` from either kit and `gloves`; `maker` makes
/// both kits, `glover` the gloves.
fn files(entities: &str, bom: &str, supply: &str, products: &str) -> common::Files {
    common::Files::from([
        ("countries.csv", "code,trust\nUS,trusted\nCN,untrusted\n".to_string()),
        ("entities.csv", entities.to_string()),
        (
            "items.csv",
            "id,name\ntesting,Testing\nscreening,Screening\nkit-a,Kit A\nkit-b,Kit B\ngloves,Gloves\nlatex,Latex\n"
                .to_string(),
        ),
        ("bom.csv", bom.to_string()),
        ("supply.csv", supply.to_string()),
        ("products.csv", products.to_string()),
    ])
}

const ENTITIES: &str = "id,name,country,kind\nlab,Lab,US,\nmaker,Kit maker,CN,\nglover,Glove maker,US,\nd1,Distributor 1,US,distributor\nd2,Distributor 2,US,DISTRIBUTOR\n";
const BOM: &str =
    "item,input,quantity,group\ntesting,kit-a,1,kit\ntesting,kit-b,1,kit\ntesting,gloves,2,\n";
const SUPPLY: &str =
    "supplier,buyer,item,share\nmaker,lab,kit-a,0.5\nmaker,lab,kit-b,0.5\nglover,lab,gloves,1\n";
const PRODUCTS: &str = "entity,item\nlab,testing\n";

#[test]
fn the_base_case_is_valid_without_warnings_about_requirements() {
    let (ok, diags) = diagnostics(&files(
        "id,name,country\nlab,Lab,US\nmaker,Kit maker,CN\nglover,Glove maker,US\n",
        BOM,
        SUPPLY,
        PRODUCTS,
    ));
    assert!(ok, "{diags:#?}");
    // The group's two kits share one requirement: their shares 0.5 + 0.5 sum to 1, fine.
    for code in [
        "group-of-one",
        "ambiguous-requirement",
        "share-sum",
        "unmapped-input",
    ] {
        assert!(of_code(&diags, code).is_empty(), "{code}: {diags:#?}");
    }
}

#[test]
fn shares_sum_per_requirement() {
    // 0.7 + 0.5 of one requirement: above 1, though each kit alone is below 1.
    let supply = "supplier,buyer,item,share\nmaker,lab,kit-a,0.7\nmaker,lab,kit-b,0.5\nglover,lab,gloves,1\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, BOM, supply, PRODUCTS));
    assert!(!ok);
    assert_eq!(
        of_code(&diags, "share-sum"),
        [("supply.csv".into(), Some(3), None, Severity::Error)]
    );
    let m = message(&diags, "share-sum");
    assert!(
        m.contains("`kit-a` or `kit-b` of `lab` (lines 2, 3) sum to 1.200000"),
        "{m}"
    );
}

#[test]
fn a_group_of_one_row_is_a_plain_input_with_a_warning() {
    let bom =
        "item,input,quantity,group\ntesting,kit-a,1,kit\ntesting,kit-b,1,kits\ntesting,gloves,2,\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, bom, SUPPLY, PRODUCTS));
    assert!(ok, "{diags:#?}");
    assert_eq!(
        of_code(&diags, "group-of-one"),
        [
            ("bom.csv".into(), Some(2), None, Severity::Warning),
            ("bom.csv".into(), Some(3), None, Severity::Warning)
        ]
    );
    let m = message(&diags, "group-of-one");
    assert!(
        m.contains("group `kit` of `testing` has only this row (`kit-a`)"),
        "{m}"
    );
    assert!(m.contains("a group of one is a plain input"), "{m}");
}

#[test]
fn an_item_in_two_requirements_of_one_buyer_is_an_error_naming_both() {
    // lab makes testing (kit-a in a group with kit-b) and screening (kit-a alone), and buys
    // kit-a: its rows of kit-a cannot count toward both.
    let bom =
        "item,input,quantity,group\ntesting,kit-a,1,kit\ntesting,kit-b,1,kit\nscreening,kit-a,1,\n";
    let supply = "supplier,buyer,item,share\nmaker,lab,kit-b,0.5\nmaker,lab,kit-a,0.5\n";
    let products = "entity,item\nlab,testing\nlab,screening\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, bom, supply, products));
    assert!(!ok);
    assert_eq!(
        of_code(&diags, "ambiguous-requirement"),
        [("supply.csv".into(), Some(3), None, Severity::Error)]
    );
    let m = message(&diags, "ambiguous-requirement");
    assert!(m.contains("`lab` buys `kit-a`"), "{m}");
    assert!(
        m.contains("two requirements of what `lab` makes: `kit-a` or `kit-b` of `testing` (bom.csv lines 2, 3, group `kit`) and `kit-a` of `screening` (bom.csv line 4)"),
        "{m}"
    );
    // A buyer with no row of the item has nothing to split: no error.
    let supply = "supplier,buyer,item,share\nmaker,lab,kit-b,0.5\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, bom, supply, products));
    assert!(ok, "{diags:#?}");
    // Nor a buyer that makes only one of the two items.
    let products = "entity,item\nlab,testing\nglover,screening\n";
    let supply = "supplier,buyer,item,share\nmaker,lab,kit-a,0.5\nmaker,glover,kit-a,1\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, bom, supply, products));
    assert!(ok, "{diags:#?}");
}

#[test]
fn a_cycle_of_distributors_is_an_error_naming_it() {
    // d1 buys kit-a from d2 and d2 from d1 (and d1 from the maker): kit-a goes round.
    let supply = "supplier,buyer,item,share\nmaker,d1,kit-a,0.5\nd2,d1,kit-a,0.5\nd1,d2,kit-a,1\nd2,lab,kit-a,1\nmaker,lab,kit-b,\nglover,lab,gloves,1\n";
    let bom = "item,input,group\ntesting,kit-a,kit\ntesting,kit-b,kit\ntesting,gloves,\n";
    let supply = supply.replace(
        "d2,lab,kit-a,1\nmaker,lab,kit-b,",
        "d2,lab,kit-a,0.5\nmaker,lab,kit-b,",
    );
    let (ok, diags) = diagnostics(&files(ENTITIES, bom, &supply, PRODUCTS));
    assert!(!ok);
    assert_eq!(
        of_code(&diags, "distributor-cycle"),
        [("supply.csv".into(), Some(3), None, Severity::Error)]
    );
    let m = message(&diags, "distributor-cycle");
    assert!(
        m.contains("distributor cycle d1 -> d2 -> d1 passing `kit-a` round (lines 4, 3;"),
        "{m}"
    );
    // A distributor that supplies itself is a cycle of one.
    let supply = "supplier,buyer,item,share\nd1,d1,kit-a,1\nd1,lab,kit-a,0.5\nmaker,lab,kit-b,0.5\nglover,lab,gloves,1\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, bom, supply, PRODUCTS));
    assert!(!ok);
    let m = message(&diags, "distributor-cycle");
    assert!(
        m.contains("distributor cycle d1 -> d1 passing `kit-a` round (lines 2;"),
        "{m}"
    );
    // Two makers trading an item both ways are no cycle: each makes it from its inputs.
    let supply = "supplier,buyer,item,share\nmaker,glover,latex,1\nglover,maker,latex,1\nmaker,lab,kit-a,0.5\nmaker,lab,kit-b,0.5\nglover,lab,gloves,1\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, BOM, supply, PRODUCTS));
    assert!(ok, "{diags:#?}");
}

#[test]
fn a_distributor_buying_an_input_of_what_it_passes_on_gets_a_warning_saying_what_happens() {
    // d1 passes gloves on, and buys latex, which gloves are made of: a distributor does not
    // make gloves, so the latex row is not used.
    let bom = format!("{BOM}gloves,latex,1,\n");
    let supply = "supplier,buyer,item,share\nmaker,lab,kit-a,0.5\nmaker,lab,kit-b,0.5\nglover,d1,gloves,1\nd1,lab,gloves,1\nglover,d1,latex,1\nglover,d2,kit-a,1\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, &bom, supply, PRODUCTS));
    assert!(ok, "{diags:#?}");
    assert_eq!(
        of_code(&diags, "distributor-bom"),
        [("supply.csv".into(), Some(6), None, Severity::Warning)]
    );
    let m = message(&diags, "distributor-bom");
    assert!(
        m.contains("`d1` is a distributor, so it passes on what it buys"),
        "{m}"
    );
    assert!(
        m.contains("the BOM of `gloves` (which needs `latex`) does not apply to it"),
        "{m}"
    );
    // d2 buys kit-a and passes nothing on: an unused row, said as such.
    let unused: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "supply-unused").collect();
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0].line, Some(7));
    assert!(
        unused[0]
            .message
            .contains("`d2` is a distributor and does not pass `kit-a` on")
    );
    // The pass-through's own item is not unmapped (it has its supplier), and gloves' BOM does
    // not make latex an unmapped input of d1.
    assert!(
        of_code(&diags, "unmapped-input")
            .iter()
            .all(|d| d.0 == "supply.csv")
    );
    assert!(
        !diags
            .iter()
            .any(|d| d.code == "unmapped-input" && d.message.contains("`d1`")),
        "{diags:#?}"
    );
}

#[test]
fn unmapped_requirements_and_pass_throughs_are_said_as_such() {
    // Nothing delivers either kit to lab; d1 sells gloves but buys none.
    let supply = "supplier,buyer,item,share\nd1,lab,gloves,1\n";
    let (ok, diags) = diagnostics(&files(ENTITIES, BOM, supply, PRODUCTS));
    assert!(ok, "{diags:#?}");
    let unmapped: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "unmapped-input")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(unmapped.len(), 2, "{unmapped:#?}");
    assert!(unmapped.iter().any(|m| m.contains(
        "`d1` is a distributor and passes on `gloves`, but no supply row delivers `gloves` to `d1`"
    )));
    assert!(unmapped.iter().any(|m| m.contains(
        "`lab` makes `testing`, which needs `kit-a` or `kit-b` (substitutes: any of them will do), but no supply row delivers any of them to `lab`"
    )));
}

#[test]
fn kinds_other_than_distributor_are_information_and_near_misses_get_a_note() {
    let entities = "id,name,country,kind\nlab,Lab,US,Wholesaler\nmaker,Kit maker,CN,distributer\nglover,Glove maker,US,site\n";
    let (ok, diags) = diagnostics(&files(entities, BOM, SUPPLY, PRODUCTS));
    assert!(ok, "{diags:#?}");
    assert_eq!(
        of_code(&diags, "kind-not-distributor"),
        [
            ("entities.csv".into(), Some(2), Some(4), Severity::Note),
            ("entities.csv".into(), Some(3), Some(4), Severity::Note)
        ]
    );
    let m = message(&diags, "kind-not-distributor");
    assert!(
        m.contains("`kind` is `Wholesaler`, which is not `distributor`"),
        "{m}"
    );
    // And they change nothing: the same capacities as without a kind column.
    let plain = "id,name,country\nlab,Lab,US\nmaker,Kit maker,CN\nglover,Glove maker,US\n";
    let a = common::load(&files(entities, BOM, SUPPLY, PRODUCTS));
    let b = common::load(&files(plain, BOM, SUPPLY, PRODUCTS));
    let cap = |ds: &tierscope::model::Dataset| {
        let g = tierscope::graph::ProductionGraph::build(ds);
        tierscope::whatif::run(ds, &g, &["entity:maker".to_string()]).unwrap()
    };
    assert_eq!(cap(&a), cap(&b));
}
