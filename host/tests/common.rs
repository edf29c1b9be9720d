//! Shared by the host's and the CLI's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use glass::Backend;

/// The directory cargo put this test's dependencies (and their cdylibs) in.
pub fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent().expect("executable directory").to_path_buf()
}

/// A library that cargo built for this test run: in `deps/`, or one level
/// up where cargo copies the workspace members' cdylibs.
fn built_library(file: String) -> PathBuf {
    let p = deps_dir().join(&file);
    if p.is_file() {
        return p;
    }
    deps_dir().parent().expect("target profile dir").join(file)
}

/// The path of a plugin library built by cargo for this test run.
pub fn plugin_path(name: &str) -> PathBuf {
    built_library(glass::backend::library_file_name(name))
}

/// The test-only plugin `quirky` (`libglass_testplugin_quirky.so`), which
/// discovery never lists.
pub fn quirky_path() -> PathBuf {
    built_library(format!(
        "{}glass_testplugin_quirky{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

/// Builds the plugin crate at `manifest` (relative to the workspace root)
/// the way a third party would, outside the workspace, and returns the path
/// of its library `libglass_backend_<name>.so`. All such plugins share
/// `target/third-party-backend` (abi_stable is compiled once for all, and
/// the build never waits on the outer build's lock).
pub fn build_outside_workspace(manifest: &str, name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = root.join("target/third-party-backend");
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(root.join(manifest))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("run cargo");
    assert!(status.success(), "building {manifest} failed");
    target
        .join("debug")
        .join(glass::backend::library_file_name(name))
}

/// Loads a plugin from its library, never the embedded copy.
pub fn load(name: &str) -> Backend {
    let path = if name == "quirky" {
        quirky_path()
    } else {
        plugin_path(name)
    };
    let b = Backend::load(&path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
    assert_eq!(b.source(), &glass::Source::Library(path));
    b
}
