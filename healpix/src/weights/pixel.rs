//! Full pixel quadrature weights (healpy's `use_pixel_weights=True`),
//! computed here for any nside instead of downloaded.
//!
//! # What they are
//!
//! `map2alm` approximates `a_lm = ∫ f Y*_lm dΩ` by the quadrature
//! `Σ_p q_p f_p Y*_lm(p)`. With the plain pixel area `q_p = 4π/npix` the sum is
//! not exact even for band-limited `f`. healpix_cxx's full weights
//! (M. Reinecke 2016, `weight_utils.cc`, tool `compute_weights`, the files
//! `healpix_full_weights_nside_NNNN.fits` of healpy-data) set
//! `q_p = 4π/npix (1 + w_p)` with the correction `w` chosen so that the
//! quadrature integrates every `Y_lm`, `l <= L`, exactly:
//!
//! ```text
//! Σ_p (1 + w_p) Y_lm(p) = npix/sqrt(4π) δ_l0 δ_m0     for all l <= L, |m| <= l,
//! ```
//!
//! with `L = 3 nside` (healpy-data's `MAX_LPOL`). There are fewer equations
//! than pixels; of all solutions `w` is the one of least norm `Σ_p w_p²`
//! (Lambers, minimum-norm solutions of underdetermined systems). So
//! `w = A x` with `A` the synthesis matrix `A_{p,lm} = Y_lm(p)`, and `x`
//! solves the normal equations
//!
//! ```text
//! AᵀA x = b,   b = Aᵀ(-1) + npix/sqrt(4π) e_00,
//! ```
//!
//! which are solved by conjugate gradients (Shewchuk's algorithm B2, the
//! true residual recomputed every 300 iterations) from `x = 0`, stopping
//! when `|b - AᵀA x| <= tolerance |b|`; `w = A x`.
//!
//! # Symmetry
//!
//! The grid is symmetric under `φ → -φ`, under the equator mirror and under
//! rotation by `π/2`; so is `w`, and only `a_lm` with `l` even and `m` a
//! multiple of 4 (real) appear in `x`. One value per pixel of the symmetric
//! fundamental region is kept, in healpix_cxx's *compressed layout*: for each
//! northern ring `i = 0..2 nside` (from the pole; the equator last), the
//! first `wpix(i)` pixels of the ring in RING order, with
//! `qpix = min(nside, i + 1)` pixels per quadrant,
//! `wpix = ceil(qpix/2) + [qpix even and ring not shifted]`. Pixel `j` of
//! the ring, and of its southern mirror, takes the value number
//! `min(j mod qpix, qpix - shifted - j mod qpix)` of its ring
//! ([`PixelWeights::to_map`]). For nside 32 that is 800 values instead of
//! 12288 (healpy-data's files hold exactly these values, one column
//! `COMPRESSED PIXEL WEIGHTS`).
//!
//! The transforms `A` and `Aᵀ` here work on that layout directly: per
//! `m = 4k` a Legendre sum over the `2 nside` northern rings (only the
//! even-`l` functions, which are mirror symmetric), then a cosine sum over
//! `k` per stored pixel (Clenshaw). Rings where `λ_lm` is negligible for
//! all `l <= L` are skipped, with the same bound as the transforms
//! ([`crate::sht`]). Every reduction has a fixed order, so the result does
//! not depend on the number of threads.
//!
//! # Accuracy and cost
//!
//! Measured against healpy-data's files (`tests/pixel_weights.rs`; the
//! files themselves were converged by healpix_cxx to relative residuals
//! 6e-16, 8e-16, 2e-12, 3e-9 and 8e-8 for nside 32..512), the largest
//! difference relative to the largest weight is 1e-12 (nside 32, tolerance
//! 1e-12), 3e-10 (64, 1e-12), 2e-8 (128, tolerance 1e-10; the largest
//! relative difference of a single weight above 1e-3 of the largest is then
//! 7e-6, on weights near zero) and 2e-7 (256, tolerance 1e-8: 4911
//! iterations, 170 s). With the weights, `map2alm` without
//! iterations reproduces `a_lm` of a band-limited map to 1e-13 for
//! `lmax <= 1.5 nside` (products `Y_lm Y*_l'm'` of degree `<= 3 nside`),
//! which is healpy's rule for `iter = 0`; at `lmax = 2 nside` they are no
//! better than ring weights.
//!
//! The cost is that of healpix_cxx's method: plain CG, whose iteration
//! count grows quickly with nside (65 iterations for nside 32 and 940 for
//! 64 to reach 1e-12; 753 for 128 (3 s) and 1807 for 256 (48 s) to reach
//! 1e-7), each iteration one synthesis and one adjoint restricted to the
//! symmetric modes (about 4 ms at nside 128, 28 ms at 256, 0.6 s at 512
//! on 2 cores, where the Legendre table no longer fits the 128 MiB budget
//! and is recomputed). nside 32-128 take seconds; nside 512 and beyond
//! are impractical with this solver (an estimated hour at 512, far more
//! beyond): a faster solver is still to be found.

use std::f64::consts::PI;

use rayon::prelude::*;

use crate::error::{value_error, Result};
use crate::geometry::{Geometry, Ring};
use crate::sht::{mlim, scalar_recurrence};

/// How [`pixel_weights_with`] solves for the weights; GLASS/healpy's
/// defaults in [`Default`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelWeightOptions {
    /// Band limit `L` (even) up to which the quadrature is exact; `None`
    /// is healpy-data's `3 nside` (rounded down to even).
    pub lmax: Option<usize>,
    /// Relative residual `|b - AᵀA x| / |b|` at which CG stops.
    pub tolerance: f64,
    /// The most CG iterations (healpix_cxx's default is 10000).
    pub max_iterations: usize,
}

impl Default for PixelWeightOptions {
    fn default() -> Self {
        PixelWeightOptions {
            lmax: None,
            tolerance: 1e-10,
            max_iterations: 10_000,
        }
    }
}

/// The pixel weight corrections `w` of one nside in the compressed layout
/// (see the module doc); the quadrature weight of pixel `p` is
/// `4π/npix (1 + w_p)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PixelWeights {
    nside: usize,
    lmax: usize,
    values: Vec<f64>,
    iterations: usize,
    residual: f64,
}

impl PixelWeights {
    /// Weights given in the compressed layout (for instance read from
    /// healpy-data's `healpix_full_weights_nside_NNNN.fits`), made for band
    /// limit `lmax`.
    ///
    /// # Errors
    ///
    /// [`crate::HealpixError::Nside`] for an invalid nside,
    /// [`crate::HealpixError::Value`] when `values` does not have
    /// [`compressed_len`]`(nside)` entries.
    pub fn from_compressed(nside: i64, lmax: usize, values: Vec<f64>) -> Result<PixelWeights> {
        let n = compressed_len(nside)?;
        if values.len() != n {
            return value_error(format!(
                "pixel weights: {} values given, nside {nside} needs {n}",
                values.len()
            ));
        }
        Ok(PixelWeights {
            nside: nside as usize,
            lmax,
            values,
            iterations: 0,
            residual: f64::NAN,
        })
    }

    /// nside of the weights.
    pub fn nside(&self) -> usize {
        self.nside
    }

    /// Band limit they were computed for.
    pub fn lmax(&self) -> usize {
        self.lmax
    }

    /// The compressed values (healpy-data's file column).
    pub fn compressed(&self) -> &[f64] {
        &self.values
    }

    /// CG iterations spent (0 for [`PixelWeights::from_compressed`]).
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Relative residual reached (NaN for [`PixelWeights::from_compressed`]).
    pub fn residual(&self) -> f64 {
        self.residual
    }

    /// The full RING-ordered map of `w_p`, `12 nside²` values: healpy
    /// multiplies pixel `p` by `1 + w_p` before the transform.
    pub fn to_map(&self) -> Vec<f64> {
        let layout = Layout::new(self.nside);
        let mut map = vec![0.0; 12 * self.nside * self.nside];
        layout.expand(&self.values, &mut map);
        map
    }
}

/// Number of compressed values for `nside`.
///
/// # Errors
///
/// [`crate::HealpixError::Nside`] for an invalid nside.
pub fn compressed_len(nside: i64) -> Result<usize> {
    let g = Geometry::new(nside)?;
    Ok(Layout::new(g.nside()).len)
}

/// healpy's full pixel weights for `nside`, computed (see the module doc)
/// with the default options.
///
/// # Errors
///
/// As [`pixel_weights_with`].
pub fn pixel_weights(nside: i64) -> Result<PixelWeights> {
    pixel_weights_with(nside, &PixelWeightOptions::default())
}

/// The full pixel weights for `nside`, exact to band limit `opts.lmax`.
///
/// # Errors
///
/// [`crate::HealpixError::Nside`] for an invalid nside,
/// [`crate::HealpixError::Value`] for an odd `lmax` or a tolerance that is
/// not positive.
pub fn pixel_weights_with(nside: i64, opts: &PixelWeightOptions) -> Result<PixelWeights> {
    let geom = Geometry::new(nside)?;
    let n = geom.nside();
    let lmax = opts.lmax.unwrap_or(3 * n / 2 * 2);
    if lmax % 2 != 0 {
        return value_error(format!("pixel weights: lmax {lmax} must be even"));
    }
    if lmax > 1 << 16 {
        return value_error(format!("pixel weights: lmax {lmax} is too large"));
    }
    if opts.tolerance.is_nan() || opts.tolerance <= 0.0 {
        return value_error(format!(
            "pixel weights: tolerance {} must be positive",
            opts.tolerance
        ));
    }
    let op = Operator::new(&geom, lmax);
    let (x, iterations, residual) = op.solve(opts.tolerance, opts.max_iterations);
    Ok(PixelWeights {
        nside: n,
        lmax,
        values: op.synthesis(&x),
        iterations,
        residual,
    })
}

/// One northern ring in the compressed layout.
#[derive(Debug, Clone, Copy)]
struct RingLayout {
    ring: Ring,
    /// Pixels per quadrant.
    qpix: usize,
    /// Offset of the ring's first stored value.
    first: usize,
    /// Stored values of the ring.
    count: usize,
}

/// The compressed layout of an nside.
struct Layout {
    nside: usize,
    rings: Vec<RingLayout>,
    len: usize,
}

impl Layout {
    fn new(nside: usize) -> Layout {
        let mut rings = Vec::with_capacity(2 * nside);
        let mut first = 0;
        for i in 0..2 * nside {
            let ring = crate::geometry::ring(nside, i + 1);
            let qpix = nside.min(i + 1);
            let count = qpix.div_ceil(2) + usize::from(qpix % 2 == 0 && !ring.shifted);
            rings.push(RingLayout {
                ring,
                qpix,
                first,
                count,
            });
            first += count;
        }
        Layout {
            nside,
            rings,
            len: first,
        }
    }

    /// Stored value of pixel `j` of a ring.
    fn index(r: &RingLayout, j: usize) -> usize {
        let j4 = j % r.qpix;
        let s = usize::from(r.ring.shifted);
        r.first + j4.min(r.qpix - s - j4)
    }

    /// Writes every pixel of the RING map from the compressed values.
    fn expand(&self, values: &[f64], map: &mut [f64]) {
        let npix = 12 * self.nside * self.nside;
        for (i, r) in self.rings.iter().enumerate() {
            let n = r.ring.npix;
            let south = npix - r.ring.start - n;
            for j in 0..n {
                let v = values[Self::index(r, j)];
                map[r.ring.start + j] = v;
                if i + 1 < 2 * self.nside {
                    map[south + j] = v;
                }
            }
        }
    }

    /// How many map pixels each stored value stands for.
    fn multiplicity(&self) -> Vec<f64> {
        let mut mult = vec![0.0; self.len];
        for (i, r) in self.rings.iter().enumerate() {
            let copies = if i + 1 < 2 * self.nside { 2.0 } else { 1.0 };
            for j in 0..r.ring.npix {
                mult[Self::index(r, j)] += copies;
            }
        }
        mult
    }
}

/// At most this many Legendre values are kept between iterations (128 MiB);
/// beyond, they are recomputed in every transform.
const TABLE_BUDGET: usize = 1 << 24;

/// The rings and `l` of one `m = 4g`.
struct Group {
    m: usize,
    /// First ring (northern index) where some `λ_lm` matters.
    r0: usize,
    /// Offset of the group's coefficients in `x`.
    off: usize,
    /// Number of even `l - m`, `m..=lmax`.
    nl: usize,
}

/// `A` and `Aᵀ` restricted to the symmetric maps and coefficients.
struct Operator {
    layout: Layout,
    lmax: usize,
    groups: Vec<Group>,
    ncoef: usize,
    mult: Vec<f64>,
    /// `4 φ` of each stored pixel.
    angle: Vec<f64>,
    /// Number of groups that reach each ring.
    ngroups_ring: Vec<usize>,
    /// `log2` of `λ_mm / sin^m θ` per group.
    log2_pref: Vec<f64>,
    table: Option<Vec<Vec<f64>>>,
}

impl Operator {
    fn new(geom: &Geometry, lmax: usize) -> Operator {
        let layout = Layout::new(geom.nside());
        let nr = layout.rings.len();
        let mut groups = Vec::new();
        let mut off = 0;
        for m in (0..=lmax).step_by(4) {
            let r0 = layout
                .rings
                .iter()
                .position(|r| mlim(lmax, 0, r.ring.sin_theta, r.ring.z) >= m)
                .unwrap_or(nr);
            if r0 == nr {
                break;
            }
            let nl = (lmax - m) / 2 + 1;
            groups.push(Group { m, r0, off, nl });
            off += nl;
        }
        let ngroups_ring = (0..nr)
            .map(|r| groups.iter().take_while(|g| g.r0 <= r).count())
            .collect();
        let mut angle = vec![0.0; layout.len];
        for r in &layout.rings {
            for k in 0..r.count {
                let phi = r.ring.phi0 + 2.0 * PI * k as f64 / r.ring.npix as f64;
                angle[r.first + k] = 4.0 * phi;
            }
        }
        // log2 sqrt((2m+1)/4π Π_{k<=m} (2k-1)/2k)
        let mut log2_pref = Vec::with_capacity(groups.len());
        let mut acc = 0.0;
        let mut k = 0;
        for g in &groups {
            while k < g.m {
                k += 1;
                acc += ((2 * k - 1) as f64 / (2 * k) as f64).log2();
            }
            log2_pref.push(0.5 * (((2 * g.m + 1) as f64 / (4.0 * PI)).log2() + acc));
        }
        let mult = layout.multiplicity();
        let mut op = Operator {
            layout,
            lmax,
            ncoef: off,
            groups,
            mult,
            angle,
            ngroups_ring,
            log2_pref,
            table: None,
        };
        let size: usize = op.groups.iter().map(|g| g.nl * (nr - g.r0)).sum();
        if size <= TABLE_BUDGET {
            let table = (0..op.groups.len())
                .into_par_iter()
                .map(|gi| {
                    let mut t = Vec::new();
                    op.fill_lambda(gi, &mut t);
                    t
                })
                .collect();
            op.table = Some(table);
        }
        op
    }

    /// `λ_lm(θ_r)` for the even `l - m` of group `gi` and its rings
    /// `r0..`, as `out[li * nrings + (r - r0)]`. The recurrence runs on
    /// mantissas with a power-of-two exponent per ring, so that
    /// `sin^m θ` does not underflow.
    fn fill_lambda(&self, gi: usize, out: &mut Vec<f64>) {
        let g = &self.groups[gi];
        let rings = &self.layout.rings[g.r0..];
        let nr = rings.len();
        out.clear();
        out.resize(g.nl * nr, 0.0);
        let mut p1 = vec![0.0; nr];
        let mut p2 = vec![0.0; nr];
        let mut ex = vec![0i32; nr];
        let x: Vec<f64> = rings.iter().map(|r| r.ring.z).collect();
        for (j, r) in rings.iter().enumerate() {
            let l2 = self.log2_pref[gi] + g.m as f64 * r.ring.sin_theta.log2();
            let e = l2.floor();
            p1[j] = (l2 - e).exp2();
            ex[j] = e as i32;
        }
        const BIG: f64 = 1.6069380442589903e60; // 2^200
        const SMALL: f64 = 6.223015277861142e-61; // 2^-200
        let m = g.m;
        for l in m..=self.lmax {
            if l > m {
                let [a, ab] = scalar_recurrence(l, m);
                for j in 0..nr {
                    let cur = a * x[j] * p1[j] - ab * p2[j];
                    p2[j] = p1[j];
                    p1[j] = cur;
                }
            }
            if (l - m) % 2 == 0 {
                let row = &mut out[(l - m) / 2 * nr..(l - m) / 2 * nr + nr];
                for j in 0..nr {
                    row[j] = p1[j] * pow2(ex[j]);
                }
            }
            for j in 0..nr {
                if p1[j].abs() > BIG {
                    p1[j] *= SMALL;
                    p2[j] *= SMALL;
                    ex[j] += 200;
                }
            }
        }
    }

    /// Runs `f(group, λ table)` for every group, in parallel, collecting the
    /// results in group order.
    fn per_group<T: Send>(&self, f: impl Fn(usize, &[f64]) -> T + Sync) -> Vec<T> {
        match &self.table {
            Some(t) => (0..self.groups.len())
                .into_par_iter()
                .map(|gi| f(gi, &t[gi]))
                .collect(),
            None => (0..self.groups.len())
                .into_par_iter()
                .map_init(Vec::new, |buf, gi| {
                    self.fill_lambda(gi, buf);
                    f(gi, buf)
                })
                .collect(),
        }
    }

    /// `c_m`: 1 for `m = 0`, `sqrt 2` otherwise (a real coefficient of `m > 0`
    /// stands for `a_lm = x/sqrt 2` and its conjugate at `-m`).
    fn cm(m: usize) -> f64 {
        if m == 0 {
            1.0
        } else {
            std::f64::consts::SQRT_2
        }
    }

    /// `A x` at the stored pixels.
    fn synthesis(&self, x: &[f64]) -> Vec<f64> {
        let nr = self.layout.rings.len();
        // F[g][r] = c_m Σ_l x_lm λ_lm(θ_r)
        let f: Vec<Vec<f64>> = self.per_group(|gi, lam| {
            let g = &self.groups[gi];
            let n = nr - g.r0;
            let mut out = vec![0.0; n];
            for li in 0..g.nl {
                let c = x[g.off + li] * Self::cm(g.m);
                for (o, &v) in out.iter_mut().zip(&lam[li * n..li * n + n]) {
                    *o += c * v;
                }
            }
            out
        });
        let mut w = vec![0.0; self.layout.len];
        let chunks: Vec<(usize, &mut [f64])> = {
            let mut rest = w.as_mut_slice();
            let mut v = Vec::with_capacity(nr);
            for (ri, r) in self.layout.rings.iter().enumerate() {
                let (a, b) = rest.split_at_mut(r.count);
                v.push((ri, a));
                rest = b;
            }
            v
        };
        chunks.into_par_iter().for_each(|(ri, out)| {
            let r = &self.layout.rings[ri];
            let ng = self.ngroups_ring[ri];
            for (k, o) in out.iter_mut().enumerate() {
                let t = self.angle[r.first + k];
                let c2 = 2.0 * t.cos();
                // Clenshaw: Σ_g F_g cos(g t)
                let (mut b1, mut b2) = (0.0, 0.0);
                for gi in (1..ng).rev() {
                    let fg = f[gi][ri - self.groups[gi].r0];
                    let b0 = fg + c2 * b1 - b2;
                    b2 = b1;
                    b1 = b0;
                }
                let f0 = if ng > 0 {
                    f[0][ri - self.groups[0].r0]
                } else {
                    0.0
                };
                *o = f0 + 0.5 * c2 * b1 - b2;
            }
        });
        w
    }

    /// `Aᵀ` applied to the map whose stored values are `c`.
    fn adjoint(&self, c: &[f64]) -> Vec<f64> {
        let nr = self.layout.rings.len();
        // V[r][g] = Σ_pixels c_p cos(m φ_p) over the ring and its mirror
        let v: Vec<Vec<f64>> = (0..nr)
            .into_par_iter()
            .map(|ri| {
                let r = &self.layout.rings[ri];
                let ng = self.ngroups_ring[ri];
                let mut acc = vec![0.0; ng];
                for k in 0..r.count {
                    let p = r.first + k;
                    let val = c[p] * self.mult[p];
                    let t = self.angle[p];
                    let c2 = 2.0 * t.cos();
                    let (mut cprev, mut ccur) = (t.cos(), 1.0);
                    for a in acc.iter_mut() {
                        *a += val * ccur;
                        let next = c2 * ccur - cprev;
                        cprev = ccur;
                        ccur = next;
                    }
                }
                acc
            })
            .collect();
        let parts: Vec<Vec<f64>> = self.per_group(|gi, lam| {
            let g = &self.groups[gi];
            let n = nr - g.r0;
            let vg: Vec<f64> = (g.r0..nr).map(|ri| v[ri][gi]).collect();
            (0..g.nl)
                .map(|li| {
                    let row = &lam[li * n..li * n + n];
                    Self::cm(g.m) * row.iter().zip(&vg).map(|(a, b)| a * b).sum::<f64>()
                })
                .collect()
        });
        let mut x = Vec::with_capacity(self.ncoef);
        for p in parts {
            x.extend(p);
        }
        x
    }

    fn normal(&self, x: &[f64]) -> Vec<f64> {
        self.adjoint(&self.synthesis(x))
    }

    /// CG on `AᵀA x = b`; returns `x`, the iterations and the relative
    /// residual.
    fn solve(&self, tolerance: f64, max_iterations: usize) -> (Vec<f64>, usize, f64) {
        let npix = (12 * self.layout.nside * self.layout.nside) as f64;
        let mut b = self.adjoint(&vec![-1.0; self.layout.len]);
        b[0] += npix / (4.0 * PI).sqrt();
        let mut x = vec![0.0; self.ncoef];
        let mut r = b.clone();
        let mut d = r.clone();
        let delta0 = dot(&r, &r);
        let mut delta = delta0;
        let mut iter = 0;
        while iter < max_iterations && delta > tolerance * tolerance * delta0 {
            let q = self.normal(&d);
            let alpha = delta / dot(&d, &q);
            axpy(alpha, &d, &mut x);
            if iter % 300 == 299 {
                let ax = self.normal(&x);
                for ((r, b), a) in r.iter_mut().zip(&b).zip(&ax) {
                    *r = b - a;
                }
            } else {
                axpy(-alpha, &q, &mut r);
            }
            let old = delta;
            delta = dot(&r, &r);
            let beta = delta / old;
            for (d, r) in d.iter_mut().zip(&r) {
                *d = r + beta * *d;
            }
            iter += 1;
        }
        let res = if delta0 > 0.0 {
            (delta / delta0).sqrt()
        } else {
            0.0
        };
        (x, iter, res)
    }
}

/// `2^e`, zero below the subnormal range.
fn pow2(e: i32) -> f64 {
    if e < -1074 {
        0.0
    } else if e < -1022 {
        f64::from_bits(1u64 << (e + 1074))
    } else if e > 1023 {
        f64::INFINITY
    } else {
        f64::from_bits(((e + 1023) as u64) << 52)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_sizes_match_healpix() {
        // healpy-data's files: 800, 3136, 12416 values
        assert_eq!(compressed_len(32).unwrap(), 800);
        assert_eq!(compressed_len(64).unwrap(), 3136);
        assert_eq!(compressed_len(128).unwrap(), 12416);
        assert_eq!(compressed_len(512).unwrap(), 197120);
    }

    #[test]
    fn every_stored_value_is_used_and_the_first_pixels_are_stored() {
        for nside in [1, 2, 3, 4, 5, 8, 16] {
            let l = Layout::new(nside);
            let mult = l.multiplicity();
            assert!(mult.iter().all(|&m| m > 0.0), "nside {nside}");
            assert_eq!(mult.iter().sum::<f64>() as usize, 12 * nside * nside);
            for r in &l.rings {
                for k in 0..r.count {
                    assert_eq!(Layout::index(r, k), r.first + k);
                }
            }
        }
    }

    #[test]
    fn adjoint_is_the_transpose() {
        let g = Geometry::new(8).unwrap();
        let op = Operator::new(&g, 24);
        let x: Vec<f64> = (0..op.ncoef).map(|i| (i as f64 * 0.37).sin()).collect();
        let c: Vec<f64> = (0..op.layout.len)
            .map(|i| (i as f64 * 0.71).cos())
            .collect();
        let ax = op.synthesis(&x);
        let atc = op.adjoint(&c);
        let lhs: f64 = ax
            .iter()
            .zip(&c)
            .zip(&op.mult)
            .map(|((a, c), m)| a * c * m)
            .sum();
        let rhs = dot(&x, &atc);
        assert!(
            (lhs - rhs).abs() < 1e-10 * lhs.abs().max(1.0),
            "{lhs} {rhs}"
        );
    }
}
