//! Searching and sorting: sort/argsort (stable, descending, NaN last),
//! searchsorted, nonzero, unique_values.

use std::cmp::Ordering;

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::RValue;
use rand::RngExt;

use super::reduction::groups;
use super::{desc, eval_many, eval_with, pass, within};
use crate::gen::{self, Dom};
use crate::host::{compare, Data, HostArray, Tol};
use crate::Check;

/// The flat indices of every lane along `axis`, lanes in C order.
pub(crate) fn lanes(shape: &[usize], axis: usize) -> Vec<Vec<usize>> {
    groups(shape, &[axis], false).1
}

/// Total order with NaN last.
fn nan_last(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// Stable argsort of a lane; descending keeps ties in their original order.
fn argsort_lane(v: &[f64], descending: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    if descending {
        idx.sort_by(|&a, &b| nan_last(v[b], v[a]));
    } else {
        idx.sort_by(|&a, &b| nan_last(v[a], v[b]));
    }
    idx
}

fn sort_checks() -> Vec<Check> {
    let mut v = Vec::new();
    for op in ["sort", "argsort"] {
        for d in [I, F32, F64] {
            v.push(Check::new(op, format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 1, 4, 5);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-3, 3));
                    let a = ctx.rng.random_range(0..shape.len());
                    let desc_ = ctx.rng.random::<bool>();
                    let axis = gen::axis_arg(&mut ctx.rng, a, shape.len());
                    let xs = x.data.to_f64().ok_or("suite bug")?;
                    let mut perm = vec![0; x.len()];
                    let mut pos = vec![0i64; x.len()];
                    for lane in lanes(&shape, a) {
                        let vals: Vec<f64> = lane.iter().map(|&i| xs[i]).collect();
                        for (k, j) in argsort_lane(&vals, desc_).into_iter().enumerate() {
                            perm[lane[k]] = lane[j];
                            pos[lane[k]] = j as i64;
                        }
                    }
                    let exp = if op == "sort" {
                        x.gather(shape.clone(), &perm)
                    } else {
                        HostArray::int(shape.clone(), pos)
                    };
                    let c = || {
                        format!(
                            "case {case}, x {}, axis {axis}, descending {desc_}",
                            desc(&x)
                        )
                    };
                    let args = |h: &[RValue]| {
                        vec![
                            h[0].clone(),
                            RValue::Int(axis),
                            RValue::Bool(desc_),
                            RValue::Bool(true),
                        ]
                    };
                    let got = within(eval_with(ctx, op, &[&x], args), c)?;
                    within(compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            }));
        }
        v.push(Check::new(op, "nan_last", move |ctx| {
            let x = HostArray::f64(vec![5], vec![2.0, f64::NAN, -1.0, f64::NAN, 0.5]);
            let exp = if op == "sort" {
                HostArray::f64(vec![5], vec![-1.0, 0.5, 2.0, f64::NAN, f64::NAN])
            } else {
                HostArray::int(vec![5], vec![2, 4, 0, 1, 3])
            };
            let got = eval_with(ctx, op, &[&x], pass)?;
            within(compare(&got, &exp, Tol::EXACT), || {
                format!("x {:?}", x.data)
            })?;
            Ok(())
        }));
        v.push(super::dtype_error_check(
            op,
            C,
            |d| vec![HostArray::new(vec![3], Data::Bool(vec![true; 3]).cast(d))],
            pass,
        ));
    }
    v
}

fn searchsorted_checks() -> Vec<Check> {
    [I, F64]
        .into_iter()
        .map(|d| {
            Check::new("searchsorted", format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let n = ctx.rng.random_range(0..=8usize);
                    let mut x1 = gen::array(&mut ctx.rng, d, &[n], Dom::Grid(-4, 4));
                    let mut s = x1.data.to_f64().ok_or("suite bug")?;
                    s.sort_by(|a, b| nan_last(*a, *b));
                    x1 = HostArray::f64(vec![n], s.clone()).cast(d);
                    let shape = gen::shape(&mut ctx.rng, 0, 3, 4);
                    let x2 = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-5, 5));
                    let right = ctx.rng.random::<bool>();
                    let side = if right { "right" } else { "left" };
                    let vals = x2.data.to_f64().ok_or("suite bug")?;
                    let exp: Vec<i64> = vals
                        .iter()
                        .map(|&v| {
                            s.iter()
                                .filter(|&&e| if right { e <= v } else { e < v })
                                .count() as i64
                        })
                        .collect();
                    let exp = HostArray::int(shape.clone(), exp);
                    let c = || format!("case {case}, x1 {:?}, x2 {}, side {side}", s, desc(&x2));
                    let args =
                        |h: &[RValue]| vec![h[0].clone(), h[1].clone(), RValue::Str(side.into())];
                    let got = within(eval_with(ctx, "searchsorted", &[&x1, &x2], args), c)?;
                    within(compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            })
        })
        .collect()
}

fn nonzero_checks() -> Vec<Check> {
    [Bool, I, F64, C]
        .into_iter()
        .map(|d| {
            Check::new("nonzero", format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 1, 4, 4);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-1, 1));
                    let hits: Vec<usize> = (0..x.len()).filter(|&i| x.data.truthy(i)).collect();
                    let c = || format!("case {case}, x {}", desc(&x));
                    let got = within(eval_many(ctx, "nonzero", &[&x], pass), c)?;
                    if got.len() != shape.len() {
                        return Err(format!(
                            "{}: {} arrays where {} (one per axis) were expected",
                            c(),
                            got.len(),
                            shape.len()
                        )
                        .into());
                    }
                    for (ax, g) in got.iter().enumerate() {
                        let exp: Vec<i64> = hits
                            .iter()
                            .map(|&f| crate::host::unravel(f, &shape)[ax] as i64)
                            .collect();
                        let exp = HostArray::int(vec![hits.len()], exp);
                        within(compare(g, &exp, Tol::EXACT), || {
                            format!("{}, axis {ax}", c())
                        })?;
                    }
                }
                Ok(())
            })
        })
        .collect()
}

fn unique_checks() -> Vec<Check> {
    [I, F32, F64]
        .into_iter()
        .map(|d: DType| {
            Check::new("unique_values", format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 0, 3, 4);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-3, 3));
                    let mut s = x.data.to_f64().ok_or("suite bug")?;
                    s.sort_by(|a, b| nan_last(*a, *b));
                    s.dedup();
                    let exp = HostArray::f64(vec![s.len()], s).cast(d);
                    let c = || format!("case {case}, x {}", desc(&x));
                    let got = within(eval_with(ctx, "unique_values", &[&x], pass), c)?;
                    within(compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            })
        })
        .collect()
}

/// Every check of searching and sorting.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = sort_checks();
    v.extend(searchsorted_checks());
    v.extend(nonzero_checks());
    v.extend(unique_checks());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_descending_keeps_ties_in_order() {
        assert_eq!(argsort_lane(&[1.0, 2.0, 1.0, 2.0], true), vec![1, 3, 0, 2]);
        assert_eq!(argsort_lane(&[f64::NAN, 1.0, 0.0], false), vec![2, 1, 0]);
        assert_eq!(lanes(&[2, 3], 0), vec![vec![0, 3], vec![1, 4], vec![2, 5]]);
    }
}
