//! Command-line arguments (clap derive). No I/O here.

use crate::analysis::groups::Level;
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
        /// The dataset folder
        dir: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        #[command(flatten)]
        analysis: AnalysisArgs,
        /// Exit with code 1 when a finding at or above this severity is found
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<crate::analysis::findings::Severity>,
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
        /// The dataset folder
        dir: PathBuf,
        /// Output folder (default: reports/<dataset-name>/)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Formats to write (comma-separated)
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = ReportFormat::ALL.to_vec())]
        format: Vec<ReportFormat>,
        /// Chart formats to write (comma-separated; `none` for no chart files)
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = ChartFormat::BOTH.to_vec())]
        charts: Vec<ChartFormat>,
        #[command(flatten)]
        analysis: AnalysisArgs,
        /// Exit with code 1 when a finding at or above this severity is found
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<crate::analysis::findings::Severity>,
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
    /// Write a deterministic synthetic dataset of any size (for benchmarks and comparisons)
    #[command(
        after_help = "The same options give byte-identical files. A sector of sub-sectors \
sharing global commodities: a BOM --depth levels deep, skewed multi-sourcing, countries with a \
trust mix, ownership groups, restricted parties, some unmapped inputs, end products with \
revenue and inventory days. Files are streamed: 10 million rows need little memory.\n\n\
Examples:\n  tierscope generate --out /tmp/sector --supply-rows 1000000\n  \
tierscope generate --out /tmp/chains --supply-rows 100000 --single-input --seed 7"
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
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

/// Thresholds and scope of an analysis.
#[derive(Debug, Clone, Args)]
pub struct AnalysisArgs {
    /// Levels whose findings are reported (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Level::ALL.to_vec())]
    pub level: Vec<Level>,
    /// Only this end product, as ENTITY:ITEM
    #[arg(long, value_name = "ENTITY:ITEM")]
    pub product: Option<String>,
    /// Capacity at risk: report failures leaving at most 1 - this of a product's capacity
    #[arg(long, default_value_t = 0.5, value_name = "FRACTION")]
    pub capacity_threshold: f64,
    /// Concentration: flag inputs whose country HHI is above this
    #[arg(long, default_value_t = 0.4, value_name = "HHI")]
    pub hhi_threshold: f64,
    /// Asymmetric dependency: D(A, B) at least this
    #[arg(long, default_value_t = 0.5, value_name = "FRACTION")]
    pub asymmetry_min: f64,
    /// Asymmetric dependency: D(A, B) - D(B, A) at least this
    #[arg(long, default_value_t = 0.25, value_name = "FRACTION")]
    pub asymmetry_gap: f64,
    #[command(flatten)]
    pub trust: TrustArgs,
}
