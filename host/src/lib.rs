//! # glass
//!
//! GLASS, the Generator for Large Scale Structure, in Rust: the simulator
//! library and the backend plugin loader. (The `glass` command is the
//! `glass-cli` crate.)
//!
//! Arrays live in a backend chosen at run time ([`Backend::from_env`] reads
//! `GLASS_BACKEND`); every op runs there. The namespace that Python GLASS
//! calls `xp` is split between [`Backend`] (creation: `xp.zeros(..)`) and
//! [`Array`] (everything else: `x.sum(..)`), with the Array API's names.
//!
//! ```
//! # fn main() -> glass::Result<()> {
//! let xp = glass::Backend::embedded_ndarray()?;
//! let a = xp.asarray1(&[1.0, 2.0, 3.0])?;
//! let b = (&a * &a + 1.0).ok()?;
//! assert_eq!(b.to_vec::<f64>()?, vec![2.0, 5.0, 10.0]);
//! # Ok(()) }
//! ```
//!
//! The GLASS functions are re-exported at the crate root, as
//! `glass/__init__.py` does, so `glass.tophat_windows(...)` becomes
//! `glass::tophat_windows(...)`; the modules keep GLASS's names
//! (`glass::shells`, `glass::fields`, `glass::grf`, `glass::rng`, ...).
//! GLASS's keyword arguments become an options struct whose `Default`
//! holds GLASS's defaults; see [`for_glass_users`] for a GLASS script
//! ported line by line.
//!
//! What this crate owns: the host side of the contract (loading, op
//! dispatch, fallbacks written in standard ops), and, as they are ported, the
//! GLASS modules. It never copies data to the CPU behind a backend's back:
//! the only host round trips are the explicit `to_host`/`to_vec`/`to_backend`.
//!
//! What it may not do: know about the command line (that is `glass-cli`),
//! or depend on a plugin crate (the embedded ndarray backend is linked
//! through its core crate; plugins are loaded at run time).

// Input checks are written `!(x > 0.0)` on purpose: unlike `x <= 0.0` they
// also reject NaN, which is what a validation needs.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod algorithm;
pub mod array;
pub mod arraytools;
pub mod backend;
pub mod cosmology;
#[cfg(target_os = "linux")]
mod elf;
pub mod error;
pub mod fields;
pub mod for_glass_users;
pub mod galaxies;
pub mod grf;
pub mod harmonics;
pub mod healpix;
pub mod lensing;
pub mod memory;
/// `.npy` files to and from backend arrays, for the `glass` command; not
/// part of GLASS's API.
#[doc(hidden)]
pub mod npy;
pub mod observations;
pub mod points;
pub mod rng;
pub mod shapes;
pub mod shells;
pub mod spectra;
pub mod transformcl;
pub mod user;
pub mod xp;

// GLASS's public names, as `glass/__init__.py` exports them.
pub use fields::{
    check_posdef_spectra, cls2cov, compute_gaussian_spectra, cov_from_spectra, discretized_cls,
    effective_cls, enumerate_spectra, gaussian_fields, generate, getcl, glass_to_healpix_spectra,
    healpix_to_glass_spectra, iternorm, lognormal_fields, lognormal_shift_hilbert2011,
    nfields_from_nspectra, regularized_spectra, solve_gaussian_spectra, spectra_indices,
    GenerateOptions,
};
#[allow(deprecated)]
pub use fields::{generate_gaussian, generate_lognormal, lognormal_gls};
pub use galaxies::{
    galaxy_shear, gaussian_phz, redshifts, redshifts_from_bins, redshifts_from_nz,
    GalaxyShearOptions,
};
pub use harmonics::multalm;
#[allow(deprecated)]
pub use lensing::shear_from_convergence;
pub use lensing::{
    deflect, from_convergence, multi_plane_matrix, multi_plane_weights, FromConvergenceOptions,
    LensingMaps, MultiPlaneConvergence,
};
pub use observations::{
    equal_dens_zbins, fixed_zbins, gaussian_nz, smail_nz, tomo_nz_gausserr, vmap_galactic_ecliptic,
};
pub use points::{
    displace, displacement, effective_bias, linear_bias, loglinear_bias, position_weights,
    positions_from_delta, uniform_positions, BiasModel, PointBatch, PositionsOptions,
    ARCMIN2_SPHERE,
};
pub use shapes::{
    ellipticity_gaussian, ellipticity_intnorm, ellipticity_ryden04, resample_shapes,
    triaxial_axis_ratio, ResampleOptions,
};
pub use shells::{
    combine, cubic_windows, distance_grid, linear_windows, partition, redshift_grid, restrict,
    tophat_windows, DensityWeight, DistanceWeight, RadialWindow, VolumeWeight,
};
pub use user::{load_cls, save_cls, write_catalog};

pub use array::{Array, ArrayResult, IntoOperand};
pub use backend::{discover, Arg, Backend, Info, Out, Source};
pub use error::{Error, ErrorKind, Result};
pub use glass_backend_api::{DType, IndexItem, Op};
pub use rng::Rng;
