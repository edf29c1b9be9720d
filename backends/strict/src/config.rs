//! Backend options: whether data-dependent output shapes are allowed.
//!
//! As array_api_strict's `data_dependent_shapes` flag, they are off by
//! default: `nonzero`, `unique_values`, `getitem_mask` and `repeat` with an
//! array of repeats are refused, because a library that compiles whole
//! programs (JAX, ...) cannot know their output shapes in advance. They are
//! enabled by `GLASS_STRICT_DATA_DEPENDENT_SHAPES=1` in the environment when
//! the backend is created, or by the config string `data_dependent_shapes=1`.

use glass_backend_api::{BResult, BackendError};

/// The environment variable that enables data-dependent shapes.
pub const DATA_DEPENDENT_ENV: &str = "GLASS_STRICT_DATA_DEPENDENT_SHAPES";

/// The options of a strict backend instance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Whether ops whose output shape depends on the data are allowed.
    pub data_dependent_shapes: bool,
}

impl Config {
    /// Reads the options from the environment and the config string.
    pub fn from_env_and(config: &str) -> BResult<Config> {
        let env = std::env::var(DATA_DEPENDENT_ENV).ok();
        Config::parse(config, env.as_deref())
    }

    /// Parses the options: `env` is the value of [`DATA_DEPENDENT_ENV`] (if
    /// set), `config` a list of `key=value` items separated by commas or
    /// whitespace. The config string wins over the environment.
    pub fn parse(config: &str, env: Option<&str>) -> BResult<Config> {
        let mut cfg = Config::default();
        if let Some(v) = env {
            cfg.data_dependent_shapes = parse_flag(DATA_DEPENDENT_ENV, v)?;
        }
        for item in config
            .split([',', ' ', '\t', '\n'])
            .filter(|s| !s.is_empty())
        {
            match item.split_once('=') {
                Some(("data_dependent_shapes", v)) => {
                    cfg.data_dependent_shapes = parse_flag("data_dependent_shapes", v)?;
                }
                _ => {
                    return Err(BackendError::value(format!(
                        "strict backend: unknown option {item:?} (the only option is data_dependent_shapes=0|1)"
                    )))
                }
            }
        }
        Ok(cfg)
    }
}

/// `1`/`true` or `0`/`false` (an empty value counts as off).
fn parse_flag(name: &str, v: &str) -> BResult<bool> {
    match v.trim() {
        "1" | "true" => Ok(true),
        "0" | "false" | "" => Ok(false),
        other => Err(BackendError::value(format!(
            "strict backend: {name} must be 0 or 1, got {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass_backend_api::ErrorKind;

    #[test]
    fn defaults_to_off() {
        assert_eq!(Config::parse("", None).unwrap(), Config::default());
        assert!(!Config::parse("  ", None).unwrap().data_dependent_shapes);
    }

    #[test]
    fn environment_enables() {
        assert!(Config::parse("", Some("1")).unwrap().data_dependent_shapes);
        assert!(!Config::parse("", Some("0")).unwrap().data_dependent_shapes);
        assert_eq!(
            Config::parse("", Some("yes")).unwrap_err().kind,
            ErrorKind::Value
        );
    }

    #[test]
    fn config_string_enables_and_overrides() {
        assert!(
            Config::parse("data_dependent_shapes=1", None)
                .unwrap()
                .data_dependent_shapes
        );
        assert!(
            !Config::parse("data_dependent_shapes=0", Some("1"))
                .unwrap()
                .data_dependent_shapes
        );
    }

    #[test]
    fn unknown_options_are_refused() {
        let e = Config::parse("fast=1", None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("fast=1"), "{}", e.message);
        assert!(Config::parse("data_dependent_shapes", None).is_err());
        assert!(Config::parse("data_dependent_shapes=2", None).is_err());
    }
}
