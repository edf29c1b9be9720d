//! Shared helpers of the glass benchmarks: which backends to run, the
//! stable/unstable marking, and the registry of the regression suite.
//!
//! What it owns: the benchmark cases and how they are named. What it may
//! not do: carry its own copy of any numerics (it calls the `glass`
//! library and the backends through the loader, as a user would), or gate
//! CI on wall-clock time.
//!
//! Every benchmark runs for each backend that loads, chosen through the same
//! plugin loader as the program (`GLASS_BENCH_BACKENDS=ndarray,strict`
//! restricts the list; the default is ndarray and strict). Functions that
//! run on the host in plain Rust (no backend) are benchmarked once, under
//! the backend name `host`.
//!
//! # Naming: stability, function, backend, size
//!
//! Every benchmark id has four parts,
//! `{stability}/{module}.{function}/{backend}/{size}`, e.g.
//! `stable/shells.partition_nnls/host/shells30` or
//! `unstable/harmonics.multalm/strict/lmax64`:
//!
//! - `stability` is `stable` or `unstable` ([`Stability`]), as GLASS marks
//!   its regression tests: large work (a millisecond or more per call) is
//!   stable and gated on a relative change of its mean, sub-millisecond
//!   work is unstable and gated on an absolute change. `cargo xtask
//!   bench-compare` reads the marking from this prefix, and
//!   `cargo bench -p glass-benches -- '^stable/'` runs the stable ones only;
//! - the criterion group is `{stability}/{module}.{function}`, its function
//!   id the backend and its parameter the size, so that the results of all
//!   backends for one size line up in one group.
//!
//! # Adding a benchmark
//!
//! One function in [`suite`] that registers its cases with [`Suite::add`],
//! and one line in [`suite::regression`]. If a case is stable, also list it
//! in `benches/instructions.rs` (a test checks that the lists agree).

use std::hint::black_box;
#[cfg(feature = "criterion")]
use std::time::Duration;

#[cfg(feature = "criterion")]
use criterion::{BenchmarkId, Criterion};
use glass::Backend;

pub mod science;
pub mod suite;

/// The backends to benchmark, loaded from their plugin libraries where
/// found (the embedded ndarray backend otherwise).
pub fn backends() -> Vec<Backend> {
    let names =
        std::env::var("GLASS_BENCH_BACKENDS").unwrap_or_else(|_| "ndarray,strict".to_string());
    names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .filter_map(|n| match Backend::by_spec(n) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("skipping backend {n}: {e}");
                None
            }
        })
        .collect()
}

/// How a benchmark is gated, as GLASS marks its regression tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stability {
    /// A millisecond or more per call: gated on a relative regression of
    /// the mean (5% by default) with non-overlapping confidence intervals,
    /// and counted in instructions.
    Stable,
    /// Sub-millisecond work: gated on an absolute regression of the mean
    /// (0.5 ms by default), too short for a relative gate to be reliable.
    Unstable,
}

impl Stability {
    /// The first part of the benchmark id: `stable` or `unstable`.
    pub fn prefix(self) -> &'static str {
        match self {
            Stability::Stable => "stable",
            Stability::Unstable => "unstable",
        }
    }

    /// Applies the default measurement settings of this kind of benchmark
    /// to a criterion group: short enough that the whole suite runs in a
    /// few minutes on two cores. `cargo xtask bench-compare` gets its
    /// confidence from several alternating rounds, not from long runs.
    #[cfg(feature = "criterion")]
    pub fn configure<M: criterion::measurement::Measurement>(
        self,
        g: &mut criterion::BenchmarkGroup<'_, M>,
    ) {
        match self {
            Stability::Stable => {
                g.sample_size(20)
                    .warm_up_time(Duration::from_millis(300))
                    .measurement_time(Duration::from_secs(2));
            }
            Stability::Unstable => {
                g.sample_size(30)
                    .warm_up_time(Duration::from_millis(200))
                    .measurement_time(Duration::from_secs(1));
            }
        }
    }
}

/// The benchmark body: called once per iteration; its result is passed
/// through `black_box` by the closure itself.
pub type Body = Box<dyn FnMut()>;

/// One registered benchmark: its name parts and how to build its body.
pub struct Case {
    /// Stable or unstable.
    pub stability: Stability,
    /// `module.function` (with a variant after an underscore where needed).
    pub name: String,
    /// The backend's name, or `host` for plain Rust on the host.
    pub backend: String,
    /// The size, as a word and a number: `n10000`, `shells30`, `lmax512`.
    pub size: String,
    make: Box<dyn Fn() -> Body>,
}

impl Case {
    /// The criterion group: `{stability}/{module.function}`.
    pub fn group(&self) -> String {
        format!("{}/{}", self.stability.prefix(), self.name)
    }

    /// The full id: `{stability}/{module.function}/{backend}/{size}`.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.group(), self.backend, self.size)
    }

    /// Builds the inputs and returns the body (not timed).
    pub fn prepare(&self) -> Body {
        (self.make)()
    }
}

/// The registry of benchmarks, in registration order.
#[derive(Default)]
pub struct Suite {
    cases: Vec<Case>,
}

impl Suite {
    /// Registers a benchmark. `make` builds the inputs (untimed) and
    /// returns the body that is timed, e.g.
    ///
    /// ```
    /// # use glass_benches::{Stability, Suite};
    /// # use std::hint::black_box;
    /// let mut s = Suite::default();
    /// s.add(Stability::Unstable, "arraytools.trapezoid", "host", "n1000", || {
    ///     let x: Vec<f64> = (0..1000).map(f64::from).collect();
    ///     Box::new(move || glass_benches::check(glass::arraytools::trapezoid(&x, &x)))
    /// });
    /// assert_eq!(s.cases()[0].id(), "unstable/arraytools.trapezoid/host/n1000");
    /// ```
    pub fn add(
        &mut self,
        stability: Stability,
        name: &str,
        backend: &str,
        size: &str,
        make: impl Fn() -> Body + 'static,
    ) {
        self.cases.push(Case {
            stability,
            name: name.to_string(),
            backend: backend.to_string(),
            size: size.to_string(),
            make: Box::new(make),
        });
    }

    /// Like [`Suite::add`], for a case timed on `backend`: after each run
    /// of the body the backend's queued work is waited for
    /// ([`Backend::sync`]), so that an asynchronous backend is timed for its
    /// work, not for submitting it.
    pub fn add_on(
        &mut self,
        stability: Stability,
        name: &str,
        backend: &Backend,
        size: &str,
        make: impl Fn() -> Body + 'static,
    ) {
        let b = backend.clone();
        self.add(stability, name, backend.name(), size, move || {
            let mut body = make();
            let b = b.clone();
            Box::new(move || {
                body();
                check(b.sync());
            })
        });
    }

    /// [`Suite::add_on`] once for each backend of [`backends`]: `make`
    /// prepares the case on the backend it is given.
    pub fn add_on_each(
        &mut self,
        stability: Stability,
        name: &str,
        size: &str,
        make: impl Fn(&Backend) -> Body + Clone + 'static,
    ) {
        for b in backends() {
            let make = make.clone();
            let on = b.clone();
            self.add_on(stability, name, &on, size, move || make(&b));
        }
    }

    /// The registered cases.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }

    /// The case with this full id.
    pub fn find(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id() == id)
    }

    /// Runs every case under criterion, one group per
    /// `{stability}/{module.function}` (in order of first registration).
    /// Inputs are built only for the cases that criterion's filter selects.
    #[cfg(feature = "criterion")]
    pub fn run_criterion(&self, c: &mut Criterion) {
        let mut groups: Vec<String> = Vec::new();
        for case in &self.cases {
            if !groups.contains(&case.group()) {
                groups.push(case.group());
            }
        }
        for name in groups {
            let mut g = c.benchmark_group(&name);
            let mut configured = false;
            for case in self.cases.iter().filter(|c| c.group() == name) {
                if !configured {
                    case.stability.configure(&mut g);
                    configured = true;
                }
                g.bench_function(BenchmarkId::new(&case.backend, &case.size), |b| {
                    let mut body = case.prepare();
                    b.iter(&mut body)
                });
            }
            g.finish();
        }
    }
}

/// The end of a body: `Box::new(move || check(f(&x)))` passes the value
/// through `black_box`, and panics on an error, so that a benchmark never
/// silently times an error path.
pub fn check<T, E: std::fmt::Debug>(result: Result<T, E>) {
    match result {
        Ok(v) => drop(black_box(v)),
        Err(e) => panic!("benchmark body failed: {e:?}"),
    }
}
