//! Galaxy properties (GLASS `glass.galaxies`): redshifts from a
//! distribution, photometric redshifts, and the lensed ellipticity.
//!
//! The draws use the generator they are given, one stream per draw (see
//! [`Rng`]); for a catalogue cut into batches give the batch that starts
//! at galaxy `first` the generator `rng.at(first)`, and every galaxy gets
//! the same numbers at any batch size.

use std::collections::BTreeMap;

use glass_backend_api::DType;
use ndarray::ArrayD;

use crate::array::complex;
use crate::arraytools::cumulative_trapezoid;
use crate::error::check_dtype;
use crate::healpix::{ang2pix, npix2nside};
use crate::rng::Rng;
use crate::shells::RadialWindow;
use crate::{Array, Backend, Error, Result};

/// `x ↦ interp(x, xp, fp)` for a backend array `x` in `[xp[0], xp[-1])`
/// and a non-decreasing host table `xp` (linear interpolation in standard
/// ops: the interval `xp[i - 1] <= x < xp[i]` of each `x` by
/// `searchsorted`, then `take`; a repeated `xp` value is a jump).
fn interp_table(x: &Array, xp: &[f64], fp: &[f64]) -> Result<Array> {
    let b = x.backend();
    let n = xp.len();
    // on interval [i - 1, i]: f = c[i] + s[i] x, with the slope s and
    // intercept c of the segment (index 0 unused)
    let mut slope = vec![0.0; n];
    let mut intercept = vec![0.0; n];
    for i in 1..n {
        let dx = xp[i] - xp[i - 1];
        if dx > 0.0 {
            slope[i] = (fp[i] - fp[i - 1]) / dx;
            intercept[i] = fp[i - 1] - xp[i - 1] * slope[i];
        } else {
            intercept[i] = fp[i];
        }
    }
    let xt = b.asarray1(xp)?;
    // interval [i - 1, i] with xp[i - 1] <= x < xp[i]
    let i = xt.searchsorted(x, true)?;
    let hi = i.maximum(1i64)?.minimum((n - 1) as i64)?;
    let s = b.asarray1(&slope)?.take(&hi, None)?;
    let c = b.asarray1(&intercept)?.take(&hi, None)?;
    (&c + &(x * &s).ok()?).ok()
}

/// Draws `count` values from the distribution `nz` tabulated at `z`, by
/// inverting its cumulative trapezoid integral.
fn draw_nz(xp: &Backend, count: usize, z: &[f64], nz: &[f64], rng: &mut Rng) -> Result<Array> {
    const F: &str = "redshifts_from_nz";
    if z.len() != nz.len() || z.len() < 2 {
        return Err(Error::value(
            F,
            "nz",
            format!(
                "z and nz need the same length of at least 2, got {} and {}",
                z.len(),
                nz.len()
            ),
        ));
    }
    if let Some(v) = nz.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(Error::value(
            F,
            "nz",
            format!("a redshift distribution must be finite and non-negative, got {v}"),
        ));
    }
    let cdf = cumulative_trapezoid(ndarray::ArrayView1::from(nz).into_dyn(), z)?;
    let mut cdf: Vec<f64> = cdf.iter().copied().collect();
    let total = *cdf.last().unwrap_or(&0.0);
    if !(total > 0.0) {
        return Err(Error::value(F, "nz", "the distribution integrates to zero"));
    }
    cdf.iter_mut().for_each(|c| *c /= total);
    // flat stretches of the CDF (n(z) = 0) repeat a value: the interval
    // of a draw u is [i - 1, i] with cdf[i - 1] <= u < cdf[i] (searchsorted
    // right), which never has zero width, so nothing lands in a gap
    let u = rng.uniform(xp, &[count], 0.0, 1.0)?;
    interp_table(&u, &cdf, z)
}

/// Redshifts of `n` galaxies from the window `w` as their distribution
/// (GLASS `redshifts(n, w, rng=)`).
///
/// # Errors
///
/// As [`redshifts_from_nz`].
pub fn redshifts(xp: &Backend, n: usize, w: &RadialWindow, rng: &mut Rng) -> Result<Array> {
    draw_nz(xp, n, &w.za, &w.wa, rng)
}

/// Redshifts from the distribution `nz` tabulated at `z` (GLASS
/// `redshifts_from_nz(count, z, nz, rng=)`; GLASS's warning that
/// [`redshifts`] is usually the function wanted is this doc line):
/// `count[k]` draws from distribution `nz[k]` (a host array `(..., len
/// z)`; one row for all counts, or one per count), concatenated in order.
///
/// # Errors
///
/// [`Error::Value`] for a negative, non-finite or zero distribution, or
/// `z` and `nz` of different lengths; [`Error::Shape`] for a number of
/// rows of `nz` that is neither 1 nor `count.len()`; errors of the draws.
pub fn redshifts_from_nz(
    xp: &Backend,
    count: &[usize],
    z: &[f64],
    nz: &ArrayD<f64>,
    rng: &mut Rng,
) -> Result<Array> {
    let Some(&nzlen) = nz.shape().last() else {
        return Err(Error::shape(
            "redshifts_from_nz",
            "nz",
            nz.shape(),
            "(..., len(z))",
        ));
    };
    let rows = nz.len() / nzlen.max(1);
    if rows != 1 && rows != count.len() {
        return Err(Error::shape(
            "redshifts_from_nz",
            "nz",
            nz.shape(),
            format!("one distribution, or one per count ({})", count.len()),
        ));
    }
    let flat: Vec<f64> = nz.iter().copied().collect();
    let mut parts = Vec::with_capacity(count.len());
    for (k, &c) in count.iter().enumerate() {
        let r = if rows == 1 { 0 } else { k };
        parts.push(draw_nz(xp, c, z, &flat[r * nzlen..(r + 1) * nzlen], rng)?);
    }
    match parts.len() {
        0 => xp.zeros(&[0], DType::Float64),
        1 => Ok(parts.remove(0)),
        _ => xp.concat(&parts.iter().collect::<Vec<_>>(), Some(0)),
    }
}

/// Redshifts for galaxies labelled by tomographic bin (GLASS
/// `redshifts_from_bins(bins, z, nz_dict, rng=)`): galaxy `j` gets a draw
/// from `nz[bins[j]]`; the bins are drawn in increasing label order, each
/// galaxy keeping its place.
///
/// # Errors
///
/// [`Error::Value`] for a label without distribution; [`Error::DType`]
/// unless `bins` is int64; as [`redshifts_from_nz`].
pub fn redshifts_from_bins(
    bins: &Array,
    z: &[f64],
    nz: &BTreeMap<i64, Vec<f64>>,
    rng: &mut Rng,
) -> Result<Array> {
    check_dtype(bins, DType::Int64, "redshifts_from_bins", "bins")?;
    let xp = bins.backend();
    let labels = bins.to_vec::<i64>()?;
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for l in &labels {
        *counts.entry(*l).or_default() += 1;
    }
    let mut parts = Vec::with_capacity(counts.len());
    for (label, &c) in &counts {
        let dist = nz.get(label).ok_or_else(|| {
            Error::value(
                "redshifts_from_bins",
                "nz_dict",
                format!("no redshift distribution for bin {label}"),
            )
        })?;
        parts.push(draw_nz(xp, c, z, dist, rng)?);
    }
    if parts.is_empty() {
        return xp.zeros(bins.shape(), DType::Float64);
    }
    let drawn = xp.concat(&parts.iter().collect::<Vec<_>>(), Some(0))?;
    // galaxy j is item rank(j) of the draws sorted by label (stable)
    let flat = bins.reshape(&[-1])?;
    let order = flat.argsort(0, false)?;
    let rank = order.argsort(0, false)?;
    let shape: Vec<i64> = bins.shape().iter().map(|&n| n as i64).collect();
    drawn.take(&rank, None)?.reshape(&shape)
}

/// Options of [`galaxy_shear`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GalaxyShearOptions {
    /// Apply the reduced shear `g = γ / (1 - κ)` to the ellipticity
    /// (GLASS's default, `true`); `false` adds `γ` to the ellipticity.
    pub reduced_shear: bool,
}

impl Default for GalaxyShearOptions {
    fn default() -> Self {
        GalaxyShearOptions {
            reduced_shear: true,
        }
    }
}

/// The observed ellipticities of galaxies at `(lon, lat)` (degrees) with
/// intrinsic ellipticities `eps` (complex128) in the convergence and shear
/// maps `kappa`, `gamma1`, `gamma2` (GLASS `galaxy_shear`): with the
/// reduced shear `g = γ / (1 - κ)` of each galaxy's pixel,
/// `ε = (ε_s + g) / (1 + g* ε_s)` (Seitz & Schneider 1997, A&A 318, 687,
/// eq. 13), or `ε_s + γ` without `reduced_shear`.
///
/// **|g| ≥ 1.** GLASS applies the weak-lensing formula everywhere; it is
/// valid for `|g| ≤ 1` only. Beyond (the strong-lensing regime inside a
/// critical curve) the image is `ε = (1 + g ε_s*) / (ε_s* + g*)`, the other
/// branch of the same paper, which is what this function uses there. At
/// `|g| = 1` the two agree; at `κ = 1` (a critical curve) `g` is infinite
/// and the result not finite, as in GLASS.
///
/// # Errors
///
/// [`Error::Healpix`] when the maps are not HEALPix maps; [`Error::Shape`]
/// when they differ in size; [`Error::DType`] unless `eps` is complex128;
/// backend errors.
pub fn galaxy_shear(
    lon: &Array,
    lat: &Array,
    eps: &Array,
    kappa: &Array,
    gamma1: &Array,
    gamma2: &Array,
    options: GalaxyShearOptions,
) -> Result<Array> {
    const F: &str = "galaxy_shear";
    check_dtype(eps, DType::Complex128, F, "eps")?;
    let npix = kappa.shape().last().copied().unwrap_or(0);
    let nside = npix2nside(npix)?;
    for (arg, m) in [("gamma1", gamma1), ("gamma2", gamma2)] {
        if m.shape() != kappa.shape() {
            return Err(Error::shape(
                F,
                arg,
                m.shape(),
                format!("{:?}, the shape of kappa", kappa.shape()),
            ));
        }
    }
    let rad = std::f64::consts::PI / 180.0;
    let theta = (&(&(lat * -1.0).ok()? + 90.0).ok()? * rad).ok()?;
    let phi = (lon * rad).ok()?;
    let ipix = ang2pix(nside, &theta, &phi, false)?;
    let reduce = |g: &Array, k: &Array| -> Result<Array> {
        let one_minus_k = (&(k * -1.0).ok()? + 1.0).ok()?.astype(DType::Complex128)?;
        (g / &one_minus_k).ok()
    };
    // the (reduced) shear of each galaxy: computed on the maps and taken
    // per galaxy when there are more galaxies than pixels, else taken per
    // galaxy first (the same operations either way, so the same bits)
    let g = if eps.size() > npix {
        let gamma = complex(gamma1, gamma2)?;
        let gmap = if options.reduced_shear {
            reduce(&gamma, kappa)?
        } else {
            gamma
        };
        gmap.take(&ipix, None)?
    } else {
        let gamma = complex(&gamma1.take(&ipix, None)?, &gamma2.take(&ipix, None)?)?;
        if options.reduced_shear {
            reduce(&gamma, &kappa.take(&ipix, None)?)?
        } else {
            gamma
        }
    };
    if !options.reduced_shear {
        return (&g + eps).ok();
    }
    let gc = g.conj()?;
    let weak = (&(eps + &g).ok()? / &(&(&gc * eps).ok()? + 1.0).ok()?).ok()?;
    // the strong-lensing branch only if a galaxy has |g| > 1
    let beyond = g.abs()?.greater(1.0)?;
    if beyond.count_nonzero(None, false)?.item::<i64>()? == 0 {
        return Ok(weak);
    }
    let ec = eps.conj()?;
    let strong = (&(&(&g * &ec).ok()? + 1.0).ok()? / &(&ec + &gc).ok()?).ok()?;
    eps.backend().where_(&beyond, &strong, &weak)
}

/// Photometric redshifts with Gaussian errors `σ(z) = (1 + z) σ_0`,
/// truncated to `[lower, upper]` by redrawing (GLASS `gaussian_phz(z,
/// sigma_0, lower=, upper=, rng=)`; `lower` defaults to 0, `upper` to
/// infinity). Each redraw takes the next stream of `rng` for the galaxies
/// still outside.
///
/// # Errors
///
/// [`Error::Value`] unless `lower < upper` and `sigma_0 >= 0`;
/// [`Error::DType`] unless `z` is float64; errors of the draws.
pub fn gaussian_phz(
    z: &Array,
    sigma_0: f64,
    lower: Option<f64>,
    upper: Option<f64>,
    rng: &mut Rng,
) -> Result<Array> {
    const F: &str = "gaussian_phz";
    check_dtype(z, DType::Float64, F, "z")?;
    let lower = lower.unwrap_or(0.0);
    let upper = upper.unwrap_or(f64::INFINITY);
    if !(lower < upper) {
        return Err(Error::value(
            F,
            "lower",
            format!("requires lower < upper, got {lower} and {upper}"),
        ));
    }
    if !(sigma_0 >= 0.0) {
        return Err(Error::value(
            F,
            "sigma_0",
            format!("sigma_0 must be non-negative, got {sigma_0}"),
        ));
    }
    let xp = z.backend();
    let sigma = (&(z + 1.0).ok()? * sigma_0).ok()?;
    let draw = |rng: &mut Rng| -> Result<Array> {
        let g = rng.standard_normal(xp, z.shape())?;
        (z + &(&g * &sigma).ok()?).ok()
    };
    let outside = |zp: &Array| -> Result<Array> { zp.less(lower)?.logical_or(&zp.greater(upper)?) };
    let mut zphot = draw(rng)?;
    let mut trunc = outside(&zphot)?;
    let mut rounds = 0;
    while trunc.count_nonzero(None, false)?.item::<i64>()? > 0 {
        rounds += 1;
        if rounds > 10_000 {
            return Err(Error::NotConverged {
                func: F,
                reason: "10000 redraws left photometric redshifts outside [lower, upper]".into(),
            });
        }
        let again = draw(rng)?;
        zphot = xp.where_(&trunc, &again, &zphot)?;
        trunc = outside(&zphot)?;
    }
    Ok(zphot)
}
