//! Mollweide projections of full-sky maps.

use std::f64::consts::{PI, TAU};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::colour::{viridis, MISSING};
use crate::ticks::{fmt_num, nice_ticks};
use crate::{draw_err, encode_png, ensure_font, FigureError, FONT, MAX_PIXELS};

/// How map values are turned into colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Linear from the smallest to the largest finite value.
    Linear,
    /// Linear and symmetric around 0: [-m, m] with m the 99th percentile of
    /// |x| over the finite values (values beyond are drawn at the ends).
    Symmetric,
    /// log10(1 + x), for counts; the colour bar is labelled in x itself.
    /// Values x <= -1 have no logarithm and are drawn grey.
    Log1p,
}

/// One full-sky map to draw.
pub struct MapPanel<'a> {
    /// Title above the map, e.g. "δ, shell 5 (z 0.50–0.60)".
    pub title: &'a str,
    /// One value per pixel of the map's pixelisation (e.g. HEALPix).
    pub values: &'a [f64],
    /// The map's pixelisation: (theta colatitude in [0, π], phi longitude in
    /// [0, 2π)) -> index into `values`. An index past the end is drawn grey.
    pub pixel: &'a dyn Fn(f64, f64) -> usize,
    /// How values become colours.
    pub scale: Scale,
    /// Colour-bar label, e.g. "δ".
    pub label: &'a str,
}

/// Mollweide projections, one per panel, stacked vertically, each with its
/// title above and a horizontal colour bar (viridis, 3–6 tick labels, the
/// panel's label) below.
///
/// The projection follows healpy's `mollview`: longitude 0 in the centre and
/// increasing to the left (east left, as seen from inside the sphere), the
/// north pole (theta = 0) at the top. Non-finite values are grey, pixels
/// outside the ellipse white. `width_px` is the image width (default choice:
/// 1200); it must be in 300..=8000.
pub fn mollweide(panels: &[MapPanel<'_>], width_px: u32) -> Result<Vec<u8>, FigureError> {
    if panels.is_empty() {
        return Err(FigureError::Input("no map panels to draw".into()));
    }
    if !(300..=8000).contains(&width_px) {
        return Err(FigureError::Input(format!(
            "map width {width_px} px is outside 300..=8000"
        )));
    }
    for (i, p) in panels.iter().enumerate() {
        if p.values.is_empty() {
            return Err(FigureError::Input(format!(
                "map panel {i} ('{}') has no values",
                p.title
            )));
        }
    }
    ensure_font()?;

    let layout = Layout::new(width_px);
    let height = layout.panel_h as u64 * panels.len() as u64;
    if height * width_px as u64 > MAX_PIXELS {
        return Err(FigureError::Input(format!(
            "{} map panels of width {width_px} px make too large an image",
            panels.len()
        )));
    }
    let (w, h) = (width_px, height as u32);
    let mut buf = vec![255u8; w as usize * h as usize * 3];

    let ranges: Vec<ColourRange> = panels
        .iter()
        .map(|p| ColourRange::new(p.values, p.scale))
        .collect();
    for (i, (p, r)) in panels.iter().zip(&ranges).enumerate() {
        let y0 = i as u32 * layout.panel_h;
        paint_map(&mut buf, w, y0 + layout.map_y, &layout, p, r);
        paint_colour_bar(&mut buf, w, y0 + layout.bar_y, &layout);
    }
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        for (i, (p, r)) in panels.iter().zip(&ranges).enumerate() {
            let y0 = (i as u32 * layout.panel_h) as i32;
            annotate(&root, y0, &layout, p, r)?;
        }
        root.present().map_err(draw_err)?;
    }
    encode_png(&buf, w, h)
}

/// Pixel geometry of one map panel (all in image pixels, relative to the
/// panel's top).
struct Layout {
    title_size: f64,
    tick_size: f64,
    label_size: f64,
    map_x: u32,
    map_y: u32,
    map_w: u32,
    map_h: u32,
    bar_x: u32,
    bar_y: u32,
    bar_w: u32,
    bar_h: u32,
    panel_h: u32,
}

impl Layout {
    fn new(width: u32) -> Self {
        let s = width as f64 / 1200.0;
        let px = |v: f64| (v * s).round().max(1.0) as u32;
        let title_size = 30.0 * s;
        let tick_size = 22.0 * s;
        let label_size = 24.0 * s;
        let margin = px(20.0);
        let map_w = width - 2 * margin;
        let map_h = map_w / 2;
        let map_y = px(52.0);
        let bar_w = (width as f64 * 0.55).round() as u32;
        let bar_h = px(22.0);
        let bar_y = map_y + map_h + px(18.0);
        // Bar, tick marks, tick labels, the label, some air.
        let panel_h = bar_y + bar_h + px(8.0) + px(28.0) + px(34.0) + px(14.0);
        Layout {
            title_size,
            tick_size,
            label_size,
            map_x: margin,
            map_y,
            map_w,
            map_h,
            bar_x: (width - bar_w) / 2,
            bar_y,
            bar_w,
            bar_h,
            panel_h,
        }
    }
}

/// Colour range of a map in the scale's (transformed) units.
struct ColourRange {
    scale: Scale,
    lo: f64,
    hi: f64,
    /// False when the map has no finite value at all.
    any: bool,
}

impl ColourRange {
    fn new(values: &[f64], scale: Scale) -> Self {
        let t: Vec<f64> = values
            .iter()
            .map(|&v| transform(scale, v))
            .filter(|v| v.is_finite())
            .collect();
        if t.is_empty() {
            return ColourRange {
                scale,
                lo: 0.0,
                hi: 1.0,
                any: false,
            };
        }
        let (mut lo, mut hi) = match scale {
            Scale::Symmetric => {
                let mut a: Vec<f64> = t.iter().map(|v| v.abs()).collect();
                let k = ((a.len() - 1) as f64 * 0.99).round() as usize;
                let (_, m, _) = a.select_nth_unstable_by(k, f64::total_cmp);
                let mut m = *m;
                if m <= 0.0 {
                    m = a.iter().cloned().fold(0.0, f64::max);
                }
                (-m, m)
            }
            Scale::Linear | Scale::Log1p => t
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                }),
        };
        if hi - lo <= 1e-12 * lo.abs().max(hi.abs()) || !(hi - lo).is_finite() {
            // All equal (or no spread to speak of): centre the value.
            let d = match scale {
                Scale::Log1p => 0.5,
                _ if lo == 0.0 || !lo.is_finite() => 1.0,
                _ => 0.1 * lo.abs(),
            };
            let c = if lo.is_finite() { 0.5 * (lo + hi) } else { 0.0 };
            lo = c - d;
            hi = c + d;
            if scale == Scale::Log1p && lo < 0.0 && c >= 0.0 {
                lo = 0.0;
                hi = c.max(0.0) + 2.0 * d;
            }
        }
        ColourRange {
            scale,
            lo,
            hi,
            any: true,
        }
    }

    /// Position in [0, 1] along the colour bar of a value (transformed units);
    /// None when non-finite.
    fn frac(&self, t: f64) -> Option<f64> {
        t.is_finite()
            .then(|| ((t - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0))
    }

    /// Ticks: (position in transformed units, label).
    fn ticks(&self) -> Vec<(f64, String)> {
        match self.scale {
            Scale::Linear | Scale::Symmetric => nice_ticks(self.lo, self.hi, 4)
                .into_iter()
                .map(|t| (t, fmt_num(t)))
                .collect(),
            Scale::Log1p => {
                let (xlo, xhi) = (10f64.powf(self.lo) - 1.0, 10f64.powf(self.hi) - 1.0);
                let inside = |x: f64| x >= xlo - 1e-9 * xlo.abs() && x <= xhi + 1e-9 * xhi.abs();
                let mut xs: Vec<f64> = Vec::new();
                for mult in [1.0, 2.0, 5.0] {
                    for k in -3..=15 {
                        xs.push(mult * 10f64.powi(k));
                    }
                }
                xs.push(0.0);
                xs.retain(|&x| inside(x));
                xs.sort_by(f64::total_cmp);
                if xs.len() > 6 {
                    xs.retain(|&x| x == 0.0 || (x.log10() - x.log10().round()).abs() < 1e-9);
                }
                while xs.len() > 6 {
                    // Keep every other power of ten.
                    xs = xs.iter().cloned().step_by(2).collect();
                }
                if xs.len() < 3 {
                    xs = nice_ticks(xlo, xhi, 4);
                    xs.retain(|&x| x > -1.0);
                }
                // Keep labels apart: at least 12 % of the bar between ticks.
                let mut out: Vec<(f64, String)> = Vec::new();
                let min_gap = 0.12 * (self.hi - self.lo);
                for x in xs {
                    let t = (1.0 + x).log10();
                    if out.last().is_none_or(|last| t - last.0 >= min_gap) {
                        out.push((t, fmt_num(x)));
                    }
                }
                out
            }
        }
    }
}

fn transform(scale: Scale, v: f64) -> f64 {
    match scale {
        Scale::Linear | Scale::Symmetric => v,
        Scale::Log1p if v > -1.0 => (1.0 + v).log10(),
        Scale::Log1p => f64::NAN,
    }
}

/// Inverse Mollweide: position (u, v) in the unit disc that the ellipse is
/// stretched from (u to the right, v up), to (theta, phi); None outside.
pub(crate) fn inverse(u: f64, v: f64) -> Option<(f64, f64)> {
    if u * u + v * v > 1.0 {
        return None;
    }
    // With x = 2√2 u, y = √2 v (unit radius): θ_aux = asin(y/√2) = asin(v),
    // lat = asin((2θ_aux + sin 2θ_aux)/π), lon = π x / (2√2 cos θ_aux) = π u / cos θ_aux.
    let aux = v.clamp(-1.0, 1.0).asin();
    let lat = ((2.0 * aux + (2.0 * aux).sin()) / PI)
        .clamp(-1.0, 1.0)
        .asin();
    let c = aux.cos();
    // Longitude increases to the left.
    let lon = if c > 1e-12 { -PI * u / c } else { 0.0 };
    let theta = (PI / 2.0 - lat).clamp(0.0, PI);
    let phi = lon.rem_euclid(TAU);
    let phi = if phi >= TAU { 0.0 } else { phi };
    Some((theta, phi))
}

fn put(buf: &mut [u8], w: u32, x: u32, y: u32, c: [u8; 3]) {
    let i = (y as usize * w as usize + x as usize) * 3;
    if let Some(p) = buf.get_mut(i..i + 3) {
        p.copy_from_slice(&c);
    }
}

fn paint_map(buf: &mut [u8], w: u32, top: u32, l: &Layout, p: &MapPanel<'_>, r: &ColourRange) {
    let (hw, hh) = (l.map_w as f64 / 2.0, l.map_h as f64 / 2.0);
    for py in 0..l.map_h {
        let v = (hh - (py as f64 + 0.5)) / hh;
        for px in 0..l.map_w {
            let u = (px as f64 + 0.5 - hw) / hw;
            let Some((theta, phi)) = inverse(u, v) else {
                continue;
            };
            let value = p
                .values
                .get((p.pixel)(theta, phi))
                .copied()
                .unwrap_or(f64::NAN);
            let c = match r.frac(transform(r.scale, value)) {
                Some(f) => viridis(f),
                None => MISSING,
            };
            put(buf, w, l.map_x + px, top + py, c);
        }
    }
}

fn paint_colour_bar(buf: &mut [u8], w: u32, top: u32, l: &Layout) {
    for px in 0..l.bar_w {
        let c = viridis((px as f64 + 0.5) / l.bar_w as f64);
        for py in 0..l.bar_h {
            put(buf, w, l.bar_x + px, top + py, c);
        }
    }
}

fn annotate<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    y0: i32,
    l: &Layout,
    p: &MapPanel<'_>,
    r: &ColourRange,
) -> Result<(), FigureError> {
    let grey = RGBColor(80, 80, 80);
    let width = root.dim_in_pixel().0 as i32;
    let title = TextStyle::from((FONT, l.title_size).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw_text(p.title, &title, (width / 2, y0 + l.map_y as i32 / 2))
        .map_err(draw_err)?;

    // Outline of the ellipse (hides the jagged edge of the pixels).
    let (cx, cy) = (
        l.map_x as f64 + l.map_w as f64 / 2.0,
        y0 as f64 + l.map_y as f64 + l.map_h as f64 / 2.0,
    );
    let outline: Vec<(i32, i32)> = (0..=720)
        .map(|k| {
            let a = k as f64 / 720.0 * TAU;
            (
                (cx + a.cos() * l.map_w as f64 / 2.0).round() as i32,
                (cy + a.sin() * l.map_h as f64 / 2.0).round() as i32,
            )
        })
        .collect();
    root.draw(&PathElement::new(outline, grey.stroke_width(1)))
        .map_err(draw_err)?;

    // Colour bar frame, ticks and labels.
    let (bx, by) = (l.bar_x as i32, y0 + l.bar_y as i32);
    let (bw, bh) = (l.bar_w as i32, l.bar_h as i32);
    root.draw(&Rectangle::new(
        [(bx, by), (bx + bw, by + bh)],
        grey.stroke_width(1),
    ))
    .map_err(draw_err)?;
    let tick_style = TextStyle::from((FONT, l.tick_size).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let tick_len = (l.bar_h as i32 / 3).max(3);
    let below = by + bh + tick_len + 2;
    if r.any {
        for (t, text) in r.ticks() {
            let f = (t - r.lo) / (r.hi - r.lo);
            if !(-1e-9..=1.0 + 1e-9).contains(&f) {
                continue;
            }
            let x = bx + (f.clamp(0.0, 1.0) * bw as f64).round() as i32;
            root.draw(&PathElement::new(
                vec![(x, by + bh), (x, by + bh + tick_len)],
                BLACK,
            ))
            .map_err(draw_err)?;
            root.draw_text(&text, &tick_style, (x, below))
                .map_err(draw_err)?;
        }
    } else {
        root.draw_text("no data", &tick_style, (bx + bw / 2, below))
            .map_err(draw_err)?;
    }
    let label_style = TextStyle::from((FONT, l.label_size).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let label = match r.scale {
        Scale::Log1p if !p.label.is_empty() => format!("{} (log scale: log10(1 + x))", p.label),
        _ => p.label.to_string(),
    };
    let label_y = below + (l.tick_size * 1.3).round() as i32;
    root.draw_text(&label, &label_style, (bx + bw / 2, label_y))
        .map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_centre_edges_and_orientation() {
        let (t, p) = inverse(0.0, 0.0).unwrap();
        assert!((t - PI / 2.0).abs() < 1e-12 && p.abs() < 1e-12);
        let (t, _) = inverse(0.0, 1.0).unwrap();
        assert!(t.abs() < 1e-9, "top is the north pole");
        let (t, _) = inverse(0.0, -1.0).unwrap();
        assert!((t - PI).abs() < 1e-9, "bottom is the south pole");
        // Left of centre on the equator: small positive longitude.
        let (_, p) = inverse(-0.1, 0.0).unwrap();
        assert!((p - 0.1 * PI).abs() < 1e-12);
        // Right of centre: just below 2π.
        let (_, p) = inverse(0.1, 0.0).unwrap();
        assert!((p - (TAU - 0.1 * PI)).abs() < 1e-12);
        assert!(inverse(0.8, 0.8).is_none());
    }

    #[test]
    fn ranges_survive_odd_values() {
        let r = ColourRange::new(&[f64::NAN, f64::INFINITY], Scale::Linear);
        assert!(!r.any);
        let r = ColourRange::new(&[3.0, 3.0], Scale::Linear);
        assert!(r.lo < 3.0 && r.hi > 3.0);
        let r = ColourRange::new(&[0.0, 0.0], Scale::Symmetric);
        assert!(r.lo < 0.0 && r.hi > 0.0);
        let r = ColourRange::new(&[0.0; 4], Scale::Log1p);
        assert!(r.lo <= 0.0 && r.hi > 0.0 && r.ticks().len() >= 2);
        let r = ColourRange::new(&[-5.0, 0.0, 99.0], Scale::Log1p);
        assert_eq!((r.lo, r.hi), (0.0, 2.0));
        let labels: Vec<String> = r.ticks().into_iter().map(|t| t.1).collect();
        assert!(labels.contains(&"0".to_string()) && labels.contains(&"10".to_string()));
        let r = ColourRange::new(&[-2.0, 1.0, 0.5], Scale::Symmetric);
        assert_eq!(r.lo, -r.hi);
    }
}
