//! Hostile and careless inputs to `glass sht` (issue 17, items 3, 4, 7 and
//! 10): each is an error that names the problem, exit 2, and leaves no
//! output file; none crashes (exit 101, 134, 135) or hangs.

mod support;

use std::path::{Path, PathBuf};

use ndarray::Array1;
use ndarray_npy::write_npy;
use num_complex::{Complex32, Complex64};
use support::{glass, run};

const U64_MAX: &str = "18446744073709551615";

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("glass-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    // alm of lmax 8, an nside-8 map
    write_npy(d.join("alm.npy"), &Array1::<Complex64>::zeros(45)).unwrap();
    write_npy(d.join("m8.npy"), &Array1::<f64>::zeros(768)).unwrap();
    d
}

/// Runs `glass ARGS` in `dir` (backend `backend`): exit code and stderr.
fn sht(dir: &Path, backend: &str, args: &[&str]) -> (i32, String) {
    let (code, out, err) = run(glass()
        .current_dir(dir)
        .env("GLASS_BACKEND", backend)
        .arg("sht")
        .args(args));
    assert!(
        !matches!(code, -1 | 101 | 134 | 135 | 139),
        "glass sht {args:?} crashed ({code}): {out}{err}"
    );
    (code, err)
}

/// Only the inputs are left in `dir` (no output, no temporary file).
fn only_inputs(dir: &Path, inputs: &[&str]) {
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| !inputs.contains(&f.as_str()))
        .collect();
    left.sort();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Item 3: sizes from input are checked against the data present or the
/// memory available before anything is allocated.
#[test]
fn impossible_sizes_are_errors_not_aborts() {
    let d = scratch("sizes");
    // a .npy header that claims 10^15 float64 with 64 bytes of data
    let hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000,), }";
    let hdr = format!("{hdr:<117}\n");
    let mut big = b"\x93NUMPY\x01\x00".to_vec();
    big.extend((hdr.len() as u16).to_le_bytes());
    big.extend(hdr.as_bytes());
    big.extend([0u8; 64]);
    std::fs::write(d.join("big.npy"), big).unwrap();
    let (code, err) = sht(&d, "ndarray", &["map2alm", "big.npy", "o.npy"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("truncated or corrupt"), "{err}");
    assert!(err.contains("1000000000000000"), "{err}");
    assert!(err.contains("64 bytes"), "{err}");
    for backend in ["ndarray", "strict"] {
        // maps far beyond any memory
        for nside in ["65536", "536870912"] {
            let (code, err) = sht(
                &d,
                backend,
                &["alm2map", "--nside", nside, "alm.npy", "o.npy"],
            );
            assert_eq!(code, 2, "{backend} nside {nside}: {err}");
            assert!(err.contains("more than the"), "{err}");
            assert!(err.contains(&format!("nside {nside}")), "{err}");
        }
        // alm far beyond any memory from an nside-8 map
        let (code, err) = sht(
            &d,
            backend,
            &["map2alm", "--lmax", "200000", "m8.npy", "o.npy"],
        );
        assert_eq!(code, 2, "{backend}: {err}");
        assert!(err.contains("lmax 200000"), "{err}");
        assert!(err.contains("more than the"), "{err}");
    }
    // a repeat count that would never finish
    let (code, err) = sht(
        &d,
        "ndarray",
        &[
            "alm2map",
            "--nside",
            "8",
            "--repeat",
            "1000000000000",
            "alm.npy",
            "o.npy",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--repeat must be at most"), "{err}");
    only_inputs(&d, &["alm.npy", "m8.npy", "big.npy"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// Item 4 (and 10: the value is echoed as given, not as a wrapped -1):
/// sizes near 2^64 are errors on both backends, with no overflow panic,
/// and an absurd iteration count is refused instead of running forever.
#[test]
fn sizes_near_two_to_the_64_are_errors_on_every_backend() {
    let d = scratch("u64");
    for backend in ["ndarray", "strict"] {
        let (code, err) = sht(
            &d,
            backend,
            &[
                "alm2map",
                "--nside",
                "8",
                "--lmax",
                "18446744073709551597",
                "alm.npy",
                "o.npy",
            ],
        );
        assert_eq!(code, 2, "{backend}: {err}");
        assert!(err.contains("18446744073709551597"), "{err}");
        let (code, err) = sht(
            &d,
            backend,
            &["map2alm", "--lmax", U64_MAX, "m8.npy", "o.npy"],
        );
        assert_eq!(code, 2, "{backend}: {err}");
        assert!(err.contains(U64_MAX), "{err}");
        assert!(!err.contains("-1"), "{err}");
        let (code, err) = sht(
            &d,
            backend,
            &["map2alm", "--iter", U64_MAX, "m8.npy", "o.npy"],
        );
        assert_eq!(code, 2, "{backend}: {err}");
        assert!(err.contains("iter must be at most"), "{err}");
        assert!(err.contains(U64_MAX), "{err}");
    }
    only_inputs(&d, &["alm.npy", "m8.npy"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// Item 7: the two-file spin commands write both outputs or neither,
/// refuse one file for both outputs, and refuse inputs that differ in
/// dtype (no silent promotion of a float64 B file).
#[test]
fn two_file_spin_commands_are_all_or_nothing() {
    let d = scratch("spin");
    write_npy(d.join("b64.npy"), &Array1::<f64>::zeros(45)).unwrap();
    let (code, err) = sht(
        &d,
        "ndarray",
        &[
            "alm2map-spin",
            "--spin",
            "2",
            "--nside",
            "8",
            "alm.npy",
            "alm.npy",
            "q.npy",
            "q.npy",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the same file"), "{err}");
    let (code, err) = sht(
        &d,
        "ndarray",
        &[
            "alm2map-spin",
            "--spin",
            "2",
            "--nside",
            "8",
            "alm.npy",
            "b64.npy",
            "q.npy",
            "u.npy",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("b64.npy"), "{err}");
    assert!(err.contains("must match"), "{err}");
    // the second output cannot be written: the first is not left either
    let (code, err) = sht(
        &d,
        "ndarray",
        &[
            "alm2map-spin",
            "--spin",
            "2",
            "--nside",
            "8",
            "alm.npy",
            "alm.npy",
            "q.npy",
            "missing/u.npy",
        ],
    );
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("missing/u.npy"), "{err}");
    only_inputs(&d, &["alm.npy", "m8.npy", "b64.npy"]);
    // and both are written when both can be
    let (code, err) = sht(
        &d,
        "ndarray",
        &[
            "alm2map-spin",
            "--spin",
            "2",
            "--nside",
            "8",
            "alm.npy",
            "alm.npy",
            "q.npy",
            "u.npy",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(d.join("q.npy").is_file() && d.join("u.npy").is_file());
    std::fs::remove_dir_all(&d).unwrap();
}

/// Item 10: inputs that are not regular files say what they are; an
/// unsupported dtype is named.
#[test]
fn input_messages_name_what_is_wrong() {
    let d = scratch("msgs");
    std::fs::create_dir(d.join("adir")).unwrap();
    let fifo = d.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for (input, what) in [
        ("adir", "is a directory"),
        ("fifo", "is a FIFO"),
        ("/dev/null", "is a device"),
        ("nothere.npy", "no such file"),
    ] {
        let (code, err) = sht(&d, "ndarray", &["map2alm", input, "o.npy"]);
        assert_eq!(code, 2, "{input}: {err}");
        assert!(err.contains(what), "{input}: {err}");
    }
    write_npy(d.join("c64.npy"), &Array1::<Complex32>::zeros(45)).unwrap();
    let (code, err) = sht(
        &d,
        "ndarray",
        &["alm2map", "--nside", "8", "c64.npy", "o.npy"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("found complex64"), "{err}");
    only_inputs(&d, &["alm.npy", "m8.npy", "adir", "fifo", "c64.npy"]);
    std::fs::remove_dir_all(&d).unwrap();
}
