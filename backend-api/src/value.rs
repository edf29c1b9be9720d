//! Values that cross the ABI: op arguments and results.
//!
//! Arguments are a slice of [`RValue`]; arrays in arguments are *borrowed* for
//! the duration of the call. Results are a vector of [`RValue`]; arrays in
//! results are *owned* by the caller, who releases each exactly once.

use std::ffi::c_void;

use abi_stable::std_types::{RString, RVec};
use abi_stable::StableAbi;

use crate::dtype::{DType, HostBuffer, RComplex};

/// An opaque handle to an array owned by a backend. Only the backend that
/// made it may interpret the pointer; the host never mixes handles of
/// different backends.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawArray {
    pub ptr: *const c_void,
}

// SAFETY: backends' arrays are `Send + Sync` (enforced by the `Backend`
// trait); the handle is only a pointer to one.
unsafe impl Send for RawArray {}
unsafe impl Sync for RawArray {}

/// What the host may ask of any array without calling an op.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct ArrayMeta {
    pub dtype: DType,
    pub shape: RVec<u64>,
    /// Backend-defined device index; 0 is the default device.
    pub device: u32,
}

/// One item of a basic index (`x[1:5:2, None, ..., 3]`), as in the Array
/// API's `__getitem__`.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexItem {
    /// An integer index; negative counts from the end. Removes the axis.
    Int(i64),
    /// A slice `start:stop:step`; `has_*` false means omitted.
    Slice {
        start: i64,
        has_start: bool,
        stop: i64,
        has_stop: bool,
        step: i64,
    },
    /// `None`: inserts an axis of length one.
    NewAxis,
    /// `...`: as many full slices as needed.
    Ellipsis,
}

impl IndexItem {
    /// The full slice `:`.
    pub const FULL: IndexItem = IndexItem::Slice {
        start: 0,
        has_start: false,
        stop: 0,
        has_stop: false,
        step: 1,
    };

    /// `start:stop:step` with optional ends.
    pub fn slice(start: Option<i64>, stop: Option<i64>, step: i64) -> IndexItem {
        IndexItem::Slice {
            start: start.unwrap_or(0),
            has_start: start.is_some(),
            stop: stop.unwrap_or(0),
            has_stop: stop.is_some(),
            step,
        }
    }
}

/// A value crossing the ABI.
#[repr(u8)]
#[derive(StableAbi, Clone, Debug, PartialEq)]
pub enum RValue {
    /// An omitted optional argument (Python's `None`).
    None,
    Array(RawArray),
    Buffer(HostBuffer),
    Bool(bool),
    Int(i64),
    Float(f64),
    Complex(RComplex),
    Str(RString),
    Ints(RVec<i64>),
    Floats(RVec<f64>),
    DType(DType),
    Index(RVec<IndexItem>),
}

impl RValue {
    /// A short name of the variant, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            RValue::None => "None",
            RValue::Array(_) => "array",
            RValue::Buffer(_) => "buffer",
            RValue::Bool(_) => "bool",
            RValue::Int(_) => "int",
            RValue::Float(_) => "float",
            RValue::Complex(_) => "complex",
            RValue::Str(_) => "str",
            RValue::Ints(_) => "ints",
            RValue::Floats(_) => "floats",
            RValue::DType(_) => "dtype",
            RValue::Index(_) => "index",
        }
    }
}
