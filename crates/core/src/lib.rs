//! # tierscope-core
//!
//! The analysis core of [tierscope](https://example.invalid/tierscope): it reads a supply-chain
//! dataset (a folder of CSV files), validates it, builds the production graph and finds where
//! the chain can break — single points of failure at the entity, owner, country and untrusted
//! levels, exposure to untrusted countries and restricted parties, concentration, asymmetric
//! dependency, time exposure and blind spots.
//!
//! Pipeline: [`ingest::load`] -> validated [`model::Dataset`] ->
//! [`graph::ProductionGraph::build`] -> [`analysis::analyze`] -> [`analysis::Report`].
//!
//! This crate has no command line, no config file format, no printing and no charts: every
//! function returns values (or a typed [`Error`]) for the caller to render.
//!
//! ```
//! use tierscope_core::{analysis, graph::ProductionGraph, ingest};
//! # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
//! let loaded = ingest::load(&dir)?;
//! let graph = ProductionGraph::build(&loaded.dataset);
//! let report = analysis::analyze(&loaded.dataset, &graph, &analysis::Settings::default())?;
//! assert!(report.summary.products > 0);
//! # Ok::<(), tierscope_core::Error>(())
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(clippy::too_many_lines)]

pub mod analysis;
pub mod diag;
pub mod error;
pub mod graph;
pub mod ingest;
pub mod model;
pub mod names;
pub mod numbers;
pub mod profile;
pub mod summary;
pub mod whatif;

pub use error::{Error, Result};
