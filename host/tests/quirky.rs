//! An older, partly broken plugin: the op list may grow without breaking
//! plugins, panics never cross the boundary, and the conformance suite names
//! a wrong op.

mod common;

use common::load;
use glass::{Arg, Error, Op, Out};
use glass_backend_api::{RValue, OP_LIST_VERSION};

#[test]
fn a_plugin_built_against_an_older_op_list_loads() {
    let q = load("quirky");
    assert_eq!(q.info().op_list_version, 0);
    assert!(OP_LIST_VERSION > q.info().op_list_version);
    // Its ops resolve by name, whatever their ids in its own list.
    assert!(q.supports(Op::Add) && q.supports(Op::Multiply) && q.supports(Op::ToHost));
    let a = q.asarray1(&[1.0, 2.0, 3.0]).unwrap();
    let b = (&a * &a + 1.0).ok().unwrap();
    assert_eq!(b.to_vec::<f64>().unwrap(), vec![2.0, 5.0, 10.0]);
    // Ops added to the list after it was built are Unsupported, by name.
    for op in [Op::Sum, Op::Sin, Op::RandomNormal, Op::LinalgCholesky] {
        assert!(!q.supports(op));
        let err = q.call(op, &[Arg::Array(&a)]).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{op}: {err}");
        assert!(err.to_string().contains(op.name()));
    }
    // An op of its own that the host's list does not know is reachable by name.
    let out = q
        .call_named(
            "legacy.scale",
            &[Arg::Array(&a), Arg::Value(RValue::Float(2.0))],
        )
        .unwrap();
    let Some(Out::Array(s)) = out.into_iter().next() else {
        panic!("no array")
    };
    assert_eq!(s.to_vec::<f64>().unwrap(), vec![2.0, 4.0, 6.0]);
}

#[test]
fn a_panic_in_the_plugin_is_an_internal_error_and_the_host_goes_on() {
    let q = load("quirky");
    let a = q.asarray1(&[1.0, 2.0]).unwrap();
    let err = (&a / &a).ok().unwrap_err();
    assert_eq!(err.kind(), glass::ErrorKind::Internal, "{err}");
    assert!(err.to_string().contains("panicked"), "{err}");
    assert!(err.to_string().contains("divide always panics"), "{err}");
    // The backend still works.
    let b = (&a + 1.0).ok().unwrap();
    assert_eq!(b.to_vec::<f64>().unwrap(), vec![2.0, 3.0]);
}

#[test]
fn the_conformance_suite_names_the_broken_op() {
    let q = load("quirky");
    let report = glass_conformance::run(q.instance(), &glass_conformance::Options::default());
    assert!(!report.ok());
    let failed: Vec<&str> = report
        .results
        .iter()
        // The plugin implements float64 only; its other dtypes fail as
        // unimplemented. The values check on float64 is the one that
        // must tell the wrong op from the right ones.
        .filter(|r| {
            matches!(r.outcome, glass_conformance::Outcome::Fail(_)) && r.check == "values[float64]"
        })
        .map(|r| r.op.as_str())
        .collect();
    assert!(failed.contains(&"subtract"), "failed: {failed:?}");
    assert!(
        failed.contains(&"divide"),
        "the panicking op fails too: {failed:?}"
    );
    assert!(report.table().contains("subtract"));
}
