//! Times the transforms (three rounds) and the plan's memory, lmax = 2 nside:
//! `RAYON_NUM_THREADS=1 cargo run --release -p glass-healpix --example sht_timing -- NSIDE`.
use glass_healpix::{alm, sht::ShtPlan};
use num_complex::Complex64;
use std::time::Instant;

/// Resident memory in MiB (Linux), 0 elsewhere.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map(|pages| pages * 4096.0 / (1024.0 * 1024.0))
        .unwrap_or(0.0)
}

fn main() {
    let nside: i64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    let lmax = 2 * nside as usize;
    let before = rss_mib();
    let t = Instant::now();
    let plan = ShtPlan::new(nside, lmax, lmax).unwrap();
    eprintln!(
        "plan {:.3}s, {:.1} MiB resident for the plan",
        t.elapsed().as_secs_f64(),
        rss_mib() - before
    );
    let a: Vec<Complex64> = (0..alm::alm_size(lmax, lmax))
        .map(|i| Complex64::new((i as f64 * 0.37).cos(), (i as f64 * 0.11).sin()))
        .collect();
    for _ in 0..3 {
        let t = Instant::now();
        let map = plan.alm2map(&a).unwrap();
        let t1 = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = plan.map2alm(&map, 0, None).unwrap();
        let t2 = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = plan.alm2map_spin(2, &a, &a).unwrap();
        let t3 = t.elapsed().as_secs_f64();
        let zero = vec![Complex64::new(0.0, 0.0); a.len()];
        let t = Instant::now();
        let _ = plan.alm2map_spin(2, &a, &zero).unwrap();
        let t4 = t.elapsed().as_secs_f64();
        eprintln!(
            "alm2map {t1:.3}s map2alm {t2:.3}s alm2map_spin {t3:.3}s, with B = 0 {t4:.3}s (resident {:.0} MiB)",
            rss_mib()
        );
    }
}
