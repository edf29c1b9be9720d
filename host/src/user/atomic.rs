//! Output files written atomically: to a temporary file next to the
//! target, synced and renamed onto it when complete, so that no reader
//! ever sees a partial file under the user's name.
//!
//! The rules, for every writer of glass (`.npy`, `.npz`, FITS, PNG, JSON):
//!
//! - only a regular file (or a new path) is replaced: a FIFO, a device, a
//!   socket or a directory at the target is refused, never swapped for a
//!   regular file; a symbolic link is followed and the file it points to is
//!   replaced (the link stays);
//! - a replaced file keeps its permissions;
//! - the data are synced (`fsync`) before the rename;
//! - the temporary file (`.NAME.tmp-PID`) is removed on any failure, when
//!   the writer is dropped unfinished, and by [`remove_temporaries`], which
//!   a program calls from its signal handler (`glass` does, on SIGINT and
//!   SIGTERM); a temporary left by a process that no longer runs (killed
//!   with SIGKILL, a power cut) is removed by the next write to the same
//!   target.
//!
//! Errors name the user's path, not the temporary one.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The temporaries of this process that are being written.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Set by [`remove_temporaries`]: no new temporary file may start (a
/// writer on another thread would otherwise leave one behind the exit).
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Removes every temporary file this process is writing, and refuses new
/// ones from then on (for a signal handler before exiting: the outputs
/// being written, on any thread, are abandoned).
pub fn remove_temporaries() {
    remove_matching(|_| true, true);
}

/// [`remove_temporaries`] for the temporaries under `dir` only.
#[cfg(test)]
fn remove_temporaries_in(dir: &Path) {
    remove_matching(|p| p.starts_with(dir), false);
}

fn remove_matching(which: impl Fn(&Path) -> bool, close: bool) {
    let mut live = live();
    if close {
        CLOSED.store(true, Ordering::SeqCst);
    }
    live.retain(|p| {
        if which(p) {
            let _ = std::fs::remove_file(p);
            false
        } else {
            true
        }
    });
}

/// A file being written atomically; [`AtomicFile::commit`] moves it into
/// place, dropping it before removes it.
pub struct AtomicFile {
    out: BufWriter<File>,
    tmp: PathBuf,
    /// Where the file goes (a symlink at the user's path resolved).
    dest: PathBuf,
    /// The user's path, for messages.
    target: PathBuf,
    mode: Option<std::fs::Permissions>,
    done: bool,
}

/// What a file that is not a regular file is ("a FIFO"), for messages.
pub(crate) fn kind_of(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Removes `.NAME.tmp-PID` next to `dest` left by processes that are gone.
fn remove_stale(dest: &Path, name: &str) {
    let Some(dir) = dest.parent() else { return };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let f = e.file_name();
        let f = f.to_string_lossy();
        if let Some(pid) = f.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) {
            let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
            if !alive {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

impl AtomicFile {
    /// Starts writing `target`.
    ///
    /// # Errors
    ///
    /// [`Error::File`] for a target that is not a regular file (or a link
    /// to one) or has no file name; [`Error::Io`] naming `target` when the
    /// temporary file cannot be created.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let mut dest = target.to_path_buf();
        let mut mode = None;
        match std::fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                dest = std::fs::canonicalize(target).map_err(|e| {
                    Error::file(
                        target,
                        format!("a symbolic link that cannot be followed: {e}"),
                    )
                })?;
                let m = std::fs::metadata(&dest).map_err(|e| Error::io(target, e))?;
                if !m.file_type().is_file() {
                    return Err(Error::file(
                        target,
                        format!(
                            "links to {} ({}): outputs are written to regular files only",
                            dest.display(),
                            kind_of(&m.file_type())
                        ),
                    ));
                }
                mode = Some(m.permissions());
            }
            Ok(m) if !m.file_type().is_file() => {
                return Err(Error::file(
                    target,
                    format!(
                        "is {}: outputs are written to regular files only",
                        kind_of(&m.file_type())
                    ),
                ));
            }
            Ok(m) => mode = Some(m.permissions()),
            Err(_) => {}
        }
        let name = dest
            .file_name()
            .ok_or_else(|| Error::file(target, "not a file name"))?
            .to_string_lossy()
            .into_owned();
        remove_stale(&dest, &name);
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        // created and registered under the lock, so that
        // remove_temporaries sees every temporary or none starts after it
        let mut live = live();
        if CLOSED.load(Ordering::SeqCst) {
            return Err(Error::io(
                target,
                std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "the program is stopping: no new output is started",
                ),
            ));
        }
        let f = File::create(&tmp).map_err(|e| Error::io(target, e))?;
        live.push(tmp.clone());
        drop(live);
        Ok(AtomicFile {
            out: BufWriter::with_capacity(1 << 20, f),
            tmp,
            dest,
            target: target.to_path_buf(),
            mode,
            done: false,
        })
    }

    /// The user's path (for messages).
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// An I/O error on this file, naming the user's path.
    pub fn err(&self, e: std::io::Error) -> Error {
        Error::io(&self.target, e)
    }

    /// Flushes, syncs and renames the file into place (with the
    /// permissions of the file it replaces).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] naming the path; the temporary file is removed.
    pub fn commit(mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.target, e))?;
        let f = self.out.get_ref();
        if let Some(m) = &self.mode {
            f.set_permissions(m.clone())
                .map_err(|e| Error::io(&self.target, e))?;
        }
        f.sync_all().map_err(|e| Error::io(&self.target, e))?;
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.target, e))?;
        self.done = true;
        live().retain(|p| p != &self.tmp);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.out.seek(pos)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
            live().retain(|p| p != &self.tmp);
        }
    }
}

/// Writes `bytes` to `path` atomically.
///
/// # Errors
///
/// As [`AtomicFile::create`] and [`AtomicFile::commit`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| f.err(e))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("glass-atomic-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn special_files_are_refused_links_followed_modes_kept() {
        let d = dir("special");
        // a FIFO stays a FIFO
        let fifo = d.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = write_atomic(&fifo, b"x").unwrap_err().to_string();
        assert!(e.contains("a FIFO") && e.contains("fifo"), "{e}");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
        // a directory
        let e = write_atomic(&d, b"x").unwrap_err().to_string();
        assert!(e.contains("a directory"), "{e}");
        // a device (through a link): refused, the link stays
        let dev = d.join("null");
        std::os::unix::fs::symlink("/dev/null", &dev).unwrap();
        let e = write_atomic(&dev, b"x").unwrap_err().to_string();
        assert!(e.contains("a device"), "{e}");
        assert!(std::fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_symlink());
        // a link to a regular file: the file is replaced, the link stays
        let real = d.join("real.txt");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = d.join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert_eq!(
            std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640,
            "the mode of the replaced file is kept"
        );
        // nothing left behind
        let left: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn temporaries_are_removed_when_dropped_on_signal_and_when_stale() {
        let d = dir("temps");
        let p = d.join("out.bin");
        // dropped unfinished
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
        // what a signal handler does (here for this test's directory only:
        // other tests are writing in parallel)
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"partial").unwrap();
        remove_temporaries_in(&d);
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
        drop(f);
        // left by a process that is gone (no such pid): removed by the
        // next write of the same target
        let stale = d.join(format!(".out.bin.tmp-{}", u32::MAX - 1));
        std::fs::write(&stale, b"left over").unwrap();
        write_atomic(&p, b"done").unwrap();
        assert!(!stale.exists());
        assert_eq!(std::fs::read(&p).unwrap(), b"done");
        let _ = std::fs::remove_dir_all(&d);
    }
}
