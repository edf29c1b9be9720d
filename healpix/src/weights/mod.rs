//! healpy's ring weights (`use_weights=True` in `healpy.map2alm`), shipped
//! with the crate so that nothing is downloaded: the `weight_ring_n*.fits`
//! files of healpy 1.20.1 for nside = 2, 4, ..., 8192, converted by
//! `tools/reference/healpix_ring_weights.py`. With them the quadrature
//! weight of a pixel on (northern) ring `r` or its mirror is
//! `4π/npix (1 + w[r])`, which makes `map2alm` exact for band-limited maps
//! to higher `lmax` than the plain pixel area.
//!
//! The full pixel weights (`use_pixel_weights=True`) are computed instead,
//! for any nside: [`pixel_weights`] (see [`pixel`] for the method).

pub mod pixel;

pub use pixel::{
    compressed_len, pixel_weights, pixel_weights_with, PixelWeightOptions, PixelWeights,
};

/// The `2 nside` ring weights of healpy for a power-of-two `nside` in
/// `2..=8192`, or `None` (healpy has no others).
pub fn ring_weights(nside: i64) -> Option<Vec<f64>> {
    let bytes: &[u8] = match nside {
        2 => include_bytes!("../../data/ring_weights_n00002.f64"),
        4 => include_bytes!("../../data/ring_weights_n00004.f64"),
        8 => include_bytes!("../../data/ring_weights_n00008.f64"),
        16 => include_bytes!("../../data/ring_weights_n00016.f64"),
        32 => include_bytes!("../../data/ring_weights_n00032.f64"),
        64 => include_bytes!("../../data/ring_weights_n00064.f64"),
        128 => include_bytes!("../../data/ring_weights_n00128.f64"),
        256 => include_bytes!("../../data/ring_weights_n00256.f64"),
        512 => include_bytes!("../../data/ring_weights_n00512.f64"),
        1024 => include_bytes!("../../data/ring_weights_n01024.f64"),
        2048 => include_bytes!("../../data/ring_weights_n02048.f64"),
        4096 => include_bytes!("../../data/ring_weights_n04096.f64"),
        8192 => include_bytes!("../../data/ring_weights_n08192.f64"),
        _ => return None,
    };
    Some(f64s_le(bytes))
}

/// The pixel weights shipped with the crate (nside 32, 64, 128, 256),
/// computed by [`pixel_weights_with`] and written by
/// `cargo run -p glass-healpix --release --example write_pixel_weights --
/// healpix/data NSIDE TOL` (tolerance 1e-10 for nside 32 to 128, 1e-8 for
/// 256, where the solver takes minutes); `None` for other nside.
///
/// # Errors
///
/// [`crate::HealpixError`] for a shipped file of the wrong length (a build
/// problem, never user input).
pub fn shipped_pixel_weights(nside: i64) -> crate::Result<Option<PixelWeights>> {
    let bytes: &[u8] = match nside {
        32 => include_bytes!("../../data/pixel_weights_n00032.f64"),
        64 => include_bytes!("../../data/pixel_weights_n00064.f64"),
        128 => include_bytes!("../../data/pixel_weights_n00128.f64"),
        256 => include_bytes!("../../data/pixel_weights_n00256.f64"),
        _ => return Ok(None),
    };
    let lmax = 3 * nside as usize / 2 * 2;
    PixelWeights::from_compressed(nside, lmax, f64s_le(bytes)).map(Some)
}

/// Little-endian float64 values of a shipped data file.
pub(crate) fn f64s_le(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_power_of_two_has_2_nside_weights() {
        for k in 1..14 {
            let n = 1i64 << k;
            let w = ring_weights(n).unwrap();
            assert_eq!(w.len(), 2 * n as usize);
            assert!(w.iter().all(|v| v.is_finite() && v.abs() < 1.0));
        }
        assert!(ring_weights(1).is_none());
        assert!(ring_weights(3).is_none());
    }
}
