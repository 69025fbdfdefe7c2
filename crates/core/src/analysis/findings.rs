//! Findings: what the analyses conclude, with stable ids, severities and evidence.

use super::groups::Level;
use super::message::Shared;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
    /// Two or more suppliers of one requirement disclose the same critical sub-tier entity in
    /// their profiles ([`crate::profile::common`]).
    CommonCause,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Spof,
        Kind::CapacityAtRisk,
        Kind::UntrustedExposure,
        Kind::RestrictedParty,
        Kind::Concentration,
        Kind::AsymmetricDependency,
        Kind::VisibilityGap,
        Kind::TimeExposure,
        Kind::CommonCause,
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
            Kind::CommonCause => "common_cause",
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
            Kind::CommonCause => "Hidden common cause",
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
/// references a national-scale report makes to the same few ids cost a pointer each. One
/// pointer, not the two of an `Arc<str>`: evidence alone holds millions of them at 1M supply
/// rows. A finding's id, subject and metric name are held the same way.
pub type Id = arcstr::ArcStr;

/// An end product, by ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductRef {
    pub entity: Id,
    pub item: Id,
}

/// A number a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// One of a handful of names the analyses use: made with `arcstr::literal!`, so not
    /// allocated for each finding.
    pub name: Id,
    pub value: f64,
}

/// The items of a requirement of substitutes, in a row of the report (a concentration row, a
/// visibility gap); empty for a requirement of one item, which is nearly every row. One
/// pointer, and no allocation when empty: a national-scale report has hundreds of thousands
/// of these rows. In the report JSON, an array of ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Id>", into = "Vec<Id>")]
// A `Box<[Id]>` would be two words in every row; the extra allocation of `Box<Vec>` is only
// made for the few rows that name substitutes.
#[allow(clippy::box_collection)]
pub struct Substitutes(Option<Box<Vec<Id>>>);

impl Substitutes {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn as_slice(&self) -> &[Id] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The substitutes as people read them, `a or b`; `None` for a requirement of one item.
    pub fn or_text(&self) -> Option<String> {
        self.0.as_deref().map(|ids| or_text(ids))
    }
}

/// Ids joined as alternatives: `a or b or c`.
pub fn or_text(ids: &[Id]) -> String {
    ids.iter().map(|x| &**x).collect::<Vec<_>>().join(" or ")
}

impl From<Vec<Id>> for Substitutes {
    fn from(ids: Vec<Id>) -> Substitutes {
        Substitutes((!ids.is_empty()).then(|| Box::new(ids)))
    }
}

impl From<Substitutes> for Vec<Id> {
    fn from(s: Substitutes) -> Vec<Id> {
        s.0.map_or_else(Vec::new, |b| *b)
    }
}

/// A production node in evidence: in the report JSON `{"entity": .., "item": ..}`, with
/// `"substitutes": [..]` where the node's item meets a requirement of substitutes at the next
/// node of the path, and `"distributor": true` where the node passes its item on.
///
/// The two rare marks are kept behind one pointer: a national-scale report holds millions of
/// these nodes, and each field of its own would add 32 bytes to every one of them.
///
/// The node's two ids are read through `Deref` (`node.entity`, `node.item`) from a
/// [`NodeKey`] that every path through the node shares: 1.8 million nodes in evidence at 1M
/// supply rows, 16 bytes each where the two ids inline made them 24.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "NodeRefFields")]
pub struct NodeRef {
    key: Arc<NodeKey>,
    /// The marks, if any (`None` for most nodes).
    pub marks: Option<Box<NodeMarks>>,
}

/// A production node's ids: the entity that makes the item, and the item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey {
    pub entity: Id,
    pub item: Id,
}

impl std::ops::Deref for NodeRef {
    type Target = NodeKey;

    fn deref(&self) -> &NodeKey {
        &self.key
    }
}

/// What a node in evidence says beyond its entity and item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeMarks {
    /// Every item of the requirement of substitutes this node's item meets at the next node of
    /// the path, this one included (any of them will do); empty otherwise.
    pub substitutes: Vec<Id>,
    /// The entity is a distributor: the node passes its item on, it does not make it.
    pub distributor: bool,
}

impl NodeRef {
    pub fn new(entity: Id, item: Id) -> NodeRef {
        NodeRef::shared(Arc::new(NodeKey { entity, item }))
    }

    /// A node whose ids others share.
    pub fn shared(key: Arc<NodeKey>) -> NodeRef {
        NodeRef { key, marks: None }
    }

    /// The items of the requirement of substitutes this node's item meets at the next node of
    /// the path (empty when it meets a requirement of its one item).
    pub fn substitutes(&self) -> &[Id] {
        self.marks.as_deref().map_or(&[], |m| &m.substitutes)
    }

    /// Whether the node is a distributor's: it passes its item on.
    pub fn is_distributor(&self) -> bool {
        self.marks.as_deref().is_some_and(|m| m.distributor)
    }

    /// The marks, made when first needed.
    pub fn marks_mut(&mut self) -> &mut NodeMarks {
        self.marks.get_or_insert_with(Default::default)
    }
}

impl Serialize for NodeRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let substitutes = self.substitutes();
        let distributor = self.is_distributor();
        let fields = 2 + usize::from(!substitutes.is_empty()) + usize::from(distributor);
        let mut s = serializer.serialize_struct("NodeRef", fields)?;
        s.serialize_field("entity", &self.entity)?;
        s.serialize_field("item", &self.item)?;
        if !substitutes.is_empty() {
            s.serialize_field("substitutes", substitutes)?;
        }
        if distributor {
            s.serialize_field("distributor", &true)?;
        }
        s.end()
    }
}

/// [`NodeRef`] as the report JSON spells it.
#[derive(Deserialize)]
struct NodeRefFields {
    entity: Id,
    item: Id,
    #[serde(default)]
    substitutes: Vec<Id>,
    #[serde(default)]
    distributor: bool,
}

impl From<NodeRefFields> for NodeRef {
    fn from(f: NodeRefFields) -> NodeRef {
        let marks = (!f.substitutes.is_empty() || f.distributor).then(|| {
            Box::new(NodeMarks {
                substitutes: f.substitutes,
                distributor: f.distributor,
            })
        });
        NodeRef {
            key: Arc::new(NodeKey {
                entity: f.entity,
                item: f.item,
            }),
            marks,
        }
    }
}

/// Findings as the analyses collect them and the report holds them: each boxed, so that
/// growing, merging and sorting the list moves 8-byte pointers, not 160-byte structs. A list
/// of structs held its largest buffers twice while it grew (a doubling realloc, then the
/// concentration findings gathered apart); boxed, the heap peak of a large analysis falls by
/// a fifth for 16 bytes more per finding (`benches/README.md`).
pub type Findings = Vec<Box<Finding>>;

/// The positions of the findings that `wanted` picks, in order, read on every core: a pass
/// over millions of findings reads a box per finding, scattered once the list is sorted, and
/// the passes that want a few kinds (root causes, product summaries) then read only their
/// own.
pub fn positions(
    findings: &[Box<Finding>],
    wanted: impl Fn(&Finding) -> bool + Sync,
) -> Vec<usize> {
    use rayon::prelude::*;
    findings
        .par_iter()
        .enumerate()
        .filter(|(_, f)| wanted(f))
        .map(|(k, _)| k)
        .collect()
}

fn is_empty(s: &Shared) -> bool {
    s.is_empty()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs: `kind:level:subject:product-entity:product-item`, with `%` and `:`
    /// inside a part percent-encoded ([`Finding::make_id`]).
    pub id: Id,
    pub kind: Kind,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    pub subject: Id,
    /// The subject's name for people: an entity's or owner's name, a country's name. Shared
    /// by the findings about one subject, where the analysis can.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub subject_name: Shared,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<Arc<ProductRef>>,
    pub metric: Metric,
    /// Paths of production nodes, supplier first, ending at the product.
    pub evidence: Box<[Vec<NodeRef>]>,
    /// One sentence for a person.
    pub message: super::message::Message,
    /// Kind-specific numbers (e.g. HHI by supplier, the reverse dependency).
    #[serde(default, skip_serializing_if = "Details::is_none")]
    pub details: Details,
    /// The metric rests on a share filled by the equal-split rule (an empty share cell): an
    /// estimate, not a measurement. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated_shares: bool,
    /// A single point of failure inside the product maker's own owner group (its own plants):
    /// in-house risk, counted apart from supplier risk. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_house: bool,
    /// The root cause this finding is one consequence of: an id in the report's
    /// `root_causes` ([`super::rootcause`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<Id>,
    /// The revenue the failure puts at risk, in the report's currency, where the revenue is
    /// known ([`super::severity::revenue_at_risk`]). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_at_risk: Option<f64>,
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
    /// `restricted_party`: why the party counts as restricted (shared, like an id, so the
    /// variant is no wider than a box).
    Restricted { why: Id },
    /// `asymmetric_dependency`: the dependent country, how much it outweighs the reverse
    /// dependency, and the reverse dependency itself. Boxed, as the largest variants are (a
    /// rare kind should not widen every finding).
    Asymmetry(Box<AsymmetryDetails>),
    /// `time_exposure`: the capacity kept while the supplier is out, and the two times.
    /// Boxed: held inline, its four fields made every finding 24 bytes wider.
    Time(Box<TimeDetails>),
    /// `concentration`: the (buyer, input) pair and its spread over suppliers and countries.
    /// Shared with the report's concentration row ([`super::ConcentrationRow`]), which holds
    /// the same numbers: 227,000 findings at 1M supply rows held a copy each.
    Concentration(Arc<ConcentrationDetails>),
    /// `visibility_gap`: every input upstream that is not fully mapped. Boxed.
    Visibility(Box<VisibilityDetails>),
}

/// See [`Details::Time`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeDetails {
    pub capacity: f64,
    /// The time to recover is the supplier's longest delivery lead time
    /// (`supply.lead_time_days`), for want of a `recovery_days`: a weaker estimate. Absent
    /// when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lead_time_estimate: bool,
    pub time_to_recover_days: f64,
    pub time_to_survive_days: f64,
}

/// See [`Details::Asymmetry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsymmetryDetails {
    pub dependent: String,
    pub gap: f64,
    pub reverse_dependency: f64,
}

/// See [`Details::Visibility`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisibilityDetails {
    pub gaps: Vec<Gap>,
    pub partly_mapped_inputs: usize,
    pub unmapped_inputs: usize,
}

impl Details {
    pub fn is_none(&self) -> bool {
        matches!(self, Details::None)
    }
}

/// See [`Details::Concentration`]: a concentration row's numbers but its country HHI (the
/// finding's metric).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcentrationDetails {
    pub buyer: Id,
    /// The country HHI weighted by governance (EU HHI_WGI), where every supplier country has
    /// a score; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hhi_wgi: Option<f64>,
    /// The input's id; for a requirement of substitutes, their ids joined by `|`.
    pub item: Id,
    /// For a requirement of substitutes, their ids (any of them will do); empty otherwise.
    #[serde(default, skip_serializing_if = "Substitutes::is_empty")]
    pub substitutes: Substitutes,
    pub supplier_hhi: f64,
    pub suppliers: usize,
    pub top_country: Id,
    pub top_country_share: f64,
    pub untrusted_share: f64,
}

impl ConcentrationDetails {
    /// The requirement's items: its substitutes, or its one item.
    pub fn items(&self) -> &[Id] {
        match self.substitutes.as_slice() {
            [] => std::slice::from_ref(&self.item),
            subs => subs,
        }
    }
}

/// A requirement of a production node whose supply rows cover less than all of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// The mapped fraction, 0 when no supply row names the input.
    pub coverage: f64,
    pub entity: Id,
    /// The input's id; for a requirement of substitutes, their ids joined by `|`.
    pub input: Id,
    pub item: Id,
    /// For a requirement of substitutes, their ids (any of them will do); empty otherwise.
    #[serde(default, skip_serializing_if = "Substitutes::is_empty")]
    pub substitutes: Substitutes,
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
pub fn composite_subject(parts: &[&str]) -> Id {
    parts
        .iter()
        .map(|p| id_part(p, ':'))
        .collect::<Vec<_>>()
        .join(":")
        .into()
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
    ) -> Id {
        Finding::make_composite_id(kind, level, &id_part(subject, ':'), product)
    }

    /// [`Finding::make_id`] for a subject already escaped part by part
    /// ([`composite_subject`]).
    pub fn make_composite_id(
        kind: Kind,
        level: Option<Level>,
        subject: &str,
        product: Option<&ProductRef>,
    ) -> Id {
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
        id.into()
    }
}

#[cfg(test)]
mod tests;
