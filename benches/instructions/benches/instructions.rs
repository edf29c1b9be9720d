//! Instruction counts of the stable benchmarks, one call each, under
//! valgrind's callgrind (gungraun 0.20).
//!
//! `cargo bench -p glass-benches-instructions [-- --save-baseline=NAME]`;
//! gate against a saved baseline with
//! `-- --baseline=NAME --callgrind-limits='ir=5%'` or compare two
//! revisions with `cargo xtask bench-instructions BASE HEAD`. Needs valgrind
//! and `gungraun-runner` 0.20.0 (`cargo install gungraun-runner --version
//! 0.20.0`).
//!
//! Each `#[bench]` names one stable case of `glass_benches::suite` by its
//! full id; its inputs are built in `prepare` (not counted). A test of
//! glass-benches checks that every stable case is listed here, except:
//! - the native HEALPix transform kernels (`healpix.*` on `host-threads*`
//!   and on `ndarray`): their AVX2+FMA code uses a VEX-encoded `vmovq`
//!   that valgrind 3.19 cannot decode (SIGILL); the strict backend's
//!   standard-op fallback is counted instead;
//! - multi-threaded cases (`host-threadsN`: scheduling is not
//!   deterministic) and transforms above nside 64 (too slow under
//!   valgrind).
//!
//! The environment is cleared by gungraun, so the benchmarks run with the
//! default backends (ndarray, strict) and one rayon thread.

use std::hint::black_box;

use glass_benches::Body;
use gungraun::{library_benchmark, library_benchmark_group, main, LibraryBenchmarkConfig};

/// Builds the inputs of the case with this id (outside the count).
///
/// callgrind counts only the benchmark's own thread (gungraun toggles
/// collection on its function), so rayon work on pool threads would go
/// uncounted: this thread becomes the only worker of a one-thread pool,
/// and every parallel iterator of the host (statically linked here) runs
/// inline on it.
fn prepare(id: &str) -> Body {
    let suite = glass_benches::suite::all();
    let mut body = match suite.find(id) {
        Some(case) => case.prepare(),
        None => panic!("no benchmark {id} in glass_benches::suite"),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .expect("a one-thread rayon pool on the benchmark thread");
    Box::new(move || {
        let _pool = &pool;
        body()
    })
}

#[library_benchmark(setup = prepare)]
#[bench::ndinterp("stable/arraytools.ndinterp/host/100x1000")]
#[bench::trapezoid_product("stable/arraytools.trapezoid_product/host/3xn10000")]
#[bench::partition_nnls("stable/shells.partition_nnls/host/shells30")]
#[bench::partition_lstsq("stable/shells.partition_lstsq/host/shells30")]
#[bench::partition_restrict("stable/shells.partition_restrict/host/shells30")]
#[bench::nnls("stable/algorithm.nnls/host/300x60")]
#[bench::cov_clip("stable/algorithm.cov_clip/host/n100")]
#[bench::nearcorr("stable/algorithm.nearcorr/host/n60")]
#[bench::cov_nearest("stable/algorithm.cov_nearest/host/n60")]
#[bench::multalm_ndarray("stable/harmonics.multalm/ndarray/lmax999")]
#[bench::multalm_strict("stable/harmonics.multalm/strict/lmax999")]
#[bench::alm2map_strict16("stable/healpix.alm2map/strict/nside16")]
#[bench::alm2map_strict64("stable/healpix.alm2map/strict/nside64")]
#[bench::solve_gaussian_spectra256("stable/fields.solve_gaussian_spectra/host/shells10_lmax256")]
#[bench::solve_gaussian_spectra1024("stable/fields.solve_gaussian_spectra/host/shells10_lmax1024")]
#[bench::effective_cls("stable/fields.effective_cls/host/fields10_w10x5_lmax1000")]
#[bench::generate_ndarray("stable/fields.generate/ndarray/nside64_shells3")]
#[bench::generate_strict("stable/fields.generate/strict/nside64_shells3")]
#[bench::multi_plane_ndarray("stable/lensing.multi_plane_convergence/ndarray/nside64_planes10")]
#[bench::multi_plane_strict("stable/lensing.multi_plane_convergence/strict/nside64_planes10")]
#[bench::from_convergence_ndarray("stable/lensing.from_convergence/ndarray/nside64_shear")]
#[bench::from_convergence_strict("stable/lensing.from_convergence/strict/nside64_shear")]
#[bench::positions_ndarray("stable/points.positions_from_delta/ndarray/nside64_ngal1e5")]
#[bench::positions_strict("stable/points.positions_from_delta/strict/nside64_ngal1e5")]
#[bench::redshifts_ndarray("stable/galaxies.redshifts/ndarray/ngal1e5")]
#[bench::redshifts_strict("stable/galaxies.redshifts/strict/ngal1e5")]
#[bench::galaxy_shear_ndarray("stable/galaxies.galaxy_shear/ndarray/nside64_ngal1e5")]
#[bench::galaxy_shear_strict("stable/galaxies.galaxy_shear/strict/nside64_ngal1e5")]
#[bench::intnorm_ndarray("stable/shapes.ellipticity_intnorm/ndarray/ngal1e5")]
#[bench::intnorm_strict("stable/shapes.ellipticity_intnorm/strict/ngal1e5")]
#[bench::triaxial_ndarray("stable/shapes.triaxial_axis_ratio/ndarray/ngal1e5")]
#[bench::triaxial_strict("stable/shapes.triaxial_axis_ratio/strict/ngal1e5")]
fn stable(mut body: Body) {
    body();
    black_box(());
}

library_benchmark_group!(name = glass, benchmarks = [stable]);

main!(
    config = LibraryBenchmarkConfig::default().env("RAYON_NUM_THREADS", "1"),
    library_benchmark_groups = glass
);
