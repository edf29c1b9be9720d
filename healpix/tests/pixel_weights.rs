//! The full pixel weights against healpy-data's files
//! (`healpix_full_weights_nside_NNNN.fits`): nside 32, 64 and 128 are
//! committed under `tests/data/`; nside 256 and 512 are read from
//! `$GLASS_HEALPY_DATA/full_weights/` when that variable is set:
//!
//! ```text
//! GLASS_HEALPY_DATA=/work/shared/healpy-data \
//!     cargo test -p glass-healpix --release --test pixel_weights -- --ignored --nocapture
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use glass_healpix::weights::{pixel_weights_with, PixelWeightOptions, PixelWeights};

/// The column and `MAX_LPOL` of a healpy-data weight file: a primary HDU
/// without data, then a BINTABLE of one `1D` (big-endian float64) column.
fn read_weights_fits(path: &Path) -> (usize, Vec<f64>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut pos = 0;
    loop {
        // one header: 80-byte cards up to END, padded to 2880 bytes
        let mut cards = std::collections::HashMap::new();
        loop {
            let card = std::str::from_utf8(&bytes[pos..pos + 80]).expect("ASCII header");
            pos += 80;
            let key = card[..8].trim().to_string();
            if key == "END" {
                break;
            }
            if card.as_bytes().get(8) == Some(&b'=') {
                let v = card[10..].split('/').next().unwrap_or("").trim();
                cards.insert(key, v.trim_matches('\'').trim().to_string());
            }
        }
        pos = pos.div_ceil(2880) * 2880;
        let num = |k: &str| -> usize { cards.get(k).map_or(0, |v| v.parse().unwrap()) };
        if cards.get("XTENSION").map(String::as_str) == Some("BINTABLE") {
            assert_eq!(cards["TFORM1"], "1D");
            assert_eq!(num("NAXIS1"), 8);
            let n = num("NAXIS2");
            let data = &bytes[pos..pos + 8 * n];
            let v = data
                .chunks_exact(8)
                .map(|c| f64::from_be_bytes(c.try_into().unwrap()))
                .collect();
            return (num("MAX_LPOL"), v);
        }
        // skip this HDU's data (none in a primary HDU with NAXIS = 0)
        let naxis = num("NAXIS");
        let size: usize = if naxis == 0 {
            0
        } else {
            (1..=naxis).map(|i| num(&format!("NAXIS{i}"))).product()
        };
        pos += size.div_ceil(2880) * 2880;
    }
}

fn fixture(nside: usize) -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "data",
        &format!("healpix_full_weights_nside_{nside:04}.fits"),
    ]
    .iter()
    .collect()
}

/// Largest difference relative to the largest weight (the measure the
/// tests bound), and the largest relative difference over the values above
/// 1e-3 of it (printed: a few weights are close to zero).
fn compare(ours: &PixelWeights, theirs: &[f64]) -> (f64, f64) {
    let w = ours.compressed();
    assert_eq!(w.len(), theirs.len());
    let scale = theirs.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let mut max_abs = 0.0f64;
    let mut max_rel = 0.0f64;
    for (a, b) in w.iter().zip(theirs) {
        max_abs = max_abs.max((a - b).abs() / scale);
        if b.abs() > 1e-3 * scale {
            max_rel = max_rel.max(((a - b) / b).abs());
        }
    }
    (max_abs, max_rel)
}

fn check(nside: usize, path: &Path, tolerance: f64, bound: f64) {
    let (lmax, theirs) = read_weights_fits(path);
    assert_eq!(lmax, 3 * nside);
    let t = Instant::now();
    let opts = PixelWeightOptions {
        tolerance,
        ..PixelWeightOptions::default()
    };
    let ours = pixel_weights_with(nside as i64, &opts).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let (abs, rel) = compare(&ours, &theirs);
    println!(
        "nside {nside}: {} iterations, residual {:.1e}, {secs:.2} s; \
         max |diff|/max|w| {abs:.2e}, max relative diff {rel:.2e}",
        ours.iterations(),
        ours.residual()
    );
    assert!(abs < bound, "nside {nside}: {abs:e} (relative {rel:e})");
}

#[test]
fn weights_match_healpy_nside_32_64() {
    check(32, &fixture(32), 1e-12, 1e-9);
    check(64, &fixture(64), 1e-12, 1e-9);
}

#[test]
fn weights_match_healpy_nside_128() {
    check(128, &fixture(128), 1e-9, 1e-6);
}
