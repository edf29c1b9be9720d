//! Colours: the viridis colormap and a qualitative palette for curves.

use plotters::style::RGBColor;

/// Viridis (matplotlib's default perceptual colormap) at 11 evenly spaced
/// anchors, 0.0, 0.1, ..., 1.0; linearly interpolated in between.
const VIRIDIS: [u32; 11] = [
    0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151,
    0xbddf26, 0xfde725,
];

fn rgb(hex: u32) -> [u8; 3] {
    [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8]
}

/// Viridis colour of `f` in [0, 1] (clamped; NaN gives the low end).
pub(crate) fn viridis(f: f64) -> [u8; 3] {
    let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
    let pos = f * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let t = pos - i as f64;
    let (a, b) = (rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1]));
    let mut out = [0u8; 3];
    for k in 0..3 {
        out[k] = (a[k] as f64 + t * (b[k] as f64 - a[k] as f64)).round() as u8;
    }
    out
}

/// Colour of pixels with no (finite) value.
pub(crate) const MISSING: [u8; 3] = [0xbf, 0xbf, 0xbf];

/// matplotlib's "tab10" qualitative palette.
const PALETTE: [u32; 10] = [
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22,
    0x17becf,
];

/// Distinct colour for curve (or band) number `i`.
pub(crate) fn series(i: usize) -> RGBColor {
    let [r, g, b] = rgb(PALETTE[i % PALETTE.len()]);
    RGBColor(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_clamping() {
        assert_eq!(viridis(0.0), [0x44, 0x01, 0x54]);
        assert_eq!(viridis(1.0), [0xfd, 0xe7, 0x25]);
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(viridis(0.5), [0x21, 0x91, 0x8c]);
    }
}
