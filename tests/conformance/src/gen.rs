//! Random inputs: shapes of 0..=4 dimensions with sizes 0..=5, and values
//! from a domain, drawn from the suite's seeded generator.

use glass_backend_api::DType;
use num_complex::Complex64 as C64;
use rand::rngs::Xoshiro256PlusPlus;
use rand::RngExt;

use crate::host::{numel, Data, HostArray};

/// The suite's generator (portable and seedable).
pub type Rng = Xoshiro256PlusPlus;

/// Where random values come from. Float32 values are rounded to f32 before
/// use, so inputs are exact in every dtype; integer dtypes round to the
/// nearest integer; complex values draw their real and imaginary parts
/// independently.
#[derive(Clone, Copy, Debug)]
pub enum Dom {
    /// Uniform in `[lo, hi]`.
    Uniform(f64, f64),
    /// Magnitude uniform in `[lo, hi]`, random sign (keeps away from zero).
    SignedMag(f64, f64),
    /// Integers in `[lo, hi]` (also for floats: makes ties and zeros).
    Grid(i64, i64),
}

impl Dom {
    fn draw(self, rng: &mut Rng) -> f64 {
        match self {
            Dom::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
            Dom::SignedMag(lo, hi) => {
                let m = lo + (hi - lo) * rng.random::<f64>();
                if rng.random::<bool>() {
                    m
                } else {
                    -m
                }
            }
            Dom::Grid(lo, hi) => rng.random_range(lo..=hi) as f64,
        }
    }
}

/// A random shape with `lo..=hi` dimensions of sizes `0..=max`.
pub fn shape(rng: &mut Rng, lo: usize, hi: usize, max: usize) -> Vec<usize> {
    let nd = rng.random_range(lo..=hi);
    (0..nd).map(|_| rng.random_range(0..=max)).collect()
}

/// A random shape with no zero sizes.
pub fn shape_nonempty(rng: &mut Rng, lo: usize, hi: usize, max: usize) -> Vec<usize> {
    let nd = rng.random_range(lo..=hi);
    (0..nd).map(|_| rng.random_range(1..=max.max(1))).collect()
}

/// Random values of `dtype` from `dom`.
pub fn data(rng: &mut Rng, dtype: DType, n: usize, dom: Dom) -> Data {
    match dtype {
        DType::Bool => Data::Bool((0..n).map(|_| rng.random::<bool>()).collect()),
        DType::Int64 => Data::Int((0..n).map(|_| dom.draw(rng).round() as i64).collect()),
        DType::Float32 => Data::F32((0..n).map(|_| dom.draw(rng) as f32).collect()),
        DType::Float64 => Data::F64((0..n).map(|_| dom.draw(rng)).collect()),
        DType::Complex128 => Data::C128(
            (0..n)
                .map(|_| C64::new(dom.draw(rng), dom.draw(rng)))
                .collect(),
        ),
        other => unreachable!("the suite draws only the dtypes of DType::ALL, not {other}"),
    }
}

/// A random array of `shape`.
pub fn array(rng: &mut Rng, dtype: DType, shape: &[usize], dom: Dom) -> HostArray {
    HostArray::new(shape.to_vec(), data(rng, dtype, numel(shape), dom))
}

/// A shape that broadcasts with `s`: a suffix of `s` with some sizes
/// replaced by 1, possibly with extra leading axes.
pub fn broadcastable(rng: &mut Rng, s: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let keep = rng.random_range(0..=s.len());
    let mut other: Vec<usize> = s[s.len() - keep..]
        .iter()
        .map(|&n| if rng.random_range(0..3) == 0 { 1 } else { n })
        .collect();
    let mut mine = s.to_vec();
    // Sometimes make `mine` the one with ones, so both sides broadcast.
    let start = s.len() - keep;
    for (m, &o) in mine[start..].iter_mut().zip(&other) {
        if o == *m && *m != 1 && rng.random_range(0..4) == 0 {
            *m = 1;
        }
    }
    if other.len() == s.len() && s.len() < 4 && rng.random::<bool>() {
        other.insert(0, rng.random_range(1..=3));
    }
    (mine, other)
}

/// A random permutation of `0..n`.
pub fn permutation(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        p.swap(i, j);
    }
    p
}

/// A random subset of `0..n` (sorted), possibly empty.
pub fn subset(rng: &mut Rng, n: usize) -> Vec<usize> {
    (0..n).filter(|_| rng.random::<bool>()).collect()
}

/// Writes axis `a` of an `n`-d array as a random non-negative or negative
/// index.
pub fn axis_arg(rng: &mut Rng, a: usize, n: usize) -> i64 {
    if rng.random::<bool>() {
        a as i64
    } else {
        a as i64 - n as i64
    }
}

/// A float that is exact in f32 (a multiple of 1/4 in `[-8, 8]`).
pub fn exact_scalar(rng: &mut Rng) -> f64 {
    rng.random_range(-32..=32) as f64 / 4.0
}
