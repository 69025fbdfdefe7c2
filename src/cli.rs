//! Command-line arguments (clap derive). No I/O here.

use crate::analysis::findings::Severity;
use crate::analysis::groups::Level;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tierscope",
    version,
    about = "Map a supply chain as a graph and find where it can break",
    long_about = "tierscope reads a dataset folder of CSV files (countries, entities, items, bom, \
supply, products, and optionally ownership and restricted) and finds single points of failure, \
exposure to untrusted countries and restricted parties, concentration and blind spots.",
    after_help = "Exit codes: 0 = ran (nothing at or above --fail-on); 1 = findings at or above \
--fail-on; 2 = usage, input or output error.\n\nExamples:\n  tierscope validate datasets/legacy-semiconductors\n  tierscope summary datasets/biologic-ingredients --format json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Settings file (default: ./tierscope.toml when it exists); flags win over it
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No progress bars or notes on stderr (errors are still printed)
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a dataset folder and list every problem as file:line:column
    #[command(
        after_help = "Errors make the exit code 2; warnings and notes do not.\n\n\
Examples:\n  tierscope validate datasets/legacy-semiconductors\n  tierscope validate my-data --format json > problems.json"
    )]
    Validate {
        /// The dataset folder
        dir: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
    },
    /// Describe a dataset: sizes, BOM depth, coverage, counts by country, trust and sector
    #[command(
        after_help = "Examples:\n  tierscope summary datasets/biologic-ingredients\n  \
tierscope summary datasets/legacy-semiconductors --format json"
    )]
    Summary {
        /// The dataset folder
        dir: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
    },
    /// Find single points of failure, exposure, concentration, asymmetry and blind spots
    #[command(
        after_help = "Text output is a ranked list of findings, most severe first; \
--format json prints the report JSON (schema_version, dataset, summary, products, findings).\n\n\
Examples:\n  tierscope analyze datasets/legacy-semiconductors\n  \
tierscope analyze datasets/legacy-semiconductors --level country,untrusted --format json\n  \
tierscope analyze datasets/biologic-ingredients --product pfizer:mrna-vaccine-vial\n  \
tierscope analyze my-data --untrust CN,RU --capacity-threshold 0.3"
    )]
    Analyze {
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        #[command(flatten)]
        analysis: AnalysisArgs,
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Write the risk report: HTML, Markdown, JSON, CSV and charts (SVG, PNG)
    #[command(
        after_help = "Writes report.html (self-contained), report.md, report.json, \
findings.csv and charts/*.svg|png into --out (default reports/<dataset-name>/). Every file is \
written to a temporary name and renamed only when all are written, so a failed run leaves the \
previous report intact. The same input gives byte-identical files.\n\n\
Examples:\n  tierscope report datasets/legacy-semiconductors\n  \
tierscope report datasets/biologic-ingredients --out /tmp/bio --format html,json --charts svg\n  \
tierscope report my-data --fail-on critical"
    )]
    Report {
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// Output folder (default: reports/<dataset-name>/)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Formats to write, comma-separated (default: all)
        #[arg(long, value_enum, value_delimiter = ',')]
        format: Vec<ReportFormat>,
        /// Chart formats to write, comma-separated; `none` for no chart files (default: svg,png)
        #[arg(long, value_enum, value_delimiter = ',')]
        charts: Vec<ChartFormat>,
        #[command(flatten)]
        analysis: AnalysisArgs,
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Export the production graph for Graphviz (dot), Gephi/yEd (graphml) or networkx (json)
    #[command(
        after_help = "Nodes are production nodes ENTITY/ITEM with entity, item, names, \
country, trust, untrusted, restricted, spof (an entity-level single point of failure of some \
end product), product and tier attributes; edges go supplier -> buyer with the rescaled share. \
The json format is networkx's node-link format.\n\n\
Examples:\n  tierscope export datasets/legacy-semiconductors --format dot | dot -Tsvg > graph.svg\n  \
tierscope export datasets/biologic-ingredients --format graphml --out bio.graphml\n  \
tierscope export datasets/legacy-semiconductors --format json --out graph.json"
    )]
    Export {
        /// The dataset folder
        dir: PathBuf,
        /// Graph format
        #[arg(long, value_enum, default_value_t = ExportFormat::Dot)]
        format: ExportFormat,
        /// Output file (default: standard output); written atomically
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Compare two report.json files: added, resolved, severity changed, metric moved
    #[command(
        after_help = "A change of method (report schema, analysis rules, thresholds, \
trust policy) is reported first, since findings may then change without the supply chain \
changing. With --fail-on, exits 1 when an added finding, or one whose severity rose, is at or \
above that severity.\n\n\
Examples:\n  tierscope diff yesterday/report.json reports/legacy-semiconductors/report.json\n  \
tierscope diff old.json new.json --tolerance 0.05 --format json"
    )]
    Diff {
        /// The earlier report.json
        old: PathBuf,
        /// The later report.json
        new: PathBuf,
        /// Smallest change of a metric that is reported
        #[arg(long, default_value_t = 0.01, value_name = "AMOUNT")]
        tolerance: f64,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        /// Exit with code 1 when an added or worsened finding is at or above this severity
        #[arg(long, value_parser = severity(), value_name = "SEVERITY")]
        fail_on: Option<Severity>,
    },
    /// Fail entities, owners, countries or every untrusted supplier, and see what stops
    #[command(
        after_help = "LEVEL:ID is entity:ID, owner:ID (the entity and everything it \
controls by majority), country:CODE, or untrusted (no id). The failure set applies as given: \
the products' own entities included.\n\n\
Examples:\n  tierscope whatif datasets/legacy-semiconductors --fail country:CN\n  \
tierscope whatif datasets/biologic-ingredients --fail untrusted --format json\n  \
tierscope whatif my-data --fail entity:fab-tw --fail country:JP"
    )]
    Whatif {
        /// The dataset folder
        dir: PathBuf,
        /// A failure: LEVEL:ID (repeatable)
        #[arg(long = "fail", value_name = "LEVEL:ID", required = true)]
        fail: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Screen candidate vendors: restricted-party lists, ownership, and what each would change
    #[command(
        after_help = "Candidates file columns: name, country (required); id, owner, owner_share, \
item, buyer, share (optional). Lists (--list, repeatable) may be OFAC's SDN CSV, a Consolidated \
Screening List CSV or a restricted.csv; the format is told from the file. The dataset's own \
restricted parties are always screened. Verdicts: BLOCKED (a name match at or above \
--block-threshold, or restricted owners holding 50% or more), REVIEW (a name match at or above \
--threshold, or a restricted stake below 50%), CLEAR.\n\n\
Examples:\n  tierscope screen datasets/legacy-semiconductors --vendors vendors.csv\n  \
tierscope screen my-data --vendors vendors.csv --list sdn.csv --list consolidated.csv --format json\n  \
tierscope screen my-data --vendors vendors.csv --list sdn.csv --threshold 0.85 --format csv"
    )]
    Screen {
        /// The dataset folder
        dir: PathBuf,
        /// The candidates CSV file
        #[arg(long, value_name = "CANDIDATES.csv")]
        vendors: PathBuf,
        /// A restricted-party list file (repeatable): OFAC SDN CSV, CSL CSV or restricted.csv
        #[arg(long = "list", value_name = "FILE")]
        lists: Vec<PathBuf>,
        /// Report name matches scoring at least this (0 to 1)
        #[arg(long, default_value_t = crate::screen::DEFAULT_THRESHOLD, value_name = "SCORE")]
        threshold: f64,
        /// Block candidates whose name matches scoring at least this (0 to 1)
        #[arg(long, default_value_t = crate::screen::DEFAULT_BLOCK_THRESHOLD, value_name = "SCORE")]
        block_threshold: f64,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: ScreenFormat,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Write a deterministic synthetic dataset of any size (for benchmarks and comparisons)
    #[command(
        after_help = "The same options give byte-identical files. A sector of sub-sectors \
sharing global commodities: a BOM --depth levels deep, skewed multi-sourcing, countries with a \
trust mix, ownership groups, restricted parties, some unmapped inputs, end products with \
revenue and inventory days. Files are streamed: 10 million rows need little memory. \
--substitutes and --distributors add groups of substitutes and distributors (analysis rules 3); \
without them the files are as before.\n\n\
Examples:\n  tierscope generate --out /tmp/sector --supply-rows 1000000\n  \
tierscope generate --out /tmp/chains --supply-rows 100000 --single-input --seed 7\n  \
tierscope generate --out /tmp/rules3 --supply-rows 100000 --substitutes 0.2 --distributors 0.3"
    )]
    Generate {
        /// Output folder (created if missing; its CSV files are overwritten)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Rows of supply.csv
        #[arg(long, value_name = "N")]
        supply_rows: u64,
        /// Seed of the generator
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of countries
        #[arg(long, default_value_t = 40, value_name = "K")]
        countries: usize,
        /// BOM levels, raw materials to end products
        #[arg(long, default_value_t = 6, value_name = "D")]
        depth: usize,
        /// Every BOM has one input and every entity makes one item (SPOFs = dominators)
        #[arg(long)]
        single_input: bool,
        /// Give about this fraction of the items a substitute (bom.csv `group`), 0 to 1
        #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
        substitutes: f64,
        /// Route about this fraction of purchases through distributors, 0 to 1
        #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
        distributors: f64,
    },
}

/// Output formats of `screen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ScreenFormat {
    #[default]
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Html,
    Md,
    Json,
    Csv,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [
        ReportFormat::Html,
        ReportFormat::Md,
        ReportFormat::Json,
        ReportFormat::Csv,
    ];

    /// The file this format is written to in the report folder.
    pub fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Html => "report.html",
            ReportFormat::Md => "report.md",
            ReportFormat::Json => "report.json",
            ReportFormat::Csv => "findings.csv",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Dot,
    Graphml,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartFormat {
    Svg,
    Png,
    None,
}

impl ChartFormat {
    pub const BOTH: [ChartFormat; 2] = [ChartFormat::Svg, ChartFormat::Png];
}

/// The trust policy on top of countries.csv.
#[derive(Debug, Clone, Args, Default)]
pub struct TrustArgs {
    /// Treat these country codes as untrusted (comma-separated), on top of countries.csv
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub untrust: Vec<String>,
    /// Treat these country codes as trusted (comma-separated), on top of countries.csv
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub trust: Vec<String>,
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
}

/// What makes a scheduled run fail, and what it is compared with.
#[derive(Debug, Clone, Args, Default)]
pub struct GateArgs {
    /// Exit with code 1 when a finding at or above this severity is found (waived ones do not count)
    #[arg(long, value_parser = severity(), value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// With --baseline, count only new findings for --fail-on
    #[arg(long)]
    pub fail_on_new: bool,
    /// An earlier report.json: marks each finding new or standing, and lists the resolved
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// A waivers file ([[waiver]] tables with id, reason, expires)
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

/// The core's enums are plain types (the core has no argument parser): their flags list the
/// same possible values as a `ValueEnum` would, and parse with the core's `FromStr`.
fn severity() -> impl TypedValueParser<Value = Severity> {
    PossibleValuesParser::new(Severity::ALL.map(Severity::as_str))
        .map(|s| s.parse().expect("one of the possible values"))
}

/// See [`severity`].
fn level() -> impl TypedValueParser<Value = Level> {
    PossibleValuesParser::new(Level::ALL.map(Level::as_str))
        .map(|s| s.parse().expect("one of the possible values"))
}
