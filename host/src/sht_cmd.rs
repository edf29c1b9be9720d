//! `glass sht ...`: spherical harmonic transforms of `.npy` files on the
//! chosen backend (GLASS_BACKEND), for users and for cross-checks with
//! healpy. alm are complex128 in healpy order, maps float64 in RING order.
//! `--repeat R` runs the transform R times and prints, as the last line on
//! stderr, `median_seconds=<float>` for the transform alone (no file I/O).

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};
use glass::{healpix, npy, Array, Backend, Error, Result};

#[derive(Args)]
pub struct Common {
    /// Run the transform this many times and print `median_seconds=` last on stderr.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Threads of the (rayon) pool; default: RAYON_NUM_THREADS, else all cores.
    #[arg(long)]
    threads: Option<usize>,
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

fn setup(common: &Common) -> Result<Backend> {
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| Error::Invalid(format!("--threads {n}: {e}")))?;
    }
    if common.repeat == 0 {
        return Err(Error::Invalid("--repeat must be at least 1".into()));
    }
    Backend::from_env()
}

/// Runs `f` `repeat` times; prints the median time last on stderr when
/// repeating.
fn timed(repeat: usize, f: impl Fn() -> Result<Array>) -> Result<Array> {
    let mut times = Vec::with_capacity(repeat);
    let mut out = None;
    for _ in 0..repeat {
        let t = Instant::now();
        // an asynchronous backend may return before the work is done
        let r = f()?;
        r.backend().sync()?;
        times.push(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        0.5 * (times[times.len() / 2 - 1] + times[times.len() / 2])
    };
    if repeat > 1 {
        eprintln!("median_seconds={median}");
    }
    out.ok_or_else(|| Error::Invalid("no run".into()))
}

/// One input of shape (2, n) or two inputs of shape (n,), stacked.
fn read_pair(b: &Backend, files: &[PathBuf]) -> Result<Array> {
    if files.len() == 1 {
        return npy::read(b, &files[0]);
    }
    let x = npy::read(b, &files[0])?;
    let y = npy::read(b, &files[1])?;
    b.stack(&[&x, &y], 0)
}

fn write_pair(x: &Array, files: &[PathBuf]) -> Result<()> {
    if files.len() == 1 {
        return npy::write(x, &files[0]);
    }
    let b = x.backend();
    for (i, f) in files.iter().enumerate() {
        let row = x.take(&b.asarray1(&[i as i64])?, Some(0))?;
        let n = row.shape()[1..]
            .iter()
            .map(|&v| v as i64)
            .collect::<Vec<_>>();
        npy::write(&row.reshape(&n)?, f)?;
    }
    Ok(())
}

fn split_files(files: &[PathBuf]) -> Result<(&[PathBuf], &[PathBuf])> {
    match files.len() {
        2 => Ok((&files[..1], &files[1..])),
        4 => Ok((&files[..2], &files[2..])),
        n => Err(Error::Invalid(format!(
            "expected IN OUT or IN_1 IN_2 OUT_1 OUT_2, got {n} files"
        ))),
    }
}

pub fn run(cmd: Sht) -> Result<()> {
    match cmd {
        Sht::Alm2map {
            nside,
            lmax,
            mmax,
            input,
            output,
            common,
        } => {
            let b = setup(&common)?;
            let alm = npy::read(&b, &input)?;
            let map = timed(common.repeat, || healpix::alm2map(&alm, nside, lmax, mmax))?;
            npy::write(&map, &output)
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
            let b = setup(&common)?;
            let map = npy::read(&b, &input)?;
            let w = if use_weights {
                let npix = map.shape().last().copied().unwrap_or(0);
                let nside = healpix::npix2nside(npix).map_err(|e| Error::Invalid(e.to_string()))?;
                Some(healpix::ring_weights(&b, nside)?)
            } else {
                None
            };
            let alm = timed(common.repeat, || {
                healpix::map2alm(&map, lmax, mmax, iter, w.as_ref())
            })?;
            npy::write(&alm, &output)
        }
        Sht::Alm2mapSpin {
            spin,
            nside,
            lmax,
            mmax,
            files,
            common,
        } => {
            let b = setup(&common)?;
            let (inp, out) = split_files(&files)?;
            let alm = read_pair(&b, inp)?;
            let maps = timed(common.repeat, || {
                healpix::alm2map_spin(&alm, nside, spin, lmax, mmax)
            })?;
            write_pair(&maps, out)
        }
        Sht::Map2almSpin {
            spin,
            lmax,
            mmax,
            iter,
            files,
            common,
        } => {
            let b = setup(&common)?;
            let (inp, out) = split_files(&files)?;
            let maps = read_pair(&b, inp)?;
            let alm = timed(common.repeat, || {
                healpix::map2alm_spin(&maps, spin, lmax, mmax, iter)
            })?;
            write_pair(&alm, out)
        }
        Sht::Anafast {
            lmax,
            iter,
            input,
            output,
            common,
        } => {
            let b = setup(&common)?;
            let map = npy::read(&b, &input)?;
            let cl = timed(common.repeat, || healpix::anafast(&map, lmax, iter))?;
            npy::write(&cl, &output)
        }
    }
}

/// `glass pixwin`: healpy's pixel window function to a `.npy` file, on the
/// chosen backend.
pub fn pixwin(nside: i64, lmax: Option<usize>, pol: bool, out: &std::path::Path) -> Result<()> {
    let (t, p) = healpix::pixwin(nside, lmax, pol)?;
    let xp = Backend::from_env()?;
    let arr = match p {
        Some(p) => xp.asarray(&[t.clone(), p].concat(), &[2, t.len()])?,
        None => xp.asarray1(&t)?,
    };
    npy::write(&arr, out)
}
