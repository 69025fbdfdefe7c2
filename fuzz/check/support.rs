//! Analysis and rendering checks shared by the fuzz targets.

use tierscope::analysis::{Report, Settings, analyze};
use tierscope::cli::ReportFormat;
use tierscope::graph::ProductionGraph;
use tierscope::model::Dataset;

/// Builds the graph, analyses with `settings`, renders every format and checks that the
/// report JSON reads back and that every number in it is a number.
pub fn analyse_with(ds: &Dataset, settings: &Settings) -> Option<Vec<(String, Vec<u8>)>> {
    let g = ProductionGraph::build(ds);
    let report = tierscope::gate::Reviewed::plain(analyze(ds, &g, settings).ok()?);
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
    check_text(
        "the analysis text",
        &tierscope::report::text::render(&report),
    );
    let _ = tierscope::summary::Summary::new(ds, &g).to_text();
    check_ids(&report);
    check_graphml(ds, &g, &report);
    let mut out = Vec::new();
    for f in files {
        match f.path.to_str() {
            Some("findings.csv") => check_csv(&f.bytes),
            Some("report.md") => check_markdown(std::str::from_utf8(&f.bytes).expect("UTF-8")),
            _ => {}
        }
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

/// A product analysed alone (`--product`) has exactly the findings about it that the
/// analysis of every product has, and none about another product; a product that does not
/// exist is an error, not a panic. Returns how many findings were compared.
pub fn check_product_scope(ds: &Dataset, settings: &Settings, pick: usize) -> usize {
    let g = ProductionGraph::build(ds);
    let Some(p) = ds.products.get(pick % ds.products.len().max(1)) else {
        let bogus = Settings {
            product: Some("no-such-entity:no-such-item".into()),
            ..settings.clone()
        };
        assert!(
            analyze(ds, &g, &bogus).is_err(),
            "an unknown product is an error"
        );
        return 0;
    };
    let Ok(all) = analyze(ds, &g, settings) else {
        return 0;
    };
    let (entity, item) = (&ds.entity(p.entity).id, &ds.item(p.item).id);
    let alone = Settings {
        product: Some(format!("{entity}:{item}")),
        ..settings.clone()
    };
    let alone = analyze(ds, &g, &alone).expect("a product of the dataset can be analysed alone");
    let about = |r: &Report| -> Vec<tierscope::analysis::findings::Finding> {
        r.findings
            .iter()
            .filter(|f| {
                f.product
                    .as_ref()
                    .is_some_and(|q| *q.entity == **entity && *q.item == **item)
            })
            // A root cause groups the products in scope (a wider group is named by the
            // narrowest one that stops the same products): which one a finding links to may
            // differ when one product is analysed alone. The finding itself may not.
            .map(|f| tierscope::analysis::findings::Finding {
                root_cause: None,
                revenue_at_risk: None,
                ..(**f).clone()
            })
            .collect()
    };
    assert!(
        about(&alone) == about(&all),
        "{entity}:{item} alone has other findings than among all products"
    );
    assert!(
        alone.findings.iter().all(|f| f
            .product
            .as_ref()
            .is_none_or(|q| *q.entity == **entity && *q.item == **item)),
        "{entity}:{item} alone has findings about another product"
    );
    about(&all).len()
}

/// No character a terminal acts on reaches the text output, but its own line feeds.
pub fn check_text(what: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| c != '\n' && tierscope::guard::is_control(c))
    {
        panic!("{what} holds the control character {c:?}");
    }
}

/// No cell of findings.csv starts a formula.
pub fn check_csv(bytes: &[u8]) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    for record in r.records() {
        for cell in record.expect("findings.csv reads back").iter() {
            assert!(
                !tierscope::guard::is_formula_like(cell),
                "findings.csv has the formula cell {cell:?}"
            );
        }
    }
}

/// report.md holds no control character but its line feeds, and no `<` (the renderer writes
/// none of its own: every one from the data is `&lt;`) or unescaped `](`.
pub fn check_markdown(md: &str) {
    check_text("report.md", md);
    assert!(!md.contains('<'), "report.md holds raw markup");
    for (at, _) in md.match_indices("](") {
        assert!(
            md[..at].ends_with('\\'),
            "report.md holds a link at byte {at}"
        );
    }
}

/// Distinct findings have distinct ids.
pub fn check_ids(report: &Report) {
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "two findings share an id");
}

/// The GraphML export parses as XML, with one node per production node, each id once.
pub fn check_graphml(ds: &Dataset, g: &ProductionGraph, report: &Report) {
    let (nodes, edges) = tierscope::export::attributes(ds, g, report);
    let xml = tierscope::export::graphml(&nodes, &edges, &ds.name);
    let text = std::str::from_utf8(&xml).expect("UTF-8");
    let doc = roxmltree::Document::parse(text).expect("the GraphML export parses as XML");
    let mut ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(ids.len(), g.node_count());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), g.node_count(), "two GraphML nodes share an id");
}
