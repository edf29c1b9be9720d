//! Times one science case of Python GLASS's performance targets on the
//! same inputs as `tools/bench_vs_glass.py`, which runs this program and
//! Python GLASS alternately and prints the ratios.
//!
//! `science_timing CASE REPEAT`, CASE one of `solve_gaussian_spectra_256`,
//! `solve_gaussian_spectra_1024`, `cltocorr_1024`, `cltocorr_4096`,
//! `corrtocl_1024`, `corrtocl_4096`, `partition_30`. Prints
//! `median_seconds=<float>` of REPEAT runs (after one warm-up run).

use std::time::Instant;

use glass_benches::science::Case;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: science_timing CASE REPEAT");
        std::process::exit(2);
    }
    let case = match Case::new(&args[1]) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let repeat: usize = match args[2].parse() {
        Ok(r) if r > 0 => r,
        _ => {
            eprintln!("REPEAT must be a positive integer, got {:?}", args[2]);
            std::process::exit(2);
        }
    };
    case.run();
    let mut t: Vec<f64> = (0..repeat)
        .map(|_| {
            let start = Instant::now();
            case.run();
            start.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    println!("median_seconds={}", t[t.len() / 2]);
}
