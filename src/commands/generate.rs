//! `tierscope generate`: a deterministic synthetic dataset of any size.

use super::emit;
use crate::error::{EXIT_OK, Error, Result};
use crate::generate::{self, Options};
use std::io::Write;
use std::path::Path;

pub fn run(dir: &Path, opts: &Options, out: &mut dyn Write) -> Result<i32> {
    generate::check(opts).map_err(Error::Usage)?;
    let w = generate::generate(dir, opts).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut text = format!(
        "wrote {}: {} supply rows, {} entities, {} items, {} BOM rows, {} end products, {} ownership rows, {} restricted parties",
        dir.display(),
        w.supply_rows,
        w.entities,
        w.items,
        w.bom_rows,
        w.products,
        w.ownership_rows,
        w.restricted_rows
    );
    if opts.substitutes > 0.0 || opts.distributors > 0.0 {
        text.push_str(&format!(
            "; {} BOM rows in groups of substitutes, {} distributors",
            w.grouped_bom_rows, w.distributors
        ));
    }
    text.push('\n');
    emit(out, text.as_bytes())?;
    Ok(EXIT_OK)
}
