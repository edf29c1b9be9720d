//! Manipulation ops: `reshape`, `permute_dims`, `matrix_transpose`,
//! `broadcast_to`, `broadcast_arrays`, `expand_dims`, `squeeze`, `flip`,
//! `roll`, `repeat`, `tile`, `concat`, `stack` and `moveaxis`, with NumPy's
//! semantics (C order throughout).
//!
//! Results are owned arrays in standard (C) layout. The helpers
//! [`standard`], [`gather_axis`] and [`strict_axis`] are shared with the
//! indexing and linear-algebra modules.

use glass_backend_api::{Args, BResult, BackendError, DType, Op, Operand, Value};
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};

use crate::util::{broadcast_shapes, checked_size, normalize_axes, shape_arg, typed, Elem};
use crate::{one, with_array, NdArray};

/// Runs `$body` with the type alias `$T` bound to the element type of `$dt`.
macro_rules! dispatch_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            glass_backend_api::DType::Bool => {
                type $T = bool;
                $body
            }
            glass_backend_api::DType::Int64 => {
                type $T = i64;
                $body
            }
            glass_backend_api::DType::Float32 => {
                type $T = f32;
                $body
            }
            glass_backend_api::DType::Float64 => {
                type $T = f64;
                $body
            }
            glass_backend_api::DType::Complex128 => {
                type $T = num_complex::Complex64;
                $body
            }
            other => Err(glass_backend_api::BackendError::dtype(format!(
                "dtype {other} is not implemented by the ndarray core"
            ))),
        }
    };
}
pub(crate) use dispatch_dtype;

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::Reshape
            | Op::PermuteDims
            | Op::MatrixTranspose
            | Op::BroadcastTo
            | Op::BroadcastArrays
            | Op::ExpandDims
            | Op::Squeeze
            | Op::Flip
            | Op::Roll
            | Op::Repeat
            | Op::Tile
            | Op::Concat
            | Op::Stack
            | Op::Moveaxis
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    let name = args.op();
    match op {
        Op::Reshape => one(reshape(
            name,
            args.array(0)?.as_ref(),
            &required_ints(args, 1)?,
        )?),
        Op::PermuteDims => one(permute_dims(
            name,
            args.array(0)?.as_ref(),
            &required_ints(args, 1)?,
        )?),
        Op::MatrixTranspose => one(matrix_transpose(name, args.array(0)?.as_ref())?),
        Op::BroadcastTo => {
            let shape = shape_arg(name, &required_ints(args, 1)?)?;
            one(broadcast_to(name, args.array(0)?.as_ref(), &shape)?)
        }
        Op::BroadcastArrays => {
            let xs: Vec<&NdArray> = args
                .arrays_from(0)?
                .into_iter()
                .map(|a| a.as_ref())
                .collect();
            Ok(broadcast_arrays(name, &xs)?
                .into_iter()
                .map(Value::Array)
                .collect())
        }
        Op::ExpandDims => {
            let axes = required_ints(args, 1)?;
            one(expand_dims(name, args.array(0)?.as_ref(), &axes)?)
        }
        Op::Squeeze => one(squeeze(
            name,
            args.array(0)?.as_ref(),
            args.opt_ints(1)?.as_deref(),
        )?),
        Op::Flip => one(flip(
            name,
            args.array(0)?.as_ref(),
            args.opt_ints(1)?.as_deref(),
        )?),
        Op::Roll => {
            let shift = required_ints(args, 1)?;
            one(roll(
                name,
                args.array(0)?.as_ref(),
                &shift,
                args.opt_ints(2)?.as_deref(),
            )?)
        }
        Op::Repeat => {
            let repeats = match args.operand(1)? {
                Operand::Array(r) => Repeats::Array(r.as_ref()),
                Operand::Int(n) => Repeats::Int(n),
                _ => {
                    return Err(BackendError::value(format!(
                        "{name}: repeats must be an int or an int64 array"
                    )))
                }
            };
            one(repeat(
                name,
                args.array(0)?.as_ref(),
                repeats,
                args.opt_int(2)?,
            )?)
        }
        Op::Tile => one(tile(
            name,
            args.array(0)?.as_ref(),
            &required_ints(args, 1)?,
        )?),
        Op::Concat => {
            let xs: Vec<&NdArray> = args
                .arrays_from(1)?
                .into_iter()
                .map(|a| a.as_ref())
                .collect();
            one(concat(name, args.opt_int(0)?, &xs)?)
        }
        Op::Stack => {
            let xs: Vec<&NdArray> = args
                .arrays_from(1)?
                .into_iter()
                .map(|a| a.as_ref())
                .collect();
            one(stack(name, args.int(0)?, &xs)?)
        }
        Op::Moveaxis => {
            let src = required_ints(args, 1)?;
            let dst = required_ints(args, 2)?;
            one(moveaxis(name, args.array(0)?.as_ref(), &src, &dst)?)
        }
        _ => Err(BackendError::unsupported(format!(
            "{op} is not a manipulation op"
        ))),
    }
}

/// An `Ints` argument that may also be given as a single `Int`.
fn required_ints<A: 'static>(args: &Args<'_, A>, i: usize) -> BResult<Vec<i64>> {
    args.opt_ints(i)?.ok_or_else(|| {
        BackendError::value(format!(
            "{}: argument {i} must be an int or a list of ints",
            args.op()
        ))
    })
}

// --- shared helpers --------------------------------------------------------

/// Wraps a typed array into the [`NdArray`] enum.
pub(crate) fn wrap<T: Elem>(a: ArrayD<T>) -> NdArray {
    T::wrap(a)
}

/// An owned copy of `v` in standard (C) layout.
pub(crate) fn standard<T: Clone>(v: ArrayViewD<'_, T>) -> ArrayD<T> {
    v.as_standard_layout().into_owned()
}

/// Normalises `axis` for an array of `ndim >= 1` axes (a 0-d array has no
/// axis at all): `-ndim <= axis < ndim`, negative counting from the end.
pub(crate) fn strict_axis(op: &str, axis: i64, ndim: usize) -> BResult<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        return Err(BackendError::shape(format!(
            "{op}: axis {axis} is out of range for an array of {ndim} dimensions"
        )));
    }
    Ok(if axis < 0 {
        (axis + n) as usize
    } else {
        axis as usize
    })
}

/// Normalises a list of axes (each with [`strict_axis`]); a repeated axis is
/// a Shape error. Keeps the given order.
fn unique_axes(op: &str, axes: &[i64], ndim: usize) -> BResult<Vec<usize>> {
    let out: Vec<usize> = axes
        .iter()
        .map(|&a| strict_axis(op, a, ndim))
        .collect::<BResult<_>>()?;
    let mut sorted = out.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != out.len() {
        return Err(BackendError::shape(format!(
            "{op}: repeated axis in {axes:?}"
        )));
    }
    Ok(out)
}

/// Gathers the positions `idx` along `axis`: `out[.., j, ..] = a[.., idx[j], ..]`.
/// Every index must be `< a.shape()[axis]` (checked by the caller; a bad
/// index is an Internal error, never a panic).
pub(crate) fn gather_axis<T: Clone>(
    op: &str,
    a: ArrayViewD<'_, T>,
    axis: usize,
    idx: &[usize],
) -> BResult<ArrayD<T>> {
    let shape = a.shape().to_vec();
    let n = shape[axis];
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    if let Some(&bad) = idx.iter().find(|&&i| i >= n) {
        return Err(BackendError::internal(format!(
            "{op}: gather index {bad} out of range {n}"
        )));
    }
    let mut out_shape = shape;
    out_shape[axis] = idx.len();
    let total = checked_size(op, &out_shape)?;
    let a = a.as_standard_layout();
    let owned;
    let src: &[T] = match a.as_slice() {
        Some(s) => s,
        None => {
            owned = a.iter().cloned().collect::<Vec<T>>();
            &owned
        }
    };
    let mut out = Vec::with_capacity(total);
    for o in 0..outer {
        for &i in idx {
            let start = (o * n + i) * inner;
            out.extend_from_slice(&src[start..start + inner]);
        }
    }
    ArrayD::from_shape_vec(IxDyn(&out_shape), out)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

/// The same data in C order with a new shape.
pub(crate) fn reshape_to<T: Clone>(
    op: &str,
    a: ArrayViewD<'_, T>,
    shape: &[usize],
) -> BResult<ArrayD<T>> {
    standard(a)
        .into_shape_with_order(IxDyn(shape))
        .map_err(|e| BackendError::shape(format!("{op}: {e}")))
}

// --- reshape and axis permutations -------------------------------------------

/// The concrete shape for `reshape`: at most one `-1`, which takes the
/// length that keeps the number of elements.
fn reshape_shape(op: &str, size: usize, from: &[usize], shape: &[i64]) -> BResult<Vec<usize>> {
    let unknown: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] == -1).collect();
    if unknown.len() > 1 {
        return Err(BackendError::value(format!(
            "{op}: can only specify one unknown dimension in {shape:?}"
        )));
    }
    if let Some(&n) = shape.iter().find(|&&n| n < -1) {
        return Err(BackendError::value(format!(
            "{op}: negative dimension {n} in shape {shape:?}"
        )));
    }
    let known: Vec<usize> = shape
        .iter()
        .filter(|&&n| n >= 0)
        .map(|&n| n as usize)
        .collect();
    let known_size = checked_size(op, &known)?;
    let incompatible = || {
        BackendError::shape(format!(
            "{op}: cannot reshape array of size {size} (shape {from:?}) into shape {shape:?}"
        ))
    };
    let mut out: Vec<usize> = shape.iter().map(|&n| n.max(0) as usize).collect();
    if let Some(&i) = unknown.first() {
        if known_size == 0 || size % known_size != 0 {
            return Err(incompatible());
        }
        out[i] = size / known_size;
    } else if known_size != size {
        return Err(incompatible());
    }
    Ok(out)
}

/// `reshape(x, shape)`: the same elements in C order in a new shape.
pub fn reshape(op: &str, x: &NdArray, shape: &[i64]) -> BResult<NdArray> {
    let new = reshape_shape(op, x.len(), x.shape(), shape)?;
    with_array!(x, a => Ok(wrap(reshape_to(op, a.view(), &new)?)))
}

/// Checks that `axes` is a permutation of `0..ndim` (negative axes allowed).
fn permutation(op: &str, axes: &[i64], ndim: usize) -> BResult<Vec<usize>> {
    if axes.len() != ndim {
        return Err(BackendError::shape(format!(
            "{op}: axes {axes:?} do not match an array of {ndim} dimensions"
        )));
    }
    unique_axes(op, axes, ndim)
}

/// `permute_dims(x, axes)`: output axis `i` is input axis `axes[i]`.
pub fn permute_dims(op: &str, x: &NdArray, axes: &[i64]) -> BResult<NdArray> {
    let perm = permutation(op, axes, x.ndim())?;
    Ok(permuted(x, &perm))
}

fn permuted(x: &NdArray, perm: &[usize]) -> NdArray {
    with_array!(x, a => wrap(standard(a.view().permuted_axes(IxDyn(perm)))))
}

/// `matrix_transpose(x)`: swaps the last two axes (x must have at least 2).
pub fn matrix_transpose(op: &str, x: &NdArray) -> BResult<NdArray> {
    let nd = x.ndim();
    if nd < 2 {
        return Err(BackendError::shape(format!(
            "{op}: x must have at least 2 dimensions, got shape {:?}",
            x.shape()
        )));
    }
    let mut perm: Vec<usize> = (0..nd).collect();
    perm.swap(nd - 2, nd - 1);
    Ok(permuted(x, &perm))
}

/// `moveaxis(x, source, destination)`, as NumPy: the other axes keep their
/// order, and each source axis lands at its destination.
pub fn moveaxis(op: &str, x: &NdArray, source: &[i64], destination: &[i64]) -> BResult<NdArray> {
    let nd = x.ndim();
    if source.len() != destination.len() {
        return Err(BackendError::value(format!(
            "{op}: source {source:?} and destination {destination:?} must have the same number of elements"
        )));
    }
    let src = unique_axes(op, source, nd)?;
    let dst = unique_axes(op, destination, nd)?;
    let mut order: Vec<usize> = (0..nd).filter(|a| !src.contains(a)).collect();
    let mut pairs: Vec<(usize, usize)> = dst.into_iter().zip(src).collect();
    pairs.sort_unstable();
    for (d, s) in pairs {
        order.insert(d, s);
    }
    Ok(permuted(x, &order))
}

// --- broadcasting and axes of length one ------------------------------------

/// `broadcast_to(x, shape)` under NumPy's broadcasting rules.
pub fn broadcast_to(op: &str, x: &NdArray, shape: &[usize]) -> BResult<NdArray> {
    checked_size(op, shape)?;
    with_array!(x, a => {
        let v = a.broadcast(IxDyn(shape)).ok_or_else(|| {
            BackendError::shape(format!("{op}: cannot broadcast shape {:?} to {shape:?}", a.shape()))
        })?;
        Ok(wrap(standard(v)))
    })
}

/// `broadcast_arrays(x1, x2, ...)`: every array broadcast to the common shape.
pub fn broadcast_arrays(op: &str, xs: &[&NdArray]) -> BResult<Vec<NdArray>> {
    let shapes: Vec<&[usize]> = xs.iter().map(|x| x.shape()).collect();
    let shape = broadcast_shapes(op, &shapes)?;
    xs.iter().map(|x| broadcast_to(op, x, &shape)).collect()
}

/// `expand_dims(x, axis)`: inserts axes of length one; each axis is a
/// position in the result (`-(ndim+k) <= axis < ndim+k` for `k` axes).
pub fn expand_dims(op: &str, x: &NdArray, axes: &[i64]) -> BResult<NdArray> {
    let out_nd = x.ndim() + axes.len();
    let mut pos = unique_axes(op, axes, out_nd)?;
    pos.sort_unstable();
    let mut shape = x.shape().to_vec();
    for p in pos {
        shape.insert(p, 1);
    }
    with_array!(x, a => Ok(wrap(reshape_to(op, a.view(), &shape)?)))
}

/// `squeeze(x, axis)`: removes the given axes, which must have length one
/// (all axes of length one when `axis` is None).
pub fn squeeze(op: &str, x: &NdArray, axes: Option<&[i64]>) -> BResult<NdArray> {
    let shape = x.shape();
    let remove: Vec<usize> = match axes {
        None => (0..shape.len()).filter(|&i| shape[i] == 1).collect(),
        Some(axes) => {
            let ax = unique_axes(op, axes, shape.len())?;
            if let Some(&bad) = ax.iter().find(|&&a| shape[a] != 1) {
                return Err(BackendError::shape(format!(
                    "{op}: cannot squeeze axis {bad} of length {} (shape {shape:?})",
                    shape[bad]
                )));
            }
            ax
        }
    };
    let new: Vec<usize> = (0..shape.len())
        .filter(|i| !remove.contains(i))
        .map(|i| shape[i])
        .collect();
    with_array!(x, a => Ok(wrap(reshape_to(op, a.view(), &new)?)))
}

// --- reordering ----------------------------------------------------------------

/// `flip(x, axis)`: reverses the order along the axes (all when None).
pub fn flip(op: &str, x: &NdArray, axes: Option<&[i64]>) -> BResult<NdArray> {
    if x.ndim() == 0 {
        if let Some(a) = axes.filter(|a| !a.is_empty()) {
            return Err(BackendError::shape(format!(
                "{op}: axis {a:?} is out of range for a 0-d array"
            )));
        }
    }
    let ax = normalize_axes(op, axes, x.ndim())?;
    with_array!(x, a => {
        let mut v = a.view();
        for &i in &ax {
            v.invert_axis(Axis(i));
        }
        Ok(wrap(standard(v)))
    })
}

/// `roll(x, shift, axis)`: `out[.., (i + s) % n, ..] = x[.., i, ..]` along
/// each axis. Shifts and axes broadcast against each other; a repeated axis
/// adds its shifts. With `axis` None the flattened array is rolled by the
/// sum of the shifts and the shape restored.
pub fn roll(op: &str, x: &NdArray, shift: &[i64], axes: Option<&[i64]>) -> BResult<NdArray> {
    let Some(axes) = axes else {
        let total = shift.iter().fold(0i64, |acc, &s| acc.wrapping_add(s));
        let flat = reshape(op, x, &[-1])?;
        let rolled = roll(op, &flat, &[total], Some(&[0]))?;
        let shape: Vec<i64> = x.shape().iter().map(|&n| n as i64).collect();
        return reshape(op, &rolled, &shape);
    };
    let pairs: Vec<(i64, i64)> = match (shift.len(), axes.len()) {
        (s, a) if s == a => shift.iter().copied().zip(axes.iter().copied()).collect(),
        (1, _) => axes.iter().map(|&a| (shift[0], a)).collect(),
        (_, 1) => shift.iter().map(|&s| (s, axes[0])).collect(),
        _ => {
            return Err(BackendError::value(format!(
                "{op}: shift {shift:?} and axis {axes:?} cannot be broadcast together"
            )))
        }
    };
    let nd = x.ndim();
    let mut totals = vec![0i64; nd];
    for (s, a) in pairs {
        let ax = strict_axis(op, a, nd)?;
        totals[ax] = totals[ax].wrapping_add(s);
    }
    let mut out = x.clone();
    for (ax, &s) in totals.iter().enumerate() {
        let n = x.shape()[ax];
        if n == 0 || s.rem_euclid(n as i64) == 0 {
            continue;
        }
        let s = s.rem_euclid(n as i64) as usize;
        let idx: Vec<usize> = (0..n).map(|i| (i + n - s) % n).collect();
        out = with_array!(&out, a => wrap(gather_axis(op, a.view(), ax, &idx)?));
    }
    Ok(out)
}

// --- repetition and joining -------------------------------------------------------

/// The `repeats` argument of `repeat`.
pub enum Repeats<'a> {
    Int(i64),
    Array(&'a NdArray),
}

/// The repeat count of each of the `n` positions along the axis.
fn repeat_counts(op: &str, repeats: Repeats<'_>, n: usize) -> BResult<Vec<usize>> {
    let counts: Vec<i64> = match repeats {
        Repeats::Int(r) => vec![r; n],
        Repeats::Array(r) => {
            let NdArray::Int64(r) = r else {
                return Err(BackendError::dtype(format!(
                    "{op}: repeats must be int64, got {}",
                    r.dtype()
                )));
            };
            if r.ndim() > 1 {
                return Err(BackendError::shape(format!(
                    "{op}: repeats must be 0-d or 1-d, got shape {:?}",
                    r.shape()
                )));
            }
            let v: Vec<i64> = r.iter().copied().collect();
            match v.len() {
                1 => vec![v[0]; n],
                m if m == n => v,
                m => {
                    return Err(BackendError::shape(format!(
                        "{op}: {m} repeats do not match an axis of length {n}"
                    )))
                }
            }
        }
    };
    counts
        .into_iter()
        .map(|c| {
            usize::try_from(c)
                .map_err(|_| BackendError::value(format!("{op}: negative repeat count {c}")))
        })
        .collect()
}

/// `repeat(x, repeats, axis)`: each element along `axis` repeated
/// `repeats[i]` times (a single int repeats all equally). With `axis` None
/// the flattened array is repeated.
pub fn repeat(op: &str, x: &NdArray, repeats: Repeats<'_>, axis: Option<i64>) -> BResult<NdArray> {
    let (x, ax) = match axis {
        None => (reshape(op, x, &[-1])?, 0),
        Some(a) => (x.clone(), strict_axis(op, a, x.ndim())?),
    };
    let n = x.shape()[ax];
    let counts = repeat_counts(op, repeats, n)?;
    let total = counts.iter().try_fold(0usize, |acc, &c| acc.checked_add(c));
    let total = total.ok_or_else(|| BackendError::value(format!("{op}: too many repeats")))?;
    let mut shape = x.shape().to_vec();
    shape[ax] = total;
    checked_size(op, &shape)?;
    let idx: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(i, &c)| std::iter::repeat_n(i, c))
        .collect();
    with_array!(&x, a => Ok(wrap(gather_axis(op, a.view(), ax, &idx)?)))
}

/// `tile(x, reps)`, as NumPy: `reps` and the shape of `x` are padded with
/// leading ones to the same length, and axis `i` is repeated `reps[i]` times.
pub fn tile(op: &str, x: &NdArray, reps: &[i64]) -> BResult<NdArray> {
    let reps = shape_arg(op, reps)?;
    let d = reps.len().max(x.ndim());
    let mut shape = vec![1usize; d - x.ndim()];
    shape.extend_from_slice(x.shape());
    let mut r = vec![1usize; d - reps.len()];
    r.extend_from_slice(&reps);
    let out_shape: Vec<usize> = shape
        .iter()
        .zip(&r)
        .map(|(&n, &k)| n.checked_mul(k))
        .collect::<Option<_>>()
        .ok_or_else(|| BackendError::value(format!("{op}: result is too large")))?;
    checked_size(op, &out_shape)?;
    let mut out = with_array!(x, a => wrap(reshape_to(op, a.view(), &shape)?));
    for (ax, (&n, &k)) in shape.iter().zip(&r).enumerate() {
        if k == 1 {
            continue;
        }
        let idx: Vec<usize> = (0..n * k).map(|i| i % n.max(1)).collect();
        out = with_array!(&out, a => wrap(gather_axis(op, a.view(), ax, &idx)?));
    }
    Ok(out)
}

/// The NumPy-style common dtype of several arrays.
fn common_dtype(op: &str, xs: &[&NdArray]) -> BResult<DType> {
    let first = xs
        .first()
        .ok_or_else(|| BackendError::value(format!("{op}: needs at least one array")))?;
    Ok(xs
        .iter()
        .fold(first.dtype(), |d, x| DType::promote_lenient(d, x.dtype())))
}

/// `concat(axis, x1, x2, ...)`: joins along an existing axis (the shapes
/// must agree elsewhere), or the flattened arrays when `axis` is None.
/// Dtypes promote as in NumPy.
pub fn concat(op: &str, axis: Option<i64>, xs: &[&NdArray]) -> BResult<NdArray> {
    let dt = common_dtype(op, xs)?;
    let flat;
    let (xs, ax): (Vec<&NdArray>, usize) = match axis {
        None => {
            flat = xs
                .iter()
                .map(|x| reshape(op, x, &[-1]))
                .collect::<BResult<Vec<_>>>()?;
            (flat.iter().collect(), 0)
        }
        Some(a) => {
            let nd = xs[0].ndim();
            let ax = strict_axis(op, a, nd)?;
            for x in xs {
                let same =
                    x.ndim() == nd && (0..nd).all(|i| i == ax || x.shape()[i] == xs[0].shape()[i]);
                if !same {
                    return Err(BackendError::shape(format!(
                        "{op}: shapes {:?} and {:?} do not match outside axis {a}",
                        xs[0].shape(),
                        x.shape()
                    )));
                }
            }
            (xs.to_vec(), ax)
        }
    };
    dispatch_dtype!(dt, T => concat_t::<T>(op, &xs, ax))
}

fn concat_t<T: Elem>(op: &str, xs: &[&NdArray], ax: usize) -> BResult<NdArray> {
    let typed_xs: Vec<_> = xs.iter().map(|x| typed::<T>(x)).collect();
    let views: Vec<ArrayViewD<'_, T>> = typed_xs.iter().map(|c| c.view()).collect();
    let out = ndarray::concatenate(Axis(ax), &views)
        .map_err(|e| BackendError::shape(format!("{op}: {e}")))?;
    Ok(wrap(out))
}

/// `stack(axis, x1, x2, ...)`: joins arrays of one shape along a new axis
/// (`-(ndim+1) <= axis <= ndim`). Dtypes promote as in NumPy.
pub fn stack(op: &str, axis: i64, xs: &[&NdArray]) -> BResult<NdArray> {
    let dt = common_dtype(op, xs)?;
    let shape = xs[0].shape();
    if let Some(x) = xs.iter().find(|x| x.shape() != shape) {
        return Err(BackendError::shape(format!(
            "{op}: all arrays must have the same shape, got {shape:?} and {:?}",
            x.shape()
        )));
    }
    let ax = strict_axis(op, axis, shape.len() + 1)?;
    dispatch_dtype!(dt, T => stack_t::<T>(op, xs, ax))
}

fn stack_t<T: Elem>(op: &str, xs: &[&NdArray], ax: usize) -> BResult<NdArray> {
    let typed_xs: Vec<_> = xs.iter().map(|x| typed::<T>(x)).collect();
    let views: Vec<ArrayViewD<'_, T>> = typed_xs.iter().map(|c| c.view()).collect();
    let out =
        ndarray::stack(Axis(ax), &views).map_err(|e| BackendError::shape(format!("{op}: {e}")))?;
    Ok(wrap(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{call_direct, single, Arg};
    use glass_backend_api::{ErrorKind, RValue};

    fn f64s(shape: &[usize], v: Vec<f64>) -> NdArray {
        NdArray::Float64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn i64s(shape: &[usize], v: Vec<i64>) -> NdArray {
        NdArray::Int64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn arange(shape: &[usize]) -> NdArray {
        let n: usize = shape.iter().product();
        i64s(shape, (0..n as i64).collect())
    }
    fn ints(v: &[i64]) -> Arg<'static> {
        Arg::Value(RValue::Ints(v.to_vec().into()))
    }
    fn int(v: i64) -> Arg<'static> {
        Arg::Value(RValue::Int(v))
    }
    fn none() -> Arg<'static> {
        Arg::Value(RValue::None)
    }
    fn run(op: Op, args: &[Arg<'_>]) -> NdArray {
        single(call_direct(op, args)).unwrap()
    }
    fn err(op: Op, args: &[Arg<'_>]) -> ErrorKind {
        single(call_direct(op, args)).unwrap_err().kind
    }

    #[test]
    fn reshape_with_unknown() {
        let x = arange(&[2, 3]);
        assert_eq!(
            run(Op::Reshape, &[(&x).into(), ints(&[3, -1])]),
            arange(&[3, 2])
        );
        assert_eq!(run(Op::Reshape, &[(&x).into(), ints(&[-1])]), arange(&[6]));
        assert_eq!(
            err(Op::Reshape, &[(&x).into(), ints(&[4, -1])]),
            ErrorKind::Shape
        );
        assert_eq!(
            err(Op::Reshape, &[(&x).into(), ints(&[5])]),
            ErrorKind::Shape
        );
        assert_eq!(
            err(Op::Reshape, &[(&x).into(), ints(&[-1, -1])]),
            ErrorKind::Value
        );
        let e = arange(&[0, 3]);
        assert_eq!(
            run(Op::Reshape, &[(&e).into(), ints(&[3, 0])]).shape(),
            &[3, 0]
        );
        assert_eq!(
            err(Op::Reshape, &[(&e).into(), ints(&[0, -1])]),
            ErrorKind::Shape
        );
        // Reshape of a transposed array follows the logical C order.
        let t = run(Op::MatrixTranspose, &[(&x).into()]);
        assert_eq!(
            run(Op::Reshape, &[(&t).into(), ints(&[6])]),
            i64s(&[6], vec![0, 3, 1, 4, 2, 5])
        );
    }

    #[test]
    fn permutations() {
        let x = arange(&[2, 3, 4]);
        let p = run(Op::PermuteDims, &[(&x).into(), ints(&[2, 0, -2])]);
        assert_eq!(p.shape(), &[4, 2, 3]);
        let NdArray::Int64(pa) = &p else { panic!() };
        assert_eq!(pa[[3, 1, 2]], 12 + 2 * 4 + 3); // x[1, 2, 3]
        assert_eq!(
            err(Op::PermuteDims, &[(&x).into(), ints(&[0, 0, 1])]),
            ErrorKind::Shape
        );
        assert_eq!(
            err(Op::PermuteDims, &[(&x).into(), ints(&[0, 1])]),
            ErrorKind::Shape
        );
        let m = run(Op::Moveaxis, &[(&x).into(), int(0), int(-1)]);
        assert_eq!(m.shape(), &[3, 4, 2]);
        let m2 = run(Op::Moveaxis, &[(&x).into(), ints(&[0, 1]), ints(&[-1, -2])]);
        assert_eq!(m2.shape(), &[4, 3, 2]);
        assert_eq!(m2, run(Op::PermuteDims, &[(&x).into(), ints(&[2, 1, 0])]));
        assert_eq!(
            err(Op::MatrixTranspose, &[(&arange(&[3])).into()]),
            ErrorKind::Shape
        );
    }

    #[test]
    fn broadcasting() {
        let x = arange(&[3, 1]);
        let b = run(Op::BroadcastTo, &[(&x).into(), ints(&[2, 3, 4])]);
        assert_eq!(b.shape(), &[2, 3, 4]);
        let NdArray::Int64(ba) = &b else { panic!() };
        assert_eq!(ba[[1, 2, 3]], 2);
        assert_eq!(
            err(Op::BroadcastTo, &[(&x).into(), ints(&[2, 4])]),
            ErrorKind::Shape
        );
        let y = f64s(&[4], vec![0.0; 4]);
        let out = call_direct(Op::BroadcastArrays, &[(&x).into(), (&y).into()]).unwrap();
        assert_eq!(out.len(), 2);
        for v in out {
            let Value::Array(a) = v else { panic!() };
            assert_eq!(a.shape(), &[3, 4]);
        }
    }

    #[test]
    fn axes_of_length_one() {
        let x = arange(&[2, 3]);
        assert_eq!(
            run(Op::ExpandDims, &[(&x).into(), int(-1)]).shape(),
            &[2, 3, 1]
        );
        assert_eq!(
            run(Op::ExpandDims, &[(&x).into(), int(0)]).shape(),
            &[1, 2, 3]
        );
        assert_eq!(
            err(Op::ExpandDims, &[(&x).into(), int(3)]),
            ErrorKind::Shape
        );
        let y = arange(&[1, 3, 1]);
        assert_eq!(
            run(Op::Squeeze, &[(&y).into(), ints(&[0])]).shape(),
            &[3, 1]
        );
        assert_eq!(
            run(Op::Squeeze, &[(&y).into(), ints(&[0, -1])]).shape(),
            &[3]
        );
        assert_eq!(run(Op::Squeeze, &[(&y).into(), none()]).shape(), &[3]);
        assert_eq!(
            err(Op::Squeeze, &[(&y).into(), ints(&[1])]),
            ErrorKind::Shape
        );
    }

    #[test]
    fn flip_and_roll() {
        let x = arange(&[2, 3]);
        assert_eq!(
            run(Op::Flip, &[(&x).into(), none()]),
            i64s(&[2, 3], vec![5, 4, 3, 2, 1, 0])
        );
        assert_eq!(
            run(Op::Flip, &[(&x).into(), int(-1)]),
            i64s(&[2, 3], vec![2, 1, 0, 5, 4, 3])
        );
        assert_eq!(
            run(Op::Roll, &[(&x).into(), int(1), none()]),
            i64s(&[2, 3], vec![5, 0, 1, 2, 3, 4])
        );
        assert_eq!(
            run(Op::Roll, &[(&x).into(), int(-1), int(1)]),
            i64s(&[2, 3], vec![1, 2, 0, 4, 5, 3])
        );
        assert_eq!(
            run(Op::Roll, &[(&x).into(), ints(&[1, 1]), ints(&[0, 1])]),
            i64s(&[2, 3], vec![5, 3, 4, 2, 0, 1])
        );
        // Repeated axes add their shifts: 1 + 1 along axis 1.
        assert_eq!(
            run(Op::Roll, &[(&x).into(), ints(&[1, 1]), ints(&[1, 1])]),
            i64s(&[2, 3], vec![1, 2, 0, 4, 5, 3])
        );
        let e = arange(&[0]);
        assert_eq!(run(Op::Roll, &[(&e).into(), int(3), none()]).shape(), &[0]);
    }

    #[test]
    fn repeat_and_tile() {
        let x = arange(&[2, 2]);
        assert_eq!(
            run(Op::Repeat, &[(&x).into(), int(2), none()]),
            i64s(&[8], vec![0, 0, 1, 1, 2, 2, 3, 3])
        );
        let r = i64s(&[2], vec![1, 2]);
        assert_eq!(
            run(Op::Repeat, &[(&x).into(), (&r).into(), int(0)]),
            i64s(&[3, 2], vec![0, 1, 2, 3, 2, 3])
        );
        assert_eq!(
            run(Op::Repeat, &[(&x).into(), (&r).into(), int(1)]),
            i64s(&[2, 3], vec![0, 1, 1, 2, 3, 3])
        );
        assert_eq!(
            err(Op::Repeat, &[(&x).into(), int(-1), none()]),
            ErrorKind::Value
        );
        let bad = i64s(&[3], vec![1, 2, 3]);
        assert_eq!(
            err(Op::Repeat, &[(&x).into(), (&bad).into(), int(0)]),
            ErrorKind::Shape
        );
        let y = arange(&[2]);
        assert_eq!(
            run(Op::Tile, &[(&y).into(), int(2)]),
            i64s(&[4], vec![0, 1, 0, 1])
        );
        assert_eq!(
            run(Op::Tile, &[(&y).into(), ints(&[2, 1])]),
            i64s(&[2, 2], vec![0, 1, 0, 1])
        );
        assert_eq!(
            run(Op::Tile, &[(&x).into(), ints(&[2])]),
            i64s(&[2, 4], vec![0, 1, 0, 1, 2, 3, 2, 3])
        );
        assert_eq!(run(Op::Tile, &[(&y).into(), int(0)]).shape(), &[0]);
    }

    #[test]
    fn concat_and_stack() {
        let a = arange(&[2, 2]);
        let b = f64s(&[1, 2], vec![0.5, 1.5]);
        let c = run(Op::Concat, &[int(0), (&a).into(), (&b).into()]);
        assert_eq!(c, f64s(&[3, 2], vec![0.0, 1.0, 2.0, 3.0, 0.5, 1.5]));
        let c = run(Op::Concat, &[none(), (&a).into(), (&b).into()]);
        assert_eq!(c.shape(), &[6]);
        assert_eq!(
            err(Op::Concat, &[int(1), (&a).into(), (&b).into()]),
            ErrorKind::Shape
        );
        assert_eq!(err(Op::Concat, &[int(0)]), ErrorKind::Value);
        let c = run(Op::Concat, &[int(-1), (&a).into(), (&a).into()]);
        assert_eq!(c, i64s(&[2, 4], vec![0, 1, 0, 1, 2, 3, 2, 3]));
        let s = run(Op::Stack, &[int(-1), (&a).into(), (&a).into()]);
        assert_eq!(s.shape(), &[2, 2, 2]);
        assert_eq!(s, i64s(&[2, 2, 2], vec![0, 0, 1, 1, 2, 2, 3, 3]));
        assert_eq!(
            err(Op::Stack, &[int(0), (&a).into(), (&b).into()]),
            ErrorKind::Shape
        );
    }
}
