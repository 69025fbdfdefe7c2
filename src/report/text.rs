//! The text of `tierscope analyze`: a ranked list for a terminal. Every value from the data
//! goes through [`crate::guard::text`]: no control character reaches the terminal, and no
//! value starts a line of its own.

use crate::analysis::findings::Severity;
use crate::gate::Reviewed;
use crate::guard::text as t;
use crate::report::plural;
use std::fmt::Write as _;

pub fn render(report: &Reviewed) -> String {
    let mut s = String::new();
    let sum = &report.summary;
    context(&mut s, report);
    let _ = writeln!(
        s,
        "{}: {}, {}: {}",
        t(&report.dataset),
        plural(sum.products, "end product", "end products"),
        plural(sum.findings, "finding", "findings"),
        Severity::ALL
            .iter()
            .map(|sev| format!(
                "{} {}",
                sum.by_severity.get(sev).copied().unwrap_or(0),
                sev.as_str()
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for note in crate::report::run_notes_with(report, t) {
        let _ = writeln!(s, "{note}");
    }
    let _ = writeln!(
        s,
        "\nproducts (coverage, untrusted exposure, single points of failure):"
    );
    for p in &report.products {
        let spofs: Vec<String> = p
            .spof
            .iter()
            .map(|(level, subjects)| {
                let subjects: Vec<_> = subjects.iter().map(|x| t(x)).collect();
                format!("{}: {}", level.as_str(), subjects.join(" "))
            })
            .collect();
        let _ = writeln!(
            s,
            "  {}:{} ({}) coverage {}, exposure {}{}{}",
            t(&p.entity),
            t(&p.item),
            t(&p.country),
            crate::numbers::pct(p.coverage),
            crate::numbers::pct(p.untrusted_exposure),
            if spofs.is_empty() {
                String::new()
            } else {
                format!("; spof {}", spofs.join("; "))
            },
            if p.estimated_shares {
                "; rests in part on estimated shares"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(s, "\nfindings, most severe first:");
    for f in &report.findings {
        let _ = writeln!(
            s,
            "  {:<8} {:<21} {}{}\n           {}",
            f.severity.as_str(),
            f.kind.as_str(),
            report.annotated_with(f, t),
            if f.estimated_shares {
                " (estimated shares: an equal split, not measured)"
            } else {
                ""
            },
            t(&f.id)
        );
        if let Some(path) = f.evidence.first() {
            let text: Vec<String> = path
                .iter()
                .map(|n| t(&super::csv::node_text(n)).into_owned())
                .collect();
            let _ = writeln!(s, "           via {}", text.join(" -> "));
        }
    }
    crate::profile::text_notes(&report.profiles, &mut s);
    s
}

/// What the report states first, in a few lines: title, organisation, date, currency, the
/// dataset's title and caveats, the untrusted countries, the restricted lists, the
/// assumptions (absent for a report made in memory).
fn context(s: &mut String, report: &Reviewed) {
    let Some(c) = &report.context else {
        return;
    };
    let _ = writeln!(
        s,
        "{}{}\nas of {} ({}); money in {}",
        t(&c.title),
        c.organisation
            .as_ref()
            .map_or(String::new(), |o| format!(" — {}", t(o))),
        c.as_of,
        c.as_of_source,
        t(&c.currency)
    );
    if let Some(title) = &c.dataset.title {
        let _ = writeln!(s, "dataset: {}", t(title));
    }
    if let Some(note) = &c.dataset.note {
        let _ = writeln!(s, "dataset: {}", t(note));
    }
    for cv in &c.dataset.caveats {
        let _ = writeln!(s, "  caveat: {}", t(cv));
    }
    let policy = &c.trust_policy;
    let untrusted: Vec<String> = policy
        .untrusted
        .iter()
        .map(|p| format!("{} ({})", t(&p.code), t(&p.source)))
        .collect();
    let _ = writeln!(
        s,
        "untrusted: {}",
        if untrusted.is_empty() {
            "none".to_string()
        } else {
            untrusted.join(", ")
        }
    );
    for p in &policy.trusted_overrides {
        let _ = writeln!(
            s,
            "trusted over countries.csv: {} ({})",
            t(&p.code),
            t(&p.source)
        );
    }
    for l in &policy.restricted_lists {
        let _ = writeln!(
            s,
            "restricted list: {} ({}, {})",
            t(&l.name),
            t(&l.file),
            plural(l.entries, "entry", "entries")
        );
    }
    for a in &c.assumptions {
        let _ = writeln!(s, "  assumption: {}", t(a));
    }
    s.push('\n');
}
