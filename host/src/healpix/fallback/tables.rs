//! The plan tables of the standard-op transforms, computed on the host
//! from the ring geometry and the recurrences of `glass-healpix`, uploaded
//! once (see [`super::planner`]).
//!
//! Rings are grouped by length `n` (HEALPix: `4, 8, .., 4 nside` at the
//! poles, twice each, and `4 nside` on the `2 nside + 1` equatorial rings),
//! so that each group's ring Fourier sums are one batched FFT:
//! synthesis `f_j = Re Σ_k G_k e^{2πi kj/n}` with the aliased
//! `G_k = Σ_{m ≡ k (mod n)} c_m F_m e^{i m φ0}` (`c_0 = 1`, `c_m = 2`, as
//! healpy), analysis `G_m = w e^{-i m φ0} Σ_j f_j e^{-2πi (m mod n) j/n}`.

use std::f64::consts::PI;

use glass_backend_api::DType;
use glass_healpix::alm::{alm_index, alm_size};
use glass_healpix::geometry::{Geometry, Ring};
use glass_healpix::sht::{lambda_mm_prefactor, scalar_recurrence, spin_recurrence};
use num_complex::Complex64;

use super::planner::{Key, Resident};
use crate::{Backend, Error, Result};

/// The rings of one length.
pub struct Group {
    /// Ring length `nφ`.
    pub n: usize,
    /// Ring indices (0-based, north to south).
    pub rings: Vec<usize>,
    /// Row of each ring in `[north; south]` per-pair arrays `(2P, ..)`.
    pub rows: Resident,
    /// Map pixels of the rings, ring after ring, `(k n,)`.
    pub pix: Resident,
    /// Pair of each ring (for the ring weights), `(k,)`.
    pub pairs: Resident,
    /// `m mod n` for `m <= mmax`, `(mmax+1,)`.
    pub alias: Resident,
    /// `c_m e^{i m φ0}`, complex `(k, mmax+1)`.
    pub synth_phase: Resident,
    /// `4π/npix e^{-i m φ0}`, complex `(k, mmax+1)`.
    pub anal_phase: Resident,
    /// Folds of `n` needed to hold `mmax + 1` orders: `ceil((mmax+1)/n)`.
    pub folds: usize,
    /// Complex zeros `(k, folds n - mmax - 1)` padding the orders, if any.
    pub pad: Option<Resident>,
}

/// Recurrence data of one degree `l`.
pub enum Recurrence {
    /// `λ_l = A_l x λ_{l-1} - B_l λ_{l-2} + [m = l] λ_ll`: rows `A_l`,
    /// `B_l` `(1, mmax+1)`, and for `l <= mmax` the start column `λ_ll(θ_p)`
    /// `(P, 1)` with the one-hot row of `m = l`.
    Scalar {
        a: Resident,
        b: Resident,
        start: Option<(Resident, Resident)>,
    },
    /// The step to `l` of `P` and `M` (`α`, `α γ`, `α β` rows), the start
    /// columns `(P, M)` with one-hot rows of the orders whose recurrence
    /// starts at `l`, the sign `(-1)^(l+m+s)` row (0 for `m > l`), the
    /// `-c_l/2` row of the valid orders, and `-c_l/2` on the orders of even
    /// and of odd sign (1-D).
    Spin {
        alpha: Resident,
        alpha_gamma: Resident,
        alpha_beta: Resident,
        starts: Vec<(Resident, Resident, Resident)>,
        sign: Resident,
        valid: Resident,
        even_h: Resident,
        odd_h: Resident,
    },
}

/// Per degree: the alm index of `(l, m)` per m (0 for `m > l`), the masks of
/// even and odd `l - m` among the valid orders (1-D, `mmax+1`), the
/// recurrence.
pub struct Degree {
    pub idx: Resident,
    pub even: Resident,
    pub odd: Resident,
    pub rec: Recurrence,
}

/// Everything the fallback transforms of one [`Key`] read.
pub struct Tables {
    pub key: Key,
    pub npix: usize,
    /// Ring pairs (north ring `p`, south ring `4 nside - 2 - p`).
    pub npairs: usize,
    /// `cos θ` of the north ring of each pair, `(P, 1)`.
    pub x: Resident,
    pub groups: Vec<Group>,
    /// Pixel `i` of the map is element `map_perm[i]` of the groups'
    /// flattened ring values, `(npix,)`.
    pub map_perm: Resident,
    /// Row of each pair's north / south ring in the groups' stacked rows
    /// followed by one zero row (the equator has no south ring), `(P,)`.
    pub north_rows: Resident,
    pub south_rows: Resident,
    /// Complex zeros `(1, mmax+1)`: that zero row.
    pub zero_row: Resident,
    /// healpy order from l-major rows `(l, m)`: `(nalm,)`.
    pub alm_perm: Resident,
    pub degrees: Vec<Degree>,
}

/// Pair of ring `r` (0-based) and whether it is the southern one.
fn pair_of(nside: usize, r: usize) -> (usize, bool) {
    if r < 2 * nside {
        (r, false)
    } else {
        (4 * nside - 2 - r, true)
    }
}

struct Up<'b>(&'b Backend);

impl Up<'_> {
    fn put<T: glass_backend_api::Element>(&self, v: &[T], shape: &[usize]) -> Result<Resident> {
        Ok(Resident::new(self.0.asarray(v, shape)?))
    }
    fn i64s(&self, v: &[usize]) -> Result<Resident> {
        let v: Vec<i64> = v.iter().map(|&i| i as i64).collect();
        self.put(&v, &[v.len()])
    }
    fn row(&self, v: &[f64]) -> Result<Resident> {
        self.put(v, &[1, v.len()])
    }
    fn col(&self, v: &[f64]) -> Result<Resident> {
        self.put(v, &[v.len(), 1])
    }
    fn zeros_c(&self, shape: &[usize]) -> Result<Resident> {
        Ok(Resident::new(self.0.zeros(shape, DType::Complex128)?))
    }
}

impl Tables {
    /// Computes and uploads the tables of `key` to `b`.
    ///
    /// # Errors
    /// An invalid nside, `mmax > lmax`, `spin > lmax`, or a failed upload.
    pub fn upload(b: &Backend, key: Key) -> Result<Tables> {
        let Key {
            nside,
            lmax,
            mmax,
            spin,
        } = key;
        let g = Geometry::new(nside)?;
        if mmax > lmax {
            return Err(Error::value(
                "sht",
                "mmax",
                format!("mmax {mmax} exceeds lmax {lmax}"),
            ));
        }
        if spin > lmax {
            return Err(Error::value(
                "sht",
                "spin",
                format!("spin must be between 1 and lmax = {lmax}, got {spin}"),
            ));
        }
        let up = Up(b);
        let n = g.nside();
        let rings: Vec<Ring> = g.rings().to_vec();
        let npairs = 2 * n;
        let mc = mmax + 1;
        let xs: Vec<f64> = (0..npairs).map(|p| rings[p].z).collect();
        let groups = Self::groups(&up, n, &rings, mc, g.npix())?;
        // the groups' rows in order: positions of each ring
        let mut pos = vec![0usize; rings.len()];
        let mut map_perm = vec![0usize; g.npix()];
        let (mut row, mut off) = (0, 0);
        for grp in &groups {
            for &r in &grp.rings {
                pos[r] = row;
                row += 1;
                for j in 0..grp.n {
                    map_perm[rings[r].start + j] = off + j;
                }
                off += grp.n;
            }
        }
        let zero = rings.len();
        let north_rows: Vec<usize> = (0..npairs).map(|p| pos[p]).collect();
        let south_rows: Vec<usize> = (0..npairs)
            .map(|p| {
                if p + 1 < npairs {
                    pos[4 * n - 2 - p]
                } else {
                    zero
                }
            })
            .collect();
        let mut alm_perm = vec![0usize; alm_size(lmax, mmax)];
        for m in 0..=mmax {
            for l in m..=lmax {
                alm_perm[alm_index(lmax, l, m)] = l * mc + m;
            }
        }
        let sin_theta: Vec<f64> = (0..npairs).map(|p| rings[p].sin_theta).collect();
        let degrees = (0..=lmax)
            .map(|l| Self::degree(&up, &rings, &sin_theta, lmax, mmax, spin, l))
            .collect::<Result<_>>()?;
        Ok(Tables {
            key,
            npix: g.npix(),
            npairs,
            x: up.col(&xs)?,
            groups,
            map_perm: up.i64s(&map_perm)?,
            north_rows: up.i64s(&north_rows)?,
            south_rows: up.i64s(&south_rows)?,
            zero_row: up.zeros_c(&[1, mc])?,
            alm_perm: up.i64s(&alm_perm)?,
            degrees,
        })
    }

    fn groups(up: &Up, nside: usize, rings: &[Ring], mc: usize, npix: usize) -> Result<Vec<Group>> {
        let mut by_len: Vec<(usize, Vec<usize>)> = Vec::new();
        for (i, r) in rings.iter().enumerate() {
            match by_len.iter_mut().find(|(len, _)| *len == r.npix) {
                Some((_, v)) => v.push(i),
                None => by_len.push((r.npix, vec![i])),
            }
        }
        let npairs = 2 * nside;
        let base = 4.0 * PI / npix as f64;
        by_len
            .into_iter()
            .map(|(n, members)| {
                let k = members.len();
                let mut rows = Vec::with_capacity(k);
                let mut pairs = Vec::with_capacity(k);
                let mut pix = Vec::with_capacity(k * n);
                let mut synth = Vec::with_capacity(k * mc);
                let mut anal = Vec::with_capacity(k * mc);
                for &r in &members {
                    let (p, south) = pair_of(nside, r);
                    rows.push(if south { npairs + p } else { p });
                    pairs.push(p);
                    pix.extend(rings[r].start..rings[r].start + n);
                    let phi0 = rings[r].phi0;
                    for m in 0..mc {
                        let (sn, cs) = (m as f64 * phi0).sin_cos();
                        let c = if m > 0 { 2.0 } else { 1.0 };
                        synth.push(Complex64::new(c * cs, c * sn));
                        anal.push(Complex64::new(base * cs, -base * sn));
                    }
                }
                let alias: Vec<usize> = (0..mc).map(|m| m % n).collect();
                let folds = mc.div_ceil(n);
                let pad = (folds * n > mc)
                    .then(|| up.zeros_c(&[k, folds * n - mc]))
                    .transpose()?;
                Ok(Group {
                    n,
                    rows: up.i64s(&rows)?,
                    pix: up.i64s(&pix)?,
                    pairs: up.i64s(&pairs)?,
                    alias: up.i64s(&alias)?,
                    synth_phase: up.put(&synth, &[k, mc])?,
                    anal_phase: up.put(&anal, &[k, mc])?,
                    folds,
                    pad,
                    rings: members,
                })
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn degree(
        up: &Up,
        rings: &[Ring],
        sin_theta: &[f64],
        lmax: usize,
        mmax: usize,
        spin: usize,
        l: usize,
    ) -> Result<Degree> {
        let mc = mmax + 1;
        let mut idx = vec![0usize; mc];
        let mut even = vec![0.0; mc];
        let mut odd = vec![0.0; mc];
        for m in 0..=l.min(mmax) {
            idx[m] = alm_index(lmax, l, m);
            if (l - m) % 2 == 0 {
                even[m] = 1.0;
            } else {
                odd[m] = 1.0;
            }
        }
        let rec = if spin == 0 {
            scalar_degree(up, sin_theta, mmax, l)?
        } else {
            spin_degree(up, rings, sin_theta, mmax, spin, l)?
        };
        Ok(Degree {
            idx: up.i64s(&idx)?,
            even: up.put(&even, &[mc])?,
            odd: up.put(&odd, &[mc])?,
            rec,
        })
    }
}

/// The prefactor of `λ_ll = prefactor(l) sin^l θ` (the ratio
/// `Π_{k<=l} (2k-1)/2k` multiplied up in the same order as the kernels).
fn prefactor(l: usize) -> f64 {
    let mut ratio = 1.0;
    for m in 1..=l {
        ratio *= (2 * m - 1) as f64 / (2 * m) as f64;
    }
    lambda_mm_prefactor(l, ratio)
}

fn scalar_degree(up: &Up, sin_theta: &[f64], mmax: usize, l: usize) -> Result<Recurrence> {
    let mc = mmax + 1;
    let mut a = vec![0.0; mc];
    let mut bb = vec![0.0; mc];
    for m in 0..mc.min(l) {
        [a[m], bb[m]] = scalar_recurrence(l, m);
    }
    let start = if l < mc {
        let pref = prefactor(l);
        let col: Vec<f64> = sin_theta.iter().map(|s| pref * s.powi(l as i32)).collect();
        let mut onehot = vec![0.0; mc];
        onehot[l] = 1.0;
        Some((up.col(&col)?, up.row(&onehot)?))
    } else {
        None
    };
    Ok(Recurrence::Scalar {
        a: up.row(&a)?,
        b: up.row(&bb)?,
        start,
    })
}

/// `(P, M)` of every pair at `l0 = max(m, s)`: the closed forms
/// `P = (-1)^m sqrt(C(2 l0, l0+j)) cos^a(θ/2) sin^b(θ/2)` (and `M` with the
/// exponents swapped), in logarithms.
fn spin_start(rings: &[Ring], sin_theta: &[f64], m: usize, s: usize) -> (Vec<f64>, Vec<f64>) {
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
    let mut p = Vec::with_capacity(sin_theta.len());
    let mut mm = Vec::with_capacity(sin_theta.len());
    for (q, st) in sin_theta.iter().enumerate() {
        // north rings: cos θ/2 >= 1/sqrt(2), sin θ/2 from sin θ
        let z = rings[q].z;
        let c = ((1.0 + z) / 2.0).sqrt();
        let sg = st / (2.0 * c);
        let (lc, ls) = (c.ln(), sg.ln());
        p.push(psign * (ln_binom + pa as f64 * lc + pb as f64 * ls).exp());
        mm.push(msign * (ln_binom + ma as f64 * lc + mb as f64 * ls).exp());
    }
    (p, mm)
}

fn spin_degree(
    up: &Up,
    rings: &[Ring],
    sin_theta: &[f64],
    mmax: usize,
    s: usize,
    l: usize,
) -> Result<Recurrence> {
    let mc = mmax + 1;
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
    let mut starts = Vec::new();
    for m in 0..mc {
        if m.max(s) == l {
            let (ps, ms) = spin_start(rings, sin_theta, m, s);
            let mut onehot = vec![0.0; mc];
            onehot[m] = 1.0;
            starts.push((up.col(&ps)?, up.col(&ms)?, up.row(&onehot)?));
        }
    }
    let mut sign = vec![0.0f64; mc];
    for (m, v) in sign.iter_mut().enumerate().take(l.min(mmax) + 1) {
        *v = if (l + m + s) % 2 == 0 { 1.0 } else { -1.0 };
    }
    let h = -((2 * l + 1) as f64 / (4.0 * PI)).sqrt() / 2.0;
    let valid: Vec<f64> = sign.iter().map(|v| v.abs() * h).collect();
    let even_h: Vec<f64> = sign
        .iter()
        .map(|v| if *v > 0.0 { h } else { 0.0 })
        .collect();
    let odd_h: Vec<f64> = sign
        .iter()
        .map(|v| if *v < 0.0 { h } else { 0.0 })
        .collect();
    Ok(Recurrence::Spin {
        alpha: up.row(&al)?,
        alpha_gamma: up.row(&ag)?,
        alpha_beta: up.row(&ab)?,
        starts,
        sign: up.row(&sign)?,
        valid: up.row(&valid)?,
        even_h: up.put(&even_h, &[mc])?,
        odd_h: up.put(&odd_h, &[mc])?,
    })
}
