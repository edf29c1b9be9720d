//! Creation ops and host<->backend transfers.
//!
//! The ndarray backend has one device, 0 (`cpu`); any other device is a
//! Device error. Where the contract lets a dtype be omitted, it defaults to
//! the dtype of the fill value (bool, int64, float64 or complex128), and to
//! float64 for `linspace` and `eye`.

use std::ops::Div;

use glass_backend_api::{Args, BResult, BackendError, DType, Op, Operand, RValue, Value};
use ndarray::{ArrayD, IxDyn};
use num_complex::Complex64;

use crate::elementwise::Arith;
use crate::util::{
    cast, check_device, checked_size, convert, filled, filled_dtype, scalar_array, shape_arg, Elem,
};
use crate::{from_buffer, one, to_buffer, with_array, NdArray};

pub fn supports(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Asarray
            | ToHost
            | Zeros
            | Ones
            | Empty
            | Full
            | Arange
            | Linspace
            | Eye
            | ZerosLike
            | OnesLike
            | EmptyLike
            | FullLike
            | Astype
            | ToDevice
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    use Op::*;
    let name = op.name();
    match op {
        Asarray => {
            let buf = args.buffer(0)?;
            let shape = shape_arg(name, args.ints(1)?)?;
            check_device(name, args.int_or(2, 0)?)?;
            one(from_buffer(buf, &shape)?)
        }
        ToHost => Ok(vec![Value::Buffer(to_buffer(args.array(0)?.as_ref()))]),
        Zeros | Ones | Empty => {
            let shape = shape_arg(name, args.ints(0)?)?;
            let dtype = args.dtype(1)?;
            check_device(name, args.int_or(2, 0)?)?;
            one(filled_dtype(name, &shape, dtype, i64::from(op == Ones))?)
        }
        Full => {
            let shape = shape_arg(name, args.ints(0)?)?;
            let fill = args.operand(1)?;
            let dtype = args.opt_dtype(2)?;
            check_device(name, args.int_or(3, 0)?)?;
            one(full(op, &shape, &fill, dtype)?)
        }
        ZerosLike | OnesLike | EmptyLike => {
            let x = args.array(0)?.as_ref();
            let dtype = args.opt_dtype(1)?.unwrap_or(x.dtype());
            one(filled_dtype(
                name,
                x.shape(),
                dtype,
                i64::from(op == OnesLike),
            )?)
        }
        FullLike => {
            let x = args.array(0)?.as_ref();
            let dtype = args.opt_dtype(2)?.unwrap_or(x.dtype());
            one(full(op, x.shape(), &args.operand(1)?, Some(dtype))?)
        }
        Arange => {
            check_device(name, args.int_or(4, 0)?)?;
            one(arange(args)?)
        }
        Linspace => {
            check_device(name, args.int_or(5, 0)?)?;
            one(linspace(args)?)
        }
        Eye => {
            let n_rows = args.int(0)?;
            let n_cols = args.opt_int(1)?.unwrap_or(n_rows);
            let k = args.int_or(2, 0)?;
            let dtype = args.opt_dtype(3)?.unwrap_or(DType::Float64);
            check_device(name, args.int_or(4, 0)?)?;
            one(eye(n_rows, n_cols, k, dtype)?)
        }
        Astype => {
            let x = args.array(0)?.as_ref();
            one(cast(x, args.dtype(1)?).map_err(|e| e.context(name))?)
        }
        ToDevice => {
            let x = args.array(0)?.as_ref();
            check_device(name, args.int(1)?)?;
            one(x.clone())
        }
        _ => Err(BackendError::unsupported(format!("{op}"))),
    }
}

/// The dtype of a Python scalar.
fn scalar_dtype<A>(s: &Operand<'_, A>) -> Option<DType> {
    match s {
        Operand::Array(_) => None,
        Operand::Bool(_) => Some(DType::Bool),
        Operand::Int(_) => Some(DType::Int64),
        Operand::Float(_) => Some(DType::Float64),
        Operand::Complex(_) => Some(DType::Complex128),
    }
}

/// An array of `shape` filled with the scalar `fill` converted to `dtype`
/// (default: the scalar's own dtype; complex into a real dtype is refused).
fn full<A>(
    op: Op,
    shape: &[usize],
    fill: &Operand<'_, A>,
    dtype: Option<DType>,
) -> BResult<NdArray> {
    let name = op.name();
    let own = scalar_dtype(fill).ok_or_else(|| {
        BackendError::value(format!("{op}: fill_value must be a scalar, got an array"))
    })?;
    let s = scalar_array(name, fill, dtype.unwrap_or(own))?
        .ok_or_else(|| BackendError::internal(format!("{op}: scalar expected")))?;
    Ok(with_array!(s, a => match a.first() {
        Some(&v) => Elem::wrap(filled(name, shape, v)?),
        None => return Err(BackendError::internal(format!("{op}: empty scalar"))),
    }))
}

/// A real or complex scalar argument.
fn real_or_complex<A: 'static>(args: &Args<'_, A>, i: usize) -> BResult<Complex64> {
    match args.raw(i) {
        Some(RValue::Complex(c)) => Ok((*c).into()),
        _ => Ok(Complex64::new(args.float(i)?, 0.0)),
    }
}

/// The number of elements of `arange`: `ceil((stop - start)/step)`, at
/// least 0, computed exactly for integers.
fn arange_len(
    op: Op,
    start: f64,
    stop: f64,
    step: f64,
    ints: Option<(i64, i64, i64)>,
) -> BResult<usize> {
    if step == 0.0 {
        return Err(BackendError::value(format!("{op}: step must not be zero")));
    }
    let n: f64 = match ints {
        Some((a, b, s)) => {
            let (d, s) = (b as i128 - a as i128, s as i128);
            let n = if s > 0 {
                (d + s - 1).div_euclid(s)
            } else {
                (-d + -s - 1).div_euclid(-s)
            };
            n.max(0) as f64
        }
        None => ((stop - start) / step).ceil().max(0.0),
    };
    if !n.is_finite() || n > (isize::MAX as f64) / 16.0 {
        return Err(BackendError::value(format!(
            "{op}: ({start}, {stop}, {step}) gives too many elements"
        )));
    }
    Ok(n as usize)
}

/// `arange(start, stop, step, dtype)`: `start + i*step`, exactly in int64
/// when all arguments are ints and the dtype is int64 (the default then),
/// in float64 otherwise, converted to `dtype`.
fn arange<A: 'static>(args: &Args<'_, A>) -> BResult<NdArray> {
    let op = Op::Arange;
    let ints = match (args.raw(0), args.raw(1), args.raw(2)) {
        (Some(RValue::Int(a)), Some(RValue::Int(b)), Some(RValue::Int(c))) => Some((*a, *b, *c)),
        _ => None,
    };
    let (start, stop, step) = (args.float(0)?, args.float(1)?, args.float(2)?);
    let dtype = args.opt_dtype(3)?.unwrap_or(if ints.is_some() {
        DType::Int64
    } else {
        DType::Float64
    });
    if dtype == DType::Bool {
        return Err(BackendError::dtype(format!("{op}: not defined for bool")));
    }
    let n = arange_len(op, start, stop, step, ints)?;
    checked_size(op.name(), &[n])?;
    if let (Some((a, _, s)), DType::Int64) = (ints, dtype) {
        let v: Vec<i64> = (0..n as i64)
            .map(|i| a.wrapping_add(i.wrapping_mul(s)))
            .collect();
        return Ok(NdArray::Int64(ndarray::Array1::from(v).into_dyn()));
    }
    let v: Vec<f64> = (0..n).map(|i| start + i as f64 * step).collect();
    Ok(convert(
        &NdArray::Float64(ndarray::Array1::from(v).into_dyn()),
        dtype,
    )
    .into_owned())
}

/// `num` values from `start` with step `(stop-start)/div`, the last exactly
/// `stop` when `endpoint` (NumPy's algorithm).
fn lin<T: Arith + Div<Output = T>>(start: T, stop: T, num: usize, endpoint: bool) -> Vec<T> {
    let div = if endpoint { num.saturating_sub(1) } else { num };
    let delta = stop.sub(start);
    let mut v: Vec<T> = if div > 0 {
        let step = delta / T::from_elem(div as f64);
        (0..num)
            .map(|i| start.add(T::from_elem(i as f64).mul(step)))
            .collect()
    } else {
        (0..num)
            .map(|i| start.add(T::from_elem(i as f64).mul(delta)))
            .collect()
    };
    if endpoint && num > 1 {
        if let Some(last) = v.last_mut() {
            *last = stop;
        }
    }
    v
}

/// `linspace(start, stop, num, endpoint, dtype)`: computed in float64 (or
/// complex128 for complex ends), then converted; integer dtypes floor (as
/// NumPy 2).
fn linspace<A: 'static>(args: &Args<'_, A>) -> BResult<NdArray> {
    let op = Op::Linspace;
    let start = real_or_complex(args, 0)?;
    let stop = real_or_complex(args, 1)?;
    let num = usize::try_from(args.int(2)?)
        .map_err(|_| BackendError::value(format!("{op}: num must be non-negative")))?;
    let endpoint = args.bool_or(3, true)?;
    let complex =
        start.im != 0.0 || stop.im != 0.0 || matches!(args.raw(0), Some(RValue::Complex(_)));
    let dtype = args.opt_dtype(4)?.unwrap_or(if complex {
        DType::Complex128
    } else {
        DType::Float64
    });
    checked_size(op.name(), &[num])?;
    if dtype == DType::Complex128 {
        let v = lin(start, stop, num, endpoint);
        return Ok(NdArray::Complex128(ndarray::Array1::from(v).into_dyn()));
    }
    if complex {
        return Err(BackendError::dtype(format!(
            "{op}: complex end points need a complex dtype, got {dtype}"
        )));
    }
    let mut v = lin(start.re, stop.re, num, endpoint);
    if dtype == DType::Int64 {
        v.iter_mut().for_each(|x| *x = x.floor());
    }
    Ok(convert(
        &NdArray::Float64(ndarray::Array1::from(v).into_dyn()),
        dtype,
    )
    .into_owned())
}

/// Ones on diagonal `k` of an `(n_rows, n_cols)` array.
fn set_diagonal<T: Elem>(a: &mut ArrayD<T>, k: i64) {
    let (r, c) = (a.shape()[0] as i64, a.shape()[1] as i64);
    for i in 0..r {
        let j = i + k;
        if (0..c).contains(&j) {
            a[IxDyn(&[i as usize, j as usize])] = T::ONE;
        }
    }
}

/// `eye(n_rows, n_cols, k, dtype)`.
fn eye(n_rows: i64, n_cols: i64, k: i64, dtype: DType) -> BResult<NdArray> {
    let shape = shape_arg("eye", &[n_rows, n_cols])?;
    let mut a = filled_dtype("eye", &shape, dtype, 0i64)?;
    with_array!(&mut a, x => set_diagonal(x, k));
    Ok(a)
}

#[cfg(test)]
mod tests {
    use glass_backend_api::{DType, ErrorKind, Op};

    use crate::util::test_util::*;

    #[test]
    fn filled_arrays() {
        check(
            &ok(Op::Zeros, &[ints(&[2, 2]), dtype(DType::Int64)]),
            DType::Int64,
            &[2, 2],
            &[0.0; 4],
        );
        check(
            &ok(Op::Ones, &[ints(&[3]), dtype(DType::Bool)]),
            DType::Bool,
            &[3],
            &[1.0; 3],
        );
        check(
            &ok(Op::Empty, &[ints(&[0, 4]), dtype(DType::Float32)]),
            DType::Float32,
            &[0, 4],
            &[],
        );
        check(
            &ok(Op::Full, &[ints(&[2]), float(2.5), dtype(DType::Int64)]),
            DType::Int64,
            &[2],
            &[2.0, 2.0],
        );
        check(
            &ok(Op::Full, &[ints(&[]), int(7), none()]),
            DType::Int64,
            &[],
            &[7.0],
        );
        assert_eq!(
            err(
                Op::Full,
                &[ints(&[2]), complex(1.0, 1.0), dtype(DType::Float64)]
            ),
            ErrorKind::DType
        );
        assert_eq!(
            err(Op::Zeros, &[ints(&[-1]), dtype(DType::Float64)]),
            ErrorKind::Value
        );
        assert_eq!(
            err(Op::Zeros, &[ints(&[1]), dtype(DType::Float64), int(1)]),
            ErrorKind::Device
        );
        let x = f64s(&[2, 1], &[1.0, 2.0]);
        check(
            &ok(Op::OnesLike, &[a(&x)]),
            DType::Float64,
            &[2, 1],
            &[1.0, 1.0],
        );
        check(
            &ok(Op::ZerosLike, &[a(&x), dtype(DType::Complex128)]),
            DType::Complex128,
            &[2, 1],
            &[0.0, 0.0],
        );
        check(
            &ok(Op::FullLike, &[a(&x), int(3)]),
            DType::Float64,
            &[2, 1],
            &[3.0, 3.0],
        );
    }

    #[test]
    fn ranges() {
        check(
            &ok(Op::Arange, &[int(0), int(5), int(2), none()]),
            DType::Int64,
            &[3],
            &[0.0, 2.0, 4.0],
        );
        check(
            &ok(Op::Arange, &[int(5), int(0), int(-2), none()]),
            DType::Int64,
            &[3],
            &[5.0, 3.0, 1.0],
        );
        check(
            &ok(Op::Arange, &[int(5), int(0), int(1), none()]),
            DType::Int64,
            &[0],
            &[],
        );
        check(
            &ok(Op::Arange, &[float(0.0), float(1.0), float(0.25), none()]),
            DType::Float64,
            &[4],
            &[0.0, 0.25, 0.5, 0.75],
        );
        check(
            &ok(Op::Arange, &[int(0), int(3), int(1), dtype(DType::Float32)]),
            DType::Float32,
            &[3],
            &[0.0, 1.0, 2.0],
        );
        assert_eq!(
            err(Op::Arange, &[int(0), int(3), int(0), none()]),
            ErrorKind::Value
        );
        check(
            &ok(
                Op::Linspace,
                &[float(0.0), float(1.0), int(5), boolean(true), none()],
            ),
            DType::Float64,
            &[5],
            &[0.0, 0.25, 0.5, 0.75, 1.0],
        );
        check(
            &ok(
                Op::Linspace,
                &[float(0.0), float(1.0), int(4), boolean(false), none()],
            ),
            DType::Float64,
            &[4],
            &[0.0, 0.25, 0.5, 0.75],
        );
        check(
            &ok(
                Op::Linspace,
                &[float(2.0), float(3.0), int(1), boolean(true), none()],
            ),
            DType::Float64,
            &[1],
            &[2.0],
        );
        check(
            &ok(
                Op::Linspace,
                &[
                    float(-1.0),
                    float(1.0),
                    int(3),
                    boolean(true),
                    dtype(DType::Int64),
                ],
            ),
            DType::Int64,
            &[3],
            &[-1.0, 0.0, 1.0],
        );
        let c = ok(
            Op::Linspace,
            &[
                complex(0.0, 0.0),
                complex(2.0, 2.0),
                int(3),
                boolean(true),
                none(),
            ],
        );
        assert_eq!(c, c128s(&[3], &[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]));
        assert_eq!(
            err(Op::Linspace, &[float(0.0), float(1.0), int(-1)]),
            ErrorKind::Value
        );
    }

    #[test]
    fn eye_and_casts() {
        check(
            &ok(Op::Eye, &[int(2), int(3), int(1), none()]),
            DType::Float64,
            &[2, 3],
            &[0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        );
        check(
            &ok(Op::Eye, &[int(2), none(), int(-1), dtype(DType::Int64)]),
            DType::Int64,
            &[2, 2],
            &[0.0, 0.0, 1.0, 0.0],
        );
        let x = f64s(&[3], &[-1.5, 0.0, 2.7]);
        check(
            &ok(Op::Astype, &[a(&x), dtype(DType::Int64)]),
            DType::Int64,
            &[3],
            &[-1.0, 0.0, 2.0],
        );
        check(
            &ok(Op::Astype, &[a(&x), dtype(DType::Bool)]),
            DType::Bool,
            &[3],
            &[1.0, 0.0, 1.0],
        );
        let c = c128s(&[1], &[(1.0, 2.0)]);
        assert_eq!(
            err(Op::Astype, &[a(&c), dtype(DType::Float64)]),
            ErrorKind::DType
        );
        assert_eq!(ok(Op::ToDevice, &[a(&x), int(0)]), x);
        assert_eq!(err(Op::ToDevice, &[a(&x), int(2)]), ErrorKind::Device);
    }
}
