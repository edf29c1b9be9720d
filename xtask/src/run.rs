//! The two commands: `bench-compare` (wall clock, criterion) and
//! `bench-instructions` (instruction counts, gungraun under valgrind).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::build::{build, toolchain, BenchExe};
use crate::compare::{any_failure, compare, render_table, Thresholds};
use crate::estimates::read_rounds;
use crate::revisions::{checkout, repo_root, resolve, Revision};

/// What a command found: whether the gate passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No regression.
    Pass,
    /// At least one regression beyond the thresholds.
    Regression,
}

/// Options of `bench-compare`.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// BASE revision.
    pub base: String,
    /// HEAD revision (`local` for the working tree).
    pub head: String,
    /// Alternating rounds (BASE, HEAD) to run.
    pub rounds: usize,
    /// Gate thresholds.
    pub thresholds: Thresholds,
    /// Package with the criterion benchmarks.
    pub package: String,
    /// Bench targets (all of the package when empty).
    pub benches: Vec<String>,
    /// Criterion filter (a regex on the benchmark id), if any.
    pub filter: Option<String>,
    /// Further arguments for the criterion executables.
    pub extra: Vec<String>,
}

/// Options of `bench-instructions`.
#[derive(Clone, Debug)]
pub struct InstructionOptions {
    /// BASE revision.
    pub base: String,
    /// HEAD revision (`local` for the working tree).
    pub head: String,
    /// The gungraun limit on instructions (`ir`), in percent.
    pub ir_limit_pct: f64,
    /// Package with the gungraun benchmark.
    pub package: String,
    /// Its bench target.
    pub bench: String,
    /// gungraun filter (a glob on `instructions::glass::stable::<name>`).
    pub filter: Option<String>,
}

/// Where everything of a comparison lives: `<root>/target/bench-compare`.
struct Workspace {
    root: PathBuf,
    work: PathBuf,
}

impl Workspace {
    fn new() -> Result<Self, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
        let root = repo_root(&cwd)?;
        let work = root.join("target").join("bench-compare");
        Ok(Self { work, root })
    }

    /// The `CARGO_TARGET_DIR` of a role (`base` or `head`). Not shared:
    /// cargo hashes a workspace member by its path relative to the
    /// workspace root, so the same crate of two worktrees would land on
    /// the same artifact, and a build of HEAD right after one of BASE
    /// could find it fresh and keep BASE's code.
    fn target(&self, role: &str) -> PathBuf {
        self.work.join(format!("target-{role}"))
    }

    /// Resolves, checks out and builds BASE and HEAD; returns their
    /// revisions, source folders and copied executables.
    fn prepare(
        &self,
        base: &str,
        head: &str,
        package: &str,
        benches: &[String],
        bin: &str,
    ) -> Result<[(Revision, PathBuf, Vec<BenchExe>); 2], String> {
        let revs = [resolve(&self.root, base)?, resolve(&self.root, head)?];
        let srcs = [
            checkout(&self.root, &revs[0], &self.work, "base")?,
            checkout(&self.root, &revs[1], &self.work, "head")?,
        ];
        let tc = [toolchain(&srcs[0])?, toolchain(&srcs[1])?];
        if tc[0] != tc[1] {
            return Err(format!(
                "BASE and HEAD select different toolchains:\n{}\n---\n{}",
                tc[0], tc[1]
            ));
        }
        let mut out = Vec::new();
        for ((rev, src), role) in revs.into_iter().zip(srcs).zip(["base", "head"]) {
            eprintln!("{role}: {}", rev.describe());
            let bin_dir = self.work.join(bin).join(role);
            let exes = build(&src, &self.target(role), package, benches, &bin_dir)?;
            out.push((rev, src, exes));
        }
        let head = out.pop().ok_or("internal: no HEAD build")?;
        let base = out.pop().ok_or("internal: no BASE build")?;
        Ok([base, head])
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Runs one executable with its output in a log file; an error names the
/// log and shows its end.
fn run_logged(
    mut cmd: Command,
    log: &Path,
    what: &str,
) -> Result<std::process::ExitStatus, String> {
    if let Some(d) = log.parent() {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let file =
        std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    cmd.stdout(Stdio::from(file)).stderr(Stdio::from(err));
    cmd.status().map_err(|e| format!("cannot run {what}: {e}"))
}

/// `cargo xtask bench-compare`: see the crate docs.
pub fn bench_compare(o: &CompareOptions) -> Result<Outcome, String> {
    if o.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    let ws = Workspace::new()?;
    let [base, head] = ws.prepare(&o.base, &o.head, &o.package, &o.benches, "bin")?;
    let home = ws.work.join("criterion");
    if home.exists() {
        std::fs::remove_dir_all(&home)
            .map_err(|e| format!("cannot clear {}: {e}", home.display()))?;
    }
    let logs = ws.work.join("logs");
    let names = |role: &str, rev: &Revision| -> Vec<String> {
        (1..=o.rounds)
            .map(|k| format!("{role}-{}-r{k}", rev.label()))
            .collect()
    };
    let base_names = names("base", &base.0);
    let head_names = names("head", &head.0);
    for k in 0..o.rounds {
        for ((rev, src, exes), baseline, role) in [
            (&base, &base_names[k], "BASE"),
            (&head, &head_names[k], "HEAD"),
        ] {
            for exe in exes {
                let start = Instant::now();
                let mut cmd = Command::new(&exe.path);
                cmd.current_dir(src).env("CRITERION_HOME", &home).args([
                    "--bench",
                    "--noplot",
                    "--save-baseline",
                    baseline,
                ]);
                if let Some(f) = &o.filter {
                    cmd.arg(f);
                }
                cmd.args(&o.extra);
                let log = logs.join(format!("{baseline}-{}.log", exe.name));
                let status = run_logged(cmd, &log, &exe.name)?;
                if !status.success() {
                    return Err(format!(
                        "benchmark {} of {role} ({}) failed ({status}); its log {}:\n{}",
                        exe.name,
                        rev.describe(),
                        log.display(),
                        log_tail(&log)
                    ));
                }
                eprintln!(
                    "round {}/{}: {role} {:<12} {:>6.1} s",
                    k + 1,
                    o.rounds,
                    exe.name,
                    start.elapsed().as_secs_f64()
                );
            }
        }
    }
    let b = read_rounds(&home, &base_names)?;
    let h = read_rounds(&home, &head_names)?;
    if b.is_empty() && h.is_empty() {
        return Err("no benchmark matched (check the filter)".into());
    }
    let rows = compare(&b, &h, &o.thresholds);
    println!(
        "\nBASE {}  vs  HEAD {}: {} rounds, alternating; gate: stable > {}% with disjoint CIs, unstable > {} ms",
        base.0.describe(),
        head.0.describe(),
        o.rounds,
        o.thresholds.stable_rel * 100.0,
        o.thresholds.unstable_abs_ns / 1e6
    );
    println!("{}", render_table(&rows, &base.0.label(), &head.0.label()));
    let failed = rows.iter().filter(|r| r.verdict.fails()).count();
    println!(
        "{} benchmarks, {failed} regressed (criterion data: {})",
        rows.len(),
        home.display()
    );
    Ok(if any_failure(&rows) {
        Outcome::Regression
    } else {
        Outcome::Pass
    })
}

/// `cargo xtask bench-instructions`: see the crate docs.
pub fn bench_instructions(o: &InstructionOptions) -> Result<Outcome, String> {
    if o.ir_limit_pct.is_nan() || o.ir_limit_pct < 0.0 {
        return Err(format!(
            "--ir-limit must be a non-negative percentage, got {}",
            o.ir_limit_pct
        ));
    }
    let ws = Workspace::new()?;
    let [base, head] = ws.prepare(
        &o.base,
        &o.head,
        &o.package,
        std::slice::from_ref(&o.bench),
        "bin-instructions",
    )?;
    let home = ws.work.join("gungraun");
    if home.exists() {
        std::fs::remove_dir_all(&home)
            .map_err(|e| format!("cannot clear {}: {e}", home.display()))?;
    }
    // gungraun accepts only ASCII alphanumerics and '_' in baseline names.
    let base_name = format!("base_{}", base.0.label());
    let head_name = format!("head_{}", head.0.label());
    let limit = format!("--callgrind-limits=ir={}%", o.ir_limit_pct);
    let logs = ws.work.join("logs");
    let mut outcome = Outcome::Pass;
    for ((rev, src, exes), role, dir) in [(&base, "BASE", "base"), (&head, "HEAD", "head")] {
        let exe = exes
            .iter()
            .find(|e| e.name == o.bench)
            .ok_or_else(|| format!("bench target {} was not built for {role}", o.bench))?;
        let mut cmd = Command::new(&exe.path);
        cmd.current_dir(src)
            .env("GUNGRAUN_HOME", &home)
            .env("CARGO_TARGET_DIR", ws.target(dir))
            .arg("--bench");
        if role == "BASE" {
            cmd.arg(format!("--save-baseline={base_name}"));
        } else {
            cmd.arg(format!("--baseline={base_name}"))
                .arg(format!("--save-baseline={head_name}"))
                .arg(&limit);
        }
        if let Some(f) = &o.filter {
            cmd.arg(f);
        }
        let start = Instant::now();
        let log = logs.join(format!(
            "instructions-{}.log",
            if role == "BASE" {
                &base_name
            } else {
                &head_name
            }
        ));
        let status = run_logged(cmd, &log, &exe.name)?;
        eprintln!(
            "{role} {}: {:.1} s, log {}",
            rev.describe(),
            start.elapsed().as_secs_f64(),
            log.display()
        );
        if role == "HEAD" {
            println!("{}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        if !status.success() {
            // gungraun exits with 3 when a limit is exceeded, 1 on errors.
            if role == "HEAD" && status.code() == Some(3) {
                outcome = Outcome::Regression;
            } else {
                return Err(format!(
                    "the instruction benchmarks of {role} ({}) failed ({status}); is valgrind installed and gungraun-runner (same version as the gungraun crate) on PATH? Log {}:\n{}",
                    rev.describe(),
                    log.display(),
                    log_tail(&log)
                ));
            }
        }
    }
    println!(
        "instruction gate (ir limit {}%): {}",
        o.ir_limit_pct,
        match outcome {
            Outcome::Pass => "pass",
            Outcome::Regression => "REGRESSED",
        }
    );
    Ok(outcome)
}
