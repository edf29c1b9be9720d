//! Searching and sorting: searchsorted, sort, argsort, nonzero,
//! unique_values.
//!
//! Order: NaN sorts after every number (as NumPy), in ascending and in
//! descending sorts alike; `false < true` for bool. `sort`, `argsort` and
//! `searchsorted` refuse complex input (the standard orders real numbers
//! only); `unique_values` orders complex lexicographically (real part, then
//! imaginary part) like NumPy.
//!
//! `unique_values` keeps every NaN as a distinct value (NaN != NaN, as the
//! Array API specifies; NumPy >= 2 collapses them by default).

use std::cmp::Ordering;

use glass_backend_api::{Args, BResult, BackendError, DType, Op, Value};
use ndarray::{ArrayD, Axis, IxDyn, Zip};
use num_complex::Complex64;
use rayon::prelude::*;

use crate::elementwise::{common_dtype, materialize};
use crate::util::{map1, normalize_axis, Elem, PAR_THRESHOLD};
use crate::{one, NdArray};

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::Searchsorted | Op::Sort | Op::Argsort | Op::Nonzero | Op::UniqueValues
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    match op {
        Op::Searchsorted => {
            let x1a = args.array(0)?;
            let o2 = args.operand(1)?;
            let side = args.str_or(2, "left")?;
            let right = match side {
                "left" => false,
                "right" => true,
                s => {
                    return Err(BackendError::value(format!(
                        "{op}: side must be \"left\" or \"right\", got {s:?}"
                    )))
                }
            };
            let dt = common_dtype(&[&glass_backend_api::Operand::Array(x1a), &o2]);
            let x1 = crate::util::convert(x1a.as_ref(), dt);
            let x2 = materialize(op, &o2, dt)?;
            one(searchsorted(&x1, &x2, right)?)
        }
        Op::Sort | Op::Argsort => {
            let x = args.array(0)?.as_ref();
            let axis = normalize_axis(op.name(), args.int_or(1, -1)?, x.ndim())?;
            if axis >= x.ndim() {
                return Err(BackendError::shape(format!(
                    "{op}: needs at least one dimension"
                )));
            }
            let descending = args.bool_or(2, false)?;
            let stable = args.bool_or(3, true)?;
            one(sort(op, x, axis, descending, stable)?)
        }
        Op::Nonzero => Ok(nonzero(args.array(0)?.as_ref())?
            .into_iter()
            .map(Value::Array)
            .collect()),
        Op::UniqueValues => one(unique_values(args.array(0)?.as_ref())),
        _ => Err(BackendError::unsupported(format!("{op}"))),
    }
}

/// A total order with NaN last.
trait Sortable: Elem {
    fn cmp_nan_last(&self, o: &Self) -> Ordering;
}

impl Sortable for bool {
    fn cmp_nan_last(&self, o: &Self) -> Ordering {
        self.cmp(o)
    }
}

impl Sortable for i64 {
    fn cmp_nan_last(&self, o: &Self) -> Ordering {
        self.cmp(o)
    }
}

macro_rules! sortable_float {
    ($t:ty) => {
        impl Sortable for $t {
            fn cmp_nan_last(&self, o: &Self) -> Ordering {
                match (self.is_nan(), o.is_nan()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => self.partial_cmp(o).unwrap_or(Ordering::Equal),
                }
            }
        }
    };
}
sortable_float!(f32);
sortable_float!(f64);

impl Sortable for Complex64 {
    /// Lexicographic (real, then imaginary part), any NaN last.
    fn cmp_nan_last(&self, o: &Self) -> Ordering {
        match (Elem::is_nan(*self), Elem::is_nan(*o)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self
                .re
                .cmp_nan_last(&o.re)
                .then(self.im.cmp_nan_last(&o.im)),
        }
    }
}

/// The comparison of a sort: ascending, or descending with NaN still last.
fn order<T: Sortable>(descending: bool) -> impl Fn(&T, &T) -> Ordering + Sync + Send + Copy {
    move |a: &T, b: &T| {
        if descending && !a.is_nan() && !b.is_nan() {
            b.cmp_nan_last(a)
        } else {
            a.cmp_nan_last(b)
        }
    }
}

/// Insertion indices: the first `i` with `key <= x1[i]` (left) or
/// `key < x1[i]` (right), in the NaN-last order.
fn insertion<T: Sortable>(x1: &[T], right: bool) -> impl Fn(T) -> i64 + Sync + Send + '_ {
    move |k: T| {
        let i = if right {
            x1.partition_point(|v| v.cmp_nan_last(&k) != Ordering::Greater)
        } else {
            x1.partition_point(|v| v.cmp_nan_last(&k) == Ordering::Less)
        };
        i as i64
    }
}

/// `searchsorted(x1, x2, side)` on operands of one dtype.
fn searchsorted(x1: &NdArray, x2: &NdArray, right: bool) -> BResult<NdArray> {
    let op = Op::Searchsorted;
    if x1.ndim() != 1 {
        return Err(BackendError::shape(format!(
            "{op}: x1 must be 1-d, got shape {:?}",
            x1.shape()
        )));
    }
    macro_rules! go {
        ($a:expr, $b:expr) => {{
            let s = $a.as_standard_layout();
            let s = s
                .as_slice()
                .ok_or_else(|| BackendError::internal("searchsorted: layout"))?;
            map1(&$b.view(), insertion(s, right))
        }};
    }
    Ok(NdArray::Int64(match (x1, x2) {
        (NdArray::Bool(a), NdArray::Bool(b)) => go!(a, b),
        (NdArray::Int64(a), NdArray::Int64(b)) => go!(a, b),
        (NdArray::Float32(a), NdArray::Float32(b)) => go!(a, b),
        (NdArray::Float64(a), NdArray::Float64(b)) => go!(a, b),
        (a, _) => {
            return Err(BackendError::dtype(format!(
                "{op}: not defined for {}",
                a.dtype()
            )))
        }
    }))
}

/// Sorts a slice in place.
fn sort_slice<T: Sortable>(s: &mut [T], descending: bool, stable: bool) {
    let cmp = order::<T>(descending);
    match (s.len() >= PAR_THRESHOLD, stable) {
        (true, true) => s.par_sort_by(cmp),
        (true, false) => s.par_sort_unstable_by(cmp),
        (false, true) => s.sort_by(cmp),
        (false, false) => s.sort_unstable_by(cmp),
    }
}

/// The permutation that sorts `v`.
fn argsort_slice<T: Sortable>(v: &[T], descending: bool, stable: bool) -> Vec<i64> {
    let cmp = order::<T>(descending);
    let mut idx: Vec<i64> = (0..v.len() as i64).collect();
    let by = |i: &i64, j: &i64| cmp(&v[*i as usize], &v[*j as usize]);
    match (v.len() >= PAR_THRESHOLD, stable) {
        (true, true) => idx.par_sort_by(by),
        (true, false) => idx.par_sort_unstable_by(by),
        (false, true) => idx.sort_by(by),
        (false, false) => idx.sort_unstable_by(by),
    }
    idx
}

/// Sorts (or argsorts) every lane of `a` along `axis`.
fn sort_lanes<T: Sortable>(
    a: &ArrayD<T>,
    axis: usize,
    descending: bool,
    stable: bool,
    arg: bool,
) -> NdArray {
    let big = a.len() >= PAR_THRESHOLD;
    if arg {
        let mut out = ArrayD::<i64>::zeros(a.raw_dim());
        let z = Zip::from(out.lanes_mut(Axis(axis))).and(a.lanes(Axis(axis)));
        let k = |mut o: ndarray::ArrayViewMut1<'_, i64>, l: ndarray::ArrayView1<'_, T>| {
            let v: Vec<T> = l.to_vec();
            o.assign(&ndarray::ArrayView1::from(&argsort_slice(
                &v, descending, stable,
            )));
        };
        if big {
            z.par_for_each(k)
        } else {
            z.for_each(k)
        }
        NdArray::Int64(out)
    } else {
        let mut out = a.as_standard_layout().into_owned();
        let k = |mut o: ndarray::ArrayViewMut1<'_, T>| match o.as_slice_mut() {
            Some(s) => sort_slice(s, descending, stable),
            None => {
                let mut v = o.to_vec();
                sort_slice(&mut v, descending, stable);
                o.assign(&ndarray::ArrayView1::from(&v));
            }
        };
        let z = Zip::from(out.lanes_mut(Axis(axis)));
        if big {
            z.par_for_each(k)
        } else {
            z.for_each(k)
        }
        T::wrap(out)
    }
}

/// `sort` / `argsort` along `axis`.
fn sort(op: Op, x: &NdArray, axis: usize, descending: bool, stable: bool) -> BResult<NdArray> {
    let arg = op == Op::Argsort;
    Ok(match x {
        NdArray::Bool(a) => sort_lanes(a, axis, descending, stable, arg),
        NdArray::Int64(a) => sort_lanes(a, axis, descending, stable, arg),
        NdArray::Float32(a) => sort_lanes(a, axis, descending, stable, arg),
        NdArray::Float64(a) => sort_lanes(a, axis, descending, stable, arg),
        NdArray::Complex128(_) => {
            return Err(BackendError::dtype(format!(
                "{op}: not defined for {}",
                DType::Complex128
            )))
        }
    })
}

/// Indices of the non-zero elements in C order, one int64 array per axis.
fn nonzero(x: &NdArray) -> BResult<Vec<NdArray>> {
    let sh = x.shape().to_vec();
    if sh.is_empty() {
        return Err(BackendError::shape("nonzero: not defined for 0-d arrays"));
    }
    let flat: Vec<usize> = crate::with_array!(x, a => a
        .iter()
        .enumerate()
        .filter(|(_, v)| v.to_bool())
        .map(|(i, _)| i)
        .collect());
    let mut stride = 1usize;
    let mut out = vec![NdArray::Int64(ArrayD::zeros(IxDyn(&[0]))); sh.len()];
    for k in (0..sh.len()).rev() {
        let n = sh[k];
        let idx: Vec<i64> = flat.iter().map(|&f| ((f / stride) % n) as i64).collect();
        out[k] = NdArray::Int64(ndarray::Array1::from(idx).into_dyn());
        stride *= n;
    }
    Ok(out)
}

/// Sorted distinct values of the flattened array (each NaN distinct).
fn unique_values(x: &NdArray) -> NdArray {
    fn go<T: Sortable>(a: &ArrayD<T>) -> NdArray {
        let mut v: Vec<T> = a.iter().copied().collect();
        sort_slice(&mut v, false, false);
        v.dedup_by(|a, b| a == b);
        T::wrap(ndarray::Array1::from(v).into_dyn())
    }
    crate::with_array!(x, a => go(a))
}

#[cfg(test)]
mod tests {
    use glass_backend_api::{DType, ErrorKind, Op};

    use crate::util::test_util::*;
    use crate::{call_direct, NdArray};

    const NAN: f64 = f64::NAN;

    #[test]
    fn searchsorted_sides() {
        let x1 = f64s(&[5], &[1.0, 2.0, 2.0, 3.0, NAN]);
        let x2 = f64s(&[2, 2], &[2.0, 0.0, 4.0, NAN]);
        check(
            &ok(Op::Searchsorted, &[a(&x1), a(&x2)]),
            DType::Int64,
            &[2, 2],
            &[1.0, 0.0, 4.0, 4.0],
        );
        check(
            &ok(Op::Searchsorted, &[a(&x1), a(&x2), string("right")]),
            DType::Int64,
            &[2, 2],
            &[3.0, 0.0, 4.0, 5.0],
        );
        let i = i64s(&[3], &[1, 3, 5]);
        check(
            &ok(Op::Searchsorted, &[a(&i), float(3.5)]),
            DType::Int64,
            &[],
            &[2.0],
        );
        assert_eq!(
            err(Op::Searchsorted, &[a(&i), int(1), string("middle")]),
            ErrorKind::Value
        );
        assert_eq!(
            err(Op::Searchsorted, &[a(&f64s(&[1, 1], &[0.0])), int(1)]),
            ErrorKind::Shape
        );
    }

    #[test]
    fn sort_nan_last_both_ways() {
        let x = f64s(&[5], &[3.0, NAN, 1.0, 2.0, -1.0]);
        check(
            &ok(Op::Sort, &[a(&x)]),
            DType::Float64,
            &[5],
            &[-1.0, 1.0, 2.0, 3.0, NAN],
        );
        check(
            &ok(Op::Sort, &[a(&x), int(-1), boolean(true)]),
            DType::Float64,
            &[5],
            &[3.0, 2.0, 1.0, -1.0, NAN],
        );
        check(
            &ok(Op::Argsort, &[a(&x)]),
            DType::Int64,
            &[5],
            &[4.0, 2.0, 3.0, 0.0, 1.0],
        );
        assert_eq!(
            err(Op::Sort, &[a(&c128s(&[1], &[(1.0, 0.0)]))]),
            ErrorKind::DType
        );
        assert_eq!(err(Op::Sort, &[a(&f64s(&[], &[1.0]))]), ErrorKind::Shape);
    }

    #[test]
    fn argsort_is_stable_descending_too() {
        let x = i64s(&[6], &[2, 1, 2, 1, 3, 2]);
        check(
            &ok(Op::Argsort, &[a(&x)]),
            DType::Int64,
            &[6],
            &[1.0, 3.0, 0.0, 2.0, 5.0, 4.0],
        );
        check(
            &ok(Op::Argsort, &[a(&x), int(0), boolean(true)]),
            DType::Int64,
            &[6],
            &[4.0, 0.0, 2.0, 5.0, 1.0, 3.0],
        );
    }

    #[test]
    fn sort_along_first_axis() {
        let x = f64s(&[2, 3], &[5.0, 1.0, 4.0, 2.0, 3.0, 0.0]);
        check(
            &ok(Op::Sort, &[a(&x), int(0)]),
            DType::Float64,
            &[2, 3],
            &[2.0, 1.0, 0.0, 5.0, 3.0, 4.0],
        );
        check(
            &ok(Op::Argsort, &[a(&x), int(-2)]),
            DType::Int64,
            &[2, 3],
            &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
        );
        check(
            &ok(Op::Sort, &[a(&x), int(1)]),
            DType::Float64,
            &[2, 3],
            &[1.0, 4.0, 5.0, 0.0, 2.0, 3.0],
        );
    }

    #[test]
    fn long_sort_matches_std() {
        let n = 100_000;
        let v: Vec<f64> = (0..n).map(|i| ((i * 7919) % 10007) as f64).collect();
        let mut want = v.clone();
        want.sort_by(f64::total_cmp);
        check(
            &ok(Op::Sort, &[a(&f64s(&[n], &v))]),
            DType::Float64,
            &[n],
            &want,
        );
    }

    #[test]
    fn nonzero_per_axis() {
        let x = i64s(&[2, 3], &[0, 5, 0, 7, 0, 1]);
        let out = call_direct(Op::Nonzero, &[a(&x)]).unwrap();
        assert_eq!(out.len(), 2);
        let arrs: Vec<NdArray> = out
            .into_iter()
            .map(|v| match v {
                glass_backend_api::Value::Array(a) => a,
                _ => panic!("array expected"),
            })
            .collect();
        check(&arrs[0], DType::Int64, &[3], &[0.0, 1.0, 1.0]);
        check(&arrs[1], DType::Int64, &[3], &[1.0, 0.0, 2.0]);
        assert_eq!(err(Op::Nonzero, &[a(&i64s(&[], &[1]))]), ErrorKind::Shape);
    }

    #[test]
    fn unique_values_sorted_with_distinct_nans() {
        let x = f64s(&[2, 3], &[3.0, NAN, 1.0, 3.0, NAN, 1.0]);
        check(
            &ok(Op::UniqueValues, &[a(&x)]),
            DType::Float64,
            &[4],
            &[1.0, 3.0, NAN, NAN],
        );
        let b = bools(&[3], &[true, false, true]);
        check(
            &ok(Op::UniqueValues, &[a(&b)]),
            DType::Bool,
            &[2],
            &[0.0, 1.0],
        );
        check(
            &ok(Op::UniqueValues, &[a(&i64s(&[0], &[]))]),
            DType::Int64,
            &[0],
            &[],
        );
    }
}
