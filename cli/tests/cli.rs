//! The `glass` command: `backends`, `conformance`, `sht`, `pixwin`.

mod support;

use support::{common, glass, run};

#[test]
fn backends_lists_ndarray_and_strict() {
    let (code, out, err) = run(glass().arg("backends"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ndarray"), "{out}");
    assert!(out.contains("strict"), "{out}");
    assert!(
        out.contains("libglass_backend_strict"),
        "paths are shown: {out}"
    );
    assert!(
        out.contains(&format!("abi {}", glass_backend_api::API_VERSION)),
        "{out}"
    );
    assert!(
        out.contains("random"),
        "ndarray's extensions are listed: {out}"
    );
    // the test-only plugin sits in the same directory but is never listed
    assert!(common::quirky_path().is_file());
    assert!(!out.contains("quirky"), "{out}");
}

/// A plugin cut short (a partial copy, a library cargo is still linking)
/// is refused before dlopen maps it (which died of SIGBUS), and the other
/// libraries are still listed; by name it is a clear error, exit 2.
#[test]
fn a_truncated_plugin_is_reported_and_the_others_still_listed() {
    let lib = std::fs::read(common::plugin_path("ndarray")).unwrap();
    let dir = std::env::temp_dir().join(format!("glass-cut-plugin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // (cuts within the loaded segments: further in, a debug build has
    // sections that dlopen never reads)
    for cut in [4096, 1_000_000] {
        let cut_lib = dir.join(glass::backend::library_file_name("cut"));
        std::fs::write(&cut_lib, &lib[..cut]).unwrap();
        let path = format!("{}:{}", dir.display(), common::deps_dir().display());
        let (code, out, err) = run(glass().arg("backends").env("GLASS_PLUGIN_PATH", &path));
        assert_eq!(code, 0, "cut at {cut}: {out}{err}");
        assert!(out.contains("truncated"), "cut at {cut}: {out}");
        assert!(out.contains("libglass_backend_strict"), "{out}");
        let (code, _, err) = run(glass()
            .args(["--backend", "cut", "pixwin", "--nside", "8"])
            .arg(dir.join("w.npy"))
            .env("GLASS_PLUGIN_PATH", &path));
        assert_eq!(code, 2, "cut at {cut}: {err}");
        assert!(err.contains("truncated"), "{err}");
        assert!(!dir.join("w.npy").exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn backend_and_threads_are_global_options() {
    let (code, out, err) = run(glass().args(["--backend", "strict", "backends"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("selected (strict)"), "{out}");
    let (code, out, err) = run(glass().args(["backends", "--backend", "nope"]));
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("unknown backend `nope`"), "{err}");
    let (code, _, err) = run(glass().args(["--threads", "0", "backends"]));
    assert_eq!(code, 2);
    assert!(err.contains("--threads must be at least 1"), "{err}");
    // a billion threads is refused at once instead of hanging
    let (code, _, err) = run(glass().args(["--threads", "1000000000", "backends"]));
    assert_eq!(code, 2);
    assert!(err.contains("more than 4096"), "{err}");
}

#[test]
fn the_kernel_build_is_shown_and_a_wrong_one_refused() {
    let (code, out, err) = run(glass().arg("backends").env("GLASS_SIMD", "portable"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("transform kernels: portable"), "{out}");
    let (code, out, err) = run(glass().arg("backends").env("GLASS_SIMD", "avx"));
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("GLASS_SIMD=\"avx\" is not a kernel build"),
        "{err}"
    );
}

#[test]
fn an_unknown_backend_fails_with_its_name() {
    let (code, out, err) = run(glass().arg("backends").env("GLASS_BACKEND", "nope"));
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("unknown backend `nope`"), "{err}");
    assert!(err.contains("strict"), "found backends are listed: {err}");
}

#[test]
fn a_missing_library_path_fails_with_the_path() {
    let (code, _, err) = run(glass()
        .args(["conformance"])
        .env("GLASS_BACKEND", "/tmp/missing.so"));
    assert_ne!(code, 0);
    assert!(err.contains("not found: /tmp/missing.so"), "{err}");
}

#[test]
fn conformance_passes_on_ndarray_and_strict() {
    for backend in ["ndarray", "strict"] {
        let (code, out, err) = run(glass().args(["conformance", "--backend", backend]));
        assert_eq!(code, 0, "{backend}:\n{out}{err}");
        assert!(out.contains(&format!("conformance of {backend}")), "{out}");
        assert!(out.contains(" 0 failed"), "{out}");
        assert!(
            out.contains("libglass_backend_"),
            "loaded from its library: {out}"
        );
    }
}

#[test]
fn conformance_fails_on_a_broken_backend_and_names_the_op() {
    let path = common::quirky_path();
    let (code, out, err) = run(glass().args(["conformance", "--backend"]).arg(&path));
    assert_eq!(code, 1, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("subtract"))
        .unwrap_or_default();
    assert!(line.to_lowercase().contains("fail"), "{out}");
}

/// `glass sht` round trip through .npy files, `--repeat`'s last stderr
/// line, and no output file on failure.
#[test]
fn sht_commands_read_and_write_npy() {
    use glass_healpix::alm::alm_size;
    use ndarray::{Array1, ArrayD};
    use ndarray_npy::{read_npy, write_npy};
    use num_complex::Complex64;

    let dir = std::env::temp_dir().join(format!("glass-cli-sht-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (nside, lmax) = (8i64, 16usize);
    let a: Array1<Complex64> = (0..alm_size(lmax, lmax))
        .map(|i| {
            Complex64::new(
                (0.3 * i as f64).cos(),
                if i > lmax {
                    (0.2 * i as f64).sin()
                } else {
                    0.0
                },
            )
        })
        .collect();
    write_npy(dir.join("alm.npy"), &a).unwrap();
    let (code, out, err) = run(glass().current_dir(&dir).args([
        "sht", "alm2map", "--nside", "8", "--lmax", "16", "alm.npy", "map.npy", "--repeat", "3",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    let last = err.trim().lines().last().unwrap_or("");
    assert!(last.starts_with("median_seconds="), "{err}");
    assert!(
        last["median_seconds=".len()..].parse::<f64>().is_ok(),
        "{last}"
    );
    let map: ArrayD<f64> = read_npy(dir.join("map.npy")).unwrap();
    let plan = glass_healpix::sht::ShtPlan::new(nside, lmax, lmax).unwrap();
    let want = plan.alm2map(a.as_slice().unwrap()).unwrap();
    let diff = map
        .iter()
        .zip(&want)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(diff < 1e-12, "{diff}");

    // map2alm back, on the strict backend's standard-op fallback
    let (code, out, err) = run(glass()
        .current_dir(&dir)
        .env("GLASS_BACKEND", "strict")
        .args([
            "sht", "map2alm", "--lmax", "16", "--iter", "3", "map.npy", "back.npy",
        ]));
    assert_eq!(code, 0, "{out}{err}");
    let back: ArrayD<Complex64> = read_npy(dir.join("back.npy")).unwrap();
    assert_eq!(back.len(), a.len());

    // healpy's ring weights, shipped: nside 8 has them
    let (code, out, err) = run(glass().current_dir(&dir).args([
        "sht",
        "map2alm",
        "--use-weights",
        "--lmax",
        "16",
        "map.npy",
        "wback.npy",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    let wback: ArrayD<Complex64> = read_npy(dir.join("wback.npy")).unwrap();
    let plan_w = plan
        .map2alm(
            map.as_slice().unwrap(),
            3,
            Some(&glass_healpix::weights::ring_weights(8).unwrap()),
        )
        .unwrap();
    let diff = wback
        .iter()
        .zip(&plan_w)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).norm()));
    assert!(diff < 1e-12, "{diff}");

    // a wrong nside for the alm: an error naming the problem, no output file
    let (code, _, err) = run(glass().current_dir(&dir).args([
        "sht", "alm2map", "--nside", "8", "--lmax", "15", "alm.npy", "bad.npy",
    ]));
    assert_ne!(code, 0);
    assert!(err.contains("lmax 15"), "{err}");
    assert!(!dir.join("bad.npy").exists());
    let (code, _, err) = run(glass().current_dir(&dir).args([
        "sht",
        "alm2map",
        "--nside",
        "8",
        "missing.npy",
        "x.npy",
    ]));
    assert_ne!(code, 0);
    assert!(err.contains("missing.npy"), "{err}");
    // a dtype the transforms do not take
    write_npy(dir.join("f32.npy"), &Array1::<f32>::zeros(6)).unwrap();
    let (code, _, err) = run(glass()
        .current_dir(&dir)
        .args(["sht", "alm2map", "--nside", "2", "f32.npy", "y.npy"]));
    assert_ne!(code, 0);
    assert!(err.contains("unsupported dtype"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn pixwin_command_writes_healpys_table() {
    use ndarray::ArrayD;
    use ndarray_npy::read_npy;
    let dir = std::env::temp_dir().join(format!("glass-cli-pixwin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, err) = run(glass()
        .current_dir(&dir)
        .args(["pixwin", "--nside", "64", "--pol", "pw.npy"]));
    assert_eq!(code, 0, "{out}{err}");
    let pw: ArrayD<f64> = read_npy(dir.join("pw.npy")).unwrap();
    assert_eq!(pw.shape(), &[2, 192]);
    let (t, p) = glass_healpix::pixwin::pixwin(64, None, true).unwrap();
    assert_eq!(
        pw.iter().copied().collect::<Vec<_>>(),
        [t, p.unwrap()].concat()
    );
    let (code, _, err) = run(glass()
        .current_dir(&dir)
        .args(["pixwin", "--nside", "12", "bad.npy"]));
    assert_ne!(code, 0);
    assert!(
        err.contains("no pixel window function for nside 12"),
        "{err}"
    );
    assert!(!dir.join("bad.npy").exists());
    // beyond the table (4 nside), or an lmax whose lmax + 1 overflows: an
    // error, never a shorter or empty table (issue 17, item 8)
    for lmax in ["33", "18446744073709551615"] {
        let (code, _, err) = run(glass()
            .current_dir(&dir)
            .args(["pixwin", "--nside", "8", "--lmax", lmax, "bad.npy"]));
        assert_eq!(code, 2, "--lmax {lmax}: {err}");
        assert!(err.contains("ends at l = 32"), "{err}");
        assert!(!dir.join("bad.npy").exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
