//! `glass run` under `mpirun` (the CLI's `mpi` feature; needs Open MPI's
//! `mpirun` on PATH): the realisations of a run spread over 3 and 2 ranks
//! are byte for byte those of a single process, a rank killed mid-run
//! leaves no realisation that looks complete and `--resume` completes the
//! run with the same bytes, and a realisation that fails on one rank is
//! reported while the others complete.
//!
//! Run with `cargo test --workspace --features glass-cli/mpi --test mpi`.
#![cfg(feature = "mpi")]

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::{glass, run, SMALL};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("glass-mpi-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The tests' small survey at nside 32 (a realisation takes long enough
/// for a rank to be killed in the middle of one).
fn config(dir: &Path) -> PathBuf {
    let cfg = dir.join("small.toml");
    std::fs::write(
        &cfg,
        SMALL
            .replace("nside = 16", "nside = 32")
            .replace("density = 0.0005", "density = 0.001"),
    )
    .unwrap();
    cfg
}

/// `glass --threads 1 run -q` of `cfg` with `extra` into `out`, as one
/// process (the feature build started without mpirun); asserts success.
fn single(out: &Path, cfg: &Path, extra: &[&str]) {
    let (code, o, e) = run(glass()
        .args(["--threads", "1", "run", "-q", "--output"])
        .arg(out)
        .arg(cfg)
        .args(extra));
    assert_eq!(code, 0, "{o}{e}");
}

/// `mpirun -n N --oversubscribe [--allow-run-as-root] glass --threads 1
/// run -q …`, with the test build's plugins.
fn mpirun(n: usize) -> Command {
    let mut c = Command::new("mpirun");
    c.args(["-n", &n.to_string(), "--oversubscribe"]);
    // SAFETY: a plain libc call.
    if unsafe { libc::geteuid() } == 0 {
        c.arg("--allow-run-as-root");
    }
    let g = glass();
    for (k, v) in g.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.arg(g.get_program()).args(["--threads", "1", "run", "-q"]);
    c
}

/// Every file under `dir` (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts that realisation `r` of the two runs is the same bytes, every
/// file of `rNNNN/` (catalogue, maps, spectra, figures, realisation.json).
fn assert_same_realisation(a: &Path, b: &Path, r: usize) {
    let name = format!("r{r:04}");
    let (fa, fb) = (files(&a.join(&name)), files(&b.join(&name)));
    assert!(
        fa.keys().any(|k| k.starts_with("maps"))
            && fa
                .keys()
                .any(|k| k.to_string_lossy().starts_with("catalogue_")),
        "{name} of {a:?} has no maps or catalogue: {:?}",
        fa.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{name}: other files in {a:?} and {b:?}"
    );
    for (k, v) in &fa {
        assert!(
            v == &fb[k],
            "{name}/{}: {a:?} and {b:?} differ",
            k.display()
        );
    }
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Realisation index → the rank that computed it, from run.json.
fn ranks_of(out: &Path) -> Vec<Option<u64>> {
    json(&out.join("run.json"))["realisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rank"].as_u64())
        .collect()
}

const NREAL: usize = 7;

#[test]
fn realisations_over_ranks_are_those_of_one_process() {
    let dir = tmpdir("same");
    let cfg = config(&dir);
    let n = NREAL.to_string();
    // one process: the feature build started without mpirun
    let one = dir.join("one");
    single(&one, &cfg, &["--realisations", &n]);
    assert_eq!(json(&one.join("run.json"))["ranks"], 1);
    for ranks in [3, 2] {
        let out = dir.join(format!("n{ranks}"));
        let (code, o, e) = run(mpirun(ranks)
            .args(["--realisations", &n, "--output"])
            .arg(&out)
            .arg(&cfg));
        assert_eq!(code, 0, "mpirun -n {ranks}: {o}{e}");
        let runj = json(&out.join("run.json"));
        assert_eq!(runj["ranks"], ranks, "{runj}");
        assert_eq!(runj["status"], "complete");
        let who = ranks_of(&out);
        assert_eq!(who.len(), NREAL);
        // every rank took a share (rank 0 too)
        for k in 0..ranks as u64 {
            assert!(who.contains(&Some(k)), "rank {k} computed nothing: {who:?}");
        }
        for r in 0..NREAL {
            assert_same_realisation(&one, &out, r);
        }
        for f in ["config.json", "cls_input.npz", "gls.npz"] {
            assert_eq!(
                std::fs::read(one.join(f)).unwrap(),
                std::fs::read(out.join(f)).unwrap(),
                "{f}"
            );
        }
        // only rank 0 writes the top level; no rank leaves temporaries
        let top: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(top.len(), 4 + NREAL, "{top:?}");
        assert!(
            files(&out)
                .keys()
                .all(|k| !k.to_string_lossy().contains(".tmp-")),
            "temporaries left"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pid of rank `rank` of the job writing to `out` (Open MPI sets
/// OMPI_COMM_WORLD_RANK in each rank's environment).
fn pid_of_rank(out: &Path, rank: usize) -> Option<i32> {
    let want = format!("OMPI_COMM_WORLD_RANK={rank}");
    let out = out.to_string_lossy().into_owned();
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        if !cmdline.contains(&out) || cmdline.starts_with("mpirun") {
            continue;
        }
        let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
        if env.split(|&b| b == 0).any(|v| v == want.as_bytes()) {
            return Some(pid);
        }
    }
    None
}

fn started(out: &Path) -> usize {
    (0..NREAL)
        .filter(|r| out.join(format!("r{r:04}")).is_dir())
        .count()
}

#[test]
fn a_rank_killed_mid_run_leaves_nothing_complete_and_resume_completes() {
    let dir = tmpdir("kill");
    let cfg = config(&dir);
    let n = NREAL.to_string();
    let one = dir.join("one");
    single(&one, &cfg, &["--realisations", &n]);

    let out = dir.join("killed");
    let mut job = mpirun(3)
        .args(["--realisations", &n, "--output"])
        .arg(&out)
        .arg(&cfg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // every rank has started a realisation: kill rank 1 in the middle of
    // its first
    let t0 = Instant::now();
    while started(&out) < 3 {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "the ranks did not start"
        );
        assert!(job.try_wait().unwrap().is_none(), "the job ended first");
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = pid_of_rank(&out, 1).expect("rank 1's process");
    // SAFETY: a signal to a process of our own job.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let status = job.wait().unwrap();
    assert!(
        !status.success(),
        "the job survived a killed rank: {status:?}"
    );
    // no run.json, and rank 1's realisation does not look complete
    assert!(!out.join("run.json").exists());
    let complete = (0..NREAL)
        .filter(|r| out.join(format!("r{r:04}/realisation.json")).is_file())
        .count();
    assert!(
        complete < NREAL,
        "every realisation completed before the kill"
    );
    for r in 0..NREAL {
        if out.join(format!("r{r:04}/realisation.json")).is_file() {
            assert_same_realisation(&one, &out, r);
        }
    }

    let (code, o, e) = run(mpirun(3)
        .args(["--resume", "--realisations", &n, "--output"])
        .arg(&out)
        .arg(&cfg));
    assert_eq!(code, 0, "{o}{e}");
    let runj = json(&out.join("run.json"));
    assert_eq!(runj["status"], "complete");
    let resumed = runj["realisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["resumed"] == true)
        .count();
    assert_eq!(resumed, complete, "{runj}");
    for r in 0..NREAL {
        assert_same_realisation(&one, &out, r);
    }
    assert!(
        files(&out)
            .keys()
            .all(|k| !k.to_string_lossy().contains(".tmp-")),
        "temporaries left after --resume"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_realisation_is_reported_and_the_others_complete() {
    let dir = tmpdir("fail");
    let cfg = config(&dir);
    let out = dir.join("out");
    single(&out, &cfg, &["--realisations", "1"]);
    // an I/O error found late: where r0003 goes there is a file
    std::fs::write(out.join("r0003"), b"not a directory").unwrap();
    let (code, _, e) = run(mpirun(3)
        .args(["--resume", "--realisations", "6", "--output"])
        .arg(&out)
        .arg(&cfg));
    assert_eq!(code, 2, "{e}");
    assert!(
        e.contains("1 of 6 realisations failed (r0003: ") && e.contains("--resume"),
        "{e}"
    );
    let runj = json(&out.join("run.json"));
    assert_eq!(runj["status"], "incomplete");
    for (r, v) in runj["realisations"].as_array().unwrap().iter().enumerate() {
        assert_eq!(v["realisation"], r);
        let want = if r == 3 { "failed" } else { "complete" };
        assert_eq!(v["status"], want, "{v}");
        if r == 3 {
            assert!(v["error"].as_str().unwrap().contains("r0003"), "{v}");
        } else {
            assert!(out.join(format!("r{r:04}/realisation.json")).is_file());
        }
    }
    // the cause mended, --resume simulates only what failed
    std::fs::remove_file(out.join("r0003")).unwrap();
    let (code, o, e) = run(mpirun(2)
        .args(["--resume", "--realisations", "6", "--output"])
        .arg(&out)
        .arg(&cfg));
    assert_eq!(code, 0, "{o}{e}");
    let runj = json(&out.join("run.json"));
    assert_eq!(runj["status"], "complete");
    let redone: Vec<u64> = runj["realisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["resumed"] != true)
        .filter_map(|v| v["realisation"].as_u64())
        .collect();
    assert_eq!(redone, vec![3]);
    let _ = std::fs::remove_dir_all(&dir);
}
