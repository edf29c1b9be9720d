//! The `glass` command.

use std::process::ExitCode;

mod sht_cmd;

use clap::{Parser, Subcommand};
use glass::backend::{discover, search_dirs, Backend, BACKEND_ENV};

#[derive(Parser)]
#[command(
    name = "glass",
    version,
    about = "GLASS, the Generator for Large Scale Structure, on pluggable array backends"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the backends found (name, version, ABI version, path, ops,
    /// extensions) and the libraries that failed to load, with the reason.
    Backends,
    /// Run the conformance suite against one backend; exit 1 on any failure.
    Conformance {
        /// A backend name or a path to a plugin library (default: GLASS_BACKEND, else ndarray).
        #[arg(long)]
        backend: Option<String>,
        /// Seed of the random test inputs.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Random cases per op.
        #[arg(long, default_value_t = 20)]
        cases: usize,
        /// Only ops whose name contains this.
        #[arg(long)]
        filter: Option<String>,
    },
    /// Spherical harmonic transforms of .npy files (healpy conventions).
    #[command(subcommand)]
    Sht(sht_cmd::Sht),
    /// Write the HEALPix pixel window function (healpy `pixwin`) to a .npy
    /// file: shape (lmax+1,), or (2, lmax+1) with --pol (rows T, P).
    Pixwin {
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
        out: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Backends => backends(),
        Command::Conformance {
            backend,
            seed,
            cases,
            filter,
        } => conformance(backend, seed, cases, filter),
        Command::Sht(cmd) => sht_cmd::run(cmd).map(|()| ExitCode::SUCCESS),
        Command::Pixwin {
            nside,
            lmax,
            pol,
            out,
        } => sht_cmd::pixwin(nside, lmax, pol, &out).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn print_backend(b: &Backend) {
    let info = b.info();
    let ext = info.extensions();
    println!(
        "{:<10} {:<8} abi {:<6} ops {:>3} (list v{})  extensions: {:<16} {}",
        info.name,
        info.version,
        info.api_version,
        info.ops.len(),
        info.op_list_version,
        if ext.is_empty() {
            "-".to_string()
        } else {
            ext.join(",")
        },
        b.source()
    );
}

fn backends() -> glass::Result<ExitCode> {
    // The choice in GLASS_BACKEND must load, or the command fails naming why.
    let chosen = std::env::var(BACKEND_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty());
    if let Some(spec) = &chosen {
        Backend::by_spec(spec.trim())?;
    }
    println!("backends (searched: {}):", {
        let d: Vec<String> = search_dirs()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        d.join(":")
    });
    print_backend(&Backend::embedded_ndarray()?);
    let mut failures = Vec::new();
    for found in discover() {
        match found.result {
            Ok(b) => print_backend(&b),
            Err(e) => failures.push((found.path, e)),
        }
    }
    if !failures.is_empty() {
        println!("libraries that failed to load:");
        for (path, e) in failures {
            println!("  {}: {e}", path.display());
        }
    }
    if let Some(spec) = chosen {
        println!(
            "GLASS_BACKEND={spec} selects: {}",
            Backend::by_spec(spec.trim())?.source()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn conformance(
    backend: Option<String>,
    seed: u64,
    cases: usize,
    filter: Option<String>,
) -> glass::Result<ExitCode> {
    let b = match backend {
        Some(spec) => Backend::by_spec(&spec)?,
        None => Backend::from_env()?,
    };
    let options = glass_conformance::Options {
        seed,
        cases_per_op: cases,
        filter,
    };
    let report = glass_conformance::run(b.instance(), &options);
    print!("{}", report.table());
    println!(
        "conformance of {} ({}): {} passed, {} failed, {} skipped",
        b.name(),
        b.source(),
        report.passed(),
        report.failed(),
        report.skipped()
    );
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
