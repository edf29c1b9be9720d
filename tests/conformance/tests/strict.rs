//! The suite on the in-process strict backend. (One backend per test binary:
//! both plugins export the same root-module symbol, so their rlibs cannot
//! be linked into one executable.)

mod common;

use common::{options, print_failures};
use glass_conformance::{run, Outcome};

#[test]
fn strict() {
    let inst = glass_backend_strict::glass_backend_instance("").expect("create");
    let report = run(&inst, &options());
    print_failures(&report);
    // Failures of the backend are findings (listed above, reported to its
    // owners); failures of the suite itself are bugs here.
    assert!(report.suite_bugs().is_empty(), "{:#?}", report.suite_bugs());
    if options().filter.is_none() {
        assert!(report.passed() > 300, "{}", report.table());
    }
    // SAFETY: every array of the run has been released.
    unsafe { inst.destroy() };
}

/// With data-dependent shapes enabled, the ops that need them must pass too.
#[test]
fn strict_with_data_dependent_shapes() {
    let inst =
        glass_backend_strict::glass_backend_instance("data_dependent_shapes=1").expect("create");
    let report = run(&inst, &options());
    print_failures(&report);
    assert!(report.suite_bugs().is_empty(), "{:#?}", report.suite_bugs());
    for op in ["nonzero", "unique_values", "repeat", "getitem_mask"] {
        assert!(
            report
                .results
                .iter()
                .any(|r| r.op == op && r.outcome == Outcome::Pass),
            "{op} did not run:\n{}",
            report.table()
        );
    }
    // SAFETY: every array of the run has been released.
    unsafe { inst.destroy() };
}
