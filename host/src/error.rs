//! Errors of the host: loading backends, ops that fail, and bad input to the
//! GLASS functions.
//!
//! Every error is a variant that carries its data (which function, which
//! argument, which row, which file), so that a caller can match on it
//! rather than parse a message; [`Error::kind`] sorts them into a few
//! [`ErrorKind`]s. The messages are written for a person: the function,
//! then what is wrong.

use std::path::PathBuf;

use glass_backend_api::BackendError;

/// The broad class of an [`Error`], for callers that react by class.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An op or function the backend (and the host) do not have.
    Unsupported,
    /// An array of a dtype the function does not take.
    DType,
    /// Arrays of the wrong shape, or that do not broadcast.
    Shape,
    /// Arrays of different backends or devices.
    Device,
    /// An argument outside the function's domain.
    Value,
    /// An allocation that cannot be made.
    OutOfMemory,
    /// A bug: an invariant of glass or of a backend does not hold.
    Internal,
    /// A numerical method that did not converge, or a matrix that is not
    /// positive definite.
    Numerical,
    /// A file that cannot be read or written, or whose content is not what
    /// was expected.
    Io,
    /// A backend that cannot be found or loaded.
    Plugin,
}

impl ErrorKind {
    /// The host's kind of an error a backend returned.
    pub fn of_backend(k: glass_backend_api::ErrorKind) -> ErrorKind {
        use glass_backend_api::ErrorKind as B;
        // comparisons, not a match: the backend's kinds are an open set
        if k == B::Unsupported {
            ErrorKind::Unsupported
        } else if k == B::DType {
            ErrorKind::DType
        } else if k == B::Shape {
            ErrorKind::Shape
        } else if k == B::Device {
            ErrorKind::Device
        } else if k == B::Value {
            ErrorKind::Value
        } else if k == B::OutOfMemory {
            ErrorKind::OutOfMemory
        } else {
            ErrorKind::Internal
        }
    }
}

/// Everything that can go wrong in glass.
///
/// `Clone`, so that an expression holding an error can hand it on (the I/O
/// source is shared).
#[non_exhaustive]
#[derive(Clone, Debug, thiserror::Error)]
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

    /// An argument's value is outside what `func` accepts (`arg` names the
    /// argument as GLASS does).
    #[error("{func}: {reason}")]
    Value {
        func: &'static str,
        arg: &'static str,
        reason: String,
    },

    /// An argument has the wrong shape for `func`.
    #[error("{func}: {arg} has shape {got:?}, expected {expected}")]
    Shape {
        func: &'static str,
        arg: &'static str,
        got: Vec<usize>,
        expected: String,
    },

    /// An argument has a dtype `func` does not take.
    #[error("{func}: {arg} must be {expected:?}, got {got:?}")]
    DType {
        func: &'static str,
        arg: &'static str,
        got: glass_backend_api::DType,
        expected: glass_backend_api::DType,
    },

    /// An argument holds NaN at `index`.
    #[error("{func}: {arg} contains NaN at index {index}")]
    NaN {
        func: &'static str,
        arg: &'static str,
        index: usize,
    },

    /// A matrix that must be positive (semi-)definite is not: the first
    /// failing row (or pivot) is `row`, of the matrix at `at` when there
    /// is a stack of them.
    #[error("{func}: {what} is not positive definite (row {row}{})",
        at.as_ref().map(|a| format!(", matrix at {a:?}")).unwrap_or_default())]
    NotPositiveDefinite {
        func: &'static str,
        what: &'static str,
        row: usize,
        at: Option<Vec<usize>>,
    },

    /// An iterative method did not converge.
    #[error("{func}: {reason}")]
    NotConverged { func: &'static str, reason: String },

    /// A HEALPix argument (nside, npix, lmax, alm size, ...) is invalid.
    #[error(transparent)]
    Healpix(#[from] glass_healpix::HealpixError),

    /// A parameter outside a distribution's domain (NaN or negative `lam`,
    /// probabilities outside `[0, 1]`, ...), or a generator out of streams.
    #[error("{func}: {reason}")]
    Random { func: &'static str, reason: String },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::sync::Arc<std::io::Error>,
    },

    /// A file's content is not what was expected (format, dtype, layout).
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: String },

    /// An error while solving for the pair of fields `(i, j)`.
    #[error("fields ({i}, {j}): {source}")]
    InFields {
        i: usize,
        j: usize,
        #[source]
        source: Box<Error>,
    },

    /// An error in the window of shell `shell`.
    #[error("shell {shell}: {source}")]
    InShell {
        shell: usize,
        #[source]
        source: Box<Error>,
    },

    /// A bug in glass: an invariant did not hold. Please report it.
    #[error("{func}: internal error: {reason}")]
    Internal { func: &'static str, reason: String },

    /// An input asks for more memory than the machine has (checked before
    /// allocating: an allocation that fails would abort the process).
    #[error("{func}: {reason}")]
    OutOfMemory { func: &'static str, reason: String },
}

impl Error {
    /// [`Error::Value`].
    pub(crate) fn value(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Error {
        Error::Value {
            func,
            arg,
            reason: reason.into(),
        }
    }

    /// [`Error::Shape`].
    pub(crate) fn shape(
        func: &'static str,
        arg: &'static str,
        got: &[usize],
        expected: impl Into<String>,
    ) -> Error {
        Error::Shape {
            func,
            arg,
            got: got.to_vec(),
            expected: expected.into(),
        }
    }

    /// [`Error::Internal`].
    pub(crate) fn internal(func: &'static str, reason: impl std::fmt::Display) -> Error {
        Error::Internal {
            func,
            reason: reason.to_string(),
        }
    }

    /// [`Error::File`].
    pub(crate) fn file(path: &std::path::Path, reason: impl std::fmt::Display) -> Error {
        Error::File {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }

    /// This error, as raised for the pair of fields `(i, j)`.
    pub(crate) fn in_fields(self, i: usize, j: usize) -> Error {
        Error::InFields {
            i,
            j,
            source: Box::new(self),
        }
    }

    /// This error, as raised for the window of shell `shell`.
    pub(crate) fn in_shell(self, shell: usize) -> Error {
        Error::InShell {
            shell,
            source: Box::new(self),
        }
    }

    /// [`Error::Io`].
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source: std::sync::Arc::new(source),
        }
    }
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
    /// The class of the error (total: every error has one).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Op { error, .. } => ErrorKind::of_backend(error.kind),
            Error::Unsupported { .. } => ErrorKind::Unsupported,
            Error::MixedBackends { .. } => ErrorKind::Device,
            Error::UnknownBackend { .. }
            | Error::PluginNotFound(_)
            | Error::NotALibrary { .. }
            | Error::NotAPlugin { .. }
            | Error::AbiMismatch { .. }
            | Error::LayoutMismatch { .. }
            | Error::CreateFailed { .. } => ErrorKind::Plugin,
            Error::Value { .. } | Error::Healpix(_) | Error::Random { .. } => ErrorKind::Value,
            Error::Shape { .. } => ErrorKind::Shape,
            Error::DType { .. } => ErrorKind::DType,
            Error::NaN { .. } => ErrorKind::Value,
            Error::NotPositiveDefinite { .. } | Error::NotConverged { .. } => ErrorKind::Numerical,
            Error::Io { .. } | Error::File { .. } => ErrorKind::Io,
            Error::Internal { .. } => ErrorKind::Internal,
            Error::OutOfMemory { .. } => ErrorKind::OutOfMemory,
            Error::InFields { source, .. } | Error::InShell { source, .. } => source.kind(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// [`Error::DType`] unless `x` has dtype `want`.
pub(crate) fn check_dtype(
    x: &crate::Array,
    want: glass_backend_api::DType,
    func: &'static str,
    arg: &'static str,
) -> Result<()> {
    if x.dtype() != want {
        return Err(Error::DType {
            func,
            arg,
            got: x.dtype(),
            expected: want,
        });
    }
    Ok(())
}

/// Bytes for people: `12.0 GiB`.
pub(crate) fn human_bytes(b: u128) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} bytes")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// `Ok` when `bytes` (`None`: more than 2^64) fit in the memory this
/// machine has available ([`crate::user::available_memory`]; where that is
/// unknown, in the address space); otherwise [`Error::OutOfMemory`] saying
/// what `what` would take.
pub(crate) fn check_memory(
    func: &'static str,
    what: impl FnOnce() -> String,
    bytes: Option<u128>,
) -> Result<()> {
    // small requests pass without reading /proc (this runs for every
    // array created)
    if bytes.is_some_and(|b| b < 1 << 26) {
        return Ok(());
    }
    let available = crate::user::available_memory();
    let limit = available.map_or(isize::MAX as u128, u128::from);
    match bytes {
        Some(b) if b <= limit => Ok(()),
        _ => Err(Error::OutOfMemory {
            func,
            reason: format!(
                "{} would take {}, more than the {} {}",
                what(),
                bytes.map_or("more than 2^64 bytes".into(), human_bytes),
                human_bytes(limit),
                if available.is_some() {
                    "of memory available"
                } else {
                    "that can be addressed"
                }
            ),
        }),
    }
}

/// `a * b * ...` in u128, `None` on overflow.
pub(crate) fn checked_product(factors: &[u128]) -> Option<u128> {
    factors.iter().try_fold(1u128, |acc, &f| acc.checked_mul(f))
}
