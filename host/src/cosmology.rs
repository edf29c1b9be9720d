//! Cosmology (GLASS `glass.cosmology`): what GLASS asks of a cosmology, and a
//! built-in w0waCDM so that a simulation runs without external code.
//!
//! Python GLASS takes any object implementing the Cosmology API protocols
//! (`comoving_distance`, `inv_comoving_distance`,
//! `transverse_comoving_distance`, `H_over_H0`, `Omega_m`, `Omega_m0`,
//! `critical_density0`, `hubble_distance`, `h`, and `growth_factor` for
//! intrinsic alignments). Here that is the [`Cosmology`] trait (snake case
//! names; the two-redshift forms are the `_between` methods) and
//! [`CosmologyWithGrowthFactor`].
//!
//! [`LambdaCdm`] is an FLRW model with matter, curvature and dark energy
//! with the CPL equation of state `w(a) = w0 + wa (1 - a)` (radiation is
//! neglected):
//!
//! `E(z)^2 = Ωm (1+z)^3 + Ωk (1+z)^2 + Ωde (1+z)^{3(1+w0+wa)} exp(-3 wa z/(1+z))`,
//! `Ωk = 1 - Ωm - Ωde`.
//!
//! Distances are integrated with adaptive Gauss–Kronrod (7–15) quadrature
//! to a relative accuracy of about 1e-13.
//!
//! ```
//! use glass::cosmology::{Cosmology, LambdaCdm};
//! let cosmo = LambdaCdm::flat(70.0, 0.3).unwrap();
//! let x = cosmo.comoving_distance(1.0);
//! assert!((x - 3303.83).abs() < 0.01); // Mpc
//! let z = cosmo.inv_comoving_distance(x).unwrap();
//! assert!((z - 1.0).abs() < 1e-12);
//! ```

// Constants keep every digit of their published source; f64 rounds them.
#![allow(clippy::excessive_precision)]

use crate::error::{Error, Result};

/// Speed of light in km/s.
pub const C_KMS: f64 = 299_792.458;
/// Newton's constant in m^3 kg^-1 s^-2 (CODATA 2018, as astropy).
pub const G_SI: f64 = 6.674_30e-11;
/// The solar mass in kg (IAU 2015 nominal GM_sun / G, as astropy).
pub const MSUN_KG: f64 = 1.988_409_870_698_051e30;
/// One megaparsec in metres.
pub const MPC_M: f64 = 3.085_677_581_491_367_3e22;

/// What GLASS uses of a cosmology. Distances are in Mpc, densities in
/// solar masses per Mpc^3.
pub trait Cosmology {
    /// Dimensionless Hubble parameter `h = H0 / (100 km/s/Mpc)`.
    fn h(&self) -> f64;
    /// Matter density parameter today, `Omega_m0`.
    fn omega_m0(&self) -> f64;
    /// Hubble distance `c / H0` in Mpc.
    fn hubble_distance(&self) -> f64;
    /// Critical density today, `3 H0^2 / (8 pi G)`, in Msun / Mpc^3.
    fn critical_density0(&self) -> f64;
    /// `E(z) = H(z) / H0` (`H_over_H0`).
    fn h_over_h0(&self, z: f64) -> f64;
    /// Line-of-sight comoving distance from 0 to `z`, in Mpc.
    fn comoving_distance(&self, z: f64) -> f64;
    /// Transverse comoving distance from 0 to `z`, in Mpc.
    fn transverse_comoving_distance(&self, z: f64) -> f64;

    /// Comoving distance between `z1` and `z2` (`comoving_distance(z1, z2)`).
    fn comoving_distance_between(&self, z1: f64, z2: f64) -> f64 {
        self.comoving_distance(z2) - self.comoving_distance(z1)
    }

    /// Transverse comoving distance between `z1` and `z2`; the default is
    /// correct for flat cosmologies only.
    fn transverse_comoving_distance_between(&self, z1: f64, z2: f64) -> f64 {
        self.comoving_distance_between(z1, z2)
    }

    /// Matter density parameter at `z`, `Omega_m0 (1+z)^3 / E(z)^2`
    /// (`Omega_m`).
    fn omega_m(&self, z: f64) -> f64 {
        self.omega_m0() * (1.0 + z).powi(3) / self.h_over_h0(z).powi(2)
    }

    /// The redshift at comoving distance `x` (`inv_comoving_distance`),
    /// by safeguarded Newton iteration on `comoving_distance`. Negative
    /// distances, and distances beyond the horizon, are errors.
    fn inv_comoving_distance(&self, x: f64) -> Result<f64> {
        invert_distance(self, x)
    }
}

/// A cosmology with the linear growth factor (`CosmologyWithGrowthFactor`).
pub trait CosmologyWithGrowthFactor: Cosmology {
    /// Linear growth factor `D(z)`, normalised to `D(0) = 1`.
    fn growth_factor(&self, z: f64) -> f64;
}

/// Inverse of `comoving_distance` for any cosmology: bracket, then Newton
/// steps (`dx/dz = c / H(z)`) with bisection as the safeguard.
fn invert_distance<C: Cosmology + ?Sized>(c: &C, x: f64) -> Result<f64> {
    if !(x >= 0.0) || !x.is_finite() {
        return Err(Error::value(
            "inv_comoving_distance",
            "dc",
            format!("distance must be finite and non-negative, got {x}"),
        ));
    }
    if x == 0.0 {
        return Ok(0.0);
    }
    let dh = c.hubble_distance();
    let (mut lo, mut hi) = (0.0_f64, (x / dh).max(1e-3));
    while c.comoving_distance(hi) < x {
        lo = hi;
        hi *= 2.0;
        if hi > 1e7 {
            return Err(Error::value(
                "inv_comoving_distance",
                "dc",
                format!("distance {x} Mpc is beyond the horizon"),
            ));
        }
    }
    let mut z = 0.5 * (lo + hi);
    for _ in 0..200 {
        let f = c.comoving_distance(z) - x;
        if f == 0.0 {
            return Ok(z);
        }
        if f > 0.0 {
            hi = z;
        } else {
            lo = z;
        }
        let step = f * c.h_over_h0(z) / dh;
        let mut zn = z - step;
        if !(zn > lo && zn < hi) {
            zn = 0.5 * (lo + hi);
        }
        if (zn - z).abs() <= 4.0 * f64::EPSILON * z.abs().max(f64::MIN_POSITIVE)
            || hi - lo <= f64::EPSILON * hi
        {
            return Ok(zn);
        }
        z = zn;
    }
    Ok(z)
}

/// Nodes of the 15-point Kronrod rule on [-1, 1] (non-negative half).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_639_206_854_697_526_329,
    0.949_107_912_342_758_524_526_189_684_047_851,
    0.864_864_423_359_769_072_789_712_788_640_926,
    0.741_531_185_599_394_439_863_864_773_280_788,
    0.586_087_235_467_691_130_294_144_845_693_013,
    0.405_845_151_377_397_166_906_606_412_076_961,
    0.207_784_955_007_898_467_600_689_403_773_245,
    0.0,
];
/// Weights of the 15-point Kronrod rule.
const WGK: [f64; 8] = [
    0.022_935_322_010_529_224_963_732_008_058_970,
    0.063_092_092_629_978_553_290_700_663_189_204,
    0.104_790_010_322_250_183_839_876_322_541_518,
    0.140_653_259_715_525_918_745_189_590_510_238,
    0.169_004_726_639_267_902_826_583_426_598_550,
    0.190_350_578_064_785_409_913_256_402_421_014,
    0.204_432_940_075_298_892_414_161_999_234_649,
    0.209_482_141_084_727_828_012_999_174_891_714,
];
/// Weights of the embedded 7-point Gauss rule (nodes XGK[1], XGK[3], ...).
const WG: [f64; 4] = [
    0.129_484_966_168_869_693_270_611_432_679_082,
    0.279_705_391_489_276_667_901_467_771_423_780,
    0.381_830_050_505_118_944_950_369_775_488_975,
    0.417_959_183_673_469_387_755_102_040_816_327,
];

/// One Gauss–Kronrod 7–15 panel: (Kronrod estimate, |Kronrod - Gauss|).
fn gk15(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut k = WGK[7] * fc;
    let mut g = WG[3] * fc;
    for j in 0..7 {
        let d = h * XGK[j];
        let s = f(c - d) + f(c + d);
        k += WGK[j] * s;
        if j % 2 == 1 {
            g += WG[j / 2] * s;
        }
    }
    (k * h, ((k - g) * h).abs())
}

/// Adaptive Gauss–Kronrod quadrature of `f` over `[a, b]` to relative
/// accuracy `rtol`: the panel with the largest Kronrod–Gauss difference is
/// bisected until the summed difference is below `rtol` times the integral
/// (at most 2000 panels).
pub fn quad(f: &dyn Fn(f64) -> f64, a: f64, b: f64, rtol: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    let (k, e) = gk15(f, a, b);
    let mut panels = vec![(a, b, k, e)];
    loop {
        let total: f64 = panels.iter().map(|p| p.2).sum();
        let err: f64 = panels.iter().map(|p| p.3).sum();
        if !(err > rtol * total.abs()) || panels.len() >= 2000 {
            return total;
        }
        let (i, _) =
            panels.iter().enumerate().fold(
                (0, -1.0),
                |best, (i, p)| if p.3 > best.1 { (i, p.3) } else { best },
            );
        let (pa, pb, _, _) = panels.swap_remove(i);
        let m = 0.5 * (pa + pb);
        let (k1, e1) = gk15(f, pa, m);
        let (k2, e2) = gk15(f, m, pb);
        panels.push((pa, m, k1, e1));
        panels.push((m, pb, k2, e2));
    }
}

/// Relative accuracy of the distance integrals.
const RTOL: f64 = 1e-13;

/// Flat or curved ΛCDM, optionally with w0wa (CPL) dark energy.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaCdm {
    /// Hubble constant in km/s/Mpc.
    pub h0: f64,
    /// Matter density today.
    pub omega_m0: f64,
    /// Dark energy density today.
    pub omega_de0: f64,
    /// Dark energy equation of state today.
    pub w0: f64,
    /// Its evolution, `w(a) = w0 + wa (1 - a)`.
    pub wa: f64,
}

impl LambdaCdm {
    /// Flat ΛCDM: `Omega_de0 = 1 - Omega_m0`.
    ///
    /// # Errors
    ///
    /// As [`LambdaCdm::new`].
    pub fn flat(h0: f64, omega_m0: f64) -> Result<Self> {
        Self::new(h0, omega_m0, 1.0 - omega_m0)
    }

    /// Curved ΛCDM with `Omega_k0 = 1 - Omega_m0 - Omega_de0`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for a non-positive `H0`, a negative `Omega_m0` or a non-finite
    /// `Omega_de0`.
    pub fn new(h0: f64, omega_m0: f64, omega_de0: f64) -> Result<Self> {
        if !(h0 > 0.0) || !h0.is_finite() {
            return Err(Error::value(
                "LambdaCdm",
                "h0",
                format!("H0 must be positive, got {h0}"),
            ));
        }
        if !(omega_m0 >= 0.0) || !omega_m0.is_finite() {
            return Err(Error::value(
                "LambdaCdm",
                "omega_m0",
                format!("Omega_m0 must be non-negative, got {omega_m0}"),
            ));
        }
        if !omega_de0.is_finite() {
            return Err(Error::value(
                "LambdaCdm",
                "omega_de0",
                format!("Omega_de0 must be finite, got {omega_de0}"),
            ));
        }
        Ok(Self {
            h0,
            omega_m0,
            omega_de0,
            w0: -1.0,
            wa: 0.0,
        })
    }

    /// The same cosmology with CPL dark energy `w(a) = w0 + wa (1 - a)`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for non-finite `w0` or `wa`.
    pub fn with_w0wa(mut self, w0: f64, wa: f64) -> Result<Self> {
        if !w0.is_finite() || !wa.is_finite() {
            return Err(Error::value(
                "LambdaCdm",
                "w0",
                format!("w0 and wa must be finite, got {w0} and {wa}"),
            ));
        }
        self.w0 = w0;
        self.wa = wa;
        Ok(self)
    }

    /// Curvature density today, `1 - Omega_m0 - Omega_de0`.
    pub fn omega_k0(&self) -> f64 {
        1.0 - self.omega_m0 - self.omega_de0
    }

    /// Dark energy density relative to today at scale factor `a`:
    /// `a^{-3(1+w0+wa)} exp(-3 wa (1-a))`.
    fn de_scaling(&self, a: f64) -> f64 {
        a.powf(-3.0 * (1.0 + self.w0 + self.wa)) * (-3.0 * self.wa * (1.0 - a)).exp()
    }

    /// `E(z)^2`.
    fn e2(&self, z: f64) -> f64 {
        let zp1 = 1.0 + z;
        let de = zp1.powf(3.0 * (1.0 + self.w0 + self.wa)) * (-3.0 * self.wa * z / zp1).exp();
        self.omega_m0 * zp1.powi(3) + self.omega_k0() * zp1 * zp1 + self.omega_de0 * de
    }

    /// `∫_{z1}^{z2} dz / E(z)`.
    fn dimensionless_distance(&self, z1: f64, z2: f64) -> f64 {
        quad(&|z| 1.0 / self.e2(z).sqrt(), z1, z2, RTOL)
    }

    /// Transverse distance for a line-of-sight comoving distance `dc`.
    pub(crate) fn transverse(&self, dc: f64) -> f64 {
        let ok = self.omega_k0();
        let dh = self.hubble_distance();
        if ok > 0.0 {
            let s = ok.sqrt();
            dh / s * (s * dc / dh).sinh()
        } else if ok < 0.0 {
            let s = (-ok).sqrt();
            dh / s * (s * dc / dh).sin()
        } else {
            dc
        }
    }

    /// The linear growth factor normalised to `a` at early times (the
    /// matter-era growing mode), not to 1 today: what carries the effect of
    /// curvature and dark energy on the amplitude of structure today.
    pub fn growth_early_normalised(&self, z: f64) -> f64 {
        if z <= -1.0 || z.is_nan() {
            return f64::NAN;
        }
        self.growth_solution(&[-(1.0 + z).ln()])[0]
    }

    /// The growth factor normalised to 1 today at each of `zs` (sorted
    /// descending, `0 <= z`), in one pass of the growth ODE: what
    /// [`CosmologyWithGrowthFactor::growth_factor`] gives for each, at the
    /// cost of one call.
    pub fn growth_factors_descending(&self, zs: &[f64]) -> Vec<f64> {
        let mut targets: Vec<f64> = zs.iter().map(|z| -(1.0 + z).ln()).collect();
        targets.push(0.0);
        let d = self.growth_solution(&targets);
        let d0 = d[d.len() - 1];
        d[..zs.len()].iter().map(|v| v / d0).collect()
    }

    /// Dark energy density parameter at `z`, `Omega_de0 X(a) / E(z)^2`.
    pub fn omega_de(&self, z: f64) -> f64 {
        self.omega_de0 * self.de_scaling(1.0 / (1.0 + z)) / self.e2(z)
    }

    /// Right-hand side of the growth equation in `ln a`:
    /// `D'' = -(2 + dlnE/dlna) D' + 3/2 Omega_m(a) D`.
    fn growth_rhs(&self, lna: f64, y: [f64; 2]) -> [f64; 2] {
        let a = lna.exp();
        let e2 = self.e2(1.0 / a - 1.0);
        let de = self.omega_de0 * self.de_scaling(a);
        let de2 = -3.0 * self.omega_m0 * a.powi(-3) - 2.0 * self.omega_k0() * a.powi(-2)
            + de * (-3.0 * (1.0 + self.w0 + self.wa) + 3.0 * self.wa * a);
        let dlne = de2 / (2.0 * e2);
        let om = self.omega_m0 * a.powi(-3) / e2;
        [y[1], -(2.0 + dlne) * y[1] + 1.5 * om * y[0]]
    }

    /// Integrates the growth equation from `a = 1e-5` (`D = D' = a`, the
    /// matter-dominated growing mode) to each `ln a` in `targets` (sorted
    /// ascending) with classical RK4 steps of at most 1e-3 in `ln a`.
    fn growth_solution(&self, targets: &[f64]) -> Vec<f64> {
        let mut t = 1e-5_f64.ln();
        let mut y = [1e-5, 1e-5];
        let mut out = Vec::with_capacity(targets.len());
        for &end in targets {
            let n = ((end - t) / 1e-3).ceil().max(0.0) as usize;
            if n > 0 {
                let h = (end - t) / n as f64;
                for _ in 0..n {
                    y = self.rk4(t, y, h);
                    t += h;
                }
                t = end;
            }
            out.push(y[0]);
        }
        out
    }

    fn rk4(&self, t: f64, y: [f64; 2], h: f64) -> [f64; 2] {
        let add = |y: [f64; 2], k: [f64; 2], s: f64| [y[0] + s * k[0], y[1] + s * k[1]];
        let k1 = self.growth_rhs(t, y);
        let k2 = self.growth_rhs(t + 0.5 * h, add(y, k1, 0.5 * h));
        let k3 = self.growth_rhs(t + 0.5 * h, add(y, k2, 0.5 * h));
        let k4 = self.growth_rhs(t + h, add(y, k3, h));
        [
            y[0] + h / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0]),
            y[1] + h / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1]),
        ]
    }
}

impl Cosmology for LambdaCdm {
    fn h(&self) -> f64 {
        self.h0 / 100.0
    }

    fn omega_m0(&self) -> f64 {
        self.omega_m0
    }

    fn hubble_distance(&self) -> f64 {
        C_KMS / self.h0
    }

    fn critical_density0(&self) -> f64 {
        let h0_si = self.h0 * 1e3 / MPC_M;
        3.0 * h0_si * h0_si / (8.0 * std::f64::consts::PI * G_SI) * MPC_M.powi(3) / MSUN_KG
    }

    /// `sqrt(E(z)^2)`; NaN where `E^2 < 0` (a closed universe's bounce) or `z <= -1`.
    fn h_over_h0(&self, z: f64) -> f64 {
        if z <= -1.0 {
            return f64::NAN;
        }
        self.e2(z).sqrt()
    }

    fn comoving_distance(&self, z: f64) -> f64 {
        self.hubble_distance() * self.dimensionless_distance(0.0, z)
    }

    fn transverse_comoving_distance(&self, z: f64) -> f64 {
        self.transverse(self.comoving_distance(z))
    }

    fn comoving_distance_between(&self, z1: f64, z2: f64) -> f64 {
        self.hubble_distance() * self.dimensionless_distance(z1, z2)
    }

    fn transverse_comoving_distance_between(&self, z1: f64, z2: f64) -> f64 {
        self.transverse(self.comoving_distance_between(z1, z2))
    }
}

impl CosmologyWithGrowthFactor for LambdaCdm {
    /// Growth factor from the linear growth equation (RK4 in `ln a`),
    /// normalised to 1 today; NaN for `z <= -1`.
    fn growth_factor(&self, z: f64) -> f64 {
        if z <= -1.0 || z.is_nan() {
            return f64::NAN;
        }
        let lna = -(1.0 + z).ln();
        let d = if lna <= 0.0 {
            self.growth_solution(&[lna, 0.0])
        } else {
            let mut d = self.growth_solution(&[0.0, lna]);
            d.swap(0, 1);
            d
        };
        d[0] / d[1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_kronrod_is_exact_and_accurate() {
        let v = quad(&|x| x.powi(20), 0.0, 1.0, 1e-14);
        assert!((v - 1.0 / 21.0).abs() < 1e-16);
        let v = quad(&|x: f64| x.exp(), 0.0, 3.0, 1e-14);
        assert!((v - (3f64.exp() - 1.0)).abs() < 1e-13 * v);
        let v = quad(&|x: f64| 1.0 / (1.0 + x * x), -50.0, 50.0, 1e-14);
        assert!((v - 2.0 * 50f64.atan()).abs() < 1e-13 * v);
        assert_eq!(quad(&|x| x, 1.0, 1.0, 1e-14), 0.0);
    }

    #[test]
    fn einstein_de_sitter_closed_forms() {
        // Omega_m = 1: dc = 2 dH (1 - 1/sqrt(1+z)), D(z) = 1/(1+z)
        let c = LambdaCdm::new(70.0, 1.0, 0.0).unwrap();
        for z in [0.1, 1.0, 3.0] {
            let dc = 2.0 * c.hubble_distance() * (1.0 - 1.0 / (1.0f64 + z).sqrt());
            assert!((c.comoving_distance(z) - dc).abs() < 1e-12 * dc);
            assert!((c.growth_factor(z) - 1.0 / (1.0 + z)).abs() < 1e-9);
            assert!((c.omega_m(z) - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn inverse_and_errors() {
        let c = LambdaCdm::flat(70.0, 0.3)
            .unwrap()
            .with_w0wa(-0.9, 0.1)
            .unwrap();
        for z in [1e-4, 0.3, 2.0, 8.0] {
            let x = c.comoving_distance(z);
            let zi = c.inv_comoving_distance(x).unwrap();
            assert!((zi - z).abs() <= 1e-12 * z, "{z} {zi}");
        }
        assert_eq!(c.inv_comoving_distance(0.0).unwrap(), 0.0);
        assert!(c.inv_comoving_distance(-1.0).is_err());
        assert!(c.inv_comoving_distance(1e6).is_err());
        assert!(LambdaCdm::flat(-70.0, 0.3).is_err());
        assert!(LambdaCdm::flat(70.0, f64::NAN).is_err());
        assert!(c.h_over_h0(-1.0).is_nan());
    }

    #[test]
    fn curved_transverse_distance() {
        let open = LambdaCdm::new(70.0, 0.3, 0.6).unwrap();
        let closed = LambdaCdm::new(70.0, 0.3, 0.8).unwrap();
        for z in [0.5, 2.0] {
            assert!(open.transverse_comoving_distance(z) > open.comoving_distance(z));
            assert!(closed.transverse_comoving_distance(z) < closed.comoving_distance(z));
        }
        let d = closed.comoving_distance_between(0.5, 1.0);
        assert!(
            (d - (closed.comoving_distance(1.0) - closed.comoving_distance(0.5))).abs() < 1e-10 * d
        );
    }
}
