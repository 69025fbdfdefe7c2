//! Finding the product (`entity:item`) or entity a user names on the command line: by id,
//! or else by name. Split from `analysis/mod.rs`, which runs the
//! analyses; these only read the dataset.

use super::*;

/// Parses `entity:item` into a product's index, or says what is wrong. Each side is an id,
/// or else a name (any case, or the same after [`crate::names::normalize`]); a name that fits
/// several products is an error listing them.
///
/// ```
/// use tierscope_core::{analysis::find_product, ingest};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
/// let ds = ingest::load(&dir)?.dataset;
/// let p = find_product(&ds, "oem-us:chip")?;
/// assert_eq!(ds.item(ds.products[p].item).id, "chip");
/// // Names work too: "OEM Corp" makes the chip.
/// assert_eq!(find_product(&ds, "OEM Corp:chip")?, p);
/// assert!(find_product(&ds, "oem-us:wafer").is_err());
/// # Ok::<(), tierscope_core::Error>(())
/// ```
pub fn find_product(ds: &Dataset, spec: &str) -> Result<usize, crate::Error> {
    if !spec.contains(':') {
        return Err(crate::Error::Reference(format!(
            "`{spec}` is not ENTITY:ITEM (expected e.g. oem-us:chip)"
        )));
    }
    let label =
        |p: &crate::model::Product| format!("{}:{}", ds.entity(p.entity).id, ds.item(p.item).id);
    // By ids first, then by names, at every `:` (a name may hold one).
    let splits: Vec<(&str, &str)> = spec
        .match_indices(':')
        .map(|(i, _)| (&spec[..i], &spec[i + 1..]))
        .collect();
    for by_name in [false, true] {
        let mut hits: Vec<usize> = Vec::new();
        for &(e, x) in &splits {
            for (k, p) in ds.products.iter().enumerate() {
                let (ent, item) = (ds.entity(p.entity), ds.item(p.item));
                let fits = if by_name {
                    names_match(&ent.id, &ent.name, e) && names_match(&item.id, &item.name, x)
                } else {
                    ent.id == e && item.id == x
                };
                if fits && !hits.contains(&k) {
                    hits.push(k);
                }
            }
        }
        match hits.as_slice() {
            [k] => return Ok(*k),
            [] => {}
            many => {
                return Err(crate::Error::Reference(format!(
                    "`{spec}` fits {} end products (expected one; name it by ids: {})",
                    many.len(),
                    many.iter()
                        .map(|&k| label(&ds.products[k]))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    let known: Vec<String> = ds.products.iter().map(label).collect();
    Err(crate::Error::Reference(format!(
        "`{spec}` is not an end product in products.csv (expected one of: {})",
        known.join(", ")
    )))
}

/// Whether `text` names the record with this id and name: its id or name in any case, or its
/// name after the screening normaliser (`ASML` names `ASML N.V.`: only legal forms, case and
/// punctuation may differ).
fn names_match(id: &str, name: &str, text: &str) -> bool {
    let text = text.trim();
    id.eq_ignore_ascii_case(text)
        || name.eq_ignore_ascii_case(text)
        || (!text.is_empty() && crate::names::normalize(name) == crate::names::normalize(text))
}

/// The entity `text` names: its id, or else its name (as [`find_product`] reads names). A name
/// of several entities is an error listing them.
pub fn find_entity(ds: &Dataset, text: &str) -> Result<EntityIx, crate::Error> {
    if let Some(ix) = ds.entity_ix.get(text) {
        return Ok(*ix);
    }
    let hits: Vec<usize> = (0..ds.entities.len())
        .filter(|&e| names_match(&ds.entities[e].id, &ds.entities[e].name, text))
        .collect();
    match hits.as_slice() {
        [e] => Ok(EntityIx(*e as u32)),
        [] => {
            let hint = crate::ingest::did_you_mean(text, ds.entity_ix.keys());
            Err(crate::Error::Reference(format!(
                "unknown entity `{text}` (expected an id or a name from entities.csv{hint})"
            )))
        }
        many => Err(crate::Error::Reference(format!(
            "`{text}` names {} entities (expected one; name it by id: {})",
            many.len(),
            many.iter()
                .map(|&e| format!("`{}` ({})", ds.entities[e].id, ds.entities[e].name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
