//! The Legendre passes: for one `m` and a group of `NV` ring pairs (north
//! ring and its southern mirror), the sums over `l` of the transforms.
//!
//! Scalar (`s = 0`): `λ_lm(θ) = sqrt((2l+1)/4π (l-m)!/(l+m)!) P_l^m(cos θ)`
//! (Condon–Shortley phase), from `λ_mm = (-1)^m sqrt((2m+1)/4π
//! Π_{k<=m} (2k-1)/2k) sin^m θ` and
//! `λ_lm = a_lm (x λ_{l-1,m} - b_lm λ_{l-2,m})`,
//! `a_lm = sqrt((4l²-1)/(l²-m²))`, `b_lm = sqrt(((l-1)²-m²)/(4(l-1)²-1))`.
//! South rings use `λ_lm(π-θ) = (-1)^(l+m) λ_lm(θ)`.
//!
//! Spin `s > 0`: Wigner functions `d^l_{m,±s}(θ)` from their closed form at
//! `l0 = max(m, s)` and the three-term recurrence
//! `d^{l+1} = α_l ((x ∓ γ_l) d^l - β_l d^{l-1})`,
//! `α_l = (l+1)(2l+1)/sqrt(((l+1)²-m²)((l+1)²-s²))`,
//! `β_l = sqrt((l²-m²)(l²-s²))/(l(2l+1))`, `γ_l = m s/(l(l+1))`
//! (`-` for `d_{m,s}`, `+` for `d_{m,-s}`). With `P = (-1)^s d_{m,-s}`,
//! `M = d_{m,s}` and `c_l = sqrt((2l+1)/4π)`, healpy's spin transform is
//! `Q_m = -Σ_l c_l/2 [E_lm (P+M) + i B_lm (P-M)]`,
//! `U_m = -Σ_l c_l/2 [B_lm (P+M) - i E_lm (P-M)]`, and on the southern
//! mirror ring `P+M` picks up `(-1)^(l+m+s)`, `P-M` its negative.
//!
//! The lanes of a group are independent ring pairs, so the loops over lanes
//! vectorise. Values start scaled ([`super::scaled`]); lanes whose scale is
//! still negative do not contribute.

use num_complex::Complex64;

use super::scaled::{BIG, SMALL};

/// Ring pairs per lane group.
pub const NV: usize = 8;
/// One value per lane.
pub type Lanes = [f64; NV];
/// Lane sums folded in half (lanes `i` and `i + NV/2` added), for the
/// analysis accumulators that live in memory.
pub type Half = [f64; NV / 2];

/// `a b + c`, fused where the kernel is compiled with FMA.
#[inline(always)]
fn madd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// A running recurrence over the lanes: current and previous value, scale.
#[derive(Clone, Copy)]
pub struct Rec {
    pub cur: Lanes,
    pub prev: Lanes,
    pub k: [i32; NV],
}

impl Rec {
    pub fn new(v: Lanes, k: [i32; NV]) -> Rec {
        Rec {
            cur: v,
            prev: [0.0; NV],
            k,
        }
    }

    #[inline(always)]
    fn all_unscaled(&self) -> bool {
        self.k.iter().all(|&k| k == 0)
    }

    /// `cur` with lanes that are still scaled set to zero.
    #[inline(always)]
    fn masked(&self) -> Lanes {
        let mut out = [0.0; NV];
        for i in 0..NV {
            out[i] = if self.k[i] == 0 { self.cur[i] } else { 0.0 };
        }
        out
    }

    /// `next = a (x + shift) cur - b prev`; the product `a (x + shift)` is
    /// off the dependency chain, which is one fused multiply-add long.
    #[inline(always)]
    fn step<const FMA: bool>(&mut self, x: &Lanes, shift: f64, a: f64, b: f64) {
        for i in 0..NV {
            let ax = a * (x[i] + shift);
            let next = madd::<FMA>(ax, self.cur[i], -b * self.prev[i]);
            self.prev[i] = self.cur[i];
            self.cur[i] = next;
        }
    }

    /// Rescales lanes that have grown past the threshold.
    #[inline(always)]
    fn rescale(&mut self) {
        for i in 0..NV {
            if self.k[i] < 0 && self.cur[i].abs() > BIG {
                self.cur[i] *= SMALL;
                self.prev[i] *= SMALL;
                self.k[i] += 1;
            }
        }
    }
}

/// Defines `pub fn $name(args)` that runs `$body::<FMA>` in the build that
/// [`crate::simd::kernels`] chose (AVX-512F, AVX2+FMA or portable: the CPU
/// and `GLASS_SIMD`). The AVX-512 build is the same code: a lane group
/// ([`Lanes`], eight doubles) is one 512-bit register there.
///
/// `dispatch! { avx512; ... }` gives a kernel its AVX-512 build; without
/// it, the kernel runs its AVX2+FMA build when AVX-512 is chosen. Measured
/// on this project's machine (one thread, lmax = 2 nside, medians of 5
/// alternating runs, 2026-12-03): the AVX-512 build made the scalar
/// synthesis 9-11% and the spin-2 synthesis 20% faster at nside 256 and
/// 512, and map2alm 3-7% slower, so the analysis kernels stay on AVX2.
macro_rules! dispatch {
    (avx512; $(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* $(,)? );) => {
        dispatch!(@build true, $(#[$meta])* pub fn $name = $imp($($arg: $ty),*););
    };
    ($(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* $(,)? );) => {
        dispatch!(@build false, $(#[$meta])* pub fn $name = $imp($($arg: $ty),*););
    };
    (@build $wide:tt, $(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* );) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        pub fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn avx2($($arg: $ty),*) {
                    $imp::<true>($($arg),*)
                }
                let kernels = $crate::simd::kernels();
                dispatch!(@wide $wide, kernels, $imp($($arg: $ty),*));
                if kernels.has_avx2_fma() {
                    // SAFETY: the AVX2+FMA and AVX-512 builds are only
                    // chosen when the CPU has AVX2 and FMA
                    return unsafe { avx2($($arg),*) };
                }
            }
            $imp::<false>($($arg),*)
        }
    };
    // the AVX-512 build and its call, for the kernels that have one
    (@wide true, $kernels:ident, $imp:ident ( $($arg:ident : $ty:ty),* )) => {
        #[target_feature(enable = "avx512f,avx2,fma")]
        #[allow(clippy::too_many_arguments)]
        unsafe fn avx512($($arg: $ty),*) {
            $imp::<true>($($arg),*)
        }
        if $kernels == $crate::simd::Kernels::Avx512 {
            // SAFETY: `Avx512` is only chosen when the CPU has AVX-512F,
            // AVX2 and FMA (`simd::resolve`)
            return unsafe { avx512($($arg),*) };
        }
    };
    (@wide false, $kernels:ident, $imp:ident ( $($arg:ident : $ty:ty),* )) => {};
}

/// The scalar recurrence `λ_lm = a_lm x λ_{l-1,m} - a_lm b_lm λ_{l-2,m}`
/// for `l > m`: returns `[a_lm, a_lm b_lm]` with
/// `a_lm = sqrt((4l²-1)/(l²-m²))`, `b_lm = sqrt(((l-1)²-m²)/(4(l-1)²-1))`.
/// (The transforms use [`Tables`], the same numbers as products of
/// tabulated roots.)
pub fn scalar_recurrence(l: usize, m: usize) -> [f64; 2] {
    let (lf, mf) = (l as f64, m as f64);
    let a = ((4.0 * lf * lf - 1.0) / ((lf - mf) * (lf + mf))).sqrt();
    let l1 = lf - 1.0;
    let b = if l1 > mf {
        ((l1 - mf) * (l1 + mf) / (4.0 * l1 * l1 - 1.0)).sqrt()
    } else {
        0.0
    };
    [a, a * b]
}

/// The spin recurrence from degree `l` to `l + 1` (`l >= max(m, s) >= 1`):
/// returns `[α_l, α_l β_l, γ_l]` with
/// `α_l = (l+1)(2l+1)/sqrt(((l+1)²-m²)((l+1)²-s²))`,
/// `β_l = sqrt((l²-m²)(l²-s²))/(l(2l+1))`, `γ_l = m s/(l(l+1))`.
/// (The transforms use [`Tables`], the same numbers from tabulated roots.)
pub fn spin_recurrence(l: usize, m: usize, s: usize) -> [f64; 3] {
    let (lf, mf, sf) = (l as f64, m as f64, s as f64);
    let l1 = lf + 1.0;
    let alpha = l1 * (2.0 * lf + 1.0) / ((l1 * l1 - mf * mf) * (l1 * l1 - sf * sf)).sqrt();
    let beta = ((lf * lf - mf * mf) * (lf * lf - sf * sf)).sqrt() / (lf * (2.0 * lf + 1.0));
    let gamma = mf * sf / (lf * l1);
    [alpha, alpha * beta, gamma]
}

/// `λ_mm(θ) / sin^m θ = (-1)^m sqrt((2m+1)/4π Π_{k<=m} (2k-1)/2k)`, given
/// the product `ratio = Π_{k<=m} (2k-1)/2k`.
pub fn lambda_mm_prefactor(m: usize, ratio: f64) -> f64 {
    let sign = if m % 2 == 1 { -1.0 } else { 1.0 };
    sign * ((2 * m + 1) as f64 / (4.0 * std::f64::consts::PI) * ratio).sqrt()
}

/// Square roots and reciprocals that the recurrence coefficients are
/// products of, so that a coefficient costs a few multiplications.
#[derive(Debug, Clone)]
pub struct Tables {
    /// `sqrt(k)`, `k <= 2 lmax + 4`.
    sq: Vec<f64>,
    /// `1/sqrt(k)` (`0` at `k = 0`).
    rsq: Vec<f64>,
    /// `1/sqrt(4 l² - 1)`.
    rsq4: Vec<f64>,
}

impl Tables {
    pub fn new(lmax: usize) -> Tables {
        let n = 2 * lmax + 5;
        let sq: Vec<f64> = (0..n).map(|k| (k as f64).sqrt()).collect();
        let rsq = (0..n)
            .map(|k| if k == 0 { 0.0 } else { 1.0 / (k as f64).sqrt() })
            .collect();
        let rsq4 = (0..lmax + 3)
            .map(|l| {
                let l = l as f64;
                1.0 / (4.0 * l * l - 1.0).abs().sqrt()
            })
            .collect();
        Tables { sq, rsq, rsq4 }
    }

    /// Scalar coefficients for one m: entry `l - m` holds `(a_lm, a_lm b_lm)`
    /// for the step to `l` (entry 0 unused), with
    /// `a_lm = sqrt(4l²-1) / (sqrt(l-m) sqrt(l+m))` and
    /// `b_lm = sqrt(l-1-m) sqrt(l-1+m) / sqrt(4(l-1)²-1)`.
    pub fn scalar_coefficients(&self, m: usize, lmax: usize, out: &mut Vec<[f64; 2]>) {
        out.clear();
        out.push([0.0, 0.0]);
        for l in m + 1..=lmax {
            let a = self.rsq[l - m] * self.rsq[l + m] / self.rsq4[l];
            let b = self.sq[l - 1 - m] * self.sq[l - 1 + m] * self.rsq4[l - 1];
            out.push([a, a * b]);
        }
    }

    /// Spin coefficients for one m: entry `l - l0` holds
    /// `(α_l, α_l β_l, γ_l)` for the step from `l` to `l + 1`.
    pub fn spin_coefficients(&self, m: usize, spin: usize, lmax: usize, out: &mut Vec<[f64; 3]>) {
        out.clear();
        let (mf, sf) = (m as f64, spin as f64);
        let l0 = m.max(spin);
        for l in l0..lmax {
            let lf = l as f64;
            let l1 = lf + 1.0;
            let alpha = l1
                * (2.0 * lf + 1.0)
                * (self.rsq[l + 1 - m] * self.rsq[l + 1 + m])
                * (self.rsq[l + 1 - spin] * self.rsq[l + 1 + spin]);
            let beta = (self.sq[l - m] * self.sq[l + m]) * (self.sq[l - spin] * self.sq[l + spin])
                / (lf * (2.0 * lf + 1.0));
            let gamma = mf * sf / (lf * l1);
            out.push([alpha, alpha * beta, gamma]);
        }
    }
}

dispatch! {
    avx512;
    /// Scalar synthesis for one m and one lane group. `alm[c]` holds the
    /// coefficients of component `c` for this m (index `l - m`). Adds to
    /// `acc[c] = [even re, even im, odd re, odd im]` (parity of `l - m`).
    pub fn synth_scalar = synth_scalar_impl(
        m: usize,
        lmax: usize,
        coef: &[[f64; 2]],
        x: &Lanes,
        rec: Rec,
        alm: &[&[Complex64]],
        acc: &mut [[Lanes; 4]],
    );
}

#[inline(always)]
fn synth_scalar_impl<const FMA: bool>(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    rec: Rec,
    alm: &[&[Complex64]],
    acc: &mut [[Lanes; 4]],
) {
    // components two at a time, with the sums in registers
    let mut c0 = 0;
    while c0 < alm.len() {
        if alm.len() - c0 >= 2 {
            synth_scalar_c::<FMA, 2>(
                m,
                lmax,
                coef,
                x,
                rec,
                &alm[c0..c0 + 2],
                &mut acc[c0..c0 + 2],
            );
            c0 += 2;
        } else {
            synth_scalar_c::<FMA, 1>(
                m,
                lmax,
                coef,
                x,
                rec,
                &alm[c0..c0 + 1],
                &mut acc[c0..c0 + 1],
            );
            c0 += 1;
        }
    }
}

/// `acc[c][par..par+2] += lam * alm[c][i]` (real and imaginary parts).
#[inline(always)]
fn accumulate<const FMA: bool, const C: usize>(
    acc: &mut [[Lanes; 4]; C],
    lam: &Lanes,
    alm: &[&[Complex64]; C],
    i: usize,
    par: usize,
) {
    for c in 0..C {
        let v = alm[c][i];
        for j in 0..NV {
            acc[c][par][j] = madd::<FMA>(lam[j], v.re, acc[c][par][j]);
            acc[c][par + 1][j] = madd::<FMA>(lam[j], v.im, acc[c][par + 1][j]);
        }
    }
}

#[inline(always)]
fn synth_scalar_c<const FMA: bool, const C: usize>(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    mut rec: Rec,
    alm: &[&[Complex64]],
    acc_out: &mut [[Lanes; 4]],
) {
    let mut acc = [[[0.0; NV]; 4]; C];
    let alm: [&[Complex64]; C] = std::array::from_fn(|c| &alm[c][..lmax + 1 - m]);
    let coef = &coef[..lmax + 1 - m];
    let mut l = m;
    // scaled phase
    while l <= lmax && !rec.all_unscaled() {
        let lam = rec.masked();
        if (l - m) & 1 == 0 {
            accumulate::<FMA, C>(&mut acc, &lam, &alm, l - m, 0);
        } else {
            accumulate::<FMA, C>(&mut acc, &lam, &alm, l - m, 2);
        }
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            rec.step::<FMA>(x, 0.0, a, ab);
            rec.rescale();
        }
        l += 1;
    }
    // plain phase: an odd degree first if the scaled phase ended before one,
    // then pairs (even, odd), so that every index is known at compile time
    if l <= lmax && (l - m) & 1 == 1 {
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, l - m, 2);
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            rec.step::<FMA>(x, 0.0, a, ab);
        }
        l += 1;
    }
    while l < lmax {
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, l - m, 0);
        let [a1, ab1] = coef[l + 1 - m];
        rec.step::<FMA>(x, 0.0, a1, ab1);
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, l + 1 - m, 2);
        if l + 2 <= lmax {
            let [a2, ab2] = coef[l + 2 - m];
            rec.step::<FMA>(x, 0.0, a2, ab2);
        }
        l += 2;
    }
    if l == lmax {
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, l - m, 0);
    }
    for c in 0..C {
        for j in 0..4 {
            for i in 0..NV {
                acc_out[c][j][i] += acc[c][j][i];
            }
        }
    }
}

dispatch! {
    /// Scalar analysis for one m and one lane group: `g[c] = [G+ re, G+ im,
    /// G- re, G- im]` per lane (`G± = G_north ± G_south`); adds
    /// `λ_lm G±` per lane to `acc[(l - m) * ncomp + c] = [re, im]`.
    pub fn anal_scalar = anal_scalar_impl(
        m: usize,
        lmax: usize,
        coef: &[[f64; 2]],
        x: &Lanes,
        rec: Rec,
        g: &[[Lanes; 4]],
        acc: &mut [[Half; 2]],
    );
}

/// `dst[c] += lam * g[c][par..par+2]` for every component, lanes folded.
#[inline(always)]
fn add_scalar<const FMA: bool>(dst: &mut [[Half; 2]], lam: &Lanes, g: &[[Lanes; 4]], par: usize) {
    const H: usize = NV / 2;
    for (d, gc) in dst.iter_mut().zip(g) {
        for i in 0..H {
            d[0][i] = madd::<FMA>(
                lam[i],
                gc[par][i],
                madd::<FMA>(lam[i + H], gc[par][i + H], d[0][i]),
            );
            d[1][i] = madd::<FMA>(
                lam[i],
                gc[par + 1][i],
                madd::<FMA>(lam[i + H], gc[par + 1][i + H], d[1][i]),
            );
        }
    }
}

#[inline(always)]
fn anal_scalar_impl<const FMA: bool>(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    mut rec: Rec,
    g: &[[Lanes; 4]],
    acc: &mut [[Half; 2]],
) {
    let ncomp = g.len();
    let acc = &mut acc[..(lmax + 1 - m) * ncomp];
    let coef = &coef[..lmax + 1 - m];
    let mut l = m;
    anal_scaled::<FMA>(m, lmax, coef, x, &mut rec, g, acc, &mut l);
    if l <= lmax && (l - m) & 1 == 1 {
        let lam = rec.cur;
        anal_plain_one::<FMA>(
            m,
            lmax,
            coef,
            x,
            &mut rec,
            &lam,
            g,
            &mut acc[(l - m) * ncomp..],
            l,
        );
        l += 1;
    }
    while l < lmax {
        add_scalar::<FMA>(&mut acc[(l - m) * ncomp..], &rec.cur, g, 0);
        let [a1, ab1] = coef[l + 1 - m];
        rec.step::<FMA>(x, 0.0, a1, ab1);
        add_scalar::<FMA>(&mut acc[(l + 1 - m) * ncomp..], &rec.cur, g, 2);
        if l + 2 <= lmax {
            let [a2, ab2] = coef[l + 2 - m];
            rec.step::<FMA>(x, 0.0, a2, ab2);
        }
        l += 2;
    }
    if l == lmax {
        add_scalar::<FMA>(&mut acc[(l - m) * ncomp..], &rec.cur, g, 0);
    }
}

dispatch! {
    /// [`anal_scalar`] for two lane groups `a` and `b` at once: both
    /// recurrences advance together and their products are summed into the
    /// same accumulators, which halves the accumulator traffic per ring.
    pub fn anal_scalar_pair = anal_scalar_pair_impl(
        m: usize,
        lmax: usize,
        coef: &[[f64; 2]],
        xa: &Lanes,
        reca: Rec,
        ga: &[[Lanes; 4]],
        xb: &Lanes,
        recb: Rec,
        gb: &[[Lanes; 4]],
        acc: &mut [[Half; 2]],
    );
}

/// The scaled phase of one group (from degree `*l`), accumulating only the
/// lanes that are unscaled; leaves `*l` at the first degree where every lane
/// is unscaled (or past lmax).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn anal_scaled<const FMA: bool>(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    rec: &mut Rec,
    g: &[[Lanes; 4]],
    acc: &mut [[Half; 2]],
    l: &mut usize,
) {
    let ncomp = g.len();
    while *l <= lmax && !rec.all_unscaled() {
        let lam = rec.masked();
        anal_plain_one::<FMA>(
            m,
            lmax,
            coef,
            x,
            rec,
            &lam,
            g,
            &mut acc[(*l - m) * ncomp..],
            *l,
        );
        rec.rescale();
        *l += 1;
    }
}

/// One degree of one group: adds `lam G` at degree `l`, then steps.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn anal_plain_one<const FMA: bool>(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    rec: &mut Rec,
    lam: &Lanes,
    g: &[[Lanes; 4]],
    dst: &mut [[Half; 2]],
    l: usize,
) {
    if (l - m) & 1 == 0 {
        add_scalar::<FMA>(dst, lam, g, 0);
    } else {
        add_scalar::<FMA>(dst, lam, g, 2);
    }
    if l < lmax {
        let [a, ab] = coef[l + 1 - m];
        rec.step::<FMA>(x, 0.0, a, ab);
    }
}

/// `dst[c] += la * ga[c][par..] + lb * gb[c][par..]`, 16 lanes folded to 4.
#[inline(always)]
fn add_pair<const FMA: bool>(
    dst: &mut [[Half; 2]],
    la: &Lanes,
    ga: &[[Lanes; 4]],
    lb: &Lanes,
    gb: &[[Lanes; 4]],
    par: usize,
) {
    const H: usize = NV / 2;
    for ((d, a), b) in dst.iter_mut().zip(ga).zip(gb) {
        for k in 0..2 {
            for i in 0..H {
                let s = madd::<FMA>(la[i + H], a[par + k][i + H], d[k][i]);
                let s = madd::<FMA>(lb[i], b[par + k][i], s);
                let s = madd::<FMA>(lb[i + H], b[par + k][i + H], s);
                d[k][i] = madd::<FMA>(la[i], a[par + k][i], s);
            }
        }
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn anal_scalar_pair_impl<const FMA: bool>(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    xa: &Lanes,
    mut ra: Rec,
    ga: &[[Lanes; 4]],
    xb: &Lanes,
    mut rb: Rec,
    gb: &[[Lanes; 4]],
    acc: &mut [[Half; 2]],
) {
    let ncomp = ga.len();
    let acc = &mut acc[..(lmax + 1 - m) * ncomp];
    let coef = &coef[..lmax + 1 - m];
    let (mut la, mut lb) = (m, m);
    anal_scaled::<FMA>(m, lmax, coef, xa, &mut ra, ga, acc, &mut la);
    anal_scaled::<FMA>(m, lmax, coef, xb, &mut rb, gb, acc, &mut lb);
    // the group that left its scaled phase first runs alone up to the other
    while la < lb && la <= lmax {
        let lam = ra.cur;
        anal_plain_one::<FMA>(
            m,
            lmax,
            coef,
            xa,
            &mut ra,
            &lam,
            ga,
            &mut acc[(la - m) * ncomp..],
            la,
        );
        la += 1;
    }
    while lb < la && lb <= lmax {
        let lam = rb.cur;
        anal_plain_one::<FMA>(
            m,
            lmax,
            coef,
            xb,
            &mut rb,
            &lam,
            gb,
            &mut acc[(lb - m) * ncomp..],
            lb,
        );
        lb += 1;
    }
    let mut l = la.max(lb);
    if l > lmax {
        return;
    }
    // together, parities known at compile time
    if (l - m) & 1 == 1 {
        add_pair::<FMA>(&mut acc[(l - m) * ncomp..], &ra.cur, ga, &rb.cur, gb, 2);
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            ra.step::<FMA>(xa, 0.0, a, ab);
            rb.step::<FMA>(xb, 0.0, a, ab);
        }
        l += 1;
    }
    while l < lmax {
        add_pair::<FMA>(&mut acc[(l - m) * ncomp..], &ra.cur, ga, &rb.cur, gb, 0);
        let [a1, ab1] = coef[l + 1 - m];
        ra.step::<FMA>(xa, 0.0, a1, ab1);
        rb.step::<FMA>(xb, 0.0, a1, ab1);
        add_pair::<FMA>(&mut acc[(l + 1 - m) * ncomp..], &ra.cur, ga, &rb.cur, gb, 2);
        if l + 2 <= lmax {
            let [a2, ab2] = coef[l + 2 - m];
            ra.step::<FMA>(xa, 0.0, a2, ab2);
            rb.step::<FMA>(xb, 0.0, a2, ab2);
        }
        l += 2;
    }
    if l == lmax {
        add_pair::<FMA>(&mut acc[(l - m) * ncomp..], &ra.cur, ga, &rb.cur, gb, 0);
    }
}

dispatch! {
    avx512;
    /// Spin synthesis for one m and one lane group. `eb[f] = (E'', B'')` are
    /// field f's coefficients already multiplied by `-c_l/2` (index `l - l0`).
    /// Adds to `acc[f]`, per parity `p` of `l + m + s`, at `8 p + ..`:
    /// `[ΣE''W+ re, im, ΣB''W+ re, im, ΣE''W- re, im, ΣB''W- re, im]`
    /// with `W± = P ± M`.
    pub fn synth_spin = synth_spin_impl(
        m: usize,
        spin: usize,
        lmax: usize,
        coef: &[[f64; 3]],
        x: &Lanes,
        p: Rec,
        mm: Rec,
        eb: &[(&[Complex64], &[Complex64])],
        acc: &mut [[Lanes; 16]],
    );
}

/// One degree of the spin synthesis into the sums at `PAR` (0 or 8).
/// With `ZB` (a field without B-mode) the four B sums are skipped: they
/// stay zero, and the E sums are the same operations as without `ZB`.
#[inline(always)]
fn spin_acc<const FMA: bool, const PAR: usize, const ZB: bool>(
    acc: &mut [Lanes; 16],
    pv: &Lanes,
    mv: &Lanes,
    ev: Complex64,
    bv: Complex64,
) {
    for i in 0..NV {
        let wp = pv[i] + mv[i];
        let wm = pv[i] - mv[i];
        acc[PAR][i] = madd::<FMA>(wp, ev.re, acc[PAR][i]);
        acc[PAR + 1][i] = madd::<FMA>(wp, ev.im, acc[PAR + 1][i]);
        acc[PAR + 4][i] = madd::<FMA>(wm, ev.re, acc[PAR + 4][i]);
        acc[PAR + 5][i] = madd::<FMA>(wm, ev.im, acc[PAR + 5][i]);
        if !ZB {
            acc[PAR + 2][i] = madd::<FMA>(wp, bv.re, acc[PAR + 2][i]);
            acc[PAR + 3][i] = madd::<FMA>(wp, bv.im, acc[PAR + 3][i]);
            acc[PAR + 6][i] = madd::<FMA>(wm, bv.re, acc[PAR + 6][i]);
            acc[PAR + 7][i] = madd::<FMA>(wm, bv.im, acc[PAR + 7][i]);
        }
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn synth_spin_impl<const FMA: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 3]],
    x: &Lanes,
    p: Rec,
    mm: Rec,
    eb: &[(&[Complex64], &[Complex64])],
    acc_out: &mut [[Lanes; 16]],
) {
    let l0 = m.max(spin);
    for (f, (e, b)) in eb.iter().enumerate() {
        // one field at a time, sums in registers (recurrence recomputed per
        // field: cheap next to the eight sums)
        let (e, b) = (&e[..lmax + 1 - l0], &b[..lmax + 1 - l0]);
        let coef = &coef[..lmax - l0];
        // the sums stay in memory: sixteen lane vectors do not fit registers
        let acc = &mut acc_out[f];
        // a field without B-mode (all of lensing) skips half the sums
        if b.iter().all(|v| v.re == 0.0 && v.im == 0.0) {
            spin_field::<FMA, true>(m, spin, lmax, coef, x, p, mm, e, b, acc);
        } else {
            spin_field::<FMA, false>(m, spin, lmax, coef, x, p, mm, e, b, acc);
        }
    }
}

/// The degrees `l0..=lmax` of one field of [`synth_spin_impl`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn spin_field<const FMA: bool, const ZB: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 3]],
    x: &Lanes,
    p: Rec,
    mm: Rec,
    e: &[Complex64],
    b: &[Complex64],
    acc: &mut [Lanes; 16],
) {
    let l0 = m.max(spin);
    let (mut p, mut mm) = (p, mm);
    let mut l = l0;
    let mut scaled = !(p.all_unscaled() && mm.all_unscaled());
    while l <= lmax {
        let (pv, mv) = if scaled {
            (p.masked(), mm.masked())
        } else {
            (p.cur, mm.cur)
        };
        let (ev, bv) = (e[l - l0], b[l - l0]);
        if (l + m + spin) & 1 == 0 {
            spin_acc::<FMA, 0, ZB>(acc, &pv, &mv, ev, bv);
        } else {
            spin_acc::<FMA, 8, ZB>(acc, &pv, &mv, ev, bv);
        }
        if l < lmax {
            let [al, ab, ga] = coef[l - l0];
            p.step::<FMA>(x, ga, al, ab);
            mm.step::<FMA>(x, -ga, al, ab);
            if scaled {
                p.rescale();
                mm.rescale();
                scaled = !(p.all_unscaled() && mm.all_unscaled());
            }
        }
        l += 1;
        if !scaled {
            break;
        }
    }
    // plain phase, parities known at compile time
    if l <= lmax && (l + m + spin) & 1 == 1 {
        spin_acc::<FMA, 8, ZB>(acc, &p.cur, &mm.cur, e[l - l0], b[l - l0]);
        if l < lmax {
            let [al, ab, ga] = coef[l - l0];
            p.step::<FMA>(x, ga, al, ab);
            mm.step::<FMA>(x, -ga, al, ab);
        }
        l += 1;
    }
    while l < lmax {
        spin_acc::<FMA, 0, ZB>(acc, &p.cur, &mm.cur, e[l - l0], b[l - l0]);
        let [al, ab, ga] = coef[l - l0];
        p.step::<FMA>(x, ga, al, ab);
        mm.step::<FMA>(x, -ga, al, ab);
        spin_acc::<FMA, 8, ZB>(acc, &p.cur, &mm.cur, e[l + 1 - l0], b[l + 1 - l0]);
        if l + 2 <= lmax {
            let [al, ab, ga] = coef[l + 1 - l0];
            p.step::<FMA>(x, ga, al, ab);
            mm.step::<FMA>(x, -ga, al, ab);
        }
        l += 2;
    }
    if l == lmax {
        spin_acc::<FMA, 0, ZB>(acc, &p.cur, &mm.cur, e[l - l0], b[l - l0]);
    }
}

dispatch! {
    /// Spin analysis for one m and one lane group. `g[f]` per lane:
    /// `[q+ re, q+ im, q- re, q- im, u+ re, u+ im, u- re, u- im]`
    /// (`q± = q_north ± q_south`). Adds, at `acc[(l - l0) * nf + f]`:
    /// `[Σ W+ qa re, im, Σ W- ub re, im, Σ W+ ua re, im, Σ W- qb re, im]`
    /// where for even `l + m + s` `(qa, ub, ua, qb) = (q+, u-, u+, q-)` and for
    /// odd the signs swap. The caller forms `E = -c/2 (S1 + i S2)`,
    /// `B = -c/2 (S3 - i S4)`.
    pub fn anal_spin = anal_spin_impl(
        m: usize,
        spin: usize,
        lmax: usize,
        coef: &[[f64; 3]],
        x: &Lanes,
        p: Rec,
        mm: Rec,
        g: &[[Lanes; 8]],
        acc: &mut [[Half; 8]],
    );
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn anal_spin_impl<const FMA: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 3]],
    x: &Lanes,
    mut p: Rec,
    mut mm: Rec,
    g: &[[Lanes; 8]],
    acc: &mut [[Half; 8]],
) {
    let nf = g.len();
    let l0 = m.max(spin);
    let acc = &mut acc[..(lmax + 1 - l0) * nf];
    let coef = &coef[..lmax - l0];
    let mut l = l0;
    let mut scaled = !(p.all_unscaled() && mm.all_unscaled());
    while l <= lmax && scaled {
        let (pv, mv) = (p.masked(), mm.masked());
        let dst = &mut acc[(l - l0) * nf..];
        if (l + m + spin) & 1 == 0 {
            spin_add::<FMA, true>(dst, &pv, &mv, g);
        } else {
            spin_add::<FMA, false>(dst, &pv, &mv, g);
        }
        if l < lmax {
            let [al, ab, ga] = coef[l - l0];
            p.step::<FMA>(x, ga, al, ab);
            mm.step::<FMA>(x, -ga, al, ab);
            p.rescale();
            mm.rescale();
            scaled = !(p.all_unscaled() && mm.all_unscaled());
        }
        l += 1;
    }
    if l <= lmax && (l + m + spin) & 1 == 1 {
        spin_add::<FMA, false>(&mut acc[(l - l0) * nf..], &p.cur, &mm.cur, g);
        if l < lmax {
            let [al, ab, ga] = coef[l - l0];
            p.step::<FMA>(x, ga, al, ab);
            mm.step::<FMA>(x, -ga, al, ab);
        }
        l += 1;
    }
    while l < lmax {
        spin_add::<FMA, true>(&mut acc[(l - l0) * nf..], &p.cur, &mm.cur, g);
        let [al, ab, ga] = coef[l - l0];
        p.step::<FMA>(x, ga, al, ab);
        mm.step::<FMA>(x, -ga, al, ab);
        spin_add::<FMA, false>(&mut acc[(l + 1 - l0) * nf..], &p.cur, &mm.cur, g);
        if l + 2 <= lmax {
            let [al, ab, ga] = coef[l + 1 - l0];
            p.step::<FMA>(x, ga, al, ab);
            mm.step::<FMA>(x, -ga, al, ab);
        }
        l += 2;
    }
    if l == lmax {
        spin_add::<FMA, true>(&mut acc[(l - l0) * nf..], &p.cur, &mm.cur, g);
    }
}

/// One degree of the spin analysis: for even `l + m + s`
/// `(qa, ub, ua, qb) = (q+, u-, u+, q-)`, for odd `(q-, u+, u-, q+)`.
#[inline(always)]
fn spin_add<const FMA: bool, const EVEN: bool>(
    dst: &mut [[Half; 8]],
    pv: &Lanes,
    mv: &Lanes,
    g: &[[Lanes; 8]],
) {
    const H: usize = NV / 2;
    let (qa, ub, ua, qb) = if EVEN { (0, 6, 4, 2) } else { (2, 4, 6, 0) };
    let mut wp = [0.0; NV];
    let mut wm = [0.0; NV];
    for i in 0..NV {
        wp[i] = pv[i] + mv[i];
        wm[i] = pv[i] - mv[i];
    }
    for (d, gf) in dst.iter_mut().zip(g) {
        for i in 0..H {
            let j = i + H;
            d[0][i] = madd::<FMA>(wp[i], gf[qa][i], madd::<FMA>(wp[j], gf[qa][j], d[0][i]));
            d[1][i] = madd::<FMA>(
                wp[i],
                gf[qa + 1][i],
                madd::<FMA>(wp[j], gf[qa + 1][j], d[1][i]),
            );
            d[2][i] = madd::<FMA>(wm[i], gf[ub][i], madd::<FMA>(wm[j], gf[ub][j], d[2][i]));
            d[3][i] = madd::<FMA>(
                wm[i],
                gf[ub + 1][i],
                madd::<FMA>(wm[j], gf[ub + 1][j], d[3][i]),
            );
            d[4][i] = madd::<FMA>(wp[i], gf[ua][i], madd::<FMA>(wp[j], gf[ua][j], d[4][i]));
            d[5][i] = madd::<FMA>(
                wp[i],
                gf[ua + 1][i],
                madd::<FMA>(wp[j], gf[ua + 1][j], d[5][i]),
            );
            d[6][i] = madd::<FMA>(wm[i], gf[qb][i], madd::<FMA>(wm[j], gf[qb][j], d[6][i]));
            d[7][i] = madd::<FMA>(
                wm[i],
                gf[qb + 1][i],
                madd::<FMA>(wm[j], gf[qb + 1][j], d[7][i]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabulated_coefficients_equal_the_formula() {
        let lmax = 300;
        let t = Tables::new(lmax);
        let mut c = Vec::new();
        for m in [0, 1, 7, 150, 299] {
            t.scalar_coefficients(m, lmax, &mut c);
            for l in m + 1..=lmax {
                let [a, ab] = scalar_recurrence(l, m);
                assert!((c[l - m][0] - a).abs() <= 1e-14 * a, "a l {l} m {m}");
                assert!((c[l - m][1] - ab).abs() <= 1e-14 * a, "ab l {l} m {m}");
            }
        }
        let mut c = Vec::new();
        for s in [1, 2] {
            for m in [0, 1, 2, 7, 150, 299] {
                t.spin_coefficients(m, s, lmax, &mut c);
                for l in m.max(s)..lmax {
                    let want = spin_recurrence(l, m, s);
                    for k in 0..3 {
                        let got = c[l - m.max(s)][k];
                        assert!(
                            (got - want[k]).abs() <= 1e-13 * want[0],
                            "s {s} l {l} m {m} k {k}"
                        );
                    }
                }
            }
        }
    }
}
