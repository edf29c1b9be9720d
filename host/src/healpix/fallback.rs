//! The scalar and spin spherical harmonic transforms in standard ops only,
//! for backends without `healpix.*` (the strict backend, third parties).
//!
//! Same mathematics as `glass-healpix` (see its `sht` module): for every
//! degree `l` the Legendre values `λ_lm(θ_p)` of all ring pairs `p` and all
//! orders `m` advance together as one `(pairs, mmax+1)` array,
//! `λ_l = A_l x λ_{l-1} - B_l λ_{l-2} + [m = l] λ_ll`, with the recurrence
//! coefficients `A_l`, `B_l` and the start values `λ_ll(θ_p)` computed on
//! the host. Even and odd `l - m` are summed apart, which gives the
//! northern and the mirrored southern ring at once. The ring Fourier sums
//! are the backend's `fft.ifft` / `fft.fft`, one batched call per ring
//! length (`tables.rs` has the formulas), so they cost `O(n log n)` per ring.
//!
//! All plan data (recurrence rows, start values, ring phases, index maps)
//! is uploaded once per `(nside, lmax, mmax, spin)` and kept on the device
//! by the backend's own planner (`planner.rs`); a call uploads nothing. The
//! Legendre part costs `O(lmax)` backend calls on `O(npairs mmax)` arrays.
//! The start values `λ_mm ∝ sin^m θ` are plain f64: at very high `m` near
//! the poles they underflow to zero, which only drops terms below
//! `1e-300` relative (fine for `lmax` up to a few thousand at nside <= 1024).

mod planner;
mod tables;

pub(crate) use planner::Planner;

use std::sync::Arc;

use glass_backend_api::DType;
use glass_healpix::alm::alm_size;
use num_complex::Complex64;

use crate::{Array, Backend, Error, Result};
use planner::{Key, Resident};
use tables::{Recurrence, Tables};

/// The transforms of one plan key on one backend (the tables are shared
/// with the backend's planner).
pub struct Sht<'b> {
    b: &'b Backend,
    t: Arc<Tables>,
}

const I: Complex64 = Complex64::new(0.0, 1.0);

impl<'b> Sht<'b> {
    /// The scalar transforms at `(nside, lmax, mmax)` on `b`.
    ///
    /// # Errors
    ///
    /// [`Error::Healpix`] for an invalid nside, [`Error::Value`] for
    /// `mmax > lmax`, backend errors of the upload of the tables.
    pub fn new(b: &'b Backend, nside: i64, lmax: usize, mmax: usize) -> Result<Sht<'b>> {
        Sht::planned(b, nside, lmax, mmax, 0)
    }

    /// The spin-`s` transforms at `(nside, lmax, mmax)` on `b`.
    ///
    /// # Errors
    ///
    /// As [`Sht::new`], and [`Error::Value`] for `s` outside `1..=lmax`.
    pub fn spin(b: &'b Backend, nside: i64, lmax: usize, mmax: usize, s: usize) -> Result<Sht<'b>> {
        if s == 0 || s > lmax {
            return Err(Error::value(
                "sht",
                "spin",
                format!("spin must be between 1 and lmax = {lmax}, got {s}"),
            ));
        }
        Sht::planned(b, nside, lmax, mmax, s)
    }

    fn planned(
        b: &'b Backend,
        nside: i64,
        lmax: usize,
        mmax: usize,
        spin: usize,
    ) -> Result<Sht<'b>> {
        let key = Key {
            nside,
            lmax,
            mmax,
            spin,
        };
        let t = b.sht_fallback_planner().tables(b, key)?;
        Ok(Sht { b, t })
    }

    /// A table as an array of this backend.
    fn dev(&self, r: &Resident) -> Result<Array> {
        r.get(self.b)
    }

    fn npairs(&self) -> usize {
        self.t.npairs
    }

    fn m_count(&self) -> usize {
        self.t.key.mmax + 1
    }

    fn lmax(&self) -> usize {
        self.t.key.lmax
    }

    fn nalm(&self) -> usize {
        alm_size(self.t.key.lmax, self.t.key.mmax)
    }

    fn zeros(&self) -> Result<Array> {
        self.b
            .zeros(&[self.npairs(), self.m_count()], DType::Float64)
    }

    /// Advances `(lam_prev, lam)` to degree `l`.
    fn step(&self, l: usize, x: &Array, lam_prev: &mut Array, lam: &mut Array) -> Result<()> {
        let Recurrence::Scalar { a, b, start } = &self.t.degrees[l].rec else {
            return Err(Error::internal("sht", "scalar step on spin tables"));
        };
        let mut next = ((&self.dev(a)? * &(x * &*lam).ok()?).ok()?
            - &(&self.dev(b)? * &*lam_prev).ok()?)
            .ok()?;
        if let Some((col, onehot)) = start {
            next = (&next + &(&self.dev(col)? * &self.dev(onehot)?).ok()?).ok()?;
        }
        *lam_prev = std::mem::replace(lam, next);
        Ok(())
    }

    /// healpy `alm2map` for alm of shape `(..., nalm)`.
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when the last axis is not the alm length; backend errors of the ops.
    pub fn alm2map(&self, alm: &Array) -> Result<Array> {
        self.batched(alm, self.nalm(), self.t.npix, |a| self.alm2map_1d(a))
    }

    /// healpy `map2alm` for maps of shape `(..., npix)`; `weights` are
    /// `2 nside` ring weights `w` (pixel weight `4π/npix (1 + w)` on each
    /// ring) or `12 nside²` pixel weights `w_p` (pixel weight
    /// `4π/npix (1 + w_p)`: the analysis of the map times `1 + w_p`).
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when the last axis is not the map length; [`Error::Value`] for
    /// weights of another length; backend errors of the ops.
    pub fn map2alm(&self, map: &Array, iter: usize, weights: Option<&Array>) -> Result<Array> {
        let mut ring = None;
        let mut pixel = None;
        if let Some(w) = weights {
            if w.dtype() == DType::Float64 && w.shape() == [self.npairs()] {
                ring = Some(w);
            } else if w.dtype() == DType::Float64 && w.shape() == [self.t.npix] {
                pixel = Some((w + 1.0).ok()?);
            } else {
                return Err(Error::value(
                    "map2alm",
                    "weights",
                    format!(
                        "weights: {:?} {} given, need 2*nside = {} (ring) or 12*nside^2 = {} (pixel) float64 values",
                        w.shape(),
                        w.dtype(),
                        self.npairs(),
                        self.t.npix
                    ),
                ));
            }
        }
        let analyse = |m: &Array| -> Result<Array> {
            match &pixel {
                Some(f) => self.map2alm_1d(&(m * f).ok()?, None),
                None => self.map2alm_1d(m, ring),
            }
        };
        self.batched(map, self.t.npix, self.nalm(), |m| {
            let mut alm = analyse(m)?;
            for _ in 0..iter {
                let resid = (m - &self.alm2map_1d(&alm)?).ok()?;
                alm = (&alm + &analyse(&resid)?).ok()?;
            }
            Ok(alm)
        })
    }

    /// Applies `f` to every row of the last axis.
    fn batched(
        &self,
        x: &Array,
        len_in: usize,
        len_out: usize,
        f: impl Fn(&Array) -> Result<Array>,
    ) -> Result<Array> {
        self.batched_blocks(x, &[len_in], &[len_out], f)
    }

    /// Applies `f` to every block of the trailing axes `inner` of `x` (the
    /// leading axes are a batch); `f` returns blocks of shape `out`.
    fn batched_blocks(
        &self,
        x: &Array,
        inner: &[usize],
        out: &[usize],
        f: impl Fn(&Array) -> Result<Array>,
    ) -> Result<Array> {
        let shape = x.shape().to_vec();
        let k = inner.len();
        if shape.len() < k || shape[shape.len() - k..] != *inner {
            return Err(Error::shape(
                "sht",
                "input",
                &shape,
                format!("a shape ending in {inner:?}"),
            ));
        }
        let lead_shape = &shape[..shape.len() - k];
        let as_i64 = |v: &[usize]| v.iter().map(|&d| d as i64).collect::<Vec<i64>>();
        if lead_shape.is_empty() {
            return f(x);
        }
        let lead: usize = lead_shape.iter().product();
        let flat = x.reshape(&[&[lead as i64][..], &as_i64(inner)].concat())?;
        let mut outs = Vec::with_capacity(lead);
        for i in 0..lead {
            let block = flat
                .take(&self.b.asarray1(&[i as i64])?, Some(0))?
                .reshape(&as_i64(inner))?;
            outs.push(f(&block)?);
        }
        let refs: Vec<&Array> = outs.iter().collect();
        self.b
            .stack(&refs, 0)?
            .reshape(&[as_i64(lead_shape), as_i64(out)].concat())
    }

    fn alm2map_1d(&self, alm: &Array) -> Result<Array> {
        let re = alm.real()?;
        let im = alm.imag()?;
        let x = self.dev(&self.t.x)?;
        let (mut ev_re, mut ev_im, mut od_re, mut od_im) =
            (self.zeros()?, self.zeros()?, self.zeros()?, self.zeros()?);
        let (mut lam_prev, mut lam) = (self.zeros()?, self.zeros()?);
        for l in 0..=self.lmax() {
            self.step(l, &x, &mut lam_prev, &mut lam)?;
            let d = &self.t.degrees[l];
            let idx = self.dev(&d.idx)?;
            let (r, i) = (re.take(&idx, Some(0))?, im.take(&idx, Some(0))?);
            let (e, o) = (self.dev(&d.even)?, self.dev(&d.odd)?);
            ev_re = (&ev_re + &(&lam * &(&r * &e).ok()?).ok()?).ok()?;
            ev_im = (&ev_im + &(&lam * &(&i * &e).ok()?).ok()?).ok()?;
            od_re = (&od_re + &(&lam * &(&r * &o).ok()?).ok()?).ok()?;
            od_im = (&od_im + &(&lam * &(&i * &o).ok()?).ok()?).ok()?;
        }
        let n_re = (&ev_re + &od_re).ok()?;
        let n_im = (&ev_im + &od_im).ok()?;
        let s_re = (&ev_re - &od_re).ok()?;
        let s_im = (&ev_im - &od_im).ok()?;
        self.rings_to_map(&n_re, &n_im, &s_re, &s_im)
    }

    /// The map from the Fourier coefficients `F_m` (m = 0..=mmax, real and
    /// imaginary parts) of the north and south ring of every pair, shape
    /// `(pairs, mmax+1)`: `f(φ) = Σ_m c_m Re(F_m e^{imφ})`, per ring length
    /// one inverse FFT of the aliased coefficients (see `tables.rs`).
    fn rings_to_map(
        &self,
        n_re: &Array,
        n_im: &Array,
        s_re: &Array,
        s_im: &Array,
    ) -> Result<Array> {
        let re = self
            .b
            .concat(&[n_re, s_re], Some(0))?
            .astype(DType::Complex128)?;
        let im = self
            .b
            .concat(&[n_im, s_im], Some(0))?
            .astype(DType::Complex128)?;
        let f = (&re + &(&im * I).ok()?).ok()?;
        let mc = self.m_count() as i64;
        let mut parts = Vec::with_capacity(self.t.groups.len());
        for g in &self.t.groups {
            let k = g.rings.len() as i64;
            let coef =
                (&f.take(&self.dev(&g.rows)?, Some(0))? * &self.dev(&g.synth_phase)?).ok()?;
            // G_k = Σ_{m ≡ k mod n}: pad the orders to `folds n`, add the folds
            let padded = match &g.pad {
                Some(z) => self.b.concat(&[&coef, &self.dev(z)?], Some(1))?,
                None => coef,
            };
            let n = g.n as i64;
            let folded = if g.folds > 1 {
                padded
                    .reshape(&[k, g.folds as i64, n])?
                    .sum(Some(&[1]), false)?
            } else {
                padded
            };
            debug_assert!(g.folds > 1 || mc <= n);
            let vals = folded.ifft(None, -1, "forward")?.real()?;
            parts.push(vals.reshape(&[k * n])?);
        }
        let refs: Vec<&Array> = parts.iter().collect();
        self.b
            .concat(&refs, Some(0))?
            .take(&self.dev(&self.t.map_perm)?, Some(0))
    }

    fn map2alm_1d(&self, map: &Array, w: Option<&Array>) -> Result<Array> {
        let [nr, ni, sr, si] = self.map_to_rings(map, w)?;
        let plus_re = (&nr + &sr).ok()?;
        let plus_im = (&ni + &si).ok()?;
        let minus_re = (&nr - &sr).ok()?;
        let minus_im = (&ni - &si).ok()?;
        let x = self.dev(&self.t.x)?;
        let (mut lam_prev, mut lam) = (self.zeros()?, self.zeros()?);
        let mut rows_re = Vec::with_capacity(self.lmax() + 1);
        let mut rows_im = Vec::with_capacity(self.lmax() + 1);
        for l in 0..=self.lmax() {
            self.step(l, &x, &mut lam_prev, &mut lam)?;
            let d = &self.t.degrees[l];
            let (e, o) = (self.dev(&d.even)?, self.dev(&d.odd)?);
            let sum0 = |x: &Array| -> Result<Array> { (&lam * x).ok()?.sum(Some(&[0]), false) };
            let re = (&(&sum0(&plus_re)? * &e).ok()? + &(&sum0(&minus_re)? * &o).ok()?).ok()?;
            let im = (&(&sum0(&plus_im)? * &e).ok()? + &(&sum0(&minus_im)? * &o).ok()?).ok()?;
            rows_re.push(re);
            rows_im.push(im);
        }
        self.rows_to_alm(&rows_re, &rows_im)
    }

    /// Complex alm in healpy order from rows `(mmax+1)` of real and
    /// imaginary parts, one per degree `l = 0..=lmax`.
    fn rows_to_alm(&self, rows_re: &[Array], rows_im: &[Array]) -> Result<Array> {
        let perm = self.dev(&self.t.alm_perm)?;
        let flat = |rows: &[Array]| -> Result<Array> {
            let refs: Vec<&Array> = rows.iter().collect();
            self.b.concat(&refs, Some(0))?.take(&perm, Some(0))
        };
        let re = flat(rows_re)?.astype(DType::Complex128)?;
        let im = flat(rows_im)?.astype(DType::Complex128)?;
        (&re + &(&im * I).ok()?).ok()
    }

    /// The weighted, rotated Fourier coefficients `G_m` of every ring of
    /// the map (quadrature weight `4π/npix (1 + w_ring)`, `w = 0` without
    /// ring weights): `[north re, north im, south re, south im]`, each
    /// `(pairs, mmax+1)` (zero south row for the equator). Per ring length
    /// one FFT (see `tables.rs`).
    fn map_to_rings(&self, map: &Array, w: Option<&Array>) -> Result<[Array; 4]> {
        let mut parts = Vec::with_capacity(self.t.groups.len() + 1);
        for g in &self.t.groups {
            let k = g.rings.len() as i64;
            let v = map
                .take(&self.dev(&g.pix)?, Some(0))?
                .reshape(&[k, g.n as i64])?
                .astype(DType::Complex128)?;
            let spec = v
                .fft(None, -1, "backward")?
                .take(&self.dev(&g.alias)?, Some(1))?;
            let mut gm = (&spec * &self.dev(&g.anal_phase)?).ok()?;
            if let Some(w) = w {
                let wk = (&w.take(&self.dev(&g.pairs)?, Some(0))? + 1.0)
                    .ok()?
                    .astype(DType::Complex128)?
                    .reshape(&[k, 1])?;
                gm = (&gm * &wk).ok()?;
            }
            parts.push(gm);
        }
        parts.push(self.dev(&self.t.zero_row)?);
        let refs: Vec<&Array> = parts.iter().collect();
        let all = self.b.concat(&refs, Some(0))?;
        let north = all.take(&self.dev(&self.t.north_rows)?, Some(0))?;
        let south = all.take(&self.dev(&self.t.south_rows)?, Some(0))?;
        Ok([north.real()?, north.imag()?, south.real()?, south.imag()?])
    }
}

/// Spin-s transforms (healpy `alm2map_spin` / `map2alm_spin`) in standard
/// ops, same mathematics as glass-healpix's spin kernels: the Wigner
/// functions `P = (-1)^s d_{m,-s}` and `M = d_{m,s}` of all pairs and
/// orders advance together per degree,
/// `d^{l+1} = α_l ((x ± γ_l) d^l - β_l d^{l-1})` (`+` for `P`, `-` for
/// `M`), from their closed form at `l0 = max(m, s)` (computed on the host
/// in logarithms, plan data). With `c_l = sqrt((2l+1)/4π)`:
/// `Q_m = -Σ_l c_l/2 [E_lm (P+M) + i B_lm (P-M)]`,
/// `U_m = -Σ_l c_l/2 [B_lm (P+M) - i E_lm (P-M)]`; on the southern ring
/// `P+M` takes the sign `(-1)^(l+m+s)` and `P-M` the opposite one. The
/// analysis is the adjoint with the quadrature weights of `map2alm`.
impl Sht<'_> {
    fn spin_of(&self) -> Result<usize> {
        match self.t.key.spin {
            0 => Err(Error::internal("sht", "spin transform on scalar tables")),
            s => Ok(s),
        }
    }

    /// Advances `P` and `M` (each `[previous, current]`) to degree `l`.
    fn spin_step(
        &self,
        l: usize,
        x: &Array,
        p: &mut [Array; 2],
        mm: &mut [Array; 2],
    ) -> Result<()> {
        let Recurrence::Spin {
            alpha,
            alpha_gamma,
            alpha_beta,
            starts,
            ..
        } = &self.t.degrees[l].rec
        else {
            return Err(Error::internal("sht", "spin step on scalar tables"));
        };
        let (a, g, bb) = (
            self.dev(alpha)?,
            self.dev(alpha_gamma)?,
            self.dev(alpha_beta)?,
        );
        for (state, sign) in [(&mut *p, 1.0), (&mut *mm, -1.0)] {
            let [prev, cur] = state;
            let ax = (&a * &(x * &*cur).ok()?).ok()?;
            let gc = (&(&g * sign).ok()? * &*cur).ok()?;
            let next = (&(&ax + &gc).ok()? - &(&bb * &*prev).ok()?).ok()?;
            *prev = std::mem::replace(cur, next);
        }
        // orders whose recurrence starts at this degree
        for (ps, ms, onehot) in starts {
            let oh = self.dev(onehot)?;
            p[1] = (&p[1] + &(&self.dev(ps)? * &oh).ok()?).ok()?;
            mm[1] = (&mm[1] + &(&self.dev(ms)? * &oh).ok()?).ok()?;
        }
        Ok(())
    }

    /// healpy `alm2map_spin`: `alm` of shape `(..., 2, nalm)` (E, B) to
    /// maps `(..., 2, npix)` (Q, U).
    ///
    /// # Errors
    ///
    /// [`Error::Internal`] on scalar tables (made by [`Sht::new`], not
    /// [`Sht::spin`]); [`Error::Shape`] for inputs not of shape `(..., 2, nalm)`;
    /// backend errors of the ops.
    pub fn alm2map_spin(&self, alm: &Array) -> Result<Array> {
        self.spin_of()?;
        let (nalm, npix) = (self.nalm(), self.t.npix);
        self.batched_blocks(alm, &[2, nalm], &[2, npix], |eb| self.alm2map_spin_1d(eb))
    }

    /// healpy `map2alm_spin` (with `iter` Jacobi steps): maps of shape
    /// `(..., 2, npix)` (Q, U) to alm `(..., 2, nalm)` (E, B).
    ///
    /// # Errors
    ///
    /// As [`Sht::alm2map_spin`], for maps of shape `(..., 2, npix)`.
    pub fn map2alm_spin(&self, maps: &Array, iter: usize) -> Result<Array> {
        self.spin_of()?;
        let (nalm, npix) = (self.nalm(), self.t.npix);
        self.batched_blocks(maps, &[2, npix], &[2, nalm], |qu| {
            let mut alm = self.map2alm_spin_1d(qu)?;
            for _ in 0..iter {
                let resid = (qu - &self.alm2map_spin_1d(&alm)?).ok()?;
                alm = (&alm + &self.map2alm_spin_1d(&resid)?).ok()?;
            }
            Ok(alm)
        })
    }

    fn component(&self, x: &Array, k: i64) -> Result<Array> {
        let len = x.shape()[1] as i64;
        x.take(&self.b.asarray1(&[k])?, Some(0))?.reshape(&[len])
    }

    fn alm2map_spin_1d(&self, eb: &Array) -> Result<Array> {
        let s = self.spin_of()?;
        let (e, b) = (self.component(eb, 0)?, self.component(eb, 1)?);
        let (e_re, e_im, b_re, b_im) = (e.real()?, e.imag()?, b.real()?, b.imag()?);
        let x = self.dev(&self.t.x)?;
        let mut p = [self.zeros()?, self.zeros()?];
        let mut mm = [self.zeros()?, self.zeros()?];
        // [north, south] x [E W+ re, im, B W- re, im, B W+ re, im, E W- re, im]
        let mut acc: Vec<Array> = (0..16).map(|_| self.zeros()).collect::<Result<_>>()?;
        for l in 0..=self.lmax() {
            self.spin_step(l, &x, &mut p, &mut mm)?;
            if l < s {
                continue;
            }
            let d = &self.t.degrees[l];
            let Recurrence::Spin { sign, valid, .. } = &d.rec else {
                return Err(Error::internal("sht", "spin tables expected"));
            };
            let idx = self.dev(&d.idx)?;
            let sg = self.dev(sign)?;
            let valid = self.dev(valid)?;
            let coef = |x: &Array| -> Result<Array> { (&x.take(&idx, Some(0))? * &valid).ok() };
            let (er, ei, br, bi) = (coef(&e_re)?, coef(&e_im)?, coef(&b_re)?, coef(&b_im)?);
            let wp = (&p[1] + &mm[1]).ok()?;
            let wm = (&p[1] - &mm[1]).ok()?;
            let wp_s = (&wp * &sg).ok()?;
            let wm_s = (&(&wm * &sg).ok()? * -1.0).ok()?;
            let terms = [
                (&wp, &wp_s, &er),
                (&wp, &wp_s, &ei),
                (&wm, &wm_s, &br),
                (&wm, &wm_s, &bi),
                (&wp, &wp_s, &br),
                (&wp, &wp_s, &bi),
                (&wm, &wm_s, &er),
                (&wm, &wm_s, &ei),
            ];
            for (k, (w, w_s, c)) in terms.into_iter().enumerate() {
                acc[k] = (&acc[k] + &(w * c).ok()?).ok()?;
                acc[8 + k] = (&acc[8 + k] + &(w_s * c).ok()?).ok()?;
            }
        }
        // Q = E W+ + i B W-, U = B W+ - i E W-
        let qu = |o: usize| -> Result<[Array; 4]> {
            let a = &acc[o..o + 8];
            Ok([
                (&a[0] - &a[3]).ok()?,
                (&a[1] + &a[2]).ok()?,
                (&a[4] + &a[7]).ok()?,
                (&a[5] - &a[6]).ok()?,
            ])
        };
        let [qn_re, qn_im, un_re, un_im] = qu(0)?;
        let [qs_re, qs_im, us_re, us_im] = qu(8)?;
        let q = self.rings_to_map(&qn_re, &qn_im, &qs_re, &qs_im)?;
        let u = self.rings_to_map(&un_re, &un_im, &us_re, &us_im)?;
        self.b.stack(&[&q, &u], 0)
    }

    fn map2alm_spin_1d(&self, qu: &Array) -> Result<Array> {
        let s = self.spin_of()?;
        let [qnr, qni, qsr, qsi] = self.map_to_rings(&self.component(qu, 0)?, None)?;
        let [unr, uni, usr, usi] = self.map_to_rings(&self.component(qu, 1)?, None)?;
        let add = |a: &Array, b: &Array| (a + b).ok();
        let sub = |a: &Array, b: &Array| (a - b).ok();
        // q± = q_north ± q_south, u± likewise: [re, im]
        let qp = [add(&qnr, &qsr)?, add(&qni, &qsi)?];
        let qm = [sub(&qnr, &qsr)?, sub(&qni, &qsi)?];
        let up = [add(&unr, &usr)?, add(&uni, &usi)?];
        let um = [sub(&unr, &usr)?, sub(&uni, &usi)?];
        let x = self.dev(&self.t.x)?;
        let mut p = [self.zeros()?, self.zeros()?];
        let mut mm = [self.zeros()?, self.zeros()?];
        let (mut e_re, mut e_im, mut b_re, mut b_im) = (vec![], vec![], vec![], vec![]);
        let zero_row = self.b.zeros(&[self.m_count()], DType::Float64)?;
        for l in 0..=self.lmax() {
            self.spin_step(l, &x, &mut p, &mut mm)?;
            if l < s {
                for v in [&mut e_re, &mut e_im, &mut b_re, &mut b_im] {
                    v.push(zero_row.clone());
                }
                continue;
            }
            let Recurrence::Spin { even_h, odd_h, .. } = &self.t.degrees[l].rec else {
                return Err(Error::internal("sht", "spin tables expected"));
            };
            let (ev, od) = (self.dev(even_h)?, self.dev(odd_h)?);
            let wp = (&p[1] + &mm[1]).ok()?;
            let wm = (&p[1] - &mm[1]).ok()?;
            let sum0 =
                |w: &Array, x: &Array| -> Result<Array> { (w * x).ok()?.sum(Some(&[0]), false) };
            // S = even-sign part from `a`, odd-sign part from `b`, times h
            let pick = |w: &Array, a: &Array, b: &Array| -> Result<Array> {
                (&(&sum0(w, a)? * &ev).ok()? + &(&sum0(w, b)? * &od).ok()?).ok()
            };
            let s1 = [pick(&wp, &qp[0], &qm[0])?, pick(&wp, &qp[1], &qm[1])?];
            let s2 = [pick(&wm, &um[0], &up[0])?, pick(&wm, &um[1], &up[1])?];
            let s3 = [pick(&wp, &up[0], &um[0])?, pick(&wp, &up[1], &um[1])?];
            let s4 = [pick(&wm, &qm[0], &qp[0])?, pick(&wm, &qm[1], &qp[1])?];
            // E = h (S1 + i S2), B = h (S3 - i S4)
            e_re.push(sub(&s1[0], &s2[1])?);
            e_im.push(add(&s1[1], &s2[0])?);
            b_re.push(add(&s3[0], &s4[1])?);
            b_im.push(sub(&s3[1], &s4[0])?);
        }
        let e = self.rows_to_alm(&e_re, &e_im)?;
        let b = self.rows_to_alm(&b_re, &b_im)?;
        self.b.stack(&[&e, &b], 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_uploaded_once_per_key_and_backend() {
        let b = Backend::embedded_ndarray().unwrap();
        let s1 = Sht::new(&b, 4, 8, 8).unwrap();
        assert!(Arc::ptr_eq(&s1.t, &Sht::new(&b, 4, 8, 8).unwrap().t));
        let sp = Sht::spin(&b, 4, 8, 8, 2).unwrap();
        assert!(!Arc::ptr_eq(&s1.t, &sp.t));
        assert_eq!(b.sht_fallback_planner().len(), 2);
        // another instance has its own tables
        let other = Backend::embedded_ndarray().unwrap();
        assert!(!Arc::ptr_eq(&s1.t, &Sht::new(&other, 4, 8, 8).unwrap().t));
        // bounded; an evicted key's tables stay valid for whoever holds them
        for nside in [1, 2, 8, 16] {
            Sht::new(&b, nside, 8, 8).unwrap();
        }
        assert_eq!(b.sht_fallback_planner().len(), planner::CAPACITY);
        let alm = b.zeros(&[alm_size(8, 8)], DType::Complex128).unwrap();
        let map = s1.alm2map(&alm).unwrap();
        assert_eq!(map.shape(), [192]);
        drop((s1, sp));
        drop(b);
    }

    #[test]
    fn bad_keys_are_errors() {
        let b = Backend::embedded_ndarray().unwrap();
        assert!(Sht::new(&b, 0, 8, 8).is_err());
        assert!(Sht::new(&b, 4, 8, 9).is_err());
        assert!(Sht::spin(&b, 4, 8, 8, 0).is_err());
        assert!(Sht::spin(&b, 4, 8, 8, 9).is_err());
    }
}
