//! What the per-backend suite tests share (each backend runs in its own test
//! binary: both plugins export the same root-module symbol).
#![allow(dead_code)]

use glass_conformance::{Options, Outcome, Report};

/// The default options, or a seed and case count from
/// `GLASS_CONFORMANCE_SEED` / `GLASS_CONFORMANCE_CASES` (to search harder).
pub fn options() -> Options {
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse().ok());
    let d = Options::default();
    Options {
        seed: var("GLASS_CONFORMANCE_SEED").unwrap_or(d.seed),
        cases_per_op: var("GLASS_CONFORMANCE_CASES").map_or(d.cases_per_op, |c: u64| c as usize),
        filter: std::env::var("GLASS_CONFORMANCE_FILTER").ok(),
    }
}

pub fn print_failures(report: &Report) {
    println!("{}", report.table());
    for r in &report.results {
        if let Outcome::Fail(m) = &r.outcome {
            println!("FAIL {} {}: {}", r.op, r.check, m);
        }
    }
}
