//! `report.html`: one self-contained page (inline CSS and SVG charts; a few lines of inline
//! script only to filter the findings table, which works without it).

use super::csv::{format_value, path_text};
use super::{headlines, methodology};
use crate::analysis::findings::{Finding, Kind, Severity};
use crate::analysis::groups::Level;
use crate::gate::Reviewed;
use foldhash::{HashMap, HashMapExt};
use std::fmt::Write as _;

/// A chart to place in the page.
pub struct InlineChart<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub svg: &'a str,
}

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

use crate::numbers::pct;

fn badge(sev: Severity) -> String {
    format!("<span class=\"sev sev-{0}\">{0}</span>", sev.as_str())
}

const CSS: &str = r#"
:root{--ink:#1d2733;--muted:#5b6b7c;--line:#d9e0e7;--bg:#f6f8fa;--critical:#b3261e;--high:#d9730d;--medium:#c9a227;--low:#5b8def;--accent:#1f5f8b}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--ink);background:#fff}
header{background:var(--ink);color:#fff;padding:28px 40px}header h1{margin:0 0 4px;font-size:26px}header p{margin:0;color:#c5d1dd}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:8px 40px;z-index:5;font-size:14px}nav a{margin-right:16px;color:var(--accent);text-decoration:none}
main{padding:8px 40px 60px;max-width:1280px}section{margin-top:36px}h2{font-size:21px;border-bottom:2px solid var(--ink);padding-bottom:4px}h3{font-size:17px;margin:22px 0 8px}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:18px 0}.card{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:12px 18px;min-width:150px}.card b{display:block;font-size:26px}.card span{color:var(--muted);font-size:13px}
ol.heads li{margin:6px 0}.sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;text-transform:uppercase}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}
table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}th{background:var(--bg);position:sticky;top:0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:520px;overflow:auto;border:1px solid var(--line);border-radius:6px}
.chart{margin:14px 0;border:1px solid var(--line);border-radius:8px;padding:8px;background:#fff;overflow-x:auto}.chart svg{max-width:100%;height:auto}
.path{font-family:"DejaVu Sans Mono",Menlo,monospace;font-size:12.5px;color:var(--muted)}.muted{color:var(--muted)}
details{margin:8px 0}summary{cursor:pointer;color:var(--accent)}.product{border-left:4px solid var(--accent);padding-left:16px}
p.note{background:#fff8e1;border-left:4px solid var(--medium);padding:6px 12px}input#filter{padding:6px 10px;width:320px;border:1px solid var(--line);border-radius:6px;margin:6px 0}
dl.method dt{font-weight:600;margin-top:10px}dl.method dd{margin:2px 0 0 0;color:#2c3a48}
"#;

const SCRIPT: &str = r#"
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
    let chart = |name: &str| -> String {
        charts
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
    };
    let sum = &report.summary;
    let currency = report.report.settings.currency.as_str();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Supply-chain risk report: {}</title>\n<style>{CSS}</style></head><body>\n",
        esc(&report.dataset)
    );
    let _ = writeln!(
        s,
        "<header><h1>Supply-chain risk report: {}</h1><p>{} end products · {} findings · {} (schema {}, rules {})</p></header>",
        esc(&report.dataset),
        sum.products,
        sum.findings,
        esc(&report.tool),
        report.schema_version,
        report.rules_version
    );
    s.push_str("<nav><a href=\"#summary\">Summary</a><a href=\"#products\">Products</a><a href=\"#countries\">Countries</a><a href=\"#concentration\">Concentration</a><a href=\"#restricted\">Restricted parties</a><a href=\"#time\">Time exposure</a><a href=\"#visibility\">Visibility</a><a href=\"#findings\">All findings</a><a href=\"#methodology\">Methodology</a></nav>\n<main>\n");

    // Executive summary.
    s.push_str("<section id=\"summary\"><h2>Executive summary</h2>\n<div class=\"cards\">");
    let max_exposure = report
        .products
        .iter()
        .map(|p| p.untrusted_exposure)
        .fold(0.0, f64::max);
    let (stoppable, only_in_house) = super::board::stoppable(report);
    for (value, label) in [
        (sum.products.to_string(), "end products"),
        (
            format!("{stoppable}"),
            "products with a supplier single point of failure",
        ),
        (
            sum.in_house_spof.to_string(),
            "in-house single points of failure (own plants)",
        ),
        (
            sum.by_severity
                .get(&Severity::Critical)
                .copied()
                .unwrap_or(0)
                .to_string(),
            "critical findings",
        ),
        (pct(max_exposure), "highest untrusted exposure"),
        (pct(sum.coverage), "mean coverage of inputs"),
    ] {
        let _ = write!(
            s,
            "<div class=\"card\"><b>{}</b><span>{}</span></div>",
            esc(&value),
            label
        );
    }
    s.push_str("</div>\n");
    for note in super::run_notes(report) {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&note));
    }
    let causes = super::board::cause_lines(report, super::board::ROOT_CAUSES);
    if !causes.is_empty() {
        let _ = writeln!(
            s,
            "<h3>Root causes</h3>\n<p class=\"muted\">Findings that share a cause, grouped: {} root cause(s) in all (report.json lists them with every finding linked).</p>\n<ol class=\"heads causes\">",
            report.root_causes.len()
        );
        for c in &causes {
            let _ = writeln!(
                s,
                "<li>{}{} {}<br><span class=\"path\">{}</span> <span class=\"muted\">({} finding(s))</span></li>",
                badge(c.severity),
                if c.in_house { " <b>in-house</b>" } else { "" },
                esc(&c.text),
                esc(&c.evidence),
                c.findings
            );
        }
        s.push_str("</ol>\n");
    }
    let own = super::board::in_house_lines(report);
    if !own.is_empty() {
        let _ = writeln!(
            s,
            "<h3>In-house single points of failure</h3>\n<p class=\"muted\">The maker's own plants, which alone can stop its product: counted apart from supplier risk ({} product(s) have no other).</p>\n<ul>",
            only_in_house
        );
        for line in &own {
            let _ = writeln!(s, "<li>{}</li>", esc(line));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<h3>The risks that matter most</h3>\n<ol class=\"heads\">\n");
    let heads = headlines(report, 8);
    if heads.is_empty() {
        s.push_str("<li>No single point of failure, heavy untrusted exposure or asymmetric dependency was found.</li>\n");
    }
    for h in &heads {
        let _ = writeln!(s, "<li>{} {}</li>", badge(h.severity), esc(&h.text));
    }
    s.push_str("</ol>\n");
    s.push_str(&chart("root-causes"));
    s.push_str(&chart("untrusted-exposure"));
    s.push_str("</section>\n");

    // Products. Each product's findings, in report order, in one pass: filtering every
    // finding for each product was O(products × findings), 2.9 billion comparisons and most
    // of the minute `report` took at 1M supply rows.
    let mut by_product: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        if let Some(x) = &f.product {
            by_product
                .entry((&*x.entity, &*x.item))
                .or_default()
                .push(f);
        }
    }
    let detailed = detailed_products(report, &by_product, limits.products);
    let anchors = product_anchors(&report.products);
    s.push_str("<section id=\"products\"><h2>End products</h2>\n");
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>product</th><th>maker</th><th>country</th><th class=\"num\">revenue</th><th class=\"num\">coverage</th><th class=\"num\">untrusted exposure</th><th>single points of failure</th></tr></thead><tbody>\n");
    for ((p, &has_section), anchor) in report.products.iter().zip(&detailed).zip(&anchors) {
        let spofs = p
            .spof
            .iter()
            .map(|(l, v)| format!("<b>{}</b>: {}", l.as_str(), esc(&v.join(", "))))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if has_section {
                format!("<a href=\"#{}\">{}</a>", esc(anchor), esc(&p.item_name))
            } else {
                esc(&p.item_name)
            },
            esc(&p.entity_name),
            esc(&p.country),
            p.annual_revenue
                .map_or(String::new(), |r| crate::numbers::money(r, currency)),
            pct(p.coverage),
            pct(p.untrusted_exposure),
            spofs
        );
    }
    s.push_str("</tbody></table></div>\n");
    let shown = detailed.iter().filter(|d| **d).count();
    if shown < report.products.len() {
        let _ = writeln!(
            s,
            "<p class=\"note\">Sections below for {shown} of the {} end products: those with the most critical, then high findings, then the highest untrusted exposure. Every product's findings are in findings.csv and report.json.</p>",
            report.products.len()
        );
    }
    s.push_str(&chart("network"));
    for ((p, _), anchor) in report
        .products
        .iter()
        .zip(&detailed)
        .zip(&anchors)
        .filter(|((_, d), _)| **d)
    {
        let fs = by_product
            .get(&(p.entity.as_str(), p.item.as_str()))
            .map_or(&[][..], Vec::as_slice);
        let _ = writeln!(
            s,
            "<div class=\"product\" id=\"{}\"><h3>{} — {} <span class=\"muted\">({}:{}, {})</span></h3>",
            esc(anchor),
            esc(&p.item_name),
            esc(&p.entity_name),
            esc(&p.entity),
            esc(&p.item),
            esc(&p.country)
        );
        let _ = writeln!(
            s,
            "<p>Coverage of upstream inputs {}; untrusted exposure {}; {} upstream production nodes.</p>",
            pct(p.coverage),
            pct(p.untrusted_exposure),
            p.upstream_nodes
        );
        for (kind, title) in [
            (Kind::Spof, "Single points of failure"),
            (Kind::CapacityAtRisk, "Capacity at risk"),
            (Kind::UntrustedExposure, "Untrusted exposure"),
            (Kind::RestrictedParty, "Restricted parties upstream"),
            (Kind::TimeExposure, "Time exposure"),
            (Kind::VisibilityGap, "Visibility gaps"),
        ] {
            let these: Vec<&&Finding> = fs.iter().filter(|f| f.kind == kind).collect();
            if these.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "<details{}><summary>{title} ({})</summary>",
                if kind == Kind::Spof { " open" } else { "" },
                these.len()
            );
            finding_table(
                &mut s,
                report,
                these.into_iter().copied(),
                false,
                limits.rows,
            );
            s.push_str("</details>\n");
        }
        s.push_str("</div>\n");
    }
    s.push_str("</section>\n");

    // Countries.
    s.push_str("<section id=\"countries\"><h2>Country dependency and asymmetry</h2>\n<p>How much of each product's capacity is lost when one country's suppliers all fail (export ban, war, sanctions), and which dependencies are one-sided.</p>\n");
    s.push_str(&chart("country-dependency"));
    s.push_str(&chart("asymmetry"));
    let asym: Vec<&Finding> = report
        .findings
        .iter()
        .map(Box::as_ref)
        .filter(|f| f.kind == Kind::AsymmetricDependency)
        .collect();
    if !asym.is_empty() {
        s.push_str("<h3>Flagged asymmetric dependencies</h3>\n");
        finding_table(&mut s, report, asym.into_iter(), false, limits.rows);
    }
    let spof_countries: Vec<&Finding> = report
        .findings
        .iter()
        .map(Box::as_ref)
        .filter(|f| f.kind == Kind::Spof && f.level == Some(Level::Country))
        .collect();
    if !spof_countries.is_empty() {
        s.push_str("<h3>Countries that can stop a product alone</h3>\n");
        finding_table(
            &mut s,
            report,
            spof_countries.into_iter(),
            true,
            limits.rows,
        );
    }
    s.push_str("</section>\n");

    // Concentration.
    let _ = write!(
        s,
        "<section id=\"concentration\"><h2>Concentration</h2>\n<p>Each buyer's input, by supplier country: HHI above {} is concentrated; the untrusted share is what untrusted suppliers hold.</p>\n",
        report.settings.hhi_threshold
    );
    s.push_str(&chart("concentration"));
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>buyer</th><th>input</th><th class=\"num\">suppliers</th><th class=\"num\">supplier HHI</th><th class=\"num\">country HHI</th><th>top country</th><th class=\"num\">untrusted share</th></tr></thead><tbody>\n");
    let mut rows: Vec<_> = report.concentration.iter().collect();
    rows.sort_by(|a, b| {
        b.country_hhi
            .total_cmp(&a.country_hhi)
            .then(b.untrusted_share.total_cmp(&a.untrusted_share))
            .then((&a.buyer, &a.item).cmp(&(&b.buyer, &b.item)))
    });
    let more = rows.len().saturating_sub(limits.rows);
    for r in rows.into_iter().take(limits.rows) {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td>{} ({})</td><td class=\"num\">{}</td></tr>",
            esc(&r.buyer),
            esc(&r
                .substitutes
                .or_text()
                .unwrap_or_else(|| r.item.to_string())),
            r.suppliers,
            r.supplier_hhi,
            r.country_hhi,
            esc(&r.top_country),
            pct(r.top_country_share),
            pct(r.untrusted_share)
        );
    }
    if more > 0 {
        let text = format!(
            "… and {more} more, less concentrated: every (buyer, input) is in report.json."
        );
        more_row(&mut s, &text, 7);
    }
    s.push_str("</tbody></table></div></section>\n");

    // Restricted, time, visibility.
    for (id, kind, title, intro, chart_name) in [
        (
            "restricted",
            Kind::RestrictedParty,
            "Restricted parties",
            "Restricted entities upstream of an end product, why each is restricted, and what its loss would leave.",
            None,
        ),
        (
            "time",
            Kind::TimeExposure,
            "Time exposure",
            "Suppliers that need longer to recover than a product's stock lasts, and the revenue at risk in between.",
            Some("time-exposure"),
        ),
        (
            "visibility",
            Kind::VisibilityGap,
            "Visibility gaps",
            "Inputs nobody mapped, or mapped only in part. The analysis counts them as available; they are not known to be safe.",
            None,
        ),
    ] {
        let _ = write!(s, "<section id=\"{id}\"><h2>{title}</h2>\n<p>{intro}</p>\n");
        if let Some(c) = chart_name {
            s.push_str(&chart(c));
        }
        let fs: Vec<&Finding> = report
            .findings
            .iter()
            .map(Box::as_ref)
            .filter(|f| f.kind == kind)
            .collect();
        if fs.is_empty() {
            s.push_str("<p class=\"muted\">None found.</p>\n");
        } else {
            finding_table(&mut s, report, fs.into_iter(), true, limits.rows);
        }
        s.push_str("</section>\n");
    }

    // All findings.
    let _ = write!(
        s,
        "<section id=\"findings\"><h2>All findings ({})</h2>\n<input id=\"filter\" type=\"search\" placeholder=\"Filter findings…\" aria-label=\"Filter findings\">\n<div class=\"scroll\"><table id=\"all-findings\"><thead><tr><th>severity</th><th>kind</th><th>level</th><th>subject</th><th>product</th><th class=\"num\">metric</th><th>finding</th><th>id</th></tr></thead><tbody>\n",
        report.findings.len()
    );
    for f in report.findings.iter().take(limits.rows) {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} {}</td><td>{}</td><td class=\"path\">{}</td></tr>",
            badge(f.severity),
            f.kind.as_str(),
            f.level.map_or("", |l| l.as_str()),
            esc(&f.subject),
            f.product
                .as_ref()
                .map_or(String::new(), |p| esc(&format!("{}:{}", p.entity, p.item))),
            esc(&f.metric.name),
            format_value(f.metric.value),
            esc(&report.annotated(f)),
            esc(&f.id)
        );
    }
    let more = report.findings.len().saturating_sub(limits.rows);
    if more > 0 {
        more_row(&mut s, &super::left_out(more), 8);
    }
    s.push_str("</tbody></table></div></section>\n");
    if !report.marks.resolved().is_empty() {
        let _ = write!(
            s,
            "<section id=\"resolved\"><h2>Resolved since the baseline ({})</h2>\n<div class=\"scroll\"><table><thead><tr><th>severity</th><th>kind</th><th>id</th><th>finding</th></tr></thead><tbody>\n",
            report.marks.resolved().len()
        );
        for f in report.marks.resolved() {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"path\">{}</td><td>{}</td></tr>",
                badge(f.severity),
                esc(&f.kind),
                esc(&f.id),
                esc(&f.message)
            );
        }
        s.push_str("</tbody></table></div></section>\n");
    }

    // Methodology.
    s.push_str("<section id=\"methodology\"><h2>Methodology</h2>\n<dl class=\"method\">\n");
    for (title, text) in methodology(report) {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", esc(title), esc(&text));
    }
    let set = &report.settings;
    let _ = writeln!(
        s,
        "<dt>Settings in force</dt><dd>capacity threshold {}, HHI threshold {}, asymmetry {} / {}, levels {}{}{}</dd>",
        set.capacity_threshold,
        set.hhi_threshold,
        set.asymmetry_min,
        set.asymmetry_gap,
        set.levels
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if set.untrust.is_empty() {
            String::new()
        } else {
            format!(", untrusted by flag: {}", esc(&set.untrust.join(", ")))
        },
        if set.trust.is_empty() {
            String::new()
        } else {
            format!(", trusted by flag: {}", esc(&set.trust.join(", ")))
        },
    );
    s.push_str("</dl></section>\n</main>\n");
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body></html>\n");
    s.into_bytes()
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
    s.push_str(
        "<div class=\"scroll\"><table><thead><tr><th>severity</th><th>level</th><th>subject</th>",
    );
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
            format_value(f.metric.value),
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
