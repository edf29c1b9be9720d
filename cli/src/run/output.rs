//! The files of a realisation written on a thread of their own, beside the
//! simulation: the loop hands each shell's maps and each batch of
//! catalogue rows to the writer and goes on with the next shell while
//! they are converted, written, synced and hashed. The queue holds one
//! job besides the one being written, so memory stays bounded (one
//! shell's maps or one batch of rows more than a sequential loop) and a
//! slow disk slows the loop down rather than filling memory.
//!
//! A job that fails (a full disk, say) stops the writer: its open
//! catalogues are dropped, which removes their temporary files, and the
//! next [`Writer::submit`] or [`Writer::finish`] returns the job's error.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;
use std::time::Instant;

use glass::user::CatalogWriter;
use sha2::{Digest, Sha256};

use crate::error::io_err;
use crate::{CliError, CliResult};

/// One piece of output: writes with the open catalogues at hand and
/// returns the path of a file it completed, if any (then hashed).
pub type Job = Box<dyn FnOnce(&mut [Option<CatalogWriter>]) -> CliResult<Option<PathBuf>> + Send>;

/// What the writer did.
#[derive(Debug, Default)]
pub struct Written {
    /// The completed files, in the order they were completed.
    pub files: Vec<PathBuf>,
    /// Their sha256, hex.
    pub sha256: BTreeMap<PathBuf, String>,
    /// Seconds the writer spent writing and hashing.
    pub write_seconds: f64,
    pub hash_seconds: f64,
}

/// The writer thread of one realisation.
pub struct Writer {
    tx: Option<SyncSender<Job>>,
    thread: Option<JoinHandle<CliResult<Written>>>,
}

impl Writer {
    /// Starts the writer with the realisation's open catalogues (one per
    /// sample, `None` where none is written).
    ///
    /// # Errors
    ///
    /// [`CliError::Output`] when the thread cannot be started.
    pub fn spawn(mut catalogues: Vec<Option<CatalogWriter>>) -> CliResult<Writer> {
        let (tx, rx) = sync_channel::<Job>(1);
        // the writers' parallel loops (rows of the catalogue, map values)
        // run on the writer's own one-thread pool, not on the simulation's
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "glass-run-writer-pool".into())
            .build()
            .map_err(|e| CliError::Output(format!("cannot start the output writer: {e}")))?;
        let thread = std::thread::Builder::new()
            .name("glass-run-writer".into())
            .spawn(move || {
                let mut done = Written::default();
                for job in rx {
                    let t = Instant::now();
                    let file = pool.install(|| job(&mut catalogues))?;
                    done.write_seconds += t.elapsed().as_secs_f64();
                    if let Some(f) = file {
                        let t = Instant::now();
                        done.sha256.insert(f.clone(), sha256(&f)?);
                        done.hash_seconds += t.elapsed().as_secs_f64();
                        done.files.push(f);
                    }
                }
                Ok(done)
            })
            .map_err(|e| CliError::Output(format!("cannot start the output writer: {e}")))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Queues `job`, waiting while the writer is busy with two.
    ///
    /// # Errors
    ///
    /// The error of an earlier job, which stopped the writer.
    pub fn submit(
        &mut self,
        job: impl FnOnce(&mut [Option<CatalogWriter>]) -> CliResult<Option<PathBuf>> + Send + 'static,
    ) -> CliResult<()> {
        let sent = match &self.tx {
            Some(tx) => tx.send(Box::new(job)).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // the writer stopped on an error: that error
            self.join().map(|_| ())
        }
    }

    /// Waits for every queued job.
    ///
    /// # Errors
    ///
    /// The first job's error; [`CliError::Output`] if the writer panicked.
    pub fn finish(mut self) -> CliResult<Written> {
        self.join()
    }

    fn join(&mut self) -> CliResult<Written> {
        self.tx = None;
        match self.thread.take() {
            Some(t) => t.join().unwrap_or_else(|_| {
                Err(CliError::Output(
                    "the output writer stopped on an internal error (a panic)".into(),
                ))
            }),
            None => Err(CliError::Output("the output writer has stopped".into())),
        }
    }
}

impl Drop for Writer {
    /// On an early return of the loop: lets the writer finish what it
    /// holds (or drop it), so that no temporary file outlives the run.
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}

/// sha256 of a file, hex.
///
/// # Errors
///
/// [`CliError::Output`] naming the file when it cannot be read.
pub fn sha256(path: &Path) -> CliResult<String> {
    let mut f = std::fs::File::open(path).map_err(io_err(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass::user::{write_catalog, Column};

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("glass-writer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn rows(cats: &mut [Option<CatalogWriter>]) -> CliResult<Option<PathBuf>> {
        let x = [1.0, 2.0, 3.0];
        if let Some(w) = &mut cats[0] {
            w.write(&[("X", Column::F64(&x))])?;
        }
        Ok(None)
    }

    #[test]
    fn completed_files_are_hashed() {
        let d = scratch("ok");
        let p = d.join("cat.fits");
        let mut w = Writer::spawn(vec![Some(write_catalog(&p, Some("CAT")).unwrap())]).unwrap();
        for _ in 0..3 {
            w.submit(rows).unwrap();
        }
        let q = p.clone();
        w.submit(move |cats| {
            cats[0].take().unwrap().finish()?;
            Ok(Some(q))
        })
        .unwrap();
        let done = w.finish().unwrap();
        assert_eq!(done.files, vec![p.clone()]);
        assert_eq!(done.sha256[&p], sha256(&p).unwrap());
        assert_eq!(done.sha256[&p].len(), 64);
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// A failing job stops the writer: the next submit returns its error,
    /// and the open catalogue's temporary file is gone.
    #[test]
    fn a_failed_job_stops_the_writer_and_leaves_no_file() {
        let d = scratch("fail");
        let p = d.join("cat.fits");
        let mut w = Writer::spawn(vec![Some(write_catalog(&p, Some("CAT")).unwrap())]).unwrap();
        w.submit(rows).unwrap();
        w.submit(|_| Err(CliError::Output("disk full (a test)".into())))
            .unwrap();
        // the writer may still take one more job before it has stopped
        let mut err = None;
        for _ in 0..4 {
            if let Err(e) = w.submit(rows) {
                err = Some(e);
                break;
            }
        }
        let e = match err {
            Some(e) => e,
            None => w.finish().unwrap_err(),
        };
        assert!(e.to_string().contains("disk full (a test)"), "{e}");
        let left: Vec<_> = std::fs::read_dir(&d).unwrap().flatten().collect();
        assert!(left.is_empty(), "left behind: {left:?}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
