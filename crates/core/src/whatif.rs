//! `tierscope whatif`: every end product's capacity under a failure set given by hand.
//!
//! Unlike the findings, the failure set applies as given: a product whose own entity fails
//! stops.

use crate::analysis::engine::Engine;
use crate::graph::ProductionGraph;
use crate::model::{Dataset, EntityIx};
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WhatIf {
    /// The failed entities' ids, sorted.
    pub failed: Vec<String>,
    pub products: Vec<ProductCapacity>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProductCapacity {
    pub entity: String,
    pub item: String,
    pub capacity: f64,
}

/// Resolves `LEVEL:ID` specs into the failed entities.
pub fn failure_set(
    ds: &Dataset,
    g: &ProductionGraph,
    specs: &[String],
) -> Result<Vec<EntityIx>, crate::Error> {
    let mut failed = vec![false; ds.entities.len()];
    for spec in specs {
        let (level, id) = match spec.split_once(':') {
            Some((l, i)) => (l, Some(i)),
            None => (spec.as_str(), None),
        };
        match (level, id) {
            ("untrusted", None) => {
                for (e, u) in g.parties.untrusted.iter().enumerate() {
                    failed[e] |= *u;
                }
            }
            ("entity", Some(id)) => failed[entity(ds, id)?.ix()] = true,
            ("owner", Some(id)) => {
                let top = entity(ds, id)?;
                let controlled = controlled_by(&g.parties.majority_owner, top);
                for (fails, c) in failed.iter_mut().zip(controlled) {
                    *fails |= c;
                }
            }
            ("country", Some(code)) => {
                let c = ds.country_ix.get(code).ok_or_else(|| {
                    crate::Error::Reference(format!("--fail {spec}: unknown country code `{code}` (expected a code from countries.csv)"))
                })?;
                for (e, ent) in ds.entities.iter().enumerate() {
                    failed[e] |= ent.country == *c;
                }
            }
            _ => {
                return Err(crate::Error::Reference(format!(
                    "--fail {spec} is not LEVEL:ID (expected entity:ID, owner:ID, country:CODE or untrusted)"
                )));
            }
        }
    }
    Ok((0..ds.entities.len() as u32)
        .map(EntityIx)
        .filter(|e| failed[e.ix()])
        .collect())
}

/// `top` and every entity whose majority-owner chain passes through it.
///
/// `top` need not be a top owner (`owner:X` fails a subsidiary's own subsidiaries too), so
/// the parties' ultimate owners, which only name the top of each chain, cannot answer this.
/// Each walk up stops at the first entity already answered, so every entity is visited once:
/// O(entities). Walking each chain to its end instead is quadratic on a deep chain (5e9 steps
/// on a 100,000-deep one). No recursion, as chains can be that deep. A majority cycle (a
/// validation error) without `top` on it answers no.
fn controlled_by(majority: &[Option<EntityIx>], top: EntityIx) -> Vec<bool> {
    const UNSEEN: u8 = 0;
    const ON_PATH: u8 = 1;
    const NO: u8 = 2;
    const YES: u8 = 3;
    let mut state = vec![UNSEEN; majority.len()];
    state[top.ix()] = YES;
    let mut path = Vec::new();
    for start in 0..majority.len() {
        let mut cur = start;
        let answer = loop {
            match state[cur] {
                UNSEEN => {
                    state[cur] = ON_PATH;
                    path.push(cur);
                }
                // Back on this walk's own path: a cycle that `top` is not on.
                ON_PATH => break NO,
                known => break known,
            }
            match majority[cur] {
                Some(owner) => cur = owner.ix(),
                None => break NO,
            }
        };
        for p in path.drain(..) {
            state[p] = answer;
        }
    }
    state.into_iter().map(|s| s == YES).collect()
}

fn entity(ds: &Dataset, id: &str) -> Result<EntityIx, crate::Error> {
    ds.entity_ix.get(id).copied().ok_or_else(|| {
        let hint = crate::ingest::suggest(id, ds.entity_ix.keys())
            .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
        crate::Error::Reference(format!(
            "unknown entity `{id}` (expected an id from entities.csv{hint})"
        ))
    })
}

/// Every end product's capacity with the failures of `specs` (`LEVEL:ID`) applied as given.
pub fn run(ds: &Dataset, g: &ProductionGraph, specs: &[String]) -> Result<WhatIf, crate::Error> {
    let failed = failure_set(ds, g, specs)?;
    let mut mark = vec![false; ds.entities.len()];
    for e in &failed {
        mark[e.ix()] = true;
    }
    let cap = Engine::new(g, ds.entities.len()).full(|e| mark[e.ix()]);
    let mut failed_ids: Vec<String> = failed.iter().map(|e| ds.entity(*e).id.clone()).collect();
    failed_ids.sort();
    let mut products: Vec<ProductCapacity> = g
        .products
        .iter()
        .map(|&(p, n)| ProductCapacity {
            entity: ds.entity(ds.products[p].entity).id.clone(),
            item: ds.item(ds.products[p].item).id.clone(),
            capacity: crate::analysis::round(cap[n.ix()]),
        })
        .collect();
    products.sort_by(|a, b| (&a.entity, &a.item).cmp(&(&b.entity, &b.item)));
    Ok(WhatIf {
        failed: failed_ids,
        products,
    })
}

impl WhatIf {
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "failed: {} entities: {}",
            self.failed.len(),
            self.failed.join(", ")
        );
        let stopped = self.products.iter().filter(|p| p.capacity <= 0.0).count();
        let _ = writeln!(s, "{stopped} of {} end products stop", self.products.len());
        for p in &self.products {
            let mark = if p.capacity <= 0.0 {
                "STOPS"
            } else if p.capacity < 1.0 {
                "reduced"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {:>6.1}%  {}:{}  {mark}",
                p.capacity * 100.0,
                p.entity,
                p.item
            );
        }
        s
    }
}
