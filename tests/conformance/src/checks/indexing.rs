//! Indexing: basic `getitem`/`setitem` with random integers, slices
//! (negative steps, omitted ends), newaxis and ellipsis; `take`,
//! `take_along_axis`, boolean masks.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::{ErrorKind, IndexItem, RValue};
use rand::RngExt;

use super::manipulation::remap;
use super::{desc, eval_with, expect_err_with, within};
use crate::gen::{self, Dom};
use crate::host::{broadcast_index, numel, ravel, unravel, Data, HostArray, Tol};
use crate::{Check, Ctx};

const ALL: [DType; 5] = [Bool, I, F32, F64, C];

/// Python's `slice(start, stop, step).indices(n)`, expanded.
pub(crate) fn slice_indices(
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
    n: usize,
) -> Vec<usize> {
    let n = n as i64;
    let norm = |v: i64, lo: i64, hi: i64| {
        let v = if v < 0 { v + n } else { v };
        v.clamp(lo, hi)
    };
    let (s, e) = if step > 0 {
        (
            start.map_or(0, |v| norm(v, 0, n)),
            stop.map_or(n, |v| norm(v, 0, n)),
        )
    } else {
        (
            start.map_or(n - 1, |v| norm(v, -1, n - 1)),
            stop.map_or(-1, |v| norm(v, -1, n - 1)),
        )
    };
    let mut out = Vec::new();
    let mut i = s;
    while (step > 0 && i < e) || (step < 0 && i > e) {
        out.push(i as usize);
        i += step;
    }
    out
}

/// What one index item does to the output: a kept axis with its input
/// positions, a fixed input position, or a new axis.
enum Step {
    Axis(usize, Vec<usize>),
    Fixed(usize, usize),
    New,
}

/// The output shape and source map of a basic index, or `None` if an
/// integer is out of range.
fn plan(shape: &[usize], index: &[IndexItem]) -> Option<(Vec<usize>, Vec<Step>)> {
    let consuming = index
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
        .count();
    let mut items: Vec<IndexItem> = Vec::new();
    let mut saw_ellipsis = false;
    for &it in index {
        if it == IndexItem::Ellipsis {
            saw_ellipsis = true;
            items.extend(std::iter::repeat_n(
                IndexItem::FULL,
                shape.len() - consuming,
            ));
        } else {
            items.push(it);
        }
    }
    if !saw_ellipsis {
        items.extend(std::iter::repeat_n(
            IndexItem::FULL,
            shape.len() - consuming,
        ));
    }
    let mut axis = 0;
    let mut steps = Vec::new();
    let mut out = Vec::new();
    for it in items {
        match it {
            IndexItem::Int(i) => {
                let n = shape[axis] as i64;
                let j = if i < 0 { i + n } else { i };
                if j < 0 || j >= n {
                    return None;
                }
                steps.push(Step::Fixed(axis, j as usize));
                axis += 1;
            }
            IndexItem::Slice {
                start,
                has_start,
                stop,
                has_stop,
                step,
            } => {
                let v = slice_indices(
                    has_start.then_some(start),
                    has_stop.then_some(stop),
                    step,
                    shape[axis],
                );
                out.push(v.len());
                steps.push(Step::Axis(axis, v));
                axis += 1;
            }
            IndexItem::NewAxis => {
                out.push(1);
                steps.push(Step::New);
            }
            IndexItem::Ellipsis => {}
            other => unreachable!("the suite builds only the index items it knows, not {other:?}"),
        }
    }
    Some((out, steps))
}

/// Input flat positions of every output element of a basic index.
fn positions(shape: &[usize], out: &[usize], steps: &[Step]) -> Vec<usize> {
    (0..numel(out))
        .map(|f| {
            let o = unravel(f, out);
            let mut i = vec![0; shape.len()];
            let mut k = 0;
            for s in steps {
                match s {
                    Step::Axis(a, v) => {
                        i[*a] = v[o[k]];
                        k += 1;
                    }
                    Step::Fixed(a, j) => i[*a] = *j,
                    Step::New => k += 1,
                }
            }
            ravel(&i, shape)
        })
        .collect()
}

/// A random in-range basic index for `shape`.
fn random_index(ctx: &mut Ctx<'_>, shape: &[usize]) -> Vec<IndexItem> {
    let nd = shape.len();
    let m = ctx.rng.random_range(0..=nd);
    let ellipsis = ctx.rng.random::<bool>();
    // Which axes the explicit items address: the first m, or (with an
    // ellipsis before them) the last m.
    let before = if ellipsis {
        ctx.rng.random_range(0..=m)
    } else {
        m
    };
    let axes: Vec<usize> = (0..before).chain(nd - (m - before)..nd).collect();
    let mut items = Vec::new();
    for (j, &a) in axes.iter().enumerate() {
        if ellipsis && j == before {
            items.push(IndexItem::Ellipsis);
        }
        if ctx.rng.random_range(0..5) == 0 {
            items.push(IndexItem::NewAxis);
        }
        let n = shape[a] as i64;
        if n > 0 && ctx.rng.random_range(0..3) == 0 {
            items.push(IndexItem::Int(ctx.rng.random_range(-n..n)));
        } else {
            let step = [-2, -1, 1, 1, 2, 3][ctx.rng.random_range(0..6)];
            let mut end = || (ctx.rng.random::<bool>()).then(|| ctx.rng.random_range(-n..=n));
            let (s, e) = (end(), end());
            items.push(IndexItem::slice(s, e, step));
        }
    }
    // A partial index must end with an ellipsis: the standard does not
    // specify flat indexing, and strict backends refuse it.
    if (ellipsis && before == axes.len()) || (!ellipsis && m < nd) {
        items.push(IndexItem::Ellipsis);
    }
    if ctx.rng.random_range(0..5) == 0 {
        items.push(IndexItem::NewAxis);
    }
    items
}

fn getitem() -> Vec<Check> {
    let mut v: Vec<Check> = ALL
        .iter()
        .map(|&d| {
            Check::new("getitem", format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-50, 50));
                    let index = random_index(ctx, &shape);
                    let (out, steps) =
                        plan(&shape, &index).ok_or("suite bug: index out of range")?;
                    let exp = x.gather(out.clone(), &positions(&shape, &out, &steps));
                    let c = || format!("case {case}, x {}, index {index:?}", desc(&x));
                    let arg = RValue::index(index.iter().copied());
                    let got = within(
                        eval_with(ctx, "getitem", &[&x], |h| vec![h[0].clone(), arg.clone()]),
                        c,
                    )?;
                    within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            })
        })
        .collect();
    v.push(Check::new("getitem", "out_of_range_error", |ctx| {
        let x = gen::array(&mut ctx.rng, F64, &[2, 3], Dom::Uniform(-1.0, 1.0));
        for i in [3i64, -4] {
            let arg = RValue::index([IndexItem::FULL, IndexItem::Int(i)]);
            expect_err_with(ctx, "getitem", &[&x], ErrorKind::Shape, |h| {
                vec![h[0].clone(), arg.clone()]
            })
            .map_err(|m| format!("index [:, {i}]: {m}"))?;
        }
        Ok(())
    }));
    v
}

fn setitem() -> Vec<Check> {
    ALL.iter()
        .map(|&d| {
            Check::new("setitem", format!("values[{d}]"), move |ctx| {
                for case in 0..ctx.cases {
                    let shape = gen::shape(&mut ctx.rng, 0, 4, 5);
                    let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-50, 50));
                    let index = random_index(ctx, &shape);
                    let (out, steps) =
                        plan(&shape, &index).ok_or("suite bug: index out of range")?;
                    let pos = positions(&shape, &out, &steps);
                    let scalar = ctx.rng.random_range(0..3) == 0;
                    let vshape = if scalar {
                        vec![]
                    } else {
                        // A shape that broadcasts to `out`: a suffix with some ones.
                        let k = ctx.rng.random_range(0..=out.len());
                        out[out.len() - k..]
                            .iter()
                            .map(|&n| if ctx.rng.random::<bool>() { 1 } else { n })
                            .collect()
                    };
                    let val = gen::array(&mut ctx.rng, d, &vshape, Dom::Grid(100, 200));
                    let src = val.data.gather(&broadcast_index(&vshape, &out));
                    let both = Data::concat(&[&x.data, &src]).ok_or("suite bug")?;
                    let mut idx: Vec<usize> = (0..x.len()).collect();
                    for (k, &p) in pos.iter().enumerate() {
                        idx[p] = x.len() + k;
                    }
                    let exp = HostArray::new(shape.clone(), both.gather(&idx));
                    let arg = RValue::index(index.iter().copied());
                    let c = || {
                        format!(
                            "case {case}, x {}, index {index:?}, value {}",
                            desc(&x),
                            desc(&val)
                        )
                    };
                    let got = if scalar {
                        let sv = match &val.data {
                            Data::Bool(v) => RValue::Bool(v[0]),
                            Data::Int(v) => RValue::Int(v[0]),
                            Data::F32(v) => RValue::Float(v[0] as f64),
                            Data::F64(v) => RValue::Float(v[0]),
                            Data::C128(v) => RValue::Complex(v[0].into()),
                        };
                        eval_with(ctx, "setitem", &[&x], |h| {
                            vec![h[0].clone(), arg.clone(), sv]
                        })
                    } else {
                        eval_with(ctx, "setitem", &[&x, &val], |h| {
                            vec![h[0].clone(), arg.clone(), h[1].clone()]
                        })
                    };
                    let got = within(got, c)?;
                    within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            })
        })
        .collect()
}

fn take() -> Vec<Check> {
    vec![
        Check::new("take", "values", |ctx| {
            for case in 0..ctx.cases {
                let d = ALL[ctx.rng.random_range(0..5)];
                let shape = gen::shape_nonempty(&mut ctx.rng, 1, 4, 4);
                let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-50, 50));
                let a = ctx.rng.random_range(0..shape.len());
                let k = ctx.rng.random_range(0..=6usize);
                let ind: Vec<i64> = (0..k)
                    .map(|_| ctx.rng.random_range(0..shape[a] as i64))
                    .collect();
                let mut out = shape.clone();
                out[a] = k;
                let exp = remap(&x, &out, |o| {
                    let mut i = o.to_vec();
                    i[a] = ind[o[a]] as usize;
                    i
                });
                let ih = HostArray::int(vec![k], ind.clone());
                let axis = if shape.len() == 1 && ctx.rng.random::<bool>() {
                    RValue::None
                } else {
                    RValue::Int(gen::axis_arg(&mut ctx.rng, a, shape.len()))
                };
                let c = || {
                    format!(
                        "case {case}, x {}, indices {ind:?}, axis {axis:?}",
                        desc(&x)
                    )
                };
                let got = within(
                    eval_with(ctx, "take", &[&x, &ih], |h| {
                        vec![h[0].clone(), h[1].clone(), axis.clone()]
                    }),
                    c,
                )?;
                within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
        Check::new("take_along_axis", "values", |ctx| {
            for case in 0..ctx.cases {
                let d = ALL[ctx.rng.random_range(0..5)];
                let shape = gen::shape_nonempty(&mut ctx.rng, 1, 4, 4);
                let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-50, 50));
                let a = ctx.rng.random_range(0..shape.len());
                let mut ishape = shape.clone();
                ishape[a] = ctx.rng.random_range(0..=5);
                let ind: Vec<i64> = (0..numel(&ishape))
                    .map(|_| ctx.rng.random_range(0..shape[a] as i64))
                    .collect();
                let ih = HostArray::int(ishape.clone(), ind.clone());
                let exp = remap(&x, &ishape, |o| {
                    let mut i = o.to_vec();
                    i[a] = ind[ravel(o, &ishape)] as usize;
                    i
                });
                let axis = RValue::Int(gen::axis_arg(&mut ctx.rng, a, shape.len()));
                let c = || {
                    format!(
                        "case {case}, x {}, indices {}, axis {axis:?}",
                        desc(&x),
                        desc(&ih)
                    )
                };
                let got = within(
                    eval_with(ctx, "take_along_axis", &[&x, &ih], |h| {
                        vec![h[0].clone(), h[1].clone(), axis.clone()]
                    }),
                    c,
                )?;
                within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
        Check::new("getitem_mask", "values", |ctx| {
            for case in 0..ctx.cases {
                let d = ALL[ctx.rng.random_range(0..5)];
                let shape = gen::shape(&mut ctx.rng, 1, 4, 4);
                let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-50, 50));
                let k = ctx.rng.random_range(1..=shape.len());
                let mshape = shape[..k].to_vec();
                let mask = gen::array(&mut ctx.rng, Bool, &mshape, Dom::Grid(0, 1));
                let inner = numel(&shape[k..]);
                let hits: Vec<usize> = (0..mask.len()).filter(|&i| mask.data.truthy(i)).collect();
                let idx: Vec<usize> = hits
                    .iter()
                    .flat_map(|&h| (0..inner).map(move |j| h * inner + j))
                    .collect();
                let mut out = vec![hits.len()];
                out.extend(&shape[k..]);
                let exp = x.gather(out, &idx);
                let c = || format!("case {case}, x {}, mask {}", desc(&x), desc(&mask));
                let got = within(eval_with(ctx, "getitem_mask", &[&x, &mask], super::pass), c)?;
                within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
    ]
}

/// Every check of the indexing ops.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = getitem();
    v.extend(setitem());
    v.extend(take());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_slices() {
        assert_eq!(slice_indices(None, None, -1, 4), vec![3, 2, 1, 0]);
        assert_eq!(slice_indices(Some(-1), None, -2, 5), vec![4, 2, 0]);
        assert_eq!(slice_indices(Some(1), Some(-1), 1, 4), vec![1, 2]);
        assert_eq!(slice_indices(Some(4), None, 1, 4), Vec::<usize>::new());
        assert_eq!(slice_indices(Some(4), Some(0), -1, 4), vec![3, 2, 1]);
        assert_eq!(slice_indices(None, None, 1, 0), Vec::<usize>::new());
        assert_eq!(slice_indices(None, None, -1, 0), Vec::<usize>::new());
    }

    #[test]
    fn basic_index_plan() {
        let idx = [IndexItem::Ellipsis, IndexItem::Int(-1), IndexItem::NewAxis];
        let (out, steps) = plan(&[2, 3], &idx).unwrap();
        assert_eq!(out, vec![2, 1]);
        assert_eq!(positions(&[2, 3], &out, &steps), vec![2, 5]);
        assert!(plan(&[2, 3], &[IndexItem::Int(2)]).is_none());
    }
}
