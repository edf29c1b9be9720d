//! Sizes from input are checked before anything is allocated (issue 17,
//! item 3): an array larger than the memory available is an
//! `OutOfMemory` error that says how much was asked for, never an abort.

use glass::error::ErrorKind;
use glass::rng::Rng;
use glass::{Backend, DType, Error};

fn refused(r: glass::Result<glass::Array>, what: &str) {
    match r {
        Err(e @ Error::OutOfMemory { .. }) => {
            assert_eq!(e.kind(), ErrorKind::OutOfMemory);
            let m = e.to_string();
            assert!(m.contains(what) && m.contains("more than the"), "{m}");
        }
        Err(e) => panic!("{what}: another error: {e}"),
        Ok(_) => panic!("{what}: allocated"),
    }
}

#[test]
fn arrays_beyond_memory_are_errors() {
    for xp in [
        Backend::embedded_ndarray().unwrap(),
        Backend::by_spec("strict").unwrap(),
    ] {
        let huge = [1usize << 40, 1 << 20];
        refused(
            xp.zeros(&huge, DType::Float64),
            "shape [1099511627776, 1048576]",
        );
        refused(xp.ones(&huge, DType::Int64), "dtype Int64");
        refused(xp.empty(&huge, DType::Complex128), "Complex128");
        refused(xp.full(&huge, 1.0, DType::Float64), "would take 8.0 EiB");
        // a shape whose product overflows usize
        refused(xp.zeros(&[usize::MAX, 3], DType::Float64), "384.0 EiB");
        let mut rng = Rng::new(1);
        refused(rng.uniform(&xp, &huge, 0.0, 1.0), "random.uniform");
        refused(rng.standard_normal(&xp, &[usize::MAX, 3]), "random.normal");
        // and a small one still works
        assert_eq!(xp.zeros(&[3, 4], DType::Float64).unwrap().size(), 12);
    }
}
