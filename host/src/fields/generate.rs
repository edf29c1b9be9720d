//! Sampling transformed Gaussian random fields shell by shell (GLASS
//! `glass.generate`, `_generate_grf`).
//!
//! The alm of `n` correlated Gaussian fields are drawn one field at a time:
//! with the covariance rows of [`cls2cov`] and the iterative normalisation
//! [`iternorm`], field `i` is the moving average
//! `a_i = Σ_{d<k} w_i[d] z_{i-k+d} + w_i[k] z_i` of independent standard
//! complex normal alm `z` (the real and imaginary part of each coefficient
//! of variance `C_l / 2`, the `m = 0` coefficients real of variance
//! `C_l`), so only the last `ncorr + 1` variates are kept
//! (Tessore et al. 2023, OJAp 6, 11, sect. 3). Each map is `alm2map` of its
//! alm on the chosen backend, then the field's transformation `t(x, var)`.
//!
//! Random numbers: the variates of shell `i` come from
//! `rng.substream(&[Key::Shell(i), Key::Stage("alm")])` (its first draw the
//! real parts, its second the imaginary parts, one per coefficient in
//! healpy order), so shell `i` of a seed is the same on every backend and
//! does not depend on how many shells come after it. Python GLASS draws
//! the variates in its own (l-major) order from a NumPy generator; the
//! statistics are the same, the numbers are not.

use std::collections::VecDeque;

use glass_healpix::alm::alm_index;
use ndarray::ArrayD;

use super::{cls2cov, iternorm, nfields_from_nspectra, solve_gaussian_spectra, GaussianSpectra};
use crate::grf::{Lognormal, Normal, Transformation};
use crate::healpix::{alm2map, almxfl, nside2npix};
use crate::rng::{Key, Rng};
use crate::transformcl::cltovar;
use crate::{Array, Backend, Error, Result};

/// Options of [`generate`] (GLASS's keyword arguments).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenerateOptions {
    /// How many previous fields each field is correlated with (GLASS's
    /// `ncorr`); `None`: all of them. Only `ncorr + 1` alm are kept in
    /// memory at any time.
    pub ncorr: Option<usize>,
}

/// The iterator returned by [`generate`]: one map (shape `(12 nside²,)`,
/// float64 on the chosen backend) per field, in order. After an error it
/// yields nothing more.
pub struct Generate<'a> {
    xp: Backend,
    fields: Fields<'a>,
    weights: Vec<ArrayD<f64>>,
    variances: Vec<f64>,
    nside: i64,
    lmax: usize,
    rng: Rng,
    /// `√2` for `m = 0` (the real part carries both variances), else 1.
    scale_re: Array,
    /// `0` for `m = 0` (real coefficients), else 1.
    scale_im: Array,
    stack: VecDeque<Array>,
    next: usize,
    done: bool,
}

/// The transformations of a [`Generate`]: the caller's, or its own (the
/// deprecated GLASS functions that build them).
enum Fields<'a> {
    Borrowed(&'a [Box<dyn Transformation>]),
    Owned(Vec<Box<dyn Transformation>>),
}

impl Fields<'_> {
    fn get(&self) -> &[Box<dyn Transformation>] {
        match self {
            Fields::Borrowed(f) => f,
            Fields::Owned(f) => f,
        }
    }
}

impl std::fmt::Debug for Generate<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generate")
            .field("nfields", &self.fields.get().len())
            .field("nside", &self.nside)
            .field("lmax", &self.lmax)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// Samples the fields `fields` (transformations of Gaussian random fields)
/// with Gaussian angular power spectra `gls` (GLASS order, `n (n + 1) / 2`
/// for `n` fields) as HEALPix maps of resolution `nside`, one field at a
/// time (GLASS `generate(fields, gls, nside, ncorr=, rng=)`).
///
/// The Gaussian field `x` of shell `i` has the variance
/// `var = Σ_l (2l + 1) / (4π) G_ii(l)` of its spectrum, and the shell's map
/// is `fields[i].apply(x, var)`. `lmax` is one less than the longest
/// spectrum. See the module docs for the random streams.
///
/// ```
/// use glass::fields::{generate, GenerateOptions};
/// use glass::grf::{Lognormal, Transformation};
/// # fn main() -> glass::Result<()> {
/// let xp = glass::Backend::embedded_ndarray()?;
/// let cl: Vec<f64> = (0..24).map(|l| 1e-2 / (1.0 + l as f64).powi(2)).collect();
/// let fields: Vec<Box<dyn Transformation>> = vec![Box::new(Lognormal::new(1.0))];
/// let gls = vec![cl];
/// let rng = glass::Rng::new(42);
/// for delta in generate(&xp, &fields, &gls, 8, GenerateOptions::default(), &rng)? {
///     assert_eq!(delta?.shape(), &[768]);
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// Up front: [`Error::Value`] when the numbers of fields and spectra do not
/// match, all spectra are empty or an auto-spectrum is negative;
/// [`Error::NotPositiveDefinite`] when the spectra are not a valid
/// covariance ([`iternorm`]); [`Error::Healpix`] for an invalid `nside`.
/// While iterating: errors of the draws, the transform and the
/// transformation.
pub fn generate<'a>(
    xp: &Backend,
    fields: &'a [Box<dyn Transformation>],
    gls: &[Vec<f64>],
    nside: i64,
    options: GenerateOptions,
    rng: &Rng,
) -> Result<Generate<'a>> {
    start(xp, Fields::Borrowed(fields), gls, nside, options, rng)
}

fn start<'a>(
    xp: &Backend,
    fields: Fields<'a>,
    gls: &[Vec<f64>],
    nside: i64,
    options: GenerateOptions,
    rng: &Rng,
) -> Result<Generate<'a>> {
    let n = fields.get().len();
    nside2npix(nside)?;
    if gls.len() != n * (n + 1) / 2 {
        return Err(Error::value(
            "generate",
            "gls",
            format!(
                "mismatch between number of fields and gls: {n} fields need {} spectra, got {}",
                n * (n + 1) / 2,
                gls.len()
            ),
        ));
    }
    let nl = gls.iter().map(Vec::len).max().unwrap_or(0);
    if nl == 0 {
        return Err(Error::value("generate", "gls", "all gls are empty"));
    }
    let ncorr = options.ncorr.unwrap_or(n.saturating_sub(1));
    let cov = cls2cov(gls, nl, n, ncorr)?;
    let views: Vec<_> = cov.iter().map(|c| c.view().into_dyn()).collect();
    let weights = iternorm(&views)?;
    // the auto-spectrum of field i is entry i (i + 1) / 2 in GLASS order
    let variances = (0..n).map(|i| cltovar(&gls[i * (i + 1) / 2])).collect();
    let lmax = nl - 1;
    let nalm = (lmax + 1) * (lmax + 2) / 2;
    let mut re = vec![1.0; nalm];
    let mut im = vec![1.0; nalm];
    for l in 0..=lmax {
        let i = alm_index(lmax, l, 0);
        re[i] = std::f64::consts::SQRT_2;
        im[i] = 0.0;
    }
    Ok(Generate {
        xp: xp.clone(),
        fields,
        weights,
        variances,
        nside,
        lmax,
        rng: rng.clone(),
        scale_re: xp.asarray1(&re)?,
        scale_im: xp.asarray1(&im)?,
        stack: VecDeque::new(),
        next: 0,
        done: false,
    })
}

impl Generate<'_> {
    /// The standard complex normal alm of field `i`, in healpy order.
    fn variates(&self, i: usize) -> Result<Array> {
        let nalm = self.scale_re.size();
        let mut rng = self
            .rng
            .substream(&[Key::Shell(i as u64), Key::Stage("alm")]);
        let re = rng.standard_normal(&self.xp, &[nalm])?;
        let im = rng.standard_normal(&self.xp, &[nalm])?;
        crate::array::complex(&(&re * &self.scale_re).ok()?, &(&im * &self.scale_im).ok()?)
    }

    fn field(&mut self, i: usize) -> Result<Array> {
        let w = &self.weights[i];
        let k = w.shape()[w.ndim() - 1];
        let z = self.variates(i)?;
        self.stack.push_back(z);
        while self.stack.len() > k {
            self.stack.pop_front();
        }
        let mis = k - self.stack.len();
        let mut alm: Option<Array> = None;
        for (j, z) in self.stack.iter().enumerate() {
            let col: Vec<f64> = (0..=self.lmax).map(|l| w[[l, j + mis]]).collect();
            let term = almxfl(z, &col, None)?;
            alm = Some(match alm {
                None => term,
                Some(a) => (&a + &term).ok()?,
            });
        }
        let alm = alm.ok_or_else(|| Error::internal("generate", "no variates"))?;
        let x = alm2map(&alm, self.nside, Some(self.lmax), Some(self.lmax))?;
        self.fields.get()[i]
            .apply(&x, self.variances[i])
            .map_err(|e| e.in_shell(i))
    }
}

impl Iterator for Generate<'_> {
    type Item = Result<Array>;

    fn next(&mut self) -> Option<Result<Array>> {
        if self.done || self.next >= self.fields.get().len() {
            return None;
        }
        let i = self.next;
        self.next += 1;
        let out = self.field(i);
        if out.is_err() {
            self.done = true;
        }
        Some(out)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.done {
            0
        } else {
            self.fields.get().len() - self.next
        };
        (left, Some(left))
    }
}

/// Gaussian random fields with spectra `gls` (GLASS `generate_gaussian`).
///
/// # Errors
///
/// As [`generate`], and [`Error::Value`] for a number of spectra that is
/// not a triangle number.
#[deprecated(note = "use glass::generate() with Normal fields instead (as GLASS)")]
pub fn generate_gaussian(
    xp: &Backend,
    gls: &[Vec<f64>],
    nside: i64,
    options: GenerateOptions,
    rng: &Rng,
) -> Result<Generate<'static>> {
    let n = nfields_from_nspectra(gls.len())?;
    let fields = (0..n)
        .map(|_| Box::new(Normal) as Box<dyn Transformation>)
        .collect();
    start(xp, Fields::Owned(fields), gls, nside, options, rng)
}

/// Lognormal random fields with shift `shift` from Gaussian spectra `gls`
/// (GLASS `generate_lognormal`).
///
/// # Errors
///
/// As [`generate_gaussian`].
#[deprecated(note = "use glass::generate() with Lognormal fields instead (as GLASS)")]
pub fn generate_lognormal(
    xp: &Backend,
    gls: &[Vec<f64>],
    nside: i64,
    shift: f64,
    options: GenerateOptions,
    rng: &Rng,
) -> Result<Generate<'static>> {
    let n = nfields_from_nspectra(gls.len())?;
    let fields = (0..n)
        .map(|_| Box::new(Lognormal::new(shift)) as Box<dyn Transformation>)
        .collect();
    start(xp, Fields::Owned(fields), gls, nside, options, rng)
}

/// The Gaussian spectra of lognormal fields with shift `shift` (GLASS
/// `lognormal_gls`: [`solve_gaussian_spectra`] with one [`Lognormal`] per
/// field).
///
/// # Errors
///
/// As [`solve_gaussian_spectra`], and [`Error::Value`] for a number of
/// spectra that is not a triangle number.
#[deprecated(note = "use glass::solve_gaussian_spectra() instead (as GLASS)")]
pub fn lognormal_gls(cls: &[Vec<f64>], shift: f64) -> Result<GaussianSpectra> {
    let n = nfields_from_nspectra(cls.len())?;
    let fields: Vec<Box<dyn Transformation>> = (0..n)
        .map(|_| Box::new(Lognormal::new(shift)) as Box<dyn Transformation>)
        .collect();
    solve_gaussian_spectra(&fields, cls)
}
