//! `glass pixwin`: healpy's pixel window function to a `.npy` file.

use std::path::PathBuf;

use glass::{healpix, npy, Backend};

use crate::CliResult;

#[derive(clap::Args)]
pub struct Pixwin {
    /// The map resolution (a power of two from 2 to 8192).
    #[arg(long)]
    nside: i64,
    /// Highest multipole (default 3*nside-1; at most 4*nside).
    #[arg(long)]
    lmax: Option<usize>,
    /// Also the polarisation (spin-2) window, as a second row.
    #[arg(long)]
    pol: bool,
    /// Output .npy file (float64).
    out: PathBuf,
}

/// Writes the table: shape `(lmax+1,)`, or `(2, lmax+1)` with `--pol`.
pub fn run(xp: &Backend, p: &Pixwin) -> CliResult<()> {
    let (t, pol) = healpix::pixwin(p.nside, p.lmax, p.pol)?;
    let arr = match pol {
        Some(pol) => xp.asarray(&[t.clone(), pol].concat(), &[2, t.len()])?,
        None => xp.asarray1(&t)?,
    };
    Ok(npy::write(&arr, &p.out)?)
}
