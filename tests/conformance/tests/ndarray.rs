//! The suite on the in-process ndarray backend. (One backend per test binary:
//! both plugins export the same root-module symbol, so their rlibs cannot
//! be linked into one executable.)

mod common;

use common::{options, print_failures};
use glass_conformance::run;

#[test]
fn ndarray() {
    let inst = glass_backend_ndarray::glass_backend_instance("").expect("create");
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
