//! `cargo xtask`: see the library docs (`cargo doc -p xtask`) and README.md.
//!
//! What it owns: project automation (building two revisions side by side,
//! running and comparing their benchmarks). What it may not do: be a
//! dependency of any shipped crate, or hold numerics of its own.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::compare::Thresholds;
use xtask::run::{
    bench_baseline, bench_compare, bench_gate, bench_instructions, write_history, CompareOptions,
    GateOptions, InstructionOptions, Outcome,
};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "glass-rs project automation")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
#[allow(clippy::enum_variant_names)] // the commands are `bench-*`
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
        /// Filter of the instruction gate (with --instructions; a
        /// substring of the case ids; default: all).
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
    /// Instruction-count comparison of two revisions: the counts
    /// (valgrind) of BASE and HEAD; exit 1 when one grows beyond --ir-limit.
    BenchInstructions {
        /// The base revision.
        base: String,
        /// The revision to check; `local` for the working tree.
        head: String,
        /// Allowed growth of an instruction count, in percent.
        #[arg(long, default_value_t = 5.0)]
        ir_limit: f64,
        /// FILTER: substrings of the case ids (e.g. partition).
        #[arg(last = true)]
        rest: Vec<String>,
    },
    /// The CI gate: counts the working tree's instructions and compares
    /// them with the committed baseline of this machine kind
    /// (benches/baselines/<kind>/instructions.json); exit 1 when one grows
    /// beyond --ir-limit. Writes target/bench-history/.
    BenchGate {
        /// Allowed change of an instruction count, in percent.
        #[arg(long, default_value_t = 5.0)]
        ir_limit: f64,
        /// FILTER: substrings of the case ids.
        #[arg(last = true)]
        rest: Vec<String>,
    },
    /// Counts the working tree's instructions and writes them as the
    /// baseline of this machine kind, to review and commit.
    BenchBaseline {
        /// The limit used to show what changed from the previous baseline.
        #[arg(long, default_value_t = 5.0)]
        ir_limit: f64,
    },
    /// Writes the history of the committed baselines (git log) to
    /// target/bench-history/ (index.html, <kind>.md).
    BenchHistory {
        /// Changes beyond this, in percent, are marked.
        #[arg(long, default_value_t = 5.0)]
        ir_limit: f64,
    },
}

fn instruction_options(
    base: &str,
    head: &str,
    ir_limit: f64,
    filters: Vec<String>,
) -> InstructionOptions {
    InstructionOptions {
        base: base.to_string(),
        head: head.to_string(),
        ir_limit_pct: ir_limit,
        filters,
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
            let ins = bench_instructions(&instruction_options(
                &base,
                &head,
                ir_limit,
                ir_filter.into_iter().collect(),
            ))?;
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
        } => bench_instructions(&instruction_options(&base, &head, ir_limit, rest)),
        Cmd::BenchGate { ir_limit, rest } => bench_gate(&GateOptions {
            ir_limit_pct: ir_limit,
            filters: rest,
        }),
        Cmd::BenchBaseline { ir_limit } => bench_baseline(&GateOptions {
            ir_limit_pct: ir_limit,
            filters: vec![],
        }),
        Cmd::BenchHistory { ir_limit } => {
            let root = xtask::run::repo()?;
            let page = write_history(&root, ir_limit, None)?;
            println!("{}", page.display());
            Ok(Outcome::Pass)
        }
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
