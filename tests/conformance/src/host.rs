//! Plain-Rust host arrays: the suite's inputs and its reference results.
//!
//! A [`HostArray`] is a shape and C-order data of one dtype. References are
//! computed on these with ordinary Rust arithmetic, so they share no code
//! with any backend.

use glass_backend_api::{DType, Element, HostBuffer};
use num_complex::Complex64 as C64;

/// C-order data of one dtype.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Bool(Vec<bool>),
    Int(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    C128(Vec<C64>),
}

/// A shape and its data in C order.
#[derive(Clone, Debug, PartialEq)]
pub struct HostArray {
    pub shape: Vec<usize>,
    pub data: Data,
}

/// Number of elements of a shape.
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// C-order strides (in elements) of a shape.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// The multi-index of flat position `flat` in a C-order shape.
pub fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for i in (0..shape.len()).rev() {
        if shape[i] > 0 {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
    }
    idx
}

/// The flat C-order position of a multi-index.
pub fn ravel(idx: &[usize], shape: &[usize]) -> usize {
    idx.iter().zip(strides(shape)).map(|(i, s)| i * s).sum()
}

/// The broadcast shape of two shapes (NumPy rules), or `None`.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// For each element of `out` (C order), the flat index into an array of
/// shape `from` broadcast to `out`.
pub fn broadcast_index(from: &[usize], out: &[usize]) -> Vec<usize> {
    let st = strides(from);
    let off = out.len() - from.len();
    (0..numel(out))
        .map(|flat| {
            let idx = unravel(flat, out);
            (0..from.len())
                .map(|k| {
                    if from[k] == 1 {
                        0
                    } else {
                        idx[k + off] * st[k]
                    }
                })
                .sum()
        })
        .collect()
}

impl Data {
    pub fn dtype(&self) -> DType {
        match self {
            Data::Bool(_) => DType::Bool,
            Data::Int(_) => DType::Int64,
            Data::F32(_) => DType::Float32,
            Data::F64(_) => DType::Float64,
            Data::C128(_) => DType::Complex128,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Data::Bool(v) => v.len(),
            Data::Int(v) => v.len(),
            Data::F32(v) => v.len(),
            Data::F64(v) => v.len(),
            Data::C128(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Elements at flat positions `idx`.
    pub fn gather(&self, idx: &[usize]) -> Data {
        fn g<T: Copy>(v: &[T], idx: &[usize]) -> Vec<T> {
            idx.iter().map(|&i| v[i]).collect()
        }
        match self {
            Data::Bool(v) => Data::Bool(g(v, idx)),
            Data::Int(v) => Data::Int(g(v, idx)),
            Data::F32(v) => Data::F32(g(v, idx)),
            Data::F64(v) => Data::F64(g(v, idx)),
            Data::C128(v) => Data::C128(g(v, idx)),
        }
    }

    /// Concatenation of data of the same dtype (`None` if dtypes differ).
    pub fn concat(parts: &[&Data]) -> Option<Data> {
        let first = parts.first()?;
        let mut out = match first {
            Data::Bool(_) => Data::Bool(vec![]),
            Data::Int(_) => Data::Int(vec![]),
            Data::F32(_) => Data::F32(vec![]),
            Data::F64(_) => Data::F64(vec![]),
            Data::C128(_) => Data::C128(vec![]),
        };
        for p in parts {
            match (&mut out, p) {
                (Data::Bool(o), Data::Bool(v)) => o.extend_from_slice(v),
                (Data::Int(o), Data::Int(v)) => o.extend_from_slice(v),
                (Data::F32(o), Data::F32(v)) => o.extend_from_slice(v),
                (Data::F64(o), Data::F64(v)) => o.extend_from_slice(v),
                (Data::C128(o), Data::C128(v)) => o.extend_from_slice(v),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Values as complex numbers (bool as 0/1).
    pub fn to_c64(&self) -> Vec<C64> {
        match self {
            Data::Bool(v) => v.iter().map(|&b| C64::new(b as u8 as f64, 0.0)).collect(),
            Data::Int(v) => v.iter().map(|&x| C64::new(x as f64, 0.0)).collect(),
            Data::F32(v) => v.iter().map(|&x| C64::new(x as f64, 0.0)).collect(),
            Data::F64(v) => v.iter().map(|&x| C64::new(x, 0.0)).collect(),
            Data::C128(v) => v.clone(),
        }
    }

    /// Real values as f64 (`None` for complex).
    pub fn to_f64(&self) -> Option<Vec<f64>> {
        Some(match self {
            Data::Bool(v) => v.iter().map(|&b| b as u8 as f64).collect(),
            Data::Int(v) => v.iter().map(|&x| x as f64).collect(),
            Data::F32(v) => v.iter().map(|&x| x as f64).collect(),
            Data::F64(v) => v.clone(),
            Data::C128(_) => return None,
        })
    }

    /// Values converted to `dtype` (complex to real keeps the real part,
    /// float to int truncates), as `astype` does.
    pub fn cast(&self, dtype: DType) -> Data {
        let c = self.to_c64();
        match dtype {
            DType::Bool => Data::Bool(c.iter().map(|z| z.re != 0.0 || z.im != 0.0).collect()),
            DType::Int64 => match self {
                Data::Int(v) => Data::Int(v.clone()),
                _ => Data::Int(c.iter().map(|z| z.re as i64).collect()),
            },
            DType::Float32 => Data::F32(c.iter().map(|z| z.re as f32).collect()),
            DType::Float64 => Data::F64(c.iter().map(|z| z.re).collect()),
            DType::Complex128 => Data::C128(c),
            other => unreachable!("the suite casts only to the dtypes of DType::ALL, not {other}"),
        }
    }

    /// Whether element `i` is non-zero.
    pub fn truthy(&self, i: usize) -> bool {
        match self {
            Data::Bool(v) => v[i],
            Data::Int(v) => v[i] != 0,
            Data::F32(v) => v[i] != 0.0,
            Data::F64(v) => v[i] != 0.0,
            Data::C128(v) => v[i] != C64::new(0.0, 0.0),
        }
    }

    /// A short rendering of element `i`.
    pub fn show(&self, i: usize) -> String {
        match self {
            Data::Bool(v) => format!("{}", v[i]),
            Data::Int(v) => format!("{}", v[i]),
            Data::F32(v) => format!("{:e}", v[i]),
            Data::F64(v) => format!("{:e}", v[i]),
            Data::C128(v) => format!("{:e}{:+e}j", v[i].re, v[i].im),
        }
    }
}

impl HostArray {
    pub fn new(shape: Vec<usize>, data: Data) -> HostArray {
        debug_assert_eq!(numel(&shape), data.len());
        HostArray { shape, data }
    }
    pub fn f64(shape: Vec<usize>, v: Vec<f64>) -> HostArray {
        HostArray::new(shape, Data::F64(v))
    }
    pub fn c128(shape: Vec<usize>, v: Vec<C64>) -> HostArray {
        HostArray::new(shape, Data::C128(v))
    }
    pub fn int(shape: Vec<usize>, v: Vec<i64>) -> HostArray {
        HostArray::new(shape, Data::Int(v))
    }
    pub fn bool(shape: Vec<usize>, v: Vec<bool>) -> HostArray {
        HostArray::new(shape, Data::Bool(v))
    }

    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The array `self` gathered at flat positions `idx`, in `shape`.
    pub fn gather(&self, shape: Vec<usize>, idx: &[usize]) -> HostArray {
        HostArray::new(shape, self.data.gather(idx))
    }

    /// Converted to `dtype`.
    pub fn cast(&self, dtype: DType) -> HostArray {
        HostArray::new(self.shape.clone(), self.data.cast(dtype))
    }

    /// The host buffer that `asarray` uploads.
    pub fn to_buffer(&self) -> HostBuffer {
        match &self.data {
            Data::Bool(v) => bool::into_buffer(v.clone()),
            Data::Int(v) => i64::into_buffer(v.clone()),
            Data::F32(v) => f32::into_buffer(v.clone()),
            Data::F64(v) => f64::into_buffer(v.clone()),
            Data::C128(v) => C64::into_buffer(v.clone()),
        }
    }

    /// Wraps a downloaded buffer.
    pub fn from_buffer(shape: Vec<usize>, b: HostBuffer) -> HostArray {
        let data = match b {
            HostBuffer::Bool(v) => Data::Bool(v.into_vec()),
            HostBuffer::Int64(v) => Data::Int(v.into_vec()),
            HostBuffer::Float32(v) => Data::F32(v.into_vec()),
            HostBuffer::Float64(v) => Data::F64(v.into_vec()),
            HostBuffer::Complex128(v) => Data::C128(v.into_iter().map(C64::from).collect()),
        };
        HostArray { shape, data }
    }
}

/// How closely floating values must agree.
#[derive(Clone, Copy, Debug)]
pub struct Tol {
    /// Relative tolerance, against `max(|expected|, scale)`.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// A magnitude below which `rtol` is taken against `scale` (for sums
    /// with cancellation: the sum of absolute values).
    pub scale: f64,
    /// Whether the sign of a zero must match.
    pub zero_sign: bool,
}

impl Tol {
    /// Exact agreement (NaN matches NaN).
    pub const EXACT: Tol = Tol {
        rtol: 0.0,
        atol: 0.0,
        scale: 0.0,
        zero_sign: false,
    };

    /// The default tolerance of elementwise math for results of `dtype`.
    pub fn elementwise(dtype: DType) -> Tol {
        match dtype {
            DType::Float32 => Tol {
                rtol: 1e-5,
                atol: 1e-6,
                scale: 0.0,
                zero_sign: false,
            },
            _ => Tol {
                rtol: 1e-12,
                atol: 1e-15,
                scale: 0.0,
                zero_sign: false,
            },
        }
    }

    /// Like `self` with `rtol` taken against at least `scale`.
    pub fn scaled(mut self, scale: f64) -> Tol {
        self.scale = scale;
        self
    }

    pub fn with_zero_sign(mut self) -> Tol {
        self.zero_sign = true;
        self
    }

    pub fn with_atol(mut self, atol: f64) -> Tol {
        self.atol = atol;
        self
    }

    fn close_f(&self, got: f64, exp: f64) -> bool {
        if exp.is_nan() || got.is_nan() {
            return exp.is_nan() && got.is_nan();
        }
        if exp.is_infinite() || got.is_infinite() {
            return exp == got;
        }
        if self.zero_sign
            && exp == 0.0
            && got == 0.0
            && exp.is_sign_negative() != got.is_sign_negative()
        {
            return false;
        }
        (got - exp).abs() <= self.atol + self.rtol * exp.abs().max(self.scale)
    }

    fn close_c(&self, got: C64, exp: C64) -> bool {
        if exp.is_nan() || got.is_nan() {
            return exp.is_nan() && got.is_nan();
        }
        if exp.is_infinite() || got.is_infinite() {
            return self.close_f(got.re, exp.re) && self.close_f(got.im, exp.im);
        }
        (got - exp).norm() <= self.atol + self.rtol * exp.norm().max(self.scale)
    }
}

/// Checks dtype, shape and values of `got` against `exp`; the message names
/// the first difference.
pub fn compare(got: &HostArray, exp: &HostArray, tol: Tol) -> Result<(), String> {
    if got.dtype() != exp.dtype() {
        return Err(format!(
            "dtype {} where {} was expected",
            got.dtype(),
            exp.dtype()
        ));
    }
    if got.shape != exp.shape {
        return Err(format!(
            "shape {:?} where {:?} was expected",
            got.shape, exp.shape
        ));
    }
    if got.len() != exp.len() {
        return Err(format!("{} elements for shape {:?}", got.len(), got.shape));
    }
    let bad = first_mismatch(&got.data, &exp.data, tol);
    match bad {
        None => Ok(()),
        Some(i) => Err(format!(
            "value at {:?} is {} where {} was expected",
            unravel(i, &exp.shape),
            got.data.show(i),
            exp.data.show(i)
        )),
    }
}

fn first_mismatch(got: &Data, exp: &Data, tol: Tol) -> Option<usize> {
    match (got, exp) {
        (Data::Bool(g), Data::Bool(e)) => (0..e.len()).find(|&i| g[i] != e[i]),
        (Data::Int(g), Data::Int(e)) => (0..e.len()).find(|&i| g[i] != e[i]),
        (Data::F32(g), Data::F32(e)) => {
            (0..e.len()).find(|&i| !tol.close_f(g[i] as f64, e[i] as f64))
        }
        (Data::F64(g), Data::F64(e)) => (0..e.len()).find(|&i| !tol.close_f(g[i], e[i])),
        (Data::C128(g), Data::C128(e)) => (0..e.len()).find(|&i| !tol.close_c(g[i], e[i])),
        _ => Some(0),
    }
}

/// Compares with a float64/complex128 reference: `exp` is rounded to the
/// dtype of `got` when `want` says so.
pub fn compare_ref(
    got: &HostArray,
    exp_hi: &HostArray,
    want: DType,
    tol: Tol,
) -> Result<(), String> {
    if got.dtype() != want {
        return Err(format!("dtype {} where {} was expected", got.dtype(), want));
    }
    compare(got, &exp_hi.cast(want), tol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(unravel(23, &[2, 3, 4]), vec![1, 2, 3]);
        assert_eq!(ravel(&[1, 2, 3], &[2, 3, 4]), 23);
        assert_eq!(broadcast_shapes(&[3, 1], &[1, 4]), Some(vec![3, 4]));
        assert_eq!(broadcast_shapes(&[], &[2]), Some(vec![2]));
        assert_eq!(broadcast_shapes(&[2], &[3]), None);
        assert_eq!(broadcast_shapes(&[0], &[1]), Some(vec![0]));
        assert_eq!(broadcast_index(&[3, 1], &[3, 2]), vec![0, 0, 1, 1, 2, 2]);
        assert_eq!(broadcast_index(&[2], &[3, 2]), vec![0, 1, 0, 1, 0, 1]);
    }

    #[test]
    fn comparisons() {
        let a = HostArray::f64(vec![2], vec![1.0, f64::NAN]);
        let b = HostArray::f64(vec![2], vec![1.0 + 1e-14, f64::NAN]);
        assert!(compare(&a, &b, Tol::elementwise(DType::Float64)).is_ok());
        let c = HostArray::f64(vec![2], vec![1.1, f64::NAN]);
        let e = compare(&a, &c, Tol::elementwise(DType::Float64)).unwrap_err();
        assert!(e.contains("[0]"), "{e}");
        let z = HostArray::f64(vec![1], vec![-0.0]);
        let pz = HostArray::f64(vec![1], vec![0.0]);
        assert!(compare(&z, &pz, Tol::EXACT).is_ok());
        assert!(compare(&z, &pz, Tol::EXACT.with_zero_sign()).is_err());
        assert!(compare(&a, &a.cast(DType::Float32), Tol::EXACT).is_err());
    }
}
