//! The ndarray backend itself: the [`Backend`] implementation that the
//! plugin crate `glass-backend-ndarray` exports and that the `glass` host
//! embeds in-process (so the host links this crate, never the plugin's).

use crate::healpix::{self, ShtPlanner};
use crate::NdArray;
use glass_backend_api::export::{self, Args, Backend, Value};
use glass_backend_api::{ArrayMeta, BResult, BackendError, BackendInfo, Op};

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
            ops: crate::supported_ops(),
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
            crate::call(op, args)
        }
    }

    fn meta(&self, x: &NdArray) -> ArrayMeta {
        x.meta(0)
    }
}
