//! The `healpix.*` extension against glass-healpix (itself checked against
//! healpy on golden data): small random transforms, batched and single,
//! scalar and spin; pixel functions on random points; errors for wrong
//! dtypes and lengths.

use glass_backend_api::dtype::names::{Complex128 as C, Float64 as F64, Int64};
use glass_backend_api::{ErrorKind, RValue};
use glass_healpix::alm::{alm_index, alm_size};
use glass_healpix::{pixel, sht::ShtPlan};
use num_complex::Complex64 as C64;
use rand::RngExt;

use super::{dtype_error_check, eval_many, eval_with, expect_err_with, within};
use crate::host::{compare, Data, HostArray, Tol};
use crate::{Check, Ctx};

/// Transforms agree with the reference to this (relative to the largest
/// value, as healpy comparisons are stated).
const SHT_TOL: Tol = Tol {
    rtol: 1e-10,
    atol: 0.0,
    scale: 1.0,
    zero_sign: false,
};

/// A random small (nside, lmax, mmax).
fn sizes(ctx: &mut Ctx<'_>) -> (i64, usize, usize) {
    let nside = ctx.rng.random_range(1..=6i64);
    let lmax = ctx.rng.random_range(0..=3 * nside as usize);
    let mmax = ctx.rng.random_range(0..=lmax);
    (nside, lmax, mmax)
}

/// Random alm of a real field (m = 0 real), zero below `spin`, for `n` rows.
fn random_alm(ctx: &mut Ctx<'_>, lmax: usize, mmax: usize, spin: usize, n: usize) -> Vec<C64> {
    let size = alm_size(lmax, mmax);
    let mut v = vec![C64::new(0.0, 0.0); size * n];
    for r in 0..n {
        for m in 0..=mmax {
            for l in m.max(spin)..=lmax {
                let re = ctx.rng.random_range(-1.0..1.0);
                let im = if m == 0 {
                    0.0
                } else {
                    ctx.rng.random_range(-1.0..1.0)
                };
                v[r * size + alm_index(lmax, l, m)] = C64::new(re, im);
            }
        }
    }
    v
}

fn ints(v: &[i64]) -> Vec<RValue> {
    v.iter().map(|&x| RValue::Int(x)).collect()
}

fn alm2map() -> Check {
    Check::new("healpix.alm2map", "values[random sizes, batches]", |ctx| {
        for case in 0..ctx.cases {
            let (nside, lmax, mmax) = sizes(ctx);
            let rows = ctx.rng.random_range(1..=2usize);
            let a = random_alm(ctx, lmax, mmax, 0, rows);
            let plan = ShtPlan::new(nside, lmax, mmax).map_err(|e| e.to_string())?;
            let n = plan.nalm();
            let mut exp = Vec::new();
            for r in 0..rows {
                exp.extend(
                    plan.alm2map(&a[r * n..(r + 1) * n])
                        .map_err(|e| e.to_string())?,
                );
            }
            let shape = if rows == 1 { vec![n] } else { vec![rows, n] };
            let out_shape = if rows == 1 {
                vec![plan.npix()]
            } else {
                vec![rows, plan.npix()]
            };
            let x = HostArray::c128(shape, a);
            let what = || format!("case {case}: nside {nside} lmax {lmax} mmax {mmax} rows {rows}");
            let got = within(
                eval_with(ctx, "healpix.alm2map", &[&x], |h| {
                    let mut v = vec![h[0].clone()];
                    v.extend(ints(&[nside, lmax as i64, mmax as i64]));
                    v
                }),
                what,
            )?;
            within(
                compare(&got, &HostArray::f64(out_shape, exp), SHT_TOL),
                what,
            )?;
        }
        Ok(())
    })
}

fn map2alm() -> Check {
    Check::new(
        "healpix.map2alm",
        "values[random sizes, iter 0 and 3]",
        |ctx| {
            for case in 0..ctx.cases {
                let (nside, lmax, mmax) = sizes(ctx);
                let iter = if ctx.rng.random::<bool>() { 0 } else { 3 };
                let plan = ShtPlan::new(nside, lmax, mmax).map_err(|e| e.to_string())?;
                let m: Vec<f64> = (0..plan.npix())
                    .map(|_| ctx.rng.random_range(-1.0..1.0))
                    .collect();
                let exp = plan.map2alm(&m, iter, None).map_err(|e| e.to_string())?;
                let x = HostArray::f64(vec![plan.npix()], m);
                let what =
                    || format!("case {case}: nside {nside} lmax {lmax} mmax {mmax} iter {iter}");
                let got = within(
                    eval_with(ctx, "healpix.map2alm", &[&x], |h| {
                        let mut v = vec![h[0].clone()];
                        v.extend(ints(&[lmax as i64, mmax as i64, iter as i64]));
                        v.push(RValue::None);
                        v
                    }),
                    what,
                )?;
                within(
                    compare(&got, &HostArray::c128(vec![plan.nalm()], exp), SHT_TOL),
                    what,
                )?;
            }
            Ok(())
        },
    )
}

fn spin(op: &'static str) -> Check {
    Check::new(op, "values[spin 1 and 2]", move |ctx| {
        for case in 0..ctx.cases {
            let spin = ctx.rng.random_range(1..=2usize);
            let nside = ctx.rng.random_range(1..=6i64);
            let lmax = ctx.rng.random_range(spin..=3 * nside as usize);
            let mmax = ctx.rng.random_range(0..=lmax);
            let plan = ShtPlan::new(nside, lmax, mmax).map_err(|e| e.to_string())?;
            let (n, npix) = (plan.nalm(), plan.npix());
            let what = || format!("case {case}: spin {spin} nside {nside} lmax {lmax} mmax {mmax}");
            if op == "healpix.alm2map_spin" {
                let a = random_alm(ctx, lmax, mmax, spin, 2);
                let [q, u] = plan
                    .alm2map_spin(spin, &a[..n], &a[n..])
                    .map_err(|e| e.to_string())?;
                let x = HostArray::c128(vec![2, n], a);
                let got = within(
                    eval_with(ctx, op, &[&x], |h| {
                        let mut v = vec![h[0].clone()];
                        v.extend(ints(&[nside, spin as i64, lmax as i64, mmax as i64]));
                        v
                    }),
                    what,
                )?;
                within(
                    compare(
                        &got,
                        &HostArray::f64(vec![2, npix], [q, u].concat()),
                        SHT_TOL,
                    ),
                    what,
                )?;
            } else {
                let m: Vec<f64> = (0..2 * npix)
                    .map(|_| ctx.rng.random_range(-1.0..1.0))
                    .collect();
                let [e, b] = plan
                    .map2alm_spin(spin, &m[..npix], &m[npix..], 0, None)
                    .map_err(|e| e.to_string())?;
                let x = HostArray::f64(vec![2, npix], m);
                let got = within(
                    eval_with(ctx, op, &[&x], |h| {
                        let mut v = vec![h[0].clone()];
                        v.extend(ints(&[spin as i64, lmax as i64, mmax as i64, 0]));
                        v.push(RValue::None);
                        v
                    }),
                    what,
                )?;
                within(
                    compare(&got, &HostArray::c128(vec![2, n], [e, b].concat()), SHT_TOL),
                    what,
                )?;
            }
        }
        Ok(())
    })
}

fn random_angles(ctx: &mut Ctx<'_>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let theta = (0..n)
        .map(|_| ctx.rng.random_range(0.0..std::f64::consts::PI))
        .collect();
    let phi = (0..n).map(|_| ctx.rng.random_range(-7.0..7.0)).collect();
    (theta, phi)
}

fn pixels() -> Check {
    Check::new("healpix.ang2pix", "values[RING any nside, NESTED]", |ctx| {
        for case in 0..ctx.cases {
            let nest = ctx.rng.random::<bool>();
            let nside = if nest {
                1i64 << ctx.rng.random_range(0..12)
            } else {
                ctx.rng.random_range(1..5000i64)
            };
            let (t, p) = random_angles(ctx, 64);
            let exp = pixel::ang2pix(nside, &t, &p, nest).map_err(|e| e.to_string())?;
            let (th, ph) = (HostArray::f64(vec![64], t), HostArray::f64(vec![64], p));
            let what = || format!("case {case}: nside {nside} nest {nest}");
            let got = within(
                eval_with(ctx, "healpix.ang2pix", &[&th, &ph], |h| {
                    vec![
                        RValue::Int(nside),
                        h[0].clone(),
                        h[1].clone(),
                        RValue::Bool(nest),
                    ]
                }),
                what,
            )?;
            within(
                compare(&got, &HostArray::int(vec![64], exp), Tol::EXACT),
                what,
            )?;
        }
        Ok(())
    })
}

fn pix2ang_and_randang(op: &'static str) -> Check {
    Check::new(op, "values[RING any nside, NESTED]", move |ctx| {
        for case in 0..ctx.cases {
            let nest = ctx.rng.random::<bool>();
            let nside = if nest {
                1i64 << ctx.rng.random_range(0..12)
            } else {
                ctx.rng.random_range(1..5000i64)
            };
            let npix = 12 * nside * nside;
            let pix: Vec<i64> = (0..32).map(|_| ctx.rng.random_range(0..npix)).collect();
            let u: Vec<f64> = (0..32).map(|_| ctx.rng.random_range(0.0..1.0)).collect();
            let v: Vec<f64> = (0..32).map(|_| ctx.rng.random_range(0.0..1.0)).collect();
            let (et, ep) = if op == "healpix.pix2ang" {
                pixel::pix2ang(nside, &pix, nest)
            } else {
                pixel::randang(nside, &pix, &u, &v, nest)
            }
            .map_err(|e| e.to_string())?;
            let ph = HostArray::int(vec![32], pix);
            let (uh, vh) = (HostArray::f64(vec![32], u), HostArray::f64(vec![32], v));
            let what = || format!("case {case}: nside {nside} nest {nest}");
            let got = within(
                if op == "healpix.pix2ang" {
                    eval_many(ctx, op, &[&ph], |h| {
                        vec![RValue::Int(nside), h[0].clone(), RValue::Bool(nest)]
                    })
                } else {
                    eval_many(ctx, op, &[&ph, &uh, &vh], |h| {
                        vec![
                            RValue::Int(nside),
                            h[0].clone(),
                            h[1].clone(),
                            h[2].clone(),
                            RValue::Bool(nest),
                        ]
                    })
                },
                what,
            )?;
            if got.len() != 2 {
                return Err(
                    format!("{}: {} results, expected (theta, phi)", what(), got.len()).into(),
                );
            }
            let tol = Tol {
                rtol: 0.0,
                atol: 1e-13,
                scale: 0.0,
                zero_sign: false,
            };
            within(compare(&got[0], &HostArray::f64(vec![32], et), tol), what)?;
            within(compare(&got[1], &HostArray::f64(vec![32], ep), tol), what)?;
        }
        Ok(())
    })
}

fn wrong_length() -> Check {
    Check::new("healpix.alm2map", "shape_error[alm length]", |ctx| {
        let x = HostArray::c128(vec![5], vec![C64::new(1.0, 0.0); 5]);
        expect_err_with(ctx, "healpix.alm2map", &[&x], ErrorKind::Shape, |h| {
            vec![h[0].clone(), RValue::Int(2), RValue::Int(2), RValue::Int(2)]
        })?;
        Ok(())
    })
}

pub(crate) fn checks() -> Vec<Check> {
    let mut v = vec![
        alm2map(),
        map2alm(),
        spin("healpix.alm2map_spin"),
        spin("healpix.map2alm_spin"),
        pixels(),
        pix2ang_and_randang("healpix.pix2ang"),
        pix2ang_and_randang("healpix.randang"),
        wrong_length(),
    ];
    v.push(dtype_error_check(
        "healpix.alm2map",
        F64,
        |d| vec![HostArray::new(vec![6], Data::F64(vec![0.0; 6]).cast(d))],
        |h| vec![h[0].clone(), RValue::Int(2), RValue::Int(2), RValue::Int(2)],
    ));
    v.push(dtype_error_check(
        "healpix.map2alm",
        C,
        |d| vec![HostArray::new(vec![48], Data::F64(vec![0.0; 48]).cast(d))],
        |h| {
            vec![
                h[0].clone(),
                RValue::Int(2),
                RValue::Int(2),
                RValue::Int(0),
                RValue::None,
            ]
        },
    ));
    v.push(dtype_error_check(
        "healpix.ang2pix",
        Int64,
        |d| {
            vec![
                HostArray::new(vec![3], Data::F64(vec![0.0; 3]).cast(d)),
                HostArray::new(vec![3], Data::F64(vec![0.0; 3]).cast(d)),
            ]
        },
        |h| {
            vec![
                RValue::Int(2),
                h[0].clone(),
                h[1].clone(),
                RValue::Bool(false),
            ]
        },
    ));
    v
}
