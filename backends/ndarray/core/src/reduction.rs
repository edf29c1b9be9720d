//! Statistical and utility reductions: sum, prod, mean, std, var, min, max,
//! any, all, argmax, argmin, cumulative_sum, cumulative_prod,
//! count_nonzero.
//!
//! A reduction moves the reduced axes last (copying only when the layout
//! needs it) and reduces each contiguous lane. Lanes are reduced in
//! parallel when there are many; one long lane is reduced as a fixed binary
//! tree ([`tree`]) whose halves run on rayon, so results do not depend on the
//! number of threads. Float sums are pairwise (NumPy's accuracy).
//!
//! Dtypes: sum/prod/cumulative of bool and int64 give int64 (wrapping on
//! overflow), of floating types keep the dtype; mean/std/var of bool/int64
//! give float64, of complex give complex128 (mean) and float64 (std/var);
//! min/max/argmin/argmax refuse complex. NaN propagates through sums,
//! min/max (as NumPy), and argmin/argmax return the first NaN.

use glass_backend_api::{Args, BResult, BackendError, DType, Op, Value};
use ndarray::{ArrayD, Axis, IxDyn, Zip};
use num_complex::Complex64;
use std::mem::MaybeUninit;
use std::ops::Div;

use crate::elementwise::{max_nan, min_nan, Arith, Float};
use crate::util::{
    convert, fill_chunks, filled, normalize_axes, normalize_axis, Elem, PAR_THRESHOLD,
};
use crate::{one, with_array, NdArray};

pub fn supports(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Sum | Prod
            | Mean
            | Std
            | Var
            | Min
            | Max
            | Any
            | All
            | Argmax
            | Argmin
            | CumulativeSum
            | CumulativeProd
            | CountNonzero
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    use Op::*;
    // Arguments by name, with the op table's defaults.
    let x = args.array_of("x")?.as_ref();
    let name = op.name();
    let r = match op {
        Sum | Prod => {
            let axes = normalize_axes(name, args.opt_ints_of("axis")?.as_deref(), x.ndim())?;
            let keepdims = args.bool_of("keepdims")?;
            sum_prod(op, x, &axes, keepdims, args.opt_dtype_of("dtype")?)?
        }
        Std | Var => {
            let axes = normalize_axes(name, args.opt_ints_of("axis")?.as_deref(), x.ndim())?;
            let corr = args.float_of("correction")?;
            var_std(op, x, &axes, corr, args.bool_of("keepdims")?)?
        }
        Argmax | Argmin => {
            let axes = match args.opt_int_of("axis")? {
                Some(a) => normalize_axes(name, Some(&[a]), x.ndim())?,
                None => (0..x.ndim()).collect(),
            };
            arg_extreme(op, x, &axes, args.bool_of("keepdims")?)?
        }
        CumulativeSum | CumulativeProd => cumulative(
            op,
            x,
            args.opt_int_of("axis")?,
            args.bool_of("include_initial")?,
        )?,
        _ => {
            let axes = normalize_axes(name, args.opt_ints_of("axis")?.as_deref(), x.ndim())?;
            let keepdims = args.bool_of("keepdims")?;
            match op {
                Mean => mean(x, &axes, keepdims)?,
                Min | Max => extreme(op, x, &axes, keepdims)?,
                Any | All | CountNonzero => truth(op, x, &axes, keepdims)?,
                _ => return Err(BackendError::unsupported(format!("{op}"))),
            }
        }
    };
    one(r)
}

/// Elements per parallel task when reducing many lanes.
const LANE_CHUNK: usize = 1 << 14;

/// Leaf size of [`tree`].
const LEAF: usize = 1024;

/// Reduces `s` as a fixed binary tree: leaves of at most [`LEAF`] elements
/// are reduced by `leaf(slice, offset)` and combined with `comb`; halves of
/// long slices run in parallel. The tree depends only on the length.
pub(crate) fn tree<T, R, L, C>(s: &[T], off: usize, leaf: &L, comb: &C) -> R
where
    T: Sync,
    R: Send,
    L: Fn(&[T], usize) -> R + Sync,
    C: Fn(R, R) -> R + Sync,
{
    if s.len() <= LEAF {
        return leaf(s, off);
    }
    let mid = s.len() / 2 / 8 * 8;
    let (l, r) = s.split_at(mid);
    let (a, b) = if s.len() >= PAR_THRESHOLD {
        rayon::join(
            || tree(l, off, leaf, comb),
            || tree(r, off + mid, leaf, comb),
        )
    } else {
        (tree(l, off, leaf, comb), tree(r, off + mid, leaf, comb))
    };
    comb(a, b)
}

/// Sum of a short slice with eight accumulators (NumPy's unrolled pairwise
/// block).
fn leaf_sum<T: Arith>(s: &[T]) -> T {
    let mut acc = [T::ZERO; 8];
    let chunks = s.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..8 {
            acc[k] = acc[k].add(c[k]);
        }
    }
    let mut r = (acc[0].add(acc[1]).add(acc[2].add(acc[3])))
        .add(acc[4].add(acc[5]).add(acc[6].add(acc[7])));
    for &v in rest {
        r = r.add(v);
    }
    r
}

/// Pairwise sum.
pub(crate) fn sum_slice<T: Arith>(s: &[T]) -> T {
    tree(s, 0, &|s: &[T], _| leaf_sum(s), &|a: T, b: T| a.add(b))
}

fn prod_slice<T: Arith>(s: &[T]) -> T {
    tree(
        s,
        0,
        &|s: &[T], _| s.iter().fold(T::ONE, |a, &b| a.mul(b)),
        &|a: T, b: T| a.mul(b),
    )
}

/// Applies `f` to every lane of `a` over `axes` (sorted, distinct); the
/// result has the kept axes (and length-1 reduced axes with `keepdims`).
pub(crate) fn reduce_lanes<T, R, F>(
    op: &str,
    a: &ArrayD<T>,
    axes: &[usize],
    keepdims: bool,
    f: F,
) -> BResult<ArrayD<R>>
where
    T: Clone + Send + Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync + Send,
{
    let nd = a.ndim();
    let sh = a.shape();
    let kept: Vec<usize> = (0..nd).filter(|i| !axes.contains(i)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let v = a.view().permuted_axes(IxDyn(&perm));
    let v = v.as_standard_layout();
    let data = v
        .as_slice()
        .ok_or_else(|| BackendError::internal(format!("{op}: lanes are not contiguous")))?;
    let inner: usize = axes.iter().map(|&i| sh[i]).product();
    let outer: usize = kept.iter().map(|&i| sh[i]).product();
    let out: Vec<R> = match LANE_CHUNK.checked_div(inner) {
        None => (0..outer).map(|_| f(&[])).collect(),
        Some(lanes_per_chunk) => {
            let body = |lo: usize, o: &mut [MaybeUninit<R>]| {
                for (k, d) in o.iter_mut().enumerate() {
                    let start = (lo + k) * inner;
                    d.write(f(&data[start..start + inner]));
                }
            };
            let parallel = outer > 1 && data.len() >= PAR_THRESHOLD;
            // SAFETY: the body writes every element of its chunk.
            unsafe { fill_chunks(outer, lanes_per_chunk.max(1), parallel, &body) }
        }
    };
    let shape: Vec<usize> = if keepdims {
        (0..nd)
            .map(|i| if axes.contains(&i) { 1 } else { sh[i] })
            .collect()
    } else {
        kept.iter().map(|&i| sh[i]).collect()
    };
    ArrayD::from_shape_vec(IxDyn(&shape), out)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

/// Runs `$body` with `$a` bound to the typed array of a numeric (non-bool)
/// array, wrapping the result in the same variant.
macro_rules! numeric {
    ($op:expr, $x:expr, |$a:ident| $body:expr) => {
        match $x {
            NdArray::Int64($a) => NdArray::Int64($body),
            NdArray::Float32($a) => NdArray::Float32($body),
            NdArray::Float64($a) => NdArray::Float64($body),
            NdArray::Complex128($a) => NdArray::Complex128($body),
            NdArray::Bool(_) => {
                return Err(BackendError::dtype(format!(
                    "{}: not defined for bool",
                    $op
                )))
            }
        }
    };
}

/// The accumulation dtype of sum/prod/cumulative ops.
fn acc_dtype(op: Op, x: DType, dtype: Option<DType>) -> BResult<DType> {
    match dtype {
        Some(DType::Bool) => Err(BackendError::dtype(format!(
            "{op}: cannot accumulate in bool"
        ))),
        Some(DType::Complex128) | None if x == DType::Complex128 => Ok(DType::Complex128),
        Some(d) if x == DType::Complex128 => Err(BackendError::dtype(format!(
            "{op}: cannot accumulate complex128 input in {d}"
        ))),
        Some(d) => Ok(d),
        None if x == DType::Bool => Ok(DType::Int64),
        None => Ok(x),
    }
}

/// `sum` and `prod` over `axes`.
fn sum_prod(
    op: Op,
    x: &NdArray,
    axes: &[usize],
    keepdims: bool,
    dtype: Option<DType>,
) -> BResult<NdArray> {
    let dt = acc_dtype(op, x.dtype(), dtype)?;
    let x = convert(x, dt);
    let name = op.name();
    Ok(if op == Op::Sum {
        numeric!(op, x.as_ref(), |a| reduce_lanes(
            name, a, axes, keepdims, sum_slice
        )?)
    } else {
        numeric!(op, x.as_ref(), |a| reduce_lanes(
            name, a, axes, keepdims, prod_slice
        )?)
    })
}

/// The floating dtype of mean/std/var for an input dtype.
fn float_dtype(d: DType) -> DType {
    match d {
        DType::Bool | DType::Int64 => DType::Float64,
        d => d,
    }
}

/// Arithmetic mean `sum(x)/n` (NaN for an empty lane).
fn mean(x: &NdArray, axes: &[usize], keepdims: bool) -> BResult<NdArray> {
    fn lane<T: Arith + Div<Output = T>>(s: &[T]) -> T {
        sum_slice(s) / T::from_elem(s.len() as f64)
    }
    let x = convert(x, float_dtype(x.dtype()));
    Ok(numeric!(Op::Mean, x.as_ref(), |a| reduce_lanes(
        "mean", a, axes, keepdims, lane
    )?))
}

/// Floating types with a real squared deviation: `|x - m|²`.
trait Moments: Arith + Div<Output = Self> {
    type Real: Arith + Float + Div<Output = Self::Real>;
    fn sq_dev(self, m: Self) -> Self::Real;
}

impl Moments for f32 {
    type Real = f32;
    fn sq_dev(self, m: Self) -> f32 {
        (self - m) * (self - m)
    }
}

impl Moments for f64 {
    type Real = f64;
    fn sq_dev(self, m: Self) -> f64 {
        (self - m) * (self - m)
    }
}

impl Moments for Complex64 {
    type Real = f64;
    fn sq_dev(self, m: Self) -> f64 {
        (self - m).norm_sqr()
    }
}

/// Variance of a lane: `Σ|x - mean|² / max(n - correction, 0)` (two passes;
/// NaN for an empty lane, inf or NaN when `n <= correction`, as NumPy).
fn var_lane<T: Moments>(s: &[T], corr: f64) -> T::Real {
    let n = s.len() as f64;
    let m = sum_slice(s) / T::from_elem(n);
    let ss = tree(
        s,
        0,
        &|s: &[T], _| leaf_sum_map(s, |v| v.sq_dev(m)),
        &|a: T::Real, b: T::Real| a.add(b),
    );
    ss / T::Real::from_elem((n - corr).max(0.0))
}

/// [`leaf_sum`] of `f` over a short slice.
fn leaf_sum_map<T: Copy, R: Arith>(s: &[T], f: impl Fn(T) -> R) -> R {
    let mut acc = [R::ZERO; 8];
    let chunks = s.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..8 {
            acc[k] = acc[k].add(f(c[k]));
        }
    }
    let mut r = (acc[0].add(acc[1]).add(acc[2].add(acc[3])))
        .add(acc[4].add(acc[5]).add(acc[6].add(acc[7])));
    for &v in rest {
        r = r.add(f(v));
    }
    r
}

/// `var` and `std` (its square root).
fn var_std(op: Op, x: &NdArray, axes: &[usize], corr: f64, keepdims: bool) -> BResult<NdArray> {
    let name = op.name();
    let x = convert(x, float_dtype(x.dtype()));
    let var = match x.as_ref() {
        NdArray::Float32(a) => NdArray::Float32(reduce_lanes(name, a, axes, keepdims, |s| {
            var_lane(s, corr)
        })?),
        NdArray::Float64(a) => NdArray::Float64(reduce_lanes(name, a, axes, keepdims, |s| {
            var_lane(s, corr)
        })?),
        NdArray::Complex128(a) => NdArray::Float64(reduce_lanes(name, a, axes, keepdims, |s| {
            var_lane(s, corr)
        })?),
        other => {
            return Err(BackendError::dtype(format!(
                "{op}: not defined for {}",
                other.dtype()
            )))
        }
    };
    Ok(match (op, var) {
        (Op::Std, NdArray::Float32(v)) => NdArray::Float32(v.mapv_into(f32::sqrt)),
        (Op::Std, NdArray::Float64(v)) => NdArray::Float64(v.mapv_into(f64::sqrt)),
        (_, v) => v,
    })
}

/// A Value error when a lane of an order reduction would be empty (an
/// empty lane exists when the reduced axes hold no element but the kept
/// axes do).
fn check_nonempty(op: Op, x: &NdArray, axes: &[usize]) -> BResult<()> {
    let sh = x.shape();
    let inner: usize = axes.iter().map(|&i| sh[i]).product();
    let outer: usize = (0..sh.len())
        .filter(|i| !axes.contains(i))
        .map(|i| sh[i])
        .product();
    if inner == 0 && outer > 0 {
        return Err(BackendError::value(format!(
            "{op}: zero-size reduction (shape {sh:?}, axes {axes:?}) has no identity"
        )));
    }
    Ok(())
}

/// `min` and `max` with NaN propagation (real dtypes).
fn extreme(op: Op, x: &NdArray, axes: &[usize], keepdims: bool) -> BResult<NdArray> {
    fn lane<T: Elem + PartialOrd>(s: &[T], f: fn(T, T) -> T) -> T {
        tree(
            s,
            0,
            &|s: &[T], _| s.iter().copied().reduce(f).unwrap_or(T::ZERO),
            &|a: T, b: T| f(a, b),
        )
    }
    check_nonempty(op, x, axes)?;
    let name = op.name();
    macro_rules! go {
        ($f:ident) => {
            match x {
                NdArray::Bool(a) => {
                    NdArray::Bool(reduce_lanes(name, a, axes, keepdims, |s| lane(s, $f))?)
                }
                NdArray::Int64(a) => {
                    NdArray::Int64(reduce_lanes(name, a, axes, keepdims, |s| lane(s, $f))?)
                }
                NdArray::Float32(a) => {
                    NdArray::Float32(reduce_lanes(name, a, axes, keepdims, |s| lane(s, $f))?)
                }
                NdArray::Float64(a) => {
                    NdArray::Float64(reduce_lanes(name, a, axes, keepdims, |s| lane(s, $f))?)
                }
                NdArray::Complex128(_) => {
                    return Err(BackendError::dtype(format!(
                        "{op}: not defined for complex128"
                    )))
                }
            }
        };
    }
    Ok(if op == Op::Max {
        go!(max_nan)
    } else {
        go!(min_nan)
    })
}

/// `argmax`/`argmin` of a lane: the first extreme, or the first NaN.
fn arg_lane<T: Elem + PartialOrd>(s: &[T], better: fn(T, T) -> bool) -> i64 {
    let leaf = |s: &[T], off: usize| -> (usize, Option<T>) {
        let mut best = (off, s.first().copied());
        for (i, &v) in s.iter().enumerate().skip(1) {
            match best.1 {
                Some(b) if b.is_nan() => break,
                Some(b) if v.is_nan() || better(v, b) => best = (off + i, Some(v)),
                _ => {}
            }
        }
        best
    };
    let comb = |l: (usize, Option<T>), r: (usize, Option<T>)| match (l.1, r.1) {
        (Some(a), _) if a.is_nan() => l,
        (Some(a), Some(b)) if b.is_nan() || better(b, a) => r,
        (None, _) => r,
        _ => l,
    };
    tree(s, 0, &leaf, &comb).0 as i64
}

/// `argmax`/`argmin` over one axis or all (flattened C order).
fn arg_extreme(op: Op, x: &NdArray, axes: &[usize], keepdims: bool) -> BResult<NdArray> {
    check_nonempty(op, x, axes)?;
    let name = op.name();
    fn gt<T: PartialOrd>(a: T, b: T) -> bool {
        a > b
    }
    fn lt<T: PartialOrd>(a: T, b: T) -> bool {
        a < b
    }
    macro_rules! go {
        ($f:ident) => {
            match x {
                NdArray::Bool(a) => reduce_lanes(name, a, axes, keepdims, |s| arg_lane(s, $f))?,
                NdArray::Int64(a) => reduce_lanes(name, a, axes, keepdims, |s| arg_lane(s, $f))?,
                NdArray::Float32(a) => reduce_lanes(name, a, axes, keepdims, |s| arg_lane(s, $f))?,
                NdArray::Float64(a) => reduce_lanes(name, a, axes, keepdims, |s| arg_lane(s, $f))?,
                NdArray::Complex128(_) => {
                    return Err(BackendError::dtype(format!(
                        "{op}: not defined for complex128"
                    )))
                }
            }
        };
    }
    Ok(NdArray::Int64(if op == Op::Argmax {
        go!(gt)
    } else {
        go!(lt)
    }))
}

/// `any`, `all` (bool) and `count_nonzero` (int64), on truthiness.
fn truth(op: Op, x: &NdArray, axes: &[usize], keepdims: bool) -> BResult<NdArray> {
    let name = op.name();
    Ok(match op {
        Op::Any => NdArray::Bool(
            with_array!(x, a => reduce_lanes(name, a, axes, keepdims, |s| {
            tree(s, 0, &|s: &[_], _| s.iter().any(|v| v.to_bool()), &|a, b| a || b)
        })?),
        ),
        Op::All => NdArray::Bool(
            with_array!(x, a => reduce_lanes(name, a, axes, keepdims, |s| {
            tree(s, 0, &|s: &[_], _| s.iter().all(|v| v.to_bool()), &|a, b| a && b)
        })?),
        ),
        _ => NdArray::Int64(
            with_array!(x, a => reduce_lanes(name, a, axes, keepdims, |s| {
            tree(s, 0, &|s: &[_], _| s.iter().filter(|v| v.to_bool()).count() as i64, &|a, b| a + b)
        })?),
        ),
    })
}

/// Running sum/product of `x` along `axis` into a new array, with the
/// identity first when `initial`.
fn running<T: Arith>(
    op: &str,
    x: &ArrayD<T>,
    axis: usize,
    initial: bool,
    prod: bool,
) -> BResult<ArrayD<T>> {
    let (f, id): (fn(T, T) -> T, T) = if prod {
        (T::mul, T::ONE)
    } else {
        (T::add, T::ZERO)
    };
    let mut shape = x.shape().to_vec();
    shape[axis] += usize::from(initial);
    let mut out = filled(op, &shape, id)?;
    let off = usize::from(initial);
    let z = Zip::from(out.lanes_mut(Axis(axis))).and(x.lanes(Axis(axis)));
    let kernel = |mut o: ndarray::ArrayViewMut1<'_, T>, i: ndarray::ArrayView1<'_, T>| {
        let mut acc = id;
        for (k, &v) in i.iter().enumerate() {
            acc = f(acc, v);
            o[k + off] = acc;
        }
    };
    if x.len() >= PAR_THRESHOLD {
        z.par_for_each(kernel);
    } else {
        z.for_each(kernel);
    }
    Ok(out)
}

/// `cumulative_sum` / `cumulative_prod` along `axis` (None only for 1-d).
fn cumulative(op: Op, x: &NdArray, axis: Option<i64>, initial: bool) -> BResult<NdArray> {
    let name = op.name();
    if x.ndim() == 0 {
        return Err(BackendError::shape(format!(
            "{op}: needs at least one dimension"
        )));
    }
    let axis = match axis {
        Some(a) => normalize_axis(name, a, x.ndim())?,
        None if x.ndim() == 1 => 0,
        None => {
            return Err(BackendError::shape(format!(
                "{op}: axis is required for a {}-d array",
                x.ndim()
            )))
        }
    };
    let x = convert(x, acc_dtype(op, x.dtype(), None)?);
    Ok(if op == Op::CumulativeSum {
        numeric!(op, x.as_ref(), |a| running(name, a, axis, initial, false)?)
    } else {
        numeric!(op, x.as_ref(), |a| running(name, a, axis, initial, true)?)
    })
}

#[cfg(test)]
mod tests {
    use glass_backend_api::{DType, ErrorKind, Op};

    use crate::util::test_util::*;

    const NAN: f64 = f64::NAN;

    fn m23() -> crate::NdArray {
        f64s(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    }

    #[test]
    fn sums_over_axes() {
        let x = m23();
        check(&ok(Op::Sum, &[a(&x)]), DType::Float64, &[], &[21.0]);
        check(
            &ok(Op::Sum, &[a(&x), ints(&[0])]),
            DType::Float64,
            &[3],
            &[5.0, 7.0, 9.0],
        );
        check(
            &ok(Op::Sum, &[a(&x), ints(&[-1]), boolean(true)]),
            DType::Float64,
            &[2, 1],
            &[6.0, 15.0],
        );
        check(
            &ok(Op::Sum, &[a(&x), ints(&[])]),
            DType::Float64,
            &[2, 3],
            &vals(&x),
        );
        check(
            &ok(Op::Prod, &[a(&x), int(1)]),
            DType::Float64,
            &[2],
            &[6.0, 120.0],
        );
        assert_eq!(err(Op::Sum, &[a(&x), ints(&[0, -2])]), ErrorKind::Shape);
        assert_eq!(err(Op::Sum, &[a(&x), ints(&[2])]), ErrorKind::Shape);
        let b = bools(&[3], &[true, true, false]);
        check(&ok(Op::Sum, &[a(&b)]), DType::Int64, &[], &[2.0]);
        check(
            &ok(Op::Prod, &[a(&i64s(&[0], &[]))]),
            DType::Int64,
            &[],
            &[1.0],
        );
        let f = f32s(&[2], &[1.5, 2.0]);
        check(&ok(Op::Sum, &[a(&f)]), DType::Float32, &[], &[3.5]);
        check(
            &ok(
                Op::Sum,
                &[a(&f), none(), boolean(false), dtype(DType::Float64)],
            ),
            DType::Float64,
            &[],
            &[3.5],
        );
        check(
            &ok(Op::Sum, &[a(&f64s(&[2], &[1.0, NAN]))]),
            DType::Float64,
            &[],
            &[NAN],
        );
        let c = c128s(&[2], &[(1.0, 1.0), (2.0, -3.0)]);
        assert_eq!(ok(Op::Sum, &[a(&c)]), c128s(&[], &[(3.0, -2.0)]));
    }

    #[test]
    fn long_sum_is_pairwise_and_parallel() {
        let n = 1_000_003;
        let v: Vec<f64> = (0..n).map(|i| 0.1 + (i % 7) as f64 * 1e-3).collect();
        // Reference: 7 distinct values times their counts.
        let exact: f64 = (0..7)
            .map(|k| (0..n).filter(|i| i % 7 == k).count() as f64 * (0.1 + k as f64 * 1e-3))
            .sum();
        let s = vals(&ok(Op::Sum, &[a(&f64s(&[n], &v))]))[0];
        assert!((s - exact).abs() < 1e-9, "{s} vs {exact}");
        let i = i64s(&[n], &vec![3; n]);
        check(&ok(Op::Sum, &[a(&i)]), DType::Int64, &[], &[3.0 * n as f64]);
    }

    #[test]
    fn mean_var_std() {
        let x = m23();
        check(
            &ok(Op::Mean, &[a(&x), int(0)]),
            DType::Float64,
            &[3],
            &[2.5, 3.5, 4.5],
        );
        let i = i64s(&[4], &[1, 2, 3, 4]);
        check(&ok(Op::Mean, &[a(&i)]), DType::Float64, &[], &[2.5]);
        check(&ok(Op::Var, &[a(&i)]), DType::Float64, &[], &[1.25]);
        check(
            &ok(Op::Var, &[a(&i), none(), float(1.0)]),
            DType::Float64,
            &[],
            &[5.0 / 3.0],
        );
        check(
            &ok(Op::Std, &[a(&x), int(1), int(0), boolean(true)]),
            DType::Float64,
            &[2, 1],
            &[(2.0f64 / 3.0).sqrt(); 2],
        );
        check(
            &ok(Op::Mean, &[a(&f64s(&[0], &[]))]),
            DType::Float64,
            &[],
            &[NAN],
        );
        let c = c128s(&[2], &[(0.0, 1.0), (0.0, -1.0)]);
        check(&ok(Op::Var, &[a(&c)]), DType::Float64, &[], &[1.0]);
    }

    #[test]
    fn min_max() {
        let x = f64s(&[2, 2], &[3.0, NAN, -1.0, 2.0]);
        check(
            &ok(Op::Max, &[a(&x), int(1)]),
            DType::Float64,
            &[2],
            &[NAN, 2.0],
        );
        check(
            &ok(Op::Min, &[a(&x), int(0)]),
            DType::Float64,
            &[2],
            &[-1.0, NAN],
        );
        check(
            &ok(Op::Min, &[a(&i64s(&[3], &[4, -2, 7]))]),
            DType::Int64,
            &[],
            &[-2.0],
        );
        let e = f64s(&[0, 3], &[]);
        assert_eq!(err(Op::Max, &[a(&e)]), ErrorKind::Value);
        assert_eq!(err(Op::Max, &[a(&e), int(0)]), ErrorKind::Value);
        check(&ok(Op::Max, &[a(&e), int(1)]), DType::Float64, &[0], &[]);
        assert_eq!(
            err(Op::Max, &[a(&c128s(&[1], &[(1.0, 0.0)]))]),
            ErrorKind::DType
        );
    }

    #[test]
    fn argmin_argmax() {
        let x = f64s(&[2, 3], &[1.0, 5.0, 5.0, 2.0, NAN, NAN]);
        check(
            &ok(Op::Argmax, &[a(&x), int(-1)]),
            DType::Int64,
            &[2],
            &[1.0, 1.0],
        );
        check(
            &ok(Op::Argmin, &[a(&x), int(1)]),
            DType::Int64,
            &[2],
            &[0.0, 1.0],
        );
        check(&ok(Op::Argmax, &[a(&x)]), DType::Int64, &[], &[4.0]);
        check(
            &ok(Op::Argmax, &[a(&m23()), none(), boolean(true)]),
            DType::Int64,
            &[1, 1],
            &[5.0],
        );
        assert_eq!(err(Op::Argmax, &[a(&f64s(&[0], &[]))]), ErrorKind::Value);
        let n = 200_000;
        let mut v: Vec<f64> = (0..n).map(|i| (i % 1000) as f64).collect();
        v[150_000] = 5000.0;
        v[170_000] = 5000.0;
        check(
            &ok(Op::Argmax, &[a(&f64s(&[n], &v))]),
            DType::Int64,
            &[],
            &[150_000.0],
        );
        check(
            &ok(Op::Argmin, &[a(&f64s(&[n], &v))]),
            DType::Int64,
            &[],
            &[0.0],
        );
    }

    #[test]
    fn truth_reductions() {
        let x = i64s(&[2, 3], &[0, 1, 2, 0, 0, 0]);
        check(
            &ok(Op::Any, &[a(&x), int(1)]),
            DType::Bool,
            &[2],
            &[1.0, 0.0],
        );
        check(
            &ok(Op::All, &[a(&x), int(0)]),
            DType::Bool,
            &[3],
            &[0.0, 0.0, 0.0],
        );
        check(&ok(Op::CountNonzero, &[a(&x)]), DType::Int64, &[], &[2.0]);
        check(
            &ok(Op::CountNonzero, &[a(&x), int(-1), boolean(true)]),
            DType::Int64,
            &[2, 1],
            &[2.0, 0.0],
        );
        let e = bools(&[0], &[]);
        check(&ok(Op::All, &[a(&e)]), DType::Bool, &[], &[1.0]);
        check(&ok(Op::Any, &[a(&e)]), DType::Bool, &[], &[0.0]);
    }

    #[test]
    fn cumulative() {
        let x = m23();
        check(
            &ok(Op::CumulativeSum, &[a(&x), int(1)]),
            DType::Float64,
            &[2, 3],
            &[1.0, 3.0, 6.0, 4.0, 9.0, 15.0],
        );
        check(
            &ok(Op::CumulativeProd, &[a(&x), int(0), boolean(true)]),
            DType::Float64,
            &[3, 3],
            &[1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 10.0, 18.0],
        );
        assert_eq!(err(Op::CumulativeSum, &[a(&x)]), ErrorKind::Shape);
        let b = bools(&[3], &[true, false, true]);
        check(
            &ok(Op::CumulativeSum, &[a(&b), none(), boolean(true)]),
            DType::Int64,
            &[4],
            &[0.0, 1.0, 1.0, 2.0],
        );
        check(
            &ok(Op::CumulativeSum, &[a(&f64s(&[0], &[]))]),
            DType::Float64,
            &[0],
            &[],
        );
    }
}
