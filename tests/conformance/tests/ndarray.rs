//! The suite on the in-process ndarray backend. (One backend per test binary:
//! both plugins export the same root-module symbol, so their rlibs cannot
//! be linked into one executable.)

use glass_conformance::{run, Options, Outcome, Report};

/// The default options, or a seed and case count from
/// `GLASS_CONFORMANCE_SEED` / `GLASS_CONFORMANCE_CASES` (to search harder).
fn options() -> Options {
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse().ok());
    let d = Options::default();
    Options {
        seed: var("GLASS_CONFORMANCE_SEED").unwrap_or(d.seed),
        cases_per_op: var("GLASS_CONFORMANCE_CASES").map_or(d.cases_per_op, |c: u64| c as usize),
        filter: std::env::var("GLASS_CONFORMANCE_FILTER").ok(),
    }
}

fn print_failures(report: &Report) {
    println!("{}", report.table());
    for r in &report.results {
        if let Outcome::Fail(m) = &r.outcome {
            println!("FAIL {} {}: {}", r.op, r.check, m);
        }
    }
}

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
    unsafe { (inst.destroy)(inst.ctx) };
}
