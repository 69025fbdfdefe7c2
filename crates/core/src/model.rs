//! The validated model of a dataset: countries, entities, items, BOM, supply, products,
//! ownership and restricted parties, with every id interned to a compact index.
//!
//! A [`Dataset`] only exists once every reference resolved, so analyses never look up a
//! string id: they index vectors with [`CountryIx`], [`EntityIx`] and [`ItemIx`].

use foldhash::HashMap;
use serde::Serialize;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, to index the dataset's vectors.
            #[inline]
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of a country in [`Dataset::countries`].
    CountryIx
);
index_type!(
    /// Index of an entity in [`Dataset::entities`].
    EntityIx
);
index_type!(
    /// Index of an item in [`Dataset::items`].
    ItemIx
);

/// How far a country is trusted, from `countries.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trust {
    Trusted,
    Neutral,
    Untrusted,
}

impl Trust {
    pub fn as_str(self) -> &'static str {
        match self {
            Trust::Trusted => "trusted",
            Trust::Neutral => "neutral",
            Trust::Untrusted => "untrusted",
        }
    }

    pub fn parse(text: &str) -> Option<Trust> {
        match text.to_ascii_lowercase().as_str() {
            "trusted" => Some(Trust::Trusted),
            "neutral" => Some(Trust::Neutral),
            "untrusted" => Some(Trust::Untrusted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub code: String,
    pub name: Option<String>,
    pub trust: Trust,
    /// Free text or a score, shown in reports as given.
    pub governance: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub country: CountryIx,
    /// Free text (`site`, `firm`, ...), except that `distributor` (any case) makes the entity
    /// pass items on: see [`Entity::is_distributor`].
    pub kind: Option<String>,
    /// `entities.restricted` as given (the full restricted set is computed in the graph).
    pub restricted: bool,
    /// Time to recover after a disruption, in days.
    pub recovery_days: Option<f64>,
    /// `entities.lei`: its ISO 17442 Legal Entity Identifier, checked on reading; the public
    /// identifier a supplier's profile discloses it by (else its name).
    pub lei: Option<String>,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub sector: Option<String>,
    pub critical: bool,
    pub line: u64,
}

impl Entity {
    /// `kind` is `distributor` (any case): the entity passes items on. Its production node
    /// (D, y) has exactly one requirement, {y}, met by D's suppliers of y; the BOM of y does
    /// not apply to it.
    pub fn is_distributor(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case(DISTRIBUTOR))
    }
}

/// The `entities.kind` that makes an entity a distributor (matched in any case).
pub const DISTRIBUTOR: &str = "distributor";

/// `item` needs `input`. Every input of an item is required, except that the rows of one item
/// with the same `group` are substitutes: together they are one requirement, met by any of
/// their inputs (see [`crate::graph::requirements`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BomRow {
    pub item: ItemIx,
    pub input: ItemIx,
    pub quantity: Option<f64>,
    /// The substitute group this row belongs to, within its item (`None`: a plain input).
    pub group: Option<String>,
    pub line: u64,
}

/// `supplier` delivers `item` to `buyer`.
///
/// 40 bytes: a dataset of 10 million rows holds 400 MB of them for the whole run (two
/// `Option<f64>` made it 56).
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRow {
    pub supplier: EntityIx,
    pub buyer: EntityIx,
    pub item: ItemIx,
    /// `false`: a known alternate, not part of today's supply.
    pub qualified: bool,
    /// The share as written; blank means "split what the given shares leave".
    pub share: Number,
    pub lead_time_days: Number,
    pub line: u64,
}

/// A number cell that may be blank, in 8 bytes where an `Option<f64>` takes 16: blank is a
/// NaN inside, which no cell holds (numbers are finite once read). Read it with
/// [`Number::get`]; make it from an `Option<f64>` (a NaN given is blank).
#[derive(Clone, Copy)]
pub struct Number(f64);

impl Number {
    /// A blank cell.
    pub const BLANK: Number = Number(f64::NAN);

    /// The number, `None` when blank.
    #[inline]
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }

    pub fn is_blank(self) -> bool {
        self.0.is_nan()
    }
}

impl From<Option<f64>> for Number {
    fn from(v: Option<f64>) -> Number {
        Number(v.unwrap_or(f64::NAN))
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Number {
        Number(v)
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// `entity` makes `item` for the market: an end product to report on.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub entity: EntityIx,
    pub item: ItemIx,
    pub annual_revenue: Option<f64>,
    /// Time to survive a disruption on stock, in days.
    pub inventory_days: Option<f64>,
    pub line: u64,
}

/// `owner` holds `share` of `entity`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ownership {
    pub owner: EntityIx,
    pub entity: EntityIx,
    pub share: f64,
    pub line: u64,
}

/// A party on a restricted-party list.
#[derive(Debug, Clone, PartialEq)]
pub struct RestrictedParty {
    pub name: String,
    /// The entity this row names by id, if any.
    pub entity: Option<EntityIx>,
    pub list: Option<String>,
    pub program: Option<String>,
    pub country: Option<String>,
    pub line: u64,
}

/// A whole validated dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The folder's name, e.g. `legacy-semiconductors`.
    pub name: String,
    pub countries: Vec<Country>,
    pub entities: Vec<Entity>,
    pub items: Vec<Item>,
    pub bom: Vec<BomRow>,
    pub supply: Vec<SupplyRow>,
    pub products: Vec<Product>,
    pub ownership: Vec<Ownership>,
    pub restricted: Vec<RestrictedParty>,
    pub country_ix: HashMap<String, CountryIx>,
    pub entity_ix: HashMap<String, EntityIx>,
    pub item_ix: HashMap<String, ItemIx>,
}

impl Dataset {
    pub fn country(&self, ix: CountryIx) -> &Country {
        &self.countries[ix.ix()]
    }
    pub fn entity(&self, ix: EntityIx) -> &Entity {
        &self.entities[ix.ix()]
    }
    pub fn item(&self, ix: ItemIx) -> &Item {
        &self.items[ix.ix()]
    }
    /// The country an entity is in.
    pub fn entity_country(&self, ix: EntityIx) -> &Country {
        self.country(self.entity(ix).country)
    }

    /// For each item, its BOM inputs in the dataset's row order (by input id once loaded).
    pub fn bom_inputs(&self) -> Vec<Vec<ItemIx>> {
        let mut inputs = vec![Vec::new(); self.items.len()];
        for row in &self.bom {
            inputs[row.item.ix()].push(row.input);
        }
        inputs
    }

    /// Applies a trust policy on top of `countries.csv`: each (code, trust) pair overrides
    /// the country's trust. Unknown codes are returned so the caller can report them.
    pub fn override_trust<'a>(
        &mut self,
        overrides: impl IntoIterator<Item = (&'a str, Trust)>,
    ) -> Vec<String> {
        let mut unknown = Vec::new();
        for (code, trust) in overrides {
            match self.country_ix.get(code) {
                Some(ix) => self.countries[ix.ix()].trust = trust,
                None => unknown.push(code.to_string()),
            }
        }
        unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Millions of supply rows are held for the whole run: 8 bytes more a row is 80 MB at
    /// 10 million rows. Widen it knowingly.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_supply_row_fits_in_40_bytes() {
        assert_eq!(std::mem::size_of::<Number>(), 8);
        assert!(std::mem::size_of::<SupplyRow>() <= 40);
    }

    #[test]
    fn a_number_reads_back_as_the_option_it_was_made_from() {
        for v in [
            None,
            Some(0.0),
            Some(-0.0),
            Some(0.25),
            Some(1e15),
            Some(-3.5),
        ] {
            let n = Number::from(v);
            assert_eq!(n.get(), v);
            assert_eq!(n.is_blank(), v.is_none());
            assert_eq!(n, Number::from(v));
            assert_eq!(format!("{n:?}"), format!("{v:?}"));
        }
        assert!(Number::BLANK.is_blank());
        assert_ne!(Number::from(0.5), Number::BLANK);
        // A NaN is no number a cell holds: it reads as blank.
        assert_eq!(Number::from(f64::NAN).get(), None);
        assert_eq!(Number::from(Some(1.0)), Number::from(1.0));
    }
}
