//! Shared helpers: axis normalisation, shapes from arguments, broadcasting,
//! dtype casting, typed element access and the parallel map kernels.
//!
//! The signatures here are used by every op module of the crate; keep them
//! stable.

use std::borrow::Cow;
use std::mem::MaybeUninit;

use glass_backend_api::{BResult, BackendError, DType, Operand};

use ndarray::{ArrayD, ArrayViewD, Axis, CowArray, IxDyn, Zip};
use num_complex::Complex64;
use rayon::prelude::*;

use crate::NdArray;

/// Arrays with at least this many elements are processed on rayon's pool.
pub const PAR_THRESHOLD: usize = 1 << 16;

/// Normalises a possibly negative axis for an array of `ndim` axes.
pub fn normalize_axis(op: &str, axis: i64, ndim: usize) -> BResult<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n.max(1) && axis >= n {
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

/// Normalises the axes of a reduction: `None` means every axis; negative
/// axes count from the end; a repeated axis is a Shape error. The result is
/// sorted.
pub fn normalize_axes(op: &str, axes: Option<&[i64]>, ndim: usize) -> BResult<Vec<usize>> {
    let Some(axes) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        if a < -(ndim as i64) || a >= ndim as i64 {
            return Err(BackendError::shape(format!(
                "{op}: axis {a} is out of range for an array of {ndim} dimensions"
            )));
        }
        out.push(if a < 0 {
            (a + ndim as i64) as usize
        } else {
            a as usize
        });
    }
    out.sort_unstable();
    let n = out.len();
    out.dedup();
    if out.len() != n {
        return Err(BackendError::shape(format!(
            "{op}: repeated axis in {axes:?}"
        )));
    }
    Ok(out)
}

/// A shape argument: non-negative ints.
pub fn shape_arg(op: &str, shape: &[i64]) -> BResult<Vec<usize>> {
    shape
        .iter()
        .map(|&n| {
            usize::try_from(n).map_err(|_| {
                BackendError::value(format!("{op}: negative dimension {n} in shape {shape:?}"))
            })
        })
        .collect()
}

/// The number of elements of `shape`, or a Value error when it overflows.
pub fn checked_size(op: &str, shape: &[usize]) -> BResult<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| BackendError::value(format!("{op}: shape {shape:?} has too many elements")))
}

/// The broadcast shape of `shapes` under NumPy's rules: shapes are aligned
/// at their last axis; along each axis the lengths must be equal or 1.
pub fn broadcast_shapes(op: &str, shapes: &[&[usize]]) -> BResult<Vec<usize>> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; ndim];
    for s in shapes {
        let off = ndim - s.len();
        for (i, &n) in s.iter().enumerate() {
            let o = &mut out[off + i];
            if *o == 1 {
                *o = n;
            } else if n != 1 && n != *o {
                return Err(BackendError::shape(format!(
                    "{op}: shapes {:?} cannot be broadcast together",
                    shapes
                )));
            }
        }
    }
    Ok(out)
}

/// A broadcast view of `a` with shape `shape` (which must come from
/// [`broadcast_shapes`]).
pub fn broadcast_view<'a, T>(
    op: &str,
    a: &'a ArrayViewD<'a, T>,
    shape: &[usize],
) -> BResult<ArrayViewD<'a, T>> {
    a.broadcast(IxDyn(shape)).ok_or_else(|| {
        BackendError::shape(format!(
            "{op}: cannot broadcast {:?} to {:?}",
            a.shape(),
            shape
        ))
    })
}

/// An element type of [`NdArray`]: conversions between the contract's
/// dtypes, and wrapping/unwrapping of the enum.
pub trait Elem: Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static {
    const DTYPE: DType;
    const ZERO: Self;
    const ONE: Self;
    /// Wraps a typed array into the enum.
    fn wrap(a: ArrayD<Self>) -> NdArray;
    /// The typed array, if `x` holds this element type.
    fn unwrap_ref(x: &NdArray) -> Option<&ArrayD<Self>>;
    /// Truthiness: non-zero.
    fn to_bool(self) -> bool;
    /// Integer value (floats truncate towards zero and saturate, NaN gives
    /// 0; complex uses the real part).
    fn to_i64(self) -> i64;
    /// Real value (complex uses the real part).
    fn to_f64(self) -> f64;
    fn to_c64(self) -> Complex64;
    /// Converts from any element type with the rules above.
    fn from_elem<U: Elem>(u: U) -> Self;
    fn is_nan(self) -> bool {
        false
    }
}

impl Elem for bool {
    const DTYPE: DType = DType::Bool;
    const ZERO: Self = false;
    const ONE: Self = true;
    fn wrap(a: ArrayD<Self>) -> NdArray {
        NdArray::Bool(a)
    }
    fn unwrap_ref(x: &NdArray) -> Option<&ArrayD<Self>> {
        match x {
            NdArray::Bool(a) => Some(a),
            _ => None,
        }
    }
    fn to_bool(self) -> bool {
        self
    }
    fn to_i64(self) -> i64 {
        self as i64
    }
    fn to_f64(self) -> f64 {
        self as i64 as f64
    }
    fn to_c64(self) -> Complex64 {
        Complex64::new(self.to_f64(), 0.0)
    }
    fn from_elem<U: Elem>(u: U) -> Self {
        u.to_bool()
    }
}

impl Elem for i64 {
    const DTYPE: DType = DType::Int64;
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn wrap(a: ArrayD<Self>) -> NdArray {
        NdArray::Int64(a)
    }
    fn unwrap_ref(x: &NdArray) -> Option<&ArrayD<Self>> {
        match x {
            NdArray::Int64(a) => Some(a),
            _ => None,
        }
    }
    fn to_bool(self) -> bool {
        self != 0
    }
    fn to_i64(self) -> i64 {
        self
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn to_c64(self) -> Complex64 {
        Complex64::new(self as f64, 0.0)
    }
    fn from_elem<U: Elem>(u: U) -> Self {
        u.to_i64()
    }
}

macro_rules! elem_float {
    ($t:ty, $variant:ident) => {
        impl Elem for $t {
            const DTYPE: DType = DType::$variant;
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            fn wrap(a: ArrayD<Self>) -> NdArray {
                NdArray::$variant(a)
            }
            fn unwrap_ref(x: &NdArray) -> Option<&ArrayD<Self>> {
                match x {
                    NdArray::$variant(a) => Some(a),
                    _ => None,
                }
            }
            fn to_bool(self) -> bool {
                self != 0.0
            }
            fn to_i64(self) -> i64 {
                self as i64
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn to_c64(self) -> Complex64 {
                Complex64::new(self as f64, 0.0)
            }
            fn from_elem<U: Elem>(u: U) -> Self {
                u.to_f64() as $t
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
        }
    };
}
elem_float!(f32, Float32);
elem_float!(f64, Float64);

impl Elem for Complex64 {
    const DTYPE: DType = DType::Complex128;
    const ZERO: Self = Complex64::new(0.0, 0.0);
    const ONE: Self = Complex64::new(1.0, 0.0);
    fn wrap(a: ArrayD<Self>) -> NdArray {
        NdArray::Complex128(a)
    }
    fn unwrap_ref(x: &NdArray) -> Option<&ArrayD<Self>> {
        match x {
            NdArray::Complex128(a) => Some(a),
            _ => None,
        }
    }
    fn to_bool(self) -> bool {
        self.re != 0.0 || self.im != 0.0
    }
    fn to_i64(self) -> i64 {
        self.re as i64
    }
    fn to_f64(self) -> f64 {
        self.re
    }
    fn to_c64(self) -> Complex64 {
        self
    }
    fn from_elem<U: Elem>(u: U) -> Self {
        u.to_c64()
    }
    fn is_nan(self) -> bool {
        self.re.is_nan() || self.im.is_nan()
    }
}

/// Elements per parallel task of [`fill_chunks`].
const CHUNK: usize = 1 << 14;

/// Builds a vector of `n` elements by running `body(start, chunk)` over
/// consecutive chunks of `chunk_len` elements (the last may be shorter), on
/// rayon when `parallel`.
///
/// Only this function is generic over the output type; the per-op kernel
/// is a `dyn` call per chunk, which keeps the number of rayon
/// instantiations (and the crate's compile time) small while the inner
/// loops stay monomorphic.
///
/// # Safety
/// `body` must initialise every element of each chunk it is given.
pub(crate) unsafe fn fill_chunks<R: Send>(
    n: usize,
    chunk_len: usize,
    parallel: bool,
    body: &(dyn Fn(usize, &mut [MaybeUninit<R>]) + Sync),
) -> Vec<R> {
    let mut v: Vec<R> = Vec::with_capacity(n);
    let spare = &mut v.spare_capacity_mut()[..n];
    let chunk_len = chunk_len.max(1);
    if parallel && n > chunk_len {
        spare
            .par_chunks_mut(chunk_len)
            .enumerate()
            .for_each(|(c, o)| body(c * chunk_len, o));
    } else if n > 0 {
        body(0, spare);
    }
    // SAFETY: every element of `spare` was initialised by `body` (the
    // caller's contract), and `n <= capacity`.
    unsafe { v.set_len(n) };
    v
}

/// `f` applied to every element, in parallel for large arrays.
pub fn map1<T, R, F>(a: &ArrayViewD<'_, T>, f: F) -> ArrayD<R>
where
    T: Copy + Send + Sync,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    let Some(s) = a.as_slice() else {
        return a.map(|&x| f(x));
    };
    let body = |lo: usize, o: &mut [MaybeUninit<R>]| {
        for (d, &x) in o.iter_mut().zip(&s[lo..]) {
            d.write(f(x));
        }
    };
    // SAFETY: `s[lo..]` has at least as many elements as the chunk at `lo`.
    let v = unsafe { fill_chunks(s.len(), CHUNK, s.len() >= PAR_THRESHOLD, &body) };
    ArrayD::from_shape_vec(a.raw_dim(), v).unwrap_or_else(|_| a.map(|&x| f(x)))
}

/// `f` applied to pairs of elements of `a` and `b` broadcast to `shape`, in
/// parallel for large arrays. Contiguous operands of the full shape and
/// single-element operands take a flat loop; other broadcasts are
/// processed in blocks of whole rows along the first axis.
pub fn map2<T, U, R, F>(
    op: &str,
    a: &ArrayViewD<'_, T>,
    b: &ArrayViewD<'_, U>,
    shape: &[usize],
    f: F,
) -> BResult<ArrayD<R>>
where
    T: Copy + Send + Sync,
    U: Copy + Send + Sync,
    R: Send,
    F: Fn(T, U) -> R + Sync + Send,
{
    let err =
        |s: &[usize]| BackendError::shape(format!("{op}: cannot broadcast {s:?} to {shape:?}"));
    let av = a.broadcast(IxDyn(shape)).ok_or_else(|| err(a.shape()))?;
    let bv = b.broadcast(IxDyn(shape)).ok_or_else(|| err(b.shape()))?;
    let n = av.len();
    let full = |s: &[usize]| s == shape;
    let (sa, sb) = (
        a.as_slice().filter(|_| full(a.shape())),
        b.as_slice().filter(|_| full(b.shape())),
    );
    let (xa, xb) = (
        a.first().filter(|_| a.len() == 1),
        b.first().filter(|_| b.len() == 1),
    );
    // SAFETY (all three bodies): each writes every element of its chunk;
    // the flat slices have `n` elements.
    let v = match (sa, sb, xa, xb) {
        (Some(sa), Some(sb), _, _) => unsafe {
            fill_chunks(n, CHUNK, n >= PAR_THRESHOLD, &|lo,
                                                        o: &mut [MaybeUninit<
                R,
            >]| {
                for ((d, &x), &y) in o.iter_mut().zip(&sa[lo..]).zip(&sb[lo..]) {
                    d.write(f(x, y));
                }
            })
        },
        (Some(sa), _, _, Some(&y)) => unsafe {
            fill_chunks(n, CHUNK, n >= PAR_THRESHOLD, &|lo,
                                                        o: &mut [MaybeUninit<
                R,
            >]| {
                for (d, &x) in o.iter_mut().zip(&sa[lo..]) {
                    d.write(f(x, y));
                }
            })
        },
        (_, Some(sb), Some(&x), _) => unsafe {
            fill_chunks(n, CHUNK, n >= PAR_THRESHOLD, &|lo,
                                                        o: &mut [MaybeUninit<
                R,
            >]| {
                for (d, &y) in o.iter_mut().zip(&sb[lo..]) {
                    d.write(f(x, y));
                }
            })
        },
        _ => return Ok(map2_rows(&av, &bv, shape, &f)),
    };
    ArrayD::from_shape_vec(IxDyn(shape), v)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

/// The general broadcast case of [`map2`]: blocks of rows along axis 0,
/// each through a sequential `Zip`.
fn map2_rows<T, U, R, F>(
    av: &ArrayViewD<'_, T>,
    bv: &ArrayViewD<'_, U>,
    shape: &[usize],
    f: &F,
) -> ArrayD<R>
where
    T: Copy + Send + Sync,
    U: Copy + Send + Sync,
    R: Send,
    F: Fn(T, U) -> R + Sync + Send,
{
    if shape.is_empty() || shape.contains(&0) {
        return Zip::from(av).and(bv).map_collect(|&x, &y| f(x, y));
    }
    let row: usize = shape[1..].iter().product();
    let rows_per_chunk = (CHUNK / row).max(1);
    let body = |lo: usize, o: &mut [MaybeUninit<R>]| {
        let (r0, r1) = (lo / row, (lo + o.len()) / row);
        let a = av.slice_axis(Axis(0), (r0..r1).into());
        let b = bv.slice_axis(Axis(0), (r0..r1).into());
        let mut bshape = shape.to_vec();
        bshape[0] = r1 - r0;
        match ndarray::ArrayViewMutD::from_shape(IxDyn(&bshape), o) {
            Ok(mut ov) => Zip::from(&mut ov).and(&a).and(&b).for_each(|d, &x, &y| {
                d.write(f(x, y));
            }),
            // Unreachable: the chunk holds exactly `bshape` elements. A
            // panic (caught at the plugin boundary) is safer than leaving
            // the chunk uninitialised.
            Err(e) => panic!("map2: block shape {bshape:?}: {e}"),
        }
    };
    // SAFETY: chunks are whole rows (multiples of `row` elements), so each
    // block view has exactly the chunk's length and shape and the Zip writes
    // every element.
    let v = unsafe {
        fill_chunks(
            av.len(),
            rows_per_chunk * row,
            av.len() >= PAR_THRESHOLD,
            &body,
        )
    };
    ArrayD::from_shape_vec(IxDyn(shape), v)
        .unwrap_or_else(|_| Zip::from(av).and(bv).map_collect(|&x, &y| f(x, y)))
}

/// `x` as an array of `T`, converting (with [`Elem::from_elem`]) only when
/// its dtype differs.
pub fn typed<T: Elem>(x: &NdArray) -> CowArray<'_, T, IxDyn> {
    match T::unwrap_ref(x) {
        Some(a) => CowArray::from(a.view()),
        None => CowArray::from(crate::with_array!(x, a => map1(&a.view(), T::from_elem))),
    }
}

/// Converts `x` to `dtype` without checks (complex to real keeps the real
/// part, float to int truncates). Borrows when the dtype already matches.
pub fn convert(x: &NdArray, dtype: DType) -> Cow<'_, NdArray> {
    if x.dtype() == dtype {
        return Cow::Borrowed(x);
    }
    Cow::Owned(match dtype {
        DType::Bool => NdArray::Bool(typed::<bool>(x).into_owned()),
        DType::Int64 => NdArray::Int64(typed::<i64>(x).into_owned()),
        DType::Float32 => NdArray::Float32(typed::<f32>(x).into_owned()),
        DType::Float64 => NdArray::Float64(typed::<f64>(x).into_owned()),
        DType::Complex128 => NdArray::Complex128(typed::<Complex64>(x).into_owned()),
        // Every dtype in the core is known: arrays' own, or validated where
        // it was received (`Args::dtype`). A bug here is caught by the
        // exporter and comes back as an `Internal` error.
        other => unreachable!("convert: dtype {other} reached the core unvalidated"),
    })
}

/// Casts `x` to `dtype` as `astype` does: complex to a real dtype is a DType
/// error; float to int truncates towards zero (saturating; NaN gives 0);
/// anything to bool tests for non-zero.
pub fn cast(x: &NdArray, dtype: DType) -> BResult<NdArray> {
    if x.dtype() == DType::Complex128 && dtype != DType::Complex128 {
        return Err(BackendError::dtype(format!(
            "cannot cast complex128 to {dtype} (take the real part or abs first)"
        )));
    }
    Ok(convert(x, dtype).into_owned())
}

/// A 0-d array holding a scalar operand converted to `dtype`; `None` for an
/// array operand. A complex scalar with a real `dtype` is a DType error.
pub fn scalar_array<A>(op: &str, s: &Operand<'_, A>, dtype: DType) -> BResult<Option<NdArray>> {
    let x = match *s {
        Operand::Array(_) => return Ok(None),
        Operand::Bool(b) => NdArray::Bool(ArrayD::from_elem(IxDyn(&[]), b)),
        Operand::Int(v) => NdArray::Int64(ArrayD::from_elem(IxDyn(&[]), v)),
        Operand::Float(v) => NdArray::Float64(ArrayD::from_elem(IxDyn(&[]), v)),
        Operand::Complex(c) => NdArray::Complex128(ArrayD::from_elem(IxDyn(&[]), c)),
    };
    cast(&x, dtype).map(Some).map_err(|e| e.context(op))
}

/// An array of `shape` filled with `value`, with allocation failure and
/// size overflow reported as errors instead of aborting.
pub fn filled<T: Clone>(op: &str, shape: &[usize], value: T) -> BResult<ArrayD<T>> {
    let n = checked_size(op, shape)?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        BackendError::oom(format!(
            "{op}: cannot allocate {n} elements for shape {shape:?}"
        ))
    })?;
    v.resize(n, value);
    ArrayD::from_shape_vec(IxDyn(shape), v)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))
}

/// A typed array of `shape` and `dtype` filled with `value` (converted with
/// [`Elem::from_elem`]).
pub fn filled_dtype<T: Elem>(
    op: &str,
    shape: &[usize],
    dtype: DType,
    value: T,
) -> BResult<NdArray> {
    Ok(match dtype {
        DType::Bool => NdArray::Bool(filled(op, shape, bool::from_elem(value))?),
        DType::Int64 => NdArray::Int64(filled(op, shape, i64::from_elem(value))?),
        DType::Float32 => NdArray::Float32(filled(op, shape, f32::from_elem(value))?),
        DType::Float64 => NdArray::Float64(filled(op, shape, f64::from_elem(value))?),
        DType::Complex128 => NdArray::Complex128(filled(op, shape, Complex64::from_elem(value))?),
        other => {
            return Err(BackendError::dtype(format!(
                "{op}: dtype {other} is not implemented by the ndarray core"
            )))
        }
    })
}

/// Checks a `device` argument: the ndarray backend has only device 0.
pub fn check_device(op: &str, device: i64) -> BResult<()> {
    if device == 0 {
        Ok(())
    } else {
        Err(BackendError::device(format!(
            "{op}: device {device} does not exist (the ndarray backend has only device 0, cpu)"
        )))
    }
}

/// Helpers for the unit tests of the op modules.
#[cfg(test)]
pub(crate) mod test_util {
    use glass_backend_api::{BResult, DType, ErrorKind, Op, RValue};
    use ndarray::{ArrayD, IxDyn};
    use num_complex::Complex64;

    use crate::{call_direct, single, Arg, NdArray};

    pub fn f64s(shape: &[usize], v: &[f64]) -> NdArray {
        NdArray::Float64(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    pub fn f32s(shape: &[usize], v: &[f32]) -> NdArray {
        NdArray::Float32(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    pub fn i64s(shape: &[usize], v: &[i64]) -> NdArray {
        NdArray::Int64(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    pub fn bools(shape: &[usize], v: &[bool]) -> NdArray {
        NdArray::Bool(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    pub fn c128s(shape: &[usize], v: &[(f64, f64)]) -> NdArray {
        let v = v.iter().map(|&(r, i)| Complex64::new(r, i)).collect();
        NdArray::Complex128(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }

    pub fn a(x: &NdArray) -> Arg<'_> {
        Arg::Array(x)
    }
    pub fn int(v: i64) -> Arg<'static> {
        Arg::Value(RValue::Int(v))
    }
    pub fn float(v: f64) -> Arg<'static> {
        Arg::Value(RValue::Float(v))
    }
    pub fn boolean(v: bool) -> Arg<'static> {
        Arg::Value(RValue::Bool(v))
    }
    pub fn complex(re: f64, im: f64) -> Arg<'static> {
        Arg::Value(RValue::Complex(glass_backend_api::RComplex { re, im }))
    }
    pub fn ints(v: &[i64]) -> Arg<'static> {
        Arg::Value(RValue::Ints(v.to_vec().into()))
    }
    pub fn dtype(d: DType) -> Arg<'static> {
        Arg::Value(RValue::DType(d))
    }
    pub fn string(s: &str) -> Arg<'static> {
        Arg::Value(RValue::Str(s.into()))
    }
    pub fn none() -> Arg<'static> {
        Arg::Value(RValue::None)
    }

    pub fn run(op: Op, args: &[Arg<'_>]) -> BResult<NdArray> {
        single(call_direct(op, args))
    }
    pub fn ok(op: Op, args: &[Arg<'_>]) -> NdArray {
        run(op, args).unwrap_or_else(|e| panic!("{op}: {e}"))
    }
    pub fn err(op: Op, args: &[Arg<'_>]) -> ErrorKind {
        match run(op, args) {
            Ok(x) => panic!("{op}: expected an error, got {x:?}"),
            Err(e) => e.kind,
        }
    }

    /// The elements as f64 (real part for complex), in C order.
    pub fn vals(x: &NdArray) -> Vec<f64> {
        crate::with_array!(x, a => a.as_standard_layout().iter().map(|v| crate::util::Elem::to_f64(*v)).collect())
    }

    /// Asserts shape, dtype and values (NaN equal to NaN, relative tolerance 1e-12).
    pub fn check(x: &NdArray, dtype: DType, shape: &[usize], want: &[f64]) {
        assert_eq!(x.dtype(), dtype, "dtype of {x:?}");
        assert_eq!(x.shape(), shape, "shape of {x:?}");
        let got = vals(x);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            let same = (g.is_nan() && w.is_nan())
                || g == w
                || (g - w).abs() <= 1e-12 * w.abs().max(1e-300);
            assert!(same, "got {got:?}, want {want:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_shapes("t", &[&[3, 1], &[4]]).unwrap(), vec![3, 4]);
        assert_eq!(broadcast_shapes("t", &[&[], &[2, 0]]).unwrap(), vec![2, 0]);
        assert_eq!(broadcast_shapes("t", &[]).unwrap(), Vec::<usize>::new());
        let e = broadcast_shapes("t", &[&[3], &[4]]).unwrap_err();
        assert_eq!(e.kind, glass_backend_api::ErrorKind::Shape);
    }

    #[test]
    fn axes() {
        assert_eq!(normalize_axes("t", Some(&[-1, 0]), 3).unwrap(), vec![0, 2]);
        assert_eq!(normalize_axes("t", None, 2).unwrap(), vec![0, 1]);
        assert!(normalize_axes("t", Some(&[1, -1]), 2).is_err());
        assert!(normalize_axes("t", Some(&[2]), 2).is_err());
    }

    #[test]
    fn casting() {
        let x =
            NdArray::Float64(ArrayD::from_shape_vec(IxDyn(&[3]), vec![-1.7, 0.0, 2.5]).unwrap());
        assert_eq!(
            cast(&x, DType::Int64).unwrap(),
            NdArray::Int64(ArrayD::from_shape_vec(IxDyn(&[3]), vec![-1, 0, 2]).unwrap())
        );
        assert_eq!(
            cast(&x, DType::Bool).unwrap(),
            NdArray::Bool(ArrayD::from_shape_vec(IxDyn(&[3]), vec![true, false, true]).unwrap())
        );
        let c = cast(&x, DType::Complex128).unwrap();
        assert!(cast(&c, DType::Float64).is_err());
        assert_eq!(convert(&c, DType::Float64).into_owned(), x);
    }
}
