//! The portable build of the transform kernels (`GLASS_SIMD=portable`,
//! what the instruction-count gate counts) gives the results of the
//! AVX2+FMA and AVX-512 builds (`GLASS_SIMD=avx2`, `avx512`, each where
//! the CPU has it): the same transforms to rounding (the fused
//! multiply-adds of the SIMD builds round once where the portable build
//! rounds twice).
//!
//! One test in this file on purpose: it changes `GLASS_SIMD` for its
//! process, which no other test may see.

use glass_healpix::alm::alm_size;
use glass_healpix::sht::ShtPlan;
use glass_healpix::simd::{self, Kernels};
use num_complex::Complex64;

fn alm(lmax: usize, phase: f64) -> Vec<Complex64> {
    (0..alm_size(lmax, lmax))
        .map(|i| {
            let x = i as f64 + phase;
            Complex64::new((0.37 * x).sin(), (0.11 * x).cos() * 0.5) / (1.0 + 0.01 * x)
        })
        .collect()
}

/// All outputs of the transforms that have SIMD kernels, flattened.
struct Outputs {
    alm2map: Vec<f64>,
    map2alm: Vec<Complex64>,
    map2alm_weighted: Vec<Complex64>,
    spin: [Vec<f64>; 2],
    spin_analysis: [Vec<Complex64>; 2],
}

fn transforms(plan: &ShtPlan) -> Outputs {
    let lmax = plan.lmax();
    let (a, b) = (alm(lmax, 0.0), alm(lmax, 17.0));
    let map = plan.alm2map(&a).unwrap();
    let rings = 2 * plan.nside();
    let weights: Vec<f64> = (0..rings).map(|i| 1.0 + 0.001 * i as f64).collect();
    let spin = plan.alm2map_spin(2, &a, &b).unwrap();
    Outputs {
        map2alm: plan.map2alm(&map, 0, None).unwrap(),
        map2alm_weighted: plan.map2alm(&map, 1, Some(&weights)).unwrap(),
        spin_analysis: plan.map2alm_spin(2, &spin[0], &spin[1], 0, None).unwrap(),
        alm2map: map,
        spin,
    }
}

/// The largest difference relative to the largest value; whether any bit differs.
fn rel_diff(x: &[f64], y: &[f64]) -> (f64, bool) {
    assert_eq!(x.len(), y.len());
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = x
        .iter()
        .zip(y)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    (diff / scale, x != y)
}

fn flat(z: &[Complex64]) -> Vec<f64> {
    z.iter().flat_map(|c| [c.re, c.im]).collect()
}

/// Runs the transforms of `plans` with `GLASS_SIMD=value`, which must
/// select `expect`.
fn with_build(value: &str, expect: Kernels, plans: &[ShtPlan]) -> Vec<Outputs> {
    std::env::set_var(simd::SIMD_ENV, value);
    assert_eq!(simd::refresh(), expect, "GLASS_SIMD={value}");
    plans.iter().map(transforms).collect()
}

/// Asserts that two builds agree to 1e-12 of the largest value; returns
/// whether any bit differs.
fn agree(plans: &[ShtPlan], a: &[Outputs], b: &[Outputs], what: &str) -> bool {
    let mut any_bit_differs = false;
    for ((plan, s), p) in plans.iter().zip(a).zip(b) {
        let cases = [
            ("alm2map", s.alm2map.clone(), p.alm2map.clone()),
            ("map2alm", flat(&s.map2alm), flat(&p.map2alm)),
            (
                "map2alm (ring weights, iter 1)",
                flat(&s.map2alm_weighted),
                flat(&p.map2alm_weighted),
            ),
            ("alm2map_spin Q", s.spin[0].clone(), p.spin[0].clone()),
            ("alm2map_spin U", s.spin[1].clone(), p.spin[1].clone()),
            (
                "map2alm_spin E",
                flat(&s.spin_analysis[0]),
                flat(&p.spin_analysis[0]),
            ),
            (
                "map2alm_spin B",
                flat(&s.spin_analysis[1]),
                flat(&p.spin_analysis[1]),
            ),
        ];
        for (name, x, y) in cases {
            let (d, differs) = rel_diff(&x, &y);
            any_bit_differs |= differs;
            assert!(
                d < 1e-12,
                "{name} at nside {}, lmax {}: {what} differ by {d:e} of the largest value",
                plan.nside(),
                plan.lmax()
            );
        }
    }
    any_bit_differs
}

#[test]
fn portable_and_simd_kernels_agree() {
    // lmax 3 nside - 1; nside 128 at lmax 1000 reaches the scaled
    // (underflow-safe) start of the recurrence at high m.
    let plans = [
        ShtPlan::new(32, 95, 95).unwrap(),
        ShtPlan::new(128, 1000, 1000).unwrap(),
    ];
    let portable = with_build("portable", Kernels::Portable, &plans);
    let mut builds = Vec::new();
    if simd::cpu_has_avx2_fma() {
        builds.push(("avx2", Kernels::Avx2Fma));
    }
    if simd::cpu_has_avx512() {
        builds.push(("avx512", Kernels::Avx512));
    }
    let mut outputs = Vec::new();
    for &(value, kernels) in &builds {
        let out = with_build(value, kernels, &plans);
        // The variable reached the kernels: fused and unfused
        // multiply-adds round differently somewhere in a million sums.
        assert!(
            agree(
                &plans,
                &out,
                &portable,
                &format!("portable and {} kernels", kernels.name())
            ),
            "GLASS_SIMD={value} gave the portable build's bits: did it switch the kernels?"
        );
        outputs.push(out);
    }
    if let [avx2, avx512] = &outputs[..] {
        agree(&plans, avx512, avx2, "AVX2+FMA and AVX-512 kernels");
    }
    std::env::remove_var(simd::SIMD_ENV);
    let native = simd::refresh();
    assert_eq!(
        native,
        builds.last().map_or(Kernels::Portable, |b| b.1),
        "the default is the fastest build"
    );
    if builds.is_empty() {
        eprintln!("only the portable kernels run on this CPU: nothing to compare");
    }
}
