//! The host's array: a handle to an array that lives in a backend.
//!
//! Arithmetic reads like the Python: `&a * &b + 1.0` gives an
//! [`ArrayResult`], which carries the first error of the expression; turn it
//! into a `Result` with [`ArrayResult::ok`] (`(&a * &b + 1.0).ok()?`). Every
//! other op is a method returning `Result<Array>`.
//!
//! # Errors
//!
//! As for the ops of [`crate::xp`]; the conversions (`to_vec`, `item`)
//! also return [`Error::Value`] when the array's dtype or size is not the
//! one asked for.

use glass_backend_api::{DType, Element, HostBuffer, Op, RComplex, RValue, RawArray};
use num_complex::Complex64;

use crate::backend::{Arg, Backend, Out};
use crate::error::{Error, Result};

/// An array owned by a backend. Cloning shares the data (reference counted
/// in the backend); arrays are immutable, ops return new arrays.
pub struct Array {
    backend: Backend,
    raw: RawArray,
    dtype: DType,
    shape: Vec<usize>,
    device: u32,
}

impl Array {
    /// Takes ownership of a handle returned by `backend`.
    ///
    /// # Safety
    /// `raw` must be a live, owned handle of `backend`.
    pub(crate) unsafe fn from_raw(backend: Backend, raw: RawArray) -> Result<Array> {
        match backend.meta(raw) {
            Ok(m) => Ok(Array {
                dtype: m.dtype,
                shape: m.shape.iter().map(|&n| n as usize).collect(),
                device: m.device,
                backend,
                raw,
            }),
            // A backend whose `meta` fails on its own result is broken: give
            // the handle back and report it.
            Err(e) => {
                backend.release(raw);
                Err(e)
            }
        }
    }

    pub(crate) fn raw(&self) -> RawArray {
        self.raw
    }

    /// The backend holding this array (the `xp` namespace of its ops).
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// The backend's device index.
    pub fn device(&self) -> u32 {
        self.device
    }

    /// Downloads the data in C order.
    pub fn to_host(&self) -> Result<HostBuffer> {
        match self
            .backend
            .call(Op::ToHost, &[Arg::Array(self)])?
            .into_iter()
            .next()
        {
            Some(Out::Value(RValue::Buffer(b))) => Ok(b),
            _ => Err(self.backend.op_error(
                "to_host",
                glass_backend_api::BackendError::internal(
                    "the backend did not return a host buffer",
                ),
            )),
        }
    }

    /// Downloads the data as a `Vec<T>` in C order; `T` must be the array's
    /// element type.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype {
            return Err(Error::value(
                "to_vec",
                "T",
                format!("the array holds {}, not {}", self.dtype, T::DTYPE),
            ));
        }
        T::from_buffer(self.to_host()?).ok_or_else(|| {
            Error::value(
                "to_vec",
                "T",
                format!("the backend returned data that is not {}", T::DTYPE),
            )
        })
    }

    /// The value of a 0-d (or one-element) array.
    pub fn item<T: Element>(&self) -> Result<T> {
        if self.size() != 1 {
            return Err(Error::value(
                "item",
                "self",
                format!("the array has {} elements, not one", self.size()),
            ));
        }
        Ok(self.to_vec::<T>()?[0])
    }

    /// Copies the array to another backend (through the host).
    pub fn to_backend(&self, other: &Backend) -> Result<Array> {
        if other == &self.backend {
            return Ok(self.clone());
        }
        let shape: Vec<i64> = self.shape.iter().map(|&n| n as i64).collect();
        other.asarray_buffer(self.to_host()?, &shape)
    }

    /// Calls `op` with this array first and `rest` after it, expecting one
    /// array back. Dispatch plumbing, not part of GLASS's API.
    #[doc(hidden)]
    pub fn call1(&self, op: Op, rest: Vec<RValue>) -> Result<Array> {
        let mut args = Vec::with_capacity(rest.len() + 1);
        args.push(Arg::Array(self));
        args.extend(rest.into_iter().map(Arg::Value));
        self.backend.call_array(op, &args)
    }
}

impl Clone for Array {
    fn clone(&self) -> Self {
        self.backend.retain(self.raw);
        Array {
            backend: self.backend.clone(),
            raw: self.raw,
            dtype: self.dtype,
            shape: self.shape.clone(),
            device: self.device,
        }
    }
}

impl Drop for Array {
    fn drop(&mut self) {
        self.backend.release(self.raw);
    }
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Array({}, shape={:?}, backend={}, device={})",
            self.dtype,
            self.shape,
            self.backend.name(),
            self.device
        )
    }
}

/// A scalar or an array, as an operand of an elementwise op.
#[derive(Clone, Debug)]
pub enum Operand<'a> {
    Array(&'a Array),
    Scalar(RValue),
}

impl Operand<'_> {
    /// The operand as an op argument.
    pub(crate) fn arg(&self) -> Arg<'_> {
        match self {
            Operand::Array(a) => Arg::Array(a),
            Operand::Scalar(v) => Arg::Value(v.clone()),
        }
    }
}

/// What may stand beside an array in an elementwise op.
pub trait IntoOperand {
    fn operand(&self) -> Operand<'_>;
}

impl IntoOperand for Array {
    fn operand(&self) -> Operand<'_> {
        Operand::Array(self)
    }
}
impl IntoOperand for &Array {
    fn operand(&self) -> Operand<'_> {
        Operand::Array(self)
    }
}
impl IntoOperand for f64 {
    fn operand(&self) -> Operand<'_> {
        Operand::Scalar(RValue::Float(*self))
    }
}
impl IntoOperand for i64 {
    fn operand(&self) -> Operand<'_> {
        Operand::Scalar(RValue::Int(*self))
    }
}
impl IntoOperand for bool {
    fn operand(&self) -> Operand<'_> {
        Operand::Scalar(RValue::Bool(*self))
    }
}
impl IntoOperand for Complex64 {
    fn operand(&self) -> Operand<'_> {
        Operand::Scalar(RValue::Complex(RComplex::from(*self)))
    }
}

/// Calls a binary elementwise op; at least one operand must be an array.
pub fn binary(op: Op, x1: Operand<'_>, x2: Operand<'_>) -> Result<Array> {
    let backend = match (&x1, &x2) {
        (Operand::Array(a), _) | (_, Operand::Array(a)) => a.backend().clone(),
        _ => {
            return Err(Error::Value {
                func: op.name(),
                arg: "x1, x2",
                reason: "at least one operand must be an array".into(),
            })
        }
    };
    backend.call_array(op, &[x1.arg(), x2.arg()])
}

/// The result of an arithmetic expression: an array, or the first error.
#[derive(Debug)]
#[must_use = "an ArrayResult holds an error until `.ok()` is called"]
pub struct ArrayResult(pub Result<Array>);

impl ArrayResult {
    /// The array, or the first error of the expression.
    pub fn ok(self) -> Result<Array> {
        self.0
    }
}

impl From<ArrayResult> for Result<Array> {
    fn from(r: ArrayResult) -> Self {
        r.0
    }
}

impl From<Result<Array>> for ArrayResult {
    fn from(r: Result<Array>) -> Self {
        ArrayResult(r)
    }
}

fn bin_result(op: Op, a: Result<Operand<'_>>, b: Result<Operand<'_>>) -> ArrayResult {
    ArrayResult(match (a, b) {
        (Ok(a), Ok(b)) => binary(op, a, b),
        (Err(e), _) | (_, Err(e)) => Err(e),
    })
}

/// Borrows an operand out of anything that can be one.
trait AsOperand {
    fn as_operand(&self) -> Result<Operand<'_>>;
}

impl AsOperand for Array {
    fn as_operand(&self) -> Result<Operand<'_>> {
        Ok(Operand::Array(self))
    }
}
impl AsOperand for &Array {
    fn as_operand(&self) -> Result<Operand<'_>> {
        Ok(Operand::Array(self))
    }
}
impl AsOperand for ArrayResult {
    fn as_operand(&self) -> Result<Operand<'_>> {
        match &self.0 {
            Ok(a) => Ok(Operand::Array(a)),
            Err(e) => Err(e.clone()),
        }
    }
}
macro_rules! scalar_operand {
    ($($t:ty),*) => {$(
        impl AsOperand for $t {
            fn as_operand(&self) -> Result<Operand<'_>> {
                Ok(IntoOperand::operand(self))
            }
        }
    )*};
}
scalar_operand!(f64, i64, bool, Complex64);

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $op:expr) => {
        binary_operator!(@lhs $trait, $method, $op, Array, &Array, ArrayResult);
        binary_operator!(@scalar_lhs $trait, $method, $op, f64, i64, bool, Complex64);
    };
    (@lhs $trait:ident, $method:ident, $op:expr, $($lhs:ty),*) => {$(
        binary_operator!(@rhs $trait, $method, $op, $lhs, Array, &Array, ArrayResult, f64, i64, bool, Complex64);
    )*};
    (@rhs $trait:ident, $method:ident, $op:expr, $lhs:ty, $($rhs:ty),*) => {$(
        impl std::ops::$trait<$rhs> for $lhs {
            type Output = ArrayResult;
            fn $method(self, rhs: $rhs) -> ArrayResult {
                bin_result($op, self.as_operand(), rhs.as_operand())
            }
        }
    )*};
    (@scalar_lhs $trait:ident, $method:ident, $op:expr, $($lhs:ty),*) => {$(
        binary_operator!(@rhs $trait, $method, $op, $lhs, Array, &Array, ArrayResult);
    )*};
}

binary_operator!(Add, add, Op::Add);
binary_operator!(Sub, sub, Op::Subtract);
binary_operator!(Mul, mul, Op::Multiply);
binary_operator!(Div, div, Op::Divide);
binary_operator!(Rem, rem, Op::Remainder);

impl std::ops::Neg for &Array {
    type Output = ArrayResult;
    fn neg(self) -> ArrayResult {
        ArrayResult(self.call1(Op::Negative, vec![]))
    }
}
impl std::ops::Neg for Array {
    type Output = ArrayResult;
    fn neg(self) -> ArrayResult {
        -&self
    }
}
impl std::ops::Neg for ArrayResult {
    type Output = ArrayResult;
    fn neg(self) -> ArrayResult {
        match self.0 {
            Ok(a) => -&a,
            Err(e) => ArrayResult(Err(e)),
        }
    }
}

/// `re + i im` of two float arrays, as complex128 (GLASS's
/// `re + 1j * im`).
pub(crate) fn complex(re: &Array, im: &Array) -> Result<Array> {
    let re = re.astype(DType::Complex128)?;
    let im = im.astype(DType::Complex128)?;
    (&re + &(&im * Complex64::new(0.0, 1.0)).ok()?).ok()
}
