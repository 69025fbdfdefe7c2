//! `tierscope whatif`: every end product's capacity under a failure set given by hand.
//!
//! Unlike the findings, the failure set applies as given: a product whose own entity fails
//! stops.

use crate::analysis::engine::Engine;
use crate::graph::ProductionGraph;
use crate::model::{CountryIx, Dataset, EntityIx};
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WhatIf {
    /// The failed entities' ids, sorted.
    pub failed: Vec<String>,
    pub products: Vec<ProductCapacity>,
    /// Why the capacities marked approximate are bounds (through supplier profiles); absent
    /// when none is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approximate: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProductCapacity {
    pub entity: String,
    pub item: String,
    pub capacity: f64,
    /// The capacity is an upper bound, not exact: it rests on a supplier profile's numbers
    /// for a failure the profile does not give ([`crate::profile::bounds`]). Absent when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
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
                let c = &country(ds, code)
                    .map_err(|why| crate::Error::Reference(format!("--fail {spec}: {why}")))?;
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
    crate::analysis::find_entity(ds, id)
}

/// The country `text` names: a code of countries.csv (any case), a country's name there, or
/// an ISO 3166 alpha-3 code or English name of a country in it (`DEU`, `Germany`).
fn country(ds: &Dataset, text: &str) -> Result<CountryIx, String> {
    if let Some(c) = ds.country_ix.get(text) {
        return Ok(*c);
    }
    let by_dataset = ds.countries.iter().position(|c| {
        c.code.eq_ignore_ascii_case(text)
            || c.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(text))
    });
    if let Some(i) = by_dataset {
        return Ok(CountryIx(i as u32));
    }
    let folded: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if let Ok(iso) = folded.parse::<celes::Country>()
        && let Some(c) = ds.country_ix.get(iso.alpha2)
    {
        return Ok(*c);
    }
    Err(format!(
        "unknown country `{text}` (expected a code from countries.csv, an ISO alpha-3 code or a country name: {})",
        ds.countries
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Every end product's capacity with the failures of `specs` (`LEVEL:ID`: `entity:ID`,
/// `owner:ID`, `country:CODE`, `untrusted`) applied together, as given. O(N + E).
///
/// ```
/// use tierscope_core::{graph::ProductionGraph, ingest, whatif};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
/// let ds = ingest::load(&dir)?.dataset;
/// let g = ProductionGraph::build(&ds);
/// let result = whatif::run(&ds, &g, &["country:CN".to_string()])?;
/// assert!(result.products.iter().all(|p| p.capacity == 0.0));
/// assert!(whatif::run(&ds, &g, &["planet:mars".to_string()]).is_err());
/// # Ok::<(), tierscope_core::Error>(())
/// ```
pub fn run(ds: &Dataset, g: &ProductionGraph, specs: &[String]) -> Result<WhatIf, crate::Error> {
    let failed = failure_set(ds, g, specs)?;
    let mut mark = vec![false; ds.entities.len()];
    for e in &failed {
        mark[e.ix()] = true;
    }
    let cap = Engine::new(g, ds.entities.len()).full(|e| mark[e.ix()]);
    let bounds =
        crate::profile::bounds::whatif(ds, g, &mark, specs.iter().any(|s| s == "untrusted"));
    let mut failed_ids: Vec<String> = failed.iter().map(|e| ds.entity(*e).id.clone()).collect();
    failed_ids.sort();
    let mut products: Vec<ProductCapacity> = g
        .products
        .iter()
        .map(|&(p, n)| ProductCapacity {
            entity: ds.entity(ds.products[p].entity).id.clone(),
            item: ds.item(ds.products[p].item).id.clone(),
            capacity: crate::analysis::round(cap[n.ix()]),
            approximate: bounds.iter().any(|(_, nodes)| nodes.contains(&n)),
        })
        .collect();
    products.sort_by(|a, b| (&a.entity, &a.item).cmp(&(&b.entity, &b.item)));
    Ok(WhatIf {
        failed: failed_ids,
        products,
        approximate: bounds.into_iter().map(|(reason, _)| reason).collect(),
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
                "  {:>6.1}%  {}:{}  {mark}{}",
                p.capacity * 100.0,
                p.entity,
                p.item,
                if p.approximate {
                    " (approximate: at most this)"
                } else {
                    ""
                }
            );
        }
        for reason in &self.approximate {
            let _ = writeln!(s, "{reason}");
        }
        s
    }
}
