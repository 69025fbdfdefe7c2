//! `tierscope trend`: findings by severity over the reports kept by `--history`, and the
//! products whose untrusted exposure moved most; printed, and charted as SVG and PNG.

use super::{emit, emit_json};
use crate::chart::{self, TrendChart};
use crate::cli::{ChartFormat, TextOrJson};
use crate::error::{EXIT_OK, Error, Result};
use crate::history::Trend;
use crate::report::write::{Sink, Staging};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `trend` is asked for.
pub struct Options<'a> {
    pub dir: &'a Path,
    /// Where the charts go (default: `dir`).
    pub out: Option<&'a Path>,
    pub charts: &'a [ChartFormat],
    pub top: usize,
    pub format: TextOrJson,
}

pub fn run(opts: &Options<'_>, quiet: bool, out: &mut dyn Write) -> Result<i32> {
    let trend = Trend::read(opts.dir, opts.top)?;
    let target = opts.out.unwrap_or(opts.dir);
    let charts = write_charts(&trend, target, opts.charts)?;
    match opts.format {
        TextOrJson::Text => {
            let mut text = trend.to_text();
            if !quiet {
                for path in &charts {
                    text.push_str(&format!("wrote {}\n", path.display()));
                }
            }
            emit(out, text.as_bytes())?;
        }
        TextOrJson::Json => {
            #[derive(Serialize)]
            struct Output<'a> {
                #[serde(flatten)]
                trend: &'a Trend,
                charts: &'a [PathBuf],
            }
            emit_json(
                out,
                &Output {
                    trend: &trend,
                    charts: &charts,
                },
            )?
        }
    }
    Ok(EXIT_OK)
}

/// Draws the trend and writes `trend.svg` and `trend.png` (as asked) into `target`, all or
/// nothing; returns their paths.
fn write_charts(trend: &Trend, target: &Path, formats: &[ChartFormat]) -> Result<Vec<PathBuf>> {
    let formats = if formats.is_empty() {
        &ChartFormat::BOTH[..]
    } else {
        formats
    };
    let (svg, png) = (
        formats.contains(&ChartFormat::Svg),
        formats.contains(&ChartFormat::Png),
    );
    if !svg && !png {
        return Ok(Vec::new());
    }
    let drawn = chart::render(&TrendChart::new(trend)).map_err(Error::Render)?;
    let staging = Staging::new(target);
    let mut paths = Vec::new();
    if svg {
        let name = format!("{}.svg", drawn.name);
        staging.file(Path::new(&name), &mut |w| w.write_all(drawn.svg.as_bytes()))?;
        paths.push(target.join(name));
    }
    if png {
        let name = format!("{}.png", drawn.name);
        staging.file(Path::new(&name), &mut |w| w.write_all(&drawn.png))?;
        paths.push(target.join(name));
    }
    staging.commit()?;
    Ok(paths)
}
