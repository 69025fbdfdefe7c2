//! OFAC's SDN CSV: no header row, twelve fields, `-0-` for empty, aliases inside Remarks.
//! Split from `lists.rs` because it is the one list format the dataset's CSV policy cannot
//! read as it stands (no header), so it has its own record loop and alias parser.

use super::*;

/// The SDN file's columns, in order (OFAC's published layout).
pub const SDN_COLUMNS: [&str; 12] = [
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
];

/// An SDN cell: trimmed, with OFAC's `-0-` read as empty.
pub(super) fn sdn_cell(record: &csv::StringRecord, i: usize) -> Option<&str> {
    let text = record.get(i)?.trim();
    (!text.is_empty() && text != "-0-").then_some(text)
}

/// Reads OFAC's SDN CSV.
pub fn read_sdn(path: &Path, diags: &mut Diagnostics) -> Result<PartyList> {
    let display = path.display().to_string();
    let mut entries = Vec::new();
    let outcome = table::read_headerless(path, diags, |line, record, diags| {
        if record.len() != SDN_COLUMNS.len() {
            diags.error(
                "field-count",
                At::line(&display, line),
                format!(
                    "row has {} fields (expected the SDN file's 12: {})",
                    record.len(),
                    SDN_COLUMNS.join(", ")
                ),
            );
            return;
        }
        let uid = match sdn_cell(record, 0) {
            Some(n) if n.parse::<u64>().is_ok() => n.to_string(),
            other => {
                diags.error(
                    "bad-value",
                    At::cell(&display, line, 1),
                    format!(
                        "`ent_num` is `{}` (expected OFAC's entry number, a whole number)",
                        other.unwrap_or("")
                    ),
                );
                return;
            }
        };
        let Some(name) = sdn_cell(record, 1) else {
            diags.error(
                "empty-required-cell",
                At::cell(&display, line, 2),
                "`SDN_Name` is empty (expected the listed name)",
            );
            return;
        };
        let party_type = match sdn_cell(record, 2).map(str::to_ascii_lowercase).as_deref() {
            None => PartyType::Organization,
            Some("individual") => PartyType::Individual,
            Some("vessel") => PartyType::Vessel,
            Some("aircraft") => PartyType::Aircraft,
            Some(other) => {
                diags.warning(
                    "bad-value",
                    At::cell(&display, line, 3),
                    format!(
                        "`SDN_Type` is `{other}` (expected -0-, individual, vessel or aircraft); screened as an organisation"
                    ),
                );
                PartyType::Organization
            }
        };
        let programs = sdn_cell(record, 3)
            .map(|p| {
                p.split("] [")
                    .map(|s| s.trim_matches(|c| c == '[' || c == ']').trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let aliases = sdn_cell(record, 11).map(sdn_aliases).unwrap_or_default();
        entries.push(Entry {
            uid,
            name: name.to_string(),
            aliases,
            party_type,
            programs,
            source: "SDN".into(),
            country: None,
            line,
            entity: None,
        });
    })?;
    finish(path, ListFormat::OfacSdn, outcome, entries, diags)
}

/// The aliases written in an SDN Remarks cell: `a.k.a. 'NAME'`, `f.k.a. 'NAME'` and
/// `n.k.a. 'NAME'`, separated by `;`. An alias that itself holds a `;` runs on to the next
/// closing quote.
///
/// ```
/// use tierscope::screen::lists::sdn_aliases;
/// let a = sdn_aliases("Website x.com; a.k.a. 'BNC'; f.k.a. 'OLD; NAME'.");
/// assert_eq!(a.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["BNC", "OLD; NAME"]);
/// assert_eq!(a[1].kind, "f.k.a.");
/// ```
pub fn sdn_aliases(remarks: &str) -> Vec<Alias> {
    let mut out = Vec::new();
    let parts: Vec<&str> = remarks.split(';').collect();
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i].trim_start();
        i += 1;
        let Some(kind) = ["a.k.a.", "f.k.a.", "n.k.a."]
            .into_iter()
            .find(|k| part.len() >= k.len() && part[..k.len()].eq_ignore_ascii_case(k))
        else {
            continue;
        };
        let rest = part[kind.len()..].trim_start();
        let Some(body) = rest.strip_prefix('\'') else {
            continue;
        };
        let mut text = body.to_string();
        // Run on while the closing quote is missing.
        while !closes(&text) && i < parts.len() {
            text.push(';');
            text.push_str(parts[i]);
            i += 1;
        }
        let end = text.trim_end().trim_end_matches('.').trim_end();
        let name = end.strip_suffix('\'').unwrap_or(end).trim();
        if !name.is_empty() {
            out.push(Alias {
                name: name.to_string(),
                kind: kind.to_string(),
            });
        }
    }
    out
}

pub(super) fn closes(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches('.')
        .trim_end()
        .ends_with('\'')
}
