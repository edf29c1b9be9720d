//! The non-linear matter power spectrum of Takahashi et al. 2012 halofit
//! (ApJ 761, 152), as CAMB computes it (`halofit_version = "takahashi"`).
//!
//! With `Delta^2_L(k) = k^3 P_lin(k) / 2 pi^2` and the Gaussian-filtered
//! variance `sigma^2(R) = ∫ dln k Delta^2_L(k) exp(-k^2 R^2)`, the
//! non-linear scale is `sigma(1/k_sigma) = 1`, with effective index
//! `n = -3 - dln sigma^2/dln R` and curvature `C = -d^2 ln sigma^2/dln R^2`
//! there (Smith et al. 2003, eqs. C5-C7). Then, with `y = k / k_sigma`,
//!
//! `Delta^2_NL = Delta^2_Q + Delta^2_H`,
//! `Delta^2_Q = Delta^2_L (1 + Delta^2_L)^beta / (1 + alpha Delta^2_L) exp(-y/4 - y^2/8)`,
//! `Delta^2_H = a y^{3 f1} / (1 + b y^{f2} + (c f3 y)^{3 - gamma}) / (1 + nu / y^2)`,
//!
//! with the coefficients of Takahashi et al. 2012 eqs. (A6)-(A13) (their
//! `Omega_de (1 + w)` term evaluated with `w(a)`; `Omega_m(z)`, `Omega_de(z)`
//! of the background, curvature included), `f1..f3` interpolated
//! between the open and the flat fits of Smith et al. by
//! `Omega_de / (1 - Omega_m)`, and CAMB's massive-neutrino terms (Bird,
//! Viel & Haehnelt 2012 as refitted for Takahashi's version): `beta +=
//! f_nu (1.081 + 0.395 n^2)`, `Delta^2_H *= 1 + 0.977 f_nu`, and
//! `Delta^2_L -> Delta^2_L (1 + 47.48 f_nu k^2 / (1 + 1.5 k^2))` inside
//! the quasi-linear bracket. Like CAMB, the power is linear below
//! `k = 0.005 h/Mpc` and at redshifts where `sigma(R = 0.01 Mpc/h) < 1`.

use crate::cosmology::Cosmology;
use crate::error::{Error, Result};

use super::{kgrid, LinearPower};

/// CAMB's `Min_kh_nonlinear`: below it the spectrum is linear.
pub const MIN_KH_NONLINEAR: f64 = 0.005;

/// Takahashi et al. 2012 halofit for one linear spectrum.
#[derive(Clone, Debug)]
pub struct Halofit {
    lin: LinearPower,
    w0: f64,
    wa: f64,
    f_nu: f64,
}

/// The halofit coefficients at one redshift.
#[derive(Clone, Copy, Debug)]
struct Coefficients {
    knl: f64,
    a: f64,
    b: f64,
    c: f64,
    gamma: f64,
    alpha: f64,
    beta: f64,
    nu: f64,
    f1: f64,
    f2: f64,
    f3: f64,
}

impl Halofit {
    /// Halofit on top of `lin`.
    pub fn new(lin: &LinearPower) -> Halofit {
        let p = lin.parameters();
        Halofit {
            lin: lin.clone(),
            w0: p.w0,
            wa: p.wa,
            f_nu: p.omega_nu() / p.omega_m,
        }
    }

    /// The linear spectrum underneath.
    pub fn linear(&self) -> &LinearPower {
        &self.lin
    }

    /// The non-linear power at each `k` (h/Mpc) at redshift `z`, in
    /// (Mpc/h)^3.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] if the spectrum is non-linear beyond what halofit
    /// covers (`sigma(R) > 1` at `R = 10^3.5 Mpc/h`).
    pub fn pk(&self, k: &[f64], z: f64) -> Result<Vec<f64>> {
        let coef = self.coefficients(z)?;
        Ok(k.iter()
            .map(|&k| {
                let plin = self.lin.pk(k, z);
                match coef {
                    Some(c) if k > MIN_KH_NONLINEAR => {
                        let d2 = k.powi(3) * plin / (2.0 * std::f64::consts::PI.powi(2));
                        plin * self.delta2_nl(&c, k, d2) / d2
                    }
                    _ => plin,
                }
            })
            .collect())
    }

    fn delta2_nl(&self, c: &Coefficients, k: f64, d2l: f64) -> f64 {
        let y = k / c.knl;
        let fnu = self.f_nu;
        let ph = c.a * y.powf(3.0 * c.f1)
            / (1.0 + c.b * y.powf(c.f2) + (c.f3 * c.c * y).powf(3.0 - c.gamma));
        let ph = ph / (1.0 + c.nu / (y * y)) * (1.0 + 0.977 * fnu);
        let d2aa = d2l * (1.0 + fnu * 47.48 * k * k / (1.0 + 1.5 * k * k));
        let pq = d2l * (1.0 + d2aa).powf(c.beta) / (1.0 + c.alpha * d2aa)
            * (-y / 4.0 - y * y / 8.0).exp();
        pq + ph
    }

    /// The non-linear scale and the fitted coefficients at `z`; `None`
    /// where the field is linear at `R = 0.01 Mpc/h`.
    fn coefficients(&self, z: f64) -> Result<Option<Coefficients>> {
        let d2l = kgrid::delta2(&self.lin, z);
        let ks: Vec<f64> = (0..kgrid::NK).map(kgrid::k).collect();
        // sum1 = sigma^2, sum2 = -dsigma^2/dln R, sum3 as CAMB's wint
        let moments = |r: f64| {
            let (mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0);
            for (i, &d2) in d2l.iter().enumerate() {
                let x2 = (ks[i] * r).powi(2);
                let e = (-x2).exp() * d2 * kgrid::weight(i);
                s1 += e;
                s2 += 2.0 * x2 * e;
                s3 += 4.0 * x2 * (1.0 - x2) * e;
            }
            (s1, s2, s3)
        };
        let (lo, hi) = (-2.0_f64, 3.5_f64);
        if moments(10f64.powf(lo)).0 < 1.0 {
            return Ok(None);
        }
        if moments(10f64.powf(hi)).0 > 1.0 {
            return Err(Error::value(
                "halofit",
                "z",
                format!("the linear spectrum at z = {z} is non-linear beyond R = 10^3.5 Mpc/h"),
            ));
        }
        // bisection in log10 R on sigma^2 = 1 to 1e-12
        let (mut a, mut b) = (lo, hi);
        for _ in 0..60 {
            let m = 0.5 * (a + b);
            if moments(10f64.powf(m)).0 > 1.0 {
                a = m;
            } else {
                b = m;
            }
        }
        let r = 10f64.powf(0.5 * (a + b));
        let (s1, s2, s3) = moments(r);
        let d1 = -s2 / s1;
        let d2 = -s2 * s2 / (s1 * s1) - s3 / s1;
        let n = -3.0 - d1;
        let cur = -d2;
        let aa = 1.0 / (1.0 + z);
        let bg = self.lin.background();
        let (om_m, om_v) = (bg.omega_m(z), bg.omega_de(z));
        let fnu = self.f_nu;
        let wde = om_v * (1.0 + self.w0 + self.wa * (1.0 - aa));
        let (n2, n3, n4) = (n * n, n * n * n, n * n * n * n);
        let (f1, f2, f3) = if (1.0 - om_m).abs() > 0.01 {
            let frac = om_v / (1.0 - om_m);
            let f = |open: f64, flat: f64| frac * om_m.powf(flat) + (1.0 - frac) * om_m.powf(open);
            (f(-0.0732, -0.0307), f(-0.1423, -0.0585), f(0.0725, 0.0743))
        } else {
            (1.0, 1.0, 1.0)
        };
        Ok(Some(Coefficients {
            knl: 1.0 / r,
            a: 10f64.powf(
                1.5222 + 2.8553 * n + 2.3706 * n2 + 0.9903 * n3 + 0.2250 * n4 - 0.6038 * cur
                    + 0.1749 * wde,
            ),
            b: 10f64.powf(-0.5642 + 0.5864 * n + 0.5716 * n2 - 1.5474 * cur + 0.2279 * wde),
            c: 10f64.powf(0.3698 + 2.0404 * n + 0.8161 * n2 + 0.5869 * cur),
            gamma: 0.1971 - 0.0843 * n + 0.8460 * cur,
            alpha: (6.0835 + 1.3373 * n - 0.1959 * n2 - 5.5274 * cur).abs(),
            beta: 2.0379 - 0.7354 * n + 0.3157 * n2 + 1.2490 * n3 + 0.3980 * n4 - 0.1682 * cur
                + fnu * (1.081 + 0.395 * n2),
            nu: 10f64.powf(5.2105 + 3.6902 * n),
            f1,
            f2,
            f3,
        }))
    }
}
