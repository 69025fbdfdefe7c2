//! The charts' shared look: colours, fonts, the title block, legends and number formats.

use super::{DrawResult, MARK_OPACITY, MARK_OPACITY_SOFT};
use crate::analysis::{ProductSummary, Report};
use crate::model::{Dataset, Trust};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashMap;

pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x5F, 0x63, 0x68);
pub const GRID: RGBColor = RGBColor(0xE3, 0xE5, 0xE8);
pub const AXIS: RGBColor = RGBColor(0x9A, 0x9E, 0xA3);
pub const OWN: RGBColor = RGBColor(0xC9, 0xCC, 0xD1);
pub const HATCH: RGBColor = RGBColor(0x8E, 0x93, 0x99);

/// Trust colours (network nodes, country labels).
pub const TRUSTED: RGBColor = RGBColor(0x3A, 0x87, 0x5B);
pub const NEUTRAL: RGBColor = RGBColor(0xE0, 0x9B, 0x2D);
pub const UNTRUSTED: RGBColor = RGBColor(0xC0, 0x39, 0x2B);
/// The border of a single point of failure.
pub const SPOF_BORDER: RGBColor = RGBColor(0x8B, 0x00, 0x1A);
/// Below-threshold bars.
pub const CALM: RGBColor = RGBColor(0x5B, 0x8D, 0xB8);
pub const THRESHOLD: RGBColor = RGBColor(0xB0, 0x1E, 0x23);

/// A data mark's fill.
pub fn mark(color: RGBColor) -> ShapeStyle {
    color.mix(MARK_OPACITY).filled()
}

/// A translucent data mark's fill (overlapping scatter points).
pub fn mark_soft(color: RGBColor) -> ShapeStyle {
    color.mix(MARK_OPACITY_SOFT).filled()
}

pub fn font(size: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Normal).color(&TEXT)
}

pub fn bold(size: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Bold).color(&TEXT)
}

pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// `style` in another colour (`TextStyle::color` borrows the colour; this copies it).
pub fn colored(mut style: TextStyle<'static>, color: RGBColor) -> TextStyle<'static> {
    style.color = color.to_backend_color();
    style
}

/// Width of `text` in pixels as the embedded font lays it out.
pub fn text_width(text: &str, style: &TextStyle<'_>) -> i32 {
    super::raster::advance_width(text, style.font.get_size(), style.font.get_style()).ceil() as i32
}

/// `text`, cut with an ellipsis to fit `max` pixels.
pub fn fit(text: &str, style: &TextStyle<'_>, max: i32) -> String {
    if text_width(text, style) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    // The longest prefix that fits with the ellipsis (binary search on the prefix length).
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cand: String = chars[..mid].iter().collect::<String>() + "…";
        if text_width(&cand, style) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let prefix: String = chars[..lo].iter().collect();
    format!("{}…", prefix.trim_end())
}

/// Width and height of `root` in pixels.
pub fn dims<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> (i32, i32) {
    let (w, h) = root.dim_in_pixel();
    (w as i32, h as i32)
}

/// Title, a one-line "how to read" subtitle and the legend row below them (none when
/// `legend` is empty); returns the y of the legend's top, below which content is laid out.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[(Swatch, String)],
) -> DrawResult<DB, i32> {
    let (w, _) = dims(root);
    let max = w - 60;
    let t = bold(26.0);
    root.draw_text(&fit(title, &t, max), &t, (30, 22))?;
    let s = font(15.0).color(&MUTED);
    root.draw_text(&fit(subtitle, &s, max), &s, (30, 58))?;
    let top = 90;
    legend_row(root, (30, top + 2), legend)?;
    Ok(top)
}

/// A muted note at the bottom left, e.g. how many of the rows are shown.
pub fn footnote<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, text: &str) -> DrawResult<DB> {
    let (_, h) = dims(root);
    root.draw_text(text, &font(13.0).color(&MUTED), (30, h - 22))
}

/// The mesh of `chart` in the charts' look: axis fonts, `grid` for the major grid lines, no
/// minor ones. Callers add the ticks, their labels and the axis descriptions, then draw it.
pub fn axes<'a, 'b, X, Y, DB>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    grid: impl Into<ShapeStyle>,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
    DB: DrawingBackend,
{
    let mut mesh = chart.configure_mesh();
    mesh.axis_desc_style(font(16.0))
        .label_style(font(14.0))
        .bold_line_style(grid)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS);
    mesh
}

/// A dashed reference line (a threshold, a diagonal) through `points`.
pub fn dashed<C: Clone>(
    points: Vec<C>,
    color: RGBColor,
) -> DashedPathElement<std::vec::IntoIter<C>, i32> {
    DashedPathElement::new(points, 8, 5, color.stroke_width(2))
}

/// A legend entry's symbol.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Box(RGBColor),
    Circle(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Hatched,
    Border(RGBColor),
    /// A bold two-letter country code in this colour.
    Code(RGBColor),
}

const SWATCH: i32 = 14;

/// Draws a legend as one row, starting at (x, y) (top-left).
fn legend_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (mut x, y): (i32, i32),
    items: &[(Swatch, String)],
) -> DrawResult<DB> {
    let f = anchored(font(14.0), HPos::Left, VPos::Center);
    for (swatch, label) in items {
        draw_swatch(root, *swatch, (x, y))?;
        root.draw_text(label, &f, (x + SWATCH + 6, y + SWATCH / 2))?;
        x += SWATCH + 6 + text_width(label, &f) + 22;
    }
    Ok(())
}

pub fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x, y): (i32, i32),
) -> DrawResult<DB> {
    let (x1, y1) = (x + SWATCH, y + SWATCH);
    match swatch {
        Swatch::Box(c) => root.draw(&Rectangle::new([(x, y), (x1, y1)], c.filled())),
        Swatch::Circle(c) => root.draw(&Circle::new(
            (x + SWATCH / 2, y + SWATCH / 2),
            SWATCH / 2,
            c.filled(),
        )),
        Swatch::Line(c) => root.draw(&PathElement::new(
            vec![(x - 2, y + SWATCH / 2), (x1 + 2, y + SWATCH / 2)],
            c.stroke_width(3),
        )),
        Swatch::Dashed(c) => root
            .draw(&PathElement::new(
                vec![(x - 2, y + SWATCH / 2), (x + 5, y + SWATCH / 2)],
                c.stroke_width(2),
            ))
            .and_then(|_| {
                root.draw(&PathElement::new(
                    vec![(x + 9, y + SWATCH / 2), (x1 + 2, y + SWATCH / 2)],
                    c.stroke_width(2),
                ))
            }),
        Swatch::Hatched => {
            root.draw(&Rectangle::new([(x, y), (x1, y1)], OWN.filled()))?;
            hatch(root, (x, y), (x1, y1))
        }
        Swatch::Border(c) => {
            root.draw(&Rectangle::new([(x, y), (x1, y1)], WHITE.filled()))?;
            root.draw(&Rectangle::new([(x, y), (x1, y1)], c.stroke_width(3)))
        }
        Swatch::Code(c) => root.draw_text(
            "CN",
            &anchored(colored(bold(11.0), c), HPos::Center, VPos::Center),
            (x + SWATCH / 2, y + SWATCH / 2),
        ),
    }
}

/// Diagonal hatching inside a box.
pub fn hatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
) -> DrawResult<DB> {
    let (w, h) = (x1 - x0, y1 - y0);
    let step = 7;
    // Lines x - y = c, from the bottom-left corner to the top-right one.
    let mut c = -h + step;
    while c < w {
        // Points of the line x = c + t, y = h - t (local coordinates), clipped to the box.
        let t0 = 0.max(-c);
        let t1 = h.min(w - c);
        if t1 > t0 {
            root.draw(&PathElement::new(
                vec![(x0 + c + t0, y0 + h - t0), (x0 + c + t1, y0 + h - t1)],
                HATCH.stroke_width(1),
            ))?;
        }
        c += step;
    }
    Ok(())
}

pub use crate::numbers::{money, pct};

/// A product's label for charts: `item name — entity name`.
pub fn product_label(p: &ProductSummary) -> String {
    format!("{} — {}", p.item_name, p.entity_name)
}

/// `text` without parenthesised asides: "Insulin (cartridge / pen)" -> "Insulin".
pub fn strip_asides(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = out.trim_end_matches([',', ';', ' ']).to_string();
    if out.is_empty() {
        text.to_string()
    } else {
        out
    }
}

/// Short labels for the report's products (`item — entity`, asides dropped), falling back to
/// the full label for products whose short labels would collide.
pub fn product_labels(products: &[ProductSummary]) -> Vec<String> {
    let short: Vec<String> = products
        .iter()
        .map(|p| {
            format!(
                "{} — {}",
                strip_asides(&p.item_name),
                strip_asides(&p.entity_name)
            )
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(short.len());
    for s in &short {
        *count.entry(s).or_default() += 1;
    }
    short
        .iter()
        .zip(products)
        .map(|(s, p)| {
            if count[s.as_str()] > 1 {
                product_label(p)
            } else {
                s.clone()
            }
        })
        .collect()
}

/// The report's products by (entity id, item id): a lookup in O(1), where a hub's report
/// lists tens of thousands of products.
pub struct ProductIndex<'r> {
    report: &'r Report,
    ix: HashMap<(&'r str, &'r str), usize>,
}

impl<'r> ProductIndex<'r> {
    pub fn new(report: &'r Report) -> Self {
        let mut ix = HashMap::with_capacity(report.products.len());
        for (k, p) in report.products.iter().enumerate() {
            ix.entry((p.entity.as_str(), p.item.as_str())).or_insert(k);
        }
        ProductIndex { report, ix }
    }

    /// Where (entity, item) stands in the report's products.
    fn position(&self, entity: &str, item: &str) -> Option<usize> {
        self.ix.get(&(entity, item)).copied()
    }

    /// The product summary for (entity, item).
    pub fn get(&self, entity: &str, item: &str) -> Option<&'r ProductSummary> {
        self.position(entity, item)
            .map(|k| &self.report.products[k])
    }

    /// The label of (entity, item) in `labels` (the report's [`product_labels`]), or
    /// `entity:item` for a product the report does not list.
    pub fn label(&self, labels: &[String], entity: &str, item: &str) -> String {
        match self.position(entity, item) {
            Some(k) => labels[k].clone(),
            None => format!("{entity}:{item}"),
        }
    }
}

/// A country's display name: `China (CN)`, or the code when the name is unknown.
pub fn country_name(ds: &Dataset, code: &str) -> String {
    match ds
        .country_ix
        .get(code)
        .and_then(|&c| ds.country(c).name.clone())
    {
        Some(name) if !name.is_empty() => format!("{name} ({code})"),
        _ => code.to_string(),
    }
}

pub fn country_trust(ds: &Dataset, code: &str) -> Option<Trust> {
    ds.country_ix.get(code).map(|&c| ds.country(c).trust)
}

/// Linear interpolation between colour stops spread evenly over 0..=1.
pub fn scale(stops: &[RGBColor], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if stops.len() == 1 {
        return stops[0];
    }
    let pos = t * (stops.len() - 1) as f64;
    let i = (pos.floor() as usize).min(stops.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let lerp = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// Sequential reds (ColorBrewer "Reds"), for losses 0..1.
pub const REDS: [RGBColor; 6] = [
    RGBColor(0xFF, 0xF5, 0xF0),
    RGBColor(0xFC, 0xBB, 0xA1),
    RGBColor(0xFC, 0x92, 0x72),
    RGBColor(0xFB, 0x6A, 0x4A),
    RGBColor(0xCB, 0x18, 0x1D),
    RGBColor(0x67, 0x00, 0x0D),
];

/// Diverging blue-white-red (ColorBrewer "RdBu", reversed), for -1..1 mapped to 0..1.
pub const DIVERGING: [RGBColor; 7] = [
    RGBColor(0x21, 0x66, 0xAC),
    RGBColor(0x67, 0xA9, 0xCF),
    RGBColor(0xD1, 0xE5, 0xF0),
    RGBColor(0xF7, 0xF7, 0xF7),
    RGBColor(0xFD, 0xDB, 0xC7),
    RGBColor(0xEF, 0x8A, 0x62),
    RGBColor(0xB2, 0x18, 0x2B),
];

/// Black or white, whichever reads better on `bg`.
pub fn ink_on(bg: RGBColor) -> RGBColor {
    let l = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if l < 140.0 { WHITE } else { TEXT }
}

/// A vertical colour bar with tick labels, for heatmap legends. `ticks` are (t in 0..1, label).
pub fn color_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    (w, h): (i32, i32),
    stops: &[RGBColor],
    ticks: &[(f64, String)],
) -> DrawResult<DB> {
    // Top is t = 1.
    for k in 0..h {
        let t = 1.0 - k as f64 / (h - 1).max(1) as f64;
        root.draw(&Rectangle::new(
            [(x, y + k), (x + w, y + k + 1)],
            scale(stops, t).filled(),
        ))?;
    }
    root.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        AXIS.stroke_width(1),
    ))?;
    let f = anchored(font(13.0), HPos::Left, VPos::Center);
    for (t, label) in ticks {
        let ty = y + ((1.0 - t) * (h - 1) as f64).round() as i32;
        root.draw(&PathElement::new(
            vec![(x + w, ty), (x + w + 5, ty)],
            AXIS.stroke_width(1),
        ))?;
        root.draw_text(label, &f, (x + w + 8, ty))?;
    }
    Ok(())
}
