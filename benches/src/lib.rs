//! Shared helpers of the glass benchmarks: which backends to run.
//!
//! Every benchmark runs for each backend that loads, chosen through the same
//! plugin loader as the program (`GLASS_BENCH_BACKENDS=ndarray,strict`
//! restricts the list; the default is ndarray and strict).

pub mod science;

use glass::Backend;

/// The backends to benchmark, loaded from their plugin libraries where
/// found (the embedded ndarray backend otherwise).
pub fn backends() -> Vec<Backend> {
    let names =
        std::env::var("GLASS_BENCH_BACKENDS").unwrap_or_else(|_| "ndarray,strict".to_string());
    names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .filter_map(|n| match Backend::by_spec(n) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("skipping backend {n}: {e}");
                None
            }
        })
        .collect()
}
