//! `glass::arraytools` against golden data from Python GLASS 2026.4 (written by
//! tools/reference/science_golden.py), plus error cases; as GLASS's
//! `tests/core/test_arraytools.py`.
//!
//! Tolerances: 1e-10 relative for closed-form functions, 1e-8 for solvers
//! and integrals; any absolute floor is explained where it is used.

mod golden;

use glass::arraytools::{
    broadcast_first, broadcast_leading_axes, cumulative_trapezoid, ndinterp, trapezoid_product,
};
use glass::arraytools::{InterpOptions, NdinterpOptions};
use golden::CLOSED;
use golden::{assert_array_close, assert_close, Golden};

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
