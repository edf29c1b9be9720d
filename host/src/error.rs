//! Errors of the host: loading backends, and ops that fail.

use std::path::PathBuf;

use glass_backend_api::{BackendError, ErrorKind};

/// Everything that can go wrong in glass.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An op failed inside a backend.
    #[error("{backend}: {op}: {error}")]
    Op {
        backend: String,
        op: String,
        error: BackendError,
    },

    /// The backend does not implement an op and the host has no fallback.
    #[error("the {backend} backend does not support the op `{op}`")]
    Unsupported { backend: String, op: String },

    /// Arrays of two different backend instances were combined.
    #[error("{op}: arrays belong to different backends ({first} and {second}); move them with `to_backend` first")]
    MixedBackends {
        op: String,
        first: String,
        second: String,
    },

    /// `GLASS_BACKEND` (or `--backend`) named a backend that was not found.
    #[error("unknown backend `{name}`; found: {found}; searched: {searched}",
        found = if found.is_empty() { "none".to_string() } else { found.join(", ") },
        searched = display_paths(searched))]
    UnknownBackend {
        name: String,
        found: Vec<String>,
        searched: Vec<PathBuf>,
    },

    /// A path to a plugin does not exist.
    #[error("backend library not found: {0}")]
    PluginNotFound(PathBuf),

    /// The file could not be opened as a shared library.
    #[error("cannot open {path} as a shared library: {reason}")]
    NotALibrary { path: PathBuf, reason: String },

    /// The library is not a glass plugin (no abi_stable root module).
    #[error("{path} is not a glass backend plugin: {reason}")]
    NotAPlugin { path: PathBuf, reason: String },

    /// The plugin was built against an incompatible glass-backend-api.
    #[error(
        "{path} was built against glass-backend-api {plugin}, incompatible with this host's {host}"
    )]
    AbiMismatch {
        path: PathBuf,
        host: String,
        plugin: String,
    },

    /// The plugin's types do not have the layout this host expects.
    #[error("{path}: the plugin's ABI layout does not match this host's (glass-backend-api {host}): {reason}")]
    LayoutMismatch {
        path: PathBuf,
        host: String,
        reason: String,
    },

    /// The plugin loaded but could not create its backend.
    #[error("{path}: the backend failed to start: {error}")]
    CreateFailed { path: String, error: BackendError },

    /// Bad input from the user, named.
    #[error("{0}")]
    Invalid(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn display_paths(p: &[PathBuf]) -> String {
    if p.is_empty() {
        return "nothing".to_string();
    }
    p.iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

impl Error {
    /// The backend error kind, for op errors.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Op { error, .. } => Some(error.kind),
            Error::Unsupported { .. } => Some(ErrorKind::Unsupported),
            Error::MixedBackends { .. } => Some(ErrorKind::Device),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
