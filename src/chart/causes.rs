//! The root-cause chart: one bar per root cause of the report (`report.root_causes`), the
//! thing a board has to act on, ranked by severity, then revenue at stake.

use super::bars::{Rows, bar_area, bar_chart};
use super::style::*;
use super::trend::severity_color;
use super::{DrawResult, Figure};
use crate::analysis::Report;
use crate::analysis::findings::Severity;
use crate::analysis::groups::Level;
use crate::analysis::rootcause::RootCause;
use crate::model::Dataset;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::{BTreeSet, HashMap};

/// Rows shown.
pub const CAUSES_TOP: usize = 20;
/// Room left of the plot for the causes' names.
const LABEL_AREA: i32 = 600;

/// One root cause.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseBar {
    /// The root cause's id (`node:ENTITY/ITEM` or `group:LEVEL:SUBJECT`).
    pub id: String,
    /// The bottleneck by name: `Primary gallium from Chalco Gallium (CN)`.
    pub label: String,
    pub severity: Severity,
    /// Products it stops.
    pub products: usize,
    /// Their annual revenue (`None` when none has one).
    pub revenue: Option<f64>,
    /// Inside the product maker's own owner group: drawn hatched.
    pub in_house: bool,
}

/// The root causes, most severe first, then most revenue, then most products.
#[derive(Debug, Clone, PartialEq)]
pub struct RootCauseChart {
    pub dataset: String,
    /// At most [`CAUSES_TOP`] rows.
    pub bars: Vec<CauseBar>,
    /// Root causes that stop at least one product.
    pub total: usize,
    pub currency: String,
}

/// The order of the chart: severity, then supplier before in-house, then revenue at stake,
/// then products stopped, then id.
pub fn rank(a: &CauseBar, b: &CauseBar) -> std::cmp::Ordering {
    (a.severity, a.in_house)
        .cmp(&(b.severity, b.in_house))
        .then(
            b.revenue
                .unwrap_or(-1.0)
                .total_cmp(&a.revenue.unwrap_or(-1.0)),
        )
        .then(b.products.cmp(&a.products))
        .then(a.id.cmp(&b.id))
}

impl RootCauseChart {
    pub fn new(report: &Report, ds: &Dataset) -> Option<RootCauseChart> {
        let index = ProductIndex::new(report);
        let mut bars: Vec<CauseBar> = report
            .root_causes
            .iter()
            .filter(|c| !c.products.is_empty())
            .map(|c| CauseBar {
                id: c.id.clone(),
                // Labelled below, once the bars drawn are chosen.
                label: String::new(),
                severity: c.severity,
                products: c.products.len(),
                revenue: (c.products.iter().any(|p| {
                    index
                        .get(&p.entity, &p.item)
                        .is_some_and(|s| s.annual_revenue.is_some())
                }))
                .then_some(c.revenue_at_stake),
                in_house: c.in_house,
            })
            .collect();
        if bars.is_empty() {
            return None;
        }
        bars.sort_by(rank);
        let total = bars.len();
        bars.truncate(CAUSES_TOP);
        let by_id: HashMap<&str, &RootCause> = report
            .root_causes
            .iter()
            .map(|c| (c.id.as_str(), c))
            .collect();
        for bar in &mut bars {
            bar.label = cause_label(ds, by_id[bar.id.as_str()]);
        }
        Some(RootCauseChart {
            dataset: report.dataset.clone(),
            bars,
            total,
            currency: report.settings.currency.clone(),
        })
    }
}

/// The bottleneck by name: the item and its maker for a node (`Primary gallium from Chalco
/// Gallium (CN)`), else the item the evidence enters the failing group at and the group
/// (`Heparin API from Hepalink (CN)`, `… from China (CN)`).
pub fn cause_label(ds: &Dataset, c: &RootCause) -> String {
    let item_name = |id: &str| ds.item_ix.get(id).map(|&i| strip_asides(&ds.item(i).name));
    if let Some(node) = &c.node {
        let who = subject_label(ds, Level::Entity, &node.entity);
        return match item_name(&node.item) {
            Some(item) => format!("{item} from {who}"),
            None => format!("{}/{} ({who})", node.entity, node.item),
        };
    }
    let group = c.failing.first().and_then(|f| {
        let (level, subject) = f.split_once(':')?;
        let level = Level::ALL.into_iter().find(|l| l.as_str() == level)?;
        Some(subject_label(ds, level, subject))
    });
    let group = group.unwrap_or_else(|| c.id.clone());
    match c.evidence.first().and_then(|n| item_name(&n.item)) {
        Some(item) => format!("{item} from {group}"),
        None => group,
    }
}

/// `Gallium Refinery (CN)`, `China (CN)`, `all untrusted suppliers together`.
fn subject_label(ds: &Dataset, level: Level, subject: &str) -> String {
    match level {
        Level::Entity | Level::Owner => match ds.entity_ix.get(subject) {
            Some(&e) => format!(
                "{} ({})",
                strip_asides(&ds.entity(e).name),
                ds.entity_country(e).code
            ),
            None => subject.to_string(),
        },
        Level::Country => country_name(ds, subject),
        Level::Untrusted => "all untrusted suppliers together".to_string(),
    }
}

figure!(
    RootCauseChart,
    "root-causes",
    "Root causes: the bottlenecks that can stop production",
    draw_root_causes
);

/// The legend: the severities shown, and the in-house hatch when any bar is in-house.
fn legend(data: &RootCauseChart) -> Vec<(Swatch, String)> {
    let severities: BTreeSet<Severity> = data.bars.iter().map(|b| b.severity).collect();
    let mut legend: Vec<(Swatch, String)> = severities
        .iter()
        .map(|&s| (Swatch::Box(severity_color(s)), s.as_str().to_string()))
        .collect();
    if data.bars.iter().any(|b| b.in_house) {
        legend.push((
            Swatch::Hatched,
            "In-house (the maker's own plants, not supplier risk)".to_string(),
        ));
    }
    legend
}

/// Draws the root causes: one horizontal bar per cause, length = products it stops, colour =
/// severity, hatched when in-house; the revenue of those products on the right.
pub fn draw_root_causes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &RootCauseChart,
) -> DrawResult<DB> {
    let top = header(
        root,
        &data.title(),
        "Each bar is one bottleneck whose failure alone stops the products counted, most severe \
         first, then most revenue. Right: their annual revenue.",
        &legend(data),
    )?;
    let n = data.bars.len();
    let max = data.bars.iter().map(|b| b.products).max().unwrap_or(1) as i32;
    let x_max = if max < 8 { max + 1 } else { max + max / 8 + 1 };
    let area = bar_area(root, top, data.total > n);
    let mut chart = bar_chart(&area, (LABEL_AREA, 150), 0..x_max, n)?;
    axes(&mut chart, GRID)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels((x_max + 1).min(12) as usize)
        .x_label_formatter(&|v| format!("{v}"))
        .x_desc("Products it can stop on its own")
        .draw()?;
    let rows = Rows::new(&chart, 0, n, LABEL_AREA);
    let rev_x = chart.backend_coord(&(x_max, 0.0)).0 + 130;
    root.draw_text(
        "Revenue at stake",
        &anchored(bold(14.0), HPos::Right, VPos::Bottom),
        (rev_x, chart.backend_coord(&(0, n as f64)).1 - 6),
    )?;
    for (i, bar) in data.bars.iter().enumerate() {
        let (y0, yc, y1) = rows.span(i);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0, y0), (bar.products as i32, y1)],
            mark(severity_color(bar.severity)),
        )))?;
        if bar.in_house {
            let a = chart.backend_coord(&(0, y1));
            let b = chart.backend_coord(&(bar.products as i32, y0));
            hatch(root, a, b)?;
        }
        let (bx, by) = chart.backend_coord(&(bar.products as i32, yc));
        root.draw_text(&bar.products.to_string(), &rows.value, (bx + 6, by))?;
        let label = if bar.in_house {
            format!("In-house: {}", bar.label)
        } else {
            bar.label.clone()
        };
        rows.draw_label(root, &label, by)?;
        let rev = bar
            .revenue
            .map_or("n/a".to_string(), |r| money(r, &data.currency));
        root.draw_text(&rev, &rows.label, (rev_x, by))?;
    }
    if data.total > n {
        footnote(
            root,
            &format!(
                "Top {n} of {} root causes shown, most severe first, then most revenue.",
                data.total
            ),
        )?;
    }
    Ok(())
}
