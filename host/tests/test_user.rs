//! `glass::user`: `.npz` spectra interchangeable with Python GLASS's
//! `save_cls` / `load_cls`, and FITS catalogues (checked here against the
//! FITS standard with a small reader; see the closing note of issue 4 for
//! the check with astropy and fitsio).

use std::path::{Path, PathBuf};

use glass::user::{load_cls, save_cls, write_catalog, Column};

fn golden(name: &str) -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "golden",
        "science",
        name,
    ]
    .iter()
    .collect()
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("glass-user-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn load_cls_reads_python_glass_files() {
    let three = load_cls(&golden("save_cls_three.npz")).unwrap();
    let want: Vec<Vec<f64>> = vec![
        vec![1.0, 0.5, 0.25],
        vec![],
        (0..7).map(|i| i as f64 / 6.0).collect(),
    ];
    assert_eq!(three.len(), 3);
    assert_eq!(three[..2], want[..2]);
    for (a, b) in three[2].iter().zip(&want[2]) {
        assert!((a - b).abs() < 1e-15);
    }
    // one spectrum: NumPy stores the empty split as float64
    assert_eq!(
        load_cls(&golden("save_cls_one.npz")).unwrap(),
        vec![vec![3.0, 2.0, 1.0]]
    );
}

#[test]
fn save_cls_round_trips_and_leaves_nothing_on_error() {
    let d = scratch("npz");
    let path = d.join("cls.npz");
    let cls = vec![vec![], vec![1.0, 2.0], vec![3.0], vec![]];
    save_cls(&path, &cls).unwrap();
    assert_eq!(load_cls(&path).unwrap(), cls);
    let bad = d.join("none.npz");
    let e = save_cls(&bad, &[]).unwrap_err().to_string();
    assert!(e.contains("no spectra"), "{e}");
    assert!(!bad.exists());
    let e = load_cls(&d.join("missing.npz")).unwrap_err().to_string();
    assert!(e.contains("missing.npz"), "{e}");
    std::fs::write(d.join("junk.npz"), b"not a zip").unwrap();
    assert!(load_cls(&d.join("junk.npz")).is_err());
    assert_eq!(
        std::fs::read_dir(&d).unwrap().count(),
        2,
        "no temporary files left"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

/// A FITS file's header-data units: (cards, data bytes).
fn read_fits(path: &Path) -> Vec<(Vec<String>, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        bytes.len() % 2880,
        0,
        "FITS files are whole 2880-byte blocks"
    );
    let mut hdus = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let mut cards = Vec::new();
        loop {
            let c = String::from_utf8(bytes[pos..pos + 80].to_vec()).unwrap();
            pos += 80;
            let end = c.trim_end() == "END";
            cards.push(c);
            if end {
                break;
            }
        }
        pos = pos.div_ceil(2880) * 2880;
        let get = |k: &str| -> usize {
            cards
                .iter()
                .find(|c| c[..8].trim_end() == k)
                .map(|c| c[10..30].trim().parse().unwrap())
                .unwrap_or(0)
        };
        let naxis = get("NAXIS");
        let size = if naxis == 0 {
            0
        } else {
            get("NAXIS1") * get("NAXIS2")
        };
        hdus.push((cards, bytes[pos..pos + size].to_vec()));
        pos += size.div_ceil(2880) * 2880;
    }
    hdus
}

#[test]
fn catalog_is_a_fits_binary_table() {
    let d = scratch("fits");
    let path = d.join("cat.fits");
    let mut w = write_catalog(&path, Some("CATALOG")).unwrap();
    let ra = [10.0, 20.5, -3.25];
    let id = [1i64, -2, 1 << 40];
    w.write(&[("RA", Column::F64(&ra)), ("ID", Column::I64(&id))])
        .unwrap();
    // a second chunk, columns in another order
    w.write(&[("ID", Column::I64(&[7])), ("RA", Column::F64(&[1e300]))])
        .unwrap();
    // errors name the problem and leave the writer usable
    let e = w
        .write(&[("RA", Column::F64(&[1.0]))])
        .unwrap_err()
        .to_string();
    assert!(e.contains("ID missing"), "{e}");
    let e = w
        .write(&[("RA", Column::I64(&[1])), ("ID", Column::I64(&[1]))])
        .unwrap_err()
        .to_string();
    assert!(e.contains("RA changed type"), "{e}");
    let e = w
        .write(&[("RA", Column::F64(&[1.0, 2.0])), ("ID", Column::I64(&[1]))])
        .unwrap_err()
        .to_string();
    assert!(e.contains("has 1 rows"), "{e}");
    assert!(!path.exists(), "nothing at the target before finish");
    w.finish().unwrap();

    let hdus = read_fits(&path);
    assert_eq!(hdus.len(), 2);
    assert!(hdus[0].0[0].starts_with("SIMPLE  =                    T"));
    let cards = &hdus[1].0;
    let want = [
        "XTENSION= 'BINTABLE'",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                   16",
        "NAXIS2  =                    4",
        "PCOUNT  =                    0",
        "GCOUNT  =                    1",
        "TFIELDS =                    2",
        "TTYPE1  = 'RA      '",
        "TFORM1  = '1D      '",
        "TTYPE2  = 'ID      '",
        "TFORM2  = '1K      '",
        "EXTNAME = 'CATALOG '",
        "END",
    ];
    assert_eq!(cards.len(), want.len());
    for (c, w) in cards.iter().zip(want) {
        assert_eq!(c.len(), 80);
        assert_eq!(c.trim_end(), w);
    }
    let data = &hdus[1].1;
    let f = |i: usize| f64::from_be_bytes(data[16 * i..16 * i + 8].try_into().unwrap());
    let k = |i: usize| i64::from_be_bytes(data[16 * i + 8..16 * i + 16].try_into().unwrap());
    assert_eq!(
        (0..4).map(f).collect::<Vec<_>>(),
        vec![10.0, 20.5, -3.25, 1e300]
    );
    assert_eq!((0..4).map(k).collect::<Vec<_>>(), vec![1, -2, 1 << 40, 7]);

    // dropped before finish: no file, no temporary left
    let other = d.join("dropped.fits");
    let mut w = write_catalog(&other, None).unwrap();
    w.write(&[("Z", Column::F64(&[0.5]))]).unwrap();
    drop(w);
    assert!(!other.exists());
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
    let e = write_catalog(&other, Some("bad\nname"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("printable ASCII"), "{e}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// Inputs that are not regular files say what they are, and a FIFO is
/// never opened: the `.npz` and FITS readers seek, and opening a FIFO for
/// reading would block until a writer came (issue 17, item 10).
#[test]
fn readers_name_inputs_that_are_not_regular_files() {
    let dir = std::env::temp_dir().join(format!("glass-user-kinds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("adir")).unwrap();
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for (p, what) in [
        (dir.join("adir"), "is a directory"),
        (fifo.clone(), "is a FIFO"),
        (PathBuf::from("/dev/null"), "is a device"),
        (dir.join("missing"), "no such file"),
    ] {
        let e = load_cls(&p).unwrap_err().to_string();
        assert!(e.contains(what), "load_cls {}: {e}", p.display());
        let e = glass::user::read_fits_table(&p, 1).unwrap_err().to_string();
        assert!(e.contains(what), "read_fits_table {}: {e}", p.display());
        let e = glass::user::read_healpix_map(&p, 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains(what), "read_healpix_map {}: {e}", p.display());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
