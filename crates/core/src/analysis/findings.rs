//! Findings: what the analyses conclude, with stable ids, severities and evidence.

use super::groups::Level;
use serde::{Deserialize, Serialize};

/// The kinds of finding (DATA-MODEL.md), as they appear in the report JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Spof,
    CapacityAtRisk,
    UntrustedExposure,
    RestrictedParty,
    Concentration,
    AsymmetricDependency,
    VisibilityGap,
    TimeExposure,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Spof,
        Kind::CapacityAtRisk,
        Kind::UntrustedExposure,
        Kind::RestrictedParty,
        Kind::Concentration,
        Kind::AsymmetricDependency,
        Kind::VisibilityGap,
        Kind::TimeExposure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Spof => "spof",
            Kind::CapacityAtRisk => "capacity_at_risk",
            Kind::UntrustedExposure => "untrusted_exposure",
            Kind::RestrictedParty => "restricted_party",
            Kind::Concentration => "concentration",
            Kind::AsymmetricDependency => "asymmetric_dependency",
            Kind::VisibilityGap => "visibility_gap",
            Kind::TimeExposure => "time_exposure",
        }
    }

    /// A plain-words title, for reports.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Spof => "Single point of failure",
            Kind::CapacityAtRisk => "Capacity at risk",
            Kind::UntrustedExposure => "Untrusted exposure",
            Kind::RestrictedParty => "Restricted party upstream",
            Kind::Concentration => "Concentrated input",
            Kind::AsymmetricDependency => "Asymmetric dependency",
            Kind::VisibilityGap => "Visibility gap",
            Kind::TimeExposure => "Time exposure",
        }
    }
}

/// How urgent a finding is. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = crate::Error;

    /// `critical`, `high`, `medium` or `low`, in any case.
    fn from_str(text: &str) -> Result<Severity, crate::Error> {
        super::parse_name(&Severity::ALL, Severity::as_str, text, "severity")
    }
}

/// An entity's or item's id as findings hold it: shared, so the hundreds of thousands of
/// references a national-scale report makes to the same few ids cost a pointer each.
pub type Id = std::sync::Arc<str>;

/// An end product, by ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductRef {
    pub entity: Id,
    pub item: Id,
}

/// A number a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// One of a handful of names the analyses use, so not allocated for each finding.
    pub name: std::borrow::Cow<'static, str>,
    pub value: f64,
}

/// A production node in evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRef {
    pub entity: Id,
    pub item: Id,
}

/// Findings as the analyses collect them and the report holds them: each boxed, so that
/// growing, merging and sorting the list moves 8-byte pointers, not 248-byte structs. At 1M
/// supply rows (455,718 findings) a list of structs held its largest buffers twice while it
/// grew (a doubling realloc, then the concentration findings gathered apart): the boxed list
/// took the analysis's heap peak from 749 to 614 MiB, for 16 bytes more per finding.
pub type Findings = Vec<Box<Finding>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs: `kind:level:subject:product-entity:product-item`, with `%` and `:`
    /// inside a part percent-encoded ([`Finding::make_id`]).
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    pub subject: String,
    /// The subject's name for people: an entity's or owner's name, a country's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<ProductRef>,
    pub metric: Metric,
    /// Paths of production nodes, supplier first, ending at the product.
    pub evidence: Vec<Vec<NodeRef>>,
    /// One sentence for a person.
    pub message: String,
    /// Kind-specific numbers (e.g. HHI by supplier, the reverse dependency).
    #[serde(default, skip_serializing_if = "Details::is_none")]
    pub details: Details,
    /// The metric rests on a share filled by the equal-split rule (an empty share cell): an
    /// estimate, not a measurement. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated_shares: bool,
}

/// A finding's kind-specific evidence beyond its metric.
///
/// Typed rather than a JSON map: a national-scale report carries hundreds of thousands of
/// these, and a map of boxed JSON values costs about ten times the bytes of the numbers it
/// holds. In the report JSON each is a plain object; the fields are declared in alphabetical
/// order so the objects read as they did when they were maps. The required fields of each
/// variant differ, so an object reads back as the variant that wrote it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Details {
    /// Nothing beyond the metric and the evidence.
    #[default]
    None,
    /// `restricted_party`: why the party counts as restricted.
    Restricted { why: String },
    /// `asymmetric_dependency`: the dependent country, how much it outweighs the reverse
    /// dependency, and the reverse dependency itself.
    Asymmetry {
        dependent: String,
        gap: f64,
        reverse_dependency: f64,
    },
    /// `time_exposure`: the capacity kept while the supplier is out, and the two times.
    Time {
        capacity: f64,
        time_to_recover_days: f64,
        time_to_survive_days: f64,
    },
    /// `concentration`: the (buyer, input) pair and its spread over suppliers and countries.
    /// Boxed, being the largest: every finding is as large as the largest variant.
    Concentration(Box<ConcentrationDetails>),
    /// `visibility_gap`: every input upstream that is not fully mapped.
    Visibility {
        gaps: Vec<Gap>,
        partly_mapped_inputs: usize,
        unmapped_inputs: usize,
    },
}

impl Details {
    pub fn is_none(&self) -> bool {
        matches!(self, Details::None)
    }
}

/// See [`Details::Concentration`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcentrationDetails {
    pub buyer: Id,
    pub item: Id,
    pub supplier_hhi: f64,
    pub suppliers: usize,
    pub top_country: Id,
    pub top_country_share: f64,
    pub untrusted_share: f64,
}

/// An input of a production node whose supply rows cover less than all of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// The mapped fraction, 0 when no supply row names the input.
    pub coverage: f64,
    pub entity: Id,
    pub input: Id,
    pub item: Id,
}

/// `part` of a composite id with `%` and `separator` percent-encoded (`%25`, `%3A` for `:`),
/// so that joining parts with `separator` is injective: `a` + `b:c` and `a:b` + `c` give
/// `a:b%3Ac` and `a%3Ab:c`. A part without either character is unchanged.
pub fn id_part(part: &str, separator: char) -> std::borrow::Cow<'_, str> {
    if !part.contains(['%', separator]) {
        return std::borrow::Cow::Borrowed(part);
    }
    let mut out = String::with_capacity(part.len() + 4);
    for c in part.chars() {
        if c == '%' || c == separator {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A subject made of several ids (a concentration's buyer and input, an asymmetry's two
/// countries): the parts joined with `:`, each escaped with [`id_part`].
pub fn composite_subject(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| id_part(p, ':'))
        .collect::<Vec<_>>()
        .join(":")
}

impl Finding {
    /// `kind:level:subject[:product-entity:product-item]`, with `%` and `:` escaped in the
    /// subject and the product's ids ([`id_part`]): distinct findings never share an id, and
    /// ids without those characters read as they always have. A subject from
    /// [`composite_subject`] is passed with [`Finding::make_composite_id`].
    pub fn make_id(
        kind: Kind,
        level: Option<Level>,
        subject: &str,
        product: Option<&ProductRef>,
    ) -> String {
        Finding::make_composite_id(kind, level, &id_part(subject, ':'), product)
    }

    /// [`Finding::make_id`] for a subject already escaped part by part
    /// ([`composite_subject`]).
    pub fn make_composite_id(
        kind: Kind,
        level: Option<Level>,
        subject: &str,
        product: Option<&ProductRef>,
    ) -> String {
        let mut id = format!(
            "{}:{}:{}",
            kind.as_str(),
            level.map_or("-", Level::as_str),
            subject
        );
        if let Some(p) = product {
            id.push(':');
            id.push_str(&id_part(&p.entity, ':'));
            id.push(':');
            id.push_str(&id_part(&p.item, ':'));
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_variant() -> Vec<Details> {
        vec![
            Details::Restricted {
                why: "flagged restricted in entities.csv".into(),
            },
            Details::Asymmetry {
                dependent: "IN".into(),
                gap: 0.7,
                reverse_dependency: 0.29,
            },
            Details::Time {
                capacity: 0.4,
                time_to_recover_days: 180.0,
                time_to_survive_days: 45.0,
            },
            Details::Concentration(Box::new(ConcentrationDetails {
                buyer: "fab-tw".into(),
                item: "wafer".into(),
                supplier_hhi: 0.5,
                suppliers: 2,
                top_country: "CN".into(),
                top_country_share: 0.75,
                untrusted_share: 0.75,
            })),
            Details::Visibility {
                gaps: vec![Gap {
                    coverage: 0.0,
                    entity: "fab-cn".into(),
                    input: "resist".into(),
                    item: "die".into(),
                }],
                partly_mapped_inputs: 0,
                unmapped_inputs: 1,
            },
        ]
    }

    /// Each variant is a plain object whose keys come out sorted, as they did from a JSON map,
    /// and it reads back as the variant that wrote it (the required fields tell them apart).
    #[test]
    fn details_are_sorted_objects_that_read_back_as_themselves() {
        for d in every_variant() {
            let text = serde_json::to_string(&d).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let map = value.as_object().expect("an object");
            let keys: Vec<&String> = map.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "{text}");
            // A map (sorted by key) written back out gives the same text.
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
            assert_eq!(serde_json::from_str::<Details>(&text).unwrap(), d, "{text}");
        }
    }

    #[test]
    fn a_finding_without_details_leaves_the_key_out() {
        assert!(Details::default().is_none());
        assert!(every_variant().iter().all(|d| !d.is_none()));
    }
}
