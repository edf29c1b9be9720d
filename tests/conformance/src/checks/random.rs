//! The `random.*` streams, bit for bit against the reference of
//! [`glass_backend_api::random`], including offsets (drawing `[0, n)` in one
//! call equals `[0, k)` and `[k, n)` with offset `k`).

use glass_backend_api::dtype::names::{Float32 as F32, Float64 as F64, Int64 as I};
use glass_backend_api::random as reference;
use glass_backend_api::DType;
use glass_backend_api::RValue;
use rand::RngExt;

use super::{desc, eval_with, ints, within};
use crate::gen::{self, Dom};
use crate::host::{compare, numel, Data, HostArray, Tol};
use crate::{Check, Ctx};

/// Random stream coordinates: a seed (sometimes negative), a stream, an
/// offset (sometimes past 2^32).
fn coords(ctx: &mut Ctx<'_>) -> (i64, u32, u64) {
    let seed = if ctx.rng.random::<bool>() {
        ctx.rng.random_range(0..1000i64)
    } else {
        ctx.rng.random::<i64>()
    };
    let stream = if ctx.rng.random::<bool>() {
        ctx.rng.random_range(0..4u32)
    } else {
        ctx.rng.random::<u32>()
    };
    let offset = match ctx.rng.random_range(0..3) {
        0 => 0,
        1 => ctx.rng.random_range(0..1000u64),
        _ => (1u64 << 32) - 3 + ctx.rng.random_range(0..6u64),
    };
    (seed, stream, offset)
}

/// The reference uniform or normal draws at `offset..offset+n`.
#[allow(clippy::too_many_arguments)]
fn continuous(
    op: &str,
    seed: i64,
    stream: u32,
    offset: u64,
    n: usize,
    a: f64,
    b: f64,
    dtype: DType,
) -> Data {
    let mut v = vec![0.0; n];
    if op == "random.uniform" {
        reference::fill_uniform(seed as u64, stream, offset, &mut v);
        match dtype {
            F32 => Data::F32(
                v.iter()
                    .map(|&u| reference::scale_uniform_f32(u, a, b))
                    .collect(),
            ),
            _ => Data::F64(
                v.iter()
                    .map(|&u| reference::scale_uniform(u, a, b))
                    .collect(),
            ),
        }
    } else {
        reference::fill_normal(seed as u64, stream, offset, &mut v);
        let x = v.iter().map(|&z| a + b * z);
        match dtype {
            F32 => Data::F32(x.map(|y| y as f32).collect()),
            _ => Data::F64(x.collect()),
        }
    }
}

fn continuous_args(
    seed: i64,
    stream: u32,
    offset: u64,
    shape: &[usize],
    a: f64,
    b: f64,
    dtype: DType,
) -> Vec<RValue> {
    vec![
        RValue::Int(seed),
        RValue::Int(stream as i64),
        RValue::Int(offset as i64),
        ints(shape),
        RValue::Float(a),
        RValue::Float(b),
        RValue::DType(dtype),
    ]
}

fn params(ctx: &mut Ctx<'_>, op: &str) -> (f64, f64) {
    if op == "random.uniform" {
        let lo = gen::exact_scalar(&mut ctx.rng);
        (lo, lo + 0.25 + ctx.rng.random::<f64>() * 4.0)
    } else {
        (
            gen::exact_scalar(&mut ctx.rng),
            0.1 + ctx.rng.random::<f64>() * 3.0,
        )
    }
}

fn continuous_check(op: &'static str, dtype: DType) -> Check {
    Check::new(op, format!("bits[{dtype}]"), move |ctx| {
        for case in 0..ctx.cases {
            let (seed, stream, offset) = coords(ctx);
            let shape = gen::shape(&mut ctx.rng, 0, 3, 6);
            let (a, b) = params(ctx, op);
            let exp = HostArray::new(
                shape.clone(),
                continuous(op, seed, stream, offset, numel(&shape), a, b, dtype),
            );
            let c = || {
                format!("case {case}, seed {seed}, stream {stream}, offset {offset}, shape {shape:?}, params ({a}, {b})")
            };
            let got = within(
                ctx.s.eval(
                    op,
                    &continuous_args(seed, stream, offset, &shape, a, b, dtype),
                ),
                c,
            )?;
            within(compare(&got, &exp, Tol::EXACT.with_zero_sign()), c)?;
        }
        Ok(())
    })
}

fn continuous_offsets(op: &'static str) -> Check {
    Check::new(op, "offset_split", move |ctx| {
        for case in 0..ctx.cases.div_ceil(4) {
            let (seed, stream, offset) = coords(ctx);
            let n = ctx.rng.random_range(1..=40usize);
            let k = ctx.rng.random_range(0..=n);
            let (a, b) = params(ctx, op);
            let c = || {
                format!("case {case}, seed {seed}, stream {stream}, offset {offset}, n {n}, k {k}")
            };
            let whole = within(
                ctx.s
                    .eval(op, &continuous_args(seed, stream, offset, &[n], a, b, F64)),
                c,
            )?;
            let head = within(
                ctx.s
                    .eval(op, &continuous_args(seed, stream, offset, &[k], a, b, F64)),
                c,
            )?;
            let tail = within(
                ctx.s.eval(
                    op,
                    &continuous_args(seed, stream, offset + k as u64, &[n - k], a, b, F64),
                ),
                c,
            )?;
            let joined =
                Data::concat(&[&head.data, &tail.data]).ok_or("draws of different dtypes")?;
            within(
                compare(&HostArray::new(vec![n], joined), &whole, Tol::EXACT),
                || format!("{}: [0,k)+[k,n) vs [0,n)", c()),
            )?;
        }
        Ok(())
    })
}

fn poisson_ref(seed: i64, stream: u32, offset: u64, lam: &[f64]) -> Result<Vec<i64>, String> {
    let mut out = vec![0; lam.len()];
    reference::fill_poisson(seed as u64, stream, offset, lam, &mut out)
        .map_err(|e| format!("suite reference failed: {e}"))?;
    Ok(out)
}

fn lam_array(ctx: &mut Ctx<'_>, shape: &[usize]) -> HostArray {
    let n = numel(shape);
    let v: Vec<f64> = (0..n)
        .map(|_| match ctx.rng.random_range(0..4) {
            0 => 0.0,
            1 => ctx.rng.random::<f64>() * 10.0,
            2 => 10.0 + ctx.rng.random::<f64>() * 90.0,
            _ => ctx.rng.random::<f64>() * 1e4,
        })
        .collect();
    HostArray::f64(shape.to_vec(), v)
}

fn poisson_checks() -> Vec<Check> {
    let args = |seed: i64, stream: u32, offset: u64| {
        move |h: &[RValue]| {
            vec![
                RValue::Int(seed),
                RValue::Int(stream as i64),
                RValue::Int(offset as i64),
                h[0].clone(),
            ]
        }
    };
    vec![
        Check::new("random.poisson", "bits[int64]", move |ctx| {
            for case in 0..ctx.cases {
                let (seed, stream, offset) = coords(ctx);
                let shape = gen::shape(&mut ctx.rng, 0, 3, 6);
                let lam = lam_array(ctx, &shape);
                let exp = HostArray::int(
                    shape.clone(),
                    poisson_ref(
                        seed,
                        stream,
                        offset,
                        lam.data.to_f64().as_deref().unwrap_or(&[]),
                    )?,
                );
                let c = || {
                    format!(
                        "case {case}, seed {seed}, stream {stream}, offset {offset}, lam {}",
                        desc(&lam)
                    )
                };
                let got = within(
                    eval_with(ctx, "random.poisson", &[&lam], args(seed, stream, offset)),
                    c,
                )?;
                within(compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
        Check::new("random.poisson", "offset_split", move |ctx| {
            for case in 0..ctx.cases.div_ceil(4) {
                let (seed, stream, offset) = coords(ctx);
                let n = ctx.rng.random_range(1..=30usize);
                let k = ctx.rng.random_range(0..=n);
                let lam = lam_array(ctx, &[n]);
                let lv = lam.data.to_f64().unwrap_or_default();
                let head = HostArray::f64(vec![k], lv[..k].to_vec());
                let tail = HostArray::f64(vec![n - k], lv[k..].to_vec());
                let c = || {
                    format!(
                        "case {case}, seed {seed}, stream {stream}, offset {offset}, n {n}, k {k}"
                    )
                };
                let whole = within(
                    eval_with(ctx, "random.poisson", &[&lam], args(seed, stream, offset)),
                    c,
                )?;
                let h = within(
                    eval_with(ctx, "random.poisson", &[&head], args(seed, stream, offset)),
                    c,
                )?;
                let t = within(
                    eval_with(
                        ctx,
                        "random.poisson",
                        &[&tail],
                        args(seed, stream, offset + k as u64),
                    ),
                    c,
                )?;
                let joined =
                    Data::concat(&[&h.data, &t.data]).ok_or("draws of different dtypes")?;
                within(
                    compare(&HostArray::new(vec![n], joined), &whole, Tol::EXACT),
                    || format!("{}: [0,k)+[k,n) vs [0,n)", c()),
                )?;
            }
            Ok(())
        }),
    ]
}

fn multinomial_check() -> Check {
    Check::new("random.multinomial", "bits[int64]", |ctx| {
        for case in 0..ctx.cases {
            let (seed, stream, offset) = coords(ctx);
            let offset = offset % (1 << 40);
            let shape = gen::shape(&mut ctx.rng, 0, 2, 4);
            let n = gen::array(&mut ctx.rng, I, &shape, Dom::Grid(0, 1000));
            let kk = ctx.rng.random_range(1..=5usize);
            let w: Vec<f64> = (0..kk).map(|_| ctx.rng.random::<f64>()).collect();
            let total: f64 = w.iter().sum();
            let pv = HostArray::f64(vec![kk], w.iter().map(|x| x / total).collect());
            let nv = match &n.data {
                Data::Int(v) => v.clone(),
                _ => vec![],
            };
            let mut out = vec![0; nv.len() * kk];
            let pvals = pv.data.to_f64().unwrap_or_default();
            reference::fill_multinomial(seed as u64, stream, offset, &nv, &pvals, &mut out)
                .map_err(|e| format!("suite reference failed: {e}"))?;
            let mut oshape = shape.clone();
            oshape.push(kk);
            let exp = HostArray::int(oshape, out);
            let c = || {
                format!("case {case}, seed {seed}, stream {stream}, offset {offset}, n {}, pvals {pvals:?}", desc(&n))
            };
            let got = within(
                eval_with(ctx, "random.multinomial", &[&n, &pv], |h| {
                    vec![
                        RValue::Int(seed),
                        RValue::Int(stream as i64),
                        RValue::Int(offset as i64),
                        h[0].clone(),
                        h[1].clone(),
                    ]
                }),
                c,
            )?;
            within(compare(&got, &exp, Tol::EXACT), c)?;
        }
        Ok(())
    })
}

/// Every check of the random streams.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = Vec::new();
    for op in ["random.uniform", "random.normal"] {
        v.push(continuous_check(op, F64));
        v.push(continuous_check(op, F32));
        v.push(continuous_offsets(op));
    }
    v.extend(poisson_checks());
    v.push(multinomial_check());
    v
}
