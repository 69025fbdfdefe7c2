//! Root causes: findings that are one fact said several ways, grouped.
//!
//! When one Chinese gallium refinery is the only source of a chip's gallium, the analyses
//! say so several times for every product it reaches: the refinery can stop it, its owner
//! can, China can, the untrusted bloc can, and the product is 100% exposed to untrusted
//! suppliers. A board needs the one fact: the bottleneck production node, the products it
//! stops, the revenue at stake and the evidence.
//!
//! The rule, in order:
//!
//! 1. Each entity-level single point of failure names its bottleneck: the production node of
//!    that entity its evidence path starts from. Findings of one bottleneck across products
//!    make one root cause.
//! 2. A single point of failure of a wider group (owner, country, untrusted bloc) for a
//!    product belongs to the root cause of an entity of that group that alone stops the same
//!    product (the narrowest explanation, the first bottleneck by id when several do). One
//!    that no single entity explains is a root cause of its own, keyed by the group.
//! 3. Wider groups that stop the same products through the same nodes are one cause, named
//!    by the narrowest group (China, not the untrusted bloc, when China is all that matters).
//! 4. A product's untrusted exposure belongs to the cause through which untrusted hands stop
//!    it; its exposure (when not stopped that way) and restricted-party findings belong to a
//!    bottleneck that stops it when their evidence runs through that node.
//!
//! Every finding keeps its id; linked ones carry the root cause's id in `root_cause`. Root
//! causes group the products in scope: with `--product`, a cause of a wider group may be named
//! by another group than in the run over all products (rule 3), so the link can differ while
//! the finding does not.

use super::findings::{Finding, Findings, Id, Kind, NodeRef, ProductRef, Severity, positions};
use super::groups::Level;
use super::{ProductSummary, Settings};
use crate::graph::ProductionGraph;
use crate::model::Dataset;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One cause behind several findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RootCause {
    /// `node:ENTITY/ITEM` for a bottleneck node, `group:LEVEL:SUBJECT` otherwise.
    pub id: String,
    /// The most severe of its findings.
    pub severity: Severity,
    /// The bottleneck production node, when one node explains it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeRef>,
    /// The failing groups that stop products through it, as `LEVEL:SUBJECT`.
    pub failing: Vec<String>,
    /// The products it stops.
    pub products: Vec<ProductRef>,
    /// Annual revenue of those products, where given (0 when none is).
    pub revenue_at_stake: f64,
    /// Every failing group is inside the product maker's own owner group.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_house: bool,
    /// One evidence path, supplier first.
    pub evidence: Vec<NodeRef>,
    /// The findings it stands for.
    pub findings: Vec<Id>,
    /// One sentence for a person.
    pub message: String,
}

/// A cause's key while grouping: its bottleneck node, or a group with no single node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Node(Id, Id),
    Group(Level, Id),
}

/// The linked findings' causes while grouping, by position in the findings. A map, as most
/// findings are not linked: a slot for every finding was 24 bytes each, 122 MB at the end of
/// a 10M-row analysis.
type Keys = BTreeMap<usize, Key>;

/// A product by its ids.
type ProductKey = (Id, Id);

/// Groups `findings` into root causes, sets each linked finding's `root_cause`, and returns
/// the causes, most severe first, then most products, then most revenue. `spofs` are the
/// positions of the single points of failure in `findings` ([`positions`]).
pub fn run(
    ds: &Dataset,
    g: &ProductionGraph,
    settings: &Settings,
    products: &[ProductSummary],
    spofs: &[usize],
    findings: &mut Findings,
) -> Vec<RootCause> {
    // The rules read single points of failure, untrusted exposure and restricted parties
    // only: a tenth of the findings at scale, picked out on every core.
    let (mut key_of, by_product) = entity_spofs(findings, spofs);
    wider_groups(ds, g, findings, spofs, &by_product, &mut key_of);
    merge_same_causes(findings, &mut key_of);
    let linked = positions(findings, |f| {
        matches!(f.kind, Kind::UntrustedExposure | Kind::RestrictedParty)
    });
    consequences(findings, &linked, &mut key_of);
    // Gather.
    let revenue: BTreeMap<(&str, &str), f64> = products
        .iter()
        .filter_map(|p| Some(((p.entity.as_str(), p.item.as_str()), p.annual_revenue?)))
        .collect();
    let mut causes: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (k, key) in key_of {
        causes.entry(key).or_default().push(k);
    }
    // On every core: a wide BOM has as many causes as single points of failure.
    let causes: Vec<(Key, Vec<usize>)> = causes.into_iter().collect();
    let all: &Findings = findings;
    let made: Vec<(RootCause, Vec<usize>)> = causes
        .into_par_iter()
        .map(|(key, ks)| {
            let fs: Vec<&Finding> = ks.iter().map(|&k| &*all[k]).collect();
            (make(ds, settings, &revenue, key, &fs), ks)
        })
        .collect();
    // Link the findings (the others have no root cause).
    let mut out = Vec::with_capacity(made.len());
    for (cause, ks) in made {
        let id = Id::from(cause.id.as_str());
        for k in ks {
            findings[k].root_cause = Some(id.clone());
        }
        out.push(cause);
    }
    // Ids are unique (one per key), so the order is total and the sort unstable.
    out.par_sort_unstable_by(|a, b| {
        (a.severity, a.in_house)
            .cmp(&(b.severity, b.in_house))
            .then(b.products.len().cmp(&a.products.len()))
            .then(b.revenue_at_stake.total_cmp(&a.revenue_at_stake))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// Rule 1: entity-level single points of failure (of the `spofs`, positions of the single
/// points of failure). Each one's bottleneck node, and for each product its (entity,
/// bottleneck) pairs, sorted.
fn entity_spofs(
    findings: &Findings,
    spofs: &[usize],
) -> (Keys, BTreeMap<ProductKey, Vec<(Id, Key)>>) {
    let mut key_of = Keys::new();
    let mut by_product: BTreeMap<ProductKey, Vec<(Id, Key)>> = BTreeMap::new();
    for &k in spofs {
        let f = &findings[k];
        if f.level != Some(Level::Entity) {
            continue;
        }
        let (Some(p), Some(first)) = (&f.product, f.evidence.first().and_then(|e| e.first()))
        else {
            continue;
        };
        let key = Key::Node(first.entity.clone(), first.item.clone());
        by_product
            .entry((p.entity.clone(), p.item.clone()))
            .or_default()
            .push((f.subject.clone(), key.clone()));
        key_of.insert(k, key);
    }
    for v in by_product.values_mut() {
        v.sort();
    }
    (key_of, by_product)
}

/// Rule 2: wider groups, explained by an entity of the group that alone stops the product.
fn wider_groups(
    ds: &Dataset,
    g: &ProductionGraph,
    findings: &Findings,
    spofs: &[usize],
    by_product: &BTreeMap<ProductKey, Vec<(Id, Key)>>,
    key_of: &mut Keys,
) {
    let entity_of = |id: &str| ds.entity_ix.get(id).copied();
    // Whether entity `e` is in the group (level, subject).
    let in_group = |e: crate::model::EntityIx, level: Level, subject: &str| match level {
        Level::Entity => ds.entity(e).id == subject,
        Level::Owner => ds.entity(g.parties.ultimate_owner[e.ix()]).id == subject,
        Level::Country => ds.entity_country(e).code == subject,
        Level::Untrusted => g.parties.untrusted[e.ix()],
    };
    for &k in spofs {
        let f = &findings[k];
        let (Some(level), Some(p)) = (f.level, &f.product) else {
            continue;
        };
        if level == Level::Entity {
            continue;
        }
        let explained = by_product
            .get(&(p.entity.clone(), p.item.clone()))
            .and_then(|spofs| {
                spofs.iter().find(|(entity, _)| {
                    entity_of(entity).is_some_and(|e| in_group(e, level, &f.subject))
                })
            })
            .map(|(_, key)| key.clone());
        key_of.insert(k, explained.unwrap_or(Key::Group(level, f.subject.clone())));
    }
}

/// Rule 3: wider groups that stop the same products through the same nodes (China and the
/// untrusted bloc, when China is all of the bloc that matters) are one cause, named by the
/// narrowest group.
fn merge_same_causes(findings: &Findings, key_of: &mut Keys) {
    let mut signature: BTreeMap<Key, BTreeSet<(Id, Id, Id, Id)>> = BTreeMap::new();
    for (&k, key) in &*key_of {
        let f = &findings[k];
        if let (Key::Group(..), Some(p), Some(first)) =
            (key, &f.product, f.evidence.first().and_then(|e| e.first()))
        {
            signature.entry(key.clone()).or_default().insert((
                p.entity.clone(),
                p.item.clone(),
                first.entity.clone(),
                first.item.clone(),
            ));
        }
    }
    let mut same: BTreeMap<&BTreeSet<(Id, Id, Id, Id)>, &Key> = BTreeMap::new();
    let mut merged: BTreeMap<Key, Key> = BTreeMap::new();
    for (key, sig) in &signature {
        let first = *same.entry(sig).or_insert(key);
        merged.insert(key.clone(), first.clone());
    }
    for key in key_of.values_mut() {
        if let Some(to) = merged.get(key) {
            *key = to.clone();
        }
    }
}

/// Rule 4: exposure and restricted parties (at the positions `linked`) of a stopped product,
/// through its bottleneck. The untrusted bloc's own cause of a product stops it through
/// untrusted hands: the product's untrusted exposure is one more consequence of it.
fn consequences(findings: &Findings, linked: &[usize], key_of: &mut Keys) {
    let mut stopped: BTreeMap<ProductKey, BTreeSet<Key>> = BTreeMap::new();
    let mut untrusted_cause: BTreeMap<ProductKey, Key> = BTreeMap::new();
    for (&k, key) in &*key_of {
        let f = &findings[k];
        if let Some(p) = &f.product {
            let product = (p.entity.clone(), p.item.clone());
            if f.level == Some(Level::Untrusted) {
                untrusted_cause.insert(product.clone(), key.clone());
            }
            stopped.entry(product).or_default().insert(key.clone());
        }
    }
    for &k in linked {
        let f = &findings[k];
        let Some(p) = &f.product else { continue };
        let product = (p.entity.clone(), p.item.clone());
        let Some(keys) = stopped.get(&product) else {
            continue;
        };
        let key = match f.kind {
            Kind::UntrustedExposure => untrusted_cause.get(&product).cloned(),
            _ => None,
        }
        .or_else(|| {
            keys.iter().find_map(|key| match key {
                Key::Node(e, i) => f
                    .evidence
                    .iter()
                    .flatten()
                    .any(|n| n.entity == *e && n.item == *i)
                    .then(|| key.clone()),
                Key::Group(..) => None,
            })
        });
        // A linked finding has no cause before this rule (the rules before read single
        // points of failure only).
        if let Some(key) = key {
            key_of.insert(k, key);
        }
    }
}

fn key_id(key: &Key) -> String {
    match key {
        Key::Node(e, i) => format!("node:{e}/{i}"),
        Key::Group(level, subject) => format!("group:{}:{subject}", level.as_str()),
    }
}

fn make(
    ds: &Dataset,
    settings: &Settings,
    revenue: &BTreeMap<(&str, &str), f64>,
    key: Key,
    fs: &[&Finding],
) -> RootCause {
    let spofs: Vec<&&Finding> = fs.iter().filter(|f| f.kind == Kind::Spof).collect();
    let products: BTreeSet<&ProductRef> =
        spofs.iter().filter_map(|f| f.product.as_deref()).collect();
    let revenue_at_stake: f64 = products
        .iter()
        .filter_map(|p| revenue.get(&(&*p.entity, &*p.item)))
        .sum();
    let failing: BTreeSet<String> = spofs
        .iter()
        .filter_map(|f| Some(format!("{}:{}", f.level?.as_str(), f.subject)))
        .collect();
    let severity = fs.iter().map(|f| f.severity).min().unwrap_or(Severity::Low);
    let in_house = !spofs.is_empty() && spofs.iter().all(|f| f.in_house);
    let evidence = spofs
        .iter()
        .find(|f| f.level == Some(Level::Entity))
        .or(spofs.first())
        .and_then(|f| f.evidence.first().cloned())
        .unwrap_or_default();
    let names = |p: &ProductRef| -> String {
        match (ds.entity_ix.get(&*p.entity), ds.item_ix.get(&*p.item)) {
            (Some(&e), Some(&i)) => format!("{} ({})", ds.item(i).name, ds.entity(e).name),
            _ => format!("{}:{}", p.entity, p.item),
        }
    };
    let product_list: Vec<String> = products.iter().map(|p| names(p)).collect();
    let n = products.len();
    let stake = if revenue_at_stake > 0.0 {
        format!(
            "; {} of annual revenue",
            crate::numbers::money(revenue_at_stake, &settings.currency)
        )
    } else {
        String::new()
    };
    let (node, what) = match &key {
        Key::Node(e, i) => (
            Some(NodeRef::new(e.clone(), i.clone())),
            node_text(ds, e, i, n),
        ),
        Key::Group(level, subject) => (None, group_text(ds, *level, subject, fs, &spofs, n)),
    };
    let message = format!(
        "{what}{stake}{}: {}",
        if in_house { " (in-house)" } else { "" },
        product_list.join(", ")
    );
    RootCause {
        id: key_id(&key),
        severity,
        node,
        failing: failing.into_iter().collect(),
        products: products.into_iter().cloned().collect(),
        revenue_at_stake,
        in_house,
        evidence,
        findings: fs.iter().map(|f| f.id.clone()).collect(),
        message,
    }
}

/// What a bottleneck node's cause says: the item, its maker and country, and the `n`
/// products every path to which runs through it.
fn node_text(ds: &Dataset, e: &str, i: &str, n: usize) -> String {
    let what = match (ds.entity_ix.get(e), ds.item_ix.get(i)) {
        (Some(&ex), Some(&ix)) => {
            format!("{} from {} ({})", ds.item(ix).name, ds.entity(ex).name, {
                let c = ds.entity_country(ex);
                c.name.clone().unwrap_or_else(|| c.code.clone())
            })
        }
        _ => format!("{e}/{i}"),
    };
    format!(
        "{what}: every path to {n} product{} runs through {e}/{i}",
        plural(n)
    )
}

/// What a group's cause says: the group, and the nodes where its evidence enters it.
fn group_text(
    ds: &Dataset,
    level: Level,
    subject: &str,
    fs: &[&Finding],
    spofs: &[&&Finding],
    n: usize,
) -> String {
    let who = fs.first().map_or(subject, |f| f.subject_name.as_str());
    let who = if who.is_empty() { subject } else { who };
    let what = match level {
        Level::Untrusted => "untrusted suppliers together".to_string(),
        Level::Country => who.to_string(),
        _ => format!("{who} ({subject})"),
    };
    // The nodes the evidence enters the group at, most products first.
    let mut through: BTreeMap<(&str, &str), BTreeSet<&ProductRef>> = BTreeMap::new();
    for f in spofs {
        if let (Some(first), Some(p)) = (f.evidence.first().and_then(|e| e.first()), &f.product) {
            through
                .entry((&*first.entity, &*first.item))
                .or_default()
                .insert(p);
        }
    }
    let mut through: Vec<((&str, &str), usize)> =
        through.into_iter().map(|(k, v)| (k, v.len())).collect();
    through.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let lead = through.first().and_then(|((e, i), _)| {
        let item = ds.item(*ds.item_ix.get(*i)?).name.clone();
        Some((item, format!("{e}/{i}")))
    });
    let nodes: Vec<String> = through
        .iter()
        .map(|((e, i), k)| format!("{e}/{i} ({k} product{})", plural(*k)))
        .collect();
    match (lead, through.len()) {
        (Some((item, node)), 1) => format!(
            "{item} from {what}: every path to {n} product{} runs through {node}",
            plural(n)
        ),
        (Some((item, _)), _) => format!(
            "{item} and more from {what}: together they can stop {n} product{}, through {}",
            plural(n),
            nodes.join(", ")
        ),
        (None, _) => format!("{what} can stop {n} product{}", plural(n)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
