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
