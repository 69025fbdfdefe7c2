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
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
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

/// An end product, by ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductRef {
    pub entity: String,
    pub item: String,
}

/// A number a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub value: f64,
}

/// A production node in evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRef {
    pub entity: String,
    pub item: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs: `kind:level:subject:product-entity:product-item`.
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
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
    /// With a baseline: new or standing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::baseline::Status>,
    /// The waiver that accepts this finding, if any: it is shown but does not fail a run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::waiver::Waiver>,
}

impl Finding {
    pub fn make_id(
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
            id.push_str(&p.entity);
            id.push(':');
            id.push_str(&p.item);
        }
        id
    }
}
