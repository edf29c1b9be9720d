//! `glass::cosmology` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_cosmology.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::cosmology::{Cosmology, CosmologyWithGrowthFactor, LambdaCdm};
use golden::{assert_close, Golden};
use golden::{cosmologies, CLOSED, SOLVER};

// --- cosmology --------------------------------------------------------------------

#[test]
fn cosmology_matches_scipy_quadrature() {
    let g = Golden::load("cosmology");
    let z = g.vec("z");
    let (z1, z2) = (g.vec("z1"), g.vec("z2"));
    for (name, c) in cosmologies() {
        let k = |s: &str| format!("{name}.{s}");
        // closed forms
        assert_close(
            &k("hubble_distance"),
            &[c.hubble_distance()],
            &[g.scalar(&k("hubble_distance"))],
            CLOSED,
        );
        assert_close(
            &k("critical_density0"),
            &[c.critical_density0()],
            &[g.scalar(&k("critical_density0"))],
            CLOSED,
        );
        let e: Vec<f64> = z.iter().map(|&v| c.h_over_h0(v)).collect();
        assert_close(&k("H_over_H0"), &e, &g.vec(&k("H_over_H0")), CLOSED);
        let om: Vec<f64> = z.iter().map(|&v| c.omega_m(v)).collect();
        assert_close(&k("Omega_m"), &om, &g.vec(&k("Omega_m")), CLOSED);
        // integrals (scipy quad at epsrel 1e-13)
        let dc: Vec<f64> = z.iter().map(|&v| c.comoving_distance(v)).collect();
        assert_close(
            &k("comoving_distance"),
            &dc,
            &g.vec(&k("comoving_distance")),
            SOLVER,
        );
        let dm: Vec<f64> = z
            .iter()
            .map(|&v| c.transverse_comoving_distance(v))
            .collect();
        assert_close(
            &k("transverse"),
            &dm,
            &g.vec(&k("transverse_comoving_distance")),
            SOLVER,
        );
        let dc2: Vec<f64> = z1
            .iter()
            .zip(&z2)
            .map(|(&a, &b)| c.comoving_distance_between(a, b))
            .collect();
        assert_close(
            &k("comoving_distance2"),
            &dc2,
            &g.vec(&k("comoving_distance2")),
            SOLVER,
        );
        let dm2: Vec<f64> = z1
            .iter()
            .zip(&z2)
            .map(|(&a, &b)| c.transverse_comoving_distance_between(a, b))
            .collect();
        assert_close(
            &k("transverse2"),
            &dm2,
            &g.vec(&k("transverse_comoving_distance2")),
            SOLVER,
        );
        // solvers: root finding (brentq) and the growth ODE (DOP853)
        let zi: Vec<f64> = g
            .vec(&k("x"))
            .iter()
            .map(|&x| c.inv_comoving_distance(x).unwrap())
            .collect();
        assert_close(
            &k("inv_comoving_distance"),
            &zi,
            &g.vec(&k("inv_comoving_distance")),
            SOLVER,
        );
        let d: Vec<f64> = z.iter().map(|&v| c.growth_factor(v)).collect();
        assert_close(&k("growth_factor"), &d, &g.vec(&k("growth_factor")), SOLVER);
    }
}

#[test]
fn cosmology_errors_name_the_problem() {
    let msg = |r: glass::Error| r.to_string();

    let c = LambdaCdm::flat(70.0, 0.3).unwrap();
    let e = msg(c.inv_comoving_distance(-5.0).unwrap_err());
    assert!(e.contains("non-negative"), "{e}");
    let e = msg(LambdaCdm::flat(0.0, 0.3).unwrap_err());
    assert!(e.contains("H0 must be positive"), "{e}");
}
