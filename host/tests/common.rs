//! Shared by the host's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use glass::Backend;

/// The directory cargo put this test's dependencies (and their cdylibs) in.
pub fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent().expect("executable directory").to_path_buf()
}

/// The path of a plugin library built by cargo for this test run.
pub fn plugin_path(name: &str) -> PathBuf {
    let file = glass::backend::library_file_name(name);
    let p = deps_dir().join(&file);
    if p.is_file() {
        return p;
    }
    // cargo also copies the workspace members' cdylibs one level up.
    deps_dir().parent().expect("target profile dir").join(file)
}

/// Loads a plugin from its library, never the embedded copy.
pub fn load(name: &str) -> Backend {
    let path = plugin_path(name);
    let b = Backend::load(&path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
    assert_eq!(b.source(), &glass::Source::Library(path));
    b
}
