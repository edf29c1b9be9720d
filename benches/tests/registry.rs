//! The registry: ids follow the naming convention, are unique, and the
//! instruction-count harness lists exactly the stable cases it should.

use std::collections::BTreeSet;

use glass_benches::suite;
use glass_benches::Stability;

/// The ids in the `CASES` list of `benches/instructions` (its lines that
/// are a quoted id and a comma).
fn instruction_ids() -> Vec<String> {
    let src = include_str!("../instructions/benches/instructions.rs");
    src.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("\"stable/") || l.starts_with("\"unstable/"))
        .filter_map(|l| l.strip_suffix("\","))
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

/// Stable cases that the instruction harness leaves out on purpose (see
/// its module docs): multi-threaded cases, sizes above nside 64.
fn skipped_under_valgrind(id: &str) -> bool {
    let size = id.rsplit('/').next().unwrap_or("");
    let nside: Option<u32> = size
        .strip_prefix("nside")
        .and_then(|n| n.split('_').next())
        .and_then(|n| n.parse().ok());
    id.contains("/host-threadsN/") || nside.is_some_and(|n| n > 64)
}

#[test]
fn ids_follow_the_convention_and_are_unique() {
    let s = suite::all();
    assert!(s.cases().len() > 20);
    let mut seen = BTreeSet::new();
    for c in s.cases() {
        let id = c.id();
        let parts: Vec<&str> = id.split('/').collect();
        assert_eq!(parts.len(), 4, "{id}");
        assert!(parts[0] == "stable" || parts[0] == "unstable", "{id}");
        assert_eq!(parts[0] == "stable", c.stability == Stability::Stable);
        assert!(parts[1].contains('.'), "{id}: module.function");
        assert!(!parts[3].is_empty() && !parts[2].is_empty(), "{id}");
        assert!(seen.insert(id.clone()), "duplicate id {id}");
    }
}

#[test]
fn the_instruction_harness_lists_the_stable_cases() {
    let s = suite::all();
    let listed = instruction_ids();
    assert!(listed.len() >= 5, "{listed:?}");
    let loaded: BTreeSet<String> = s.cases().iter().map(|c| c.backend.clone()).collect();
    for id in &listed {
        assert!(id.starts_with("stable/"), "{id} is listed but not stable");
        let backend = id.split('/').nth(2).unwrap_or("");
        if loaded.contains(backend) {
            assert!(s.find(id).is_some(), "{id} is listed but not in the suite");
        }
    }
    for c in s.cases() {
        let id = c.id();
        if c.stability == Stability::Stable && !skipped_under_valgrind(&id) {
            assert!(
                listed.contains(&id),
                "stable case {id} is missing from benches/instructions"
            );
        }
    }
}

#[test]
fn every_case_runs() {
    // One call of every body at the default sizes, outside criterion: the
    // inputs are valid and nothing panics.
    for c in suite::regression().cases() {
        let mut body = c.prepare();
        body();
    }
}
