//! The scalar spherical harmonic transforms in standard ops only, for
//! backends without `healpix.*` (the strict backend, third parties).
//!
//! Same mathematics as `glass-healpix` (see its `sht` module): for every
//! degree `l` the Legendre values `λ_lm(θ_p)` of all ring pairs `p` and all
//! orders `m` advance together as one `(pairs, mmax+1)` array,
//! `λ_l = A_l x λ_{l-1} - B_l λ_{l-2} + [m = l] λ_ll`, with the recurrence
//! coefficients `A_l`, `B_l` and the start values `λ_ll(θ_p)` computed on
//! the host and uploaded (plan data). Even and odd `l - m` are summed apart,
//! which gives the northern and the mirrored southern ring at once. The ring
//! Fourier sums are matrix products with cosine/sine tables per ring length.
//!
//! Cost is `O(lmax)` backend calls on `O(npairs mmax)` arrays plus dense
//! Fourier matrices, so this is meant for correctness at moderate sizes.
//! The start values `λ_mm ∝ sin^m θ` are plain f64: at very high `m` near
//! the poles they underflow to zero, which only drops terms below
//! `1e-300` relative (fine for `lmax` up to a few thousand at nside <= 1024).

use std::f64::consts::PI;

use glass_backend_api::DType;
use glass_healpix::alm::{alm_index, alm_size};
use glass_healpix::geometry::{Geometry, Ring};
use glass_healpix::sht::{lambda_mm_prefactor, scalar_recurrence, spin_recurrence};

use crate::{Array, Backend, Error, Result};

/// A planned scalar transform on one backend.
pub struct Sht<'b> {
    b: &'b Backend,
    lmax: usize,
    mmax: usize,
    npix: usize,
    rings: Vec<Ring>,
    /// `cos θ` of the north ring of each pair, shape `(P, 1)`.
    x: Array,
    /// `sin θ` of the north ring of each pair (host).
    sin_theta: Vec<f64>,
    /// Rings grouped by length: `(nphi, ring indices)`.
    groups: Vec<(usize, Vec<usize>)>,
    /// `λ_mm / sin^m θ` for `m <= mmax`.
    prefactors: Vec<f64>,
}

/// Pair of ring `r` (0-based) and whether it is the southern one.
fn pair_of(nside: usize, r: usize) -> (usize, bool) {
    if r < 2 * nside {
        (r, false)
    } else {
        (4 * nside - 2 - r, true)
    }
}

impl<'b> Sht<'b> {
    /// # Errors
    ///
    /// [`Error::Healpix`] for an invalid `nside`; [`Error::Value`] for `mmax > lmax`; backend
    /// errors while uploading the tables.
    pub fn new(b: &'b Backend, nside: i64, lmax: usize, mmax: usize) -> Result<Sht<'b>> {
        let g = Geometry::new(nside)?;
        if mmax > lmax {
            return Err(Error::value(
                "sht",
                "mmax",
                format!("mmax {mmax} exceeds lmax {lmax}"),
            ));
        }
        let n = g.nside();
        let rings = g.rings().to_vec();
        let npairs = 2 * n;
        let xs: Vec<f64> = (0..npairs).map(|p| rings[p].z).collect();
        let sin_theta = (0..npairs).map(|p| rings[p].sin_theta).collect();
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for (i, r) in rings.iter().enumerate() {
            match groups.iter_mut().find(|(len, _)| *len == r.npix) {
                Some((_, v)) => v.push(i),
                None => groups.push((r.npix, vec![i])),
            }
        }
        let mut ratio = 1.0;
        let prefactors = (0..=mmax)
            .map(|m| {
                if m > 0 {
                    ratio *= (2 * m - 1) as f64 / (2 * m) as f64;
                }
                lambda_mm_prefactor(m, ratio)
            })
            .collect();
        Ok(Sht {
            b,
            lmax,
            mmax,
            npix: g.npix(),
            rings,
            x: b.asarray(&xs, &[npairs, 1])?,
            sin_theta,
            groups,
            prefactors,
        })
    }

    fn npairs(&self) -> usize {
        self.sin_theta.len()
    }

    fn m_count(&self) -> usize {
        self.mmax + 1
    }

    fn row(&self, v: &[f64]) -> Result<Array> {
        self.b.asarray(v, &[1, v.len()])
    }

    fn col(&self, v: &[f64]) -> Result<Array> {
        self.b.asarray(v, &[v.len(), 1])
    }

    /// Host data of degree `l`: `A_l`, `B_l` (rows over m), the start column
    /// `λ_ll(θ_p)` (None if `l > mmax`) and the one-hot row of `m = l`.
    #[allow(clippy::type_complexity)]
    fn degree(&self, l: usize) -> (Vec<f64>, Vec<f64>, Option<(Vec<f64>, Vec<f64>)>) {
        let mc = self.m_count();
        let mut a = vec![0.0; mc];
        let mut bb = vec![0.0; mc];
        for m in 0..mc.min(l) {
            [a[m], bb[m]] = scalar_recurrence(l, m);
        }
        let start = (l < mc).then(|| {
            // λ_ll = prefactor(l) sin^l θ
            let pref = self.prefactors[l];
            let col: Vec<f64> = self
                .sin_theta
                .iter()
                .map(|s| pref * s.powi(l as i32))
                .collect();
            let mut onehot = vec![0.0; mc];
            onehot[l] = 1.0;
            (col, onehot)
        });
        (a, bb, start)
    }

    /// Advances `(lam_prev, lam)` to degree `l`.
    fn step(&self, l: usize, lam_prev: &mut Array, lam: &mut Array) -> Result<()> {
        let (a, bb, start) = self.degree(l);
        let mut next = ((&self.row(&a)? * &(&self.x * &*lam).ok()?).ok()?
            - &(&self.row(&bb)? * &*lam_prev).ok()?)
            .ok()?;
        if let Some((col, onehot)) = start {
            next = (&next + &(&self.col(&col)? * &self.row(&onehot)?).ok()?).ok()?;
        }
        *lam_prev = std::mem::replace(lam, next);
        Ok(())
    }

    /// Index of `(l, m)` per m (0 where `m > l`) and the masks of even and
    /// odd `l - m` among the valid m.
    fn alm_row(&self, l: usize) -> (Vec<i64>, Vec<f64>, Vec<f64>) {
        let mc = self.m_count();
        let mut idx = vec![0i64; mc];
        let mut even = vec![0.0; mc];
        let mut odd = vec![0.0; mc];
        for m in 0..=l.min(self.mmax) {
            idx[m] = alm_index(self.lmax, l, m) as i64;
            if (l - m) % 2 == 0 {
                even[m] = 1.0;
            } else {
                odd[m] = 1.0;
            }
        }
        (idx, even, odd)
    }

    /// `c_m cos(m φ0)`, `c_m sin(m φ0)` rows of the rings (c_0 = 1, c_m = 2),
    /// optionally times a weight and with the opposite rotation.
    fn phases(
        &self,
        rings: &[usize],
        scale: impl Fn(usize) -> f64,
        sign: f64,
        doubling: bool,
    ) -> Result<(Array, Array)> {
        let mc = self.m_count();
        let mut c = Vec::with_capacity(rings.len() * mc);
        let mut s = Vec::with_capacity(rings.len() * mc);
        for &r in rings {
            let phi0 = self.rings[r].phi0;
            let w = scale(r);
            for m in 0..mc {
                let f = if doubling && m > 0 { 2.0 * w } else { w };
                let (sn, cs) = (m as f64 * phi0).sin_cos();
                c.push(f * cs);
                s.push(sign * f * sn);
            }
        }
        Ok((
            self.b.asarray(&c, &[rings.len(), mc])?,
            self.b.asarray(&s, &[rings.len(), mc])?,
        ))
    }

    /// `cos(2π m j/n)` and `sin(2π m j/n)`, shape `(mmax+1, n)` or its
    /// transpose.
    fn fourier(&self, n: usize, transpose: bool) -> Result<(Array, Array)> {
        let mc = self.m_count();
        let mut c = vec![0.0; mc * n];
        let mut s = vec![0.0; mc * n];
        for m in 0..mc {
            for j in 0..n {
                let k = (m * j) % n;
                let (sn, cs) = (2.0 * PI * k as f64 / n as f64).sin_cos();
                let i = if transpose { j * mc + m } else { m * n + j };
                c[i] = cs;
                s[i] = sn;
            }
        }
        let shape = if transpose { [n, mc] } else { [mc, n] };
        Ok((self.b.asarray(&c, &shape)?, self.b.asarray(&s, &shape)?))
    }

    /// Rows `rows` (ring indices) of the per-pair arrays: north rings from
    /// `north`, south rings from `south`.
    fn ring_rows(&self, rows: &[usize], north: &Array, south: &Array) -> Result<Array> {
        let n = self.npairs() / 2;
        let parts: Vec<Array> = rows
            .iter()
            .map(|&r| {
                let (p, s) = pair_of(n, r);
                let src = if s { south } else { north };
                src.take(&self.b.asarray1(&[p as i64])?, Some(0))
            })
            .collect::<Result<_>>()?;
        let refs: Vec<&Array> = parts.iter().collect();
        self.b.concat(&refs, Some(0))
    }

    /// healpy `alm2map` for alm of shape `(..., nalm)`.
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when the last axis is not the alm length; backend errors of the ops.
    pub fn alm2map(&self, alm: &Array) -> Result<Array> {
        self.batched(alm, alm_size(self.lmax, self.mmax), self.npix, |a| {
            self.alm2map_1d(a)
        })
    }

    /// healpy `map2alm` for maps of shape `(..., npix)`.
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when the last axis is not the map length; [`Error::Value`] for ring
    /// weights of the wrong length; backend errors of the ops.
    pub fn map2alm(&self, map: &Array, iter: usize, ring_weights: Option<&Array>) -> Result<Array> {
        let w: Vec<f64> = match ring_weights {
            None => vec![0.0; self.npairs()],
            // the weights are a handful of numbers that choose the
            // quadrature, like lmax: read once, as plan data
            Some(w) => w.to_vec::<f64>()?,
        };
        if w.len() != self.npairs() {
            return Err(Error::value(
                "map2alm",
                "ring_weights",
                format!(
                    "ring weights: {} values given, need 2*nside = {}",
                    w.len(),
                    self.npairs()
                ),
            ));
        }
        self.batched(map, self.npix, alm_size(self.lmax, self.mmax), |m| {
            let mut alm = self.map2alm_1d(m, &w)?;
            for _ in 0..iter {
                let resid = (m - &self.alm2map_1d(&alm)?).ok()?;
                alm = (&alm + &self.map2alm_1d(&resid, &w)?).ok()?;
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
        let (p, mc) = (self.npairs(), self.m_count());
        let re = alm.real()?;
        let im = alm.imag()?;
        let zeros = || self.b.zeros(&[p, mc], DType::Float64);
        let (mut ev_re, mut ev_im, mut od_re, mut od_im) = (zeros()?, zeros()?, zeros()?, zeros()?);
        let (mut lam_prev, mut lam) = (zeros()?, zeros()?);
        for l in 0..=self.lmax {
            self.step(l, &mut lam_prev, &mut lam)?;
            let (idx, even, odd) = self.alm_row(l);
            let idx = self.b.asarray1(&idx)?;
            let (r, i) = (re.take(&idx, Some(0))?, im.take(&idx, Some(0))?);
            let (e, o) = (self.b.asarray1(&even)?, self.b.asarray1(&odd)?);
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
    /// `(pairs, mmax+1)`: `f(φ) = Σ_m c_m Re(F_m e^{imφ})`.
    fn rings_to_map(
        &self,
        n_re: &Array,
        n_im: &Array,
        s_re: &Array,
        s_im: &Array,
    ) -> Result<Array> {
        let mut ring_values: Vec<Option<Array>> = vec![None; self.rings.len()];
        for (n, rows) in &self.groups {
            let f_re = self.ring_rows(rows, n_re, s_re)?;
            let f_im = self.ring_rows(rows, n_im, s_im)?;
            let (pc, ps) = self.phases(rows, |_| 1.0, 1.0, true)?;
            let g_re = (&(&f_re * &pc).ok()? - &(&f_im * &ps).ok()?).ok()?;
            let g_im = (&(&f_re * &ps).ok()? + &(&f_im * &pc).ok()?).ok()?;
            let (c, s) = self.fourier(*n, false)?;
            let vals = (&g_re.matmul(&c)? - &g_im.matmul(&s)?).ok()?;
            for (k, &r) in rows.iter().enumerate() {
                let row = vals
                    .take(&self.b.asarray1(&[k as i64])?, Some(0))?
                    .reshape(&[*n as i64])?;
                ring_values[r] = Some(row);
            }
        }
        let parts: Vec<Array> = ring_values
            .into_iter()
            .map(|v| v.ok_or_else(|| Error::internal("sht", "ring left out")))
            .collect::<Result<_>>()?;
        let refs: Vec<&Array> = parts.iter().collect();
        self.b.concat(&refs, Some(0))
    }

    fn map2alm_1d(&self, map: &Array, w: &[f64]) -> Result<Array> {
        let (p, mc) = (self.npairs(), self.m_count());
        let [nr, ni, sr, si] = self.map_to_rings(map, w)?;
        let plus_re = (&nr + &sr).ok()?;
        let plus_im = (&ni + &si).ok()?;
        let minus_re = (&nr - &sr).ok()?;
        let minus_im = (&ni - &si).ok()?;
        let zeros = || self.b.zeros(&[p, mc], DType::Float64);
        let (mut lam_prev, mut lam) = (zeros()?, zeros()?);
        let mut rows_re = Vec::with_capacity(self.lmax + 1);
        let mut rows_im = Vec::with_capacity(self.lmax + 1);
        for l in 0..=self.lmax {
            self.step(l, &mut lam_prev, &mut lam)?;
            let (_, even, odd) = self.alm_row(l);
            let (e, o) = (self.b.asarray1(&even)?, self.b.asarray1(&odd)?);
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
        let mc = self.m_count();
        let perm: Vec<i64> = {
            let mut v = vec![0i64; alm_size(self.lmax, self.mmax)];
            for m in 0..=self.mmax {
                for l in m..=self.lmax {
                    v[alm_index(self.lmax, l, m)] = (l * mc + m) as i64;
                }
            }
            v
        };
        let perm = self.b.asarray1(&perm)?;
        let flat = |rows: &[Array]| -> Result<Array> {
            let refs: Vec<&Array> = rows.iter().collect();
            self.b.concat(&refs, Some(0))?.take(&perm, Some(0))
        };
        let re = flat(rows_re)?.astype(DType::Complex128)?;
        let im = flat(rows_im)?.astype(DType::Complex128)?;
        (&re + &(&im * num_complex::Complex64::new(0.0, 1.0)).ok()?).ok()
    }

    /// The weighted, rotated Fourier coefficients `G_m` of every ring of
    /// the map (quadrature weight `4π/npix (1 + w_ring)`): `[north re,
    /// north im, south re, south im]`, each `(pairs, mmax+1)` (zero south
    /// row for the equator).
    fn map_to_rings(&self, map: &Array, w: &[f64]) -> Result<[Array; 4]> {
        let (p, mc) = (self.npairs(), self.m_count());
        let n = p / 2;
        let base = 4.0 * PI / self.npix as f64;
        // weighted, rotated ring Fourier coefficients per ring
        let mut ring_re: Vec<Option<Array>> = vec![None; self.rings.len()];
        let mut ring_im: Vec<Option<Array>> = vec![None; self.rings.len()];
        for (len, rows) in &self.groups {
            let parts: Vec<Array> = rows
                .iter()
                .map(|&r| {
                    let ring = &self.rings[r];
                    let idx: Vec<i64> =
                        (ring.start as i64..(ring.start + ring.npix) as i64).collect();
                    map.take(&self.b.asarray1(&idx)?, Some(0))
                })
                .collect::<Result<_>>()?;
            let refs: Vec<&Array> = parts.iter().collect();
            let v = self.b.stack(&refs, 0)?;
            let (ct, st) = self.fourier(*len, true)?;
            let gr = v.matmul(&ct)?;
            let gi = v.matmul(&st)?.negative()?;
            let (pc, ps) = self.phases(rows, |r| base * (1.0 + w[pair_of(n, r).0]), -1.0, false)?;
            let g_re = (&(&gr * &pc).ok()? - &(&gi * &ps).ok()?).ok()?;
            let g_im = (&(&gr * &ps).ok()? + &(&gi * &pc).ok()?).ok()?;
            for (k, &r) in rows.iter().enumerate() {
                let sel = self.b.asarray1(&[k as i64])?;
                ring_re[r] = Some(g_re.take(&sel, Some(0))?);
                ring_im[r] = Some(g_im.take(&sel, Some(0))?);
            }
        }
        // per pair: north rows, south rows (zero for the equator)
        let zero = self.b.zeros(&[1, mc], DType::Float64)?;
        let gather = |rows: &[Option<Array>], south: bool| -> Result<Array> {
            let parts: Vec<&Array> = (0..p)
                .map(|q| {
                    let r = if south {
                        (q + 1 < p).then(|| 4 * n - 2 - q)
                    } else {
                        Some(q)
                    };
                    match r {
                        Some(r) => rows[r]
                            .as_ref()
                            .ok_or_else(|| Error::internal("sht", "ring left out")),
                        None => Ok(&zero),
                    }
                })
                .collect::<Result<_>>()?;
            self.b.concat(&parts, Some(0))
        };
        Ok([
            gather(&ring_re, false)?,
            gather(&ring_im, false)?,
            gather(&ring_re, true)?,
            gather(&ring_im, true)?,
        ])
    }
}

/// Spin-s transforms (healpy `alm2map_spin` / `map2alm_spin`) in standard
/// ops, same mathematics as glass-healpix's spin kernels: the Wigner
/// functions `P = (-1)^s d_{m,-s}` and `M = d_{m,s}` of all pairs and
/// orders advance together per degree,
/// `d^{l+1} = α_l ((x ± γ_l) d^l - β_l d^{l-1})` (`+` for `P`, `-` for
/// `M`), from their closed form at `l0 = max(m, s)` (computed on the host
/// in logarithms, uploaded as plan data). With `c_l = sqrt((2l+1)/4π)`:
/// `Q_m = -Σ_l c_l/2 [E_lm (P+M) + i B_lm (P-M)]`,
/// `U_m = -Σ_l c_l/2 [B_lm (P+M) - i E_lm (P-M)]`; on the southern ring
/// `P+M` takes the sign `(-1)^(l+m+s)` and `P-M` the opposite one. The
/// analysis is the adjoint with the quadrature weights of `map2alm`.
impl Sht<'_> {
    /// `(P, M)` of every pair at `l0 = max(m, s)`.
    fn spin_start(&self, m: usize, s: usize) -> (Vec<f64>, Vec<f64>) {
        let (l0, j) = if m >= s { (m, s) } else { (s, m) };
        // ln sqrt(C(2 l0, l0 + j))
        let ln_binom: f64 = 0.5
            * (1..=l0 - j)
                .map(|i| ((l0 + j + i) as f64 / i as f64).ln())
                .sum::<f64>();
        let (pa, pb, ma, mb) = if m >= s {
            (m - s, m + s, m + s, m - s)
        } else {
            (s - m, s + m, s + m, s - m)
        };
        let psign = if m % 2 == 1 { -1.0 } else { 1.0 };
        let msign = if m >= s && (m - s) % 2 == 1 {
            -1.0
        } else {
            1.0
        };
        let mut p = Vec::with_capacity(self.npairs());
        let mut mm = Vec::with_capacity(self.npairs());
        for q in 0..self.npairs() {
            // north rings: cos θ/2 >= 1/sqrt(2), sin θ/2 from sin θ
            let z = self.rings[q].z;
            let c = ((1.0 + z) / 2.0).sqrt();
            let sg = self.sin_theta[q] / (2.0 * c);
            let (lc, ls) = (c.ln(), sg.ln());
            p.push(psign * (ln_binom + pa as f64 * lc + pb as f64 * ls).exp());
            mm.push(msign * (ln_binom + ma as f64 * lc + mb as f64 * ls).exp());
        }
        (p, mm)
    }

    /// Advances `P` and `M` (each `[previous, current]`) to degree `l`.
    fn spin_step(&self, s: usize, l: usize, p: &mut [Array; 2], mm: &mut [Array; 2]) -> Result<()> {
        let mc = self.m_count();
        let (mut al, mut ag, mut ab) = (vec![0.0; mc], vec![0.0; mc], vec![0.0; mc]);
        if l >= 1 {
            let k = l - 1; // the step from k to l
            for m in 0..mc {
                if k >= m.max(s) {
                    let [alpha, alpha_beta, gamma] = spin_recurrence(k, m, s);
                    (al[m], ag[m], ab[m]) = (alpha, alpha * gamma, alpha_beta);
                }
            }
        }
        let (a, g, bb) = (self.row(&al)?, self.row(&ag)?, self.row(&ab)?);
        for (state, sign) in [(&mut *p, 1.0), (&mut *mm, -1.0)] {
            let [prev, cur] = state;
            let ax = (&a * &(&self.x * &*cur).ok()?).ok()?;
            let gc = (&(&g * sign).ok()? * &*cur).ok()?;
            let next = (&(&ax + &gc).ok()? - &(&bb * &*prev).ok()?).ok()?;
            *prev = std::mem::replace(cur, next);
        }
        // orders whose recurrence starts at this degree
        for m in 0..mc {
            if m.max(s) == l {
                let (ps, ms) = self.spin_start(m, s);
                let mut onehot = vec![0.0; mc];
                onehot[m] = 1.0;
                let oh = self.row(&onehot)?;
                p[1] = (&p[1] + &(&self.col(&ps)? * &oh).ok()?).ok()?;
                mm[1] = (&mm[1] + &(&self.col(&ms)? * &oh).ok()?).ok()?;
            }
        }
        Ok(())
    }

    /// Per degree `l`: the alm indices per m, the sign `(-1)^(l+m+s)` of
    /// each order (0 where `m > l`), and `-c_l/2`.
    fn spin_row(&self, s: usize, l: usize) -> (Vec<i64>, Vec<f64>, f64) {
        let mc = self.m_count();
        let mut idx = vec![0i64; mc];
        let mut sign = vec![0.0; mc];
        for m in 0..=l.min(self.mmax) {
            idx[m] = alm_index(self.lmax, l, m) as i64;
            sign[m] = if (l + m + s) % 2 == 0 { 1.0 } else { -1.0 };
        }
        let h = -((2 * l + 1) as f64 / (4.0 * PI)).sqrt() / 2.0;
        (idx, sign, h)
    }

    fn check_spin(&self, s: usize) -> Result<()> {
        if s == 0 || s > self.lmax {
            return Err(Error::value(
                "sht",
                "spin",
                format!("spin must be between 1 and lmax = {}, got {s}", self.lmax),
            ));
        }
        Ok(())
    }

    /// healpy `alm2map_spin`: `alm` of shape `(..., 2, nalm)` (E, B) to
    /// maps `(..., 2, npix)` (Q, U).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for a spin outside `1..=lmax`; [`Error::Shape`] for inputs not of shape
    /// `(..., 2, nalm)`; backend errors of the ops.
    pub fn alm2map_spin(&self, alm: &Array, s: usize) -> Result<Array> {
        self.check_spin(s)?;
        let nalm = alm_size(self.lmax, self.mmax);
        self.batched_blocks(alm, &[2, nalm], &[2, self.npix], |eb| {
            self.alm2map_spin_1d(eb, s)
        })
    }

    /// healpy `map2alm_spin` (with `iter` Jacobi steps): maps of shape
    /// `(..., 2, npix)` (Q, U) to alm `(..., 2, nalm)` (E, B).
    ///
    /// # Errors
    ///
    /// As [`Sht::alm2map_spin`], for maps of shape `(..., 2, npix)`.
    pub fn map2alm_spin(&self, maps: &Array, s: usize, iter: usize) -> Result<Array> {
        self.check_spin(s)?;
        let nalm = alm_size(self.lmax, self.mmax);
        self.batched_blocks(maps, &[2, self.npix], &[2, nalm], |qu| {
            let mut alm = self.map2alm_spin_1d(qu, s)?;
            for _ in 0..iter {
                let resid = (qu - &self.alm2map_spin_1d(&alm, s)?).ok()?;
                alm = (&alm + &self.map2alm_spin_1d(&resid, s)?).ok()?;
            }
            Ok(alm)
        })
    }

    fn component(&self, x: &Array, k: i64) -> Result<Array> {
        let len = x.shape()[1] as i64;
        x.take(&self.b.asarray1(&[k])?, Some(0))?.reshape(&[len])
    }

    fn alm2map_spin_1d(&self, eb: &Array, s: usize) -> Result<Array> {
        let (np, mc) = (self.npairs(), self.m_count());
        let (e, b) = (self.component(eb, 0)?, self.component(eb, 1)?);
        let (e_re, e_im, b_re, b_im) = (e.real()?, e.imag()?, b.real()?, b.imag()?);
        let zeros = || self.b.zeros(&[np, mc], DType::Float64);
        let mut p = [zeros()?, zeros()?];
        let mut mm = [zeros()?, zeros()?];
        // [north, south] x [E W+ re, im, B W- re, im, B W+ re, im, E W- re, im]
        let mut acc: Vec<Array> = (0..16).map(|_| zeros()).collect::<Result<_>>()?;
        for l in 0..=self.lmax {
            self.spin_step(s, l, &mut p, &mut mm)?;
            if l < s {
                continue;
            }
            let (idx, sign, h) = self.spin_row(s, l);
            let idx = self.b.asarray1(&idx)?;
            let sg = self.row(&sign)?;
            let valid = self.row(&sign.iter().map(|v| v.abs() * h).collect::<Vec<_>>())?;
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

    fn map2alm_spin_1d(&self, qu: &Array, s: usize) -> Result<Array> {
        let (np, mc) = (self.npairs(), self.m_count());
        let w = vec![0.0; np];
        let [qnr, qni, qsr, qsi] = self.map_to_rings(&self.component(qu, 0)?, &w)?;
        let [unr, uni, usr, usi] = self.map_to_rings(&self.component(qu, 1)?, &w)?;
        let add = |a: &Array, b: &Array| (a + b).ok();
        let sub = |a: &Array, b: &Array| (a - b).ok();
        // q± = q_north ± q_south, u± likewise: [re, im]
        let qp = [add(&qnr, &qsr)?, add(&qni, &qsi)?];
        let qm = [sub(&qnr, &qsr)?, sub(&qni, &qsi)?];
        let up = [add(&unr, &usr)?, add(&uni, &usi)?];
        let um = [sub(&unr, &usr)?, sub(&uni, &usi)?];
        let zeros = || self.b.zeros(&[np, mc], DType::Float64);
        let mut p = [zeros()?, zeros()?];
        let mut mm = [zeros()?, zeros()?];
        let (mut e_re, mut e_im, mut b_re, mut b_im) = (vec![], vec![], vec![], vec![]);
        let zero_row = self.b.zeros(&[mc], DType::Float64)?;
        for l in 0..=self.lmax {
            self.spin_step(s, l, &mut p, &mut mm)?;
            if l < s {
                for v in [&mut e_re, &mut e_im, &mut b_re, &mut b_im] {
                    v.push(zero_row.clone());
                }
                continue;
            }
            let (_, sign, h) = self.spin_row(s, l);
            let even: Vec<f64> = sign
                .iter()
                .map(|v| if *v > 0.0 { h } else { 0.0 })
                .collect();
            let odd: Vec<f64> = sign
                .iter()
                .map(|v| if *v < 0.0 { h } else { 0.0 })
                .collect();
            let (ev, od) = (self.b.asarray1(&even)?, self.b.asarray1(&odd)?);
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
