//! `glass::observations` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_observations.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::observations::{
    equal_dens_zbins, fixed_zbins, gaussian_nz, smail_nz, tomo_nz_gausserr, AsNd,
};
use glass::observations::{NzOptions, SmailNzOptions, ZBins};
use golden::{assert_array_close, assert_close, assert_close_tol, Golden};
use golden::{max_abs, CLOSED};
use ndarray::{Array1, Array2};

// --- observations -----------------------------------------------------------------

#[test]
fn observations_distributions() {
    let g = Golden::load("observations");
    let z = g.vec("z");
    let r = gaussian_nz(&z, 1.0, 0.25, NzOptions::default()).unwrap();
    assert_array_close("gaussian.a", &r, g.get("gaussian.a"), CLOSED, 0.0);
    let norm = Array2::from_shape_vec((3, 1), vec![10.0, 20.0, 30.0]).unwrap();
    let r = gaussian_nz(
        &z,
        [0.5, 1.0, 1.5],
        [0.1, 0.2, 0.3],
        NzOptions {
            norm: Some(norm.as_nd()),
        },
    )
    .unwrap();
    assert_array_close("gaussian.b", &r, g.get("gaussian.b"), CLOSED, 0.0);
    let mean = Array2::from_shape_vec((2, 1), vec![0.4, 0.8]).unwrap();
    let r = gaussian_nz(
        &z,
        mean,
        [0.1, 0.3],
        NzOptions {
            norm: Some(5.0_f64.as_nd()),
        },
    )
    .unwrap();
    assert_array_close("gaussian.c", &r, g.get("gaussian.c"), CLOSED, 0.0);
    let r = smail_nz(&z, 0.8, SmailNzOptions::default()).unwrap();
    assert_array_close("smail.a", &r, g.get("smail.a"), CLOSED, 0.0);
    let r = smail_nz(
        &z,
        [0.5, 0.9],
        SmailNzOptions {
            beta: Array1::from(vec![1.0, 1.5]).as_nd(),
            norm: Some(30.0_f64.as_nd()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_array_close("smail.b", &r, g.get("smail.b"), CLOSED, 0.0);
}

fn flat_bins(b: &[(f64, f64)]) -> Vec<f64> {
    b.iter().flat_map(|&(l, h)| [l, h]).collect()
}

#[test]
fn observations_bins() {
    let g = Golden::load("observations");
    let z = g.vec("z");
    assert_close(
        "fixed.nbins",
        &flat_bins(&fixed_zbins(0.0, 1.0, ZBins::Nbins(5)).unwrap()),
        &g.vec("fixed.nbins"),
        CLOSED,
    );
    assert_close(
        "fixed.dz",
        &flat_bins(&fixed_zbins(0.0, 1.0, ZBins::Dz(0.1)).unwrap()),
        &g.vec("fixed.dz"),
        CLOSED,
    );
    assert_close(
        "fixed.dz2",
        &flat_bins(&fixed_zbins(0.1, 2.3, ZBins::Dz(0.3)).unwrap()),
        &g.vec("fixed.dz2"),
        CLOSED,
    );

    let (nz, nz0) = (g.vec("nz"), g.vec("nz0"));
    let eq = equal_dens_zbins(&z, &nz, 5).unwrap();
    assert_close(
        "equal_dens.nz",
        &flat_bins(&eq),
        &g.vec("equal_dens.nz"),
        CLOSED,
    );
    let eq0 = equal_dens_zbins(&z, &nz0, 4).unwrap();
    assert_close(
        "equal_dens.nz0",
        &flat_bins(&eq0),
        &g.vec("equal_dens.nz0"),
        CLOSED,
    );

    // erf(a) - erf(b) cancels where a source is far from a bin: the result
    // there is rounding noise of erf near ±1, absolute ~1e-16 of the peak;
    // absolute floor 1e-13 * max.
    let t = tomo_nz_gausserr(&z, &nz, 0.03, &eq).unwrap().into_dyn();
    let e = g.vec("tomo.eq");
    assert_array_close("tomo.eq", &t, g.get("tomo.eq"), CLOSED, 1e-13 * max_abs(&e));
    let fb: Vec<(f64, f64)> = g
        .vec("tomo.fixed_bins")
        .chunks(2)
        .map(|c| (c[0], c[1]))
        .collect();
    let t = tomo_nz_gausserr(&z, &nz0, 0.05, &fb).unwrap().into_dyn();
    let e = g.vec("tomo.fixed");
    assert_array_close(
        "tomo.fixed",
        &t,
        g.get("tomo.fixed"),
        CLOSED,
        1e-13 * max_abs(&e),
    );
}

#[test]
fn observations_vmap_galactic_ecliptic() {
    use glass::observations::vmap_galactic_ecliptic;
    let g = Golden::load("observations");
    for nside in [4, 16] {
        let m = vmap_galactic_ecliptic(nside, (30.0, 90.0), (20.0, 80.0)).unwrap();
        // interpolated mask values in [0, 1]: absolute tolerance
        assert_close_tol(
            &format!("vmap default nside {nside}"),
            &m,
            &g.vec(&format!("vmap.default.n{nside}")),
            0.0,
            1e-12,
        );
    }
    let d = std::f64::consts::PI / 180.0;
    let m = vmap_galactic_ecliptic(16, (70.0 * d, 110.0 * d), (80.0 * d, 100.0 * d)).unwrap();
    assert_close_tol("vmap radians", &m, &g.vec("vmap.radians.n16"), 0.0, 1e-12);
    let e = vmap_galactic_ecliptic(0, (0.0, 1.0), (0.0, 1.0))
        .unwrap_err()
        .to_string();
    assert!(e.contains("nside"), "{e}");
    let e = vmap_galactic_ecliptic(4, (f64::NAN, 1.0), (0.0, 1.0))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not finite"), "{e}");
}

#[test]
fn observations_errors_name_the_problem() {
    let msg = |r: glass::Error| r.to_string();
    // "exactly one of nbins and dz" is a type now (ZBins)

    let e = msg(gaussian_nz(
        &[0.0, 1.0],
        [0.1, 0.2],
        [0.1, 0.2, 0.3],
        NzOptions::default(),
    )
    .unwrap_err());
    assert!(e.contains("broadcast"), "{e}");
    let e = msg(gaussian_nz(&[0.0, 1.0], 0.5, -0.1, NzOptions::default()).unwrap_err());
    assert!(e.contains("sigma must be positive"), "{e}");
    let e = msg(equal_dens_zbins(&[0.0, 1.0], &[-1.0, 1.0], 2).unwrap_err());
    assert!(e.contains("non-negative"), "{e}");
}
