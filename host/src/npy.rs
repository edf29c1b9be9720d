//! `.npy` files (NumPy's format) to and from backend arrays: float64,
//! complex128 and int64, any shape, C order. Writes go to a temporary file
//! in the same directory that is renamed into place, so that a failure never
//! leaves a partial output file.

use std::path::Path;

use glass_backend_api::DType;
use ndarray::ArrayD;
use ndarray_npy::{ReadNpyError, ReadNpyExt};
use num_complex::Complex64;

use std::io::Write;

use crate::{Array, Backend, Error, IndexItem, Result};

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
            // a file in C order is handed over as read (no second copy)
            let std = a.as_standard_layout();
            let owned: Vec<T>;
            let data: &[T] = match std.as_slice() {
                Some(s) => s,
                None => {
                    owned = std.iter().cloned().collect();
                    &owned
                }
            };
            backend.asarray(data, a.shape()).map(Some)
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

/// Elements downloaded at a time when an array is written: the file is
/// written piece by piece, so that writing a map does not need a second
/// copy of it in memory (8 MiB pieces of float64).
const WRITE_PIECE: usize = 1 << 20;

/// The `.npy` header (format version 1.0) of a C-order array: magic,
/// version, header length, and the dictionary with at least 21 spaces of
/// padding and the newline, to a multiple of 64 bytes: the bytes
/// `ndarray_npy` writes (NumPy's layout, but for a trailing `, ` in the
/// dictionary), so that files are unchanged by writing in pieces.
fn npy_header(descr: &str, shape: &[usize]) -> Option<Vec<u8>> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}}}");
    // room for 21 more digits, so that a writer could grow the shape in place
    let total = (10 + dict.len() + 21 + 1).div_ceil(64) * 64;
    dict.extend(std::iter::repeat_n(' ', total - 11 - dict.len()));
    dict.push('\n');
    let len = u16::try_from(dict.len()).ok()?;
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend(len.to_le_bytes());
    out.extend(dict.bytes());
    Some(out)
}

/// The elements of `x` (C order), as little-endian bytes, downloaded in
/// pieces of at most [`WRITE_PIECE`] elements (along the first axis, and
/// within one row when a row is larger).
fn write_data(x: &Array, out: &mut impl std::io::Write, path: &Path) -> Result<()> {
    let rows = x.shape().first().copied().unwrap_or(1);
    if x.size() <= WRITE_PIECE || rows == 0 {
        let bytes: Vec<u8> = match x.dtype() {
            DType::Float64 => x
                .to_vec::<f64>()?
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
            DType::Complex128 => x
                .to_vec::<Complex64>()?
                .iter()
                .flat_map(|v| v.re.to_le_bytes().into_iter().chain(v.im.to_le_bytes()))
                .collect(),
            DType::Int64 => x
                .to_vec::<i64>()?
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
            other => return Err(file_err(path, format!("cannot write dtype {other:?}"))),
        };
        return out.write_all(&bytes).map_err(|e| file_err(path, e));
    }
    let row = x.size() / rows;
    if row > WRITE_PIECE {
        for r in 0..rows {
            write_data(&x.get(&[IndexItem::Int(r as i64)])?, out, path)?;
        }
        return Ok(());
    }
    let step = WRITE_PIECE / row;
    for r0 in (0..rows).step_by(step) {
        let r1 = (r0 + step).min(rows);
        let piece = x.get(&[IndexItem::Slice {
            start: r0 as i64,
            has_start: true,
            stop: r1 as i64,
            has_stop: true,
            step: 1,
        }])?;
        write_data(&piece, out, path)?;
    }
    Ok(())
}

fn write_npy(x: &Array, path: &Path, f: &mut crate::user::AtomicFile) -> Result<()> {
    let descr = match x.dtype() {
        DType::Float64 => "<f8",
        DType::Complex128 => "<c16",
        DType::Int64 => "<i8",
        other => return Err(file_err(path, format!("cannot write dtype {other:?}"))),
    };
    let header = npy_header(descr, x.shape()).ok_or_else(|| {
        file_err(
            path,
            format!("shape {:?} does not fit a .npy header", x.shape()),
        )
    })?;
    let mut out = std::io::BufWriter::new(f);
    out.write_all(&header).map_err(|e| file_err(path, e))?;
    write_data(x, &mut out, path)?;
    out.flush().map_err(|e| file_err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;
    use ndarray_npy::WriteNpyExt;

    /// The header and data written piece by piece are the bytes
    /// `ndarray_npy` writes for the whole array, for every dtype and for
    /// shapes that are written whole, by row batches and within rows.
    #[test]
    fn pieces_write_the_bytes_of_the_whole_array() {
        let backend = Backend::embedded_ndarray().unwrap();
        let dir = std::env::temp_dir().join(format!("glass-npy-pieces-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let n = WRITE_PIECE;
        for shape in [
            vec![],
            vec![0],
            vec![5],
            vec![3, 4],
            vec![2 * n + 3],
            vec![3, n + 1],
            vec![n / 2 + 1, 3],
        ] {
            let size: usize = shape.iter().product();
            let f: Vec<f64> = (0..size).map(|i| i as f64 * 0.5 - 7.0).collect();
            let c: Vec<Complex64> = f.iter().map(|&v| Complex64::new(v, -2.0 * v)).collect();
            let i: Vec<i64> = (0..size as i64).map(|v| v * 3 - 5).collect();
            let expect = |a: &dyn Fn(&mut Vec<u8>)| {
                let mut v = Vec::new();
                a(&mut v);
                v
            };
            let ix = IxDyn(&shape);
            let cases: Vec<(Array, Vec<u8>)> = vec![
                (
                    backend.asarray(&f, &shape).unwrap(),
                    expect(&|v| {
                        ArrayD::from_shape_vec(ix.clone(), f.clone())
                            .unwrap()
                            .write_npy(v)
                            .unwrap()
                    }),
                ),
                (
                    backend.asarray(&c, &shape).unwrap(),
                    expect(&|v| {
                        ArrayD::from_shape_vec(ix.clone(), c.clone())
                            .unwrap()
                            .write_npy(v)
                            .unwrap()
                    }),
                ),
                (
                    backend.asarray(&i, &shape).unwrap(),
                    expect(&|v| {
                        ArrayD::from_shape_vec(ix.clone(), i.clone())
                            .unwrap()
                            .write_npy(v)
                            .unwrap()
                    }),
                ),
            ];
            for (k, (a, want)) in cases.iter().enumerate() {
                let path = dir.join(format!("a{k}.npy"));
                write(a, &path).unwrap();
                let got = std::fs::read(&path).unwrap();
                assert!(
                    got == *want,
                    "shape {shape:?}, case {k}: bytes differ:\n{:?}\n{:?}",
                    String::from_utf8_lossy(&got[..got.len().min(140)]),
                    String::from_utf8_lossy(&want[..want.len().min(140)])
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
