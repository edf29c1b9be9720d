//! The safe side of a plugin: implement [`Backend`], then
//! `glass_backend_api::export_backend!(MyBackend);` in the cdylib's root.
//!
//! The exporter wraps every entry point in `catch_unwind`, so a panic inside
//! the backend comes back to the host as an `Internal` error.

use std::any::Any;
use std::ffi::c_void;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use abi_stable::nonexhaustive_enum::NonExhaustive;
use abi_stable::prefix_type::WithMetadata;
use abi_stable::staticref;
use abi_stable::std_types::{RResult, RSlice, RStr, RString, RVec};
use num_complex::Complex64;

use crate::dtype::{DType, HostBuffer, RComplex};
use crate::error::{BResult, BackendError};
use crate::ffi::{BackendInfo, BackendInstance, BackendVTable, BackendVTableRef};
use crate::ops::Op;
use crate::params::{Default, Param};
use crate::value::{ArrayMeta, IndexItem, RValue, RValue_NE, RawArray};

/// An op result, with arrays owned by the backend's own type.
#[derive(Debug)]
pub enum Value<A> {
    None,
    Array(A),
    Buffer(HostBuffer),
    Bool(bool),
    Int(i64),
    Float(f64),
    Complex(Complex64),
    Str(String),
    Ints(Vec<i64>),
    Floats(Vec<f64>),
    DType(DType),
    Index(Vec<IndexItem>),
}

/// A backend, as a plugin author writes it.
pub trait Backend: Send + Sync + Sized + 'static {
    /// The backend's array. Arrays are shared by reference counting in the
    /// exporter, so this type need not be cheap to clone.
    type Array: Send + Sync + 'static;

    /// Creates the backend (`config` is empty unless the user passed options).
    fn create(config: &str) -> BResult<Self>;

    /// Name, version, description, op list, devices ([`info`] fills in the
    /// rest). `api_version` is overwritten by the exporter.
    fn info(&self) -> BackendInfo;

    /// Calls op number `op` (an index into `info().ops`).
    fn call(&self, op: usize, args: &Args<'_, Self::Array>) -> BResult<Vec<Value<Self::Array>>>;

    /// Dtype, shape and device of an array.
    fn meta(&self, x: &Self::Array) -> ArrayMeta;
}

/// Fills in the fields of [`BackendInfo`] that the API decides.
pub fn info(
    name: &str,
    version: &str,
    description: &str,
    ops: impl IntoIterator<Item = impl Into<String>>,
    devices: impl IntoIterator<Item = impl Into<String>>,
) -> BackendInfo {
    BackendInfo {
        name: name.into(),
        version: version.into(),
        description: description.into(),
        api_version: crate::API_VERSION.into(),
        op_list_version: crate::ops::OP_LIST_VERSION,
        ops: ops.into_iter().map(|s| RString::from(s.into())).collect(),
        devices: devices
            .into_iter()
            .map(|s| RString::from(s.into()))
            .collect(),
    }
}

/// A scalar or array operand of an elementwise op.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a, A> {
    Array(&'a A),
    Bool(bool),
    Int(i64),
    Float(f64),
    Complex(Complex64),
}

/// Typed access to an op's arguments, with errors that name the op and the
/// argument.
///
/// It reads the wire form ([`RValue_NE`]): an argument of a value kind this
/// build does not know (a newer host's) is a `Value` error naming it, never
/// taken for a missing argument.
pub struct Args<'a, A> {
    raw: &'a [RValue_NE],
    op: &'a str,
    /// The op's parameters, for access by name (looked up from `op` when
    /// not given).
    params: Option<&'static [Param]>,
    _array: PhantomData<&'a A>,
}

impl<'a, A: 'static> Args<'a, A> {
    /// Wraps raw arguments.
    ///
    /// # Safety
    /// Every `RValue::Array` in `raw` must be a handle made by this backend's
    /// exporter for arrays of type `A`, alive for `'a`.
    pub unsafe fn new(raw: &'a [RValue_NE], op: &'a str) -> Self {
        Args {
            raw,
            op,
            params: None,
            _array: PhantomData,
        }
    }

    /// The same arguments, read by name through `params` (the exporter
    /// passes the op's own, resolved once per backend).
    pub fn with_params(self, params: &'static [Param]) -> Self {
        Args {
            params: Some(params),
            ..self
        }
    }

    /// The first `n` arguments only (the rest read as omitted).
    pub fn truncated(&self, n: usize) -> Args<'a, A> {
        Args {
            raw: &self.raw[..n.min(self.raw.len())],
            op: self.op,
            params: self.params,
            _array: PhantomData,
        }
    }

    pub fn op(&self) -> &'a str {
        self.op
    }
    pub fn len(&self) -> usize {
        self.raw.len()
    }
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
    /// Argument `i`; `None` when it is missing or of a value kind this build
    /// does not know.
    pub fn raw(&self, i: usize) -> Option<&'a RValue> {
        self.raw.get(i).and_then(|v| v.as_enum().ok())
    }

    /// Argument `i`: `Ok(None)` when missing, an error when of an unknown
    /// value kind.
    fn value(&self, i: usize) -> BResult<Option<&'a RValue>> {
        match self.raw.get(i) {
            None => Ok(None),
            Some(v) => match v.as_enum() {
                Ok(v) => Ok(Some(v)),
                Err(_) => Err(self.unknown(i)),
            },
        }
    }

    fn unknown(&self, i: usize) -> BackendError {
        crate::value::unknown_variant("value").context(format!("{}: argument {i}", self.op))
    }

    fn err(&self, i: usize, want: &str) -> BackendError {
        let got = match self.raw.get(i) {
            None => "nothing",
            Some(v) => match v.as_enum() {
                Ok(v) => v.type_name(),
                Err(_) => return self.unknown(i),
            },
        };
        BackendError::value(format!(
            "{}: argument {} must be {}, got {}",
            self.op, i, want, got
        ))
    }

    /// Whether argument `i` is missing or `None` (an argument of an unknown
    /// value kind is neither).
    pub fn is_none(&self, i: usize) -> bool {
        matches!(self.value(i), Ok(None | Some(RValue::None)))
    }

    pub fn array(&self, i: usize) -> BResult<&'a A> {
        match self.value(i)? {
            // SAFETY: guaranteed by `Args::new`'s contract.
            Some(RValue::Array(h)) => Ok(unsafe { &*(h.ptr as *const A) }),
            _ => Err(self.err(i, "an array")),
        }
    }

    pub fn opt_array(&self, i: usize) -> BResult<Option<&'a A>> {
        if self.is_none(i) {
            Ok(None)
        } else {
            self.array(i).map(Some)
        }
    }

    /// All arguments from `i` on, which must be arrays.
    pub fn arrays_from(&self, i: usize) -> BResult<Vec<&'a A>> {
        (i..self.raw.len()).map(|j| self.array(j)).collect()
    }

    pub fn operand(&self, i: usize) -> BResult<Operand<'a, A>> {
        Ok(match self.value(i)? {
            Some(RValue::Array(_)) => Operand::Array(self.array(i)?),
            Some(RValue::Bool(b)) => Operand::Bool(*b),
            Some(RValue::Int(v)) => Operand::Int(*v),
            Some(RValue::Float(v)) => Operand::Float(*v),
            Some(RValue::Complex(c)) => Operand::Complex((*c).into()),
            _ => return Err(self.err(i, "an array or a scalar")),
        })
    }

    pub fn opt_operand(&self, i: usize) -> BResult<Option<Operand<'a, A>>> {
        if self.is_none(i) {
            Ok(None)
        } else {
            self.operand(i).map(Some)
        }
    }

    pub fn int(&self, i: usize) -> BResult<i64> {
        match self.value(i)? {
            Some(RValue::Int(v)) => Ok(*v),
            _ => Err(self.err(i, "an int")),
        }
    }
    pub fn opt_int(&self, i: usize) -> BResult<Option<i64>> {
        if self.is_none(i) {
            Ok(None)
        } else {
            self.int(i).map(Some)
        }
    }
    pub fn int_or(&self, i: usize, default: i64) -> BResult<i64> {
        Ok(self.opt_int(i)?.unwrap_or(default))
    }

    /// A real number; ints are accepted.
    pub fn float(&self, i: usize) -> BResult<f64> {
        match self.value(i)? {
            Some(RValue::Float(v)) => Ok(*v),
            Some(RValue::Int(v)) => Ok(*v as f64),
            _ => Err(self.err(i, "a float")),
        }
    }
    pub fn opt_float(&self, i: usize) -> BResult<Option<f64>> {
        if self.is_none(i) {
            Ok(None)
        } else {
            self.float(i).map(Some)
        }
    }
    pub fn float_or(&self, i: usize, default: f64) -> BResult<f64> {
        Ok(self.opt_float(i)?.unwrap_or(default))
    }

    pub fn bool_or(&self, i: usize, default: bool) -> BResult<bool> {
        match self.value(i)? {
            None | Some(RValue::None) => Ok(default),
            Some(RValue::Bool(b)) => Ok(*b),
            _ => Err(self.err(i, "a bool")),
        }
    }

    pub fn str_or(&self, i: usize, default: &'a str) -> BResult<&'a str> {
        match self.value(i)? {
            None | Some(RValue::None) => Ok(default),
            Some(RValue::Str(s)) => Ok(s.as_str()),
            _ => Err(self.err(i, "a string")),
        }
    }

    pub fn ints(&self, i: usize) -> BResult<&'a [i64]> {
        match self.value(i)? {
            Some(RValue::Ints(v)) => Ok(v.as_slice()),
            _ => Err(self.err(i, "a list of ints")),
        }
    }
    /// A list of ints; a single int is taken as a list of one.
    pub fn opt_ints(&self, i: usize) -> BResult<Option<Vec<i64>>> {
        match self.value(i)? {
            None | Some(RValue::None) => Ok(None),
            Some(RValue::Ints(v)) => Ok(Some(v.to_vec())),
            Some(RValue::Int(v)) => Ok(Some(vec![*v])),
            _ => Err(self.err(i, "a list of ints or None")),
        }
    }

    /// A dtype this build knows (an unknown code from a newer host is a
    /// `DType` error).
    pub fn dtype(&self, i: usize) -> BResult<DType> {
        match self.value(i)? {
            Some(RValue::DType(d)) => d
                .known()
                .map_err(|e| e.context(format!("{}: argument {i}", self.op))),
            _ => Err(self.err(i, "a dtype")),
        }
    }
    pub fn opt_dtype(&self, i: usize) -> BResult<Option<DType>> {
        if self.is_none(i) {
            Ok(None)
        } else {
            self.dtype(i).map(Some)
        }
    }

    pub fn buffer(&self, i: usize) -> BResult<&'a HostBuffer> {
        match self.value(i)? {
            Some(RValue::Buffer(b)) => Ok(b),
            _ => Err(self.err(i, "a host buffer")),
        }
    }

    /// A basic index (an item of a kind this build does not know is a
    /// `Value` error).
    pub fn index(&self, i: usize) -> BResult<Vec<IndexItem>> {
        match self.value(i)? {
            Some(RValue::Index(v)) => crate::value::index_from_wire(v)
                .map_err(|e| e.context(format!("{}: argument {i}", self.op))),
            _ => Err(self.err(i, "an index")),
        }
    }

    // --- by parameter name, with the op table's defaults ----------------

    /// The op's parameters.
    pub fn params(&self) -> &'static [Param] {
        match self.params {
            Some(p) => p,
            None => Op::from_name(self.op).map_or(&[], Op::params),
        }
    }

    /// The position and default of parameter `name`.
    ///
    /// # Errors
    /// `Internal`: the op has no such parameter (a bug of the backend).
    pub fn param(&self, name: &str) -> BResult<(usize, Option<&'static Default>)> {
        let params = self.params();
        let i = crate::params::position(self.op, params, name)?;
        Ok((i, params[i].default.as_ref()))
    }

    pub fn array_of(&self, name: &str) -> BResult<&'a A> {
        self.array(self.param(name)?.0)
    }
    pub fn opt_array_of(&self, name: &str) -> BResult<Option<&'a A>> {
        self.opt_array(self.param(name)?.0)
    }
    /// The variadic arrays (`x1, x2, ...`).
    pub fn arrays_of(&self, name: &str) -> BResult<Vec<&'a A>> {
        self.arrays_from(self.param(name)?.0)
    }
    pub fn operand_of(&self, name: &str) -> BResult<Operand<'a, A>> {
        self.operand(self.param(name)?.0)
    }
    /// An int; the table's default when omitted.
    pub fn int_of(&self, name: &str) -> BResult<i64> {
        match self.param(name)? {
            (i, Some(Default::Int(d))) => self.int_or(i, *d),
            (i, _) => self.int(i),
        }
    }
    pub fn opt_int_of(&self, name: &str) -> BResult<Option<i64>> {
        match self.param(name)? {
            (i, Some(Default::Int(d))) => self.int_or(i, *d).map(Some),
            (i, _) => self.opt_int(i),
        }
    }
    /// A real number; the table's default when omitted.
    pub fn float_of(&self, name: &str) -> BResult<f64> {
        match self.param(name)? {
            (i, Some(Default::Float(d))) => self.float_or(i, *d),
            (i, Some(Default::Int(d))) => self.float_or(i, *d as f64),
            (i, _) => self.float(i),
        }
    }
    /// A bool; the table's default when omitted (required without one).
    pub fn bool_of(&self, name: &str) -> BResult<bool> {
        match self.param(name)? {
            (i, Some(Default::Bool(d))) => self.bool_or(i, *d),
            (i, _) if self.is_none(i) => Err(self.err(i, "a bool")),
            (i, _) => self.bool_or(i, false),
        }
    }
    /// A string; the table's default when omitted (required without one).
    pub fn str_of(&self, name: &str) -> BResult<&'a str> {
        match self.param(name)? {
            (i, Some(Default::Str(d))) => self.str_or(i, d.as_str()),
            (i, _) if self.is_none(i) => Err(self.err(i, "a string")),
            (i, _) => self.str_or(i, ""),
        }
    }
    pub fn ints_of(&self, name: &str) -> BResult<&'a [i64]> {
        self.ints(self.param(name)?.0)
    }
    pub fn opt_ints_of(&self, name: &str) -> BResult<Option<Vec<i64>>> {
        self.opt_ints(self.param(name)?.0)
    }
    /// A dtype; the table's default when omitted.
    pub fn dtype_of(&self, name: &str) -> BResult<DType> {
        match self.param(name)? {
            (i, Some(Default::DType(d))) => Ok(self.opt_dtype(i)?.unwrap_or(*d)),
            (i, _) => self.dtype(i),
        }
    }
    pub fn opt_dtype_of(&self, name: &str) -> BResult<Option<DType>> {
        match self.param(name)? {
            (i, Some(Default::DType(d))) => Ok(Some(self.opt_dtype(i)?.unwrap_or(*d))),
            (i, _) => self.opt_dtype(i),
        }
    }
    pub fn buffer_of(&self, name: &str) -> BResult<&'a HostBuffer> {
        self.buffer(self.param(name)?.0)
    }
    pub fn index_of(&self, name: &str) -> BResult<Vec<IndexItem>> {
        self.index(self.param(name)?.0)
    }
}

/// Runs `f`, turning a panic into an `Internal` error.
pub fn guard<T>(what: &str, f: impl FnOnce() -> BResult<T>) -> BResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(BackendError::internal(format!(
            "{what}: the backend panicked: {}",
            panic_message(&*payload)
        ))),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

/// The context behind a [`BackendInstance`]: the backend and its op names
/// (kept so that errors can name the op).
struct Ctx<B> {
    backend: B,
    op_names: Vec<String>,
    /// The table's parameters of each listed op (empty for a backend's own
    /// extensions), resolved once.
    op_params: Vec<&'static [Param]>,
}

fn into_raw_value<A: Send + Sync + 'static>(v: Value<A>) -> RValue {
    match v {
        Value::None => RValue::None,
        Value::Array(a) => RValue::Array(RawArray {
            ptr: Arc::into_raw(Arc::new(a)) as *const c_void,
        }),
        Value::Buffer(b) => RValue::Buffer(b),
        Value::Bool(b) => RValue::Bool(b),
        Value::Int(v) => RValue::Int(v),
        Value::Float(v) => RValue::Float(v),
        Value::Complex(c) => RValue::Complex(RComplex::from(c)),
        Value::Str(s) => RValue::Str(s.into()),
        Value::Ints(v) => RValue::Ints(v.into()),
        Value::Floats(v) => RValue::Floats(v.into()),
        Value::DType(d) => RValue::DType(d),
        Value::Index(v) => RValue::index(v),
    }
}

unsafe extern "C" fn ffi_info<B: Backend>(
    ctx: *const c_void,
) -> RResult<BackendInfo, BackendError> {
    let ctx = &*(ctx as *const Ctx<B>);
    guard("info", || {
        let mut info = ctx.backend.info();
        // The API version is the one compiled in, whatever the backend says.
        info.api_version = crate::API_VERSION.into();
        Ok(info)
    })
    .into()
}

unsafe extern "C" fn ffi_call<B: Backend>(
    ctx: *const c_void,
    op: u32,
    args: RSlice<'_, RValue_NE>,
) -> RResult<RVec<RValue_NE>, BackendError> {
    let ctx = &*(ctx as *const Ctx<B>);
    let Some(name) = ctx.op_names.get(op as usize) else {
        return RResult::RErr(BackendError::unsupported(format!(
            "op id {op} is not in this backend's op list"
        )));
    };
    guard(name, || {
        // SAFETY: the host passes only handles made by this exporter.
        let params = ctx.op_params.get(op as usize).copied().unwrap_or(&[]);
        let a = Args::<B::Array>::new(args.as_slice(), name).with_params(params);
        let out = ctx.backend.call(op as usize, &a)?;
        Ok(out
            .into_iter()
            .map(|v| NonExhaustive::new(into_raw_value(v)))
            .collect())
    })
    .into()
}

unsafe extern "C" fn ffi_meta<B: Backend>(
    ctx: *const c_void,
    x: RawArray,
) -> RResult<ArrayMeta, BackendError> {
    let ctx = &*(ctx as *const Ctx<B>);
    let a = &*(x.ptr as *const B::Array);
    guard("meta", || Ok(ctx.backend.meta(a))).into()
}

unsafe extern "C" fn ffi_retain<B: Backend>(_ctx: *const c_void, x: RawArray) {
    Arc::increment_strong_count(x.ptr as *const B::Array);
}

unsafe extern "C" fn ffi_release<B: Backend>(_ctx: *const c_void, x: RawArray) {
    // A panicking Drop of a backend array must not unwind into the host.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        Arc::decrement_strong_count(x.ptr as *const B::Array);
    }));
}

unsafe extern "C" fn ffi_destroy<B: Backend>(ctx: *const c_void) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        drop(Box::from_raw(ctx as *mut Ctx<B>));
    }));
}

/// Creates `B` and wraps it in the C-ABI function table. Used by
/// [`export_backend!`](crate::export_backend) for the plugin's root module,
/// and by hosts that embed a backend in-process.
pub fn instance<B: Backend>(config: &str) -> BResult<BackendInstance> {
    guard("create", || {
        let backend = B::create(config)?;
        let op_names: Vec<String> = backend.info().ops.iter().map(|s| s.to_string()).collect();
        let op_params = op_names
            .iter()
            .map(|n| Op::from_name(n).map_or(&[][..], Op::params))
            .collect();
        let ctx = Box::new(Ctx {
            backend,
            op_names,
            op_params,
        });
        Ok(BackendInstance {
            ctx: Box::into_raw(ctx) as *const c_void,
            vtable: VTable::<B>::VTABLE,
        })
    })
}

/// The static function table of backend `B`.
struct VTable<B>(PhantomData<B>);

impl<B: Backend> VTable<B> {
    staticref!(const WM: WithMetadata<BackendVTable> = WithMetadata::new(BackendVTable {
        info: ffi_info::<B>,
        call: ffi_call::<B>,
        meta: ffi_meta::<B>,
        retain: ffi_retain::<B>,
        release: ffi_release::<B>,
        destroy: ffi_destroy::<B>,
    }));
    const VTABLE: BackendVTableRef = BackendVTableRef(Self::WM.as_prefix());
}

/// The root module's `create` for `B`.
pub extern "C" fn ffi_create<B: Backend>(
    config: RStr<'_>,
) -> RResult<BackendInstance, BackendError> {
    instance::<B>(config.as_str()).into()
}

/// Exports a [`Backend`] as a plugin: put `export_backend!(MyBackend);` in
/// the root of a `cdylib` crate. It also defines
/// `pub fn glass_backend_instance(config: &str)`, which creates the same
/// backend in-process (for hosts that embed it).
#[macro_export]
macro_rules! export_backend {
    ($backend:ty) => {
        /// Creates this backend in-process, behind the same C ABI as the plugin.
        pub fn glass_backend_instance(
            config: &str,
        ) -> ::core::result::Result<$crate::ffi::BackendInstance, $crate::error::BackendError> {
            $crate::export::instance::<$backend>(config)
        }

        /// The plugin's root module, checked by the host before any other code runs.
        pub fn glass_backend_root_module() -> $crate::ffi::BackendModRef {
            use $crate::reexports::PrefixTypeTrait;
            $crate::ffi::BackendMod {
                create: $crate::export::ffi_create::<$backend>,
            }
            .leak_into_prefix()
        }

        // What abi_stable's `#[export_root_module]` generates, spelled with
        // `$crate` paths so that plugins need not depend on abi_stable.
        #[doc(hidden)]
        #[export_name = "_1as_0lib_1header_0root_bmodule_bloader"]
        pub static GLASS_BACKEND_LIB_HEADER: $crate::reexports::abi_stable::library::LibHeader = {
            extern "C" fn erased_module() -> $crate::reexports::abi_stable::library::RootModuleResult {
                $crate::reexports::abi_stable::library::__call_root_module_loader(glass_backend_root_module)
            }
            // SAFETY: the constructor returns the module type named here, as
            // abi_stable's own macro arranges.
            unsafe {
                $crate::reexports::abi_stable::library::LibHeader::from_constructor::<
                    $crate::ffi::BackendModRef,
                >(
                    erased_module,
                    $crate::reexports::abi_stable::library::CheckTypeLayout::Yes,
                )
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::Args;
    use crate::value::{to_wire, RValue};
    use crate::ErrorKind;

    #[test]
    fn arguments_by_name_take_the_tables_defaults() {
        let wire = to_wire(&[RValue::None, RValue::None, RValue::None]);
        // SAFETY: no array handles.
        let a = unsafe { Args::<()>::new(&wire, "fft.rfft") };
        assert_eq!(a.opt_int_of("n").unwrap(), None);
        assert_eq!(a.int_of("axis").unwrap(), -1);
        assert_eq!(a.str_of("norm").unwrap(), "backward");
        assert_eq!(a.param("nope").unwrap_err().kind, ErrorKind::Internal);
        let wire = to_wire(&[RValue::Int(8), RValue::None, RValue::Int(3)]);
        // SAFETY: no array handles.
        let f = unsafe { Args::<()>::new(&wire, "fft.fftfreq") };
        assert_eq!(f.int_of("n").unwrap(), 8);
        assert_eq!(f.float_of("d").unwrap(), 1.0);
        assert_eq!(f.dtype_of("dtype").unwrap_err().kind, ErrorKind::Value);
        assert_eq!(f.int_of("device").unwrap(), 0);
    }

    #[test]
    fn exported_symbol_is_abi_stables_loader_name() {
        assert_eq!(
            abi_stable::library::ROOT_MODULE_LOADER_NAME,
            "_1as_0lib_1header_0root_bmodule_bloader"
        );
    }
}
