//! `estimated_shares` is sound: a finding or product left unmarked does not depend on the
//! shares the equal-split rule filled in. The oracle replaces every empty qualified share of a
//! random dataset with an unequal split of the same rest and runs the whole analysis again:
//! every unmarked finding must come back with the same metric, every unmarked product with the
//! same numbers. And marking is not vacuous: across the cases, some marked metric moves.

mod common;

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use tierscope::analysis::{Report, Settings, analyze};
use tierscope::graph::ProductionGraph;

fn report(files: &common::Files) -> Report {
    let ds = common::load(files);
    analyze(&ds, &ProductionGraph::build(&ds), &Settings::default()).unwrap()
}

/// The same dataset with every empty qualified share filled by an unequal split of what the
/// given shares of its (buyer, requirement) leave; `None` when it has no empty share.
fn unequal_split(files: &common::Files, seed: u64) -> Option<common::Files> {
    let supply = &files["supply.csv"];
    let mut lines: Vec<Vec<String>> = supply
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let header = lines.remove(0);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (b, x, share, q) = (col("buyer"), col("item"), col("share"), col("qualified"));
    let qualified = |r: &Vec<String>| r.get(q).is_none_or(|v| v.is_empty() || v == "true");
    // Shares are split per (buyer, requirement): the rows of substitutes share one rest.
    let ds = common::load(files);
    let g = ProductionGraph::build(&ds);
    let mut groups: BTreeMap<(String, u32), Vec<usize>> = BTreeMap::new();
    for (i, r) in lines.iter().enumerate() {
        if qualified(r) {
            let req = g
                .buyer_reqs
                .of(ds.entity_ix[r[b].as_str()], ds.item_ix[r[x].as_str()]);
            groups.entry((r[b].clone(), req.0)).or_default().push(i);
        }
    }
    let mut rng = common::Rng::new(seed);
    let mut changed = false;
    for rows in groups.values() {
        let blanks: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| lines[i][share].is_empty())
            .collect();
        if blanks.len() < 2 {
            continue; // one blank takes the whole rest either way
        }
        let given: f64 = rows
            .iter()
            .filter_map(|&i| lines[i][share].parse::<f64>().ok())
            .sum();
        let rest = 1.0 - given;
        let weights: Vec<f64> = blanks.iter().map(|_| 1.0 + rng.below(9) as f64).collect();
        let total: f64 = weights.iter().sum();
        for (k, &i) in blanks.iter().enumerate() {
            lines[i][share] = format!("{}", rest * weights[k] / total);
        }
        changed = true;
    }
    if !changed {
        return None;
    }
    let mut text = header.join(",");
    text.push('\n');
    for r in &lines {
        writeln!(text, "{}", r.join(",")).unwrap();
    }
    let mut out = files.clone();
    out.insert("supply.csv", text);
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn unmarked_findings_do_not_depend_on_estimated_shares(
        seed in 0u64..100_000,
        size in 2usize..10,
        requirements in any::<bool>(),
    ) {
        let files = common::random_dataset(
            seed,
            common::Shape::small_or_requirements(size, requirements),
        );
        let Some(split) = unequal_split(&files, seed) else { return Ok(()) };
        let before = report(&files);
        let after = report(&split);
        let by_id: BTreeMap<&str, &tierscope::analysis::findings::Finding> =
            after.findings.iter().map(|f| (f.id.as_str(), &**f)).collect();
        for f in &before.findings {
            let other = by_id.get(f.id.as_str());
            if f.estimated_shares {
                continue;
            }
            let other = other.ok_or_else(|| TestCaseError::fail(format!("{} vanished", f.id)))?;
            prop_assert!(
                (other.metric.value - f.metric.value).abs() <= 1e-9,
                "{} moved from {} to {} but is not marked",
                f.id, f.metric.value, other.metric.value
            );
        }
        for (p, q) in before.products.iter().zip(&after.products) {
            if !p.estimated_shares {
                prop_assert_eq!(p.untrusted_exposure, q.untrusted_exposure);
                prop_assert_eq!(&p.spof, &q.spof);
            }
        }
    }
}

#[test]
fn marking_is_not_vacuous() {
    // Over fixed seeds: some marked metric moves when the split changes.
    let mut moved = 0;
    for seed in 0..200u64 {
        let files = common::random_dataset(seed, common::Shape::small(6));
        let Some(split) = unequal_split(&files, seed) else {
            continue;
        };
        let (before, after) = (report(&files), report(&split));
        for f in before.findings.iter().filter(|f| f.estimated_shares) {
            if after
                .findings
                .iter()
                .find(|o| o.id == f.id)
                .is_none_or(|o| (o.metric.value - f.metric.value).abs() > 1e-9)
            {
                moved += 1;
            }
        }
    }
    assert!(
        moved > 0,
        "no marked finding ever moved: the marks tell nothing"
    );
}
