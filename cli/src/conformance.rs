//! `glass conformance`: the backend conformance suite on the chosen backend.

use std::process::ExitCode;

use glass::Backend;

use crate::CliResult;

#[derive(clap::Args)]
pub struct Conformance {
    /// Seed of the random test inputs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Random cases per op.
    #[arg(long, default_value_t = 20)]
    cases: usize,
    /// Only ops whose name contains this.
    #[arg(long)]
    filter: Option<String>,
}

/// Runs the suite; exit 1 when any check fails.
pub fn run(b: &Backend, c: &Conformance) -> CliResult<ExitCode> {
    let options = glass_conformance::Options {
        seed: c.seed,
        cases_per_op: c.cases,
        filter: c.filter.clone(),
    };
    let report = glass_conformance::run(b.instance(), &options);
    print!("{}", report.table());
    println!(
        "conformance of {} ({}): {} passed, {} failed, {} skipped",
        b.name(),
        b.source(),
        report.passed(),
        report.failed(),
        report.skipped()
    );
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
