//! The words a header may use for each field, best first.

use super::Field;
use super::fold::fold;

/// Words that name a supplier, a buyer, an item.
const SUPPLIER_WORDS: &[&str] = &[
    "supplier",
    "vendor",
    "seller",
    "manufacturer",
    "exporter",
    "shipper",
    "provider",
];
const BUYER_WORDS: &[&str] = &[
    "buyer",
    "customer",
    "consignee",
    "importer",
    "plant",
    "site",
    "purchaser",
];
const ITEM_WORDS: &[&str] = &[
    "item",
    "part",
    "material",
    "component",
    "product",
    "commodity",
    "molecule",
];
const USED_FOR_WORDS: &[&str] = &[
    "used for",
    "used in",
    "parent",
    "parent item",
    "parent part",
    "assembly",
    "output",
    "goes into",
];
/// Amount words, in the order they win when several columns have one.
pub const AMOUNT_WORDS: &[&str] = &["spend", "value", "amount", "volume", "quantity", "units"];

const BOM_QUANTITY_WORDS: &[&str] = &[
    "bom quantity",
    "quantity per",
    "qty per",
    "usage per unit",
    "quantity per assembly",
];
const BOM_GROUP_WORDS: &[&str] = &[
    "bom group",
    "substitute group",
    "alternate group",
    "substitutes group",
    "interchangeable group",
];
const SHARE_WORDS: &[&str] = &[
    "share",
    "supply share",
    "share of supply",
    "supplier share",
    "market share",
    "allocation",
    "split",
];
const QUALIFIED_WORDS: &[&str] = &[
    "qualified",
    "approved",
    "status",
    "qualification",
    "qualification status",
    "approval status",
    "qualified supplier",
    "approved supplier",
];
const LEAD_TIME_WORDS: &[&str] = &["lead time days", "lead time", "leadtime", "lead days"];
const END_PRODUCT_WORDS: &[&str] = &["end product", "is end product", "final product"];
const REVENUE_WORDS: &[&str] = &["annual revenue", "revenue", "annual sales"];
const INVENTORY_WORDS: &[&str] = &[
    "inventory days",
    "days of inventory",
    "days of stock",
    "stock days",
    "days on hand",
    "time to survive",
];
const RECOVERY_SUFFIXES: &[&str] = &["recovery days", "recovery time", "time to recover"];

/// The synonyms of a field, folded, best first.
pub(super) fn synonyms(field: Field) -> Vec<String> {
    let mut v: Vec<String> = match field {
        Field::Supplier
        | Field::SupplierId
        | Field::SupplierCountry
        | Field::SupplierKind
        | Field::SupplierRestricted
        | Field::SupplierRecoveryDays => supplier_synonyms(field),
        Field::Buyer
        | Field::BuyerId
        | Field::BuyerCountry
        | Field::BuyerKind
        | Field::BuyerRestricted
        | Field::BuyerRecoveryDays => buyer_synonyms(field),
        Field::Item | Field::ItemId | Field::ItemSector | Field::ItemCritical => {
            item_synonyms(field)
        }
        Field::UsedFor => owned(USED_FOR_WORDS),
        Field::UsedForId => with(USED_FOR_WORDS, &["id"]),
        Field::UsedForSector => with(USED_FOR_WORDS, &["sector"]),
        Field::UsedForCritical => with(USED_FOR_WORDS, &["critical"]),
        Field::BomQuantity => owned(BOM_QUANTITY_WORDS),
        Field::BomGroup => owned(BOM_GROUP_WORDS),
        Field::Amount => owned(AMOUNT_WORDS),
        Field::Share => owned(SHARE_WORDS),
        Field::Qualified => owned(QUALIFIED_WORDS),
        Field::LeadTimeDays => owned(LEAD_TIME_WORDS),
        Field::EndProduct => owned(END_PRODUCT_WORDS),
        Field::AnnualRevenue => owned(REVENUE_WORDS),
        Field::InventoryDays => owned(INVENTORY_WORDS),
    };
    // The field's own name and export header always match.
    let info = field.info();
    v.insert(0, fold(info.header).words);
    v.insert(0, fold(info.name).words);
    v.dedup();
    v
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Each word with each suffix (`""`: the word alone), suffix by suffix.
fn with(words: &[&str], suffixes: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for s in suffixes {
        for w in words {
            out.push(if s.is_empty() {
                w.to_string()
            } else {
                format!("{w} {s}")
            });
        }
    }
    out
}

fn supplier_synonyms(field: Field) -> Vec<String> {
    let w = SUPPLIER_WORDS;
    match field {
        Field::SupplierId => {
            let mut v = with(w, &["id", "code", "number", "no", "lei", "duns"]);
            v.extend(owned(&["lei", "duns", "duns number", "lei code"]));
            v
        }
        Field::SupplierCountry => {
            let mut v = with(w, &["country", "country code", "country of origin"]);
            v.extend(owned(&["origin", "country of origin", "origin country"]));
            v
        }
        Field::SupplierKind => with(w, &["kind", "type"]),
        Field::SupplierRestricted => with(w, &["restricted"]),
        Field::SupplierRecoveryDays => with(w, RECOVERY_SUFFIXES),
        _ => with(w, &["", "name"]),
    }
}

fn buyer_synonyms(field: Field) -> Vec<String> {
    let w = BUYER_WORDS;
    match field {
        Field::BuyerId => with(w, &["id", "code", "number", "no", "lei", "duns"]),
        Field::BuyerCountry => {
            let mut v = with(w, &["country", "country code"]);
            v.extend(owned(&[
                "destination",
                "destination country",
                "country of destination",
            ]));
            v
        }
        Field::BuyerKind => with(w, &["kind", "type"]),
        Field::BuyerRestricted => with(w, &["restricted"]),
        Field::BuyerRecoveryDays => with(w, RECOVERY_SUFFIXES),
        _ => with(w, &["", "name"]),
    }
}

fn item_synonyms(field: Field) -> Vec<String> {
    let w = ITEM_WORDS;
    match field {
        Field::ItemId => {
            let mut v = with(w, &["id", "code", "number", "no"]);
            v.push("sku".into());
            v
        }
        Field::ItemSector => {
            let mut v = with(w, &["sector", "category"]);
            v.extend(owned(&["sector", "category"]));
            v
        }
        Field::ItemCritical => {
            let mut v = with(w, &["critical"]);
            v.push("critical".into());
            v
        }
        _ => with(w, &["", "name", "description"]),
    }
}

/// The synonyms of every field, for the README and `--help`.
pub fn synonym_list(field: Field) -> Vec<String> {
    synonyms(field)
}
