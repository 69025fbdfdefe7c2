//! The cone-only estimate marks against reading every supplier.

use super::*;
use crate::analysis::Settings;
use crate::graph::ProductionGraph;
use crate::ingest::table::InMemory;
use std::fmt::Write;

/// A hub: distributor D buys PART from 60 makers on blank (estimated) shares, each maker
/// buys RAW from two of three raw suppliers (0.7 and 0.3), and the assembler O buys PART
/// from D (half) and from 40 of the makers directly (blank shares), and BOLT from two
/// suppliers (so that most failures leave one of its requirements unfed).
fn hub() -> crate::model::Dataset {
    let mut files = std::collections::BTreeMap::new();
    let mut put = |name: &str, text: String| {
        files.insert(name.to_string(), text.into_bytes());
    };
    put(
        "countries.csv",
        "code,trust\nUS,trusted\nCN,untrusted\n".into(),
    );
    put(
        "items.csv",
        "id,name\nRAW,Raw\nPART,Part\nBOLT,Bolt\nASSY,Assembly\n".into(),
    );
    put(
        "bom.csv",
        "item,input\nPART,RAW\nASSY,PART\nASSY,BOLT\n".into(),
    );
    put("products.csv", "entity,item\nO,ASSY\n".into());
    let mut entities = String::from(
        "id,name,country,kind\nD,D,US,distributor\nO,O,US,firm\nB0,B0,US,firm\nB1,B1,CN,firm\n",
    );
    let mut supply =
        String::from("supplier,buyer,item,share\nD,O,PART,0.5\nB0,O,BOLT,0.6\nB1,O,BOLT,\n");
    for r in 0..3 {
        writeln!(entities, "R{r},R{r},{},firm", ["US", "CN"][r % 2]).unwrap();
    }
    for m in 0..60 {
        writeln!(entities, "M{m},M{m},US,firm").unwrap();
        writeln!(supply, "R{},M{m},RAW,0.7", m % 3).unwrap();
        writeln!(supply, "R{},M{m},RAW,0.3", (m + 1) % 3).unwrap();
        writeln!(supply, "M{m},D,PART,").unwrap();
        if m < 40 {
            writeln!(supply, "M{m},O,PART,").unwrap();
        }
    }
    put("entities.csv", entities);
    put("supply.csv", supply);
    crate::ingest::load_from(std::path::Path::new("hub"), &InMemory(files))
        .unwrap()
        .dataset
}

/// Over an engine's cone, reading only the entries inside it of a requirement of many
/// suppliers marks the same nodes as reading every supplier, for every entity's failure.
#[test]
fn marks_over_a_cone_equal_marks_over_every_supplier() {
    let ds = hub();
    let g = ProductionGraph::build(&ds);
    assert!(g.csr.has_many_suppliers());
    let settings = Settings::default();
    let ctx = Ctx::new(&ds, &g, &settings, g.products.clone());
    let est = Estimates::new(&ctx).expect("blank shares are estimated");
    let product = g.products[0].1;
    let mut engine = Engine::new(&g, ds.entities.len());
    let (mut compared, mut marked) = (0, 0);
    for e in 0..ds.entities.len() {
        let e = EntityIx(e as u32);
        engine.cone(&[e]);
        let failed = |x: EntityIx| x == e;
        let mut whole = vec![false; g.node_count()];
        rests(
            &ctx,
            &est,
            engine.caps(),
            engine.touched(),
            failed,
            &mut whole,
            None,
        );
        let mut taint = Taint::new(Some(&est));
        taint.rests_on(&ctx, &est, &engine, failed, product);
        for &v in engine.touched() {
            assert_eq!(taint.marks[v.ix()], whole[v.ix()], "{e:?} {v:?}");
            compared += 1;
            marked += usize::from(whole[v.ix()]);
        }
    }
    assert!(
        compared > 100 && marked > 10,
        "{compared} compared, {marked} marked"
    );
}
