//! Building a revision's benchmarks and keeping its binaries apart.
//!
//! Each role (base, head) builds into its own `CARGO_TARGET_DIR` (see
//! `run`): cargo hashes workspace members by their path relative to the
//! workspace, so two worktrees in one target folder would share artifacts.
//! Right after each build the benchmark executables and the plugins
//! (`deps/libglass_backend_*.so`, no hashed name) are copied into a folder
//! of that role (`target/bench-compare/bin/<role>/`); the benchmarks find
//! their plugins next to the executable.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

/// The benchmark packages, with their manifests, built in one cargo call.
pub const BUILT_TOGETHER: [(&str, &str); 2] = [
    ("glass-benches", "benches/Cargo.toml"),
    (
        "glass-benches-instructions",
        "benches/instructions/Cargo.toml",
    ),
];

/// The plugins the benchmarks load, with their manifests.
pub const PLUGINS: [(&str, &str); 2] = [
    ("glass-backend-ndarray", "backends/ndarray/Cargo.toml"),
    ("glass-backend-strict", "backends/strict/Cargo.toml"),
];

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
    #[serde(default)]
    package_id: String,
    target: Option<Target>,
    profile: Option<Profile>,
    executable: Option<PathBuf>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

/// What one build produced: bench executables and plugin libraries.
#[derive(Debug, Default, PartialEq)]
pub struct Artifacts {
    /// `(package name, bench target name, executable)`.
    pub benches: Vec<(String, String, PathBuf)>,
    /// Shared libraries of `cdylib` targets (the backend plugins).
    pub plugins: Vec<PathBuf>,
}

/// The package name in a cargo package id: `path+file:///p/benches#glass-benches@0.1.0`
/// (the name is left out when it is the folder's name:
/// `path+file:///p/xtask#0.1.0`), or the older `glass-benches 0.1.0 (path+file:///p)`.
pub fn package_name(id: &str) -> &str {
    match id.split_once('#') {
        Some((url, frag)) => match frag.split_once('@') {
            Some((name, _)) => name,
            None => url.rsplit('/').next().unwrap_or(url),
        },
        None => id.split_whitespace().next().unwrap_or(id),
    }
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
                a.benches
                    .push((package_name(&m.package_id).to_string(), t.name, exe));
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
///
/// Without `benches`, the bench targets of all of `BUILT_TOGETHER` that the
/// revision has are built in the same cargo call: cargo unifies features
/// over the packages of one call, and the plugin libraries have no hashed
/// file name, so building the criterion and the instruction benchmarks in
/// separate calls would rebuild the plugins (and what depends on them) at
/// every switch between `bench-compare` and `bench-instructions`.
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
    if benches.is_empty() {
        for (other, manifest) in BUILT_TOGETHER {
            if other != package && src.join(manifest).is_file() {
                cmd.args(["-p", other]);
            }
        }
    }
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
    let mut art = parse_artifacts(&String::from_utf8_lossy(&out.stdout));
    // The plugins, in the same profile, where the call above did not build
    // them (revisions before the instruction harness depended on them; a
    // second call unifies features differently and rebuilds much).
    let mut plugins = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    plugins
        .current_dir(src)
        .env("CARGO_TARGET_DIR", target_dir)
        .args([
            "build",
            "--profile",
            "bench",
            "--message-format=json-render-diagnostics",
        ]);
    let built = |name: &str| {
        let file = format!(
            "{}{}{}",
            std::env::consts::DLL_PREFIX,
            name.replace('-', "_"),
            std::env::consts::DLL_SUFFIX
        );
        art.plugins.iter().any(|p| p.ends_with(&file))
    };
    let mut any = false;
    for (name, manifest) in PLUGINS {
        if src.join(manifest).is_file() && !built(name) {
            plugins.args(["-p", name]);
            any = true;
        }
    }
    if any {
        let out = plugins
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!("building the plugins in {} failed", src.display()));
        }
        art.plugins
            .extend(parse_artifacts(&String::from_utf8_lossy(&out.stdout)).plugins);
    }
    if !art.benches.iter().any(|(p, _, _)| p == package) {
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
    let mut benches: Vec<(String, PathBuf)> = art
        .benches
        .into_iter()
        .filter(|(p, _, _)| p == package)
        .map(|(_, name, exe)| (name, exe))
        .collect();
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
    fn package_names_from_ids() {
        assert_eq!(
            package_name("path+file:///p/benches#glass-benches@0.1.0"),
            "glass-benches"
        );
        assert_eq!(package_name("path+file:///p/xtask#0.1.0"), "xtask");
        assert_eq!(
            package_name("glass-benches 0.1.0 (path+file:///p/benches)"),
            "glass-benches"
        );
    }

    #[test]
    fn finds_bench_executables_and_plugins_in_cargo_messages() {
        let msgs = [
            r#"{"reason":"compiler-artifact","target":{"name":"glass_backend_ndarray","kind":["cdylib","rlib"]},"profile":{"test":false},"filenames":["/t/release/deps/libglass_backend_ndarray.so","/t/release/deps/libglass_backend_ndarray-1.rlib"],"executable":null}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///p/benches#glass-benches@0.1.0","target":{"name":"regression","kind":["bench"]},"profile":{"test":true},"filenames":["/t/release/deps/regression-abc"],"executable":"/t/release/deps/regression-abc"}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"build-script-build","kind":["custom-build"]},"profile":{"test":false},"filenames":[],"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        let a = parse_artifacts(&msgs);
        assert_eq!(
            a.benches,
            vec![(
                "glass-benches".to_string(),
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
