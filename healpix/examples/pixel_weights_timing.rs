//! Time the full pixel weights:
//! `cargo run -p glass-healpix --release --example pixel_weights_timing -- NSIDE [TOLERANCE] [MAX_ITER]`
//! prints the iterations, the residual reached and the wall time.

use std::time::Instant;

use glass_healpix::weights::{pixel_weights_with, PixelWeightOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).and_then(|s| s.parse::<f64>().ok());
    let nside = arg(1).unwrap_or(64.0) as i64;
    let mut opts = PixelWeightOptions::default();
    if let Some(t) = arg(2) {
        opts.tolerance = t;
    }
    if let Some(n) = arg(3) {
        opts.max_iterations = n as usize;
    }
    let t = Instant::now();
    match pixel_weights_with(nside, &opts) {
        Ok(w) => println!(
            "nside {nside}: {} values, {} iterations, residual {:.2e}, {:.2} s ({} threads)",
            w.compressed().len(),
            w.iterations(),
            w.residual(),
            t.elapsed().as_secs_f64(),
            rayon::current_num_threads()
        ),
        Err(e) => eprintln!("error: {e}"),
    }
}
