//! Angular power spectra <-> angular correlation functions (the Python
//! package `transformcl`, which GLASS's `grf` module uses).
//!
//! The angular correlation function of a spectrum `C_l`, `l = 0..n-1`, is
//! the Legendre series
//!
//! ```text
//! C(θ) = Σ_l (2l+1)/(4π) C_l P_l(cos θ),
//! ```
//!
//! evaluated at the `n` angles of [`theta`]: the midpoints
//! `θ_i = π (2i+1) / (2n)` of the open interval (0, π) (`closed = false`,
//! the default of `transformcl`) or `θ_i = π i / (n-1)` on the closed
//! interval [0, π]. The two directions are exact inverses of each other for
//! band-limited functions.
//!
//! The transforms go through a cosine series (the discrete Legendre
//! transform of Alpert & Rokhlin 1991, in the recursive form of Tessore et
//! al. 2023, OJAp 6, 11, as in the `flt` package):
//! `f(θ) = b_0 + 2 Σ_{k≥1} b_k cos(kθ)` with a DCT-II (open) or DCT-I
//! (closed) between the values and `b`, and between `b` and the Legendre
//! coefficients `a_l` the exact expansion (Adams 1878)
//!
//! ```text
//! P_l(cos θ) = Σ_{j=0}^{l} α_j α_{l-j} cos((l-2j) θ),   α_j = binom(2j, j) / 4^j,
//! ```
//!
//! so that `b_k = Σ_{j≥0} α_j α_{k+j} a_{k+2j}` (a triangular matrix with
//! positive entries, well conditioned: its condition number is below 100
//! at n = 1024). The inverse is a back substitution with the same matrix.
//! Both are O(n²/4) multiply-adds on contiguous slices (vectorised, AVX2+FMA
//! where the CPU has it) plus two real FFTs of length 2n.
//!
//! ```
//! use glass::transformcl::{cltocorr, corrtocl, TransformclOptions};
//! let cl: Vec<f64> = (0..100).map(|l| 1.0 / (1.0 + l as f64).powi(2)).collect();
//! let corr = cltocorr(&cl, TransformclOptions::default()).unwrap();
//! let back = corrtocl(&corr, TransformclOptions::default()).unwrap();
//! assert!(cl.iter().zip(&back).all(|(a, b)| (a - b).abs() < 1e-14));
//! ```

use std::f64::consts::PI;
use std::sync::{Arc, Mutex};

use num_complex::Complex64;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::error::{Error, Result};

/// realfft fails only on buffers of the wrong length, which the plan sizes.
fn fft_err(e: realfft::FftError) -> Error {
    Error::internal("transformcl", format!("FFT error: {e}"))
}

fn invalid<T>(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(Error::value(func, arg, reason))
}

/// The keyword argument of the transforms; `Default` is transformcl's
/// (`closed = False`: the open grid of [`theta`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransformclOptions {
    /// The angles include both ends, 0 and π.
    pub closed: bool,
}

/// The `n` angles (radians) at which the correlation function is given:
/// midpoints of `n` equal intervals of (0, π) (`closed = false`), or `n`
/// equally spaced points from 0 to π inclusive (`closed = true`).
pub fn theta(n: usize, options: TransformclOptions) -> Vec<f64> {
    let closed = options.closed;
    if closed {
        crate::arraytools::linspace(0.0, PI, n, true)
    } else {
        let t = crate::arraytools::linspace(0.0, PI, n + 1, true);
        t.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
    }
}

/// Angular correlation function of the angular power spectrum `cl`
/// (`C_0 .. C_{n-1}`) at the `n` angles of [`theta`]`(n, closed)`:
/// `C(θ) = Σ_l (2l+1)/(4π) C_l P_l(cos θ)`.
///
/// # Errors
///
/// [`Error::Value`] for an empty input, or fewer than two values on the closed grid.
pub fn cltocorr(cl: &[f64], options: TransformclOptions) -> Result<Vec<f64>> {
    let a: Vec<f64> = cl
        .iter()
        .enumerate()
        .map(|(l, c)| (2 * l + 1) as f64 / (4.0 * PI) * c)
        .collect();
    idlt(&a, options)
}

/// Angular power spectrum `C_0 .. C_{n-1}` of the angular correlation
/// function `corr` given at the `n` angles of [`theta`]`(n, closed)`; the
/// inverse of [`cltocorr`].
///
/// # Errors
///
/// As [`cltocorr`].
pub fn corrtocl(corr: &[f64], options: TransformclOptions) -> Result<Vec<f64>> {
    let mut a = dlt(corr, options)?;
    for (l, x) in a.iter_mut().enumerate() {
        *x /= (2 * l + 1) as f64 / (4.0 * PI);
    }
    Ok(a)
}

/// Variance of a field with angular power spectrum `cl`:
/// `σ² = Σ_l (2l+1)/(4π) C_l`.
pub fn cltovar(cl: &[f64]) -> f64 {
    cl.iter()
        .enumerate()
        .map(|(l, c)| (2.0 * l as f64 + 1.0) / (4.0 * PI) * c)
        .sum()
}

/// Discrete Legendre transform: the coefficients `a_0 .. a_{n-1}` of
/// `f(cos θ) = Σ_l a_l P_l(cos θ)` from the `n` values `f` at
/// [`theta`]`(n, closed)` (`flt.dlt`).
///
/// # Errors
///
/// As [`cltocorr`].
pub fn dlt(f: &[f64], options: TransformclOptions) -> Result<Vec<f64>> {
    let closed = options.closed;
    check_len(f.len(), closed)?;
    let plan = Plan::cached(f.len(), closed);
    let b = plan.forward(f)?;
    Ok(dct2dlt_with(&plan.alpha, &b))
}

/// Inverse discrete Legendre transform: the values at
/// [`theta`]`(n, closed)` of `Σ_l a_l P_l(cos θ)` (`flt.idlt`).
///
/// # Errors
///
/// As [`cltocorr`].
pub fn idlt(a: &[f64], options: TransformclOptions) -> Result<Vec<f64>> {
    let closed = options.closed;
    check_len(a.len(), closed)?;
    let plan = Plan::cached(a.len(), closed);
    let b = dlt2dct_with(&plan.alpha, a);
    plan.inverse(&b)
}

fn check_len(n: usize, closed: bool) -> Result<()> {
    if n == 0 {
        return invalid("transformcl", "cl", "empty input (need at least one value)");
    }
    if closed && n < 2 {
        return invalid(
            "transformcl",
            "closed",
            "the closed interval needs at least two points",
        );
    }
    Ok(())
}

/// `α_j = binom(2j, j) / 4^j = Π_{i=1}^{j} (2i-1)/(2i)`, `j = 0..n-1`.
fn alpha(n: usize) -> Vec<f64> {
    let mut a = Vec::with_capacity(n);
    let mut x = 1.0;
    for j in 0..n {
        if j > 0 {
            x *= (2 * j - 1) as f64 / (2 * j) as f64;
        }
        a.push(x);
    }
    a
}

/// The coefficients of even (`[0]`) and odd (`[1]`) index of `a`.
fn split_parity(a: &[f64]) -> [Vec<f64>; 2] {
    [
        a.iter().step_by(2).copied().collect(),
        a.iter().skip(1).step_by(2).copied().collect(),
    ]
}

/// Legendre coefficients to cosine coefficients:
/// `b_k = Σ_{j≥0, k+2j<n} α_j α_{k+j} a_{k+2j}` (`flt.dlt2dct`).
pub fn dlt2dct(a: &[f64]) -> Vec<f64> {
    dlt2dct_with(&alpha(a.len()), a)
}

fn dlt2dct_with(al: &[f64], a: &[f64]) -> Vec<f64> {
    let n = a.len();
    let ap = split_parity(a);
    (0..n)
        .map(|k| {
            // a_{k+2j} = ap[k % 2][k / 2 + j]
            let row = &ap[k % 2][k / 2..];
            let m = row.len();
            dot3(&al[..m], &al[k..k + m], row)
        })
        .collect()
}

/// Cosine coefficients to Legendre coefficients, the inverse of
/// [`dlt2dct`] by back substitution:
/// `a_k = (b_k - Σ_{j≥1} α_j α_{k+j} a_{k+2j}) / α_k` for k from n-1 down
/// (`flt.dct2dlt`).
pub fn dct2dlt(b: &[f64]) -> Vec<f64> {
    dct2dlt_with(&alpha(b.len()), b)
}

fn dct2dlt_with(al: &[f64], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    // The solution, stored by parity so that each sum reads a contiguous
    // slice: a_{k+2j} = ap[k % 2][k / 2 + j].
    let mut ap = [vec![0.0; n.div_ceil(2)], vec![0.0; n / 2]];
    for k in (0..n).rev() {
        let (p, h) = (k % 2, k / 2);
        let m = ap[p].len() - h; // j = 0 .. m-1
        let s = dot3(&al[1..m], &al[k + 1..k + m], &ap[p][h + 1..]);
        ap[p][h] = (b[k] - s) / al[k];
    }
    let mut a = vec![0.0; n];
    for (k, x) in a.iter_mut().enumerate() {
        *x = ap[k % 2][k / 2];
    }
    a
}

/// `Σ_i x_i y_i z_i` over equally long slices.
fn dot3(x: &[f64], y: &[f64], z: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if glass_healpix::simd::kernels().has_avx2_fma() {
            // SAFETY: the AVX2+FMA and AVX-512 builds are only chosen when
            // the CPU has AVX2 and FMA
            // (`GLASS_SIMD=portable` forces the portable sum).
            return unsafe { dot3_avx2(x, y, z) };
        }
    }
    dot3_portable(x, y, z)
}

/// AVX2 + FMA: four accumulators of four lanes (16 terms per step, enough
/// independent sums to hide the FMA latency; the loads are the limit).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot3_avx2(x: &[f64], y: &[f64], z: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let n = x.len().min(y.len()).min(z.len());
    let (x, y, z) = (&x[..n], &y[..n], &z[..n]);
    let mut acc = [_mm256_setzero_pd(); 4];
    let steps = n / 16;
    for s in 0..steps {
        for (q, a) in acc.iter_mut().enumerate() {
            let i = 16 * s + 4 * q;
            // SAFETY: i + 4 <= 16 * steps <= n, the length of all three slices.
            let (xv, yv, zv) = unsafe {
                (
                    _mm256_loadu_pd(x.as_ptr().add(i)),
                    _mm256_loadu_pd(y.as_ptr().add(i)),
                    _mm256_loadu_pd(z.as_ptr().add(i)),
                )
            };
            *a = _mm256_fmadd_pd(_mm256_mul_pd(xv, yv), zv, *a);
        }
    }
    let sum = _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3]));
    let mut lanes = [0.0f64; 4];
    // SAFETY: `lanes` holds four f64.
    unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), sum) };
    let mut s = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
    for i in 16 * steps..n {
        s = (x[i] * y[i]).mul_add(z[i], s);
    }
    s
}

/// Eight independent partial sums, so that the compiler can vectorise the
/// loop (a single running sum would fix the order of the additions).
fn dot3_portable(x: &[f64], y: &[f64], z: &[f64]) -> f64 {
    const L: usize = 8;
    let n = x.len().min(y.len()).min(z.len());
    let (x, y, z) = (&x[..n], &y[..n], &z[..n]);
    let mut acc = [0.0f64; L];
    let (xc, yc, zc) = (x.chunks_exact(L), y.chunks_exact(L), z.chunks_exact(L));
    let (xr, yr, zr) = (xc.remainder(), yc.remainder(), zc.remainder());
    for ((xs, ys), zs) in xc.zip(yc).zip(zc) {
        for i in 0..L {
            acc[i] += xs[i] * ys[i] * zs[i];
        }
    }
    let mut s = 0.0;
    for ((a, b), c) in xr.iter().zip(yr).zip(zr) {
        s += a * b * c;
    }
    let pair = |i: usize| acc[i] + acc[i + L / 2];
    s + ((pair(0) + pair(2)) + (pair(1) + pair(3)))
}

/// Everything a transform of length `n` needs that does not depend on the
/// data: the `α_j`, the real FFTs of the even extension (length 2n for the
/// open grid, 2(n-1) for the closed one) and the twiddles `e^{iπk/(2n)}`.
/// Plans are cached (the last [`PLAN_CACHE`] sizes), because the solvers of
/// [`crate::grf`] transform the same length many times.
struct Plan {
    n: usize,
    closed: bool,
    alpha: Vec<f64>,
    twiddle: Vec<Complex64>,
    r2c: Arc<dyn RealToComplex<f64>>,
    c2r: Arc<dyn ComplexToReal<f64>>,
}

/// How many transform plans [`Plan::cached`] keeps.
const PLAN_CACHE: usize = 8;

impl Plan {
    fn new(n: usize, closed: bool) -> Plan {
        let len = if closed { 2 * (n - 1) } else { 2 * n };
        let mut planner = RealFftPlanner::<f64>::new();
        let twiddle = if closed {
            Vec::new()
        } else {
            (0..n)
                .map(|k| Complex64::from_polar(1.0, PI * k as f64 / (2 * n) as f64))
                .collect()
        };
        Plan {
            n,
            closed,
            alpha: alpha(n),
            twiddle,
            r2c: planner.plan_fft_forward(len),
            c2r: planner.plan_fft_inverse(len),
        }
    }

    fn cached(n: usize, closed: bool) -> Arc<Plan> {
        static CACHE: Mutex<Vec<Arc<Plan>>> = Mutex::new(Vec::new());
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = cache.iter().position(|p| p.n == n && p.closed == closed) {
            let p = cache.remove(i);
            cache.push(p.clone());
            return p;
        }
        let p = Arc::new(Plan::new(n, closed));
        if cache.len() == PLAN_CACHE {
            cache.remove(0);
        }
        cache.push(p.clone());
        p
    }

    /// Values -> `b`. Open grid (DCT-II):
    /// `b_k = (1/n) Σ_i f_i cos(k θ_i)`; closed grid (DCT-I):
    /// `b_k = [f_0 + (-1)^k f_{n-1} + 2 Σ_{0<i<n-1} f_i cos(k θ_i)] / (2(n-1))`,
    /// halved for k = n-1.
    fn forward(&self, f: &[f64]) -> Result<Vec<f64>> {
        let n = self.n;
        let mut y = self.r2c.make_input_vec();
        let mut spec = self.r2c.make_output_vec();
        if self.closed {
            y[..n].copy_from_slice(f);
            for i in 1..n - 1 {
                y[2 * (n - 1) - i] = f[i];
            }
        } else {
            y[..n].copy_from_slice(f);
            for i in 0..n {
                y[2 * n - 1 - i] = f[i];
            }
        }
        self.r2c.process(&mut y, &mut spec).map_err(fft_err)?;
        if self.closed {
            let scale = 1.0 / (2 * (n - 1)) as f64;
            let mut b: Vec<f64> = spec[..n].iter().map(|c| c.re * scale).collect();
            b[n - 1] /= 2.0;
            Ok(b)
        } else {
            // Y_k = 2 e^{iπk/(2n)} Σ_i f_i cos(k θ_i)
            let scale = 1.0 / (2 * n) as f64;
            Ok((0..n)
                .map(|k| (self.twiddle[k].conj() * spec[k]).re * scale)
                .collect())
        }
    }

    /// `b` -> values `f(θ_i) = b_0 + 2 Σ_{k≥1} b_k cos(k θ_i)`.
    fn inverse(&self, b: &[f64]) -> Result<Vec<f64>> {
        let n = self.n;
        let mut spec = self.c2r.make_input_vec();
        let mut y = self.c2r.make_output_vec();
        if self.closed {
            for k in 0..n {
                spec[k] = Complex64::new(b[k], 0.0);
            }
            // the Nyquist term appears once in the inverse FFT, not twice
            spec[n - 1].re *= 2.0;
        } else {
            for k in 0..n {
                spec[k] = b[k] * self.twiddle[k];
            }
            spec[0].im = 0.0;
        }
        self.c2r.process(&mut spec, &mut y).map_err(fft_err)?;
        y.truncate(n);
        Ok(y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct sum `Σ_l a_l P_l(cos θ)` by the three-term recurrence.
    fn legendre_series(a: &[f64], theta: f64) -> f64 {
        let x = theta.cos();
        let (mut p0, mut p1) = (1.0, x);
        let mut s = a[0];
        if a.len() > 1 {
            s += a[1] * x;
        }
        for (l, c) in a.iter().enumerate().skip(2) {
            let l = l as f64;
            let p2 = ((2.0 * l - 1.0) * x * p1 - (l - 1.0) * p0) / l;
            s += c * p2;
            (p0, p1) = (p1, p2);
        }
        s
    }

    fn test_coeffs(n: usize) -> Vec<f64> {
        (0..n)
            .map(|l| (0.7 * l as f64 + 0.3).cos() / (1.0 + l as f64))
            .collect()
    }

    #[test]
    fn idlt_is_the_legendre_series_at_theta() {
        for closed in [false, true] {
            for n in [2, 3, 4, 7, 16, 33, 100] {
                let a = test_coeffs(n);
                let f = idlt(&a, TransformclOptions { closed }).unwrap();
                for (t, v) in theta(n, TransformclOptions { closed }).iter().zip(&f) {
                    let want = legendre_series(&a, *t);
                    assert!(
                        (v - want).abs() < 1e-13,
                        "n={n} closed={closed}: {v} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn dlt_inverts_idlt() {
        for closed in [false, true] {
            for n in [2, 5, 64, 257, 2048] {
                let a = test_coeffs(n);
                let back = dlt(
                    &idlt(&a, TransformclOptions { closed }).unwrap(),
                    TransformclOptions { closed },
                )
                .unwrap();
                let err = a
                    .iter()
                    .zip(&back)
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0, f64::max);
                assert!(err < 1e-13, "n={n} closed={closed}: {err}");
            }
        }
    }

    #[test]
    fn one_point_open_grid() {
        // n = 1: the monopole alone, at θ = π/2
        assert_eq!(theta(1, TransformclOptions::default()), vec![PI / 2.0]);
        let c = cltocorr(&[4.0 * PI], TransformclOptions::default()).unwrap();
        assert!((c[0] - 1.0).abs() < 1e-15);
        assert!((corrtocl(&c, TransformclOptions::default()).unwrap()[0] - 4.0 * PI).abs() < 1e-13);
    }

    #[test]
    fn bad_lengths_are_errors() {
        assert!(cltocorr(&[], TransformclOptions::default()).is_err());
        assert!(corrtocl(&[1.0], TransformclOptions { closed: true }).is_err());
    }

    #[test]
    fn variance_is_the_correlation_at_zero_separation() {
        let cl = test_coeffs(50).iter().map(|x| x * x).collect::<Vec<_>>();
        let c = cltocorr(&cl, TransformclOptions { closed: true }).unwrap();
        assert!((c[0] - cltovar(&cl)).abs() < 1e-14);
    }
}
