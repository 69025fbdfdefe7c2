//! The end products: named with `--products`, flagged by an end-product column, or else what
//! the buyers make that nobody in the table buys from them.

use super::supply::Gathered;
use super::{Ctx, Out, OutProduct};
use crate::import::columns::Field;
use crate::import::problem::Place;
use foldhash::HashSet;
use std::collections::BTreeMap;

/// Writes the end products with their revenue and inventory; a revenue or inventory of
/// anything else is noted as ignored.
pub(super) fn write_products(cx: &mut Ctx<'_>, g: &Gathered, out: &mut Out) {
    for (e, x) in chosen_products(cx, g, out) {
        out.products.push(OutProduct {
            entity: e,
            item: x,
            annual_revenue: g.revenue.get(&(e, x)).map(|(v, _)| *v),
            inventory_days: g.inventory.get(&(e, x)).map(|(v, _)| *v),
        });
    }
    for (k, (_, line)) in g.revenue.iter().chain(g.inventory.iter()) {
        if !out.products.iter().any(|p| (p.entity, p.item) == *k) {
            cx.notes.ignored.push(format!(
                "row {line}: a revenue or inventory for {} at {}, which is not an end product: ignored",
                out.items[k.1].name, out.entities[k.0].name
            ));
        }
    }
    if out.products.is_empty() {
        cx.diags.error(
            "no-end-products",
            cx.origin.file(),
            "no end products: nothing the buyers make is left unsold in the table (expected a `used for` column, an `End Product` column, or --products ENTITY:ITEM)",
        );
    }
}

/// The (entity, item) end products, by the first rule that applies, sorted.
fn chosen_products(cx: &mut Ctx<'_>, g: &Gathered, out: &Out) -> Vec<(usize, usize)> {
    let mut chosen: Vec<(usize, usize)> = if !cx.settings.products.is_empty() {
        cx.notes.products_rule = "named with --products".into();
        let specs = cx.settings.products.clone();
        specs
            .iter()
            .flat_map(|spec| product_spec(cx, spec, &g.makes, out))
            .collect()
    } else if cx.layout.get(Field::EndProduct).is_some() {
        cx.notes.products_rule = format!(
            "the rows whose `{}` is yes",
            cx.header_of(Field::EndProduct)
        );
        g.end_flags
            .iter()
            .filter(|(_, (v, _))| *v)
            .map(|(k, _)| *k)
            .collect()
    } else {
        cx.notes.products_rule =
            "what the buyers make (`used for`) that nobody in the table buys from them".into();
        let sold: HashSet<(usize, usize)> = out
            .supply
            .iter()
            .map(|s| (s.supplier, s.item))
            .chain(g.sells_unknown.iter().copied())
            .collect();
        g.makes
            .keys()
            .filter(|k| !sold.contains(k))
            .copied()
            .collect()
    };
    chosen.sort();
    chosen.dedup();
    chosen
}

/// The end products `--products SPEC` names: `ENTITY:ITEM` or `ITEM`, by id or name.
fn product_spec(
    cx: &mut Ctx<'_>,
    spec: &str,
    makes: &BTreeMap<(usize, usize), u64>,
    out: &Out,
) -> Vec<(usize, usize)> {
    let (e, x) = match spec.rsplit_once(':') {
        Some((e, x)) => (Some(e.trim()), x.trim()),
        None => (None, spec.trim()),
    };
    let items: Vec<usize> = find(
        x,
        out.items.iter().map(|i| (i.id.as_str(), i.name.as_str())),
    );
    let entities: Option<Vec<usize>> = e.map(|e| {
        find(
            e,
            out.entities
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str())),
        )
    });
    let hits: Vec<(usize, usize)> = makes
        .keys()
        .filter(|(me, mx)| items.contains(mx) && entities.as_ref().is_none_or(|es| es.contains(me)))
        .copied()
        .collect();
    if hits.is_empty() {
        cx.diags.error(
            "unknown-product",
            Place::new(format!("--products {spec}")),
            format!(
                "no buyer in the table makes `{spec}` (expected ENTITY:ITEM or ITEM, by id or name, of an item some buyer uses its purchases for; such as {})",
                makes
                    .keys()
                    .take(5)
                    .map(|(e, x)| format!("`{}:{}`", out.entities[*e].name, out.items[*x].name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    hits
}

/// Indices whose id is `text`, else whose name is (any case).
fn find<'a>(text: &str, all: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<usize> {
    let all: Vec<(&str, &str)> = all.collect();
    let by_id: Vec<usize> = (0..all.len()).filter(|&i| all[i].0 == text).collect();
    if !by_id.is_empty() {
        return by_id;
    }
    (0..all.len())
        .filter(|&i| all[i].1.eq_ignore_ascii_case(text))
        .collect()
}
