//! The survey configuration of `glass run`: a TOML file, every key
//! optional with the default survey of `default.toml` (which `glass init`
//! writes), unknown keys and wrong types rejected with the file, line,
//! column and key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::CliError;

/// The default config, commented: what `glass init` writes.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub seed: u64,
    pub realisations: usize,
    pub nside: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lmax: Option<usize>,
    pub ncorr: usize,
    pub cosmology: Cosmology,
    pub shells: Shells,
    pub spectra: Spectra,
    pub fields: Fields,
    pub lensing: Lensing,
    pub galaxies: Vec<Sample>,
    pub visibility: Visibility,
    pub outputs: Outputs,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cosmology {
    pub h: f64,
    pub Omega_m: f64,
    pub Omega_b: f64,
    pub Omega_k: f64,
    pub w0: f64,
    pub wa: f64,
    pub n_s: f64,
    /// Sum of the neutrino masses in eV (built-in spectra only).
    pub m_nu: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma8: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub A_s: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    Tophat,
    Linear,
    Cubic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum WeightKind {
    Camb,
    #[value(alias = "none")]
    Uniform,
    Distance,
    Volume,
    Density,
}

/// The redshift grid: `edges`, or `zmin`/`zmax` with `dz` or `num`. A
/// `[shells]` section in a file sets only what it gives (each key alone
/// defaults to none, so `edges` alone or `num` alone is a grid); with no
/// section at all, the default survey's `zmin = 0, zmax = 1, dz = 0.1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Shells {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zmin: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zmax: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dz: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edges: Option<Vec<f64>>,
    pub window: WindowKind,
    pub weight: WeightKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Spectra {
    pub file: String,
    /// The non-linear model of the built-in spectra.
    pub nonlinear: NonLinearKind,
}

/// The non-linear matter power of the built-in spectra.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum NonLinearKind {
    /// HMcode-2020 (Mead et al. 2021), CAMB's default.
    #[serde(rename = "hmcode2020")]
    #[value(name = "hmcode2020")]
    HmCode2020,
    /// Takahashi et al. 2012 halofit.
    #[serde(rename = "takahashi2012")]
    #[value(name = "takahashi2012")]
    Takahashi2012,
    /// The linear spectrum.
    #[serde(rename = "none")]
    #[value(name = "none")]
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldModel {
    Lognormal,
    Gaussian,
}

/// The lognormal shift: a number or a named model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Shift {
    Value(f64),
    Model(ShiftModel),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShiftModel {
    Hilbert2011,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Fields {
    pub model: FieldModel,
    pub shift: Shift,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lensing {
    pub convergence: bool,
    pub shear: bool,
    pub deflection: bool,
    pub discretized: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BiasKind {
    Linear,
    Loglinear,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "lowercase", deny_unknown_fields)]
pub enum Nz {
    Smail {
        z_mode: f64,
        #[serde(default = "two")]
        alpha: f64,
        #[serde(default = "one_and_a_half")]
        beta: f64,
    },
    Gaussian {
        mean: f64,
        sigma: f64,
    },
    Uniform,
    File {
        path: String,
    },
}

fn two() -> f64 {
    2.0
}
fn one_and_a_half() -> f64 {
    1.5
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Photoz {
    pub sigma_0: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TomoMethod {
    EqualDens,
    Fixed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tomography {
    pub method: TomoMethod,
    pub nbins: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeModel {
    Intnorm,
    Gaussian,
    Ryden04,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shapes {
    pub model: ShapeModel,
    #[serde(default = "sigma_e")]
    pub sigma_e: f64,
}

fn sigma_e() -> f64 {
    0.26
}

fn yes() -> bool {
    true
}
fn unit() -> f64 {
    1.0
}
fn linear() -> BiasKind {
    BiasKind::Linear
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<f64>,
    #[serde(default = "unit")]
    pub bias: f64,
    #[serde(default = "linear")]
    pub bias_model: BiasKind,
    #[serde(default = "yes")]
    pub shear: bool,
    pub nz: Nz,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photoz: Option<Photoz>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tomography: Option<Tomography>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shapes: Option<Shapes>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Visibility {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub galactic: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecliptic: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Outputs {
    pub catalogue: bool,
    pub maps: bool,
    pub spectra: bool,
    pub figures: bool,
    pub map_dtype: MapDtype,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figure_shell: Option<usize>,
}

/// The data type of the map files' columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MapDtype {
    Float32,
    Float64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            realisations: 1,
            nside: 128,
            lmax: None,
            ncorr: 3,
            cosmology: Cosmology::default(),
            shells: Shells::default(),
            spectra: Spectra::default(),
            fields: Fields::default(),
            lensing: Lensing::default(),
            galaxies: vec![Sample {
                name: "galaxies".into(),
                density: Some(0.005),
                bias: 1.0,
                bias_model: BiasKind::Linear,
                shear: true,
                nz: Nz::Smail {
                    z_mode: 0.5,
                    alpha: 2.0,
                    beta: 1.5,
                },
                photoz: Some(Photoz { sigma_0: 0.05 }),
                tomography: Some(Tomography {
                    method: TomoMethod::EqualDens,
                    nbins: 4,
                }),
                shapes: Some(Shapes {
                    model: ShapeModel::Intnorm,
                    sigma_e: 0.26,
                }),
            }],
            visibility: Visibility::default(),
            outputs: Outputs::default(),
        }
    }
}

impl Default for Cosmology {
    fn default() -> Self {
        Cosmology {
            h: 0.7,
            Omega_m: 0.3013,
            Omega_b: 0.05,
            Omega_k: 0.0,
            w0: -1.0,
            wa: 0.0,
            n_s: 0.965,
            m_nu: 0.06,
            sigma8: None,
            A_s: Some(2e-9),
        }
    }
}

impl Default for Shells {
    fn default() -> Self {
        Shells {
            zmin: Some(0.0),
            zmax: Some(1.0),
            dz: Some(0.1),
            num: None,
            edges: None,
            window: WindowKind::Tophat,
            weight: WeightKind::Camb,
        }
    }
}

impl Default for Spectra {
    fn default() -> Self {
        Spectra {
            file: "bundled".into(),
            nonlinear: NonLinearKind::HmCode2020,
        }
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            model: FieldModel::Lognormal,
            shift: Shift::Value(1.0),
        }
    }
}

impl Default for Lensing {
    fn default() -> Self {
        Lensing {
            convergence: true,
            shear: true,
            deflection: false,
            discretized: true,
        }
    }
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            catalogue: true,
            maps: true,
            spectra: true,
            figures: true,
            map_dtype: MapDtype::Float32,
            figure_shell: None,
        }
    }
}

/// A config and where it came from (relative paths in it are relative to
/// `dir`).
#[derive(Debug, Clone)]
pub struct Source {
    pub config: Config,
    /// The file, or `None` for the default config.
    pub path: Option<PathBuf>,
    pub dir: PathBuf,
}

impl Source {
    /// A path of the config, resolved against the config's directory.
    pub fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }
}

/// Reads a config file (or the default config for `None`).
///
/// # Errors
///
/// [`CliError::Config`] naming the file, the line and column and the key for
/// a file that cannot be read, is not TOML, has an unknown key or a value
/// of the wrong type.
pub fn load(path: Option<&Path>) -> Result<Source, CliError> {
    match path {
        None => Ok(Source {
            config: parse(DEFAULT_TOML, "the default config")?,
            path: None,
            dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| CliError::Config {
                file: p.display().to_string(),
                message: format!("cannot read it: {e}"),
            })?;
            let config = parse(&text, &p.display().to_string())?;
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            Ok(Source {
                config,
                path: Some(p.to_path_buf()),
                dir,
            })
        }
    }
}

/// Parses config text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Config, CliError> {
    toml::from_str(text).map_err(|e| {
        let mut message = e.message().trim().replace('\n', " ");
        if let Some(span) = e.span() {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            // name the key of a bad value: the `key =` of its line
            let this_line = text.lines().nth(line - 1).unwrap_or("");
            if let Some((key, _)) = this_line.split_once('=') {
                let key = key.trim();
                if !key.is_empty() && !message.contains(key) {
                    message = format!("key `{key}`: {message}");
                }
            }
            CliError::Config {
                file: format!("{file}:{line}:{col}"),
                message,
            }
        } else {
            CliError::Config {
                file: file.to_string(),
                message,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_the_default_config() {
        assert_eq!(parse(DEFAULT_TOML, "default").unwrap(), Config::default());
        // and an empty file is the default survey too
        assert_eq!(parse("", "empty").unwrap(), Config::default());
    }

    /// A key of a grid or normalisation alone does not collide with the
    /// default survey's values of the other keys.
    #[test]
    fn one_key_of_an_alternative_is_enough() {
        for text in [
            "[shells]\nedges = [0.0, 0.5, 1.0]\n",
            "[shells]\nnum = 4\n",
            "[shells]\nzmax = 2.0\n",
            "[cosmology]\nA_s = 2.1e-9\n",
            "[cosmology]\nsigma8 = 0.8\n",
        ] {
            let config = parse(text, "t.toml").unwrap();
            let dir = std::env::temp_dir();
            if let Err(e) = super::super::plan::plan(Source {
                config,
                path: None,
                dir,
            }) {
                // the bundled spectra are of the default shells only
                assert!(e.to_string().contains("spectra"), "{text}: {e}");
            }
        }
        let c = parse("[shells]\nedges = [0.0, 0.5, 1.0]\n", "t.toml").unwrap();
        assert_eq!((c.shells.zmin, c.shells.dz), (None, None));
        assert_eq!(Config::default().shells.dz, Some(0.1));
    }

    /// Found by the config fuzzer: 2^32 tomographic bins aborted the
    /// program (an allocation of 34 GB), a negative sigma8 passed.
    #[test]
    fn values_the_fuzzer_found_are_refused_at_their_key() {
        let with = |from: &str, to: &str| {
            assert!(DEFAULT_TOML.contains(from), "{from}");
            let config = parse(&DEFAULT_TOML.replace(from, to), "t.toml").unwrap();
            super::super::plan::plan(Source {
                config,
                path: None,
                dir: std::env::temp_dir(),
            })
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
        };
        let e = with("nbins = 4", "nbins = 4294967296");
        assert!(e.contains("tomography.nbins") && e.contains("1000"), "{e}");
        let e = with("A_s = 2e-9\n# sigma8 = 0.8", "sigma8 = -1");
        assert!(
            e.contains("cosmology.sigma8") && e.contains("positive"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_place() {
        let e = parse("seed = 1\nnsid = 64\n", "a.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a.toml:2:1") && e.contains("nsid"), "{e}");
        let e = parse("[shells]\nwindow = \"box\"\n", "b.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("b.toml:2:") && e.contains("window"), "{e}");
        let e = parse("nside = \"big\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml:1:") && e.contains("nside"), "{e}");
        let e = parse(
            "[[galaxies]]\nname = \"a\"\n[galaxies.nz]\nmodel = \"smail\"\nz_mod = 1\n",
            "d.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("d.toml:") && e.contains("z_mod"), "{e}");
    }
}
