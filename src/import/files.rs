//! The dataset's CSV files, written from the tables of [`build`](super::build): one
//! function per file, each sorted by ids so that the same table gives the same bytes.

use super::Files;
use super::build::{Out, OutCountry, OutSupply};

/// A number as the dataset files write it.
fn num(v: f64) -> String {
    format!("{v}")
}

fn opt_num(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn opt_bool(v: Option<bool>) -> String {
    v.map(|b| b.to_string()).unwrap_or_default()
}

/// The dataset's CSV files.
pub fn render(o: &Out) -> Files {
    let mut files = Files::new();
    countries_csv(&mut files, o);
    entities_csv(&mut files, o);
    items_csv(&mut files, o);
    bom_csv(&mut files, o);
    let supply_bytes = supply_csv(o);
    products_csv(&mut files, o);
    ownership_csv(&mut files, o);
    restricted_csv(&mut files, o);
    files.insert("supply.csv".to_string(), supply_bytes);
    files
}

/// Writes `rows` under `header` as the file `name`.
fn csv_file(files: &mut Files, name: &str, header: &[&str], rows: Vec<Vec<String>>) {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    files.insert(name.to_string(), w.into_inner().unwrap_or_default());
}

/// `countries.csv`, with a governance column only when some country has one.
fn countries_csv(files: &mut Files, o: &Out) {
    let mut countries: Vec<&OutCountry> = o.countries.iter().collect();
    countries.sort_by(|a, b| a.code.cmp(&b.code));
    let any_governance = countries.iter().any(|c| c.governance.is_some());
    csv_file(
        files,
        "countries.csv",
        if any_governance {
            &["code", "trust", "name", "governance"]
        } else {
            &["code", "trust", "name"]
        },
        countries
            .iter()
            .map(|c| {
                let mut r = vec![c.code.clone(), c.trust.as_str().to_string(), c.name.clone()];
                if any_governance {
                    r.push(c.governance.clone().unwrap_or_default());
                }
                r
            })
            .collect(),
    );
}

fn entities_csv(files: &mut Files, o: &Out) {
    let mut ents: Vec<usize> = (0..o.entities.len()).collect();
    ents.sort_by(|&a, &b| o.entities[a].id.cmp(&o.entities[b].id));
    csv_file(
        files,
        "entities.csv",
        &[
            "id",
            "name",
            "country",
            "kind",
            "restricted",
            "recovery_days",
        ],
        ents.iter()
            .map(|&i| {
                let e = &o.entities[i];
                vec![
                    e.id.clone(),
                    e.name.clone(),
                    e.country.clone(),
                    e.kind.clone().unwrap_or_default(),
                    opt_bool(e.restricted),
                    opt_num(e.recovery_days),
                ]
            })
            .collect(),
    );
}

fn items_csv(files: &mut Files, o: &Out) {
    let mut items: Vec<usize> = (0..o.items.len()).collect();
    items.sort_by(|&a, &b| o.items[a].id.cmp(&o.items[b].id));
    csv_file(
        files,
        "items.csv",
        &["id", "name", "sector", "critical"],
        items
            .iter()
            .map(|&i| {
                let x = &o.items[i];
                vec![
                    x.id.clone(),
                    x.name.clone(),
                    x.sector.clone().unwrap_or_default(),
                    opt_bool(x.critical),
                ]
            })
            .collect(),
    );
}

fn bom_csv(files: &mut Files, o: &Out) {
    let iid = |i: usize| o.items[i].id.clone();
    // The `group` column only when some input has one: data without substitutes keeps the
    // columns it always had.
    let grouped = o.bom.iter().any(|b| b.3.is_some());
    let mut bom: Vec<Vec<String>> = o
        .bom
        .iter()
        .map(|(y, x, q, grp)| {
            let mut row = vec![iid(*y), iid(*x), opt_num(*q)];
            if grouped {
                row.push(grp.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    bom.sort();
    let header: &[&str] = if grouped {
        &["item", "input", "quantity", "group"]
    } else {
        &["item", "input", "quantity"]
    };
    csv_file(files, "bom.csv", header, bom);
}

/// The bytes of `supply.csv`, the largest table: sorted by ids without copying them, written
/// without a string per cell.
fn supply_csv(o: &Out) -> Vec<u8> {
    let mut order: Vec<&OutSupply> = o.supply.iter().collect();
    order.sort_unstable_by(|a, b| {
        let key = |s: &OutSupply| {
            (
                o.entities[s.supplier].id.as_str(),
                o.entities[s.buyer].id.as_str(),
                o.items[s.item].id.as_str(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut w = csv::Writer::from_writer(Vec::with_capacity(o.supply.len() * 48));
    let _ = w.write_record([
        "supplier",
        "buyer",
        "item",
        "share",
        "qualified",
        "lead_time_days",
    ]);
    let (mut share, mut lead) = (String::new(), String::new());
    for s in order {
        share.clear();
        lead.clear();
        if let Some(v) = s.share {
            let _ = std::fmt::Write::write_fmt(&mut share, format_args!("{v}"));
        }
        if let Some(v) = s.lead_time_days {
            let _ = std::fmt::Write::write_fmt(&mut lead, format_args!("{v}"));
        }
        let _ = w.write_record([
            o.entities[s.supplier].id.as_str(),
            o.entities[s.buyer].id.as_str(),
            o.items[s.item].id.as_str(),
            &share,
            if s.qualified { "true" } else { "false" },
            &lead,
        ]);
    }
    w.into_inner().unwrap_or_default()
}

fn products_csv(files: &mut Files, o: &Out) {
    let mut products: Vec<Vec<String>> = o
        .products
        .iter()
        .map(|p| {
            vec![
                o.entities[p.entity].id.clone(),
                o.items[p.item].id.clone(),
                opt_num(p.annual_revenue),
                opt_num(p.inventory_days),
            ]
        })
        .collect();
    products.sort();
    csv_file(
        files,
        "products.csv",
        &["entity", "item", "annual_revenue", "inventory_days"],
        products,
    );
}

/// `ownership.csv`, when the table has owners.
fn ownership_csv(files: &mut Files, o: &Out) {
    if o.ownership.is_empty() {
        return;
    }
    let eid = |i: usize| o.entities[i].id.clone();
    let mut rows: Vec<Vec<String>> = o
        .ownership
        .iter()
        .map(|(a, b, s)| vec![eid(*a), eid(*b), num(*s)])
        .collect();
    rows.sort();
    csv_file(files, "ownership.csv", &["owner", "entity", "share"], rows);
}

/// `restricted.csv`, when the table has restricted parties.
fn restricted_csv(files: &mut Files, o: &Out) {
    if o.restricted.is_empty() {
        return;
    }
    let eid = |i: usize| o.entities[i].id.clone();
    let rows: Vec<Vec<String>> = o
        .restricted
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.entity.map(eid).unwrap_or_default(),
                r.list.clone().unwrap_or_default(),
                r.program.clone().unwrap_or_default(),
                r.country.clone().unwrap_or_default(),
            ]
        })
        .collect();
    csv_file(
        files,
        "restricted.csv",
        &["name", "entity", "list", "program", "country"],
        rows,
    );
}
