//! `glass run` and `glass init` end to end: the default survey at a small
//! nside on ndarray and on strict against one insta snapshot of its
//! summary, the outputs read back with the project's FITS and npz readers,
//! realisations that do not depend on their company, `--resume`, and bad
//! input (exit 2, one line naming the key or file, nothing written).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};

use support::{glass, run, SMALL};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("glass-run-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// 8 significant digits: the backends agree to ~1e-13, the snapshot must
/// not see that.
fn sig(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{x:.7e}")
    }
}

/// 6 significant digits, for the moments of the float32 maps: a value
/// that the backends give 1e-16 apart can round to neighbouring float32s,
/// which moves a mean near zero in its 8th digit.
fn sig6(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{x:.5e}")
    }
}

fn summary(out: &Path) -> String {
    let r = json(&out.join("r0000/realisation.json"));
    let mut s = String::new();
    s += &format!("galaxies: {}\n", r["galaxies"]);
    s += &format!(
        "counts per shell and bin: {}\n",
        r["counts_per_shell_and_bin"]
    );
    for (sample, cols) in r["column_sums"].as_object().unwrap() {
        for (c, v) in cols.as_object().unwrap() {
            s += &format!("sum {sample}.{c}: {}\n", sig(v.as_f64().unwrap()));
        }
    }
    for (i, m) in r["map_moments"].as_array().unwrap().iter().enumerate() {
        for (name, mv) in m.as_object().unwrap() {
            let mv = mv.as_array().unwrap();
            s += &format!(
                "shell {i} {name}: mean {} var {}\n",
                sig6(mv[0].as_f64().unwrap()),
                sig6(mv[1].as_f64().unwrap())
            );
        }
    }
    s
}

/// Checks the FITS and npz files against realisation.json with the
/// project's own readers.
fn check_outputs(out: &Path) {
    let run = json(&out.join("run.json"));
    let r = json(&out.join("r0000/realisation.json"));
    assert_eq!(run["nside"], 16);
    assert_eq!(run["lmax"], 32);
    // maps: healpy's layout, values as in realisation.json
    for (i, m) in r["map_moments"].as_array().unwrap().iter().enumerate() {
        let p = out.join(format!("r0000/maps/shell_{i:03}.fits"));
        let t = glass::user::read_fits_table(&p, 1).unwrap();
        assert_eq!(t.key("PIXTYPE"), Some("HEALPIX"));
        assert_eq!(t.key("ORDERING"), Some("RING"));
        assert_eq!(t.key("NSIDE"), Some("16"));
        assert_eq!(t.key("INDXSCHM"), Some("IMPLICIT"));
        assert_eq!(t.nrows, 3072);
        for (name, mv) in m.as_object().unwrap() {
            let col = t.column(name).unwrap_or_else(|| panic!("{name} in {p:?}"));
            let mean = col.iter().sum::<f64>() / col.len() as f64;
            let want = mv[0].as_f64().unwrap();
            assert!((mean - want).abs() <= 1e-12 + 1e-9 * want.abs(), "{name}");
        }
        let k = glass::user::read_healpix_map(&p, 1).unwrap();
        assert_eq!(k.nside, 16);
        assert_eq!(k.values, t.columns[1].1);
    }
    // the catalogue: the rows and column sums of realisation.json
    let p = out.join("r0000/catalogue_galaxies.fits");
    let t = glass::user::read_fits_table(&p, 1).unwrap();
    assert_eq!(t.key("EXTNAME"), Some("galaxies"));
    assert_eq!(t.nrows as u64, r["galaxies"]["galaxies"].as_u64().unwrap());
    let names: Vec<&str> = t.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "RA", "DEC", "Z", "Z_PHOT", "TOMO_BIN", "SHELL", "E1", "E2", "G1", "G2", "KAPPA",
            "GAMMA1", "GAMMA2"
        ]
    );
    for (c, v) in r["column_sums"]["galaxies"].as_object().unwrap() {
        let got: f64 = t.column(c).unwrap().iter().sum();
        let want = v.as_f64().unwrap();
        assert!(
            (got - want).abs() <= 1e-6 + 1e-9 * want.abs(),
            "{c}: {got} {want}"
        );
    }
    let ra = t.column("RA").unwrap();
    assert!(ra.iter().all(|x| (0.0..360.0).contains(x)));
    let bins = t.column("TOMO_BIN").unwrap();
    assert!(bins.iter().all(|b| (-1.0..4.0).contains(b)));
    // spectra: GLASS layout, 55 spectra of lmax + 1
    for f in ["cls_input.npz", "gls.npz", "r0000/cls_measured.npz"] {
        let cls = glass::load_cls(&out.join(f)).unwrap();
        assert_eq!(cls.len(), 55, "{f}");
        assert!(cls.iter().all(|c| c.len() == 33 || c.is_empty()), "{f}");
    }
    // figures: PNG files
    for f in ["maps", "nz", "cls", "shear"] {
        let b = std::fs::read(out.join(format!("r0000/figures/{f}.png"))).unwrap();
        assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{f}.png");
    }
    // checksums of every file
    let listed =
        run["checksums"].as_object().unwrap().len() + r["checksums"].as_object().unwrap().len();
    assert_eq!(
        listed,
        3 + 10 + 1 + 1 + 4,
        "run.json + realisation.json list every file"
    );
}

fn run_small(dir: &Path, backend: &str, extra: &[&str]) -> PathBuf {
    let cfg = dir.join("small.toml");
    std::fs::write(&cfg, SMALL).unwrap();
    let out = dir.join(format!("out-{backend}"));
    let (code, o, e) = run(glass()
        .args(["--backend", backend, "run", "-q", "--output"])
        .arg(&out)
        .arg(&cfg)
        .args(extra));
    assert_eq!(code, 0, "{o}{e}");
    out
}

#[test]
fn default_survey_on_ndarray_and_strict_matches_one_snapshot() {
    let dir = tmpdir("snapshot");
    let nd = run_small(&dir, "ndarray", &[]);
    check_outputs(&nd);
    let st = run_small(&dir, "strict", &[]);
    let (a, b) = (summary(&nd), summary(&st));
    assert_eq!(a, b, "ndarray and strict give different universes");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("glass_run_default_nside16", a));
    let _ = std::fs::remove_dir_all(&dir);
}

fn checksums(out: &Path, r: usize) -> Value {
    json(&out.join(format!("r{r:04}/realisation.json")))["checksums"].clone()
}

#[test]
fn realisations_do_not_depend_on_their_company_and_resume_continues() {
    let dir = tmpdir("resume");
    let cfg = dir.join("small.toml");
    std::fs::write(&cfg, SMALL).unwrap();
    let go = |out: &Path, extra: &[&str]| {
        let (code, o, e) = run(glass()
            .args(["run", "-q", "--output"])
            .arg(out)
            .arg(&cfg)
            .args(extra));
        assert_eq!(code, 0, "{o}{e}");
    };
    let one = dir.join("one");
    go(&one, &[]);
    let two = dir.join("two");
    go(&two, &["--realisations", "2"]);
    // r0000 is the same universe alone or with r0001: the same bytes
    let strip = |v: Value, r: &str| -> Vec<(String, Value)> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.replacen(r, "", 1), v.clone()))
            .collect()
    };
    assert_eq!(checksums(&one, 0), checksums(&two, 0));
    assert_ne!(
        strip(checksums(&two, 0), "r0000"),
        strip(checksums(&two, 1), "r0001")
    );
    // an interrupted run: r0001 incomplete (no realisation.json, a
    // temporary file left); --resume redoes it, leaves r0000 alone
    let r1 = checksums(&two, 1);
    std::fs::remove_file(two.join("r0001/realisation.json")).unwrap();
    std::fs::remove_file(two.join("run.json")).unwrap();
    std::fs::write(two.join("r0001/.catalogue_galaxies.fits.tmp-1"), b"partial").unwrap();
    let m0 = std::fs::metadata(two.join("r0000/realisation.json"))
        .unwrap()
        .modified()
        .unwrap();
    go(&two, &["--realisations", "2", "--resume"]);
    assert_eq!(checksums(&two, 1), r1);
    assert!(!two.join("r0001/.catalogue_galaxies.fits.tmp-1").exists());
    let m1 = std::fs::metadata(two.join("r0000/realisation.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(m0, m1, "the completed realisation was not redone");
    assert!(two.join("run.json").is_file());
    // a completed realisation whose file has changed (or was cut short by a
    // power cut) is not intact: --resume simulates it again, the same bytes
    let maps = two.join("r0000/maps/shell_001.fits");
    let whole = std::fs::read(&maps).unwrap();
    std::fs::write(&maps, &whole[..whole.len() / 2]).unwrap();
    let (code, o, e) = run(glass()
        .args(["run", "--resume", "--realisations", "2", "--output"])
        .arg(&two)
        .arg(&cfg));
    assert_eq!(code, 0, "{o}{e}");
    assert!(
        e.contains("r0000 is not intact (r0000/maps/shell_001.fits has changed)"),
        "{e}"
    );
    assert_eq!(std::fs::read(&maps).unwrap(), whole);
    assert_eq!(checksums(&two, 1), r1);
    // resume with another config is refused
    let (code, _, e) = run(glass()
        .args(["run", "-q", "--resume", "--seed", "7", "--output"])
        .arg(&two)
        .arg(&cfg));
    assert_eq!(code, 2);
    assert!(e.contains("another config"), "{e}");
    // an existing, non-empty output: refused, then replaced with --overwrite
    let (code, _, e) = run(glass().args(["run", "-q", "--output"]).arg(&one).arg(&cfg));
    assert_eq!(code, 2);
    assert!(e.contains("--overwrite"), "{e}");
    go(&one, &["--overwrite", "--seed", "7"]);
    assert_ne!(checksums(&one, 0), checksums(&two, 0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_writes_the_default_config_and_dry_run_writes_nothing() {
    let dir = tmpdir("init");
    let f = dir.join("survey.toml");
    let (code, o, e) = run(glass().arg("init").arg(&f));
    assert_eq!(code, 0, "{o}{e}");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("[[galaxies]]") && text.contains("# "));
    let (code, _, e) = run(glass().arg("init").arg(&f));
    assert_eq!(code, 2, "an existing file is not replaced");
    assert!(e.contains("--overwrite"), "{e}");
    let out = dir.join("out");
    let (code, o, e) = run(glass()
        .args(["run", "--dry-run", "--output"])
        .arg(&out)
        .arg(&f));
    assert_eq!(code, 0, "{o}{e}");
    assert!(o.contains("10 shells, nside 128"), "{o}");
    assert!(o.contains("estimated peak memory"), "{o}");
    assert!(o.contains("sample galaxies: about 7"), "{o}");
    assert!(!out.exists(), "--dry-run wrote {out:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_written() {
    let dir = tmpdir("bad");
    let spectra9 = dir.join("cls9.npz");
    glass::save_cls(&spectra9, &vec![vec![1e-5; 33]; 45]).unwrap();
    let badmask = dir.join("mask.fits");
    glass::user::write_healpix_maps(
        &badmask,
        8,
        &[("MASK", glass::user::Column::F64(&[1.0; 768]))],
    )
    .unwrap();
    let cases: Vec<(String, Vec<String>, &str)> = vec![
        ("nsid = 16".into(), vec![], "nsid"),
        ("nside = \"big\"".into(), vec![], "nside"),
        ("nside = 0".into(), vec![], "`nside`"),
        ("nside = 48".into(), vec![], "power of two"),
        ("lmax = 1000".into(), vec![], "`lmax`"),
        ("nside = 16\nlmax = 100".into(), vec![], "4 nside = 64"),
        (
            format!(
                "nside = 16\n[spectra]\nfile = {:?}",
                spectra9.display().to_string()
            ),
            vec![],
            "holds 45 spectra, the 10 shells need 55",
        ),
        (
            "nside = 16\n[visibility]\nmask = \"missing.fits\"".into(),
            vec![],
            "`visibility.mask`",
        ),
        (
            format!(
                "nside = 16\n[visibility]\nmask = {:?}",
                badmask.display().to_string()
            ),
            vec![],
            "nside 8",
        ),
        (
            "nside = 16".into(),
            vec!["--backend".into(), "nosuch".into()],
            "nosuch",
        ),
        (
            "nside = 16".into(),
            vec!["--nside".into(), "3".into()],
            "`nside`",
        ),
    ];
    for (k, (text, extra, want)) in cases.iter().enumerate() {
        let cfg = dir.join(format!("bad{k}.toml"));
        std::fs::write(&cfg, text).unwrap();
        let out = dir.join(format!("out{k}"));
        let mut c = glass();
        c.args(["run", "--output"]).arg(&out).args(extra).arg(&cfg);
        let (code, o, e) = run(&mut c);
        assert_eq!(code, 2, "{text}: {o}{e}");
        let e = e.trim();
        assert!(e.starts_with("error: ") && !e.contains('\n'), "{text}: {e}");
        assert!(e.contains(want), "{text}: {e} should name {want}");
        assert!(!out.exists(), "{text}: wrote {out:?}");
    }
    // a non-empty output directory that is not a glass run's
    let out = dir.join("full");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "keep").unwrap();
    let cfg = dir.join("ok.toml");
    std::fs::write(&cfg, "nside = 16").unwrap();
    let (code, _, e) = run(glass().args(["run", "--output"]).arg(&out).arg(&cfg));
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("not empty"), "{e}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(temporaries(&p));
        } else if e.file_name().to_string_lossy().contains(".tmp-") {
            out.push(p);
        }
    }
    out
}

#[test]
fn sigterm_during_a_run_leaves_no_temporary_and_resume_completes() {
    let dir = tmpdir("sigterm");
    let cfg = dir.join("big.toml");
    // big enough to be caught writing: nside 256, 3e6 galaxies
    std::fs::write(
        &cfg,
        SMALL
            .replace("nside = 16", "nside = 256")
            .replace("density = 0.0005", "density = 0.02"),
    )
    .unwrap();
    let out = dir.join("out");
    let mut child = glass()
        .args(["run", "-q", "--output"])
        .arg(&out)
        .arg(&cfg)
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while temporaries(&out).is_empty() {
        assert!(
            t0.elapsed().as_secs() < 120,
            "no temporary file appeared in {out:?}"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended first");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{status:?}");
    assert_eq!(temporaries(&out), Vec::<PathBuf>::new());
    assert!(!out.join("r0000/realisation.json").exists());
    assert!(!out.join("run.json").exists());
    let (code, o, e) = run(glass()
        .args(["run", "-q", "--resume", "--output"])
        .arg(&out)
        .arg(&cfg));
    assert_eq!(code, 0, "{o}{e}");
    assert!(out.join("run.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_output_that_is_a_fifo_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tmpdir("fifo");
    let fifo = dir.join("out.npy");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let (code, _, e) = run(glass().args(["pixwin", "--nside", "8"]).arg(&fifo));
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("a FIFO") && e.contains("out.npy"), "{e}");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let _ = std::fs::remove_dir_all(&dir);
}
