//! Rotations between the celestial coordinate systems (healpy `Rotator`
//! with `coord=`): galactic (`G`), ecliptic (`E`, J2000 mean ecliptic) and
//! equatorial (`C`, FK5 J2000), applied to directions and to maps.
//!
//! The two base matrices are healpy's, which it takes from astropy
//! (BarycentricMeanEcliptic to Galactic and to FK5); the others are built
//! from them as healpy does (inverse and products). They are shipped here;
//! `tools/reference/healpix_rotator.py` prints them and writes the golden
//! data that checks them.

use crate::error::{value_error, Result};
use crate::pixel::{get_interp_val, npix2nside, pix2ang};

/// Ecliptic to galactic (healpy `rotator.e2g`, astropy 8.0.2).
const E2G: [[f64; 3]; 3] = [
    [
        -0.054875634866282955,
        -0.9938213523891724,
        -0.09647685853808491,
    ],
    [
        0.49410952885789594,
        -0.11099097203832753,
        0.8622857865103742,
    ],
    [
        -0.8676660868040468,
        -0.00035165514701401834,
        0.49714730025296094,
    ],
];

/// Ecliptic to equatorial (healpy `rotator.e2q`, astropy 8.0.2).
const E2Q: [[f64; 3]; 3] = [
    [
        0.9999999999999906,
        -8.651314600163712e-08,
        -9.838583464995654e-08,
    ],
    [
        4.02386553932528e-08,
        0.9174821682916503,
        -0.3977769109272801,
    ],
    [
        1.2468018087495808e-07,
        0.3977769109272727,
        0.9174821682916464,
    ],
];

type Mat = [[f64; 3]; 3];

fn matmul(a: &Mat, b: &Mat) -> Mat {
    let mut c = [[0.0; 3]; 3];
    for (i, row) in c.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    c
}

/// The inverse of a 3x3 matrix (adjugate over determinant). healpy uses
/// `np.linalg.inv`; the two agree to round-off.
fn inverse(a: &Mat) -> Mat {
    let c = |i: usize, j: usize| {
        let (r0, r1) = ((i + 1) % 3, (i + 2) % 3);
        let (c0, c1) = ((j + 1) % 3, (j + 2) % 3);
        a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]
    };
    let det = a[0][0] * c(0, 0) + a[0][1] * c(0, 1) + a[0][2] * c(0, 2);
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = c(j, i) / det;
        }
    }
    inv
}

/// A celestial coordinate system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coord {
    /// Galactic (`G`).
    Galactic,
    /// Ecliptic, J2000 mean ecliptic (`E`).
    Ecliptic,
    /// Equatorial, FK5 J2000 (`C`, healpy also accepts `Q`).
    Equatorial,
}

impl Coord {
    /// healpy's letter: `G`, `E`, `C` (or `Q`).
    pub fn from_letter(c: char) -> Result<Coord> {
        match c.to_ascii_uppercase() {
            'G' => Ok(Coord::Galactic),
            'E' => Ok(Coord::Ecliptic),
            'C' | 'Q' => Ok(Coord::Equatorial),
            _ => value_error(format!("unknown coordinate system {c:?} (G, E or C)")),
        }
    }
}

/// A rotation of the sphere, as healpy's `Rotator` for a change of
/// coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rotator {
    /// The rotation matrix: a vector in the input system maps to
    /// `matrix · v` in the output system.
    pub matrix: [[f64; 3]; 3],
}

impl Rotator {
    /// The change of coordinates `from` -> `to` (healpy
    /// `Rotator(coord=(from, to))`).
    pub fn coord(from: Coord, to: Coord) -> Rotator {
        use Coord::*;
        let g2e = || inverse(&E2G);
        let q2e = || inverse(&E2Q);
        let matrix = match (from, to) {
            (a, b) if a == b => [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            (Ecliptic, Galactic) => E2G,
            (Galactic, Ecliptic) => g2e(),
            (Ecliptic, Equatorial) => E2Q,
            (Equatorial, Ecliptic) => q2e(),
            (Galactic, Equatorial) => matmul(&E2Q, &g2e()),
            (Equatorial, Galactic) => matmul(&E2G, &q2e()),
            _ => unreachable!("all pairs of three systems are listed"),
        };
        Rotator { matrix }
    }

    /// healpy's two-letter form, e.g. `"GC"` (galactic to equatorial).
    pub fn from_letters(coord: &str) -> Result<Rotator> {
        let c: Vec<char> = coord.chars().collect();
        if c.len() != 2 {
            return value_error(format!(
                "coord must be two letters such as \"GC\", got {coord:?}"
            ));
        }
        Ok(Rotator::coord(
            Coord::from_letter(c[0])?,
            Coord::from_letter(c[1])?,
        ))
    }

    /// Rotates the direction (θ, φ) (radians); `inverse` applies the
    /// transposed matrix, as healpy's `Rotator.I`. The result has
    /// `θ = arccos(z / |v|)`, `φ = atan2(y, x)` in (-π, π].
    pub fn rotate_dir(&self, theta: f64, phi: f64, inverse: bool) -> (f64, f64) {
        let (st, ct) = theta.sin_cos();
        let (sp, cp) = phi.sin_cos();
        let v = [st * cp, st * sp, ct];
        let m = &self.matrix;
        let mut w = [0.0; 3];
        for (i, wi) in w.iter_mut().enumerate() {
            *wi = (0..3)
                .map(|k| if inverse { m[k][i] } else { m[i][k] } * v[k])
                .sum();
        }
        let r = (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]).sqrt();
        ((w[2] / r).acos(), w[1].atan2(w[0]))
    }

    /// healpy `rotate_map_pixel`: the RING map in the rotated system, each
    /// pixel centre rotated back and the input map interpolated there
    /// ([`get_interp_val`]).
    pub fn rotate_map_pixel(&self, map: &[f64]) -> Result<Vec<f64>> {
        let nside = npix2nside(map.len())?;
        let pix: Vec<i64> = (0..map.len() as i64).collect();
        let (theta, phi) = pix2ang(nside, &pix, false)?;
        let (t, p): (Vec<f64>, Vec<f64>) = theta
            .iter()
            .zip(&phi)
            .map(|(&t, &p)| {
                let (t, p) = self.rotate_dir(t, p, true);
                (t.clamp(0.0, std::f64::consts::PI), p)
            })
            .unzip();
        get_interp_val(map, &t, &p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotations_are_orthogonal_and_compose() {
        for (a, b) in [("GC", "CG"), ("GE", "EG"), ("CE", "EC")] {
            let (r, s) = (
                Rotator::from_letters(a).unwrap(),
                Rotator::from_letters(b).unwrap(),
            );
            let p = matmul(&r.matrix, &s.matrix);
            for (i, row) in p.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((v - want).abs() < 1e-12, "{a}·{b}");
                }
            }
        }
        let (t, p) = Rotator::from_letters("GC")
            .unwrap()
            .rotate_dir(1.0, 2.0, false);
        let (t2, p2) = Rotator::from_letters("GC").unwrap().rotate_dir(t, p, true);
        assert!((t2 - 1.0).abs() < 1e-12 && (p2 - 2.0).abs() < 1e-12);
        assert!(Rotator::from_letters("GX").is_err());
    }
}
