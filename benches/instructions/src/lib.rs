//! Instruction counts of the stable glass benchmarks under valgrind's
//! callgrind: the bench target `instructions` runs each case of
//! `glass_benches::suite` that it lists in a valgrind process of its own
//! and reports the instructions of one call; `cargo xtask bench-gate`
//! compares them with the baselines committed under `benches/baselines/`.
//! See `benches/README.md`.
//!
//! This library holds what the bench target and the xtask share: the
//! format of a measurement ([`Measurement`], the file format of the
//! baselines), the conditions it was made under ([`MeasuredWith`]), the
//! callgrind client requests that delimit the counted call ([`client`]) and
//! the reading of callgrind's output ([`parse_totals`]). It may not define
//! benchmark cases of its own (they come from `glass_benches::suite`, so
//! that criterion and callgrind measure the same code).

use serde::{Deserialize, Serialize};

/// The version of the measurement format ([`Measurement::schema`]).
pub const SCHEMA: u32 = 1;

/// The environment a counted case runs in: nothing else (the environment
/// is cleared, so a user's `GLASS_BACKEND` or `RAYON_NUM_THREADS` cannot
/// change a count).
pub const COUNT_ENV: [(&str, &str); 2] = [
    // The portable build of the native kernels: valgrind 3.19 cannot
    // decode the AVX2 build (a VEX-encoded `vmovq`) and has no AVX-512.
    ("GLASS_SIMD", "portable"),
    // One worker per rayon pool: the plugins' pools included.
    ("RAYON_NUM_THREADS", "1"),
];

/// One measurement of the cases: what `instructions --json FILE` writes
/// and what a committed baseline (`benches/baselines/<kind>/instructions.json`)
/// holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measurement {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The kind of machine the counts belong to ([`machine_kind`]).
    pub machine_kind: String,
    /// The conditions of the measurement; counts compare only under equal
    /// conditions.
    pub measured_with: MeasuredWith,
    /// The counts, sorted by id.
    pub benchmarks: Vec<Count>,
}

/// The conditions that decide which instructions run: the compiler, the
/// counter, the C library (its string functions are chosen by CPU), the
/// CPU features the counted program sees (valgrind's virtual CPU, not the
/// host's), and the build of the native kernels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasuredWith {
    /// `rustc -vV` of the compiler that built the benchmarks, on one line.
    pub rustc: String,
    /// `valgrind --version`.
    pub valgrind: String,
    /// The GNU C library's version (`unknown` elsewhere).
    pub glibc: String,
    /// The CPU features (of [`FEATURES`]) that the program sees under valgrind.
    pub cpu_features: Vec<String>,
    /// The build of the native kernels that ran (`GLASS_SIMD`).
    pub kernels: String,
}

/// The instructions of one call of one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The case's id in `glass_benches::suite`
    /// (`{stability}/{module.function}/{backend}/{size}`).
    pub id: String,
    /// Instructions executed (callgrind's `Ir`) by one call, all threads.
    pub instructions: u64,
}

impl Count {
    /// The backend part of the id (`host`, `ndarray`, `strict`, ...).
    pub fn backend(&self) -> &str {
        backend_of(&self.id)
    }
}

/// The backend part of a benchmark id (its third part).
pub fn backend_of(id: &str) -> &str {
    id.split('/').nth(2).unwrap_or("")
}

/// How two sets of conditions differ, one line per field that does (empty
/// when the counts are comparable).
pub fn differences(baseline: &MeasuredWith, now: &MeasuredWith) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, a: &str, b: &str| {
        if a != b {
            out.push(format!("{name}: baseline `{a}`, now `{b}`"));
        }
    };
    field("rustc", &baseline.rustc, &now.rustc);
    field("valgrind", &baseline.valgrind, &now.valgrind);
    field("glibc", &baseline.glibc, &now.glibc);
    field("kernels", &baseline.kernels, &now.kernels);
    let (a, b) = (&baseline.cpu_features, &now.cpu_features);
    if a != b {
        let only = |x: &[String], y: &[String]| -> String {
            let v: Vec<&str> = x
                .iter()
                .filter(|f| !y.contains(f))
                .map(String::as_str)
                .collect();
            if v.is_empty() {
                "-".into()
            } else {
                v.join(",")
            }
        };
        out.push(format!(
            "cpu features: only in the baseline {}, only now {}",
            only(a, b),
            only(b, a)
        ));
    }
    out
}

/// The x86_64 features that decide code paths (std's and glibc's run-time
/// dispatch, our kernels): recorded with every measurement.
pub const FEATURES: [&str; 19] = [
    "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt",
    "movbe", "f16c", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "erms",
];

/// The features of [`FEATURES`] that this process's CPU has (under
/// valgrind: the virtual CPU's).
pub fn cpu_features() -> Vec<String> {
    #[cfg(target_arch = "x86_64")]
    {
        let has = |f: &str| -> bool {
            match f {
                "sse3" => is_x86_feature_detected!("sse3"),
                "ssse3" => is_x86_feature_detected!("ssse3"),
                "sse4.1" => is_x86_feature_detected!("sse4.1"),
                "sse4.2" => is_x86_feature_detected!("sse4.2"),
                "popcnt" => is_x86_feature_detected!("popcnt"),
                "avx" => is_x86_feature_detected!("avx"),
                "avx2" => is_x86_feature_detected!("avx2"),
                "fma" => is_x86_feature_detected!("fma"),
                "bmi1" => is_x86_feature_detected!("bmi1"),
                "bmi2" => is_x86_feature_detected!("bmi2"),
                "lzcnt" => is_x86_feature_detected!("lzcnt"),
                "movbe" => is_x86_feature_detected!("movbe"),
                "f16c" => is_x86_feature_detected!("f16c"),
                "avx512f" => is_x86_feature_detected!("avx512f"),
                "avx512bw" => is_x86_feature_detected!("avx512bw"),
                "avx512cd" => is_x86_feature_detected!("avx512cd"),
                "avx512dq" => is_x86_feature_detected!("avx512dq"),
                "avx512vl" => is_x86_feature_detected!("avx512vl"),
                "erms" => is_x86_feature_detected!("ermsb"),
                _ => false,
            }
        };
        FEATURES
            .iter()
            .filter(|f| has(f))
            .map(|f| f.to_string())
            .collect()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
    }
}

/// The machine kind, the folder of its baselines: the architecture and its
/// x86-64 micro-architecture level (`x86_64-v2` ... `x86_64-v4`, from the
/// host CPU's features, as the psABI defines the levels), e.g. `x86_64-v4`
/// for this project's AVX-512 machines.
pub fn machine_kind(host_features: &[String]) -> String {
    let arch = std::env::consts::ARCH;
    if arch != "x86_64" {
        return arch.to_string();
    }
    let has = |f: &str| host_features.iter().any(|h| h == f);
    let v2 = ["sse3", "ssse3", "sse4.1", "sse4.2", "popcnt"]
        .iter()
        .all(|f| has(f));
    let v3 = v2
        && [
            "avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt", "movbe", "f16c",
        ]
        .iter()
        .all(|f| has(f));
    let v4 = v3
        && ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
            .iter()
            .all(|f| has(f));
    let level = if v4 {
        4
    } else if v3 {
        3
    } else if v2 {
        2
    } else {
        1
    };
    format!("x86_64-v{level}")
}

/// The GNU C library's version, `unknown` without it.
pub fn glibc_version() -> String {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn gnu_get_libc_version() -> *const std::ffi::c_char;
        }
        // SAFETY: glibc returns a pointer to a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
        v.to_string_lossy().into_owned()
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        "unknown".into()
    }
}

/// The total of callgrind's output file: the `totals:` line (the
/// `summary:` line of older versions), first event (`Ir`).
pub fn parse_totals(callgrind_out: &str) -> Option<u64> {
    let line = callgrind_out
        .lines()
        .find(|l| l.starts_with("totals:"))
        .or_else(|| callgrind_out.lines().find(|l| l.starts_with("summary:")))?;
    line.split_once(':')?
        .1
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Callgrind's client requests (the protocol of valgrind.h and
/// callgrind.h: a marker sequence of rotations that does nothing on a real
/// CPU, recognised by valgrind's JIT): instrumentation is switched on just
/// before the counted call and off after it, for all threads at once, so
/// that work on the plugins' rayon threads is counted too (callgrind's
/// `--toggle-collect` works per thread).
pub mod client {
    /// `VG_USERREQ_TOOL_BASE('C', 'T')`: callgrind's requests.
    const CALLGRIND_BASE: usize = ((b'C' as usize) << 24) | ((b'T' as usize) << 16);
    /// `VG_USERREQ__START_INSTRUMENTATION`.
    const START_INSTRUMENTATION: usize = CALLGRIND_BASE + 4;
    /// `VG_USERREQ__STOP_INSTRUMENTATION`.
    const STOP_INSTRUMENTATION: usize = CALLGRIND_BASE + 5;
    /// `VG_USERREQ__RUNNING_ON_VALGRIND`.
    const RUNNING_ON_VALGRIND: usize = 0x1001;

    /// Sends a request with no arguments; `default` is the answer outside
    /// valgrind.
    #[cfg(target_arch = "x86_64")]
    fn request(code: usize, default: usize) -> usize {
        let args: [usize; 6] = [code, 0, 0, 0, 0, 0];
        let result: usize;
        // SAFETY: the rotations of rdi add up to 128 bits (rdi unchanged)
        // and `xchg rbx, rbx` changes nothing: on a CPU this is a no-op;
        // valgrind reads the six words at rax and writes its answer to rdx.
        unsafe {
            std::arch::asm!(
                "rol rdi, 3",
                "rol rdi, 13",
                "rol rdi, 61",
                "rol rdi, 51",
                "xchg rbx, rbx",
                inout("rdx") default => result,
                in("rax") args.as_ptr(),
                inout("rdi") 0usize => _,
                options(nostack, preserves_flags),
            );
        }
        result
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn request(_code: usize, default: usize) -> usize {
        default
    }

    /// Whether this process runs under valgrind (on x86_64; `false`
    /// elsewhere, where the gate does not run).
    pub fn running_on_valgrind() -> bool {
        request(RUNNING_ON_VALGRIND, 0) > 0
    }

    /// Switches callgrind's instrumentation on (all threads).
    pub fn start_instrumentation() {
        request(START_INSTRUMENTATION, 0);
    }

    /// Switches callgrind's instrumentation off (all threads).
    pub fn stop_instrumentation() {
        request(STOP_INSTRUMENTATION, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(features: &[&str]) -> MeasuredWith {
        MeasuredWith {
            rustc: "rustc 1.95.0".into(),
            valgrind: "valgrind-3.19.0".into(),
            glibc: "2.36".into(),
            cpu_features: features.iter().map(|f| f.to_string()).collect(),
            kernels: "portable".into(),
        }
    }

    #[test]
    fn totals_of_callgrind_output() {
        let out = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\n\nfl=(1) a.rs\nfn=(1) f\n3 100\n\ntotals: 12345\n";
        assert_eq!(parse_totals(out), Some(12345));
        assert_eq!(parse_totals("events: Ir\nsummary: 77\n"), Some(77));
        assert_eq!(parse_totals("events: Ir\n"), None);
        assert_eq!(parse_totals("totals: x\n"), None);
    }

    #[test]
    fn conditions_compare_field_by_field() {
        let a = with(&["avx", "avx2"]);
        assert!(differences(&a, &a).is_empty());
        let mut b = with(&["avx", "fma"]);
        b.rustc = "rustc 1.96.0".into();
        let d = differences(&a, &b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].contains("rustc") && d[0].contains("1.96.0"));
        assert!(d[1].contains("only in the baseline avx2") && d[1].contains("only now fma"));
    }

    #[test]
    fn machine_kinds_follow_the_psabi_levels() {
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        if std::env::consts::ARCH != "x86_64" {
            return;
        }
        let v2 = ["sse3", "ssse3", "sse4.1", "sse4.2", "popcnt"];
        assert_eq!(machine_kind(&f(&[])), "x86_64-v1");
        assert_eq!(machine_kind(&f(&v2)), "x86_64-v2");
        let mut v3 = v2.to_vec();
        v3.extend([
            "avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt", "movbe", "f16c",
        ]);
        assert_eq!(machine_kind(&f(&v3)), "x86_64-v3");
        let mut v4 = v3.clone();
        v4.extend(["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]);
        assert_eq!(machine_kind(&f(&v4)), "x86_64-v4");
        assert_eq!(backend_of("stable/a.b/strict/n1"), "strict");
    }

    #[test]
    fn client_requests_are_no_ops_outside_valgrind() {
        // (Under valgrind, the bench target checks the opposite.)
        if !client::running_on_valgrind() {
            client::start_instrumentation();
            client::stop_instrumentation();
        }
    }
}
