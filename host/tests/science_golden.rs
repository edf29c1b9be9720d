//! The host science modules (cosmology, algorithm, arraytools, shells,
//! observations) against golden data from Python GLASS 2026.4 (see
//! tools/reference/science_golden.py), plus error cases.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::algorithm::{cov_clip, cov_nearest, nearcorr, nnls};
use glass::algorithm::{NearcorrOptions, NnlsOptions};
use glass::arraytools::{
    broadcast_first, broadcast_leading_axes, cumulative_trapezoid, ndinterp, trapezoid,
    trapezoid_product,
};
use glass::arraytools::{InterpOptions, NdinterpOptions};
use glass::cosmology::{Cosmology, CosmologyWithGrowthFactor, LambdaCdm};
use glass::observations::{
    equal_dens_zbins, fixed_zbins, gaussian_nz, smail_nz, tomo_nz_gausserr, AsNd,
};
use glass::observations::{NzOptions, SmailNzOptions, ZBins};
use glass::shells::{
    combine, cubic_windows, distance_grid, linear_windows, partition, redshift_grid, restrict,
    tophat_windows, DensityWeight, DistanceWeight, PartitionMethod, RadialWindow, VolumeWeight,
};
use glass::shells::{GridStep, WindowOptions};
use golden::{assert_array_close, assert_close, assert_close_tol, Golden};
use ndarray::{Array1, Array2, ArrayD, Ix2, IxDyn};

const CLOSED: f64 = 1e-10;
const SOLVER: f64 = 1e-8;

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn cosmo(g: &Golden, name: &str) -> LambdaCdm {
    let p = g.vec(&format!("{name}.params"));
    LambdaCdm::new(p[0], p[1], p[2])
        .unwrap()
        .with_w0wa(p[3], p[4])
        .unwrap()
}

/// The three cosmologies of the golden data (flat w0wa, open w0wa, closed ΛCDM).
fn cosmologies() -> Vec<(String, LambdaCdm)> {
    let g = Golden::load("cosmology");
    ["flat", "open", "closed"]
        .iter()
        .map(|n| (n.to_string(), cosmo(&g, n)))
        .collect()
}

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

// --- arraytools -------------------------------------------------------------------

#[test]
fn arraytools_broadcasting() {
    let g = Golden::load("arraytools");
    let r = broadcast_first(&[
        g.get("bf.a").view(),
        g.get("bf.b").view(),
        g.get("bf.c").view(),
    ])
    .unwrap();
    for (k, name) in ["bf.ra", "bf.rb", "bf.rc"].iter().enumerate() {
        assert_array_close(name, &r[k], g.get(name), 0.0, 0.0);
    }
    let (dims, r) = broadcast_leading_axes(&[
        (g.get("bla.a").view(), 0),
        (g.get("bla.b").view(), 1),
        (g.get("bla.c").view(), 2),
    ])
    .unwrap();
    let gd: Vec<usize> = g.vec("bla.dims").iter().map(|&v| v as usize).collect();
    assert_eq!(dims, gd);
    for (k, name) in ["bla.ra", "bla.rb", "bla.rc"].iter().enumerate() {
        assert_array_close(name, &r[k], g.get(name), 0.0, 0.0);
    }
}

#[test]
fn arraytools_ndinterp() {
    let g = Golden::load("arraytools");
    let (x, xq, fq) = (
        g.get("ndinterp.x"),
        g.vec("ndinterp.xq"),
        g.get("ndinterp.fq"),
    );
    let r = ndinterp(
        x.view(),
        &xq,
        fq.view(),
        NdinterpOptions {
            axis: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert_array_close("ndinterp.axis1", &r, g.get("ndinterp.axis1"), CLOSED, 0.0);
    let r = ndinterp(
        x.view(),
        &xq,
        fq.view(),
        NdinterpOptions {
            axis: 1,
            interp: InterpOptions {
                left: Some(-7.0),
                right: Some(9.0),
                ..Default::default()
            },
        },
    )
    .unwrap();
    assert_array_close(
        "ndinterp.axis1_lr",
        &r,
        g.get("ndinterp.axis1_lr"),
        CLOSED,
        0.0,
    );
    let r = ndinterp(
        g.get("ndinterp.x2").view(),
        &xq,
        g.get("ndinterp.f1").view(),
        NdinterpOptions::default(),
    )
    .unwrap();
    assert_array_close("ndinterp.x2_out", &r, g.get("ndinterp.x2_out"), CLOSED, 0.0);
    let r = ndinterp(
        x.view(),
        &xq,
        g.get("ndinterp.fl").view(),
        NdinterpOptions::default(),
    )
    .unwrap();
    assert_array_close("ndinterp.last", &r, g.get("ndinterp.last"), CLOSED, 0.0);
    let r = ndinterp(
        g.get("ndinterp.px").view(),
        &g.vec("ndinterp.pxq"),
        g.get("ndinterp.pfq").view(),
        NdinterpOptions {
            interp: InterpOptions {
                period: Some(2.0 * std::f64::consts::PI),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert_array_close("ndinterp.period", &r, g.get("ndinterp.period"), CLOSED, 0.0);
    // errors: axis out of range, length mismatch, decreasing xq
    assert!(ndinterp(
        x.view(),
        &xq,
        fq.view(),
        NdinterpOptions {
            axis: 3,
            ..Default::default()
        }
    )
    .is_err());
    assert!(ndinterp(
        x.view(),
        &xq,
        fq.view(),
        NdinterpOptions {
            axis: 0,
            ..Default::default()
        }
    )
    .is_err());
    let rev: Vec<f64> = xq.iter().rev().copied().collect();
    assert!(ndinterp(
        x.view(),
        &rev,
        fq.view(),
        NdinterpOptions {
            axis: 1,
            ..Default::default()
        }
    )
    .is_err());
}

#[test]
fn arraytools_trapezoids() {
    let g = Golden::load("arraytools");
    let v = |n: &str| g.vec(&format!("tp.{n}"));
    let (xa, xb, xc, fa, fb, fc) = (v("xa"), v("xb"), v("xc"), v("fa"), v("fb"), v("fc"));
    let one = trapezoid_product((&xa, &fa), &[]).unwrap();
    assert_close("tp.one", &[one], &[g.scalar("tp.one")], CLOSED);
    let two = trapezoid_product((&xa, &fa), &[(&xb, &fb)]).unwrap();
    assert_close("tp.two", &[two], &[g.scalar("tp.two")], CLOSED);
    let three = trapezoid_product((&xa, &fa), &[(&xb, &fb), (&xc, &fc)]).unwrap();
    assert_close("tp.three", &[three], &[g.scalar("tp.three")], CLOSED);
    assert!(trapezoid_product((&xa, &fb), &[]).is_err());

    let x = g.vec("ct.x");
    let r = cumulative_trapezoid(g.get("ct.f").view(), &x).unwrap();
    assert_array_close("ct.out", &r, g.get("ct.out"), CLOSED, 0.0);
    let r = cumulative_trapezoid(g.get("ct.fi").view(), &x).unwrap();
    assert_array_close("ct.outi", &r, g.get("ct.outi"), CLOSED, 0.0);
    assert!(cumulative_trapezoid(g.get("ct.f").view(), &x[1..]).is_err());
}

// --- shells -----------------------------------------------------------------------

fn check_windows(g: &Golden, name: &str, ws: &[RadialWindow], rtol: f64) {
    assert_eq!(
        ws.len(),
        g.scalar(&format!("{name}.n")) as usize,
        "{name}: number of windows"
    );
    for (i, w) in ws.iter().enumerate() {
        let k = |s: &str| format!("{name}.{i}.{s}");
        assert_close(&k("za"), &w.za, &g.vec(&k("za")), CLOSED);
        assert_close(&k("wa"), &w.wa, &g.vec(&k("wa")), rtol);
        assert_close(&k("zeff"), &[w.zeff], &[g.scalar(&k("zeff"))], rtol);
    }
}

fn golden_windows(g: &Golden, name: &str) -> Vec<RadialWindow> {
    let n = g.scalar(&format!("{name}.n")) as usize;
    (0..n)
        .map(|i| {
            let k = |s: &str| format!("{name}.{i}.{s}");
            RadialWindow::new(g.vec(&k("za")), g.vec(&k("wa")), Some(g.scalar(&k("zeff")))).unwrap()
        })
        .collect()
}

#[test]
fn shells_windows() {
    let g = Golden::load("shells");
    let cs = cosmologies();
    let (flat, open, closed) = (&cs[0].1, &cs[1].1, &cs[2].1);
    let zbins = g.vec("zbins");
    let zgrid = g.vec("zgrid");
    check_windows(
        &g,
        "tophat",
        &tophat_windows(
            &zbins,
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap(),
        CLOSED,
    );
    // weights are distance integrals: solver tolerance
    let vw = VolumeWeight::new(flat);
    check_windows(
        &g,
        "tophat_vol",
        &tophat_windows(
            &zbins,
            WindowOptions {
                dz: 0.02,
                weight: Some(&vw),
            },
        )
        .unwrap(),
        SOLVER,
    );
    check_windows(
        &g,
        "tophat_edge",
        &tophat_windows(
            &[0.1, 0.4],
            WindowOptions {
                dz: 1.0,
                ..Default::default()
            },
        )
        .unwrap(),
        CLOSED,
    );
    check_windows(
        &g,
        "linear_edge",
        &linear_windows(
            &[0.1, 0.4, 0.5],
            WindowOptions {
                dz: 1.0,
                ..Default::default()
            },
        )
        .unwrap(),
        CLOSED,
    );
    check_windows(
        &g,
        "tophat_default",
        &tophat_windows(&[0.0, 0.02, 0.05], WindowOptions::default()).unwrap(),
        CLOSED,
    );
    check_windows(
        &g,
        "linear",
        &linear_windows(
            &zgrid,
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap(),
        CLOSED,
    );
    let dw = DensityWeight::new(open);
    check_windows(
        &g,
        "linear_dens",
        &linear_windows(
            &zgrid,
            WindowOptions {
                dz: 0.01,
                weight: Some(&dw),
            },
        )
        .unwrap(),
        SOLVER,
    );
    check_windows(
        &g,
        "cubic",
        &cubic_windows(
            &zgrid,
            WindowOptions {
                dz: 0.01,
                ..Default::default()
            },
        )
        .unwrap(),
        CLOSED,
    );
    let distw = DistanceWeight::new(closed);
    check_windows(
        &g,
        "cubic_dist",
        &cubic_windows(
            &zgrid,
            WindowOptions {
                dz: 0.01,
                weight: Some(&distw),
            },
        )
        .unwrap(),
        CLOSED,
    );
    // a closure works as a weight too
    let w = tophat_windows(
        &zbins,
        WindowOptions {
            dz: 0.01,
            weight: Some(&|z: f64| 1.0 + z),
        },
    )
    .unwrap();
    assert!(w[0].zeff > 0.125);
}

#[test]
fn shells_restrict_partition_combine() {
    let g = Golden::load("shells");
    let top = golden_windows(&g, "tophat");
    let lin = golden_windows(&g, "linear");

    let z = g.vec("restrict.z");
    for (nm, w, f) in [
        ("lin2_f1", &lin[2], "restrict.f1"),
        ("top1_f2", &top[1], "restrict.f2"),
    ] {
        let (zr, fr) = restrict(&z, g.get(f).view(), w).unwrap();
        assert_close(
            &format!("{nm}.zr"),
            &zr,
            &g.vec(&format!("restrict.{nm}.zr")),
            CLOSED,
        );
        assert_array_close(
            &format!("{nm}.fr"),
            &fr,
            g.get(&format!("restrict.{nm}.fr")),
            CLOSED,
            0.0,
        );
    }

    let zp = g.vec("partition.z");
    let (fz1, fz2) = (g.get("partition.fz1"), g.get("partition.fz2"));
    for (m, name) in [
        (PartitionMethod::Nnls, "nnls"),
        (PartitionMethod::Lstsq, "lstsq"),
        (PartitionMethod::Restrict, "restrict"),
    ] {
        let tol = if m == PartitionMethod::Restrict {
            CLOSED
        } else {
            SOLVER
        };
        for (shells, sname, fz, fname) in [(&top, "top", fz2, "fz2"), (&lin, "lin", fz1, "fz1")] {
            let key = format!("partition.{sname}.{fname}.{name}");
            let x = partition(&zp, fz.view(), shells, m).unwrap();
            let e = g.get(&key);
            let ev: Vec<f64> = e.iter().copied().collect();
            // least-squares weights that are ~0 carry the solver's rounding
            // relative to the largest weight: absolute floor 1e-10 * max
            assert_array_close(&key, &x, e, tol, 1e-10 * max_abs(&ev));
        }
    }

    let zc = g.vec("combine.z");
    let w = partition(&zp, fz2.view(), &top, PartitionMethod::Nnls).unwrap();
    let c = combine(&zc, w.view(), &top).unwrap();
    assert_array_close("combine.top.fz2", &c, g.get("combine.top.fz2"), SOLVER, 0.0);
    let w = partition(&zp, fz1.view(), &lin, PartitionMethod::Nnls).unwrap();
    let c = combine(&zc, w.view(), &lin).unwrap();
    let e: Vec<f64> = g.vec("combine.lin.fz1");
    // as for partition: near-zero sums of solver weights, floor 1e-10 * max
    assert_array_close(
        "combine.lin.fz1",
        &c,
        g.get("combine.lin.fz1"),
        SOLVER,
        1e-10 * max_abs(&e),
    );
}

#[test]
fn shells_partition_properties() {
    let g = Golden::load("shells");
    let top = golden_windows(&g, "tophat");
    let zp = g.vec("partition.z");
    let fz2 = g.get("partition.fz2");
    for m in [PartitionMethod::Nnls, PartitionMethod::Lstsq] {
        let x = partition(&zp, fz2.view(), &top, m).unwrap();
        assert_eq!(x.shape(), &[top.len(), 2]);
        // the integral constraint (sumtol 0.01) keeps the sum close to ∫ f dz
        // over the shells' range, which here is [0, 2]
        for d in 0..2 {
            let row: Vec<f64> = fz2
                .index_axis(ndarray::Axis(0), d)
                .iter()
                .copied()
                .collect();
            let total = trapezoid(&row, &zp).unwrap();
            let sum: f64 = (0..top.len()).map(|i| x[[i, d]]).sum();
            assert!(
                (sum - total).abs() < 0.02 * total,
                "{m:?} {d}: {sum} vs {total}"
            );
        }
    }
}

#[test]
fn shells_grids() {
    let g = Golden::load("shells");
    assert_close(
        "rg.a",
        &redshift_grid(0.0, 1.0, GridStep::Step(0.1)).unwrap(),
        &g.vec("redshift_grid.a"),
        CLOSED,
    );
    assert_close(
        "rg.b",
        &redshift_grid(0.05, 2.0, GridStep::Step(0.07)).unwrap(),
        &g.vec("redshift_grid.b"),
        CLOSED,
    );
    assert_close(
        "rg.c",
        &redshift_grid(0.0, 3.0, GridStep::Num(30)).unwrap(),
        &g.vec("redshift_grid.c"),
        CLOSED,
    );
    assert_close(
        "rg.d",
        &redshift_grid(0.3, 0.9, GridStep::Num(1)).unwrap(),
        &g.vec("redshift_grid.d"),
        CLOSED,
    );
    let cs = cosmologies();
    let r = distance_grid(&cs[0].1, 0.0, 1.5, GridStep::Step(250.0)).unwrap();
    assert_close(
        "distance_grid.flat",
        &r,
        &g.vec("distance_grid.flat"),
        SOLVER,
    );
    let r = distance_grid(&cs[1].1, 0.1, 2.0, GridStep::Num(12)).unwrap();
    assert_close(
        "distance_grid.open",
        &r,
        &g.vec("distance_grid.open"),
        SOLVER,
    );
}

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
fn error_cases_name_the_problem() {
    let msg = |r: glass::Error| r.to_string();
    let e = msg(tophat_windows(
        &[0.0, 0.3, 0.2],
        WindowOptions {
            dz: 0.01,
            ..Default::default()
        },
    )
    .unwrap_err());
    assert!(e.contains("strictly increasing"), "{e}");
    let e = msg(linear_windows(
        &[0.0, 0.3],
        WindowOptions {
            dz: 0.01,
            ..Default::default()
        },
    )
    .unwrap_err());
    assert!(e.contains("at least 3"), "{e}");
    let e = msg("bogus".parse::<PartitionMethod>().unwrap_err());
    assert!(e.contains("invalid method: bogus"), "{e}");
    let shells = tophat_windows(
        &[0.0, 0.5, 1.0],
        WindowOptions {
            dz: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    let f = Array1::from(vec![1.0, 1.0, 1.0]).into_dyn();
    let e = msg(partition(&[0.0, 2.0, 1.0], f.view(), &shells, PartitionMethod::Nnls).unwrap_err());
    assert!(e.contains("monotonically increasing"), "{e}");
    let e = msg(partition(&[0.0, 1.0], f.view(), &shells, PartitionMethod::Lstsq).unwrap_err());
    assert!(e.contains("last axis"), "{e}");
    // "exactly one of dz and num / nbins and dz" is a type now (GridStep, ZBins)
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
    let c = LambdaCdm::flat(70.0, 0.3).unwrap();
    let e = msg(c.inv_comoving_distance(-5.0).unwrap_err());
    assert!(e.contains("non-negative"), "{e}");
    let e = msg(LambdaCdm::flat(0.0, 0.3).unwrap_err());
    assert!(e.contains("H0 must be positive"), "{e}");
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
