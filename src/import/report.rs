//! `import-report.md`: every decision the import made, for the person who will check it.

use super::columns::{Field, How, Layout};
use crate::model::Trust;
use std::fmt::Write as _;

/// A country text met in the table.
#[derive(Debug, Clone)]
pub struct CountryMet {
    pub text: String,
    pub code: String,
    pub name: String,
    /// How many entities wrote it that way.
    pub entities: usize,
}

/// A group of names that look alike: (name, why, first rows, rows), and what was done.
#[derive(Debug, Clone)]
pub struct Similar {
    pub names: Vec<(String, String, Vec<u64>, u64)>,
    pub outcome: String,
}

/// What the import decided, collected as it goes.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    pub source: Vec<String>,
    pub rows: u64,
    pub numbers: Vec<String>,
    pub countries_met: Vec<CountryMet>,
    pub trust: Vec<(String, Trust, &'static str)>,
    pub entities_by_id: usize,
    pub entities_by_name: usize,
    pub entities_linked: usize,
    pub placeholders: Vec<(Field, String, u64, String)>,
    pub country_placeholders: Vec<(String, u64)>,
    pub unknown_country_entities: usize,
    pub similar_entities: Vec<Similar>,
    pub similar_items: Vec<Similar>,
    pub supply_rows_read: u64,
    pub aggregated_rows: u64,
    pub rows_without_item: u64,
    pub rows_without_buyer: u64,
    pub groups_from_shares: usize,
    pub groups_from_amounts: usize,
    pub groups_estimated: usize,
    pub groups_single: usize,
    pub groups_with_placeholder: usize,
    pub written_equal_splits: Vec<String>,
    pub zero_amounts: Vec<String>,
    pub lead_times: Vec<String>,
    pub bom_inferred: bool,
    pub synthetic_outputs: usize,
    pub pass_through: Vec<String>,
    pub products_rule: String,
    pub ignored: Vec<String>,
    pub extras: Vec<String>,
    /// (file, rows)
    pub written: Vec<(String, usize)>,
    /// The validator's verdict on the result.
    pub validation: Vec<String>,
}

/// How many items of a long list the report shows.
const SHOWN: usize = 50;

fn list(s: &mut String, items: &[String]) {
    for i in items.iter().take(SHOWN) {
        let _ = writeln!(s, "- {i}");
    }
    if items.len() > SHOWN {
        let _ = writeln!(s, "- … and {} more", items.len() - SHOWN);
    }
}

/// A cell of a Markdown table: pipes escaped, one line.
fn md(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Renders the report.
pub fn render(
    notes: &Notes,
    header: &[String],
    layout: &Layout,
    products: &[(String, String)],
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Import report\n");
    let _ = writeln!(
        s,
        "What `tierscope import` read and every decision it made. Check the sections marked **check** before trusting the analysis.\n"
    );
    source(&mut s, notes);
    columns(&mut s, header, layout);
    numbers(&mut s, notes);
    countries(&mut s, notes);
    entities_and_items(&mut s, notes);
    supply(&mut s, notes);
    bom_and_products(&mut s, notes, products);
    files(&mut s, notes);
    s
}

/// The file and the extra tables read.
fn source(s: &mut String, notes: &Notes) {
    let _ = writeln!(s, "## Source\n");
    list(s, &notes.source);
    let _ = writeln!(s, "- {} data rows read", notes.rows);
    if !notes.extras.is_empty() {
        for e in &notes.extras {
            let _ = writeln!(s, "- extra table: {e}");
        }
    }
}

/// Which column became which field, and the columns passed over or not read.
fn columns(s: &mut String, header: &[String], layout: &Layout) {
    let _ = writeln!(s, "\n## Columns\n");
    let _ = writeln!(s, "| field | column | header | how |\n|---|---|---|---|");
    for (field, (col, how)) in &layout.columns {
        let how = match how {
            How::Mapped => "--map".to_string(),
            How::Synonym(w) => format!("header is `{w}`"),
            How::EndsWith(w) => format!("header ends in `{w}`"),
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            field.name(),
            super::problem::column_letters(*col),
            md(&header[*col]),
            how
        );
    }
    if !layout.passed_over.is_empty() {
        let _ = writeln!(
            s,
            "\n**check**: columns that could also have been a field, passed over for a better match (name another with `--map FIELD=HEADER`):\n"
        );
        for (field, col) in &layout.passed_over {
            let _ = writeln!(s, "- `{}` could be `{}`", md(&header[*col]), field.name());
        }
    }
    if !layout.unrecognised.is_empty() {
        let _ = writeln!(
            s,
            "\nColumns not read (no field's header; name one with `--map FIELD=HEADER`):\n"
        );
        let names: Vec<String> = layout
            .unrecognised
            .iter()
            .map(|c| {
                format!(
                    "`{}` ({})",
                    md(&header[*c]),
                    super::problem::column_letters(*c)
                )
            })
            .collect();
        let _ = writeln!(s, "{}", names.join(", "));
    }
}

/// How the number columns were read.
fn numbers(s: &mut String, notes: &Notes) {
    if !notes.numbers.is_empty() {
        let _ = writeln!(s, "\n## Numbers\n");
        list(s, &notes.numbers);
    }
}

/// The country texts met, and each country's trust.
fn countries(s: &mut String, notes: &Notes) {
    let _ = writeln!(s, "\n## Countries\n");
    if notes.countries_met.is_empty() {
        let _ = writeln!(s, "No country column was read.");
    } else {
        let _ = writeln!(s, "| written | code | name | entities |\n|---|---|---|---|");
        for c in notes.countries_met.iter().take(500) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&c.text),
                c.code,
                md(&c.name),
                c.entities
            );
        }
    }
    if notes.unknown_country_entities > 0 {
        let _ = writeln!(
            s,
            "\n**check**: {} entities have no country in the table: they are in `XX` (unknown). Country-level findings about `XX` group suppliers of unknown country, not one country.",
            notes.unknown_country_entities
        );
    }
    if !notes.country_placeholders.is_empty() {
        let parts: Vec<String> = notes
            .country_placeholders
            .iter()
            .map(|(t, n)| format!("`{}` ({n} rows)", md(t)))
            .collect();
        let _ = writeln!(s, "\nCountry cells read as unknown: {}.", parts.join(", "));
    }
    let _ = writeln!(
        s,
        "\nTrust (`countries.csv`):\n\n| code | trust | from |\n|---|---|---|"
    );
    for (code, trust, from) in &notes.trust {
        let _ = writeln!(s, "| {code} | {} | {from} |", trust.as_str());
    }
}

/// Where the entities came from, placeholders, and near-duplicate names.
fn entities_and_items(s: &mut String, notes: &Notes) {
    let _ = writeln!(s, "\n## Entities and items\n");
    let _ = writeln!(
        s,
        "- {} entities from the id column, {} from names (ids made from the names), {} names linked to an entity of the id column",
        notes.entities_by_id, notes.entities_by_name, notes.entities_linked
    );
    if !notes.placeholders.is_empty() {
        let _ = writeln!(
            s,
            "\nPlaceholders: never an entity or item. A supplier placeholder leaves its part of the buyer's need unmapped (a visibility gap).\n\n| field | written | rows | first |\n|---|---|---|---|"
        );
        for (field, text, rows, first) in notes.placeholders.iter().take(SHOWN) {
            let _ = writeln!(
                s,
                "| `{}` | {} | {rows} | {first} |",
                field.name(),
                md(text)
            );
        }
    }
    for (what, groups) in [
        ("entities", &notes.similar_entities),
        ("items", &notes.similar_items),
    ] {
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n**check**: {} groups of {what} whose names look like one name written differently:\n",
            groups.len()
        );
        for g in groups.iter().take(SHOWN) {
            let names: Vec<String> = g
                .names
                .iter()
                .map(|(n, why, rows, count)| {
                    format!(
                        "`{}` ({why}; {count} rows: {}{})",
                        md(n),
                        rows.iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                        if *count > rows.len() as u64 {
                            ", …"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            let _ = writeln!(s, "- {}: {}", names.join(" / "), g.outcome);
        }
        if groups.len() > SHOWN {
            let _ = writeln!(s, "- … and {} more", groups.len() - SHOWN);
        }
    }
}

/// The supply rows and where each pair's shares came from.
fn supply(s: &mut String, notes: &Notes) {
    let _ = writeln!(s, "\n## Supply and shares\n");
    let _ = writeln!(
        s,
        "- {} rows named a supplier, a buyer and an item; {} repeated an earlier supplier, buyer and item and were added to it (amounts summed)",
        notes.supply_rows_read, notes.aggregated_rows
    );
    if notes.rows_without_buyer > 0 {
        let _ = writeln!(
            s,
            "- {} rows name no buyer (or a placeholder): they say only who makes the item",
            notes.rows_without_buyer
        );
    }
    if notes.rows_without_item > 0 {
        let _ = writeln!(
            s,
            "- {} rows name no item (or a placeholder): they only describe entities",
            notes.rows_without_item
        );
    }
    let _ = writeln!(
        s,
        "- per buyer and item: {} from the share column, {} from amounts (amount over the buyer's total for the item, placeholders' amounts included), {} with one supplier",
        notes.groups_from_shares, notes.groups_from_amounts, notes.groups_single
    );
    if notes.groups_estimated > 0 {
        let _ = writeln!(
            s,
            "- **check**: {} buyer-item pairs have suppliers without a share or amount: their shares are left empty in `supply.csv`, and tierscope splits what is left equally among them. That is an estimate, not a measurement: findings resting on it are marked `estimated_shares`.",
            notes.groups_estimated
        );
    }
    if notes.groups_with_placeholder > 0 {
        let _ = writeln!(
            s,
            "- {} buyer-item pairs have a placeholder supplier: its part stays unmapped",
            notes.groups_with_placeholder
        );
    }
    if !notes.written_equal_splits.is_empty() {
        let _ = writeln!(s, "\n**check**: equal splits written as numbers:\n");
        list(s, &notes.written_equal_splits);
    }
    if !notes.zero_amounts.is_empty() {
        let _ = writeln!(s, "\nSuppliers with no amount:\n");
        list(s, &notes.zero_amounts);
    }
    if !notes.lead_times.is_empty() {
        let _ = writeln!(s, "\nLead times:\n");
        list(s, &notes.lead_times);
    }
}

/// How the BOM was made, and the end products.
fn bom_and_products(s: &mut String, notes: &Notes, products: &[(String, String)]) {
    let _ = writeln!(s, "\n## Bill of materials and end products\n");
    if notes.bom_inferred {
        let _ = writeln!(
            s,
            "**check**: the table has no used-for column. What each buyer buys was taken to go into every item it sells in the table; a buyer that sells nothing was given an item of its own, \"Output of BUYER\" ({} such items). Add a `Used For` column to say what each purchase is for.",
            notes.synthetic_outputs
        );
        if !notes.pass_through.is_empty() {
            let _ = writeln!(s);
            list(s, &notes.pass_through);
        }
    } else {
        let _ = writeln!(
            s,
            "BOM rows come from the (used for, item) pairs of the rows."
        );
    }
    let _ = writeln!(
        s,
        "\nEnd products: {} ({}).\n",
        notes.products_rule,
        products.len()
    );
    let shown: Vec<String> = products
        .iter()
        .map(|(e, x)| format!("`{}` of `{}`", md(x), md(e)))
        .collect();
    list(s, &shown);
    if !notes.ignored.is_empty() {
        let _ = writeln!(s);
        list(s, &notes.ignored);
    }
}

/// The files written and what the validator says of them.
fn files(s: &mut String, notes: &Notes) {
    let _ = writeln!(s, "\n## Files written\n");
    for (file, rows) in &notes.written {
        let _ = writeln!(s, "- `{file}`: {rows} rows");
    }
    if !notes.validation.is_empty() {
        let _ = writeln!(s, "\nWhat `tierscope validate` says of them:\n");
        list(s, &notes.validation);
    }
}
