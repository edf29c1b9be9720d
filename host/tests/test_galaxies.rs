//! `glass::galaxies` and `glass::shapes`: golden data from Python GLASS
//! 2026.4 (tools/reference/simulation_golden.py) for `galaxy_shear` and
//! `triaxial_axis_ratio`, statistical checks of the samplers (KS tests
//! against analytic distributions and against GLASS's own samples, at
//! sizes that detect a 1% error), and error cases.

mod golden;

use std::collections::BTreeMap;

use glass::galaxies::{
    galaxy_shear, gaussian_phz, redshifts, redshifts_from_bins, redshifts_from_nz,
    GalaxyShearOptions,
};
use glass::rng::Rng;
use glass::shapes::{
    ellipticity_gaussian, ellipticity_intnorm, ellipticity_ryden04, resample_shapes,
    triaxial_axis_ratio, triaxial_axis_ratio_from, ResampleOptions,
};
use glass::{Array, Backend, DType, RadialWindow};
use golden::{assert_close_tol, Golden, CLOSED};
use ndarray::{ArrayD, IxDyn};
use num_complex::Complex64;

fn xp() -> Backend {
    Backend::embedded_ndarray().unwrap()
}

fn cx(xp: &Backend, re: &[f64], im: &[f64]) -> Array {
    let v: Vec<Complex64> = re
        .iter()
        .zip(im)
        .map(|(&a, &b)| Complex64::new(a, b))
        .collect();
    xp.asarray1(&v).unwrap()
}

fn re_im(a: &Array) -> (Vec<f64>, Vec<f64>) {
    (
        a.real().unwrap().to_vec().unwrap(),
        a.imag().unwrap().to_vec().unwrap(),
    )
}

#[test]
fn galaxy_shear_matches_glass() {
    let g = Golden::load("galaxies");
    let xp = xp();
    let m = |n: &str| xp.asarray1(&g.vec(n)).unwrap();
    let (kappa, g1, g2) = (m("kappa"), m("gamma1"), m("gamma2"));
    let eps = cx(&xp, &g.vec("gs.eps.re"), &g.vec("gs.eps.im"));
    let (lon, lat) = (m("gs.lon"), m("gs.lat"));
    let r = galaxy_shear(
        &lon,
        &lat,
        &eps,
        &kappa,
        &g1,
        &g2,
        GalaxyShearOptions::default(),
    )
    .unwrap();
    let (re, im) = re_im(&r);
    assert_close_tol("gs.reduced.re", &re, &g.vec("gs.reduced.re"), CLOSED, 1e-15);
    assert_close_tol("gs.reduced.im", &im, &g.vec("gs.reduced.im"), CLOSED, 1e-15);
    let r = galaxy_shear(
        &lon,
        &lat,
        &eps,
        &kappa,
        &g1,
        &g2,
        GalaxyShearOptions {
            reduced_shear: false,
        },
    )
    .unwrap();
    let (re, im) = re_im(&r);
    assert_close_tol("gs.plain.re", &re, &g.vec("gs.plain.re"), CLOSED, 1e-15);
    assert_close_tol("gs.plain.im", &im, &g.vec("gs.plain.im"), CLOSED, 1e-15);
}

/// |g| >= 1: GLASS keeps the weak-lensing formula; here the strong-lensing
/// branch `(1 + g ε*) / (ε* + g*)` is used, which keeps |ε| <= 1 for
/// |ε_s| <= 1 (GLASS's gives |ε| > 1 there).
#[test]
fn galaxy_shear_beyond_the_critical_curve() {
    let xp = xp();
    let npix = 12;
    let kappa = xp.asarray1(&[0.2; 12]).unwrap();
    let g1 = xp.asarray1(&[1.2; 12]).unwrap();
    let g2 = xp.zeros(&[npix], DType::Float64).unwrap();
    let lon = xp.asarray1(&[10.0, 100.0]).unwrap();
    let lat = xp.asarray1(&[30.0, -40.0]).unwrap();
    let eps = cx(&xp, &[0.2, 0.0], &[-0.1, 0.0]);
    let r = galaxy_shear(
        &lon,
        &lat,
        &eps,
        &kappa,
        &g1,
        &g2,
        GalaxyShearOptions::default(),
    )
    .unwrap();
    let v = r.to_vec::<Complex64>().unwrap();
    let gr = Complex64::new(1.2 / 0.8, 0.0);
    let e0 = Complex64::new(0.2, -0.1);
    let want0 = (Complex64::new(1.0, 0.0) + gr * e0.conj()) / (e0.conj() + gr.conj());
    assert!((v[0] - want0).norm() < 1e-14, "{} vs {want0}", v[0]);
    // a round source stays on the unit circle's inside: 1 / g*
    assert!((v[1] - Complex64::new(1.0, 0.0) / gr.conj()).norm() < 1e-14);
    assert!(v.iter().all(|e| e.norm() <= 1.0));
}

#[test]
fn triaxial_axis_ratio_matches_glass() {
    let g = Golden::load("shapes");
    let xp = xp();
    for case in ["scalar", "array", "broadcast", "size2d"] {
        let get = |n: &str| g.get(&format!("triaxial.{case}.{n}"));
        let arr = |a: &ArrayD<f64>| {
            xp.asarray(&a.iter().copied().collect::<Vec<_>>(), a.shape())
                .unwrap()
        };
        let q = triaxial_axis_ratio_from(
            &arr(get("zeta")),
            &arr(get("xi")),
            &arr(get("u_cos")),
            &arr(get("u_phi")),
        )
        .unwrap();
        let want = get("q");
        assert_eq!(q.shape(), want.shape(), "{case}");
        assert_close_tol(
            &format!("triaxial.{case}"),
            &q.to_vec::<f64>().unwrap(),
            &g.vec(&format!("triaxial.{case}.q")),
            CLOSED,
            1e-14,
        );
    }
}

/// Two-sample Kolmogorov-Smirnov statistic.
fn ks2(a: &mut [f64], b: &mut [f64]) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            i += 1;
        } else {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The critical two-sample KS distance at significance ~1e-4
/// (c(α) = sqrt(-ln(α/2)/2) = 2.23).
fn ks2_limit(n: usize, m: usize) -> f64 {
    2.23 * (((n + m) as f64) / (n as f64 * m as f64)).sqrt()
}

fn modulus(a: &Array) -> Vec<f64> {
    a.abs().unwrap().to_vec::<f64>().unwrap()
}

#[test]
fn ellipticities_match_glass_samples() {
    let g = Golden::load("shapes");
    let xp = xp();
    let n = 100_000;
    let glass_abs = |name: &str| -> Vec<f64> {
        let re = g.vec(&format!("samples.{name}.re"));
        let im = g.vec(&format!("samples.{name}.im"));
        re.iter().zip(&im).map(|(a, b)| a.hypot(*b)).collect()
    };
    let glass_re = |name: &str| g.vec(&format!("samples.{name}.re"));
    let cases: Vec<(&str, Array)> = vec![
        (
            "gaussian",
            ellipticity_gaussian(&xp, n, 0.3, &mut Rng::new(1)).unwrap(),
        ),
        (
            "intnorm",
            ellipticity_intnorm(&xp, n, 0.26, &mut Rng::new(2)).unwrap(),
        ),
        (
            "ryden04",
            ellipticity_ryden04(&xp, -2.2, 0.5, 0.1, 0.15, &[n], &mut Rng::new(3)).unwrap(),
        ),
    ];
    for (name, e) in cases {
        let mut ours = modulus(&e);
        let mut theirs = glass_abs(name);
        let d = ks2(&mut ours, &mut theirs);
        let lim = ks2_limit(ours.len(), theirs.len());
        assert!(d < lim, "{name} |e|: KS distance {d} >= {lim}");
        let mut ours = e.real().unwrap().to_vec::<f64>().unwrap();
        let mut theirs = glass_re(name);
        let d = ks2(&mut ours, &mut theirs);
        assert!(d < lim, "{name} Re e: KS distance {d} >= {lim}");
        assert!(modulus(&e).iter().all(|&m| m <= 1.0), "{name}: |e| > 1");
    }
    let q = triaxial_axis_ratio(
        &xp.scalar(0.8).unwrap(),
        &xp.scalar(0.4).unwrap(),
        &[n],
        &mut Rng::new(4),
    )
    .unwrap();
    let mut ours = q.to_vec::<f64>().unwrap();
    let mut theirs = g.vec("samples.triaxial.q");
    let d = ks2(&mut ours, &mut theirs);
    assert!(
        d < ks2_limit(n, theirs.len()),
        "triaxial q: KS distance {d}"
    );
}

/// `ellipticity_intnorm` gives each component the deviation sigma (1%
/// at 10^6 samples: the standard error of a standard deviation is 0.07%).
#[test]
fn intnorm_has_the_asked_deviation() {
    let xp = xp();
    let e = ellipticity_intnorm(&xp, 1_000_000, 0.26, &mut Rng::new(9)).unwrap();
    let re = e.real().unwrap().to_vec::<f64>().unwrap();
    let sd = (re.iter().map(|v| v * v).sum::<f64>() / re.len() as f64).sqrt();
    assert!((sd / 0.26 - 1.0).abs() < 0.01, "{sd}");
    let err = ellipticity_intnorm(&xp, 10, 0.5f64.sqrt(), &mut Rng::new(0)).unwrap_err();
    assert!(err.to_string().contains("sqrt(0.5)"), "{err}");
}

/// One-sample KS distance against a CDF.
fn ks1(x: &mut [f64], cdf: impl Fn(f64) -> f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = cdf(v);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

#[test]
fn redshifts_follow_the_distribution() {
    let xp = xp();
    // n(z) ∝ z on [0, 2]: CDF z²/4 (trapezoid is exact for a linear n(z))
    let z: Vec<f64> = (0..=200).map(|i| i as f64 / 100.0).collect();
    let nz: Vec<f64> = z.clone();
    let n = 200_000;
    let nz_arr = ArrayD::from_shape_vec(IxDyn(&[nz.len()]), nz.clone()).unwrap();
    let s = redshifts_from_nz(&xp, &[n], &z, &nz_arr, &mut Rng::new(21)).unwrap();
    let mut v = s.to_vec::<f64>().unwrap();
    assert_eq!(v.len(), n);
    let d = ks1(&mut v, |x| (x * x / 4.0).clamp(0.0, 1.0));
    // 1% error in the distribution would give d ~ 0.01; the 1e-4 limit is 1.95/sqrt(n)
    assert!(d < 1.95 / (n as f64).sqrt(), "KS {d}");
    // a window: tophat on [0.5, 1]
    let w = RadialWindow {
        za: vec![0.5, 0.75, 1.0],
        wa: vec![1.0, 1.0, 1.0],
        zeff: 0.75,
    };
    let mut v = redshifts(&xp, 50_000, &w, &mut Rng::new(2))
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    let d = ks1(&mut v, |x| ((x - 0.5) / 0.5).clamp(0.0, 1.0));
    assert!(d < 1.95 / (50_000f64).sqrt(), "KS {d}");
    // a distribution with a gap: nothing lands in it
    let z = vec![0.0, 1.0, 2.0, 3.0];
    let nz = ArrayD::from_shape_vec(IxDyn(&[4]), vec![1.0, 0.0, 0.0, 1.0]).unwrap();
    let v = redshifts_from_nz(&xp, &[10_000], &z, &nz, &mut Rng::new(1))
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    assert!(v.iter().all(|&x| !(1.0 + 1e-12..2.0 - 1e-12).contains(&x)));
    // bad distributions are named
    let neg = ArrayD::from_shape_vec(IxDyn(&[4]), vec![1.0, -1.0, 0.0, 1.0]).unwrap();
    let e = redshifts_from_nz(&xp, &[10], &z, &neg, &mut Rng::new(1)).unwrap_err();
    assert!(e.to_string().contains("non-negative"), "{e}");
}

#[test]
fn redshifts_from_bins_keeps_each_galaxy_in_its_bin() {
    let xp = xp();
    let bins: Vec<i64> = (0..3000).map(|i| (i * 7 % 3) as i64).collect();
    let b = xp.asarray1(&bins).unwrap();
    // bin k: n(z) = 1 on [k, k + 1] (a ramp of 0.01 at each end)
    let z: Vec<f64> = (0..=300).map(|i| i as f64 / 100.0).collect();
    let mut nz = BTreeMap::new();
    for k in 0..3 {
        let v: Vec<f64> = z
            .iter()
            .map(|&x| f64::from(u8::from(x >= k as f64 - 1e-9 && x <= k as f64 + 1.0 + 1e-9)))
            .collect();
        nz.insert(k, v);
    }
    let r = redshifts_from_bins(&b, &z, &nz, &mut Rng::new(4))
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    for (zz, bin) in r.iter().zip(&bins) {
        let k = *bin as f64;
        assert!(
            *zz >= k - 0.01 - 1e-12 && *zz <= k + 1.01 + 1e-12,
            "z {zz} in bin {bin}"
        );
    }
    let mut missing = BTreeMap::new();
    missing.insert(0, nz[&0].clone());
    let e = redshifts_from_bins(&b, &z, &missing, &mut Rng::new(4)).unwrap_err();
    assert!(e.to_string().contains("bin 1"), "{e}");
}

#[test]
fn gaussian_phz_truncates_by_redrawing() {
    let xp = xp();
    let z = xp.full(&[100_000], 0.5, DType::Float64).unwrap();
    let p = gaussian_phz(&z, 0.1, Some(0.4), Some(0.6), &mut Rng::new(8)).unwrap();
    let v = p.to_vec::<f64>().unwrap();
    assert!(v.iter().all(|&x| (0.4..=0.6).contains(&x)));
    // truncated normal of sigma 0.15 on [-0.1, 0.1] around 0.5: symmetric
    let m = v.iter().sum::<f64>() / v.len() as f64;
    assert!((m - 0.5).abs() < 1e-3, "{m}");
    // default lower bound 0
    let p = gaussian_phz(
        &xp.full(&[10_000], 0.05, DType::Float64).unwrap(),
        0.5,
        None,
        None,
        &mut Rng::new(1),
    )
    .unwrap();
    assert!(p.to_vec::<f64>().unwrap().iter().all(|&x| x >= 0.0));
    let e = gaussian_phz(&z, 0.1, Some(0.6), Some(0.4), &mut Rng::new(8)).unwrap_err();
    assert!(e.to_string().contains("lower < upper"), "{e}");
}

#[test]
fn resample_shapes_keeps_moduli() {
    let xp = xp();
    let e = ellipticity_intnorm(&xp, 10_000, 0.2, &mut Rng::new(3)).unwrap();
    let r = resample_shapes(&e, ResampleOptions::default(), &mut Rng::new(4)).unwrap();
    let a = modulus(&e);
    let b = modulus(&r);
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-14);
    }
    let r = resample_shapes(
        &e,
        ResampleOptions {
            vargamma: Some(0.01),
            ..Default::default()
        },
        &mut Rng::new(4),
    )
    .unwrap();
    let vare: f64 = a.iter().map(|v| v * v).sum::<f64>() / a.len() as f64;
    let vnew: f64 = modulus(&r).iter().map(|v| v * v).sum::<f64>() / a.len() as f64;
    assert!(
        (vnew - (vare - 0.01)).abs() < 1e-12,
        "{vnew} vs {}",
        vare - 0.01
    );
    let err = resample_shapes(
        &e,
        ResampleOptions {
            varg: Some(0.1),
            vargamma: Some(0.1),
        },
        &mut Rng::new(4),
    )
    .unwrap_err();
    assert!(err.to_string().contains("only one"), "{err}");
}
