//! The `glass` command: `backends` and `conformance`.

mod common;

use std::process::Command;

fn glass() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_glass"));
    c.env_remove("GLASS_BACKEND")
        .env("GLASS_PLUGIN_PATH", common::deps_dir());
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("run glass");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

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
    let path = common::plugin_path("quirky");
    let (code, out, err) = run(glass().args(["conformance", "--backend"]).arg(&path));
    assert_eq!(code, 1, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("subtract"))
        .unwrap_or_default();
    assert!(line.to_lowercase().contains("fail"), "{out}");
}
