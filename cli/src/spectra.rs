//! `glass spectra`: the built-in angular matter spectra of a cosmology's
//! shells, without CAMB, written as a `.npz` in `glass.save_cls` layout
//! (what `glass.ext.camb.matter_cls` returns, in GLASS order).
//!
//! The cosmology and the shells come from the `[cosmology]` and `[shells]`
//! tables of a `glass run` config (`--config`, else the default survey's);
//! the flags override them. `spectra.nonlinear` of the config is the
//! default of `--nonlinear`.

use std::path::PathBuf;
use std::time::Instant;

use crate::run::config::{self, NonLinearKind, WeightKind, WindowKind};
use crate::run::plan::{background, builtin_spectra, shells};
use crate::{CliError, CliResult};
use clap::Args;

#[derive(Args)]
pub struct Spectra {
    /// A `glass run` config whose `[cosmology]` and `[shells]` to use.
    #[arg(long)]
    config: Option<PathBuf>,
    /// H0 / (100 km/s/Mpc).
    #[arg(long, allow_negative_numbers = true)]
    h: Option<f64>,
    /// All matter today: CDM, baryons and massive neutrinos.
    #[arg(long = "omega-m", allow_negative_numbers = true)]
    omega_m: Option<f64>,
    /// Baryons today.
    #[arg(long = "omega-b", allow_negative_numbers = true)]
    omega_b: Option<f64>,
    /// Curvature today (Omega_de = 1 - Omega_m - Omega_k).
    #[arg(long = "omega-k", allow_negative_numbers = true)]
    omega_k: Option<f64>,
    /// Scalar spectral index.
    #[arg(long = "n-s", allow_negative_numbers = true)]
    n_s: Option<f64>,
    /// Primordial amplitude at 0.05/Mpc (instead of the config's sigma8 or A_s).
    #[arg(long = "a-s", conflicts_with = "sigma8", allow_negative_numbers = true)]
    a_s: Option<f64>,
    /// rms linear density in 8 Mpc/h spheres today.
    #[arg(long, allow_negative_numbers = true)]
    sigma8: Option<f64>,
    /// Dark energy equation of state today.
    #[arg(long, allow_negative_numbers = true)]
    w0: Option<f64>,
    /// Its evolution: w(a) = w0 + wa (1 - a).
    #[arg(long, allow_negative_numbers = true)]
    wa: Option<f64>,
    /// Sum of the neutrino masses in eV.
    #[arg(long = "m-nu", allow_negative_numbers = true)]
    m_nu: Option<f64>,
    /// Shell edges (tophat) or nodes (linear, cubic): Z0,Z1,...,Zn.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    zbins: Option<Vec<f64>>,
    #[arg(long, value_enum)]
    window: Option<WindowKind>,
    /// Window weight ("none" is "uniform").
    #[arg(long, value_enum)]
    weight: Option<WeightKind>,
    /// Largest multipole.
    #[arg(long)]
    lmax: usize,
    /// Non-linear model (default: the config's spectra.nonlinear, hmcode2020).
    #[arg(long, value_enum)]
    nonlinear: Option<NonLinearKind>,
    /// The output, a .npz in glass.save_cls layout.
    output: PathBuf,
}

pub fn run(a: &Spectra) -> CliResult<()> {
    let mut src = config::load(a.config.as_deref())?;
    let c = &mut src.config;
    let co = &mut c.cosmology;
    for (dst, v) in [
        (&mut co.h, a.h),
        (&mut co.Omega_m, a.omega_m),
        (&mut co.Omega_b, a.omega_b),
        (&mut co.Omega_k, a.omega_k),
        (&mut co.n_s, a.n_s),
        (&mut co.w0, a.w0),
        (&mut co.wa, a.wa),
        (&mut co.m_nu, a.m_nu),
    ] {
        if let Some(v) = v {
            *dst = v;
        }
    }
    if let Some(v) = a.a_s {
        co.A_s = Some(v);
        co.sigma8 = None;
    }
    if let Some(v) = a.sigma8 {
        co.sigma8 = Some(v);
        co.A_s = None;
    }
    if let Some(z) = &a.zbins {
        c.shells.edges = Some(z.clone());
        c.shells.zmin = None;
        c.shells.zmax = None;
        c.shells.dz = None;
        c.shells.num = None;
    }
    if let Some(w) = a.window {
        c.shells.window = w;
    }
    if let Some(w) = a.weight {
        c.shells.weight = w;
    }
    if let Some(n) = a.nonlinear {
        c.spectra.nonlinear = n;
    }
    if a.lmax == 0 {
        return Err(CliError::Usage("--lmax must be at least 1".into()));
    }
    let (_, windows) = shells(c, &background(&c.cosmology)?)?;
    let t = Instant::now();
    let (cls, what) = builtin_spectra(c, &windows, a.lmax)?;
    let dt = t.elapsed().as_secs_f64();
    glass::user::save_cls(&a.output, &cls)?;
    eprintln!(
        "{}: {} spectra of {} shells, {what}, in {dt:.2} s",
        a.output.display(),
        cls.len(),
        windows.len()
    );
    Ok(())
}
