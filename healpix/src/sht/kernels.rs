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

    /// `next = a x' cur - b prev` with `x' = x + shift` per lane.
    #[inline(always)]
    fn step(&mut self, x: &Lanes, shift: f64, a: f64, b: f64) {
        for i in 0..NV {
            let next = a * ((x[i] + shift) * self.cur[i]) - b * self.prev[i];
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

/// Scalar recurrence coefficients for one m: entry `l - m` holds
/// `(a_lm, a_lm b_lm)` for the step to `l` (entry 0 unused).
pub fn scalar_coefficients(m: usize, lmax: usize, out: &mut Vec<[f64; 2]>) {
    out.clear();
    out.push([0.0, 0.0]);
    let mf = m as f64;
    for l in m + 1..=lmax {
        let lf = l as f64;
        let a = ((4.0 * lf * lf - 1.0) / ((lf - mf) * (lf + mf))).sqrt();
        let l1 = lf - 1.0;
        let b = ((l1 - mf) * (l1 + mf) / (4.0 * l1 * l1 - 1.0)).sqrt();
        out.push([a, a * b]);
    }
}

/// Spin recurrence coefficients for one m: entry `l - l0` holds
/// `(α_l, α_l β_l, γ_l)` for the step from `l` to `l + 1`.
pub fn spin_coefficients(m: usize, spin: usize, lmax: usize, out: &mut Vec<[f64; 3]>) {
    out.clear();
    let (mf, sf) = (m as f64, spin as f64);
    let l0 = m.max(spin);
    for l in l0..lmax {
        let lf = l as f64;
        let l1 = lf + 1.0;
        let alpha =
            l1 * (2.0 * lf + 1.0) / (((l1 - mf) * (l1 + mf)) * ((l1 - sf) * (l1 + sf))).sqrt();
        let beta =
            (((lf - mf) * (lf + mf)) * ((lf - sf) * (lf + sf))).sqrt() / (lf * (2.0 * lf + 1.0));
        let gamma = mf * sf / (lf * l1);
        out.push([alpha, alpha * beta, gamma]);
    }
}

/// Scalar synthesis for one m and one lane group. `alm[c]` holds the
/// coefficients of component `c` for this m (index `l - m`). Adds to
/// `acc[c] = [even re, even im, odd re, odd im]` (parity of `l - m`).
pub fn synth_scalar(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    mut rec: Rec,
    alm: &[&[Complex64]],
    acc: &mut [[Lanes; 4]],
) {
    let mut l = m;
    // scaled phase
    while l <= lmax && !rec.all_unscaled() {
        let lam = rec.masked();
        let par = 2 * ((l - m) & 1);
        for (c, a) in alm.iter().enumerate() {
            let v = a[l - m];
            for i in 0..NV {
                acc[c][par][i] += lam[i] * v.re;
                acc[c][par + 1][i] += lam[i] * v.im;
            }
        }
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            rec.step(x, 0.0, a, ab);
            rec.rescale();
        }
        l += 1;
    }
    // plain phase
    while l <= lmax {
        let par = 2 * ((l - m) & 1);
        for (c, a) in alm.iter().enumerate() {
            let v = a[l - m];
            for i in 0..NV {
                acc[c][par][i] += rec.cur[i] * v.re;
                acc[c][par + 1][i] += rec.cur[i] * v.im;
            }
        }
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            rec.step(x, 0.0, a, ab);
        }
        l += 1;
    }
}

/// Scalar analysis for one m and one lane group: `g[c] = [G+ re, G+ im,
/// G- re, G- im]` per lane (`G± = G_north ± G_south`); adds
/// `λ_lm G±` per lane to `acc[(l - m) * ncomp + c] = [re, im]`.
pub fn anal_scalar(
    m: usize,
    lmax: usize,
    coef: &[[f64; 2]],
    x: &Lanes,
    mut rec: Rec,
    g: &[[Lanes; 4]],
    acc: &mut [[Lanes; 2]],
) {
    let ncomp = g.len();
    let mut l = m;
    while l <= lmax && !rec.all_unscaled() {
        let lam = rec.masked();
        let par = 2 * ((l - m) & 1);
        for (c, gc) in g.iter().enumerate() {
            let dst = &mut acc[(l - m) * ncomp + c];
            for i in 0..NV {
                dst[0][i] += lam[i] * gc[par][i];
                dst[1][i] += lam[i] * gc[par + 1][i];
            }
        }
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            rec.step(x, 0.0, a, ab);
            rec.rescale();
        }
        l += 1;
    }
    while l <= lmax {
        let par = 2 * ((l - m) & 1);
        for (c, gc) in g.iter().enumerate() {
            let dst = &mut acc[(l - m) * ncomp + c];
            for i in 0..NV {
                dst[0][i] += rec.cur[i] * gc[par][i];
                dst[1][i] += rec.cur[i] * gc[par + 1][i];
            }
        }
        if l < lmax {
            let [a, ab] = coef[l + 1 - m];
            rec.step(x, 0.0, a, ab);
        }
        l += 1;
    }
}

/// Spin synthesis for one m and one lane group. `eb[f] = (E'', B'')` are
/// field f's coefficients already multiplied by `-c_l/2` (index `l - l0`).
/// Adds to `acc[f]`, per parity `p` of `l + m + s`, at `8 p + ..`:
/// `[ΣE''W+ re, im, ΣB''W+ re, im, ΣE''W- re, im, ΣB''W- re, im]`
/// with `W± = P ± M`.
#[allow(clippy::too_many_arguments)]
pub fn synth_spin(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 3]],
    x: &Lanes,
    mut p: Rec,
    mut mm: Rec,
    eb: &[(&[Complex64], &[Complex64])],
    acc: &mut [[Lanes; 16]],
) {
    let l0 = m.max(spin);
    let mut l = l0;
    let mut scaled = !(p.all_unscaled() && mm.all_unscaled());
    while l <= lmax {
        let (pv, mv) = if scaled {
            (p.masked(), mm.masked())
        } else {
            (p.cur, mm.cur)
        };
        let mut wp = [0.0; NV];
        let mut wm = [0.0; NV];
        for i in 0..NV {
            wp[i] = pv[i] + mv[i];
            wm[i] = pv[i] - mv[i];
        }
        let par = 8 * ((l + m + spin) & 1);
        for (f, (e, b)) in eb.iter().enumerate() {
            let (e, b) = (e[l - l0], b[l - l0]);
            let a = &mut acc[f];
            for i in 0..NV {
                a[par][i] += wp[i] * e.re;
                a[par + 1][i] += wp[i] * e.im;
                a[par + 2][i] += wp[i] * b.re;
                a[par + 3][i] += wp[i] * b.im;
                a[par + 4][i] += wm[i] * e.re;
                a[par + 5][i] += wm[i] * e.im;
                a[par + 6][i] += wm[i] * b.re;
                a[par + 7][i] += wm[i] * b.im;
            }
        }
        if l < lmax {
            let [al, ab, ga] = coef[l - l0];
            p.step(x, ga, al, ab);
            mm.step(x, -ga, al, ab);
            if scaled {
                p.rescale();
                mm.rescale();
                scaled = !(p.all_unscaled() && mm.all_unscaled());
            }
        }
        l += 1;
    }
}

/// Spin analysis for one m and one lane group. `g[f]` per lane:
/// `[q+ re, q+ im, q- re, q- im, u+ re, u+ im, u- re, u- im]`
/// (`q± = q_north ± q_south`). Adds, at `acc[(l - l0) * nf + f]`:
/// `[Σ W+ qa re, im, Σ W- ub re, im, Σ W+ ua re, im, Σ W- qb re, im]`
/// where for even `l + m + s` `(qa, ub, ua, qb) = (q+, u-, u+, q-)` and for
/// odd the signs swap. The caller forms `E = -c/2 (S1 + i S2)`,
/// `B = -c/2 (S3 - i S4)`.
#[allow(clippy::too_many_arguments)]
pub fn anal_spin(
    m: usize,
    spin: usize,
    lmax: usize,
    coef: &[[f64; 3]],
    x: &Lanes,
    mut p: Rec,
    mut mm: Rec,
    g: &[[Lanes; 8]],
    acc: &mut [[Lanes; 8]],
) {
    let nf = g.len();
    let l0 = m.max(spin);
    let mut l = l0;
    let mut scaled = !(p.all_unscaled() && mm.all_unscaled());
    while l <= lmax {
        let (pv, mv) = if scaled {
            (p.masked(), mm.masked())
        } else {
            (p.cur, mm.cur)
        };
        let mut wp = [0.0; NV];
        let mut wm = [0.0; NV];
        for i in 0..NV {
            wp[i] = pv[i] + mv[i];
            wm[i] = pv[i] - mv[i];
        }
        // even: qa = q+ (0), ub = u- (6), ua = u+ (4), qb = q- (2)
        // odd:  qa = q- (2), ub = u+ (4), ua = u- (6), qb = q+ (0)
        let (qa, ub, ua, qb) = if (l + m + spin) & 1 == 0 {
            (0, 6, 4, 2)
        } else {
            (2, 4, 6, 0)
        };
        for (f, gf) in g.iter().enumerate() {
            let dst = &mut acc[(l - l0) * nf + f];
            for i in 0..NV {
                dst[0][i] += wp[i] * gf[qa][i];
                dst[1][i] += wp[i] * gf[qa + 1][i];
                dst[2][i] += wm[i] * gf[ub][i];
                dst[3][i] += wm[i] * gf[ub + 1][i];
                dst[4][i] += wp[i] * gf[ua][i];
                dst[5][i] += wp[i] * gf[ua + 1][i];
                dst[6][i] += wm[i] * gf[qb][i];
                dst[7][i] += wm[i] * gf[qb + 1][i];
            }
        }
        if l < lmax {
            let [al, ab, ga] = coef[l - l0];
            p.step(x, ga, al, ab);
            mm.step(x, -ga, al, ab);
            if scaled {
                p.rescale();
                mm.rescale();
                scaled = !(p.all_unscaled() && mm.all_unscaled());
            }
        }
        l += 1;
    }
}
