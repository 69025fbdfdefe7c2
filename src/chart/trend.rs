//! The trend of scheduled runs (`tierscope trend`): findings by severity per day as lines,
//! and below them the products whose untrusted exposure moved most, as bars of the change.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::findings::Severity;
use crate::history::Trend;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Room left of the movers' bars for the product labels.
const LABEL_AREA: i32 = 380;
/// Height of the line chart (header included).
const LINES_HEIGHT: i32 = 620;
/// Height of one mover's row.
const ROW: i32 = 34;

/// The severities' colours, as the report page shows them.
pub fn severity_color(s: Severity) -> RGBColor {
    match s {
        Severity::Critical => RGBColor(0xB3, 0x26, 0x1E),
        Severity::High => RGBColor(0xD9, 0x73, 0x0D),
        Severity::Medium => RGBColor(0xC9, 0xA2, 0x27),
        Severity::Low => RGBColor(0x5B, 0x8D, 0xEF),
    }
}

/// The data of the trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub dataset: String,
    /// One per day, oldest first: the date, and its day counted from the first.
    pub dates: Vec<(String, i64)>,
    /// Findings of each severity (in [`Severity::ALL`] order), one count per day.
    pub counts: Vec<(Severity, Vec<usize>)>,
    /// Products whose exposure moved: label, first and last exposure (0..1).
    pub movers: Vec<(String, f64, f64)>,
}

impl TrendChart {
    pub fn new(trend: &Trend) -> TrendChart {
        TrendChart {
            dataset: trend
                .runs
                .last()
                .map_or(String::new(), |r| r.dataset.clone()),
            dates: trend
                .runs
                .iter()
                .map(|r| {
                    let first = trend.runs[0].date.to_unix_days();
                    (r.date.to_string(), r.date.to_unix_days() - first)
                })
                .collect(),
            counts: Severity::ALL
                .iter()
                .map(|s| {
                    let per_day = trend
                        .runs
                        .iter()
                        .map(|r| r.by_severity.get(s).copied().unwrap_or(0))
                        .collect();
                    (*s, per_day)
                })
                .collect(),
            movers: trend
                .movers
                .iter()
                .map(|m| (m.name.clone(), m.first, m.last))
                .collect(),
        }
    }
}

figure!(
    TrendChart,
    "trend",
    |t| format!("Findings by severity over time: {}", t.dataset),
    (
        1200,
        (LINES_HEIGHT
            + if t.movers.is_empty() {
                0
            } else {
                90 + ROW * t.movers.len() as i32
            }) as u32
    ),
    draw_trend
);

/// Draws the counts of findings by severity per day, and the movers below.
pub fn draw_trend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TrendChart,
) -> DrawResult<DB> {
    let legend: Vec<(Swatch, String)> = data
        .counts
        .iter()
        .map(|(s, _)| (Swatch::Line(severity_color(*s)), s.as_str().to_string()))
        .collect();
    let top = header(
        root,
        &data.title(),
        "Findings of each severity in each day's last run (kept with --history). The line should go down.",
        &legend,
    )?;
    let (w, _) = dims(root);
    let (lines, below) = root.split_vertically(LINES_HEIGHT);
    let area = lines.shrink((0, top + 30), (w, LINES_HEIGHT - top - 30));
    draw_lines(root, &area, data)?;
    if !data.movers.is_empty() {
        draw_movers(root, &below, data)?;
    }
    Ok(())
}

/// The count lines, one point per day, plotted on `area`; text and ticks are placed on
/// `root`, whose coordinates are the backend's.
fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &TrendChart,
) -> DrawResult<DB> {
    let n = data.dates.len();
    // Days are placed by date, so that a night without a run leaves its gap.
    let span = data.dates.last().map_or(0, |d| d.1).max(1) as f64;
    let day = |i: usize| data.dates[i].1 as f64;
    let max = data
        .counts
        .iter()
        .flat_map(|(_, c)| c.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let pad = span * 0.04;
    let mut chart = ChartBuilder::on(area)
        .margin_left(30)
        .margin_right(40)
        .margin_top(10)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(-pad..span + pad, 0f64..max * 1.12)?;
    axes(&mut chart, GRID)
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .y_label_formatter(&|v| {
            if v.fract().abs() < crate::analysis::EPS {
                format!("{v:.0}")
            } else {
                String::new()
            }
        })
        .y_desc("Findings")
        .draw()?;
    draw_dates(root, &chart, data)?;
    for (sev, counts) in &data.counts {
        let color = severity_color(*sev);
        let points: Vec<(f64, f64)> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| (day(i), *c as f64))
            .collect();
        chart.draw_series(std::iter::once(PathElement::new(
            points.clone(),
            color.stroke_width(3),
        )))?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 5, mark(color))))?;
    }
    // The last day's counts, at the end of each line, moved apart where lines meet.
    let value = anchored(bold(13.0), HPos::Left, VPos::Center);
    let mut ends: Vec<(i32, i32, Severity, usize)> = data
        .counts
        .iter()
        .filter_map(|(sev, counts)| {
            let c = *counts.last()?;
            let (x, y) = chart.backend_coord(&(day(n - 1), c as f64));
            Some((y, x, *sev, c))
        })
        .collect();
    ends.sort();
    let mut below = i32::MIN;
    for (y, x, sev, c) in ends {
        let y = y.max(below + 16);
        below = y;
        root.draw_text(
            &c.to_string(),
            &colored(value.clone(), severity_color(sev)),
            (x + 10, y),
        )?;
    }
    Ok(())
}

/// A tick under every day, and its date where there is room.
fn draw_dates<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    data: &TrendChart,
) -> DrawResult<DB> {
    // A tick under every day, and its date where there is room: the first and the last
    // day always (the first dropped if the two would overlap), the others where they keep
    // clear of the dates already named.
    let label = anchored(font(13.0), HPos::Center, VPos::Top);
    let room = text_width("2026-12-31", &label) + 16;
    let day = |i: usize| data.dates[i].1 as f64;
    let n = data.dates.len();
    let x_of = |i: usize| chart.backend_coord(&(day(i), 0.0));
    let (last_x, y0) = x_of(n - 1);
    let mut prev: Option<i32> = None;
    for (i, (date, _)) in data.dates.iter().enumerate() {
        let (x, _) = x_of(i);
        root.draw(&PathElement::new(vec![(x, y0), (x, y0 + 5)], AXIS))?;
        let clear = prev.is_none_or(|p| x - p >= room);
        let named = if i + 1 == n {
            true
        } else {
            clear && last_x - x >= room
        };
        if named {
            root.draw_text(date, &label, (x, y0 + 9))?;
            prev = Some(x);
        }
    }
    Ok(())
}

/// The products whose untrusted exposure moved most: a bar from 0 to the change, in
/// percentage points, red where it rose and green where it fell. Plotted on `area`; labels
/// are placed on `root`, whose coordinates are the backend's.
fn draw_movers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &TrendChart,
) -> DrawResult<DB> {
    let t = bold(20.0);
    area.draw_text(
        "Products whose untrusted exposure moved most (first day → last)",
        &t,
        (30, 10),
    )?;
    let n = data.movers.len();
    let reach = data
        .movers
        .iter()
        .map(|(_, a, b)| (b - a).abs())
        .fold(0.05f64, f64::max)
        * 100.0;
    let mut chart = ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(110)
        .margin_top(46)
        .margin_bottom(4)
        .x_label_area_size(36)
        .y_label_area_size(LABEL_AREA)
        .build_cartesian_2d(-reach * 1.05..reach * 1.05, 0f64..n as f64)?;
    axes(&mut chart, GRID)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(9)
        .x_label_formatter(&|v| format!("{v:+.0}"))
        .x_desc("Change in untrusted exposure (percentage points)")
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, n as f64)],
        AXIS.stroke_width(1),
    )))?;
    let label = anchored(font(14.0), HPos::Right, VPos::Center);
    let value = anchored(bold(13.0), HPos::Left, VPos::Center);
    for (i, (name, first, last)) in data.movers.iter().enumerate() {
        // The first mover at the top.
        let y = (n - 1 - i) as f64;
        let change = (last - first) * 100.0;
        let color = if change > 0.0 { UNTRUSTED } else { TRUSTED };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y + 0.2), (change, y + 0.8)],
            mark(color),
        )))?;
        let (lx, ly) = chart.backend_coord(&(-reach * 1.05, y + 0.5));
        root.draw_text(&fit(name, &label, LABEL_AREA - 20), &label, (lx - 10, ly))?;
        let (vx, vy) = chart.backend_coord(&(change.max(0.0), y + 0.5));
        root.draw_text(
            &format!(
                "{} → {}",
                crate::numbers::pct(*first),
                crate::numbers::pct(*last)
            ),
            &value,
            (vx + 8, vy),
        )?;
    }
    Ok(())
}
