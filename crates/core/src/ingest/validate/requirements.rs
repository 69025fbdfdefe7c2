//! The checks of requirements (substitute groups) and distributors (DATA-MODEL.md, rules 3).
//!
//! - `group-of-one` (warning): a `group` that names one BOM row only: a group of one is a plain
//!   input, which is rarely what was meant (a misspelt group name, a substitute not yet added).
//! - `ambiguous-requirement` (error): a buyer whose rows of one item would count toward two
//!   different requirements (the item alone for one thing the buyer makes, in a group of
//!   substitutes for another): shares are taken per (buyer, requirement), so the rows cannot be
//!   split between them. Named with both BOM rows and the first supply row.
//! - `distributor-cycle` (error): distributors that pass an item round to each other (D1 buys y
//!   from D2, D2 from D1): the goods would have no origin and the production graph a cycle.
//! - `distributor-bom` (warning): a row into a distributor of an input of what it passes on. A
//!   distributor's node passes its item on from its suppliers of that item; the item's BOM does
//!   not apply, so the row is not used (the message says so, and what to change).

use super::cycles;
use crate::diag::{At, Diagnostics};
use crate::graph::requirements::{Ambiguous, ReqIx, Requirements};
use crate::model::{BomRow, Dataset, EntityIx, ItemIx, SupplyRow};
use foldhash::{HashMap, HashMapExt, HashSet};
use petgraph::graph::{DiGraph, NodeIndex};

/// The BOM rows of each item (indices into `ds.bom`), and the items each item is an input of.
pub struct BomOf {
    rows: Vec<Vec<usize>>,
    users: Vec<Vec<ItemIx>>,
}

impl BomOf {
    pub fn new(ds: &Dataset) -> BomOf {
        let mut rows = vec![Vec::new(); ds.items.len()];
        let mut users = vec![Vec::new(); ds.items.len()];
        for (i, r) in ds.bom.iter().enumerate() {
            rows[r.item.ix()].push(i);
            users[r.input.ix()].push(r.item);
        }
        BomOf { rows, users }
    }

    /// The BOM rows of `x`.
    pub fn rows<'d>(&self, ds: &'d Dataset, x: ItemIx) -> impl Iterator<Item = &'d BomRow> {
        self.rows[x.ix()].iter().map(|&i| &ds.bom[i])
    }

    /// The items whose BOM has `y`, in BOM order.
    pub fn users(&self, y: ItemIx) -> &[ItemIx] {
        &self.users[y.ix()]
    }
}

/// Warns about each group that names one BOM row only.
pub fn groups_of_one(ds: &Dataset, bom_file: &str, diags: &mut Diagnostics) {
    let mut count: HashMap<(ItemIx, &str), (usize, usize)> = HashMap::new();
    for (i, r) in ds.bom.iter().enumerate() {
        if let Some(g) = &r.group {
            count.entry((r.item, g)).or_insert((0, i)).0 += 1;
        }
    }
    let mut lonely: Vec<usize> = count
        .into_values()
        .filter(|&(n, _)| n == 1)
        .map(|(_, i)| i)
        .collect();
    lonely.sort_by_key(|&i| ds.bom[i].line);
    for i in lonely {
        let r = &ds.bom[i];
        diags.warning(
            "group-of-one",
            At::line(bom_file, r.line),
            format!(
                "group `{}` of `{}` has only this row (`{}`): a group of one is a plain input, required like any other (expected two or more substitutes of `{}` with the same `group`)",
                r.group.as_deref().unwrap_or_default(),
                ds.item(r.item).id,
                ds.item(r.input).id,
                ds.item(r.item).id
            ),
        );
    }
}

/// Reports each buyer whose rows of one item would count toward two requirements, at its
/// first supply row of that item. A buyer with no row of the item is not ambiguous: it has
/// nothing to split.
pub fn ambiguous(
    ds: &Dataset,
    reqs: &Requirements,
    found: &[Ambiguous],
    supply_file: &str,
    bom_file: &str,
    diags: &mut Diagnostics,
) {
    if found.is_empty() {
        return;
    }
    let wanted: HashSet<(EntityIx, ItemIx)> = found.iter().map(|a| (a.buyer, a.item)).collect();
    let mut first_row: HashMap<(EntityIx, ItemIx), u64> = HashMap::new();
    for r in &ds.supply {
        if wanted.contains(&(r.buyer, r.item)) {
            let line = first_row.entry((r.buyer, r.item)).or_insert(r.line);
            *line = (*line).min(r.line);
        }
    }
    let bom = BomOf::new(ds);
    let bom_name = std::path::Path::new(bom_file)
        .file_name()
        .map_or(bom_file.into(), |n| n.to_string_lossy());
    // One requirement of one item, in words, with its first BOM line: `y` of `x` (bom.csv
    // line 3), or `y` or `z` of `x` (bom.csv lines 5, 6, group `g`).
    let describe = |(r, x): (ReqIx, ItemIx)| {
        let items = reqs.items(r);
        let rows: Vec<&BomRow> = bom
            .rows(ds, x)
            .filter(|row| items.contains(&row.input))
            .collect();
        let mut lines: Vec<u64> = rows.iter().map(|row| row.line).collect();
        lines.sort_unstable();
        let group = rows
            .iter()
            .find_map(|row| row.group.as_deref())
            .filter(|_| items.len() > 1)
            .map_or(String::new(), |g| format!(", group `{g}`"));
        let text = format!(
            "`{}` of `{}` ({bom_name} line{} {}{group})",
            reqs.ids(ds, r, "` or `"),
            ds.item(x).id,
            if lines.len() > 1 { "s" } else { "" },
            lines
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        (lines.first().copied().unwrap_or(0), text)
    };
    for a in found {
        let Some(&line) = first_row.get(&(a.buyer, a.item)) else {
            continue;
        };
        let (b, y) = (&ds.entity(a.buyer).id, &ds.item(a.item).id);
        // The two in BOM order, so the message does not depend on the order of the rows.
        let mut two = [describe(a.first), describe(a.second)];
        two.sort();
        diags.error(
            "ambiguous-requirement",
            At::line(supply_file, line),
            format!(
                "`{b}` buys `{y}`, which would count toward two requirements of what `{b}` makes: {} and {}; shares are per (buyer, requirement), so the rows of `{y}` cannot be split between them (expected `{y}` in the same group of substitutes in every item `{b}` makes, or in none)",
                two[0].1, two[1].1
            ),
        );
    }
}

/// Reports one cycle per strongly connected component of the distributors' nodes, as
/// `d1 -> d2 -> d1` where `d1 -> d2` reads "d1 supplies d2", with the item and the lines.
pub fn distributor_cycles(ds: &Dataset, supply_file: &str, diags: &mut Diagnostics) {
    let distributor: Vec<bool> = ds.entities.iter().map(|e| e.is_distributor()).collect();
    if !distributor.iter().any(|&d| d) {
        return;
    }
    // The distributors' nodes: (D, y) where D supplies y or lists it as an end product.
    let mut index: HashMap<(EntityIx, ItemIx), NodeIndex> = HashMap::new();
    let mut g: DiGraph<(EntityIx, ItemIx), u64> = DiGraph::new();
    let pairs = ds
        .supply
        .iter()
        .map(|r| (r.supplier, r.item))
        .chain(ds.products.iter().map(|p| (p.entity, p.item)));
    for pair in pairs {
        if distributor[pair.0.ix()] && !index.contains_key(&pair) {
            index.insert(pair, g.add_node(pair));
        }
    }
    for r in ds.supply.iter().filter(|r| r.qualified) {
        if let (Some(&from), Some(&to)) = (
            index.get(&(r.supplier, r.item)),
            index.get(&(r.buyer, r.item)),
        ) {
            g.add_edge(from, to, r.line);
        }
    }
    let mut found: Vec<(u64, String)> = Vec::new();
    // From the smallest entity id, so the message does not depend on the order of rows.
    let first = |scc: &[NodeIndex]| {
        *scc.iter()
            .min_by_key(|&&n| (&ds.entity(g[n].0).id, n))
            .expect("an SCC is not empty")
    };
    for (start, cycle) in cycles(&g, first) {
        let line = cycle.iter().map(|(_, l)| *l).min().unwrap_or(0);
        let mut text: Vec<&str> = cycle
            .iter()
            .map(|(n, _)| ds.entity(g[*n].0).id.as_str())
            .collect();
        text.push(&ds.entity(g[start].0).id);
        let lines: Vec<String> = cycle.iter().map(|(_, l)| l.to_string()).collect();
        found.push((
            line,
            format!(
                "distributor cycle {} passing `{}` round (lines {}; expected goods to reach each distributor from a maker, never back from a distributor they went through)",
                text.join(" -> "),
                ds.item(g[start].1).id,
                lines.join(", ")
            ),
        ));
    }
    found.sort();
    for (line, message) in found {
        diags.error("distributor-cycle", At::line(supply_file, line), message);
    }
}

/// Warns about a supply row into a distributor that does not pass its item on: as an input of
/// something the distributor passes on (`distributor-bom`, with what happens), or otherwise
/// (`supply-unused`).
pub fn unused_by_distributor(
    ds: &Dataset,
    bom: &BomOf,
    produces: &HashSet<(EntityIx, ItemIx)>,
    r: &SupplyRow,
    supply_file: &str,
    diags: &mut Diagnostics,
) {
    let (d, y) = (&ds.entity(r.buyer).id, &ds.item(r.item).id);
    // Something the distributor passes on whose BOM needs this row's item.
    let made_from = bom
        .users(r.item)
        .iter()
        .find(|&&x| produces.contains(&(r.buyer, x)));
    match made_from {
        Some(&x) => {
            let x = &ds.item(x).id;
            diags.warning(
                "distributor-bom",
                At::line(supply_file, r.line),
                format!(
                    "`{d}` is a distributor, so it passes on what it buys: its `{x}` comes from its suppliers of `{x}`, and the BOM of `{x}` (which needs `{y}`) does not apply to it; this row of `{y}` is not used (expected a supplier of `{x}` to `{d}`, or a `kind` other than distributor if `{d}` makes `{x}`)"
                ),
            );
        }
        None => diags.warning(
            "supply-unused",
            At::line(supply_file, r.line),
            format!(
                "`{d}` buys `{y}`, but `{d}` is a distributor and does not pass `{y}` on (no supply or product row of `{d}` has it): this row is not part of any product's supply"
            ),
        ),
    }
}
