//! The C allocator's settings for a program of whole-map array operations.
//!
//! Every array operation makes a new array of the size of a map or a
//! catalogue batch (25 MB at nside 512). glibc's `malloc` serves such
//! blocks from fresh `mmap`s once its dynamic mmap threshold is passed, and
//! gives freed memory at the top of the heap back to the system above its
//! trim threshold (128 KiB), so a chain of whole-map operations faults
//! every page of its memory in again, op after op: at nside 512 about 10% of
//! the simulation loop was the kernel's page-fault path (`perf record`).
//! [`retain_freed_memory`] keeps freed blocks for reuse instead. It is a
//! process-wide choice, so the library never makes it itself: programs
//! call it first thing (the `glass` command does).

/// Largest mmap threshold glibc accepts (`HEAP_MAX_SIZE / 2` on 64-bit).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;
/// Freed memory above this at the top of the heap goes back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 1 << 30;

/// Sets glibc's `M_MMAP_THRESHOLD` to 32 MiB (blocks below it come from the
/// heap and are reused after `free`) and `M_TRIM_THRESHOLD` to 1 GiB (freed
/// memory stays with the process while it runs, so its resident memory
/// stays near its peak instead of falling between operations). Measured at
/// nside 512 on one thread (the library loop of `benches/examples/pipeline.rs`):
/// 5% less time, the same peak memory. Returns whether both settings were
/// taken; on other C libraries, or with `GLASS_SYSTEM_MALLOC=1` in the
/// environment (glibc's defaults, for comparison), it does nothing and
/// returns `false`.
pub fn retain_freed_memory() -> bool {
    if std::env::var_os("GLASS_SYSTEM_MALLOC").is_some_and(|v| v == "1") {
        return false;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only sets allocator parameters; both values are in
        // the ranges glibc documents.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_both_settings() {
        if std::env::var_os("GLASS_SYSTEM_MALLOC").is_some() {
            return;
        }
        assert!(super::retain_freed_memory());
        // and memory still works
        let v = vec![1.0f64; 1 << 22];
        drop(v);
        let w = vec![2.0f64; 1 << 22];
        assert_eq!(w[12345], 2.0);
    }
}
