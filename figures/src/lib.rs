//! PNG figures for `glass run`: Mollweide sky maps and grids of line plots.
//!
//! Pure data in, PNG bytes out: every function renders into an in-memory RGB
//! buffer and returns the encoded PNG, so the caller decides where (and how
//! atomically) the bytes are written. Nothing here depends on other glass
//! crates; a map is read through a caller-supplied `pixel(theta, phi)` lookup,
//! so any pixelisation (HEALPix or a test grid) works.
//!
//! Bad input never panics: empty or mismatched inputs are a
//! [`FigureError::Input`]; NaN, infinite, all-equal or (on a log axis)
//! non-positive values still give a sane figure (grey pixels, skipped points,
//! widened ranges, or a "no data" panel).
//!
//! # Font
//!
//! Text is drawn with DejaVu Sans (`assets/DejaVuSans.ttf`, copied from
//! Debian's `fonts-dejavu-core` package, `/usr/share/fonts/truetype/dejavu/`),
//! embedded with `include_bytes!`. DejaVu fonts are derived from Bitstream
//! Vera and are distributed under the Bitstream Vera license (DejaVu changes
//! are in the public domain); the full text is in `assets/DejaVu-LICENSE`.

mod colour;
mod mollweide;
mod panels;
mod ticks;

use std::fmt;
use std::sync::OnceLock;

pub use mollweide::{mollweide, MapPanel, Scale};
pub use panels::{panels, Band, Curve, Panel, Style};

/// Why a figure could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureError {
    /// Empty, mismatched or out-of-range input (no panels, `ncols == 0`,
    /// `x` and `y` of different lengths, an absurd image size, ...).
    Input(String),
    /// The drawing library failed.
    Draw(String),
    /// PNG encoding failed.
    Encode(String),
}

impl fmt::Display for FigureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FigureError::Input(m) => write!(f, "bad figure input: {m}"),
            FigureError::Draw(m) => write!(f, "drawing the figure failed: {m}"),
            FigureError::Encode(m) => write!(f, "encoding the figure as PNG failed: {m}"),
        }
    }
}

impl std::error::Error for FigureError {}

/// The font family name every text style uses.
pub(crate) const FONT: &str = "sans-serif";

static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the embedded font with plotters, once per process.
pub(crate) fn ensure_font() -> Result<(), FigureError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, plotters::style::FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(FigureError::Draw(
            "the embedded font could not be loaded".into(),
        ))
    }
}

/// Largest image (in pixels) any function will allocate.
pub(crate) const MAX_PIXELS: u64 = 64 * 1024 * 1024;

pub(crate) fn draw_err<E: fmt::Display>(e: E) -> FigureError {
    FigureError::Draw(e.to_string())
}

/// Encodes an RGB8 buffer of `width x height` pixels as PNG.
pub(crate) fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, FigureError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width, height, image::ColorType::Rgb8)
        .map_err(|e| FigureError::Encode(e.to_string()))?;
    Ok(out)
}
