//! The figures of a realisation (PNG, through `glass-figures`), so that a
//! person sees at a glance that the run is right:
//!
//! - `maps.png`: Mollweide maps of δ, κ and the galaxy counts of one shell;
//! - `nz.png`: the redshifts of the catalogue per tomographic bin, against
//!   the bins' expected n(z) (GLASS `tomo_nz_gausserr`) and the input n(z);
//! - `cls.png`: the measured spectrum of every shell's δ map against the
//!   input (the discretized spectrum, with the pixel window), with the
//!   cosmic-variance band `C_l (1 ± √(2 / (2l + 1)))`;
//! - `shear.png`: the measured κκ, E- and B-mode spectra of the figure
//!   shell against the theory from the input spectra: `C^κκ = Σ_jk M_ij
//!   M_ik C_jk` with the multi-plane matrix `M`, and `C^EE = (l + 2)(l −
//!   1) / (l (l + 1)) C^κκ` times `(W_2 / W_0)²` when the shear is
//!   discretized (`C^BB = 0`).

use std::path::{Path, PathBuf};

use glass_figures::{mollweide, panels, Band, Curve, MapPanel, Panel, Scale, Style};

use super::plan::Plan;
use super::simulate::{FigureData, Shared};
use crate::error::io_err;
use crate::{CliError, CliResult};

fn fig_err(what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Output(format!("figure {what}: {e}"))
}

/// Writes `bytes` to `path` atomically (glass's one mechanism for it).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult<()> {
    Ok(glass::user::write_atomic(path, bytes)?)
}

/// The theory spectra (κκ, EE) of the figure shell.
fn theory(plan: &Plan, shared: &Shared) -> CliResult<(Vec<f64>, Vec<f64>)> {
    let m = glass::lensing::multi_plane_matrix(&plan.shells, &plan.cosmo)?;
    let f = plan.figure_shell;
    let n = plan.shells.len();
    let mut kk = vec![0.0; plan.lmax + 1];
    for j in 0..n {
        for k in 0..n {
            let w = m[[f, j]] * m[[f, k]];
            if w == 0.0 {
                continue;
            }
            let cl = glass::fields::getcl(&shared.cls, j, k, Some(plan.lmax))?;
            for (l, v) in cl.iter().enumerate().take(plan.lmax + 1) {
                kk[l] += w * v;
            }
        }
    }
    let (pw0, pw2) = glass::healpix::pixwin(plan.nside, Some(plan.lmax), true)?;
    let ee = kk
        .iter()
        .enumerate()
        .map(|(l, v)| {
            if l < 2 {
                return 0.0;
            }
            let lf = l as f64;
            let spin = (lf + 2.0) * (lf - 1.0) / (lf * (lf + 1.0));
            let pw = match (&pw2, plan.config().lensing.discretized) {
                (Some(p2), true) if pw0[l] != 0.0 => (p2[l] / pw0[l]).powi(2),
                _ => 1.0,
            };
            spin * v * pw
        })
        .collect();
    Ok((kk, ee))
}

/// Draws the figures of one realisation into `dir/figures/`; returns the
/// files written.
pub fn draw(plan: &Plan, shared: &Shared, fig: &FigureData, dir: &Path) -> CliResult<Vec<PathBuf>> {
    let out = dir.join("figures");
    std::fs::create_dir_all(&out).map_err(io_err(&out))?;
    let mut files = Vec::new();
    let nside = plan.nside;
    let pixel = move |theta: f64, phi: f64| {
        glass_healpix::pixel::ang2pix(nside, &[theta], &[phi], false)
            .ok()
            .and_then(|p| p.first().copied())
            .map_or(usize::MAX, |p| p as usize)
    };
    let f = plan.figure_shell;
    let w = &plan.shells[f];
    let zr = format!(
        "shell {f} (z {:.2}–{:.2})",
        w.za[0],
        w.za.last().copied().unwrap_or(f64::NAN)
    );

    // maps
    let t_delta = format!("δ, {zr}");
    let t_kappa = format!("κ, {zr}");
    let titles: Vec<String> = fig
        .counts
        .iter()
        .map(|(n, _)| {
            format!(
                "galaxy counts, sample {}, {zr}",
                plan.samples
                    .iter()
                    .find(|s| format!("COUNTS_{}", s.name.to_ascii_uppercase()) == *n)
                    .map_or("", |s| s.name.as_str())
            )
        })
        .collect();
    let mut mp = vec![MapPanel {
        title: &t_delta,
        values: &fig.delta,
        pixel: &pixel,
        scale: Scale::Symmetric,
        label: "δ",
    }];
    if let Some(k) = &fig.kappa {
        mp.push(MapPanel {
            title: &t_kappa,
            values: k,
            pixel: &pixel,
            scale: Scale::Symmetric,
            label: "κ",
        });
    }
    for ((_, c), t) in fig.counts.iter().zip(&titles) {
        mp.push(MapPanel {
            title: t,
            values: c,
            pixel: &pixel,
            scale: Scale::Log1p,
            label: "galaxies per pixel",
        });
    }
    let png = mollweide(&mp, 1200).map_err(|e| fig_err("maps.png", e))?;
    let p = out.join("maps.png");
    write_atomic(&p, &png)?;
    files.push(p);

    // n(z)
    let mut nz_data: Vec<(String, Vec<NamedCurve>)> = Vec::new();
    for (k, s) in plan.samples.iter().enumerate() {
        let (zs, bins) = &fig.z[k];
        if zs.is_empty() {
            continue;
        }
        let total = glass::arraytools::trapezoid(&s.dndz, &s.z)?;
        let (zlo, zhi) = (s.z[0], s.z[s.z.len() - 1]);
        let nb = 40;
        let edges: Vec<f64> = (0..=nb)
            .map(|i| zlo + (zhi - zlo) * i as f64 / nb as f64)
            .collect();
        let dz = (zhi - zlo) / nb as f64;
        let hist = |sel: &dyn Fn(usize) -> bool| -> Vec<f64> {
            let mut h = vec![0.0; nb];
            for (i, &z) in zs.iter().enumerate() {
                if sel(i) {
                    let b = (((z - zlo) / dz) as usize).min(nb - 1);
                    h[b] += 1.0;
                }
            }
            h.iter().map(|c| c / (zs.len() as f64 * dz)).collect()
        };
        let mut curves = Vec::new();
        let input: Vec<f64> = s.dndz.iter().map(|v| v / total).collect();
        match (&s.zbins, &s.tomo_nz) {
            (Some(zb), Some(tnz)) => {
                for b in 0..zb.len() {
                    let h = hist(&|i| bins.get(i) == Some(&(b as i64)));
                    curves.push((format!("bin {b}: catalogue"), edges.clone(), h, Style::Step));
                    let e: Vec<f64> = tnz.row(b).iter().map(|v| v / total).collect();
                    curves.push((format!("bin {b}: expected"), s.z.clone(), e, Style::Line));
                }
            }
            _ => {
                curves.push((
                    "catalogue".into(),
                    edges.clone(),
                    hist(&|_| true),
                    Style::Step,
                ));
            }
        }
        let held: Vec<f64> = s.nz_shells.iter().map(|v| v / total).collect();
        curves.push((
            "n(z) the shells hold".into(),
            s.z.clone(),
            held,
            Style::Line,
        ));
        curves.push(("input n(z)".into(), s.z.clone(), input, Style::Dashed));
        nz_data.push((format!("n(z) of sample {}", s.name), curves));
    }
    if !nz_data.is_empty() {
        let np: Vec<Panel<'_>> = nz_data
            .iter()
            .map(|(t, cs)| Panel {
                title: t,
                xlabel: "z",
                ylabel: "normalised n(z)",
                log_x: false,
                log_y: false,
                curves: cs
                    .iter()
                    .map(|(l, x, y, st)| Curve {
                        label: l,
                        x,
                        y,
                        style: *st,
                    })
                    .collect(),
                bands: Vec::new(),
            })
            .collect();
        let png = panels("Redshift distributions", &np, 1, (900, 500))
            .map_err(|e| fig_err("nz.png", e))?;
        let p = out.join("nz.png");
        write_atomic(&p, &png)?;
        files.push(p);
    }

    // spectra per shell
    let n = plan.shells.len();
    let ell: Vec<f64> = (0..=plan.lmax).map(|l| l as f64).collect();
    let mut per_shell = Vec::new();
    for i in 0..n {
        let k = i * (i + 1) / 2;
        let input = shared.cls[k][..=plan.lmax.min(shared.cls[k].len() - 1)].to_vec();
        let measured = fig.cls.get(k).cloned().unwrap_or_default();
        let lo: Vec<f64> = input
            .iter()
            .enumerate()
            .map(|(l, c)| c * (1.0 - (2.0 / (2.0 * l as f64 + 1.0)).sqrt()).max(1e-3))
            .collect();
        let hi: Vec<f64> = input
            .iter()
            .enumerate()
            .map(|(l, c)| c * (1.0 + (2.0 / (2.0 * l as f64 + 1.0)).sqrt()))
            .collect();
        per_shell.push((
            format!("shell {i} (zeff {:.2})", plan.shells[i].zeff),
            input,
            measured,
            lo,
            hi,
        ));
    }
    let np: Vec<Panel<'_>> = per_shell
        .iter()
        .map(|(t, input, measured, lo, hi)| Panel {
            title: t,
            xlabel: "l",
            ylabel: "C_l",
            log_x: true,
            log_y: true,
            curves: vec![
                Curve {
                    label: "measured",
                    x: &ell[1..measured.len().max(1)],
                    y: &measured[1.min(measured.len())..],
                    style: Style::Line,
                },
                Curve {
                    label: "input",
                    x: &ell[1..input.len()],
                    y: &input[1..],
                    style: Style::Dashed,
                },
            ],
            bands: vec![Band {
                label: "cosmic variance",
                x: &ell[1..input.len()],
                lo: &lo[1..],
                hi: &hi[1..],
            }],
        })
        .collect();
    let png = panels("Matter spectra: measured against input", &np, 3, (480, 360))
        .map_err(|e| fig_err("cls.png", e))?;
    let p = out.join("cls.png");
    write_atomic(&p, &png)?;
    files.push(p);

    // lensing spectra of the figure shell
    if let (Some(kk), Some(ee), Some(bb)) = (&fig.kk, &fig.ee, &fig.bb) {
        let (tkk, tee) = theory(plan, shared)?;
        let l2 = &ell[2..];
        let kk_title = format!("κκ, {zr}");
        let ee_title = format!("shear E and B modes, {zr}");
        let np = vec![
            Panel {
                title: &kk_title,
                xlabel: "l",
                ylabel: "C_l",
                log_x: true,
                log_y: true,
                curves: vec![
                    Curve {
                        label: "measured κκ",
                        x: l2,
                        y: &kk[2..],
                        style: Style::Line,
                    },
                    Curve {
                        label: "theory κκ",
                        x: l2,
                        y: &tkk[2..],
                        style: Style::Dashed,
                    },
                ],
                bands: Vec::new(),
            },
            Panel {
                title: &ee_title,
                xlabel: "l",
                ylabel: "C_l",
                log_x: true,
                log_y: true,
                curves: vec![
                    Curve {
                        label: "measured EE",
                        x: l2,
                        y: &ee[2..],
                        style: Style::Line,
                    },
                    Curve {
                        label: "theory EE",
                        x: l2,
                        y: &tee[2..],
                        style: Style::Dashed,
                    },
                    Curve {
                        label: "measured BB",
                        x: l2,
                        y: &bb[2..],
                        style: Style::Points,
                    },
                ],
                bands: Vec::new(),
            },
        ];
        let png = panels("Weak lensing: measured against theory", &np, 2, (560, 420))
            .map_err(|e| fig_err("shear.png", e))?;
        let p = out.join("shear.png");
        write_atomic(&p, &png)?;
        files.push(p);
    }
    Ok(files)
}

/// A curve's label, x, y and style, owned.
type NamedCurve = (String, Vec<f64>, Vec<f64>, Style);
