//! Values that cross the ABI: op arguments and results.
//!
//! Arguments are a slice of [`RValue`]; arrays in arguments are *borrowed* for
//! the duration of the call. Results are a vector of [`RValue`]; arrays in
//! results are *owned* by the caller, who releases each exactly once.
//!
//! # Growth
//!
//! [`RValue`] and [`IndexItem`] are non-exhaustive enums in abi_stable's
//! sense: on the wire they travel as [`RValue_NE`] and [`IndexItem_NE`]
//! (`NonExhaustive` wrappers with a fixed storage size and the sender's
//! vtable), so a newer API may add a variant (a new value kind) without
//! changing the layout, and a peer that receives a variant it does not know
//! sees an error ([`from_wire`], [`crate::Args`]), never undefined
//! behaviour. Inside one program both are ordinary Rust enums, marked
//! `#[non_exhaustive]` so that matches on them keep compiling when they grow.

// abi_stable 0.11's `WithNonExhaustive` derive implements a trait inside a
// `const _` block, which rustc's `non_local_definitions` lint flags.
#![allow(non_local_definitions)]

use std::ffi::c_void;

use abi_stable::nonexhaustive_enum::NonExhaustive;
use abi_stable::std_types::{RString, RVec};
use abi_stable::StableAbi;

use crate::dtype::{DType, HostBuffer, RComplex};
use crate::error::{BResult, BackendError};

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
/// API's `__getitem__`. Crosses the ABI as [`IndexItem_NE`] (room for
/// variants of up to six words).
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
#[sabi(kind(WithNonExhaustive(size = [u64; 6], align = u64, traits(Debug, Clone, PartialEq))))]
#[non_exhaustive]
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

/// A value crossing the ABI. Crosses it as [`RValue_NE`] (room for variants
/// of up to eight words; today's largest, `Buffer`, takes six).
#[repr(u8)]
#[derive(StableAbi, Clone, Debug, PartialEq)]
#[sabi(kind(WithNonExhaustive(size = [u64; 8], align = u64, traits(Debug, Clone, PartialEq))))]
#[non_exhaustive]
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
    Index(RVec<IndexItem_NE>),
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

    /// A basic index, wrapped for the wire.
    pub fn index(items: impl IntoIterator<Item = IndexItem>) -> RValue {
        RValue::Index(items.into_iter().map(NonExhaustive::new).collect())
    }
}

/// What a receiver says of a value kind (or index item) its build does not
/// know: a newer peer sent it.
pub fn unknown_variant(what: &str) -> BackendError {
    BackendError::value(format!(
        "a {what} of a kind glass-backend-api {} does not know (sent by a newer peer?)",
        crate::API_VERSION
    ))
}

/// Wraps values for the wire (what a caller of
/// [`BackendInstance::call`](crate::BackendInstance::call) passes).
pub fn to_wire(values: &[RValue]) -> Vec<RValue_NE> {
    values.iter().cloned().map(NonExhaustive::new).collect()
}

/// Unwraps a value received from the wire.
///
/// # Errors
/// `Value`, for a value kind this build does not know.
pub fn from_wire(v: RValue_NE) -> BResult<RValue> {
    v.into_enum().map_err(|_| unknown_variant("value"))
}

/// Unwraps the items of a received basic index.
///
/// # Errors
/// `Value`, for an index item of a kind this build does not know.
pub fn index_from_wire(items: &[IndexItem_NE]) -> BResult<Vec<IndexItem>> {
    items
        .iter()
        .map(|i| {
            i.as_enum()
                .copied()
                .map_err(|_| unknown_variant("index item"))
        })
        .collect()
}
