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
    crate::user::check_input_file(path)?;
    let h = header(path)?;
    check_data_present(path, &h)?;
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
        format!(
            "unsupported dtype: found {} ('{}'); expected float64 (<f8), complex128 (<c16) or int64 (<i8)",
            dtype_name(&h.descr),
            h.descr
        ),
    ))
}

/// What the header of a `.npy` file says.
struct Header {
    descr: String,
    shape: Vec<u128>,
    /// Bytes of the file after the header (the data present).
    data_len: u64,
}

/// Reads the header of a `.npy` file (NumPy's format, versions 1-3):
/// magic, version, header length, then a Python dict literal with
/// `descr`, `fortran_order`, `shape`.
fn header(path: &Path) -> Result<Header> {
    use std::io::Read;
    let bad = |why: &str| file_err(path, format!("not a .npy file: {why}"));
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut pre = [0u8; 12];
    let n = f.read(&mut pre).map_err(|e| Error::io(path, e))?;
    if n < 10 || &pre[..6] != b"\x93NUMPY" {
        return Err(bad("no NumPy magic string at its start"));
    }
    let (len, start) = match pre[6] {
        1 => (u64::from(u16::from_le_bytes([pre[8], pre[9]])), 10),
        2 | 3 if n == 12 => (
            u64::from(u32::from_le_bytes([pre[8], pre[9], pre[10], pre[11]])),
            12,
        ),
        v => return Err(bad(&format!("unknown format version {v}"))),
    };
    // a header is a few hundred bytes; refuse absurd lengths before reading
    if len > 1 << 20 {
        return Err(bad(&format!("a header of {len} bytes")));
    }
    let mut text = vec![0u8; len as usize];
    use std::io::{Seek, SeekFrom};
    f.seek(SeekFrom::Start(start))
        .and_then(|_| f.read_exact(&mut text))
        .map_err(|_| bad("the file ends inside its header"))?;
    let text = String::from_utf8_lossy(&text);
    let descr = text
        .split_once("'descr':")
        .and_then(|(_, r)| {
            let r = r.trim_start();
            let q = r.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            r[1..].split_once(q).map(|(d, _)| d.to_string())
        })
        .unwrap_or_else(|| "a structured dtype".into());
    let shape = text
        .split_once("'shape':")
        .and_then(|(_, r)| r.trim_start().strip_prefix('('))
        .and_then(|r| r.split_once(')'))
        .ok_or_else(|| bad("no shape in its header"))?
        .0
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.trim_end_matches('L').parse::<u128>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| bad("a shape that is not a tuple of integers"))?;
    Ok(Header {
        descr,
        shape,
        data_len: file_len.saturating_sub(start + len),
    })
}

/// Bytes per element of a `.npy` dtype string such as `<f8` (`None` when
/// not a plain number type).
fn itemsize(descr: &str) -> Option<u128> {
    let d = descr.trim_start_matches(['<', '>', '|', '=']);
    d.get(1..)?.parse().ok()
}

/// NumPy's name of a dtype string: `<c8` is complex64.
fn dtype_name(descr: &str) -> String {
    let d = descr.trim_start_matches(['<', '>', '|', '=']);
    let big = descr.starts_with('>');
    let (kind, size) = d.split_at(d.len().min(1));
    let bits = size.parse::<u32>().ok().and_then(|b| b.checked_mul(8));
    let base = match (kind, bits) {
        ("f", Some(b)) => format!("float{b}"),
        ("c", Some(b)) => format!("complex{b}"),
        ("i", Some(b)) => format!("int{b}"),
        ("u", Some(b)) => format!("uint{b}"),
        ("b", _) => "bool".into(),
        ("U", _) => "a unicode string".into(),
        ("S", _) => "a byte string".into(),
        ("O", _) => "Python objects".into(),
        ("M", _) => "datetime64".into(),
        ("m", _) => "timedelta64".into(),
        _ => descr.to_string(),
    };
    if big {
        format!("big-endian {base}")
    } else {
        base
    }
}

/// The data the header announces must be in the file (a header claiming
/// 10^15 elements would otherwise make the reader allocate them first).
fn check_data_present(path: &Path, h: &Header) -> Result<()> {
    let Some(size) = itemsize(&h.descr) else {
        return Ok(()); // named as unsupported below
    };
    let mut factors = h.shape.clone();
    factors.push(size);
    let need = crate::error::checked_product(&factors);
    let have = u128::from(h.data_len);
    match need {
        Some(n) if n <= have => Ok(()),
        _ => Err(file_err(
            path,
            format!(
                "truncated or corrupt: its header says shape {:?} of {} ({}), but the file holds {} of data",
                h.shape,
                dtype_name(&h.descr),
                need.map_or("more than 2^128 bytes".into(), crate::error::human_bytes),
                crate::error::human_bytes(have)
            ),
        )),
    }
}

/// Writes an array to a `.npy` file atomically ([`crate::user::AtomicFile`]:
/// regular files only, temporary file + fsync + rename, mode kept).
///
/// # Errors
///
/// [`Error::Io`] or [`Error::File`] naming the path; nothing is left at `path` on failure.
pub fn write(x: &Array, path: &Path) -> Result<()> {
    write_all(&[(x, path)])
}

/// Writes several arrays to `.npy` files, all or nothing: every file is
/// written and synced under a temporary name before the first is renamed
/// into place; on an error none is (the outputs of a command that writes
/// two files, such as the Q and U maps of a spin transform). Two entries
/// with the same path are refused.
///
/// # Errors
///
/// As [`write`]; [`Error::File`] for a path given twice.
pub fn write_all(items: &[(&Array, &Path)]) -> Result<()> {
    for (i, (_, a)) in items.iter().enumerate() {
        for (_, b) in &items[..i] {
            if crate::user::same_file(a, b) {
                return Err(file_err(
                    a,
                    "given as two outputs: each output needs a file of its own",
                ));
            }
        }
    }
    let mut open = Vec::with_capacity(items.len());
    for (x, path) in items {
        let mut f = crate::user::AtomicFile::create(path)?;
        write_npy(x, path, &mut f)?;
        open.push(f);
    }
    for f in open {
        f.commit()?;
    }
    Ok(())
}

fn write_npy(x: &Array, path: &Path, f: &mut crate::user::AtomicFile) -> Result<()> {
    let shape = IxDyn(x.shape());
    let shape_err = |e: ndarray::ShapeError| Error::internal("npy::write", e);
    match x.dtype() {
        DType::Float64 => ArrayD::from_shape_vec(shape, x.to_vec::<f64>()?)
            .map_err(shape_err)?
            .write_npy(f),
        DType::Complex128 => ArrayD::from_shape_vec(shape, x.to_vec::<Complex64>()?)
            .map_err(shape_err)?
            .write_npy(f),
        DType::Int64 => ArrayD::from_shape_vec(shape, x.to_vec::<i64>()?)
            .map_err(shape_err)?
            .write_npy(f),
        other => return Err(file_err(path, format!("cannot write dtype {other:?}"))),
    }
    .map_err(|e| file_err(path, e))
}
