//! The cosmic-shear check of GLASS's examples: the shear of a simulated
//! catalogue has the E-mode power spectrum that the input convergence
//! predicts, `C_E(l) = (l + 2)(l - 1) / (l (l + 1)) C_κ(l)`, and no
//! B-mode.
//!
//! A Gaussian convergence map with a known spectrum (nside 128, lmax 256),
//! its shear by `from_convergence` (no pixel-window correction: the map is
//! band-limited, not pixelised), about 2e6 galaxies uniform on the sphere
//! (~10 per pixel) that pick up the shear of their pixel through
//! `galaxy_shear` (zero intrinsic ellipticity, no reduced shear), and the
//! catalogue binned back into a map of mean shear per pixel. Its spin-2
//! spectrum is compared with the prediction from the input spectrum by the
//! inverse-variance weighted amplitude over l = 10..200 (within 4σ, σ ≈
//! 0.7%: cosmic variance of one sky), and, free of cosmic variance, with
//! the prediction from the spectrum of the realised convergence map
//! (within 0.5%: a 1% error fails); the B-mode must vanish.

use glass::fields::{generate, GenerateOptions};
use glass::galaxies::{galaxy_shear, GalaxyShearOptions};
use glass::grf::{Normal, Transformation};
use glass::healpix::{alm2cl, ang2pix, map2alm, map2alm_spin};
use glass::lensing::{from_convergence, FromConvergenceOptions};
use glass::points::{uniform_positions, ARCMIN2_SPHERE};
use glass::rng::{Key, Rng};
use glass::{Backend, DType};
use ndarray::{ArrayD, IxDyn};

#[test]
fn shear_spectrum_of_a_catalogue_matches_the_convergence() {
    let xp = Backend::embedded_ndarray().unwrap();
    let (nside, lmax) = (128i64, 256usize);
    let npix = 12 * (nside * nside) as usize;
    let ckk: Vec<f64> = (0..=lmax)
        .map(|l| {
            if l < 2 {
                0.0
            } else {
                1e-4 / (l as f64).powf(1.2)
            }
        })
        .collect();
    let fields: Vec<Box<dyn Transformation>> = vec![Box::new(Normal)];
    let rng = Rng::new(2027);
    let kappa = generate(
        &xp,
        &fields,
        std::slice::from_ref(&ckk),
        nside,
        GenerateOptions::default(),
        &rng,
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap();
    let maps = from_convergence(
        &kappa,
        Some(lmax),
        FromConvergenceOptions {
            shear: true,
            discretized: false,
            ..Default::default()
        },
    )
    .unwrap();
    let gamma = maps.shear.unwrap();
    let (g1, g2) = (gamma.real().unwrap(), gamma.imag().unwrap());

    // the catalogue: ~10 galaxies per pixel
    let ngal = ArrayD::from_elem(IxDyn(&[]), 10.0 * npix as f64 / ARCMIN2_SPHERE);
    let cat = uniform_positions(&xp, &ngal, &rng.substream(&[Key::Stage("galaxies")])).unwrap();
    let b = &cat[0];
    let eps = xp.zeros(&[b.count], DType::Complex128).unwrap();
    let she = galaxy_shear(
        &b.lon,
        &b.lat,
        &eps,
        &kappa,
        &g1,
        &g2,
        GalaxyShearOptions {
            reduced_shear: false,
        },
    )
    .unwrap();

    // bin: mean shear per pixel
    let rad = std::f64::consts::PI / 180.0;
    let theta = (&(&(&b.lat * -1.0).ok().unwrap() + 90.0).ok().unwrap() * rad)
        .ok()
        .unwrap();
    let phi = (&b.lon * rad).ok().unwrap();
    let pix = ang2pix(nside, &theta, &phi, false)
        .unwrap()
        .to_vec::<i64>()
        .unwrap();
    let e1 = she.real().unwrap().to_vec::<f64>().unwrap();
    let e2 = she.imag().unwrap().to_vec::<f64>().unwrap();
    let mut sum = vec![[0.0f64; 2]; npix];
    let mut n = vec![0u32; npix];
    for ((p, a), c) in pix.iter().zip(&e1).zip(&e2) {
        let p = *p as usize;
        sum[p][0] += a;
        sum[p][1] += c;
        n[p] += 1;
    }
    let empty = n.iter().filter(|&&k| k == 0).count();
    assert!(empty < npix / 10000, "{empty} empty pixels");
    let mut qu = vec![0.0; 2 * npix];
    for p in 0..npix {
        if n[p] > 0 {
            qu[p] = sum[p][0] / n[p] as f64;
            qu[npix + p] = sum[p][1] / n[p] as f64;
        }
    }
    let qu = xp.asarray(&qu, &[2, npix]).unwrap();
    let eb = map2alm_spin(&qu, 2, Some(lmax), None, 3).unwrap();
    let e = eb
        .get(&[glass::IndexItem::Int(0), glass::IndexItem::Ellipsis])
        .unwrap();
    let bm = eb
        .get(&[glass::IndexItem::Int(1), glass::IndexItem::Ellipsis])
        .unwrap();
    let cee = alm2cl(&e, None, None).unwrap().to_vec::<f64>().unwrap();
    let cbb = alm2cl(&bm, None, None).unwrap().to_vec::<f64>().unwrap();

    let kalm = map2alm(&kappa, Some(lmax), None, 3, None).unwrap();
    let ckk_hat = alm2cl(&kalm, None, None).unwrap().to_vec::<f64>().unwrap();

    let (mut num, mut den, mut bnum, mut real_num) = (0.0, 0.0, 0.0, 0.0);
    for l in 10..=200 {
        let lf = l as f64;
        let f = (lf + 2.0) * (lf - 1.0) / (lf * (lf + 1.0));
        let want = f * ckk[l];
        // var(C_hat / C) = 2 / (2l + 1)
        let w = (2 * l + 1) as f64 / 2.0;
        num += w * cee[l] / want;
        bnum += w * cbb[l] / want;
        real_num += w * cee[l] / (f * ckk_hat[l]);
        den += w;
    }
    let (amp, sigma) = (num / den, 1.0 / den.sqrt());
    assert!(sigma < 0.008, "{sigma}");
    assert!(
        (amp - 1.0).abs() < 4.0 * sigma,
        "E-mode amplitude {amp} ± {sigma} (input spectrum)"
    );
    let real = real_num / den;
    assert!(
        (real - 1.0).abs() < 0.005,
        "E-mode amplitude {real} against the realised convergence"
    );
    let bamp = bnum / den;
    println!("E amplitude: {amp} ± {sigma} (input), {real} (realised); B amplitude {bamp}");
    assert!(
        bamp.abs() < 1e-3,
        "B-mode amplitude {bamp} of the E-mode prediction"
    );
}
