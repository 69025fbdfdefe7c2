//! `tierscope export`: the production graph for Graphviz (DOT), Gephi and yEd (GraphML), and
//! graph databases or networkx (node-link JSON), with trust, country and single-point-of-failure
//! marks as attributes.
//!
//! Nodes are production nodes (`entity/item`); edges go from supplier to buyer and carry the
//! rescaled share. A node is marked `spof` when its entity is an entity-level single point of
//! failure of some end product, `product` when it is an end product.

use crate::analysis::Report;
use crate::analysis::findings::Kind;
use crate::analysis::groups::Level;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::Dataset;
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One node's attributes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeAttrs {
    pub id: String,
    pub entity: String,
    pub item: String,
    pub entity_name: String,
    pub item_name: String,
    pub country: String,
    pub trust: &'static str,
    pub untrusted: bool,
    pub restricted: bool,
    pub spof: bool,
    pub product: bool,
    /// BOM level of the item: 0 for raw materials.
    pub tier: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EdgeAttrs {
    pub source: String,
    pub target: String,
    pub item: String,
    pub share: f64,
}

/// The graph with its marks, in node order.
pub fn attributes(
    ds: &Dataset,
    g: &ProductionGraph,
    report: &Report,
) -> (Vec<NodeAttrs>, Vec<EdgeAttrs>) {
    let spofs: BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Spof && f.level == Some(Level::Entity))
        .map(|f| f.subject.as_str())
        .collect();
    let products: BTreeSet<NodeIx> = g.products.iter().map(|&(_, n)| n).collect();
    let id = |n: NodeIx| {
        let node = g.node(n);
        node_id(&ds.entity(node.entity).id, &ds.item(node.item).id)
    };
    let nodes = (0..g.node_count() as u32)
        .map(NodeIx)
        .map(|n| {
            let node = g.node(n);
            let e = ds.entity(node.entity);
            let c = ds.country(e.country);
            NodeAttrs {
                id: id(n),
                entity: e.id.clone(),
                item: ds.item(node.item).id.clone(),
                entity_name: e.name.clone(),
                item_name: ds.item(node.item).name.clone(),
                country: c.code.clone(),
                trust: c.trust.as_str(),
                untrusted: g.parties.untrusted[node.entity.ix()],
                restricted: g.parties.is_restricted(node.entity),
                spof: spofs.contains(e.id.as_str()),
                product: products.contains(&n),
                tier: g.item_level[node.item.ix()],
            }
        })
        .collect();
    let mut edges: Vec<EdgeAttrs> = g
        .graph
        .edge_references()
        .map(|e| EdgeAttrs {
            source: id(NodeIx::of(e.source())),
            target: id(NodeIx::of(e.target())),
            item: ds.item(g.node(NodeIx::of(e.source())).item).id.clone(),
            share: crate::analysis::round(e.weight().share),
        })
        .collect();
    edges.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
    (nodes, edges)
}

/// A production node's id, `entity/item`, with `%` and `/` percent-encoded inside each part
/// (`%25`, `%2F`), so that distinct nodes never share an id: (`a`, `b/c`) is `a/b%2Fc` and
/// (`a/b`, `c`) is `a%2Fb/c`. Ids without those characters read as they always have.
pub fn node_id(entity: &str, item: &str) -> String {
    use crate::analysis::findings::id_part;
    format!("{}/{}", id_part(entity, '/'), id_part(item, '/'))
}

/// Escapes text for inside a quoted DOT string.
fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Quotes a DOT string.
fn dot_quote(text: &str) -> String {
    format!("\"{}\"", dot_escape(text))
}

/// Escapes an XML attribute value (and drops nothing: characters XML 1.0 forbids are written
/// as visible escapes, see [`crate::guard`]).
fn xml(text: &str) -> std::borrow::Cow<'_, str> {
    crate::guard::xml_attr(text)
}

pub fn dot(nodes: &[NodeAttrs], edges: &[EdgeAttrs], name: &str) -> Vec<u8> {
    let mut s = String::new();
    let _ = writeln!(s, "digraph {} {{", dot_quote(name));
    let _ = writeln!(s, "  rankdir=LR;");
    let _ = writeln!(
        s,
        "  node [shape=box, style=filled, fontname=\"Helvetica\"];"
    );
    for n in nodes {
        let fill = match (n.untrusted, n.trust) {
            (true, _) => "#f4c7c3",
            (false, "neutral") => "#fde8c4",
            _ => "#d4ecd9",
        };
        let _ = writeln!(
            s,
            "  {} [label=\"{}\\n{}\", entity={}, item={}, country={}, trust={}, untrusted={}, restricted={}, spof={}, product={}, tier={}, fillcolor=\"{fill}\"{}];",
            dot_quote(&n.id),
            dot_escape(&n.entity),
            dot_escape(&n.item),
            dot_quote(&n.entity),
            dot_quote(&n.item),
            dot_quote(&n.country),
            n.trust,
            n.untrusted,
            n.restricted,
            n.spof,
            n.product,
            n.tier,
            if n.spof {
                ", color=\"#8b0000\", penwidth=3"
            } else {
                ""
            }
        );
    }
    for e in edges {
        let _ = writeln!(
            s,
            "  {} -> {} [share={}, label=\"{:.0}%\", penwidth={:.2}];",
            dot_quote(&e.source),
            dot_quote(&e.target),
            e.share,
            e.share * 100.0,
            0.5 + 2.5 * e.share
        );
    }
    s.push_str("}\n");
    s.into_bytes()
}

pub fn graphml(nodes: &[NodeAttrs], edges: &[EdgeAttrs], name: &str) -> Vec<u8> {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    let keys = [
        ("entity", "node", "string"),
        ("item", "node", "string"),
        ("entity_name", "node", "string"),
        ("item_name", "node", "string"),
        ("country", "node", "string"),
        ("trust", "node", "string"),
        ("untrusted", "node", "boolean"),
        ("restricted", "node", "boolean"),
        ("spof", "node", "boolean"),
        ("product", "node", "boolean"),
        ("tier", "node", "int"),
        ("share", "edge", "double"),
        ("input", "edge", "string"),
    ];
    for (k, on, ty) in keys {
        let _ = writeln!(
            s,
            "  <key id=\"{k}\" for=\"{on}\" attr.name=\"{k}\" attr.type=\"{ty}\"/>"
        );
    }
    let _ = writeln!(s, "  <graph id=\"{}\" edgedefault=\"directed\">", xml(name));
    for n in nodes {
        let _ = writeln!(s, "    <node id=\"{}\">", xml(&n.id));
        for (k, v) in [
            ("entity", n.entity.clone()),
            ("item", n.item.clone()),
            ("entity_name", n.entity_name.clone()),
            ("item_name", n.item_name.clone()),
            ("country", n.country.clone()),
            ("trust", n.trust.to_string()),
            ("untrusted", n.untrusted.to_string()),
            ("restricted", n.restricted.to_string()),
            ("spof", n.spof.to_string()),
            ("product", n.product.to_string()),
            ("tier", n.tier.to_string()),
        ] {
            let _ = writeln!(
                s,
                "      <data key=\"{k}\">{}</data>",
                crate::guard::xml_text(&v)
            );
        }
        s.push_str("    </node>\n");
    }
    for (i, e) in edges.iter().enumerate() {
        let _ = writeln!(
            s,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"share\">{}</data><data key=\"input\">{}</data></edge>",
            xml(&e.source),
            xml(&e.target),
            e.share,
            crate::guard::xml_text(&e.item)
        );
    }
    s.push_str("  </graph>\n</graphml>\n");
    s.into_bytes()
}

/// networkx's node-link format (`networkx.node_link_graph(data, edges="links")`).
pub fn node_link_json(nodes: &[NodeAttrs], edges: &[EdgeAttrs], name: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct NodeLink<'a> {
        directed: bool,
        multigraph: bool,
        graph: serde_json::Value,
        nodes: &'a [NodeAttrs],
        links: &'a [EdgeAttrs],
    }
    let mut bytes = serde_json::to_vec_pretty(&NodeLink {
        directed: true,
        multigraph: false,
        graph: serde_json::json!({ "name": name }),
        nodes,
        links: edges,
    })
    .expect("graphs serialize");
    bytes.push(b'\n');
    bytes
}
