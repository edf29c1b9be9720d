//! `glass::grf` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_grf.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::grf::{self, Lognormal, Normal, SolveOptions, SquaredNormal, Transformation};
use golden::{assert_close, assert_close_tol, Golden};
use golden::{assert_scaled, CLOSED, SOLVER};

// --- grf --------------------------------------------------------------------------

type Pair = (
    &'static str,
    Box<dyn Transformation>,
    Box<dyn Transformation>,
);

fn pairs() -> Vec<Pair> {
    vec![
        ("n_n", Box::new(Normal), Box::new(Normal)),
        (
            "ln_ln",
            Box::new(Lognormal::new(1.3)),
            Box::new(Lognormal::new(0.7)),
        ),
        ("ln_n", Box::new(Lognormal::new(1.3)), Box::new(Normal)),
        ("n_ln", Box::new(Normal), Box::new(Lognormal::new(0.4))),
        (
            "sn_sn",
            Box::new(SquaredNormal::new(0.8, 1.1)),
            Box::new(SquaredNormal::new(0.9, 0.6)),
        ),
    ]
}

#[test]
fn grf_transformations_match_python() {
    let g = Golden::load("grf");
    let x = g.vec("x");
    for (name, t1, t2) in pairs() {
        let (t1, t2) = (t1.as_ref(), t2.as_ref());
        assert_close_tol(
            &format!("corr {name}"),
            &grf::corr(t1, t2, &x).unwrap(),
            &g.vec(&format!("corr.{name}")),
            CLOSED,
            1e-300,
        );
        assert_close(
            &format!("dcorr {name}"),
            &grf::dcorr(t1, t2, &x).unwrap(),
            &g.vec(&format!("dcorr.{name}")),
            CLOSED,
        );
        let xi = g.vec(&format!("icorr_in.{name}"));
        assert_close_tol(
            &format!("icorr {name}"),
            &grf::icorr(t1, t2, &xi).unwrap(),
            &g.vec(&format!("icorr.{name}")),
            CLOSED,
            1e-300,
        );
    }
}

#[test]
fn grf_compute_and_solve_match_python() {
    let g = Golden::load("grf");
    let (cl, cx) = (g.vec("cl"), g.vec("cx"));
    let (ln1, ln2) = (Lognormal::new(1.0), Lognormal::new(0.6));
    assert_scaled(
        "compute ln",
        &grf::compute(&cl, &ln1, None).unwrap(),
        &g.vec("compute.ln"),
        CLOSED,
    );
    assert_scaled(
        "compute ln x ln2",
        &grf::compute(&cx, &ln1, Some(&ln2)).unwrap(),
        &g.vec("compute.ln_ln2"),
        CLOSED,
    );

    let n = cl.len();
    let base = SolveOptions {
        pad: 2 * n,
        monopole: Some(0.0),
        ..Default::default()
    };
    let sn = SquaredNormal::new(0.95, 1.0);
    type Case<'a> = (
        &'a str,
        &'a [f64],
        &'a dyn Transformation,
        Option<&'a dyn Transformation>,
        SolveOptions,
    );
    let cases: Vec<Case> = vec![
        ("ln", &cl, &ln1, None, base.clone()),
        ("ln_ln2", &cx, &ln1, Some(&ln2), base.clone()),
        ("ln_nopad", &cl, &ln1, None, SolveOptions::default()),
        (
            "ln_tight",
            &cl,
            &ln1,
            None,
            SolveOptions {
                pad: n,
                cltol: 1e-9,
                gltol: 1e-12,
                ..base.clone()
            },
        ),
        (
            "ln_maxiter1",
            &cl,
            &ln1,
            None,
            SolveOptions {
                maxiter: 1,
                cltol: 1e-12,
                ..base.clone()
            },
        ),
        (
            "ln_initial",
            &cl,
            &ln1,
            None,
            SolveOptions {
                initial: Some(cl[..60].iter().map(|v| 0.9 * v).collect()),
                ..base.clone()
            },
        ),
        ("sn", &cl, &sn, None, base.clone()),
    ];
    for (name, c, t1, t2, opts) in cases {
        let s = grf::solve(c, t1, t2, &opts).unwrap();
        let key = |k: &str| format!("solve.{name}.{k}");
        assert_eq!(s.info as f64, g.scalar(&key("info")), "solve {name}: info");
        assert_scaled(
            &format!("solve {name} gl"),
            &s.gl,
            &g.vec(&key("gl")),
            SOLVER,
        );
        assert_scaled(
            &format!("solve {name} cl"),
            &s.cl,
            &g.vec(&key("cl")),
            SOLVER,
        );
        // the documented property: converged in cl means |cl_out - cl| <= cltol |cl|
        if s.info & 1 == 1 {
            for (l, (out, want)) in s.cl.iter().zip(c.iter()).enumerate().skip(1) {
                assert!(
                    (out - want).abs() <= opts.cltol * want.abs(),
                    "solve {name}: l={l}"
                );
            }
        }
    }
}
