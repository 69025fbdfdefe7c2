//! Asymmetric dependency between countries.
//!
//! D(A, B) = mean over A's end products of 1 − cap(P | B fails), weighted by `annual_revenue`
//! when every one of A's products has one (unweighted otherwise). A country with no end
//! products in the data depends on nobody: D(B, ·) = 0. The pair is flagged when B is
//! untrusted, D(A, B) ≥ `asymmetry_min` (0.5) and D(A, B) − D(B, A) ≥ `asymmetry_gap` (0.25):
//! A needs B much more than B needs A, which is what makes the dependency usable as leverage
//! (after the European Commission's "Strategic dependencies and capacities", SWD(2021) 352).
//! Severity `high`; `critical` when D(A, B) = 1 (every product of A stops).
//!
//! O(C² · P) for C countries and P products, on the country dependency matrix.

use super::findings::{AsymmetryDetails, Details, Finding, Findings, Kind, Metric, Severity};
use super::groups::Level;
use super::{Asymmetry, CountryDependency, Ctx, EPS, round};
use crate::model::Trust;

/// Products in scope of each country: (position in scope, annual revenue).
type OfCountry = Vec<Vec<(usize, Option<f64>)>>;

pub fn run(ctx: &Ctx<'_>, dep: &CountryDependency, out: &mut Findings) -> Asymmetry {
    let ds = ctx.ds;
    let c = ds.countries.len();
    // Products of each country, with weights.
    let mut of_country: OfCountry = vec![Vec::new(); c];
    for (k, &(p, _)) in ctx.products.iter().enumerate() {
        let prod = &ds.products[p];
        of_country[ds.entity(prod.entity).country.ix()].push((k, prod.annual_revenue));
    }
    let d = matrix(c, dep, &of_country);
    if ctx.wants(Level::Country) {
        flag(ctx, dep, &of_country, &d, out);
    }
    Asymmetry {
        countries: ds.countries.iter().map(|c| c.code.clone()).collect(),
        d,
    }
}

/// D(A, B) for every pair of the `c` countries (`None` on the diagonal).
// A country-by-country matrix reads best with indices.
#[allow(clippy::needless_range_loop)]
fn matrix(c: usize, dep: &CountryDependency, of_country: &OfCountry) -> Vec<Vec<Option<f64>>> {
    let mut d = vec![vec![None; c]; c];
    for a in 0..c {
        let prods = &of_country[a];
        let weighted = !prods.is_empty() && prods.iter().all(|(_, r)| r.is_some_and(|r| r > 0.0));
        let total: f64 = if weighted {
            prods.iter().map(|(_, r)| r.unwrap_or(0.0)).sum()
        } else {
            prods.len() as f64
        };
        for b in 0..c {
            if a == b {
                continue;
            }
            let value = if prods.is_empty() {
                0.0
            } else {
                prods
                    .iter()
                    .map(|&(k, r)| {
                        let w = if weighted { r.unwrap_or(0.0) } else { 1.0 };
                        w * dep.values[k][b].unwrap_or(0.0)
                    })
                    .sum::<f64>()
                    / total
            };
            d[a][b] = Some(round(value));
        }
    }
    d
}

/// Emits a finding for every flagged pair.
// A country-by-country matrix reads best with indices.
#[allow(clippy::needless_range_loop)]
fn flag(
    ctx: &Ctx<'_>,
    dep: &CountryDependency,
    of_country: &OfCountry,
    d: &[Vec<Option<f64>>],
    out: &mut Findings,
) {
    let ds = ctx.ds;
    let c = ds.countries.len();
    for a in 0..c {
        if of_country[a].is_empty() {
            continue;
        }
        for b in 0..c {
            let (Some(ab), Some(ba)) = (d[a][b], d[b][a]) else {
                continue;
            };
            if ds.countries[b].trust != Trust::Untrusted
                || ab < ctx.settings.asymmetry_min - EPS
                || ab - ba < ctx.settings.asymmetry_gap - EPS
            {
                continue;
            }
            // Revenue at risk: each of A's products with a revenue, times what B's failure
            // takes from it; none when no product of A has a revenue.
            let revenue = of_country[a]
                .iter()
                .filter_map(|&(k, r)| Some(r? * dep.values[k][b].unwrap_or(0.0)))
                .fold(None, |sum: Option<f64>, x| Some(sum.unwrap_or(0.0) + x))
                .map(round);
            out.push(Box::new(finding(ctx, a, b, ab, ba, revenue)));
        }
    }
}

/// The finding that country `a` depends on untrusted country `b`.
fn finding(ctx: &Ctx<'_>, a: usize, b: usize, ab: f64, ba: f64, revenue: Option<f64>) -> Finding {
    let ds = ctx.ds;
    let (ca, cb) = (&ds.countries[a], &ds.countries[b]);
    let name = |x: &crate::model::Country| x.name.clone().unwrap_or(x.code.clone());
    let subject = cb.code.clone();
    let details = Details::Asymmetry(Box::new(AsymmetryDetails {
        dependent: ca.code.clone(),
        gap: round(ab - ba),
        reverse_dependency: ba,
    }));
    Finding {
        id: Finding::make_composite_id(
            Kind::AsymmetricDependency,
            Some(Level::Country),
            &super::findings::composite_subject(&[&ca.code, &cb.code]),
            None,
        ),
        kind: Kind::AsymmetricDependency,
        severity: if ab >= 1.0 - EPS {
            Severity::Critical
        } else {
            Severity::High
        },
        level: Some(Level::Country),
        message: format!(
            "{}'s end products lose {} of their capacity if {} fails; {}'s lose {} if {} fails",
            name(ca),
            crate::numbers::pct(ab),
            name(cb),
            name(cb),
            crate::numbers::pct(ba),
            name(ca)
        )
        .into(),
        subject: subject.into(),
        subject_name: name(cb).into(),
        product: None,
        metric: Metric {
            name: arcstr::literal!("dependency"),
            value: ab,
        },
        evidence: Box::default(),
        details,
        estimated_shares: false,
        in_house: false,
        root_cause: None,
        revenue_at_risk: revenue,
    }
}
