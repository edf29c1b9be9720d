//! `glass run [CONFIG]`: a whole survey simulation from a TOML config (or
//! the default survey), written to `--output DIR`:
//!
//! ```text
//! DIR/config.json           the resolved config (first; --resume checks it)
//! DIR/cls_input.npz         the input spectra (glass.save_cls layout), cut to lmax
//! DIR/gls.npz               the solved Gaussian spectra
//! DIR/r0000/catalogue_<sample>.fits   FITS binary table per sample
//! DIR/r0000/maps/shell_NNN.fits       HEALPix maps of each shell (healpy.read_map)
//! DIR/r0000/cls_measured.npz          spectra of the generated δ maps
//! DIR/r0000/figures/*.png             maps, n(z), spectra, shear
//! DIR/r0000/realisation.json          written last: the realisation is complete
//! DIR/run.json              written last of all: versions, timings, counts, checksums,
//!                           the status of every realisation
//! ```
//!
//! Every file goes to a temporary name and is renamed when complete, so an
//! interrupted run leaves no file that looks complete; `--resume` redoes
//! the realisations without `realisation.json`, and those whose files do
//! not match its checksums. Everything under `rNNNN/` depends on the
//! config and `r` only, byte for byte: what changes from run to run
//! (timings, memory, the MPI rank that computed it) goes to `run.json`.
//!
//! A realisation that fails (an I/O error, bad input found late) is
//! recorded in `run.json` as failed with its error; the others go on, and
//! the run exits 2 naming the failed ones. With the `mpi` feature under
//! `mpirun`, the realisations are spread over the ranks ([`ranks`]).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use glass::fields::{
    discretized_cls, gaussian_fields, lognormal_fields, solve_gaussian_spectra,
    DiscretizedClsOptions,
};
use glass::Backend;
use serde_json::{json, Value};

pub mod config;
pub mod figures;
#[cfg(test)]
mod fuzz_config;
pub mod output;
pub mod plan;
pub mod ranks;
pub mod simulate;

use config::FieldModel;
use figures::write_atomic;
use simulate::{Progress, Report, Shared};

use crate::error::io_err;
use crate::{CliError, CliResult};

/// `glass run`'s arguments (`--backend` and `--threads` are the
/// program's).
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// The survey config (TOML). Left out: the default survey (`glass init`
    /// writes it, commented).
    pub config: Option<PathBuf>,
    /// Output directory.
    #[arg(long, short, default_value = "glass-out")]
    pub output: PathBuf,
    /// Seed of the random streams (overrides the config).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of realisations (overrides the config).
    #[arg(long)]
    pub realisations: Option<usize>,
    /// HEALPix nside (overrides the config).
    #[arg(long)]
    pub nside: Option<i64>,
    /// Print the plan (shells, sizes, memory and disk estimates); write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace the outputs of an earlier run in the output directory.
    #[arg(long)]
    pub overwrite: bool,
    /// Continue an interrupted run of the same config from its last
    /// completed realisation (one whose files do not match its checksums
    /// is simulated again).
    #[arg(long, conflicts_with = "overwrite")]
    pub resume: bool,
    /// No progress and no log lines.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `glass init [FILE]`.
#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// Where to write the default config.
    #[arg(default_value = "survey.toml")]
    pub file: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub overwrite: bool,
}

/// Writes the default config, commented.
pub fn init(a: &InitArgs) -> CliResult<()> {
    if a.file.exists() && !a.overwrite {
        return Err(CliError::Output(format!(
            "{} exists: use --overwrite to replace it, or another file name",
            a.file.display()
        )));
    }
    write_atomic(&a.file, config::DEFAULT_TOML.as_bytes())?;
    eprintln!(
        "wrote {} (the default survey); edit it, then: glass run {}",
        a.file.display(),
        a.file.display()
    );
    Ok(())
}

/// A `KEY: N kB` line of a /proc file, in bytes.
fn proc_kb(file: &str, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(file).ok()?;
    let kb: u64 = s
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Peak resident memory of this process so far.
fn peak_rss_bytes() -> Option<u64> {
    proc_kb("/proc/self/status", "VmHWM:")
}

/// Memory the kernel says is available for new work.
fn available_memory() -> Option<u64> {
    proc_kb("/proc/meminfo", "MemAvailable:")
}

/// Free bytes on the file system that holds `path` (or its nearest
/// existing ancestor).
fn free_disk(path: &Path) -> Option<u64> {
    let mut p = std::path::absolute(path).ok()?;
    while !p.exists() {
        p = p.parent()?.to_path_buf();
    }
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a zeroed statvfs to fill.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    Some(st.f_bavail as u64 * st.f_frsize as u64)
}

fn json_bytes(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s.into_bytes()
}

/// The config as stored for `--resume` (everything but the number of
/// realisations must match).
fn resume_key(c: &config::Config) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("realisations");
    }
    v
}

/// What an earlier run left in `dir`: our files, by name.
fn is_ours(name: &str) -> bool {
    matches!(
        name,
        "config.json" | "run.json" | "cls_input.npz" | "gls.npz"
    ) || (name.len() == 5 && name.starts_with('r') && name[1..].bytes().all(|b| b.is_ascii_digit()))
        || name.starts_with('.') && name.contains(".tmp-")
}

struct Bar {
    bar: Option<indicatif::ProgressBar>,
    log: bool,
    start: Instant,
    /// Shells per realisation.
    shells: usize,
}

impl Progress for Bar {
    fn shell_done(&mut self, r: usize, i: usize, n: usize, galaxies: u64) {
        if let Some(b) = &self.bar {
            b.set_message(format!("r{r:04} shell {}/{n}: {galaxies} galaxies", i + 1));
            b.inc(1);
        } else if self.log {
            eprintln!(
                "glass run: r{r:04} shell {}/{n} done: {galaxies} galaxies ({:.1} s)",
                i + 1,
                self.start.elapsed().as_secs_f64()
            );
        }
    }

    fn done_elsewhere(&mut self, r: usize, rank: usize) {
        if let Some(b) = &self.bar {
            b.set_message(format!("r{r:04} done on rank {rank}"));
            b.inc(self.shells as u64);
        } else if self.log {
            eprintln!(
                "glass run: r{r:04} done on rank {rank} ({:.1} s)",
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}

/// Runs `glass run`; `open` opens the backend (after the config is
/// checked, so that a bad config is reported before a slow load). With
/// the `mpi` feature under `mpirun`, on every rank of the job
/// ([`ranks`]).
pub fn run(args: &RunArgs, open: &dyn Fn() -> CliResult<Backend>) -> CliResult<()> {
    let ranks = ranks::Ranks::init()?;
    run_on(&ranks, args, open)
}

/// The plan of a run, its backend, and the time planning took.
struct Prepared {
    plan: plan::Plan,
    xp: Backend,
    t_plan: f64,
    memory: u64,
}

/// Every rank: the config, the plan, the backend, the memory and disk
/// checks (and, with `--dry-run`, the plan printed by rank 0).
fn prepare(
    args: &RunArgs,
    open: &dyn Fn() -> CliResult<Backend>,
    ranks: &ranks::Ranks,
) -> CliResult<Prepared> {
    let root = ranks.is_root();
    let mut source = config::load(args.config.as_deref())?;
    if let Some(s) = args.seed {
        source.config.seed = s;
    }
    if let Some(n) = args.realisations {
        source.config.realisations = n;
    }
    if let Some(n) = args.nside {
        source.config.nside = n;
    }
    let t = Instant::now();
    let plan = plan::plan(source)?;
    let nreal = plan.config().realisations;
    let t_plan = t.elapsed().as_secs_f64();
    let xp = open()?;
    if !args.quiet && root {
        for n in &plan.notes {
            eprintln!("glass run: note: {n}");
        }
    }
    let mem = plan.memory_estimate();
    let (per, shared_disk) = plan.disk_estimate();
    let disk = per * nreal as u64 + shared_disk;
    if args.dry_run && root {
        print!("{}", plan::describe(&plan, nreal));
        println!("backend: {} {}", xp.name(), xp.info().version);
        println!("output: {}", args.output.display());
        if ranks.size() > 1 {
            println!(
                "ranks: {} ({} on this node, each simulating one realisation at a time)",
                ranks.size(),
                ranks.local()
            );
        }
    }
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    if let Some(avail) = available_memory() {
        // every rank on this node holds a realisation at once
        let need = mem * ranks.local() as u64;
        if need > avail {
            let per_rank = if ranks.local() > 1 {
                format!(
                    " ({:.0} MiB for each of {} ranks on this node)",
                    mib(mem),
                    ranks.local()
                )
            } else {
                String::new()
            };
            return Err(CliError::Output(format!(
                "the run needs about {:.0} MiB of memory{per_rank}, {:.0} MiB are available: \
                 lower nside (or lmax), or the number of shells{}",
                mib(need),
                mib(avail),
                if ranks.local() > 1 {
                    ", or run fewer ranks per node"
                } else {
                    ""
                }
            )));
        }
    }
    if let Some(free) = free_disk(&args.output) {
        if disk > free {
            return Err(CliError::Output(format!(
                "the outputs need about {:.0} MiB, {} has {:.0} MiB free: lower the galaxy \
                 density, nside or realisations, turn outputs off ([outputs]), or use another \
                 --output",
                mib(disk),
                args.output.display(),
                mib(free)
            )));
        }
    }
    Ok(Prepared {
        plan,
        xp,
        t_plan,
        memory: mem,
    })
}

/// Rank 0: the output directory, checked (`--overwrite`, `--resume`) and
/// made, with the resolved config in it.
fn prepare_output(args: &RunArgs, plan: &plan::Plan) -> CliResult<()> {
    let out = &args.output;
    let key = resume_key(plan.config());
    if out.exists() {
        if !out.is_dir() {
            return Err(CliError::Output(format!(
                "--output {} exists and is not a directory",
                out.display()
            )));
        }
        let entries: Vec<String> = std::fs::read_dir(out)
            .map_err(io_err(out))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !entries.is_empty() {
            if args.resume {
                let old: Value = std::fs::read(out.join("config.json"))
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok())
                    .ok_or_else(|| {
                        CliError::Output(format!(
                            "--resume: {} holds no config.json of an earlier glass run",
                            out.display()
                        ))
                    })?;
                if resume_key(&serde_json::from_value(old.clone()).map_err(|e| {
                    CliError::Output(format!("--resume: {}/config.json: {e}", out.display()))
                })?) != key
                {
                    return Err(CliError::Output(format!(
                        "--resume: {} holds a run of another config (only realisations may \
                         differ): use the same config, or --overwrite",
                        out.display()
                    )));
                }
            } else if args.overwrite {
                for e in &entries {
                    if is_ours(e) {
                        let p = out.join(e);
                        let r = if p.is_dir() {
                            std::fs::remove_dir_all(&p)
                        } else {
                            std::fs::remove_file(&p)
                        };
                        r.map_err(io_err(&p))?;
                    }
                }
            } else {
                return Err(CliError::Output(format!(
                    "--output {} exists and is not empty: use --overwrite to replace the run \
                     there, --resume to continue it, or another --output",
                    out.display()
                )));
            }
        }
    }
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    write_atomic(
        &out.join("config.json"),
        &json_bytes(&serde_json::to_value(plan.config()).unwrap_or(Value::Null)),
    )
}

/// Every rank: the inputs shared by the realisations (the same on each);
/// rank 0 writes the shared files. Also the seconds each step took, and
/// the files written.
fn shared_inputs(
    args: &RunArgs,
    p: &Prepared,
    root: bool,
) -> CliResult<(Shared, BTreeMap<String, f64>, Vec<PathBuf>)> {
    let (plan, xp, out) = (&p.plan, &p.xp, &args.output);
    let c = plan.config();
    let mut seconds: BTreeMap<String, f64> = BTreeMap::new();
    seconds.insert("plan".into(), p.t_plan);
    let t = Instant::now();
    let shift = plan::shift(c);
    let fields = match c.fields.model {
        FieldModel::Gaussian => gaussian_fields(&plan.shells),
        FieldModel::Lognormal => lognormal_fields(&plan.shells, Some(&*shift)),
    };
    let cls = discretized_cls(
        &plan.cls,
        DiscretizedClsOptions {
            lmax: Some(plan.lmax),
            ncorr: Some(c.ncorr),
            nside: Some(plan.nside),
        },
    )?;
    seconds.insert("discretized_cls".into(), t.elapsed().as_secs_f64());
    let t = Instant::now();
    let solved = solve_gaussian_spectra(&fields, &cls)?;
    seconds.insert("solve_gaussian_spectra".into(), t.elapsed().as_secs_f64());
    if !solved.not_converged.is_empty() && !args.quiet && root {
        eprintln!(
            "glass run: warning: the Gaussian spectra of the field pairs {:?} did not converge",
            solved.not_converged
        );
    }
    let vis = match &plan.vis {
        Some(v) => Some(xp.asarray1(v)?),
        None => None,
    };
    let shared = Shared {
        fields,
        cls,
        gls: solved.gls,
        vis,
    };
    let mut files: Vec<PathBuf> = vec![out.join("config.json")];
    if c.outputs.spectra {
        let p = out.join("cls_input.npz");
        if root {
            glass::save_cls(&p, &plan.cls)?;
        }
        files.push(p);
        let p = out.join("gls.npz");
        if root {
            glass::save_cls(&p, &shared.gls)?;
        }
        files.push(p);
    }
    Ok((shared, seconds, files))
}

/// Rank 0 with `--resume`: the outcomes of the realisations already
/// complete and intact, and the indices of those still to simulate.
fn completed(args: &RunArgs, nreal: usize) -> (Vec<Value>, Vec<usize>) {
    let mut done = Vec::new();
    let mut todo = Vec::new();
    for r in 0..nreal {
        let marker = args
            .output
            .join(format!("r{r:04}"))
            .join("realisation.json");
        if args.resume && marker.is_file() {
            let v: Value = std::fs::read(&marker)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            match verify(&args.output, &v) {
                Ok(()) => {
                    let mut v = v;
                    if let Some(o) = v.as_object_mut() {
                        o.insert("resumed".into(), Value::Bool(true));
                    }
                    done.push(v);
                    continue;
                }
                Err(why) => {
                    if !args.quiet {
                        eprintln!("glass run: r{r:04} is not intact ({why}): simulating it again");
                    }
                }
            }
        }
        todo.push(r);
    }
    (done, todo)
}

/// Simulates realisation `r` into `DIR/rNNNN/` (made afresh), its
/// `realisation.json` last.
fn one_realisation(
    p: &Prepared,
    shared: &Shared,
    out: &Path,
    r: usize,
    progress: &mut dyn Progress,
) -> CliResult<Value> {
    let dir = out.join(format!("r{r:04}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let report = simulate::realisation(&p.xp, &p.plan, shared, r, &dir, progress)?;
    let mut v = realisation_json(out, r, &report, &report.files)?;
    write_atomic(&dir.join("realisation.json"), &json_bytes(&v))?;
    // what differs from run to run goes to run.json only
    if let Some(o) = v.as_object_mut() {
        o.insert("seconds".into(), json!(report.seconds));
        o.insert("peak_memory_bytes".into(), json!(peak_rss_bytes()));
    }
    Ok(v)
}

fn run_on(
    ranks: &ranks::Ranks,
    args: &RunArgs,
    open: &dyn Fn() -> CliResult<Backend>,
) -> CliResult<()> {
    let t_all = Instant::now();
    let root = ranks.is_root();
    let p = ranks.agree(prepare(args, open, ranks))?;
    if args.dry_run {
        return Ok(());
    }
    ranks.agree(if root {
        prepare_output(args, &p.plan)
    } else {
        Ok(())
    })?;
    let (shared, seconds, files) = ranks.agree(shared_inputs(args, &p, root))?;
    let out = &args.output;
    let c = p.plan.config();
    let nreal = c.realisations;
    let nshell = p.plan.shells.len();

    // the realisations
    let (mut outcomes, todo) = if root {
        completed(args, nreal)
    } else {
        (Vec::new(), Vec::new())
    };
    let quiet = args.quiet || !root;
    let terminal = std::io::stderr().is_terminal();
    let bar = if !quiet && terminal {
        let b = indicatif::ProgressBar::new((nreal * nshell) as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} shells, ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.inc((outcomes.len() * nshell) as u64);
        Some(b)
    } else {
        None
    };
    let mut progress = Bar {
        bar,
        log: !quiet,
        start: Instant::now(),
        shells: nshell,
    };
    outcomes.extend(ranks.distribute(&todo, &mut progress, &mut |r, progress| {
        one_realisation(&p, &shared, out, r, progress).unwrap_or_else(|e| ranks::failed(r, &e))
    }));
    if let Some(b) = &progress.bar {
        b.finish_and_clear();
    }
    if !root {
        return Ok(());
    }
    outcomes.sort_by_key(|v| v["realisation"].as_u64());
    let failed: Vec<&Value> = outcomes
        .iter()
        .filter(|v| v["status"] != "complete")
        .collect();

    let checksums = checksums(out, &files, &BTreeMap::new())?;
    let run = json!({
        "program": {"name": "glass-rs", "version": env!("CARGO_PKG_VERSION")},
        "backend": {"name": p.xp.name(), "version": p.xp.info().version, "api_version": p.xp.info().api_version,
                    "threads": rayon::current_num_threads()},
        "ranks": ranks.size(),
        "config": serde_json::to_value(c).unwrap_or(Value::Null),
        "config_file": p.plan.source.path.as_ref().map(|p| p.display().to_string()),
        "spectra": p.plan.spectra_source,
        "seed": c.seed,
        "stream_keys": {
            "realisation": "[Realisation(r)]",
            "fields": "[Realisation(r), Shell(i), Stage(\"alm\")]",
            "positions": "[Realisation(r), Shell(i), Stage(sample)]",
            "redshifts": "[Realisation(r), Shell(i), Stage(sample), Stage(\"redshifts\")] at the galaxy index",
            "photoz": "[Realisation(r), Shell(i), Stage(sample), Stage(\"photoz\")] at the galaxy index",
            "shapes": "[Realisation(r), Shell(i), Stage(sample), Stage(\"shapes\")] at the galaxy index",
        },
        "nside": p.plan.nside,
        "lmax": p.plan.lmax,
        "shells": p.plan.shells.iter().map(|w| json!({"zmin": w.za[0], "zmax": w.za.last(), "zeff": w.zeff})).collect::<Vec<_>>(),
        "seconds": seconds,
        "seconds_total": t_all.elapsed().as_secs_f64(),
        "peak_memory_bytes": peak_rss_bytes(),
        "estimated_peak_memory_bytes": p.memory,
        "status": if failed.is_empty() { "complete" } else { "incomplete" },
        "realisations": outcomes,
        "checksums": checksums,
    });
    write_atomic(&out.join("run.json"), &json_bytes(&run))?;
    if !failed.is_empty() {
        let list: Vec<String> = failed
            .iter()
            .take(3)
            .map(|v| {
                format!(
                    "r{:04}: {}",
                    v["realisation"].as_u64().unwrap_or(u64::MAX),
                    v["error"].as_str().unwrap_or("?")
                )
            })
            .collect();
        let more = if failed.len() > 3 { "; …" } else { "" };
        return Err(CliError::Output(format!(
            "{} of {nreal} realisations failed ({}{more}); the others are complete, see {}: \
             mend the cause, then glass run --resume simulates what is missing",
            failed.len(),
            list.join("; "),
            out.join("run.json").display()
        )));
    }
    if !args.quiet {
        let ngal: u64 = outcomes
            .iter()
            .filter_map(|r| r["galaxies"].as_object())
            .flat_map(|o| o.values().filter_map(Value::as_u64))
            .sum();
        eprintln!(
            "glass run: {nreal} realisation(s), {ngal} galaxies, in {:.1} s; outputs in {}",
            t_all.elapsed().as_secs_f64(),
            out.display()
        );
    }
    Ok(())
}

/// Whether the files a completed realisation lists in its
/// `realisation.json` are all there with their recorded sha256 (a file
/// changed, cut short by a power cut before the disk had it, or removed):
/// `--resume` redoes a realisation that is not intact.
fn verify(out: &Path, v: &Value) -> Result<(), String> {
    use rayon::prelude::*;
    let sums = v["checksums"]
        .as_object()
        .filter(|o| !o.is_empty())
        .ok_or("its realisation.json lists no checksums")?;
    let sums: Vec<(&String, &Value)> = sums.iter().collect();
    sums.par_iter().try_for_each(|(rel, want)| {
        let f = out.join(rel);
        match output::sha256(&f) {
            Ok(h) if Some(h.as_str()) == want.as_str() => Ok(()),
            Ok(_) => Err(format!("{rel} has changed")),
            Err(_) => Err(format!("{rel} is missing")),
        }
    })
}

/// sha256 of each file (in parallel; those in `known` were hashed by the
/// writer as it wrote them), by path relative to `out`.
fn checksums(
    out: &Path,
    files: &[PathBuf],
    known: &BTreeMap<PathBuf, String>,
) -> CliResult<BTreeMap<String, Value>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|f| {
            let h = match known.get(f) {
                Some(h) => h.clone(),
                None => output::sha256(f)?,
            };
            Ok((rel(out, f), Value::String(h)))
        })
        .collect()
}

fn rel(out: &Path, p: &Path) -> String {
    p.strip_prefix(out).unwrap_or(p).display().to_string()
}

fn realisation_json(out: &Path, r: usize, report: &Report, files: &[PathBuf]) -> CliResult<Value> {
    let checksums = checksums(out, files, &report.sha256)?;
    let galaxies: BTreeMap<&String, u64> = report
        .counts
        .iter()
        .map(|(k, v)| (k, v.iter().flatten().sum()))
        .collect();
    Ok(json!({
        "realisation": r,
        "status": "complete",
        "galaxies": galaxies,
        "counts_per_shell_and_bin": report.counts,
        "column_sums": report.sums,
        "map_moments": report.moments,
        "checksums": checksums,
    }))
}
