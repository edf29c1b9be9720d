//! The linear matter power spectrum `P_lin(k, z)`.
//!
//! The symbolic emulator of Sui, Bartlett et al. 2024 ("syren-new",
//! arXiv:2410.14623), fitted to CAMB over LambdaCDM with massive neutrinos
//! and w0wa dark energy:
//!
//! `P_lin(k, a) = P_EH(k) D(k, a)^2 F(k) R(a) S(k)`,
//!
//! - `P_EH`: the Eisenstein & Hu 1998 zero-baryon ("no wiggle") spectrum
//!   normalised by `A_s` at the pivot 0.05/Mpc, eq. (29)-(31) of EH98;
//! - `D(k, a)`: the growth factor of Carroll, Press & Turner 1992 with the
//!   neutrino free-streaming suppression of Eisenstein & Hu 1997 (`D_cbν`),
//!   normalised to `a` at early times, with w0wa dark energy in `Omega_de(a)`;
//! - `F(k)`: the baryon wiggles and shape correction of Bartlett et al.
//!   2024 (A&A 686, A209, eq. 4, the "fiducial" expression);
//! - `R(a)` and `S(k)`: syren-new's corrections to the growth and to the
//!   present-day shape (their eqs. 9 and 10).
//!
//! syren-new is flat; for curved models the spectrum is multiplied by
//! `(D_curved(a) / D_flat(a))^2`, both from the linear growth ODE with
//! `D -> a` at early times, which carries the curvature's effect on the
//! growth and on the amplitude today. Given `sigma8` instead of `A_s`, the
//! spectrum is rescaled so that its top-hat variance at 8 Mpc/h today is
//! `sigma8^2` (computed by quadrature, not by the emulated conversion).
//!
//! Units: `k` in h/Mpc, `P` in (Mpc/h)^3.

// The fitted constants keep every digit of their publication.
#![allow(clippy::excessive_precision)]

use crate::cosmology::{quad, LambdaCdm};
use crate::error::Result;

use super::Parameters;

/// `T_CMB / 2.7 K` for `T_CMB = 2.7255 K`, as the fits assume.
const THETA27: f64 = 2.7255 / 2.7;

/// The linear power spectrum of one cosmology.
#[derive(Clone, Debug)]
pub struct LinearPower {
    p: Parameters,
    /// `A_s` times 1e9 that the spectrum is evaluated with.
    as9: f64,
    /// The background of `p`.
    bg: LambdaCdm,
    /// The flat model of the same `Omega_m` for the growth correction,
    /// when `Omega_k != 0`.
    flat: Option<LambdaCdm>,
}

impl LinearPower {
    /// The linear spectrum of `p` (already validated by
    /// [`Parameters::validate`]).
    ///
    /// # Errors
    ///
    /// As [`Parameters::validate`].
    pub fn new(p: &Parameters) -> Result<Self> {
        p.validate()?;
        let flat = if p.omega_k != 0.0 {
            Some(LambdaCdm::flat(100.0 * p.h, p.omega_m)?.with_w0wa(p.w0, p.wa)?)
        } else {
            None
        };
        let mut lin = LinearPower {
            p: p.clone(),
            as9: 1.0,
            bg: p.background()?,
            flat,
        };
        lin.as9 = match p.amplitude {
            super::Amplitude::As(a_s) => a_s * 1e9,
            super::Amplitude::Sigma8(s8) => {
                let s = lin.sigma_r(8.0, 0.0);
                (s8 / s).powi(2)
            }
        };
        Ok(lin)
    }

    /// The cosmological parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.p
    }

    /// The background model of the parameters.
    pub fn background(&self) -> &LambdaCdm {
        &self.bg
    }

    /// `A_s`, given or implied by `sigma8`.
    pub fn a_s(&self) -> f64 {
        self.as9 * 1e-9
    }

    /// `sigma8` today, given or implied by `A_s`.
    pub fn sigma8(&self) -> f64 {
        self.sigma_r(8.0, 0.0)
    }

    /// The linear power at wavenumber `k` (h/Mpc) and redshift `z`, in
    /// (Mpc/h)^3.
    pub fn pk(&self, k: f64, z: f64) -> f64 {
        let a = 1.0 / (1.0 + z);
        let p = &self.p;
        let (om, ob, h, mnu, w0, wa) = (p.omega_m, p.omega_b, p.h, p.m_nu, p.w0, p.wa);
        let eh = eisenstein_hu_nw(k, self.as9, om, ob, h, p.n_s);
        let d = growth_cbnu(k, om, ob, h, mnu, w0, wa, a);
        let f = log_f_fiducial(k, om, ob, h).exp();
        let r = growth_correction_r(om, w0, wa, a);
        let s = 10f64.powf(log10_s(k, om, ob, h, mnu, w0, wa));
        let mut pk = eh * d * d * f * r * s;
        if let Some(flat) = &self.flat {
            let g = self.bg.growth_early_normalised(z) / flat.growth_early_normalised(z);
            pk *= g * g;
        }
        pk
    }

    /// The rms of the linear density in top-hat spheres of radius `r`
    /// (Mpc/h) at redshift `z`:
    /// `sigma^2(R) = ∫ dln k k^3 P(k) W^2(kR) / (2 pi^2)`,
    /// `W(x) = 3 (sin x - x cos x) / x^3`.
    pub fn sigma_r(&self, r: f64, z: f64) -> f64 {
        let f = |lnk: f64| {
            let k = lnk.exp();
            let w = tophat_window(k * r);
            k.powi(3) * self.pk(k, z) * w * w
        };
        // the integrand is negligible outside 1e-5 < kR < 1e3 for a tilt near 1
        let (lo, hi) = ((1e-5 / r).ln(), (1e3 / r).ln());
        let mut s = 0.0;
        // split at the first zeros of W so that the adaptive rule sees smooth pieces
        let mut edges = vec![lo, (1.0 / r).ln(), (4.49 / r).ln(), (30.0 / r).ln(), hi];
        edges.dedup();
        for w in edges.windows(2) {
            s += quad(&f, w[0], w[1], 1e-10);
        }
        (s / (2.0 * std::f64::consts::PI.powi(2))).sqrt()
    }
}

/// The top-hat window `3 (sin x - x cos x) / x^3`, by its series for small `x`.
pub(crate) fn tophat_window(x: f64) -> f64 {
    if x < 1e-2 {
        let x2 = x * x;
        1.0 - x2 / 10.0 + x2 * x2 / 280.0
    } else {
        3.0 * (x.sin() - x * x.cos()) / (x * x * x)
    }
}

/// Eisenstein & Hu 1998 zero-baryon spectrum, eqs. (29)-(31), with the
/// primordial amplitude `as9 * 1e-9` at the pivot 0.05/Mpc and the
/// matter-era transfer normalisation `(2 k^2 c^2 / 5 Omega_m H0^2)^2`
/// (without the growth factor).
fn eisenstein_hu_nw(k: f64, as9: f64, om: f64, ob: f64, h: f64, ns: f64) -> f64 {
    let t = eh98_nowiggle_transfer(k, om, ob, h);
    // c / (100 km/s/Mpc) = 2998 Mpc/h, as the fit was made
    let norm = 2.0 * k * k * 2998.0 * 2998.0 / 5.0 / om;
    2.0 * std::f64::consts::PI.powi(2) / k.powi(3)
        * (as9 * 1e-9)
        * (k * h / 0.05).powf(ns - 1.0)
        * norm
        * norm
        * t
        * t
}

/// The Eisenstein & Hu 1998 zero-baryon ("no wiggle") transfer function,
/// eqs. (26), (28)-(31), at `k` in h/Mpc.
pub(crate) fn eh98_nowiggle_transfer(k: f64, om: f64, ob: f64, h: f64) -> f64 {
    let fb = ob / om;
    let omh2 = om * h * h;
    let obh2 = ob * h * h;
    let s = 44.5 * (9.83 / omh2).ln() / (1.0 + 10.0 * obh2.powf(0.75)).sqrt();
    let alpha_gamma = 1.0 - 0.328 * (431.0 * omh2).ln() * fb + 0.38 * (22.3 * omh2).ln() * fb * fb;
    let gamma = om * h * (alpha_gamma + (1.0 - alpha_gamma) / (1.0 + (0.43 * k * h * s).powi(4)));
    let q = k * THETA27 * THETA27 / gamma;
    let c0 = 14.2 + 731.0 / (1.0 + 62.5 * q);
    let l0 = (2.0 * std::f64::consts::E + 1.8 * q).ln();
    l0 / (l0 + c0 * q * q)
}

/// The neutrino free-streaming variable `y_fs` of Eisenstein & Hu 1997
/// (eq. 14) at `k` in h/Mpc, for a neutrino fraction `fnu` of `Omega_m`
/// carried by `nnu` massive species.
pub(crate) fn free_streaming_y(k: f64, om: f64, h: f64, fnu: f64, nnu: f64) -> f64 {
    let q = k * h * THETA27 * THETA27 / (om * h * h);
    17.2 * fnu * (1.0 + 0.488 * fnu.powf(-7.0 / 6.0)) * (nnu * q / fnu).powi(2)
}

/// The growth factor with neutrino free-streaming (Eisenstein & Hu 1997,
/// eqs. 10-12, on the Carroll et al. 1992 approximation), normalised to `a`
/// at early times, for sum of neutrino masses `mnu` in eV (three species).
#[allow(clippy::too_many_arguments)]
fn growth_cbnu(k: f64, om: f64, ob: f64, h: f64, mnu: f64, w0: f64, wa: f64, a: f64) -> f64 {
    // a tiny mass keeps fnu^(-7/6) finite, as the fit was made
    let mnu = mnu + 1e-10;
    let z = 1.0 / a - 1.0;
    let zeq = 2.5e4 * om * h * h / THETA27.powi(4);
    let omega_a = om * a.powi(-3);
    let de_a = (1.0 - om) * a.powf(-3.0 * (1.0 + w0 + wa)) * (-3.0 * wa * (1.0 - a)).exp();
    let g2 = omega_a + de_a;
    let (omega, ol) = (omega_a / g2, de_a / g2);
    let d1 = (1.0 + zeq) / (1.0 + z) * 2.5 * omega
        / (omega.powf(4.0 / 7.0) - ol + (1.0 + omega / 2.0) * (1.0 + ol / 70.0));
    let onu = mnu / 93.14 / (h * h);
    let oc = om - ob - onu;
    let (fc, fb, fnu) = (oc / om, ob / om, onu / om);
    let fcb = fc + fb;
    let pcb = 0.25 * (5.0 - (1.0 + 24.0 * fcb).sqrt());
    let nnu = if mnu != 0.0 { 3.0 } else { 0.0 };
    let yfs = free_streaming_y(k, om, h, fnu, nnu);
    let dcbnu =
        (fcb.powf(0.7 / pcb) + (d1 / (1.0 + yfs)).powf(0.7)).powf(pcb / 0.7) * d1.powf(1.0 - pcb);
    dcbnu / (1.0 + zeq)
}

/// `ln F(k)`, Bartlett et al. 2024 (A&A 686, A209) eq. (4): the log ratio
/// of CAMB's linear spectrum to the EH98 zero-baryon fit, BAO included.
fn log_f_fiducial(k: f64, om: f64, ob: f64, h: f64) -> f64 {
    const B: [f64; 37] = [
        0.05448654,
        0.00379,
        0.0396711937097927,
        0.127733431568858,
        1.35,
        4.053543862744234,
        0.0008084539054750851,
        1.8852431049189666,
        0.11418372931475675,
        3.798,
        14.909,
        5.56,
        15.8274343004709,
        0.0230755621512691,
        0.86531976,
        0.8425442636372944,
        4.553956000000005,
        5.116999999999995,
        70.0234239999998,
        0.01107,
        5.35,
        6.421,
        134.309,
        5.324,
        21.532,
        4.741999999999985,
        16.68722499999999,
        3.078,
        16.987,
        0.05881491,
        0.0006864690561825617,
        195.498,
        0.0038454457516892,
        0.276696018851544,
        7.385,
        12.3960625361899,
        0.0134114370723638,
    ];
    let b = &B;
    let line1 = b[0] * h - b[1];
    let line2 = ((ob * b[2]) / (h * h + b[3]).sqrt()).powf(b[4] * om)
        * ((b[5] * k - ob) / (b[6] + (ob - b[7] * k).powi(2)).sqrt()
            * b[8]
            * (b[9] * k).powf(-b[10] * k)
            * (om * b[11] - (b[12] * k) / (b[13] + ob * ob).sqrt()).cos()
            - b[14]
                * ((b[15] * k) / (1.0 + b[16] * k * k).sqrt() - om)
                * (b[17] * h / (1.0 + b[18] * k * k).sqrt()).cos());
    let line3 = b[19]
        * (b[20] * om + b[21] * h - (b[22] * k).ln() + (b[23] * k).powf(-b[24] * k))
        * (b[25] / (1.0 + b[26] * k * k).sqrt()).cos();
    let line4 = (b[27] * k).powf(-b[28] * k)
        * (b[29] * k - (b[30] * (b[31] * k).ln()) / (b[32] + (om - b[33] * h).powi(2)).sqrt())
        * (om * b[34] - (b[35] * k) / (ob * ob + b[36]).sqrt()).cos();
    line1 + line2 + line3 + line4
}

/// syren-new's growth correction `R(a)`.
fn growth_correction_r(om: f64, w0: f64, wa: f64, a: f64) -> f64 {
    const D: [f64; 18] = [
        0.8545, 0.394, 0.7294, 0.5347, 0.4662, 4.6669, 0.4136, 1.4769, 0.5959, 0.4553, 0.0799,
        5.8311, 5.8014, 6.7085, 0.3445, 1.2498, 0.3756, 0.2136,
    ];
    let d = &D;
    let part2 = -1.0 / (a * d[1] + d[2] + (om * d[3] - a * d[4]) * (-d[5] * w0 - d[6] * wa).ln());
    let num3 = om * d[7] - a * d[8] + (-d[9] * w0 - d[10] * wa).ln();
    let den3 = -a * d[11]
        + d[12]
        + d[13] * (om * d[14] + a * d[15] - 1.0) * (d[16] * w0 + d[17] * wa + 1.0);
    1.0 + (1.0 - a) * (d[0] + part2 - num3 / den3)
}

/// syren-new's correction to the present-day shape, `log10 S(k)`.
fn log10_s(k: f64, om: f64, ob: f64, h: f64, mnu: f64, w0: f64, wa: f64) -> f64 {
    const E: [f64; 18] = [
        0.2841, 0.1679, 0.0534, 0.0024, 0.1183, 0.3971, 0.0985, 0.0009, 0.1258, 0.2476, 0.1841,
        0.0316, 0.1385, 0.2825, 0.8098, 0.019, 0.1376, 0.3733,
    ];
    let e = &E;
    let p1 = -e[0] * h;
    let p2 = -e[1] * w0;
    let p3 = -e[2] * mnu / (e[3] + k * k).sqrt();
    let p4 = -(e[4] * h) / (e[5] * h + mnu);
    let p5 = e[6] * mnu / (h * (e[7] + (om * e[8] + k).powi(2)).sqrt());
    let num6 = e[9] * ob - e[10] * w0 - e[11] * wa + (e[12] * w0 + e[13]) / (e[14] * wa + w0);
    let den6 = (e[15] + (om + e[16] * (-e[17] * w0).ln()).powi(2)).sqrt();
    (p1 + p2 + p3 + p4 + p5 + num6 / den6) / 10.0
}
