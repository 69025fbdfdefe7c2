//! Drawing the network: columns of boxes, edges routed through the gaps between boxes.

use super::{NetEdge, NetNode, Network, NodeTrust};
use crate::chart::DrawResult;
use crate::chart::Figure;
use crate::chart::style::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The colour of the headline path's lines.
pub const PATH: RGBColor = RGBColor(0x1F, 0x2A, 0x44);

fn node_color(t: NodeTrust) -> RGBColor {
    match t {
        NodeTrust::Trusted => TRUSTED,
        NodeTrust::Neutral => NEUTRAL,
        NodeTrust::Untrusted => UNTRUSTED,
    }
}

fn legend(data: &Network) -> Vec<(Swatch, String)> {
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
    if !data.path.is_empty() {
        legend.push((Swatch::Line(PATH), "Headline path".to_string()));
    }
    if data.nodes.iter().any(|nd| nd.distributor) {
        legend.push((Swatch::Hatched, "Distributor: passes goods on".to_string()));
    }
    legend
}

fn subtitle(data: &Network) -> String {
    let which = if data.actionable {
        "The product made outside untrusted countries with the highest untrusted exposure"
    } else {
        "Every product's maker is untrusted; the one with the highest untrusted exposure"
    };
    format!(
        "{which} ({}). Base inputs on the left; each box is a supplier site and the item it \
         makes; line width = share of supply.",
        pct(data.exposure)
    )
}

/// Where things go on the page.
struct Frame {
    x_left: i32,
    /// Column width and box width.
    cw: i32,
    bw: i32,
    head_y: i32,
    y_top: i32,
    avail: i32,
}

impl Frame {
    fn col_x(&self, c: usize) -> i32 {
        self.x_left + self.cw * c as i32 + self.cw / 2
    }
}

/// Column headers: the level and the names of the items in the column.
fn column_headers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Network,
    fr: &Frame,
) -> DrawResult<DB> {
    for (c, lvl) in data.levels.iter().enumerate() {
        let cx = fr.col_x(c);
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
            (cx, fr.head_y),
        )?;
        let items = data.column_items[c].join(", ");
        let f = anchored(font(12.0).color(&MUTED), HPos::Center, VPos::Top);
        root.draw_text(&fit(&items, &f, fr.cw - 12), &f, (cx, fr.head_y + 20))?;
    }
    Ok(())
}

/// Centre and box size of each node.
fn geometry(data: &Network, fr: &Frame) -> Vec<(i32, i32, i32, i32)> {
    let mut per_col = vec![0i32; data.levels.len()];
    for nd in &data.nodes {
        per_col[nd.col] += 1;
    }
    data.nodes
        .iter()
        .map(|nd| {
            let k = per_col[nd.col].max(1);
            let s = (fr.avail / k).min(90);
            let bh = ((s as f64 * 0.72) as i32).clamp(8, 40);
            let bh = if nd.is_product { bh.max(40) } else { bh };
            let cy = fr.y_top + (fr.avail - s * k) / 2 + s * nd.row as i32 + s / 2;
            (fr.col_x(nd.col), cy, fr.bw, bh)
        })
        .collect()
}

/// The free vertical intervals of each column, to route edges that skip columns.
struct Gaps {
    occupied: Vec<Vec<(i32, i32)>>,
}

impl Gaps {
    fn new(data: &Network, geo: &[(i32, i32, i32, i32)]) -> Gaps {
        let mut occupied: Vec<Vec<(i32, i32)>> = vec![Vec::new(); data.levels.len()];
        for (nd, &(_, cy, _, bh)) in data.nodes.iter().zip(geo) {
            occupied[nd.col].push((cy - bh / 2 - 6, cy + bh / 2 + 6));
        }
        for o in &mut occupied {
            o.sort();
        }
        Gaps { occupied }
    }

    /// The y nearest `y` where a line can cross column `col` between its boxes.
    fn through(&self, col: usize, y: i32) -> i32 {
        let boxes = &self.occupied[col];
        if boxes.iter().all(|&(a, b)| y <= a || y >= b) {
            return y;
        }
        let mut cands: Vec<i32> = boxes.windows(2).map(|p| (p[0].1 + p[1].0) / 2).collect();
        if let (Some(first), Some(last)) = (boxes.first(), boxes.last()) {
            cands.push(first.0 - 4);
            cands.push(last.1 + 4);
        }
        cands
            .into_iter()
            .min_by_key(|&c| ((c - y).abs(), c))
            .unwrap_or(y)
    }
}

/// Cubic Bézier points from `a` to `b` with horizontal tangents at both ends.
fn curve(pts: &mut Vec<(i32, i32)>, (ax, ay): (i32, i32), (bx, by): (i32, i32)) {
    if ay == by {
        pts.push((bx, by));
        return;
    }
    let (ax, ay, bx, by) = (ax as f64, ay as f64, bx as f64, by as f64);
    let mid = (ax + bx) / 2.0;
    for k in 1..=16 {
        let t = k as f64 / 16.0;
        let u = 1.0 - t;
        let x = u * u * u * ax + 3.0 * u * u * t * mid + 3.0 * u * t * t * mid + t * t * t * bx;
        let y = u * u * u * ay + 3.0 * u * u * t * ay + 3.0 * u * t * t * by + t * t * t * by;
        pts.push((x.round() as i32, y.round() as i32));
    }
}

/// The line of edge `e`: straight across each skipped column, through a gap between its boxes.
fn edge_points(
    data: &Network,
    e: &NetEdge,
    geo: &[(i32, i32, i32, i32)],
    fr: &Frame,
    gaps: &Gaps,
) -> Vec<(i32, i32)> {
    let (fx, fy, fw, _) = geo[e.from];
    let (tx, ty, tw, _) = geo[e.to];
    let (x0, y0) = (fx + fw / 2, fy);
    let (x3, y3) = (tx - tw / 2, ty);
    let mut way: Vec<(i32, i32)> = vec![(x0, y0)];
    for c in data.nodes[e.from].col + 1..data.nodes[e.to].col {
        let xc = fr.col_x(c);
        let y_lin = y0 + ((y3 - y0) as f64 * (xc - x0) as f64 / (x3 - x0).max(1) as f64) as i32;
        let yw = gaps.through(c, y_lin);
        way.push((xc - fr.bw / 2 - 6, yw));
        way.push((xc + fr.bw / 2 + 6, yw));
    }
    way.push((x3, y3));
    let mut pts: Vec<(i32, i32)> = vec![(x0, y0)];
    for seg in way.windows(2) {
        curve(&mut pts, seg[0], seg[1]);
    }
    pts
}

/// Whether `e` joins two consecutive nodes of the headline path.
fn on_path(data: &Network, e: &NetEdge) -> bool {
    data.path.windows(2).any(|w| w[0] == e.from && w[1] == e.to)
}

fn draw_edges<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Network,
    geo: &[(i32, i32, i32, i32)],
    fr: &Frame,
) -> DrawResult<DB> {
    let gaps = Gaps::new(data, geo);
    // The headline path last, over the others.
    let (path, rest): (Vec<&NetEdge>, Vec<&NetEdge>) =
        data.edges.iter().partition(|e| on_path(data, e));
    for e in rest {
        let color = if data.nodes[e.from].trust == NodeTrust::Untrusted {
            UNTRUSTED.mix(0.45)
        } else {
            AXIS.mix(0.4)
        };
        let width = 1 + (e.share * 3.0).round() as u32;
        let pts = edge_points(data, e, geo, fr, &gaps);
        root.draw(&PathElement::new(pts, color.stroke_width(width)))?;
    }
    for e in path {
        let pts = edge_points(data, e, geo, fr, &gaps);
        root.draw(&PathElement::new(pts, PATH.stroke_width(4)))?;
    }
    Ok(())
}

/// The text of a node's box: its entity's name, and its item's name (with its substitutes).
fn draw_box_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    nd: &NetNode,
    (cx, cy, bw, bh): (i32, i32, i32, i32),
    ink: RGBColor,
) -> DrawResult<DB> {
    if bh >= 30 {
        let f1 = anchored(colored(bold(13.0), ink), HPos::Center, VPos::Center);
        let f2 = anchored(colored(font(11.0), ink), HPos::Center, VPos::Center);
        root.draw_text(&fit(&nd.entity_name, &f1, bw - 8), &f1, (cx, cy - 7))?;
        let item = if nd.substitutes.is_empty() {
            nd.item_name.clone()
        } else {
            format!("{} (or {})", nd.item_name, nd.substitutes.join(" or "))
        };
        root.draw_text(&fit(&item, &f2, bw - 8), &f2, (cx, cy + 8))
    } else {
        let size = (bh as f64 * 0.75).clamp(8.0, 13.0);
        let f = anchored(colored(font(size), ink), HPos::Center, VPos::Center);
        let text = format!("{}: {}", nd.entity_name, nd.item_name);
        root.draw_text(&fit(&text, &f, bw - 6), &f, (cx, cy))
    }
}

fn draw_nodes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Network,
    geo: &[(i32, i32, i32, i32)],
) -> DrawResult<DB> {
    for (nd, &(cx, cy, bw, bh)) in data.nodes.iter().zip(geo) {
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
        draw_box_text(root, nd, (cx, cy, bw, bh), ink_on(bg))?;
    }
    Ok(())
}

/// Draws the network: BOM levels as columns (raw materials left, the product right), one box
/// per supplier site and item coloured by trust, single points of failure outlined in dark
/// red, supply as lines whose width grows with the share, the headline path in dark blue.
pub fn draw_network<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Network,
) -> DrawResult<DB> {
    let (w, h) = dims(root);
    let top = header(root, &data.title(), &subtitle(data), &legend(data))?;
    let ncols = data.levels.len().max(1) as i32;
    let cw = (w - 60) / ncols;
    let head_y = top + 40;
    let note_h = if data.hidden > 0 { 28 } else { 8 };
    let fr = Frame {
        x_left: 30,
        cw,
        bw: (cw - 70).clamp(60, 230),
        head_y,
        y_top: head_y + 48,
        avail: h - (head_y + 48) - note_h,
    };
    column_headers(root, data, &fr)?;
    let geo = geometry(data, &fr);
    draw_edges(root, data, &geo, &fr)?;
    draw_nodes(root, data, &geo)?;
    if data.hidden > 0 {
        let kept = if data.path.is_empty() {
            ""
        } else {
            "; the headline path is always drawn"
        };
        root.draw_text(
            &format!(
                "+{} more upstream nodes not shown (those carrying the smallest shares{kept}).",
                data.hidden
            ),
            &font(14.0).color(&MUTED),
            (30, h - 24),
        )?;
    }
    Ok(())
}
