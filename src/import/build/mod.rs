//! Second pass: the rows of the first pass become the tables of a dataset, and every
//! decision is noted for the import report.
//!
//! In order: the countries, entities and items tables (`tables`), the decimal separator of
//! the number columns (`decimals`), the supply rows and their shares (`supply`), the bill of
//! materials (`bom`), the end products (`products`), then the trust of each country.

mod bom;
mod decimals;
mod products;
mod supply;
mod tables;

use super::columns::{Field, Layout};
use super::country::{self, Resolved};
use super::extras::Extras;
use super::number::{self, Decimal};
use super::problem::{Origin, Place, Problems};
use super::read::{At, Attr, NONE, Read, Row, Sym, value_slot};
use super::report::Notes;
use crate::model::Trust;
use std::collections::BTreeMap;

/// What the user asked for, beyond the table.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub decimal: Option<Decimal>,
    /// `--untrust` / `--trust`, as written (codes or names).
    pub untrust: Vec<String>,
    pub trust: Vec<String>,
    /// `untrust` / `trust` of the settings file.
    pub policy_untrust: Vec<String>,
    pub policy_trust: Vec<String>,
    pub merge_similar: bool,
    /// `--products ENTITY:ITEM` or `ITEM`, by id or name.
    pub products: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutCountry {
    pub code: String,
    pub trust: Trust,
    pub name: String,
    pub governance: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutEntity {
    pub id: String,
    pub name: String,
    pub country: String,
    pub kind: Option<String>,
    pub restricted: Option<bool>,
    pub recovery_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutItem {
    pub id: String,
    pub name: String,
    pub sector: Option<String>,
    pub critical: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutSupply {
    pub supplier: usize,
    pub buyer: usize,
    pub item: usize,
    /// `None`: left empty, split equally by the dataset's rule (an estimate).
    pub share: Option<f64>,
    pub qualified: bool,
    pub lead_time_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutProduct {
    pub entity: usize,
    pub item: usize,
    pub annual_revenue: Option<f64>,
    pub inventory_days: Option<f64>,
}

/// The tables of the dataset, by index.
#[derive(Debug, Clone, Default)]
pub struct Out {
    pub countries: Vec<OutCountry>,
    pub entities: Vec<OutEntity>,
    pub items: Vec<OutItem>,
    /// (item, input, quantity, substitute group)
    pub bom: Vec<(usize, usize, Option<f64>, Option<String>)>,
    pub supply: Vec<OutSupply>,
    pub products: Vec<OutProduct>,
    /// (owner, entity, share)
    pub ownership: Vec<(usize, usize, f64)>,
    pub restricted: Vec<super::extras::RestrictedRow>,
}

/// The context of a build: where cells are, and where problems go.
pub struct Ctx<'a> {
    pub origin: &'a Origin,
    pub first_column: usize,
    pub header: &'a [String],
    pub layout: &'a Layout,
    pub settings: &'a Settings,
    pub diags: &'a mut Problems,
    pub notes: &'a mut Notes,
}

impl Ctx<'_> {
    fn place(&self, at: At) -> Place {
        self.origin.cell(at.row, self.first_column + at.col)
    }

    fn place_of(&self, row: u64, field: Field) -> Place {
        match self.layout.get(field) {
            Some(c) => self.origin.cell(row, self.first_column + c),
            None => self.origin.row(row),
        }
    }

    fn header_of(&self, field: Field) -> String {
        self.layout
            .get(field)
            .and_then(|c| self.header.get(c))
            .cloned()
            .unwrap_or_else(|| field.name().to_string())
    }

    /// The cell of `field` on row `line` (column 0 when the table has no such column).
    fn at(&self, line: u64, field: Field) -> At {
        At {
            row: line,
            col: self.layout.get(field).unwrap_or(0),
        }
    }
}

/// Builds the dataset's tables from the first pass.
pub fn build(cx: &mut Ctx<'_>, r: &Read, extras: &Extras) -> Out {
    let mut out = Out::default();
    let countries = tables::countries(cx, r, extras, &mut out);
    let entity_of = tables::entities(cx, r, &countries, &mut out);
    if out.entities.iter().any(|e| e.country == country::UNKNOWN)
        && !out.countries.iter().any(|c| c.code == country::UNKNOWN)
    {
        out.countries.push(OutCountry {
            code: country::UNKNOWN.to_string(),
            trust: Trust::Neutral,
            name: country::UNKNOWN_NAME.to_string(),
            governance: None,
        });
    }
    let item_of = tables::items(cx, r, &mut out);
    let decimals = decimals::decide_columns(cx, r);
    let finals = supply::Finals {
        entity_of: &entity_of,
        item_of: &item_of,
    };
    let mut rows = supply::gather(cx, r, &finals, &decimals, &out);
    supply::write_supply(cx, &rows, &mut out);
    bom::write_bom(cx, &mut rows, &mut out);
    products::write_products(cx, &rows, &mut out);
    super::extras::attach(cx.diags, cx.notes, extras, &mut out);
    trust(cx, &mut out);
    out
}

/// The one value of an attribute; two different ones are an error at the second.
fn single(cx: &mut Ctx<'_>, r: &Read, attr: &Attr, label: &str, what: &str) -> Option<Sym> {
    if attr.values.len() > 1 {
        let (a, at_a) = attr.values[0];
        let (b, at_b) = attr.values[1];
        // Two spellings of one name (`Disco`, `DISCO`) under one id: the first is kept.
        if what == "name"
            && attr.values.iter().all(|(s, _)| {
                crate::names::normalize(r.strings.get(*s))
                    == crate::names::normalize(r.strings.get(a))
            })
        {
            cx.diags.warning(
                "conflicting-values",
                cx.place(at_b),
                format!(
                    "`{label}` is written `{}` here but `{}` at {}: the first spelling is kept",
                    r.strings.get(b),
                    r.strings.get(a),
                    cx.place(at_a)
                ),
            );
            return attr.first().map(|(s, _)| s);
        }
        cx.diags.error(
            "conflicting-values",
            cx.place(at_b),
            format!(
                "the {what} of `{label}` is `{}` here but `{}` at {} (expected one {what})",
                r.strings.get(b),
                r.strings.get(a),
                cx.place(at_a)
            ),
        );
    }
    attr.first().map(|(s, _)| s)
}

/// Yes or no, in the forms a spreadsheet uses.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    // The usual words first, without folding (this runs once per row).
    for (word, v) in [
        ("yes", true),
        ("no", false),
        ("true", true),
        ("false", false),
    ] {
        if text.eq_ignore_ascii_case(word) {
            return Some(v);
        }
    }
    match names_fold(text).as_str() {
        "true" | "yes" | "y" | "1" | "x" | "qualified" | "approved" | "active" | "current"
        | "restricted" => Some(true),
        "false" | "no" | "n" | "0" | "not qualified" | "unqualified" | "not approved"
        | "pending" | "candidate" | "alternate" | "in qualification" | "planned" | "inactive" => {
            Some(false)
        }
        _ => None,
    }
}

fn names_fold(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn yes_no(cx: &mut Ctx<'_>, text: &str, at: At) -> Option<bool> {
    let v = parse_yes_no(text);
    if v.is_none() {
        cx.diags.error(
            "bad-value",
            cx.place(at),
            format!(
                "`{text}` is not yes or no (expected true/false, yes/no, 1/0, qualified/not qualified, approved/pending)"
            ),
        );
    }
    v
}

/// The number of days (or revenue) in the `field` cell of `row`, if any.
fn days_cell(cx: &mut Ctx<'_>, r: &Read, row: &Row, field: Field) -> Option<f64> {
    let sym = row.vals[value_slot(field)];
    if sym == NONE {
        return None;
    }
    days(cx, r.strings.get(sym), cx.at(row.line, field))
}

/// A number of days (or a revenue): zero or more.
fn days(cx: &mut Ctx<'_>, text: &str, at: At) -> Option<f64> {
    match number::read(text, cx.settings.decimal) {
        Ok(r) if r.negative => {
            cx.diags.error(
                "bad-value",
                cx.place(at),
                format!("`{text}` is negative (expected a number >= 0)"),
            );
            None
        }
        Ok(r) => match r.value_with(cx.settings.decimal) {
            Some(v) => Some(v),
            None => {
                cx.diags.error(
                    "ambiguous-number",
                    cx.place(at),
                    format!(
                        "cannot tell whether `{text}` is {} or {} (pass --decimal . or --decimal ,)",
                        r.value,
                        r.comma_value.unwrap_or(r.value)
                    ),
                );
                None
            }
        },
        Err(why) => {
            cx.diags.error("bad-value", cx.place(at), why);
            None
        }
    }
}

fn yes(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

fn rows_list(rows: impl Iterator<Item = u64>) -> String {
    let mut v: Vec<u64> = rows.collect();
    v.sort_unstable();
    let n = v.len();
    let mut s = v
        .iter()
        .take(8)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if n > 8 {
        s.push_str(&format!(" and {} more", n - 8));
    }
    s
}

/// Trust: `--untrust`/`--trust`, then the settings file, then the extra countries table,
/// else neutral.
fn trust(cx: &mut Ctx<'_>, out: &mut Out) {
    let mut lists = [
        (cx.settings.untrust.clone(), Trust::Untrusted, "--untrust"),
        (cx.settings.trust.clone(), Trust::Trusted, "--trust"),
        (
            cx.settings.policy_untrust.clone(),
            Trust::Untrusted,
            "the settings file's untrust",
        ),
        (
            cx.settings.policy_trust.clone(),
            Trust::Trusted,
            "the settings file's trust",
        ),
    ];
    let mut decided: BTreeMap<String, &'static str> = BTreeMap::new();
    for c in &out.countries {
        if c.trust != Trust::Neutral {
            decided.insert(c.code.clone(), "the countries table");
        }
    }
    for (texts, trust, source) in lists.iter_mut() {
        for text in texts.iter() {
            let code = out
                .countries
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(text))
                .map(|c| (c.code.clone(), c.name.clone()))
                .or_else(|| match country::resolve(text) {
                    Resolved::Iso(c) => Some((c.alpha2.to_string(), c.name)),
                    _ => None,
                });
            let Some((code, name)) = code else {
                cx.diags.error(
                    "unknown-country",
                    Place::new(format!("{source} {text}")),
                    format!(
                        "unknown country `{text}` (expected an ISO 3166 alpha-2 or alpha-3 code or an English country name)"
                    ),
                );
                continue;
            };
            // Flags come first: a later source does not override an earlier one.
            if decided.get(&code).is_some_and(|d| {
                d.starts_with("--") || (d.starts_with("the settings") && !source.starts_with("--"))
            }) {
                continue;
            }
            match out.countries.iter_mut().find(|c| c.code == code) {
                Some(c) => c.trust = *trust,
                None => out.countries.push(OutCountry {
                    code: code.clone(),
                    trust: *trust,
                    name,
                    governance: None,
                }),
            }
            decided.insert(code, source);
        }
    }
    for c in &out.countries {
        cx.notes.trust.push((
            c.code.clone(),
            c.trust,
            decided.get(&c.code).copied().unwrap_or("default (neutral)"),
        ));
    }
}
