//! The changed graph's capacities and findings for the products an addition reaches: a
//! node's capacity by the engine's formula ([`Ranker::eval`]), untrusted exposure, and the
//! single points of failure and capacity at risk of each level, evaluated only over the
//! region an addition can change (see the parent module for why that is exact). Split from
//! `rank.rs`, which keeps the setup and the per-addition walk (cone, ancestors, the change).

use super::*;

impl Ranker<'_> {
    /// A node's capacity in the changed graph: `failed` for its own entity, `cap` for its
    /// suppliers' nodes, `new_cap` for the new vendor.
    pub(super) fn eval(
        &self,
        n: NodeIx,
        failed: bool,
        change: &Change,
        new_cap: f64,
        cap: impl Fn(NodeIx) -> f64,
    ) -> f64 {
        if failed {
            return 0.0;
        }
        let csr = &self.g.csr;
        let over = change.slot_at(n);
        node_capacity(csr.slots(n).filter_map(|i| {
            if Some(i) == over {
                return Some(slot_supply(
                    change
                        .suppliers
                        .iter()
                        .map(|&(m, w)| (w, m.map_or(new_cap, &cap))),
                ));
            }
            let sups = csr.suppliers(i);
            (!sups.is_empty())
                .then(|| slot_supply(sups.map(|j| (csr.sup_share[j], cap(csr.sup_node[j])))))
        }))
    }

    /// Untrusted exposure of the products in P after the change.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn exposure(
        &self,
        change: &Change,
        cone: &[NodeIx],
        prods: &[u32],
        after: &mut [ProductState],
        sc: &mut Scratch,
        cone_stamp: u32,
        anc_stamp: u32,
    ) {
        let untrusted = &self.g.parties.untrusted;
        let entity = &self.g.csr.entity;
        let new_cap = match change.new_entity {
            Some(e) if untrusted[e.ix()] => 0.0,
            _ => 1.0,
        };
        // Trusted makers: F is every untrusted entity; only C differs from the kept pass.
        for &n in cone {
            let v = self.eval(n, untrusted[entity[n.ix()].ix()], change, new_cap, |m| {
                if sc.cone[m.ix()] == cone_stamp {
                    sc.value[m.ix()]
                } else {
                    self.untrusted[m.ix()]
                }
            });
            sc.value[n.ix()] = v;
        }
        for (x, &p) in prods.iter().enumerate() {
            let (pe, node) = {
                let (i, node) = self.g.products[p as usize];
                (self.ds.products[i].entity, node)
            };
            if !untrusted[pe.ix()] {
                after[x].exposure = round(1.0 - sc.value[node.ix()]);
            }
        }
        // Untrusted makers: their own entity is left out of F; its cone is evaluated too.
        for (x, &p) in prods.iter().enumerate() {
            let (i, node) = self.g.products[p as usize];
            let own = self.ds.products[i].entity;
            if !untrusted[own.ix()] {
                continue;
            }
            let seeds: Vec<NodeIx> = self.nodes_of[own.ix()]
                .iter()
                .copied()
                .chain(cone.iter().copied())
                .collect();
            let region = self.region(&seeds, change, sc, anc_stamp);
            let region_stamp = sc.stamp;
            let failed = |e: EntityIx| untrusted[e.ix()] && e != own;
            let new_cap = match change.new_entity {
                Some(e) if failed(e) => 0.0,
                _ => 1.0,
            };
            for &n in &region {
                let v = self.eval(n, failed(entity[n.ix()]), change, new_cap, |m| {
                    if sc.region[m.ix()] == region_stamp {
                        sc.value[m.ix()]
                    } else {
                        self.untrusted[m.ix()]
                    }
                });
                sc.value[n.ix()] = v;
            }
            let c = if sc.region[node.ix()] == region_stamp {
                sc.value[node.ix()]
            } else {
                self.untrusted[node.ix()]
            };
            after[x].exposure = round(1.0 - c);
        }
    }

    /// The nodes downstream of `seeds` in the changed graph that are upstream of P (marked
    /// `anc_stamp`), in topological order. Marks them with a fresh stamp (`sc.stamp`).
    pub(super) fn region(
        &self,
        seeds: &[NodeIx],
        change: &Change,
        sc: &mut Scratch,
        anc_stamp: u32,
    ) -> Vec<NodeIx> {
        let stamp = sc.next();
        let csr = &self.g.csr;
        let mut out: Vec<NodeIx> = Vec::new();
        for &n in seeds {
            if sc.anc[n.ix()] == anc_stamp && sc.region[n.ix()] != stamp {
                sc.region[n.ix()] = stamp;
                out.push(n);
            }
        }
        let mut k = 0;
        while k < out.len() {
            let n = out[k];
            k += 1;
            let feeds_b = change.suppliers.iter().any(|&(m, _)| m == Some(n));
            let extra = change.b.iter().map(|&(m, _)| m).filter(|_| feeds_b);
            for m in csr.buyers(n).iter().copied().chain(extra) {
                if sc.anc[m.ix()] == anc_stamp && sc.region[m.ix()] != stamp {
                    sc.region[m.ix()] = stamp;
                    out.push(m);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// The findings of one level for the products in P after the change.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn level(
        &self,
        lb: &LevelBase,
        add: &Addition,
        change: &Change,
        cone: &[NodeIx],
        prods: &[u32],
        upstream: &[EntityIx],
        after: &mut [ProductState],
        sc: &mut Scratch,
        (cone_stamp, anc_stamp): (u32, u32),
    ) {
        let groups = &lb.groups;
        let entity = &self.g.csr.entity;
        let relevant = relevant_groups(groups, add, upstream, sc);
        for grp in relevant {
            let holds = |e: EntityIx| groups.of(e) == Some(grp);
            let new_cap = match change.new_entity {
                Some(e) if holds(e) => 0.0,
                _ => 1.0,
            };
            // The capacity of each product in P under the group, after the change.
            let caps: Vec<f64> = match &lb.dense {
                Some(dense) => {
                    let base = &dense[grp as usize];
                    for &n in cone {
                        let v = self.eval(n, holds(entity[n.ix()]), change, new_cap, |m| {
                            if sc.cone[m.ix()] == cone_stamp {
                                sc.value[m.ix()]
                            } else {
                                base[m.ix()]
                            }
                        });
                        sc.value[n.ix()] = v;
                    }
                    prods
                        .iter()
                        .map(|&p| sc.value[self.g.products[p as usize].1.ix()])
                        .collect()
                }
                None => {
                    let mut seeds: Vec<NodeIx> = groups.members[grp as usize]
                        .iter()
                        .flat_map(|e| self.nodes_of[e.ix()].iter().copied())
                        .collect();
                    if new_cap == 0.0 {
                        seeds.extend(change.b.iter().map(|&(n, _)| n));
                    }
                    let region = self.region(&seeds, change, sc, anc_stamp);
                    let stamp = sc.stamp;
                    for &n in &region {
                        let v = self.eval(n, holds(entity[n.ix()]), change, new_cap, |m| {
                            if sc.region[m.ix()] == stamp {
                                sc.value[m.ix()]
                            } else {
                                1.0
                            }
                        });
                        sc.value[n.ix()] = v;
                    }
                    prods
                        .iter()
                        .map(|&p| {
                            let node = self.g.products[p as usize].1;
                            if sc.region[node.ix()] == stamp {
                                sc.value[node.ix()]
                            } else {
                                1.0
                            }
                        })
                        .collect()
                }
            };
            self.record(lb, grp, prods, &caps, after);
        }
    }

    /// The new states of the products `prods` under the failure of group `grp`, whose
    /// capacities are `caps`: a SPOF at 0, capacity at risk under the threshold.
    pub(super) fn record(
        &self,
        lb: &LevelBase,
        grp: u32,
        prods: &[u32],
        caps: &[f64],
        after: &mut [ProductState],
    ) {
        let groups = &lb.groups;
        let threshold = self.settings.capacity_threshold;
        let subject = &groups.subject[grp as usize];
        let redundant = lb.level == Level::Owner && groups.members[grp as usize].len() == 1;
        for (x, &p) in prods.iter().enumerate() {
            let own = self.ds.products[self.g.products[p as usize].0].entity;
            if groups.of(own) == Some(grp) || redundant {
                continue;
            }
            let key = (lb.level, subject.clone());
            let state = &mut after[x];
            state.spofs.remove(&key);
            state.capacity_at_risk.remove(&key);
            let c = caps[x];
            if c == 0.0 {
                state.spofs.insert(key, groups.name(self.ds, grp));
            } else if c > EPS && c < 1.0 - EPS && c <= 1.0 - threshold + EPS {
                state
                    .capacity_at_risk
                    .insert(key, (round(c), groups.name(self.ds, grp)));
            }
        }
    }
}

/// The groups (other than the buyer's) holding an entity upstream of the changed input, in
/// order.
fn relevant_groups(
    groups: &Groups,
    add: &Addition,
    upstream: &[EntityIx],
    sc: &mut Scratch,
) -> Vec<u32> {
    let buyer_group = groups.of(add.buyer);
    let seen = sc.next();
    let mut relevant: Vec<u32> = Vec::new();
    for &e in upstream {
        if let Some(grp) = groups.of(e)
            && Some(grp) != buyer_group
            && sc.group_seen[grp as usize] != seen
        {
            sc.group_seen[grp as usize] = seen;
            relevant.push(grp);
        }
    }
    relevant.sort_unstable();
    relevant
}
