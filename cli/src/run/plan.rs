//! The plan of a run: the config checked and resolved into what the
//! simulation needs (shells, spectra, samples, mask), before anything is
//! written, with estimates of its peak memory and disk use.

use std::io::Cursor;
use std::path::Path;

use glass::arraytools::{interp, trapezoid, InterpOptions};
use glass::cosmology::LambdaCdm;
use glass::observations::{
    equal_dens_zbins, fixed_zbins, gaussian_nz, smail_nz, tomo_nz_gausserr, AsNd, NzOptions,
    SmailNzOptions, ZBins,
};
use glass::shells::{
    cubic_windows, linear_windows, partition, redshift_grid, tophat_windows, DensityWeight,
    DistanceWeight, GridStep, PartitionMethod, RadialWindow, VolumeWeight, Weight, WindowOptions,
};
use ndarray::{ArrayD, IxDyn};

use super::config::{
    Config, Cosmology, NonLinearKind, Nz, Shift, ShiftModel, Source, TomoMethod, WeightKind,
    WindowKind,
};
use crate::error::key_err;
use crate::CliResult;

/// The CAMB spectra bundled with the program (`../shared/anchors`): the
/// default shells and cosmology, lmax 256.
const BUNDLED_CLS: &[u8] = include_bytes!("../../data/cls_nside128_lmax256.npz");

/// Square arcminutes on the sphere.
const ARCMIN2_SPHERE: f64 = glass::points::ARCMIN2_SPHERE;

/// One galaxy sample, resolved.
#[derive(Debug, Clone)]
pub struct SamplePlan {
    pub name: String,
    /// The n(z) on the grid `z` (galaxies per arcmin² per unit z).
    pub z: Vec<f64>,
    pub dndz: Vec<f64>,
    /// Galaxies per arcmin² in each shell (GLASS `partition`).
    pub ngal: Vec<f64>,
    /// The n(z) the shells hold: `Σ_i ngal_i w_i(z) / ∫ w_i dz`, what the
    /// catalogue's redshifts follow (GLASS draws a shell's redshifts from
    /// its window, `redshifts`).
    pub nz_shells: Vec<f64>,
    /// Tomographic bins in photometric redshift, and the expected n(z) of
    /// each: GLASS `tomo_nz_gausserr` of `nz_shells` (rows are bins).
    pub zbins: Option<Vec<(f64, f64)>>,
    pub tomo_nz: Option<ndarray::Array2<f64>>,
    /// The catalogue's columns.
    pub columns: Vec<&'static str>,
}

impl SamplePlan {
    /// Expected number of galaxies (full sky, before the visibility).
    pub fn expected(&self, vis_fraction: f64) -> f64 {
        self.ngal.iter().sum::<f64>() * ARCMIN2_SPHERE * vis_fraction
    }
}

/// Everything a run needs, checked.
pub struct Plan {
    pub source: Source,
    pub nside: i64,
    pub npix: usize,
    pub lmax: usize,
    pub cosmo: LambdaCdm,
    pub shells: Vec<RadialWindow>,
    /// The input spectra, cut to lmax.
    pub cls: Vec<Vec<f64>>,
    /// Where the spectra came from (for messages and run.json).
    pub spectra_source: String,
    pub samples: Vec<SamplePlan>,
    /// The visibility map, if any.
    pub vis: Option<Vec<f64>>,
    pub figure_shell: usize,
    /// Things the user should know (lmax lowered to what the spectra hold).
    pub notes: Vec<String>,
}

impl Plan {
    pub fn config(&self) -> &Config {
        &self.source.config
    }

    /// Fraction of the sky visible (mean of the visibility map).
    pub fn vis_fraction(&self) -> f64 {
        self.vis
            .as_ref()
            .map_or(1.0, |v| v.iter().sum::<f64>() / v.len() as f64)
    }

    pub fn nalm(&self) -> usize {
        (self.lmax + 1) * (self.lmax + 2) / 2
    }

    /// Columns of one shell's map file.
    pub fn map_columns(&self) -> Vec<String> {
        let c = self.config();
        let mut cols = vec!["DELTA".to_string()];
        if c.lensing.convergence {
            cols.push("KAPPA".into());
        }
        if c.lensing.shear {
            cols.push("GAMMA1".into());
            cols.push("GAMMA2".into());
        }
        if c.lensing.deflection {
            cols.push("ALPHA1".into());
            cols.push("ALPHA2".into());
        }
        for s in &self.samples {
            cols.push(format!("COUNTS_{}", s.name.to_ascii_uppercase()));
        }
        cols
    }

    /// Bytes of the map values of one shell as written.
    pub fn shell_map_bytes(&self) -> u64 {
        let bytes = match self.config().outputs.map_dtype {
            super::config::MapDtype::Float32 => 4,
            super::config::MapDtype::Float64 => 8,
        };
        self.npix as u64 * bytes * self.map_columns().len() as u64
    }

    /// Estimated peak memory of one realisation, bytes: the maps of one
    /// shell and their transforms' work space, the alm kept for the
    /// measured spectra, one batch of galaxies, the program itself.
    pub fn memory_estimate(&self) -> u64 {
        let npix = self.npix as u64;
        let nalm = self.nalm() as u64;
        let nshell = self.shells.len() as u64;
        let maps = npix * 8 * (16 + 2 * self.samples.len() as u64);
        // the δ alm of every shell, the κ alm recurrence (three) and the
        // transforms' work space
        let alms = nshell * nalm * 16 + 11 * nalm * 16;
        let ncorr = self.config().ncorr as u64;
        let sampler = (ncorr + 2) * nalm * 16;
        let cols = self
            .samples
            .iter()
            .map(|s| s.columns.len() as u64)
            .max()
            .unwrap_or(0);
        let batch = 1_000_000u64 * 8 * (cols + 12);
        let spectra = 3 * self.cls.len() as u64 * (self.lmax as u64 + 1) * 8;
        let program = 120 << 20;
        // the output writer: one job queued and one being written, each
        // a shell's maps as written or a batch of rows
        let writer = 2 * self.shell_map_bytes().max(1_000_000 * 8 * cols);
        maps + alms + sampler + batch + spectra + program + writer
    }

    /// Estimated disk use of one realisation, and of the files shared by
    /// all realisations, bytes.
    pub fn disk_estimate(&self) -> (u64, u64) {
        let c = self.config();
        let mut per = 0u64;
        if c.outputs.catalogue {
            for s in &self.samples {
                per += (s.expected(self.vis_fraction()) * s.columns.len() as f64 * 8.0) as u64
                    + 2880 * 4;
            }
        }
        if c.outputs.maps {
            per += self.shells.len() as u64 * (self.shell_map_bytes() + 2880 * 4);
        }
        let spectra = self.cls.len() as u64 * (self.lmax as u64 + 1) * 8 + 4096;
        if c.outputs.spectra {
            per += spectra;
        }
        if c.outputs.figures {
            per += 3 << 20;
        }
        (per, 2 * spectra + (64 << 10))
    }
}

fn check_nside(nside: i64) -> CliResult<()> {
    // a power of two (`isnsideok` for NESTED), and a pixel window table
    if !(glass_healpix::pixel::isnsideok(nside, true) && nside <= 8192) {
        return Err(key_err(
            "nside",
            format!("{nside} is not allowed: a HEALPix nside is a power of two from 1 to 8192"),
        ));
    }
    Ok(())
}

/// The shells of the config.
pub(crate) fn shells(c: &Config, cosmo: &LambdaCdm) -> CliResult<(Vec<f64>, Vec<RadialWindow>)> {
    let s = &c.shells;
    let grid = match &s.edges {
        Some(edges) => {
            if s.zmin.is_some() || s.zmax.is_some() || s.dz.is_some() || s.num.is_some() {
                return Err(key_err(
                    "shells.edges",
                    "give either edges or zmin/zmax with dz or num, not both",
                ));
            }
            if edges.len() < 2 || edges.windows(2).any(|w| !(w[1] > w[0])) || edges[0] < 0.0 {
                return Err(key_err(
                    "shells.edges",
                    "needs at least two non-negative, increasing redshifts",
                ));
            }
            edges.clone()
        }
        None => {
            let step = match (s.dz, s.num) {
                (Some(_), Some(_)) => {
                    return Err(key_err("shells.dz", "give dz or num, not both"));
                }
                (_, Some(0)) => return Err(key_err("shells.num", "must be at least 1")),
                (_, Some(n)) => GridStep::Num(n),
                (Some(dz), None) => GridStep::Step(dz),
                (None, None) => GridStep::Step(0.1),
            };
            let (zmin, zmax) = (s.zmin.unwrap_or(0.0), s.zmax.unwrap_or(1.0));
            if !(zmin >= 0.0 && zmax > zmin) {
                return Err(key_err(
                    "shells.zmin",
                    format!("need 0 <= zmin < zmax, got {zmin} and {zmax}"),
                ));
            }
            redshift_grid(zmin, zmax, step).map_err(|e| key_err("shells", e.to_string()))?
        }
    };
    let ramp = |z: f64| (z / 0.1).min(1.0);
    let distance = DistanceWeight::new(cosmo);
    let volume = VolumeWeight::new(cosmo);
    let density = DensityWeight::new(cosmo);
    let weight: Option<&dyn Weight> = match s.weight {
        WeightKind::Camb => Some(&ramp),
        WeightKind::Uniform => None,
        WeightKind::Distance => Some(&distance),
        WeightKind::Volume => Some(&volume),
        WeightKind::Density => Some(&density),
    };
    let options = WindowOptions {
        weight,
        ..Default::default()
    };
    let w = match s.window {
        WindowKind::Tophat => tophat_windows(&grid, options),
        WindowKind::Linear => linear_windows(&grid, options),
        WindowKind::Cubic => cubic_windows(&grid, options),
    }
    .map_err(|e| key_err("shells", e.to_string()))?;
    if w.is_empty() {
        return Err(key_err("shells", "the grid gives no shells"));
    }
    Ok((grid, w))
}

/// The normalisation of a config's cosmology: at most one of `sigma8` and
/// `A_s`, positive.
fn check_normalisation(co: &Cosmology) -> CliResult<()> {
    if co.sigma8.is_some() && co.A_s.is_some() {
        return Err(key_err("cosmology.sigma8", "give sigma8 or A_s, not both"));
    }
    for (k, v) in [("cosmology.sigma8", co.sigma8), ("cosmology.A_s", co.A_s)] {
        if let Some(v) = v.filter(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(key_err(k, format!("must be positive, got {v}")));
        }
    }
    Ok(())
}

/// The background (distances, growth) of a config's cosmology.
pub(crate) fn background(co: &Cosmology) -> CliResult<LambdaCdm> {
    LambdaCdm::new(100.0 * co.h, co.Omega_m, 1.0 - co.Omega_m - co.Omega_k)
        .and_then(|c| c.with_w0wa(co.w0, co.wa))
        .map_err(|e| key_err("cosmology", e.to_string()))
}

/// The built-in spectra's parameters of a config's cosmology.
pub(crate) fn spectra_parameters(co: &Cosmology) -> CliResult<glass::spectra::Parameters> {
    check_normalisation(co)?;
    let amplitude = match (co.sigma8, co.A_s) {
        (Some(s), _) => glass::spectra::Amplitude::Sigma8(s),
        (None, Some(a)) => glass::spectra::Amplitude::As(a),
        (None, None) => {
            return Err(key_err(
                "cosmology.sigma8",
                "the built-in spectra need a normalisation: give sigma8 or A_s",
            ))
        }
    };
    let p = glass::spectra::Parameters {
        h: co.h,
        omega_m: co.Omega_m,
        omega_b: co.Omega_b,
        omega_k: co.Omega_k,
        n_s: co.n_s,
        amplitude,
        w0: co.w0,
        wa: co.wa,
        m_nu: co.m_nu,
    };
    p.validate()
        .map_err(|e| key_err("cosmology", e.to_string()))?;
    Ok(p)
}

/// The built-in spectra of a config's cosmology for `shells` to `lmax`.
pub(crate) fn builtin_spectra(
    c: &Config,
    shells: &[RadialWindow],
    lmax: usize,
) -> CliResult<(Vec<Vec<f64>>, String)> {
    let p = spectra_parameters(&c.cosmology)?;
    let nonlinear = match c.spectra.nonlinear {
        NonLinearKind::HmCode2020 => glass::spectra::NonLinear::HmCode2020,
        NonLinearKind::Takahashi2012 => glass::spectra::NonLinear::Takahashi2012,
        NonLinearKind::None => glass::spectra::NonLinear::None,
    };
    let options = glass::spectra::MatterClsOptions {
        nonlinear,
        ..Default::default()
    };
    let cls = glass::spectra::matter_cls(&p, lmax, shells, options)
        .map_err(|e| key_err("spectra", e.to_string()))?;
    let model = match c.spectra.nonlinear {
        NonLinearKind::HmCode2020 => "HMcode-2020",
        NonLinearKind::Takahashi2012 => "Takahashi 2012 halofit",
        NonLinearKind::None => "linear",
    };
    Ok((cls, format!("built-in spectra ({model}, lmax {lmax})")))
}

/// The spectra of the config and a description of where they came from.
fn spectra(src: &Source, shells: &[RadialWindow]) -> CliResult<(Vec<Vec<f64>>, String)> {
    let f = &src.config.spectra.file;
    if f == "builtin" {
        let c = &src.config;
        let lmax = c.lmax.unwrap_or(2 * c.nside as usize);
        return builtin_spectra(c, shells, lmax);
    }
    if f == "bundled" {
        let cls = glass::user::load_cls_from(Cursor::new(BUNDLED_CLS), Path::new("bundled"))?;
        return Ok((
            cls,
            "bundled CAMB spectra (cls_nside128_lmax256.npz)".into(),
        ));
    }
    let p = src.resolve(f);
    let cls = glass::load_cls(&p).map_err(|e| {
        key_err(
            "spectra.file",
            format!("{e} (a .npz written by glass.save_cls, \"bundled\" or \"builtin\")"),
        )
    })?;
    Ok((cls, p.display().to_string()))
}

/// n(z) of a sample on the grid `z`, normalised to `density` galaxies per
/// arcmin² over the grid.
fn sample_nz(src: &Source, k: usize, z: &[f64]) -> CliResult<(Vec<f64>, Vec<f64>)> {
    let s = &src.config.galaxies[k];
    let key = |f: &str| format!("galaxies[{k}].{f}");
    let glass_err = |f: &str, e: glass::Error| key_err(key(f), e.to_string());
    let (z, mut nz): (Vec<f64>, Vec<f64>) = match &s.nz {
        Nz::Smail {
            z_mode,
            alpha,
            beta,
        } => {
            let nz = smail_nz(
                z,
                *z_mode,
                SmailNzOptions {
                    alpha: alpha.as_nd(),
                    beta: beta.as_nd(),
                    norm: None,
                },
            )
            .map_err(|e| glass_err("nz", e))?;
            (z.to_vec(), nz.iter().copied().collect())
        }
        Nz::Gaussian { mean, sigma } => {
            let nz = gaussian_nz(z, *mean, *sigma, NzOptions::default())
                .map_err(|e| glass_err("nz", e))?;
            (z.to_vec(), nz.iter().copied().collect())
        }
        Nz::Uniform => (z.to_vec(), vec![1.0; z.len()]),
        Nz::File { path } => {
            let p = src.resolve(path);
            let text = std::fs::read_to_string(&p).map_err(|e| {
                key_err(key("nz.path"), format!("cannot read {}: {e}", p.display()))
            })?;
            let mut zz = Vec::new();
            let mut nn = Vec::new();
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let v: Vec<f64> = line
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|t| !t.is_empty())
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        key_err(
                            key("nz.path"),
                            format!("{}:{}: not two numbers z, dN/dz", p.display(), i + 1),
                        )
                    })?;
                if v.len() != 2 || !(v[1] >= 0.0) || !v[0].is_finite() || !v[1].is_finite() {
                    return Err(key_err(
                        key("nz.path"),
                        format!(
                            "{}:{}: need two columns z and dN/dz >= 0",
                            p.display(),
                            i + 1
                        ),
                    ));
                }
                zz.push(v[0]);
                nn.push(v[1]);
            }
            if zz.len() < 2 || zz.windows(2).any(|w| !(w[1] > w[0])) {
                return Err(key_err(
                    key("nz.path"),
                    format!("{}: needs at least two rows of increasing z", p.display()),
                ));
            }
            (zz, nn)
        }
    };
    let integral = trapezoid(&nz, &z).map_err(|e| glass_err("nz", e))?;
    match s.density {
        Some(d) => {
            if !(d >= 0.0) || !d.is_finite() {
                return Err(key_err(
                    key("density"),
                    format!("must be a non-negative number of galaxies per arcmin², got {d}"),
                ));
            }
            if !(integral > 0.0) {
                return Err(key_err(
                    key("nz"),
                    "the redshift distribution is zero over the shells",
                ));
            }
            nz.iter_mut().for_each(|v| *v *= d / integral);
        }
        None if matches!(s.nz, Nz::File { .. }) => {}
        None => {
            return Err(key_err(
                key("density"),
                "missing: galaxies per arcmin² (only an n(z) file can do without)",
            ))
        }
    }
    Ok((z, nz))
}

fn sample(src: &Source, k: usize, shells: &[RadialWindow]) -> CliResult<SamplePlan> {
    let c = &src.config;
    let s = &c.galaxies[k];
    let key = |f: &str| format!("galaxies[{k}].{f}");
    if s.name.is_empty()
        || s.name.len() > 40
        || !s
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(key_err(
            key("name"),
            format!(
                "{:?}: use 1 to 40 letters, digits, - or _ (it names files and FITS columns)",
                s.name
            ),
        ));
    }
    if c.galaxies[..k]
        .iter()
        .any(|o| o.name.eq_ignore_ascii_case(&s.name))
    {
        return Err(key_err(key("name"), format!("{:?} is used twice", s.name)));
    }
    if !s.bias.is_finite() {
        return Err(key_err(key("bias"), "must be a finite number"));
    }
    if s.shear && !c.lensing.shear {
        return Err(key_err(
            key("shear"),
            "needs lensing.shear = true (or set shear = false for this sample)",
        ));
    }
    let zlo = shells.first().map_or(0.0, |w| w.za[0]);
    let zhi = shells.last().map_or(1.0, |w| *w.za.last().unwrap_or(&1.0));
    let n = ((zhi - zlo) / 1e-3).ceil().max(1.0) as usize;
    let zgrid: Vec<f64> = (0..=n)
        .map(|i| zlo + (zhi - zlo) * i as f64 / n as f64)
        .collect();
    let (z, dndz) = sample_nz(src, k, &zgrid)?;
    let f = ArrayD::from_shape_vec(IxDyn(&[dndz.len()]), dndz.clone())
        .map_err(|e| key_err(key("nz"), e.to_string()))?;
    let ngal = partition(&z, f.view(), shells, PartitionMethod::Nnls)
        .map_err(|e| key_err(key("nz"), e.to_string()))?;
    let ngal: Vec<f64> = ngal.iter().copied().collect();
    let mut nz_shells = vec![0.0; z.len()];
    let nshell = shells.len();
    for (k, (w, n)) in shells.iter().zip(&ngal).enumerate() {
        let norm = trapezoid(&w.wa, &w.za).map_err(|e| key_err(key("nz"), e.to_string()))?;
        if norm > 0.0 {
            let zero = InterpOptions {
                left: Some(0.0),
                right: Some(0.0),
                period: None,
            };
            let wz =
                interp(&z, &w.za, &w.wa, zero).map_err(|e| key_err(key("nz"), e.to_string()))?;
            // a redshift on the edge of two shells counts in the upper one
            let top = *w.za.last().unwrap_or(&0.0);
            for ((v, &zz), wz) in nz_shells.iter_mut().zip(&z).zip(wz) {
                if zz < top || k + 1 == nshell {
                    *v += n * wz / norm;
                }
            }
        }
    }
    if let Some(p) = &s.photoz {
        if !(p.sigma_0 >= 0.0) || !p.sigma_0.is_finite() {
            return Err(key_err(key("photoz.sigma_0"), "must be >= 0"));
        }
    }
    let (zbins, tomo_nz) = match &s.tomography {
        None => (None, None),
        Some(t) => {
            let Some(p) = &s.photoz else {
                return Err(key_err(
                    key("tomography"),
                    "tomographic bins are in photometric redshift: add a [galaxies.photoz] table",
                ));
            };
            if t.nbins == 0 || t.nbins > MAX_ZBINS {
                return Err(key_err(
                    key("tomography.nbins"),
                    format!("must be from 1 to {MAX_ZBINS}, got {}", t.nbins),
                ));
            }
            let bins = match t.method {
                TomoMethod::EqualDens => equal_dens_zbins(&z, &dndz, t.nbins),
                TomoMethod::Fixed => fixed_zbins(z[0], z[z.len() - 1], ZBins::Nbins(t.nbins)),
            }
            .map_err(|e| key_err(key("tomography"), e.to_string()))?;
            let nz = tomo_nz_gausserr(&z, &nz_shells, p.sigma_0, &bins)
                .map_err(|e| key_err(key("tomography"), e.to_string()))?;
            (Some(bins), Some(nz))
        }
    };
    let mut columns = vec!["RA", "DEC", "Z"];
    if s.photoz.is_some() {
        columns.push("Z_PHOT");
    }
    if s.tomography.is_some() {
        columns.push("TOMO_BIN");
    }
    columns.push("SHELL");
    if s.shapes.is_some() {
        columns.extend(["E1", "E2"]);
        if s.shear {
            columns.extend(["G1", "G2"]);
        }
    }
    if c.lensing.convergence {
        columns.push("KAPPA");
    }
    if c.lensing.shear {
        columns.extend(["GAMMA1", "GAMMA2"]);
    }
    if let Some(sh) = &s.shapes {
        if !(sh.sigma_e >= 0.0) || !sh.sigma_e.is_finite() {
            return Err(key_err(key("shapes.sigma_e"), "must be >= 0"));
        }
    }
    Ok(SamplePlan {
        name: s.name.clone(),
        z,
        dndz,
        ngal,
        nz_shells,
        zbins,
        tomo_nz,
        columns,
    })
}

fn visibility(src: &Source, nside: i64) -> CliResult<Option<Vec<f64>>> {
    let v = &src.config.visibility;
    let mut out: Option<Vec<f64>> = None;
    if let Some(m) = &v.mask {
        let p = src.resolve(m);
        let map = glass::user::read_healpix_map(&p, 0)
            .map_err(|e| key_err("visibility.mask", e.to_string()))?;
        if map.nside != nside {
            return Err(key_err(
                "visibility.mask",
                format!(
                    "{} has nside {}, the run has nside {nside}: use a mask of nside {nside} \
                     (healpy.ud_grade) or set nside = {}",
                    p.display(),
                    map.nside,
                    map.nside
                ),
            ));
        }
        if let Some(bad) = map
            .values
            .iter()
            .find(|x| !(x.is_finite() && (0.0..=1.0).contains(*x)))
        {
            return Err(key_err(
                "visibility.mask",
                format!(
                    "{}: visibility values are in [0, 1], found {bad}",
                    p.display()
                ),
            ));
        }
        out = Some(map.values);
    }
    if v.galactic.is_some() || v.ecliptic.is_some() {
        let g = v.galactic.unwrap_or([30.0, 90.0]);
        let e = v.ecliptic.unwrap_or([20.0, 80.0]);
        let m = glass::observations::vmap_galactic_ecliptic(nside, (g[0], g[1]), (e[0], e[1]))
            .map_err(|e| key_err("visibility.galactic", e.to_string()))?;
        out = Some(match out {
            Some(prev) => prev.iter().zip(&m).map(|(a, b)| a * b).collect(),
            None => m,
        });
    }
    Ok(out)
}

/// More tomographic bins than any survey has (each is a column of counts
/// and an n(z) curve).
const MAX_ZBINS: usize = 1000;

/// Checks the config and resolves it into a plan; reads the spectra, the
/// n(z) files and the mask, writes nothing.
///
/// # Errors
///
/// [`CliError::Key`] naming the key and what to do, for anything that
/// cannot be simulated.
pub fn plan(mut source: Source) -> CliResult<Plan> {
    let c = &source.config;
    check_nside(c.nside)?;
    if c.realisations == 0 {
        return Err(key_err("realisations", "must be at least 1"));
    }
    check_normalisation(&c.cosmology)?;
    let cosmo = background(&c.cosmology)?;
    let (_, shells) = shells(c, &cosmo)?;
    let (mut cls, spectra_source) = spectra(&source, &shells)?;
    let need = shells.len() * (shells.len() + 1) / 2;
    if cls.len() != need {
        return Err(key_err(
            "spectra.file",
            format!(
                "{spectra_source} holds {} spectra, the {} shells need {need} (n (n + 1) / 2 in \
                 GLASS order): give spectra of these shells, or shells to match them",
                cls.len(),
                shells.len()
            ),
        ));
    }
    let held = cls.iter().map(|cl| cl.len()).min().unwrap_or(0);
    if held == 0 {
        return Err(key_err(
            "spectra.file",
            format!("{spectra_source}: an empty spectrum"),
        ));
    }
    let held_lmax = held - 1;
    let mut notes = Vec::new();
    let lmax = match c.lmax {
        Some(l) if l > held_lmax => {
            return Err(key_err(
                "lmax",
                format!(
                    "{l} is above what the spectra hold ({spectra_source}: l <= {held_lmax}): \
                     lower lmax or give spectra to lmax {l}"
                ),
            ))
        }
        Some(l) => l,
        None => {
            let want = 2 * c.nside as usize;
            if want > held_lmax {
                notes.push(format!(
                    "lmax = {held_lmax}, the largest the spectra hold (2 nside = {want}); set \
                     lmax, or give spectra to l = {want}"
                ));
                held_lmax
            } else {
                want
            }
        }
    };
    if lmax == 0 {
        return Err(key_err("lmax", "must be at least 1"));
    }
    // the pixel windows (discretized spectra, discretized shear) end there
    let table = 4 * c.nside as usize;
    if lmax > table {
        return Err(key_err(
            "lmax",
            format!(
                "{lmax} is above 4 nside = {table}, where HEALPix's pixel window tables end: \
                 lower lmax or raise nside"
            ),
        ));
    }
    for cl in &mut cls {
        cl.truncate(lmax + 1);
    }
    if c.lensing.shear && !c.lensing.convergence {
        return Err(key_err("lensing.shear", "needs lensing.convergence = true"));
    }
    if c.lensing.deflection && !c.lensing.convergence {
        return Err(key_err(
            "lensing.deflection",
            "needs lensing.convergence = true",
        ));
    }
    if let Shift::Value(v) = c.fields.shift {
        if !(v > 0.0) || !v.is_finite() {
            return Err(key_err(
                "fields.shift",
                format!("must be positive, got {v}"),
            ));
        }
    }
    let figure_shell = c.outputs.figure_shell.unwrap_or(shells.len() - 1);
    if figure_shell >= shells.len() {
        return Err(key_err(
            "outputs.figure_shell",
            format!(
                "{figure_shell}: there are {} shells (0 to {})",
                shells.len(),
                shells.len() - 1
            ),
        ));
    }
    let samples = (0..c.galaxies.len())
        .map(|k| sample(&source, k, &shells))
        .collect::<CliResult<Vec<_>>>()?;
    let vis = visibility(&source, c.nside)?;
    source.config.lmax = Some(lmax);
    let nside = source.config.nside;
    Ok(Plan {
        source,
        nside,
        npix: 12 * (nside * nside) as usize,
        lmax,
        cosmo,
        shells,
        cls,
        spectra_source,
        samples,
        vis,
        figure_shell,
        notes,
    })
}

/// The lognormal shift `λ(z)` of the config: a constant, or a named model.
pub fn shift(c: &Config) -> Box<dyn Fn(f64) -> f64> {
    match c.fields.shift {
        Shift::Model(ShiftModel::Hilbert2011) => {
            Box::new(glass::fields::lognormal_shift_hilbert2011)
        }
        Shift::Value(v) => Box::new(move |_z| v),
    }
}

/// The human-readable plan for `--dry-run`.
pub fn describe(p: &Plan, realisations: usize) -> String {
    let c = p.config();
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    let mut s = String::new();
    s += &format!(
        "glass run: {} shells, nside {} ({} pixels), lmax {}, ncorr {}, {} fields, seed {}, {} \
         realisation(s)\n",
        p.shells.len(),
        p.nside,
        p.npix,
        p.lmax,
        c.ncorr,
        match c.fields.model {
            super::config::FieldModel::Lognormal => "lognormal",
            super::config::FieldModel::Gaussian => "gaussian",
        },
        c.seed,
        realisations
    );
    s += &format!("spectra: {}\n", p.spectra_source);
    s += "shells (z range, effective z):\n";
    for (i, w) in p.shells.iter().enumerate() {
        s += &format!(
            "  {i:3}: {:.3} - {:.3}  zeff {:.3}\n",
            w.za[0],
            w.za.last().unwrap_or(&f64::NAN),
            w.zeff
        );
    }
    for sp in &p.samples {
        s += &format!(
            "sample {}: about {:.0} galaxies per realisation, columns {}\n",
            sp.name,
            sp.expected(p.vis_fraction()),
            sp.columns.join(" ")
        );
        if let Some(b) = &sp.zbins {
            let bins: Vec<String> = b.iter().map(|(a, z)| format!("{a:.3}-{z:.3}")).collect();
            s += &format!("  tomographic bins (photo-z): {}\n", bins.join(", "));
        }
    }
    if p.vis.is_some() {
        s += &format!("visibility: {:.3} of the sky\n", p.vis_fraction());
    }
    s += &format!("maps per shell: {}\n", p.map_columns().join(" "));
    let (per, shared) = p.disk_estimate();
    s += &format!(
        "estimated peak memory {:.0} MiB; disk {:.1} MiB ({:.1} MiB per realisation)\n",
        mib(p.memory_estimate()),
        mib(per * realisations as u64 + shared),
        mib(per)
    );
    for n in &p.notes {
        s += &format!("note: {n}\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::config;
    use super::*;

    #[test]
    fn the_default_plan() {
        let p = plan(config::load(None).unwrap()).unwrap();
        assert_eq!(p.shells.len(), 10);
        assert_eq!(p.cls.len(), 55);
        assert_eq!(p.lmax, 256);
        let s = &p.samples[0];
        let total: f64 = s.ngal.iter().sum();
        assert!((total - 0.005).abs() < 1e-4, "{total}");
        assert_eq!(s.zbins.as_ref().unwrap().len(), 4);
    }

    fn err(text: &str) -> String {
        let source = Source {
            config: config::parse(text, "t.toml").unwrap(),
            path: None,
            dir: ".".into(),
        };
        match plan(source) {
            Ok(_) => panic!("{text} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn bad_values_name_their_key() {
        assert!(err("nside = 0").contains("`nside`"));
        assert!(err("nside = 100").contains("power of two"));
        assert!(err("lmax = 300").contains("`lmax`"));
        assert!(err("[shells]\ndz = 0.2").contains("holds 55 spectra, the 5 shells need 15"));
        assert!(err("[spectra]\nfile = \"/nonexistent.npz\"").contains("`spectra.file`"));
        assert!(err("[visibility]\nmask = \"/nonexistent.fits\"").contains("`visibility.mask`"));
        assert!(err("[lensing]\nconvergence = false").contains("`lensing.shear`"));
    }
}
