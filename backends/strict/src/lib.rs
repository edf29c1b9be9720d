//! # glass-backend-strict
//!
//! The validation backend: it offers only the Array API standard's ops (core,
//! `linalg`, `fft`; never `random.*`, `healpix.*` or `glass.*`) and checks
//! every call the way Python's `array_api_strict` does before the ndarray
//! core computes it:
//!
//! - type promotion only within the standard's table (no bool with numbers,
//!   no int with float), Python scalars only of a fitting kind
//!   ([`promotion`]);
//! - each op's dtype domain, from one table ([`rules`]): `sin` wants
//!   floating dtypes, `logical_and` bools, `less` real numbers, ...;
//! - in-place ops keep x1's dtype and shape;
//! - no out-of-range integer indices or slice ends, no flat indexing
//!   ([`indexing`]);
//! - no data-dependent output shapes (`nonzero`, `unique_values`,
//!   `getitem_mask`, `repeat` with an array of repeats) unless
//!   `GLASS_STRICT_DATA_DEPENDENT_SHAPES=1` ([`config`]);
//! - three fake devices, `CPU_DEVICE`, `device1`, `device2`, that may not be
//!   mixed ([`devices`]);
//! - `astype` refuses complex to real.
//!
//! Its purpose is to prove that the host runs on standard ops alone and to
//! catch host code that relies on a lenient backend. It owns this crate
//! only; the numerics belong to `glass-backend-ndarray-core`.

use glass_backend_api::export::{self, Args, Backend, Value};
use glass_backend_api::{ArrayMeta, BResult, BackendError, BackendInfo, DType, Op};
use glass_backend_ndarray_core::NdArray;

pub mod config;
pub mod devices;
pub mod indexing;
pub mod promotion;
pub mod rules;
pub mod validate;

#[cfg(test)]
mod tests;

use config::Config;
use rules::Check;
use validate::Plan;

/// An array of the strict backend: the core's array and the fake device it
/// lives on.
#[derive(Clone, Debug, PartialEq)]
pub struct StrictArray {
    inner: NdArray,
    device: u32,
}

impl StrictArray {
    /// Wraps a core array on device `device` (an index into [`devices::DEVICES`]).
    pub fn new(inner: NdArray, device: u32) -> StrictArray {
        StrictArray { inner, device }
    }
    pub fn inner(&self) -> &NdArray {
        &self.inner
    }
    pub fn into_inner(self) -> NdArray {
        self.inner
    }
    pub fn device(&self) -> u32 {
        self.device
    }
    pub fn dtype(&self) -> DType {
        self.inner.dtype()
    }
    pub fn shape(&self) -> &[usize] {
        self.inner.shape()
    }
}

impl AsRef<NdArray> for StrictArray {
    fn as_ref(&self) -> &NdArray {
        &self.inner
    }
}

/// The strict backend.
pub struct StrictBackend {
    /// The ops offered, in the order of `info().ops` (ids index this).
    ops: Vec<Op>,
    config: Config,
}

/// The ops the strict backend computes itself rather than in the core.
fn native(op: Op) -> bool {
    matches!(op, Op::Asarray | Op::ToHost | Op::ToDevice)
}

/// The standard ops that have checks and that the core (or this crate)
/// implements, in the order of `glass_backend_api::OPS`.
pub fn offered_ops() -> Vec<Op> {
    let core = glass_backend_ndarray_core::supported_ops();
    Op::ALL
        .iter()
        .copied()
        .filter(|&op| op.spec().is_standard() && rules::check(op).is_some())
        .filter(|op| native(*op) || core.contains(op))
        .collect()
}

impl StrictBackend {
    /// Creates the backend with explicit options (no environment lookup).
    pub fn with_config(config: Config) -> StrictBackend {
        StrictBackend {
            ops: offered_ops(),
            config,
        }
    }

    pub fn config(&self) -> Config {
        self.config
    }

    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Validates and runs `op` (by its [`Op`], not its id).
    pub fn call_op(
        &self,
        op: Op,
        args: &Args<'_, StrictArray>,
    ) -> BResult<Vec<Value<StrictArray>>> {
        let check = match rules::check(op) {
            Some(c) if self.ops.contains(&op) => c,
            _ => {
                return Err(BackendError::unsupported(format!(
                    "{op}: not offered by the strict backend (it has the standard ops only, \
                     and only those its core implements)"
                )))
            }
        };
        let plan = validate::validate(check, args, &self.config)?;
        match check {
            Check::Asarray => asarray(args, plan),
            Check::ToHost => Ok(vec![Value::Buffer(glass_backend_ndarray_core::to_buffer(
                args.array(0)?.inner(),
            ))]),
            Check::ToDevice => Ok(vec![Value::Array(StrictArray::new(
                args.array(0)?.inner.clone(),
                plan.device,
            ))]),
            _ => delegate(op, args, plan),
        }
    }
}

/// `asarray(data, shape, device)`.
fn asarray(args: &Args<'_, StrictArray>, plan: Plan) -> BResult<Vec<Value<StrictArray>>> {
    let shape = args
        .ints(1)?
        .iter()
        .map(|&n| {
            usize::try_from(n).map_err(|_| {
                BackendError::value(format!("{}: negative dimension {n} in shape", args.op()))
            })
        })
        .collect::<BResult<Vec<usize>>>()?;
    let a = glass_backend_ndarray_core::from_buffer(args.buffer(0)?, &shape)?;
    Ok(vec![Value::Array(StrictArray::new(a, plan.device))])
}

/// Runs a validated op in the core and puts its arrays on the plan's device.
fn delegate(op: Op, args: &Args<'_, StrictArray>, plan: Plan) -> BResult<Vec<Value<StrictArray>>> {
    let out = match plan.strip_from {
        Some(k) if k < args.len() => glass_backend_ndarray_core::call(op, &args.truncated(k))?,
        _ => glass_backend_ndarray_core::call(op, args)?,
    };
    Ok(out.into_iter().map(|v| on_device(v, plan.device)).collect())
}

/// A core result with its arrays on `device`.
fn on_device(v: Value<NdArray>, device: u32) -> Value<StrictArray> {
    match v {
        Value::Array(a) => Value::Array(StrictArray::new(a, device)),
        Value::None => Value::None,
        Value::Buffer(b) => Value::Buffer(b),
        Value::Bool(b) => Value::Bool(b),
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => Value::Float(f),
        Value::Complex(c) => Value::Complex(c),
        Value::Str(s) => Value::Str(s),
        Value::Ints(v) => Value::Ints(v),
        Value::Floats(v) => Value::Floats(v),
        Value::DType(d) => Value::DType(d),
        Value::Index(v) => Value::Index(v),
    }
}

impl Backend for StrictBackend {
    type Array = StrictArray;

    /// Options come from `GLASS_STRICT_DATA_DEPENDENT_SHAPES` and the config
    /// string (`data_dependent_shapes=1`); anything else is a `Value` error.
    fn create(config: &str) -> BResult<Self> {
        Ok(StrictBackend::with_config(Config::from_env_and(config)?))
    }

    fn info(&self) -> BackendInfo {
        export::info(
            "strict",
            env!("CARGO_PKG_VERSION"),
            "standard ops only, checked as array_api_strict checks them (ndarray core, three fake devices)",
            self.ops.iter().map(|op| op.name()),
            devices::DEVICES,
        )
    }

    fn call(&self, op: usize, args: &Args<'_, StrictArray>) -> BResult<Vec<Value<StrictArray>>> {
        let Some(&op) = self.ops.get(op) else {
            return Err(BackendError::unsupported(format!(
                "op id {op} is not in the strict backend's op list"
            )));
        };
        self.call_op(op, args)
    }

    fn meta(&self, x: &StrictArray) -> ArrayMeta {
        x.inner.meta(x.device)
    }
}

glass_backend_api::export_backend!(StrictBackend);
