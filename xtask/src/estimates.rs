//! Reading criterion's saved baselines.
//!
//! Criterion writes, for every benchmark and baseline name,
//! `<criterion home>/<group>/<function>/<value>/<baseline>/estimates.json`
//! (the statistics; times in nanoseconds) next to `benchmark.json` (the
//! benchmark's full id; the directory names are sanitised and cannot be
//! trusted to give the id back).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::compare::Estimate;

#[derive(Deserialize)]
struct Interval {
    confidence_level: f64,
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Statistic {
    confidence_interval: Interval,
    point_estimate: f64,
    standard_error: f64,
}

#[derive(Deserialize)]
struct Estimates {
    mean: Statistic,
}

#[derive(Deserialize)]
struct BenchmarkInfo {
    full_id: String,
}

/// The mean of a criterion `estimates.json`.
pub fn parse_estimates(json: &str) -> Result<Estimate, String> {
    let e: Estimates =
        serde_json::from_str(json).map_err(|e| format!("not a criterion estimates.json: {e}"))?;
    let m = e.mean;
    let est = Estimate {
        mean: m.point_estimate,
        std_err: m.standard_error,
        lo: m.confidence_interval.lower_bound,
        hi: m.confidence_interval.upper_bound,
        confidence: m.confidence_interval.confidence_level,
    };
    if !(est.mean.is_finite() && est.mean > 0.0) {
        return Err(format!(
            "mean point estimate {} is not a positive time",
            est.mean
        ));
    }
    Ok(est)
}

/// The full id of a criterion `benchmark.json`.
pub fn parse_full_id(json: &str) -> Result<String, String> {
    let b: BenchmarkInfo =
        serde_json::from_str(json).map_err(|e| format!("not a criterion benchmark.json: {e}"))?;
    Ok(b.full_id)
}

/// Every `<baseline>/estimates.json` under `home`, by benchmark id.
pub fn read_baseline(home: &Path, baseline: &str) -> Result<BTreeMap<String, Estimate>, String> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<PathBuf> = vec![home.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if dir == home && e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            let est = path.join("estimates.json");
            if entry.file_name() == baseline && est.is_file() {
                let read = |p: &Path| {
                    std::fs::read_to_string(p)
                        .map_err(|e| format!("cannot read {}: {e}", p.display()))
                };
                let id = parse_full_id(&read(&path.join("benchmark.json"))?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let e =
                    parse_estimates(&read(&est)?).map_err(|e| format!("{}: {e}", est.display()))?;
                out.insert(id, e);
            } else if entry.file_name() != "report" {
                stack.push(path);
            }
        }
    }
    Ok(out)
}

/// Collects the rounds `<prefix>1`, `<prefix>2`, ... into one list of
/// estimates per benchmark id.
pub fn read_rounds(
    home: &Path,
    baselines: &[String],
) -> Result<BTreeMap<String, Vec<Estimate>>, String> {
    let mut out: BTreeMap<String, Vec<Estimate>> = BTreeMap::new();
    for b in baselines {
        for (id, e) in read_baseline(home, b)? {
            out.entry(id).or_default().push(e);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESTIMATES: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1480.5,"upper_bound":1530.25},"point_estimate":1500.0,"standard_error":12.5},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median_abs_dev":null,"slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1}}"#;

    #[test]
    fn reads_the_mean_of_criterion_estimates() {
        let e = parse_estimates(ESTIMATES).unwrap();
        assert_eq!(
            (e.mean, e.std_err, e.lo, e.hi, e.confidence),
            (1500.0, 12.5, 1480.5, 1530.25, 0.95)
        );
        assert!(parse_estimates("{}")
            .unwrap_err()
            .contains("estimates.json"));
        let zero = ESTIMATES.replace("\"point_estimate\":1500.0", "\"point_estimate\":0.0");
        assert!(parse_estimates(&zero).is_err());
    }

    #[test]
    fn walks_a_criterion_directory() {
        let home = std::env::temp_dir().join(format!("xtask-est-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let write = |rel: &str, id: &str, mean: f64| {
            let d = home.join(rel);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("benchmark.json"),
                format!(r#"{{"full_id":"{id}","group_id":"g"}}"#),
            )
            .unwrap();
            let est = ESTIMATES.replace(
                "\"point_estimate\":1500.0",
                &format!("\"point_estimate\":{mean}"),
            );
            std::fs::write(d.join("estimates.json"), est).unwrap();
        };
        write("stable_a/host/n1/base-r1", "stable/a/host/n1", 10.0);
        write("stable_a/host/n1/base-r2", "stable/a/host/n1", 11.0);
        write("stable_a/host/n1/head-r1", "stable/a/host/n1", 20.0);
        write(
            "unstable_b/ndarray/n8/base-r1",
            "unstable/b/ndarray/n8",
            5.0,
        );
        let got = read_rounds(&home, &["base-r1".into(), "base-r2".into()]).unwrap();
        assert_eq!(got.len(), 2);
        let means: Vec<f64> = got["stable/a/host/n1"].iter().map(|e| e.mean).collect();
        assert_eq!(means, vec![10.0, 11.0]);
        assert_eq!(got["unstable/b/ndarray/n8"].len(), 1);
        let head = read_rounds(&home, &["head-r1".into()]).unwrap();
        assert_eq!(head.keys().collect::<Vec<_>>(), vec!["stable/a/host/n1"]);
        assert!(read_rounds(&home.join("missing"), &["x".into()])
            .unwrap()
            .is_empty());
        std::fs::remove_dir_all(&home).unwrap();
    }
}
