//! Shells (GLASS `glass.shells`): the radial discretisation of the light
//! cone into matter shells, by radial window functions.
//!
//! - window functions: [`RadialWindow`], [`tophat_windows`],
//!   [`linear_windows`], [`cubic_windows`], with optional weights
//!   ([`DistanceWeight`], [`VolumeWeight`], [`DensityWeight`] or any
//!   closure `Fn(f64) -> f64`);
//! - window tools: [`restrict`], [`partition`] ([`PartitionMethod`]),
//!   [`combine`];
//! - redshift grids: [`redshift_grid`], [`distance_grid`].
//!
//! Everything runs on the host in plain Rust (these are setup computations
//! on redshift grids). GLASS's warnings (a first window that does not start
//! at redshift zero) are not printed: check `zbins[0]` yourself if it
//! matters. `distribute` draws random numbers and belongs with the random
//! modules; it is not here.
//!
//! ```
//! use glass::shells::{partition, tophat_windows, PartitionMethod, WindowOptions};
//! use ndarray::Array1;
//! let shells = tophat_windows(&[0.0, 0.5, 1.0], WindowOptions { dz: 0.01, ..Default::default() }).unwrap();
//! assert_eq!(shells.len(), 2);
//! assert!((shells[0].zeff - 0.25).abs() < 1e-12);
//! let z: Vec<f64> = (0..101).map(|i| i as f64 * 0.01).collect();
//! let nz = Array1::from_elem(101, 2.0).into_dyn();
//! let x = partition(&z, nz.view(), &shells, PartitionMethod::Restrict).unwrap();
//! assert!((x[[0]] - 1.0).abs() < 1e-12 && (x[[1]] - 1.0).abs() < 1e-12);
//! ```

use std::str::FromStr;

use ndarray::{Array2, ArrayD, ArrayViewD, Axis, IxDyn};

use crate::algorithm::{from_faer, nnls, to_faer, NnlsOptions};
use crate::arraytools::{
    arange, check_increasing, gradient, interp, linspace, ndinterp, trapezoid_unchecked, union1d,
    InterpOptions, NdinterpOptions,
};
use crate::cosmology::Cosmology;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::{Array, DType};

fn invalid<T>(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(Error::value(func, arg, reason))
}

/// A weight function `w(z)` for window functions: any `Fn(f64) -> f64`,
/// or one of [`DistanceWeight`], [`VolumeWeight`], [`DensityWeight`].
pub trait Weight {
    /// The weight at redshift `z`.
    fn weight(&self, z: f64) -> f64;
}

impl<F: Fn(f64) -> f64> Weight for F {
    fn weight(&self, z: f64) -> f64 {
        self(z)
    }
}

/// Uniform weight in comoving distance: `w(z) = 1 / E(z)`.
pub struct DistanceWeight<'a, C: Cosmology + ?Sized> {
    /// The cosmology.
    pub cosmo: &'a C,
}

impl<'a, C: Cosmology + ?Sized> DistanceWeight<'a, C> {
    /// The weight for `cosmo`.
    pub fn new(cosmo: &'a C) -> Self {
        Self { cosmo }
    }
}

impl<C: Cosmology + ?Sized> Weight for DistanceWeight<'_, C> {
    fn weight(&self, z: f64) -> f64 {
        1.0 / self.cosmo.h_over_h0(z)
    }
}

/// Uniform weight in comoving volume: `w(z) = (d_M(z) / d_H)^2 / E(z)`.
pub struct VolumeWeight<'a, C: Cosmology + ?Sized> {
    /// The cosmology.
    pub cosmo: &'a C,
}

impl<'a, C: Cosmology + ?Sized> VolumeWeight<'a, C> {
    /// The weight for `cosmo`.
    pub fn new(cosmo: &'a C) -> Self {
        Self { cosmo }
    }
}

impl<C: Cosmology + ?Sized> Weight for VolumeWeight<'_, C> {
    fn weight(&self, z: f64) -> f64 {
        let x = self.cosmo.transverse_comoving_distance(z) / self.cosmo.hubble_distance();
        x * x / self.cosmo.h_over_h0(z)
    }
}

/// Uniform weight in matter density:
/// `w(z) = rho_c0 Omega_m(z) (d_M(z) / d_H)^2 / E(z)`.
pub struct DensityWeight<'a, C: Cosmology + ?Sized> {
    /// The cosmology.
    pub cosmo: &'a C,
}

impl<'a, C: Cosmology + ?Sized> DensityWeight<'a, C> {
    /// The weight for `cosmo`.
    pub fn new(cosmo: &'a C) -> Self {
        Self { cosmo }
    }
}

impl<C: Cosmology + ?Sized> Weight for DensityWeight<'_, C> {
    fn weight(&self, z: f64) -> f64 {
        let x = self.cosmo.transverse_comoving_distance(z) / self.cosmo.hubble_distance();
        self.cosmo.critical_density0() * self.cosmo.omega_m(z) * (x * x) / self.cosmo.h_over_h0(z)
    }
}

/// A radial window, defined by a window function `wa` sampled at
/// redshifts `za`, with an effective redshift `zeff`.
#[derive(Clone, Debug, PartialEq)]
pub struct RadialWindow {
    /// Redshifts: the abscissae of the window function (non-decreasing).
    pub za: Vec<f64>,
    /// Weights: the values of the window function.
    pub wa: Vec<f64>,
    /// Effective redshift of the window.
    pub zeff: f64,
}

impl RadialWindow {
    /// A window from `za`, `wa`; without `zeff`, the effective redshift is
    /// the window's mean redshift `∫ z w dz / ∫ w dz` (trapezoidal rule;
    /// NaN for an empty window).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for `za` and `wa` of different lengths; [`Error::NaN`] or
    /// [`Error::Value`] for a `za` that is not increasing.
    pub fn new(za: Vec<f64>, wa: Vec<f64>, zeff: Option<f64>) -> Result<Self> {
        check_window("RadialWindow", &za, &wa)?;
        let zeff = match zeff {
            Some(z) => z,
            None if za.is_empty() => f64::NAN,
            None => mean_redshift(&za, &wa),
        };
        Ok(Self { za, wa, zeff })
    }
}

/// `∫ z w dz / ∫ w dz` by the trapezoidal rule.
fn mean_redshift(z: &[f64], w: &[f64]) -> f64 {
    let zw: Vec<f64> = z.iter().zip(w).map(|(a, b)| b * a).collect();
    trapezoid_unchecked(&zw, z) / trapezoid_unchecked(w, z)
}

fn check_window(what: &'static str, za: &[f64], wa: &[f64]) -> Result<()> {
    if za.len() != wa.len() {
        return invalid(
            what,
            "wa",
            format!(
                "za and wa have different lengths ({} and {})",
                za.len(),
                wa.len()
            ),
        );
    }
    check_increasing(what, "za", za)
}

/// Checks a grid of redshift nodes: `min` entries, strictly increasing.
fn check_nodes(what: &'static str, z: &[f64], min: usize, dz: f64) -> Result<()> {
    if z.len() < min {
        return invalid(
            what,
            "z",
            format!("need at least {min} redshifts, got {}", z.len()),
        );
    }
    if z.iter().any(|v| !v.is_finite()) {
        return invalid(what, "z", "redshifts must be finite");
    }
    if let Some(i) = z.windows(2).position(|w| w[1] <= w[0]) {
        return invalid(
            what,
            "z",
            format!(
                "redshifts are not strictly increasing ({} then {})",
                z[i],
                z[i + 1]
            ),
        );
    }
    if !(dz > 0.0) || !dz.is_finite() {
        return invalid(what, "dz", format!("dz must be positive, got {dz}"));
    }
    Ok(())
}

/// `max(round((b - a) / dz), 2)` with NumPy's round-half-to-even.
fn npoints(what: &'static str, a: f64, b: f64, dz: f64) -> Result<usize> {
    let n = ((b - a) / dz).round_ties_even().max(2.0);
    if n > 1e8 {
        return invalid(
            what,
            "dz",
            format!("dz = {dz} gives {n} points in [{a}, {b}], too many"),
        );
    }
    Ok(n as usize)
}

fn apply_weight(z: &[f64], w: &mut [f64], weight: Option<&dyn Weight>) {
    if let Some(f) = weight {
        w.iter_mut()
            .zip(z)
            .for_each(|(wi, &zi)| *wi *= f.weight(zi));
    }
}

/// The keyword arguments of [`tophat_windows`], [`linear_windows`] and
/// [`cubic_windows`]; `Default` is GLASS's (`dz = 1e-3`, no weight).
#[derive(Clone, Copy)]
pub struct WindowOptions<'a> {
    /// The approximate redshift spacing of the windows' samples.
    pub dz: f64,
    /// A weight function applied to the windows (e.g. [`DistanceWeight`]).
    pub weight: Option<&'a dyn Weight>,
}

impl Default for WindowOptions<'_> {
    fn default() -> Self {
        WindowOptions {
            dz: 1e-3,
            weight: None,
        }
    }
}

impl std::fmt::Debug for WindowOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowOptions")
            .field("dz", &self.dz)
            .field("weight", &self.weight.map(|_| "dyn Weight"))
            .finish()
    }
}

/// Tophat window functions from the given redshift bin edges.
///
/// The `N + 1` edges `zbins` give `N` tophat windows, each sampled at
/// `max(round((zmax - zmin) / dz), 2)` evenly spaced redshifts and
/// multiplied by the optional `weight`. Their effective redshifts are the
/// mean redshifts of the (weighted) windows. GLASS's default `dz` is 1e-3.
///
/// GLASS: `tophat_windows(zbins, WindowOptions { dz: dz=1e-3, weight: weight=None })`; here
/// `tophat_windows(&zbins, WindowOptions::default())`.
///
/// # Errors
///
/// [`Error::Value`] for too few or non-increasing nodes, or a
/// non-positive `dz`.
pub fn tophat_windows(zbins: &[f64], options: WindowOptions<'_>) -> Result<Vec<RadialWindow>> {
    let WindowOptions { dz, weight } = options;
    check_nodes("tophat_windows", zbins, 2, dz)?;
    zbins
        .windows(2)
        .map(|e| {
            let n = npoints("tophat_windows", e[0], e[1], dz)?;
            let z = linspace(e[0], e[1], n, true);
            let mut w = vec![1.0; n];
            apply_weight(&z, &mut w, weight);
            let zeff = mean_redshift(&z, &w);
            Ok(RadialWindow { za: z, wa: w, zeff })
        })
        .collect()
}

/// The shared grid of [`linear_windows`] and [`cubic_windows`] for nodes
/// `(zmin, zmid, zmax)`: the rising part (without `zmid`), the falling
/// part, and the two unit ramps `u` (0 to 1, open) and `v` (1 to 0).
fn spline_grid(
    what: &'static str,
    zmin: f64,
    zmid: f64,
    zmax: f64,
    dz: f64,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let n = npoints(what, zmin, zmid, dz)? - 1;
    let m = npoints(what, zmid, zmax, dz)?;
    let mut z = linspace(zmin, zmid, n, false);
    z.extend(linspace(zmid, zmax, m, true));
    Ok((z, linspace(0.0, 1.0, n, false), linspace(1.0, 0.0, m, true)))
}

/// Linear interpolation window functions.
///
/// The `N + 2` nodes `zgrid` give `N` triangular windows rising from node
/// `i` to 1 at node `i + 1` and falling to node `i + 2`, sampled with
/// spacing about `dz` and multiplied by the optional `weight`. The
/// effective redshifts are the middle nodes.
///
/// GLASS: `linear_windows(zgrid, WindowOptions { dz: dz=1e-3, weight: weight=None })`; here
/// `linear_windows(&zgrid, WindowOptions::default())`.
///
/// # Errors
///
/// [`Error::Value`] for too few or non-increasing nodes, or a
/// non-positive `dz`.
pub fn linear_windows(zgrid: &[f64], options: WindowOptions<'_>) -> Result<Vec<RadialWindow>> {
    let WindowOptions { dz, weight } = options;
    check_nodes("linear_windows", zgrid, 3, dz)?;
    zgrid
        .windows(3)
        .map(|t| {
            let (z, u, v) = spline_grid("linear_windows", t[0], t[1], t[2], dz)?;
            let mut w: Vec<f64> = u.into_iter().chain(v).collect();
            apply_weight(&z, &mut w, weight);
            Ok(RadialWindow {
                za: z,
                wa: w,
                zeff: t[1],
            })
        })
        .collect()
}

/// Cubic interpolation window functions.
///
/// As [`linear_windows`], with the cubic Hermite ramps `u^2 (3 - 2u)`
/// instead of linear ones.
///
/// GLASS: `cubic_windows(zgrid, WindowOptions { dz: dz=1e-3, weight: weight=None })`; here
/// `cubic_windows(&zgrid, WindowOptions::default())`.
///
/// # Errors
///
/// [`Error::Value`] for too few or non-increasing nodes, or a
/// non-positive `dz`.
pub fn cubic_windows(zgrid: &[f64], options: WindowOptions<'_>) -> Result<Vec<RadialWindow>> {
    let WindowOptions { dz, weight } = options;
    check_nodes("cubic_windows", zgrid, 3, dz)?;
    zgrid
        .windows(3)
        .map(|t| {
            let (z, u, v) = spline_grid("cubic_windows", t[0], t[1], t[2], dz)?;
            let mut w: Vec<f64> = u
                .into_iter()
                .chain(v)
                .map(|x| x * x * (3.0 - 2.0 * x))
                .collect();
            apply_weight(&z, &mut w, weight);
            Ok(RadialWindow {
                za: z,
                wa: w,
                zeff: t[1],
            })
        })
        .collect()
}

/// Checks a function `(z, f)` with `f` of shape `(..., N)`.
fn check_function(what: &'static str, z: &[f64], f: &ArrayViewD<'_, f64>) -> Result<()> {
    check_increasing(what, "z", z)?;
    if f.ndim() == 0 || f.shape()[f.ndim() - 1] != z.len() {
        return invalid(
            what,
            "f",
            format!(
                "the last axis of the function values (shape {:?}) must have the length of z ({})",
                f.shape(),
                z.len()
            ),
        );
    }
    Ok(())
}

/// Restrict a function to a redshift window.
///
/// Returns `(zr, fr)` with `fr = w(zr) f(zr)` over the support of the
/// window: `zr` is the union of the window's redshifts and those of `z`
/// inside it, and `f` (shape `(..., N)`, zero outside `z`) and `w` are
/// linearly interpolated there.
///
/// # Errors
///
/// [`Error::Value`] for an empty window or function values whose last axis is not the length of
/// `z`; as [`RadialWindow::new`] for the window.
pub fn restrict(
    z: &[f64],
    f: ArrayViewD<'_, f64>,
    w: &RadialWindow,
) -> Result<(Vec<f64>, ArrayD<f64>)> {
    check_function("restrict", z, &f)?;
    check_window("restrict: window", &w.za, &w.wa)?;
    if w.za.is_empty() {
        return invalid("restrict", "w", "the window is empty");
    }
    let (lo, hi) = (w.za[0], w.za[w.za.len() - 1]);
    let inner: Vec<f64> = z.iter().copied().filter(|&v| v > lo && v < hi).collect();
    let zr = union1d(&w.za, &inner);
    let zr_arr = ndarray::Array1::from(zr.clone()).into_dyn();
    let mut fr = ndinterp(
        zr_arr.view(),
        z,
        f,
        NdinterpOptions {
            interp: InterpOptions {
                left: Some(0.0),
                right: Some(0.0),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    let wr = interp(&zr, &w.za, &w.wa, InterpOptions::default())?;
    let last = Axis(fr.ndim() - 1);
    for mut lane in fr.lanes_mut(last) {
        lane.iter_mut().zip(&wr).for_each(|(a, b)| *a *= b);
    }
    Ok((zr, fr))
}

/// How [`partition`] finds its weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionMethod {
    /// Non-negative least squares (GLASS's default).
    Nnls,
    /// Unconstrained least squares.
    Lstsq,
    /// Integrals of the restriction to each window.
    Restrict,
}

impl FromStr for PartitionMethod {
    type Err = Error;

    /// `"nnls"`, `"lstsq"` or `"restrict"`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "nnls" => Ok(Self::Nnls),
            "lstsq" => Ok(Self::Lstsq),
            "restrict" => Ok(Self::Restrict),
            _ => invalid("partition", "method", format!("invalid method: {s}")),
        }
    }
}

/// Partition a function by a sequence of windows.
///
/// Returns weights `x_i` (leading axis: the shells; then the leading axes
/// of `fz`) such that `sum_i x_i w_i(z) / ∫ w_i` approximates `f(z)`.
///
/// For `Nnls` and `Lstsq`, the problem is posed on the union `zp` of `z`
/// and all windows' redshifts with grid spacing `dz = gradient(zp)`:
/// `A^T x ≈ b` with `A[i] = w_i(zp) dz / ∫ w_i` and `b = f(zp) dz`, plus
/// one row `100 x_1 + 100 x_2 + ... = 100 ∫ f dz` that fixes the
/// normalisation (GLASS's `sumtol = 0.01`). `Nnls` reduces the problem by
/// a thin QR decomposition and solves it with [`nnls`]; `Lstsq` solves it
/// by SVD (NumPy's `lstsq`, cutoff `eps * max(M, N)`). `Restrict` integrates
/// the [`restrict`]ion of `f` to each window.
///
/// # Errors
///
/// [`Error::Value`] for no shells, an empty shell, a grid of fewer than two distinct points, or
/// function values of the wrong length; [`Error::InShell`] around a bad window;
/// [`Error::NotConverged`] when the SVD of `lstsq` fails.
pub fn partition(
    z: &[f64],
    fz: ArrayViewD<'_, f64>,
    shells: &[RadialWindow],
    method: PartitionMethod,
) -> Result<ArrayD<f64>> {
    check_function("partition", z, &fz)?;
    if shells.is_empty() {
        return invalid("partition", "shells", "no shells given");
    }
    for (i, w) in shells.iter().enumerate() {
        check_window("partition", &w.za, &w.wa).map_err(|e| e.in_shell(i))?;
        if w.za.is_empty() {
            return invalid("partition", "shells", format!("shell {i} is empty"));
        }
    }
    match method {
        PartitionMethod::Restrict => partition_restrict(z, fz, shells),
        PartitionMethod::Nnls | PartitionMethod::Lstsq => partition_lsq(z, fz, shells, method),
    }
}

fn partition_restrict(
    z: &[f64],
    fz: ArrayViewD<'_, f64>,
    shells: &[RadialWindow],
) -> Result<ArrayD<f64>> {
    let dims = fz.shape()[..fz.ndim() - 1].to_vec();
    let mut out = Vec::new();
    for w in shells {
        let (zr, fr) = restrict(z, fz.clone(), w)?;
        for lane in fr.lanes(Axis(fr.ndim() - 1)) {
            out.push(trapezoid_unchecked(&lane.to_vec(), &zr));
        }
    }
    let shape: Vec<usize> = [shells.len()].into_iter().chain(dims).collect();
    ArrayD::from_shape_vec(IxDyn(&shape), out).map_err(|e| Error::internal("partition", e))
}

/// The least-squares problem of [`partition`]: the matrix `A^T` of shape
/// `(K + 1, S)` and the targets `b` of shape `(D, K + 1)`, for `D` flattened
/// leading axes of `fz`.
fn partition_system(
    z: &[f64],
    fz: &ArrayViewD<'_, f64>,
    shells: &[RadialWindow],
) -> Result<(Array2<f64>, Array2<f64>)> {
    const SUMTOL: f64 = 0.01;
    let mult = 1.0 / SUMTOL;
    let mut zp = z.to_vec();
    for w in shells {
        zp = union1d(&zp, &w.za);
    }
    let k = zp.len();
    if k < 2 {
        return invalid(
            "partition",
            "z",
            "the redshift grid needs at least two distinct points",
        );
    }
    let dz = gradient(&zp)?;
    let s = shells.len();
    let mut at = Array2::<f64>::zeros((k + 1, s));
    for (i, w) in shells.iter().enumerate() {
        let a = interp(
            &zp,
            &w.za,
            &w.wa,
            InterpOptions {
                left: Some(0.0),
                right: Some(0.0),
                ..Default::default()
            },
        )?;
        let norm = trapezoid_unchecked(&a, &zp);
        if norm == 0.0 || !norm.is_finite() {
            return invalid(
                "partition",
                "shells",
                format!("shell {i} has integral {norm}, cannot normalise"),
            );
        }
        for j in 0..k {
            at[[j, i]] = a[j] / norm * dz[j];
        }
        at[[k, i]] = mult;
    }
    let zp_arr = ndarray::Array1::from(zp.clone()).into_dyn();
    let bz = ndinterp(
        zp_arr.view(),
        z,
        fz.clone(),
        NdinterpOptions {
            interp: InterpOptions {
                left: Some(0.0),
                right: Some(0.0),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    let d: usize = fz.shape()[..fz.ndim() - 1].iter().product();
    let mut b = Array2::<f64>::zeros((d, k + 1));
    let lanes_b = bz.lanes(Axis(bz.ndim() - 1));
    let lanes_f = fz.lanes(Axis(fz.ndim() - 1));
    for (r, (lb, lf)) in lanes_b.into_iter().zip(lanes_f).enumerate() {
        for j in 0..k {
            b[[r, j]] = lb[j] * dz[j];
        }
        b[[r, k]] = mult * trapezoid_unchecked(&lf.to_vec(), z);
    }
    Ok((at, b))
}

fn partition_lsq(
    z: &[f64],
    fz: ArrayViewD<'_, f64>,
    shells: &[RadialWindow],
    method: PartitionMethod,
) -> Result<ArrayD<f64>> {
    let (at, b) = partition_system(z, &fz, shells)?;
    let s = shells.len();
    let x = match method {
        PartitionMethod::Nnls => {
            let qr = to_faer(at.view()).qr();
            let q = from_faer(qr.compute_thin_Q().as_ref());
            let r = from_faer(qr.thin_R());
            let mut x = Array2::<f64>::zeros((b.nrows(), s));
            for (row, mut xr) in b.rows().into_iter().zip(x.rows_mut()) {
                let y = q.t().dot(&row);
                let sol = nnls(r.view(), &y.to_vec(), NnlsOptions::default())?;
                xr.assign(&ndarray::Array1::from(sol));
            }
            x
        }
        _ => lstsq(&at, &b)?,
    };
    // (D, S) -> (S, *dims)
    let shape: Vec<usize> = [s]
        .into_iter()
        .chain(fz.shape()[..fz.ndim() - 1].iter().copied())
        .collect();
    x.t()
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order(IxDyn(&shape))
        .map_err(|e| Error::internal("partition", e))
}

/// Least squares `min |A x - b_r|` for each row `b_r` of `b`, by SVD with
/// NumPy's default cutoff `eps * max(M, N) * s_max`; rows of the result
/// are the solutions.
fn lstsq(a: &Array2<f64>, b: &Array2<f64>) -> Result<Array2<f64>> {
    let (m, n) = a.dim();
    let svd = to_faer(a.view())
        .thin_svd()
        .map_err(|_| Error::NotConverged {
            func: "partition",
            reason: "the SVD did not converge".into(),
        })?;
    let u = from_faer(svd.U());
    let v = from_faer(svd.V());
    let sv = svd.S().column_vector();
    let k = sv.nrows();
    let smax = (0..k).map(|i| sv[i]).fold(0.0, f64::max);
    let cut = f64::EPSILON * m.max(n) as f64 * smax;
    let mut x = Array2::<f64>::zeros((b.nrows(), n));
    for (row, mut xr) in b.rows().into_iter().zip(x.rows_mut()) {
        let c = u.t().dot(&row);
        for i in 0..k {
            if sv[i] > cut {
                let f = c[i] / sv[i];
                xr.scaled_add(f, &v.column(i));
            }
        }
    }
    Ok(x)
}

/// Evaluate a linear combination of window functions.
///
/// `f(z) = sum_i x_i w_i(z) / ∫ w_i`, with `weights` of shape `(S, ...)`
/// (leading axis: the shells); the result has shape `(..., len(z))`.
///
/// # Errors
///
/// [`Error::Value`] when the weights' leading axis is not one entry per shell, or a shell is
/// empty; [`Error::InShell`] around a bad window.
pub fn combine(
    z: &[f64],
    weights: ArrayViewD<'_, f64>,
    shells: &[RadialWindow],
) -> Result<ArrayD<f64>> {
    if weights.ndim() == 0 || weights.shape()[0] != shells.len() {
        return invalid(
            "combine",
            "weights",
            format!(
                "the leading axis of weights (shape {:?}) must have one entry per shell ({})",
                weights.shape(),
                shells.len()
            ),
        );
    }
    let rest = &weights.shape()[1..];
    let shape: Vec<usize> = rest.iter().copied().chain([z.len()]).collect();
    let mut out = ArrayD::<f64>::zeros(IxDyn(&shape));
    for (i, (w, x)) in shells.iter().zip(weights.axis_iter(Axis(0))).enumerate() {
        check_window("combine", &w.za, &w.wa).map_err(|e| e.in_shell(i))?;
        if w.za.is_empty() {
            return invalid("combine", "shells", format!("shell {i} is empty"));
        }
        let norm = trapezoid_unchecked(&w.wa, &w.za);
        let wn: Vec<f64> = w.wa.iter().map(|v| v / norm).collect();
        let f = interp(
            z,
            &w.za,
            &wn,
            InterpOptions {
                left: Some(0.0),
                right: Some(0.0),
                ..Default::default()
            },
        )?;
        let last = Axis(shape.len() - 1);
        for (mut lane, &xi) in out.lanes_mut(last).into_iter().zip(x.iter()) {
            lane.iter_mut().zip(&f).for_each(|(o, fv)| *o += xi * fv);
        }
    }
    Ok(out)
}

/// The spacing of [`redshift_grid`] and [`distance_grid`]: GLASS's `dz`
/// (or `dx`) and `num` keywords, of which exactly one must be given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GridStep {
    /// A fixed step (`dz` in redshift, `dx` in Mpc):
    /// `arange(start, stop + step, step)`.
    Step(f64),
    /// `num` equal steps: `linspace(start, stop, num + 1)`.
    Num(usize),
}

/// A uniform grid from `start` to `stop`.
fn uniform_grid(what: &'static str, start: f64, stop: f64, step: GridStep) -> Result<Vec<f64>> {
    if !start.is_finite() || !stop.is_finite() || stop < start {
        return invalid(
            what,
            "start",
            format!("need finite bounds with min <= max, got {start} and {stop}"),
        );
    }
    match step {
        GridStep::Step(d) => {
            if !(d > 0.0) || !d.is_finite() {
                return invalid(
                    what,
                    "dz",
                    format!("the grid step must be positive, got {d}"),
                );
            }
            arange(start, stop + d, d)
        }
        GridStep::Num(n) => Ok(linspace(start, stop, n + 1, true)),
    }
}

/// Redshift grid with uniform spacing in redshift, from `zmin` to `zmax`
/// with step `dz` (NumPy's `arange(zmin, zmax + dz, dz)`) or in `num`
/// steps (`num + 1` points).
///
/// GLASS: `redshift_grid(zmin, zmax, *, dz=None, num=None)`; here
/// `redshift_grid(zmin, zmax, GridStep::Step(dz))` or `GridStep::Num(num)`.
///
/// # Errors
///
/// [`Error::Value`] for non-finite bounds, `zmax < zmin`, a non-positive
/// step, or a step that gives too many points.
pub fn redshift_grid(zmin: f64, zmax: f64, step: GridStep) -> Result<Vec<f64>> {
    uniform_grid("redshift_grid", zmin, zmax, step)
}

/// Redshift grid with uniform spacing in comoving distance: a uniform grid
/// from `d_c(zmin)` to `d_c(zmax)` with step `dx` (Mpc) or in `num` steps,
/// mapped back to redshift by `inv_comoving_distance`.
///
/// GLASS: `distance_grid(cosmo, zmin, zmax, *, dx=None, num=None)`.
///
/// # Errors
///
/// [`Error::Value`] as [`redshift_grid`], and for a negative `zmin`.
pub fn distance_grid<C: Cosmology + ?Sized>(
    cosmo: &C,
    zmin: f64,
    zmax: f64,
    step: GridStep,
) -> Result<Vec<f64>> {
    if !(zmin >= 0.0) {
        return invalid(
            "distance_grid",
            "zmin",
            format!("zmin must be non-negative, got {zmin}"),
        );
    }
    let xmin = cosmo.comoving_distance(zmin);
    let xmax = cosmo.comoving_distance(zmax);
    let x = uniform_grid("distance_grid", xmin, xmax, step)?;
    x.into_iter()
        .map(|xi| cosmo.inv_comoving_distance(xi))
        .collect()
}

/// `np.interp(z, xa, fa, left=0, right=0)` on `z`'s backend: linear
/// interpolation of the window `(xa, fa)` (uploaded, it is small), zero
/// outside `[xa[0], xa[-1]]`.
fn interp_window(z: &Array, xa: &[f64], fa: &[f64]) -> Result<Array> {
    let xp = z.backend();
    let m = xa.len();
    if m < 2 || fa.len() != m {
        return invalid(
            "distribute",
            "shells",
            format!(
                "a window needs at least two nodes and one value per node ({m} nodes, {} values)",
                fa.len()
            ),
        );
    }
    let (xb, fb) = (xp.asarray1(xa)?, xp.asarray1(fa)?);
    // node index j with xa[j-1] <= z < xa[j], kept inside 1..m-1
    let j = xb
        .searchsorted(z, true)?
        .maximum(1i64)?
        .minimum((m - 1) as i64)?;
    let i = (&j - 1i64).ok()?;
    let (x0, x1) = (xb.take(&i, None)?, xb.take(&j, None)?);
    let (f0, f1) = (fb.take(&i, None)?, fb.take(&j, None)?);
    let dx = (&x1 - &x0).ok()?;
    let t = ((z - &x0).ok()? / xp.where_(&dx.equal(0.0)?, 1.0, &dx)?).ok()?;
    let w = (&f0 + (&t * (&f1 - &f0).ok()?).ok()?).ok()?;
    let outside = z.less(xa[0])?.logical_or(&z.greater(xa[m - 1])?)?;
    xp.where_(&outside, 0.0, &w)
}

/// Assigns each redshift to a shell at random, with probability
/// proportional to the shells' window functions at that redshift (GLASS
/// `distribute`): index `-1` where every window is zero.
///
/// Runs on the redshifts' backend: the windows are interpolated there, and
/// the choice is one uniform draw `u` per redshift from `rng` (the
/// reference streams), the shell being the first whose cumulative weight
/// exceeds `u` times the total. GLASS draws `multinomial(1, weights)`
/// instead: the same distribution, not the same random numbers.
///
/// # Errors
///
/// [`Error::Value`] for no shells or a window of fewer than two nodes; the errors of the draws
/// and of the ops on the redshifts' backend.
pub fn distribute(redshifts: &Array, shells: &[RadialWindow], rng: &mut Rng) -> Result<Array> {
    let xp = redshifts.backend();
    if shells.is_empty() {
        return invalid("distribute", "shells", "no shells given");
    }
    let shape = redshifts.shape().to_vec();
    let n = redshifts.size();
    if n == 0 {
        return xp.zeros(&shape, DType::Int64);
    }
    let z = redshifts.astype(DType::Float64)?.reshape(&[-1])?;
    let cols: Vec<Array> = shells
        .iter()
        .map(|w| interp_window(&z, &w.za, &w.wa))
        .collect::<Result<_>>()?;
    let refs: Vec<&Array> = cols.iter().collect();
    let cum = xp.stack(&refs, 1)?.cumulative_sum(Some(1), false)?;
    let last = xp.asarray1(&[shells.len() as i64 - 1])?;
    let total = cum.take(&last, Some(1))?; // (n, 1)
    let u = (rng.uniform(xp, &[n, 1], 0.0, 1.0)? * &total).ok()?;
    // u < total, except where u rounds up to it: clip to the last shell
    let index = cum
        .less_equal(&u)?
        .astype(DType::Int64)?
        .sum(Some(&[1]), false)?
        .minimum(shells.len() as i64 - 1)?;
    let outside = total.reshape(&[-1])?.equal(0.0)?;
    let index = xp.where_(&outside, -1i64, &index)?;
    let shape: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    index.reshape(&shape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    fn z_grid() -> Vec<f64> {
        (0..=300).map(|i| i as f64 * 0.01).collect()
    }

    #[test]
    fn windows_integrate_as_documented() {
        // tophat windows have unit height: integral = bin width
        let ws = tophat_windows(
            &[0.0, 0.3, 1.0],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap();
        for (w, width) in ws.iter().zip([0.3, 0.7]) {
            assert!((trapezoid_unchecked(&w.wa, &w.za) - width).abs() < 1e-12);
        }
        // linear windows of unit peak: area = (zmax - zmin) / 2, peak at the node
        let ws = linear_windows(
            &[0.0, 0.2, 0.5, 0.9],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap();
        for (w, t) in ws.iter().zip([[0.0, 0.2, 0.5], [0.2, 0.5, 0.9]]) {
            assert!((trapezoid_unchecked(&w.wa, &w.za) - (t[2] - t[0]) / 2.0).abs() < 1e-12);
            assert_eq!(w.zeff, t[1]);
        }
        // linear (and cubic) windows sum to one between the outer nodes' neighbours
        let ws = cubic_windows(
            &[0.0, 0.2, 0.5, 0.9],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap();
        let z = [0.3, 0.4, 0.45];
        let s: Vec<f64> = z
            .iter()
            .map(|&zi| {
                ws.iter()
                    .map(|w| {
                        interp(
                            &[zi],
                            &w.za,
                            &w.wa,
                            InterpOptions {
                                left: Some(0.0),
                                right: Some(0.0),
                                ..Default::default()
                            },
                        )
                        .unwrap()[0]
                    })
                    .sum()
            })
            .collect();
        for v in s {
            assert!((v - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn partition_conserves_integral() {
        let z = z_grid();
        let nz: Vec<f64> = z
            .iter()
            .map(|&v| v * v * (-(v / 0.7f64).powf(1.5)).exp())
            .collect();
        let total = trapezoid_unchecked(&nz, &z);
        let shells = tophat_windows(
            &[0.0, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap();
        let f = Array1::from(nz).into_dyn();
        for m in [
            PartitionMethod::Nnls,
            PartitionMethod::Lstsq,
            PartitionMethod::Restrict,
        ] {
            let x = partition(&z, f.view(), &shells, m).unwrap();
            let sum: f64 = x.iter().sum();
            assert!(
                (sum - total).abs() < 1e-3 * total,
                "{m:?}: {sum} vs {total}"
            );
            if m == PartitionMethod::Nnls {
                assert!(x.iter().all(|&v| v >= 0.0));
            }
        }
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(tophat_windows(
            &[0.0],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            }
        )
        .is_err());
        let e = tophat_windows(
            &[0.0, 0.5, 0.4],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("not strictly increasing"), "{e}");
        assert!(tophat_windows(
            &[0.0, 1.0],
            WindowOptions {
                dz: 0.0,
                ..Default::default()
            }
        )
        .is_err());
        assert!(linear_windows(
            &[0.0, 1.0],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            }
        )
        .is_err());
        assert!(cubic_windows(
            &[0.0, f64::NAN, 1.0],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            }
        )
        .is_err());
        assert!("foo".parse::<PartitionMethod>().is_err());
        assert_eq!(
            "lstsq".parse::<PartitionMethod>().unwrap(),
            PartitionMethod::Lstsq
        );
        let shells = tophat_windows(
            &[0.0, 1.0],
            WindowOptions {
                dz: 0.1,
                ..Default::default()
            },
        )
        .unwrap();
        let f = Array1::from(vec![1.0, 2.0]).into_dyn();
        let e = partition(&[1.0, 0.0], f.view(), &shells, PartitionMethod::Nnls).unwrap_err();
        assert!(
            e.to_string().contains("not monotonically increasing"),
            "{e}"
        );
        assert!(partition(&[0.0, 1.0, 2.0], f.view(), &shells, PartitionMethod::Nnls).is_err());
        assert!(partition(&[0.0, 1.0], f.view(), &[], PartitionMethod::Nnls).is_err());
        assert!(restrict(&[0.0, 1.0, 2.0], f.view(), &shells[0]).is_err());
        let w = Array1::from(vec![1.0, 2.0]).into_dyn();
        assert!(combine(&[0.5], w.view(), &shells).is_err());
        assert!(redshift_grid(1.0, 0.0, GridStep::Step(0.1)).is_err());
        assert!(redshift_grid(0.0, 1.0, GridStep::Step(-0.1)).is_err());
        assert!(RadialWindow::new(vec![0.0, 1.0], vec![1.0], None).is_err());
        assert!(RadialWindow::new(vec![1.0, 0.0], vec![1.0, 1.0], None).is_err());
        assert!(RadialWindow::new(vec![], vec![], None)
            .unwrap()
            .zeff
            .is_nan());
    }

    #[test]
    fn combine_inverts_restrict_partition_for_tophats() {
        let shells = tophat_windows(
            &[0.0, 0.5, 1.0],
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap();
        let x = Array1::from(vec![2.0, 3.0]).into_dyn();
        let f = combine(&[0.25, 0.75, 1.5], x.view(), &shells).unwrap();
        assert!((f[[0]] - 4.0).abs() < 1e-12 && (f[[1]] - 6.0).abs() < 1e-12 && f[[2]] == 0.0);
    }
}
