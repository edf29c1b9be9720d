//! # glass-backend-ndarray
//!
//! The reference CPU backend: every op of the contract, on `ndarray` arrays,
//! multithreaded on rayon's global pool (honouring `RAYON_NUM_THREADS`). The
//! numerics and the backend itself ([`NdarrayBackend`]) live in
//! `glass-backend-ndarray-core`; this crate is only the plugin
//! (`libglass_backend_ndarray.so`). The host embeds the same backend
//! through the core crate, so it never links a plugin crate (whose
//! exported root symbol would clash with another plugin's).
//!
//! What it may not do: hold code of its own beyond the export.
//!
//! Dtype promotion is NumPy-like (int + float gives float64); use the strict
//! backend to check code against the standard's rules.

pub use glass_backend_ndarray_core::NdarrayBackend;

glass_backend_api::export_backend!(NdarrayBackend);
