//! Reading FITS files: HEALPix maps (a visibility mask from healpy or
//! this program) and binary tables (catalogues, for checks), through
//! cfitsio, the field's reference library (`fitsio` crate, cfitsio built
//! from source).
//!
//! Columns are read as float64 whatever their FITS type (cfitsio
//! converts), including healpy's vector columns (`TFORM = '1024E'`: the
//! map in rows of 1024 pixels).

use std::path::Path;

use fitsio::hdu::HduInfo;
use fitsio::FitsFile;

use crate::error::{Error, Result};

fn fits_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::file(path, format!("FITS: {e}"))
}

/// A binary table read whole: its header cards (key, value as written,
/// strings without quotes) and its columns as float64.
#[derive(Debug, Clone, PartialEq)]
pub struct FitsTable {
    /// The header cards of the table's HDU, in order.
    pub header: Vec<(String, String)>,
    /// Column names and values (`rows × repeat` values each).
    pub columns: Vec<(String, Vec<f64>)>,
    /// Number of rows (`NAXIS2`).
    pub nrows: usize,
}

impl FitsTable {
    /// The value of header card `key`, if present.
    pub fn key(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The column called `name`, if present.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// Reads the binary table in HDU `hdu` (1 = the first extension) of a FITS
/// file: every header card and every column (as float64).
///
/// # Errors
///
/// [`Error::File`] naming the path for a file that cannot be opened, is
/// not FITS, has no such HDU, or whose HDU is not a table.
pub fn read_fits_table(path: &Path, hdu: usize) -> Result<FitsTable> {
    super::check_input_file(path)?;
    let mut f = FitsFile::open(path).map_err(|e| fits_err(path, e))?;
    let h = f
        .hdu(hdu)
        .map_err(|e| fits_err(path, format!("HDU {hdu}: {e}")))?;
    let (nrows, names) = match &h.info {
        HduInfo::TableInfo {
            column_descriptions,
            num_rows,
        } => (
            *num_rows,
            column_descriptions
                .iter()
                .map(|c| (c.name.clone(), c.data_type.repeat))
                .collect::<Vec<_>>(),
        ),
        _ => return Err(Error::file(path, format!("HDU {hdu} is not a table"))),
    };
    let header = read_header(&mut f, path)?;
    let mut columns = Vec::with_capacity(names.len());
    for (k, (name, repeat)) in names.into_iter().enumerate() {
        let n = nrows * repeat.max(1);
        let mut data = vec![0.0f64; n];
        let mut anynul = 0;
        let mut status = 0;
        if n > 0 {
            // SAFETY: `data` holds `n` doubles, the number asked for; the
            // file's current HDU is this table (`hdu` made it current).
            unsafe {
                fitsio::sys::ffgcvd(
                    f.as_raw(),
                    (k + 1) as _,
                    1,
                    1,
                    n as _,
                    f64::NAN,
                    data.as_mut_ptr(),
                    &mut anynul,
                    &mut status,
                );
            }
        }
        if status != 0 {
            return Err(Error::file(
                path,
                format!("FITS: column {name}: cfitsio status {status}"),
            ));
        }
        columns.push((name, data));
    }
    Ok(FitsTable {
        header,
        columns,
        nrows,
    })
}

/// Every card `KEY = value` of the current HDU (no COMMENT/HISTORY).
fn read_header(f: &mut FitsFile, path: &Path) -> Result<Vec<(String, String)>> {
    let mut nkeys = 0;
    let mut status = 0;
    // SAFETY: plain cfitsio calls on an open file; buffers are the sizes
    // cfitsio documents (FLEN_KEYWORD 75, FLEN_VALUE 71, FLEN_COMMENT 73).
    unsafe {
        fitsio::sys::ffghsp(f.as_raw(), &mut nkeys, std::ptr::null_mut(), &mut status);
    }
    if status != 0 {
        return Err(Error::file(path, format!("FITS header: status {status}")));
    }
    let mut out = Vec::with_capacity(nkeys as usize);
    for i in 1..=nkeys {
        let mut key = [0 as std::ffi::c_char; 80];
        let mut value = [0 as std::ffi::c_char; 80];
        let mut comment = [0 as std::ffi::c_char; 80];
        // SAFETY: as above.
        unsafe {
            fitsio::sys::ffgkyn(
                f.as_raw(),
                i,
                key.as_mut_ptr(),
                value.as_mut_ptr(),
                comment.as_mut_ptr(),
                &mut status,
            );
        }
        if status != 0 {
            return Err(Error::file(
                path,
                format!("FITS header card {i}: status {status}"),
            ));
        }
        let s = |b: &[std::ffi::c_char]| {
            // SAFETY: cfitsio NUL-terminates what it writes.
            unsafe { std::ffi::CStr::from_ptr(b.as_ptr()) }
                .to_string_lossy()
                .trim()
                .to_string()
        };
        let (k, v) = (s(&key), s(&value));
        if k.is_empty() || k == "COMMENT" || k == "HISTORY" {
            continue;
        }
        let v = match v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            Some(inner) => inner.trim_end().replace("''", "'"),
            None => v,
        };
        out.push((k, v));
    }
    Ok(out)
}

/// A HEALPix map read from FITS, in RING order.
#[derive(Debug, Clone, PartialEq)]
pub struct HealpixMap {
    /// The map's `NSIDE`.
    pub nside: i64,
    /// The pixel values in RING order (a NESTED file is reordered).
    pub values: Vec<f64>,
}

/// Reads column `field` (0 = the first) of a HEALPix map file as
/// `healpy.read_map(path, field)` does: the first extension's table, any
/// column layout (one pixel per row, or healpy's rows of 1024), `NSIDE` and
/// `ORDERING` from the header, NESTED reordered to RING; healpy's
/// `UNSEEN` (-1.6375e30) stays as it is.
///
/// # Errors
///
/// [`Error::File`] naming the path for an unreadable file, a missing
/// column, a header without `NSIDE` or with an unknown `ORDERING`, or a
/// column whose length is not `12 NSIDE²` (a partial-sky map).
pub fn read_healpix_map(path: &Path, field: usize) -> Result<HealpixMap> {
    let t = read_fits_table(path, 1)?;
    let nside: i64 = t
        .key("NSIDE")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::file(path, "not a HEALPix map: no NSIDE in the header"))?;
    let npix = glass_healpix::pixel::nside2npix(nside)
        .map_err(|e| Error::file(path, format!("NSIDE {nside}: {e}")))?;
    let Some((name, col)) = t.columns.get(field) else {
        return Err(Error::file(
            path,
            format!("no column {field}: the map file has {}", t.columns.len()),
        ));
    };
    if col.len() as i64 != npix {
        return Err(Error::file(
            path,
            format!(
                "column {name} has {} values, a full-sky map of NSIDE {nside} has {npix} \
                 (partial-sky maps are not read)",
                col.len()
            ),
        ));
    }
    let ordering = t.key("ORDERING").unwrap_or("RING").to_ascii_uppercase();
    let values = match ordering.as_str() {
        "RING" => col.to_vec(),
        "NESTED" | "NEST" => {
            let ring: Vec<i64> = (0..npix).collect();
            let nest = glass_healpix::pixel::ring2nest(nside, &ring)
                .map_err(|e| Error::file(path, e.to_string()))?;
            nest.iter().map(|&p| col[p as usize]).collect()
        }
        o => {
            return Err(Error::file(
                path,
                format!("ORDERING {o:?}: a HEALPix map is RING or NESTED"),
            ))
        }
    };
    Ok(HealpixMap { nside, values })
}
