//! Recall and precision of name matching on a labelled set built from real lists.
//!
//! `tests/fixtures/screen/labelled/labelled.csv` (made by `make_set.py` beside it, see the
//! fixtures README) holds variants of listed names, the way vendors write them (shortened,
//! with a branch or city added, transliterated, abbreviated, reordered, misspelt), each with
//! the listed party it must find, and invented clean vendor names made of common words. They
//! are screened against every organisation of the OFAC SDN snapshot of 2024-05-03 and the
//! Consolidated Screening List excerpt, at the default thresholds. The thresholds below are
//! the committed floor (the README gives the measured numbers).

use std::path::Path;
use tierscope::diag::Diagnostics;
use tierscope::screen::DEFAULT_THRESHOLD;
use tierscope::screen::lists::{self, PartyList};
use tierscope::screen::matcher::{Matcher, Prepared};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/screen");

/// At least this share of the listed variants must be found (REVIEW or BLOCKED).
const MIN_RECALL: f64 = 0.85;
/// At most this share of the clean vendors may be flagged.
const MAX_FALSE_POSITIVE_RATE: f64 = 0.01;

struct Row {
    name: String,
    listed: bool,
    list: String,
    listed_name: String,
    variant: String,
}

fn labelled() -> Vec<Row> {
    let mut r = csv::Reader::from_path(Path::new(DIR).join("labelled/labelled.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            Row {
                name: rec[0].to_string(),
                listed: &rec[1] == "listed",
                list: rec[2].to_string(),
                listed_name: rec[4].to_string(),
                variant: rec[5].to_string(),
            }
        })
        .collect()
}

/// The lists and their index, built once for every test of this file.
fn shared() -> &'static (Vec<PartyList>, Matcher) {
    static SHARED: std::sync::OnceLock<(Vec<PartyList>, Matcher)> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let lists = lists();
        let matcher = Matcher::new(&lists);
        (lists, matcher)
    })
}

fn lists() -> Vec<PartyList> {
    let mut diags = Diagnostics::new();
    let sdn = lists::read_sdn(&Path::new(DIR).join("sdn-organizations.csv"), &mut diags).unwrap();
    let csl = lists::read_csl(&Path::new(DIR).join("csl-excerpt.csv"), &mut diags).unwrap();
    assert!(!diags.has_errors(), "{:?}", diags.as_slice());
    vec![sdn, csl]
}

struct Measured {
    found: usize,
    listed: usize,
    flagged: usize,
    clean: usize,
    misses: Vec<String>,
    false_positives: Vec<String>,
}

fn measure() -> Measured {
    let (lists, matcher) = shared();
    let rows = labelled();
    let mut m = Measured {
        found: 0,
        listed: 0,
        flagged: 0,
        clean: 0,
        misses: Vec::new(),
        false_positives: Vec::new(),
    };
    for row in &rows {
        let hits = matcher.screen(&row.name, DEFAULT_THRESHOLD);
        if row.listed {
            m.listed += 1;
            let found = hits.iter().any(|h| {
                let l = &lists[h.list];
                l.path.ends_with(&row.list) && l.entries[h.entry].name == row.listed_name
            });
            if found {
                m.found += 1;
            } else {
                let best = matcher
                    .screen(&row.name, 0.0)
                    .into_iter()
                    .find(|h| lists[h.list].entries[h.entry].name == row.listed_name)
                    .map_or(0.0, |h| h.score);
                m.misses.push(format!(
                    "{} ({}) -> {} best {best:.2}",
                    row.name, row.variant, row.listed_name
                ));
            }
        } else {
            m.clean += 1;
            if let Some(h) = hits.first() {
                m.flagged += 1;
                m.false_positives.push(format!(
                    "{} -> {} {:.2} {:?}",
                    row.name, lists[h.list].entries[h.entry].name, h.score, h.why
                ));
            }
        }
    }
    m
}

#[test]
fn labelled_set_recall_and_precision_meet_the_committed_thresholds() {
    let m = measure();
    let recall = m.found as f64 / m.listed as f64;
    let fp = m.flagged as f64 / m.clean as f64;
    println!(
        "recall {}/{} = {:.1} %, clean vendors flagged {}/{} = {:.1} %",
        m.found,
        m.listed,
        recall * 100.0,
        m.flagged,
        m.clean,
        fp * 100.0
    );
    println!("misses:\n  {}", m.misses.join("\n  "));
    println!("false positives:\n  {}", m.false_positives.join("\n  "));
    assert!(
        m.listed >= 150 && m.clean >= 150,
        "the set is {} + {}",
        m.listed,
        m.clean
    );
    assert!(
        recall >= MIN_RECALL,
        "recall {recall:.3} below {MIN_RECALL}"
    );
    assert!(
        fp <= MAX_FALSE_POSITIVE_RATE,
        "false positives {fp:.3} above {MAX_FALSE_POSITIVE_RATE}"
    );
}

#[test]
fn no_listed_variant_holding_every_rare_word_of_its_name_is_clear() {
    let (lists, matcher) = shared();
    let mut checked = 0;
    for row in labelled().iter().filter(|r| r.listed) {
        let listed = Prepared::new(&row.listed_name);
        let variant = Prepared::new(&row.name);
        let rare: Vec<&String> = listed.words.iter().filter(|w| matcher.is_rare(w)).collect();
        if rare.is_empty() || !rare.iter().all(|w| variant.words.contains(w)) {
            continue;
        }
        checked += 1;
        let hits = matcher.screen(&row.name, DEFAULT_THRESHOLD);
        assert!(
            hits.iter()
                .any(|h| lists[h.list].entries[h.entry].name == row.listed_name),
            "{} is CLEAR against {} although it holds its rare words {rare:?}",
            row.name,
            row.listed_name
        );
    }
    assert!(
        checked >= 100,
        "only {checked} variants hold every rare word"
    );
}

/// The cases of the issue that asked for containment and abbreviation matches: each is at
/// least REVIEW, with the reason.
#[test]
fn containment_and_abbreviation_cases_are_at_least_review() {
    let mut all = lists();
    // Entity List parties as the issue quotes them (the CSL excerpt does not hold them).
    let entity_list = [
        "SJ SEMICONDUCTOR",
        "WINGTECH TECHNOLOGY",
        "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION",
    ];
    let mut el = all[1].clone();
    el.path = "entity-list".into();
    el.entries.truncate(entity_list.len());
    for (e, name) in el.entries.iter_mut().zip(entity_list) {
        e.name = name.into();
        e.aliases.clear();
        e.party_type = tierscope::screen::lists::PartyType::Organization;
    }
    all.push(el);
    let matcher = Matcher::new(&all);
    for (candidate, listed, reason) in [
        (
            "Rzhanov Institute of Semiconductor Physics",
            "RZHANOV INSTITUTE OF SEMICONDUCTOR PHYSICS SIBERIAN BRANCH OF RUSSIAN ACADEMY OF SCIENCES",
            Some("all words of the candidate are in the listed name"),
        ),
        (
            "SJ Semiconductor (Jiangyin) Corp.",
            "SJ SEMICONDUCTOR",
            None,
        ),
        (
            "Wingtech Technology Group Co. Ltd.",
            "WINGTECH TECHNOLOGY",
            None,
        ),
        (
            "Semiconductor Manufacturing Intl Corp",
            "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION",
            None,
        ),
        (
            "Semiconductor Manufacturing Int'l Corp",
            "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION",
            None,
        ),
        (
            "Target Electronics St. Petersburg Branch",
            "TARGET ELECTRONICS",
            None,
        ),
        ("Rim Pharmaceutical", "REEM PHARMACEUTICAL", None),
        (
            "Ieonhill Holdings Limited",
            "IRONHILL HOLDINGS LIMITED",
            None,
        ),
    ] {
        let hits = matcher.screen(candidate, DEFAULT_THRESHOLD);
        let hit = hits
            .iter()
            .find(|h| all[h.list].entries[h.entry].name == listed)
            .unwrap_or_else(|| panic!("{candidate} is CLEAR against {listed}"));
        if let Some(reason) = reason {
            assert_eq!(hit.why[0], reason, "{candidate}: {:?}", hit.why);
        }
    }
}
