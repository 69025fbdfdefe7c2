//! Hand-worked examples of requirements (DATA-MODEL.md, rules 3): substitutes (`bom.csv`
//! `group`) and distributors (`entities.csv` `kind`), each number worked out in the comments.

mod common;

use std::collections::BTreeMap;
use tierscope::analysis::findings::{Details, Finding, VisibilityDetails};
use tierscope::analysis::{Report, Settings, analyze};
use tierscope::graph::ProductionGraph;
use tierscope::model::Dataset;
use tierscope::whatif;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// A dataset from its CSV text; `countries.csv` is JP trusted, CN untrusted, US and KE trusted.
fn dataset(entities: &str, items: &str, bom: &str, supply: &str, products: &str) -> Dataset {
    common::load(&common::Files::from([
        (
            "countries.csv",
            "code,trust\nJP,trusted\nCN,untrusted\nUS,trusted\nKE,trusted\n".to_string(),
        ),
        ("entities.csv", entities.to_string()),
        ("items.csv", items.to_string()),
        ("bom.csv", bom.to_string()),
        ("supply.csv", supply.to_string()),
        ("products.csv", products.to_string()),
    ]))
}

/// Each end product's capacity (`entity:item`) with `failed` failed, from the engine.
fn capacities(ds: &Dataset, failed: &[&str]) -> BTreeMap<String, f64> {
    let g = ProductionGraph::build(ds);
    let specs: Vec<String> = failed.iter().map(|e| format!("entity:{e}")).collect();
    whatif::run(ds, &g, &specs)
        .unwrap()
        .products
        .into_iter()
        .map(|p| (format!("{}:{}", p.entity, p.item), p.capacity))
        .collect()
}

fn report(ds: &Dataset, settings: &Settings) -> Report {
    analyze(ds, &ProductionGraph::build(ds), settings).unwrap()
}

fn find<'a>(r: &'a Report, id: &str) -> Option<&'a Finding> {
    r.findings.iter().map(|f| f.as_ref()).find(|f| f.id == id)
}

// ---------------------------------------------------------------------------------------------
// Substitutes: the test-kit case of issue #15.
//
// A testing programme in Kenya needs an HIV rapid test kit: either of two qualified kits, 60 %
// of its kits from a Japanese maker, 40 % from a Chinese one (CN untrusted). The two kits are
// one requirement: with China failed, 0.6·1 + 0.4·0 = 0.6 of the programme's capacity is left.
// As two plain inputs (the old model) each kit would be required, and China would stop it.

const KIT_ENTITIES: &str = "id,name,country\nlab-ke,Kenya testing programme,KE\nkits-jp,Kit maker Japan,JP\nkits-cn,Kit maker China,CN\n";
const KIT_ITEMS: &str =
    "id,name\ntesting,HIV testing\nkit-jp,Rapid test kit (Japan)\nkit-cn,Rapid test kit (China)\n";
const KIT_SUPPLY: &str =
    "supplier,buyer,item,share\nkits-jp,lab-ke,kit-jp,0.6\nkits-cn,lab-ke,kit-cn,0.4\n";
const KIT_PRODUCT: &str = "entity,item\nlab-ke,testing\n";

fn kits(bom: &str, supply: &str) -> Dataset {
    dataset(KIT_ENTITIES, KIT_ITEMS, bom, supply, KIT_PRODUCT)
}

const KIT_GROUP: &str = "item,input,group\ntesting,kit-jp,hiv-kit\ntesting,kit-cn,hiv-kit\n";

#[test]
fn either_test_kit_keeps_sixty_percent_when_china_fails() {
    let ds = kits(KIT_GROUP, KIT_SUPPLY);
    assert!(close(capacities(&ds, &["kits-cn"])["lab-ke:testing"], 0.6));
    assert!(close(capacities(&ds, &["kits-jp"])["lab-ke:testing"], 0.4));
    assert_eq!(
        capacities(&ds, &["kits-jp", "kits-cn"])["lab-ke:testing"],
        0.0
    );

    let r = report(&ds, &Settings::default());
    let p = &r.products[0];
    // Untrusted exposure 1 − 0.6 = 0.4, not "100 % dependent on untrusted suppliers".
    assert!(close(p.untrusted_exposure, 0.4), "{}", p.untrusted_exposure);
    assert!(
        !p.spof
            .contains_key(&tierscope::analysis::groups::Level::Country)
    );
    assert!(find(&r, "spof:country:CN:lab-ke:testing").is_none());
    assert!(find(&r, "spof:entity:kits-cn:lab-ke:testing").is_none());
    let f = find(&r, "untrusted_exposure:untrusted:untrusted:lab-ke:testing").unwrap();
    assert!(close(f.metric.value, 0.4));
    // The evidence says the Chinese kit meets a requirement either kit meets.
    let first = &f.evidence[0][0];
    assert_eq!((&*first.entity, &*first.item), ("kits-cn", "kit-cn"));
    let subs: Vec<&str> = first.substitutes().iter().map(|s| &**s).collect();
    assert_eq!(subs, ["kit-cn", "kit-jp"]);
    assert!(f.evidence[0].last().unwrap().substitutes().is_empty());
    // Capacity at risk at a threshold that 0.6 falls under: the same evidence.
    let strict = Settings {
        capacity_threshold: 0.3,
        ..Settings::default()
    };
    let r = report(&ds, &strict);
    let f = find(&r, "capacity_at_risk:entity:kits-cn:lab-ke:testing").unwrap();
    assert!(close(f.metric.value, 0.6));
    assert_eq!(f.evidence[0][0].substitutes().len(), 2);
}

#[test]
fn the_same_rows_as_two_plain_inputs_stop_when_either_maker_fails() {
    // Without `group`, each kit is a requirement of its own: its one row is all of it
    // (coverage 0.6 and 0.4, each rescaled to 1), so either failure stops the programme.
    let ds = kits("item,input\ntesting,kit-jp\ntesting,kit-cn\n", KIT_SUPPLY);
    assert_eq!(capacities(&ds, &["kits-cn"])["lab-ke:testing"], 0.0);
    assert_eq!(capacities(&ds, &["kits-jp"])["lab-ke:testing"], 0.0);
    let r = report(&ds, &Settings::default());
    assert!(close(r.products[0].untrusted_exposure, 1.0));
    assert!(find(&r, "spof:country:CN:lab-ke:testing").is_some());
}

#[test]
fn a_blank_share_splits_what_the_whole_requirement_leaves() {
    // 0.6 given for the Japanese kit; the Chinese kit's row is blank: it takes 1 − 0.6 = 0.4 of
    // the requirement (per item it would take all of its own item: 1).
    let ds = kits(
        KIT_GROUP,
        "supplier,buyer,item,share\nkits-jp,lab-ke,kit-jp,0.6\nkits-cn,lab-ke,kit-cn,\n",
    );
    assert!(close(capacities(&ds, &["kits-cn"])["lab-ke:testing"], 0.6));
    let r = report(&ds, &Settings::default());
    assert!(close(r.products[0].coverage, 1.0));
}

#[test]
fn shares_are_rescaled_over_the_requirement_and_coverage_is_their_sum() {
    // 0.48 + 0.32 = 0.8 mapped: coverage 0.8, weights 0.6 and 0.4 once rescaled.
    let ds = kits(
        KIT_GROUP,
        "supplier,buyer,item,share\nkits-jp,lab-ke,kit-jp,0.48\nkits-cn,lab-ke,kit-cn,0.32\n",
    );
    assert!(close(capacities(&ds, &["kits-cn"])["lab-ke:testing"], 0.6));
    let r = report(&ds, &Settings::default());
    assert!(close(r.products[0].coverage, 0.8));
    // One partly mapped requirement, named by both kits.
    let f = find(&r, "visibility_gap:-:lab-ke:lab-ke:testing").unwrap();
    let Details::Visibility(v) = &f.details else {
        panic!("{:?}", f.details)
    };
    let VisibilityDetails {
        gaps,
        partly_mapped_inputs,
        unmapped_inputs,
    } = &**v;
    assert_eq!((*partly_mapped_inputs, *unmapped_inputs), (1, 0));
    assert_eq!(&*gaps[0].input, "kit-cn|kit-jp");
    assert_eq!(gaps[0].substitutes.as_slice().len(), 2);
    assert!(close(gaps[0].coverage, 0.8));
}

#[test]
fn an_unmapped_requirement_of_substitutes_is_one_gap() {
    // Nothing delivers either kit: one unmapped requirement, counted as available.
    let ds = kits(KIT_GROUP, "supplier,buyer,item,share\n");
    assert_eq!(capacities(&ds, &[])["lab-ke:testing"], 1.0);
    let r = report(&ds, &Settings::default());
    let f = find(&r, "visibility_gap:-:lab-ke:lab-ke:testing").unwrap();
    let Details::Visibility(v) = &f.details else {
        panic!("{:?}", f.details)
    };
    let VisibilityDetails {
        gaps,
        unmapped_inputs,
        ..
    } = &**v;
    assert_eq!(*unmapped_inputs, 1);
    assert_eq!(gaps.len(), 1);
    assert_eq!(&*gaps[0].input, "kit-cn|kit-jp");
    assert_eq!(r.products[0].coverage, 0.0);
}

#[test]
fn concentration_is_per_requirement_and_sums_a_suppliers_substitutes() {
    // One requirement (kit-cn or kit-jp) at lab-ke. kits-jp delivers both kits: 0.5 of kit-jp
    // and 0.2 of kit-cn, so it is one supplier of 0.7; kits-cn delivers 0.3 of kit-cn.
    // Supplier HHI = 0.7² + 0.3² = 0.58; by country JP 0.7, CN 0.3: the same 0.58, top JP 0.7;
    // untrusted share 0.3.
    let ds = kits(
        KIT_GROUP,
        "supplier,buyer,item,share\nkits-jp,lab-ke,kit-jp,0.5\nkits-jp,lab-ke,kit-cn,0.2\nkits-cn,lab-ke,kit-cn,0.3\n",
    );
    let r = report(&ds, &Settings::default());
    assert_eq!(r.concentration.len(), 1);
    let row = &r.concentration[0];
    assert_eq!((&*row.buyer, &*row.item), ("lab-ke", "kit-cn|kit-jp"));
    let subs: Vec<&str> = row.substitutes.as_slice().iter().map(|s| &**s).collect();
    assert_eq!(subs, ["kit-cn", "kit-jp"]);
    assert_eq!(row.suppliers, 2);
    assert!(close(row.supplier_hhi, 0.58), "{}", row.supplier_hhi);
    assert!(close(row.country_hhi, 0.58));
    assert!(close(row.untrusted_share, 0.3));
    assert_eq!((&*row.top_country, row.top_country_share), ("JP", 0.7));
    let f = find(&r, "concentration:-:lab-ke:kit-cn|kit-jp").unwrap();
    assert!(
        f.message
            .contains("Rapid test kit (China) or Rapid test kit (Japan)"),
        "{}",
        f.message
    );
    // The concentration of the old model, per item, for contrast: kit-cn from two suppliers.
    let plain = kits(
        "item,input\ntesting,kit-jp\ntesting,kit-cn\n",
        "supplier,buyer,item,share\nkits-jp,lab-ke,kit-jp,0.5\nkits-jp,lab-ke,kit-cn,0.2\nkits-cn,lab-ke,kit-cn,0.3\n",
    );
    assert_eq!(report(&plain, &Settings::default()).concentration.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Distributors.
//
// Direct: maker M (US) makes `chip` from `wafer` bought from W (JP); buyers B1 and B2 (KE) make
// `board` from chips: B1 all from M, B2 0.6 from M and 0.4 from N (CN).
// Through a distributor D (US): M sells all its chips to D, and D sells to B1 (1) and B2 (0.6).
// D passes chips on: its node needs {chip}, met by M; chip's BOM (wafer) does not apply to D.

const CHIP_ITEMS: &str = "id,name\nboard,Board\nchip,Chip\nwafer,Wafer\n";
const CHIP_BOM: &str = "item,input\nboard,chip\nchip,wafer\n";
const CHIP_PRODUCTS: &str = "entity,item\nB1,board\nB2,board\n";

fn chips(with_distributor: bool) -> Dataset {
    let entities = "id,name,country,kind\nB1,Board maker 1,KE,\nB2,Board maker 2,KE,\nM,Chip maker,US,fab\nN,Chip maker China,CN,fab\nW,Wafer maker,JP,\nD,Chip distributor,US,Distributor\n";
    let supply = if with_distributor {
        "supplier,buyer,item,share\nW,M,wafer,1\nW,N,wafer,1\nM,D,chip,1\nD,B1,chip,1\nD,B2,chip,0.6\nN,B2,chip,0.4\n"
    } else {
        "supplier,buyer,item,share\nW,M,wafer,1\nW,N,wafer,1\nM,B1,chip,1\nM,B2,chip,0.6\nN,B2,chip,0.4\n"
    };
    dataset(entities, CHIP_ITEMS, CHIP_BOM, supply, CHIP_PRODUCTS)
}

#[test]
fn a_distributor_gives_the_capacities_of_the_direct_supply_it_replaces() {
    let (direct, through) = (chips(false), chips(true));
    // Every set of failures among the makers and buyers (D is not in the direct data).
    let names = ["B1", "B2", "M", "N", "W"];
    for mask in 0u32..(1 << names.len()) {
        let failed: Vec<&str> = (0..names.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| names[i])
            .collect();
        assert_eq!(
            capacities(&direct, &failed),
            capacities(&through, &failed),
            "failed: {failed:?}"
        );
    }
    // A few by hand: M failed leaves B1 nothing and B2 N's 0.4.
    let c = capacities(&through, &["M"]);
    assert_eq!((c["B1:board"], c["B2:board"]), (0.0, 0.4));
}

#[test]
fn a_distributors_own_failure_stops_what_only_it_delivers() {
    let through = chips(true);
    // D fails: B1 got all its chips through D (0), B2 keeps N's 0.4.
    let c = capacities(&through, &["D"]);
    assert_eq!((c["B1:board"], c["B2:board"]), (0.0, 0.4));
    let r = report(&through, &Settings::default());
    let f = find(&r, "spof:entity:D:B1:board").unwrap();
    // Evidence: M's chip, then D passing it on (marked), then B1's board.
    let path: Vec<(&str, &str, bool)> = f.evidence[0]
        .iter()
        .map(|n| (&*n.entity, &*n.item, n.is_distributor()))
        .collect();
    assert_eq!(path, [("D", "chip", true), ("B1", "board", false)]);
    // M is a single point of failure of B1 through D, and the path shows D passing it on.
    let f = find(&r, "spof:entity:M:B1:board").unwrap();
    let path: Vec<(&str, bool)> = f.evidence[0]
        .iter()
        .map(|n| (&*n.entity, n.is_distributor()))
        .collect();
    assert_eq!(path, [("M", false), ("D", true), ("B1", false)]);
}

#[test]
fn a_distributor_between_a_maker_and_two_buyers_stops_both_when_it_fails() {
    // The case: M -> D -> {B1, B2}, nothing else.
    let entities = "id,name,country,kind\nB1,Board maker 1,KE,\nB2,Board maker 2,KE,\nM,Chip maker,US,\nD,Chip distributor,US,distributor\n";
    let through = dataset(
        entities,
        CHIP_ITEMS,
        "item,input\nboard,chip\n",
        "supplier,buyer,item\nM,D,chip\nD,B1,chip\nD,B2,chip\n",
        CHIP_PRODUCTS,
    );
    let direct = dataset(
        entities,
        CHIP_ITEMS,
        "item,input\nboard,chip\n",
        "supplier,buyer,item\nM,B1,chip\nM,B2,chip\n",
        CHIP_PRODUCTS,
    );
    for failed in [vec![], vec!["M"], vec!["B1"], vec!["B2"]] {
        assert_eq!(capacities(&direct, &failed), capacities(&through, &failed));
    }
    let c = capacities(&through, &["D"]);
    assert_eq!((c["B1:board"], c["B2:board"]), (0.0, 0.0));
    let r = report(&through, &Settings::default());
    assert!(find(&r, "spof:entity:D:B1:board").is_some());
    assert!(find(&r, "spof:entity:D:B2:board").is_some());
}

#[test]
fn distributors_chain_and_can_be_end_products() {
    // M -> D1 -> D2 -> B, and D2 itself reported on as an end product (its chip supply).
    // D1 is listed after D2 in the file, so the node order must come from the chain.
    let entities = "id,name,country,kind\nB,Board maker,KE,\nM,Chip maker,US,\nD2,Regional distributor,KE,distributor\nD1,Global distributor,US,distributor\n";
    let ds = dataset(
        entities,
        CHIP_ITEMS,
        "item,input\nboard,chip\n",
        "supplier,buyer,item\nM,D1,chip\nD1,D2,chip\nD2,B,chip\n",
        "entity,item\nB,board\nD2,chip\n",
    );
    for stop in ["M", "D1", "D2"] {
        let c = capacities(&ds, &[stop]);
        assert_eq!((c["B:board"], c["D2:chip"]), (0.0, 0.0), "{stop}");
    }
    let r = report(&ds, &Settings::default());
    let path: Vec<&str> = find(&r, "spof:entity:M:B:board").unwrap().evidence[0]
        .iter()
        .map(|n| &*n.entity)
        .collect();
    assert_eq!(path, ["M", "D1", "D2", "B"]);
    assert!(find(&r, "spof:entity:D1:D2:chip").is_some());
}

#[test]
fn a_restricted_maker_behind_a_distributor_is_found_with_the_path_through_it() {
    let entities = "id,name,country,kind,restricted\nB,Board maker,KE,,\nM,Chip maker,US,,true\nD,Distributor,US,distributor,\n";
    let ds = dataset(
        entities,
        CHIP_ITEMS,
        "item,input\nboard,chip\n",
        "supplier,buyer,item\nM,D,chip\nD,B,chip\n",
        "entity,item\nB,board\n",
    );
    let r = report(&ds, &Settings::default());
    let f = find(&r, "restricted_party:entity:M:B:board").unwrap();
    assert_eq!(f.metric.value, 0.0);
    let path: Vec<(&str, bool)> = f.evidence[0]
        .iter()
        .map(|n| (&*n.entity, n.is_distributor()))
        .collect();
    assert_eq!(path, [("M", false), ("D", true), ("B", false)]);
    // The graph: D's node needs only chips, whatever chip's BOM says.
    let g = ProductionGraph::build(&ds);
    let d = g.node_of[&(ds.entity_ix["D"], ds.item_ix["chip"])];
    assert!(g.is_pass_through(d));
    assert_eq!(g.inputs[d.ix()].len(), 1);
    assert_eq!(g.req_items(g.inputs[d.ix()][0].req), [ds.item_ix["chip"]]);
}
