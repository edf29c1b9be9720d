//! Random fields, the spectra side (GLASS `glass.fields`): the bookkeeping
//! of angular power spectra in GLASS order, their covariance, and the
//! Gaussian spectra behind transformed (lognormal, ...) fields.
//!
//! GLASS order: for fields `0..n`, the spectra are listed field by field,
//! each with its cross spectra to the earlier fields, nearest first:
//!
//! ```text
//! C_00,  C_11, C_10,  C_22, C_21, C_20,  ...
//! ```
//!
//! so entry `k = i(i+1)/2 + i - j` holds `C_ij` (`j <= i`). A spectrum may
//! be empty (length 0): the fields are then uncorrelated. Spectra are host
//! vectors (`Vec<f64>`, `l = 0..len-1`): their size is lmax, not pixels.
//!
//! ```
//! use glass::fields::{getcl, enumerate_spectra};
//! // C_00, C_11, C_10
//! let cls = vec![vec![1.0, 0.5], vec![2.0], vec![0.1, 0.2, 0.3]];
//! assert_eq!(getcl(&cls, 0, 1, None).unwrap(), vec![0.1, 0.2, 0.3]);
//! assert_eq!(getcl(&cls, 1, 1, Some(2)).unwrap(), vec![2.0, 0.0, 0.0]);
//! let ij: Vec<_> = enumerate_spectra(&cls).map(|(i, j, _)| (i, j)).collect();
//! assert_eq!(ij, vec![(0, 0), (1, 1), (1, 0)]);
//! ```

use ndarray::{s, Array2, Array3, ArrayD, ArrayViewD, Axis, IxDyn};
use rayon::prelude::*;

use crate::algorithm::NearcorrOptions;
use crate::algorithm::{cov_clip, cov_nearest};
use crate::error::{Error, Result};
use crate::grf::{self, Lognormal, Normal, SolveOptions, Transformation};
use crate::shells::RadialWindow;

mod generate;
#[allow(deprecated)]
pub use generate::{
    generate, generate_gaussian, generate_lognormal, lognormal_gls, Generate, GenerateOptions,
};

fn invalid<T>(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(Error::value(func, arg, reason))
}

/// `n` with `n(n+1)/2 = t`, or `None`.
fn inv_triangle_number(t: usize) -> Option<usize> {
    let mut n = ((2 * t) as f64).sqrt().floor() as usize;
    // guard the floating-point square root on either side
    while n * (n + 1) / 2 > t {
        n -= 1;
    }
    while (n + 1) * (n + 2) / 2 <= t {
        n += 1;
    }
    (n * (n + 1) / 2 == t).then_some(n)
}

/// The number of fields for `nspectra` spectra in GLASS order (`nspectra`
/// must be a triangle number `n(n+1)/2`).
///
/// # Errors
///
/// [`Error::Value`] when `nspectra` is not a triangle number `n(n+1)/2`.
pub fn nfields_from_nspectra(nspectra: usize) -> Result<usize> {
    inv_triangle_number(nspectra).ok_or_else(|| {
        Error::value(
            "nfields_from_nspectra",
            "nspectra",
            format!("invalid number of spectra: {nspectra} (not a triangle number n(n+1)/2)"),
        )
    })
}

/// The spectrum `C_ij` (= `C_ji`) from spectra in GLASS order; with `lmax`,
/// cut or zero-padded to `lmax + 1` entries.
///
/// # Errors
///
/// [`Error::Value`] when the spectra have no entry for `(i, j)`.
pub fn getcl(cls: &[Vec<f64>], i: usize, j: usize, lmax: Option<usize>) -> Result<Vec<f64>> {
    let (i, j) = if j > i { (j, i) } else { (i, j) };
    let k = i * (i + 1) / 2 + i - j;
    let Some(cl) = cls.get(k) else {
        return invalid(
            "getcl",
            "cls",
            format!(
                "no spectrum for fields ({i}, {j}) among {} spectra",
                cls.len()
            ),
        );
    };
    let mut cl = cl.clone();
    if let Some(lmax) = lmax {
        cl.resize(lmax + 1, 0.0);
    }
    Ok(cl)
}

/// Iterates over spectra in GLASS order as `(i, j, cl)`.
pub fn enumerate_spectra<T>(entries: &[T]) -> impl Iterator<Item = (usize, usize, &T)> {
    entries.iter().enumerate().map(|(k, cl)| {
        let i = ((2.0 * k as f64 + 0.25).sqrt() - 0.5) as usize;
        let j = i * (i + 3) / 2 - k;
        (i, j, cl)
    })
}

/// The field indices `[i, j]` of the spectra of `n` fields in GLASS order.
pub fn spectra_indices(n: usize) -> Vec<[usize; 2]> {
    (0..n)
        .flat_map(|i| (0..=i).map(move |j| [i, i - j]))
        .collect()
}

/// The keyword arguments of [`effective_cls`]; `Default` is GLASS's.
#[derive(Clone, Debug, Default)]
pub struct EffectiveClsOptions<'a> {
    /// The weights of the second factor (default: `weights1`).
    pub weights2: Option<ArrayViewD<'a, f64>>,
    /// The highest multipole (default: that of the longest spectrum).
    pub lmax: Option<usize>,
}

/// The spectra of the weighted sums of fields.
///
/// `weights1` has shape `(n, *s1)` for `n` fields; the result has shape
/// `(*s1, *s2, lmax + 1)` with `C[j1, j2] = Σ_{i1, i2} w1[i1, j1] w2[i2, j2]
/// C_{i1 i2}`. Without `weights2`, `weights1` is used on both sides and
/// the result is symmetric. `lmax` defaults to the longest spectrum.
///
/// GLASS: `effective_cls(cls, weights1, weights2=None, *, lmax=None)`.
///
/// # Errors
///
/// [`Error::Value`] for a number of spectra that is not a triangle
/// number, weights whose first axis is not the number of fields, or all
/// spectra empty without `lmax`.
pub fn effective_cls(
    cls: &[Vec<f64>],
    weights1: ArrayViewD<'_, f64>,
    options: EffectiveClsOptions<'_>,
) -> Result<ArrayD<f64>> {
    let EffectiveClsOptions { weights2, lmax } = options;
    let n = nfields_from_nspectra(cls.len())?;
    let lmax = match lmax {
        Some(l) => l,
        None => match cls.iter().map(Vec::len).max() {
            Some(m) if m > 0 => m - 1,
            _ => {
                return invalid(
                    "effective_cls",
                    "lmax",
                    "all spectra are empty and no lmax given",
                )
            }
        },
    };
    let same = weights2.is_none();
    let w2v = weights2.unwrap_or_else(|| weights1.view());
    for (k, w) in [&weights1, &w2v].into_iter().enumerate() {
        if w.ndim() == 0 || w.shape()[0] != n {
            return invalid(
                "effective_cls",
                "weights1",
                format!(
                    "shape mismatch between fields and weights{} \
                 ({n} fields, weights of shape {:?})",
                    k + 1,
                    w.shape()
                ),
            );
        }
    }
    let (s1, s2) = (&weights1.shape()[1..], &w2v.shape()[1..]);
    let (n1, n2): (usize, usize) = (s1.iter().product(), s2.iter().product());
    let w1 = weights1
        .to_shape((n, n1))
        .map_err(|e| Error::internal("effective_cls", e))?;
    let w2 = w2v
        .to_shape((n, n2))
        .map_err(|e| Error::internal("effective_cls", e))?;
    let all: Vec<Vec<Vec<f64>>> = (0..n)
        .map(|i1| {
            (0..n)
                .map(|i2| getcl(cls, i1, i2, Some(lmax)))
                .collect::<Result<_>>()
        })
        .collect::<Result<_>>()?;
    let mut out = Array3::<f64>::zeros((n1, n2, lmax + 1));
    for j1 in 0..n1 {
        for j2 in 0..n2 {
            if same && j2 < j1 {
                continue;
            }
            // summed in GLASS's order: i1 outer, i2 inner
            let mut cl = vec![0.0; lmax + 1];
            for i1 in 0..n {
                for i2 in 0..n {
                    let w = w1[[i1, j1]] * w2[[i2, j2]];
                    for (c, v) in cl.iter_mut().zip(&all[i1][i2]) {
                        *c += w * v;
                    }
                }
            }
            out.slice_mut(s![j1, j2, ..]).assign(&ndarray::aview1(&cl));
            if same && j1 != j2 {
                out.slice_mut(s![j2, j1, ..]).assign(&ndarray::aview1(&cl));
            }
        }
    }
    let shape: Vec<usize> = s1.iter().chain(s2).copied().chain([lmax + 1]).collect();
    out.into_shape_with_order(IxDyn(&shape))
        .map_err(|e| Error::internal("effective_cls", e))
}

/// The keyword arguments of [`discretized_cls`]; `Default` is GLASS's
/// (nothing applied).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiscretizedClsOptions {
    /// Cut every spectrum at this multipole.
    pub lmax: Option<usize>,
    /// Keep only the cross spectra of the `ncorr` nearest fields.
    pub ncorr: Option<usize>,
    /// Multiply by the squared HEALPix pixel window of this resolution.
    pub nside: Option<i64>,
}

/// Spectra for a discretised (band-limited, correlation-limited) field:
/// with `ncorr`, only the cross spectra of the `ncorr` nearest fields are
/// kept (the others become empty); with `lmax`, spectra are cut at `lmax`;
/// with `nside`, they are multiplied by the squared HEALPix pixel window
/// `W_l²` (healpy's `pixwin(nside, lmax=lmax)`, so at most `3 nside`
/// entries without `lmax`, `4 nside + 1` at most).
///
/// GLASS: `discretized_cls(cls, *, lmax=None, ncorr=None, nside=None)`;
/// here `discretized_cls(&cls, DiscretizedClsOptions { lmax: Some(l),
/// ncorr: Some(3), nside: Some(n) })`.
///
/// # Errors
///
/// [`Error::Value`] for an `nside` without a pixel window table or a
/// number of spectra that is not a triangle number (with `ncorr`).
pub fn discretized_cls(cls: &[Vec<f64>], options: DiscretizedClsOptions) -> Result<Vec<Vec<f64>>> {
    let DiscretizedClsOptions { lmax, ncorr, nside } = options;
    if cls.is_empty() {
        return Ok(Vec::new());
    }
    let pw = match nside {
        Some(nside) => Some(
            glass_healpix::pixwin::pixwin(nside, lmax, false)
                .map_err(|e| Error::value("discretized_cls", "nside", e.to_string()))?
                .0,
        ),
        None => None,
    };
    let mut out: Vec<Vec<f64>> = match ncorr {
        Some(ncorr) => {
            let n = nfields_from_nspectra(cls.len())?;
            (0..n)
                .flat_map(|i| (0..=i).map(move |j| (i, j)))
                .map(|(i, j)| {
                    if j <= ncorr {
                        cls[i * (i + 1) / 2 + j].clone()
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        }
        None => cls.to_vec(),
    };
    for cl in out.iter_mut().filter(|c| !c.is_empty()) {
        if let Some(lmax) = lmax {
            cl.truncate(lmax + 1);
        }
        if let Some(pw) = &pw {
            cl.truncate(pw.len());
            for (c, w) in cl.iter_mut().zip(pw) {
                *c *= w * w;
            }
        }
    }
    Ok(out)
}

/// The covariance rows of the alm of `nf` fields, each correlated with at
/// most `nc` previous fields (GLASS `cls2cov`): for field `j`, an
/// `(nl, nc + 1)` matrix whose column `i` is `C_{j, j-i} / 2` (zero beyond
/// the spectrum's length). The auto spectrum must not be negative.
///
/// # Errors
///
/// [`Error::Value`] for too few spectra, a negative auto-spectrum entry, or a spectrum longer
/// than `nl`.
pub fn cls2cov(cls: &[Vec<f64>], nl: usize, nf: usize, nc: usize) -> Result<Vec<Array2<f64>>> {
    let mut covs = Vec::with_capacity(nf);
    let mut end = 0;
    for j in 0..nf {
        let begin = end;
        end += j + 1;
        let Some(row) = cls.get(begin..end) else {
            return invalid(
                "cls2cov",
                "cls",
                format!("{} spectra are too few for {nf} fields", cls.len()),
            );
        };
        let mut cov = Array2::<f64>::zeros((nl, nc + 1));
        for (i, cl) in row.iter().take(nc + 1).enumerate() {
            if i == 0 && cl.iter().any(|v| *v < 0.0) {
                return invalid(
                    "cls2cov",
                    "cls",
                    format!("negative values in cl (field {j})"),
                );
            }
            if cl.len() > nl {
                return invalid(
                    "cls2cov",
                    "cls",
                    format!(
                        "spectrum ({j}, {}) has {} entries, more than nl = {nl}",
                        j - i,
                        cl.len()
                    ),
                );
            }
            for (l, v) in cl.iter().enumerate() {
                cov[[l, i]] = v / 2.0;
            }
        }
        covs.push(cov);
    }
    Ok(covs)
}

/// Iterative normalisation of covariance rows (GLASS `iternorm`), the
/// recursion that draws correlated fields one at a time.
///
/// Row `i` has shape `(*n, k + 1)`: the covariance of field `i` with
/// itself (entry 0) and with the `k` previous fields (entry `d`: field
/// `i - d`). Returns, per row, `(*n, k + 1)` vectors `[a, s]`: with
/// independent standard normal variables `z_0, z_1, ...`, field `i` is
/// `Σ_{d<k} a_d z_{i-k+d} + s z_i` (a moving average over the last `k + 1`
/// variables, which is how GLASS draws correlated fields one at a time). A
/// negative `s²` (the covariance is not positive definite) is an error.
///
/// # Errors
///
/// [`Error::Value`] for an empty covariance or rows of inconsistent shapes;
/// [`Error::NotPositiveDefinite`] with the row where the conditional variance is negative.
pub fn iternorm(cov: &[ArrayViewD<'_, f64>]) -> Result<Vec<ArrayD<f64>>> {
    let Some(first) = cov.first() else {
        return Ok(Vec::new());
    };
    if first.ndim() == 0 || first.shape()[first.ndim() - 1] == 0 {
        return invalid("iternorm", "cov", "empty covariance matrix");
    }
    let lead_shape = first.shape()[..first.ndim() - 1].to_vec();
    let k = first.shape()[first.ndim() - 1] - 1;
    let nb: usize = lead_shape.iter().product();
    // per batch element: m (k x k), a (k), s
    let mut m = vec![0.0; nb * k * k];
    let mut a = vec![0.0; nb * k];
    let mut s = vec![1.0; nb];
    let mut out = Vec::with_capacity(cov.len());
    for (i, row) in cov.iter().enumerate() {
        if row.ndim() == 0 || row.shape()[row.ndim() - 1] != k + 1 {
            return invalid(
                "iternorm",
                "cov",
                format!(
                    "row {i} has shape {:?}, expected {:?} + ({})",
                    row.shape(),
                    lead_shape,
                    k + 1
                ),
            );
        }
        if row.shape()[..row.ndim() - 1] != lead_shape[..] {
            return invalid("iternorm", "cov", "shape mismatch in covariance");
        }
        let row = row
            .to_shape((nb, k + 1))
            .map_err(|e| Error::internal("iternorm", e))?;
        let mut w = ndarray::Array2::<f64>::zeros((nb, k + 1));
        let mut negative = false;
        for b in 0..nb {
            let mb = &mut m[b * k * k..(b + 1) * k * k];
            let ab = &mut a[b * k..(b + 1) * k];
            if i > 0 && k > 0 {
                // m <- the last k rows and columns of
                //   [[m, 0], [-a^T m / s, u / s]],  u = (s > 0)
                let atm: Vec<f64> = (0..k)
                    .map(|c| (0..k).map(|r| ab[r] * mb[r * k + c]).sum())
                    .collect();
                let (u, sd) = if s[b] > 0.0 { (1.0, s[b]) } else { (0.0, 1.0) };
                let mut next = vec![0.0; k * k];
                for r in 0..k {
                    for c in 0..k {
                        // row r of the new matrix is row r + 1 of the big one
                        let (rr, cc) = (r + 1, c + 1);
                        next[r * k + c] = if rr < k {
                            if cc < k {
                                mb[rr * k + cc]
                            } else {
                                0.0
                            }
                        } else if cc < k {
                            -atm[cc] / sd
                        } else {
                            u / sd
                        };
                    }
                }
                mb.copy_from_slice(&next);
            }
            // a = m c with c = row[k], row[k-1], ..., row[1]
            for r in 0..k {
                ab[r] = (0..k).map(|c| mb[r * k + c] * row[[b, k - c]]).sum();
            }
            let s2 = row[[b, 0]] - ab.iter().map(|v| v * v).sum::<f64>();
            if s2 < 0.0 {
                negative = true;
            }
            s[b] = s2.sqrt();
            for r in 0..k {
                w[[b, r]] = ab[r];
            }
            w[[b, k]] = s[b];
        }
        if negative {
            return Err(Error::NotPositiveDefinite {
                func: "iternorm",
                what: "covariance matrix",
                row: i,
                at: None,
            });
        }
        let mut shape = lead_shape.clone();
        shape.push(k + 1);
        out.push(
            w.into_shape_with_order(IxDyn(&shape))
                .map_err(|e| Error::internal("iternorm", e))?,
        );
    }
    Ok(out)
}

/// The `(lmax + 1, n, n)` stack of covariance matrices `C_ij(l)` of `n`
/// fields from their spectra (zero where a spectrum is short or empty);
/// `lmax` defaults to the longest spectrum.
///
/// # Errors
///
/// [`Error::Value`] when the number of spectra is not a triangle number.
pub fn cov_from_spectra(spectra: &[Vec<f64>], lmax: Option<usize>) -> Result<Array3<f64>> {
    let n = nfields_from_nspectra(spectra.len())?;
    let k = match lmax {
        Some(l) => l + 1,
        None => spectra.iter().map(Vec::len).max().unwrap_or(0),
    };
    let mut cov = Array3::<f64>::zeros((k, n, n));
    for (i, j, cl) in enumerate_spectra(spectra) {
        for (l, v) in cl.iter().take(k).enumerate() {
            cov[[l, i, j]] = *v;
            cov[[l, j, i]] = *v;
        }
    }
    Ok(cov)
}

/// Whether the spectra form positive semi-definite covariance matrices at
/// every `l` (all eigenvalues `>= 0`).
///
/// # Errors
///
/// As [`cov_from_spectra`]; [`Error::NotConverged`] when an eigen-decomposition fails.
pub fn check_posdef_spectra(spectra: &[Vec<f64>]) -> Result<bool> {
    let cov = cov_from_spectra(spectra, None)?;
    for c in cov.outer_iter() {
        let n = c.nrows();
        let m = faer::Mat::from_fn(n, n, |i, j| c[[i, j]]);
        let ev =
            m.self_adjoint_eigenvalues(faer::Side::Lower)
                .map_err(|e| Error::NotConverged {
                    func: "check_posdef_spectra",
                    reason: format!("the eigenvalue iteration did not converge ({e:?})"),
                })?;
        if ev.iter().any(|v| !(*v >= 0.0)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// How [`regularized_spectra`] makes the covariance positive semi-definite
/// (GLASS's `method` and its keyword arguments).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Regularization {
    /// `"nearest"`: the nearest covariance matrix with the same diagonal
    /// ([`crate::algorithm::cov_nearest`]).
    Nearest {
        /// Tolerance (`tol`); `None`: the algorithm's default.
        tol: Option<f64>,
        /// Maximum number of iterations (`niter`, GLASS default 100).
        niter: usize,
    },
    /// `"clip"`: negative eigenvalues clipped ([`crate::algorithm::cov_clip`]).
    Clip {
        /// Relative tolerance (`rtol`); `None`: the algorithm's default.
        rtol: Option<f64>,
    },
}

impl Default for Regularization {
    fn default() -> Self {
        Regularization::Nearest {
            tol: None,
            niter: 100,
        }
    }
}

impl std::str::FromStr for Regularization {
    type Err = Error;
    /// `"nearest"` or `"clip"` with default options.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "nearest" => Ok(Regularization::default()),
            "clip" => Ok(Regularization::Clip { rtol: None }),
            _ => invalid(
                "regularized_spectra",
                "method",
                format!("unknown method '{s}' (nearest or clip)"),
            ),
        }
    }
}

/// Spectra regularised so that their covariance is positive semi-definite
/// at every `l`, in GLASS order.
///
/// # Errors
///
/// As [`cov_from_spectra`], and the errors of the method ([`cov_nearest`], [`cov_clip`]).
pub fn regularized_spectra(
    spectra: &[Vec<f64>],
    lmax: Option<usize>,
    method: Regularization,
) -> Result<Vec<Vec<f64>>> {
    let cov = cov_from_spectra(spectra, lmax)?.into_dyn();
    let cov = match method {
        Regularization::Nearest { tol, niter } => {
            cov_nearest(cov.view(), NearcorrOptions { tol, niter })?.value
        }
        Regularization::Clip { rtol } => cov_clip(cov.view(), rtol)?,
    };
    let n = cov.shape()[cov.ndim() - 1];
    Ok(spectra_indices(n)
        .into_iter()
        .map(|[i, j]| {
            cov.index_axis(Axis(2), j)
                .index_axis(Axis(1), i)
                .iter()
                .copied()
                .collect()
        })
        .collect())
}

/// Reorders spectra from GLASS order to healpy's (by diagonal: all auto
/// spectra, then all first off-diagonals, ...).
///
/// # Errors
///
/// [`Error::Value`] when the number of spectra is not a triangle number.
pub fn glass_to_healpix_spectra<T: Clone>(spectra: &[T]) -> Result<Vec<T>> {
    let n = nfields_from_nspectra(spectra.len())?;
    let pos = |i: usize, j: usize| i * (i + 1) / 2 + i - j;
    Ok((0..n)
        .flat_map(|k| (0..n - k).map(move |i| (i + k, i)))
        .map(|(i, j)| spectra[pos(i, j)].clone())
        .collect())
}

/// Reorders spectra from healpy's order to GLASS order; the inverse of
/// [`glass_to_healpix_spectra`].
///
/// # Errors
///
/// [`Error::Value`] when the number of spectra is not a triangle number.
pub fn healpix_to_glass_spectra<T: Clone>(spectra: &[T]) -> Result<Vec<T>> {
    let n = nfields_from_nspectra(spectra.len())?;
    // healpy lists diagonal k = i - j after the n + (n-1) + ... + (n-k+1)
    // entries of the earlier diagonals, then by j
    let pos = |i: usize, j: usize| {
        let k = i - j;
        k * n - k * (k.saturating_sub(1)) / 2 + j
    };
    Ok(spectra_indices(n)
        .into_iter()
        .map(|[i, j]| spectra[pos(i, j)].clone())
        .collect())
}

/// The lognormal shift of the matter field at redshift `z` from Hilbert,
/// Hartlap & Schneider (2011), fitted to the Millennium simulation:
/// `λ(z) = z (0.008 + z (0.029 + z (-0.0079 + 0.00065 z)))`.
pub fn lognormal_shift_hilbert2011(z: f64) -> f64 {
    z * (0.008 + z * (0.029 + z * (-0.0079 + z * 0.00065)))
}

/// Gaussian fields for the given shells (one [`Normal`] each).
pub fn gaussian_fields(shells: &[RadialWindow]) -> Vec<Box<dyn Transformation>> {
    shells
        .iter()
        .map(|_| Box::new(Normal) as Box<dyn Transformation>)
        .collect()
}

/// Lognormal fields for the given shells, with the shift `shift(zeff)` of
/// each shell (`None`: shift 1).
pub fn lognormal_fields(
    shells: &[RadialWindow],
    shift: Option<&dyn Fn(f64) -> f64>,
) -> Vec<Box<dyn Transformation>> {
    shells
        .iter()
        .map(|w| {
            let lamda = shift.map_or(1.0, |f| f(w.zeff));
            Box::new(Lognormal::new(lamda)) as Box<dyn Transformation>
        })
        .collect()
}

fn check_fields(n: usize, nspectra: usize) -> Result<()> {
    if nspectra != n * (n + 1) / 2 {
        return invalid("fields", "cls", format!(
            "mismatch between number of fields and spectra ({n} fields need {} spectra, got {nspectra})",
            n * (n + 1) / 2
        ));
    }
    Ok(())
}

/// The Gaussian spectra of band-limited transformed fields
/// ([`grf::compute`] for every pair, in GLASS order; empty spectra stay
/// empty).
///
/// # Errors
///
/// [`Error::Value`] when the numbers of fields and spectra do not match or a pair of
/// transformations has no correlation transform.
pub fn compute_gaussian_spectra(
    fields: &[Box<dyn Transformation>],
    spectra: &[Vec<f64>],
) -> Result<Vec<Vec<f64>>> {
    check_fields(fields.len(), spectra.len())?;
    enumerate_spectra(spectra)
        .map(|(i, j, cl)| {
            if cl.is_empty() {
                Ok(Vec::new())
            } else {
                grf::compute(cl, fields[i].as_ref(), Some(fields[j].as_ref()))
            }
        })
        .collect()
}

/// The result of [`solve_gaussian_spectra`].
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianSpectra {
    /// The Gaussian spectra, in GLASS order.
    pub gls: Vec<Vec<f64>>,
    /// The field pairs `(i, j)` whose solver did not converge (GLASS warns
    /// "Gaussian spectrum for fields (i, j) did not converge").
    pub not_converged: Vec<(usize, usize)>,
}

/// The Gaussian spectra of transformed fields, solved for with
/// [`grf::solve`] for every pair (padding `2 len(cl)`, the monopole fixed
/// to zero where `cl[0] == 0`), in GLASS order. Pairs run in parallel on
/// rayon's pool; the result does not depend on the thread count.
///
/// # Errors
///
/// As [`compute_gaussian_spectra`]; [`Error::InFields`] around the solver's error for a pair
/// (e.g. [`Error::NotConverged`]). A solver that stops at its iteration limit is not an error:
/// it is listed in [`GaussianSpectra::not_converged`].
pub fn solve_gaussian_spectra(
    fields: &[Box<dyn Transformation>],
    spectra: &[Vec<f64>],
) -> Result<GaussianSpectra> {
    check_fields(fields.len(), spectra.len())?;
    let items: Vec<(usize, usize, &Vec<f64>)> = enumerate_spectra(spectra).collect();
    let solved: Vec<(Vec<f64>, bool)> = items
        .par_iter()
        .map(|&(i, j, cl)| {
            if cl.is_empty() {
                return Ok((Vec::new(), true));
            }
            let opts = SolveOptions {
                pad: 2 * cl.len(),
                monopole: (cl[0] == 0.0).then_some(0.0),
                ..Default::default()
            };
            let s = grf::solve(cl, fields[i].as_ref(), Some(fields[j].as_ref()), &opts)
                .map_err(|e| e.in_fields(i, j))?;
            Ok((s.gl, s.info != 0))
        })
        .collect::<Result<_>>()?;
    let mut out = GaussianSpectra {
        gls: Vec::with_capacity(solved.len()),
        not_converged: Vec::new(),
    };
    for ((gl, ok), (i, j, _)) in solved.into_iter().zip(items) {
        if !ok {
            out.not_converged.push((i, j));
        }
        out.gls.push(gl);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangle_numbers() {
        for n in 0..200 {
            assert_eq!(nfields_from_nspectra(n * (n + 1) / 2).unwrap(), n);
        }
        let e = nfields_from_nspectra(4).unwrap_err();
        assert!(
            e.to_string().contains("invalid number of spectra: 4"),
            "{e}"
        );
    }

    #[test]
    fn orders_round_trip() {
        let s: Vec<usize> = (0..10).collect();
        let h = glass_to_healpix_spectra(&s).unwrap();
        // 4 fields: autos 00 11 22 33 at GLASS positions 0 1 3 6
        assert_eq!(&h[..4], &[0, 1, 3, 6]);
        assert_eq!(healpix_to_glass_spectra(&h).unwrap(), s);
        for (k, [i, j]) in spectra_indices(4).into_iter().enumerate() {
            let (ei, ej, _) = enumerate_spectra(&s).nth(k).unwrap();
            assert_eq!((i, j), (ei, ej));
        }
    }

    #[test]
    fn iternorm_reproduces_the_covariance() {
        // three fields, full correlation (k = 2): the variables
        // x_i = Σ_d a_d z_{i-k+d} + s z_i reproduce cov(x_i, x_{i-d})
        let c = [[2.0, 0.0, 0.0], [1.5, 0.6, 0.0], [1.2, 0.5, 0.3]];
        let rows: Vec<ArrayD<f64>> = c.iter().map(|r| ndarray::arr1(r).into_dyn()).collect();
        let views: Vec<_> = rows.iter().map(|r| r.view()).collect();
        let w = iternorm(&views).unwrap();
        // x_i = Σ_d w_i[d] z_{i-2+d}: combinations of independent z_0, z_1, z_2
        let mut x: Vec<[f64; 3]> = Vec::new();
        for (i, wi) in w.iter().enumerate() {
            let mut xi = [0.0; 3];
            for d in 0..3 {
                if i + d >= 2 {
                    xi[i + d - 2] = wi[d];
                }
            }
            x.push(xi);
        }
        let dot = |a: &[f64; 3], b: &[f64; 3]| a.iter().zip(b).map(|(u, v)| u * v).sum::<f64>();
        for i in 0..3 {
            for d in 0..=i {
                let want = c[i][d];
                let got = dot(&x[i], &x[i - d]);
                assert!(
                    (got - want).abs() < 1e-14,
                    "cov({i}, {}) = {got}, want {want}",
                    i - d
                );
            }
        }
        // not positive definite
        let bad = [
            ndarray::arr1(&[1.0, 0.0]).into_dyn(),
            ndarray::arr1(&[1.0, 2.0]).into_dyn(),
        ];
        let views: Vec<_> = bad.iter().map(|r| r.view()).collect();
        assert!(iternorm(&views).is_err());
    }
}
