//! Restricted-party lists, read as they are published.
//!
//! Three formats, told apart by their first record ([`detect`]):
//!
//! - **OFAC SDN CSV** (`sdn.csv` from the U.S. Treasury): no header row, 12 fields per row
//!   (ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
//!   Vess_flag, Vess_owner, Remarks), `-0-` (with a trailing space) for an empty field, CRLF
//!   line ends and a DOS end-of-file byte (0x1A) after the last line. SDN_Type is `-0-` for an
//!   organisation, else `individual`, `vessel` or `aircraft`. Programs are written
//!   `IRAN] [SDGT`. Aliases sit inside Remarks: `a.k.a. 'BNC'; f.k.a. 'OLD NAME'`.
//! - **US Consolidated Screening List CSV** (trade.gov's `consolidated.csv`): a header row
//!   (`_id,source,entity_number,type,programs,name,title,addresses,...,alt_names,...`),
//!   `type` is `Entity`, `Individual`, `Vessel` or `Aircraft`, `programs` and `alt_names`
//!   are separated by `;`.
//! - **restricted.csv**, tierscope's own simple format: a header with `name` and optionally
//!   `entity`, `list`, `program`, `country` (see `datasets/README.md`).
//!
//! Every file is read under the dataset's CSV policy ([`crate::ingest::table`]): UTF-8 with
//! or without a byte-order mark, any line end, every bad row reported as `file:line:column`.

use crate::diag::{At, Diagnostics};
use crate::error::{Error, Result};
use crate::graph::parties::{Parties, RestrictedWhy};
use crate::ingest::table::{self, Column, Outcome, opt, req};
use crate::model::Dataset;
use serde::Serialize;
use std::io::Read;
use std::path::Path;

mod sdn;

pub use sdn::{SDN_COLUMNS, read_sdn, sdn_aliases};

/// How a list file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListFormat {
    /// OFAC's SDN CSV.
    OfacSdn,
    /// The US Consolidated Screening List CSV.
    Csl,
    /// tierscope's `restricted.csv`.
    RestrictedCsv,
}

impl ListFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ListFormat::OfacSdn => "ofac-sdn",
            ListFormat::Csl => "csl",
            ListFormat::RestrictedCsv => "restricted-csv",
        }
    }

    /// What the format is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            ListFormat::OfacSdn => "OFAC SDN CSV (no header, 12 fields)",
            ListFormat::Csl => "US Consolidated Screening List CSV",
            ListFormat::RestrictedCsv => "restricted.csv (tierscope format)",
        }
    }
}

/// What a listed party is. Only organisations are matched against candidate vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyType {
    Organization,
    Individual,
    Vessel,
    Aircraft,
}

impl PartyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyType::Organization => "organization",
            PartyType::Individual => "individual",
            PartyType::Vessel => "vessel",
            PartyType::Aircraft => "aircraft",
        }
    }
}

/// Another name a listed party is known by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub name: String,
    /// Where the alias comes from: `a.k.a.`, `f.k.a.`, `n.k.a.` (SDN remarks), `alt_names`
    /// (CSL), `entity name` (the dataset entity a restricted.csv row names).
    pub kind: String,
}

/// One listed party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The list's own id: OFAC's ent_num, the CSL `_id` (else `entity_number`), or for
    /// restricted.csv the line.
    pub uid: String,
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Alias>,
    #[serde(rename = "type")]
    pub party_type: PartyType,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// The published list it is on: `SDN`, the CSL `source`, restricted.csv's `list`.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The line of the file the entry starts on.
    pub line: u64,
    /// The dataset entity this entry is, when the list is the dataset's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

/// A list file, read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyList {
    /// The file as given (or the dataset folder for the dataset's own list).
    pub path: String,
    pub format: ListFormat,
    /// Records read (rows for the SDN file, data rows below the header otherwise).
    pub rows: u64,
    pub entries: Vec<Entry>,
}

impl PartyList {
    /// How many entries of each type the list holds.
    pub fn count(&self, t: PartyType) -> usize {
        self.entries.iter().filter(|e| e.party_type == t).count()
    }
}

/// Tells a list's format from its first record. Returns a message when it cannot.
pub fn detect(path: &Path) -> Result<std::result::Result<ListFormat, String>> {
    let mut head = Vec::new();
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Ok(Err("is a folder (expected a list file)".into()));
    }
    file.take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(detect_bytes(&head))
}

/// [`detect`] on the first bytes of a file.
pub fn detect_bytes(head: &[u8]) -> std::result::Result<ListFormat, String> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "file is UTF-16 encoded (expected UTF-8: in Excel, save as \"CSV UTF-8\")".into(),
        );
    }
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let mut first = csv::StringRecord::new();
    let found = loop {
        match reader.read_record(&mut first) {
            Ok(true) if first.len() == 1 && first[0].trim().is_empty() => continue,
            Ok(true) => break true,
            Ok(false) => break false,
            Err(_) => break false,
        }
    };
    if !found {
        return Err("file is empty or unreadable (expected a restricted-party list)".into());
    }
    let fields: Vec<String> = first
        .iter()
        .map(|f| f.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    if fields.len() == SDN_COLUMNS.len() && fields[0].parse::<u64>().is_ok() {
        return Ok(ListFormat::OfacSdn);
    }
    let has = |name: &str| fields.iter().any(|f| f == name);
    if has("source") && has("alt_names") {
        return Ok(ListFormat::Csl);
    }
    if has("name") {
        return Ok(ListFormat::RestrictedCsv);
    }
    Err(format!(
        "cannot tell the list's format from its first row ({} fields) (expected OFAC's SDN CSV: \
         no header, 12 fields, starting with a number; a Consolidated Screening List CSV: a \
         header with `source` and `alt_names`; or a restricted.csv: a header with `name`)",
        fields.len()
    ))
}

/// Reads a list file in whatever format it is in. Problems go to `diags`; a file that cannot
/// be read at all is an error.
pub fn read(path: &Path, ds: &Dataset, diags: &mut Diagnostics) -> Result<Option<PartyList>> {
    let format = match detect(path)? {
        Ok(f) => f,
        Err(why) => {
            diags.error("list-format", At::file(&path.display().to_string()), why);
            return Ok(None);
        }
    };
    match format {
        ListFormat::OfacSdn => read_sdn(path, diags).map(Some),
        ListFormat::Csl => read_csl(path, diags).map(Some),
        ListFormat::RestrictedCsv => read_restricted(path, ds, diags).map(Some),
    }
}

/// The columns of the Consolidated Screening List CSV that tierscope knows (all others are
/// noted and ignored). `source` and `name` are required.
const CSL_COLUMNS: &[Column] = &[
    req("source"),
    req("name"),
    opt("_id"),
    opt("entity_number"),
    opt("type"),
    opt("programs"),
    opt("alt_names"),
    opt("title"),
    opt("addresses"),
    opt("federal_register_notice"),
    opt("start_date"),
    opt("end_date"),
    opt("standard_order"),
    opt("license_requirement"),
    opt("license_policy"),
    opt("call_sign"),
    opt("vessel_type"),
    opt("gross_tonnage"),
    opt("gross_registered_tonnage"),
    opt("vessel_flag"),
    opt("vessel_owner"),
    opt("remarks"),
    opt("source_list_url"),
    opt("citizenships"),
    opt("dates_of_birth"),
    opt("nationalities"),
    opt("places_of_birth"),
    opt("source_information_url"),
    opt("ids"),
];

/// Reads a Consolidated Screening List CSV.
pub fn read_csl(path: &Path, diags: &mut Diagnostics) -> Result<PartyList> {
    let (dir, name) = split_path(path);
    let mut entries = Vec::new();
    let outcome = table::read(&dir, &name, CSL_COLUMNS, diags, |row, diags| {
        let source = row.required(0, diags);
        let name = row.required(1, diags);
        let (Some(source), Some(name)) = (source, name) else {
            return;
        };
        let party_type = match row.get(4).map(str::to_ascii_lowercase).as_deref() {
            None | Some("entity") => PartyType::Organization,
            Some("individual") => PartyType::Individual,
            Some("vessel") => PartyType::Vessel,
            Some("aircraft") => PartyType::Aircraft,
            Some(other) => {
                diags.warning(
                    "bad-value",
                    row.at(4),
                    format!(
                        "`type` is `{other}` (expected Entity, Individual, Vessel or Aircraft); screened as an organisation"
                    ),
                );
                PartyType::Organization
            }
        };
        let split = |text: Option<&str>| -> Vec<String> {
            text.map(|t| {
                t.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
        };
        let uid = row
            .get(2)
            .or(row.get(3))
            .map(str::to_string)
            .unwrap_or_else(|| format!("line {}", row.line));
        entries.push(Entry {
            uid,
            name: name.to_string(),
            aliases: split(row.get(6))
                .into_iter()
                .map(|name| Alias {
                    name,
                    kind: "alt_names".into(),
                })
                .collect(),
            party_type,
            programs: split(row.get(5)),
            source: source.to_string(),
            country: None,
            line: row.line,
            entity: None,
        });
    })?;
    finish(path, ListFormat::Csl, outcome, entries, diags)
}

/// The columns of restricted.csv.
const RESTRICTED_COLUMNS: &[Column] = &[
    req("name"),
    opt("entity"),
    opt("list"),
    opt("program"),
    opt("country"),
];

/// Reads a list in tierscope's restricted.csv format. An `entity` must name an entity of
/// the dataset; its name becomes an alias of the entry.
pub fn read_restricted(path: &Path, ds: &Dataset, diags: &mut Diagnostics) -> Result<PartyList> {
    let (dir, file) = split_path(path);
    let mut entries = Vec::new();
    let outcome = table::read(&dir, &file, RESTRICTED_COLUMNS, diags, |row, diags| {
        let Some(name) = row.required(0, diags) else {
            return;
        };
        let entity = match row.get(1) {
            None => None,
            Some(id) => match ds.entity_ix.get(id) {
                Some(&e) => Some(e),
                None => {
                    let hint = crate::ingest::did_you_mean(id, ds.entity_ix.keys());
                    diags.error(
                        "unknown-reference",
                        row.at(1),
                        format!(
                            "`entity` names unknown entity `{id}` (expected an id defined in the dataset's entities.csv{hint})"
                        ),
                    );
                    return;
                }
            },
        };
        entries.push(Entry {
            uid: format!("line {}", row.line),
            name: name.to_string(),
            aliases: entity
                .map(|e| Alias {
                    name: ds.entity(e).name.clone(),
                    kind: "entity name".into(),
                })
                .into_iter()
                .filter(|a| a.name != name)
                .collect(),
            party_type: PartyType::Organization,
            programs: row.get(3).map(|p| vec![p.to_string()]).unwrap_or_default(),
            source: row.get(2).unwrap_or("restricted.csv").to_string(),
            country: row.get(4).map(str::to_string),
            line: row.line,
            entity: entity.map(|e| ds.entity(e).id.clone()),
        });
    })?;
    finish(path, ListFormat::RestrictedCsv, outcome, entries, diags)
}

/// The dataset's own list: every `restricted.csv` row, and every entity that is restricted
/// without a row naming it (flagged in `entities.csv`, or by the 50 percent rule), so that a
/// candidate who *is* one of the dataset's restricted parties is found.
pub fn dataset_list(dir: &Path, ds: &Dataset, parties: &Parties) -> PartyList {
    let file = dir.join("restricted.csv");
    let path = if file.is_file() {
        file.display().to_string()
    } else {
        dir.display().to_string()
    };
    let mut entries = Vec::new();
    let mut named = vec![false; ds.entities.len()];
    for row in &ds.restricted {
        if let Some(e) = row.entity {
            named[e.ix()] = true;
        }
        entries.push(Entry {
            uid: format!("line {}", row.line),
            name: row.name.clone(),
            aliases: row
                .entity
                .map(|e| Alias {
                    name: ds.entity(e).name.clone(),
                    kind: "entity name".into(),
                })
                .into_iter()
                .filter(|a| a.name != row.name)
                .collect(),
            party_type: PartyType::Organization,
            programs: row.program.iter().cloned().collect(),
            source: row
                .list
                .clone()
                .unwrap_or_else(|| "restricted.csv".to_string()),
            country: row.country.clone(),
            line: row.line,
            entity: row.entity.map(|e| ds.entity(e).id.clone()),
        });
    }
    for (e, why) in parties.restricted.iter().enumerate() {
        let entity = &ds.entities[e];
        let (source, programs) = match why {
            Some(RestrictedWhy::Flag) if !named[e] => {
                ("entities.csv (restricted = true)".to_string(), Vec::new())
            }
            Some(RestrictedWhy::FiftyPercentRule { owners, total }) if !named[e] => (
                "50 percent rule (ownership.csv)".to_string(),
                vec![format!(
                    "{} held by restricted owners: {}",
                    crate::numbers::pct(*total),
                    super::owners::owner_shares(ds, owners)
                )],
            ),
            _ => continue,
        };
        entries.push(Entry {
            uid: entity.id.clone(),
            name: entity.name.clone(),
            aliases: Vec::new(),
            party_type: PartyType::Organization,
            programs,
            source,
            country: Some(ds.country(entity.country).code.clone()),
            line: entity.line,
            entity: Some(entity.id.clone()),
        });
    }
    PartyList {
        path,
        format: ListFormat::RestrictedCsv,
        rows: ds.restricted.len() as u64,
        entries,
    }
}

fn finish(
    path: &Path,
    format: ListFormat,
    outcome: Outcome,
    entries: Vec<Entry>,
    diags: &mut Diagnostics,
) -> Result<PartyList> {
    let display = path.display().to_string();
    let rows = match outcome {
        Outcome::Read { rows } => rows,
        Outcome::Missing => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        Outcome::Unusable => 0,
    };
    if matches!(outcome, Outcome::Read { rows: 0 }) {
        diags.warning("empty-list", At::file(&display), "list holds no entries");
    }
    Ok(PartyList {
        path: display,
        format,
        rows,
        entries,
    })
}

/// A path as the folder and file name [`table::read`] takes.
fn split_path(path: &Path) -> (std::path::PathBuf, String) {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_is_told_from_the_first_row() {
        let sdn = b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
        assert_eq!(detect_bytes(sdn), Ok(ListFormat::OfacSdn));
        let csl = b"_id,source,entity_number,type,programs,name,title,addresses,alt_names\n";
        assert_eq!(detect_bytes(csl), Ok(ListFormat::Csl));
        assert_eq!(
            detect_bytes(b"\xEF\xBB\xBFname,list\nAcme,EL\n"),
            Ok(ListFormat::RestrictedCsv)
        );
        assert!(detect_bytes(b"a,b,c\n1,2,3\n").is_err());
        assert!(detect_bytes(b"").is_err());
        assert!(detect_bytes(b"\xFF\xFEn\0").unwrap_err().contains("UTF-16"));
    }

    #[test]
    fn sdn_aliases_of_every_kind() {
        let a = sdn_aliases(
            "Additional Sanctions Information - Subject to Secondary Sanctions; a.k.a. 'CITC'; a.k.a. 'TCO'; f.k.a. 'POSIS'; n.k.a. 'OSIS'.",
        );
        let names: Vec<_> = a
            .iter()
            .map(|a| (a.kind.as_str(), a.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("a.k.a.", "CITC"),
                ("a.k.a.", "TCO"),
                ("f.k.a.", "POSIS"),
                ("n.k.a.", "OSIS")
            ]
        );
        assert!(sdn_aliases("Linked To: X; Website y.com.").is_empty());
        // An apostrophe inside the alias.
        assert_eq!(
            sdn_aliases("a.k.a. 'PEOPLE'S BANK'.")[0].name,
            "PEOPLE'S BANK"
        );
    }
}
