//! Manipulation ops. Each reference is a gather: for every output position,
//! the input position it comes from.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::{ErrorKind, RValue};
use rand::RngExt;

use super::{desc, eval_many, eval_with, expect_err_with, iints, ints, within};
use crate::gen::{self, Dom};
use crate::host::{broadcast_index, broadcast_shapes, numel, ravel, unravel, Data, HostArray, Tol};
use crate::{Check, Ctx};

const ALL: [DType; 5] = [Bool, I, F32, F64, C];

/// `x` gathered to `out_shape`, where `src` maps an output multi-index to
/// the input multi-index.
pub(crate) fn remap(
    x: &HostArray,
    out_shape: &[usize],
    src: impl Fn(&[usize]) -> Vec<usize>,
) -> HostArray {
    let idx: Vec<usize> = (0..numel(out_shape))
        .map(|f| ravel(&src(&unravel(f, out_shape)), &x.shape))
        .collect();
    x.gather(out_shape.to_vec(), &idx)
}

fn random_dtype(ctx: &mut Ctx<'_>) -> DType {
    ALL[ctx.rng.random_range(0..ALL.len())]
}

fn input(ctx: &mut Ctx<'_>, lo: usize, hi: usize) -> HostArray {
    let d = random_dtype(ctx);
    let shape = gen::shape(&mut ctx.rng, lo, hi, 4);
    gen::array(&mut ctx.rng, d, &shape, Dom::Uniform(-9.0, 9.0))
}

/// A case: the input arrays, the arguments (`None` for the next array
/// handle), and the expected result.
type Made = (Vec<HostArray>, Vec<Option<RValue>>, HostArray);

/// Runs `cases` random cases of a manipulation op: `make` builds the input,
/// the arguments and the expected result.
fn property(op: &'static str, make: fn(&mut Ctx<'_>) -> Made) -> Check {
    Check::new(op, "values", move |ctx| {
        for case in 0..ctx.cases {
            let (xs, extra, exp) = make(ctx);
            let refs: Vec<&HostArray> = xs.iter().collect();
            let c = || {
                let xd: Vec<String> = xs.iter().map(desc).collect();
                format!("case {case}, inputs {xd:?}, args {extra:?}")
            };
            // `None` in `extra` stands for the next array handle.
            let args = |h: &[RValue]| {
                let mut hs = h.iter();
                extra
                    .iter()
                    .map(|e| match e {
                        Some(v) => v.clone(),
                        None => hs.next().cloned().unwrap_or(RValue::None),
                    })
                    .collect::<Vec<_>>()
            };
            let got = within(eval_with(ctx, op, &refs, args), c)?;
            within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
        }
        Ok(())
    })
}

/// A random shape with `n` elements (one size may be written -1).
fn reshape_target(ctx: &mut Ctx<'_>, n: usize) -> (Vec<usize>, Vec<i64>) {
    let nd = ctx.rng.random_range(1..=4usize);
    let shape: Vec<usize> = if n == 0 {
        let mut s: Vec<usize> = (0..nd).map(|_| ctx.rng.random_range(0..=3)).collect();
        s[ctx.rng.random_range(0..nd)] = 0;
        s
    } else {
        let mut s = vec![1; nd];
        let mut m = n;
        let mut p = 2;
        while m > 1 {
            while m % p == 0 {
                let k = ctx.rng.random_range(0..nd);
                s[k] *= p;
                m /= p;
            }
            p += 1;
        }
        s
    };
    let mut arg: Vec<i64> = shape.iter().map(|&k| k as i64).collect();
    if n > 0 && ctx.rng.random::<bool>() {
        let k = ctx.rng.random_range(0..nd);
        arg[k] = -1;
    }
    (shape, arg)
}

fn reshape() -> Vec<Check> {
    vec![
        property("reshape", |ctx| {
            let x = input(ctx, 0, 4);
            let (shape, arg) = reshape_target(ctx, x.len());
            let exp = HostArray::new(shape, x.data.clone());
            (vec![x], vec![None, Some(iints(&arg))], exp)
        }),
        Check::new("reshape", "incompatible_shape_error", |ctx| {
            let x = gen::array(&mut ctx.rng, F64, &[2, 3], Dom::Uniform(-1.0, 1.0));
            expect_err_with(ctx, "reshape", &[&x], ErrorKind::Shape, |h| {
                vec![h[0].clone(), ints(&[4, 2])]
            })?;
            expect_err_with(ctx, "reshape", &[&x], ErrorKind::Shape, |h| {
                vec![h[0].clone(), iints(&[4, -1])]
            })?;
            Ok(())
        }),
    ]
}

fn permute() -> Vec<Check> {
    vec![
        property("permute_dims", |ctx| {
            let x = input(ctx, 0, 4);
            let perm = gen::permutation(&mut ctx.rng, x.ndim());
            let out: Vec<usize> = perm.iter().map(|&p| x.shape[p]).collect();
            let exp = remap(&x, &out, |o| {
                let mut i = vec![0; o.len()];
                for (k, &p) in perm.iter().enumerate() {
                    i[p] = o[k];
                }
                i
            });
            let arg: Vec<i64> = perm.iter().map(|&p| p as i64).collect();
            (vec![x], vec![None, Some(iints(&arg))], exp)
        }),
        property("matrix_transpose", |ctx| {
            let x = input(ctx, 2, 4);
            let n = x.ndim();
            let mut out = x.shape.clone();
            out.swap(n - 2, n - 1);
            let exp = remap(&x, &out, |o| {
                let mut i = o.to_vec();
                i.swap(n - 2, n - 1);
                i
            });
            (vec![x], vec![None], exp)
        }),
        property("moveaxis", |ctx| {
            let x = input(ctx, 1, 4);
            let n = x.ndim();
            let k = ctx.rng.random_range(1..=n);
            let src: Vec<usize> = gen::permutation(&mut ctx.rng, n)[..k].to_vec();
            let dst: Vec<usize> = gen::permutation(&mut ctx.rng, n)[..k].to_vec();
            // Output axis order: the remaining axes in order, with src[j] placed at dst[j].
            let mut order = vec![usize::MAX; n];
            for j in 0..k {
                order[dst[j]] = src[j];
            }
            let mut rest = (0..n).filter(|a| !src.contains(a));
            for o in order.iter_mut() {
                if *o == usize::MAX {
                    *o = rest.next().unwrap_or(0);
                }
            }
            let out: Vec<usize> = order.iter().map(|&a| x.shape[a]).collect();
            let exp = remap(&x, &out, |o| {
                let mut i = vec![0; n];
                for (k, &a) in order.iter().enumerate() {
                    i[a] = o[k];
                }
                i
            });
            let s: Vec<i64> = src
                .iter()
                .map(|&a| gen::axis_arg(&mut ctx.rng, a, n))
                .collect();
            let d: Vec<i64> = dst
                .iter()
                .map(|&a| gen::axis_arg(&mut ctx.rng, a, n))
                .collect();
            (vec![x], vec![None, Some(iints(&s)), Some(iints(&d))], exp)
        }),
    ]
}

fn broadcasting() -> Vec<Check> {
    vec![
        property("broadcast_to", |ctx| {
            let x = input(ctx, 0, 3);
            let mut target: Vec<usize> = x
                .shape
                .iter()
                .map(|&n| {
                    if n == 1 {
                        ctx.rng.random_range(0..=3)
                    } else {
                        n
                    }
                })
                .collect();
            for _ in 0..ctx.rng.random_range(0..=(4 - x.ndim()).min(2)) {
                target.insert(0, ctx.rng.random_range(0..=3));
            }
            let exp = x.gather(target.clone(), &broadcast_index(&x.shape, &target));
            (vec![x], vec![None, Some(ints(&target))], exp)
        }),
        Check::new("broadcast_to", "incompatible_shape_error", |ctx| {
            let x = gen::array(&mut ctx.rng, F64, &[2, 3], Dom::Uniform(-1.0, 1.0));
            expect_err_with(ctx, "broadcast_to", &[&x], ErrorKind::Shape, |h| {
                vec![h[0].clone(), ints(&[3, 3])]
            })?;
            Ok(())
        }),
        Check::new("broadcast_arrays", "values", |ctx| {
            for case in 0..ctx.cases {
                let base = gen::shape(&mut ctx.rng, 0, 3, 4);
                let (s1, s2) = gen::broadcastable(&mut ctx.rng, &base);
                let d = random_dtype(ctx);
                let x1 = gen::array(&mut ctx.rng, d, &s1, Dom::Grid(-5, 5));
                let x2 = gen::array(&mut ctx.rng, d, &s2, Dom::Grid(-5, 5));
                let Some(shape) = broadcast_shapes(&s1, &s2) else {
                    continue;
                };
                let c = || format!("case {case}, x1 {}, x2 {}", desc(&x1), desc(&x2));
                let got = within(
                    eval_many(ctx, "broadcast_arrays", &[&x1, &x2], super::pass),
                    c,
                )?;
                if got.len() != 2 {
                    return Err(
                        format!("{}: {} arrays where 2 were expected", c(), got.len()).into(),
                    );
                }
                for (g, x) in got.iter().zip([&x1, &x2]) {
                    let exp = x.gather(shape.clone(), &broadcast_index(&x.shape, &shape));
                    within(crate::host::compare(g, &exp, Tol::EXACT), c)?;
                }
            }
            Ok(())
        }),
    ]
}

fn axes_ops() -> Vec<Check> {
    vec![
        property("expand_dims", |ctx| {
            let x = input(ctx, 0, 3);
            let n = x.ndim();
            let a = ctx.rng.random_range(0..=n);
            let mut out = x.shape.clone();
            out.insert(a, 1);
            let exp = HostArray::new(out, x.data.clone());
            (
                vec![x],
                vec![
                    None,
                    Some(RValue::Int(gen::axis_arg(&mut ctx.rng, a, n + 1))),
                ],
                exp,
            )
        }),
        property("squeeze", |ctx| {
            let mut x = input(ctx, 1, 4);
            let n = x.ndim();
            let ones: Vec<usize> = (0..n).filter(|_| ctx.rng.random::<bool>()).collect();
            let ones = if ones.is_empty() { vec![0] } else { ones };
            for &a in &ones {
                x.shape[a] = 1;
            }
            x = gen::array(&mut ctx.rng, x.dtype(), &x.shape.clone(), Dom::Grid(-5, 5));
            let out: Vec<usize> = (0..n)
                .filter(|a| !ones.contains(a))
                .map(|a| x.shape[a])
                .collect();
            let exp = HostArray::new(out, x.data.clone());
            let arg: Vec<i64> = ones
                .iter()
                .map(|&a| gen::axis_arg(&mut ctx.rng, a, n))
                .collect();
            (vec![x], vec![None, Some(iints(&arg))], exp)
        }),
        Check::new("squeeze", "not_one_error", |ctx| {
            let x = gen::array(&mut ctx.rng, F64, &[2, 1], Dom::Uniform(-1.0, 1.0));
            expect_err_with(ctx, "squeeze", &[&x], ErrorKind::Shape, |h| {
                vec![h[0].clone(), iints(&[0])]
            })?;
            Ok(())
        }),
        property("flip", |ctx| {
            let x = input(ctx, 0, 4);
            let n = x.ndim();
            let (axes, arg) = if n == 0 || ctx.rng.random::<bool>() {
                ((0..n).collect::<Vec<_>>(), RValue::None)
            } else {
                let a = gen::subset(&mut ctx.rng, n);
                let arg: Vec<i64> = a
                    .iter()
                    .map(|&k| gen::axis_arg(&mut ctx.rng, k, n))
                    .collect();
                (a, iints(&arg))
            };
            let shape = x.shape.clone();
            let exp = remap(&x, &shape, |o| {
                o.iter()
                    .enumerate()
                    .map(|(k, &i)| {
                        if axes.contains(&k) {
                            shape[k] - 1 - i
                        } else {
                            i
                        }
                    })
                    .collect()
            });
            (vec![x], vec![None, Some(arg)], exp)
        }),
        property("roll", |ctx| {
            let x = input(ctx, 0, 4);
            let n = x.ndim();
            if n == 0 || ctx.rng.random_range(0..3) == 0 {
                let s = ctx.rng.random_range(-7..=7i64);
                let len = x.len() as i64;
                let idx: Vec<usize> = (0..len)
                    .map(|f| {
                        if len == 0 {
                            0
                        } else {
                            (f - s).rem_euclid(len) as usize
                        }
                    })
                    .collect();
                let exp = x.gather(x.shape.clone(), &idx);
                return (
                    vec![x],
                    vec![None, Some(iints(&[s])), Some(RValue::None)],
                    exp,
                );
            }
            let a = gen::subset(&mut ctx.rng, n);
            let a = if a.is_empty() { vec![n - 1] } else { a };
            let shifts: Vec<i64> = a.iter().map(|_| ctx.rng.random_range(-7..=7i64)).collect();
            let arg: Vec<i64> = a
                .iter()
                .map(|&k| gen::axis_arg(&mut ctx.rng, k, n))
                .collect();
            let shape = x.shape.clone();
            let exp = remap(&x, &shape, |o| {
                let mut i = o.to_vec();
                for (j, &k) in a.iter().enumerate() {
                    i[k] = (o[k] as i64 - shifts[j]).rem_euclid(shape[k].max(1) as i64) as usize;
                }
                i
            });
            (
                vec![x],
                vec![None, Some(iints(&shifts)), Some(iints(&arg))],
                exp,
            )
        }),
    ]
}

fn repeat_tile() -> Vec<Check> {
    vec![
        property("repeat", |ctx| {
            let x = input(ctx, 0, 3);
            let n = x.ndim();
            let axis = (n > 0 && ctx.rng.random::<bool>()).then(|| ctx.rng.random_range(0..n));
            let (flat_shape, a) = match axis {
                Some(a) => (x.shape.clone(), a),
                None => (vec![x.len()], 0),
            };
            let len = flat_shape[a];
            let per: Vec<usize> = if ctx.rng.random::<bool>() {
                vec![ctx.rng.random_range(0..=3); len]
            } else {
                (0..len).map(|_| ctx.rng.random_range(0..=3)).collect()
            };
            let uniform = per.windows(2).all(|w| w[0] == w[1]) && ctx.rng.random::<bool>();
            let src: Vec<usize> = (0..len)
                .flat_map(|i| std::iter::repeat_n(i, per[i]))
                .collect();
            let mut out = flat_shape.clone();
            out[a] = src.len();
            let flat = HostArray::new(flat_shape, x.data.clone());
            let exp = remap(&flat, &out, |o| {
                let mut i = o.to_vec();
                i[a] = src[o[a]];
                i
            });
            let reps = if uniform && len > 0 {
                Some(RValue::Int(per[0] as i64))
            } else {
                None
            };
            let axis_arg = axis.map_or(RValue::None, |a| {
                RValue::Int(gen::axis_arg(&mut ctx.rng, a, n))
            });
            match reps {
                Some(r) => (vec![x], vec![None, Some(r), Some(axis_arg)], exp),
                None => {
                    let r = HostArray::int(vec![len], per.iter().map(|&k| k as i64).collect());
                    (vec![x, r], vec![None, None, Some(axis_arg)], exp)
                }
            }
        }),
        property("tile", |ctx| {
            let x = input(ctx, 0, 3);
            let k = ctx.rng.random_range(0..=3usize);
            let reps: Vec<usize> = (0..k).map(|_| ctx.rng.random_range(0..=3)).collect();
            let n = x.ndim().max(k);
            let mut shape = vec![1; n - x.ndim()];
            shape.extend(&x.shape);
            let mut r = vec![1; n - k];
            r.extend(&reps);
            let out: Vec<usize> = shape.iter().zip(&r).map(|(s, r)| s * r).collect();
            let xs = HostArray::new(shape.clone(), x.data.clone());
            let exp = remap(&xs, &out, |o| {
                o.iter().zip(&shape).map(|(i, s)| i % s).collect()
            });
            (vec![x], vec![None, Some(ints(&reps))], exp)
        }),
    ]
}

fn join() -> Vec<Check> {
    vec![
        Check::new("concat", "values", |ctx| {
            for case in 0..ctx.cases {
                let d = random_dtype(ctx);
                let base = gen::shape(&mut ctx.rng, 1, 4, 4);
                let n = base.len();
                let a = ctx.rng.random_range(0..n);
                let flat = ctx.rng.random_range(0..4) == 0;
                let k = ctx.rng.random_range(1..=3usize);
                let xs: Vec<HostArray> = (0..k)
                    .map(|_| {
                        let mut s = base.clone();
                        if !flat {
                            s[a] = ctx.rng.random_range(0..=3);
                        } else {
                            s = gen::shape(&mut ctx.rng, 0, 3, 3);
                        }
                        gen::array(&mut ctx.rng, d, &s, Dom::Grid(-9, 9))
                    })
                    .collect();
                let exp = if flat {
                    let data = Data::concat(&xs.iter().map(|x| &x.data).collect::<Vec<_>>())
                        .ok_or("suite bug")?;
                    HostArray::new(vec![data.len()], data)
                } else {
                    concat_ref(&xs, a)
                };
                let axis_arg = if flat {
                    RValue::None
                } else {
                    RValue::Int(gen::axis_arg(&mut ctx.rng, a, n))
                };
                let refs: Vec<&HostArray> = xs.iter().collect();
                let c = || {
                    format!(
                        "case {case}, inputs {:?}, axis {axis_arg:?}",
                        xs.iter().map(desc).collect::<Vec<_>>()
                    )
                };
                let got = within(
                    eval_with(ctx, "concat", &refs, |h| {
                        let mut v = vec![axis_arg.clone()];
                        v.extend_from_slice(h);
                        v
                    }),
                    c,
                )?;
                within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
        Check::new("concat", "promotion[float32,float64]", |ctx| {
            let x1 = gen::array(&mut ctx.rng, F32, &[2, 2], Dom::Uniform(-1.0, 1.0));
            let x2 = gen::array(&mut ctx.rng, F64, &[1, 2], Dom::Uniform(-1.0, 1.0));
            let exp = concat_ref(&[x1.cast(F64), x2.clone()], 0);
            let got = eval_with(ctx, "concat", &[&x1, &x2], |h| {
                vec![RValue::Int(0), h[0].clone(), h[1].clone()]
            })?;
            crate::host::compare(&got, &exp, Tol::EXACT)?;
            Ok(())
        }),
        Check::new("stack", "values", |ctx| {
            for case in 0..ctx.cases {
                let d = random_dtype(ctx);
                let shape = gen::shape(&mut ctx.rng, 0, 3, 4);
                let k = ctx.rng.random_range(1..=3usize);
                let xs: Vec<HostArray> = (0..k)
                    .map(|_| gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-9, 9)))
                    .collect();
                let a = ctx.rng.random_range(0..=shape.len());
                let expanded: Vec<HostArray> = xs
                    .iter()
                    .map(|x| {
                        let mut s = x.shape.clone();
                        s.insert(a, 1);
                        HostArray::new(s, x.data.clone())
                    })
                    .collect();
                let exp = concat_ref(&expanded, a);
                let axis_arg = RValue::Int(gen::axis_arg(&mut ctx.rng, a, shape.len() + 1));
                let refs: Vec<&HostArray> = xs.iter().collect();
                let c = || {
                    format!(
                        "case {case}, {k} arrays {}, axis {axis_arg:?}",
                        desc(&xs[0])
                    )
                };
                let got = within(
                    eval_with(ctx, "stack", &refs, |h| {
                        let mut v = vec![axis_arg.clone()];
                        v.extend_from_slice(h);
                        v
                    }),
                    c,
                )?;
                within(crate::host::compare(&got, &exp, Tol::EXACT), c)?;
            }
            Ok(())
        }),
    ]
}

/// Concatenation of same-dtype arrays along axis `a`.
pub(crate) fn concat_ref(xs: &[HostArray], a: usize) -> HostArray {
    let mut out = xs[0].shape.clone();
    out[a] = xs.iter().map(|x| x.shape[a]).sum();
    let all =
        Data::concat(&xs.iter().map(|x| &x.data).collect::<Vec<_>>()).unwrap_or(Data::Bool(vec![]));
    let mut offsets = vec![0];
    let mut starts = vec![0];
    for x in xs {
        offsets.push(offsets.last().copied().unwrap_or(0) + x.len());
        starts.push(starts.last().copied().unwrap_or(0) + x.shape[a]);
    }
    let idx: Vec<usize> = (0..numel(&out))
        .map(|f| {
            let mut i = unravel(f, &out);
            let j = (0..xs.len())
                .rfind(|&j| starts[j] <= i[a] && i[a] < starts[j + 1])
                .unwrap_or(0);
            i[a] -= starts[j];
            offsets[j] + ravel(&i, &xs[j].shape)
        })
        .collect();
    HostArray::new(out, all.gather(&idx))
}

/// Every check of the manipulation ops.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = reshape();
    v.extend(permute());
    v.extend(broadcasting());
    v.extend(axes_ops());
    v.extend(repeat_tile());
    v.extend(join());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_reference() {
        let a = HostArray::int(vec![1, 2], vec![1, 2]);
        let b = HostArray::int(vec![2, 2], vec![3, 4, 5, 6]);
        assert_eq!(
            concat_ref(&[a.clone(), b], 0),
            HostArray::int(vec![3, 2], vec![1, 2, 3, 4, 5, 6])
        );
        let c = HostArray::int(vec![1, 1], vec![9]);
        assert_eq!(
            concat_ref(&[a, c], 1),
            HostArray::int(vec![1, 3], vec![1, 2, 9])
        );
    }
}
