//! The GLASS regression suite (`glass_benches::suite::regression`):
//! `cargo bench -p glass-benches --bench regression [-- FILTER]`.
//!
//! Ids are `{stable|unstable}/{module.function}/{backend|host}/{size}`;
//! see the crate docs of `glass_benches` for the convention.

use criterion::{criterion_group, criterion_main, Criterion};

fn regression(c: &mut Criterion) {
    glass_benches::suite::regression().run_criterion(c);
}

criterion_group!(benches, regression);
criterion_main!(benches);
