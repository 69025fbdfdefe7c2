//! [`Ctx`]: what the analyses share (the dataset, the graph, the products in scope), and the
//! ids and names the findings share, made once per run.

use super::Settings;
use super::findings::{Id, NodeKey, NodeRef, ProductRef};
use super::groups::Level;
use super::message::Shared;
use crate::graph::requirements::ReqIx;
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{CountryIx, Dataset, EntityIx, ItemIx};
use std::sync::{Arc, OnceLock};

/// What the analyses share: the dataset, the graph and the products in scope.
pub struct Ctx<'a> {
    pub ds: &'a Dataset,
    pub g: &'a ProductionGraph,
    pub settings: &'a Settings,
    /// The products in scope: (index in `ds.products`, node).
    pub products: Vec<(usize, NodeIx)>,
    /// Every entity's and item's id and country's code, shared by the findings that name it.
    entity_ids: Vec<Id>,
    item_ids: Vec<Id>,
    country_codes: Vec<Id>,
    /// Every entity's and item's name, the currency and every product's label
    /// ([`Ctx::product_label`]), shared by the messages that say them ([`super::message`]).
    entity_names: Vec<Shared>,
    item_names: Vec<Shared>,
    currency: Shared,
    product_labels: Vec<Shared>,
    /// Every product's ids, shared by the findings about it.
    products_by_ref: Vec<Arc<ProductRef>>,
    /// Every node's ids, made when a path first goes through it and shared by the paths
    /// that do ([`Ctx::node_ref`]).
    node_keys: Vec<OnceLock<Arc<NodeKey>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        ds: &'a Dataset,
        g: &'a ProductionGraph,
        settings: &'a Settings,
        products: Vec<(usize, NodeIx)>,
    ) -> Ctx<'a> {
        let entity_ids: Vec<Id> = ds
            .entities
            .iter()
            .map(|e| Id::from(e.id.as_str()))
            .collect();
        let item_ids: Vec<Id> = ds.items.iter().map(|x| Id::from(x.id.as_str())).collect();
        let products_by_ref = ds
            .products
            .iter()
            .map(|prod| {
                Arc::new(ProductRef {
                    entity: entity_ids[prod.entity.ix()].clone(),
                    item: item_ids[prod.item.ix()].clone(),
                })
            })
            .collect();
        Ctx {
            ds,
            g,
            settings,
            products,
            entity_ids,
            item_ids,
            products_by_ref,
            node_keys: (0..g.node_count()).map(|_| OnceLock::new()).collect(),
            country_codes: ds
                .countries
                .iter()
                .map(|c| Id::from(c.code.as_str()))
                .collect(),
            entity_names: ds
                .entities
                .iter()
                .map(|e| Shared::from(e.name.as_str()))
                .collect(),
            item_names: ds
                .items
                .iter()
                .map(|x| Shared::from(x.name.as_str()))
                .collect(),
            currency: Shared::from(settings.currency.as_str()),
            product_labels: ds
                .products
                .iter()
                .map(|prod| {
                    let label = format!(
                        "{} of {}",
                        ds.item(prod.item).name,
                        ds.entity(prod.entity).name
                    );
                    Shared::from(label)
                })
                .collect(),
        }
    }

    /// The report's currency (`settings.currency`), to share.
    pub fn currency(&self) -> Shared {
        self.currency.clone()
    }

    /// An entity's name, shared.
    pub fn entity_name(&self, e: EntityIx) -> Shared {
        self.entity_names[e.ix()].clone()
    }

    pub fn country_code(&self, c: CountryIx) -> Id {
        self.country_codes[c.ix()].clone()
    }

    pub fn entity_id(&self, e: EntityIx) -> Id {
        self.entity_ids[e.ix()].clone()
    }

    pub fn item_id(&self, x: ItemIx) -> Id {
        self.item_ids[x.ix()].clone()
    }

    /// Node `n` as evidence names it: its ids (shared), marked when it is a distributor's.
    pub fn node_ref(&self, n: NodeIx) -> NodeRef {
        let key = self.node_keys[n.ix()].get_or_init(|| {
            let node = self.g.node(n);
            Arc::new(NodeKey {
                entity: self.entity_id(node.entity),
                item: self.item_id(node.item),
            })
        });
        let mut node_ref = NodeRef::shared(Arc::clone(key));
        if self.g.is_pass_through(n) {
            node_ref.marks_mut().distributor = true;
        }
        node_ref
    }

    /// A path of nodes (supplier first) as evidence: where a node's item meets a requirement
    /// of substitutes at the next node, it says so.
    pub fn path(&self, nodes: &[NodeIx]) -> Vec<NodeRef> {
        let mut path: Vec<NodeRef> = nodes.iter().map(|&n| self.node_ref(n)).collect();
        if self.g.reqs.has_groups() {
            for (k, w) in nodes.windows(2).enumerate() {
                let (from, to) = (w[0], w[1]);
                let req = self.g.inputs[to.ix()]
                    .iter()
                    .find(|slot| self.g.suppliers(slot).nodes.contains(&from))
                    .map(|slot| slot.req);
                if let Some(r) = req.filter(|&r| self.g.reqs.is_group(r)) {
                    path[k].marks_mut().substitutes = self.substitutes(r);
                }
            }
        }
        path
    }

    /// A requirement's id: its item's id, or for substitutes their ids joined by `|`.
    pub fn req_id(&self, r: ReqIx) -> Id {
        match self.g.req_items(r) {
            [one] => self.item_id(*one),
            _ => Id::from(self.g.reqs.ids(self.ds, r, "|")),
        }
    }

    /// A requirement's name: its item's, or for substitutes theirs joined by ` or `; shared.
    pub fn req_name(&self, r: ReqIx) -> Shared {
        match self.g.req_items(r) {
            [one] => self.item_names[one.ix()].clone(),
            _ => Shared::from(self.g.reqs.names(self.ds, r).into_owned()),
        }
    }

    /// A requirement's items' ids when it has several (substitutes); empty otherwise.
    pub fn substitutes(&self, r: ReqIx) -> Vec<Id> {
        match self.g.req_items(r) {
            [_] => Vec::new(),
            items => items.iter().map(|&y| self.item_id(y)).collect(),
        }
    }

    pub fn product_ref(&self, p: usize) -> ProductRef {
        ProductRef::clone(&self.products_by_ref[p])
    }

    /// [`Ctx::product_ref`], shared: what a finding holds.
    pub fn product(&self, p: usize) -> Arc<ProductRef> {
        Arc::clone(&self.products_by_ref[p])
    }

    pub fn product_entity(&self, p: usize) -> EntityIx {
        self.ds.products[p].entity
    }

    /// A product's label for messages: `item` of `entity`.
    pub fn product_label(&self, p: usize) -> Shared {
        self.product_labels[p].clone()
    }

    pub fn wants(&self, level: Level) -> bool {
        self.settings.levels.contains(&level)
    }
}
