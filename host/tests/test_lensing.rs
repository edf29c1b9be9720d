//! `glass::lensing` and the displacements of `glass::points` against golden
//! data from Python GLASS 2026.4 (tools/reference/simulation_golden.py),
//! plus the sign of the deflection against a point mass and error cases.
//!
//! Tolerances: 1e-10 relative for closed-form functions; the transforms of
//! `from_convergence` are compared relative to the largest value of each
//! map (`assert_scaled`, the round-off of a transform spreads over the
//! map).

mod golden;

use glass::lensing::{
    deflect, from_convergence, from_convergence_alm, multi_plane_matrix, multi_plane_weights,
    FromConvergenceOptions, MultiPlaneConvergence,
};
use glass::points::{displace, displacement};
use glass::{Array, Backend, DType, RadialWindow};
use golden::{assert_close, assert_scaled, cosmo, Golden, CLOSED};

fn xp() -> Backend {
    Backend::embedded_ndarray().unwrap()
}

fn at(map: &[f64], pix: &[f64]) -> Vec<f64> {
    pix.iter().map(|&p| map[p as usize]).collect()
}

fn re_im(a: &Array) -> (Vec<f64>, Vec<f64>) {
    (
        a.real().unwrap().to_vec::<f64>().unwrap(),
        a.imag().unwrap().to_vec::<f64>().unwrap(),
    )
}

fn shells(g: &Golden) -> Vec<RadialWindow> {
    (0..4)
        .map(|i| RadialWindow {
            za: g.vec(&format!("mpc.shell.{i}.za")),
            wa: g.vec(&format!("mpc.shell.{i}.wa")),
            zeff: g.scalar(&format!("mpc.shell.{i}.zeff")),
        })
        .collect()
}

fn flat() -> glass::cosmology::LambdaCdm {
    cosmo(&Golden::load("cosmology"), "flat")
}

/// `from_convergence` of a fixed nside-32 map. Tolerance 1e-8 of each
/// map's largest value: healpy's `map2alm` with pixel weights and three
/// Jacobi iterations, then one to three transforms.
#[test]
fn from_convergence_matches_glass() {
    let g = Golden::load("lensing");
    let xp = xp();
    let kappa = xp.asarray1(&g.vec("fc.kappa")).unwrap();
    let pix = g.vec("pix32");
    for (t, lmax) in [("lNone", None), ("l64", Some(64))] {
        for (d, discretized) in [("disc", true), ("nodisc", false)] {
            let maps = from_convergence(
                &kappa,
                lmax,
                FromConvergenceOptions {
                    potential: true,
                    deflection: true,
                    shear: true,
                    discretized,
                },
            )
            .unwrap();
            let psi = maps.potential.unwrap().to_vec::<f64>().unwrap();
            assert_scaled(
                &format!("{t} psi"),
                &at(&psi, &pix),
                &g.vec(&format!("fc.{t}.psi")),
                1e-8,
            );
            let (are, aim) = re_im(&maps.deflection.unwrap());
            assert_scaled(
                &format!("{t} alpha.re"),
                &at(&are, &pix),
                &g.vec(&format!("fc.{t}.alpha.re")),
                1e-8,
            );
            assert_scaled(
                &format!("{t} alpha.im"),
                &at(&aim, &pix),
                &g.vec(&format!("fc.{t}.alpha.im")),
                1e-8,
            );
            let (gre, gim) = re_im(&maps.shear.unwrap());
            assert_scaled(
                &format!("{t} {d} gamma.re"),
                &at(&gre, &pix),
                &g.vec(&format!("fc.{t}.{d}.gamma.re")),
                1e-8,
            );
            assert_scaled(
                &format!("{t} {d} gamma.im"),
                &at(&gim, &pix),
                &g.vec(&format!("fc.{t}.{d}.gamma.im")),
                1e-8,
            );
            #[allow(deprecated)]
            let s = glass::lensing::shear_from_convergence(&kappa, lmax, discretized).unwrap();
            let s = s.to_vec::<f64>().unwrap();
            let (g1, g2) = s.split_at(s.len() / 2);
            assert_scaled(
                &format!("sfc {t} {d} g1"),
                &at(g1, &pix),
                &g.vec(&format!("sfc.{t}.{d}.g1")),
                1e-8,
            );
            assert_scaled(
                &format!("sfc {t} {d} g2"),
                &at(g2, &pix),
                &g.vec(&format!("sfc.{t}.{d}.g2")),
                1e-8,
            );
        }
    }
    // nothing asked, nothing computed
    let none = from_convergence(&kappa, None, FromConvergenceOptions::default()).unwrap();
    assert!(none.potential.is_none() && none.deflection.is_none() && none.shear.is_none());
}

#[test]
fn multi_plane_convergence_matches_glass() {
    let g = Golden::load("lensing");
    let xp = xp();
    let cosmo = flat();
    let delta = g.get("mpc.delta_in");
    let pix = g.vec("pix16");
    let shells = shells(&g);
    let row = |i: usize| -> Array {
        let v: Vec<f64> = delta
            .index_axis(ndarray::Axis(0), i)
            .iter()
            .copied()
            .collect();
        xp.asarray1(&v).unwrap()
    };
    let check = |conv: &MultiPlaneConvergence, what: &str| {
        let kappa = conv.kappa().unwrap().to_vec::<f64>().unwrap();
        // kappa is zero after the first plane: compare with a floor
        golden::assert_close_tol(
            &format!("{what}.kappa"),
            &at(&kappa, &pix),
            &g.vec(&format!("{what}.kappa")),
            CLOSED,
            1e-15,
        );
        let d = conv.delta().unwrap().to_vec::<f64>().unwrap();
        assert_close(
            &format!("{what}.delta"),
            &at(&d, &pix),
            &g.vec(&format!("{what}.delta")),
            0.0,
        );
        assert_close(
            &format!("{what}.zsrc"),
            &[conv.zsrc()],
            &[g.scalar(&format!("{what}.zsrc"))],
            CLOSED,
        );
        assert_close(
            &format!("{what}.wlens"),
            &[conv.wlens()],
            &[g.scalar(&format!("{what}.wlens"))],
            CLOSED,
        );
    };
    let mut conv = MultiPlaneConvergence::new(&cosmo);
    assert!(conv.kappa().is_none());
    for (i, w) in shells.iter().enumerate() {
        conv.add_window(&row(i), w).unwrap();
        check(&conv, &format!("mpc.window.{i}"));
    }
    let zsrc = g.vec("mpc.plane.zsrc_in");
    let wlens = g.vec("mpc.plane.wlens_in");
    let mut conv = MultiPlaneConvergence::new(&cosmo);
    for i in 0..4 {
        conv.add_plane(&row(i), zsrc[i], wlens[i]).unwrap();
        check(&conv, &format!("mpc.plane.{i}"));
    }
    // decreasing redshift is refused, and the state is unchanged
    let e = conv.add_plane(&row(0), 0.5, 1.0).unwrap_err();
    assert!(
        e.to_string().contains("source redshift must be increasing"),
        "{e}"
    );
    assert_eq!(conv.zsrc(), zsrc[3]);
    // a map of another nside is refused with its shape
    let small = xp.zeros(&[768], DType::Float64).unwrap();
    let e = conv.add_plane(&small, 2.0, 1.0).unwrap_err();
    assert!(e.to_string().contains("768"), "{e}");
}

/// The recurrence on the `alm` of the planes gives the `alm` of the
/// convergence (it is linear), and `from_convergence_alm` of those is
/// `from_convergence` of the map: what `glass run` does to skip the
/// `map2alm` of every `κ`. Tolerance 1e-12 of the largest value (the
/// round-off of the sums taken before the transform instead of after).
#[test]
fn multi_plane_convergence_of_alm_is_that_of_the_maps() {
    let g = Golden::load("lensing");
    let xp = xp();
    let cosmo = flat();
    let delta = g.get("mpc.delta_in");
    let shells = shells(&g);
    let nside = 16;
    let lmax = 2 * nside as usize;
    let w = glass::healpix::map2alm_weights(&xp, nside).unwrap();
    let opts = FromConvergenceOptions {
        potential: true,
        deflection: true,
        shear: true,
        discretized: true,
    };
    let mut maps = MultiPlaneConvergence::new(&cosmo);
    let mut alms = MultiPlaneConvergence::new(&cosmo);
    for (i, s) in shells.iter().enumerate() {
        let v: Vec<f64> = delta
            .index_axis(ndarray::Axis(0), i)
            .iter()
            .copied()
            .collect();
        let d = xp.asarray1(&v).unwrap();
        maps.add_window(&d, s).unwrap();
        let a = glass::healpix::map2alm(&d, Some(lmax), None, 0, w.as_ref()).unwrap();
        alms.add_window(&a, s).unwrap();
        let want = from_convergence(maps.kappa().unwrap(), Some(lmax), opts).unwrap();
        let got = from_convergence_alm(alms.kappa().unwrap(), nside, opts).unwrap();
        let pairs = [
            ("psi", want.potential.unwrap(), got.potential.unwrap()),
            ("alpha", want.deflection.unwrap(), got.deflection.unwrap()),
            ("gamma", want.shear.unwrap(), got.shear.unwrap()),
        ];
        for (what, a, b) in pairs {
            let (a, b) = if what == "psi" {
                (a.to_vec::<f64>().unwrap(), b.to_vec::<f64>().unwrap())
            } else {
                let (ar, ai) = re_im(&a);
                let (br, bi) = re_im(&b);
                ([ar, ai].concat(), [br, bi].concat())
            };
            if i == 0 {
                // no matter in front of the first plane
                assert!(a.iter().chain(&b).all(|&x| x == 0.0), "{what}");
            } else {
                assert_scaled(&format!("plane {i} {what}"), &b, &a, 1e-12);
            }
        }
    }
    // alm that are not triangular are refused, naming the argument
    let bad = xp.zeros(&[7], DType::Complex128).unwrap();
    let e = from_convergence_alm(&bad, nside, opts).unwrap_err();
    assert!(e.to_string().contains("alm"), "{e}");
}

#[test]
fn multi_plane_matrix_and_weights_match_glass() {
    let g = Golden::load("lensing");
    let cosmo = flat();
    let shells = shells(&g);
    let m = multi_plane_matrix(&shells, &cosmo).unwrap();
    golden::assert_array_close(
        "mpm.matrix",
        &m.into_dyn(),
        g.get("mpm.matrix"),
        CLOSED,
        1e-16,
    );
    let w = multi_plane_weights(g.get("mpw.weights"), &shells, &cosmo).unwrap();
    golden::assert_array_close("mpw.out", &w, g.get("mpw.out"), CLOSED, 1e-16);
    let bad = ndarray::ArrayD::<f64>::ones(ndarray::IxDyn(&[3, 2]));
    let e = multi_plane_weights(&bad, &shells, &cosmo).unwrap_err();
    assert!(e.to_string().contains("one row per shell"), "{e}");
}

fn wrap_lon(a: &[f64], b: &[f64]) -> Vec<f64> {
    // longitudes equal modulo 360 (and anything at the poles)
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = (x - y).rem_euclid(360.0);
            y + if d > 180.0 { d - 360.0 } else { d }
        })
        .collect()
}

#[test]
fn displace_and_displacement_match_glass() {
    let g = Golden::load("lensing");
    let xp = xp();
    let lon = xp.asarray1(&g.vec("deflect.lon")).unwrap();
    let lat = xp.asarray1(&g.vec("deflect.lat")).unwrap();
    let are = xp.asarray1(&g.vec("deflect.alpha.re")).unwrap();
    let aim = xp.asarray1(&g.vec("deflect.alpha.im")).unwrap();
    let alpha = (&are.astype(DType::Complex128).unwrap()
        + &(&aim.astype(DType::Complex128).unwrap() * num_complex::Complex64::new(0.0, 1.0))
            .ok()
            .unwrap())
        .ok()
        .unwrap();
    let (l2, b2) = displace(&lon, &lat, &alpha).unwrap();
    let l2 = l2.to_vec::<f64>().unwrap();
    let b2 = b2.to_vec::<f64>().unwrap();
    let want_lon = g.vec("displace.out_lon");
    golden::assert_close_tol(
        "displace lat",
        &b2,
        &g.vec("displace.out_lat"),
        CLOSED,
        1e-12,
    );
    golden::assert_close_tol("displace lon", &l2, &want_lon, CLOSED, 1e-9);
    // the real (2, n) form is the same
    let stacked = xp.stack(&[&are, &aim], 0).unwrap();
    let (l3, _) = displace(&lon, &lat, &stacked).unwrap();
    assert_eq!(l3.to_vec::<f64>().unwrap(), l2);

    let f = |n: &str| xp.asarray1(&g.vec(n)).unwrap();
    let d = displacement(
        &f("displacement.from_lon"),
        &f("displacement.from_lat"),
        &f("displacement.to_lon"),
        &f("displacement.to_lat"),
    )
    .unwrap();
    let (re, im) = re_im(&d);
    golden::assert_close_tol(
        "displacement.re",
        &re,
        &g.vec("displacement.out.re"),
        CLOSED,
        1e-12,
    );
    golden::assert_close_tol(
        "displacement.im",
        &im,
        &g.vec("displacement.out.im"),
        CLOSED,
        1e-12,
    );

    // ours deflect(alpha) = GLASS deflect(-alpha) (= displace(-conj alpha))
    let neg = (&alpha * -1.0).ok().unwrap();
    let (l4, b4) = deflect(&lon, &lat, &neg).unwrap();
    let l4 = l4.to_vec::<f64>().unwrap();
    golden::assert_close_tol(
        "deflect lat",
        &b4.to_vec::<f64>().unwrap(),
        &g.vec("deflect.out_lat"),
        CLOSED,
        1e-12,
    );
    let lats = g.vec("deflect.out_lat");
    let want = g.vec("deflect.out_lon");
    // at the poles longitude is arbitrary
    let keep: Vec<usize> = (0..want.len())
        .filter(|&i| lats[i].abs() < 89.9999)
        .collect();
    let got: Vec<f64> = keep.iter().map(|&i| l4[i]).collect();
    let exp: Vec<f64> = keep.iter().map(|&i| want[i]).collect();
    golden::assert_close_tol("deflect lon", &wrap_lon(&got, &exp), &exp, CLOSED, 1e-9);
}

/// The physical sign: a point mass at the north pole, `ψ ∝ ln(1 - cos θ)`
/// (its convergence is a delta at the pole), has `∇ψ` pointing away from
/// the pole, so lensed images move south. Here a smooth positive blob of
/// convergence at the pole: points around it must move away from it.
#[test]
fn deflection_pushes_images_away_from_mass() {
    let xp = xp();
    let nside = 32i64;
    let npix = 12 * nside as usize * nside as usize;
    let pix = xp.arange(0.0, npix as f64, 1.0, DType::Int64).unwrap();
    let (theta, _phi) = glass::healpix::pix2ang(nside, &pix, false).unwrap();
    let th = theta.to_vec::<f64>().unwrap();
    let sigma: f64 = 0.3;
    let kappa: Vec<f64> = th
        .iter()
        .map(|t| 0.01 * (-(t * t) / (2.0 * sigma * sigma)).exp())
        .collect();
    let kappa = xp.asarray1(&kappa).unwrap();
    let maps = from_convergence(
        &kappa,
        None,
        FromConvergenceOptions {
            deflection: true,
            ..Default::default()
        },
    )
    .unwrap();
    let alpha = maps.deflection.unwrap();
    let (are, aim) = re_im(&alpha);
    // at colatitude ~0.5 (ring of pixels), alpha points along +theta (south)
    let ring: Vec<usize> = (0..npix).filter(|&i| (th[i] - 0.5).abs() < 0.02).collect();
    assert!(!ring.is_empty());
    for &i in &ring {
        assert!(are[i] > 0.0, "alpha_theta at pixel {i} is {}", are[i]);
        assert!(
            aim[i].abs() < 1e-3 * are[i],
            "alpha_phi at pixel {i} is {}",
            aim[i]
        );
    }
    // and deflect moves those points south (latitude decreases)
    let lat: Vec<f64> = ring.iter().map(|&i| 90.0 - th[i].to_degrees()).collect();
    let lon = vec![10.0; ring.len()];
    let a: Vec<num_complex::Complex64> = ring
        .iter()
        .map(|&i| num_complex::Complex64::new(are[i], aim[i]))
        .collect();
    let (_, lat2) = deflect(
        &xp.asarray1(&lon).unwrap(),
        &xp.asarray1(&lat).unwrap(),
        &xp.asarray1(&a).unwrap(),
    )
    .unwrap();
    for (b, a) in lat2.to_vec::<f64>().unwrap().iter().zip(&lat) {
        assert!(b < a, "latitude {a} became {b}: moved towards the mass");
    }
}

#[test]
fn from_convergence_rejects_bad_maps() {
    let xp = xp();
    let e = from_convergence(
        &xp.zeros(&[100], DType::Float64).unwrap(),
        None,
        FromConvergenceOptions {
            shear: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("100"), "{e}");
    let e = from_convergence(
        &xp.zeros(&[768], DType::Complex128).unwrap(),
        None,
        FromConvergenceOptions {
            shear: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, glass::Error::DType { .. }), "{e}");
    // discretized shear with lmax beyond the pixel window table (4 nside):
    // an error, not an index out of bounds
    let e = from_convergence(
        &xp.zeros(&[768], DType::Float64).unwrap(),
        Some(40),
        FromConvergenceOptions {
            shear: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("ends at l = 32"), "{e}");
}
