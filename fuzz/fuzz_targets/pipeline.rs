//! The whole path, validate -> analyze -> report, on structured input: a dataset is derived
//! from the fuzz bytes with `arbitrary` (ids from small pools, so that references resolve and
//! shapes repeat; names and numbers from pools that include the awkward ones), written as CSV
//! in memory, loaded, analysed with arbitrary settings, and rendered in every format.
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

const NAMES: [&str; 8] = [
    "Acme Ltd",
    "ACME LIMITED",
    "\"Quoted, Inc.\"",
    "Zoë Chemie GmbH",
    "<script>alert(1)</script>",
    "a|b",
    "  spaced  ",
    "新竹科技",
];

const NUMBERS: [&str; 16] = [
    "0",
    "1",
    "0.5",
    "0.25",
    "0.3333333333333333",
    "0.1",
    "0.2",
    "0.7",
    "1e-9",
    "0.999999",
    "30",
    "365",
    "1000000",
    "1e15",
    "-1",
    "",
];

#[derive(Arbitrary, Debug)]
struct Num(u8);

impl Num {
    fn text(&self) -> &'static str {
        NUMBERS[(self.0 % NUMBERS.len() as u8) as usize]
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    countries: Vec<(u8, u8)>,
    entities: Vec<(u8, u8, u8, bool, Num)>,
    items: u8,
    bom: Vec<(u8, u8)>,
    supply: Vec<(u8, u8, u8, Num, Option<bool>)>,
    products: Vec<(u8, u8, Num, Num)>,
    ownership: Vec<(u8, u8, Num)>,
    restricted: Vec<(u8, Option<u8>)>,
    capacity_threshold: u8,
    hhi_threshold: u8,
    asymmetry: (u8, u8),
    levels: u8,
    /// Dataset kinds: bit 0 lets the BOM have cycles.
    flags: u8,
}

fn frac(x: u8) -> f64 {
    f64::from(x) / 255.0
}

fn files(input: &Input) -> BTreeMap<&'static str, Vec<String>> {
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
    let trusts = ["trusted", "neutral", "untrusted"];
    for &(c, t) in input.countries.iter().take(6) {
        push(
            &mut f,
            "countries.csv",
            format!("C{},{},Country {c}", c % 6, trusts[(t % 3) as usize]),
        );
    }
    for (e, n, c, r, rec) in input.entities.iter().take(24) {
        let name = NAMES[(n % 8) as usize];
        let name = if name.contains(',') && !name.starts_with('"') {
            format!("\"{name}\"")
        } else {
            name.to_string()
        };
        push(
            &mut f,
            "entities.csv",
            format!(
                "E{},{name},C{},{},{}",
                e % 24,
                c % 6,
                if *r { "yes" } else { "" },
                rec.text()
            ),
        );
    }
    let items = (input.items % 16).max(1);
    for i in 0..items {
        push(&mut f, "items.csv", format!("I{i},Item {i}"));
    }
    for &(a, b) in input.bom.iter().take(40) {
        let (a, b) = (a % items, b % items);
        let (hi, lo) = if input.flags & 1 == 1 {
            (a, b)
        } else {
            (a.max(b), a.min(b))
        };
        push(&mut f, "bom.csv", format!("I{hi},I{lo}"));
    }
    for (s, b, i, share, q) in input.supply.iter().take(80) {
        let q = match q {
            None => "",
            Some(true) => "true",
            Some(false) => "false",
        };
        push(
            &mut f,
            "supply.csv",
            format!(
                "E{},E{},I{},{},{q}",
                s % 24,
                b % 24,
                i % items,
                share.text()
            ),
        );
    }
    for (e, i, rev, inv) in input.products.iter().take(6) {
        push(
            &mut f,
            "products.csv",
            format!("E{},I{},{},{}", e % 24, i % items, rev.text(), inv.text()),
        );
    }
    for (o, e, s) in input.ownership.iter().take(20) {
        push(
            &mut f,
            "ownership.csv",
            format!("E{},E{},{}", o % 24, e % 24, s.text()),
        );
    }
    for (n, e) in input.restricted.iter().take(6) {
        let name = NAMES[(n % 8) as usize].replace('"', "");
        let entity = e.map_or(String::new(), |e| format!("E{}", e % 24));
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
