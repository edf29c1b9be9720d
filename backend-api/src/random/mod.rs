//! # Reference random streams
//!
//! Same seed, same universe, on every backend: the `random.*` ops of every
//! backend must reproduce the functions of this module **bit for bit**. They
//! are pure functions of `(seed, stream, element index, parameters)`, so a
//! result never depends on batch size, chunking or thread count, and a GPU
//! kernel can mirror them one thread per element.
//!
//! ## The mapping (part of the ABI contract)
//!
//! **Block.** Philox4x32-10 ([`philox4x32_10`], Salmon et al. 2011, checked
//! against Random123's known-answer vectors) maps a 128-bit counter and a
//! 64-bit key to a 128-bit block `[x0, x1, x2, x3]` (four `u32`). For a
//! `seed` (the op's `Int`, reinterpreted as `u64` in two's complement), a
//! `stream` (`0 <= stream < 2^32`), an element index `i` (`u64`) and a draw
//! number `d` (`u32`):
//!
//! ```text
//! key     = [seed as u32, (seed >> 32) as u32]
//! counter = [i as u32, (i >> 32) as u32, d, stream]
//! block(seed, stream, i, d) = philox4x32_10(counter, key) = [x0, x1, x2, x3]
//! w0 = x0 | x1 << 32,   w1 = x2 | x3 << 32          (u64)
//! unif(w) = (w >> 11) * 2^-53                       (top 53 bits, in [0, 1))
//! ```
//!
//! Element `j` of an op's output uses element index `i = offset + j`
//! (C order), so a batch split in two with offsets reproduces the whole.
//!
//! **Uniform** ([`uniform`]): `unif(w0)` of `block(i, 0)`.
//! [`uniform_f32`]: that value rounded to f32, and if it rounds to 1, the
//! largest f32 below 1.
//!
//! **Normal** ([`normal`]): Box-Muller, one normal per element from
//! `block(i, 0)`: `z = sqrt(-2 ln(((w0 >> 11) + 1) 2^-53)) * cos(2 pi (w1 >> 11) 2^-53)`.
//! The argument of `ln` lies in `[2^-53, 1]`, so `ln 0` cannot occur.
//! `ln` and `cos` are [`math::ln_normal`] and [`math::cos_2pi_53`].
//!
//! **Poisson** ([`poisson`], `0 <= lam <= 1e18`): `lam = 0` gives 0 without
//! a draw. For `0 < lam < 10`, inversion: attempt `d = 0, 1, ...` takes
//! `u = unif(w0)` of `block(i, d)`, `k = 0`, `p = exp(-lam)`; while `u > p`:
//! `u -= p`, `k += 1`, and if `k > 60` the next attempt starts, else
//! `p = p * lam / k`; the result is `k`. For `lam >= 10`, PTRS (Hörmann
//! 1993, "The transformed rejection method for generating Poisson random
//! variables"), attempt `d` taking `U = unif(w0) - 1/2`, `V = unif(w1)` of
//! `block(i, d)`; see [`poisson`] for the exact (cancellation-free)
//! acceptance test.
//!
//! **Binomial** ([`binomial`], `0 <= n <= 2^53`, `0 <= p <= 1`): `p > 1/2`
//! draws with `1 - p` and returns `n - k`. Then with `np = n p`: `np < 10`,
//! inversion with restarts (NumPy's `random_binomial_inversion`), attempt
//! `d` using `unif(w0)` of `block(i, d)`; otherwise BTRS (Hörmann 1993, "The
//! generation of binomial random variates", in TensorFlow's formulation),
//! attempt `d` using `U = unif(w0) - 1/2`, `V = unif(w1)` of `block(i, d)`.
//!
//! **Multinomial** ([`multinomial`]): row `r` (`r = offset + j` for the
//! op's `j`-th row of `n` in C order) with `K = len(pvals)` categories is
//! NumPy's sequential conditional binomial: `rest = n`, `mass = 1`; for
//! category `c < K - 1`: `k_c = binomial(i = r K + c, rest, clamp(p_c / mass, 0, 1))` (NaN: 0),
//! `rest -= k_c`, stop (zeros after) when `rest = 0`, `mass -= p_c`; the
//! last category gets `rest`. Element index `r K + c` is the flat C-order
//! index of the output element, so categories never share blocks and each
//! has the whole `d` range.
//!
//! **Keyed streams** ([`keys`], [`derive_seed`]): a simulation never takes
//! "the next stream" for a purpose. The seed of each purpose is derived
//! from the user's seed and a path such as `[Realisation(r), Shell(i),
//! Stage("positions")]` by Philox4x32-10 itself (the exact words are in
//! [`keys`]); its draws are then streams `0, 1, ...` of that derived seed.
//! So shell 7 does not change when shell 3 draws more, realisation `r` is
//! the same alone or on any MPI rank, and a stage added later reshuffles
//! nothing.
//!
//! **Elementary functions.** `ln`, `exp`, `log1p`, `cos` are those of
//! [`math`], built from IEEE-754 binary64 `+ - * /` and `sqrt` with
//! round-to-nearest and **no contraction into fused multiply-add** (CUDA:
//! `-fmad=false` or `__dadd_rn`/`__dmul_rn`; OpenCL: `FP_CONTRACT OFF`).
//! Rejection loops run while `d < 2^32` (they end within a few draws; after
//! `2^32` draws, which never happens, the result is the rounded mean).
//!
//! **Op-level transforms** ([`scale_uniform`], [`scale_uniform_f32`]):
//! `random.uniform` returns `low + (high - low) u`, and if rounding reaches
//! `high` (with `low < high`), the largest value below `high`; for float32,
//! the f64 value rounded to f32, kept below `high as f32` the same way.
//! `random.normal` returns `loc + scale z` (float32: rounded from f64).

mod discrete;
pub mod keys;
pub mod math;
mod philox;

#[cfg(test)]
mod tests;

pub use discrete::{
    binomial, check_pvals, fill_multinomial, fill_poisson, multinomial, poisson, BINOMIAL_N_MAX,
    POISSON_LAM_MAX,
};
pub use keys::{derive_seed, StreamKey};
pub use philox::{philox4x32_10, PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1};

use std::fmt;

/// A parameter outside a distribution's domain (NaN or negative `lam`,
/// `p` outside `[0, 1]`, ...), with a message naming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RandomError(pub String);

impl fmt::Display for RandomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RandomError {}

/// `2^-53`.
const TWO_M53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// The Philox key of a seed: `[seed as u32, (seed >> 32) as u32]`.
#[inline(always)]
pub fn key(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

/// The block of `(seed, stream, i, d)`: Philox4x32-10 of the counter
/// `[i as u32, (i >> 32) as u32, d, stream]` under [`key`]`(seed)`.
#[inline(always)]
pub fn block(seed: u64, stream: u32, i: u64, d: u32) -> [u32; 4] {
    philox4x32_10([i as u32, (i >> 32) as u32, d, stream], key(seed))
}

/// The two 64-bit words of a block: `(x0 | x1 << 32, x2 | x3 << 32)`.
#[inline(always)]
pub fn words(x: [u32; 4]) -> (u64, u64) {
    (
        u64::from(x[0]) | (u64::from(x[1]) << 32),
        u64::from(x[2]) | (u64::from(x[3]) << 32),
    )
}

/// `unif(w) = (w >> 11) 2^-53`: the top 53 bits of `w` as a double in
/// `[0, 1)`.
#[inline(always)]
pub fn unif(w: u64) -> f64 {
    (w >> 11) as f64 * TWO_M53
}

/// Uniform in `[0, 1)` for element `i`: `unif(w0)` of `block(i, 0)`.
#[inline(always)]
pub fn uniform(seed: u64, stream: u32, i: u64) -> f64 {
    unif(words(block(seed, stream, i, 0)).0)
}

/// [`uniform`] rounded to f32, kept below 1.
#[inline(always)]
pub fn uniform_f32(seed: u64, stream: u32, i: u64) -> f32 {
    let u = uniform(seed, stream, i) as f32;
    if u >= 1.0 {
        math::next_down_f32(1.0)
    } else {
        u
    }
}

/// Standard normal for element `i` (Box-Muller on `block(i, 0)`):
/// `sqrt(-2 ln(((w0 >> 11) + 1) 2^-53)) cos(2 pi (w1 >> 11) 2^-53)`.
#[inline(always)]
pub fn normal(seed: u64, stream: u32, i: u64) -> f64 {
    let (w0, w1) = words(block(seed, stream, i, 0));
    normal_from_words(w0, w1)
}

/// The Box-Muller map of [`normal`] on the two words of a block.
#[inline(always)]
pub fn normal_from_words(w0: u64, w1: u64) -> f64 {
    let u = ((w0 >> 11) + 1) as f64 * TWO_M53;
    let r = (-2.0 * math::ln_normal(u)).sqrt();
    r * math::cos_2pi_53(w1 >> 11)
}

/// `random.uniform`'s map of `u` in `[0, 1)` to `[low, high)`:
/// `low + (high - low) u`, or the largest double below `high` where that
/// rounds up to `high` (and `low < high`).
#[inline(always)]
pub fn scale_uniform(u: f64, low: f64, high: f64) -> f64 {
    let x = low + (high - low) * u;
    if x >= high && low < high {
        math::next_down(high)
    } else {
        x
    }
}

/// The float32 version of [`scale_uniform`]: the f64 value rounded to f32,
/// or the largest f32 below `high as f32` where it reaches that.
#[inline(always)]
pub fn scale_uniform_f32(u: f64, low: f64, high: f64) -> f32 {
    let x = scale_uniform(u, low, high) as f32;
    let h = high as f32;
    if x >= h && (low as f32) < h {
        math::next_down_f32(h)
    } else {
        x
    }
}

/// Runs `$body` (a loop over inlined element functions) compiled for AVX2
/// when the CPU has it, and for the baseline target otherwise. The two
/// builds perform the same IEEE operations in the same order (Rust never
/// contracts into FMA), so their results are identical; AVX2 only makes
/// the vectorised loop four lanes wide instead of two.
macro_rules! multiversion {
    ($name:ident, $t:ty, $f:expr) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn $name(seed: u64, stream: u32, offset: u64, out: &mut [$t]) {
            for (j, o) in out.iter_mut().enumerate() {
                *o = $f(seed, stream, offset.wrapping_add(j as u64));
            }
        }
    };
}

/// Fills `out` with `f(seed, stream, offset + j)` (baseline build).
#[inline(always)]
fn fill_plain<T>(
    seed: u64,
    stream: u32,
    offset: u64,
    out: &mut [T],
    f: impl Fn(u64, u32, u64) -> T,
) {
    for (j, o) in out.iter_mut().enumerate() {
        *o = f(seed, stream, offset.wrapping_add(j as u64));
    }
}

multiversion!(fill_uniform_avx2, f64, uniform);
multiversion!(fill_uniform_f32_avx2, f32, uniform_f32);
multiversion!(fill_normal_avx2, f64, normal);

/// Fills `out[j]` with [`uniform`] at element index `offset + j`.
pub fn fill_uniform(seed: u64, stream: u32, offset: u64, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, the only requirement of the function.
        return unsafe { fill_uniform_avx2(seed, stream, offset, out) };
    }
    fill_plain(seed, stream, offset, out, uniform)
}

/// Fills `out[j]` with [`uniform_f32`] at element index `offset + j`.
pub fn fill_uniform_f32(seed: u64, stream: u32, offset: u64, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, the only requirement of the function.
        return unsafe { fill_uniform_f32_avx2(seed, stream, offset, out) };
    }
    fill_plain(seed, stream, offset, out, uniform_f32)
}

/// Fills `out[j]` with [`normal`] at element index `offset + j`.
pub fn fill_normal(seed: u64, stream: u32, offset: u64, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, the only requirement of the function.
        return unsafe { fill_normal_avx2(seed, stream, offset, out) };
    }
    fill_plain(seed, stream, offset, out, normal)
}

/// Fills `out[j]` with [`normal`] at element index `offset + j`, rounded
/// to f32 (through a stack buffer of f64, so the AVX2 loop is used).
pub fn fill_normal_f32(seed: u64, stream: u32, offset: u64, out: &mut [f32]) {
    let mut buf = [0.0f64; 256];
    for (c, chunk) in out.chunks_mut(buf.len()).enumerate() {
        let b = &mut buf[..chunk.len()];
        fill_normal(seed, stream, offset.wrapping_add((c * 256) as u64), b);
        for (o, &x) in chunk.iter_mut().zip(b.iter()) {
            *o = x as f32;
        }
    }
}
