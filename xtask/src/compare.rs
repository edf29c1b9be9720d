//! The comparison of two revisions' criterion estimates: pooling of rounds,
//! verdicts and the table. Pure functions, no I/O.
//!
//! # Pooling rounds
//!
//! Each round of `bench-compare` gives, per benchmark and revision, one
//! criterion estimate of the mean time per iteration: a point estimate `m_i`
//! with its bootstrap standard error `s_i` and confidence interval. The
//! rounds are pooled into one mean and one confidence interval:
//!
//! - mean: `m = (1/R) Σ m_i` (every round has the same sample count);
//! - within-round standard error: `s_w = sqrt(Σ s_i²) / R`, what the
//!   rounds' own bootstrap intervals say;
//! - between-round standard error: `s_b = sd(m_i) / sqrt(R)` (for
//!   `R >= 2`), what the spread of the rounds says; on a shared machine
//!   this is the larger one: load from other processes changes from one
//!   round to the next, not within a few seconds of sampling;
//! - half-width: `max(z · s_w, t_{R-1} · s_b)` at criterion's confidence
//!   level (95% by default), `z` the normal and `t_{R-1}` the Student
//!   quantile. Taking the larger of the two keeps the interval honest
//!   whichever source of noise dominates.
//!
//! # Verdicts
//!
//! As GLASS's regression tests (`--benchmark-compare-fail`), with a
//! guard against noise where the issue asks for one:
//!
//! - stable: a regression when `head / base > 1 + rel` (5% by default)
//!   **and** the pooled confidence intervals do not overlap;
//! - unstable: a regression when `head - base > abs` (0.5 ms by default).
//!
//! Improvements are reported the same way, mirrored; they never fail.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One criterion estimate of the mean time per iteration (nanoseconds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// `mean.point_estimate`.
    pub mean: f64,
    /// `mean.standard_error`.
    pub std_err: f64,
    /// `mean.confidence_interval.lower_bound`.
    pub lo: f64,
    /// `mean.confidence_interval.upper_bound`.
    pub hi: f64,
    /// `mean.confidence_interval.confidence_level` (e.g. 0.95).
    pub confidence: f64,
}

/// Several rounds pooled into one mean with a confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pooled {
    /// The mean of the rounds' means (nanoseconds).
    pub mean: f64,
    /// Lower end of the pooled confidence interval.
    pub lo: f64,
    /// Upper end of the pooled confidence interval.
    pub hi: f64,
    /// How many rounds were pooled.
    pub rounds: usize,
}

/// How a benchmark is gated; read from the first part of its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stability {
    /// Id starting with `stable/`.
    Stable,
    /// Id starting with `unstable/`, or not marked at all (gated like an
    /// unstable one, on the absolute change).
    Unstable,
}

/// The stability of a benchmark from its id (`stable/...` or
/// `unstable/...`; anything else is treated as unstable).
pub fn stability_of(id: &str) -> Stability {
    if id.starts_with("stable/") {
        Stability::Stable
    } else {
        Stability::Unstable
    }
}

/// The gate's thresholds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Relative regression of a stable benchmark's mean that fails (0.05).
    pub stable_rel: f64,
    /// Absolute regression of an unstable benchmark's mean that fails, in
    /// nanoseconds (500 000, i.e. 0.5 ms).
    pub unstable_abs_ns: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            stable_rel: 0.05,
            unstable_abs_ns: 0.5e6,
        }
    }
}

/// The outcome for one benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Slower beyond the threshold: fails the gate.
    Regressed,
    /// Faster beyond the threshold.
    Improved,
    /// Slower beyond the relative threshold, but the confidence intervals
    /// overlap: noise as far as the gate can tell (stable only).
    SlowerWithinNoise,
    /// No change beyond the thresholds.
    Unchanged,
    /// Only measured on BASE (removed or filtered out on HEAD).
    OnlyBase,
    /// Only measured on HEAD (a new benchmark).
    OnlyHead,
}

impl Verdict {
    /// The word printed in the table.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Regressed => "REGRESSED",
            Verdict::Improved => "improved",
            Verdict::SlowerWithinNoise => "slower (CIs overlap)",
            Verdict::Unchanged => "ok",
            Verdict::OnlyBase => "only in BASE",
            Verdict::OnlyHead => "only in HEAD",
        }
    }

    /// Whether this verdict fails the gate.
    pub fn fails(self) -> bool {
        self == Verdict::Regressed
    }
}

/// Two-sided standard normal quantile: `z` with `P(|Z| <= z) = level`.
pub fn normal_quantile(level: f64) -> f64 {
    // Bisection on the CDF, written with erfc (Abramowitz & Stegun
    // 7.1.26 is not accurate enough in the tail; this series is).
    let target = level.clamp(1e-9, 1.0 - 1e-12);
    let (mut a, mut b) = (0.0f64, 40.0f64);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if erf(m / std::f64::consts::SQRT_2) < target {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// The error function, by its Taylor series for |x| < 3 and the
/// continued fraction of erfc beyond (accurate to ~1e-15).
fn erf(x: f64) -> f64 {
    if x < 0.0 {
        return -erf(-x);
    }
    if x < 3.0 {
        // erf x = 2/sqrt(pi) Σ (-1)^n x^(2n+1) / (n! (2n+1))
        let mut sum = 0.0f64;
        let mut term = x;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs().max(1e-300) {
            sum += term / (2.0 * n + 1.0);
            n += 1.0;
            term *= -x * x / n;
        }
        2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        // erfc x = exp(-x²)/sqrt(pi) · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
        let mut f = x;
        for k in (1..60).rev() {
            f = x + (k as f64 / 2.0) / f;
        }
        1.0 - (-x * x).exp() / std::f64::consts::PI.sqrt() / f
    }
}

/// Two-sided Student-t quantile with `df` degrees of freedom at `level`:
/// the regularised incomplete beta function inverted by bisection.
pub fn student_quantile(level: f64, df: usize) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    let nu = df as f64;
    let target = level.clamp(1e-9, 1.0 - 1e-12);
    // P(|T| <= t) = 1 - I_{nu/(nu+t²)}(nu/2, 1/2)
    let coverage = |t: f64| 1.0 - reg_inc_beta(nu / (nu + t * t), nu / 2.0, 0.5);
    let (mut a, mut b) = (0.0f64, 1e4f64);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if coverage(m) < target {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// `ln Γ(x)` (Lanczos, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised incomplete beta function `I_x(a, b)` (continued
/// fraction, Lentz's method).
fn reg_inc_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - reg_inc_beta(1.0 - x, b, a);
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp() / a;
    let tiny = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    d = if d.abs() < tiny { tiny } else { d };
    d = 1.0 / d;
    let mut f = d;
    for m in 1..300 {
        let m = m as f64;
        for num in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + num * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = 1.0 + num / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            f *= c * d;
        }
        if (c * d - 1.0).abs() < 1e-15 {
            break;
        }
    }
    front * f
}

/// Pools the rounds of one benchmark on one revision (see the module
/// docs). `None` for no rounds.
pub fn pool(rounds: &[Estimate]) -> Option<Pooled> {
    let r = rounds.len();
    if r == 0 {
        return None;
    }
    let rf = r as f64;
    let mean = rounds.iter().map(|e| e.mean).sum::<f64>() / rf;
    let level = rounds.iter().map(|e| e.confidence).fold(0.0, f64::max);
    let level = if level > 0.0 && level < 1.0 {
        level
    } else {
        0.95
    };
    let se_within = rounds
        .iter()
        .map(|e| e.std_err * e.std_err)
        .sum::<f64>()
        .sqrt()
        / rf;
    let mut half = normal_quantile(level) * se_within;
    if r >= 2 {
        let var = rounds.iter().map(|e| (e.mean - mean).powi(2)).sum::<f64>() / (rf - 1.0);
        let se_between = (var / rf).sqrt();
        half = half.max(student_quantile(level, r - 1) * se_between);
    } else {
        // One round: criterion's own interval (it may be asymmetric).
        let e = rounds[0];
        return Some(Pooled {
            mean,
            lo: e.lo.min(mean - half),
            hi: e.hi.max(mean + half),
            rounds: 1,
        });
    }
    Some(Pooled {
        mean,
        // A time is positive: a wide interval is cut at zero.
        lo: (mean - half).max(0.0),
        hi: mean + half,
        rounds: r,
    })
}

/// The verdict for one benchmark measured on both revisions.
pub fn verdict(stability: Stability, base: &Pooled, head: &Pooled, t: &Thresholds) -> Verdict {
    match stability {
        Stability::Stable => {
            let ratio = head.mean / base.mean;
            let disjoint_slower = head.lo > base.hi;
            let disjoint_faster = head.hi < base.lo;
            if ratio > 1.0 + t.stable_rel {
                if disjoint_slower {
                    Verdict::Regressed
                } else {
                    Verdict::SlowerWithinNoise
                }
            } else if ratio < 1.0 - t.stable_rel && disjoint_faster {
                Verdict::Improved
            } else {
                Verdict::Unchanged
            }
        }
        Stability::Unstable => {
            let diff = head.mean - base.mean;
            if diff > t.unstable_abs_ns {
                Verdict::Regressed
            } else if -diff > t.unstable_abs_ns {
                Verdict::Improved
            } else {
                Verdict::Unchanged
            }
        }
    }
}

/// One line of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The full benchmark id.
    pub id: String,
    /// How it is gated.
    pub stability: Stability,
    /// BASE, pooled over its rounds.
    pub base: Option<Pooled>,
    /// HEAD, pooled over its rounds.
    pub head: Option<Pooled>,
    /// The outcome.
    pub verdict: Verdict,
}

/// Compares all benchmarks found for either revision (rounds per id), in
/// id order.
pub fn compare(
    base: &BTreeMap<String, Vec<Estimate>>,
    head: &BTreeMap<String, Vec<Estimate>>,
    t: &Thresholds,
) -> Vec<Row> {
    let ids: BTreeSet<&String> = base.keys().chain(head.keys()).collect();
    ids.into_iter()
        .map(|id| {
            let stability = stability_of(id);
            let b = base.get(id).and_then(|r| pool(r));
            let h = head.get(id).and_then(|r| pool(r));
            let verdict = match (&b, &h) {
                (Some(b), Some(h)) => verdict(stability, b, h, t),
                (Some(_), None) => Verdict::OnlyBase,
                (None, _) => Verdict::OnlyHead,
            };
            Row {
                id: id.clone(),
                stability,
                base: b,
                head: h,
                verdict,
            }
        })
        .collect()
}

/// Whether any row fails the gate.
pub fn any_failure(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.verdict.fails())
}

/// A duration in nanoseconds, with a unit that keeps 3-4 digits.
pub fn format_ns(ns: f64) -> String {
    let a = ns.abs();
    if a >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if a >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if a >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn cell(p: &Option<Pooled>) -> (String, String) {
    match p {
        Some(p) => (
            format_ns(p.mean),
            format!("[{}, {}]", format_ns(p.lo), format_ns(p.hi)),
        ),
        None => ("-".into(), "-".into()),
    }
}

/// The table: one line per benchmark with BASE and HEAD means, their
/// pooled confidence intervals, the ratio HEAD / BASE and the verdict.
pub fn render_table(rows: &[Row], base_name: &str, head_name: &str) -> String {
    let header = [
        "benchmark".to_string(),
        "gate".to_string(),
        format!("BASE {base_name}"),
        "BASE CI".to_string(),
        format!("HEAD {head_name}"),
        "HEAD CI".to_string(),
        "HEAD/BASE".to_string(),
        "verdict".to_string(),
    ];
    let mut lines: Vec<[String; 8]> = vec![header];
    for r in rows {
        let (bm, bci) = cell(&r.base);
        let (hm, hci) = cell(&r.head);
        let ratio = match (&r.base, &r.head) {
            (Some(b), Some(h)) => format!("{:.3}", h.mean / b.mean),
            _ => "-".into(),
        };
        let gate = match r.stability {
            Stability::Stable => "stable",
            Stability::Unstable => "unstable",
        };
        lines.push([
            r.id.clone(),
            gate.into(),
            bm,
            bci,
            hm,
            hci,
            ratio,
            r.verdict.label().into(),
        ]);
    }
    let mut widths = [0usize; 8];
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(l) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        let mut line = String::new();
        for (i, (c, w)) in l.iter().zip(widths).enumerate() {
            let pad = w - c.chars().count();
            if i == 0 || i == 1 || i == 7 {
                let _ = write!(line, "{c}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(line, "{}{c}  ", " ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if k == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * 7;
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A criterion-like estimate: mean `m` with relative standard error
    /// `rel` and a 95% interval of ±1.96 standard errors.
    fn est(m: f64, rel: f64) -> Estimate {
        let se = m * rel;
        Estimate {
            mean: m,
            std_err: se,
            lo: m - 1.96 * se,
            hi: m + 1.96 * se,
            confidence: 0.95,
        }
    }

    /// Rounds whose means scatter by `spread` (relative) around `m`: a
    /// deterministic stand-in for the round-to-round drift of a machine.
    fn rounds(m: f64, spread: f64, offsets: &[f64]) -> Vec<Estimate> {
        offsets
            .iter()
            .map(|o| est(m * (1.0 + spread * o), 0.005))
            .collect()
    }

    const OFFS_A: [f64; 5] = [0.3, -0.8, 1.0, -0.2, -0.3];
    const OFFS_B: [f64; 5] = [-0.5, 0.9, 0.1, -1.0, 0.5];

    fn one(id: &str, b: Vec<Estimate>, h: Vec<Estimate>) -> Row {
        let base = BTreeMap::from([(id.to_string(), b)]);
        let head = BTreeMap::from([(id.to_string(), h)]);
        compare(&base, &head, &Thresholds::default()).remove(0)
    }

    #[test]
    fn quantiles_match_tables() {
        assert!((normal_quantile(0.95) - 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.99) - 2.575_829).abs() < 1e-5);
        // Student t, two-sided 95%: 12.706 (1), 4.303 (2), 2.776 (4), 2.228 (10)
        for (df, t) in [(1, 12.706_2), (2, 4.302_7), (4, 2.776_4), (10, 2.228_1)] {
            let q = student_quantile(0.95, df);
            assert!((q - t).abs() < 1e-3, "df {df}: {q} vs {t}");
        }
    }

    #[test]
    fn a_ten_percent_regression_of_a_stable_benchmark_fails() {
        // 5 rounds each, 1% round-to-round drift, HEAD 10% slower.
        let r = one(
            "stable/shells.partition_nnls/host/shells30",
            rounds(2.0e6, 0.01, &OFFS_A),
            rounds(2.2e6, 0.01, &OFFS_B),
        );
        assert_eq!(r.stability, Stability::Stable);
        assert_eq!(r.verdict, Verdict::Regressed);
        assert!(any_failure(&[r]));
    }

    #[test]
    fn noise_only_differences_pass() {
        // Same true time, 2% drift between rounds: the means differ by a
        // few percent, the intervals overlap.
        let r = one(
            "stable/shells.partition_nnls/host/shells30",
            rounds(2.0e6, 0.02, &OFFS_A),
            rounds(2.0e6, 0.02, &OFFS_B),
        );
        assert!(!r.verdict.fails(), "{r:?}");
        // Unstable: a 20% change of a 100 µs benchmark is 20 µs, far below
        // 0.5 ms.
        let r = one(
            "unstable/arraytools.ndinterp/host/10x1000",
            rounds(100e3, 0.05, &OFFS_A),
            rounds(120e3, 0.05, &OFFS_B),
        );
        assert_eq!(r.verdict, Verdict::Unchanged);
    }

    #[test]
    fn a_large_slowdown_with_overlapping_intervals_does_not_fail() {
        // HEAD 8% slower on average but the rounds scatter by 10%: the
        // intervals overlap, so the gate cannot tell it from noise.
        let r = one(
            "stable/algorithm.nnls/host/300x60",
            rounds(1.0e6, 0.10, &OFFS_A),
            rounds(1.08e6, 0.10, &OFFS_B),
        );
        let (b, h) = (r.base.unwrap(), r.head.unwrap());
        assert!(h.mean / b.mean > 1.05 && h.lo <= b.hi, "{b:?} {h:?}");
        assert_eq!(r.verdict, Verdict::SlowerWithinNoise);
        assert!(!r.verdict.fails());
    }

    #[test]
    fn a_small_but_certain_slowdown_of_a_stable_benchmark_passes() {
        // 3% slower with tight intervals: real, but under the 5% threshold.
        let r = one(
            "stable/algorithm.nnls/host/300x60",
            rounds(1.0e6, 0.001, &OFFS_A),
            rounds(1.03e6, 0.001, &OFFS_B),
        );
        let (b, h) = (r.base.unwrap(), r.head.unwrap());
        assert!(h.lo > b.hi);
        assert_eq!(r.verdict, Verdict::Unchanged);
    }

    #[test]
    fn the_unstable_rule_is_absolute() {
        // 0.4 ms -> 1.0 ms: +0.6 ms fails.
        let r = one(
            "unstable/x/host/n1",
            rounds(0.4e6, 0.01, &OFFS_A),
            rounds(1.0e6, 0.01, &OFFS_B),
        );
        assert_eq!(r.verdict, Verdict::Regressed);
        // 0.4 ms -> 0.8 ms: +0.4 ms (a factor 2) passes.
        let r = one(
            "unstable/x/host/n1",
            rounds(0.4e6, 0.01, &OFFS_A),
            rounds(0.8e6, 0.01, &OFFS_B),
        );
        assert_eq!(r.verdict, Verdict::Unchanged);
        // Thresholds are configurable: 0.3 ms makes the same change fail.
        let t = Thresholds {
            unstable_abs_ns: 0.3e6,
            ..Thresholds::default()
        };
        let b = pool(&rounds(0.4e6, 0.01, &OFFS_A)).unwrap();
        let h = pool(&rounds(0.8e6, 0.01, &OFFS_B)).unwrap();
        assert_eq!(verdict(Stability::Unstable, &b, &h, &t), Verdict::Regressed);
        // and an unmarked id is gated as unstable
        assert_eq!(stability_of("dispatch/add/embedded/8"), Stability::Unstable);
    }

    #[test]
    fn improvements_and_missing_sides() {
        let r = one(
            "stable/a/host/n1",
            rounds(2.0e6, 0.005, &OFFS_A),
            rounds(1.5e6, 0.005, &OFFS_B),
        );
        assert_eq!(r.verdict, Verdict::Improved);
        assert!(!r.verdict.fails());
        let base = BTreeMap::from([("stable/old/host/n1".to_string(), vec![est(1.0, 0.01)])]);
        let head = BTreeMap::from([("stable/new/host/n1".to_string(), vec![est(9.0, 0.01)])]);
        let rows = compare(&base, &head, &Thresholds::default());
        assert_eq!(rows[0].verdict, Verdict::OnlyHead);
        assert_eq!(rows[1].verdict, Verdict::OnlyBase);
        assert!(!any_failure(&rows));
    }

    #[test]
    fn pooling_takes_the_wider_of_within_and_between_round_noise() {
        // Tight rounds that disagree: the between-round spread dominates.
        let p = pool(&[est(100.0, 0.001), est(110.0, 0.001)]).unwrap();
        assert!((p.mean - 105.0).abs() < 1e-12);
        // sd = 7.07, se = 5, t_1 = 12.7: half-width 63.5
        assert!((p.hi - p.mean - 12.706 * 5.0).abs() < 0.05, "{p:?}");
        // Very few, very different rounds: the interval is cut at zero.
        let p = pool(&[est(10.0, 0.001), est(100.0, 0.001)]).unwrap();
        assert_eq!(p.lo, 0.0);
        // Noisy rounds that agree: the within-round error dominates.
        let p = pool(&[est(100.0, 0.1), est(100.0, 0.1)]).unwrap();
        let se_w = (2.0f64 * 100.0).sqrt() / 2.0;
        assert!((p.hi - 100.0 - 1.959_964 * se_w).abs() < 1e-3, "{p:?}");
        // One round keeps criterion's own interval.
        let e = est(50.0, 0.02);
        let p = pool(&[e]).unwrap();
        assert_eq!((p.lo, p.hi, p.rounds), (e.lo, e.hi, 1));
        assert!(pool(&[]).is_none());
    }

    #[test]
    fn table_lists_every_benchmark_with_its_verdict() {
        let base = BTreeMap::from([
            (
                "stable/a/host/n1".to_string(),
                rounds(2.0e6, 0.001, &OFFS_A),
            ),
            (
                "unstable/b/host/n1".to_string(),
                rounds(3.0e3, 0.001, &OFFS_A),
            ),
        ]);
        let head = BTreeMap::from([
            (
                "stable/a/host/n1".to_string(),
                rounds(2.4e6, 0.001, &OFFS_B),
            ),
            (
                "unstable/b/host/n1".to_string(),
                rounds(3.0e3, 0.001, &OFFS_B),
            ),
        ]);
        let rows = compare(&base, &head, &Thresholds::default());
        let t = render_table(&rows, "abc", "local");
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[0].contains("BASE abc") && lines[0].contains("HEAD local"));
        assert!(lines[2].starts_with("stable/a/host/n1") && lines[2].ends_with("REGRESSED"));
        assert!(lines[2].contains("2.000 ms") && lines[2].contains("1.200"));
        assert!(lines[3].contains("3.000 µs") && lines[3].ends_with("ok"));
    }
}
