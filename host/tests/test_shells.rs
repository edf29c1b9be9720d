//! `glass::shells` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_shells.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::arraytools::trapezoid;
use glass::shells::{
    combine, cubic_windows, distance_grid, linear_windows, partition, redshift_grid, restrict,
    tophat_windows, DensityWeight, DistanceWeight, PartitionMethod, RadialWindow, VolumeWeight,
};
use glass::shells::{GridStep, WindowOptions};
use golden::{assert_array_close, assert_close, Golden};
use golden::{cosmologies, max_abs, CLOSED, SOLVER};
use ndarray::Array1;

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

#[test]
fn shells_errors_name_the_problem() {
    let msg = |r: glass::Error| r.to_string();
    // "exactly one of dz and num" is a type now (GridStep)

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
}
