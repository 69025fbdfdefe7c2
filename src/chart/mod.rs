//! Charts for presenting a [`Report`]: root causes, untrusted exposure, country
//! dependency, asymmetry, concentration, one product's upstream network and time exposure.
//!
//! Every chart is drawn once by a function generic over the plotters [`DrawingBackend`]
//! (`draw_*`), and [`render`] runs it on the SVG backend (a `String`) and on an in-memory RGB
//! bitmap ([`PngBackend`]) encoded as PNG. Text is laid out with DejaVu Sans, embedded in the
//! binary and registered with plotters' `ab_glyph` font table ([`register_fonts`]), and
//! rasterised from the same embedded faces: charts render on a machine with no system fonts
//! and no fontconfig. The SVG names the generic `sans-serif` family, so a viewer uses its own
//! sans-serif face.
//!
//! Charts are deterministic: the same report gives byte-identical SVG and PNG (no hash-map
//! iteration order, no clock, no randomness).
//!
//! **Data marks.** Every element that stands for one datum (a bar, a heatmap cell, a scatter
//! bubble, a network node) is drawn with opacity [`MARK_OPACITY`] (or [`MARK_OPACITY_SOFT`]
//! for translucent scatter points), and nothing else is, so tests and tools can count them in
//! the SVG (`opacity="0.999"`, `opacity="0.701"`).

/// Implements [`Figure`] for a chart's data: file stem, title, size and its `draw_*(root, data)`
/// function. The title is a string literal, or an expression over the data (`|net| …`)
/// followed by the size, which may use the data too; a literal title goes with the common
/// [`SIZE`].
macro_rules! figure {
    ($data:ty, $name:literal, $title:literal, $draw:path) => {
        figure!(
            $data,
            $name,
            |_data| $title.to_string(),
            $crate::chart::SIZE,
            $draw
        );
    };
    ($data:ty, $name:literal, |$this:ident| $title:expr, $size:expr, $draw:path) => {
        impl $crate::chart::Figure for $data {
            fn name(&self) -> &'static str {
                $name
            }
            fn title(&self) -> String {
                #[allow(unused_variables)]
                let $this = self;
                $title
            }
            fn size(&self) -> (u32, u32) {
                #[allow(unused_variables)]
                let $this = self;
                $size
            }
            fn draw<DB: ::plotters::prelude::DrawingBackend>(
                &self,
                root: &::plotters::prelude::DrawingArea<DB, ::plotters::coord::Shift>,
            ) -> $crate::chart::DrawResult<DB> {
                $draw(root, self)
            }
        }
    };
}

mod bars;
mod causes;
mod concentration;
mod heatmap;
mod labels;
mod network;
mod raster;
mod style;
mod time;
mod trend;

pub use bars::{ExposureBar, ExposureBars, draw_untrusted_exposure};
pub use causes::{CAUSES_TOP, CauseBar, RootCauseChart, cause_label, draw_root_causes};
pub use concentration::{
    ConcentrationBubble, ConcentrationScatter, UNTRUSTED_SHARE_LINE, draw_concentration,
};
pub use heatmap::{
    AsymmetryMap, CountryDependencyMap, SHOWN, draw_asymmetry, draw_country_dependency,
};
pub use labels::{LabelLayout, LabelRequest, Placed, Rect};
pub use network::{
    NetEdge, NetNode, Network, NodeTrust, choose as network_product, draw_network, headline_finding,
};
pub use raster::PngBackend;
pub use time::{TIME_TOP, TimePoint, TimeScatter, draw_time_exposure};
pub use trend::{TrendChart, draw_trend};

use crate::analysis::Report;
use crate::graph::ProductionGraph;
use crate::model::Dataset;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Opacity of every opaque data mark (see the module documentation).
pub const MARK_OPACITY: f64 = 0.999;
/// Opacity of translucent data marks.
pub const MARK_OPACITY_SOFT: f64 = 0.701;

/// Width and height in pixels of every chart but the network.
const SIZE: (u32, u32) = (1200, 700);

/// One rendered chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem, e.g. `root-causes`.
    pub name: &'static str,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The result of a drawing function (`T`: what it returns besides drawing).
pub type DrawResult<DB, T = ()> =
    Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart's data, ready to draw on any backend.
pub trait Figure {
    /// File stem.
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart on `root`, which is already filled white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

pub(crate) static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static DEJAVU_SANS_BOLD: &[u8] =
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
static FONTS: Once = Once::new();

/// Registers the embedded DejaVu Sans (regular and bold) as plotters' `sans-serif` family.
/// Idempotent; every rendering function calls it first.
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The bytes are the font files shipped in assets/fonts; a parse failure is a build
        // defect that the chart tests catch (text would be missing, not wrong).
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS);
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, DEJAVU_SANS_BOLD);
    });
}

/// Renders a figure as SVG and PNG.
pub fn render<F: Figure>(fig: &F) -> Result<Chart, String> {
    register_fonts();
    let (w, h) = fig.size();
    let mut svg = String::new();
    paint(SVGBackend::with_string(&mut svg, (w, h)), fig)?;
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    paint(PngBackend::with_buffer(&mut rgb, (w, h)), fig)?;
    let png = encode_png(&rgb, w, h).map_err(|e| e.to_string())?;
    // plotters escapes markup in text but not the control characters XML 1.0 forbids: an
    // ESC in a name would make the file unreadable to every XML parser.
    if let std::borrow::Cow::Owned(clean) = crate::guard::xml_chars(&svg) {
        svg = clean;
    }
    Ok(Chart {
        name: fig.name(),
        title: fig.title(),
        svg,
        png,
    })
}

/// Draws `fig` on a white `backend` and finishes it.
fn paint<DB: DrawingBackend, F: Figure>(backend: DB, fig: &F) -> Result<(), String> {
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    fig.draw(&root).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// A figure whose drawing places labels (`labels`): it can say where they went.
pub trait Labelled: Figure {
    /// Draws the whole chart, as [`Figure::draw`], and returns the label layout it drew.
    fn draw_labelled<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> DrawResult<DB, LabelLayout>;

    /// The labels as drawn: every placed text box, and the labels left out. Draws the figure
    /// on a throw-away SVG of its size; what tests inspect.
    ///
    /// # Panics
    /// Only if drawing to the in-memory SVG fails (see [`render_all`]).
    fn label_layout(&self) -> LabelLayout {
        register_fonts();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
        match root.fill(&WHITE).and_then(|_| self.draw_labelled(&root)) {
            Ok(layout) => layout,
            Err(e) => panic!("drawing {} to memory failed: {e}", self.name()),
        }
    }
}

/// Encodes 8-bit RGB pixels as a PNG (no timestamps or other varying chunks).
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Flat chart colours compress best unfiltered (and fastest: no per-row filter search).
        enc.set_compression(png::Compression::Balanced);
        enc.set_filter(png::Filter::NoFilter);
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// The root causes, ranked, if any cause stops a product.
pub fn root_causes(report: &Report, ds: &Dataset) -> Option<Result<Chart, String>> {
    RootCauseChart::new(report, ds).map(|f| render(&f))
}

/// Untrusted exposure per product, if there are products.
pub fn untrusted_exposure(report: &Report) -> Option<Result<Chart, String>> {
    ExposureBars::new(report).map(|f| render(&f))
}

/// Product × country dependency heatmap, if any product depends on another country.
pub fn country_dependency(report: &Report, ds: &Dataset) -> Option<Result<Chart, String>> {
    CountryDependencyMap::new(report, ds).map(|f| render(&f))
}

/// Country asymmetry heatmap, if any country with products depends on another.
pub fn asymmetry(report: &Report, ds: &Dataset) -> Option<Result<Chart, String>> {
    AsymmetryMap::new(report, ds).map(|f| render(&f))
}

/// Concentration quadrant scatter, if there are concentration rows.
pub fn concentration(report: &Report, ds: &Dataset) -> Option<Result<Chart, String>> {
    ConcentrationScatter::new(report, ds).map(|f| render(&f))
}

/// The upstream network of the product with the largest actionable untrusted exposure.
pub fn network(
    report: &Report,
    ds: &Dataset,
    g: &ProductionGraph,
) -> Option<Result<Chart, String>> {
    Network::new(report, ds, g).map(|f| render(&f))
}

/// Time to survive vs time to recover, if there are time-exposure findings.
pub fn time_exposure(report: &Report) -> Option<Result<Chart, String>> {
    TimeScatter::new(report).map(|f| render(&f))
}

/// Every chart the data supports, in presentation order, or the first rendering error.
pub fn try_render_all(
    report: &Report,
    ds: &Dataset,
    g: &ProductionGraph,
) -> Result<Vec<Chart>, String> {
    [
        root_causes(report, ds),
        untrusted_exposure(report),
        country_dependency(report, ds),
        asymmetry(report, ds),
        concentration(report, ds),
        network(report, ds, g),
        time_exposure(report),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// All charts the data supports (a chart with no data, e.g. no time data, is skipped).
///
/// # Panics
/// Only if drawing to an in-memory backend fails, which happens only when the embedded font
/// cannot be used; [`try_render_all`] returns that as an error instead.
pub fn render_all(report: &Report, ds: &Dataset, g: &ProductionGraph) -> Vec<Chart> {
    match try_render_all(report, ds, g) {
        Ok(charts) => charts,
        Err(e) => panic!("rendering charts to memory failed: {e}"),
    }
}
