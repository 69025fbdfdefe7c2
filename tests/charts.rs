//! Charts: well-formed SVG with the expected number of data marks, PNGs of the expected size
//! that are not blank, and byte-identical output on a second rendering.
//!
//! Expected counts are computed from the report (or the graph) here, not taken from the chart
//! module's own data structures. Data marks are the SVG elements drawn with opacity
//! `tierscope::chart::MARK_OPACITY` (see `src/chart/mod.rs`).
//!
//! Set `TIERSCOPE_CHART_DIR` to also write every chart there for a look.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;
use tierscope::analysis::findings::NodeRef;
use tierscope::analysis::findings::{Kind, Severity};
use tierscope::analysis::groups::Level;
use tierscope::analysis::{EPS, Report, Settings, analyze};
use tierscope::chart::{
    self, Chart, ConcentrationBubble, ConcentrationScatter, LabelLayout, Labelled, MARK_OPACITY,
    MARK_OPACITY_SOFT, Network, TimeScatter,
};
use tierscope::graph::{NodeIx, ProductionGraph};
use tierscope::model::{Dataset, Trust};

const MINI: &str = "tests/fixtures/mini";
const SEMIS: &str = "datasets/legacy-semiconductors";
const BIO: &str = "datasets/biologic-ingredients";

struct Case {
    ds: Dataset,
    g: ProductionGraph,
    report: Report,
    /// `chart::render_all` of the case, rendered once for all tests.
    charts: Vec<Chart>,
}

fn load(dir: &str) -> Option<Case> {
    if !Path::new(dir).is_dir() {
        return None;
    }
    let ds = tierscope::ingest::load(Path::new(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .dataset;
    let g = ProductionGraph::build(&ds);
    let report = analyze(&ds, &g, &Settings::default()).unwrap();
    let charts = chart::render_all(&report, &ds, &g);
    if let Ok(out) = std::env::var("TIERSCOPE_CHART_DIR") {
        std::fs::create_dir_all(&out).unwrap();
        for ch in &charts {
            let stem = format!("{out}/{}-{}", report.dataset, ch.name);
            std::fs::write(format!("{stem}.png"), &ch.png).unwrap();
            std::fs::write(format!("{stem}.svg"), &ch.svg).unwrap();
        }
    }
    Some(Case {
        ds,
        g,
        report,
        charts,
    })
}

/// The fixture and the bundled datasets that exist, loaded and rendered once.
fn all_cases() -> &'static [(&'static str, Case)] {
    static CASES: OnceLock<Vec<(&'static str, Case)>> = OnceLock::new();
    CASES.get_or_init(|| {
        [MINI, SEMIS, BIO]
            .into_iter()
            .filter_map(|d| load(d).map(|c| (d, c)))
            .collect()
    })
}

fn mini() -> &'static Case {
    let (dir, c) = &all_cases()[0];
    assert_eq!(*dir, MINI, "the mini fixture exists");
    c
}

fn find<'a>(charts: &'a [Chart], name: &str) -> &'a Chart {
    charts
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no chart {name}; have {:?}", names(charts)))
}

fn names(charts: &[Chart]) -> Vec<&'static str> {
    charts.iter().map(|c| c.name).collect()
}

fn is_mark(node: &roxmltree::Node) -> bool {
    node.attribute("opacity")
        .and_then(|o| o.parse::<f64>().ok())
        .is_some_and(|o| (o - MARK_OPACITY).abs() < 1e-9 || (o - MARK_OPACITY_SOFT).abs() < 1e-9)
}

/// The data marks of an SVG with this tag, in document order. Panics when the SVG is not
/// well-formed XML.
fn marks<'a>(doc: &'a roxmltree::Document, tag: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && is_mark(n))
        .collect()
}

fn all_marks(doc: &roxmltree::Document) -> usize {
    doc.descendants().filter(is_mark).count()
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG is not well-formed: {e}"))
}

fn num(n: &roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr).unwrap().parse().unwrap()
}

/// Texts of the SVG.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

struct Decoded {
    width: u32,
    height: u32,
    /// RGB triples.
    pixels: Vec<[u8; 3]>,
}

impl Decoded {
    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        self.pixels[(y * self.width + x) as usize]
    }
}

fn decode(png_bytes: &[u8]) -> Decoded {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("PNG header decodes");
    let mut buf = vec![0; reader.output_buffer_size().expect("PNG has a buffer size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame decodes");
    assert_eq!(info.color_type, png::ColorType::Rgb, "8-bit RGB");
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    Decoded {
        width: info.width,
        height: info.height,
        pixels,
    }
}

/// The height the SVG declares, checked to be in `range`.
fn svg_height(ch: &Chart, range: std::ops::RangeInclusive<u32>) -> u32 {
    let svg = parse(&ch.svg);
    let h: u32 = svg
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    assert!(range.contains(&h), "{} height {h}", ch.name);
    h
}

/// The network is larger; the heatmaps and the network are as tall as their rows need, at
/// most the common height (1000 for the network).
fn expected_size(ch: &Chart) -> (u32, u32) {
    match ch.name {
        "network" => (1600, svg_height(ch, 400..=1000)),
        "asymmetry" | "country-dependency" => (1200, svg_height(ch, 300..=700)),
        _ => (1200, 700),
    }
}

/// The upstream nodes of `node`, itself included, walking the inputs' suppliers.
fn upstream(g: &ProductionGraph, node: NodeIx) -> BTreeSet<NodeIx> {
    let mut seen = BTreeSet::from([node]);
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        for slot in &g.inputs[n.ix()] {
            for &s in g.suppliers(slot).nodes {
                if seen.insert(s) {
                    stack.push(s);
                }
            }
        }
    }
    seen
}

// ---------------------------------------------------------------------------------------------
// Every chart, every dataset: well-formed, sized, not blank, deterministic.

#[test]
fn mini_has_all_seven_charts_in_order() {
    let c = mini();
    let charts = &c.charts;
    assert_eq!(
        names(charts),
        [
            "root-causes",
            "untrusted-exposure",
            "country-dependency",
            "asymmetry",
            "concentration",
            "network",
            "time-exposure"
        ]
    );
    for ch in charts {
        assert!(!ch.title.is_empty(), "{} has a title", ch.name);
    }
}

#[test]
fn every_svg_is_well_formed_and_has_data_marks() {
    for (dir, c) in all_cases() {
        for ch in &c.charts {
            let doc = parse(&ch.svg);
            let root = doc.root_element();
            assert!(root.has_tag_name("svg"), "{dir} {}", ch.name);
            let (w, h) = expected_size(ch);
            assert_eq!(
                root.attribute("width"),
                Some(w.to_string().as_str()),
                "{dir} {}",
                ch.name
            );
            assert_eq!(
                root.attribute("height"),
                Some(h.to_string().as_str()),
                "{dir} {}",
                ch.name
            );
            assert!(all_marks(&doc) > 0, "{dir} {} has no data marks", ch.name);
            // The title is written as text.
            assert!(texts(&doc).contains(&ch.title), "{dir} {}: title", ch.name);
        }
    }
}

#[test]
fn every_png_has_the_expected_size_and_is_not_blank() {
    for (dir, c) in all_cases() {
        for ch in &c.charts {
            let img = decode(&ch.png);
            let (w, h) = expected_size(ch);
            assert_eq!((img.width, img.height), (w, h), "{dir} {}", ch.name);
            let mut seen = vec![0u64; 1 << 18]; // one bit per 24-bit colour
            let mut colors = 0;
            for &[r, g, b] in &img.pixels {
                let k = (r as usize) << 16 | (g as usize) << 8 | b as usize;
                if seen[k >> 6] & (1 << (k & 63)) == 0 {
                    seen[k >> 6] |= 1 << (k & 63);
                    colors += 1;
                }
            }
            assert!(colors > 30, "{dir} {}: {colors} colours", ch.name);
            let inked = img.pixels.iter().filter(|p| **p != [255, 255, 255]).count();
            let share = inked as f64 / img.pixels.len() as f64;
            assert!(
                share > 0.03,
                "{dir} {}: only {share:.3} of pixels drawn",
                ch.name
            );
            // The white background shows: the chart is not one flood of colour either.
            assert!(share < 0.9, "{dir} {}: {share:.3} of pixels drawn", ch.name);
        }
    }
}

/// No chart leaves a wide blank band under its drawing: the lowest inked pixel row is in the
/// last eighth of the image (the asymmetry chart of three countries once left a third blank).
#[test]
fn no_png_leaves_its_lower_part_blank() {
    for (dir, c) in all_cases() {
        for ch in &c.charts {
            let img = decode(&ch.png);
            let w = img.width as usize;
            let lowest = img
                .pixels
                .chunks(w)
                .rposition(|row| row.iter().any(|p| *p != [255, 255, 255]))
                .unwrap_or(0);
            let blank = img.height as usize - 1 - lowest;
            assert!(
                blank * 8 <= img.height as usize,
                "{dir} {}: the lowest {blank} of {} pixel rows are blank",
                ch.name,
                img.height
            );
        }
    }
}

/// Text is rasterised from the embedded font (no system font is needed): the title's area
/// holds dark, anti-aliased glyph pixels.
#[test]
fn png_titles_are_rendered_with_the_embedded_font() {
    let c = mini();
    for ch in &c.charts {
        let img = decode(&ch.png);
        let mut dark = 0;
        let mut grey = 0;
        for y in 12..50 {
            for x in 30..500 {
                let [r, g, b] = img.pixel(x, y);
                let l = (r as u32 + g as u32 + b as u32) / 3;
                if l < 80 {
                    dark += 1;
                } else if l < 230 {
                    grey += 1;
                }
            }
        }
        assert!(dark > 500, "{}: {dark} dark title pixels", ch.name);
        assert!(grey > 100, "{}: {grey} anti-aliased pixels", ch.name);
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    for (dir, c) in all_cases().iter().take(2) {
        let a = &c.charts;
        let b = chart::render_all(&c.report, &c.ds, &c.g);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.name, y.name);
            assert!(x.svg == y.svg, "{dir} {}: SVG differs", x.name);
            assert!(x.png == y.png, "{dir} {}: PNG differs", x.name);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Per chart: the number of data marks, from the report.

/// Whether `texts` hold `full`, or its start cut with an ellipsis to fit.
fn shows(texts: &[String], full: &str) -> bool {
    texts.iter().any(|s| {
        s == full
            || s.strip_suffix('…')
                .is_some_and(|cut| !cut.is_empty() && full.starts_with(cut.trim_end()))
    })
}

/// The root causes that stop a product, in the chart's order computed here: severity, then
/// supplier before in-house, then revenue at stake (unknown last), then products, then id.
fn ranked_causes(r: &Report) -> Vec<&tierscope::analysis::rootcause::RootCause> {
    let mut v: Vec<_> = r
        .root_causes
        .iter()
        .filter(|c| !c.products.is_empty())
        .collect();
    let revenue = |c: &tierscope::analysis::rootcause::RootCause| {
        let known = c.products.iter().any(|p| {
            r.products
                .iter()
                .any(|s| *s.entity == *p.entity && *s.item == *p.item && s.annual_revenue.is_some())
        });
        if known { c.revenue_at_stake } else { -1.0 }
    };
    v.sort_by(|a, b| {
        (a.severity, a.in_house)
            .cmp(&(b.severity, b.in_house))
            .then(revenue(b).total_cmp(&revenue(a)))
            .then(b.products.len().cmp(&a.products.len()))
            .then(a.id.cmp(&b.id))
    });
    v
}

#[test]
fn root_causes_have_one_bar_each_ranked_by_severity_then_revenue() {
    for (dir, c) in all_cases() {
        let causes = ranked_causes(&c.report);
        let doc = parse(&find(&c.charts, "root-causes").svg);
        let bars = marks(&doc, "rect");
        assert_eq!(bars.len(), causes.len().min(20), "{dir}");
        // Width proportional to the products stopped, colour by severity, top to bottom.
        let unit = num(&bars[0], "width") / causes[0].products.len() as f64;
        for (bar, cause) in bars.iter().zip(&causes) {
            let w = num(bar, "width");
            let n = cause.products.len() as f64;
            assert!(
                (w - unit * n).abs() <= 2.0,
                "{dir}: width {w} for {n} products"
            );
            let want = match cause.severity {
                Severity::Critical => "#B3261E",
                Severity::High => "#D9730D",
                Severity::Medium => "#C9A227",
                Severity::Low => "#5B8DEF",
            };
            assert_eq!(bar.attribute("fill"), Some(want), "{dir}: {}", cause.id);
        }
        let ys: Vec<f64> = bars.iter().map(|b| num(b, "y")).collect();
        assert!(ys.windows(2).all(|p| p[0] < p[1]), "{dir}: {ys:?}");
        // Every shown cause is named by its bottleneck (in-house ones say so), with its revenue.
        let t = texts(&doc);
        for cause in causes.iter().take(20) {
            let label = chart::cause_label(&c.ds, cause);
            let full = if cause.in_house {
                format!("In-house: {label}")
            } else {
                label
            };
            assert!(shows(&t, &full), "{dir}: {full}");
        }
        let in_house = causes.iter().take(20).filter(|c| c.in_house).count();
        assert_eq!(
            t.iter().filter(|s| s.starts_with("In-house: ")).count(),
            in_house,
            "{dir}: in-house causes marked"
        );
    }
}

#[test]
fn biologics_critical_owner_risk_hepalink_is_ranked_first() {
    let Some((_, c)) = all_cases().iter().find(|(d, _)| *d == BIO) else {
        return;
    };
    let doc = parse(&find(&c.charts, "root-causes").svg);
    let t = texts(&doc);
    // The first row label after the header: the top cause.
    let first = t
        .iter()
        .find(|s| s.contains(" from "))
        .expect("a cause label");
    assert!(first.contains("Hepalink"), "{t:?}");
    assert!(
        t.iter().any(|s| s == "$300M"),
        "Hospira's heparin revenue: {t:?}"
    );
}

#[test]
fn mini_root_causes_name_the_gallium_refinery_and_revenue() {
    let c = mini();
    let doc = parse(&find(&c.charts, "root-causes").svg);
    let t = texts(&doc);
    // ga-cn stops both products: 1,000,000 + 500,000.
    assert!(
        t.iter().any(|s| s.ends_with("from Gallium Refinery (CN)")),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s == "$1.50M"), "{t:?}");
}

#[test]
fn untrusted_exposure_has_one_bar_per_product_and_a_threshold_line() {
    for (dir, c) in all_cases() {
        let charts = &c.charts;
        let doc = parse(&find(charts, "untrusted-exposure").svg);
        let bars = marks(&doc, "rect");
        assert_eq!(bars.len(), c.report.products.len().min(30), "{dir}");
        let mut exp: Vec<f64> = c
            .report
            .products
            .iter()
            .map(|p| p.untrusted_exposure)
            .collect();
        exp.sort_by(|a, b| b.total_cmp(a));
        let full = exp
            .iter()
            .zip(&bars)
            .find(|(e, _)| **e > 0.5)
            .map(|(e, b)| num(b, "width") / e)
            .unwrap();
        for (e, b) in exp.iter().zip(&bars) {
            let w = num(b, "width");
            assert!(
                (w - full * e).abs() <= 2.0,
                "{dir}: width {w} for exposure {e}"
            );
            // Red at or above the threshold, blue below.
            let fill = b.attribute("fill").unwrap();
            assert_eq!(fill == "#C0392B", *e >= 0.5 - EPS, "{dir}: {fill} for {e}");
        }
        let threshold = doc
            .descendants()
            .filter(|n| n.attribute("stroke") == Some("#B01E23"))
            .count();
        assert!(threshold > 0, "{dir}: threshold line");
        assert!(texts(&doc).iter().any(|t| t == "Threshold 50%"), "{dir}");
    }
}

#[test]
fn country_dependency_has_a_cell_per_product_and_nonzero_country() {
    for (dir, c) in all_cases() {
        let dep = &c.report.country_dependency;
        let cols: Vec<usize> = (0..dep.countries.len())
            // Half a percentage point: what a cell can show.
            .filter(|&j| dep.values.iter().any(|r| r[j].is_some_and(|v| v >= 0.005)))
            .collect();
        let rows = dep.products.len().min(30);
        let own = dep.values[..rows]
            .iter()
            .map(|r| cols.iter().filter(|&&j| r[j].is_none()).count())
            .sum::<usize>();
        let charts = &c.charts;
        let doc = parse(&find(charts, "country-dependency").svg);
        let cells = marks(&doc, "rect");
        assert_eq!(cells.len(), rows * cols.len(), "{dir}");
        let grey = cells
            .iter()
            .filter(|n| n.attribute("fill") == Some("#C9CCD1"))
            .count();
        assert_eq!(grey, own, "{dir}: own-country cells");
        // Every column is labelled with its country code.
        let t = texts(&doc);
        for &j in &cols {
            assert!(
                t.contains(&dep.countries[j]),
                "{dir}: column {}",
                dep.countries[j]
            );
        }
    }
}

#[test]
fn mini_country_dependency_values() {
    let c = mini();
    let charts = &c.charts;
    let doc = parse(&find(charts, "country-dependency").svg);
    // 2 products x {JP, CN, TW, DE} (US only holds the chip maker, not counted).
    assert_eq!(marks(&doc, "rect").len(), 8);
    let t = texts(&doc);
    // oem-us chip loses 60% if Taiwan fails (fab-tw's 0.6 of the die).
    assert!(t.iter().any(|s| s == "60%"), "{t:?}");
}

#[test]
fn asymmetry_has_a_cell_per_product_country_and_related_country() {
    for (dir, c) in all_cases() {
        let a = &c.report.asymmetry;
        let rows: BTreeSet<usize> = c
            .report
            .products
            .iter()
            .map(|p| a.countries.iter().position(|x| *x == p.country).unwrap())
            .collect();
        let v = |r: usize, k: usize| -> Option<f64> { Some(a.d[r][k]? - a.d[k][r].unwrap_or(0.0)) };
        let cols = (0..a.countries.len())
            .filter(|&k| {
                rows.contains(&k)
                    || rows
                        .iter()
                        .any(|&r| v(r, k).is_some_and(|x| x.abs() >= 0.005))
            })
            .count();
        let charts = &c.charts;
        let doc = parse(&find(charts, "asymmetry").svg);
        let cells = marks(&doc, "rect");
        assert_eq!(cells.len(), rows.len() * cols, "{dir}");
        let diagonal = cells
            .iter()
            .filter(|n| n.attribute("fill") == Some("#C9CCD1"))
            .count();
        assert_eq!(diagonal, rows.len(), "{dir}: one same-country cell per row");
    }
}

#[test]
fn concentration_has_one_bubble_per_distinct_point() {
    for (dir, c) in all_cases() {
        let points: BTreeMap<(i64, i64), usize> =
            c.report
                .concentration
                .iter()
                .fold(BTreeMap::new(), |mut m, r| {
                    *m.entry((
                        (r.country_hhi * 1000.0).round() as i64,
                        (r.untrusted_share * 1000.0).round() as i64,
                    ))
                    .or_default() += 1;
                    m
                });
        let charts = &c.charts;
        let doc = parse(&find(charts, "concentration").svg);
        assert_eq!(marks(&doc, "circle").len(), points.len(), "{dir}");
        assert_eq!(
            all_marks(&doc),
            points.len(),
            "{dir}: only bubbles are data marks"
        );
        // Every bubble is labelled (merged ones say how many inputs they hold) or counted
        // in the note.
        let scatter = ConcentrationScatter::new(&c.report, &c.ds).unwrap();
        let layout = scatter.label_layout();
        assert_eq!(
            layout.placed.len() + layout.dropped.len(),
            points.len(),
            "{dir}"
        );
        let t = texts(&doc);
        for p in &layout.placed {
            let b = &scatter.bubbles[p.request];
            assert!(t.contains(&p.text), "{dir}: label {}", p.text);
            if b.count > 1 {
                assert!(p.text.contains(&b.count.to_string()), "{dir}: {}", p.text);
            }
        }
        let note = format!("+{} unlabelled", layout.dropped.len());
        assert_eq!(
            t.iter().any(|s| s.starts_with(&note)),
            !layout.dropped.is_empty(),
            "{dir}: {note}"
        );
    }
}

/// The text boxes of a layout, checked: no two intersect, none covers a reserved box (the
/// quadrant names, threshold captions, bubble cores), each lies in the plot area, which lies
/// in the chart; and each label is drawn in the SVG centred in its box.
fn assert_layout_clean(what: &str, layout: &LabelLayout, size: (u32, u32), svg: &str) {
    assert!(
        layout.problems().is_empty(),
        "{what}: {:?}",
        layout.problems()
    );
    let b = layout.bounds.expect("bounds");
    assert!(b.x0 >= 0 && b.y0 >= 0 && b.x1 <= size.0 as i32 && b.y1 <= size.1 as i32);
    for (i, p) in layout.placed.iter().enumerate() {
        assert!(p.rect.inside(&b), "{what}: {} outside the plot", p.text);
        for q in &layout.placed[i + 1..] {
            assert!(
                !p.rect.intersects(&q.rect),
                "{what}: {} overlaps {}",
                p.text,
                q.text
            );
        }
    }
    let doc = parse(svg);
    for p in &layout.placed {
        let (cx, cy) = p.rect.center();
        let drawn = doc.descendants().any(|n| {
            n.has_tag_name("text")
                && n.text().map(str::trim) == Some(p.text.as_str())
                && n.attribute("x") == Some(cx.to_string().as_str())
                && n.attribute("y") == Some(cy.to_string().as_str())
        });
        assert!(drawn, "{what}: {} not drawn at {:?}", p.text, (cx, cy));
    }
}

#[test]
fn concentration_labels_never_overlap() {
    for (dir, c) in all_cases() {
        let scatter = ConcentrationScatter::new(&c.report, &c.ds).unwrap();
        let ch = find(&c.charts, "concentration");
        assert_layout_clean(dir, &scatter.label_layout(), (1200, 700), &ch.svg);
    }
}

#[test]
fn dense_concentration_labels_never_overlap_and_the_rest_are_counted() {
    // 240 inputs at nearly the same HHI (0.50 to 0.60), spread over untrusted shares.
    let bubbles: Vec<ConcentrationBubble> = (0..240)
        .map(|k| ConcentrationBubble {
            country_hhi: 0.5 + (k % 100) as f64 / 1000.0,
            untrusted_share: ((k * 37) % 101) as f64 / 100.0,
            count: 1 + k % 4,
            inputs: vec![format!("input-{k} → buyer")],
            names: vec![format!("Input number {k}")],
        })
        .collect();
    let scatter = ConcentrationScatter {
        dataset: "dense".into(),
        bubbles,
        rows: 240,
        hhi_threshold: 0.4,
    };
    let layout = scatter.label_layout();
    let ch = chart::render(&scatter).unwrap();
    assert_layout_clean("dense", &layout, (1200, 700), &ch.svg);
    assert!(layout.placed.len() >= 10, "{}", layout.placed.len());
    assert!(!layout.dropped.is_empty());
    assert!(
        layout.placed.iter().any(|p| p.leader.is_some()),
        "leaders used"
    );
    assert_eq!(layout.placed.len() + layout.dropped.len(), 240);
    let note = format!("+{} unlabelled", layout.dropped.len());
    assert!(
        texts(&parse(&ch.svg)).iter().any(|s| s.starts_with(&note)),
        "{note}"
    );
}

#[test]
fn time_exposure_callouts_never_overlap() {
    for (dir, c) in all_cases() {
        let scatter = TimeScatter::new(&c.report).unwrap();
        let layout = scatter.label_layout();
        let listed = scatter
            .points
            .iter()
            .filter(|p| p.revenue_at_risk.is_some())
            .count()
            .min(chart::TIME_TOP);
        assert_eq!(
            layout.placed.len(),
            listed,
            "{dir}: every listed point numbered"
        );
        let ch = find(&c.charts, "time-exposure");
        assert_layout_clean(dir, &layout, (1200, 700), &ch.svg);
    }
}

/// Rectangles outlined in the text colour (cells or bars stopped outright, and the legend's
/// swatch).
fn outlines(doc: &roxmltree::Document) -> usize {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.attribute("fill") == Some("none")
                && n.attribute("stroke") == Some("#222222")
        })
        .count()
}

#[test]
fn untrusted_suppliers_leaving_a_quarter_percent_do_not_draw_a_stopped_product() {
    let c = mini();
    let mut r = c.report.clone();
    r.products[0].untrusted_exposure = 0.9975;
    r.products[1].untrusted_exposure = 1.0;
    let ch = chart::render(&chart::ExposureBars::new(&r).unwrap()).unwrap();
    let doc = parse(&ch.svg);
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == "99.8%"), "{t:?}");
    assert_eq!(
        t.iter().filter(|s| *s == "100%").count(),
        2,
        "one bar and the axis: {t:?}"
    );
    assert_eq!(outlines(&doc), 2, "the stopped bar and the legend swatch");
    r.products[1].untrusted_exposure = 0.9975;
    let ch = chart::render(&chart::ExposureBars::new(&r).unwrap()).unwrap();
    assert_eq!(outlines(&parse(&ch.svg)), 0, "nothing is stopped outright");
}

#[test]
fn a_country_that_leaves_a_quarter_percent_is_not_drawn_as_stopping_the_product() {
    let c = mini();
    let mut r = c.report.clone();
    // Two cells: one country leaves 0.25% of the first product, another stops it outright.
    let dep = &mut r.country_dependency;
    let free: Vec<usize> = (0..dep.countries.len())
        .filter(|&j| dep.values[0][j].is_some())
        .collect();
    dep.values[0][free[0]] = Some(0.9975);
    dep.values[0][free[1]] = Some(1.0);
    let map = chart::CountryDependencyMap::new(&r, &c.ds).unwrap();
    let ch = chart::render(&map).unwrap();
    let doc = parse(&ch.svg);
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == "99.8%" || s == "99.8"), "{t:?}");
    // Outlined: exactly the cells that stop their product.
    let stops = map
        .cells
        .iter()
        .flatten()
        .filter(|v| v.is_some_and(|v| v >= 1.0 - EPS))
        .count();
    assert!(stops >= 1);
    assert_eq!(map.stops().len(), stops);
    assert_eq!(
        outlines(&doc),
        stops + 1,
        "stopping cells and the legend swatch"
    );
    // The 0.9975 cell is not among them.
    assert!(map.cells[0].contains(&Some(0.9975)));
    assert!(
        !map.stops()
            .iter()
            .any(|&(i, j)| map.cells[i][j] == Some(0.9975))
    );
}

/// Whether the maker of `p` is untrusted: in an untrusted country, or a restricted party.
fn maker_untrusted(c: &Case, p: &tierscope::analysis::ProductSummary) -> bool {
    let e = c.ds.entity_ix[p.entity.as_str()];
    c.g.parties.untrusted[e.ix()] || c.ds.entity_country(e).trust == Trust::Untrusted
}

/// The product the network should show, chosen here: the highest untrusted exposure among
/// products whose maker is not untrusted; among equals the largest revenue, then the first.
fn actionable_product(c: &Case) -> usize {
    let r = &c.report;
    let key = |k: usize| {
        let p = &r.products[k];
        (p.untrusted_exposure, p.annual_revenue.unwrap_or(0.0))
    };
    let mut best: Option<usize> = None;
    for k in 0..r.products.len() {
        if !maker_untrusted(c, &r.products[k]) && best.is_none_or(|b| key(k) > key(b)) {
            best = Some(k);
        }
    }
    best.expect("a product whose maker is not untrusted")
}

fn product_node(c: &Case, p: &tierscope::analysis::ProductSummary) -> NodeIx {
    c.g.products
        .iter()
        .find(|&&(i, _)| {
            let prod = &c.ds.products[i];
            c.ds.entity(prod.entity).id == p.entity && c.ds.item(prod.item).id == p.item
        })
        .unwrap()
        .1
}

#[test]
fn network_draws_the_most_exposed_actionable_product_with_names() {
    for (dir, c) in all_cases() {
        let r = &c.report;
        let p = &r.products[actionable_product(c)];
        let up = upstream(&c.g, product_node(c, p));
        assert_eq!(
            up.len(),
            p.upstream_nodes,
            "{dir}: the report counts the same nodes"
        );
        let net = find(&c.charts, "network");
        assert_eq!(
            net.title,
            format!("Supply network of {} — {}", p.item_name, p.entity_name),
            "{dir}"
        );
        let doc = parse(&net.svg);
        let boxes = marks(&doc, "rect");
        assert_eq!(boxes.len(), up.len().min(80), "{dir}");
        let t = texts(&doc);
        if up.len() > 80 {
            let note = format!("+{} more upstream nodes", up.len() - 80);
            assert!(t.iter().any(|s| s.starts_with(&note)), "{dir}: {note}");
        } else {
            // Every node is labelled with its entity's name, not its id.
            for &n in &up {
                let e = c.ds.entity(c.g.node(n).entity);
                let (name, item) = (&e.name, &c.ds.item(c.g.node(n).item).name);
                let either = shows(&t, name) || shows(&t, &format!("{name}: {item}"));
                assert!(either, "{dir}: label {name}");
                if !name.contains(&*e.id) {
                    assert!(!t.contains(&e.id), "{dir}: id {} drawn", e.id);
                }
            }
        }
        // Single points of failure: a dark red border around each of their nodes (plus the
        // legend's swatch).
        let spofs: BTreeSet<&String> = p.spof.get(&Level::Entity).into_iter().flatten().collect();
        let spof_nodes = up
            .iter()
            .filter(|&&n| spofs.contains(&c.ds.entity(c.g.node(n).entity).id))
            .count();
        let borders = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("rect")
                    && n.attribute("fill") == Some("none")
                    && n.attribute("stroke") == Some("#8B001A")
            })
            .count();
        if up.len() <= 80 {
            assert_eq!(borders, spof_nodes + 1, "{dir}: spof borders");
        }
    }
}

#[test]
fn network_never_shows_a_product_whose_maker_is_untrusted_when_another_exists() {
    let mut rule_mattered = false;
    for (dir, c) in all_cases() {
        let net = Network::new(&c.report, &c.ds, &c.g).unwrap();
        let k = actionable_product(c);
        let p = &c.report.products[k];
        assert_eq!(net.product, format!("{}:{}", p.entity, p.item), "{dir}");
        assert!(net.actionable, "{dir}");
        // Somewhere an untrusted maker's product is at least as exposed: the old choice.
        rule_mattered |= c.report.products.iter().any(|q| {
            maker_untrusted(c, q)
                && (q.untrusted_exposure, q.annual_revenue.unwrap_or(0.0))
                    > (p.untrusted_exposure, p.annual_revenue.unwrap_or(0.0))
        });
    }
    assert!(
        rule_mattered || all_cases().len() < 3,
        "a dataset where the rule matters"
    );
    // With only untrusted makers left, the most exposed of them is shown, said to be so.
    let (_, c) = all_cases().last().unwrap();
    let mut r = c.report.clone();
    r.products.retain(|q| maker_untrusted(c, q));
    assert!(!r.products.is_empty());
    let net = Network::new(&r, &c.ds, &c.g).unwrap();
    assert!(!net.actionable);
    let chosen = r
        .products
        .iter()
        .find(|q| net.product == format!("{}:{}", q.entity, q.item))
        .unwrap();
    assert!(maker_untrusted(c, chosen));
}

/// The ids of a finding's first evidence path.
fn path_ids(f: &tierscope::analysis::findings::Finding) -> Vec<(String, String)> {
    f.evidence[0]
        .iter()
        .map(|n| (n.entity.to_string(), n.item.to_string()))
        .collect()
}

fn drawn_path(net: &Network) -> Vec<(String, String)> {
    net.path
        .iter()
        .map(|&i| (net.nodes[i].entity.clone(), net.nodes[i].item.clone()))
        .collect()
}

#[test]
fn network_always_draws_the_headline_path() {
    for (dir, c) in all_cases() {
        let net = Network::new(&c.report, &c.ds, &c.g).unwrap();
        let p = &c.report.products[actionable_product(c)];
        // The product's most severe finding with evidence (ties: its cause ranks first).
        let rank = |f: &tierscope::analysis::findings::Finding| {
            let cause = f
                .root_cause
                .as_ref()
                .and_then(|id| c.report.root_causes.iter().position(|x| *x.id == **id));
            (f.severity, cause.unwrap_or(usize::MAX))
        };
        let head = c
            .report
            .findings
            .iter()
            .filter(|f| {
                f.product
                    .as_ref()
                    .is_some_and(|x| *x.entity == *p.entity && *x.item == *p.item)
                    && f.evidence.first().is_some_and(|e| !e.is_empty())
            })
            .min_by_key(|f| rank(f))
            .unwrap();
        assert_eq!(net.path_finding.as_deref(), Some(head.id.as_str()), "{dir}");
        assert_eq!(drawn_path(&net), path_ids(head), "{dir}");
        // Drawn in the path colour: one line per step.
        let doc = parse(&find(&c.charts, "network").svg);
        let lines = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#1F2A44"))
            .count();
        assert_eq!(
            lines,
            head.evidence[0].len() - 1 + 1,
            "{dir}: path lines + legend"
        );
    }
}

/// A path from `from` down to `root` along buyers, within `up`.
fn path_to(c: &Case, from: NodeIx, root: NodeIx, up: &BTreeSet<NodeIx>) -> Vec<NodeIx> {
    let mut prev: BTreeMap<NodeIx, NodeIx> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        if n == root {
            break;
        }
        for &b in c.g.csr.buyers(n) {
            if up.contains(&b) && b != from && !prev.contains_key(&b) {
                prev.insert(b, n);
                queue.push_back(b);
            }
        }
    }
    let mut path = vec![root];
    while let Some(&p) = prev.get(path.last().unwrap()) {
        path.push(p);
    }
    path.reverse();
    path
}

#[test]
fn the_headline_path_survives_truncation_of_the_upstream() {
    let Some((_, c)) = all_cases().iter().find(|(_, c)| {
        let net = Network::new(&c.report, &c.ds, &c.g).unwrap();
        net.hidden > 0
    }) else {
        panic!("a bundled dataset whose network is truncated");
    };
    let net = Network::new(&c.report, &c.ds, &c.g).unwrap();
    let p = c.report.products[actionable_product(c)].clone();
    let root = product_node(c, &p);
    let up = upstream(&c.g, root);
    let drawn: BTreeSet<NodeIx> = net.nodes.iter().map(|n| n.node).collect();
    let hidden = *up.iter().find(|n| !drawn.contains(n)).unwrap();
    let path = path_to(c, hidden, root, &up);
    assert_eq!(path.first(), Some(&hidden));
    assert_eq!(path.last(), Some(&root));
    // Make the path through a node the diagram cut the evidence of every finding of the product.
    let mut r = c.report.clone();
    let refs: Vec<NodeRef> = path
        .iter()
        .map(|&n| {
            let pn = c.g.node(n);
            NodeRef::new(
                c.ds.entity(pn.entity).id.as_str().into(),
                c.ds.item(pn.item).id.as_str().into(),
            )
        })
        .collect();
    for f in r.findings.iter_mut() {
        if f.product
            .as_ref()
            .is_some_and(|x| *x.entity == *p.entity && *x.item == *p.item)
        {
            f.evidence = vec![refs.clone()].into();
        }
    }
    let net = Network::new(&r, &c.ds, &c.g).unwrap();
    let ids: Vec<(String, String)> = refs
        .iter()
        .map(|n| (n.entity.to_string(), n.item.to_string()))
        .collect();
    assert_eq!(drawn_path(&net), ids);
    assert!(net.nodes.iter().any(|n| n.node == hidden));
    assert!(net.hidden > 0 && net.nodes.len() <= 80.max(path.len()));
    let ch = chart::render(&net).unwrap();
    assert!(
        texts(&parse(&ch.svg))
            .iter()
            .any(|s| s.contains("the headline path is always drawn"))
    );
}

#[test]
fn mini_network_is_the_chip_with_its_gallium_spof() {
    let c = mini();
    let charts = &c.charts;
    let net = find(charts, "network");
    // Both products are 100% exposed; the tie goes to the first, the chip of oem-us.
    assert_eq!(net.title, "Supply network of Microcontroller — OEM Corp");
    let doc = parse(&net.svg);
    // oem-us, fab-tw, fab-cn, wafer-jp, wafer-de, resist-jp, ga-cn.
    assert_eq!(marks(&doc, "rect").len(), 7);
    assert!(texts(&doc).iter().any(|s| s == "Gallium Refinery"));
}

#[test]
fn time_exposure_has_one_point_per_finding() {
    for (dir, c) in all_cases() {
        let findings: Vec<_> = c
            .report
            .findings
            .iter()
            .filter(|f| f.kind == Kind::TimeExposure)
            .collect();
        let charts = &c.charts;
        let doc = parse(&find(charts, "time-exposure").svg);
        let points = marks(&doc, "circle");
        assert_eq!(points.len(), findings.len(), "{dir}");
        // Area grows with revenue at risk: the largest bubble is the largest risk.
        let max_r = points.iter().map(|n| num(n, "r")).fold(0.0, f64::max);
        assert!(num(&points[0], "r") == max_r, "{dir}: largest drawn first");
        let top = findings
            .iter()
            .max_by(|a, b| a.metric.value.total_cmp(&b.metric.value))
            .unwrap();
        assert!(
            texts(&doc)
                .iter()
                .any(|t| *t == format!("1. {}", top.subject)),
            "{dir}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Charts without data are skipped.

#[test]
fn charts_without_data_are_skipped() {
    let c = mini();
    let mut r = c.report.clone();
    r.findings
        .retain(|f| f.kind != Kind::TimeExposure && f.kind != Kind::Spof);
    r.root_causes.clear();
    r.concentration.clear();
    let charts = chart::render_all(&r, &c.ds, &c.g);
    assert_eq!(
        names(&charts),
        [
            "untrusted-exposure",
            "country-dependency",
            "asymmetry",
            "network"
        ]
    );
    assert!(chart::time_exposure(&r).is_none());
    assert!(chart::root_causes(&r, &c.ds).is_none());
    assert!(chart::concentration(&r, &c.ds).is_none());

    let mut empty = c.report.clone();
    empty.products.clear();
    empty.findings.clear();
    empty.concentration.clear();
    empty.root_causes.clear();
    empty.country_dependency.products.clear();
    empty.country_dependency.values.clear();
    assert!(chart::render_all(&empty, &c.ds, &c.g).is_empty());
}

#[test]
fn write_all_datasets_for_review() {
    // Renders and (with TIERSCOPE_CHART_DIR) writes every chart of every dataset present.
    for (dir, c) in all_cases() {
        assert!(c.charts.len() >= 5, "{dir}");
    }
}
