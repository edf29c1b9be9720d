//! Ring geometry of the HEALPix RING scheme (Górski et al. 2005, ApJ 622,
//! 759, section 4), for any `nside >= 1`.
//!
//! The sphere has `4 nside - 1` iso-latitude rings, numbered `1..=4 nside - 1`
//! from the north pole. With `i` the ring number:
//!
//! - north polar cap, `i < nside`: `4 i` pixels, `z = cos θ = 1 - i²/(3 nside²)`,
//!   first pixel at `φ0 = π/(4 i)`;
//! - equatorial belt, `nside <= i <= 3 nside`: `4 nside` pixels,
//!   `z = 4/3 - 2 i/(3 nside)`, `φ0 = π/(4 nside)` when `i - nside` is even
//!   (a "shifted" ring), else `0`;
//! - south polar cap: the mirror image of the north cap.
//!
//! `1 - z` near the poles is computed from `i²/(3 nside²)` directly, so that
//! `sin θ` and the half-angle functions keep full relative precision there.

use crate::error::{HealpixError, Result};

/// One iso-latitude ring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ring {
    /// Ring number, `1..=4 nside - 1` from the north pole.
    pub index: usize,
    /// Index of the ring's first pixel in RING order.
    pub start: usize,
    /// Number of pixels in the ring.
    pub npix: usize,
    /// `cos θ` of the ring.
    pub z: f64,
    /// `sin θ`, accurate near the poles.
    pub sin_theta: f64,
    /// `1 - |z|`, exact near the poles (used for half-angle functions).
    pub one_minus_abs_z: f64,
    /// Longitude of the first pixel centre.
    pub phi0: f64,
    /// Whether the ring's pixel centres are shifted by half a pixel.
    pub shifted: bool,
}

impl Ring {
    /// Colatitude θ of the ring, accurate near the poles.
    pub fn theta(&self) -> f64 {
        self.sin_theta.atan2(self.z)
    }
}

/// Checks `nside >= 1` and that `12 nside²` fits an `i64`.
pub fn check_nside(nside: i64) -> Result<usize> {
    if nside < 1 {
        return Err(HealpixError::Nside {
            nside,
            reason: "must be at least 1",
        });
    }
    if nside > 1 << 29 {
        return Err(HealpixError::Nside {
            nside,
            reason: "larger than 2**29, the HEALPix limit",
        });
    }
    Ok(nside as usize)
}

/// The rings of a RING-ordered map.
#[derive(Debug, Clone)]
pub struct Geometry {
    nside: usize,
    rings: Vec<Ring>,
}

impl Geometry {
    /// The `4 nside - 1` rings for `nside >= 1`.
    pub fn new(nside: i64) -> Result<Geometry> {
        let n = check_nside(nside)?;
        let rings = (1..4 * n).map(|i| ring(n, i)).collect();
        Ok(Geometry { nside: n, rings })
    }

    /// The map's nside.
    pub fn nside(&self) -> usize {
        self.nside
    }

    /// Number of pixels, `12 nside²`.
    pub fn npix(&self) -> usize {
        12 * self.nside * self.nside
    }

    /// All rings, north to south.
    pub fn rings(&self) -> &[Ring] {
        &self.rings
    }
}

/// Ring `i` (1-based) of an nside map.
pub fn ring(nside: usize, i: usize) -> Ring {
    let n = nside;
    let npix = 12 * n * n;
    let ncap = 2 * n * (n - 1);
    let nf = n as f64;
    // north-cap form of ring i' = min(i, 4n - i), then mirrored
    let north = i.min(4 * n - i);
    let (npix_ring, one_minus_abs_z, abs_z, phi0, shifted);
    if north < n {
        npix_ring = 4 * north;
        let t = (north * north) as f64 / (3.0 * nf * nf);
        one_minus_abs_z = t;
        abs_z = 1.0 - t;
        phi0 = std::f64::consts::PI / (4 * north) as f64;
        shifted = true;
    } else {
        npix_ring = 4 * n;
        let zn = 4.0 / 3.0 - 2.0 * north as f64 / (3.0 * nf);
        abs_z = zn;
        one_minus_abs_z = 1.0 - zn;
        shifted = (i - n) % 2 == 0;
        phi0 = if shifted {
            std::f64::consts::PI / (4 * n) as f64
        } else {
            0.0
        };
    }
    let start = if i < n {
        2 * i * (i - 1)
    } else if i <= 3 * n {
        ncap + (i - n) * 4 * n
    } else {
        let s = 4 * n - i;
        npix - 2 * s * (s + 1)
    };
    let z = if i <= 2 * n { abs_z } else { -abs_z };
    let sin_theta = (one_minus_abs_z * (1.0 + abs_z)).sqrt();
    Ring {
        index: i,
        start,
        npix: npix_ring,
        z,
        sin_theta,
        one_minus_abs_z,
        phi0,
        shifted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_tile_the_map() {
        for nside in [1, 2, 3, 7, 16] {
            let g = Geometry::new(nside).unwrap();
            let mut next = 0;
            for r in g.rings() {
                assert_eq!(r.start, next, "nside {nside} ring {}", r.index);
                next += r.npix;
                assert!((r.sin_theta.powi(2) + r.z * r.z - 1.0).abs() < 1e-14);
            }
            assert_eq!(next, g.npix());
        }
        assert!(Geometry::new(0).is_err());
    }
}
