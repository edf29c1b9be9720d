//! The two commands: `bench-compare` (wall clock, criterion) and
//! `bench-instructions` (instruction counts, callgrind, our own harness).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::build::{build, toolchain, BenchExe};
use crate::compare::{any_failure, compare, render_table, Thresholds};
use crate::estimates::read_rounds;
use crate::history;
use crate::instructions::{compare_counts, regressed, render, skip_reason, Verdict};
use crate::revisions::{checkout, repo_root, resolve, Revision};
use glass_benches_instructions::Measurement;

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
    /// The limit on the growth of an instruction count, in percent.
    pub ir_limit_pct: f64,
    /// Substring filters on the case ids (all cases when empty).
    pub filters: Vec<String>,
}

/// The package and bench target of the instruction counts.
const IR_PACKAGE: &str = "glass-benches-instructions";
const IR_BENCH: &str = "instructions";
/// Where the committed baselines live, relative to the repository root.
pub const BASELINES: &str = "benches/baselines";

/// Where everything of a comparison lives: `<root>/target/bench-compare`.
struct Workspace {
    root: PathBuf,
    work: PathBuf,
}

impl Workspace {
    fn new() -> Result<Self, String> {
        let root = repo()?;
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

fn check_limit(limit: f64) -> Result<(), String> {
    if limit.is_nan() || limit < 0.0 {
        return Err(format!(
            "--ir-limit must be a non-negative percentage, got {limit}"
        ));
    }
    Ok(())
}

/// Runs the instruction harness `exe` (from `src`) and reads its measurement.
fn count(
    exe: &BenchExe,
    src: &Path,
    filters: &[String],
    out: &Path,
    log: &Path,
) -> Result<Measurement, String> {
    let mut cmd = Command::new(&exe.path);
    cmd.current_dir(src).arg("--json").arg(out).args(filters);
    let start = Instant::now();
    let status = run_logged(cmd, log, &exe.name)?;
    eprintln!(
        "counted in {:.0} s (log {})",
        start.elapsed().as_secs_f64(),
        log.display()
    );
    if !status.success() {
        return Err(format!(
            "the instruction counts failed ({status}); is valgrind installed? Log {}:\n{}",
            log.display(),
            log_tail(log)
        ));
    }
    let text =
        std::fs::read_to_string(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))
}

/// `cargo xtask bench-instructions`: see the crate docs.
pub fn bench_instructions(o: &InstructionOptions) -> Result<Outcome, String> {
    check_limit(o.ir_limit_pct)?;
    let ws = Workspace::new()?;
    let [base, head] = ws.prepare(
        &o.base,
        &o.head,
        IR_PACKAGE,
        &[IR_BENCH.to_string()],
        "bin-instructions",
    )?;
    let logs = ws.work.join("logs");
    let mut m = Vec::new();
    for ((rev, src, exes), role) in [(&base, "base"), (&head, "head")] {
        let exe = exes
            .iter()
            .find(|e| e.name == IR_BENCH)
            .ok_or_else(|| format!("bench target {IR_BENCH} was not built for {role}"))?;
        eprintln!("{role}: counting {}", rev.describe());
        let out = ws.work.join(format!("instructions-{role}.json"));
        m.push(count(
            exe,
            src,
            &o.filters,
            &out,
            &logs.join(format!("instructions-{role}.log")),
        )?);
    }
    if let Some(why) = skip_reason(&m[0], &m[1]) {
        return Err(format!(
            "BASE and HEAD were counted under different conditions:\n  {why}"
        ));
    }
    let rows = compare_counts(&m[0].benchmarks, &m[1].benchmarks, o.ir_limit_pct, true);
    println!(
        "BASE {} vs HEAD {}: instructions, limit +{}%",
        base.0.describe(),
        head.0.describe(),
        o.ir_limit_pct
    );
    println!("{}", render(&rows, "BASE", |_| true));
    Ok(if regressed(&rows) {
        Outcome::Regression
    } else {
        Outcome::Pass
    })
}

/// Options of `bench-gate` and `bench-baseline`.
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// The limit on the growth of an instruction count, in percent.
    pub ir_limit_pct: f64,
    /// Substring filters on the case ids (all cases when empty).
    pub filters: Vec<String>,
}

/// Builds the instruction harness of the working tree (bench profile, its
/// usual target folder) and counts.
fn count_working_tree(root: &Path, filters: &[String]) -> Result<Measurement, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = root.join("target").join("bench-gate");
    let exes = build(
        root,
        &target,
        IR_PACKAGE,
        &[IR_BENCH.to_string()],
        &work.join("bin"),
    )?;
    let exe = exes
        .iter()
        .find(|e| e.name == IR_BENCH)
        .ok_or_else(|| format!("bench target {IR_BENCH} was not built"))?;
    count(
        exe,
        root,
        filters,
        &work.join("instructions.json"),
        &work.join("instructions.log"),
    )
}

/// The baseline file of a machine kind, relative to the repository root.
fn baseline_rel(kind: &str) -> String {
    format!("{BASELINES}/{kind}/instructions.json")
}

/// The root of the repository that holds the current directory.
pub fn repo() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    repo_root(&cwd)
}

/// `cargo xtask bench-baseline`: counts the working tree and writes the
/// baseline of this machine kind (to be reviewed and committed).
pub fn bench_baseline(o: &GateOptions) -> Result<Outcome, String> {
    check_limit(o.ir_limit_pct)?;
    if !o.filters.is_empty() {
        return Err("a baseline holds every case: no filter".into());
    }
    let root = repo()?;
    let now = count_working_tree(&root, &[])?;
    let path = root.join(baseline_rel(&now.machine_kind));
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(old) = serde_json::from_str::<Measurement>(&text) {
            if let Some(why) = skip_reason(&old, &now) {
                println!("the conditions changed from the previous baseline:\n  {why}");
            }
            let rows = compare_counts(&old.benchmarks, &now.benchmarks, o.ir_limit_pct, true);
            println!(
                "{}",
                render(&rows, "previous", |r| r.verdict != Verdict::Unchanged)
            );
        }
    }
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let text = serde_json::to_string_pretty(&now).map_err(|e| e.to_string())? + "\n";
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "wrote {} ({} cases, machine kind {}): review and commit it",
        path.display(),
        now.benchmarks.len(),
        now.machine_kind
    );
    Ok(Outcome::Pass)
}

/// `cargo xtask bench-gate`: counts the working tree and compares with the
/// committed baseline of this machine kind (see the crate docs).
pub fn bench_gate(o: &GateOptions) -> Result<Outcome, String> {
    check_limit(o.ir_limit_pct)?;
    let root = repo()?;
    let now = count_working_tree(&root, &o.filters)?;
    let rel = baseline_rel(&now.machine_kind);
    let path = root.join(&rel);
    let outcome = match std::fs::read_to_string(&path) {
        Err(_) => {
            println!(
                "instruction gate SKIPPED: no baseline for machine kind {} ({rel}); kinds with baselines: {}. \
                 Write one with `cargo xtask bench-baseline` on such a machine.",
                now.machine_kind,
                kinds(&root).join(", ")
            );
            Outcome::Pass
        }
        Ok(text) => {
            let base: Measurement =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            if let Some(why) = skip_reason(&base, &now) {
                println!(
                    "instruction gate SKIPPED: this run's conditions differ from the baseline's ({rel}):\n  {why}\n\
                     Counts are comparable only under the same conditions; refresh the baseline with \
                     `cargo xtask bench-baseline` (and commit it) if the change is intended."
                );
                Outcome::Pass
            } else {
                let rows = compare_counts(
                    &base.benchmarks,
                    &now.benchmarks,
                    o.ir_limit_pct,
                    o.filters.is_empty(),
                );
                println!(
                    "instruction gate: {} cases against {rel}, limit ±{}%",
                    rows.len(),
                    o.ir_limit_pct
                );
                println!("{}", render(&rows, "baseline", |_| true));
                let failed: Vec<&str> = rows
                    .iter()
                    .filter(|r| r.verdict == Verdict::Regressed)
                    .map(|r| r.id.as_str())
                    .collect();
                if rows.iter().any(|r| r.verdict == Verdict::Improved) {
                    println!(
                        "reminder: some cases need more than {}% fewer instructions than the baseline; \
                         refresh it (`cargo xtask bench-baseline`, then commit {rel}) so that a later \
                         regression cannot hide in the gain.",
                        o.ir_limit_pct
                    );
                }
                if rows
                    .iter()
                    .any(|r| matches!(r.verdict, Verdict::New | Verdict::Gone))
                {
                    println!("reminder: the cases differ from the baseline's (new or gone above): refresh it.");
                }
                if failed.is_empty() {
                    println!("instruction gate: pass");
                    Outcome::Pass
                } else {
                    println!(
                        "instruction gate: FAILED, more than {}% more instructions:",
                        o.ir_limit_pct
                    );
                    println!(
                        "{}",
                        render(&rows, "baseline", |r| r.verdict == Verdict::Regressed)
                    );
                    println!("reproduce: cargo xtask bench-gate -- {}", failed.join(" "));
                    println!(
                        "or one case by hand: cargo bench -p {IR_PACKAGE} -- {}",
                        failed[0]
                    );
                    Outcome::Regression
                }
            }
        }
    };
    // The history page, with this run as its last column.
    let this = history::Snapshot {
        label: "this run".into(),
        date: String::new(),
        subject: "the working tree".into(),
        measurement: now,
    };
    match write_history(&root, o.ir_limit_pct, Some(this)) {
        Ok(p) => println!("history: {}", p.display()),
        Err(e) => eprintln!("history page not written: {e}"),
    }
    Ok(outcome)
}

/// The machine kinds that have a committed baseline folder.
fn kinds(root: &Path) -> Vec<String> {
    let mut k: Vec<String> = std::fs::read_dir(root.join(BASELINES))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|kind| root.join(baseline_rel(kind)).is_file())
                .collect()
        })
        .unwrap_or_default();
    k.sort();
    k
}

/// Writes `target/bench-history/index.html` and one Markdown file per
/// machine kind; returns the page's path.
pub fn write_history(
    root: &Path,
    limit: f64,
    this_run: Option<history::Snapshot>,
) -> Result<PathBuf, String> {
    let dir = root.join("target").join("bench-history");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut all = Vec::new();
    let mut ks = kinds(root);
    if let Some(t) = &this_run {
        if !ks.contains(&t.measurement.machine_kind) {
            ks.push(t.measurement.machine_kind.clone());
        }
    }
    for kind in ks {
        let mut snaps = history::load(root, &baseline_rel(&kind))?;
        if let Some(t) = &this_run {
            if t.measurement.machine_kind == kind {
                snaps.push(t.clone());
            }
        }
        let md = history::markdown(&kind, &snaps, limit);
        let p = dir.join(format!("{kind}.md"));
        std::fs::write(&p, md).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        all.push((kind, snaps));
    }
    let page = dir.join("index.html");
    std::fs::write(&page, history::html(&all, limit))
        .map_err(|e| format!("cannot write {}: {e}", page.display()))?;
    Ok(page)
}
