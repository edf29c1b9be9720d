//! Inputs of the science benchmarks, shared by the criterion benches and
//! `examples/science_timing.rs` (which `tools/bench_vs_glass.py` times
//! against Python GLASS on the same inputs).

use std::hint::black_box;

use glass::fields::DiscretizedClsOptions;
use glass::fields::{discretized_cls, lognormal_fields, solve_gaussian_spectra};
use glass::grf::Transformation;
use glass::observations::smail_nz;
use glass::observations::SmailNzOptions;
use glass::shells::{partition, redshift_grid, tophat_windows, PartitionMethod, RadialWindow};
use glass::shells::{GridStep, WindowOptions};
use glass::transformcl::TransformclOptions;
use glass::transformcl::{cltocorr, corrtocl};
use ndarray::ArrayD;

/// Toy matter spectra of `nfields` shells in GLASS order, the formula of
/// `shell_spectra` in tools/reference/science_golden.py: auto spectra
/// `amp (1 + 0.2 i) / (1 + l/(20 + 5 i))^2.5 / (1 + l)^0.5` with a zero
/// monopole, cross spectra `r^(i-j) sqrt(C_ii C_jj)`.
pub fn shell_spectra(nfields: usize, lmax: usize, r: f64, amp: f64) -> Vec<Vec<f64>> {
    let autos: Vec<Vec<f64>> = (0..nfields)
        .map(|i| {
            let i = i as f64;
            (0..=lmax)
                .map(|l| {
                    if l == 0 {
                        return 0.0;
                    }
                    let l = l as f64;
                    amp * (1.0 + 0.2 * i)
                        / (1.0 + l / (20.0 + 5.0 * i)).powf(2.5)
                        / (1.0 + l).powf(0.5)
                })
                .collect()
        })
        .collect();
    let mut cls = Vec::new();
    for i in 0..nfields {
        for j in (0..=i).rev() {
            let f = r.powi((i - j) as i32);
            cls.push(
                autos[i]
                    .iter()
                    .zip(&autos[j])
                    .map(|(a, b)| f * (a * b).sqrt())
                    .collect(),
            );
        }
    }
    cls
}

/// The spectrum and correlation function inputs of the transform cases.
pub fn transform_input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|l| (1.0 + (0.3 * l as f64).cos()) / (1.0 + l as f64).powi(2))
        .collect()
}

/// One benchmark case with its inputs.
pub enum Case {
    /// `solve_gaussian_spectra` for 10 lognormal shells of
    /// `redshift_grid(0, 1, dz=0.1)`, spectra through
    /// `discretized_cls(ncorr=3)`.
    Solve {
        fields: Vec<Box<dyn Transformation>>,
        spectra: Vec<Vec<f64>>,
    },
    /// `cltocorr` of `n` modes.
    Cltocorr(Vec<f64>),
    /// `corrtocl` of `n` points.
    Corrtocl(Vec<f64>),
    /// `partition` (nnls) of a Smail n(z) on 301 points into 30 top-hat shells.
    Partition {
        z: Vec<f64>,
        fz: ArrayD<f64>,
        shells: Vec<RadialWindow>,
    },
}

impl Case {
    /// The case by name (see examples/science_timing.rs).
    pub fn new(name: &str) -> Result<Case, String> {
        let bad = || format!("unknown case {name:?}");
        let (kind, size) = name.rsplit_once('_').ok_or_else(bad)?;
        let size: usize = size.parse().map_err(|_| bad())?;
        Ok(match kind {
            "solve_gaussian_spectra" => {
                let zb = redshift_grid(0.0, 1.0, GridStep::Step(0.1)).map_err(|e| e.to_string())?;
                let shells =
                    tophat_windows(&zb, WindowOptions::default()).map_err(|e| e.to_string())?;
                let fields = lognormal_fields(&shells, None);
                let cls = shell_spectra(shells.len(), size, 0.5, 0.02);
                let spectra = discretized_cls(
                    &cls,
                    DiscretizedClsOptions {
                        lmax: Some(size),
                        ncorr: Some(3),
                        ..Default::default()
                    },
                )
                .map_err(|e| e.to_string())?;
                Case::Solve { fields, spectra }
            }
            "cltocorr" => Case::Cltocorr(transform_input(size)),
            "corrtocl" => Case::Corrtocl(transform_input(size)),
            "partition" => {
                let z = glass::arraytools::linspace(0.0, 3.0, 301, true);
                let fz = smail_nz(&z, 1.0, SmailNzOptions::default()).map_err(|e| e.to_string())?;
                let edges = glass::arraytools::linspace(0.0, 3.0, size + 1, true);
                let shells =
                    tophat_windows(&edges, WindowOptions::default()).map_err(|e| e.to_string())?;
                Case::Partition { z, fz, shells }
            }
            _ => return Err(bad()),
        })
    }

    /// Runs the case once.
    pub fn run(&self) {
        match self {
            Case::Solve { fields, spectra } => {
                black_box(solve_gaussian_spectra(fields, spectra).expect("solve"));
            }
            Case::Cltocorr(x) => {
                black_box(cltocorr(x, TransformclOptions::default()).expect("cltocorr"));
            }
            Case::Corrtocl(x) => {
                black_box(corrtocl(x, TransformclOptions::default()).expect("corrtocl"));
            }
            Case::Partition { z, fz, shells } => {
                black_box(
                    partition(z, fz.view(), shells, PartitionMethod::Nnls).expect("partition"),
                );
            }
        }
    }
}
