//! Spherical harmonic transforms: `cargo bench -p glass-benches --bench sht`.
//!
//! The cases of `glass_benches::suite::sht` (all stable): alm2map, map2alm
//! (iter 0 and 3) and alm2map_spin at lmax = 2 nside for nside in
//! `GLASS_BENCH_NSIDES` (default 64,256), with the kernels of glass-healpix
//! on one thread (`host-threads1`, a private rayon pool) and on the global
//! pool (`host-threadsN`); and alm2map through each backend's op interface
//! (`GLASS_BENCH_BACKENDS`), where the strict backend runs the standard-op
//! fallback at nside 16 and 64: the cost of the plugin boundary and of the
//! fallback. Ids: `stable/healpix.alm2map/host-threads1/nside256`,
//! `stable/healpix.alm2map/ndarray/nside256`, ...
//!
//! The ratio against healpy comes from `tools/bench_vs_healpy.py`, which
//! times both in one run on the same machine.

use criterion::{criterion_group, criterion_main, Criterion};

fn sht(c: &mut Criterion) {
    glass_benches::suite::sht().run_criterion(c);
}

criterion_group!(benches, sht);
criterion_main!(benches);
