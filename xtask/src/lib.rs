//! Project automation for glass-rs, run as `cargo xtask <command>`.
//!
//! - `bench-compare BASE HEAD [-- FILTER [criterion args]]`: the
//!   wall-clock regression gate. Checks out BASE and HEAD (`local`: the
//!   working tree, uncommitted changes included) in git worktrees
//!   `target/bench-compare/worktrees/{base,head}`, builds both with the same
//!   toolchain and flags, each into its own `CARGO_TARGET_DIR`
//!   (`target/bench-compare/target-{base,head}`), runs the criterion benchmarks of
//!   `glass-benches` alternately (BASE, HEAD, BASE, HEAD, ... for
//!   `--rounds` rounds), each round saved as a criterion baseline named
//!   after the role, revision and round (`base-<sha>-r1`, `head-local-r1`,
//!   ...), pools the rounds ([`compare`]) and prints one table line per
//!   benchmark. Exit status 1 when a stable benchmark's mean regresses by
//!   more than `--stable-threshold` percent (5) with disjoint confidence
//!   intervals, or an unstable one by more than `--unstable-threshold-ms`
//!   (0.5); 2 on errors.
//! - `bench-instructions BASE HEAD [-- FILTER]`: instruction counts of
//!   two revisions. Builds both the same way, runs the harness of
//!   `glass-benches-instructions` (each case under valgrind's callgrind) on
//!   each and compares the counts case by case ([`instructions`]): exit
//!   status 1 when one grows by more than `--ir-limit` percent (5).
//! - `bench-gate [-- FILTER]`: the CI gate. Counts the working tree and
//!   compares with the committed baseline of this machine kind,
//!   `benches/baselines/<kind>/instructions.json`: exit 1 beyond
//!   `--ir-limit`; a reminder when a count fell by more; skipped, saying
//!   why, when the toolchain, valgrind, C library, CPU features or kernel
//!   build differ from the baseline's, or no baseline exists for the kind.
//!   Writes the history page ([`history`]) with this run as last column.
//! - `bench-baseline`: counts the working tree and writes the baseline of
//!   this machine kind, to review and commit.
//! - `bench-history`: the history of the committed baselines,
//!   `target/bench-history/index.html` and `<kind>.md`.
//!
//! The comparison logic ([`compare`], [`estimates`]) is pure and unit
//! tested; [`revisions`], [`build`] and [`run`] do the git, cargo and
//! process work.

pub mod build;
pub mod compare;
pub mod estimates;
pub mod history;
pub mod instructions;
pub mod revisions;
pub mod run;
