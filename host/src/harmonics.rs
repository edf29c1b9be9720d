//! Spherical harmonic utilities (GLASS `glass.harmonics`), on the alm's
//! backend.
//!
//! GLASS orders alm l-major (`00, 10, 11, 20, 21, 22, ...`, index
//! `l (l + 1)/2 + m`, mmax = lmax); healpy orders them m-major (see
//! [`crate::healpix`]). [`healpix_to_glass`] and [`glass_to_healpix`]
//! convert along the last axis with one `take` each.

use glass_backend_api::DType;
use glass_healpix::alm::{alm_index, getlmax};

use crate::{Array, Error, Result};

fn lmax_of(alm: &Array) -> Result<usize> {
    let n = alm
        .shape()
        .last()
        .copied()
        .ok_or_else(|| Error::shape("getlmax", "alm", alm.shape(), "at least one axis"))?;
    Ok(getlmax(n, None)?)
}

/// GLASS `multalm(alm, bl)`: alm in GLASS order times `bl[l]`; `bl` must
/// have `lmax + 1` entries, as in GLASS (`alm * repeat(bl, arange(len) + 1)`).
///
/// # Errors
///
/// [`Error::Healpix`] when the alm length is not that of any `lmax`; [`Error::Value`] when `bl`
/// does not have `lmax + 1` entries; backend errors of the ops.
pub fn multalm(alm: &Array, bl: &[f64]) -> Result<Array> {
    let lmax = lmax_of(alm)?;
    if bl.len() != lmax + 1 {
        return Err(Error::value(
            "multalm",
            "bl",
            format!(
                "bl has {} entries, the alm need lmax + 1 = {}",
                bl.len(),
                lmax + 1
            ),
        ));
    }
    let per: Vec<f64> = (0..=lmax)
        .flat_map(|l| std::iter::repeat_n(bl[l], l + 1))
        .collect();
    let f = alm.backend().asarray1(&per)?;
    let f = if alm.dtype() == DType::Complex128 {
        f.astype(DType::Complex128)?
    } else {
        f
    };
    (alm * &f).ok()
}

/// The alm (last axis) from healpy's m-major order to GLASS's l-major order.
///
/// # Errors
///
/// [`Error::Healpix`] when the alm length is not that of any `lmax`; backend errors of the ops.
pub fn healpix_to_glass(alm: &Array) -> Result<Array> {
    let lmax = lmax_of(alm)?;
    let mut idx = Vec::with_capacity((lmax + 1) * (lmax + 2) / 2);
    for l in 0..=lmax {
        for m in 0..=l {
            idx.push(alm_index(lmax, l, m) as i64);
        }
    }
    alm.take(&alm.backend().asarray1(&idx)?, Some(-1))
}

/// The alm (last axis) from GLASS's l-major order to healpy's m-major order.
///
/// # Errors
///
/// [`Error::Healpix`] when the alm length is not that of any `lmax`; backend errors of the ops.
pub fn glass_to_healpix(alm: &Array) -> Result<Array> {
    let lmax = lmax_of(alm)?;
    let mut idx = vec![0i64; (lmax + 1) * (lmax + 2) / 2];
    for l in 0..=lmax {
        for m in 0..=l {
            idx[alm_index(lmax, l, m)] = (l * (l + 1) / 2 + m) as i64;
        }
    }
    alm.take(&alm.backend().asarray1(&idx)?, Some(-1))
}
