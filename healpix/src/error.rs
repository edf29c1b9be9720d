//! Errors of the HEALPix functions: values, never panics, each naming the
//! offending argument.

/// What went wrong in a HEALPix call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HealpixError {
    /// `nside` must be at least 1 (and a power of two for NESTED).
    #[error("invalid nside {nside}: {reason}")]
    Nside { nside: i64, reason: &'static str },
    /// A map length that is not `12 nside^2` for any nside.
    #[error("invalid number of pixels {npix}: not 12*nside**2 for an integer nside")]
    Npix { npix: usize },
    /// A pixel index outside `0..npix`.
    #[error("pixel index {pix} out of range for nside {nside} (npix {npix})")]
    Pixel { pix: i64, nside: i64, npix: i64 },
    /// Angles, lmax/mmax, spin or a length that does not fit.
    #[error("{0}")]
    Value(String),
}

/// Result of the HEALPix functions.
pub type Result<T> = std::result::Result<T, HealpixError>;

pub(crate) fn value_error<T>(msg: impl Into<String>) -> Result<T> {
    Err(HealpixError::Value(msg.into()))
}
