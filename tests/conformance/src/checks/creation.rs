//! Transfers and creation ops.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::{ErrorKind, RValue};
use num_complex::Complex64 as C64;
use rand::RngExt;

use super::{desc, eval_with, ints, within};
use crate::gen::{self, Dom};
use crate::host::{compare, numel, Data, HostArray, Tol};
use crate::{Bad, Check, Ctx};

const ALL: [DType; 5] = [Bool, I, F32, F64, C];

/// The scalar argument for a fill value of `dtype`, and the value itself.
fn fill_value(ctx: &mut Ctx<'_>, dtype: DType) -> (RValue, Data) {
    let v = gen::exact_scalar(&mut ctx.rng);
    match dtype {
        Bool => (RValue::Bool(v > 0.0), Data::Bool(vec![v > 0.0])),
        I => (RValue::Int(v as i64), Data::Int(vec![v as i64])),
        F32 => (RValue::Float(v), Data::F32(vec![v as f32])),
        F64 => (RValue::Float(v), Data::F64(vec![v])),
        C => {
            let z = C64::new(v, gen::exact_scalar(&mut ctx.rng));
            (RValue::Complex(z.into()), Data::C128(vec![z]))
        }
        other => unreachable!("the suite draws only the dtypes of DType::ALL, not {other}"),
    }
}

/// `fill` repeated to `shape`.
fn filled(shape: &[usize], fill: &Data) -> HostArray {
    HostArray::new(shape.to_vec(), fill.gather(&vec![0; numel(shape)]))
}

fn one_of(dtype: DType, v: bool) -> Data {
    Data::Bool(vec![v]).cast(dtype)
}

fn roundtrip() -> Vec<Check> {
    let mut v: Vec<Check> = ALL
        .iter()
        .map(|&d| {
            Check::new("asarray", format!("roundtrip[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Uniform(-1e3, 1e3));
                    let a = ctx.s.upload(&x)?;
                    let m = ctx.s.meta(&a)?;
                    if m.device != 0 {
                        return Err(format!(
                            "case {case}: asarray put {} on device {}",
                            desc(&x),
                            m.device
                        )
                        .into());
                    }
                    let got = within(ctx.s.download(&a), || {
                        format!("case {case}, x {}", desc(&x))
                    })?;
                    within(compare(&got, &x, Tol::EXACT.with_zero_sign()), || {
                        format!("case {case}, x {}", desc(&x))
                    })?;
                }
                Ok(())
            })
        })
        .collect();
    v.push(Check::new("asarray", "special_values", |ctx| {
        let x = HostArray::f64(
            vec![5],
            vec![
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                f64::MIN_POSITIVE / 4.0,
            ],
        );
        let got = ctx.s.download(&ctx.s.upload(&x)?)?;
        compare(&got, &x, Tol::EXACT.with_zero_sign())?;
        Ok(())
    }));
    v.push(Check::new("asarray", "wrong_length", |ctx| {
        let buf = HostArray::f64(vec![5], vec![1.0; 5]).to_buffer();
        match ctx.s.call("asarray", &[RValue::Buffer(buf), ints(&[2, 3])]) {
            Ok(_) => Err("asarray of 5 elements into shape [2, 3] succeeded".into()),
            Err(e) if matches!(e.kind, ErrorKind::Shape | ErrorKind::Value) => Ok(()),
            Err(e) => Err(format!(
                "asarray of 5 elements into shape [2, 3] gave a {} error where Shape was expected",
                e.kind.name()
            )
            .into()),
        }
    }));
    v.push(Check::new("to_host", "c_order_of_views", |ctx| {
        ctx.require(&["permute_dims"])?;
        let x = HostArray::f64(vec![2, 3], (0..6).map(|k| k as f64).collect());
        let got = eval_with(ctx, "permute_dims", &[&x], |h| {
            vec![h[0].clone(), ints(&[1, 0])]
        })?;
        let exp = HostArray::f64(vec![3, 2], vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
        compare(&got, &exp, Tol::EXACT)?;
        Ok(())
    }));
    v
}

fn constant(op: &'static str, value: Option<bool>) -> Vec<Check> {
    ALL.iter()
        .map(|&d| {
            Check::new(op, format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases.div_ceil(4) {
                    let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
                    let got = within(ctx.s.eval(op, &[ints(&shape), RValue::DType(d)]), || {
                        format!("case {case}, shape {shape:?}")
                    })?;
                    let exp = match value {
                        Some(v) => filled(&shape, &one_of(d, v)),
                        None => {
                            if got.dtype() != d || got.shape != shape {
                                return Err(
                                    format!("{op}({shape:?}, {d}) gave {}", desc(&got)).into()
                                );
                            }
                            continue;
                        }
                    };
                    within(compare(&got, &exp, Tol::EXACT), || {
                        format!("case {case}, shape {shape:?}")
                    })?;
                }
                Ok(())
            })
        })
        .collect()
}

fn full() -> Vec<Check> {
    ALL.iter()
        .map(|&d| {
            Check::new("full", format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases.div_ceil(4) {
                    let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
                    let (arg, val) = fill_value(ctx, d);
                    let c = || format!("case {case}, shape {shape:?}, fill {arg:?}");
                    let got = within(
                        ctx.s
                            .eval("full", &[ints(&shape), arg.clone(), RValue::DType(d)]),
                        c,
                    )?;
                    within(compare(&got, &filled(&shape, &val), Tol::EXACT), c)?;
                }
                Ok(())
            })
        })
        .collect()
}

fn like(op: &'static str, value: Option<bool>) -> Vec<Check> {
    let mut v = Vec::new();
    for &d in &ALL {
        v.push(Check::new(op, format!("values[{d}]"), move |ctx| {
            for case in 0..ctx.cases.div_ceil(4) {
                let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
                let x = gen::array(&mut ctx.rng, d, &shape, Dom::Uniform(-5.0, 5.0));
                let to = if ctx.rng.random::<bool>() {
                    None
                } else {
                    Some(ALL[ctx.rng.random_range(0..5)])
                };
                let want = to.unwrap_or(d);
                let (mut extra, fill) = if op == "full_like" {
                    let (a, f) = fill_value(ctx, want);
                    (vec![a], Some(f))
                } else {
                    (vec![], None)
                };
                extra.push(to.map_or(RValue::None, RValue::DType));
                let c = || format!("case {case}, x {}, dtype {to:?}", desc(&x));
                let got = within(
                    eval_with(ctx, op, &[&x], |h| {
                        let mut a = vec![h[0].clone()];
                        a.extend(extra);
                        a
                    }),
                    c,
                )?;
                let exp = match (value, fill) {
                    (Some(b), _) => filled(&shape, &one_of(want, b)),
                    (None, Some(f)) => filled(&shape, &f),
                    (None, None) => {
                        if got.dtype() != want || got.shape != shape {
                            return Err(format!(
                                "{}: got {} where {want}{shape:?} was expected",
                                c(),
                                desc(&got)
                            )
                            .into());
                        }
                        continue;
                    }
                };
                within(compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }));
    }
    v
}

fn arange() -> Vec<Check> {
    vec![
        Check::new("arange", "values[float64]", |ctx| {
            for case in 0..ctx.cases {
                let start = gen::exact_scalar(&mut ctx.rng);
                let step = gen::exact_scalar(&mut ctx.rng);
                let step = if step == 0.0 { 0.5 } else { step / 2.0 };
                let stop = start + step * ctx.rng.random_range(-1.0..12.0);
                let n = ((stop - start) / step).ceil().max(0.0) as usize;
                let exp =
                    HostArray::f64(vec![n], (0..n).map(|i| start + i as f64 * step).collect());
                let args = [
                    RValue::Float(start),
                    RValue::Float(stop),
                    RValue::Float(step),
                    RValue::DType(F64),
                ];
                let c = || format!("case {case}, arange({start}, {stop}, {step})");
                let got = within(ctx.s.eval("arange", &args), c)?;
                within(
                    compare(&got, &exp, Tol::elementwise(F64).scaled(step.abs())),
                    c,
                )?;
            }
            Ok(())
        }),
        Check::new("arange", "values[int64]", |ctx| {
            for case in 0..ctx.cases {
                let start = ctx.rng.random_range(-10..10i64);
                let step = [-3i64, -1, 1, 2, 5][ctx.rng.random_range(0..5)];
                let stop = ctx.rng.random_range(-15..15i64);
                let (span, st) = if step > 0 {
                    (stop - start, step)
                } else {
                    (start - stop, -step)
                };
                let n = ((span.max(0) + st - 1) / st) as usize;
                let exp =
                    HostArray::int(vec![n], (0..n).map(|i| start + i as i64 * step).collect());
                let args = [
                    RValue::Int(start),
                    RValue::Int(stop),
                    RValue::Int(step),
                    RValue::DType(I),
                ];
                let c = || format!("case {case}, arange({start}, {stop}, {step})");
                let got = within(ctx.s.eval("arange", &args), c)?;
                within(compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
    ]
}

fn linspace() -> Vec<Check> {
    let mut v = Vec::new();
    for d in [F32, F64, C] {
        v.push(Check::new("linspace", format!("values[{d}]"), move |ctx| {
            for case in 0..ctx.cases {
                let num = ctx.rng.random_range(0..=8usize);
                let endpoint = ctx.rng.random::<bool>();
                let a = C64::new(
                    gen::exact_scalar(&mut ctx.rng),
                    if d == C {
                        gen::exact_scalar(&mut ctx.rng)
                    } else {
                        0.0
                    },
                );
                let b = C64::new(
                    gen::exact_scalar(&mut ctx.rng),
                    if d == C {
                        gen::exact_scalar(&mut ctx.rng)
                    } else {
                        0.0
                    },
                );
                let div = if endpoint { num.saturating_sub(1) } else { num }.max(1) as f64;
                let vals: Vec<C64> = (0..num)
                    .map(|i| {
                        if endpoint && i + 1 == num && num > 1 {
                            b
                        } else {
                            a + (b - a) * (i as f64 / div)
                        }
                    })
                    .collect();
                let exp = HostArray::c128(vec![num], vals).cast(d);
                let arg = |z: C64| {
                    if d == C {
                        RValue::Complex(z.into())
                    } else {
                        RValue::Float(z.re)
                    }
                };
                let args = [
                    arg(a),
                    arg(b),
                    RValue::Int(num as i64),
                    RValue::Bool(endpoint),
                    RValue::DType(d),
                ];
                let c = || format!("case {case}, linspace({a}, {b}, {num}, endpoint={endpoint})");
                let got = within(ctx.s.eval("linspace", &args), c)?;
                let scale = a.norm().max(b.norm());
                within(compare(&got, &exp, Tol::elementwise(d).scaled(scale)), c)?;
            }
            Ok(())
        }));
    }
    v
}

fn eye() -> Check {
    Check::new("eye", "values", |ctx| {
        for case in 0..ctx.cases {
            let n = ctx.rng.random_range(0..=5usize);
            let m = if ctx.rng.random::<bool>() {
                None
            } else {
                Some(ctx.rng.random_range(0..=5usize))
            };
            let k = ctx.rng.random_range(-3..=3i64);
            let d = ALL[ctx.rng.random_range(0..5)];
            let cols = m.unwrap_or(n);
            let vals: Vec<bool> = (0..n * cols)
                .map(|f| (f % cols) as i64 - (f / cols) as i64 == k)
                .collect();
            let exp = HostArray::bool(vec![n, cols], vals).cast(d);
            let args = [
                RValue::Int(n as i64),
                m.map_or(RValue::None, |m| RValue::Int(m as i64)),
                RValue::Int(k),
                RValue::DType(d),
            ];
            let c = || format!("case {case}, eye({n}, {m:?}, k={k}, {d})");
            let got = within(ctx.s.eval("eye", &args), c)?;
            within(compare(&got, &exp, Tol::EXACT), c)?;
        }
        Ok(())
    })
}

fn astype() -> Vec<Check> {
    let mut v = Vec::new();
    for &from in &ALL {
        for &to in &ALL {
            let refused = from == C && to != C;
            v.push(Check::new("astype", format!("{from}->{to}"), move |ctx| {
                let shape = gen::shape(&mut ctx.rng, 0, 3, 4);
                let x = gen::array(&mut ctx.rng, from, &shape, Dom::Uniform(-100.0, 100.0));
                if refused {
                    super::expect_err_with(ctx, "astype", &[&x], ErrorKind::DType, |h| {
                        vec![h[0].clone(), RValue::DType(to)]
                    })?;
                    return Ok(());
                }
                let exp = x.cast(to);
                let got = eval_with(ctx, "astype", &[&x], |h| {
                    vec![h[0].clone(), RValue::DType(to)]
                })?;
                within(compare(&got, &exp, Tol::EXACT), || {
                    format!("x {}", desc(&x))
                })?;
                Ok(())
            }));
        }
    }
    v
}

fn to_device() -> Check {
    Check::new("to_device", "device0", |ctx| {
        let x = gen::array(&mut ctx.rng, F64, &[3, 2], Dom::Uniform(-1.0, 1.0));
        let a = ctx.s.upload(&x)?;
        let b = ctx.s.call1("to_device", &[a.rv(), RValue::Int(0)])?;
        let m = ctx.s.meta(&b)?;
        if m.device != 0 {
            return Err(Bad::Fail(format!(
                "to_device(x, 0) is on device {}",
                m.device
            )));
        }
        compare(&ctx.s.download(&b)?, &x, Tol::EXACT)?;
        let n = ctx.s.info.devices.len() as i64;
        ctx.s.expect_err(
            "to_device",
            &[a.rv(), RValue::Int(n + 3)],
            ErrorKind::Device,
            "an unknown device",
        )?;
        Ok(())
    })
}

/// Every check of transfers and creation ops.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = roundtrip();
    v.extend(constant("zeros", Some(false)));
    v.extend(constant("ones", Some(true)));
    v.extend(constant("empty", None));
    v.extend(full());
    v.extend(like("zeros_like", Some(false)));
    v.extend(like("ones_like", Some(true)));
    v.extend(like("empty_like", None));
    v.extend(like("full_like", None));
    v.extend(arange());
    v.extend(linspace());
    v.push(eye());
    v.extend(astype());
    v.push(to_device());
    v
}
