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
//!
//! ## The simulation loop (GLASS's cosmic-shear example)
//!
//! ```python
//! matter = glass.generate(fields, gls, nside, ncorr=3, rng=rng)
//! convergence = glass.MultiPlaneConvergence(cosmo)
//! for i, delta_i in enumerate(matter):
//!     convergence.add_window(delta_i, shells[i])
//!     kappa_i = convergence.kappa
//!     gamma_i, = glass.from_convergence(kappa_i, lmax, shear=True)
//!     for lon, lat, count in glass.positions_from_delta(ngal[i], delta_i, bias, rng=rng):
//!         z = glass.redshifts(count, shells[i], rng=rng)
//!         eps = glass.ellipticity_intnorm(count, 0.26, rng=rng)
//!         she = glass.galaxy_shear(lon, lat, eps, kappa_i, gamma_i.real, gamma_i.imag)
//! ```
//!
//! in Rust, each draw keyed by what it is for (the batch that starts at
//! galaxy `first` takes `rng.at(first)`, so the catalogue does not depend
//! on the batch size):
//!
//! ```
//! use glass::cosmology::LambdaCdm;
//! use glass::fields::GenerateOptions;
//! use glass::galaxies::GalaxyShearOptions;
//! use glass::grf::{Lognormal, Transformation};
//! use glass::lensing::FromConvergenceOptions;
//! use glass::points::PositionsOptions;
//! use glass::rng::{Key, Rng};
//! use glass::shells::{GridStep, WindowOptions};
//! use ndarray::{ArrayD, IxDyn};
//! # fn main() -> glass::Result<()> {
//! let (nside, lmax) = (16, 32);
//! let xp = glass::Backend::from_env()?;
//! let cosmo = LambdaCdm::flat(70.0, 0.3)?;
//! let zb = glass::redshift_grid(0.0, 1.0, GridStep::Num(2))?;
//! let shells = glass::tophat_windows(&zb, WindowOptions::default())?;
//! let gl: Vec<f64> = (0..=lmax).map(|l| 0.01 / (1.0 + l as f64).powi(2)).collect();
//! let gls = vec![gl.clone(), gl.clone(), gl.iter().map(|c| 0.5 * c).collect()];
//! let fields: Vec<Box<dyn Transformation>> =
//!     vec![Box::new(Lognormal::new(1.0)), Box::new(Lognormal::new(1.0))];
//! let rng = Rng::new(42).substream(&[Key::Realisation(0)]);
//! let ngal = ArrayD::from_elem(IxDyn(&[]), 1e-4); // per arcmin²
//! let bias = ArrayD::from_elem(IxDyn(&[]), 1.2);
//!
//! let matter = glass::generate(&xp, &fields, &gls, nside, GenerateOptions { ncorr: Some(3) }, &rng)?;
//! let mut convergence = glass::MultiPlaneConvergence::new(&cosmo);
//! for (i, delta_i) in matter.enumerate() {
//!     let delta_i = delta_i?;
//!     convergence.add_window(&delta_i, &shells[i])?;
//!     let kappa_i = convergence.kappa().expect("a plane was added").clone();
//!     let opts = FromConvergenceOptions { shear: true, ..Default::default() };
//!     let gamma_i = glass::from_convergence(&kappa_i, Some(lmax), opts)?.shear.expect("asked for");
//!     let (g1, g2) = (gamma_i.real()?, gamma_i.imag()?);
//!     let shell = rng.substream(&[Key::Shell(i as u64)]);
//!     let mut first = 0;
//!     for batch in glass::positions_from_delta(&ngal, &delta_i, Some(&bias), None, PositionsOptions::default(), &shell)? {
//!         let b = batch?;
//!         let z = glass::redshifts(&xp, b.count, &shells[i], &mut shell.substream(&[Key::Stage("z")]).at(first))?;
//!         let eps = glass::ellipticity_intnorm(&xp, b.count, 0.26, &mut shell.substream(&[Key::Stage("eps")]).at(first))?;
//!         let she = glass::galaxy_shear(&b.lon, &b.lat, &eps, &kappa_i, &g1, &g2, GalaxyShearOptions::default())?;
//!         assert_eq!((z.shape(), she.shape()), (&[b.count][..], &[b.count][..]));
//!         first += b.count as u64;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Two GLASS functions behave differently here, on purpose (each says so
//! in its docs): [`deflect`](crate::lensing::deflect) moves images away
//! from mass (GLASS's moves them towards it), and
//! [`galaxy_shear`](crate::galaxies::galaxy_shear) uses the strong-lensing
//! formula where `|g| > 1`. `glass.healpix.randang` ignores the user's
//! `rng` (every batch reuses the offsets of seed 42); here positions come
//! from the keyed streams.
