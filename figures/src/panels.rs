//! Grids of line plots (spectra, n(z), histograms, ...).

use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::colour::series;
use crate::ticks::fmt_num;
use crate::{draw_err, encode_png, ensure_font, FigureError, FONT, MAX_PIXELS};

/// How a curve is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Solid line through the points.
    Line,
    /// Dashed line through the points.
    Dashed,
    /// A dot per point.
    Points,
    /// Histogram steps: `x` holds the bin edges (`x.len() == y.len() + 1`) and
    /// `y[i]` is drawn flat from `x[i]` to `x[i + 1]`. Bin centres
    /// (`x.len() == y.len()`) are accepted too; edges are then put half-way
    /// between neighbouring centres.
    Step,
}

/// One data series of a [`Panel`].
pub struct Curve<'a> {
    /// Legend entry (no entry when empty).
    pub label: &'a str,
    pub x: &'a [f64],
    pub y: &'a [f64],
    pub style: Style,
}

/// A shaded area between `lo` and `hi` (e.g. cosmic variance), drawn
/// translucent under the curves, in the colour of the curve with the same
/// index in [`Panel::curves`].
pub struct Band<'a> {
    /// Legend entry (no entry when empty).
    pub label: &'a str,
    pub x: &'a [f64],
    pub lo: &'a [f64],
    pub hi: &'a [f64],
}

/// One line plot of a [`panels`] grid.
pub struct Panel<'a> {
    pub title: &'a str,
    pub xlabel: &'a str,
    pub ylabel: &'a str,
    /// Logarithmic x axis; points with x <= 0 are skipped.
    pub log_x: bool,
    /// Logarithmic y axis; points with y <= 0 are skipped (a band's lower
    /// edge <= 0 is drawn at the bottom of the axis).
    pub log_y: bool,
    pub curves: Vec<Curve<'a>>,
    pub bands: Vec<Band<'a>>,
}

/// A grid of line plots under one overall title.
///
/// `ncols` columns (at most as many as there are panels) and as many rows as
/// needed, each cell `panel_px` = (width, height) pixels (default choice:
/// 480 x 360; each at least 160 x 120). Each panel has its title, axes with tick
/// labels, axis labels and a legend (in the corner with the fewest data
/// points); curves get distinct colours by index, bands are drawn translucent
/// under the curves in the matching colour. Axis ranges come from the finite
/// (and, on log axes, positive) data with small margins; non-finite points
/// break a line; a panel with nothing to draw says "no data".
///
/// Errors: no panels, `ncols == 0`, a too small or too large image, or
/// mismatched lengths within a curve or band.
pub fn panels(
    title: &str,
    panels: &[Panel<'_>],
    ncols: usize,
    panel_px: (u32, u32),
) -> Result<Vec<u8>, FigureError> {
    if panels.is_empty() {
        return Err(FigureError::Input("no panels to draw".into()));
    }
    if ncols == 0 {
        return Err(FigureError::Input("ncols must be at least 1".into()));
    }
    let (pw, ph) = panel_px;
    if pw < 160 || ph < 120 {
        return Err(FigureError::Input(format!(
            "panel size {pw}x{ph} px is below the minimum 160x120"
        )));
    }
    for (i, p) in panels.iter().enumerate() {
        validate(i, p)?;
    }
    let ncols = ncols.min(panels.len());
    let nrows = panels.len().div_ceil(ncols);
    let s = (pw as f64 / 480.0).min(ph as f64 / 360.0).clamp(0.5, 4.0);
    let title_h = if title.is_empty() {
        0
    } else {
        (44.0 * s).round() as u64
    };
    let w = pw as u64 * ncols as u64;
    let h = ph as u64 * nrows as u64 + title_h;
    if w * h > MAX_PIXELS || w > u32::MAX as u64 || h > u32::MAX as u64 {
        return Err(FigureError::Input(format!(
            "{} panels of {pw}x{ph} px make too large an image",
            panels.len()
        )));
    }
    ensure_font()?;
    let (w, h) = (w as u32, h as u32);
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, body) = root.split_vertically(title_h as u32);
        if title_h > 0 {
            let style = TextStyle::from((FONT, 26.0 * s).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center));
            top.draw_text(title, &style, (w as i32 / 2, title_h as i32 / 2))
                .map_err(draw_err)?;
        }
        let cells = body.split_evenly((nrows, ncols));
        for (p, cell) in panels.iter().zip(cells.iter()) {
            draw_panel(cell, p, s)?;
        }
        root.present().map_err(draw_err)?;
    }
    encode_png(&buf, w, h)
}

fn validate(i: usize, p: &Panel<'_>) -> Result<(), FigureError> {
    for (j, c) in p.curves.iter().enumerate() {
        let ok = match c.style {
            Style::Step => c.x.len() == c.y.len() + 1 || c.x.len() == c.y.len(),
            _ => c.x.len() == c.y.len(),
        };
        if !ok {
            return Err(FigureError::Input(format!(
                "panel {i} ('{}'), curve {j} ('{}'): x has {} values but y has {}{}",
                p.title,
                c.label,
                c.x.len(),
                c.y.len(),
                if c.style == Style::Step {
                    " (steps need y.len() + 1 bin edges or y.len() centres)"
                } else {
                    ""
                }
            )));
        }
    }
    for (j, b) in p.bands.iter().enumerate() {
        if b.x.len() != b.lo.len() || b.x.len() != b.hi.len() {
            return Err(FigureError::Input(format!(
                "panel {i} ('{}'), band {j} ('{}'): x, lo and hi have {}, {} and {} values",
                p.title,
                b.label,
                b.x.len(),
                b.lo.len(),
                b.hi.len()
            )));
        }
    }
    Ok(())
}

/// Runs of consecutive drawable points (a line breaks between runs).
type Runs<T> = Vec<Vec<T>>;

/// A panel's data, cleaned for its axes: runs of drawable points.
struct Prepared {
    /// Per curve: its style and its runs of valid points.
    curves: Vec<(Style, Runs<(f64, f64)>)>,
    /// Per band: runs of (x, lo, hi); lo is None where it cannot be drawn
    /// (non-positive on a log axis) and goes to the bottom of the axis.
    bands: Vec<Runs<(f64, Option<f64>, f64)>>,
}

fn valid(v: f64, log: bool) -> bool {
    v.is_finite() && (!log || v > 0.0)
}

fn runs<T: Copy>(items: impl Iterator<Item = Option<T>>) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut cur = Vec::new();
    for it in items {
        match it {
            Some(v) => cur.push(v),
            None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Step edges from centres: half-way between neighbours, extrapolated at
/// the ends (geometrically on a log axis).
fn edges_from_centres(c: &[f64], log: bool) -> Vec<f64> {
    let n = c.len();
    if n == 0 {
        return Vec::new();
    }
    let f = |v: f64| if log { v.ln() } else { v };
    let g = |v: f64| if log { v.exp() } else { v };
    let mut e = Vec::with_capacity(n + 1);
    if n == 1 {
        let d = if log { 0.5 } else { 0.5 * c[0].abs().max(1.0) };
        return vec![g(f(c[0]) - d), g(f(c[0]) + d)];
    }
    e.push(g(f(c[0]) - 0.5 * (f(c[1]) - f(c[0]))));
    for i in 0..n - 1 {
        e.push(g(0.5 * (f(c[i]) + f(c[i + 1]))));
    }
    e.push(g(f(c[n - 1]) + 0.5 * (f(c[n - 1]) - f(c[n - 2]))));
    e
}

fn prepare(p: &Panel<'_>) -> Prepared {
    let (lx, ly) = (p.log_x, p.log_y);
    let curves = p
        .curves
        .iter()
        .map(|c| {
            let pts = if c.style == Style::Step {
                let edges = if c.x.len() == c.y.len() {
                    edges_from_centres(c.x, lx)
                } else {
                    c.x.to_vec()
                };
                // Each bin contributes its two upper corners; consecutive bins
                // joined by vertical risers.
                let corners = c.y.iter().enumerate().flat_map(|(i, &y)| {
                    let (a, b) = (edges[i], edges[i + 1]);
                    let ok = valid(a, lx) && valid(b, lx) && valid(y, ly);
                    [ok.then_some((a, y)), ok.then_some((b, y))]
                });
                runs(corners)
            } else {
                runs(
                    c.x.iter()
                        .zip(c.y)
                        .map(|(&x, &y)| (valid(x, lx) && valid(y, ly)).then_some((x, y))),
                )
            };
            (c.style, pts)
        })
        .collect();
    let bands = p
        .bands
        .iter()
        .map(|b| {
            runs((0..b.x.len()).map(|i| {
                let (x, lo, hi) = (b.x[i], b.lo[i], b.hi[i]);
                let lo_ok = valid(lo, ly) && lo <= hi;
                (valid(x, lx) && valid(hi, ly) && (lo_ok || (ly && lo.is_finite() && lo <= hi)))
                    .then_some((x, lo_ok.then_some(lo), hi))
            }))
        })
        .collect();
    Prepared { curves, bands }
}

/// Data range with margins: 5 % of the span (in log10 on a log axis);
/// all-equal values are widened.
fn axis_range(values: impl Iterator<Item = f64>, log: bool) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .map(|v| if log { v.log10() } else { v })
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| match acc {
            None => Some((v, v)),
            Some((l, h)) => Some((l.min(v), h.max(v))),
        })?;
    let span = hi - lo;
    let (lo, hi) = if !span.is_finite() {
        (lo, hi)
    } else if span <= 1e-12 * lo.abs().max(hi.abs()) {
        let d = if log {
            0.3
        } else if lo == 0.0 {
            1.0
        } else {
            0.1 * lo.abs()
        };
        (lo - d, hi + d)
    } else {
        (lo - 0.05 * span, hi + 0.05 * span)
    };
    Some(if log {
        (10f64.powf(lo), 10f64.powf(hi))
    } else {
        (lo, hi)
    })
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel<'_>,
    s: f64,
) -> Result<(), FigureError> {
    let data = prepare(p);
    let xs = data
        .curves
        .iter()
        .flat_map(|c| c.1.iter().flatten().map(|q| q.0))
        .chain(data.bands.iter().flatten().flatten().map(|b| b.0));
    let ys = data
        .curves
        .iter()
        .flat_map(|c| c.1.iter().flatten().map(|q| q.1))
        .chain(
            data.bands
                .iter()
                .flatten()
                .flatten()
                .flat_map(|b| [b.1.unwrap_or(b.2), b.2]),
        );
    let xr = axis_range(xs, p.log_x);
    let yr = axis_range(ys, p.log_y);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(p.title, (FONT, 19.0 * s))
        .margin((10.0 * s) as i32)
        .margin_right((18.0 * s) as i32)
        .x_label_area_size((46.0 * s) as i32)
        .y_label_area_size((70.0 * s) as i32);
    let (Some((x0, x1)), Some((y0, y1))) = (xr, yr) else {
        let mut chart = builder
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(draw_err)?;
        mesh(&mut chart, p, s, false)?;
        let style = TextStyle::from((FONT, 20.0 * s).into_font())
            .color(&RGBColor(110, 110, 110))
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new("no data", (0.5, 0.5), style)))
            .map_err(draw_err)?;
        return Ok(());
    };
    let log_axis = |lo: f64, hi: f64| {
        let (bold, light) = log_ticks(lo, hi);
        (lo..hi)
            .log_scale()
            .with_key_points(bold)
            .with_light_points(light)
    };
    match (p.log_x, p.log_y) {
        (false, false) => {
            let c = builder
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(draw_err)?;
            fill(c, p, &data, s, y0)
        }
        (true, false) => {
            let c = builder
                .build_cartesian_2d(log_axis(x0, x1), y0..y1)
                .map_err(draw_err)?;
            fill(c, p, &data, s, y0)
        }
        (false, true) => {
            let c = builder
                .build_cartesian_2d(x0..x1, log_axis(y0, y1))
                .map_err(draw_err)?;
            fill(c, p, &data, s, y0)
        }
        (true, true) => {
            let c = builder
                .build_cartesian_2d(log_axis(x0, x1), log_axis(y0, y1))
                .map_err(draw_err)?;
            fill(c, p, &data, s, y0)
        }
    }
}

/// Labelled and grid-line-only ticks of a log axis over [lo, hi] (0 < lo <
/// hi): powers of ten (every n-th over many decades, at most 7 labels), or
/// 1-2-5 (or 1..9) times a power of ten over a short range.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return (Vec::new(), Vec::new());
    }
    let (a, b) = (lo.log10(), hi.log10());
    let inside = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
    let (k0, k1) = (a.floor() as i32, b.ceil() as i32);
    let mut all: Vec<(f64, u32)> = Vec::new(); // (value, mantissa)
    for k in k0..=k1 {
        for m in 1..=9u32 {
            let v = m as f64 * 10f64.powi(k);
            if inside(v) {
                all.push((v, m));
            }
        }
    }
    let decades: Vec<i32> = (k0..=k1).filter(|&k| inside(10f64.powi(k))).collect();
    if decades.len() >= 3 {
        let step = decades.len().div_ceil(7) as i32;
        let bold: Vec<f64> = decades
            .iter()
            .filter(|&&k| k.rem_euclid(step) == 0)
            .map(|&k| 10f64.powi(k))
            .collect();
        let light = if step == 1 {
            all.iter().filter(|q| q.1 != 1).map(|q| q.0).collect()
        } else {
            decades.iter().map(|&k| 10f64.powi(k)).collect()
        };
        return (bold, light);
    }
    for keep in [
        &[1u32, 2, 3, 4, 5, 6, 7, 8, 9][..],
        &[1, 2, 5],
        &[1, 3],
        &[1],
    ] {
        let bold: Vec<f64> = all
            .iter()
            .filter(|q| keep.contains(&q.1))
            .map(|q| q.0)
            .collect();
        if bold.len() <= 7 && bold.len() >= 2 {
            let light = all
                .iter()
                .map(|q| q.0)
                .filter(|v| !bold.contains(v))
                .collect();
            return (bold, light);
        }
    }
    // Less than a factor 2: plain linear ticks on the log axis.
    (crate::ticks::nice_ticks(lo, hi, 4), Vec::new())
}

fn mesh<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    p: &Panel<'_>,
    s: f64,
    labels: bool,
) -> Result<(), FigureError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let fmt = |v: &f64| fmt_num(*v);
    let mut m = chart.configure_mesh();
    m.x_desc(p.xlabel)
        .y_desc(p.ylabel)
        .axis_desc_style((FONT, 16.0 * s))
        .label_style((FONT, 14.0 * s))
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .x_labels(6)
        .y_labels(6)
        .light_line_style(RGBColor(0, 0, 0).mix(0.04))
        .bold_line_style(RGBColor(0, 0, 0).mix(0.12));
    if !labels {
        m.disable_x_axis().disable_y_axis();
    }
    m.draw().map_err(draw_err)
}

fn fill<'a, DB, X, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<X, Y>>,
    p: &Panel<'_>,
    data: &Prepared,
    s: f64,
    y_bottom: f64,
) -> Result<(), FigureError>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    mesh(&mut chart, p, s, true)?;
    let lw = (1.8 * s).round().max(1.0) as u32;
    let mut any_label = false;

    for (i, (b, band_runs)) in p.bands.iter().zip(&data.bands).enumerate() {
        let colour = series(i);
        for (k, run) in band_runs.iter().enumerate() {
            let mut poly: Vec<(f64, f64)> = run.iter().map(|q| (q.0, q.2)).collect();
            poly.extend(run.iter().rev().map(|q| (q.0, q.1.unwrap_or(y_bottom))));
            let ann = chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    colour.mix(0.22).filled(),
                )))
                .map_err(draw_err)?;
            if k == 0 && !b.label.is_empty() {
                any_label = true;
                let sz = (5.0 * s) as i32;
                ann.label(b.label).legend(move |(x, y)| {
                    Rectangle::new(
                        [(x, y - sz), (x + 4 * sz, y + sz)],
                        colour.mix(0.3).filled(),
                    )
                });
            }
        }
    }

    for (i, (c, (style, curve_runs))) in p.curves.iter().zip(&data.curves).enumerate() {
        let colour = series(i);
        let line = colour.stroke_width(lw);
        let seg = (20.0 * s) as i32;
        for (k, run) in curve_runs.iter().enumerate() {
            let ann = match style {
                Style::Line | Style::Step => chart
                    .draw_series(LineSeries::new(run.iter().copied(), line))
                    .map_err(draw_err)?,
                Style::Dashed => chart
                    .draw_series(DashedLineSeries::new(
                        run.iter().copied(),
                        (7.0 * s) as u32,
                        (5.0 * s) as u32,
                        line,
                    ))
                    .map_err(draw_err)?,
                Style::Points => chart
                    .draw_series(
                        run.iter()
                            .map(|&q| Circle::new(q, (3.0 * s).max(1.5) as u32, colour.filled())),
                    )
                    .map_err(draw_err)?,
            };
            if k == 0 && !c.label.is_empty() {
                any_label = true;
                let ann = ann.label(c.label);
                match style {
                    Style::Points => {
                        let r = (3.0 * s).max(1.5) as i32;
                        ann.legend(move |(x, y)| Circle::new((x + seg / 2, y), r, colour.filled()));
                    }
                    Style::Dashed => {
                        let d = (7.0 * s) as i32;
                        ann.legend(move |(x, y)| {
                            EmptyElement::at((x, y))
                                + PathElement::new(vec![(0, 0), (d, 0)], line)
                                + PathElement::new(vec![(seg - d, 0), (seg, 0)], line)
                        });
                    }
                    Style::Line | Style::Step => {
                        ann.legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + seg, y)], line)
                        });
                    }
                }
            }
        }
    }

    if any_label {
        let pos = legend_corner(&chart, data);
        chart
            .configure_series_labels()
            .position(pos)
            .margin((8.0 * s) as i32)
            .legend_area_size((26.0 * s) as i32)
            .label_font((FONT, 14.0 * s))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0, 0, 0).mix(0.3))
            .draw()
            .map_err(draw_err)?;
    }
    Ok(())
}

/// The plot corner with the fewest data points near it.
fn legend_corner<DB, X, Y>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
    data: &Prepared,
) -> SeriesLabelPosition
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (w, h) = ((xr.end - xr.start) as f64, (yr.end - yr.start) as f64);
    let mut counts = [0usize; 4]; // UR, UL, LR, LL
    let pts = data
        .curves
        .iter()
        .flat_map(|c| c.1.iter().flatten())
        .copied()
        .chain(data.bands.iter().flatten().flatten().map(|b| (b.0, b.2)));
    for q in pts {
        let (px, py) = chart.backend_coord(&q);
        let fx = (px - xr.start) as f64 / w;
        let fy = (py - yr.start) as f64 / h;
        let right = fx > 0.55;
        let left = fx < 0.45;
        let top = fy < 0.4;
        let bottom = fy > 0.6;
        if top && right {
            counts[0] += 1;
        }
        if top && left {
            counts[1] += 1;
        }
        if bottom && right {
            counts[2] += 1;
        }
        if bottom && left {
            counts[3] += 1;
        }
    }
    let best = (0..4).min_by_key(|&i| counts[i]).unwrap_or(0);
    [
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::LowerRight,
        SeriesLabelPosition::LowerLeft,
    ][best]
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_decades_and_short_ranges() {
        let (bold, _) = log_ticks(0.5, 2000.0);
        assert_eq!(bold, vec![1.0, 10.0, 100.0, 1000.0]);
        let (bold, light) = log_ticks(1e-25, 2.0);
        assert!(bold.len() <= 7 && bold.len() >= 3, "{bold:?}");
        assert!(light.len() >= bold.len());
        let (bold, _) = log_ticks(2.0, 40.0);
        assert!(bold.contains(&10.0) && bold.len() <= 7, "{bold:?}");
        let (bold, _) = log_ticks(1.1, 1.3);
        assert!(!bold.is_empty());
        assert_eq!(log_ticks(-1.0, 1.0), (vec![], vec![]));
    }
}
