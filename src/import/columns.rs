//! Which column of a flat table holds what, told from its header.
//!
//! Headers are compared folded: lower case, accents and punctuation gone, units and
//! currencies in brackets or at the end dropped (`Spend (USD)`, `Volume [kg]`, `Value, $`),
//! and a `%` or the word percent noted (it makes a share column a percent column). A header
//! matches a field when its folded words are one of the field's synonyms ([`FIELDS`]); an
//! amount header may also end in an amount word (`Line Item Value`, `Annual Spend`). Where
//! several columns could be one field, the earlier synonym wins, and the import report says
//! which columns were passed over. `--map FIELD=HEADER` names a column outright.

use std::collections::BTreeMap;

/// A field of the flat layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Supplier,
    SupplierId,
    SupplierCountry,
    SupplierKind,
    SupplierRestricted,
    SupplierRecoveryDays,
    Buyer,
    BuyerId,
    BuyerCountry,
    BuyerKind,
    BuyerRestricted,
    BuyerRecoveryDays,
    Item,
    ItemId,
    ItemSector,
    ItemCritical,
    UsedFor,
    UsedForId,
    UsedForSector,
    UsedForCritical,
    BomQuantity,
    BomGroup,
    Amount,
    Share,
    Qualified,
    LeadTimeDays,
    EndProduct,
    AnnualRevenue,
    InventoryDays,
}

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

/// One field: its name for `--map`, the header the export writes, and what it means.
pub struct FieldInfo {
    pub field: Field,
    pub name: &'static str,
    pub header: &'static str,
    pub meaning: &'static str,
}

macro_rules! fields {
    ($(($f:ident, $name:literal, $header:literal, $meaning:literal)),* $(,)?) => {
        /// Every field, in the order of the export's columns.
        pub const FIELDS: &[FieldInfo] = &[
            $(FieldInfo { field: Field::$f, name: $name, header: $header, meaning: $meaning }),*
        ];
    };
}

fields![
    (
        SupplierId,
        "supplier_id",
        "Supplier ID",
        "the supplier's id (Supplier ID, Vendor ID, LEI, DUNS): kept as its id"
    ),
    (Supplier, "supplier", "Supplier", "who delivers the item"),
    (
        SupplierCountry,
        "supplier_country",
        "Supplier Country",
        "the supplier's country (any supplier word + Country, Origin, Country of Origin)"
    ),
    (
        SupplierKind,
        "supplier_kind",
        "Supplier Kind",
        "entities.kind of the supplier"
    ),
    (
        SupplierRestricted,
        "supplier_restricted",
        "Supplier Restricted",
        "entities.restricted of the supplier"
    ),
    (
        SupplierRecoveryDays,
        "supplier_recovery_days",
        "Supplier Recovery Days",
        "entities.recovery_days of the supplier"
    ),
    (BuyerId, "buyer_id", "Buyer ID", "the buyer's id"),
    (Buyer, "buyer", "Buyer", "who receives the item"),
    (
        BuyerCountry,
        "buyer_country",
        "Buyer Country",
        "the buyer's country (any buyer word + Country, Destination)"
    ),
    (
        BuyerKind,
        "buyer_kind",
        "Buyer Kind",
        "entities.kind of the buyer"
    ),
    (
        BuyerRestricted,
        "buyer_restricted",
        "Buyer Restricted",
        "entities.restricted of the buyer"
    ),
    (
        BuyerRecoveryDays,
        "buyer_recovery_days",
        "Buyer Recovery Days",
        "entities.recovery_days of the buyer"
    ),
    (
        ItemId,
        "item_id",
        "Item ID",
        "the item's id (Item ID, Part Number, SKU)"
    ),
    (Item, "item", "Item", "what is delivered"),
    (
        ItemSector,
        "item_sector",
        "Item Sector",
        "items.sector of the item"
    ),
    (
        ItemCritical,
        "item_critical",
        "Item Critical",
        "items.critical of the item"
    ),
    (
        UsedForId,
        "used_for_id",
        "Used For ID",
        "the id of the item the buyer makes with it"
    ),
    (
        UsedFor,
        "used_for",
        "Used For",
        "the item the buyer makes with it (Used In, Parent, Assembly, Output)"
    ),
    (
        UsedForSector,
        "used_for_sector",
        "Used For Sector",
        "items.sector of the item made"
    ),
    (
        UsedForCritical,
        "used_for_critical",
        "Used For Critical",
        "items.critical of the item made"
    ),
    (
        BomQuantity,
        "bom_quantity",
        "BOM Quantity",
        "bom.quantity: how much of the item goes into one of the item made"
    ),
    (
        BomGroup,
        "bom_group",
        "BOM Group",
        "bom.group: inputs of one item made that share a group are substitutes (any one will do)"
    ),
    (
        Amount,
        "amount",
        "Amount",
        "spend, value, volume or quantity delivered: shares are computed from it"
    ),
    (
        Share,
        "share",
        "Share",
        "the supplier's share of the buyer's need of the item (a fraction, or a percentage)"
    ),
    (
        Qualified,
        "qualified",
        "Qualified",
        "whether the supplier is qualified (Qualified, Approved, Status)"
    ),
    (
        LeadTimeDays,
        "lead_time_days",
        "Lead Time Days",
        "supply.lead_time_days"
    ),
    (
        EndProduct,
        "end_product",
        "End Product",
        "yes: what the buyer makes with the item is an end product to report on"
    ),
    (
        AnnualRevenue,
        "annual_revenue",
        "Annual Revenue",
        "products.annual_revenue of that end product"
    ),
    (
        InventoryDays,
        "inventory_days",
        "Inventory Days",
        "products.inventory_days of that end product"
    ),
];

impl Field {
    pub fn info(self) -> &'static FieldInfo {
        FIELDS
            .iter()
            .find(|i| i.field == self)
            .unwrap_or(&FIELDS[0])
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The field named `name` (`supplier_country`, `supplier country`, `Supplier Country`).
    pub fn by_name(name: &str) -> Option<Field> {
        let key = fold(name).words;
        FIELDS
            .iter()
            .find(|i| fold(i.name).words == key)
            .map(|i| i.field)
    }

    /// Only these are needed.
    pub const REQUIRED: [Field; 3] = [Field::Supplier, Field::Buyer, Field::Item];
}

/// The synonyms of a field, folded, best first.
fn synonyms(field: Field) -> Vec<String> {
    let with = |words: &[&str], suffixes: &[&str]| -> Vec<String> {
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
    };
    let mut v: Vec<String> = match field {
        Field::Supplier => with(SUPPLIER_WORDS, &["", "name"]),
        Field::SupplierId => {
            let mut v = with(
                SUPPLIER_WORDS,
                &["id", "code", "number", "no", "lei", "duns"],
            );
            v.extend(["lei", "duns", "duns number", "lei code"].map(String::from));
            v
        }
        Field::SupplierCountry => {
            let mut v = with(
                SUPPLIER_WORDS,
                &["country", "country code", "country of origin"],
            );
            v.extend(["origin", "country of origin", "origin country"].map(String::from));
            v
        }
        Field::SupplierKind => with(SUPPLIER_WORDS, &["kind", "type"]),
        Field::SupplierRestricted => with(SUPPLIER_WORDS, &["restricted"]),
        Field::SupplierRecoveryDays => with(
            SUPPLIER_WORDS,
            &["recovery days", "recovery time", "time to recover"],
        ),
        Field::Buyer => with(BUYER_WORDS, &["", "name"]),
        Field::BuyerId => with(BUYER_WORDS, &["id", "code", "number", "no", "lei", "duns"]),
        Field::BuyerCountry => {
            let mut v = with(BUYER_WORDS, &["country", "country code"]);
            v.extend(
                [
                    "destination",
                    "destination country",
                    "country of destination",
                ]
                .map(String::from),
            );
            v
        }
        Field::BuyerKind => with(BUYER_WORDS, &["kind", "type"]),
        Field::BuyerRestricted => with(BUYER_WORDS, &["restricted"]),
        Field::BuyerRecoveryDays => with(
            BUYER_WORDS,
            &["recovery days", "recovery time", "time to recover"],
        ),
        Field::Item => with(ITEM_WORDS, &["", "name", "description"]),
        Field::ItemId => {
            let mut v = with(ITEM_WORDS, &["id", "code", "number", "no"]);
            v.push("sku".into());
            v
        }
        Field::ItemSector => {
            let mut v = with(ITEM_WORDS, &["sector", "category"]);
            v.extend(["sector", "category"].map(String::from));
            v
        }
        Field::ItemCritical => {
            let mut v = with(ITEM_WORDS, &["critical"]);
            v.push("critical".into());
            v
        }
        Field::UsedFor => USED_FOR_WORDS.iter().map(|w| w.to_string()).collect(),
        Field::UsedForId => with(USED_FOR_WORDS, &["id"]),
        Field::UsedForSector => with(USED_FOR_WORDS, &["sector"]),
        Field::UsedForCritical => with(USED_FOR_WORDS, &["critical"]),
        Field::BomQuantity => [
            "bom quantity",
            "quantity per",
            "qty per",
            "usage per unit",
            "quantity per assembly",
        ]
        .map(String::from)
        .to_vec(),
        Field::BomGroup => [
            "bom group",
            "substitute group",
            "alternate group",
            "substitutes group",
            "interchangeable group",
        ]
        .map(String::from)
        .to_vec(),
        Field::Amount => AMOUNT_WORDS.iter().map(|w| w.to_string()).collect(),
        Field::Share => [
            "share",
            "supply share",
            "share of supply",
            "supplier share",
            "market share",
            "allocation",
            "split",
        ]
        .map(String::from)
        .to_vec(),
        Field::Qualified => [
            "qualified",
            "approved",
            "status",
            "qualification",
            "qualification status",
            "approval status",
            "qualified supplier",
            "approved supplier",
        ]
        .map(String::from)
        .to_vec(),
        Field::LeadTimeDays => ["lead time days", "lead time", "leadtime", "lead days"]
            .map(String::from)
            .to_vec(),
        Field::EndProduct => ["end product", "is end product", "final product"]
            .map(String::from)
            .to_vec(),
        Field::AnnualRevenue => ["annual revenue", "revenue", "annual sales"]
            .map(String::from)
            .to_vec(),
        Field::InventoryDays => [
            "inventory days",
            "days of inventory",
            "days of stock",
            "stock days",
            "days on hand",
            "time to survive",
        ]
        .map(String::from)
        .to_vec(),
    };
    // The field's own name and export header always match.
    let info = field.info();
    v.insert(0, fold(info.header).words);
    v.insert(0, fold(info.name).words);
    v.dedup();
    v
}

/// A header, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub words: String,
    /// A `%` or the word percent/percentage/pct was in it.
    pub percent: bool,
}

/// Units and currencies dropped from the end of a header (`Spend USD`, `Volume kg`).
const UNIT_WORDS: &[&str] = &[
    "usd",
    "eur",
    "gbp",
    "jpy",
    "cny",
    "rmb",
    "chf",
    "inr",
    "krw",
    "twd",
    "cad",
    "aud",
    "k",
    "m",
    "mn",
    "bn",
    "000",
    "000s",
    "thousands",
    "millions",
    "kg",
    "t",
    "tonnes",
    "tons",
    "lbs",
    "pcs",
    "ea",
    "days",
    "d",
];

/// Folds a header: see the module's documentation.
pub fn fold(header: &str) -> Folded {
    let mut percent = header.contains('%');
    // Drop bracketed parts: units and notes.
    let mut plain = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let ascii = deunicode::deunicode(plain.trim_start_matches('\u{feff}'));
    let mut words: Vec<String> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.retain(|w| {
        let p = matches!(w.as_str(), "percent" | "percentage" | "pct");
        percent |= p;
        !p
    });
    // Units at the end, as long as a word is left (`Days` alone stays).
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| UNIT_WORDS.contains(&w.as_str()))
    {
        // `Lead Time Days`, `Recovery Days`: `days` is part of these names.
        let before = words[words.len() - 2].as_str();
        if words.last().is_some_and(|w| w == "days")
            && matches!(before, "time" | "recovery" | "inventory" | "lead" | "stock")
        {
            break;
        }
        words.pop();
    }
    Folded {
        words: words.join(" "),
        percent,
    }
}

/// How a column came to be a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// `--map FIELD=HEADER`.
    Mapped,
    /// Its header is this synonym.
    Synonym(String),
    /// Its header ends in this amount word.
    EndsWith(String),
}

/// Which column holds each field, and what was left.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Field -> (column, how it was found).
    pub columns: BTreeMap<Field, (usize, How)>,
    /// Columns that could have been a field but another column won: (field, column).
    pub passed_over: Vec<(Field, usize)>,
    /// Columns matched to no field.
    pub unrecognised: Vec<usize>,
    /// The share column is a percent column by its header.
    pub share_percent_header: bool,
}

impl Layout {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).map(|(c, _)| *c)
    }
}

/// A problem with the header row: (column or `None` for the row, message).
pub type HeaderProblem = (Option<usize>, String);

/// Tells each column's field from the header and the `--map` pairs.
pub fn layout(header: &[String], maps: &[(Field, String)]) -> Result<Layout, Vec<HeaderProblem>> {
    let folded: Vec<Folded> = header.iter().map(|h| fold(h)).collect();
    let mut problems = Vec::new();
    let mut out = Layout::default();
    let mut taken = vec![false; header.len()];
    for (field, wanted) in maps {
        let key = fold(wanted);
        let hits: Vec<usize> = (0..header.len())
            .filter(|&c| header[c].trim() == wanted.trim() || folded[c] == key)
            .collect();
        match hits.as_slice() {
            [c] => {
                if let Some((other, _)) = out.columns.get(field) {
                    problems.push((
                        Some(*c),
                        format!(
                            "--map names two columns for `{}`: `{}` and `{}` (expected one)",
                            field.name(),
                            header[*other],
                            header[*c]
                        ),
                    ));
                } else {
                    // A column may serve two fields when named so (a shipment table's
                    // destination country is the buyer and the buyer's country).
                    out.columns.insert(*field, (*c, How::Mapped));
                    taken[*c] = true;
                }
            }
            [] => problems.push((
                None,
                format!(
                    "--map {}={wanted}: no column is headed `{wanted}` (the headers are: {})",
                    field.name(),
                    header
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            many => problems.push((
                Some(many[1]),
                format!(
                    "--map {}={wanted}: {} columns are headed that way (expected one; rename one of them)",
                    field.name(),
                    many.len()
                ),
            )),
        }
    }
    // Candidates: (field, rank, column); rank orders exact synonyms by their place in the
    // list, then amount headers that end in an amount word.
    let mut candidates: Vec<(Field, usize, usize, How)> = Vec::new();
    for info in FIELDS {
        if out.columns.contains_key(&info.field) {
            continue;
        }
        let syns = synonyms(info.field);
        for (c, f) in folded.iter().enumerate() {
            if taken[c] {
                continue;
            }
            let share_by_percent = info.field == Field::Share && f.percent && f.words.is_empty();
            if let Some(rank) = syns.iter().position(|s| *s == f.words) {
                candidates.push((info.field, rank, c, How::Synonym(syns[rank].clone())));
            } else if share_by_percent {
                candidates.push((info.field, syns.len(), c, How::Synonym("%".into())));
            } else if info.field == Field::Amount
                && let Some(rank) = AMOUNT_WORDS
                    .iter()
                    .position(|w| f.words.ends_with(&format!(" {w}")))
            {
                candidates.push((
                    info.field,
                    1000 + rank,
                    c,
                    How::EndsWith(AMOUNT_WORDS[rank].to_string()),
                ));
            }
        }
    }
    // Exact matches of a field's own name first, then by field order: a column goes to the
    // first field it fits best.
    candidates.sort_by_key(|(field, rank, c, _)| (*rank, *field, *c));
    for (field, rank, c, how) in &candidates {
        if out.columns.contains_key(field) || taken[*c] {
            continue;
        }
        // Two columns of the same rank for one field cannot be told apart.
        if let Some((_, _, c2, _)) = candidates
            .iter()
            .find(|(f2, r2, c2, _)| f2 == field && r2 == rank && c2 != c && !taken[*c2])
        {
            problems.push((
                Some(*c2),
                format!(
                    "two columns could be the `{}`: `{}` (column {}) and `{}` (column {}) (expected one; name it with --map {}=HEADER)",
                    field.name(),
                    header[*c],
                    c + 1,
                    header[*c2],
                    c2 + 1,
                    field.name()
                ),
            ));
            taken[*c] = true;
            taken[*c2] = true;
            continue;
        }
        out.columns.insert(*field, (*c, how.clone()));
        taken[*c] = true;
    }
    for (field, _, c, _) in &candidates {
        if out.get(*field) != Some(*c) && !out.columns.values().any(|(x, _)| x == c) {
            out.passed_over.push((*field, *c));
        }
    }
    out.passed_over.sort();
    out.passed_over.dedup();
    out.unrecognised = (0..header.len())
        .filter(|c| !out.columns.values().any(|(x, _)| x == c))
        .collect();
    out.share_percent_header = out.get(Field::Share).is_some_and(|c| folded[c].percent);
    for field in Field::REQUIRED {
        if !out.columns.contains_key(&field) {
            problems.push((
                None,
                format!(
                    "no column names the {}: expected a header such as {} (or name one with --map {}=HEADER)",
                    field.name(),
                    synonyms(field)
                        .iter()
                        .skip(2)
                        .take(6)
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    field.name()
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The synonyms of every field, for the README and `--help`.
pub fn synonym_list(field: Field) -> Vec<String> {
    synonyms(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(headers: &[&str]) -> BTreeMap<Field, usize> {
        let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        layout(&header, &[])
            .unwrap()
            .columns
            .into_iter()
            .map(|(f, (c, _))| (f, c))
            .collect()
    }

    #[test]
    fn headers_fold_units_case_and_punctuation() {
        assert_eq!(fold("Spend (USD)").words, "spend");
        assert_eq!(fold("  SUPPLIER_COUNTRY ").words, "supplier country");
        assert_eq!(fold("Value, $").words, "value");
        assert_eq!(fold("Volume [kg]").words, "volume");
        assert_eq!(fold("Lead Time Days").words, "lead time days");
        let f = fold("Share %");
        assert!(f.percent && f.words == "share");
        assert_eq!(fold("\u{feff}Vendor").words, "vendor");
    }

    #[test]
    fn a_sourcing_sheet_is_recognised() {
        let f = fields_of(&[
            "Vendor",
            "Country of Origin",
            "Plant",
            "Plant Country",
            "Part",
            "Used In",
            "Spend (EUR)",
            "Share %",
            "Approved",
            "Notes",
        ]);
        assert_eq!(f[&Field::Supplier], 0);
        assert_eq!(f[&Field::SupplierCountry], 1);
        assert_eq!(f[&Field::Buyer], 2);
        assert_eq!(f[&Field::BuyerCountry], 3);
        assert_eq!(f[&Field::Item], 4);
        assert_eq!(f[&Field::UsedFor], 5);
        assert_eq!(f[&Field::Amount], 6);
        assert_eq!(f[&Field::Share], 7);
        assert_eq!(f[&Field::Qualified], 8);
        assert!(!f.values().any(|&c| c == 9));
    }

    #[test]
    fn the_export_headers_are_all_recognised() {
        let headers: Vec<&str> = FIELDS.iter().map(|i| i.header).collect();
        let f = fields_of(&headers);
        for (c, info) in FIELDS.iter().enumerate() {
            assert_eq!(f.get(&info.field), Some(&c), "{}", info.header);
        }
    }

    #[test]
    fn amount_words_at_the_end_and_their_order() {
        let header: Vec<String> = [
            "Vendor",
            "Country",
            "Molecule",
            "Line Item Quantity",
            "Line Item Value",
        ]
        .map(String::from)
        .to_vec();
        let l = layout(&header, &[]);
        // no buyer: an error that names the field
        let problems = l.unwrap_err();
        assert!(
            problems
                .iter()
                .any(|(_, m)| m.contains("no column names the buyer"))
        );
        let maps = vec![(Field::Buyer, "Country".to_string())];
        let l = layout(&header, &maps).unwrap();
        assert_eq!(l.get(Field::Amount), Some(4));
        assert!(l.passed_over.contains(&(Field::Amount, 3)));
        assert_eq!(l.columns[&Field::Buyer].1, How::Mapped);
    }

    #[test]
    fn two_equal_candidates_are_an_error_and_map_settles_it() {
        let header: Vec<String> = ["Supplier", "Vendor ", "vendor", "Buyer", "Item"]
            .map(String::from)
            .to_vec();
        // `Vendor ` and `vendor` fold alike, but `Supplier` is the better synonym.
        let l = layout(&header, &[]).unwrap();
        assert_eq!(l.get(Field::Supplier), Some(0));
        let header: Vec<String> = ["Vendor", "vendor", "Buyer", "Item"]
            .map(String::from)
            .to_vec();
        let err = layout(&header, &[]).unwrap_err();
        assert!(
            err[0].1.contains("two columns could be the `supplier`"),
            "{err:?}"
        );
        let err = layout(&header, &[(Field::Supplier, "Seller".into())]).unwrap_err();
        assert!(err[0].1.contains("no column is headed `Seller`"), "{err:?}");
    }
}
