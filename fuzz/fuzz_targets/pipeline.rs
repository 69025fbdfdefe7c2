//! The whole path, validate -> analyze -> report, on structured input: a dataset is derived
//! from the fuzz bytes with `arbitrary`, written as CSV in memory, loaded, analysed with
//! arbitrary settings, and rendered in every format. The derivation aims at valid datasets
//! (references point at rows that exist, shares of a (buyer, item) sum to at most 1, the BOM
//! is acyclic, no duplicate rows), with flags that let cycles, raw numbers and duplicates
//! through; names come from a pool with the awkward ones (quotes, commas, markup, non-ASCII, formulas,
//! terminal escapes, bidi overrides, control characters).
//!
//! Checks: nothing panics; every metric is a finite number and fractions stay in [0, 1];
//! report.json reads back; and the reports are byte-identical when every file's rows come
//! in reverse order (determinism does not depend on row order).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use tierscope::analysis::Settings;
use tierscope::analysis::groups::Level;
use tierscope::ingest::{self, table::InMemory};

const NAMES: [&str; 16] = [
    "Acme Ltd",
    "ACME LIMITED",
    "\"Quoted, Inc.\"",
    "Zoë Chemie GmbH",
    "<script>alert(1)</script>",
    "a|b",
    "  spaced  ",
    "新竹科技",
    // What the output guards must neutralise: formulas, Markdown links and markup, terminal
    // escapes, bidi overrides, C0, C1 and DEL, and characters XML forbids.
    "=2*3",
    "@SUM(A1)",
    "-2+3+cmd|' /C calc'!A0",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "\u{1b}[8mhidden\u{1b}]0;title\u{7}",
    "cod\u{202e}txt.exe\u{2066}",
    "\u{7f}\u{85}\u{9b}\u{b}\u{c}\u{1}",
];

/// Amounts and days. The last one is invalid (negative); it is used only with the "raw"
/// flag.
const AMOUNTS: [&str; 8] = ["", "0", "0.5", "30", "365", "1000000", "1e15", "-1"];

/// Shares of one (buyer, item) are drawn as weights and scaled so that they sum to at most 1
/// (unless the "raw" flag is set): some rows get no share (split the rest), some groups only
/// partly mapped.
const WEIGHTS: [f64; 6] = [0.1, 0.2, 0.25, 1.0 / 3.0, 0.5, 1.0];

#[derive(Arbitrary, Debug)]
struct Input {
    /// Countries: trust of each (1 to 6 countries).
    countries: Vec<u8>,
    /// Entities: (country, name, restricted, recovery days) (1 to 24).
    entities: Vec<(u8, u8, bool, u8)>,
    items: u8,
    /// BOM rows: (item, input), made acyclic (higher level needs lower) unless flag 1.
    bom: Vec<(u8, u8)>,
    /// Supply: (supplier, buyer, item, share weight or blank, qualified).
    supply: Vec<(u8, u8, u8, Option<u8>, Option<bool>)>,
    /// Partly mapped supply: the shares of a (buyer, item) sum to this fraction of 1.
    coverage: u8,
    products: Vec<(u8, u8, u8, u8)>,
    /// Ownership: (owner, entity, share weight); an entity's owners hold at most 1 in all.
    ownership: Vec<(u8, u8, u8)>,
    restricted: Vec<(u8, Option<u8>)>,
    capacity_threshold: u8,
    hhi_threshold: u8,
    asymmetry: (u8, u8),
    /// Bits 0 to 3: the levels reported (none: all four). Bits 4 to 7: see the product scope
    /// check below.
    levels: u8,
    /// Bit 0: the BOM may have cycles. Bit 1: "raw" numbers (shares and amounts as drawn, so
    /// sums above 1 and negative amounts happen). Bit 2: duplicate rows are kept.
    flags: u8,
}

fn frac(x: u8) -> f64 {
    f64::from(x) / 255.0
}

fn files(input: &Input) -> BTreeMap<&'static str, Vec<String>> {
    let (cycles, raw, dups) = (
        input.flags & 1 != 0,
        input.flags & 2 != 0,
        input.flags & 4 != 0,
    );
    let amount = |x: u8| {
        let n = if raw {
            AMOUNTS.len()
        } else {
            AMOUNTS.len() - 1
        };
        AMOUNTS[x as usize % n]
    };
    let mut f: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut rows = |name: &'static str, header: &str| {
        f.insert(name, vec![header.to_string()]);
    };
    rows("countries.csv", "code,trust,name");
    rows("entities.csv", "id,name,country,restricted,recovery_days");
    rows("items.csv", "id,name");
    rows("bom.csv", "item,input");
    rows("supply.csv", "supplier,buyer,item,share,qualified");
    rows("products.csv", "entity,item,annual_revenue,inventory_days");
    rows("ownership.csv", "owner,entity,share");
    rows("restricted.csv", "name,entity,list");
    let push = |f: &mut BTreeMap<&'static str, Vec<String>>, name: &'static str, row: String| {
        f.get_mut(name).unwrap().push(row);
    };
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let mut once = |key: String| dups || seen.insert(key);

    let trusts = ["trusted", "neutral", "untrusted"];
    let n_countries = input.countries.len().clamp(1, 6);
    for c in 0..n_countries {
        let t = input.countries.get(c).copied().unwrap_or(0);
        push(
            &mut f,
            "countries.csv",
            format!("C{c},{},Country {c}", trusts[(t % 3) as usize]),
        );
    }
    let n_entities = input.entities.len().clamp(1, 24);
    for e in 0..n_entities {
        let (c, n, r, rec) = input.entities.get(e).copied().unwrap_or_default();
        let name = NAMES[n as usize % NAMES.len()];
        let name = if name.contains(',') && !name.starts_with('"') {
            format!("\"{name}\"")
        } else {
            name.to_string()
        };
        push(
            &mut f,
            "entities.csv",
            format!(
                "E{e},{name},C{},{},{}",
                c as usize % n_countries,
                if r { "yes" } else { "" },
                amount(rec)
            ),
        );
    }
    let ent = |x: u8| x as usize % n_entities;
    let items = (input.items % 16).max(1);
    for i in 0..items {
        push(&mut f, "items.csv", format!("I{i},Item {i}"));
    }
    for &(a, b) in input.bom.iter().take(40) {
        let (a, b) = (a % items, b % items);
        let (hi, lo) = if cycles {
            (a, b)
        } else if a == b {
            continue;
        } else {
            (a.max(b), a.min(b))
        };
        if once(format!("bom {hi} {lo}")) {
            push(&mut f, "bom.csv", format!("I{hi},I{lo}"));
        }
    }
    // Supply rows, grouped by (buyer, item) to scale their shares.
    let mut groups: BTreeMap<(usize, u8), Vec<(usize, Option<u8>, Option<bool>)>> = BTreeMap::new();
    for &(s, b, i, share, q) in input.supply.iter().take(80) {
        let (s, b, i) = (ent(s), ent(b), i % items);
        if once(format!("supply {s} {b} {i}")) {
            groups.entry((b, i)).or_default().push((s, share, q));
        }
    }
    let coverage = 0.5 + frac(input.coverage) / 2.0;
    for ((b, i), members) in groups {
        let qualified = |q: Option<bool>| q != Some(false);
        let weight = |w: u8| WEIGHTS[w as usize % WEIGHTS.len()];
        let total: f64 = members
            .iter()
            .filter(|m| qualified(m.2))
            .filter_map(|m| m.1.map(weight))
            .sum();
        let blanks = members.iter().any(|m| qualified(m.2) && m.1.is_none());
        // With blank rows the given shares leave room for them; otherwise they sum to the
        // coverage.
        let scale = if blanks { 0.9 } else { coverage };
        for (s, share, q) in members {
            let share = match share {
                None => String::new(),
                Some(w) if raw => format!("{}", weight(w)),
                Some(w) if !qualified(q) => format!("{}", weight(w)),
                Some(w) => format!("{}", (weight(w) / total * scale).min(1.0)),
            };
            let q = match q {
                None => "",
                Some(true) => "true",
                Some(false) => "false",
            };
            push(&mut f, "supply.csv", format!("E{s},E{b},I{i},{share},{q}"));
        }
    }
    for &(e, i, rev, inv) in input.products.iter().take(6) {
        let (e, i) = (ent(e), i % items);
        if once(format!("product {e} {i}")) {
            push(
                &mut f,
                "products.csv",
                format!("E{e},I{i},{},{}", amount(rev), amount(inv)),
            );
        }
    }
    // Ownership: an entity's owners hold at most 1 in all (unless raw); majority owners
    // have a lower index (no majority cycle) unless cycles are allowed.
    let mut held = vec![0.0f64; n_entities];
    for &(o, e, w) in input.ownership.iter().take(20) {
        let (o, e) = (ent(o), ent(e));
        let share = WEIGHTS[w as usize % WEIGHTS.len()].max(0.2);
        if o == e && !cycles {
            continue;
        }
        if !raw && held[e] + share > 1.0 {
            continue;
        }
        if share > 0.5 && o > e && !cycles {
            continue;
        }
        if once(format!("owner {o} {e}")) {
            held[e] += share;
            push(&mut f, "ownership.csv", format!("E{o},E{e},{share}"));
        }
    }
    for &(n, e) in input.restricted.iter().take(6) {
        let name = NAMES[n as usize % NAMES.len()].replace('"', "");
        let entity = e.map_or(String::new(), |e| format!("E{}", ent(e)));
        push(
            &mut f,
            "restricted.csv",
            format!("\"{name}\",{entity},List {n}"),
        );
    }
    f
}

fn source(files: &BTreeMap<&'static str, Vec<String>>, reverse: bool) -> InMemory {
    InMemory(
        files
            .iter()
            .map(|(name, rows)| {
                let mut text = String::new();
                let (header, body) = rows.split_first().unwrap();
                writeln!(text, "{header}").unwrap();
                let body: Vec<&String> = if reverse {
                    body.iter().rev().collect()
                } else {
                    body.iter().collect()
                };
                for r in body {
                    writeln!(text, "{r}").unwrap();
                }
                (name.to_string(), text.into_bytes())
            })
            .collect(),
    )
}

fuzz_target!(|input: Input| {
    let files = files(&input);
    let dir = Path::new("fuzz");
    let Ok(loaded) = ingest::load_from(dir, &source(&files, false)) else {
        return;
    };
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| input.levels & (1 << i) != 0)
        .map(|(_, l)| l)
        .collect();
    let settings = Settings {
        capacity_threshold: frac(input.capacity_threshold),
        hhi_threshold: frac(input.hhi_threshold),
        asymmetry_min: frac(input.asymmetry.0),
        asymmetry_gap: frac(input.asymmetry.1),
        levels: if levels.is_empty() {
            Level::ALL.to_vec()
        } else {
            levels
        },
        ..Settings::default()
    };
    let ds = &loaded.dataset;
    let Some(reports) = support::analyse_with(ds, &settings) else {
        return;
    };
    // Bits 4 and 5 of `levels` both set: one product, picked by bits 6 and 7, analysed alone
    // (or, in a dataset without products, an unknown one).
    if input.levels & 0x30 == 0x30 {
        support::check_product_scope(ds, &settings, usize::from(input.levels >> 6));
    }
    // What-if on the first entity and the first country.
    let mut specs = Vec::new();
    if let Some(e) = ds.entities.first() {
        specs.push(format!("entity:{}", e.id));
    }
    if let Some(c) = ds.countries.first() {
        specs.push(format!("country:{}", c.code));
    }
    specs.push("untrusted".to_string());
    if let Ok(w) = tierscope::whatif::run(ds, &tierscope::graph::ProductionGraph::build(ds), &specs)
    {
        let _ = w.to_text();
    }
    // The same rows in reverse order give the same bytes.
    let reversed = ingest::load_from(dir, &source(&files, true))
        .expect("the same rows in another order are valid too");
    let again = support::analyse_with(&reversed.dataset, &settings).expect("analyses again");
    for ((name, a), (_, b)) in reports.iter().zip(&again) {
        assert!(a == b, "{name} differs when the rows come in reverse order");
    }
});

#[path = "../check/mod.rs"]
mod check;
use check::support;
