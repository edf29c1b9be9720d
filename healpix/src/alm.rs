//! Spherical harmonic coefficients: healpy's layout, GLASS's layout, and the
//! operations on them that need no transform.
//!
//! healpy stores `a_lm` for `0 <= m <= mmax`, `m <= l <= lmax` m-major: the
//! index of `(l, m)` is `m (2 lmax + 1 - m) / 2 + l` (`healpy.Alm.getidx`).
//! GLASS (`glass.harmonics.multalm`) uses the l-major order
//! `00, 10, 11, 20, 21, 22, ...` with index `l (l + 1) / 2 + m` (mmax = lmax).
//! Only `m >= 0` is stored; real maps have `a_{l,-m} = (-1)^m conj(a_lm)`.

use num_complex::Complex64;

use crate::error::{value_error, Result};

/// Number of coefficients for `lmax`, `mmax` (healpy `Alm.getsize`);
/// saturates at `usize::MAX` for sizes beyond the address space (an
/// `lmax` near 2^64 from input), which no array has.
pub fn alm_size(lmax: usize, mmax: usize) -> usize {
    checked_alm_size(lmax, mmax).unwrap_or(usize::MAX)
}

/// [`alm_size`], `None` when the count does not fit in a `usize`.
pub fn checked_alm_size(lmax: usize, mmax: usize) -> Option<usize> {
    let mmax = mmax.min(lmax);
    let twice = (mmax as u128 + 1).checked_mul(2 * lmax as u128 + 2 - mmax as u128)?;
    usize::try_from(twice / 2).ok()
}

/// Index of `(l, m)` in healpy order (healpy `Alm.getidx`).
#[inline]
pub fn alm_index(lmax: usize, l: usize, m: usize) -> usize {
    m * (2 * lmax + 1 - m) / 2 + l
}

/// `lmax` of an alm array of length `size` with the given `mmax` (`None`:
/// mmax = lmax), as healpy `Alm.getlmax`; an error when no lmax fits.
pub fn getlmax(size: usize, mmax: Option<usize>) -> Result<usize> {
    match mmax {
        None => {
            // size = (l+1)(l+2)/2
            let l = (((8 * size + 1) as f64).sqrt() - 3.0) / 2.0;
            let l = l.round().max(0.0) as usize;
            if alm_size(l, l) == size {
                return Ok(l);
            }
        }
        Some(mmax) => {
            // size = (mmax+1)(2 lmax + 2 - mmax)/2
            let twice = 2 * size;
            if twice % (mmax + 1) == 0 {
                let t = twice / (mmax + 1) + mmax;
                if t >= 2 && t % 2 == 0 && (t - 2) / 2 >= mmax {
                    return Ok((t - 2) / 2);
                }
            }
        }
    }
    value_error(format!(
        "alm of length {size} do not correspond to any lmax (mmax {mmax:?})"
    ))
}

/// healpy `almxfl(alm, fl)`: `a_lm fl[l]`, with `fl` taken as zero beyond
/// its length.
pub fn almxfl(alm: &[Complex64], fl: &[f64], mmax: Option<usize>) -> Result<Vec<Complex64>> {
    let lmax = getlmax(alm.len(), mmax)?;
    let mmax = mmax.unwrap_or(lmax);
    let mut out = alm.to_vec();
    for m in 0..=mmax {
        for l in m..=lmax {
            let f = fl.get(l).copied().unwrap_or(0.0);
            out[alm_index(lmax, l, m)] *= f;
        }
    }
    Ok(out)
}

/// healpy `alm2cl(alm1, alm2)`: the (cross) angular power spectrum
/// `C_l = (Re(a_l0 b_l0*) + 2 Σ_{m>0} Re(a_lm b_lm*)) / (2l + 1)` for
/// `l <= lmax_out` (default lmax).
pub fn alm2cl(
    alm1: &[Complex64],
    alm2: &[Complex64],
    mmax: Option<usize>,
    lmax_out: Option<usize>,
) -> Result<Vec<f64>> {
    if alm1.len() != alm2.len() {
        return value_error(format!(
            "alm2cl: the two alm differ in length ({} and {})",
            alm1.len(),
            alm2.len()
        ));
    }
    let lmax = getlmax(alm1.len(), mmax)?;
    let mmax = mmax.unwrap_or(lmax);
    let lout = lmax_out.unwrap_or(lmax);
    let mut cl = vec![0.0; lout + 1];
    for m in 0..=mmax {
        let w = if m == 0 { 1.0 } else { 2.0 };
        for (l, c) in cl.iter_mut().enumerate().take(lmax.min(lout) + 1).skip(m) {
            let i = alm_index(lmax, l, m);
            *c += w * (alm1[i] * alm2[i].conj()).re;
        }
    }
    for (l, c) in cl.iter_mut().enumerate() {
        *c /= (2 * l + 1) as f64;
    }
    Ok(cl)
}

/// healpy order (m-major) to GLASS order (l-major), `mmax = lmax`.
pub fn healpix_to_glass_order(alm: &[Complex64]) -> Result<Vec<Complex64>> {
    let lmax = getlmax(alm.len(), None)?;
    let mut out = vec![Complex64::new(0.0, 0.0); alm.len()];
    for m in 0..=lmax {
        for l in m..=lmax {
            out[l * (l + 1) / 2 + m] = alm[alm_index(lmax, l, m)];
        }
    }
    Ok(out)
}

/// GLASS order (l-major) to healpy order (m-major), `mmax = lmax`.
pub fn glass_to_healpix_order(alm: &[Complex64]) -> Result<Vec<Complex64>> {
    let lmax = getlmax(alm.len(), None)?;
    let mut out = vec![Complex64::new(0.0, 0.0); alm.len()];
    for m in 0..=lmax {
        for l in m..=lmax {
            out[alm_index(lmax, l, m)] = alm[l * (l + 1) / 2 + m];
        }
    }
    Ok(out)
}

/// GLASS `multalm(alm, bl)`: alm in GLASS order times `bl[l]`. As in GLASS,
/// `bl` must cover every l of the alm.
pub fn multalm(alm: &[Complex64], bl: &[f64]) -> Result<Vec<Complex64>> {
    let lmax = getlmax(alm.len(), None)?;
    if bl.len() != lmax + 1 {
        return value_error(format!(
            "multalm: bl has {} entries, the alm need lmax + 1 = {}",
            bl.len(),
            lmax + 1
        ));
    }
    let mut out = alm.to_vec();
    for l in 0..=lmax {
        for a in &mut out[l * (l + 1) / 2..=l * (l + 1) / 2 + l] {
            *a *= bl[l];
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_lmax() {
        assert_eq!(alm_size(191, 191), 192 * 193 / 2);
        assert_eq!(getlmax(alm_size(191, 191), None).unwrap(), 191);
        assert_eq!(getlmax(alm_size(95, 40), Some(40)).unwrap(), 95);
        assert!(getlmax(4, None).is_err());
        assert_eq!(alm_index(5, 5, 5), alm_size(5, 5) - 1);
    }

    #[test]
    fn orders_round_trip() {
        let a: Vec<Complex64> = (0..alm_size(6, 6))
            .map(|i| Complex64::new(i as f64, -(i as f64)))
            .collect();
        let g = healpix_to_glass_order(&a).unwrap();
        assert_eq!(g[2], a[alm_index(6, 1, 1)]);
        assert_eq!(glass_to_healpix_order(&g).unwrap(), a);
        let bl: Vec<f64> = (0..7).map(|l| l as f64).collect();
        let x = multalm(&g, &bl).unwrap();
        assert_eq!(x[4], g[4] * 2.0);
        assert!(multalm(&g, &bl[..3]).is_err());
    }
}
