//! Weak gravitational lensing (GLASS `glass.lensing`): the convergence of
//! a sequence of matter shells by the multi-plane recurrence, and the
//! lensing potential, deflection and shear from the convergence.
//!
//! # Multi-plane convergence
//!
//! Tessore et al. (2023, OJAp 6, 11, arXiv:2302.01942), eq. (28): with the
//! dimensionless transverse comoving distances `x_i = d_M(z_i) / d_H` of the
//! source planes and `r_ij = d_M(z_i, z_j) / d_M(z_j)`, the convergence at
//! plane `j + 1` is
//!
//! ```text
//! κ_{j+1} = (1 - t_j) κ_{j-1} + t_j κ_j + f_j δ_j,
//! t_j = r_{j-1,j+1} / r_{j-1,j},
//! f_j = 3 Ω_m / 2 · x_j r_{j,j+1} · (1 + z_j) / E(z_j) · w_j,
//! ```
//!
//! with `w_j` the lensing weight of the matter in shell `j`. As in GLASS,
//! a shell's matter `δ_j` enters the recurrence one step late: after
//! [`MultiPlaneConvergence::add_window`] of shell `j`, [`kappa`] is the
//! convergence of a source at the shell's effective redshift from the
//! matter of the shells before it.
//!
//! # Potential, deflection, shear
//!
//! From `2κ = ð ð̄ ψ`: `ψ_lm = -2 κ_lm / (l (l + 1))`, the deflection
//! `α = ð ψ` (spin 1, `α_lm = √(l (l + 1)) ψ_lm`) and the shear
//! `γ = ð ð ψ / 2` (spin 2, `γ_lm = √((l + 2)(l + 1) l (l - 1)) ψ_lm / 2`),
//! each a map of healpy's spin convention: `Re α` is the component along
//! `θ̂` (south), `Im α` along `φ̂` (east). See [`from_convergence`].
//!
//! [`kappa`]: MultiPlaneConvergence::kappa

use glass_backend_api::{DType, IndexItem};
use ndarray::{Array2, ArrayD, Axis};

use crate::array::complex;
use crate::arraytools::{interp, trapezoid, InterpOptions};
use crate::cosmology::Cosmology;
use crate::error::check_dtype;
use crate::healpix::{alm2map, alm2map_spin, almxfl, map2alm, map2alm_weights, npix2nside, pixwin};
use crate::shells::RadialWindow;
use crate::{Array, Error, Result};

/// The scalar part of the multi-plane recurrence: the redshifts, distances
/// and weights of the last two planes, and the coefficients `(t, f)` of
/// each new plane.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Recurrence {
    z2: f64,
    z3: f64,
    x3: f64,
    w3: f64,
    r23: f64,
}

impl Default for Recurrence {
    fn default() -> Self {
        Recurrence {
            z2: 0.0,
            z3: 0.0,
            x3: 0.0,
            w3: 0.0,
            r23: 1.0,
        }
    }
}

impl Recurrence {
    /// Moves to the source plane `zsrc` whose matter has lensing weight
    /// `wlens`; returns `(t, f)` of the step.
    fn step(&mut self, cosmo: &dyn Cosmology, zsrc: f64, wlens: f64) -> Result<(f64, f64)> {
        if !zsrc.is_finite() {
            return Err(Error::value(
                "MultiPlaneConvergence.add_plane",
                "zsrc",
                format!("source redshift must be finite, got {zsrc}"),
            ));
        }
        if zsrc <= self.z3 {
            return Err(Error::value(
                "MultiPlaneConvergence.add_plane",
                "zsrc",
                format!(
                    "source redshift must be increasing: {zsrc} after {}",
                    self.z3
                ),
            ));
        }
        if !wlens.is_finite() {
            return Err(Error::value(
                "MultiPlaneConvergence.add_plane",
                "wlens",
                format!("lensing weight must be finite, got {wlens}"),
            ));
        }
        let z1 = self.z2;
        self.z2 = self.z3;
        self.z3 = zsrc;
        let w2 = self.w3;
        self.w3 = wlens;
        let dh = cosmo.hubble_distance();
        let x2 = self.x3;
        self.x3 = cosmo.transverse_comoving_distance(self.z3) / dh;
        let r12 = self.r23;
        let r13 = cosmo.transverse_comoving_distance_between(z1, self.z3) / (dh * self.x3);
        self.r23 = cosmo.transverse_comoving_distance_between(self.z2, self.z3) / (dh * self.x3);
        let t = r13 / r12;
        let f = 3.0 * cosmo.omega_m0() / 2.0 * x2 * self.r23 * (1.0 + self.z2)
            / cosmo.h_over_h0(self.z2)
            * w2;
        Ok((t, f))
    }
}

/// The lensing weight GLASS gives the matter of a window: its integral
/// over its value at the effective redshift, `∫ W dz / W(z_eff)`.
fn window_lens_weight(w: &RadialWindow) -> Result<f64> {
    let norm = trapezoid(&w.wa, &w.za)?;
    let at = interp(&[w.zeff], &w.za, &w.wa, InterpOptions::default())?[0];
    Ok(norm / at)
}

/// The convergence of a sequence of matter planes (GLASS
/// `MultiPlaneConvergence`), on the backend of the matter maps.
///
/// ```
/// use glass::cosmology::LambdaCdm;
/// use glass::lensing::MultiPlaneConvergence;
/// # fn main() -> glass::Result<()> {
/// let xp = glass::Backend::embedded_ndarray()?;
/// let cosmo = LambdaCdm::flat(70.0, 0.3)?;
/// let mut conv = MultiPlaneConvergence::new(&cosmo);
/// for (z, delta) in [(0.5, 0.1), (1.0, 0.2)] {
///     conv.add_plane(&xp.full(&[12], delta, glass::DType::Float64)?, z, 1.0)?;
/// }
/// // the second source sees the first plane's matter
/// assert!(conv.kappa().unwrap().to_vec::<f64>()?[0] > 0.0);
/// # Ok(()) }
/// ```
pub struct MultiPlaneConvergence<'c> {
    cosmo: &'c dyn Cosmology,
    rec: Recurrence,
    delta3: Option<Array>,
    kappa2: Option<Array>,
    kappa3: Option<Array>,
}

impl std::fmt::Debug for MultiPlaneConvergence<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiPlaneConvergence")
            .field("zsrc", &self.rec.z3)
            .field("wlens", &self.rec.w3)
            .finish_non_exhaustive()
    }
}

impl<'c> MultiPlaneConvergence<'c> {
    /// No planes yet, for the cosmology `cosmo`.
    pub fn new(cosmo: &'c dyn Cosmology) -> Self {
        MultiPlaneConvergence {
            cosmo,
            rec: Recurrence::default(),
            delta3: None,
            kappa2: None,
            kappa3: None,
        }
    }

    /// Adds the matter `delta` of the shell with window `w` (GLASS
    /// `add_window`): a plane at the window's effective redshift with
    /// lensing weight `∫ W dz / W(z_eff)`.
    ///
    /// # Errors
    ///
    /// As [`MultiPlaneConvergence::add_plane`]; [`Error::Value`] for a
    /// window whose value at its effective redshift cannot be interpolated.
    pub fn add_window(&mut self, delta: &Array, w: &RadialWindow) -> Result<()> {
        let wlens = window_lens_weight(w)?;
        self.add_plane(delta, w.zeff, wlens)
    }

    /// Adds the matter plane `delta` at source redshift `zsrc` with lensing
    /// weight `wlens` (GLASS `add_plane`; `wlens = 1` in GLASS's default).
    ///
    /// `delta` is a float64 map, or the complex128 `alm` of one: the
    /// recurrence is linear, so planes of `δ_lm` give `κ_lm`, which
    /// [`from_convergence_alm`] turns into the shear without a `map2alm`
    /// of `κ` (what `glass run` does, which needs `δ_lm` for its spectra
    /// anyway).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] when `zsrc` is not larger than the last plane's
    /// (GLASS: "source redshift must be increasing") or not finite;
    /// [`Error::DType`] unless `delta` is float64 or complex128;
    /// [`Error::Shape`] when `delta` differs in shape from the previous
    /// planes (e.g. another nside); backend errors.
    pub fn add_plane(&mut self, delta: &Array, zsrc: f64, wlens: f64) -> Result<()> {
        if delta.dtype() != DType::Complex128 {
            check_dtype(
                delta,
                DType::Float64,
                "MultiPlaneConvergence.add_plane",
                "delta",
            )?;
        }
        if let Some(k) = &self.kappa3 {
            if k.shape() != delta.shape() {
                return Err(Error::shape(
                    "MultiPlaneConvergence.add_plane",
                    "delta",
                    delta.shape(),
                    format!("{:?}, the shape of the previous planes", k.shape()),
                ));
            }
        }
        let mut rec = self.rec;
        let (t, f) = rec.step(self.cosmo, zsrc, wlens)?;
        let (kappa2, kappa3) = match (self.kappa2.take(), self.kappa3.take()) {
            (Some(k2), Some(k3)) => (k3, k2),
            _ => (delta.zeros_like(None)?, delta.zeros_like(None)?),
        };
        // κ3 <- (1 - t) κ3 + t κ2 + f δ2
        let mut next = (&(&kappa3 * (1.0 - t)).ok()? + &(&kappa2 * t).ok()?).ok()?;
        if let Some(delta2) = &self.delta3 {
            if f != 0.0 {
                next = (&next + &(delta2 * f).ok()?).ok()?;
            }
        }
        self.rec = rec;
        self.kappa2 = Some(kappa2);
        self.kappa3 = Some(next);
        self.delta3 = Some(delta.clone());
        Ok(())
    }

    /// The redshift of the last source plane (GLASS `zsrc`; 0 before the
    /// first plane).
    pub fn zsrc(&self) -> f64 {
        self.rec.z3
    }

    /// The convergence of a source at [`zsrc`](Self::zsrc) (GLASS
    /// `kappa`; `None` before the first plane).
    pub fn kappa(&self) -> Option<&Array> {
        self.kappa3.as_ref()
    }

    /// The matter of the last plane (GLASS `delta`).
    pub fn delta(&self) -> Option<&Array> {
        self.delta3.as_ref()
    }

    /// The lensing weight of the last plane (GLASS `wlens`).
    pub fn wlens(&self) -> f64 {
        self.rec.w3
    }
}

/// The matrix `M` with `κ_i = Σ_j M_ij δ_j` of the multi-plane
/// convergence of the windows `shells` (GLASS `multi_plane_matrix`): row
/// `i` is the convergence at the effective redshift of shell `i`.
///
/// # Errors
///
/// As [`MultiPlaneConvergence::add_window`] (effective redshifts must
/// increase).
pub fn multi_plane_matrix(shells: &[RadialWindow], cosmo: &dyn Cosmology) -> Result<Array2<f64>> {
    let n = shells.len();
    let mut rec = Recurrence::default();
    let mut mat = Array2::<f64>::zeros((n, n));
    // the rows of κ2, κ3 and δ3 as host vectors over the unit planes
    let mut kappa2 = vec![0.0; n];
    let mut kappa3 = vec![0.0; n];
    let mut delta3 = vec![0.0; n];
    for (i, w) in shells.iter().enumerate() {
        let (t, f) = rec.step(cosmo, w.zeff, window_lens_weight(w)?)?;
        std::mem::swap(&mut kappa2, &mut kappa3);
        for j in 0..n {
            kappa3[j] = (1.0 - t) * kappa3[j] + t * kappa2[j] + f * delta3[j];
        }
        delta3.iter_mut().for_each(|d| *d = 0.0);
        delta3[i] = 1.0;
        mat.row_mut(i).assign(&ndarray::ArrayView1::from(&kappa3));
    }
    Ok(mat)
}

/// The lensing weights of `weights` (GLASS `multi_plane_weights`):
/// `Mᵀ (weights / Σ_i weights_i)` with the matrix of
/// [`multi_plane_matrix`]; `weights` has the shells on its first axis.
///
/// # Errors
///
/// [`Error::Shape`] when the first axis of `weights` is not the number of
/// shells; as [`multi_plane_matrix`].
pub fn multi_plane_weights(
    weights: &ArrayD<f64>,
    shells: &[RadialWindow],
    cosmo: &dyn Cosmology,
) -> Result<ArrayD<f64>> {
    if weights.ndim() == 0 || weights.shape()[0] != shells.len() {
        return Err(Error::shape(
            "multi_plane_weights",
            "weights",
            weights.shape(),
            format!("({}, ...): one row per shell", shells.len()),
        ));
    }
    let total = weights.sum_axis(Axis(0));
    let normed = weights / &total.insert_axis(Axis(0));
    let mat = multi_plane_matrix(shells, cosmo)?;
    let n = shells.len();
    let rest: usize = normed.len() / n.max(1);
    let flat = normed
        .to_shape((n, rest))
        .map_err(|e| Error::internal("multi_plane_weights", e))?;
    let out = mat.t().dot(&flat);
    out.into_shape_with_order(weights.shape())
        .map_err(|e| Error::internal("multi_plane_weights", e))
}

/// What [`from_convergence`] computes (GLASS's keyword arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FromConvergenceOptions {
    /// Compute the lensing potential `ψ`.
    pub potential: bool,
    /// Compute the deflection `α` (spin 1).
    pub deflection: bool,
    /// Compute the shear `γ` (spin 2).
    pub shear: bool,
    /// Correct the shear for the pixel window: multiply by the spin-2
    /// over the spin-0 HEALPix pixel window (GLASS's default, `true`),
    /// for a `κ` map that is itself pixelised.
    pub discretized: bool,
}

impl Default for FromConvergenceOptions {
    fn default() -> Self {
        FromConvergenceOptions {
            potential: false,
            deflection: false,
            shear: false,
            discretized: true,
        }
    }
}

/// The maps of [`from_convergence`]; each is `None` unless asked for.
#[derive(Debug, Clone, Default)]
pub struct LensingMaps {
    /// The lensing potential `ψ` (float64 map).
    pub potential: Option<Array>,
    /// The deflection `α = α_θ + i α_φ` (complex128 map, healpy's spin-1
    /// components: `Re` along `θ̂`, south; `Im` along `φ̂`, east).
    pub deflection: Option<Array>,
    /// The shear `γ = γ_1 + i γ_2` (complex128 map, healpy's spin-2
    /// convention, as GLASS).
    pub shear: Option<Array>,
}

/// The `Q + iU` complex map of a `(..., 2, npix)` pair of spin maps.
fn complex_of_pair(qu: &Array) -> Result<Array> {
    let q = qu.get(&[IndexItem::Ellipsis, IndexItem::Int(0), IndexItem::FULL])?;
    let u = qu.get(&[IndexItem::Ellipsis, IndexItem::Int(1), IndexItem::FULL])?;
    complex(&q, &u)
}

/// `[E, 0]` for a spin transform of a field without B-mode.
fn with_zero_b(alm: &Array) -> Result<Array> {
    let b = alm.zeros_like(None)?;
    alm.backend().stack(&[alm, &b], -2)
}

/// The lensing potential, deflection and shear of a convergence map (GLASS
/// `from_convergence(kappa, lmax, potential=, deflection=, shear=,
/// discretized=)`); `lmax` defaults to `3 nside - 1`.
///
/// `κ_lm` is `map2alm` of the map with pixel weights and no iterations,
/// as healpy's `use_pixel_weights` (which ignores `iter`), for nside <= 256.
/// For larger nside, where glass has no pixel weights (its solver would
/// take hours), with healpy's ring weights, also without iterations: for a
/// band-limited map with a red spectrum at `lmax = 2 nside` the two are
/// equally accurate (largest alm error relative to the largest alm,
/// healpy 1.20.1: ring 6.0e-5 and pixel 5.9e-5 at nside 128, 4.2e-5 and
/// 5.1e-5 at nside 256), at the cost of one transform. The
/// maps follow from the relations in the module docs (the `l = 0` mode of
/// `ψ` and the `l < 2` modes of `γ` are zero). With `discretized`, the
/// shear modes are multiplied by `W_2(l) / W_0(l)`, the ratio of the
/// spin-2 and spin-0 pixel windows. There is no spin-1 pixel window
/// (GLASS applies none to the deflection either).
///
/// # Errors
///
/// [`Error::DType`] unless `kappa` is float64; [`Error::Healpix`] for a map
/// that is not a HEALPix map, or an nside without pixel window (with
/// `discretized` and `shear`); backend errors of the transforms.
pub fn from_convergence(
    kappa: &Array,
    lmax: Option<usize>,
    options: FromConvergenceOptions,
) -> Result<LensingMaps> {
    if !(options.potential || options.deflection || options.shear) {
        return Ok(LensingMaps::default());
    }
    let npix = kappa.shape().last().copied().unwrap_or(0);
    let nside = npix2nside(npix)?;
    let lmax = lmax.unwrap_or(3 * nside as usize - 1);
    let alm = map2alm_pixel_weights(kappa, lmax)?;
    from_convergence_alm(&alm, nside, options)
}

/// [`from_convergence`] of the convergence's `alm` `κ_lm` (GLASS order,
/// `lmax = mmax` read from its length) instead of its map: the maps of
/// nside `nside`. A glass-rs addition, for a caller that has `κ_lm`
/// already (the multi-plane recurrence of [`MultiPlaneConvergence`] on
/// `δ_lm` gives it); `from_convergence(κ)` is this of `map2alm(κ)` with
/// its weights.
///
/// # Errors
///
/// [`Error::DType`] unless `alm` is complex128; [`Error::Shape`] when its
/// last axis is not the length of a triangular `alm`; as
/// [`from_convergence`].
pub fn from_convergence_alm(
    alm: &Array,
    nside: i64,
    options: FromConvergenceOptions,
) -> Result<LensingMaps> {
    let mut out = LensingMaps::default();
    if !(options.potential || options.deflection || options.shear) {
        return Ok(out);
    }
    check_dtype(alm, DType::Complex128, "from_convergence_alm", "alm")?;
    let n = alm.shape().last().copied().unwrap_or(0);
    let lmax = crate::healpix::alm_lmax(n, None, None)
        .map_err(|_| {
            Error::shape(
                "from_convergence_alm",
                "alm",
                alm.shape(),
                "(..., (lmax + 1)(lmax + 2) / 2)",
            )
        })?
        .0;
    let ell = |l: usize| l as f64;
    // ψ_lm = -2 κ_lm / (l (l + 1))
    let fl: Vec<f64> = (0..=lmax)
        .map(|l| {
            if l > 0 {
                -2.0 / (ell(l) * (ell(l) + 1.0))
            } else {
                0.0
            }
        })
        .collect();
    let mut alm = almxfl(alm, &fl, None)?;
    if options.potential {
        out.potential = Some(alm2map(&alm, nside, Some(lmax), None)?);
    }
    if !(options.deflection || options.shear) {
        return Ok(out);
    }
    // α_lm = √(l (l + 1)) ψ_lm
    let fl: Vec<f64> = (0..=lmax)
        .map(|l| (ell(l) * (ell(l) + 1.0)).sqrt())
        .collect();
    alm = almxfl(&alm, &fl, None)?;
    if options.deflection {
        let qu = alm2map_spin(&with_zero_b(&alm)?, nside, 1, Some(lmax), None)?;
        out.deflection = Some(complex_of_pair(&qu)?);
    }
    if !options.shear {
        return Ok(out);
    }
    // γ_lm = √((l - 1)(l + 2)) α_lm / 2
    let mut fl: Vec<f64> = (0..=lmax)
        .map(|l| {
            if l > 0 {
                ((ell(l) - 1.0) * (ell(l) + 2.0)).sqrt() / 2.0
            } else {
                0.0
            }
        })
        .collect();
    if options.discretized {
        discretize_shear(&mut fl, nside, lmax, "from_convergence")?;
    }
    alm = almxfl(&alm, &fl, None)?;
    let qu = alm2map_spin(&with_zero_b(&alm)?, nside, 2, Some(lmax), None)?;
    out.shear = Some(complex_of_pair(&qu)?);
    Ok(out)
}

/// The shear of a convergence map as `(γ_1, γ_2)` maps of shape
/// `(..., 2, npix)` (GLASS `shear_from_convergence`, deprecated there):
/// `γ_lm = -√((l + 2)(l + 1) l (l - 1)) / (l (l + 1)) κ_lm`, with the
/// pixel-window correction when `discretized`.
///
/// # Errors
///
/// As [`from_convergence`].
#[deprecated(note = "use glass::lensing::from_convergence() with shear instead (as GLASS)")]
pub fn shear_from_convergence(
    kappa: &Array,
    lmax: Option<usize>,
    discretized: bool,
) -> Result<Array> {
    let npix = kappa.shape().last().copied().unwrap_or(0);
    let nside = npix2nside(npix)?;
    let lmax = lmax.unwrap_or(3 * nside as usize - 1);
    let alm = map2alm_pixel_weights(kappa, lmax)?;
    let mut fl: Vec<f64> = (0..=lmax)
        .map(|l| {
            let l = l as f64;
            -((l + 2.0) * (l + 1.0) * l * (l - 1.0)).max(0.0).sqrt() / (l * (l + 1.0)).max(1.0)
        })
        .collect();
    if discretized {
        discretize_shear(&mut fl, nside, lmax, "shear_from_convergence")?;
    }
    let alm = almxfl(&alm, &fl, None)?;
    alm2map_spin(&with_zero_b(&alm)?, nside, 2, Some(lmax), None)
}

/// Multiplies the shear factors `fl` by the ratio `W_2(l) / W_0(l)` of
/// the spin-2 and spin-0 pixel windows (GLASS's `discretized`).
fn discretize_shear(fl: &mut [f64], nside: i64, lmax: usize, func: &'static str) -> Result<()> {
    let (pw0, pw2) = pixwin(nside, Some(lmax), true)?;
    let pw2 = pw2.ok_or_else(|| Error::internal(func, "no spin-2 pixel window"))?;
    for (l, f) in fl.iter_mut().enumerate() {
        *f *= pw2[l] / pw0[l];
    }
    Ok(())
}

/// `map2alm` as GLASS calls it in lensing (healpy's
/// `use_pixel_weights=True`, which runs no iterations): with glass's pixel
/// weights where it has them (nside <= 256, see
/// [`pixel_weights`](crate::healpix::pixel_weights)), else with healpy's
/// ring weights (see [`from_convergence`] for the accuracy).
fn map2alm_pixel_weights(kappa: &Array, lmax: usize) -> Result<Array> {
    check_dtype(kappa, DType::Float64, "from_convergence", "kappa")?;
    let npix = kappa.shape().last().copied().unwrap_or(0);
    let nside = npix2nside(npix)?;
    let w = map2alm_weights(kappa.backend(), nside)?;
    map2alm(kappa, Some(lmax), None, 0, w.as_ref())
}

/// Moves points by the deflection of [`from_convergence`] (GLASS
/// `deflect(lon, lat, alpha)`, deprecated there for
/// [`displace`](crate::points::displace)); positions in degrees.
///
/// **Convention.** `alpha` is the map of [`from_convergence`]: `Re α` is
/// the component along `θ̂` (south), `Im α` along `φ̂` (east), and
/// `α = ∇ψ`. A lensed image lies at `θ = β + ∇ψ` (the lens
/// equation `β = θ - α(θ)`, e.g. Bartelmann & Schneider 2001, Phys. Rep.
/// 340, 291, with `α` evaluated at the unlensed position in the Born
/// approximation): images move away from
/// mass, which is what magnifies the region behind it. So this function
/// moves each point a distance `|α|` south by `Re α` and east by `Im α`,
/// i.e. it is GLASS's `displace(lon, lat, -conj(alpha))`, and GLASS's
/// `deflect(lon, lat, -alpha)`. GLASS's own `deflect` moves points by
/// `-∇ψ` (towards the mass: its documentation says so, "points are
/// deflected towards regions of positive convergence"), and GLASS's
/// `displace` of the same `alpha` moves them north by `Re α` and east by
/// `Im α`, a mirror image of either; a test checks the direction against
/// the potential of a point mass.
///
/// # Errors
///
/// As [`displace`](crate::points::displace).
pub fn deflect(lon: &Array, lat: &Array, alpha: &Array) -> Result<(Array, Array)> {
    check_dtype(alpha, DType::Complex128, "deflect", "alpha")?;
    // bearing form (north + i east) of the displacement +∇ψ
    let bearing = (&alpha.conj()? * -1.0).ok()?;
    crate::points::displace(lon, lat, &bearing)
}
