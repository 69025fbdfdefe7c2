//! The same input gives byte-identical reports on every run and in every order of its rows.
//!
//! A random valid dataset (`tests/common`'s generator) is written twice: as generated, and
//! with the rows of every file shuffled (headers stay first). Both are loaded, analysed and
//! rendered in every format, and the bytes must be equal. The loader puts every dataset in
//! one canonical order (`tierscope::ingest::canonical`), which is what makes this hold.

mod common;

use proptest::prelude::*;
use std::path::Path;
use tierscope::analysis::{Settings, analyze};
use tierscope::cli::{ChartFormat, ReportFormat};
use tierscope::graph::ProductionGraph;

/// Every report file of the dataset in `dir`, as (name, bytes), plus the text output; with
/// `charts`, the charts (SVG, PNG) and the HTML that holds them too (drawing them is slow in
/// a debug build, so the many random cases leave them out).
fn reports(dir: &Path, settings: &Settings, charts: bool) -> Vec<(String, Vec<u8>)> {
    let loaded = tierscope::ingest::load(dir).expect("the dataset is valid");
    let ds = loaded.dataset;
    let g = ProductionGraph::build(&ds);
    let report = tierscope::gate::Reviewed::plain(analyze(&ds, &g, settings).unwrap());
    let (formats, chart_formats): (&[ReportFormat], &[ChartFormat]) = if charts {
        (&ReportFormat::ALL, &ChartFormat::BOTH)
    } else {
        (
            &[ReportFormat::Md, ReportFormat::Json, ReportFormat::Csv],
            &[],
        )
    };
    let mut out: Vec<(String, Vec<u8>)> =
        tierscope::report::render_files(&report, &ds, &g, formats, chart_formats)
            .unwrap()
            .into_iter()
            .map(|f| (f.path.display().to_string(), f.bytes))
            .collect();
    if !charts {
        out.push((
            "report.html".into(),
            tierscope::report::html::render(&report, &[]),
        ));
    }
    out.push((
        "analyze.txt".into(),
        tierscope::report::text::render(&report).into_bytes(),
    ));
    out.push((
        "summary.txt".into(),
        tierscope::summary::Summary::new(&ds, &g)
            .to_text()
            .into_bytes(),
    ));
    out
}

/// `files` with the rows of each file (not the header) in a random order.
fn shuffled(files: &common::Files, seed: u64) -> common::Files {
    let mut rng = common::Rng::new(seed);
    files
        .iter()
        .map(|(name, text)| {
            let mut lines: Vec<&str> = text.lines().collect();
            let body = &mut lines[1..];
            // Fisher-Yates.
            for i in (1..body.len()).rev() {
                let j = rng.below(i + 1);
                body.swap(i, j);
            }
            (*name, lines.join("\n") + "\n")
        })
        .collect()
}

fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    assert_eq!(a.len(), b.len());
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if x != y {
            let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
            let line = x
                .lines()
                .zip(y.lines())
                .position(|(p, q)| p != q)
                .unwrap_or(0);
            panic!(
                "{name} differs {what}, first at line {}:\n  {}\n  {}",
                line + 1,
                x.lines().nth(line).unwrap_or(""),
                y.lines().nth(line).unwrap_or("")
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn reports_do_not_depend_on_the_order_of_rows(
        seed in any::<u64>(),
        size in 0usize..14,
        shuffle in any::<u64>(),
        threshold in prop::sample::select(vec![0.5, 0.2, 0.8]),
        requirements in any::<bool>(),
    ) {
        let shape = common::Shape::small_or_requirements(size, requirements);
        let files = common::random_dataset(seed, shape);
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        // Same folder name, so that the dataset's name is the same.
        let (da, db) = (a.path().join("data"), b.path().join("data"));
        common::write(&files, &da);
        common::write(&shuffled(&files, shuffle), &db);
        let settings = Settings { capacity_threshold: threshold, ..Settings::default() };
        assert_same(&reports(&da, &settings, false), &reports(&db, &settings, false), "when the rows are shuffled");
    }
}

#[test]
fn bundled_datasets_give_the_same_reports_with_rows_reversed_and_shuffled() {
    for name in ["legacy-semiconductors", "biologic-ingredients"] {
        let src = Path::new("datasets").join(name);
        let mut files = common::Files::new();
        for f in tierscope::ingest::FILES {
            if let Ok(text) = std::fs::read_to_string(src.join(f)) {
                files.insert(f, text);
            }
        }
        let reversed: common::Files = files
            .iter()
            .map(|(n, text)| {
                let mut lines: Vec<&str> = text.lines().collect();
                lines[1..].reverse();
                (*n, lines.join("\n") + "\n")
            })
            .collect();
        let settings = Settings::default();
        let tmp = tempfile::tempdir().unwrap();
        let dirs: Vec<_> = (0..3)
            .map(|i| tmp.path().join(i.to_string()).join(name))
            .collect();
        common::write(&files, &dirs[0]);
        common::write(&reversed, &dirs[1]);
        common::write(&shuffled(&files, 7), &dirs[2]);
        let first = reports(&dirs[0], &settings, true);
        assert_same(
            &first,
            &reports(&dirs[1], &settings, true),
            "when the rows are reversed",
        );
        assert_same(
            &first,
            &reports(&dirs[2], &settings, true),
            "when the rows are shuffled",
        );
        // And on every run.
        assert_same(
            &first,
            &reports(&dirs[0], &settings, true),
            "from one run to the next",
        );
    }
}
