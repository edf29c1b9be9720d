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

/// A healpy-data file from `$GLASS_HEALPY_DATA`, solved to healpix_cxx's
/// own residual; skipped (with a note) when the variable is unset.
fn check_env(nside: usize, tolerance: f64) {
    let Some(root) = std::env::var_os("GLASS_HEALPY_DATA") else {
        println!("GLASS_HEALPY_DATA is not set: skipping the nside {nside} file");
        return;
    };
    let path = Path::new(&root)
        .join("full_weights")
        .join(format!("healpix_full_weights_nside_{nside:04}.fits"));
    check(nside, &path, tolerance, 1e-6);
}

/// healpy's nside 256 file (its residual 3e-9; about three minutes here).
#[test]
#[ignore = "needs GLASS_HEALPY_DATA and three minutes of CPU"]
fn weights_match_healpy_nside_256() {
    check_env(256, 1e-8);
}

/// healpy's nside 512 file (its residual 8e-8; plain CG takes about an
/// hour here, see the module doc of `glass_healpix::weights::pixel`).
#[test]
#[ignore = "needs GLASS_HEALPY_DATA and about an hour of CPU"]
fn weights_match_healpy_nside_512() {
    check_env(512, 8e-8);
}

// ---- map2alm with pixel weights against healpy ----

mod golden {
    use std::path::PathBuf;

    use ndarray::ArrayD;
    use ndarray_npy::read_npy;
    use num_complex::Complex64;

    fn path(name: &str) -> PathBuf {
        [env!("CARGO_MANIFEST_DIR"), "tests", "golden", name]
            .iter()
            .collect()
    }

    pub fn map() -> Vec<f64> {
        let a: ArrayD<f64> = read_npy(path("pixel_weights_n32_map.npy")).unwrap();
        a.iter().copied().collect()
    }

    pub fn alm(lmax: usize) -> Vec<Complex64> {
        let a: ArrayD<Complex64> =
            read_npy(path(&format!("pixel_weights_n32_alm_l{lmax}.npy"))).unwrap();
        a.iter().copied().collect()
    }
}

fn max_rel(a: &[num_complex::Complex64], b: &[num_complex::Complex64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |s, v| s.max(v.norm()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |s, (a, b)| s.max((a - b).norm() / scale))
}

/// `tools/reference/healpix_pixel_weights.py`: healpy's
/// `map2alm(m, lmax, iter=3, use_pixel_weights=True)` at nside 32, with
/// healpy's file and with our weights.
#[test]
fn map2alm_with_pixel_weights_matches_healpy() {
    use glass_healpix::sht::ShtPlan;
    let map = golden::map();
    let (lmax_file, file) = read_weights_fits(&fixture(32));
    let theirs = PixelWeights::from_compressed(32, lmax_file, file).unwrap();
    let ours = pixel_weights_with(
        32,
        &PixelWeightOptions {
            tolerance: 1e-13,
            ..Default::default()
        },
    )
    .unwrap();
    for lmax in [64, 96] {
        let want = golden::alm(lmax);
        let plan = ShtPlan::new(32, lmax, lmax).unwrap();
        let a_file = plan.map2alm_pixel_weights(&[&map], &theirs).unwrap();
        let a_ours = plan.map2alm_pixel_weights(&[&map], &ours).unwrap();
        let (e_file, e_ours) = (max_rel(&a_file[0], &want), max_rel(&a_ours[0], &want));
        println!("lmax {lmax}: healpy's weights {e_file:.2e}, ours {e_ours:.2e}");
        assert!(e_file < 1e-12, "lmax {lmax}: {e_file:e}");
        assert!(e_ours < 1e-10, "lmax {lmax}: {e_ours:e}");
    }
    let plan = ShtPlan::new(64, 64, 64).unwrap();
    assert!(plan.map2alm_pixel_weights(&[&map], &ours).is_err());
}

/// Band-limited pseudo-random alm at `lmax` (real for m = 0).
fn random_alm(lmax: usize, seed: u64) -> Vec<num_complex::Complex64> {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let n = glass_healpix::alm::alm_size(lmax, lmax);
    let mut a = vec![num_complex::Complex64::new(0.0, 0.0); n];
    for m in 0..=lmax {
        for l in m..=lmax {
            let im = if m == 0 { 0.0 } else { next() };
            a[glass_healpix::alm::alm_index(lmax, l, m)] = num_complex::Complex64::new(next(), im);
        }
    }
    a
}

/// Round trip alm -> alm2map -> map2alm (iter 0) at `lmax`: largest error
/// relative to the largest coefficient, with the plain pixel area, healpy's
/// ring weights and the full pixel weights. The weights integrate `Y_lm`
/// exactly up to `3 nside`, so the products `Y_lm Y*_l'm'` of the round
/// trip are integrated exactly for `lmax <= 1.5 nside` (healpy's rule for
/// `iter = 0`), not beyond.
fn round_trip(nside: usize, lmax: usize, weights: &PixelWeights) -> [f64; 3] {
    use glass_healpix::sht::ShtPlan;
    let plan = ShtPlan::new(nside as i64, lmax, lmax).unwrap();
    let a = random_alm(lmax, 7);
    let map = plan.alm2map(&a).unwrap();
    let ring = glass_healpix::weights::ring_weights(nside as i64).unwrap();
    let plain = plan.map2alm(&map, 0, None).unwrap();
    let ringw = plan.map2alm(&map, 0, Some(&ring)).unwrap();
    let pix = plan.map2alm_pixel_weights(&[&map], weights).unwrap();
    [
        max_rel(&plain, &a),
        max_rel(&ringw, &a),
        max_rel(&pix[0], &a),
    ]
}

#[test]
fn pixel_weights_make_the_round_trip_exact() {
    for nside in [32usize, 64] {
        let w = pixel_weights_with(
            nside as i64,
            &PixelWeightOptions {
                tolerance: 1e-10,
                ..Default::default()
            },
        )
        .unwrap();
        let [plain, ring, pix] = round_trip(nside, 3 * nside / 2, &w);
        println!(
            "nside {nside}, lmax 1.5 nside: plain {plain:.2e}, ring weights {ring:.2e}, \
             pixel weights {pix:.2e}"
        );
        assert!(
            pix < 1e-7 && pix < 1e-3 * ring,
            "nside {nside}: {pix:e} vs {ring:e}"
        );
        let [plain, ring, pix] = round_trip(nside, 2 * nside, &w);
        println!(
            "nside {nside}, lmax 2 nside: plain {plain:.2e}, ring weights {ring:.2e}, \
             pixel weights {pix:.2e}"
        );
    }
}

/// The round-trip table at larger nside (weights from `$GLASS_HEALPY_DATA`
/// when there, else computed; both printed when both are available).
#[test]
#[ignore = "minutes of CPU"]
fn round_trip_table() {
    for nside in [128usize, 256, 512] {
        if let Some(root) = std::env::var_os("GLASS_HEALPY_DATA") {
            let path = Path::new(&root)
                .join("full_weights")
                .join(format!("healpix_full_weights_nside_{nside:04}.fits"));
            let (lmax, v) = read_weights_fits(&path);
            let w = PixelWeights::from_compressed(nside as i64, lmax, v).unwrap();
            for lmax in [3 * nside / 2, 2 * nside] {
                let [plain, ring, pix] = round_trip(nside, lmax, &w);
                println!(
                    "nside {nside} lmax {lmax} (healpy's file): plain {plain:.2e}, \
                     ring {ring:.2e}, pixel {pix:.2e}"
                );
            }
        }
        let t = Instant::now();
        let w = pixel_weights_with(
            nside as i64,
            &PixelWeightOptions {
                tolerance: 1e-7,
                ..Default::default()
            },
        )
        .unwrap();
        let secs = t.elapsed().as_secs_f64();
        for lmax in [3 * nside / 2, 2 * nside] {
            let [plain, ring, pix] = round_trip(nside, lmax, &w);
            println!(
                "nside {nside} lmax {lmax} (ours, {} iterations, {secs:.1} s): \
                 plain {plain:.2e}, ring {ring:.2e}, pixel {pix:.2e}",
                w.iterations()
            );
        }
    }
}
