//! `report.html`: one self-contained page (inline CSS and SVG charts; a few lines of inline
//! script only to filter the findings table, which works without it).

use super::csv::path_text;
use crate::analysis::findings::{Finding, Severity};
use crate::gate::Reviewed;
use foldhash::HashMap;
use std::fmt::Write as _;

/// A chart to place in the page.
pub struct InlineChart<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub svg: &'a str,
}

/// Escapes text for HTML: markup escaped and control characters made visible (`\x1b`), the
/// same rule as every XML text the tool writes ([`crate::guard::xml_text`]). Values from
/// flags and `dataset.toml` (title, organisation, caveats) reach the page without passing
/// the dataset's own checks, so the page cannot rely on them.
pub fn esc(text: &str) -> String {
    crate::guard::xml_text(text).into_owned()
}

use style::CSS;

mod about;
mod sections;
mod style;
mod summary;

fn badge(sev: Severity) -> String {
    format!("<span class=\"sev sev-{0}\">{0}</span>", sev.as_str())
}

const SCRIPT: &str = r#"
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});
document.getElementById('filter').addEventListener('input',function(e){var q=e.target.value.toLowerCase();document.querySelectorAll('#all-findings tbody tr').forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':''});});
"#;

/// How much of a large report the page shows. The page is for reading: at 1M supply rows a
/// page with every finding in every table was 403 MB, which no browser opens. Every finding
/// stays in `findings.csv` and `report.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows of one table of findings or of concentration; the most severe (the most
    /// concentrated) come first, the rest are counted.
    pub rows: usize,
    /// Products with a section of their own: those with the most critical, then high
    /// findings, then the highest untrusted exposure; every product keeps its row in the
    /// table of end products.
    pub products: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            rows: super::TABLE_ROWS,
            products: 300,
        }
    }
}

/// Renders the page. `charts` are placed by name where they belong; unknown names go to the
/// end of the country section.
pub fn render(report: &Reviewed, charts: &[InlineChart<'_>]) -> Vec<u8> {
    render_limited(report, charts, Limits::default())
}

/// [`render`] with the given limits.
pub fn render_limited(report: &Reviewed, charts: &[InlineChart<'_>], limits: Limits) -> Vec<u8> {
    let mut s = String::new();
    let charts = Charts(charts);
    summary::head(&mut s, report);
    about::section(&mut s, report);
    summary::section(&mut s, report, &charts);
    sections::products(&mut s, report, &charts, limits);
    sections::countries(&mut s, report, &charts, limits);
    sections::concentration(&mut s, report, &charts, limits);
    sections::by_kind(&mut s, report, &charts, limits);
    sections::all_findings(&mut s, report, limits);
    sections::resolved(&mut s, report);
    sections::method(&mut s, report);
    about::sources(&mut s, report);
    s.push_str("</main>\n");
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body></html>\n");
    s.into_bytes()
}

/// The charts to place in the page, by name.
struct Charts<'a>(&'a [InlineChart<'a>]);

impl Charts<'_> {
    /// The figures of the chart `name` (and of `name-*`), or nothing.
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .filter(|c| c.name == name || c.name.starts_with(&format!("{name}-")))
            .map(|c| {
                format!(
                    "<figure class=\"chart\" id=\"chart-{}\" data-chart=\"{}\" aria-label=\"{}\">{}</figure>\n",
                    esc(c.name),
                    esc(c.name),
                    esc(c.title),
                    c.svg
                )
            })
            .collect()
    }
}

/// A table of findings with severity, subject, metric, message and evidence paths.
/// At most `rows` rows: the first, most severe, findings; the rest are counted in a last row.
fn finding_table<'a>(
    s: &mut String,
    report: &Reviewed,
    fs: impl Iterator<Item = &'a Finding>,
    with_product: bool,
    rows: usize,
) {
    s.push_str(if with_product {
        "<div class=\"scroll\"><table class=\"findings with-product\"><thead><tr><th>severity</th><th>level</th><th>subject</th>"
    } else {
        "<div class=\"scroll\"><table class=\"findings\"><thead><tr><th>severity</th><th>level</th><th>subject</th>"
    });
    if with_product {
        s.push_str("<th>product</th>");
    }
    s.push_str("<th class=\"num\">metric</th><th>finding</th><th>evidence (supplier first)</th></tr></thead><tbody>\n");
    let mut fs = fs.fuse();
    for f in fs.by_ref().take(rows) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            badge(f.severity),
            f.level.map_or("", |l| l.as_str()),
            esc(&f.subject)
        );
        if with_product {
            let _ = write!(
                s,
                "<td>{}</td>",
                f.product
                    .as_ref()
                    .map_or(String::new(), |p| esc(&format!("{}:{}", p.entity, p.item)))
            );
        }
        let evidence = f
            .evidence
            .iter()
            .map(|p| esc(&path_text(p)))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            s,
            "<td class=\"num\">{}</td><td>{}</td><td class=\"path\">{}</td></tr>",
            esc(&super::metric_text(report, f)),
            esc(&report.annotated(f)),
            evidence
        );
    }
    let more = fs.count();
    if more > 0 {
        more_row(s, &super::left_out(more), if with_product { 7 } else { 6 });
    }
    s.push_str("</tbody></table></div>\n");
}

/// The last row of a table cut at its limit, across its `columns`: what it leaves out.
fn more_row(s: &mut String, text: &str, columns: usize) {
    let _ = writeln!(
        s,
        "<tr><td colspan=\"{columns}\" class=\"muted\">{}</td></tr>",
        esc(text)
    );
}

/// The page anchor of each product, in report order: `p-ENTITY-ITEM`, or, where that is
/// already taken by an earlier product (`a` + `b-c` and `a-b` + `c` both give `p-a-b-c`),
/// the first free `p-ENTITY-ITEM~N` from N = 2. Anchors only need to be distinct within one
/// page, and ordinary ids keep the anchors they always had.
pub fn product_anchors(products: &[crate::analysis::ProductSummary]) -> Vec<String> {
    let mut taken: foldhash::HashSet<String> = foldhash::HashSet::default();
    products
        .iter()
        .map(|p| {
            let base = format!("p-{}-{}", p.entity, p.item);
            let mut anchor = base.clone();
            let mut n = 2;
            while !taken.insert(anchor.clone()) {
                anchor = format!("{base}~{n}");
                n += 1;
            }
            anchor
        })
        .collect()
}

/// Which products get a section of their own (in report order): all of them, or the `limit`
/// with the most critical findings, then high findings, then the highest untrusted exposure.
fn detailed_products(
    report: &Reviewed,
    by_product: &HashMap<(&str, &str), Vec<&Finding>>,
    limit: usize,
) -> Vec<bool> {
    let n = report.products.len();
    if n <= limit {
        return vec![true; n];
    }
    let count = |fs: &[&Finding], sev: Severity| fs.iter().filter(|f| f.severity == sev).count();
    let mut order: Vec<(usize, usize, f64, usize)> = report
        .products
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let fs = by_product
                .get(&(p.entity.as_str(), p.item.as_str()))
                .map_or(&[][..], Vec::as_slice);
            (
                count(fs, Severity::Critical),
                count(fs, Severity::High),
                p.untrusted_exposure,
                k,
            )
        })
        .collect();
    order.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    let mut detailed = vec![false; n];
    for &(_, _, _, k) in order.iter().take(limit) {
        detailed[k] = true;
    }
    detailed
}
