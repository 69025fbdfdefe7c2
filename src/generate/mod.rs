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

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

mod family;
mod rng;
mod shapes;

use family::{Family, Sector};
pub use rng::Rng;
use rng::splitmix;

/// What `generate` writes: a sector (the default) or one of the stress shapes of
/// `shapes`.
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

    let commodities = write_commodities(&mut w, &mut rng, opts, &countries, &country_pick)?;
    written.items += COMMODITIES as u64;
    let Commodities {
        suppliers: commodity_suppliers,
        mut used,
        rows: commodity_rows,
    } = commodities;
    let mut sx = Sector {
        opts,
        countries: &countries,
        country_pick: &country_pick,
        commodity_suppliers: &commodity_suppliers,
        commodity_used: &mut used,
        left: opts.supply_rows,
        w: &mut w,
        written: &mut written,
    };
    let mut f = 0u64;
    while sx.left > 0 {
        let target = FAMILY_ROWS.min(opts.supply_rows);
        let mut fam_rng = Rng::new(opts.seed ^ splitmix(f.wrapping_add(0x5EED)));
        let fam = Family::plan(f, target, opts, &mut fam_rng);
        fam.write(&mut fam_rng, &mut sx)?;
        f += 1;
    }
    let left = sx.left;
    written.families = f;
    for (i, row) in commodity_rows.iter().enumerate() {
        if used[i] {
            w.entities.write_all(row.as_bytes())?;
            written.entities += 1;
        }
    }
    w.finish()?;
    written.supply_rows = opts.supply_rows - left;
    Ok(written)
}

/// The global commodities' suppliers: ids by commodity, whether each sold something (in
/// the same order, flat), and each one's row of `entities.csv`, written once it has.
struct Commodities {
    suppliers: Vec<Vec<String>>,
    used: Vec<bool>,
    rows: Vec<String>,
}

/// Writes the commodities to `items.csv` and makes their global suppliers, more of them for
/// a bigger sector.
fn write_commodities(
    w: &mut Writers,
    rng: &mut Rng,
    opts: &Options,
    countries: &[CountryRow],
    country_pick: &Cumulative,
) -> io::Result<Commodities> {
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
        let mut ids = Vec::with_capacity(per_commodity);
        for k in 0..per_commodity {
            let id = format!("COM{c}-S{k}");
            // Commodity production is concentrated: mostly the first, biggest countries.
            let country = country_pick.pick(rng.unit().powi(2));
            let mut row = String::new();
            let rec = recovery_days(rng);
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

    Ok(Commodities {
        suppliers: commodity_suppliers,
        used: commodity_used,
        rows: commodity_rows,
    })
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
