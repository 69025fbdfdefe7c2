//! The stress shapes of `tierscope generate --shape`: one huge fan-in or fan-out instead of a
//! sector, to show that no analysis is quadratic in a node's inputs or buyers.
//!
//! - `wide`: one assembler makes one end product that needs N inputs, each made by its own
//!   supplier (a wide BOM); N = `--supply-rows`.
//! - `hub`: two hubs side by side. A distributor buys one part from about N/2 makers (blank
//!   shares: an equal split) and sells it to one assembler; a maker sells one core part to the
//!   other N/2 − 1 buyers, each of which makes an end product from it.
//!
//! Suppliers are spread over the countries in turn. Deterministic (no randomness beyond the
//! countries' table); O(N) time, O(countries) memory.

use super::{Options, Rng, Shape, Writers, Written, write_countries};
use std::io::{self, Write};
use std::path::Path;

pub(super) fn generate(dir: &Path, opts: &Options) -> io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let mut w = Writers::create(dir, opts)?;
    let mut rng = Rng::new(opts.seed);
    let countries = write_countries(&mut w, &mut rng, opts.countries)?;
    let codes: Vec<&str> = countries.iter().map(|c| c.code.as_str()).collect();
    let mut n = match opts.shape {
        Shape::Sector => unreachable!("the sector shape is written by generate::generate"),
        Shape::Wide => wide(&mut w, &codes, opts.supply_rows)?,
        Shape::Hub => hub(&mut w, &codes, opts.supply_rows)?,
    };
    w.finish()?;
    n.supply_rows = opts.supply_rows;
    Ok(n)
}

/// The country code of the `i`-th supplier: the countries in turn.
fn country<'a>(codes: &[&'a str], i: u64) -> &'a str {
    codes[(i % codes.len() as u64) as usize]
}

/// One assembler whose end product needs `rows` inputs, each from its own supplier.
fn wide(w: &mut Writers, codes: &[&str], rows: u64) -> io::Result<Written> {
    let mut n = Written::default();
    writeln!(w.items, "WIDE,Wide assembly,assemblies,true")?;
    writeln!(
        w.entities,
        "A,Wide Assembler Inc,{},firm,,",
        country(codes, 0)
    )?;
    writeln!(w.products, "A,WIDE,1000000,30")?;
    n.items += 1;
    n.entities += 1;
    n.products += 1;
    for i in 0..rows {
        writeln!(w.items, "IN{i},Input part {i},parts,")?;
        writeln!(w.bom, "WIDE,IN{i},1")?;
        writeln!(
            w.entities,
            "S{i},Part Supplier {i} Ltd,{},site,,",
            country(codes, i + 1)
        )?;
        writeln!(w.supply, "S{i},A,IN{i},,,")?;
    }
    n.items += rows;
    n.bom_rows += rows;
    n.entities += rows;
    Ok(n)
}

/// A distributor buying from about `rows`/2 makers, beside a maker selling to the rest.
fn hub(w: &mut Writers, codes: &[&str], rows: u64) -> io::Result<Written> {
    let mut n = Written::default();
    let makers = rows / 2;
    let buyers = rows - makers - 1;
    writeln!(w.items, "PART,Distributed part,parts,true")?;
    writeln!(w.items, "ASSY,Assembly of the distributed part,assemblies,")?;
    writeln!(w.items, "CORE,Core part,parts,true")?;
    writeln!(w.items, "MOD,Module of the core part,assemblies,")?;
    writeln!(w.bom, "ASSY,PART,1")?;
    writeln!(w.bom, "MOD,CORE,1")?;
    writeln!(
        w.entities,
        "D,Hub Distribution Inc,{},distributor,,",
        country(codes, 0)
    )?;
    writeln!(w.entities, "O,Assembler Inc,{},firm,,", country(codes, 1))?;
    writeln!(w.entities, "H,Core Maker Inc,{},site,,", country(codes, 2))?;
    writeln!(w.products, "O,ASSY,1000000,30")?;
    writeln!(w.supply, "D,O,PART,,,")?;
    n.items += 4;
    n.bom_rows += 2;
    n.entities += 3;
    n.products += 1;
    n.distributors += 1;
    for i in 0..makers {
        writeln!(
            w.entities,
            "M{i},Part Maker {i} Ltd,{},site,,",
            country(codes, i + 3)
        )?;
        writeln!(w.supply, "M{i},D,PART,,,")?;
    }
    for i in 0..buyers {
        writeln!(
            w.entities,
            "B{i},Module Maker {i} Ltd,{},firm,,",
            country(codes, i + 5)
        )?;
        writeln!(w.supply, "H,B{i},CORE,,,")?;
        writeln!(w.products, "B{i},MOD,1000,30")?;
    }
    n.entities += makers + buyers;
    n.products += buyers;
    Ok(n)
}
