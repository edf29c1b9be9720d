//! Data types that cross the ABI, and host buffers holding data of each.

use abi_stable::std_types::RVec;
use abi_stable::StableAbi;
use num_complex::Complex64;

/// The data types of the contract (a subset of the Array API standard's).
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool = 0,
    Int64 = 1,
    Float32 = 2,
    Float64 = 3,
    Complex128 = 4,
}

/// The Array API's dtype kinds, which decide what may be promoted to what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Integer,
    RealFloating,
    ComplexFloating,
}

impl DType {
    /// Every data type of the contract.
    pub const ALL: [DType; 5] = [
        DType::Bool,
        DType::Int64,
        DType::Float32,
        DType::Float64,
        DType::Complex128,
    ];

    /// The Array API name (`"float64"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int64 => "int64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
            DType::Complex128 => "complex128",
        }
    }

    /// Parses an Array API dtype name.
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }

    pub fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::Int64 => Kind::Integer,
            DType::Float32 | DType::Float64 => Kind::RealFloating,
            DType::Complex128 => Kind::ComplexFloating,
        }
    }

    pub fn is_floating(self) -> bool {
        matches!(self.kind(), Kind::RealFloating | Kind::ComplexFloating)
    }

    pub fn is_numeric(self) -> bool {
        self != DType::Bool
    }

    /// Size of one element in bytes.
    pub fn itemsize(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::Int64 | DType::Float64 => 8,
            DType::Float32 => 4,
            DType::Complex128 => 16,
        }
    }

    /// Promotion within the Array API's rules: the same kind promotes to the
    /// wider type, real and complex floating promote to complex. Returns
    /// `None` across kinds that the standard does not promote (bool with a
    /// number, integer with floating).
    pub fn promote_standard(a: DType, b: DType) -> Option<DType> {
        use DType::*;
        if a == b {
            return Some(a);
        }
        match (a, b) {
            (Float32, Float64) | (Float64, Float32) => Some(Float64),
            (Float32 | Float64, Complex128) | (Complex128, Float32 | Float64) => Some(Complex128),
            _ => None,
        }
    }

    /// NumPy-style promotion used by lenient backends: like
    /// [`DType::promote_standard`], and across kinds to the larger kind
    /// (bool < int64 < float64 < complex128).
    pub fn promote_lenient(a: DType, b: DType) -> DType {
        if let Some(d) = DType::promote_standard(a, b) {
            return d;
        }
        use DType::*;
        let rank = |d: DType| match d {
            Bool => 0,
            Int64 => 1,
            Float32 | Float64 => 2,
            Complex128 => 3,
        };
        let (lo, hi) = if rank(a) <= rank(b) { (a, b) } else { (b, a) };
        match (lo, hi) {
            (Bool, x) => x,
            (Int64, Float32 | Float64) => Float64,
            (_, Complex128) => Complex128,
            (_, x) => x,
        }
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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
        use DType::*;
        assert_eq!(DType::promote_standard(Float32, Float64), Some(Float64));
        assert_eq!(
            DType::promote_standard(Float64, Complex128),
            Some(Complex128)
        );
        assert_eq!(DType::promote_standard(Int64, Float64), None);
        assert_eq!(DType::promote_standard(Bool, Int64), None);
        assert_eq!(DType::promote_lenient(Int64, Float32), Float64);
        assert_eq!(DType::promote_lenient(Bool, Int64), Int64);
        assert_eq!(DType::promote_lenient(Complex128, Bool), Complex128);
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
