//! Poisson, binomial and multinomial draws on the reference streams. Each
//! element `i` draws blocks `d = 0, 1, 2, ...` of its own counter, so its
//! value depends only on `(seed, stream, i, parameters)`.

use super::math::{exp, ln, log1p, log1pmx, stirling_tail};
use super::{block, unif, words, RandomError};

/// The largest `lam` accepted by [`poisson`].
pub const POISSON_LAM_MAX: f64 = 1e18;
/// The largest `n` accepted by [`binomial`] and [`multinomial`] (`2^53`,
/// so that `n` is exact as a double).
pub const BINOMIAL_N_MAX: i64 = 1 << 53;

/// `lam` below which [`poisson`] uses inversion rather than PTRS.
const POISSON_INVERSION_MAX: f64 = 10.0;
/// Attempts at inversion restart when `k` passes this (P < 1e-25).
const POISSON_INVERSION_KMAX: i64 = 60;
/// `n p` below which [`binomial`] uses inversion rather than BTRS.
const BINOMIAL_INVERSION_MAX: f64 = 10.0;

/// The two uniforms of attempt `d` of element `i`: `unif(w0)`, `unif(w1)`.
#[inline]
fn uniforms(seed: u64, stream: u32, i: u64, d: u32) -> (f64, f64) {
    let (w0, w1) = words(block(seed, stream, i, d));
    (unif(w0), unif(w1))
}

/// Checks a Poisson mean: finite, `0 <= lam <= POISSON_LAM_MAX`.
fn check_lam(lam: f64) -> Result<(), RandomError> {
    if (0.0..=POISSON_LAM_MAX).contains(&lam) {
        Ok(())
    } else {
        Err(RandomError(format!(
            "lam must be finite and in [0, {POISSON_LAM_MAX:e}], got {lam}"
        )))
    }
}

/// Poisson(`lam`) for element `i`.
///
/// - `lam = 0`: 0.
/// - `0 < lam < 10`: inversion, attempt `d` with `u = unif(w0)`:
///   `k = 0, p = exp(-lam)`; while `u > p`: `u -= p; k += 1`; restart at
///   `k > 60`; `p = p lam / k`.
/// - `lam >= 10`: PTRS (Hörmann 1993) with `s = sqrt(lam)`,
///   `b = 0.931 + 2.53 s`, `a = -0.059 + 0.02483 b`,
///   `inv_alpha = 1.1239 + 1.1328 / (b - 3.4)`, `v_r = 0.9277 - 3.6224 / (b - 2)`;
///   attempt `d`: `U = unif(w0) - 1/2`, `V = unif(w1)`, `us = 1/2 - |U|`,
///   `k = floor((2a / us + b) U + lam + 0.43)`; accept if `us >= 0.07` and
///   `V <= v_r`; reject if `k < 0` or (`us < 0.013` and `V > us`); else
///   accept if
///   `ln(V inv_alpha / (a / us^2 + b)) + ln(2 pi lam) / 2 <= x log1pmx(δ) - log1p(δ) / 2 - tail(k)`
///   with `x = k + 1`, `δ = (lam - x) / x`, `tail` =
///   [`stirling_tail`](super::math::stirling_tail). This is PTRS's
///   `ln V + ln inv_alpha - ln(a/us^2 + b) <= k ln lam - lam - ln k!`
///   rearranged so that nothing cancels at large `lam`.
pub fn poisson(seed: u64, stream: u32, i: u64, lam: f64) -> Result<i64, RandomError> {
    check_lam(lam)?;
    Ok(if lam == 0.0 {
        0
    } else if lam < POISSON_INVERSION_MAX {
        poisson_inversion(seed, stream, i, lam)
    } else {
        poisson_ptrs(seed, stream, i, lam)
    })
}

fn poisson_inversion(seed: u64, stream: u32, i: u64, lam: f64) -> i64 {
    let p0 = exp(-lam);
    'attempt: for d in 0..u32::MAX {
        let (mut u, _) = uniforms(seed, stream, i, d);
        let mut k = 0;
        let mut p = p0;
        while u > p {
            u -= p;
            k += 1;
            if k > POISSON_INVERSION_KMAX {
                continue 'attempt;
            }
            p = p * lam / k as f64;
        }
        return k;
    }
    lam.round() as i64
}

fn poisson_ptrs(seed: u64, stream: u32, i: u64, lam: f64) -> i64 {
    let slam = lam.sqrt();
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    let v_r = 0.9277 - 3.6224 / (b - 2.0);
    let half_ln_2pi_lam = 0.5 * ln(2.0 * core::f64::consts::PI * lam);
    for d in 0..u32::MAX {
        let (u, v) = uniforms(seed, stream, i, d);
        let u = u - 0.5;
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lam + 0.43).floor();
        if us >= 0.07 && v <= v_r {
            return k as i64;
        }
        if k.is_nan() || k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        let lhs = ln(v * inv_alpha / (a / (us * us) + b)) + half_ln_2pi_lam;
        let x = k + 1.0;
        let delta = (lam - x) / x;
        let rhs = x * log1pmx(delta) - 0.5 * log1p(delta) - stirling_tail(k);
        if lhs <= rhs {
            return k as i64;
        }
    }
    lam.round() as i64
}

/// Binomial(`n`, `p`) for element `i`, `0 <= n <= 2^53`, `0 <= p <= 1`.
///
/// `n = 0` or `p = 0` gives 0, `p = 1` gives `n`. `p > 1/2` draws with
/// `1 - p` and returns `n - k`. With `q = 1 - p`, `np = n p`:
/// - `np < 10`: inversion (NumPy's `random_binomial_inversion`):
///   `qn = exp(n log1p(-p))`, `bound = min(n, np + 10 sqrt(np q + 1))`;
///   attempt `d`: `u = unif(w0)`, `k = 0`, `px = qn`; while `u > px`:
///   `k += 1`, restart if `k > bound`, `u -= px`,
///   `px = ((n - k + 1) p px) / (k q)`.
/// - otherwise BTRS (Hörmann 1993) as in TensorFlow: `s = sqrt(n p q)`,
///   `b = 1.15 + 2.53 s`, `a = -0.0873 + 0.0248 b + 0.01 p`, `c = np + 1/2`,
///   `v_r = 0.92 - 4.2 / b`, `r = p / q`, `alpha = (2.83 + 5.1 / b) s`,
///   `m = floor((n + 1) p)`; attempt `d`: `U = unif(w0) - 1/2`,
///   `V = unif(w1)`, `us = 1/2 - |U|`, `k = floor((2a / us + b) U + c)`;
///   reject if `k < 0` or `k > n`; accept if `us >= 0.07` and `V <= v_r`;
///   else accept if `ln(V alpha / (a / us^2 + b)) <= h` with
///   `h = (m + 1/2) ln((m + 1) / (r (n - m + 1))) + (n + 1) log1p((k - m) / (n - k + 1))
///   + (k + 1/2) ln(r (n - k + 1) / (k + 1)) + tail(m) + tail(n - m) - tail(k) - tail(n - k)`.
pub fn binomial(seed: u64, stream: u32, i: u64, n: i64, p: f64) -> Result<i64, RandomError> {
    if !(0..=BINOMIAL_N_MAX).contains(&n) {
        return Err(RandomError(format!("n must be in [0, 2^53], got {n}")));
    }
    if !(0.0..=1.0).contains(&p) {
        return Err(RandomError(format!("p must be in [0, 1], got {p}")));
    }
    Ok(binomial_unchecked(seed, stream, i, n, p))
}

/// [`binomial`] for parameters already known to be valid.
fn binomial_unchecked(seed: u64, stream: u32, i: u64, n: i64, p: f64) -> i64 {
    if n == 0 || p == 0.0 {
        return 0;
    }
    if p == 1.0 {
        return n;
    }
    let flip = p > 0.5;
    let pp = if flip { 1.0 - p } else { p };
    let nf = n as f64;
    let k = if nf * pp < BINOMIAL_INVERSION_MAX {
        binomial_inversion(seed, stream, i, nf, pp)
    } else {
        binomial_btrs(seed, stream, i, nf, pp)
    };
    let k = (k as i64).clamp(0, n);
    if flip {
        n - k
    } else {
        k
    }
}

fn binomial_inversion(seed: u64, stream: u32, i: u64, n: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    let qn = exp(n * log1p(-p));
    let np = n * p;
    let bound = n.min(np + 10.0 * (np * q + 1.0).sqrt());
    'attempt: for d in 0..u32::MAX {
        let (mut u, _) = uniforms(seed, stream, i, d);
        let mut k = 0.0;
        let mut px = qn;
        while u > px {
            k += 1.0;
            if k > bound {
                continue 'attempt;
            }
            u -= px;
            px = ((n - k + 1.0) * p * px) / (k * q);
        }
        return k;
    }
    np.round()
}

fn binomial_btrs(seed: u64, stream: u32, i: u64, n: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    let s = (n * p * q).sqrt();
    let b = 1.15 + 2.53 * s;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = n * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    let r = p / q;
    let alpha = (2.83 + 5.1 / b) * s;
    let m = ((n + 1.0) * p).floor();
    let h_m =
        (m + 0.5) * ln((m + 1.0) / (r * (n - m + 1.0))) + stirling_tail(m) + stirling_tail(n - m);
    for d in 0..u32::MAX {
        let (u, v) = uniforms(seed, stream, i, d);
        let u = u - 0.5;
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if !(0.0..=n).contains(&k) {
            continue;
        }
        if us >= 0.07 && v <= v_r {
            return k;
        }
        let lhs = ln(v * alpha / (a / (us * us) + b));
        let h = h_m
            + (n + 1.0) * log1p((k - m) / (n - k + 1.0))
            + (k + 0.5) * ln(r * (n - k + 1.0) / (k + 1.0))
            - stirling_tail(k)
            - stirling_tail(n - k);
        if lhs <= h {
            return k;
        }
    }
    (n * p).round()
}

/// Checks multinomial probabilities as NumPy does: each finite and in
/// `[0, 1]`, at least one, and `sum(pvals[..K-1]) <= 1 + 1e-12`.
pub fn check_pvals(pvals: &[f64]) -> Result<(), RandomError> {
    if pvals.is_empty() {
        return Err(RandomError("pvals must have at least one element".into()));
    }
    if let Some((c, p)) = pvals
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        return Err(RandomError(format!("pvals[{c}] = {p} is not in [0, 1]")));
    }
    let head: f64 = pvals[..pvals.len() - 1].iter().sum();
    if head > 1.0 + 1e-12 {
        return Err(RandomError(format!(
            "sum(pvals[:-1]) = {head} is greater than 1"
        )));
    }
    Ok(())
}

/// Multinomial(`n`, `pvals`) for row `r` into `out` (`len(pvals)` counts),
/// NumPy's sequential conditional binomials, category `c` drawing with
/// element index `r K + c` (see the module doc). Fails on invalid `n` or
/// `pvals`, or when `r K + c` overflows `u64`.
pub fn multinomial(
    seed: u64,
    stream: u32,
    r: u64,
    n: i64,
    pvals: &[f64],
    out: &mut [i64],
) -> Result<(), RandomError> {
    check_pvals(pvals)?;
    check_multinomial_n(n)?;
    if out.len() != pvals.len() {
        return Err(RandomError(format!(
            "output has {} elements for {} categories",
            out.len(),
            pvals.len()
        )));
    }
    let base = row_base(r, pvals.len())?;
    multinomial_unchecked(seed, stream, base, n, pvals, out);
    Ok(())
}

fn check_multinomial_n(n: i64) -> Result<(), RandomError> {
    if (0..=BINOMIAL_N_MAX).contains(&n) {
        Ok(())
    } else {
        Err(RandomError(format!("n must be in [0, 2^53], got {n}")))
    }
}

/// `r K`, the element index of category 0 of row `r`, with `r K + K - 1`
/// checked to fit `u64`.
fn row_base(r: u64, k: usize) -> Result<u64, RandomError> {
    r.checked_add(1)
        .and_then(|r1| r1.checked_mul(k as u64))
        .map(|end| end - k as u64)
        .ok_or_else(|| {
            RandomError(format!(
                "row {r} with {k} categories overflows the element index"
            ))
        })
}

fn multinomial_unchecked(
    seed: u64,
    stream: u32,
    base: u64,
    n: i64,
    pvals: &[f64],
    out: &mut [i64],
) {
    let kk = pvals.len();
    out.fill(0);
    let mut rest = n;
    let mut mass = 1.0;
    for c in 0..kk - 1 {
        let p = pvals[c] / mass;
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        let k = binomial_unchecked(seed, stream, base + c as u64, rest, p);
        out[c] = k;
        rest -= k;
        if rest == 0 {
            return;
        }
        mass -= pvals[c];
    }
    out[kk - 1] = rest;
}

/// Fills `out[j]` with [`poisson`]`(lam[j])` at element index `offset + j`.
/// Fails, naming the element, on the first invalid `lam`.
///
/// The first inversion attempt of every element uses `unif(w0)` of block
/// `(i, 0)`, which is [`uniform`](super::uniform)`(seed, stream, i)`: those
/// are drawn in bulk ([`fill_uniform`](super::fill_uniform), vectorised),
/// and only the rare elements that need a restart, and the large `lam`
/// ones, go through [`poisson`] itself. The result is the same bits.
pub fn fill_poisson(
    seed: u64,
    stream: u32,
    offset: u64,
    lam: &[f64],
    out: &mut [i64],
) -> Result<(), RandomError> {
    if lam.len() != out.len() {
        return Err(RandomError(format!(
            "lam has {} elements, the output {}",
            lam.len(),
            out.len()
        )));
    }
    const BUF: usize = 1024;
    let mut u0 = [0.0f64; BUF];
    for (c, (oc, lc)) in out.chunks_mut(BUF).zip(lam.chunks(BUF)).enumerate() {
        let base = offset.wrapping_add((c * BUF) as u64);
        super::fill_uniform(seed, stream, base, &mut u0[..lc.len()]);
        for (j, (o, &l)) in oc.iter_mut().zip(lc).enumerate() {
            check_lam(l).map_err(|e| RandomError(format!("element {}: {e}", c * BUF + j)))?;
            let first = if l == 0.0 {
                Some(0)
            } else if l < POISSON_INVERSION_MAX {
                poisson_inversion_attempt(u0[j], l)
            } else {
                None
            };
            *o = match first {
                Some(k) => k,
                None => poisson(seed, stream, base.wrapping_add(j as u64), l)?,
            };
        }
    }
    Ok(())
}

/// One attempt of the inversion of [`poisson_inversion`] with uniform `u`:
/// `None` when it passes `POISSON_INVERSION_KMAX` (the next attempt decides).
#[inline]
fn poisson_inversion_attempt(mut u: f64, lam: f64) -> Option<i64> {
    let mut k = 0;
    let mut p = exp(-lam);
    while u > p {
        u -= p;
        k += 1;
        if k > POISSON_INVERSION_KMAX {
            return None;
        }
        p = p * lam / k as f64;
    }
    Some(k)
}

/// Fills the rows of `out` (`len(n)` rows of `len(pvals)` counts, C order)
/// with [`multinomial`] for rows `offset + j`.
pub fn fill_multinomial(
    seed: u64,
    stream: u32,
    offset: u64,
    n: &[i64],
    pvals: &[f64],
    out: &mut [i64],
) -> Result<(), RandomError> {
    check_pvals(pvals)?;
    let kk = pvals.len();
    if out.len() != n.len() * kk {
        return Err(RandomError(format!(
            "output has {} elements for {} rows of {kk} categories",
            out.len(),
            n.len()
        )));
    }
    let last = offset
        .checked_add(n.len() as u64)
        .ok_or_else(|| RandomError(format!("offset {offset} overflows the element index")))?;
    row_base(last, kk)?;
    for (j, (row, &nj)) in out.chunks_exact_mut(kk).zip(n).enumerate() {
        check_multinomial_n(nj).map_err(|e| RandomError(format!("row {j}: {e}")))?;
        let base = (offset + j as u64) * kk as u64;
        multinomial_unchecked(seed, stream, base, nj, pvals, row);
    }
    Ok(())
}

#[cfg(test)]
mod unit {
    use super::*;

    /// The stable PTRS right-hand side equals `k ln lam - lam - ln k! + ln(2 pi lam)/2`.
    #[test]
    fn ptrs_rearrangement_is_exact() {
        for &lam in &[10.0_f64, 30.0, 123.4] {
            let mut lnfact = 0.0;
            for k in 0..200 {
                if k > 0 {
                    lnfact += (k as f64).ln();
                }
                let kf = k as f64;
                let direct =
                    kf * lam.ln() - lam - lnfact + 0.5 * (2.0 * std::f64::consts::PI * lam).ln();
                let x = kf + 1.0;
                let delta = (lam - x) / x;
                let stable = x * log1pmx(delta) - 0.5 * log1p(delta) - stirling_tail(kf);
                assert!(
                    (direct - stable).abs() < 1e-9 * (1.0 + direct.abs()),
                    "lam {lam} k {k}: {direct} vs {stable}"
                );
            }
        }
    }

    /// The BTRS bound `h` equals `ln f(k) - ln f(m)` of the binomial pmf.
    #[test]
    fn btrs_bound_is_log_pmf_ratio() {
        let (n, p) = (100.0_f64, 0.3_f64);
        let q = 1.0 - p;
        let r = p / q;
        let m = ((n + 1.0) * p).floor();
        let lnfact = |k: f64| (1..=k as i64).map(|j| (j as f64).ln()).sum::<f64>();
        let lnpmf = |k: f64| lnfact(n) - lnfact(k) - lnfact(n - k) + k * p.ln() + (n - k) * q.ln();
        for k in [0.0, 10.0, 29.0, 30.0, 31.0, 60.0, 100.0] {
            let h = (m + 0.5) * ln((m + 1.0) / (r * (n - m + 1.0)))
                + stirling_tail(m)
                + stirling_tail(n - m)
                + (n + 1.0) * log1p((k - m) / (n - k + 1.0))
                + (k + 0.5) * ln(r * (n - k + 1.0) / (k + 1.0))
                - stirling_tail(k)
                - stirling_tail(n - k);
            let want = lnpmf(k) - lnpmf(m);
            assert!((h - want).abs() < 1e-8, "k {k}: {h} vs {want}");
        }
    }

    #[test]
    fn parameter_errors() {
        assert!(poisson(1, 0, 0, f64::NAN).is_err());
        assert!(poisson(1, 0, 0, -1.0).is_err());
        assert!(poisson(1, 0, 0, f64::INFINITY).is_err());
        assert!(poisson(1, 0, 0, 2e18).is_err());
        assert_eq!(poisson(1, 0, 0, 0.0), Ok(0));
        assert!(binomial(1, 0, 0, -1, 0.5).is_err());
        assert!(binomial(1, 0, 0, 5, 1.5).is_err());
        assert!(binomial(1, 0, 0, 5, f64::NAN).is_err());
        assert_eq!(binomial(1, 0, 0, 5, 0.0), Ok(0));
        assert_eq!(binomial(1, 0, 0, 5, 1.0), Ok(5));
        assert_eq!(binomial(1, 0, 0, 0, 0.3), Ok(0));
        assert!(check_pvals(&[]).is_err());
        assert!(check_pvals(&[0.5, -0.1, 0.6]).is_err());
        assert!(check_pvals(&[0.7, 0.7, 0.0]).is_err());
        assert!(check_pvals(&[0.5, 0.5 + 1e-13, 0.3]).is_ok());
        let mut out = [0; 2];
        assert!(multinomial(1, 0, 0, -3, &[0.5, 0.5], &mut out).is_err());
        assert!(multinomial(1, 0, u64::MAX, 3, &[0.5, 0.5], &mut out).is_err());
        assert!(fill_poisson(1, 0, 0, &[1.0, -1.0], &mut [0; 2]).is_err());
        assert!(fill_poisson(1, 0, 0, &[1.0], &mut [0; 2]).is_err());
    }
}
