//! [`ShtPlanner`]: the plans its owner keeps, as rustfft's `FftPlanner`.
//!
//! A plan costs `O(nside + lmax)` memory and setup (ring geometry, FFT plans
//! per ring length, recurrence tables); a simulation transforms many shells
//! at the same `(nside, lmax, mmax)`, so the owner (a backend instance, a
//! pipeline) asks its planner and gets the same `Arc<ShtPlan>` back. There
//! is no global cache: two owners never share or evict each other's plans.
//!
//! The key is `(nside, lmax, mmax)`: a plan serves every spin (the spin
//! recurrence coefficients are computed per `m` from the plan's tables), so
//! spin is not part of it.

use std::sync::{Arc, Mutex};

use super::ShtPlan;
use crate::error::Result;

/// Plans kept by [`ShtPlanner::new`].
pub const DEFAULT_CAPACITY: usize = 4;

/// `(nside, lmax, mmax)` of a plan.
type Key = (i64, usize, usize);

/// A size-bounded cache of [`ShtPlan`]s, least recently used evicted first.
/// Shareable between threads (`&self` methods; the lock is held only to look
/// up or insert, never while a plan is built or used).
///
/// ```
/// use glass_healpix::sht::ShtPlanner;
/// use std::sync::Arc;
///
/// let planner = ShtPlanner::new();
/// let a = planner.plan(8, 16, 16).unwrap();
/// let b = planner.plan(8, 16, 16).unwrap();
/// assert!(Arc::ptr_eq(&a, &b));
/// ```
#[derive(Debug)]
pub struct ShtPlanner {
    capacity: usize,
    /// Least recently used first.
    plans: Mutex<Vec<(Key, Arc<ShtPlan>)>>,
}

impl Default for ShtPlanner {
    fn default() -> Self {
        ShtPlanner::new()
    }
}

impl ShtPlanner {
    /// A planner keeping the [`DEFAULT_CAPACITY`] most recently used plans.
    pub fn new() -> ShtPlanner {
        ShtPlanner::with_capacity(DEFAULT_CAPACITY)
    }

    /// A planner keeping at most `capacity` plans (at least one).
    pub fn with_capacity(capacity: usize) -> ShtPlanner {
        ShtPlanner {
            capacity: capacity.max(1),
            plans: Mutex::new(Vec::new()),
        }
    }

    /// The plan for `(nside, lmax, mmax)`: the kept one, or a new one that
    /// is kept (evicting the least recently used when full).
    ///
    /// # Errors
    /// As [`ShtPlan::new`]: an invalid nside, `mmax > lmax`, a huge lmax.
    pub fn plan(&self, nside: i64, lmax: usize, mmax: usize) -> Result<Arc<ShtPlan>> {
        let key = (nside, lmax, mmax);
        if let Some(plan) = self.lookup(key) {
            return Ok(plan);
        }
        // built outside the lock: another thread may build the same plan
        // meanwhile; the first one inserted wins, both are correct
        let plan = Arc::new(ShtPlan::new(nside, lmax, mmax)?);
        let mut plans = self.lock();
        if let Some(i) = plans.iter().position(|(k, _)| *k == key) {
            return Ok(plans[i].1.clone());
        }
        if plans.len() >= self.capacity {
            plans.remove(0);
        }
        plans.push((key, plan.clone()));
        Ok(plan)
    }

    /// How many plans are kept now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no plan is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most plans kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lookup(&self, key: Key) -> Option<Arc<ShtPlan>> {
        let mut plans = self.lock();
        let i = plans.iter().position(|(k, _)| *k == key)?;
        let entry = plans.remove(i);
        let plan = entry.1.clone();
        plans.push(entry);
        Some(plan)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Key, Arc<ShtPlan>)>> {
        // a panic elsewhere cannot leave the list inconsistent (every
        // update is a single push or remove), so a poisoned lock is fine
        self.plans.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_plans_per_key_and_evicts_the_least_recently_used() {
        let p = ShtPlanner::with_capacity(2);
        let a = p.plan(4, 8, 8).unwrap();
        let b = p.plan(4, 8, 4).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        // touch a, so that b is the least recently used
        assert!(Arc::ptr_eq(&a, &p.plan(4, 8, 8).unwrap()));
        let _c = p.plan(8, 8, 8).unwrap();
        assert_eq!(p.len(), 2);
        assert!(Arc::ptr_eq(&a, &p.plan(4, 8, 8).unwrap()));
        assert!(!Arc::ptr_eq(&b, &p.plan(4, 8, 4).unwrap()));
    }

    #[test]
    fn two_planners_share_nothing() {
        let (p, q) = (ShtPlanner::new(), ShtPlanner::new());
        let a = p.plan(4, 8, 8).unwrap();
        assert!(q.is_empty());
        assert!(!Arc::ptr_eq(&a, &q.plan(4, 8, 8).unwrap()));
    }

    #[test]
    fn bad_keys_are_errors_and_not_kept() {
        let p = ShtPlanner::new();
        assert!(p.plan(0, 8, 8).is_err());
        assert!(p.plan(4, 8, 9).is_err());
        assert!(p.is_empty());
    }
}
