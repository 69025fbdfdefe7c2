//! The number columns: which decimal separator the amount and share columns use, and
//! whether the shares are percentages.

use super::Ctx;
use crate::import::columns::Field;
use crate::import::number::{self, Decimal, Reading};
use crate::import::read::{At, NONE, Read, Row, Sym, value_slot};
use foldhash::{HashSet, HashSetExt};
use std::collections::BTreeMap;

/// The decimal separator of the amount and share columns.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Decided {
    pub(super) amount: Option<Decimal>,
    pub(super) share: Option<Decimal>,
    /// Share cells without `%` are percentages.
    pub(super) share_percent: bool,
}

/// Decides the decimal separator of the amount and share columns from their cells (rule 5
/// of [`number`]), and whether the share column holds percentages.
pub(super) fn decide_columns(cx: &mut Ctx<'_>, r: &Read) -> Decided {
    let mut d = Decided::default();
    for field in [Field::Amount, Field::Share] {
        let Some(col) = cx.layout.get(field) else {
            continue;
        };
        let header = cx.header_of(field);
        let seen = scan_column(cx, r, field, col);
        if seen.currencies.len() > 1 {
            let ((c1, a1), (c2, a2)) = (seen.currencies[0], seen.currencies[1]);
            cx.diags.error(
                "mixed-currencies",
                cx.place(a2),
                format!(
                    "column `{header}` has amounts in {c2} here and in {c1} at {} (expected one currency: convert them first, since shares are computed from the amounts)",
                    cx.place(a1)
                ),
            );
        }
        let decimal = column_decimal(cx, &header, &seen);
        if let Some((c, _)) = seen.currencies.first() {
            cx.notes.numbers.push(format!(
                "`{header}`: amounts in {c} (currency symbols dropped)"
            ));
        }
        match field {
            Field::Amount => d.amount = decimal,
            _ => {
                d.share = decimal;
                d.share_percent = share_is_percent(cx, &header, seen.max_plain);
            }
        }
    }
    d
}

/// What the distinct cells of a number column show.
struct Seen {
    /// The first cell showing each separator as a decimal one.
    shows: BTreeMap<&'static str, At>,
    /// The first cell that could be read either way.
    ambiguous: Option<(At, String)>,
    /// In the order first met.
    currencies: Vec<(&'static str, At)>,
    /// The largest value without `%`.
    max_plain: f64,
}

/// Reads the distinct cells of a number column (bad ones are reported where used).
fn scan_column(cx: &Ctx<'_>, r: &Read, field: Field, col: usize) -> Seen {
    let slot = value_slot(field);
    let mut seen: HashSet<Sym> = HashSet::new();
    let mut out = Seen {
        shows: BTreeMap::new(),
        ambiguous: None,
        currencies: Vec::new(),
        max_plain: 0.0,
    };
    for row in &r.rows {
        let s = row.vals[slot];
        if s == NONE || !seen.insert(s) {
            continue;
        }
        let at = At { row: row.line, col };
        let Ok(reading) = number::read(r.strings.get(s), cx.settings.decimal) else {
            continue; // reported where the value is used
        };
        match reading.shows {
            Some(Decimal::Dot) => {
                out.shows.entry("`.`").or_insert(at);
            }
            Some(Decimal::Comma) => {
                out.shows.entry("`,`").or_insert(at);
            }
            None => {}
        }
        if reading.is_ambiguous() && out.ambiguous.is_none() {
            out.ambiguous = Some((at, r.strings.get(s).to_string()));
        }
        if let Some(c) = reading.currency
            && !out.currencies.iter().any(|(k, _)| *k == c)
        {
            out.currencies.push((c, at));
        }
        if !reading.percent && !reading.is_ambiguous() {
            out.max_plain = out.max_plain.max(reading.value);
        }
    }
    out
}

/// The decimal separator of a column: `--decimal`, else the one its cells show; both shown,
/// or only ambiguous cells, is an error.
fn column_decimal(cx: &mut Ctx<'_>, header: &str, seen: &Seen) -> Option<Decimal> {
    if let Some(given) = cx.settings.decimal {
        cx.notes.numbers.push(format!(
            "`{header}`: decimal separator `{}` (from --decimal)",
            given.char()
        ));
        Some(given)
    } else if seen.shows.len() > 1 {
        let dot = seen.shows["`.`"];
        let comma = seen.shows["`,`"];
        cx.diags.error(
            "ambiguous-number",
            cx.place(comma),
            format!(
                "column `{header}` writes its decimals with `,` here but with `.` at {} (expected one convention per column)",
                cx.place(dot)
            ),
        );
        None
    } else if let Some((sep, at)) = seen.shows.iter().next() {
        cx.notes.numbers.push(format!(
            "`{header}`: decimal separator {sep}, as {} shows{}",
            cx.place(*at),
            if seen.ambiguous.is_some() {
                " (cells such as `1,234` were read by it)"
            } else {
                ""
            }
        ));
        Some(if *sep == "`.`" {
            Decimal::Dot
        } else {
            Decimal::Comma
        })
    } else if let Some((at, text)) = &seen.ambiguous {
        cx.diags.error(
            "ambiguous-number",
            cx.place(*at),
            format!(
                "cannot tell whether `{text}` uses `{}` as a thousands or a decimal separator, and no other cell of column `{header}` shows which (expected --decimal . or --decimal ,)",
                if text.contains(',') { ',' } else { '.' }
            ),
        );
        None
    } else {
        None
    }
}

/// Whether the share column holds percentages: by its header, or by values up to 100.
fn share_is_percent(cx: &mut Ctx<'_>, header: &str, max_plain: f64) -> bool {
    if cx.layout.share_percent_header {
        cx.notes.numbers.push(format!(
            "`{header}`: a percent column by its header: 60 means 60%"
        ));
        true
    } else if max_plain > 1.0 && max_plain <= 100.0 {
        cx.notes.numbers.push(format!(
            "`{header}`: read as percentages, since its values go up to {max_plain} (60 means 60%)"
        ));
        true
    } else {
        cx.notes.numbers.push(format!(
            "`{header}`: fractions (0.6 means 60%); cells ending in % are percentages"
        ));
        false
    }
}

/// Reads a value cell of the amount or share column.
pub(super) fn reading(cx: &mut Ctx<'_>, r: &Read, row: &Row, field: Field) -> Option<Reading> {
    let s = row.vals[value_slot(field)];
    if s == NONE {
        return None;
    }
    let text = r.strings.get(s);
    match number::read(text, cx.settings.decimal) {
        Ok(v) if v.negative => {
            cx.diags.error(
                "bad-value",
                cx.place_of(row.line, field),
                format!("`{text}` is negative (expected a number >= 0)"),
            );
            None
        }
        Ok(v) => Some(v),
        Err(why) => {
            cx.diags
                .error("bad-value", cx.place_of(row.line, field), why);
            None
        }
    }
}
