//! Reader for the golden data written by tools/reference/science_golden.py.
//!
//! Format: comment lines start with `#`; each array is two lines,
//! `name ndim d0 d1 ...` then its row-major values separated by spaces
//! (Python `repr` of each float; `nan`, `inf`, `-inf`).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use ndarray::{ArrayD, IxDyn};

/// The arrays of one golden file, by name.
pub struct Golden {
    file: String,
    arrays: HashMap<String, ArrayD<f64>>,
}

fn parse_value(s: &str) -> f64 {
    match s {
        "nan" => f64::NAN,
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => s
            .parse()
            .unwrap_or_else(|e| panic!("bad golden value {s:?}: {e}")),
    }
}

impl Golden {
    /// Loads `host/tests/golden/science/<module>.txt`.
    pub fn load(module: &str) -> Golden {
        let path: PathBuf = [
            env!("CARGO_MANIFEST_DIR"),
            "tests",
            "golden",
            "science",
            &format!("{module}.txt"),
        ]
        .iter()
        .collect();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let mut arrays = HashMap::new();
        while let Some(header) = lines.next() {
            let mut parts = header.split_whitespace();
            let name = parts
                .next()
                .expect("golden header without a name")
                .to_string();
            let ndim: usize = parts
                .next()
                .and_then(|s| s.parse().ok())
                .expect("golden header without ndim");
            let shape: Vec<usize> = parts
                .map(|s| s.parse().expect("bad golden dimension"))
                .collect();
            assert_eq!(
                shape.len(),
                ndim,
                "golden {name}: shape {shape:?} has not {ndim} dimensions"
            );
            let values: Vec<f64> = lines
                .next()
                .unwrap_or_else(|| panic!("golden {name}: missing values"))
                .split_whitespace()
                .map(parse_value)
                .collect();
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values).unwrap_or_else(|e| {
                panic!("golden {name}: values do not fit shape {shape:?}: {e}")
            });
            arrays.insert(name, a);
        }
        Golden {
            file: module.to_string(),
            arrays,
        }
    }

    /// The array `name`.
    pub fn get(&self, name: &str) -> &ArrayD<f64> {
        self.arrays
            .get(name)
            .unwrap_or_else(|| panic!("golden {}: no array {name}", self.file))
    }

    /// The array `name` as a flat vector.
    pub fn vec(&self, name: &str) -> Vec<f64> {
        self.get(name).iter().copied().collect()
    }

    /// The scalar `name`.
    pub fn scalar(&self, name: &str) -> f64 {
        let a = self.get(name);
        assert_eq!(a.len(), 1, "golden {name} is not a scalar");
        a.iter().copied().next().unwrap_or(f64::NAN)
    }
}

/// Asserts `|actual - expected| <= rtol * |expected| + atol` elementwise,
/// with equal shapes and NaN matching NaN.
#[track_caller]
pub fn assert_close_tol(what: &str, actual: &[f64], expected: &[f64], rtol: f64, atol: f64) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "{what}: length {} != expected {}",
        actual.len(),
        expected.len()
    );
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        if e.is_nan() {
            assert!(a.is_nan(), "{what}[{i}]: {a} but expected NaN");
            continue;
        }
        if e.is_infinite() {
            assert_eq!(a, e, "{what}[{i}]");
            continue;
        }
        let err = (a - e).abs();
        let lim = rtol * e.abs() + atol;
        assert!(
            err <= lim,
            "{what}[{i}]: {a} vs expected {e} (error {err:e}, allowed {lim:e})"
        );
    }
}

/// [`assert_close_tol`] with relative tolerance only.
#[track_caller]
pub fn assert_close(what: &str, actual: &[f64], expected: &[f64], rtol: f64) {
    assert_close_tol(what, actual, expected, rtol, 0.0)
}

/// Compares arrays including their shapes.
#[track_caller]
pub fn assert_array_close(
    what: &str,
    actual: &ArrayD<f64>,
    expected: &ArrayD<f64>,
    rtol: f64,
    atol: f64,
) {
    assert_eq!(actual.shape(), expected.shape(), "{what}: shape");
    let a: Vec<f64> = actual.iter().copied().collect();
    let e: Vec<f64> = expected.iter().copied().collect();
    assert_close_tol(what, &a, &e, rtol, atol);
}

// --- shared by the per-module golden tests -------------------------------

use glass::cosmology::LambdaCdm;

/// Relative tolerance of closed-form functions.
pub const CLOSED: f64 = 1e-10;

/// Relative tolerance of solvers and integrals.
pub const SOLVER: f64 = 1e-8;

pub fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

pub fn cosmo(g: &Golden, name: &str) -> LambdaCdm {
    let p = g.vec(&format!("{name}.params"));
    LambdaCdm::new(p[0], p[1], p[2])
        .unwrap()
        .with_w0wa(p[3], p[4])
        .unwrap()
}

/// The three cosmologies of the golden data (flat w0wa, open w0wa, closed ΛCDM).
pub fn cosmologies() -> Vec<(String, LambdaCdm)> {
    let g = Golden::load("cosmology");
    ["flat", "open", "closed"]
        .iter()
        .map(|n| (n.to_string(), cosmo(&g, n)))
        .collect()
}

/// A list of arrays written by `add_list` (`name.n`, `name.0`, ...).
pub fn list(g: &Golden, name: &str) -> Vec<Vec<f64>> {
    let n = g.scalar(&format!("{name}.n")) as usize;
    (0..n).map(|k| g.vec(&format!("{name}.{k}"))).collect()
}

/// Compares with an absolute floor of `rtol * max|expected|`: transforms
/// spread round-off over the whole vector, so entries near zero are only
/// accurate relative to the largest one.
#[track_caller]
pub fn assert_scaled(what: &str, actual: &[f64], expected: &[f64], rtol: f64) {
    assert_close_tol(what, actual, expected, rtol, rtol * max_abs(expected));
}
