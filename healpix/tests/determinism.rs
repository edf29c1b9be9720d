//! Transforms do not depend on thread scheduling: the same input gives the
//! same bits on every run and at every thread count (the design's "fixed
//! work partitions and fixed reduction orders"; a scratch carrying powers
//! from one chunk of m to the next once made the last bits depend on which
//! thread ran which chunk).

use glass_healpix::alm::alm_size;
use glass_healpix::sht::ShtPlan;
use num_complex::Complex64;

fn alm(lmax: usize) -> Vec<Complex64> {
    (0..alm_size(lmax, lmax))
        .map(|i| {
            let x = i as f64;
            Complex64::new((0.37 * x).sin(), (0.11 * x).cos() * 0.5)
        })
        .collect()
}

#[test]
fn transforms_are_bitwise_reproducible_across_runs_and_threads() {
    let (nside, lmax) = (32, 95);
    let plan = ShtPlan::new(nside, lmax, lmax).unwrap();
    let a = alm(lmax);
    let reference = plan.alm2map(&a).unwrap();
    let ref_alm = plan.map2alm(&reference, 1, None).unwrap();
    let ref_spin = plan.alm2map_spin(2, &a, &a).unwrap();
    for threads in [1, 2, 3, 7] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for _ in 0..5 {
            pool.install(|| {
                assert_eq!(
                    plan.alm2map(&a).unwrap(),
                    reference,
                    "alm2map, {threads} threads"
                );
                assert_eq!(
                    plan.map2alm(&reference, 1, None).unwrap(),
                    ref_alm,
                    "map2alm, {threads} threads"
                );
                assert_eq!(
                    plan.alm2map_spin(2, &a, &a).unwrap(),
                    ref_spin,
                    "spin, {threads} threads"
                );
            });
        }
    }
}
