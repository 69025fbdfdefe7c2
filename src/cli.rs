//! Command-line arguments (clap derive). No I/O here.

use crate::analysis::findings::Severity;
use crate::analysis::groups::Level;
use crate::waiver::Date;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod args;

use args::severity;
pub use args::{AnalysisArgs, Disclose, GateArgs, Prefer, PresentArgs, TrustArgs, parse_size};

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
    /// Write CSV cells as they are, for programs rather than spreadsheets and terminals: no
    /// `'` before a cell that starts with =, +, -, @, tab or CR, control characters kept
    #[arg(long, global = true)]
    pub no_csv_guard: bool,
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
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
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
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        #[command(flatten)]
        trust: TrustArgs,
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
        /// Refuse to write more than this (e.g. 500M, 2G) [default: 64M or 100 times the
        /// dataset's CSV, whichever is larger]
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_output: Option<u64>,
    },
    /// Write the risk report: HTML, Markdown, JSON, CSV and charts (SVG, PNG)
    #[command(
        after_help = "Writes report.html (self-contained), report.md, report.json, \
findings.csv and charts/*.svg|png into --out (default reports/<dataset-name>/). Every file is \
written to a temporary name and renamed only when all are written, so a failed run leaves the \
previous report intact. The folder is locked for the run (a second run exits 2, or waits with \
--wait); files of the report set the previous run wrote (listed in .tierscope-manifest) that \
this run does not write are removed, and nothing else. The same input and date (--as-of) give \
byte-identical files. --format pdf also writes report.pdf, printed from the page by a headless \
Chromium-family browser ($TIERSCOPE_CHROMIUM, else chromium on the PATH); without one it is \
skipped with a warning, or exits 2 when pdf is the only format.\n\n\
Examples:\n  tierscope report datasets/legacy-semiconductors\n  \
tierscope report datasets/biologic-ingredients --out /tmp/bio --format html,json --charts svg\n  \
tierscope report my-data --fail-on critical\n  \
tierscope report my-data --format html,pdf --title \"Risk review\" --organisation \"Example Ltd\" --currency EUR\n  \
tierscope report my-data --baseline accepted/report.json --update-baseline --fail-on critical --fail-on-new --history history"
    )]
    Report {
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// Output folder (default: reports/<dataset-name>/)
        // The help text, not HTML: `<dataset-name>` is a placeholder.
        #[allow(rustdoc::invalid_html_tags)]
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
        /// Refuse to write more than this in all (e.g. 500M, 2G) [default: 64M or 100 times
        /// the dataset's CSV, whichever is larger]
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_output: Option<u64>,
        /// When another run is writing to the same folder, wait for it instead of exiting 2
        #[arg(long)]
        wait: bool,
    },
    /// Export the production graph for Graphviz (dot), Gephi/yEd (graphml) or networkx (json), or the dataset as one flat sheet
    #[command(
        after_help = "Nodes are production nodes ENTITY/ITEM with entity, item, names, \
country, trust, untrusted, restricted, spof (an entity-level single point of failure of some \
end product), product and tier attributes; edges go supplier -> buyer with the rescaled share. \
The json format is networkx's node-link format.\n\n\
Examples:\n  tierscope export datasets/legacy-semiconductors --format dot | dot -Tsvg > graph.svg\n  \
tierscope export datasets/biologic-ingredients --format graphml --out bio.graphml\n  \
tierscope export datasets/legacy-semiconductors --format json --out graph.json\n  \
tierscope export datasets/biologic-ingredients --format flat --out bio.xlsx"
    )]
    Export {
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// Graph format
        #[arg(long, value_enum, default_value_t = ExportFormat::Dot)]
        format: ExportFormat,
        /// Output file (default: standard output); written atomically
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Compare two report.json files: added, resolved, escalated, severity changed, metric moved
    #[command(
        after_help = "A change of method (report schema, analysis rules, thresholds, \
trust policy) is reported first, since findings may then change without the supply chain \
changing, and so are reports of two different datasets. A finding whose kind changes for the \
same subject and product (capacity at risk <-> single point of failure) is escalated or \
de-escalated, not resolved and added. Fractions move by more than --tolerance (absolute), \
money by more than --money-tolerance (relative). With --fail-on, exits 1 when an added or \
escalated finding, or one whose severity rose, is at or above that severity; with two different \
datasets, --fail-on exits 2 unless --allow-other-dataset.\n\n\
Examples:\n  tierscope diff yesterday/report.json reports/legacy-semiconductors/report.json\n  \
tierscope diff old.json new.json --tolerance 0.05 --money-tolerance 0.1 --format json"
    )]
    Diff {
        /// The earlier report.json
        old: PathBuf,
        /// The later report.json
        new: PathBuf,
        /// Smallest change of a fraction (capacity, exposure, HHI, coverage) that is reported
        #[arg(long, default_value_t = 0.01, value_name = "AMOUNT")]
        tolerance: f64,
        /// Smallest relative change of money (revenue at risk) that is reported: 0.05 = 5%
        #[arg(long, default_value_t = 0.05, value_name = "FRACTION")]
        money_tolerance: f64,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        /// Exit with code 1 when an added or worsened finding is at or above this severity
        #[arg(long, value_parser = severity(), value_name = "SEVERITY")]
        fail_on: Option<Severity>,
        /// Gate on two reports of different datasets (otherwise --fail-on refuses them)
        #[arg(long)]
        allow_other_dataset: bool,
    },
    /// Accept a report as the baseline that scheduled runs compare with
    #[command(
        after_help = "The baseline is the state the team has accepted: runs compare with it \
(--baseline) and never change it, unless they pass their gate with --update-baseline, or a \
report is accepted here by hand. The file is replaced all at once.\n\n\
Examples:\n  tierscope baseline accept reports/nightly/report.json --baseline baseline/report.json\n  \
tierscope baseline accept out/report.json --config examples/nightly/tierscope.toml"
    )]
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// Findings by severity over the reports kept by --history, and the products that moved most
    #[command(
        after_help = "Reads DIR/YYYY-MM-DD[-N].json (written by --history), one point per day \
(the day's last run), prints findings by severity for each day and the products whose \
untrusted exposure moved most from their first day to the last, and draws trend.svg and \
trend.png (into --out, default DIR).\n\n\
Examples:\n  tierscope trend history/\n  \
tierscope trend history/ --out reports/trend --charts svg --format json"
    )]
    Trend {
        /// The history folder (default: `history` in the config file)
        dir: Option<PathBuf>,
        /// Where the charts are written (default: DIR)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Chart formats to write, comma-separated; `none` for no chart files (default: svg,png)
        #[arg(long, value_enum, value_delimiter = ',')]
        charts: Vec<ChartFormat>,
        /// Products listed among those that moved most
        #[arg(long, default_value_t = 10, value_name = "N")]
        top: usize,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
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
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// A failure: LEVEL:ID (repeatable)
        #[arg(long = "fail", value_name = "LEVEL:ID", required = true)]
        fail: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: TextOrJson,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Write a supplier's federated risk profile: what its hidden sub-tier means for buyers
    #[command(
        after_help = "The profile (JSON, schema/profile.schema.json) gives, for each item the \
entity makes, its capacity under the failure of each country that lowers it, under the \
untrusted bloc (with the trust policy used), its country-level critical set, input coverage and \
whether estimated shares are involved. It names no sub-tier entity, share or path, unless \
--disclose entities adds the critical ones (by LEI, else name) so that buyers can detect \
hidden common causes.\n\n\
Examples:\n  tierscope profile supplier-data --entity biocon-bengaluru --out biocon.json\n  \
tierscope profile supplier-data --entity biocon-bengaluru --item mab-drug-substance --sign my.key --out biocon.json\n  \
tierscope profile supplier-data --entity biocon-bengaluru --disclose entities --out biocon.json"
    )]
    Profile {
        /// The supplier's dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
        /// The supplier: an entity id or name
        #[arg(long, value_name = "ID")]
        entity: String,
        /// Only this item (default: every item the entity makes)
        #[arg(long, value_name = "ITEM")]
        item: Option<String>,
        /// The profile file to write (atomically)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sign with this secret key (from `tierscope keygen`)
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
        /// The as-of date written in the profile (default: today, UTC)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Also disclose `entities`: the sub-tier entities whose failure alone stops an item or
        /// leaves it at most 1 - the capacity threshold, by LEI (entities.lei) or else name
        #[arg(long, value_name = "WHAT")]
        disclose: Option<Disclose>,
        /// Capacity at risk above this loss (0-1, default 0.5): what `--disclose entities`
        /// counts as critical
        #[arg(long, value_name = "X")]
        capacity_threshold: Option<f64>,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Make an Ed25519 key pair for signing profiles: KEY (secret) and KEY.pub
    #[command(after_help = "Examples:\n  tierscope keygen --out biocon.key")]
    Keygen {
        /// The secret key file to write; the public key goes to FILE.pub
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
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
tierscope screen my-data --vendors vendors.csv --list sdn.csv --threshold 0.85 --format csv\n  \
tierscope screen my-data --vendors vendors.csv --list sdn.csv --list-date sdn.csv=2024-05-03 --alternates 20"
    )]
    Screen {
        /// The dataset folder (default: `dataset` in the config file)
        dir: Option<PathBuf>,
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
        /// Report only the best N of the ranked unqualified alternates (all are ranked)
        #[arg(long, value_name = "N")]
        alternates: Option<usize>,
        /// The publication date of the lists, YYYY-MM-DD, or of one list, FILE=YYYY-MM-DD
        /// (repeatable): recorded in the audit trail
        #[arg(long = "list-date", value_name = "[FILE=]DATE")]
        list_dates: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: ScreenFormat,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Turn one flat sourcing table (CSV, .xlsx, .xls, .ods) into a dataset folder
    #[command(
        after_help = "Columns are told from their headers (Supplier/Vendor/Manufacturer, Buyer/Customer/Plant, \
Item/Part/Material, Used For/Parent, Spend/Value/Quantity, Share/%, Qualified/Status, countries, ids; \
see the README) or named with --map FIELD=HEADER. Only supplier, buyer and item are required. \
Countries become ISO alpha-2 codes; ids are made from names; shares come from the share column or \
from amounts per buyer and item; placeholders (Unknown, Various, N/A, TBD, empty) stay unmapped. \
import-report.md in DIR says every decision. Nothing is written when there is an error (exit 2).\n\n\
Examples:\n  tierscope import sourcing.xlsx --out my-data\n  \
tierscope import shipments.csv --out scms --map buyer=Country --map buyer_country=Country --map item=\"Molecule/Test Type\"\n  \
tierscope import export.csv --out eu-data --decimal , --untrust CN,RU --merge-similar"
    )]
    Import {
        /// The table: a CSV file (delimiter , ; tab or |) or a workbook (.xlsx, .xlsm, .xls, .ods)
        file: PathBuf,
        /// The dataset folder to write (created if missing)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The workbook's sheet to read (default: the first)
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Name a column: FIELD=HEADER, e.g. supplier="Vendor Name" (repeatable)
        #[arg(long = "map", value_name = "FIELD=HEADER")]
        maps: Vec<String>,
        /// The decimal separator of numbers written both ways, such as 1,234: . or ,
        #[arg(long, value_name = "SEP", value_parser = parse_decimal)]
        decimal: Option<crate::import::number::Decimal>,
        /// More cell texts that mean "unknown" (repeatable), on top of the built-in list
        #[arg(long = "placeholder", value_name = "TEXT")]
        placeholders: Vec<String>,
        /// Merge names that look like one name written differently (always listed in the report)
        #[arg(long)]
        merge_similar: bool,
        /// The end products, as ENTITY:ITEM or ITEM, by id or name (repeatable; default: what the buyers make that nobody in the table buys)
        #[arg(long = "products", value_name = "ENTITY:ITEM")]
        products: Vec<String>,
        /// Replace the dataset already in DIR
        #[arg(long)]
        force: bool,
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
tierscope generate --out /tmp/rules3 --supply-rows 100000 --substitutes 0.2 --distributors 0.3\n  \
tierscope generate --out /tmp/wide --supply-rows 100000 --shape wide"
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
        /// sector (default), or a stress shape: wide (one item, N inputs from N suppliers) or hub (a distributor with N/2 suppliers, a maker with N/2 buyers)
        #[arg(long, value_enum, default_value_t)]
        shape: crate::generate::Shape,
    },
}

/// What `tierscope baseline` does.
#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Accept REPORT.json as the baseline (written atomically to --baseline)
    Accept {
        /// The report.json to accept
        report: PathBuf,
        /// The baseline file (default: `baseline` in the config file)
        #[arg(long, value_name = "PATH")]
        baseline: Option<PathBuf>,
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
    /// report.pdf, printed from report.html by a Chromium-family browser (not in the default
    /// set: it needs the browser)
    Pdf,
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
            ReportFormat::Pdf => "report.pdf",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Dot,
    Graphml,
    Json,
    /// One sourcing sheet in the layout `import` reads: CSV, or a workbook with --out FILE.xlsx
    Flat,
}

fn parse_decimal(text: &str) -> Result<crate::import::number::Decimal, String> {
    crate::import::number::Decimal::parse(text)
        .ok_or_else(|| format!("`{text}` is not a decimal separator (expected . or ,)"))
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
