//! `tierscope export DIR --format flat`: a dataset written back as one sourcing sheet in the
//! layout `tierscope import` reads, so that an analyst can edit it in a spreadsheet and import
//! it again. `--out FILE.xlsx` writes a workbook (through `rust_xlsxwriter`): the sheet
//! `Sourcing`, and the sheets `Countries`, `Ownership` and `Restricted`; any other `--out`
//! (or standard output) writes CSV, with `STEM.countries.csv`, `STEM.ownership.csv` and
//! `STEM.restricted.csv` beside it.
//!
//! One row per supply row and item it goes into (`Used For`: the items its buyer makes that
//! need it); a row without a supplier for each input a maker has nobody mapped for (so that
//! the gap stays a gap); a row without a buyer for each BOM link no maker in the dataset
//! shows; a row with only a supplier for each entity no other row names (an owner, say).
//! Entity and item attributes are repeated on every row, as in a spreadsheet.

use super::columns::{FIELDS, Field};
use crate::error::{Error, Result};
use crate::model::{Dataset, EntityIx, ItemIx};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One cell of the flat table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
}

/// A table: its header and rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Option<Value>>>,
}

fn text(s: &str) -> Option<Value> {
    (!s.is_empty()).then(|| Value::Text(s.to_string()))
}

fn yes_no(b: bool) -> Option<Value> {
    Some(Value::Text(if b { "yes" } else { "no" }.into()))
}

/// One row of the flat table, by field (its place in [`FIELDS`]).
#[derive(Default)]
struct FlatRow([Option<Value>; FIELDS.len()]);

impl FlatRow {
    fn insert(&mut self, f: Field, v: Option<Value>) {
        self.0[slot(f)] = v;
    }
}

fn slot(f: Field) -> usize {
    FIELDS.iter().position(|i| i.field == f).unwrap_or(0)
}

/// The flat table of `ds`, and the extra tables (countries, ownership, restricted).
pub fn sheets(ds: &Dataset) -> Vec<Sheet> {
    let mut flat = Flat::new(ds);
    flat.supply_rows();
    flat.unmapped_inputs();
    flat.unshown_links();
    flat.unnamed_entities();
    let mut out = vec![flat.into_sheet()];
    out.extend(extra_sheets(ds));
    out
}

/// The flat table being built, with what the dataset's tables say about each row.
struct Flat<'a> {
    ds: &'a Dataset,
    /// The inputs of each item.
    bom: Vec<Vec<ItemIx>>,
    /// What each entity makes: the items it supplies or lists as products.
    makes: BTreeMap<EntityIx, BTreeSet<ItemIx>>,
    /// The product of each (entity, item), by index.
    product: BTreeMap<(EntityIx, ItemIx), usize>,
    quantity: BTreeMap<(ItemIx, ItemIx), f64>,
    group: BTreeMap<(ItemIx, ItemIx), &'a str>,
    rows: Vec<FlatRow>,
    /// Entities on a row.
    named: BTreeSet<EntityIx>,
    /// (buyer, item) pairs with a supply row.
    supplied: BTreeSet<(EntityIx, ItemIx)>,
    /// BOM links (item made, input) on a row.
    linked: BTreeSet<(ItemIx, ItemIx)>,
}

impl<'a> Flat<'a> {
    fn new(ds: &'a Dataset) -> Self {
        let mut makes: BTreeMap<EntityIx, BTreeSet<ItemIx>> = BTreeMap::new();
        for r in &ds.supply {
            makes.entry(r.supplier).or_default().insert(r.item);
        }
        let mut product: BTreeMap<(EntityIx, ItemIx), usize> = BTreeMap::new();
        for (k, p) in ds.products.iter().enumerate() {
            makes.entry(p.entity).or_default().insert(p.item);
            product.insert((p.entity, p.item), k);
        }
        let quantity = ds
            .bom
            .iter()
            .filter_map(|r| r.quantity.map(|q| ((r.item, r.input), q)))
            .collect();
        let group = ds
            .bom
            .iter()
            .filter_map(|r| r.group.as_deref().map(|g| ((r.item, r.input), g)))
            .collect();
        Flat {
            ds,
            bom: ds.bom_inputs(),
            makes,
            product,
            quantity,
            group,
            rows: Vec::new(),
            named: BTreeSet::new(),
            supplied: BTreeSet::new(),
            linked: BTreeSet::new(),
        }
    }

    /// The BOM cells of the link (item made `y`, input `x`).
    fn link_cells(&self, row: &mut FlatRow, y: ItemIx, x: ItemIx) {
        row.insert(
            Field::BomQuantity,
            self.quantity.get(&(y, x)).copied().map(Value::Number),
        );
        row.insert(
            Field::BomGroup,
            self.group.get(&(y, x)).copied().and_then(text),
        );
    }

    /// The items `b` makes that need `x`.
    fn used_for(&self, b: EntityIx, x: ItemIx) -> Vec<ItemIx> {
        self.makes
            .get(&b)
            .map(|ys| {
                ys.iter()
                    .copied()
                    .filter(|y| self.bom[y.ix()].contains(&x))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The cells of entity `e`, as the supplier or as the buyer.
    fn entity_cells(&self, row: &mut FlatRow, e: EntityIx, supplier: bool) {
        let ds = self.ds;
        let ent = ds.entity(e);
        let f = |s: Field, b: Field| if supplier { s } else { b };
        row.insert(f(Field::SupplierId, Field::BuyerId), text(&ent.id));
        row.insert(f(Field::Supplier, Field::Buyer), text(&ent.name));
        row.insert(
            f(Field::SupplierCountry, Field::BuyerCountry),
            text(&ds.country(ent.country).code),
        );
        row.insert(
            f(Field::SupplierKind, Field::BuyerKind),
            ent.kind.as_deref().and_then(text),
        );
        row.insert(
            f(Field::SupplierRestricted, Field::BuyerRestricted),
            ent.restricted.then(|| Value::Text("yes".into())),
        );
        row.insert(
            f(Field::SupplierRecoveryDays, Field::BuyerRecoveryDays),
            ent.recovery_days.map(Value::Number),
        );
    }

    /// The cells of item `x`, as the item or as what it is used for.
    fn item_cells(&self, row: &mut FlatRow, x: ItemIx, used: bool) {
        let it = self.ds.item(x);
        let f = |a: Field, b: Field| if used { b } else { a };
        row.insert(f(Field::ItemId, Field::UsedForId), text(&it.id));
        row.insert(f(Field::Item, Field::UsedFor), text(&it.name));
        row.insert(
            f(Field::ItemSector, Field::UsedForSector),
            it.sector.as_deref().and_then(text),
        );
        row.insert(
            f(Field::ItemCritical, Field::UsedForCritical),
            it.critical.then(|| Value::Text("yes".into())),
        );
    }

    /// The end-product cells of (entity `b`, item `y`).
    fn product_cells(&self, row: &mut FlatRow, b: EntityIx, y: ItemIx) {
        if let Some(&k) = self.product.get(&(b, y)) {
            let p = &self.ds.products[k];
            row.insert(Field::EndProduct, yes_no(true));
            row.insert(Field::AnnualRevenue, p.annual_revenue.map(Value::Number));
            row.insert(Field::InventoryDays, p.inventory_days.map(Value::Number));
        } else {
            row.insert(Field::EndProduct, yes_no(false));
        }
    }

    /// One row per supply row and item it goes into.
    fn supply_rows(&mut self) {
        let ds = self.ds;
        for r in &ds.supply {
            self.supplied.insert((r.buyer, r.item));
            self.named.insert(r.supplier);
            self.named.insert(r.buyer);
            let ys = self.used_for(r.buyer, r.item);
            let targets: Vec<Option<ItemIx>> = if ys.is_empty() {
                vec![None]
            } else {
                ys.into_iter().map(Some).collect()
            };
            for y in targets {
                let mut row = FlatRow::default();
                self.entity_cells(&mut row, r.supplier, true);
                self.entity_cells(&mut row, r.buyer, false);
                self.item_cells(&mut row, r.item, false);
                if let Some(y) = y {
                    self.item_cells(&mut row, y, true);
                    self.linked.insert((y, r.item));
                    self.link_cells(&mut row, y, r.item);
                    self.product_cells(&mut row, r.buyer, y);
                }
                row.insert(Field::Share, r.share.get().map(Value::Number));
                row.insert(Field::Qualified, yes_no(r.qualified));
                row.insert(
                    Field::LeadTimeDays,
                    r.lead_time_days.get().map(Value::Number),
                );
                self.rows.push(row);
            }
        }
    }

    /// Inputs a maker has nobody mapped for, and products with no input at all.
    fn unmapped_inputs(&mut self) {
        for (&b, ys) in &self.makes {
            for &y in ys {
                let inputs = &self.bom[y.ix()];
                for &x in inputs {
                    if self.supplied.contains(&(b, x)) {
                        continue;
                    }
                    let mut row = FlatRow::default();
                    self.entity_cells(&mut row, b, false);
                    self.item_cells(&mut row, x, false);
                    self.item_cells(&mut row, y, true);
                    self.link_cells(&mut row, y, x);
                    self.product_cells(&mut row, b, y);
                    self.linked.insert((y, x));
                    self.named.insert(b);
                    self.rows.push(row);
                }
                if inputs.is_empty() && self.product.contains_key(&(b, y)) {
                    let mut row = FlatRow::default();
                    self.entity_cells(&mut row, b, false);
                    self.item_cells(&mut row, y, true);
                    self.product_cells(&mut row, b, y);
                    self.named.insert(b);
                    self.rows.push(row);
                }
            }
        }
    }

    /// BOM links no maker shows.
    fn unshown_links(&mut self) {
        let ds = self.ds;
        for r in &ds.bom {
            if self.linked.insert((r.item, r.input)) {
                let mut row = FlatRow::default();
                self.item_cells(&mut row, r.input, false);
                self.item_cells(&mut row, r.item, true);
                self.link_cells(&mut row, r.item, r.input);
                self.rows.push(row);
            }
        }
    }

    /// Entities on no row yet (owners, say): a row with only the supplier.
    fn unnamed_entities(&mut self) {
        for (e, _) in self.ds.entities.iter().enumerate() {
            let e = EntityIx(e as u32);
            if !self.named.contains(&e) {
                let mut row = FlatRow::default();
                self.entity_cells(&mut row, e, true);
                self.rows.push(row);
            }
        }
    }

    /// The sheet: columns with no value at all are left out, except the ones import needs.
    fn into_sheet(self) -> Sheet {
        let rows = self.rows;
        let keep: Vec<Field> = FIELDS
            .iter()
            .map(|i| i.field)
            .filter(|f| *f != Field::Amount)
            .filter(|f| Field::REQUIRED.contains(f) || rows.iter().any(|r| r.0[slot(*f)].is_some()))
            .collect();
        Sheet {
            name: "Sourcing",
            header: keep.iter().map(|f| f.info().header.to_string()).collect(),
            rows: rows
                .into_iter()
                .map(|mut r| keep.iter().map(|f| r.0[slot(*f)].take()).collect())
                .collect(),
        }
    }
}

/// The countries sheet, and the ownership and restricted sheets when the dataset has them.
fn extra_sheets(ds: &Dataset) -> Vec<Sheet> {
    let mut out = Vec::new();
    out.push(Sheet {
        name: "Countries",
        header: ["code", "trust", "name", "governance"]
            .map(String::from)
            .to_vec(),
        rows: ds
            .countries
            .iter()
            .map(|c| {
                vec![
                    text(&c.code),
                    text(c.trust.as_str()),
                    c.name.as_deref().and_then(text),
                    c.governance.as_deref().and_then(text),
                ]
            })
            .collect(),
    });
    if !ds.ownership.is_empty() {
        out.push(Sheet {
            name: "Ownership",
            header: ["owner", "entity", "share"].map(String::from).to_vec(),
            rows: ds
                .ownership
                .iter()
                .map(|o| {
                    vec![
                        text(&ds.entity(o.owner).id),
                        text(&ds.entity(o.entity).id),
                        Some(Value::Number(o.share)),
                    ]
                })
                .collect(),
        });
    }
    if !ds.restricted.is_empty() {
        out.push(Sheet {
            name: "Restricted",
            header: ["name", "entity", "list", "program", "country"]
                .map(String::from)
                .to_vec(),
            rows: ds
                .restricted
                .iter()
                .map(|r| {
                    vec![
                        text(&r.name),
                        r.entity.and_then(|e| text(&ds.entity(e).id)),
                        r.list.as_deref().and_then(text),
                        r.program.as_deref().and_then(text),
                        r.country.as_deref().and_then(text),
                    ]
                })
                .collect(),
        });
    }
    out
}

/// A sheet as CSV.
pub fn csv_bytes(sheet: &Sheet) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&sheet.header);
    for row in &sheet.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                None => String::new(),
                Some(Value::Text(t)) => t.clone(),
                Some(Value::Number(n)) => format!("{n}"),
            })
            .collect();
        let _ = w.write_record(&cells);
    }
    w.into_inner().unwrap_or_default()
}

/// The rows a sheet of a workbook can hold, header included.
pub const MAX_SHEET_ROWS: usize = 1_048_576;

/// The sheets as one `.xlsx` workbook.
pub fn xlsx_bytes(sheets: &[Sheet]) -> std::result::Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        if sheet.rows.len() + 1 > MAX_SHEET_ROWS {
            return Err(format!(
                "the {} sheet would have {} rows, more than a workbook sheet holds ({MAX_SHEET_ROWS}) (expected a smaller dataset, or CSV: --out FILE.csv)",
                sheet.name,
                sheet.rows.len() + 1
            ));
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name).map_err(|e| e.to_string())?;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(|e| e.to_string())?;
            let width = sheet
                .rows
                .iter()
                .take(200)
                .filter_map(|r| match r.get(c) {
                    Some(Some(Value::Text(t))) => Some(t.chars().count()),
                    Some(Some(Value::Number(_))) => Some(10),
                    _ => None,
                })
                .chain(std::iter::once(h.chars().count()))
                .max()
                .unwrap_or(10)
                .clamp(6, 50);
            ws.set_column_width(c as u16, width as f64 + 2.0)
                .map_err(|e| e.to_string())?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    None => {}
                    // Written as text, never as a formula, whatever it starts with.
                    Some(Value::Text(t)) => {
                        ws.write_string(r, c as u16, t).map_err(|e| e.to_string())?;
                    }
                    Some(Value::Number(n)) => {
                        ws.write_number(r, c as u16, *n)
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        if !sheet.header.is_empty() {
            ws.autofilter(
                0,
                0,
                sheet.rows.len() as u32,
                (sheet.header.len() - 1) as u16,
            )
            .map_err(|e| e.to_string())?;
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// A file's name (in the output folder) and bytes.
pub type Named = (String, Vec<u8>);

/// Whether `path` names a workbook.
fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// The files of a flat export to `path` (relative names in its folder), or, without a path,
/// the CSV for standard output and the extra tables left out.
pub fn files(ds: &Dataset, path: Option<&Path>) -> Result<(Vec<Named>, Vec<String>)> {
    let sheets = sheets(ds);
    let mut notes = Vec::new();
    let Some(path) = path else {
        let left: Vec<&str> = sheets[1..].iter().map(|s| s.name).collect();
        notes.push(format!(
            "note: the {} {} not in standard output: export with --out FILE.csv (they go beside it) or --out FILE.xlsx (as sheets) to keep them",
            left.join(", "),
            if left.len() == 1 { "table is" } else { "tables are" }
        ));
        return Ok((vec![(String::new(), csv_bytes(&sheets[0]))], notes));
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("--out {} is not a file name", path.display())))?
        .to_string_lossy()
        .into_owned();
    if is_xlsx(path) {
        let bytes = xlsx_bytes(&sheets).map_err(|what| Error::Input {
            path: path.to_path_buf(),
            what,
        })?;
        return Ok((vec![(name, bytes)], notes));
    }
    let mut out = vec![(name, csv_bytes(&sheets[0]))];
    for sheet in &sheets[1..] {
        let sibling = super::extras::sibling(path, &sheet.name.to_lowercase())
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        out.push((sibling, csv_bytes(sheet)));
    }
    Ok((out, notes))
}

/// Runs `export --format flat`: writes the files all at once (or the CSV to `out`).
pub fn run(
    ds: &Dataset,
    path: Option<&Path>,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> Result<i32> {
    let (files, notes) = files(ds, path)?;
    for n in notes {
        let _ = writeln!(err, "{n}");
    }
    match path {
        None => {
            let bytes = &files[0].1;
            out.write_all(bytes)
                .and_then(|_| out.flush())
                .map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                })?;
        }
        Some(path) => {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let files: Vec<crate::report::write::OutFile> = files
                .into_iter()
                .map(|(name, bytes)| crate::report::write::OutFile {
                    path: name.into(),
                    bytes,
                })
                .collect();
            crate::report::write::write_all(parent, &files)?;
        }
    }
    Ok(crate::error::EXIT_OK)
}
