//! Spherical harmonic transforms: `cargo bench -p glass-benches --bench sht`.
//!
//! Group `sht`: alm2map, map2alm (iter 0 and 3) and alm2map_spin at
//! lmax = 2 nside for nside in `GLASS_BENCH_NSIDES` (default
//! 128,256,512,1024), with the kernels of glass-healpix on one thread
//! (`threads1`, a private rayon pool) and on all threads (`threadsN`).
//! Group `sht_backend`: alm2map through each backend's op interface
//! (`GLASS_BENCH_BACKENDS`), at the sizes where the strict backend's
//! standard-op fallback is practical (nside <= 64) plus the native sizes for
//! ndarray: the cost of the plugin boundary and of the fallback.
//!
//! The ratio against healpy comes from `tools/bench_vs_healpy.py`, which
//! times both in one run on the same machine.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use glass::healpix;
use glass_healpix::alm::alm_size;
use glass_healpix::sht::ShtPlan;
use num_complex::Complex64;
use std::time::Duration;

fn nsides() -> Vec<i64> {
    std::env::var("GLASS_BENCH_NSIDES")
        .unwrap_or_else(|_| "128,256,512,1024".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn test_alm(lmax: usize) -> Vec<Complex64> {
    (0..alm_size(lmax, lmax))
        .map(|i| {
            Complex64::new((0.37 * i as f64).cos(), (0.11 * i as f64).sin())
                / (1.0 + (i % (lmax + 1)) as f64)
        })
        .collect()
}

fn kernels(c: &mut Criterion) {
    let mut g = c.benchmark_group("sht");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    let all = rayon::current_num_threads();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    for nside in nsides() {
        let lmax = 2 * nside as usize;
        let plan = ShtPlan::new(nside, lmax, lmax).expect("plan");
        let alm = test_alm(lmax);
        let map = plan.alm2map(&alm).expect("alm2map");
        for (threads, pool) in [(1, Some(&one)), (all, None)] {
            let run = |f: &(dyn Fn() + Sync)| match pool {
                Some(p) => p.install(f),
                None => f(),
            };
            let id = |op: &str| BenchmarkId::new(op, format!("nside{nside}/threads{threads}"));
            g.bench_function(id("alm2map"), |b| {
                b.iter(|| run(&|| drop(plan.alm2map(&alm))))
            });
            g.bench_function(id("map2alm_iter0"), |b| {
                b.iter(|| run(&|| drop(plan.map2alm(&map, 0, None))))
            });
            g.bench_function(id("map2alm_iter3"), |b| {
                b.iter(|| run(&|| drop(plan.map2alm(&map, 3, None))))
            });
            g.bench_function(id("alm2map_spin2"), |b| {
                b.iter(|| run(&|| drop(plan.alm2map_spin(2, &alm, &alm))))
            });
        }
    }
    g.finish();
}

fn through_backends(c: &mut Criterion) {
    let mut g = c.benchmark_group("sht_backend");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    for b in glass_benches::backends() {
        let sizes: Vec<i64> = if b.supports(glass::Op::HealpixAlm2map) {
            nsides()
        } else {
            vec![16, 32, 64]
        };
        for nside in sizes {
            let lmax = 2 * nside as usize;
            let alm = b.asarray1(&test_alm(lmax)).expect("upload");
            g.bench_function(
                BenchmarkId::new(format!("{}/alm2map", b.name()), format!("nside{nside}")),
                |bch| {
                    bch.iter(|| {
                        healpix::alm2map(&alm, nside, Some(lmax), Some(lmax)).expect("alm2map")
                    })
                },
            );
        }
    }
    g.finish();
}

criterion_group!(benches, kernels, through_backends);
criterion_main!(benches);
