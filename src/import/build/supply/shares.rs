//! The shares of each (buyer, item): from the shares given, else from the amounts, else an
//! equal split, then the output's supply rows ([`write_supply`]). Split from `supply.rs`,
//! which reads and gathers the rows; this runs once the whole table is gathered.

use super::*;

/// The supply rows of one (buyer, item), by first row.
struct Supplies<'a> {
    buyer: usize,
    item: usize,
    group: &'a Group,
    known: Vec<(Key, &'a Agg)>,
}

impl Supplies<'_> {
    fn qualified(&self) -> impl Iterator<Item = &(Key, &Agg)> {
        self.known.iter().filter(|(_, a)| a.is_qualified())
    }

    /// The first row of each supplier.
    fn first_rows(&self) -> impl Iterator<Item = u64> {
        self.known.iter().map(|(_, a)| a.first)
    }

    /// The first row of the group (0 with no supplier).
    fn first_row(&self) -> u64 {
        self.known.first().map_or(0, |(_, a)| a.first)
    }

    /// "ITEM at BUYER", for messages.
    fn label(&self, out: &Out) -> String {
        format!(
            "{} at {}",
            out.items[self.item].name, out.entities[self.buyer].name
        )
    }
}

/// Each supplier's share, `None` for one left to the dataset's equal split.
type Shares = HashMap<usize, Option<f64>>;

/// The supply rows, with shares per (buyer, item).
pub(in crate::import::build) fn write_supply(cx: &mut Ctx<'_>, g: &Gathered, out: &mut Out) {
    let req_totals = requirement_totals(&g.groups, &g.aggs, &g.bom, &g.makes);
    for ((b, x), group) in &g.groups {
        let mut known: Vec<(Key, &Agg)> = group
            .suppliers
            .iter()
            .map(|&s| ((s, *b, *x), &g.aggs[&(s, *b, *x)]))
            .collect();
        known.sort_by_key(|(_, a)| a.first);
        let rows = Supplies {
            buyer: *b,
            item: *x,
            group,
            known,
        };
        let shares = if group.has_share {
            given_shares(cx, &rows, out)
        } else if group.has_amount {
            let total = req_totals
                .get(&(*b, *x))
                .copied()
                .unwrap_or_else(|| amount_total(group, &g.aggs, *b, *x));
            amount_shares(cx, &rows, total, out)
        } else if group.placeholder_rows > 0 && rows.qualified().next().is_some() {
            unknown_supplier_split(cx, &rows, out)
        } else {
            left_empty(cx, &rows)
        };
        push_supply_rows(cx, &rows, &shares, out);
    }
}

/// The shares as given: they may not sum to more than 1, nor to 1 with rows left empty.
fn given_shares(cx: &mut Ctx<'_>, rows: &Supplies<'_>, out: &Out) -> Shares {
    let given: f64 = rows
        .qualified()
        .filter_map(|(_, a)| a.share.map(|(v, _)| v))
        .sum::<f64>()
        + rows.group.placeholder_share;
    let blanks = rows.qualified().filter(|(_, a)| a.share.is_none()).count();
    if given > 1.0 + crate::graph::shares::SUM_TOLERANCE {
        cx.diags.error(
            "share-sum",
            cx.place_of(rows.first_row(), Field::Share),
            format!(
                "the shares of {} sum to {} (expected at most 1, or 100%), on rows {}",
                rows.label(out),
                crate::analysis::round(given),
                rows_list(rows.first_rows())
            ),
        );
    } else if blanks > 0 && given >= 1.0 - crate::graph::shares::SUM_TOLERANCE {
        cx.diags.error(
            "share-sum",
            cx.place_of(rows.first_row(), Field::Share),
            format!(
                "the shares given for {} already sum to 1, but {} no share (expected the rest below 1, or shares on every row)",
                rows.label(out),
                tierscope_core::numbers::plural(blanks, "row has", "rows have")
            ),
        );
    }
    let shares = rows
        .known
        .iter()
        .map(|(k, a)| (k.0, a.share.map(|(v, _)| v)))
        .collect();
    if blanks > 0 {
        cx.notes.groups_estimated += 1;
    } else {
        cx.notes.groups_from_shares += 1;
    }
    if rows.group.placeholder_rows > 0 {
        cx.notes.groups_with_placeholder += 1;
    }
    shares
}

/// Shares from the amounts, over `total` (the requirement's, with substitutes); a supplier
/// whose amounts sum to 0 is noted and not written.
fn amount_shares(cx: &mut Ctx<'_>, rows: &Supplies<'_>, total: f64, out: &Out) -> Shares {
    let blanks = rows.qualified().filter(|(_, a)| a.amounts == 0).count();
    let mut shares = Shares::default();
    for (k, a) in &rows.known {
        let share = if !a.is_qualified() || a.amounts == 0 || total <= 0.0 {
            None
        } else if a.amount <= 0.0 {
            cx.notes.zero_amounts.push(format!(
                "{} to {}: the amounts sum to 0 (row {}): not written as a supply row",
                out.entities[k.0].name,
                rows.label(out),
                a.first
            ));
            shares.insert(k.0, Some(0.0));
            continue;
        } else {
            Some(a.amount / total)
        };
        shares.insert(k.0, share);
    }
    if total <= 0.0 || blanks > 0 {
        cx.notes.groups_estimated += 1;
    } else {
        cx.notes.groups_from_amounts += 1;
    }
    if rows.group.placeholder_rows > 0 {
        cx.notes.groups_with_placeholder += 1;
    }
    shares
}

/// Known suppliers beside an unknown one, with neither shares nor amounts.
fn unknown_supplier_split(cx: &mut Ctx<'_>, rows: &Supplies<'_>, out: &Out) -> Shares {
    // The unknown supplier keeps its part unmapped: an equal split written out, since
    // empty cells would split everything among the known suppliers.
    let qualified = rows.qualified().count();
    let n = qualified as f64 + 1.0;
    let shares = rows
        .known
        .iter()
        .map(|(k, a)| (k.0, a.is_qualified().then_some(1.0 / n)))
        .collect();
    cx.notes.written_equal_splits.push(format!(
        "{}: {} and an unknown one (row {}): each given 1/{} (an estimate written as a number, so that the unknown part stays unmapped)",
        rows.label(out),
        tierscope_core::numbers::plural(qualified, "known supplier", "known suppliers"),
        rows_list(rows.first_rows()),
        n
    ));
    cx.notes.groups_with_placeholder += 1;
    shares
}

/// Neither shares nor amounts: the cells stay empty, for the dataset's equal split.
fn left_empty(cx: &mut Ctx<'_>, rows: &Supplies<'_>) -> Shares {
    if rows.qualified().count() > 1 {
        cx.notes.groups_estimated += 1;
    } else {
        cx.notes.groups_single += 1;
    }
    rows.known.iter().map(|(k, _)| (k.0, None)).collect()
}

/// Writes the supply rows of one (buyer, item), but those of a zero share.
fn push_supply_rows(cx: &mut Ctx<'_>, rows: &Supplies<'_>, shares: &Shares, out: &mut Out) {
    for (k, a) in &rows.known {
        let share = shares.get(&k.0).copied().flatten();
        if share == Some(0.0) {
            continue;
        }
        if a.leads_differ {
            cx.notes.lead_times.push(format!(
                "{} to {}: lead times differ between rows; the longest, {} days, was kept",
                out.entities[k.0].name,
                rows.label(out),
                a.lead.unwrap_or(0.0)
            ));
        }
        if a.rows > 1 {
            cx.notes.aggregated_rows += a.rows - 1;
        }
        out.supply.push(OutSupply {
            supplier: k.0,
            buyer: k.1,
            item: k.2,
            share,
            qualified: a.is_qualified(),
            lead_time_days: a.lead,
        });
    }
}
