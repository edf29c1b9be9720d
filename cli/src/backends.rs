//! `glass backends`: what this program finds, and why a library does not load.

use std::process::ExitCode;

use glass::backend::{discover, search_dirs, Backend, BACKEND_ENV};

use crate::CliResult;

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

/// Lists the embedded backend and every plugin library found; `chosen`
/// (`--backend`, else `GLASS_BACKEND`) must load, or the command fails
/// naming why.
pub fn run(chosen: Option<&str>) -> CliResult<ExitCode> {
    let chosen = chosen
        .map(str::to_string)
        .or_else(|| std::env::var(BACKEND_ENV).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let selected = chosen.as_deref().map(Backend::by_spec).transpose()?;
    let dirs: Vec<String> = search_dirs()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    println!(
        "transform kernels: {} ({} selects another build)",
        glass_healpix::simd::kernels().name(),
        glass_healpix::simd::SIMD_ENV
    );
    println!("backends (searched: {}):", dirs.join(":"));
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
    if let (Some(spec), Some(b)) = (chosen, selected) {
        println!("selected ({spec}): {}", b.source());
    }
    Ok(ExitCode::SUCCESS)
}
