//! The random draws a family is planned from: how many suppliers an input has, the names
//! of its firms, its entities level by level and each item's bill of materials. Split from
//! `family.rs`, which turns the plan into rows.

use super::*;

pub(super) const NAME_A: &[&str] = &[
    "Northern", "Pacific", "United", "Golden", "Delta", "Apex", "Summit", "Eastern", "Royal",
    "Prime", "Orion", "Vector",
];
pub(super) const NAME_B: &[&str] = &[
    "Precision",
    "Materials",
    "Components",
    "Industries",
    "Chemicals",
    "Electronics",
    "Metals",
    "Systems",
];
pub(super) const LEGAL: &[&str] = &["Ltd", "Inc", "GmbH", "Co", "Corp", "SA", "AG", "PLC"];

/// Suppliers of one input: mostly 1–3, a long tail up to 30.
pub(super) fn supplier_count(rng: &mut Rng) -> usize {
    let r = rng.below(100);
    match r {
        0..25 => 1,
        25..60 => 2,
        60..80 => 3,
        _ => 4 + (26.0 * rng.unit().powi(3)) as usize,
    }
}

/// Entities, items by level, and makers of each item: (entities, items per level, makers).
pub(super) type Planned = (Vec<(u32, Vec<u32>)>, Vec<u32>, Vec<Vec<Vec<u32>>>);

/// The entities of a family of about `target` supply rows, level by level, each making 1-3
/// items of its level (every item gets a maker).
pub(super) fn plan_entities(target: u64, opts: &Options, rng: &mut Rng) -> Planned {
    let depth = opts.depth;
    let single = opts.single_input;
    // Rows per production node above level 0: inputs × suppliers.
    let rows_per_node = if single { 2.0 } else { 6.0 };
    let caps_per_entity = if single { 1.0 } else { 1.8 };
    let nodes = (target as f64 / rows_per_node).max(depth as f64 * 2.0);
    // Node weights by level: raw materials and end products are fewer.
    let weights: Vec<f64> = (0..depth)
        .map(|l| {
            if l == 0 {
                0.6
            } else if l + 1 == depth {
                0.15
            } else if l == 1 {
                1.2
            } else {
                1.0
            }
        })
        .collect();
    let total: f64 = weights[1..].iter().sum();
    let mut entities = Vec::new();
    let mut items = Vec::with_capacity(depth);
    let mut makers: Vec<Vec<Vec<u32>>> = Vec::with_capacity(depth);
    for (l, w) in weights.iter().enumerate() {
        let n_ent = ((nodes * w / total / caps_per_entity).round() as usize).max(2);
        let n_items = if l + 1 == depth {
            (n_ent / 8).clamp(1, 40)
        } else {
            (n_ent / 12).clamp(1, 200)
        };
        items.push(n_items as u32);
        let mut mk: Vec<Vec<u32>> = vec![Vec::new(); n_items];
        for j in 0..n_ent {
            let id = entities.len() as u32;
            let k = if single {
                1
            } else {
                [1, 1, 1, 2, 2, 3][rng.below(6)]
            };
            let mut caps: Vec<u32> = Vec::with_capacity(k);
            // Every item gets a maker: the first entities take the items in turn.
            let first = if j < n_items {
                j as u32
            } else {
                rng.below(n_items) as u32
            };
            caps.push(first);
            for _ in 1..k {
                let x = rng.below(n_items) as u32;
                if !caps.contains(&x) {
                    caps.push(x);
                }
            }
            for &x in &caps {
                mk[x as usize].push(id);
            }
            entities.push((l as u32, caps));
        }
        makers.push(mk);
    }
    (entities, items, makers)
}

/// The BOM of each item of `items` (per level).
pub(super) fn plan_bom(items: &[u32], single: bool, rng: &mut Rng) -> Vec<Vec<Vec<(u32, u32)>>> {
    let depth = items.len();
    // The BOM: the first input from the level below, the others from any lower level
    // (mostly the one below); level-1 items often need a commodity.
    let mut bom: Vec<Vec<Vec<(u32, u32)>>> = Vec::with_capacity(depth);
    for l in 0..depth {
        let mut level = Vec::with_capacity(items[l] as usize);
        for _ in 0..items[l] {
            let mut inputs: Vec<(u32, u32)> = Vec::new();
            if l > 0 {
                let below = (l - 1) as u32;
                if single {
                    if l == 1 && rng.chance(0.3) {
                        inputs.push((COMMODITY, rng.below(COMMODITIES) as u32));
                    } else {
                        inputs.push((below, rng.below(items[l - 1] as usize) as u32));
                    }
                } else {
                    let k = [1, 2, 2, 3, 3, 4][rng.below(6)];
                    inputs.push((below, rng.below(items[l - 1] as usize) as u32));
                    for _ in 1..k {
                        let from = if l >= 2 && rng.chance(0.2) {
                            rng.below(l - 1) as u32
                        } else {
                            below
                        };
                        let input = (from, rng.below(items[from as usize] as usize) as u32);
                        if !inputs.contains(&input) {
                            inputs.push(input);
                        }
                    }
                    if l == 1 && rng.chance(0.5) {
                        inputs.push((COMMODITY, rng.below(COMMODITIES) as u32));
                    }
                }
            }
            level.push(inputs);
        }
        bom.push(level);
    }
    bom
}
