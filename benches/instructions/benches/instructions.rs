//! Instruction counts of the stable benchmarks under valgrind's callgrind:
//! one call of each case listed in [`CASES`], each in a valgrind process of
//! its own, after one uncounted warm-up call.
//!
//! ```sh
//! cargo bench -p glass-benches-instructions                       # all cases, a table
//! cargo bench -p glass-benches-instructions -- partition --json counts.json
//! cargo xtask bench-gate                                          # against the committed baseline
//! ```
//!
//! Arguments: words are substring filters on the id; `--json FILE` writes
//! the [`Measurement`]; `--jobs N` runs N valgrind processes at once
//! (default: the CPUs; a count does not depend on it); `--list` prints the
//! ids. `--count ID` and `--features` are the child processes' modes.
//!
//! The counted call runs with nothing but [`COUNT_ENV`] in its environment
//! (`GLASS_SIMD=portable`: the portable build of the native kernels, which
//! valgrind can decode; one rayon thread per pool). Instrumentation is on
//! from just before the call to just after it, for all threads (callgrind's
//! client requests), so work on the plugins' rayon threads counts too. The
//! harness makes the benchmark thread the only worker of a one-thread
//! rayon pool, so the host's parallel work runs inline on it.
//!
//! Each entry of [`CASES`] names one stable case of `glass_benches::suite`
//! by its full id. A test of glass-benches checks that every stable case is
//! listed here or left out on purpose: multi-threaded cases
//! (`host-threadsN`: the count would depend on scheduling) and cases above
//! nside 64 (valgrind runs code about 50 times slower).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use glass_benches_instructions::{
    client, cpu_features, glibc_version, machine_kind, parse_totals, Count, MeasuredWith,
    Measurement, COUNT_ENV, SCHEMA,
};

/// The counted cases, by id (`glass_benches::suite`).
const CASES: &[&str] = &[
    "stable/arraytools.ndinterp/host/100x1000",
    "stable/arraytools.trapezoid_product/host/3xn10000",
    "stable/shells.partition_nnls/host/shells30",
    "stable/shells.partition_lstsq/host/shells30",
    "stable/shells.partition_restrict/host/shells30",
    "stable/algorithm.nnls/host/300x60",
    "stable/algorithm.cov_clip/host/n100",
    "stable/algorithm.nearcorr/host/n60",
    "stable/algorithm.cov_nearest/host/n60",
    "stable/harmonics.multalm/ndarray/lmax999",
    "stable/harmonics.multalm/strict/lmax999",
    "stable/healpix.alm2map/host-threads1/nside64",
    "stable/healpix.map2alm_iter0/host-threads1/nside64",
    "stable/healpix.map2alm_iter3/host-threads1/nside64",
    "stable/healpix.alm2map_spin2/host-threads1/nside64",
    "stable/healpix.alm2map/ndarray/nside64",
    "stable/healpix.alm2map/strict/nside16",
    "stable/healpix.alm2map/strict/nside64",
    "stable/fields.solve_gaussian_spectra/host/shells10_lmax256",
    "stable/fields.solve_gaussian_spectra/host/shells10_lmax1024",
    "stable/fields.effective_cls/host/fields10_w10x5_lmax1000",
    "stable/fields.generate/ndarray/nside64_shells3",
    "stable/fields.generate/strict/nside64_shells3",
    "stable/lensing.multi_plane_convergence/ndarray/nside64_planes10",
    "stable/lensing.multi_plane_convergence/strict/nside64_planes10",
    "stable/lensing.from_convergence/ndarray/nside64_shear",
    "stable/lensing.from_convergence/strict/nside64_shear",
    "stable/points.positions_from_delta/ndarray/nside64_ngal1e5",
    "stable/points.positions_from_delta/strict/nside64_ngal1e5",
    "stable/galaxies.redshifts/ndarray/ngal1e5",
    "stable/galaxies.redshifts/strict/ngal1e5",
    "stable/galaxies.galaxy_shear/ndarray/nside64_ngal1e5",
    "stable/galaxies.galaxy_shear/strict/nside64_ngal1e5",
    "stable/shapes.ellipticity_intnorm/ndarray/ngal1e5",
    "stable/shapes.ellipticity_intnorm/strict/ngal1e5",
    "stable/shapes.triaxial_axis_ratio/ndarray/ngal1e5",
    "stable/shapes.triaxial_axis_ratio/strict/ngal1e5",
];

/// `rustc -vV` of the compiler that built this harness (see build.rs).
const RUSTC: &str = env!("GLASS_INSTRUCTIONS_RUSTC");

/// The child under valgrind: prepares the case, calls it once uncounted,
/// then once counted.
fn count(id: &str) -> Result<(), String> {
    if !client::running_on_valgrind() {
        return Err("--count runs under valgrind only (see --help)".into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .map_err(|e| format!("a one-thread rayon pool on the benchmark thread: {e}"))?;
    let suite = glass_benches::suite::all();
    let case = suite
        .find(id)
        .ok_or_else(|| format!("no benchmark {id} in glass_benches::suite"))?;
    let mut body = case.prepare();
    body();
    client::start_instrumentation();
    body();
    client::stop_instrumentation();
    drop(body);
    drop(pool);
    Ok(())
}

/// The counted program's folder: `/tmp/glass-instructions-<pid, 10
/// digits>/bin`, the same length on every run and in every checkout.
///
/// The layout of a process depends on the length of its executable's path
/// (it is on the initial stack, and every path built from it, like the
/// plugins', is on the heap), and some counts depend on the layout: the
/// alignment of a buffer decides how a SIMD loop of faer splits a sum, the
/// rounding of the sum can change an NNLS iteration, and
/// `shells.partition_nnls` took 49.44 to 50.70 million instructions with
/// the executable in folders of different name lengths (2.5%, half the
/// gate's limit). So the harness and its plugins are copied here and run
/// from here. (`/tmp`, not `TMPDIR`: that can vary too.)
fn counting_dir() -> PathBuf {
    PathBuf::from(format!(
        "/tmp/glass-instructions-{:010}",
        std::process::id()
    ))
}

/// Copies this executable (as `bin/instructions`) and the backend plugins
/// next to it into `dir/bin`; returns the copied executable.
fn stage(dir: &Path) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("no executable path: {e}"))?;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to)
            .map(drop)
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
    };
    let to = bin.join("instructions");
    copy(&exe, &to)?;
    let from_dir = exe.parent().unwrap_or(Path::new("."));
    let prefix = format!("{}glass_backend_", std::env::consts::DLL_PREFIX);
    let entries = std::fs::read_dir(from_dir)
        .map_err(|e| format!("cannot list {}: {e}", from_dir.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(std::env::consts::DLL_SUFFIX) {
            copy(&e.path(), &bin.join(&name))?;
        }
    }
    Ok(to)
}

/// One valgrind process: `valgrind --tool=callgrind ... EXE ARGS`.
fn valgrind(
    valgrind: &Path,
    exe: &Path,
    out_file: &Path,
    args: &[&str],
) -> Result<(u64, String), String> {
    let mut cmd = Command::new(valgrind);
    cmd.env_clear()
        .envs(COUNT_ENV)
        .arg("--tool=callgrind")
        .arg("--instr-atstart=no")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .args(args)
        .stdin(Stdio::null());
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", valgrind.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(25).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "valgrind {} failed ({}):\n{}",
            args.join(" "),
            out.status,
            tail.join("\n")
        ));
    }
    let text = std::fs::read_to_string(out_file)
        .map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    let total = parse_totals(&text)
        .ok_or_else(|| format!("no totals in callgrind's {}", out_file.display()))?;
    let _ = std::fs::remove_file(out_file);
    Ok((total, stdout))
}

/// `valgrind` on PATH.
fn find_valgrind() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("valgrind"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            "valgrind is not on PATH (Debian: apt-get install valgrind); the instruction counts need it"
                .to_string()
        })
}

fn valgrind_version(valgrind: &Path) -> Result<String, String> {
    let out = Command::new(valgrind)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", valgrind.display()))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

struct Options {
    filters: Vec<String>,
    json: Option<PathBuf>,
    jobs: usize,
}

fn measure(o: &Options) -> Result<(), String> {
    let ids: Vec<&str> = CASES
        .iter()
        .copied()
        .filter(|id| o.filters.is_empty() || o.filters.iter().any(|f| id.contains(f.as_str())))
        .collect();
    if ids.is_empty() {
        return Err(format!("no case matches {:?} (see --list)", o.filters));
    }
    let vg = find_valgrind()?;
    let dir = counting_dir();
    let exe = stage(&dir).inspect_err(|_| drop(std::fs::remove_dir_all(&dir)))?;
    let (_, features) = valgrind(&vg, &exe, &dir.join("features.out"), &["--features"])
        .inspect_err(|_| drop(std::fs::remove_dir_all(&dir)))?;
    let counted_features: Vec<String> = features.split_whitespace().map(String::from).collect();
    let with = MeasuredWith {
        rustc: RUSTC.to_string(),
        valgrind: valgrind_version(&vg)?,
        glibc: glibc_version(),
        cpu_features: counted_features,
        kernels: COUNT_ENV
            .iter()
            .find(|(k, _)| *k == "GLASS_SIMD")
            .map_or("native", |(_, v)| v)
            .to_string(),
    };
    eprintln!(
        "counting {} cases under {} ({} at once) ...",
        ids.len(),
        with.valgrind,
        o.jobs
    );
    let queue = Mutex::new(ids.iter().copied().enumerate().collect::<VecDeque<_>>());
    let results = Mutex::new(Vec::new());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..o.jobs.max(1) {
            s.spawn(|| loop {
                let Some((k, id)) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                let t = Instant::now();
                let r = valgrind(
                    &vg,
                    &exe,
                    &dir.join(format!("case{k:02}.out")),
                    &["--count", id],
                );
                let secs = t.elapsed().as_secs_f64();
                match &r {
                    Ok((n, _)) => eprintln!("{n:>15}  {secs:>6.1} s  {id}"),
                    Err(_) => eprintln!("{:>15}  {secs:>6.1} s  {id}", "FAILED"),
                }
                results.lock().unwrap().push((id, r.map(|(n, _)| n)));
            });
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    let mut counts = Vec::new();
    let mut errors = Vec::new();
    for (id, r) in results.into_inner().unwrap() {
        match r {
            Ok(instructions) => counts.push(Count {
                id: id.to_string(),
                instructions,
            }),
            Err(e) => errors.push(format!("{id}: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n\n"));
    }
    counts.sort_by(|a, b| a.id.cmp(&b.id));
    eprintln!(
        "{} cases in {:.0} s",
        counts.len(),
        start.elapsed().as_secs_f64()
    );
    println!("{:>15}  benchmark", "instructions");
    for c in &counts {
        println!("{:>15}  {}", c.instructions, c.id);
    }
    if let Some(path) = &o.json {
        let m = Measurement {
            schema: SCHEMA,
            machine_kind: machine_kind(&cpu_features()),
            measured_with: with,
            benchmarks: counts,
        };
        let text = serde_json::to_string_pretty(&m).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

const HELP: &str = "instructions [FILTER...] [--json FILE] [--jobs N] | --list
  counts the instructions of one call of each case (valgrind's callgrind)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Options {
        filters: Vec::new(),
        json: None,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut it = args.iter();
    let result = (|| -> Result<(), String> {
        while let Some(a) = it.next() {
            match a.as_str() {
                // cargo bench passes --bench
                "--bench" => {}
                "--help" | "-h" => {
                    println!("{HELP}");
                    return Ok(());
                }
                "--list" => {
                    CASES.iter().for_each(|id| println!("{id}"));
                    return Ok(());
                }
                "--features" => {
                    println!("{}", cpu_features().join(" "));
                    return Ok(());
                }
                "--count" => {
                    let id = it.next().ok_or("--count needs an id")?;
                    return count(id);
                }
                "--json" => o.json = Some(it.next().ok_or("--json needs a file")?.into()),
                "--jobs" => {
                    o.jobs = it
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|&n| n > 0)
                        .ok_or("--jobs needs a positive number")?;
                }
                f if f.starts_with("--") => return Err(format!("unknown option {f}\n{HELP}")),
                f => o.filters.push(f.to_string()),
            }
        }
        measure(&o)
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
