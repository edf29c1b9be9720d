//! The instruction gate's comparison: counts of now against a baseline
//! (the committed one, or BASE's), case by case, with a limit in percent.
//! Pure functions; the running is in [`crate::run`].

use glass_benches_instructions::{backend_of, differences, Count, Measurement, SCHEMA};

/// What became of one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// More instructions than the limit allows: fails the gate.
    Regressed,
    /// Fewer by more than the limit: passes, with a reminder to refresh
    /// the baseline (else a later regression hides in the gain).
    Improved,
    /// Within the limit.
    Unchanged,
    /// Measured now, not in the baseline (a new case).
    New,
    /// In the baseline, not measured now (a case removed or renamed).
    Gone,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Regressed => "REGRESSED",
            Verdict::Improved => "improved: refresh the baseline",
            Verdict::Unchanged => "ok",
            Verdict::New => "new: not in the baseline",
            Verdict::Gone => "gone: in the baseline only",
        }
    }
}

/// A change in percent against a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// More than the limit up.
    Up,
    /// More than the limit down.
    Down,
    /// Within ±limit (a change of exactly the limit included).
    Within,
}

/// Classifies a change of `change_pct` percent against `limit_pct`, for
/// the gate and the history alike. A change of exactly the limit is
/// within (1e-9 points of slack for the rounding of the ratio:
/// 105/100 - 1 > 0.05 in f64).
pub fn trend(change_pct: f64, limit_pct: f64) -> Trend {
    if change_pct > limit_pct + 1e-9 {
        Trend::Up
    } else if change_pct < -limit_pct - 1e-9 {
        Trend::Down
    } else {
        Trend::Within
    }
}

/// One line of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The case's id.
    pub id: String,
    /// Its baseline count.
    pub baseline: Option<u64>,
    /// Its count now.
    pub now: Option<u64>,
    /// `now / baseline - 1`, in percent.
    pub change_pct: Option<f64>,
    /// What it means.
    pub verdict: Verdict,
}

/// Compares the counts case by case: more than `limit_pct` percent up is
/// [`Verdict::Regressed`], more than `limit_pct` down
/// [`Verdict::Improved`]. Baseline cases that were not measured count as
/// [`Verdict::Gone`] only when `complete` (a run without a filter).
/// Rows are sorted by backend, then id.
pub fn compare_counts(
    baseline: &[Count],
    now: &[Count],
    limit_pct: f64,
    complete: bool,
) -> Vec<Row> {
    let mut rows: Vec<Row> = now
        .iter()
        .map(|c| {
            let base = baseline
                .iter()
                .find(|b| b.id == c.id)
                .map(|b| b.instructions);
            let change_pct = base.map(|b| {
                if b == 0 {
                    if c.instructions == 0 {
                        0.0
                    } else {
                        f64::INFINITY
                    }
                } else {
                    (c.instructions as f64 / b as f64 - 1.0) * 100.0
                }
            });
            let verdict = match change_pct.map(|p| trend(p, limit_pct)) {
                None => Verdict::New,
                Some(Trend::Up) => Verdict::Regressed,
                Some(Trend::Down) => Verdict::Improved,
                Some(Trend::Within) => Verdict::Unchanged,
            };
            Row {
                id: c.id.clone(),
                baseline: base,
                now: Some(c.instructions),
                change_pct,
                verdict,
            }
        })
        .collect();
    if complete {
        for b in baseline {
            if !now.iter().any(|c| c.id == b.id) {
                rows.push(Row {
                    id: b.id.clone(),
                    baseline: Some(b.instructions),
                    now: None,
                    change_pct: None,
                    verdict: Verdict::Gone,
                });
            }
        }
    }
    rows.sort_by(|a, b| {
        (backend_of(&a.id), a.id.as_str()).cmp(&(backend_of(&b.id), b.id.as_str()))
    });
    rows
}

/// Why two measurements cannot be compared (`None` when they can): a
/// different format, machine kind, toolchain, valgrind, C library, CPU
/// features or kernel build.
pub fn skip_reason(baseline: &Measurement, now: &Measurement) -> Option<String> {
    let mut why = Vec::new();
    if baseline.schema != now.schema || now.schema != SCHEMA {
        why.push(format!(
            "format: baseline schema {}, now {}",
            baseline.schema, now.schema
        ));
    }
    if baseline.machine_kind != now.machine_kind {
        why.push(format!(
            "machine kind: baseline {}, now {}",
            baseline.machine_kind, now.machine_kind
        ));
    }
    why.extend(differences(&baseline.measured_with, &now.measured_with));
    (!why.is_empty()).then(|| why.join("\n  "))
}

/// A count with thousands separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The rows as a table (only the rows for which `show` holds), one block
/// per backend.
pub fn render(rows: &[Row], base_label: &str, show: impl Fn(&Row) -> bool) -> String {
    let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(9).max(9);
    let mut out = format!(
        "{:<width$}  {:>15}  {:>15}  {:>9}  verdict\n",
        "benchmark", base_label, "now", "change"
    );
    let mut backend = None;
    for r in rows.iter().filter(|r| show(r)) {
        let b = backend_of(&r.id);
        if backend != Some(b) {
            out.push_str(&format!("-- backend {b}\n"));
            backend = Some(b);
        }
        let n = |v: Option<u64>| v.map_or("-".to_string(), thousands);
        let change = r
            .change_pct
            .map_or("-".to_string(), |p| format!("{p:+.2}%"));
        out.push_str(&format!(
            "{:<width$}  {:>15}  {:>15}  {:>9}  {}\n",
            r.id,
            n(r.baseline),
            n(r.now),
            change,
            r.verdict.word()
        ));
    }
    out
}

/// Whether any row fails the gate.
pub fn regressed(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.verdict == Verdict::Regressed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass_benches_instructions::MeasuredWith;

    fn c(id: &str, n: u64) -> Count {
        Count {
            id: id.into(),
            instructions: n,
        }
    }

    #[test]
    fn a_ten_percent_regression_fails_and_noise_passes() {
        let base = [
            c("stable/a.f/host/n1", 1_000_000),
            c("stable/a.g/strict/n1", 2_000_000),
            c("stable/a.h/ndarray/n1", 3_000_000),
        ];
        let now = [
            c("stable/a.f/host/n1", 1_100_000),
            c("stable/a.g/strict/n1", 2_000_170),
            c("stable/a.h/ndarray/n1", 2_700_000),
            c("stable/a.new/host/n1", 5),
        ];
        let rows = compare_counts(&base, &now, 5.0, true);
        let v = |id: &str| rows.iter().find(|r| r.id == id).unwrap().verdict;
        assert_eq!(v("stable/a.f/host/n1"), Verdict::Regressed);
        assert_eq!(v("stable/a.g/strict/n1"), Verdict::Unchanged);
        assert_eq!(v("stable/a.h/ndarray/n1"), Verdict::Improved);
        assert_eq!(v("stable/a.new/host/n1"), Verdict::New);
        assert!(regressed(&rows));
        let f = rows.iter().find(|r| r.id == "stable/a.f/host/n1").unwrap();
        assert!((f.change_pct.unwrap() - 10.0).abs() < 1e-9);
        // sorted by backend: host, ndarray, strict
        let backends: Vec<&str> = rows.iter().map(|r| backend_of(&r.id)).collect();
        assert_eq!(backends, ["host", "host", "ndarray", "strict"]);
        let table = render(&rows, "baseline", |r| r.verdict == Verdict::Regressed);
        assert!(table.contains("stable/a.f/host/n1") && table.contains("+10.00%"));
        assert!(table.contains("1,000,000") && table.contains("1,100,000"));
        assert!(!table.contains("a.g"));
    }

    #[test]
    fn the_limit_is_exclusive_and_missing_cases_are_named() {
        let base = [c("stable/x/host/1", 100), c("stable/y/host/1", 100)];
        let rows = compare_counts(&base, &[c("stable/x/host/1", 105)], 5.0, true);
        assert_eq!(rows[0].verdict, Verdict::Unchanged);
        assert_eq!(rows[1].verdict, Verdict::Gone);
        assert!(!regressed(&rows));
        // a filtered run does not call the rest gone
        let rows = compare_counts(&base, &[c("stable/x/host/1", 106)], 5.0, false);
        assert_eq!(rows.len(), 1);
        assert!(regressed(&rows));
    }

    #[test]
    fn different_conditions_skip_the_comparison_with_the_reason() {
        let with = MeasuredWith {
            rustc: "rustc 1.95.0".into(),
            valgrind: "valgrind-3.19.0".into(),
            glibc: "2.36".into(),
            cpu_features: vec!["avx2".into()],
            kernels: "portable".into(),
        };
        let m = Measurement {
            schema: SCHEMA,
            machine_kind: "x86_64-v4".into(),
            measured_with: with,
            benchmarks: vec![],
        };
        assert_eq!(skip_reason(&m, &m), None);
        let mut other = m.clone();
        other.measured_with.valgrind = "valgrind-3.24.0".into();
        other.machine_kind = "x86_64-v3".into();
        let why = skip_reason(&m, &other).unwrap();
        assert!(
            why.contains("machine kind") && why.contains("valgrind-3.24.0"),
            "{why}"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(32471599), "32,471,599");
    }
}
