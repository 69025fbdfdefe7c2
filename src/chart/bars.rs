//! Bar charts: the single-point-of-failure ranking and untrusted exposure per product.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::findings::Kind;
use crate::analysis::groups::Level;
use crate::analysis::{EPS, Report};
use crate::model::Dataset;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::{BTreeMap, BTreeSet};

/// Rows shown in the ranking.
pub const SPOF_TOP: usize = 20;
/// Products shown in the exposure chart.
pub const EXPOSURE_TOP: usize = 30;

const W: u32 = 1200;
const H: u32 = 700;
const LABEL_AREA: i32 = 380;

/// One single point of failure: a (level, subject) and the products it can stop alone.
#[derive(Debug, Clone, PartialEq)]
pub struct SpofBar {
    pub level: Level,
    pub subject: String,
    pub label: String,
    /// Distinct products it stops.
    pub products: usize,
    /// Sum of those products' `annual_revenue` (`None` when none has one).
    pub revenue: Option<f64>,
}

/// The ranking: most products first, then most revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct SpofRanking {
    pub dataset: String,
    /// At most [`SPOF_TOP`] rows.
    pub bars: Vec<SpofBar>,
    /// All (level, subject) pairs that are a single point of failure somewhere.
    pub total: usize,
}

impl SpofRanking {
    pub fn new(report: &Report, ds: &Dataset) -> Option<SpofRanking> {
        let mut groups: BTreeMap<(Level, String), BTreeSet<(String, String)>> = BTreeMap::new();
        for f in report.findings.iter().filter(|f| f.kind == Kind::Spof) {
            let (Some(level), Some(p)) = (f.level, &f.product) else {
                continue;
            };
            groups
                .entry((level, f.subject.clone()))
                .or_default()
                .insert((p.entity.clone(), p.item.clone()));
        }
        if groups.is_empty() {
            return None;
        }
        let mut bars: Vec<SpofBar> = groups
            .into_iter()
            .map(|((level, subject), products)| {
                let revenues: Vec<f64> = products
                    .iter()
                    .filter_map(|(e, x)| product(report, e, x).and_then(|p| p.annual_revenue))
                    .collect();
                SpofBar {
                    level,
                    label: subject_label(ds, level, &subject),
                    subject,
                    products: products.len(),
                    revenue: (!revenues.is_empty()).then(|| revenues.iter().sum()),
                }
            })
            .collect();
        bars.sort_by(|a, b| {
            b.products
                .cmp(&a.products)
                .then(
                    b.revenue
                        .unwrap_or(-1.0)
                        .total_cmp(&a.revenue.unwrap_or(-1.0)),
                )
                .then(a.level.cmp(&b.level))
                .then(a.subject.cmp(&b.subject))
        });
        let total = bars.len();
        bars.truncate(SPOF_TOP);
        Some(SpofRanking {
            dataset: report.dataset.clone(),
            bars,
            total,
        })
    }
}

/// `Gallium Refinery (CN)`, `China (CN)`, `All untrusted suppliers together`.
fn subject_label(ds: &Dataset, level: Level, subject: &str) -> String {
    match level {
        Level::Entity | Level::Owner => match ds.entity_ix.get(subject) {
            Some(&e) => format!("{} ({})", ds.entity(e).name, ds.entity_country(e).code),
            None => subject.to_string(),
        },
        Level::Country => country_name(ds, subject),
        Level::Untrusted => "All untrusted suppliers together".to_string(),
    }
}

impl Figure for SpofRanking {
    fn name(&self) -> &'static str {
        "spof-ranking"
    }
    fn title(&self) -> String {
        "Single points of failure: who can stop production alone".to_string()
    }
    fn size(&self) -> (u32, u32) {
        (W, H)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw_spof_ranking(root, self)
    }
}

/// Draws the single-point-of-failure ranking: one horizontal bar per (level, subject), length
/// = products it stops alone, colour = level; the revenue of those products on the right.
pub fn draw_spof_ranking<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SpofRanking,
) -> DrawResult<DB> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let top = header(
        root,
        &data.title(),
        "Each bar is a supplier site, owner group, country or the untrusted bloc whose failure alone \
         stops the products counted. Right: their annual revenue.",
    )?;
    let levels: BTreeSet<Level> = data.bars.iter().map(|b| b.level).collect();
    let legend: Vec<(Swatch, String)> = levels
        .iter()
        .map(|&l| (Swatch::Box(level_color(l)), level_label(l).to_string()))
        .collect();
    legend_row(root, (30, top + 2), &legend)?;

    let n = data.bars.len();
    let max = data.bars.iter().map(|b| b.products).max().unwrap_or(1) as i32;
    let x_max = if max < 8 { max + 1 } else { max + max / 8 + 1 };
    let note_h = if data.total > n { 24 } else { 0 };
    let area = root
        .clone()
        .shrink((0, top + 34), (w, h - top - 34 - note_h));
    let mut chart = ChartBuilder::on(&area)
        .margin_left(10)
        .margin_right(150)
        .margin_top(26)
        .margin_bottom(8)
        .x_label_area_size(52)
        .y_label_area_size(LABEL_AREA)
        .build_cartesian_2d(0..x_max, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels((x_max + 1).min(12) as usize)
        .x_label_formatter(&|v| format!("{v}"))
        .x_desc("Products it can stop on its own")
        .axis_desc_style(font(16.0))
        .label_style(font(14.0))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .draw()?;

    let row_h = chart.backend_coord(&(0, 0.0)).1 - chart.backend_coord(&(0, 1.0)).1;
    let label_size = if row_h >= 30 {
        15.0
    } else if row_h >= 22 {
        14.0
    } else {
        12.0
    };
    let lf = anchored(font(label_size), HPos::Right, VPos::Center);
    let vf = anchored(bold(label_size), HPos::Left, VPos::Center);
    let rf = anchored(font(label_size), HPos::Right, VPos::Center);
    let plot_right = chart.backend_coord(&(x_max, 0.0)).0;
    let rev_x = plot_right + 130;
    root.draw_text(
        "Annual revenue",
        &anchored(bold(14.0), HPos::Right, VPos::Bottom),
        (rev_x, chart.backend_coord(&(0, n as f64)).1 - 6),
    )?;
    for (i, bar) in data.bars.iter().enumerate() {
        let yc = n as f64 - i as f64 - 0.5;
        let pad = if row_h >= 12 { 0.18 } else { 0.08 };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0, yc - 0.5 + pad), (bar.products as i32, yc + 0.5 - pad)],
            mark(level_color(bar.level)),
        )))?;
        let (bx, by) = chart.backend_coord(&(bar.products as i32, yc));
        root.draw_text(&bar.products.to_string(), &vf, (bx + 6, by))?;
        let label_x = chart.backend_coord(&(0, yc)).0 - 10;
        root.draw_text(&fit(&bar.label, &lf, LABEL_AREA - 20), &lf, (label_x, by))?;
        let rev = bar.revenue.map_or("n/a".to_string(), amount);
        root.draw_text(&rev, &rf, (rev_x, by))?;
    }
    if data.total > n {
        root.draw_text(
            &format!("Top {n} of {} single points of failure shown.", data.total),
            &font(13.0).color(&MUTED),
            (30, h - 22),
        )?;
    }
    Ok(())
}

/// One product's untrusted exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureBar {
    pub label: String,
    pub exposure: f64,
}

/// Untrusted exposure per product, highest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureBars {
    pub dataset: String,
    /// At most [`EXPOSURE_TOP`] products.
    pub bars: Vec<ExposureBar>,
    pub total: usize,
    /// Exposure at or above which a product is flagged (the report's capacity threshold).
    pub threshold: f64,
}

impl ExposureBars {
    pub fn new(report: &Report) -> Option<ExposureBars> {
        if report.products.is_empty() {
            return None;
        }
        let mut bars: Vec<ExposureBar> = report
            .products
            .iter()
            .zip(product_labels(&report.products))
            .map(|(p, label)| ExposureBar {
                label,
                exposure: p.untrusted_exposure,
            })
            .collect();
        // Stable: ties keep the report's order.
        bars.sort_by(|a, b| b.exposure.total_cmp(&a.exposure));
        let total = bars.len();
        bars.truncate(EXPOSURE_TOP);
        Some(ExposureBars {
            dataset: report.dataset.clone(),
            bars,
            total,
            threshold: report.settings.capacity_threshold,
        })
    }
}

impl Figure for ExposureBars {
    fn name(&self) -> &'static str {
        "untrusted-exposure"
    }
    fn title(&self) -> String {
        "Untrusted exposure: how much of each product depends on untrusted suppliers".to_string()
    }
    fn size(&self) -> (u32, u32) {
        (W, H)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw_untrusted_exposure(root, self)
    }
}

/// Draws untrusted exposure per product (0..1, all tiers down) as horizontal bars, with the
/// threshold as a dashed line.
pub fn draw_untrusted_exposure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ExposureBars,
) -> DrawResult<DB> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let top = header(
        root,
        &data.title(),
        "Share of each product's output lost if every untrusted or restricted supplier fails \
         together, at any tier.",
    )?;
    let thr = data.threshold;
    let legend = [
        (
            Swatch::Box(UNTRUSTED),
            format!("At or above {} exposure", pct(thr)),
        ),
        (Swatch::Box(CALM), format!("Below {}", pct(thr))),
        (
            Swatch::Dashed(THRESHOLD),
            format!("Threshold ({})", pct(thr)),
        ),
    ];
    legend_row(root, (30, top + 2), &legend)?;

    let n = data.bars.len();
    let note_h = if data.total > n { 24 } else { 0 };
    let area = root
        .clone()
        .shrink((0, top + 34), (w, h - top - 34 - note_h));
    let mut chart = ChartBuilder::on(&area)
        .margin_left(10)
        .margin_right(40)
        .margin_top(26)
        .margin_bottom(8)
        .x_label_area_size(52)
        .y_label_area_size(LABEL_AREA)
        .build_cartesian_2d(0f64..1.08, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&|v| {
            if *v <= 1.0 + EPS {
                pct(*v)
            } else {
                String::new()
            }
        })
        .x_desc("Untrusted exposure (share of output at risk)")
        .axis_desc_style(font(16.0))
        .label_style(font(14.0))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .draw()?;

    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(thr, 0.0), (thr, n as f64)],
        8,
        5,
        THRESHOLD.stroke_width(2),
    )))?;
    let (tx, ty) = chart.backend_coord(&(thr, n as f64));
    root.draw_text(
        &format!("Threshold {}", pct(thr)),
        &anchored(bold(13.0).color(&THRESHOLD), HPos::Center, VPos::Bottom),
        (tx, ty - 6),
    )?;
    let row_h = chart.backend_coord(&(0.0, 0.0)).1 - chart.backend_coord(&(0.0, 1.0)).1;
    let label_size = if row_h >= 30 {
        15.0
    } else if row_h >= 22 {
        14.0
    } else {
        12.0
    };
    let lf = anchored(font(label_size), HPos::Right, VPos::Center);
    let vf = anchored(bold(label_size), HPos::Left, VPos::Center);
    for (i, bar) in data.bars.iter().enumerate() {
        let yc = n as f64 - i as f64 - 0.5;
        let pad = if row_h >= 12 { 0.18 } else { 0.08 };
        let color = if bar.exposure >= thr - EPS {
            UNTRUSTED
        } else {
            CALM
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (0.0, yc - 0.5 + pad),
                (bar.exposure.clamp(0.0, 1.0), yc + 0.5 - pad),
            ],
            mark(color),
        )))?;
        let (bx, by) = chart.backend_coord(&(bar.exposure.clamp(0.0, 1.0), yc));
        let value = pct(bar.exposure);
        let vw = text_width(&value, &vf);
        let half = (label_size * 0.55) as i32;
        root.draw(&Rectangle::new(
            [(bx + 3, by - half), (bx + 9 + vw, by + half)],
            WHITE.filled(),
        ))?;
        root.draw_text(&value, &vf, (bx + 6, by))?;
        let label_x = chart.backend_coord(&(0.0, yc)).0 - 10;
        root.draw_text(&fit(&bar.label, &lf, LABEL_AREA - 20), &lf, (label_x, by))?;
    }
    if data.total > n {
        root.draw_text(
            &format!("Top {n} of {} products shown.", data.total),
            &font(13.0).color(&MUTED),
            (30, h - 22),
        )?;
    }
    Ok(())
}
