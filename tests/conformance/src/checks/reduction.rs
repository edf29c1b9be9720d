//! Statistical and utility reductions: random axes (negative ones too),
//! `keepdims`, empty reductions, NaN propagation.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::{ErrorKind, RValue};
use num_complex::Complex64 as C64;
use rand::RngExt;

use super::{desc, dtype_error_check, eval_with, iints, within};
use crate::gen::{self, Dom};
use crate::host::{numel, ravel, unravel, Data, HostArray, Tol};
use crate::{CResult, Check, Ctx};

/// Output shape and, per output element (C order), the flat input indices
/// reduced into it (in C order).
pub(crate) fn groups(
    shape: &[usize],
    axes: &[usize],
    keepdims: bool,
) -> (Vec<usize>, Vec<Vec<usize>>) {
    let kept: Vec<usize> = (0..shape.len()).filter(|a| !axes.contains(a)).collect();
    let kshape: Vec<usize> = kept.iter().map(|&a| shape[a]).collect();
    let rshape: Vec<usize> = axes.iter().map(|&a| shape[a]).collect();
    let mut groups = Vec::with_capacity(numel(&kshape));
    for o in 0..numel(&kshape) {
        let oi = unravel(o, &kshape);
        let g = (0..numel(&rshape))
            .map(|r| {
                let ri = unravel(r, &rshape);
                let mut idx = vec![0; shape.len()];
                for (k, &a) in kept.iter().enumerate() {
                    idx[a] = oi[k];
                }
                for (k, &a) in axes.iter().enumerate() {
                    idx[a] = ri[k];
                }
                ravel(&idx, shape)
            })
            .collect();
        groups.push(g);
    }
    let out = if keepdims {
        (0..shape.len())
            .map(|a| if axes.contains(&a) { 1 } else { shape[a] })
            .collect()
    } else {
        kshape
    };
    (out, groups)
}

/// A random reduction: the axes (sorted, as indices) and the argument that
/// names them (`None` for all, or a list with negative axes sometimes).
fn random_axes(ctx: &mut Ctx<'_>, ndim: usize) -> (Vec<usize>, RValue) {
    if ndim == 0 || ctx.rng.random_range(0..3) == 0 {
        return ((0..ndim).collect(), RValue::None);
    }
    let mut axes = gen::subset(&mut ctx.rng, ndim);
    if axes.is_empty() {
        axes.push(ctx.rng.random_range(0..ndim));
    }
    let mut arg: Vec<i64> = axes
        .iter()
        .map(|&a| gen::axis_arg(&mut ctx.rng, a, ndim))
        .collect();
    // Order of axes must not matter.
    if ctx.rng.random::<bool>() {
        arg.reverse();
    }
    (axes, iints(&arg))
}

/// A reduction of a group of values (given as complex or real) to one.
#[derive(Clone, Copy)]
enum Red {
    /// Sum/product/mean and friends on complex values (reals embedded).
    Num(fn(&[C64]) -> C64),
    /// On reals; `Err` for an empty group where the op must fail.
    Real(fn(&[f64], f64) -> Option<f64>),
    /// To bool.
    Truth(fn(&[bool]) -> bool),
}

fn sum(v: &[C64]) -> C64 {
    v.iter().sum()
}
fn prod(v: &[C64]) -> C64 {
    v.iter().product()
}
fn mean(v: &[C64]) -> C64 {
    sum(v) / v.len() as f64
}

/// Variance with `correction` degrees of freedom removed (two-pass).
fn var(v: &[f64], correction: f64) -> Option<f64> {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    Some(v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - correction))
}

fn nan_fold(v: &[f64], f: fn(f64, f64) -> f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    Some(if v.iter().any(|x| x.is_nan()) {
        f64::NAN
    } else {
        v.iter().copied().fold(v[0], f)
    })
}

#[derive(Clone, Copy)]
struct Spec {
    op: &'static str,
    dtypes: &'static [DType],
    dom: Dom,
    red: Red,
    /// Output dtype for an input dtype.
    out: fn(DType) -> DType,
    /// Whether the op takes a `correction` argument (var, std).
    correction: bool,
    bad: &'static [DType],
}

fn same(d: DType) -> DType {
    d
}

fn table() -> Vec<Spec> {
    let s = |op, dtypes, dom, red, out, bad| Spec {
        op,
        dtypes,
        dom,
        red,
        out,
        correction: false,
        bad,
    };
    let num: &'static [DType] = &[I, F32, F64, C];
    let real: &'static [DType] = &[I, F32, F64];
    vec![
        s(
            "sum",
            num,
            Dom::Uniform(-10.0, 10.0),
            Red::Num(sum),
            same as fn(DType) -> DType,
            &[] as &[DType],
        ),
        s(
            "prod",
            num,
            Dom::SignedMag(0.5, 1.5),
            Red::Num(prod),
            same,
            &[],
        ),
        s(
            "mean",
            &[F32, F64, C],
            Dom::Uniform(-10.0, 10.0),
            Red::Num(mean),
            same,
            &[Bool],
        ),
        Spec {
            correction: true,
            ..s(
                "var",
                &[F32, F64],
                Dom::Uniform(-10.0, 10.0),
                Red::Real(var),
                same,
                &[Bool, C],
            )
        },
        Spec {
            correction: true,
            ..s(
                "std",
                &[F32, F64],
                Dom::Uniform(-10.0, 10.0),
                Red::Real(|v, c| var(v, c).map(f64::sqrt)),
                same,
                &[Bool, C],
            )
        },
        s(
            "min",
            real,
            Dom::Grid(-20, 20),
            Red::Real(|v, _| nan_fold(v, f64::min)),
            same,
            &[C],
        ),
        s(
            "max",
            real,
            Dom::Grid(-20, 20),
            Red::Real(|v, _| nan_fold(v, f64::max)),
            same,
            &[C],
        ),
        s(
            "any",
            &[Bool, I, F64],
            Dom::Grid(0, 1),
            Red::Truth(|v| v.iter().any(|&b| b)),
            |_| Bool,
            &[],
        ),
        s(
            "all",
            &[Bool, I, F64],
            Dom::Grid(0, 1),
            Red::Truth(|v| v.iter().all(|&b| b)),
            |_| Bool,
            &[],
        ),
        s(
            "count_nonzero",
            &[Bool, I, F64, C],
            Dom::Grid(-1, 1),
            Red::Truth(|_| false),
            |_| I,
            &[],
        ),
    ]
}

/// Runs one reduction case: `Ok(false)` when the case was not applicable.
fn case(ctx: &mut Ctx<'_>, s: &Spec, d: DType, case: usize) -> CResult {
    let shape = gen::shape(&mut ctx.rng, 0, 4, 4);
    // Keep prod of ints in range.
    let dom = if s.op == "prod" && d == I {
        Dom::Grid(-1, 1)
    } else {
        s.dom
    };
    let x = gen::array(&mut ctx.rng, d, &shape, dom);
    let (axes, axis_arg) = random_axes(ctx, shape.len());
    let keepdims = ctx.rng.random::<bool>();
    let (out_shape, gs) = groups(&shape, &axes, keepdims);
    let gsize = gs
        .first()
        .map_or(axes.iter().map(|&a| shape[a]).product(), |g| g.len());
    let mut correction = 0.0;
    if s.correction && gsize >= 2 && ctx.rng.random::<bool>() {
        correction = 1.0;
    }
    let c = || {
        format!(
            "case {case}, x {}, axis {axis_arg:?}, keepdims {keepdims}, correction {correction}",
            desc(&x)
        )
    };
    let args = |h: &[RValue]| {
        let mut a = vec![h[0].clone(), axis_arg.clone()];
        if s.correction {
            a.push(RValue::Float(correction));
        }
        a.push(RValue::Bool(keepdims));
        a
    };
    let must_fail = matches!(s.op, "min" | "max") && gsize == 0;
    if must_fail {
        if numel(&out_shape) > 0 {
            within(
                super::expect_err_with(ctx, s.op, &[&x], ErrorKind::Value, args),
                c,
            )?;
        }
        return Ok(());
    }
    if s.correction && gsize == 0 {
        return Ok(());
    }
    let got = within(eval_with(ctx, s.op, &[&x], args), c)?;
    let out_dt = (s.out)(d);
    let (exp, scale) = reference(s, &x, &gs, correction);
    let exp = HostArray::new(out_shape, exp.cast(out_dt));
    let tol = match out_dt {
        F32 => Tol {
            rtol: 1e-4,
            ..Tol::elementwise(F32)
        }
        .with_atol(1e-5 * scale),
        _ => Tol::elementwise(F64).with_atol(1e-12 * scale),
    };
    within(crate::host::compare(&got, &exp, tol), c)?;
    Ok(())
}

/// The reference of a reduction and a magnitude scale for tolerances.
fn reference(s: &Spec, x: &HostArray, gs: &[Vec<usize>], correction: f64) -> (Data, f64) {
    let cv = x.data.to_c64();
    let scale = cv.iter().map(|z| z.norm()).fold(0.0, f64::max).max(1.0)
        * 4.0
        * (gs.first().map_or(1, |g| g.len()).max(1) as f64);
    let data = match s.red {
        Red::Num(f) => Data::C128(
            gs.iter()
                .map(|g| f(&g.iter().map(|&i| cv[i]).collect::<Vec<_>>()))
                .collect(),
        ),
        Red::Real(f) => Data::F64(
            gs.iter()
                .map(|g| {
                    f(&g.iter().map(|&i| cv[i].re).collect::<Vec<_>>(), correction)
                        .unwrap_or(f64::NAN)
                })
                .collect(),
        ),
        Red::Truth(f) => {
            if s.op == "count_nonzero" {
                Data::Int(
                    gs.iter()
                        .map(|g| g.iter().filter(|&&i| x.data.truthy(i)).count() as i64)
                        .collect(),
                )
            } else {
                Data::Bool(
                    gs.iter()
                        .map(|g| f(&g.iter().map(|&i| x.data.truthy(i)).collect::<Vec<_>>()))
                        .collect(),
                )
            }
        }
    };
    let scale = match s.op {
        "var" | "std" | "prod" => 0.0,
        _ => scale,
    };
    (data, scale)
}

fn values_check(s: Spec, d: DType) -> Check {
    let op = s.op;
    Check::new(op, format!("values[{d}]"), move |ctx| {
        for k in 0..ctx.cases {
            case(ctx, &s, d, k)?;
        }
        Ok(())
    })
}

fn special_checks() -> Vec<Check> {
    let empty = || HostArray::f64(vec![0], vec![]);
    let scalar = |v: f64| HostArray::f64(vec![], vec![v]);
    let fixed = |op: &'static str, name: &'static str, x: HostArray, exp: HostArray| {
        Check::new(op, name, move |ctx| {
            let got = eval_with(ctx, op, &[&x], |h| vec![h[0].clone()])?;
            within(crate::host::compare(&got, &exp, Tol::EXACT), || {
                format!("x {}", desc(&x))
            })?;
            Ok(())
        })
    };
    let nan = HostArray::f64(vec![3], vec![1.0, f64::NAN, 2.0]);
    vec![
        fixed("sum", "empty_is_zero", empty(), scalar(0.0)),
        fixed(
            "sum",
            "empty_int_is_zero",
            HostArray::int(vec![2, 0], vec![]),
            HostArray::int(vec![], vec![0]),
        ),
        fixed("prod", "empty_is_one", empty(), scalar(1.0)),
        fixed("mean", "empty_is_nan", empty(), scalar(f64::NAN)),
        fixed("sum", "nan_propagates", nan.clone(), scalar(f64::NAN)),
        fixed("max", "nan_propagates", nan.clone(), scalar(f64::NAN)),
        fixed("min", "nan_propagates", nan, scalar(f64::NAN)),
        fixed(
            "any",
            "empty_is_false",
            HostArray::bool(vec![0], vec![]),
            HostArray::bool(vec![], vec![false]),
        ),
        fixed(
            "all",
            "empty_is_true",
            HostArray::bool(vec![0], vec![]),
            HostArray::bool(vec![], vec![true]),
        ),
        Check::new("max", "empty_is_value_error", move |ctx| {
            super::expect_err_with(ctx, "max", &[&empty()], ErrorKind::Value, |h| {
                vec![h[0].clone()]
            })?;
            Ok(())
        }),
        Check::new("sum", "dtype_argument", |ctx| {
            let x = gen::array(&mut ctx.rng, F32, &[3, 4], Dom::Uniform(-1.0, 1.0));
            let exp: f64 = x.data.to_f64().unwrap_or_default().iter().sum();
            let got = eval_with(ctx, "sum", &[&x], |h| {
                vec![
                    h[0].clone(),
                    RValue::None,
                    RValue::Bool(false),
                    RValue::DType(F64),
                ]
            })?;
            crate::host::compare(
                &got,
                &HostArray::f64(vec![], vec![exp]),
                Tol::elementwise(F64).with_atol(1e-13),
            )?;
            Ok(())
        }),
    ]
}

/// argmax/argmin: index of the first extremum, flattened when axis is None.
fn arg_checks() -> Vec<Check> {
    let mut v = Vec::new();
    for op in ["argmax", "argmin"] {
        for d in [I, F32, F64] {
            v.push(Check::new(op, format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape_nonempty(&mut ctx.rng, 0, 4, 4);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-3, 3));
                    let keepdims = ctx.rng.random::<bool>();
                    let (axes, arg) = if shape.is_empty() || ctx.rng.random_range(0..3) == 0 {
                        ((0..shape.len()).collect::<Vec<_>>(), RValue::None)
                    } else {
                        let a = ctx.rng.random_range(0..shape.len());
                        (
                            vec![a],
                            RValue::Int(gen::axis_arg(&mut ctx.rng, a, shape.len())),
                        )
                    };
                    let (out, gs) = groups(&shape, &axes, keepdims && arg != RValue::None);
                    let out = if keepdims && arg == RValue::None {
                        vec![1; shape.len()]
                    } else {
                        out
                    };
                    let xs = x.data.to_f64().ok_or("suite bug")?;
                    let exp: Vec<i64> = gs
                        .iter()
                        .map(|g| {
                            let mut best = 0;
                            for (k, &i) in g.iter().enumerate() {
                                let better = if op == "argmax" {
                                    xs[i] > xs[g[best]]
                                } else {
                                    xs[i] < xs[g[best]]
                                };
                                if better {
                                    best = k;
                                }
                            }
                            best as i64
                        })
                        .collect();
                    let exp = HostArray::int(out, exp);
                    let c = || {
                        format!(
                            "case {case}, x {}, axis {arg:?}, keepdims {keepdims}",
                            desc(&x)
                        )
                    };
                    let got = within(
                        eval_with(ctx, op, &[&x], |h| {
                            vec![h[0].clone(), arg.clone(), RValue::Bool(keepdims)]
                        }),
                        c,
                    )?;
                    within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            }));
        }
        v.push(dtype_error_check(
            op,
            C,
            |d| vec![HostArray::new(vec![3], Data::Bool(vec![true; 3]).cast(d))],
            |h| vec![h[0].clone()],
        ));
    }
    v
}

/// cumulative_sum/cumulative_prod along an axis, with include_initial.
fn cumulative_checks() -> Vec<Check> {
    let mut v = Vec::new();
    for op in ["cumulative_sum", "cumulative_prod"] {
        for d in [I, F32, F64, C] {
            v.push(Check::new(op, format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 1, 4, 4);
                    let dom = if op == "cumulative_prod" {
                        Dom::Grid(-2, 2)
                    } else {
                        Dom::Uniform(-5.0, 5.0)
                    };
                    let x = gen::array(&mut ctx.rng, d, &shape, dom);
                    let a = ctx.rng.random_range(0..shape.len());
                    let arg = if shape.len() == 1 && ctx.rng.random::<bool>() {
                        RValue::None
                    } else {
                        RValue::Int(gen::axis_arg(&mut ctx.rng, a, shape.len()))
                    };
                    let init = ctx.rng.random::<bool>();
                    let mut out_shape = shape.clone();
                    out_shape[a] += init as usize;
                    let xs = x.data.to_c64();
                    let n_out = numel(&out_shape);
                    let exp: Vec<C64> = (0..n_out)
                        .map(|f| {
                            let mut idx = unravel(f, &out_shape);
                            let upto = idx[a] + 1 - init as usize;
                            let mut acc = if op == "cumulative_sum" {
                                C64::new(0.0, 0.0)
                            } else {
                                C64::new(1.0, 0.0)
                            };
                            for j in 0..upto {
                                idx[a] = j;
                                let val = xs[ravel(&idx, &shape)];
                                acc = if op == "cumulative_sum" {
                                    acc + val
                                } else {
                                    acc * val
                                };
                            }
                            acc
                        })
                        .collect();
                    let exp = HostArray::c128(out_shape, exp).cast(d);
                    let c = || {
                        format!(
                            "case {case}, x {}, axis {arg:?}, include_initial {init}",
                            desc(&x)
                        )
                    };
                    let got = within(
                        eval_with(ctx, op, &[&x], |h| {
                            vec![h[0].clone(), arg.clone(), RValue::Bool(init)]
                        }),
                        c,
                    )?;
                    within(
                        crate::host::compare(
                            &got,
                            &exp,
                            Tol::elementwise(d).with_atol(1e-12 * 25.0),
                        ),
                        c,
                    )?;
                }
                Ok(())
            }));
        }
    }
    v
}

/// Every check of the reductions.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = Vec::new();
    for s in table() {
        for &d in s.dtypes {
            v.push(values_check(s, d));
        }
        for &d in s.bad {
            v.push(dtype_error_check(
                s.op,
                d,
                |d| {
                    vec![HostArray::new(
                        vec![2, 2],
                        Data::Bool(vec![true; 4]).cast(d),
                    )]
                },
                |h| vec![h[0].clone()],
            ));
        }
    }
    v.extend(special_checks());
    v.extend(arg_checks());
    v.extend(cumulative_checks());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_layout() {
        let (out, gs) = groups(&[2, 3], &[1], false);
        assert_eq!(out, vec![2]);
        assert_eq!(gs, vec![vec![0, 1, 2], vec![3, 4, 5]]);
        let (out, gs) = groups(&[2, 3], &[0], true);
        assert_eq!(out, vec![1, 3]);
        assert_eq!(gs, vec![vec![0, 3], vec![1, 4], vec![2, 5]]);
        let (out, gs) = groups(&[], &[], false);
        assert_eq!(out, Vec::<usize>::new());
        assert_eq!(gs, vec![vec![0]]);
        let (out, gs) = groups(&[0, 2], &[0], false);
        assert_eq!(out, vec![2]);
        assert_eq!(gs, vec![Vec::<usize>::new(), vec![]]);
        assert!((var(&[1.0, 2.0, 3.0, 4.0], 1.0).unwrap() - 5.0 / 3.0).abs() < 1e-15);
    }
}
