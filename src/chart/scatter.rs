//! Scatter charts: the concentration quadrants and time to survive vs time to recover.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::findings::{Details, Kind};
use crate::analysis::{EPS, Report};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::BTreeMap;

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
}

/// Country HHI vs untrusted share of every (buyer, input), rows at the same point merged.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcentrationScatter {
    pub dataset: String,
    pub bubbles: Vec<ConcentrationBubble>,
    pub rows: usize,
    pub hhi_threshold: f64,
}

impl ConcentrationScatter {
    pub fn new(report: &Report) -> Option<ConcentrationScatter> {
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
            });
            b.count += 1;
            let item = r
                .substitutes
                .or_text()
                .unwrap_or_else(|| r.item.to_string());
            b.inputs.push(format!("{item} → {}", r.buyer));
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

    fn quadrant_color(&self, b: &ConcentrationBubble) -> RGBColor {
        let conc = b.country_hhi > self.hhi_threshold + EPS;
        let untrusted = b.untrusted_share >= UNTRUSTED_SHARE_LINE - EPS;
        match (conc, untrusted) {
            (true, true) => UNTRUSTED,
            (false, true) => NEUTRAL,
            (true, false) => CALM,
            (false, false) => TRUSTED,
        }
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

/// Draws the concentration quadrants: x = country HHI of an input's supply, y = untrusted
/// share; bubbles merge inputs at the same point (area grows with their number).
pub fn draw_concentration<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ConcentrationScatter,
) -> DrawResult<DB> {
    let (w, h) = dims(root);
    let top = header(
        root,
        &data.title(),
        &format!(
            "Each bubble is an input a buyer sources ({} in all); a number says how many share \
             that point. Top right: concentrated and untrusted.",
            data.rows
        ),
        &[],
    )?;
    let area = root.clone().shrink((0, top + 4), (w, h - top - 4));
    // The strips beyond 0 and 1 hold the quadrant names, clear of any bubble centre.
    let (lo, hi) = (-0.05, 1.05);
    let (ylo, yhi) = (-0.15, 1.15);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(20)
        .margin_right(40)
        .margin_top(12)
        .margin_bottom(10)
        .x_label_area_size(56)
        .y_label_area_size(80)
        .build_cartesian_2d(lo..hi, ylo..yhi)?;
    let thr_x = data.hhi_threshold;
    let thr_y = UNTRUSTED_SHARE_LINE;
    // Quadrant backgrounds.
    let tint = |c: RGBColor| c.mix(0.08).filled();
    chart.draw_series([
        Rectangle::new([(thr_x, thr_y), (hi, yhi)], tint(UNTRUSTED)),
        Rectangle::new([(lo, thr_y), (thr_x, yhi)], tint(NEUTRAL)),
        Rectangle::new([(thr_x, ylo), (hi, thr_y)], tint(CALM)),
        Rectangle::new([(lo, ylo), (thr_x, thr_y)], tint(TRUSTED)),
    ])?;
    axes(&mut chart, GRID.mix(0.6))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| {
            if (-EPS..=1.0 + EPS).contains(v) {
                format!("{v:.1}")
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| {
            if (-EPS..=1.0 + EPS).contains(v) {
                pct(*v)
            } else {
                String::new()
            }
        })
        .x_desc("Country concentration of supply (HHI: 1 = all from one country)")
        .y_desc("Share bought from untrusted suppliers")
        .draw()?;
    for (pts, label) in [
        (vec![(thr_x, ylo), (thr_x, yhi)], format!("HHI {thr_x}")),
        (
            vec![(lo, thr_y), (hi, thr_y)],
            format!("{} untrusted", pct(thr_y)),
        ),
    ] {
        chart.draw_series(std::iter::once(dashed(pts.clone(), MUTED)))?;
        let (x, y) = chart.backend_coord(&pts[1]);
        let vertical = pts[0].0 == pts[1].0;
        let style = if vertical {
            anchored(font(13.0).color(&MUTED), HPos::Left, VPos::Top)
        } else {
            anchored(font(13.0).color(&MUTED), HPos::Right, VPos::Bottom)
        };
        let at = if vertical {
            (x + 6, y + 30)
        } else {
            (x - 4, y - 4)
        };
        root.draw_text(&label, &style, at)?;
    }
    // Quadrant names, in the strips above 100% and below 0%.
    let (px0, py0) = chart.backend_coord(&(lo, yhi));
    let (px1, py1) = chart.backend_coord(&(hi, ylo));
    let q = |c: RGBColor| colored(bold(15.0), c);
    let names = [
        (
            "Concentrated and untrusted",
            UNTRUSTED,
            HPos::Right,
            VPos::Top,
            (px1 - 10, py0 + 10),
        ),
        (
            "Diversified but untrusted",
            NEUTRAL,
            HPos::Left,
            VPos::Top,
            (px0 + 10, py0 + 10),
        ),
        (
            "Concentrated, trusted",
            CALM,
            HPos::Right,
            VPos::Bottom,
            (px1 - 10, py1 - 10),
        ),
        (
            "Diversified and trusted",
            TRUSTED,
            HPos::Left,
            VPos::Bottom,
            (px0 + 10, py1 - 10),
        ),
    ];
    for (name, c, hp, vp, at) in names {
        root.draw_text(name, &anchored(q(scale(&[c, TEXT], 0.25)), hp, vp), at)?;
    }
    for b in &data.bubbles {
        let (x, y) = chart.backend_coord(&(b.country_hhi, b.untrusted_share));
        let r = bubble_radius(b.count);
        root.draw(&Circle::new((x, y), r, mark(data.quadrant_color(b))))?;
        root.draw(&Circle::new((x, y), r, WHITE.stroke_width(2)))?;
    }
    let (bx0, by0) = chart.backend_coord(&(lo, yhi));
    let (bx1, by1) = chart.backend_coord(&(hi, ylo));
    let mut placer = Placer::new((bx0, by0, bx1, by1));
    for b in &data.bubbles {
        let (x, y) = chart.backend_coord(&(b.country_hhi, b.untrusted_share));
        let r = bubble_radius(b.count);
        if b.count < 2 {
            continue;
        }
        // Inside the bubble when that space is free, else just above or below it.
        let text = b.count.to_string();
        let size = if r >= 14 { 14.0 } else { 11.0 };
        let tw = text_width(&text, &bold(size)) + 2;
        let th = size as i32 + 2;
        let cands = [
            (x - tw / 2, y - th / 2),
            (x - tw / 2, y - r - th - 1),
            (x - tw / 2, y + r + 1),
        ];
        let Some((lx, ly)) = placer.place_exact(&cands, tw, th) else {
            continue;
        };
        let inside = ly == y - th / 2;
        let style = anchored(
            colored(bold(size), if inside { WHITE } else { TEXT }),
            HPos::Center,
            VPos::Center,
        );
        root.draw_text(&text, &style, (lx + tw / 2, ly + th / 2))?;
    }
    Ok(())
}

/// One time-exposure finding: a supplier that needs longer to recover than a product's stock
/// lasts.
#[derive(Debug, Clone, PartialEq)]
pub struct TimePoint {
    pub time_to_survive: f64,
    pub time_to_recover: f64,
    pub revenue_at_risk: Option<f64>,
    /// 1 − capacity while the supplier is down.
    pub loss: f64,
    /// Supplier entity id.
    pub supplier: String,
    /// `entity:item` of the product.
    pub product: String,
    pub product_label: String,
}

/// Time to survive vs time to recover of every time-exposure finding.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeScatter {
    pub dataset: String,
    /// Largest revenue at risk first (drawn first, so smaller ones stay visible on top).
    pub points: Vec<TimePoint>,
    /// The currency of the revenues.
    pub currency: String,
}

/// Points listed, numbered, beside the chart.
pub const TIME_TOP: usize = 8;

impl TimeScatter {
    pub fn new(report: &Report) -> Option<TimeScatter> {
        let labels = product_labels(&report.products);
        let mut points: Vec<TimePoint> = report
            .findings
            .iter()
            .filter(|f| f.kind == Kind::TimeExposure)
            .filter_map(|f| {
                let Details::Time {
                    capacity,
                    time_to_recover_days,
                    time_to_survive_days,
                    ..
                } = f.details
                else {
                    return None;
                };
                let product = f.product.as_ref()?;
                Some(TimePoint {
                    time_to_survive: time_to_survive_days,
                    time_to_recover: time_to_recover_days,
                    revenue_at_risk: (f.metric.name == "revenue_at_risk").then_some(f.metric.value),
                    loss: 1.0 - capacity,
                    supplier: f.subject.clone(),
                    product: format!("{}:{}", product.entity, product.item),
                    product_label: label_for(report, &labels, &product.entity, &product.item),
                })
            })
            .collect();
        if points.is_empty() {
            return None;
        }
        // Stable: ties keep the report's order.
        points.sort_by(|a, b| {
            b.revenue_at_risk
                .unwrap_or(-1.0)
                .total_cmp(&a.revenue_at_risk.unwrap_or(-1.0))
        });
        Some(TimeScatter {
            dataset: report.dataset.clone(),
            points,
            currency: report.settings.currency.clone(),
        })
    }
}

figure!(
    TimeScatter,
    "time-exposure",
    "Time exposure: suppliers that take longer to recover than stock lasts",
    draw_time_exposure
);

/// Colour by the share of output lost while the supplier is down.
fn loss_color(loss: f64) -> RGBColor {
    if loss >= 0.5 - EPS {
        UNTRUSTED
    } else if loss >= 0.2 - EPS {
        NEUTRAL
    } else {
        CALM
    }
}

const PANEL: i32 = 350;

/// Draws time to survive (product stock, x) against time to recover (supplier, y) for every
/// time-exposure finding, with the diagonal y = x; bubble area = revenue at risk, colour =
/// output lost. Products with the same stock are set side by side; the largest risks are
/// numbered and listed on the right.
pub fn draw_time_exposure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TimeScatter,
) -> DrawResult<DB> {
    let (w, h) = dims(root);
    let max_rev = data
        .points
        .iter()
        .filter_map(|p| p.revenue_at_risk)
        .fold(0.0f64, f64::max);
    let legend = [
        (
            Swatch::Circle(UNTRUSTED),
            "Loses half the output or more".to_string(),
        ),
        (Swatch::Circle(NEUTRAL), "Loses 20–50%".to_string()),
        (Swatch::Circle(CALM), "Loses under 20%".to_string()),
        (
            Swatch::Dashed(MUTED),
            "Recovery = stock (y = x)".to_string(),
        ),
    ];
    let top = header(
        root,
        &data.title(),
        &format!(
            "Each bubble: one supplier failing one product ({} in all); all lie above the diagonal, \
             where stock runs out first. Bubble area = revenue at risk.",
            data.points.len()
        ),
        &legend,
    )?;

    let tts = |p: &TimePoint| p.time_to_survive;
    let x_min = data.points.iter().map(tts).fold(f64::INFINITY, f64::min);
    let x_max = data
        .points
        .iter()
        .map(tts)
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = ((x_max - x_min) * 0.12).max(5.0);
    let (x_lo, x_hi) = ((x_min - pad).max(0.0), x_max + pad);
    let y_hi = data
        .points
        .iter()
        .map(|p| p.time_to_recover)
        .fold(10.0f64, f64::max)
        * 1.08;
    let area = root
        .clone()
        .shrink((0, top + 28), (w - PANEL, h - top - 28));
    let mut chart = ChartBuilder::on(&area)
        .margin_left(20)
        .margin_right(30)
        .margin_top(16)
        .margin_bottom(10)
        .x_label_area_size(56)
        .y_label_area_size(70)
        .build_cartesian_2d(x_lo..x_hi, 0f64..y_hi)?;
    axes(&mut chart, GRID)
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("Time to survive: days of product stock")
        .y_desc("Time to recover: supplier's days back to normal")
        .draw()?;
    let m = x_hi.min(y_hi);
    if m > x_lo {
        chart.draw_series(std::iter::once(dashed(vec![(x_lo, x_lo), (m, m)], MUTED)))?;
    }

    // Side by side: products sharing a stock level get small horizontal offsets.
    let mut at_tts: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for p in &data.points {
        let v = at_tts
            .entry((p.time_to_survive * 1000.0).round() as i64)
            .or_default();
        if !v.contains(&p.product.as_str()) {
            v.push(&p.product);
        }
    }
    for v in at_tts.values_mut() {
        v.sort();
    }
    let pos = |p: &TimePoint| -> (i32, i32) {
        let (x, y) = chart.backend_coord(&(p.time_to_survive, p.time_to_recover));
        let group = &at_tts[&((p.time_to_survive * 1000.0).round() as i64)];
        let m = group.len() as f64;
        let k = group.iter().position(|q| *q == p.product).unwrap_or(0) as f64;
        let step = (120.0 / m).min(24.0);
        (x + ((k - (m - 1.0) / 2.0) * step).round() as i32, y)
    };
    let radius = |p: &TimePoint| match (p.revenue_at_risk, max_rev > 0.0) {
        (Some(r), true) => (3.0 + 27.0 * (r.max(0.0) / max_rev).sqrt()) as i32,
        _ => 3,
    };
    for p in &data.points {
        root.draw(&Circle::new(
            pos(p),
            radius(p),
            mark_soft(loss_color(p.loss)),
        ))?;
    }

    // The largest risks: numbered on the chart, listed in the panel.
    let top_points: Vec<&TimePoint> = data
        .points
        .iter()
        .filter(|p| p.revenue_at_risk.is_some())
        .take(TIME_TOP)
        .collect();
    let (px0, py0) = chart.backend_coord(&(x_lo, y_hi));
    let (px1, py1) = chart.backend_coord(&(x_hi, 0.0));
    let mut placer = Placer::new((px0 + 2, py0 + 2, px1 - 2, py1 - 2));
    for p in &top_points {
        // Numbers keep off the listed bubbles' cores.
        let (x, y) = pos(p);
        let a = (radius(p) as f64 * 0.7) as i32;
        placer.block((x - a, y - a, x + a, y + a));
    }
    let nf = anchored(bold(12.0), HPos::Center, VPos::Center);
    for (k, p) in top_points.iter().enumerate() {
        let (x, y) = pos(p);
        let r = radius(p);
        let d = (r as f64 * 0.75) as i32 + 2;
        let cands = [
            (x + d, y - d - 14),
            (x - d - 16, y - d - 14),
            (x + d, y + d),
            (x - d - 16, y + d),
        ];
        if let Some((lx, ly)) = placer.place(&cands, 16, 14) {
            // A leader from the bubble's edge to the number.
            let (nx, ny) = (lx + 8, ly + 7);
            let (dx, dy) = ((nx - x) as f64, (ny - y) as f64);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let from = (
                x + (dx / len * r as f64) as i32,
                y + (dy / len * r as f64) as i32,
            );
            let to = (nx - (dx / len * 8.0) as i32, ny - (dy / len * 8.0) as i32);
            if len > r as f64 + 8.0 {
                root.draw(&PathElement::new(vec![from, to], TEXT.stroke_width(1)))?;
            }
            root.draw(&Circle::new((lx + 8, ly + 7), 8, WHITE.filled()))?;
            root.draw(&Circle::new((lx + 8, ly + 7), 8, TEXT.stroke_width(1)))?;
            root.draw_text(&(k + 1).to_string(), &nf, (lx + 8, ly + 7))?;
        }
    }
    let panel_x = w - PANEL + 10;
    let mut y = py0;
    root.draw_text("Largest revenue at risk", &bold(16.0), (panel_x, y))?;
    y += 30;
    let width = PANEL - 30;
    let f1 = bold(13.0);
    let f2 = colored(font(12.0), MUTED);
    let af = anchored(bold(13.0), HPos::Right, VPos::Top);
    for (k, p) in top_points.iter().enumerate() {
        let amount_text = money(p.revenue_at_risk.unwrap_or(0.0), &data.currency);
        let aw = text_width(&amount_text, &af);
        let line1 = fit(&format!("{}. {}", k + 1, p.supplier), &f1, width - aw - 12);
        root.draw_text(&line1, &f1, (panel_x, y))?;
        root.draw_text(&amount_text, &af, (panel_x + width, y))?;
        root.draw_text(
            &fit(&format!("→ {}", p.product_label), &f2, width),
            &f2,
            (panel_x, y + 18),
        )?;
        let line3 = format!(
            "{:.0} days to recover vs {:.0} days of stock, loses {}",
            p.time_to_recover,
            p.time_to_survive,
            pct(p.loss)
        );
        root.draw_text(&fit(&line3, &f2, width), &f2, (panel_x, y + 34))?;
        y += 58;
    }
    Ok(())
}
