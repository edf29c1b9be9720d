//! Linear algebra: `matmul`, `vecdot`, `tensordot` and the `linalg.*`
//! extension (cholesky, solve, inv, eigh, eigvalsh, det, diagonal, outer,
//! vector_norm, matrix_norm).
//!
//! Dense kernels are faer's, on rayon's global pool: one large product or
//! factorisation uses `Par::rayon(0)`; a stack of matrices runs one matrix
//! per rayon task with `Par::Seq` inside. Dtypes follow NumPy: matmul keeps
//! integer (and bool) dtypes, decompositions promote bool and int64 to
//! float64, and float32 is computed in float64 and cast back.

use std::borrow::Cow;

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Accum, MatMut, MatRef, Par, Side};
use glass_backend_api::{Args, BResult, BackendError, DType, Op, RValue, Value};
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};
use num_complex::Complex64;
use rayon::prelude::*;

use crate::manipulation::{standard, strict_axis, wrap};
use crate::util::{broadcast_shapes, cast, checked_size, convert, normalize_axes, typed, Elem};
use crate::{one, with_array, NdArray};

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::Matmul
            | Op::Vecdot
            | Op::Tensordot
            | Op::LinalgCholesky
            | Op::LinalgSolve
            | Op::LinalgInv
            | Op::LinalgEigh
            | Op::LinalgEigvalsh
            | Op::LinalgDet
            | Op::LinalgDiagonal
            | Op::LinalgOuter
            | Op::LinalgVectorNorm
            | Op::LinalgMatrixNorm
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    let name = args.op();
    let x = args.array(0)?.as_ref();
    match op {
        Op::Matmul => one(matmul(name, x, args.array(1)?.as_ref())?),
        Op::Vecdot => one(vecdot(
            name,
            x,
            args.array(1)?.as_ref(),
            args.int_or(2, -1)?,
        )?),
        Op::Tensordot => one(tensordot(
            name,
            x,
            args.array(1)?.as_ref(),
            args.int_or(2, 2)?,
        )?),
        Op::LinalgCholesky => one(cholesky(name, x, args.bool_or(1, false)?)?),
        Op::LinalgSolve => one(solve(name, x, args.array(1)?.as_ref())?),
        Op::LinalgInv => one(inv(name, x)?),
        Op::LinalgEigh => {
            let (w, v) = eigh(name, x)?;
            Ok(vec![Value::Array(w), Value::Array(v)])
        }
        Op::LinalgEigvalsh => one(eigvalsh(name, x)?),
        Op::LinalgDet => one(det(name, x)?),
        Op::LinalgDiagonal => one(diagonal(name, x, args.int_or(1, 0)?)?),
        Op::LinalgOuter => one(outer(name, x, args.array(1)?.as_ref())?),
        Op::LinalgVectorNorm => {
            let axes = args.opt_ints(1)?;
            one(vector_norm(
                name,
                x,
                axes.as_deref(),
                args.bool_or(2, false)?,
                args.float_or(3, 2.0)?,
            )?)
        }
        Op::LinalgMatrixNorm => {
            let ord = match args.raw(2) {
                None | Some(RValue::None) => MatrixOrd::Fro,
                Some(RValue::Str(s)) => MatrixOrd::parse_str(name, s.as_str())?,
                Some(_) => MatrixOrd::Number(args.float(2)?),
            };
            one(matrix_norm(name, x, args.bool_or(1, false)?, ord)?)
        }
        _ => Err(BackendError::unsupported(format!(
            "{op} is not a linear-algebra op"
        ))),
    }
}

/// Runs `$body` with `$T` bound to the [`Num`] type of a working dtype.
macro_rules! dispatch_num {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            DType::Float32 => {
                type $T = f32;
                $body
            }
            DType::Float64 => {
                type $T = f64;
                $body
            }
            DType::Complex128 => {
                type $T = Complex64;
                $body
            }
            _ => {
                type $T = i64;
                $body
            }
        }
    };
}

// --- element arithmetic ------------------------------------------------------------

/// The element types products are computed in (bool is computed as int64).
pub(crate) trait Num: Elem {
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn conj(self) -> Self;
}

impl Num for i64 {
    fn add(self, o: Self) -> Self {
        self.wrapping_add(o)
    }
    fn mul(self, o: Self) -> Self {
        self.wrapping_mul(o)
    }
    fn conj(self) -> Self {
        self
    }
}

macro_rules! num_float {
    ($t:ty) => {
        impl Num for $t {
            fn add(self, o: Self) -> Self {
                self + o
            }
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn conj(self) -> Self {
                self
            }
        }
    };
}
num_float!(f32);
num_float!(f64);

impl Num for Complex64 {
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn mul(self, o: Self) -> Self {
        self * o
    }
    fn conj(self) -> Self {
        Complex64::conj(&self)
    }
}

/// Runs a product `f(x1, x2) -> NdArray` in the promoted dtype of its
/// operands; bool is computed as int64 and turned back into bool (non-zero),
/// which is NumPy's logical-or-of-ands.
fn with_num_dtype(
    x1: &NdArray,
    x2: &NdArray,
    f: impl Fn(DType, &NdArray, &NdArray) -> BResult<NdArray>,
) -> BResult<NdArray> {
    let dt = DType::promote_lenient(x1.dtype(), x2.dtype());
    let work = if dt == DType::Bool { DType::Int64 } else { dt };
    let out = f(work, &convert(x1, work), &convert(x2, work))?;
    if dt == DType::Bool {
        Ok(convert(&out, DType::Bool).into_owned())
    } else {
        Ok(out)
    }
}

// --- matmul -------------------------------------------------------------------------

/// One `m x k` times `k x n` product of row-major blocks into `out`.
type Kernel<T> = fn(&[T], &[T], &mut [T], usize, usize, usize, bool);

/// Naive `i-p-j` product (for integers, whose products faer does not do).
fn naive_kernel<T: Num>(a: &[T], b: &[T], out: &mut [T], m: usize, k: usize, n: usize, _par: bool) {
    for i in 0..m {
        let row = &mut out[i * n..(i + 1) * n];
        row.fill(T::ZERO);
        for p in 0..k {
            let aip = a[i * k + p];
            for (o, &bv) in row.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                *o = o.add(aip.mul(bv));
            }
        }
    }
}

/// faer's product; parallel on rayon's pool when `par` and large enough.
fn faer_kernel<T: Num + faer::traits::ComplexField>(
    a: &[T],
    b: &[T],
    out: &mut [T],
    m: usize,
    k: usize,
    n: usize,
    par: bool,
) {
    let lhs = MatRef::from_row_major_slice(a, m, k);
    let rhs = MatRef::from_row_major_slice(b, k, n);
    let dst = MatMut::from_row_major_slice_mut(out, m, n);
    let par = if par && m.saturating_mul(n).saturating_mul(k) >= 1 << 18 {
        Par::rayon(0)
    } else {
        Par::Seq
    };
    faer::linalg::matmul::matmul(dst, Accum::Replace, lhs, rhs, T::ONE, par);
}

/// `matmul(x1, x2)` with NumPy's semantics: the last two axes are matrices
/// (`(.., m, k) @ (.., k, n) -> (.., m, n)`), leading axes broadcast, and a
/// 1-d operand is a row (x1) or column (x2) vector whose axis is removed
/// from the result.
pub fn matmul(op: &str, x1: &NdArray, x2: &NdArray) -> BResult<NdArray> {
    if x1.ndim() == 0 || x2.ndim() == 0 {
        return Err(BackendError::shape(format!(
            "{op}: operands must have at least one dimension, got shapes {:?} and {:?}",
            x1.shape(),
            x2.shape()
        )));
    }
    with_num_dtype(x1, x2, |dt, a, b| match dt {
        DType::Float32 => matmul_t::<f32>(op, a, b, faer_kernel::<f32>),
        DType::Float64 => matmul_t::<f64>(op, a, b, faer_kernel::<f64>),
        DType::Complex128 => matmul_t::<Complex64>(op, a, b, faer_kernel::<Complex64>),
        _ => matmul_t::<i64>(op, a, b, naive_kernel::<i64>),
    })
}

fn matmul_t<T: Num>(op: &str, x1: &NdArray, x2: &NdArray, kernel: Kernel<T>) -> BResult<NdArray> {
    let a = typed::<T>(x1);
    let b = typed::<T>(x2);
    let (a1, b1) = (a.ndim() == 1, b.ndim() == 1);
    let av = if a1 {
        a.view().insert_axis(Axis(0))
    } else {
        a.view()
    };
    let bv = if b1 {
        b.view().insert_axis(Axis(1))
    } else {
        b.view()
    };
    let (sa, sb) = (av.shape(), bv.shape());
    let (m, k) = (sa[sa.len() - 2], sa[sa.len() - 1]);
    let (k2, n) = (sb[sb.len() - 2], sb[sb.len() - 1]);
    if k != k2 {
        return Err(BackendError::shape(format!(
            "{op}: contracted axes differ: {:?} @ {:?} ({k} != {k2})",
            x1.shape(),
            x2.shape()
        )));
    }
    let batch = broadcast_shapes(op, &[&sa[..sa.len() - 2], &sb[..sb.len() - 2]])?;
    let nb: usize = batch.iter().product();
    let a_std = broadcast_std(op, &av, &batch, &[m, k])?;
    let b_std = broadcast_std(op, &bv, &batch, &[k, n])?;
    let mut out_shape = batch.clone();
    out_shape.extend([m, n]);
    let mut out = vec![T::ZERO; checked_size(op, &out_shape)?];
    if m * n > 0 && k > 0 {
        let (sa, sb) = (&a_std[..], &b_std[..]);
        if nb == 1 {
            kernel(sa, sb, &mut out, m, k, n, true);
        } else {
            out.par_chunks_mut(m * n).enumerate().for_each(|(i, o)| {
                kernel(
                    &sa[i * m * k..(i + 1) * m * k],
                    &sb[i * k * n..(i + 1) * k * n],
                    o,
                    m,
                    k,
                    n,
                    false,
                )
            });
        }
    }
    let mut shape = batch;
    if !a1 {
        shape.push(m);
    }
    if !b1 {
        shape.push(n);
    }
    let out = ArrayD::from_shape_vec(IxDyn(&shape), out)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
    Ok(wrap(out))
}

/// Row-major data of `v` broadcast to `batch + tail` (borrowed when `v`
/// already has that shape in C order).
fn broadcast_std<'v, T: Clone>(
    op: &str,
    v: &'v ArrayViewD<'_, T>,
    batch: &[usize],
    tail: &[usize],
) -> BResult<Cow<'v, [T]>> {
    let mut shape = batch.to_vec();
    shape.extend_from_slice(tail);
    let b = v.broadcast(IxDyn(&shape)).ok_or_else(|| {
        BackendError::shape(format!(
            "{op}: cannot broadcast {:?} to {shape:?}",
            v.shape()
        ))
    })?;
    Ok(match b.to_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(b.iter().cloned().collect()),
    })
}

// --- vecdot, tensordot, outer ------------------------------------------------------

/// `vecdot(x1, x2, axis)`: `sum(conj(x1) * x2)` along `axis` of the
/// broadcast operands (both must have that axis, of the same length).
pub fn vecdot(op: &str, x1: &NdArray, x2: &NdArray, axis: i64) -> BResult<NdArray> {
    let shape = broadcast_shapes(op, &[x1.shape(), x2.shape()])?;
    let ax = strict_axis(op, axis, shape.len())?;
    let from_end = shape.len() - ax;
    let len_of = |x: &NdArray| x.ndim().checked_sub(from_end).map(|i| x.shape()[i]);
    match (len_of(x1), len_of(x2)) {
        (Some(a), Some(b)) if a == b => {}
        _ => {
            return Err(BackendError::shape(format!(
                "{op}: x1 {:?} and x2 {:?} must have the same length along axis {axis}",
                x1.shape(),
                x2.shape()
            )))
        }
    }
    with_num_dtype(
        x1,
        x2,
        |dt, a, b| dispatch_num!(dt, T => vecdot_t::<T>(op, a, b, &shape, ax)),
    )
}

fn vecdot_t<T: Num>(
    op: &str,
    x1: &NdArray,
    x2: &NdArray,
    shape: &[usize],
    ax: usize,
) -> BResult<NdArray> {
    let a = typed::<T>(x1);
    let b = typed::<T>(x2);
    let last = |v: ArrayViewD<'_, T>| -> BResult<Vec<T>> {
        let mut perm: Vec<usize> = (0..shape.len()).filter(|&i| i != ax).collect();
        perm.push(ax);
        let bv = v.broadcast(IxDyn(shape)).ok_or_else(|| {
            BackendError::shape(format!(
                "{op}: cannot broadcast {:?} to {shape:?}",
                v.shape()
            ))
        })?;
        Ok(standard(bv.permuted_axes(IxDyn(&perm)))
            .into_iter()
            .collect())
    };
    let (da, db) = (last(a.view())?, last(b.view())?);
    let n = shape[ax];
    let mut out_shape = shape.to_vec();
    out_shape.remove(ax);
    let m: usize = out_shape.iter().product();
    let dot = |i: usize| {
        (0..n).fold(T::ZERO, |acc, j| {
            acc.add(da[i * n + j].conj().mul(db[i * n + j]))
        })
    };
    let out: Vec<T> = if m * n >= crate::util::PAR_THRESHOLD {
        (0..m).into_par_iter().map(dot).collect()
    } else {
        (0..m).map(dot).collect()
    };
    let out = ArrayD::from_shape_vec(IxDyn(&out_shape), out)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
    Ok(wrap(out))
}

/// `tensordot(x1, x2, axes)`: contracts the last `axes` axes of x1 with the
/// first `axes` axes of x2 (`x1.shape[:-axes] + x2.shape[axes:]`).
pub fn tensordot(op: &str, x1: &NdArray, x2: &NdArray, axes: i64) -> BResult<NdArray> {
    let k = usize::try_from(axes)
        .map_err(|_| BackendError::value(format!("{op}: axes must be >= 0, got {axes}")))?;
    if k > x1.ndim() || k > x2.ndim() {
        return Err(BackendError::shape(format!(
            "{op}: cannot contract {k} axes of shapes {:?} and {:?}",
            x1.shape(),
            x2.shape()
        )));
    }
    let (s1, s2) = (x1.shape(), x2.shape());
    let (lead, c1) = s1.split_at(s1.len() - k);
    let (c2, trail) = s2.split_at(k);
    if c1 != c2 {
        return Err(BackendError::shape(format!(
            "{op}: contracted axes {c1:?} of x1 {s1:?} and {c2:?} of x2 {s2:?} differ"
        )));
    }
    let kk: usize = c1.iter().product();
    let a =
        crate::manipulation::reshape(op, x1, &[lead.iter().product::<usize>() as i64, kk as i64])?;
    let b =
        crate::manipulation::reshape(op, x2, &[kk as i64, trail.iter().product::<usize>() as i64])?;
    let prod = matmul(op, &a, &b)?;
    let shape: Vec<i64> = lead.iter().chain(trail).map(|&n| n as i64).collect();
    crate::manipulation::reshape(op, &prod, &shape)
}

/// `linalg.outer(x1, x2)`: `out[i, j] = x1[i] * x2[j]` for 1-d operands.
pub fn outer(op: &str, x1: &NdArray, x2: &NdArray) -> BResult<NdArray> {
    if x1.ndim() != 1 || x2.ndim() != 1 {
        return Err(BackendError::shape(format!(
            "{op}: operands must be 1-d, got shapes {:?} and {:?}",
            x1.shape(),
            x2.shape()
        )));
    }
    let a = crate::manipulation::reshape(op, x1, &[-1, 1])?;
    let b = crate::manipulation::reshape(op, x2, &[1, -1])?;
    matmul(op, &a, &b)
}

// --- decompositions ----------------------------------------------------------------------

/// The element types of the decompositions: float64 and complex128.
trait Field: Num + faer::traits::ComplexField<Real = f64> {}
impl Field for f64 {}
impl Field for Complex64 {}

/// A stack of square matrices in the working dtype (float64 or
/// complex128), with the dtype real results are cast back to (float32 for
/// float32 input).
struct Stack {
    x: NdArray,
    batch: Vec<usize>,
    n: usize,
    back: Option<DType>,
}

fn square_stack(op: &str, x: &NdArray) -> BResult<Stack> {
    let s = x.shape();
    if s.len() < 2 || s[s.len() - 1] != s[s.len() - 2] {
        return Err(BackendError::shape(format!(
            "{op}: x must be a (stack of) square matrices, got shape {s:?}"
        )));
    }
    let (work, back) = match x.dtype() {
        DType::Complex128 => (DType::Complex128, None),
        DType::Float32 => (DType::Float64, Some(DType::Float32)),
        _ => (DType::Float64, None),
    };
    Ok(Stack {
        x: convert(x, work).into_owned(),
        batch: s[..s.len() - 2].to_vec(),
        n: s[s.len() - 1],
        back,
    })
}

impl Stack {
    /// Applies `f` to every matrix (one rayon task per matrix when there are
    /// several) and concatenates the results.
    fn map<T: Field, R: Send>(
        &self,
        f: impl Fn(MatRef<'_, T>) -> BResult<Vec<R>> + Sync,
    ) -> BResult<Vec<R>> {
        let a = typed::<T>(&self.x);
        let data = standard(a.view());
        let owned;
        let s: &[T] = match data.as_slice() {
            Some(s) => s,
            None => {
                owned = data.iter().copied().collect::<Vec<T>>();
                &owned
            }
        };
        let nn = self.n * self.n;
        let nb: usize = self.batch.iter().product();
        let one = |i: usize| {
            f(MatRef::from_row_major_slice(
                &s[i * nn..(i + 1) * nn],
                self.n,
                self.n,
            ))
        };
        let parts: Vec<Vec<R>> = if nb > 1 {
            (0..nb).into_par_iter().map(one).collect::<BResult<_>>()?
        } else {
            (0..nb).map(one).collect::<BResult<_>>()?
        };
        Ok(parts.into_iter().flatten().collect())
    }

    /// Wraps data of shape `batch + tail` and casts it back to float32 for
    /// float32 input.
    fn finish<T: Elem>(&self, op: &str, tail: &[usize], data: Vec<T>) -> BResult<NdArray> {
        let mut shape = self.batch.clone();
        shape.extend_from_slice(tail);
        let a = ArrayD::from_shape_vec(IxDyn(&shape), data)
            .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
        let out = wrap(a);
        match self.back {
            Some(d) => cast(&out, d),
            None => Ok(out),
        }
    }

    fn is_complex(&self) -> bool {
        self.x.dtype() == DType::Complex128
    }
}

/// Row-major elements of a faer matrix.
fn row_major<T: Copy>(m: MatRef<'_, T>) -> Vec<T> {
    (0..m.nrows())
        .flat_map(|i| (0..m.ncols()).map(move |j| m[(i, j)]))
        .collect()
}

/// `linalg.cholesky(x, upper)`: the lower factor `L` with `L L^H = x`
/// (read from the lower triangle), or `U = L^H` when `upper`. A matrix that
/// is not positive definite is a Value error.
pub fn cholesky(op: &str, x: &NdArray, upper: bool) -> BResult<NdArray> {
    let st = square_stack(op, x)?;
    if st.is_complex() {
        cholesky_t::<Complex64>(op, &st, upper)
    } else {
        cholesky_t::<f64>(op, &st, upper)
    }
}

fn cholesky_t<T: Field>(op: &str, st: &Stack, upper: bool) -> BResult<NdArray> {
    let data = st.map::<T, T>(|m| {
        let llt = m
            .llt(Side::Lower)
            .map_err(|_| BackendError::value(format!("{op}: matrix is not positive definite")))?;
        let l = llt.L();
        Ok(if upper {
            let n = l.nrows();
            (0..n)
                .flat_map(|i| (0..n).map(move |j| Num::conj(l[(j, i)])))
                .collect()
        } else {
            row_major(l)
        })
    })?;
    st.finish(op, &[st.n, st.n], data)
}

/// Whether an LU factor has an exactly zero pivot (LAPACK's test for a
/// singular matrix).
fn singular<T: Field>(u: MatRef<'_, T>) -> bool {
    (0..u.nrows()).any(|i| u[(i, i)] == T::ZERO)
}

/// `linalg.inv(x)`: the inverse of each matrix; singular is a Value error.
pub fn inv(op: &str, x: &NdArray) -> BResult<NdArray> {
    let st = square_stack(op, x)?;
    if st.is_complex() {
        inv_t::<Complex64>(op, &st)
    } else {
        inv_t::<f64>(op, &st)
    }
}

fn inv_t<T: Field>(op: &str, st: &Stack) -> BResult<NdArray> {
    let data = st.map::<T, T>(|m| {
        let lu = m.partial_piv_lu();
        if singular(lu.U()) {
            return Err(BackendError::value(format!("{op}: matrix is singular")));
        }
        Ok(row_major(lu.inverse().as_ref()))
    })?;
    st.finish(op, &[st.n, st.n], data)
}

/// `linalg.solve(x1, x2)`: `X` with `x1 @ X = x2`. x2 is a vector when it
/// is 1-d (result `batch + (n,)`), else a stack of `(n, k)` matrices whose
/// batch axes broadcast against x1's. A singular x1 is a Value error.
pub fn solve(op: &str, x1: &NdArray, x2: &NdArray) -> BResult<NdArray> {
    let dt = DType::promote_lenient(x1.dtype(), x2.dtype());
    let a = convert(x1, dt);
    let st = square_stack(op, &a)?;
    let n = st.n;
    let vector = x2.ndim() == 1;
    let (rhs_batch, k) = match x2.shape() {
        [m] if *m == n => (vec![], 1),
        [b @ .., m, k] if *m == n => (b.to_vec(), *k),
        s => {
            return Err(BackendError::shape(format!(
                "{op}: x2 of shape {s:?} does not match x1 of shape {:?}",
                x1.shape()
            )))
        }
    };
    let batch = broadcast_shapes(op, &[&st.batch, &rhs_batch])?;
    let mut full = batch.clone();
    full.extend([n, n]);
    let lhs = square_stack(op, &crate::manipulation::broadcast_to(op, &st.x, &full)?)?;
    let b = convert(x2, st.x.dtype());
    let b = if vector {
        crate::manipulation::reshape(op, &b, &[n as i64, 1])?
    } else {
        b.into_owned()
    };
    full.truncate(batch.len());
    full.extend([n, k]);
    let rhs = crate::manipulation::broadcast_to(op, &b, &full)?;
    let out = if st.is_complex() {
        solve_t::<Complex64>(op, &lhs, &rhs, k)?
    } else {
        solve_t::<f64>(op, &lhs, &rhs, k)?
    };
    let out = match st.back {
        Some(d) => cast(&out, d)?,
        None => out,
    };
    if vector {
        let mut shape: Vec<i64> = batch.iter().map(|&v| v as i64).collect();
        shape.push(n as i64);
        crate::manipulation::reshape(op, &out, &shape)
    } else {
        Ok(out)
    }
}

fn solve_t<T: Field>(op: &str, lhs: &Stack, rhs: &NdArray, k: usize) -> BResult<NdArray> {
    let n = lhs.n;
    let a: Vec<T> = standard(typed::<T>(&lhs.x).view()).into_iter().collect();
    let b: Vec<T> = standard(typed::<T>(rhs).view()).into_iter().collect();
    let nb: usize = lhs.batch.iter().product();
    let one = |i: usize| -> BResult<Vec<T>> {
        let m = MatRef::from_row_major_slice(&a[i * n * n..(i + 1) * n * n], n, n);
        let r = MatRef::from_row_major_slice(&b[i * n * k..(i + 1) * n * k], n, k);
        let lu = m.partial_piv_lu();
        if singular(lu.U()) {
            return Err(BackendError::value(format!("{op}: matrix is singular")));
        }
        Ok(row_major(lu.solve(r).as_ref()))
    };
    let parts: Vec<Vec<T>> = if nb > 1 {
        (0..nb).into_par_iter().map(one).collect::<BResult<_>>()?
    } else {
        (0..nb).map(one).collect::<BResult<_>>()?
    };
    let mut shape = lhs.batch.clone();
    shape.extend([n, k]);
    let data: Vec<T> = parts.into_iter().flatten().collect();
    let out = ArrayD::from_shape_vec(IxDyn(&shape), data)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
    Ok(wrap(out))
}

/// `linalg.det(x)`: the determinant of each matrix (1 for 0x0).
pub fn det(op: &str, x: &NdArray) -> BResult<NdArray> {
    let st = square_stack(op, x)?;
    if st.is_complex() {
        det_t::<Complex64>(op, &st)
    } else {
        det_t::<f64>(op, &st)
    }
}

fn det_t<T: Field>(op: &str, st: &Stack) -> BResult<NdArray> {
    let data = st.map::<T, T>(|m| {
        Ok(vec![if m.nrows() == 0 {
            T::ONE
        } else {
            m.determinant()
        }])
    })?;
    st.finish(op, &[], data)
}

/// `linalg.eigh(x)`: eigenvalues (ascending, real) and eigenvectors (as
/// columns) of each symmetric/Hermitian matrix, read from its lower triangle.
pub fn eigh(op: &str, x: &NdArray) -> BResult<(NdArray, NdArray)> {
    let st = square_stack(op, x)?;
    if st.is_complex() {
        eigh_t::<Complex64>(op, &st)
    } else {
        eigh_t::<f64>(op, &st)
    }
}

fn eigh_t<T: Field>(op: &str, st: &Stack) -> BResult<(NdArray, NdArray)> {
    let n = st.n;
    let data = st.map::<T, (Vec<f64>, Vec<T>)>(|m| {
        if n == 0 {
            return Ok(vec![(vec![], vec![])]);
        }
        let evd = m.self_adjoint_eigen(Side::Lower).map_err(|_| {
            BackendError::value(format!("{op}: eigenvalue iteration did not converge"))
        })?;
        let s = evd.S().column_vector();
        let w = (0..n).map(|i| s[i].to_f64()).collect();
        Ok(vec![(w, row_major(evd.U()))])
    })?;
    let (w, v): (Vec<Vec<f64>>, Vec<Vec<T>>) = data.into_iter().unzip();
    let w = st.finish(op, &[n], w.into_iter().flatten().collect())?;
    let v = st.finish(op, &[n, n], v.into_iter().flatten().collect())?;
    Ok((w, v))
}

/// `linalg.eigvalsh(x)`: the eigenvalues of [`eigh`], ascending.
pub fn eigvalsh(op: &str, x: &NdArray) -> BResult<NdArray> {
    let st = square_stack(op, x)?;
    let data = if st.is_complex() {
        eigvalsh_t::<Complex64>(op, &st)?
    } else {
        eigvalsh_t::<f64>(op, &st)?
    };
    st.finish(op, &[st.n], data)
}

fn eigvalsh_t<T: Field>(op: &str, st: &Stack) -> BResult<Vec<f64>> {
    st.map::<T, f64>(|m| {
        if m.nrows() == 0 {
            return Ok(vec![]);
        }
        m.self_adjoint_eigenvalues(Side::Lower).map_err(|_| {
            BackendError::value(format!("{op}: eigenvalue iteration did not converge"))
        })
    })
}

// --- diagonal and norms -----------------------------------------------------------------

/// `linalg.diagonal(x, offset)`: `out[.., i] = x[.., i, i + offset]` over
/// the last two axes (below the main diagonal for negative offsets).
pub fn diagonal(op: &str, x: &NdArray, offset: i64) -> BResult<NdArray> {
    let s = x.shape();
    if s.len() < 2 {
        return Err(BackendError::shape(format!(
            "{op}: x must have at least 2 dimensions, got shape {s:?}"
        )));
    }
    let (m, n) = (s[s.len() - 2] as i64, s[s.len() - 1] as i64);
    let (r0, c0) = if offset >= 0 {
        (0, offset)
    } else {
        (-offset, 0)
    };
    let len = (m - r0).min(n - c0).max(0) as usize;
    let nd = s.len();
    with_array!(x, a => {
        let mut lanes = Vec::with_capacity(len);
        for i in 0..len {
            let v = a
                .index_axis(Axis(nd - 1), (c0 as usize) + i)
                .index_axis_move(Axis(nd - 2), (r0 as usize) + i);
            lanes.push(v.insert_axis(Axis(nd - 2)));
        }
        let out = if lanes.is_empty() {
            let mut shape = s[..nd - 2].to_vec();
            shape.push(0);
            ArrayD::from_shape_vec(IxDyn(&shape), vec![])
                .map_err(|e| BackendError::internal(format!("{op}: {e}")))?
        } else {
            ndarray::concatenate(Axis(nd - 2), &lanes).map_err(|e| BackendError::internal(format!("{op}: {e}")))?
        };
        Ok(wrap(standard(out.view())))
    })
}

/// `|x|` as float64 (the modulus for complex).
fn abs_f64(x: &NdArray) -> ArrayD<f64> {
    match x {
        NdArray::Complex128(a) => a.mapv(|c| c.norm()),
        _ => with_array!(x, a => a.mapv(|v| v.to_f64().abs())),
    }
}

/// The real dtype of a norm: float32 for float32, float64 otherwise.
fn norm_dtype(x: &NdArray) -> DType {
    if x.dtype() == DType::Float32 {
        DType::Float32
    } else {
        DType::Float64
    }
}

/// The vector `ord`-norm of non-negative values: max (inf), min (-inf),
/// number of non-zeros (0), or `(sum v^p)^(1/p)`.
fn pnorm(op: &str, v: &[f64], ord: f64) -> BResult<f64> {
    if ord.is_infinite() && v.is_empty() {
        return Err(BackendError::value(format!(
            "{op}: ord {ord} of an empty vector is undefined"
        )));
    }
    let nan = v.iter().any(|x| x.is_nan());
    Ok(if ord == f64::INFINITY {
        if nan {
            f64::NAN
        } else {
            v.iter().copied().fold(0.0, f64::max)
        }
    } else if ord == f64::NEG_INFINITY {
        if nan {
            f64::NAN
        } else {
            v.iter().copied().fold(f64::INFINITY, f64::min)
        }
    } else if ord == 0.0 {
        v.iter().filter(|&&x| x != 0.0).count() as f64
    } else if ord == 1.0 {
        v.iter().sum()
    } else if ord == 2.0 {
        v.iter().map(|x| x * x).sum::<f64>().sqrt()
    } else {
        v.iter().map(|x| x.powf(ord)).sum::<f64>().powf(1.0 / ord)
    })
}

/// Reduces `values` over `axes` with `f` on each contiguous group of
/// reduced elements; the kept axes keep their order (length one with
/// `keepdims`).
fn reduce_axes(
    op: &str,
    values: &ArrayD<f64>,
    axes: &[usize],
    keepdims: bool,
    f: impl Fn(&[f64]) -> BResult<f64> + Sync,
) -> BResult<ArrayD<f64>> {
    let nd = values.ndim();
    let kept: Vec<usize> = (0..nd).filter(|i| !axes.contains(i)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let data: Vec<f64> = standard(values.view().permuted_axes(IxDyn(&perm)))
        .into_iter()
        .collect();
    let r: usize = axes.iter().map(|&a| values.shape()[a]).product();
    let m: usize = kept.iter().map(|&a| values.shape()[a]).product();
    let row = |i: usize| f(&data[i * r..(i + 1) * r]);
    let out: Vec<f64> = if data.len() >= crate::util::PAR_THRESHOLD {
        (0..m).into_par_iter().map(row).collect::<BResult<_>>()?
    } else {
        (0..m).map(row).collect::<BResult<_>>()?
    };
    let shape: Vec<usize> = if keepdims {
        (0..nd)
            .map(|i| {
                if axes.contains(&i) {
                    1
                } else {
                    values.shape()[i]
                }
            })
            .collect()
    } else {
        kept.iter().map(|&a| values.shape()[a]).collect()
    };
    ArrayD::from_shape_vec(IxDyn(&shape), out)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

/// `linalg.vector_norm(x, axis, keepdims, ord)` over the given axes (all
/// when None): see [`pnorm`] for `ord`.
pub fn vector_norm(
    op: &str,
    x: &NdArray,
    axes: Option<&[i64]>,
    keepdims: bool,
    ord: f64,
) -> BResult<NdArray> {
    if ord.is_nan() {
        return Err(BackendError::value(format!("{op}: ord must not be NaN")));
    }
    let axes = normalize_axes(op, axes, x.ndim())?;
    let out = reduce_axes(op, &abs_f64(x), &axes, keepdims, |v| pnorm(op, v, ord))?;
    cast(&NdArray::Float64(out), norm_dtype(x))
}

/// The `ord` of `matrix_norm`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MatrixOrd {
    /// Frobenius: `sqrt(sum |x|^2)`.
    Fro,
    /// Nuclear: the sum of the singular values.
    Nuc,
    /// 1, -1 (max/min column sum), inf, -inf (max/min row sum), 2, -2
    /// (largest/smallest singular value).
    Number(f64),
}

impl MatrixOrd {
    fn parse_str(op: &str, s: &str) -> BResult<Self> {
        match s {
            "fro" => Ok(MatrixOrd::Fro),
            "nuc" => Ok(MatrixOrd::Nuc),
            _ => Err(BackendError::value(format!(
                "{op}: unknown ord {s:?} (\"fro\", \"nuc\" or a number)"
            ))),
        }
    }
}

/// `linalg.matrix_norm(x, keepdims, ord)` over the last two axes.
pub fn matrix_norm(op: &str, x: &NdArray, keepdims: bool, ord: MatrixOrd) -> BResult<NdArray> {
    let s = x.shape();
    if s.len() < 2 {
        return Err(BackendError::shape(format!(
            "{op}: x must have at least 2 dimensions, got shape {s:?}"
        )));
    }
    let nd = s.len();
    let (rows, cols) = (s[nd - 2], s[nd - 1]);
    let out = match ord {
        MatrixOrd::Fro => reduce_axes(op, &abs_f64(x), &[nd - 2, nd - 1], keepdims, |v| {
            pnorm(op, v, 2.0)
        })?,
        MatrixOrd::Number(p) if p.abs() == 1.0 || p.is_infinite() => {
            // Sums along one axis, then max/min over the other.
            let (sum_axis, pick_axis) = if p.abs() == 1.0 {
                (nd - 2, nd - 1)
            } else {
                (nd - 1, nd - 2)
            };
            let sums = reduce_axes(op, &abs_f64(x), &[sum_axis], true, |v| Ok(v.iter().sum()))?;
            let pick = if p > 0.0 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            };
            reduce_axes(op, &sums, &[sum_axis, pick_axis], keepdims, |v| {
                pnorm(op, v, pick)
            })?
        }
        MatrixOrd::Nuc | MatrixOrd::Number(_) => {
            let which = match ord {
                MatrixOrd::Number(p) if p == 2.0 || p == -2.0 => p,
                MatrixOrd::Nuc => 0.0,
                _ => {
                    return Err(BackendError::value(format!(
                        "{op}: unsupported ord {ord:?}"
                    )))
                }
            };
            singular_value_norm(op, x, rows, cols, keepdims, which)?
        }
    };
    cast(&NdArray::Float64(out), norm_dtype(x))
}

/// Norms from singular values: the sum (`which == 0`), the largest (2) or
/// the smallest (-2).
fn singular_value_norm(
    op: &str,
    x: &NdArray,
    rows: usize,
    cols: usize,
    keepdims: bool,
    which: f64,
) -> BResult<ArrayD<f64>> {
    let nd = x.ndim();
    let batch = x.shape()[..nd - 2].to_vec();
    let work = if x.dtype() == DType::Complex128 {
        DType::Complex128
    } else {
        DType::Float64
    };
    let xw = convert(x, work);
    let per = |sv: Vec<f64>| -> BResult<f64> {
        if which == 0.0 {
            Ok(sv.iter().sum())
        } else {
            pnorm(
                op,
                &sv,
                if which > 0.0 {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                },
            )
        }
    };
    fn svals<T: Field>(op: &str, x: &NdArray, rows: usize, cols: usize) -> BResult<Vec<Vec<f64>>> {
        let a = standard(typed::<T>(x).view());
        let s: Vec<T> = a.iter().copied().collect();
        let rc = rows * cols;
        let nb = s.len() / rc;
        (0..nb)
            .map(|i| {
                let m = MatRef::from_row_major_slice(&s[i * rc..(i + 1) * rc], rows, cols);
                m.singular_values().map_err(|_| {
                    BackendError::value(format!("{op}: singular value iteration did not converge"))
                })
            })
            .collect()
    }
    let nb: usize = batch.iter().product();
    let svs = if rows * cols == 0 {
        vec![vec![]; nb]
    } else if work == DType::Complex128 {
        svals::<Complex64>(op, &xw, rows, cols)?
    } else {
        svals::<f64>(op, &xw, rows, cols)?
    };
    let out: Vec<f64> = svs.into_iter().map(per).collect::<BResult<_>>()?;
    let mut shape = batch;
    if keepdims {
        shape.extend([1, 1]);
    }
    ArrayD::from_shape_vec(IxDyn(&shape), out)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{call_direct, single, Arg};
    use glass_backend_api::ErrorKind;

    fn f64s(shape: &[usize], v: Vec<f64>) -> NdArray {
        NdArray::Float64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn i64s(shape: &[usize], v: Vec<i64>) -> NdArray {
        NdArray::Int64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn fv(x: &NdArray) -> Vec<f64> {
        let NdArray::Float64(a) = x else {
            panic!("not float64: {:?}", x.dtype())
        };
        a.iter().copied().collect()
    }
    fn cv(x: &NdArray) -> Vec<Complex64> {
        let NdArray::Complex128(a) = x else {
            panic!("not complex128")
        };
        a.iter().copied().collect()
    }
    fn run(op: Op, args: &[Arg<'_>]) -> BResult<NdArray> {
        single(call_direct(op, args))
    }
    /// Deterministic pseudo-random values in [-1, 1).
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    }
    fn naive_matmul(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    out[i * n + j] += a[i * k + p] * b[p * n + j];
                }
            }
        }
        out
    }
    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{x} vs {y}");
        }
    }
    /// A symmetric positive-definite n x n matrix: B B^T + n I.
    fn spd(n: usize, seed: u64) -> Vec<f64> {
        let b = noise(n * n, seed);
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..n).map(|p| b[i * n + p] * b[j * n + p]).sum::<f64>()
                    + if i == j { n as f64 } else { 0.0 };
            }
        }
        a
    }

    #[test]
    fn matmul_matches_naive() {
        for (m, k, n) in [(1, 1, 1), (3, 4, 5), (70, 65, 90), (0, 3, 2), (2, 0, 3)] {
            let a = noise(m * k, 1);
            let b = noise(k * n, 2);
            let got = run(
                Op::Matmul,
                &[
                    (&f64s(&[m, k], a.clone())).into(),
                    (&f64s(&[k, n], b.clone())).into(),
                ],
            )
            .unwrap();
            assert_eq!(got.shape(), &[m, n]);
            close(&fv(&got), &naive_matmul(&a, &b, m, k, n), 1e-12);
        }
        // Large enough for faer's parallel path.
        let (m, k, n) = (130, 70, 120);
        let (a, b) = (noise(m * k, 3), noise(k * n, 4));
        let got = run(
            Op::Matmul,
            &[
                (&f64s(&[m, k], a.clone())).into(),
                (&f64s(&[k, n], b.clone())).into(),
            ],
        )
        .unwrap();
        close(&fv(&got), &naive_matmul(&a, &b, m, k, n), 1e-12);
    }

    #[test]
    fn matmul_vectors_batches_and_dtypes() {
        let a = f64s(&[2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let v = f64s(&[3], vec![1.0, 0.0, -1.0]);
        assert_eq!(
            run(Op::Matmul, &[(&a).into(), (&v).into()]).unwrap(),
            f64s(&[2], vec![-2.0, -2.0])
        );
        let w = f64s(&[2], vec![1.0, 1.0]);
        assert_eq!(
            run(Op::Matmul, &[(&w).into(), (&a).into()]).unwrap(),
            f64s(&[3], vec![5.0, 7.0, 9.0])
        );
        assert_eq!(
            run(Op::Matmul, &[(&v).into(), (&v).into()]).unwrap(),
            f64s(&[], vec![2.0])
        );
        // Batch (2, 1) x (3,) broadcasts to (2, 3) stacks.
        let (m, k, n) = (2, 3, 2);
        let x1 = noise(2 * m * k, 5);
        let x2 = noise(3 * k * n, 6);
        let got = run(
            Op::Matmul,
            &[
                (&f64s(&[2, 1, m, k], x1.clone())).into(),
                (&f64s(&[3, k, n], x2.clone())).into(),
            ],
        )
        .unwrap();
        assert_eq!(got.shape(), &[2, 3, m, n]);
        let g = fv(&got);
        for i in 0..2 {
            for j in 0..3 {
                let want = naive_matmul(
                    &x1[i * m * k..(i + 1) * m * k],
                    &x2[j * k * n..(j + 1) * k * n],
                    m,
                    k,
                    n,
                );
                close(
                    &g[(i * 3 + j) * m * n..(i * 3 + j + 1) * m * n],
                    &want,
                    1e-12,
                );
            }
        }
        // int64 stays int64; int with float promotes.
        let ai = i64s(&[2, 2], vec![1, 2, 3, 4]);
        assert_eq!(
            run(Op::Matmul, &[(&ai).into(), (&ai).into()]).unwrap(),
            i64s(&[2, 2], vec![7, 10, 15, 22])
        );
        let af = f64s(&[2], vec![0.5, 0.5]);
        assert_eq!(
            run(Op::Matmul, &[(&ai).into(), (&af).into()]).unwrap(),
            f64s(&[2], vec![1.5, 3.5])
        );
        // Complex.
        let c = NdArray::Complex128(
            ArrayD::from_shape_vec(
                IxDyn(&[2]),
                vec![Complex64::new(0.0, 1.0), Complex64::new(1.0, 0.0)],
            )
            .unwrap(),
        );
        assert_eq!(
            cv(&run(Op::Matmul, &[(&c).into(), (&c).into()]).unwrap()),
            vec![Complex64::new(0.0, 0.0)]
        );
        // Errors.
        let e = run(Op::Matmul, &[(&a).into(), (&a).into()]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        let s = f64s(&[], vec![1.0]);
        assert_eq!(
            run(Op::Matmul, &[(&s).into(), (&a).into()])
                .unwrap_err()
                .kind,
            ErrorKind::Shape
        );
    }

    #[test]
    fn vecdot_tensordot_outer() {
        let c = NdArray::Complex128(
            ArrayD::from_shape_vec(
                IxDyn(&[2]),
                vec![Complex64::new(0.0, 1.0), Complex64::new(2.0, 0.0)],
            )
            .unwrap(),
        );
        // conj(i) * i + 2 * 2 = 1 + 4.
        assert_eq!(
            cv(&run(Op::Vecdot, &[(&c).into(), (&c).into()]).unwrap()),
            vec![Complex64::new(5.0, 0.0)]
        );
        let a = f64s(&[2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = f64s(&[3], vec![1.0, 1.0, 1.0]);
        assert_eq!(
            run(Op::Vecdot, &[(&a).into(), (&b).into()]).unwrap(),
            f64s(&[2], vec![6.0, 15.0])
        );
        let axis0 = || Arg::Value(glass_backend_api::RValue::Int(0));
        let b0 = f64s(&[2, 1], vec![1.0, 2.0]);
        let d = run(Op::Vecdot, &[(&a).into(), (&b0).into(), axis0()]).unwrap();
        assert_eq!(d, f64s(&[3], vec![9.0, 12.0, 15.0]));
        // b's only axis (length 3) cannot pair with a's axis 0 (length 2).
        let e = run(Op::Vecdot, &[(&a).into(), (&b).into(), axis0()]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        let b2 = f64s(&[2], vec![1.0, 2.0]);
        let a3 = run(Op::MatrixTranspose, &[(&a).into()]).unwrap();
        assert_eq!(
            run(Op::Vecdot, &[(&a3).into(), (&b2).into()]).unwrap(),
            f64s(&[3], vec![9.0, 12.0, 15.0])
        );
        // tensordot with axes = 1 is matmul; axes = 2 is a full contraction.
        let t = run(
            Op::Tensordot,
            &[
                (&a).into(),
                (&b).into(),
                Arg::Value(glass_backend_api::RValue::Int(1)),
            ],
        )
        .unwrap();
        assert_eq!(t, f64s(&[2], vec![6.0, 15.0]));
        let t = run(
            Op::Tensordot,
            &[
                (&a).into(),
                (&a).into(),
                Arg::Value(glass_backend_api::RValue::Int(2)),
            ],
        )
        .unwrap();
        assert_eq!(t, f64s(&[], vec![91.0]));
        let t = run(
            Op::Tensordot,
            &[
                (&b2).into(),
                (&b).into(),
                Arg::Value(glass_backend_api::RValue::Int(0)),
            ],
        )
        .unwrap();
        assert_eq!(t.shape(), &[2, 3]);
        let o = run(Op::LinalgOuter, &[(&b2).into(), (&b).into()]).unwrap();
        assert_eq!(o, f64s(&[2, 3], vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0]));
        assert_eq!(
            run(Op::LinalgOuter, &[(&a).into(), (&b).into()])
                .unwrap_err()
                .kind,
            ErrorKind::Shape
        );
    }

    #[test]
    fn cholesky_solve_inv_det() {
        let n = 6;
        let a = spd(n, 7);
        let x = f64s(&[n, n], a.clone());
        let l = fv(&run(Op::LinalgCholesky, &[(&x).into()]).unwrap());
        for i in 0..n {
            for j in i + 1..n {
                assert_eq!(l[i * n + j], 0.0, "L must be lower triangular");
            }
        }
        let mut lt = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                lt[i * n + j] = l[j * n + i];
            }
        }
        close(&naive_matmul(&l, &lt, n, n, n), &a, 1e-12);
        let u = fv(&run(
            Op::LinalgCholesky,
            &[
                (&x).into(),
                Arg::Value(glass_backend_api::RValue::Bool(true)),
            ],
        )
        .unwrap());
        close(&u, &lt, 1e-15);
        let not_pd = f64s(&[2, 2], vec![1.0, 2.0, 2.0, 1.0]);
        let e = run(Op::LinalgCholesky, &[(&not_pd).into()]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("not positive definite"));

        // solve: residual A X - B.
        let b = noise(n * 2, 8);
        let xs = fv(&run(
            Op::LinalgSolve,
            &[(&x).into(), (&f64s(&[n, 2], b.clone())).into()],
        )
        .unwrap());
        close(&naive_matmul(&a, &xs, n, n, 2), &b, 1e-12);
        let bv: Vec<f64> = b[..n].to_vec();
        let xv = run(
            Op::LinalgSolve,
            &[(&x).into(), (&f64s(&[n], bv.clone())).into()],
        )
        .unwrap();
        assert_eq!(xv.shape(), &[n]);
        close(&naive_matmul(&a, &fv(&xv), n, n, 1), &bv, 1e-12);
        // inv: A A^-1 = I.
        let ai = fv(&run(Op::LinalgInv, &[(&x).into()]).unwrap());
        let id: Vec<f64> = (0..n * n)
            .map(|i| if i / n == i % n { 1.0 } else { 0.0 })
            .collect();
        close(&naive_matmul(&a, &ai, n, n, n), &id, 1e-12);
        let sing = f64s(&[2, 2], vec![1.0, 2.0, 2.0, 4.0]);
        assert_eq!(
            run(Op::LinalgInv, &[(&sing).into()]).unwrap_err().kind,
            ErrorKind::Value
        );
        assert_eq!(
            run(
                Op::LinalgSolve,
                &[(&sing).into(), (&f64s(&[2], vec![1.0, 1.0])).into()]
            )
            .unwrap_err()
            .kind,
            ErrorKind::Value
        );
        // det of a known matrix and of a stack; int input is float64.
        let d = run(
            Op::LinalgDet,
            &[(&i64s(&[2, 2, 2], vec![1, 2, 3, 4, 2, 0, 0, 3])).into()],
        )
        .unwrap();
        close(&fv(&d), &[-2.0, 6.0], 1e-14);
        let nonsquare = f64s(&[2, 3], vec![0.0; 6]);
        assert_eq!(
            run(Op::LinalgDet, &[(&nonsquare).into()]).unwrap_err().kind,
            ErrorKind::Shape
        );
        // float32 in, float32 out.
        let x32 = NdArray::Float32(
            ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![4.0f32, 2.0, 2.0, 3.0]).unwrap(),
        );
        let l32 = run(Op::LinalgCholesky, &[(&x32).into()]).unwrap();
        assert_eq!(l32.dtype(), DType::Float32);
    }

    #[test]
    fn stacked_solve_broadcasts() {
        let n = 3;
        let a0 = spd(n, 11);
        let a1 = spd(n, 12);
        let stack = f64s(&[2, n, n], [a0.clone(), a1.clone()].concat());
        let b = noise(n, 13);
        // (2, n, n) with a (n, 1) matrix rhs broadcast over the batch.
        let x = fv(&run(
            Op::LinalgSolve,
            &[(&stack).into(), (&f64s(&[n, 1], b.clone())).into()],
        )
        .unwrap());
        close(&naive_matmul(&a0, &x[..n], n, n, 1), &b, 1e-12);
        close(&naive_matmul(&a1, &x[n..], n, n, 1), &b, 1e-12);
        let inv = fv(&run(Op::LinalgInv, &[(&stack).into()]).unwrap());
        let id: Vec<f64> = (0..n * n)
            .map(|i| if i / n == i % n { 1.0 } else { 0.0 })
            .collect();
        close(&naive_matmul(&a1, &inv[n * n..], n, n, n), &id, 1e-12);
    }

    #[test]
    fn eigh_decomposes() {
        let n = 5;
        let a = spd(n, 21);
        let x = f64s(&[n, n], a.clone());
        let out = call_direct(Op::LinalgEigh, &[(&x).into()]).unwrap();
        assert_eq!(out.len(), 2);
        let (Value::Array(w), Value::Array(v)) = (&out[0], &out[1]) else {
            panic!()
        };
        let (w, v) = (fv(w), fv(v));
        assert!(w.windows(2).all(|p| p[0] <= p[1]), "ascending: {w:?}");
        // A V = V diag(w).
        let av = naive_matmul(&a, &v, n, n, n);
        let vw: Vec<f64> = (0..n * n).map(|i| v[i] * w[i % n]).collect();
        close(&av, &vw, 1e-12);
        let w2 = fv(&run(Op::LinalgEigvalsh, &[(&x).into()]).unwrap());
        close(&w2, &w, 1e-12);
        // Hermitian 2x2 [[2, i], [-i, 2]] has eigenvalues 1 and 3.
        let h = NdArray::Complex128(
            ArrayD::from_shape_vec(
                IxDyn(&[2, 2]),
                vec![
                    Complex64::new(2.0, 0.0),
                    Complex64::new(0.0, 1.0),
                    Complex64::new(0.0, -1.0),
                    Complex64::new(2.0, 0.0),
                ],
            )
            .unwrap(),
        );
        close(
            &fv(&run(Op::LinalgEigvalsh, &[(&h).into()]).unwrap()),
            &[1.0, 3.0],
            1e-14,
        );
    }

    #[test]
    fn diagonal_and_norms() {
        let x = i64s(&[2, 3], vec![1, 2, 3, 4, 5, 6]);
        let int = |v| Arg::Value(glass_backend_api::RValue::Int(v));
        assert_eq!(
            run(Op::LinalgDiagonal, &[(&x).into()]).unwrap(),
            i64s(&[2], vec![1, 5])
        );
        assert_eq!(
            run(Op::LinalgDiagonal, &[(&x).into(), int(1)]).unwrap(),
            i64s(&[2], vec![2, 6])
        );
        assert_eq!(
            run(Op::LinalgDiagonal, &[(&x).into(), int(-1)]).unwrap(),
            i64s(&[1], vec![4])
        );
        assert_eq!(
            run(Op::LinalgDiagonal, &[(&x).into(), int(5)])
                .unwrap()
                .shape(),
            &[0]
        );

        let v = f64s(&[2, 2], vec![3.0, -4.0, 0.0, 1.0]);
        let norm = |ord: f64, axis: glass_backend_api::RValue| {
            fv(&run(
                Op::LinalgVectorNorm,
                &[
                    (&v).into(),
                    Arg::Value(axis),
                    Arg::Value(glass_backend_api::RValue::Bool(false)),
                    Arg::Value(glass_backend_api::RValue::Float(ord)),
                ],
            )
            .unwrap())
        };
        use glass_backend_api::RValue as R;
        close(&norm(2.0, R::None), &[26f64.sqrt()], 1e-15);
        close(&norm(1.0, R::None), &[8.0], 1e-15);
        close(&norm(f64::INFINITY, R::None), &[4.0], 1e-15);
        close(&norm(f64::NEG_INFINITY, R::None), &[0.0], 1e-15);
        close(&norm(0.0, R::None), &[3.0], 1e-15);
        close(
            &norm(3.0, R::None),
            &[(27.0f64 + 64.0 + 1.0).powf(1.0 / 3.0)],
            1e-15,
        );
        close(&norm(2.0, R::Int(1)), &[5.0, 1.0], 1e-15);
        close(
            &norm(2.0, R::Ints(vec![0].into())),
            &[3.0, 17f64.sqrt()],
            1e-15,
        );
        let kd = run(
            Op::LinalgVectorNorm,
            &[
                (&v).into(),
                Arg::Value(R::Int(0)),
                Arg::Value(R::Bool(true)),
            ],
        )
        .unwrap();
        assert_eq!(kd.shape(), &[1, 2]);
        let f = run(Op::LinalgMatrixNorm, &[(&v).into()]).unwrap();
        close(&fv(&f), &[26f64.sqrt()], 1e-15);
        let nuc = run(
            Op::LinalgMatrixNorm,
            &[
                (&v).into(),
                Arg::Value(R::Bool(false)),
                Arg::Value(R::Str("nuc".into())),
            ],
        )
        .unwrap();
        // Singular values of [[3, -4], [0, 1]]: their product is |det| = 3 and
        // their squares sum to 26.
        let s1s2 = 3.0f64;
        let sum = (26.0 + 2.0 * s1s2).sqrt();
        close(&fv(&nuc), &[sum], 1e-12);
        let one = run(
            Op::LinalgMatrixNorm,
            &[
                (&v).into(),
                Arg::Value(R::Bool(false)),
                Arg::Value(R::Float(1.0)),
            ],
        )
        .unwrap();
        close(&fv(&one), &[5.0], 1e-15);
        let inf = run(
            Op::LinalgMatrixNorm,
            &[
                (&v).into(),
                Arg::Value(R::Bool(true)),
                Arg::Value(R::Float(f64::INFINITY)),
            ],
        )
        .unwrap();
        assert_eq!(inf.shape(), &[1, 1]);
        close(&fv(&inf), &[7.0], 1e-15);
    }
}
