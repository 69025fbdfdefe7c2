//! The countries, entities and items tables: every text met resolved to one row, ids kept,
//! names linked or slugged, near-duplicate names listed (and merged with `--merge-similar`).

use super::{Ctx, Out, OutCountry, OutEntity, OutItem, days, single, yes_no};
use crate::import::country::{self, Resolved};
use crate::import::extras::Extras;
use crate::import::names::{self, Likeness};
use crate::import::read::{At, Key, RawEntity, RawItem, Read, Sym};
use crate::model::Trust;
use foldhash::{HashMap, HashSet, HashSetExt};
use std::collections::BTreeSet;

/// What an entity's country text resolved to.
pub(super) type CountryOf = HashMap<Sym, Option<String>>;

/// Resolves every country text met, and starts `countries.csv` with the extra countries table.
pub(super) fn countries(cx: &mut Ctx<'_>, r: &Read, extras: &Extras, out: &mut Out) -> CountryOf {
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
        let code = resolve_country(cx, text, at, extras);
        if let Some((code, name)) = &code {
            cx.notes
                .countries_met
                .push(crate::import::report::CountryMet {
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

/// The (code, name) of a country text: of the extra countries table, `??`, or an ISO
/// country; an unknown or ambiguous one is an error.
fn resolve_country(
    cx: &mut Ctx<'_>,
    text: &str,
    at: At,
    extras: &Extras,
) -> Option<(String, String)> {
    let extra = extras
        .countries
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(text) || c.name.eq_ignore_ascii_case(text));
    if let Some(c) = extra {
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
    }
}

/// Gives every raw entity its final entity: ids from the id column are kept; names are
/// linked to an entity of the id column with that name, else slugged; near-duplicate names
/// are listed, and merged with `--merge-similar`.
pub(super) fn entities(
    cx: &mut Ctx<'_>,
    r: &Read,
    countries: &CountryOf,
    out: &mut Out,
) -> Vec<usize> {
    let mut final_of = vec![usize::MAX; r.entities.len()];
    let mut taken: HashSet<String> = HashSet::new();
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::default();
    // Entities of the id column first.
    for (k, e) in r.entities.iter().enumerate() {
        let Key::Id(id) = e.key else { continue };
        let id = r.strings.get(id).to_string();
        let name = single(cx, r, &e.names, &id, "name")
            .map(|s| r.strings.get(s).to_string())
            .unwrap_or_else(|| id.clone());
        let country = entity_country(cx, e, &id, countries);
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
    let merged_into = similar_entities(cx, r, countries, &new_names, &name_texts);
    // Slugs for the names, in the order first met.
    for &k in &new_names {
        if merged_into.contains_key(&k) {
            continue;
        }
        let e = &r.entities[k];
        let Key::Name(n) = e.key else { continue };
        let name = r.strings.get(n).to_string();
        let id = names::unique_slugs(std::iter::once(name.as_str()), &mut taken).remove(0);
        let country = entity_country(cx, e, &name, countries);
        final_of[k] = out.entities.len();
        out.entities.push(entity_row(cx, r, e, id, name, country));
        cx.notes.entities_by_name += 1;
    }
    for (k, into) in merged_into {
        final_of[k] = final_of[into];
    }
    final_of
}

/// The country an entity's cells resolved to; two different ones are an error.
fn entity_country(cx: &mut Ctx<'_>, e: &RawEntity, label: &str, countries: &CountryOf) -> String {
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
}

/// Lists the near-duplicates among the names that make new entities (`new_names`, spelt
/// `name_texts`); returns, with `--merge-similar`, the entity each merged one goes into (not
/// across countries).
fn similar_entities(
    cx: &mut Ctx<'_>,
    r: &Read,
    countries: &CountryOf,
    new_names: &[usize],
    name_texts: &[&str],
) -> HashMap<usize, usize> {
    let mut merged_into: HashMap<usize, usize> = HashMap::default();
    for g in &names::near_duplicates(name_texts) {
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
            .push(similar(g, name_texts, why_not, |i| {
                let e = &r.entities[new_names[i]];
                (e.rows.clone(), e.count)
            }));
        if merge {
            for &k in &members[1..] {
                merged_into.insert(k, members[0]);
            }
        }
    }
    merged_into
}

/// The distinct country codes an entity's country cells resolved to, with the first cell of
/// each.
fn entity_codes(e: &RawEntity, countries: &CountryOf) -> Vec<(String, At)> {
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
) -> crate::import::report::Similar {
    crate::import::report::Similar {
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

fn entity_row(
    cx: &mut Ctx<'_>,
    r: &Read,
    e: &RawEntity,
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

/// Items: ids from the id column kept, names slugged (with near-duplicates listed, and
/// merged with `--merge-similar`).
pub(super) fn items(cx: &mut Ctx<'_>, r: &Read, out: &mut Out) -> Vec<usize> {
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

fn item_row(cx: &mut Ctx<'_>, r: &Read, it: &RawItem, id: String, name: String) -> OutItem {
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
