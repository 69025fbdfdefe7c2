//! Time exposure: time to survive vs time to recover, the largest risks numbered with callouts
//! that never overlap ([`super::labels`]) and listed beside the chart.

use super::labels::{self, LabelLayout, LabelRequest, Rect};
use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::findings::{Details, Kind, TimeDetails};
use crate::analysis::{EPS, Report};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::BTreeMap;

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
        let index = ProductIndex::new(report);
        let mut points: Vec<TimePoint> = report
            .findings
            .iter()
            .filter(|f| f.kind == Kind::TimeExposure)
            .filter_map(|f| {
                let Details::Time(t) = &f.details else {
                    return None;
                };
                let TimeDetails {
                    capacity,
                    time_to_recover_days,
                    time_to_survive_days,
                    ..
                } = **t;
                let product = f.product.as_ref()?;
                Some(TimePoint {
                    time_to_survive: time_to_survive_days,
                    time_to_recover: time_to_recover_days,
                    revenue_at_risk: (f.metric.name == "revenue_at_risk").then_some(f.metric.value),
                    loss: 1.0 - capacity,
                    supplier: f.subject.to_string(),
                    product: format!("{}:{}", product.entity, product.item),
                    product_label: index.label(&labels, &product.entity, &product.item),
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

    /// The listed points: the largest revenues at risk.
    fn top(&self) -> Vec<&TimePoint> {
        self.points
            .iter()
            .filter(|p| p.revenue_at_risk.is_some())
            .take(TIME_TOP)
            .collect()
    }
}

impl super::Labelled for TimeScatter {
    fn draw_labelled<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> DrawResult<DB, LabelLayout> {
        draw_time_labelled(root, self)
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

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The axes: x from the smallest to the largest stock, padded; y from 0 past the longest
/// recovery; with the diagonal y = x.
fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    data: &TimeScatter,
) -> DrawResult<DB, Plot<'a, DB>> {
    let tts = data.points.iter().map(|p| p.time_to_survive);
    let x_min = tts.clone().fold(f64::INFINITY, f64::min);
    let x_max = tts.fold(f64::NEG_INFINITY, f64::max);
    let pad = ((x_max - x_min) * 0.12).max(5.0);
    let (x_lo, x_hi) = ((x_min - pad).max(0.0), x_max + pad);
    let y_hi = data
        .points
        .iter()
        .map(|p| p.time_to_recover)
        .fold(10.0f64, f64::max)
        * 1.08;
    let mut chart = ChartBuilder::on(area)
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
    Ok(chart)
}

/// Where each point is drawn and how big.
struct Marks {
    /// Pixel centre and radius per point.
    at: Vec<((i32, i32), i32)>,
}

impl Marks {
    /// Products sharing a stock level are set side by side with small horizontal offsets;
    /// bubble area grows with revenue at risk.
    fn new<DB: DrawingBackend>(chart: &Plot<'_, DB>, data: &TimeScatter) -> Marks {
        let key = |p: &TimePoint| (p.time_to_survive * 1000.0).round() as i64;
        let mut at_tts: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
        for p in &data.points {
            let v = at_tts.entry(key(p)).or_default();
            if !v.contains(&p.product.as_str()) {
                v.push(&p.product);
            }
        }
        for v in at_tts.values_mut() {
            v.sort();
        }
        let max_rev = data
            .points
            .iter()
            .filter_map(|p| p.revenue_at_risk)
            .fold(0.0f64, f64::max);
        let at = data
            .points
            .iter()
            .map(|p| {
                let (x, y) = chart.backend_coord(&(p.time_to_survive, p.time_to_recover));
                let group = &at_tts[&key(p)];
                let m = group.len() as f64;
                let k = group.iter().position(|q| *q == p.product).unwrap_or(0) as f64;
                let step = (120.0 / m).min(24.0);
                let x = x + ((k - (m - 1.0) / 2.0) * step).round() as i32;
                let r = match (p.revenue_at_risk, max_rev > 0.0) {
                    (Some(r), true) => (3.0 + 27.0 * (r.max(0.0) / max_rev).sqrt()) as i32,
                    _ => 3,
                };
                ((x, y), r)
            })
            .collect();
        Marks { at }
    }
}

/// The callouts: the numbers 1.. of the listed points, inside the plot, clear of each other
/// and of the listed bubbles' cores.
fn layout<DB: DrawingBackend>(
    chart: &Plot<'_, DB>,
    data: &TimeScatter,
    marks: &Marks,
) -> LabelLayout {
    let (x_range, y_range) = (chart.x_range(), chart.y_range());
    let (px0, py0) = chart.backend_coord(&(x_range.start, y_range.end));
    let (px1, py1) = chart.backend_coord(&(x_range.end, y_range.start));
    let n = data.top().len();
    let blocked = marks.at[..n]
        .iter()
        .map(|&((x, y), r)| {
            let a = (r as f64 * 0.7) as i32;
            Rect::new(x - a, y - a, x + a, y + a)
        })
        .collect();
    let style = bold(12.0);
    let requests: Vec<LabelRequest> = (0..n)
        .map(|k| {
            let (at, r) = marks.at[k];
            let mut req = LabelRequest::new((k + 1).to_string(), at, r, &style);
            req.w = req.w.max(18);
            req.h = req.h.max(18);
            req
        })
        .collect();
    labels::place(
        Rect::new(px0 + 2, py0 + 2, px1 - 2, py1 - 2),
        blocked,
        &requests,
    )
}

/// The numbers in white discs, with leaders to their bubbles.
fn draw_callouts<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    l: &LabelLayout,
) -> DrawResult<DB> {
    let nf = anchored(bold(12.0), HPos::Center, VPos::Center);
    for p in &l.placed {
        if let Some((from, to)) = p.leader {
            root.draw(&PathElement::new(vec![from, to], TEXT.stroke_width(1)))?;
        }
        let c = p.rect.center();
        root.draw(&Circle::new(c, 8, WHITE.filled()))?;
        root.draw(&Circle::new(c, 8, TEXT.stroke_width(1)))?;
        root.draw_text(&p.text, &nf, c)?;
    }
    Ok(())
}

/// The list beside the chart: supplier, revenue at risk, product, days and loss.
fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TimeScatter,
    (panel_x, mut y): (i32, i32),
) -> DrawResult<DB> {
    root.draw_text("Largest revenue at risk", &bold(16.0), (panel_x, y))?;
    y += 30;
    let width = PANEL - 30;
    let f1 = bold(13.0);
    let f2 = colored(font(12.0), MUTED);
    let af = anchored(bold(13.0), HPos::Right, VPos::Top);
    for (k, p) in data.top().iter().enumerate() {
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

fn legend() -> [(Swatch, String); 4] {
    [
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
    ]
}

/// Draws time to survive (product stock, x) against time to recover (supplier, y) for every
/// time-exposure finding, with the diagonal y = x; bubble area = revenue at risk, colour =
/// output lost. Products with the same stock are set side by side; the largest risks are
/// numbered and listed on the right.
pub fn draw_time_exposure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TimeScatter,
) -> DrawResult<DB> {
    draw_time_labelled(root, data).map(|_| ())
}

fn draw_time_labelled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TimeScatter,
) -> DrawResult<DB, LabelLayout> {
    let (w, h) = dims(root);
    let top = header(
        root,
        &data.title(),
        &format!(
            "Each bubble: one supplier failing one product ({} in all); all lie above the diagonal, \
             where stock runs out first. Bubble area = revenue at risk.",
            data.points.len()
        ),
        &legend(),
    )?;
    let area = root
        .clone()
        .shrink((0, top + 28), (w - PANEL, h - top - 28));
    let chart = frame(&area, data)?;
    let marks = Marks::new(&chart, data);
    for (p, &(c, r)) in data.points.iter().zip(&marks.at) {
        root.draw(&Circle::new(c, r, mark_soft(loss_color(p.loss))))?;
    }
    let l = layout(&chart, data, &marks);
    draw_callouts(root, &l)?;
    let y0 = chart.backend_coord(&(0.0, chart.y_range().end)).1;
    draw_panel(root, data, (w - PANEL + 10, y0))?;
    Ok(l)
}
