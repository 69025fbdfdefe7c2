//! Which column of a flat table holds what, told from its header.
//!
//! Headers are compared folded: lower case, accents and punctuation gone, units and
//! currencies in brackets or at the end dropped (`Spend (USD)`, `Volume [kg]`, `Value, $`),
//! and a `%` or the word percent noted (it makes a share column a percent column). A header
//! matches a field when its folded words are one of the field's synonyms ([`FIELDS`]); an
//! amount header may also end in an amount word (`Line Item Value`, `Annual Spend`). Where
//! several columns could be one field, the earlier synonym wins, and the import report says
//! which columns were passed over. `--map FIELD=HEADER` names a column outright.

mod fold;
mod layout;
mod synonyms;

pub use fold::{Folded, fold};
pub use layout::{HeaderProblem, How, Layout, layout};
pub use synonyms::{AMOUNT_WORDS, synonym_list};

#[cfg(test)]
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
