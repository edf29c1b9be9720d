//! Transformed Gaussian random fields (GLASS `glass.grf`): the
//! transformations `t(X)` of a Gaussian field `X` and the relation between
//! the angular correlation functions before and after them, used to find
//! the Gaussian spectrum that gives a wanted spectrum after transforming
//! (Tessore et al. 2023, OJAp 6, 11, arXiv:2302.01942).
//!
//! For two transformations `t1`, `t2` of correlated Gaussian fields with
//! correlation `ξ_G(θ)`, the transformed fields have correlation
//! `ξ(θ) = corr(t1, t2, ξ_G(θ))`; [`icorr`] is its inverse and [`dcorr`]
//! its derivative with respect to `ξ_G`. Like GLASS, each pair is answered
//! by the first of `t1`, `t2` that knows the other: a new transformation
//! type implements [`Transformation`] and returns `None` for partners it
//! does not know.
//!
//! ```
//! use glass::grf::{compute, Lognormal};
//! let cl: Vec<f64> = (0..64).map(|l| 1e-3 / (1.0 + l as f64).powi(2)).collect();
//! let gl = compute(&cl, &Lognormal::new(1.0), None).unwrap();
//! assert_eq!(gl.len(), cl.len());
//! ```

use std::any::Any;
use std::fmt::Debug;

use crate::array::Array;
use crate::error::{Error, Result};
use crate::transformcl::{cltocorr, corrtocl, TransformclOptions};

/// A transformation `t(X)` of a Gaussian random field `X`.
///
/// `corr`, `icorr` and `dcorr` act pointwise on a correlation function and
/// return `None` when this type does not know how to pair with `other`.
pub trait Transformation: Debug + Send + Sync + Any {
    /// The name used in error messages (GLASS's class name).
    fn name(&self) -> &str;

    /// `self` as [`Any`], for the pairing rules to look at the partner's
    /// type and parameters.
    fn as_any(&self) -> &dyn Any;

    /// Transforms the Gaussian field `x` of variance `var` on its backend
    /// (Python's `t(x, var)`).
    fn apply(&self, x: &Array, var: f64) -> Result<Array>;

    /// Correlation of the transformed fields from the Gaussian one.
    fn corr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>>;

    /// The inverse of [`Transformation::corr`].
    fn icorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>>;

    /// Derivative of [`Transformation::corr`] with respect to the Gaussian
    /// correlation.
    fn dcorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>>;
}

fn map(x: &[f64], f: impl Fn(f64) -> f64) -> Vec<f64> {
    x.iter().map(|&v| f(v)).collect()
}

/// The identity, `t(X) = X`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Normal;

impl Transformation for Normal {
    fn name(&self) -> &str {
        "Normal"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn apply(&self, x: &Array, _var: f64) -> Result<Array> {
        Ok(x.clone())
    }
    fn corr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        other.as_any().is::<Normal>().then(|| x.to_vec())
    }
    fn icorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        other.as_any().is::<Normal>().then(|| x.to_vec())
    }
    fn dcorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        other.as_any().is::<Normal>().then(|| vec![1.0; x.len()])
    }
}

/// The lognormal transformation `t(X) = λ [exp(X - σ²/2) - 1]`, with the
/// lognormal shift `λ` (the lowest possible value is `-λ`).
///
/// Pairs: with a lognormal `λ'`, `ξ = λλ' [exp(ξ_G) - 1]`; with a normal
/// field, `ξ = λ ξ_G`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lognormal {
    /// The shift parameter λ (GLASS's `lamda`).
    pub lamda: f64,
}

impl Lognormal {
    /// A lognormal transformation with shift `lamda`.
    pub fn new(lamda: f64) -> Lognormal {
        Lognormal { lamda }
    }
}

impl Default for Lognormal {
    fn default() -> Self {
        Lognormal { lamda: 1.0 }
    }
}

impl Transformation for Lognormal {
    fn name(&self) -> &str {
        "Lognormal"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn apply(&self, x: &Array, var: f64) -> Result<Array> {
        let y = (x - var / 2.0).ok()?.expm1()?;
        if self.lamda != 1.0 {
            return (self.lamda * &y).ok();
        }
        Ok(y)
    }
    fn corr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        let o = other.as_any();
        if let Some(l) = o.downcast_ref::<Lognormal>() {
            let ll = self.lamda * l.lamda;
            return Some(map(x, |v| ll * v.exp_m1()));
        }
        o.is::<Normal>().then(|| map(x, |v| self.lamda * v))
    }
    fn icorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        let o = other.as_any();
        if let Some(l) = o.downcast_ref::<Lognormal>() {
            let ll = self.lamda * l.lamda;
            return Some(map(x, |v| (v / ll).ln_1p()));
        }
        o.is::<Normal>().then(|| map(x, |v| v / self.lamda))
    }
    fn dcorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        let o = other.as_any();
        if let Some(l) = o.downcast_ref::<Lognormal>() {
            let ll = self.lamda * l.lamda;
            return Some(map(x, |v| ll * v.exp()));
        }
        o.is::<Normal>().then(|| vec![self.lamda; x.len()])
    }
}

/// A user's transformation `t(x, var)` (GLASS lets `generate` take any
/// callable): it transforms maps, but pairs with nothing, so
/// [`solve`]/[`compute`] for it are a clear error (give `generate` the
/// Gaussian spectra yourself).
///
/// ```
/// use glass::grf::{Custom, Transformation};
/// let t = Custom::new("exp", |x: &glass::Array, _var: f64| x.exp());
/// assert_eq!(t.name(), "exp");
/// ```
pub struct Custom<F> {
    name: String,
    f: F,
}

impl<F> Custom<F>
where
    F: Fn(&Array, f64) -> Result<Array> + Send + Sync + 'static,
{
    /// The transformation `f(x, var)`, called `name` in messages.
    pub fn new(name: impl Into<String>, f: F) -> Self {
        Custom {
            name: name.into(),
            f,
        }
    }
}

impl<F> Debug for Custom<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Custom")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<F> Transformation for Custom<F>
where
    F: Fn(&Array, f64) -> Result<Array> + Send + Sync + 'static,
{
    fn name(&self) -> &str {
        &self.name
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn apply(&self, x: &Array, var: f64) -> Result<Array> {
        (self.f)(x, var)
    }
    fn corr(&self, _other: &dyn Transformation, _x: &[f64]) -> Option<Vec<f64>> {
        None
    }
    fn icorr(&self, _other: &dyn Transformation, _x: &[f64]) -> Option<Vec<f64>> {
        None
    }
    fn dcorr(&self, _other: &dyn Transformation, _x: &[f64]) -> Option<Vec<f64>> {
        None
    }
}

/// The squared normal transformation `t(X) = λ [(X - a)² - 1]` of Tessore
/// et al. (2025), with shape `a = sqrt(1 - σ²)` and shift `λ`.
///
/// Pairs with another squared normal (`aa = a a'`, `ll = λ λ'`):
/// `ξ = 2 ll ξ_G (ξ_G + 2 aa)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SquaredNormal {
    /// The shape parameter a.
    pub a: f64,
    /// The shift parameter λ (GLASS's `lamda`).
    pub lamda: f64,
}

impl SquaredNormal {
    /// A squared normal transformation with shape `a` and shift `lamda`.
    pub fn new(a: f64, lamda: f64) -> SquaredNormal {
        SquaredNormal { a, lamda }
    }

    fn pair(&self, other: &dyn Transformation) -> Option<(f64, f64)> {
        let o = other.as_any().downcast_ref::<SquaredNormal>()?;
        Some((self.a * o.a, self.lamda * o.lamda))
    }
}

impl Transformation for SquaredNormal {
    fn name(&self) -> &str {
        "SquaredNormal"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn apply(&self, x: &Array, _var: f64) -> Result<Array> {
        let y = ((x - self.a).ok()?.square()? - 1.0).ok()?;
        if self.lamda != 1.0 {
            return (self.lamda * &y).ok();
        }
        Ok(y)
    }
    fn corr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        let (aa, ll) = self.pair(other)?;
        Some(map(x, |v| 2.0 * ll * v * (v + 2.0 * aa)))
    }
    fn icorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        let (aa, ll) = self.pair(other)?;
        Some(map(x, |v| (v / (2.0 * ll) + aa * aa).sqrt() - aa))
    }
    fn dcorr(&self, other: &dyn Transformation, x: &[f64]) -> Option<Vec<f64>> {
        let (aa, ll) = self.pair(other)?;
        Some(map(x, |v| 4.0 * ll * (v + aa)))
    }
}

fn unpaired<T>(t1: &dyn Transformation, t2: &dyn Transformation) -> Result<T> {
    Err(Error::value(
        "grf",
        "t2",
        format!(
            "no correlation transform for the pair {} x {}",
            t1.name(),
            t2.name()
        ),
    ))
}

/// The angular correlation function after the transformations `t1`, `t2`
/// of the Gaussian correlation function `x`.
///
/// # Errors
///
/// [`Error::Value`] when neither transformation knows the pair.
pub fn corr(t1: &dyn Transformation, t2: &dyn Transformation, x: &[f64]) -> Result<Vec<f64>> {
    match t1.corr(t2, x).or_else(|| t2.corr(t1, x)) {
        Some(y) => Ok(y),
        None => unpaired(t1, t2),
    }
}

/// The Gaussian angular correlation function of the transformed one `x`
/// (the inverse of [`corr`]).
///
/// # Errors
///
/// [`Error::Value`] when neither transformation knows the pair.
pub fn icorr(t1: &dyn Transformation, t2: &dyn Transformation, x: &[f64]) -> Result<Vec<f64>> {
    match t1.icorr(t2, x).or_else(|| t2.icorr(t1, x)) {
        Some(y) => Ok(y),
        None => unpaired(t1, t2),
    }
}

/// The derivative of [`corr`] with respect to the Gaussian correlation.
///
/// # Errors
///
/// [`Error::Value`] when neither transformation knows the pair.
pub fn dcorr(t1: &dyn Transformation, t2: &dyn Transformation, x: &[f64]) -> Result<Vec<f64>> {
    match t1.dcorr(t2, x).or_else(|| t2.dcorr(t1, x)) {
        Some(y) => Ok(y),
        None => unpaired(t1, t2),
    }
}

/// The band-limited Gaussian angular power spectrum that gives `cl` after
/// the transformations `t1` and `t2` (`t2 = None`: the same as `t1`):
/// `corrtocl(icorr(t1, t2, cltocorr(cl)))`.
///
/// For spectra that are not band-limited use [`solve`].
///
/// # Errors
///
/// As [`corr`]; [`Error::Value`] for an empty spectrum.
pub fn compute(
    cl: &[f64],
    t1: &dyn Transformation,
    t2: Option<&dyn Transformation>,
) -> Result<Vec<f64>> {
    let t2 = t2.unwrap_or(t1);
    corrtocl(
        &icorr(t1, t2, &cltocorr(cl, TransformclOptions::default())?)?,
        TransformclOptions::default(),
    )
}

/// Options of [`solve`], with GLASS's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveOptions {
    /// Zero padding of the spectra inside the solver (`pad`).
    pub pad: usize,
    /// Initial solution; `None` starts from [`compute`] (`initial`).
    pub initial: Option<Vec<f64>>,
    /// Convergence: maximum relative error of the realised spectrum
    /// (`cltol`, default 1e-5).
    pub cltol: f64,
    /// Convergence: maximum relative change of the solution (`gltol`,
    /// default 1e-5).
    pub gltol: f64,
    /// Maximum number of Gauss-Newton steps (`maxiter`, default 20).
    pub maxiter: usize,
    /// Fix the monopole of the solution to this value (`monopole`).
    pub monopole: Option<f64>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            pad: 0,
            initial: None,
            cltol: 1e-5,
            gltol: 1e-5,
            maxiter: 20,
            monopole: None,
        }
    }
}

/// The result of [`solve`]: GLASS's tuple `(gl, cl, info)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The Gaussian angular power spectrum.
    pub gl: Vec<f64>,
    /// The spectrum realised by `gl` after the transformations (length
    /// `len(cl) + pad`).
    pub cl: Vec<f64>,
    /// 0: not converged in `maxiter` steps; bit 1: converged in the
    /// spectrum (`cltol`); bit 2: converged in the solution (`gltol`).
    pub info: u32,
}

/// `max |dx / x|` over the entries where `dx != 0` (NaN if any quotient
/// is NaN).
fn relerr(dx: &[f64], x: &[f64]) -> f64 {
    dx.iter()
        .zip(x)
        .map(|(d, v)| if *d != 0.0 { (d / v).abs() } else { 0.0 })
        .fold(0.0, |m, q| {
            if q.is_nan() || m.is_nan() {
                f64::NAN
            } else {
                m.max(q)
            }
        })
}

fn padded(x: &[f64], pad: usize) -> Vec<f64> {
    let mut y = Vec::with_capacity(x.len() + pad);
    y.extend_from_slice(x);
    y.resize(x.len() + pad, 0.0);
    y
}

/// Solves for the Gaussian angular power spectrum that gives `cl` after
/// the transformations `t1`, `t2`, with the Gauss-Newton iteration of
/// Tessore et al. (2023, Sect. 3.2), step for step as GLASS: each step
/// `x_l = -corrtocl(cltocorr(f_l) / dcorr(ξ_G))` for the residual
/// `f_l = cl_realised - cl`, halved until the residual does not grow.
///
/// # Errors
///
/// [`Error::Value`] for an empty spectrum or an unknown pair; [`Error::NotConverged`] when no
/// Gauss-Newton step can reduce the residual (where GLASS would loop forever).
pub fn solve(
    cl: &[f64],
    t1: &dyn Transformation,
    t2: Option<&dyn Transformation>,
    opts: &SolveOptions,
) -> Result<Solution> {
    let t2 = t2.unwrap_or(t1);
    let n = cl.len();
    if n == 0 {
        return Err(Error::value("solve", "cl", "empty angular power spectrum"));
    }
    let pad = opts.pad;
    let mut gl = match &opts.initial {
        None => corrtocl(
            &icorr(t1, t2, &cltocorr(cl, TransformclOptions::default())?)?,
            TransformclOptions::default(),
        )?,
        Some(init) => {
            let mut g = vec![0.0; n];
            let m = init.len().min(n);
            g[..m].copy_from_slice(&init[..m]);
            g
        }
    };
    if let Some(m) = opts.monopole {
        gl[0] = m;
    }
    // realised spectrum and residual of a solution
    let realise = |gl: &[f64]| -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let gt = cltocorr(&padded(gl, pad), TransformclOptions::default())?;
        let rl = corrtocl(&corr(t1, t2, &gt)?, TransformclOptions::default())?;
        let mut fl: Vec<f64> = rl[..n].iter().zip(cl).map(|(r, c)| r - c).collect();
        if opts.monopole.is_some() {
            fl[0] = 0.0;
        }
        Ok((gt, rl, fl))
    };
    let (mut gt, mut rl, mut fl) = realise(&gl)?;
    let mut clerr = relerr(&fl, cl);
    let mut info = 0;
    for _ in 0..opts.maxiter {
        if clerr <= opts.cltol {
            info |= 1;
        }
        if info > 0 {
            break;
        }
        let ft = cltocorr(&padded(&fl, pad), TransformclOptions::default())?;
        let dt = dcorr(t1, t2, &gt)?;
        let q: Vec<f64> = ft.iter().zip(&dt).map(|(f, d)| f / d).collect();
        let mut xl: Vec<f64> = corrtocl(&q, TransformclOptions::default())?[..n]
            .iter()
            .map(|v| -v)
            .collect();
        if opts.monopole.is_some() {
            xl[0] = 0.0;
        }
        // halve the step until the residual does not grow
        let (gl_, gt_, rl_, fl_, clerr_) = loop {
            let gl_: Vec<f64> = gl.iter().zip(&xl).map(|(g, x)| g + x).collect();
            let (gt_, rl_, fl_) = realise(&gl_)?;
            let clerr_ = relerr(&fl_, cl);
            if clerr_ <= clerr {
                break (gl_, gt_, rl_, fl_, clerr_);
            }
            if xl.iter().all(|x| *x == 0.0) || clerr_.is_nan() {
                // GLASS would loop forever here: no step improves a residual
                // that is NaN, and a zero step cannot improve anything.
                return Err(Error::NotConverged {
                    func: "solve",
                    reason: format!(
                        "the Gauss-Newton step cannot reduce the residual \
                     (relative error {clerr_} after, {clerr} before); the spectrum may \
                     not be realisable with {} x {}",
                        t1.name(),
                        t2.name()
                    ),
                });
            }
            for x in xl.iter_mut() {
                *x /= 2.0;
            }
        };
        if relerr(&xl, &gl) <= opts.gltol {
            info |= 2;
        }
        (gl, gt, rl, fl, clerr) = (gl_, gt_, rl_, fl_, clerr_);
    }
    Ok(Solution { gl, cl: rl, info })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_answer_in_either_order() {
        let x = [0.1, 0.2];
        let ln = Lognormal::new(2.0);
        assert_eq!(corr(&Normal, &ln, &x).unwrap(), vec![0.2, 0.4]);
        assert_eq!(corr(&ln, &Normal, &x).unwrap(), vec![0.2, 0.4]);
        let err = corr(&Normal, &SquaredNormal::new(0.5, 1.0), &x).unwrap_err();
        assert!(err.to_string().contains("Normal x SquaredNormal"), "{err}");
    }

    #[test]
    fn icorr_inverts_corr() {
        let x: Vec<f64> = (0..20).map(|i| 0.01 * i as f64 - 0.05).collect();
        let ts: [(&dyn Transformation, &dyn Transformation); 4] = [
            (&Normal, &Normal),
            (&Lognormal::new(1.3), &Lognormal::new(0.7)),
            (&Lognormal::new(1.3), &Normal),
            (&SquaredNormal::new(0.8, 1.1), &SquaredNormal::new(0.9, 0.6)),
        ];
        for (t1, t2) in ts {
            let y = corr(t1, t2, &x).unwrap();
            let back = icorr(t1, t2, &y).unwrap();
            for (a, b) in x.iter().zip(&back) {
                assert!((a - b).abs() < 1e-14, "{t1:?} {t2:?}: {a} {b}");
            }
            // dcorr against a central difference
            let h = 1e-6;
            let d = dcorr(t1, t2, &x).unwrap();
            let up = corr(t1, t2, &map(&x, |v| v + h)).unwrap();
            let dn = corr(t1, t2, &map(&x, |v| v - h)).unwrap();
            for i in 0..x.len() {
                let fd = (up[i] - dn[i]) / (2.0 * h);
                assert!((fd - d[i]).abs() < 1e-7, "{t1:?} {t2:?}: {fd} {}", d[i]);
            }
        }
    }

    #[test]
    fn solve_reproduces_the_target_within_cltol() {
        let cl: Vec<f64> = (0..40)
            .map(|l| {
                if l == 0 {
                    0.0
                } else {
                    1e-2 / (1.0 + l as f64).powi(2)
                }
            })
            .collect();
        let t = Lognormal::new(1.0);
        let opts = SolveOptions {
            pad: 80,
            monopole: Some(0.0),
            ..Default::default()
        };
        let s = solve(&cl, &t, None, &opts).unwrap();
        assert!(s.info > 0, "did not converge");
        let rl = corrtocl(
            &corr(
                &t,
                &t,
                &cltocorr(&padded(&s.gl, 80), TransformclOptions::default()).unwrap(),
            )
            .unwrap(),
            TransformclOptions::default(),
        )
        .unwrap();
        for l in 1..cl.len() {
            assert!(((rl[l] - cl[l]) / cl[l]).abs() <= 1e-5, "l={l}");
        }
    }
}
