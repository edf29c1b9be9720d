//! The ABI may grow without breaking plugins, and a plugin of an
//! incompatible ABI is refused by version:
//!
//! - a plugin built against the previous ABI (glass-backend-api 0.1.0, kept
//!   as `tests/fixtures/abi-0.1.0`) is refused with a message naming both
//!   versions;
//! - a peer built against a newer API of the same minor version may send
//!   what this build does not know (one more op, dtype constant, value kind
//!   or error kind): each is a named error or a name resolved by the host,
//!   never undefined behaviour.

// abi_stable's `WithNonExhaustive` derive trips rustc's lint, as in value.rs.
#![allow(non_local_definitions)]

mod common;

use std::path::PathBuf;

use abi_stable::nonexhaustive_enum::NonExhaustive;
use abi_stable::std_types::{RString, RVec};
use abi_stable::StableAbi;
use glass::{Arg, Backend, Error, Op, Out, Source};
use glass_backend_api::export::{self, Args, Backend as PluginBackend, Value};
use glass_backend_api::reexports::abi_stable::std_types::RResult;
use glass_backend_api::value::{RValue_Interface, RValue_Storage};
use glass_backend_api::{
    ArrayMeta, BResult, BackendError, BackendInfo, DType, ErrorKind, HostBuffer, IndexItem_NE,
    RComplex, RValue, RValue_NE, RawArray, API_VERSION, OP_LIST_VERSION,
};

/// The fixture plugin, built against glass-backend-api 0.1.0.
fn build_old_plugin() -> PathBuf {
    common::build_outside_workspace("tests/fixtures/abi-0.1.0/Cargo.toml", "old")
}

#[test]
fn a_plugin_built_against_the_previous_abi_is_refused_naming_both_versions() {
    let path = build_old_plugin();
    let err = Backend::load(&path).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::AbiMismatch { .. }), "{msg}");
    assert!(
        msg.contains("0.1.0"),
        "the plugin's version is named: {msg}"
    );
    assert!(
        msg.contains(API_VERSION),
        "the host's version is named: {msg}"
    );
    assert_eq!(API_VERSION, "0.2.0");
}

// --- a newer peer, simulated ------------------------------------------------

/// `RValue` as a newer API might have it: the same variants, then one more
/// (a complex64 scalar). A value of the new variant, wrapped with this
/// enum's vtable in `RValue`'s storage, is exactly what a newer host would
/// put on the wire.
#[repr(u8)]
#[derive(StableAbi, Clone, Debug, PartialEq)]
#[sabi(kind(WithNonExhaustive(size = [u64; 8], align = u64, traits(Debug, Clone, PartialEq))))]
#[allow(dead_code)]
enum RValueNext {
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
    Complex64 { re: f32, im: f32 },
}

/// A newer host's complex64 scalar, on the wire.
fn newer_value() -> RValue_NE {
    let v =
        NonExhaustive::<RValueNext, RValue_Storage, RValue_Interface>::with_storage_and_interface(
            RValueNext::Complex64 { re: 1.0, im: 2.0 },
        );
    // SAFETY: `NonExhaustive` has the same layout whatever the enum (storage
    // and vtable pointer); the vtable stays `RValueNext`'s, as a newer
    // peer's would.
    unsafe { v.transmute_enum::<RValue>() }
}

/// The dtype a newer API might add (complex64).
const COMPLEX64: DType = DType::from_code(5);

fn zeros_id(b: &Backend) -> u32 {
    b.info()
        .ops
        .iter()
        .position(|o| o == "zeros")
        .expect("zeros listed") as u32
}

#[test]
fn an_unknown_value_kind_from_a_newer_host_is_a_value_error() {
    for name in ["ndarray", "strict"] {
        let b = common::load(name);
        let args = [
            NonExhaustive::new(RValue::Ints(vec![2].into())),
            newer_value(),
        ];
        // SAFETY: no array handles in the arguments.
        let r = unsafe { b.instance().call(zeros_id(&b), &args) };
        let RResult::RErr(e) = r else {
            panic!("{name}: zeros(shape, <unknown value>) succeeded")
        };
        assert_eq!(e.kind, ErrorKind::Value, "{name}: {e}");
        assert!(e.message.contains("does not know"), "{name}: {e}");
        assert!(e.message.contains(API_VERSION), "{name}: {e}");
    }
}

#[test]
fn an_unknown_dtype_from_a_newer_host_is_a_dtype_error() {
    for name in ["ndarray", "strict"] {
        let b = common::load(name);
        let err = b
            .call(
                Op::Zeros,
                &[
                    Arg::Value(RValue::Ints(vec![2].into())),
                    Arg::Value(RValue::DType(COMPLEX64)),
                ],
            )
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.kind(), glass::ErrorKind::DType, "{name}: {err}");
        assert!(err.to_string().contains("code 5"), "{name}: {err}");
    }
}

/// A backend built against a newer API: its op list has one more op
/// (`future.op`, and a newer op-list version), it makes arrays of a dtype
/// this host does not know, it answers with a value kind and an error kind
/// this host does not know.
struct Newer;

const NEWER_OPS: &[&str] = &["future.op", "asarray", "to_host", "zeros", "sync"];

impl PluginBackend for Newer {
    type Array = ();

    fn create(_: &str) -> BResult<Self> {
        Ok(Newer)
    }

    fn info(&self) -> BackendInfo {
        let mut info = export::info(
            "newer",
            "9.9.9",
            "a simulated newer peer",
            NEWER_OPS.iter().copied(),
            ["cpu"],
        );
        info.op_list_version = OP_LIST_VERSION + 1;
        info
    }

    fn call(&self, op: usize, _args: &Args<'_, ()>) -> BResult<Vec<Value<()>>> {
        match NEWER_OPS.get(op).copied() {
            Some("future.op") => Err(BackendError::new(ErrorKind::from_code(42), "later")),
            Some("zeros") => Ok(vec![Value::Array(())]),
            Some("sync") => Ok(vec![]),
            _ => Err(BackendError::unsupported("not here")),
        }
    }

    fn meta(&self, _: &()) -> ArrayMeta {
        ArrayMeta {
            dtype: COMPLEX64,
            shape: vec![2].into(),
            device: 0,
        }
    }
}

fn newer() -> Backend {
    let inst = export::instance::<Newer>("").unwrap();
    Backend::from_instance(inst, Source::Embedded).unwrap()
}

#[test]
fn a_newer_backends_op_list_resolves_by_name() {
    let b = newer();
    assert_eq!(b.info().op_list_version, OP_LIST_VERSION + 1);
    // Known ops resolve whatever their ids; the new one is reachable by name.
    assert!(b.supports(Op::Zeros) && b.supports(Op::Sync));
    assert!(!b.supports(Op::Add));
    assert!(b.supports_named("future.op"));
    b.sync().unwrap();
    // An error kind this host does not know arrives as a value, named.
    let err = b.call_named("future.op", &[]).map(|_| ()).unwrap_err();
    match &err {
        glass::Error::Op { error, .. } => assert_eq!(error.kind, ErrorKind::from_code(42)),
        other => panic!("expected the backend's error, got {other:?}"),
    }
    // the host sorts a kind it does not know as internal
    assert_eq!(err.kind(), glass::ErrorKind::Internal, "{err}");
    assert!(err.to_string().contains("unknown kind 42"), "{err}");
}

#[test]
fn an_array_of_a_dtype_this_host_does_not_know_is_a_dtype_error() {
    let b = newer();
    let err = b
        .call(
            Op::Zeros,
            &[
                Arg::Value(RValue::Ints(vec![2].into())),
                Arg::Value(RValue::DType(DType::Float64)),
            ],
        )
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.kind(), glass::ErrorKind::DType, "{err}");
}

#[test]
fn an_unknown_value_kind_from_a_newer_backend_is_a_value_error() {
    let v = glass_backend_api::value::from_wire(newer_value());
    let e = v.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Value);
    assert!(e.message.contains(API_VERSION), "{e}");
    // A known one passes.
    let ok = glass_backend_api::value::from_wire(NonExhaustive::new(RValue::Int(3)));
    assert_eq!(ok.unwrap(), RValue::Int(3));
}

#[test]
fn a_backend_without_sync_is_synchronous() {
    let q = common::load("quirky");
    assert!(!q.supports(Op::Sync));
    q.sync().unwrap();
    let nd = common::load("ndarray");
    assert!(nd.supports(Op::Sync));
    nd.sync().unwrap();
    let out = nd.call(Op::Sync, &[]).unwrap();
    assert!(out.is_empty());
    assert!(matches!(out.first(), None | Some(Out::Value(_))));
}
