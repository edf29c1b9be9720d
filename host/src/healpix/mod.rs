//! HEALPix on the chosen backend (GLASS `glass.healpix`, healpy's names and
//! conventions): maps in RING order, alm in healpy's m-major order.
//!
//! Each function first asks the backend for its `healpix.*` op (the ndarray
//! backend runs the native kernels of `glass-healpix`); a backend without it
//! gets the same function written in standard ops ([`fallback`] for the
//! scalar and spin transforms, [`pixels`] for `ang2pix`, `pix2ang` and
//! `randang` in RING order), on its own arrays. Only plan data (ring geometry, recurrence coefficients) is
//! computed on the host and uploaded, once per backend instance and plan key
//! (the fallback's planner); user data never leaves the backend.
//!
//! Leading axes of `alm` and maps are a batch (one Legendre pass for all).

pub mod fallback;
pub mod pixels;

use glass_backend_api::{DType, Op, RValue};
use glass_healpix::alm::{alm_index, alm_size, checked_alm_size, getlmax};

use crate::error::check_dtype;
use crate::{Arg, Array, Error, Result};

pub use glass_healpix::pixel::{
    isnsideok, lonlat2thetaphi, npix2nside, nside2npix, nside2pixarea, nside2resol, thetaphi2lonlat,
};

fn int(v: usize) -> Arg<'static> {
    Arg::Value(RValue::Int(v as i64))
}

/// `(lmax, mmax)` of alm of length `n` (healpy infers lmax with mmax = lmax).
///
/// # Errors
///
/// [`Error::Value`] when `n` is not the size of `(lmax, mmax)`; [`Error::Healpix`] when no
/// `lmax` gives `n`.
pub fn alm_lmax(n: usize, lmax: Option<usize>, mmax: Option<usize>) -> Result<(usize, usize)> {
    match lmax {
        Some(l) => {
            let m = mmax.unwrap_or(l).min(l);
            let want = checked_alm_size(l, m);
            if want != Some(n) {
                return Err(Error::value(
                    "alm_lmax",
                    "lmax",
                    format!(
                        "alm have {n} coefficients, lmax {l} mmax {m} needs {}",
                        want.map_or("more than 2^64".into(), |w| w.to_string())
                    ),
                ));
            }
            Ok((l, m))
        }
        None => {
            let l = getlmax(n, mmax)?;
            Ok((l, mmax.unwrap_or(l)))
        }
    }
}

/// The number of maps or alm sets: the product of the leading axes.
fn leading(x: &Array) -> u128 {
    let s = x.shape();
    s[..s.len().saturating_sub(1)]
        .iter()
        .map(|&n| n as u128)
        .product()
}

/// Checks that `count` maps of nside `nside` fit in memory (float64).
fn maps_fit(func: &'static str, nside: i64, count: u128) -> Result<()> {
    let npix = nside2npix(nside)? as u128;
    crate::error::check_memory(
        func,
        || format!("{count} map(s) of nside {nside}"),
        crate::error::checked_product(&[count, npix, 8]),
    )
}

/// Checks that `count` sets of alm of `lmax`, `mmax` (and the transform's
/// work copy) fit in memory.
fn alms_fit(func: &'static str, lmax: usize, mmax: usize, count: u128) -> Result<()> {
    crate::error::check_memory(
        func,
        || format!("{count} set(s) of alm of lmax {lmax}, mmax {mmax}"),
        checked_alm_size(lmax, mmax)
            .and_then(|n| crate::error::checked_product(&[n as u128, count, 2 * 16])),
    )
}

/// More Jacobi iterations than any `map2alm` needs (healpy's default is 3;
/// each one is two transforms).
const MAX_ITER: usize = 1000;

fn check_iter(func: &'static str, iter: usize) -> Result<()> {
    if iter > MAX_ITER {
        return Err(Error::value(
            func,
            "iter",
            format!("iter must be at most {MAX_ITER} (healpy's default is 3), got {iter}"),
        ));
    }
    Ok(())
}

fn last_len(x: &Array, what: &'static str) -> Result<usize> {
    x.shape()
        .last()
        .copied()
        .ok_or_else(|| Error::shape("healpix", what, x.shape(), "at least one axis"))
}

/// healpy `alm2map(alm, nside, lmax=None, mmax=None)` (no pixel window):
/// the RING map(s) of the alm.
///
/// # Errors
///
/// [`Error::DType`] unless `alm` is complex128; [`Error::Healpix`] for an invalid `nside` or
/// alm length; [`Error::Value`] for an alm length that does not match `lmax`/`mmax`; backend
/// errors of the transform.
pub fn alm2map(alm: &Array, nside: i64, lmax: Option<usize>, mmax: Option<usize>) -> Result<Array> {
    check_dtype(alm, DType::Complex128, "alm2map", "alm")?;
    nside2npix(nside)?;
    let (lmax, mmax) = alm_lmax(last_len(alm, "alm")?, lmax, mmax)?;
    maps_fit("alm2map", nside, leading(alm))?;
    let b = alm.backend();
    if b.supports(Op::HealpixAlm2map) {
        return b.call_array(
            Op::HealpixAlm2map,
            &[
                Arg::Array(alm),
                Arg::Value(RValue::Int(nside)),
                int(lmax),
                int(mmax),
            ],
        );
    }
    fallback::Sht::new(b, nside, lmax, mmax)?.alm2map(alm)
}

/// healpy `map2alm(map, lmax=None, mmax=None, iter=3, use_weights,
/// use_pixel_weights)`: `lmax` defaults to `3 nside - 1`; `weights` are
/// healpy's ring weights ([`ring_weights`], `2 nside` values, pixel weight
/// `4π/npix (1 + w)`) or full pixel weights ([`pixel_weights`], `12 nside²`
/// values, pixel weight `4π/npix (1 + w_p)`; healpy then ignores `iter`
/// and runs none: pass `iter = 0` to match it).
///
/// # Errors
///
/// [`Error::DType`] unless `map` is float64; [`Error::Healpix`] for a map length that is not
/// `12 nside^2`; [`Error::Value`] for weights of another length; backend errors of the
/// transform.
pub fn map2alm(
    map: &Array,
    lmax: Option<usize>,
    mmax: Option<usize>,
    iter: usize,
    weights: Option<&Array>,
) -> Result<Array> {
    check_dtype(map, DType::Float64, "map2alm", "map")?;
    let nside = npix2nside(last_len(map, "map")?)?;
    let lmax = lmax.unwrap_or(3 * nside as usize - 1);
    let mmax = mmax.unwrap_or(lmax).min(lmax);
    check_iter("map2alm", iter)?;
    alms_fit("map2alm", lmax, mmax, leading(map))?;
    let b = map.backend();
    if b.supports(Op::HealpixMap2alm) {
        let w = match weights {
            Some(w) => Arg::Array(w),
            None => Arg::Value(RValue::None),
        };
        return b.call_array(
            Op::HealpixMap2alm,
            &[Arg::Array(map), int(lmax), int(mmax), int(iter), w],
        );
    }
    fallback::Sht::new(b, nside, lmax, mmax)?.map2alm(map, iter, weights)
}

/// healpy's ring weights for `nside` (a power of two in 2..=8192), shipped
/// with glass, as an array for [`map2alm`]'s `weights`
/// (healpy's `use_weights=True`).
///
/// # Errors
///
/// [`Error::Value`] for an `nside` without shipped weights (not a power of two in 2..=8192).
pub fn ring_weights(xp: &crate::Backend, nside: i64) -> Result<Array> {
    let w = glass_healpix::weights::ring_weights(nside).ok_or_else(|| {
        Error::value(
            "ring_weights",
            "nside",
            format!(
            "no ring weights for nside {nside}: healpy has them for powers of two from 2 to 8192"
        ),
        )
    })?;
    xp.asarray1(&w)
}

/// The full pixel weights `w_p` of `nside` (healpy's
/// `use_pixel_weights=True`) as a map for [`map2alm`]'s `weights`, if
/// glass has them: shipped for nside 32, 64, 128 and 256 (computed by
/// glass-healpix's own solver, see `glass_healpix::weights::pixel`), and
/// computed on the spot for other `nside <= 64` (under a second). `None`
/// for larger nside, where the solver takes minutes to hours.
///
/// # Errors
///
/// [`Error::Healpix`] for an invalid `nside` or a solver that fails.
pub fn pixel_weights(xp: &crate::Backend, nside: i64) -> Result<Option<Array>> {
    nside2npix(nside)?;
    let w = match glass_healpix::weights::shipped_pixel_weights(nside)? {
        Some(w) => w,
        None if nside <= 64 => glass_healpix::weights::pixel_weights(nside)?,
        None => return Ok(None),
    };
    Ok(Some(xp.asarray1(&w.to_map())?))
}

/// The weights of an accurate `map2alm` without iterations, as
/// [`from_convergence`](crate::lensing::from_convergence) uses them: the
/// [`pixel_weights`] where glass has them, else the [`ring_weights`],
/// else none.
///
/// # Errors
///
/// As [`pixel_weights`].
pub fn map2alm_weights(xp: &crate::Backend, nside: i64) -> Result<Option<Array>> {
    Ok(match pixel_weights(xp, nside)? {
        Some(w) => Some(w),
        None => ring_weights(xp, nside).ok(),
    })
}

/// healpy `alm2map_spin([E, B], nside, spin, lmax, mmax)`: `alm` has shape
/// `(..., 2, nalm)`, the result `(..., 2, npix)` (Q, U for spin 2).
///
/// # Errors
///
/// As [`alm2map`]; [`Error::Shape`] unless `alm` has shape `(..., 2, nalm)`; [`Error::Value`]
/// for a spin outside `1..=lmax`.
pub fn alm2map_spin(
    alm: &Array,
    nside: i64,
    spin: usize,
    lmax: Option<usize>,
    mmax: Option<usize>,
) -> Result<Array> {
    check_dtype(alm, DType::Complex128, "alm2map_spin", "alm")?;
    nside2npix(nside)?;
    if alm.ndim() < 2 || alm.shape()[alm.ndim() - 2] != 2 {
        return Err(Error::shape(
            "alm2map_spin",
            "alm",
            alm.shape(),
            "(..., 2, nalm)",
        ));
    }
    let (lmax, mmax) = alm_lmax(last_len(alm, "alm")?, lmax, mmax)?;
    maps_fit("alm2map_spin", nside, leading(alm))?;
    let b = alm.backend();
    if b.supports(Op::HealpixAlm2mapSpin) {
        return b.call_array(
            Op::HealpixAlm2mapSpin,
            &[
                Arg::Array(alm),
                Arg::Value(RValue::Int(nside)),
                int(spin),
                int(lmax),
                int(mmax),
            ],
        );
    }
    fallback::Sht::spin(b, nside, lmax, mmax, spin)?.alm2map_spin(alm)
}

/// healpy `map2alm_spin([Q, U], spin, lmax, mmax)`: maps of shape
/// `(..., 2, npix)`; `lmax` defaults to `3 nside - 1`. healpy does not
/// iterate here (`iter = 0`).
///
/// # Errors
///
/// As [`map2alm`], for maps of shape `(..., 2, npix)`; [`Error::Value`] for a spin outside
/// `1..=lmax`.
pub fn map2alm_spin(
    maps: &Array,
    spin: usize,
    lmax: Option<usize>,
    mmax: Option<usize>,
    iter: usize,
) -> Result<Array> {
    check_dtype(maps, DType::Float64, "map2alm_spin", "maps")?;
    let nside = npix2nside(last_len(maps, "maps")?)?;
    let lmax = lmax.unwrap_or(3 * nside as usize - 1);
    let mmax = mmax.unwrap_or(lmax).min(lmax);
    check_iter("map2alm_spin", iter)?;
    alms_fit("map2alm_spin", lmax, mmax, leading(maps))?;
    let b = maps.backend();
    if b.supports(Op::HealpixMap2almSpin) {
        return b.call_array(
            Op::HealpixMap2almSpin,
            &[
                Arg::Array(maps),
                int(spin),
                int(lmax),
                int(mmax),
                int(iter),
                Arg::Value(RValue::None),
            ],
        );
    }
    fallback::Sht::spin(b, nside, lmax, mmax, spin)?.map2alm_spin(maps, iter)
}

/// healpy `pixwin(nside, lmax, pol)`: the temperature pixel window
/// `W_0 .. W_lmax` and, with `pol`, the polarisation one (host vectors,
/// the size of a spectrum). `lmax` defaults to `3 nside - 1`; the tables
/// (healpy's, shipped with glass-healpix) end at `4 nside`.
///
/// # Errors
///
/// [`Error::Healpix`] for an `nside` without a table (not a power of two in 2..=8192) or `lmax
/// > 4 nside`.
pub fn pixwin(nside: i64, lmax: Option<usize>, pol: bool) -> Result<(Vec<f64>, Option<Vec<f64>>)> {
    Ok(glass_healpix::pixwin::pixwin(nside, lmax, pol)?)
}

/// healpy `ang2pix(nside, theta, phi, nest)`.
///
/// # Errors
///
/// [`Error::Healpix`] for an invalid `nside`; [`Error::Value`] for a colatitude outside `[0,
/// π]` or a non-finite longitude; [`Error::Unsupported`] for NESTED on a backend without
/// `healpix.*`.
pub fn ang2pix(nside: i64, theta: &Array, phi: &Array, nest: bool) -> Result<Array> {
    let b = theta.backend();
    if b.supports(Op::HealpixAng2pix) {
        return b.call_array(
            Op::HealpixAng2pix,
            &[
                Arg::Value(RValue::Int(nside)),
                Arg::Array(theta),
                Arg::Array(phi),
                Arg::Value(RValue::Bool(nest)),
            ],
        );
    }
    if nest {
        return Err(b.unsupported(
            "healpix.ang2pix with nest=True (the standard-op fallback is RING only)",
        ));
    }
    pixels::Pixels::new(b, nside)?.ang2pix(theta, phi)
}

/// healpy `pix2ang(nside, ipix, nest)`: `(theta, phi)`.
///
/// # Errors
///
/// [`Error::Healpix`] for an invalid `nside`; [`Error::Value`] for pixels out of range;
/// [`Error::Unsupported`] for NESTED on a backend without `healpix.*`.
pub fn pix2ang(nside: i64, pix: &Array, nest: bool) -> Result<(Array, Array)> {
    let b = pix.backend();
    if b.supports(Op::HealpixPix2ang) {
        let mut out = b.call_arrays(
            Op::HealpixPix2ang,
            &[
                Arg::Value(RValue::Int(nside)),
                Arg::Array(pix),
                Arg::Value(RValue::Bool(nest)),
            ],
        )?;
        if out.len() == 2 {
            let phi = out
                .pop()
                .ok_or_else(|| Error::internal("pix2ang", "missing phi"))?;
            let theta = out
                .pop()
                .ok_or_else(|| Error::internal("pix2ang", "missing theta"))?;
            return Ok((theta, phi));
        }
        return Err(Error::internal(
            "pix2ang",
            format!("the backend returned {} arrays, not 2", out.len()),
        ));
    }
    if nest {
        return Err(b.unsupported(
            "healpix.pix2ang with nest=True (the standard-op fallback is RING only)",
        ));
    }
    pixels::Pixels::new(b, nside)?.pix2ang(pix)
}

/// healpix `randang(nside, ipix, lonlat, rng)`: one point uniform in area
/// inside each pixel, from the reference random streams (two draws of
/// `rng`: u, then v). With `lonlat` the result is (longitude, latitude) in
/// degrees, else `(theta, phi)`.
///
/// # Errors
///
/// As [`pix2ang`]; the errors of the draws ([`Error::Random`]).
pub fn randang(
    rng: &mut crate::rng::Rng,
    nside: i64,
    pix: &Array,
    nest: bool,
    lonlat: bool,
) -> Result<(Array, Array)> {
    let b = pix.backend();
    let shape = pix.shape().to_vec();
    let u = rng.uniform(b, &shape, 0.0, 1.0)?;
    let v = rng.uniform(b, &shape, 0.0, 1.0)?;
    randang_uv(nside, pix, &u, &v, nest, lonlat)
}

/// [`randang`] with its two uniforms given: `u` and `v` in `[0, 1)`, of
/// the shape of `pix`, on its backend.
pub(crate) fn randang_uv(
    nside: i64,
    pix: &Array,
    u: &Array,
    v: &Array,
    nest: bool,
    lonlat: bool,
) -> Result<(Array, Array)> {
    let b = pix.backend();
    let (theta, phi) = if b.supports(Op::HealpixRandang) {
        let mut out = b.call_arrays(
            Op::HealpixRandang,
            &[
                Arg::Value(RValue::Int(nside)),
                Arg::Array(pix),
                Arg::Array(u),
                Arg::Array(v),
                Arg::Value(RValue::Bool(nest)),
            ],
        )?;
        match (out.pop(), out.pop()) {
            (Some(p), Some(t)) => (t, p),
            _ => {
                return Err(Error::internal(
                    "randang",
                    "the backend returned fewer than 2 arrays",
                ))
            }
        }
    } else if nest {
        return Err(b.unsupported(
            "healpix.randang with nest=True (the standard-op fallback is RING only)",
        ));
    } else {
        pixels::Pixels::new(b, nside)?.randang(pix, u, v)?
    };
    if lonlat {
        let lon = (&phi * (180.0 / std::f64::consts::PI)).ok()?;
        let lat = (&(&theta * (-180.0 / std::f64::consts::PI)).ok()? + 90.0).ok()?;
        return Ok((lon, lat));
    }
    Ok((theta, phi))
}

/// healpy `synalm(cl, lmax, mmax)`: Gaussian alm with power spectrum `cl`
/// from the reference random streams (two draws of `rng`: the real parts,
/// then the imaginary parts, each one standard normal per coefficient in
/// healpy order): `a_l0 = sqrt(C_l) g`, `a_lm = sqrt(C_l/2) (g + i g')`.
/// `lmax` defaults to `len(cl) - 1`.
///
/// # Errors
///
/// [`Error::Value`] for an empty or negative `cl`; the errors of the draws.
pub fn synalm(
    rng: &mut crate::rng::Rng,
    xp: &crate::Backend,
    cl: &[f64],
    lmax: Option<usize>,
    mmax: Option<usize>,
) -> Result<Array> {
    if cl.is_empty() {
        return Err(Error::value("synalm", "cl", "cl is empty"));
    }
    if let Some(c) = cl.iter().find(|c| !(**c >= 0.0)) {
        return Err(Error::value(
            "synalm",
            "cl",
            format!("cl must be non-negative, got {c}"),
        ));
    }
    let lmax = lmax.unwrap_or(cl.len() - 1);
    let mmax = mmax.unwrap_or(lmax).min(lmax);
    alms_fit("synalm", lmax, mmax, 3)?;
    let n = alm_size(lmax, mmax);
    let mut sig_re = vec![0.0; n];
    let mut sig_im = vec![0.0; n];
    for m in 0..=mmax {
        for l in m..=lmax {
            let c = cl.get(l).copied().unwrap_or(0.0);
            let i = alm_index(lmax, l, m);
            if m == 0 {
                sig_re[i] = c.sqrt();
            } else {
                sig_re[i] = (c / 2.0).sqrt();
                sig_im[i] = sig_re[i];
            }
        }
    }
    let g_re = rng.standard_normal(xp, &[n])?;
    let g_im = rng.standard_normal(xp, &[n])?;
    crate::array::complex(
        &(&g_re * &xp.asarray1(&sig_re)?).ok()?,
        &(&g_im * &xp.asarray1(&sig_im)?).ok()?,
    )
}

/// healpy `synfast(cl, nside, lmax, mmax)`: `alm2map(synalm(cl))`.
///
/// # Errors
///
/// As [`synalm`] and [`alm2map`].
pub fn synfast(
    rng: &mut crate::rng::Rng,
    xp: &crate::Backend,
    cl: &[f64],
    nside: i64,
    lmax: Option<usize>,
    mmax: Option<usize>,
) -> Result<Array> {
    let lmax = lmax.unwrap_or(cl.len().saturating_sub(1));
    let mmax = mmax.unwrap_or(lmax).min(lmax);
    maps_fit("synfast", nside, 1)?;
    let alm = synalm(rng, xp, cl, Some(lmax), Some(mmax))?;
    alm2map(&alm, nside, Some(lmax), Some(mmax))
}

/// Degree `l` of every coefficient, in healpy order.
fn degrees(lmax: usize, mmax: usize) -> Vec<i64> {
    let mut l_of = vec![0i64; alm_size(lmax, mmax)];
    for m in 0..=mmax {
        for l in m..=lmax {
            l_of[alm_index(lmax, l, m)] = l as i64;
        }
    }
    l_of
}

/// healpy `almxfl(alm, fl)`: `a_lm fl[l]` (`fl` zero beyond its length), in
/// standard ops on the alm's backend.
///
/// # Errors
///
/// [`Error::DType`] unless `alm` is complex128; [`Error::Healpix`] for an alm length of no
/// `lmax`.
pub fn almxfl(alm: &Array, fl: &[f64], mmax: Option<usize>) -> Result<Array> {
    check_dtype(alm, DType::Complex128, "almxfl", "alm")?;
    let (lmax, mmax) = alm_lmax(last_len(alm, "alm")?, None, mmax)?;
    let f: Vec<f64> = degrees(lmax, mmax)
        .into_iter()
        .map(|l| fl.get(l as usize).copied().unwrap_or(0.0))
        .collect();
    let b = alm.backend();
    let f = b.asarray1(&f)?.astype(DType::Complex128)?;
    (alm * &f).ok()
}

/// healpy `alm2cl(alm1, alm2)`: `C_l = Σ_m Re(a_lm b_lm*) (2 - δ_m0) / (2l+1)`
/// for the last axis, in standard ops on the alms' backend.
///
/// # Errors
///
/// [`Error::DType`] unless the alm are complex128; [`Error::Value`] when their shapes differ;
/// [`Error::Healpix`] for an alm length of no `lmax`.
pub fn alm2cl(alm1: &Array, alm2: Option<&Array>, mmax: Option<usize>) -> Result<Array> {
    check_dtype(alm1, DType::Complex128, "alm2cl", "alm1")?;
    let alm2 = alm2.unwrap_or(alm1);
    if alm2.shape() != alm1.shape() {
        return Err(Error::value(
            "alm2cl",
            "alm2",
            format!(
                "alm shapes differ: {:?} and {:?}",
                alm1.shape(),
                alm2.shape()
            ),
        ));
    }
    let (lmax, mmax) = alm_lmax(last_len(alm1, "alm")?, None, mmax)?;
    let b = alm1.backend();
    // l-major permutation, weights 1 (m = 0) or 2, row ends
    let mut perm = Vec::with_capacity(alm_size(lmax, mmax));
    let mut weight = Vec::with_capacity(alm_size(lmax, mmax));
    let mut ends = Vec::with_capacity(lmax + 2);
    ends.push(0i64);
    for l in 0..=lmax {
        for m in 0..=l.min(mmax) {
            perm.push(alm_index(lmax, l, m) as i64);
            weight.push(if m == 0 { 1.0 } else { 2.0 });
        }
        ends.push(perm.len() as i64);
    }
    let prod = (alm1 * &alm2.conj()?).ok()?.real()?;
    let axis = -1;
    let sorted = prod.take(&b.asarray1(&perm)?, Some(axis))?;
    let weighted = (&sorted * &b.asarray1(&weight)?).ok()?;
    let cs = weighted.cumulative_sum(Some(axis), true)?;
    let hi = cs.take(&b.asarray1(&ends[1..])?, Some(axis))?;
    let lo = cs.take(&b.asarray1(&ends[..ends.len() - 1])?, Some(axis))?;
    let norm: Vec<f64> = (0..=lmax).map(|l| 1.0 / (2 * l + 1) as f64).collect();
    ((&hi - &lo).ok()? * &b.asarray1(&norm)?).ok()
}

/// healpy `anafast(map, lmax, iter=3)`: `alm2cl(map2alm(map))`.
///
/// # Errors
///
/// As [`map2alm`].
pub fn anafast(map: &Array, lmax: Option<usize>, iter: usize) -> Result<Array> {
    let alm = map2alm(map, lmax, None, iter, None)?;
    alm2cl(&alm, None, None)
}
