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
//! - `bench-instructions BASE HEAD [-- FILTER]`: the instruction-count
//!   gate. Builds both revisions the same way, runs the gungraun
//!   benchmarks of `glass-benches-instructions` under valgrind (callgrind)
//!   on BASE (`--save-baseline`) and then on HEAD against it with
//!   `--callgrind-limits=ir=<--ir-limit>%` (5): exit status 1 when an
//!   instruction count grows by more than that.
//!
//! The comparison logic ([`compare`], [`estimates`]) is pure and unit
//! tested; [`revisions`], [`build`] and [`run`] do the git, cargo and
//! process work.

pub mod build;
pub mod compare;
pub mod estimates;
pub mod revisions;
pub mod run;
