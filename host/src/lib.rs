//! # glass
//!
//! GLASS, the Generator for Large Scale Structure, in Rust: the simulator
//! library, the backend plugin loader and the `glass` command.
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
//! What this crate owns: the host side of the contract (loading, op
//! dispatch, fallbacks written in standard ops), and, as they are ported, the
//! GLASS modules. It never copies data to the CPU behind a backend's back:
//! the only host round trips are the explicit `to_host`/`to_vec`/`to_backend`.

// Input checks are written `!(x > 0.0)` on purpose: unlike `x <= 0.0` they
// also reject NaN, which is what a validation needs.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod algorithm;
pub mod array;
pub mod arraytools;
pub mod backend;
pub mod cosmology;
pub mod error;
pub mod fields;
pub mod grf;
pub mod harmonics;
pub mod healpix;
pub mod npy;
pub mod observations;
pub mod random;
pub mod shells;
pub mod transformcl;
pub mod user;
pub mod xp;

pub use array::{Array, ArrayResult, IntoOperand};
pub use backend::{discover, Arg, Backend, Info, Out, Source};
pub use error::{Error, Result};
pub use glass_backend_api::{DType, IndexItem, Op};
