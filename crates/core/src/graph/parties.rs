//! Who controls whom, and who is restricted: ownership groups, ultimate owners, the
//! restricted set with the OFAC 50 percent rule, and the untrusted set.
//!
//! - The *majority owner* of an entity is the owner holding more than 0.5 of it (at most one,
//!   since an entity's shares sum to at most 1).
//! - The *ultimate owner* follows majority owners to the top; an entity with no majority owner
//!   is its own ultimate owner. A majority cycle has no top and is a validation error.
//! - An entity is *restricted* when flagged in `entities.csv`, named by a `restricted.csv` row
//!   (by `entity`, or by a normalised name match), or when restricted owners together hold at
//!   least 0.5 of it, directly or through entities that are themselves restricted (OFAC, "Revised
//!   Guidance on Entities Owned by Persons Whose Property and Interests in Property Are Blocked",
//!   2014). Computed with a worklist in O(entities + ownership rows).
//! - An entity is *untrusted* when its country is `untrusted` or it is restricted.

use crate::model::{Dataset, EntityIx, Trust};
use crate::names;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::VecDeque;

/// Why an entity is restricted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RestrictedWhy {
    /// `entities.restricted` is true.
    Flag,
    /// A `restricted.csv` row names the entity by id.
    ListedById { line: u64, list: Option<String> },
    /// A `restricted.csv` row's name matches the entity's name once both are normalised.
    ListedByName {
        line: u64,
        listed_name: String,
        list: Option<String>,
    },
    /// Restricted owners together hold at least half of it.
    FiftyPercentRule {
        owners: Vec<(EntityIx, f64)>,
        total: f64,
    },
}

/// Share at or above which restricted owners make an entity restricted.
pub const FIFTY_PERCENT: f64 = 0.5;

/// For each owner, the (party, share) rows it holds, from (owner, party, share) triples over
/// `n` parties.
pub fn holdings(
    n: usize,
    rows: impl IntoIterator<Item = (usize, usize, f64)>,
) -> Vec<Vec<(usize, f64)>> {
    let mut owned = vec![Vec::new(); n];
    for (owner, party, share) in rows {
        owned[owner].push((party, share));
    }
    owned
}

/// The OFAC 50 percent rule over an ownership graph: starting from the parties marked in
/// `in_set`, every party whose holders in the set together hold at least [`FIFTY_PERCENT`]
/// (less [`crate::analysis::EPS`]) joins it, directly or through parties that joined before.
/// `owned[o]` lists the (party, share) rows owner `o` holds. Marks the parties that joined in
/// `in_set` and returns them in the order found. A worklist: O(parties + rows).
///
/// The one implementation of the rule: the analysis uses it for the restricted set, and
/// screening for its "restricted" and "possibly restricted" owner chains.
pub fn fifty_percent_rule(owned: &[Vec<(usize, f64)>], in_set: &mut [bool]) -> Vec<usize> {
    let mut held = vec![0.0f64; in_set.len()];
    let mut queue: VecDeque<usize> = (0..in_set.len()).filter(|&p| in_set[p]).collect();
    let mut joined = Vec::new();
    while let Some(owner) = queue.pop_front() {
        for &(party, share) in &owned[owner] {
            held[party] += share;
            if !in_set[party] && held[party] >= FIFTY_PERCENT - crate::analysis::EPS {
                in_set[party] = true;
                joined.push(party);
                queue.push_back(party);
            }
        }
    }
    joined
}

#[derive(Debug, Clone, Default)]
pub struct Parties {
    pub majority_owner: Vec<Option<EntityIx>>,
    pub ultimate_owner: Vec<EntityIx>,
    pub restricted: Vec<Option<RestrictedWhy>>,
    pub untrusted: Vec<bool>,
}

impl Parties {
    /// Computes all party facts. A majority-ownership cycle (a validation error) leaves the
    /// entities on it as their own ultimate owners.
    pub fn compute(ds: &Dataset) -> Parties {
        let majority_owner = majority_owners(ds);
        let ultimate_owner = match ultimate_owners(&majority_owner) {
            Ok(u) => u,
            Err(_) => (0..ds.entities.len() as u32).map(EntityIx).collect(),
        };
        let restricted = restricted_set(ds);
        let untrusted = (0..ds.entities.len())
            .map(|e| {
                restricted[e].is_some()
                    || ds.entity_country(EntityIx(e as u32)).trust == Trust::Untrusted
            })
            .collect();
        Parties {
            majority_owner,
            ultimate_owner,
            restricted,
            untrusted,
        }
    }

    pub fn is_restricted(&self, e: EntityIx) -> bool {
        self.restricted[e.ix()].is_some()
    }
}

/// For each entity, the owner holding more than half of it (the largest such, if the data
/// is invalid and has two).
pub fn majority_owners(ds: &Dataset) -> Vec<Option<EntityIx>> {
    let mut best: Vec<Option<(f64, EntityIx)>> = vec![None; ds.entities.len()];
    for row in &ds.ownership {
        if row.share > 0.5 && row.owner != row.entity {
            let slot = &mut best[row.entity.ix()];
            if slot.is_none_or(|(s, o)| {
                (row.share, std::cmp::Reverse(row.owner)) > (s, std::cmp::Reverse(o))
            }) {
                *slot = Some((row.share, row.owner));
            }
        }
    }
    best.into_iter().map(|b| b.map(|(_, o)| o)).collect()
}

/// Follows majority owners to the top, without recursion. Returns the cycles found as an
/// error (each as the list of entities on it, starting at its smallest index).
pub fn ultimate_owners(majority: &[Option<EntityIx>]) -> Result<Vec<EntityIx>, Vec<Vec<EntityIx>>> {
    const UNSEEN: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = majority.len();
    let mut state = vec![UNSEEN; n];
    let mut top: Vec<EntityIx> = (0..n as u32).map(EntityIx).collect();
    let mut cycles = Vec::new();
    let mut path = Vec::new();
    for start in 0..n {
        if state[start] != UNSEEN {
            continue;
        }
        path.clear();
        let mut cur = start;
        // Walk up until a done entity, the top, or a cycle.
        let root = loop {
            state[cur] = ON_PATH;
            path.push(cur);
            match majority[cur] {
                None => break EntityIx(cur as u32),
                Some(o) if state[o.ix()] == DONE => break top[o.ix()],
                Some(o) if state[o.ix()] == ON_PATH => {
                    let at = path.iter().position(|&p| p == o.ix()).unwrap_or(0);
                    let mut cycle: Vec<EntityIx> =
                        path[at..].iter().map(|&p| EntityIx(p as u32)).collect();
                    let min = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, e)| **e)
                        .map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    cycles.push(cycle);
                    break EntityIx(cur as u32);
                }
                Some(o) => cur = o.ix(),
            }
        };
        for &p in &path {
            state[p] = DONE;
            top[p] = root;
        }
    }
    if cycles.is_empty() {
        Ok(top)
    } else {
        Err(cycles)
    }
}

/// The restricted set with the reason for each, including the 50 percent rule.
pub fn restricted_set(ds: &Dataset) -> Vec<Option<RestrictedWhy>> {
    let n = ds.entities.len();
    let mut why: Vec<Option<RestrictedWhy>> = vec![None; n];
    for (e, entity) in ds.entities.iter().enumerate() {
        if entity.restricted {
            why[e] = Some(RestrictedWhy::Flag);
        }
    }
    // Normalizing a name is the costly part: done on every core, then gathered in order.
    let normalized: Vec<String> = ds
        .entities
        .par_iter()
        .map(|entity| names::normalize(&entity.name))
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (e, name) in normalized.into_iter().enumerate() {
        by_name.entry(name).or_default().push(e);
    }
    for row in &ds.restricted {
        match row.entity {
            Some(e) => {
                if why[e.ix()].is_none() {
                    why[e.ix()] = Some(RestrictedWhy::ListedById {
                        line: row.line,
                        list: row.list.clone(),
                    });
                }
            }
            None => {
                let key = names::normalize(&row.name);
                for &e in by_name.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                    if why[e].is_none() {
                        why[e] = Some(RestrictedWhy::ListedByName {
                            line: row.line,
                            listed_name: row.name.clone(),
                            list: row.list.clone(),
                        });
                    }
                }
            }
        }
    }
    // The 50 percent rule, with every restricted holder as the evidence.
    let mut holders: Vec<Vec<(EntityIx, f64)>> = vec![Vec::new(); n];
    for row in ds.ownership.iter().filter(|r| r.owner != r.entity) {
        holders[row.entity.ix()].push((row.owner, row.share));
    }
    let mut in_set: Vec<bool> = why.iter().map(Option::is_some).collect();
    let owned = holdings(
        n,
        holders
            .iter()
            .enumerate()
            .flat_map(|(e, hs)| hs.iter().map(move |&(o, share)| (o.ix(), e, share))),
    );
    for target in fifty_percent_rule(&owned, &mut in_set) {
        let mut all: Vec<(EntityIx, f64)> = std::mem::take(&mut holders[target])
            .into_iter()
            .filter(|(o, _)| in_set[o.ix()])
            .collect();
        all.sort_by_key(|(o, _)| *o);
        why[target] = Some(RestrictedWhy::FiftyPercentRule {
            total: all.iter().map(|(_, s)| s).sum(),
            owners: all,
        });
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule by its definition: add every party whose holders in the set hold at least
    /// half, round after round, until a round adds nothing.
    fn fixpoint(n: usize, rows: &[(usize, usize, f64)], seed: &[bool]) -> Vec<bool> {
        let mut set = seed.to_vec();
        loop {
            let mut changed = false;
            for p in 0..n {
                let held: f64 = rows
                    .iter()
                    .filter(|&&(o, q, _)| q == p && o != p && set[o])
                    .map(|r| r.2)
                    .sum();
                if !set[p] && held >= FIFTY_PERCENT - crate::analysis::EPS {
                    set[p] = true;
                    changed = true;
                }
            }
            if !changed {
                return set;
            }
        }
    }

    proptest! {
        #[test]
        fn the_worklist_reaches_the_fixpoint(
            n in 1usize..12,
            raw in proptest::collection::vec((0usize..12, 0usize..12, 1u32..=4), 0..30),
            seed in proptest::collection::vec(any::<bool>(), 12),
        ) {
            // Shares in quarters, so that exactly-half holdings occur.
            let rows: Vec<(usize, usize, f64)> = raw
                .into_iter()
                .map(|(o, p, q)| (o % n, p % n, f64::from(q) / 4.0))
                .filter(|(o, p, _)| o != p)
                .collect();
            let mut set = seed[..n].to_vec();
            let owned = holdings(n, rows.iter().copied());
            let joined = fifty_percent_rule(&owned, &mut set);
            prop_assert_eq!(&set, &fixpoint(n, &rows, &seed[..n]));
            for p in joined {
                prop_assert!(!seed[p] && set[p]);
            }
        }
    }
}
