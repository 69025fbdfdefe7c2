//! Which purchases of a family go through its distributors, and the distributors' own
//! entity rows. Split from `family.rs`: routing draws on a random stream of its own, so it
//! is kept apart from the family's main draws.

use super::*;

/// Which purchases of a family go through its distributors, on a random stream of its own.
pub(super) struct Routing {
    rng: Rng,
    fraction: f64,
    /// (distributor, buyer, level, item) already sold: one row per supplier, buyer and item.
    sold: HashSet<(u32, u32, u32, u32)>,
    /// (maker, distributor, level, item) already bought.
    bought: HashSet<(u32, u32, u32, u32)>,
    used: Vec<bool>,
}

impl Routing {
    pub(super) fn new(family: &Family, opts: &Options) -> Routing {
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
    pub(super) fn route(
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
    pub(super) fn write_entities(
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
