//! Estimated is not measured: which findings and products rest on a share filled by the
//! equal-split rule (an empty `share` cell, DATA-MODEL.md), so that 67 % from an equal split
//! never reads as a fact.
//!
//! An input of a production node is *estimated* when one of its qualified supply rows has an
//! empty share. Its supplied capacity Σ share·cap depends on those shares exactly when its
//! suppliers' capacities are not all equal (with equal capacities any split gives the same
//! sum). So, under a failure set F, a node *rests on an estimate* when one of its inputs is
//! estimated with suppliers of unequal capacity, or when one of its suppliers rests on one;
//! a capacity of 0 or 1 never does (a product stops, or is untouched, whatever the split).
//!
//! - `capacity_at_risk`, `restricted_party` and `time_exposure`: the product rests on an
//!   estimate under the failure of the finding's group, marked in the cone that made the
//!   finding ([`Taint`], read by [`super::spof`]); restricted parties and time exposure when
//!   the entity level's cones were not run, by one cone per entity here.
//! - `untrusted_exposure`: under the failure of the untrusted group less the product's entity.
//! - `asymmetric_dependency`: some product of either country rests on one under the failure
//!   of the other.
//! - `concentration`: the (buyer, input) itself is estimated (for substitutes, a row of any
//!   of them).
//! - `visibility_gap`, and the products: an estimated input is upstream (coverage counts it
//!   as mapped, by the same rule).
//! - `spof`: never; whether a product stops does not depend on the sizes of shares.
//!
//! A dataset without an empty qualified share costs one pass over the inputs, and its report
//! is unchanged. Otherwise O(N + E) for the upstream marks, one pass over each cone that
//! [`super::spof`] runs and that has a product to mark, and one cone per country of an
//! asymmetric dependency.

use super::engine::{Engine, MANY_SUPPLIERS};
use super::findings::{Details, Finding, Findings, Id, Kind, ProductRef};
use super::groups::{Groups, Level};
use super::{Ctx, EPS, ProductSummary};
use crate::graph::NodeIx;
use crate::model::EntityIx;
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

/// A failure group with the findings to mark under it: ((level, subject), [(finding, node)]).
type Task<'a> = (&'a (Level, Id), &'a Vec<(usize, NodeIx)>);

/// The estimated inputs of a dataset and what rests on them, for the marks.
pub struct Estimates {
    /// Estimated inputs, in the CSR's slot order.
    slot_est: Vec<bool>,
    /// Whether each node has an estimated input upstream of it (itself included).
    up: Vec<bool>,
}

impl Estimates {
    /// `None` when no qualified share is estimated (nothing to mark).
    pub fn new(ctx: &Ctx<'_>) -> Option<Estimates> {
        let slot_est: Vec<bool> = ctx
            .g
            .inputs
            .iter()
            .flat_map(|slots| slots.iter().map(|s| s.estimated))
            .collect();
        if !slot_est.iter().any(|&e| e) {
            return None;
        }
        let up = upstream(ctx, &slot_est);
        Some(Estimates { slot_est, up })
    }
}

/// One worker's marks over the engine's last cone: which nodes rest on an estimate under
/// its failure, worked out on the first question and cleared by [`Taint::reset`].
pub struct Taint {
    marks: Vec<bool>,
    ready: bool,
}

impl Taint {
    pub fn new(est: Option<&Estimates>) -> Taint {
        Taint {
            marks: vec![false; est.map_or(0, |e| e.up.len())],
            ready: false,
        }
    }

    /// Whether `node`, in the engine's last cone (`failed` says which entities failed in
    /// it), rests on an estimate.
    pub fn rests_on(
        &mut self,
        ctx: &Ctx<'_>,
        est: &Estimates,
        engine: &Engine<'_>,
        failed: impl Fn(EntityIx) -> bool,
        node: NodeIx,
    ) -> bool {
        if !est.up[node.ix()] {
            return false;
        }
        if !self.ready {
            let (cap, touched) = (engine.caps(), engine.touched());
            rests(
                ctx,
                est,
                cap,
                touched,
                failed,
                &mut self.marks,
                Some(engine),
            );
            self.ready = true;
        }
        tainted(&self.marks, engine.caps(), node)
    }

    /// Clears the marks of the engine's last cone, before its next.
    pub fn reset(&mut self, engine: &Engine<'_>) {
        if std::mem::take(&mut self.ready) {
            for &v in engine.touched() {
                self.marks[v.ix()] = false;
            }
        }
    }
}

/// What the cones of [`super::spof`] marked: capacity at risk on the findings themselves;
/// (product in scope, entity) pairs for restricted parties and time exposure.
pub struct ConeMarks {
    pub estimates: Estimates,
    /// Whether the entity level's cones ran (else its pairs are marked here).
    pub entity_cones: bool,
    pub entity: HashSet<(u32, EntityIx)>,
}

/// Marks the findings and products that rest on an estimated share, after the cones of
/// [`super::spof`] marked theirs (`None`: no share is estimated).
pub fn mark(
    ctx: &Ctx<'_>,
    cones: Option<&ConeMarks>,
    products: &mut [ProductSummary],
    findings: &mut Findings,
) {
    let Some(cones) = cones else {
        return;
    };
    let up = &cones.estimates.up;
    for (k, &(_, node)) in ctx.products.iter().enumerate() {
        if let Some(p) = products.get_mut(k) {
            p.estimated_shares = up[node.ix()];
        }
    }
    let mut pending = sort_findings(ctx, cones, findings);
    add_country_pairs(ctx, up, &mut pending);
    let marked = marked_by_cones(ctx, &cones.estimates, &pending.by_group);
    let more = marked_untrusted(ctx, &cones.estimates, pending.untrusted);
    for f in marked.into_iter().chain(more) {
        findings[f].estimated_shares = true;
    }
}

/// Whether each node has an estimated input upstream of it (itself included).
fn upstream(ctx: &Ctx<'_>, slot_est: &[bool]) -> Vec<bool> {
    let g = ctx.g;
    let csr = &g.csr;
    let n = g.node_count();
    // Upstream of each node (itself included), an estimated input?
    let mut up = vec![false; n];
    for &v in &g.topo {
        let mut u = false;
        for i in csr.slots(v) {
            u |= slot_est[i];
            for j in csr.suppliers(i) {
                u |= up[csr.sup_node[j].ix()];
            }
        }
        up[v.ix()] = u;
    }
    up
}

/// Findings whose mark needs a failure's cone.
#[derive(Default)]
struct Pending {
    /// (level, subject) -> [(finding, node)].
    by_group: HashMap<(Level, Id), Vec<(usize, NodeIx)>>,
    /// (finding, node, the product's own entity).
    untrusted: Vec<(usize, NodeIx, EntityIx)>,
    /// (finding, dependent country, country depended on).
    asym: Vec<(usize, String, String)>,
}

/// Marks the findings that need no cone (visibility gaps, concentrations); returns the
/// others, by the failure they need.
fn sort_findings(ctx: &Ctx<'_>, cones: &ConeMarks, findings: &mut Findings) -> Pending {
    let seen = Seen {
        ctx,
        cones,
        // Each product in scope: its node, its own entity and its position in scope.
        node_of_product: ctx
            .products
            .iter()
            .enumerate()
            .map(|(k, &(p, node))| (ctx.product_ref(p), (node, ctx.product_entity(p), k as u32)))
            .collect(),
        // Estimated (buyer, input) pairs, by ids.
        est_pairs: ctx
            .ds
            .supply
            .iter()
            .filter(|r| r.qualified && r.share.is_blank())
            .map(|r| {
                (
                    ctx.ds.entity(r.buyer).id.as_str(),
                    ctx.ds.item(r.item).id.as_str(),
                )
            })
            .collect(),
    };
    // On every core (a box read per finding, millions at scale); the findings that need a
    // cone are gathered in their order.
    let needs: Vec<(usize, Need)> = findings
        .par_iter_mut()
        .enumerate()
        .filter_map(|(f, finding)| Some((f, seen.mark(finding)?)))
        .collect();
    let mut pending = Pending::default();
    for (f, need) in needs {
        match need {
            Need::Entity(subject, node) => pending
                .by_group
                .entry((Level::Entity, subject))
                .or_default()
                .push((f, node)),
            Need::Untrusted(node, own) => pending.untrusted.push((f, node, own)),
            Need::Asymmetry(a, b) => pending.asym.push((f, a, b)),
        }
    }
    pending
}

/// What [`sort_findings`] reads to mark a finding.
struct Seen<'a> {
    ctx: &'a Ctx<'a>,
    cones: &'a ConeMarks,
    node_of_product: HashMap<ProductRef, (NodeIx, EntityIx, u32)>,
    est_pairs: HashSet<(&'a str, &'a str)>,
}

impl Seen<'_> {
    /// Marks `finding` if no cone is needed for it; otherwise says what is.
    fn mark(&self, finding: &mut Finding) -> Option<Need> {
        let up = &self.cones.estimates.up;
        let at = finding
            .product
            .as_ref()
            .and_then(|p| self.node_of_product.get(p))
            .copied();
        match finding.kind {
            Kind::Spof => None,
            Kind::VisibilityGap | Kind::CommonCause => {
                finding.estimated_shares = at.is_some_and(|(node, ..)| up[node.ix()]);
                None
            }
            Kind::Concentration => {
                if let Details::Concentration(d) = &finding.details {
                    // A requirement of substitutes is estimated when a row of any of them is.
                    finding.estimated_shares = d
                        .items()
                        .iter()
                        .any(|y| self.est_pairs.contains(&(&*d.buyer, &**y)));
                }
                None
            }
            // Marked in the cone that made it.
            Kind::CapacityAtRisk => None,
            Kind::RestrictedParty | Kind::TimeExposure => {
                let (node, _, k) = at.filter(|(node, ..)| up[node.ix()])?;
                if !self.cones.entity_cones {
                    return Some(Need::Entity(finding.subject.clone(), node));
                }
                finding.estimated_shares = self
                    .ctx
                    .ds
                    .entity_ix
                    .get(finding.subject.as_str())
                    .is_some_and(|&e| self.cones.entity.contains(&(k, e)));
                None
            }
            Kind::UntrustedExposure => {
                let (node, own, _) = at.filter(|(node, ..)| up[node.ix()])?;
                Some(Need::Untrusted(node, own))
            }
            Kind::AsymmetricDependency => match &finding.details {
                Details::Asymmetry(a) => Some(Need::Asymmetry(
                    a.dependent.clone(),
                    finding.subject.to_string(),
                )),
                _ => None,
            },
        }
    }
}

/// What a finding's mark needs, gathered by [`sort_findings`].
enum Need {
    /// Its entity's cone (the subject), at its product's node.
    Entity(Id, NodeIx),
    /// The untrusted group's failure less the product's own entity.
    Untrusted(NodeIx, EntityIx),
    /// The dependent country and the country depended on.
    Asymmetry(String, String),
}

/// Country-level cones for the asymmetric dependencies: each product of one country under
/// the failure of the other.
fn add_country_pairs(ctx: &Ctx<'_>, up: &[bool], pending: &mut Pending) {
    let mut country_pairs: HashMap<String, Vec<(usize, NodeIx)>> = HashMap::default();
    let products_of = |code: &str| -> Vec<NodeIx> {
        ctx.products
            .iter()
            .filter(|&&(p, node)| {
                ctx.ds.entity_country(ctx.ds.products[p].entity).code == code && up[node.ix()]
            })
            .map(|&(_, node)| node)
            .collect()
    };
    for (f, a, b) in &pending.asym {
        for node in products_of(a) {
            country_pairs.entry(b.clone()).or_default().push((*f, node));
        }
        for node in products_of(b) {
            country_pairs.entry(a.clone()).or_default().push((*f, node));
        }
    }
    for (code, list) in country_pairs {
        pending
            .by_group
            .entry((Level::Country, code.into()))
            .or_default()
            .extend(list);
    }
}

/// One cone per group, in parallel: the findings whose node rests on an estimate under the
/// failure of their group.
fn marked_by_cones(
    ctx: &Ctx<'_>,
    est: &Estimates,
    by_group: &HashMap<(Level, Id), Vec<(usize, NodeIx)>>,
) -> Vec<usize> {
    let g = ctx.g;
    let mut groups_of: HashMap<Level, Groups> = HashMap::default();
    for (level, _) in by_group.keys() {
        groups_of
            .entry(*level)
            .or_insert_with(|| Groups::new(*level, ctx.ds, g));
    }
    let index: HashMap<(Level, &str), u32> = groups_of
        .iter()
        .flat_map(|(level, gr)| {
            gr.subject
                .iter()
                .enumerate()
                .map(move |(k, s)| ((*level, s.as_str()), k as u32))
        })
        .collect();
    let mut tasks: Vec<Task<'_>> = by_group.iter().collect();
    tasks.sort_by(|a, b| a.0.cmp(b.0));
    let engine = Engine::new(g, ctx.ds.entities.len());
    tasks
        .par_iter()
        .map_init(
            || (engine.clone(), Taint::new(Some(est))),
            |(eng, taint), ((level, subject), list)| {
                let Some(&grp) = index.get(&(*level, subject.as_str())) else {
                    return Vec::new();
                };
                let groups = &groups_of[level];
                taint.reset(eng);
                eng.cone(&groups.members[grp as usize]);
                let failed = |e: EntityIx| groups.of(e) == Some(grp);
                list.iter()
                    .filter(|&&(_, node)| taint.rests_on(ctx, est, eng, failed, node))
                    .map(|&(f, _)| f)
                    .collect::<Vec<usize>>()
            },
        )
        .flatten()
        .collect()
}

/// Untrusted exposure: the untrusted group less the product's own entity. One full pass
/// for the untrusted group; for a product of an untrusted entity, only the cone of that
/// entity differs, and is recomputed over it (as `exposure::untrusted` does).
fn marked_untrusted(
    ctx: &Ctx<'_>,
    est: &Estimates,
    mut untrusted: Vec<(usize, NodeIx, EntityIx)>,
) -> Vec<usize> {
    let g = ctx.g;
    let n = g.node_count();
    let mut more: Vec<usize> = Vec::new();
    if untrusted.is_empty() {
        return more;
    }
    let is_untrusted = &g.parties.untrusted;
    let mut engine = Engine::new(g, ctx.ds.entities.len());
    let shared = engine.full(|e| is_untrusted[e.ix()]);
    let mut shared_taint = vec![false; n];
    rests(
        ctx,
        est,
        &shared,
        &g.topo,
        |e| is_untrusted[e.ix()],
        &mut shared_taint,
        None,
    );
    let mut work = shared.clone();
    let mut taint = shared_taint.clone();
    untrusted.sort_by_key(|&(_, _, own)| own);
    let mut last: Option<EntityIx> = None;
    for (f, node, own) in untrusted {
        let (cap, marks): (&[f64], &[bool]) = if is_untrusted[own.ix()] {
            if last != Some(own) {
                for &v in engine.touched() {
                    taint[v.ix()] = shared_taint[v.ix()];
                }
                engine.recompute(&shared, &mut work, &[own], |e| {
                    is_untrusted[e.ix()] && e != own
                });
                let touched = engine.touched().to_vec();
                rests(
                    ctx,
                    est,
                    &work,
                    &touched,
                    |e| is_untrusted[e.ix()] && e != own,
                    &mut taint,
                    None,
                );
                last = Some(own);
            }
            (&work, &taint)
        } else {
            (&shared, &shared_taint)
        };
        if tainted(marks, cap, node) {
            more.push(f);
        }
    }
    more
}

/// Whether a node's capacity rests on an estimate: marked, and strictly between 0 and 1.
fn tainted(taint: &[bool], cap: &[f64], node: NodeIx) -> bool {
    let c = cap[node.ix()];
    taint[node.ix()] && c > EPS && c < 1.0 - EPS
}

/// Marks, in `nodes` (topological order), the nodes that rest on an estimate under the
/// failure whose capacities are `cap`. With `cone`, `nodes` is the engine's last cone (every
/// node outside it at capacity 1 and unmarked), and only what the cone fed is read
/// ([`Engine::fed`]): of each node the requirements fed from inside, and of a requirement of
/// more than [`MANY_SUPPLIERS`] suppliers its entries inside. A requirement fed only from
/// outside has every supplier at capacity 1 and unmarked, which marks nothing; so the result
/// is the same, and an item with 100,000 inputs, or a distributor buying from 50,000 makers,
/// costs a failure what it reaches. A node with no estimated input upstream of it
/// ([`Estimates::up`]) cannot rest on one and is not read; a node is marked at the first
/// requirement that rests on one.
fn rests(
    ctx: &Ctx<'_>,
    est: &Estimates,
    cap: &[f64],
    nodes: &[NodeIx],
    failed: impl Fn(EntityIx) -> bool,
    taint: &mut [bool],
    cone: Option<&Engine<'_>>,
) {
    let csr = &ctx.g.csr;
    let slot_est = &est.slot_est;
    for (k, &v) in nodes.iter().enumerate() {
        if !est.up[v.ix()] || failed(csr.entity[v.ix()]) {
            taint[v.ix()] = false;
            continue;
        }
        let t = match cone {
            Some(engine) => engine
                .fed(k)
                .any(|(i, inside)| input_rests(ctx, slot_est, cap, taint, i, Some(inside))),
            None => csr
                .slots(v)
                .any(|i| input_rests(ctx, slot_est, cap, taint, i, None)),
        };
        taint[v.ix()] = t;
    }
}

/// Whether input slot `i` makes its node rest on an estimate: a supplier does, or the input
/// is estimated and its suppliers' capacities are unequal. With `inside` (a cone's), a
/// requirement of more than [`MANY_SUPPLIERS`] suppliers is read from its entries inside the
/// cone (the others at capacity 1, unmarked).
fn input_rests(
    ctx: &Ctx<'_>,
    slot_est: &[bool],
    cap: &[f64],
    taint: &[bool],
    i: usize,
    inside: Option<&[u32]>,
) -> bool {
    let csr = &ctx.g.csr;
    let sups = csr.suppliers(i);
    let mut t = false;
    let (mut first, entries) = match inside {
        Some(inside) if sups.len() > MANY_SUPPLIERS => {
            let first = cap[csr.sup_node[sups.start].ix()];
            // The suppliers outside the cone are at capacity 1, unmarked.
            let outside = inside.len() < sups.len() && (first - 1.0).abs() > EPS;
            t |= slot_est[i] && outside;
            (Some(first), Entries::Some(inside.iter()))
        }
        _ => (None, Entries::All(sups)),
    };
    let mut unequal = false;
    for j in entries {
        let s = csr.sup_node[j].ix();
        t |= taint[s];
        let c = cap[s];
        match first {
            None => first = Some(c),
            Some(f) => unequal |= (f - c).abs() > EPS,
        }
    }
    t || (slot_est[i] && unequal)
}

/// The supplier entries of a requirement that [`input_rests`] reads: all, or those inside a
/// cone.
enum Entries<'a> {
    All(std::ops::Range<usize>),
    Some(std::slice::Iter<'a, u32>),
}

impl Iterator for Entries<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Entries::All(range) => range.next(),
            Entries::Some(list) => list.next().map(|&j| j as usize),
        }
    }
}

#[cfg(test)]
mod tests;
