//! Heatmaps: product × country dependency, and country × country asymmetry.

use super::style::*;
use super::{DrawResult, Figure};
use crate::analysis::Report;
use crate::analysis::findings::{Details, Kind};
use crate::model::{Dataset, Trust};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::BTreeSet;

/// Rows shown in the product heatmap.
pub const DEPENDENCY_TOP: usize = 30;
/// Columns are countries with at least one value this far from 0 (half a percentage point:
/// what the cells can show).
pub const SHOWN: f64 = 0.005;

/// 1 − capacity of each product when one country fails.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryDependencyMap {
    pub dataset: String,
    /// Product labels (at most `DEPENDENCY_TOP`).
    pub rows: Vec<String>,
    /// Country codes with any non-zero dependency, most depended-on first.
    pub cols: Vec<String>,
    pub col_untrusted: Vec<bool>,
    /// `cells[row][col]`; `None` for the product's own country.
    pub cells: Vec<Vec<Option<f64>>>,
    pub total_rows: usize,
}

impl CountryDependencyMap {
    pub fn new(report: &Report, ds: &Dataset) -> Option<CountryDependencyMap> {
        let dep = &report.country_dependency;
        if dep.products.is_empty() {
            return None;
        }
        let cols: Vec<(f64, usize)> = (0..dep.countries.len())
            .filter(|&j| dep.values.iter().any(|r| r[j].is_some_and(|v| v >= SHOWN)))
            .map(|j| (dep.values.iter().filter_map(|r| r[j]).sum::<f64>(), j))
            .collect();
        if cols.is_empty() {
            return None;
        }
        let (cols, codes, untrusted) = columns(ds, &dep.countries, cols);
        let labels = product_labels(&report.products);
        let index = ProductIndex::new(report);
        let rows: Vec<String> = dep
            .products
            .iter()
            .map(|p| index.label(&labels, &p.entity, &p.item))
            .collect();
        let total_rows = rows.len();
        let keep = total_rows.min(DEPENDENCY_TOP);
        Some(CountryDependencyMap {
            dataset: report.dataset.clone(),
            rows: rows[..keep].to_vec(),
            cols: codes,
            col_untrusted: untrusted,
            cells: dep.values[..keep]
                .iter()
                .map(|r| cols.iter().map(|&j| r[j]).collect())
                .collect(),
            total_rows,
        })
    }
}

impl CountryDependencyMap {
    /// The cells where the country alone stops the product: exactly all of its output lost
    /// (outlined, so that 99.8% lost never reads as stopped).
    pub fn stops(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, row) in self.cells.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if v.is_some_and(|v| v >= 1.0 - crate::analysis::EPS) {
                    out.push((i, j));
                }
            }
        }
        out
    }
}

figure!(
    CountryDependencyMap,
    "country-dependency",
    |map| "Country dependency: output lost if one country fails".to_string(),
    (crate::chart::SIZE.0, height(map.rows.len(), DEPENDENCY_BAR)),
    draw_country_dependency
);

/// The least height of the colour bars, in pixels.
const DEPENDENCY_BAR: u32 = 160;
const ASYMMETRY_BAR: u32 = 200;

/// A heatmap is as tall as its rows need, up to the common height: with few rows (one
/// country with end products, three products) the common height left a third to half of
/// the chart blank. Below the header (the grid starts about 185 pixels down) each row takes
/// at most 80 pixels and the colour bar at least `bar`, with 40 pixels left under them.
fn height(rows: usize, bar: u32) -> u32 {
    let grid = u32::try_from(rows)
        .unwrap_or(u32::MAX)
        .saturating_mul(80)
        .max(bar);
    (185 + grid + 40).min(crate::chart::SIZE.1)
}

/// Draws the product × country heatmap of 1 − capacity when that country fails (own country
/// hatched), with a colour scale.
pub fn draw_country_dependency<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &CountryDependencyMap,
) -> DrawResult<DB> {
    let legend = [
        (
            Swatch::Hatched,
            "Product's own country (not counted)".to_string(),
        ),
        (Swatch::Code(UNTRUSTED), "Untrusted country".to_string()),
        (
            Swatch::Border(TEXT),
            "Stops the product (exactly 100%)".to_string(),
        ),
    ];
    let stops = data.stops();
    let top = header(
        root,
        &data.title(),
        "Each cell: % of the product's output lost if every supplier in that country fails \
         (export ban, war, sanctions), all tiers down.",
        &legend,
    )?;
    let grid = Grid {
        rows: &data.rows,
        cols: &data.cols,
        col_red: &data.col_untrusted,
        cells: &data.cells,
        flagged: &stops,
        color: &|v| scale(&REDS, v),
        text: &|v| {
            if v < SHOWN { String::new() } else { pct(v) }
        },
        short_text: &|v| pct(v).trim_end_matches('%').to_string(),
        widest: "100%",
        col_title: "If this country fails:",
        row_title: "End product",
        label_area: 360,
    };
    let geo = grid.draw(root, top + 34)?;
    let ticks: Vec<(f64, String)> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|&t| (t, pct(t)))
        .collect();
    geo.draw_scale(root, "Output lost", DEPENDENCY_BAR as i32, &REDS, &ticks)?;
    if data.total_rows > data.rows.len() {
        footnote(
            root,
            &format!(
                "First {} of {} products shown.",
                data.rows.len(),
                data.total_rows
            ),
        )?;
    }
    Ok(())
}

/// D(A, B) − D(B, A) for countries with products (rows) and the countries they depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct AsymmetryMap {
    pub dataset: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub col_untrusted: Vec<bool>,
    /// `cells[row][col]` = D(row, col) − D(col, row); `None` on the diagonal.
    pub cells: Vec<Vec<Option<f64>>>,
    /// (row, col) pairs flagged as asymmetric dependencies.
    pub flagged: Vec<(usize, usize)>,
}

impl AsymmetryMap {
    pub fn new(report: &Report, ds: &Dataset) -> Option<AsymmetryMap> {
        let a = &report.asymmetry;
        let ix = |code: &str| a.countries.iter().position(|c| c == code);
        let row_codes: BTreeSet<&str> =
            report.products.iter().map(|p| p.country.as_str()).collect();
        let rows: Vec<usize> = row_codes.iter().filter_map(|c| ix(c)).collect();
        if rows.is_empty() {
            return None;
        }
        let value = |r: usize, c: usize| -> Option<f64> {
            let ab = a.d.get(r)?.get(c).copied().flatten()?;
            let ba = a.d.get(c)?.get(r).copied().flatten().unwrap_or(0.0);
            Some(ab - ba)
        };
        let cols: Vec<(f64, usize)> = (0..a.countries.len())
            .filter(|&c| {
                rows.contains(&c)
                    || rows
                        .iter()
                        .any(|&r| value(r, c).is_some_and(|v| v.abs() >= SHOWN))
            })
            .map(|c| (rows.iter().filter_map(|&r| value(r, c)).sum::<f64>(), c))
            .collect();
        if !cols.iter().any(|&(_, c)| {
            rows.iter()
                .any(|&r| value(r, c).is_some_and(|v| v.abs() >= SHOWN))
        }) {
            return None;
        }
        let (cols, codes, untrusted) = columns(ds, &a.countries, cols);
        let cells: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|&r| cols.iter().map(|&c| value(r, c)).collect())
            .collect();
        let mut flagged = Vec::new();
        for f in report
            .findings
            .iter()
            .filter(|f| f.kind == Kind::AsymmetricDependency)
        {
            let Details::Asymmetry(d) = &f.details else {
                continue;
            };
            let r = rows.iter().position(|&r| a.countries[r] == d.dependent);
            let c = codes.iter().position(|code| *code == f.subject);
            if let (Some(r), Some(c)) = (r, c) {
                flagged.push((r, c));
            }
        }
        flagged.sort();
        flagged.dedup();
        Some(AsymmetryMap {
            dataset: report.dataset.clone(),
            rows: rows
                .iter()
                .map(|&r| country_name(ds, &a.countries[r]))
                .collect(),
            cols: codes,
            col_untrusted: untrusted,
            cells,
            flagged,
        })
    }
}

figure!(
    AsymmetryMap,
    "asymmetry",
    |map| "Asymmetric dependency between countries".to_string(),
    (crate::chart::SIZE.0, height(map.rows.len(), ASYMMETRY_BAR)),
    draw_asymmetry
);

/// Draws D(A, B) − D(B, A) as a diverging heatmap: red where the row country's products need
/// the column country more than the reverse; flagged pairs outlined.
pub fn draw_asymmetry<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &AsymmetryMap,
) -> DrawResult<DB> {
    let mut legend = vec![
        (Swatch::Hatched, "Same country".to_string()),
        (Swatch::Code(UNTRUSTED), "Untrusted country".to_string()),
    ];
    if !data.flagged.is_empty() {
        legend.push((
            Swatch::Border(TEXT),
            "Flagged asymmetric dependency".to_string(),
        ));
    }
    let top = header(
        root,
        &data.title(),
        "Cell: points of output the row country's products lose if the column country fails, minus \
         the reverse. Red: the column country has leverage over the row.",
        &legend,
    )?;
    let grid = Grid {
        rows: &data.rows,
        cols: &data.cols,
        col_red: &data.col_untrusted,
        cells: &data.cells,
        flagged: &data.flagged,
        color: &|v| scale(&DIVERGING, (v + 1.0) / 2.0),
        text: &|v| {
            if v.abs() < SHOWN {
                String::new()
            } else {
                signed(v)
            }
        },
        short_text: &signed,
        widest: "+100",
        col_title: "Depends on (column country fails):",
        row_title: "Country with end products",
        label_area: 260,
    };
    let geo = grid.draw(root, top + 34)?;
    let ticks: Vec<(f64, String)> = vec![
        (1.0, "+100 row needs col.".to_string()),
        (0.75, "+50".to_string()),
        (0.5, "0 balanced".to_string()),
        (0.25, "−50".to_string()),
        (0.0, "−100 col. needs row".to_string()),
    ];
    geo.draw_scale(
        root,
        "Gap (points)",
        ASYMMETRY_BAR as i32,
        &DIVERGING,
        &ticks,
    )
}

/// Orders heatmap columns, given as (total, index into `countries`), by total, largest first,
/// then by code; returns their indices, codes and whether each country is untrusted.
fn columns(
    ds: &Dataset,
    countries: &[String],
    mut cols: Vec<(f64, usize)>,
) -> (Vec<usize>, Vec<String>, Vec<bool>) {
    cols.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then(countries[x.1].cmp(&countries[y.1]))
    });
    let ix: Vec<usize> = cols.into_iter().map(|(_, c)| c).collect();
    let codes = ix.iter().map(|&c| countries[c].clone()).collect();
    let untrusted = ix
        .iter()
        .map(|&c| country_trust(ds, &countries[c]) == Some(Trust::Untrusted))
        .collect();
    (ix, codes, untrusted)
}

/// A gap in points with a typographic minus: "+54", "−36".
fn signed(v: f64) -> String {
    format!("{:+.0}", v * 100.0).replace('-', "−")
}

/// Where a grid landed, for placing its colour bar.
struct GridGeo {
    x1: i32,
    y0: i32,
    y1: i32,
}

impl GridGeo {
    /// The colour bar right of the grid, as tall as the grid within `min_h`..=320 pixels,
    /// under `title`.
    fn draw_scale<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
        min_h: i32,
        stops: &[RGBColor],
        ticks: &[(f64, String)],
    ) -> DrawResult<DB> {
        let bar_h = (self.y1 - self.y0).clamp(min_h, 320);
        root.draw_text(title, &bold(14.0), (self.x1 + 30, self.y0 - 24))?;
        color_bar(root, (self.x1 + 30, self.y0), (22, bar_h), stops, ticks)
    }
}

/// A labelled grid of cells.
struct Grid<'a> {
    rows: &'a [String],
    cols: &'a [String],
    col_red: &'a [bool],
    cells: &'a [Vec<Option<f64>>],
    flagged: &'a [(usize, usize)],
    color: &'a dyn Fn(f64) -> RGBColor,
    text: &'a dyn Fn(f64) -> String,
    /// A shorter form when `text` does not fit the cell.
    short_text: &'a dyn Fn(f64) -> String,
    /// The widest value text, to size the values.
    widest: &'a str,
    col_title: &'a str,
    row_title: &'a str,
    label_area: i32,
}

/// Where a grid's cells go.
struct Cells {
    x0: i32,
    y0: i32,
    /// Cell width and height.
    cw: i32,
    ch: i32,
}

impl Cells {
    fn corner(&self, i: usize, j: usize) -> (i32, i32) {
        (self.x0 + self.cw * j as i32, self.y0 + self.ch * i as i32)
    }
}

impl Grid<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        top: i32,
    ) -> DrawResult<DB, GridGeo> {
        let (w, h) = dims(root);
        let (nr, nc) = (self.rows.len() as i32, self.cols.len() as i32);
        let x0 = 30 + self.label_area;
        let y0 = top + 58;
        let cells = Cells {
            x0,
            y0,
            cw: ((w - x0 - 230) / nc.max(1)).clamp(8, 72),
            ch: ((h - y0 - 40) / nr.max(1)).clamp(6, 80),
        };
        let (x1, y1) = (x0 + cells.cw * nc, y0 + cells.ch * nr);
        self.draw_titles(root, &cells, top)?;
        self.draw_cells(root, &cells)?;
        // Cell separators.
        for j in 0..=nc {
            let x = x0 + cells.cw * j;
            root.draw(&PathElement::new(
                vec![(x, y0), (x, y1)],
                WHITE.stroke_width(1),
            ))?;
        }
        for i in 0..=nr {
            let y = y0 + cells.ch * i;
            root.draw(&PathElement::new(
                vec![(x0, y), (x1, y)],
                WHITE.stroke_width(1),
            ))?;
        }
        for &(i, j) in self.flagged {
            let (cx0, cy0) = cells.corner(i, j);
            root.draw(&Rectangle::new(
                [(cx0 + 1, cy0 + 1), (cx0 + cells.cw - 1, cy0 + cells.ch - 1)],
                TEXT.stroke_width(3),
            ))?;
        }
        Ok(GridGeo { x1, y0, y1 })
    }

    /// The axis titles and the column codes.
    fn draw_titles<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        cells: &Cells,
        top: i32,
    ) -> DrawResult<DB> {
        let (x0, y0, cw) = (cells.x0, cells.y0, cells.cw);
        root.draw_text(
            self.col_title,
            &anchored(bold(15.0), HPos::Left, VPos::Bottom),
            (x0, top + 30),
        )?;
        root.draw_text(
            self.row_title,
            &anchored(bold(15.0), HPos::Right, VPos::Bottom),
            (x0 - 10, top + 30),
        )?;
        let code_size = if cw >= 34 { 14.0 } else { 11.0 };
        for (j, code) in self.cols.iter().enumerate() {
            let red = self.col_red.get(j).copied().unwrap_or(false);
            let style = if red {
                bold(code_size).color(&UNTRUSTED)
            } else {
                font(code_size)
            };
            let style = anchored(style, HPos::Center, VPos::Bottom);
            let cx = x0 + cw * j as i32 + cw / 2;
            root.draw_text(&fit(code, &style, cw.max(20)), &style, (cx, y0 - 6))?;
        }
        Ok(())
    }

    /// The row labels and every cell with its value.
    fn draw_cells<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        cells: &Cells,
    ) -> DrawResult<DB> {
        let (cw, ch) = (cells.cw, cells.ch);
        let label_size = if ch >= 22 { 14.0 } else { 12.0 };
        let lf = anchored(font(label_size), HPos::Right, VPos::Center);
        // The largest value size at which the widest value fits; below 10 px, the short form.
        let fitting = [13.0, 12.0, 11.0, 10.0]
            .into_iter()
            .find(|&sz| ch >= (sz * 1.4) as i32 && text_width(self.widest, &font(sz)) <= cw - 5);
        let (value_size, short) = match fitting {
            Some(sz) => (sz, false),
            None => (10.0, true),
        };
        for (i, label) in self.rows.iter().enumerate() {
            let cy = cells.y0 + ch * i as i32 + ch / 2;
            let label = fit(label, &lf, self.label_area - 14);
            root.draw_text(&label, &lf, (cells.x0 - 10, cy))?;
            for j in 0..self.cols.len() {
                let (cx0, cy0) = cells.corner(i, j);
                let (cx1, cy1) = (cx0 + cw, cy0 + ch);
                let Some(v) = self.cells[i][j] else {
                    root.draw(&Rectangle::new([(cx0, cy0), (cx1, cy1)], mark(OWN)))?;
                    hatch(root, (cx0, cy0), (cx1, cy1))?;
                    continue;
                };
                let bg = (self.color)(v);
                root.draw(&Rectangle::new([(cx0, cy0), (cx1, cy1)], mark(bg)))?;
                let t = (self.text)(v);
                let vf = anchored(
                    colored(font(value_size), ink_on(bg)),
                    HPos::Center,
                    VPos::Center,
                );
                let t = if short && !t.is_empty() {
                    (self.short_text)(v)
                } else {
                    t
                };
                if !t.is_empty() && text_width(&t, &vf) <= cw - 2 {
                    root.draw_text(&t, &vf, (cx0 + cw / 2, cy0 + ch / 2))?;
                }
            }
        }
        Ok(())
    }
}
