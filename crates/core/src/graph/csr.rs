//! The flat arrays the analyses read the graph from ([`Csr`]).

use super::requirements::ReqIx;
use super::{InputSlot, MANY_SUPPLIERS, NodeIx};
use crate::model::{EntityIx, ItemIx};

/// The production graph in compressed sparse rows, 32-bit indices, no allocation per node.
///
/// - Node `n`'s entity is `entity[n]`.
/// - Its requirements are the slots `slot_start[n]..slot_start[n + 1]`, in BOM-file order, as
///   in [`ProductionGraph::inputs`](super::ProductionGraph::inputs); slot `i`'s suppliers are
///   `sup_node[j]` with rescaled share `sup_share[j]` for `j` in
///   `sup_start[i]..sup_start[i + 1]` (empty: unmapped).
/// - Its buyers (out-edges, one per edge of the petgraph model) are
///   `buyers[out_start[n]..out_start[n + 1]]`; out-edge `k` feeds the buyer's slot
///   `out_slot[k]` (an index into `sup_start`).
/// - Only when some slot has more than [`MANY_SUPPLIERS`] suppliers (else both are empty):
///   out-edge `k` is the supplier entry `out_sup[k]` (an index into `sup_node`) of its slot,
///   and `slot_total[i]` is the sum of slot `i`'s shares, added in slot order (a hair off 1
///   where rescaled shares do not add up exactly, as 1/3 · 3).
#[derive(Debug, Clone, Default)]
pub struct Csr {
    pub entity: Vec<EntityIx>,
    pub slot_start: Vec<u32>,
    pub sup_start: Vec<u32>,
    pub sup_node: Vec<NodeIx>,
    pub sup_share: Vec<f64>,
    pub out_start: Vec<u32>,
    pub buyers: Vec<NodeIx>,
    pub out_slot: Vec<u32>,
    pub out_sup: Vec<u32>,
    pub slot_total: Vec<f64>,
}

impl Csr {
    /// The arrays of the slots `inputs` (node by node), slot `k` of node `n` (requirement `r`)
    /// fed by `suppliers(n, k, r)`; sets each slot's [`InputSlot::entries`].
    pub(crate) fn build<I>(
        nodes: &[(EntityIx, ItemIx)],
        inputs: &mut [Vec<InputSlot>],
        suppliers: impl Fn(usize, usize, ReqIx) -> I,
    ) -> Csr
    where
        I: IntoIterator<Item = (NodeIx, f64)>,
    {
        let csr = Csr::arrays(nodes, inputs, suppliers);
        csr.set_entries(inputs);
        csr
    }

    /// Sets each slot's [`InputSlot::entries`] to its suppliers in these arrays.
    pub(super) fn set_entries(&self, inputs: &mut [Vec<InputSlot>]) {
        for (k, slot) in inputs.iter_mut().flatten().enumerate() {
            slot.entries = [self.sup_start[k], self.sup_start[k + 1]];
        }
    }

    /// [`Csr::build`] but the slots' entries, which [`Csr::set_entries`] sets: the slots
    /// are only read, so the petgraph model's edges can be added at the same time.
    pub(super) fn arrays<I>(
        nodes: &[(EntityIx, ItemIx)],
        inputs: &[Vec<InputSlot>],
        suppliers: impl Fn(usize, usize, ReqIx) -> I,
    ) -> Csr
    where
        I: IntoIterator<Item = (NodeIx, f64)>,
    {
        let n = nodes.len();
        let slots: usize = inputs.iter().map(Vec::len).sum();
        let mut csr = Csr {
            entity: nodes.iter().map(|&(e, _)| e).collect(),
            slot_start: Vec::with_capacity(n + 1),
            sup_start: Vec::with_capacity(slots + 1),
            out_start: vec![0; n + 1],
            ..Csr::default()
        };
        csr.slot_start.push(0);
        csr.sup_start.push(0);
        // Every slot's total, kept only when some slot has many suppliers.
        csr.slot_total.reserve_exact(slots);
        let mut many = false;
        for (b, slots) in inputs.iter().enumerate() {
            for (k, slot) in slots.iter().enumerate() {
                let from = csr.sup_node.len() as u32;
                let mut total = 0.0;
                for (s, w) in suppliers(b, k, slot.req) {
                    csr.sup_node.push(s);
                    csr.sup_share.push(w);
                    csr.out_start[s.ix() + 1] += 1;
                    total += w;
                }
                let to = csr.sup_node.len() as u32;
                csr.sup_start.push(to);
                csr.slot_total.push(total);
                many |= (to - from) as usize > MANY_SUPPLIERS;
            }
            csr.slot_start.push((csr.sup_start.len() - 1) as u32);
        }
        csr.sup_node.shrink_to_fit();
        csr.sup_share.shrink_to_fit();
        let edges = csr.sup_node.len();
        if many {
            csr.out_sup = vec![0; edges];
        } else {
            csr.slot_total = Vec::new();
        }
        for i in 0..n {
            csr.out_start[i + 1] += csr.out_start[i];
        }
        csr.buyers = vec![NodeIx(0); edges];
        csr.out_slot = vec![0; edges];
        let mut fill: Vec<u32> = csr.out_start[..n].to_vec();
        for (b, range) in csr.slot_start.windows(2).enumerate() {
            for slot_ix in range[0]..range[1] {
                for sup_ix in csr.suppliers(slot_ix as usize) {
                    let s = csr.sup_node[sup_ix];
                    let k = fill[s.ix()] as usize;
                    csr.buyers[k] = NodeIx(b as u32);
                    csr.out_slot[k] = slot_ix;
                    if many {
                        csr.out_sup[k] = sup_ix as u32;
                    }
                    fill[s.ix()] += 1;
                }
            }
        }
        csr
    }

    /// The slots of node `n`.
    #[inline]
    pub fn slots(&self, n: NodeIx) -> std::ops::Range<usize> {
        self.slot_start[n.ix()] as usize..self.slot_start[n.ix() + 1] as usize
    }

    /// The supplier entries of slot `i`.
    #[inline]
    pub fn suppliers(&self, i: usize) -> std::ops::Range<usize> {
        self.sup_start[i] as usize..self.sup_start[i + 1] as usize
    }

    /// Whether some slot has more than [`MANY_SUPPLIERS`] suppliers (and `out_sup` and
    /// `slot_total` are filled).
    pub fn has_many_suppliers(&self) -> bool {
        !self.slot_total.is_empty()
    }

    /// The buyers of node `n` (a buyer appears once per edge).
    #[inline]
    pub fn buyers(&self, n: NodeIx) -> &[NodeIx] {
        &self.buyers[self.out_start[n.ix()] as usize..self.out_start[n.ix() + 1] as usize]
    }
}
