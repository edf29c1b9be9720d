//! `random.*`: the reference streams of `glass_backend_api::random` on
//! ndarray arrays, filled in parallel on rayon's global pool.
//!
//! Every output element is a pure function of `(seed, stream, offset + j)`
//! (`j` its C-order index), so chunks are filled independently with their
//! chunk offset and the result is the same for any `RAYON_NUM_THREADS`.
//!
//! Arguments (see `glass_backend_api::ops`): `seed` is any int (used as its
//! 64-bit two's complement), `stream` in `[0, 2^32)`, `offset >= 0`.

use glass_backend_api::random::{self as reference, RandomError};
use glass_backend_api::{Args, BResult, BackendError, DType, Op, Value};
use ndarray::{ArrayD, IxDyn};
use rayon::prelude::*;

use crate::util::shape_arg;
use crate::{one, NdArray};

/// Elements per parallel task.
const CHUNK: usize = 1 << 14;

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::RandomUniform | Op::RandomNormal | Op::RandomPoisson | Op::RandomMultinomial
    )
}

pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
) -> BResult<Vec<Value<NdArray>>> {
    let name = args.op();
    let key = StreamKey::from_args(name, args)?;
    match op {
        Op::RandomUniform => {
            let shape = shape_arg(name, args.ints(3)?)?;
            let (low, high) = (args.float_or(4, 0.0)?, args.float_or(5, 1.0)?);
            let dtype = float_dtype(name, args.opt_dtype(6)?)?;
            check_device(name, args.int_or(7, 0)?)?;
            one(uniform(name, key, &shape, low, high, dtype)?)
        }
        Op::RandomNormal => {
            let shape = shape_arg(name, args.ints(3)?)?;
            let (loc, scale) = (args.float_or(4, 0.0)?, args.float_or(5, 1.0)?);
            let dtype = float_dtype(name, args.opt_dtype(6)?)?;
            check_device(name, args.int_or(7, 0)?)?;
            one(normal(name, key, &shape, loc, scale, dtype)?)
        }
        Op::RandomPoisson => one(poisson(name, key, args.array(3)?.as_ref())?),
        Op::RandomMultinomial => one(multinomial(
            name,
            key,
            args.array(3)?.as_ref(),
            args.array(4)?.as_ref(),
        )?),
        _ => Err(BackendError::unsupported(format!(
            "{op} is not a random op"
        ))),
    }
}

/// `(seed, stream, offset)` of a call, checked.
#[derive(Clone, Copy, Debug)]
pub struct StreamKey {
    pub seed: u64,
    pub stream: u32,
    pub offset: u64,
}

impl StreamKey {
    fn from_args<A: 'static>(name: &str, args: &Args<'_, A>) -> BResult<Self> {
        let seed = args.int(0)? as u64;
        let stream = args.int(1)?;
        let stream = u32::try_from(stream).map_err(|_| {
            BackendError::value(format!("{name}: stream must be in [0, 2^32), got {stream}"))
        })?;
        let offset = args.int(2)?;
        let offset = u64::try_from(offset).map_err(|_| {
            BackendError::value(format!("{name}: offset must be non-negative, got {offset}"))
        })?;
        Ok(StreamKey {
            seed,
            stream,
            offset,
        })
    }
}

fn float_dtype(name: &str, dtype: Option<DType>) -> BResult<DType> {
    match dtype.unwrap_or(DType::Float64) {
        d @ (DType::Float32 | DType::Float64) => Ok(d),
        d => Err(BackendError::dtype(format!(
            "{name}: dtype must be float32 or float64, got {d:?}"
        ))),
    }
}

fn check_device(name: &str, device: i64) -> BResult<()> {
    if device == 0 {
        Ok(())
    } else {
        Err(BackendError::device(format!(
            "{name}: the ndarray backend has one device (0, cpu), got {device}"
        )))
    }
}

fn element_count(name: &str, shape: &[usize]) -> BResult<usize> {
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| {
            BackendError::value(format!("{name}: shape {shape:?} has too many elements"))
        })
}

fn value_error(name: &str) -> impl Fn(RandomError) -> BackendError + '_ {
    move |e| BackendError::value(format!("{name}: {e}"))
}

/// Fills `n` elements in parallel chunks: `fill(i0, &mut buf)` writes the
/// reference values of element indices `i0 ..` into an f64 buffer (the
/// chunk itself for f64), then `map` turns each into an output element.
fn par_fill<T: Send + Default + Clone>(
    n: usize,
    offset: u64,
    fill: impl Fn(u64, &mut [f64]) + Sync,
    map: impl Fn(f64) -> T + Sync,
) -> Vec<T> {
    let mut out = vec![T::default(); n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut buf = vec![0.0; chunk.len()];
            fill(offset.wrapping_add((c * CHUNK) as u64), &mut buf);
            for (o, &x) in chunk.iter_mut().zip(&buf) {
                *o = map(x);
            }
        });
    out
}

/// [`par_fill`] for f64 outputs, in place.
fn par_fill_f64(
    n: usize,
    offset: u64,
    fill: impl Fn(u64, &mut [f64]) + Sync,
    map: impl Fn(f64) -> f64 + Sync,
) -> Vec<f64> {
    let mut out = vec![0.0; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            fill(offset.wrapping_add((c * CHUNK) as u64), chunk);
            for x in chunk.iter_mut() {
                *x = map(*x);
            }
        });
    out
}

fn into_array<T>(name: &str, shape: &[usize], v: Vec<T>) -> BResult<ArrayD<T>> {
    ArrayD::from_shape_vec(IxDyn(shape), v)
        .map_err(|e| BackendError::internal(format!("{name}: {e}")))
}

/// `random.uniform`: `low + (high - low) u` in `[low, high)` (see
/// `glass_backend_api::random::scale_uniform`); `low <= high`, both finite.
pub fn uniform(
    name: &str,
    key: StreamKey,
    shape: &[usize],
    low: f64,
    high: f64,
    dtype: DType,
) -> BResult<NdArray> {
    if !(low.is_finite() && high.is_finite() && low <= high) {
        return Err(BackendError::value(format!(
            "{name}: low and high must be finite with low <= high, got low = {low}, high = {high}"
        )));
    }
    let n = element_count(name, shape)?;
    let StreamKey {
        seed,
        stream,
        offset,
    } = key;
    let fill = |i0, buf: &mut [f64]| reference::fill_uniform(seed, stream, i0, buf);
    Ok(match dtype {
        DType::Float32 => NdArray::Float32(into_array(
            name,
            shape,
            par_fill(n, offset, fill, |u| {
                reference::scale_uniform_f32(u, low, high)
            }),
        )?),
        _ => NdArray::Float64(into_array(
            name,
            shape,
            par_fill_f64(n, offset, fill, |u| reference::scale_uniform(u, low, high)),
        )?),
    })
}

/// `random.normal`: `loc + scale z`; `loc` finite, `scale` finite and `>= 0`.
/// float32 is the float64 value rounded.
pub fn normal(
    name: &str,
    key: StreamKey,
    shape: &[usize],
    loc: f64,
    scale: f64,
    dtype: DType,
) -> BResult<NdArray> {
    if !(loc.is_finite() && scale.is_finite() && scale >= 0.0) {
        return Err(BackendError::value(format!(
            "{name}: loc must be finite and scale finite and non-negative, got loc = {loc}, scale = {scale}"
        )));
    }
    let n = element_count(name, shape)?;
    let StreamKey {
        seed,
        stream,
        offset,
    } = key;
    let fill = |i0, buf: &mut [f64]| reference::fill_normal(seed, stream, i0, buf);
    Ok(match dtype {
        DType::Float32 => NdArray::Float32(into_array(
            name,
            shape,
            par_fill(n, offset, fill, |z| (loc + scale * z) as f32),
        )?),
        _ => NdArray::Float64(into_array(
            name,
            shape,
            par_fill_f64(n, offset, fill, |z| loc + scale * z),
        )?),
    })
}

/// The elements of a real array as float64, in C order.
fn real_values(name: &str, what: &str, x: &NdArray) -> BResult<Vec<f64>> {
    match x {
        NdArray::Float64(a) => Ok(a.iter().copied().collect()),
        NdArray::Float32(a) => Ok(a.iter().map(|&v| f64::from(v)).collect()),
        NdArray::Int64(a) => Ok(a.iter().map(|&v| v as f64).collect()),
        other => Err(BackendError::dtype(format!(
            "{name}: {what} must be a real array, got {:?}",
            other.dtype()
        ))),
    }
}

/// `random.poisson`: int64 draws of the shape of `lam` (float64; float32
/// and int64 are converted). Every `lam` must be finite, `>= 0` and at
/// most `1e18`.
pub fn poisson(name: &str, key: StreamKey, lam: &NdArray) -> BResult<NdArray> {
    let lams = real_values(name, "lam", lam)?;
    if let Some(j) = lams
        .par_iter()
        .position_first(|&l| !(0.0..=reference::POISSON_LAM_MAX).contains(&l))
    {
        return Err(BackendError::value(format!(
            "{name}: lam must be finite and in [0, 1e18], got {} at flat index {j}",
            lams[j]
        )));
    }
    let StreamKey {
        seed,
        stream,
        offset,
    } = key;
    let mut out = vec![0i64; lams.len()];
    out.par_chunks_mut(CHUNK)
        .zip(lams.par_chunks(CHUNK))
        .enumerate()
        .try_for_each(|(c, (o, l))| {
            let base = offset.wrapping_add((c * CHUNK) as u64);
            reference::fill_poisson(seed, stream, base, l, o)
        })
        .map_err(value_error(name))?;
    Ok(NdArray::Int64(into_array(name, lam.shape(), out)?))
}

/// `random.multinomial`: int64 counts of shape `n.shape + (K,)`, `K =
/// len(pvals)`; row `j` (C order of `n`) is drawn as row `offset + j` of
/// the reference stream. `n >= 0`; `pvals` 1-d, each in `[0, 1]`, with
/// `sum(pvals[:-1]) <= 1 + 1e-12`.
pub fn multinomial(name: &str, key: StreamKey, n: &NdArray, pvals: &NdArray) -> BResult<NdArray> {
    let NdArray::Int64(n) = n else {
        return Err(BackendError::dtype(format!(
            "{name}: n must be an int64 array, got {:?}",
            n.dtype()
        )));
    };
    if pvals.ndim() != 1 {
        return Err(BackendError::shape(format!(
            "{name}: pvals must be 1-d, got shape {:?}",
            pvals.shape()
        )));
    }
    let pvals = real_values(name, "pvals", pvals)?;
    reference::check_pvals(&pvals).map_err(value_error(name))?;
    let ns: Vec<i64> = n.iter().copied().collect();
    if let Some(j) = ns
        .iter()
        .position(|&v| !(0..=reference::BINOMIAL_N_MAX).contains(&v))
    {
        return Err(BackendError::value(format!(
            "{name}: n must be in [0, 2^53], got {} at flat index {j}",
            ns[j]
        )));
    }
    let kk = pvals.len();
    let StreamKey {
        seed,
        stream,
        offset,
    } = key;
    let total = ns
        .len()
        .checked_mul(kk)
        .ok_or_else(|| BackendError::value(format!("{name}: the output has too many elements")))?;
    let rows_per_chunk = (CHUNK / kk).max(1);
    let mut out = vec![0i64; total];
    out.par_chunks_mut(rows_per_chunk * kk)
        .zip(ns.par_chunks(rows_per_chunk))
        .enumerate()
        .try_for_each(|(c, (o, rows))| {
            let base = offset.wrapping_add((c * rows_per_chunk) as u64);
            reference::fill_multinomial(seed, stream, base, rows, &pvals, o)
        })
        .map_err(value_error(name))?;
    let mut shape = n.shape().to_vec();
    shape.push(kk);
    Ok(NdArray::Int64(into_array(name, &shape, out)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{call_direct, single, Arg};
    use glass_backend_api::RValue;
    use ndarray::arr1;

    fn int(v: i64) -> Arg<'static> {
        Arg::Value(RValue::Int(v))
    }
    fn float(v: f64) -> Arg<'static> {
        Arg::Value(RValue::Float(v))
    }
    fn ints(v: &[i64]) -> Arg<'static> {
        Arg::Value(RValue::Ints(v.to_vec().into()))
    }
    fn dtype(d: DType) -> Arg<'static> {
        Arg::Value(RValue::DType(d))
    }

    fn f64s(x: NdArray) -> (Vec<usize>, Vec<f64>) {
        match x {
            NdArray::Float64(a) => (a.shape().to_vec(), a.iter().copied().collect()),
            other => panic!("expected float64, got {:?}", other.dtype()),
        }
    }
    fn i64s(x: NdArray) -> (Vec<usize>, Vec<i64>) {
        match x {
            NdArray::Int64(a) => (a.shape().to_vec(), a.iter().copied().collect()),
            other => panic!("expected int64, got {:?}", other.dtype()),
        }
    }

    #[test]
    fn uniform_matches_reference_and_scales() {
        let out = single(call_direct(
            Op::RandomUniform,
            &[
                int(-5),
                int(2),
                int(10),
                ints(&[3, 40_000]),
                float(-1.0),
                float(3.0),
            ],
        ))
        .unwrap();
        let (shape, v) = f64s(out);
        assert_eq!(shape, vec![3, 40_000]);
        for (j, &x) in v.iter().enumerate() {
            let u = reference::uniform(-5_i64 as u64, 2, 10 + j as u64);
            assert_eq!(x, -1.0 + 4.0 * u);
            assert!((-1.0..3.0).contains(&x));
        }
    }

    #[test]
    fn uniform_float32_is_rounded_float64() {
        let out = single(call_direct(
            Op::RandomUniform,
            &[
                int(1),
                int(0),
                int(0),
                ints(&[1000]),
                float(0.0),
                float(1.0),
                dtype(DType::Float32),
            ],
        ))
        .unwrap();
        let NdArray::Float32(a) = out else {
            panic!("expected float32")
        };
        for (j, &x) in a.iter().enumerate() {
            assert_eq!(
                x,
                reference::scale_uniform_f32(reference::uniform(1, 0, j as u64), 0.0, 1.0)
            );
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn normal_matches_reference() {
        let out = single(call_direct(
            Op::RandomNormal,
            &[
                int(9),
                int(1),
                int(0),
                ints(&[50_000]),
                float(2.0),
                float(0.5),
            ],
        ))
        .unwrap();
        let (_, v) = f64s(out);
        for (j, &x) in v.iter().enumerate() {
            assert_eq!(x, 2.0 + 0.5 * reference::normal(9, 1, j as u64));
        }
        let out = single(call_direct(
            Op::RandomNormal,
            &[
                int(9),
                int(1),
                int(0),
                ints(&[100]),
                float(0.0),
                float(1.0),
                dtype(DType::Float32),
            ],
        ))
        .unwrap();
        let NdArray::Float32(a) = out else {
            panic!("expected float32")
        };
        assert!(a
            .iter()
            .enumerate()
            .all(|(j, &x)| x == reference::normal(9, 1, j as u64) as f32));
    }

    #[test]
    fn same_result_for_any_thread_count() {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let lam = NdArray::Float64(ArrayD::from_shape_fn(IxDyn(&[70_001]), |i| {
                    (i[0] % 50) as f64
                }));
                let p = single(call_direct(
                    Op::RandomPoisson,
                    &[int(3), int(0), int(7), Arg::Array(&lam)],
                ))
                .unwrap();
                let z = single(call_direct(
                    Op::RandomNormal,
                    &[int(3), int(0), int(7), ints(&[70_001])],
                ))
                .unwrap();
                (p, z)
            })
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn empty_and_zero_d_shapes() {
        let out = single(call_direct(
            Op::RandomNormal,
            &[int(1), int(0), int(0), ints(&[0, 5])],
        ))
        .unwrap();
        assert_eq!(out.shape(), &[0, 5]);
        let out = single(call_direct(
            Op::RandomUniform,
            &[int(1), int(0), int(0), ints(&[])],
        ))
        .unwrap();
        let (shape, v) = f64s(out);
        assert!(shape.is_empty());
        assert_eq!(v, vec![reference::uniform(1, 0, 0)]);
        let lam = NdArray::Float64(ArrayD::zeros(IxDyn(&[0])));
        let out = single(call_direct(
            Op::RandomPoisson,
            &[int(1), int(0), int(0), Arg::Array(&lam)],
        ))
        .unwrap();
        assert_eq!(out.shape(), &[0]);
    }

    #[test]
    fn poisson_matches_reference() {
        let lam = NdArray::Float64(
            arr1(&[0.0, 0.5, 3.0, 10.0, 30.0, 1e4, 1e7, 2.5])
                .into_shape_with_order(IxDyn(&[2, 4]))
                .unwrap(),
        );
        let out = single(call_direct(
            Op::RandomPoisson,
            &[int(4), int(5), int(100), Arg::Array(&lam)],
        ))
        .unwrap();
        let (shape, v) = i64s(out);
        assert_eq!(shape, vec![2, 4]);
        let NdArray::Float64(l) = &lam else {
            unreachable!()
        };
        for (j, (&k, &l)) in v.iter().zip(l.iter()).enumerate() {
            assert_eq!(k, reference::poisson(4, 5, 100 + j as u64, l).unwrap());
        }
        assert_eq!(v[0], 0);
        // int64 lam is accepted as float64
        let lam_i = NdArray::Int64(arr1(&[3, 30]).into_dyn());
        let lam_f = NdArray::Float64(arr1(&[3.0, 30.0]).into_dyn());
        let a = single(call_direct(
            Op::RandomPoisson,
            &[int(4), int(0), int(0), Arg::Array(&lam_i)],
        ))
        .unwrap();
        let b = single(call_direct(
            Op::RandomPoisson,
            &[int(4), int(0), int(0), Arg::Array(&lam_f)],
        ))
        .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn multinomial_matches_reference() {
        let n = NdArray::Int64(
            arr1(&[10, 0, 1000, 7, 123_456, 5])
                .into_shape_with_order(IxDyn(&[3, 2]))
                .unwrap(),
        );
        let p = NdArray::Float64(arr1(&[0.2, 0.5, 0.3]).into_dyn());
        let out = single(call_direct(
            Op::RandomMultinomial,
            &[int(8), int(1), int(20), Arg::Array(&n), Arg::Array(&p)],
        ))
        .unwrap();
        let (shape, v) = i64s(out);
        assert_eq!(shape, vec![3, 2, 3]);
        let NdArray::Int64(na) = &n else {
            unreachable!()
        };
        for (j, (&nj, row)) in na.iter().zip(v.chunks(3)).enumerate() {
            let mut want = [0; 3];
            reference::multinomial(8, 1, 20 + j as u64, nj, &[0.2, 0.5, 0.3], &mut want).unwrap();
            assert_eq!(row, want);
            assert_eq!(row.iter().sum::<i64>(), nj);
        }
        // 0-d n gives shape (K,)
        let n0 = NdArray::Int64(ArrayD::from_elem(IxDyn(&[]), 50));
        let out = single(call_direct(
            Op::RandomMultinomial,
            &[int(8), int(1), int(0), Arg::Array(&n0), Arg::Array(&p)],
        ))
        .unwrap();
        assert_eq!(out.shape(), &[3]);
    }

    fn err(op: Op, args: &[Arg<'_>]) -> BackendError {
        match call_direct(op, args) {
            Err(e) => e,
            Ok(_) => panic!("{op}: expected an error"),
        }
    }

    #[test]
    fn errors() {
        use glass_backend_api::ErrorKind;
        let e = err(Op::RandomNormal, &[int(1), int(0), int(0), ints(&[-2, 3])]);
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("random.normal") && e.message.contains("negative"));
        let e = err(Op::RandomUniform, &[int(1), int(-1), int(0), ints(&[3])]);
        assert!(e.message.contains("stream"));
        let e = err(
            Op::RandomUniform,
            &[int(1), int(1 << 32), int(0), ints(&[3])],
        );
        assert!(e.message.contains("stream"));
        let e = err(Op::RandomUniform, &[int(1), int(0), int(-4), ints(&[3])]);
        assert!(e.message.contains("offset"));
        let e = err(
            Op::RandomUniform,
            &[int(1), int(0), int(0), ints(&[3]), float(2.0), float(1.0)],
        );
        assert_eq!(e.kind, ErrorKind::Value);
        let e = err(
            Op::RandomUniform,
            &[
                int(1),
                int(0),
                int(0),
                ints(&[3]),
                float(0.0),
                float(f64::NAN),
            ],
        );
        assert_eq!(e.kind, ErrorKind::Value);
        let e = err(
            Op::RandomNormal,
            &[int(1), int(0), int(0), ints(&[3]), float(0.0), float(-1.0)],
        );
        assert!(e.message.contains("scale"));
        let e = err(
            Op::RandomNormal,
            &[
                int(1),
                int(0),
                int(0),
                ints(&[3]),
                float(0.0),
                float(1.0),
                dtype(DType::Int64),
            ],
        );
        assert_eq!(e.kind, ErrorKind::DType);
        let e = err(
            Op::RandomNormal,
            &[
                int(1),
                int(0),
                int(0),
                ints(&[3]),
                float(0.0),
                float(1.0),
                dtype(DType::Float64),
                int(2),
            ],
        );
        assert_eq!(e.kind, ErrorKind::Device);

        let lam = NdArray::Float64(arr1(&[1.0, f64::NAN]).into_dyn());
        let e = err(
            Op::RandomPoisson,
            &[int(1), int(0), int(0), Arg::Array(&lam)],
        );
        assert!(
            e.message.contains("random.poisson")
                && e.message.contains("lam")
                && e.message.contains("index 1")
        );
        let lam = NdArray::Float64(arr1(&[-0.5]).into_dyn());
        assert_eq!(
            err(
                Op::RandomPoisson,
                &[int(1), int(0), int(0), Arg::Array(&lam)]
            )
            .kind,
            ErrorKind::Value
        );
        let lam = NdArray::Bool(arr1(&[true]).into_dyn());
        assert_eq!(
            err(
                Op::RandomPoisson,
                &[int(1), int(0), int(0), Arg::Array(&lam)]
            )
            .kind,
            ErrorKind::DType
        );

        let p = NdArray::Float64(arr1(&[0.5, 0.5]).into_dyn());
        let n = NdArray::Int64(arr1(&[3, -1]).into_dyn());
        let e = err(
            Op::RandomMultinomial,
            &[int(1), int(0), int(0), Arg::Array(&n), Arg::Array(&p)],
        );
        assert!(e.message.contains("n must be"));
        let n = NdArray::Int64(arr1(&[3]).into_dyn());
        let bad = NdArray::Float64(arr1(&[0.8, 0.7, 0.0]).into_dyn());
        let e = err(
            Op::RandomMultinomial,
            &[int(1), int(0), int(0), Arg::Array(&n), Arg::Array(&bad)],
        );
        assert!(e.message.contains("sum(pvals"));
        let bad = NdArray::Float64(arr1(&[0.5, -0.1, 0.6]).into_dyn());
        let e = err(
            Op::RandomMultinomial,
            &[int(1), int(0), int(0), Arg::Array(&n), Arg::Array(&bad)],
        );
        assert!(e.message.contains("pvals[1]"));
        let bad = NdArray::Float64(ArrayD::zeros(IxDyn(&[0])));
        assert_eq!(
            err(
                Op::RandomMultinomial,
                &[int(1), int(0), int(0), Arg::Array(&n), Arg::Array(&bad)]
            )
            .kind,
            ErrorKind::Value
        );
        let bad = NdArray::Float64(ArrayD::zeros(IxDyn(&[2, 2])));
        assert_eq!(
            err(
                Op::RandomMultinomial,
                &[int(1), int(0), int(0), Arg::Array(&n), Arg::Array(&bad)]
            )
            .kind,
            ErrorKind::Shape
        );
        let nf = NdArray::Float64(arr1(&[3.0]).into_dyn());
        assert_eq!(
            err(
                Op::RandomMultinomial,
                &[int(1), int(0), int(0), Arg::Array(&nf), Arg::Array(&p)]
            )
            .kind,
            ErrorKind::DType
        );
        let e = err(
            Op::RandomMultinomial,
            &[
                int(1),
                int(0),
                int(i64::MAX),
                Arg::Array(&n),
                Arg::Array(&p),
            ],
        );
        assert!(e.message.contains("overflows"));
    }
}
