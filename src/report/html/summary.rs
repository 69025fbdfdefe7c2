//! The head of the page (title, organisation, date) and the executive summary: root causes
//! first, then the in-house single points of failure, then the risks no root cause covers.

use super::{CSS, Charts, badge, esc};
use crate::analysis::findings::Severity;
use crate::gate::Reviewed;
use crate::numbers::pct;
use crate::report::{board, plural};
use std::fmt::Write as _;

/// How many other risks the summary lists: with the root causes and the in-house lines,
/// the summary fits on one printed page.
const OTHER_RISKS: usize = 5;

/// The document head, the page header and the navigation.
pub(super) fn head(s: &mut String, report: &Reviewed) {
    let sum = &report.summary;
    let title = report.context.as_ref().map_or_else(
        || format!("Supply-chain risk report: {}", report.dataset),
        |c| c.title.clone(),
    );
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style></head><body>\n",
        esc(&title)
    );
    let _ = writeln!(
        s,
        "<header><h1>{}</h1>{}<p>{} · {} · {} (schema {}, rules {})</p></header>",
        esc(&title),
        byline(report),
        plural(sum.products, "end product", "end products"),
        plural(sum.findings, "finding", "findings"),
        esc(&report.tool),
        report.schema_version,
        report.rules_version
    );
    s.push_str("<nav>");
    if report.context.is_some() {
        s.push_str("<a href=\"#context\">About</a>");
    }
    s.push_str("<a href=\"#summary\">Summary</a><a href=\"#products\">Products</a><a href=\"#countries\">Countries</a><a href=\"#concentration\">Concentration</a><a href=\"#restricted\">Restricted parties</a><a href=\"#time\">Time exposure</a><a href=\"#visibility\">Visibility</a><a href=\"#findings\">All findings</a><a href=\"#methodology\">Methodology</a></nav>\n<main>\n");
}

/// The line under the title: organisation, date, dataset and currency.
fn byline(report: &Reviewed) -> String {
    let Some(c) = &report.context else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(o) = &c.organisation {
        parts.push(format!("<b>{}</b>", esc(o)));
    }
    parts.push(format!("As of {}", c.as_of));
    parts.push(format!(
        "Dataset: {}",
        esc(c.dataset.title.as_deref().unwrap_or(&report.dataset))
    ));
    parts.push(format!("Money in {}", esc(&c.currency)));
    format!("<p class=\"byline\">{}</p>", parts.join(" · "))
}

/// The executive summary: figures, notes, root causes, in-house single points of failure,
/// the other risks, and the two overview charts (which print on the next page).
pub(super) fn section(s: &mut String, report: &Reviewed, charts: &Charts<'_>) {
    s.push_str("<section id=\"summary\"><h2>Executive summary</h2>\n<div class=\"cards\">");
    cards(s, report);
    s.push_str("</div>\n");
    for note in crate::report::run_notes(report) {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&note));
    }
    causes(s, report);
    in_house(s, report);
    others(s, report);
    s.push_str(&charts.get("root-causes"));
    s.push_str(&charts.get("untrusted-exposure"));
    s.push_str("</section>\n");
}

fn cards(s: &mut String, report: &Reviewed) {
    let sum = &report.summary;
    let max_exposure = report
        .products
        .iter()
        .map(|p| p.untrusted_exposure)
        .fold(0.0, f64::max);
    let (stoppable, _) = board::stoppable(report);
    let critical = sum
        .by_severity
        .get(&Severity::Critical)
        .copied()
        .unwrap_or(0);
    for (value, label) in [
        (
            sum.products.to_string(),
            if sum.products == 1 {
                "end product"
            } else {
                "end products"
            },
        ),
        (
            format!("{stoppable}"),
            if stoppable == 1 {
                "product with a supplier single point of failure"
            } else {
                "products with a supplier single point of failure"
            },
        ),
        (
            sum.in_house_spof.to_string(),
            if sum.in_house_spof == 1 {
                "in-house single point of failure (own plants)"
            } else {
                "in-house single points of failure (own plants)"
            },
        ),
        (
            critical.to_string(),
            if critical == 1 {
                "critical finding"
            } else {
                "critical findings"
            },
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
}

fn causes(s: &mut String, report: &Reviewed) {
    let causes = board::cause_lines(report, board::ROOT_CAUSES);
    if causes.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "<h3>Root causes</h3>\n<p class=\"muted\">Findings that share a cause, grouped: {} in all (report.json lists them with every finding linked).</p>\n<ol class=\"heads causes\">",
        plural(report.root_causes.len(), "root cause", "root causes")
    );
    for c in &causes {
        let _ = writeln!(
            s,
            "<li>{}{} {}<br><span class=\"path\">{}</span> <span class=\"muted\">({})</span></li>",
            badge(c.severity),
            if c.in_house { " <b>in-house</b>" } else { "" },
            esc(&c.text),
            esc(&c.evidence),
            plural(c.findings, "finding", "findings")
        );
    }
    s.push_str("</ol>\n");
}

fn in_house(s: &mut String, report: &Reviewed) {
    let own = board::in_house_lines(report);
    if own.is_empty() {
        return;
    }
    let (_, only_in_house) = board::stoppable(report);
    let _ = writeln!(
        s,
        "<h3>In-house single points of failure</h3>\n<p class=\"muted\">The maker's own plants, which alone can stop its product: counted apart from supplier risk ({} no other).</p>\n<ul>",
        crate::report::plural(only_in_house, "product has", "products have")
    );
    for line in &own {
        let _ = writeln!(s, "<li>{}</li>", esc(line));
    }
    s.push_str("</ul>\n");
}

/// The risks that matter most that no root cause above already says.
fn others(s: &mut String, report: &Reviewed) {
    let shown_causes = !report.root_causes.is_empty();
    s.push_str(if shown_causes {
        "<h3>Other risks that matter most</h3>\n<p class=\"muted\">Those not already said by a root cause above.</p>\n<ol class=\"heads\">\n"
    } else {
        "<h3>The risks that matter most</h3>\n<ol class=\"heads\">\n"
    });
    let heads = board::other_headlines(report, OTHER_RISKS);
    if heads.is_empty() {
        s.push_str(if shown_causes {
            "<li>None beyond the root causes above.</li>\n"
        } else {
            "<li>No single point of failure, heavy untrusted exposure or asymmetric dependency was found.</li>\n"
        });
    }
    for h in &heads {
        let _ = writeln!(s, "<li>{} {}</li>", badge(h.severity), esc(&h.text));
    }
    s.push_str("</ol>\n");
}
