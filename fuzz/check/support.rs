//! Analysis and rendering checks shared by the fuzz targets.

use tierscope::analysis::{Report, Settings, analyze};
use tierscope::cli::ReportFormat;
use tierscope::graph::ProductionGraph;
use tierscope::model::Dataset;

/// Builds the graph, analyses with `settings`, renders every format and checks that the
/// report JSON reads back and that every number in it is a number.
pub fn analyse_with(ds: &Dataset, settings: &Settings) -> Option<Vec<(String, Vec<u8>)>> {
    let g = ProductionGraph::build(ds);
    let report = analyze(ds, &g, settings).ok()?;
    check_report(&report);
    // Every format but the HTML through the one renderer; the HTML without charts, since
    // drawing charts on every fuzz input would slow the search to a crawl.
    let formats = [ReportFormat::Md, ReportFormat::Json, ReportFormat::Csv];
    let mut files = tierscope::report::render_files(&report, ds, &g, &formats, &[])
        .expect("renders without charts");
    files.push(tierscope::report::write::OutFile {
        path: "report.html".into(),
        bytes: tierscope::report::html::render(&report, &[]),
    });
    let _ = tierscope::report::text::render(&report);
    let _ = tierscope::summary::Summary::new(ds, &g).to_text();
    let mut out = Vec::new();
    for f in files {
        if f.path.to_str() == Some("report.json") {
            let back: Report = serde_json::from_slice(&f.bytes).expect("report.json reads back");
            assert_eq!(back.findings.len(), report.findings.len());
        }
        if f.path.to_str() != Some("report.html") {
            std::str::from_utf8(&f.bytes).expect("reports are UTF-8");
        }
        out.push((f.path.display().to_string(), f.bytes));
    }
    Some(out)
}

pub fn analyse_and_render(ds: &Dataset) {
    analyse_with(ds, &Settings::default());
}

/// Every metric is finite; capacities, exposures and coverages are fractions.
pub fn check_report(report: &Report) {
    for f in &report.findings {
        let v = f.metric.value;
        assert!(v.is_finite(), "metric {} of {} is {v}", f.metric.name, f.id);
        if matches!(&*f.metric.name, "capacity" | "exposure" | "coverage") {
            assert!(
                (0.0..=1.0).contains(&v),
                "{} of {} is {v}",
                f.metric.name,
                f.id
            );
        }
        for path in &f.evidence {
            assert!(!path.is_empty(), "empty evidence path in {}", f.id);
        }
    }
    for p in &report.products {
        assert!((0.0..=1.0).contains(&p.coverage), "coverage {}", p.coverage);
        assert!(
            (0.0..=1.0).contains(&p.untrusted_exposure),
            "exposure {}",
            p.untrusted_exposure
        );
    }
    assert!(report.summary.coverage.is_finite());
}
