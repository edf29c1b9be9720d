//! The `fft` extension: `fft.fft`, `fft.ifft`, `fft.rfft`, `fft.irfft`,
//! `fft.fftfreq`, `fft.rfftfreq`, with NumPy's conventions:
//!
//! `X[k] = sum_j x[j] exp(-2 pi i j k / n)`, `ifft` with `+`; `n` crops or
//! zero-pads the input along `axis`; `norm` scales the forward/inverse pair
//! by `(1, 1/n)` ("backward"), `(1/sqrt n, 1/sqrt n)` ("ortho") or
//! `(1/n, 1)` ("forward").
//!
//! Plans come from process-wide rustfft/realfft planners (which cache plans
//! by length) behind a mutex; batched transforms run on rayon's pool, a
//! group of lanes per task with one scratch buffer each.

use std::sync::{Arc, Mutex, OnceLock};

use glass_backend_api::{Args, BResult, BackendError, DType, Op, Value};
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use num_complex::Complex64;
use rayon::prelude::*;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};

use crate::manipulation::{standard, strict_axis, wrap};
use crate::util::{cast, check_device, typed};
use crate::{one, NdArray};

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::FftFft | Op::FftIfft | Op::FftRfft | Op::FftIrfft | Op::FftFftfreq | Op::FftRfftfreq
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    let name = args.op();
    match op {
        Op::FftFftfreq | Op::FftRfftfreq => {
            let n = args.int_of("n")?;
            let d = args.float_of("d")?;
            let dtype = args.dtype_of("dtype")?;
            check_device(name, args.int_of("device")?)?;
            one(freqs(name, n, d, dtype, op == Op::FftRfftfreq)?)
        }
        _ => {
            let x = args.array_of("x")?.as_ref();
            let n = args.opt_int_of("n")?;
            let axis = args.int_of("axis")?;
            let norm = Norm::parse(name, args.str_of("norm")?)?;
            one(match op {
                Op::FftFft => fft(name, x, n, axis, norm, false)?,
                Op::FftIfft => fft(name, x, n, axis, norm, true)?,
                Op::FftRfft => rfft(name, x, n, axis, norm)?,
                Op::FftIrfft => irfft(name, x, n, axis, norm)?,
                _ => return Err(BackendError::unsupported(format!("{op} is not an fft op"))),
            })
        }
    }
}

/// Work per rayon task, in elements: small lanes are grouped.
const TASK_ELEMENTS: usize = 1 << 14;

/// The `norm` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    Backward,
    Ortho,
    Forward,
}

impl Norm {
    fn parse(op: &str, s: &str) -> BResult<Norm> {
        match s {
            "backward" => Ok(Norm::Backward),
            "ortho" => Ok(Norm::Ortho),
            "forward" => Ok(Norm::Forward),
            _ => Err(BackendError::value(format!(
                "{op}: norm must be \"backward\", \"ortho\" or \"forward\", got {s:?}"
            ))),
        }
    }

    /// The factor applied to a transform of length `n`.
    fn scale(self, n: usize, inverse: bool) -> f64 {
        match (self, inverse) {
            (Norm::Ortho, _) => 1.0 / (n as f64).sqrt(),
            (Norm::Backward, true) | (Norm::Forward, false) => 1.0 / n as f64,
            _ => 1.0,
        }
    }
}

fn lock_err<T>(_: T) -> BackendError {
    BackendError::internal("fft: the plan cache is poisoned")
}

/// A cached complex plan of length `n`.
fn plan(n: usize, inverse: bool) -> BResult<Arc<dyn Fft<f64>>> {
    static PLANNER: OnceLock<Mutex<FftPlanner<f64>>> = OnceLock::new();
    let mut p = PLANNER
        .get_or_init(|| Mutex::new(FftPlanner::new()))
        .lock()
        .map_err(lock_err)?;
    Ok(if inverse {
        p.plan_fft_inverse(n)
    } else {
        p.plan_fft_forward(n)
    })
}

fn real_planner() -> &'static Mutex<RealFftPlanner<f64>> {
    static PLANNER: OnceLock<Mutex<RealFftPlanner<f64>>> = OnceLock::new();
    PLANNER.get_or_init(|| Mutex::new(RealFftPlanner::new()))
}

/// The transform length: `n` if given (must be >= 1), else the axis length.
fn length(op: &str, n: Option<i64>, axis_len: usize) -> BResult<usize> {
    let len = n.unwrap_or(axis_len as i64);
    if len < 1 {
        return Err(BackendError::value(format!(
            "{op}: invalid number of data points ({len})"
        )));
    }
    Ok(len as usize)
}

/// The lanes of `v` along `ax`, each cropped or zero-padded to `len`, one
/// after the other; with the shape of the other axes.
fn to_lanes<T: Copy + Default>(
    v: ArrayViewD<'_, T>,
    ax: usize,
    len: usize,
) -> (Vec<T>, Vec<usize>) {
    let nd = v.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&i| i != ax).collect();
    perm.push(ax);
    let others: Vec<usize> = perm[..nd - 1].iter().map(|&i| v.shape()[i]).collect();
    let m = v.shape()[ax];
    let data = standard(v.permuted_axes(IxDyn(&perm)));
    let src: Vec<T> = data.into_iter().collect();
    let lanes: usize = others.iter().product();
    let mut out = vec![T::default(); lanes * len];
    let keep = m.min(len);
    if m > 0 {
        for (o, s) in out.chunks_mut(len).zip(src.chunks(m)) {
            o[..keep].copy_from_slice(&s[..keep]);
        }
    }
    (out, others)
}

/// Inverse of [`to_lanes`]: lanes of length `len` put back along axis `ax`.
fn from_lanes<T: Clone>(
    op: &str,
    data: Vec<T>,
    others: &[usize],
    ax: usize,
    len: usize,
) -> BResult<ArrayD<T>> {
    let mut shape = others.to_vec();
    shape.push(len);
    let a = ArrayD::from_shape_vec(IxDyn(&shape), data)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
    let nd = shape.len();
    let perm: Vec<usize> = (0..nd)
        .map(|j| match j.cmp(&ax) {
            std::cmp::Ordering::Less => j,
            std::cmp::Ordering::Equal => nd - 1,
            std::cmp::Ordering::Greater => j - 1,
        })
        .collect();
    Ok(standard(a.view().permuted_axes(IxDyn(&perm))))
}

fn axis_of(op: &str, x: &NdArray, axis: i64) -> BResult<usize> {
    if x.ndim() == 0 {
        return Err(BackendError::shape(format!(
            "{op}: x must have at least one dimension"
        )));
    }
    strict_axis(op, axis, x.ndim())
}

/// Multiplies every element by `s` (unless `s == 1`).
fn scale_all<T: Send + std::ops::MulAssign<f64>>(data: &mut [T], s: f64) {
    if s != 1.0 {
        data.par_iter_mut()
            .with_min_len(TASK_ELEMENTS)
            .for_each(|v| *v *= s);
    }
}

/// `fft.fft` / `fft.ifft`: the complex DFT along `axis` (real input is
/// promoted to complex128).
pub fn fft(
    op: &str,
    x: &NdArray,
    n: Option<i64>,
    axis: i64,
    norm: Norm,
    inverse: bool,
) -> BResult<NdArray> {
    let ax = axis_of(op, x, axis)?;
    let len = length(op, n, x.shape()[ax])?;
    let xc = typed::<Complex64>(x);
    let (mut data, others) = to_lanes(xc.view(), ax, len);
    let p = plan(len, inverse)?;
    let per_task = len * (TASK_ELEMENTS / len).max(1);
    if !data.is_empty() {
        data.par_chunks_mut(per_task).for_each_init(
            || vec![Complex64::default(); p.get_inplace_scratch_len()],
            |scratch, chunk| p.process_with_scratch(chunk, scratch),
        );
    }
    scale_all(&mut data, norm.scale(len, inverse));
    Ok(wrap(from_lanes(op, data, &others, ax, len)?))
}

/// `fft.rfft`: the DFT of real input, the `n/2 + 1` non-negative
/// frequencies. Complex input is a DType error.
pub fn rfft(op: &str, x: &NdArray, n: Option<i64>, axis: i64, norm: Norm) -> BResult<NdArray> {
    if x.dtype() == DType::Complex128 {
        return Err(BackendError::dtype(format!(
            "{op}: x must be real, got complex128"
        )));
    }
    let ax = axis_of(op, x, axis)?;
    let len = length(op, n, x.shape()[ax])?;
    let xr = typed::<f64>(x);
    let (mut data, others) = to_lanes(xr.view(), ax, len);
    let p: Arc<dyn RealToComplex<f64>> = real_planner()
        .lock()
        .map_err(lock_err)?
        .plan_fft_forward(len);
    let half = len / 2 + 1;
    let mut out = vec![Complex64::default(); data.len() / len * half];
    let lanes_per_task = (TASK_ELEMENTS / len).max(1);
    if !out.is_empty() {
        data.par_chunks_mut(len * lanes_per_task)
            .zip(out.par_chunks_mut(half * lanes_per_task))
            .try_for_each_init(
                || p.make_scratch_vec(),
                |scratch, (inp, o)| {
                    for (i, ol) in inp.chunks_mut(len).zip(o.chunks_mut(half)) {
                        p.process_with_scratch(i, ol, scratch)
                            .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
                    }
                    Ok::<(), BackendError>(())
                },
            )?;
    }
    scale_all(&mut out, norm.scale(len, false));
    Ok(wrap(from_lanes(op, out, &others, ax, half)?))
}

/// `fft.irfft`: the inverse of [`rfft`], real output of length `n`
/// (default `2 (m - 1)` for `m` input points). The imaginary parts of the
/// zero and (for even `n`) Nyquist frequencies are ignored, as in NumPy.
pub fn irfft(op: &str, x: &NdArray, n: Option<i64>, axis: i64, norm: Norm) -> BResult<NdArray> {
    let ax = axis_of(op, x, axis)?;
    let m = x.shape()[ax] as i64;
    let len = length(op, Some(n.unwrap_or(2 * (m - 1))), 0)?;
    let half = len / 2 + 1;
    let xc = typed::<Complex64>(x);
    let (mut data, others) = to_lanes(xc.view(), ax, half);
    let p: Arc<dyn ComplexToReal<f64>> = real_planner()
        .lock()
        .map_err(lock_err)?
        .plan_fft_inverse(len);
    let mut out = vec![0.0f64; data.len() / half * len];
    let lanes_per_task = (TASK_ELEMENTS / len).max(1);
    if !out.is_empty() {
        data.par_chunks_mut(half * lanes_per_task)
            .zip(out.par_chunks_mut(len * lanes_per_task))
            .try_for_each_init(
                || p.make_scratch_vec(),
                |scratch, (inp, o)| {
                    for (i, ol) in inp.chunks_mut(half).zip(o.chunks_mut(len)) {
                        i[0].im = 0.0;
                        if len % 2 == 0 {
                            i[half - 1].im = 0.0;
                        }
                        p.process_with_scratch(i, ol, scratch)
                            .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
                    }
                    Ok::<(), BackendError>(())
                },
            )?;
    }
    scale_all(&mut out, norm.scale(len, true));
    Ok(wrap(from_lanes(op, out, &others, ax, len)?))
}

/// `fft.fftfreq(n, d)`: `[0, 1, ..., (n-1)/2, -(n/2), ..., -1] / (d n)`;
/// `fft.rfftfreq(n, d)`: `[0, 1, ..., n/2] / (d n)`.
pub fn freqs(op: &str, n: i64, d: f64, dtype: DType, real: bool) -> BResult<NdArray> {
    if n < 1 {
        return Err(BackendError::value(format!(
            "{op}: n must be positive, got {n}"
        )));
    }
    if !matches!(dtype, DType::Float32 | DType::Float64) {
        return Err(BackendError::dtype(format!(
            "{op}: dtype must be real floating, got {dtype}"
        )));
    }
    let val = 1.0 / (n as f64 * d);
    let k: Vec<i64> = if real {
        (0..=n / 2).collect()
    } else {
        let pos = (n - 1) / 2 + 1;
        (0..pos).chain(-(n / 2)..0).collect()
    };
    let v: Vec<f64> = k.into_iter().map(|i| i as f64 * val).collect();
    let a = ArrayD::from_shape_vec(IxDyn(&[v.len()]), v)
        .map_err(|e| BackendError::internal(format!("{op}: {e}")))?;
    cast(&NdArray::Float64(a), dtype)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{call_direct, single, Arg};
    use glass_backend_api::{ErrorKind, RValue};
    use std::f64::consts::PI;

    fn c128(shape: &[usize], v: Vec<Complex64>) -> NdArray {
        NdArray::Complex128(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn f64s(shape: &[usize], v: Vec<f64>) -> NdArray {
        NdArray::Float64(ArrayD::from_shape_vec(IxDyn(shape), v).unwrap())
    }
    fn cvals(x: &NdArray) -> Vec<Complex64> {
        let NdArray::Complex128(a) = x else {
            panic!("not complex")
        };
        a.iter().copied().collect()
    }
    fn fvals(x: &NdArray) -> Vec<f64> {
        let NdArray::Float64(a) = x else {
            panic!("not float64")
        };
        a.iter().copied().collect()
    }
    fn sample(n: usize) -> Vec<Complex64> {
        (0..n)
            .map(|j| {
                Complex64::new(
                    (j as f64 * 0.7).sin() + 0.1 * j as f64,
                    (j as f64 * 1.3).cos(),
                )
            })
            .collect()
    }
    /// The DFT by its definition.
    fn naive_dft(x: &[Complex64], sign: f64) -> Vec<Complex64> {
        let n = x.len();
        (0..n)
            .map(|k| {
                x.iter()
                    .enumerate()
                    .map(|(j, &v)| {
                        v * Complex64::from_polar(1.0, sign * 2.0 * PI * (j * k) as f64 / n as f64)
                    })
                    .sum()
            })
            .collect()
    }
    fn close(a: &[Complex64], b: &[Complex64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).norm() <= tol * (1.0 + y.norm()), "{x} vs {y}");
        }
    }
    fn args<'a>(x: &'a NdArray, n: Option<i64>, axis: i64, norm: &str) -> Vec<Arg<'a>> {
        vec![
            x.into(),
            Arg::Value(n.map_or(RValue::None, RValue::Int)),
            Arg::Value(RValue::Int(axis)),
            Arg::Value(RValue::Str(norm.into())),
        ]
    }

    #[test]
    fn fft_matches_naive_dft() {
        for n in [1usize, 7, 16, 100] {
            let x = sample(n);
            let a = c128(&[n], x.clone());
            let got =
                cvals(&single(call_direct(Op::FftFft, &args(&a, None, -1, "backward"))).unwrap());
            close(&got, &naive_dft(&x, -1.0), 1e-12 * n as f64);
            let inv =
                cvals(&single(call_direct(Op::FftIfft, &args(&a, None, -1, "backward"))).unwrap());
            let want: Vec<Complex64> = naive_dft(&x, 1.0)
                .into_iter()
                .map(|v| v / n as f64)
                .collect();
            close(&inv, &want, 1e-12 * n as f64);
            let ortho =
                cvals(&single(call_direct(Op::FftFft, &args(&a, None, 0, "ortho"))).unwrap());
            let want: Vec<Complex64> = naive_dft(&x, -1.0)
                .into_iter()
                .map(|v| v / (n as f64).sqrt())
                .collect();
            close(&ortho, &want, 1e-12 * n as f64);
        }
    }

    #[test]
    fn fft_axis_crop_and_pad() {
        // A 3 x 5 array transformed along axis 0 with n = 4 (zero-padded)
        // and along axis 1 with n = 3 (cropped).
        let x = sample(15);
        let a = c128(&[3, 5], x.clone());
        let got =
            cvals(&single(call_direct(Op::FftFft, &args(&a, Some(4), 0, "forward"))).unwrap());
        for col in 0..5 {
            let mut lane: Vec<Complex64> = (0..3).map(|r| x[r * 5 + col]).collect();
            lane.push(Complex64::default());
            let want: Vec<Complex64> = naive_dft(&lane, -1.0)
                .into_iter()
                .map(|v| v / 4.0)
                .collect();
            let g: Vec<Complex64> = (0..4).map(|r| got[r * 5 + col]).collect();
            close(&g, &want, 1e-12);
        }
        let got =
            cvals(&single(call_direct(Op::FftFft, &args(&a, Some(3), 1, "backward"))).unwrap());
        for row in 0..3 {
            let want = naive_dft(&x[row * 5..row * 5 + 3], -1.0);
            close(&got[row * 3..row * 3 + 3], &want, 1e-12);
        }
        // Real input is promoted.
        let r = f64s(&[4], vec![1.0, 2.0, 3.0, 4.0]);
        let got = cvals(&single(call_direct(Op::FftFft, &args(&r, None, -1, "backward"))).unwrap());
        close(
            &got,
            &naive_dft(&[1.0, 2.0, 3.0, 4.0].map(|v| Complex64::new(v, 0.0)), -1.0),
            1e-12,
        );
    }

    #[test]
    fn rfft_and_round_trip() {
        for n in [1usize, 7, 16, 100, 101] {
            let x: Vec<f64> = sample(n).iter().map(|c| c.re).collect();
            let a = f64s(&[n], x.clone());
            let spec = single(call_direct(Op::FftRfft, &args(&a, None, -1, "backward"))).unwrap();
            assert_eq!(spec.shape(), &[n / 2 + 1]);
            let full = naive_dft(
                &x.iter()
                    .map(|&v| Complex64::new(v, 0.0))
                    .collect::<Vec<_>>(),
                -1.0,
            );
            close(&cvals(&spec), &full[..n / 2 + 1], 1e-12 * n as f64);
            if n > 1 {
                let back = single(call_direct(
                    Op::FftIrfft,
                    &args(&spec, Some(n as i64), -1, "backward"),
                ))
                .unwrap();
                let b = fvals(&back);
                for (u, v) in b.iter().zip(&x) {
                    assert!((u - v).abs() < 1e-12 * n as f64, "n={n}: {u} vs {v}");
                }
            }
            let so = single(call_direct(Op::FftRfft, &args(&a, None, -1, "ortho"))).unwrap();
            let back = single(call_direct(
                Op::FftIrfft,
                &args(&so, Some(n as i64), -1, "ortho"),
            ))
            .unwrap();
            for (u, v) in fvals(&back).iter().zip(&x) {
                assert!((u - v).abs() < 1e-12 * n as f64);
            }
        }
        // Default output length 2 (m - 1).
        let spec = c128(&[3, 2], vec![Complex64::new(1.0, 0.0); 6]);
        let back = single(call_direct(Op::FftIrfft, &args(&spec, None, 0, "backward"))).unwrap();
        assert_eq!(back.shape(), &[4, 2]);
        // DC and Nyquist imaginary parts are ignored: irfft([1+5i, 0, 2+7i]) as n = 4.
        let s = c128(
            &[3],
            vec![
                Complex64::new(1.0, 5.0),
                Complex64::default(),
                Complex64::new(2.0, 7.0),
            ],
        );
        let b = fvals(&single(call_direct(Op::FftIrfft, &args(&s, None, -1, "backward"))).unwrap());
        let want = [0.75, -0.25, 0.75, -0.25];
        for (u, v) in b.iter().zip(want) {
            assert!((u - v).abs() < 1e-14, "{b:?}");
        }
    }

    #[test]
    fn fft_errors() {
        let c = c128(&[4], sample(4));
        let e = single(call_direct(Op::FftRfft, &args(&c, None, -1, "backward"))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::DType);
        let e = single(call_direct(Op::FftFft, &args(&c, Some(0), -1, "backward"))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        let e = single(call_direct(Op::FftFft, &args(&c, None, 1, "backward"))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        let e = single(call_direct(Op::FftFft, &args(&c, None, -1, "sideways"))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        let one = c128(&[1], sample(1));
        let e = single(call_direct(Op::FftIrfft, &args(&one, None, -1, "backward"))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        let empty = c128(&[0, 4], vec![]);
        let r = single(call_direct(Op::FftFft, &args(&empty, None, -1, "backward"))).unwrap();
        assert_eq!(r.shape(), &[0, 4]);
    }

    #[test]
    fn frequencies() {
        let f = single(call_direct(
            Op::FftFftfreq,
            &[Arg::Value(RValue::Int(5)), Arg::Value(RValue::Float(0.5))],
        ))
        .unwrap();
        assert_eq!(fvals(&f), vec![0.0, 0.4, 0.8, -0.8, -0.4]);
        let f = single(call_direct(Op::FftFftfreq, &[Arg::Value(RValue::Int(4))])).unwrap();
        assert_eq!(fvals(&f), vec![0.0, 0.25, -0.5, -0.25]);
        let f = single(call_direct(Op::FftRfftfreq, &[Arg::Value(RValue::Int(4))])).unwrap();
        assert_eq!(fvals(&f), vec![0.0, 0.25, 0.5]);
        let f = single(call_direct(
            Op::FftRfftfreq,
            &[
                Arg::Value(RValue::Int(5)),
                Arg::Value(RValue::Float(1.0)),
                Arg::Value(RValue::DType(DType::Float32)),
            ],
        ))
        .unwrap();
        assert_eq!(f.dtype(), DType::Float32);
        assert_eq!(f.shape(), &[3]);
        let e = single(call_direct(Op::FftFftfreq, &[Arg::Value(RValue::Int(0))])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
    }
}
