//! The non-linear matter power spectrum of HMcode-2020 (Mead et al. 2021,
//! MNRAS 502, 1401; arXiv:2009.01858), dark matter only, as CAMB computes
//! it (`halofit_version = "mead2020"`, CAMB's default).
//!
//! A halo model with fitted modifications, in `Delta^2(k) = k^3 P / 2 pi^2`:
//!
//! `Delta^2 = (Delta^2_2h^alpha + Delta^2_1h^alpha)^(1/alpha)`,
//!
//! - two-halo term: the linear power with the BAO wiggle damped by the
//!   velocity dispersion, `Delta^2_dw = Delta^2_L - (1 - exp(-k^2 sigma_v^2)) Delta^2_wiggle`,
//!   times `1 - f_d x / (1 + x)`, `x = (k/k_d)^{n_d}`;
//! - one-halo term: `∫ dnu g(nu) M W^2(nu^eta k, M) / rho_bar (1 - f_nu)^2`
//!   (Sheth–Tormen `g`, NFW window of the Bullock et al. 2001 concentration
//!   `c = B (1 + z_f)/(1 + z)` with the Dolag et al. 2004 dark-energy
//!   correction), times `(k/k*)^4 / (1 + (k/k*)^4)`;
//! - `delta_c` and `Delta_v` of Mead 2017 (eqs. A1-A3, with the neutrino
//!   terms of Mead et al. 2021), the wiggle from a Gaussian smoothing
//!   (width 0.25 in ln k) of `P_L / P_nowiggle` (Eisenstein & Hu 1998
//!   zero-baryon shape), and the fitted parameters of Mead et al. 2021
//!   Table 2: `f_d = 0.2696 sigma_8^0.9403`, `k_d = 0.05699 sigma_8^-1.089`,
//!   `n_d = 2.85`, `k* = 0.05618 sigma_8^-1.013`, `eta = 0.1281 sigma_8^-0.3644`,
//!   `B = 5.196`, `alpha = 1.875 * 1.603^n_eff`, where `sigma_8` is that of
//!   the cold matter at `z` and `n_eff` the slope of the cold `sigma(R)` at
//!   `nu = 1`.
//!
//! The cold (CDM + baryon) spectrum is the total one times the squared
//! ratio of transfer functions of Eisenstein & Hu 1999 for one massive
//! neutrino species (CAMB's default).

use crate::error::Result;

use crate::cosmology::Cosmology;

use super::linear::{eh98_nowiggle_transfer, free_streaming_y, tophat_window};
use super::{kgrid, lerp_index, LinearPower};

const PI: f64 = std::f64::consts::PI;
/// The mean matter density today per `Omega_m`, in h^2 Msun / Mpc^3.
const RHO_CRIT: f64 = 2.775e11;
/// `T_CMB / 2.7 K`.
const THETA27: f64 = 2.7255 / 2.7;

/// HMcode-2020 for one linear spectrum.
#[derive(Clone, Debug)]
pub struct HmCode {
    lin: LinearPower,
    omega_m: f64,
    f_nu: f64,
    n_s: f64,
    h: f64,
    /// growth normalised to 1 today on `A_GRID`, its early normalisation, and the accumulated growth
    growth: Vec<f64>,
    gnorm: f64,
    acc: Vec<f64>,
    /// the BAO wiggle of Delta^2_L at z = 0 on its own log-k grid
    wiggle: Vec<f64>,
}

/// The scale-factor grid of the growth tables.
const NA: usize = 1000;
const A_MIN: f64 = 1e-3;

fn a_grid(i: usize) -> f64 {
    A_MIN + (1.0 - A_MIN) * i as f64 / (NA - 1) as f64
}

/// The wiggle grid: 5e-3 to 5 h/Mpc, 512 log-spaced points.
const NW: usize = 512;
fn wiggle_k(i: usize) -> f64 {
    (5e-3f64.ln() + (5.0f64 / 5e-3).ln() * i as f64 / (NW - 1) as f64).exp()
}

impl HmCode {
    /// HMcode-2020 on top of `lin`.
    ///
    /// # Errors
    ///
    /// As [`super::Parameters::background`].
    pub fn new(lin: &LinearPower) -> Result<HmCode> {
        let p = lin.parameters();
        let bg = p.background()?;
        // growth normalised to a at early times on the a grid, one ODE pass
        // a ascending is z descending
        let zs: Vec<f64> = (0..NA).map(|i| 1.0 / a_grid(i) - 1.0).collect();
        let g: Vec<f64> = bg.growth_factors_descending(&zs);
        let gnorm = bg.growth_early_normalised(0.0);
        // accumulated growth G(a) = ∫_0^a g_early(a')/a' da' (g_early ≈ a' below A_MIN)
        let mut acc = vec![0.0; NA];
        acc[0] = gnorm * g[0];
        for i in 1..NA {
            let (a0, a1) = (a_grid(i - 1), a_grid(i));
            acc[i] = acc[i - 1] + 0.5 * (a1 - a0) * gnorm * (g[i - 1] / a0 + g[i] / a1);
        }
        let mut hm = HmCode {
            lin: lin.clone(),
            omega_m: p.omega_m,
            f_nu: p.omega_nu() / p.omega_m,
            n_s: p.n_s,
            h: p.h,
            growth: g,
            gnorm,
            acc,
            wiggle: Vec::new(),
        };
        hm.wiggle = hm.make_wiggle();
        Ok(hm)
    }

    /// The linear spectrum underneath.
    pub fn linear(&self) -> &LinearPower {
        &self.lin
    }

    fn interp_a(&self, v: &[f64], a: f64) -> f64 {
        lerp_index(v, (a - A_MIN) / (1.0 - A_MIN) * (NA - 1) as f64)
    }

    /// Growth normalised to 1 today.
    fn grow(&self, z: f64) -> f64 {
        self.interp_a(&self.growth, 1.0 / (1.0 + z))
    }

    /// Mead 2017 eq. A3.
    fn f_mead(x: f64, y: f64, p: [f64; 4]) -> f64 {
        p[0] + p[1] * (1.0 - x) + p[2] * (1.0 - x).powi(2) + p[3] * (1.0 - y)
    }

    fn growth_ratios(&self, z: f64) -> (f64, f64, f64) {
        let a = 1.0 / (1.0 + z);
        let lg = self.gnorm * self.grow(z);
        let bg = self.interp_a(&self.acc, a);
        (lg / a, bg / a, self.lin.background().omega_m(z).log10())
    }

    fn delta_c(&self, z: f64) -> f64 {
        let (x, y, lom) = self.growth_ratios(z);
        let dc0 = 3.0 / 20.0 * (12.0 * PI).powf(2.0 / 3.0);
        let v = 1.0
            + Self::f_mead(x, y, [-0.0069, -0.0208, 0.0312, 0.0021]) * lom
            + Self::f_mead(x, y, [0.0001, -0.0647, -0.0417, 0.0646]);
        v * dc0 * (1.0 - 0.041 * self.f_nu)
    }

    fn delta_v(&self, z: f64) -> f64 {
        let (x, y, lom) = self.growth_ratios(z);
        let v = 1.0
            + Self::f_mead(x, y, [-0.79, -10.17, 2.51, 6.51]) * lom
            + Self::f_mead(x, y, [-1.89, 0.38, 18.8, -15.87]) * lom * lom;
        v * 18.0 * PI * PI * (1.0 + 0.763 * self.f_nu)
    }

    /// `T_cold / T_total` (Eisenstein & Hu 1999, eqs. 5, 11-14; one massive species).
    fn cold_ratio(&self, k: f64, z: f64) -> f64 {
        let fnu = self.f_nu;
        if fnu == 0.0 {
            return 1.0;
        }
        let pcb = (5.0 - (1.0 + 24.0 * (1.0 - fnu)).sqrt()) / 4.0;
        let zeq = 2.5e4 * self.omega_m * self.h * self.h / THETA27.powi(4);
        let d = (1.0 + zeq) * self.gnorm * self.grow(z);
        let yfs = free_streaming_y(k, self.omega_m, self.h, fnu, 1.0);
        let dd = (d / (1.0 + yfs)).powf(0.7);
        let dcb = (1.0 + dd).powf(pcb / 0.7);
        let dcbnu = ((1.0 - fnu).powf(0.7 / pcb) + dd).powf(pcb / 0.7);
        dcb / dcbnu
    }

    /// `Delta^2_L(k)` at z on the log-k grid, all matter and cold.
    fn delta2_grid(&self, z: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let ks: Vec<f64> = (0..kgrid::NK).map(kgrid::k).collect();
        let all = kgrid::delta2(&self.lin, z);
        let cold = all
            .iter()
            .zip(&ks)
            .map(|(d2, &k)| d2 * self.cold_ratio(k, z).powi(2))
            .collect();
        (ks, all, cold)
    }

    /// The BAO wiggle of `Delta^2_L` at z = 0 (Mead et al. 2021, sect. 2.2).
    fn make_wiggle(&self) -> Vec<f64> {
        let p = self.lin.parameters();
        let (om, ob, h) = (p.omega_m, p.omega_b, p.h);
        let nowiggle =
            |k: f64| k.powf(self.n_s + 3.0) * eh98_nowiggle_transfer(k, om, ob, h).powi(2);
        let d2 = |k: f64| k.powi(3) * self.lin.pk(k, 0.0) / (2.0 * PI * PI);
        let norm = d2(0.03) / nowiggle(0.03);
        let lnk: Vec<f64> = (0..NW).map(|i| wiggle_k(i).ln()).collect();
        let pk: Vec<f64> = (0..NW).map(|i| d2(wiggle_k(i))).collect();
        let nw: Vec<f64> = (0..NW).map(|i| norm * nowiggle(wiggle_k(i))).collect();
        let ratio: Vec<f64> = pk.iter().zip(&nw).map(|(a, b)| a / b).collect();
        let sig = 0.25;
        (0..NW)
            .map(|i| {
                let x = lnk[i];
                let smooth =
                    if (x - lnk[0]).abs() < 3.0 * sig || (x - lnk[NW - 1]).abs() < 3.0 * sig {
                        ratio[i]
                    } else {
                        let (mut s, mut w) = (0.0, 0.0);
                        for j in 0..NW {
                            let wt = (-(x - lnk[j]).powi(2) / (2.0 * sig * sig)).exp();
                            s += ratio[j] * wt;
                            w += wt;
                        }
                        s / w
                    };
                pk[i] - smooth * nw[i]
            })
            .collect()
    }

    fn wiggle_at(&self, k: f64) -> f64 {
        let x = (k / 5e-3).ln() / (5.0f64 / 5e-3).ln() * (NW - 1) as f64;
        if !(0.0..=(NW - 1) as f64).contains(&x) {
            return 0.0;
        }
        lerp_index(&self.wiggle, x)
    }

    /// The non-linear power at each `k` (h/Mpc) at redshift `z`, in (Mpc/h)^3.
    ///
    /// # Errors
    ///
    /// None at present; the signature matches [`super::Halofit::pk`].
    pub fn pk(&self, k: &[f64], z: f64) -> Result<Vec<f64>> {
        let (ks, d2all, d2cold) = self.delta2_grid(z);
        let trap =
            |f: &dyn Fn(usize) -> f64| (0..kgrid::NK).map(|i| kgrid::weight(i) * f(i)).sum::<f64>();
        let sigma_cold = |r: f64| {
            trap(&|i| {
                let w = tophat_window(ks[i] * r);
                d2cold[i] * w * w
            })
            .sqrt()
        };
        let sig8 = sigma_cold(8.0);
        let sigv = (trap(&|i| d2all[i] / (ks[i] * ks[i])) / 3.0).sqrt();
        let dc = self.delta_c(z);
        let dv = self.delta_v(z);
        let rho = RHO_CRIT * self.omega_m;
        // the mass table
        const NM: usize = 256;
        let masses: Vec<f64> = (0..NM)
            .map(|i| (18.0 * std::f64::consts::LN_10 * i as f64 / (NM - 1) as f64).exp())
            .collect();
        let radius = |m: f64| (3.0 * m / (4.0 * PI * rho)).cbrt();
        let fb = 0.01f64.cbrt();
        let rr: Vec<f64> = masses.iter().map(|&m| radius(m)).collect();
        let nu: Vec<f64> = rr.iter().map(|&r| dc / sigma_cold(r)).collect();
        let sigf: Vec<f64> = rr.iter().map(|&r| sigma_cold(r * fb)).collect();
        let rv: Vec<f64> = rr.iter().map(|&r| r / dv.cbrt()).collect();
        // R_nl: sigma_cold(R_nl) = delta_c, by bisection in ln R
        let (mut lo, mut hi) = ((1e-4f64).ln(), (1e3f64).ln());
        for _ in 0..80 {
            let m = 0.5 * (lo + hi);
            if sigma_cold(m.exp()) > dc {
                lo = m;
            } else {
                hi = m;
            }
        }
        let rnl = (0.5 * (lo + hi)).exp();
        let s2 = sigma_cold(rnl).powi(2);
        let deriv = |x: f64| {
            if x.abs() < 1e-3 {
                -x / 5.0 + x.powi(3) / 70.0
            } else {
                3.0 / x.powi(4) * ((x * x - 3.0) * x.sin() + 3.0 * x * x.cos())
            }
        };
        let dint = trap(&|i| {
            let x = ks[i] * rnl;
            d2cold[i] * tophat_window(x) * deriv(x) * x
        });
        let neff = (-3.0 - 2.0 * dint / s2).clamp(self.n_s - 4.0, self.n_s);
        // concentrations (Bullock et al. 2001 with the Dolag correction)
        let gz = self.grow(z);
        let conc: Vec<f64> = sigf
            .iter()
            .map(|&sf| {
                let rhs = dc * gz / sf;
                let zf = if rhs > gz {
                    z
                } else {
                    1.0 / self.a_of_growth(rhs) - 1.0
                };
                5.196 * (1.0 + zf) / (1.0 + z)
            })
            .collect();
        let dolag = if z < 10.0 {
            (self.grow(10.0) / self.growint(10.0)) * (self.growint(z) / gz)
        } else {
            1.0
        };
        let eta = 0.1281 * sig8.powf(-0.3644);
        let kstar = 0.05618 * sig8.powf(-1.013);
        let fd = (0.2696 * sig8.powf(0.9403)).clamp(1e-3, 0.99);
        let kd = 0.05699 * sig8.powf(-1.089);
        let nd = 2.85;
        let alpha = (1.875 * 1.603f64.powf(neff)).clamp(0.5, 2.0);
        let g2 = gz * gz;
        // per mass, what the one-halo integrand needs besides k
        let bloat: Vec<f64> = nu.iter().map(|n| n.powf(eta)).collect();
        let weight: Vec<f64> = (0..NM).map(|i| g_st(nu[i]) * masses[i]).collect();
        let cd: Vec<f64> = conc.iter().map(|c| c * dolag).collect();
        Ok(k.iter()
            .map(|&kk| {
                let d2l = kk.powi(3) * self.lin.pk(kk, z) / (2.0 * PI * PI);
                let pdw = d2l + ((-(kk * sigv).powi(2)).exp() - 1.0) * self.wiggle_at(kk) * g2;
                let x = (kk / kd).powf(nd);
                let p2h = (pdw * (1.0 - fd * x / (1.0 + x))).max(0.0);
                let x4 = (kk / kstar).powi(4);
                // the one-halo term is below 1e-12 of the two-halo term there
                if x4 < 1e-12 {
                    return p2h * 2.0 * PI * PI / kk.powi(3);
                }
                let mut s = 0.0;
                let mut prev: Option<(f64, f64)> = None;
                for i in 0..NM {
                    let w = nfw_window(kk * bloat[i], rv[i], cd[i]);
                    let f = weight[i] * w * w;
                    if let Some((n0, f0)) = prev {
                        s += 0.5 * (nu[i] - n0) * (f + f0);
                    }
                    prev = Some((nu[i], f));
                }
                let p1h = s / rho * (1.0 - self.f_nu).powi(2) * kk.powi(3) / (2.0 * PI * PI) * x4
                    / (1.0 + x4);
                let d2 = (p2h.powf(alpha) + p1h.powf(alpha)).powf(1.0 / alpha);
                d2 * 2.0 * PI * PI / kk.powi(3)
            })
            .collect())
    }

    /// The scale factor at which the growth (normalised to 1 today) is `g`.
    fn a_of_growth(&self, g: f64) -> f64 {
        let i = self.growth.partition_point(|&v| v < g).clamp(1, NA - 1);
        let (g0, g1) = (self.growth[i - 1], self.growth[i]);
        let t = if g1 > g0 { (g - g0) / (g1 - g0) } else { 0.0 };
        a_grid(i - 1) + t * (a_grid(i) - a_grid(i - 1))
    }

    /// The approximate growth `exp(-∫_a^1 Omega_m(a')^0.55 da'/a')` of flat
    /// LambdaCDM with the same `Omega_m` (Dolag et al. 2004's reference).
    fn growint(&self, z: f64) -> f64 {
        let a = 1.0 / (1.0 + z);
        let om = self.omega_m;
        let f = |x: f64| {
            let zz = 1.0 / x - 1.0;
            let omz = om * (1.0 + zz).powi(3) / (om * (1.0 + zz).powi(3) + 1.0 - om);
            omz.powf(0.55) / x
        };
        (-crate::cosmology::quad(&f, a, 1.0, 1e-10)).exp()
    }
}

/// The Sheth & Tormen 1999 mass function in `nu = delta_c / sigma`,
/// normalised to unit integral.
fn g_st(nu: f64) -> f64 {
    let (p, q, a) = (0.3, 0.707, 0.21616);
    a * (1.0 + (q * nu * nu).powf(-p)) * (-q * nu * nu / 2.0).exp()
}

/// The normalised Fourier transform of an NFW profile truncated at the
/// virial radius `rv`, concentration `c` (`W -> 1` as `k -> 0`).
fn nfw_window(k: f64, rv: f64, c: f64) -> f64 {
    let ks = k * rv / c;
    if ks < 1e-6 {
        return 1.0;
    }
    let (si1, ci1) = si_ci(ks);
    let (si2, ci2) = si_ci((1.0 + c) * ks);
    let w = ks.cos() * (ci2 - ci1) + ks.sin() * (si2 - si1) - (ks * c).sin() / (ks * (1.0 + c));
    (w / ((1.0 + c).ln() - c / (1.0 + c))).clamp(0.0, 1.0)
}

/// The sine and cosine integrals `Si(x)`, `Ci(x)` for `x > 0`: their power
/// series below 16 (1e-9), the asymptotic series of the auxiliary functions
/// `f`, `g` above, stopped at the smallest term (1e-7 at x = 16, better
/// beyond) (Abramowitz & Stegun 5.2.8-5.2.9, 5.2.34-5.2.35).
fn si_ci(x: f64) -> (f64, f64) {
    if x < 16.0 {
        let x2 = x * x;
        let (mut si, mut ci) = (0.0, 0.0);
        // term_n = (-1)^n x^{2n} / (2n)!
        let mut t = 1.0;
        for n in 0..200 {
            let nf = n as f64;
            // Si: x^{2n+1} / ((2n+1) (2n+1)!) = t x / ((2n+1)^2) * ... via t_{2n}
            let s_term = t * x / ((2.0 * nf + 1.0) * (2.0 * nf + 1.0));
            si += s_term;
            if n > 0 {
                ci += t / (2.0 * nf);
            }
            t *= -x2 / ((2.0 * nf + 1.0) * (2.0 * nf + 2.0));
            if t.abs() < 1e-18 && n > 2 {
                break;
            }
        }
        (si, 0.577_215_664_901_532_9 + x.ln() + ci)
    } else {
        let y = 1.0 / (x * x);
        let (mut f, mut g) = (0.0, 0.0);
        let (mut tf, mut tg) = (1.0, 1.0);
        // the asymptotic series, stopped at their smallest term (after
        // about x/2 terms) or once the terms are negligible
        let nmax = (x / 2.0) as usize;
        for n in 0..nmax {
            let nf = n as f64;
            f += tf;
            g += tg;
            tf *= -(2.0 * nf + 1.0) * (2.0 * nf + 2.0) * y;
            tg *= -(2.0 * nf + 2.0) * (2.0 * nf + 3.0) * y;
            if tf.abs() < 1e-17 && tg.abs() < 1e-17 {
                break;
            }
        }
        let f = f / x;
        let g = g * y;
        (
            PI / 2.0 - f * x.cos() - g * x.sin(),
            f * x.sin() - g * x.cos(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::si_ci;

    #[test]
    fn sine_and_cosine_integrals() {
        // reference values: scipy.special.sici
        for (x, si, ci) in [
            (0.5, 0.493_107_418_043_066_74, -0.177_784_078_806_612_87),
            (1.0, 0.946_083_070_367_183_1, 0.337_403_922_900_968_16),
            (5.0, 1.549_931_244_944_674, -0.190_029_749_656_643_9),
            (15.0, 1.618_194_443_708_368_8, 0.046_278_677_674_360_44),
            (20.0, 1.548_241_701_043_439_7, 0.044_419_820_845_353_314),
            (100.0, 1.562_225_466_889_056_3, -0.005_148_825_142_610_493),
        ] {
            let (s, c) = si_ci(x);
            assert!((s - si).abs() < 1e-7, "Si({x}) = {s}, want {si}");
            assert!((c - ci).abs() < 1e-7, "Ci({x}) = {c}, want {ci}");
        }
    }
}
