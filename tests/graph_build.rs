//! The production graph and party facts of DATA-MODEL.md, on small hand-made datasets whose
//! expected numbers are worked out by hand in the comments.

use petgraph::visit::EdgeRef;
use std::collections::BTreeSet;
use std::path::Path;
use tierscope::graph::parties::{Parties, RestrictedWhy};
use tierscope::graph::requirements::ReqIx;
use tierscope::graph::{InputSlot, NodeIx, ProductionGraph};
use tierscope::model::{Dataset, EntityIx, ItemIx};
use tierscope_core::Error;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

// ---------------------------------------------------------------------------------------------
// Helpers

const REQUIRED: [(&str, &str); 6] = [
    (
        "countries.csv",
        "code,trust\nUS,trusted\nCN,untrusted\nDE,neutral\n",
    ),
    ("entities.csv", "id,name,country\n"),
    ("items.csv", "id,name\n"),
    ("bom.csv", "item,input\n"),
    ("supply.csv", "supplier,buyer,item,share,qualified\n"),
    ("products.csv", "entity,item\n"),
];

/// Loads a dataset made of `files`; required files not given are header-only (countries:
/// US trusted, CN untrusted, DE neutral).
fn load(files: &[(&str, &str)]) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in REQUIRED {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    load_dir(dir.path())
}

fn load_dir(dir: &Path) -> Dataset {
    match tierscope::ingest::load(dir) {
        Ok(loaded) => loaded.dataset,
        Err(Error::InvalidDataset { diagnostics, .. }) => panic!(
            "dataset is invalid:\n{}",
            diagnostics
                .iter()
                .map(|d| format!("  {d}\n"))
                .collect::<String>()
        ),
        Err(e) => panic!("{e}"),
    }
}

/// Entities `ids`, all in the US.
fn entities(ids: &[&str]) -> String {
    let mut s = String::from("id,name,country\n");
    for id in ids {
        s.push_str(&format!("{id},Firm {id},US\n"));
    }
    s
}

fn items(ids: &[&str]) -> String {
    let mut s = String::from("id,name\n");
    for id in ids {
        s.push_str(&format!("{id},Item {id}\n"));
    }
    s
}

fn e(ds: &Dataset, id: &str) -> EntityIx {
    ds.entity_ix[id]
}

fn i(ds: &Dataset, id: &str) -> ItemIx {
    ds.item_ix[id]
}

/// The node of (entity, item).
fn node(g: &ProductionGraph, ds: &Dataset, entity: &str, item: &str) -> NodeIx {
    *g.node_of
        .get(&(e(ds, entity), i(ds, item)))
        .unwrap_or_else(|| panic!("no node ({entity}, {item})"))
}

/// (entity, item) of a node, as ids.
fn pair(g: &ProductionGraph, ds: &Dataset, n: NodeIx) -> (String, String) {
    let p = g.node(n);
    (ds.entity(p.entity).id.clone(), ds.item(p.item).id.clone())
}

/// The input slots of (entity, item).
fn slots<'a>(g: &'a ProductionGraph, ds: &Dataset, entity: &str, item: &str) -> &'a [InputSlot] {
    &g.inputs[node(g, ds, entity, item).ix()]
}

/// The suppliers of one slot as (supplier entity id, weight), sorted by id.
fn suppliers(g: &ProductionGraph, ds: &Dataset, slot: &InputSlot) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = g
        .suppliers(slot)
        .iter()
        .map(|(s, w)| {
            let p = g.node(s);
            assert!(
                g.req_items(slot.req).contains(&p.item),
                "a supplier node makes an item of the slot's requirement"
            );
            (ds.entity(p.entity).id.clone(), w)
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn assert_weights(got: &[(String, f64)], want: &[(&str, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for ((gs, gw), (ws, ww)) in got.iter().zip(want) {
        assert!(gs == ws && close(*gw, *ww), "{got:?} vs {want:?}");
    }
}

/// All edges as ((supplier, item) -> (buyer, item), share), sorted.
fn edges(g: &ProductionGraph, ds: &Dataset) -> Vec<(String, String, String, String, f64)> {
    let mut v: Vec<_> = g
        .graph
        .edge_references()
        .map(|r| {
            let (se, si) = pair(g, ds, NodeIx::of(r.source()));
            let (be, bi) = pair(g, ds, NodeIx::of(r.target()));
            (se, si, be, bi, r.weight().share)
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1, &a.2, &a.3).cmp(&(&b.0, &b.1, &b.2, &b.3)));
    v
}

/// The graph is a DAG and `topo` lists every node once, suppliers before buyers.
fn assert_dag_and_topo(g: &ProductionGraph) {
    assert!(!petgraph::algo::is_cyclic_directed(&g.graph));
    let n = g.node_count();
    let mut position = vec![usize::MAX; n];
    assert_eq!(g.topo.len(), n);
    for (p, &v) in g.topo.iter().enumerate() {
        assert_eq!(position[v.ix()], usize::MAX, "node {v:?} twice in topo");
        position[v.ix()] = p;
    }
    for r in g.graph.edge_references() {
        assert!(
            position[r.source().index()] < position[r.target().index()],
            "edge {:?} -> {:?} goes against topo",
            r.source(),
            r.target()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Shares

/// a makes p from x; s1 gives 0.2 of a's x, s2 gives 0.3.
const PARTIAL: [(&str, &str); 5] = [
    (
        "entities.csv",
        "id,name,country\na,A,US\ns1,S1,US\ns2,S2,US\n",
    ),
    ("items.csv", "id,name\np,P\nx,X\n"),
    ("bom.csv", "item,input\np,x\n"),
    (
        "supply.csv",
        "supplier,buyer,item,share\ns1,a,x,0.2\ns2,a,x,0.3\n",
    ),
    ("products.csv", "entity,item\na,p\n"),
];

#[test]
fn partial_shares_are_rescaled_and_coverage_is_their_sum() {
    // 0.2 + 0.3 = 0.5 mapped: coverage 0.5; rescaled 0.2/0.5 = 0.4 and 0.3/0.5 = 0.6.
    let ds = load(&PARTIAL);
    let g = ProductionGraph::build(&ds);
    // Nodes: (s1, x), (s2, x), (a, p).
    assert_eq!(g.node_count(), 3);
    let slot = &slots(&g, &ds, "a", "p")[0];
    assert_eq!(slot.req, ReqIx::single(i(&ds, "x")));
    assert!(close(slot.coverage, 0.5), "{}", slot.coverage);
    assert_weights(&suppliers(&g, &ds, slot), &[("s1", 0.4), ("s2", 0.6)]);
    // The same on the petgraph edges, with the supply row each comes from.
    let into: Vec<(NodeIx, f64, u32)> = {
        let mut v: Vec<_> = g
            .graph
            .edges_directed(
                node(&g, &ds, "a", "p").index(),
                petgraph::Direction::Incoming,
            )
            .map(|r| (NodeIx::of(r.source()), r.weight().share, r.weight().row))
            .collect();
        v.sort_by_key(|t| t.2);
        v
    };
    assert_eq!(into.len(), 2);
    assert_eq!(into[0].0, node(&g, &ds, "s1", "x"));
    assert!(close(into[0].1, 0.4) && into[0].2 == 0);
    assert_eq!(into[1].0, node(&g, &ds, "s2", "x"));
    assert!(close(into[1].1, 0.6) && into[1].2 == 1);
}

#[test]
fn blank_shares_split_the_remainder_equally() {
    // 0.3 given; two blanks split 1 - 0.3 = 0.7: 0.35 each. Coverage 1.
    let ds = load(&[
        ("entities.csv", &entities(&["a", "s1", "s2", "s3"])),
        ("items.csv", &items(&["p", "x"])),
        ("bom.csv", "item,input\np,x\n"),
        (
            "supply.csv",
            "supplier,buyer,item,share\ns1,a,x,0.3\ns2,a,x,\ns3,a,x,\n",
        ),
        ("products.csv", "entity,item\na,p\n"),
    ]);
    let g = ProductionGraph::build(&ds);
    let slot = &slots(&g, &ds, "a", "p")[0];
    assert_eq!(slot.coverage, 1.0);
    assert_weights(
        &suppliers(&g, &ds, slot),
        &[("s1", 0.3), ("s2", 0.35), ("s3", 0.35)],
    );
}

#[test]
fn all_blank_shares_are_equal() {
    // Four blanks: 0.25 each, coverage 1.
    let ds = load(&[
        ("entities.csv", &entities(&["a", "s1", "s2", "s3", "s4"])),
        ("items.csv", &items(&["p", "x"])),
        ("bom.csv", "item,input\np,x\n"),
        (
            "supply.csv",
            "supplier,buyer,item\ns1,a,x\ns2,a,x\ns3,a,x\ns4,a,x\n",
        ),
        ("products.csv", "entity,item\na,p\n"),
    ]);
    let g = ProductionGraph::build(&ds);
    let slot = &slots(&g, &ds, "a", "p")[0];
    assert_eq!(slot.coverage, 1.0);
    assert_weights(
        &suppliers(&g, &ds, slot),
        &[("s1", 0.25), ("s2", 0.25), ("s3", 0.25), ("s4", 0.25)],
    );
}

#[test]
fn unqualified_rows_give_no_edge_but_make_a_node() {
    // s1 gives all of a's x; s2 is a known alternate (0.5, not qualified): it adds nothing to
    // the shares (s1 keeps 1, coverage 1), but s2 does make x, so (s2, x) is a node, alone.
    // y is delivered to a only by an unqualified alternate s3: y is unmapped.
    let ds = load(&[
        ("entities.csv", &entities(&["a", "s1", "s2", "s3"])),
        ("items.csv", &items(&["p", "x", "y"])),
        ("bom.csv", "item,input\np,x\np,y\n"),
        (
            "supply.csv",
            "supplier,buyer,item,share,qualified\ns1,a,x,1,\ns2,a,x,0.5,false\ns3,a,y,,no\n",
        ),
        ("products.csv", "entity,item\na,p\n"),
    ]);
    let g = ProductionGraph::build(&ds);
    // Nodes: (s1, x), (s2, x), (s3, y), (a, p).
    assert_eq!(g.node_count(), 4);
    assert_eq!(g.edge_count(), 1);
    for (ent, item) in [("s2", "x"), ("s3", "y")] {
        let n = node(&g, &ds, ent, item).index();
        assert_eq!(
            g.graph.neighbors_undirected(n).count(),
            0,
            "({ent}, {item})"
        );
        assert!(g.inputs[n.index()].is_empty());
    }
    let s = slots(&g, &ds, "a", "p");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].coverage, 1.0);
    assert_weights(&suppliers(&g, &ds, &s[0]), &[("s1", 1.0)]);
    assert_eq!(s[1].req, ReqIx::single(i(&ds, "y")));
    assert!(!s[1].is_mapped());
    assert_eq!(s[1].coverage, 0.0);
}

#[test]
fn unmapped_inputs_have_coverage_zero_and_no_suppliers() {
    // p needs x, y and z (in that BOM order); only x is delivered to a.
    let ds = load(&[
        ("entities.csv", &entities(&["a", "s1"])),
        ("items.csv", &items(&["p", "x", "y", "z"])),
        ("bom.csv", "item,input\np,x\np,y\np,z\n"),
        ("supply.csv", "supplier,buyer,item,share\ns1,a,x,0.7\n"),
        ("products.csv", "entity,item\na,p\n"),
    ]);
    let g = ProductionGraph::build(&ds);
    let s = slots(&g, &ds, "a", "p");
    let items_in_order: Vec<ItemIx> = s.iter().map(|slot| g.req_items(slot.req)[0]).collect();
    assert_eq!(items_in_order, vec![i(&ds, "x"), i(&ds, "y"), i(&ds, "z")]);
    // x: 0.7 given, coverage 0.7, rescaled to 1.
    assert!(close(s[0].coverage, 0.7));
    assert_weights(&suppliers(&g, &ds, &s[0]), &[("s1", 1.0)]);
    for slot in &s[1..] {
        assert!(!slot.is_mapped());
        assert!(g.suppliers(slot).is_empty());
        assert_eq!(slot.coverage, 0.0);
    }
    // s1's x needs nothing: a raw material, no slots.
    assert!(slots(&g, &ds, "s1", "x").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Shape of the graph

#[test]
fn entities_trading_both_ways_still_give_a_dag_with_one_node_per_pair() {
    // Items: r (raw) -> x -> y -> p, each needs the one before.
    // b sells r to a; a makes x and sells it to b and to c; b makes y and sells it to a; a makes
    // p. a also lists x as an end product. a and b trade both ways; the production graph
    // is still a chain:
    //   (b, r) -> (a, x) -> (b, y) -> (a, p)
    // and (a, x) is one node, though it appears in two supply rows and in products.csv.
    let ds = load(&[
        ("entities.csv", &entities(&["a", "b", "c"])),
        ("items.csv", &items(&["r", "x", "y", "p"])),
        ("bom.csv", "item,input\nx,r\ny,x\np,y\n"),
        (
            "supply.csv",
            "supplier,buyer,item,share\nb,a,r,1\na,b,x,1\nb,a,y,1\na,c,x,1\n",
        ),
        ("products.csv", "entity,item\na,p\na,x\n"),
    ]);
    let g = ProductionGraph::build(&ds);
    let nodes: BTreeSet<(String, String)> = (0..g.node_count() as u32)
        .map(|n| pair(&g, &ds, NodeIx(n)))
        .collect();
    let want: BTreeSet<(String, String)> = [("a", "p"), ("a", "x"), ("b", "r"), ("b", "y")]
        .iter()
        .map(|(e, i)| (e.to_string(), i.to_string()))
        .collect();
    assert_eq!(nodes, want);
    assert_eq!(g.node_count(), 4, "one node per pair");
    assert_eq!(g.node_of.len(), 4);
    let got = edges(&g, &ds);
    let want = vec![
        ("a".into(), "x".into(), "b".into(), "y".into(), 1.0),
        ("b".into(), "r".into(), "a".into(), "x".into(), 1.0),
        ("b".into(), "y".into(), "a".into(), "p".into(), 1.0),
    ];
    assert_eq!(got, want);
    assert_dag_and_topo(&g);
    // The product list points at the right nodes.
    let products: Vec<(String, String)> =
        g.products.iter().map(|&(_, n)| pair(&g, &ds, n)).collect();
    assert_eq!(
        products,
        vec![("a".into(), "p".into()), ("a".into(), "x".into())]
    );
}

#[test]
fn mini_fixture_graph_has_the_hand_computed_nodes_and_edges() {
    // Nodes: every (supplier, item) of supply.csv and (entity, item) of products.csv:
    // fab-tw/die, fab-cn/die, wafer-jp/wafer, wafer-de/wafer, resist-jp/resist, ga-cn/gallium,
    // wafer-de/die (unqualified alternate), oem-us/chip: 8 (fab-cn/die is in both files).
    //
    // Edges (qualified rows whose buyer makes something needing the item), rescaled:
    //   die of oem-us:      fab-tw 0.6, fab-cn 0.4 (sum 1)
    //   wafer of fab-tw:    wafer-jp 0.5, wafer-de blank -> 0.5
    //   resist of fab-tw:   resist-jp 1
    //   wafer of fab-cn:    wafer-jp 1
    //   gallium of wafer-jp: ga-cn 1
    //   gallium of wafer-de: ga-cn 0.5 -> rescaled 1, coverage 0.5
    // wafer-de/die has no edge in: nothing delivers wafer or resist to wafer-de.
    let ds = load_dir(Path::new(MINI));
    let g = ProductionGraph::build(&ds);
    assert_eq!(g.node_count(), 8);
    let got = edges(&g, &ds);
    let want: Vec<(&str, &str, &str, &str, f64)> = vec![
        ("fab-cn", "die", "oem-us", "chip", 0.4),
        ("fab-tw", "die", "oem-us", "chip", 0.6),
        ("ga-cn", "gallium", "wafer-de", "wafer", 1.0),
        ("ga-cn", "gallium", "wafer-jp", "wafer", 1.0),
        ("resist-jp", "resist", "fab-tw", "die", 1.0),
        ("wafer-de", "wafer", "fab-tw", "die", 0.5),
        ("wafer-jp", "wafer", "fab-cn", "die", 1.0),
        ("wafer-jp", "wafer", "fab-tw", "die", 0.5),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g_, w) in got.iter().zip(&want) {
        assert!(
            g_.0 == w.0 && g_.1 == w.1 && g_.2 == w.2 && g_.3 == w.3 && close(g_.4, w.4),
            "{g_:?} vs {w:?}"
        );
    }
    assert!(close(slots(&g, &ds, "wafer-de", "wafer")[0].coverage, 0.5));
    // wafer-de/die: both inputs unmapped.
    assert!(
        slots(&g, &ds, "wafer-de", "die")
            .iter()
            .all(|s| !s.is_mapped() && s.coverage == 0.0)
    );
    // fab-cn/die: wafer mapped, resist unmapped.
    let s = slots(&g, &ds, "fab-cn", "die");
    let coverage = |id: &str| {
        s.iter()
            .find(|x| x.req == ReqIx::single(i(&ds, id)))
            .unwrap()
            .coverage
    };
    assert_eq!((coverage("wafer"), coverage("resist")), (1.0, 0.0));
    assert_dag_and_topo(&g);
    // BOM levels: gallium and resist 0, wafer 1, die 2, chip 3.
    let level = |id: &str| g.item_level[i(&ds, id).ix()];
    assert_eq!(
        [
            level("gallium"),
            level("resist"),
            level("wafer"),
            level("die"),
            level("chip")
        ],
        [0, 0, 1, 2, 3]
    );
}

#[test]
fn topo_order_respects_edges_when_ids_sort_against_the_flow() {
    // Ids chosen so that sorting by id would put buyers first: item "a" is made from "b",
    // which is made from "c"; entity "z1" is the raw supplier, "a1" the final maker.
    let ds = load(&[
        ("entities.csv", &entities(&["a1", "m1", "z1"])),
        ("items.csv", &items(&["a", "b", "c"])),
        ("bom.csv", "item,input\na,b\nb,c\n"),
        ("supply.csv", "supplier,buyer,item\nz1,m1,c\nm1,a1,b\n"),
        ("products.csv", "entity,item\na1,a\n"),
    ]);
    let g = ProductionGraph::build(&ds);
    assert_eq!(g.node_count(), 3);
    assert_eq!(g.edge_count(), 2);
    assert_dag_and_topo(&g);
    let order: Vec<(String, String)> = g.topo.iter().map(|&n| pair(&g, &ds, n)).collect();
    assert_eq!(
        order,
        vec![
            ("z1".into(), "c".into()),
            ("m1".into(), "b".into()),
            ("a1".into(), "a".into())
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Owners, restricted parties, untrusted entities

/// Entities (all in the US unless said): h, m, s; r1, r2 restricted; targets of the 50 percent
/// rule; name-matched parties; cn-plain in CN; de-plain in DE.
const PARTIES_ENTITIES: &str = "\
id,name,country,restricted
h,Holdco,US,
m,Midco,US,
s,Subco,US,
r1,Red One,US,true
r2,Red Two,US,yes
t-direct,Direct Target,US,
sub,Restricted Sub,US,
t-indirect,Indirect Target,US,
t-two,Two Owners,US,
t-049,Almost Half,US,
t-minor,Minor Stake,US,
clean-mid,Clean Mid,US,
t-behind,Behind Clean Mid,US,
acme,Acme Trading Company,US,
acme-group,Acme Trading Group,US,
nova,Nova Opto-Electronics Inc.,US,
by-id,Listed By Id,US,
cn-plain,Plain China,CN,
de-plain,Plain Germany,DE,
";

const PARTIES_OWNERSHIP: &str = "\
owner,entity,share
h,m,0.6
m,s,0.51
r1,t-direct,0.5
r1,sub,0.6
sub,t-indirect,0.5
r1,t-two,0.25
r2,t-two,0.25
r1,t-049,0.25
r2,t-049,0.24
r1,t-minor,0.49
r1,clean-mid,0.4
clean-mid,t-behind,1
";

const PARTIES_RESTRICTED: &str = "\
name,entity,list
\"ACME  trading, Co. Ltd.\",,Entity List
NOVA OPTO ELECTRONICS,,SDN
Whatever Name,by-id,MEU
";

fn parties_dataset() -> (Dataset, Parties) {
    let ds = load(&[
        ("entities.csv", PARTIES_ENTITIES),
        ("ownership.csv", PARTIES_OWNERSHIP),
        ("restricted.csv", PARTIES_RESTRICTED),
    ]);
    let parties = Parties::compute(&ds);
    (ds, parties)
}

#[test]
fn ultimate_owner_follows_majority_chains_to_the_top() {
    // h holds 0.6 of m, m holds 0.51 of s: s -> m -> h.
    // r1 holds 0.6 of sub: sub -> r1. Exactly 0.5 is no majority: t-direct (0.5 by r1) and
    // t-indirect (0.5 by sub) are their own ultimate owners. clean-mid holds all of t-behind.
    let (ds, p) = parties_dataset();
    let top = |id: &str| ds.entity(p.ultimate_owner[e(&ds, id).ix()]).id.clone();
    for (entity, owner) in [
        ("s", "h"),
        ("m", "h"),
        ("h", "h"),
        ("sub", "r1"),
        ("t-direct", "t-direct"),
        ("t-indirect", "t-indirect"),
        ("t-behind", "clean-mid"),
        ("clean-mid", "clean-mid"),
        ("t-two", "t-two"),
        ("cn-plain", "cn-plain"),
    ] {
        assert_eq!(top(entity), owner, "ultimate owner of {entity}");
    }
    let majority = |id: &str| p.majority_owner[e(&ds, id).ix()].map(|o| ds.entity(o).id.clone());
    assert_eq!(majority("s").as_deref(), Some("m"));
    assert_eq!(majority("t-direct"), None);
    // The same through the graph.
    let g = ProductionGraph::build(&ds);
    assert_eq!(g.parties.ultimate_owner, p.ultimate_owner);
}

#[test]
fn fifty_percent_rule() {
    let (ds, p) = parties_dataset();
    let why = |id: &str| p.restricted[e(&ds, id).ix()].clone();
    let rule = |owners: &[(&str, f64)], total: f64| RestrictedWhy::FiftyPercentRule {
        owners: owners.iter().map(|(o, s)| (e(&ds, o), *s)).collect(),
        total,
    };
    assert_eq!(why("r1"), Some(RestrictedWhy::Flag));
    assert_eq!(why("r2"), Some(RestrictedWhy::Flag));
    // Direct: r1 holds exactly 0.5.
    assert_eq!(why("t-direct"), Some(rule(&[("r1", 0.5)], 0.5)));
    // Indirect: r1 holds 0.6 of sub (restricted by the rule), sub holds 0.5 of t-indirect.
    assert_eq!(why("sub"), Some(rule(&[("r1", 0.6)], 0.6)));
    assert_eq!(why("t-indirect"), Some(rule(&[("sub", 0.5)], 0.5)));
    // Two restricted owners, 0.25 each: together 0.5.
    assert_eq!(why("t-two"), Some(rule(&[("r1", 0.25), ("r2", 0.25)], 0.5)));
    // 0.25 + 0.24 = 0.49, and 0.49 alone: below half.
    assert_eq!(why("t-049"), None);
    assert_eq!(why("t-minor"), None);
    // r1 holds 0.4 of clean-mid (not restricted), which holds all of t-behind: neither is.
    assert_eq!(why("clean-mid"), None);
    assert_eq!(why("t-behind"), None);
    // Not owned by anyone restricted.
    for id in ["h", "m", "s", "cn-plain", "de-plain", "acme-group"] {
        assert_eq!(why(id), None, "{id}");
    }
}

#[test]
fn restricted_by_id_and_by_normalised_name() {
    let (ds, p) = parties_dataset();
    let why = |id: &str| p.restricted[e(&ds, id).ix()].clone();
    // "ACME  trading, Co. Ltd." and "Acme Trading Company" both normalise to "acme trading".
    assert_eq!(
        why("acme"),
        Some(RestrictedWhy::ListedByName {
            line: 2,
            listed_name: "ACME  trading, Co. Ltd.".into(),
            list: Some("Entity List".into()),
        })
    );
    // "Acme Trading Group" is another name.
    assert_eq!(why("acme-group"), None);
    // Punctuation and the legal form "Inc." do not matter.
    assert_eq!(
        why("nova"),
        Some(RestrictedWhy::ListedByName {
            line: 3,
            listed_name: "NOVA OPTO ELECTRONICS".into(),
            list: Some("SDN".into()),
        })
    );
    // A row naming an entity by id restricts it whatever the name says.
    assert_eq!(
        why("by-id"),
        Some(RestrictedWhy::ListedById {
            line: 4,
            list: Some("MEU".into()),
        })
    );
    // 2 flagged + 4 by the rule (t-direct, sub, t-indirect, t-two) + 3 listed.
    assert_eq!(p.restricted.iter().flatten().count(), 9);
}

/// Regression: legal-form words were dropped anywhere in a name, so "SE Asia Components"
/// (SE as in South-East) matched the listed "Asia Components Ltd".
#[test]
fn legal_word_inside_a_name_does_not_make_a_name_match() {
    let ds = load(&[
        (
            "entities.csv",
            "id,name,country\nsea,SE Asia Components,US\nac,Asia Components Inc,US\nrom,OOO Romashka,US\n",
        ),
        (
            "restricted.csv",
            "name\nAsia Components Ltd\nRomashka LLC\n",
        ),
    ]);
    let p = Parties::compute(&ds);
    let why = |id: &str| p.restricted[e(&ds, id).ix()].clone();
    assert_eq!(why("sea"), None);
    assert!(matches!(
        why("ac"),
        Some(RestrictedWhy::ListedByName { line: 2, .. })
    ));
    // A legal form written first (Russian style) is still ignored.
    assert!(matches!(
        why("rom"),
        Some(RestrictedWhy::ListedByName { line: 3, .. })
    ));
}

#[test]
fn untrusted_is_untrusted_country_or_restricted() {
    let (ds, p) = parties_dataset();
    let untrusted: BTreeSet<&str> = ds
        .entities
        .iter()
        .enumerate()
        .filter(|(k, _)| p.untrusted[*k])
        .map(|(_, ent)| ent.id.as_str())
        .collect();
    // cn-plain is in CN (untrusted); the nine restricted ones are in the US (trusted);
    // de-plain (neutral) and everyone else are not untrusted.
    let want: BTreeSet<&str> = [
        "cn-plain",
        "r1",
        "r2",
        "t-direct",
        "sub",
        "t-indirect",
        "t-two",
        "acme",
        "nova",
        "by-id",
    ]
    .into_iter()
    .collect();
    assert_eq!(untrusted, want);
}

#[test]
fn mini_fixture_parties() {
    // ga-cn is listed by id; parent-cn ("Mainland Holdings") matches the listed name
    // "Mainland Holdings Co. Ltd"; parent-cn's 0.3 of fab-cn is below half.
    // Untrusted: the CN entities fab-cn, ga-cn, parent-cn.
    // Ultimate owners: parent-jp holds 1 of wafer-jp and 0.8 of resist-jp.
    let ds = load_dir(Path::new(MINI));
    let p = Parties::compute(&ds);
    let restricted: BTreeSet<&str> = ds
        .entities
        .iter()
        .enumerate()
        .filter(|(k, _)| p.restricted[*k].is_some())
        .map(|(_, ent)| ent.id.as_str())
        .collect();
    assert_eq!(restricted, BTreeSet::from(["ga-cn", "parent-cn"]));
    let untrusted: BTreeSet<&str> = ds
        .entities
        .iter()
        .enumerate()
        .filter(|(k, _)| p.untrusted[*k])
        .map(|(_, ent)| ent.id.as_str())
        .collect();
    assert_eq!(untrusted, BTreeSet::from(["fab-cn", "ga-cn", "parent-cn"]));
    let top = |id: &str| ds.entity(p.ultimate_owner[e(&ds, id).ix()]).id.clone();
    assert_eq!(top("wafer-jp"), "parent-jp");
    assert_eq!(top("resist-jp"), "parent-jp");
    assert_eq!(top("fab-cn"), "fab-cn");
}

/// The graph holds no slack for the whole run: its edge list is reserved once, exactly, after
/// the slots are known (a buyer's rows feed each of its nodes that needs the item, so the
/// edges can outnumber the rows, and a list grown by doubling held twice the bytes at 1M
/// rows).
#[test]
fn edge_list_is_sized_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    for name in ["legacy-semiconductors", "biologic-ingredients"] {
        let ds = load_dir(&root.join(name));
        let g = ProductionGraph::build(&ds);
        let slots: usize = g
            .inputs
            .iter()
            .flatten()
            .map(|s| g.suppliers(s).len())
            .sum();
        assert_eq!(g.edge_count(), slots, "{name}");
        assert_eq!(
            g.graph.capacity().1,
            g.edge_count(),
            "{name}: edge capacity"
        );
        // The slots' supplier lists are the flat arrays' entries, held once, with no slack.
        let csr = &g.csr;
        assert_eq!(csr.sup_node.len(), slots, "{name}");
        assert_eq!(csr.sup_node.capacity(), slots, "{name}: supplier capacity");
        assert_eq!(csr.sup_share.capacity(), slots, "{name}: share capacity");
        for (n, inputs) in g.inputs.iter().enumerate() {
            let at = csr.slots(tierscope::graph::NodeIx(n as u32));
            assert_eq!(at.len(), inputs.len(), "{name}: node {n}");
            for (i, slot) in at.zip(inputs) {
                assert_eq!(slot.entries(), csr.suppliers(i), "{name}: node {n}");
                assert_eq!(slot.is_mapped(), !csr.suppliers(i).is_empty());
            }
        }
    }
}
