//! # tierscope
//!
//! Maps a supply chain as a graph and tells analysts where it can break: single points of
//! failure at the entity, owner, country and untrusted levels, exposure to untrusted
//! countries and restricted parties, concentration, asymmetric dependency, and where the map
//! itself is blind.
//!
//! Pipeline: CSV dataset ([`ingest`]) -> validated [`model`] -> production [`graph`] ->
//! analyses -> findings -> reports. The first four are the core crate, [`tierscope_core`],
//! re-exported here; this crate adds the command line, the settings, the gate (baselines and
//! waivers), the renderers, the charts and screening.

#![warn(clippy::too_many_lines)]

pub use tierscope_core::{analysis, diag, graph, ingest, model, names, numbers, summary, whatif};

pub mod baseline;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod export;
pub mod gate;
pub mod generate;
pub mod guard;
pub mod history;
pub mod identity;
pub mod import;
pub mod inputs;
pub mod oom;
pub mod profile;
pub mod report;
pub mod screen;
pub mod settings;
pub mod waiver;
