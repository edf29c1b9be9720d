//! `glass::fields` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_fields.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::fields::{
    check_posdef_spectra, cls2cov, compute_gaussian_spectra, cov_from_spectra, discretized_cls,
    effective_cls, enumerate_spectra, getcl, glass_to_healpix_spectra, healpix_to_glass_spectra,
    iternorm, lognormal_fields, lognormal_shift_hilbert2011, nfields_from_nspectra,
    regularized_spectra, solve_gaussian_spectra, spectra_indices, Regularization,
};
use glass::fields::{DiscretizedClsOptions, EffectiveClsOptions};
use glass::grf::{self, Lognormal, Normal, SquaredNormal, Transformation};
use glass::shells::tophat_windows;
use glass::shells::WindowOptions;
use glass::transformcl::cltocorr;
use glass::transformcl::TransformclOptions;
use golden::{assert_array_close, assert_close, Golden};
use golden::{assert_scaled, list, CLOSED, SOLVER};
use ndarray::ArrayD;

// --- fields -----------------------------------------------------------------------

#[test]
fn fields_bookkeeping_matches_python() {
    let g = Golden::load("fields");
    let cls = list(&g, "cls");
    assert_eq!(nfields_from_nspectra(cls.len()).unwrap(), 4);
    assert_close(
        "getcl 2 0",
        &getcl(&cls, 2, 0, None).unwrap(),
        &g.vec("getcl.2_0"),
        0.0,
    );
    assert_close(
        "getcl 0 3",
        &getcl(&cls, 0, 3, Some(40)).unwrap(),
        &g.vec("getcl.0_3_lmax40"),
        0.0,
    );
    assert_close(
        "getcl 1 1",
        &getcl(&cls, 1, 1, Some(100)).unwrap(),
        &g.vec("getcl.1_1_lmax100"),
        0.0,
    );
    let idx: Vec<f64> = spectra_indices(4)
        .iter()
        .flatten()
        .map(|&i| i as f64)
        .collect();
    assert_eq!(idx, g.vec("spectra_indices.4"));
    let en: Vec<f64> = enumerate_spectra(&cls)
        .flat_map(|(i, j, _)| [i as f64, j as f64])
        .collect();
    assert_eq!(en, g.vec("enumerate_spectra.4"));
    let r: Vec<f64> = (0..10).map(f64::from).collect();
    assert_eq!(
        glass_to_healpix_spectra(&r).unwrap(),
        g.vec("glass_to_healpix.4")
    );
    assert_eq!(
        healpix_to_glass_spectra(&r).unwrap(),
        g.vec("healpix_to_glass.4")
    );

    let (w1, w2) = (g.get("effective_cls.w1"), g.get("effective_cls.w2"));
    assert_array_close(
        "effective_cls w1",
        &effective_cls(&cls, w1.view(), EffectiveClsOptions::default()).unwrap(),
        g.get("effective_cls.out11"),
        CLOSED,
        0.0,
    );
    assert_array_close(
        "effective_cls w1 w2",
        &effective_cls(
            &cls,
            w1.view(),
            EffectiveClsOptions {
                weights2: Some(w2.view()),
                lmax: Some(100),
            },
        )
        .unwrap(),
        g.get("effective_cls.out12"),
        CLOSED,
        0.0,
    );
    let w10 = w1.index_axis(ndarray::Axis(1), 0);
    assert_array_close(
        "effective_cls 1d",
        &effective_cls(
            &cls,
            w10,
            EffectiveClsOptions {
                lmax: Some(30),
                ..Default::default()
            },
        )
        .unwrap(),
        g.get("effective_cls.out1_lmax30"),
        CLOSED,
        0.0,
    );

    let d = discretized_cls(
        &cls,
        DiscretizedClsOptions {
            lmax: Some(50),
            ncorr: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    let want = list(&g, "discretized.ncorr1_lmax50");
    assert_eq!(d.len(), want.len());
    for (k, (a, b)) in d.iter().zip(&want).enumerate() {
        assert_close(&format!("discretized {k}"), a, b, 0.0);
    }

    for (name, lmax, ncorr, nside) in [
        ("discretized.nside16", None, None, Some(16)),
        (
            "discretized.ncorr2_lmax40_nside32",
            Some(40),
            Some(2),
            Some(32),
        ),
    ] {
        let d = discretized_cls(&cls, DiscretizedClsOptions { lmax, ncorr, nside }).unwrap();
        let want = list(&g, name);
        assert_eq!(d.len(), want.len());
        for (k, (a, b)) in d.iter().zip(&want).enumerate() {
            // the tables are the same numbers; only the product rounds
            assert_close(&format!("{name} {k}"), a, b, 1e-15);
        }
    }

    let h: Vec<f64> = (0..13)
        .map(|i| lognormal_shift_hilbert2011(0.25 * i as f64))
        .collect();
    assert_close("hilbert2011", &h, &g.vec("hilbert2011"), 1e-15);
}

#[test]
fn fields_covariances_match_python() {
    let g = Golden::load("fields");
    let cls = list(&g, "cls");
    let covs = cls2cov(&cls, 90, 4, 2).unwrap();
    let want = list(&g, "cls2cov.90_4_2");
    for (k, (c, w)) in covs.iter().zip(&want).enumerate() {
        assert_close(&format!("cls2cov {k}"), c.as_slice().unwrap(), w, 0.0);
    }
    let views: Vec<_> = covs.iter().map(|c| c.view().into_dyn()).collect();
    let norm = iternorm(&views).unwrap();
    for (k, (a, b)) in norm.iter().zip(list(&g, "iternorm.90_4_2")).enumerate() {
        assert_scaled(
            &format!("iternorm k=2 row {k}"),
            a.as_slice().unwrap(),
            &b,
            CLOSED,
        );
    }
    let covs3 = cls2cov(&cls, 81, 4, 3).unwrap();
    let views: Vec<_> = covs3.iter().map(|c| c.view().into_dyn()).collect();
    for (k, (a, b)) in iternorm(&views)
        .unwrap()
        .iter()
        .zip(list(&g, "iternorm.81_4_3"))
        .enumerate()
    {
        assert_scaled(
            &format!("iternorm k=3 row {k}"),
            a.as_slice().unwrap(),
            &b,
            CLOSED,
        );
    }

    let c = cov_from_spectra(&cls, None).unwrap().into_dyn();
    assert_array_close("cov_from_spectra", &c, g.get("cov_from_spectra"), 0.0, 0.0);
    let c = cov_from_spectra(&cls, Some(100)).unwrap().into_dyn();
    assert_array_close(
        "cov_from_spectra lmax",
        &c,
        g.get("cov_from_spectra.lmax100"),
        0.0,
        0.0,
    );

    assert_eq!(
        check_posdef_spectra(&cls).unwrap() as u8 as f64,
        g.scalar("check_posdef.good")
    );
    let bad = list(&g, "bad");
    assert_eq!(
        check_posdef_spectra(&bad).unwrap() as u8 as f64,
        g.scalar("check_posdef.bad")
    );
    let cases = [
        (
            "regularized.nearest",
            None,
            Regularization::default(),
            SOLVER,
        ),
        (
            "regularized.clip",
            None,
            Regularization::Clip { rtol: None },
            CLOSED,
        ),
        (
            "regularized.nearest_lmax20",
            Some(20),
            "nearest".parse().unwrap(),
            SOLVER,
        ),
    ];
    for (name, lmax, method, tol) in cases {
        let r = regularized_spectra(&bad, lmax, method).unwrap();
        let want = list(&g, name);
        assert_eq!(r.len(), want.len());
        for (k, (a, b)) in r.iter().zip(&want).enumerate() {
            assert_scaled(&format!("{name} {k}"), a, b, tol);
        }
    }
}

#[test]
fn gaussian_spectra_of_lognormal_shells_match_python() {
    let g = Golden::load("fields");
    let zb: Vec<f64> = (0..5).map(|i| 0.25 * i as f64).collect();
    let shells = tophat_windows(&zb, WindowOptions::default()).unwrap();
    let fields = lognormal_fields(&shells, Some(&|z| 1.0 + z));
    let lamda: Vec<f64> = fields
        .iter()
        .map(|t| t.as_any().downcast_ref::<Lognormal>().unwrap().lamda)
        .collect();
    assert_close(
        "lognormal_fields lamda",
        &lamda,
        &g.vec("lognormal_fields.lamda"),
        1e-12,
    );
    let spectra = list(&g, "gauss.spectra");
    assert!(
        spectra.iter().any(Vec::is_empty),
        "the golden case has an empty spectrum"
    );
    let comp = compute_gaussian_spectra(&fields, &spectra).unwrap();
    for (k, (a, b)) in comp.iter().zip(list(&g, "compute_gaussian")).enumerate() {
        assert_scaled(&format!("compute_gaussian {k}"), a, &b, CLOSED);
    }
    let solved = solve_gaussian_spectra(&fields, &spectra).unwrap();
    for (k, (a, b)) in solved
        .gls
        .iter()
        .zip(list(&g, "solve_gaussian"))
        .enumerate()
    {
        assert_scaled(&format!("solve_gaussian {k}"), a, &b, SOLVER);
    }
    assert_eq!(
        solved.not_converged.len() as f64,
        g.scalar("solve_gaussian.nwarn")
    );
}

#[test]
fn bad_input_names_the_problem() {
    let msg = |e: glass::Error| e.to_string();
    let e = msg(nfields_from_nspectra(5).unwrap_err());
    assert!(e.contains("invalid number of spectra: 5"), "{e}");
    let cls = vec![vec![1.0, 2.0], vec![0.5], vec![1.0, 1.0]];
    let e = msg(getcl(&cls, 2, 0, None).unwrap_err());
    assert!(e.contains("no spectrum for fields (2, 0)"), "{e}");
    let neg = vec![vec![1.0, -2.0]];
    let e = msg(cls2cov(&neg, 2, 1, 0).unwrap_err());
    assert!(e.contains("negative values in cl"), "{e}");
    let e = msg(cls2cov(&cls, 1, 2, 1).unwrap_err());
    assert!(e.contains("more than nl"), "{e}");
    let w = ArrayD::<f64>::ones(ndarray::IxDyn(&[3]));
    let e = msg(effective_cls(&cls, w.view(), EffectiveClsOptions::default()).unwrap_err());
    assert!(
        e.contains("shape mismatch between fields and weights1"),
        "{e}"
    );
    let e = msg(discretized_cls(
        &cls,
        DiscretizedClsOptions {
            nside: Some(48),
            ..Default::default()
        },
    )
    .unwrap_err());
    assert!(e.contains("no pixel window function for nside 48"), "{e}");
    let e = msg("exact".parse::<Regularization>().unwrap_err());
    assert!(e.contains("unknown method 'exact'"), "{e}");
    let fields: Vec<Box<dyn Transformation>> = vec![Box::new(Normal)];
    let e = msg(solve_gaussian_spectra(&fields, &cls).unwrap_err());
    assert!(
        e.contains("mismatch between number of fields and spectra"),
        "{e}"
    );
    let rows = [
        ndarray::arr1(&[1.0, 0.0]).into_dyn(),
        ndarray::arr1(&[1.0, 2.0]).into_dyn(),
    ];
    let views: Vec<_> = rows.iter().map(|r| r.view()).collect();
    let e = msg(iternorm(&views).unwrap_err());
    assert!(e.contains("not positive definite"), "{e}");
    let e = msg(grf::corr(&Normal, &SquaredNormal::new(0.5, 1.0), &[0.1]).unwrap_err());
    assert!(e.contains("Normal x SquaredNormal"), "{e}");
    let e = msg(cltocorr(&[], TransformclOptions::default()).unwrap_err());
    assert!(e.contains("empty"), "{e}");
}
