//! The `healpix` extension: the fast native kernels of `glass-healpix`
//! (spherical harmonic transforms planned once per `(nside, lmax, mmax)`
//! by the caller's [`ShtPlanner`] and run on rayon's pool; RING/NESTED
//! pixel functions) on ndarray arrays. The planner belongs to the backend
//! instance (rustfft's rule: plans are owned by their user, there is no
//! global cache), so [`call`] takes it.
//!
//! Leading axes are a batch: every map or alm of the batch goes through the
//! same Legendre pass.

use std::borrow::Cow;

use glass_backend_api::{Args, BResult, BackendError, Op, Value};
use glass_healpix::{pixel, HealpixError};

pub use glass_healpix::sht::ShtPlanner;
use ndarray::{ArrayD, IxDyn};
use num_complex::Complex64;

use crate::{one, NdArray};

pub fn supports(op: Op) -> bool {
    matches!(
        op,
        Op::HealpixAlm2map
            | Op::HealpixMap2alm
            | Op::HealpixAlm2mapSpin
            | Op::HealpixMap2almSpin
            | Op::HealpixAng2pix
            | Op::HealpixPix2ang
            | Op::HealpixRandang
            | Op::PointsPositions
    )
}

fn herr(op: &str, e: HealpixError) -> BackendError {
    BackendError::value(format!("{op}: {e}"))
}

fn usize_arg(op: &str, what: &str, v: i64) -> BResult<usize> {
    usize::try_from(v)
        .map_err(|_| BackendError::value(format!("{op}: {what} must be >= 0, got {v}")))
}

fn f64s<'a>(op: &str, what: &str, x: &'a NdArray) -> BResult<&'a ArrayD<f64>> {
    match x {
        NdArray::Float64(a) => Ok(a),
        other => Err(BackendError::dtype(format!(
            "{op}: {what} must be float64, got {:?}",
            other.dtype()
        ))),
    }
}

fn i64s<'a>(op: &str, what: &str, x: &'a NdArray) -> BResult<&'a ArrayD<i64>> {
    match x {
        NdArray::Int64(a) => Ok(a),
        other => Err(BackendError::dtype(format!(
            "{op}: {what} must be int64, got {:?}",
            other.dtype()
        ))),
    }
}

/// `(theta, phi)` results of the pixel functions, of the input's shape.
fn angles(shape: &[usize], theta: Vec<f64>, phi: Vec<f64>) -> BResult<Vec<Value<NdArray>>> {
    let err = |e: ndarray::ShapeError| BackendError::internal(format!("{e}"));
    Ok(vec![
        Value::Array(NdArray::Float64(
            ArrayD::from_shape_vec(IxDyn(shape), theta).map_err(err)?,
        )),
        Value::Array(NdArray::Float64(
            ArrayD::from_shape_vec(IxDyn(shape), phi).map_err(err)?,
        )),
    ])
}

fn c128s<'a>(op: &str, what: &str, x: &'a NdArray) -> BResult<&'a ArrayD<Complex64>> {
    match x {
        NdArray::Complex128(a) => Ok(a),
        other => Err(BackendError::dtype(format!(
            "{op}: {what} must be complex128, got {:?}",
            other.dtype()
        ))),
    }
}

/// The leading shape of `a` and its data in C order (borrowed when it
/// already is), after checking that the last axis has length `len` (and the
/// one before it 2 for spin pairs).
fn rows<'a, T: Clone>(
    op: &str,
    what: &str,
    a: &'a ArrayD<T>,
    len: usize,
    want_pair: bool,
) -> BResult<(Vec<usize>, Cow<'a, [T]>)> {
    let shape = a.shape().to_vec();
    let nd = shape.len();
    let min_nd = if want_pair { 2 } else { 1 };
    if nd < min_nd || shape[nd - 1] != len || (want_pair && shape[nd - 2] != 2) {
        let want = if want_pair {
            format!("(..., 2, {len})")
        } else {
            format!("(..., {len})")
        };
        return Err(BackendError::shape(format!(
            "{op}: {what} has shape {shape:?}, expected {want}"
        )));
    }
    let data = match a.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(a.iter().cloned().collect()),
    };
    Ok((shape[..nd - 1].to_vec(), data))
}

/// Rows of `len` values, one after another, as one array of shape
/// `lead + (len,)` (no copy).
fn from_flat<T>(lead: &[usize], len: usize, flat: Vec<T>) -> BResult<ArrayD<T>> {
    let mut shape = lead.to_vec();
    shape.push(len);
    ArrayD::from_shape_vec(IxDyn(&shape), flat).map_err(|e| BackendError::internal(format!("{e}")))
}

fn opt_weights<A: AsRef<NdArray> + 'static>(
    op: &str,
    args: &Args<'_, A>,
    i: usize,
) -> BResult<Option<Vec<f64>>> {
    match args.opt_array(i)? {
        None => Ok(None),
        Some(w) => {
            let w = f64s(op, "ring_weights", w.as_ref())?;
            if w.ndim() != 1 {
                return Err(BackendError::shape(format!(
                    "{op}: ring_weights must be 1-d"
                )));
            }
            Ok(Some(w.iter().copied().collect()))
        }
    }
}

/// Calls the `healpix.*` op `op`; the transforms take their plans from
/// `plans`.
pub fn call<A: AsRef<NdArray> + 'static>(
    op: Op,
    args: &Args<'_, A>,
    plans: &ShtPlanner,
) -> BResult<Vec<Value<NdArray>>> {
    let name = args.op();
    match op {
        Op::HealpixAlm2map | Op::HealpixAlm2mapSpin => {
            let spin_op = op == Op::HealpixAlm2mapSpin;
            // By name: the spin op has `spin` before `lmax`.
            let alm = c128s(name, "alm", args.array_of("alm")?.as_ref())?;
            let nside = args.int_of("nside")?;
            let spin = if spin_op {
                usize_arg(name, "spin", args.int_of("spin")?)?
            } else {
                0
            };
            let lmax = usize_arg(name, "lmax", args.int_of("lmax")?)?;
            let mmax = usize_arg(name, "mmax", args.int_of("mmax")?)?;
            let plan = plans.plan(nside, lmax, mmax).map_err(|e| herr(name, e))?;
            let (lead, alms) = rows(name, "alm", alm, plan.nalm(), spin_op)?;
            let refs: Vec<&[Complex64]> = alms.chunks(plan.nalm().max(1)).collect();
            // the maps are written in place into the result's buffer
            let mut maps = vec![0.0; refs.len() * plan.npix()];
            if spin_op {
                let fields: Vec<(&[Complex64], &[Complex64])> =
                    refs.chunks(2).map(|c| (c[0], c[1])).collect();
                plan.alm2map_spin_into(spin, &fields, &mut maps)
            } else {
                plan.alm2map_into(&refs, &mut maps)
            }
            .map_err(|e| herr(name, e))?;
            one(NdArray::Float64(from_flat(&lead, plan.npix(), maps)?))
        }
        Op::HealpixMap2alm | Op::HealpixMap2almSpin => {
            let spin_op = op == Op::HealpixMap2almSpin;
            // By name: the spin op has `spin` after the maps, which shifts
            // the rest.
            let map = f64s(name, "map", args.array(0)?.as_ref())?;
            let spin = if spin_op {
                usize_arg(name, "spin", args.int_of("spin")?)?
            } else {
                0
            };
            let lmax = usize_arg(name, "lmax", args.int_of("lmax")?)?;
            let mmax = usize_arg(name, "mmax", args.int_of("mmax")?)?;
            let iter = usize_arg(name, "iter", args.int_of("iter")?)?;
            let w = opt_weights(name, args, args.param("ring_weights")?.0)?;
            let npix = map.shape().last().copied().unwrap_or(0);
            let nside = pixel::npix2nside(npix).map_err(|e| herr(name, e))?;
            let plan = plans.plan(nside, lmax, mmax).map_err(|e| herr(name, e))?;
            let (lead, maps) = rows(name, "map", map, npix, spin_op)?;
            let refs: Vec<&[f64]> = maps.chunks(npix.max(1)).collect();
            let nalm = plan.nalm();
            let mut alms = vec![Complex64::new(0.0, 0.0); refs.len() * nalm];
            if spin_op {
                for (qu, eb) in refs.chunks(2).zip(alms.chunks_exact_mut(2 * nalm)) {
                    plan.map2alm_spin_into(spin, qu[0], qu[1], iter, w.as_deref(), eb)
                        .map_err(|e| herr(name, e))?;
                }
            } else {
                plan.map2alm_into(&refs, iter, w.as_deref(), &mut alms)
                    .map_err(|e| herr(name, e))?;
            }
            one(NdArray::Complex128(from_flat(&lead, nalm, alms)?))
        }
        Op::HealpixAng2pix => {
            let nside = args.int(0)?;
            let theta = f64s(name, "theta", args.array(1)?.as_ref())?;
            let phi = f64s(name, "phi", args.array(2)?.as_ref())?;
            let nest = args.bool_or(3, false)?;
            if theta.shape() != phi.shape() {
                return Err(BackendError::shape(format!(
                    "{name}: theta {:?} and phi {:?} differ in shape",
                    theta.shape(),
                    phi.shape()
                )));
            }
            let t: Vec<f64> = theta.iter().copied().collect();
            let p: Vec<f64> = phi.iter().copied().collect();
            let pix = pixel::ang2pix(nside, &t, &p, nest).map_err(|e| herr(name, e))?;
            let out = ArrayD::from_shape_vec(IxDyn(theta.shape()), pix)
                .map_err(|e| BackendError::internal(format!("{e}")))?;
            one(NdArray::Int64(out))
        }
        Op::HealpixPix2ang => {
            let nside = args.int(0)?;
            let pix = i64s(name, "pix", args.array(1)?.as_ref())?;
            let nest = args.bool_or(2, false)?;
            let p: Vec<i64> = pix.iter().copied().collect();
            let (t, f) = pixel::pix2ang(nside, &p, nest).map_err(|e| herr(name, e))?;
            angles(pix.shape(), t, f)
        }
        Op::HealpixRandang => {
            let nside = args.int(0)?;
            let pix = i64s(name, "pix", args.array(1)?.as_ref())?;
            let u = f64s(name, "u", args.array(2)?.as_ref())?;
            let v = f64s(name, "v", args.array(3)?.as_ref())?;
            let nest = args.bool_or(4, false)?;
            if u.shape() != pix.shape() || v.shape() != pix.shape() {
                return Err(BackendError::shape(format!(
                    "{name}: pix {:?}, u {:?} and v {:?} differ in shape",
                    pix.shape(),
                    u.shape(),
                    v.shape()
                )));
            }
            let p: Vec<i64> = pix.iter().copied().collect();
            let uu: Vec<f64> = u.iter().copied().collect();
            let vv: Vec<f64> = v.iter().copied().collect();
            let (t, f) = pixel::randang(nside, &p, &uu, &vv, nest).map_err(|e| herr(name, e))?;
            angles(pix.shape(), t, f)
        }
        Op::PointsPositions => {
            let nside = args.int(0)?;
            let counts = i64s(name, "counts", args.array(1)?.as_ref())?;
            let start = args.int(2)?;
            let u = f64s(name, "u", args.array(3)?.as_ref())?;
            let v = f64s(name, "v", args.array(4)?.as_ref())?;
            if counts.ndim() != 1 || u.ndim() != 1 || v.ndim() != 1 {
                return Err(BackendError::shape(format!(
                    "{name}: counts {:?}, u {:?} and v {:?} must be 1-d",
                    counts.shape(),
                    u.shape(),
                    v.shape()
                )));
            }
            let c: Vec<i64> = counts.iter().copied().collect();
            let uu: Vec<f64> = u.iter().copied().collect();
            let vv: Vec<f64> = v.iter().copied().collect();
            let (lon, lat) = pixel::randang_counts_lonlat(nside, &c, start, &uu, &vv)
                .map_err(|e| herr(name, e))?;
            angles(u.shape(), lon, lat)
        }
        _ => Err(BackendError::unsupported(format!(
            "{op} is not a healpix op"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{call_direct_healpix, single, Arg};
    use glass_backend_api::RValue;

    fn call_direct(op: Op, args: &[Arg<'_>]) -> BResult<Vec<Value<NdArray>>> {
        call_direct_healpix(op, args, &ShtPlanner::new())
    }

    #[test]
    fn transforms_round_trip_through_the_op_interface() {
        let (nside, lmax) = (8i64, 8usize);
        let nalm = glass_healpix::alm::alm_size(lmax, lmax);
        let mut a = ArrayD::<Complex64>::zeros(IxDyn(&[2, nalm]));
        a[[0, glass_healpix::alm::alm_index(lmax, 3, 2)]] = Complex64::new(1.0, -0.5);
        a[[1, glass_healpix::alm::alm_index(lmax, 5, 0)]] = Complex64::new(0.3, 0.0);
        let alm = NdArray::Complex128(a.clone());
        let int = |v: i64| Arg::Value(RValue::Int(v));
        let map = single(call_direct(
            Op::HealpixAlm2map,
            &[
                (&alm).into(),
                int(nside),
                int(lmax as i64),
                int(lmax as i64),
            ],
        ))
        .unwrap();
        assert_eq!(map.shape(), &[2, 768]);
        let back = single(call_direct(
            Op::HealpixMap2alm,
            &[
                (&map).into(),
                int(lmax as i64),
                int(lmax as i64),
                int(3),
                Arg::Value(RValue::None),
            ],
        ))
        .unwrap();
        let NdArray::Complex128(b) = back else {
            panic!("dtype")
        };
        let err = (&b - &a).iter().fold(0.0f64, |m, v| m.max(v.norm()));
        assert!(err < 1e-6, "{err}");
        // a wrong dtype is a DType error, a wrong length a Shape error
        let bad = NdArray::Float64(ArrayD::zeros(IxDyn(&[nalm])));
        assert!(call_direct(Op::HealpixAlm2map, &[(&bad).into(), int(8), int(8), int(8)]).is_err());
        let short = NdArray::Complex128(ArrayD::zeros(IxDyn(&[nalm - 1])));
        let e = call_direct(
            Op::HealpixAlm2map,
            &[(&short).into(), int(8), int(8), int(8)],
        )
        .unwrap_err();
        assert_eq!(e.kind, glass_backend_api::ErrorKind::Shape);
    }

    #[test]
    fn the_stateless_dispatch_refuses_healpix_ops() {
        let alm = NdArray::Complex128(ArrayD::zeros(IxDyn(&[6])));
        let int = |v: i64| Arg::Value(RValue::Int(v));
        let e = crate::call_direct(Op::HealpixAlm2map, &[(&alm).into(), int(1), int(2), int(2)])
            .unwrap_err();
        assert_eq!(e.kind, glass_backend_api::ErrorKind::Unsupported);
    }
}
