//! FFTs against a naive DFT: any axis, `n` truncating or zero-padding, the
//! three normalizations; `irfft` ignores the imaginary parts that a
//! Hermitian spectrum cannot have (NumPy's convention); sample frequencies.

use std::f64::consts::PI;

use glass_backend_api::dtype::names::{Bool, Complex128 as C, Float64 as F64};
use glass_backend_api::RValue;
use num_complex::Complex64 as C64;
use rand::RngExt;

use super::{desc, dtype_error_check, eval_with, within};
use crate::gen::{self, Dom};
use crate::host::{compare, numel, ravel, unravel, Data, HostArray, Tol};
use crate::{Check, Ctx};

const NORMS: [&str; 3] = ["backward", "ortho", "forward"];

/// Scale of a transform of length `n`: `inverse` for ifft/irfft.
fn scale(norm: &str, n: usize, inverse: bool) -> f64 {
    let n = n as f64;
    match (norm, inverse) {
        ("ortho", _) => 1.0 / n.sqrt(),
        ("backward", true) | ("forward", false) => 1.0 / n,
        _ => 1.0,
    }
}

/// Naive DFT of `x` with sign `-1` (forward) or `+1` (inverse).
fn dft(x: &[C64], sign: f64) -> Vec<C64> {
    let n = x.len();
    (0..n)
        .map(|k| {
            x.iter()
                .enumerate()
                .map(|(j, &v)| {
                    v * C64::from_polar(1.0, sign * 2.0 * PI * ((j * k) % n) as f64 / n as f64)
                })
                .sum()
        })
        .collect()
}

/// Applies `f` to every lane along `axis`, the lane truncated or
/// zero-padded to `n_in`; `f` returns `n_out` values.
fn along(
    x: &HostArray,
    axis: usize,
    n_in: usize,
    n_out: usize,
    f: impl Fn(&[C64]) -> Vec<C64>,
) -> (Vec<usize>, Vec<C64>) {
    let v = x.data.to_c64();
    let mut out_shape = x.shape.clone();
    out_shape[axis] = n_out;
    let mut out = vec![C64::new(0.0, 0.0); numel(&out_shape)];
    let mut other = x.shape.clone();
    other[axis] = 1;
    for o in 0..numel(&other) {
        let base = unravel(o, &other);
        let lane: Vec<C64> = (0..n_in)
            .map(|j| {
                if j < x.shape[axis] {
                    let mut i = base.clone();
                    i[axis] = j;
                    v[ravel(&i, &x.shape)]
                } else {
                    C64::new(0.0, 0.0)
                }
            })
            .collect();
        for (j, y) in f(&lane).into_iter().enumerate() {
            let mut i = base.clone();
            i[axis] = j;
            out[ravel(&i, &out_shape)] = y;
        }
    }
    (out_shape, out)
}

struct Case {
    x: HostArray,
    axis: usize,
    n: Option<usize>,
    norm: &'static str,
}

fn random_case(ctx: &mut Ctx<'_>, complex: bool, min_len: usize) -> Case {
    let mut shape = gen::shape(&mut ctx.rng, 1, 3, 5);
    let axis = ctx.rng.random_range(0..shape.len());
    let n = ctx
        .rng
        .random::<bool>()
        .then(|| ctx.rng.random_range(min_len.max(1)..=8usize));
    if n.is_none() && shape[axis] < min_len.max(1) {
        shape[axis] = min_len.max(1) + ctx.rng.random_range(0..3);
    }
    let x = gen::array(
        &mut ctx.rng,
        if complex { C } else { F64 },
        &shape,
        Dom::Uniform(-1.0, 1.0),
    );
    let norm = NORMS[ctx.rng.random_range(0..3)];
    Case { x, axis, n, norm }
}

fn args(c: &Case, axis_neg: bool) -> impl Fn(&[RValue]) -> Vec<RValue> + '_ {
    let nd = c.x.ndim() as i64;
    move |h: &[RValue]| {
        vec![
            h[0].clone(),
            c.n.map_or(RValue::None, |n| RValue::Int(n as i64)),
            RValue::Int(if axis_neg {
                c.axis as i64 - nd
            } else {
                c.axis as i64
            }),
            RValue::Str(c.norm.into()),
        ]
    }
}

fn tol(lane: usize) -> Tol {
    Tol::elementwise(F64).with_atol(1e-12 * (lane.max(1) as f64))
}

fn complex_fft(op: &'static str) -> Check {
    let inverse = op == "fft.ifft";
    Check::new(op, "values[complex128]", move |ctx| {
        for case in 0..ctx.cases {
            let c = random_case(ctx, true, 1);
            let n = c.n.unwrap_or(c.x.shape[c.axis]);
            let s = scale(c.norm, n, inverse);
            let (shape, v) = along(&c.x, c.axis, n, n, |l| {
                dft(l, if inverse { 1.0 } else { -1.0 })
                    .into_iter()
                    .map(|z| z * s)
                    .collect()
            });
            let exp = HostArray::c128(shape, v);
            let neg = ctx.rng.random::<bool>();
            let what = || {
                format!(
                    "case {case}, x {}, n {:?}, axis {}, norm {}",
                    desc(&c.x),
                    c.n,
                    c.axis,
                    c.norm
                )
            };
            let got = within(eval_with(ctx, op, &[&c.x], args(&c, neg)), what)?;
            within(compare(&got, &exp, tol(n)), what)?;
        }
        Ok(())
    })
}

fn rfft() -> Check {
    Check::new("fft.rfft", "values[float64]", |ctx| {
        for case in 0..ctx.cases {
            let c = random_case(ctx, false, 1);
            let n = c.n.unwrap_or(c.x.shape[c.axis]);
            let s = scale(c.norm, n, false);
            let (shape, v) = along(&c.x, c.axis, n, n / 2 + 1, |l| {
                dft(l, -1.0)
                    .into_iter()
                    .take(n / 2 + 1)
                    .map(|z| z * s)
                    .collect()
            });
            let exp = HostArray::c128(shape, v);
            let what = || {
                format!(
                    "case {case}, x {}, n {:?}, axis {}, norm {}",
                    desc(&c.x),
                    c.n,
                    c.axis,
                    c.norm
                )
            };
            let got = within(eval_with(ctx, "fft.rfft", &[&c.x], args(&c, false)), what)?;
            within(compare(&got, &exp, tol(n)), what)?;
        }
        Ok(())
    })
}

/// The inverse of a Hermitian half-spectrum `h` (length `n/2+1`) of a
/// real signal of length `n`; the imaginary parts of the zero and Nyquist
/// terms are ignored.
fn irfft_lane(h: &[C64], n: usize, s: f64) -> Vec<C64> {
    let full: Vec<C64> = (0..n)
        .map(|j| {
            let z = if j <= n / 2 { h[j] } else { h[n - j].conj() };
            if j == 0 || (n % 2 == 0 && j == n / 2) {
                C64::new(z.re, 0.0)
            } else {
                z
            }
        })
        .collect();
    dft(&full, 1.0)
        .into_iter()
        .map(|z| C64::new(z.re * s, 0.0))
        .collect()
}

fn irfft(clean: bool) -> Check {
    let name = if clean {
        "values[complex128]"
    } else {
        "ignores_dc_and_nyquist_imag"
    };
    Check::new("fft.irfft", name, move |ctx| {
        for case in 0..ctx.cases {
            let mut c = random_case(ctx, true, 2);
            let m = c.x.shape[c.axis];
            if m == 0 && c.n.is_none() {
                // The default length 2*(m-1) is undefined for an empty axis.
                continue;
            }
            let n = c.n.unwrap_or(2 * m.saturating_sub(1));
            let s = scale(c.norm, n, true);
            if clean {
                // Zero the imaginary parts a real signal's spectrum cannot have.
                let shape = c.x.shape.clone();
                if let Data::C128(v) = &mut c.x.data {
                    for (f, z) in v.iter_mut().enumerate() {
                        let j = unravel(f, &shape)[c.axis];
                        if j == 0 || (n % 2 == 0 && j == n / 2) {
                            z.im = 0.0;
                        }
                    }
                }
            }
            let (shape, v) = along(&c.x, c.axis, n / 2 + 1, n, |l| irfft_lane(l, n, s));
            let exp = HostArray::c128(shape, v).cast(F64);
            let what = || {
                format!(
                    "case {case}, x {}, n {:?}, axis {}, norm {}",
                    desc(&c.x),
                    c.n,
                    c.axis,
                    c.norm
                )
            };
            let got = within(eval_with(ctx, "fft.irfft", &[&c.x], args(&c, true)), what)?;
            within(compare(&got, &exp, tol(n)), what)?;
        }
        Ok(())
    })
}

fn freqs(op: &'static str) -> Check {
    Check::new(op, "values", move |ctx| {
        for case in 0..ctx.cases {
            let n = ctx.rng.random_range(1..=10usize);
            let d = [1.0, 0.5, 2.0, 0.1][ctx.rng.random_range(0..4)];
            let v: Vec<f64> = if op == "fft.fftfreq" {
                (0..n)
                    .map(|i| {
                        if i < n.div_ceil(2) {
                            i as f64
                        } else {
                            i as f64 - n as f64
                        }
                    })
                    .map(|k| k / (d * n as f64))
                    .collect()
            } else {
                (0..=n / 2).map(|k| k as f64 / (d * n as f64)).collect()
            };
            let exp = HostArray::f64(vec![v.len()], v);
            let what = || format!("case {case}, n {n}, d {d}");
            let got = within(
                ctx.s.eval(op, &[RValue::Int(n as i64), RValue::Float(d)]),
                what,
            )?;
            within(compare(&got, &exp, Tol::elementwise(F64)), what)?;
        }
        Ok(())
    })
}

/// Every check of the FFT ops.
pub(crate) fn checks() -> Vec<Check> {
    let mut v = vec![
        complex_fft("fft.fft"),
        complex_fft("fft.ifft"),
        rfft(),
        irfft(true),
        irfft(false),
    ];
    v.push(freqs("fft.fftfreq"));
    v.push(freqs("fft.rfftfreq"));
    for op in ["fft.fft", "fft.rfft"] {
        v.push(dtype_error_check(
            op,
            Bool,
            |d| vec![HostArray::new(vec![4], Data::Bool(vec![true; 4]).cast(d))],
            super::pass,
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dft_round_trip() {
        let x: Vec<C64> = (0..5)
            .map(|k| C64::new(k as f64, -(k as f64) / 2.0))
            .collect();
        let y: Vec<C64> = dft(&dft(&x, -1.0), 1.0)
            .into_iter()
            .map(|z| z / 5.0)
            .collect();
        for (a, b) in x.iter().zip(&y) {
            assert!((a - b).norm() < 1e-12);
        }
        let r: Vec<C64> = (0..6).map(|k| C64::new((k * k) as f64, 0.0)).collect();
        let h: Vec<C64> = dft(&r, -1.0).into_iter().take(4).collect();
        let back = irfft_lane(&h, 6, 1.0 / 6.0);
        for (a, b) in r.iter().zip(&back) {
            assert!((a - b).norm() < 1e-12);
        }
    }
}
