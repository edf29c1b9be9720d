//! Records `rustc -vV` of the compiler that builds the harness: a
//! measurement names the toolchain it was made with, and counts compare
//! only between measurements of the same one.

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(&rustc)
        .arg("-vV")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_else(|| format!("unknown ({rustc} -vV failed)"));
    println!("cargo:rustc-env=GLASS_INSTRUCTIONS_RUSTC={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
