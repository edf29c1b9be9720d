//! Writes the pixel weights that glass-healpix ships
//! (`healpix/data/pixel_weights_n{NSIDE}.f64`, the compressed layout as
//! little-endian float64, `lmax` = 3 nside rounded down to even), computed
//! by [`pixel_weights_with`] at the tolerance given:
//!
//! `cargo run -p glass-healpix --release --example write_pixel_weights -- OUTDIR NSIDE TOLERANCE`
//!
//! The shipped files were made with tolerance 1e-10 for nside 32, 64 and
//! 128 and 1e-8 for 256 (see `weights::shipped_pixel_weights`).

use std::io::Write;
use std::time::Instant;

use glass_healpix::weights::{pixel_weights_with, PixelWeightOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        return Err("usage: write_pixel_weights OUTDIR NSIDE TOLERANCE".into());
    }
    let nside: i64 = args[2].parse()?;
    let opts = PixelWeightOptions {
        tolerance: args[3].parse()?,
        ..PixelWeightOptions::default()
    };
    let t = Instant::now();
    let w = pixel_weights_with(nside, &opts)?;
    let path = std::path::Path::new(&args[1]).join(format!("pixel_weights_n{nside:05}.f64"));
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    for v in w.compressed() {
        f.write_all(&v.to_le_bytes())?;
    }
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    println!(
        "{}: {} values, lmax {}, {} iterations, residual {:.2e}, {:.1} s",
        path.display(),
        w.compressed().len(),
        w.lmax(),
        w.iterations(),
        w.residual(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
