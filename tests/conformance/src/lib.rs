//! # glass-conformance
//!
//! The backend conformance suite: property tests, in the style of the
//! Python `array-api-tests`, of every op of
//! [`glass_backend_api::ops`], run through the raw C ABI of a
//! [`BackendInstance`] (so the same suite checks in-process backends and
//! dynamically loaded plugins alike).
//!
//! For every op the backend lists, the suite draws random shapes (0..=4
//! dimensions, sizes 0..=5, empty arrays included) and random values from a
//! seeded generator, and checks the result's dtype, shape and values against
//! a plain-Rust reference: elementwise math to ~1e-12 relative (float32 to
//! ~1e-5), reductions to 1e-12 relative to the sum of magnitudes, linear
//! algebra by residuals (`L L^H = A`, `A x = b`, `A V = V diag(w)`) to
//! ~1e-10, FFTs against a naive DFT. It also checks special cases (NaN
//! propagation, signed zeros, empty reductions), broadcasting and scalars,
//! the error kinds that every backend must share (an op outside its dtype
//! domain is a `DType` error or a result, the one rule of
//! `glass_backend_api::ops`; an impossible reshape a `Shape` error, an
//! unknown op id `Unsupported`), and the `random.*` streams bit for bit
//! against [`glass_backend_api::random`].
//!
//! Outcomes: a wrong dtype, shape, value or error kind is a `Fail` naming
//! the op and the difference (a panic caught by the plugin, an `Internal`
//! error, is a `Fail` too); an op the backend does not list is a `Skip`, and
//! so is a check whose valid call the backend answers `Unsupported` (a
//! partial backend, such as one without float32).
//!
//! Only dtype combinations that the Array API standard allows are tested
//! (same kind, float32 with float64, real with complex floating), so the
//! strict backend must pass everything too.
//!
//! What this crate may not do: depend on the host (`glass`; the `glass`
//! command runs it), or on any backend outside its tests.
//!
//! ```ignore
//! let inst = glass_backend_ndarray::glass_backend_instance("")?;
//! let report = glass_conformance::run(&inst, &glass_conformance::Options::default());
//! println!("{}", report.table());
//! assert!(report.ok());
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};

use glass_backend_api::{BackendInstance, OPS};
use rand::SeedableRng;

mod checks;
mod gen;
pub mod host;
pub mod session;

use gen::Rng;
use session::Session;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seed of the suite's random inputs (a run is reproducible from it).
    pub seed: u64,
    /// Random cases per property check.
    pub cases_per_op: usize,
    /// Only ops whose name contains this string.
    pub filter: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            cases_per_op: 20,
            filter: None,
        }
    }
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

/// One check of one op.
#[derive(Clone, Debug)]
pub struct CaseResult {
    pub op: String,
    pub check: String,
    pub outcome: Outcome,
}

/// The results of a run.
#[derive(Clone, Debug)]
pub struct Report {
    pub backend: String,
    pub results: Vec<CaseResult>,
}

impl Report {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Pass))
    }
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Fail(_)))
    }
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skip(_)))
    }
    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failed() == 0
    }

    /// The results of the checks named `check` of `op`.
    pub fn outcome(&self, op: &str, check: &str) -> Option<&Outcome> {
        self.results
            .iter()
            .find(|r| r.op == op && r.check == check)
            .map(|r| &r.outcome)
    }

    /// Failures that are the suite's own bugs (a check that panicked, or a
    /// reference that could not be built), as `op check: message`.
    pub fn suite_bugs(&self) -> Vec<String> {
        self.results
            .iter()
            .filter_map(|r| match &r.outcome {
                Outcome::Fail(m) if m.contains("the check panicked") || m.contains("suite bug") => {
                    Some(format!("{} {}: {m}", r.op, r.check))
                }
                _ => None,
            })
            .collect()
    }

    /// Whether any check of `op` failed.
    pub fn op_failed(&self, op: &str) -> bool {
        self.results
            .iter()
            .any(|r| r.op == op && matches!(r.outcome, Outcome::Fail(_)))
    }

    /// One line per op, in the order of the op list: passed, failed and
    /// skipped checks, and the first failure (or, if all were skipped, the
    /// reason), followed by a total.
    pub fn table(&self) -> String {
        let mut ops: Vec<&str> = Vec::new();
        for r in &self.results {
            if !ops.contains(&r.op.as_str()) {
                ops.push(&r.op);
            }
        }
        let width = ops.iter().map(|o| o.len()).max().unwrap_or(2).max(2);
        let mut out = format!(
            "conformance of backend {:?}\n{:width$}  pass  fail  skip  first failure\n",
            self.backend, "op"
        );
        for op in ops {
            let rs: Vec<&CaseResult> = self.results.iter().filter(|r| r.op == op).collect();
            let p = rs.iter().filter(|r| r.outcome == Outcome::Pass).count();
            let f = rs
                .iter()
                .filter(|r| matches!(r.outcome, Outcome::Fail(_)))
                .count();
            let s = rs
                .iter()
                .filter(|r| matches!(r.outcome, Outcome::Skip(_)))
                .count();
            let note = rs
                .iter()
                .find_map(|r| match &r.outcome {
                    Outcome::Fail(m) => Some(format!("{}: {}", r.check, m)),
                    _ => None,
                })
                .or_else(|| {
                    (p == 0 && f == 0)
                        .then(|| {
                            rs.iter().find_map(|r| match &r.outcome {
                                Outcome::Skip(m) => Some(format!("(skipped: {m})")),
                                _ => None,
                            })
                        })
                        .flatten()
                })
                .unwrap_or_default();
            out.push_str(&format!("{op:width$}  {p:4}  {f:4}  {s:4}  {note}\n"));
        }
        out.push_str(&format!(
            "total: {} passed, {} failed, {} skipped\n",
            self.passed(),
            self.failed(),
            self.skipped()
        ));
        out
    }
}

/// Why a check did not pass.
#[derive(Debug)]
pub(crate) enum Bad {
    Fail(String),
    Skip(String),
}

impl From<String> for Bad {
    fn from(s: String) -> Bad {
        Bad::Fail(s)
    }
}

impl From<&str> for Bad {
    fn from(s: &str) -> Bad {
        Bad::Fail(s.to_string())
    }
}

pub(crate) type CResult = Result<(), Bad>;

/// What a check gets: the session, its own seeded generator, and the number
/// of random cases to run.
pub(crate) struct Ctx<'s> {
    pub s: &'s Session<'s>,
    pub rng: Rng,
    pub cases: usize,
}

impl Ctx<'_> {
    /// Skips unless the backend lists every op of `ops`.
    pub fn require(&self, ops: &[&str]) -> CResult {
        for op in ops {
            if !self.s.has(op) {
                return Err(Bad::Skip(format!(
                    "needs {op}, which the backend does not list"
                )));
            }
        }
        Ok(())
    }
}

/// A check of one op.
pub(crate) struct Check {
    pub op: &'static str,
    pub name: String,
    #[allow(clippy::type_complexity)]
    pub f: Box<dyn Fn(&mut Ctx<'_>) -> CResult>,
}

impl Check {
    pub fn new(
        op: &'static str,
        name: impl Into<String>,
        f: impl Fn(&mut Ctx<'_>) -> CResult + 'static,
    ) -> Check {
        Check {
            op,
            name: name.into(),
            f: Box::new(f),
        }
    }
}

/// The pseudo-op under which contract-level checks are reported.
pub const CONTRACT: &str = "(contract)";

/// FNV-1a, to give every check its own stream from the run's seed.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Runs one check, turning a panic (a bug of the suite or its helpers) into
/// a failure.
fn run_check(sess: &Session<'_>, c: &Check, options: &Options) -> Outcome {
    let mut ctx = Ctx {
        s: sess,
        rng: Rng::seed_from_u64(options.seed ^ hash(c.op) ^ hash(&c.name).rotate_left(17)),
        cases: options.cases_per_op.max(1),
    };
    sess.take_unsupported();
    let r = catch_unwind(AssertUnwindSafe(|| (c.f)(&mut ctx)));
    let unsupported = sess.take_unsupported();
    match r {
        Ok(Ok(())) => Outcome::Pass,
        // A backend may list an op without every dtype or variant of it:
        // an `Unsupported` answer to a valid call is a skip, not a failure.
        Ok(Err(Bad::Fail(m))) => match unsupported {
            Some(u) => Outcome::Skip(format!("{}: {} not implemented ({u})", c.op, c.name)),
            None => Outcome::Fail(m),
        },
        Ok(Err(Bad::Skip(m))) => Outcome::Skip(m),
        Err(p) => Outcome::Fail(format!("the check panicked: {}", panic_message(&*p))),
    }
}

/// Runs the suite on a backend instance.
pub fn run(instance: &BackendInstance, options: &Options) -> Report {
    let sess = match Session::new(instance) {
        Ok(s) => s,
        Err(m) => {
            return Report {
                backend: "(unknown)".into(),
                results: vec![CaseResult {
                    op: CONTRACT.into(),
                    check: "info".into(),
                    outcome: Outcome::Fail(m),
                }],
            }
        }
    };
    let backend = sess.info.name.to_string();
    let checks = checks::all();
    let wanted = |op: &str| options.filter.as_deref().is_none_or(|f| op.contains(f));
    let mut results = Vec::new();
    let mut push = |op: &str, check: &str, outcome: Outcome| {
        results.push(CaseResult {
            op: op.into(),
            check: check.into(),
            outcome,
        })
    };
    let transfers = sess.has("asarray") && sess.has("to_host");
    let mut names: Vec<&str> = vec![CONTRACT];
    names.extend(OPS.iter().map(|s| s.name));
    for op in names {
        if !wanted(op) {
            continue;
        }
        if op != CONTRACT && !sess.has(op) {
            push(op, "listed", Outcome::Skip("not implemented".into()));
            continue;
        }
        let mine: Vec<&Check> = checks.iter().filter(|c| c.op == op).collect();
        if mine.is_empty() {
            push(
                op,
                "listed",
                Outcome::Skip("no conformance checks for this op".into()),
            );
        }
        for c in mine {
            let outcome = if transfers || op == CONTRACT {
                run_check(&sess, c, options)
            } else {
                Outcome::Skip("needs asarray and to_host".into())
            };
            push(op, &c.name, outcome);
        }
    }
    Report { backend, results }
}
