//! The array namespace: what Python GLASS reaches as `xp.*`.
//!
//! Creation functions are methods of [`Backend`] (`xp.zeros(..)`), every
//! other function is a method of [`Array`] (`x.sum(..)`, `x.sin()`), with
//! the Array API's names and argument meanings. Each is one op of
//! `glass_backend_api::ops`; where a backend lacks an op that has a
//! fallback written in standard ops, the fallback runs on the same backend.
//!
//! # Errors
//!
//! Every function here fails the same ways, so it is said once:
//! [`Error::Unsupported`] when the backend lacks the op (and there is no
//! fallback), [`Error::MixedBackends`] for arrays of different backends, and
//! [`Error::Op`] carrying the backend's own error (its kind says `DType`,
//! `Shape`, `Value`, `OutOfMemory`, ...) for arguments the op refuses.

use glass_backend_api::{DType, Element, HostBuffer, IndexItem, Op, RValue};

use crate::array::{binary, Array, IntoOperand};
use crate::backend::{Arg, Backend, Out};
use crate::error::{Error, Result};

fn ints(v: &[i64]) -> RValue {
    RValue::Ints(v.to_vec().into())
}

fn shape_i64(shape: &[usize]) -> Vec<i64> {
    shape.iter().map(|&n| n as i64).collect()
}

fn opt_ints(v: Option<&[i64]>) -> RValue {
    v.map_or(RValue::None, ints)
}

fn opt_int(v: Option<i64>) -> RValue {
    v.map_or(RValue::None, RValue::Int)
}

fn opt_dtype(v: Option<DType>) -> RValue {
    v.map_or(RValue::None, RValue::DType)
}

impl Backend {
    /// Calls `op`, expecting exactly one array back.
    pub fn call_array(&self, op: Op, args: &[Arg<'_>]) -> Result<Array> {
        let mut out = self.call_arrays(op, args)?;
        if out.len() != 1 {
            return Err(self.op_error(
                op.name(),
                glass_backend_api::BackendError::internal(format!(
                    "expected one array, got {}",
                    out.len()
                )),
            ));
        }
        Ok(out.remove(0))
    }

    /// Calls `op`, expecting only arrays back.
    pub fn call_arrays(&self, op: Op, args: &[Arg<'_>]) -> Result<Vec<Array>> {
        self.call(op, args)?
            .into_iter()
            .map(|o| match o {
                Out::Array(a) => Ok(a),
                Out::Value(v) => Err(self.op_error(
                    op.name(),
                    glass_backend_api::BackendError::internal(format!(
                        "expected an array result, got {}",
                        v.type_name()
                    )),
                )),
            })
            .collect()
    }

    fn create(&self, op: Op, args: Vec<RValue>) -> Result<Array> {
        // (the creation ops that take a shape check it first: fits_memory)
        let args: Vec<Arg> = args.into_iter().map(Arg::Value).collect();
        self.call_array(op, &args)
    }

    /// Uploads host data with a shape (C order) to device 0.
    pub fn asarray<T: Element>(&self, data: &[T], shape: &[usize]) -> Result<Array> {
        self.asarray_buffer(T::into_buffer(data.to_vec()), &shape_i64(shape))
    }

    /// Uploads a 1-d array.
    pub fn asarray1<T: Element>(&self, data: &[T]) -> Result<Array> {
        self.asarray(data, &[data.len()])
    }

    /// Uploads a host buffer.
    pub fn asarray_buffer(&self, data: HostBuffer, shape: &[i64]) -> Result<Array> {
        self.create(Op::Asarray, vec![RValue::Buffer(data), ints(shape)])
    }

    /// A 0-d array holding `value`.
    pub fn scalar<T: Element>(&self, value: T) -> Result<Array> {
        self.asarray(&[value], &[])
    }

    pub fn zeros(&self, shape: &[usize], dtype: DType) -> Result<Array> {
        fits_memory("zeros", shape, dtype)?;
        self.create(
            Op::Zeros,
            vec![ints(&shape_i64(shape)), RValue::DType(dtype)],
        )
    }

    pub fn ones(&self, shape: &[usize], dtype: DType) -> Result<Array> {
        fits_memory("ones", shape, dtype)?;
        self.create(
            Op::Ones,
            vec![ints(&shape_i64(shape)), RValue::DType(dtype)],
        )
    }

    pub fn empty(&self, shape: &[usize], dtype: DType) -> Result<Array> {
        fits_memory("empty", shape, dtype)?;
        self.create(
            Op::Empty,
            vec![ints(&shape_i64(shape)), RValue::DType(dtype)],
        )
    }

    pub fn full(&self, shape: &[usize], fill_value: f64, dtype: DType) -> Result<Array> {
        fits_memory("full", shape, dtype)?;
        self.create(
            Op::Full,
            vec![
                ints(&shape_i64(shape)),
                RValue::Float(fill_value),
                RValue::DType(dtype),
            ],
        )
    }

    /// `start, start+step, ...` below `stop`. For an integer `dtype` with
    /// whole-number bounds and step the bounds cross as ints (Python's
    /// `xp.arange(0, n, dtype=xp.int64)`; a float bound with an int dtype
    /// is an implicit cast, which the strict backend refuses).
    pub fn arange(&self, start: f64, stop: f64, step: f64, dtype: DType) -> Result<Array> {
        let whole = |v: f64| v.fract() == 0.0 && v.abs() < 9.0e15;
        let ints = dtype == DType::Int64 && whole(start) && whole(stop) && whole(step);
        let v = |x: f64| {
            if ints {
                RValue::Int(x as i64)
            } else {
                RValue::Float(x)
            }
        };
        self.create(
            Op::Arange,
            vec![v(start), v(stop), v(step), RValue::DType(dtype)],
        )
    }

    pub fn linspace(
        &self,
        start: f64,
        stop: f64,
        num: usize,
        endpoint: bool,
        dtype: DType,
    ) -> Result<Array> {
        self.create(
            Op::Linspace,
            vec![
                RValue::Float(start),
                RValue::Float(stop),
                RValue::Int(num as i64),
                RValue::Bool(endpoint),
                RValue::DType(dtype),
            ],
        )
    }

    pub fn eye(&self, n_rows: usize, n_cols: Option<usize>, k: i64, dtype: DType) -> Result<Array> {
        self.create(
            Op::Eye,
            vec![
                RValue::Int(n_rows as i64),
                opt_int(n_cols.map(|n| n as i64)),
                RValue::Int(k),
                RValue::DType(dtype),
            ],
        )
    }

    /// `xp.where(condition, x1, x2)`.
    pub fn where_(
        &self,
        condition: &Array,
        x1: impl IntoOperand,
        x2: impl IntoOperand,
    ) -> Result<Array> {
        let (a, b) = (x1.operand(), x2.operand());
        let args = [Arg::Array(condition), a.arg(), b.arg()];
        self.call_array(Op::Where, &args)
    }

    /// `xp.concat(arrays, axis)`.
    pub fn concat(&self, arrays: &[&Array], axis: Option<i64>) -> Result<Array> {
        let mut args = vec![Arg::Value(opt_int(axis))];
        args.extend(arrays.iter().map(|a| Arg::Array(a)));
        self.call_array(Op::Concat, &args)
    }

    /// `xp.stack(arrays, axis)`.
    pub fn stack(&self, arrays: &[&Array], axis: i64) -> Result<Array> {
        let mut args = vec![Arg::Value(RValue::Int(axis))];
        args.extend(arrays.iter().map(|a| Arg::Array(a)));
        self.call_array(Op::Stack, &args)
    }

    /// `xp.broadcast_arrays(*arrays)`.
    pub fn broadcast_arrays(&self, arrays: &[&Array]) -> Result<Vec<Array>> {
        let args: Vec<Arg> = arrays.iter().map(|a| Arg::Array(a)).collect();
        self.call_arrays(Op::BroadcastArrays, &args)
    }

    /// `xp.fft.fftfreq(n, d)`.
    pub fn fftfreq(&self, n: usize, d: f64) -> Result<Array> {
        self.create(
            Op::FftFftfreq,
            vec![RValue::Int(n as i64), RValue::Float(d)],
        )
    }

    /// `xp.fft.rfftfreq(n, d)`.
    pub fn rfftfreq(&self, n: usize, d: f64) -> Result<Array> {
        self.create(
            Op::FftRfftfreq,
            vec![RValue::Int(n as i64), RValue::Float(d)],
        )
    }
}

macro_rules! unary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Array {$(
            #[doc = concat!("`xp.", stringify!($name), "(x)`: see `glass_backend_api::Op::", stringify!($op), "`.")]
            pub fn $name(&self) -> Result<Array> {
                self.call1(Op::$op, vec![])
            }
        )*}
    };
}

unary_methods! {
    abs => Abs, acos => Acos, acosh => Acosh, asin => Asin, asinh => Asinh, atan => Atan,
    atanh => Atanh, ceil => Ceil, conj => Conj, cos => Cos, cosh => Cosh, exp => Exp,
    expm1 => Expm1, floor => Floor, imag => Imag, isfinite => Isfinite, isinf => Isinf,
    isnan => Isnan, log => Log, log1p => Log1p, log2 => Log2, log10 => Log10,
    logical_not => LogicalNot, negative => Negative, positive => Positive, real => Real,
    round => Round, sign => Sign, signbit => Signbit, sin => Sin, sinh => Sinh, sqrt => Sqrt,
    square => Square, tan => Tan, tanh => Tanh, trunc => Trunc,
    matrix_transpose => MatrixTranspose, unique_values => UniqueValues,
    cholesky => LinalgCholesky, inv => LinalgInv, det => LinalgDet, eigvalsh => LinalgEigvalsh,
}

macro_rules! binary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Array {$(
            #[doc = concat!("`xp.", stringify!($name), "(x, other)`: see `glass_backend_api::Op::", stringify!($op), "`.")]
            pub fn $name(&self, other: impl IntoOperand) -> Result<Array> {
                binary(Op::$op, self.operand(), other.operand())
            }
        )*}
    };
}

binary_methods! {
    add => Add, subtract => Subtract, multiply => Multiply, divide => Divide,
    floor_divide => FloorDivide, remainder => Remainder, pow => Pow, atan2 => Atan2,
    hypot => Hypot, maximum => Maximum, minimum => Minimum, copysign => Copysign,
    logaddexp => Logaddexp, equal => Equal, not_equal => NotEqual, less => Less,
    less_equal => LessEqual, greater => Greater, greater_equal => GreaterEqual,
    logical_and => LogicalAnd, logical_or => LogicalOr, logical_xor => LogicalXor,
}

macro_rules! inplace_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Array {$(
            #[doc = concat!("Python's `x ", stringify!($name), "= other`: the result keeps x's dtype and shape, or the op fails.")]
            pub fn $name(&mut self, other: impl IntoOperand) -> Result<()> {
                let o = other.operand();
                let args = [Arg::Array(self), o.arg(), Arg::Value(RValue::Bool(true))];
                let r = self.backend().call_array(Op::$op, &args)?;
                *self = r;
                Ok(())
            }
        )*}
    };
}

inplace_methods! {
    iadd => Add, isub => Subtract, imul => Multiply, idiv => Divide, ipow => Pow,
}

macro_rules! reductions {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Array {$(
            #[doc = concat!("`xp.", stringify!($name), "(x, axis=axis, keepdims=keepdims)`.")]
            pub fn $name(&self, axis: Option<&[i64]>, keepdims: bool) -> Result<Array> {
                self.call1(Op::$op, vec![opt_ints(axis), RValue::Bool(keepdims)])
            }
        )*}
    };
}

reductions! {
    sum => Sum, prod => Prod, mean => Mean, min => Min, max => Max, any => Any, all => All,
    count_nonzero => CountNonzero,
}

impl Array {
    /// `xp.std(x, axis, correction, keepdims)`.
    pub fn std(&self, axis: Option<&[i64]>, correction: f64, keepdims: bool) -> Result<Array> {
        self.call1(
            Op::Std,
            vec![
                opt_ints(axis),
                RValue::Float(correction),
                RValue::Bool(keepdims),
            ],
        )
    }

    /// `xp.var(x, axis, correction, keepdims)`.
    pub fn var(&self, axis: Option<&[i64]>, correction: f64, keepdims: bool) -> Result<Array> {
        self.call1(
            Op::Var,
            vec![
                opt_ints(axis),
                RValue::Float(correction),
                RValue::Bool(keepdims),
            ],
        )
    }

    pub fn argmax(&self, axis: Option<i64>, keepdims: bool) -> Result<Array> {
        self.call1(Op::Argmax, vec![opt_int(axis), RValue::Bool(keepdims)])
    }

    pub fn argmin(&self, axis: Option<i64>, keepdims: bool) -> Result<Array> {
        self.call1(Op::Argmin, vec![opt_int(axis), RValue::Bool(keepdims)])
    }

    pub fn cumulative_sum(&self, axis: Option<i64>, include_initial: bool) -> Result<Array> {
        self.call1(
            Op::CumulativeSum,
            vec![opt_int(axis), RValue::Bool(include_initial)],
        )
    }

    pub fn cumulative_prod(&self, axis: Option<i64>, include_initial: bool) -> Result<Array> {
        self.call1(
            Op::CumulativeProd,
            vec![opt_int(axis), RValue::Bool(include_initial)],
        )
    }

    pub fn astype(&self, dtype: DType) -> Result<Array> {
        if dtype == self.dtype() {
            return Ok(self.clone());
        }
        self.call1(Op::Astype, vec![RValue::DType(dtype)])
    }

    pub fn to_device(&self, device: u32) -> Result<Array> {
        self.call1(Op::ToDevice, vec![RValue::Int(device as i64)])
    }

    /// `xp.zeros_like(x, dtype=dtype)`; falls back to `zeros`.
    pub fn zeros_like(&self, dtype: Option<DType>) -> Result<Array> {
        self.like(Op::ZerosLike, Op::Zeros, None, dtype)
    }

    /// `xp.ones_like(x, dtype=dtype)`; falls back to `ones`.
    pub fn ones_like(&self, dtype: Option<DType>) -> Result<Array> {
        self.like(Op::OnesLike, Op::Ones, None, dtype)
    }

    /// `xp.full_like(x, fill_value, dtype=dtype)`; falls back to `full`.
    pub fn full_like(&self, fill_value: f64, dtype: Option<DType>) -> Result<Array> {
        self.like(
            Op::FullLike,
            Op::Full,
            Some(RValue::Float(fill_value)),
            dtype,
        )
    }

    fn like(
        &self,
        op: Op,
        fallback: Op,
        fill: Option<RValue>,
        dtype: Option<DType>,
    ) -> Result<Array> {
        if self.backend().supports(op) {
            let mut rest = fill.clone().into_iter().collect::<Vec<_>>();
            rest.push(opt_dtype(dtype));
            return self.call1(op, rest);
        }
        let mut args = vec![ints(&shape_i64(self.shape()))];
        args.extend(fill);
        args.push(RValue::DType(dtype.unwrap_or(self.dtype())));
        args.push(RValue::Int(self.device() as i64));
        let args: Vec<Arg> = args.into_iter().map(Arg::Value).collect();
        self.backend().call_array(fallback, &args)
    }

    pub fn clip(&self, min: Option<f64>, max: Option<f64>) -> Result<Array> {
        let v = |x: Option<f64>| x.map_or(RValue::None, RValue::Float);
        self.call1(Op::Clip, vec![v(min), v(max)])
    }

    /// `xp.searchsorted(self, x2, side=side)`; `self` is sorted and 1-d.
    pub fn searchsorted(&self, x2: &Array, right: bool) -> Result<Array> {
        let side = RValue::Str(if right { "right" } else { "left" }.into());
        self.backend().call_array(
            Op::Searchsorted,
            &[Arg::Array(self), Arg::Array(x2), Arg::Value(side)],
        )
    }

    pub fn sort(&self, axis: i64, descending: bool) -> Result<Array> {
        self.call1(
            Op::Sort,
            vec![
                RValue::Int(axis),
                RValue::Bool(descending),
                RValue::Bool(true),
            ],
        )
    }

    pub fn argsort(&self, axis: i64, descending: bool) -> Result<Array> {
        self.call1(
            Op::Argsort,
            vec![
                RValue::Int(axis),
                RValue::Bool(descending),
                RValue::Bool(true),
            ],
        )
    }

    /// `xp.nonzero(x)`: one int64 array per axis.
    pub fn nonzero(&self) -> Result<Vec<Array>> {
        self.backend().call_arrays(Op::Nonzero, &[Arg::Array(self)])
    }

    pub fn reshape(&self, shape: &[i64]) -> Result<Array> {
        self.call1(Op::Reshape, vec![ints(shape)])
    }

    pub fn permute_dims(&self, axes: &[i64]) -> Result<Array> {
        self.call1(Op::PermuteDims, vec![ints(axes)])
    }

    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Array> {
        self.call1(Op::BroadcastTo, vec![ints(&shape_i64(shape))])
    }

    pub fn expand_dims(&self, axis: i64) -> Result<Array> {
        self.call1(Op::ExpandDims, vec![RValue::Int(axis)])
    }

    pub fn squeeze(&self, axis: &[i64]) -> Result<Array> {
        self.call1(Op::Squeeze, vec![ints(axis)])
    }

    pub fn flip(&self, axis: Option<&[i64]>) -> Result<Array> {
        self.call1(Op::Flip, vec![opt_ints(axis)])
    }

    pub fn roll(&self, shift: &[i64], axis: Option<&[i64]>) -> Result<Array> {
        self.call1(Op::Roll, vec![ints(shift), opt_ints(axis)])
    }

    pub fn repeat(&self, repeats: i64, axis: Option<i64>) -> Result<Array> {
        self.call1(Op::Repeat, vec![RValue::Int(repeats), opt_int(axis)])
    }

    pub fn tile(&self, reps: &[i64]) -> Result<Array> {
        self.call1(Op::Tile, vec![ints(reps)])
    }

    pub fn moveaxis(&self, source: &[i64], destination: &[i64]) -> Result<Array> {
        self.call1(Op::Moveaxis, vec![ints(source), ints(destination)])
    }

    /// Basic indexing `x[...]` with [`IndexItem`]s.
    pub fn get(&self, index: &[IndexItem]) -> Result<Array> {
        self.call1(Op::Getitem, vec![RValue::index(index.iter().copied())])
    }

    /// `x[index] = value`, as a new array.
    pub fn set(&self, index: &[IndexItem], value: impl IntoOperand) -> Result<Array> {
        let o = value.operand();
        self.backend().call_array(
            Op::Setitem,
            &[
                Arg::Array(self),
                Arg::Value(RValue::index(index.iter().copied())),
                o.arg(),
            ],
        )
    }

    /// `xp.take(x, indices, axis=axis)`.
    pub fn take(&self, indices: &Array, axis: Option<i64>) -> Result<Array> {
        self.backend().call_array(
            Op::Take,
            &[
                Arg::Array(self),
                Arg::Array(indices),
                Arg::Value(opt_int(axis)),
            ],
        )
    }

    /// `x[mask]` for a boolean mask.
    pub fn mask(&self, mask: &Array) -> Result<Array> {
        self.backend()
            .call_array(Op::GetitemMask, &[Arg::Array(self), Arg::Array(mask)])
    }

    pub fn matmul(&self, other: &Array) -> Result<Array> {
        self.backend()
            .call_array(Op::Matmul, &[Arg::Array(self), Arg::Array(other)])
    }

    pub fn vecdot(&self, other: &Array, axis: i64) -> Result<Array> {
        self.backend().call_array(
            Op::Vecdot,
            &[
                Arg::Array(self),
                Arg::Array(other),
                Arg::Value(RValue::Int(axis)),
            ],
        )
    }

    /// `xp.linalg.solve(self, b)`.
    pub fn solve(&self, b: &Array) -> Result<Array> {
        self.backend()
            .call_array(Op::LinalgSolve, &[Arg::Array(self), Arg::Array(b)])
    }

    /// `xp.linalg.eigh(x)`: (eigenvalues, eigenvectors).
    pub fn eigh(&self) -> Result<(Array, Array)> {
        let mut v = self
            .backend()
            .call_arrays(Op::LinalgEigh, &[Arg::Array(self)])?;
        if v.len() != 2 {
            return Err(Error::value(
                "linalg.eigh",
                "x",
                format!("the backend returned {} arrays, not 2", v.len()),
            ));
        }
        let vecs = v.remove(1);
        Ok((v.remove(0), vecs))
    }

    pub fn vector_norm(&self, axis: Option<&[i64]>, keepdims: bool, ord: f64) -> Result<Array> {
        self.call1(
            Op::LinalgVectorNorm,
            vec![opt_ints(axis), RValue::Bool(keepdims), RValue::Float(ord)],
        )
    }

    fn fft_call(&self, op: Op, n: Option<usize>, axis: i64, norm: &str) -> Result<Array> {
        self.call1(
            op,
            vec![
                opt_int(n.map(|n| n as i64)),
                RValue::Int(axis),
                RValue::Str(norm.into()),
            ],
        )
    }

    /// `xp.fft.fft(x, n, axis, norm)`.
    pub fn fft(&self, n: Option<usize>, axis: i64, norm: &str) -> Result<Array> {
        self.fft_call(Op::FftFft, n, axis, norm)
    }

    pub fn ifft(&self, n: Option<usize>, axis: i64, norm: &str) -> Result<Array> {
        self.fft_call(Op::FftIfft, n, axis, norm)
    }

    pub fn rfft(&self, n: Option<usize>, axis: i64, norm: &str) -> Result<Array> {
        self.fft_call(Op::FftRfft, n, axis, norm)
    }

    pub fn irfft(&self, n: Option<usize>, axis: i64, norm: &str) -> Result<Array> {
        self.fft_call(Op::FftIrfft, n, axis, norm)
    }
}

/// [`Error::OutOfMemory`](crate::Error::OutOfMemory) for an array of
/// `shape` and `dtype` larger than the memory available (a backend whose
/// allocation fails would abort the process).
pub(crate) fn fits_memory(func: &'static str, shape: &[usize], dtype: DType) -> Result<()> {
    let mut factors: Vec<u128> = shape.iter().map(|&n| n as u128).collect();
    factors.push(dtype.itemsize().unwrap_or(8) as u128);
    crate::error::check_memory(
        func,
        || format!("an array of shape {shape:?} and dtype {dtype:?}"),
        crate::error::checked_product(&factors),
    )
}
