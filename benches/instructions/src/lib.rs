//! Instruction counts of the stable glass benchmarks: the bench target
//! `instructions` (gungraun library benchmarks under valgrind's callgrind)
//! runs the cases of `glass_benches::suite` listed there, one call each.
//!
//! Run with `cargo bench -p glass-benches-instructions` (valgrind and
//! `gungraun-runner` 0.20.0 needed), or compare two revisions with
//! `cargo xtask bench-instructions BASE HEAD`. See `benches/README.md`.
//!
//! It owns only the harness around the cases of `glass_benches::suite`; it
//! may not define cases of its own (so both counts measure the same code).
