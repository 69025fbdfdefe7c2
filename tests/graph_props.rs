//! Properties of the production graph on random valid datasets (`tests/common`'s generator).
//!
//! The expected nodes, edges, coverages and weights are computed here from the CSV text and
//! the rules of DATA-MODEL.md, not from the library.

mod common;

use petgraph::visit::EdgeRef;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use tierscope::graph::{NodeIx, ProductionGraph};
use tierscope_core::Error;

/// A CSV file of the generator as rows of (column name -> trimmed cell). The generator writes
/// no quotes and no commas inside cells.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("a header")
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{l}");
            header
                .iter()
                .cloned()
                .zip(cells.iter().map(|c| c.trim().to_string()))
                .collect()
        })
        .collect()
}

type Pair = (String, String);
/// `supplier/item` -> weight.
type Weights = BTreeMap<String, f64>;

/// What the graph must be, from the CSV text alone.
struct Expected {
    nodes: BTreeSet<Pair>,
    /// For each (entity, item) node and each requirement (its items' ids joined by `|`):
    /// (coverage, `supplier/item` -> weight), or `None` when unmapped.
    slots: BTreeMap<(Pair, String), Option<(f64, Weights)>>,
    edges: usize,
    /// (buyer, item) -> the requirement the buyer's rows of the item count toward, where that
    /// is a group of substitutes.
    label_of: BTreeMap<Pair, String>,
}

/// The requirements of each item from `bom.csv`'s text: rows of one item with the same
/// non-empty `group` together (when there are two or more), every other row alone; each as
/// its sorted item ids.
fn requirements(files: &common::Files) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut alone: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for r in rows(&files["bom.csv"]) {
        match r.get("group").filter(|g| !g.is_empty()) {
            Some(g) => grouped
                .entry((r["item"].clone(), g.clone()))
                .or_default()
                .push(r["input"].clone()),
            None => alone
                .entry(r["item"].clone())
                .or_default()
                .push(vec![r["input"].clone()]),
        }
    }
    for ((item, _), mut inputs) in grouped {
        inputs.sort();
        // A group of one row is a plain input: the same one-item requirement.
        alone.entry(item).or_default().push(inputs);
    }
    alone
}

fn expected(files: &common::Files) -> Expected {
    let supply = rows(&files["supply.csv"]);
    let products = rows(&files["products.csv"]);
    let reqs = requirements(files);
    let distributors: BTreeSet<String> = files
        .get("entities.csv")
        .map(|text| rows(text))
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            r.get("kind")
                .is_some_and(|k| k.eq_ignore_ascii_case("distributor"))
        })
        .map(|r| r["id"].clone())
        .collect();
    let mut nodes: BTreeSet<Pair> = BTreeSet::new();
    for r in &supply {
        nodes.insert((r["supplier"].clone(), r["item"].clone()));
    }
    for r in &products {
        nodes.insert((r["entity"].clone(), r["item"].clone()));
    }
    // The requirements of each node: a distributor passes its item on.
    let needs = |(ent, item): &Pair| -> Vec<Vec<String>> {
        if distributors.contains(ent) {
            vec![vec![item.clone()]]
        } else {
            reqs.get(item).cloned().unwrap_or_default()
        }
    };
    // Which requirement a buyer's rows of an item count toward.
    let mut label_of: BTreeMap<Pair, String> = BTreeMap::new();
    for node in &nodes {
        if distributors.contains(&node.0) {
            continue;
        }
        for set in needs(node) {
            for y in &set {
                label_of.insert((node.0.clone(), y.clone()), set.join("|"));
            }
        }
    }
    // Qualified rows by (buyer, requirement): (`supplier/item`, share as written).
    let mut groups: BTreeMap<Pair, Vec<(String, Option<f64>)>> = BTreeMap::new();
    for r in &supply {
        let qualified = r
            .get("qualified")
            .is_none_or(|q| !matches!(q.to_ascii_lowercase().as_str(), "false" | "no" | "0"));
        if !qualified {
            continue;
        }
        let share = r
            .get("share")
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<f64>().unwrap());
        let key = (r["buyer"].clone(), r["item"].clone());
        let label = label_of.get(&key).cloned().unwrap_or(key.1.clone());
        groups
            .entry((key.0, label))
            .or_default()
            .push((format!("{}/{}", r["supplier"], r["item"]), share));
    }
    let mut slots = BTreeMap::new();
    let mut edges = 0;
    for node in &nodes {
        for set in needs(node) {
            let label = set.join("|");
            let slot = groups.get(&(node.0.clone(), label.clone())).map(|rows| {
                edges += rows.len();
                // DATA-MODEL.md: blanks split 1 - (sum of given) equally, coverage 1;
                // otherwise coverage = sum of given, weights = share / sum.
                let given: f64 = rows.iter().filter_map(|r| r.1).sum();
                let blanks = rows.iter().filter(|r| r.1.is_none()).count();
                let weights: Weights = rows
                    .iter()
                    .map(|(s, share)| {
                        let w = match share {
                            Some(v) if blanks == 0 => v / given,
                            Some(v) => *v,
                            None => (1.0 - given) / blanks as f64,
                        };
                        (s.clone(), w)
                    })
                    .collect();
                assert_eq!(weights.len(), rows.len(), "one row per supplier and item");
                let coverage = if blanks > 0 { 1.0 } else { given };
                (coverage, weights)
            });
            slots.insert((node.clone(), label), slot);
        }
    }
    Expected {
        nodes,
        slots,
        edges,
        label_of,
    }
}

fn check(seed: u64, size: usize, shape: u8) -> Result<(), TestCaseError> {
    let shape = match shape % 3 {
        0 => common::Shape::small(size),
        1 => common::Shape {
            single_input_single_item: true,
            ..common::Shape::small(size)
        },
        _ => common::Shape::requirements(size),
    };
    let files = common::random_dataset(seed, shape);
    let dir = tempfile::tempdir().unwrap();
    common::write(&files, dir.path());
    let loaded = match tierscope::ingest::load(dir.path()) {
        Ok(l) => l,
        Err(Error::InvalidDataset { diagnostics, .. }) => {
            let list: String = diagnostics.iter().map(|d| format!("  {d}\n")).collect();
            return Err(TestCaseError::fail(format!(
                "a valid dataset did not load:\n{list}"
            )));
        }
        Err(e) => return Err(TestCaseError::fail(e.to_string())),
    };
    let ds = &loaded.dataset;
    let g = ProductionGraph::build(ds);
    let want = expected(&files);
    let id = |n: NodeIx| {
        let p = g.node(n);
        (ds.entity(p.entity).id.clone(), ds.item(p.item).id.clone())
    };

    // Acyclic, and `topo` is a topological order of every node.
    prop_assert!(!petgraph::algo::is_cyclic_directed(&g.graph));
    let mut position = vec![usize::MAX; g.node_count()];
    prop_assert_eq!(g.topo.len(), g.node_count());
    for (p, &n) in g.topo.iter().enumerate() {
        prop_assert_eq!(position[n.ix()], usize::MAX);
        position[n.ix()] = p;
    }
    for r in g.graph.edge_references() {
        prop_assert!(position[r.source().index()] < position[r.target().index()]);
    }

    // Nodes: exactly the distinct production pairs of the CSV text.
    prop_assert_eq!(g.node_count(), want.nodes.len());
    let got_nodes: BTreeSet<Pair> = (0..g.node_count() as u32).map(NodeIx).map(id).collect();
    prop_assert_eq!(&got_nodes, &want.nodes);
    prop_assert_eq!(g.edge_count(), want.edges);

    // Edge weights in (0, 1], each edge from a supplier of the buyer's input.
    for r in g.graph.edge_references() {
        let w = r.weight().share;
        prop_assert!(w > 0.0 && w <= 1.0, "edge weight {}", w);
    }

    // Slots: coverage and weights as the rules say; mapped weights sum to 1.
    for n in (0..g.node_count() as u32).map(NodeIx) {
        let (ent, item) = id(n);
        for slot in &g.inputs[n.ix()] {
            let input: String = g
                .req_items(slot.req)
                .iter()
                .map(|&y| ds.item(y).id.clone())
                .collect::<Vec<_>>()
                .join("|");
            let key = ((ent.clone(), item.clone()), input.clone());
            let Some(expect) = want.slots.get(&key) else {
                return Err(TestCaseError::fail(format!("unexpected slot {key:?}")));
            };
            match expect {
                None => {
                    prop_assert!(!slot.is_mapped(), "{:?} should be unmapped", key);
                    prop_assert_eq!(slot.coverage, 0.0);
                }
                Some((coverage, weights)) => {
                    prop_assert!(
                        (slot.coverage - coverage).abs() < 1e-9,
                        "{:?}: coverage {} vs {}",
                        key,
                        slot.coverage,
                        coverage
                    );
                    let got: BTreeMap<String, f64> = g
                        .suppliers(slot)
                        .iter()
                        .map(|(s, w)| {
                            let (se, si) = id(s);
                            assert!(
                                input.split('|').any(|y| y == si),
                                "supplier node makes an item of the requirement"
                            );
                            (format!("{se}/{si}"), w)
                        })
                        .collect();
                    prop_assert_eq!(got.len(), g.suppliers(slot).len());
                    prop_assert_eq!(
                        got.keys().collect::<Vec<_>>(),
                        weights.keys().collect::<Vec<_>>()
                    );
                    for (s, w) in &got {
                        prop_assert!((w - weights[s]).abs() < 1e-9, "{:?} {}", key, s);
                    }
                    let sum: f64 = got.values().sum();
                    prop_assert!(
                        (sum - 1.0).abs() < 1e-9,
                        "{:?}: weights sum to {}",
                        key,
                        sum
                    );
                }
            }
        }
        // Every BOM input of the node has its slot.
        let expected_slots = want
            .slots
            .keys()
            .filter(|((e, i), _)| *e == ent && *i == item)
            .count();
        prop_assert_eq!(g.inputs[n.ix()].len(), expected_slots);
    }
    // The petgraph edges into each node say the same: per requirement, weights sum to 1.
    for n in g.graph.node_indices() {
        let buyer = ds.entity(g.graph[n].entity).id.clone();
        let mut per_req: BTreeMap<String, f64> = BTreeMap::new();
        for r in g.graph.edges_directed(n, petgraph::Direction::Incoming) {
            let item = ds.item(g.graph[r.source()].item).id.clone();
            let key = (buyer.clone(), item.clone());
            let label = want.label_of.get(&key).cloned().unwrap_or(item);
            *per_req.entry(label).or_default() += r.weight().share;
        }
        for (_, sum) in per_req {
            prop_assert!((sum - 1.0).abs() < 1e-9);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_valid_datasets_give_a_sound_graph(
        seed in any::<u64>(),
        size in 0usize..9,
        shape in any::<u8>(),
    ) {
        check(seed, size, shape)?;
    }
}

/// The expectations themselves, on the mini fixture's numbers worked out by hand: if
/// `expected` were wrong, the property would compare the library with nonsense.
#[test]
fn expectations_match_the_hand_computed_mini_fixture() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
    let mut files = common::Files::new();
    for name in ["supply.csv", "products.csv", "bom.csv"] {
        files.insert(
            name,
            std::fs::read_to_string(std::path::Path::new(dir).join(name)).unwrap(),
        );
    }
    let want = expected(&files);
    assert_eq!(want.nodes.len(), 8);
    assert_eq!(want.edges, 8);
    let slot = |e: &str, x: &str, y: &str| {
        want.slots[&((e.to_string(), x.to_string()), y.to_string())].clone()
    };
    let (coverage, weights) = slot("wafer-de", "wafer", "gallium").unwrap();
    assert_eq!(coverage, 0.5);
    assert_eq!(weights["ga-cn/gallium"], 1.0);
    let (coverage, weights) = slot("fab-tw", "die", "wafer").unwrap();
    assert_eq!(coverage, 1.0);
    assert_eq!(
        (weights["wafer-jp/wafer"], weights["wafer-de/wafer"]),
        (0.5, 0.5)
    );
    assert!(slot("wafer-de", "die", "wafer").is_none());
    assert_eq!(want.slots.len(), 9);
}
