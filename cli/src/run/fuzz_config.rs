//! Fuzzing `glass run`'s config: mutations of the default config (and of
//! one with the optional keys) are parsed and, when they parse, planned
//! (every check of the plan: shells, spectra, samples, masks, sizes).
//! Every case must give a plan or an error; a panic fails the test and
//! prints the config. Values are replaced by edge cases (0, negative,
//! NaN, infinities, 2^64 - 1, huge and tiny floats, empty strings, arrays),
//! lines deleted, duplicated and moved.
//!
//! A fixed, seeded set of cases runs with the tests; for a longer run
//! (the case being run is in `target/fuzz-failures/config-last-case.toml`,
//! for a case that aborts):
//!
//! ```sh
//! GLASS_FUZZ_SECONDS=600 cargo test --release -p glass-cli --bin glass fuzz_config -- --nocapture
//! ```

use std::time::{Duration, Instant};

use super::config::{parse, Source, DEFAULT_TOML};
use super::plan::plan;

const VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "0.5",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "18446744073709551615",
    "9223372036854775807",
    "4294967296",
    "1073741824",
    "65536",
    "\"\"",
    "\"x\"",
    "\"/dev/null\"",
    "\"galactic\"",
    "true",
    "[]",
    "[1e308, -1]",
    "[0.0, 0.0]",
    "[1.0, 0.5, 2.0]",
    "[30.0, 90.0]",
    "{}",
];

/// The default config with optional keys switched on: lmax, a
/// visibility mask, the figure shell and explicit shell edges.
fn with_extras() -> String {
    let mut out = String::from("lmax = 256\n");
    for line in DEFAULT_TOML.lines() {
        let t = line.trim();
        if t.starts_with("zmin") || t.starts_with("zmax") || t.starts_with("dz") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        match t {
            "[shells]" => {
                out.push_str("edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\n")
            }
            "[visibility]" => out.push_str("galactic = [30.0, 90.0]\necliptic = [20.0, 80.0]\n"),
            "[outputs]" => out.push_str("figure_shell = 2\n"),
            _ => {}
        }
    }
    out
}

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(seed: &str, g: &mut Gen) -> String {
    let mut lines: Vec<String> = seed
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(String::from)
        .collect();
    for _ in 0..1 + g.below(3) {
        let n = lines.len();
        if n == 0 {
            break;
        }
        let i = g.below(n);
        match g.below(6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(g.below(n + 1), l);
            }
            _ => {
                if let Some((k, _)) = lines[i].split_once('=') {
                    lines[i] = format!("{k}= {}", VALUES[g.below(VALUES.len())]);
                }
            }
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn configs_give_a_plan_or_an_error() {
    let seeds = [DEFAULT_TOML.to_string(), with_extras()];
    for s in &seeds {
        let config = parse(s, "seed").unwrap();
        plan(Source {
            config,
            path: None,
            dir: std::env::temp_dir(),
        })
        .unwrap();
    }
    let long = std::env::var("GLASS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let seed = std::env::var("GLASS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(match long {
            Some(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64),
            None => 0xc0f1,
        });
    eprintln!("fuzz config: GLASS_FUZZ_SEED={seed}");
    let mut g = Gen(seed);
    let dir = std::env::temp_dir();
    let failures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    std::fs::create_dir_all(&failures).ok();
    let last = failures.join("config-last-case.toml");
    let start = Instant::now();
    let (mut n, mut planned) = (0usize, 0usize);
    loop {
        let done = match long {
            Some(s) => start.elapsed() >= Duration::from_secs(s),
            None => n >= 400,
        };
        if done {
            break;
        }
        let text = mutate(&seeds[g.below(seeds.len())], &mut g);
        // on disk before it runs: an abort (which no catch_unwind sees)
        // leaves the case that caused it
        std::fs::write(&last, &text).ok();
        let r = std::panic::catch_unwind(|| {
            let Ok(config) = parse(&text, "fuzz.toml") else {
                return false;
            };
            plan(Source {
                config,
                path: None,
                dir: dir.clone(),
            })
            .is_ok()
        });
        match r {
            Ok(ok) => planned += usize::from(ok),
            Err(_) => panic!("case {n} (seed {seed}) panicked on this config:\n{text}"),
        }
        n += 1;
    }
    eprintln!(
        "fuzz config: {n} cases, {planned} planned, in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert!(
        planned > 0,
        "no mutation made a valid plan: the fuzzer is not reaching the planner"
    );
}
