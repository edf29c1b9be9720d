//! The elementary functions of the reference streams, written with IEEE-754
//! binary64 `+ - * /`, `sqrt`, comparisons and bit manipulation only (round
//! to nearest, no fused multiply-add), so that every backend, a GPU kernel
//! included, can reproduce them bit for bit. A platform `log` or `cos` is
//! not: libm, CUDA and OpenCL differ in the last bit.
//!
//! The polynomials are those of fdlibm/musl (`log`, `exp`, `__kernel_sin`,
//! `__kernel_cos`), each accurate to within 1 ulp on its domain. Their
//! constants are written as fdlibm prints them (more digits than a double
//! holds, parsing to the same double) so that a port can compare them.
#![allow(clippy::excessive_precision)]

/// `ln 2` split: `LN2_HI` has trailing zeros so that `k * LN2_HI` is exact.
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;

// fdlibm `log` polynomial in s^2, s = f / (2 + f).
const LG1: f64 = 6.666_666_666_666_735_130e-1;
const LG2: f64 = 3.999_999_999_940_941_908e-1;
const LG3: f64 = 2.857_142_874_366_239_149e-1;
const LG4: f64 = 2.222_219_843_214_978_396e-1;
const LG5: f64 = 1.818_357_216_161_805_012e-1;
const LG6: f64 = 1.531_383_769_920_937_332e-1;
const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// Natural logarithm of a positive, normal, finite `x` (no special cases,
/// branch free). fdlibm/musl `log`: `x = 2^k (1 + f)` with
/// `sqrt(2)/2 <= 1 + f < sqrt(2)`, `s = f / (2 + f)`, `R(s^2)` the Lg
/// polynomial, and
/// `ln x = s (f^2/2 + R) + k ln2_lo - f^2/2 + f + k ln2_hi`.
#[inline(always)]
pub fn ln_normal(x: f64) -> f64 {
    let bits = x.to_bits();
    let hx = (bits >> 32) as u32;
    let hxm = hx & 0x000f_ffff;
    // Moves the mantissa to [sqrt(2)/2, sqrt(2)) and adjusts the exponent.
    let i = (hxm + 0x95f64) & 0x0010_0000;
    let k = ((hx >> 20) as i32) - 1023 + (i >> 20) as i32;
    let m = f64::from_bits(((u64::from(hxm | (i ^ 0x3ff0_0000))) << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = f64::from(k);
    s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI
}

/// Natural logarithm for any `x`: `ln 0 = -inf`, `ln x = NaN` for `x < 0`
/// or NaN, `ln inf = inf`; subnormals are scaled by `2^54` first.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        f64::NAN
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY {
        x
    } else if x < f64::MIN_POSITIVE {
        ln_normal(x * 18_014_398_509_481_984.0) - 54.0 * LN2_HI - 54.0 * LN2_LO
    } else {
        ln_normal(x)
    }
}

/// `ln(1 + d)` accurate also for small `|d|`: for `|d| < 1/4`,
/// `2 s (1 + s^2/3 + s^4/5 + ... + s^22/23)` with `s = d / (2 + d)`
/// (the atanh series, Horner from the highest term); otherwise `ln(1 + d)`.
pub fn log1p(d: f64) -> f64 {
    if d.abs() < 0.25 {
        let s = d / (2.0 + d);
        2.0 * s * (1.0 + s * s * atanh_tail(s * s))
    } else {
        ln(1.0 + d)
    }
}

/// `ln(1 + d) - d` without cancellation: for `|d| < 1/4`,
/// `-s d + 2 s^3 (1/3 + s^2/5 + ... + s^20/23)` with `s = d / (2 + d)`
/// (using `d - 2 s = s d`); otherwise `ln(1 + d) - d`.
pub fn log1pmx(d: f64) -> f64 {
    if d.abs() < 0.25 {
        let s = d / (2.0 + d);
        let z = s * s;
        -s * d + 2.0 * s * z * atanh_tail(z)
    } else {
        ln(1.0 + d) - d
    }
}

/// `1/3 + z/5 + z^2/7 + ... + z^10/23`, Horner from the highest power.
#[inline]
fn atanh_tail(z: f64) -> f64 {
    let mut acc = 1.0 / 23.0;
    let mut j = 21.0;
    while j >= 3.0 {
        acc = 1.0 / j + z * acc;
        j -= 2.0;
    }
    acc
}

/// `1 / ln 2` (fdlibm `invln2` = 0x3ff71547652b82fe).
const INV_LN2: f64 = core::f64::consts::LOG2_E;
const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_90e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;

/// `e^x` for `-708 <= x <= 709` (outside: 0, or inf; NaN stays NaN).
/// fdlibm/musl `exp` with one reduction: `k = trunc(x / ln2 + 0.5 sign(x))`,
/// `hi = x - k ln2_hi`, `lo = k ln2_lo`, `r = hi - lo`,
/// `c = r - r^2 (P1 + r^2 (P2 + ... P5))`,
/// `e^x = 2^k (1 + (r c / (2 - c) - lo + hi))`.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    let t = INV_LN2 * x + if x < 0.0 { -0.5 } else { 0.5 };
    let k = t as i32; // truncation toward zero
    let dk = f64::from(k);
    let hi = x - dk * LN2_HI;
    let lo = dk * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // 2^k is normal for -1022 <= k <= 1023, which |x| <= 709 guarantees.
    y * f64::from_bits(((1023 + i64::from(k)) as u64) << 52)
}

// fdlibm __kernel_sin / __kernel_cos coefficients.
const S1: f64 = -1.666_666_666_666_663_243_48e-1;
const S2: f64 = 8.333_333_333_322_489_461_24e-3;
const S3: f64 = -1.984_126_982_985_794_931_34e-4;
const S4: f64 = 2.755_731_370_707_006_767_89e-6;
const S5: f64 = -2.505_076_025_340_686_341_95e-8;
const S6: f64 = 1.589_690_995_211_550_102_21e-10;
const C1: f64 = 4.166_666_666_666_660_190_37e-2;
const C2: f64 = -1.388_888_888_887_410_957_49e-3;
const C3: f64 = 2.480_158_728_947_672_941_78e-5;
const C4: f64 = -2.755_731_435_139_066_330_35e-7;
const C5: f64 = 2.087_572_321_298_174_827_90e-9;
const C6: f64 = -1.135_964_755_778_819_482_65e-11;

/// `sin t` for `|t| <= pi/4` (fdlibm `__kernel_sin` with no tail):
/// `t + t^3 (S1 + t^2 (S2 + ... S6))`.
#[inline(always)]
pub fn kernel_sin(t: f64) -> f64 {
    let z = t * t;
    let v = z * t;
    let r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    t + v * (S1 + z * r)
}

/// `cos t` for `|t| <= pi/4` (musl `__kernel_cos` with no tail):
/// `w = 1 - t^2/2`, `cos t = w + (((1 - w) - t^2/2) + t^2 r)`, with
/// `r = t^2 (C1 + t^2 (C2 + t^2 C3)) + t^8 (C4 + t^2 (C5 + t^2 C6))`.
#[inline(always)]
pub fn kernel_cos(t: f64) -> f64 {
    let z = t * t;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + z * r)
}

/// `cos(2 pi k / 2^53)` for a 53-bit integer `k`, with exact quadrant
/// reduction in integers: `q = (k + 2^50) >> 51` (the nearest quadrant,
/// 0..=4), `y = (k - q 2^51) / 2^51` in `[-1/2, 1/2)` (exact),
/// `t = y * (pi/2)` (`pi/2` the f64 constant); then `cos t`, `-sin t`,
/// `-cos t`, `sin t` for `q mod 4 = 0, 1, 2, 3`. Branch free.
#[inline(always)]
pub fn cos_2pi_53(k: u64) -> f64 {
    let q = (k + (1 << 50)) >> 51;
    let y = (k as i64 - (q << 51) as i64) as f64 * (1.0 / 2_251_799_813_685_248.0);
    let t = y * core::f64::consts::FRAC_PI_2;
    let s = kernel_sin(t);
    let c = kernel_cos(t);
    let v = if q & 1 == 1 { s } else { c };
    let neg = ((q + 1) >> 1) & 1;
    f64::from_bits(v.to_bits() ^ (neg << 63))
}

/// Stirling-series tail of `ln k!`:
/// `ln k! - ((k + 1/2) ln(k + 1) - (k + 1) + ln(2 pi)/2)`; a table for
/// `k <= 9` (the values of TensorFlow's binomial sampler), otherwise
/// `(1/12 - (1/360 - 1/1260 / x^2) / x^2) / x` with `x = k + 1`.
pub fn stirling_tail(k: f64) -> f64 {
    const TAIL: [f64; 10] = [
        0.081_061_466_795_327_2,
        0.041_340_695_955_409_2,
        0.027_677_925_684_998_3,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_1,
        0.013_876_128_823_070_7,
        0.011_896_709_945_891_7,
        0.010_411_265_261_972_0,
        0.009_255_462_182_712_73,
        0.008_330_563_433_362_87,
    ];
    if k <= 9.0 {
        TAIL[k as usize]
    } else {
        let x = k + 1.0;
        let x2 = x * x;
        (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / x2) / x2) / x
    }
}

/// The largest f64 below `x` (finite `x`).
pub fn next_down(x: f64) -> f64 {
    if x == 0.0 {
        -f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() - 1)
    } else {
        f64::from_bits(x.to_bits() + 1)
    }
}

/// The largest f32 below `x` (finite `x`).
pub fn next_down_f32(x: f32) -> f32 {
    if x == 0.0 {
        -f32::from_bits(1)
    } else if x > 0.0 {
        f32::from_bits(x.to_bits() - 1)
    } else {
        f32::from_bits(x.to_bits() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    /// A deterministic spread of test points (a simple LCG, no dependency).
    fn points(n: usize, lo: f64, hi: f64) -> Vec<f64> {
        let mut s: u64 = 0x1234_5678;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                lo + (hi - lo) * ((s >> 11) as f64 / 9_007_199_254_740_992.0)
            })
            .collect()
    }

    #[test]
    fn ln_matches_std_within_one_ulp() {
        for x in points(20_000, 1e-300, 1.0)
            .into_iter()
            .chain(points(20_000, 0.5, 2.0))
            .chain(points(20_000, 1.0, 1e300))
            .chain([
                1.0,
                2.0,
                0.5,
                f64::MIN_POSITIVE,
                f64::MAX,
                1.0 + f64::EPSILON,
            ])
        {
            assert!(
                ulps(ln(x), x.ln()) <= 1,
                "ln({x}) = {} vs {}",
                ln(x),
                x.ln()
            );
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        let sub = f64::from_bits(12345);
        assert!((ln(sub) - sub.ln()).abs() < 1e-13);
    }

    #[test]
    fn exp_matches_std_within_one_ulp() {
        for x in points(20_000, -708.0, 709.0)
            .into_iter()
            .chain(points(20_000, -1.0, 1.0))
        {
            assert!(
                ulps(exp(x), x.exp()) <= 1,
                "exp({x}) = {} vs {}",
                exp(x),
                x.exp()
            );
        }
        assert_eq!(INV_LN2.to_bits(), 0x3ff7_1547_652b_82fe);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
    }

    #[test]
    fn log1p_and_log1pmx() {
        for d in points(20_000, -0.9, 3.0)
            .into_iter()
            .chain(points(20_000, -1e-3, 1e-3))
        {
            let want = d.ln_1p();
            assert!(
                (log1p(d) - want).abs() <= 5e-16 * want.abs().max(1e-300),
                "log1p({d})"
            );
            let mx = log1pmx(d);
            let tol = 4e-16 * (want.abs() + d.abs());
            assert!((mx - (want - d)).abs() <= tol, "log1pmx({d}) = {mx}");
        }
        // tiny d: ln(1+d) - d = -d^2/2 + d^3/3 - d^4/4 + O(d^5)
        let d = 1e-6;
        assert!(
            (log1pmx(d) - (-d * d / 2.0 + d * d * d / 3.0 - d * d * d * d / 4.0)).abs() < 1e-27
        );
    }

    #[test]
    fn cos_2pi_matches_std() {
        for k in [0u64, 1, 1 << 50, 1 << 51, 3 << 50, 1 << 52, (1 << 53) - 1]
            .into_iter()
            .chain((0..20_000u64).map(|j| j.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11))
        {
            let u = k as f64 / 9_007_199_254_740_992.0;
            let want = (2.0 * std::f64::consts::PI * u).cos();
            assert!(
                (cos_2pi_53(k) - want).abs() < 2e-16 * 4.0,
                "cos(2 pi {u}) = {} vs {want}",
                cos_2pi_53(k)
            );
        }
        assert_eq!(cos_2pi_53(0), 1.0);
        assert_eq!(cos_2pi_53(1 << 52), -1.0);
    }

    #[test]
    fn stirling_tail_is_continuous_and_correct() {
        // ln 10! = ln 3628800
        let k = 10.0_f64;
        let direct = 3_628_800.0_f64.ln()
            - ((k + 0.5) * (k + 1.0).ln() - (k + 1.0) + 0.5 * (2.0 * std::f64::consts::PI).ln());
        // the three-term series is good to 1/(1680 x^7) = 3e-11 at x = 11
        assert!((stirling_tail(k) - direct).abs() < 5e-11);
        let k = 4.0_f64;
        let direct = 24.0_f64.ln()
            - ((k + 0.5) * (k + 1.0).ln() - (k + 1.0) + 0.5 * (2.0 * std::f64::consts::PI).ln());
        assert!((stirling_tail(k) - direct).abs() < 1e-13);
    }

    #[test]
    fn next_down_steps_one_ulp() {
        assert!(next_down(1.0) < 1.0 && next_down(1.0) == 1.0 - f64::EPSILON / 2.0);
        assert!(next_down(-1.0) < -1.0);
        assert!(next_down(0.0) < 0.0);
        assert!(next_down_f32(1.0) < 1.0);
    }
}
