//! Shared by the CLI's integration tests: the `glass` binary of this test
//! build, with the plugins cargo built next to it.
#![allow(dead_code)]

#[path = "../../../host/tests/common.rs"]
pub mod common;

use std::process::Command;

/// `glass`, finding this build's plugins, with no `GLASS_BACKEND` from the
/// environment.
pub fn glass() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_glass"));
    c.env_remove("GLASS_BACKEND")
        .env("GLASS_PLUGIN_PATH", common::deps_dir());
    c
}

/// Runs a command: exit code (-1 for a signal), stdout, stderr.
pub fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("run glass");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The default survey, smaller: nside 16 (lmax 32), a tenth of the
/// galaxies.
pub const SMALL: &str = r#"
nside = 16
[[galaxies]]
name = "galaxies"
density = 0.0005
[galaxies.nz]
model = "smail"
z_mode = 0.5
[galaxies.photoz]
sigma_0 = 0.05
[galaxies.tomography]
method = "equal_dens"
nbins = 4
[galaxies.shapes]
model = "intnorm"
sigma_e = 0.26
"#;
