//! Data types that cross the ABI, and host buffers holding data of each.

use abi_stable::std_types::RVec;
use abi_stable::StableAbi;
use num_complex::Complex64;

use crate::error::{BResult, BackendError};

/// The data types of the contract (a subset of the Array API standard's).
///
/// A `#[repr(transparent)]` newtype over the dtype's code, with one
/// associated constant per dtype, rather than an enum: abi_stable's rule for
/// field-less enums that may grow. A peer built against a newer API may send
/// a code this build does not know (complex64, say); holding one is not
/// undefined behaviour, as it would be for an enum, and every boundary that
/// receives a dtype ([`crate::Args::dtype`], the host's array metadata)
/// turns it into a `DType` error with [`DType::known`]. Matches on a `DType`
/// therefore need a `_` arm.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DType(u8);

/// The Array API's dtype kinds, which decide what may be promoted to what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Integer,
    RealFloating,
    ComplexFloating,
}

// The constants keep the names the enum variants had, so that code reads
// the same (`DType::Float64`) and patterns still match on them.
#[allow(non_upper_case_globals)]
impl DType {
    pub const Bool: DType = DType(0);
    pub const Int64: DType = DType(1);
    pub const Float32: DType = DType(2);
    pub const Float64: DType = DType(3);
    pub const Complex128: DType = DType(4);
}

/// The dtype constants as free items, for code that used to write
/// `use DType::*` or `use DType::{Float64 as F64}` (an associated constant
/// cannot be imported; these can, and match as patterns).
#[allow(non_upper_case_globals)]
pub mod names {
    use super::DType;
    pub const Bool: DType = DType::Bool;
    pub const Int64: DType = DType::Int64;
    pub const Float32: DType = DType::Float32;
    pub const Float64: DType = DType::Float64;
    pub const Complex128: DType = DType::Complex128;
}

impl DType {
    /// Every data type of this build of the contract.
    pub const ALL: [DType; 5] = [
        DType::Bool,
        DType::Int64,
        DType::Float32,
        DType::Float64,
        DType::Complex128,
    ];

    /// The dtype's code on the wire.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// The dtype with this code, known to this build or not (see
    /// [`DType::known`]).
    pub const fn from_code(code: u8) -> DType {
        DType(code)
    }

    /// Whether this build of the contract knows the dtype.
    pub fn is_known(self) -> bool {
        DType::ALL.contains(&self)
    }

    /// The dtype itself if this build knows it; otherwise a `DType` error
    /// naming the code and this build's API version (the peer is newer).
    ///
    /// # Errors
    /// `DType`, for a code this build does not know.
    pub fn known(self) -> BResult<DType> {
        if self.is_known() {
            Ok(self)
        } else {
            Err(BackendError::dtype(format!(
                "dtype code {} is not known to glass-backend-api {} (a newer peer's dtype?)",
                self.0,
                crate::API_VERSION
            )))
        }
    }

    /// The Array API name (`"float64"`, ...); `"unknown"` for a code this
    /// build does not know.
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int64 => "int64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
            DType::Complex128 => "complex128",
            _ => "unknown",
        }
    }

    /// Parses an Array API dtype name.
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The kind; `None` for a dtype this build does not know.
    pub fn kind(self) -> Option<Kind> {
        match self {
            DType::Bool => Some(Kind::Bool),
            DType::Int64 => Some(Kind::Integer),
            DType::Float32 | DType::Float64 => Some(Kind::RealFloating),
            DType::Complex128 => Some(Kind::ComplexFloating),
            _ => None,
        }
    }

    pub fn is_floating(self) -> bool {
        matches!(
            self.kind(),
            Some(Kind::RealFloating | Kind::ComplexFloating)
        )
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self.kind(),
            Some(Kind::Integer | Kind::RealFloating | Kind::ComplexFloating)
        )
    }

    /// Size of one element in bytes; `None` for a dtype this build does not
    /// know.
    pub fn itemsize(self) -> Option<usize> {
        match self {
            DType::Bool => Some(1),
            DType::Int64 | DType::Float64 => Some(8),
            DType::Float32 => Some(4),
            DType::Complex128 => Some(16),
            _ => None,
        }
    }

    /// Promotion within the Array API's rules: the same kind promotes to the
    /// wider type, real and complex floating promote to complex. Returns
    /// `None` across kinds that the standard does not promote (bool with a
    /// number, integer with floating).
    pub fn promote_standard(a: DType, b: DType) -> Option<DType> {
        if a == b {
            return Some(a);
        }
        match (a, b) {
            (DType::Float32, DType::Float64) | (DType::Float64, DType::Float32) => {
                Some(DType::Float64)
            }
            (DType::Float32 | DType::Float64, DType::Complex128)
            | (DType::Complex128, DType::Float32 | DType::Float64) => Some(DType::Complex128),
            _ => None,
        }
    }

    /// NumPy-style promotion used by lenient backends: like
    /// [`DType::promote_standard`], and across kinds to the larger kind
    /// (bool < int64 < float64 < complex128). Dtypes reach it validated
    /// ([`DType::known`]); an unknown one is returned as it is.
    pub fn promote_lenient(a: DType, b: DType) -> DType {
        if let Some(d) = DType::promote_standard(a, b) {
            return d;
        }
        let rank = |d: DType| match d.kind() {
            Some(Kind::Bool) => Some(0),
            Some(Kind::Integer) => Some(1),
            Some(Kind::RealFloating) => Some(2),
            Some(Kind::ComplexFloating) => Some(3),
            None => None,
        };
        let (Some(ra), Some(rb)) = (rank(a), rank(b)) else {
            return if a.is_known() { b } else { a };
        };
        let (lo, hi) = if ra <= rb { (a, b) } else { (b, a) };
        match (lo, hi) {
            (DType::Bool, x) => x,
            (DType::Int64, DType::Float32 | DType::Float64) => DType::Float64,
            (_, DType::Complex128) => DType::Complex128,
            (_, x) => x,
        }
    }
}

impl std::fmt::Debug for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match *self {
            DType::Bool => "Bool",
            DType::Int64 => "Int64",
            DType::Float32 => "Float32",
            DType::Float64 => "Float64",
            DType::Complex128 => "Complex128",
            _ => return write!(f, "DType({})", self.0),
        };
        f.write_str(name)
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_known() {
            f.write_str(self.name())
        } else {
            write!(f, "unknown dtype (code {})", self.0)
        }
    }
}

/// A complex number with a stable layout, bit-compatible with
/// [`num_complex::Complex64`] (both are `#[repr(C)] { re, im }`).
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Default)]
pub struct RComplex {
    pub re: f64,
    pub im: f64,
}

impl From<Complex64> for RComplex {
    fn from(c: Complex64) -> Self {
        RComplex { re: c.re, im: c.im }
    }
}

impl From<RComplex> for Complex64 {
    fn from(c: RComplex) -> Self {
        Complex64::new(c.re, c.im)
    }
}

/// Data in host memory, one variant per [`DType`], in C (row-major) order.
/// `asarray` uploads one, `to_host` downloads one.
#[repr(u8)]
#[derive(StableAbi, Clone, Debug, PartialEq)]
pub enum HostBuffer {
    Bool(RVec<bool>),
    Int64(RVec<i64>),
    Float32(RVec<f32>),
    Float64(RVec<f64>),
    Complex128(RVec<RComplex>),
}

impl HostBuffer {
    pub fn dtype(&self) -> DType {
        match self {
            HostBuffer::Bool(_) => DType::Bool,
            HostBuffer::Int64(_) => DType::Int64,
            HostBuffer::Float32(_) => DType::Float32,
            HostBuffer::Float64(_) => DType::Float64,
            HostBuffer::Complex128(_) => DType::Complex128,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            HostBuffer::Bool(v) => v.len(),
            HostBuffer::Int64(v) => v.len(),
            HostBuffer::Float32(v) => v.len(),
            HostBuffer::Float64(v) => v.len(),
            HostBuffer::Complex128(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Rust element types that have a [`DType`] and can travel in a
/// [`HostBuffer`].
pub trait Element: Copy + Send + Sync + 'static {
    const DTYPE: DType;
    fn into_buffer(v: Vec<Self>) -> HostBuffer;
    /// The data if the buffer holds this element type.
    fn from_buffer(b: HostBuffer) -> Option<Vec<Self>>;
    fn slice_of(b: &HostBuffer) -> Option<&[Self]>;
}

macro_rules! element {
    ($t:ty, $variant:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$variant;
            fn into_buffer(v: Vec<Self>) -> HostBuffer {
                HostBuffer::$variant(RVec::from(v))
            }
            fn from_buffer(b: HostBuffer) -> Option<Vec<Self>> {
                match b {
                    HostBuffer::$variant(v) => Some(v.into_vec()),
                    _ => None,
                }
            }
            fn slice_of(b: &HostBuffer) -> Option<&[Self]> {
                match b {
                    HostBuffer::$variant(v) => Some(v.as_slice()),
                    _ => None,
                }
            }
        }
    };
}
element!(bool, Bool);
element!(i64, Int64);
element!(f32, Float32);
element!(f64, Float64);

impl Element for Complex64 {
    const DTYPE: DType = DType::Complex128;
    fn into_buffer(v: Vec<Self>) -> HostBuffer {
        HostBuffer::Complex128(v.into_iter().map(RComplex::from).collect())
    }
    fn from_buffer(b: HostBuffer) -> Option<Vec<Self>> {
        match b {
            HostBuffer::Complex128(v) => Some(v.into_iter().map(Complex64::from).collect()),
            _ => None,
        }
    }
    fn slice_of(b: &HostBuffer) -> Option<&[Self]> {
        match b {
            // SAFETY: RComplex and Complex64 are both #[repr(C)] { re: f64, im: f64 }.
            HostBuffer::Complex128(v) => {
                Some(unsafe { std::slice::from_raw_parts(v.as_ptr() as *const Complex64, v.len()) })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in DType::ALL {
            assert_eq!(DType::from_name(d.name()), Some(d));
        }
        assert_eq!(DType::from_name("int32"), None);
    }

    #[test]
    fn promotion() {
        let (b, i, f32_, f64_, c) = (
            DType::Bool,
            DType::Int64,
            DType::Float32,
            DType::Float64,
            DType::Complex128,
        );
        assert_eq!(DType::promote_standard(f32_, f64_), Some(f64_));
        assert_eq!(DType::promote_standard(f64_, c), Some(c));
        assert_eq!(DType::promote_standard(i, f64_), None);
        assert_eq!(DType::promote_standard(b, i), None);
        assert_eq!(DType::promote_lenient(i, f32_), f64_);
        assert_eq!(DType::promote_lenient(b, i), i);
        assert_eq!(DType::promote_lenient(c, b), c);
    }

    #[test]
    fn codes_are_the_old_enum_discriminants() {
        // The wire format did not change: a newtype over the same codes.
        let codes: Vec<u8> = DType::ALL.iter().map(|d| d.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_newer_peers_dtype_is_an_error_not_ub() {
        // complex64, say, added by a newer API as code 5.
        let newer = DType::from_code(5);
        assert!(!newer.is_known());
        assert_eq!(newer.kind(), None);
        let err = newer.known().unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::DType);
        assert!(err.message.contains("code 5"), "{err}");
        assert!(err.message.contains(crate::API_VERSION), "{err}");
        assert_eq!(format!("{newer:?}"), "DType(5)");
    }

    #[test]
    fn complex_slice_view() {
        let b = Complex64::into_buffer(vec![Complex64::new(1.0, -2.0)]);
        assert_eq!(
            Complex64::slice_of(&b).unwrap()[0],
            Complex64::new(1.0, -2.0)
        );
    }
}
