//! HEALPix pixel window functions (healpy `pixwin`): the factor `W_l` by
//! which averaging over a pixel suppresses the spherical harmonic
//! coefficients of a field, for temperature (spin 0) and polarisation
//! (spin 2), per power-of-two `nside` from 2 to 8192, `l = 0 .. 4 nside`
//! (Górski et al. 2005, sect. 4.4).
//!
//! The tables are healpy's own (the `pixel_window_n*.fits` files of
//! healpy-data, which healpy downloads at run time; taken here from
//! Debian's `healpy-data` package and converted by
//! `tools/reference/healpix_pixwin.py`), shipped with the crate so that
//! nothing is downloaded.

use crate::error::{value_error, Result};

fn table(nside: i64) -> Option<&'static [u8]> {
    Some(match nside {
        2 => include_bytes!("../data/pixwin_n0002.f64"),
        4 => include_bytes!("../data/pixwin_n0004.f64"),
        8 => include_bytes!("../data/pixwin_n0008.f64"),
        16 => include_bytes!("../data/pixwin_n0016.f64"),
        32 => include_bytes!("../data/pixwin_n0032.f64"),
        64 => include_bytes!("../data/pixwin_n0064.f64"),
        128 => include_bytes!("../data/pixwin_n0128.f64"),
        256 => include_bytes!("../data/pixwin_n0256.f64"),
        512 => include_bytes!("../data/pixwin_n0512.f64"),
        1024 => include_bytes!("../data/pixwin_n1024.f64"),
        2048 => include_bytes!("../data/pixwin_n2048.f64"),
        4096 => include_bytes!("../data/pixwin_n4096.f64"),
        8192 => include_bytes!("../data/pixwin_n8192.f64"),
        _ => return None,
    })
}

/// healpy `pixwin(nside, pol, lmax)`: the temperature window
/// `W_0 .. W_lmax` and, with `pol`, the polarisation window. `lmax`
/// defaults to `3 nside - 1`; like healpy, a larger `lmax` than the table
/// (`4 nside`) gives the whole table.
pub fn pixwin(nside: i64, lmax: Option<usize>, pol: bool) -> Result<(Vec<f64>, Option<Vec<f64>>)> {
    let Some(bytes) = table(nside) else {
        return value_error(format!(
            "no pixel window function for nside {nside}: healpy's tables cover the powers of \
             two from 2 to 8192"
        ));
    };
    let values = crate::weights::f64s_le(bytes);
    let (t, p) = values.split_at(values.len() / 2);
    let lmax = lmax.unwrap_or(3 * nside as usize - 1);
    if lmax >= t.len() {
        return value_error(format!(
            "lmax {lmax} is beyond the pixel window table of nside {nside}, which ends at l = {} \
             (4 nside)",
            t.len() - 1
        ));
    }
    let n = lmax + 1;
    Ok((t[..n].to_vec(), pol.then(|| p[..n].to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_start_at_one_and_stay_in_range() {
        for k in 1..14 {
            let n = 1i64 << k;
            let (t, p) = pixwin(n, Some(4 * n as usize), true).unwrap();
            // beyond the table (and an lmax + 1 that would overflow): an error
            assert!(pixwin(n, Some(4 * n as usize + 1), false).is_err());
            assert!(pixwin(n, Some(usize::MAX), false).is_err());
            let p = p.unwrap();
            assert_eq!(t.len(), 4 * n as usize + 1);
            assert!((t[0] - 1.0).abs() < 1e-9, "nside {n}: W_0 = {}", t[0]);
            // the tables carry noise of up to 1e-8 above 1 (nside 8192, l = 2)
            assert!(t
                .iter()
                .take(2 * n as usize)
                .all(|v| *v > 0.0 && *v <= 1.0 + 1e-7));
            assert_eq!(p[0], 0.0, "no spin-2 monopole");
        }
        assert_eq!(pixwin(64, None, false).unwrap().0.len(), 192);
        assert!(pixwin(64, None, false).unwrap().1.is_none());
        let e = pixwin(1, None, false).unwrap_err().to_string();
        assert!(e.contains("nside 1"), "{e}");
        assert!(pixwin(48, None, false).is_err());
    }
}
