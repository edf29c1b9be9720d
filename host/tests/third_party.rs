//! A backend built outside the workspace, against glass-backend-api alone,
//! loads by path and runs.

mod common;

use std::path::PathBuf;

use glass::{Backend, DType, Error, Op};

fn build_example() -> PathBuf {
    common::build_outside_workspace("examples/third-party-backend/Cargo.toml", "example")
}

#[test]
fn third_party_example_loads_by_path_and_runs() {
    let path = build_example();
    let b = Backend::by_spec(path.to_str().unwrap()).unwrap();
    assert_eq!(b.name(), "example");
    assert_eq!(b.source(), &glass::Source::Library(path));
    let x = b.asarray1(&[9.0, 16.0]).unwrap();
    let y = (&x * 2.0 + &x).ok().unwrap().sqrt().unwrap();
    assert_eq!(y.to_vec::<f64>().unwrap(), vec![27f64.sqrt(), 48f64.sqrt()]);
    assert_eq!(x.sum(None, false).unwrap().item::<f64>().unwrap(), 25.0);
    // What it does not implement is Unsupported, named.
    let err = x.sin().unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    // zeros_like falls back to zeros, on the same backend.
    assert!(!b.supports(Op::ZerosLike));
    let z = x.zeros_like(None).unwrap();
    assert_eq!(z.backend(), &b);
    assert_eq!(z.dtype(), DType::Float64);
    assert_eq!(z.to_vec::<f64>().unwrap(), vec![0.0, 0.0]);
}

/// The example, built outside the workspace against the current
/// glass-backend-api, passes the conformance suite: every op it lists is
/// right, and what it leaves out (other dtypes, broadcasting) it answers
/// `Unsupported`, which the suite skips.
#[test]
fn third_party_example_passes_the_conformance_suite() {
    let path = build_example();
    let b = Backend::by_spec(path.to_str().unwrap()).unwrap();
    let report = glass_conformance::run(b.instance(), &glass_conformance::Options::default());
    assert!(report.ok(), "{}", report.table());
    assert!(report.passed() > 0, "{}", report.table());
}
