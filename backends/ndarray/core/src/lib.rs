//! # glass-backend-ndarray-core
//!
//! The CPU implementation of every op of `glass_backend_api::ops` on
//! [`ndarray`] arrays: creation, elementwise, reductions, searching and
//! sorting, manipulation, indexing, `linalg` (faer), `fft` (rustfft/realfft)
//! and `random` (the reference streams of `glass_backend_api::random`).
//!
//! It owns the numerics; it does not export a plugin. Two plugins are built
//! on it: `glass-backend-ndarray` (lenient, NumPy-like promotion) and
//! `glass-backend-strict` (which validates every call before delegating
//! here). Functions are generic over the caller's array type `A:
//! AsRef<NdArray>` so that both can pass their own handles.
//!
//! Dtype rules here are NumPy's where the standard is silent (cross-kind
//! promotion is allowed); the strict backend refuses what the standard does
//! not define before it gets here.

pub use backend::NdarrayBackend;
use glass_backend_api::{Args, ArrayMeta, BResult, BackendError, DType, HostBuffer, Op, Value};
use ndarray::ArrayD;
use num_complex::Complex64;

pub mod backend;
pub mod creation;
pub mod elementwise;
pub mod fft;
pub mod healpix;
pub mod indexing;
pub mod linalg;
pub mod manipulation;
pub mod random;
pub mod reduction;
pub mod search;
pub mod util;

/// An n-dimensional array of one of the contract's dtypes.
#[derive(Clone, Debug, PartialEq)]
pub enum NdArray {
    Bool(ArrayD<bool>),
    Int64(ArrayD<i64>),
    Float32(ArrayD<f32>),
    Float64(ArrayD<f64>),
    Complex128(ArrayD<Complex64>),
}

impl AsRef<NdArray> for NdArray {
    fn as_ref(&self) -> &NdArray {
        self
    }
}

/// Applies `$body` to the inner `ArrayD<T>` of any dtype, binding it to `$a`.
#[macro_export]
macro_rules! with_array {
    ($x:expr, $a:ident => $body:expr) => {
        match $x {
            $crate::NdArray::Bool($a) => $body,
            $crate::NdArray::Int64($a) => $body,
            $crate::NdArray::Float32($a) => $body,
            $crate::NdArray::Float64($a) => $body,
            $crate::NdArray::Complex128($a) => $body,
        }
    };
}

impl NdArray {
    pub fn dtype(&self) -> DType {
        match self {
            NdArray::Bool(_) => DType::Bool,
            NdArray::Int64(_) => DType::Int64,
            NdArray::Float32(_) => DType::Float32,
            NdArray::Float64(_) => DType::Float64,
            NdArray::Complex128(_) => DType::Complex128,
        }
    }

    pub fn shape(&self) -> &[usize] {
        with_array!(self, a => a.shape())
    }

    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    pub fn len(&self) -> usize {
        with_array!(self, a => a.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn meta(&self, device: u32) -> ArrayMeta {
        ArrayMeta {
            dtype: self.dtype(),
            shape: self.shape().iter().map(|&n| n as u64).collect(),
            device,
        }
    }
}

/// The ops this crate implements, in the order of `glass_backend_api::OPS`.
pub fn supported_ops() -> Vec<Op> {
    Op::ALL
        .iter()
        .copied()
        .filter(|&op| {
            op == Op::Sync
                || creation::supports(op)
                || elementwise::supports(op)
                || reduction::supports(op)
                || search::supports(op)
                || manipulation::supports(op)
                || indexing::supports(op)
                || linalg::supports(op)
                || fft::supports(op)
                || random::supports(op)
                || healpix::supports(op)
        })
        .collect()
}

/// Calls `op` on arguments whose arrays are (or wrap) [`NdArray`]s. The
/// `healpix.*` ops are not here: they plan through the backend instance's
/// [`healpix::ShtPlanner`], see [`healpix::call`].
pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    if op == Op::Sync {
        // The core computes every op before returning: nothing is queued.
        Ok(vec![])
    } else if creation::supports(op) {
        creation::call(op, args)
    } else if elementwise::supports(op) {
        elementwise::call(op, args)
    } else if reduction::supports(op) {
        reduction::call(op, args)
    } else if search::supports(op) {
        search::call(op, args)
    } else if manipulation::supports(op) {
        manipulation::call(op, args)
    } else if indexing::supports(op) {
        indexing::call(op, args)
    } else if linalg::supports(op) {
        linalg::call(op, args)
    } else if fft::supports(op) {
        fft::call(op, args)
    } else if random::supports(op) {
        random::call(op, args)
    } else if healpix::supports(op) {
        Err(BackendError::unsupported(format!(
            "{op}: the healpix ops take the backend's plan cache (healpix::call)"
        )))
    } else {
        Err(BackendError::unsupported(format!(
            "{op} is not implemented by the ndarray core"
        )))
    }
}

/// One array result.
pub fn one(a: NdArray) -> BResult<Vec<Value<NdArray>>> {
    Ok(vec![Value::Array(a)])
}

/// Converts a host buffer and shape into an array.
pub fn from_buffer(buf: &HostBuffer, shape: &[usize]) -> BResult<NdArray> {
    let n: usize = shape.iter().product();
    if buf.len() != n {
        return Err(BackendError::shape(format!(
            "asarray: {} elements do not fill shape {:?} ({} elements)",
            buf.len(),
            shape,
            n
        )));
    }
    let sh = ndarray::IxDyn(shape);
    let err = |e: ndarray::ShapeError| BackendError::shape(format!("asarray: {e}"));
    Ok(match buf {
        HostBuffer::Bool(v) => NdArray::Bool(ArrayD::from_shape_vec(sh, v.to_vec()).map_err(err)?),
        HostBuffer::Int64(v) => {
            NdArray::Int64(ArrayD::from_shape_vec(sh, v.to_vec()).map_err(err)?)
        }
        HostBuffer::Float32(v) => {
            NdArray::Float32(ArrayD::from_shape_vec(sh, v.to_vec()).map_err(err)?)
        }
        HostBuffer::Float64(v) => {
            NdArray::Float64(ArrayD::from_shape_vec(sh, v.to_vec()).map_err(err)?)
        }
        HostBuffer::Complex128(v) => NdArray::Complex128(
            ArrayD::from_shape_vec(sh, v.iter().map(|&c| Complex64::from(c)).collect())
                .map_err(err)?,
        ),
    })
}

/// Copies an array into a host buffer in C order.
pub fn to_buffer(x: &NdArray) -> HostBuffer {
    use glass_backend_api::Element;
    fn c_order<T: Clone>(a: &ArrayD<T>) -> Vec<T> {
        a.as_standard_layout().iter().cloned().collect()
    }
    match x {
        NdArray::Bool(a) => bool::into_buffer(c_order(a)),
        NdArray::Int64(a) => i64::into_buffer(c_order(a)),
        NdArray::Float32(a) => f32::into_buffer(c_order(a)),
        NdArray::Float64(a) => f64::into_buffer(c_order(a)),
        NdArray::Complex128(a) => Complex64::into_buffer(c_order(a)),
    }
}

/// An argument for [`call_direct`].
pub enum Arg<'a> {
    Array(&'a NdArray),
    Value(glass_backend_api::RValue),
}

impl<'a> From<&'a NdArray> for Arg<'a> {
    fn from(a: &'a NdArray) -> Self {
        Arg::Array(a)
    }
}

/// The wire form of [`Arg`]s: array handles borrowed for one call.
fn wire_args(args: &[Arg<'_>]) -> Vec<glass_backend_api::value::RValue_NE> {
    use glass_backend_api::{RValue, RawArray};
    let raw: Vec<RValue> = args
        .iter()
        .map(|a| match a {
            Arg::Array(x) => RValue::Array(RawArray {
                ptr: *x as *const NdArray as *const std::ffi::c_void,
            }),
            Arg::Value(v) => v.clone(),
        })
        .collect();
    glass_backend_api::value::to_wire(&raw)
}

/// Calls `op` in-process on plain arrays and values, without the plugin
/// boundary (for unit tests and for embedding the core directly).
pub fn call_direct(op: Op, args: &[Arg<'_>]) -> BResult<Vec<Value<NdArray>>> {
    let raw = wire_args(args);
    // SAFETY: every array handle points to an `NdArray` borrowed for this call.
    let args = unsafe { Args::<NdArray>::new(&raw, op.name()) };
    call(op, &args)
}

/// [`call_direct`] for the `healpix.*` ops, planning through `plans`.
pub fn call_direct_healpix(
    op: Op,
    args: &[Arg<'_>],
    plans: &healpix::ShtPlanner,
) -> BResult<Vec<Value<NdArray>>> {
    let raw = wire_args(args);
    // SAFETY: every array handle points to an `NdArray` borrowed for this call.
    let args = unsafe { Args::<NdArray>::new(&raw, op.name()) };
    healpix::call(op, &args, plans)
}

/// The single array of a result, for tests and embedders.
pub fn single(out: BResult<Vec<Value<NdArray>>>) -> BResult<NdArray> {
    match out?.into_iter().next() {
        Some(Value::Array(a)) => Ok(a),
        _ => Err(BackendError::internal("expected one array result")),
    }
}
