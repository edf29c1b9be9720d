//! Fuzzing the readers of untrusted files: the `.npy` reader
//! (`glass::npy::read`) and the FITS readers (`read_fits_table`,
//! `read_healpix_map`, on cfitsio) get mutations of the valid files in
//! `tests/fuzz-corpus/` (written by NumPy, healpy and fitsio:
//! `tools/reference/fuzz_corpus.py`): bit flips, bytes set to edge values,
//! truncations, insertions, copied chunks, and numbers in the headers
//! replaced by huge or negative ones. Every input must give `Ok` or an
//! error: a panic fails the test and saves the input under
//! `target/fuzz-failures/` (a crash in C code kills the test, which fails
//! too).
//!
//! Each CI run tries a fixed, seeded set of cases (a few seconds). For a
//! longer run with fresh cases:
//!
//! ```sh
//! GLASS_FUZZ_SECONDS=600 cargo test --release -p glass --test fuzz -- --nocapture
//! ```
//!
//! (`GLASS_FUZZ_SEED` replays a seed the long run printed.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use glass::Backend;

/// splitmix64: a small, seedable generator for the mutations.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2147483648",
    "4294967296",
    "18446744073709551615",
    "99999999999999999999999",
    "1000000000000000",
    "-9223372036854775808",
    "1e308",
    "nan",
];

/// One to four mutations of `seed`.
fn mutate(seed: &[u8], g: &mut Gen) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + g.below(4) {
        let n = b.len();
        match g.below(7) {
            0 if n > 0 => {
                let i = g.below(n);
                b[i] ^= 1 << g.below(8);
            }
            1 if n > 0 => {
                let i = g.below(n);
                b[i] = [0u8, 0xff, 0x7f, 0x80, b'9', b' ', b'(', b')', b',', b'\''][g.below(10)];
            }
            2 => b.truncate(g.below(n + 1)),
            3 => {
                let i = g.below(n + 1);
                let k = 1 + g.below(16);
                let ins: Vec<u8> = (0..k).map(|_| g.next() as u8).collect();
                b.splice(i..i, ins);
            }
            4 if n > 0 => {
                let a = g.below(n);
                let len = 1 + g.below((n - a).min(2880));
                let chunk = b[a..a + len].to_vec();
                let at = g.below(n + 1);
                b.splice(at..at, chunk);
            }
            _ => {
                // a number in a header replaced by an extreme one
                let digits: Vec<usize> = (0..n.min(8640))
                    .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()))
                    .collect();
                if !digits.is_empty() {
                    let s = digits[g.below(digits.len())];
                    let e = (s..n).find(|&i| !b[i].is_ascii_digit()).unwrap_or(n);
                    let with = NUMBERS[g.below(NUMBERS.len())].as_bytes().to_vec();
                    b.splice(s..e, with);
                }
            }
        }
    }
    b
}

fn corpus(ext: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .{ext} seeds in {}", dir.display());
    files
}

/// Runs `check` on mutations of the seeds: `cases` of them, or for
/// `GLASS_FUZZ_SECONDS` when set.
fn fuzz(name: &str, ext: &str, cases: usize, check: impl Fn(&Path) -> bool) {
    let seeds = corpus(ext);
    let long = std::env::var("GLASS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let seed = std::env::var("GLASS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| match long {
            Some(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64),
            None => 0x61a55,
        });
    if long.is_some() {
        eprintln!("fuzz {name}: GLASS_FUZZ_SEED={seed}");
    }
    let mut g = Gen(seed);
    let dir = std::env::temp_dir().join(format!("glass-fuzz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("case.{ext}"));
    let start = Instant::now();
    let (mut n, mut read) = (0usize, 0usize);
    loop {
        let done = match long {
            Some(s) => start.elapsed() >= Duration::from_secs(s),
            None => n >= cases,
        };
        if done {
            break;
        }
        let (seed_name, bytes) = &seeds[g.below(seeds.len())];
        let input = mutate(bytes, &mut g);
        std::fs::write(&file, &input).unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&file)));
        if let Ok(ok) = r {
            read += usize::from(ok);
        } else {
            let keep = failures_dir().join(format!("{name}-{n}.{ext}"));
            std::fs::write(&keep, &input).unwrap();
            panic!(
                "{name}: a mutation of {seed_name} panicked (case {n}, seed {seed}); saved as {}",
                keep.display()
            );
        }
        n += 1;
    }
    eprintln!(
        "fuzz {name}: {n} cases, {read} read, in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    // some mutations (in the data, say) still read: the cases reach the
    // reader's deeper code, not only its first check
    assert!(read > 0, "{name}: no mutation was readable");
    std::fs::remove_dir_all(&dir).ok();
}

fn failures_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn npy_reader_never_panics() {
    let xp = Backend::embedded_ndarray().unwrap();
    fuzz("npy", "npy", 4000, |p| {
        // Ok or a named error; the array, if any, is what the header says
        match glass::npy::read(&xp, p) {
            Ok(a) => {
                assert_eq!(a.shape().iter().product::<usize>(), a.size());
                true
            }
            Err(_) => false,
        }
    });
}

#[test]
fn fits_readers_never_panic() {
    fuzz("fits", "fits", 1500, |p| {
        let table = glass::user::read_fits_table(p, 1).is_ok();
        let map = glass::user::read_healpix_map(p, 0).is_ok();
        table || map
    });
}
