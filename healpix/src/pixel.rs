//! Pixel functions of healpy (`healpy.pixelfunc`) for the RING scheme at any
//! `nside >= 1` and the NESTED scheme at powers of two.
//!
//! The algorithms are those of Górski et al. (2005, ApJ 622, 759): in the
//! equatorial belt (`|z| <= 2/3`) a point's pixel follows from the indices of
//! the two families of pixel edge lines through it, `jp = ⌊nside (1/2 + t) -
//! 3/4 nside z⌋` and `jm = ⌊nside (1/2 + t) + 3/4 nside z⌋` with `t = 2φ/π`;
//! in the polar caps from the same construction in `nside √(3 (1 - |z|))`.
//! NESTED indices interleave the bits of the (x, y) position of a pixel in
//! its base face.
//!
//! Near the poles the functions work with `sin θ` rather than `1 - z`, so
//! that angles keep full precision at nside 8192 and beyond.

use std::f64::consts::{FRAC_PI_2, PI};

use rayon::prelude::*;

use crate::error::{value_error, HealpixError, Result};
use crate::geometry::check_nside;

/// `12 nside²`.
pub fn nside2npix(nside: i64) -> Result<i64> {
    let n = check_nside(nside)? as i64;
    Ok(12 * n * n)
}

/// The nside of a map with `npix` pixels; an error when `npix` is not
/// `12 nside²`.
pub fn npix2nside(npix: usize) -> Result<i64> {
    if npix % 12 != 0 || npix == 0 {
        return Err(HealpixError::Npix { npix });
    }
    let n2 = npix / 12;
    let n = (n2 as f64).sqrt().round() as usize;
    if n * n != n2 {
        return Err(HealpixError::Npix { npix });
    }
    Ok(n as i64)
}

/// healpy's `get_nside(m)`: the nside of a map given its length.
pub fn get_nside(map_len: usize) -> Result<i64> {
    npix2nside(map_len)
}

/// Whether `nside` is a valid nside for the NESTED scheme.
pub fn isnsideok(nside: i64, nest: bool) -> bool {
    (1..=1 << 29).contains(&nside) && (!nest || (nside & (nside - 1)) == 0)
}

/// Area of one pixel in steradians, `4π / (12 nside²)`.
pub fn nside2pixarea(nside: i64) -> Result<f64> {
    Ok(4.0 * PI / nside2npix(nside)? as f64)
}

/// Pixel resolution in radians, `sqrt(pixel area)`.
pub fn nside2resol(nside: i64) -> Result<f64> {
    Ok(nside2pixarea(nside)?.sqrt())
}

/// The validated parameters of one resolution, for the hot loops.
#[derive(Debug, Clone, Copy)]
pub struct Resolution {
    nside: i64,
    npix: i64,
    ncap: i64,
    /// `log2(nside)` when nside is a power of two.
    order: Option<u32>,
}

impl Resolution {
    /// Checks `nside >= 1`; `nest` also requires a power of two.
    pub fn new(nside: i64, nest: bool) -> Result<Resolution> {
        let n = check_nside(nside)? as i64;
        let order = (n & (n - 1) == 0).then(|| n.trailing_zeros());
        if nest && order.is_none() {
            return Err(HealpixError::Nside {
                nside,
                reason: "the NESTED scheme needs a power of two",
            });
        }
        Ok(Resolution {
            nside: n,
            npix: 12 * n * n,
            ncap: 2 * n * (n - 1),
            order,
        })
    }

    /// nside.
    pub fn nside(&self) -> i64 {
        self.nside
    }

    /// `12 nside²`.
    pub fn npix(&self) -> i64 {
        self.npix
    }

    fn check_pix(&self, pix: i64) -> Result<()> {
        if pix < 0 || pix >= self.npix {
            return Err(HealpixError::Pixel {
                pix,
                nside: self.nside,
                npix: self.npix,
            });
        }
        Ok(())
    }

    /// RING pixel of the direction (z = cos θ, sin θ, φ). `sth` must be
    /// `sin θ >= 0`; it is used near the poles.
    pub fn zphi2pix_ring(&self, z: f64, sth: f64, phi: f64) -> i64 {
        let n = self.nside;
        let za = z.abs();
        let tt = {
            let t = (phi / FRAC_PI_2).rem_euclid(4.0);
            // rem_euclid can round up to exactly 4.0
            if t >= 4.0 {
                0.0
            } else {
                t
            }
        };
        if za <= 2.0 / 3.0 {
            let nl4 = 4 * n;
            let t1 = n as f64 * (0.5 + tt);
            let t2 = n as f64 * z * 0.75;
            let jp = (t1 - t2).floor() as i64;
            let jm = (t1 + t2).floor() as i64;
            let ir = n + 1 + jp - jm; // ring counted from z = 2/3, 1..=2n+1
            let kshift = 1 - (ir & 1);
            let ip = ((jp + jm - n + kshift + 1 + 2 * nl4) >> 1) % nl4;
            self.ncap + (ir - 1) * nl4 + ip
        } else {
            let tp = tt - tt.floor();
            // nside * sqrt(3 (1 - |z|)), from sin θ near the poles
            let tmp = if za > 0.99 {
                n as f64 * sth / ((1.0 + za) / 3.0).sqrt()
            } else {
                n as f64 * (3.0 * (1.0 - za)).sqrt()
            };
            let jp = (tp * tmp).floor() as i64;
            let jm = ((1.0 - tp) * tmp).floor() as i64;
            let ir = (jp + jm + 1).min(n); // ring counted from the nearest pole
            let ip = ((tt * ir as f64).floor() as i64).min(4 * ir - 1);
            if z > 0.0 {
                2 * ir * (ir - 1) + ip
            } else {
                self.npix - 2 * ir * (ir + 1) + ip
            }
        }
    }

    /// Ring number (1-based), position in ring (1-based) and the ring's
    /// shift of the RING pixel `pix` (unchecked).
    fn ring_of(&self, pix: i64) -> (i64, i64, bool) {
        let n = self.nside;
        if pix < self.ncap {
            let iring = (1 + isqrt(1 + 2 * pix)) >> 1;
            (iring, pix + 1 - 2 * iring * (iring - 1), true)
        } else if pix < self.npix - self.ncap {
            let ip = pix - self.ncap;
            let tmp = ip / (4 * n);
            let iring = tmp + n;
            (iring, ip - tmp * 4 * n + 1, (iring + n) & 1 == 0)
        } else {
            let ip = self.npix - pix;
            let ir = (1 + isqrt(2 * ip - 1)) >> 1;
            let iphi = 4 * ir + 1 - (ip - 2 * ir * (ir - 1));
            (4 * n - ir, iphi, true)
        }
    }

    /// `(z, sin θ, φ)` of the centre of RING pixel `pix` (unchecked).
    pub fn pix2zphi_ring(&self, pix: i64) -> (f64, f64, f64) {
        let n = self.nside;
        let (iring, iphi, shifted) = self.ring_of(pix);
        let north = iring.min(4 * n - iring);
        let sign = if iring <= 2 * n { 1.0 } else { -1.0 };
        if north < n {
            let t = (north * north) as f64 / (3.0 * (n * n) as f64);
            let z = sign * (1.0 - t);
            let sth = (t * (2.0 - t)).sqrt();
            let phi = (iphi as f64 - 0.5) * FRAC_PI_2 / north as f64;
            (z, sth, phi)
        } else {
            let z = (2 * n - iring) as f64 * 2.0 / (3.0 * n as f64);
            let sth = ((1.0 - z) * (1.0 + z)).sqrt();
            let fodd = if shifted { 0.5 } else { 1.0 };
            let phi = (iphi as f64 - fodd) * FRAC_PI_2 / n as f64;
            (z, sth, phi)
        }
    }

    /// Face number and (x, y) within the face of RING pixel `pix` (unchecked).
    fn ring2xyf(&self, pix: i64) -> (i64, i64, i64) {
        let n = self.nside;
        let nl4 = 4 * n;
        let (iring, iphi, kshift, nr, face);
        if pix < self.ncap {
            iring = (1 + isqrt(1 + 2 * pix)) >> 1;
            iphi = pix + 1 - 2 * iring * (iring - 1);
            kshift = 0;
            nr = iring;
            face = (iphi - 1) / nr;
        } else if pix < self.npix - self.ncap {
            let ip = pix - self.ncap;
            let tmp = ip / nl4;
            iring = tmp + n;
            iphi = ip - tmp * nl4 + 1;
            kshift = (iring + n) & 1;
            nr = n;
            let ire = tmp + 1;
            let irm = 2 * n + 2 - ire;
            let ifm = (iphi - ire / 2 + n - 1) / n;
            let ifp = (iphi - irm / 2 + n - 1) / n;
            face = if ifp == ifm {
                ifp | 4
            } else if ifp < ifm {
                ifp
            } else {
                ifm + 8
            };
        } else {
            let ip = self.npix - pix;
            let ir = (1 + isqrt(2 * ip - 1)) >> 1;
            iphi = 4 * ir + 1 - (ip - 2 * ir * (ir - 1));
            kshift = 0;
            nr = ir;
            iring = 4 * n - ir;
            face = 8 + (iphi - 1) / nr;
        }
        let irt = iring - JRLL[face as usize] * n + 1;
        let mut ipt = 2 * iphi - JPLL[face as usize] * nr - kshift - 1;
        if ipt >= 2 * n {
            ipt -= 8 * n;
        }
        ((ipt - irt) >> 1, (-ipt - irt) >> 1, face)
    }

    /// RING pixel of face `face` at (x, y).
    fn xyf2ring(&self, ix: i64, iy: i64, face: i64) -> i64 {
        let n = self.nside;
        let nl4 = 4 * n;
        let jr = JRLL[face as usize] * n - ix - iy - 1;
        let (nr, n_before, kshift);
        if jr < n {
            nr = jr;
            n_before = 2 * nr * (nr - 1);
            kshift = 0;
        } else if jr > 3 * n {
            nr = nl4 - jr;
            n_before = self.npix - 2 * (nr + 1) * nr;
            kshift = 0;
        } else {
            nr = n;
            n_before = self.ncap + (jr - n) * nl4;
            kshift = (jr - n) & 1;
        }
        let mut jp = (JPLL[face as usize] * nr + ix - iy + 1 + kshift) / 2;
        if jp > nl4 {
            jp -= nl4;
        } else if jp < 1 {
            jp += nl4;
        }
        n_before + jp - 1
    }

    /// NESTED index of RING pixel `pix` (unchecked; nside a power of two).
    pub fn ring2nest_unchecked(&self, pix: i64) -> i64 {
        let (ix, iy, face) = self.ring2xyf(pix);
        (face << (2 * self.order.unwrap_or(0))) + interleave(ix as u64, iy as u64) as i64
    }

    /// RING index of NESTED pixel `pix` (unchecked; nside a power of two).
    pub fn nest2ring_unchecked(&self, pix: i64) -> i64 {
        let order = self.order.unwrap_or(0);
        let face = pix >> (2 * order);
        let (ix, iy) = deinterleave((pix & ((1 << (2 * order)) - 1)) as u64);
        self.xyf2ring(ix as i64, iy as i64, face)
    }
}

impl Resolution {
    /// `(z, sin θ, φ)` of the point at fractional position `(u, v)` in
    /// `[0, 1)²` inside RING pixel `pix` (unchecked): the pixel's face
    /// coordinates `(x, y) = ((ix + u)/nside, (iy + v)/nside)` mapped back to
    /// the sphere by the inverse HEALPix projection (Górski et al. 2005,
    /// eqs. 19-20 inverted). The projection is equal-area, so uniform
    /// `(u, v)` give points uniform in area within the pixel.
    pub fn ring_uv2zphi(&self, pix: i64, u: f64, v: f64) -> (f64, f64, f64) {
        let (ix, iy, face) = self.ring2xyf(pix);
        let n = self.nside as f64;
        let x = (ix as f64 + u) / n;
        let y = (iy as f64 + v) / n;
        let jr = JRLL[face as usize] as f64 - x - y;
        let (nr, z, sth);
        if jr < 1.0 {
            nr = jr;
            let t = nr * nr / 3.0;
            z = 1.0 - t;
            sth = (t * (2.0 - t)).sqrt();
        } else if jr > 3.0 {
            nr = 4.0 - jr;
            let t = nr * nr / 3.0;
            z = t - 1.0;
            sth = (t * (2.0 - t)).sqrt();
        } else {
            nr = 1.0;
            z = (2.0 - jr) * 2.0 / 3.0;
            sth = ((1.0 - z) * (1.0 + z)).sqrt();
        }
        let mut t = JPLL[face as usize] as f64 * nr + x - y;
        if t < 0.0 {
            t += 8.0;
        }
        if t >= 8.0 {
            t -= 8.0;
        }
        let phi = if nr < 1e-15 { 0.0 } else { 0.25 * PI * t / nr };
        (z, sth, phi)
    }
}

/// Face layout: ring index of each base face's corner (Górski et al. 2005).
pub const JRLL: [i64; 12] = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
/// Face layout: longitude index of each base face's corner.
pub const JPLL: [i64; 12] = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

fn isqrt(v: i64) -> i64 {
    let mut r = (v as f64).sqrt() as i64;
    while r * r > v {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= v {
        r += 1;
    }
    r
}

/// Bits of x to the even positions, bits of y to the odd ones.
fn interleave(x: u64, y: u64) -> u64 {
    spread(x) | (spread(y) << 1)
}

fn spread(v: u64) -> u64 {
    let mut v = v & 0xffff_ffff;
    v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
    v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
    v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    v = (v | (v << 2)) & 0x3333_3333_3333_3333;
    (v | (v << 1)) & 0x5555_5555_5555_5555
}

fn compact(v: u64) -> u64 {
    let mut v = v & 0x5555_5555_5555_5555;
    v = (v | (v >> 1)) & 0x3333_3333_3333_3333;
    v = (v | (v >> 2)) & 0x0f0f_0f0f_0f0f_0f0f;
    v = (v | (v >> 4)) & 0x00ff_00ff_00ff_00ff;
    v = (v | (v >> 8)) & 0x0000_ffff_0000_ffff;
    (v | (v >> 16)) & 0xffff_ffff
}

fn deinterleave(v: u64) -> (u64, u64) {
    (compact(v), compact(v >> 1))
}

fn check_theta(theta: f64) -> Result<()> {
    if !(0.0..=PI).contains(&theta) {
        return value_error(format!(
            "THETA is out of range [0,pi]: {theta} (healpy's ang2pix rule)"
        ));
    }
    Ok(())
}

/// Parallel map over paired inputs above this many elements.
const PAR_MIN: usize = 1 << 14;

fn map_pairs<T: Send>(
    a: &[f64],
    b: &[f64],
    f: impl Fn(f64, f64) -> Result<T> + Sync + Send,
) -> Result<Vec<T>> {
    if a.len() != b.len() {
        return value_error(format!(
            "the two coordinate arrays differ in length: {} and {}",
            a.len(),
            b.len()
        ));
    }
    if a.len() >= PAR_MIN {
        a.par_iter().zip(b).map(|(&x, &y)| f(x, y)).collect()
    } else {
        a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect()
    }
}

fn map_pix<T: Send>(pix: &[i64], f: impl Fn(i64) -> Result<T> + Sync + Send) -> Result<Vec<T>> {
    if pix.len() >= PAR_MIN {
        pix.par_iter().map(|&p| f(p)).collect()
    } else {
        pix.iter().map(|&p| f(p)).collect()
    }
}

/// healpy `ang2pix(nside, theta, phi, nest)`: pixels containing the
/// directions (colatitude θ in [0, π], longitude φ in radians).
pub fn ang2pix(nside: i64, theta: &[f64], phi: &[f64], nest: bool) -> Result<Vec<i64>> {
    let res = Resolution::new(nside, nest)?;
    map_pairs(theta, phi, |t, p| {
        check_theta(t)?;
        let pix = res.zphi2pix_ring(t.cos(), t.sin(), p);
        Ok(if nest {
            res.ring2nest_unchecked(pix)
        } else {
            pix
        })
    })
}

/// healpy `pix2ang(nside, ipix, nest)`: colatitudes and longitudes of the
/// pixel centres.
pub fn pix2ang(nside: i64, pix: &[i64], nest: bool) -> Result<(Vec<f64>, Vec<f64>)> {
    let res = Resolution::new(nside, nest)?;
    let v = map_pix(pix, |p| {
        res.check_pix(p)?;
        let p = if nest { res.nest2ring_unchecked(p) } else { p };
        let (z, sth, phi) = res.pix2zphi_ring(p);
        Ok((sth.atan2(z), phi))
    })?;
    Ok(v.into_iter().unzip())
}

/// healpy `pix2vec(nside, ipix, nest)`: unit vectors `[x, y, z]` of the
/// pixel centres.
pub fn pix2vec(nside: i64, pix: &[i64], nest: bool) -> Result<[Vec<f64>; 3]> {
    let res = Resolution::new(nside, nest)?;
    let v = map_pix(pix, |p| {
        res.check_pix(p)?;
        let p = if nest { res.nest2ring_unchecked(p) } else { p };
        let (z, sth, phi) = res.pix2zphi_ring(p);
        Ok([sth * phi.cos(), sth * phi.sin(), z])
    })?;
    Ok(split3(v))
}

fn split3(v: Vec<[f64; 3]>) -> [Vec<f64>; 3] {
    let mut out = [
        Vec::with_capacity(v.len()),
        Vec::with_capacity(v.len()),
        Vec::with_capacity(v.len()),
    ];
    for [a, b, c] in v {
        out[0].push(a);
        out[1].push(b);
        out[2].push(c);
    }
    out
}

/// healpy `vec2pix(nside, x, y, z, nest)`: pixels containing the directions
/// of (not necessarily unit) vectors.
pub fn vec2pix(nside: i64, x: &[f64], y: &[f64], z: &[f64], nest: bool) -> Result<Vec<i64>> {
    let res = Resolution::new(nside, nest)?;
    if y.len() != x.len() || z.len() != x.len() {
        return value_error("x, y, z differ in length");
    }
    let idx: Vec<usize> = (0..x.len()).collect();
    let f = |i: usize| -> Result<i64> {
        let (xi, yi, zi) = (x[i], y[i], z[i]);
        let r = (xi * xi + yi * yi + zi * zi).sqrt();
        if !(r.is_finite() && r > 0.0) {
            return value_error(format!("vector {i} has no direction: ({xi}, {yi}, {zi})"));
        }
        let pix = res.zphi2pix_ring(zi / r, xi.hypot(yi) / r, yi.atan2(xi));
        Ok(if nest {
            res.ring2nest_unchecked(pix)
        } else {
            pix
        })
    };
    if idx.len() >= PAR_MIN {
        idx.into_par_iter().map(f).collect()
    } else {
        idx.into_iter().map(f).collect()
    }
}

/// healpy `ang2vec(theta, phi)`.
pub fn ang2vec(theta: &[f64], phi: &[f64]) -> Result<[Vec<f64>; 3]> {
    let v = map_pairs(theta, phi, |t, p| {
        check_theta(t)?;
        let s = t.sin();
        Ok([s * p.cos(), s * p.sin(), t.cos()])
    })?;
    Ok(split3(v))
}

/// healpy `vec2ang(vectors)`: colatitude and longitude in `[0, 2π)`.
pub fn vec2ang(x: &[f64], y: &[f64], z: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    if y.len() != x.len() || z.len() != x.len() {
        return value_error("x, y, z differ in length");
    }
    let v: Vec<(f64, f64)> = (0..x.len())
        .map(|i| {
            let t = x[i].hypot(y[i]).atan2(z[i]);
            let p = y[i].atan2(x[i]);
            (t, if p < 0.0 { p + 2.0 * PI } else { p })
        })
        .collect();
    Ok(v.into_iter().unzip())
}

/// healpy `ang2pix(..., lonlat=True)`: longitude and latitude in degrees.
pub fn lonlat2pix(nside: i64, lon: &[f64], lat: &[f64], nest: bool) -> Result<Vec<i64>> {
    let (theta, phi) = lonlat2thetaphi(lon, lat)?;
    ang2pix(nside, &theta, &phi, nest)
}

/// healpy `pix2ang(..., lonlat=True)`: longitude in `[0, 360)` and latitude
/// in degrees.
pub fn pix2lonlat(nside: i64, pix: &[i64], nest: bool) -> Result<(Vec<f64>, Vec<f64>)> {
    let (theta, phi) = pix2ang(nside, pix, nest)?;
    Ok(thetaphi2lonlat(&theta, &phi))
}

/// healpy `lonlat2thetaphi`: degrees to (θ, φ) radians.
pub fn lonlat2thetaphi(lon: &[f64], lat: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    if lon.len() != lat.len() {
        return value_error("lon and lat differ in length");
    }
    Ok(lat
        .iter()
        .zip(lon)
        .map(|(&b, &l)| (FRAC_PI_2 - b.to_radians(), l.to_radians()))
        .unzip())
}

/// healpy `thetaphi2lonlat`: (θ, φ) radians to degrees.
pub fn thetaphi2lonlat(theta: &[f64], phi: &[f64]) -> (Vec<f64>, Vec<f64>) {
    theta
        .iter()
        .zip(phi)
        .map(|(&t, &p)| (p.to_degrees(), 90.0 - t.to_degrees()))
        .unzip()
}

/// healpy `ring2nest(nside, ipix)` (nside a power of two).
pub fn ring2nest(nside: i64, pix: &[i64]) -> Result<Vec<i64>> {
    let res = Resolution::new(nside, true)?;
    map_pix(pix, |p| {
        res.check_pix(p)?;
        Ok(res.ring2nest_unchecked(p))
    })
}

/// healpy `nest2ring(nside, ipix)` (nside a power of two).
pub fn nest2ring(nside: i64, pix: &[i64]) -> Result<Vec<i64>> {
    let res = Resolution::new(nside, true)?;
    map_pix(pix, |p| {
        res.check_pix(p)?;
        Ok(res.nest2ring_unchecked(p))
    })
}

/// healpy/healpix `randang`: the points at fractional positions `(u, v)`
/// (each uniform in `[0, 1)` for uniform points) inside the pixels; returns
/// `(theta, phi)`.
pub fn randang(
    nside: i64,
    pix: &[i64],
    u: &[f64],
    v: &[f64],
    nest: bool,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let res = Resolution::new(nside, nest)?;
    if u.len() != pix.len() || v.len() != pix.len() {
        return value_error(format!(
            "randang: {} pixels but {} and {} uniform values",
            pix.len(),
            u.len(),
            v.len()
        ));
    }
    let idx: Vec<usize> = (0..pix.len()).collect();
    let f = |i: usize| -> Result<(f64, f64)> {
        res.check_pix(pix[i])?;
        let p = if nest {
            res.nest2ring_unchecked(pix[i])
        } else {
            pix[i]
        };
        let (z, sth, phi) = res.ring_uv2zphi(p, u[i], v[i]);
        Ok((sth.atan2(z), phi))
    };
    let out: Vec<(f64, f64)> = if idx.len() >= PAR_MIN {
        idx.into_par_iter().map(f).collect::<Result<_>>()?
    } else {
        idx.into_iter().map(f).collect::<Result<_>>()?
    };
    Ok(out.into_iter().unzip())
}

/// Points of a whole batch of RING pixels in degrees, without a list of
/// pixel indices: pixel `start + k` holds `counts[k]` points, point `g`
/// (in order) lies at the fractional face coordinates `(u[g], v[g])` of its
/// pixel as in [`randang`]. Returns `(lon, lat)` with
/// `lon = φ · 180/π` and `lat = θ · (-180/π) + 90`, the same operations as
/// glass's standard-op path, so both give the same bits.
///
/// # Errors
///
/// [`crate::HealpixError::Value`] for negative counts, pixels beyond the
/// map, or `u`, `v` not of the total count's length.
pub fn randang_counts_lonlat(
    nside: i64,
    counts: &[i64],
    start: i64,
    u: &[f64],
    v: &[f64],
) -> Result<(Vec<f64>, Vec<f64>)> {
    let res = Resolution::new(nside, false)?;
    if let Some(c) = counts.iter().find(|c| **c < 0) {
        return value_error(format!("randang_counts: negative count {c}"));
    }
    let total: i64 = counts.iter().sum();
    if u.len() as i64 != total || v.len() as i64 != total {
        return value_error(format!(
            "randang_counts: {total} points but {} and {} uniform values",
            u.len(),
            v.len()
        ));
    }
    if !counts.is_empty() {
        res.check_pix(start)?;
        res.check_pix(start + counts.len() as i64 - 1)?;
    }
    let mut offsets = Vec::with_capacity(counts.len() + 1);
    let mut acc = 0usize;
    offsets.push(0);
    for &c in counts {
        acc += c as usize;
        offsets.push(acc);
    }
    let mut lon = vec![0.0; acc];
    let mut lat = vec![0.0; acc];
    let deg = 180.0 / std::f64::consts::PI;
    // fixed chunks of pixels, each writing its own points
    const CHUNK: usize = 4096;
    let fill = |k0: usize, lon: &mut [f64], lat: &mut [f64]| {
        let base = offsets[k0];
        for k in k0..(k0 + CHUNK).min(counts.len()) {
            let p = start + k as i64;
            for g in offsets[k]..offsets[k + 1] {
                let (z, sth, phi) = res.ring_uv2zphi(p, u[g], v[g]);
                lon[g - base] = phi * deg;
                lat[g - base] = sth.atan2(z) * -deg + 90.0;
            }
        }
    };
    // split the outputs at the chunk boundaries
    let mut jobs: Vec<(usize, &mut [f64], &mut [f64])> = Vec::new();
    let (mut rest_lon, mut rest_lat) = (lon.as_mut_slice(), lat.as_mut_slice());
    for k0 in (0..counts.len()).step_by(CHUNK) {
        let n = offsets[(k0 + CHUNK).min(counts.len())] - offsets[k0];
        let (a, b) = std::mem::take(&mut rest_lon).split_at_mut(n);
        let (c, d) = std::mem::take(&mut rest_lat).split_at_mut(n);
        jobs.push((k0, a, c));
        rest_lon = b;
        rest_lat = d;
    }
    if acc >= PAR_MIN {
        jobs.into_par_iter().for_each(|(k0, a, c)| fill(k0, a, c));
    } else {
        jobs.into_iter().for_each(|(k0, a, c)| fill(k0, a, c));
    }
    Ok((lon, lat))
}

/// Number of the ring just north of `z` (0 when `z` is north of ring 1).
fn ring_above(nside: i64, z: f64) -> i64 {
    let az = z.abs();
    if az <= 2.0 / 3.0 {
        return (nside as f64 * (2.0 - 1.5 * z)) as i64;
    }
    let iring = (nside as f64 * (3.0 * (1.0 - az)).sqrt()) as i64;
    if z > 0.0 {
        iring
    } else {
        4 * nside - iring - 1
    }
}

/// healpy `query_strip(nside, theta1, theta2, inclusive)` in RING order: the
/// pixels whose centres lie between colatitudes θ1 and θ2 (with
/// `inclusive`, every ring that overlaps the strip). For `θ1 > θ2` the
/// strip wraps over the poles: `θ <= θ2` or `θ >= θ1`.
///
/// Like healpy, angles outside [0, π] are not rejected: the rings are
/// chosen from `cos θ1` and `cos θ2`, and the wrap from `θ1 > θ2`. GLASS's
/// `vmap_galactic_ecliptic` relies on this (it passes its defaults, such as
/// (30, 90), through unchanged). NaN and infinite angles are errors.
pub fn query_strip(nside: i64, theta1: f64, theta2: f64, inclusive: bool) -> Result<Vec<i64>> {
    let res = Resolution::new(nside, false)?;
    for t in [theta1, theta2] {
        if !t.is_finite() {
            return value_error(format!("query_strip: colatitude {t} is not finite"));
        }
    }
    let rings = |t1: f64, t2: f64| -> (i64, i64) {
        let n = res.nside;
        if inclusive {
            (
                ring_above(n, t1.cos()).max(1),
                (ring_above(n, t2.cos()) + 1).min(4 * n - 1),
            )
        } else {
            (
                (ring_above(n, t1.cos()) + 1).max(1),
                ring_above(n, t2.cos()).min(4 * n - 1),
            )
        }
    };
    let mut out = Vec::new();
    let mut push_rings = |r1: i64, r2: i64| {
        if r1 > r2 {
            return;
        }
        let first = crate::geometry::ring(res.nside as usize, r1 as usize);
        let last = crate::geometry::ring(res.nside as usize, r2 as usize);
        out.extend(first.start as i64..(last.start + last.npix) as i64);
    };
    if theta1 < theta2 {
        let (r1, r2) = rings(theta1, theta2);
        push_rings(r1, r2);
    } else {
        let (_, r2) = rings(0.0, theta2);
        let (r1, _) = rings(theta1, PI);
        push_rings(1, r2);
        push_rings(r1.max(r2 + 1), 4 * res.nside - 1);
    }
    Ok(out)
}

/// healpy `get_interp_weights(nside, theta, phi)` (RING): the four pixels
/// around the direction and their bilinear weights (HEALPix
/// `get_interpol`): linear in φ between the two nearest pixel centres on
/// the rings just north and south of θ, then linear in θ between the
/// rings; above the first (below the last) ring the pole is the average of
/// the four pixels of that ring.
pub fn get_interp_weights(nside: i64, theta: f64, phi: f64) -> Result<([i64; 4], [f64; 4])> {
    let res = Resolution::new(nside, false)?;
    check_theta(theta)?;
    if !phi.is_finite() {
        return value_error(format!("get_interp_weights: longitude {phi} is not finite"));
    }
    Ok(interp_unchecked(&res, theta, phi.rem_euclid(2.0 * PI)))
}

fn interp_unchecked(res: &Resolution, theta: f64, phi: f64) -> ([i64; 4], [f64; 4]) {
    let n = res.nside;
    let npix = res.npix();
    let ir1 = ring_above(n, theta.cos());
    let ir2 = ir1 + 1;
    let mut pix = [0i64; 4];
    let mut wgt = [0f64; 4];
    // the two pixels of ring `ir` around φ and their weights
    let around = |ir: i64| -> (i64, i64, f64, f64) {
        let r = crate::geometry::ring(n as usize, ir as usize);
        let nr = r.npix as i64;
        let dphi = 2.0 * PI / nr as f64;
        let shift = if r.shifted { 0.5 } else { 0.0 };
        let tmp = phi / dphi - shift;
        let mut i1 = if tmp < 0.0 {
            tmp as i64 - 1
        } else {
            tmp as i64
        };
        let w1 = (phi - (i1 as f64 + shift) * dphi) / dphi;
        let mut i2 = i1 + 1;
        if i1 < 0 {
            i1 += nr;
        }
        if i2 >= nr {
            i2 -= nr;
        }
        (r.start as i64 + i1, r.start as i64 + i2, w1, r.theta())
    };
    // slots 0, 1 from the ring above, 2, 3 from the ring below
    let mut thetas = [0.0; 2];
    for (k, ir) in [ir1, ir2].into_iter().enumerate() {
        if ir > 0 && ir < 4 * n {
            let (p1, p2, w1, t) = around(ir);
            (pix[2 * k], pix[2 * k + 1]) = (p1, p2);
            (wgt[2 * k], wgt[2 * k + 1]) = (1.0 - w1, w1);
            thetas[k] = t;
        }
    }
    let [theta1, theta2] = thetas;
    if ir1 == 0 {
        let wtheta = theta / theta2;
        wgt[2] *= wtheta;
        wgt[3] *= wtheta;
        let fac = (1.0 - wtheta) * 0.25;
        wgt[0] = fac;
        wgt[1] = fac;
        wgt[2] += fac;
        wgt[3] += fac;
        pix[0] = (pix[2] + 2) & 3;
        pix[1] = (pix[3] + 2) & 3;
    } else if ir2 == 4 * n {
        let wtheta = (theta - theta1) / (PI - theta1);
        wgt[0] *= 1.0 - wtheta;
        wgt[1] *= 1.0 - wtheta;
        let fac = wtheta * 0.25;
        wgt[0] += fac;
        wgt[1] += fac;
        wgt[2] = fac;
        wgt[3] = fac;
        pix[2] = ((pix[0] + 2) & 3) + npix - 4;
        pix[3] = ((pix[1] + 2) & 3) + npix - 4;
    } else {
        let wtheta = (theta - theta1) / (theta2 - theta1);
        wgt[0] *= 1.0 - wtheta;
        wgt[1] *= 1.0 - wtheta;
        wgt[2] *= wtheta;
        wgt[3] *= wtheta;
    }
    (pix, wgt)
}

/// healpy `get_interp_val(map, theta, phi)`: the RING map bilinearly
/// interpolated at the directions (see [`get_interp_weights`]).
pub fn get_interp_val(map: &[f64], theta: &[f64], phi: &[f64]) -> Result<Vec<f64>> {
    let nside = npix2nside(map.len())?;
    let res = Resolution::new(nside, false)?;
    if theta.len() != phi.len() {
        return value_error(format!(
            "get_interp_val: {} colatitudes but {} longitudes",
            theta.len(),
            phi.len()
        ));
    }
    for (&t, &p) in theta.iter().zip(phi) {
        check_theta(t)?;
        if !p.is_finite() {
            return value_error(format!("get_interp_val: longitude {p} is not finite"));
        }
    }
    let f = |(&t, &p): (&f64, &f64)| {
        let (pix, w) = interp_unchecked(&res, t, p.rem_euclid(2.0 * PI));
        (0..4).map(|k| map[pix[k] as usize] * w[k]).sum::<f64>()
    };
    Ok(if theta.len() >= PAR_MIN {
        theta.par_iter().zip(phi.par_iter()).map(f).collect()
    } else {
        theta.iter().zip(phi).map(f).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_nest_round_trip() {
        for nside in [1, 2, 4, 16] {
            let res = Resolution::new(nside, true).unwrap();
            let mut seen = vec![false; res.npix() as usize];
            for p in 0..res.npix() {
                let n = res.ring2nest_unchecked(p);
                assert!(!seen[n as usize]);
                seen[n as usize] = true;
                assert_eq!(res.nest2ring_unchecked(n), p);
            }
        }
    }

    #[test]
    fn pixel_centres_map_to_their_pixel() {
        for nside in [1, 2, 3, 5, 7, 12] {
            let res = Resolution::new(nside, false).unwrap();
            for p in 0..res.npix() {
                let (z, sth, phi) = res.pix2zphi_ring(p);
                assert_eq!(res.zphi2pix_ring(z, sth, phi), p, "nside {nside}");
            }
        }
    }

    #[test]
    fn randang_points_fall_in_their_pixel_and_the_centre_is_the_centre() {
        for nside in [1, 2, 3, 8] {
            let res = Resolution::new(nside, false).unwrap();
            for p in 0..res.npix() {
                for (u, v) in [(0.5, 0.5), (0.01, 0.02), (0.98, 0.5), (0.3, 0.97)] {
                    let (z, sth, phi) = res.ring_uv2zphi(p, u, v);
                    assert_eq!(
                        res.zphi2pix_ring(z, sth, phi),
                        p,
                        "nside {nside} pix {p} ({u}, {v})"
                    );
                }
                let (z, _, phi) = res.ring_uv2zphi(p, 0.5, 0.5);
                let (zc, _, phic) = res.pix2zphi_ring(p);
                assert!(
                    (z - zc).abs() < 1e-12 && (phi - phic).abs() < 1e-12,
                    "centre of {p}"
                );
            }
        }
    }

    #[test]
    fn npix_checks() {
        assert_eq!(npix2nside(12 * 49).unwrap(), 7);
        assert!(npix2nside(13).is_err());
        assert!(npix2nside(0).is_err());
        assert!(ang2pix(4, &[4.0], &[0.0], false).is_err());
        assert!(ang2pix(3, &[1.0], &[0.0], true).is_err());
        assert!(pix2ang(2, &[48], false).is_err());
    }
}
