//! Errors cross the ABI as values: a kind and a message.

use abi_stable::std_types::RString;
use abi_stable::StableAbi;

/// What went wrong, in the categories the host acts on.
///
/// A `#[repr(transparent)]` newtype with one associated constant per kind
/// (abi_stable's rule for field-less enums that may grow): a kind added by a
/// newer API is a value this build can hold, print and pass on, never
/// undefined behaviour. Matches on an `ErrorKind` need a `_` arm; the host
/// treats an unknown kind like `Internal`.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorKind(u8);

#[allow(non_upper_case_globals)]
impl ErrorKind {
    /// The backend does not implement the op (or this variant of it).
    pub const Unsupported: ErrorKind = ErrorKind(0);
    /// A data type the op does not accept, or a promotion the backend refuses.
    pub const DType: ErrorKind = ErrorKind(1);
    /// Shapes that do not fit (broadcasting, reshape, out-of-range axis or slice).
    pub const Shape: ErrorKind = ErrorKind(2);
    /// Arrays on different devices, or an unknown device.
    pub const Device: ErrorKind = ErrorKind(3);
    /// A value that is out of its domain (negative size, bad argument).
    pub const Value: ErrorKind = ErrorKind(4);
    /// The backend could not allocate.
    pub const OutOfMemory: ErrorKind = ErrorKind(5);
    /// A bug in the backend, such as a caught panic.
    pub const Internal: ErrorKind = ErrorKind(6);
}

impl ErrorKind {
    /// Every kind this build of the contract knows.
    pub const ALL: [ErrorKind; 7] = [
        ErrorKind::Unsupported,
        ErrorKind::DType,
        ErrorKind::Shape,
        ErrorKind::Device,
        ErrorKind::Value,
        ErrorKind::OutOfMemory,
        ErrorKind::Internal,
    ];

    /// The kind's code on the wire.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// The kind with this code, known to this build or not.
    pub const fn from_code(code: u8) -> ErrorKind {
        ErrorKind(code)
    }

    /// Whether this build of the contract knows the kind.
    pub fn is_known(self) -> bool {
        ErrorKind::ALL.contains(&self)
    }

    /// The name; `"Unknown"` for a kind this build does not know.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Unsupported => "Unsupported",
            ErrorKind::DType => "DType",
            ErrorKind::Shape => "Shape",
            ErrorKind::Device => "Device",
            ErrorKind::Value => "Value",
            ErrorKind::OutOfMemory => "OutOfMemory",
            ErrorKind::Internal => "Internal",
            _ => "Unknown",
        }
    }
}

impl std::fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_known() {
            f.write_str(self.name())
        } else {
            write!(f, "ErrorKind({})", self.0)
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
        if self.kind.is_known() {
            write!(f, "{} error: {}", self.kind.name(), self.message)
        } else {
            write!(
                f,
                "error of unknown kind {}: {}",
                self.kind.code(),
                self.message
            )
        }
    }
}

impl std::error::Error for BackendError {}

pub type BResult<T> = Result<T, BackendError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_old_enum_discriminants() {
        let codes: Vec<u8> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_newer_peers_kind_is_held_and_named() {
        let e = BackendError::new(ErrorKind::from_code(9), "from the future");
        assert!(!e.kind.is_known());
        assert_eq!(e.to_string(), "error of unknown kind 9: from the future");
        assert_eq!(format!("{:?}", e.kind), "ErrorKind(9)");
    }
}
