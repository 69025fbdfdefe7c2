//! Severity rules: one table, in one place, so that a finding's severity follows its
//! consequences and an analyst can say why each finding has the severity it has.
//!
//! A finding's severity is decided in three steps:
//!
//! 1. **By kind** (what the analysis that made it knows):
//!
//!    | kind | severity |
//!    |---|---|
//!    | `spof` | `critical` when the failing group is untrusted and the product's maker is not; `high` otherwise |
//!    | `capacity_at_risk` | `high` at or below 25 % of capacity left; `medium` otherwise |
//!    | `untrusted_exposure` | bands: `critical` from 90 %, `high` from 50 %, `medium` from 20 %, `low` below ([`SeverityRules::exposure_critical`] ...) |
//!    | `restricted_party` | `critical` when it alone stops the product; `high` otherwise |
//!    | `concentration` | `high` when untrusted suppliers hold half or more; `medium` when they hold some; `low` otherwise |
//!    | `asymmetric_dependency` | `critical` when every product of the dependent country stops; `high` otherwise |
//!    | `visibility_gap` | `medium` when an input is wholly unmapped; `low` when inputs are only partly mapped |
//!    | `time_exposure` | `high` when the failure takes half the capacity or more; `medium` from a fifth; `low` below |
//!    | `common_cause` | as `spof` when the shared sub-tier entity stops the product; as `capacity_at_risk` when it leaves at most 1 − the capacity threshold; `low` otherwise |
//!
//! 2. **Revenue at risk** raises it, never lowers it: at least `medium` from
//!    [`SeverityRules::revenue_medium`] (default 100 million), `high` from
//!    [`SeverityRules::revenue_high`] (1 billion), `critical` from
//!    [`SeverityRules::revenue_critical`] (10 billion), in the report's currency.
//!
//! 3. **A critical item** (`items.critical`) raises it by [`SeverityRules::critical_item`]
//!    levels (default one), up to [`SeverityRules::critical_item_max`] (default `medium`): a
//!    finding about a product whose item is critical, or a concentration whose input (any of
//!    its substitutes) is critical. With the defaults, no finding on a critical item is
//!    `low`: none is dismissed. The ceiling keeps `high` and `critical` for consequences
//!    (what stops, what it costs): an item's importance does not make a loss larger, and
//!    the bundled datasets mark most of their items critical (an essential medicine, a chip
//!    in a car), where a raise to `high` made 530 of 675 findings `high` and the word meant
//!    nothing. Set `critical_item_max = "high"` (or `"critical"`) for a stronger rule.
//!
//! Finally, for a product whose own maker is untrusted, its untrusted exposure stays at most
//! `medium` whatever the raises: dependence on untrusted hands is the expected state there,
//! not news, and money does not make it news.
//!
//! **Revenue at risk** ([`revenue_at_risk`]) of a finding about one product is the product's
//! annual revenue times the capacity the failure removes, (1 − capacity kept): all of it for a
//! single point of failure, `exposure` × revenue for untrusted exposure. For a time exposure
//! it is the revenue lost over the days the stock does not cover (its metric). For an
//! asymmetric dependency it is the sum of that over the dependent country's products that
//! have a revenue. A concentration or a visibility gap removes no known capacity: none. It is
//! absent wherever the revenue is not given.
//!
//! Why these defaults: the bands below 90 % and every rule of step 1 are the ones tierscope
//! always used, so reports without revenue keep their severities except at the top of the
//! exposure scale, where 97 % and 100 % both leave a product unable to meet its demand and are
//! now the same band. The revenue thresholds are decades (100M, 1B, 10B) so that each step is
//! ten times the consequence; they are absolute, in the report currency, because a board reads
//! money, not fractions. A firm should set them to its own materiality (`[severity]` in
//! `tierscope.toml`).

use super::findings::{Details, Finding, Findings, Kind, ProductRef, Severity};
use super::{Ctx, EPS, round};
use foldhash::HashMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The configurable part of the severity table (`[severity]` in `tierscope.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeverityRules {
    /// Revenue at risk at or above which a finding is at least `medium` (report currency).
    pub revenue_medium: f64,
    /// ... at least `high`.
    pub revenue_high: f64,
    /// ... `critical`.
    pub revenue_critical: f64,
    /// Untrusted exposure at or above which it is `critical` (a fraction).
    pub exposure_critical: f64,
    /// ... `high`.
    pub exposure_high: f64,
    /// ... `medium` (below: `low`).
    pub exposure_medium: f64,
    /// Levels a critical item raises a finding by (0 to 3) ...
    pub critical_item: u8,
    /// ... up to this severity at most (a finding already above it keeps its own).
    pub critical_item_max: Severity,
}

impl Default for SeverityRules {
    fn default() -> Self {
        SeverityRules {
            revenue_medium: 1e8,
            revenue_high: 1e9,
            revenue_critical: 1e10,
            exposure_critical: 0.9,
            exposure_high: 0.5,
            exposure_medium: 0.2,
            critical_item: 1,
            critical_item_max: Severity::Medium,
        }
    }
}

impl SeverityRules {
    pub fn is_default(&self) -> bool {
        *self == SeverityRules::default()
    }

    /// Every problem with the rules, each naming its key (`revenue_high`) and what was
    /// expected; empty when they are valid.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let revenue = [
            ("revenue_medium", self.revenue_medium),
            ("revenue_high", self.revenue_high),
            ("revenue_critical", self.revenue_critical),
        ];
        for (key, v) in revenue {
            if !(v.is_finite() && v >= 0.0) {
                out.push(format!(
                    "{key} is {v} (expected an amount of money, 0 or more)"
                ));
            }
        }
        let exposure = [
            ("exposure_medium", self.exposure_medium),
            ("exposure_high", self.exposure_high),
            ("exposure_critical", self.exposure_critical),
        ];
        for (key, v) in exposure {
            if !(v > 0.0 && v <= 1.0) {
                out.push(format!(
                    "{key} is {v} (expected a fraction above 0 and at most 1)"
                ));
            }
        }
        for steps in [revenue, exposure] {
            for w in steps.windows(2) {
                if w[0].1 > w[1].1 {
                    out.push(format!(
                        "{} ({}) is above {} ({}) (expected medium <= high <= critical)",
                        w[0].0, w[0].1, w[1].0, w[1].1
                    ));
                }
            }
        }
        if self.critical_item > 3 {
            out.push(format!(
                "critical_item is {} (expected 0 to 3 levels)",
                self.critical_item
            ));
        }
        out
    }

    /// The severity of an untrusted exposure, by band.
    pub fn exposure(&self, exposure: f64) -> Severity {
        if exposure >= self.exposure_critical - EPS {
            Severity::Critical
        } else if exposure >= self.exposure_high - EPS {
            Severity::High
        } else if exposure >= self.exposure_medium - EPS {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// The least severity a revenue at risk calls for.
    pub fn revenue_floor(&self, revenue: f64) -> Severity {
        if revenue >= self.revenue_critical {
            Severity::Critical
        } else if revenue >= self.revenue_high {
            Severity::High
        } else if revenue >= self.revenue_medium {
            Severity::Medium
        } else {
            Severity::Low
        }
    }
}

/// `severity` raised by `levels`, capped at `critical`.
pub fn raise(severity: Severity, levels: u8) -> Severity {
    let at = Severity::ALL
        .iter()
        .position(|&s| s == severity)
        .unwrap_or(0);
    Severity::ALL[at.saturating_sub(usize::from(levels))]
}

/// The revenue a finding puts at risk (see the module's documentation), from the product's
/// annual revenue; `None` where it is not known or the kind removes no known capacity.
pub fn revenue_at_risk(f: &Finding, revenue: Option<f64>) -> Option<f64> {
    let lost = match f.kind {
        Kind::Spof => 1.0,
        Kind::CapacityAtRisk | Kind::RestrictedParty | Kind::CommonCause => 1.0 - f.metric.value,
        Kind::UntrustedExposure => f.metric.value,
        Kind::TimeExposure if f.metric.name == "revenue_at_risk" => {
            return Some(f.metric.value);
        }
        Kind::AsymmetricDependency => return f.revenue_at_risk,
        _ => return None,
    };
    revenue.map(|r| round(r * lost))
}

/// Sets each finding's `revenue_at_risk` (and says it in its message) and applies steps 2
/// and 3 of the table, and the cap of an untrusted maker's exposure. O(findings).
pub fn apply(ctx: &Ctx<'_>, findings: &mut Findings) {
    let rules = &ctx.settings.severity;
    let ds = ctx.ds;
    let currency = ctx.currency();
    // Each product in scope: (annual revenue, item critical, maker untrusted).
    let products: HashMap<ProductRef, (Option<f64>, bool, bool)> = ctx
        .products
        .iter()
        .map(|&(p, _)| {
            let prod = &ds.products[p];
            let facts = (
                prod.annual_revenue,
                ds.item(prod.item).critical,
                ctx.g.parties.untrusted[prod.entity.ix()],
            );
            (ctx.product_ref(p), facts)
        })
        .collect();
    let critical_input = |f: &Finding| match &f.details {
        Details::Concentration(d) => d
            .items()
            .iter()
            .any(|y| ds.item_ix.get(&**y).is_some_and(|&x| ds.item(x).critical)),
        _ => false,
    };
    findings.par_iter_mut().for_each(|f| {
        let (revenue, critical, maker_untrusted) = f
            .product
            .as_ref()
            .and_then(|p| products.get(p))
            .copied()
            .unwrap_or((None, false, false));
        f.revenue_at_risk = revenue_at_risk(f, revenue);
        // Every page shows the message: the money goes there too (a time exposure says it
        // already, for its uncovered days).
        if let (Some(r), false) = (f.revenue_at_risk, f.kind == Kind::TimeExposure) {
            f.message.say_revenue(r, currency.clone());
        }
        let mut severity = f.severity;
        if let Some(r) = f.revenue_at_risk {
            severity = severity.min(rules.revenue_floor(r));
        }
        if (critical || critical_input(f)) && severity > rules.critical_item_max {
            severity = raise(severity, rules.critical_item).max(rules.critical_item_max);
        }
        if f.kind == Kind::UntrustedExposure && maker_untrusted {
            severity = severity.max(Severity::Medium);
        }
        f.severity = severity;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_bands_put_97_and_100_percent_together() {
        let r = SeverityRules::default();
        assert_eq!(r.exposure(1.0), Severity::Critical);
        assert_eq!(r.exposure(0.97), Severity::Critical);
        assert_eq!(r.exposure(0.9), Severity::Critical);
        assert_eq!(r.exposure(0.89), Severity::High);
        assert_eq!(r.exposure(0.5), Severity::High);
        assert_eq!(r.exposure(0.49), Severity::Medium);
        assert_eq!(r.exposure(0.2), Severity::Medium);
        assert_eq!(r.exposure(0.19), Severity::Low);
    }

    #[test]
    fn revenue_floors_are_decades() {
        let r = SeverityRules::default();
        assert_eq!(r.revenue_floor(16.3e9), Severity::Critical);
        assert_eq!(r.revenue_floor(4.05e9), Severity::High);
        assert_eq!(r.revenue_floor(244e6), Severity::Medium);
        assert_eq!(r.revenue_floor(99e6), Severity::Low);
    }

    #[test]
    fn raising_stops_at_critical() {
        assert_eq!(raise(Severity::Low, 1), Severity::Medium);
        assert_eq!(raise(Severity::High, 1), Severity::Critical);
        assert_eq!(raise(Severity::Critical, 1), Severity::Critical);
        assert_eq!(raise(Severity::Low, 3), Severity::Critical);
        assert_eq!(raise(Severity::Medium, 0), Severity::Medium);
    }

    #[test]
    fn bad_rules_are_named() {
        assert!(SeverityRules::default().problems().is_empty());
        let bad = SeverityRules {
            revenue_high: -1.0,
            exposure_high: 0.95,
            critical_item: 4,
            ..SeverityRules::default()
        };
        let p = bad.problems().join("\n");
        assert!(p.contains("revenue_high is -1"), "{p}");
        assert!(
            p.contains("revenue_medium (100000000) is above revenue_high (-1)"),
            "{p}"
        );
        assert!(
            p.contains("exposure_high (0.95) is above exposure_critical (0.9)"),
            "{p}"
        );
        assert!(p.contains("critical_item is 4"), "{p}");
        let zero = SeverityRules {
            exposure_medium: 0.0,
            ..SeverityRules::default()
        };
        assert!(zero.problems()[0].contains("exposure_medium is 0"));
    }
}
