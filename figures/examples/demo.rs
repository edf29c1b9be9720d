//! Writes /tmp/figures-demo-map.png and /tmp/figures-demo-spectra.png.
//!
//! `cargo run -p glass-figures --example demo`

use std::f64::consts::{PI, TAU};

use glass_figures::{mollweide, panels, Band, Curve, MapPanel, Panel, Scale, Style};

/// Equal-angle grid of `nt x np` cells standing in for HEALPix.
fn grid(nt: usize, np: usize) -> impl Fn(f64, f64) -> usize {
    move |theta: f64, phi: f64| {
        let i = ((theta / PI * nt as f64) as usize).min(nt - 1);
        let j = ((phi / TAU * np as f64) as usize).min(np - 1);
        i * np + j
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (nt, np) = (180, 360);
    let pixel = grid(nt, np);
    let mut delta = Vec::with_capacity(nt * np);
    let mut counts = Vec::with_capacity(nt * np);
    let mut seed = 12345u64;
    let mut rnd = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..nt {
        let theta = (i as f64 + 0.5) / nt as f64 * PI;
        for j in 0..np {
            let phi = (j as f64 + 0.5) / np as f64 * TAU;
            let d = 0.6 * (3.0 * theta).sin() * (2.0 * phi).cos()
                + 0.3 * theta.cos()
                + 0.2 * (rnd() - 0.5);
            // A masked stripe (NaN) around phi = 0 in the south.
            delta.push(if theta > 2.3 && phi < 0.5 {
                f64::NAN
            } else {
                d
            });
            counts.push((20.0 * (1.0 + d).max(0.0) * rnd()).floor());
        }
    }
    let map = mollweide(
        &[
            MapPanel {
                title: "δ, shell 5 (z 0.50–0.60)",
                values: &delta,
                pixel: &pixel,
                scale: Scale::Symmetric,
                label: "δ",
            },
            MapPanel {
                title: "galaxy counts, shell 5",
                values: &counts,
                pixel: &pixel,
                scale: Scale::Log1p,
                label: "N",
            },
        ],
        1200,
    )?;
    std::fs::write("/tmp/figures-demo-map.png", map)?;

    let ell: Vec<f64> = (0..=300).map(|l| l as f64).collect();
    let cl: Vec<f64> = ell
        .iter()
        .map(|&l| 1e-4 / (1.0 + l / 20.0).powi(2))
        .collect();
    let cl_meas: Vec<f64> = ell
        .iter()
        .zip(&cl)
        .map(|(&l, &c)| c * (1.0 + (l * 1.7).sin() / (1.0 + l).sqrt()))
        .collect();
    let lo: Vec<f64> = ell
        .iter()
        .zip(&cl)
        .map(|(&l, &c)| c * (1.0 - (2.0 / (2.0 * l + 1.0)).sqrt()))
        .collect();
    let hi: Vec<f64> = ell
        .iter()
        .zip(&cl)
        .map(|(&l, &c)| c * (1.0 + (2.0 / (2.0 * l + 1.0)).sqrt()))
        .collect();
    let z_edges: Vec<f64> = (0..=20).map(|i| i as f64 * 0.1).collect();
    let nz: Vec<f64> = (0..20)
        .map(|i| {
            let z = (i as f64 + 0.5) * 0.1;
            z * z * (-(z / 0.5f64).powf(1.5)).exp()
        })
        .collect();
    let z: Vec<f64> = (0..200).map(|i| i as f64 * 0.01).collect();
    let nz_true: Vec<f64> = z
        .iter()
        .map(|&z| z * z * (-(z / 0.5f64).powf(1.5)).exp())
        .collect();
    let pdf_x: Vec<f64> = (0..60).map(|i| -1.0 + i as f64 * 0.1).collect();
    let pdf: Vec<f64> = pdf_x
        .iter()
        .map(|&x| (-(x - 0.2f64).powi(2) / 0.3).exp())
        .collect();
    let pdf_pts: Vec<f64> = pdf_x
        .iter()
        .zip(&pdf)
        .map(|(&x, &p)| p * (1.0 + 0.1 * (9.0 * x).sin()))
        .collect();

    let png = panels(
        "glass run: shell 5 checks",
        &[
            Panel {
                title: "angular power spectrum",
                xlabel: "multipole ℓ",
                ylabel: "C_ℓ",
                log_x: true,
                log_y: true,
                curves: vec![
                    Curve {
                        label: "theory",
                        x: &ell,
                        y: &cl,
                        style: Style::Line,
                    },
                    Curve {
                        label: "measured",
                        x: &ell,
                        y: &cl_meas,
                        style: Style::Dashed,
                    },
                ],
                bands: vec![Band {
                    label: "cosmic variance",
                    x: &ell,
                    lo: &lo,
                    hi: &hi,
                }],
            },
            Panel {
                title: "redshift distribution",
                xlabel: "z",
                ylabel: "n(z)",
                log_x: false,
                log_y: false,
                curves: vec![
                    Curve {
                        label: "sampled",
                        x: &z_edges,
                        y: &nz,
                        style: Style::Step,
                    },
                    Curve {
                        label: "input",
                        x: &z,
                        y: &nz_true,
                        style: Style::Line,
                    },
                ],
                bands: vec![],
            },
            Panel {
                title: "one-point distribution",
                xlabel: "δ",
                ylabel: "p(δ)",
                log_x: false,
                log_y: true,
                curves: vec![
                    Curve {
                        label: "lognormal",
                        x: &pdf_x,
                        y: &pdf,
                        style: Style::Line,
                    },
                    Curve {
                        label: "map",
                        x: &pdf_x,
                        y: &pdf_pts,
                        style: Style::Points,
                    },
                ],
                bands: vec![],
            },
            Panel {
                title: "empty",
                xlabel: "x",
                ylabel: "y",
                log_x: false,
                log_y: false,
                curves: vec![Curve {
                    label: "nan",
                    x: &[f64::NAN],
                    y: &[1.0],
                    style: Style::Line,
                }],
                bands: vec![],
            },
        ],
        2,
        (480, 360),
    )?;
    std::fs::write("/tmp/figures-demo-spectra.png", png)?;
    println!("wrote /tmp/figures-demo-map.png and /tmp/figures-demo-spectra.png");
    Ok(())
}
