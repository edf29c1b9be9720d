//! Numbers far below the f64 range, for the start of the Legendre
//! recurrences.
//!
//! `λ_mm(θ) ∝ sin^m θ` underflows near the poles for large m (sin θ ≈ 1e-3
//! and m = 2000 give 1e-6000). As in libsharp (Reinecke 2011, A&A 526,
//! A108), a recurrence value is kept as `v · 2^(SCALE_BITS k)` with an
//! integer `k <= 0`; while `k < 0` the value is too small to contribute and
//! the recurrence runs without accumulating, rescaling `v` whenever it grows
//! past `2^THRESHOLD_BITS`. Once `k` reaches 0 the plain f64 recurrence
//! takes over.

/// Bits per scale step.
pub const SCALE_BITS: i32 = 600;
/// A scaled value is rescaled when its magnitude exceeds `2^THRESHOLD_BITS`.
pub const THRESHOLD_BITS: i32 = 300;
/// `2^THRESHOLD_BITS`.
pub const BIG: f64 = f64::from_bits(((1023 + THRESHOLD_BITS) as u64) << 52);
/// `2^-SCALE_BITS`.
pub const SMALL: f64 = f64::from_bits(((1023 - SCALE_BITS) as u64) << 52);

/// A positive or negative number `mant · 2^exp`, `0.5 <= |mant| < 1` (or 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wide {
    pub mant: f64,
    pub exp: i64,
}

/// `2^e` for `-1022 <= e <= 1023`.
#[inline]
fn pow2(e: i64) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((1023 + e) as u64) << 52)
}

impl Wide {
    /// `x` as a wide number (x finite).
    pub fn new(x: f64) -> Wide {
        if x == 0.0 {
            return Wide { mant: 0.0, exp: 0 };
        }
        let (mut x, mut exp) = (x, 0i64);
        if x.abs() < f64::MIN_POSITIVE {
            x *= pow2(64);
            exp -= 64;
        }
        let bits = x.to_bits();
        let e = ((bits >> 52) & 0x7ff) as i64 - 1022;
        let mant = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
        Wide { mant, exp: exp + e }
    }

    fn normalized(self) -> Wide {
        let w = Wide::new(self.mant);
        Wide {
            mant: w.mant,
            exp: w.exp + self.exp,
        }
    }

    /// Product.
    pub fn mul(self, o: Wide) -> Wide {
        Wide {
            mant: self.mant * o.mant,
            exp: self.exp + o.exp,
        }
        .normalized()
    }

    /// `x^n` by binary powering (n rounding errors at most `2 log2 n`).
    pub fn powi(x: f64, n: usize) -> Wide {
        let mut base = Wide::new(x);
        let mut acc = Wide { mant: 0.5, exp: 1 };
        let mut n = n;
        while n > 0 {
            if n & 1 == 1 {
                acc = acc.mul(base);
            }
            base = base.mul(base);
            n >>= 1;
        }
        acc
    }

    /// The value as `(v, k)` with value `= v 2^(SCALE_BITS k)`, `k <= 0` and
    /// `|v| <= 2^THRESHOLD_BITS` (values from the recurrence starts never
    /// exceed 1 in magnitude, so `k > 0` does not occur).
    pub fn to_scaled(self) -> (f64, i32) {
        if self.mant == 0.0 {
            return (0.0, 0);
        }
        let mut e = self.exp;
        let mut k = 0i32;
        while e < -(THRESHOLD_BITS as i64) {
            e += SCALE_BITS as i64;
            k -= 1;
        }
        while e > THRESHOLD_BITS as i64 {
            e -= SCALE_BITS as i64;
            k += 1;
        }
        (self.mant * pow2(e), k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_far_below_the_f64_range() {
        let w = Wide::powi(1e-3, 2000);
        // log2(1e-6000) = -19931.568569324174
        let l2 = w.mant.abs().log2() + w.exp as f64;
        assert!((l2 + 19931.568569324174).abs() < 1e-9, "{l2}");
        let w = Wide::powi(0.7, 5);
        assert!((w.mant * 2f64.powi(w.exp as i32) - 0.16807).abs() < 1e-15);
        let (v, k) = Wide::new(1e-200).mul(Wide::new(1e-200)).to_scaled();
        assert!(k < 0 && v.abs() <= BIG);
        // log2(1e-400) = -1328.77123795494
        assert!((v.log2() + (SCALE_BITS * k) as f64 + 1328.77123795494).abs() < 1e-9);
    }
}
