//! The text of `tierscope analyze`: a ranked list for a terminal.

use crate::analysis::findings::Severity;
use crate::gate::Reviewed;
use std::fmt::Write as _;

pub fn render(report: &Reviewed) -> String {
    let mut s = String::new();
    let sum = &report.summary;
    let _ = writeln!(
        s,
        "{}: {} end product(s), {} finding(s): {}",
        report.dataset,
        sum.products,
        sum.findings,
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
    for note in crate::report::run_notes(report) {
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
            .map(|(level, subjects)| format!("{}: {}", level.as_str(), subjects.join(" ")))
            .collect();
        let _ = writeln!(
            s,
            "  {}:{} ({}) coverage {:.0}%, exposure {:.0}%{}",
            p.entity,
            p.item,
            p.country,
            p.coverage * 100.0,
            p.untrusted_exposure * 100.0,
            if spofs.is_empty() {
                String::new()
            } else {
                format!("; spof {}", spofs.join("; "))
            }
        );
    }
    let _ = writeln!(s, "\nfindings, most severe first:");
    for f in &report.findings {
        let _ = writeln!(
            s,
            "  {:<8} {:<21} {}\n           {}",
            f.severity.as_str(),
            f.kind.as_str(),
            report.annotated(f),
            f.id
        );
        if let Some(path) = f.evidence.first() {
            let text: Vec<String> = path.iter().map(super::csv::node_text).collect();
            let _ = writeln!(s, "           via {}", text.join(" -> "));
        }
    }
    s
}
