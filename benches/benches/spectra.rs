//! Built-in angular matter spectra: `cargo bench -p glass-benches --bench spectra`.
//!
//! `glass::spectra::matter_cls` for the 10 shells of the performance
//! anchors (tophats of `redshift_grid(0, 1, dz=0.1)` with the CAMB ramp
//! weight; h = 0.7, Omega_c = 0.25, Omega_b = 0.05, m_nu = 0.06 eV,
//! A_s = 2e-9, n_s = 0.965; HMcode-2020, the default) at lmax 256 and 1024, on one
//! thread (a private rayon pool) and on the global pool. Ids:
//! `spectra.matter_cls/threads1/lmax1024`, ...
//!
//! CAMB (`glass.ext.camb.matter_cls`) takes 55-81 s at lmax 256 on this
//! machine kind (timed by `tools/reference/camb_spectra.py`, recorded in
//! `host/tests/golden/science/spectra_camb.txt`) and 473 s at lmax 1024
//! (`../shared/anchors/README.md`).

use criterion::{criterion_group, criterion_main, Criterion};
use glass::shells::{redshift_grid, tophat_windows, GridStep, RadialWindow, Weight, WindowOptions};
use glass::spectra::{matter_cls, MatterClsOptions, Parameters};

struct Ramp;

impl Weight for Ramp {
    fn weight(&self, z: f64) -> f64 {
        (z / 0.1).min(1.0)
    }
}

fn anchor_shells() -> Vec<RadialWindow> {
    let zb = redshift_grid(0.0, 1.0, GridStep::Step(0.1)).expect("redshift grid");
    tophat_windows(
        &zb,
        WindowOptions {
            weight: Some(&Ramp),
            ..Default::default()
        },
    )
    .expect("tophat windows")
}

fn spectra(c: &mut Criterion) {
    let h = 0.7;
    let mut p = Parameters::flat(h, 0.0, 0.05);
    p.omega_m = 0.25 + 0.05 + p.m_nu / 93.14 / (h * h);
    let shells = anchor_shells();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("one-thread pool");
    let mut g = c.benchmark_group("spectra.matter_cls");
    g.sample_size(10);
    for lmax in [256, 1024] {
        g.bench_function(format!("threads1/lmax{lmax}"), |b| {
            b.iter(|| one.install(|| matter_cls(&p, lmax, &shells, MatterClsOptions::default())))
        });
        g.bench_function(format!("threadsN/lmax{lmax}"), |b| {
            b.iter(|| matter_cls(&p, lmax, &shells, MatterClsOptions::default()))
        });
    }
    g.finish();
}

criterion_group!(benches, spectra);
criterion_main!(benches);
