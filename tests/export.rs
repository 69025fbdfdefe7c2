//! `tierscope export`: DOT, GraphML and node-link JSON carry every node and edge with the
//! trust, country and single-point-of-failure marks. (Checked by hand with Graphviz `dot` and
//! networkx `read_graphml` / `node_link_graph` as well.)

use std::process::{Command, Output};

const MINI: &str = "tests/fixtures/mini";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

// The mini fixture has 8 production nodes and 8 edges; the entity-level single points of
// failure are ga-cn (both products) and wafer-jp (the CN die).

#[test]
fn graphml_has_every_node_edge_and_mark() {
    let o = run(&["export", MINI, "--format", "graphml"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed GraphML");
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .collect();
    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .collect();
    assert_eq!(nodes.len(), 8);
    assert_eq!(edges.len(), 8);
    let data = |node: &roxmltree::Node, key: &str| -> String {
        node.children()
            .find(|c| c.has_tag_name("data") && c.attribute("key") == Some(key))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let spof: Vec<String> = nodes
        .iter()
        .filter(|n| data(n, "spof") == "true")
        .map(|n| n.attribute("id").unwrap().to_string())
        .collect();
    assert_eq!(spof, ["ga-cn/gallium", "wafer-jp/wafer"]);
    let ga = nodes
        .iter()
        .find(|n| n.attribute("id") == Some("ga-cn/gallium"))
        .unwrap();
    assert_eq!(data(ga, "country"), "CN");
    assert_eq!(data(ga, "trust"), "untrusted");
    assert_eq!(data(ga, "restricted"), "true");
    assert_eq!(data(ga, "tier"), "0");
    // fab-tw's wafer: wafer-jp 0.5 and wafer-de (blank -> 0.5).
    let share: f64 = edges
        .iter()
        .find(|e| {
            e.attribute("source") == Some("wafer-de/wafer")
                && e.attribute("target") == Some("fab-tw/die")
        })
        .map(|e| data(e, "share").parse().unwrap())
        .unwrap();
    assert_eq!(share, 0.5);
}

#[test]
fn dot_lists_nodes_and_edges() {
    let o = run(&["export", MINI]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("digraph \"mini\" {"));
    assert_eq!(text.lines().filter(|l| l.contains(" -> ")).count(), 8);
    assert_eq!(text.lines().filter(|l| l.contains("spof=true")).count(), 2);
    assert!(text.contains("\"fab-cn/die\" -> \"oem-us/chip\" [share=0.4"));
    assert!(text.contains("label=\"ga-cn\\ngallium\""));
}

#[test]
fn node_link_json_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    let o = run(&[
        "export",
        MINI,
        "--format",
        "json",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(v["directed"], true);
    assert_eq!(v["nodes"].as_array().unwrap().len(), 8);
    assert_eq!(v["links"].as_array().unwrap().len(), 8);
    let products: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["product"] == true)
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(products.len(), 2);
    assert!(products.contains(&"oem-us/chip") && products.contains(&"fab-cn/die"));
    // Only the file: no temporary file is left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn trust_flags_change_the_marks() {
    let o = run(&["export", MINI, "--format", "json", "--trust", "CN"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fab_cn = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "fab-cn/die")
        .unwrap();
    assert_eq!(fab_cn["trust"], "trusted");
    assert_eq!(fab_cn["untrusted"], false);
}
