//! Second pass: the rows of the first pass become the tables of a dataset, and every
//! decision is noted for the import report.

use super::columns::{Field, Layout};
use super::country::{self, Resolved};
use super::extras::Extras;
use super::names::{self, Likeness};
use super::number::{self, Decimal, Reading};
use super::problem::{Origin, Place, Problems};
use super::read::{At, Attr, Key, NONE, PLACEHOLDER, Read, Row, Sym, value_slot};
use super::report::Notes;
use crate::model::Trust;
use foldhash::{HashMap, HashSet, HashSetExt};
use std::collections::{BTreeMap, BTreeSet};

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
}

/// Builds the dataset's tables from the first pass.
pub fn build(cx: &mut Ctx<'_>, r: &Read, extras: &Extras) -> Out {
    let mut out = Out::default();
    let countries = countries(cx, r, extras, &mut out);
    let entity_of = entities(cx, r, &countries, &mut out);
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
    let item_of = items(cx, r, &mut out);
    let decimals = decide_columns(cx, r);
    supply_bom_products(cx, r, &entity_of, &item_of, &decimals, &mut out);
    super::extras::attach(cx.diags, cx.notes, extras, &mut out);
    trust(cx, &mut out);
    out
}

/// What an entity's country text resolved to.
type CountryOf = HashMap<Sym, Option<String>>;

/// Resolves every country text met, and starts `countries.csv` with the extra countries table.
fn countries(cx: &mut Ctx<'_>, r: &Read, extras: &Extras, out: &mut Out) -> CountryOf {
    let mut of: CountryOf = HashMap::default();
    // Texts in the order first met, with the first cell and how many entities use each.
    let mut texts: Vec<(Sym, At)> = Vec::new();
    let mut uses: HashMap<Sym, usize> = HashMap::default();
    for e in &r.entities {
        for &(s, at) in &e.country.values {
            if !uses.contains_key(&s) {
                texts.push((s, at));
            }
            *uses.entry(s).or_insert(0) += 1;
        }
    }
    texts.sort_by_key(|(_, at)| (at.row, at.col));
    for c in &extras.countries {
        out.countries.push(c.clone());
    }
    for (s, at) in texts {
        let text = r.strings.get(s);
        let extra = extras
            .countries
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(text) || c.name.eq_ignore_ascii_case(text));
        let code = if let Some(c) = extra {
            Some((c.code.clone(), c.name.clone()))
        } else if text.eq_ignore_ascii_case(country::UNKNOWN) {
            Some((
                country::UNKNOWN.to_string(),
                country::UNKNOWN_NAME.to_string(),
            ))
        } else {
            match country::resolve(text) {
                Resolved::Iso(c) => Some((c.alpha2.to_string(), c.name)),
                Resolved::Ambiguous(options) => {
                    cx.diags.error(
                        "unknown-country",
                        cx.place(at),
                        format!(
                            "country `{text}` could be {} (expected one country: write its ISO code)",
                            options
                                .iter()
                                .map(|c| format!("{} ({})", c.alpha2, c.name))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    );
                    None
                }
                Resolved::Unknown(hint) => {
                    let hint = hint.map_or(String::new(), |c| {
                        format!("; did you mean {} ({})?", c.name, c.alpha2)
                    });
                    cx.diags.error(
                        "unknown-country",
                        cx.place(at),
                        format!(
                            "unknown country `{text}` (expected an ISO 3166 alpha-2 or alpha-3 code or an English country name{hint})"
                        ),
                    );
                    None
                }
            }
        };
        if let Some((code, name)) = &code {
            cx.notes.countries_met.push(super::report::CountryMet {
                text: text.to_string(),
                code: code.clone(),
                name: name.clone(),
                entities: uses[&s],
            });
            if !out.countries.iter().any(|c| c.code == *code) {
                out.countries.push(OutCountry {
                    code: code.clone(),
                    trust: Trust::Neutral,
                    name: name.clone(),
                    governance: None,
                });
            }
        }
        of.insert(s, code.map(|(c, _)| c));
    }
    of
}

/// Gives every raw entity its final entity: ids from the id column are kept; names are
/// linked to an entity of the id column with that name, else slugged; near-duplicate names
/// are listed, and merged with `--merge-similar`.
fn entities(cx: &mut Ctx<'_>, r: &Read, countries: &CountryOf, out: &mut Out) -> Vec<usize> {
    let mut final_of = vec![usize::MAX; r.entities.len()];
    let mut taken: HashSet<String> = HashSet::new();
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::default();
    // The country each raw entity resolved to; two different ones are an error.
    let country_of = |cx: &mut Ctx<'_>, e: &super::read::RawEntity, label: &str| -> String {
        let codes = entity_codes(e, countries);
        if codes.len() > 1 {
            cx.diags.error(
                "conflicting-values",
                cx.place(codes[1].1),
                format!(
                    "`{label}` is in {} here but in {} at {} (expected one country per entity: give each site a name of its own, or add an id column)",
                    codes[1].0,
                    codes[0].0,
                    cx.place(codes[0].1)
                ),
            );
        }
        codes
            .into_iter()
            .next()
            .map_or_else(|| country::UNKNOWN.to_string(), |(c, _)| c)
    };
    // Entities of the id column first.
    for (k, e) in r.entities.iter().enumerate() {
        let Key::Id(id) = e.key else { continue };
        let id = r.strings.get(id).to_string();
        let name = single(cx, r, &e.names, &id, "name")
            .map(|s| r.strings.get(s).to_string())
            .unwrap_or_else(|| id.clone());
        let country = country_of(cx, e, &id);
        taken.insert(id.clone());
        let ix = out.entities.len();
        if let Some((n, _)) = e.names.first() {
            by_name
                .entry(r.strings.get(n))
                .and_modify(|v| *v = None)
                .or_insert(Some(ix));
        }
        out.entities.push(entity_row(cx, r, e, id, name, country));
        final_of[k] = ix;
        cx.notes.entities_by_id += 1;
    }
    // Names: linked to an id-column entity of that name, else new.
    let mut new_names: Vec<usize> = Vec::new();
    for (k, e) in r.entities.iter().enumerate() {
        let Key::Name(n) = e.key else { continue };
        let name = r.strings.get(n);
        match by_name.get(name) {
            Some(Some(ix)) => {
                final_of[k] = *ix;
                cx.notes.entities_linked += 1;
            }
            _ => new_names.push(k),
        }
    }
    // Near-duplicates among the names that made new entities.
    let name_texts: Vec<&str> = new_names
        .iter()
        .map(|&k| match r.entities[k].key {
            Key::Name(n) => r.strings.get(n),
            Key::Id(_) => "",
        })
        .collect();
    let groups = names::near_duplicates(&name_texts);
    let mut merged_into: HashMap<usize, usize> = HashMap::default();
    for g in &groups {
        let members: Vec<usize> = g.iter().map(|(i, _)| new_names[*i]).collect();
        let codes: BTreeSet<String> = members
            .iter()
            .flat_map(|&k| entity_codes(&r.entities[k], countries))
            .map(|(c, _)| c)
            .filter(|c| c != country::UNKNOWN)
            .collect();
        let merge = cx.settings.merge_similar && codes.len() <= 1;
        let why_not = if !cx.settings.merge_similar {
            "not merged (merge with --merge-similar, or make the spellings the same)".to_string()
        } else if codes.len() > 1 {
            format!(
                "not merged: they are in different countries ({})",
                codes.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        } else {
            format!("merged into `{}`", name_texts[g[0].0])
        };
        cx.notes
            .similar_entities
            .push(similar(g, &name_texts, why_not, |i| {
                let e = &r.entities[new_names[i]];
                (e.rows.clone(), e.count)
            }));
        if merge {
            for &k in &members[1..] {
                merged_into.insert(k, members[0]);
            }
        }
    }
    // Slugs for the names, in the order first met.
    for &k in &new_names {
        if merged_into.contains_key(&k) {
            continue;
        }
        let e = &r.entities[k];
        let Key::Name(n) = e.key else { continue };
        let name = r.strings.get(n).to_string();
        let id = names::unique_slugs(std::iter::once(name.as_str()), &mut taken).remove(0);
        let country = country_of(cx, e, &name);
        final_of[k] = out.entities.len();
        out.entities.push(entity_row(cx, r, e, id, name, country));
        cx.notes.entities_by_name += 1;
    }
    for (k, into) in merged_into {
        final_of[k] = final_of[into];
    }
    final_of
}

/// The distinct country codes an entity's country cells resolved to, with the first cell of
/// each.
fn entity_codes(e: &super::read::RawEntity, countries: &CountryOf) -> Vec<(String, At)> {
    let mut codes: Vec<(String, At)> = Vec::new();
    for &(s, at) in &e.country.values {
        if let Some(Some(code)) = countries.get(&s)
            && !codes.iter().any(|(c, _)| c == code)
        {
            codes.push((code.clone(), at));
        }
    }
    codes
}

/// A group of near-duplicate names for the report: each name, why it joined the first, and
/// its rows (`rows_of` gives the first rows and how many).
fn similar(
    group: &[(usize, Likeness)],
    texts: &[&str],
    outcome: String,
    rows_of: impl Fn(usize) -> (Vec<u64>, u64),
) -> super::report::Similar {
    super::report::Similar {
        names: group
            .iter()
            .enumerate()
            .map(|(pos, (i, w))| {
                let why = if pos == 0 {
                    "first met".to_string()
                } else {
                    likeness(w)
                };
                let (rows, count) = rows_of(*i);
                (texts[*i].to_string(), why, rows, count)
            })
            .collect(),
        outcome,
    }
}

fn likeness(w: &Likeness) -> String {
    match w {
        Likeness::SameNormalised => "same after normalising".into(),
        Likeness::Close(s) => format!("spelt alike ({s:.2})"),
    }
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

fn entity_row(
    cx: &mut Ctx<'_>,
    r: &Read,
    e: &super::read::RawEntity,
    id: String,
    name: String,
    country: String,
) -> OutEntity {
    let kind = single(cx, r, &e.kind, &id, "kind").map(|s| r.strings.get(s).to_string());
    let restricted = single(cx, r, &e.restricted, &id, "restricted flag").and_then(|s| {
        let at = e.restricted.values[0].1;
        yes_no(cx, r.strings.get(s), at)
    });
    let recovery_days = single(cx, r, &e.recovery, &id, "recovery days")
        .and_then(|s| days(cx, r.strings.get(s), e.recovery.values[0].1));
    OutEntity {
        id,
        name,
        country,
        kind,
        restricted,
        recovery_days,
    }
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

/// Items: ids from the id column kept, names slugged (with near-duplicates listed, and
/// merged with `--merge-similar`).
fn items(cx: &mut Ctx<'_>, r: &Read, out: &mut Out) -> Vec<usize> {
    let mut final_of = vec![usize::MAX; r.items.len()];
    let mut taken: HashSet<String> = HashSet::new();
    let mut by_name: HashMap<String, Option<usize>> = HashMap::default();
    for (k, it) in r.items.iter().enumerate() {
        let Key::Id(id) = it.key else { continue };
        let id = r.strings.get(id).to_string();
        let name = single(cx, r, &it.names, &id, "name")
            .map(|s| r.strings.get(s).to_string())
            .unwrap_or_else(|| id.clone());
        taken.insert(id.clone());
        by_name
            .entry(name.clone())
            .and_modify(|v| *v = None)
            .or_insert(Some(out.items.len()));
        final_of[k] = out.items.len();
        out.items.push(item_row(cx, r, it, id, name));
    }
    let mut new_names = Vec::new();
    for (k, it) in r.items.iter().enumerate() {
        let Key::Name(n) = it.key else { continue };
        match by_name.get(r.strings.get(n)) {
            Some(Some(ix)) => final_of[k] = *ix,
            _ => new_names.push(k),
        }
    }
    let texts: Vec<&str> = new_names
        .iter()
        .map(|&k| match r.items[k].key {
            Key::Name(n) => r.strings.get(n),
            Key::Id(_) => "",
        })
        .collect();
    let mut merged_into: HashMap<usize, usize> = HashMap::default();
    for g in names::near_duplicates(&texts) {
        let outcome = if cx.settings.merge_similar {
            format!("merged into `{}`", texts[g[0].0])
        } else {
            "not merged (merge with --merge-similar, or make the spellings the same)".into()
        };
        cx.notes
            .similar_items
            .push(similar(&g, &texts, outcome, |i| {
                let it = &r.items[new_names[i]];
                (it.rows.clone(), it.count)
            }));
        if cx.settings.merge_similar {
            for (i, _) in &g[1..] {
                merged_into.insert(new_names[*i], new_names[g[0].0]);
            }
        }
    }
    for &k in &new_names {
        if merged_into.contains_key(&k) {
            continue;
        }
        let it = &r.items[k];
        let Key::Name(n) = it.key else { continue };
        let name = r.strings.get(n).to_string();
        let id = names::unique_slugs(std::iter::once(name.as_str()), &mut taken).remove(0);
        final_of[k] = out.items.len();
        out.items.push(item_row(cx, r, it, id, name));
    }
    for (k, into) in merged_into {
        final_of[k] = final_of[into];
    }
    final_of
}

fn item_row(
    cx: &mut Ctx<'_>,
    r: &Read,
    it: &super::read::RawItem,
    id: String,
    name: String,
) -> OutItem {
    let sector = single(cx, r, &it.sector, &id, "sector").map(|s| r.strings.get(s).to_string());
    let critical = single(cx, r, &it.critical, &id, "critical flag")
        .and_then(|s| yes_no(cx, r.strings.get(s), it.critical.values[0].1));
    OutItem {
        id,
        name,
        sector,
        critical,
    }
}

/// The decimal separator of the amount and share columns.
#[derive(Debug, Clone, Copy, Default)]
struct Decided {
    amount: Option<Decimal>,
    share: Option<Decimal>,
    /// Share cells without `%` are percentages.
    share_percent: bool,
}

/// Decides the decimal separator of the amount and share columns from their cells (rule 5
/// of [`number`]), and whether the share column holds percentages.
fn decide_columns(cx: &mut Ctx<'_>, r: &Read) -> Decided {
    let mut d = Decided::default();
    for field in [Field::Amount, Field::Share] {
        let Some(col) = cx.layout.get(field) else {
            continue;
        };
        let slot = value_slot(field);
        let header = cx.header_of(field);
        let mut seen: HashSet<Sym> = HashSet::new();
        let mut shows: BTreeMap<&'static str, At> = BTreeMap::new();
        let mut ambiguous: Option<(At, String)> = None;
        // In the order first met.
        let mut currencies: Vec<(&'static str, At)> = Vec::new();
        let mut max_plain = 0.0f64;
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
                    shows.entry("`.`").or_insert(at);
                }
                Some(Decimal::Comma) => {
                    shows.entry("`,`").or_insert(at);
                }
                None => {}
            }
            if reading.is_ambiguous() && ambiguous.is_none() {
                ambiguous = Some((at, r.strings.get(s).to_string()));
            }
            if let Some(c) = reading.currency
                && !currencies.iter().any(|(k, _)| *k == c)
            {
                currencies.push((c, at));
            }
            if !reading.percent && !reading.is_ambiguous() {
                max_plain = max_plain.max(reading.value);
            }
        }
        if currencies.len() > 1 {
            let ((c1, a1), (c2, a2)) = (currencies[0], currencies[1]);
            cx.diags.error(
                "mixed-currencies",
                cx.place(a2),
                format!(
                    "column `{header}` has amounts in {c2} here and in {c1} at {} (expected one currency: convert them first, since shares are computed from the amounts)",
                    cx.place(a1)
                ),
            );
        }
        let decimal = if let Some(given) = cx.settings.decimal {
            cx.notes.numbers.push(format!(
                "`{header}`: decimal separator `{}` (from --decimal)",
                given.char()
            ));
            Some(given)
        } else if shows.len() > 1 {
            let dot = shows["`.`"];
            let comma = shows["`,`"];
            cx.diags.error(
                "ambiguous-number",
                cx.place(comma),
                format!(
                    "column `{header}` writes its decimals with `,` here but with `.` at {} (expected one convention per column)",
                    cx.place(dot)
                ),
            );
            None
        } else if let Some((sep, at)) = shows.iter().next() {
            cx.notes.numbers.push(format!(
                "`{header}`: decimal separator {sep}, as {} shows{}",
                cx.place(*at),
                if ambiguous.is_some() {
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
        } else if let Some((at, text)) = &ambiguous {
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
        };
        if let Some((c, _)) = currencies.first() {
            cx.notes.numbers.push(format!(
                "`{header}`: amounts in {c} (currency symbols dropped)"
            ));
        }
        match field {
            Field::Amount => d.amount = decimal,
            _ => {
                d.share = decimal;
                if cx.layout.share_percent_header {
                    d.share_percent = true;
                    cx.notes.numbers.push(format!(
                        "`{header}`: a percent column by its header: 60 means 60%"
                    ));
                } else if max_plain > 1.0 && max_plain <= 100.0 {
                    d.share_percent = true;
                    cx.notes.numbers.push(format!(
                        "`{header}`: read as percentages, since its values go up to {max_plain} (60 means 60%)"
                    ));
                } else {
                    cx.notes.numbers.push(format!(
                        "`{header}`: fractions (0.6 means 60%); cells ending in % are percentages"
                    ));
                }
            }
        }
    }
    d
}

/// Reads a value cell of the amount or share column.
fn reading(cx: &mut Ctx<'_>, r: &Read, row: &Row, field: Field) -> Option<Reading> {
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

/// Supply of one (supplier, buyer, item).
#[derive(Default)]
struct Agg {
    first: u64,
    rows: u64,
    amount: f64,
    amounts: u64,
    share: Option<(f64, u64)>,
    qualified: Option<(bool, u64)>,
    lead: Option<f64>,
    leads_differ: bool,
}

/// What the rows say about one (buyer, item).
#[derive(Default)]
struct Group {
    /// Supply keys (supplier) of the group.
    suppliers: Vec<usize>,
    placeholder_rows: u64,
    placeholder_amount: f64,
    placeholder_share: f64,
    has_share: bool,
    has_amount: bool,
}

#[allow(clippy::too_many_lines)]
/// The qualified amounts of one (buyer, item), its unknown suppliers' included.
fn amount_total(g: &Group, aggs: &HashMap<(usize, usize, usize), Agg>, b: usize, x: usize) -> f64 {
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
fn requirement_totals(
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
type BomLink = (u64, Option<f64>, Option<String>);

/// The BOM group cell of a row, trimmed (`None` when empty).
fn bom_group(r: &Read, row: &Row) -> Option<String> {
    let k = row.vals[value_slot(Field::BomGroup)];
    (k != NONE)
        .then(|| r.strings.get(k).trim())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn supply_bom_products(
    cx: &mut Ctx<'_>,
    r: &Read,
    entity_of: &[usize],
    item_of: &[usize],
    dec: &Decided,
    out: &mut Out,
) {
    let fin_e = |k: u32| -> Option<usize> {
        (k != NONE && k != PLACEHOLDER)
            .then(|| entity_of[k as usize])
            .filter(|&e| e != usize::MAX)
    };
    let fin_i = |k: u32| -> Option<usize> {
        (k != NONE && k != PLACEHOLDER)
            .then(|| item_of[k as usize])
            .filter(|&x| x != usize::MAX)
    };
    let mut aggs: HashMap<(usize, usize, usize), Agg> =
        HashMap::with_capacity_and_hasher(r.rows.len(), Default::default());
    let mut groups: BTreeMap<(usize, usize), Group> = BTreeMap::new();
    let mut bom: BTreeMap<(usize, usize), BomLink> = BTreeMap::new();
    // (buyer, item made) -> first row
    let mut makes: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    // (entity, item) it supplies to nobody known
    let mut sells_unknown: BTreeSet<(usize, usize)> = BTreeSet::new();
    // (buyer, item made) -> end product flag, revenue, inventory (value, row)
    let mut end_flags: BTreeMap<(usize, usize), (bool, u64)> = BTreeMap::new();
    let mut revenue: BTreeMap<(usize, usize), (f64, u64)> = BTreeMap::new();
    let mut inventory: BTreeMap<(usize, usize), (f64, u64)> = BTreeMap::new();
    let has_used_for =
        cx.layout.get(Field::UsedFor).is_some() || cx.layout.get(Field::UsedForId).is_some();
    let mut no_item_rows = 0u64;
    let mut no_buyer_rows = 0u64;
    for row in &r.rows {
        let s = fin_e(row.supplier);
        let b = fin_e(row.buyer);
        let x = fin_i(row.item);
        let y = fin_i(row.used_for);
        if let (Some(b), Some(y)) = (b, y) {
            makes.entry((b, y)).or_insert(row.line);
            let mut keep = |map: &mut BTreeMap<(usize, usize), (f64, u64)>, field: Field| {
                let sym = row.vals[value_slot(field)];
                if sym == NONE {
                    return;
                }
                let Some(v) = days(
                    cx,
                    r.strings.get(sym),
                    At {
                        row: row.line,
                        col: cx.layout.get(field).unwrap_or(0),
                    },
                ) else {
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
            };
            keep(&mut revenue, Field::AnnualRevenue);
            keep(&mut inventory, Field::InventoryDays);
            let flag = row.vals[value_slot(Field::EndProduct)];
            if flag != NONE {
                let at = At {
                    row: row.line,
                    col: cx.layout.get(Field::EndProduct).unwrap_or(0),
                };
                if let Some(v) = yes_no(cx, r.strings.get(flag), at) {
                    match end_flags.get(&(b, y)) {
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
                            end_flags.insert((b, y), (v, row.line));
                        }
                    }
                }
            }
        } else if row.vals[value_slot(Field::EndProduct)] != NONE
            && r.strings
                .get(row.vals[value_slot(Field::EndProduct)])
                .trim()
                .to_lowercase()
                .starts_with('y')
        {
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
            let q = row.vals[value_slot(Field::BomQuantity)];
            let qty = (q != NONE)
                .then(|| {
                    days(
                        cx,
                        r.strings.get(q),
                        At {
                            row: row.line,
                            col: cx.layout.get(Field::BomQuantity).unwrap_or(0),
                        },
                    )
                })
                .flatten()
                .filter(|v| {
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
            } else {
                let group = bom_group(r, row);
                match bom.get_mut(&(y, x)) {
                    Some((line, old, old_group)) => {
                        if let (Some(a), Some(b)) = (old_group.as_deref(), group.as_deref())
                            && a != b
                        {
                            cx.diags.error(
                                "conflicting-values",
                                cx.place_of(row.line, Field::BomGroup),
                                format!(
                                    "BOM group is `{b}` here but `{a}` on row {line} (expected one)"
                                ),
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
                                format!(
                                    "BOM quantity is {b} here but {a} on row {line} (expected one)"
                                ),
                            );
                        }
                        if old.is_none() {
                            *old = qty;
                        }
                    }
                    None => {
                        bom.insert((y, x), (row.line, qty, group));
                    }
                }
            }
        }
        let Some(b) = b else {
            no_buyer_rows += 1;
            if let Some(s) = s {
                sells_unknown.insert((s, x));
            }
            continue;
        };
        let amount = reading(cx, r, row, Field::Amount).and_then(|v| {
            v.value_with(dec.amount)
                .or_else(|| v.value_with(Some(Decimal::Dot)))
        });
        let share = reading(cx, r, row, Field::Share).and_then(|v| {
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
        });
        let qualified = {
            let q = row.vals[value_slot(Field::Qualified)];
            if q == NONE {
                true
            } else {
                let at = At {
                    row: row.line,
                    col: cx.layout.get(Field::Qualified).unwrap_or(0),
                };
                yes_no(cx, r.strings.get(q), at).unwrap_or(true)
            }
        };
        let lead = {
            let l = row.vals[value_slot(Field::LeadTimeDays)];
            (l != NONE)
                .then(|| {
                    days(
                        cx,
                        r.strings.get(l),
                        At {
                            row: row.line,
                            col: cx.layout.get(Field::LeadTimeDays).unwrap_or(0),
                        },
                    )
                })
                .flatten()
        };
        let g = groups.entry((b, x)).or_default();
        g.has_share |= share.is_some();
        g.has_amount |= amount.is_some();
        match s {
            None => {
                if qualified {
                    g.placeholder_rows += 1;
                    g.placeholder_amount += amount.unwrap_or(0.0);
                    g.placeholder_share += share.unwrap_or(0.0);
                }
            }
            Some(s) => {
                let a = aggs.entry((s, b, x)).or_insert_with(|| Agg {
                    first: row.line,
                    ..Agg::default()
                });
                if a.rows == 0 {
                    g.suppliers.push(s);
                }
                a.rows += 1;
                if let Some(v) = amount {
                    a.amount += v;
                    a.amounts += 1;
                }
                if let Some(v) = share {
                    match a.share {
                        Some((old, line)) if (old - v).abs() > crate::analysis::HAIR => cx.diags.error(
                            "conflicting-values",
                            cx.place_of(row.line, Field::Share),
                            format!(
                                "the share of {} in {} at {} is {v} here but {old} on row {line} (expected one share per supplier, buyer and item)",
                                out.entities[s].name, out.items[x].name, out.entities[b].name
                            ),
                        ),
                        Some(_) => {}
                        None => a.share = Some((v, row.line)),
                    }
                }
                match a.qualified {
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
                    None => a.qualified = Some((qualified, row.line)),
                }
                if let Some(l) = lead {
                    match a.lead {
                        Some(old) if old != l => {
                            a.leads_differ = true;
                            a.lead = Some(old.max(l));
                        }
                        Some(_) => {}
                        None => a.lead = Some(l),
                    }
                }
            }
        }
    }
    cx.notes.rows_without_item = no_item_rows;
    cx.notes.rows_without_buyer = no_buyer_rows;
    cx.notes.supply_rows_read = aggs.values().map(|a| a.rows).sum();

    let req_totals = requirement_totals(&groups, &aggs, &bom, &makes);
    // Shares per (buyer, item).
    for ((b, x), g) in &groups {
        let mut known: Vec<((usize, usize, usize), &Agg)> = g
            .suppliers
            .iter()
            .map(|&s| ((s, *b, *x), &aggs[&(s, *b, *x)]))
            .collect();
        known.sort_by_key(|(_, a)| a.first);
        let qualified_rows: Vec<&((usize, usize, usize), &Agg)> = known
            .iter()
            .filter(|(_, a)| a.qualified.is_none_or(|(q, _)| q))
            .collect();
        let label = || format!("{} at {}", out.items[*x].name, out.entities[*b].name);
        let mut shares: HashMap<usize, Option<f64>> = HashMap::default();
        if g.has_share {
            let given: f64 = qualified_rows
                .iter()
                .filter_map(|(_, a)| a.share.map(|(v, _)| v))
                .sum::<f64>()
                + g.placeholder_share;
            let blanks = qualified_rows
                .iter()
                .filter(|(_, a)| a.share.is_none())
                .count();
            if given > 1.0 + crate::graph::shares::SUM_TOLERANCE {
                cx.diags.error(
                    "share-sum",
                    cx.place_of(known.first().map_or(0, |(_, a)| a.first), Field::Share),
                    format!(
                        "the shares of {} sum to {} (expected at most 1, or 100%), on rows {}",
                        label(),
                        crate::analysis::round(given),
                        rows_list(known.iter().map(|(_, a)| a.first))
                    ),
                );
            } else if blanks > 0 && given >= 1.0 - crate::graph::shares::SUM_TOLERANCE {
                cx.diags.error(
                    "share-sum",
                    cx.place_of(known.first().map_or(0, |(_, a)| a.first), Field::Share),
                    format!(
                        "the shares given for {} already sum to 1, but {blanks} row(s) have no share (expected the rest below 1, or shares on every row)",
                        label()
                    ),
                );
            }
            for (k, a) in &known {
                shares.insert(k.0, a.share.map(|(v, _)| v));
            }
            if blanks > 0 {
                cx.notes.groups_estimated += 1;
            } else {
                cx.notes.groups_from_shares += 1;
            }
            if g.placeholder_rows > 0 {
                cx.notes.groups_with_placeholder += 1;
            }
        } else if g.has_amount {
            let total = req_totals
                .get(&(*b, *x))
                .copied()
                .unwrap_or_else(|| amount_total(g, &aggs, *b, *x));
            let blanks = qualified_rows
                .iter()
                .filter(|(_, a)| a.amounts == 0)
                .count();
            for (k, a) in &known {
                let q = a.qualified.is_none_or(|(q, _)| q);
                let share = if !q || a.amounts == 0 || total <= 0.0 {
                    None
                } else if a.amount <= 0.0 {
                    cx.notes.zero_amounts.push(format!(
                        "{} to {}: the amounts sum to 0 (row {}): not written as a supply row",
                        out.entities[k.0].name,
                        label(),
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
            if g.placeholder_rows > 0 {
                cx.notes.groups_with_placeholder += 1;
            }
        } else if g.placeholder_rows > 0 && !qualified_rows.is_empty() {
            // The unknown supplier keeps its part unmapped: an equal split written out, since
            // empty cells would split everything among the known suppliers.
            let n = qualified_rows.len() as f64 + 1.0;
            for (k, a) in &known {
                let q = a.qualified.is_none_or(|(q, _)| q);
                shares.insert(k.0, q.then_some(1.0 / n));
            }
            cx.notes.written_equal_splits.push(format!(
                "{}: {} known supplier(s) and an unknown one (row {}): each given 1/{} (an estimate written as a number, so that the unknown part stays unmapped)",
                label(),
                qualified_rows.len(),
                rows_list(known.iter().map(|(_, a)| a.first)),
                n
            ));
            cx.notes.groups_with_placeholder += 1;
        } else {
            for (k, _) in &known {
                shares.insert(k.0, None);
            }
            if qualified_rows.len() > 1 {
                cx.notes.groups_estimated += 1;
            } else {
                cx.notes.groups_single += 1;
            }
        }
        for (k, a) in &known {
            let share = shares.get(&k.0).copied().flatten();
            if share == Some(0.0) {
                continue;
            }
            if a.leads_differ {
                cx.notes.lead_times.push(format!(
                    "{} to {}: lead times differ between rows; the longest, {} days, was kept",
                    out.entities[k.0].name,
                    label(),
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
                qualified: a.qualified.is_none_or(|(q, _)| q),
                lead_time_days: a.lead,
            });
        }
    }

    // BOM without a used-for column: what a buyer buys goes into what it sells, or into its
    // output.
    if !has_used_for {
        infer_bom(cx, &aggs, &sells_unknown, &mut bom, &mut makes, out);
    }
    cx.notes.bom_inferred = !has_used_for;
    for ((y, x), (_, qty, group)) in &bom {
        out.bom.push((*y, *x, *qty, group.clone()));
    }
    bom_cycles(cx, &bom, out);

    // End products.
    let sold: HashSet<(usize, usize)> = out
        .supply
        .iter()
        .map(|s| (s.supplier, s.item))
        .chain(sells_unknown.iter().copied())
        .collect();
    let chosen: Vec<(usize, usize)> = if !cx.settings.products.is_empty() {
        cx.notes.products_rule = "named with --products".into();
        let specs = cx.settings.products.clone();
        specs
            .iter()
            .flat_map(|spec| product_spec(cx, spec, &makes, out))
            .collect()
    } else if cx.layout.get(Field::EndProduct).is_some() {
        cx.notes.products_rule = format!(
            "the rows whose `{}` is yes",
            cx.header_of(Field::EndProduct)
        );
        end_flags
            .iter()
            .filter(|(_, (v, _))| *v)
            .map(|(k, _)| *k)
            .collect()
    } else {
        cx.notes.products_rule =
            "what the buyers make (`used for`) that nobody in the table buys from them".into();
        makes
            .keys()
            .filter(|k| !sold.contains(k))
            .copied()
            .collect()
    };
    let mut chosen = chosen;
    chosen.sort();
    chosen.dedup();
    for (e, x) in chosen {
        out.products.push(OutProduct {
            entity: e,
            item: x,
            annual_revenue: revenue.get(&(e, x)).map(|(v, _)| *v),
            inventory_days: inventory.get(&(e, x)).map(|(v, _)| *v),
        });
    }
    for (k, (_, line)) in revenue.iter().chain(inventory.iter()) {
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

/// With no used-for column: each buyer's purchases go into every item it sells in the table
/// (an item it buys and sells unchanged is left alone), or, if it sells none, into an item of
/// its own, "Output of BUYER".
fn infer_bom(
    cx: &mut Ctx<'_>,
    aggs: &HashMap<(usize, usize, usize), Agg>,
    sells_unknown: &BTreeSet<(usize, usize)>,
    bom: &mut BTreeMap<(usize, usize), BomLink>,
    makes: &mut BTreeMap<(usize, usize), u64>,
    out: &mut Out,
) {
    let mut buys: BTreeMap<usize, BTreeMap<usize, u64>> = BTreeMap::new();
    let mut sells: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for ((s, b, x), a) in aggs {
        let line = buys.entry(*b).or_default().entry(*x).or_insert(a.first);
        *line = (*line).min(a.first);
        sells.entry(*s).or_default().insert(*x);
    }
    for (s, x) in sells_unknown {
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
