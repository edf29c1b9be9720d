//! The Philox4x32-10 block function (Salmon, Moraes, Dror & Shaw 2011,
//! "Parallel random numbers: as easy as 1, 2, 3", SC'11), exactly as in the
//! Random123 distribution: a 128-bit counter and a 64-bit key give a 128-bit
//! block, in 10 rounds of two 32x32->64-bit multiplications.

/// Round multipliers of Philox4x32 (Random123 `PHILOX_M4x32_0`, `_1`).
pub const PHILOX_M0: u32 = 0xD251_1F53;
/// See [`PHILOX_M0`].
pub const PHILOX_M1: u32 = 0xCD9E_8D57;
/// Weyl key increments (Random123 `PHILOX_W32_0`, `_1`): the golden ratio
/// and sqrt(3) - 1, as 32-bit fractions.
pub const PHILOX_W0: u32 = 0x9E37_79B9;
/// See [`PHILOX_W0`].
pub const PHILOX_W1: u32 = 0xBB67_AE85;

/// The high and low 32-bit halves of `a * b`.
#[inline(always)]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = u64::from(a) * u64::from(b);
    ((p >> 32) as u32, p as u32)
}

/// One Philox4x32 round:
/// `(hi0, lo0) = M0 * c0`, `(hi1, lo1) = M1 * c2`,
/// `c' = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)`.
#[inline(always)]
fn round(c: [u32; 4], k: [u32; 2]) -> [u32; 4] {
    let (hi0, lo0) = mulhilo(PHILOX_M0, c[0]);
    let (hi1, lo1) = mulhilo(PHILOX_M1, c[2]);
    [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0]
}

/// Philox4x32-10: ten rounds, the key bumped by `(W0, W1)` (wrapping)
/// before each round after the first.
///
/// ```
/// use glass_backend_api::random::philox4x32_10;
/// // Random123 kat_vectors: "philox4x32 10 0 0 0 0 0 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8"
/// assert_eq!(philox4x32_10([0; 4], [0; 2]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
/// ```
#[inline(always)]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = counter;
    let mut k = key;
    c = round(c, k);
    for _ in 1..10 {
        k = [k[0].wrapping_add(PHILOX_W0), k[1].wrapping_add(PHILOX_W1)];
        c = round(c, k);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three philox4x32 10 lines of Random123's `kat_vectors`
    /// (counter[4], key[2] -> output[4]).
    #[test]
    fn known_answers() {
        let kat: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            (
                [0; 4],
                [0; 2],
                [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
            ),
            (
                [u32::MAX; 4],
                [u32::MAX; 2],
                [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
            ),
            (
                [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
                [0xa4093822, 0x299f31d0],
                [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
            ),
        ];
        for (ctr, key, want) in kat {
            assert_eq!(
                philox4x32_10(ctr, key),
                want,
                "ctr {ctr:08x?} key {key:08x?}"
            );
        }
    }
}
