//! `tierscope export`: the production graph for Graphviz, Gephi/yEd or networkx.

use super::emit;
use crate::analysis;
use crate::cli::ExportFormat;
use crate::error::{EXIT_OK, Error, Result};
use crate::export;
use crate::ingest::limits;
use crate::report::write::{OutFile, write_all};
use crate::settings::Settings;
use std::io::Write;
use std::path::Path;

pub fn run(
    settings: &Settings,
    format: ExportFormat,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> Result<i32> {
    let (ds, graph) = settings.load(limits::ANALYZE)?;
    if format == ExportFormat::Flat {
        let err = &mut std::io::stderr();
        return crate::import::flat_export::run(&ds, file, out, err);
    }
    let report = analysis::analyze(&ds, &graph, &settings.analysis)?;
    let (nodes, edges) = export::attributes(&ds, &graph, &report);
    let bytes = match format {
        ExportFormat::Dot => export::dot(&nodes, &edges, &ds.name),
        ExportFormat::Graphml => export::graphml(&nodes, &edges, &ds.name),
        ExportFormat::Json => export::node_link_json(&nodes, &edges, &ds.name),
        ExportFormat::Flat => unreachable!("written above"),
    };
    let Some(path) = file else {
        emit(out, &bytes)?;
        return Ok(EXIT_OK);
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("--out {} is not a file name", path.display())))?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    write_all(
        parent.unwrap_or(Path::new(".")),
        &[OutFile {
            path: name.into(),
            bytes,
        }],
    )?;
    Ok(EXIT_OK)
}
