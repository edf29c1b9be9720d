//! Indexing ops: `getitem` and `setitem` with basic indices (integers,
//! slices, newaxis, ellipsis) under NumPy's semantics, `take`,
//! `take_along_axis` and boolean-mask `getitem_mask`.
//!
//! Slices clamp their ends to the axis as Python's do (the strict backend
//! refuses out-of-range slices before calling here); an integer index out of
//! range is a Shape error naming the index and the axis length.

use glass_backend_api::{Args, BResult, BackendError, DType, IndexItem, Kind, Op, Operand, Value};
use ndarray::{ArrayBase, ArrayD, Axis, IxDyn, RawData, Slice, Zip};

use crate::manipulation::{dispatch_dtype, gather_axis, reshape_to, standard, strict_axis, wrap};
use crate::util::{broadcast_shapes, convert, typed, Elem};
use crate::{one, with_array, NdArray};

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::Getitem | Op::Setitem | Op::Take | Op::TakeAlongAxis | Op::GetitemMask
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    let name = args.op();
    let x = args.array(0)?.as_ref();
    match op {
        Op::Getitem => one(getitem(name, x, &args.index(1)?)?),
        Op::Setitem => {
            let scalar;
            let value: &NdArray = match args.operand(2)? {
                Operand::Array(v) => v.as_ref(),
                Operand::Bool(b) => {
                    scalar = NdArray::Bool(ArrayD::from_elem(IxDyn(&[]), b));
                    &scalar
                }
                Operand::Int(v) => {
                    scalar = NdArray::Int64(ArrayD::from_elem(IxDyn(&[]), v));
                    &scalar
                }
                Operand::Float(v) => {
                    scalar = NdArray::Float64(ArrayD::from_elem(IxDyn(&[]), v));
                    &scalar
                }
                Operand::Complex(c) => {
                    scalar = NdArray::Complex128(ArrayD::from_elem(IxDyn(&[]), c));
                    &scalar
                }
            };
            one(setitem(name, x, &args.index(1)?, value)?)
        }
        Op::Take => one(take(name, x, args.array(1)?.as_ref(), args.opt_int(2)?)?),
        Op::TakeAlongAxis => one(take_along_axis(
            name,
            x,
            args.array(1)?.as_ref(),
            args.int_or(2, -1)?,
        )?),
        Op::GetitemMask => one(getitem_mask(name, x, args.array(1)?.as_ref())?),
        _ => Err(BackendError::unsupported(format!(
            "{op} is not an indexing op"
        ))),
    }
}

// --- basic indexing --------------------------------------------------------------

/// One resolved step of a basic index, applied to the axis under the cursor.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Selects one position and removes the axis.
    Index(usize),
    /// Slices the axis (ends already normalised to the axis) and moves on.
    Slice(Slice),
    /// Inserts an axis of length one and moves on.
    NewAxis,
}

/// Python's `slice(start, stop, step).indices(n)` turned into an ndarray
/// [`Slice`]: ends count from the back when negative and are clamped to the
/// axis; a negative step walks backwards from `start`.
fn numpy_slice(
    op: &str,
    n: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> BResult<Slice> {
    if step == 0 {
        return Err(BackendError::value(format!(
            "{op}: slice step cannot be zero"
        )));
    }
    let len = n as i64;
    let adjust = |v: i64, lo: i64, hi: i64| {
        let v = if v < 0 { v + len } else { v };
        v.clamp(lo, hi)
    };
    let (first, count) = if step > 0 {
        let s = start.map_or(0, |v| adjust(v, 0, len));
        let e = stop.map_or(len, |v| adjust(v, 0, len));
        (s, if e > s { (e - s - 1) / step + 1 } else { 0 })
    } else {
        let s = start.map_or(len - 1, |v| adjust(v, -1, len - 1));
        let e = stop.map_or(-1, |v| adjust(v, -1, len - 1));
        (s, if s > e { (s - e - 1) / (-step) + 1 } else { 0 })
    };
    if count == 0 {
        return Ok(Slice::new(0, Some(0), 1));
    }
    let last = first + (count - 1) * step;
    Ok(if step > 0 {
        Slice::new(first as isize, Some(last as isize + 1), step as isize)
    } else {
        // ndarray walks a negative step backwards from `end - 1`.
        Slice::new(last as isize, Some(first as isize + 1), step as isize)
    })
}

/// Resolves a basic index against `shape`: expands the ellipsis, checks
/// integer indices, normalises slices.
fn plan(op: &str, index: &[IndexItem], shape: &[usize]) -> BResult<Vec<Step>> {
    let ellipses = index
        .iter()
        .filter(|i| matches!(i, IndexItem::Ellipsis))
        .count();
    if ellipses > 1 {
        return Err(BackendError::value(format!(
            "{op}: an index can only have a single ellipsis"
        )));
    }
    let consumed = index
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
        .count();
    if consumed > shape.len() {
        return Err(BackendError::shape(format!(
            "{op}: too many indices: the array is {}-dimensional, but {consumed} were indexed",
            shape.len()
        )));
    }
    let mut steps = Vec::with_capacity(index.len() + shape.len());
    let mut ax = 0;
    for item in index {
        match *item {
            IndexItem::Int(i) => {
                let n = shape[ax];
                let j = if i < 0 { i + n as i64 } else { i };
                if j < 0 || j >= n as i64 {
                    return Err(BackendError::shape(format!(
                        "{op}: index {i} is out of bounds for axis {ax} with size {n}"
                    )));
                }
                steps.push(Step::Index(j as usize));
                ax += 1;
            }
            IndexItem::Slice {
                start,
                has_start,
                stop,
                has_stop,
                step,
            } => {
                let start = has_start.then_some(start);
                let stop = has_stop.then_some(stop);
                steps.push(Step::Slice(numpy_slice(op, shape[ax], start, stop, step)?));
                ax += 1;
            }
            IndexItem::NewAxis => steps.push(Step::NewAxis),
            IndexItem::Ellipsis => {
                let k = shape.len() - consumed;
                steps.extend(std::iter::repeat_n(Step::Slice(Slice::new(0, None, 1)), k));
                ax += k;
            }
            _ => {
                return Err(BackendError::value(format!(
                    "{op}: an index item of a kind the ndarray core does not know"
                )))
            }
        }
    }
    Ok(steps)
}

/// Applies resolved steps to an array or (mutable) view; axes after the
/// last step are kept whole.
fn apply<S: RawData>(mut v: ArrayBase<S, IxDyn>, steps: &[Step]) -> ArrayBase<S, IxDyn> {
    let mut ax = 0;
    for step in steps {
        match *step {
            Step::Index(i) => v = v.index_axis_move(Axis(ax), i),
            Step::Slice(s) => {
                v.slice_axis_inplace(Axis(ax), s);
                ax += 1;
            }
            Step::NewAxis => {
                v = v.insert_axis(Axis(ax));
                ax += 1;
            }
        }
    }
    v
}

/// `getitem(x, index)`: `x[index]` with NumPy's basic indexing.
pub fn getitem(op: &str, x: &NdArray, index: &[IndexItem]) -> BResult<NdArray> {
    let steps = plan(op, index, x.shape())?;
    Ok(with_array!(x, a => wrap(standard(apply(a.view(), &steps)))))
}

/// Whether NumPy's `same_kind` casting allows `from -> to`: within a kind,
/// or up the order bool < integer < real floating < complex floating.
fn same_kind(from: DType, to: DType) -> bool {
    let rank = |d: DType| match d.kind() {
        Some(Kind::Bool) => 0,
        Some(Kind::Integer) => 1,
        Some(Kind::RealFloating) => 2,
        Some(Kind::ComplexFloating) | None => 3,
    };
    rank(from) <= rank(to)
}

/// `setitem(x, index, value)`: a copy of `x` with `x[index] = value`
/// (value broadcast to the indexed region; leading axes of length one in
/// `value` are dropped as NumPy does). The value is cast to x's dtype under
/// `same_kind` rules; a float into an integer array is a DType error.
pub fn setitem(op: &str, x: &NdArray, index: &[IndexItem], value: &NdArray) -> BResult<NdArray> {
    if !same_kind(value.dtype(), x.dtype()) {
        return Err(BackendError::dtype(format!(
            "{op}: cannot assign {} values to a {} array (not a same-kind cast)",
            value.dtype(),
            x.dtype()
        )));
    }
    let steps = plan(op, index, x.shape())?;
    let value = convert(value, x.dtype());
    dispatch_dtype!(x.dtype(), T => setitem_t::<T>(op, x, &steps, &value))
}

fn setitem_t<T: Elem>(op: &str, x: &NdArray, steps: &[Step], value: &NdArray) -> BResult<NdArray> {
    let mut out = standard(typed::<T>(x).view());
    let val = typed::<T>(value);
    {
        let region = apply(out.view_mut(), steps);
        let mut v = val.view();
        while v.ndim() > region.ndim() && v.shape()[0] == 1 {
            v = v.index_axis_move(Axis(0), 0);
        }
        let b = v.broadcast(region.raw_dim()).ok_or_else(|| {
            BackendError::shape(format!(
                "{op}: cannot broadcast a value of shape {:?} to the indexed shape {:?}",
                val.shape(),
                region.shape()
            ))
        })?;
        let mut region = region;
        region.assign(&b);
    }
    Ok(wrap(out))
}

// --- integer-array and mask indexing -----------------------------------------------

/// The int64 indices of `indices`, made non-negative for an axis of length
/// `n` (negative indices count from the end); out of range is a Shape error.
fn positions(op: &str, indices: &NdArray, n: usize, ax: usize) -> BResult<Vec<usize>> {
    let NdArray::Int64(ind) = indices else {
        return Err(BackendError::dtype(format!(
            "{op}: indices must be int64, got {}",
            indices.dtype()
        )));
    };
    ind.iter()
        .map(|&i| {
            let j = if i < 0 { i + n as i64 } else { i };
            if j < 0 || j >= n as i64 {
                Err(BackendError::shape(format!(
                    "{op}: index {i} is out of bounds for axis {ax} with size {n}"
                )))
            } else {
                Ok(j as usize)
            }
        })
        .collect()
}

/// `take(x, indices, axis)`: `out[a.., i.., b..] = x[a.., indices[i..], b..]`
/// (the result has `x.shape[:axis] + indices.shape + x.shape[axis+1:]`);
/// with `axis` None, x is flattened first.
pub fn take(op: &str, x: &NdArray, indices: &NdArray, axis: Option<i64>) -> BResult<NdArray> {
    // the hot case (a catalogue looking up its pixels): a contiguous 1-d
    // table, or any contiguous table with axis None, and contiguous
    // indices: a direct parallel gather
    if let NdArray::Int64(ind) = indices {
        if axis.is_none() || x.ndim() == 1 {
            if let Some(out) = with_array!(x, a => take_flat(op, a, ind)?.map(wrap)) {
                return Ok(out);
            }
        }
    }
    let flat;
    let (x, ax) = match axis {
        None => {
            flat = crate::manipulation::reshape(op, x, &[-1])?;
            (&flat, 0)
        }
        Some(a) => (x, strict_axis(op, a, x.ndim())?),
    };
    let n = x.shape()[ax];
    let idx = positions(op, indices, n, ax)?;
    let mut shape = x.shape()[..ax].to_vec();
    shape.extend_from_slice(indices.shape());
    shape.extend_from_slice(&x.shape()[ax + 1..]);
    with_array!(x, a => {
        let g = gather_axis(op, a.view(), ax, &idx)?;
        Ok(wrap(reshape_to(op, g.view(), &shape)?))
    })
}

/// `x.flat[indices]` for contiguous `x` and `indices` (`None` otherwise):
/// negative indices count from the end, out-of-range ones are an error.
fn take_flat<T: Copy + Send + Sync>(
    op: &str,
    x: &ArrayD<T>,
    ind: &ArrayD<i64>,
) -> BResult<Option<ArrayD<T>>> {
    use rayon::prelude::*;
    let (Some(xs), Some(is)) = (x.as_slice(), ind.as_slice()) else {
        return Ok(None);
    };
    let n = xs.len() as i64;
    let at = |i: i64| -> Option<T> {
        let j = if i < 0 { i + n } else { i };
        (0..n).contains(&j).then(|| xs[j as usize])
    };
    // fixed chunks, each gathered in one pass (bounds checked on the way)
    const CHUNK: usize = 1 << 16;
    let Some(&fill) = xs.first() else {
        return Ok(None);
    };
    let mut out = vec![fill; is.len()];
    let ok = out
        .par_chunks_mut(CHUNK)
        .zip(is.par_chunks(CHUNK))
        .map(|(o, c)| {
            let mut ok = true;
            for (o, &i) in o.iter_mut().zip(c) {
                match at(i) {
                    Some(v) => *o = v,
                    None => ok = false,
                }
            }
            ok
        })
        .reduce(|| true, |a, b| a && b);
    if !ok {
        let bad = is
            .iter()
            .find(|&&i| at(i).is_none())
            .copied()
            .unwrap_or_default();
        return Err(BackendError::shape(format!(
            "{op}: index {bad} is out of bounds for axis 0 with size {n}"
        )));
    }
    ArrayD::from_shape_vec(IxDyn(ind.shape()), out)
        .map(Some)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

/// `take_along_axis(x, indices, axis)`: `out[.., j, ..] = x[.., indices[.., j, ..], ..]`
/// along `axis`; the other axes of x and indices broadcast.
pub fn take_along_axis(op: &str, x: &NdArray, indices: &NdArray, axis: i64) -> BResult<NdArray> {
    let nd = x.ndim();
    if indices.ndim() != nd {
        return Err(BackendError::shape(format!(
            "{op}: x {:?} and indices {:?} must have the same number of dimensions",
            x.shape(),
            indices.shape()
        )));
    }
    let ax = strict_axis(op, axis, nd)?;
    let n = x.shape()[ax];
    let NdArray::Int64(ind) = indices else {
        return Err(BackendError::dtype(format!(
            "{op}: indices must be int64, got {}",
            indices.dtype()
        )));
    };
    if let Some(&bad) = ind.iter().find(|&&i| i < -(n as i64) || i >= n as i64) {
        return Err(BackendError::shape(format!(
            "{op}: index {bad} is out of bounds for axis {ax} with size {n}"
        )));
    }
    let mut xs = x.shape().to_vec();
    let mut is = indices.shape().to_vec();
    xs[ax] = 1;
    is[ax] = 1;
    let mut shape = broadcast_shapes(op, &[&xs, &is])?;
    shape[ax] = n;
    let mut out_shape = shape.clone();
    out_shape[ax] = indices.shape()[ax];
    let ib = ind.broadcast(IxDyn(&out_shape)).ok_or_else(|| {
        BackendError::shape(format!(
            "{op}: cannot broadcast indices {:?} to {out_shape:?}",
            ind.shape()
        ))
    })?;
    with_array!(x, a => {
        let xb = a.broadcast(IxDyn(&shape)).ok_or_else(|| {
            BackendError::shape(format!("{op}: cannot broadcast x {:?} to {shape:?}", a.shape()))
        })?;
        let mut out = ArrayD::from_elem(IxDyn(&out_shape), a.first().copied().unwrap_or(Elem::ZERO));
        Zip::from(out.lanes_mut(Axis(ax)))
            .and(xb.lanes(Axis(ax)))
            .and(ib.lanes(Axis(ax)))
            .for_each(|mut o, xl, il| {
                for (oo, &i) in o.iter_mut().zip(il.iter()) {
                    let j = if i < 0 { i + n as i64 } else { i } as usize;
                    if let Some(v) = xl.get(j) {
                        *oo = *v;
                    }
                }
            });
        Ok(wrap(out))
    })
}

/// `getitem_mask(x, mask)`: `x[mask]` for a bool mask over the leading
/// `mask.ndim` axes of x: the selected elements (or sub-arrays) in C order,
/// shape `(count,) + x.shape[mask.ndim:]`.
pub fn getitem_mask(op: &str, x: &NdArray, mask: &NdArray) -> BResult<NdArray> {
    let NdArray::Bool(m) = mask else {
        return Err(BackendError::dtype(format!(
            "{op}: mask must be bool, got {}",
            mask.dtype()
        )));
    };
    let k = m.ndim();
    if k > x.ndim() || m.shape() != &x.shape()[..k] {
        return Err(BackendError::shape(format!(
            "{op}: mask of shape {:?} does not match the leading axes of x {:?}",
            m.shape(),
            x.shape()
        )));
    }
    let rows: Vec<usize> = m
        .iter()
        .enumerate()
        .filter(|(_, &b)| b)
        .map(|(i, _)| i)
        .collect();
    let mut flat_shape = vec![m.len()];
    flat_shape.extend_from_slice(&x.shape()[k..]);
    with_array!(x, a => {
        let flat = reshape_to(op, a.view(), &flat_shape)?;
        Ok(wrap(gather_axis(op, flat.view(), 0, &rows)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{call_direct, single, Arg};
    use glass_backend_api::{ErrorKind, RValue};

    fn i64s(shape: &[usize], v: Vec<i64>) -> NdArray {
        NdArray::Int64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn f64s(shape: &[usize], v: Vec<f64>) -> NdArray {
        NdArray::Float64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn arange(shape: &[usize]) -> NdArray {
        let n: usize = shape.iter().product();
        i64s(shape, (0..n as i64).collect())
    }
    fn idx(items: &[IndexItem]) -> Arg<'static> {
        Arg::Value(RValue::index(items.iter().copied()))
    }
    fn sl(a: Option<i64>, b: Option<i64>, s: i64) -> IndexItem {
        IndexItem::slice(a, b, s)
    }
    fn get(x: &NdArray, items: &[IndexItem]) -> BResult<NdArray> {
        single(call_direct(Op::Getitem, &[x.into(), idx(items)]))
    }
    fn vals(x: &NdArray) -> Vec<i64> {
        let NdArray::Int64(a) = x else {
            panic!("not int64")
        };
        a.iter().copied().collect()
    }

    /// Python's `list(range(n))[start:stop:step]`, computed the slow way.
    fn python_slice(n: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<i64> {
        let norm = |v: i64| if v < 0 { v + n } else { v };
        let mut out = Vec::new();
        if step > 0 {
            let s = start.map_or(0, |v| norm(v).clamp(0, n));
            let e = stop.map_or(n, |v| norm(v).clamp(0, n));
            let mut i = s;
            while i < e {
                out.push(i);
                i += step;
            }
        } else {
            let s = start.map_or(n - 1, |v| norm(v).clamp(-1, n - 1));
            let e = stop.map_or(-1, |v| norm(v).clamp(-1, n - 1));
            let mut i = s;
            while i > e {
                out.push(i);
                i += step;
            }
        }
        out
    }

    #[test]
    fn slices_match_python() {
        let ends = [
            None,
            Some(-12),
            Some(-7),
            Some(-3),
            Some(-1),
            Some(0),
            Some(2),
            Some(5),
            Some(7),
            Some(20),
        ];
        for n in [0usize, 1, 7] {
            let x = arange(&[n]);
            for &a in &ends {
                for &b in &ends {
                    for step in [-3, -2, -1, 1, 2, 3] {
                        let got = vals(&get(&x, &[sl(a, b, step)]).unwrap());
                        assert_eq!(
                            got,
                            python_slice(n as i64, a, b, step),
                            "n={n} {a:?}:{b:?}:{step}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn numpy_examples() {
        let x = arange(&[6]);
        assert_eq!(
            vals(&get(&x, &[sl(Some(1), Some(-1), 2)]).unwrap()),
            vec![1, 3]
        );
        assert_eq!(
            vals(&get(&x, &[sl(None, None, -1)]).unwrap()),
            vec![5, 4, 3, 2, 1, 0]
        );
        let y = get(&x, &[IndexItem::Ellipsis, IndexItem::NewAxis]).unwrap();
        assert_eq!(y.shape(), &[6, 1]);
        let last = get(&x, &[IndexItem::Int(-1)]).unwrap();
        assert_eq!(last.shape(), &[] as &[usize]);
        assert_eq!(vals(&last), vec![5]);
        let m = arange(&[2, 3, 4]);
        let r = get(&m, &[IndexItem::Ellipsis, IndexItem::Int(1)]).unwrap();
        assert_eq!(r.shape(), &[2, 3]);
        assert_eq!(vals(&r), vec![1, 5, 9, 13, 17, 21]);
        let r = get(
            &m,
            &[IndexItem::Int(1), IndexItem::NewAxis, sl(None, None, -2)],
        )
        .unwrap();
        assert_eq!(r.shape(), &[1, 2, 4]);
        assert_eq!(vals(&r), vec![20, 21, 22, 23, 12, 13, 14, 15]);
        assert_eq!(get(&m, &[]).unwrap(), m);
    }

    #[test]
    fn getitem_errors() {
        let x = arange(&[3, 2]);
        let e = get(&x, &[IndexItem::Int(3)]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(
            e.message.contains("index 3") && e.message.contains("size 3"),
            "{}",
            e.message
        );
        assert_eq!(
            get(&x, &[IndexItem::Int(0), IndexItem::Int(-3)])
                .unwrap_err()
                .kind,
            ErrorKind::Shape
        );
        let three = [IndexItem::Int(0), IndexItem::Int(0), IndexItem::Int(0)];
        assert_eq!(get(&x, &three).unwrap_err().kind, ErrorKind::Shape);
        let two_ellipses = [IndexItem::Ellipsis, IndexItem::Ellipsis];
        assert_eq!(get(&x, &two_ellipses).unwrap_err().kind, ErrorKind::Value);
        assert_eq!(
            get(&x, &[sl(None, None, 0)]).unwrap_err().kind,
            ErrorKind::Value
        );
    }

    #[test]
    fn setitem_copies_and_broadcasts() {
        let x = f64s(&[2, 3], vec![0.0; 6]);
        let row = f64s(&[3], vec![1.0, 2.0, 3.0]);
        let out = single(call_direct(
            Op::Setitem,
            &[(&x).into(), idx(&[sl(None, None, 1)]), (&row).into()],
        ))
        .unwrap();
        assert_eq!(out, f64s(&[2, 3], vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]));
        assert_eq!(x, f64s(&[2, 3], vec![0.0; 6]), "x must not change");
        let out = single(call_direct(
            Op::Setitem,
            &[
                (&x).into(),
                idx(&[IndexItem::Ellipsis, sl(None, None, -2)]),
                Arg::Value(RValue::Int(7)),
            ],
        ))
        .unwrap();
        assert_eq!(out, f64s(&[2, 3], vec![7.0, 0.0, 7.0, 7.0, 0.0, 7.0]));
        // Float into int is not a same-kind cast.
        let xi = arange(&[3]);
        let e = single(call_direct(
            Op::Setitem,
            &[
                (&xi).into(),
                idx(&[IndexItem::Int(0)]),
                Arg::Value(RValue::Float(1.5)),
            ],
        ));
        assert_eq!(e.unwrap_err().kind, ErrorKind::DType);
        let out = single(call_direct(
            Op::Setitem,
            &[
                (&xi).into(),
                idx(&[IndexItem::Int(-1)]),
                Arg::Value(RValue::Bool(true)),
            ],
        ));
        assert_eq!(vals(&out.unwrap()), vec![0, 1, 1]);
        let bad = f64s(&[2], vec![1.0, 2.0]);
        let e = single(call_direct(
            Op::Setitem,
            &[(&x).into(), idx(&[]), (&bad).into()],
        ));
        assert_eq!(e.unwrap_err().kind, ErrorKind::Shape);
    }

    #[test]
    fn take_and_take_along_axis() {
        let x = arange(&[2, 3]);
        let i = i64s(&[2], vec![2, -3]);
        let t = single(call_direct(
            Op::Take,
            &[(&x).into(), (&i).into(), Arg::Value(RValue::Int(1))],
        ))
        .unwrap();
        assert_eq!(t, i64s(&[2, 2], vec![2, 0, 5, 3]));
        let i2 = i64s(&[2, 2], vec![5, 0, 1, 4]);
        let t = single(call_direct(Op::Take, &[(&x).into(), (&i2).into()])).unwrap();
        assert_eq!(t, i64s(&[2, 2], vec![5, 0, 1, 4]));
        let oob = i64s(&[1], vec![3]);
        let e = single(call_direct(
            Op::Take,
            &[(&x).into(), (&oob).into(), Arg::Value(RValue::Int(1))],
        ));
        assert_eq!(e.unwrap_err().kind, ErrorKind::Shape);
        let y = f64s(&[2, 3], vec![3.0, 1.0, 2.0, 0.5, 0.7, 0.1]);
        let order = i64s(&[2, 3], vec![1, 2, 0, 2, 0, 1]);
        let s = single(call_direct(
            Op::TakeAlongAxis,
            &[(&y).into(), (&order).into(), Arg::Value(RValue::Int(-1))],
        ))
        .unwrap();
        assert_eq!(s, f64s(&[2, 3], vec![1.0, 2.0, 3.0, 0.1, 0.5, 0.7]));
        let col = i64s(&[1, 3], vec![1, 0, -1]);
        let s = single(call_direct(
            Op::TakeAlongAxis,
            &[(&y).into(), (&col).into(), Arg::Value(RValue::Int(0))],
        ))
        .unwrap();
        assert_eq!(s, f64s(&[1, 3], vec![0.5, 1.0, 0.1]));
    }

    #[test]
    fn mask_indexing() {
        let x = arange(&[2, 3]);
        let m = NdArray::Bool(
            ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![true, false, true, false, false, true])
                .unwrap(),
        );
        let r = single(call_direct(Op::GetitemMask, &[(&x).into(), (&m).into()])).unwrap();
        assert_eq!(r, i64s(&[3], vec![0, 2, 5]));
        let rows = NdArray::Bool(ArrayD::from_shape_vec(IxDyn(&[2]), vec![false, true]).unwrap());
        let r = single(call_direct(Op::GetitemMask, &[(&x).into(), (&rows).into()])).unwrap();
        assert_eq!(r, i64s(&[1, 3], vec![3, 4, 5]));
        let bad = NdArray::Bool(ArrayD::from_shape_vec(IxDyn(&[3]), vec![true; 3]).unwrap());
        let e = single(call_direct(Op::GetitemMask, &[(&x).into(), (&bad).into()]));
        assert_eq!(e.unwrap_err().kind, ErrorKind::Shape);
        let e = single(call_direct(Op::GetitemMask, &[(&x).into(), (&x).into()]));
        assert_eq!(e.unwrap_err().kind, ErrorKind::DType);
    }
}
