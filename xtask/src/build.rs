//! Building a revision's benchmarks and keeping its binaries apart.
//!
//! Both revisions build into one `CARGO_TARGET_DIR`, so that dependencies
//! compile once. Cargo gives each revision's own crates their own hashed
//! file names, but not the plugin libraries (`deps/libglass_backend_*.so`
//! has no hash) and not the uplifted binaries, so right after each build
//! the benchmark executables and the plugins are copied into a folder of
//! that revision (`target/bench-compare/bin/<role>/`); the benchmarks find
//! their plugins next to the executable, never the other revision's.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

/// A benchmark executable of a built revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchExe {
    /// The bench target's name (`regression`, `sht`, ...).
    pub name: String,
    /// The copied executable.
    pub path: PathBuf,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    target: Option<Target>,
    profile: Option<Profile>,
    executable: Option<PathBuf>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

/// What one build produced: bench executables and plugin libraries.
#[derive(Debug, Default, PartialEq)]
pub struct Artifacts {
    /// `(bench target name, executable)`.
    pub benches: Vec<(String, PathBuf)>,
    /// Shared libraries of `cdylib` targets (the backend plugins).
    pub plugins: Vec<PathBuf>,
}

/// Parses cargo's `--message-format=json` output.
pub fn parse_artifacts(stdout: &str) -> Artifacts {
    let mut a = Artifacts::default();
    for line in stdout.lines() {
        let Ok(m) = serde_json::from_str::<Message>(line) else {
            continue;
        };
        if m.reason != "compiler-artifact" {
            continue;
        }
        let Some(t) = m.target else { continue };
        let is_test = m.profile.map(|p| p.test).unwrap_or(false);
        if t.kind.iter().any(|k| k == "bench") && is_test {
            if let Some(exe) = m.executable {
                a.benches.push((t.name, exe));
            }
        } else if t.kind.iter().any(|k| k == "cdylib") {
            a.plugins.extend(m.filenames.into_iter().filter(|f| {
                f.extension()
                    .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
            }));
        }
    }
    a
}

/// `rustc -vV` as seen from `dir` (rustup honours a `rust-toolchain` file
/// there), to check that both revisions use the same toolchain.
pub fn toolchain(dir: &Path) -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustc -vV failed in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Builds the bench targets of `package` in `src` (bench profile) into
/// `target_dir`, and copies the executables and plugins into `bin_dir`.
/// `benches` restricts the bench targets (all of the package if empty).
pub fn build(
    src: &Path,
    target_dir: &Path,
    package: &str,
    benches: &[String],
    bin_dir: &Path,
) -> Result<Vec<BenchExe>, String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(src)
        .env("CARGO_TARGET_DIR", target_dir)
        .args([
            "bench",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .args(["-p", package]);
    for b in benches {
        cmd.args(["--bench", b]);
    }
    eprintln!("building the benchmarks of {} ...", src.display());
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building the benchmarks in {} failed",
            src.display()
        ));
    }
    let art = parse_artifacts(&String::from_utf8_lossy(&out.stdout));
    if art.benches.is_empty() {
        return Err(format!(
            "no benchmark of package {package} was built in {}",
            src.display()
        ));
    }
    if bin_dir.exists() {
        std::fs::remove_dir_all(bin_dir)
            .map_err(|e| format!("cannot clear {}: {e}", bin_dir.display()))?;
    }
    std::fs::create_dir_all(bin_dir)
        .map_err(|e| format!("cannot create {}: {e}", bin_dir.display()))?;
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to)
            .map(drop)
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
    };
    for p in &art.plugins {
        if let Some(name) = p.file_name() {
            copy(p, &bin_dir.join(name))?;
        }
    }
    let mut benches = art.benches;
    // The same order for both revisions, whatever order cargo built them in.
    benches.sort();
    let mut exes = Vec::new();
    for (name, exe) in benches {
        let to = bin_dir.join(&name);
        copy(&exe, &to)?;
        exes.push(BenchExe { name, path: to });
    }
    Ok(exes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bench_executables_and_plugins_in_cargo_messages() {
        let msgs = [
            r#"{"reason":"compiler-artifact","target":{"name":"glass_backend_ndarray","kind":["cdylib","rlib"]},"profile":{"test":false},"filenames":["/t/release/deps/libglass_backend_ndarray.so","/t/release/deps/libglass_backend_ndarray-1.rlib"],"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"regression","kind":["bench"]},"profile":{"test":true},"filenames":["/t/release/deps/regression-abc"],"executable":"/t/release/deps/regression-abc"}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"build-script-build","kind":["custom-build"]},"profile":{"test":false},"filenames":[],"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        let a = parse_artifacts(&msgs);
        assert_eq!(
            a.benches,
            vec![(
                "regression".to_string(),
                PathBuf::from("/t/release/deps/regression-abc")
            )]
        );
        assert_eq!(
            a.plugins,
            vec![PathBuf::from("/t/release/deps/libglass_backend_ndarray.so")]
        );
    }
}
