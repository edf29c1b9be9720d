//! Files for users (GLASS `glass.user`): angular power spectra as `.npz`
//! in the layout of `glass.save_cls` / `glass.load_cls`, and the catalogue
//! writer's building block, a FITS binary table written in chunks.
//!
//! Every writer goes to a temporary file next to the target that is renamed
//! into place at the end, so a failure never leaves a partial output file.
//!
//! ```
//! # fn main() -> glass::Result<()> {
//! let dir = std::env::temp_dir().join(format!("glass-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("cls.npz");
//! let cls = vec![vec![1.0, 0.5, 0.25], vec![], vec![0.1, 0.2]];
//! glass::user::save_cls(&path, &cls)?;
//! assert_eq!(glass::user::load_cls(&path)?, cls);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok(()) }
//! ```

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use ndarray::{Array1, ArrayD};
use ndarray_npy::{NpzReader, NpzWriter, ReadNpzError};

use crate::error::{Error, Result};

mod atomic;
mod fits_read;
pub(crate) use atomic::kind_of;
pub use atomic::{remove_temporaries, write_atomic, AtomicFile};
pub use fits_read::{read_fits_table, read_healpix_map, FitsTable, HealpixMap};

/// `Ok` for a regular file (or a link to one); otherwise an error saying
/// what it is: "no such file", "is a directory", "is a FIFO", "is a
/// device" (the readers of `.npy`, `.npz` and FITS files seek, and a FIFO
/// would block them).
///
/// # Errors
///
/// [`Error::File`] as above; [`Error::Io`] when the path cannot be
/// examined.
pub fn check_input_file(path: &Path) -> Result<()> {
    let m = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::file(path, "no such file"))
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if m.file_type().is_file() {
        return Ok(());
    }
    let what = crate::user::kind_of(&m.file_type());
    Err(Error::file(
        path,
        format!("is {what}: inputs are read from regular files only"),
    ))
}

/// Whether two paths name one file: equal, or equal once links and `..`
/// are resolved (for outputs that must not overwrite each other).
pub fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// A value of `/proc/meminfo` in bytes (`key` such as `MemAvailable`).
fn meminfo(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// The memory this process could still allocate, bytes: the kernel's
/// estimate of available memory plus free swap (`/proc/meminfo`); `None`
/// where unknown (not Linux). Sizes asked for by input are checked against
/// it before allocating.
pub fn available_memory() -> Option<u64> {
    let avail = meminfo("MemAvailable")?;
    Some(avail.saturating_add(meminfo("SwapFree").unwrap_or(0)))
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::io(path, e)
}

fn file_err(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::file(path, what)
}

/// Saves angular power spectra (any lengths, empty ones included) to a
/// `.npz` file as GLASS does: `values`, all spectra concatenated (float64),
/// and `split`, the cumulative lengths of all but the last (int64).
///
/// # Errors
///
/// [`Error::Value`] for no spectra; [`Error::Io`] or [`Error::File`] naming the path (nothing
/// is left at `path` on failure).
pub fn save_cls(path: &Path, cls: &[Vec<f64>]) -> Result<()> {
    if cls.is_empty() {
        return Err(Error::value("save_cls", "cls", "no spectra to save"));
    }
    let values: Array1<f64> = cls.iter().flatten().copied().collect();
    let mut total = 0i64;
    let split: Array1<i64> = cls[..cls.len() - 1]
        .iter()
        .map(|c| {
            total += c.len() as i64;
            total
        })
        .collect();
    let f = AtomicFile::create(path)?;
    let mut npz = NpzWriter::new(f);
    npz.add_array("values", &values)
        .and_then(|_| npz.add_array("split", &split))
        .map_err(|e| file_err(path, e))?;
    let f = npz.finish().map_err(|e| file_err(path, e))?;
    f.commit()
}

/// Loads angular power spectra saved by [`save_cls`] or by Python GLASS's
/// `save_cls` (`values` split at the indices `split`).
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened; [`Error::File`] when it is not a
/// `glass.save_cls` `.npz` (missing or malformed `values`/`split`).
pub fn load_cls(path: &Path) -> Result<Vec<Vec<f64>>> {
    check_input_file(path)?;
    let f = File::open(path).map_err(|e| io_err(path, e))?;
    load_cls_from(std::io::BufReader::new(f), path)
}

/// [`load_cls`] from any reader (e.g. spectra bundled in a program with
/// `include_bytes!`); `path` names the source in errors.
///
/// # Errors
///
/// As [`load_cls`].
pub fn load_cls_from<R: std::io::Read + Seek>(reader: R, path: &Path) -> Result<Vec<Vec<f64>>> {
    let mut npz = NpzReader::new(reader).map_err(|e| file_err(path, e))?;
    let values: ArrayD<f64> = npz
        .by_name("values")
        .map_err(|e| file_err(path, format!("load_cls: array 'values': {e}")))?;
    // `split` is int64, except that NumPy writes an empty one (a single
    // spectrum) as float64
    let split: Vec<i64> = match npz.by_name::<ndarray::OwnedRepr<i64>, ndarray::IxDyn>("split") {
        Ok(s) => s.iter().copied().collect(),
        Err(ReadNpzError::Npy(ndarray_npy::ReadNpyError::WrongDescriptor(_))) => {
            let s: ArrayD<f64> = npz
                .by_name("split")
                .map_err(|e| file_err(path, format!("load_cls: array 'split': {e}")))?;
            s.iter()
                .map(|v| {
                    if v.fract() == 0.0 {
                        Ok(*v as i64)
                    } else {
                        Err(file_err(
                            path,
                            format!("load_cls: split index {v} is not an integer"),
                        ))
                    }
                })
                .collect::<Result<_>>()?
        }
        Err(e) => return Err(file_err(path, format!("load_cls: array 'split': {e}"))),
    };
    if values.ndim() != 1 {
        return Err(file_err(path, "load_cls: 'values' is not one-dimensional"));
    }
    let values: Vec<f64> = values.iter().copied().collect();
    let mut out = Vec::with_capacity(split.len() + 1);
    let mut start = 0usize;
    for &s in &split {
        if s < start as i64 || s as usize > values.len() {
            return Err(file_err(
                path,
                format!(
                    "load_cls: split index {s} out of order or beyond the {} values",
                    values.len()
                ),
            ));
        }
        out.push(values[start..s as usize].to_vec());
        start = s as usize;
    }
    out.push(values[start..].to_vec());
    Ok(out)
}

/// One column of a catalogue chunk.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// float64 values (FITS `D`).
    F64(&'a [f64]),
    /// float32 values (FITS `E`).
    F32(&'a [f32]),
    /// int64 values (FITS `K`).
    I64(&'a [i64]),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::F64(v) => v.len(),
            Column::F32(v) => v.len(),
            Column::I64(v) => v.len(),
        }
    }
    fn form(&self) -> char {
        match self {
            Column::F64(_) => 'D',
            Column::F32(_) => 'E',
            Column::I64(_) => 'K',
        }
    }
}

/// Bytes per value of a FITS form (`E` 4, `D` and `K` 8).
fn form_width(form: char) -> usize {
    if form == 'E' {
        4
    } else {
        8
    }
}

const BLOCK: u64 = 2880;

/// One 80-character header card `KEYWORD = value` in the fixed format of
/// the FITS standard (4.2): strings start in column 11, numbers and
/// logicals end in column 30.
fn card(key: &str, value: &str) -> String {
    let c = if value.starts_with('\'') {
        format!("{key:<8}= {value}")
    } else {
        format!("{key:<8}= {value:>20}")
    };
    format!("{c:<80}")
}

/// A FITS string value: quoted, quotes doubled, at least 8 characters.
fn fits_string(s: &str) -> String {
    format!("'{:<8}'", s.replace('\'', "''"))
}

fn check_name(what: &'static str, s: &str) -> Result<()> {
    if s.is_empty() || s.len() > 68 || !s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(Error::value(
            "write_catalog",
            what,
            format!("{what} {s:?} must be 1 to 68 printable ASCII characters"),
        ));
    }
    Ok(())
}

/// A catalogue being written: a FITS file with an empty primary HDU and one
/// binary table extension, filled in chunks of rows by
/// [`CatalogWriter::write`] (GLASS `write_catalog` / `_FitsWriter`).
/// [`CatalogWriter::finish`] completes the file; dropping the writer
/// before that removes it.
pub struct CatalogWriter {
    out: AtomicFile,
    ext: Option<String>,
    /// Column names and FITS forms, fixed by the first chunk.
    columns: Vec<(String, char)>,
    nrows: u64,
    /// Byte offset of the NAXIS2 card, patched in `finish`.
    naxis2_at: u64,
    /// Extra cards of the table header, set before the first chunk.
    extra: Vec<String>,
}

/// The value of an extra header card ([`CatalogWriter::header`]).
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderValue {
    /// A string (quoted in the file).
    Str(String),
    /// An integer.
    Int(i64),
    /// A real number.
    Float(f64),
    /// A logical (`T` / `F`).
    Bool(bool),
}

/// Starts a catalogue at `path` (replacing any file there once finished),
/// with the table extension named `ext` (FITS `EXTNAME`) if given.
///
/// # Errors
///
/// [`Error::Value`] for an extension name that FITS cannot hold; [`Error::Io`] or
/// [`Error::File`] naming the path.
pub fn write_catalog(path: &Path, ext: Option<&str>) -> Result<CatalogWriter> {
    if let Some(e) = ext {
        check_name("extension name", e)?;
    }
    let mut out = AtomicFile::create(path)?;
    let mut h = String::new();
    h += &card("SIMPLE", "T");
    h += &card("BITPIX", "8");
    h += &card("NAXIS", "0");
    h += &card("EXTEND", "T");
    h += &format!("{:<80}", "END");
    write_block_padded(&mut out, h.as_bytes(), b' ').map_err(|e| io_err(path, e))?;
    Ok(CatalogWriter {
        out,
        ext: ext.map(str::to_string),
        columns: Vec::new(),
        nrows: 0,
        naxis2_at: 0,
        extra: Vec::new(),
    })
}

fn write_block_padded(out: &mut impl Write, bytes: &[u8], fill: u8) -> std::io::Result<()> {
    out.write_all(bytes)?;
    let rem = bytes.len() as u64 % BLOCK;
    if rem != 0 {
        out.write_all(&vec![fill; (BLOCK - rem) as usize])?;
    }
    Ok(())
}

impl CatalogWriter {
    fn path(&self) -> &Path {
        self.out.path()
    }

    /// Bytes per row.
    fn row_width(&self) -> usize {
        self.columns.iter().map(|(_, f)| form_width(*f)).sum()
    }

    /// Adds a card `key = value` to the table's header; only before the
    /// first chunk is written.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for a key that is not 1 to 8 of `A-Z 0-9 - _`, a
    /// string value FITS cannot hold, a non-finite number, a reserved key
    /// (the table's own structure) or a call after the first chunk.
    pub fn header(&mut self, key: &str, value: HeaderValue) -> Result<()> {
        const F: &str = "write_catalog";
        if !self.columns.is_empty() {
            return Err(Error::value(
                F,
                "header",
                format!("header card {key} after the first chunk of rows"),
            ));
        }
        let ok = !key.is_empty()
            && key.len() <= 8
            && key
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        let reserved = [
            "XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "PCOUNT", "GCOUNT",
        ];
        if !ok || reserved.contains(&key) || key.starts_with("TTYPE") || key.starts_with("TFORM") {
            return Err(Error::value(
                F,
                "header",
                format!("{key:?} is not a header key this writer can set"),
            ));
        }
        let v = match value {
            HeaderValue::Str(s) => {
                check_name("header value", &s)?;
                fits_string(&s)
            }
            HeaderValue::Int(i) => i.to_string(),
            HeaderValue::Bool(b) => (if b { "T" } else { "F" }).to_string(),
            HeaderValue::Float(x) if x.is_finite() => format!("{x:E}"),
            HeaderValue::Float(x) => {
                return Err(Error::value(
                    F,
                    "header",
                    format!("header card {key} = {x}: FITS numbers are finite"),
                ))
            }
        };
        self.extra.push(card(key, &v));
        Ok(())
    }

    /// Appends rows: columns by name, all of the same length. The first
    /// chunk fixes the columns and their types; later chunks must give the
    /// same names and types (in any order).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for a chunk without columns, columns of different lengths, a column
    /// given twice, missing, or of another type than in the first chunk; [`Error::Io`] naming
    /// the path.
    pub fn write(&mut self, columns: &[(&str, Column<'_>)]) -> Result<()> {
        let Some((_, first)) = columns.first() else {
            return Err(Error::value(
                "write_catalog",
                "columns",
                "a chunk without columns",
            ));
        };
        let n = first.len();
        for (name, c) in columns {
            check_name("column name", name)?;
            if c.len() != n {
                return Err(Error::value(
                    "write_catalog",
                    "columns",
                    format!(
                        "column {name} has {} rows, column {} has {n}",
                        c.len(),
                        columns[0].0
                    ),
                ));
            }
        }
        for (k, (name, _)) in columns.iter().enumerate() {
            if columns[..k].iter().any(|(o, _)| o == name) {
                return Err(Error::value(
                    "write_catalog",
                    "columns",
                    format!("column {name} given twice"),
                ));
            }
        }
        if self.columns.is_empty() {
            self.columns = columns
                .iter()
                .map(|(name, c)| (name.to_string(), c.form()))
                .collect();
            self.write_table_header()?;
        }
        // the chunk's columns in the table's order
        let mut ordered = Vec::with_capacity(self.columns.len());
        for (name, form) in &self.columns {
            match columns.iter().find(|(n, _)| n == name) {
                Some((_, c)) if c.form() == *form => ordered.push(*c),
                Some(_) => {
                    return Err(Error::value(
                        "write_catalog",
                        "columns",
                        format!("column {name} changed type"),
                    ))
                }
                None => {
                    return Err(Error::value(
                        "write_catalog",
                        "columns",
                        format!("column {name} missing from this chunk"),
                    ))
                }
            }
        }
        if columns.len() != self.columns.len() {
            return Err(Error::value(
                "write_catalog",
                "columns",
                format!(
                    "the table has the columns {:?}, this chunk has {} columns",
                    self.columns.iter().map(|c| &c.0).collect::<Vec<_>>(),
                    columns.len()
                ),
            ));
        }
        // rows in blocks: each block's big-endian bytes are filled in
        // parallel (rayon's pool), then written; memory stays one block
        use rayon::prelude::*;
        const BLOCK_ROWS: usize = 1 << 15;
        const TASK_ROWS: usize = 1 << 11;
        let offsets: Vec<usize> = self
            .columns
            .iter()
            .scan(0, |at, (_, f)| {
                let o = *at;
                *at += form_width(*f);
                Some(o)
            })
            .collect();
        let width = self.row_width();
        let mut buf = vec![0u8; width * BLOCK_ROWS.min(n)];
        for start in (0..n).step_by(BLOCK_ROWS) {
            let rows = BLOCK_ROWS.min(n - start);
            let bytes = &mut buf[..rows * width];
            bytes
                .par_chunks_mut(TASK_ROWS * width)
                .enumerate()
                .for_each(|(t, chunk)| {
                    let first = start + t * TASK_ROWS;
                    for (r, row) in chunk.chunks_exact_mut(width).enumerate() {
                        for (c, &o) in ordered.iter().zip(&offsets) {
                            match c {
                                Column::F64(v) => {
                                    row[o..o + 8].copy_from_slice(&v[first + r].to_be_bytes())
                                }
                                Column::F32(v) => {
                                    row[o..o + 4].copy_from_slice(&v[first + r].to_be_bytes())
                                }
                                Column::I64(v) => {
                                    row[o..o + 8].copy_from_slice(&v[first + r].to_be_bytes())
                                }
                            }
                        }
                    }
                });
            self.out
                .write_all(bytes)
                .map_err(|e| io_err(self.out.path(), e))?;
        }
        self.nrows += n as u64;
        Ok(())
    }

    fn write_table_header(&mut self) -> Result<()> {
        let ncol = self.columns.len();
        let mut h = String::new();
        h += &card("XTENSION", &fits_string("BINTABLE"));
        h += &card("BITPIX", "8");
        h += &card("NAXIS", "2");
        h += &card("NAXIS1", &self.row_width().to_string());
        let naxis2_offset = h.len() as u64;
        h += &card("NAXIS2", "0");
        h += &card("PCOUNT", "0");
        h += &card("GCOUNT", "1");
        h += &card("TFIELDS", &ncol.to_string());
        for (k, (name, form)) in self.columns.iter().enumerate() {
            h += &card(&format!("TTYPE{}", k + 1), &fits_string(name));
            h += &card(
                &format!("TFORM{}", k + 1),
                &fits_string(&format!("1{form}")),
            );
        }
        if let Some(e) = &self.ext {
            h += &card("EXTNAME", &fits_string(e));
        }
        for c in &self.extra {
            h += c;
        }
        h += &format!("{:<80}", "END");
        let start = self
            .out
            .stream_position()
            .map_err(|e| io_err(self.out.path(), e))?;
        write_block_padded(&mut self.out, h.as_bytes(), b' ')
            .map_err(|e| io_err(self.out.path(), e))?;
        self.naxis2_at = start + naxis2_offset;
        Ok(())
    }

    /// Completes the file (row count, padding) and moves it into place.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] naming the path; the temporary file is removed on failure.
    pub fn finish(mut self) -> Result<()> {
        let path = self.path().to_path_buf();
        let io = |e: std::io::Error| io_err(&path, e);
        if !self.columns.is_empty() {
            let data = self.nrows * self.row_width() as u64;
            let rem = data % BLOCK;
            if rem != 0 {
                self.out
                    .write_all(&vec![0u8; (BLOCK - rem) as usize])
                    .map_err(io)?;
            }
            self.out.seek(SeekFrom::Start(self.naxis2_at)).map_err(io)?;
            self.out
                .write_all(card("NAXIS2", &self.nrows.to_string()).as_bytes())
                .map_err(io)?;
            self.out.seek(SeekFrom::End(0)).map_err(io)?;
        }
        self.out.commit()
    }
}

/// Writes HEALPix maps (RING order, one column per map: float64, float32
/// or int64 as given) as the
/// FITS binary table that `healpy.read_map` reads: header cards `PIXTYPE
/// = 'HEALPIX'`, `ORDERING = 'RING'`, `NSIDE`, `FIRSTPIX`, `LASTPIX`,
/// `INDXSCHM = 'IMPLICIT'`, `OBJECT = 'FULLSKY'` (Górski et al. 2005,
/// HEALPix FITS conventions); `healpy.read_map(path, field=k)` reads
/// column `k`. Written to a temporary file and renamed when complete.
///
/// # Errors
///
/// [`Error::Value`] for no maps, a map whose length is not `12 nside²`, or
/// a column name FITS cannot hold; [`Error::Io`] naming the path.
pub fn write_healpix_maps(path: &Path, nside: i64, maps: &[(&str, Column<'_>)]) -> Result<()> {
    const F: &str = "write_healpix_maps";
    let npix = glass_healpix::pixel::nside2npix(nside)
        .map_err(|e| Error::value(F, "nside", e.to_string()))?;
    if maps.is_empty() {
        return Err(Error::value(F, "maps", "no maps to write"));
    }
    for (name, m) in maps {
        if m.len() as i64 != npix {
            return Err(Error::value(
                F,
                "maps",
                format!(
                    "map {name} has {} pixels, nside {nside} has {npix}",
                    m.len()
                ),
            ));
        }
    }
    let mut w = write_catalog(path, Some("xtension"))?;
    w.header("PIXTYPE", HeaderValue::Str("HEALPIX".into()))?;
    w.header("ORDERING", HeaderValue::Str("RING".into()))?;
    w.header("NSIDE", HeaderValue::Int(nside))?;
    w.header("FIRSTPIX", HeaderValue::Int(0))?;
    w.header("LASTPIX", HeaderValue::Int(npix - 1))?;
    w.header("INDXSCHM", HeaderValue::Str("IMPLICIT".into()))?;
    w.header("OBJECT", HeaderValue::Str("FULLSKY".into()))?;
    w.write(maps)?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_are_80_characters() {
        let c = card("NAXIS2", "12345");
        assert_eq!(c.len(), 80);
        assert_eq!(&c[..30], "NAXIS2  =                12345");
        assert_eq!(fits_string("it's"), "'it''s   '");
    }
}
