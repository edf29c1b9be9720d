//! # For GLASS users: a GLASS script, line by line
//!
//! glass-rs keeps GLASS's names and argument meanings, so a script ports
//! line by line. Three conventions cover the differences:
//!
//! - **Keyword arguments** become an options struct whose `Default` holds
//!   GLASS's defaults, named after the function (`WindowOptions`,
//!   `DiscretizedClsOptions`, `NnlsOptions`, ...): write the keywords you
//!   set and `..Default::default()` for the rest. Where GLASS takes
//!   "exactly one of" two keywords (`dz=` or `num=`, `nbins=` or `dz=`), an
//!   enum makes the choice ([`GridStep`](crate::shells::GridStep),
//!   [`ZBins`](crate::observations::ZBins)). A lone optional argument whose
//!   GLASS default is `None` (`getcl(cls, i, j, lmax=None)`) stays an
//!   `Option`.
//! - **Host arrays** (setup-sized inputs: redshift grids, spectra, weights)
//!   are `&[f64]` when one-dimensional, `ndarray` views
//!   (`ArrayViewD<f64>`) when they have more axes, and lists of spectra
//!   are `&[Vec<f64>]` in GLASS order. **Backend arrays** (maps, alm,
//!   catalogues) are [`Array`](crate::Array)s on the chosen
//!   [`Backend`](crate::Backend), the `xp` of GLASS's Array API code.
//! - **Random numbers** come from an [`Rng`](crate::rng::Rng), like
//!   GLASS's `rng`, but a simulation takes one
//!   [`substream`](crate::rng::Rng::substream) per purpose (realisation,
//!   shell, stage), so that the same seed gives the same universe on every
//!   backend, whatever else is drawn.
//!
//! Errors are values ([`Error`](crate::Error)): a function that GLASS would
//! let raise returns `Err` with the function, the argument and the reason.
//!
//! ## The shells and spectra of GLASS's examples
//!
//! ```python
//! import glass
//! import numpy as np
//! from cosmology import LambdaCDM
//!
//! cosmo = LambdaCDM(H0=70.0, Om0=0.3)
//! rng = np.random.default_rng(42)
//! zb = glass.distance_grid(cosmo, 0.0, 1.0, dx=400.0)
//! shells = glass.linear_windows(zb)
//! cls = ...  # e.g. glass.ext.camb.matter_cls(pars, lmax, shells)
//! cls = glass.discretized_cls(cls, nside=nside, lmax=lmax, ncorr=3)
//! fields = glass.lognormal_fields(shells)
//! gls = glass.solve_gaussian_spectra(fields, cls)
//! ```
//!
//! in Rust:
//!
//! ```
//! use glass::cosmology::LambdaCdm;
//! use glass::fields::DiscretizedClsOptions;
//! use glass::rng::{Key, Rng};
//! use glass::shells::{GridStep, WindowOptions};
//! # fn main() -> glass::Result<()> {
//! let (nside, lmax) = (16, 32);
//! let cosmo = LambdaCdm::flat(70.0, 0.3)?;
//! let rng = Rng::new(42);
//! let zb = glass::distance_grid(&cosmo, 0.0, 1.0, GridStep::Step(400.0))?;
//! let shells = glass::linear_windows(&zb, WindowOptions::default())?;
//! // spectra in GLASS order: (0,0), (1,1), (1,0), (2,2), (2,1), (2,0), ...
//! // (a toy model here; glass::load_cls reads spectra saved by GLASS)
//! let n = shells.len();
//! let cls: Vec<Vec<f64>> = (0..n)
//!     .flat_map(|i| (0..=i).map(move |j| (i, j)))
//!     .map(|(i, j)| {
//!         let amp = 1e-4 * 0.5f64.powi((i - j) as i32);
//!         (0..=lmax).map(|l| amp / (1.0 + l as f64).powi(2)).collect()
//!     })
//!     .collect();
//! let cls = glass::discretized_cls(
//!     &cls,
//!     DiscretizedClsOptions {
//!         nside: Some(nside),
//!         lmax: Some(lmax),
//!         ncorr: Some(3),
//!     },
//! )?;
//! let fields = glass::lognormal_fields(&shells, None);
//! let gls = glass::solve_gaussian_spectra(&fields, &cls)?;
//! assert_eq!(gls.gls.len(), cls.len());
//! assert!(gls.not_converged.is_empty(), "GLASS would warn here");
//!
//! // GLASS's `rng` for shell 2's matter field of realisation 0:
//! let xp = glass::Backend::from_env()?;
//! let mut alm_rng = rng.substream(&[Key::Realisation(0), Key::Shell(2), Key::Stage("alm")]);
//! let z = alm_rng.standard_normal(&xp, &[4])?;
//! assert_eq!(z.shape(), &[4]);
//! # Ok(()) }
//! ```
