//! The GLASS pipeline of `../shared/anchors/bench_pipeline.py` (`sim`
//! mode) in Rust, timed per stage like the Python script, for a side by
//! side comparison (`tools/bench_pipeline.sh` runs both alternately):
//!
//! 10 lognormal shells `tophat_windows(redshift_grid(0, 1, dz=0.1))` with
//! CAMB's ramp weight `min(z / 0.1, 1)`, the anchor's CAMB spectra,
//! `discretized_cls(ncorr=3)`, `solve_gaussian_spectra`,
//! `generate(ncorr=3)`, `MultiPlaneConvergence` + `from_convergence(shear)`,
//! `positions_from_delta` + `redshifts` + `ellipticity_intnorm(0.26)` +
//! `galaxy_shear` for a constant dN/dz of 0.03 arcmin^-2 over 0 < z < 1.
//!
//! `pipeline CLS.npz NSIDE [REPEATS] [LMAX]` (LMAX defaults to 2 NSIDE)
//! prints one JSON object: median seconds per stage, the galaxy count and
//! the peak resident memory (VmHWM of /proc/self/status, MiB). Threads:
//! `RAYON_NUM_THREADS`. Backend: `GLASS_BACKEND` (default embedded
//! ndarray). The cosmology is flat ΛCDM with h = 0.7 and Ω_m = 0.3 (the
//! anchor's CAMB model without its radiation and neutrinos: the lensing
//! weights differ at the per-mille level, the work does not).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use glass::cosmology::LambdaCdm;
use glass::fields::{
    discretized_cls, lognormal_fields, solve_gaussian_spectra, DiscretizedClsOptions,
};
use glass::fields::{generate, GenerateOptions};
use glass::galaxies::{galaxy_shear, redshifts, GalaxyShearOptions};
use glass::lensing::{from_convergence, FromConvergenceOptions, MultiPlaneConvergence};
use glass::points::{positions_from_delta, PositionsOptions};
use glass::rng::{Key, Rng};
use glass::shapes::ellipticity_intnorm;
use glass::shells::{
    partition, redshift_grid, tophat_windows, GridStep, PartitionMethod, WindowOptions,
};
use glass::Backend;
use ndarray::{ArrayD, IxDyn};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // as the `glass` command does (GLASS_SYSTEM_MALLOC=1: glibc's defaults)
    glass::memory::retain_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: pipeline CLS.npz NSIDE [REPEATS] [LMAX]".into());
    }
    let nside: i64 = args[2].parse()?;
    let repeats: usize = args.get(3).map_or(Ok(3), |s| s.parse())?;
    let lmax: usize = args.get(4).map_or(Ok(2 * nside as usize), |s| s.parse())?;
    let xp = Backend::from_env()?;
    let cosmo = LambdaCdm::flat(70.0, 0.3)?;
    let ramp = |z: f64| (z / 0.1).min(1.0);
    let zb = redshift_grid(0.0, 1.0, GridStep::Step(0.1))?;
    let shells = tophat_windows(
        &zb,
        WindowOptions {
            weight: Some(&ramp),
            ..Default::default()
        },
    )?;
    let cls_raw = glass::load_cls(Path::new(&args[1]))?;
    let z: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
    let dndz = ArrayD::from_elem(IxDyn(&[z.len()]), 0.03);
    let ngal = partition(&z, dndz.view(), &shells, PartitionMethod::Nnls)?;
    let ngal: Vec<f64> = ngal.iter().copied().collect();

    let stages = [
        "discretized_cls",
        "solve_gaussian_spectra",
        "generate",
        "lensing_add_window",
        "lensing_from_convergence",
        "gal_positions",
        "gal_redshifts",
        "gal_ellipticity",
        "gal_shear",
        "loop_total",
    ];
    let mut t: BTreeMap<&str, Vec<f64>> = stages.iter().map(|s| (*s, Vec::new())).collect();
    let mut ngal_total = 0usize;
    for rep in 0..repeats {
        let t0 = Instant::now();
        let cls = discretized_cls(
            &cls_raw,
            DiscretizedClsOptions {
                lmax: Some(lmax),
                ncorr: Some(3),
                nside: Some(nside),
            },
        )?;
        t.get_mut("discretized_cls")
            .unwrap()
            .push(t0.elapsed().as_secs_f64());
        let fields = lognormal_fields(&shells, None);
        let t0 = Instant::now();
        let gls = solve_gaussian_spectra(&fields, &cls)?.gls;
        t.get_mut("solve_gaussian_spectra")
            .unwrap()
            .push(t0.elapsed().as_secs_f64());

        let rng = Rng::new(42).substream(&[Key::Realisation(rep as u64)]);
        let mut acc: BTreeMap<&str, f64> = BTreeMap::new();
        let mut add = |k: &'static str, s: f64| *acc.entry(k).or_default() += s;
        let tl = Instant::now();
        let mut matter = generate(
            &xp,
            &fields,
            &gls,
            nside,
            GenerateOptions { ncorr: Some(3) },
            &rng,
        )?;
        let mut conv = MultiPlaneConvergence::new(&cosmo);
        let mut ntot = 0usize;
        for (i, shell) in shells.iter().enumerate() {
            let t0 = Instant::now();
            let delta = matter.next().ok_or("too few shells")??;
            xp.sync()?;
            let t1 = Instant::now();
            add("generate", (t1 - t0).as_secs_f64());
            conv.add_window(&delta, shell)?;
            let kappa = conv.kappa().ok_or("no convergence")?.clone();
            xp.sync()?;
            let t2 = Instant::now();
            let maps = from_convergence(
                &kappa,
                Some(lmax),
                FromConvergenceOptions {
                    shear: true,
                    ..Default::default()
                },
            )?;
            let gamma = maps.shear.ok_or("no shear")?;
            let (g1, g2) = (gamma.real()?, gamma.imag()?);
            xp.sync()?;
            let t3 = Instant::now();
            add("lensing_add_window", (t2 - t1).as_secs_f64());
            add("lensing_from_convergence", (t3 - t2).as_secs_f64());
            let shell_rng = rng.substream(&[Key::Shell(i as u64)]);
            let mut first = 0u64;
            let mut batches = positions_from_delta(
                &ArrayD::from_elem(IxDyn(&[]), ngal[i]),
                &delta,
                None,
                None,
                PositionsOptions::default(),
                &shell_rng,
            )?;
            loop {
                let ta = Instant::now();
                let Some(b) = batches.next() else {
                    add("gal_positions", ta.elapsed().as_secs_f64());
                    break;
                };
                let b = b?;
                xp.sync()?;
                let tb = Instant::now();
                let gz = redshifts(
                    &xp,
                    b.count,
                    shell,
                    &mut shell_rng.substream(&[Key::Stage("redshifts")]).at(first),
                )?;
                xp.sync()?;
                let tc = Instant::now();
                let eps = ellipticity_intnorm(
                    &xp,
                    b.count,
                    0.26,
                    &mut shell_rng.substream(&[Key::Stage("shapes")]).at(first),
                )?;
                xp.sync()?;
                let td = Instant::now();
                let she = galaxy_shear(
                    &b.lon,
                    &b.lat,
                    &eps,
                    &kappa,
                    &g1,
                    &g2,
                    GalaxyShearOptions::default(),
                )?;
                xp.sync()?;
                let te = Instant::now();
                add("gal_positions", (tb - ta).as_secs_f64());
                add("gal_redshifts", (tc - tb).as_secs_f64());
                add("gal_ellipticity", (td - tc).as_secs_f64());
                add("gal_shear", (te - td).as_secs_f64());
                assert_eq!(gz.shape()[0], b.count);
                assert_eq!(she.shape()[0], b.count);
                ntot += b.count;
                first += b.count as u64;
            }
        }
        t.get_mut("loop_total")
            .unwrap()
            .push(tl.elapsed().as_secs_f64());
        for (k, v) in acc {
            t.get_mut(k).unwrap().push(v);
        }
        ngal_total = ntot;
        eprintln!(
            "rep {rep}: loop {:.3} s, {ntot} galaxies",
            t["loop_total"].last().unwrap()
        );
    }
    let mut out = String::from("{");
    out += &format!("\"nside\": {nside}, \"lmax\": {lmax}, \"repeats\": {repeats}, \"ngal\": {ngal_total}, \"threads\": {}, \"backend\": \"{}\", \"median\": {{", rayon::current_num_threads(), xp.name());
    let mut parts = Vec::new();
    for (k, v) in &mut t {
        if !v.is_empty() {
            parts.push(format!("\"{k}\": {:.4}", median(v)));
        }
    }
    out += &parts.join(", ");
    out += &format!("}}, \"peak_rss_mib\": {:.1}}}", peak_rss_mib());
    println!("{out}");
    Ok(())
}
