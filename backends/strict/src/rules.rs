//! The one table of what the strict backend checks for each standard op:
//! the argument layout (which family of checks applies) and the dtype
//! domain, taken from array_api_strict (`_elementwise_functions.py`,
//! `_statistical_functions.py`, `_searching_functions.py`, `linalg.py`,
//! `fft.py`) and the 2024.12 standard where array_api_strict is silent.
//!
//! An op without an entry here is not offered by the strict backend.

use glass_backend_api::Op;

use crate::promotion::Domain;

/// How an op's arguments are checked; the positions follow
/// `glass_backend_api::ops`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// `(data: Buffer, shape, device)`.
    Asarray,
    /// `(x)`: any array, any device.
    ToHost,
    /// A creation op whose `dtype` argument must lie in `domain`, with a
    /// `device` argument (both found by name in the op table).
    Create { domain: Domain },
    /// `full(shape, fill_value, dtype, device)`: the fill value must fit the dtype.
    Full,
    /// `arange(start, stop, step, dtype, device)`.
    Arange,
    /// `linspace(start, stop, num, endpoint, dtype, device)`.
    Linspace,
    /// `fft.fftfreq`/`fft.rfftfreq(n, d, dtype = float64, device)`.
    FftFreq,
    /// `*_like(x, dtype)`; `fill` when a fill value sits at position 1.
    Like { fill: bool },
    /// `astype(x, dtype)`: complex to real is refused.
    Astype,
    /// `to_device(x, device)`.
    ToDevice,
    /// `sync()`: no arguments; the core has nothing queued.
    Sync,
    /// `(x)`: one array in the domain.
    Unary(Domain),
    /// `(x1, x2)`: arrays or scalars in the domain, promoted within the standard.
    Binary(Domain),
    /// `(x1, x2, inplace)`: as `Binary`, and with `inplace` the result must
    /// keep x1's dtype and shape.
    BinaryInplace(Domain),
    /// `clip(x, min, max)`.
    Clip,
    /// `where(condition, x1, x2)`.
    Where,
    /// A reduction `(x, ...)` of an array in the domain; `dtype` is the
    /// position of a `dtype` argument, if any.
    Reduce {
        domain: Domain,
        dtype: Option<usize>,
    },
    /// `cumulative_*(x, axis, include_initial)`.
    Cumulative,
    /// `searchsorted(x1, x2, side)`.
    Searchsorted,
    /// `(x)` with a data-dependent output shape.
    DataDependent { nonzero: bool },
    /// `(x, ...)`: shape manipulation of one array of any dtype.
    Manipulate,
    /// `(x1, x2, ...)`: arrays of any dtype on one device.
    BroadcastArrays,
    /// `(axis, x1, x2, ...)`: arrays promoted together.
    Join,
    /// `repeat(x, repeats, axis)`.
    Repeat,
    /// `getitem(x, index)`.
    Getitem,
    /// `setitem(x, index, value)`.
    Setitem,
    /// `take(x, indices, axis)` and `take_along_axis(x, indices, axis)`.
    Take { along_axis: bool },
    /// `getitem_mask(x, mask)`.
    GetitemMask,
    /// `(x1, x2, ...)`: two arrays in the domain, promoted within the standard.
    ArrayPair(Domain),
}

/// The checks of `op`, or `None` when the strict backend does not offer it
/// (extension namespaces, and any op added to the list later).
pub fn check(op: Op) -> Option<Check> {
    use Check::*;
    use Domain::*;
    use Op as O;
    Some(match op {
        O::Asarray => Asarray,
        O::ToHost => ToHost,
        O::Zeros | O::Ones | O::Empty | O::Eye => Create { domain: Any },
        O::Full => Full,
        O::Arange => Arange,
        O::Linspace => Linspace,
        O::FftFftfreq | O::FftRfftfreq => FftFreq,
        O::ZerosLike | O::OnesLike | O::EmptyLike => Like { fill: false },
        O::FullLike => Like { fill: true },
        O::Astype => Astype,
        O::ToDevice => ToDevice,
        O::Sync => Sync,

        // elementwise, unary
        O::Abs | O::Negative | O::Positive | O::Square | O::Sign | O::Round => Unary(Numeric),
        O::Isfinite | O::Isinf | O::Isnan => Unary(Numeric),
        O::Acos | O::Acosh | O::Asin | O::Asinh | O::Atan | O::Atanh => Unary(Floating),
        O::Cos | O::Cosh | O::Sin | O::Sinh | O::Tan | O::Tanh => Unary(Floating),
        O::Exp | O::Expm1 | O::Log | O::Log1p | O::Log2 | O::Log10 | O::Sqrt => Unary(Floating),
        O::Ceil | O::Floor | O::Trunc => Unary(RealNumeric),
        O::Signbit => Unary(RealFloating),
        O::Conj | O::Real | O::Imag => Unary(ComplexFloating),
        O::LogicalNot => Unary(Bool),

        // elementwise, binary
        O::Add | O::Subtract | O::Multiply | O::Pow => BinaryInplace(Numeric),
        O::Divide => BinaryInplace(Floating),
        O::FloorDivide | O::Remainder => BinaryInplace(RealNumeric),
        O::Atan2 | O::Hypot | O::Logaddexp => Binary(RealFloating),
        O::Maximum | O::Minimum | O::Copysign => Binary(RealNumeric),
        O::Less | O::LessEqual | O::Greater | O::GreaterEqual => Binary(RealNumeric),
        O::Equal | O::NotEqual => Binary(Any),
        O::LogicalAnd | O::LogicalOr | O::LogicalXor => Binary(Bool),
        O::Clip => Clip,
        O::Where => Where,

        // reductions
        O::Sum | O::Prod => Reduce {
            domain: Numeric,
            dtype: Some(3),
        },
        O::Mean => Reduce {
            domain: Floating,
            dtype: None,
        },
        O::Std | O::Var => Reduce {
            domain: RealFloating,
            dtype: None,
        },
        O::Min | O::Max | O::Argmax | O::Argmin => Reduce {
            domain: RealNumeric,
            dtype: None,
        },
        O::Any | O::All | O::CountNonzero => Reduce {
            domain: Any,
            dtype: None,
        },
        O::CumulativeSum | O::CumulativeProd => Cumulative,

        // searching and sorting
        O::Searchsorted => Searchsorted,
        O::Sort | O::Argsort => Reduce {
            domain: RealNumeric,
            dtype: None,
        },
        O::Nonzero => DataDependent { nonzero: true },
        O::UniqueValues => DataDependent { nonzero: false },

        // manipulation
        O::Reshape | O::PermuteDims | O::MatrixTranspose | O::BroadcastTo | O::ExpandDims => {
            Manipulate
        }
        O::Squeeze | O::Flip | O::Roll | O::Tile | O::Moveaxis => Manipulate,
        O::BroadcastArrays => BroadcastArrays,
        O::Concat | O::Stack => Join,
        O::Repeat => Repeat,

        // indexing
        O::Getitem => Getitem,
        O::Setitem => Setitem,
        O::Take => Take { along_axis: false },
        O::TakeAlongAxis => Take { along_axis: true },
        O::GetitemMask => GetitemMask,

        // linear algebra
        O::Matmul | O::Vecdot | O::Tensordot | O::LinalgOuter => ArrayPair(Numeric),
        O::LinalgSolve => ArrayPair(Floating),
        O::LinalgCholesky | O::LinalgInv | O::LinalgDet | O::LinalgEigh | O::LinalgEigvalsh => {
            Unary(Floating)
        }
        O::LinalgVectorNorm | O::LinalgMatrixNorm => Unary(Floating),
        O::LinalgDiagonal => Manipulate,

        // FFT
        O::FftFft | O::FftIfft | O::FftIrfft => Unary(ComplexFloating),
        O::FftRfft => Unary(RealFloating),

        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_op_has_checks() {
        for &op in Op::ALL {
            assert_eq!(check(op).is_some(), op.spec().is_standard(), "{op}");
        }
    }

    #[test]
    fn domains_follow_array_api_strict() {
        assert_eq!(check(Op::Sin), Some(Check::Unary(Domain::Floating)));
        assert_eq!(
            check(Op::Divide),
            Some(Check::BinaryInplace(Domain::Floating))
        );
        assert_eq!(check(Op::Less), Some(Check::Binary(Domain::RealNumeric)));
        assert_eq!(check(Op::FftRfft), Some(Check::Unary(Domain::RealFloating)));
        assert_eq!(
            check(Op::FftFft),
            Some(Check::Unary(Domain::ComplexFloating))
        );
    }
}
