//! Federated risk profiles (issue #19): what a supplier's hidden sub-tier means for a buyer.
//!
//! The capacity engine composes: for any failure set F, cap(P | F) depends on a supplier's
//! node (S, y) only through cap(S, y | F). So a supplier can compute, on its own private
//! dataset, cap(S, y | c) for each country c and cap(S, y | untrusted bloc), and publish
//! those numbers instead of its supplier list. A buyer that puts them in place of the
//! sub-tier ([`compose`]) gets the same country-level and untrusted-level answers as if it saw
//! the whole network.
//!
//! A profile names only the supplier itself, the items it makes, country codes and the trust
//! policy it was computed under. No sub-tier entity id, name, share or path is in it.

pub mod bounds;
pub mod common;
pub mod compose;

use crate::analysis::engine::Engine;
use crate::analysis::groups::{Groups, Level};
use crate::analysis::paths::Upstream;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, EntityIx, ItemIx};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the profile JSON. Renaming or removing a field bumps it, and so does adding
/// one that a reader of the older version would drop (its signature would no longer verify
/// there): version 2 added [`ItemProfile::critical_entities`].
pub const PROFILE_VERSION: u32 = 2;

/// The versions this build reads: a version-1 profile is a version-2 one with nothing
/// disclosed, and its signature still verifies (the canonical bytes leave the empty list out).
pub const PROFILE_VERSIONS_READ: [u32; 2] = [1, 2];

/// The supplier a profile speaks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileEntity {
    pub id: String,
    pub name: String,
    pub country: String,
}

/// A restricted-party list the supplier screened against: its name, how many parties, and a
/// SHA-256 digest of its parties' normalised names (sorted, one a line), so a buyer can tell
/// whether it used the same list without the list travelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictedList {
    pub name: String,
    pub parties: usize,
    pub digest: String,
}

/// The trust policy a profile's untrusted-bloc number was computed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Country codes that are untrusted, sorted.
    pub untrusted_countries: Vec<String>,
    /// Restricted-party lists, sorted by name.
    pub restricted_lists: Vec<RestrictedList>,
}

/// What one item the supplier makes does under each failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemProfile {
    pub item: String,
    pub item_name: String,
    /// cap(S, y | country) for each country whose failure lowers it (its own country
    /// included, at 0); a country not listed leaves it at 1.
    pub capacity: BTreeMap<String, f64>,
    /// cap(S, y | untrusted bloc less S) under [`Profile::policy`].
    pub untrusted: f64,
    /// Countries whose failure alone stops it (capacity 0), sorted.
    pub critical_countries: Vec<String>,
    /// Mean mapped fraction of the inputs upstream of the node (as a product's coverage).
    pub coverage: f64,
    /// Some share upstream was filled by the equal-split rule.
    pub estimated_shares: bool,
    /// With `--disclose entities` only: the sub-tier entities whose failure alone stops the
    /// item or leaves it at most the disclosure threshold, by the public identifier the
    /// supplier chose (LEI, else name), sorted. Never the rest of the sub-tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub critical_entities: Vec<Disclosed>,
}

/// A critical sub-tier entity a supplier chose to disclose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disclosed {
    /// `lei` (an ISO 17442 code, from `entities.lei`) or `name` (no LEI in the data).
    pub scheme: String,
    /// The LEI or the name.
    pub id: String,
    /// The item's capacity with this entity alone failed (0: it stops).
    pub capacity: f64,
}

impl Disclosed {
    /// `lei:CODE` or `name:NAME`, as findings name it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.scheme, self.id)
    }
}

/// A signature over a profile's canonical bytes (see the binary's `profile` module).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub algorithm: String,
    /// The public key, hex.
    pub public_key: String,
    /// First 16 hex digits of SHA-256 of the public key.
    pub fingerprint: String,
    /// The signature, hex.
    pub value: String,
}

/// A federated risk profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub profile_version: u32,
    pub tool: String,
    pub rules_version: u32,
    /// The date the numbers were computed for (YYYY-MM-DD).
    pub as_of: String,
    pub entity: ProfileEntity,
    pub policy: Policy,
    pub items: Vec<ItemProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

impl Profile {
    /// The item profile of `item`, if the profile has it.
    pub fn item(&self, item: &str) -> Option<&ItemProfile> {
        self.items.iter().find(|i| i.item == item)
    }
}

/// The trust policy of `ds` (with its overrides applied), each restricted list digested by
/// `digest` (bytes -> hex).
pub fn policy(ds: &Dataset, digest: &dyn Fn(&[u8]) -> String) -> Policy {
    let mut untrusted_countries: Vec<String> = ds
        .countries
        .iter()
        .filter(|c| c.trust == crate::model::Trust::Untrusted)
        .map(|c| c.code.clone())
        .collect();
    untrusted_countries.sort();
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &ds.restricted {
        let list = r.list.clone().unwrap_or_else(|| "restricted.csv".into());
        lists
            .entry(list)
            .or_default()
            .push(crate::names::normalize(&r.name));
    }
    let restricted_lists = lists
        .into_iter()
        .map(|(name, mut parties)| {
            parties.sort();
            parties.dedup();
            let text = parties.join("\n");
            RestrictedList {
                name,
                parties: parties.len(),
                digest: digest(text.as_bytes()),
            }
        })
        .collect();
    Policy {
        untrusted_countries,
        restricted_lists,
    }
}

/// What `tierscope profile` is asked to disclose beyond the country level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Disclose {
    /// Disclose the sub-tier entities whose failure alone leaves an item's capacity at most
    /// this (the capacity-at-risk threshold: 1 - `capacity_threshold`; 0 discloses only
    /// those that stop it).
    pub at_most: f64,
}

/// The profile of `entity`'s production nodes (only `item`'s, if given) in a loaded dataset
/// with its trust policy applied, disclosing critical sub-tier entities when `disclose` says.
/// An entity that makes nothing, or does not make `item`, is an
/// [`Error::Reference`](crate::Error::Reference).
///
/// O(countries × (N + E)) for N nodes and E edges: one engine cone per country; with
/// `disclose`, one more per sub-tier entity.
pub fn build(
    ds: &Dataset,
    g: &ProductionGraph,
    entity: EntityIx,
    item: Option<ItemIx>,
    as_of: &str,
    digest: &dyn Fn(&[u8]) -> String,
    disclose: Option<Disclose>,
) -> Result<Profile, crate::Error> {
    let ent = ds.entity(entity);
    let nodes = nodes_of(ds, g, entity, item)?;
    let mut engine = Engine::new(g, ds.entities.len());
    let (mut capacity, mut critical) = country_caps(ds, g, &mut engine, &nodes);
    let untrusted: Vec<EntityIx> = (0..ds.entities.len() as u32)
        .map(EntityIx)
        // Less S itself, as for a product's own exposure: a buyer whose policy makes S
        // untrusted fails S anyway, and S's own products never blame S.
        .filter(|&e| g.parties.untrusted[e.ix()] && e != entity)
        .collect();
    let untrusted_caps: Vec<f64> = {
        let caps = engine.cone(&untrusted);
        nodes.iter().map(|&(_, n)| caps[n.ix()]).collect()
    };
    let mut search = Upstream::new(g);
    let items = nodes
        .iter()
        .enumerate()
        .map(|(k, &(x, n))| {
            search.run(g, n);
            let (coverage, estimated_shares) = coverage(g, &search.order);
            let mut crit = std::mem::take(&mut critical[k]);
            crit.sort();
            let critical_entities = match disclose {
                Some(d) => critical_entities(ds, g, &mut engine, entity, n, &search.order, d),
                None => Vec::new(),
            };
            ItemProfile {
                item: ds.item(x).id.clone(),
                item_name: ds.item(x).name.clone(),
                capacity: std::mem::take(&mut capacity[k]),
                untrusted: untrusted_caps[k],
                critical_countries: crit,
                coverage,
                estimated_shares,
                critical_entities,
            }
        })
        .collect();
    Ok(Profile {
        profile_version: PROFILE_VERSION,
        tool: format!("tierscope {}", env!("CARGO_PKG_VERSION")),
        rules_version: crate::analysis::RULES_VERSION,
        as_of: as_of.to_string(),
        entity: ProfileEntity {
            id: ent.id.clone(),
            name: ent.name.clone(),
            country: ds.entity_country(entity).code.clone(),
        },
        policy: policy(ds, digest),
        items,
        signature: None,
    })
}

/// `entity`'s production nodes (of `item` only, if given), by item id; none is an error.
fn nodes_of(
    ds: &Dataset,
    g: &ProductionGraph,
    entity: EntityIx,
    item: Option<ItemIx>,
) -> Result<Vec<(ItemIx, NodeIx)>, crate::Error> {
    let ent = ds.entity(entity);
    let mut nodes: Vec<(ItemIx, NodeIx)> = g
        .node_of
        .iter()
        .filter(|((e, _), _)| *e == entity)
        .map(|((_, x), &n)| (*x, n))
        .filter(|(x, _)| item.is_none_or(|i| i == *x))
        .collect();
    nodes.sort_by(|a, b| ds.item(a.0).id.cmp(&ds.item(b.0).id));
    if nodes.is_empty() {
        let what = match item {
            Some(x) => format!(
                "entity `{}` does not make item `{}` (expected an item it supplies or lists in products.csv)",
                ent.id,
                ds.item(x).id
            ),
            None => format!(
                "entity `{}` makes nothing (expected an entity that supplies an item or lists one in products.csv)",
                ent.id
            ),
        };
        return Err(crate::Error::Reference(what));
    }
    Ok(nodes)
}

/// Per node: its capacity under each country whose failure lowers it, and the countries
/// whose failure stops it (unsorted).
#[allow(clippy::type_complexity)]
fn country_caps(
    ds: &Dataset,
    g: &ProductionGraph,
    engine: &mut Engine<'_>,
    nodes: &[(ItemIx, NodeIx)],
) -> (Vec<BTreeMap<String, f64>>, Vec<Vec<String>>) {
    let countries = Groups::new(Level::Country, ds, g);
    let mut capacity: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); nodes.len()];
    let mut critical: Vec<Vec<String>> = vec![Vec::new(); nodes.len()];
    for (c, members) in countries.members.iter().enumerate() {
        if members.is_empty() {
            continue;
        }
        let caps = engine.cone(members);
        for (k, &(_, n)) in nodes.iter().enumerate() {
            let v = caps[n.ix()];
            if v < 1.0 {
                capacity[k].insert(countries.subject[c].to_string(), v);
                if v <= 0.0 {
                    critical[k].push(countries.subject[c].to_string());
                }
            }
        }
    }
    (capacity, critical)
}

/// The mean mapped fraction of the inputs of the nodes `upstream` (1 without any), and
/// whether any share among them was estimated.
fn coverage(g: &ProductionGraph, upstream: &[NodeIx]) -> (f64, bool) {
    let (mut slots, mut sum, mut estimated) = (0usize, 0.0, false);
    for &m in upstream {
        for slot in &g.inputs[m.ix()] {
            slots += 1;
            sum += slot.coverage;
            estimated |= slot.estimated;
        }
    }
    let coverage = if slots == 0 {
        1.0
    } else {
        crate::analysis::round(sum / slots as f64)
    };
    (coverage, estimated)
}

/// The sub-tier entities of node `n` (those of `upstream` but `entity` itself and profile
/// stand-ins) whose failure alone leaves it at most `d.at_most`, by LEI (else name), sorted;
/// an identifier two entities share is disclosed once, at the lower capacity.
fn critical_entities(
    ds: &Dataset,
    g: &ProductionGraph,
    engine: &mut Engine<'_>,
    entity: EntityIx,
    n: NodeIx,
    upstream: &[NodeIx],
    d: Disclose,
) -> Vec<Disclosed> {
    let mut sub_tier: Vec<EntityIx> = upstream
        .iter()
        .map(|&m| g.node(m).entity)
        .filter(|&e| e != entity && !ds.entity(e).is_stand_in())
        .collect();
    sub_tier.sort();
    sub_tier.dedup();
    let mut found: BTreeMap<(String, String), f64> = BTreeMap::new();
    for e in sub_tier {
        let cap = engine.cone(&[e])[n.ix()];
        if cap > d.at_most + 1e-9 {
            continue;
        }
        let ent = ds.entity(e);
        let key = match &ent.lei {
            Some(lei) => ("lei".to_string(), lei.clone()),
            None => ("name".to_string(), ent.name.clone()),
        };
        let slot = found.entry(key).or_insert(cap);
        *slot = slot.min(cap);
    }
    found
        .into_iter()
        // Unrounded, as the country capacities: the buyer's numbers are exact only with these.
        .map(|((scheme, id), capacity)| Disclosed {
            scheme,
            id,
            capacity,
        })
        .collect()
}
