//! The PNG drawing backend: plotters' in-memory RGB bitmap with its own text rasteriser.
//!
//! plotters 0.3.7 draws `ab_glyph` text without each glyph's left side bearing and at whole
//! pixels, which makes letter spacing visibly uneven ("Ow ner"). [`PngBackend`] delegates
//! every shape to [`BitMapBackend`] and rasterises text itself with the same embedded DejaVu
//! faces and the same advance widths plotters measures, so layouts computed from plotters'
//! text sizes still hold, and glyphs land at their exact sub-pixel positions.

use super::{DEJAVU_SANS, DEJAVU_SANS_BOLD};
use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters::prelude::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};
use std::sync::OnceLock;

type Error = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

fn faces() -> &'static (FontRef<'static>, FontRef<'static>) {
    static FACES: OnceLock<(FontRef<'static>, FontRef<'static>)> = OnceLock::new();
    FACES.get_or_init(|| {
        (
            FontRef::try_from_slice(DEJAVU_SANS).expect("assets/fonts/DejaVuSans.ttf parses"),
            FontRef::try_from_slice(DEJAVU_SANS_BOLD)
                .expect("assets/fonts/DejaVuSans-Bold.ttf parses"),
        )
    })
}

/// The face for a style: bold, or regular for everything else.
fn face(style: FontStyle) -> &'static FontRef<'static> {
    let (regular, bold) = faces();
    match style {
        FontStyle::Bold => bold,
        _ => regular,
    }
}

/// Sets `text` from pen position `x` as plotters' `ab_glyph` layout does (kerned advances),
/// calling `each` with every glyph and its pen position; returns the position after the last.
fn set_line(
    font: &impl ScaleFont<&'static FontRef<'static>>,
    text: &str,
    mut x: f32,
    mut each: impl FnMut(GlyphId, f32),
) -> f32 {
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += font.kern(p, id);
        }
        prev = Some(id);
        each(id, x);
        x += font.h_advance(id);
    }
    x
}

/// Advance width of `text` at `size`, as plotters' `ab_glyph` layout computes it.
pub fn advance_width(text: &str, size: f64, style: FontStyle) -> f32 {
    let font = face(style).as_scaled(PxScale::from(size as f32));
    set_line(&font, text, 0.0, |_, _| {})
}

/// A [`BitMapBackend`] on an RGB buffer, with correct text.
pub struct PngBackend<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> PngBackend<'a> {
    pub fn with_buffer(buf: &'a mut [u8], size: (u32, u32)) -> PngBackend<'a> {
        PngBackend {
            inner: BitMapBackend::with_buffer(buf, size),
        }
    }
}

impl DrawingBackend for PngBackend<'_> {
    type ErrorType = Error;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Error>> {
        let w = advance_width(text, style.size(), style.style());
        Ok((w.ceil() as u32, (style.size() / 1.24) as u32))
    }

    /// Anchors as the SVG backend does (`dy` 0.76em for top, about half the cap height for
    /// centre), then draws each glyph's coverage at its sub-pixel position.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Error>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let size = style.size() as f32;
        let font_ref = face(style.style());
        let scale = PxScale::from(size);
        let font = font_ref.as_scaled(scale);
        let em = size * font_ref.units_per_em().unwrap_or(2048.0) / font_ref.height_unscaled();
        let width = advance_width(text, style.size(), style.style());
        let anchor = style.anchor();
        let x0 = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let baseline = match anchor.v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.36 * em,
            VPos::Bottom => -0.24 * em,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        set_line(&font, text, x0, |id, x| {
            let glyph = id.with_scale_and_position(scale, point(x, baseline));
            let Some(outline) = font_ref.outline_glyph(glyph) else {
                return;
            };
            let b = outline.px_bounds();
            let (bx, by) = (b.min.x as i32, b.min.y as i32);
            outline.draw(|gx, gy, cov| pixels.push((bx + gx as i32, by + gy as i32, cov)));
        });
        for (lx, ly, cov) in pixels {
            if cov <= 0.004 {
                continue;
            }
            let (dx, dy) = trans.transform(lx, ly);
            let (px, py) = (pos.0 + dx, pos.1 + dy);
            if px < 0 || py < 0 || px >= w as i32 || py >= h as i32 {
                continue;
            }
            self.inner.draw_pixel(
                (px, py),
                BackendColor {
                    alpha: color.alpha * cov.min(1.0) as f64,
                    rgb: color.rgb,
                },
            )?;
        }
        Ok(())
    }
}
