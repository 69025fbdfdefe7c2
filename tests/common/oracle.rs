//! An oracle for capacities that does not use the production graph: DATA-MODEL.md's rules
//! (rules 3: requirements, substitutes, distributors) applied to the dataset's rows directly,
//! by memoised recursion, the slow obvious way.
//!
//! - The nodes are the (entity, item) pairs of `supply.csv` suppliers and `products.csv`.
//! - The requirements of item x: each BOM row of x alone, except that rows of x with the same
//!   non-empty `group` are one requirement when there are two or more of them. A
//!   distributor's node (D, x) has the one requirement {x}.
//! - The supply of requirement R at buyer e: every qualified row (s, e, y) with y in R; rows
//!   with a share keep it, blank rows split what the given shares leave; without blanks the
//!   shares are rescaled to sum to 1 and the coverage is their sum.
//! - cap(e, x | F) = 0 if e in F; 1 if no requirement has a row; else the minimum over the
//!   requirements with rows of Σ weight × cap(supplier's node).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use tierscope::model::{Dataset, EntityIx, ItemIx};

pub type Node = (EntityIx, ItemIx);

/// One requirement of one node: its items, its coverage, and its rows as (supplier's node,
/// weight); no rows when unmapped.
#[derive(Debug, Clone)]
pub struct Need {
    pub items: Vec<ItemIx>,
    pub coverage: f64,
    pub rows: Vec<(Node, f64)>,
}

pub struct Oracle<'d> {
    pub ds: &'d Dataset,
    pub needs: BTreeMap<Node, Vec<Need>>,
}

/// The requirements of every item, from `bom.csv` alone, in BOM row order (a group where its
/// first row is).
pub fn item_requirements(ds: &Dataset) -> BTreeMap<ItemIx, Vec<Vec<ItemIx>>> {
    let mut out: BTreeMap<ItemIx, Vec<Vec<ItemIx>>> = BTreeMap::new();
    let mut group_at: BTreeMap<(ItemIx, String), usize> = BTreeMap::new();
    for row in &ds.bom {
        let size = |g: &str| {
            ds.bom
                .iter()
                .filter(|r| r.item == row.item && r.group.as_deref() == Some(g))
                .count()
        };
        let reqs = out.entry(row.item).or_default();
        match row.group.as_deref().filter(|g| size(g) > 1) {
            None => reqs.push(vec![row.input]),
            Some(g) => match group_at.get(&(row.item, g.to_string())) {
                Some(&k) => reqs[k].push(row.input),
                None => {
                    group_at.insert((row.item, g.to_string()), reqs.len());
                    reqs.push(vec![row.input]);
                }
            },
        }
    }
    for reqs in out.values_mut() {
        for r in reqs.iter_mut() {
            r.sort();
        }
    }
    out
}

fn is_distributor(ds: &Dataset, e: EntityIx) -> bool {
    ds.entity(e)
        .kind
        .as_deref()
        .is_some_and(|k| k.eq_ignore_ascii_case("distributor"))
}

/// Weights and coverage of rows with these shares (DATA-MODEL.md).
pub fn weights(shares: &[Option<f64>]) -> (Vec<f64>, f64) {
    let given: f64 = shares.iter().flatten().sum();
    let blanks = shares.iter().filter(|s| s.is_none()).count();
    if blanks > 0 {
        let each = (1.0 - given) / blanks as f64;
        (shares.iter().map(|s| s.unwrap_or(each)).collect(), 1.0)
    } else {
        (
            shares.iter().map(|s| s.unwrap_or(0.0) / given).collect(),
            given.min(1.0),
        )
    }
}

impl<'d> Oracle<'d> {
    pub fn new(ds: &'d Dataset) -> Oracle<'d> {
        let mut nodes: BTreeSet<Node> = BTreeSet::new();
        for r in &ds.supply {
            nodes.insert((r.supplier, r.item));
        }
        for p in &ds.products {
            nodes.insert((p.entity, p.item));
        }
        let reqs = item_requirements(ds);
        let mut needs = BTreeMap::new();
        for &(e, x) in &nodes {
            let sets: Vec<Vec<ItemIx>> = if is_distributor(ds, e) {
                vec![vec![x]]
            } else {
                reqs.get(&x).cloned().unwrap_or_default()
            };
            let list: Vec<Need> = sets
                .into_iter()
                .map(|items| {
                    let rows: Vec<&tierscope::model::SupplyRow> = ds
                        .supply
                        .iter()
                        .filter(|r| r.qualified && r.buyer == e && items.contains(&r.item))
                        .collect();
                    let shares: Vec<Option<f64>> = rows.iter().map(|r| r.share.get()).collect();
                    let (w, coverage) = if rows.is_empty() {
                        (Vec::new(), 0.0)
                    } else {
                        weights(&shares)
                    };
                    Need {
                        items,
                        coverage,
                        rows: rows
                            .iter()
                            .zip(w)
                            .map(|(r, w)| ((r.supplier, r.item), w))
                            .collect(),
                    }
                })
                .collect();
            needs.insert((e, x), list);
        }
        Oracle { ds, needs }
    }

    /// Every node's capacity with the entities for which `failed` is true failed.
    pub fn caps(&self, failed: &dyn Fn(EntityIx) -> bool) -> BTreeMap<Node, f64> {
        let memo = RefCell::new(BTreeMap::new());
        for &n in self.needs.keys() {
            self.cap(n, failed, &memo);
        }
        memo.into_inner()
    }

    fn cap(
        &self,
        n: Node,
        failed: &dyn Fn(EntityIx) -> bool,
        memo: &RefCell<BTreeMap<Node, f64>>,
    ) -> f64 {
        if let Some(&c) = memo.borrow().get(&n) {
            return c;
        }
        let c = if failed(n.0) {
            0.0
        } else {
            let mut best = 1.0f64;
            for need in &self.needs[&n] {
                if need.rows.is_empty() {
                    continue; // unmapped: counted as available
                }
                let supplied: f64 = need
                    .rows
                    .iter()
                    .map(|&(s, w)| w * self.cap(s, failed, memo))
                    .sum();
                best = best.min(supplied);
            }
            best.min(1.0)
        };
        memo.borrow_mut().insert(n, c);
        c
    }

    /// The nodes upstream of `n` along qualified rows, `n` included.
    pub fn upstream(&self, n: Node) -> BTreeSet<Node> {
        let mut seen = BTreeSet::from([n]);
        let mut stack = vec![n];
        while let Some(m) = stack.pop() {
            for need in &self.needs[&m] {
                for &(s, _) in &need.rows {
                    if seen.insert(s) {
                        stack.push(s);
                    }
                }
            }
        }
        seen
    }
}
