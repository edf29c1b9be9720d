//! `.npy` files (NumPy's format) to and from backend arrays: float64,
//! complex128 and int64, any shape, C order. Writes go to a temporary file
//! in the same directory that is renamed into place, so that a failure never
//! leaves a partial output file.

use std::path::Path;

use glass_backend_api::DType;
use ndarray::{ArrayD, IxDyn};
use ndarray_npy::{ReadNpyError, ReadNpyExt, WriteNpyExt};
use num_complex::Complex64;

use crate::{Array, Backend, Error, Result};

fn file_err(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::file(path, what)
}

fn read_as<T: ndarray_npy::ReadableElement>(
    path: &Path,
) -> std::result::Result<ArrayD<T>, ReadNpyError> {
    let f = std::fs::File::open(path).map_err(ReadNpyError::from)?;
    ArrayD::<T>::read_npy(std::io::BufReader::new(f))
}

/// Reads the file as `T`: `Ok(None)` when its dtype is another one.
fn try_read<T: ndarray_npy::ReadableElement + glass_backend_api::Element + Clone>(
    backend: &Backend,
    path: &Path,
) -> Result<Option<Array>> {
    match read_as::<T>(path) {
        Ok(a) => {
            let data: Vec<T> = a.as_standard_layout().iter().cloned().collect();
            backend.asarray(&data, a.shape()).map(Some)
        }
        Err(ReadNpyError::WrongDescriptor(_)) => Ok(None),
        Err(e) => Err(file_err(path, e)),
    }
}

/// Reads a `.npy` file of float64, complex128 or int64 onto `backend`.
///
/// # Errors
///
/// [`Error::File`] for a missing file, a file that is not `.npy`, or an unsupported dtype;
/// backend errors of the upload.
pub fn read(backend: &Backend, path: &Path) -> Result<Array> {
    if !path.is_file() {
        return Err(file_err(path, "no such file"));
    }
    if let Some(a) = try_read::<f64>(backend, path)? {
        return Ok(a);
    }
    if let Some(a) = try_read::<Complex64>(backend, path)? {
        return Ok(a);
    }
    if let Some(a) = try_read::<i64>(backend, path)? {
        return Ok(a);
    }
    Err(file_err(
        path,
        "unsupported dtype: expected float64 (<f8), complex128 (<c16) or int64 (<i8)",
    ))
}

/// Writes an array to a `.npy` file atomically ([`crate::user::AtomicFile`]:
/// regular files only, temporary file + fsync + rename, mode kept).
///
/// # Errors
///
/// [`Error::Io`] or [`Error::File`] naming the path; nothing is left at `path` on failure.
pub fn write(x: &Array, path: &Path) -> Result<()> {
    let shape = IxDyn(x.shape());
    let mut f = crate::user::AtomicFile::create(path)?;
    let shape_err = |e: ndarray::ShapeError| Error::internal("npy::write", e);
    match x.dtype() {
        DType::Float64 => ArrayD::from_shape_vec(shape, x.to_vec::<f64>()?)
            .map_err(shape_err)?
            .write_npy(&mut f),
        DType::Complex128 => ArrayD::from_shape_vec(shape, x.to_vec::<Complex64>()?)
            .map_err(shape_err)?
            .write_npy(&mut f),
        DType::Int64 => ArrayD::from_shape_vec(shape, x.to_vec::<i64>()?)
            .map_err(shape_err)?
            .write_npy(&mut f),
        other => return Err(file_err(path, format!("cannot write dtype {other:?}"))),
    }
    .map_err(|e| file_err(path, e))?;
    f.commit()
}
