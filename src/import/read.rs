//! First pass: every row of the table into compact records, every distinct text interned,
//! every entity and item reference collected with the cells that describe it.

use super::columns::{Field, Layout};
use super::names::Placeholders;
use super::problem::Problems;
use super::table::{Cell, Table};
use foldhash::HashMap;
use std::collections::BTreeMap;

/// An interned text.
pub type Sym = u32;
/// No value.
pub const NONE: u32 = u32::MAX;
/// A placeholder (`Unknown`, `Various`, empty): not an entity or item.
pub const PLACEHOLDER: u32 = u32::MAX - 1;

/// Every distinct text of the table, once.
#[derive(Default)]
pub struct Interner {
    map: HashMap<Box<str>, Sym>,
    strs: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&k) = self.map.get(s) {
            return k;
        }
        let k = self.strs.len() as Sym;
        self.strs.push(s.into());
        self.map.insert(s.into(), k);
        k
    }

    pub fn get(&self, k: Sym) -> &str {
        &self.strs[k as usize]
    }
}

/// A cell: its row and its column (of the header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub row: u64,
    pub col: usize,
}

/// The distinct values met for one attribute, with where each was first met.
#[derive(Debug, Clone, Default)]
pub struct Attr {
    pub values: Vec<(Sym, At)>,
}

impl Attr {
    /// Adds `text` unless a value already holds it (compared before interning: an entity's
    /// cells repeat on every row it is on).
    fn add_text(&mut self, strings: &mut Interner, text: &str, at: At) {
        if self.values.iter().any(|(s, _)| strings.get(*s) == text) {
            return;
        }
        let sym = strings.intern(text);
        self.add(sym, at);
    }

    fn add(&mut self, sym: Sym, at: At) {
        if self.values.len() < 8 && !self.values.iter().any(|(s, _)| *s == sym) {
            self.values.push((sym, at));
        }
    }

    pub fn first(&self) -> Option<(Sym, At)> {
        self.values.first().copied()
    }
}

/// How an entity or item is named in the table: by the id column, or by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Id(Sym),
    Name(Sym),
}

/// An entity as the table refers to it, before ids are given.
#[derive(Debug, Clone)]
pub struct RawEntity {
    pub key: Key,
    pub names: Attr,
    pub country: Attr,
    pub kind: Attr,
    pub restricted: Attr,
    pub recovery: Attr,
    /// The first rows it is on (up to 5), and on how many in all.
    pub rows: Vec<u64>,
    pub count: u64,
}

/// An item as the table refers to it.
#[derive(Debug, Clone)]
pub struct RawItem {
    pub key: Key,
    pub names: Attr,
    pub sector: Attr,
    pub critical: Attr,
    pub rows: Vec<u64>,
    pub count: u64,
}

/// The numeric and yes/no cells a row may have, in [`Row::vals`].
pub const VALUES: [Field; 9] = [
    Field::Amount,
    Field::Share,
    Field::Qualified,
    Field::LeadTimeDays,
    Field::BomQuantity,
    Field::BomGroup,
    Field::EndProduct,
    Field::AnnualRevenue,
    Field::InventoryDays,
];

pub fn value_slot(f: Field) -> usize {
    VALUES.iter().position(|v| *v == f).unwrap_or(0)
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    /// Raw entity index, [`PLACEHOLDER`], or [`NONE`] (the table has no such column).
    pub supplier: u32,
    pub buyer: u32,
    /// Raw item index, or [`PLACEHOLDER`] / [`NONE`].
    pub item: u32,
    pub used_for: u32,
    /// The cells of [`VALUES`], interned ([`NONE`] when empty).
    pub vals: [Sym; 9],
}

/// A placeholder met: how many rows, and the first.
#[derive(Debug, Clone)]
pub struct PlaceholderUse {
    pub rows: u64,
    pub first: At,
}

/// Everything the first pass collected.
pub struct Read {
    pub strings: Interner,
    pub entities: Vec<RawEntity>,
    pub items: Vec<RawItem>,
    pub rows: Vec<Row>,
    /// (field, text as written or `(empty)`) -> use.
    pub placeholders: BTreeMap<(Field, String), PlaceholderUse>,
    /// Country cells that were placeholders: text -> rows.
    pub country_placeholders: BTreeMap<String, u64>,
}

struct Cols {
    supplier: Option<usize>,
    supplier_id: Option<usize>,
    supplier_country: Option<usize>,
    supplier_kind: Option<usize>,
    supplier_restricted: Option<usize>,
    supplier_recovery: Option<usize>,
    buyer: Option<usize>,
    buyer_id: Option<usize>,
    buyer_country: Option<usize>,
    buyer_kind: Option<usize>,
    buyer_restricted: Option<usize>,
    buyer_recovery: Option<usize>,
    item: Option<usize>,
    item_id: Option<usize>,
    item_sector: Option<usize>,
    item_critical: Option<usize>,
    used_for: Option<usize>,
    used_for_id: Option<usize>,
    used_for_sector: Option<usize>,
    used_for_critical: Option<usize>,
    vals: [Option<usize>; 9],
}

/// Reads every row of `table`.
pub fn read(
    table: &mut Table,
    layout: &Layout,
    placeholders: &Placeholders,
    diags: &mut Problems,
) -> Read {
    let g = |f| layout.get(f);
    let cols = Cols {
        supplier: g(Field::Supplier),
        supplier_id: g(Field::SupplierId),
        supplier_country: g(Field::SupplierCountry),
        supplier_kind: g(Field::SupplierKind),
        supplier_restricted: g(Field::SupplierRestricted),
        supplier_recovery: g(Field::SupplierRecoveryDays),
        buyer: g(Field::Buyer),
        buyer_id: g(Field::BuyerId),
        buyer_country: g(Field::BuyerCountry),
        buyer_kind: g(Field::BuyerKind),
        buyer_restricted: g(Field::BuyerRestricted),
        buyer_recovery: g(Field::BuyerRecoveryDays),
        item: g(Field::Item),
        item_id: g(Field::ItemId),
        item_sector: g(Field::ItemSector),
        item_critical: g(Field::ItemCritical),
        used_for: g(Field::UsedFor),
        used_for_id: g(Field::UsedForId),
        used_for_sector: g(Field::UsedForSector),
        used_for_critical: g(Field::UsedForCritical),
        vals: VALUES.map(g),
    };
    let mut r = Read {
        strings: Interner::default(),
        entities: Vec::new(),
        items: Vec::new(),
        rows: Vec::new(),
        placeholders: BTreeMap::new(),
        country_placeholders: BTreeMap::new(),
    };
    let mut entity_of = KeyMap::default();
    let mut item_of = KeyMap::default();
    let origin = table.origin.clone();
    let first_column = table.first_column;
    let result = table.for_each_row(|line, cells| {
        // The trimmed text of a column; an unreadable cell is reported and read as empty.
        let get = |col: Option<usize>, diags: &mut Problems| -> Option<&str> {
            let c = col?;
            match cells.get(c).copied().unwrap_or(Cell::Text("")).text() {
                Ok(t) => t,
                Err(why) => {
                    diags.error(
                        "unreadable-cell",
                        origin.cell(line, first_column + c),
                        format!("cell {why}"),
                    );
                    None
                }
            }
        };
        let at = |col: Option<usize>| At {
            row: line,
            col: col.unwrap_or(0),
        };
        let supplier = entity(
            &mut r,
            &mut entity_of,
            placeholders,
            line,
            Field::Supplier,
            (get(cols.supplier_id, diags), at(cols.supplier_id)),
            (get(cols.supplier, diags), at(cols.supplier)),
            cols.supplier.is_some(),
            [
                (get(cols.supplier_country, diags), at(cols.supplier_country)),
                (get(cols.supplier_kind, diags), at(cols.supplier_kind)),
                (
                    get(cols.supplier_restricted, diags),
                    at(cols.supplier_restricted),
                ),
                (
                    get(cols.supplier_recovery, diags),
                    at(cols.supplier_recovery),
                ),
            ],
        );
        let buyer = entity(
            &mut r,
            &mut entity_of,
            placeholders,
            line,
            Field::Buyer,
            (get(cols.buyer_id, diags), at(cols.buyer_id)),
            (get(cols.buyer, diags), at(cols.buyer)),
            cols.buyer.is_some(),
            [
                (get(cols.buyer_country, diags), at(cols.buyer_country)),
                (get(cols.buyer_kind, diags), at(cols.buyer_kind)),
                (get(cols.buyer_restricted, diags), at(cols.buyer_restricted)),
                (get(cols.buyer_recovery, diags), at(cols.buyer_recovery)),
            ],
        );
        let item_k = item(
            &mut r,
            &mut item_of,
            placeholders,
            line,
            Field::Item,
            (get(cols.item_id, diags), at(cols.item_id)),
            (get(cols.item, diags), at(cols.item)),
            cols.item.is_some(),
            [
                (get(cols.item_sector, diags), at(cols.item_sector)),
                (get(cols.item_critical, diags), at(cols.item_critical)),
            ],
        );
        let used_for = item(
            &mut r,
            &mut item_of,
            placeholders,
            line,
            Field::UsedFor,
            (get(cols.used_for_id, diags), at(cols.used_for_id)),
            (get(cols.used_for, diags), at(cols.used_for)),
            cols.used_for.is_some() || cols.used_for_id.is_some(),
            [
                (get(cols.used_for_sector, diags), at(cols.used_for_sector)),
                (
                    get(cols.used_for_critical, diags),
                    at(cols.used_for_critical),
                ),
            ],
        );
        let mut vals = [NONE; 9];
        for (k, col) in cols.vals.iter().enumerate() {
            if let Some(t) = get(*col, diags) {
                vals[k] = r.strings.intern(t);
            }
        }
        r.rows.push(Row {
            line,
            supplier,
            buyer,
            item: item_k,
            used_for,
            vals,
        });
    });
    if let Err(e) = result {
        diags.opening(e);
    }
    r
}

/// Raw entities (or items) by key: texts are interned densely, so a vector indexed by the
/// text's number finds them without hashing the text a second time.
#[derive(Default)]
struct KeyMap {
    by_id: Vec<u32>,
    by_name: Vec<u32>,
}

impl KeyMap {
    fn slot(&mut self, key: Key) -> &mut u32 {
        let (v, s) = match key {
            Key::Id(s) => (&mut self.by_id, s),
            Key::Name(s) => (&mut self.by_name, s),
        };
        if v.len() <= s as usize {
            v.resize(s as usize + 1, NONE);
        }
        &mut v[s as usize]
    }

    fn get(&mut self, key: Key) -> Option<u32> {
        let k = *self.slot(key);
        (k != NONE).then_some(k)
    }

    fn insert(&mut self, key: Key, k: u32) {
        *self.slot(key) = k;
    }
}

/// Notes a placeholder in `field`.
fn placeholder(r: &mut Read, field: Field, text: Option<&str>, at: At) -> u32 {
    let text = text.unwrap_or("(empty)").to_string();
    r.placeholders
        .entry((field, text))
        .and_modify(|u| u.rows += 1)
        .or_insert(PlaceholderUse { rows: 1, first: at });
    PLACEHOLDER
}

/// The raw entity a row names in one role, with its attribute cells (country, kind,
/// restricted, recovery days).
#[allow(clippy::too_many_arguments)]
fn entity(
    r: &mut Read,
    entity_of: &mut KeyMap,
    placeholders: &Placeholders,
    line: u64,
    field: Field,
    (id, id_at): (Option<&str>, At),
    (name, name_at): (Option<&str>, At),
    has_column: bool,
    attrs: [(Option<&str>, At); 4],
) -> u32 {
    if !has_column && id.is_none() {
        return NONE;
    }
    let id = id.filter(|t| !placeholders.is(t));
    let named = name.filter(|t| !placeholders.is(t));
    let key = match (id, named) {
        (Some(id), _) => Key::Id(r.strings.intern(id)),
        (None, Some(n)) => Key::Name(r.strings.intern(n)),
        (None, None) => return placeholder(r, field, name, name_at),
    };
    let _ = id_at;
    let k = match entity_of.get(key) {
        Some(k) => k,
        None => {
            let k = r.entities.len() as u32;
            entity_of.insert(key, k);
            r.entities.push(RawEntity {
                key,
                names: Attr::default(),
                country: Attr::default(),
                kind: Attr::default(),
                restricted: Attr::default(),
                recovery: Attr::default(),
                rows: Vec::new(),
                count: 0,
            });
            k
        }
    };
    let Read {
        strings,
        entities,
        country_placeholders,
        ..
    } = r;
    let e = &mut entities[k as usize];
    if let Some(n) = named {
        e.names.add_text(strings, n, name_at);
    }
    let [country, kind, restricted, recovery] = attrs;
    if let (Some(t), at) = country {
        if placeholders.is(t) {
            *country_placeholders.entry(t.to_string()).or_insert(0) += 1;
        } else {
            e.country.add_text(strings, t, at);
        }
    }
    for ((text, at), attr) in [kind, restricted, recovery].into_iter().zip([
        &mut e.kind,
        &mut e.restricted,
        &mut e.recovery,
    ]) {
        if let Some(t) = text {
            attr.add_text(strings, t, at);
        }
    }
    if e.rows.len() < 5 {
        e.rows.push(line);
    }
    e.count += 1;
    k
}

/// The raw item a row names in one role (item, or used for), with its sector and critical
/// cells.
#[allow(clippy::too_many_arguments)]
fn item(
    r: &mut Read,
    item_of: &mut KeyMap,
    placeholders: &Placeholders,
    line: u64,
    field: Field,
    (id, _): (Option<&str>, At),
    (name, name_at): (Option<&str>, At),
    has_column: bool,
    attrs: [(Option<&str>, At); 2],
) -> u32 {
    if !has_column {
        return NONE;
    }
    let id = id.filter(|t| !placeholders.is(t));
    let named = name.filter(|t| !placeholders.is(t));
    let key = match (id, named) {
        (Some(id), _) => Key::Id(r.strings.intern(id)),
        (None, Some(n)) => Key::Name(r.strings.intern(n)),
        // An empty `used for` says nothing; only a written placeholder is noted.
        (None, None) if field == Field::UsedFor && name.is_none() => return PLACEHOLDER,
        (None, None) => return placeholder(r, field, name, name_at),
    };
    let k = match item_of.get(key) {
        Some(k) => k,
        None => {
            let k = r.items.len() as u32;
            item_of.insert(key, k);
            r.items.push(RawItem {
                key,
                names: Attr::default(),
                sector: Attr::default(),
                critical: Attr::default(),
                rows: Vec::new(),
                count: 0,
            });
            k
        }
    };
    let Read { strings, items, .. } = r;
    let it = &mut items[k as usize];
    if let Some(n) = named {
        it.names.add_text(strings, n, name_at);
    }
    let [sector, critical] = attrs;
    if let (Some(t), at) = sector {
        it.sector.add_text(strings, t, at);
    }
    if let (Some(t), at) = critical {
        it.critical.add_text(strings, t, at);
    }
    if it.rows.len() < 5 {
        it.rows.push(line);
    }
    it.count += 1;
    k
}
