//! # glass-backend-api
//!
//! The contract between the `glass` host and its array backends, which are
//! plugins (cdylibs) loaded at run time.
//!
//! What this crate owns:
//! - [`ffi`]: the stable C ABI (an abi_stable root module with one `create`
//!   function, and a fixed function table per backend instance). Loading
//!   checks the ABI version and the type layout before any plugin code runs.
//! - [`ops`]: the op list, by Array API name, with argument conventions. Ops
//!   are resolved to ids once at load; adding an op is a minor change.
//! - [`params`]: each op's typed parameters, read from its signature in
//!   the op table; backends read arguments by parameter name through it.
//! - [`value`], [`dtype`], [`error`]: what crosses the boundary.
//! - [`export`]: the safe [`Backend`] trait and [`export_backend!`], which
//!   catch panics so they never cross the ABI.
//! - [`random`]: the reference random streams (Philox4x32-10) that every
//!   backend's `random.*` must reproduce bit for bit.
//!
//! What it may not do: depend on any array library, or know about any
//! particular backend.
//!
//! # How the ABI grows (abi_stable's library-evolution rules)
//!
//! The crate version is the ABI version: abi_stable refuses a plugin built
//! against another minor version while at 0.x (0.1 and 0.2 are
//! incompatible), and the host names both versions. Within one minor
//! version, a newer peer may add, without breaking older plugins or hosts:
//!
//! - an op: a name in [`ops`] (and [`OP_LIST_VERSION`]); ids are resolved
//!   by name at load, an op a backend does not list is `Unsupported`;
//! - a dtype or an error kind: [`DType`] and [`ErrorKind`] are transparent
//!   newtypes with constants, so an unknown code is a value (a `DType`
//!   error where it is received, an error of unknown kind for the host),
//!   not undefined behaviour;
//! - a value kind or an index item: [`RValue`] and [`IndexItem`] travel as
//!   abi_stable `NonExhaustive` enums ([`RValue_NE`]); an unknown variant is
//!   a `Value` error where it is received;
//! - a function of the backend instance: [`BackendVTable`] is a prefix type
//!   (fields after `destroy` are read as `Option`s).
//!
//! `host/tests/abi.rs` checks each of these, and that a plugin built against
//! glass-backend-api 0.1.0 (`tests/fixtures/abi-0.1.0`) is refused.
//!
//! # Writing a backend
//!
//! ```ignore
//! use glass_backend_api::{export::{self, Args, Backend, Value}, BResult, ArrayMeta, BackendInfo};
//! struct Mine;
//! impl Backend for Mine {
//!     type Array = Vec<f64>;
//!     fn create(_: &str) -> BResult<Self> { Ok(Mine) }
//!     fn info(&self) -> BackendInfo { export::info("mine", "0.1.0", "an example", ["asarray", "to_host"], ["cpu"]) }
//!     fn call(&self, op: usize, args: &Args<'_, Vec<f64>>) -> BResult<Vec<Value<Vec<f64>>>> { todo!() }
//!     fn meta(&self, x: &Vec<f64>) -> ArrayMeta { todo!() }
//! }
//! glass_backend_api::export_backend!(Mine);
//! ```

pub mod dtype;
pub mod error;
pub mod export;
pub mod ffi;
pub mod ops;
pub mod params;
pub mod random;
pub mod value;

pub use dtype::{DType, Element, HostBuffer, Kind, RComplex};
pub use error::{BResult, BackendError, ErrorKind};
pub use export::{Args, Backend, Operand, Value};
pub use ffi::{
    BackendInfo, BackendInstance, BackendMod, BackendModRef, BackendVTable, BackendVTableRef,
};
pub use ops::{Op, OpSpec, OPS, OP_LIST_VERSION};
pub use value::{ArrayMeta, IndexItem, IndexItem_NE, RValue, RValue_NE, RawArray};

/// The version of this crate, which is the ABI version plugins are checked
/// against.
pub const API_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What [`export_backend!`] needs from abi_stable, so that plugins depend on
/// this crate alone.
#[doc(hidden)]
pub mod reexports {
    pub use abi_stable;
    pub use abi_stable::prefix_type::PrefixTypeTrait;
}
