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

#[derive(Debug, Clone)]
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
    // The 50 percent rule: a worklist over owned entities.
    let mut owned_by: Vec<Vec<usize>> = vec![Vec::new(); n]; // owner -> ownership rows
    for (i, row) in ds.ownership.iter().enumerate() {
        if row.owner != row.entity {
            owned_by[row.owner.ix()].push(i);
        }
    }
    let mut held = vec![0.0f64; n];
    let mut holders: Vec<Vec<(EntityIx, f64)>> = vec![Vec::new(); n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&e| why[e].is_some()).collect();
    while let Some(owner) = queue.pop_front() {
        for &i in &owned_by[owner] {
            let row = &ds.ownership[i];
            let target = row.entity.ix();
            held[target] += row.share;
            holders[target].push((row.owner, row.share));
            if why[target].is_none() && held[target] >= FIFTY_PERCENT - 1e-9 {
                why[target] = Some(RestrictedWhy::FiftyPercentRule {
                    owners: Vec::new(),
                    total: 0.0,
                });
                queue.push_back(target);
            }
        }
    }
    // The evidence: every restricted holder, whatever order the worklist found them in.
    for (target, w) in why.iter_mut().enumerate() {
        if let Some(RestrictedWhy::FiftyPercentRule { owners, total }) = w {
            let mut all = std::mem::take(&mut holders[target]);
            all.sort_by_key(|(o, _)| *o);
            *total = all.iter().map(|(_, s)| s).sum();
            *owners = all;
        }
    }
    why
}
