//! One family (sub-sector) of a generated sector: drawn ([`Family::plan`]), then written
//! ([`Family::write`]) into the sector's files.

use super::COMMODITIES;
use super::rng::{Rng, splitmix};
use super::{CountryRow, Cumulative, Options, Writers, Written, percent, recovery_days, shares};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::ControlFlow;

mod draw;
mod routing;

use draw::{LEGAL, NAME_A, NAME_B, plan_bom, plan_entities, supplier_count};
use routing::Routing;

/// One sub-sector: its items by level, its entities by level, and who can make what.
pub(super) struct Family {
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
    /// Draws a family of about `target` supply rows: its entities by level, then its BOM.
    pub(super) fn plan(f: u64, target: u64, opts: &Options, rng: &mut Rng) -> Family {
        let (entities, items, makers) = plan_entities(target, opts, rng);
        let bom = plan_bom(&items, opts.single_input, rng);
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

    /// Writes the family: items and BOM, end products, supply from the end products down,
    /// then the entities that take part, their owners and restricted parties.
    pub(super) fn write(&self, rng: &mut Rng, sx: &mut Sector<'_>) -> io::Result<()> {
        self.write_items(rng, sx)?;
        let mut bought = Bought::new(self, sx.opts);
        self.write_products(rng, sx, &mut bought)?;
        self.write_supply(rng, sx, &mut bought)?;
        // A sub-sector has a few home countries where most of its firms are.
        let homes: Vec<usize> = (0..3 + rng.below(3))
            .map(|_| sx.country_pick.pick(rng.unit()))
            .collect();
        (bought.via).write_entities(self, sx.countries, sx.country_pick, sx.w, sx.written)?;
        let restricted_here = self.write_entities(rng, sx, &bought.used, &homes)?;
        self.write_ownership(rng, sx, &bought.used, &restricted_here)
    }

    /// Items and the BOM.
    fn write_items(&self, rng: &mut Rng, sx: &mut Sector<'_>) -> io::Result<()> {
        let depth = sx.opts.depth;
        let (w, written) = (&mut *sx.w, &mut *sx.written);
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
                    if sx.opts.substitutes > 0.0 {
                        let group = self.group(il, ix);
                        written.grouped_bom_rows += u64::from(group.is_some());
                        write!(w.bom, ",{}", group.unwrap_or_default())?;
                    }
                    writeln!(w.bom)?;
                    written.bom_rows += 1;
                }
            }
        }
        Ok(())
    }

    /// End products: every item the top-level entities make.
    fn write_products(
        &self,
        rng: &mut Rng,
        sx: &mut Sector<'_>,
        bought: &mut Bought,
    ) -> io::Result<()> {
        let top = (sx.opts.depth - 1) as u32;
        for (e, (l, caps)) in self.entities.iter().enumerate() {
            if *l != top {
                continue;
            }
            bought.used[e] = true;
            for &x in caps {
                bought.seen.insert((e as u32, x));
                bought.nodes_at[top as usize].push((e as u32, x));
                let revenue = (10f64).powf(6.0 + 3.5 * rng.unit()).round() as u64;
                let inventory = 20 + rng.below(101);
                writeln!(
                    sx.w.products,
                    "{},{},{revenue},{inventory}",
                    self.entity_id(e as u32),
                    self.item_id(top, x)
                )?;
                sx.written.products += 1;
            }
        }
        Ok(())
    }

    /// Supply, from the end products down, level by level, until no row is left.
    fn write_supply(
        &self,
        rng: &mut Rng,
        sx: &mut Sector<'_>,
        bought: &mut Bought,
    ) -> io::Result<()> {
        let mut handled: HashSet<(u32, u32, u32)> = HashSet::new();
        let mut chosen: Vec<(Supplier, String)> = Vec::new();
        for l in (1..sx.opts.depth).rev() {
            let mut i = 0;
            while i < bought.nodes_at[l].len() {
                let (e, x) = bought.nodes_at[l][i];
                i += 1;
                let buyer = self.entity_id(e);
                for &(il, ix) in &self.bom[l][x as usize] {
                    if sx.left == 0 {
                        return Ok(());
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
                    let pool = self.pool(e, il, ix, partner, sx.commodity_suppliers);
                    if pool.is_empty() {
                        continue;
                    }
                    choose(rng, &pool, &mut chosen);
                    let purchase = Purchase {
                        e,
                        buyer: &buyer,
                        il,
                        ix,
                    };
                    for (s, share) in &chosen {
                        let flow = self.write_supply_row(rng, sx, bought, &purchase, *s, share)?;
                        if flow.is_break() {
                            return Ok(());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Who can sell buyer `e` the input (`il`, `ix`): a commodity's suppliers, or the makers of
    /// the item, then those of its substitute.
    fn pool(
        &self,
        e: u32,
        il: u32,
        ix: u32,
        partner: Option<u32>,
        commodity_suppliers: &[Vec<String>],
    ) -> Vec<Supplier> {
        if il == COMMODITY {
            (0..commodity_suppliers[ix as usize].len() as u32)
                .map(|k| Supplier::Commodity(ix, k))
                .collect()
        } else {
            std::iter::once(ix)
                .chain(partner)
                .flat_map(|y| {
                    self.makers[il as usize][y as usize]
                        .iter()
                        .filter(|&&s| s != e)
                        .map(move |&s| Supplier::Local(s, y))
                })
                .collect()
        }
    }

    /// One supply row of `purchase` from `s` (`share` `!`: an unqualified alternate), and
    /// the distributor's own row when it goes through a new one; breaks when no row is left.
    fn write_supply_row(
        &self,
        rng: &mut Rng,
        sx: &mut Sector<'_>,
        bought: &mut Bought,
        purchase: &Purchase<'_>,
        s: Supplier,
        share: &str,
    ) -> io::Result<ControlFlow<()>> {
        let Purchase { e, buyer, il, ix } = *purchase;
        if sx.left == 0 {
            return Ok(ControlFlow::Break(()));
        }
        let line = &mut bought.line;
        line.clear();
        let y = match s {
            Supplier::Local(_, y) => y,
            Supplier::Commodity(..) => ix,
        };
        let item = self.item_id(il, y);
        match s {
            Supplier::Local(s, y) => {
                bought.used[s as usize] = true;
                if bought.seen.insert((s, y)) && il > 0 {
                    bought.nodes_at[il as usize].push((s, y));
                }
                // Now and then through a distributor, which buys from the maker.
                match bought.via.route(self, s, e, il, y, share == "!") {
                    Some((d, inbound)) => {
                        if inbound {
                            writeln!(
                                sx.w.supply,
                                "{},{},{item},,,",
                                self.entity_id(s),
                                self.distributor_id(d)
                            )?;
                            sx.left -= 1;
                            if sx.left == 0 {
                                return Ok(ControlFlow::Break(()));
                            }
                        }
                        line.push_str(&self.distributor_id(d));
                    }
                    None => line.push_str(&self.entity_id(s)),
                }
            }
            Supplier::Commodity(c, k) => {
                line.push_str(&sx.commodity_suppliers[c as usize][k as usize]);
                sx.commodity_used[(c as usize) * sx.commodity_suppliers[0].len() + k as usize] =
                    true;
            }
        }
        bought.used[e as usize] = true;
        let (share, qualified) = match share {
            "!" => ("", "false"),
            s => (s, ""),
        };
        let lead = if rng.chance(0.5) {
            (7 + rng.below(120)).to_string()
        } else {
            String::new()
        };
        writeln!(line, ",{buyer},{item},{share},{qualified},{lead}").expect("writing to a String");
        sx.w.supply.write_all(line.as_bytes())?;
        sx.left -= 1;
        Ok(ControlFlow::Continue(()))
    }

    /// The entities that take part, mostly in the family's `homes`; some restricted (listed
    /// by id, or by name only). Returns those listed by id.
    fn write_entities(
        &self,
        rng: &mut Rng,
        sx: &mut Sector<'_>,
        used: &[bool],
        homes: &[usize],
    ) -> io::Result<Vec<u32>> {
        let (countries, w, written) = (sx.countries, &mut *sx.w, &mut *sx.written);
        let mut name = String::new();
        let mut restricted_here: Vec<u32> = Vec::new();
        for (e, &u) in used.iter().enumerate() {
            if !u {
                continue;
            }
            let country = if rng.chance(0.75) {
                &countries[homes[rng.below(homes.len())]]
            } else {
                &countries[sx.country_pick.pick(rng.unit())]
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
        Ok(restricted_here)
    }

    /// One ownership row: `o` holds `s` percent of `e`.
    fn write_owner(
        &self,
        w: &mut Writers,
        written: &mut Written,
        (o, e, s): (u32, u32, u32),
    ) -> io::Result<()> {
        writeln!(
            w.ownership,
            "{},{},{}",
            self.entity_id(o),
            self.entity_id(e),
            percent(s)
        )?;
        written.ownership_rows += 1;
        Ok(())
    }

    /// Ownership among the entities written: majority links point to an earlier entity
    /// (so there is no majority cycle); minority stakes go anywhere. Owners of restricted
    /// parties sometimes hold stakes in others, so the 50 percent rule has work to do.
    fn write_ownership(
        &self,
        rng: &mut Rng,
        sx: &mut Sector<'_>,
        used: &[bool],
        restricted_here: &[u32],
    ) -> io::Result<()> {
        let (w, written) = (&mut *sx.w, &mut *sx.written);
        let alive: Vec<u32> = (0..used.len() as u32)
            .filter(|&e| used[e as usize])
            .collect();
        for (i, &e) in alive.iter().enumerate() {
            let mut left_share = 100u32;
            let mut owners: Vec<u32> = Vec::new();
            if i > 0 && rng.chance(0.15) {
                let o = alive[rng.below(i)];
                let s = [51u32, 60, 75, 100][rng.below(4)];
                self.write_owner(w, written, (o, e, s))?;
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
                self.write_owner(w, written, (o, e, s))?;
            }
        }
        Ok(())
    }
}

/// What every family shares while it is written: the options, the countries, the commodities'
/// suppliers (and which of them sold something), the files, and the supply rows left to write.
pub(super) struct Sector<'a> {
    pub(super) opts: &'a Options,
    pub(super) countries: &'a [CountryRow],
    pub(super) country_pick: &'a Cumulative,
    pub(super) commodity_suppliers: &'a [Vec<String>],
    pub(super) commodity_used: &'a mut [bool],
    pub(super) left: u64,
    pub(super) w: &'a mut Writers,
    pub(super) written: &'a mut Written,
}

/// What a family has bought so far.
struct Bought {
    /// Which purchases go through the family's distributors.
    via: Routing,
    /// Entities that take part.
    used: Vec<bool>,
    /// Production nodes (entity, item) by level whose inputs are still to buy.
    nodes_at: Vec<Vec<(u32, u32)>>,
    seen: HashSet<(u32, u32)>,
    /// The supply row being written.
    line: String,
}

impl Bought {
    fn new(family: &Family, opts: &Options) -> Bought {
        Bought {
            via: Routing::new(family, opts),
            used: vec![false; family.entities.len()],
            nodes_at: vec![Vec::new(); opts.depth],
            seen: HashSet::new(),
            line: String::with_capacity(128),
        }
    }
}

/// One input a buyer buys: buyer `e` (its id `buyer`) buys item (`il`, `ix`).
struct Purchase<'b> {
    e: u32,
    buyer: &'b str,
    il: u32,
    ix: u32,
}

/// Picks the suppliers of one purchase from `pool` with their shares, and now and then an
/// unqualified alternate (share `!`).
fn choose(rng: &mut Rng, pool: &[Supplier], chosen: &mut Vec<(Supplier, String)>) {
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
}

#[derive(Debug, Clone, Copy)]
enum Supplier {
    /// An entity of the family, and the item (of the input's level) it sells.
    Local(u32, u32),
    Commodity(u32, u32),
}
