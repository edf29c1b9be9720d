//! The history of the instruction counts: every committed version of a
//! baseline file (`git log` of `benches/baselines/<kind>/instructions.json`),
//! and optionally the run just made, as one table per backend, in Markdown
//! and in a small static HTML page, so that someone can see when a case got
//! slower. Rendering is pure; [`load`] does the git work.

use std::path::Path;
use std::process::Command;

use glass_benches_instructions::{backend_of, differences, Measurement};

use crate::instructions::{thousands, trend, Trend};

/// One version of the baseline: the commit that wrote it, or this run.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Short commit id, or `this run`.
    pub label: String,
    /// The commit date (`YYYY-MM-DD`), empty for this run.
    pub date: String,
    /// The commit's subject line.
    pub subject: String,
    /// Its counts.
    pub measurement: Measurement,
}

/// The committed versions of `path` (relative to the repository at
/// `root`), oldest first. Versions that do not parse are skipped with a
/// note on stderr.
pub fn load(root: &Path, path: &str) -> Result<Vec<Snapshot>, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["log", "--format=%h%x09%cs%x09%s", "--", path])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git log of {path} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut snaps = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(sha), Some(date), Some(subject)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let show = Command::new("git")
            .current_dir(root)
            .args(["show", &format!("{sha}:{path}")])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !show.status.success() {
            continue; // the commit deleted the file
        }
        match serde_json::from_slice::<Measurement>(&show.stdout) {
            Ok(measurement) => snaps.push(Snapshot {
                label: sha.to_string(),
                date: date.to_string(),
                subject: subject.to_string(),
                measurement,
            }),
            Err(e) => eprintln!("history: {path} at {sha} does not parse ({e}); left out"),
        }
    }
    snaps.reverse();
    Ok(snaps)
}

/// One cell: the count and its change from the previous version that has
/// the case.
struct Cell {
    count: Option<u64>,
    change_pct: Option<f64>,
}

/// The backends of the snapshots, then per backend the ids, in order.
fn layout(snaps: &[Snapshot]) -> Vec<(String, Vec<String>)> {
    let mut ids: Vec<String> = snaps
        .iter()
        .flat_map(|s| s.measurement.benchmarks.iter().map(|c| c.id.clone()))
        .collect();
    ids.sort_by(|a, b| (backend_of(a), a.as_str()).cmp(&(backend_of(b), b.as_str())));
    ids.dedup();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for id in ids {
        let b = backend_of(&id).to_string();
        match out.last_mut() {
            Some((last, v)) if *last == b => v.push(id),
            _ => out.push((b, vec![id])),
        }
    }
    out
}

fn cells(snaps: &[Snapshot], id: &str) -> Vec<Cell> {
    let mut prev: Option<u64> = None;
    snaps
        .iter()
        .map(|s| {
            let count = s
                .measurement
                .benchmarks
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.instructions);
            let change_pct = match (prev, count) {
                (Some(p), Some(n)) if p > 0 => Some((n as f64 / p as f64 - 1.0) * 100.0),
                _ => None,
            };
            if count.is_some() {
                prev = count;
            }
            Cell { count, change_pct }
        })
        .collect()
}

/// Notes on the columns whose conditions differ from the previous column's
/// (a jump there is the toolchain's, not the code's).
fn condition_notes(snaps: &[Snapshot]) -> Vec<String> {
    let mut notes = Vec::new();
    for w in snaps.windows(2) {
        let d = differences(
            &w[0].measurement.measured_with,
            &w[1].measurement.measured_with,
        );
        if !d.is_empty() {
            notes.push(format!("{}: {}", w[1].label, d.join("; ")));
        }
    }
    notes
}

/// The history as Markdown: one table per backend, a column per version,
/// changes beyond `limit_pct` marked (`▲` more instructions, `▼` fewer).
pub fn markdown(kind: &str, snaps: &[Snapshot], limit_pct: f64) -> String {
    let mut out = format!("# Instruction counts, machine kind `{kind}`\n\n");
    out.push_str(&format!(
        "Instructions of one call per case (valgrind's callgrind), per committed baseline \
         (`benches/baselines/{kind}/instructions.json`), oldest first; in brackets the change \
         from the previous version, ▲/▼ beyond ±{limit_pct}%.\n\n"
    ));
    for s in snaps {
        out.push_str(&format!("- `{}` {} {}\n", s.label, s.date, s.subject));
    }
    let notes = condition_notes(snaps);
    if !notes.is_empty() {
        out.push_str("\nMeasured under different conditions from the previous version:\n\n");
        for n in notes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    for (backend, ids) in layout(snaps) {
        out.push_str(&format!("\n## Backend `{backend}`\n\n| benchmark |"));
        for s in snaps {
            out.push_str(&format!(" `{}` |", s.label));
        }
        out.push_str("\n| --- |");
        out.push_str(&" ---: |".repeat(snaps.len()));
        out.push('\n');
        for id in ids {
            out.push_str(&format!("| {id} |"));
            for c in cells(snaps, &id) {
                let text = match (c.count, c.change_pct) {
                    (None, _) => "-".to_string(),
                    (Some(n), None) => thousands(n),
                    (Some(n), Some(p)) => {
                        let mark = match trend(p, limit_pct) {
                            Trend::Up => " ▲",
                            Trend::Down => " ▼",
                            Trend::Within => "",
                        };
                        format!("{} ({p:+.1}%){mark}", thousands(n))
                    }
                };
                out.push_str(&format!(" {text} |"));
            }
            out.push('\n');
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The history as a self-contained HTML page (no scripts, no external
/// files): the tables of [`markdown`], changes beyond `limit_pct` in red
/// (more instructions) or green (fewer).
pub fn html(kinds: &[(String, Vec<Snapshot>)], limit_pct: f64) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>glass-rs instruction counts</title>\n<style>\
body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}\
td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}td.n{text-align:right;font-family:monospace}\
td.up{background:#f8d0d0}td.down{background:#d0f0d0}th{background:#eee}\
</style></head><body>\n<h1>glass-rs: instruction counts</h1>\n",
    );
    out.push_str(&format!(
        "<p>Instructions of one call per case under valgrind's callgrind, per committed baseline \
         (oldest first) and this run where shown. In brackets the change from the previous \
         version; red: more than {limit_pct}% more instructions, green: more than {limit_pct}% fewer. \
         Written by <code>cargo xtask bench-history</code> and <code>cargo xtask bench-gate</code>.</p>\n"
    ));
    for (kind, snaps) in kinds {
        out.push_str(&format!("<h2>Machine kind {}</h2>\n<ul>\n", escape(kind)));
        for s in snaps {
            out.push_str(&format!(
                "<li><code>{}</code> {} {}</li>\n",
                escape(&s.label),
                escape(&s.date),
                escape(&s.subject)
            ));
        }
        out.push_str("</ul>\n");
        for n in condition_notes(snaps) {
            out.push_str(&format!("<p>Conditions changed at {}</p>\n", escape(&n)));
        }
        for (backend, ids) in layout(snaps) {
            out.push_str(&format!(
                "<h3>Backend {}</h3>\n<table><tr><th>benchmark</th>",
                escape(&backend)
            ));
            for s in snaps {
                out.push_str(&format!("<th>{}</th>", escape(&s.label)));
            }
            out.push_str("</tr>\n");
            for id in ids {
                out.push_str(&format!("<tr><td>{}</td>", escape(&id)));
                for c in cells(snaps, &id) {
                    let (class, text) = match (c.count, c.change_pct) {
                        (None, _) => ("n", "-".to_string()),
                        (Some(n), None) => ("n", thousands(n)),
                        (Some(n), Some(p)) => {
                            let class = match trend(p, limit_pct) {
                                Trend::Up => "n up",
                                Trend::Down => "n down",
                                Trend::Within => "n",
                            };
                            (class, format!("{} ({p:+.1}%)", thousands(n)))
                        }
                    };
                    out.push_str(&format!("<td class=\"{class}\">{text}</td>"));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass_benches_instructions::{Count, MeasuredWith, SCHEMA};

    fn snap(label: &str, counts: &[(&str, u64)], rustc: &str) -> Snapshot {
        Snapshot {
            label: label.into(),
            date: "2026-12-02".into(),
            subject: format!("commit {label}"),
            measurement: Measurement {
                schema: SCHEMA,
                machine_kind: "x86_64-v4".into(),
                measured_with: MeasuredWith {
                    rustc: rustc.into(),
                    valgrind: "valgrind-3.19.0".into(),
                    glibc: "2.36".into(),
                    cpu_features: vec![],
                    kernels: "portable".into(),
                },
                benchmarks: counts
                    .iter()
                    .map(|(id, n)| Count {
                        id: id.to_string(),
                        instructions: *n,
                    })
                    .collect(),
            },
        }
    }

    #[test]
    fn history_marks_the_version_where_a_case_got_slower() {
        let snaps = [
            snap(
                "aaa",
                &[("stable/f/host/1", 1000), ("stable/g/strict/1", 50)],
                "r1",
            ),
            snap("bbb", &[("stable/f/host/1", 1200)], "r1"),
            snap(
                "ccc",
                &[("stable/f/host/1", 1190), ("stable/g/strict/1", 40)],
                "r2",
            ),
        ];
        let md = markdown("x86_64-v4", &snaps, 5.0);
        assert!(
            md.contains("## Backend `host`") && md.contains("## Backend `strict`"),
            "{md}"
        );
        assert!(
            md.contains("| stable/f/host/1 | 1,000 | 1,200 (+20.0%) ▲ | 1,190 (-0.8%) |"),
            "{md}"
        );
        // the strict case: missing in bbb, compared with aaa in ccc
        assert!(
            md.contains("| stable/g/strict/1 | 50 | - | 40 (-20.0%) ▼ |"),
            "{md}"
        );
        assert!(md.contains("ccc: rustc: baseline `r1`, now `r2`"), "{md}");
        let page = html(&[("x86_64-v4".into(), snaps.to_vec())], 5.0);
        assert!(
            page.contains("<td class=\"n up\">1,200 (+20.0%)</td>"),
            "{page}"
        );
        assert!(
            page.contains("<td class=\"n down\">40 (-20.0%)</td>"),
            "{page}"
        );
        assert!(page.starts_with("<!doctype html>") && page.ends_with("</html>\n"));
    }
}
