//! Renderers: pure functions from a [`crate::analysis::Report`] to bytes.

pub mod text;
