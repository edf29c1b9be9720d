//! `glass::points` against golden data from Python GLASS 2026.4
//! (tools/reference/simulation_golden.py) for the deterministic functions,
//! and statistically for the samplers (fixed seeds, sizes that detect a 1%
//! error), plus error cases.

mod golden;

use glass::points::{
    effective_bias, linear_bias, loglinear_bias, position_weights, positions_from_delta,
    uniform_positions, BiasModel, PositionsOptions, ARCMIN2_SPHERE,
};
use glass::rng::Rng;
use glass::{Backend, DType, RadialWindow};
use golden::{assert_array_close, assert_close, Golden, CLOSED};
use ndarray::{ArrayD, IxDyn};

fn xp() -> Backend {
    Backend::embedded_ndarray().unwrap()
}

#[test]
fn constants_and_bias_match_glass() {
    let g = Golden::load("points");
    assert_close(
        "ARCMIN2_SPHERE",
        &[ARCMIN2_SPHERE],
        &[g.scalar("ARCMIN2_SPHERE")],
        1e-15,
    );
    let z = g.vec("eb.z");
    for i in 0..g.scalar("eb.n") as usize {
        let w = RadialWindow {
            za: g.vec(&format!("eb.w.{i}.za")),
            wa: g.vec(&format!("eb.w.{i}.wa")),
            zeff: g.scalar(&format!("eb.w.{i}.zeff")),
        };
        for b in ["bz1", "bz2"] {
            let got = effective_bias(&z, &g.vec(&format!("eb.{b}")), &w).unwrap();
            assert_close(
                &format!("eb.{i}.{b}"),
                &[got],
                &[g.scalar(&format!("eb.{i}.{b}"))],
                CLOSED,
            );
        }
    }
    let xp = xp();
    let delta = g.get("bias.delta");
    let d = xp
        .asarray(&delta.iter().copied().collect::<Vec<_>>(), delta.shape())
        .unwrap();
    let b = g.scalar("bias.b_scalar");
    let lin = linear_bias(&d, b).unwrap().to_vec::<f64>().unwrap();
    assert_close("linear.scalar", &lin, &g.vec("linear.scalar"), CLOSED);
    let log = loglinear_bias(&d, b).unwrap().to_vec::<f64>().unwrap();
    golden::assert_close_tol(
        "loglinear.scalar",
        &log,
        &g.vec("loglinear.scalar"),
        CLOSED,
        1e-15,
    );
    // edge cases: delta = -1 with b = 0 is NaN in GLASS (0 * -inf), as here
    let ed = g.vec("loglinear.edge_delta");
    let eb = g.vec("loglinear.edge_b");
    let want = g.vec("loglinear.edge");
    for i in 0..ed.len() {
        let got = loglinear_bias(&xp.asarray1(&[ed[i]]).unwrap(), eb[i])
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        golden::assert_close_tol(
            &format!("loglinear.edge[{i}]"),
            &got,
            &[want[i]],
            CLOSED,
            0.0,
        );
    }
}

#[test]
fn position_weights_match_glass() {
    let g = Golden::load("points");
    for d in ["d1", "d2"] {
        let dens = g.get(&format!("pw.{d}"));
        let r = position_weights(dens, None).unwrap();
        assert_array_close(
            &format!("pw.{d}.none"),
            &r,
            g.get(&format!("pw.{d}.none")),
            CLOSED,
            0.0,
        );
        let f = ArrayD::from_elem(IxDyn(&[]), 1.5);
        let r = position_weights(dens, Some(&f)).unwrap();
        assert_array_close(
            &format!("pw.{d}.float"),
            &r,
            g.get(&format!("pw.{d}.float")),
            CLOSED,
            0.0,
        );
        for b in ["bias1", "bias2"] {
            let r = position_weights(dens, Some(g.get(&format!("pw.{b}")))).unwrap();
            assert_array_close(
                &format!("pw.{d}.{b}"),
                &r,
                g.get(&format!("pw.{d}.{b}")),
                CLOSED,
                0.0,
            );
        }
    }
}

fn scalar(v: f64) -> ArrayD<f64> {
    ArrayD::from_elem(IxDyn(&[]), v)
}

/// Counts per pixel of a sample, from its positions.
fn counts_of(nside: i64, lon: &[f64], lat: &[f64]) -> Vec<u64> {
    let xp = xp();
    let theta: Vec<f64> = lat.iter().map(|b| (90.0 - b).to_radians()).collect();
    let phi: Vec<f64> = lon.iter().map(|l| l.to_radians()).collect();
    let pix = glass::healpix::ang2pix(
        nside,
        &xp.asarray1(&theta).unwrap(),
        &xp.asarray1(&phi).unwrap(),
        false,
    )
    .unwrap()
    .to_vec::<i64>()
    .unwrap();
    let mut c = vec![0u64; 12 * (nside * nside) as usize];
    for p in pix {
        c[p as usize] += 1;
    }
    c
}

/// Poisson counts per pixel with mean `ngal A_pix (1 + b δ)`: the total
/// within 4σ of its mean, the mean and variance of counts in two groups of
/// pixels (δ = -0.5 and δ = +1) within 1% (sizes: ~10^6 points), and every
/// point inside the pixel it was drawn for.
#[test]
fn positions_follow_the_density() {
    let xp = xp();
    let nside = 64i64;
    let npix = 12 * (nside * nside) as usize;
    let delta: Vec<f64> = (0..npix)
        .map(|i| if i % 2 == 0 { -0.5 } else { 1.0 })
        .collect();
    let dmap = xp.asarray1(&delta).unwrap();
    // mean 40 per pixel at delta = 0
    let ngal = 40.0 * npix as f64 / ARCMIN2_SPHERE;
    let rng = Rng::new(7);
    let mut lon = Vec::new();
    let mut lat = Vec::new();
    let mut total = 0;
    for b in positions_from_delta(
        &scalar(ngal),
        &dmap,
        None,
        None,
        PositionsOptions {
            batch: 100_000,
            ..Default::default()
        },
        &rng,
    )
    .unwrap()
    {
        let b = b.unwrap();
        assert!(b.count <= 100_000 && b.count > 0);
        assert!(b.population.is_empty());
        total += b.count;
        lon.extend(b.lon.to_vec::<f64>().unwrap());
        lat.extend(b.lat.to_vec::<f64>().unwrap());
    }
    assert_eq!(total, lon.len());
    let c = counts_of(nside, &lon, &lat);
    let expect_total: f64 = delta.iter().map(|d| 40.0 * (1.0 + d)).sum();
    assert!(
        ((total as f64) - expect_total).abs() < 4.0 * expect_total.sqrt(),
        "{total} vs {expect_total}"
    );
    for (parity, mean) in [(0, 20.0), (1, 80.0)] {
        let group: Vec<f64> = c
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, &n)| n as f64)
            .collect();
        let m = group.iter().sum::<f64>() / group.len() as f64;
        let v = group.iter().map(|n| (n - m) * (n - m)).sum::<f64>() / (group.len() - 1) as f64;
        assert!((m / mean - 1.0).abs() < 0.01, "mean {m} vs {mean}");
        // Poisson: variance = mean (1.2% standard error of the variance at these sizes)
        assert!((v / mean - 1.0).abs() < 0.05, "variance {v} vs {mean}");
    }
}

/// The same seed gives the same catalogue at any batch size.
#[test]
fn positions_do_not_depend_on_the_batch_size() {
    let xp = xp();
    let nside = 16i64;
    let npix = 12 * (nside * nside) as usize;
    let delta: Vec<f64> = (0..npix).map(|i| ((i as f64) * 0.37).sin() * 0.8).collect();
    let dmap = xp.asarray1(&delta).unwrap();
    let rng = Rng::new(3).substream(&[glass::rng::Key::Shell(2)]);
    let run = |batch: usize| -> (Vec<f64>, Vec<f64>, usize) {
        let mut lon = Vec::new();
        let mut lat = Vec::new();
        let mut n = 0;
        for b in positions_from_delta(
            &scalar(0.001),
            &dmap,
            Some(&scalar(1.3)),
            None,
            PositionsOptions {
                batch,
                bias_model: BiasModel::Loglinear,
                ..Default::default()
            },
            &rng,
        )
        .unwrap()
        {
            let b = b.unwrap();
            n += 1;
            lon.extend(b.lon.to_vec::<f64>().unwrap());
            lat.extend(b.lat.to_vec::<f64>().unwrap());
        }
        (lon, lat, n)
    };
    let (l1, b1, n1) = run(1_000_000);
    let (l2, b2, n2) = run(977);
    assert_eq!(n1, 1);
    assert!(n2 > 10);
    assert_eq!(l1, l2);
    assert_eq!(b1, b2);
}

/// Points are uniform in area inside their pixels: over many points the
/// fraction of points in the northern half (in z) of each pixel, measured
/// as the pixel's own ang2pix at a finer nside, is 1/2; here: the points of
/// one coarse pixel fill its 4^3 subpixels equally (chi-square).
#[test]
fn positions_are_uniform_inside_pixels() {
    let xp = xp();
    let nside = 4i64;
    let npix = 12 * (nside * nside) as usize;
    let dmap = xp.zeros(&[npix], DType::Float64).unwrap();
    let per_pixel = 64.0 * 300.0;
    let ngal = per_pixel * npix as f64 / ARCMIN2_SPHERE;
    let rng = Rng::new(11);
    let mut lon = Vec::new();
    let mut lat = Vec::new();
    for b in positions_from_delta(
        &scalar(ngal),
        &dmap,
        None,
        None,
        PositionsOptions::default(),
        &rng,
    )
    .unwrap()
    {
        let b = b.unwrap();
        lon.extend(b.lon.to_vec::<f64>().unwrap());
        lat.extend(b.lat.to_vec::<f64>().unwrap());
    }
    // counts in the nside-32 subpixels: all have the same expectation
    let c = counts_of(32, &lon, &lat);
    let n = lon.len() as f64;
    let e = n / c.len() as f64;
    let chi2: f64 = c.iter().map(|&k| (k as f64 - e).powi(2) / e).sum();
    let dof = (c.len() - 1) as f64;
    // 5 sigma of the chi-square distribution
    assert!(
        (chi2 - dof).abs() < 5.0 * (2.0 * dof).sqrt(),
        "chi2 {chi2} for {dof} dof"
    );
}

#[test]
fn positions_with_leading_axes_and_visibility() {
    let xp = xp();
    let nside = 8i64;
    let npix = 12 * (nside * nside) as usize;
    let dmap = xp.zeros(&[npix], DType::Float64).unwrap();
    // two populations; the second sees only half of the sky
    let ngal = ArrayD::from_shape_vec(IxDyn(&[2]), vec![1e-4, 2e-4]).unwrap();
    let vis: Vec<f64> = (0..npix)
        .map(|i| if i < npix / 2 { 1.0 } else { 0.0 })
        .collect();
    let vis = xp.asarray1(&vis).unwrap();
    let mut per_pop = [0usize; 2];
    for b in positions_from_delta(
        &ngal,
        &dmap,
        None,
        Some(&vis),
        PositionsOptions::default(),
        &Rng::new(1),
    )
    .unwrap()
    {
        let b = b.unwrap();
        per_pop[b.population[0]] += b.count;
        // every point lies in a visible pixel (the first half in RING order)
        let c = counts_of(
            nside,
            &b.lon.to_vec::<f64>().unwrap(),
            &b.lat.to_vec::<f64>().unwrap(),
        );
        let outside: u64 = c[npix / 2..].iter().sum();
        assert_eq!(outside, 0, "points outside the visible half");
    }
    let e0 = 1e-4 * ARCMIN2_SPHERE / 2.0;
    let e1 = 2e-4 * ARCMIN2_SPHERE / 2.0;
    assert!(
        (per_pop[0] as f64 - e0).abs() < 5.0 * e0.sqrt(),
        "{per_pop:?}"
    );
    assert!(
        (per_pop[1] as f64 - e1).abs() < 5.0 * e1.sqrt(),
        "{per_pop:?}"
    );
}

#[test]
fn uniform_positions_cover_the_sphere() {
    let xp = xp();
    let ngal = scalar(2e-3);
    let batches = uniform_positions(&xp, &ngal, &Rng::new(5)).unwrap();
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    let e = 2e-3 * ARCMIN2_SPHERE;
    assert!((b.count as f64 - e).abs() < 5.0 * e.sqrt());
    let lat = b.lat.to_vec::<f64>().unwrap();
    // uniform in area: sin(lat) uniform, mean 0 and mean square 1/3
    let s: Vec<f64> = lat.iter().map(|l| l.to_radians().sin()).collect();
    let n = s.len() as f64;
    let m = s.iter().sum::<f64>() / n;
    let m2 = s.iter().map(|v| v * v).sum::<f64>() / n;
    assert!(m.abs() < 5.0 / (3.0 * n).sqrt(), "{m}");
    assert!((m2 - 1.0 / 3.0).abs() < 0.01 / 3.0, "{m2}");
    let lon = b.lon.to_vec::<f64>().unwrap();
    assert!(lon.iter().all(|&l| (-180.0..180.0).contains(&l)));
}

#[test]
fn bad_inputs_are_named() {
    let xp = xp();
    let dmap = xp.zeros(&[768], DType::Float64).unwrap();
    let rng = Rng::new(0);
    let e = positions_from_delta(
        &scalar(-1.0),
        &dmap,
        None,
        None,
        PositionsOptions::default(),
        &rng,
    )
    .unwrap_err();
    assert!(e.to_string().contains("non-negative"), "{e}");
    let vis = xp.ones(&[3072], DType::Float64).unwrap();
    let e = positions_from_delta(
        &scalar(1.0),
        &dmap,
        None,
        Some(&vis),
        PositionsOptions::default(),
        &rng,
    )
    .unwrap_err();
    assert!(e.to_string().contains("vis"), "{e}");
    let bad = xp.zeros(&[700], DType::Float64).unwrap();
    let e = positions_from_delta(
        &scalar(1.0),
        &bad,
        None,
        None,
        PositionsOptions::default(),
        &rng,
    )
    .unwrap_err();
    assert!(e.to_string().contains("700"), "{e}");
    let e = uniform_positions(&xp, &scalar(f64::NAN), &rng).unwrap_err();
    assert!(e.to_string().contains("NaN"), "{e}");
}
