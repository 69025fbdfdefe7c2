//! The supply rows: each row's cells are read and gathered per (supplier, buyer, item) and
//! per (buyer, item) ([`gather`]); then each (buyer, item) gets its shares, from the shares
//! given, else from the amounts, else an equal split ([`write_supply`], in [`shares`]).

use super::bom::{BomLink, amount_total, bom_group, requirement_totals};
use super::decimals::{Decided, reading};
use super::{Ctx, Out, OutSupply, days_cell, rows_list, yes, yes_no};
use crate::import::columns::Field;
use crate::import::number::Decimal;
use crate::import::read::{NONE, PLACEHOLDER, Read, Row, value_slot};
use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};

mod shares;

pub(super) use shares::write_supply;

/// A supply key: (supplier, buyer, item).
type Key = (usize, usize, usize);

/// Supply of one (supplier, buyer, item).
#[derive(Default)]
pub(super) struct Agg {
    pub(super) first: u64,
    rows: u64,
    pub(super) amount: f64,
    amounts: u64,
    share: Option<(f64, u64)>,
    pub(super) qualified: Option<(bool, u64)>,
    lead: Option<f64>,
    leads_differ: bool,
}

impl Agg {
    /// Qualified unless a row says otherwise.
    pub(super) fn is_qualified(&self) -> bool {
        self.qualified.is_none_or(|(q, _)| q)
    }
}

/// What the rows say about one (buyer, item).
#[derive(Default)]
pub(super) struct Group {
    /// Supply keys (supplier) of the group.
    pub(super) suppliers: Vec<usize>,
    placeholder_rows: u64,
    pub(super) placeholder_amount: f64,
    placeholder_share: f64,
    pub(super) has_share: bool,
    pub(super) has_amount: bool,
}

/// The final entity and item of each raw one (`usize::MAX`: none).
pub(super) struct Finals<'a> {
    pub(super) entity_of: &'a [usize],
    pub(super) item_of: &'a [usize],
}

impl Finals<'_> {
    fn entity(&self, k: u32) -> Option<usize> {
        Self::final_of(self.entity_of, k)
    }

    fn item(&self, k: u32) -> Option<usize> {
        Self::final_of(self.item_of, k)
    }

    fn final_of(of: &[usize], k: u32) -> Option<usize> {
        (k != NONE && k != PLACEHOLDER)
            .then(|| of[k as usize])
            .filter(|&e| e != usize::MAX)
    }
}

/// What the rows say, gathered row by row before any share is computed.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) aggs: HashMap<Key, Agg>,
    pub(super) groups: BTreeMap<(usize, usize), Group>,
    pub(super) bom: BTreeMap<(usize, usize), BomLink>,
    /// (buyer, item made) -> first row
    pub(super) makes: BTreeMap<(usize, usize), u64>,
    /// (entity, item) it supplies to nobody known
    pub(super) sells_unknown: BTreeSet<(usize, usize)>,
    /// (buyer, item made) -> end product flag, revenue, inventory (value, row)
    pub(super) end_flags: BTreeMap<(usize, usize), (bool, u64)>,
    pub(super) revenue: BTreeMap<(usize, usize), (f64, u64)>,
    pub(super) inventory: BTreeMap<(usize, usize), (f64, u64)>,
}

/// The supply cells of one row, read.
struct Cells {
    amount: Option<f64>,
    share: Option<f64>,
    qualified: bool,
    lead: Option<f64>,
}

/// Reads every row: the products a buyer makes, the BOM links, and the supply of each
/// (supplier, buyer, item).
pub(super) fn gather(
    cx: &mut Ctx<'_>,
    r: &Read,
    finals: &Finals<'_>,
    dec: &Decided,
    out: &Out,
) -> Gathered {
    let mut g = Gathered {
        aggs: HashMap::with_capacity_and_hasher(r.rows.len(), Default::default()),
        ..Gathered::default()
    };
    let mut no_item_rows = 0u64;
    let mut no_buyer_rows = 0u64;
    for row in &r.rows {
        let s = finals.entity(row.supplier);
        let b = finals.entity(row.buyer);
        let x = finals.item(row.item);
        let y = finals.item(row.used_for);
        if let (Some(b), Some(y)) = (b, y) {
            g.product_facts(cx, r, row, (b, y), out);
        } else if says_end_product(r, row) {
            cx.diags.error(
                "bad-value",
                cx.place_of(row.line, Field::EndProduct),
                "this row says its item is used for an end product, but names no buyer or no item it is used for (expected both)",
            );
        }
        let Some(x) = x else {
            no_item_rows += 1;
            continue;
        };
        if let Some(y) = y {
            g.bom_row(cx, r, row, (y, x), out);
        }
        let Some(b) = b else {
            no_buyer_rows += 1;
            if let Some(s) = s {
                g.sells_unknown.insert((s, x));
            }
            continue;
        };
        let cells = supply_cells(cx, r, row, dec);
        g.add_supply(cx, row, (s, b, x), &cells, out);
    }
    cx.notes.rows_without_item = no_item_rows;
    cx.notes.rows_without_buyer = no_buyer_rows;
    cx.notes.supply_rows_read = g.aggs.values().map(|a| a.rows).sum();
    g
}

/// Whether the end-product cell of a row says yes.
fn says_end_product(r: &Read, row: &Row) -> bool {
    row.vals[value_slot(Field::EndProduct)] != NONE
        && r.strings
            .get(row.vals[value_slot(Field::EndProduct)])
            .trim()
            .to_lowercase()
            .starts_with('y')
}

impl Gathered {
    /// What a row says about the item `y` its buyer `b` makes: that it makes it, its revenue,
    /// inventory and end-product flag.
    fn product_facts(
        &mut self,
        cx: &mut Ctx<'_>,
        r: &Read,
        row: &Row,
        (b, y): (usize, usize),
        out: &Out,
    ) {
        self.makes.entry((b, y)).or_insert(row.line);
        keep_product_value(
            cx,
            r,
            row,
            &mut self.revenue,
            Field::AnnualRevenue,
            (b, y),
            out,
        );
        keep_product_value(
            cx,
            r,
            row,
            &mut self.inventory,
            Field::InventoryDays,
            (b, y),
            out,
        );
        let flag = row.vals[value_slot(Field::EndProduct)];
        if flag == NONE {
            return;
        }
        let at = cx.at(row.line, Field::EndProduct);
        let Some(v) = yes_no(cx, r.strings.get(flag), at) else {
            return;
        };
        match self.end_flags.get(&(b, y)) {
            Some((old, line)) if *old != v => cx.diags.error(
                "conflicting-values",
                cx.place(at),
                format!(
                    "end product is {} here but {} on row {line} for {} at {}",
                    yes(v),
                    yes(*old),
                    out.items[y].name,
                    out.entities[b].name
                ),
            ),
            Some(_) => {}
            None => {
                self.end_flags.insert((b, y), (v, row.line));
            }
        }
    }

    /// The BOM link of a row: its item `x` goes into the item `y` it is used for.
    fn bom_row(
        &mut self,
        cx: &mut Ctx<'_>,
        r: &Read,
        row: &Row,
        (y, x): (usize, usize),
        out: &Out,
    ) {
        let qty = days_cell(cx, r, row, Field::BomQuantity).filter(|v| {
            *v > 0.0 || {
                cx.diags.error(
                    "bad-value",
                    cx.place_of(row.line, Field::BomQuantity),
                    "BOM quantity is 0 (expected a number above 0, or an empty cell)",
                );
                false
            }
        });
        if x == y {
            cx.diags.error(
                "bom-cycle",
                cx.place_of(row.line, Field::UsedFor),
                format!(
                    "`{}` is used for itself (expected another item)",
                    out.items[x].name
                ),
            );
            return;
        }
        let group = bom_group(r, row);
        match self.bom.get_mut(&(y, x)) {
            Some(link) => merge_bom_link(cx, row, link, qty, group),
            None => {
                self.bom.insert((y, x), (row.line, qty, group));
            }
        }
    }

    /// Adds a row's supply to its (buyer, item) group and, with a known supplier, to its
    /// (supplier, buyer, item).
    fn add_supply(
        &mut self,
        cx: &mut Ctx<'_>,
        row: &Row,
        (s, b, x): (Option<usize>, usize, usize),
        c: &Cells,
        out: &Out,
    ) {
        let g = self.groups.entry((b, x)).or_default();
        g.has_share |= c.share.is_some();
        g.has_amount |= c.amount.is_some();
        let Some(s) = s else {
            if c.qualified {
                g.placeholder_rows += 1;
                g.placeholder_amount += c.amount.unwrap_or(0.0);
                g.placeholder_share += c.share.unwrap_or(0.0);
            }
            return;
        };
        let a = self.aggs.entry((s, b, x)).or_insert_with(|| Agg {
            first: row.line,
            ..Agg::default()
        });
        if a.rows == 0 {
            g.suppliers.push(s);
        }
        a.add(cx, row, c, (s, b, x), out);
    }
}

impl Agg {
    /// Adds one row; a share or qualification that differs from an earlier row's is an
    /// error, a longer lead time wins.
    fn add(&mut self, cx: &mut Ctx<'_>, row: &Row, c: &Cells, (s, b, x): Key, out: &Out) {
        self.rows += 1;
        if let Some(v) = c.amount {
            self.amount += v;
            self.amounts += 1;
        }
        if let Some(v) = c.share {
            match self.share {
                Some((old, line)) if (old - v).abs() > crate::analysis::HAIR => cx.diags.error(
                    "conflicting-values",
                    cx.place_of(row.line, Field::Share),
                    format!(
                        "the share of {} in {} at {} is {v} here but {old} on row {line} (expected one share per supplier, buyer and item)",
                        out.entities[s].name, out.items[x].name, out.entities[b].name
                    ),
                ),
                Some(_) => {}
                None => self.share = Some((v, row.line)),
            }
        }
        let qualified = c.qualified;
        match self.qualified {
            Some((old, line)) if old != qualified => cx.diags.error(
                "conflicting-values",
                cx.place_of(row.line, Field::Qualified),
                format!(
                    "{} is {} for {} at {} here but {} on row {line} (expected one)",
                    out.entities[s].name,
                    if qualified {
                        "qualified"
                    } else {
                        "not qualified"
                    },
                    out.items[x].name,
                    out.entities[b].name,
                    if old { "qualified" } else { "not qualified" }
                ),
            ),
            Some(_) => {}
            None => self.qualified = Some((qualified, row.line)),
        }
        if let Some(l) = c.lead {
            match self.lead {
                Some(old) if old != l => {
                    self.leads_differ = true;
                    self.lead = Some(old.max(l));
                }
                Some(_) => {}
                None => self.lead = Some(l),
            }
        }
    }
}

/// Keeps the revenue or inventory (`field`) of the product (buyer, item made) a row gives; a
/// different value on a later row is an error.
fn keep_product_value(
    cx: &mut Ctx<'_>,
    r: &Read,
    row: &Row,
    map: &mut BTreeMap<(usize, usize), (f64, u64)>,
    field: Field,
    (b, y): (usize, usize),
    out: &Out,
) {
    let Some(v) = days_cell(cx, r, row, field) else {
        return;
    };
    match map.get(&(b, y)) {
        Some((old, line)) if *old != v => cx.diags.error(
            "conflicting-values",
            cx.place_of(row.line, field),
            format!(
                "`{}` of {} at {} is {v} here but {old} on row {line} (expected one value)",
                cx.header_of(field),
                out.items[y].name,
                out.entities[b].name
            ),
        ),
        Some(_) => {}
        None => {
            map.insert((b, y), (v, row.line));
        }
    }
}

/// A later row of a BOM link: a group or quantity that differs from the first is an error,
/// one the first left empty is taken.
fn merge_bom_link(
    cx: &mut Ctx<'_>,
    row: &Row,
    (line, old, old_group): &mut BomLink,
    qty: Option<f64>,
    group: Option<String>,
) {
    if let (Some(a), Some(b)) = (old_group.as_deref(), group.as_deref())
        && a != b
    {
        cx.diags.error(
            "conflicting-values",
            cx.place_of(row.line, Field::BomGroup),
            format!("BOM group is `{b}` here but `{a}` on row {line} (expected one)"),
        );
    }
    if old_group.is_none() {
        *old_group = group;
    }
    if let (Some(a), Some(b)) = (*old, qty)
        && a != b
    {
        cx.diags.error(
            "conflicting-values",
            cx.place_of(row.line, Field::BomQuantity),
            format!("BOM quantity is {b} here but {a} on row {line} (expected one)"),
        );
    }
    if old.is_none() {
        *old = qty;
    }
}

/// The amount, share, qualification and lead time cells of a supply row.
fn supply_cells(cx: &mut Ctx<'_>, r: &Read, row: &Row, dec: &Decided) -> Cells {
    let amount = reading(cx, r, row, Field::Amount).and_then(|v| {
        v.value_with(dec.amount)
            .or_else(|| v.value_with(Some(Decimal::Dot)))
    });
    let share = share_cell(cx, r, row, dec);
    let qualified = {
        let q = row.vals[value_slot(Field::Qualified)];
        if q == NONE {
            true
        } else {
            let at = cx.at(row.line, Field::Qualified);
            yes_no(cx, r.strings.get(q), at).unwrap_or(true)
        }
    };
    let lead = days_cell(cx, r, row, Field::LeadTimeDays);
    Cells {
        amount,
        share,
        qualified,
        lead,
    }
}

/// The share cell of a row as a fraction; over 100% is an error.
fn share_cell(cx: &mut Ctx<'_>, r: &Read, row: &Row, dec: &Decided) -> Option<f64> {
    let v = reading(cx, r, row, Field::Share)?;
    let value = v.value_with(dec.share).unwrap_or(v.value);
    let fraction = if v.percent || dec.share_percent {
        value / 100.0
    } else {
        value
    };
    if fraction > 1.0 + crate::analysis::EPS {
        cx.diags.error(
            "bad-value",
            cx.place_of(row.line, Field::Share),
            format!(
                "share `{}` is more than 100% (expected a fraction up to 1, or a percentage up to 100%)",
                r.strings.get(row.vals[value_slot(Field::Share)])
            ),
        );
        return None;
    }
    Some(fraction.min(1.0))
}
