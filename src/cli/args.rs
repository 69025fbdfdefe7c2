//! The argument groups several subcommands share (trust policy, analysis, presentation,
//! gate), with their value parsers. Split from `cli.rs`, which holds the subcommands
//! themselves; these are flattened into them (`#[command(flatten)]`).

use super::*;

/// The trust policy on top of countries.csv.
#[derive(Debug, Clone, Args, Default)]
pub struct TrustArgs {
    /// Treat these country codes as untrusted (comma-separated), on top of countries.csv
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub untrust: Vec<String>,
    /// Treat these country codes as trusted (comma-separated), on top of countries.csv
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub trust: Vec<String>,
    /// Where supply rows lead into a node profiles.csv takes from a supplier's profile: use
    /// the profile (drop the rows) or the data (ignore the profile); without it, an error
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub prefer: Option<Prefer>,
}

/// What `profile --disclose` adds beyond the country level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Disclose {
    /// The critical sub-tier entities, by LEI or else name (never the rest of the sub-tier).
    Entities,
}

/// Which source wins where profiles.csv and supply rows both describe a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Prefer {
    Profile,
    Data,
}

/// Thresholds and scope of an analysis. Unset flags fall back to the config file, then to
/// the defaults shown.
#[derive(Debug, Clone, Args, Default)]
pub struct AnalysisArgs {
    /// Levels whose findings are reported, comma-separated (default: all four)
    #[arg(long, value_parser = level(), value_delimiter = ',')]
    pub level: Vec<Level>,
    /// Only this end product, as ENTITY:ITEM
    #[arg(long, value_name = "ENTITY:ITEM")]
    pub product: Option<String>,
    /// Capacity at risk: report failures leaving at most 1 - this of a product's capacity [default: 0.5]
    #[arg(long, value_name = "FRACTION")]
    pub capacity_threshold: Option<f64>,
    /// Concentration: flag inputs whose country HHI is above this [default: 0.4]
    #[arg(long, value_name = "HHI")]
    pub hhi_threshold: Option<f64>,
    /// Asymmetric dependency: D(A, B) at least this [default: 0.5]
    #[arg(long, value_name = "FRACTION")]
    pub asymmetry_min: Option<f64>,
    /// Asymmetric dependency: D(A, B) - D(B, A) at least this [default: 0.25]
    #[arg(long, value_name = "FRACTION")]
    pub asymmetry_gap: Option<f64>,
    #[command(flatten)]
    pub trust: TrustArgs,
    #[command(flatten)]
    pub present: PresentArgs,
}

/// How the report presents itself: who it is for, and the currency of its money.
#[derive(Debug, Clone, Args, Default)]
pub struct PresentArgs {
    /// The report's title (default: Supply-chain risk report: DATASET)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The organisation the report is made by or for, shown under the title
    #[arg(long, value_name = "TEXT")]
    pub organisation: Option<String>,
    /// The ISO 4217 code revenues are in (e.g. EUR) [default: USD]
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
}

/// What makes a scheduled run fail, and what it is compared with.
#[derive(Debug, Clone, Args, Default)]
pub struct GateArgs {
    /// Exit with code 1 when a finding at or above this severity is found (waived ones do not count)
    #[arg(long, value_parser = severity(), value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// With --baseline, count only new (and escalated) findings for --fail-on
    #[arg(long)]
    pub fail_on_new: bool,
    /// The accepted report.json: marks each finding new or standing, and lists the resolved (a path that does not exist yet: every finding is new)
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Compare with no baseline, whatever the config file says (and update none)
    #[arg(long, conflicts_with_all = ["baseline", "update_baseline"])]
    pub no_baseline: bool,
    /// Write this run's report.json to the baseline path when the gate passes
    #[arg(long)]
    pub update_baseline: bool,
    /// Compare with, and gate on, a baseline of another dataset (refused with --fail-on-new otherwise)
    #[arg(long)]
    pub allow_other_dataset: bool,
    /// Keep this run's report.json in DIR as YYYY-MM-DD[-N].json (for `tierscope trend`)
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// The date of the run, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today in UTC)
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// A waivers file ([[waiver]] tables with id, reason, expires)
    // The help text, not a link: `[[waiver]]` is the TOML table header.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

/// A date flag: `YYYY-MM-DD`.
fn date(text: &str) -> Result<Date, String> {
    Date::parse(text)
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("`{text}` is not a date (expected YYYY-MM-DD)"))
}

/// The core's enums are plain types (the core has no argument parser): their flags list the
/// same possible values as a `ValueEnum` would, and parse with the core's `FromStr`.
pub(super) fn severity() -> impl TypedValueParser<Value = Severity> {
    PossibleValuesParser::new(Severity::ALL.map(Severity::as_str))
        .map(|s| s.parse().expect("one of the possible values"))
}

/// See [`severity`].
fn level() -> impl TypedValueParser<Value = Level> {
    PossibleValuesParser::new(Level::ALL.map(Level::as_str))
        .map(|s| s.parse().expect("one of the possible values"))
}

/// A size in bytes: a number with an optional unit K, M, G or T (powers of 1024, a trailing
/// `B` or `iB` allowed): `500M`, `2G`, `1048576`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (number, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        Some('T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let expected =
        || format!("`{text}` is not a size (expected a number of bytes, or e.g. 500M, 2G)");
    let v: f64 = number.trim().parse().map_err(|_| expected())?;
    if !v.is_finite() || v < 0.0 {
        return Err(expected());
    }
    Ok((v * (1u64 << shift) as f64).min(u64::MAX as f64) as u64)
}
