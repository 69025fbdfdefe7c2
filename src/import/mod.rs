//! `tierscope import`: one flat table in, a dataset folder out.

pub mod country;
pub mod number;
pub mod problem;
