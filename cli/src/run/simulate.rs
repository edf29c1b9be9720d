//! One realisation of the survey: the GLASS loop over shells (matter
//! field, multi-plane lensing, galaxies of every sample), handing the
//! catalogue in batches and each shell's maps to the output writer
//! ([`super::output`]) as they pass, then the measured spectra.
//!
//! The shear comes from the convergence's alm, which the multi-plane
//! recurrence gives from the δ alm of the shells (the recurrence is
//! linear): the δ alm are needed for the measured spectra anyway, so no
//! shell pays a second `map2alm` for κ. The result is GLASS's
//! `from_convergence(kappa)` to round-off.
//!
//! Random streams (the keys under `Rng::new(seed)`):
//! `[Realisation(r)]` for the fields (`generate` adds `[Shell(i),
//! Stage("alm")]`), `[Realisation(r), Shell(i), Stage(sample)]` for the
//! positions of a sample in shell `i`, and below it `Stage("redshifts")`,
//! `Stage("photoz")`, `Stage("shapes")`, each at the galaxy's index in the
//! shell; so realisation `r` is the same universe alone or among others,
//! and a sample's galaxies do not change when another sample is added.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use glass::fields::{generate, spectra_indices, GenerateOptions};
use glass::galaxies::{galaxy_shear, gaussian_phz, redshifts, GalaxyShearOptions};
use glass::grf::Transformation;
use glass::healpix::{alm2cl, map2alm, map2alm_spin, map2alm_weights};
use glass::lensing::{from_convergence_alm, FromConvergenceOptions, MultiPlaneConvergence};
use glass::points::{positions_from_delta, BiasModel, PositionsOptions};
use glass::rng::{Key, Rng};
use glass::shapes::{ellipticity_gaussian, ellipticity_intnorm, ellipticity_ryden04};
use glass::user::{write_catalog, write_healpix_maps, Column};
use glass::{Array, Backend};
use ndarray::{ArrayD, IxDyn};

use super::config::{BiasKind, MapDtype, ShapeModel};
use super::output::Writer;
use super::plan::Plan;
use crate::error::io_err;
use crate::{CliError, CliResult};

/// What the loop reports as it goes.
pub trait Progress {
    /// Shell `i` of `n` is done, with this many galaxies in it.
    fn shell_done(&mut self, realisation: usize, i: usize, n: usize, galaxies: u64);
    /// Under MPI, on rank 0: another rank completed (or failed) this
    /// realisation.
    fn done_elsewhere(&mut self, _realisation: usize, _rank: usize) {}
}

/// Inputs shared by all realisations.
pub struct Shared {
    pub fields: Vec<Box<dyn Transformation>>,
    /// The discretized input spectra (pixel window, ncorr): what the maps
    /// should have.
    pub cls: Vec<Vec<f64>>,
    pub gls: Vec<Vec<f64>>,
    pub vis: Option<Array>,
}

/// Maps of the figure shell and the spectra measured from the run.
pub struct FigureData {
    pub delta: Vec<f64>,
    pub kappa: Option<Vec<f64>>,
    pub counts: Vec<(String, Vec<f64>)>,
    /// Measured spectra of the delta maps, GLASS order.
    pub cls: Vec<Vec<f64>>,
    /// Of the figure shell: κκ, EE, BB.
    pub kk: Option<Vec<f64>>,
    pub ee: Option<Vec<f64>>,
    pub bb: Option<Vec<f64>>,
    /// Redshifts of the galaxies of each sample (a subsample of at most
    /// `HIST_MAX` per shell), and tomographic bin, for the n(z) figure.
    pub z: Vec<(Vec<f64>, Vec<i64>)>,
}

/// What a realisation produced.
pub struct Report {
    pub files: Vec<PathBuf>,
    /// sha256 of the files the writer hashed as it completed them.
    pub sha256: BTreeMap<PathBuf, String>,
    /// Galaxies per sample, per shell, per tomographic bin (last: outside
    /// every bin; one entry without tomography).
    pub counts: BTreeMap<String, Vec<Vec<u64>>>,
    /// Sums of each catalogue column, per sample.
    pub sums: BTreeMap<String, BTreeMap<String, f64>>,
    /// Mean and variance of each map, per shell.
    pub moments: Vec<BTreeMap<String, [f64; 2]>>,
    /// Seconds per stage of the simulation thread; `output_writer` and
    /// `output_checksums` are those of the writer thread, concurrent with
    /// the others (they do not add up to the wall time), and
    /// `output_wait` the time the loop waited for the writer at the end.
    pub seconds: BTreeMap<&'static str, f64>,
}

fn host(a: &Array) -> CliResult<Vec<f64>> {
    Ok(a.to_vec::<f64>()?)
}

/// Mean and variance of the values, in float64.
fn mean_var<T: Copy + Into<f64>>(x: &[T]) -> [f64; 2] {
    let n = x.len().max(1) as f64;
    let m = x.iter().map(|&v| v.into()).sum::<f64>() / n;
    let v = x
        .iter()
        .map(|&v| (v.into() - m) * (v.into() - m))
        .sum::<f64>()
        / n;
    [m, v]
}

/// The RING pixels of galaxies, in parallel blocks on rayon's pool.
fn pixels(nside: i64, lon: &[f64], lat: &[f64]) -> CliResult<Vec<i64>> {
    use rayon::prelude::*;
    const BLOCK: usize = 1 << 14;
    let parts = lon
        .par_chunks(BLOCK)
        .zip(lat.par_chunks(BLOCK))
        .map(|(a, b)| glass_healpix::pixel::lonlat2pix(nside, a, b, false))
        .collect::<Result<Vec<Vec<i64>>, _>>()
        .map_err(|e| CliError::Output(format!("galaxy pixels: {e}")))?;
    Ok(parts.concat())
}

/// Catalogue columns of one batch, in the plan's order.
struct Batch {
    f: BTreeMap<&'static str, Vec<f64>>,
    i: BTreeMap<&'static str, Vec<i64>>,
}

/// Runs realisation `r` into `dir` (which exists).
pub fn realisation(
    xp: &Backend,
    plan: &Plan,
    shared: &Shared,
    r: usize,
    dir: &Path,
    progress: &mut dyn Progress,
) -> CliResult<Report> {
    let c = plan.config();
    let nshell = plan.shells.len();
    let lmax = plan.lmax;
    let rng = Rng::new(c.seed).substream(&[Key::Realisation(r as u64)]);
    let mut seconds: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut add =
        |k: &'static str, t: Instant| *seconds.entry(k).or_default() += t.elapsed().as_secs_f64();
    let mut files = Vec::new();

    let mut matter = generate(
        xp,
        &shared.fields,
        &shared.gls,
        plan.nside,
        GenerateOptions {
            ncorr: Some(c.ncorr),
        },
        &rng,
    )?;
    // the convergence maps, and the same recurrence on the δ alm for the
    // κ alm of the shear (no map2alm of κ: the δ alm are needed anyway)
    let mut conv = MultiPlaneConvergence::new(&plan.cosmo);
    let mut conv_alm = MultiPlaneConvergence::new(&plan.cosmo);
    let lens_alm = c.lensing.convergence && (c.lensing.shear || c.lensing.deflection);
    let mut catalogues = Vec::new();
    for s in &plan.samples {
        catalogues.push(if c.outputs.catalogue {
            let p = dir.join(format!("catalogue_{}.fits", s.name));
            Some(write_catalog(&p, Some(&s.name))?)
        } else {
            None
        });
    }
    if c.outputs.maps {
        let maps_dir = dir.join("maps");
        std::fs::create_dir_all(&maps_dir).map_err(io_err(&maps_dir))?;
    }
    let mut writer = Writer::spawn(catalogues)?;
    let weights = map2alm_weights(xp, plan.nside)?;
    let mut alms: Vec<Array> = Vec::with_capacity(nshell);
    let mut counts: BTreeMap<String, Vec<Vec<u64>>> = BTreeMap::new();
    let mut sums: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    let mut moments = Vec::with_capacity(nshell);
    let mut fig = FigureData {
        delta: Vec::new(),
        kappa: None,
        counts: Vec::new(),
        cls: Vec::new(),
        kk: None,
        ee: None,
        bb: None,
        z: vec![(Vec::new(), Vec::new()); plan.samples.len()],
    };
    const HIST_MAX: usize = 200_000;

    for (i, shell) in plan.shells.iter().enumerate() {
        let t = Instant::now();
        let delta = matter
            .next()
            .ok_or_else(|| CliError::Output("the field generator ended early".into()))??;
        let delta_h = host(&delta)?;
        add("generate", t);

        // the δ alm, for the shear and the measured spectra
        let t = Instant::now();
        let delta_alm = if lens_alm || c.outputs.spectra || c.outputs.figures {
            Some(map2alm(&delta, Some(lmax), None, 0, weights.as_ref())?)
        } else {
            None
        };
        add("map2alm", t);

        let t = Instant::now();
        let mut kappa = None;
        let mut kappa_alm = None;
        let mut gamma: Option<(Array, Array)> = None;
        let mut alpha: Option<(Array, Array)> = None;
        let no_kappa = || CliError::Output("no convergence after the first shell".into());
        if c.lensing.convergence {
            conv.add_window(&delta, shell)?;
            let k = conv.kappa().ok_or_else(no_kappa)?.clone();
            if let (true, Some(da)) = (lens_alm, &delta_alm) {
                conv_alm.add_window(da, shell)?;
                let ka = conv_alm.kappa().ok_or_else(no_kappa)?.clone();
                let maps = from_convergence_alm(
                    &ka,
                    plan.nside,
                    FromConvergenceOptions {
                        shear: c.lensing.shear,
                        deflection: c.lensing.deflection,
                        discretized: c.lensing.discretized,
                        potential: false,
                    },
                )?;
                if let Some(g) = maps.shear {
                    gamma = Some((g.real()?, g.imag()?));
                }
                if let Some(a) = maps.deflection {
                    alpha = Some((a.real()?, a.imag()?));
                }
                kappa_alm = Some(ka);
            }
            kappa = Some(k);
        }
        let kappa_h = kappa.as_ref().map(host).transpose()?;
        let gamma_h = match &gamma {
            Some((g1, g2)) => Some((host(g1)?, host(g2)?)),
            None => None,
        };
        add("lensing", t);

        // the galaxies of each sample
        let mut shell_counts: Vec<(String, Vec<f64>)> = Vec::new();
        let mut shell_total = 0u64;
        for (k, s) in plan.samples.iter().enumerate() {
            let t = Instant::now();
            let sc = &c.galaxies[k];
            let nbins = s.zbins.as_ref().map_or(0, Vec::len);
            let per_bin = counts
                .entry(s.name.clone())
                .or_insert_with(|| vec![vec![0; nbins + 1]; nshell]);
            let col_sums = sums.entry(s.name.clone()).or_default();
            let mut cmap = vec![0.0f64; plan.npix];
            let srng = rng.substream(&[Key::Shell(i as u64), Key::Stage(&s.name)]);
            let bias = ArrayD::from_elem(IxDyn(&[]), sc.bias);
            let ngal = ArrayD::from_elem(IxDyn(&[]), s.ngal[i]);
            let mut batches = positions_from_delta(
                &ngal,
                &delta,
                Some(&bias),
                shared.vis.as_ref(),
                PositionsOptions {
                    bias_model: match sc.bias_model {
                        BiasKind::Linear => BiasModel::Linear,
                        BiasKind::Loglinear => BiasModel::Loglinear,
                    },
                    ..Default::default()
                },
                &srng,
            )?;
            let mut first = 0u64;
            add("galaxies", t);
            loop {
                let t = Instant::now();
                let Some(b) = batches.next() else { break };
                let b = b?;
                let n = b.count;
                let lon = host(&b.lon)?;
                let lat = host(&b.lat)?;
                let z = redshifts(
                    xp,
                    n,
                    shell,
                    &mut srng.substream(&[Key::Stage("redshifts")]).at(first),
                )?;
                let mut cols = Batch {
                    f: BTreeMap::new(),
                    i: BTreeMap::new(),
                };
                let ipix = pixels(plan.nside, &lon, &lat)?;
                if let Some(sp) = &sc.photoz {
                    let zp = gaussian_phz(
                        &z,
                        sp.sigma_0,
                        None,
                        None,
                        &mut srng.substream(&[Key::Stage("photoz")]).at(first),
                    )?;
                    let zp = host(&zp)?;
                    if let Some(bins) = &s.zbins {
                        let tb: Vec<i64> = zp
                            .iter()
                            .map(|&v| {
                                bins.iter()
                                    .enumerate()
                                    .position(|(j, &(lo, hi))| {
                                        v >= lo && (v < hi || (j + 1 == bins.len() && v <= hi))
                                    })
                                    .map_or(-1, |j| j as i64)
                            })
                            .collect();
                        for &b in &tb {
                            let j = if b < 0 { nbins } else { b as usize };
                            per_bin[i][j] += 1;
                        }
                        cols.i.insert("TOMO_BIN", tb);
                    }
                    cols.f.insert("Z_PHOT", zp);
                }
                if s.zbins.is_none() {
                    per_bin[i][0] += n as u64;
                }
                if let Some(sh) = &sc.shapes {
                    let mut srng_e = srng.substream(&[Key::Stage("shapes")]).at(first);
                    let eps = match sh.model {
                        ShapeModel::Intnorm => ellipticity_intnorm(xp, n, sh.sigma_e, &mut srng_e)?,
                        ShapeModel::Gaussian => {
                            ellipticity_gaussian(xp, n, sh.sigma_e, &mut srng_e)?
                        }
                        ShapeModel::Ryden04 => {
                            ellipticity_ryden04(xp, -1.85, 0.89, 0.222, 0.056, &[n], &mut srng_e)?
                        }
                    };
                    if sc.shear {
                        let (k, (g1, g2)) = match (&kappa, &gamma) {
                            (Some(k), Some(g)) => (k, g),
                            _ => {
                                return Err(CliError::Output(
                                    "galaxy shear without a shear map".into(),
                                ))
                            }
                        };
                        let g = galaxy_shear(
                            &b.lon,
                            &b.lat,
                            &eps,
                            k,
                            g1,
                            g2,
                            GalaxyShearOptions::default(),
                        )?;
                        cols.f.insert("G1", host(&g.real()?)?);
                        cols.f.insert("G2", host(&g.imag()?)?);
                    }
                    cols.f.insert("E1", host(&eps.real()?)?);
                    cols.f.insert("E2", host(&eps.imag()?)?);
                }
                let zh = host(&z)?;
                if let Some(kh) = &kappa_h {
                    cols.f
                        .insert("KAPPA", ipix.iter().map(|&p| kh[p as usize]).collect());
                }
                if let Some((g1, g2)) = &gamma_h {
                    cols.f
                        .insert("GAMMA1", ipix.iter().map(|&p| g1[p as usize]).collect());
                    cols.f
                        .insert("GAMMA2", ipix.iter().map(|&p| g2[p as usize]).collect());
                }
                for &p in &ipix {
                    cmap[p as usize] += 1.0;
                }
                let (hz, hb) = &mut fig.z[k];
                let room = HIST_MAX.saturating_sub(first as usize).min(n);
                hz.extend_from_slice(&zh[..room]);
                if let Some(tb) = cols.i.get("TOMO_BIN") {
                    hb.extend_from_slice(&tb[..room]);
                }
                cols.f
                    .insert("RA", lon.iter().map(|l| l.rem_euclid(360.0)).collect());
                cols.f.insert("DEC", lat);
                cols.f.insert("Z", zh);
                cols.i.insert("SHELL", vec![i as i64; n]);
                add("galaxies", t);

                let t = Instant::now();
                for (name, v) in &cols.f {
                    *col_sums.entry(name.to_string()).or_default() += v.iter().sum::<f64>();
                }
                for (name, v) in &cols.i {
                    *col_sums.entry(name.to_string()).or_default() +=
                        v.iter().map(|&x| x as f64).sum::<f64>();
                }
                if c.outputs.catalogue {
                    let names = s.columns.clone();
                    writer.submit(move |cats| {
                        if let Some(w) = &mut cats[k] {
                            let columns: Vec<(&str, Column<'_>)> = names
                                .iter()
                                .map(|name| {
                                    let col = match cols.f.get(name) {
                                        Some(v) => Column::F64(v),
                                        None => Column::I64(&cols.i[name]),
                                    };
                                    (*name, col)
                                })
                                .collect();
                            w.write(&columns)?;
                        }
                        Ok(None)
                    })?;
                }
                add("catalogue", t);
                first += n as u64;
            }
            shell_total += first;
            shell_counts.push((format!("COUNTS_{}", s.name.to_ascii_uppercase()), cmap));
        }

        // the shell's maps
        let t = Instant::now();
        let mut maps: Vec<(String, Vec<f64>)> = vec![("DELTA".into(), delta_h)];
        if let Some(k) = kappa_h {
            maps.push(("KAPPA".into(), k));
        }
        if let Some((g1, g2)) = gamma_h {
            maps.push(("GAMMA1".into(), g1));
            maps.push(("GAMMA2".into(), g2));
        }
        if let Some((a1, a2)) = &alpha {
            maps.push(("ALPHA1".into(), host(a1)?));
            maps.push(("ALPHA2".into(), host(a2)?));
        }
        maps.extend(shell_counts);
        // the maps as written: float32 unless asked otherwise; the moments
        // are those of the values in the file
        let single: Option<Vec<Vec<f32>>> = (c.outputs.map_dtype == MapDtype::Float32).then(|| {
            maps.iter()
                .map(|(_, m)| m.iter().map(|&v| v as f32).collect())
                .collect()
        });
        moments.push(match &single {
            Some(s) => maps
                .iter()
                .zip(s)
                .map(|((n, _), m)| (n.clone(), mean_var(m)))
                .collect::<BTreeMap<_, _>>(),
            None => maps
                .iter()
                .map(|(n, m)| (n.clone(), mean_var(m)))
                .collect::<BTreeMap<_, _>>(),
        });
        if i == plan.figure_shell && c.outputs.figures {
            let take = |name: &str| maps.iter().find(|(n, _)| n == name).map(|(_, m)| m.clone());
            fig.delta = take("DELTA").unwrap_or_default();
            fig.kappa = take("KAPPA");
            fig.counts = maps
                .iter()
                .filter(|(n, _)| n.starts_with("COUNTS_"))
                .cloned()
                .collect();
        }
        if c.outputs.maps {
            let p = dir.join("maps").join(format!("shell_{i:03}.fits"));
            let nside = plan.nside;
            // the writer gets the values as written only
            let (names, double): (Vec<String>, Vec<Vec<f64>>) = maps.into_iter().unzip();
            let double = if single.is_some() { Vec::new() } else { double };
            writer.submit(move |_| {
                let cols: Vec<(&str, Column<'_>)> = match &single {
                    Some(s) => names
                        .iter()
                        .zip(s)
                        .map(|(n, m)| (n.as_str(), Column::F32(m)))
                        .collect(),
                    None => names
                        .iter()
                        .zip(&double)
                        .map(|(n, m)| (n.as_str(), Column::F64(m)))
                        .collect(),
                };
                write_healpix_maps(&p, nside, &cols)?;
                Ok(Some(p))
            })?;
        }
        add("maps", t);

        let t = Instant::now();
        if let (true, Some(da)) = (c.outputs.spectra || c.outputs.figures, delta_alm) {
            alms.push(da);
        }
        if i == plan.figure_shell && c.outputs.figures {
            let ka = match (kappa_alm, &kappa) {
                (Some(ka), _) => Some(ka),
                (None, Some(k)) => Some(map2alm(k, Some(lmax), None, 0, weights.as_ref())?),
                (None, None) => None,
            };
            if let Some(ka) = &ka {
                fig.kk = Some(host(&alm2cl(ka, None, None)?)?);
            }
            if let Some((g1, g2)) = &gamma {
                let qu = xp.stack(&[g1, g2], 0)?;
                let eb = map2alm_spin(&qu, 2, Some(lmax), None, 0)?;
                let e = eb.get(&[glass::IndexItem::Int(0), glass::IndexItem::FULL])?;
                let b = eb.get(&[glass::IndexItem::Int(1), glass::IndexItem::FULL])?;
                fig.ee = Some(host(&alm2cl(&e, None, None)?)?);
                fig.bb = Some(host(&alm2cl(&b, None, None)?)?);
            }
        }
        add("spectra", t);
        progress.shell_done(r, i, nshell, shell_total);
    }

    let t = Instant::now();
    if c.outputs.catalogue {
        for (k, s) in plan.samples.iter().enumerate() {
            let p = dir.join(format!("catalogue_{}.fits", s.name));
            writer.submit(move |cats| {
                match cats[k].take() {
                    Some(w) => w.finish()?,
                    None => return Ok(None),
                }
                Ok(Some(p))
            })?;
        }
    }

    let mut measured = Vec::new();
    if alms.len() == nshell {
        for [a, b] in spectra_indices(nshell) {
            measured.push(host(&alm2cl(&alms[a], Some(&alms[b]), None)?)?);
        }
    }
    if c.outputs.spectra {
        let p = dir.join("cls_measured.npz");
        glass::save_cls(&p, &measured)?;
        files.push(p);
    }
    fig.cls = measured;
    add("spectra", t);

    // the figures, while the writer finishes the last files
    if c.outputs.figures {
        let t = Instant::now();
        files.extend(super::figures::draw(plan, shared, &fig, dir)?);
        add("figures", t);
    }

    // what the writer has left to do
    let t = Instant::now();
    let written = writer.finish()?;
    add("output_wait", t);
    seconds.insert("output_writer", written.write_seconds);
    seconds.insert("output_checksums", written.hash_seconds);
    files.extend(written.files);

    Ok(Report {
        files,
        sha256: written.sha256,
        counts,
        sums,
        moments,
        seconds,
    })
}
