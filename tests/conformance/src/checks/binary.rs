//! Binary elementwise ops (and `clip`, `where`): values with broadcasting,
//! the standard's mixed-dtype promotions, Python scalars on either side,
//! `inplace`, IEEE special values, and `DType` errors outside the domain.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::{ErrorKind, RValue};
use num_complex::Complex64 as C64;
use rand::RngExt;

use super::{desc, dtype_error_check, eval_with, expect_err_with, pass, within};
use crate::gen::{self, Dom};
use crate::host::{broadcast_index, broadcast_shapes, compare, numel, Data, HostArray, Tol};
use crate::{Bad, CResult, Check, Ctx};

/// How an op combines two elements of the promoted dtype.
#[derive(Clone, Copy)]
enum BRef {
    /// Same dtype out.
    Arith {
        r: fn(f64, f64) -> f64,
        c: Option<fn(C64, C64) -> C64>,
        i: Option<fn(i64, i64) -> i64>,
    },
    /// Bool out.
    Cmp {
        r: fn(f64, f64) -> bool,
        c: Option<fn(C64, C64) -> bool>,
        i: fn(i64, i64) -> bool,
        b: Option<fn(bool, bool) -> bool>,
    },
    /// Bool in, bool out.
    Logic(fn(bool, bool) -> bool),
}

/// The reference of `f` on two data of the same dtype and length.
fn apply(op: &str, f: BRef, a: &Data, b: &Data) -> Result<Data, String> {
    let z = |n: usize| 0..n;
    Ok(match (f, a, b) {
        (BRef::Arith { r, .. }, Data::F64(x), Data::F64(y)) => {
            Data::F64(z(x.len()).map(|k| r(x[k], y[k])).collect())
        }
        (BRef::Arith { r, .. }, Data::F32(x), Data::F32(y)) => Data::F32(
            z(x.len())
                .map(|k| r(x[k] as f64, y[k] as f64) as f32)
                .collect(),
        ),
        (BRef::Arith { c: Some(c), .. }, Data::C128(x), Data::C128(y)) => {
            Data::C128(z(x.len()).map(|k| c(x[k], y[k])).collect())
        }
        (BRef::Arith { i: Some(i), .. }, Data::Int(x), Data::Int(y)) => {
            Data::Int(z(x.len()).map(|k| i(x[k], y[k])).collect())
        }
        (BRef::Cmp { r, .. }, Data::F64(x), Data::F64(y)) => {
            Data::Bool(z(x.len()).map(|k| r(x[k], y[k])).collect())
        }
        (BRef::Cmp { r, .. }, Data::F32(x), Data::F32(y)) => {
            Data::Bool(z(x.len()).map(|k| r(x[k] as f64, y[k] as f64)).collect())
        }
        (BRef::Cmp { c: Some(c), .. }, Data::C128(x), Data::C128(y)) => {
            Data::Bool(z(x.len()).map(|k| c(x[k], y[k])).collect())
        }
        (BRef::Cmp { i, .. }, Data::Int(x), Data::Int(y)) => {
            Data::Bool(z(x.len()).map(|k| i(x[k], y[k])).collect())
        }
        (BRef::Cmp { b: Some(b), .. }, Data::Bool(x), Data::Bool(y)) => {
            Data::Bool(z(x.len()).map(|k| b(x[k], y[k])).collect())
        }
        (BRef::Logic(l), Data::Bool(x), Data::Bool(y)) => {
            Data::Bool(z(x.len()).map(|k| l(x[k], y[k])).collect())
        }
        _ => return Err(format!("the suite has no {op} reference for {}", a.dtype())),
    })
}

/// The reference result of `op(x1, x2)`: broadcast, promote, apply.
fn reference(op: &str, f: BRef, x1: &HostArray, x2: &HostArray) -> Result<HostArray, String> {
    let shape = broadcast_shapes(&x1.shape, &x2.shape).ok_or_else(|| {
        format!(
            "suite bug: {:?} and {:?} do not broadcast",
            x1.shape, x2.shape
        )
    })?;
    let dt = DType::promote_standard(x1.dtype(), x2.dtype()).ok_or_else(|| {
        format!(
            "suite bug: {} and {} do not promote",
            x1.dtype(),
            x2.dtype()
        )
    })?;
    let a = x1.data.gather(&broadcast_index(&x1.shape, &shape)).cast(dt);
    let b = x2.data.gather(&broadcast_index(&x2.shape, &shape)).cast(dt);
    Ok(HostArray::new(shape, apply(op, f, &a, &b)?))
}

/// One binary op's specification for the suite.
struct Binary {
    op: &'static str,
    dtypes: &'static [DType],
    dom1: Dom,
    dom2: Dom,
    f: BRef,
    bad: &'static [DType],
    inplace: bool,
    /// Whether to check IEEE special values (and whether zero signs count).
    special: Option<bool>,
    /// Whether an `Int` scalar may meet a floating array (it may, unless the
    /// op is not defined on integers at all).
    int_scalar: bool,
}

const FLOATS: &[DType] = &[F32, F64, C];
const REAL_FLOATS: &[DType] = &[F32, F64];
const NUMERIC: &[DType] = &[I, F32, F64, C];
const REAL: &[DType] = &[I, F32, F64];
const ALL: &[DType] = &[Bool, I, F32, F64, C];

/// NumPy's `divmod` for floats: (floor quotient, remainder with the sign
/// of the divisor).
fn fdivmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0f64.copysign(b);
    }
    let q = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0f64.copysign(a / b)
    };
    (q, m)
}

fn ifloordiv(a: i64, b: i64) -> i64 {
    let q = a / b;
    if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn iremainder(a: i64, b: i64) -> i64 {
    let r = a % b;
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

fn logaddexp(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        a + std::f64::consts::LN_2
    } else {
        let m = a.max(b);
        m + (-(a - b).abs()).exp().ln_1p()
    }
}

fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

#[allow(clippy::too_many_arguments)]
fn b(
    op: &'static str,
    dtypes: &'static [DType],
    dom1: Dom,
    dom2: Dom,
    f: BRef,
    bad: &'static [DType],
    inplace: bool,
    special: Option<bool>,
) -> Binary {
    Binary {
        op,
        dtypes,
        dom1,
        dom2,
        f,
        bad,
        inplace,
        special,
        int_scalar: true,
    }
}

fn table() -> Vec<Binary> {
    let u = Dom::Uniform(-10.0, 10.0);
    let nz = Dom::SignedMag(0.5, 5.0);
    let grid = Dom::Grid(-3, 3);
    let nb: &[DType] = &[Bool];
    let real_only: &[DType] = &[C];
    let arith = |r, c, i| BRef::Arith {
        r,
        c: Some(c),
        i: Some(i),
    };
    let realf = |r| BRef::Arith {
        r,
        c: None,
        i: None,
    };
    let cmp = |r, i, c: Option<fn(C64, C64) -> bool>, bo: Option<fn(bool, bool) -> bool>| {
        BRef::Cmp { r, c, i, b: bo }
    };
    vec![
        b(
            "add",
            NUMERIC,
            u,
            u,
            arith(|a, b| a + b, |a, b| a + b, i64::wrapping_add),
            nb,
            true,
            Some(true),
        ),
        b(
            "subtract",
            NUMERIC,
            u,
            u,
            arith(|a, b| a - b, |a, b| a - b, i64::wrapping_sub),
            nb,
            true,
            Some(true),
        ),
        b(
            "multiply",
            NUMERIC,
            u,
            u,
            arith(|a, b| a * b, |a, b| a * b, i64::wrapping_mul),
            nb,
            true,
            Some(true),
        ),
        b(
            "divide",
            FLOATS,
            u,
            nz,
            BRef::Arith {
                r: |a, b| a / b,
                c: Some(|a, b| a / b),
                i: None,
            },
            nb,
            true,
            Some(true),
        ),
        b(
            "floor_divide",
            REAL,
            u,
            nz,
            BRef::Arith {
                r: |a, b| fdivmod(a, b).0,
                c: None,
                i: Some(ifloordiv),
            },
            &[Bool, C],
            true,
            None,
        ),
        b(
            "remainder",
            REAL,
            u,
            nz,
            BRef::Arith {
                r: |a, b| fdivmod(a, b).1,
                c: None,
                i: Some(iremainder),
            },
            &[Bool, C],
            true,
            None,
        ),
        b(
            "pow",
            REAL_FLOATS,
            Dom::Uniform(0.1, 4.0),
            Dom::Uniform(-3.0, 3.0),
            realf(f64::powf),
            nb,
            true,
            None,
        ),
        b(
            "atan2",
            REAL_FLOATS,
            u,
            u,
            realf(f64::atan2),
            &[Bool, C],
            false,
            Some(true),
        ),
        b(
            "hypot",
            REAL_FLOATS,
            u,
            u,
            realf(f64::hypot),
            &[Bool, C],
            false,
            Some(true),
        ),
        b(
            "maximum",
            REAL,
            grid,
            grid,
            BRef::Arith {
                r: nan_max,
                c: None,
                i: Some(i64::max),
            },
            &[Bool, C],
            false,
            Some(false),
        ),
        b(
            "minimum",
            REAL,
            grid,
            grid,
            BRef::Arith {
                r: nan_min,
                c: None,
                i: Some(i64::min),
            },
            &[Bool, C],
            false,
            Some(false),
        ),
        b(
            "copysign",
            REAL_FLOATS,
            u,
            u,
            realf(f64::copysign),
            &[Bool, C],
            false,
            Some(true),
        ),
        b(
            "logaddexp",
            REAL_FLOATS,
            Dom::Uniform(-30.0, 30.0),
            Dom::Uniform(-30.0, 30.0),
            realf(logaddexp),
            &[Bool, C],
            false,
            Some(true),
        ),
        b(
            "equal",
            ALL,
            grid,
            grid,
            cmp(
                |a, b| a == b,
                |a, b| a == b,
                Some(|a, b| a == b),
                Some(|a, b| a == b),
            ),
            &[],
            false,
            Some(false),
        ),
        b(
            "not_equal",
            ALL,
            grid,
            grid,
            cmp(
                |a, b| a != b,
                |a, b| a != b,
                Some(|a, b| a != b),
                Some(|a, b| a != b),
            ),
            &[],
            false,
            Some(false),
        ),
        b(
            "less",
            REAL,
            grid,
            grid,
            cmp(|a, b| a < b, |a, b| a < b, None, None),
            real_only,
            false,
            Some(false),
        ),
        b(
            "less_equal",
            REAL,
            grid,
            grid,
            cmp(|a, b| a <= b, |a, b| a <= b, None, None),
            real_only,
            false,
            Some(false),
        ),
        b(
            "greater",
            REAL,
            grid,
            grid,
            cmp(|a, b| a > b, |a, b| a > b, None, None),
            real_only,
            false,
            Some(false),
        ),
        b(
            "greater_equal",
            REAL,
            grid,
            grid,
            cmp(|a, b| a >= b, |a, b| a >= b, None, None),
            real_only,
            false,
            Some(false),
        ),
        b(
            "logical_and",
            &[Bool],
            u,
            u,
            BRef::Logic(|a, b| a && b),
            &[F64],
            false,
            None,
        ),
        b(
            "logical_or",
            &[Bool],
            u,
            u,
            BRef::Logic(|a, b| a || b),
            &[F64],
            false,
            None,
        ),
        b(
            "logical_xor",
            &[Bool],
            u,
            u,
            BRef::Logic(|a, b| a != b),
            &[F64],
            false,
            None,
        ),
    ]
    .into_iter()
    .map(|mut s| {
        s.int_scalar = s.dtypes.contains(&I);
        if s.op == "divide" || s.op == "pow" {
            s.int_scalar = true;
        }
        s
    })
    .collect()
}

/// Checks one call against the reference.
fn check_case(
    ctx: &Ctx<'_>,
    op: &str,
    f: BRef,
    (x1, x2): (&HostArray, &HostArray),
    args: impl FnOnce(&[RValue]) -> Vec<RValue>,
    inputs: &[&HostArray],
    case: &str,
) -> CResult {
    let exp = reference(op, f, x1, x2)?;
    let got = within(eval_with(ctx, op, inputs, args), || case.to_string())?;
    let tol = Tol::elementwise(exp.dtype()).scaled(if op == "remainder" { 10.0 } else { 0.0 });
    within(compare(&got, &exp, tol), || case.to_string())?;
    Ok(())
}

fn values_check(s: &Binary, d1: DType, d2: DType) -> Check {
    let (op, f, dom1, dom2) = (s.op, s.f, s.dom1, s.dom2);
    let name = if d1 == d2 {
        format!("values[{d1}]")
    } else {
        format!("promotion[{d1},{d2}]")
    };
    Check::new(op, name, move |ctx| {
        for case in 0..ctx.cases {
            let base = gen::shape(&mut ctx.rng, 0, 3, 5);
            let (s1, s2) = gen::broadcastable(&mut ctx.rng, &base);
            let (s1, s2) = if ctx.rng.random::<bool>() {
                (s1, s2)
            } else {
                (s2, s1)
            };
            let x1 = gen::array(&mut ctx.rng, d1, &s1, dom1);
            let x2 = gen::array(&mut ctx.rng, d2, &s2, dom2);
            let c = format!("case {case}, x1 {}, x2 {}", desc(&x1), desc(&x2));
            check_case(ctx, op, f, (&x1, &x2), pass, &[&x1, &x2], &c)?;
        }
        Ok(())
    })
}

/// The scalar argument standing for the 0-d array `h`.
fn scalar_arg(h: &HostArray) -> RValue {
    match &h.data {
        Data::Bool(v) => RValue::Bool(v[0]),
        Data::Int(v) => RValue::Int(v[0]),
        Data::F32(v) => RValue::Float(v[0] as f64),
        Data::F64(v) => RValue::Float(v[0]),
        Data::C128(v) => RValue::Complex(v[0].into()),
    }
}

/// A random scalar of `dtype` from `dom`, exact in float32.
fn scalar(ctx: &mut Ctx<'_>, dtype: DType, dom: Dom) -> HostArray {
    let d = gen::data(&mut ctx.rng, dtype, 1, dom);
    let d = match d {
        Data::F64(v) => Data::F64(vec![v[0] as f32 as f64]),
        Data::C128(v) => Data::C128(vec![C64::new(v[0].re as f32 as f64, v[0].im as f32 as f64)]),
        d => d,
    };
    HostArray::new(vec![], d)
}

/// Python scalars on either side take the array's dtype; an `Int` scalar
/// may also meet a floating array.
fn scalar_check(s: &Binary, d: DType, sd: DType) -> Check {
    let (op, f, dom1, dom2) = (s.op, s.f, s.dom1, s.dom2);
    let name = if d == sd {
        format!("scalar[{d}]")
    } else {
        format!("scalar[{d},{sd} scalar]")
    };
    Check::new(op, name, move |ctx| {
        for case in 0..ctx.cases.div_ceil(2) {
            let shape = gen::shape(&mut ctx.rng, 0, 3, 4);
            let left = ctx.rng.random::<bool>();
            let (adom, sdom) = if left { (dom2, dom1) } else { (dom1, dom2) };
            let sdom = if sd == I {
                match sdom {
                    Dom::Uniform(lo, hi) => Dom::Grid(lo.ceil() as i64, hi.floor() as i64),
                    Dom::SignedMag(lo, hi) => Dom::SignedMag(lo.ceil(), hi.floor()),
                    g => g,
                }
            } else {
                sdom
            };
            let x = gen::array(&mut ctx.rng, d, &shape, adom);
            let sc = scalar(ctx, sd, sdom);
            let sv = scalar_arg(&sc);
            let sc = sc.cast(d);
            let c = format!(
                "case {case}, x {}, scalar {:?} on the {}",
                desc(&x),
                sv,
                if left { "left" } else { "right" }
            );
            if left {
                check_case(ctx, op, f, (&sc, &x), |h| vec![sv, h[0].clone()], &[&x], &c)?;
            } else {
                check_case(ctx, op, f, (&x, &sc), |h| vec![h[0].clone(), sv], &[&x], &c)?;
            }
        }
        Ok(())
    })
}

/// Fixed broadcasting cases: (3,1) with (1,4), 0-d with (2,3), (0,) with (1,).
fn broadcast_check(s: &Binary) -> Check {
    let (op, f, dom1, dom2) = (s.op, s.f, s.dom1, s.dom2);
    let d = if s.dtypes.contains(&F64) {
        F64
    } else {
        s.dtypes[0]
    };
    Check::new(op, "broadcasting", move |ctx| {
        let pairs: [(&[usize], &[usize]); 4] = [
            (&[3, 1], &[1, 4]),
            (&[], &[2, 3]),
            (&[0], &[1]),
            (&[2, 1, 3], &[4, 1]),
        ];
        for (s1, s2) in pairs {
            let x1 = gen::array(&mut ctx.rng, d, s1, dom1);
            let x2 = gen::array(&mut ctx.rng, d, s2, dom2);
            let c = format!("x1 {}, x2 {}", desc(&x1), desc(&x2));
            check_case(ctx, op, f, (&x1, &x2), pass, &[&x1, &x2], &c)?;
        }
        let x1 = gen::array(&mut ctx.rng, d, &[2, 3], dom1);
        let x2 = gen::array(&mut ctx.rng, d, &[4], dom2);
        expect_err_with(ctx, op, &[&x1, &x2], ErrorKind::Shape, pass)?;
        Ok(())
    })
}

/// `inplace`: the result keeps x1's dtype and shape; a promotion or
/// broadcast that would change them is refused.
fn inplace_check(s: &Binary) -> Check {
    let (op, f, dom1, dom2) = (s.op, s.f, s.dom1, s.dom2);
    Check::new(op, "inplace", move |ctx| {
        let t = RValue::Bool(true);
        let x1 = gen::array(&mut ctx.rng, F64, &[3, 4], dom1);
        let x2 = gen::array(&mut ctx.rng, F32, &[4], dom2);
        let c = "inplace, x1 float64[3, 4], x2 float32[4]";
        check_case(
            ctx,
            op,
            f,
            (&x1, &x2),
            |h| vec![h[0].clone(), h[1].clone(), t.clone()],
            &[&x1, &x2],
            c,
        )?;
        let y1 = x2.clone();
        let y2 = gen::array(&mut ctx.rng, F64, &[4], dom2);
        expect_err_with(ctx, op, &[&y1, &y2], ErrorKind::DType, |h| {
            vec![h[0].clone(), h[1].clone(), t.clone()]
        })
        .map_err(|m| format!("inplace: {m}"))?;
        let z1 = gen::array(&mut ctx.rng, F64, &[1, 4], dom1);
        let z2 = gen::array(&mut ctx.rng, F64, &[3, 1], dom2);
        expect_err_with(ctx, op, &[&z1, &z2], ErrorKind::Shape, |h| {
            vec![h[0].clone(), h[1].clone(), t.clone()]
        })
        .map_err(|m| format!("inplace: {m}"))?;
        Ok(())
    })
}

/// Every pair of IEEE special values, in float64.
fn special_check(s: &Binary, zero_sign: bool) -> Check {
    let (op, f) = (s.op, s.f);
    Check::new(op, "special_values[float64]", move |_ctx| {
        let vals = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            1.0,
            -1.5,
        ];
        let n = vals.len();
        let x1 = HostArray::f64(vec![n, 1], vals.to_vec());
        let x2 = HostArray::f64(vec![n], vals.to_vec());
        let exp = reference(op, f, &x1, &x2)?;
        let got = eval_with(_ctx, op, &[&x1, &x2], pass)?;
        let mut tol = Tol::elementwise(F64);
        if zero_sign {
            tol = tol.with_zero_sign();
        }
        compare(&got, &exp, tol)
            .map_err(|m| Bad::Fail(format!("x1 {vals:?} (as a column), x2 {vals:?}: {m}")))
    })
}

fn bad_pair(dtype: DType) -> Vec<HostArray> {
    let x = HostArray::new(vec![2, 3], Data::Bool(vec![true; 6]).cast(dtype));
    vec![x.clone(), x]
}

fn binary_checks() -> Vec<Check> {
    let mut v = Vec::new();
    for s in table() {
        for &d in s.dtypes {
            v.push(values_check(&s, d, d));
        }
        let has = |d| s.dtypes.contains(&d);
        if has(F32) && has(F64) {
            v.push(values_check(&s, F32, F64));
            v.push(values_check(&s, F64, F32));
        }
        if has(C) && has(F64) {
            v.push(values_check(&s, F64, C));
            v.push(values_check(&s, C, F32));
        }
        for &d in s.dtypes {
            v.push(scalar_check(&s, d, d));
        }
        if s.int_scalar && has(F64) {
            v.push(scalar_check(&s, F64, I));
        }
        v.push(broadcast_check(&s));
        if s.inplace {
            v.push(inplace_check(&s));
        }
        if let Some(z) = s.special {
            v.push(special_check(&s, z));
        }
        for &d in s.bad {
            v.push(dtype_error_check(s.op, d, bad_pair, pass));
        }
    }
    v
}

/// `clip(x, min, max)` against `min(max(x, lo), hi)`, with scalar, array
/// and omitted bounds.
fn clip_checks() -> Vec<Check> {
    let mut v = Vec::new();
    for d in [I, F32, F64] {
        v.push(Check::new("clip", format!("values[{d}]"), move |ctx| {
            for case in 0..ctx.cases {
                let shape = gen::shape(&mut ctx.rng, 0, 3, 5);
                let x = gen::array(&mut ctx.rng, d, &shape, Dom::Uniform(-10.0, 10.0));
                let mode = ctx.rng.random_range(0..4);
                let lo = gen::exact_scalar(&mut ctx.rng).floor().min(0.0);
                let hi = gen::exact_scalar(&mut ctx.rng).ceil().max(0.0);
                let xs = x.data.to_f64().ok_or("suite bug: complex clip")?;
                // Array bounds: `lo` and `hi` plus a random offset per row.
                let (lo_a, hi_a) = if mode == 3 && !shape.is_empty() {
                    let s = vec![*shape.last().unwrap_or(&1)];
                    let la = gen::array(&mut ctx.rng, d, &s, Dom::Grid(-5, 0));
                    let ha = gen::array(&mut ctx.rng, d, &s, Dom::Grid(0, 5));
                    (Some(la), Some(ha))
                } else {
                    (None, None)
                };
                let n = numel(&shape);
                let last = shape.last().copied().unwrap_or(1).max(1);
                let exp: Vec<f64> = (0..n)
                    .map(|k| {
                        let (l, h) = match (&lo_a, &hi_a) {
                            (Some(la), Some(ha)) => {
                                let la = la.data.to_f64().unwrap_or_default();
                                let ha = ha.data.to_f64().unwrap_or_default();
                                (Some(la[k % last]), Some(ha[k % last]))
                            }
                            _ => match mode {
                                0 => (Some(lo), Some(hi)),
                                1 => (Some(lo), None),
                                _ => (None, Some(hi)),
                            },
                        };
                        let mut y = xs[k];
                        if let Some(l) = l {
                            y = y.max(l);
                        }
                        if let Some(h) = h {
                            y = y.min(h);
                        }
                        y
                    })
                    .collect();
                let exp = HostArray::f64(shape.clone(), exp).cast(d);
                let sc = |v: f64| {
                    if d == I {
                        RValue::Int(v as i64)
                    } else {
                        RValue::Float(v)
                    }
                };
                let got = match (&lo_a, &hi_a) {
                    (Some(la), Some(ha)) => eval_with(ctx, "clip", &[&x, la, ha], pass),
                    _ => {
                        let (l, h) = match mode {
                            0 => (sc(lo), sc(hi)),
                            1 => (sc(lo), RValue::None),
                            _ => (RValue::None, sc(hi)),
                        };
                        eval_with(ctx, "clip", &[&x], |hd| vec![hd[0].clone(), l, h])
                    }
                };
                let c = || format!("case {case}, x {}, mode {mode}, lo {lo}, hi {hi}", desc(&x));
                let got = within(got, c)?;
                within(compare(&got, &exp, Tol::elementwise(d)), c)?;
            }
            Ok(())
        }));
    }
    v.push(dtype_error_check(
        "clip",
        C,
        |d| bad_pair(d)[..1].to_vec(),
        |h| vec![h[0].clone(), RValue::Float(0.0), RValue::Float(1.0)],
    ));
    v
}

/// `where(condition, x1, x2)` with broadcasting over all three.
fn where_checks() -> Vec<Check> {
    let mut v = Vec::new();
    for d in ALL.iter().copied() {
        v.push(Check::new("where", format!("values[{d}]"), move |ctx| {
            for case in 0..ctx.cases {
                let base = gen::shape(&mut ctx.rng, 0, 3, 4);
                let (sc, s1) = gen::broadcastable(&mut ctx.rng, &base);
                let (_, s2) = gen::broadcastable(&mut ctx.rng, &base);
                let cond = gen::array(&mut ctx.rng, Bool, &sc, Dom::Grid(0, 1));
                let x1 = gen::array(&mut ctx.rng, d, &s1, Dom::Uniform(-5.0, 5.0));
                let x2 = gen::array(&mut ctx.rng, d, &s2, Dom::Uniform(-5.0, 5.0));
                let Some(shape) =
                    broadcast_shapes(&sc, &s1).and_then(|s| broadcast_shapes(&s, &s2))
                else {
                    continue;
                };
                let ci = broadcast_index(&sc, &shape);
                let i1 = broadcast_index(&s1, &shape);
                let i2 = broadcast_index(&s2, &shape);
                let both = Data::concat(&[&x1.data, &x2.data]).ok_or("suite bug: where dtypes")?;
                let idx: Vec<usize> = (0..numel(&shape))
                    .map(|k| {
                        if cond.data.truthy(ci[k]) {
                            i1[k]
                        } else {
                            x1.len() + i2[k]
                        }
                    })
                    .collect();
                let exp = HostArray::new(shape, both.gather(&idx));
                let c = || {
                    format!(
                        "case {case}, condition {}, x1 {}, x2 {}",
                        desc(&cond),
                        desc(&x1),
                        desc(&x2)
                    )
                };
                let got = within(eval_with(ctx, "where", &[&cond, &x1, &x2], pass), c)?;
                within(compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }));
    }
    v.push(Check::new("where", "promotion[float32,float64]", |ctx| {
        let cond = gen::array(&mut ctx.rng, Bool, &[3, 4], Dom::Grid(0, 1));
        let x1 = gen::array(&mut ctx.rng, F32, &[3, 4], Dom::Uniform(-5.0, 5.0));
        let x2 = gen::array(&mut ctx.rng, F64, &[4], Dom::Uniform(-5.0, 5.0));
        let x1h = x1.cast(F64);
        let i2 = broadcast_index(&[4], &[3, 4]);
        let vals1 = x1h.data.to_f64().unwrap_or_default();
        let vals2 = x2.data.to_f64().unwrap_or_default();
        let exp: Vec<f64> = (0..12)
            .map(|k| {
                if cond.data.truthy(k) {
                    vals1[k]
                } else {
                    vals2[i2[k]]
                }
            })
            .collect();
        let exp = HostArray::f64(vec![3, 4], exp);
        let got = eval_with(ctx, "where", &[&cond, &x1, &x2], pass)?;
        compare(&got, &exp, Tol::EXACT)?;
        Ok(())
    }));
    v
}

/// Every check of the binary elementwise ops, `clip` and `where`.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = binary_checks();
    v.extend(clip_checks());
    v.extend(where_checks());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_division_semantics() {
        assert_eq!(fdivmod(7.0, -2.0), (-4.0, -1.0));
        assert_eq!(fdivmod(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(ifloordiv(-7, 2), -4);
        assert_eq!(iremainder(-7, 2), 1);
        assert_eq!(iremainder(7, -2), -1);
        assert!((logaddexp(0.0, 0.0) - 2f64.ln()).abs() < 1e-15);
        assert_eq!(logaddexp(f64::INFINITY, f64::INFINITY), f64::INFINITY);
        assert_eq!(logaddexp(f64::NEG_INFINITY, 1.0), 1.0);
    }

    #[test]
    fn reference_broadcasts_and_promotes() {
        let t = table();
        let add = t.iter().find(|s| s.op == "add").unwrap();
        let x1 = HostArray::new(vec![2, 1], Data::F32(vec![1.0, 2.0]));
        let x2 = HostArray::f64(vec![3], vec![10.0, 20.0, 30.0]);
        let r = reference("add", add.f, &x1, &x2).unwrap();
        assert_eq!(
            r,
            HostArray::f64(vec![2, 3], vec![11.0, 21.0, 31.0, 12.0, 22.0, 32.0])
        );
    }
}
