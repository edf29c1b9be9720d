//! Galaxy shapes (GLASS `glass.shapes`): intrinsic ellipticity
//! distributions and the projected axis ratio of triaxial ellipsoids.
//!
//! Ellipticities are complex128 `ε = |ε| e^{2iφ}` with `|ε| = (1 - q) /
//! (1 + q)` for axis ratio `q` (the "ε" convention of Seitz & Schneider
//! 1997, which [`galaxy_shear`](crate::galaxies::galaxy_shear) expects).
//! The draws use the generator they are given, one stream per draw;
//! redraws of rejection sampling take the next streams (see
//! [`crate::galaxies`] for batches).

use glass_backend_api::DType;

use crate::array::complex;
use crate::error::check_dtype;
use crate::rng::Rng;
use crate::{Array, Backend, Error, Result};

const TWO_PI: f64 = 2.0 * std::f64::consts::PI;

/// A standard complex normal draw `g + i g'` of `n` values.
fn complex_normal(xp: &Backend, n: usize, rng: &mut Rng) -> Result<Array> {
    let re = rng.standard_normal(xp, &[n])?;
    let im = rng.standard_normal(xp, &[n])?;
    complex(&re, &im)
}

fn any(mask: &Array) -> Result<bool> {
    Ok(mask.count_nonzero(None, false)?.item::<i64>()? > 0)
}

/// How many redraws a rejection sampler may take before it gives up (the
/// acceptance rates of these samplers make a thousand rounds impossible
/// for valid parameters).
const MAX_ROUNDS: usize = 1000;

fn not_converged(func: &'static str) -> Error {
    Error::NotConverged {
        func,
        reason: format!("{MAX_ROUNDS} redraws of the rejection sampler left values rejected"),
    }
}

/// The projected axis ratio `q` of randomly oriented triaxial ellipsoids
/// with axis ratios `1 : ζ : ξ` (GLASS `triaxial_axis_ratio(zeta, xi,
/// size, rng=)`; Binney 1985, MNRAS 212, 767), from the two uniforms
/// `cos θ ∈ [-1, 1)` and `φ ∈ [0, 2π)` of the viewing direction (one
/// draw each, in that order). `zeta` and `xi` are arrays that broadcast
/// to `shape`.
///
/// # Errors
///
/// Backend errors (shapes that do not broadcast); errors of the draws.
pub fn triaxial_axis_ratio(
    zeta: &Array,
    xi: &Array,
    shape: &[usize],
    rng: &mut Rng,
) -> Result<Array> {
    let xp = zeta.backend();
    let cos_theta = rng.uniform(xp, shape, -1.0, 1.0)?;
    let phi = rng.uniform(xp, shape, 0.0, TWO_PI)?;
    triaxial_axis_ratio_from(zeta, xi, &cos_theta, &phi)
}

/// [`triaxial_axis_ratio`] for given viewing angles (`cos θ` and `φ`).
///
/// # Errors
///
/// Backend errors.
pub fn triaxial_axis_ratio_from(
    zeta: &Array,
    xi: &Array,
    cos_theta: &Array,
    phi: &Array,
) -> Result<Array> {
    let cos2_theta = (cos_theta * cos_theta).ok()?;
    let sin2_theta = (&(&cos2_theta * -1.0).ok()? + 1.0).ok()?;
    let cphi = phi.cos()?;
    let cos2_phi = (&cphi * &cphi).ok()?;
    let sin2_phi = (&(&cos2_phi * -1.0).ok()? + 1.0).ok()?;
    let z2m1 = (&(zeta * zeta).ok()? - 1.0).ok()?;
    let x2 = (xi * xi).ok()?;
    // a = (1 + (ζ² - 1) sin²φ) cos²θ + ξ² sin²θ
    let a = (&(&(&(&z2m1 * &sin2_phi).ok()? + 1.0).ok()? * &cos2_theta).ok()?
        + &(&x2 * &sin2_theta).ok()?)
        .ok()?;
    // b² = 4 (ζ² - 1)² cos²θ sin²φ cos²φ
    let b2 = (&(&(&(&(&z2m1 * &z2m1).ok()? * 4.0).ok()? * &cos2_theta).ok()? * &sin2_phi).ok()?
        * &cos2_phi)
        .ok()?;
    // c = 1 + (ζ² - 1) cos²φ
    let c = (&(&z2m1 * &cos2_phi).ok()? + 1.0).ok()?;
    let amc = (&a - &c).ok()?;
    let root = (&(&amc * &amc).ok()? + &b2).ok()?.sqrt()?;
    let apc = (&a + &c).ok()?;
    (&(&apc - &root).ok()? / &(&apc + &root).ok()?).ok()?.sqrt()
}

/// Ellipticities from the triaxial model of Ryden (2004, ApJ 601, 214)
/// (GLASS `ellipticity_ryden04(mu, sigma, gamma, sigma_gamma, size,
/// rng=)`): `ε = ln(1 - ζ)` normal with mean `mu` and deviation `sigma`
/// truncated to `ε <= 0`, the triaxiality `γ = 1 - ξ/ζ` normal `(gamma,
/// sigma_gamma)` truncated to `[0, 1]`, a random viewing direction and a
/// uniform position angle.
///
/// # Errors
///
/// [`Error::Value`] for negative deviations; [`Error::NotConverged`] when
/// truncation keeps rejecting (a `mu` far above zero, a `gamma` far from
/// `[0, 1]`); errors of the draws.
pub fn ellipticity_ryden04(
    xp: &Backend,
    mu: f64,
    sigma: f64,
    gamma: f64,
    sigma_gamma: f64,
    shape: &[usize],
    rng: &mut Rng,
) -> Result<Array> {
    const F: &str = "ellipticity_ryden04";
    for (arg, v) in [("sigma", sigma), ("sigma_gamma", sigma_gamma)] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(Error::value(
                F,
                arg,
                format!("must be finite and non-negative, got {v}"),
            ));
        }
    }
    let mut eps = rng.normal(xp, shape, mu, sigma)?;
    let mut rounds = 0;
    loop {
        let bad = eps.greater(0.0)?;
        if !any(&bad)? {
            break;
        }
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(not_converged(F));
        }
        eps = xp.where_(&bad, &rng.normal(xp, shape, mu, sigma)?, &eps)?;
    }
    let mut gam = rng.normal(xp, shape, gamma, sigma_gamma)?;
    rounds = 0;
    loop {
        let bad = gam.less(0.0)?.logical_or(&gam.greater(1.0)?)?;
        if !any(&bad)? {
            break;
        }
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(not_converged(F));
        }
        gam = xp.where_(&bad, &rng.normal(xp, shape, gamma, sigma_gamma)?, &gam)?;
    }
    let zeta = (&eps.expm1()? * -1.0).ok()?;
    let xi = (&(&(&gam * -1.0).ok()? + 1.0).ok()? * &zeta).ok()?;
    let q = triaxial_axis_ratio(&zeta, &xi, shape, rng)?;
    let angle = rng.uniform(xp, shape, 0.0, TWO_PI)?;
    let modulus = (&(&(&q * -1.0).ok()? + 1.0).ok()? / &(&q + 1.0).ok()?).ok()?;
    complex(
        &(&angle.cos()? * &modulus).ok()?,
        &(&angle.sin()? * &modulus).ok()?,
    )
}

/// Ellipticities with Gaussian components of deviation `sigma`, truncated
/// to `|ε| <= 1` by redrawing (GLASS `ellipticity_gaussian(count, sigma,
/// rng=)`).
///
/// # Errors
///
/// [`Error::Value`] for a negative or non-finite `sigma`; errors of the
/// draws.
pub fn ellipticity_gaussian(
    xp: &Backend,
    count: usize,
    sigma: f64,
    rng: &mut Rng,
) -> Result<Array> {
    const F: &str = "ellipticity_gaussian";
    if !(sigma >= 0.0 && sigma.is_finite()) {
        return Err(Error::value(
            F,
            "sigma",
            format!("sigma must be finite and non-negative, got {sigma}"),
        ));
    }
    let mut e = (&complex_normal(xp, count, rng)? * sigma).ok()?;
    let mut rounds = 0;
    loop {
        let bad = e.abs()?.greater(1.0)?;
        if !any(&bad)? {
            return Ok(e);
        }
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(not_converged(F));
        }
        let again = (&complex_normal(xp, count, rng)? * sigma).ok()?;
        e = xp.where_(&bad, &again, &e)?;
    }
}

/// Ellipticities from the intrinsic normal model (GLASS
/// `ellipticity_intnorm(count, sigma, rng=)`; Tessore et al. 2023): a
/// complex normal `η` of deviation `σ_η = σ √((8 + 5σ²) / (2 - 4σ²))` per
/// component, mapped to `ε = tanh(|η| / 2) η / |η|`, which gives each
/// component of `ε` the deviation `sigma`.
///
/// # Errors
///
/// [`Error::Value`] unless `0 <= sigma < √0.5` (GLASS: "sigma must be
/// between 0 and sqrt(0.5)"); errors of the draws.
pub fn ellipticity_intnorm(xp: &Backend, count: usize, sigma: f64, rng: &mut Rng) -> Result<Array> {
    if !(sigma >= 0.0 && sigma < 0.5f64.sqrt()) {
        return Err(Error::value(
            "ellipticity_intnorm",
            "sigma",
            format!("sigma must be between 0 and sqrt(0.5), got {sigma}"),
        ));
    }
    let s2 = sigma * sigma;
    let sigma_eta = sigma * ((8.0 + 5.0 * s2) / (2.0 - 4.0 * s2)).sqrt();
    let re = (&rng.standard_normal(xp, &[count])? * sigma_eta).ok()?;
    let im = (&rng.standard_normal(xp, &[count])? * sigma_eta).ok()?;
    let r = re.hypot(&im)?;
    // tanh(r / 2) / r, and 1 at r = 0 (where η is zero anyway)
    let safe = xp.where_(&r.greater(0.0)?, &r, 1.0)?;
    let f = (&(&safe * 0.5).ok()?.tanh()? / &safe).ok()?;
    complex(&(&re * &f).ok()?, &(&im * &f).ok()?)
}

/// Options of [`resample_shapes`]: at most one of the two may be given.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ResampleOptions {
    /// Rescale `|ε|` so that the ellipticity variance drops by the shear
    /// variance `varg` (GLASS `varg`).
    pub varg: Option<f64>,
    /// Rescale `|ε|` by `√(1 - vargamma / <|ε|²>)` (GLASS `vargamma`).
    pub vargamma: Option<f64>,
}

/// New random position angles for the ellipticities `epsilon`, keeping
/// (or rescaling, see [`ResampleOptions`]) their moduli (GLASS
/// `resample_shapes(epsilon, varg=, vargamma=, rng=)`).
///
/// # Errors
///
/// [`Error::Value`] when both options are given or the variance to remove
/// exceeds that of `epsilon`; [`Error::DType`] unless `epsilon` is
/// complex128; errors of the draws.
pub fn resample_shapes(epsilon: &Array, options: ResampleOptions, rng: &mut Rng) -> Result<Array> {
    const F: &str = "resample_shapes";
    check_dtype(epsilon, DType::Complex128, F, "epsilon")?;
    let xp = epsilon.backend();
    let mut r = epsilon.abs()?;
    let mean_of = |x: &Array| -> Result<f64> { x.mean(None, false)?.item::<f64>() };
    match (options.varg, options.vargamma) {
        (Some(_), Some(_)) => {
            return Err(Error::value(
                F,
                "varg",
                "only one of varg or vargamma can be given",
            ))
        }
        (None, Some(vargamma)) => {
            let vare = mean_of(&(&r * &r).ok()?)?;
            if vargamma > vare {
                return Err(Error::value(
                    F,
                    "vargamma",
                    format!("vargamma too large for epsilon ({vargamma} > {vare})"),
                ));
            }
            r = (&r * (1.0 - vargamma / vare).sqrt()).ok()?;
        }
        (Some(varg), None) => {
            let r2 = (&r * &r).ok()?;
            let vare = mean_of(&r2)?;
            if varg > vare {
                return Err(Error::value(
                    F,
                    "varg",
                    format!("varg too large for epsilon ({varg} > {vare})"),
                ));
            }
            let eve4 = mean_of(&(&r2 * &r2).ok()?)?;
            let a = (1.0 - 2.0 * varg) * vare;
            let f = (((a * a + 4.0 * varg * eve4 * (vare - varg)).sqrt() - a)
                / (2.0 * varg * eve4))
                .sqrt();
            r = (&r * f).ok()?;
        }
        (None, None) => {}
    }
    let angle = rng.uniform(xp, r.shape(), 0.0, TWO_PI)?;
    complex(&(&angle.cos()? * &r).ok()?, &(&angle.sin()? * &r).ok()?)
}
