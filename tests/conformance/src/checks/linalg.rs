//! Linear algebra: products against naive sums, factorizations and solvers
//! by their residuals (`L L^H = A`, `A X = B`, `A A^-1 = I`,
//! `A V = V diag(w)`), eigenvalues against a Jacobi reference, determinants
//! against LU.

use glass_backend_api::dtype::names::{
    Bool, Complex128 as C, Float32 as F32, Float64 as F64, Int64 as I,
};
use glass_backend_api::DType;
use glass_backend_api::RValue;
use num_complex::Complex64 as C64;
use rand::RngExt;

use super::{desc, dtype_error_check, eval_many, eval_with, iints, pass, within};
use crate::gen::{self, Dom};
use crate::host::{broadcast_index, broadcast_shapes, compare, numel, Data, HostArray, Tol};
use crate::{Bad, Check, Ctx};

/// A dense row-major complex matrix.
#[derive(Clone, Debug)]
struct Mat {
    r: usize,
    c: usize,
    v: Vec<C64>,
}

impl Mat {
    fn at(&self, i: usize, j: usize) -> C64 {
        self.v[i * self.c + j]
    }
    fn eye(n: usize) -> Mat {
        Mat {
            r: n,
            c: n,
            v: (0..n * n)
                .map(|k| C64::new((k / n == k % n) as u8 as f64, 0.0))
                .collect(),
        }
    }
    fn mul(&self, o: &Mat) -> Mat {
        let v = (0..self.r * o.c)
            .map(|k| {
                (0..self.c)
                    .map(|l| self.at(k / o.c, l) * o.at(l, k % o.c))
                    .sum()
            })
            .collect();
        Mat {
            r: self.r,
            c: o.c,
            v,
        }
    }
    fn h(&self) -> Mat {
        let v = (0..self.r * self.c)
            .map(|k| self.at(k % self.r, k / self.r).conj())
            .collect();
        Mat {
            r: self.c,
            c: self.r,
            v,
        }
    }
    fn sub(&self, o: &Mat) -> Mat {
        Mat {
            r: self.r,
            c: self.c,
            v: self.v.iter().zip(&o.v).map(|(a, b)| a - b).collect(),
        }
    }
    fn norm(&self) -> f64 {
        self.v.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt()
    }
}

/// The matrices of a stack `(..., r, c)`, in C order of the batch.
fn mats(x: &HostArray) -> Vec<Mat> {
    let n = x.ndim();
    let (r, c) = (x.shape[n - 2], x.shape[n - 1]);
    let v = x.data.to_c64();
    if r * c == 0 {
        return vec![Mat { r, c, v: vec![] }; numel(&x.shape[..n - 2])];
    }
    v.chunks(r * c)
        .map(|ch| Mat {
            r,
            c,
            v: ch.to_vec(),
        })
        .collect()
}

/// A stack of matrices as an array of `dtype`.
fn stack(batch: &[usize], ms: &[Mat], r: usize, c: usize, dtype: DType) -> HostArray {
    let mut shape = batch.to_vec();
    shape.extend([r, c]);
    let v: Vec<C64> = ms.iter().flat_map(|m| m.v.iter().copied()).collect();
    HostArray::c128(shape, v).cast(dtype)
}

/// Random matrices: `kind` 0 general, 1 well-conditioned (diagonally
/// dominant), 2 symmetric/Hermitian positive definite, 3 symmetric/Hermitian.
fn random_mats(ctx: &mut Ctx<'_>, count: usize, n: usize, dtype: DType, kind: u8) -> Vec<Mat> {
    (0..count)
        .map(|_| {
            let m = gen::array(&mut ctx.rng, dtype, &[n, n], Dom::Uniform(-1.0, 1.0));
            let m = Mat {
                r: n,
                c: n,
                v: m.data.to_c64(),
            };
            match kind {
                1 => {
                    let mut a = m;
                    for i in 0..n {
                        a.v[i * n + i] += n as f64 + 1.0;
                    }
                    a
                }
                2 => {
                    let mut a = m.mul(&m.h());
                    for i in 0..n {
                        a.v[i * n + i] += n as f64;
                    }
                    a
                }
                3 => {
                    let h = m.h();
                    Mat {
                        r: n,
                        c: n,
                        v: m.v.iter().zip(&h.v).map(|(a, b)| (a + b) * 0.5).collect(),
                    }
                }
                _ => m,
            }
        })
        .collect()
}

/// Determinant by LU with partial pivoting.
fn det(m: &Mat) -> C64 {
    let n = m.r;
    let mut a = m.v.clone();
    let mut d = C64::new(1.0, 0.0);
    for k in 0..n {
        let p = (k..n)
            .max_by(|&i, &j| a[i * n + k].norm().total_cmp(&a[j * n + k].norm()))
            .unwrap_or(k);
        if a[p * n + k].norm() == 0.0 {
            return C64::new(0.0, 0.0);
        }
        if p != k {
            for j in 0..n {
                a.swap(p * n + j, k * n + j);
            }
            d = -d;
        }
        d *= a[k * n + k];
        for i in k + 1..n {
            let f = a[i * n + k] / a[k * n + k];
            for j in k..n {
                let t = a[k * n + j];
                a[i * n + j] -= f * t;
            }
        }
    }
    d
}

/// Eigenvalues of a real symmetric matrix (cyclic Jacobi), ascending.
fn jacobi_eigvals(mut a: Vec<f64>, n: usize) -> Vec<f64> {
    for _sweep in 0..100 {
        let off: f64 = (0..n * n)
            .filter(|k| k / n != k % n)
            .map(|k| a[k] * a[k])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    let mut w: Vec<f64> = (0..n).map(|i| a[i * n + i]).collect();
    w.sort_by(f64::total_cmp);
    w
}

/// Eigenvalues of a Hermitian matrix via its real symmetric embedding
/// `[[Re, -Im], [Im, Re]]`, whose spectrum is each eigenvalue twice.
fn eigvalsh(m: &Mat) -> Vec<f64> {
    let n = m.r;
    let mut a = vec![0.0; 4 * n * n];
    for i in 0..n {
        for j in 0..n {
            let z = m.at(i, j);
            a[i * 2 * n + j] = z.re;
            a[(i + n) * 2 * n + j + n] = z.re;
            a[i * 2 * n + j + n] = -z.im;
            a[(i + n) * 2 * n + j] = z.im;
        }
    }
    jacobi_eigvals(a, 2 * n).into_iter().step_by(2).collect()
}

fn fail(case: usize, what: &str, x: &HostArray, m: impl std::fmt::Display) -> Bad {
    Bad::Fail(format!("case {case}, x {}: {what}: {m}", desc(x)))
}

/// Random batch shape (0..=2 dims of 1..=3, sometimes an empty batch).
fn batch(ctx: &mut Ctx<'_>) -> Vec<usize> {
    let mut b = gen::shape_nonempty(&mut ctx.rng, 0, 2, 3);
    if !b.is_empty() && ctx.rng.random_range(0..8) == 0 {
        b[0] = 0;
    }
    b
}

/// Checks a result's dtype and shape before residuals are computed.
fn expect_meta(got: &HostArray, dtype: DType, shape: &[usize]) -> Result<(), String> {
    if got.dtype() != dtype || got.shape != shape {
        return Err(format!(
            "got {} where {dtype}{shape:?} was expected",
            desc(got)
        ));
    }
    Ok(())
}

fn residual_ok(r: f64, scale: f64, dtype: DType) -> bool {
    let tol = if dtype == F32 { 1e-4 } else { 1e-10 };
    r <= tol * scale.max(1.0)
}

fn cholesky(d: DType) -> Check {
    Check::new("linalg.cholesky", format!("residual[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let b = batch(ctx);
            let n = ctx.rng.random_range(1..=5usize);
            let upper = ctx.rng.random::<bool>();
            let ms = random_mats(ctx, numel(&b), n, d, 2);
            let x = stack(&b, &ms, n, n, d);
            let got = eval_with(ctx, "linalg.cholesky", &[&x], |h| {
                vec![h[0].clone(), RValue::Bool(upper)]
            })
            .map_err(|m| fail(case, "call", &x, m))?;
            expect_meta(&got, d, &x.shape).map_err(|m| fail(case, "result", &x, m))?;
            for (k, (l, a)) in mats(&got).iter().zip(&ms).enumerate() {
                let tri = (0..n * n).all(|f| {
                    let (i, j) = (f / n, f % n);
                    let zero_part = if upper { i > j } else { i < j };
                    !zero_part || l.v[f] == C64::new(0.0, 0.0)
                });
                if !tri {
                    return Err(fail(
                        case,
                        "factor",
                        &x,
                        format!(
                            "matrix {k} is not {} triangular (upper={upper})",
                            if upper { "upper" } else { "lower" }
                        ),
                    ));
                }
                let prod = if upper { l.h().mul(l) } else { l.mul(&l.h()) };
                let r = prod.sub(a).norm();
                if !residual_ok(r, a.norm(), d) {
                    return Err(fail(
                        case,
                        "residual",
                        &x,
                        format!("matrix {k}: |L L^H - A| = {r:e}, |A| = {:e}", a.norm()),
                    ));
                }
            }
        }
        Ok(())
    })
}

fn solve_inv(op: &'static str, d: DType) -> Check {
    Check::new(op, format!("residual[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let b = batch(ctx);
            let n = ctx.rng.random_range(1..=5usize);
            let ms = random_mats(ctx, numel(&b), n, d, 1);
            let a = stack(&b, &ms, n, n, d);
            if op == "linalg.inv" {
                let got = eval_with(ctx, op, &[&a], pass).map_err(|m| fail(case, "call", &a, m))?;
                expect_meta(&got, d, &a.shape).map_err(|m| fail(case, "result", &a, m))?;
                for (k, (xi, m)) in mats(&got).iter().zip(&ms).enumerate() {
                    let r = m.mul(xi).sub(&Mat::eye(n)).norm();
                    if !residual_ok(r, 1.0, d) {
                        return Err(fail(
                            case,
                            "residual",
                            &a,
                            format!("matrix {k}: |A inv(A) - I| = {r:e}"),
                        ));
                    }
                }
                continue;
            }
            let vector = b.is_empty() && ctx.rng.random::<bool>();
            let k = if vector {
                1
            } else {
                ctx.rng.random_range(1..=3usize)
            };
            let rhs_shape: Vec<usize> = if vector {
                vec![n]
            } else {
                let mut s = b.clone();
                s.extend([n, k]);
                s
            };
            let rhs = gen::array(&mut ctx.rng, d, &rhs_shape, Dom::Uniform(-1.0, 1.0));
            let got =
                eval_with(ctx, op, &[&a, &rhs], pass).map_err(|m| fail(case, "call", &a, m))?;
            expect_meta(&got, d, &rhs_shape).map_err(|m| fail(case, "result", &a, m))?;
            let got2 = HostArray::new(
                {
                    let mut s = b.clone();
                    s.extend([n, k]);
                    s
                },
                got.data.clone(),
            );
            let rhs2 = HostArray::new(got2.shape.clone(), rhs.data.clone());
            for (j, ((xm, bm), m)) in mats(&got2).iter().zip(mats(&rhs2)).zip(&ms).enumerate() {
                let r = m.mul(xm).sub(&bm).norm();
                if !residual_ok(r, bm.norm(), d) {
                    return Err(fail(
                        case,
                        "residual",
                        &a,
                        format!("system {j}: |A x - b| = {r:e}"),
                    ));
                }
            }
        }
        Ok(())
    })
}

fn eigh(d: DType) -> Check {
    Check::new("linalg.eigh", format!("residual[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let b = batch(ctx);
            let n = ctx.rng.random_range(1..=5usize);
            let ms = random_mats(ctx, numel(&b), n, d, 3);
            let x = stack(&b, &ms, n, n, d);
            let got = eval_many(ctx, "linalg.eigh", &[&x], pass)
                .map_err(|m| fail(case, "call", &x, m))?;
            let [w, v] = &got[..] else {
                return Err(fail(
                    case,
                    "result",
                    &x,
                    format!("{} arrays where 2 were expected", got.len()),
                ));
            };
            let mut wshape = b.clone();
            wshape.push(n);
            let wd = if d == C { F64 } else { d };
            expect_meta(w, wd, &wshape).map_err(|m| fail(case, "eigenvalues", &x, m))?;
            expect_meta(v, d, &x.shape).map_err(|m| fail(case, "eigenvectors", &x, m))?;
            let wv = w.data.to_f64().unwrap_or_default();
            for (k, (vm, a)) in mats(v).iter().zip(&ms).enumerate() {
                let wk = &wv[k * n..(k + 1) * n];
                if wk.windows(2).any(|p| p[0] > p[1]) {
                    return Err(fail(
                        case,
                        "eigenvalues",
                        &x,
                        format!("matrix {k}: {wk:?} are not ascending"),
                    ));
                }
                let dw = Mat {
                    r: n,
                    c: n,
                    v: (0..n * n)
                        .map(|f| {
                            if f / n == f % n {
                                C64::new(wk[f / n], 0.0)
                            } else {
                                C64::new(0.0, 0.0)
                            }
                        })
                        .collect(),
                };
                let r = a.mul(vm).sub(&vm.mul(&dw)).norm();
                let o = vm.h().mul(vm).sub(&Mat::eye(n)).norm();
                if !residual_ok(r, a.norm(), d) || !residual_ok(o, 1.0, d) {
                    return Err(fail(
                        case,
                        "residual",
                        &x,
                        format!("matrix {k}: |A V - V diag(w)| = {r:e}, |V^H V - I| = {o:e}"),
                    ));
                }
            }
        }
        Ok(())
    })
}

fn eigvalsh_det(op: &'static str, d: DType) -> Check {
    Check::new(op, format!("values[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let b = batch(ctx);
            let n = ctx
                .rng
                .random_range(if op == "linalg.det" { 0 } else { 1 }..=5usize);
            let ms = random_mats(ctx, numel(&b), n, d, if op == "linalg.det" { 0 } else { 3 });
            let x = stack(&b, &ms, n, n, d);
            let c = || format!("case {case}, x {}", desc(&x));
            let got = within(eval_with(ctx, op, &[&x], pass), c)?;
            let exp = if op == "linalg.det" {
                let v: Vec<C64> = ms.iter().map(det).collect();
                HostArray::c128(b.clone(), v).cast(d)
            } else {
                let v: Vec<f64> = ms.iter().flat_map(eigvalsh).collect();
                let mut s = b.clone();
                s.push(n);
                HostArray::f64(s, v).cast(if d == C { F64 } else { d })
            };
            let tol = if d == F32 {
                Tol {
                    rtol: 1e-4,
                    ..Tol::elementwise(F32)
                }
                .with_atol(1e-4)
            } else {
                Tol::elementwise(F64).with_atol(1e-10)
            };
            within(compare(&got, &exp, tol.scaled(1.0)), c)?;
        }
        Ok(())
    })
}

/// Naive matmul of stacks (1-d operands promoted and demoted as in the
/// standard), computed in complex and cast to `dtype`.
fn matmul_ref(a: &HostArray, b: &HostArray, dtype: DType) -> Option<HostArray> {
    let (a1, b1) = (a.ndim() == 1, b.ndim() == 1);
    let mut sa = a.shape.clone();
    if a1 {
        sa.insert(0, 1);
    }
    let mut sb = b.shape.clone();
    if b1 {
        sb.push(1);
    }
    let (na, nb) = (sa.len(), sb.len());
    let (m, k, k2, n) = (sa[na - 2], sa[na - 1], sb[nb - 2], sb[nb - 1]);
    if k != k2 {
        return None;
    }
    let batch = broadcast_shapes(&sa[..na - 2], &sb[..nb - 2])?;
    let ia = broadcast_index(&sa[..na - 2], &batch);
    let ib = broadcast_index(&sb[..nb - 2], &batch);
    let (av, bv) = (a.data.to_c64(), b.data.to_c64());
    let mut out = Vec::new();
    for t in 0..numel(&batch) {
        for i in 0..m {
            for j in 0..n {
                out.push(
                    (0..k)
                        .map(|l| av[ia[t] * m * k + i * k + l] * bv[ib[t] * k * n + l * n + j])
                        .sum::<C64>(),
                );
            }
        }
    }
    let mut shape = batch;
    if !a1 {
        shape.push(m);
    }
    if !b1 {
        shape.push(n);
    }
    Some(HostArray::c128(shape, out).cast(dtype))
}

fn matmul(d1: DType, d2: DType) -> Check {
    let name = if d1 == d2 {
        format!("values[{d1}]")
    } else {
        format!("promotion[{d1},{d2}]")
    };
    Check::new("matmul", name, move |ctx| {
        let out = DType::promote_standard(d1, d2).ok_or("suite bug")?;
        for case in 0..ctx.cases {
            let (m, k, n) = (
                ctx.rng.random_range(0..=4usize),
                ctx.rng.random_range(0..=4usize),
                ctx.rng.random_range(0..=4usize),
            );
            let kind = ctx.rng.random_range(0..4);
            let (sa, sb) = match kind {
                0 => (vec![k], vec![k, n]),
                1 => (vec![m, k], vec![k]),
                2 => (vec![k], vec![k]),
                _ => {
                    let base = gen::shape_nonempty(&mut ctx.rng, 0, 2, 3);
                    let (b1, b2) = gen::broadcastable(&mut ctx.rng, &base);
                    let mut sa = b1;
                    sa.extend([m, k]);
                    let mut sb = b2;
                    sb.extend([k, n]);
                    (sa, sb)
                }
            };
            let a = gen::array(&mut ctx.rng, d1, &sa, Dom::Grid(-4, 4));
            let b = gen::array(&mut ctx.rng, d2, &sb, Dom::Uniform(-2.0, 2.0));
            let Some(exp) = matmul_ref(&a, &b, out) else {
                continue;
            };
            let c = || format!("case {case}, x1 {}, x2 {}", desc(&a), desc(&b));
            let got = within(eval_with(ctx, "matmul", &[&a, &b], pass), c)?;
            within(
                compare(
                    &got,
                    &exp,
                    Tol::elementwise(out).with_atol(if out == F32 { 1e-4 } else { 1e-12 }),
                ),
                c,
            )?;
        }
        let a = gen::array(&mut ctx.rng, d1, &[2, 3], Dom::Grid(-4, 4));
        let b = gen::array(&mut ctx.rng, d2, &[4, 2], Dom::Grid(-4, 4));
        super::expect_err_with(
            ctx,
            "matmul",
            &[&a, &b],
            glass_backend_api::ErrorKind::Shape,
            pass,
        )?;
        Ok(())
    })
}

fn vecdot(d: DType) -> Check {
    Check::new("vecdot", format!("values[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let shape = gen::shape(&mut ctx.rng, 1, 3, 4);
            let n = shape.len();
            let a = ctx.rng.random_range(0..n);
            // x2: a suffix of x1's shape with some sizes set to one (but not the axis).
            let keep = ctx.rng.random_range(n - a..=n);
            let s2: Vec<usize> = (n - keep..n)
                .map(|i| {
                    if i != a && ctx.rng.random::<bool>() {
                        1
                    } else {
                        shape[i]
                    }
                })
                .collect();
            let x1 = gen::array(&mut ctx.rng, d, &shape, Dom::Uniform(-3.0, 3.0));
            let x2 = gen::array(&mut ctx.rng, d, &s2, Dom::Uniform(-3.0, 3.0));
            let full = broadcast_shapes(&shape, &s2).ok_or("suite bug")?;
            let (v1, v2) = (x1.data.to_c64(), x2.data.to_c64());
            let i1 = broadcast_index(&shape, &full);
            let i2 = broadcast_index(&s2, &full);
            let (out, gs) = super::reduction::groups(&full, &[a], false);
            let vals: Vec<C64> = gs
                .iter()
                .map(|g| g.iter().map(|&f| v1[i1[f]].conj() * v2[i2[f]]).sum())
                .collect();
            let exp = HostArray::c128(out, vals).cast(d);
            let axis = a as i64 - n as i64;
            let c = || {
                format!(
                    "case {case}, x1 {}, x2 {}, axis {axis}",
                    desc(&x1),
                    desc(&x2)
                )
            };
            let got = within(
                eval_with(ctx, "vecdot", &[&x1, &x2], |h| {
                    vec![h[0].clone(), h[1].clone(), RValue::Int(axis)]
                }),
                c,
            )?;
            within(
                compare(
                    &got,
                    &exp,
                    Tol::elementwise(d).with_atol(if d == F32 { 1e-4 } else { 1e-12 }),
                ),
                c,
            )?;
        }
        Ok(())
    })
}

fn tensordot(d: DType) -> Check {
    Check::new("tensordot", format!("values[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let k = ctx.rng.random_range(0..=2usize);
            let sa = gen::shape(&mut ctx.rng, 0, 2, 3);
            let sk = gen::shape(&mut ctx.rng, k, k, 3);
            let sb = gen::shape(&mut ctx.rng, 0, 2, 3);
            let x1 = gen::array(
                &mut ctx.rng,
                d,
                &[sa.clone(), sk.clone()].concat(),
                Dom::Grid(-3, 3),
            );
            let x2 = gen::array(
                &mut ctx.rng,
                d,
                &[sk.clone(), sb.clone()].concat(),
                Dom::Grid(-3, 3),
            );
            let a2 = HostArray::new(vec![numel(&sa), numel(&sk)], x1.data.clone());
            let b2 = HostArray::new(vec![numel(&sk), numel(&sb)], x2.data.clone());
            let e2 = matmul_ref(&a2, &b2, d).ok_or("suite bug")?;
            let exp = HostArray::new([sa.clone(), sb.clone()].concat(), e2.data);
            let c = || format!("case {case}, x1 {}, x2 {}, axes {k}", desc(&x1), desc(&x2));
            let got = within(
                eval_with(ctx, "tensordot", &[&x1, &x2], |h| {
                    vec![h[0].clone(), h[1].clone(), RValue::Int(k as i64)]
                }),
                c,
            )?;
            within(compare(&got, &exp, Tol::elementwise(d).with_atol(1e-12)), c)?;
        }
        Ok(())
    })
}

fn small_ops() -> Vec<Check> {
    let mut v = Vec::new();
    v.push(Check::new("linalg.diagonal", "values", |ctx| {
        for case in 0..ctx.cases {
            let d = [Bool, I, F32, F64, C][ctx.rng.random_range(0..5)];
            let shape = gen::shape(&mut ctx.rng, 2, 4, 4);
            let x = gen::array(&mut ctx.rng, d, &shape, Dom::Grid(-9, 9));
            let off = ctx.rng.random_range(-3..=3i64);
            let nd = shape.len();
            let (r, cl) = (shape[nd - 2] as i64, shape[nd - 1] as i64);
            let len = if off >= 0 {
                r.min(cl - off)
            } else {
                (r + off).min(cl)
            }
            .max(0) as usize;
            let mut out = shape[..nd - 2].to_vec();
            out.push(len);
            let exp = super::manipulation::remap(&x, &out, |o| {
                let mut i = o[..nd - 2].to_vec();
                let t = o[nd - 2] as i64;
                let (ri, ci) = if off >= 0 { (t, t + off) } else { (t - off, t) };
                i.extend([ri as usize, ci as usize]);
                i
            });
            let c = || format!("case {case}, x {}, offset {off}", desc(&x));
            let got = within(
                eval_with(ctx, "linalg.diagonal", &[&x], |h| {
                    vec![h[0].clone(), RValue::Int(off)]
                }),
                c,
            )?;
            within(compare(&got, &exp, Tol::EXACT), c)?;
        }
        Ok(())
    }));
    for d in [I, F32, F64, C] {
        v.push(Check::new(
            "linalg.outer",
            format!("values[{d}]"),
            move |ctx| {
                for case in 0..ctx.cases {
                    let (m, n) = (
                        ctx.rng.random_range(0..=5usize),
                        ctx.rng.random_range(0..=5usize),
                    );
                    let a = gen::array(&mut ctx.rng, d, &[m], Dom::Grid(-9, 9));
                    let b = gen::array(&mut ctx.rng, d, &[n], Dom::Grid(-9, 9));
                    let a2 = HostArray::new(vec![m, 1], a.data.clone());
                    let b2 = HostArray::new(vec![1, n], b.data.clone());
                    let exp = matmul_ref(&a2, &b2, d).ok_or("suite bug")?;
                    let c = || format!("case {case}, x1 {}, x2 {}", desc(&a), desc(&b));
                    let got = within(eval_with(ctx, "linalg.outer", &[&a, &b], pass), c)?;
                    within(compare(&got, &exp, Tol::EXACT), c)?;
                }
                Ok(())
            },
        ));
    }
    for d in [F32, F64, C] {
        v.push(vector_norm(d));
        v.push(matrix_norm(d));
    }
    v
}

fn vector_norm(d: DType) -> Check {
    Check::new("linalg.vector_norm", format!("values[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let shape = gen::shape_nonempty(&mut ctx.rng, 0, 3, 4);
            let x = gen::array(&mut ctx.rng, d, &shape, Dom::SignedMag(0.1, 5.0));
            let nd = shape.len();
            let keepdims = ctx.rng.random::<bool>();
            let (axes, arg) = if nd == 0 || ctx.rng.random::<bool>() {
                ((0..nd).collect::<Vec<_>>(), RValue::None)
            } else {
                let mut a = gen::subset(&mut ctx.rng, nd);
                if a.is_empty() {
                    a.push(nd - 1);
                }
                let arg: Vec<i64> = a
                    .iter()
                    .map(|&k| gen::axis_arg(&mut ctx.rng, k, nd))
                    .collect();
                (a, iints(&arg))
            };
            let ord = [2.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, 0.0, 3.0, -1.0]
                [ctx.rng.random_range(0..7)];
            let (out, gs) = super::reduction::groups(&shape, &axes, keepdims);
            let mags: Vec<f64> = x.data.to_c64().iter().map(|z| z.norm()).collect();
            let vals: Vec<f64> = gs
                .iter()
                .map(|g| {
                    let m = g.iter().map(|&i| mags[i]);
                    if ord == f64::INFINITY {
                        m.fold(0.0, f64::max)
                    } else if ord == f64::NEG_INFINITY {
                        m.fold(f64::INFINITY, f64::min)
                    } else if ord == 0.0 {
                        m.filter(|&v| v != 0.0).count() as f64
                    } else {
                        m.map(|v| v.powf(ord)).sum::<f64>().powf(1.0 / ord)
                    }
                })
                .collect();
            let exp = HostArray::f64(out, vals).cast(if d == C { F64 } else { d });
            let c = || {
                format!(
                    "case {case}, x {}, axis {arg:?}, keepdims {keepdims}, ord {ord}",
                    desc(&x)
                )
            };
            let got = within(
                eval_with(ctx, "linalg.vector_norm", &[&x], |h| {
                    vec![
                        h[0].clone(),
                        arg.clone(),
                        RValue::Bool(keepdims),
                        RValue::Float(ord),
                    ]
                }),
                c,
            )?;
            within(compare(&got, &exp, Tol::elementwise(exp.dtype())), c)?;
        }
        Ok(())
    })
}

fn matrix_norm(d: DType) -> Check {
    Check::new("linalg.matrix_norm", format!("values[{d}]"), move |ctx| {
        for case in 0..ctx.cases {
            let shape = gen::shape(&mut ctx.rng, 2, 4, 4);
            let x = gen::array(&mut ctx.rng, d, &shape, Dom::Uniform(-5.0, 5.0));
            let keepdims = ctx.rng.random::<bool>();
            let nd = shape.len();
            let (out, gs) = super::reduction::groups(&shape, &[nd - 2, nd - 1], keepdims);
            let v = x.data.to_c64();
            let vals: Vec<f64> = gs
                .iter()
                .map(|g| g.iter().map(|&i| v[i].norm_sqr()).sum::<f64>().sqrt())
                .collect();
            let exp = HostArray::f64(out, vals).cast(if d == C { F64 } else { d });
            let c = || format!("case {case}, x {}, keepdims {keepdims}", desc(&x));
            let got = within(
                eval_with(ctx, "linalg.matrix_norm", &[&x], |h| {
                    vec![
                        h[0].clone(),
                        RValue::Bool(keepdims),
                        RValue::Str("fro".into()),
                    ]
                }),
                c,
            )?;
            within(compare(&got, &exp, Tol::elementwise(exp.dtype())), c)?;
        }
        Ok(())
    })
}

fn bad_matrix(d: DType) -> Vec<HostArray> {
    vec![HostArray::new(
        vec![2, 2],
        Data::Bool(vec![true, false, false, true]).cast(d),
    )]
}

/// Every check of the linear algebra ops.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = Vec::new();
    for d in [I, F32, F64, C] {
        v.push(matmul(d, d));
        v.push(vecdot(d));
        v.push(tensordot(d));
    }
    v.push(matmul(F32, F64));
    v.push(matmul(F64, C));
    for d in [F64, C] {
        v.push(cholesky(d));
        v.push(solve_inv("linalg.solve", d));
        v.push(solve_inv("linalg.inv", d));
        v.push(eigh(d));
        v.push(eigvalsh_det("linalg.eigvalsh", d));
        v.push(eigvalsh_det("linalg.det", d));
    }
    v.push(cholesky(F32));
    v.push(solve_inv("linalg.solve", F32));
    v.push(eigvalsh_det("linalg.det", F32));
    v.extend(small_ops());
    for op in [
        "linalg.cholesky",
        "linalg.inv",
        "linalg.det",
        "linalg.eigh",
        "linalg.eigvalsh",
    ] {
        v.push(dtype_error_check(op, Bool, bad_matrix, pass));
    }
    v.push(dtype_error_check(
        "linalg.solve",
        Bool,
        |d| vec![bad_matrix(d)[0].clone(), bad_matrix(d)[0].clone()],
        pass,
    ));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let m = Mat {
            r: 2,
            c: 2,
            v: vec![
                C64::new(2.0, 0.0),
                C64::new(1.0, 0.0),
                C64::new(1.0, 0.0),
                C64::new(3.0, 0.0),
            ],
        };
        assert!((det(&m) - C64::new(5.0, 0.0)).norm() < 1e-14);
        let w = eigvalsh(&m);
        let s = 5f64.sqrt();
        assert!(
            (w[0] - (5.0 - s) / 2.0).abs() < 1e-12 && (w[1] - (5.0 + s) / 2.0).abs() < 1e-12,
            "{w:?}"
        );
        let h = Mat {
            r: 2,
            c: 2,
            v: vec![
                C64::new(1.0, 0.0),
                C64::new(0.0, -1.0),
                C64::new(0.0, 1.0),
                C64::new(1.0, 0.0),
            ],
        };
        let w = eigvalsh(&h);
        assert!((w[0]).abs() < 1e-12 && (w[1] - 2.0).abs() < 1e-12, "{w:?}");
        let a = HostArray::f64(vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]);
        let b = HostArray::f64(vec![2], vec![1.0, 1.0]);
        assert_eq!(
            matmul_ref(&a, &b, F64).unwrap(),
            HostArray::f64(vec![2], vec![3.0, 7.0])
        );
        assert_eq!(
            matmul_ref(&b, &b, F64).unwrap(),
            HostArray::f64(vec![], vec![2.0])
        );
    }
}
