//! Command-line arguments (clap derive). No I/O here.

use clap::{Parser, Subcommand, ValueEnum};
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
}
