//! Algorithms (GLASS `glass.algorithm`): non-negative least squares and
//! nearest covariance / correlation matrices, on the host (faer kernels).
//!
//! Matrices are [`ndarray`] arrays; stacks of matrices have any number of
//! leading axes, as in GLASS.
//!
//! ```
//! use glass::algorithm::{nnls, NnlsOptions};
//! use ndarray::arr2;
//! let a = arr2(&[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]);
//! let x = nnls(a.view(), &[1.0, -1.0, 0.0], NnlsOptions::default()).unwrap();
//! assert!((x[0] - 0.5).abs() < 1e-12 && x[1] == 0.0);
//! ```

use faer::linalg::solvers::Solve;
use faer::{Mat, MatRef, Side};
use ndarray::{Array2, ArrayD, ArrayView2, ArrayViewD, Axis, Ix2, IxDyn};

use crate::error::{Error, Result};

fn invalid<T>(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(Error::value(func, arg, reason))
}

/// An ndarray matrix as a faer matrix.
pub(crate) fn to_faer(a: ArrayView2<'_, f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

/// A faer matrix as an ndarray matrix.
pub(crate) fn from_faer(m: MatRef<'_, f64>) -> Array2<f64> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}

/// Solves the square system `m x = r` by LU with partial pivoting (as
/// `numpy.linalg.solve`); an exactly singular matrix is an error.
fn lu_solve(m: &Mat<f64>, r: &[f64]) -> Result<Vec<f64>> {
    let lu = m.partial_piv_lu();
    let u = lu.U();
    if (0..u.nrows()).any(|i| u[(i, i)] == 0.0) {
        return invalid(
            "nnls",
            "a",
            "singular matrix in the least-squares subproblem",
        );
    }
    let rhs = Mat::from_fn(r.len(), 1, |i, _| r[i]);
    let x = lu.solve(&rhs);
    Ok((0..r.len()).map(|i| x[(i, 0)]).collect())
}

/// The keyword arguments of [`nnls`]; `Default` is GLASS's (`tol = 0`,
/// `maxiter = 3 n`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NnlsOptions {
    /// Stop when the largest gradient component is at most `tol`.
    pub tol: f64,
    /// Outer iterations at most (default `3 n` for `n` columns).
    pub maxiter: Option<usize>,
}

/// Non-negative least squares: `x >= 0` minimising `|a x - b|`.
///
/// The active-set algorithm of Lawson & Hanson (1995) as described by
/// Bro & De Jong (1997), step for step as GLASS implements it: iteration
/// stops when the largest gradient component of the passive set is at most
/// `tol`, or after `maxiter` (default `3 n`) outer iterations.
///
/// GLASS: `nnls(a, b, NnlsOptions { tol: tol=0.0, maxiter: maxiter=None })`.
///
/// # Errors
///
/// [`Error::Value`] when the shapes of `a` and `b` do not match or a
/// least-squares subproblem is singular.
pub fn nnls(a: ArrayView2<'_, f64>, b: &[f64], options: NnlsOptions) -> Result<Vec<f64>> {
    let NnlsOptions { tol, maxiter } = options;
    let (m, n) = a.dim();
    if m != b.len() {
        return invalid(
            "nnls",
            "b",
            format!(
                "the shapes of `a` ({m}, {n}) and `b` ({},) do not match",
                b.len()
            ),
        );
    }
    let maxiter = maxiter.unwrap_or(3 * n);
    let mut q = vec![false; n];
    let mut x = vec![0.0; n];
    for _ in 0..maxiter {
        if q.iter().all(|&v| v) {
            break;
        }
        // w = a^T (b - a x)
        let r: Vec<f64> = (0..m)
            .map(|i| b[i] - (0..n).map(|j| a[[i, j]] * x[j]).sum::<f64>())
            .collect();
        let w: Vec<f64> = (0..n)
            .map(|j| (0..m).map(|i| r[i] * a[[i, j]]).sum())
            .collect();
        // first index of the largest w outside the set (argmax)
        let mut best: Option<usize> = None;
        for j in (0..n).filter(|&j| !q[j]) {
            match best {
                Some(k) if !(w[j] > w[k]) => {}
                _ => best = Some(j),
            }
        }
        let Some(mi) = best else { break };
        if w[mi] <= tol {
            break;
        }
        q[mi] = true;
        let mut sq;
        let mut inner = 0;
        loop {
            let idx: Vec<usize> = (0..n).filter(|&j| q[j]).collect();
            let k = idx.len();
            let ata = Mat::from_fn(k, k, |p, s| {
                (0..m).map(|i| a[[i, idx[p]]] * a[[i, idx[s]]]).sum()
            });
            let atb: Vec<f64> = idx
                .iter()
                .map(|&j| (0..m).map(|i| b[i] * a[[i, j]]).sum())
                .collect();
            sq = lu_solve(&ata, &atb)?;
            inner += 1;
            let neg: Vec<usize> = (0..k).filter(|&p| sq[p] <= 0.0).collect();
            // each pass drops at least one index; the cap guards against rounding
            if neg.is_empty() || inner > n + 1 {
                break;
            }
            let alpha = -neg
                .iter()
                .map(|&p| x[idx[p]] / (x[idx[p]] - sq[p]))
                .fold(f64::INFINITY, f64::min);
            for (p, &j) in idx.iter().enumerate() {
                x[j] += alpha * (sq[p] - x[j]);
            }
            for j in 0..n {
                if x[j] <= 0.0 {
                    q[j] = false;
                }
            }
        }
        let idx: Vec<usize> = (0..n).filter(|&j| q[j]).collect();
        for (p, &j) in idx.iter().enumerate() {
            x[j] = sq.get(p).copied().unwrap_or(0.0);
        }
        for j in 0..n {
            if !q[j] {
                x[j] = 0.0;
            }
        }
    }
    Ok(x)
}

/// The square matrices of a stack `(..., n, n)`, checked.
fn square_stack(what: &'static str, a: &ArrayViewD<'_, f64>) -> Result<usize> {
    let s = a.shape();
    if s.len() < 2 || s[s.len() - 1] != s[s.len() - 2] {
        return invalid(
            what,
            "a",
            format!("expected a square matrix or a stack of them, got shape {s:?}"),
        );
    }
    Ok(s[s.len() - 1])
}

/// Applies `f` to every matrix of a stack `(..., n, n)`.
fn map_stack(
    a: &ArrayViewD<'_, f64>,
    n: usize,
    mut f: impl FnMut(ArrayView2<'_, f64>) -> Result<Array2<f64>>,
) -> Result<ArrayD<f64>> {
    let lead: usize = a.shape()[..a.ndim() - 2].iter().product();
    let flat = a
        .to_shape(IxDyn(&[lead, n, n]))
        .map_err(|e| Error::internal("cov_clip", e))?;
    let mut out = ArrayD::<f64>::zeros(IxDyn(&[lead, n, n]));
    for (src, mut dst) in flat.axis_iter(Axis(0)).zip(out.axis_iter_mut(Axis(0))) {
        let m = src
            .into_dimensionality::<Ix2>()
            .map_err(|e| Error::internal("cov_clip", e))?;
        dst.assign(&f(m)?);
    }
    out.into_shape_with_order(IxDyn(a.shape()))
        .map_err(|e| Error::internal("cov_clip", e))
}

/// Eigen-decomposition of a symmetric matrix (lower triangle read).
fn eigh(m: ArrayView2<'_, f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    let n = m.nrows();
    if n == 0 {
        return Ok((vec![], Array2::zeros((0, 0))));
    }
    let evd = to_faer(m)
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| Error::NotConverged {
            func: "eigh",
            reason: "the eigenvalue iteration did not converge".into(),
        })?;
    let s = evd.S().column_vector();
    Ok(((0..n).map(|i| s[i]).collect(), from_faer(evd.U())))
}

/// `V sqrt(W) (V sqrt(W))^T` with the eigenvalues clipped below at
/// `rtol * max(W)`.
fn clip_one(m: ArrayView2<'_, f64>, rtol: Option<f64>) -> Result<Array2<f64>> {
    let n = m.nrows();
    let (w, v) = eigh(m)?;
    let rtol = rtol.unwrap_or(n as f64 * f64::EPSILON);
    let wmax = w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lo = rtol * wmax;
    let mut vs = v;
    for (j, &wj) in w.iter().enumerate() {
        let s = (if wj < lo { lo } else { wj }).sqrt();
        vs.column_mut(j).mapv_inplace(|x| x * s);
    }
    Ok(vs.dot(&vs.t()))
}

/// Covariance matrix from clipping non-positive eigenvalues.
///
/// The eigenvalues of each symmetric matrix are clipped below at
/// `rtol * max(eigenvalue)` (default `rtol = n * eps`, as for
/// `matrix_rank`) and the matrix is rebuilt as `(V sqrt(W)) (V sqrt(W))^T`,
/// which is symmetric by construction.
///
/// # Errors
///
/// [`Error::Value`] when `cov` is not a (stack of) square matrices; [`Error::NotConverged`]
/// when an eigen-decomposition fails.
pub fn cov_clip(cov: ArrayViewD<'_, f64>, rtol: Option<f64>) -> Result<ArrayD<f64>> {
    let n = square_stack("cov_clip", &cov)?;
    map_stack(&cov, n, |m| clip_one(m, rtol))
}

/// Result of an iteration that may stop before it converges (GLASS warns
/// in that case; here the caller decides).
#[derive(Clone, Debug, PartialEq)]
pub struct Iterated {
    /// The result, in the input's shape.
    pub value: ArrayD<f64>,
    /// Whether the convergence criterion was met within the iterations.
    pub converged: bool,
    /// The number of iterations done.
    pub niter: usize,
}

fn frobenius(a: &Array2<f64>) -> f64 {
    a.iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// The keyword arguments of [`nearcorr`] and [`cov_nearest`]; `Default`
/// is GLASS's (`tol = n eps`, `niter = 100`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NearcorrOptions {
    /// Relative Frobenius tolerance (default `n * eps`).
    pub tol: Option<f64>,
    /// Iterations at most.
    pub niter: usize,
}

impl Default for NearcorrOptions {
    fn default() -> Self {
        NearcorrOptions {
            tol: None,
            niter: 100,
        }
    }
}

/// Nearest correlation matrix by alternating projections with Dykstra's
/// correction (Higham 2002).
///
/// Alternates [`cov_clip`] (projection onto positive semi-definite
/// matrices) and setting the diagonal to one, until
/// `|Y - X|_F <= tol |Y|_F` for every matrix of the stack (default
/// `tol = n * eps`) or `niter` iterations; `converged` reports which.
///
/// # Errors
///
/// [`Error::Value`] when `a` is not a (stack of) square matrices.
pub fn nearcorr(a: ArrayViewD<'_, f64>, options: NearcorrOptions) -> Result<Iterated> {
    let NearcorrOptions { tol, niter } = options;
    let n = square_stack("nearcorr", &a)?;
    let tol = tol.unwrap_or(n as f64 * f64::EPSILON);
    let lead: usize = a.shape()[..a.ndim() - 2].iter().product();
    let flat = a
        .to_shape(IxDyn(&[lead, n, n]))
        .map_err(|e| Error::internal("nearcorr", e))?;
    let mut y: Vec<Array2<f64>> = Vec::with_capacity(lead);
    for m in flat.axis_iter(Axis(0)) {
        let m = m
            .into_dimensionality::<Ix2>()
            .map_err(|e| Error::internal("nearcorr", e))?;
        y.push(m.to_owned());
    }
    let mut ds: Vec<Array2<f64>> = vec![Array2::zeros((n, n)); lead];
    let mut converged = false;
    let mut it = 0;
    while it < niter {
        it += 1;
        let mut all = true;
        for k in 0..lead {
            let r = &y[k] - &ds[k];
            let x = clip_one(r.view(), None)?;
            ds[k] = &x - &r;
            let mut yk = x.clone();
            for i in 0..n {
                yk[[i, i]] = 1.0;
            }
            all &= frobenius(&(&yk - &x)) <= tol * frobenius(&yk);
            y[k] = yk;
        }
        if all {
            converged = true;
            break;
        }
    }
    let data: Vec<f64> = y
        .iter()
        .flat_map(|m| m.iter().copied().collect::<Vec<_>>())
        .collect();
    let value = ArrayD::from_shape_vec(IxDyn(a.shape()), data)
        .map_err(|e| Error::internal("nearcorr", e))?;
    Ok(Iterated {
        value,
        converged,
        niter: it,
    })
}

/// Covariance matrix from the nearest correlation matrix.
///
/// Divides rows and columns by the square root of the diagonal (zero
/// diagonal entries are left alone), finds the nearest correlation matrix
/// with [`nearcorr`], and scales back: the diagonal is unchanged. A
/// negative diagonal entry is an error.
///
/// # Errors
///
/// [`Error::Value`] when `cov` is not a (stack of) square matrices or has
/// a negative diagonal entry.
pub fn cov_nearest(cov: ArrayViewD<'_, f64>, options: NearcorrOptions) -> Result<Iterated> {
    let n = square_stack("cov_nearest", &cov)?;
    let mut norm = cov.to_owned();
    let mut corr = cov.to_owned();
    let lead: usize = cov.shape()[..cov.ndim() - 2].iter().product();
    {
        let mut nf = norm
            .view_mut()
            .into_shape_with_order(IxDyn(&[lead, n, n]))
            .map_err(|e| Error::internal("cov_nearest", e))?;
        let mut cf = corr
            .view_mut()
            .into_shape_with_order(IxDyn(&[lead, n, n]))
            .map_err(|e| Error::internal("cov_nearest", e))?;
        for k in 0..lead {
            let d: Vec<f64> = (0..n).map(|i| cf[[k, i, i]]).collect();
            if let Some(i) = d.iter().position(|&v| v < 0.0 || v.is_nan()) {
                return invalid(
                    "cov_nearest",
                    "cov",
                    format!("negative values on the diagonal (entry {i}: {})", d[i]),
                );
            }
            let s: Vec<f64> = d.iter().map(|v| v.sqrt()).collect();
            for i in 0..n {
                for j in 0..n {
                    let nm = s[j] * s[i];
                    nf[[k, i, j]] = nm;
                    cf[[k, i, j]] /= if nm > 0.0 { nm } else { 1.0 };
                }
            }
        }
    }
    let mut res = nearcorr(corr.view(), options)?;
    res.value = res.value * norm;
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr2;

    #[test]
    fn nnls_exact_nonnegative_solution() {
        let a = arr2(&[[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]);
        let b: Vec<f64> = (0..3).map(|i| a[[i, 0]] * 0.5 + a[[i, 1]] * 2.0).collect();
        let x = nnls(a.view(), &b, NnlsOptions::default()).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12);
        assert!(nnls(a.view(), &[1.0], NnlsOptions::default()).is_err());
    }

    #[test]
    fn cov_clip_makes_psd() {
        let c = arr2(&[[1.0, 2.0], [2.0, 1.0]]).into_dyn();
        let r = cov_clip(c.view(), None).unwrap();
        // eigenvalues 3 (vector (1,1)/√2) and -1 (clipped to ~0): r ≈ 1.5 [[1,1],[1,1]]
        for v in r.iter() {
            assert!((v - 1.5).abs() < 1e-12);
        }
        assert!(cov_clip(arr2(&[[1.0, 2.0, 3.0]]).into_dyn().view(), None).is_err());
    }

    #[test]
    fn nearcorr_fixed_point_and_errors() {
        let c = arr2(&[[1.0, 0.3], [0.3, 1.0]]).into_dyn();
        let r = nearcorr(c.view(), NearcorrOptions::default()).unwrap();
        assert!(r.converged);
        for (a, b) in r.value.iter().zip(c.iter()) {
            assert!((a - b).abs() < 1e-14);
        }
        let bad = arr2(&[[-1.0, 0.0], [0.0, 1.0]]).into_dyn();
        let e = cov_nearest(bad.view(), NearcorrOptions::default()).unwrap_err();
        assert!(e.to_string().contains("negative values on the diagonal"));
    }
}
