//! # glass-cli: the `glass` command
//!
//! What this crate owns: the command line (argument parsing, one file per
//! subcommand, exit codes, what is printed). It opens **one** [`Backend`]
//! (from `--backend`, else `GLASS_BACKEND`, else the embedded ndarray
//! backend) and passes it down; the subcommands call the `glass` library
//! and never reach into a backend themselves.
//!
//! What it may not do: hold numerics or GLASS logic (that is the `glass`
//! library's), or depend on a plugin crate in-process (the plugin crates
//! it names in `Cargo.toml` are there so that cargo builds their libraries
//! next to the binary).
//!
//! Exit codes: 0 success, 1 a check failed (`conformance`), 2 an error
//! (bad input, a backend that does not load), printed as one line on
//! stderr starting with `error:`.

// `!(x > 0.0)` is how NaN is rejected with the rest.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use glass::Backend;

mod backends;
mod conformance;
mod error;
mod pixwin;
pub mod run;
mod sht;
mod spectra;

pub use error::{CliError, CliResult};

#[derive(Parser)]
#[command(
    name = "glass",
    version,
    about = "GLASS, the Generator for Large Scale Structure, on pluggable array backends"
)]
struct Cli {
    /// The backend: a name (ndarray, strict, or any libglass_backend_<name>
    /// found) or a path to a plugin library. Default: GLASS_BACKEND, else
    /// the embedded ndarray backend.
    #[arg(long, global = true)]
    backend: Option<String>,
    /// Threads of the (rayon) pool, also passed to plugins as
    /// RAYON_NUM_THREADS. Default: RAYON_NUM_THREADS, else all cores.
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a survey from a TOML config (default: the documented
    /// default survey): catalogues, maps, spectra and figures in --output.
    Run(run::RunArgs),
    /// Write the default survey config, fully commented, to edit.
    Init(run::InitArgs),
    /// List the backends found (name, version, ABI version, path, ops,
    /// extensions) and the libraries that failed to load, with the reason.
    Backends,
    /// Run the conformance suite against the backend; exit 1 on any failure.
    Conformance(conformance::Conformance),
    /// Spherical harmonic transforms of .npy files (healpy conventions).
    #[command(subcommand)]
    Sht(sht::Sht),
    /// Write the HEALPix pixel window function (healpy `pixwin`) to a .npy
    /// file: shape (lmax+1,), or (2, lmax+1) with --pol (rows T, P).
    Pixwin(pixwin::Pixwin),
    /// The built-in angular matter spectra of a cosmology's shells (no
    /// CAMB), written as a .npz in glass.save_cls layout.
    Spectra(spectra::Spectra),
}

/// SIGINT and SIGTERM go to one thread that removes the temporary files of
/// the outputs being written (`glass::user::remove_temporaries`) and exits
/// with 128 + the signal, so an interrupted command leaves no partial file
/// (`glass run --resume` continues a run). Called first in `main`: every
/// thread started later (rayon's, plugins') inherits the blocked signals.
fn handle_interrupts() {
    // SAFETY: plain POSIX calls on a local, initialised signal set, before
    // any other thread exists.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("glass-signals".into())
            .spawn(move || {
                let mut sig = 0;
                if libc::sigwait(&set, &mut sig) == 0 {
                    glass::user::remove_temporaries();
                    eprintln!(
                        "error: interrupted (signal {sig}): the files being written were removed"
                    );
                    std::process::exit(128 + sig);
                }
            });
        if spawned.is_err() {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

fn main() -> ExitCode {
    // freed arrays are reused instead of faulted in again (glass::memory)
    glass::memory::retain_freed_memory();
    handle_interrupts();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(CliError::Elsewhere) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> CliResult<ExitCode> {
    // A misspelt GLASS_SIMD would silently run the default kernels.
    glass_healpix::simd::from_env().map_err(CliError::Usage)?;
    if let Some(n) = cli.threads {
        set_threads(n)?;
    }
    // `backends` reports a backend that does not load instead of failing
    // on it; every other command opens the one backend of this run.
    let spec = cli.backend.as_deref();
    match cli.command {
        Command::Backends => backends::run(spec),
        Command::Run(a) => run::run(&a, &|| open_backend(spec)).map(|()| ExitCode::SUCCESS),
        Command::Init(a) => run::init(&a).map(|()| ExitCode::SUCCESS),
        Command::Conformance(c) => conformance::run(&open_backend(spec)?, &c),
        Command::Sht(cmd) => sht::run(&open_backend(spec)?, cmd).map(|()| ExitCode::SUCCESS),
        Command::Pixwin(p) => pixwin::run(&open_backend(spec)?, &p).map(|()| ExitCode::SUCCESS),
        Command::Spectra(s) => spectra::run(&s).map(|()| ExitCode::SUCCESS),
    }
}

/// The one backend of this run: `--backend`, else `GLASS_BACKEND`, else
/// the embedded ndarray backend.
fn open_backend(spec: Option<&str>) -> CliResult<Backend> {
    Ok(match spec.map(str::trim).filter(|s| !s.is_empty()) {
        Some(spec) => Backend::by_spec(spec)?,
        None => Backend::from_env()?,
    })
}

/// More threads than this is a mistake (rayon would try to start them all
/// and appear to hang), not a machine.
const MAX_THREADS: usize = 4096;

/// Sizes rayon's global pool before anything uses it, and passes the count
/// to plugins (each plugin library has its own rayon pool, which reads
/// `RAYON_NUM_THREADS` when it starts).
fn set_threads(n: usize) -> CliResult<()> {
    if n == 0 {
        return Err(CliError::Usage("--threads must be at least 1".into()));
    }
    if n > MAX_THREADS {
        return Err(CliError::Usage(format!(
            "--threads {n} is more than {MAX_THREADS}; use at most the machine's cores"
        )));
    }
    // SAFETY: called first thing in `main`, before any other thread exists.
    std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| CliError::Usage(format!("--threads {n}: {e}")))
}
