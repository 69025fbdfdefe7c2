//! Bar charts: the single-point-of-failure ranking and untrusted exposure per product.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::findings::Kind;
use crate::analysis::groups::Level;
use crate::analysis::{EPS, Report};
use crate::model::Dataset;
use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::{BTreeMap, BTreeSet};

/// Rows shown in the ranking.
pub const SPOF_TOP: usize = 20;
/// Products shown in the exposure chart.
pub const EXPOSURE_TOP: usize = 30;

/// Room left of the plot for the row labels.
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
    /// The currency of the revenues.
    pub currency: String,
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
                .insert((p.entity.to_string(), p.item.to_string()));
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
            currency: report.settings.currency.clone(),
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

figure!(
    SpofRanking,
    "spof-ranking",
    "Single points of failure: who can stop production alone",
    draw_spof_ranking
);

/// The plot area of a bar chart: below the header and legend (`top`), above the "Top n of …"
/// note when the bars are `truncated`.
fn bar_area<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    top: i32,
    truncated: bool,
) -> DrawingArea<DB, Shift> {
    let (w, h) = dims(root);
    let note_h = if truncated { 24 } else { 0 };
    root.clone()
        .shrink((0, top + 34), (w, h - top - 34 - note_h))
}

/// A bar chart's coordinates: `X` along the bars, rows up the y axis.
type BarChart<'a, DB, X> = ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>;

/// Horizontal bars on `area`: `x` along the bars, `n` rows, labels on the left and `right`
/// pixels kept free right of the plot.
fn bar_chart<'a, DB: DrawingBackend, X: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    right: i32,
    x: X,
    n: usize,
) -> DrawResult<DB, BarChart<'a, DB, X::CoordDescType>> {
    ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(right)
        .margin_top(26)
        .margin_bottom(8)
        .x_label_area_size(52)
        .y_label_area_size(LABEL_AREA)
        .build_cartesian_2d(x, 0f64..n as f64)
}

/// The rows of a bar chart, the first at the top, with text sized to the row height.
struct Rows {
    n: usize,
    /// Row height in pixels.
    height: i32,
    /// Text size of the labels and values.
    size: f64,
    /// Right end of the row labels, just left of the plot.
    label_x: i32,
    /// Row labels (right-aligned).
    label: TextStyle<'static>,
    /// Bar values (left-aligned, bold).
    value: TextStyle<'static>,
}

impl Rows {
    /// The rows of `chart`, whose bars start at x = `zero`.
    fn new<DB: DrawingBackend, X: Ranged<ValueType = V>, V: Copy>(
        chart: &BarChart<'_, DB, X>,
        zero: V,
        n: usize,
    ) -> Rows {
        let (label_x, y0) = chart.backend_coord(&(zero, 0.0));
        let height = y0 - chart.backend_coord(&(zero, 1.0)).1;
        let size = if height >= 30 {
            15.0
        } else if height >= 22 {
            14.0
        } else {
            12.0
        };
        Rows {
            n,
            height,
            size,
            label_x: label_x - 10,
            label: anchored(font(size), HPos::Right, VPos::Center),
            value: anchored(bold(size), HPos::Left, VPos::Center),
        }
    }

    /// Row `i`'s bar bottom, centre and top, in chart coordinates.
    fn span(&self, i: usize) -> (f64, f64, f64) {
        let yc = self.n as f64 - i as f64 - 0.5;
        let pad = if self.height >= 12 { 0.18 } else { 0.08 };
        (yc - 0.5 + pad, yc, yc + 0.5 - pad)
    }

    /// A row's label, cut to fit left of the plot, centred on pixel row `y`.
    fn draw_label<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: &str,
        y: i32,
    ) -> DrawResult<DB> {
        root.draw_text(
            &fit(text, &self.label, LABEL_AREA - 20),
            &self.label,
            (self.label_x, y),
        )
    }
}

/// Draws the single-point-of-failure ranking: one horizontal bar per (level, subject), length
/// = products it stops alone, colour = level; the revenue of those products on the right.
pub fn draw_spof_ranking<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SpofRanking,
) -> DrawResult<DB> {
    let levels: BTreeSet<Level> = data.bars.iter().map(|b| b.level).collect();
    let legend: Vec<(Swatch, String)> = levels
        .iter()
        .map(|&l| (Swatch::Box(level_color(l)), level_label(l).to_string()))
        .collect();
    let top = header(
        root,
        &data.title(),
        "Each bar is a supplier site, owner group, country or the untrusted bloc whose failure alone \
         stops the products counted. Right: their annual revenue.",
        &legend,
    )?;

    let n = data.bars.len();
    let max = data.bars.iter().map(|b| b.products).max().unwrap_or(1) as i32;
    let x_max = if max < 8 { max + 1 } else { max + max / 8 + 1 };
    let area = bar_area(root, top, data.total > n);
    let mut chart = bar_chart(&area, 150, 0..x_max, n)?;
    axes(&mut chart, GRID)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels((x_max + 1).min(12) as usize)
        .x_label_formatter(&|v| format!("{v}"))
        .x_desc("Products it can stop on its own")
        .draw()?;

    let rows = Rows::new(&chart, 0, n);
    let plot_right = chart.backend_coord(&(x_max, 0.0)).0;
    let rev_x = plot_right + 130;
    root.draw_text(
        "Annual revenue",
        &anchored(bold(14.0), HPos::Right, VPos::Bottom),
        (rev_x, chart.backend_coord(&(0, n as f64)).1 - 6),
    )?;
    for (i, bar) in data.bars.iter().enumerate() {
        let (y0, yc, y1) = rows.span(i);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0, y0), (bar.products as i32, y1)],
            mark(level_color(bar.level)),
        )))?;
        let (bx, by) = chart.backend_coord(&(bar.products as i32, yc));
        root.draw_text(&bar.products.to_string(), &rows.value, (bx + 6, by))?;
        rows.draw_label(root, &bar.label, by)?;
        let rev = bar
            .revenue
            .map_or("n/a".to_string(), |r| money(r, &data.currency));
        root.draw_text(&rev, &rows.label, (rev_x, by))?;
    }
    if data.total > n {
        footnote(
            root,
            &format!("Top {n} of {} single points of failure shown.", data.total),
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

figure!(
    ExposureBars,
    "untrusted-exposure",
    "Untrusted exposure: how much of each product depends on untrusted suppliers",
    draw_untrusted_exposure
);

/// Draws untrusted exposure per product (0..1, all tiers down) as horizontal bars, with the
/// threshold as a dashed line.
pub fn draw_untrusted_exposure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ExposureBars,
) -> DrawResult<DB> {
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
    let top = header(
        root,
        &data.title(),
        "Share of each product's output lost if every untrusted or restricted supplier fails \
         together, at any tier.",
        &legend,
    )?;

    let n = data.bars.len();
    let area = bar_area(root, top, data.total > n);
    let mut chart = bar_chart(&area, 40, 0f64..1.08, n)?;
    axes(&mut chart, GRID)
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
        .draw()?;

    chart.draw_series(std::iter::once(dashed(
        vec![(thr, 0.0), (thr, n as f64)],
        THRESHOLD,
    )))?;
    let (tx, ty) = chart.backend_coord(&(thr, n as f64));
    root.draw_text(
        &format!("Threshold {}", pct(thr)),
        &anchored(bold(13.0).color(&THRESHOLD), HPos::Center, VPos::Bottom),
        (tx, ty - 6),
    )?;
    let rows = Rows::new(&chart, 0.0, n);
    for (i, bar) in data.bars.iter().enumerate() {
        let (y0, yc, y1) = rows.span(i);
        let color = if bar.exposure >= thr - EPS {
            UNTRUSTED
        } else {
            CALM
        };
        let x = bar.exposure.clamp(0.0, 1.0);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y0), (x, y1)],
            mark(color),
        )))?;
        let (bx, by) = chart.backend_coord(&(x, yc));
        let value = pct(bar.exposure);
        let vw = text_width(&value, &rows.value);
        let half = (rows.size * 0.55) as i32;
        root.draw(&Rectangle::new(
            [(bx + 3, by - half), (bx + 9 + vw, by + half)],
            WHITE.filled(),
        ))?;
        root.draw_text(&value, &rows.value, (bx + 6, by))?;
        rows.draw_label(root, &bar.label, by)?;
    }
    if data.total > n {
        footnote(root, &format!("Top {n} of {} products shown.", data.total))?;
    }
    Ok(())
}
