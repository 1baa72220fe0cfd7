//! Giving the allocator's free pages back to the system once a large amount of memory has been
//! freed in small blocks: after the log covered by a snapshot is purged. glibc keeps such pages
//! resident, scattered among the live jobs' memory, until asked (`malloc_trim(3)`: since glibc
//! 2.8 it releases free pages anywhere in every arena, not only at the top of the heap).

/// Hands free pages back (glibc on Linux; elsewhere nothing).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and only returns free pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
