//! The RING pixel functions in standard ops only (`ang2pix`, `pix2ang`,
//! `randang`), for backends without `healpix.*`: the formulas of
//! `glass_healpix::pixel` (Górski et al. 2005) written elementwise, each
//! branch (north cap, equatorial belt, south cap) computed for every element
//! and chosen with `where`. Integer arithmetic stays in int64 and float
//! arithmetic in float64, in the same order as the native code, so both give
//! the same pixels. The data never leave the backend; NESTED order needs
//! the native ops.

use std::f64::consts::{FRAC_PI_2, PI};

use glass_backend_api::DType;
use glass_healpix::pixel::{JPLL, JRLL};

use crate::{Array, Backend, Error, Result};

fn f(x: &Array) -> Result<Array> {
    x.astype(DType::Float64)
}

/// `floor(x)` as int64.
fn ifloor(x: &Array) -> Result<Array> {
    x.floor()?.astype(DType::Int64)
}

/// Integer square root of a non-negative int64 array (exact below 2^52).
fn isqrt(v: &Array) -> Result<Array> {
    let r = ifloor(&f(v)?.sqrt()?)?;
    let xp = v.backend();
    let r = xp.where_(&(&r * &r).ok()?.greater(v)?, (&r - 1i64).ok()?, &r)?;
    let r1 = (&r + 1i64).ok()?;
    xp.where_(&(&r1 * &r1).ok()?.less_equal(v)?, &r1, &r)
}

/// The RING geometry of one resolution.
pub struct Pixels<'b> {
    xp: &'b Backend,
    n: i64,
    ncap: i64,
    npix: i64,
}

/// Ring number (1-based), position in the ring (1-based) and whether the
/// ring's pixel centres are shifted by half a pixel.
struct RingPos {
    iring: Array,
    iphi: Array,
    shifted: Array,
}

impl<'b> Pixels<'b> {
    /// # Errors
    ///
    /// [`Error::Healpix`] for an invalid `nside`.
    pub fn new(xp: &'b Backend, nside: i64) -> Result<Pixels<'b>> {
        glass_healpix::geometry::check_nside(nside)?;
        Ok(Pixels {
            xp,
            n: nside,
            ncap: 2 * nside * (nside - 1),
            npix: 12 * nside * nside,
        })
    }

    fn check_pix(&self, pix: &Array) -> Result<Array> {
        let pix = pix.astype(DType::Int64)?;
        let bad = pix.less(0i64)?.logical_or(&pix.greater_equal(self.npix)?)?;
        if bad.any(None, false)?.item::<bool>()? {
            return Err(Error::value(
                "pix2ang",
                "ipix",
                format!(
                    "pixel index out of range for nside {} (0 <= pix < {})",
                    self.n, self.npix
                ),
            ));
        }
        Ok(pix)
    }

    /// `ring_of` of glass-healpix for every pixel.
    fn ring_of(&self, pix: &Array) -> Result<RingPos> {
        let (xp, n) = (self.xp, self.n);
        // north cap
        let iring_n = (&isqrt(&(&(pix * 2i64).ok()? + 1i64).ok()?)? + 1i64)
            .ok()?
            .floor_divide(2i64)?;
        let iphi_n = ((pix + 1i64).ok()?
            - &(&(&iring_n * 2i64).ok()? * &(&iring_n - 1i64).ok()?).ok()?)
            .ok()?;
        // equatorial belt
        let ip = (pix - self.ncap).ok()?;
        let tmp = ip.floor_divide(4 * n)?;
        let iring_e = (&tmp + n).ok()?;
        let iphi_e = ((&ip - &(&tmp * (4 * n)).ok()?).ok()? + 1i64).ok()?;
        let shifted_e = (&iring_e + n).ok()?.remainder(2i64)?.equal(0i64)?;
        // south cap (clamped where it does not apply, to keep isqrt's input valid)
        let ips = (&pix.negative()? + self.npix).ok()?.maximum(1i64)?;
        let ir = (&isqrt(&(&(&ips * 2i64).ok()? - 1i64).ok()?)? + 1i64)
            .ok()?
            .floor_divide(2i64)?;
        let iphi_s = ((&(&ir * 4i64).ok()? + 1i64).ok()?
            - &(&ips - &(&(&ir * 2i64).ok()? * &(&ir - 1i64).ok()?).ok()?).ok()?)
            .ok()?;
        let iring_s = (&ir.negative()? + 4 * n).ok()?;

        let is_n = pix.less(self.ncap)?;
        let is_s = pix.greater_equal(self.npix - self.ncap)?;
        let pick = |a: &Array, b: &Array, c: &Array| -> Result<Array> {
            xp.where_(&is_n, a, &xp.where_(&is_s, c, b)?)
        };
        let yes = pix.equal(pix)?;
        Ok(RingPos {
            iring: pick(&iring_n, &iring_e, &iring_s)?,
            iphi: pick(&iphi_n, &iphi_e, &iphi_s)?,
            shifted: pick(&yes, &shifted_e, &yes)?,
        })
    }

    /// healpy `pix2ang(nside, pix)` (RING): `(theta, phi)`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for pixels outside `0..npix`; backend errors of the ops.
    pub fn pix2ang(&self, pix: &Array) -> Result<(Array, Array)> {
        let (xp, n) = (self.xp, self.n);
        let pix = self.check_pix(pix)?;
        let RingPos {
            iring,
            iphi,
            shifted,
        } = self.ring_of(&pix)?;
        let north = iring.minimum(&(&iring.negative()? + 4 * n).ok()?)?;
        let minus = xp.full(iring.shape(), -1.0, DType::Float64)?;
        let sign = xp.where_(&iring.less_equal(2 * n)?, 1.0, &minus)?;
        // polar caps
        let t = (&f(&(&north * &north).ok()?)? / (3.0 * (n * n) as f64)).ok()?;
        let z_p = (&sign * &(&t.negative()? + 1.0).ok()?).ok()?;
        let sth_p = (&t * &(&t.negative()? + 2.0).ok()?).ok()?.sqrt()?;
        let iphi_f = f(&iphi)?;
        let north_f = f(&north.maximum(1i64)?)?;
        let phi_p = ((&(&iphi_f - 0.5).ok()? * FRAC_PI_2).ok()? / &north_f).ok()?;
        // equatorial belt
        let z_e =
            ((&f(&(&iring.negative()? + 2 * n).ok()?)? * 2.0).ok()? / (3.0 * n as f64)).ok()?;
        let sth_e = (&(&z_e.negative()? + 1.0).ok()? * &(&z_e + 1.0).ok()?)
            .ok()?
            .sqrt()?;
        let fodd = xp.where_(&shifted, 0.5, &(&minus * -1.0).ok()?)?;
        let phi_e = ((&(&iphi_f - &fodd).ok()? * FRAC_PI_2).ok()? / n as f64).ok()?;

        let polar = north.less(n)?;
        let z = xp.where_(&polar, &z_p, &z_e)?;
        let sth = xp.where_(&polar, &sth_p, &sth_e)?;
        let phi = xp.where_(&polar, &phi_p, &phi_e)?;
        Ok((sth.atan2(&z)?, phi))
    }

    /// healpy `ang2pix(nside, theta, phi)` (RING).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for a colatitude outside `[0, π]` or a non-finite longitude; backend
    /// errors of the ops.
    pub fn ang2pix(&self, theta: &Array, phi: &Array) -> Result<Array> {
        let (xp, n) = (self.xp, self.n);
        let theta = f(theta)?;
        let phi = f(phi)?;
        let bad = theta
            .less(0.0)?
            .logical_or(&theta.greater(PI)?)?
            .logical_or(&theta.isnan()?)?;
        if bad.any(None, false)?.item::<bool>()? {
            return Err(Error::value(
                "ang2pix",
                "theta",
                "THETA is out of range [0,pi] (healpy's ang2pix rule)",
            ));
        }
        if phi
            .isfinite()?
            .logical_not()?
            .any(None, false)?
            .item::<bool>()?
        {
            return Err(Error::value("ang2pix", "phi", "longitude is not finite"));
        }
        let z = theta.cos()?;
        let sth = theta.sin()?;
        let za = z.abs()?;
        // tt = (φ / (π/2)) mod 4, in [0, 4)
        let tt = (&phi / FRAC_PI_2).ok()?.remainder(4.0)?;
        let tt = xp.where_(&tt.greater_equal(4.0)?, 0.0, &tt)?;
        // equatorial belt
        let nl4 = 4 * n;
        let t1 = (&(&tt + 0.5).ok()? * n as f64).ok()?;
        let t2 = (&(&z * n as f64).ok()? * 0.75).ok()?;
        let jp = ifloor(&(&t1 - &t2).ok()?)?;
        let jm = ifloor(&(&t1 + &t2).ok()?)?;
        let ir = ((&jp - &jm).ok()? + (n + 1)).ok()?;
        let kshift = (&ir.remainder(2i64)?.negative()? + 1i64).ok()?;
        let ip = ((&(&(&jp + &jm).ok()? + &kshift).ok()? + (1 - n + 2 * nl4)).ok()?)
            .floor_divide(2i64)?
            .remainder(nl4)?;
        let pix_e = ((&(&ir - 1i64).ok()? * nl4).ok()? + &(&ip + self.ncap).ok()?).ok()?;
        // polar caps
        let tp = (&tt - &tt.floor()?).ok()?;
        let near = ((&(&sth * n as f64).ok()?) / &((&za + 1.0).ok()? / 3.0).ok()?.sqrt()?).ok()?;
        let far = (&(&(&za.negative()? + 1.0).ok()? * 3.0).ok()?.sqrt()? * n as f64).ok()?;
        let tmp = xp.where_(&za.greater(0.99)?, &near, &far)?;
        let jp = ifloor(&(&tp * &tmp).ok()?)?;
        let jm = ifloor(&(&(&tp.negative()? + 1.0).ok()? * &tmp).ok()?)?;
        let ir = (&(&jp + &jm).ok()? + 1i64).ok()?.minimum(n)?;
        let ip = ifloor(&(&tt * &f(&ir)?).ok()?)?.minimum(&(&(&ir * 4i64).ok()? - 1i64).ok()?)?;
        let two_ir = (&ir * 2i64).ok()?;
        let pix_north = (&(&two_ir * &(&ir - 1i64).ok()?).ok()? + &ip).ok()?;
        let pix_south =
            (&(&(&two_ir * &(&ir + 1i64).ok()?).ok()?.negative()? + self.npix).ok()? + &ip).ok()?;
        let pix_p = xp.where_(&z.greater(0.0)?, &pix_north, &pix_south)?;
        xp.where_(&za.less_equal(2.0 / 3.0)?, &pix_e, &pix_p)
    }

    /// glass-healpix `ring2xyf`: face coordinates `(ix, iy)` and face of
    /// RING pixels.
    fn ring2xyf(&self, pix: &Array) -> Result<(Array, Array, Array)> {
        let (xp, n) = (self.xp, self.n);
        let RingPos { iring, iphi, .. } = self.ring_of(pix)?;
        let is_n = pix.less(self.ncap)?;
        let is_s = pix.greater_equal(self.npix - self.ncap)?;
        let polar = is_n.logical_or(&is_s)?;
        // pixels in the ring's quarter: iring (north), n (belt), 4n - iring (south)
        let nr_s = (&iring.negative()? + 4 * n).ok()?;
        let nr = xp.where_(&is_n, &iring, &xp.where_(&is_s, &nr_s, n)?)?;
        let kshift = xp.where_(&polar, 0i64, &(&iring + n).ok()?.remainder(2i64)?)?;
        // faces: caps from the position in the ring, belt from two diagonals
        let face_n = (&iphi - 1i64).ok()?.floor_divide(&nr.maximum(1i64)?)?;
        let face_s = (&face_n + 8i64).ok()?;
        let ire = (&(&iring - n).ok()? + 1i64).ok()?;
        let irm = (&ire.negative()? + (2 * n + 2)).ok()?;
        let ifm = ((&(&iphi - &ire.floor_divide(2i64)?).ok()? + (n - 1)).ok()?).floor_divide(n)?;
        let ifp = ((&(&iphi - &irm.floor_divide(2i64)?).ok()? + (n - 1)).ok()?).floor_divide(n)?;
        let face_e = xp.where_(
            &ifp.equal(&ifm)?,
            &(&ifp + 4i64).ok()?,
            &xp.where_(&ifp.less(&ifm)?, &ifp, &(&ifm + 8i64).ok()?)?,
        )?;
        let face = xp.where_(&is_n, &face_n, &xp.where_(&is_s, &face_s, &face_e)?)?;
        let jrll = xp.asarray1(&JRLL)?.take(&face, None)?;
        let jpll = xp.asarray1(&JPLL)?.take(&face, None)?;
        let irt = ((&iring - &(&jrll * n).ok()?).ok()? + 1i64).ok()?;
        let ipt = ((&(&(&iphi * 2i64).ok()? - &(&jpll * &nr).ok()?).ok()? - &kshift).ok()? - 1i64)
            .ok()?;
        let ipt = xp.where_(&ipt.greater_equal(2 * n)?, &(&ipt - 8 * n).ok()?, &ipt)?;
        let ix = (&ipt - &irt).ok()?.floor_divide(2i64)?;
        let iy = (&ipt.negative()? - &irt).ok()?.floor_divide(2i64)?;
        Ok((ix, iy, face))
    }

    /// glass-healpix `randang` (RING): the point at fractional position
    /// `(u, v)` inside each pixel (inverse equal-area projection of the
    /// face coordinates): `(theta, phi)`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for pixels outside `0..npix`; backend errors of the ops.
    pub fn randang(&self, pix: &Array, u: &Array, v: &Array) -> Result<(Array, Array)> {
        let xp = self.xp;
        let pix = self.check_pix(pix)?;
        let (ix, iy, face) = self.ring2xyf(&pix)?;
        let nf = self.n as f64;
        let x = (&(&f(&ix)? + u).ok()? / nf).ok()?;
        let y = (&(&f(&iy)? + v).ok()? / nf).ok()?;
        let jrll = f(&xp.asarray1(&JRLL)?.take(&face, None)?)?;
        let jpll = f(&xp.asarray1(&JPLL)?.take(&face, None)?)?;
        let jr = (&(&jrll - &x).ok()? - &y).ok()?;
        // north cap (jr < 1), south cap (jr > 3), belt
        let nr_n = jr.clone();
        let nr_s = (&jr.negative()? + 4.0).ok()?;
        let t_n = (&(&nr_n * &nr_n).ok()? / 3.0).ok()?;
        let t_s = (&(&nr_s * &nr_s).ok()? / 3.0).ok()?;
        let z_n = (&t_n.negative()? + 1.0).ok()?;
        let z_s = (&t_s - 1.0).ok()?;
        let sth_n = (&t_n * &(&t_n.negative()? + 2.0).ok()?).ok()?.sqrt()?;
        let sth_s = (&t_s * &(&t_s.negative()? + 2.0).ok()?).ok()?.sqrt()?;
        let z_e = ((&(&jr.negative()? + 2.0).ok()? * 2.0).ok()? / 3.0).ok()?;
        let sth_e = (&(&z_e.negative()? + 1.0).ok()? * &(&z_e + 1.0).ok()?)
            .ok()?
            .sqrt()?;
        let is_n = jr.less(1.0)?;
        let is_s = jr.greater(3.0)?;
        let pick = |a: &Array, b: &Array, c: &Array| -> Result<Array> {
            xp.where_(&is_n, a, &xp.where_(&is_s, c, b)?)
        };
        let one = xp.full(jr.shape(), 1.0, DType::Float64)?;
        let nr = pick(&nr_n, &one, &nr_s)?;
        let z = pick(&z_n, &z_e, &z_s)?;
        let sth = pick(&sth_n, &sth_e, &sth_s)?;
        let t = (&(&(&jpll * &nr).ok()? + &x).ok()? - &y).ok()?;
        let t = xp.where_(&t.less(0.0)?, &(&t + 8.0).ok()?, &t)?;
        let t = xp.where_(&t.greater_equal(8.0)?, &(&t - 8.0).ok()?, &t)?;
        let phi = (&(&t * (0.25 * PI)).ok()? / &nr.maximum(1e-300)?).ok()?;
        let phi = xp.where_(&nr.less(1e-15)?, 0.0, &phi)?;
        Ok((sth.atan2(&z)?, phi))
    }
}
