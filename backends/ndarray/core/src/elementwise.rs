//! Elementwise ops: unary math, binary arithmetic and comparisons with
//! broadcasting, `clip` and `where`.
//!
//! # Dtype rules (NumPy-like)
//!
//! - Two arrays promote with [`DType::promote_lenient`].
//! - A Python scalar takes the array's dtype, except that a float scalar with
//!   a bool/int64 array gives float64, an int scalar with a bool array gives
//!   int64, and a complex scalar gives complex128.
//! - Math functions (`exp`, `sin`, ...) and true division of bool/int64
//!   give float64; `abs`, `real`, `imag` of complex give float64.
//! - Comparisons give bool; ordering comparisons, `maximum`, `minimum`,
//!   `floor_divide`, `remainder`, `atan2`, `hypot`, `copysign`,
//!   `logaddexp`, `clip` refuse complex; logical ops take bool only.
//! - Integer arithmetic wraps on overflow; integer division or remainder by
//!   zero gives 0 (as NumPy, without its warning); a negative integer
//!   exponent is a Value error.
//!
//! Kernels match the dtype once and run a typed closure over the data with
//! [`map1`]/[`map2`] (rayon above [`crate::util::PAR_THRESHOLD`] elements).

use std::borrow::Cow;

use glass_backend_api::{Args, BResult, BackendError, DType, Op, Operand, Value};
use ndarray::{ArrayD, ArrayViewD, IxDyn, Zip};
use num_complex::Complex64;

use crate::util::{broadcast_shapes, convert, map1, map2, scalar_array, Elem, PAR_THRESHOLD};
use crate::{one, NdArray};

pub fn supports(op: Op) -> bool {
    is_unary(op) || is_binary(op) || matches!(op, Op::Clip | Op::Where)
}

fn is_unary(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Abs | Acos
            | Acosh
            | Asin
            | Asinh
            | Atan
            | Atanh
            | Ceil
            | Conj
            | Cos
            | Cosh
            | Exp
            | Expm1
            | Floor
            | Imag
            | Isfinite
            | Isinf
            | Isnan
            | Log
            | Log1p
            | Log2
            | Log10
            | LogicalNot
            | Negative
            | Positive
            | Real
            | Round
            | Sign
            | Signbit
            | Sin
            | Sinh
            | Sqrt
            | Square
            | Tan
            | Tanh
            | Trunc
    )
}

fn is_binary(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Add | Subtract
            | Multiply
            | Divide
            | FloorDivide
            | Remainder
            | Pow
            | Atan2
            | Hypot
            | Maximum
            | Minimum
            | Copysign
            | Logaddexp
            | Equal
            | NotEqual
            | Less
            | LessEqual
            | Greater
            | GreaterEqual
            | LogicalAnd
            | LogicalOr
            | LogicalXor
    )
}

/// Whether the binary op takes the `inplace` flag (argument 2).
fn has_inplace(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Add | Subtract | Multiply | Divide | FloorDivide | Remainder | Pow
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    if is_unary(op) {
        one(unary(op, args.array(0)?.as_ref())?)
    } else if is_binary(op) {
        let inplace = has_inplace(op) && args.bool_or(2, false)?;
        one(binary(op, &args.operand(0)?, &args.operand(1)?, inplace)?)
    } else if op == Op::Clip {
        one(clip(
            args.array(0)?.as_ref(),
            args.opt_operand(1)?,
            args.opt_operand(2)?,
        )?)
    } else if op == Op::Where {
        one(where_(
            args.array(0)?.as_ref(),
            &args.operand(1)?,
            &args.operand(2)?,
        )?)
    } else {
        Err(BackendError::unsupported(format!("{op}")))
    }
}

fn dtype_err(op: Op, d: DType) -> BackendError {
    BackendError::dtype(format!("{op}: not defined for {d} input"))
}

// --- unary ---------------------------------------------------------------

/// Floating-point math shared by float32, float64 and complex128.
pub(crate) trait Float: Elem {
    fn acos(self) -> Self;
    fn acosh(self) -> Self;
    fn asin(self) -> Self;
    fn asinh(self) -> Self;
    fn atan(self) -> Self;
    fn atanh(self) -> Self;
    fn cos(self) -> Self;
    fn cosh(self) -> Self;
    fn exp(self) -> Self;
    fn expm1(self) -> Self;
    fn log(self) -> Self;
    fn log1p(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn sin(self) -> Self;
    fn sinh(self) -> Self;
    fn sqrt(self) -> Self;
    fn tan(self) -> Self;
    fn tanh(self) -> Self;
}

macro_rules! float_real {
    ($t:ty) => {
        impl Float for $t {
            float_real!(@same $t: acos, acosh, asin, asinh, atan, atanh, cos, cosh, exp, log2, log10, sin, sinh, sqrt, tan, tanh);
            fn expm1(self) -> Self {
                self.exp_m1()
            }
            fn log(self) -> Self {
                self.ln()
            }
            fn log1p(self) -> Self {
                self.ln_1p()
            }
        }
    };
    (@same $t:ty: $($m:ident),*) => {
        $( fn $m(self) -> Self { <$t>::$m(self) } )*
    };
}
float_real!(f32);
float_real!(f64);

impl Float for Complex64 {
    float_real!(@same Complex64: acos, acosh, asin, asinh, atan, atanh, cos, cosh, exp, log2, log10, sin, sinh, sqrt, tan, tanh);
    /// `expm1(x+iy) = (expm1(x) cos y - 2 sin²(y/2)) + i e^x sin y`, accurate
    /// near 0.
    fn expm1(self) -> Self {
        let (x, y) = (self.re, self.im);
        let s = (y / 2.0).sin();
        Complex64::new(x.exp_m1() * y.cos() - 2.0 * s * s, x.exp() * y.sin())
    }
    fn log(self) -> Self {
        self.ln()
    }
    /// `log1p(z) = ½ log1p(x(2+x) + y²) + i atan2(y, 1+x)`, accurate near 0.
    fn log1p(self) -> Self {
        let (x, y) = (self.re, self.im);
        Complex64::new(0.5 * (x * (2.0 + x) + y * y).ln_1p(), y.atan2(1.0 + x))
    }
}

/// Applies a [`Float`] method to a floating array; bool/int64 go through
/// float64 first.
macro_rules! float_map {
    ($op:expr, $x:expr, $m:ident) => {{
        let x = match $x.dtype() {
            DType::Bool | DType::Int64 => convert($x, DType::Float64),
            _ => Cow::Borrowed($x),
        };
        match x.as_ref() {
            NdArray::Float32(a) => NdArray::Float32(map1(&a.view(), <f32 as Float>::$m)),
            NdArray::Float64(a) => NdArray::Float64(map1(&a.view(), <f64 as Float>::$m)),
            NdArray::Complex128(a) => {
                NdArray::Complex128(map1(&a.view(), <Complex64 as Float>::$m))
            }
            other => return Err(dtype_err($op, other.dtype())),
        }
    }};
}

/// Rounding of real arrays: integers are returned unchanged.
macro_rules! round_map {
    ($op:expr, $x:expr, $m:ident) => {
        match $x {
            NdArray::Int64(a) => NdArray::Int64(a.clone()),
            NdArray::Float32(a) => NdArray::Float32(map1(&a.view(), f32::$m)),
            NdArray::Float64(a) => NdArray::Float64(map1(&a.view(), f64::$m)),
            other => return Err(dtype_err($op, other.dtype())),
        }
    };
}

/// Elementwise unary ops.
fn unary(op: Op, x: &NdArray) -> BResult<NdArray> {
    use NdArray as N;
    use Op::*;
    Ok(match op {
        Acos => float_map!(op, x, acos),
        Acosh => float_map!(op, x, acosh),
        Asin => float_map!(op, x, asin),
        Asinh => float_map!(op, x, asinh),
        Atan => float_map!(op, x, atan),
        Atanh => float_map!(op, x, atanh),
        Cos => float_map!(op, x, cos),
        Cosh => float_map!(op, x, cosh),
        Exp => float_map!(op, x, exp),
        Expm1 => float_map!(op, x, expm1),
        Log => float_map!(op, x, log),
        Log1p => float_map!(op, x, log1p),
        Log2 => float_map!(op, x, log2),
        Log10 => float_map!(op, x, log10),
        Sin => float_map!(op, x, sin),
        Sinh => float_map!(op, x, sinh),
        Sqrt => float_map!(op, x, sqrt),
        Tan => float_map!(op, x, tan),
        Tanh => float_map!(op, x, tanh),
        Ceil => round_map!(op, x, ceil),
        Floor => round_map!(op, x, floor),
        Trunc => round_map!(op, x, trunc),
        Round => match x {
            N::Complex128(a) => N::Complex128(map1(&a.view(), |z| {
                Complex64::new(z.re.round_ties_even(), z.im.round_ties_even())
            })),
            _ => round_map!(op, x, round_ties_even),
        },
        Abs => match x {
            N::Bool(a) => N::Bool(a.clone()),
            N::Int64(a) => N::Int64(map1(&a.view(), i64::wrapping_abs)),
            N::Float32(a) => N::Float32(map1(&a.view(), f32::abs)),
            N::Float64(a) => N::Float64(map1(&a.view(), f64::abs)),
            N::Complex128(a) => N::Float64(map1(&a.view(), |z| z.re.hypot(z.im))),
        },
        Negative => match x {
            N::Int64(a) => N::Int64(map1(&a.view(), i64::wrapping_neg)),
            N::Float32(a) => N::Float32(map1(&a.view(), |v| -v)),
            N::Float64(a) => N::Float64(map1(&a.view(), |v| -v)),
            N::Complex128(a) => N::Complex128(map1(&a.view(), |v| -v)),
            N::Bool(_) => return Err(dtype_err(op, DType::Bool)),
        },
        Positive => match x {
            N::Bool(_) => return Err(dtype_err(op, DType::Bool)),
            _ => x.clone(),
        },
        Square => match x {
            N::Bool(a) => N::Bool(a.clone()),
            N::Int64(a) => N::Int64(map1(&a.view(), |v| v.wrapping_mul(v))),
            N::Float32(a) => N::Float32(map1(&a.view(), |v| v * v)),
            N::Float64(a) => N::Float64(map1(&a.view(), |v| v * v)),
            N::Complex128(a) => N::Complex128(map1(&a.view(), |v| v * v)),
        },
        Sign => sign(op, x)?,
        Signbit => match x {
            N::Int64(a) => N::Bool(map1(&a.view(), |v| v < 0)),
            N::Float32(a) => N::Bool(map1(&a.view(), f32::is_sign_negative)),
            N::Float64(a) => N::Bool(map1(&a.view(), f64::is_sign_negative)),
            other => return Err(dtype_err(op, other.dtype())),
        },
        Conj => match x {
            N::Complex128(a) => N::Complex128(map1(&a.view(), |z| z.conj())),
            _ => x.clone(),
        },
        Real => match x {
            N::Complex128(a) => N::Float64(map1(&a.view(), |z| z.re)),
            _ => x.clone(),
        },
        Imag => match x {
            N::Complex128(a) => N::Float64(map1(&a.view(), |z| z.im)),
            _ => crate::util::filled_dtype("imag", x.shape(), x.dtype(), 0i64)?,
        },
        Isnan => classify(x, |v| v.is_nan(), |z| z.re.is_nan() || z.im.is_nan(), false),
        Isinf => classify(
            x,
            |v| v.is_infinite(),
            |z| z.re.is_infinite() || z.im.is_infinite(),
            false,
        ),
        Isfinite => classify(
            x,
            |v| v.is_finite(),
            |z| z.re.is_finite() && z.im.is_finite(),
            true,
        ),
        LogicalNot => match x {
            N::Bool(a) => N::Bool(map1(&a.view(), |v| !v)),
            other => return Err(dtype_err(op, other.dtype())),
        },
        _ => return Err(BackendError::unsupported(format!("{op}"))),
    })
}

/// `sign`: -1, 0, 1 for real input (NaN stays NaN); `z/|z|` for complex (0
/// for 0).
fn sign(op: Op, x: &NdArray) -> BResult<NdArray> {
    use NdArray as N;
    fn fsign<T: Copy + PartialOrd + std::ops::Neg<Output = T>>(v: T, zero: T, one: T) -> T {
        if v > zero {
            one
        } else if v < zero {
            -one
        } else {
            v
        }
    }
    Ok(match x {
        N::Int64(a) => N::Int64(map1(&a.view(), i64::signum)),
        N::Float32(a) => N::Float32(map1(&a.view(), |v| fsign(v, 0.0, 1.0))),
        N::Float64(a) => N::Float64(map1(&a.view(), |v| fsign(v, 0.0, 1.0))),
        N::Complex128(a) => N::Complex128(map1(&a.view(), |z| {
            let r = z.re.hypot(z.im);
            if r == 0.0 {
                Complex64::new(0.0, 0.0)
            } else {
                z / r
            }
        })),
        N::Bool(_) => return Err(dtype_err(op, DType::Bool)),
    })
}

/// A bool classification of floating values; bool and int64 elements give
/// `int_value` (they are always finite and never NaN).
fn classify(
    x: &NdArray,
    f: impl Fn(f64) -> bool + Sync + Send,
    c: impl Fn(Complex64) -> bool + Sync + Send,
    int_value: bool,
) -> NdArray {
    use NdArray as N;
    N::Bool(match x {
        N::Bool(a) => map1(&a.view(), |_| int_value),
        N::Int64(a) => map1(&a.view(), |_| int_value),
        N::Float32(a) => map1(&a.view(), |v| f(v as f64)),
        N::Float64(a) => map1(&a.view(), &f),
        N::Complex128(a) => map1(&a.view(), &c),
    })
}

// --- binary ----------------------------------------------------------------

/// The dtype of a Python scalar on its own.
fn scalar_dtype<A>(s: &Operand<'_, A>) -> Option<DType> {
    match s {
        Operand::Array(_) => None,
        Operand::Bool(_) => Some(DType::Bool),
        Operand::Int(_) => Some(DType::Int64),
        Operand::Float(_) => Some(DType::Float64),
        Operand::Complex(_) => Some(DType::Complex128),
    }
}

/// The dtype a scalar operand gives with an array (or array result) of
/// dtype `arr` (see the module doc).
fn with_scalar(arr: DType, s: DType) -> DType {
    match (arr, s) {
        (DType::Bool | DType::Int64, DType::Float64) => DType::Float64,
        (DType::Bool, DType::Int64) => DType::Int64,
        (_, DType::Complex128) => DType::Complex128,
        _ => arr,
    }
}

/// The common dtype of operands: arrays promote leniently, then scalars
/// apply [`with_scalar`]; scalars alone promote among themselves.
pub(crate) fn common_dtype<A: AsRef<NdArray>>(ops: &[&Operand<'_, A>]) -> DType {
    let arrays = ops.iter().filter_map(|o| match o {
        Operand::Array(a) => Some(a.as_ref().dtype()),
        _ => None,
    });
    let scalars = ops.iter().filter_map(|o| scalar_dtype(o));
    match arrays.reduce(DType::promote_lenient) {
        Some(d) => scalars.fold(d, with_scalar),
        None => scalars
            .reduce(DType::promote_lenient)
            .unwrap_or(DType::Bool),
    }
}

/// An operand as an array of `dtype` (scalars become 0-d arrays).
pub(crate) fn materialize<'b, A: AsRef<NdArray>>(
    op: Op,
    o: &'b Operand<'_, A>,
    dtype: DType,
) -> BResult<Cow<'b, NdArray>> {
    match o {
        Operand::Array(a) => Ok(convert(a.as_ref(), dtype)),
        s => scalar_array(op.name(), s, dtype)?
            .map(Cow::Owned)
            .ok_or_else(|| BackendError::internal(format!("{op}: scalar operand expected"))),
    }
}

/// The dtype a binary op computes in, given the operands' common dtype.
fn compute_dtype(op: Op, d: DType) -> BResult<DType> {
    use Op::*;
    let real_only = matches!(
        op,
        FloorDivide
            | Remainder
            | Atan2
            | Hypot
            | Copysign
            | Logaddexp
            | Maximum
            | Minimum
            | Less
            | LessEqual
            | Greater
            | GreaterEqual
    );
    if real_only && d == DType::Complex128 || op == Subtract && d == DType::Bool {
        return Err(dtype_err(op, d));
    }
    if matches!(op, LogicalAnd | LogicalOr | LogicalXor) && d != DType::Bool {
        return Err(BackendError::dtype(format!(
            "{op}: needs bool operands, got {d}"
        )));
    }
    Ok(match (op, d) {
        (Divide | Atan2 | Hypot | Copysign | Logaddexp, DType::Bool | DType::Int64) => {
            DType::Float64
        }
        (FloorDivide | Remainder | Pow, DType::Bool) => DType::Int64,
        _ => d,
    })
}

/// Runs `|a, b| body` over two same-dtype arrays broadcast to `shape`, for
/// the listed dtype variants; the result has the same variant unless an
/// output variant is given with `=> Out`.
macro_rules! zip_same {
    ($op:expr, $x1:expr, $x2:expr, $shape:expr, |$a:ident, $b:ident| $body:expr, [$($V:ident),*] => $Out:ident) => {
        match ($x1, $x2) {
            $( (NdArray::$V(p), NdArray::$V(q)) => NdArray::$Out(
                map2($op.name(), &p.view(), &q.view(), $shape, |$a, $b| $body)?
            ), )*
            (p, _) => return Err(dtype_err($op, p.dtype())),
        }
    };
    ($op:expr, $x1:expr, $x2:expr, $shape:expr, |$a:ident, $b:ident| $body:expr, [$($V:ident),*]) => {
        match ($x1, $x2) {
            $( (NdArray::$V(p), NdArray::$V(q)) => NdArray::$V(
                map2($op.name(), &p.view(), &q.view(), $shape, |$a, $b| $body)?
            ), )*
            (p, _) => return Err(dtype_err($op, p.dtype())),
        }
    };
}

/// Integer, float and complex arithmetic with NumPy's semantics.
pub(crate) trait Arith: Elem {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn pow(self, o: Self) -> Self;
}

impl Arith for i64 {
    fn add(self, o: Self) -> Self {
        self.wrapping_add(o)
    }
    fn sub(self, o: Self) -> Self {
        self.wrapping_sub(o)
    }
    fn mul(self, o: Self) -> Self {
        self.wrapping_mul(o)
    }
    /// Wrapping power by squaring; `o` must be non-negative (checked by the
    /// caller).
    fn pow(self, o: Self) -> Self {
        let (mut base, mut e, mut acc) = (self, o as u64, 1i64);
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.wrapping_mul(base);
            }
            base = base.wrapping_mul(base);
            e >>= 1;
        }
        acc
    }
}

macro_rules! arith_float {
    ($t:ty, |$x:ident, $y:ident| $pow:expr) => {
        impl Arith for $t {
            fn add(self, o: Self) -> Self {
                self + o
            }
            fn sub(self, o: Self) -> Self {
                self - o
            }
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn pow(self, o: Self) -> Self {
                let ($x, $y) = (self, o);
                $pow
            }
        }
    };
}
arith_float!(f32, |x, y| x.powf(y));
arith_float!(f64, |x, y| x.powf(y));
arith_float!(Complex64, |x, y| cpow(x, y));

/// Complex power with `z**0 = 1` and `0**w = 0` for real positive `w` (as
/// NumPy), `exp(w log z)` otherwise.
fn cpow(z: Complex64, w: Complex64) -> Complex64 {
    if w.re == 0.0 && w.im == 0.0 {
        Complex64::new(1.0, 0.0)
    } else if z.re == 0.0 && z.im == 0.0 && w.im == 0.0 && w.re > 0.0 {
        Complex64::new(0.0, 0.0)
    } else if w.im == 0.0 && w.re == w.re.trunc() && w.re.abs() <= 64.0 {
        z.powi(w.re as i32)
    } else {
        z.powc(w)
    }
}

/// Floor division and remainder with Python's signs.
trait FloorDiv: Elem {
    fn floordiv(self, o: Self) -> Self;
    fn rem(self, o: Self) -> Self;
}

impl FloorDiv for i64 {
    /// `floor(a/b)`; 0 when `b == 0`.
    fn floordiv(self, o: Self) -> Self {
        if o == 0 {
            return 0;
        }
        let q = self.wrapping_div(o);
        if self.wrapping_rem(o) != 0 && ((self < 0) != (o < 0)) {
            q - 1
        } else {
            q
        }
    }
    /// `a - floor(a/b)*b`, with the sign of `b`; 0 when `b == 0`.
    fn rem(self, o: Self) -> Self {
        if o == 0 {
            return 0;
        }
        let r = self.wrapping_rem(o);
        if r != 0 && ((r < 0) != (o < 0)) {
            r + o
        } else {
            r
        }
    }
}

macro_rules! floordiv_float {
    ($t:ty) => {
        impl FloorDiv for $t {
            /// Python's float `//` (CPython `float_floor_div`): exact on
            /// `fmod`, so `1.0 // 0.1 == 9.0`.
            fn floordiv(self, o: Self) -> Self {
                if o == 0.0 {
                    return self / o;
                }
                let m = self % o;
                let mut div = (self - m) / o;
                if m != 0.0 && ((o < 0.0) != (m < 0.0)) {
                    div -= 1.0;
                }
                if div != 0.0 {
                    let f = div.floor();
                    if div - f > 0.5 {
                        f + 1.0
                    } else {
                        f
                    }
                } else {
                    (0.0 as $t).copysign(self / o)
                }
            }
            /// Python's float `%`: the sign of the divisor; NaN for 0.
            fn rem(self, o: Self) -> Self {
                let m = self % o;
                if m != 0.0 {
                    if (o < 0.0) != (m < 0.0) {
                        m + o
                    } else {
                        m
                    }
                } else {
                    (0.0 as $t).copysign(o)
                }
            }
        }
    };
}
floordiv_float!(f32);
floordiv_float!(f64);

/// Real floating functions of two arguments.
trait RealFloat: Elem + PartialOrd {
    fn atan2(self, o: Self) -> Self;
    fn hypot(self, o: Self) -> Self;
    fn copysign(self, o: Self) -> Self;
    fn logaddexp(self, o: Self) -> Self;
}

macro_rules! real_float {
    ($t:ty) => {
        impl RealFloat for $t {
            fn atan2(self, o: Self) -> Self {
                <$t>::atan2(self, o)
            }
            fn hypot(self, o: Self) -> Self {
                <$t>::hypot(self, o)
            }
            fn copysign(self, o: Self) -> Self {
                <$t>::copysign(self, o)
            }
            /// `max + log1p(exp(-|a-b|))`; `a + ln 2` when equal (so that
            /// infinities of one sign work); NaN propagates.
            fn logaddexp(self, o: Self) -> Self {
                if self == o {
                    return self + std::f64::consts::LN_2 as $t;
                }
                let d = self - o;
                if d > 0.0 {
                    self + (-d).exp().ln_1p()
                } else if d <= 0.0 {
                    o + d.exp().ln_1p()
                } else {
                    d
                }
            }
        }
    };
}
real_float!(f32);
real_float!(f64);

/// NaN-propagating maximum (`is_nan` is false for bool and int64).
pub(crate) fn max_nan<T: Elem + PartialOrd>(a: T, b: T) -> T {
    if a.is_nan() || a > b {
        a
    } else {
        b
    }
}

/// NaN-propagating minimum.
pub(crate) fn min_nan<T: Elem + PartialOrd>(a: T, b: T) -> T {
    if a.is_nan() || a < b {
        a
    } else {
        b
    }
}

/// Whether any exponent of an integer `pow` is negative.
fn has_negative(x: &NdArray) -> bool {
    match x {
        NdArray::Int64(a) => a.iter().any(|&v| v < 0),
        _ => false,
    }
}

/// A binary elementwise op on two operands (at least one an array).
fn binary<A: AsRef<NdArray>>(
    op: Op,
    o1: &Operand<'_, A>,
    o2: &Operand<'_, A>,
    inplace: bool,
) -> BResult<NdArray> {
    if !matches!(o1, Operand::Array(_)) && !matches!(o2, Operand::Array(_)) {
        return Err(BackendError::value(format!(
            "{op}: at least one operand must be an array"
        )));
    }
    let common = common_dtype(&[o1, o2]);
    let dt = compute_dtype(op, common)?;
    let x1 = materialize(op, o1, dt)?;
    let x2 = materialize(op, o2, dt)?;
    let shape = broadcast_shapes(op.name(), &[x1.shape(), x2.shape()])?;
    if inplace {
        check_inplace(op, o1, dt, &shape)?;
    }
    binary_typed(op, &x1, &x2, &shape)
}

/// The `inplace` contract: `x1` is an array whose dtype and shape the
/// result keeps.
fn check_inplace<A: AsRef<NdArray>>(
    op: Op,
    o1: &Operand<'_, A>,
    dt: DType,
    shape: &[usize],
) -> BResult<()> {
    let Operand::Array(a) = o1 else {
        return Err(BackendError::value(format!(
            "{op}: inplace needs an array as x1"
        )));
    };
    let a = a.as_ref();
    if a.dtype() != dt {
        return Err(BackendError::dtype(format!(
            "{op}: in-place result would be {dt}, but x1 is {}",
            a.dtype()
        )));
    }
    if a.shape() != shape {
        return Err(BackendError::shape(format!(
            "{op}: in-place result would have shape {shape:?}, but x1 has shape {:?}",
            a.shape()
        )));
    }
    Ok(())
}

/// The kernels of the binary ops, on operands already of the compute dtype.
// `a < b` on bool (false < true) is meant, as NumPy orders bools.
#[allow(clippy::bool_comparison)]
fn binary_typed(op: Op, x1: &NdArray, x2: &NdArray, shape: &[usize]) -> BResult<NdArray> {
    use Op::*;
    Ok(match op {
        Add => match (x1, x2) {
            (NdArray::Bool(_), _) => zip_same!(op, x1, x2, shape, |a, b| a | b, [Bool]),
            _ => zip_same!(
                op,
                x1,
                x2,
                shape,
                |a, b| Arith::add(a, b),
                [Int64, Float32, Float64, Complex128]
            ),
        },
        Multiply => match (x1, x2) {
            (NdArray::Bool(_), _) => zip_same!(op, x1, x2, shape, |a, b| a & b, [Bool]),
            _ => zip_same!(
                op,
                x1,
                x2,
                shape,
                |a, b| Arith::mul(a, b),
                [Int64, Float32, Float64, Complex128]
            ),
        },
        Subtract => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| Arith::sub(a, b),
            [Int64, Float32, Float64, Complex128]
        ),
        Divide => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| a / b,
            [Float32, Float64, Complex128]
        ),
        Pow => {
            if has_negative(x2) {
                return Err(BackendError::value(format!(
                    "{op}: integers to negative integer powers are not allowed"
                )));
            }
            zip_same!(
                op,
                x1,
                x2,
                shape,
                |a, b| Arith::pow(a, b),
                [Int64, Float32, Float64, Complex128]
            )
        }
        FloorDivide => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| FloorDiv::floordiv(a, b),
            [Int64, Float32, Float64]
        ),
        Remainder => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| FloorDiv::rem(a, b),
            [Int64, Float32, Float64]
        ),
        Atan2 => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| RealFloat::atan2(a, b),
            [Float32, Float64]
        ),
        Hypot => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| RealFloat::hypot(a, b),
            [Float32, Float64]
        ),
        Copysign => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| RealFloat::copysign(a, b),
            [Float32, Float64]
        ),
        Logaddexp => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| RealFloat::logaddexp(a, b),
            [Float32, Float64]
        ),
        Maximum => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| max_nan(a, b),
            [Bool, Int64, Float32, Float64]
        ),
        Minimum => zip_same!(
            op,
            x1,
            x2,
            shape,
            |a, b| min_nan(a, b),
            [Bool, Int64, Float32, Float64]
        ),
        Equal => {
            zip_same!(op, x1, x2, shape, |a, b| a == b, [Bool, Int64, Float32, Float64, Complex128] => Bool)
        }
        NotEqual => {
            zip_same!(op, x1, x2, shape, |a, b| a != b, [Bool, Int64, Float32, Float64, Complex128] => Bool)
        }
        Less => zip_same!(op, x1, x2, shape, |a, b| a < b, [Bool, Int64, Float32, Float64] => Bool),
        LessEqual => {
            zip_same!(op, x1, x2, shape, |a, b| a <= b, [Bool, Int64, Float32, Float64] => Bool)
        }
        Greater => {
            zip_same!(op, x1, x2, shape, |a, b| a > b, [Bool, Int64, Float32, Float64] => Bool)
        }
        GreaterEqual => {
            zip_same!(op, x1, x2, shape, |a, b| a >= b, [Bool, Int64, Float32, Float64] => Bool)
        }
        LogicalAnd => zip_same!(op, x1, x2, shape, |a, b| a & b, [Bool]),
        LogicalOr => zip_same!(op, x1, x2, shape, |a, b| a | b, [Bool]),
        LogicalXor => zip_same!(op, x1, x2, shape, |a, b| a ^ b, [Bool]),
        _ => return Err(BackendError::unsupported(format!("{op}"))),
    })
}

// --- clip and where ------------------------------------------------------------

/// `clip(x, min, max) = minimum(maximum(x, min), max)` with NaN propagation,
/// in x's dtype (bounds are converted to it); the shape broadcasts x with
/// array bounds.
fn clip<A: AsRef<NdArray>>(
    x: &NdArray,
    lo: Option<Operand<'_, A>>,
    hi: Option<Operand<'_, A>>,
) -> BResult<NdArray> {
    let op = Op::Clip;
    let dt = x.dtype();
    if dt == DType::Complex128 {
        return Err(dtype_err(op, dt));
    }
    let bound = |o: &Option<Operand<'_, A>>| -> BResult<Option<NdArray>> {
        match o {
            None => Ok(None),
            Some(Operand::Array(a)) if a.as_ref().dtype() == DType::Complex128 => Err(
                BackendError::dtype(format!("{op}: complex bounds are not allowed")),
            ),
            Some(o) => materialize(op, o, dt).map(|c| Some(c.into_owned())),
        }
    };
    let (lo, hi) = (bound(&lo)?, bound(&hi)?);
    let mut shapes: Vec<&[usize]> = vec![x.shape()];
    shapes.extend(lo.iter().chain(hi.iter()).map(|b| b.shape()));
    let shape = broadcast_shapes(op.name(), &shapes)?;
    let mut r = match &lo {
        Some(l) => zip_same!(
            op,
            x,
            l,
            &shape,
            |a, b| max_nan(a, b),
            [Bool, Int64, Float32, Float64]
        ),
        None => x.clone(),
    };
    if let Some(h) = &hi {
        r = zip_same!(
            op,
            &r,
            h,
            &shape,
            |a, b| min_nan(a, b),
            [Bool, Int64, Float32, Float64]
        );
    }
    if r.shape() != shape.as_slice() {
        r = crate::with_array!(r, a => match a.broadcast(IxDyn(&shape)) {
            Some(v) => Elem::wrap(v.to_owned()),
            None => return Err(BackendError::internal("clip: broadcast failed")),
        });
    }
    Ok(r)
}

/// `where(c, a, b)` over three broadcast views.
fn select<T: Copy + Send + Sync>(
    op: &str,
    c: &ArrayViewD<'_, bool>,
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, T>,
    shape: &[usize],
) -> BResult<ArrayD<T>> {
    let err = || BackendError::shape(format!("{op}: cannot broadcast to {shape:?}"));
    let sh = IxDyn(shape);
    let (c, a, b) = (
        c.broadcast(sh.clone()).ok_or_else(err)?,
        a.broadcast(sh.clone()).ok_or_else(err)?,
        b.broadcast(sh).ok_or_else(err)?,
    );
    let z = Zip::from(&c).and(&a).and(&b);
    Ok(if c.len() >= PAR_THRESHOLD {
        z.par_map_collect(|&c, &a, &b| if c { a } else { b })
    } else {
        z.map_collect(|&c, &a, &b| if c { a } else { b })
    })
}

/// `x1` where `condition` else `x2`; the condition is converted to bool
/// (non-zero) if it is not bool; x1 and x2 promote as in binary ops.
fn where_<A: AsRef<NdArray>>(
    cond: &NdArray,
    o1: &Operand<'_, A>,
    o2: &Operand<'_, A>,
) -> BResult<NdArray> {
    let op = Op::Where;
    let c = crate::util::typed::<bool>(cond);
    let dt = common_dtype(&[o1, o2]);
    let x1 = materialize(op, o1, dt)?;
    let x2 = materialize(op, o2, dt)?;
    let shape = broadcast_shapes(op.name(), &[c.shape(), x1.shape(), x2.shape()])?;
    let name = op.name();
    let cv = c.view();
    Ok(match (x1.as_ref(), x2.as_ref()) {
        (NdArray::Bool(a), NdArray::Bool(b)) => {
            NdArray::Bool(select(name, &cv, &a.view(), &b.view(), &shape)?)
        }
        (NdArray::Int64(a), NdArray::Int64(b)) => {
            NdArray::Int64(select(name, &cv, &a.view(), &b.view(), &shape)?)
        }
        (NdArray::Float32(a), NdArray::Float32(b)) => {
            NdArray::Float32(select(name, &cv, &a.view(), &b.view(), &shape)?)
        }
        (NdArray::Float64(a), NdArray::Float64(b)) => {
            NdArray::Float64(select(name, &cv, &a.view(), &b.view(), &shape)?)
        }
        (NdArray::Complex128(a), NdArray::Complex128(b)) => {
            NdArray::Complex128(select(name, &cv, &a.view(), &b.view(), &shape)?)
        }
        _ => {
            return Err(BackendError::internal(
                "where: operands of different dtypes",
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use glass_backend_api::{DType, ErrorKind, Op};

    use crate::util::test_util::*;
    use crate::NdArray;

    const NAN: f64 = f64::NAN;

    #[test]
    fn add_broadcasts_numpy_style() {
        let x = f64s(&[3, 1], &[1.0, 2.0, 3.0]);
        let y = f64s(&[4], &[10.0, 20.0, 30.0, 40.0]);
        let r = ok(Op::Add, &[a(&x), a(&y)]);
        let want: Vec<f64> = (1..=3)
            .flat_map(|i| (1..=4).map(move |j| i as f64 + 10.0 * j as f64))
            .collect();
        check(&r, DType::Float64, &[3, 4], &want);
        let bad = f64s(&[3], &[1.0, 2.0, 3.0]);
        assert_eq!(err(Op::Add, &[a(&bad), a(&y)]), ErrorKind::Shape);
    }

    #[test]
    fn empty_arrays_broadcast() {
        let x = f64s(&[0, 3], &[]);
        let y = f64s(&[3], &[1.0, 2.0, 3.0]);
        check(
            &ok(Op::Multiply, &[a(&x), a(&y)]),
            DType::Float64,
            &[0, 3],
            &[],
        );
        check(&ok(Op::Exp, &[a(&x)]), DType::Float64, &[0, 3], &[]);
    }

    #[test]
    fn scalar_promotion_rule() {
        let i = i64s(&[2], &[1, 2]);
        let b = bools(&[2], &[true, false]);
        let f = f32s(&[2], &[1.5, 2.5]);
        check(
            &ok(Op::Add, &[a(&i), float(0.5)]),
            DType::Float64,
            &[2],
            &[1.5, 2.5],
        );
        check(
            &ok(Op::Add, &[a(&i), int(3)]),
            DType::Int64,
            &[2],
            &[4.0, 5.0],
        );
        check(
            &ok(Op::Add, &[int(3), a(&b)]),
            DType::Int64,
            &[2],
            &[4.0, 3.0],
        );
        check(
            &ok(Op::Multiply, &[a(&f), float(2.0)]),
            DType::Float32,
            &[2],
            &[3.0, 5.0],
        );
        let c = ok(Op::Add, &[a(&f), complex(0.0, 1.0)]);
        assert_eq!(c.dtype(), DType::Complex128);
        check(
            &ok(Op::Add, &[a(&b), boolean(true)]),
            DType::Bool,
            &[2],
            &[1.0, 1.0],
        );
        assert_eq!(err(Op::Add, &[int(1), int(2)]), ErrorKind::Value);
    }

    #[test]
    fn array_promotion_is_lenient() {
        let i = i64s(&[2], &[1, 2]);
        let f = f32s(&[2], &[0.5, 0.5]);
        check(
            &ok(Op::Add, &[a(&i), a(&f)]),
            DType::Float64,
            &[2],
            &[1.5, 2.5],
        );
    }

    #[test]
    fn division_family() {
        let x = i64s(&[6], &[7, -7, 7, -7, 1, 0]);
        let y = i64s(&[6], &[3, 3, -3, -3, 0, 0]);
        let q = ok(Op::Divide, &[a(&x), a(&y)]);
        assert_eq!(q.dtype(), DType::Float64);
        assert_eq!(vals(&q)[4], f64::INFINITY);
        assert!(vals(&q)[5].is_nan());
        check(
            &ok(Op::FloorDivide, &[a(&x), a(&y)]),
            DType::Int64,
            &[6],
            &[2.0, -3.0, -3.0, 2.0, 0.0, 0.0],
        );
        check(
            &ok(Op::Remainder, &[a(&x), a(&y)]),
            DType::Int64,
            &[6],
            &[1.0, 2.0, -2.0, -1.0, 0.0, 0.0],
        );
        let fx = f64s(&[4], &[1.0, -7.0, 7.0, 5.0]);
        let fy = f64s(&[4], &[0.1, 3.0, -3.0, 0.0]);
        let fd = vals(&ok(Op::FloorDivide, &[a(&fx), a(&fy)]));
        assert_eq!(&fd[..3], &[9.0, -3.0, -3.0]);
        assert_eq!(fd[3], f64::INFINITY);
        let fr = vals(&ok(Op::Remainder, &[a(&fx), a(&fy)]));
        assert!((fr[0] - (1.0 - 9.0 * 0.1)).abs() < 1e-15);
        assert_eq!(&fr[1..3], &[2.0, -2.0]);
        assert!(fr[3].is_nan());
        let c = c128s(&[1], &[(1.0, 1.0)]);
        assert_eq!(err(Op::FloorDivide, &[a(&c), a(&c)]), ErrorKind::DType);
    }

    #[test]
    fn powers() {
        let x = i64s(&[3], &[2, -3, 0]);
        check(
            &ok(Op::Pow, &[a(&x), int(3)]),
            DType::Int64,
            &[3],
            &[8.0, -27.0, 0.0],
        );
        assert_eq!(err(Op::Pow, &[a(&x), int(-1)]), ErrorKind::Value);
        check(
            &ok(Op::Pow, &[a(&x), float(0.5)]),
            DType::Float64,
            &[3],
            &[2f64.sqrt(), NAN, 0.0],
        );
        let c = c128s(&[2], &[(0.0, 1.0), (0.0, 0.0)]);
        let p = ok(Op::Pow, &[a(&c), int(2)]);
        assert_eq!(p, c128s(&[2], &[(-1.0, 0.0), (0.0, 0.0)]));
    }

    #[test]
    fn comparisons_and_logic() {
        let x = f64s(&[3], &[1.0, NAN, 3.0]);
        check(
            &ok(Op::Less, &[a(&x), float(2.0)]),
            DType::Bool,
            &[3],
            &[1.0, 0.0, 0.0],
        );
        check(
            &ok(Op::NotEqual, &[a(&x), a(&x)]),
            DType::Bool,
            &[3],
            &[0.0, 1.0, 0.0],
        );
        let c = c128s(&[1], &[(1.0, 1.0)]);
        check(
            &ok(Op::Equal, &[a(&c), complex(1.0, 1.0)]),
            DType::Bool,
            &[1],
            &[1.0],
        );
        assert_eq!(err(Op::Less, &[a(&c), a(&c)]), ErrorKind::DType);
        let b = bools(&[2], &[true, false]);
        check(
            &ok(Op::LogicalXor, &[a(&b), boolean(true)]),
            DType::Bool,
            &[2],
            &[0.0, 1.0],
        );
        assert_eq!(err(Op::LogicalAnd, &[a(&x), a(&x)]), ErrorKind::DType);
        assert_eq!(err(Op::LogicalNot, &[a(&x)]), ErrorKind::DType);
        check(
            &ok(Op::LogicalNot, &[a(&b)]),
            DType::Bool,
            &[2],
            &[0.0, 1.0],
        );
    }

    #[test]
    fn max_min_propagate_nan() {
        let x = f64s(&[3], &[1.0, NAN, 3.0]);
        let y = f64s(&[3], &[NAN, 2.0, 2.0]);
        check(
            &ok(Op::Maximum, &[a(&x), a(&y)]),
            DType::Float64,
            &[3],
            &[NAN, NAN, 3.0],
        );
        check(
            &ok(Op::Minimum, &[a(&x), a(&y)]),
            DType::Float64,
            &[3],
            &[NAN, NAN, 2.0],
        );
    }

    #[test]
    fn inplace_contract() {
        let i = i64s(&[3], &[1, 2, 3]);
        let row = i64s(&[2, 3], &[1; 6]);
        check(
            &ok(Op::Add, &[a(&i), int(1), boolean(true)]),
            DType::Int64,
            &[3],
            &[2.0, 3.0, 4.0],
        );
        assert_eq!(
            err(Op::Add, &[a(&i), float(0.5), boolean(true)]),
            ErrorKind::DType
        );
        assert_eq!(
            err(Op::Divide, &[a(&i), int(2), boolean(true)]),
            ErrorKind::DType
        );
        assert_eq!(
            err(Op::Add, &[a(&i), a(&row), boolean(true)]),
            ErrorKind::Shape
        );
        check(
            &ok(Op::Add, &[a(&row), a(&i), boolean(true)]),
            DType::Int64,
            &[2, 3],
            &[2.0, 3.0, 4.0, 2.0, 3.0, 4.0],
        );
    }

    #[test]
    fn unary_dtypes_and_values() {
        let i = i64s(&[3], &[1, 4, 9]);
        check(
            &ok(Op::Sqrt, &[a(&i)]),
            DType::Float64,
            &[3],
            &[1.0, 2.0, 3.0],
        );
        let f = f32s(&[1], &[0.0]);
        check(&ok(Op::Exp, &[a(&f)]), DType::Float32, &[1], &[1.0]);
        let c = c128s(&[2], &[(3.0, 4.0), (0.0, -2.0)]);
        check(&ok(Op::Abs, &[a(&c)]), DType::Float64, &[2], &[5.0, 2.0]);
        check(&ok(Op::Real, &[a(&c)]), DType::Float64, &[2], &[3.0, 0.0]);
        check(&ok(Op::Imag, &[a(&c)]), DType::Float64, &[2], &[4.0, -2.0]);
        assert_eq!(
            ok(Op::Conj, &[a(&c)]),
            c128s(&[2], &[(3.0, -4.0), (0.0, 2.0)])
        );
        assert_eq!(
            ok(Op::Sign, &[a(&c)]),
            c128s(&[2], &[(0.6, 0.8), (0.0, -1.0)])
        );
        let sq = ok(Op::Sqrt, &[a(&c128s(&[1], &[(-4.0, 0.0)]))]);
        assert_eq!(sq, c128s(&[1], &[(0.0, 2.0)]));
        let x = f64s(&[6], &[0.5, 1.5, 2.5, -0.5, -1.7, NAN]);
        check(
            &ok(Op::Round, &[a(&x)]),
            DType::Float64,
            &[6],
            &[0.0, 2.0, 2.0, -0.0, -2.0, NAN],
        );
        check(
            &ok(Op::Trunc, &[a(&x)]),
            DType::Float64,
            &[6],
            &[0.0, 1.0, 2.0, -0.0, -1.0, NAN],
        );
        check(
            &ok(Op::Sign, &[a(&x)]),
            DType::Float64,
            &[6],
            &[1.0, 1.0, 1.0, -1.0, -1.0, NAN],
        );
        check(
            &ok(Op::Isnan, &[a(&x)]),
            DType::Bool,
            &[6],
            &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        );
        check(
            &ok(Op::Isfinite, &[a(&i)]),
            DType::Bool,
            &[3],
            &[1.0, 1.0, 1.0],
        );
        check(
            &ok(Op::Negative, &[a(&i)]),
            DType::Int64,
            &[3],
            &[-1.0, -4.0, -9.0],
        );
        assert_eq!(
            err(Op::Negative, &[a(&bools(&[1], &[true]))]),
            ErrorKind::DType
        );
        assert_eq!(err(Op::Floor, &[a(&c)]), ErrorKind::DType);
        check(
            &ok(Op::Floor, &[a(&i)]),
            DType::Int64,
            &[3],
            &[1.0, 4.0, 9.0],
        );
        let small = f64s(&[1], &[1e-20]);
        check(&ok(Op::Expm1, &[a(&small)]), DType::Float64, &[1], &[1e-20]);
        check(&ok(Op::Log1p, &[a(&small)]), DType::Float64, &[1], &[1e-20]);
        let zs = ok(Op::Expm1, &[a(&c128s(&[1], &[(1e-20, 0.0)]))]);
        assert_eq!(vals(&zs), vec![1e-20]);
        check(
            &ok(Op::Signbit, &[a(&f64s(&[2], &[-0.0, 1.0]))]),
            DType::Bool,
            &[2],
            &[1.0, 0.0],
        );
    }

    #[test]
    fn two_argument_real_functions() {
        let y = f64s(&[2], &[1.0, -1.0]);
        let x = i64s(&[2], &[0, 0]);
        let r = ok(Op::Atan2, &[a(&y), a(&x)]);
        check(
            &r,
            DType::Float64,
            &[2],
            &[std::f64::consts::FRAC_PI_2, -std::f64::consts::FRAC_PI_2],
        );
        check(
            &ok(Op::Hypot, &[a(&f64s(&[1], &[3e300])), float(4e300)]),
            DType::Float64,
            &[1],
            &[5e300],
        );
        check(
            &ok(Op::Copysign, &[a(&y), float(-0.0)]),
            DType::Float64,
            &[2],
            &[-1.0, -1.0],
        );
        let big = f64s(&[3], &[1000.0, f64::NEG_INFINITY, 0.0]);
        let l = ok(
            Op::Logaddexp,
            &[a(&big), a(&f64s(&[3], &[1000.0, f64::NEG_INFINITY, 0.0]))],
        );
        check(
            &l,
            DType::Float64,
            &[3],
            &[
                1000.0 + std::f64::consts::LN_2,
                f64::NEG_INFINITY,
                std::f64::consts::LN_2,
            ],
        );
    }

    #[test]
    fn clip_and_where() {
        let x = f64s(&[4], &[-1.0, 0.5, 3.0, NAN]);
        check(
            &ok(Op::Clip, &[a(&x), float(0.0), float(1.0)]),
            DType::Float64,
            &[4],
            &[0.0, 0.5, 1.0, NAN],
        );
        check(
            &ok(Op::Clip, &[a(&x), none(), float(1.0)]),
            DType::Float64,
            &[4],
            &[-1.0, 0.5, 1.0, NAN],
        );
        let lo = f64s(&[2, 1], &[0.0, 2.0]);
        let r = ok(Op::Clip, &[a(&x), a(&lo)]);
        check(
            &r,
            DType::Float64,
            &[2, 4],
            &[0.0, 0.5, 3.0, NAN, 2.0, 2.0, 3.0, NAN],
        );
        let i = i64s(&[3], &[-5, 5, 50]);
        check(
            &ok(Op::Clip, &[a(&i), int(0), int(10)]),
            DType::Int64,
            &[3],
            &[0.0, 5.0, 10.0],
        );
        let c = bools(&[2, 1], &[true, false]);
        let y = i64s(&[3], &[1, 2, 3]);
        let w = ok(Op::Where, &[a(&c), a(&y), float(0.5)]);
        check(&w, DType::Float64, &[2, 3], &[1.0, 2.0, 3.0, 0.5, 0.5, 0.5]);
        assert_eq!(
            err(Op::Where, &[a(&c), a(&y), a(&f64s(&[2], &[0.0, 0.0]))]),
            ErrorKind::Shape
        );
    }

    #[test]
    fn parallel_path_matches_sequential_reference() {
        let n = (1 << 17) + 3;
        let v: Vec<f64> = (0..n).map(|i| (i as f64) * 0.001 - 20.0).collect();
        let x = f64s(&[n], &v);
        let y = f64s(&[1], &[2.0]);
        let r = vals(&ok(Op::Multiply, &[a(&x), a(&y)]));
        assert!(r.iter().zip(&v).all(|(r, v)| *r == v * 2.0));
        let s = vals(&ok(Op::Sin, &[a(&x)]));
        assert!(s.iter().zip(&v).all(|(s, v)| *s == v.sin()));
        let t = ok(Op::Greater, &[a(&x), float(0.0)]);
        assert!(matches!(&t, NdArray::Bool(b) if b.iter().zip(&v).all(|(b, v)| *b == (*v > 0.0))));
    }
}
