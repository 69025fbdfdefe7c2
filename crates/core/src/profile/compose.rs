//! The buyer side of federated profiles: a supplier's node (S, y) takes its capacity under
//! each failure from S's profile instead of from supply rows.
//!
//! **How.** For each country c the profile lists (other than S's own, whose failure fails S),
//! a *stand-in* entity `S@profile:c` in country c makes the item `@profile`, and (S, y) gets
//! one requirement per stand-in: met `1 - cap_c` by the stand-in and `cap_c` by S's own node
//! (S, `@profile`), which fails only with S. Failing country c fails its stand-in: that
//! requirement supplies exactly `cap_c`, every other one 1, so cap(S, y | c) = cap_c, and the
//! buyer's graph above (S, y) is evaluated by the same engine, bit for bit as with the whole
//! sub-tier. When the buyer's trust policy equals the profile's, one more stand-in,
//! `S@profile:untrusted`, is in the untrusted group only, with `1 - cap_untrusted`: the
//! untrusted bloc is then exact too (cap_untrusted is at most every listed untrusted
//! country's, since failing more never raises a capacity).
//!
//! **Where it is a bound.** Under another trust policy, or a failure of several countries at
//! once (`whatif`), the node gets the least of the failed countries' capacities: an upper
//! bound on the true one. Findings of the untrusted level downstream of such a profile are
//! marked approximate ([`mark`]). Stand-ins belong to no entity or owner group: at those
//! levels S's sub-tier is out of sight (only S and its own owner group are exact).

use super::{ItemProfile, Policy, Profile};
use crate::analysis::findings::{Findings, Kind};
use crate::analysis::groups::Level;
use crate::analysis::paths::Upstream;
use crate::graph::requirements::ReqIx;
use crate::graph::{Csr, InputSlot, NodeIx, ProductionGraph, SupplyEdge};
use crate::model::{Dataset, Entity, EntityIx, Item, ItemIx, Number, SupplyRow};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The `kind` of a stand-in entity (a value no data file is expected to hold).
pub const STAND_IN_KIND: &str = "(profile stand-in)";
/// The item stand-ins make.
pub const STAND_IN_ITEM: &str = "@profile";

/// Which source wins where supply rows lead into a profiled node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// Drop the rows into the node; the profile stands in.
    Profile,
    /// Keep the rows; the profile is not used for that node.
    Data,
}

/// One `profiles.csv` row, its profile read and checked.
#[derive(Debug, Clone)]
pub struct Request {
    pub entity: EntityIx,
    pub item: ItemIx,
    pub profile: Profile,
    /// The profile file as `profiles.csv` names it.
    pub file: String,
    /// The `profiles.csv` line.
    pub line: u64,
    /// The key fingerprint of a verified signature; `None`: unsigned.
    pub signed_by: Option<String>,
}

/// How a profile stands in, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileUse {
    pub entity: String,
    pub item: String,
    pub file: String,
    /// The fingerprint of the key that signed it; absent when unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    pub as_of: String,
    /// Whether the buyer's trust policy equals the profile's (the untrusted bloc is exact).
    pub policy_matches: bool,
    /// What the buyer sees and does not see through it.
    pub notes: Vec<String>,
    /// The ids of the findings resting on a bound of this profile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approximate: Vec<String>,
    /// The critical sub-tier entities the profile discloses for this item (empty unless the
    /// supplier ran `profile --disclose entities`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disclosed: Vec<super::Disclosed>,
    /// The profiled node in the graph.
    #[serde(skip)]
    pub node: Option<NodeIx>,
}

/// What [`prepare`] added to the dataset, to finish the graph with [`finish`].
#[derive(Debug, Clone)]
pub struct Composition {
    uses: Vec<ProfileUse>,
    /// Per use: the node (S, y), and its stand-ins with the capacity each leaves.
    plans: Vec<Plan>,
    /// The stand-ins of the untrusted bloc.
    untrusted: Vec<EntityIx>,
    /// Supply rows from here on are temporary: they only create the stand-ins' nodes.
    temp_rows: usize,
    item: Option<ItemIx>,
}

#[derive(Debug, Clone)]
struct Plan {
    entity: EntityIx,
    item: ItemIx,
    stand_ins: Vec<(EntityIx, f64)>,
    coverage: f64,
    estimated: bool,
}

/// The stand-in item of `ds`, if profiles added one. The graph orders its nodes before every
/// other node of their level (level 0: it has no BOM), so that a profiled node of a leaf item
/// comes after the stand-ins it takes as inputs.
pub fn stand_in_item(ds: &Dataset) -> Option<ItemIx> {
    ds.item_ix.get(STAND_IN_ITEM).copied()
}

impl Entity {
    /// Whether this entity is a profile's stand-in (see [`crate::profile::compose`]).
    pub fn is_stand_in(&self) -> bool {
        self.kind.as_deref() == Some(STAND_IN_KIND)
    }
}

/// Checks the requests against `ds` (trust policy applied) and adds the stand-ins. Rows into
/// a profiled node are an error naming both, unless `prefer` says which wins. Every problem
/// is collected into one [`crate::Error::Input`] on `profiles` (the `profiles.csv` path).
pub fn prepare(
    ds: &mut Dataset,
    requests: Vec<Request>,
    prefer: Option<Prefer>,
    profiles: &std::path::Path,
    digest: &dyn Fn(&[u8]) -> String,
) -> Result<Composition, crate::Error> {
    let buyer_policy: Policy = super::policy(ds, digest);
    let mut errors: Vec<String> = Vec::new();
    let mut accepted: Vec<(Request, ItemProfile)> = Vec::new();
    for req in requests {
        if let Some(ip) = check(ds, &req, prefer, &mut errors) {
            accepted.push((req, ip));
        }
    }
    if !errors.is_empty() {
        return Err(crate::Error::Input {
            path: PathBuf::from(profiles),
            what: errors.join("; "),
        });
    }

    let mut comp = Composition {
        uses: Vec::new(),
        plans: Vec::new(),
        untrusted: Vec::new(),
        temp_rows: ds.supply.len(),
        item: None,
    };
    if accepted.is_empty() {
        return Ok(comp);
    }
    let item = ItemIx(ds.items.len() as u32);
    ds.items.push(Item {
        id: STAND_IN_ITEM.into(),
        name: "capacity under a failure, from a supplier's profile".into(),
        sector: None,
        critical: false,
        line: 0,
    });
    ds.item_ix.insert(STAND_IN_ITEM.into(), item);
    comp.item = Some(item);
    for (req, ip) in accepted {
        add_use(ds, &mut comp, req, ip, &buyer_policy, item);
    }
    Ok(comp)
}

/// The item profile `req` asks for, when the request fits `ds`: it is the profile of the
/// entity the row names, has the item, the entity makes it here, and no supply rows lead into
/// the node (unless `prefer` says which wins; `Prefer::Data` drops the request). Otherwise
/// `None`, with the problems pushed to `errors`.
fn check(
    ds: &Dataset,
    req: &Request,
    prefer: Option<Prefer>,
    errors: &mut Vec<String>,
) -> Option<ItemProfile> {
    let (s, y) = (
        ds.entity(req.entity).id.clone(),
        ds.item(req.item).id.clone(),
    );
    let at = format!("line {}: {}", req.line, req.file);
    if req.profile.entity.id != s {
        errors.push(format!(
            "{at} is the profile of `{}`, not of `{s}` (expected the profile of the entity this row names)",
            req.profile.entity.id
        ));
        return None;
    }
    let Some(ip) = req.profile.item(&y).cloned() else {
        errors.push(format!(
            "{at} has no item `{y}` (expected one of: {})",
            req.profile
                .items
                .iter()
                .map(|i| i.item.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return None;
    };
    let makes = ds
        .supply
        .iter()
        .any(|r| r.supplier == req.entity && r.item == req.item)
        || ds
            .products
            .iter()
            .any(|p| p.entity == req.entity && p.item == req.item);
    if !makes {
        errors.push(format!(
            "line {}: `{s}` does not make `{y}` in this dataset (expected a supply.csv or products.csv row of it)",
            req.line
        ));
        return None;
    }
    let into = rows_into(ds, req.entity, req.item);
    match (into.is_empty(), prefer) {
        // The rows stay in the data (other nodes of S may use them); the node ignores them.
        (true, _) | (false, Some(Prefer::Profile)) => Some(ip),
        (false, Some(Prefer::Data)) => None,
        (false, None) => {
            for i in into {
                let r = &ds.supply[i];
                errors.push(format!(
                    "supply.csv line {}: `{}` supplies `{}` to `{s}`, whose `{y}` profiles.csv line {} takes from {} (expected no supply rows into a profiled node, or --prefer profile|data)",
                    r.line,
                    ds.entity(r.supplier).id,
                    ds.item(r.item).id,
                    req.line,
                    req.file
                ));
            }
            None
        }
    }
}

/// The supply rows that would feed (S, y): S's rows of y's inputs (of y, for a distributor).
fn rows_into(ds: &Dataset, s: EntityIx, y: ItemIx) -> Vec<usize> {
    let feeds: Vec<ItemIx> = if ds.entity(s).is_distributor() {
        vec![y]
    } else {
        ds.bom
            .iter()
            .filter(|b| b.item == y)
            .map(|b| b.input)
            .collect()
    };
    (0..ds.supply.len())
        .filter(|&i| ds.supply[i].buyer == s && feeds.contains(&ds.supply[i].item))
        .collect()
}

/// Adds the stand-ins of one accepted profile to `ds` and its plan and use to `comp`.
fn add_use(
    ds: &mut Dataset,
    comp: &mut Composition,
    req: Request,
    ip: ItemProfile,
    buyer_policy: &Policy,
    item: ItemIx,
) {
    let s = req.entity;
    let s_id = ds.entity(s).id.clone();
    let policy_matches = req.profile.policy == *buyer_policy;
    let mut notes = vec![format!(
        "entity and owner levels: `{s_id}`'s sub-tier is out of sight; only `{s_id}` and its own owner group are exact there"
    )];
    notes.push(match &req.signed_by {
        Some(k) => format!("signed by key {k}"),
        None => "unsigned: nothing shows who computed these numbers".into(),
    });
    let mut stand_ins = stand_ins(ds, comp, s, &ip, policy_matches, item, &mut notes);
    stand_ins.extend(disclosed(ds, s, &ip, item, &mut notes));
    if !policy_matches {
        notes.push(format!(
            "the profile's trust policy (untrusted: {}) differs from this dataset's (untrusted: {}): untrusted-level numbers through it are a bound (capacity at most the least over the listed untrusted countries) and marked approximate",
            list(&req.profile.policy.untrusted_countries),
            list(&buyer_policy.untrusted_countries)
        ));
    }
    if !ip.critical_entities.is_empty() {
        notes.push(format!(
            "discloses {} critical sub-tier entit{} by public identifier (checked for common causes with other profiles)",
            ip.critical_entities.len(),
            if ip.critical_entities.len() == 1 { "y" } else { "ies" }
        ));
    }
    // S's own node of the stand-in item: the part of each requirement that is left.
    ds.supply.push(temp_row(s, s, item));
    comp.plans.push(Plan {
        entity: s,
        item: req.item,
        stand_ins,
        coverage: ip.coverage,
        estimated: ip.estimated_shares,
    });
    comp.uses.push(ProfileUse {
        entity: s_id,
        item: ds.item(req.item).id.clone(),
        file: req.file,
        signed_by: req.signed_by,
        as_of: req.profile.as_of.clone(),
        policy_matches,
        notes,
        approximate: Vec::new(),
        disclosed: ip.critical_entities,
        node: None,
    });
}

/// Adds the stand-ins of supplier `s`'s item profile `ip` to `ds` (one per country it lists,
/// other than `s`'s own, and the untrusted bloc's when the policies match, which also goes to
/// `comp.untrusted`), each with the capacity it leaves. Countries not in the dataset get a note.
fn stand_ins(
    ds: &mut Dataset,
    comp: &mut Composition,
    s: EntityIx,
    ip: &ItemProfile,
    policy_matches: bool,
    item: ItemIx,
    notes: &mut Vec<String>,
) -> Vec<(EntityIx, f64)> {
    let s_id = ds.entity(s).id.clone();
    let home = ds.entity(s).country;
    let mut stand_ins = Vec::new();
    let add = |ds: &mut Dataset, id: String, name: String, country| {
        let e = EntityIx(ds.entities.len() as u32);
        ds.entities.push(Entity {
            id: id.clone(),
            name,
            country,
            kind: Some(STAND_IN_KIND.into()),
            restricted: false,
            recovery_days: None,
            lei: None,
            line: 0,
        });
        ds.entity_ix.insert(id, e);
        ds.supply.push(temp_row(e, s, item));
        e
    };
    for (code, &cap) in &ip.capacity {
        let Some(&c) = ds.country_ix.get(code) else {
            notes.push(format!(
                "country {code} of the profile is not in countries.csv: its failure is not evaluated"
            ));
            continue;
        };
        if c == home || cap >= 1.0 {
            continue;
        }
        let e = add(
            ds,
            format!("{s_id}@profile:{code}"),
            format!("failure of {code}, per {s_id}'s profile"),
            c,
        );
        stand_ins.push((e, cap));
    }
    if policy_matches && ip.untrusted < 1.0 {
        let e = add(
            ds,
            format!("{s_id}@profile:untrusted"),
            format!("failure of the untrusted bloc, per {s_id}'s profile"),
            home,
        );
        stand_ins.push((e, ip.untrusted));
        comp.untrusted.push(e);
    }
    stand_ins
}

/// The entities of `ds` that supplier `s`'s profile discloses as critical (by LEI, or by a
/// name only one entity has), each with the capacity its failure leaves: they take part in
/// (S, y) as stand-ins do, through their own node of the stand-in item, so that their failure
/// at the entity level is exact. (Their country's failure already leaves at most as much: it
/// fails them too.) Disclosed entities not in `ds` are compared only between profiles.
fn disclosed(
    ds: &mut Dataset,
    s: EntityIx,
    ip: &ItemProfile,
    item: ItemIx,
    notes: &mut Vec<String>,
) -> Vec<(EntityIx, f64)> {
    let mut out = Vec::new();
    for d in &ip.critical_entities {
        let hits: Vec<usize> = (0..ds.entities.len())
            .filter(|&e| match d.scheme.as_str() {
                "lei" => ds.entities[e].lei.as_deref() == Some(d.id.as_str()),
                _ => ds.entities[e].name == d.id && !ds.entities[e].is_stand_in(),
            })
            .collect();
        let [e] = hits.as_slice() else {
            if hits.len() > 1 {
                notes.push(format!(
                    "disclosed {} names {} entities here: not matched",
                    d.label(),
                    hits.len()
                ));
            }
            continue;
        };
        let x = EntityIx(*e as u32);
        if x == s {
            continue;
        }
        notes.push(format!(
            "disclosed {} is `{}` here: its failure is exact at the entity level (its owner group's is a bound)",
            d.label(),
            ds.entity(x).id
        ));
        ds.supply.push(temp_row(x, s, item));
        out.push((x, d.capacity));
    }
    out
}

/// A temporary supply row: it only makes `supplier`'s node of the stand-in item exist.
fn temp_row(supplier: EntityIx, buyer: EntityIx, item: ItemIx) -> SupplyRow {
    SupplyRow {
        supplier,
        buyer,
        item,
        share: Number::BLANK,
        qualified: true,
        lead_time_days: Number::BLANK,
        line: 0,
    }
}

fn list(codes: &[String]) -> String {
    if codes.is_empty() {
        "none".into()
    } else {
        codes.join(", ")
    }
}

/// Puts the stand-ins in place in a graph built from the dataset [`prepare`] changed, and
/// removes the temporary supply rows from the dataset.
pub fn finish(comp: Composition, ds: &mut Dataset, g: &mut ProductionGraph) {
    let Some(item) = comp.item else {
        return;
    };
    // Each slot's suppliers, changed below with the slots, for the arrays built again.
    let mut suppliers: Vec<Vec<Vec<(NodeIx, f64)>>> = g
        .inputs
        .iter()
        .map(|slots| {
            slots
                .iter()
                .map(|s| g.suppliers(s).iter().collect())
                .collect()
        })
        .collect();
    for (plan, mut used) in comp.plans.into_iter().zip(comp.uses) {
        let n = g.node_of[&(plan.entity, plan.item)];
        let rest = g.node_of[&(plan.entity, item)];
        // Rows kept under `--prefer profile` no longer feed the node.
        g.graph
            .retain_edges(|gr, edge| gr.edge_endpoints(edge).map(|(_, b)| b) != Some(n.index()));
        let (slots, lists) = plan
            .stand_ins
            .iter()
            .map(|&(e, cap)| {
                let w = g.node_of[&(e, item)];
                // A disclosed entity's node of the stand-in item fails only with it.
                g.inputs[w.ix()] = Vec::new();
                suppliers[w.ix()] = Vec::new();
                let list = if cap <= 0.0 {
                    vec![(w, 1.0)]
                } else {
                    vec![(w, 1.0 - cap), (rest, cap)]
                };
                for &(s, share) in &list {
                    g.graph.add_edge(
                        s.index(),
                        n.index(),
                        SupplyEdge {
                            share,
                            row: u32::MAX,
                        },
                    );
                }
                let slot = InputSlot::new(ReqIx::single(item), plan.coverage, plan.estimated);
                (slot, list)
            })
            .unzip();
        g.inputs[n.ix()] = slots;
        suppliers[n.ix()] = lists;
        // S's own node of the stand-in item needs nothing (even when S is a distributor, whose
        // node would take the stand-ins as its suppliers): it fails only with S.
        g.inputs[rest.ix()] = Vec::new();
        suppliers[rest.ix()] = Vec::new();
        g.graph
            .retain_edges(|gr, edge| gr.edge_endpoints(edge).map(|(_, b)| b) != Some(rest.index()));
        used.node = Some(n);
        g.stand_ins.push(used);
    }
    for e in comp.untrusted {
        g.parties.untrusted[e.ix()] = true;
    }
    let nodes: Vec<(EntityIx, ItemIx)> =
        g.graph.node_weights().map(|p| (p.entity, p.item)).collect();
    g.csr = Csr::build(&nodes, &mut g.inputs, |n, k, _| {
        suppliers[n][k].iter().copied()
    });
    ds.supply.truncate(comp.temp_rows);
    // The groups the analyses read are of the rows that stay.
    g.supply_groups = crate::graph::shares::requirement_groups(ds, &g.buyer_reqs);
}

/// Finishes the findings of a graph with profiles in it: adds the `common_cause` findings
/// ([`super::common`]), says in each finding whose number rests on a profile which one and
/// who signed it ("via S's profile, signed by key ab12..."), and marks the untrusted-level
/// findings that rest on a profile computed under another trust policy: their message says
/// so and the profile's use lists their ids. Returns the uses.
pub fn mark(ctx: &crate::analysis::Ctx<'_>, findings: &mut Findings) -> Vec<ProfileUse> {
    let g = ctx.g;
    let mut uses = g.stand_ins.clone();
    if uses.is_empty() {
        return uses;
    }
    super::common::run(ctx, &uses, findings);
    let mut search = Upstream::new(g);
    for u in &mut uses {
        let Some(n) = u.node else { continue };
        let mut downstream = Vec::new();
        for &(p, node) in &ctx.products {
            search.run(g, node);
            if search.order.contains(&n) {
                downstream.push(ctx.product_ref(p));
            }
        }
        via(ctx, u, n, &downstream, findings);
        if !u.policy_matches {
            approximate(u, &downstream, findings);
        }
    }
    uses
}

/// Adds "via S's profile, signed by key K" to the country- and untrusted-level findings of
/// the products downstream of the profiled node `n` whose failure the profile lowers.
fn via(
    ctx: &crate::analysis::Ctx<'_>,
    u: &ProfileUse,
    n: NodeIx,
    downstream: &[crate::analysis::findings::ProductRef],
    findings: &mut Findings,
) {
    let stand_ins: Vec<EntityIx> = ctx.g.inputs[n.ix()]
        .iter()
        .flat_map(|slot| {
            ctx.g
                .suppliers(slot)
                .nodes
                .iter()
                .map(|&m| ctx.g.node(m).entity)
        })
        .filter(|&e| ctx.ds.entity(e).is_stand_in())
        .collect();
    let countries: Vec<&str> = stand_ins
        .iter()
        .map(|&e| ctx.ds.entity_country(e).code.as_str())
        .collect();
    let untrusted = stand_ins.iter().any(|&e| ctx.g.parties.untrusted[e.ix()]);
    let note = via_text(u);
    for f in findings.iter_mut() {
        if !f.product.as_ref().is_some_and(|p| downstream.contains(p)) {
            continue;
        }
        let rests = match f.level {
            Some(Level::Country) => countries.contains(&f.subject.as_str()),
            Some(Level::Untrusted) => untrusted,
            _ => f.kind == Kind::UntrustedExposure && untrusted,
        };
        if rests && !f.message.contains(&note) {
            f.message.push_str(&format!(" ({note})"));
        }
    }
}

/// "via S's profile (file), signed by key K" or "..., unsigned".
pub fn via_text(u: &ProfileUse) -> String {
    match &u.signed_by {
        Some(k) => format!("via {}'s profile ({}), signed by key {k}", u.entity, u.file),
        None => format!("via {}'s profile ({}), unsigned", u.entity, u.file),
    }
}

/// Marks the untrusted-level findings of the products `downstream` of a profile computed
/// under another trust policy.
fn approximate(
    u: &mut ProfileUse,
    downstream: &[crate::analysis::findings::ProductRef],
    findings: &mut Findings,
) {
    let reason = format!(
        "approximate: through {}'s profile ({}), computed under another trust policy, the untrusted bloc is a bound",
        u.entity, u.file
    );
    for f in findings.iter_mut() {
        let untrusted = f.level == Some(Level::Untrusted) || f.kind == Kind::UntrustedExposure;
        if untrusted && f.product.as_ref().is_some_and(|p| downstream.contains(p)) {
            if !f.message.contains(&reason) {
                f.message.push_str(&format!(" ({reason})"));
            }
            u.approximate.push(f.id.to_string());
        }
    }
}
