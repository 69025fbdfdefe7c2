//! First pass: every row of the table into compact records, every distinct text interned,
//! every entity and item reference collected with the cells that describe it.

use super::columns::{Field, Layout};
use super::names::Placeholders;
use super::problem::{Origin, Problems};
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

/// The columns of one role a row names: the supplier, the buyer, the item, or what it is
/// used for.
struct Role {
    field: Field,
    id: Option<usize>,
    name: Option<usize>,
    /// Country, kind, restricted, recovery days (entities); sector, critical (items).
    attrs: [Option<usize>; 4],
    /// The table has the role's name column (for `used for`, its name or id column).
    present: bool,
}

impl Role {
    fn new(layout: &Layout, field: Field, id: Field, attrs: &[Field]) -> Role {
        let mut cols = [None; 4];
        for (c, f) in cols.iter_mut().zip(attrs) {
            *c = layout.get(*f);
        }
        Role {
            field,
            id: layout.get(id),
            name: layout.get(field),
            attrs: cols,
            present: layout.get(field).is_some(),
        }
    }
}

struct Cols {
    supplier: Role,
    buyer: Role,
    item: Role,
    used_for: Role,
    vals: [Option<usize>; 9],
}

impl Cols {
    fn new(layout: &Layout) -> Cols {
        let mut used_for = Role::new(
            layout,
            Field::UsedFor,
            Field::UsedForId,
            &[Field::UsedForSector, Field::UsedForCritical],
        );
        used_for.present |= used_for.id.is_some();
        Cols {
            supplier: Role::new(
                layout,
                Field::Supplier,
                Field::SupplierId,
                &[
                    Field::SupplierCountry,
                    Field::SupplierKind,
                    Field::SupplierRestricted,
                    Field::SupplierRecoveryDays,
                ],
            ),
            buyer: Role::new(
                layout,
                Field::Buyer,
                Field::BuyerId,
                &[
                    Field::BuyerCountry,
                    Field::BuyerKind,
                    Field::BuyerRestricted,
                    Field::BuyerRecoveryDays,
                ],
            ),
            item: Role::new(
                layout,
                Field::Item,
                Field::ItemId,
                &[Field::ItemSector, Field::ItemCritical],
            ),
            used_for,
            vals: VALUES.map(|f| layout.get(f)),
        }
    }
}

/// The cells of one row.
struct RowCells<'a, 'c> {
    cells: &'a [Cell<'c>],
    line: u64,
    origin: &'a Origin,
    first_column: usize,
}

/// One role's cells of a row: the id's text, and the name's and each attribute's text and
/// place.
struct Named<'t> {
    id: Option<&'t str>,
    name: (Option<&'t str>, At),
    attrs: [(Option<&'t str>, At); 4],
}

impl<'c> RowCells<'_, 'c> {
    /// The trimmed text of a column; an unreadable cell is reported and read as empty.
    fn get(&self, col: Option<usize>, diags: &mut Problems) -> Option<&'c str> {
        let c = col?;
        match self.cells.get(c).copied().unwrap_or(Cell::Text("")).text() {
            Ok(t) => t,
            Err(why) => {
                diags.error(
                    "unreadable-cell",
                    self.origin.cell(self.line, self.first_column + c),
                    format!("cell {why}"),
                );
                None
            }
        }
    }

    fn at(&self, col: Option<usize>) -> At {
        At {
            row: self.line,
            col: col.unwrap_or(0),
        }
    }

    /// The cells of `role`, read in column order of the role (id, name, attributes).
    fn named(&self, role: &Role, diags: &mut Problems) -> Named<'c> {
        let id = self.get(role.id, diags);
        let name = (self.get(role.name, diags), self.at(role.name));
        let attrs = role.attrs.map(|c| (self.get(c, diags), self.at(c)));
        Named { id, name, attrs }
    }
}

/// Raw entities and items by key, while the rows are read.
#[derive(Default)]
struct Keys {
    entity_of: KeyMap,
    item_of: KeyMap,
}

/// Reads every row of `table`.
pub fn read(
    table: &mut Table,
    layout: &Layout,
    placeholders: &Placeholders,
    diags: &mut Problems,
) -> Read {
    let cols = Cols::new(layout);
    let mut r = Read {
        strings: Interner::default(),
        entities: Vec::new(),
        items: Vec::new(),
        rows: Vec::new(),
        placeholders: BTreeMap::new(),
        country_placeholders: BTreeMap::new(),
    };
    let mut keys = Keys::default();
    let origin = table.origin.clone();
    let first_column = table.first_column;
    let result = table.for_each_row(|line, cells| {
        let row = RowCells {
            cells,
            line,
            origin: &origin,
            first_column,
        };
        let named = row.named(&cols.supplier, diags);
        let supplier = entity(
            &mut r,
            &mut keys.entity_of,
            placeholders,
            &row,
            &cols.supplier,
            named,
        );
        let named = row.named(&cols.buyer, diags);
        let buyer = entity(
            &mut r,
            &mut keys.entity_of,
            placeholders,
            &row,
            &cols.buyer,
            named,
        );
        let named = row.named(&cols.item, diags);
        let item_k = item(
            &mut r,
            &mut keys.item_of,
            placeholders,
            &row,
            &cols.item,
            named,
        );
        let named = row.named(&cols.used_for, diags);
        let used_for = item(
            &mut r,
            &mut keys.item_of,
            placeholders,
            &row,
            &cols.used_for,
            named,
        );
        let mut vals = [NONE; 9];
        for (k, col) in cols.vals.iter().enumerate() {
            if let Some(t) = row.get(*col, diags) {
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
fn entity(
    r: &mut Read,
    entity_of: &mut KeyMap,
    placeholders: &Placeholders,
    row: &RowCells<'_, '_>,
    role: &Role,
    cells: Named<'_>,
) -> u32 {
    let Named {
        id,
        name: (name, name_at),
        attrs,
    } = cells;
    let (line, field) = (row.line, role.field);
    if !role.present && id.is_none() {
        return NONE;
    }
    let id = id.filter(|t| !placeholders.is(t));
    let named = name.filter(|t| !placeholders.is(t));
    let key = match (id, named) {
        (Some(id), _) => Key::Id(r.strings.intern(id)),
        (None, Some(n)) => Key::Name(r.strings.intern(n)),
        (None, None) => return placeholder(r, field, name, name_at),
    };
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
fn item(
    r: &mut Read,
    item_of: &mut KeyMap,
    placeholders: &Placeholders,
    row: &RowCells<'_, '_>,
    role: &Role,
    cells: Named<'_>,
) -> u32 {
    let Named {
        id,
        name: (name, name_at),
        attrs,
    } = cells;
    let (line, field) = (row.line, role.field);
    if !role.present {
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
    let [sector, critical, _, _] = attrs;
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
