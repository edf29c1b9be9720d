//! The C-ABI surface: the plugin's root module and the backend instance's
//! function table. Hosts use these through the `glass` crate; backends
//! produce them with [`export_backend!`](crate::export_backend).
//!
//! The surface is deliberately small: new ops never add a field here (they
//! are names in [`crate::ops`]), so plugins built against an older op list
//! keep loading. Where it must grow, it grows the way abi_stable allows:
//! [`BackendVTable`], the instance's function table, is a prefix type (a
//! function added later is appended after the last prefix field and read
//! through an accessor returning `Option`, `None` for an older plugin), and
//! [`BackendMod`] is one too.

use std::ffi::c_void;

use abi_stable::library::RootModule;
use abi_stable::sabi_types::VersionStrings;
use abi_stable::std_types::{RResult, RSlice, RStr, RString, RVec};
use abi_stable::{declare_root_module_statics, package_version_strings, StableAbi};

use crate::error::BackendError;
use crate::value::{ArrayMeta, RValue_NE, RawArray};

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

/// A live backend: an opaque context and the function table that acts on
/// it. The struct itself never grows; the table does ([`BackendVTable`]).
///
/// Every function catches panics inside the plugin and turns them into
/// `Internal` errors; none unwinds across the boundary.
#[repr(C)]
#[derive(StableAbi)]
pub struct BackendInstance {
    pub ctx: *const c_void,
    pub vtable: BackendVTableRef,
}

/// The functions of a [`BackendInstance`]: a prefix type, so that a newer
/// API may append a function (after `destroy`, the last prefix field) and
/// still load plugins built before it (its accessor then returns `None`).
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = BackendVTableRef)))]
#[sabi(missing_field(option))]
pub struct BackendVTable {
    pub info: unsafe extern "C" fn(ctx: *const c_void) -> RResult<BackendInfo, BackendError>,
    /// Calls op `op` (an index into `info().ops`). Arrays in `args` are
    /// borrowed; arrays in the result are owned by the caller.
    pub call: unsafe extern "C" fn(
        ctx: *const c_void,
        op: u32,
        args: RSlice<'_, RValue_NE>,
    ) -> RResult<RVec<RValue_NE>, BackendError>,
    pub meta:
        unsafe extern "C" fn(ctx: *const c_void, x: RawArray) -> RResult<ArrayMeta, BackendError>,
    /// Adds an owner to an array handle.
    pub retain: unsafe extern "C" fn(ctx: *const c_void, x: RawArray),
    /// Drops an owner of an array handle; the last one frees the array.
    pub release: unsafe extern "C" fn(ctx: *const c_void, x: RawArray),
    /// Frees the context. Called once, after every array has been released.
    #[sabi(last_prefix_field)]
    pub destroy: unsafe extern "C" fn(ctx: *const c_void),
}

/// The instance's functions, called on its context.
///
/// # Safety (all of them)
/// The instance must be live (not destroyed); array handles must be live
/// handles of this instance.
impl BackendInstance {
    /// # Safety
    /// See the `impl` block.
    pub unsafe fn info(&self) -> RResult<BackendInfo, BackendError> {
        (self.vtable.info())(self.ctx)
    }

    /// # Safety
    /// See the `impl` block; arrays in `args` are borrowed for the call.
    pub unsafe fn call(
        &self,
        op: u32,
        args: &[RValue_NE],
    ) -> RResult<RVec<RValue_NE>, BackendError> {
        (self.vtable.call())(self.ctx, op, RSlice::from_slice(args))
    }

    /// # Safety
    /// See the `impl` block.
    pub unsafe fn meta(&self, x: RawArray) -> RResult<ArrayMeta, BackendError> {
        (self.vtable.meta())(self.ctx, x)
    }

    /// # Safety
    /// See the `impl` block.
    pub unsafe fn retain(&self, x: RawArray) {
        (self.vtable.retain())(self.ctx, x)
    }

    /// # Safety
    /// See the `impl` block; `x` is released once per owner.
    pub unsafe fn release(&self, x: RawArray) {
        (self.vtable.release())(self.ctx, x)
    }

    /// # Safety
    /// See the `impl` block; called once, after every array is released.
    pub unsafe fn destroy(&self) {
        (self.vtable.destroy())(self.ctx)
    }
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
