//! `glass sht ...`: spherical harmonic transforms of `.npy` files on the
//! chosen backend, for users and for cross-checks with healpy. alm are complex128 in healpy order, maps float64 in RING order.
//! `--repeat R` runs the transform R times and prints, as the last line on
//! stderr, `median_seconds=<float>` for the transform alone (no file I/O).

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};
use glass::{healpix, npy, Array, Backend};

use crate::{CliError, CliResult};

#[derive(Args)]
pub struct Common {
    /// Run the transform this many times and print `median_seconds=` last on stderr.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
}

#[derive(Subcommand)]
pub enum Sht {
    /// alm (complex128, healpy order; shape (nalm,) or (n, nalm)) to RING maps.
    Alm2map {
        #[arg(long)]
        nside: i64,
        #[arg(long)]
        lmax: Option<usize>,
        #[arg(long)]
        mmax: Option<usize>,
        input: PathBuf,
        output: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// RING maps (float64; shape (npix,) or (n, npix)) to alm (healpy's map2alm).
    Map2alm {
        #[arg(long)]
        lmax: Option<usize>,
        #[arg(long)]
        mmax: Option<usize>,
        /// Jacobi iterations (healpy's default 3).
        #[arg(long, default_value_t = 3)]
        iter: usize,
        /// Weight the rings with healpy's ring weights (shipped; nside a
        /// power of two from 2 to 8192), as healpy's use_weights=True.
        #[arg(long)]
        use_weights: bool,
        input: PathBuf,
        output: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// E and B alm to the two maps of a spin-s field (healpy's alm2map_spin).
    /// Input: one file of shape (2, nalm), or two files IN_E IN_B; output: one
    /// file of shape (2, npix), or two files OUT_Q OUT_U.
    #[command(name = "alm2map-spin")]
    Alm2mapSpin {
        #[arg(long)]
        spin: usize,
        #[arg(long)]
        nside: i64,
        #[arg(long)]
        lmax: Option<usize>,
        #[arg(long)]
        mmax: Option<usize>,
        /// IN OUT, or IN_E IN_B OUT_Q OUT_U.
        #[arg(num_args = 2..=4, required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// The two maps of a spin-s field to E and B alm (healpy's map2alm_spin,
    /// which does not iterate). Files as for alm2map-spin.
    #[command(name = "map2alm-spin")]
    Map2almSpin {
        #[arg(long)]
        spin: usize,
        #[arg(long)]
        lmax: Option<usize>,
        #[arg(long)]
        mmax: Option<usize>,
        #[arg(long, default_value_t = 0)]
        iter: usize,
        /// IN OUT, or IN_Q IN_U OUT_E OUT_B.
        #[arg(num_args = 2..=4, required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Angular power spectrum of a map (healpy's anafast: map2alm, alm2cl).
    Anafast {
        #[arg(long)]
        lmax: Option<usize>,
        #[arg(long, default_value_t = 3)]
        iter: usize,
        input: PathBuf,
        output: PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

/// More repetitions than a benchmark needs (and a bound on the times kept).
const MAX_REPEAT: usize = 1_000_000;

/// Runs `f` `repeat` times on `b`; prints the median time last on stderr
/// when repeating.
fn timed(b: &Backend, repeat: usize, f: impl Fn() -> glass::Result<Array>) -> CliResult<Array> {
    if repeat == 0 {
        return Err(CliError::Usage("--repeat must be at least 1".into()));
    }
    if repeat > MAX_REPEAT {
        return Err(CliError::Usage(format!(
            "--repeat must be at most {MAX_REPEAT}, got {repeat}"
        )));
    }
    let run = || -> CliResult<(Array, f64)> {
        let t = Instant::now();
        let out = f()?;
        // an asynchronous backend may return before the work is done
        b.sync()?;
        Ok((out, t.elapsed().as_secs_f64()))
    };
    let mut out = None;
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        // the previous result is dropped first: one output alive at a time
        drop(out.take());
        let (o, t) = run()?;
        out = Some(o);
        times.push(t);
    }
    let out = out.ok_or_else(|| CliError::Usage("--repeat must be at least 1".into()))?;
    times.sort_by(|a, b| a.total_cmp(b));
    let median = if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        0.5 * (times[times.len() / 2 - 1] + times[times.len() / 2])
    };
    if repeat > 1 {
        eprintln!("median_seconds={median}");
    }
    Ok(out)
}

/// One input of shape (2, n) or two inputs of shape (n,), stacked.
fn read_pair(b: &Backend, files: &[PathBuf]) -> glass::Result<Array> {
    if files.len() == 1 {
        return npy::read(b, &files[0]);
    }
    let x = npy::read(b, &files[0])?;
    let y = npy::read(b, &files[1])?;
    // the two halves of one field: no promotion, no broadcasting
    if y.dtype() != x.dtype() || y.shape() != x.shape() {
        return Err(glass::Error::File {
            path: files[1].clone(),
            reason: format!(
                "holds {:?} of shape {:?}, but {} holds {:?} of shape {:?}: the two files must match",
                y.dtype(),
                y.shape(),
                files[0].display(),
                x.dtype(),
                x.shape()
            ),
        });
    }
    b.stack(&[&x, &y], 0)
}

fn write_pair(x: &Array, files: &[PathBuf]) -> glass::Result<()> {
    if files.len() == 1 {
        return npy::write(x, &files[0]);
    }
    let b = x.backend();
    let mut rows = Vec::with_capacity(files.len());
    for i in 0..files.len() {
        let row = x.take(&b.asarray1(&[i as i64])?, Some(0))?;
        let n = row.shape()[1..]
            .iter()
            .map(|&v| v as i64)
            .collect::<Vec<_>>();
        rows.push(row.reshape(&n)?);
    }
    let items: Vec<(&Array, &std::path::Path)> = rows
        .iter()
        .zip(files)
        .map(|(r, f)| (r, f.as_path()))
        .collect();
    npy::write_all(&items)
}

fn split_files(files: &[PathBuf]) -> CliResult<(&[PathBuf], &[PathBuf])> {
    match files.len() {
        2 => Ok((&files[..1], &files[1..])),
        4 if glass::user::same_file(&files[2], &files[3]) => Err(CliError::Usage(format!(
            "the two outputs are the same file ({}): give each its own",
            files[3].display()
        ))),
        4 => Ok((&files[..2], &files[2..])),
        n => Err(CliError::Usage(format!(
            "expected IN OUT or IN_1 IN_2 OUT_1 OUT_2, got {n} files"
        ))),
    }
}

/// Runs one transform on `b`.
pub fn run(b: &Backend, cmd: Sht) -> CliResult<()> {
    match cmd {
        Sht::Alm2map {
            nside,
            lmax,
            mmax,
            input,
            output,
            common,
        } => {
            let alm = npy::read(b, &input)?;
            let map = timed(b, common.repeat, || {
                healpix::alm2map(&alm, nside, lmax, mmax)
            })?;
            Ok(npy::write(&map, &output)?)
        }
        Sht::Map2alm {
            lmax,
            mmax,
            iter,
            use_weights,
            input,
            output,
            common,
        } => {
            let map = npy::read(b, &input)?;
            let w = if use_weights {
                let npix = map.shape().last().copied().unwrap_or(0);
                let nside =
                    healpix::npix2nside(npix).map_err(|e| CliError::Usage(e.to_string()))?;
                Some(healpix::ring_weights(b, nside)?)
            } else {
                None
            };
            let alm = timed(b, common.repeat, || {
                healpix::map2alm(&map, lmax, mmax, iter, w.as_ref())
            })?;
            Ok(npy::write(&alm, &output)?)
        }
        Sht::Alm2mapSpin {
            spin,
            nside,
            lmax,
            mmax,
            files,
            common,
        } => {
            let (inp, out) = split_files(&files)?;
            let alm = read_pair(b, inp)?;
            let maps = timed(b, common.repeat, || {
                healpix::alm2map_spin(&alm, nside, spin, lmax, mmax)
            })?;
            Ok(write_pair(&maps, out)?)
        }
        Sht::Map2almSpin {
            spin,
            lmax,
            mmax,
            iter,
            files,
            common,
        } => {
            let (inp, out) = split_files(&files)?;
            let maps = read_pair(b, inp)?;
            let alm = timed(b, common.repeat, || {
                healpix::map2alm_spin(&maps, spin, lmax, mmax, iter)
            })?;
            Ok(write_pair(&alm, out)?)
        }
        Sht::Anafast {
            lmax,
            iter,
            input,
            output,
            common,
        } => {
            let map = npy::read(b, &input)?;
            let cl = timed(b, common.repeat, || healpix::anafast(&map, lmax, iter))?;
            Ok(npy::write(&cl, &output)?)
        }
    }
}
