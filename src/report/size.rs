//! How much a run would write, estimated from the analysis before anything is rendered, so
//! that a report too large for the disk, the memory or the `--max-output` limit is refused
//! with exit code 2 and a way to narrow it, instead of being written for minutes or killing
//! the process half-way.
//!
//! The estimate walks the findings once, O(findings + evidence nodes): each format's size is
//! the sum, over what it shows, of a fixed overhead per finding, path and node (measured on
//! the renderers' output) plus the lengths of the strings in them. The tests hold it to
//! between 0.8 and 1.6 times the real size, plus half a megabyte for the fixed parts (the
//! page's style and methodology, the charts counted at their likely size).

use crate::analysis::Report;
use crate::analysis::findings::{Details, Finding, Kind};
use crate::cli::ReportFormat;
use crate::gate::{Marks, Reviewed};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// JSON bytes of a finding beyond its strings (keys, indentation, numbers).
const JSON_FINDING: u64 = 330;
/// JSON bytes of one evidence node beyond its two ids.
const JSON_NODE: u64 = 74;
/// JSON bytes of one evidence path beyond its nodes.
const JSON_PATH: u64 = 24;
/// JSON bytes of a visibility gap beyond its ids.
const JSON_GAP: u64 = 150;
/// JSON bytes of a concentration row (and of a concentration finding's details) beyond ids.
const JSON_CONCENTRATION: u64 = 260;
/// CSV bytes of a finding beyond its strings.
const CSV_FINDING: u64 = 40;
/// Markdown and text bytes of a finding beyond its strings.
const LINE_FINDING: u64 = 60;
/// HTML bytes of a table row beyond its strings.
const HTML_ROW: u64 = 220;
/// What the page holds besides the tables: style, script, sections, methodology.
const HTML_PAGE: u64 = 64 << 10;
/// The charts' SVG files together: a few hundred kilobytes, growing with the products shown
/// (the heatmaps, the bars) up to about 2 MiB (2.0 MB at 100k supply rows). The page inlines
/// them once more.
fn chart_svg(products: usize) -> u64 {
    (2u64 << 20).min((256 << 10) + 2048 * products as u64)
}

/// The charts' PNG files together (1.2 MB at 100k supply rows).
fn chart_png(products: usize) -> u64 {
    (3u64 << 19).min((512 << 10) + 1024 * products as u64)
}

/// Outputs needing less memory than this to render are not refused for memory.
const MEMORY_FLOOR: u64 = 64 << 20;

/// The estimated size of each file a run would write.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// (file, bytes), in the order of [`ReportFormat::ALL`], then the charts.
    pub files: Vec<(&'static str, u64)>,
    /// Bytes held in memory at once while rendering (the formats that are not streamed).
    pub in_memory: u64,
    /// Findings, evidence nodes in all, and the longest evidence path, for the message.
    pub findings: usize,
    pub evidence_nodes: u64,
    pub longest_path: usize,
}

impl Estimate {
    pub fn total(&self) -> u64 {
        self.files.iter().map(|f| f.1).sum()
    }

    /// `report.json 4.1 GiB, findings.csv 1.2 GiB, ...`, largest first.
    pub fn listing(&self) -> String {
        let mut files = self.files.clone();
        files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        files
            .iter()
            .map(|(name, bytes)| format!("{name} {}", crate::ingest::limits::human(*bytes)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Sizes of the parts of one finding.
struct Parts {
    /// Its own strings: id, subject, names, message, product ids, waiver.
    strings: u64,
    /// Every evidence path: (nodes, bytes of ids).
    paths: u64,
    nodes: u64,
    node_bytes: u64,
    /// The first path only, which the text and the Markdown show.
    first_nodes: u64,
    first_bytes: u64,
    /// Kind-specific details in JSON.
    details_json: u64,
    /// The longest path's nodes.
    longest: usize,
}

/// Findings whose [`Parts`] are worked out in parallel at a time (a megabyte of parts).
const BATCH: usize = 16_384;

fn parts(f: &Finding, marks: &Marks) -> Parts {
    let product = f
        .product
        .as_ref()
        .map_or(0, |p| (p.entity.len() + p.item.len()) as u64);
    let waiver = marks
        .waiver(f)
        .map_or(0, |w| w.id.len() + w.reason.len() + 60) as u64;
    let strings = (f.id.len() + f.subject.len() + f.subject_name.len() + f.message.approx_len())
        as u64
        + product
        + waiver;
    let (mut nodes, mut node_bytes) = (0u64, 0u64);
    let (mut first_nodes, mut first_bytes, mut longest) = (0u64, 0u64, 0);
    for (k, path) in f.evidence.iter().enumerate() {
        longest = longest.max(path.len());
        let bytes: u64 = path
            .iter()
            .map(|n| (n.entity.len() + n.item.len()) as u64)
            .sum();
        nodes += path.len() as u64;
        node_bytes += bytes;
        if k == 0 {
            first_nodes = path.len() as u64;
            first_bytes = bytes;
        }
    }
    let details_json = match &f.details {
        Details::None => 0,
        Details::Restricted { why } => 30 + why.len() as u64,
        Details::Asymmetry(a) => 120 + a.dependent.len() as u64,
        Details::Time(_) => 140,
        Details::Concentration(c) => {
            JSON_CONCENTRATION + (c.buyer.len() + c.item.len() + c.top_country.len()) as u64
        }
        Details::Visibility(v) => {
            100 + v
                .gaps
                .iter()
                .map(|g| JSON_GAP + (g.entity.len() + g.input.len() + g.item.len()) as u64)
                .sum::<u64>()
        }
    };
    Parts {
        strings,
        paths: f.evidence.len() as u64,
        nodes,
        node_bytes,
        first_nodes,
        first_bytes,
        details_json,
        longest,
    }
}

/// Bytes of the report JSON besides the findings: products, the country matrices, the
/// concentration rows, settings and summary.
fn json_besides_findings(report: &Report) -> u64 {
    let products: u64 = report
        .products
        .iter()
        .map(|p| {
            400 + (p.entity.len()
                + p.item.len()
                + p.entity_name.len()
                + p.item_name.len()
                + p.country.len()) as u64
                + p.spof
                    .values()
                    .flatten()
                    .map(|s| s.len() as u64 + 12)
                    .sum::<u64>()
        })
        .sum();
    let cd = &report.country_dependency;
    let matrix = (cd.products.len() * (cd.countries.len() + 2)) as u64 * 24
        + cd.products
            .iter()
            .map(|p| 60 + (p.entity.len() + p.item.len()) as u64)
            .sum::<u64>();
    let asymmetry = {
        let a = json_len(&report.asymmetry);
        a * 3
    };
    let concentration: u64 = report
        .concentration
        .iter()
        .map(|r| JSON_CONCENTRATION + (r.buyer.len() + r.item.len() + r.top_country.len()) as u64)
        .sum();
    // Root causes: one per bottleneck, far fewer than findings; their compact JSON, with
    // room for the indentation of the pretty print (about a line per 30 bytes, each indented
    // by up to 12 spaces).
    let root_causes = json_len(&report.root_causes);
    8192 + products + matrix + asymmetry + concentration + root_causes * 3 / 2
}

/// The length of `value`'s compact JSON, counted as it is written: nothing is held (the root
/// causes of a wide BOM are a hundred megabytes of JSON).
fn json_len(value: &impl serde::Serialize) -> u64 {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len() as u64;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_or(0, |()| count.0)
}

/// Bytes of the rows of the table of end products (names, ids and single points of failure).
fn product_rows(report: &Reviewed) -> u64 {
    report
        .products
        .iter()
        .map(|p| {
            120 + 2
                * (p.entity.len() + p.item.len() + p.entity_name.len() + p.item_name.len()) as u64
                + p.spof
                    .values()
                    .flatten()
                    .map(|s| s.len() as u64 + 2)
                    .sum::<u64>()
        })
        .sum()
}

/// The files of `formats` with their sizes (`[html, md, json, csv]`), then the charts (when
/// `charts` gives their bytes), and the bytes held in memory at once.
fn files_of(
    formats: &[ReportFormat],
    [html, md, json, csv]: [u64; 4],
    charts: Option<u64>,
) -> (Vec<(&'static str, u64)>, u64) {
    let chart_bytes = charts.unwrap_or(0);
    let mut files = Vec::new();
    let mut in_memory = chart_bytes;
    for f in ReportFormat::ALL.into_iter().chain([ReportFormat::Pdf]) {
        if !formats.contains(&f) {
            continue;
        }
        let bytes = match f {
            ReportFormat::Html => html,
            ReportFormat::Md => md,
            ReportFormat::Json => json,
            ReportFormat::Csv => csv,
            // Printed from the page: about as large (a rough guess; the browser decides).
            ReportFormat::Pdf => html,
        };
        files.push((f.file_name(), bytes));
        // report.json is streamed to its file; the other formats are made in memory.
        if f != ReportFormat::Json {
            in_memory += bytes;
        }
    }
    if charts.is_some() {
        files.push(("charts/", chart_bytes));
    }
    (files, in_memory)
}

/// Counts one more row of a table: whether it is shown (the table is cut at
/// [`super::TABLE_ROWS`]).
fn shown(count: &mut u64) -> bool {
    *count += 1;
    *count <= super::TABLE_ROWS as u64
}

/// What `report` would write for `formats` (and the charts, when `charts`).
pub fn report_files(report: &Reviewed, formats: &[ReportFormat], charts: bool) -> Estimate {
    let rows = super::TABLE_ROWS as u64;
    let (mut json, mut csv, mut md, mut html) = (0u64, 0u64, 0u64, 0u64);
    let (mut evidence_nodes, mut longest_path) = (0u64, 0usize);
    // Rows shown so far per kind (Markdown tables, HTML kind sections) and per (product,
    // kind) (HTML product sections); every table is cut at TABLE_ROWS.
    let mut per_kind: HashMap<(Kind, bool), u64> = HashMap::new();
    let mut per_product: HashMap<(&str, &str, Kind), u64> = HashMap::new();
    // The parts of a batch of findings on every core; then, in order, what the tables show
    // (which depends on the findings before).
    let batches = report.findings.chunks(BATCH);
    for (k, (f, p)) in batches
        .flat_map(|batch| {
            let parts: Vec<Parts> = batch.par_iter().map(|f| parts(f, &report.marks)).collect();
            batch.iter().zip(parts)
        })
        .enumerate()
    {
        evidence_nodes += p.nodes;
        longest_path = longest_path.max(p.longest);
        json += JSON_FINDING
            + p.strings
            + p.details_json
            + p.paths * JSON_PATH
            + p.nodes * JSON_NODE
            + p.node_bytes;
        csv += CSV_FINDING + p.strings + p.nodes * 4 + p.node_bytes;
        // A table row with every evidence path, each node `entity/item &gt; `.
        let row = HTML_ROW + p.strings + p.nodes * 7 + p.node_bytes;
        if shown(per_kind.entry((f.kind, false)).or_insert(0)) {
            md += LINE_FINDING + p.strings + p.first_nodes * 4 + p.first_bytes;
        }
        // The page's sections by kind: asymmetry, countries that stop a product alone,
        // restricted parties, time exposure, visibility.
        let in_kind_section = match f.kind {
            Kind::AsymmetricDependency
            | Kind::RestrictedParty
            | Kind::TimeExposure
            | Kind::VisibilityGap => true,
            Kind::Spof => f.level == Some(crate::analysis::groups::Level::Country),
            _ => false,
        };
        if in_kind_section && shown(per_kind.entry((f.kind, true)).or_insert(0)) {
            html += row;
        }
        // Each product's section (an upper bound: every product counted as having one).
        if let Some(prod) = &f.product
            && !matches!(f.kind, Kind::Concentration | Kind::AsymmetricDependency)
            && shown(
                per_product
                    .entry((&prod.entity, &prod.item, f.kind))
                    .or_insert(0),
            )
        {
            html += row;
        }
        // The table of all findings, without evidence.
        if (k as u64) < rows {
            html += HTML_ROW + p.strings;
        }
    }
    json += json_besides_findings(report);
    let products = product_rows(report);
    md += 8192 + products;
    html += HTML_PAGE
        + 2 * products
        + (report.concentration.len() as u64).min(rows) * JSON_CONCENTRATION;
    let n = report.products.len();
    let chart_bytes = if charts {
        chart_svg(n) + chart_png(n)
    } else {
        0
    };
    html += chart_svg(n);
    let (files, in_memory) = files_of(
        formats,
        [html, md, json, csv],
        charts.then_some(chart_bytes),
    );
    Estimate {
        files,
        in_memory,
        findings: report.findings.len(),
        evidence_nodes,
        longest_path,
    }
}

/// What `analyze` would print: the report JSON (streamed) or the text (made in memory).
pub fn analyze_output(report: &Reviewed, json: bool) -> Estimate {
    let mut e = report_files(
        report,
        &[if json {
            ReportFormat::Json
        } else {
            ReportFormat::Md
        }],
        false,
    );
    if json {
        e.files = vec![("the report JSON", e.files[0].1)];
        e.in_memory = 0;
    } else {
        let text: u64 = 4096
            + report
                .findings
                .par_iter()
                .map(|f| {
                    let p = parts(f, &report.marks);
                    LINE_FINDING + p.strings + p.first_nodes * 4 + p.first_bytes
                })
                .sum::<u64>();
        e.files = vec![("the text", text)];
        e.in_memory = text;
    }
    e
}

/// The default `--max-output`: 64 MiB, or 100 times the dataset's CSV files when that is
/// more. Ordinary reports are 15 to 30 times their CSV at scale (`benches/README.md`), and a
/// small dataset's report is mostly its charts and page.
pub fn default_limit(csv_bytes: u64) -> u64 {
    (64u64 << 20).max(csv_bytes.saturating_mul(100))
}

/// Refuses an output that would pass `limit` or the memory available: what would be written,
/// and how to narrow it. `what` names the command's output ("the report", "the output").
pub fn check(
    estimate: &Estimate,
    limit: u64,
    limit_given: bool,
    available: Option<u64>,
    what: &str,
) -> Result<(), String> {
    use crate::ingest::limits::human;
    let narrow = "narrow it with --level (e.g. --level country,untrusted), --product ENTITY:ITEM, or --format (report.json and findings.csv hold every evidence path)";
    let why = format!(
        "{} findings carry {} evidence nodes, the longest path {} nodes",
        estimate.findings, estimate.evidence_nodes, estimate.longest_path
    );
    let total = estimate.total();
    if total > limit {
        return Err(format!(
            "{what} would be about {} ({}): over the limit of {} ({}); {why} (expected a smaller output: {narrow}, or raise --max-output)",
            human(total),
            estimate.listing(),
            human(limit),
            if limit_given {
                "--max-output".to_string()
            } else {
                "the default --max-output: 64 MiB or 100 times the dataset's CSV files".to_string()
            }
        ));
    }
    // Rendering a few tens of megabytes is never what runs a machine out of memory (and
    // the dataset's own check, `ingest::limits`, already counts the formats at their usual
    // size): only larger outputs are held to the memory available.
    if let Some(available) = available
        && estimate.in_memory > available.max(MEMORY_FLOOR)
    {
        return Err(format!(
            "{what} needs about {} of memory to render ({}), but only {} is available; {why} (expected a smaller output: {narrow})",
            human(estimate.in_memory),
            estimate.listing(),
            human(available)
        ));
    }
    Ok(())
}
