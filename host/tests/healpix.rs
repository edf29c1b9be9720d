//! The host's HEALPix functions on every backend: native `healpix.*` ops on
//! ndarray, the standard-op fallback on strict; both must agree with the
//! plain-Rust kernels of glass-healpix (themselves checked against healpy in
//! healpix/tests/healpy_golden.rs).

mod common;

use common::load;
use glass::{healpix, Array, Backend, DType, Error};
use glass_healpix::alm::{alm_index, alm_size};
use glass_healpix::sht::ShtPlan;
use num_complex::Complex64;

fn test_alm(lmax: usize, mmax: usize, phase: f64) -> Vec<Complex64> {
    let mut a = vec![Complex64::new(0.0, 0.0); alm_size(lmax, mmax)];
    for m in 0..=mmax {
        for l in m..=lmax {
            let (lf, mf) = (l as f64, m as f64);
            let im = if m > 0 {
                (0.53 * lf - 0.29 * mf + phase).sin()
            } else {
                0.0
            };
            a[alm_index(lmax, l, m)] =
                Complex64::new((0.37 * lf + 0.61 * mf + phase).cos(), im) / (1.0 + lf);
        }
    }
    a
}

fn max_rel(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn max_rel_c(a: &[Complex64], b: &[Complex64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.norm()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).norm()))
        / scale
}

fn check_scalar_transforms(b: &Backend, nside: i64, lmax: usize, mmax: usize) {
    let plan = ShtPlan::new(nside, lmax, mmax).unwrap();
    let a = test_alm(lmax, mmax, 0.2);
    let want_map = plan.alm2map(&a).unwrap();
    let alm = b.asarray1(&a).unwrap();
    let map = healpix::alm2map(&alm, nside, Some(lmax), Some(mmax)).unwrap();
    assert_eq!(map.dtype(), DType::Float64);
    let err = max_rel(&map.to_vec::<f64>().unwrap(), &want_map);
    assert!(err < 1e-10, "{} alm2map nside {nside}: {err:e}", b.name());

    let input: Vec<f64> = (0..plan.npix()).map(|p| (0.01 * p as f64).cos()).collect();
    let want = plan.map2alm(&input, 3, None).unwrap();
    let m = b.asarray1(&input).unwrap();
    let got = healpix::map2alm(&m, Some(lmax), Some(mmax), 3, None).unwrap();
    let err = max_rel_c(&got.to_vec::<Complex64>().unwrap(), &want);
    assert!(err < 1e-10, "{} map2alm nside {nside}: {err:e}", b.name());

    // a batch of two maps gives the two transforms
    let two = b
        .asarray(
            &[a.clone(), test_alm(lmax, mmax, 1.0)].concat(),
            &[2, a.len()],
        )
        .unwrap();
    let maps = healpix::alm2map(&two, nside, Some(lmax), Some(mmax)).unwrap();
    assert_eq!(maps.shape(), &[2, plan.npix()]);
    let second = plan.alm2map(&test_alm(lmax, mmax, 1.0)).unwrap();
    let all = maps.to_vec::<f64>().unwrap();
    assert!(max_rel(&all[..plan.npix()], &want_map) < 1e-10);
    assert!(max_rel(&all[plan.npix()..], &second) < 1e-10);
}

#[test]
fn scalar_transforms_native_on_ndarray() {
    let b = load("ndarray");
    assert!(b.supports(glass::Op::HealpixAlm2map));
    check_scalar_transforms(&b, 16, 40, 40);
    check_scalar_transforms(&b, 5, 12, 7);
}

#[test]
fn scalar_transforms_in_standard_ops_on_strict() {
    let b = load("strict");
    assert!(
        !b.supports(glass::Op::HealpixAlm2map),
        "strict has standard ops only"
    );
    check_scalar_transforms(&b, 16, 40, 40);
    check_scalar_transforms(&b, 5, 12, 7);
    check_scalar_transforms(&b, 32, 95, 95);
}

#[test]
fn spectra_on_every_backend() {
    let (lmax, mmax) = (20, 20);
    let a = test_alm(lmax, mmax, 0.2);
    let c = test_alm(lmax, mmax, 0.9);
    let want = glass_healpix::alm::alm2cl(&a, &c, None, None).unwrap();
    let fl: Vec<f64> = (0..15).map(|l| 1.0 / (1.0 + l as f64)).collect();
    let want_xfl = glass_healpix::alm::almxfl(&a, &fl, None).unwrap();
    for name in ["ndarray", "strict"] {
        let b = load(name);
        let (x, y) = (b.asarray1(&a).unwrap(), b.asarray1(&c).unwrap());
        let cl = healpix::alm2cl(&x, Some(&y), None).unwrap();
        assert!(
            max_rel(&cl.to_vec::<f64>().unwrap(), &want) < 1e-14,
            "{name} alm2cl"
        );
        let xfl: Array = healpix::almxfl(&x, &fl, None).unwrap();
        assert!(
            max_rel_c(&xfl.to_vec::<Complex64>().unwrap(), &want_xfl) < 1e-15,
            "{name} almxfl"
        );
    }
}

#[test]
fn spin_transforms_and_pixels_on_ndarray() {
    let b = load("ndarray");
    let (nside, lmax) = (8, 16);
    let plan = ShtPlan::new(nside, lmax, lmax).unwrap();
    let (e, bb) = (test_alm(lmax, lmax, 0.3), test_alm(lmax, lmax, 1.3));
    let [q, u] = plan.alm2map_spin(2, &e, &bb).unwrap();
    let alm = b
        .asarray(&[e.clone(), bb.clone()].concat(), &[2, e.len()])
        .unwrap();
    let maps = healpix::alm2map_spin(&alm, nside, 2, None, None).unwrap();
    assert_eq!(maps.shape(), &[2, plan.npix()]);
    let v = maps.to_vec::<f64>().unwrap();
    assert!(max_rel(&v[..plan.npix()], &q) < 1e-12);
    assert!(max_rel(&v[plan.npix()..], &u) < 1e-12);
    let back = healpix::map2alm_spin(&maps, 2, Some(lmax), None, 0).unwrap();
    assert_eq!(back.shape(), &[2, e.len()]);

    let theta = b.asarray1(&[0.1, 1.0, 3.0]).unwrap();
    let phi = b.asarray1(&[0.0, 2.0, 6.0]).unwrap();
    let pix = healpix::ang2pix(nside, &theta, &phi, false).unwrap();
    let want =
        glass_healpix::pixel::ang2pix(nside, &[0.1, 1.0, 3.0], &[0.0, 2.0, 6.0], false).unwrap();
    assert_eq!(pix.to_vec::<i64>().unwrap(), want);
    let (t, _) = healpix::pix2ang(nside, &pix, false).unwrap();
    assert_eq!(t.shape(), &[3]);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let b = load("ndarray");
    let short = b.asarray1(&[Complex64::new(1.0, 0.0); 4]).unwrap();
    assert!(matches!(
        healpix::alm2map(&short, 4, None, None),
        Err(Error::Healpix(glass_healpix::HealpixError::Value(_)))
    ));
    let real = b.asarray1(&[1.0; 6]).unwrap();
    assert!(healpix::alm2map(&real, 4, None, None).is_err());
    let odd_map = b.asarray1(&[1.0; 13]).unwrap();
    assert!(healpix::map2alm(&odd_map, None, None, 3, None).is_err());
    let ok = b.asarray1(&[Complex64::new(1.0, 0.0); 6]).unwrap();
    assert!(healpix::alm2map(&ok, 0, None, None).is_err());
    let strict = load("strict");
    let alm = strict
        .asarray(&[Complex64::new(1.0, 0.0); 12], &[2, 6])
        .unwrap();
    // lmax 2: spin 3 is out of range on the fallback too
    let e = healpix::alm2map_spin(&alm, 4, 3, None, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("spin"), "{e}");
    let one = strict.asarray1(&[Complex64::new(1.0, 0.0); 6]).unwrap();
    assert!(healpix::alm2map_spin(&one, 4, 2, None, None).is_err());
}

/// The spin transforms in standard ops (strict) against the native
/// kernels: spin 1 and 2, mmax < lmax, a batch, non-power-of-two nside,
/// and map2alm_spin with Jacobi iterations.
#[test]
fn spin_transforms_in_standard_ops_on_strict_match_native() {
    let st = load("strict");
    for (nside, lmax, mmax, spin) in [
        (4i64, 11usize, 11usize, 2usize),
        (3, 8, 5, 1),
        (8, 20, 20, 2),
    ] {
        let plan = ShtPlan::new(nside, lmax, mmax).unwrap();
        let (e, bb) = (test_alm(lmax, mmax, 0.3), test_alm(lmax, mmax, 1.3));
        let mut e2 = e.clone();
        let mut b2 = bb.clone();
        for l in 0..spin.min(lmax + 1) {
            for m in 0..=l.min(mmax) {
                e2[alm_index(lmax, l, m)] = Complex64::new(0.0, 0.0);
                b2[alm_index(lmax, l, m)] = Complex64::new(0.0, 0.0);
            }
        }
        let [q, u] = plan.alm2map_spin(spin, &e2, &b2).unwrap();
        let nalm = e.len();
        // a batch of two: (E, B) and (B, E)
        let alm = st
            .asarray(
                &[e2.clone(), b2.clone(), b2.clone(), e2.clone()].concat(),
                &[2, 2, nalm],
            )
            .unwrap();
        let maps = healpix::alm2map_spin(&alm, nside, spin, Some(lmax), Some(mmax)).unwrap();
        assert_eq!(maps.shape(), &[2, 2, plan.npix()]);
        let v = maps.to_vec::<f64>().unwrap();
        let np = plan.npix();
        let what = format!("alm2map_spin nside {nside} lmax {lmax} mmax {mmax} spin {spin}");
        assert!(
            max_rel(&v[..np], &q) < 1e-12,
            "{what}: Q {}",
            max_rel(&v[..np], &q)
        );
        assert!(
            max_rel(&v[np..2 * np], &u) < 1e-12,
            "{what}: U {}",
            max_rel(&v[np..2 * np], &u)
        );
        let [q2, u2] = plan.alm2map_spin(spin, &b2, &e2).unwrap();
        assert!(max_rel(&v[2 * np..3 * np], &q2) < 1e-12, "{what}: batch Q");
        assert!(max_rel(&v[3 * np..], &u2) < 1e-12, "{what}: batch U");
        for iter in [0, 2] {
            let want = plan.map2alm_spin(spin, &q, &u, iter, None).unwrap();
            let qu = st
                .asarray(&[q.clone(), u.clone()].concat(), &[2, np])
                .unwrap();
            let got = healpix::map2alm_spin(&qu, spin, Some(lmax), Some(mmax), iter)
                .unwrap()
                .to_vec::<Complex64>()
                .unwrap();
            assert!(
                max_rel_c(&got[..nalm], &want[0]) < 1e-12,
                "{what} iter {iter}: E {}",
                max_rel_c(&got[..nalm], &want[0])
            );
            assert!(
                max_rel_c(&got[nalm..], &want[1]) < 1e-12,
                "{what} iter {iter}: B"
            );
        }
    }
}

/// randang: every point falls inside its pixel, and within a pixel the
/// points are uniform in area (chi-square over the 64 sub-pixels at 8x the
/// resolution, fixed seed; 63 degrees of freedom, 99.9% quantile 103.4).
#[test]
fn randang_is_uniform_inside_the_pixels() {
    let b = load("ndarray");
    let mut rng = glass::rng::Rng::new(42);
    let nside = 4i64;
    let npix = 192;
    let pix: Vec<i64> = (0..npix).flat_map(|p| std::iter::repeat_n(p, 50)).collect();
    let pa = b.asarray1(&pix).unwrap();
    for nest in [false, true] {
        let (theta, phi) = healpix::randang(&mut rng, nside, &pa, nest, false).unwrap();
        let back = healpix::ang2pix(nside, &theta, &phi, nest).unwrap();
        assert_eq!(back.to_vec::<i64>().unwrap(), pix, "nest {nest}");
    }
    // one NESTED pixel, 64000 points, counted in its 64 children at nside 32
    let parent = 37i64;
    let n = 64_000;
    let pa = b.asarray1(&vec![parent; n]).unwrap();
    let (theta, phi) = healpix::randang(&mut rng, nside, &pa, true, false).unwrap();
    let child = healpix::ang2pix(32, &theta, &phi, true)
        .unwrap()
        .to_vec::<i64>()
        .unwrap();
    let mut counts = [0f64; 64];
    for c in child {
        assert_eq!(c / 64, parent);
        counts[(c % 64) as usize] += 1.0;
    }
    let expect = n as f64 / 64.0;
    let chi2: f64 = counts.iter().map(|c| (c - expect).powi(2) / expect).sum();
    assert!(chi2 < 103.4, "chi-square {chi2} over 63 dof");
    // lonlat: degrees
    let (lon, lat) =
        healpix::randang(&mut rng, nside, &b.asarray1(&[0i64]).unwrap(), false, true).unwrap();
    let (lon, lat) = (lon.item::<f64>().unwrap(), lat.item::<f64>().unwrap());
    assert!((0.0..90.0).contains(&lon) && lat > 41.0, "{lon} {lat}");
}

/// synalm/synfast: the same seed gives the same alm on every backend, and
/// the spectrum of the result scatters around the input within cosmic
/// variance (chi-square of the estimated C_l, 2l+1 degrees of freedom each).
#[test]
fn synalm_and_synfast_follow_the_input_spectrum() {
    let lmax = 64;
    let cl: Vec<f64> = (0..=lmax).map(|l| 1.0 / (1.0 + l as f64).powi(2)).collect();
    let mut per_backend = Vec::new();
    for name in ["ndarray", "strict"] {
        let b = load(name);
        let mut rng = glass::rng::Rng::new(7);
        let alm = healpix::synalm(&mut rng, &b, &cl, None, None).unwrap();
        per_backend.push(alm.to_vec::<Complex64>().unwrap());
    }
    assert_eq!(per_backend[0], per_backend[1], "same seed, same universe");
    let b = load("ndarray");
    let mut rng = glass::rng::Rng::new(7);
    let alm = healpix::synalm(&mut rng, &b, &cl, None, None).unwrap();
    let est = healpix::alm2cl(&alm, None, None)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    // (2l+1) Ĉ_l / C_l is chi-square with 2l+1 dof: sum over l >= 2
    let (mut chi2, mut dof) = (0.0, 0.0);
    for l in 2..=lmax {
        let k = (2 * l + 1) as f64;
        let z = (est[l] / cl[l] - 1.0) * (k / 2.0).sqrt();
        chi2 += z * z;
        dof += 1.0;
    }
    // 63 terms of roughly unit variance: a 5-sigma band
    assert!(
        (chi2 - dof).abs() < 5.0 * (2.0 * dof).sqrt(),
        "chi2 {chi2} over {dof}"
    );
    let map = healpix::synfast(&mut rng, &b, &cl, 32, None, None).unwrap();
    assert_eq!(map.shape(), &[12 * 32 * 32]);
    assert!(healpix::synalm(&mut rng, &b, &[-1.0], None, None).is_err());
}

/// glass.harmonics: multalm and the two alm orders, on every backend.
#[test]
fn harmonics_on_every_backend() {
    let lmax = 9;
    let a = test_alm(lmax, lmax, 0.4);
    let want_glass = glass_healpix::alm::healpix_to_glass_order(&a).unwrap();
    let bl: Vec<f64> = (0..=lmax).map(|l| 1.0 / (2.0 + l as f64)).collect();
    let want_mult = glass_healpix::alm::multalm(&want_glass, &bl).unwrap();
    for name in ["ndarray", "strict"] {
        let b = load(name);
        let x = b.asarray1(&a).unwrap();
        let g = glass::harmonics::healpix_to_glass(&x).unwrap();
        assert_eq!(g.to_vec::<Complex64>().unwrap(), want_glass, "{name}");
        let m = glass::harmonics::multalm(&g, &bl).unwrap();
        assert!(
            max_rel_c(&m.to_vec::<Complex64>().unwrap(), &want_mult) < 1e-15,
            "{name}"
        );
        let back = glass::harmonics::glass_to_healpix(&g).unwrap();
        assert_eq!(back.to_vec::<Complex64>().unwrap(), a, "{name}");
        assert!(glass::harmonics::multalm(&g, &bl[..3]).is_err());
    }
}

/// The standard-op pixel functions (strict) give the same pixels and
/// angles as the native ones (ndarray), RING order, at sizes with both
/// caps, the belt, non-power-of-two nside and points next to the poles.
#[test]
fn pixel_functions_in_standard_ops_on_strict_match_native() {
    let (nd, st) = (load("ndarray"), load("strict"));
    let g = 0.6180339887498949f64;
    let r = 0.7548776662466927f64;
    let n = 20_000;
    let frac = |x: f64| x - x.floor();
    let mut theta: Vec<f64> = (0..n)
        .map(|i| (1.0 - 2.0 * frac((i as f64 + 0.5) * g)).acos())
        .collect();
    let mut phi: Vec<f64> = (0..n)
        .map(|i| 2.0 * std::f64::consts::PI * frac((i as f64 + 0.5) * r) - 1.0)
        .collect();
    // the poles, the equator, phi = 2π and beyond
    theta.extend([
        0.0,
        1e-9,
        std::f64::consts::PI,
        std::f64::consts::PI - 1e-9,
        std::f64::consts::FRAC_PI_2,
    ]);
    phi.extend([0.0, 2.0 * std::f64::consts::PI, 7.0, -7.0, 0.3]);
    let m = theta.len();
    for nside in [1i64, 3, 7, 64, 1000, 8192] {
        let on = |b: &Backend| {
            let t = b.asarray1(&theta).unwrap();
            let p = b.asarray1(&phi).unwrap();
            healpix::ang2pix(nside, &t, &p, false)
                .unwrap()
                .to_vec::<i64>()
                .unwrap()
        };
        assert_eq!(on(&st), on(&nd), "ang2pix nside {nside}");
        let npix = 12 * nside * nside;
        let pix: Vec<i64> = (0..m as i64).map(|i| (i * 7919 + i * i) % npix).collect();
        let ang = |b: &Backend| {
            let (t, p) = healpix::pix2ang(nside, &b.asarray1(&pix).unwrap(), false).unwrap();
            (t.to_vec::<f64>().unwrap(), p.to_vec::<f64>().unwrap())
        };
        let ((t1, p1), (t2, p2)) = (ang(&st), ang(&nd));
        assert!(
            max_rel(&t1, &t2) < 1e-15 && max_rel(&p1, &p2) < 1e-15,
            "pix2ang nside {nside}"
        );
        let rand = |b: &Backend| {
            let mut rng = glass::rng::Rng::new(9);
            let (t, p) =
                healpix::randang(&mut rng, nside, &b.asarray1(&pix).unwrap(), false, false)
                    .unwrap();
            (t.to_vec::<f64>().unwrap(), p.to_vec::<f64>().unwrap())
        };
        let ((t1, p1), (t2, p2)) = (rand(&st), rand(&nd));
        assert!(
            max_rel(&t1, &t2) < 1e-15 && max_rel(&p1, &p2) < 1e-15,
            "randang nside {nside}"
        );
    }
    // errors name the problem; NESTED needs the native ops
    let bad = st.asarray1(&[4.0]).unwrap();
    let e = healpix::ang2pix(4, &bad, &bad, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("THETA is out of range"), "{e}");
    let e = healpix::pix2ang(4, &st.asarray1(&[192i64]).unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("out of range"), "{e}");
    assert!(matches!(
        healpix::pix2ang(4, &st.asarray1(&[1i64]).unwrap(), true),
        Err(Error::Unsupported { .. })
    ));
}

/// map2alm with healpy's ring weights in standard ops (strict) against the
/// native kernels.
#[test]
fn ring_weighted_map2alm_in_standard_ops_on_strict() {
    let st = load("strict");
    let (nside, lmax) = (8i64, 20usize);
    let plan = ShtPlan::new(nside, lmax, lmax).unwrap();
    let w = glass_healpix::weights::ring_weights(nside).unwrap();
    let input: Vec<f64> = (0..plan.npix()).map(|p| (0.03 * p as f64).sin()).collect();
    let want = plan.map2alm(&input, 2, Some(&w)).unwrap();
    let m = st.asarray1(&input).unwrap();
    let rw = healpix::ring_weights(&st, nside).unwrap();
    let got = healpix::map2alm(&m, Some(lmax), None, 2, Some(&rw)).unwrap();
    let err = max_rel_c(&got.to_vec::<Complex64>().unwrap(), &want);
    assert!(err < 1e-12, "ring-weighted map2alm on strict: {err:e}");
}

/// Wall time of the first and the following strict alm2map calls at nside
/// 128, lmax 256 (the first uploads the fallback's tables). A measurement,
/// not a test: `cargo test --release -p glass --test healpix -- --ignored
/// --nocapture fallback_call_times`.
#[test]
#[ignore]
fn fallback_call_times() {
    let st = load("strict");
    let (nside, lmax) = (128i64, 256usize);
    let alm = st.asarray1(&test_alm(lmax, lmax, 0.2)).unwrap();
    for call in 0..4 {
        let t = std::time::Instant::now();
        let map = healpix::alm2map(&alm, nside, Some(lmax), None).unwrap();
        assert_eq!(map.shape(), [12 * 128 * 128]);
        eprintln!(
            "strict alm2map call {call}: {:.3} s",
            t.elapsed().as_secs_f64()
        );
    }
}
