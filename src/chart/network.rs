//! A tiered diagram of one product's upstream production network.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::Report;
use crate::analysis::groups::Level;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, Trust};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::{BTreeMap, BTreeSet};

/// Nodes drawn at most (the product included); the rest are counted as "+N more".
pub const MAX_NODES: usize = 80;

/// How far a node's entity is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeTrust {
    Trusted,
    Neutral,
    /// In an untrusted country, or restricted.
    Untrusted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetNode {
    /// Production-graph node.
    pub node: NodeIx,
    pub entity: String,
    pub item: String,
    /// BOM level of the node's item.
    pub level: u32,
    pub trust: NodeTrust,
    /// A single point of failure of the product at the entity level.
    pub spof: bool,
    pub is_product: bool,
    /// A distributor's node: it passes its item on (drawn hatched, in a column of its own
    /// after its item's makers).
    pub distributor: bool,
    /// The other items of the group of substitutes this node's item meets at its buyer in the
    /// diagram (labelled "item (or other)"); empty for a plain input.
    pub substitutes: Vec<String>,
    /// Share of the product's supply that flows through this node (summed over paths and
    /// inputs, so it may exceed 1).
    pub weight: f64,
    /// Column (index into [`Network::levels`]) and place in it, 0 at the top.
    pub col: usize,
    pub row: usize,
}

/// Supply from `nodes[from]` to `nodes[to]`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetEdge {
    pub from: usize,
    pub to: usize,
    pub share: f64,
}

/// The upstream network of the product with the highest untrusted exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub dataset: String,
    pub product_label: String,
    pub exposure: f64,
    /// BOM levels shown as columns, left to right.
    pub levels: Vec<u32>,
    /// For each column, 0 for makers, or how many distributors deep its nodes pass their
    /// items on (a level's distributors have a column after its makers).
    pub through: Vec<u32>,
    /// Item names per column.
    pub column_items: Vec<Vec<String>>,
    pub nodes: Vec<NetNode>,
    pub edges: Vec<NetEdge>,
    /// Upstream nodes left out (lowest weight first) to keep the diagram readable.
    pub hidden: usize,
}

impl Network {
    pub fn new(report: &Report, ds: &Dataset, g: &ProductionGraph) -> Option<Network> {
        // The highest exposure; among equals, the largest revenue, then the first product.
        let key = |p: &crate::analysis::ProductSummary| {
            (p.untrusted_exposure, p.annual_revenue.unwrap_or(0.0))
        };
        let mut best: Option<&crate::analysis::ProductSummary> = None;
        for p in &report.products {
            if best.is_none_or(|b| {
                let (a, b) = (key(p), key(b));
                a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
            }) {
                best = Some(p);
            }
        }
        let p = best?;
        let root = g.products.iter().find_map(|&(i, n)| {
            let prod = &ds.products[i];
            (ds.entity(prod.entity).id == p.entity && ds.item(prod.item).id == p.item).then_some(n)
        })?;
        let spofs: BTreeSet<&str> = p
            .spof
            .get(&Level::Entity)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();

        // Weights: node indices are a topological order (suppliers first), so popping the
        // highest index visits every buyer before its suppliers.
        let mut weight: BTreeMap<NodeIx, f64> = BTreeMap::new();
        weight.insert(root, 1.0);
        let mut todo: BTreeSet<NodeIx> = BTreeSet::from([root]);
        while let Some(n) = todo.pop_last() {
            let wn = weight[&n];
            for slot in &g.inputs[n.ix()] {
                for &(s, share) in &slot.suppliers {
                    *weight.entry(s).or_insert(0.0) += wn * share;
                    todo.insert(s);
                }
            }
        }
        let upstream = weight.len();

        // Keep the heaviest nodes, growing from the product so the kept part stays connected.
        let mut kept: BTreeSet<NodeIx> = BTreeSet::new();
        let mut frontier: BTreeSet<NodeIx> = BTreeSet::from([root]);
        while kept.len() < MAX_NODES && !frontier.is_empty() {
            let &n = frontier
                .iter()
                .max_by(|a, b| weight[a].total_cmp(&weight[b]).then(b.cmp(a)))
                .expect("frontier is not empty");
            frontier.remove(&n);
            kept.insert(n);
            for slot in &g.inputs[n.ix()] {
                for &(s, _) in &slot.suppliers {
                    if !kept.contains(&s) {
                        frontier.insert(s);
                    }
                }
            }
        }

        // Columns by BOM level, and after a level's makers, its distributors (in node order,
        // which is topological, a distributor's suppliers come first).
        let mut through: BTreeMap<NodeIx, u32> = BTreeMap::new();
        for &n in &kept {
            let depth = if g.is_pass_through(n) {
                let sups = g.inputs[n.ix()].iter().flat_map(|s| &s.suppliers);
                1 + sups
                    .filter_map(|(s, _)| through.get(s))
                    .max()
                    .copied()
                    .unwrap_or(0)
            } else {
                0
            };
            through.insert(n, depth);
        }
        let col_key = |n: NodeIx| (g.item_level[g.node(n).item.ix()], through[&n]);
        let cols: Vec<(u32, u32)> = kept
            .iter()
            .map(|&n| col_key(n))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let levels: Vec<u32> = cols.iter().map(|c| c.0).collect();
        let col_of = |n: NodeIx| cols.iter().position(|&c| c == col_key(n)).unwrap_or(0);
        // Substitutes: a node whose item meets a group at a buyer in the diagram.
        let mut substitutes: BTreeMap<NodeIx, Vec<String>> = BTreeMap::new();
        for &n in &kept {
            for slot in &g.inputs[n.ix()] {
                let items = g.req_items(slot.req);
                if items.len() < 2 {
                    continue;
                }
                for &(s, _) in &slot.suppliers {
                    let own = g.node(s).item;
                    let others = items.iter().filter(|&&y| y != own);
                    substitutes
                        .entry(s)
                        .or_insert_with(|| others.map(|&y| ds.item(y).id.clone()).collect());
                }
            }
        }
        let mut nodes: Vec<NetNode> = kept
            .iter()
            .map(|&n| {
                let pn = g.node(n);
                let e = ds.entity(pn.entity);
                let level = g.item_level[pn.item.ix()];
                let trust = if g.parties.untrusted[pn.entity.ix()] {
                    NodeTrust::Untrusted
                } else {
                    match ds.entity_country(pn.entity).trust {
                        Trust::Untrusted => NodeTrust::Untrusted,
                        Trust::Neutral => NodeTrust::Neutral,
                        Trust::Trusted => NodeTrust::Trusted,
                    }
                };
                NetNode {
                    node: n,
                    entity: e.id.clone(),
                    item: ds.item(pn.item).id.clone(),
                    level,
                    trust,
                    spof: spofs.contains(e.id.as_str()),
                    is_product: n == root,
                    distributor: g.is_pass_through(n),
                    substitutes: substitutes.get(&n).cloned().unwrap_or_default(),
                    weight: weight[&n],
                    col: col_of(n),
                    row: 0,
                }
            })
            .collect();
        let index: BTreeMap<NodeIx, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| (nd.node, i))
            .collect();
        let mut edges = Vec::new();
        for (to, nd) in nodes.iter().enumerate() {
            for slot in &g.inputs[nd.node.ix()] {
                for &(s, share) in &slot.suppliers {
                    if let Some(&from) = index.get(&s) {
                        edges.push(NetEdge { from, to, share });
                    }
                }
            }
        }

        // Rows by barycentre sweeps (Sugiyama et al. 1981): right to left from the product
        // placing each node at the mean position of its buyers, then a sweep left to right and
        // one more right to left on all neighbours. Ties by item then entity, so alternative
        // suppliers of one input sit together.
        let ncols = levels.len();
        let mut pos = vec![0.5f64; nodes.len()];
        let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        let mut buyers: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for e in &edges {
            neighbours[e.from].push(e.to);
            neighbours[e.to].push(e.from);
            buyers[e.from].push(e.to);
        }
        let sweeps: Vec<(Vec<usize>, bool)> = vec![
            ((0..ncols).rev().collect(), true),
            ((0..ncols).collect(), false),
            ((0..ncols).rev().collect(), false),
        ];
        for (order, buyers_only) in sweeps {
            for col in order {
                let mut members: Vec<usize> =
                    (0..nodes.len()).filter(|&i| nodes[i].col == col).collect();
                let keys: BTreeMap<usize, f64> = members
                    .iter()
                    .map(|&i| {
                        let ns = if buyers_only {
                            &buyers[i]
                        } else {
                            &neighbours[i]
                        };
                        let key = if ns.is_empty() {
                            pos[i]
                        } else {
                            ns.iter().map(|&j| pos[j]).sum::<f64>() / ns.len() as f64
                        };
                        (i, key)
                    })
                    .collect();
                members.sort_by(|&a, &b| {
                    keys[&a]
                        .total_cmp(&keys[&b])
                        .then(nodes[a].item.cmp(&nodes[b].item))
                        .then(nodes[a].entity.cmp(&nodes[b].entity))
                });
                let k = members.len() as f64;
                for (r, &i) in members.iter().enumerate() {
                    nodes[i].row = r;
                    pos[i] = (r as f64 + 0.5) / k;
                }
            }
        }
        let column_items: Vec<Vec<String>> = (0..levels.len())
            .map(|c| {
                let items: BTreeSet<&str> = nodes
                    .iter()
                    .filter(|nd| nd.col == c)
                    .map(|nd| nd.item.as_str())
                    .collect();
                items
                    .into_iter()
                    .map(|x| match ds.item_ix.get(x) {
                        Some(&ix) => ds.item(ix).name.clone(),
                        None => x.to_string(),
                    })
                    .collect()
            })
            .collect();
        Some(Network {
            dataset: report.dataset.clone(),
            product_label: product_label(p),
            exposure: p.untrusted_exposure,
            levels,
            through: cols.iter().map(|c| c.1).collect(),
            column_items,
            hidden: upstream - nodes.len(),
            nodes,
            edges,
        })
    }
}

figure!(
    Network,
    "network",
    |net| format!("Supply network of {}", net.product_label),
    (1600, net.height()),
    draw_network
);

impl Network {
    /// As tall as the fullest column needs at the largest spacing (90 pixels a node, under
    /// about 210 pixels of header and column titles), between 400 and 1000 pixels: a small
    /// network centred in the full height left a third of the chart blank below it.
    fn height(&self) -> u32 {
        let mut per_col = vec![0u32; self.levels.len()];
        for nd in &self.nodes {
            if let Some(n) = per_col.get_mut(nd.col) {
                *n += 1;
            }
        }
        let fullest = per_col.into_iter().max().unwrap_or(0);
        (250 + fullest.saturating_mul(90)).clamp(400, 1000)
    }
}

fn node_color(t: NodeTrust) -> RGBColor {
    match t {
        NodeTrust::Trusted => TRUSTED,
        NodeTrust::Neutral => NEUTRAL,
        NodeTrust::Untrusted => UNTRUSTED,
    }
}

/// Draws the network: BOM levels as columns (raw materials left, the product right), one box
/// per supplier site and item coloured by trust, single points of failure outlined in dark
/// red, supply as lines whose width grows with the share.
pub fn draw_network<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Network,
) -> DrawResult<DB> {
    let (w, h) = dims(root);
    let mut legend = vec![
        (Swatch::Box(TRUSTED), "Trusted country".to_string()),
        (Swatch::Box(NEUTRAL), "Neutral country".to_string()),
        (
            Swatch::Box(UNTRUSTED),
            "Untrusted country or restricted party".to_string(),
        ),
        (
            Swatch::Border(SPOF_BORDER),
            "Single point of failure".to_string(),
        ),
        (
            Swatch::Line(RGBColor(0xE0, 0x9C, 0x95)),
            "Supply from untrusted".to_string(),
        ),
    ];
    if data.nodes.iter().any(|nd| nd.distributor) {
        legend.push((Swatch::Hatched, "Distributor: passes goods on".to_string()));
    }
    let top = header(
        root,
        &data.title(),
        &format!(
            "The product with the highest untrusted exposure ({}). Base inputs on the left; each \
             box is a supplier site making one item; line width = share of supply.",
            pct(data.exposure)
        ),
        &legend,
    )?;

    let ncols = data.levels.len().max(1) as i32;
    let (x_left, x_right) = (30, w - 30);
    let cw = (x_right - x_left) / ncols;
    let bw = (cw - 70).clamp(60, 230);
    let head_y = top + 40;
    let y_top = head_y + 48;
    let note_h = if data.hidden > 0 { 28 } else { 8 };
    let avail = h - y_top - note_h;

    // Column headers.
    for (c, lvl) in data.levels.iter().enumerate() {
        let cx = x_left + cw * c as i32 + cw / 2;
        let t = if c + 1 == data.levels.len() {
            format!("Level {lvl}: product")
        } else if data.through.get(c).is_some_and(|&t| t > 0) {
            format!("Level {lvl}: distributors")
        } else if *lvl == 0 {
            "Level 0: base inputs".to_string()
        } else {
            format!("Level {lvl}")
        };
        root.draw_text(
            &t,
            &anchored(bold(15.0), HPos::Center, VPos::Top),
            (cx, head_y),
        )?;
        let items = data.column_items[c].join(", ");
        let f = anchored(font(12.0).color(&MUTED), HPos::Center, VPos::Top);
        root.draw_text(&fit(&items, &f, cw - 12), &f, (cx, head_y + 20))?;
    }

    // Geometry of each node: centre and box size.
    let mut per_col = vec![0i32; data.levels.len()];
    for nd in &data.nodes {
        per_col[nd.col] += 1;
    }
    let geo: Vec<(i32, i32, i32, i32)> = data
        .nodes
        .iter()
        .map(|nd| {
            let k = per_col[nd.col].max(1);
            let s = (avail / k).min(90);
            let bh = ((s as f64 * 0.72) as i32).clamp(8, 40);
            let bh = if nd.is_product { bh.max(40) } else { bh };
            let cx = x_left + cw * nd.col as i32 + cw / 2;
            let cy = y_top + (avail - s * k) / 2 + s * nd.row as i32 + s / 2;
            (cx, cy, bw, bh)
        })
        .collect();

    // Free vertical intervals of each column, to route edges that skip columns.
    let mut occupied: Vec<Vec<(i32, i32)>> = vec![Vec::new(); data.levels.len()];
    for (nd, &(_, cy, _, bh)) in data.nodes.iter().zip(&geo) {
        occupied[nd.col].push((cy - bh / 2 - 6, cy + bh / 2 + 6));
    }
    for o in &mut occupied {
        o.sort();
    }
    let through = |col: usize, y: i32| -> i32 {
        let boxes = &occupied[col];
        if boxes.iter().all(|&(a, b)| y <= a || y >= b) {
            return y;
        }
        // The nearest gap: between two boxes, or just above the first / below the last.
        let mut cands: Vec<i32> = boxes.windows(2).map(|p| (p[0].1 + p[1].0) / 2).collect();
        if let (Some(first), Some(last)) = (boxes.first(), boxes.last()) {
            cands.push(first.0 - 4);
            cands.push(last.1 + 4);
        }
        cands
            .into_iter()
            .min_by_key(|&c| ((c - y).abs(), c))
            .unwrap_or(y)
    };

    // Edges first, boxes over them.
    for e in &data.edges {
        let (fx, fy, fw, _) = geo[e.from];
        let (tx, ty, tw, _) = geo[e.to];
        let (x0, y0) = (fx + fw / 2, fy);
        let (x3, y3) = (tx - tw / 2, ty);
        // Waypoints: straight across each skipped column, through a gap between its boxes.
        let mut way: Vec<(i32, i32)> = vec![(x0, y0)];
        for c in data.nodes[e.from].col + 1..data.nodes[e.to].col {
            let xc = x_left + cw * c as i32 + cw / 2;
            let y_lin = y0 + ((y3 - y0) as f64 * (xc - x0) as f64 / (x3 - x0).max(1) as f64) as i32;
            let yw = through(c, y_lin);
            way.push((xc - bw / 2 - 6, yw));
            way.push((xc + bw / 2 + 6, yw));
        }
        way.push((x3, y3));
        let mut pts: Vec<(i32, i32)> = vec![(x0, y0)];
        for seg in way.windows(2) {
            let ((ax, ay), (bx, by)) = (seg[0], seg[1]);
            if ay == by {
                pts.push((bx, by));
                continue;
            }
            let (ax, ay, bx, by) = (ax as f64, ay as f64, bx as f64, by as f64);
            let mid = (ax + bx) / 2.0;
            for k in 1..=16 {
                let t = k as f64 / 16.0;
                let u = 1.0 - t;
                // Cubic Bézier with horizontal tangents at both ends.
                let x =
                    u * u * u * ax + 3.0 * u * u * t * mid + 3.0 * u * t * t * mid + t * t * t * bx;
                let y =
                    u * u * u * ay + 3.0 * u * u * t * ay + 3.0 * u * t * t * by + t * t * t * by;
                pts.push((x.round() as i32, y.round() as i32));
            }
        }
        let color = if data.nodes[e.from].trust == NodeTrust::Untrusted {
            UNTRUSTED.mix(0.45)
        } else {
            AXIS.mix(0.4)
        };
        let width = 1 + (e.share * 3.0).round() as u32;
        root.draw(&PathElement::new(pts, color.stroke_width(width)))?;
    }

    for (nd, &(cx, cy, bw, bh)) in data.nodes.iter().zip(&geo) {
        let (x0, y0, x1, y1) = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2);
        if nd.spof {
            root.draw(&Rectangle::new(
                [(x0 - 4, y0 - 4), (x1 + 4, y1 + 4)],
                SPOF_BORDER.stroke_width(4),
            ))?;
        }
        let bg = node_color(nd.trust);
        root.draw(&Rectangle::new([(x0, y0), (x1, y1)], mark(bg)))?;
        if nd.distributor {
            hatch(root, (x0, y0), (x1, y1))?;
        }
        if nd.is_product {
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], TEXT.stroke_width(2)))?;
        }
        let ink = ink_on(bg);
        if bh >= 30 {
            let f1 = anchored(colored(bold(13.0), ink), HPos::Center, VPos::Center);
            let f2 = anchored(colored(font(11.0), ink), HPos::Center, VPos::Center);
            root.draw_text(&fit(&nd.entity, &f1, bw - 8), &f1, (cx, cy - 7))?;
            let item = if nd.substitutes.is_empty() {
                nd.item.clone()
            } else {
                format!("{} (or {})", nd.item, nd.substitutes.join(" or "))
            };
            root.draw_text(&fit(&item, &f2, bw - 8), &f2, (cx, cy + 8))?;
        } else {
            let size = (bh as f64 * 0.75).clamp(8.0, 13.0);
            let f = anchored(colored(font(size), ink), HPos::Center, VPos::Center);
            root.draw_text(&fit(&nd.entity, &f, bw - 6), &f, (cx, cy))?;
        }
    }
    if data.hidden > 0 {
        root.draw_text(
            &format!(
                "+{} more upstream nodes not shown (those carrying the smallest shares).",
                data.hidden
            ),
            &font(14.0).color(&MUTED),
            (30, h - 24),
        )?;
    }
    Ok(())
}
