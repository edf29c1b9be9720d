//! `cargo xtask`: see the library docs (`cargo doc -p xtask`) and README.md.
//!
//! What it owns: project automation (building two revisions side by side,
//! running and comparing their benchmarks). What it may not do: be a
//! dependency of any shipped crate, or hold numerics of its own.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::compare::Thresholds;
use xtask::run::{bench_compare, bench_instructions, CompareOptions, InstructionOptions, Outcome};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "glass-rs project automation")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Wall-clock regression gate: criterion benchmarks of BASE and HEAD,
    /// run alternately, compared per benchmark (exit 1 on a regression).
    BenchCompare {
        /// The base revision (a commit, branch, tag, `HEAD~1`, ...).
        base: String,
        /// The revision to check; `local` for the working tree.
        head: String,
        /// Rounds of (BASE, HEAD) runs; pooled per benchmark.
        #[arg(long, default_value_t = 4)]
        rounds: usize,
        /// Stable benchmarks fail above this regression of the mean, in
        /// percent (and only with disjoint confidence intervals).
        #[arg(long, default_value_t = 5.0)]
        stable_threshold: f64,
        /// Unstable benchmarks fail above this regression of the mean, in ms.
        #[arg(long, default_value_t = 0.5)]
        unstable_threshold_ms: f64,
        /// The instruction-count gate as well (see bench-instructions).
        #[arg(long)]
        instructions: bool,
        /// Limit of the instruction gate, in percent (with --instructions).
        #[arg(long, default_value_t = 5.0)]
        ir_limit: f64,
        /// gungraun filter of the instruction gate (with --instructions; a
        /// glob such as '*::partition*'; default: all).
        #[arg(long)]
        ir_filter: Option<String>,
        /// Package with the criterion benchmarks.
        #[arg(long, default_value = "glass-benches")]
        package: String,
        /// Only these bench targets (repeatable; default: all of the package).
        #[arg(long = "bench")]
        benches: Vec<String>,
        /// FILTER (criterion's regex on benchmark ids), then further
        /// arguments for the criterion executables.
        #[arg(last = true)]
        rest: Vec<String>,
    },
    /// Instruction-count gate: the gungraun benchmarks (valgrind) of BASE
    /// and HEAD; exit 1 when an instruction count grows beyond --ir-limit.
    BenchInstructions {
        /// The base revision.
        base: String,
        /// The revision to check; `local` for the working tree.
        head: String,
        /// Allowed growth of the instruction count (`ir`), in percent.
        #[arg(long, default_value_t = 5.0)]
        ir_limit: f64,
        /// FILTER: gungraun's glob on `instructions::glass::stable::<name>`,
        /// e.g. '*::partition*'.
        #[arg(last = true)]
        rest: Vec<String>,
    },
}

fn instruction_options(
    base: &str,
    head: &str,
    ir_limit: f64,
    filter: Option<String>,
) -> InstructionOptions {
    InstructionOptions {
        base: base.to_string(),
        head: head.to_string(),
        ir_limit_pct: ir_limit,
        package: "glass-benches-instructions".into(),
        bench: "instructions".into(),
        filter,
    }
}

fn run(cli: Cli) -> Result<Outcome, String> {
    match cli.command {
        Cmd::BenchCompare {
            base,
            head,
            rounds,
            stable_threshold,
            unstable_threshold_ms,
            instructions,
            ir_limit,
            ir_filter,
            package,
            benches,
            rest,
        } => {
            if [stable_threshold, unstable_threshold_ms]
                .iter()
                .any(|t| t.is_nan() || *t < 0.0)
            {
                return Err("thresholds must be non-negative numbers".into());
            }
            let mut rest = rest.into_iter();
            let filter = rest.next();
            let o = CompareOptions {
                base: base.clone(),
                head: head.clone(),
                rounds,
                thresholds: Thresholds {
                    stable_rel: stable_threshold / 100.0,
                    unstable_abs_ns: unstable_threshold_ms * 1e6,
                },
                package,
                benches,
                filter,
                extra: rest.collect(),
            };
            let wall = bench_compare(&o)?;
            if !instructions {
                return Ok(wall);
            }
            let ins = bench_instructions(&instruction_options(&base, &head, ir_limit, ir_filter))?;
            Ok(if wall == Outcome::Pass && ins == Outcome::Pass {
                Outcome::Pass
            } else {
                Outcome::Regression
            })
        }
        Cmd::BenchInstructions {
            base,
            head,
            ir_limit,
            rest,
        } => bench_instructions(&instruction_options(
            &base,
            &head,
            ir_limit,
            rest.into_iter().next(),
        )),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(Outcome::Pass) => ExitCode::SUCCESS,
        Ok(Outcome::Regression) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
