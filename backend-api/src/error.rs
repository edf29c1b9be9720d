//! Errors cross the ABI as values: a kind and a message.

use abi_stable::std_types::RString;
use abi_stable::StableAbi;

/// What went wrong, in the categories the host acts on.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The backend does not implement the op (or this variant of it).
    Unsupported = 0,
    /// A data type the op does not accept, or a promotion the backend refuses.
    DType = 1,
    /// Shapes that do not fit (broadcasting, reshape, out-of-range axis or slice).
    Shape = 2,
    /// Arrays on different devices, or an unknown device.
    Device = 3,
    /// A value that is out of its domain (negative size, bad argument).
    Value = 4,
    /// The backend could not allocate.
    OutOfMemory = 5,
    /// A bug in the backend, such as a caught panic.
    Internal = 6,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Unsupported => "Unsupported",
            ErrorKind::DType => "DType",
            ErrorKind::Shape => "Shape",
            ErrorKind::Device => "Device",
            ErrorKind::Value => "Value",
            ErrorKind::OutOfMemory => "OutOfMemory",
            ErrorKind::Internal => "Internal",
        }
    }
}

/// An error returned by a backend (or by the host on its behalf).
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct BackendError {
    pub kind: ErrorKind,
    pub message: RString,
}

impl BackendError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        BackendError {
            kind,
            message: RString::from(message.into()),
        }
    }
    pub fn unsupported(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, m)
    }
    pub fn dtype(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::DType, m)
    }
    pub fn shape(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Shape, m)
    }
    pub fn device(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Device, m)
    }
    pub fn value(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Value, m)
    }
    pub fn oom(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::OutOfMemory, m)
    }
    pub fn internal(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, m)
    }

    /// Prefixes the message with context (an op name, an argument).
    pub fn context(self, ctx: impl std::fmt::Display) -> Self {
        BackendError {
            kind: self.kind,
            message: RString::from(format!("{ctx}: {}", self.message)),
        }
    }
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} error: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for BackendError {}

pub type BResult<T> = Result<T, BackendError>;
