//! `findings.csv`: one row per finding, for spreadsheets.

use crate::analysis::findings::{NodeRef, or_text};
use crate::gate::Reviewed;
use crate::guard::CsvGuard;

/// The columns, in order.
pub const COLUMNS: [&str; 17] = [
    "id",
    "kind",
    "severity",
    "level",
    "subject",
    "product_entity",
    "product_item",
    "metric",
    "value",
    "message",
    "evidence",
    "status",
    "waived_until",
    "waiver_reason",
    "root_cause",
    "in_house",
    "revenue_at_risk",
];

/// A path as `entity/item > entity/item > ...`.
pub fn path_text(path: &[NodeRef]) -> String {
    path.iter().map(node_text).collect::<Vec<_>>().join(" > ")
}

/// One node of a path: `entity/item`, with a distributor marked and the group of substitutes
/// its item meets at the next node: `rdc-ke/kit-jp (distributor; kit-cn or kit-jp)`.
pub fn node_text(n: &NodeRef) -> String {
    let mut marks = Vec::new();
    if n.is_distributor() {
        marks.push("distributor".to_string());
    }
    if !n.substitutes().is_empty() {
        marks.push(or_text(n.substitutes()));
    }
    match marks.is_empty() {
        true => format!("{}/{}", n.entity, n.item),
        false => format!("{}/{} ({})", n.entity, n.item, marks.join("; ")),
    }
}

/// The findings as CSV, every cell guarded against formula injection
/// ([`crate::guard::csv_cell`]).
pub fn render(report: &Reviewed) -> Vec<u8> {
    render_with(report, CsvGuard::On)
}

/// [`render`], with the cells guarded or written as they are (`--no-csv-guard`).
pub fn render_with(report: &Reviewed, guard: CsvGuard) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    for f in &report.findings {
        let (pe, pi) = f
            .product
            .as_ref()
            .map_or(("", ""), |p| (&*p.entity, &*p.item));
        let evidence = f
            .evidence
            .iter()
            .map(|p| path_text(p))
            .collect::<Vec<_>>()
            .join(" | ");
        let waiver = report.marks.waiver(f);
        let cells: [&str; COLUMNS.len()] = [
            f.id.as_str(),
            f.kind.as_str(),
            f.severity.as_str(),
            f.level.map_or("", |l| l.as_str()),
            &f.subject,
            pe,
            pi,
            &f.metric.name,
            &format_value(f.metric.value),
            &f.message.text(),
            &evidence,
            report.marks.status_label(f).unwrap_or(""),
            &waiver.map_or(String::new(), |w| w.expires.to_string()),
            waiver.map_or("", |w| w.reason.as_str()),
            f.root_cause.as_deref().unwrap_or(""),
            if f.in_house { "true" } else { "" },
            &f.revenue_at_risk
                .map_or(String::new(), |r| format!("{r:.2}")),
        ];
        w.write_record(cells.map(|c| guard.cell(c)).iter().map(|c| c.as_bytes()))
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// A metric value without float noise: up to 6 decimals, trailing zeros dropped.
pub fn format_value(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}
