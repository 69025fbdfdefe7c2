//! Shared test helpers: a generator of random *valid* datasets, written as CSV files.
//!
//! The generator is seed-driven (a small xorshift PRNG), so a failing proptest case prints a
//! seed and size that reproduce it. It covers what the oracles must survive: partial shares,
//! rows without shares, unqualified alternates, unmapped inputs, ownership chains and minority
//! cross-holdings, restricted parties (by id, by name, by the 50 percent rule), entities that
//! make several items and entities that trade with each other both ways; and, when the shape
//! asks, substitute groups (`bom.csv` `group`) and distributors (`entities.csv` `kind`),
//! chains of distributors included. Without those two knobs it makes exactly what it made
//! before they existed.

#![allow(dead_code)]

pub mod oracle;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// A tiny deterministic PRNG (xorshift64*), so tests need no extra crate for randomness.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Knobs for the generator.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub countries: usize,
    pub entities: usize,
    pub items: usize,
    pub levels: usize,
    /// Every BOM has exactly one input and every entity makes one item (the dominator case).
    pub single_input_single_item: bool,
    /// Families of substitutes: items of one level that any BOM needing one of them needs as
    /// one group, with the buyers' rows spread over the family.
    pub substitutes: bool,
    /// Some entities are distributors: they pass items on (and buy them from makers or from
    /// distributors listed before them, so that there is no cycle).
    pub distributors: bool,
    /// A requirement has 1 to this many suppliers (3 unless a test wants hubs).
    pub max_suppliers: usize,
}

impl Shape {
    pub fn small(size: usize) -> Shape {
        Shape {
            countries: 2 + size % 3,
            entities: 3 + size,
            items: 3 + size / 2,
            levels: 2 + size % 3,
            single_input_single_item: false,
            substitutes: false,
            distributors: false,
            max_suppliers: 3,
        }
    }

    /// `requirements(size)` when `requirements`, else `small(size)`.
    pub fn small_or_requirements(size: usize, requirements: bool) -> Shape {
        if requirements {
            Shape::requirements(size)
        } else {
            Shape::small(size)
        }
    }

    /// `small(size)` with substitute groups and distributors.
    pub fn requirements(size: usize) -> Shape {
        Shape {
            substitutes: true,
            distributors: true,
            ..Shape::small(size)
        }
    }
}

/// The CSV files of a dataset, by file name.
pub type Files = BTreeMap<&'static str, String>;

pub fn write(files: &Files, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A random valid dataset.
pub fn random_dataset(seed: u64, shape: Shape) -> Files {
    if shape.single_input_single_item {
        return chain_dataset(seed, shape);
    }
    let mut rng = Rng::new(seed);
    let trusts = ["trusted", "neutral", "untrusted"];
    let mut countries = String::from("code,trust\n");
    for c in 0..shape.countries {
        writeln!(countries, "C{c},{}", rng.pick(&trusts)).unwrap();
    }
    // Items by level; level 0 are raw materials.
    let levels = shape.levels.max(2);
    let mut level_of = Vec::new();
    for i in 0..shape.items.max(levels) {
        level_of.push(if i < levels { i } else { rng.below(levels) });
    }
    let items_at =
        |l: usize| -> Vec<usize> { (0..level_of.len()).filter(|&i| level_of[i] == l).collect() };
    let mut bom: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (i, &l) in level_of.iter().enumerate() {
        if l == 0 {
            continue;
        }
        let k = 1 + rng.below(3);
        for j in 0..k {
            // The first input comes from the level just below, so levels are real.
            let from = if j == 0 { l - 1 } else { rng.below(l) };
            let cands = items_at(from);
            bom.entry(i).or_default().insert(*rng.pick(&cands));
        }
    }
    let n_ent = shape.entities.max(2);
    let ent_country: Vec<usize> = (0..n_ent).map(|_| rng.below(shape.countries)).collect();
    // Families of substitutes: disjoint sets of 2-3 items of one level. Every BOM that needs
    // one member needs the whole family as one group, so a buyer's rows of an item always
    // count toward the same requirement.
    let mut family_of: BTreeMap<usize, usize> = BTreeMap::new();
    if shape.substitutes {
        for l in 0..levels {
            let mut free = items_at(l);
            while free.len() >= 2 && rng.chance(0.7) {
                let k = (2 + rng.below(2)).min(free.len());
                let f = family_of.values().max().map_or(0, |m| m + 1);
                for _ in 0..k {
                    let y = free.remove(rng.below(free.len()));
                    family_of.insert(y, f);
                }
            }
        }
        for inputs in bom.values_mut() {
            let extra: Vec<usize> = family_of
                .iter()
                .filter(|(_, f)| inputs.iter().any(|y| family_of.get(y) == Some(f)))
                .map(|(&y, _)| y)
                .collect();
            inputs.extend(extra);
        }
    }
    let distributor: Vec<bool> = (0..n_ent)
        .map(|_| shape.distributors && rng.chance(0.3))
        .collect();

    // Products: items at the top two levels.
    let top: Vec<usize> = (0..level_of.len())
        .filter(|&i| level_of[i] + 1 >= levels)
        .collect();
    let mut products: BTreeSet<(usize, usize)> = BTreeSet::new();
    for _ in 0..1 + rng.below(3) {
        products.insert((rng.below(n_ent), *rng.pick(&top)));
    }
    // Expand production pairs, adding supply rows.
    let mut supply = String::from("supplier,buyer,item,share,qualified\n");
    let mut seen: BTreeSet<(usize, usize)> = products.iter().copied().collect();
    let mut work: Vec<(usize, usize)> = products.iter().copied().collect();
    let mut rows_for: BTreeSet<(usize, usize)> = BTreeSet::new(); // (buyer, item) done
    let mut budget = 60.max(3 * shape.max_suppliers);
    while let Some((e, x)) = work.pop() {
        // The requirements of (e, x): a distributor passes x on; otherwise each input alone,
        // or its whole family of substitutes.
        let requirements: Vec<Vec<usize>> = if distributor[e] {
            vec![vec![x]]
        } else {
            let inputs: Vec<usize> = bom
                .get(&x)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            let mut reqs: Vec<Vec<usize>> = Vec::new();
            for y in inputs {
                match family_of.get(&y) {
                    None => reqs.push(vec![y]),
                    Some(f) => match reqs.iter_mut().find(|r| family_of.get(&r[0]) == Some(f)) {
                        Some(r) => r.push(y),
                        None => reqs.push(vec![y]),
                    },
                }
            }
            reqs
        };
        for req in requirements {
            if !rows_for.insert((e, req[0])) {
                continue;
            }
            if rng.chance(0.12) || budget == 0 {
                continue; // unmapped
            }
            // A supplier of an item of the requirement. A distributor buys from makers, or
            // from distributors listed before it (no cycle); a buyer's own rows may not feed
            // its own pass-through node.
            let pick = |rng: &mut Rng| -> Option<(usize, usize)> {
                let s = rng.below(n_ent);
                let y = if req.len() > 1 {
                    *rng.pick(&req)
                } else {
                    req[0]
                };
                let cycle = distributor[e] && distributor[s] && s >= e;
                (!cycle).then_some((s, y))
            };
            let k = 1 + rng.below(shape.max_suppliers);
            let mut sups: Vec<(usize, usize)> = Vec::new();
            for _ in 0..k {
                if let Some(sy) = pick(&mut rng)
                    && !sups.contains(&sy)
                {
                    sups.push(sy);
                }
            }
            let shares = random_shares(&mut rng, sups.len());
            for ((s, y), share) in sups.iter().zip(shares) {
                budget -= 1.min(budget);
                writeln!(supply, "E{s},E{e},I{y},{share},").unwrap();
                if seen.insert((*s, *y)) {
                    work.push((*s, *y));
                }
            }
            if rng.chance(0.15) {
                // An unqualified alternate (never already a qualified supplier of this pair).
                if let Some((alt, y)) = pick(&mut rng).filter(|sy| !sups.contains(sy)) {
                    let share = if rng.chance(0.5) {
                        "0.5".to_string()
                    } else {
                        String::new()
                    };
                    writeln!(supply, "E{alt},E{e},I{y},{share},false").unwrap();
                    if seen.insert((alt, y)) {
                        work.push((alt, y));
                    }
                }
            }
        }
    }
    let mut entities = String::from("id,name,country,restricted,recovery_days");
    entities.push_str(if shape.distributors { ",kind\n" } else { "\n" });
    for (e, country) in ent_country.iter().enumerate() {
        let restricted = if rng.chance(0.08) { "true" } else { "" };
        let rec = if rng.chance(0.7) {
            (10 + rng.below(300)).to_string()
        } else {
            String::new()
        };
        write!(entities, "E{e},Firm {e} Ltd,C{country},{restricted},{rec}").unwrap();
        if shape.distributors {
            // Any case means distributor; other kinds are information only.
            let kind = match (distributor[e], e % 3) {
                (true, 0) => "Distributor",
                (true, _) => "distributor",
                (false, 0) => "site",
                (false, _) => "",
            };
            write!(entities, ",{kind}").unwrap();
        }
        entities.push('\n');
    }
    let mut items = String::from("id,name\n");
    for i in 0..level_of.len() {
        writeln!(items, "I{i},Item {i}").unwrap();
    }
    let mut bom_csv = String::from("item,input");
    bom_csv.push_str(if shape.substitutes { ",group\n" } else { "\n" });
    for (i, ins) in &bom {
        for y in ins {
            write!(bom_csv, "I{i},I{y}").unwrap();
            if shape.substitutes {
                // The group's name is the item's own: each item has its own groups.
                match family_of.get(y) {
                    Some(f) if ins.iter().filter(|z| family_of.get(z) == Some(f)).count() > 1 => {
                        write!(bom_csv, ",sub{f}-of-I{i}").unwrap()
                    }
                    _ => bom_csv.push(','),
                }
            }
            bom_csv.push('\n');
        }
    }
    let mut products_csv = String::from("entity,item,annual_revenue,inventory_days\n");
    for (e, x) in &products {
        let rev = if rng.chance(0.8) {
            (1000 * (1 + rng.below(50))).to_string()
        } else {
            String::new()
        };
        let inv = if rng.chance(0.8) {
            rng.below(90).to_string()
        } else {
            String::new()
        };
        writeln!(products_csv, "E{e},I{x},{rev},{inv}").unwrap();
    }
    // Ownership: majority links point to a lower index (no majority cycles); minority
    // stakes go anywhere, cross-holdings included. Each entity's total stays <= 1.
    let mut ownership = String::from("owner,entity,share\n");
    for e in 1..n_ent {
        let mut left = 1.0f64;
        let mut owners = BTreeSet::new();
        if rng.chance(0.4) {
            let o = rng.below(e);
            let s = [0.51, 0.6, 0.75, 1.0][rng.below(4)];
            owners.insert(o);
            writeln!(ownership, "E{o},E{e},{s}").unwrap();
            left -= s;
        }
        if rng.chance(0.3) && left >= 0.2 {
            let o = rng.below(n_ent);
            if o != e && owners.insert(o) {
                let s: f64 = [0.2f64, 0.25, 0.3, 0.49][rng.below(4)].min(left);
                writeln!(ownership, "E{o},E{e},{s}").unwrap();
            }
        }
    }
    let mut restricted = String::from("name,entity,list\n");
    for e in 0..n_ent {
        if rng.chance(0.05) {
            writeln!(restricted, "listed {e},E{e},Entity List").unwrap();
        } else if rng.chance(0.03) {
            writeln!(restricted, "FIRM {e} LIMITED,,SDN").unwrap();
        }
    }
    Files::from([
        ("countries.csv", countries),
        ("entities.csv", entities),
        ("items.csv", items),
        ("bom.csv", bom_csv),
        ("supply.csv", supply),
        ("products.csv", products_csv),
        ("ownership.csv", ownership),
        ("restricted.csv", restricted),
    ])
}

/// Shares for k qualified rows of one (buyer, item): all given summing to 1, partial, some
/// blank, or all blank. Always valid.
fn random_shares(rng: &mut Rng, k: usize) -> Vec<String> {
    let weights: Vec<u64> = (0..k).map(|_| 1 + rng.below(9) as u64).collect();
    let total: u64 = weights.iter().sum();
    match rng.below(4) {
        0 => weights
            .iter()
            .map(|w| format!("{}", *w as f64 / total as f64))
            .collect(),
        1 => weights
            .iter()
            .map(|w| format!("{}", 0.8 * *w as f64 / total as f64))
            .collect(),
        2 if k > 1 => (0..k)
            .map(|i| {
                if i == 0 {
                    format!("{}", 0.5 * weights[0] as f64 / total as f64)
                } else {
                    String::new()
                }
            })
            .collect(),
        _ => vec![String::new(); k],
    }
}

/// Every BOM has one input, every entity makes one item: a chain of items, with each entity
/// assigned to one item and buying from entities of the item below.
fn chain_dataset(seed: u64, shape: Shape) -> Files {
    let mut rng = Rng::new(seed);
    let levels = shape.levels.max(2);
    let n_ent = shape.entities.max(levels);
    let mut countries = String::from("code,trust\n");
    for c in 0..shape.countries {
        writeln!(countries, "C{c},trusted").unwrap();
    }
    // Entity e makes item level_of[e]; every level has at least one entity.
    let level_of: Vec<usize> = (0..n_ent)
        .map(|e| if e < levels { e } else { rng.below(levels) })
        .collect();
    let at = |l: usize| -> Vec<usize> { (0..n_ent).filter(|&e| level_of[e] == l).collect() };
    let mut entities = String::from("id,name,country\n");
    for e in 0..n_ent {
        writeln!(entities, "E{e},Firm {e},C{}", rng.below(shape.countries)).unwrap();
    }
    let mut items = String::from("id,name\n");
    let mut bom = String::from("item,input\n");
    for l in 0..levels {
        writeln!(items, "I{l},Item {l}").unwrap();
        if l > 0 {
            writeln!(bom, "I{l},I{}", l - 1).unwrap();
        }
    }
    let mut supply = String::from("supplier,buyer,item,share\n");
    for (e, &l) in level_of.iter().enumerate() {
        if l == 0 || rng.chance(0.1) {
            continue; // a primary source, or an unmapped input
        }
        let below = at(l - 1);
        let mut sups = BTreeSet::new();
        for _ in 0..1 + rng.below(3) {
            sups.insert(*rng.pick(&below));
        }
        for s in sups {
            writeln!(supply, "E{s},E{e},I{}, ", l - 1).unwrap();
        }
    }
    let mut products = String::from("entity,item\n");
    for e in at(levels - 1) {
        writeln!(products, "E{e},I{}", levels - 1).unwrap();
    }
    // Entities that supply nobody and are not products still make their level's item, so a
    // supply row to a buyer of the level above is what makes them production nodes; entities
    // with no row are unused, which is only a warning.
    Files::from([
        ("countries.csv", countries),
        ("entities.csv", entities),
        ("items.csv", items),
        ("bom.csv", bom),
        ("supply.csv", supply),
        ("products.csv", products),
    ])
}

/// Writes `files` to a temporary folder and loads them; the generator only makes valid
/// datasets, so an invalid one fails the test with its diagnostics.
pub fn load(files: &Files) -> tierscope::model::Dataset {
    let dir = tempfile::tempdir().unwrap();
    write(files, dir.path());
    match tierscope::ingest::load(dir.path()) {
        Ok(l) => l.dataset,
        Err(tierscope_core::Error::InvalidDataset { diagnostics, .. }) => {
            panic!("generator made an invalid dataset: {diagnostics:?}")
        }
        Err(e) => panic!("{e}"),
    }
}

/// Every file under `dir`, recursively, sorted by path.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
pub mod hostile;
