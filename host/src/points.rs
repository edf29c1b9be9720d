//! Point processes on the sphere (GLASS `glass.points`): galaxy positions
//! from a density contrast, uniform positions, bias models, and
//! displacements along great circles.
//!
//! # Random numbers
//!
//! [`positions_from_delta`] and [`uniform_positions`] take a generator for
//! their purpose (e.g. `rng.substream(&[Key::Shell(i)])`) and key their
//! draws below it: population `k` (the flat index of the leading axes; 0
//! without them) draws its counts from `[Key::Index(k), Key::Stage("counts")]`
//! and its positions from `[Key::Index(k), Key::Stage("positions")]`, the
//! point `j` of the population using element `j` of the positions stream
//! (streams 0 and 1: the two uniforms of [`randang`](crate::healpix::randang)).
//! So the catalogue is the same at every `batch` size and on every backend.
//!
//! # Data-dependent sizes
//!
//! The number of points per pixel is a Poisson draw on the backend; the
//! counts are then brought to the host (one int64 per pixel, small next to
//! the points) to cut the points into batches of at most `batch`. On the
//! backend, the pixel of each point of a batch is
//! `searchsorted(cumulative_sum(counts), arange(size), side="right")`,
//! which needs only standard ops of fixed output shape, so it runs on the
//! strict backend without `GLASS_STRICT_DATA_DEPENDENT_SHAPES`; a backend
//! with the `points.positions` op (the ndarray backend) does the whole
//! batch in one native kernel, with the same floating-point operations.

use std::sync::Arc;

use glass_backend_api::{DType, IndexItem, Op, RValue};
use ndarray::ArrayD;

use crate::arraytools::{broadcast_shapes, trapezoid, trapezoid_product};
use crate::error::check_dtype;
use crate::healpix::{npix2nside, randang_uv};
use crate::rng::{Key, Rng};
use crate::shells::RadialWindow;
use crate::{Arg, Array, Backend, Error, Result};

/// The solid angle of the sphere in square arcminutes,
/// `60^6 // 100 / π` as GLASS writes it (`4π (180/π)² 60²`, rounded down in
/// its integer part before dividing by π).
#[allow(clippy::excessive_precision)]
pub const ARCMIN2_SPHERE: f64 = (46_656_000_000u64 / 100) as f64 / std::f64::consts::PI;

/// The effective bias `∫ b(z) W(z) dz / ∫ W(z) dz` of a bias function
/// `b(z)` given at points `z` over the window `w` (GLASS `effective_bias`).
///
/// # Errors
///
/// [`Error::Value`] for `z` and `bz` of different lengths, a window without
/// points or of zero integral.
pub fn effective_bias(z: &[f64], bz: &[f64], w: &RadialWindow) -> Result<f64> {
    let norm = trapezoid(&w.wa, &w.za)?;
    if norm == 0.0 {
        return Err(Error::value(
            "effective_bias",
            "w",
            "the window integrates to zero",
        ));
    }
    Ok(trapezoid_product((z, bz), &[(&w.za, &w.wa)])? / norm)
}

/// The linear bias model `δ_g = b δ` (GLASS `linear_bias`).
///
/// # Errors
///
/// Backend errors.
pub fn linear_bias(delta: &Array, b: f64) -> Result<Array> {
    (delta * b).ok()
}

/// The log-linear bias model `ln(1 + δ_g) = b ln(1 + δ)` (GLASS
/// `loglinear_bias`).
///
/// # Errors
///
/// Backend errors.
pub fn loglinear_bias(delta: &Array, b: f64) -> Result<Array> {
    (&delta.log1p()? * b).ok()?.expm1()
}

/// A user's bias function `f(delta, b)`.
pub type BiasFn = Arc<dyn Fn(&Array, f64) -> Result<Array> + Send + Sync>;

/// The expected counts of population `k` (its multi-index).
type ExpectedCounts = Box<dyn FnMut(&[usize]) -> Result<Array> + Send>;

/// A bias model `δ_g = f(δ, b)` of [`positions_from_delta`].
#[derive(Clone, Default)]
pub enum BiasModel {
    /// [`linear_bias`] (GLASS's default).
    #[default]
    Linear,
    /// [`loglinear_bias`].
    Loglinear,
    /// A user function `f(delta, b)`.
    Custom(BiasFn),
}

impl std::fmt::Debug for BiasModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BiasModel::Linear => f.write_str("Linear"),
            BiasModel::Loglinear => f.write_str("Loglinear"),
            BiasModel::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

impl BiasModel {
    /// `δ_g` of `delta` with bias `b`.
    ///
    /// # Errors
    ///
    /// Those of the model.
    pub fn apply(&self, delta: &Array, b: f64) -> Result<Array> {
        match self {
            BiasModel::Linear => linear_bias(delta, b),
            BiasModel::Loglinear => loglinear_bias(delta, b),
            BiasModel::Custom(f) => f(delta, b),
        }
    }
}

/// Options of [`positions_from_delta`] (GLASS's keyword arguments).
#[derive(Debug, Clone)]
pub struct PositionsOptions {
    /// The bias model (GLASS `bias_model`, default linear).
    pub bias_model: BiasModel,
    /// Subtract the mean of the biased density contrast first (GLASS
    /// `remove_monopole`, default false).
    pub remove_monopole: bool,
    /// The largest number of points per batch (GLASS `batch`, default
    /// 1 000 000); a pixel with more points comes alone.
    pub batch: usize,
}

impl Default for PositionsOptions {
    fn default() -> Self {
        PositionsOptions {
            bias_model: BiasModel::Linear,
            remove_monopole: false,
            batch: 1_000_000,
        }
    }
}

/// One batch of points: GLASS yields `(lon, lat, count)`.
#[derive(Debug, Clone)]
pub struct PointBatch {
    /// Longitudes in degrees (float64, on the backend).
    pub lon: Array,
    /// Latitudes in degrees.
    pub lat: Array,
    /// The number of points in the batch.
    pub count: usize,
    /// The population of the batch: its index in the leading axes of the
    /// inputs (empty without leading axes). GLASS's `count` is an array
    /// over those axes, zero but at this index.
    pub population: Vec<usize>,
}

/// Density inputs of [`positions_from_delta`] broadcast over their leading
/// axes: the index of population `k` in an input with leading shape
/// `shape` (numpy broadcasting: aligned right, axes of length 1 reused).
fn pick(shape: &[usize], k: &[usize]) -> Vec<usize> {
    let skip = k.len() - shape.len();
    shape
        .iter()
        .zip(&k[skip..])
        .map(|(&n, &i)| if n == 1 { 0 } else { i })
        .collect()
}

fn unravel(shape: &[usize], mut flat: usize) -> Vec<usize> {
    let mut k = vec![0; shape.len()];
    for (d, &n) in shape.iter().enumerate().rev() {
        k[d] = flat % n;
        flat /= n;
    }
    k
}

fn row(x: &Array, k: &[usize]) -> Result<Array> {
    if k.is_empty() {
        return Ok(x.clone());
    }
    let mut index: Vec<IndexItem> = k.iter().map(|&i| IndexItem::Int(i as i64)).collect();
    index.push(IndexItem::Ellipsis);
    x.get(&index)
}

fn host_at(a: &ArrayD<f64>, k: &[usize]) -> f64 {
    let idx = pick(a.shape(), k);
    a[ndarray::IxDyn(&idx)]
}

/// [`Error::Value`] for a negative or non-finite galaxy density.
fn check_densities(func: &'static str, ngal: &ArrayD<f64>) -> Result<()> {
    match ngal.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        Some(v) => Err(Error::value(
            func,
            "ngal",
            format!("galaxy densities must be finite and non-negative, got {v}"),
        )),
        None => Ok(()),
    }
}

/// The iterator of [`positions_from_delta`].
pub struct Positions {
    xp: Backend,
    nside: i64,
    npix: usize,
    dims: Vec<usize>,
    batch: usize,
    rng: Rng,
    /// Expected counts per population, computed lazily.
    make: ExpectedCounts,
    population: usize,
    npopulations: usize,
    current: Option<Current>,
    done: bool,
}

impl std::fmt::Debug for Positions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Positions")
            .field("nside", &self.nside)
            .field("dims", &self.dims)
            .field("batch", &self.batch)
            .field("population", &self.population)
            .finish_non_exhaustive()
    }
}

/// The counts of the population being cut into batches.
struct Current {
    k: Vec<usize>,
    flat: usize,
    counts: Array,
    host: Vec<i64>,
    /// Next pixel, and the index of its first point in the population.
    start: usize,
    first: u64,
    left: u64,
}

/// Samples galaxy positions from the density contrast `delta` (GLASS
/// `positions_from_delta(ngal, delta, bias, vis, bias_model=,
/// remove_monopole=, batch=, rng=)`): in each pixel a Poisson number of
/// points with mean `ngal · A_pix (1 + δ_g) · vis` (`A_pix` in arcmin²,
/// `δ_g` the bias model of `delta` and `bias`, negative means clipped to
/// zero), each uniform in the pixel's area.
///
/// `ngal` (points per arcmin²) and `bias` are host arrays over the
/// leading axes of populations (a 0-d array for one), `delta` and `vis`
/// maps `(..., npix)` on the backend, all broadcast together over their
/// leading axes as GLASS does. The iterator yields batches population by
/// population. See the module docs for the random streams and batching.
///
/// # Errors
///
/// Up front: [`Error::Value`] for a negative or non-finite `ngal`;
/// [`Error::Healpix`] when `delta` is not a HEALPix map; [`Error::Shape`]
/// for a `vis` of another map size, or leading axes that do not
/// broadcast; [`Error::DType`] unless `delta` and `vis` are float64.
/// While iterating: errors of the bias model, the draws and the backend.
pub fn positions_from_delta(
    ngal: &ArrayD<f64>,
    delta: &Array,
    bias: Option<&ArrayD<f64>>,
    vis: Option<&Array>,
    options: PositionsOptions,
    rng: &Rng,
) -> Result<Positions> {
    const F: &str = "positions_from_delta";
    check_densities(F, ngal)?;
    check_dtype(delta, DType::Float64, F, "delta")?;
    if let Some(v) = vis {
        check_dtype(v, DType::Float64, F, "vis")?;
    }
    let Some((&npix, delta_lead)) = delta.shape().split_last() else {
        return Err(Error::shape(F, "delta", delta.shape(), "(..., npix)"));
    };
    let nside = npix2nside(npix)?;
    let mut leads: Vec<&[usize]> = vec![ngal.shape(), delta_lead];
    if let Some(b) = bias {
        leads.push(b.shape());
    }
    let vis_lead = match vis {
        Some(v) => {
            let Some((&n, lead)) = v.shape().split_last() else {
                return Err(Error::shape(F, "vis", v.shape(), format!("(..., {npix})")));
            };
            if n != npix {
                return Err(Error::shape(
                    F,
                    "vis",
                    v.shape(),
                    format!("(..., {npix}): a map of the size of delta (nside {nside})"),
                ));
            }
            leads.push(lead);
            Some(lead.to_vec())
        }
        None => None,
    };
    let dims = broadcast_shapes(&leads).map_err(|_| {
        Error::shape(
            F,
            "delta",
            delta.shape(),
            "leading axes that broadcast with those of ngal, bias and vis",
        )
    })?;
    let npopulations = dims.iter().product();
    let xp = delta.backend().clone();
    let ngal = ngal.clone();
    let bias = bias.cloned();
    let delta = delta.clone();
    let vis = vis.cloned();
    let delta_lead = delta_lead.to_vec();
    let PositionsOptions {
        bias_model,
        remove_monopole,
        batch,
    } = options;
    let make = move |k: &[usize]| -> Result<Array> {
        let d = row(&delta, &pick(&delta_lead, k))?;
        let mut n = match &bias {
            Some(b) => bias_model.apply(&d, host_at(b, k))?,
            None => d,
        };
        if remove_monopole {
            let mean = n.mean(None, true)?;
            n = (&n - &mean).ok()?;
        }
        let scale = ARCMIN2_SPHERE / npix as f64 * host_at(&ngal, k);
        n = (&(&n + 1.0).ok()? * scale).ok()?;
        if let (Some(v), Some(lead)) = (&vis, &vis_lead) {
            n = (&n * &row(v, &pick(lead, k))?).ok()?;
        }
        n.clip(Some(0.0), None)
    };
    Ok(Positions {
        xp,
        nside,
        npix,
        dims,
        batch: batch.max(1),
        rng: rng.clone(),
        make: Box::new(make),
        population: 0,
        npopulations,
        current: None,
        done: false,
    })
}

impl Positions {
    /// Draws the counts of the next population.
    fn start_population(&mut self) -> Result<()> {
        let flat = self.population;
        self.population += 1;
        let k = unravel(&self.dims, flat);
        let lam = (self.make)(&k)?;
        let counts = self
            .rng
            .substream(&[Key::Index(flat as u64), Key::Stage("counts")])
            .poisson(&lam)?;
        let host = counts.to_vec::<i64>()?;
        let left = host.iter().map(|&c| c as u64).sum();
        self.current = Some(Current {
            k,
            flat,
            counts,
            host,
            start: 0,
            first: 0,
            left,
        });
        Ok(())
    }

    /// The points of pixels `start..stop` of the current population.
    fn points(&self, cur: &Current, stop: usize, size: usize) -> Result<PointBatch> {
        let xp = &self.xp;
        let mut prng = self
            .rng
            .substream(&[Key::Index(cur.flat as u64), Key::Stage("positions")])
            .at(cur.first);
        let u = prng.uniform(xp, &[size], 0.0, 1.0)?;
        let v = prng.uniform(xp, &[size], 0.0, 1.0)?;
        let c = cur.counts.get(&[IndexItem::slice(
            Some(cur.start as i64),
            Some(stop as i64),
            1,
        )])?;
        let (lon, lat) = if xp.supports(Op::PointsPositions) {
            let mut out = xp.call(
                Op::PointsPositions,
                &[
                    Arg::Value(RValue::Int(self.nside)),
                    Arg::Array(&c),
                    Arg::Value(RValue::Int(cur.start as i64)),
                    Arg::Array(&u),
                    Arg::Array(&v),
                ],
            )?;
            let (Some(lat), Some(lon)) = (out.pop(), out.pop()) else {
                return Err(Error::internal(
                    "positions_from_delta",
                    "points.positions returned fewer than 2 arrays",
                ));
            };
            (out_array(lon)?, out_array(lat)?)
        } else {
            // the pixel of point g is the first pixel whose cumulative
            // count exceeds g
            let cs = c.cumulative_sum(Some(0), false)?;
            let g = xp.arange(0.0, size as f64, 1.0, DType::Int64)?;
            let ipix = (&cs.searchsorted(&g, true)? + cur.start as i64).ok()?;
            randang_uv(self.nside, &ipix, &u, &v, false, true)?
        };
        Ok(PointBatch {
            lon,
            lat,
            count: size,
            population: cur.k.clone(),
        })
    }

    fn next_batch(&mut self) -> Result<Option<PointBatch>> {
        loop {
            if self.current.as_ref().is_none_or(|c| c.left == 0) {
                if self.population >= self.npopulations {
                    return Ok(None);
                }
                self.start_population()?;
                continue;
            }
            let Some(cur) = self.current.take() else {
                continue;
            };
            let batch = self.batch as u64;
            let (mut size, mut stop) = (0u64, cur.start);
            while stop < self.npix && size + cur.host[stop] as u64 <= batch {
                size += cur.host[stop] as u64;
                stop += 1;
            }
            if stop == cur.start {
                size = cur.host[stop] as u64;
                stop += 1;
            }
            let out = self.points(&cur, stop, size as usize);
            self.current = Some(Current {
                start: stop,
                first: cur.first + size,
                left: cur.left - size,
                ..cur
            });
            return out.map(Some);
        }
    }
}

fn out_array(o: crate::Out) -> Result<Array> {
    match o {
        crate::Out::Array(a) => Ok(a),
        crate::Out::Value(_) => Err(Error::internal(
            "positions_from_delta",
            "points.positions returned a value, not an array",
        )),
    }
}

impl Iterator for Positions {
    type Item = Result<PointBatch>;

    fn next(&mut self) -> Option<Result<PointBatch>> {
        if self.done {
            return None;
        }
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Samples points uniformly over the sphere (GLASS
/// `uniform_positions(ngal, rng=)`): for each population of the host array
/// `ngal` (points per arcmin²), a Poisson number with mean
/// `ngal · 4π sr`, at longitudes uniform in `[-180°, 180°)` and latitudes
/// `asin(u)`, `u` uniform in `[-1, 1)`. One batch per population; counts
/// from `[Key::Stage("counts")]` (element `k` for population `k`),
/// positions from `[Key::Index(k), Key::Stage("positions")]`.
///
/// # Errors
///
/// [`Error::Value`] for a negative or non-finite `ngal`; errors of the
/// draws.
pub fn uniform_positions(xp: &Backend, ngal: &ArrayD<f64>, rng: &Rng) -> Result<Vec<PointBatch>> {
    check_densities("uniform_positions", ngal)?;
    let lam: Vec<f64> = ngal.iter().map(|n| ARCMIN2_SPHERE * n).collect();
    let lam = xp.asarray(&lam, &[lam.len()])?;
    let counts = rng
        .substream(&[Key::Stage("counts")])
        .poisson(&lam)?
        .to_vec::<i64>()?;
    let mut out = Vec::with_capacity(counts.len());
    for (k, &n) in counts.iter().enumerate() {
        let n = n as usize;
        let mut prng = rng.substream(&[Key::Index(k as u64), Key::Stage("positions")]);
        let lon = prng.uniform(xp, &[n], -180.0, 180.0)?;
        let sinlat = prng.uniform(xp, &[n], -1.0, 1.0)?;
        let lat = (&sinlat.asin()? * (180.0 / std::f64::consts::PI)).ok()?;
        out.push(PointBatch {
            lon,
            lat,
            count: n,
            population: unravel(ngal.shape(), k),
        });
    }
    Ok(out)
}

/// The weights of shells for the galaxy density (GLASS
/// `position_weights(densities, bias)`): the densities normalised over the
/// first axis, `densities / Σ_i densities_i`, times `bias` (broadcast
/// along the first axis, as GLASS's `broadcast_first`).
///
/// # Errors
///
/// [`Error::Shape`] when `bias` does not broadcast with `densities` along
/// their first axes.
pub fn position_weights(
    densities: &ArrayD<f64>,
    bias: Option<&ArrayD<f64>>,
) -> Result<ArrayD<f64>> {
    let (d, b) = match bias {
        Some(b) => {
            let mut v = crate::arraytools::broadcast_first(&[densities.view(), b.view()])?;
            let b = v.pop();
            (v.pop().unwrap_or_else(|| densities.clone()), b)
        }
        None => (densities.clone(), None),
    };
    let total = d.sum_axis(ndarray::Axis(0));
    let mut w = &d / &total.insert_axis(ndarray::Axis(0));
    if let Some(b) = b {
        w = &w * &b;
    }
    Ok(w)
}

/// Moves points a distance `|α|` (radians) along the great circle of
/// bearing `arg α` (from north through east) at each point (GLASS
/// `displace(lon, lat, alpha)`: the exponential map of the sphere);
/// positions in degrees. `alpha` is complex128 (`α_north + i α_east`) or a
/// float64 array with a leading axis of 2 (the two components).
///
/// For the deflection of [`from_convergence`](crate::lensing::from_convergence),
/// use [`deflect`](crate::lensing::deflect), which converts healpy's
/// `(θ̂, φ̂)` components to this bearing convention.
///
/// # Errors
///
/// [`Error::DType`] for an `alpha` that is neither complex128 nor float64;
/// [`Error::Shape`] for a real `alpha` without a leading axis of 2; backend
/// errors (e.g. shapes that do not broadcast).
pub fn displace(lon: &Array, lat: &Array, alpha: &Array) -> Result<(Array, Array)> {
    let (a1, a2) = components(alpha, "displace")?;
    let deg = 180.0 / std::f64::consts::PI;
    let t = (lat * (1.0 / deg)).ok()?;
    let (ct, st) = (t.sin()?, t.cos()?);
    let a = a1.hypot(&a2)?;
    let g = a2.atan2(&a1)?;
    let (ca, sa) = (a.cos()?, a.sin()?);
    let (cg, sg) = (g.cos()?, g.sin()?);
    let y = (&(&ct * &ca).ok()? + &(&(&st * &sa).ok()? * &cg).ok()?).ok()?;
    let x1 = (&(&ct * &sa).ok()? - &(&(&st * &ca).ok()? * &cg).ok()?).ok()?;
    let x2 = (&st * &sg).ok()?;
    let tp = y.atan2(&x1.hypot(&x2)?)?;
    let num = (&sa * &sg).ok()?;
    let den = (&(&st * &ca).ok()? - &(&(&ct * &sa).ok()? * &cg).ok()?).ok()?;
    let d = num.atan2(&den)?;
    let new_lon = (lon + &(&d * deg).ok()?).ok()?;
    let new_lat = (&tp * deg).ok()?;
    Ok((new_lon, new_lat))
}

/// The two real components of a displacement.
fn components(alpha: &Array, func: &'static str) -> Result<(Array, Array)> {
    match alpha.dtype() {
        DType::Complex128 => Ok((alpha.real()?, alpha.imag()?)),
        DType::Float64 => {
            if alpha.shape().first() != Some(&2) {
                return Err(Error::shape(
                    func,
                    "alpha",
                    alpha.shape(),
                    "(2, ...) for a real alpha (or a complex alpha)",
                ));
            }
            Ok((
                alpha.get(&[IndexItem::Int(0), IndexItem::Ellipsis])?,
                alpha.get(&[IndexItem::Int(1), IndexItem::Ellipsis])?,
            ))
        }
        got => Err(Error::DType {
            func,
            arg: "alpha",
            got,
            expected: DType::Complex128,
        }),
    }
}

/// The displacement (as in [`displace`]) that takes the points
/// `(from_lon, from_lat)` to `(to_lon, to_lat)`, in degrees (GLASS
/// `displacement`): complex128 `r e^{i x}` with `r` the angular distance
/// (radians) and `x` the bearing at the start point.
///
/// # Errors
///
/// Backend errors (e.g. shapes that do not broadcast).
pub fn displacement(
    from_lon: &Array,
    from_lat: &Array,
    to_lon: &Array,
    to_lat: &Array,
) -> Result<Array> {
    let rad = std::f64::consts::PI / 180.0;
    let a = (from_lat * rad).ok()?;
    let b = (to_lat * rad).ok()?;
    let g = (&(to_lon - from_lon).ok()? * rad).ok()?;
    let (sa, ca) = (a.sin()?, a.cos()?);
    let (sb, cb) = (b.sin()?, b.cos()?);
    let (sg, cg) = (g.sin()?, g.cos()?);
    let east = (&cb * &sg).ok()?;
    let north = (&(&ca * &sb).ok()? - &(&(&sa * &cb).ok()? * &cg).ok()?).ok()?;
    let cosr = (&(&sa * &sb).ok()? + &(&(&ca * &cb).ok()? * &cg).ok()?).ok()?;
    let r = east.hypot(&north)?.atan2(&cosr)?;
    let x = east.atan2(&north)?;
    // r e^{ix} = r cos x + i r sin x
    crate::array::complex(&(&r * &x.cos()?).ok()?, &(&r * &x.sin()?).ok()?)
}
