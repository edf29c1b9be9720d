//! The fallback's planner: the plan tables of the standard-op transforms,
//! uploaded to the backend once per `(nside, lmax, mmax, spin)` and kept on
//! its device, as rustfft's planner keeps its plans.
//!
//! Every [`Backend`] owns one [`Planner`] (a strict or GPU backend without
//! `healpix.*` then pays the uploads once per simulation, not once per
//! shell). It keeps the [`CAPACITY`] most recently used keys; a table set
//! holds `O((lmax + 1)(mmax + 1))` numbers (the recurrence rows of every
//! degree) plus `O(npix)` indices, about eight doubles per alm coefficient.
//!
//! The tables are [`Resident`] handles: the planner lives inside its own
//! backend instance, so they may not hold a [`Backend`] (that reference
//! cycle would never free the instance). The instance outlives them: the
//! backend clears its planner before destroying the instance, and a table
//! set handed out is only used while its [`Backend`] is borrowed.

use std::ffi::c_void;
use std::sync::{Arc, Mutex};

use glass_backend_api::RawArray;

use super::tables::Tables;
use crate::{Array, Backend, Error, Result};

/// Table sets kept per backend instance.
pub const CAPACITY: usize = 4;

/// What a table set is planned for: `spin = 0` is the scalar transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub nside: i64,
    pub lmax: usize,
    pub mmax: usize,
    pub spin: usize,
}

/// An array handle owned by a plan cache inside its own backend instance
/// (one reference of the backend's count), without a [`Backend`].
pub struct Resident {
    raw: RawArray,
    ctx: *const c_void,
    release: unsafe extern "C" fn(*const c_void, RawArray),
}

// SAFETY: the handle and the instance context are `Send + Sync` (the
// backend contract); `release` is a plain function.
unsafe impl Send for Resident {}
unsafe impl Sync for Resident {}

impl Resident {
    /// Keeps `a` (a reference of its own; `a` itself is dropped).
    pub fn new(a: Array) -> Resident {
        let b = a.backend();
        b.retain(a.raw());
        let inst = b.instance();
        Resident {
            raw: a.raw(),
            ctx: inst.ctx,
            release: inst.vtable.release(),
        }
    }

    /// The array, as an array of `b` (the backend whose planner keeps it).
    ///
    /// # Errors
    /// `b` is another backend instance, or the backend fails to describe it.
    pub fn get(&self, b: &Backend) -> Result<Array> {
        if b.instance().ctx != self.ctx {
            return Err(Error::internal(
                "sht",
                "plan table of another backend instance",
            ));
        }
        b.retain(self.raw);
        // SAFETY: a live handle of `b`, with the reference just added
        unsafe { Array::from_raw(b.clone(), self.raw) }
    }
}

impl Drop for Resident {
    fn drop(&mut self) {
        // SAFETY: the instance is alive (module doc); one reference is ours
        unsafe { (self.release)(self.ctx, self.raw) }
    }
}

/// The table sets of one backend instance, least recently used first.
#[derive(Default)]
pub struct Planner {
    sets: Mutex<Vec<(Key, Arc<Tables>)>>,
}

impl Planner {
    /// The tables for `key` on `b` (the backend owning this planner):
    /// kept ones, or new ones uploaded now and kept.
    ///
    /// # Errors
    /// An invalid key (nside, `mmax > lmax`, spin above lmax) or a failed
    /// upload.
    pub fn tables(&self, b: &Backend, key: Key) -> Result<Arc<Tables>> {
        if let Some(t) = self.lookup(key) {
            return Ok(t);
        }
        // uploaded outside the lock; a concurrent upload of the same key
        // is harmless (the first one kept wins)
        let t = Arc::new(Tables::upload(b, key)?);
        let mut sets = self.lock();
        if let Some(i) = sets.iter().position(|(k, _)| *k == key) {
            return Ok(sets[i].1.clone());
        }
        if sets.len() >= CAPACITY {
            sets.remove(0);
        }
        sets.push((key, t.clone()));
        Ok(t)
    }

    /// How many table sets are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Drops every kept table set (the backend does so before it destroys
    /// its instance).
    pub fn clear(&self) {
        // taken out first, dropped after the lock
        let sets = std::mem::take(&mut *self.lock());
        drop(sets);
    }

    fn lookup(&self, key: Key) -> Option<Arc<Tables>> {
        let mut sets = self.lock();
        let i = sets.iter().position(|(k, _)| *k == key)?;
        let entry = sets.remove(i);
        let t = entry.1.clone();
        sets.push(entry);
        Some(t)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Key, Arc<Tables>)>> {
        // each update is one push or remove: a poisoned list is consistent
        self.sets.lock().unwrap_or_else(|e| e.into_inner())
    }
}
