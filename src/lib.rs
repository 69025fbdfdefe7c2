//! # tierscope
//!
//! Maps a supply chain as a graph and tells analysts where it can break: single points of
//! failure at the entity, owner, country and untrusted levels, exposure to untrusted
//! countries and restricted parties, concentration, asymmetric dependency, and where the map
//! itself is blind.
//!
//! Pipeline: CSV dataset ([`ingest`]) -> validated [`model`] -> production [`graph`] ->
//! analyses -> findings -> reports.

pub mod analysis;
pub mod app;
pub mod baseline;
pub mod chart;
pub mod cli;
pub mod config;
pub mod diag;
pub mod error;
pub mod export;
pub mod generate;
pub mod graph;
pub mod guard;
pub mod ingest;
pub mod inputs;
pub mod model;
pub mod names;
pub mod oom;
pub mod report;
pub mod screen;
pub mod summary;
pub mod waiver;
pub mod whatif;
