//! Unary elementwise ops: values against Rust's `std`/`num-complex` math for
//! every dtype the standard allows, IEEE special values (NaN, infinities,
//! signed zeros), and `DType` errors outside the op's domain.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use num_complex::Complex64 as C64;

use super::{desc, dtype_error_check, eval_with, pass, within};
use crate::gen::{self, Dom};
use crate::host::{compare, Data, HostArray, Tol};
use crate::{Check, Ctx};

/// How an op maps one element.
#[derive(Clone, Copy)]
enum Ref {
    /// Same dtype out: real, complex and integer versions.
    Map {
        r: fn(f64) -> f64,
        c: Option<fn(C64) -> C64>,
        i: Option<fn(i64) -> i64>,
    },
    /// Bool out.
    Pred {
        r: fn(f64) -> bool,
        c: Option<fn(C64) -> bool>,
        i: Option<fn(i64) -> bool>,
    },
    /// Complex in, float64 out (`abs`, `real`, `imag`); reals keep their dtype.
    ToReal {
        c: fn(C64) -> f64,
        r: fn(f64) -> f64,
        i: Option<fn(i64) -> i64>,
    },
    /// Bool in, bool out.
    Not,
}

fn missing(op: &str, d: &Data) -> String {
    format!("the suite has no {op} reference for {}", d.dtype())
}

/// The reference result of `f` on `d`; f32 is computed in f64 and rounded.
fn apply(op: &str, f: Ref, d: &Data) -> Result<Data, String> {
    let miss = || missing(op, d);
    Ok(match (f, d) {
        (Ref::Map { r, .. }, Data::F64(v)) => Data::F64(v.iter().map(|&x| r(x)).collect()),
        (Ref::Map { r, .. }, Data::F32(v)) => {
            Data::F32(v.iter().map(|&x| r(x as f64) as f32).collect())
        }
        (Ref::Map { c: Some(c), .. }, Data::C128(v)) => {
            Data::C128(v.iter().map(|&x| c(x)).collect())
        }
        (Ref::Map { i: Some(i), .. }, Data::Int(v)) => Data::Int(v.iter().map(|&x| i(x)).collect()),
        (Ref::Pred { r, .. }, Data::F64(v)) => Data::Bool(v.iter().map(|&x| r(x)).collect()),
        (Ref::Pred { r, .. }, Data::F32(v)) => Data::Bool(v.iter().map(|&x| r(x as f64)).collect()),
        (Ref::Pred { c: Some(c), .. }, Data::C128(v)) => {
            Data::Bool(v.iter().map(|&x| c(x)).collect())
        }
        (Ref::Pred { i: Some(i), .. }, Data::Int(v)) => {
            Data::Bool(v.iter().map(|&x| i(x)).collect())
        }
        (Ref::ToReal { c, .. }, Data::C128(v)) => Data::F64(v.iter().map(|&x| c(x)).collect()),
        (Ref::ToReal { r, .. }, Data::F64(v)) => Data::F64(v.iter().map(|&x| r(x)).collect()),
        (Ref::ToReal { r, .. }, Data::F32(v)) => {
            Data::F32(v.iter().map(|&x| r(x as f64) as f32).collect())
        }
        (Ref::ToReal { i: Some(i), .. }, Data::Int(v)) => {
            Data::Int(v.iter().map(|&x| i(x)).collect())
        }
        (Ref::Not, Data::Bool(v)) => Data::Bool(v.iter().map(|&x| !x).collect()),
        _ => return Err(miss()),
    })
}

/// One unary op's specification for the suite.
struct Unary {
    op: &'static str,
    dtypes: &'static [DType],
    dom: Dom,
    f: Ref,
    /// Dtypes outside the op's domain (must be `DType` errors).
    bad: &'static [DType],
    /// Whether random inputs should include NaN and infinities.
    nonfinite: bool,
    /// Whether to check IEEE special values (with signed zeros) in float64.
    special: bool,
}

const FLOATS: &[DType] = &[F32, F64, C];
const NUMERIC: &[DType] = &[I, F32, F64, C];
const REAL: &[DType] = &[I, F32, F64];

fn csign(z: C64) -> C64 {
    if z.norm() == 0.0 {
        C64::new(0.0, 0.0)
    } else {
        z / z.norm()
    }
}

fn fsign(x: f64) -> f64 {
    if x == 0.0 || x.is_nan() {
        x
    } else {
        x.signum()
    }
}

#[allow(clippy::too_many_arguments)]
fn u(
    op: &'static str,
    dtypes: &'static [DType],
    dom: Dom,
    f: Ref,
    bad: &'static [DType],
    nonfinite: bool,
    special: bool,
) -> Unary {
    Unary {
        op,
        dtypes,
        dom,
        f,
        bad,
        nonfinite,
        special,
    }
}

fn m(r: fn(f64) -> f64, c: fn(C64) -> C64) -> Ref {
    Ref::Map {
        r,
        c: Some(c),
        i: None,
    }
}

fn table() -> Vec<Unary> {
    let u55 = Dom::Uniform(-5.0, 5.0);
    let unit = Dom::Uniform(-0.99, 0.99);
    let pos = Dom::Uniform(0.01, 10.0);
    let ident: fn(i64) -> i64 = |x| x;
    let round = Ref::Map {
        r: f64::round_ties_even,
        c: Some(|z| C64::new(z.re.round_ties_even(), z.im.round_ties_even())),
        i: Some(ident),
    };
    let isfinite = Ref::Pred {
        r: f64::is_finite,
        c: Some(|z| z.is_finite()),
        i: Some(|_| true),
    };
    let isinf = Ref::Pred {
        r: f64::is_infinite,
        c: Some(|z| z.re.is_infinite() || z.im.is_infinite()),
        i: Some(|_| false),
    };
    let isnan = Ref::Pred {
        r: f64::is_nan,
        c: Some(|z| z.re.is_nan() || z.im.is_nan()),
        i: Some(|_| false),
    };
    let nb: &[DType] = &[Bool];
    vec![
        u(
            "abs",
            NUMERIC,
            Dom::Uniform(-10.0, 10.0),
            Ref::ToReal {
                c: |z| z.norm(),
                r: f64::abs,
                i: Some(i64::abs),
            },
            nb,
            false,
            true,
        ),
        u(
            "acos",
            FLOATS,
            unit,
            m(f64::acos, |z| z.acos()),
            nb,
            false,
            true,
        ),
        u(
            "acosh",
            FLOATS,
            Dom::Uniform(1.0, 10.0),
            m(f64::acosh, |z| z.acosh()),
            nb,
            false,
            true,
        ),
        u(
            "asin",
            FLOATS,
            unit,
            m(f64::asin, |z| z.asin()),
            nb,
            false,
            true,
        ),
        u(
            "asinh",
            FLOATS,
            Dom::Uniform(-10.0, 10.0),
            m(f64::asinh, |z| z.asinh()),
            nb,
            false,
            true,
        ),
        u(
            "atan",
            FLOATS,
            Dom::Uniform(-10.0, 10.0),
            m(f64::atan, |z| z.atan()),
            nb,
            false,
            true,
        ),
        u(
            "atanh",
            FLOATS,
            unit,
            m(f64::atanh, |z| z.atanh()),
            nb,
            false,
            true,
        ),
        u(
            "ceil",
            REAL,
            Dom::Uniform(-10.0, 10.0),
            Ref::Map {
                r: f64::ceil,
                c: None,
                i: Some(ident),
            },
            &[Bool, C],
            false,
            true,
        ),
        u("conj", &[C], u55, m(|x| x, |z| z.conj()), nb, false, false),
        u(
            "cos",
            FLOATS,
            u55,
            m(f64::cos, |z| z.cos()),
            nb,
            false,
            true,
        ),
        u(
            "cosh",
            FLOATS,
            u55,
            m(f64::cosh, |z| z.cosh()),
            nb,
            false,
            true,
        ),
        u(
            "exp",
            FLOATS,
            u55,
            m(f64::exp, |z| z.exp()),
            nb,
            false,
            true,
        ),
        u(
            "expm1",
            FLOATS,
            u55,
            m(f64::exp_m1, |z| z.exp() - 1.0),
            nb,
            false,
            true,
        ),
        u(
            "floor",
            REAL,
            Dom::Uniform(-10.0, 10.0),
            Ref::Map {
                r: f64::floor,
                c: None,
                i: Some(ident),
            },
            &[Bool, C],
            false,
            true,
        ),
        u(
            "imag",
            &[C],
            u55,
            Ref::ToReal {
                c: |z| z.im,
                r: |_| 0.0,
                i: None,
            },
            &[],
            false,
            false,
        ),
        u("isfinite", NUMERIC, u55, isfinite, &[], true, true),
        u("isinf", NUMERIC, u55, isinf, &[], true, true),
        u("isnan", NUMERIC, u55, isnan, &[], true, true),
        u("log", FLOATS, pos, m(f64::ln, |z| z.ln()), nb, false, true),
        u(
            "log1p",
            FLOATS,
            Dom::Uniform(-0.9, 10.0),
            m(f64::ln_1p, |z| (z + 1.0).ln()),
            nb,
            false,
            true,
        ),
        u(
            "log2",
            FLOATS,
            pos,
            m(f64::log2, |z| z.log2()),
            nb,
            false,
            true,
        ),
        u(
            "log10",
            FLOATS,
            pos,
            m(f64::log10, |z| z.log10()),
            nb,
            false,
            true,
        ),
        u("logical_not", &[Bool], u55, Ref::Not, &[F64], false, false),
        u(
            "negative",
            NUMERIC,
            u55,
            Ref::Map {
                r: |x| -x,
                c: Some(|z| -z),
                i: Some(|x| -x),
            },
            nb,
            false,
            true,
        ),
        u(
            "positive",
            NUMERIC,
            u55,
            Ref::Map {
                r: |x| x,
                c: Some(|z| z),
                i: Some(ident),
            },
            nb,
            false,
            true,
        ),
        u(
            "real",
            &[C],
            u55,
            Ref::ToReal {
                c: |z| z.re,
                r: |x| x,
                i: None,
            },
            &[],
            false,
            false,
        ),
        u("round", NUMERIC, u55, round, &[Bool], false, true),
        u(
            "sign",
            NUMERIC,
            Dom::Grid(-3, 3),
            Ref::Map {
                r: fsign,
                c: Some(csign),
                i: Some(i64::signum),
            },
            nb,
            false,
            true,
        ),
        u(
            "signbit",
            &[F32, F64],
            u55,
            Ref::Pred {
                r: f64::is_sign_negative,
                c: None,
                i: None,
            },
            &[C],
            false,
            true,
        ),
        u(
            "sin",
            FLOATS,
            u55,
            m(f64::sin, |z| z.sin()),
            nb,
            false,
            true,
        ),
        u(
            "sinh",
            FLOATS,
            u55,
            m(f64::sinh, |z| z.sinh()),
            nb,
            false,
            true,
        ),
        u(
            "sqrt",
            FLOATS,
            Dom::Uniform(0.0, 10.0),
            m(f64::sqrt, |z| z.sqrt()),
            nb,
            false,
            true,
        ),
        u(
            "square",
            NUMERIC,
            u55,
            Ref::Map {
                r: |x| x * x,
                c: Some(|z| z * z),
                i: Some(|x| x * x),
            },
            nb,
            false,
            true,
        ),
        u(
            "tan",
            FLOATS,
            Dom::Uniform(-1.5, 1.5),
            m(f64::tan, |z| z.tan()),
            nb,
            false,
            true,
        ),
        u(
            "tanh",
            FLOATS,
            u55,
            m(f64::tanh, |z| z.tanh()),
            nb,
            false,
            true,
        ),
        u(
            "trunc",
            REAL,
            Dom::Uniform(-10.0, 10.0),
            Ref::Map {
                r: f64::trunc,
                c: None,
                i: Some(ident),
            },
            &[Bool, C],
            false,
            true,
        ),
    ]
}

/// Sprinkles NaN and infinities into float data.
fn add_nonfinite(ctx: &mut Ctx<'_>, d: &mut Data) {
    use rand::RngExt;
    let specials = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
    let pick = |rng: &mut crate::gen::Rng| {
        (rng.random_range(0..4) == 0).then(|| specials[rng.random_range(0..3)])
    };
    match d {
        Data::F64(v) => v
            .iter_mut()
            .for_each(|x| *x = pick(&mut ctx.rng).unwrap_or(*x)),
        Data::F32(v) => v
            .iter_mut()
            .for_each(|x| *x = pick(&mut ctx.rng).map_or(*x, |s| s as f32)),
        Data::C128(v) => v.iter_mut().for_each(|z| {
            z.re = pick(&mut ctx.rng).unwrap_or(z.re);
            z.im = pick(&mut ctx.rng).unwrap_or(z.im);
        }),
        _ => {}
    }
}

fn values_check(spec: &Unary, dtype: DType) -> Check {
    let (op, f, dom, nonfinite) = (spec.op, spec.f, spec.dom, spec.nonfinite);
    Check::new(op, format!("values[{dtype}]"), move |ctx| {
        for case in 0..ctx.cases {
            let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
            let mut x = gen::array(&mut ctx.rng, dtype, &shape, dom);
            if nonfinite {
                add_nonfinite(ctx, &mut x.data);
            }
            let exp = HostArray::new(shape.clone(), apply(op, f, &x.data)?);
            let got = within(eval_with(ctx, op, &[&x], pass), || {
                format!("case {case}, x {}", desc(&x))
            })?;
            let tol = Tol::elementwise(exp.dtype());
            within(compare(&got, &exp, tol), || {
                format!("case {case}, x {}", desc(&x))
            })?;
        }
        Ok(())
    })
}

/// IEEE special values, in float64, against Rust's `std` (which follows
/// C99 Annex F, as the standard's special cases do), signed zeros included.
fn special_check(spec: &Unary) -> Check {
    let (op, f) = (spec.op, spec.f);
    Check::new(op, "special_values[float64]", move |ctx| {
        let vals = vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            1.5,
            2.5,
            -2.5,
            1e-300,
            -1e-300,
        ];
        let x = HostArray::f64(vec![vals.len()], vals);
        let exp = HostArray::new(x.shape.clone(), apply(op, f, &x.data)?);
        let got = eval_with(ctx, op, &[&x], pass)?;
        let mut tol = Tol::elementwise(DType::Float64);
        if op != "sign" {
            tol = tol.with_zero_sign();
        }
        within(compare(&got, &exp, tol), || format!("x {:?}", x.data))?;
        Ok(())
    })
}

fn bad_input(dtype: DType) -> Vec<HostArray> {
    let shape = vec![2, 3];
    vec![HostArray::new(shape, Data::Bool(vec![true; 6]).cast(dtype))]
}

/// Every check of the unary elementwise ops.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = Vec::new();
    for spec in table() {
        for &d in spec.dtypes {
            v.push(values_check(&spec, d));
        }
        if spec.special {
            v.push(special_check(&spec));
        }
        for &d in spec.bad {
            v.push(dtype_error_check(spec.op, d, bad_input, pass));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let t = table();
        let abs = t.iter().find(|s| s.op == "abs").unwrap();
        let d = Data::C128(vec![C64::new(3.0, 4.0)]);
        assert_eq!(apply("abs", abs.f, &d).unwrap(), Data::F64(vec![5.0]));
        let sign = t.iter().find(|s| s.op == "sign").unwrap();
        let d = Data::Int(vec![-3, 0, 2]);
        assert_eq!(
            apply("sign", sign.f, &d).unwrap(),
            Data::Int(vec![-1, 0, 1])
        );
        let round = t.iter().find(|s| s.op == "round").unwrap();
        let d = Data::F64(vec![0.5, 1.5, -2.5]);
        assert_eq!(
            apply("round", round.f, &d).unwrap(),
            Data::F64(vec![0.0, 2.0, -2.0])
        );
        assert!(apply("round", Ref::Not, &d).is_err());
    }
}
