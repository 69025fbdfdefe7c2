//! "About this report": the dataset with its stated caveats and sources, the date, the trust
//! policy and the assumptions, before any finding.

use super::esc;
use crate::gate::Reviewed;
use crate::report::context::{Context, PolicyCountry};
use std::fmt::Write as _;

/// The section, when the report has a context (reports made on the command line do).
pub(super) fn section(s: &mut String, report: &Reviewed) {
    let Some(c) = &report.context else {
        return;
    };
    s.push_str("<section id=\"context\"><h2>About this report</h2>\n");
    let _ = writeln!(
        s,
        "<p>Dataset <b>{}</b>{}. As of {} ({}). Money in {}.</p>",
        esc(&report.dataset),
        c.dataset
            .title
            .as_ref()
            .map_or(String::new(), |t| format!(": {}", esc(t))),
        c.as_of,
        as_of_words(c.as_of_source),
        esc(&c.currency)
    );
    s.push_str("<div class=\"assumptions\"><h3>Assumptions of the model</h3>\n<ul>\n");
    for a in &c.assumptions {
        let _ = writeln!(s, "<li>{}</li>", esc(a));
    }
    s.push_str("</ul></div>\n");
    policy(s, c);
    dataset(s, c);
    s.push_str("</section>\n");
}

/// Where the date came from, in words.
fn as_of_words(source: &str) -> &'static str {
    match source {
        "--as-of" => "the date given with --as-of",
        "config" => "the date set in the config file",
        "SOURCE_DATE_EPOCH" => "the date of SOURCE_DATE_EPOCH",
        _ => "the day of the run, UTC",
    }
}

fn country(c: &PolicyCountry) -> String {
    format!(
        "<b>{}</b> {} <span class=\"muted\">({})</span>",
        esc(&c.code),
        esc(c.name.as_deref().unwrap_or("")),
        esc(&c.source)
    )
}

fn policy(s: &mut String, c: &Context) {
    let p = &c.trust_policy;
    s.push_str("<h3>Trust policy</h3>\n");
    if p.untrusted.is_empty() {
        s.push_str("<p>No country is untrusted: untrusted exposure comes only from restricted parties.</p>\n");
    } else {
        let list: Vec<String> = p.untrusted.iter().map(country).collect();
        let _ = writeln!(
            s,
            "<p>Untrusted countries (where each was set): {}.</p>",
            list.join("; ")
        );
    }
    if !p.trusted_overrides.is_empty() {
        let list: Vec<String> = p.trusted_overrides.iter().map(country).collect();
        let _ = writeln!(s, "<p>Trusted over countries.csv: {}.</p>", list.join("; "));
    }
    if p.restricted_lists.is_empty() {
        s.push_str("<p>No restricted-party list was used.</p>\n");
        return;
    }
    s.push_str("<table class=\"lists\"><thead><tr><th>restricted-party list</th><th>file</th><th class=\"num\">entries</th><th>SHA-256 of the file</th></tr></thead><tbody>\n");
    for l in &p.restricted_lists {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"path\">{}</td></tr>",
            esc(&l.name),
            esc(&l.file),
            l.entries,
            esc(l.sha256.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table>\n");
}

fn dataset(s: &mut String, c: &Context) {
    let d = &c.dataset;
    if let Some(note) = &d.note {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(note));
    }
    if !d.caveats.is_empty() {
        s.push_str("<h3>Caveats of the dataset</h3>\n<ul class=\"caveats\">\n");
        for cv in &d.caveats {
            let _ = writeln!(s, "<li>{}</li>", esc(cv));
        }
        s.push_str("</ul>\n");
    }
    if !d.sources.is_empty() {
        let _ = writeln!(
            s,
            "<p>The dataset states {}: they are listed at the end, under <a href=\"#sources\">Sources of the dataset</a>.</p>",
            crate::report::plural(d.sources.len(), "source", "sources")
        );
    }
}

/// The dataset's stated sources, at the end of the page.
pub(super) fn sources(s: &mut String, report: &Reviewed) {
    let Some(c) = &report.context else {
        return;
    };
    if c.dataset.sources.is_empty() {
        return;
    }
    s.push_str("<section id=\"sources\"><h2>Sources of the dataset</h2>\n<p class=\"muted\">As the dataset's dataset.toml states them.</p>\n<ol class=\"sources\">\n");
    for src in &c.dataset.sources {
        let url = src.url.as_ref().map_or(String::new(), |u| {
            format!(" <span class=\"path\">{}</span>", esc(u))
        });
        let _ = writeln!(s, "<li>{}{url}</li>", esc(&src.name));
    }
    s.push_str("</ol></section>\n");
}
