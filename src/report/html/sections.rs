//! The sections of the page after the summary: products, countries, concentration,
//! restricted parties, time exposure, visibility, every finding, and the methodology.

use super::{
    Charts, Limits, badge, detailed_products, esc, finding_table, more_row, product_anchors,
};
use crate::analysis::findings::{Finding, Kind};
use crate::analysis::groups::Level;
use crate::gate::Reviewed;
use crate::numbers::pct;
use crate::report::methodology;
use foldhash::{HashMap, HashMapExt};
use std::fmt::Write as _;

/// Each product's findings, in report order, in one pass: filtering every finding for each
/// product was O(products × findings), 2.9 billion comparisons and most of the minute
/// `report` took at 1M supply rows.
fn by_product(report: &Reviewed) -> HashMap<(&str, &str), Vec<&Finding>> {
    let mut by_product: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        if let Some(x) = &f.product {
            by_product
                .entry((&*x.entity, &*x.item))
                .or_default()
                .push(f);
        }
    }
    by_product
}

/// The table of end products, the network chart and a section per product.
pub(super) fn products(s: &mut String, report: &Reviewed, charts: &Charts<'_>, limits: Limits) {
    let by_product = by_product(report);
    let detailed = detailed_products(report, &by_product, limits.products);
    let anchors = product_anchors(&report.products);
    products_table(s, report, &detailed, &anchors);
    s.push_str(&charts.get("network"));
    product_sections(s, report, &by_product, &detailed, &anchors, limits);
    s.push_str("</section>\n");
}

fn products_table(s: &mut String, report: &Reviewed, detailed: &[bool], anchors: &[String]) {
    let currency = report.report.settings.currency.as_str();
    s.push_str("<section id=\"products\"><h2>End products</h2>\n");
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>product</th><th>maker</th><th>country</th><th class=\"num\">revenue</th><th class=\"num\">coverage</th><th class=\"num\">untrusted exposure</th><th>single points of failure</th></tr></thead><tbody>\n");
    for ((p, &has_section), anchor) in report.products.iter().zip(detailed).zip(anchors) {
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
}

fn product_sections(
    s: &mut String,
    report: &Reviewed,
    by_product: &HashMap<(&str, &str), Vec<&Finding>>,
    detailed: &[bool],
    anchors: &[String],
    limits: Limits,
) {
    for ((p, _), anchor) in report
        .products
        .iter()
        .zip(detailed)
        .zip(anchors)
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
            finding_table(s, report, these.into_iter().copied(), false, limits.rows);
            s.push_str("</details>\n");
        }
        s.push_str("</div>\n");
    }
}

/// Country dependency and asymmetry.
pub(super) fn countries(s: &mut String, report: &Reviewed, charts: &Charts<'_>, limits: Limits) {
    // Countries.
    s.push_str("<section id=\"countries\"><h2>Country dependency and asymmetry</h2>\n<p>How much of each product's capacity is lost when one country's suppliers all fail (export ban, war, sanctions), and which dependencies are one-sided.</p>\n");
    s.push_str(&charts.get("country-dependency"));
    s.push_str(&charts.get("asymmetry"));
    let asym: Vec<&Finding> = report
        .findings
        .iter()
        .map(Box::as_ref)
        .filter(|f| f.kind == Kind::AsymmetricDependency)
        .collect();
    if !asym.is_empty() {
        s.push_str("<h3>Flagged asymmetric dependencies</h3>\n");
        finding_table(s, report, asym.into_iter(), false, limits.rows);
    }
    let spof_countries: Vec<&Finding> = report
        .findings
        .iter()
        .map(Box::as_ref)
        .filter(|f| f.kind == Kind::Spof && f.level == Some(Level::Country))
        .collect();
    if !spof_countries.is_empty() {
        s.push_str("<h3>Countries that can stop a product alone</h3>\n");
        finding_table(s, report, spof_countries.into_iter(), true, limits.rows);
    }
    s.push_str("</section>\n");
}

/// Concentration of each buyer's input.
pub(super) fn concentration(
    s: &mut String,
    report: &Reviewed,
    charts: &Charts<'_>,
    limits: Limits,
) {
    // Concentration.
    let _ = write!(
        s,
        "<section id=\"concentration\"><h2>Concentration</h2>\n<p>Each buyer's input, by supplier country: HHI above {} is concentrated; the untrusted share is what untrusted suppliers hold.</p>\n",
        report.settings.hhi_threshold
    );
    s.push_str(&charts.get("concentration"));
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
        more_row(s, &text, 7);
    }
    s.push_str("</tbody></table></div></section>\n");
}

/// Restricted parties, time exposure and visibility gaps.
pub(super) fn by_kind(s: &mut String, report: &Reviewed, charts: &Charts<'_>, limits: Limits) {
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
            s.push_str(&charts.get(c));
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
            finding_table(s, report, fs.into_iter(), true, limits.rows);
        }
        s.push_str("</section>\n");
    }
}

/// Every finding (up to the limit), with a filter box.
pub(super) fn all_findings(s: &mut String, report: &Reviewed, limits: Limits) {
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
            esc(&crate::report::metric_text(report, f)),
            esc(&report.annotated(f)),
            esc(&f.id)
        );
    }
    let more = report.findings.len().saturating_sub(limits.rows);
    if more > 0 {
        more_row(s, &crate::report::left_out(more), 8);
    }
    s.push_str("</tbody></table></div></section>\n");
}

/// Findings of the baseline that are gone.
pub(super) fn resolved(s: &mut String, report: &Reviewed) {
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
}

/// The methodology and the settings in force.
pub(super) fn method(s: &mut String, report: &Reviewed) {
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
    s.push_str("</dl></section>\n");
}
