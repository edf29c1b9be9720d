//! Built-in matter power spectra: what `glass.ext.camb` gets from CAMB,
//! computed here without it.
//!
//! - [`LinearPower`]: the linear `P_lin(k, z)` of LambdaCDM with massive
//!   neutrinos, curvature and w0wa dark energy, normalised by `A_s` or
//!   `sigma8` (the syren-new symbolic emulator of CAMB, see [`linear`]);
//! - [`hmcode`]: the non-linear `P(k, z)` of HMcode-2020 (CAMB's default),
//!   and [`halofit`]: that of Takahashi et al. 2012;
//! - [`matter_cls`]: their projection onto the shells' windows, Limber with
//!   a beyond-Limber correction at low `l` (see [`projection`]).
//!
//! Host-side `f64` throughout: these are setup-sized computations.

pub mod halofit;
pub mod hmcode;
pub mod linear;
pub mod projection;

pub use halofit::Halofit;
pub use hmcode::HmCode;
pub use linear::LinearPower;
pub use projection::{matter_cls, MatterClsOptions, NonLinear};

use crate::cosmology::LambdaCdm;

/// The log-k grid (h/Mpc) of the spectra's variance integrals and power
/// tables: 1e-5 to 1e4 with 64 points per decade. The integrands are
/// smooth in `ln k` and cut off at both ends, so the trapezoidal rule on it
/// converges fast.
pub(crate) mod kgrid {
    use super::LinearPower;

    /// `ln 1e-5`.
    pub const LNK_MIN: f64 = -11.512_925_464_970_229;
    /// Points.
    pub const NK: usize = 577;
    /// Spacing in `ln k`: `ln 1e9 / 576`.
    pub const DLNK: f64 = 20.723_265_836_946_41 / 576.0;

    /// The `i`-th wavenumber.
    pub fn k(i: usize) -> f64 {
        (LNK_MIN + DLNK * i as f64).exp()
    }

    /// The trapezoidal weight of point `i` in `∫ dln k`.
    pub fn weight(i: usize) -> f64 {
        if i == 0 || i == NK - 1 {
            0.5 * DLNK
        } else {
            DLNK
        }
    }

    /// `Delta^2_L(k) = k^3 P_lin(k, z) / 2 pi^2` on the grid.
    pub fn delta2(lin: &LinearPower, z: f64) -> Vec<f64> {
        (0..NK)
            .map(|i| {
                let k = k(i);
                k.powi(3) * lin.pk(k, z) / (2.0 * std::f64::consts::PI.powi(2))
            })
            .collect()
    }
}

/// Linear interpolation in a table on a uniform grid at the fractional
/// index `x`, extrapolating linearly beyond its ends.
pub(crate) fn lerp_index(v: &[f64], x: f64) -> f64 {
    let i = (x.floor().max(0.0) as usize).min(v.len() - 2);
    let t = x - i as f64;
    v[i] + t * (v[i + 1] - v[i])
}
use crate::error::{Error, Result};

/// How the primordial amplitude is given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amplitude {
    /// The amplitude of the primordial curvature power at 0.05/Mpc.
    As(f64),
    /// The rms linear density in 8 Mpc/h spheres today.
    Sigma8(f64),
}

/// The cosmological parameters of the built-in spectra, with CAMB's
/// meanings.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameters {
    /// `H0 / (100 km/s/Mpc)`.
    pub h: f64,
    /// Total matter density today: CDM, baryons and massive neutrinos.
    pub omega_m: f64,
    /// Baryon density today.
    pub omega_b: f64,
    /// Curvature density today (`Omega_de = 1 - Omega_m - Omega_k`).
    pub omega_k: f64,
    /// Scalar spectral index.
    pub n_s: f64,
    /// `A_s` or `sigma8`.
    pub amplitude: Amplitude,
    /// Dark energy equation of state today.
    pub w0: f64,
    /// Its evolution, `w(a) = w0 + wa (1 - a)`.
    pub wa: f64,
    /// Sum of the neutrino masses in eV (CAMB's default 0.06).
    pub m_nu: f64,
}

impl Parameters {
    /// Flat LambdaCDM with CAMB's defaults otherwise (`n_s = 0.965`,
    /// `A_s = 2e-9`, `m_nu = 0.06 eV`, `w = -1`).
    pub fn flat(h: f64, omega_m: f64, omega_b: f64) -> Parameters {
        Parameters {
            h,
            omega_m,
            omega_b,
            omega_k: 0.0,
            n_s: 0.965,
            amplitude: Amplitude::As(2e-9),
            w0: -1.0,
            wa: 0.0,
            m_nu: 0.06,
        }
    }

    /// The neutrino density today, `m_nu / (93.14 eV h^2)`.
    pub fn omega_nu(&self) -> f64 {
        self.m_nu / 93.14 / (self.h * self.h)
    }

    /// The background model of these parameters (radiation neglected, as
    /// GLASS's cosmology does).
    ///
    /// # Errors
    ///
    /// As [`LambdaCdm::new`].
    pub fn background(&self) -> Result<LambdaCdm> {
        LambdaCdm::new(
            100.0 * self.h,
            self.omega_m,
            1.0 - self.omega_m - self.omega_k,
        )?
        .with_w0wa(self.w0, self.wa)
    }

    /// Checks that the parameters describe a universe the spectra can be
    /// computed for.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] naming the parameter: a non-positive `h`, `Omega_m`,
    /// `n_s` or amplitude, a negative `Omega_b` or `m_nu`, baryons and
    /// neutrinos exceeding the matter, `w0 + wa >= 0` (dark energy that
    /// dominates at early times), or a model whose expansion rate vanishes
    /// before today (no big bang: `E(a)^2 <= 0` for some `0 < a <= 1`).
    pub fn validate(&self) -> Result<()> {
        let f = "spectra";
        let positive = |name: &'static str, v: f64| {
            if !(v > 0.0) || !v.is_finite() {
                Err(Error::value(
                    f,
                    name,
                    format!("{name} must be positive and finite, got {v}"),
                ))
            } else {
                Ok(())
            }
        };
        positive("h", self.h)?;
        positive("Omega_m", self.omega_m)?;
        positive("n_s", self.n_s)?;
        match self.amplitude {
            Amplitude::As(v) => positive("A_s", v)?,
            Amplitude::Sigma8(v) => positive("sigma8", v)?,
        }
        for (name, v) in [("Omega_b", self.omega_b), ("m_nu", self.m_nu)] {
            if !(v >= 0.0) || !v.is_finite() {
                return Err(Error::value(
                    f,
                    name,
                    format!("{name} must be non-negative and finite, got {v}"),
                ));
            }
        }
        if !(self.omega_b + self.omega_nu() < self.omega_m) {
            return Err(Error::value(
                f,
                "Omega_b",
                format!(
                    "baryons ({}) and neutrinos ({:.5}) leave no cold dark matter in Omega_m = {}",
                    self.omega_b,
                    self.omega_nu(),
                    self.omega_m
                ),
            ));
        }
        for (name, v) in [("Omega_k", self.omega_k), ("w0", self.w0), ("wa", self.wa)] {
            if !v.is_finite() {
                return Err(Error::value(
                    f,
                    name,
                    format!("{name} must be finite, got {v}"),
                ));
            }
        }
        if !(self.w0 + self.wa < 0.0) {
            return Err(Error::value(
                f,
                "w0",
                format!(
                    "w0 + wa = {} must be negative: dark energy would dominate at early times",
                    self.w0 + self.wa
                ),
            ));
        }
        self.background()?;
        let om = self.omega_m;
        let ode = 1.0 - om - self.omega_k;
        for i in 0..=400 {
            let a = 10f64.powf(-4.0 + 4.0 * i as f64 / 400.0);
            let de = a.powf(-3.0 * (1.0 + self.w0 + self.wa)) * (-3.0 * self.wa * (1.0 - a)).exp();
            let e2 = om / a.powi(3) + self.omega_k / (a * a) + ode * de;
            if !(e2 > 0.0) {
                return Err(Error::value(
                    f,
                    "Omega_k",
                    format!(
                        "Omega_m = {om}, Omega_de = {ode} have no big bang: the expansion rate \
                         vanishes at z = {:.3}",
                        1.0 / a - 1.0
                    ),
                ));
            }
        }
        Ok(())
    }
}
