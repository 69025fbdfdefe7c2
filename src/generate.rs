//! A deterministic synthetic dataset that looks like a real sector, at any size.
//!
//! `tierscope generate --out DIR --supply-rows N` writes a dataset folder in the format of
//! DATA-MODEL.md with exactly N rows in `supply.csv` (N may be 10 million or more: every file is
//! streamed, and only one sub-sector is held in memory at a time).
//!
//! **Shape.** A sector is a series of *families* (sub-sectors, about 10,000 supply rows each)
//! that share a small set of global commodities (metals, resins, gases):
//!
//! - a BOM `depth` levels deep (default 6): level 0 are raw materials, the top level are end
//!   products; every item above level 0 needs 1–4 inputs, the first from the level just below,
//!   and level-1 items often need a commodity too;
//! - entities specialise in one level and make 1–3 of its items;
//! - multi-sourcing with a realistic skew: most inputs have 1–3 suppliers, a long tail has up
//!   to 30, and buyers prefer the big suppliers (a few makers get most of the business);
//!   shares are given in full, in part (partial coverage), left blank, or mixed; about 5 % of
//!   inputs have an unqualified alternate; about 2 % are unmapped;
//! - countries with a skewed size and a trust mix (about 60 % trusted, 25 % neutral, 15 %
//!   untrusted); each sub-sector has 3–5 home countries where three quarters of its firms
//!   are; ownership groups (majority chains and minority stakes), restricted parties
//!   (listed by id, listed by name only, flagged, and inherited by the 50 percent rule);
//! - end products with annual revenue and inventory days; some entities with recovery days.
//!
//! With `single_input`, every BOM has one input and every entity makes one item: there the
//! entity-level single points of failure are exactly the dominators of each product, which is
//! what the side-by-side comparison checks against networkx and igraph.
//!
//! **Substitutes and distributors** (rules 3; off by default, and then the files are what they
//! were before these options existed, byte for byte):
//! - `substitutes` (a fraction): about that fraction of the items below the top level get a
//!   substitute, the next item of their level; every BOM that needs either needs the pair as
//!   one `group`, and buyers spread their purchase over both items' makers;
//! - `distributors` (a fraction): about that fraction of the purchases from a family's makers
//!   go through one of the family's distributors (`kind` distributor), which buys the item from
//!   each maker whose sales it carries (blank shares: an equal split). A distributor carries
//!   many items for many buyers; distributors buy only from makers, so there is no cycle.
//!
//! Their random choices come from a stream of their own, so the rest of a family is drawn as
//! without them, except where the wider BOM itself changes what is drawn.
//!
//! **Determinism.** The same options give byte-identical files on every platform: the PRNG is
//! xoshiro256** seeded by SplitMix64, implemented here, and every number is written from
//! integers. The last family is cut short where the row count reaches N, which can leave a few
//! inputs of that family unmapped.
//!
//! **Cost.** O(N) time; memory O(countries + commodities + one family).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

mod shapes;

/// What `generate` writes: a sector (the default) or one of the stress shapes of
/// [`shapes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Shape {
    /// Sub-sectors sharing global commodities (the default).
    #[default]
    Sector,
    /// One item with N inputs, each from its own supplier.
    Wide,
    /// A distributor with N/2 suppliers, and a maker feeding N/2 buyers.
    Hub,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rows of `supply.csv`.
    pub supply_rows: u64,
    pub seed: u64,
    /// Number of countries (at least 2).
    pub countries: usize,
    /// BOM levels (2 to 12; the default 6 gives a 6-level BOM).
    pub depth: usize,
    /// Every BOM has one input and every entity makes one item.
    pub single_input: bool,
    /// Fraction of the items below the top level that get a substitute (0: none).
    pub substitutes: f64,
    /// Fraction of the purchases from makers that go through a distributor (0: none).
    pub distributors: f64,
    /// The sector, or a stress shape (`--shape wide|hub`).
    pub shape: Shape,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            supply_rows: 10_000,
            seed: 1,
            countries: 40,
            depth: 6,
            single_input: false,
            substitutes: 0.0,
            distributors: 0.0,
            shape: Shape::Sector,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub supply_rows: u64,
    pub entities: u64,
    pub items: u64,
    pub bom_rows: u64,
    pub products: u64,
    pub ownership_rows: u64,
    pub restricted_rows: u64,
    pub families: u64,
    /// Entities of `kind` distributor (included in `entities`).
    pub distributors: u64,
    /// BOM rows in a group of substitutes (included in `bom_rows`).
    pub grouped_bom_rows: u64,
}

/// Supply rows a family aims at.
const FAMILY_ROWS: u64 = 10_000;
/// Global commodities (raw materials every family may need).
const COMMODITIES: usize = 16;

/// Checks the options; returns a message for a person when they cannot be used.
pub fn check(opts: &Options) -> Result<(), String> {
    if opts.supply_rows == 0 {
        return Err("--supply-rows is 0 (expected at least 1)".into());
    }
    if opts.countries < 2 {
        return Err(format!(
            "--countries is {} (expected at least 2)",
            opts.countries
        ));
    }
    if !(2..=12).contains(&opts.depth) {
        return Err(format!(
            "--depth is {} (expected 2 to 12 BOM levels)",
            opts.depth
        ));
    }
    for (flag, v) in [
        ("--substitutes", opts.substitutes),
        ("--distributors", opts.distributors),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(format!("{flag} is {v} (expected a fraction from 0 to 1)"));
        }
        if v > 0.0 && opts.single_input {
            return Err(format!(
                "{flag} with --single-input (expected one or the other: --single-input promises one input per BOM and one item per entity)"
            ));
        }
    }
    if opts.shape != Shape::Sector {
        if opts.single_input || opts.substitutes > 0.0 || opts.distributors > 0.0 {
            return Err(
                "--shape wide or hub with --single-input, --substitutes or --distributors (expected the shape alone)".into(),
            );
        }
        if opts.shape == Shape::Hub && opts.supply_rows < 3 {
            return Err(format!(
                "--supply-rows is {} with --shape hub (expected at least 3)",
                opts.supply_rows
            ));
        }
    }
    Ok(())
}

/// Writes the dataset into `dir` (created if missing).
pub fn generate(dir: &Path, opts: &Options) -> io::Result<Written> {
    check(opts).map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    if opts.shape != Shape::Sector {
        return shapes::generate(dir, opts);
    }
    std::fs::create_dir_all(dir)?;
    let mut w = Writers::create(dir, opts)?;
    let mut rng = Rng::new(opts.seed);
    let mut written = Written::default();

    // Countries: a skewed size (the first few host most firms) and a trust mix.
    let countries = write_countries(&mut w, &mut rng, opts.countries)?;
    let country_weights: Vec<f64> = (0..countries.len())
        .map(|i| 1.0 / ((i + 1) as f64).powf(0.9))
        .collect();
    let country_pick = Cumulative::new(&country_weights);

    // Commodities and their global suppliers, more of them for a bigger sector.
    let families_hint = opts.supply_rows.div_ceil(FAMILY_ROWS);
    let per_commodity = (3 + families_hint / 8).min(30) as usize;
    let mut commodity_suppliers: Vec<Vec<String>> = Vec::with_capacity(COMMODITIES);
    let mut commodity_used: Vec<bool> = Vec::new();
    let mut commodity_rows: Vec<String> = Vec::new();
    for c in 0..COMMODITIES {
        writeln!(
            w.items,
            "COM{c},{} grade {c},commodities,{}",
            COMMODITY_NAMES[c % COMMODITY_NAMES.len()],
            if c % 5 == 0 { "true" } else { "" }
        )?;
        written.items += 1;
        let mut ids = Vec::with_capacity(per_commodity);
        for k in 0..per_commodity {
            let id = format!("COM{c}-S{k}");
            // Commodity production is concentrated: mostly the first, biggest countries.
            let country = country_pick.pick(rng.unit().powi(2));
            let mut row = String::new();
            let rec = recovery_days(&mut rng);
            writeln!(
                row,
                "{id},{} Mining and Refining {k} Ltd,{},site,,{rec}",
                COMMODITY_NAMES[c % COMMODITY_NAMES.len()],
                countries[country].code
            )
            .expect("writing to a String");
            ids.push(id);
            commodity_rows.push(row);
            commodity_used.push(false);
        }
        commodity_suppliers.push(ids);
    }

    let mut left = opts.supply_rows;
    let mut f = 0u64;
    while left > 0 {
        let target = FAMILY_ROWS.min(opts.supply_rows);
        let mut fam_rng = Rng::new(opts.seed ^ splitmix(f.wrapping_add(0x5EED)));
        let fam = Family::plan(f, target, opts, &mut fam_rng);
        fam.write(
            &mut fam_rng,
            opts,
            &countries,
            &country_pick,
            &commodity_suppliers,
            &mut commodity_used,
            &mut left,
            &mut w,
            &mut written,
        )?;
        f += 1;
    }
    written.families = f;
    for (i, row) in commodity_rows.iter().enumerate() {
        if commodity_used[i] {
            w.entities.write_all(row.as_bytes())?;
            written.entities += 1;
        }
    }
    w.finish()?;
    written.supply_rows = opts.supply_rows - left;
    Ok(written)
}

const COMMODITY_NAMES: &[&str] = &[
    "Copper",
    "Silicon",
    "Resin",
    "Nickel",
    "Lithium",
    "Aluminium",
    "Gallium",
    "Neon",
    "Steel",
    "Cobalt",
    "Graphite",
    "Tin",
    "Tungsten",
    "Rare earth",
    "Glass",
    "Solvent",
];

/// Real country codes first, then made-up ones.
const CODES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("CN", "China"),
    ("DE", "Germany"),
    ("JP", "Japan"),
    ("KR", "South Korea"),
    ("TW", "Taiwan"),
    ("IN", "India"),
    ("FR", "France"),
    ("RU", "Russia"),
    ("MX", "Mexico"),
    ("VN", "Vietnam"),
    ("IT", "Italy"),
    ("GB", "United Kingdom"),
    ("BR", "Brazil"),
    ("MY", "Malaysia"),
    ("IR", "Iran"),
    ("NL", "Netherlands"),
    ("TH", "Thailand"),
    ("CA", "Canada"),
    ("PL", "Poland"),
    ("ID", "Indonesia"),
    ("ES", "Spain"),
    ("BY", "Belarus"),
    ("CH", "Switzerland"),
    ("TR", "Turkey"),
    ("SG", "Singapore"),
    ("PH", "Philippines"),
    ("SE", "Sweden"),
    ("KP", "North Korea"),
    ("CZ", "Czechia"),
    ("AU", "Australia"),
    ("CL", "Chile"),
    ("ZA", "South Africa"),
    ("IL", "Israel"),
    ("AT", "Austria"),
    ("SA", "Saudi Arabia"),
    ("BE", "Belgium"),
    ("HU", "Hungary"),
    ("AR", "Argentina"),
    ("MM", "Myanmar"),
];
const UNTRUSTED: &[&str] = &["CN", "RU", "IR", "BY", "KP", "MM"];
const NEUTRAL: &[&str] = &[
    "IN", "MX", "VN", "BR", "MY", "TH", "ID", "TR", "SG", "PH", "ZA", "SA", "AR", "CL",
];

struct CountryRow {
    code: String,
    name: String,
    trust: &'static str,
    governance: u32,
}

/// Makes the countries and writes `countries.csv`.
fn write_countries(w: &mut Writers, rng: &mut Rng, k: usize) -> io::Result<Vec<CountryRow>> {
    let countries = make_countries(rng, k);
    for c in &countries {
        writeln!(
            w.countries,
            "{},{},{},{}",
            c.code, c.name, c.trust, c.governance
        )?;
    }
    Ok(countries)
}

fn make_countries(rng: &mut Rng, k: usize) -> Vec<CountryRow> {
    (0..k)
        .map(|i| {
            let (code, name, trust) = match CODES.get(i) {
                Some(&(code, name)) => (
                    code.to_string(),
                    name.to_string(),
                    if UNTRUSTED.contains(&code) {
                        "untrusted"
                    } else if NEUTRAL.contains(&code) {
                        "neutral"
                    } else {
                        "trusted"
                    },
                ),
                None => {
                    let r = rng.below(100);
                    (
                        format!("X{i:03}"),
                        format!("Country {i}"),
                        if r < 15 {
                            "untrusted"
                        } else if r < 40 {
                            "neutral"
                        } else {
                            "trusted"
                        },
                    )
                }
            };
            CountryRow {
                code,
                name,
                trust,
                governance: 20 + rng.below(80) as u32,
            }
        })
        .collect()
}

/// Time to recover for about one entity in seven: mostly weeks, a long tail of months.
fn recovery_days(rng: &mut Rng) -> String {
    if !rng.chance(0.15) {
        return String::new();
    }
    let r = rng.below(100);
    let days = if r < 80 {
        3 + rng.below(28)
    } else if r < 97 {
        30 + rng.below(60)
    } else {
        90 + rng.below(275)
    };
    days.to_string()
}

/// One sub-sector: its items by level, its entities by level, and who can make what.
struct Family {
    f: u64,
    /// Items per level.
    items: Vec<u32>,
    /// For each level and item, its inputs: (level, item) or a commodity (level `u32::MAX`).
    bom: Vec<Vec<Vec<(u32, u32)>>>,
    /// For each level and item, its substitute (an item of the same level), if any.
    partner: Vec<Vec<Option<u32>>>,
    /// How many distributors the family has (0: none).
    distributors: u32,
    /// Entities: (level, items it makes).
    entities: Vec<(u32, Vec<u32>)>,
    /// For each level and item, the entities that can make it (big makers first).
    makers: Vec<Vec<Vec<u32>>>,
}

const COMMODITY: u32 = u32::MAX;

impl Family {
    fn plan(f: u64, target: u64, opts: &Options, rng: &mut Rng) -> Family {
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
        let mut family = Family {
            f,
            items,
            bom,
            partner: Vec::new(),
            distributors: 0,
            entities,
            makers,
        };
        family.add_requirements(opts);
        family
    }

    /// Substitute pairs and distributors, drawn from a stream of their own.
    fn add_requirements(&mut self, opts: &Options) {
        self.partner = self.items.iter().map(|&n| vec![None; n as usize]).collect();
        if opts.substitutes <= 0.0 && opts.distributors <= 0.0 {
            return;
        }
        let mut rng = Rng::new(opts.seed ^ splitmix(self.f.wrapping_add(0x5B57)));
        let top = self.items.len() - 1;
        if opts.substitutes > 0.0 {
            for l in 0..top {
                for x in (0..self.items[l].saturating_sub(1)).step_by(2) {
                    if rng.chance(opts.substitutes) {
                        self.partner[l][x as usize] = Some(x + 1);
                        self.partner[l][x as usize + 1] = Some(x);
                    }
                }
            }
            // Every BOM that needs one of a pair needs both, as one group.
            for level in &mut self.bom {
                for inputs in level.iter_mut() {
                    let extra: Vec<(u32, u32)> = inputs
                        .iter()
                        .filter(|&&(il, _)| il != COMMODITY)
                        .filter_map(|&(il, ix)| {
                            self.partner[il as usize][ix as usize].map(|p| (il, p))
                        })
                        .filter(|p| !inputs.contains(p))
                        .collect();
                    for p in extra {
                        if !inputs.contains(&p) {
                            inputs.push(p);
                        }
                    }
                }
            }
        }
        if opts.distributors > 0.0 {
            self.distributors = (self.entities.len() as u32 / 150).clamp(1, 12);
        }
    }

    /// The substitute group of input (`il`, `ix`) in a BOM: named by the pair's first item.
    fn group(&self, il: u32, ix: u32) -> Option<String> {
        if il == COMMODITY {
            return None;
        }
        self.partner[il as usize][ix as usize]
            .map(|p| format!("alt-{}", self.item_id(il, ix.min(p))))
    }

    fn distributor_id(&self, d: u32) -> String {
        format!("F{}-D{d}", self.f)
    }

    fn entity_id(&self, e: u32) -> String {
        format!("F{}-{}-E{e}", self.f, self.entities[e as usize].0)
    }

    fn item_id(&self, level: u32, x: u32) -> String {
        if level == COMMODITY {
            format!("COM{x}")
        } else {
            format!("F{}-{level}-I{x}", self.f)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write(
        &self,
        rng: &mut Rng,
        opts: &Options,
        countries: &[CountryRow],
        country_pick: &Cumulative,
        commodity_suppliers: &[Vec<String>],
        commodity_used: &mut [bool],
        left: &mut u64,
        w: &mut Writers,
        written: &mut Written,
    ) -> io::Result<()> {
        let depth = opts.depth;
        let top = (depth - 1) as u32;
        // Items and the BOM.
        for (l, &n) in self.items.iter().enumerate() {
            for x in 0..n {
                let sector = if l + 1 == depth {
                    "end products"
                } else if l == 0 {
                    "raw materials"
                } else {
                    "components"
                };
                let critical = if rng.chance(0.1) { "true" } else { "" };
                writeln!(
                    w.items,
                    "{},Family {} level {l} part {x},{sector},{critical}",
                    self.item_id(l as u32, x),
                    self.f
                )?;
                written.items += 1;
                for &(il, ix) in &self.bom[l][x as usize] {
                    let qty = 1 + rng.below(8);
                    write!(
                        w.bom,
                        "{},{},{qty}",
                        self.item_id(l as u32, x),
                        self.item_id(il, ix)
                    )?;
                    if opts.substitutes > 0.0 {
                        let group = self.group(il, ix);
                        written.grouped_bom_rows += u64::from(group.is_some());
                        write!(w.bom, ",{}", group.unwrap_or_default())?;
                    }
                    writeln!(w.bom)?;
                    written.bom_rows += 1;
                }
            }
        }
        // End products: every item the top-level entities make.
        let mut used = vec![false; self.entities.len()];
        let mut nodes_at: Vec<Vec<(u32, u32)>> = vec![Vec::new(); depth];
        let mut seen: HashSet<(u32, u32)> = HashSet::new();
        for (e, (l, caps)) in self.entities.iter().enumerate() {
            if *l != top {
                continue;
            }
            used[e] = true;
            for &x in caps {
                seen.insert((e as u32, x));
                nodes_at[top as usize].push((e as u32, x));
                let revenue = (10f64).powf(6.0 + 3.5 * rng.unit()).round() as u64;
                let inventory = 20 + rng.below(101);
                writeln!(
                    w.products,
                    "{},{},{revenue},{inventory}",
                    self.entity_id(e as u32),
                    self.item_id(top, x)
                )?;
                written.products += 1;
            }
        }
        // Supply, from the end products down, level by level.
        let mut via = Routing::new(self, opts);
        let mut handled: HashSet<(u32, u32, u32)> = HashSet::new();
        let mut chosen: Vec<(Supplier, String)> = Vec::new();
        let mut line = String::with_capacity(128);
        'levels: for l in (1..depth).rev() {
            let mut i = 0;
            while i < nodes_at[l].len() {
                let (e, x) = nodes_at[l][i];
                i += 1;
                let buyer = self.entity_id(e);
                for &(il, ix) in &self.bom[l][x as usize] {
                    if *left == 0 {
                        break 'levels;
                    }
                    let partner = (il != COMMODITY)
                        .then(|| self.partner[il as usize][ix as usize])
                        .flatten();
                    if partner.is_some_and(|p| p < ix) {
                        continue; // a pair of substitutes is bought with its first item
                    }
                    if !handled.insert((e, il, ix)) || rng.chance(0.02) {
                        continue; // bought already for another item, or unmapped
                    }
                    let pool: Vec<Supplier> = if il == COMMODITY {
                        (0..commodity_suppliers[ix as usize].len() as u32)
                            .map(|k| Supplier::Commodity(ix, k))
                            .collect()
                    } else {
                        // The makers of the item, then those of its substitute.
                        std::iter::once(ix)
                            .chain(partner)
                            .flat_map(|y| {
                                self.makers[il as usize][y as usize]
                                    .iter()
                                    .filter(|&&s| s != e)
                                    .map(move |&s| Supplier::Local(s, y))
                            })
                            .collect()
                    };
                    if pool.is_empty() {
                        continue;
                    }
                    let k = supplier_count(rng).min(pool.len());
                    chosen.clear();
                    let mut taken: Vec<usize> = Vec::with_capacity(k);
                    while taken.len() < k {
                        // Buyers prefer the big makers at the front of the pool.
                        let j = ((pool.len() as f64) * rng.unit().powf(1.8)) as usize;
                        let j = j.min(pool.len() - 1);
                        if !taken.contains(&j) {
                            taken.push(j);
                        } else if taken.len() * 2 >= pool.len() {
                            // Dense pick: take the next free one.
                            let free = (0..pool.len()).find(|p| !taken.contains(p));
                            taken.push(free.expect("k <= pool size"));
                        }
                    }
                    let shares = shares(rng, k);
                    for (&j, share) in taken.iter().zip(shares) {
                        chosen.push((pool[j], share));
                    }
                    // An unqualified alternate now and then.
                    if taken.len() < pool.len() && rng.chance(0.05) {
                        let j = (0..pool.len())
                            .cycle()
                            .skip(rng.below(pool.len()))
                            .find(|p| !taken.contains(p))
                            .expect("a free maker");
                        chosen.push((pool[j], "!".into()));
                    }
                    for (s, share) in &chosen {
                        if *left == 0 {
                            break 'levels;
                        }
                        line.clear();
                        let y = match *s {
                            Supplier::Local(_, y) => y,
                            Supplier::Commodity(..) => ix,
                        };
                        let item = self.item_id(il, y);
                        match *s {
                            Supplier::Local(s, y) => {
                                used[s as usize] = true;
                                if seen.insert((s, y)) && il > 0 {
                                    nodes_at[il as usize].push((s, y));
                                }
                                // Now and then through a distributor, which buys from the maker.
                                match via.route(self, s, e, il, y, share == "!") {
                                    Some((d, inbound)) => {
                                        if inbound {
                                            writeln!(
                                                w.supply,
                                                "{},{},{item},,,",
                                                self.entity_id(s),
                                                self.distributor_id(d)
                                            )?;
                                            *left -= 1;
                                            if *left == 0 {
                                                break 'levels;
                                            }
                                        }
                                        line.push_str(&self.distributor_id(d));
                                    }
                                    None => line.push_str(&self.entity_id(s)),
                                }
                            }
                            Supplier::Commodity(c, k) => {
                                line.push_str(&commodity_suppliers[c as usize][k as usize]);
                                commodity_used
                                    [(c as usize) * commodity_suppliers[0].len() + k as usize] =
                                    true;
                            }
                        }
                        used[e as usize] = true;
                        let (share, qualified) = match share.as_str() {
                            "!" => ("", "false"),
                            s => (s, ""),
                        };
                        let lead = if rng.chance(0.5) {
                            (7 + rng.below(120)).to_string()
                        } else {
                            String::new()
                        };
                        writeln!(line, ",{buyer},{item},{share},{qualified},{lead}")
                            .expect("writing to a String");
                        w.supply.write_all(line.as_bytes())?;
                        *left -= 1;
                    }
                }
            }
        }
        // Entities that take part, their owners, and restricted parties. A sub-sector has a
        // few home countries where most of its firms are.
        let homes: Vec<usize> = (0..3 + rng.below(3))
            .map(|_| country_pick.pick(rng.unit()))
            .collect();
        via.write_entities(self, countries, country_pick, w, written)?;
        let mut name = String::new();
        let mut restricted_here: Vec<u32> = Vec::new();
        for (e, &u) in used.iter().enumerate() {
            if !u {
                continue;
            }
            let country = if rng.chance(0.75) {
                &countries[homes[rng.below(homes.len())]]
            } else {
                &countries[country_pick.pick(rng.unit())]
            };
            let untrusted = country.trust == "untrusted";
            name.clear();
            write!(
                name,
                "{} {} {}",
                NAME_A[rng.below(NAME_A.len())],
                NAME_B[rng.below(NAME_B.len())],
                self.entity_id(e as u32)
            )
            .expect("writing to a String");
            let flagged = rng.chance(0.002);
            let kind = if rng.chance(0.6) { "site" } else { "firm" };
            let rec = recovery_days(rng);
            writeln!(
                w.entities,
                "{},{name} {},{},{kind},{},{rec}",
                self.entity_id(e as u32),
                LEGAL[rng.below(LEGAL.len())],
                country.code,
                if flagged { "true" } else { "" }
            )?;
            written.entities += 1;
            if untrusted && rng.chance(0.03) {
                writeln!(
                    w.restricted,
                    "{name},{},Entity List,Export Administration Regulations,{}",
                    self.entity_id(e as u32),
                    country.code
                )?;
                written.restricted_rows += 1;
                restricted_here.push(e as u32);
            } else if rng.chance(0.003) {
                // Listed by name only, in another spelling of the legal form.
                writeln!(
                    w.restricted,
                    "{} LIMITED,,SDN List,,{}",
                    name.to_uppercase(),
                    country.code
                )?;
                written.restricted_rows += 1;
            }
        }
        // Ownership among the entities written: majority links point to an earlier entity
        // (so there is no majority cycle); minority stakes go anywhere. Owners of restricted
        // parties sometimes hold stakes in others, so the 50 percent rule has work to do.
        let alive: Vec<u32> = (0..used.len() as u32)
            .filter(|&e| used[e as usize])
            .collect();
        for (i, &e) in alive.iter().enumerate() {
            let mut left_share = 100u32;
            let mut owners: Vec<u32> = Vec::new();
            if i > 0 && rng.chance(0.15) {
                let o = alive[rng.below(i)];
                let s = [51u32, 60, 75, 100][rng.below(4)];
                writeln!(
                    w.ownership,
                    "{},{},{}",
                    self.entity_id(o),
                    self.entity_id(e),
                    percent(s)
                )?;
                written.ownership_rows += 1;
                owners.push(o);
                left_share -= s;
            }
            let minority = if restricted_here.is_empty() {
                None
            } else if rng.chance(0.02) {
                Some(restricted_here[rng.below(restricted_here.len())])
            } else {
                None
            };
            let minority = minority.or_else(|| {
                (alive.len() > 1 && rng.chance(0.05)).then(|| alive[rng.below(alive.len())])
            });
            if let Some(o) = minority
                && o != e
                && !owners.contains(&o)
                && left_share >= 10
            {
                let s = (10 + rng.below(40) as u32).min(left_share);
                writeln!(
                    w.ownership,
                    "{},{},{}",
                    self.entity_id(o),
                    self.entity_id(e),
                    percent(s)
                )?;
                written.ownership_rows += 1;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
enum Supplier {
    /// An entity of the family, and the item (of the input's level) it sells.
    Local(u32, u32),
    Commodity(u32, u32),
}

/// Which purchases of a family go through its distributors, on a random stream of its own.
struct Routing {
    rng: Rng,
    fraction: f64,
    /// (distributor, buyer, level, item) already sold: one row per supplier, buyer and item.
    sold: HashSet<(u32, u32, u32, u32)>,
    /// (maker, distributor, level, item) already bought.
    bought: HashSet<(u32, u32, u32, u32)>,
    used: Vec<bool>,
}

impl Routing {
    fn new(family: &Family, opts: &Options) -> Routing {
        Routing {
            rng: Rng::new(opts.seed ^ splitmix(family.f.wrapping_add(0xD157))),
            fraction: opts.distributors,
            sold: HashSet::new(),
            bought: HashSet::new(),
            used: vec![false; family.distributors as usize],
        }
    }

    /// Whether maker `s`'s sale of item (`il`, `y`) to buyer `e` goes through a distributor:
    /// the distributor of that item (each item has one in its family), and whether the
    /// distributor's own row from `s` is new. Alternates (unqualified rows) are bought direct.
    fn route(
        &mut self,
        family: &Family,
        s: u32,
        e: u32,
        il: u32,
        y: u32,
        alternate: bool,
    ) -> Option<(u32, bool)> {
        if family.distributors == 0 || alternate || !self.rng.chance(self.fraction) {
            return None;
        }
        let d = ((il as u64 * 7919 + y as u64) % family.distributors as u64) as u32;
        if !self.sold.insert((d, e, il, y)) {
            return None; // it sells this buyer the item already: this sale stays direct
        }
        self.used[d as usize] = true;
        Some((d, self.bought.insert((s, d, il, y))))
    }

    /// The distributors that carried something, as entities of `kind` distributor.
    fn write_entities(
        &mut self,
        family: &Family,
        countries: &[CountryRow],
        country_pick: &Cumulative,
        w: &mut Writers,
        written: &mut Written,
    ) -> io::Result<()> {
        for d in 0..family.distributors {
            if !self.used[d as usize] {
                continue;
            }
            let country = &countries[country_pick.pick(self.rng.unit())];
            writeln!(
                w.entities,
                "{},{} Distribution {} of family {} Inc,{},distributor,,",
                family.distributor_id(d),
                NAME_A[self.rng.below(NAME_A.len())],
                d,
                family.f,
                country.code
            )?;
            written.entities += 1;
            written.distributors += 1;
        }
        Ok(())
    }
}

const NAME_A: &[&str] = &[
    "Northern", "Pacific", "United", "Golden", "Delta", "Apex", "Summit", "Eastern", "Royal",
    "Prime", "Orion", "Vector",
];
const NAME_B: &[&str] = &[
    "Precision",
    "Materials",
    "Components",
    "Industries",
    "Chemicals",
    "Electronics",
    "Metals",
    "Systems",
];
const LEGAL: &[&str] = &["Ltd", "Inc", "GmbH", "Co", "Corp", "SA", "AG", "PLC"];

/// Suppliers of one input: mostly 1–3, a long tail up to 30.
fn supplier_count(rng: &mut Rng) -> usize {
    let r = rng.below(100);
    match r {
        0..25 => 1,
        25..60 => 2,
        60..80 => 3,
        _ => 4 + (26.0 * rng.unit().powi(3)) as usize,
    }
}

/// A share in hundredths or thousandths, written exactly: `0.25`, `1`.
fn thousandths(t: u32) -> String {
    if t >= 1000 {
        "1".into()
    } else {
        let s = format!("0.{t:03}");
        s.trim_end_matches('0').to_string()
    }
}

fn percent(p: u32) -> String {
    thousandths(p * 10)
}

/// Shares for k qualified rows of one (buyer, item): all given and summing to 1, given but
/// partial, all blank, or the first given and the rest blank.
fn shares(rng: &mut Rng, k: usize) -> Vec<String> {
    let mode = rng.below(100);
    let total = match mode {
        0..65 => 1000,
        65..71 => 700 + rng.below(251) as u32,
        71..95 => return vec![String::new(); k],
        _ if k == 1 => 1000,
        _ => {
            let first = 300 + rng.below(301) as u32;
            let mut v = vec![String::new(); k];
            v[0] = thousandths(first);
            return v;
        }
    };
    // Skewed weights: the first supplier tends to hold most.
    let weights: Vec<u32> = (0..k)
        .map(|i| (4 + rng.below(17) as u32) * if i == 0 { 2 } else { 1 })
        .collect();
    let sum: u32 = weights.iter().sum();
    let spare = total - k as u32; // every row holds at least one thousandth
    let mut parts: Vec<u32> = weights.iter().map(|w| 1 + spare * w / sum).collect();
    let given: u32 = parts.iter().sum();
    parts[0] += total - given;
    parts.into_iter().map(thousandths).collect()
}

/// Picks an index with probability proportional to its weight, from a uniform number.
struct Cumulative(Vec<f64>);

impl Cumulative {
    fn new(weights: &[f64]) -> Cumulative {
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        Cumulative(
            weights
                .iter()
                .map(|w| {
                    acc += w / total;
                    acc
                })
                .collect(),
        )
    }

    fn pick(&self, u: f64) -> usize {
        self.0
            .partition_point(|&c| c < u)
            .min(self.0.len().saturating_sub(1))
    }
}

/// The dataset's files, each buffered.
struct Writers {
    countries: BufWriter<File>,
    entities: BufWriter<File>,
    items: BufWriter<File>,
    bom: BufWriter<File>,
    supply: BufWriter<File>,
    products: BufWriter<File>,
    ownership: BufWriter<File>,
    restricted: BufWriter<File>,
}

impl Writers {
    fn create(dir: &Path, opts: &Options) -> io::Result<Writers> {
        let open = |name: &str, header: &str| -> io::Result<BufWriter<File>> {
            let path: PathBuf = dir.join(name);
            let mut w = BufWriter::with_capacity(1 << 17, File::create(path)?);
            w.write_all(header.as_bytes())?;
            w.write_all(b"\n")?;
            Ok(w)
        };
        Ok(Writers {
            countries: open("countries.csv", "code,name,trust,governance")?,
            entities: open(
                "entities.csv",
                "id,name,country,kind,restricted,recovery_days",
            )?,
            items: open("items.csv", "id,name,sector,critical")?,
            bom: open(
                "bom.csv",
                if opts.substitutes > 0.0 {
                    "item,input,quantity,group"
                } else {
                    "item,input,quantity"
                },
            )?,
            supply: open(
                "supply.csv",
                "supplier,buyer,item,share,qualified,lead_time_days",
            )?,
            products: open("products.csv", "entity,item,annual_revenue,inventory_days")?,
            ownership: open("ownership.csv", "owner,entity,share")?,
            restricted: open("restricted.csv", "name,entity,list,program,country")?,
        })
    }

    fn finish(self) -> io::Result<()> {
        for mut w in [
            self.countries,
            self.entities,
            self.items,
            self.bom,
            self.supply,
            self.products,
            self.ownership,
            self.restricted,
        ] {
            w.flush()?;
        }
        Ok(())
    }
}

/// SplitMix64: seeds the generator and derives a seed per family.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// xoshiro256** (Blackman and Vigna, 2018): small, fast, and the same on every platform.
pub struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut s = [0u64; 4];
        let mut x = seed;
        for v in &mut s {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            *v = splitmix(x);
        }
        Rng(s)
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_valid() {
        let mut rng = Rng::new(7);
        for k in 1..40 {
            for _ in 0..200 {
                let s = shares(&mut rng, k);
                assert_eq!(s.len(), k);
                let given: Vec<f64> = s.iter().filter_map(|x| x.parse::<f64>().ok()).collect();
                let sum: f64 = given.iter().sum();
                assert!(given.iter().all(|&g| g > 0.0 && g <= 1.0));
                assert!(sum <= 1.0 + 1e-9, "{s:?}");
                if given.len() < k {
                    assert!(sum < 1.0 - 1e-6, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn thousandths_are_exact() {
        assert_eq!(thousandths(250), "0.25");
        assert_eq!(thousandths(1000), "1");
        assert_eq!(thousandths(7), "0.007");
        assert_eq!(percent(51), "0.51");
    }
}
