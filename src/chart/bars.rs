//! Bar charts: untrusted exposure per product, and the rows the root-cause chart shares.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::{EPS, Report};
use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Products shown in the exposure chart.
pub const EXPOSURE_TOP: usize = 30;

/// Room left of the plot for the row labels.
const LABEL_AREA: i32 = 380;

/// The plot area of a bar chart: below the header and legend (`top`), above the "Top n of …"
/// note when the bars are `truncated`.
pub(super) fn bar_area<DB: DrawingBackend>(
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
pub(super) type BarChart<'a, DB, X> = ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>;

/// Horizontal bars on `area`: `x` along the bars, `n` rows, labels on the left and `right`
/// pixels kept free right of the plot.
pub(super) fn bar_chart<'a, DB: DrawingBackend, X: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    (label_area, right): (i32, i32),
    x: X,
    n: usize,
) -> DrawResult<DB, BarChart<'a, DB, X::CoordDescType>> {
    ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(right)
        .margin_top(26)
        .margin_bottom(8)
        .x_label_area_size(52)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x, 0f64..n as f64)
}

/// The rows of a bar chart, the first at the top, with text sized to the row height.
pub(super) struct Rows {
    n: usize,
    /// Row height in pixels.
    height: i32,
    /// Text size of the labels and values.
    pub(super) size: f64,
    /// Right end of the row labels, just left of the plot.
    label_x: i32,
    /// Row labels (right-aligned).
    pub(super) label: TextStyle<'static>,
    /// Bar values (left-aligned, bold).
    pub(super) value: TextStyle<'static>,
    /// Widest row label.
    max_label: i32,
}

impl Rows {
    /// The rows of `chart`, whose bars start at x = `zero`.
    pub(super) fn new<DB: DrawingBackend, X: Ranged<ValueType = V>, V: Copy>(
        chart: &BarChart<'_, DB, X>,
        zero: V,
        n: usize,
        label_area: i32,
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
            max_label: label_area - 20,
        }
    }

    /// Row `i`'s bar bottom, centre and top, in chart coordinates.
    pub(super) fn span(&self, i: usize) -> (f64, f64, f64) {
        let yc = self.n as f64 - i as f64 - 0.5;
        let pad = if self.height >= 12 { 0.18 } else { 0.08 };
        (yc - 0.5 + pad, yc, yc + 0.5 - pad)
    }

    /// A row's label, cut to fit left of the plot, centred on pixel row `y`.
    pub(super) fn draw_label<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: &str,
        y: i32,
    ) -> DrawResult<DB> {
        root.draw_text(
            &fit(text, &self.label, self.max_label),
            &self.label,
            (self.label_x, y),
        )
    }
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
    /// At most `EXPOSURE_TOP` products.
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

/// The legend: the colours, the threshold, and the outline of a product stopped outright
/// (exactly 100%, so that 99.8% never reads as stopped) when one is.
fn exposure_legend(data: &ExposureBars) -> Vec<(Swatch, String)> {
    let thr = data.threshold;
    let mut legend = vec![
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
    if data.bars.iter().any(|b| b.exposure >= 1.0 - EPS) {
        legend.push((
            Swatch::Border(TEXT),
            "Stopped outright (exactly 100%)".to_string(),
        ));
    }
    legend
}

/// Draws untrusted exposure per product (0..1, all tiers down) as horizontal bars, with the
/// threshold as a dashed line.
pub fn draw_untrusted_exposure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ExposureBars,
) -> DrawResult<DB> {
    let thr = data.threshold;
    let top = header(
        root,
        &data.title(),
        "Share of each product's output lost if every untrusted or restricted supplier fails \
         together, at any tier.",
        &exposure_legend(data),
    )?;

    let n = data.bars.len();
    let area = bar_area(root, top, data.total > n);
    let mut chart = bar_chart(&area, (LABEL_AREA, 40), 0f64..1.08, n)?;
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
    let rows = Rows::new(&chart, 0.0, n, LABEL_AREA);
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
        if bar.exposure >= 1.0 - EPS {
            let outline = TEXT.stroke_width(2);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (x, y1)],
                outline,
            )))?;
        }
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
