//! The finding's size, and its details' JSON.

use super::*;

/// A report of 500,000 findings holds each in a box of its own: at 160 bytes it takes
/// the allocator's 160-byte class, one field more takes the 192-byte class (15 MiB more
/// at 1M supply rows; it was 256 bytes before ids were one pointer). Widen it knowingly.
#[test]
#[cfg(target_pointer_width = "64")]
fn a_finding_fits_in_160_bytes() {
    assert!(std::mem::size_of::<Finding>() <= 160);
    assert!(std::mem::size_of::<super::super::message::Message>() <= 48);
    // The ids a finding holds, in evidence millions of them, are one pointer each.
    assert_eq!(std::mem::size_of::<Id>(), 8);
    assert_eq!(std::mem::size_of::<NodeRef>(), 16);
    assert!(std::mem::size_of::<Details>() <= 16);
}

fn every_variant() -> Vec<Details> {
    vec![
        Details::Restricted {
            why: "flagged restricted in entities.csv".into(),
        },
        Details::Asymmetry(Box::new(AsymmetryDetails {
            dependent: "IN".into(),
            gap: 0.7,
            reverse_dependency: 0.29,
        })),
        Details::Time(Box::new(TimeDetails {
            capacity: 0.4,
            lead_time_estimate: false,
            time_to_recover_days: 180.0,
            time_to_survive_days: 45.0,
        })),
        Details::Time(Box::new(TimeDetails {
            capacity: 0.5,
            lead_time_estimate: true,
            time_to_recover_days: 90.0,
            time_to_survive_days: 30.0,
        })),
        Details::Concentration(std::sync::Arc::new(ConcentrationDetails {
            buyer: "fab-tw".into(),
            hhi_wgi: Some(3.5),
            item: "wafer".into(),
            substitutes: Substitutes::default(),
            supplier_hhi: 0.5,
            suppliers: 2,
            top_country: "CN".into(),
            top_country_share: 0.75,
            untrusted_share: 0.75,
        })),
        Details::Visibility(Box::new(VisibilityDetails {
            gaps: vec![Gap {
                coverage: 0.0,
                entity: "fab-cn".into(),
                input: "resist".into(),
                item: "die".into(),
                substitutes: Substitutes::default(),
            }],
            partly_mapped_inputs: 0,
            unmapped_inputs: 1,
        })),
        // Requirements of substitutes name every item.
        Details::Concentration(std::sync::Arc::new(ConcentrationDetails {
            buyer: "lab-ke".into(),
            hhi_wgi: None,
            item: "kit-cn|kit-jp".into(),
            substitutes: vec!["kit-cn".into(), "kit-jp".into()].into(),
            supplier_hhi: 0.52,
            suppliers: 2,
            top_country: "JP".into(),
            top_country_share: 0.6,
            untrusted_share: 0.4,
        })),
        Details::Visibility(Box::new(VisibilityDetails {
            gaps: vec![Gap {
                coverage: 0.5,
                entity: "lab-ke".into(),
                input: "kit-cn|kit-jp".into(),
                item: "programme".into(),
                substitutes: vec!["kit-cn".into(), "kit-jp".into()].into(),
            }],
            partly_mapped_inputs: 1,
            unmapped_inputs: 0,
        })),
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

/// A node without marks is `{"entity", "item"}` as before; its marks appear only when set,
/// and every form reads back as itself.
#[test]
fn node_marks_appear_only_when_set_and_read_back() {
    let plain = NodeRef::new("ga-cn".into(), "gallium".into());
    let text = serde_json::to_string(&plain).unwrap();
    assert_eq!(text, r#"{"entity":"ga-cn","item":"gallium"}"#);
    assert_eq!(serde_json::from_str::<NodeRef>(&text).unwrap(), plain);
    let mut via = NodeRef::new("kits-jp".into(), "kit-jp".into());
    via.marks_mut().substitutes = vec!["kit-cn".into(), "kit-jp".into()];
    let text = serde_json::to_string(&via).unwrap();
    assert_eq!(
        text,
        r#"{"entity":"kits-jp","item":"kit-jp","substitutes":["kit-cn","kit-jp"]}"#
    );
    assert_eq!(serde_json::from_str::<NodeRef>(&text).unwrap(), via);
    let mut dist = NodeRef::new("arrow".into(), "pmic".into());
    dist.marks_mut().distributor = true;
    let text = serde_json::to_string(&dist).unwrap();
    assert_eq!(
        text,
        r#"{"entity":"arrow","item":"pmic","distributor":true}"#
    );
    let back = serde_json::from_str::<NodeRef>(&text).unwrap();
    assert!(back.is_distributor() && back.substitutes().is_empty());
    assert_eq!(back, dist);
}

#[test]
fn a_finding_without_details_leaves_the_key_out() {
    assert!(Details::default().is_none());
    assert!(every_variant().iter().all(|d| !d.is_none()));
}
