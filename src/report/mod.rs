//! Renderers: pure functions from a [`Report`] to bytes, and the one place that writes
//! files ([`write`](mod@write)).
//!
//! What every format shares lives here: the headline risks of the executive summary and the
//! methodology text.

pub mod board;
pub mod cleanup;
pub mod context;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pdf;
pub mod size;
pub mod text;
pub mod write;

use crate::analysis::Report;
use crate::analysis::findings::{Finding, Kind, Severity};
use crate::analysis::groups::Level;
use crate::cli::{ChartFormat, ReportFormat};
use crate::gate::Reviewed;
use crate::graph::ProductionGraph;
use crate::model::Dataset;
use foldhash::HashMap;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use write::OutFile;

/// Renders every requested file, in memory, in a fixed order: the reports, then
/// `charts/NAME.svg` and `charts/NAME.png`.
pub fn render_files(
    report: &Reviewed,
    ds: &Dataset,
    g: &ProductionGraph,
    formats: &[ReportFormat],
    chart_formats: &[ChartFormat],
) -> crate::error::Result<Vec<OutFile>> {
    let memory = write::Memory::default();
    let paths = render_to(&memory, report, ds, g, formats, chart_formats)?;
    Ok(memory.into_files(&paths))
}

/// Renders every requested file into `sink` and returns their paths in the fixed order of
/// [`render_files`]. Each file is handed to the sink as soon as it is rendered, and
/// `report.json` is streamed as it is formatted, so no more than a few formats are held at
/// once (at 1M supply rows the formats add up to 0.8 GB, 635 MB of it report.json).
pub fn render_to(
    sink: &dyn write::Sink,
    report: &Reviewed,
    ds: &Dataset,
    g: &ProductionGraph,
    formats: &[ReportFormat],
    chart_formats: &[ChartFormat],
) -> crate::error::Result<Vec<PathBuf>> {
    render_to_with(
        sink,
        report,
        ds,
        g,
        formats,
        chart_formats,
        &Options::default(),
    )
}

/// How the files are rendered, beyond which ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Guard `findings.csv` against formula injection (`--no-csv-guard` turns it off).
    pub csv_guard: crate::guard::CsvGuard,
    /// The browser that prints report.pdf; `None`: found by [`pdf::find_browser`].
    pub browser: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            csv_guard: crate::guard::CsvGuard::On,
            browser: None,
        }
    }
}

/// [`render_to`] with [`Options`].
pub fn render_to_with(
    sink: &dyn write::Sink,
    report: &Reviewed,
    ds: &Dataset,
    g: &ProductionGraph,
    formats: &[ReportFormat],
    chart_formats: &[ChartFormat],
    options: &Options,
) -> crate::error::Result<Vec<PathBuf>> {
    let svg = chart_formats.contains(&ChartFormat::Svg);
    let png = chart_formats.contains(&ChartFormat::Png);
    let wants = |f: ReportFormat| formats.contains(&f);
    // Writes the file of `format` with `write`, when that format is wanted.
    let file = |format: ReportFormat,
                write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>|
     -> crate::error::Result<()> {
        if wants(format) {
            sink.file(Path::new(format.file_name()), write)
        } else {
            Ok(())
        }
    };
    // The formats are independent renderings of one report: the charts, Markdown, JSON and
    // CSV are made on both cores, then the HTML page, which inlines the charts.
    let ((charts, md), (json, csv)) = rayon::join(
        || {
            rayon::join(
                || {
                    if svg || png || wants(ReportFormat::Html) || wants(ReportFormat::Pdf) {
                        crate::chart::try_render_all(&report.report, ds, g)
                    } else {
                        Ok(Vec::new())
                    }
                },
                || {
                    file(ReportFormat::Md, &mut |w| {
                        w.write_all(&markdown::render(report))
                    })
                },
            )
        },
        || {
            rayon::join(
                || file(ReportFormat::Json, &mut |w| json::write(report, w)),
                || {
                    file(ReportFormat::Csv, &mut |w| {
                        w.write_all(&csv::render_with(report, options.csv_guard))
                    })
                },
            )
        },
    );
    let charts = charts.map_err(crate::error::Error::Render)?;
    md?;
    json?;
    csv?;
    let inline: Vec<html::InlineChart<'_>> = charts
        .iter()
        .map(|c| html::InlineChart {
            name: c.name,
            title: &c.title,
            svg: &c.svg,
        })
        .collect();
    if wants(ReportFormat::Html) || wants(ReportFormat::Pdf) {
        let page = html::render(report, &inline);
        file(ReportFormat::Html, &mut |w| w.write_all(&page))?;
        if wants(ReportFormat::Pdf) {
            print_pdf(sink, &page, options)?;
        }
    }
    let mut paths: Vec<PathBuf> = ReportFormat::ALL
        .into_iter()
        .chain([ReportFormat::Pdf])
        .filter(|&f| wants(f))
        .map(|f| f.file_name().into())
        .collect();
    for c in &charts {
        if svg {
            let path = format!("charts/{}.svg", c.name);
            sink.file(Path::new(&path), &mut |w| w.write_all(c.svg.as_bytes()))?;
            paths.push(path.into());
        }
        if png {
            let path = format!("charts/{}.png", c.name);
            sink.file(Path::new(&path), &mut |w| w.write_all(&c.png))?;
            paths.push(path.into());
        }
    }
    Ok(paths)
}

pub use tierscope_core::numbers::plural;

/// Prints `page` to report.pdf in `sink`, with the browser of `options` or the one found.
fn print_pdf(sink: &dyn write::Sink, page: &[u8], options: &Options) -> crate::error::Result<()> {
    let browser = options
        .browser
        .clone()
        .or_else(pdf::find_browser)
        .ok_or_else(|| {
            crate::error::Error::Usage(format!(
                "report.pdf needs a Chromium-family browser and none was found (looked for {})",
                pdf::looked_for()
            ))
        })?;
    let bytes = pdf::print(&browser, page)?;
    sink.file(Path::new(ReportFormat::Pdf.file_name()), &mut |w| {
        w.write_all(&bytes)
    })
}

/// Rows of one table of the pages meant for reading (HTML, Markdown): the most severe come
/// first and the rest are counted. `report.json` and `findings.csv` hold every finding.
pub const TABLE_ROWS: usize = 1000;

/// What a table cut at [`TABLE_ROWS`] says of the `more` findings it leaves out.
pub fn left_out(more: usize) -> String {
    format!("… and {more} more, less severe: every finding is in findings.csv and report.json.")
}

/// How many products a headline names; the rest are counted.
pub const HEADLINE_PRODUCTS: usize = 10;

/// One line of the executive summary, standing for one or more findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub severity: Severity,
    pub text: String,
    /// The findings it stands for.
    pub ids: Vec<String>,
    /// Revenue of the products concerned (where given).
    pub revenue: f64,
}

/// A finding's metric as a person reads it in a report's tables: an amount of money in the
/// report's currency (`$345M`), any other metric as the number it is. (`findings.csv` and
/// `report.json` keep the plain number, for spreadsheets and programs.)
pub fn metric_text(report: &Report, f: &Finding) -> String {
    if f.metric.name == "revenue_at_risk" {
        crate::numbers::money(f.metric.value, &report.settings.currency)
    } else {
        csv::format_value(f.metric.value)
    }
}

/// The risks that matter most, ranked: single points of failure grouped by who can cause
/// them, asymmetric dependencies, heavy untrusted exposure and critical restricted parties.
/// Ranked by severity, then by how many products and how much revenue are concerned.
pub fn headlines(report: &Report, max: usize) -> Vec<Headline> {
    // Products by (entity, item): looked up once per finding, a search of the list was
    // 23,000 findings × 6,279 products at 1M supply rows.
    let summary: HashMap<(&str, &str), &crate::analysis::ProductSummary> = report
        .products
        .iter()
        .map(|s| ((s.entity.as_str(), s.item.as_str()), s))
        .collect();
    let product_of = |f: &Finding| {
        f.product
            .as_ref()
            .and_then(|p| summary.get(&(&*p.entity, &*p.item)).copied())
    };
    let revenue_of =
        |f: &Finding| -> f64 { product_of(f).and_then(|p| p.annual_revenue).unwrap_or(0.0) };
    let mut lines = spof_lines(report, &product_of, &revenue_of);
    for f in &report.findings {
        let wanted = match f.kind {
            Kind::AsymmetricDependency => true,
            Kind::UntrustedExposure => f.metric.value >= 0.5,
            _ => false,
        };
        if wanted {
            let revenue = revenue_of(f);
            lines.push((
                f.severity,
                1,
                revenue,
                Headline {
                    severity: f.severity,
                    text: f.message.to_string(),
                    ids: vec![f.id.to_string()],
                    revenue,
                },
            ));
        }
    }
    lines.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.3.text.cmp(&b.3.text))
    });
    lines.into_iter().take(max).map(|l| l.3).collect()
}

/// The headline lines of single points of failure, grouped by (level, subject), each with
/// its severity, product count and revenue for the ranking.
fn spof_lines<'a>(
    report: &'a Report,
    product_of: &dyn Fn(&Finding) -> Option<&'a crate::analysis::ProductSummary>,
    revenue_of: &dyn Fn(&Finding) -> f64,
) -> Vec<(Severity, usize, f64, Headline)> {
    let mut lines: Vec<(Severity, usize, f64, Headline)> = Vec::new();
    // Single points of failure by (level, subject); restricted parties that alone stop a
    // product are named on their entity's line.
    let restricted: std::collections::BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::RestrictedParty)
        .map(|f| f.subject.as_str())
        .collect();
    let mut grouped: BTreeMap<(Option<Level>, &str), Vec<&Finding>> = BTreeMap::new();
    // In-house single points of failure (the maker's own plants) are shown apart.
    for f in report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Spof && !f.in_house)
    {
        grouped
            .entry((f.level, f.subject.as_str()))
            .or_default()
            .push(f);
    }
    for ((level, subject), fs) in grouped {
        let severity = fs.iter().map(|f| f.severity).min().unwrap_or(Severity::Low);
        let products: Vec<String> = fs
            .iter()
            .filter_map(|f| {
                let p = f.product.as_ref()?;
                Some(product_of(f).map_or_else(
                    || format!("{}:{}", p.entity, p.item),
                    |s| format!("{} ({})", s.item_name, s.entity_name),
                ))
            })
            .collect();
        let revenue: f64 = fs.iter().map(|f| revenue_of(f)).sum();
        let name = &fs[0].subject_name;
        let who = match level {
            Some(Level::Untrusted) => "Untrusted suppliers together".to_string(),
            Some(Level::Owner) => format!("Owner group {name} ({subject})"),
            Some(Level::Country) => format!("Country {name} ({subject})"),
            _ if restricted.contains(subject) => {
                format!("Restricted party {name} ({subject})")
            }
            _ => format!("Supplier {name} ({subject})"),
        };
        // A headline names the first products; the findings behind it list them all.
        let named = products.len().min(HEADLINE_PRODUCTS);
        let mut list = products[..named].join(", ");
        if products.len() > named {
            let _ = write!(list, " and {} more", products.len() - named);
        }
        let text = format!(
            "{who} can stop {} end product{} alone: {list}",
            products.len(),
            if products.len() == 1 { "" } else { "s" },
        );
        lines.push((
            severity,
            products.len(),
            revenue,
            Headline {
                severity,
                text,
                ids: fs.iter().map(|f| f.id.to_string()).collect(),
                revenue,
            },
        ));
    }
    lines
}

/// Lines about the baseline and the waivers, for the summaries (empty when neither is used).
pub fn run_notes(report: &Reviewed) -> Vec<String> {
    run_notes_with(report, std::borrow::Cow::Borrowed)
}

/// [`run_notes`] with the data in them (paths, waiver ids and reasons, method changes that
/// quote settings) passed through a format's guard.
pub fn run_notes_with<'a>(
    report: &'a Reviewed,
    guard: impl Fn(&'a str) -> std::borrow::Cow<'a, str>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(b) = report.marks.baseline() {
        notes.push(format!(
            "Compared with the baseline {} ({}): {} new, {} standing, {} resolved.",
            guard(&b.path),
            guard(&b.tool),
            b.new,
            b.standing,
            b.resolved
        ));
        if !b.method_changes.is_empty() {
            let changes: Vec<_> = b.method_changes.iter().map(|m| guard(m)).collect();
            notes.push(format!(
                "The method changed since the baseline ({}): new and resolved findings may come from that, not from the supply chain.",
                changes.join("; ")
            ));
        }
    }
    notes.extend(report.marks.notes().iter().map(|n| guard(n).into_owned()));
    let waived = report
        .findings
        .iter()
        .filter(|f| report.marks.waiver(f).is_some())
        .count();
    if waived > 0 {
        notes.push(format!(
            "{} waived: shown, but {} not fail the run.",
            plural(waived, "finding is", "findings are"),
            if waived == 1 { "it does" } else { "they do" }
        ));
    }
    for w in &report.marks.waivers.expired {
        notes.push(format!(
            "Waiver `{}` expired on {} and no longer applies ({}).",
            guard(&w.id),
            w.expires,
            guard(&w.reason)
        ));
    }
    for w in &report.marks.waivers.unused {
        notes.push(format!("Waiver `{}` matches no finding.", guard(&w.id)));
    }
    notes
}

/// The methodology, one (title, text) per metric, with the thresholds in force.
pub fn methodology(report: &Report) -> Vec<(&'static str, String)> {
    let s = &report.settings;
    vec![
        (
            "Capacity",
            "For each end product and each failure, tierscope computes the fraction of today's supply that survives, tier by tier: an input's supply is the share-weighted capacity of its suppliers, and a product's capacity is that of its scarcest input. 1 means untouched, 0 means stopped. Unmapped inputs count as available and are reported as visibility gaps.".to_string(),
        ),
        (
            "Substitutes and distributors",
            "Where a bill of materials lists substitutes (either of two qualified test kits, primary or recycled gallium), they are one requirement, written \"A or B\": its supply is every supplier of any of them, with shares, coverage and concentration taken over the group, so a failure must stop all of them to stop the product. A distributor passes goods on without making them: its supply of an item is its suppliers of that item, it is drawn hatched in the network, and its own failure (or its country's) stops what only it delivers.".to_string(),
        ),
        (
            "Single point of failure",
            "A supplier, an owner group (an ultimate owner with everything it controls by majority), a country, or all untrusted suppliers together, whose failure alone leaves a product with no capacity. A product's own entity, owner group and country are never counted against it.".to_string(),
        ),
        (
            "Capacity at risk",
            format!(
                "A failure that leaves a product more than 0 but at most {:.0}% of its capacity (threshold {}).",
                (1.0 - s.capacity_threshold) * 100.0,
                s.capacity_threshold
            ),
        ),
        (
            "Untrusted exposure",
            "1 − capacity when every untrusted supplier fails at once: entities in countries the trust policy marks untrusted, and restricted parties. Paths show where the exposure enters.".to_string(),
        ),
        (
            "Restricted parties",
            "Entities flagged restricted, named on a restricted-party list by id or normalised name, or owned 50% or more by restricted owners, directly or through restricted subsidiaries (OFAC, Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property Are Blocked, 2014).".to_string(),
        ),
        (
            "Concentration",
            format!(
                "Herfindahl-Hirschman index (sum of squared shares) of each buyer's input, by supplier and by supplier country. An input is concentrated above a country HHI of {} (the threshold the CEPII and the European Commission use to flag strategic dependencies, SWD(2021) 352).",
                s.hhi_threshold
            ),
        ),
        (
            "Asymmetric dependency",
            format!(
                "D(A, B) is the mean loss of country A's end products (weighted by revenue where every product has one) when country B fails. Flagged when B is untrusted, D(A, B) ≥ {} and D(A, B) − D(B, A) ≥ {}.",
                s.asymmetry_min, s.asymmetry_gap
            ),
        ),
        (
            "Time exposure",
            "Where a supplier's time to recover (TTR, recovery_days) exceeds a product's time to survive on stock (TTS, inventory_days): revenue at risk = annual revenue / 365 × (TTR − TTS) × (1 − capacity). After Simchi-Levi, Schmidt and Wei, Harvard Business Review, 2014.".to_string(),
        ),
        (
            "Visibility",
            "Coverage is the mean mapped fraction of the inputs upstream of a product. An input no supply row covers is unmapped; unknown is never shown as safe.".to_string(),
        ),
        (
            "Severity",
            "Critical: a single point of failure in untrusted hands, a product stopped by untrusted suppliers (for a product made in trusted hands), a restricted party that alone stops a product, or a country pair where one side's products stop entirely. For products whose own maker is untrusted, untrusted suppliers are the expected state: their single points of failure are high and their exposure at most medium. High: other single points of failure, capacity left at or below 25%, exposure of 50% or more, concentration with a majority untrusted share. Medium and low: partial losses, gaps and concentration in trusted hands.".to_string(),
        ),
    ]
}
