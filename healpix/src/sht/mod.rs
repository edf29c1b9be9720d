//! Spherical harmonic transforms on HEALPix RING maps, healpy-compatible.
//!
//! Synthesis (`alm2map`): `f(θ_r, φ_j) = Σ_m F_m(θ_r) e^{i m φ_j}` with
//! `F_m(θ) = Σ_l a_lm λ_lm(θ)` (a Legendre pass per m, [`kernels`]) and one
//! real FFT per ring (`realfft`), aliasing `m` onto the ring's `nφ` Fourier
//! modes. Analysis (`map2alm`) is the adjoint with quadrature weight
//! `4π/npix` per pixel (times `1 + w_ring` with healpy's ring weights), and
//! `iter` Jacobi iterations `a += A(f - S(a))` as in healpy.
//!
//! Rings are handled in north/south mirror pairs (the Legendre functions of
//! the mirror ring differ by a sign), in blocks; within a block the Legendre
//! pass runs in parallel over `m` and the FFTs in parallel over rings, on
//! rayon's global pool. As in libsharp/ducc0 (Reinecke & Seljebotn 2013,
//! A&A 554, A112), modes with `m` above `lmax sin θ + max(100, lmax/100)`
//! (adjusted for spin) are skipped on a ring: their Legendre functions are
//! negligible there for every `l <= lmax`.
//!
//! A [`ShtPlan`] holds what depends only on `(nside, lmax, mmax)`: ring
//! geometry, FFT plans per ring length and the `m`-dependent constants.
//! A [`ShtPlanner`] keeps recently used plans for its owner (as rustfft's
//! `FftPlanner`; there is no global cache).

// The lane loops index several arrays in lockstep on purpose (they
// vectorise that way).
#![allow(clippy::needless_range_loop)]

mod kernels;
mod planner;
mod rings;
mod scaled;

use std::collections::HashMap;
use std::f64::consts::PI;
use std::sync::Arc;

use num_complex::Complex64;
use rayon::prelude::*;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::alm::{alm_index, alm_size};
use crate::error::{value_error, Result};
use crate::geometry::{Geometry, Ring};
use crate::weights::PixelWeights;
pub use kernels::{lambda_mm_prefactor, scalar_recurrence, spin_recurrence};
use kernels::{Half, Lanes, Rec, NV};
pub use planner::{ShtPlanner, DEFAULT_CAPACITY};
use scaled::Wide;

/// Ring pairs per block (a block's Legendre output is buffered: at nside
/// 1024, lmax 2048, 34 MB per component; the recurrence tables of each m are
/// recomputed per block, which at 128 pairs a block took 15% of alm2map).
const BLOCK: usize = 64 * NV;
/// Consecutive m per parallel task (their start values are updated
/// incrementally).
const M_CHUNK: usize = 8;

/// A north ring and its southern mirror (none for the equator ring).
#[derive(Debug, Clone, Copy)]
struct Pair {
    north: Ring,
    south: Option<Ring>,
    /// `cos θ` of the north ring.
    x: f64,
    sin_theta: f64,
    /// `cos(θ/2)`, `sin(θ/2)` of the north ring.
    half_cos: f64,
    half_sin: f64,
    /// The factors that advance the start powers by one m: `sin θ` and
    /// `cos(θ/2) sin(θ/2)` as wide numbers.
    step_scalar: Wide,
    step_spin: Wide,
}

type R2c = Arc<dyn RealToComplex<f64>>;
type C2r = Arc<dyn ComplexToReal<f64>>;

/// The quadrature weights of an analysis: one per ring pair, times an
/// optional factor per pixel (RING order).
struct Quadrature {
    pair: Vec<f64>,
    pixel: Option<Vec<f64>>,
}

/// Everything a transform at `(nside, lmax, mmax)` precomputes.
pub struct ShtPlan {
    nside: usize,
    lmax: usize,
    mmax: usize,
    npix: usize,
    pairs: Vec<Pair>,
    ffts: HashMap<usize, (R2c, C2r)>,
    /// `Π_{k<=L} (2k-1)/2k` for `L <= lmax + 2`.
    double_factorial_ratio: Vec<f64>,
    /// Tables for the recurrence coefficients.
    tables: kernels::Tables,
    /// Ring pairs per block: [`BLOCK`], or fewer when the map has fewer.
    block: usize,
    scratch_len: usize,
}

impl std::fmt::Debug for ShtPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShtPlan")
            .field("nside", &self.nside)
            .field("lmax", &self.lmax)
            .field("mmax", &self.mmax)
            .finish()
    }
}

/// The kind of transform a pass computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Spin(usize),
}

impl Kind {
    fn spin(self) -> usize {
        match self {
            Kind::Scalar => 0,
            Kind::Spin(s) => s,
        }
    }
}

/// A raw pointer that may be shared between threads writing disjoint
/// ranges.
#[derive(Clone, Copy)]
struct SyncPtr<T>(*mut T);
unsafe impl<T> Send for SyncPtr<T> {}
unsafe impl<T> Sync for SyncPtr<T> {}

impl<T> SyncPtr<T> {
    /// # Safety
    /// `start..start + len` must be in bounds and not accessed by anyone
    /// else while the slice lives.
    #[allow(clippy::mut_from_ref)]
    unsafe fn slice(&self, start: usize, len: usize) -> &mut [T] {
        std::slice::from_raw_parts_mut(self.0.add(start), len)
    }

    /// # Safety
    /// `i` must be in bounds and written by no one else meanwhile.
    unsafe fn write(&self, i: usize, v: T) {
        *self.0.add(i) = v;
    }
}

/// libsharp's bound on the `m` that matter on a ring (see the module doc).
pub(crate) fn mlim(lmax: usize, spin: usize, sin_theta: f64, cos_theta: f64) -> usize {
    let ofs = (0.01 * lmax as f64).max(100.0);
    let t1 = lmax as f64 * sin_theta + ofs;
    let s = spin as f64;
    // the larger root of m² - 2 s |cos θ| m + s² - t1² = 0
    let half_b = s * cos_theta.abs();
    let disc = half_b * half_b - (s * s - t1 * t1);
    if disc <= 0.0 {
        return lmax;
    }
    let res = (half_b + disc.sqrt()).min(lmax as f64);
    (res + 0.5) as usize
}

impl ShtPlan {
    /// Plans transforms between RING maps of `nside` and alm with `lmax`,
    /// `mmax <= lmax`.
    pub fn new(nside: i64, lmax: usize, mmax: usize) -> Result<ShtPlan> {
        let geom = Geometry::new(nside)?;
        if mmax > lmax {
            return value_error(format!("mmax {mmax} exceeds lmax {lmax}"));
        }
        if lmax > 1 << 20 {
            return value_error(format!("lmax {lmax} is too large"));
        }
        let n = geom.nside();
        let rings = geom.rings();
        let pairs: Vec<Pair> = (0..2 * n)
            .map(|i| {
                let north = rings[i];
                let south = (i + 1 < 2 * n).then(|| rings[4 * n - 2 - i]);
                let half_cos = ((1.0 + north.z) / 2.0).sqrt();
                let half_sin = (north.one_minus_abs_z / 2.0).sqrt();
                Pair {
                    north,
                    south,
                    x: north.z,
                    sin_theta: north.sin_theta,
                    half_cos,
                    half_sin,
                    step_scalar: Wide::new(north.sin_theta),
                    step_spin: Wide::new(half_cos * half_sin),
                }
            })
            .collect();
        let mut planner = RealFftPlanner::<f64>::new();
        let mut ffts = HashMap::new();
        let mut scratch_len = 0;
        for r in rings {
            ffts.entry(r.npix).or_insert_with(|| {
                let f = planner.plan_fft_forward(r.npix);
                let b = planner.plan_fft_inverse(r.npix);
                scratch_len = scratch_len
                    .max(f.get_scratch_len())
                    .max(b.get_scratch_len());
                (f, b)
            });
        }
        let mut double_factorial_ratio = Vec::with_capacity(lmax + 3);
        let mut acc = 1.0;
        double_factorial_ratio.push(acc);
        for k in 1..=lmax + 2 {
            acc *= (2 * k - 1) as f64 / (2 * k) as f64;
            double_factorial_ratio.push(acc);
        }
        let block = BLOCK.min(pairs.len()).max(1);
        Ok(ShtPlan {
            nside: n,
            lmax,
            mmax,
            npix: geom.npix(),
            pairs,
            ffts,
            double_factorial_ratio,
            tables: kernels::Tables::new(lmax),
            block,
            scratch_len,
        })
    }

    /// nside of the maps.
    pub fn nside(&self) -> usize {
        self.nside
    }

    /// lmax of the alm.
    pub fn lmax(&self) -> usize {
        self.lmax
    }

    /// mmax of the alm.
    pub fn mmax(&self) -> usize {
        self.mmax
    }

    /// Pixels per map.
    pub fn npix(&self) -> usize {
        self.npix
    }

    /// Coefficients per alm.
    pub fn nalm(&self) -> usize {
        alm_size(self.lmax, self.mmax)
    }

    fn check_alm(&self, alms: &[&[Complex64]]) -> Result<()> {
        for (i, a) in alms.iter().enumerate() {
            if a.len() != self.nalm() {
                return value_error(format!(
                    "alm {i} has {} coefficients; lmax {} mmax {} needs {}",
                    a.len(),
                    self.lmax,
                    self.mmax,
                    self.nalm()
                ));
            }
        }
        Ok(())
    }

    fn check_maps(&self, maps: &[&[f64]]) -> Result<()> {
        for (i, m) in maps.iter().enumerate() {
            if m.len() != self.npix {
                return value_error(format!(
                    "map {i} has {} pixels; nside {} needs {}",
                    m.len(),
                    self.nside,
                    self.npix
                ));
            }
        }
        Ok(())
    }

    /// An output of `rows` rows of `len` values, one after another.
    fn check_out(what: &str, got: usize, rows: usize, len: usize) -> Result<()> {
        if got != rows * len {
            return value_error(format!(
                "output for {rows} {what} of {len} values has {got} values; it needs {}",
                rows * len
            ));
        }
        Ok(())
    }

    fn check_spin(spin: usize) -> Result<()> {
        if spin == 0 {
            return value_error(
                "spin must be positive for the spin transforms (use alm2map for spin 0)",
            );
        }
        Ok(())
    }

    /// healpy `alm2map(alm, nside, lmax, mmax)` for one alm.
    pub fn alm2map(&self, alm: &[Complex64]) -> Result<Vec<f64>> {
        Ok(self.alm2map_many(&[alm])?.pop().unwrap_or_default())
    }

    /// Several alm at once, sharing one Legendre pass.
    pub fn alm2map_many(&self, alms: &[&[Complex64]]) -> Result<Vec<Vec<f64>>> {
        let mut maps = vec![0.0; alms.len() * self.npix];
        self.alm2map_into(alms, &mut maps)?;
        Ok(split_rows(maps, self.npix))
    }

    /// [`Self::alm2map_many`] into `maps`, the maps one after another
    /// (`alms.len() * npix` values, every one overwritten): no copy for a
    /// caller that keeps them as one array.
    pub fn alm2map_into(&self, alms: &[&[Complex64]], maps: &mut [f64]) -> Result<()> {
        self.check_alm(alms)?;
        Self::check_out("maps", maps.len(), alms.len(), self.npix)?;
        self.synthesis(Kind::Scalar, alms, maps);
        Ok(())
    }

    /// healpy `map2alm(map, lmax, mmax, iter, use_weights)`: `ring_weights`
    /// are healpy's ring weights `w` (`weight_ring_n*.fits`, one per north
    /// ring, `2 nside` values), the pixel weight then being
    /// `4π/npix (1 + w)`; or `12 nside²` full pixel weights `w_p` (the map
    /// of [`PixelWeights::to_map`], pixel weight `4π/npix (1 + w_p)`,
    /// healpy's `use_pixel_weights`, which healpy runs with `iter = 0`).
    pub fn map2alm(
        &self,
        map: &[f64],
        iter: usize,
        ring_weights: Option<&[f64]>,
    ) -> Result<Vec<Complex64>> {
        Ok(self
            .map2alm_many(&[map], iter, ring_weights)?
            .pop()
            .unwrap_or_default())
    }

    /// Several maps at once, sharing each Legendre pass.
    pub fn map2alm_many(
        &self,
        maps: &[&[f64]],
        iter: usize,
        ring_weights: Option<&[f64]>,
    ) -> Result<Vec<Vec<Complex64>>> {
        let mut alms = vec![Complex64::new(0.0, 0.0); maps.len() * self.nalm()];
        self.map2alm_into(maps, iter, ring_weights, &mut alms)?;
        Ok(split_rows(alms, self.nalm()))
    }

    /// [`Self::map2alm_many`] into `alms`, one after another
    /// (`maps.len() * nalm` values, every one overwritten).
    pub fn map2alm_into(
        &self,
        maps: &[&[f64]],
        iter: usize,
        ring_weights: Option<&[f64]>,
        alms: &mut [Complex64],
    ) -> Result<()> {
        self.check_maps(maps)?;
        Self::check_out("alm", alms.len(), maps.len(), self.nalm())?;
        let w = self.pair_weights(ring_weights)?;
        self.iterate(Kind::Scalar, maps, iter, &w, alms);
        Ok(())
    }

    /// healpy `map2alm(maps, lmax, mmax, use_pixel_weights=True)`: every
    /// pixel is weighted by `4π/npix (1 + w_p)` with the full pixel weights
    /// `w` ([`crate::weights::pixel_weights`]). healpy runs no Jacobi
    /// iterations with pixel weights (its `iter` is ignored, `niter = 0`),
    /// and neither does this.
    ///
    /// # Errors
    ///
    /// [`crate::HealpixError::Value`] when a map does not have `12 nside²`
    /// pixels or the weights are for another nside.
    pub fn map2alm_pixel_weights(
        &self,
        maps: &[&[f64]],
        weights: &PixelWeights,
    ) -> Result<Vec<Vec<Complex64>>> {
        self.check_maps(maps)?;
        let w = self.pixel_quadrature(weights)?;
        let mut alms = vec![Complex64::new(0.0, 0.0); maps.len() * self.nalm()];
        self.iterate(Kind::Scalar, maps, 0, &w, &mut alms);
        Ok(split_rows(alms, self.nalm()))
    }

    /// healpy `alm2map_spin([E, B], nside, spin, lmax, mmax)`: the maps
    /// `Q, U` (for spin 2) of the spin-s field with `_{±s}a_lm = -(E ± iB)`.
    pub fn alm2map_spin(
        &self,
        spin: usize,
        e: &[Complex64],
        b: &[Complex64],
    ) -> Result<[Vec<f64>; 2]> {
        let mut out = self.alm2map_spin_many(spin, &[(e, b)])?;
        let [q, u] = out.pop().unwrap_or_default();
        Ok([q, u])
    }

    /// Several spin fields at once.
    pub fn alm2map_spin_many(
        &self,
        spin: usize,
        fields: &[(&[Complex64], &[Complex64])],
    ) -> Result<Vec<[Vec<f64>; 2]>> {
        let mut maps = vec![0.0; 2 * fields.len() * self.npix];
        self.alm2map_spin_into(spin, fields, &mut maps)?;
        let mut it = split_rows(maps, self.npix).into_iter();
        let mut out = Vec::with_capacity(fields.len());
        while let (Some(q), Some(u)) = (it.next(), it.next()) {
            out.push([q, u]);
        }
        Ok(out)
    }

    /// [`Self::alm2map_spin_many`] into `maps`: `Q0, U0, Q1, U1, ..` one
    /// after another (`2 fields.len() * npix` values, every one
    /// overwritten).
    pub fn alm2map_spin_into(
        &self,
        spin: usize,
        fields: &[(&[Complex64], &[Complex64])],
        maps: &mut [f64],
    ) -> Result<()> {
        Self::check_spin(spin)?;
        let flat: Vec<&[Complex64]> = fields.iter().flat_map(|(e, b)| [*e, *b]).collect();
        self.check_alm(&flat)?;
        Self::check_out("maps", maps.len(), flat.len(), self.npix)?;
        self.synthesis(Kind::Spin(spin), &flat, maps);
        Ok(())
    }

    /// healpy `map2alm_spin([Q, U], spin, lmax, mmax)` (healpy does not
    /// iterate here: `iter = 0` matches it; `iter > 0` runs Jacobi
    /// iterations as `map2alm` does).
    pub fn map2alm_spin(
        &self,
        spin: usize,
        q: &[f64],
        u: &[f64],
        iter: usize,
        ring_weights: Option<&[f64]>,
    ) -> Result<[Vec<Complex64>; 2]> {
        let mut eb = vec![Complex64::new(0.0, 0.0); 2 * self.nalm()];
        self.map2alm_spin_into(spin, q, u, iter, ring_weights, &mut eb)?;
        let mut out = split_rows(eb, self.nalm());
        let b = out.pop().unwrap_or_default();
        let e = out.pop().unwrap_or_default();
        Ok([e, b])
    }

    /// [`Self::map2alm_spin`] into `eb`: `E` then `B` (`2 nalm` values,
    /// every one overwritten).
    pub fn map2alm_spin_into(
        &self,
        spin: usize,
        q: &[f64],
        u: &[f64],
        iter: usize,
        ring_weights: Option<&[f64]>,
        eb: &mut [Complex64],
    ) -> Result<()> {
        Self::check_spin(spin)?;
        self.check_maps(&[q, u])?;
        Self::check_out("alm", eb.len(), 2, self.nalm())?;
        let w = self.pair_weights(ring_weights)?;
        self.iterate(Kind::Spin(spin), &[q, u], iter, &w, eb);
        Ok(())
    }

    /// Uniform, ring or pixel weights: `4π/npix (1 + w_ring)` per ring
    /// pair for `2 nside` ring weights; `4π/npix` per pair times `1 + w_p`
    /// per pixel for `12 nside²` pixel weights (the map of
    /// [`PixelWeights::to_map`]).
    fn pair_weights(&self, ring_weights: Option<&[f64]>) -> Result<Quadrature> {
        let base = 4.0 * PI / self.npix as f64;
        let pair = match ring_weights {
            None => vec![base; self.pairs.len()],
            Some(w) if w.len() == self.npix && w.len() != 2 * self.nside => {
                return Ok(Quadrature {
                    pair: vec![base; self.pairs.len()],
                    pixel: Some(w.iter().map(|w| 1.0 + w).collect()),
                });
            }
            Some(w) => {
                if w.len() != 2 * self.nside {
                    return value_error(format!(
                        "weights: {} values given, nside {} needs 2*nside = {} (ring weights) or 12*nside^2 = {} (pixel weights)",
                        w.len(),
                        self.nside,
                        2 * self.nside,
                        self.npix
                    ));
                }
                w.iter().map(|w| base * (1.0 + w)).collect()
            }
        };
        Ok(Quadrature { pair, pixel: None })
    }

    /// Full pixel weights: `4π/npix` per pair times `1 + w_p` per pixel.
    fn pixel_quadrature(&self, weights: &PixelWeights) -> Result<Quadrature> {
        if weights.nside() != self.nside {
            return value_error(format!(
                "pixel weights are for nside {}, the plan for nside {}",
                weights.nside(),
                self.nside
            ));
        }
        let mut q = self.pair_weights(None)?;
        q.pixel = Some(weights.to_map().iter().map(|w| 1.0 + w).collect());
        Ok(q)
    }

    /// The analysis of `maps` with `iter` Jacobi iterations into `alms`
    /// (the rows one after another, overwritten).
    fn iterate(
        &self,
        kind: Kind,
        maps: &[&[f64]],
        iter: usize,
        w: &Quadrature,
        alms: &mut [Complex64],
    ) {
        alms.fill(Complex64::new(0.0, 0.0));
        self.analysis(kind, maps, w, alms);
        if iter > 0 {
            let mut resid = vec![0.0; maps.len() * self.npix];
            for _ in 0..iter {
                let refs: Vec<&[Complex64]> = alms.chunks_exact(self.nalm()).collect();
                self.synthesis(kind, &refs, &mut resid);
                for (r, m) in resid.chunks_exact_mut(self.npix).zip(maps) {
                    for (r, &m) in r.iter_mut().zip(m.iter()) {
                        *r = m - *r;
                    }
                }
                let rrefs: Vec<&[f64]> = resid.chunks_exact(self.npix).collect();
                self.analysis(kind, &rrefs, w, alms);
            }
        }
    }

    /// Where the phase of `(m, component c, north 0 / south 1, pair pb of the
    /// block)` is in a block's buffer. The buffer is tiled by chunks of
    /// [`M_CHUNK`] m: a Legendre task writes (synthesis) or reads (analysis)
    /// one contiguous tile, and a ring's FFT finds its `M_CHUNK` consecutive
    /// m side by side (an m-major layout made every m of a ring a cache and
    /// TLB miss: a third of the time of the ring synthesis).
    #[inline]
    fn phase_index(&self, m: usize, c: usize, ns: usize, pb: usize, ncomp: usize) -> usize {
        (((m / M_CHUNK * ncomp + c) * 2 + ns) * self.block + pb) * M_CHUNK + m % M_CHUNK
    }

    /// The length of a block's phase buffer: whole tiles of [`M_CHUNK`] m.
    fn phase_len(&self, mmax: usize, ncomp: usize) -> usize {
        (mmax + 1).div_ceil(M_CHUNK) * M_CHUNK * ncomp * 2 * self.block
    }

    /// The m limit of each pair for this kind.
    fn mlims(&self, kind: Kind) -> Vec<usize> {
        self.pairs
            .iter()
            .map(|p| mlim(self.lmax, kind.spin(), p.sin_theta, p.x).min(self.mmax))
            .collect()
    }

    /// Lane data of the group of pairs starting at `p0` (at most NV, padded
    /// by repeating the last pair).
    fn lanes(&self, p0: usize, p1: usize) -> (Lanes, [usize; NV]) {
        let mut x = [0.0; NV];
        let mut idx = [0; NV];
        for i in 0..NV {
            let p = (p0 + i).min(p1 - 1);
            idx[i] = p;
            x[i] = self.pairs[p].x;
        }
        (x, idx)
    }

    /// Makes `s.pows` hold, for every pair of the block `b0..b1`, the
    /// powers the recurrence starts need at `m`: `sin^m θ` (scalar), or
    /// `cos^a(θ/2) sin^b(θ/2)` for `P` and `M` (spin). Consecutive `m` of one
    /// task advance them by one multiplication instead of recomputing.
    fn prepare_powers(&self, kind: Kind, m: usize, b0: usize, b1: usize, s: &mut Scratch) {
        let spin = kind.spin();
        // Each chunk of M_CHUNK m starts afresh: a scratch that ran the
        // previous chunk could carry its powers on, but which scratch runs
        // which chunk is up to rayon's scheduler, and the carried and the
        // fresh powers differ in the last bits; the result must not.
        let fresh = s.pow_key != Some((b0, m, spin)) || m <= spin || m % M_CHUNK == 0;
        if fresh {
            s.pows.clear();
            for pr in &self.pairs[b0..b1] {
                match kind {
                    Kind::Scalar => s.pows.push([Wide::powi(pr.sin_theta, m), Wide::new(1.0)]),
                    Kind::Spin(_) => {
                        let (pc, ps, mc, ms) = if m >= spin {
                            (m - spin, m + spin, m + spin, m - spin)
                        } else {
                            (spin - m, spin + m, spin + m, spin - m)
                        };
                        s.pows.push([
                            Wide::powi(pr.half_cos, pc).mul(Wide::powi(pr.half_sin, ps)),
                            Wide::powi(pr.half_cos, mc).mul(Wide::powi(pr.half_sin, ms)),
                        ]);
                    }
                }
            }
        }
        s.pow_key = Some((b0, m, spin));
    }

    /// Advances `s.pows` from `m` to `m + 1` (see [`Self::prepare_powers`]).
    fn advance_powers(&self, kind: Kind, m: usize, b0: usize, b1: usize, s: &mut Scratch) {
        let spin = kind.spin();
        if s.pow_key != Some((b0, m, spin)) || m < spin {
            return;
        }
        for (pw, pr) in s.pows.iter_mut().zip(&self.pairs[b0..b1]) {
            match kind {
                Kind::Scalar => pw[0] = pw[0].mul(pr.step_scalar),
                Kind::Spin(_) => {
                    pw[0] = pw[0].mul(pr.step_spin);
                    pw[1] = pw[1].mul(pr.step_spin);
                }
            }
        }
        s.pow_key = Some((b0, m + 1, spin));
    }

    /// Start of the scalar recurrence: `λ_mm` per lane, zero where `m`
    /// exceeds the lane's limit or the lane is padding.
    fn scalar_start(
        &self,
        m: usize,
        idx: &[usize; NV],
        nvalid: usize,
        mlims: &[usize],
        b0: usize,
        pows: &[[Wide; 2]],
    ) -> Rec {
        let mut v = [0.0; NV];
        let mut k = [0; NV];
        let pref = Wide::new(lambda_mm_prefactor(m, self.double_factorial_ratio[m]));
        for i in 0..nvalid {
            let p = idx[i];
            if m > mlims[p] {
                continue;
            }
            (v[i], k[i]) = pows[p - b0][0].mul(pref).to_scaled();
        }
        Rec::new(v, k)
    }

    /// Starts of the spin recurrences `P = (-1)^s d_{m,-s}` and
    /// `M = d_{m,s}` at `l0 = max(m, s)`:
    /// for `m >= s`, `M = (-1)^(m-s) sqrt(C(2m, m+s)) c^(m+s) σ^(m-s)` and
    /// `P = (-1)^m sqrt(C(2m, m+s)) c^(m-s) σ^(m+s)`; for `m < s`,
    /// `M = sqrt(C(2s, s+m)) c^(s+m) σ^(s-m)`, `P = (-1)^m sqrt(C(2s, s+m))
    /// c^(s-m) σ^(s+m)` (`c = cos θ/2`, `σ = sin θ/2`).
    #[allow(clippy::too_many_arguments)]
    fn spin_start(
        &self,
        m: usize,
        spin: usize,
        idx: &[usize; NV],
        nvalid: usize,
        mlims: &[usize],
        b0: usize,
        pows: &[[Wide; 2]],
    ) -> (Rec, Rec) {
        let l0 = m.max(spin);
        let j = if m >= spin { spin } else { m };
        // sqrt(C(2 l0, l0 + j)) = 2^l0 sqrt(Π_{k<=l0}(2k-1)/2k Π_{i<=j}(l0-i+1)/(l0+i))
        let mut ratio = self.double_factorial_ratio[l0];
        for i in 1..=j {
            ratio *= (l0 - i + 1) as f64 / (l0 + i) as f64;
        }
        let binom = Wide::new(ratio.sqrt()).mul(Wide {
            mant: 0.5,
            exp: l0 as i64 + 1,
        });
        let sign = if m % 2 == 1 { -1.0 } else { 1.0 };
        let msign = if m >= spin && (m - spin) % 2 == 1 {
            -1.0
        } else {
            1.0
        };
        let (pf, mf) = (binom.mul(Wide::new(sign)), binom.mul(Wide::new(msign)));
        let mut pv = [0.0; NV];
        let mut pk = [0; NV];
        let mut mv = [0.0; NV];
        let mut mk = [0; NV];
        for i in 0..nvalid {
            if m > mlims[idx[i]] {
                continue;
            }
            let pw = &pows[idx[i] - b0];
            (pv[i], pk[i]) = pw[0].mul(pf).to_scaled();
            (mv[i], mk[i]) = pw[1].mul(mf).to_scaled();
        }
        (Rec::new(pv, pk), Rec::new(mv, mk))
    }

    /// Runs `f(buffers, pair, 0 for north / 1 for south, ring)` for every
    /// ring of the pairs `b0..b1`, in parallel, with per-thread FFT buffers.
    fn for_each_ring(
        &self,
        b0: usize,
        b1: usize,
        f: impl Fn(&mut rings::RingScratch, usize, usize, &Ring) + Sync + Send,
    ) {
        let items: Vec<(usize, usize, Ring)> = (b0..b1)
            .flat_map(|p| {
                let pair = &self.pairs[p];
                std::iter::once((p, 0, pair.north)).chain(pair.south.map(|s| (p, 1, s)))
            })
            .collect();
        items.par_iter().for_each_init(
            || rings::RingScratch::new(4 * self.nside + 2, self.scratch_len),
            |rs, (p, ns, ring)| f(rs, *p, *ns, ring),
        );
    }

    /// Synthesis of `maps` (the rows one after another) from `alms` (every
    /// pixel is written); for spin, `alms = [E0, B0, E1, B1, ..]` and
    /// `maps = [Q0, U0, ..]`.
    fn synthesis(&self, kind: Kind, alms: &[&[Complex64]], maps: &mut [f64]) {
        let ncomp = alms.len();
        if ncomp == 0 {
            return;
        }
        let mmax = self.mmax;
        let mlims = self.mlims(kind);
        let map_ptrs: Vec<SyncPtr<f64>> = maps
            .chunks_exact_mut(self.npix)
            .map(|m| SyncPtr(m.as_mut_ptr()))
            .collect();
        let tile = ncomp * 2 * self.block * M_CHUNK;
        let mut phase = vec![Complex64::new(0.0, 0.0); self.phase_len(mmax, ncomp)];
        for b0 in (0..self.pairs.len()).step_by(self.block) {
            let b1 = (b0 + self.block).min(self.pairs.len());
            phase.fill(Complex64::new(0.0, 0.0));
            phase.par_chunks_mut(tile).enumerate().for_each_init(
                Scratch::default,
                |s, (ci, ph)| {
                    for m in ci * M_CHUNK..((ci + 1) * M_CHUNK).min(mmax + 1) {
                        self.prepare_powers(kind, m, b0, b1, s);
                        self.legendre_synthesis(kind, m, b0, b1, alms, &mlims, ph, s);
                        self.advance_powers(kind, m, b0, b1, s);
                    }
                },
            );
            let phase = &phase;
            self.for_each_ring(b0, b1, |rs, p, ns, ring| {
                let (_, c2r) = &self.ffts[&ring.npix];
                for (c, ptr) in map_ptrs.iter().enumerate() {
                    let coef = |m: usize| phase[self.phase_index(m, c, ns, p - b0, ncomp)];
                    // SAFETY: each ring is written by exactly one call
                    let out = unsafe { ptr.slice(ring.start, ring.npix) };
                    rings::synthesize_ring(ring, mlims[p], coef, c2r.as_ref(), rs, out);
                }
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn legendre_synthesis(
        &self,
        kind: Kind,
        m: usize,
        b0: usize,
        b1: usize,
        alms: &[&[Complex64]],
        mlims: &[usize],
        ph: &mut [Complex64],
        s: &mut Scratch,
    ) {
        let ncomp = alms.len();
        let lmax = self.lmax;
        let spin = kind.spin();
        if m.max(spin) > lmax {
            return;
        }
        let off = alm_index(lmax, m, m);
        // `ph` is the tile of m's chunk, which starts at index t0
        let t0 = self.phase_index(m / M_CHUNK * M_CHUNK, 0, 0, 0, ncomp);
        match kind {
            Kind::Scalar => {
                self.tables.scalar_x2(m, lmax, &mut s.eo);
                s.x2alm.clear();
                for a in alms {
                    s.eo.synthesis_coefficients(&a[off..off + lmax + 1 - m], &mut s.x2alm);
                }
            }
            Kind::Spin(_) => {
                self.tables
                    .spin_coefficients(m, spin, lmax, &mut s.coef3, &mut s.spin_norm);
                // E'', B'' = -c_l/2 N_l (E, B) for l >= l0
                let l0 = m.max(spin);
                s.scaled_alm.clear();
                for a in alms {
                    for l in l0..=lmax {
                        let c = -0.5 * ((2 * l + 1) as f64 / (4.0 * PI)).sqrt();
                        s.scaled_alm
                            .push(a[off + l - m] * (c * s.spin_norm[l - l0]));
                    }
                }
            }
        }
        for g0 in (b0..b1).step_by(NV) {
            let g1 = (g0 + NV).min(b1);
            let nvalid = g1 - g0;
            if (g0..g1).all(|p| m > mlims[p]) {
                continue;
            }
            let (x, idx) = self.lanes(g0, g1);
            match kind {
                Kind::Scalar => {
                    let rec = self.scalar_start(m, &idx, nvalid, mlims, b0, &s.pows);
                    let nj = s.eo.steps();
                    let slices: Vec<&[[Complex64; 2]]> =
                        s.x2alm.chunks_exact(nj).take(ncomp).collect();
                    let x2 = x.map(|v| v * v);
                    s.acc4.clear();
                    s.acc4.resize(ncomp, [[0.0; NV]; 4]);
                    kernels::synth_scalar(&s.eo.coef, &x2, rec, &slices, &mut s.acc4);
                    for c in 0..ncomp {
                        let a = &s.acc4[c];
                        for i in 0..nvalid {
                            let even = Complex64::new(a[0][i], a[1][i]);
                            let odd = Complex64::new(a[2][i], a[3][i]) * x[i];
                            let pb = g0 + i - b0;
                            ph[self.phase_index(m, c, 0, pb, ncomp) - t0] = even + odd;
                            ph[self.phase_index(m, c, 1, pb, ncomp) - t0] = even - odd;
                        }
                    }
                }
                Kind::Spin(_) => {
                    let (p, mm) = self.spin_start(m, spin, &idx, nvalid, mlims, b0, &s.pows);
                    let nl = lmax + 1 - m.max(spin);
                    let nf = ncomp / 2;
                    let eb: Vec<(&[Complex64], &[Complex64])> = (0..nf)
                        .map(|f| {
                            (
                                &s.scaled_alm[(2 * f) * nl..(2 * f + 1) * nl],
                                &s.scaled_alm[(2 * f + 1) * nl..(2 * f + 2) * nl],
                            )
                        })
                        .collect();
                    let mut acc = vec![[[0.0; NV]; 8]; nf];
                    kernels::synth_spin(m, spin, lmax, &s.coef3, &x, p, mm, &eb, &mut acc);
                    let i_unit = Complex64::new(0.0, 1.0);
                    for (f, a) in acc.iter().enumerate() {
                        for i in 0..nvalid {
                            let z = |o: usize| Complex64::new(a[o][i], a[o + 1][i]);
                            // the folded sums of kernels::synth_spin
                            let (x1, x2, y1, y2) = (z(0), z(2), z(4), z(6));
                            // north: S_P, S_M; south: P and M trade places
                            let (sp_n, sm_n) = (x1 + x2, y1 + y2);
                            let (sp_s, sm_s) = (y1 - y2, x1 - x2);
                            let qn = sp_n + sm_n;
                            let un = -i_unit * (sp_n - sm_n);
                            let qs = sp_s + sm_s;
                            let us = -i_unit * (sp_s - sm_s);
                            let pb = g0 + i - b0;
                            ph[self.phase_index(m, 2 * f, 0, pb, ncomp) - t0] = qn;
                            ph[self.phase_index(m, 2 * f, 1, pb, ncomp) - t0] = qs;
                            ph[self.phase_index(m, 2 * f + 1, 0, pb, ncomp) - t0] = un;
                            ph[self.phase_index(m, 2 * f + 1, 1, pb, ncomp) - t0] = us;
                        }
                    }
                }
            }
        }
    }

    /// Analysis of `maps` added to `alms` (the rows one after another); for spin, `maps = [Q0, U0, ..]`
    /// and `alms = [E0, B0, ..]`. `w` is the pixel weight per ring pair
    /// (times a factor per pixel for full pixel weights).
    fn analysis(&self, kind: Kind, maps: &[&[f64]], w: &Quadrature, alms: &mut [Complex64]) {
        let ncomp = maps.len();
        if ncomp == 0 {
            return;
        }
        let mmax = self.mmax;
        let mlims = self.mlims(kind);
        let mut phase = vec![Complex64::new(0.0, 0.0); self.phase_len(mmax, ncomp)];
        let alm_ptrs: Vec<SyncPtr<Complex64>> = alms
            .chunks_exact_mut(self.nalm())
            .map(|a| SyncPtr(a.as_mut_ptr()))
            .collect();
        for b0 in (0..self.pairs.len()).step_by(self.block) {
            let b1 = (b0 + self.block).min(self.pairs.len());
            phase.fill(Complex64::new(0.0, 0.0));
            // FFT of every ring of the block; phases written per (ring, m)
            {
                let ph = SyncPtr(phase.as_mut_ptr());
                self.for_each_ring(b0, b1, |rs, p, ns, ring| {
                    let (r2c, _) = &self.ffts[&ring.npix];
                    for (c, map) in maps.iter().enumerate() {
                        let values = &map[ring.start..ring.start + ring.npix];
                        rings::analyse_ring(
                            ring,
                            mlims[p],
                            w.pair[p],
                            w.pixel
                                .as_ref()
                                .map(|f| &f[ring.start..ring.start + ring.npix]),
                            values,
                            r2c.as_ref(),
                            rs,
                            |m, v| {
                                // SAFETY: (m, c, ns, p) is written by this call only
                                unsafe { ph.write(self.phase_index(m, c, ns, p - b0, ncomp), v) }
                            },
                        );
                    }
                });
            }
            let phase = &phase;
            (0..(mmax + 1).div_ceil(M_CHUNK))
                .into_par_iter()
                .for_each_init(Scratch::default, |s, ci| {
                    for m in ci * M_CHUNK..((ci + 1) * M_CHUNK).min(mmax + 1) {
                        self.prepare_powers(kind, m, b0, b1, s);
                        self.legendre_analysis(kind, m, b0, b1, phase, ncomp, &mlims, &alm_ptrs, s);
                        self.advance_powers(kind, m, b0, b1, s);
                    }
                });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn legendre_analysis(
        &self,
        kind: Kind,
        m: usize,
        b0: usize,
        b1: usize,
        ph: &[Complex64],
        ncomp: usize,
        mlims: &[usize],
        alm_ptrs: &[SyncPtr<Complex64>],
        s: &mut Scratch,
    ) {
        let lmax = self.lmax;
        let spin = kind.spin();
        let l0 = m.max(spin);
        if l0 > lmax || (b0..b1).all(|p| m > mlims[p]) {
            return;
        }
        let nl = lmax + 1 - l0;
        let off = alm_index(lmax, m, m);
        match kind {
            Kind::Scalar => {
                self.tables.scalar_x2(m, lmax, &mut s.eo);
                s.acc2.clear();
                s.acc2.resize(s.eo.steps() * ncomp, [[0.0; NV / 2]; 4]);
            }
            Kind::Spin(_) => {
                self.tables
                    .spin_coefficients(m, spin, lmax, &mut s.coef3, &mut s.spin_norm);
                s.acc8.clear();
                s.acc8.resize(nl * (ncomp / 2), [[0.0; NV / 2]; 8]);
            }
        }
        let get = |c: usize, ns: usize, p: usize| ph[self.phase_index(m, c, ns, p - b0, ncomp)];
        let mut pending: Option<(Lanes, Rec, Vec<[Lanes; 4]>)> = None;
        for g0 in (b0..b1).step_by(NV) {
            let g1 = (g0 + NV).min(b1);
            let nvalid = g1 - g0;
            if (g0..g1).all(|p| m > mlims[p]) {
                continue;
            }
            let (x, idx) = self.lanes(g0, g1);
            match kind {
                Kind::Scalar => {
                    let rec = self.scalar_start(m, &idx, nvalid, mlims, b0, &s.pows);
                    let mut g = vec![[[0.0; NV]; 4]; ncomp];
                    for (c, gc) in g.iter_mut().enumerate() {
                        for i in 0..nvalid {
                            let p = g0 + i;
                            let (n, so) = (get(c, 0, p), get(c, 1, p));
                            gc[0][i] = n.re + so.re;
                            gc[1][i] = n.im + so.im;
                            gc[2][i] = x[i] * (n.re - so.re);
                            gc[3][i] = x[i] * (n.im - so.im);
                        }
                    }
                    let x2 = x.map(|v| v * v);
                    // groups go through the kernel two at a time
                    match pending.take() {
                        Some((xa2, ra, ga)) => kernels::anal_scalar_pair(
                            &s.eo.coef,
                            &xa2,
                            ra,
                            &ga,
                            &x2,
                            rec,
                            &g,
                            &mut s.acc2,
                        ),
                        None => pending = Some((x2, rec, g)),
                    }
                }
                Kind::Spin(_) => {
                    let (p, mm) = self.spin_start(m, spin, &idx, nvalid, mlims, b0, &s.pows);
                    let nf = ncomp / 2;
                    let mut g = vec![[[0.0; NV]; 8]; nf];
                    for (f, gf) in g.iter_mut().enumerate() {
                        for i in 0..nvalid {
                            let pp = g0 + i;
                            let (qn, qs) = (get(2 * f, 0, pp), get(2 * f, 1, pp));
                            let (un, us) = (get(2 * f + 1, 0, pp), get(2 * f + 1, 1, pp));
                            let vals = [qn + qs, qn - qs, un + us, un - us];
                            for (j, v) in vals.iter().enumerate() {
                                gf[2 * j][i] = v.re;
                                gf[2 * j + 1][i] = v.im;
                            }
                        }
                    }
                    kernels::anal_spin(m, spin, lmax, &s.coef3, &x, p, mm, &g, &mut s.acc8);
                }
            }
        }
        if let Some((xa2, ra, ga)) = pending.take() {
            kernels::anal_scalar(&s.eo.coef, &xa2, ra, &ga, &mut s.acc2);
        }
        // reduce lanes into the alm of this m
        match kind {
            Kind::Scalar => {
                for (c, ptr) in alm_ptrs.iter().enumerate() {
                    // SAFETY: the coefficients of this m are written by this task only
                    let out = unsafe { ptr.slice(off, nl) };
                    let acc = &s.acc2;
                    let sum = |h: &Half| h.iter().sum::<f64>();
                    s.eo.analysis_result(
                        |j| {
                            let a = &acc[j * ncomp + c];
                            [
                                Complex64::new(sum(&a[0]), sum(&a[1])),
                                Complex64::new(sum(&a[2]), sum(&a[3])),
                            ]
                        },
                        out,
                    );
                }
            }
            Kind::Spin(_) => {
                let nf = ncomp / 2;
                for f in 0..nf {
                    // SAFETY: as above
                    let e = unsafe { alm_ptrs[2 * f].slice(off, nl + l0 - m) };
                    let b = unsafe { alm_ptrs[2 * f + 1].slice(off, nl + l0 - m) };
                    for li in 0..nl {
                        let l = l0 + li;
                        let a = &s.acc8[li * nf + f];
                        let sum =
                            |o: usize| Complex64::new(a[o].iter().sum(), a[o + 1].iter().sum());
                        let (s1, s2, s3, s4) = (sum(0), sum(2), sum(4), sum(6));
                        let c = -0.5 * ((2 * l + 1) as f64 / (4.0 * PI)).sqrt() * s.spin_norm[li];
                        let i_unit = Complex64::new(0.0, 1.0);
                        e[l - m] += (s1 + i_unit * s2) * c;
                        b[l - m] += (s3 - i_unit * s4) * c;
                    }
                }
            }
        }
    }
}

/// Per-thread buffers of the Legendre passes.
#[derive(Default)]
struct Scratch {
    /// The scalar recurrence of the current m.
    eo: kernels::EvenOdd,
    /// Its synthesis coefficients per component ([`kernels::EvenOdd`]).
    x2alm: Vec<[Complex64; 2]>,
    coef3: Vec<[f64; 2]>,
    /// `N_l` of the normalised spin recurrence ([`kernels::Tables::spin_coefficients`]).
    spin_norm: Vec<f64>,
    scaled_alm: Vec<Complex64>,
    acc4: Vec<[Lanes; 4]>,
    acc2: Vec<[Half; 4]>,
    acc8: Vec<[Half; 8]>,
    /// Start powers per pair of the current block, valid for `pow_key`
    /// = (block start, m, spin).
    pows: Vec<[Wide; 2]>,
    pow_key: Option<(usize, usize, usize)>,
}

/// Rows of `len` values, one after another, as one vector each (no copy for
/// one row).
fn split_rows<T: Clone>(flat: Vec<T>, len: usize) -> Vec<Vec<T>> {
    if flat.len() == len {
        return vec![flat];
    }
    flat.chunks_exact(len.max(1)).map(<[T]>::to_vec).collect()
}
