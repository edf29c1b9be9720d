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

    /// `next = (a x + ag) cur - prev` (the normalised spin recurrence of
    /// [`Tables::spin_coefficients`]): two fused multiply-adds.
    #[inline(always)]
    fn step_n<const FMA: bool>(&mut self, x: &Lanes, a: f64, ag: f64) {
        for i in 0..NV {
            let f = madd::<FMA>(a, x[i], ag);
            let next = madd::<FMA>(f, self.cur[i], -self.prev[i]);
            self.prev[i] = self.cur[i];
            self.cur[i] = next;
        }
    }

    /// One step of the spin pair: `P` with `x + γ`, `M` with `x - γ`
    /// (`coef = [A_l, A_l γ_l]` of [`Tables::spin_coefficients`]).
    #[inline(always)]
    fn step_spin<const FMA: bool>(p: &mut Rec, mm: &mut Rec, x: &Lanes, coef: [f64; 2]) {
        let [a, ag] = coef;
        p.step_n::<FMA>(x, a, ag);
        mm.step_n::<FMA>(x, a, -ag);
    }

    /// `next = (a x² + b) cur + prev` (the [`EvenOdd`] recurrence): two
    /// fused multiply-adds, one on the dependency chain.
    #[inline(always)]
    fn step_x2<const FMA: bool>(&mut self, x2: &Lanes, a: f64, b: f64) {
        for i in 0..NV {
            let f = madd::<FMA>(a, x2[i], b);
            let next = madd::<FMA>(f, self.cur[i], self.prev[i]);
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
/// `dispatch! { avx512 wide; ... }` also passes the kernel a second const
/// parameter, `true` in its AVX-512 build only (32 registers of eight
/// doubles: [`synth_spin`] keeps its sums there in one pass, where the
/// narrower builds run two).
///
/// `dispatch! { avx512; ... }` gives a kernel its AVX-512 build; without
/// it, the kernel runs its AVX2+FMA build when AVX-512 is chosen. Measured
/// on this project's machine (one thread, lmax = 2 nside, medians of 5
/// alternating runs, 2026-12-03): the AVX-512 build made the scalar
/// synthesis 9-11% and the spin-2 synthesis 20% faster at nside 256 and
/// 512, and map2alm 3-7% slower, so the analysis kernels stay on AVX2
/// (measured again after the `x²` recurrence of [`EvenOdd`]: 0.35 s against
/// 0.29 s for map2alm at nside 512).
macro_rules! dispatch {
    (avx512 wide; $(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* $(,)? );) => {
        dispatch!(@build true, [true, false], [true, true], [false, false],
            $(#[$meta])* pub fn $name = $imp($($arg: $ty),*););
    };
    (avx512; $(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* $(,)? );) => {
        dispatch!(@build true, [true], [true], [false], $(#[$meta])* pub fn $name = $imp($($arg: $ty),*););
    };
    ($(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* $(,)? );) => {
        dispatch!(@build false, [true], [true], [false], $(#[$meta])* pub fn $name = $imp($($arg: $ty),*););
    };
    (@build $wide:tt, [$($g2:tt),*], [$($g5:tt),*], [$($gp:tt),*],
        $(#[$meta:meta])* pub fn $name:ident = $imp:ident ( $($arg:ident : $ty:ty),* );) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        pub fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn avx2($($arg: $ty),*) {
                    $imp::<$($g2),*>($($arg),*)
                }
                let kernels = $crate::simd::kernels();
                dispatch!(@wide $wide, [$($g5),*], kernels, $imp($($arg: $ty),*));
                if kernels.has_avx2_fma() {
                    // SAFETY: the AVX2+FMA and AVX-512 builds are only
                    // chosen when the CPU has AVX2 and FMA
                    return unsafe { avx2($($arg),*) };
                }
            }
            $imp::<$($gp),*>($($arg),*)
        }
    };
    // the AVX-512 build and its call, for the kernels that have one
    (@wide true, [$($g5:tt),*], $kernels:ident, $imp:ident ( $($arg:ident : $ty:ty),* )) => {
        #[target_feature(enable = "avx512f,avx2,fma")]
        #[allow(clippy::too_many_arguments)]
        unsafe fn avx512($($arg: $ty),*) {
            $imp::<$($g5),*>($($arg),*)
        }
        if $kernels == $crate::simd::Kernels::Avx512 {
            // SAFETY: `Avx512` is only chosen when the CPU has AVX-512F,
            // AVX2 and FMA (`simd::resolve`)
            return unsafe { avx512($($arg),*) };
        }
    };
    (@wide false, [$($g5:tt),*], $kernels:ident, $imp:ident ( $($arg:ident : $ty:ty),* )) => {};
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
    /// `1/sqrt(4 l² - 1)`, `l <= lmax + 4`.
    rsq4: Vec<f64>,
}

impl Tables {
    pub fn new(lmax: usize) -> Tables {
        let n = 2 * lmax + 5;
        let sq: Vec<f64> = (0..n).map(|k| (k as f64).sqrt()).collect();
        let rsq = (0..n)
            .map(|k| if k == 0 { 0.0 } else { 1.0 / (k as f64).sqrt() })
            .collect();
        let rsq4 = (0..lmax + 5)
            .map(|l| {
                let l = l as f64;
                1.0 / (4.0 * l * l - 1.0).abs().sqrt()
            })
            .collect();
        Tables { sq, rsq, rsq4 }
    }

    /// The scalar recurrence of one m in its `x²` form ([`EvenOdd`]).
    pub fn scalar_x2(&self, m: usize, lmax: usize, out: &mut EvenOdd) {
        out.m = m;
        out.lmax = lmax;
        // ε_l = sqrt((l-m)(l+m)) / sqrt((2l-1)(2l+1)), l = m..=lmax+3
        out.eps.clear();
        out.eps.push(0.0);
        for l in m + 1..=lmax + 3 {
            out.eps.push(self.sq[l - m] * self.sq[l + m] * self.rsq4[l]);
        }
        let nj = (lmax - m) / 2 + 1;
        out.coef.clear();
        out.alpha.clear();
        out.alpha.push(1.0 / out.eps[1]);
        for j in 0..nj {
            let i = 2 * j; // l - m
            let (e1, e2, e3) = (out.eps[i + 1], out.eps[i + 2], out.eps[i + 3]);
            let sigma = if j % 2 == 0 { 1.0 } else { -1.0 };
            let alpha = out.alpha[j];
            let a = sigma * alpha * alpha;
            out.coef.push([a, -a * (e1 * e1 + e2 * e2)]);
            out.alpha.push(sigma / (e2 * e3 * alpha));
        }
    }

    /// Spin coefficients for one m, normalised so that the recurrence is
    /// `d~_{l+1} = A_l (x ∓ γ_l) d~_l - d~_{l-1}` with `d = N_l d~`:
    /// `N_{l0} = N_{l0+1} = 1`, `N_{l+1} = α_l β_l N_{l-1}`,
    /// `A_l = α_l N_l / N_{l+1}` (ducc0's normalisation; a step is two fused
    /// multiply-adds). Entry `l - l0` of `out` holds `[A_l, A_l γ_l]` for the
    /// step from `l` to `l + 1`, of `norm` `N_l`.
    pub fn spin_coefficients(
        &self,
        m: usize,
        spin: usize,
        lmax: usize,
        out: &mut Vec<[f64; 2]>,
        norm: &mut Vec<f64>,
    ) {
        out.clear();
        norm.clear();
        let (mf, sf) = (m as f64, spin as f64);
        let l0 = m.max(spin);
        norm.extend([1.0, 1.0]);
        for l in l0..lmax {
            let lf = l as f64;
            let l1 = lf + 1.0;
            let alpha = l1
                * (2.0 * lf + 1.0)
                * (self.rsq[l + 1 - m] * self.rsq[l + 1 + m])
                * (self.rsq[l + 1 - spin] * self.rsq[l + 1 + spin]);
            let i = l - l0;
            if l > l0 {
                let beta = (self.sq[l - m] * self.sq[l + m])
                    * (self.sq[l - spin] * self.sq[l + spin])
                    / (lf * (2.0 * lf + 1.0));
                norm.push(alpha * beta * norm[i - 1]);
            }
            let a = alpha * norm[i] / norm[i + 1];
            let gamma = mf * sf / (lf * l1);
            out.push([a, a * gamma]);
        }
    }
}

/// The scalar Legendre sums of one m as a recurrence in `x²`, two degrees
/// a step (the scheme of ducc0, Reinecke et al.; derived here from the
/// three-term recurrence `x λ_l = ε_{l+1} λ_{l+1} + ε_l λ_{l-1}`,
/// `ε_l = sqrt((l²-m²)/(4l²-1))`).
///
/// With `l = m + 2j`, the even degrees `E_j = λ_l` and the odd ones divided
/// by `x`, `O_j = λ_{l+1}/x`, are polynomials in `x²` (times `sin^m θ`), and
/// the recurrence gives `E_j = ε_{l+1} O_j + ε_l O_{j-1}` and
/// `ε_{l+2} ε_{l+3} O_{j+1} = (x² - ε_{l+1}² - ε_{l+2}²) O_j - ε_l ε_{l+1} O_{j-1}`.
/// Scaling `O_j = α_j F_j` with `α_0 = 1/ε_{m+1}` and
/// `α_{j+1} = σ_j / (ε_{l+2} ε_{l+3} α_j)`, `σ_j = (-1)^j`, makes the last
/// coefficient one:
/// `F_{j+1} = (a_j x² + b_j) F_j + F_{j-1}`, `a_j = σ_j α_j²`,
/// `b_j = -a_j (ε_{l+1}² + ε_{l+2}²)`, from `F_0 = λ_mm`, `F_{-1} = 0`.
/// A step costs two fused multiply-adds and serves two degrees: the sums
/// over even degrees are sums over `F_j` with coefficients mixed from
/// neighbouring `a_lm` ([`Self::synthesis_coefficients`]), the odd ones are
/// `x Σ_j α_j a_{l+1,m} F_j`.
#[derive(Debug, Clone, Default)]
pub struct EvenOdd {
    m: usize,
    lmax: usize,
    /// `[a_j, b_j]`, `j = 0..=(lmax - m)/2`.
    pub coef: Vec<[f64; 2]>,
    /// `α_j`, one more than `coef`.
    alpha: Vec<f64>,
    /// `ε_l` at index `l - m`, `l = m..=lmax + 3`.
    eps: Vec<f64>,
}

impl EvenOdd {
    /// The number of steps, `(lmax - m)/2 + 1`.
    pub fn steps(&self) -> usize {
        self.coef.len()
    }

    /// The coefficients of `F_j` for synthesis from `alm` (index `l - m`):
    /// appends `[α_j (a_l ε_{l+1} + a_{l+2} ε_{l+2}), α_j a_{l+1}]` per `j`
    /// (`a` beyond lmax is zero).
    pub fn synthesis_coefficients(&self, alm: &[Complex64], out: &mut Vec<[Complex64; 2]>) {
        let n = self.lmax + 1 - self.m;
        let zero = Complex64::new(0.0, 0.0);
        let at = |i: usize| if i < n { alm[i] } else { zero };
        for j in 0..self.steps() {
            let i = 2 * j;
            let al = self.alpha[j];
            let even = (at(i) * self.eps[i + 1] + at(i + 2) * self.eps[i + 2]) * al;
            out.push([even, at(i + 1) * al]);
        }
    }

    /// Adds to `alm` (index `l - m`) the coefficients whose sums over rings
    /// are `sums[j] = [Σ F_j G+, Σ F_j x G-]`:
    /// `a_{l+1} += α_j odd_j`, `a_l += α_j ε_{l+1} even_j + α_{j-1} ε_l even_{j-1}`.
    pub fn analysis_result(&self, sums: impl Fn(usize) -> [Complex64; 2], alm: &mut [Complex64]) {
        let n = self.lmax + 1 - self.m;
        let mut prev = Complex64::new(0.0, 0.0);
        for j in 0..self.steps() {
            let i = 2 * j;
            let [even, odd] = sums(j);
            let al = self.alpha[j];
            let mut a = even * (al * self.eps[i + 1]);
            if j > 0 {
                a += prev * (self.alpha[j - 1] * self.eps[i]);
            }
            alm[i] += a;
            if i + 1 < n {
                alm[i + 1] += odd * al;
            }
            prev = even;
        }
    }
}

dispatch! {
    avx512;
    /// Scalar synthesis for one m and one lane group, in the `x²` form
    /// ([`EvenOdd`]): `alm[c][j] = [even, odd]` are component `c`'s
    /// coefficients of `F_j` ([`EvenOdd::synthesis_coefficients`]). Adds
    /// `Σ_j even_j F_j` and `Σ_j odd_j F_j` to `acc[c] = [even re, even im,
    /// odd re, odd im]`; the caller multiplies the odd sums by `x`.
    pub fn synth_scalar = synth_scalar_impl(
        coef: &[[f64; 2]],
        x2: &Lanes,
        rec: Rec,
        alm: &[&[[Complex64; 2]]],
        acc: &mut [[Lanes; 4]],
    );
}

#[inline(always)]
fn synth_scalar_impl<const FMA: bool>(
    coef: &[[f64; 2]],
    x2: &Lanes,
    rec: Rec,
    alm: &[&[[Complex64; 2]]],
    acc: &mut [[Lanes; 4]],
) {
    // components two at a time, with the sums in registers
    let mut c0 = 0;
    while c0 < alm.len() {
        let n = if alm.len() - c0 >= 2 { 2 } else { 1 };
        if n == 2 {
            synth_scalar_c::<FMA, 2>(coef, x2, rec, &alm[c0..c0 + 2], &mut acc[c0..c0 + 2]);
        } else {
            synth_scalar_c::<FMA, 1>(coef, x2, rec, &alm[c0..c0 + 1], &mut acc[c0..c0 + 1]);
        }
        c0 += n;
    }
}

/// `acc[c] += lam * alm[c][j]` (even and odd, real and imaginary parts).
#[inline(always)]
fn accumulate<const FMA: bool, const C: usize>(
    acc: &mut [[Lanes; 4]; C],
    lam: &Lanes,
    alm: &[&[[Complex64; 2]]; C],
    j: usize,
) {
    for c in 0..C {
        let [e, o] = alm[c][j];
        let v = [e.re, e.im, o.re, o.im];
        for k in 0..4 {
            for i in 0..NV {
                acc[c][k][i] = madd::<FMA>(lam[i], v[k], acc[c][k][i]);
            }
        }
    }
}

#[inline(always)]
fn synth_scalar_c<const FMA: bool, const C: usize>(
    coef: &[[f64; 2]],
    x2: &Lanes,
    mut rec: Rec,
    alm: &[&[[Complex64; 2]]],
    acc_out: &mut [[Lanes; 4]],
) {
    let nj = coef.len();
    let mut acc = [[[0.0; NV]; 4]; C];
    let alm: [&[[Complex64; 2]]; C] = std::array::from_fn(|c| &alm[c][..nj]);
    let mut j = 0;
    // scaled phase
    while j < nj && !rec.all_unscaled() {
        accumulate::<FMA, C>(&mut acc, &rec.masked(), &alm, j);
        let [a, b] = coef[j];
        rec.step_x2::<FMA>(x2, a, b);
        rec.rescale();
        j += 1;
    }
    // plain phase, two steps a pass
    while j + 1 < nj {
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, j);
        let [a, b] = coef[j];
        rec.step_x2::<FMA>(x2, a, b);
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, j + 1);
        let [a, b] = coef[j + 1];
        rec.step_x2::<FMA>(x2, a, b);
        j += 2;
    }
    if j < nj {
        accumulate::<FMA, C>(&mut acc, &rec.cur, &alm, j);
    }
    for c in 0..C {
        for k in 0..4 {
            for i in 0..NV {
                acc_out[c][k][i] += acc[c][k][i];
            }
        }
    }
}

dispatch! {
    /// Scalar analysis for one m and one lane group, in the `x²` form
    /// ([`EvenOdd`]): `g[c] = [G+ re, G+ im, x G- re, x G- im]` per lane
    /// (`G± = G_north ± G_south`); adds `F_j G+` and `F_j x G-` per lane to
    /// `acc[j * ncomp + c] = [even re, even im, odd re, odd im]`
    /// ([`EvenOdd::analysis_result`] turns them into `a_lm`).
    pub fn anal_scalar = anal_scalar_impl(
        coef: &[[f64; 2]],
        x2: &Lanes,
        rec: Rec,
        g: &[[Lanes; 4]],
        acc: &mut [[Half; 4]],
    );
}

/// `dst[c] += lam * g[c]` for every component, lanes folded in half.
#[inline(always)]
fn add_scalar<const FMA: bool>(dst: &mut [[Half; 4]], lam: &Lanes, g: &[[Lanes; 4]]) {
    const H: usize = NV / 2;
    for (d, gc) in dst.iter_mut().zip(g) {
        for k in 0..4 {
            for i in 0..H {
                d[k][i] = madd::<FMA>(
                    lam[i],
                    gc[k][i],
                    madd::<FMA>(lam[i + H], gc[k][i + H], d[k][i]),
                );
            }
        }
    }
}

/// `dst[c] += la * ga[c] + lb * gb[c]`, 16 lanes folded to 4.
#[inline(always)]
fn add_pair<const FMA: bool>(
    dst: &mut [[Half; 4]],
    la: &Lanes,
    ga: &[[Lanes; 4]],
    lb: &Lanes,
    gb: &[[Lanes; 4]],
) {
    const H: usize = NV / 2;
    for ((d, a), b) in dst.iter_mut().zip(ga).zip(gb) {
        for k in 0..4 {
            for i in 0..H {
                let s = madd::<FMA>(la[i + H], a[k][i + H], d[k][i]);
                let s = madd::<FMA>(lb[i], b[k][i], s);
                let s = madd::<FMA>(lb[i + H], b[k][i + H], s);
                d[k][i] = madd::<FMA>(la[i], a[k][i], s);
            }
        }
    }
}

/// The scaled phase of one group (from step `*j`), accumulating only the
/// lanes that are unscaled; leaves `*j` at the first step where every lane
/// is unscaled (or past the last).
#[inline(always)]
fn anal_scaled<const FMA: bool>(
    coef: &[[f64; 2]],
    x2: &Lanes,
    rec: &mut Rec,
    g: &[[Lanes; 4]],
    acc: &mut [[Half; 4]],
    j: &mut usize,
) {
    let ncomp = g.len();
    while *j < coef.len() && !rec.all_unscaled() {
        add_scalar::<FMA>(&mut acc[*j * ncomp..], &rec.masked(), g);
        let [a, b] = coef[*j];
        rec.step_x2::<FMA>(x2, a, b);
        rec.rescale();
        *j += 1;
    }
}

/// The plain phase of one group over the steps `j0..j1`.
#[inline(always)]
fn anal_plain<const FMA: bool>(
    coef: &[[f64; 2]],
    x2: &Lanes,
    rec: &mut Rec,
    g: &[[Lanes; 4]],
    acc: &mut [[Half; 4]],
    steps: std::ops::Range<usize>,
) {
    let ncomp = g.len();
    for j in steps {
        add_scalar::<FMA>(&mut acc[j * ncomp..], &rec.cur, g);
        let [a, b] = coef[j];
        rec.step_x2::<FMA>(x2, a, b);
    }
}

#[inline(always)]
fn anal_scalar_impl<const FMA: bool>(
    coef: &[[f64; 2]],
    x2: &Lanes,
    mut rec: Rec,
    g: &[[Lanes; 4]],
    acc: &mut [[Half; 4]],
) {
    let ncomp = g.len();
    let nj = coef.len();
    let acc = &mut acc[..nj * ncomp];
    let mut j = 0;
    anal_scaled::<FMA>(coef, x2, &mut rec, g, acc, &mut j);
    anal_plain::<FMA>(coef, x2, &mut rec, g, acc, j..nj);
}

dispatch! {
    /// [`anal_scalar`] for two lane groups `a` and `b` at once: both
    /// recurrences advance together and their products are summed into the
    /// same accumulators, which halves the accumulator traffic per ring.
    pub fn anal_scalar_pair = anal_scalar_pair_impl(
        coef: &[[f64; 2]],
        xa2: &Lanes,
        reca: Rec,
        ga: &[[Lanes; 4]],
        xb2: &Lanes,
        recb: Rec,
        gb: &[[Lanes; 4]],
        acc: &mut [[Half; 4]],
    );
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn anal_scalar_pair_impl<const FMA: bool>(
    coef: &[[f64; 2]],
    xa2: &Lanes,
    mut ra: Rec,
    ga: &[[Lanes; 4]],
    xb2: &Lanes,
    mut rb: Rec,
    gb: &[[Lanes; 4]],
    acc: &mut [[Half; 4]],
) {
    let ncomp = ga.len();
    let nj = coef.len();
    let acc = &mut acc[..nj * ncomp];
    let (mut ja, mut jb) = (0, 0);
    anal_scaled::<FMA>(coef, xa2, &mut ra, ga, acc, &mut ja);
    anal_scaled::<FMA>(coef, xb2, &mut rb, gb, acc, &mut jb);
    // the group that left its scaled phase first runs alone up to the other
    anal_plain::<FMA>(coef, xa2, &mut ra, ga, acc, ja..jb);
    anal_plain::<FMA>(coef, xb2, &mut rb, gb, acc, jb..ja);
    for j in ja.max(jb)..nj {
        add_pair::<FMA>(&mut acc[j * ncomp..], &ra.cur, ga, &rb.cur, gb);
        let [a, b] = coef[j];
        ra.step_x2::<FMA>(xa2, a, b);
        rb.step_x2::<FMA>(xb2, a, b);
    }
}

dispatch! {
    avx512 wide;
    /// Spin synthesis for one m and one lane group. `eb[f] = (E'', B'')` are
    /// field f's coefficients already multiplied by `-c_l N_l/2` (index `l - l0`,
    /// `N_l` of [`Tables::spin_coefficients`]).
    ///
    /// The north ring needs `S_P = Σ P (E'' + iB'')` and `S_M = Σ M (E'' - iB'')`
    /// (`Q = S_P + S_M`, `U = -i (S_P - S_M)`), the south ring, where `P` and
    /// `M` trade places and pick up `σ_l = (-1)^(l+m+s)`, `Σ σ M (E'' + iB'')`
    /// and `Σ σ P (E'' - iB'')`. Folding the parity into the coefficients
    /// (ducc0's scheme), four complex sums serve both rings:
    /// `X1 = Σ_even P E'' + Σ_odd P iB''`, `X2 = Σ_even P iB'' + Σ_odd P E''`,
    /// `Y1 = Σ_even M E'' - Σ_odd M iB''`, `Y2 = -Σ_even M iB'' + Σ_odd M E''`
    /// (even and odd: the parity of `l + m + s`), so that `S_P = X1 + X2`,
    /// `S_M = Y1 + Y2`, `Σ σ M (E'' + iB'') = Y1 - Y2`,
    /// `Σ σ P (E'' - iB'') = X1 - X2`. Eight lane vectors of sums stay in
    /// registers (the former layout, per parity and `W± = P ± M`, needed
    /// sixteen, which lived in memory); a degree costs eight fused
    /// multiply-adds, four without B-mode, besides the two recurrences. The
    /// AVX-512 build runs `P` and `M` together (thirty-two registers); the
    /// AVX2 and portable builds, whose sixteen registers hold half as many
    /// lanes, run them in two passes ([`spin_pass`]), four sums each. The
    /// operations per sum are the same either way, and so are the results.
    ///
    /// Adds to `acc[f]`: `[X1 re, im, X2 re, im, Y1 re, im, Y2 re, im]`.
    pub fn synth_spin = synth_spin_impl(
        m: usize,
        spin: usize,
        lmax: usize,
        coef: &[[f64; 2]],
        x: &Lanes,
        p: Rec,
        mm: Rec,
        eb: &[(&[Complex64], &[Complex64])],
        acc: &mut [[Lanes; 8]],
    );
}

/// One degree of the spin synthesis into the folded sums of
/// [`synth_spin`], for `l + m + s` odd (`ODD`) or even. With `ZB` (a field
/// without B-mode) the `iB''` terms are skipped: they are zero, and the
/// `E''` terms are the same operations as without `ZB`.
#[inline(always)]
fn spin_acc<const FMA: bool, const ODD: bool, const ZB: bool>(
    s: &mut [Lanes; 8],
    pv: &Lanes,
    mv: &Lanes,
    ev: Complex64,
    bv: Complex64,
) {
    // E'' goes to X1, Y1 for even parity and to X2, Y2 for odd; iB'' to the
    // others (+ for P, - for M); iB'' = (-B''.im, B''.re)
    let (xe, xb) = if ODD { (2, 0) } else { (0, 2) };
    let (ye, yb) = (xe + 4, xb + 4);
    for i in 0..NV {
        let (p, m) = (pv[i], mv[i]);
        s[xe][i] = madd::<FMA>(p, ev.re, s[xe][i]);
        s[xe + 1][i] = madd::<FMA>(p, ev.im, s[xe + 1][i]);
        s[ye][i] = madd::<FMA>(m, ev.re, s[ye][i]);
        s[ye + 1][i] = madd::<FMA>(m, ev.im, s[ye + 1][i]);
        if !ZB {
            s[xb][i] = madd::<FMA>(p, -bv.im, s[xb][i]);
            s[xb + 1][i] = madd::<FMA>(p, bv.re, s[xb + 1][i]);
            s[yb][i] = madd::<FMA>(m, bv.im, s[yb][i]);
            s[yb + 1][i] = madd::<FMA>(m, -bv.re, s[yb + 1][i]);
        }
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn synth_spin_impl<const FMA: bool, const WIDE: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    p: Rec,
    mm: Rec,
    eb: &[(&[Complex64], &[Complex64])],
    acc_out: &mut [[Lanes; 8]],
) {
    let l0 = m.max(spin);
    for (f, (e, b)) in eb.iter().enumerate() {
        // one field at a time, sums in registers (recurrence recomputed per
        // field: cheap next to the sums)
        let (e, b) = (&e[..lmax + 1 - l0], &b[..lmax + 1 - l0]);
        let coef = &coef[..lmax - l0];
        // a field without B-mode (all of lensing) skips half the sums
        let zb = b.iter().all(|v| v.re == 0.0 && v.im == 0.0);
        let sums = match (WIDE, zb) {
            (true, true) => spin_field::<FMA, true>(m, spin, lmax, coef, x, p, mm, e, b),
            (true, false) => spin_field::<FMA, false>(m, spin, lmax, coef, x, p, mm, e, b),
            (false, true) => spin_passes::<FMA, true>(m, spin, lmax, coef, x, p, mm, e, b),
            (false, false) => spin_passes::<FMA, false>(m, spin, lmax, coef, x, p, mm, e, b),
        };
        for (o, s) in acc_out[f].iter_mut().zip(&sums) {
            for i in 0..NV {
                o[i] += s[i];
            }
        }
    }
}

/// The folded sums of one field of [`synth_spin_impl`] over the degrees
/// `l0..=lmax` (returned, so that they live in registers).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn spin_field<const FMA: bool, const ZB: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    p: Rec,
    mm: Rec,
    e: &[Complex64],
    b: &[Complex64],
) -> [Lanes; 8] {
    let l0 = m.max(spin);
    let mut s = [[0.0; NV]; 8];
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
            spin_acc::<FMA, false, ZB>(&mut s, &pv, &mv, ev, bv);
        } else {
            spin_acc::<FMA, true, ZB>(&mut s, &pv, &mv, ev, bv);
        }
        if l < lmax {
            Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l - l0]);
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
        spin_acc::<FMA, true, ZB>(&mut s, &p.cur, &mm.cur, e[l - l0], b[l - l0]);
        if l < lmax {
            Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l - l0]);
        }
        l += 1;
    }
    while l < lmax {
        spin_acc::<FMA, false, ZB>(&mut s, &p.cur, &mm.cur, e[l - l0], b[l - l0]);
        Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l - l0]);
        spin_acc::<FMA, true, ZB>(&mut s, &p.cur, &mm.cur, e[l + 1 - l0], b[l + 1 - l0]);
        if l + 2 <= lmax {
            Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l + 1 - l0]);
        }
        l += 2;
    }
    if l == lmax {
        spin_acc::<FMA, false, ZB>(&mut s, &p.cur, &mm.cur, e[l - l0], b[l - l0]);
    }
    s
}

/// The folded sums of [`spin_field`] from two passes, `P` then `M`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn spin_passes<const FMA: bool, const ZB: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    p: Rec,
    mm: Rec,
    e: &[Complex64],
    b: &[Complex64],
) -> [Lanes; 8] {
    let [x1r, x1i, x2r, x2i] = spin_pass::<FMA, ZB, false>(m, spin, lmax, coef, x, p, e, b);
    let [y1r, y1i, y2r, y2i] = spin_pass::<FMA, ZB, true>(m, spin, lmax, coef, x, mm, e, b);
    [x1r, x1i, x2r, x2i, y1r, y1i, y2r, y2i]
}

/// One degree of one spin recurrence (`M` if `MINUS`, else `P`) into its
/// two folded sums of [`synth_spin`]: `s = [X1 or Y1 re, im, X2 or Y2 re,
/// im]`, `E''` to the first for even `l + m + s`, to the second for odd,
/// and `+iB''` (`P`) or `-iB''` (`M`) to the other; the operations of
/// [`spin_acc`] for this recurrence.
#[inline(always)]
fn spin_acc1<const FMA: bool, const ODD: bool, const ZB: bool, const MINUS: bool>(
    s: &mut [Lanes; 4],
    v: &Lanes,
    ev: Complex64,
    bv: Complex64,
) {
    let (xe, xb) = if ODD { (2, 0) } else { (0, 2) };
    // ±iB'' = (∓B''.im, ±B''.re)
    let (br, bi) = if MINUS {
        (bv.im, -bv.re)
    } else {
        (-bv.im, bv.re)
    };
    for i in 0..NV {
        s[xe][i] = madd::<FMA>(v[i], ev.re, s[xe][i]);
        s[xe + 1][i] = madd::<FMA>(v[i], ev.im, s[xe + 1][i]);
        if !ZB {
            s[xb][i] = madd::<FMA>(v[i], br, s[xb][i]);
            s[xb + 1][i] = madd::<FMA>(v[i], bi, s[xb + 1][i]);
        }
    }
}

/// One pass of [`spin_passes`]: the recurrence `r` (`P`, or `M` if
/// `MINUS`: `x - γ`) over `l0..=lmax`, its scaled phase masked as in
/// [`spin_field`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn spin_pass<const FMA: bool, const ZB: bool, const MINUS: bool>(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    r: Rec,
    e: &[Complex64],
    b: &[Complex64],
) -> [Lanes; 4] {
    let l0 = m.max(spin);
    let mut s = [[0.0; NV]; 4];
    let mut r = r;
    let step = |r: &mut Rec, [a, ag]: [f64; 2]| {
        r.step_n::<FMA>(x, a, if MINUS { -ag } else { ag });
    };
    let mut l = l0;
    let mut scaled = !r.all_unscaled();
    while l <= lmax && scaled {
        let v = r.masked();
        if (l + m + spin) & 1 == 0 {
            spin_acc1::<FMA, false, ZB, MINUS>(&mut s, &v, e[l - l0], b[l - l0]);
        } else {
            spin_acc1::<FMA, true, ZB, MINUS>(&mut s, &v, e[l - l0], b[l - l0]);
        }
        if l < lmax {
            step(&mut r, coef[l - l0]);
            r.rescale();
            scaled = !r.all_unscaled();
        }
        l += 1;
    }
    if l <= lmax && (l + m + spin) & 1 == 1 {
        spin_acc1::<FMA, true, ZB, MINUS>(&mut s, &r.cur, e[l - l0], b[l - l0]);
        if l < lmax {
            step(&mut r, coef[l - l0]);
        }
        l += 1;
    }
    while l < lmax {
        spin_acc1::<FMA, false, ZB, MINUS>(&mut s, &r.cur, e[l - l0], b[l - l0]);
        step(&mut r, coef[l - l0]);
        spin_acc1::<FMA, true, ZB, MINUS>(&mut s, &r.cur, e[l + 1 - l0], b[l + 1 - l0]);
        if l + 2 <= lmax {
            step(&mut r, coef[l + 1 - l0]);
        }
        l += 2;
    }
    if l == lmax {
        spin_acc1::<FMA, false, ZB, MINUS>(&mut s, &r.cur, e[l - l0], b[l - l0]);
    }
    s
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
        coef: &[[f64; 2]],
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
    coef: &[[f64; 2]],
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
            Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l - l0]);
            p.rescale();
            mm.rescale();
            scaled = !(p.all_unscaled() && mm.all_unscaled());
        }
        l += 1;
    }
    if l <= lmax && (l + m + spin) & 1 == 1 {
        spin_add::<FMA, false>(&mut acc[(l - l0) * nf..], &p.cur, &mm.cur, g);
        if l < lmax {
            Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l - l0]);
        }
        l += 1;
    }
    while l < lmax {
        spin_add::<FMA, true>(&mut acc[(l - l0) * nf..], &p.cur, &mm.cur, g);
        Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l - l0]);
        spin_add::<FMA, false>(&mut acc[(l + 1 - l0) * nf..], &p.cur, &mm.cur, g);
        if l + 2 <= lmax {
            Rec::step_spin::<FMA>(&mut p, &mut mm, x, coef[l + 1 - l0]);
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
        // the x² recurrence reproduces the three-term one: λ_{m+2j} =
        // ε_{l+1} α_j F_j + ε_l α_{j-1} F_{j-1}, λ_{m+2j+1} = x α_j F_j
        let mut eo = EvenOdd::default();
        for m in [0, 1, 7, 150, 298, 299, 300] {
            t.scalar_x2(m, lmax, &mut eo);
            assert_eq!(eo.steps(), (lmax - m) / 2 + 1);
            for x in [0.0, 0.31, -0.77, 0.999] {
                let mut lam = vec![0.0; lmax + 1];
                let (mut prev, mut cur) = (0.0, 1.0);
                lam[m] = cur;
                for l in m + 1..=lmax {
                    let [a, ab] = scalar_recurrence(l, m);
                    (prev, cur) = (cur, a * x * cur - ab * prev);
                    lam[l] = cur;
                }
                let scale = lam.iter().fold(1.0f64, |s, v| s.max(v.abs()));
                let (mut f_prev, mut f) = (0.0, 1.0);
                for j in 0..eo.steps() {
                    let l = m + 2 * j;
                    let mut even = eo.eps[2 * j + 1] * eo.alpha[j] * f;
                    if j > 0 {
                        even += eo.eps[2 * j] * eo.alpha[j - 1] * f_prev;
                    }
                    assert!((even - lam[l]).abs() <= 1e-12 * scale, "m {m} l {l} x {x}");
                    if l < lmax {
                        let odd = x * eo.alpha[j] * f;
                        assert!(
                            (odd - lam[l + 1]).abs() <= 1e-12 * scale,
                            "m {m} l {} x {x}",
                            l + 1
                        );
                    }
                    let [a, b] = eo.coef[j];
                    (f_prev, f) = (f, (a * x * x + b) * f + f_prev);
                }
            }
        }
        // the normalised spin recurrence reproduces d^l_{m,±s}: d = N d~
        let (mut c, mut norm) = (Vec::new(), Vec::new());
        for s in [1, 2] {
            for m in [0, 1, 2, 7, 150, 299] {
                t.spin_coefficients(m, s, lmax, &mut c, &mut norm);
                let l0 = m.max(s);
                for x in [0.0, 0.42, -0.9] {
                    for sign in [1.0, -1.0] {
                        let (mut dp, mut d) = (0.0, 1.0);
                        let (mut np, mut n) = (0.0, 1.0);
                        let mut scale = 1.0f64;
                        for l in l0..lmax {
                            let [al, ab, ga] = spin_recurrence(l, m, s);
                            (dp, d) = (d, al * (x + sign * ga) * d - ab * dp);
                            let [a, ag] = c[l - l0];
                            (np, n) = (n, (a * x + sign * ag) * n - np);
                            let got = n * norm[l + 1 - l0];
                            scale = scale.max(d.abs());
                            assert!(
                                (got - d).abs() <= 1e-12 * scale,
                                "s {s} m {m} l {} x {x}: {got} vs {d}",
                                l + 1
                            );
                        }
                    }
                }
            }
        }
    }
}
