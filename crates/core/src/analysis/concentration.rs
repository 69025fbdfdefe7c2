//! Concentration of every (buyer, requirement): Herfindahl-Hirschman index by supplier and by
//! supplier country, with the untrusted share.
//!
//! HHI = Σ w² over the rescaled shares w of today's (qualified) supply; 1 is a sole source,
//! 1/k is k equal suppliers. A requirement is one input, or a group of substitutes (any of
//! them will do): then its supply is every row of every substitute, and a supplier of two of
//! them is one supplier, its weights summed before squaring. Grouping suppliers by country can only raise it. An input is
//! *concentrated* when the country HHI is above the threshold (default 0.4, the level the
//! CEPII and the European Commission use to flag dependencies: European Commission,
//! "Strategic dependencies and capacities", SWD(2021) 352). Severity: `high` when untrusted
//! suppliers hold half or more, `medium` when they hold some, `low` otherwise.
//!
//! **HHI_WGI.** Where every supplier country of the input has a `governance` score (0 to 100,
//! higher is better governed: e.g. the World Bank's Worldwide Governance Indicators as a
//! percentile rank), the row and the finding also carry the country HHI weighted by
//! governance, as the European Commission's critical-raw-materials supply risk does:
//! HHI_WGI = Σ over countries c of s_c² × WGI_c, with WGI_c = (100 − governance_c) / 10 on the
//! EU's scale of 0 (best governed) to 10 (worst). A sole source in a country scored 30 gives
//! 7.0; in one scored 90, 1.0. (European Commission, "Methodology for establishing the EU list
//! of critical raw materials", 2017, doi:10.2873/769526; Blengini et al., "Assessment of the
//! methodology for establishing the EU list of critical raw materials", JRC, EUR 28654 EN,
//! 2017, doi:10.2760/73303.) A governance cell that is not a number from 0 to 100 is text
//! for people, and the input has no HHI_WGI.
//!
//! O(S log S) for S supply rows; the (buyer, input) groups run in parallel.

use super::findings::{ConcentrationDetails, Details, Finding, Findings, Kind, Metric, Severity};
use super::message::{self, Message};
use super::{ConcentrationRow, Ctx, EPS, round};
use crate::graph::requirements::ReqIx;
use crate::graph::shares;
use crate::model::{CountryIx, EntityIx};
use foldhash::HashMap;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn run(ctx: &Ctx<'_>, out: &mut Findings) -> Vec<ConcentrationRow> {
    let risk = governance_risk(ctx.ds);
    let groups = &ctx.g.supply_groups;
    // Groups are independent: computed in parallel, a slice of groups at a time, and added in
    // group order to vectors sized once (a group has at most one row). Collected whole, rayon
    // held every row twice while joining its pieces: 90 MiB over what is kept at 1M rows, the
    // peak of the whole analysis.
    let mut rows = Vec::with_capacity(groups.len());
    for from in (0..groups.len()).step_by(CHUNK) {
        // Boxed on the worker too: a box each, millions at scale.
        let made: Vec<(ConcentrationRow, Option<Box<Finding>>)> =
            (from..groups.len().min(from + CHUNK))
                .into_par_iter()
                .filter_map(|k| {
                    let ((buyer, req), members) = groups.get(k);
                    let (row, f) = one_input(ctx, &risk, buyer, req, members)?;
                    Some((row, f.map(Box::new)))
                })
                .collect();
        for (row, f) in made {
            rows.push(row);
            out.extend(f);
        }
    }
    rows
}

/// Groups computed in parallel at a time: enough to keep every core busy, few enough that
/// their rows and findings, held once more while they are added, are a small part of the
/// whole.
const CHUNK: usize = 8192;

/// Each supplier's weight in one requirement, in the order of its first row. A supplier of
/// several substitutes of the requirement is one supplier: its rows' weights add up.
fn by_supplier(
    ctx: &Ctx<'_>,
    req: ReqIx,
    members: &[u32],
    weights: &[f64],
) -> Vec<(EntityIx, f64)> {
    let ds = ctx.ds;
    let rows = members.iter().zip(weights);
    if !ctx.g.reqs.is_group(req) {
        // One item: a supplier has one row (supply rows are unique by supplier, buyer, item).
        return rows
            .map(|(&i, &w)| (ds.supply[i as usize].supplier, w))
            .collect();
    }
    let mut out: Vec<(EntityIx, f64)> = Vec::new();
    let mut at: HashMap<EntityIx, usize> = HashMap::default();
    for (&i, &w) in rows {
        let s = ds.supply[i as usize].supplier;
        match at.get(&s) {
            Some(&k) => out[k].1 += w,
            None => {
                at.insert(s, out.len());
                out.push((s, w));
            }
        }
    }
    out
}

/// Each country's governance risk on the EU's WGI scale, 0 (best) to 10 (worst), from its
/// `governance` score 0..=100; `None` where the cell is absent or not such a number.
pub fn governance_risk(ds: &crate::model::Dataset) -> Vec<Option<f64>> {
    ds.countries
        .iter()
        .map(|c| {
            let score: f64 = c.governance.as_deref()?.trim().parse().ok()?;
            (0.0..=100.0)
                .contains(&score)
                .then(|| (100.0 - score) / 10.0)
        })
        .collect()
}

/// The concentration row of one (buyer, requirement), and its finding if it is concentrated.
fn one_input(
    ctx: &Ctx<'_>,
    risk: &[Option<f64>],
    buyer: EntityIx,
    req: ReqIx,
    members: &[u32],
) -> Option<(ConcentrationRow, Option<Finding>)> {
    let ds = ctx.ds;
    let untrusted = &ctx.g.parties.untrusted;
    let given = shares::given(ds, members);
    let Ok(alloc) = shares::allocate(&given) else {
        return None;
    };
    let suppliers = by_supplier(ctx, req, members, &alloc.weights);
    // By code, so sums and ties go in the order of the codes.
    let mut by_country: BTreeMap<&str, (CountryIx, f64)> = BTreeMap::new();
    let mut supplier_hhi = 0.0;
    let mut untrusted_share = 0.0;
    for &(s, w) in &suppliers {
        supplier_hhi += w * w;
        let c = ds.entity(s).country;
        by_country.entry(&ds.country(c).code).or_insert((c, 0.0)).1 += w;
        if untrusted[s.ix()] {
            untrusted_share += w;
        }
    }
    let country_hhi: f64 = by_country.values().map(|(_, w)| w * w).sum();
    // Every country with a share must have a score, or the weighted index would read low.
    let hhi_wgi: Option<f64> = by_country
        .values()
        .filter(|(_, w)| *w > 0.0)
        .map(|&(c, w)| Some(w * w * risk[c.ix()]?))
        .sum();
    let (top_country, top_share) = by_country
        .iter()
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1).then(b.0.cmp(a.0)))
        .map(|(_, &(c, w))| (ctx.country_code(c), w))
        .unwrap_or_default();
    let row = ConcentrationRow {
        spread: Arc::new(ConcentrationDetails {
            buyer: ctx.entity_id(buyer),
            hhi_wgi: hhi_wgi.map(round),
            item: ctx.req_id(req),
            substitutes: ctx.substitutes(req).into(),
            supplier_hhi: round(supplier_hhi),
            suppliers: suppliers.len(),
            top_country,
            top_country_share: round(top_share),
            untrusted_share: round(untrusted_share),
        }),
        country_hhi: round(country_hhi),
    };
    let finding = (country_hhi > ctx.settings.hhi_threshold + EPS)
        .then(|| finding(ctx, buyer, req, &row, untrusted_share));
    Some((row, finding))
}

/// The finding of a concentrated (buyer, requirement).
fn finding(
    ctx: &Ctx<'_>,
    buyer: EntityIx,
    req: ReqIx,
    row: &ConcentrationRow,
    untrusted_share: f64,
) -> Finding {
    let ds = ctx.ds;
    let severity = if untrusted_share >= 0.5 - EPS {
        Severity::High
    } else if untrusted_share > EPS {
        Severity::Medium
    } else {
        Severity::Low
    };
    let subject = super::findings::composite_subject(&[&row.buyer, &row.item]);
    let details = Details::Concentration(Arc::clone(&row.spread));
    let item_name = ctx.req_name(req);
    Finding {
        id: Finding::make_composite_id(Kind::Concentration, None, &subject, None),
        kind: Kind::Concentration,
        severity,
        level: None,
        message: Message::concentration(message::Concentration {
            buyer: ctx.entity_name(buyer),
            item: item_name.clone(),
            spread: Arc::clone(&row.spread),
            country_hhi: row.country_hhi,
        }),
        subject,
        subject_name: format!("{} / {}", ds.entity(buyer).name, item_name).into(),
        product: None,
        metric: Metric {
            name: arcstr::literal!("country_hhi"),
            value: row.country_hhi,
        },
        evidence: Box::default(),
        details,
        estimated_shares: false,
        in_house: false,
        root_cause: None,
        revenue_at_risk: None,
    }
}
