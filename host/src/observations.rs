//! Observations (GLASS `glass.observations`): redshift distributions and
//! tomographic binning, on the host.
//!
//! [`gaussian_nz`] and [`smail_nz`] take their parameters as anything
//! [`AsNd`] (a number, a slice, a `Vec` or an ndarray): the parameters'
//! broadcast shape gives the leading axes of the result, as in GLASS.
//!
//! ```
//! use glass::observations::{equal_dens_zbins, smail_nz, SmailNzOptions};
//! let z: Vec<f64> = (0..=300).map(|i| i as f64 * 0.01).collect();
//! let nz = smail_nz(&z, 0.8, SmailNzOptions::default()).unwrap();
//! assert_eq!(nz.shape(), &[301]);
//! let bins = equal_dens_zbins(&z, nz.as_slice().unwrap(), 4).unwrap();
//! assert_eq!(bins.len(), 4);
//! ```

// Constants keep every digit of their published source; f64 rounds them.
#![allow(clippy::excessive_precision)]

use ndarray::{arr0, Array1, Array2, ArrayD, ArrayViewD, Axis, IxDyn};

use crate::arraytools::{
    arange, broadcast_shapes, broadcast_to, check_increasing, cumulative_trapezoid, interp,
    linspace, nextafter, trapezoid_unchecked, InterpOptions,
};
use crate::error::{Error, Result};

fn invalid<T>(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(Error::value(func, arg, reason))
}

/// A value that GLASS accepts as "float or array": converted to an
/// n-dimensional `f64` array.
pub trait AsNd {
    /// The value as an array (a number is 0-dimensional).
    fn as_nd(&self) -> ArrayD<f64>;
}

impl AsNd for f64 {
    fn as_nd(&self) -> ArrayD<f64> {
        arr0(*self).into_dyn()
    }
}

impl AsNd for [f64] {
    fn as_nd(&self) -> ArrayD<f64> {
        Array1::from(self.to_vec()).into_dyn()
    }
}

impl<const N: usize> AsNd for [f64; N] {
    fn as_nd(&self) -> ArrayD<f64> {
        Array1::from(self.to_vec()).into_dyn()
    }
}

impl AsNd for Vec<f64> {
    fn as_nd(&self) -> ArrayD<f64> {
        Array1::from(self.clone()).into_dyn()
    }
}

impl<S: ndarray::Data<Elem = f64>, D: ndarray::Dimension> AsNd for ndarray::ArrayBase<S, D> {
    fn as_nd(&self) -> ArrayD<f64> {
        self.to_owned().into_dyn()
    }
}

impl<T: AsNd + ?Sized> AsNd for &T {
    fn as_nd(&self) -> ArrayD<f64> {
        (**self).as_nd()
    }
}

/// Evaluates `f(z_j, p_0, p_1, ...)` over the broadcast shape of the
/// parameters with a trailing axis for `z`, normalises every row to unit
/// trapezoidal integral over `z`, then multiplies by `norm` (broadcast
/// against the result).
fn normalised_nz(
    what: &'static str,
    z: &[f64],
    params: &[ArrayD<f64>],
    norm: Option<ArrayD<f64>>,
    f: impl Fn(f64, &[f64]) -> f64,
) -> Result<ArrayD<f64>> {
    check_increasing(what, "z", z)?;
    let shapes: Vec<&[usize]> = params.iter().map(|p| p.shape()).collect();
    let lead = broadcast_shapes(&shapes).map_err(|_| {
        Error::value(
            what,
            "params",
            format!("parameter shapes {shapes:?} do not broadcast"),
        )
    })?;
    let bparams: Vec<ArrayD<f64>> = params
        .iter()
        .map(|p| broadcast_to(&p.view(), &lead))
        .collect::<Result<_>>()?;
    let count: usize = lead.iter().product();
    let mut data = Vec::with_capacity(count * z.len());
    let flat: Vec<Vec<f64>> = bparams
        .iter()
        .map(|p| p.iter().copied().collect())
        .collect();
    let mut args = vec![0.0; params.len()];
    for k in 0..count {
        for (a, p) in args.iter_mut().zip(&flat) {
            *a = p[k];
        }
        let row: Vec<f64> = z.iter().map(|&zj| f(zj, &args)).collect();
        let t = trapezoid_unchecked(&row, z);
        data.extend(row.into_iter().map(|v| v / t));
    }
    let mut shape = lead;
    shape.push(z.len());
    let mut out =
        ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| Error::internal(what, e))?;
    if let Some(n) = norm {
        let nb = n.broadcast(IxDyn(&shape)).ok_or_else(|| {
            Error::value(
                what,
                "norm",
                format!(
                    "norm of shape {:?} does not broadcast to the result's shape {shape:?}",
                    n.shape()
                ),
            )
        })?;
        out *= &nb;
    }
    Ok(out)
}

/// The keyword argument of [`gaussian_nz`]; `Default` is GLASS's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NzOptions {
    /// Multiply the normalised distribution by this (broadcast), e.g. a
    /// galaxy density in arcmin^-2 (`30.0_f64.as_nd()`, or an array).
    pub norm: Option<ArrayD<f64>>,
}

/// The keyword arguments of [`smail_nz`]; `Default` is GLASS's
/// (`alpha = 2`, `beta = 1.5`, no `norm`). Parameters may be arrays
/// (their broadcast shape gives the leading axes): `2.5_f64.as_nd()`.
#[derive(Clone, Debug, PartialEq)]
pub struct SmailNzOptions {
    /// The power-law exponent of the rise.
    pub alpha: ArrayD<f64>,
    /// The exponent of the exponential cut-off.
    pub beta: ArrayD<f64>,
    /// As [`NzOptions::norm`].
    pub norm: Option<ArrayD<f64>>,
}

impl Default for SmailNzOptions {
    fn default() -> Self {
        SmailNzOptions {
            alpha: 2.0.as_nd(),
            beta: 1.5.as_nd(),
            norm: None,
        }
    }
}

/// The bins of [`fixed_zbins`]: GLASS's `nbins` and `dz` keywords, of
/// which exactly one must be given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ZBins {
    /// `nbins` equal bins.
    Nbins(usize),
    /// Bins of width `dz`.
    Dz(f64),
}

/// Gaussian redshift distribution.
///
/// `n(z) ∝ exp(-((z - mean) / sigma)^2 / 2)`, normalised to unit
/// trapezoidal integral over `z` (then multiplied by `norm` if given).
/// The broadcast shape of `mean` and `sigma` gives the leading axes.
/// Non-positive `sigma` is an error.
///
/// GLASS: `gaussian_nz(z, mean, sigma, *, norm=None)`.
///
/// # Errors
///
/// [`Error::Value`] for a non-positive `sigma`, parameters that do not
/// broadcast, or a non-increasing `z`.
pub fn gaussian_nz(
    z: &[f64],
    mean: impl AsNd,
    sigma: impl AsNd,
    options: NzOptions,
) -> Result<ArrayD<f64>> {
    let norm = options.norm;
    let (mean, sigma) = (mean.as_nd(), sigma.as_nd());
    if sigma.iter().any(|&s| !(s > 0.0)) {
        return invalid("gaussian_nz", "sigma", "sigma must be positive");
    }
    normalised_nz("gaussian_nz", z, &[mean, sigma], norm, |zj, p| {
        let u = (zj - p[0]) / p[1];
        (-(u * u) / 2.0).exp()
    })
}

/// Redshift distribution following Smail et al. (1994).
///
/// `p(z) ∝ z^alpha exp(-(alpha / beta) (z / z_mode)^beta)`, the form of
/// Amara & Refregier (2007) with `z_0` matched to the mode `z_mode`;
/// normalised to unit trapezoidal integral over `z` (then multiplied by
/// `norm`). The broadcast shape of the parameters gives the leading axes.
/// The parameters must be positive.
///
/// GLASS: `smail_nz(z, z_mode, alpha=2, beta=1.5, *, norm=None)`.
///
/// # Errors
///
/// [`Error::Value`] for a non-positive parameter, parameters that do not
/// broadcast, or a non-increasing `z`.
pub fn smail_nz(z: &[f64], z_mode: impl AsNd, options: SmailNzOptions) -> Result<ArrayD<f64>> {
    let SmailNzOptions { alpha, beta, norm } = options;
    let params = [z_mode.as_nd(), alpha, beta];
    for (name, p) in ["z_mode", "alpha", "beta"].iter().zip(&params) {
        if p.iter().any(|&v| !(v > 0.0)) {
            return invalid("smail_nz", "params", format!("{name} must be positive"));
        }
    }
    normalised_nz("smail_nz", z, &params, norm, |zj, p| {
        zj.powf(p[1]) * (-p[1] / p[2] * (zj / p[0]).powf(p[2])).exp()
    })
}

/// Tomographic redshift bins of fixed size between `zmin` and `zmax`:
/// `nbins` equal bins, or bins of width `dz` (edges
/// `arange(zmin, nextafter(zmax + dz, zmax), dz)`, so the last bin may end
/// before `zmax`).
///
/// GLASS: `fixed_zbins(zmin, zmax, *, nbins=None, dz=None)`; here
/// `fixed_zbins(zmin, zmax, ZBins::Nbins(n))` or `ZBins::Dz(dz)`.
///
/// # Errors
///
/// [`Error::Value`] for non-finite bounds, `zmax < zmin` or a
/// non-positive `dz`.
pub fn fixed_zbins(zmin: f64, zmax: f64, bins: ZBins) -> Result<Vec<(f64, f64)>> {
    if !zmin.is_finite() || !zmax.is_finite() || zmax < zmin {
        return invalid(
            "fixed_zbins",
            "zmin",
            format!("need finite zmin <= zmax, got {zmin} and {zmax}"),
        );
    }
    let edges = match bins {
        ZBins::Nbins(n) => linspace(zmin, zmax, n + 1, true),
        ZBins::Dz(d) => {
            if !(d > 0.0) || !d.is_finite() {
                return invalid("fixed_zbins", "dz", format!("dz must be positive, got {d}"));
            }
            arange(zmin, nextafter(zmax + d, zmax), d)?
        }
    };
    Ok(edges.windows(2).map(|e| (e[0], e[1])).collect())
}

/// Equal density tomographic redshift bins: edges where the normalised
/// cumulative trapezoidal integral of `nz` crosses `i / nbins`.
///
/// # Errors
///
/// [`Error::Value`] for `z` and `nz` of different lengths, `nbins = 0`, a negative `nz` or one
/// with no positive integral; [`Error::NaN`] for NaN in `z`.
pub fn equal_dens_zbins(z: &[f64], nz: &[f64], nbins: usize) -> Result<Vec<(f64, f64)>> {
    check_increasing("equal_dens_zbins", "z", z)?;
    if nz.len() != z.len() {
        return invalid(
            "equal_dens_zbins",
            "nz",
            format!(
                "z and nz have different lengths ({} and {})",
                z.len(),
                nz.len()
            ),
        );
    }
    if nbins == 0 {
        return invalid("equal_dens_zbins", "nbins", "nbins must be positive");
    }
    if let Some(i) = nz.iter().position(|&v| !(v >= 0.0)) {
        return invalid(
            "equal_dens_zbins",
            "nz",
            format!("nz must be non-negative, nz[{i}] = {}", nz[i]),
        );
    }
    let c = cumulative_trapezoid(
        ArrayViewD::from_shape(IxDyn(&[nz.len()]), nz)
            .map_err(|e| Error::internal("equal_dens_zbins", e))?,
        z,
    )?;
    let total = c.iter().last().copied().unwrap_or(0.0);
    if !(total > 0.0) {
        return invalid("equal_dens_zbins", "nz", "nz has no positive integral");
    }
    let cdf: Vec<f64> = c.iter().map(|v| v / total).collect();
    let edges = interp(
        &linspace(0.0, 1.0, nbins + 1, true),
        &cdf,
        z,
        InterpOptions::default(),
    )?;
    Ok(edges.windows(2).map(|e| (e[0], e[1])).collect())
}

/// Tomographic redshift distributions with a Gaussian redshift error.
///
/// For each bin `(z_lo, z_hi)` of `zbins`, the true distribution `nz` is
/// weighted by the probability that a source at `z` is assigned to the
/// bin when photometric redshifts scatter with `sigma(z) = sigma_0 (1 + z)`
/// (Amara & Refregier 2007):
/// `[erf((z - z_lo)/s) - erf((z - z_hi)/s)] / (1 + erf(z/s)) n(z)`,
/// `s = sqrt(2) sigma(z)`. The result has shape `(len(zbins), len(z))`.
///
/// # Errors
///
/// [`Error::Value`] for `z` and `nz` of different lengths or a non-positive `sigma_0`.
pub fn tomo_nz_gausserr(
    z: &[f64],
    nz: &[f64],
    sigma_0: f64,
    zbins: &[(f64, f64)],
) -> Result<Array2<f64>> {
    if nz.len() != z.len() {
        return invalid(
            "tomo_nz_gausserr",
            "nz",
            format!(
                "z and nz have different lengths ({} and {})",
                z.len(),
                nz.len()
            ),
        );
    }
    if !(sigma_0 > 0.0) || !sigma_0.is_finite() {
        return invalid(
            "tomo_nz_gausserr",
            "sigma_0",
            format!("sigma_0 must be positive, got {sigma_0}"),
        );
    }
    let mut out = Array2::<f64>::zeros((zbins.len(), z.len()));
    for (mut row, &(lo, hi)) in out.axis_iter_mut(Axis(0)).zip(zbins) {
        for (j, o) in row.iter_mut().enumerate() {
            let sz = std::f64::consts::SQRT_2 * sigma_0 * (1.0 + z[j]);
            let mut b = erf((z[j] - lo) / sz);
            b -= erf((z[j] - hi) / sz);
            b /= 1.0 + erf(z[j] / sz);
            *o = b * nz[j];
        }
    }
    Ok(out)
}

// --- the error function -----------------------------------------------------------
//
// Sun's fdlibm s_erf.c (as in glibc, which Python's math.erf calls),
// coefficients as in the libm crate's port. Copyright (C) 1993 by Sun
// Microsystems, Inc.: "Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice is preserved."

const ERX: f64 = 8.450_629_115_104_675_292_97e-01;
const EFX8: f64 = 1.027_033_336_764_100_690_53e+00;
const PP: [f64; 5] = [
    1.283_791_670_955_125_585_61e-01,
    -3.250_421_072_470_014_993_70e-01,
    -2.848_174_957_559_851_047_66e-02,
    -5.770_270_296_489_441_591_57e-03,
    -2.376_301_665_665_016_260_84e-05,
];
const QQ: [f64; 5] = [
    3.979_172_239_591_553_528_19e-01,
    6.502_224_998_876_729_444_85e-02,
    5.081_306_281_875_765_627_76e-03,
    1.324_947_380_043_216_445_26e-04,
    -3.960_228_278_775_368_123_20e-06,
];
const PA: [f64; 7] = [
    -2.362_118_560_752_659_440_77e-03,
    4.148_561_186_837_483_316_66e-01,
    -3.722_078_760_357_013_238_47e-01,
    3.183_466_199_011_617_536_74e-01,
    -1.108_946_942_823_966_774_76e-01,
    3.547_830_432_561_823_593_71e-02,
    -2.166_375_594_868_790_843_00e-03,
];
const QA: [f64; 6] = [
    1.064_208_804_008_442_282_86e-01,
    5.403_979_177_021_710_489_37e-01,
    7.182_865_441_419_626_628_68e-02,
    1.261_712_198_087_616_421_12e-01,
    1.363_708_391_202_905_073_62e-02,
    1.198_449_984_679_910_741_70e-02,
];
const RA: [f64; 8] = [
    -9.864_944_034_847_148_227_05e-03,
    -6.938_585_727_071_817_643_72e-01,
    -1.055_862_622_532_329_098_14e+01,
    -6.237_533_245_032_600_603_96e+01,
    -1.623_966_694_625_734_703_55e+02,
    -1.846_050_929_067_110_359_94e+02,
    -8.128_743_550_630_659_342_46e+01,
    -9.814_329_344_169_145_485_92e+00,
];
const SA: [f64; 8] = [
    1.965_127_166_743_925_712_92e+01,
    1.376_577_541_435_190_426_00e+02,
    4.345_658_774_752_292_288_21e+02,
    6.453_872_717_332_678_803_36e+02,
    4.290_081_400_275_678_333_86e+02,
    1.086_350_055_417_794_351_34e+02,
    6.570_249_770_319_281_701_35e+00,
    -6.042_441_521_485_809_874_38e-02,
];
const RB: [f64; 7] = [
    -9.864_942_924_700_099_285_97e-03,
    -7.992_832_376_805_230_065_74e-01,
    -1.775_795_491_775_475_198_89e+01,
    -1.606_363_848_558_219_160_62e+02,
    -6.375_664_433_683_896_277_22e+02,
    -1.025_095_131_611_077_249_54e+03,
    -4.835_191_916_086_513_970_19e+02,
];
const SB: [f64; 7] = [
    3.033_806_074_348_245_829_24e+01,
    3.257_925_129_965_739_188_26e+02,
    1.536_729_586_084_436_959_94e+03,
    3.199_858_219_508_595_539_08e+03,
    2.553_050_406_433_164_425_83e+03,
    4.745_285_412_069_553_672_15e+02,
    -2.244_095_244_658_581_833_62e+01,
];

/// Horner evaluation `c[0] + s (c[1] + s (...))`.
fn poly(c: &[f64], s: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| k + s * acc)
}

/// `1 + s (c[0] + s (c[1] + ...))`.
fn poly1(c: &[f64], s: f64) -> f64 {
    1.0 + s * poly(c, s)
}

/// Visibility map (RING, `nside`) that masks a stripe along the galactic
/// plane and one along the ecliptic, step for step as GLASS: a map of ones
/// with the pixels of `query_strip(nside, galactic)` set to zero is rotated
/// with healpy's `Rotator(coord="GC")` (`rotate_map_pixel`: pixel centres
/// rotated back, bilinear interpolation), the pixels of
/// `query_strip(nside, ecliptic)` are set to zero, and the map is rotated
/// with `Rotator(coord="CE")`. Values near the stripes' edges are
/// fractional, from the interpolation.
///
/// The stripes are colatitude pairs in radians, passed to `query_strip`
/// unchanged as GLASS does: GLASS's defaults `(30, 90)` and `(20, 80)` are
/// therefore read as radians and act through their cosines (strips
/// `cos 90 <= z <= cos 30`, i.e. `-0.448 <= z <= 0.154`, and
/// `cos 80 <= z <= cos 20`, i.e. `-0.110 <= z <= 0.408`). They are kept
/// here to give the same maps as Python GLASS; pass radians, e.g.
/// `(PI/3, 2*PI/3)`, for a stripe of latitudes within ±30°.
///
/// # Errors
///
/// [`Error::Healpix`] for an invalid `nside`.
pub fn vmap_galactic_ecliptic(
    nside: i64,
    galactic: (f64, f64),
    ecliptic: (f64, f64),
) -> Result<Vec<f64>> {
    use glass_healpix::pixel::{nside2npix, query_strip};
    use glass_healpix::rotator::Rotator;
    let he = Error::Healpix;
    let npix = nside2npix(nside).map_err(he)? as usize;
    let mut m = vec![1.0; npix];
    for p in query_strip(nside, galactic.0, galactic.1, false).map_err(he)? {
        m[p as usize] = 0.0;
    }
    let mut m = Rotator::from_letters("GC")
        .map_err(he)?
        .rotate_map_pixel(&m)
        .map_err(he)?;
    for p in query_strip(nside, ecliptic.0, ecliptic.1, false).map_err(he)? {
        m[p as usize] *= 0.0;
    }
    Rotator::from_letters("CE")
        .map_err(he)?
        .rotate_map_pixel(&m)
        .map_err(he)
}

/// The error function `erf(x) = 2/sqrt(pi) ∫_0^x exp(-t^2) dt`, to within
/// an ulp (fdlibm's algorithm).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.is_infinite() {
        return x.signum();
    }
    let ax = x.abs();
    if ax < 0.84375 {
        if ax < 2f64.powi(-28) {
            return 0.125 * (8.0 * x + EFX8 * x);
        }
        let z = x * x;
        let y = poly(&PP, z) / poly1(&QQ, z);
        return x + x * y;
    }
    let y = if ax < 1.25 {
        let s = ax - 1.0;
        ERX + poly(&PA, s) / poly1(&QA, s)
    } else if ax < 6.0 {
        1.0 - erfc_tail(ax)
    } else {
        1.0 - f64::MIN_POSITIVE
    };
    if x < 0.0 {
        -y
    } else {
        y
    }
}

/// `erfc(x)` for `1.25 <= x < 28` by the asymptotic rational forms.
fn erfc_tail(x: f64) -> f64 {
    let s = 1.0 / (x * x);
    let (r, big_s) = if x < 1.0 / 0.35 {
        (poly(&RA, s), poly1(&SA, s))
    } else {
        (poly(&RB, s), poly1(&SB, s))
    };
    let z = f64::from_bits(x.to_bits() & 0xffff_ffff_0000_0000);
    (-z * z - 0.5625).exp() * ((z - x) * (z + x) + r / big_s).exp() / x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_values() {
        // reference values (mpmath)
        let cases = [
            (0.0, 0.0),
            (1e-30, 1.1283791670955127e-30),
            (0.5, 0.5204998778130465),
            (1.0, 0.8427007929497149),
            (2.0, 0.9953222650189527),
            (3.5, 0.9999992569016276),
            (-1.1, -0.8802050695740817),
            (7.0, 1.0),
        ];
        for (x, e) in cases {
            let v = erf(x);
            assert!(
                (v - e).abs() <= 2.0 * f64::EPSILON * e.abs(),
                "erf({x}) = {v}, expected {e}"
            );
        }
        assert!(erf(f64::NAN).is_nan());
        assert_eq!(erf(f64::NEG_INFINITY), -1.0);
    }

    #[test]
    fn normalisation() {
        let z: Vec<f64> = (0..=200).map(|i| i as f64 * 0.02).collect();
        let nz = gaussian_nz(
            &z,
            [1.0, 2.0],
            0.3,
            NzOptions {
                norm: Some(5.0.as_nd()),
            },
        )
        .unwrap();
        assert_eq!(nz.shape(), &[2, 201]);
        for row in nz.rows() {
            assert!((trapezoid_unchecked(&row.to_vec(), &z) - 5.0).abs() < 1e-12);
        }
        let nz = smail_nz(
            &z,
            [0.5, 1.0],
            SmailNzOptions {
                alpha: [2.0].as_nd(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(nz.shape(), &[2, 201]);
        assert_eq!(nz[[0, 0]], 0.0);
    }

    #[test]
    fn bins_and_errors() {
        let b = fixed_zbins(0.0, 1.0, ZBins::Dz(0.1)).unwrap();
        assert_eq!(b.len(), 10);
        assert!(gaussian_nz(&[0.0, 1.0], 0.5, -1.0, NzOptions::default()).is_err());
        assert!(gaussian_nz(
            &[0.0, 1.0],
            [0.5, 0.6],
            [1.0, 2.0, 3.0],
            NzOptions::default()
        )
        .is_err());
        assert!(gaussian_nz(
            &[0.0, 1.0],
            0.5,
            1.0,
            NzOptions {
                norm: Some([1.0, 2.0, 3.0].as_nd())
            }
        )
        .is_err());
        assert!(smail_nz(&[1.0, 0.0], 0.5, SmailNzOptions::default()).is_err());
        assert!(smail_nz(
            &[0.0, 1.0],
            0.5,
            SmailNzOptions {
                alpha: 0.0.as_nd(),
                ..Default::default()
            }
        )
        .is_err());
        let z = [0.0, 1.0, 2.0];
        assert!(equal_dens_zbins(&z, &[0.0, -1.0, 1.0], 2).is_err());
        assert!(equal_dens_zbins(&z, &[0.0, 0.0, 0.0], 2).is_err());
        assert!(equal_dens_zbins(&z, &[1.0, 1.0], 2).is_err());
        assert!(equal_dens_zbins(&z, &[1.0, 1.0, 1.0], 0).is_err());
        let e = equal_dens_zbins(&z, &[1.0, 1.0, 1.0], 2).unwrap();
        assert_eq!(e, vec![(0.0, 1.0), (1.0, 2.0)]);
        assert!(tomo_nz_gausserr(&z, &[1.0, 1.0, 1.0], 0.0, &e).is_err());
        assert!(tomo_nz_gausserr(&z, &[1.0], 0.1, &e).is_err());
    }

    #[test]
    fn tomographic_bins_sum_to_parent() {
        // bins covering (-inf, inf) sum to n(z) (the 1 + erf(z/s) factor
        // renormalises for z >= 0)
        let z: Vec<f64> = (0..=100).map(|i| i as f64 * 0.03).collect();
        let nz: Vec<f64> = z.iter().map(|v| v * (-v).exp()).collect();
        let bins = [(0.0, 0.7), (0.7, 1.5), (1.5, 1e3)];
        let t = tomo_nz_gausserr(&z, &nz, 0.05, &bins).unwrap();
        for (j, &nzj) in nz.iter().enumerate() {
            let s: f64 = t.column(j).sum();
            assert!((s - nzj).abs() < 1e-12, "{j}: {s} vs {nzj}");
        }
    }
}
