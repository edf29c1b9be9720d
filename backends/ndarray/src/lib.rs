//! # glass-backend-ndarray
//!
//! The reference CPU backend: every op of the contract, on `ndarray` arrays,
//! multithreaded on rayon's global pool (honouring `RAYON_NUM_THREADS`). The
//! numerics live in `glass-backend-ndarray-core`; this crate is the plugin
//! (`libglass_backend_ndarray.so`) and the in-process default of the host.
//!
//! Dtype promotion is NumPy-like (int + float gives float64); use the strict
//! backend to check code against the standard's rules.

use glass_backend_api::export::{self, Args, Backend, Value};
use glass_backend_api::{ArrayMeta, BResult, BackendError, BackendInfo, Op};
use glass_backend_ndarray_core::healpix::{self, ShtPlanner};
use glass_backend_ndarray_core::NdArray;

/// The ndarray backend: one device, `cpu`.
pub struct NdarrayBackend {
    ops: Vec<Op>,
    /// This instance's SHT plans (the last few `(nside, lmax, mmax)`).
    sht: ShtPlanner,
}

impl Backend for NdarrayBackend {
    type Array = NdArray;

    fn create(config: &str) -> BResult<Self> {
        if !config.trim().is_empty() {
            return Err(BackendError::value(format!(
                "the ndarray backend takes no options, got {config:?}"
            )));
        }
        Ok(NdarrayBackend {
            ops: glass_backend_ndarray_core::supported_ops(),
            sht: ShtPlanner::new(),
        })
    }

    fn info(&self) -> BackendInfo {
        export::info(
            "ndarray",
            env!("CARGO_PKG_VERSION"),
            "CPU arrays (ndarray, rustfft, faer, rayon)",
            self.ops.iter().map(|op| op.name()),
            ["cpu"],
        )
    }

    fn call(&self, op: usize, args: &Args<'_, NdArray>) -> BResult<Vec<Value<NdArray>>> {
        let op = self.ops[op];
        if healpix::supports(op) {
            healpix::call(op, args, &self.sht)
        } else {
            glass_backend_ndarray_core::call(op, args)
        }
    }

    fn meta(&self, x: &NdArray) -> ArrayMeta {
        x.meta(0)
    }
}

glass_backend_api::export_backend!(NdarrayBackend);
