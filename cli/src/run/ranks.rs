//! Where the realisations of a run are simulated: in this process, or,
//! with the `mpi` feature under `mpirun`, on the ranks of an MPI job.
//!
//! Every rank plans the run and solves the shared inputs itself (they are
//! deterministic, and cheap next to a realisation); rank 0 alone prepares
//! the output directory, writes the shared files and `run.json`, and shows
//! progress. The realisations are handed out dynamically: rank 0 keeps the
//! queue of realisation indices, a rank that is free sends rank 0 the
//! result of its last realisation and gets the next index back (or "none
//! left"). Rank 0 simulates realisations too and answers the other ranks
//! after each shell it completes, so a request waits at most one shell of
//! rank 0's. Each realisation is written by the rank that computed it,
//! into its own `rNNNN/`, the same bytes whichever rank that is (keyed
//! random streams); which rank computed it, and where, goes into
//! `run.json` only.
//!
//! MPI is called from the main thread only (MPI_THREAD_FUNNELED): rayon's
//! threads and the output writer never touch it. A binary built with the
//! feature and started without `mpirun` is a job of one rank, and then
//! nothing here calls MPI beyond initialising it.

use serde_json::{json, Value};

use super::simulate::Progress;
use crate::{CliError, CliResult};

/// The processes of this run.
pub struct Ranks {
    rank: usize,
    size: usize,
    /// Ranks on this node (sharing its memory), this one included.
    local: usize,
    #[cfg(feature = "mpi")]
    mpi: Option<mpi_job::Job>,
}

/// What a realisation left for `run.json`: its `realisation.json` (status
/// "complete"), or `{"realisation", "status": "failed", "error"}`.
pub type Outcome = Value;

/// A failed realisation's outcome.
pub fn failed(r: usize, e: &CliError) -> Outcome {
    json!({"realisation": r, "status": "failed", "error": e.to_string()})
}

impl Ranks {
    /// This process alone.
    pub fn single() -> Ranks {
        Ranks {
            rank: 0,
            size: 1,
            local: 1,
            #[cfg(feature = "mpi")]
            mpi: None,
        }
    }

    /// The ranks of the MPI job this process belongs to (with the `mpi`
    /// feature; one rank when started without `mpirun`), else this
    /// process alone.
    pub fn init() -> CliResult<Ranks> {
        #[cfg(feature = "mpi")]
        {
            let job = mpi_job::Job::init()?;
            let (rank, size, local) = (job.rank(), job.size(), job.local());
            Ok(Ranks {
                rank,
                size,
                local,
                mpi: (size > 1).then_some(job),
            })
        }
        #[cfg(not(feature = "mpi"))]
        Ok(Ranks::single())
    }

    pub fn rank(&self) -> usize {
        self.rank
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// The ranks on this node (which share its memory), this one included.
    pub fn local(&self) -> usize {
        self.local
    }

    /// Whether this is rank 0, which writes the shared files and reports.
    pub fn is_root(&self) -> bool {
        self.rank == 0
    }

    /// Every rank calls this with its result of the same step. When all
    /// succeeded, each gets its own value back; otherwise every rank fails:
    /// rank 0 with the error of the lowest failing rank (its own, or
    /// "rank k: …"), the others with [`CliError::Elsewhere`] (rank 0
    /// reports it).
    pub fn agree<T>(&self, result: CliResult<T>) -> CliResult<T> {
        #[cfg(feature = "mpi")]
        if let Some(job) = &self.mpi {
            return job.agree(result);
        }
        result
    }

    /// Simulates the realisations `todo` over the ranks: `work(r, progress)`
    /// simulates realisation `r` on the rank it is handed to and returns its
    /// outcome. Rank 0 gets every outcome (in the order they completed, each
    /// with the `"rank"` that computed it), the other ranks none.
    pub fn distribute(
        &self,
        todo: &[usize],
        progress: &mut dyn Progress,
        work: &mut dyn FnMut(usize, &mut dyn Progress) -> Outcome,
    ) -> Vec<Outcome> {
        #[cfg(feature = "mpi")]
        if let Some(job) = &self.mpi {
            return job.distribute(todo, progress, work);
        }
        todo.iter()
            .map(|&r| with_rank(work(r, progress), 0))
            .collect()
    }
}

/// `outcome` with the rank that computed it.
fn with_rank(mut outcome: Outcome, rank: usize) -> Outcome {
    if let Some(o) = outcome.as_object_mut() {
        o.insert("rank".into(), json!(rank));
    }
    outcome
}

#[cfg(feature = "mpi")]
mod mpi_job {
    //! The MPI side: initialisation, agreement on errors, and rank 0's
    //! queue of realisations.

    use std::collections::VecDeque;

    use mpi::environment::Universe;
    use mpi::point_to_point::{Destination, MatchedReceiveVec, Source};
    use mpi::topology::{Communicator, SimpleCommunicator};
    use mpi::traits::*;
    use mpi::Threading;

    use super::{with_rank, Outcome, Progress};
    use crate::{CliError, CliResult};

    /// A free rank's request, carrying the outcome of its last realisation
    /// as JSON (empty on its first request).
    const TAG_RESULT: i32 = 1;
    /// Rank 0's answer: the next realisation index, or [`NONE_LEFT`].
    const TAG_ASSIGN: i32 = 2;
    /// The error of the lowest failing rank, for rank 0 to report.
    const TAG_ERROR: i32 = 3;
    const NONE_LEFT: u64 = u64::MAX;

    pub struct Job {
        // The world communicator must go before the universe (which
        // finalises MPI when dropped).
        world: SimpleCommunicator,
        _universe: Universe,
    }

    impl Job {
        pub fn init() -> CliResult<Job> {
            let (universe, threading) = mpi::initialize_with_threading(Threading::Funneled)
                .ok_or_else(|| {
                    CliError::Usage("MPI was initialised twice in one process".into())
                })?;
            if threading < Threading::Funneled {
                return Err(CliError::Usage(format!(
                    "the MPI library offers thread support {threading:?}; glass run needs at \
                     least Funneled (MPI called from the main thread of a threaded program)"
                )));
            }
            Ok(Job {
                world: universe.world(),
                _universe: universe,
            })
        }

        pub fn rank(&self) -> usize {
            self.world.rank() as usize
        }

        pub fn size(&self) -> usize {
            self.world.size() as usize
        }

        /// The ranks that share this node's memory.
        pub fn local(&self) -> usize {
            self.world.split_shared(self.world.rank()).size() as usize
        }

        pub fn agree<T>(&self, result: CliResult<T>) -> CliResult<T> {
            let size = self.world.size();
            let rank = self.world.rank();
            let mine: i32 = if result.is_err() { rank } else { size };
            let mut first = size;
            self.world
                .all_reduce_into(&mine, &mut first, mpi::collective::SystemOperation::min());
            if first == size {
                return result;
            }
            if rank == first && rank != 0 {
                let msg = result
                    .as_ref()
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                self.world
                    .process_at_rank(0)
                    .send_with_tag(msg.as_bytes(), TAG_ERROR);
            }
            if rank != 0 {
                return Err(CliError::Elsewhere);
            }
            if first == 0 {
                return result;
            }
            let (bytes, _) = self
                .world
                .process_at_rank(first)
                .receive_vec_with_tag::<u8>(TAG_ERROR);
            Err(CliError::Output(format!(
                "rank {first}: {}",
                String::from_utf8_lossy(&bytes)
            )))
        }

        pub fn distribute(
            &self,
            todo: &[usize],
            progress: &mut dyn Progress,
            work: &mut dyn FnMut(usize, &mut dyn Progress) -> Outcome,
        ) -> Vec<Outcome> {
            if self.world.rank() != 0 {
                self.serve_as_worker(work);
                return Vec::new();
            }
            let mut queue = Queue {
                world: &self.world,
                todo: todo.iter().copied().collect(),
                running: self.world.size() as usize - 1,
                outcomes: Vec::new(),
            };
            loop {
                queue.answer_waiting(progress);
                let Some(r) = queue.todo.pop_front() else {
                    break;
                };
                let outcome = work(
                    r,
                    &mut Serving {
                        queue: &mut queue,
                        inner: &mut *progress,
                    },
                );
                queue.outcomes.push(with_rank(outcome, 0));
            }
            while queue.running > 0 {
                let (msg, status) = self.world.any_process().matched_probe_with_tag(TAG_RESULT);
                queue.answer(msg, status, progress);
            }
            queue.outcomes
        }

        /// A rank other than 0: ask for a realisation, simulate it, send its
        /// outcome with the next request, until none are left.
        fn serve_as_worker(&self, work: &mut dyn FnMut(usize, &mut dyn Progress) -> Outcome) {
            let root = self.world.process_at_rank(0);
            let mut last = Vec::new();
            loop {
                root.send_with_tag(&last[..], TAG_RESULT);
                let (r, _) = root.receive_with_tag::<u64>(TAG_ASSIGN);
                if r == NONE_LEFT {
                    return;
                }
                let outcome = work(r as usize, &mut Silent);
                last = serde_json::to_vec(&outcome).unwrap_or_default();
            }
        }
    }

    /// Rank 0's bookkeeping.
    struct Queue<'a> {
        world: &'a SimpleCommunicator,
        todo: VecDeque<usize>,
        /// Ranks not yet told that none are left.
        running: usize,
        outcomes: Vec<Outcome>,
    }

    impl Queue<'_> {
        /// Answers every request already waiting, without blocking.
        fn answer_waiting(&mut self, progress: &mut dyn Progress) {
            while let Some((msg, status)) = self
                .world
                .any_process()
                .immediate_matched_probe_with_tag(TAG_RESULT)
            {
                self.answer(msg, status, progress);
            }
        }

        /// Records the outcome a request carries and sends the rank its next
        /// realisation.
        fn answer(
            &mut self,
            msg: mpi::point_to_point::Message,
            status: mpi::point_to_point::Status,
            progress: &mut dyn Progress,
        ) {
            let from = status.source_rank();
            let (bytes, _) = (msg, status).matched_receive_vec::<u8>();
            if !bytes.is_empty() {
                let outcome = serde_json::from_slice::<Outcome>(&bytes).unwrap_or_else(|e| {
                    serde_json::json!({"status": "failed",
                        "error": format!("rank {from} sent an unreadable outcome: {e}")})
                });
                if let Some(r) = outcome["realisation"].as_u64() {
                    progress.done_elsewhere(r as usize, from as usize);
                }
                self.outcomes.push(with_rank(outcome, from as usize));
            }
            let next = match self.todo.pop_front() {
                Some(r) => r as u64,
                None => {
                    self.running -= 1;
                    NONE_LEFT
                }
            };
            self.world
                .process_at_rank(from)
                .send_with_tag(&next, TAG_ASSIGN);
        }
    }

    /// Rank 0's progress while it simulates: after each of its shells it
    /// answers the ranks waiting for work.
    struct Serving<'q, 'a, 'p> {
        queue: &'q mut Queue<'a>,
        inner: &'p mut dyn Progress,
    }

    impl Progress for Serving<'_, '_, '_> {
        fn shell_done(&mut self, r: usize, i: usize, n: usize, galaxies: u64) {
            self.inner.shell_done(r, i, n, galaxies);
            self.queue.answer_waiting(self.inner);
        }
    }

    /// The other ranks show no progress (rank 0 does).
    struct Silent;

    impl Progress for Silent {
        fn shell_done(&mut self, _: usize, _: usize, _: usize, _: u64) {}
    }
}
