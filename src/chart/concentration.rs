//! The concentration quadrants: country HHI vs untrusted share of every (buyer, input), with
//! labels that never overlap ([`super::labels`]).

use super::labels::{self, LabelLayout, LabelRequest, Rect};
use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::{ConcentrationRow, EPS, Report};
use crate::model::Dataset;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::BTreeMap;

/// Labels tried at most: a 1200 × 700 chart holds fewer.
pub const MAX_LABELS: usize = 200;

/// Untrusted share at or above which an input counts as mostly untrusted.
pub const UNTRUSTED_SHARE_LINE: f64 = 0.5;

/// The (buyer, input) rows of the concentration table that share one point.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcentrationBubble {
    pub country_hhi: f64,
    pub untrusted_share: f64,
    /// Rows at this point.
    pub count: usize,
    /// `item → buyer` of the rows, in report order.
    pub inputs: Vec<String>,
    /// The rows' item names (substitutes joined by "or"), in report order.
    pub names: Vec<String>,
}

impl ConcentrationBubble {
    /// The bubble's label, at most `max` pixels wide in `style`: its input's name, `name ×3`
    /// for several rows of one input (the name cut, never the count), else `3 inputs`.
    pub fn label(&self, style: &TextStyle<'_>, max: i32) -> String {
        let first = self.names.first().cloned().unwrap_or_default();
        if self.count == 1 {
            fit(&first, style, max)
        } else if self.names.iter().all(|n| *n == first) {
            let times = format!(" ×{}", self.count);
            let name = fit(&first, style, max - text_width(&times, style));
            format!("{name}{times}")
        } else {
            format!("{} inputs", self.count)
        }
    }
}

/// Country HHI vs untrusted share of every (buyer, input), rows at the same point merged.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcentrationScatter {
    pub dataset: String,
    pub bubbles: Vec<ConcentrationBubble>,
    pub rows: usize,
    pub hhi_threshold: f64,
}

/// An input's name: its item's (or its substitutes' names joined by "or").
fn input_name(ds: &Dataset, r: &ConcentrationRow) -> String {
    let name = |id: &str| {
        ds.item_ix
            .get(id)
            .map_or_else(|| id.to_string(), |&i| strip_asides(&ds.item(i).name))
    };
    let ids: Vec<crate::analysis::findings::Id> = r.substitutes.clone().into();
    if ids.is_empty() {
        name(&r.item)
    } else {
        ids.iter().map(|i| name(i)).collect::<Vec<_>>().join(" or ")
    }
}

impl ConcentrationScatter {
    pub fn new(report: &Report, ds: &Dataset) -> Option<ConcentrationScatter> {
        if report.concentration.is_empty() {
            return None;
        }
        // Points are merged at 0.001 resolution: closer ones are indistinguishable on the chart.
        let mut at: BTreeMap<(i64, i64), ConcentrationBubble> = BTreeMap::new();
        for r in &report.concentration {
            let key = (
                (r.country_hhi * 1000.0).round() as i64,
                (r.untrusted_share * 1000.0).round() as i64,
            );
            let b = at.entry(key).or_insert_with(|| ConcentrationBubble {
                country_hhi: key.0 as f64 / 1000.0,
                untrusted_share: key.1 as f64 / 1000.0,
                count: 0,
                inputs: Vec::new(),
                names: Vec::new(),
            });
            b.count += 1;
            let item = r
                .substitutes
                .or_text()
                .unwrap_or_else(|| r.item.to_string());
            b.inputs.push(format!("{item} → {}", r.buyer));
            b.names.push(input_name(ds, r));
        }
        let mut bubbles: Vec<ConcentrationBubble> = at.into_values().collect();
        // Big bubbles first so small ones stay visible on top.
        bubbles.sort_by_key(|b| std::cmp::Reverse(b.count));
        Some(ConcentrationScatter {
            dataset: report.dataset.clone(),
            bubbles,
            rows: report.concentration.len(),
            hhi_threshold: report.settings.hhi_threshold,
        })
    }

    /// 0: concentrated and untrusted, 1: diversified but untrusted, 2: concentrated and
    /// trusted, 3: diversified and trusted.
    fn quadrant(&self, b: &ConcentrationBubble) -> usize {
        let conc = b.country_hhi > self.hhi_threshold + EPS;
        let untrusted = b.untrusted_share >= UNTRUSTED_SHARE_LINE - EPS;
        match (conc, untrusted) {
            (true, true) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
        }
    }

    fn quadrant_color(&self, b: &ConcentrationBubble) -> RGBColor {
        [UNTRUSTED, NEUTRAL, CALM, TRUSTED][self.quadrant(b)]
    }

    /// The bubbles in labelling order: riskiest quadrant first, then most rows, then the
    /// most concentrated and untrusted.
    fn label_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.bubbles.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.bubbles[a], &self.bubbles[b]);
            self.quadrant(x)
                .cmp(&self.quadrant(y))
                .then(y.count.cmp(&x.count))
                .then(
                    (y.country_hhi + y.untrusted_share)
                        .total_cmp(&(x.country_hhi + x.untrusted_share)),
                )
                .then(a.cmp(&b))
        });
        order
    }
}

impl super::Labelled for ConcentrationScatter {
    fn draw_labelled<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> DrawResult<DB, LabelLayout> {
        draw_concentration_labelled(root, self)
    }
}

figure!(
    ConcentrationScatter,
    "concentration",
    "Concentration: which inputs come from few countries, and from untrusted ones",
    draw_concentration
);

fn bubble_radius(count: usize) -> i32 {
    (6.0 + 4.0 * (count as f64).sqrt()).min(32.0) as i32
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The strips beyond 0 and 1 hold the quadrant names, clear of any bubble centre.
const X_RANGE: (f64, f64) = (-0.05, 1.05);
const Y_RANGE: (f64, f64) = (-0.15, 1.15);

/// The axes and quadrant tints.
fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    data: &ConcentrationScatter,
) -> DrawResult<DB, Plot<'a, DB>> {
    let ((lo, hi), (ylo, yhi)) = (X_RANGE, Y_RANGE);
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(40)
        .margin_top(12)
        .margin_bottom(10)
        .x_label_area_size(56)
        .y_label_area_size(80)
        .build_cartesian_2d(lo..hi, ylo..yhi)?;
    let (thr_x, thr_y) = (data.hhi_threshold, UNTRUSTED_SHARE_LINE);
    let tint = |c: RGBColor| c.mix(0.08).filled();
    chart.draw_series([
        Rectangle::new([(thr_x, thr_y), (hi, yhi)], tint(UNTRUSTED)),
        Rectangle::new([(lo, thr_y), (thr_x, yhi)], tint(NEUTRAL)),
        Rectangle::new([(thr_x, ylo), (hi, thr_y)], tint(CALM)),
        Rectangle::new([(lo, ylo), (thr_x, thr_y)], tint(TRUSTED)),
    ])?;
    let inside = |v: &f64| (-EPS..=1.0 + EPS).contains(v);
    axes(&mut chart, GRID.mix(0.6))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| {
            if inside(v) {
                format!("{v:.1}")
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| if inside(v) { pct(*v) } else { String::new() })
        .x_desc("Country concentration of supply (HHI: 1 = all from one country)")
        .y_desc("Share bought from untrusted suppliers")
        .draw()?;
    Ok(chart)
}

/// A text drawn at a known box, so that labels can keep clear of it.
struct Fixed {
    text: String,
    style: TextStyle<'static>,
    at: (i32, i32),
}

impl Fixed {
    /// Its box from the font's advance widths and the anchor.
    fn rect(&self) -> Rect {
        let w = text_width(&self.text, &self.style);
        let h = (self.style.font.get_size() * 1.25).ceil() as i32;
        let x0 = match self.style.pos.h_pos {
            HPos::Left => self.at.0,
            HPos::Center => self.at.0 - w / 2,
            HPos::Right => self.at.0 - w,
        };
        let y0 = match self.style.pos.v_pos {
            VPos::Top => self.at.1,
            VPos::Center => self.at.1 - h / 2,
            VPos::Bottom => self.at.1 - h,
        };
        Rect::new(x0 - 2, y0 - 2, x0 + w + 2, y0 + h + 2)
    }
}

/// The threshold lines' captions and the quadrant names, in the strips above 100% and below 0%.
fn fixed_texts<DB: DrawingBackend>(
    chart: &Plot<'_, DB>,
    data: &ConcentrationScatter,
) -> Vec<Fixed> {
    let ((lo, hi), (ylo, yhi)) = (X_RANGE, Y_RANGE);
    let (thr_x, thr_y) = (data.hhi_threshold, UNTRUSTED_SHARE_LINE);
    let muted = |h, v| anchored(font(13.0).color(&MUTED), h, v);
    let (vx, vy) = chart.backend_coord(&(thr_x, yhi));
    let (hx, hy) = chart.backend_coord(&(hi, thr_y));
    let (px0, py0) = chart.backend_coord(&(lo, yhi));
    let (px1, py1) = chart.backend_coord(&(hi, ylo));
    let q = |c: RGBColor, h, v| anchored(colored(bold(15.0), scale(&[c, TEXT], 0.25)), h, v);
    let text = |t: &str, style, at| Fixed {
        text: t.to_string(),
        style,
        at,
    };
    vec![
        text(
            &format!("HHI {thr_x}"),
            muted(HPos::Left, VPos::Top),
            (vx + 6, vy + 30),
        ),
        text(
            &format!("{} untrusted", pct(thr_y)),
            muted(HPos::Right, VPos::Bottom),
            (hx - 4, hy - 4),
        ),
        text(
            "Concentrated and untrusted",
            q(UNTRUSTED, HPos::Right, VPos::Top),
            (px1 - 10, py0 + 10),
        ),
        text(
            "Diversified but untrusted",
            q(NEUTRAL, HPos::Left, VPos::Top),
            (px0 + 10, py0 + 10),
        ),
        text(
            "Concentrated, trusted",
            q(CALM, HPos::Right, VPos::Bottom),
            (px1 - 10, py1 - 10),
        ),
        text(
            "Diversified and trusted",
            q(TRUSTED, HPos::Left, VPos::Bottom),
            (px0 + 10, py1 - 10),
        ),
    ]
}

/// The label layout: bubbles in [`ConcentrationScatter::label_order`], inside the plot, clear
/// of the fixed texts and of every bubble's core.
fn layout<DB: DrawingBackend>(
    chart: &Plot<'_, DB>,
    data: &ConcentrationScatter,
    fixed: &[Fixed],
) -> LabelLayout {
    let ((lo, hi), (ylo, yhi)) = (X_RANGE, Y_RANGE);
    let (bx0, by0) = chart.backend_coord(&(lo, yhi));
    let (bx1, by1) = chart.backend_coord(&(hi, ylo));
    let centre = |b: &ConcentrationBubble| chart.backend_coord(&(b.country_hhi, b.untrusted_share));
    let mut blocked: Vec<Rect> = fixed.iter().map(Fixed::rect).collect();
    for b in &data.bubbles {
        let ((x, y), a) = (centre(b), (bubble_radius(b.count) as f64 * 0.7) as i32);
        blocked.push(Rect::new(x - a, y - a, x + a, y + a));
    }
    let style = font(12.0);
    let order = data.label_order();
    // Past MAX_LABELS, no room is left on a chart of this size: those are left out untried
    // (placement costs candidates × boxes per label).
    let tried = order.len().min(MAX_LABELS);
    let requests: Vec<LabelRequest> = order[..tried]
        .iter()
        .map(|&k| {
            let b = &data.bubbles[k];
            let text = b.label(&style, 200);
            LabelRequest::new(text, centre(b), bubble_radius(b.count), &style)
        })
        .collect();
    let mut out = labels::place(Rect::new(bx0, by0, bx1, by1), blocked, &requests);
    out.dropped.extend(tried..order.len());
    // Requests were made in label order: map back to bubble indices.
    for p in &mut out.placed {
        p.request = order[p.request];
    }
    for d in &mut out.dropped {
        *d = order[*d];
    }
    out
}

/// Draws the placed labels: a leader where the label sits away from its bubble, the text on a
/// white ground.
pub fn draw_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    l: &LabelLayout,
    style: &TextStyle<'static>,
) -> DrawResult<DB> {
    for p in &l.placed {
        if let Some((from, to)) = p.leader {
            root.draw(&PathElement::new(vec![from, to], MUTED.stroke_width(1)))?;
        }
        let r = p.rect;
        root.draw(&Rectangle::new(
            [(r.x0, r.y0), (r.x1, r.y1)],
            WHITE.mix(0.85).filled(),
        ))?;
        let s = anchored(style.clone(), HPos::Center, VPos::Center);
        root.draw_text(&p.text, &s, r.center())?;
    }
    Ok(())
}

/// Draws the concentration quadrants: x = country HHI of an input's supply, y = untrusted
/// share; bubbles merge inputs at the same point (area grows with their number), labelled
/// where there is room; the others are counted in a note.
pub fn draw_concentration<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ConcentrationScatter,
) -> DrawResult<DB> {
    draw_concentration_labelled(root, data).map(|_| ())
}

fn draw_concentration_labelled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ConcentrationScatter,
) -> DrawResult<DB, LabelLayout> {
    let (w, h) = dims(root);
    let top = header(
        root,
        &data.title(),
        &format!(
            "Each bubble is an input a buyer sources ({} in all); bubbles at one point are merged \
             (area grows with their number). Top right: concentrated and untrusted.",
            data.rows
        ),
        &[],
    )?;
    let area = root.clone().shrink((0, top + 4), (w, h - top - 4 - 22));
    let mut chart = frame(&area, data)?;
    let ((lo, hi), (ylo, yhi)) = (X_RANGE, Y_RANGE);
    let (thr_x, thr_y) = (data.hhi_threshold, UNTRUSTED_SHARE_LINE);
    for pts in [[(thr_x, ylo), (thr_x, yhi)], [(lo, thr_y), (hi, thr_y)]] {
        chart.draw_series(std::iter::once(dashed(pts.to_vec(), MUTED)))?;
    }
    let fixed = fixed_texts(&chart, data);
    for f in &fixed {
        root.draw_text(&f.text, &f.style, f.at)?;
    }
    for b in &data.bubbles {
        let (x, y) = chart.backend_coord(&(b.country_hhi, b.untrusted_share));
        let r = bubble_radius(b.count);
        root.draw(&Circle::new((x, y), r, mark(data.quadrant_color(b))))?;
        root.draw(&Circle::new((x, y), r, WHITE.stroke_width(2)))?;
    }
    let l = layout(&chart, data, &fixed);
    draw_labels(root, &l, &font(12.0))?;
    if !l.dropped.is_empty() {
        footnote(
            root,
            &format!(
                "+{} unlabelled (no room without overlap): every input is listed in the \
                 report's concentration table.",
                l.dropped.len()
            ),
        )?;
    }
    Ok(l)
}
