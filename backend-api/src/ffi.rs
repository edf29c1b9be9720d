//! The C-ABI surface: the plugin's root module and the backend instance's
//! function table. Hosts use these through the `glass` crate; backends
//! produce them with [`export_backend!`](crate::export_backend).
//!
//! The surface is deliberately small and fixed: new ops never add a field
//! here (they are names in [`crate::ops`]), so plugins built against an older
//! op list keep loading.

use std::ffi::c_void;

use abi_stable::library::RootModule;
use abi_stable::sabi_types::VersionStrings;
use abi_stable::std_types::{RResult, RSlice, RStr, RString, RVec};
use abi_stable::{declare_root_module_statics, package_version_strings, StableAbi};

use crate::error::BackendError;
use crate::value::{ArrayMeta, RValue, RawArray};

/// What a backend says about itself.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct BackendInfo {
    /// Short name, as used in `GLASS_BACKEND` (`"ndarray"`).
    pub name: RString,
    /// The backend's own version.
    pub version: RString,
    /// One line on what it is.
    pub description: RString,
    /// The `glass-backend-api` version it was built against.
    pub api_version: RString,
    /// The [`OP_LIST_VERSION`](crate::ops::OP_LIST_VERSION) it was built against.
    pub op_list_version: u32,
    /// The ops it implements; an op's id is its index in this list.
    pub ops: RVec<RString>,
    /// Its devices; the index is the device id used in op arguments.
    pub devices: RVec<RString>,
}

/// A live backend: an opaque context and the functions that act on it.
///
/// Every function catches panics inside the plugin and turns them into
/// `Internal` errors; none unwinds across the boundary.
#[repr(C)]
#[derive(StableAbi)]
pub struct BackendInstance {
    pub ctx: *const c_void,
    pub info: unsafe extern "C" fn(ctx: *const c_void) -> RResult<BackendInfo, BackendError>,
    /// Calls op `op` (an index into `info().ops`). Arrays in `args` are
    /// borrowed; arrays in the result are owned by the caller.
    pub call: unsafe extern "C" fn(
        ctx: *const c_void,
        op: u32,
        args: RSlice<'_, RValue>,
    ) -> RResult<RVec<RValue>, BackendError>,
    pub meta:
        unsafe extern "C" fn(ctx: *const c_void, x: RawArray) -> RResult<ArrayMeta, BackendError>,
    /// Adds an owner to an array handle.
    pub retain: unsafe extern "C" fn(ctx: *const c_void, x: RawArray),
    /// Drops an owner of an array handle; the last one frees the array.
    pub release: unsafe extern "C" fn(ctx: *const c_void, x: RawArray),
    /// Frees the context. Called once, after every array has been released.
    pub destroy: unsafe extern "C" fn(ctx: *const c_void),
}

// SAFETY: the context is a `Backend`, which is `Send + Sync`.
unsafe impl Send for BackendInstance {}
unsafe impl Sync for BackendInstance {}

/// The root module every backend plugin exports.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = BackendModRef)))]
#[sabi(missing_field(panic))]
pub struct BackendMod {
    /// Creates the backend; `config` is reserved for backend options
    /// (empty by default).
    #[sabi(last_prefix_field)]
    pub create: extern "C" fn(config: RStr<'_>) -> RResult<BackendInstance, BackendError>,
}

impl RootModule for BackendModRef {
    declare_root_module_statics! {BackendModRef}
    const BASE_NAME: &'static str = "glass_backend";
    const NAME: &'static str = "glass_backend";
    /// The `glass-backend-api` version: abi_stable refuses a plugin whose
    /// version is incompatible (another minor version while at 0.x) and names
    /// both versions.
    const VERSION_STRINGS: VersionStrings = package_version_strings!();
}
