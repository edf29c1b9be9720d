//! Normals per second: the reference stream (`fill_normal`, Philox4x32-10 +
//! Box-Muller, counter based) against `rand_distr::StandardNormal` (ziggurat)
//! on `SmallRng`, both filling the same 1e6-element buffer on one thread.
//! Read the ratio of the two, measured in the same run.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use glass_backend_api::random;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use std::hint::black_box;

const N: usize = 1_000_000;

fn normals(c: &mut Criterion) {
    let mut buf = vec![0.0f64; N];
    let mut g = c.benchmark_group("normal_1e6");
    g.throughput(Throughput::Elements(N as u64));
    let mut offset = 0u64;
    g.bench_function("glass_philox_box_muller", |b| {
        b.iter(|| {
            random::fill_normal(black_box(42), 0, offset, &mut buf);
            offset += N as u64;
            black_box(&buf);
        })
    });
    let mut rng = SmallRng::seed_from_u64(42);
    g.bench_function("rand_distr_smallrng_ziggurat", |b| {
        b.iter(|| {
            for x in buf.iter_mut() {
                *x = rng.sample(StandardNormal);
            }
            black_box(&buf);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("uniform_1e6");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("glass_philox", |b| {
        b.iter(|| {
            random::fill_uniform(black_box(42), 0, 0, &mut buf);
            black_box(&buf);
        })
    });
    g.finish();

    let lam = vec![30.0f64; N];
    let mut out = vec![0i64; N];
    let mut g = c.benchmark_group("poisson_lam30_1e6");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("glass_ptrs", |b| {
        b.iter(|| {
            let r = random::fill_poisson(black_box(42), 0, 0, &lam, &mut out);
            black_box((r.is_ok(), &out));
        })
    });
    g.finish();
}

criterion_group!(benches, normals);
criterion_main!(benches);
