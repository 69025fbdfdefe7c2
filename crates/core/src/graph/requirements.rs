//! Requirements: what a production node needs (DATA-MODEL.md, "Requirements: substitutes and
//! distributors", rules 3).
//!
//! A production node needs a list of *requirements*; each is a set of items, any of which
//! meets it.
//!
//! - The requirements of item x come from `bom.csv`: each row of x with an empty `group` is a
//!   requirement of its one input; the rows of x that share a non-empty `group` are together one
//!   requirement, whose set is their inputs (substitutes). A group of one row is a plain input.
//!   Without any `group` this is the old model: one requirement per BOM input.
//! - A *distributor*'s node (D, y) has exactly one requirement, {y}; the BOM of y does not
//!   apply to it.
//! - The supply of requirement R at buyer b is every qualified row (s, b, y) with y in R. So an
//!   item y must belong to the same requirement in every node of one buyer: which one is
//!   [`BuyerRequirements::of`].
//!
//! **Ids.** A requirement of one item y is [`ReqIx`] `y` (the item's own index), so that data
//! without groups keys everything by (buyer, item) exactly as before; a requirement of several
//! items gets an index after the items'. Two items whose groups have the same inputs share one
//! requirement.
//!
//! **Cost.** O(B log B) for B BOM rows; the per-buyer map costs O(Σ over nodes of the grouped
//! inputs of their item), nothing on data without groups.
//!
//! **Example.** A testing programme needs gloves and either of two test kits:
//!
//! ```
//! use tierscope_core::{graph::ProductionGraph, ingest};
//! # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/kits");
//! let ds = ingest::load(&dir)?.dataset;
//! let g = ProductionGraph::build(&ds);
//! let needs: Vec<String> = g
//!     .reqs
//!     .of_item(ds.item_ix["testing"])
//!     .iter()
//!     .map(|&r| g.reqs.ids(&ds, r, " or "))
//!     .collect();
//! assert_eq!(needs, ["gloves", "kit-cn or kit-jp"]);
//! # Ok::<(), tierscope_core::Error>(())
//! ```

use crate::model::{Dataset, EntityIx, ItemIx};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// Index of a requirement: an item's own index for a requirement of that one item, and
/// `items + k` for the k-th requirement of several items (a substitute group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReqIx(pub u32);

impl ReqIx {
    /// The requirement of one item.
    pub fn single(item: ItemIx) -> ReqIx {
        ReqIx(item.0)
    }
}

/// The requirements of every item.
#[derive(Debug, Clone, Default)]
pub struct Requirements {
    /// Every item, in index order: the items of a requirement of one item are a slice of it.
    all: Vec<ItemIx>,
    /// For each item, its requirements in BOM order (each at the position of its first row).
    of_item: Vec<Vec<ReqIx>>,
    /// The items of each requirement of several items (sorted), by `ReqIx - items`.
    groups: Vec<Vec<ItemIx>>,
    /// For each item, whether some group has it: only those can differ between buyers.
    grouped: Vec<bool>,
}

impl Requirements {
    /// The requirements of every item of `ds`. O(B log B) for B BOM rows.
    pub fn new(ds: &Dataset) -> Requirements {
        let n = ds.items.len();
        let mut reqs = Requirements {
            all: (0..n as u32).map(ItemIx).collect(),
            of_item: vec![Vec::new(); n],
            groups: Vec::new(),
            grouped: vec![false; n],
        };
        // Group rows of one item by their group name, in row order.
        let mut rows_of: HashMap<(ItemIx, &str), Vec<ItemIx>> = HashMap::new();
        for row in &ds.bom {
            if let Some(g) = &row.group {
                rows_of.entry((row.item, g)).or_default().push(row.input);
            }
        }
        let mut group_ix: HashMap<Vec<ItemIx>, u32> = HashMap::new();
        let mut placed: HashSet<(ItemIx, &str)> = HashSet::new();
        for row in &ds.bom {
            let members = row
                .group
                .as_deref()
                .map(|g| (g, &rows_of[&(row.item, g)]))
                .filter(|(_, members)| members.len() > 1);
            let Some((g, members)) = members else {
                reqs.of_item[row.item.ix()].push(ReqIx::single(row.input));
                continue;
            };
            if !placed.insert((row.item, g)) {
                continue; // the group is placed at its first row
            }
            let mut set = members.clone();
            set.sort_unstable();
            set.dedup();
            let next = group_ix.len() as u32;
            let k = *group_ix.entry(set.clone()).or_insert(next);
            if k == next {
                for y in &set {
                    reqs.grouped[y.ix()] = true;
                }
                reqs.groups.push(set);
            }
            reqs.of_item[row.item.ix()].push(ReqIx(n as u32 + k));
        }
        reqs
    }

    /// Whether any item has a group of substitutes.
    pub fn has_groups(&self) -> bool {
        !self.groups.is_empty()
    }

    /// The requirements of item `x`, in BOM order.
    pub fn of_item(&self, x: ItemIx) -> &[ReqIx] {
        &self.of_item[x.ix()]
    }

    /// The items of requirement `r`, sorted: one for a plain input, several for substitutes.
    pub fn items(&self, r: ReqIx) -> &[ItemIx] {
        match (r.0 as usize).checked_sub(self.all.len()) {
            None => &self.all[r.0 as usize..r.0 as usize + 1],
            Some(k) => &self.groups[k],
        }
    }

    /// Whether requirement `r` has several items (substitutes).
    pub fn is_group(&self, r: ReqIx) -> bool {
        r.0 as usize >= self.all.len()
    }

    /// Whether item `y` is in some group of substitutes.
    pub fn grouped(&self, y: ItemIx) -> bool {
        self.grouped[y.ix()]
    }

    /// The ids of `r`'s items joined by `sep`: `a|b` names a requirement in ids, `a or b` in
    /// messages.
    pub fn ids(&self, ds: &Dataset, r: ReqIx, sep: &str) -> String {
        let ids: Vec<&str> = self
            .items(r)
            .iter()
            .map(|&y| ds.item(y).id.as_str())
            .collect();
        ids.join(sep)
    }

    /// The names of `r`'s items joined by " or ", for sentences.
    pub fn names<'d>(&self, ds: &'d Dataset, r: ReqIx) -> std::borrow::Cow<'d, str> {
        match self.items(r) {
            [one] => ds.item(*one).name.as_str().into(),
            items => items
                .iter()
                .map(|&y| ds.item(y).name.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
                .into(),
        }
    }
}

/// Which requirement each (buyer, item) counts toward, where that is not just the item itself.
#[derive(Debug, Clone, Default)]
pub struct BuyerRequirements {
    /// (buyer, item) -> requirement, for items in some group, at buyers that need them.
    map: HashMap<(EntityIx, ItemIx), ReqIx>,
}

/// A buyer whose rows of one item would count toward two different requirements: the item
/// `item` is in requirement `first.0` of item `first.1`, and in `second.0` of `second.1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ambiguous {
    pub buyer: EntityIx,
    pub item: ItemIx,
    pub first: (ReqIx, ItemIx),
    pub second: (ReqIx, ItemIx),
}

impl BuyerRequirements {
    /// Which requirement each buyer's rows of a grouped item count toward, from the production
    /// nodes `nodes` (distributors' nodes are pass-throughs and take no part). Returns the
    /// ambiguous (buyer, item) pairs too, in node order, each once.
    pub fn new(
        ds: &Dataset,
        reqs: &Requirements,
        nodes: impl IntoIterator<Item = (EntityIx, ItemIx)>,
    ) -> (BuyerRequirements, Vec<Ambiguous>) {
        let mut out = BuyerRequirements::default();
        let mut ambiguous = Vec::new();
        if !reqs.has_groups() {
            return (out, ambiguous);
        }
        let mut made_for: HashMap<(EntityIx, ItemIx), ItemIx> = HashMap::new();
        let mut reported: HashSet<(EntityIx, ItemIx)> = HashSet::new();
        for (e, x) in nodes {
            if ds.entity(e).is_distributor() {
                continue;
            }
            for &r in reqs.of_item(x) {
                for &y in reqs.items(r) {
                    if !reqs.grouped(y) {
                        continue;
                    }
                    match out.map.get(&(e, y)) {
                        None => {
                            out.map.insert((e, y), r);
                            made_for.insert((e, y), x);
                        }
                        Some(&other) if other != r => {
                            let first = (other, made_for[&(e, y)]);
                            if reported.insert((e, y)) {
                                ambiguous.push(Ambiguous {
                                    buyer: e,
                                    item: y,
                                    first,
                                    second: (r, x),
                                });
                            }
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        (out, ambiguous)
    }

    /// The requirement `buyer`'s rows of `item` count toward: the group that has `item` in the
    /// nodes of `buyer`, or `item` alone.
    #[inline]
    pub fn of(&self, buyer: EntityIx, item: ItemIx) -> ReqIx {
        if self.map.is_empty() {
            return ReqIx::single(item);
        }
        self.map
            .get(&(buyer, item))
            .copied()
            .unwrap_or(ReqIx::single(item))
    }
}
