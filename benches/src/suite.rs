//! The registered benchmarks, one function per GLASS module.
//!
//! Sizes follow GLASS's regression tests (`tests/benchmarks/` in the GLASS
//! repository) where it has one, and are otherwise chosen so that a stable
//! case takes a millisecond or more and an unstable one less. Host
//! functions (plain Rust on `f64`) are registered once as `host`; array
//! ops once per backend of [`crate::backends`].
//!
//! To add a module: write `pub fn module(s: &mut Suite)` registering its
//! cases with [`Suite::add`] and call it from [`regression`].

use std::hint::black_box;

use glass::algorithm::{cov_clip, cov_nearest, nearcorr, nnls};
use glass::arraytools::{
    broadcast_leading_axes, cumulative_trapezoid, ndinterp, trapezoid_product,
};
use glass::healpix;
use glass::shells::{linear_windows, partition, tophat_windows, PartitionMethod, RadialWindow};
use glass_healpix::alm::alm_size;
use glass_healpix::sht::ShtPlan;
use ndarray::{Array1, Array2, ArrayD, IxDyn};
use num_complex::Complex64;

use crate::Stability::{Stable, Unstable};
use crate::{backends, check, Suite};
use glass::algorithm::{NearcorrOptions, NnlsOptions};
use glass::arraytools::NdinterpOptions;
use glass::fields::EffectiveClsOptions;
use glass::shells::WindowOptions;
use glass::transformcl::TransformclOptions;

/// The GLASS regression suite, as far as its functions are ported.
pub fn regression() -> Suite {
    let mut s = Suite::default();
    arraytools(&mut s);
    shells(&mut s);
    algorithm(&mut s);
    harmonics(&mut s);
    fields(&mut s);
    simulation(&mut s);
    s
}

/// The spherical harmonic transforms (`benches/sht.rs`).
pub fn sht() -> Suite {
    let mut s = Suite::default();
    healpix_transforms(&mut s);
    s
}

/// Everything registered: [`regression`] and [`sht`].
pub fn all() -> Suite {
    let mut s = regression();
    healpix_transforms(&mut s);
    s
}

/// Evenly spaced points `start, start + step, ...` (`n` of them).
fn grid(start: f64, step: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| start + step * i as f64).collect()
}

/// `glass.arraytools`: host functions on `f64`.
pub fn arraytools(s: &mut Suite) {
    // GLASS: a scalar, b (4, 10), c (30, 1, 5, 6).
    s.add(
        Unstable,
        "arraytools.broadcast_leading_axes",
        "host",
        "c30x1x5x6",
        || {
            let a = ArrayD::<f64>::zeros(IxDyn(&[]));
            let b = ArrayD::<f64>::zeros(IxDyn(&[4, 10]));
            let c = ArrayD::<f64>::zeros(IxDyn(&[30, 1, 5, 6]));
            Box::new(move || {
                check(broadcast_leading_axes(&[
                    (a.view(), 0),
                    (b.view(), 1),
                    (c.view(), 2),
                ]))
            })
        },
    );
    // GLASS: 1-D of 10 000 values and 2-D of 2 x 5 000.
    for (size, shape) in [("n10000", vec![10_000]), ("2xn5000", vec![2, 5_000])] {
        s.add(
            Unstable,
            "arraytools.cumulative_trapezoid",
            "host",
            size,
            move || {
                let n = *shape.last().unwrap_or(&0);
                let total: usize = shape.iter().product();
                let f = ArrayD::from_shape_vec(IxDyn(&shape), grid(1.0, 1.0, total))
                    .expect("shape of the test data");
                let x = grid(0.0, 1.0, n);
                Box::new(move || check(cumulative_trapezoid(f.view(), &x)))
            },
        );
    }
    // 100 functions of 1 000 samples each, onto 2 000 points.
    for (stability, size, rows) in [(Unstable, "10x1000", 10), (Stable, "100x1000", 100)] {
        s.add(stability, "arraytools.ndinterp", "host", size, move || {
            let xq = grid(0.0, 1e-3, 1000);
            let fq = ArrayD::from_shape_fn(IxDyn(&[rows, 1000]), |i| {
                ((i[0] + 1) as f64 * 1e-3 * i[1] as f64).sin()
            });
            let x = Array1::from(grid(-0.1, 6e-4, 2000)).into_dyn();
            Box::new(move || {
                check(ndinterp(
                    x.view(),
                    &xq,
                    fq.view(),
                    NdinterpOptions::default(),
                ))
            })
        });
    }
    // Three functions on offset grids of 10 000 points.
    s.add(
        Stable,
        "arraytools.trapezoid_product",
        "host",
        "3xn10000",
        || {
            let fns: Vec<(Vec<f64>, Vec<f64>)> = (0..3)
                .map(|k| {
                    let x = grid(0.01 * k as f64, 3e-4 + 1e-5 * k as f64, 10_000);
                    let y = x.iter().map(|v| (-v).exp()).collect();
                    (x, y)
                })
                .collect();
            Box::new(move || {
                let ff: Vec<(&[f64], &[f64])> = fns[1..]
                    .iter()
                    .map(|(x, y)| (x.as_slice(), y.as_slice()))
                    .collect();
                check(trapezoid_product(
                    (fns[0].0.as_slice(), fns[0].1.as_slice()),
                    &ff,
                ))
            })
        },
    );
}

/// 30 tophat shells in redshift up to 3 (GLASS's default `dz = 1e-3`).
fn thirty_shells() -> Vec<RadialWindow> {
    let edges = grid(0.0, 0.1, 31);
    tophat_windows(&edges, WindowOptions::default()).expect("tophat windows")
}

/// A Smail-type redshift distribution on 0 <= z <= 3 (3 001 points).
fn smail_nz() -> (Vec<f64>, ArrayD<f64>) {
    let z = grid(0.0, 1e-3, 3001);
    let nz = z
        .iter()
        .map(|&z| z * z * (-(z / 0.5f64).powf(1.5)).exp())
        .collect::<Vec<_>>();
    (z, Array1::from(nz).into_dyn())
}

/// `glass.shells`: window functions and `partition` on 30 shells.
pub fn shells(s: &mut Suite) {
    // GLASS: RadialWindow of 100 000 points (its zeff is computed).
    s.add(Unstable, "shells.radialwindow", "host", "n100000", || {
        let za = grid(0.0, 1.0, 100_000);
        Box::new(move || check(RadialWindow::new(za.clone(), za.clone(), None)))
    });
    s.add(
        Unstable,
        "shells.tophat_windows",
        "host",
        "shells30",
        || {
            let edges = grid(0.0, 0.1, 31);
            Box::new(move || check(tophat_windows(&edges, WindowOptions::default())))
        },
    );
    s.add(
        Unstable,
        "shells.linear_windows",
        "host",
        "shells30",
        || {
            let nodes = grid(0.0, 0.1, 32);
            Box::new(move || check(linear_windows(&nodes, WindowOptions::default())))
        },
    );
    for (method, name) in [
        (PartitionMethod::Nnls, "shells.partition_nnls"),
        (PartitionMethod::Lstsq, "shells.partition_lstsq"),
        (PartitionMethod::Restrict, "shells.partition_restrict"),
    ] {
        s.add(Stable, name, "host", "shells30", move || {
            let shells = thirty_shells();
            let (z, nz) = smail_nz();
            Box::new(move || check(partition(&z, nz.view(), &shells, method)))
        });
    }
}

/// A symmetric test matrix of size `n` that is not positive definite.
fn indefinite(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, n), |(i, j)| {
        let d = i.abs_diff(j) as f64;
        if i == j {
            1.0
        } else {
            0.9f64.powf(d) * (1.0 + 0.3 * ((i + j) as f64).sin())
        }
    })
}

/// `glass.algorithm`: non-negative least squares and nearest covariances.
pub fn algorithm(s: &mut Suite) {
    // GLASS: a = arange(25).reshape(5, 5), b = a @ arange(5).
    s.add(Unstable, "algorithm.nnls", "host", "5x5", || {
        let a = Array2::from_shape_fn((5, 5), |(i, j)| (5 * i + j) as f64);
        let b: Vec<f64> = (0..5)
            .map(|i| (0..5).map(|j| a[(i, j)] * j as f64).sum())
            .collect();
        Box::new(move || {
            check(nnls(
                a.view(),
                &b,
                NnlsOptions {
                    tol: 1e-10,
                    ..Default::default()
                },
            ))
        })
    });
    s.add(Stable, "algorithm.nnls", "host", "300x60", || {
        let a = Array2::from_shape_fn((300, 60), |(i, j)| {
            (0.37 * (i * 60 + j) as f64).sin().abs() + 0.01 * (i == j) as u8 as f64
        });
        let b: Vec<f64> = (0..300).map(|i| (0.05 * i as f64).cos()).collect();
        Box::new(move || {
            check(nnls(
                a.view(),
                &b,
                NnlsOptions {
                    tol: 1e-10,
                    ..Default::default()
                },
            ))
        })
    });
    for (stability, n) in [(Unstable, 10), (Stable, 100)] {
        s.add(
            stability,
            "algorithm.cov_clip",
            "host",
            &format!("n{n}"),
            move || {
                let m = indefinite(n).into_dyn();
                Box::new(move || check(cov_clip(m.view(), None)))
            },
        );
    }
    for (stability, n) in [(Unstable, 10), (Stable, 60)] {
        let size = format!("n{n}");
        s.add(stability, "algorithm.nearcorr", "host", &size, move || {
            let m = indefinite(n).into_dyn();
            Box::new(move || check(nearcorr(m.view(), NearcorrOptions::default())))
        });
        s.add(
            stability,
            "algorithm.cov_nearest",
            "host",
            &size,
            move || {
                let m = indefinite(n).into_dyn() * 2.0;
                Box::new(move || check(cov_nearest(m.view(), NearcorrOptions::default())))
            },
        );
    }
}

/// Test alm (complex, healpy order) of band limit `lmax`.
fn test_alm(lmax: usize) -> Vec<Complex64> {
    (0..alm_size(lmax, lmax))
        .map(|i| {
            Complex64::new((0.37 * i as f64).cos(), (0.11 * i as f64).sin())
                / (1.0 + (i % (lmax + 1)) as f64)
        })
        .collect()
}

/// `glass.harmonics`: `multalm` on each backend.
pub fn harmonics(s: &mut Suite) {
    // GLASS multiplies 500 000 alm; lmax 999 has 500 500.
    for (stability, lmax) in [(Unstable, 64usize), (Stable, 999)] {
        s.add_on_each(
            stability,
            "harmonics.multalm",
            &format!("lmax{lmax}"),
            move |b| {
                let alm = b.asarray1(&test_alm(lmax)).expect("alm on the backend");
                let bl: Vec<f64> = (0..=lmax).map(|l| 1.0 / (1.0 + l as f64)).collect();
                Box::new(move || check(glass::harmonics::multalm(&alm, &bl)))
            },
        );
    }
}

/// `GLASS_BENCH_NSIDES` (comma-separated) or the default sizes.
fn nsides() -> Vec<i64> {
    std::env::var("GLASS_BENCH_NSIDES")
        .unwrap_or_else(|_| "64,256".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// `glass.healpix` transforms at `lmax = 2 nside`: the kernels of
/// glass-healpix on one thread (`host-threads1`, a private rayon pool) and
/// on the global pool (`host-threadsN`), and `alm2map` through each
/// backend's op interface (the strict backend runs the standard-op
/// fallback, practical up to nside 64).
pub fn healpix_transforms(s: &mut Suite) {
    type Transform = fn(&ShtPlan, &[Complex64], &[f64]);
    let ops: [(&str, Transform); 4] = [
        ("healpix.alm2map", |p, alm, _| check(p.alm2map(alm))),
        ("healpix.map2alm_iter0", |p, _, map| {
            check(p.map2alm(map, 0, None))
        }),
        ("healpix.map2alm_iter3", |p, _, map| {
            check(p.map2alm(map, 3, None))
        }),
        ("healpix.alm2map_spin2", |p, alm, _| {
            check(p.alm2map_spin(2, alm, alm))
        }),
    ];
    for nside in nsides() {
        let size = format!("nside{nside}");
        for (name, op) in ops {
            for threads in ["threads1", "threadsN"] {
                let backend = format!("host-{threads}");
                s.add(Stable, name, &backend, &size, move || {
                    let lmax = 2 * nside as usize;
                    let plan = ShtPlan::new(nside, lmax, lmax).expect("plan");
                    let alm = test_alm(lmax);
                    let map = plan.alm2map(&alm).expect("alm2map");
                    // One thread: a pool of its own, unless the caller's
                    // pool has one thread already (the instruction
                    // harness, whose thread is its pool's only worker).
                    let own_pool = threads == "threads1" && rayon::current_num_threads() > 1;
                    let pool = own_pool.then(|| {
                        rayon::ThreadPoolBuilder::new()
                            .num_threads(1)
                            .build()
                            .expect("a one-thread pool")
                    });
                    Box::new(move || match &pool {
                        Some(p) => p.install(|| op(&plan, &alm, &map)),
                        None => op(&plan, &alm, &map),
                    })
                });
            }
        }
    }
    for b in backends() {
        let sizes: Vec<i64> = if b.supports(glass::Op::HealpixAlm2map) {
            nsides()
        } else {
            vec![16, 64]
        };
        for nside in sizes {
            let size = format!("nside{nside}");
            let (b, on) = (b.clone(), b.clone());
            s.add_on(Stable, "healpix.alm2map", &on, &size, move || {
                let lmax = 2 * nside as usize;
                let alm = b.asarray1(&test_alm(lmax)).expect("upload");
                Box::new(move || {
                    black_box(
                        healpix::alm2map(&alm, nside, Some(lmax), Some(lmax)).expect("alm2map"),
                    );
                })
            });
        }
    }
}

/// `glass.fields`, `glass.grf` and `transformcl`: host functions on
/// spectra (inputs from [`crate::science`], the same as
/// `tools/bench_vs_glass.py` gives Python GLASS).
pub fn fields(s: &mut Suite) {
    use crate::science::{shell_spectra, transform_input, Case as Science};
    use glass::fields::{cls2cov, effective_cls, getcl, iternorm};
    use glass::transformcl::{cltocorr, corrtocl};

    // Issue 4's targets: 10 lognormal shells, discretized_cls(ncorr=3).
    for lmax in [256, 1024] {
        s.add(
            Stable,
            "fields.solve_gaussian_spectra",
            "host",
            &format!("shells10_lmax{lmax}"),
            move || {
                let case =
                    Science::new(&format!("solve_gaussian_spectra_{lmax}")).expect("a known case");
                Box::new(move || case.run())
            },
        );
    }
    type Transform = fn(&[f64], TransformclOptions) -> glass::Result<Vec<f64>>;
    let transforms: [(&str, Transform); 2] = [
        ("transformcl.cltocorr", cltocorr),
        ("transformcl.corrtocl", corrtocl),
    ];
    for n in [1024, 4096] {
        for (name, transform) in transforms {
            s.add(Unstable, name, "host", &format!("n{n}"), move || {
                let x = transform_input(n);
                Box::new(move || check(transform(&x, TransformclOptions::default())))
            });
        }
    }
    // GLASS's regression tests of fields: getcl, cls2cov, iternorm,
    // effective_cls, on 10 fields with spectra to lmax 1000.
    s.add(
        Unstable,
        "fields.getcl",
        "host",
        "fields10_lmax1000",
        || {
            let cls = shell_spectra(10, 1000, 0.5, 0.02);
            Box::new(move || check(getcl(&cls, 7, 3, Some(500))))
        },
    );
    s.add(
        Unstable,
        "fields.cls2cov",
        "host",
        "fields10_nc3_lmax1000",
        || {
            let cls = shell_spectra(10, 1000, 0.5, 0.02);
            Box::new(move || check(cls2cov(&cls, 1001, 10, 3)))
        },
    );
    s.add(
        Unstable,
        "fields.iternorm",
        "host",
        "fields10_nc3_lmax1000",
        || {
            let cls = shell_spectra(10, 1000, 0.5, 0.02);
            let covs = cls2cov(&cls, 1001, 10, 3).expect("cls2cov");
            Box::new(move || {
                let views: Vec<_> = covs.iter().map(|c| c.view().into_dyn()).collect();
                check(iternorm(&views))
            })
        },
    );
    s.add(
        Stable,
        "fields.effective_cls",
        "host",
        "fields10_w10x5_lmax1000",
        || {
            let cls = shell_spectra(10, 1000, 0.5, 0.02);
            let w =
                Array2::from_shape_fn((10, 5), |(i, j)| 1.0 / (1.0 + (i + j) as f64)).into_dyn();
            Box::new(move || {
                check(effective_cls(
                    &cls,
                    w.view(),
                    EffectiveClsOptions::default(),
                ))
            })
        },
    );
}

/// Spectra of `n` lognormal shells to `lmax`, neighbours correlated at 0.5.
fn lognormal_gls(n: usize, lmax: usize) -> Vec<Vec<f64>> {
    let auto = |i: usize| -> Vec<f64> {
        (0..=lmax)
            .map(|l| {
                if l == 0 {
                    0.0
                } else {
                    0.02 / (1.0 + i as f64) / (1.0 + l as f64).powf(1.3)
                }
            })
            .collect()
    };
    let mut gls = Vec::new();
    for i in 0..n {
        for j in (0..=i).rev() {
            let r = match i - j {
                0 => 1.0,
                1 => 0.5,
                _ => 0.0,
            };
            let (a, b) = (auto(i), auto(j));
            gls.push(a.iter().zip(&b).map(|(x, y)| r * (x * y).sqrt()).collect());
        }
    }
    gls
}

/// The sampling half of GLASS (fields, lensing, points, galaxies,
/// shapes) on each backend, at the sizes of GLASS's regression tests of
/// these modules where they have one (nside 64 maps, 10^5 galaxies) and
/// otherwise those of one shell of its examples.
pub fn simulation(s: &mut Suite) {
    use glass::fields::{generate, GenerateOptions};
    use glass::galaxies::{galaxy_shear, redshifts, GalaxyShearOptions};
    use glass::grf::{Lognormal, Transformation};
    use glass::lensing::{from_convergence, FromConvergenceOptions, MultiPlaneConvergence};
    use glass::points::{positions_from_delta, PositionsOptions, ARCMIN2_SPHERE};
    use glass::rng::Rng;
    use glass::shapes::{ellipticity_intnorm, triaxial_axis_ratio};

    const NSIDE: i64 = 64;
    const NGAL: usize = 100_000;
    let npix = 12 * (NSIDE * NSIDE) as usize;
    let map = move |b: &glass::Backend, amp: f64| -> glass::Array {
        let v: Vec<f64> = (0..npix).map(|i| amp * ((i as f64) * 0.37).sin()).collect();
        b.asarray1(&v).expect("map on the backend")
    };
    s.add_on_each(
        Stable,
        "fields.generate",
        &format!("nside{NSIDE}_shells3"),
        |b| {
            let gls = lognormal_gls(3, 2 * NSIDE as usize);
            let fields: Vec<Box<dyn Transformation>> = (0..3)
                .map(|_| Box::new(Lognormal::new(1.0)) as Box<dyn Transformation>)
                .collect();
            let b = b.clone();
            Box::new(move || {
                let opts = GenerateOptions { ncorr: Some(1) };
                let it = generate(&b, &fields, &gls, NSIDE, opts, &Rng::new(1)).expect("generate");
                for m in it {
                    check(m);
                }
            })
        },
    );
    let planes = format!("nside{NSIDE}_planes10");
    s.add_on_each(
        Stable,
        "lensing.multi_plane_convergence",
        &planes,
        move |b| {
            let deltas: Vec<glass::Array> =
                (0..10).map(|i| map(b, 0.1 + 0.01 * i as f64)).collect();
            let cosmo = glass::cosmology::LambdaCdm::flat(70.0, 0.3).expect("cosmology");
            Box::new(move || {
                let mut conv = MultiPlaneConvergence::new(&cosmo);
                for (i, d) in deltas.iter().enumerate() {
                    check(conv.add_plane(d, 0.1 * (i + 1) as f64, 1.0));
                }
            })
        },
    );
    let shear = format!("nside{NSIDE}_shear");
    s.add_on_each(Stable, "lensing.from_convergence", &shear, move |b| {
        let kappa = map(b, 0.01);
        let opts = FromConvergenceOptions {
            shear: true,
            ..Default::default()
        };
        Box::new(move || check(from_convergence(&kappa, Some(2 * NSIDE as usize), opts)))
    });
    let catalogue = format!("nside{NSIDE}_ngal1e5");
    s.add_on_each(
        Stable,
        "points.positions_from_delta",
        &catalogue,
        move |b| {
            let delta = map(b, 0.5);
            let ngal = ndarray::ArrayD::from_elem(IxDyn(&[]), NGAL as f64 / ARCMIN2_SPHERE);
            Box::new(move || {
                let opts = PositionsOptions::default();
                let it = positions_from_delta(&ngal, &delta, None, None, opts, &Rng::new(2))
                    .expect("positions");
                for batch in it {
                    check(batch);
                }
            })
        },
    );
    s.add_on_each(Stable, "galaxies.redshifts", "ngal1e5", |b| {
        let w = RadialWindow {
            za: grid(0.0, 0.01, 101),
            wa: vec![1.0; 101],
            zeff: 0.5,
        };
        let b = b.clone();
        Box::new(move || check(redshifts(&b, NGAL, &w, &mut Rng::new(3))))
    });
    s.add_on_each(Stable, "galaxies.galaxy_shear", &catalogue, move |b| {
        let (kappa, g1, g2) = (map(b, 0.01), map(b, 0.02), map(b, -0.02));
        let lon = b
            .asarray1(&grid(0.0, 360.0 / NGAL as f64, NGAL))
            .expect("lon");
        let lat: Vec<f64> = (0..NGAL)
            .map(|i| 89.0 * ((i as f64) * 0.01).sin())
            .collect();
        let lat = b.asarray1(&lat).expect("lat");
        let eps = ellipticity_intnorm(b, NGAL, 0.26, &mut Rng::new(4)).expect("eps");
        let opts = GalaxyShearOptions::default();
        Box::new(move || check(galaxy_shear(&lon, &lat, &eps, &kappa, &g1, &g2, opts)))
    });
    s.add_on_each(Stable, "shapes.ellipticity_intnorm", "ngal1e5", |b| {
        let b = b.clone();
        Box::new(move || check(ellipticity_intnorm(&b, NGAL, 0.26, &mut Rng::new(5))))
    });
    s.add_on_each(Stable, "shapes.triaxial_axis_ratio", "ngal1e5", |b| {
        let (zeta, xi) = (b.scalar(0.8).expect("zeta"), b.scalar(0.4).expect("xi"));
        Box::new(move || check(triaxial_axis_ratio(&zeta, &xi, &[NGAL], &mut Rng::new(6))))
    });
}
