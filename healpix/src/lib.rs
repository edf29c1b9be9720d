//! # glass-healpix
//!
//! HEALPix (Górski et al. 2005, ApJ 622, 759) in plain Rust, with healpy's
//! conventions: maps in RING order, `a_lm` in healpy's m-major order,
//! spherical harmonics with the Condon–Shortley phase, spin transforms with
//! healpy's sign convention (`_{±s}a_lm = -(E_lm ± i B_lm)`).
//!
//! - [`geometry`]: the iso-latitude rings of the RING scheme, any nside.
//! - [`pixel`]: `ang2pix`, `pix2ang`, `vec2pix`, `ring2nest`, `query_strip`, ...
//! - [`alm`]: coefficient layouts (healpy and GLASS order), `almxfl`, `alm2cl`.
//! - [`sht`]: the spherical harmonic transforms (`alm2map`, `map2alm` with
//!   Jacobi iterations and ring weights, spin transforms), planned once per
//!   `(nside, lmax, mmax)` (a [`sht::ShtPlanner`] keeps plans for its owner)
//!   and run on rayon's global pool.
//! - [`simd`]: which build of the transform kernels runs (AVX2+FMA or
//!   portable, `GLASS_SIMD`).
//! - [`weights`]: healpy's ring weights, shipped, and the full pixel weights
//!   (`use_pixel_weights=True`), computed for any nside (nothing is
//!   downloaded).
//!
//! This crate owns the numerics only: it knows nothing of backends, and may
//! not depend on `glass`, a backend or the backend API. The
//! ndarray backend exposes it as the `healpix.*` extension ops; the `glass`
//! host calls those ops (or their standard-op fallback) on the chosen backend.
//!
//! ```
//! use glass_healpix::{alm, sht::ShtPlan};
//! use num_complex::Complex64;
//!
//! let (nside, lmax) = (8, 16);
//! let mut a = vec![Complex64::new(0.0, 0.0); alm::alm_size(lmax, lmax)];
//! a[alm::alm_index(lmax, 2, 1)] = Complex64::new(1.0, 0.5);
//! let plan = ShtPlan::new(nside, lmax, lmax).unwrap();
//! let map = plan.alm2map(&a).unwrap();
//! let back = plan.map2alm(&map, 3, None).unwrap();
//! assert!((back[alm::alm_index(lmax, 2, 1)] - a[alm::alm_index(lmax, 2, 1)]).norm() < 1e-6);
//! ```

pub mod alm;
pub mod error;
pub mod geometry;
pub mod pixel;
pub mod pixwin;
pub mod rotator;
pub mod sht;
pub mod simd;
pub mod weights;

pub use error::{HealpixError, Result};
