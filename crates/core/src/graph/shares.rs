//! How the shares of one (buyer, item) become the weights of the production graph.
//!
//! DATA-MODEL.md: rows whose share is empty split what the given shares leave equally, and the
//! coverage is then 1; otherwise the coverage is the sum of the given shares and the shares
//! are rescaled to sum to 1. Only qualified rows take part.

use super::requirements::{BuyerRequirements, ReqIx};
use crate::model::{Dataset, EntityIx, ItemIx};
use rayon::prelude::*;

/// Tolerance for share sums (DATA-MODEL.md: 1e-6).
pub const SUM_TOLERANCE: f64 = 1e-6;

/// Why the shares of one (buyer, item) cannot be allocated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShareProblem {
    /// The given shares sum to more than 1.
    SumAboveOne(f64),
    /// Rows without a share remain, but the given shares already sum to 1.
    NoRoomForBlanks(f64),
}

/// The allocation of one (buyer, item): its coverage, and each row's weight (rescaled so
/// that the weights sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    pub coverage: f64,
    pub weights: Vec<f64>,
}

/// Allocates the shares of the qualified rows of one (buyer, item), in row order.
///
/// ```
/// use tierscope_core::graph::shares::allocate;
/// // 0.3 given, two blanks split the remaining 0.7.
/// let a = allocate(&[Some(0.3), None, None]).unwrap();
/// assert_eq!(a.coverage, 1.0);
/// assert!((a.weights[1] - 0.35).abs() < 1e-12);
/// // 0.2 + 0.3 given: coverage 0.5, weights rescaled to 0.4 and 0.6.
/// let b = allocate(&[Some(0.2), Some(0.3)]).unwrap();
/// assert!((b.coverage - 0.5).abs() < 1e-12 && (b.weights[1] - 0.6).abs() < 1e-12);
/// ```
pub fn allocate(shares: &[Option<f64>]) -> Result<Allocation, ShareProblem> {
    let given: f64 = shares.iter().flatten().sum();
    let blanks = shares.iter().filter(|s| s.is_none()).count();
    if given > 1.0 + SUM_TOLERANCE {
        return Err(ShareProblem::SumAboveOne(given));
    }
    if blanks > 0 {
        if given >= 1.0 - SUM_TOLERANCE {
            return Err(ShareProblem::NoRoomForBlanks(given));
        }
        let each = (1.0 - given) / blanks as f64;
        return Ok(Allocation {
            coverage: 1.0,
            weights: shares.iter().map(|s| s.unwrap_or(each)).collect(),
        });
    }
    let coverage = given.min(1.0);
    Ok(Allocation {
        coverage,
        weights: shares.iter().map(|s| s.unwrap_or(0.0) / given).collect(),
    })
}

/// The qualified supply rows grouped by (buyer, item), in a deterministic order: sorted by
/// buyer then item, rows in file order within a group.
///
/// The sort keys are packed into one integer per row (buyer, item, row), so the sort compares
/// integers instead of reading the rows back at random (a third of the time of loading at 1M
/// rows went to sorting that way, three times over).
pub fn qualified_groups(ds: &Dataset) -> Grouped<(EntityIx, ItemIx)> {
    let keys: Vec<(u64, u32)> = ds
        .supply
        .iter()
        .enumerate()
        .filter(|(_, r)| r.qualified)
        .map(|(i, r)| ((u64::from(r.buyer.0) << 32) | u64::from(r.item.0), i as u32))
        .collect();
    gather(keys, |key| {
        (EntityIx((key >> 32) as u32), ItemIx(key as u32))
    })
}

/// Supply rows gathered by key: the keys in order, and each key's rows (indices into
/// `ds.supply`, in row order) in one flat array, so that 300,000 groups are three
/// allocations, not 300,000 (made and freed three times a run at 1M rows, that was a third
/// of the grouping's time).
#[derive(Debug, Clone, Default)]
pub struct Grouped<K> {
    keys: Vec<K>,
    /// Where each key's rows start in `rows`, and one more: the end.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl<K: Copy> Grouped<K> {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The `k`-th key and its rows.
    pub fn get(&self, k: usize) -> (K, &[u32]) {
        let (from, to) = (self.starts[k] as usize, self.starts[k + 1] as usize);
        (self.keys[k], &self.rows[from..to])
    }

    /// Every key with its rows, in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (K, &[u32])> + '_ {
        (0..self.len()).map(|k| self.get(k))
    }

    /// The rows of `key` (none when it has none), found by binary search: the keys are in
    /// order.
    pub fn rows_of(&self, key: K) -> &[u32]
    where
        K: Ord,
    {
        self.keys.binary_search(&key).map_or(&[], |k| self.get(k).1)
    }
}

/// The shares given on supply `rows` (indices into `ds.supply`, as a group holds them), in
/// their order, for [`allocate`].
pub fn given(ds: &Dataset, rows: &[u32]) -> Vec<Option<f64>> {
    rows.iter()
        .map(|&i| ds.supply[i as usize].share.get())
        .collect()
}

/// Sorts (packed key, row) pairs and gathers the rows of each key, in row order; `decode`
/// unpacks a key.
fn gather<K>(mut keys: Vec<(u64, u32)>, decode: impl Fn(u64) -> K) -> Grouped<K> {
    keys.par_sort_unstable();
    let mut out = Grouped {
        keys: Vec::new(),
        starts: Vec::new(),
        rows: Vec::with_capacity(keys.len()),
    };
    let mut last = None;
    for (key, i) in keys {
        if last != Some(key) {
            last = Some(key);
            out.keys.push(decode(key));
            out.starts.push(out.rows.len() as u32);
        }
        out.rows.push(i);
    }
    out.starts.push(out.rows.len() as u32);
    out
}

/// The qualified supply rows grouped by (buyer, requirement) (DATA-MODEL.md, rules 3): a row
/// (s, b, y) belongs to the requirement `reqs.of(b, y)`. Sorted by buyer then requirement;
/// within a group, rows in dataset order (by item, then supplier, once loaded).
///
/// On data without substitute groups every requirement is its one item, and this is
/// [`qualified_groups`] with the item as requirement, in the same order.
pub fn requirement_groups(ds: &Dataset, reqs: &BuyerRequirements) -> Grouped<(EntityIx, ReqIx)> {
    let keys: Vec<(u64, u32)> = ds
        .supply
        .iter()
        .enumerate()
        .filter(|(_, r)| r.qualified)
        .map(|(i, r)| {
            let req = reqs.of(r.buyer, r.item);
            ((u64::from(r.buyer.0) << 32) | u64::from(req.0), i as u32)
        })
        .collect();
    gather(keys, |key| {
        (EntityIx((key >> 32) as u32), ReqIx(key as u32))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// The flat groups are the keys in order, each with its rows in row order: what a
        /// map of vectors gives.
        #[test]
        fn gather_groups_rows_by_key_in_row_order(keys in prop::collection::vec(0u64..20, 0..200)) {
            let pairs: Vec<(u64, u32)> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
            let mut want: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
            for &(k, i) in &pairs {
                want.entry(k).or_default().push(i);
            }
            let got = gather(pairs, |k| k);
            for k in 0..21 {
                prop_assert_eq!(got.rows_of(k), want.get(&k).map_or(&[][..], Vec::as_slice));
            }
            prop_assert_eq!(got.len(), want.len());
            prop_assert_eq!(got.is_empty(), want.is_empty());
            let got: Vec<(u64, Vec<u32>)> = got.iter().map(|(k, rows)| (k, rows.to_vec())).collect();
            prop_assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        }
    }
}
