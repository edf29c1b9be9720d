//! Which build of the native kernels runs: the fastest SIMD build that the
//! CPU supports (the default), or a slower one, chosen with the environment
//! variable `GLASS_SIMD`.
//!
//! The transform kernels ([`crate::sht`]) exist in several builds of the
//! same Rust code: for AVX2+FMA (a lane group of eight ring pairs is two
//! 256-bit registers), a portable build (plain `a * b + c` instead of fused
//! multiply-adds), and, for the synthesis kernels (scalar and spin), an
//! AVX-512F build (a lane group is one 512-bit register; the analysis
//! kernels run their AVX2+FMA build under `avx512`, where they measured
//! faster: the numbers are with the `dispatch!` macro in `sht/kernels.rs`).
//! The `transformcl` dot products of the `glass` host have the AVX2+FMA
//! and portable builds. Two users need the choice besides speed:
//!
//! - the instruction-count gate (valgrind 3.19 cannot decode the AVX2
//!   build's VEX-encoded `vmovq` and has no AVX-512 at all), which counts
//!   the portable build of the hottest code;
//! - the test that the builds agree (`tests/simd_paths.rs`).
//!
//! The SIMD builds differ from the portable one only by the rounding of the
//! fused multiply-adds: results agree to a few units in the last place of
//! the largest term of a sum, not bit for bit.
//!
//! | `GLASS_SIMD` | kernels |
//! | --- | --- |
//! | unset, empty, `native` | the best of AVX-512, AVX2+FMA, portable that the CPU runs |
//! | `avx512` | AVX-512 where the CPU has it, else as `avx2` |
//! | `avx2` | AVX2+FMA where the CPU has them, else portable |
//! | `portable` | portable |
//!
//! A request never selects a build the CPU cannot run: it falls back to the
//! next slower one. Any other value is an error of [`from_env`] (the
//! programs check it at start); the kernels themselves treat it as
//! `native`.

use std::sync::atomic::{AtomicU8, Ordering};

/// The environment variable that selects the kernels' build.
pub const SIMD_ENV: &str = "GLASS_SIMD";

/// A build of the native kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    /// Compiled for AVX-512F (with AVX2 and FMA; x86_64 CPUs that have
    /// them all).
    Avx512,
    /// Compiled for AVX2 and FMA (x86_64 CPUs that have both).
    Avx2Fma,
    /// Plain Rust, no target features: runs everywhere.
    Portable,
}

impl Kernels {
    /// The name shown to users (`avx512`, `avx2+fma`, `portable`).
    pub fn name(self) -> &'static str {
        match self {
            Kernels::Avx512 => "avx512",
            Kernels::Avx2Fma => "avx2+fma",
            Kernels::Portable => "portable",
        }
    }

    /// Whether this build may run AVX2+FMA code (the AVX-512 build's CPUs
    /// have both).
    pub fn has_avx2_fma(self) -> bool {
        matches!(self, Kernels::Avx512 | Kernels::Avx2Fma)
    }
}

/// What `GLASS_SIMD` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// The fastest build the CPU supports.
    Native,
    /// The AVX-512 build (or the next slower one the CPU runs).
    Avx512,
    /// The AVX2+FMA build (or the portable one).
    Avx2,
    /// The portable build.
    Portable,
}

/// Parses a value of `GLASS_SIMD`.
///
/// # Errors
///
/// A message naming the variable, the value and the accepted values.
pub fn parse(value: &str) -> Result<Request, String> {
    match value.trim() {
        "" | "native" => Ok(Request::Native),
        "avx512" => Ok(Request::Avx512),
        "avx2" => Ok(Request::Avx2),
        "portable" => Ok(Request::Portable),
        other => Err(format!(
            "{SIMD_ENV}={other:?} is not a kernel build: use `native` (the default), `avx512`, `avx2` or `portable`"
        )),
    }
}

/// What `GLASS_SIMD` asks for now (unset is [`Request::Native`]).
///
/// # Errors
///
/// As [`parse`], or when the value is not Unicode.
pub fn from_env() -> Result<Request, String> {
    match std::env::var(SIMD_ENV) {
        Ok(v) => parse(&v),
        Err(std::env::VarError::NotPresent) => Ok(Request::Native),
        Err(std::env::VarError::NotUnicode(v)) => {
            Err(format!("{SIMD_ENV}={v:?} is not valid Unicode"))
        }
    }
}

/// Whether this CPU can run the AVX-512 build (AVX-512F, AVX2 and FMA).
pub fn cpu_has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx512f") && cpu_has_avx2_fma()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether this CPU can run the AVX2+FMA build.
pub fn cpu_has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The build for a request on this CPU.
pub fn resolve(request: Request) -> Kernels {
    match request {
        Request::Native | Request::Avx512 if cpu_has_avx512() => Kernels::Avx512,
        Request::Native | Request::Avx512 | Request::Avx2 if cpu_has_avx2_fma() => Kernels::Avx2Fma,
        _ => Kernels::Portable,
    }
}

const UNREAD: u8 = 0;
const AVX2_FMA: u8 = 1;
const PORTABLE: u8 = 2;
const AVX512: u8 = 3;

/// The kernels in use, read from the environment on first use.
static ACTIVE: AtomicU8 = AtomicU8::new(UNREAD);

/// The build of the kernels that runs (read from `GLASS_SIMD` and the CPU
/// once, on first use; see [`refresh`]).
#[inline]
pub fn kernels() -> Kernels {
    match ACTIVE.load(Ordering::Relaxed) {
        AVX512 => Kernels::Avx512,
        AVX2_FMA => Kernels::Avx2Fma,
        PORTABLE => Kernels::Portable,
        _ => refresh(),
    }
}

/// Reads `GLASS_SIMD` again and returns the build that runs from now on
/// (for a program or test that changes the variable after the first
/// transform; an invalid value counts as `native`).
pub fn refresh() -> Kernels {
    let k = resolve(from_env().unwrap_or(Request::Native));
    let code = match k {
        Kernels::Avx512 => AVX512,
        Kernels::Avx2Fma => AVX2_FMA,
        Kernels::Portable => PORTABLE,
    };
    ACTIVE.store(code, Ordering::Relaxed);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_the_variable() {
        assert_eq!(parse(""), Ok(Request::Native));
        assert_eq!(parse("native"), Ok(Request::Native));
        assert_eq!(parse(" portable "), Ok(Request::Portable));
        assert_eq!(parse("avx512"), Ok(Request::Avx512));
        assert_eq!(parse("avx2"), Ok(Request::Avx2));
        let e = parse("sse2").unwrap_err();
        assert!(e.contains("GLASS_SIMD") && e.contains("sse2") && e.contains("portable"));
        assert_eq!(resolve(Request::Portable), Kernels::Portable);
        let best = if cpu_has_avx512() {
            Kernels::Avx512
        } else if cpu_has_avx2_fma() {
            Kernels::Avx2Fma
        } else {
            Kernels::Portable
        };
        assert_eq!(resolve(Request::Native), best);
        assert_eq!(resolve(Request::Avx512), best);
        assert_eq!(
            resolve(Request::Avx2),
            if cpu_has_avx2_fma() {
                Kernels::Avx2Fma
            } else {
                Kernels::Portable
            }
        );
    }
}
