//! `glass::algorithm` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_algorithm.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::algorithm::{cov_clip, cov_nearest, nearcorr, nnls};
use glass::algorithm::{NearcorrOptions, NnlsOptions};
use golden::{assert_array_close, assert_close, Golden};
use golden::{max_abs, CLOSED, SOLVER};
use ndarray::{Array2, ArrayD, Ix2, IxDyn};

// --- algorithm --------------------------------------------------------------------

fn mat(g: &Golden, name: &str) -> Array2<f64> {
    g.get(name).clone().into_dimensionality::<Ix2>().unwrap()
}

#[test]
fn algorithm_nnls() {
    let g = Golden::load("algorithm");
    let a = mat(&g, "nnls.a");
    let b = g.vec("nnls.b");
    // solver tolerance; zero entries are exactly zero in both
    assert_close(
        "nnls.x",
        &nnls(a.view(), &b, NnlsOptions::default()).unwrap(),
        &g.vec("nnls.x"),
        SOLVER,
    );
    assert_close(
        "nnls.x_tol",
        &nnls(
            a.view(),
            &b,
            NnlsOptions {
                tol: 0.5,
                ..Default::default()
            },
        )
        .unwrap(),
        &g.vec("nnls.x_tol"),
        SOLVER,
    );
    assert_close(
        "nnls.x_maxiter2",
        &nnls(
            a.view(),
            &b,
            NnlsOptions {
                maxiter: Some(2),
                ..Default::default()
            },
        )
        .unwrap(),
        &g.vec("nnls.x_maxiter2"),
        SOLVER,
    );
    let a2 = mat(&g, "nnls.a2");
    assert_close(
        "nnls.x2",
        &nnls(a2.view(), &g.vec("nnls.b2"), NnlsOptions::default()).unwrap(),
        &g.vec("nnls.x2"),
        SOLVER,
    );
    // errors
    assert!(nnls(a.view(), &b[..3], NnlsOptions::default()).is_err());
}

#[test]
fn algorithm_cov_clip_nearcorr_cov_nearest() {
    let g = Golden::load("algorithm");
    // Eigendecompositions (faer vs LAPACK) agree to rounding relative to the
    // matrix norm, not to each entry: an absolute floor of 1e-12 times the
    // largest entry covers entries that cancel to near zero.
    let check = |what: &str, actual: &ArrayD<f64>, expected: &ArrayD<f64>, rtol: f64| {
        let e: Vec<f64> = expected.iter().copied().collect();
        assert_array_close(what, actual, expected, rtol, 1e-12 * max_abs(&e));
    };
    let c = g.get("cov_clip.cov");
    check(
        "cov_clip.out",
        &cov_clip(c.view(), None).unwrap(),
        g.get("cov_clip.out"),
        CLOSED,
    );
    check(
        "cov_clip.out_rtol",
        &cov_clip(c.view(), Some(1e-2)).unwrap(),
        g.get("cov_clip.out_rtol"),
        CLOSED,
    );
    let cs = g.get("cov_clip.stack");
    check(
        "cov_clip.stack_out",
        &cov_clip(cs.view(), None).unwrap(),
        g.get("cov_clip.stack_out"),
        CLOSED,
    );

    let a = g.get("nearcorr.a");
    let r = nearcorr(a.view(), NearcorrOptions::default()).unwrap();
    assert!(r.converged);
    check("nearcorr.out", &r.value, g.get("nearcorr.out"), SOLVER);
    let r = nearcorr(
        a.view(),
        NearcorrOptions {
            tol: Some(1e-6),
            ..Default::default()
        },
    )
    .unwrap();
    check(
        "nearcorr.out_tol",
        &r.value,
        g.get("nearcorr.out_tol"),
        SOLVER,
    );
    let r = nearcorr(g.get("nearcorr.stack").view(), NearcorrOptions::default()).unwrap();
    assert!(r.converged);
    check(
        "nearcorr.stack_out",
        &r.value,
        g.get("nearcorr.stack_out"),
        SOLVER,
    );
    let r = nearcorr(
        a.view(),
        NearcorrOptions {
            niter: 3,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!r.converged, "3 iterations do not converge (GLASS warns)");
    assert_eq!(r.niter, 3);
    check(
        "nearcorr.out_niter3",
        &r.value,
        g.get("nearcorr.out_niter3"),
        SOLVER,
    );

    let r = cov_nearest(g.get("cov_nearest.cov").view(), NearcorrOptions::default()).unwrap();
    check(
        "cov_nearest.out",
        &r.value,
        g.get("cov_nearest.out"),
        SOLVER,
    );
    let r = cov_nearest(g.get("cov_nearest.cov0").view(), NearcorrOptions::default()).unwrap();
    check(
        "cov_nearest.out0",
        &r.value,
        g.get("cov_nearest.out0"),
        SOLVER,
    );

    // errors: non-square, negative diagonal
    let ns = ArrayD::<f64>::zeros(IxDyn(&[2, 3]));
    assert!(cov_clip(ns.view(), None).is_err());
    assert!(nearcorr(
        ns.view(),
        NearcorrOptions {
            niter: 10,
            ..Default::default()
        }
    )
    .is_err());
    let mut neg = g.get("cov_nearest.cov").clone();
    neg[[2, 2]] = -1.0;
    let e = cov_nearest(
        neg.view(),
        NearcorrOptions {
            niter: 10,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("negative values on the diagonal"),
        "{e}"
    );
}
