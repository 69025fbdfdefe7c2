//! The report a board can read (issue #17): honest numbers, in-house risk apart from supplier
//! risk, root causes first. On `tests/fixtures/board` (invented; see its README).

use std::path::Path;
use tierscope::analysis::findings::{Finding, Kind};
use tierscope::analysis::groups::Level;
use tierscope::analysis::{Report, Settings, analyze};
use tierscope::gate::Reviewed;
use tierscope::graph::ProductionGraph;

const BOARD: &str = "tests/fixtures/board";

fn report_with(settings: &Settings) -> Report {
    let ds = tierscope::ingest::load(Path::new(BOARD)).unwrap().dataset;
    let g = ProductionGraph::build(&ds);
    analyze(&ds, &g, settings).unwrap()
}

fn report() -> Report {
    report_with(&Settings::default())
}

fn spof<'a>(r: &'a Report, level: Level, subject: &str, product: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| {
            f.kind == Kind::Spof
                && f.level == Some(level)
                && f.subject == subject
                && f.product
                    .as_ref()
                    .map(|p| format!("{}:{}", p.entity, p.item))
                    .as_deref()
                    == Some(product)
        })
        .unwrap_or_else(|| panic!("no {level:?} spof {subject} for {product}"))
}

fn pages(r: Report) -> Vec<(&'static str, String)> {
    let reviewed = Reviewed::plain(r);
    vec![
        (
            "html",
            String::from_utf8(tierscope::report::html::render(&reviewed, &[])).unwrap(),
        ),
        (
            "md",
            String::from_utf8(tierscope::report::markdown::render(&reviewed)).unwrap(),
        ),
        ("text", tierscope::report::text::render(&reviewed)),
    ]
}

#[test]
fn a_product_left_with_a_quarter_percent_is_never_shown_as_stopped() {
    let r = report();
    let f = r
        .findings
        .iter()
        .find(|f| {
            f.kind == Kind::CapacityAtRisk
                && f.level == Some(Level::Country)
                && f.subject == "CN"
                && f.product.as_ref().is_some_and(|p| &*p.item == "sensor")
        })
        .expect("China leaves the sensor a sliver of capacity");
    assert!((f.metric.value - 0.0025).abs() < 1e-9, "{}", f.metric.value);
    assert!(
        f.message.contains("keeps 0.3% of its capacity"),
        "{}",
        f.message
    );
    for (format, page) in pages(r) {
        assert!(!page.contains("keeps 0% "), "{format} says 0%");
        assert!(page.contains("0.3%"), "{format} lacks 0.3%");
    }
}

#[test]
fn the_makers_own_plant_is_in_house_risk_counted_apart() {
    let r = report();
    let own = spof(&r, Level::Entity, "maker-a-plant", "maker-a:device");
    assert!(own.in_house);
    let supplier = spof(&r, Level::Entity, "ga-cn", "maker-a:device");
    assert!(!supplier.in_house);
    let other = spof(&r, Level::Entity, "die-jp", "maker-b:module");
    assert!(!other.in_house);
    assert_eq!(r.summary.in_house_spof, 1);
    let json = serde_json::to_value(&r).unwrap();
    let flagged: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["in_house"] == true)
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, [own.id.as_str()]);
}

#[test]
fn two_products_through_one_bottleneck_make_one_root_cause() {
    let r = report();
    let causes: Vec<_> = r
        .root_causes
        .iter()
        .filter(|c| c.node.as_ref().is_some_and(|n| &*n.entity == "ga-cn"))
        .collect();
    assert_eq!(causes.len(), 1, "{:#?}", r.root_causes);
    let cause = causes[0];
    assert_eq!(cause.id, "node:ga-cn/gallium");
    let products: Vec<String> = cause
        .products
        .iter()
        .map(|p| format!("{}:{}", p.entity, p.item))
        .collect();
    assert_eq!(products, ["maker-a:device", "maker-b:module"]);
    assert_eq!(cause.revenue_at_stake, 15e9);
    assert!(cause.message.contains("$15.0B"), "{}", cause.message);
    // Both products' findings link to it: the refinery, China and the untrusted bloc.
    for product in ["maker-a:device", "maker-b:module"] {
        for (level, subject) in [
            (Level::Entity, "ga-cn"),
            (Level::Country, "CN"),
            (Level::Untrusted, "untrusted"),
        ] {
            let f = spof(&r, level, subject, product);
            assert_eq!(f.root_cause.as_deref(), Some(cause.id.as_str()), "{}", f.id);
            assert!(cause.findings.contains(&f.id), "{}", f.id);
        }
    }
    // The die maker is a cause of its own, and the in-house plant is one marked in-house.
    let die = spof(&r, Level::Entity, "die-jp", "maker-b:module");
    assert_eq!(die.root_cause.as_deref(), Some("node:die-jp/die"));
    let japan = spof(&r, Level::Country, "JP", "maker-b:module");
    assert_eq!(japan.root_cause.as_deref(), Some("node:die-jp/die"));
    let plant = r
        .root_causes
        .iter()
        .find(|c| c.id == "node:maker-a-plant/die")
        .expect("the plant's cause");
    assert!(plant.in_house);
    // Every root cause's findings point back to it.
    for c in &r.root_causes {
        for id in &c.findings {
            let f = r.findings.iter().find(|f| &f.id == id).unwrap();
            assert_eq!(f.root_cause.as_deref(), Some(c.id.as_str()));
        }
    }
}

#[test]
fn the_summary_leads_with_root_causes_and_shows_in_house_risk_apart() {
    let r = report();
    for (format, page) in pages(r) {
        if format == "text" {
            continue;
        }
        let causes = page.find("Root causes").expect(format);
        let own = page
            .find("In-house single points of failure")
            .expect(format);
        let risks = page
            .find("Other risks that matter most")
            .or_else(|| page.find("Other top risks"))
            .expect(format);
        assert!(causes < own && own < risks, "{format}: order");
        // The refinery's cause names the bottleneck node and its revenue.
        let head = &page[causes..own];
        assert!(head.contains("ga-cn/gallium"), "{format}");
        assert!(head.contains("$15.0B"), "{format}");
        // The plant is listed in-house, and not among the supplier headlines.
        assert!(page[own..risks].contains("Maker A Plant"), "{format}");
        assert!(
            !page[risks..].contains("Supplier Maker A Plant"),
            "{format}: in-house risk among supplier headlines"
        );
    }
}

#[test]
fn a_country_is_never_in_house_even_when_the_makers_plant_is_all_of_it() {
    // A copy where maker-b owns every Japanese entity.
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(BOARD).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.path().join("ownership.csv"),
        "owner,entity,share\nmaker-a,maker-a-plant,1\nmaker-b,die-jp,1\nmaker-b,die-jp2,1\nmaker-b,maker-c,1\n",
    )
    .unwrap();
    let ds = tierscope::ingest::load(dir.path()).unwrap().dataset;
    let g = ProductionGraph::build(&ds);
    let r = analyze(&ds, &g, &Settings::default()).unwrap();
    assert!(spof(&r, Level::Entity, "die-jp", "maker-b:module").in_house);
    // die-jp is the maker's, but Japan failing is not the maker's doing.
    let japan = r
        .findings
        .iter()
        .find(|f| f.kind == Kind::Spof && f.level == Some(Level::Country) && f.subject == "JP");
    let japan = japan.expect("Japan alone can stop the module");
    assert!(!japan.in_house);
}

fn bundled(name: &str) -> Report {
    let ds = tierscope::ingest::load(&Path::new("datasets").join(name))
        .unwrap()
        .dataset;
    let g = ProductionGraph::build(&ds);
    analyze(&ds, &g, &Settings::default()).unwrap()
}

#[test]
fn the_semiconductor_headline_names_the_chinese_gallium_bottleneck() {
    let r = bundled("legacy-semiconductors");
    let first = &r.root_causes[0];
    assert!(first.message.contains("gallium"), "{}", first.message);
    assert!(
        first.message.contains("chalco-gallium/gallium-primary"),
        "{}",
        first.message
    );
    assert_eq!(first.failing, ["country:CN", "untrusted:untrusted"]);
    assert_eq!(first.products.len(), 3);
    // China, the bloc and the three products' untrusted exposure: one fact, nine findings.
    assert_eq!(first.findings.len(), 9);
}

#[test]
fn the_biologics_summary_counts_own_plants_apart_and_lists_the_first_few() {
    let r = bundled("biologic-ingredients");
    assert_eq!(r.summary.in_house_spof, 21);
    // The only critical owner-group risk is among the first root causes.
    assert!(
        r.root_causes[..tierscope::report::board::ROOT_CAUSES]
            .iter()
            .any(|c| c.failing.iter().any(|f| f == "owner:hepalink")
                && c.products.iter().any(|p| &*p.entity == "hospira")),
        "{:#?}",
        &r.root_causes[..3]
    );
    let lines = tierscope::report::board::in_house_lines(&r);
    assert_eq!(lines.len(), tierscope::report::board::IN_HOUSE_LINES + 1);
    // 21 in all: the first few named, the rest counted.
    let rest = 21 - tierscope::report::board::IN_HOUSE_LINES;
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with(&format!("… and {rest} more"))
    );
}
