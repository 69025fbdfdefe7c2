//! The bill of materials: from the used-for column, or inferred from what each buyer buys
//! and sells; substitute groups; cycles.

use super::supply::{Agg, Gathered, Group};
use super::{Ctx, Out, OutItem};
use crate::import::columns::Field;
use crate::import::names;
use crate::import::read::{NONE, Read, Row, value_slot};
use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};

/// Writes the BOM (inferred when the table has no used-for column) and reports its cycles.
pub(super) fn write_bom(cx: &mut Ctx<'_>, g: &mut Gathered, out: &mut Out) {
    // BOM without a used-for column: what a buyer buys goes into what it sells, or into its
    // output.
    let has_used_for =
        cx.layout.get(Field::UsedFor).is_some() || cx.layout.get(Field::UsedForId).is_some();
    if !has_used_for {
        infer_bom(cx, g, out);
    }
    cx.notes.bom_inferred = !has_used_for;
    for ((y, x), (_, qty, group)) in &g.bom {
        out.bom.push((*y, *x, *qty, group.clone()));
    }
    bom_cycles(cx, &g.bom, out);
}

/// The qualified amounts of one (buyer, item), its unknown suppliers' included.
pub(super) fn amount_total(
    g: &Group,
    aggs: &HashMap<(usize, usize, usize), Agg>,
    b: usize,
    x: usize,
) -> f64 {
    // In row order, as the shares are computed: the same sum to the last bit.
    let mut rows: Vec<&Agg> = g.suppliers.iter().map(|&s| &aggs[&(s, b, x)]).collect();
    rows.sort_by_key(|a| a.first);
    rows.iter()
        .filter(|a| a.qualified.is_none_or(|(q, _)| q))
        .map(|a| a.amount)
        .sum::<f64>()
        + g.placeholder_amount
}

/// For the (buyer, input) pairs whose input is one of a substitute group of an item the buyer
/// makes (DATA-MODEL.md, rules 3), the total amount of the whole requirement: the amounts of
/// substitutes are parts of one supply, so each share is taken over all of them. Only where
/// every member is given by amounts (shares given are checked as written).
pub(super) fn requirement_totals(
    groups: &BTreeMap<(usize, usize), Group>,
    aggs: &HashMap<(usize, usize, usize), Agg>,
    bom: &BTreeMap<(usize, usize), BomLink>,
    makes: &BTreeMap<(usize, usize), u64>,
) -> HashMap<(usize, usize), f64> {
    let mut makers: HashMap<usize, Vec<usize>> = HashMap::default();
    for &(b, y) in makes.keys() {
        makers.entry(y).or_default().push(b);
    }
    // (buyer, item made, group) -> the inputs of the group the buyer has rows of.
    let mut members: BTreeMap<(usize, usize, &str), Vec<usize>> = BTreeMap::new();
    for (&(y, x), (_, _, grp)) in bom {
        let Some(grp) = grp.as_deref() else { continue };
        for &b in makers.get(&y).map_or(&[][..], Vec::as_slice) {
            if groups.contains_key(&(b, x)) {
                members.entry((b, y, grp)).or_default().push(x);
            }
        }
    }
    let mut totals = HashMap::default();
    for ((b, _, _), xs) in members {
        let all_amounts = xs.iter().all(|x| {
            let g = &groups[&(b, *x)];
            g.has_amount && !g.has_share
        });
        if xs.len() < 2 || !all_amounts {
            continue;
        }
        let total: f64 = xs
            .iter()
            .map(|&x| amount_total(&groups[&(b, x)], aggs, b, x))
            .sum();
        for x in xs {
            totals.insert((b, x), total);
        }
    }
    totals
}

/// A BOM link (item made, input): its first row, its quantity and its substitute group.
pub(super) type BomLink = (u64, Option<f64>, Option<String>);

/// The BOM group cell of a row, trimmed (`None` when empty).
pub(super) fn bom_group(r: &Read, row: &Row) -> Option<String> {
    let k = row.vals[value_slot(Field::BomGroup)];
    (k != NONE)
        .then(|| r.strings.get(k).trim())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// With no used-for column: each buyer's purchases go into every item it sells in the table
/// (an item it buys and sells unchanged is left alone), or, if it sells none, into an item of
/// its own, "Output of BUYER".
fn infer_bom(cx: &mut Ctx<'_>, g: &mut Gathered, out: &mut Out) {
    let Gathered {
        aggs,
        sells_unknown,
        bom,
        makes,
        ..
    } = g;
    let mut buys: BTreeMap<usize, BTreeMap<usize, u64>> = BTreeMap::new();
    let mut sells: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for ((s, b, x), a) in aggs {
        let line = buys.entry(*b).or_default().entry(*x).or_insert(a.first);
        *line = (*line).min(a.first);
        sells.entry(*s).or_default().insert(*x);
    }
    for (s, x) in sells_unknown.iter() {
        sells.entry(*s).or_default().insert(*x);
    }
    let mut taken: HashSet<String> = out.items.iter().map(|i| i.id.clone()).collect();
    for (b, inputs) in buys {
        let outputs: Vec<usize> = match sells.get(&b) {
            Some(items) => items.iter().copied().collect(),
            None => {
                let name = format!("Output of {}", out.entities[b].name);
                let id = names::unique_slugs(
                    std::iter::once(format!("{}-output", out.entities[b].id).as_str()),
                    &mut taken,
                )
                .remove(0);
                out.items.push(OutItem {
                    id,
                    name,
                    sector: None,
                    critical: None,
                });
                cx.notes.synthetic_outputs += 1;
                vec![out.items.len() - 1]
            }
        };
        for (&x, &line) in &inputs {
            for &y in &outputs {
                if x == y {
                    cx.notes.pass_through.push(format!(
                        "{} buys and sells {}: its purchases of it are not linked to its sales (the model cannot pass an item through unchanged)",
                        out.entities[b].name, out.items[x].name
                    ));
                    continue;
                }
                bom.entry((y, x)).or_insert((line, None, None));
                makes.entry((b, y)).or_insert(line);
            }
        }
    }
}

/// Reports a cycle in the BOM, with a row for each link.
fn bom_cycles(cx: &mut Ctx<'_>, bom: &BTreeMap<(usize, usize), BomLink>, out: &Out) {
    let n = out.items.len();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for &(y, x) in bom.keys() {
        users[x].push(y);
        pending[y] += 1;
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    while let Some(i) = ready.pop() {
        for &u in &users[i] {
            pending[u] -= 1;
            if pending[u] == 0 {
                ready.push(u);
            }
        }
    }
    let on_cycle: Vec<usize> = (0..n).filter(|&i| pending[i] > 0).collect();
    if on_cycle.is_empty() {
        return;
    }
    let links: Vec<String> = bom
        .iter()
        .filter(|((y, x), _)| pending[*y] > 0 && pending[*x] > 0)
        .take(10)
        .map(|((y, x), (line, _, _))| {
            format!(
                "{} needs {} (row {line})",
                out.items[*y].name, out.items[*x].name
            )
        })
        .collect();
    cx.diags.error(
        "bom-cycle",
        cx.origin.file(),
        format!(
            "the items {} are made from each other: {} (expected a bill of materials without loops: check the `used for` cells{})",
            on_cycle
                .iter()
                .take(10)
                .map(|&i| format!("`{}`", out.items[i].name))
                .collect::<Vec<_>>()
                .join(", "),
            links.join("; "),
            if cx.layout.get(Field::UsedFor).is_none() {
                ", or add a used-for column: without one, what a buyer buys is taken to go into everything it sells"
            } else {
                ""
            }
        ),
    );
}
