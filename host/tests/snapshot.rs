//! One simulated universe, the same on every backend: a small GLASS
//! scenario (nside 32, three lognormal shells with ncorr 2, multi-plane
//! lensing with shear, about 10^5 galaxies with positions, redshifts,
//! intrinsic ellipticities and reduced shear) runs on the ndarray and the
//! strict backend and must match **one** insta snapshot,
//! `snapshots/simulation.snap` at the repository root.
//!
//! Integers (galaxy counts per shell and batch) are exact; floats are
//! written with 9 significant digits (values below 1e-10 of their column's
//! largest magnitude as 0). The largest difference between the two
//! backends, relative to each column's largest value, is measured here and
//! printed with `--nocapture` (2.1e-14 when this was written; the test
//! fails above 1e-10): the rounding is five decades coarser, so a backend
//! that agrees to round-off flips a digit only at a rounding boundary
//! (about 1e-5 per value).
//!
//! The third-party example backend (examples/third-party-backend) is not
//! part of the run: it implements float64 only, and the alm of the
//! transforms are complex128, so it answers Unsupported at the first
//! transform.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test -p
//! glass --test snapshot`, then review the diff of the .snap file.

mod common;

use glass::fields::{generate, GenerateOptions};
use glass::galaxies::{galaxy_shear, redshifts, GalaxyShearOptions};
use glass::grf::{Lognormal, Transformation};
use glass::lensing::{from_convergence, FromConvergenceOptions, MultiPlaneConvergence};
use glass::points::{positions_from_delta, PositionsOptions, ARCMIN2_SPHERE};
use glass::rng::{Key, Rng};
use glass::shapes::ellipticity_intnorm;
use glass::shells::{redshift_grid, tophat_windows, GridStep, WindowOptions};
use glass::{Array, Backend};
use ndarray::{ArrayD, IxDyn};

const NSIDE: i64 = 32;
const LMAX: usize = 64;

/// Everything the scenario produces, on the host.
#[derive(Default)]
struct Universe {
    /// Per shell: (name, values) of the maps and catalogue columns.
    columns: Vec<Vec<(&'static str, Vec<f64>)>>,
    /// Per shell: the sizes of the batches.
    batches: Vec<Vec<usize>>,
}

fn gls() -> Vec<Vec<f64>> {
    // Gaussian spectra of three shells, neighbours correlated at 0.5,
    // shells 0 and 2 at 0.2 (GLASS order: 00, 11, 10, 22, 21, 20)
    let auto = |a: f64| -> Vec<f64> {
        (0..=LMAX)
            .map(|l| {
                if l == 0 {
                    0.0
                } else {
                    a / (1.0 + l as f64).powf(1.3)
                }
            })
            .collect()
    };
    let c = [auto(0.02), auto(0.015), auto(0.01)];
    let x = |i: usize, j: usize, r: f64| -> Vec<f64> {
        (0..=LMAX).map(|l| r * (c[i][l] * c[j][l]).sqrt()).collect()
    };
    vec![
        c[0].clone(),
        c[1].clone(),
        x(1, 0, 0.5),
        c[2].clone(),
        x(2, 1, 0.5),
        x(2, 0, 0.2),
    ]
}

fn simulate(xp: &Backend) -> Universe {
    let cosmo = glass::cosmology::LambdaCdm::flat(70.0, 0.3).unwrap();
    let zb = redshift_grid(0.0, 1.2, GridStep::Num(3)).unwrap();
    let shells = tophat_windows(&zb, WindowOptions::default()).unwrap();
    let fields: Vec<Box<dyn Transformation>> = (0..3)
        .map(|_| Box::new(Lognormal::new(1.0)) as Box<dyn Transformation>)
        .collect();
    let gls = gls();
    let rng = Rng::new(20261202).substream(&[Key::Realisation(0)]);
    let matter = generate(
        xp,
        &fields,
        &gls,
        NSIDE,
        GenerateOptions { ncorr: Some(2) },
        &rng,
    )
    .unwrap();
    let mut conv = MultiPlaneConvergence::new(&cosmo);
    // about 10^5 galaxies in all
    let ngal = ArrayD::from_elem(IxDyn(&[]), 1.1e5 / 3.0 / ARCMIN2_SPHERE);
    let mut u = Universe::default();
    for (i, delta) in matter.enumerate() {
        let delta = delta.unwrap();
        conv.add_window(&delta, &shells[i]).unwrap();
        let kappa = conv.kappa().unwrap().clone();
        let maps = from_convergence(
            &kappa,
            Some(LMAX),
            FromConvergenceOptions {
                shear: true,
                ..Default::default()
            },
        )
        .unwrap();
        let gamma = maps.shear.unwrap();
        let (g1, g2) = (gamma.real().unwrap(), gamma.imag().unwrap());
        let shell_rng = rng.substream(&[Key::Shell(i as u64)]);
        let mut cols: Vec<(&'static str, Vec<f64>)> = vec![
            ("delta", delta.to_vec().unwrap()),
            ("kappa", kappa.to_vec().unwrap()),
            ("gamma1", g1.to_vec().unwrap()),
            ("gamma2", g2.to_vec().unwrap()),
        ];
        let mut cat: [Vec<f64>; 7] = Default::default();
        let mut sizes = Vec::new();
        let mut first = 0u64;
        let batches = positions_from_delta(
            &ngal,
            &delta,
            Some(&ArrayD::from_elem(IxDyn(&[]), 1.5)),
            None,
            PositionsOptions {
                batch: 20_000,
                ..Default::default()
            },
            &shell_rng,
        )
        .unwrap();
        for b in batches {
            let b = b.unwrap();
            sizes.push(b.count);
            let z = redshifts(
                xp,
                b.count,
                &shells[i],
                &mut shell_rng.substream(&[Key::Stage("redshifts")]).at(first),
            )
            .unwrap();
            let eps = ellipticity_intnorm(
                xp,
                b.count,
                0.26,
                &mut shell_rng.substream(&[Key::Stage("shapes")]).at(first),
            )
            .unwrap();
            let she = galaxy_shear(
                &b.lon,
                &b.lat,
                &eps,
                &kappa,
                &g1,
                &g2,
                GalaxyShearOptions::default(),
            )
            .unwrap();
            let parts: [&Array; 3] = [&b.lon, &b.lat, &z];
            for (k, a) in parts.iter().enumerate() {
                cat[k].extend(a.to_vec::<f64>().unwrap());
            }
            cat[3].extend(eps.real().unwrap().to_vec::<f64>().unwrap());
            cat[4].extend(eps.imag().unwrap().to_vec::<f64>().unwrap());
            cat[5].extend(she.real().unwrap().to_vec::<f64>().unwrap());
            cat[6].extend(she.imag().unwrap().to_vec::<f64>().unwrap());
            first += b.count as u64;
        }
        for (name, c) in ["lon", "lat", "z", "eps1", "eps2", "e1", "e2"]
            .into_iter()
            .zip(cat)
        {
            cols.push((name, c));
        }
        u.columns.push(cols);
        u.batches.push(sizes);
    }
    u
}

/// 9 significant digits; values below 1e-10 of the column's largest
/// magnitude are round-off (a mean of a zero-monopole map) and written 0.
fn sig(v: f64, scale: f64) -> String {
    if v.abs() <= 1e-10 * scale {
        return "0".into();
    }
    format!("{v:.8e}")
}

/// The snapshot text: counts exactly; per column its mean, standard
/// deviation, minimum and maximum, and its first and last five values.
fn render(u: &Universe) -> String {
    let mut s = String::new();
    for (i, (cols, sizes)) in u.columns.iter().zip(&u.batches).enumerate() {
        let n: usize = sizes.iter().sum();
        s += &format!("shell {i}: {n} galaxies in batches {sizes:?}\n");
        for (name, c) in cols {
            let scale = c.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let f = |v: f64| sig(v, scale);
            let m = c.iter().sum::<f64>() / c.len() as f64;
            let sd = (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / c.len() as f64).sqrt();
            let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            s += &format!(
                "  {name}: mean {} sd {} min {} max {}\n",
                f(m),
                f(sd),
                f(lo),
                f(hi)
            );
            let head: Vec<String> = c.iter().take(5).map(|v| f(*v)).collect();
            let tail: Vec<String> = c.iter().rev().take(5).rev().map(|v| f(*v)).collect();
            s += &format!(
                "    first {}\n    last  {}\n",
                head.join(" "),
                tail.join(" ")
            );
        }
    }
    s
}

fn max_rel_diff(a: &Universe, b: &Universe) -> f64 {
    let mut d = 0.0f64;
    for (ca, cb) in a.columns.iter().zip(&b.columns) {
        for ((na, va), (nb, vb)) in ca.iter().zip(cb) {
            assert_eq!(na, nb);
            assert_eq!(va.len(), vb.len(), "{na}: lengths differ");
            let scale = va.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
            for (x, y) in va.iter().zip(vb) {
                d = d.max((x - y).abs() / scale);
            }
        }
    }
    d
}

fn check(u: &Universe) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("simulation", render(u)));
}

#[test]
fn one_universe_on_every_backend() {
    let nd = simulate(&Backend::embedded_ndarray().unwrap());
    let total: usize = nd.batches.iter().flatten().sum();
    assert!((90_000..130_000).contains(&total), "{total} galaxies");
    check(&nd);
    let strict = simulate(&common::load("strict"));
    assert_eq!(
        nd.batches, strict.batches,
        "galaxy counts differ between ndarray and strict"
    );
    let d = max_rel_diff(&nd, &strict);
    println!("largest difference ndarray - strict, relative to each column's largest value: {d:e}");
    assert!(d < 1e-10, "ndarray and strict differ by {d:e}");
    check(&strict);
}
